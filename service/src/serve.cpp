// SPDX-License-Identifier: LGPL-2.1-or-later
// The export service's core: requests on libsoup 3 through the route table, their
// answers (now or later, off the main loop), signals, and run_server().
#include <jsontimeline/serve.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <jsontimeline/capabilities.h>
#include <jsontimeline/editorstate.h>
#include <jsontimeline/illustrations.h>
#include <jsontimeline/json.h>
#include <jsontimeline/webhooks.h>

#include "serve-error.h"
#include "serve-server.h"

namespace jtl {

namespace serve_detail {

std::string server_origin(Server *s)
{
	std::string base = !s->opt.public_url.empty() ? s->opt.public_url
	                   : !s->request_url.empty()  ? s->request_url
	                                              : s->base_url;
	while (!base.empty() && base.back() == '/')
		base.pop_back();
	return base;
}

TaskStore &server_store(Server *s)
{
	return s->store;
}

const ServeOptions &server_options(Server *s)
{
	return s->opt;
}

const std::string &server_secret_of(Server *s)
{
	return s->secret;
}

/* ---- work off the main loop ---- */

struct OffLoopJob {
	Server *s = nullptr;
	std::string key_id;
	std::function<void()> work; /* on a worker thread */
	std::function<void()> done; /* then on the main loop */
};

gboolean off_loop_done(gpointer data)
{
	std::unique_ptr<OffLoopJob> j(static_cast<OffLoopJob *>(data));
	auto it = j->s->off_loop_by_key.find(j->key_id);
	if (it != j->s->off_loop_by_key.end() && --it->second <= 0)
		j->s->off_loop_by_key.erase(it);
	j->done();
	return G_SOURCE_REMOVE;
}

void off_loop_thread(gpointer data, gpointer)
{
	/* below the main loop: a long validation must not slow the answers of the others */
	thread_local bool lowered = false;
	if (!lowered)
		setpriority(PRIO_PROCESS, pid_t(syscall(SYS_gettid)), 5);
	lowered = true;
	auto *j = static_cast<OffLoopJob *>(data);
	j->work();
	g_idle_add_full(G_PRIORITY_DEFAULT, off_loop_done, j, nullptr);
}

Response off_loop(Server *s, Request &r, std::function<void()> work,
                  std::function<Response(Request &)> finish)
{
	std::string key = r.key ? r.key->id : "";
	auto it = s->off_loop_by_key.find(key);
	if (it != s->off_loop_by_key.end() && it->second >= kMaxOffLoopPerKey) {
		Response busy = problem(429, "OPEN_API_REQUEST_LIMIT_EXCEEDED",
		                        "this key has " + std::to_string(kMaxOffLoopPerKey) +
		                                " request bodies in validation already; retry when "
		                                "one is answered");
		busy.headers.emplace_back("Retry-After", "1");
		return busy;
	}
	s->off_loop_by_key[key]++;
	std::shared_ptr<Later> later = answer_later(s, r);
	auto *j = new OffLoopJob;
	j->s = s;
	j->key_id = key;
	j->work = std::move(work);
	j->done = [later, finish = std::move(finish)] {
		later->run([&] { return finish(later->r); });
	};
	g_thread_pool_push(s->pool, j, nullptr);
	Response deferred;
	deferred.deferred = true;
	return deferred;
}

/* What a request's path names: r.route (its pattern, for logs and metrics, also when it
 * is refused) and r.params; the route (nullptr: not found). */
RouteMatch name_route(Server *s, Request &r)
{
	RouteMatch m = s->routes.find(r.path, r.method, &r.params);
	if (m.path)
		r.route = m.path->pattern;
	return m;
}

/* Routes without an API key: /healthz, signed links (their own credential) and /metrics
 * (an operator token or a key, checked by the route). None of them takes a body. */
bool keyless(const RouteMatch &m)
{
	return m.path && m.path->auth != Auth::Key;
}

/* The key's rate: 0 or a 429 to answer. */
bool over_rate(Server *s, const ApiKey *key, Response *out)
{
	int wait = rate_limited(s, key->id);
	if (!wait)
		return false;
	*out = problem(429, "OPEN_API_REQUEST_LIMIT_EXCEEDED",
	               "more than " + std::to_string(s->opt.rate_limit_per_minute) +
	                       " requests a minute with this key");
	out->headers.emplace_back("Retry-After", std::to_string(wait));
	return true;
}

bool is_operator(Server *s, SoupServerMessage *msg)
{
	const char *auth = soup_message_headers_get_one(
	        soup_server_message_get_request_headers(msg), "Authorization");
	const std::string bearer = "Bearer ";
	return !s->opt.metrics_token.empty() && auth && strncmp(auth, "Bearer ", 7) == 0 &&
	       equal_constant_time(sha256_hex(auth + bearer.size()),
	                           sha256_hex(s->opt.metrics_token));
}

constexpr const char *kKeyData = "jtl-api-key";     /* the key on_early found, on the message */
constexpr const char *kRefusedData = "jtl-refused"; /* answered early: the body is not read */

Response dispatch_route(Server *s, Request &r)
{
	RouteMatch m = name_route(s, r);
	Auth auth = m.path ? m.path->auth : Auth::Key;
	if (auth == Auth::Metrics) {
		/* the operator's token: the service's counts; a key: its own */
		bool op = is_operator(s, r.msg);
		r.key = op ? nullptr : authenticate(s, r.msg);
		if (!op && !r.key)
			return problem(401, "OPEN_API_KEY_INVALID",
			               "a valid API key (or the operator's metrics token) is "
			               "required");
		Response limited;
		if (r.key && over_rate(s, r.key, &limited))
			return limited;
	} else if (auth == Auth::Key) {
		/* the key on_early authenticated and charged for this request */
		r.key = static_cast<const ApiKey *>(g_object_get_data(G_OBJECT(r.msg), kKeyData));
		if (!r.key)
			return problem(401, "OPEN_API_KEY_INVALID",
			               "a valid API key is required in the x-api-key header");
	}
	if (!m.path)
		return problem(404, "OPEN_API_NOT_FOUND", "no route " + r.path);
	if (!m.route)
		return problem(405, "OPEN_API_METHOD_NOT_ALLOWED",
		               !m.path->wrong_method.empty()
		                       ? m.path->wrong_method
		                       : "method " + r.method + " is not allowed on " + r.path);
	return m.route->handler(s, r);
}

/* Counts a request in the metrics (by key) and logs it. */
void count_request(Server *s, const Request &r, int status, gint64 start_us)
{
	s->requests[(r.key ? r.key->id : "") + "\x1f" + r.route + "\x1f" + r.method + "\x1f" +
	            std::to_string(status)]++;
	double ms = double(g_get_monotonic_time() - start_us) / 1000.0;
	std::string fields = ",\"method\":" + jstr(r.method) + ",\"path\":" + jstr(r.path) +
	                     ",\"route\":" + jstr(r.route) +
	                     ",\"status\":" + std::to_string(status) + ",\"ms\":" + jnum(ms);
	if (r.key)
		fields += ",\"keyId\":" + jstr(r.key->id);
	log_line("request", fields);
}

void send(Server *s, SoupServerMessage *msg, Request &r, Response &out, gint64 start_us)
{
	/* libsoup has no reason phrase for some codes (429 would be "Unknown Error") */
	soup_server_message_set_status(
	        msg, out.status, out.status >= 400 ? status_names(out.status).reason : nullptr);
	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
	for (const auto &[k, v] : out.headers)
		soup_message_headers_replace(h, k.c_str(), v.c_str());
	if (out.file) {
		soup_message_headers_set_content_type(h, out.content_type.c_str(), nullptr);
		soup_message_body_append_bytes(soup_server_message_get_response_body(msg),
		                               out.file);
		g_bytes_unref(out.file);
		out.file = nullptr;
	} else {
		soup_server_message_set_response(msg, out.content_type.c_str(), SOUP_MEMORY_COPY,
		                                 out.body.data(), out.body.size());
	}
	/* one request a connection: libsoup keeps a connection open only for its own
	 * listener, and the service runs its listening socket itself (serve-listen.cpp) */
	soup_message_headers_replace(h, "Connection", "close");
	count_request(s, r, out.status, start_us);
}

constexpr std::size_t kLingerBytes = 1024 * 1024, kLingerKeyBytes = 64 * 1024 * 1024;

/* Refuses a request from its head: answered at once, its connection closed without
 * reading the body. */
void refuse_early(Server *s, Request &r, const Response &out)
{
	/* what is dropped after the answer: a little for a client without a key, more for
	 * a key's client still sending a body too large */
	if (answer_and_close(r.msg, out, r.key ? kLingerKeyBytes : kLingerBytes)) {
		count_request(s, r, out.status, r.start_us);
		return;
	}
	/* not a connection of ours: answered by libsoup (which still reads the body) */
	Response copy = out;
	send(s, r.msg, r, copy, r.start_us);
}

void refuse_body(Server *s, SoupServerMessage *msg, const char *path, std::size_t limit)
{
	Request r{msg, soup_server_message_get_method(msg), path, nullptr};
	r.route = "(body too large)";
	r.start_us = g_get_monotonic_time();
	r.key = static_cast<const ApiKey *>(g_object_get_data(G_OBJECT(msg), kKeyData));
	g_object_set_data(G_OBJECT(msg), kRefusedData, GINT_TO_POINTER(1));
	refuse_early(s, r,
	             problem(413, "OPEN_API_PAYLOAD_TOO_LARGE",
	                     limit == 0 ? "this route takes no request body"
	                                : "the request body is larger than " +
	                                          std::to_string(limit) + " bytes"));
}

void on_request(SoupServer *, SoupServerMessage *msg, const char *path, GHashTable *query,
                gpointer data)
{
	Server *s = static_cast<Server *>(data);
	gint64 start = g_get_monotonic_time();
	Request r{msg, soup_server_message_get_method(msg), path, query};
	/* links in answers point where the client reached us (its Host header) */
	GUri *uri = soup_server_message_get_uri(msg);
	g_autofree char *origin =
	        g_uri_join(G_URI_FLAGS_NONE, g_uri_get_scheme(uri), nullptr, g_uri_get_host(uri),
	                   g_uri_get_port(uri), "", nullptr, nullptr);
	r.start_us = start;
	r.origin = origin ? origin : "";
	s->request_url = r.origin;
	Response out = dispatch_route(s, r);
	s->request_url.clear();
	if (!out.deferred)
		send(s, msg, r, out, start);
}

Later::~Later()
{
	if (msg) {
		g_signal_handler_disconnect(msg, disconnected_id);
		g_object_unref(msg);
	}
}

/* A client that went away is not answered, and what it asked for is not done. */
void Later::run(const std::function<Response()> &build)
{
	if (gone)
		return;
	s->request_url = r.origin;
	Response out = build();
	s->request_url.clear();
	send(s, msg, r, out, r.start_us);
	answered = true;
	soup_server_message_unpause(msg);
}

std::shared_ptr<Later> answer_later(Server *s, const Request &r)
{
	auto later = std::make_shared<Later>();
	later->s = s;
	later->msg = SOUP_SERVER_MESSAGE(g_object_ref(r.msg));
	later->r = r;
	later->r.query = nullptr;
	later->disconnected_id = g_signal_connect_swapped(
	        r.msg, "disconnected", G_CALLBACK(+[](Later *l) {
		        if (l->answered)
			        return;
		        l->gone = true;
		        log_line("request", ",\"method\":" + jstr(l->r.method) +
		                                    ",\"path\":" + jstr(l->r.path) +
		                                    ",\"route\":" + jstr(l->r.route) +
		                                    ",\"status\":null,\"gone\":true");
	        }),
	        later.get());
	/* counted until written (or the client gone): a stopping service waits for it */
	struct Pending {
		Server *s;
		bool counted = true;
	};
	s->pending_answers++;
	auto ended = +[](SoupServerMessage *, Pending *p) {
		if (!p->counted)
			return;
		p->counted = false;
		if (p->s->exiting)
			return;
		p->s->pending_answers--;
		quit_when_idle(p->s);
	};
	auto *pending = new Pending{s};
	g_signal_connect_data(r.msg, "finished", G_CALLBACK(ended), pending, nullptr,
	                      GConnectFlags(0));
	g_signal_connect_data(
	        r.msg, "disconnected", G_CALLBACK(ended), pending,
	        +[](gpointer p, GClosure *) { delete static_cast<Pending *>(p); },
	        GConnectFlags(0));
	soup_server_message_pause(r.msg);
	return later;
}

/* A body as it comes: counted (a chunked one, its size unknown in advance, is stopped at
 * the limit), and read in turns: libsoup reads as long as bytes are there, so a fast
 * client would hold the main loop for the whole body; every kBodyTurn bytes the message
 * pauses and resumes from an idle source, and the other connections get their turn. */
constexpr std::size_t kBodyTurn = 256 * 1024;

struct BodyCount {
	Server *s = nullptr;
	std::string path;
	std::size_t limit = 0, seen = 0, turn = 0;
	bool count = false; /* chunked (not an upload, which counts its own) */
};

void on_body_chunk(SoupServerMessage *msg, GBytes *chunk, gpointer data)
{
	auto *b = static_cast<BodyCount *>(data);
	if (g_object_get_data(G_OBJECT(msg), kRefusedData))
		return; /* answered: libsoup no longer reads it */
	b->seen += g_bytes_get_size(chunk);
	if (b->count && b->seen > b->limit) {
		refuse_body(b->s, msg, b->path.c_str(), b->limit); /* libsoup lets go of msg */
		return;
	}
	if (b->seen - b->turn >= kBodyTurn) {
		b->turn = b->seen;
		soup_server_message_pause(msg);
		soup_server_message_unpause(msg); /* from an idle source */
	}
}

/* From the request head, before a byte of the body is read: the key (routes that need
 * one), its rate, and the size the body declares. A refused request is answered at once
 * and its connection closed; a chunked body is counted as it comes and stopped at the
 * limit. */
void on_early(SoupServer *, SoupServerMessage *msg, const char *path, GHashTable *, gpointer data)
{
	Server *s = static_cast<Server *>(data);
	listener_got_headers(msg);
	Request r{msg, soup_server_message_get_method(msg), path, nullptr};
	r.start_us = g_get_monotonic_time();
	RouteMatch target = name_route(s, r);
	bool upload = r.route == "/v1/uploads" && r.method == "POST";
	std::size_t limit = upload ? s->opt.max_upload_bytes : s->opt.max_body_bytes;
	if (keyless(target)) {
		limit = 0;
	} else {
		r.key = authenticate(s, msg);
		if (!r.key) {
			refuse_early(
			        s, r,
			        problem(401, "OPEN_API_KEY_INVALID",
			                "a valid API key is required in the x-api-key header"));
			return;
		}
		Response limited;
		if (over_rate(s, r.key, &limited)) {
			refuse_early(s, r, limited);
			return;
		}
		g_object_set_data(G_OBJECT(msg), kKeyData, const_cast<ApiKey *>(r.key));
	}
	SoupMessageHeaders *h = soup_server_message_get_request_headers(msg);
	SoupEncoding encoding = soup_message_headers_get_encoding(h);
	if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
	    soup_message_headers_get_content_length(h) > goffset(limit)) {
		refuse_body(s, msg, path, limit);
		return;
	}
	if (upload)
		upload_begin(s, msg); /* the file goes to disk as it arrives */
	if (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_CONTENT_LENGTH) {
		auto *b = new BodyCount{s, path, limit};
		b->count = encoding == SOUP_ENCODING_CHUNKED && !upload;
		g_signal_connect_data(
		        msg, "got-chunk", G_CALLBACK(on_body_chunk), b,
		        [](gpointer p, GClosure *) { delete static_cast<BodyCount *>(p); },
		        GConnectFlags(0));
	}
}

gboolean on_signal(gpointer data)
{
	Server *s = static_cast<Server *>(data);
	s->signals++;
	if (s->signals == 1) {
		s->stopping = true;
		log_line("stopping",
		         ",\"running\":" + std::to_string(s->running.size()) +
		                 ",\"queued\":" + std::to_string(s->queue.size()) + ",\"probes\":" +
		                 std::to_string(s->probes.size() + s->probe_queue.size()));
		quit_when_idle(s);
	} else {
		for (auto &[id, job] : s->running) {
			job->stopped = true;
			g_subprocess_force_exit(job->proc);
		}
		/* uploads waiting for a probe are stored (and answered) without what it would
		 * have found */
		Server::ProbeQueue waiting;
		waiting.swap(s->probe_queue);
		for (auto &[file, done] : waiting)
			done("");
		for (Probe *p : s->probes)
			stop_probe(p);
	}
	return G_SOURCE_CONTINUE;
}

bool server_stopping(Server *s)
{
	return s->stopping;
}

bool load_secret(const std::string &dir, std::string *secret, GError **error)
{
	std::string file = dir + "/secret";
	g_autofree char *contents = nullptr;
	if (g_file_get_contents(file.c_str(), &contents, nullptr, nullptr)) {
		*secret = g_strstrip(contents);
		if (secret->size() >= 32)
			return true;
	}
	*secret = random_hex(32);
	g_autoptr(GError) err = nullptr;
	if (secret->size() != 64 ||
	    !g_file_set_contents_full(file.c_str(), (*secret + "\n").c_str(), -1,
	                              G_FILE_SET_CONTENTS_CONSISTENT, 0600, &err)) {
		set_service_error(error, JTL_ERROR_IO, file + ": cannot be written");
		return false;
	}
	return true;
}

/* Deletes the outputs of tasks completed longer ago than the retention time. */
gboolean purge_outputs(gpointer data)
{
	Server *s = static_cast<Server *>(data);
	if (s->opt.retention_seconds <= 0)
		return G_SOURCE_CONTINUE;
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autoptr(GDateTime) cut =
	        g_date_time_add(now, GTimeSpan(-s->opt.retention_seconds * G_TIME_SPAN_SECOND));
	g_autofree char *base = g_date_time_format(cut, "%Y-%m-%dT%H:%M:%S");
	char ms[8];
	g_snprintf(ms, sizeof ms, ".%03dZ", g_date_time_get_microsecond(cut) / 1000);
	for (const StoredTask &t : s->store.completed_before(std::string(base) + ms)) {
		std::string path = output_path(s, t);
		if (g_file_test(path.c_str(), G_FILE_TEST_EXISTS) && g_unlink(path.c_str()) == 0)
			log_line("expired", ",\"taskId\":" + jstr(t.id));
	}
	return G_SOURCE_CONTINUE;
}

} /* namespace serve_detail */

using namespace serve_detail;

bool server_secret(const std::string &data_dir, std::string *secret, GError **error)
{
	return load_secret(data_dir, secret, error);
}

std::string derived_webhook_secret(const std::string &server_secret, const std::string &key_id)
{
	return hmac_hex(server_secret, "webhook:" + key_id);
}

bool run_server(const ServeOptions &options, GError **error)
{
	Server s;
	s.opt = options;
	/* the API families: one line each */
	register_service_routes(s.routes);
	register_indream_routes(s.routes);
	const std::string &dir = s.opt.data_dir;
	for (const char *sub :
	     {"", "/outputs", "/outputs/.tmp", "/jobs", "/assets", "/assets/.tmp", "/cache"}) {
		if (g_mkdir_with_parents((dir + sub).c_str(), 0700) != 0) {
			set_service_error(error, JTL_ERROR_IO,
			                  dir + sub + ": " + g_strerror(errno));
			return false;
		}
	}
	/* what a previous run left half-written (an upload, an output in progress) */
	for (const char *sub : {"/assets/.tmp", "/outputs/.tmp"}) {
		std::string tmp = dir + sub;
		if (GDir *d = g_dir_open(tmp.c_str(), 0, nullptr)) {
			while (const char *name = g_dir_read_name(d))
				g_unlink((tmp + "/" + name).c_str());
			g_dir_close(d);
		}
	}
	if (!s.store.open(dir + "/tasks.db", error) || !load_secret(dir, &s.secret, error))
		return false;
	/* callbacks: a durable outbox next to the tasks, delivered from this main context */
	WebhookOptions wo;
	wo.db_path = dir + "/webhooks.db";
	wo.allow_hosts = s.opt.allow_hosts;
	wo.refuse_private = true;
	wo.schedule_seconds = s.opt.webhook_schedule.empty() ? webhook_default_schedule()
	                                                     : s.opt.webhook_schedule;
	s.hooks = std::make_unique<WebhookSender>(wo, error);
	if (!s.hooks->ok())
		return false;
	s.hooks->start(g_main_context_default());

	std::string host = s.opt.listen;
	std::size_t colon = host.rfind(':');
	if (colon == std::string::npos) {
		set_service_error(error, JTL_ERROR_FAILED, "--listen wants HOST:PORT, not " + host);
		return false;
	}
	std::string port_text = host.substr(colon + 1);
	host = host.substr(0, colon);
	if (host.size() > 2 && host.front() == '[' && host.back() == ']')
		host = host.substr(1, host.size() - 2);
	char *end = nullptr;
	gint64 port = g_ascii_strtoll(port_text.c_str(), &end, 10);
	g_autoptr(GInetAddress) addr = g_inet_address_new_from_string(host.c_str());
	if (port_text.empty() || *end || port < 0 || port > 65535 || !addr) {
		set_service_error(error, JTL_ERROR_FAILED,
		                  "--listen wants a numeric HOST:PORT, not " + s.opt.listen);
		return false;
	}
	s.soup = soup_server_new("server-header", "jsontimeline", nullptr);
	soup_server_add_early_handler(s.soup, nullptr, on_early, &s, nullptr);
	soup_server_add_handler(s.soup, nullptr, on_request, &s, nullptr);
	g_autoptr(GSocketAddress) sa = g_inet_socket_address_new(addr, guint16(port));
	ListenOptions lo;
	lo.max_connections = s.opt.max_connections;
	lo.header_timeout_seconds = s.opt.header_timeout_seconds;
	lo.idle_timeout_seconds = s.opt.idle_timeout_seconds;
	std::string why;
	s.listener = listener_new(s.soup, sa, lo, &s.base_url, &why);
	if (!s.listener) {
		set_service_error(error, JTL_ERROR_IO,
		                  std::string("cannot listen on ") + s.opt.listen + ": " + why);
		g_object_unref(s.soup);
		return false;
	}

	s.loop = g_main_loop_new(nullptr, FALSE);
	/* one core left to the main loop */
	s.pool = g_thread_pool_new(off_loop_thread, nullptr,
	                           std::max(1, int(g_get_num_processors()) - 1), FALSE, nullptr);
	guint sigterm = g_unix_signal_add(SIGTERM, on_signal, &s);
	guint sigint = g_unix_signal_add(SIGINT, on_signal, &s);
	log_line("listening", ",\"url\":" + jstr(s.base_url) + ",\"workers\":" +
	                              std::to_string(worker_count(s.opt)) + ",\"maxConnections\":" +
	                              std::to_string(listener_max_connections(s.listener)));

	/* never lose an accepted task: PENDING ones run, PROCESSING ones run again */
	for (StoredTask &t : s.store.unfinished()) {
		if (t.status == "PROCESSING") {
			g_unlink(output_path(&s, t).c_str());
			transition(&s, t, "PENDING", "");
		}
		s.queue.push_back(t.id);
	}
	dispatch(&s);
	/* old outputs go: now, then every minute (or sooner for a short retention) */
	purge_outputs(&s);
	guint purge = g_timeout_add_seconds(
	        guint(std::clamp(s.opt.retention_seconds / 4, 1.0, 60.0)), purge_outputs, &s);
	g_main_loop_run(s.loop);
	s.exiting = true;
	g_source_remove(purge);

	g_source_remove(sigterm);
	g_source_remove(sigint);
	s.hooks->stop();
	/* the work of clients who went away: finished, and its answer dropped */
	g_thread_pool_free(s.pool, FALSE, TRUE);
	while (g_main_context_iteration(nullptr, FALSE))
		;
	soup_server_disconnect(s.soup);
	g_object_unref(s.soup);
	listener_free(s.listener);
	g_main_loop_unref(s.loop);
	log_line("stopped", "");
	return true;
}

} /* namespace jtl */
