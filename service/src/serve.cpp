// SPDX-License-Identifier: LGPL-2.1-or-later
// The export service: HTTP routes on libsoup 3, export tasks rendered in child processes.
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

#include "serve-internal.h"

namespace jtl {

namespace serve_detail {

/* ---- JSON text helpers ---- */

std::string jstr(const std::string &s)
{
	std::string out = "\"";
	for (unsigned char c : s) {
		switch (c) {
		case '"':
			out += "\\\"";
			break;
		case '\\':
			out += "\\\\";
			break;
		case '\n':
			out += "\\n";
			break;
		case '\r':
			out += "\\r";
			break;
		case '\t':
			out += "\\t";
			break;
		default:
			if (c < 0x20) {
				char esc[8];
				g_snprintf(esc, sizeof esc, "\\u%04x", c);
				out += esc;
			} else {
				out += char(c);
			}
		}
	}
	return out + "\"";
}

std::string jstr_or_null(const std::string &s)
{
	return s.empty() ? "null" : jstr(s);
}

std::string jnum(double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	g_ascii_formatd(buf, sizeof buf, "%.6g", v);
	return buf;
}

std::string now_rfc3339()
{
	g_autoptr(GDateTime) dt = g_date_time_new_now_utc();
	g_autofree char *base = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
	char ms[8];
	g_snprintf(ms, sizeof ms, ".%03dZ", g_date_time_get_microsecond(dt) / 1000);
	return std::string(base) + ms;
}

/* Bytes compared in a time that depends on the length only. */
bool equal_constant_time(const std::string &a, const std::string &b)
{
	if (a.size() != b.size())
		return false;
	unsigned char diff = 0;
	for (std::size_t i = 0; i < a.size(); i++)
		diff |= static_cast<unsigned char>(a[i] ^ b[i]);
	return diff == 0;
}

std::string hmac_hex(const std::string &secret, const std::string &text)
{
	g_autofree char *hex = g_compute_hmac_for_data(
	        G_CHECKSUM_SHA256, reinterpret_cast<const guchar *>(secret.data()), secret.size(),
	        reinterpret_cast<const guchar *>(text.data()), text.size());
	return hex;
}

/* ---- problems ---- */

/* The `type` and `title` of a problem, as the Indream API writes them (types such as
 * UNPROCESSABLE_CONTENT and RATE_LIMITED, titles in sentence case, after RFC 9110's names),
 * and the reason phrase of the status line. */
const StatusNames &status_names(int status)
{
	static const StatusNames names[] = {
	        {400, "BAD_REQUEST", "Bad request", "Bad Request"},
	        {401, "UNAUTHORIZED", "Unauthorized", "Unauthorized"},
	        {403, "FORBIDDEN", "Forbidden", "Forbidden"},
	        {404, "NOT_FOUND", "Not found", "Not Found"},
	        {405, "METHOD_NOT_ALLOWED", "Method not allowed", "Method Not Allowed"},
	        {409, "CONFLICT", "Conflict", "Conflict"},
	        {410, "GONE", "Gone", "Gone"},
	        {413, "CONTENT_TOO_LARGE", "Content too large", "Content Too Large"},
	        {422, "UNPROCESSABLE_CONTENT", "Unprocessable content", "Unprocessable Content"},
	        {429, "RATE_LIMITED", "Too many requests", "Too Many Requests"},
	        {503, "SERVICE_UNAVAILABLE", "Service unavailable", "Service Unavailable"},
	        {500, "INTERNAL_ERROR", "Internal server error", "Internal Server Error"},
	};
	for (const StatusNames &n : names)
		if (n.status == status)
			return n;
	return names[G_N_ELEMENTS(names) - 1];
}

std::string problem_json(const Problem &p)
{
	const StatusNames &names = status_names(p.status);
	std::string s = "{\"type\":" + jstr(names.type) + ",\"title\":" + jstr(names.title) +
	                ",\"status\":" + std::to_string(p.status) +
	                ",\"detail\":" + jstr(p.detail) + ",\"errorCode\":" + jstr(p.code);
	if (!p.field.empty())
		s += ",\"field\":" + jstr(p.field);
	return s + p.extra + "}";
}

/* ---- the server ---- */

struct Server;
namespace {
struct Probe; /* a media probe of an upload, below */
}

struct Job {
	Server *server = nullptr;
	StoredTask task;
	GSubprocess *proc = nullptr;
	GDataInputStream *err = nullptr;
	guint timeout_id = 0;
	std::string tmp_output;
	std::deque<std::string> tail; /* the last lines of the child's stderr */
	gint64 started_us = 0;
	double limit_s = 0;
	bool exited = false, eof = false, timed_out = false, stopped = false;
	bool canceled = false; /* by the client: the task is CANCELED already */
	bool exit_ok = false;
	std::string exit_text;
};

struct Server {
	ServeOptions opt;
	TaskStore store;
	std::unique_ptr<WebhookSender> hooks; /* callbackUrl events */
	/* request buckets: tokens left and when last refilled (us), per key and per project */
	Buckets buckets, sync_buckets;
	bool disconnected = false; /* stopping: the listeners and connections closed */
	int pending_answers = 0;   /* Later answers not written yet */
	bool exiting = false;      /* the loop is over: signals of messages change nothing */
	/* media probes of uploads: running, and waiting for a turn */
	std::set<Probe *> probes;
	std::deque<std::pair<std::string, std::function<void(std::string)>>> probe_queue;
	using ProbeQueue = decltype(probe_queue);
	std::string secret;
	std::string base_url;    /* where it listens */
	std::string request_url; /* scheme://host[:port] of the request being answered */
	SoupServer *soup = nullptr;
	Listener *listener = nullptr; /* the listening socket, ours (serve-listen.cpp) */
	GMainLoop *loop = nullptr;
	std::deque<std::string> queue;
	std::map<std::string, std::unique_ptr<Job>> running;
	bool stopping = false;
	int signals = 0;
	/* parses and validations of request bodies, off the main loop: the worker threads, and
	 * how many bodies each key has waiting or in work there */
	GThreadPool *pool = nullptr;
	std::map<std::string, int> off_loop_by_key;
	/* metrics */
	std::map<std::string, guint64> requests; /* "keyId\x1froute\x1fmethod\x1fstatus" */
	double render_seconds = 0;
	guint64 renders = 0;
};

/* Once stopping: closes the connections when no upload waits for its probe any more and
 * every answer given later is written (their clients are still to be answered), and quits
 * the loop when no render runs either. */
void quit_when_idle(Server *s)
{
	if (!s->stopping || !s->probes.empty() || !s->probe_queue.empty() || s->pending_answers > 0)
		return;
	if (!s->disconnected) {
		listener_stop(s->listener);
		soup_server_disconnect(s->soup);
		s->disconnected = true;
	}
	if (s->running.empty())
		g_main_loop_quit(s->loop);
}

void log_line(const std::string &event, const std::string &fields)
{
	std::string line =
	        "{\"ts\":" + jstr(now_rfc3339()) + ",\"event\":" + jstr(event) + fields + "}\n";
	fputs(line.c_str(), stderr);
	fflush(stderr);
}

std::string output_path(Server *s, const StoredTask &t)
{
	return s->opt.data_dir + "/outputs/" + t.id + "." + t.format;
}

std::string job_path(Server *s, const std::string &id)
{
	return s->opt.data_dir + "/jobs/" + id + ".json";
}

/* The directory of a task's uploads, beside its document: its render's --asset-root, so
 * the only local files the render may read are the uploads of the task's own key that
 * its document names (create_export() links them there). */
std::string task_assets_dir(Server *s, const std::string &id)
{
	return s->opt.data_dir + "/jobs/" + id + ".assets";
}

void remove_task_assets(Server *s, const std::string &id)
{
	std::string dir = task_assets_dir(s, id);
	if (GDir *d = g_dir_open(dir.c_str(), 0, nullptr)) {
		while (const char *name = g_dir_read_name(d))
			g_unlink((dir + "/" + name).c_str());
		g_dir_close(d);
	}
	g_rmdir(dir.c_str());
}

/* Links (or copies, across file systems) each upload into the task's directory under its
 * asset id. */
bool link_task_assets(Server *s, const std::string &id, const std::vector<std::string> &uploads)
{
	std::string dir = task_assets_dir(s, id);
	if (g_mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
		return false;
	for (const std::string &asset : uploads) {
		std::string from = asset_path(s, asset), to = dir + "/" + asset;
		if (link(from.c_str(), to.c_str()) == 0 || errno == EEXIST)
			continue;
		g_autoptr(GFile) src = g_file_new_for_path(from.c_str());
		g_autoptr(GFile) dst = g_file_new_for_path(to.c_str());
		if (!g_file_copy(src, dst, G_FILE_COPY_NONE, nullptr, nullptr, nullptr, nullptr))
			return false;
	}
	return true;
}

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

std::string signed_url(Server *s, const StoredTask &t)
{
	gint64 expires = g_get_real_time() / G_USEC_PER_SEC + s->opt.download_ttl_seconds;
	std::string e = std::to_string(expires);
	return server_origin(s) + "/v1/exports/" + t.id + "/download?expires=" + e +
	       "&signature=" + hmac_hex(s->secret, t.id + "\n" + e);
}

std::string task_json(Server *s, const StoredTask &t)
{
	std::string url;
	if (t.status == "COMPLETED" && g_file_test(output_path(s, t).c_str(), G_FILE_TEST_EXISTS))
		url = signed_url(s, t);
	return "{\"taskId\":" + jstr(t.id) + ",\"projectId\":" + jstr_or_null(t.project_id) +
	       ",\"createdByApiKeyId\":" + jstr(t.key_id) +
	       ",\"clientTaskId\":" + jstr_or_null(t.client_task_id) +
	       ",\"status\":" + jstr(t.status) + ",\"progress\":" + jnum(t.progress) +
	       ",\"error\":" + jstr_or_null(t.error) + ",\"outputUrl\":" + jstr_or_null(url) +
	       ",\"durationSeconds\":" + jnum(t.duration_seconds) +
	       ",\"billedStandardSeconds\":" + std::to_string(int(std::ceil(t.duration_seconds))) +
	       ",\"chargedCredits\":\"0\",\"callbackUrl\":" + jstr_or_null(t.callback_url) +
	       ",\"createdAt\":" + jstr(t.created_at) +
	       ",\"completedAt\":" + jstr_or_null(t.completed_at) + "}";
}

/* Records a transition in the store, logs it and calls the hook. */
/* The webhook secret of a key: its own from the keys file, else one derived from the
 * server's secret and the key's id (shown by `jsontimeline keys`). */
std::string webhook_secret_of(Server *s, const std::string &key_id)
{
	for (const ApiKey &k : s->opt.keys)
		if (k.id == key_id && !k.webhook_secret.empty())
			return k.webhook_secret;
	return derived_webhook_secret(s->secret, key_id);
}

/* Queues a signed callback of a task's transition (durable: delivered, retried, also
 * after a restart, by the WebhookSender). */
void send_webhook(Server *s, const StoredTask &t, const char *event, const std::string &snapshot)
{
	std::map<std::string, std::string> headers;
	if (!t.callback_headers.empty()) {
		g_autoptr(JsonParser) parser = json_parser_new();
		if (json_parser_load_from_data(parser, t.callback_headers.c_str(), -1, nullptr)) {
			JsonNode *root = json_parser_get_root(parser);
			if (root && JSON_NODE_HOLDS_OBJECT(root)) {
				JsonObjectIter it;
				const gchar *name;
				JsonNode *value;
				json_object_iter_init(&it, json_node_get_object(root));
				while (json_object_iter_next(&it, &name, &value))
					if (JSON_NODE_HOLDS_VALUE(value) &&
					    json_node_get_value_type(value) == G_TYPE_STRING)
						headers[name] = json_node_get_string(value);
			}
		}
	}
	std::string error;
	std::string id = s->hooks->enqueue(t.id, event, snapshot, t.callback_url, headers,
	                                   webhook_secret_of(s, t.key_id), &error);
	log_line("webhook",
	         ",\"taskId\":" + jstr(t.id) + ",\"eventType\":" + jstr(event) +
	                 (id.empty() ? ",\"error\":" + jstr(error) : ",\"eventId\":" + jstr(id)));
}

void transition(Server *s, StoredTask &t, const std::string &status, const std::string &error)
{
	t.status = status;
	t.error = error;
	if (status == "COMPLETED")
		t.progress = 1.0;
	else if (status == "PENDING")
		t.progress = 0.0;
	t.completed_at = status == "COMPLETED" || status == "FAILED" || status == "CANCELED"
	                         ? now_rfc3339()
	                         : "";
	if (!t.completed_at.empty())
		remove_task_assets(s, t.id);
	if (!s->store.set_status(t.id, t.status, t.progress, t.error, t.completed_at))
		g_warning("serve: cannot store the state of task %s", t.id.c_str());
	std::string fields = ",\"taskId\":" + jstr(t.id) + ",\"status\":" + jstr(status) +
	                     ",\"keyId\":" + jstr(t.key_id);
	if (!error.empty())
		fields += ",\"error\":" + jstr(error);
	log_line("task", fields);
	std::string snapshot = task_json(s, t);
	const char *event = status == "PROCESSING"  ? "EXPORT_STARTED"
	                    : status == "COMPLETED" ? "EXPORT_COMPLETED"
	                    : status == "FAILED"    ? "EXPORT_FAILED"
	                                            : nullptr;
	if (event && s->hooks && !t.callback_url.empty())
		send_webhook(s, t, event, snapshot);
	if (s->opt.on_task)
		s->opt.on_task(t, snapshot);
}

void dispatch(Server *s);

void job_finish(Job *job)
{
	Server *s = job->server;
	if (job->timeout_id)
		g_source_remove(job->timeout_id);
	double seconds = double(g_get_monotonic_time() - job->started_us) / G_USEC_PER_SEC;
	s->render_seconds += seconds;
	s->renders++;
	StoredTask &t = job->task;
	std::string final_path = output_path(s, t);
	if (job->canceled) {
		g_unlink(job->tmp_output.c_str());
	} else if (job->stopped) {
		g_unlink(job->tmp_output.c_str());
		transition(s, t, "PENDING", "");
	} else if (job->exit_ok && g_rename(job->tmp_output.c_str(), final_path.c_str()) == 0) {
		/* the render's warnings (a placeholder for an unknown illustration, a font
		 * replaced) into the service's log */
		const std::string warning = "jsontimeline render: warning: ";
		for (const std::string &l : job->tail)
			if (l.compare(0, warning.size(), warning) == 0)
				log_line("warning", ",\"taskId\":" + jstr(t.id) + ",\"message\":" +
				                            jstr(l.substr(warning.size())));
		transition(s, t, "COMPLETED", "");
	} else {
		std::string error;
		if (job->timed_out) {
			error = "the render took longer than its limit of " +
			        std::to_string(int(job->limit_s)) + " s";
		} else {
			/* the child's own messages, without its prefix and warnings */
			const std::string prefix = "jsontimeline render: ";
			for (const std::string &l : job->tail) {
				if (l.compare(0, prefix.size(), prefix) != 0 ||
				    l.compare(prefix.size(), 8, "warning:") == 0)
					continue;
				std::string m = l.substr(prefix.size());
				/* GStreamer's debug text (source file, element path) is not for
				 * clients */
				std::size_t src = m.find(".cpp(");
				std::size_t cut =
				        src == std::string::npos ? src : m.rfind(" (", src);
				if (cut != std::string::npos)
					m.resize(cut);
				if (!error.empty())
					error += "; ";
				error += m;
			}
			for (const std::string &l : job->tail)
				if (l.size() > 2 && l[0] == ' ' && l[1] == ' ')
					error += "; " + l.substr(2);
			if (error.empty())
				error = job->exit_ok ? "the output could not be stored"
				                     : job->exit_text;
		}
		g_unlink(job->tmp_output.c_str());
		transition(s, t, "FAILED", error);
	}
	g_clear_object(&job->err);
	g_clear_object(&job->proc);
	std::string id = t.id;
	s->running.erase(id); /* deletes job */
	if (s->stopping)
		quit_when_idle(s);
	else
		dispatch(s);
}

void job_maybe_finish(Job *job)
{
	if (job->exited && job->eof)
		job_finish(job);
}

void on_stderr_line(GObject *source, GAsyncResult *res, gpointer data)
{
	Job *job = static_cast<Job *>(data);
	gsize len = 0;
	g_autofree char *line = g_data_input_stream_read_line_finish_utf8(
	        G_DATA_INPUT_STREAM(source), res, &len, nullptr);
	if (!line) {
		job->eof = true;
		job_maybe_finish(job);
		return;
	}
	std::string l = line;
	if (!l.empty() && l.back() == '%' && l.size() <= 4) {
		double p = g_ascii_strtod(l.c_str(), nullptr) / 100.0;
		job->task.progress = std::min(0.99, std::max(job->task.progress, p));
		job->server->store.set_progress(job->task.id, job->task.progress);
	} else if (!l.empty()) {
		job->tail.push_back(l);
		if (job->tail.size() > 20)
			job->tail.pop_front();
	}
	g_data_input_stream_read_line_async(job->err, G_PRIORITY_DEFAULT, nullptr, on_stderr_line,
	                                    job);
}

void on_exit(GObject *source, GAsyncResult *res, gpointer data)
{
	Job *job = static_cast<Job *>(data);
	g_subprocess_wait_finish(G_SUBPROCESS(source), res, nullptr);
	job->exited = true;
	if (g_subprocess_get_if_exited(job->proc)) {
		int code = g_subprocess_get_exit_status(job->proc);
		job->exit_ok = code == 0;
		job->exit_text = "the render failed (exit status " + std::to_string(code) + ")";
	} else {
		job->exit_text = "the render crashed (signal " +
		                 std::to_string(g_subprocess_get_term_sig(job->proc)) + ")";
	}
	job_maybe_finish(job);
}

gboolean on_timeout(gpointer data)
{
	Job *job = static_cast<Job *>(data);
	job->timeout_id = 0;
	job->timed_out = true;
	g_subprocess_force_exit(job->proc);
	return G_SOURCE_REMOVE;
}

void child_setup(gpointer data)
{
	/* a render never outlives the server, nor takes more memory than allowed */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	long mib = long(reinterpret_cast<intptr_t>(data));
	if (mib > 0) {
		struct rlimit limit;
		limit.rlim_cur = limit.rlim_max = rlim_t(mib) * 1024 * 1024;
		setrlimit(RLIMIT_AS, &limit);
	}
}

/* A child of the service (a render, a probe): it dies with the service and gets at most
 * the render memory limit. */
GSubprocess *spawn_child(Server *s, const char *const *argv, GSubprocessFlags flags, GError **error)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(flags);
	g_subprocess_launcher_set_child_setup(
	        launcher, child_setup,
	        reinterpret_cast<gpointer>(intptr_t(s->opt.render_memory_mib)), nullptr);
	return g_subprocess_launcher_spawnv(launcher, argv, error);
}

void start_job(Server *s, StoredTask task)
{
	auto job = std::make_unique<Job>();
	job->server = s;
	job->task = std::move(task);
	StoredTask &t = job->task;
	s->store.add_attempt(t.id);
	t.attempts++;
	job->tmp_output = s->opt.data_dir + "/outputs/.tmp/" + t.id + "-" +
	                  std::to_string(t.attempts) + "." + t.format;
	std::string doc = job_path(s, t.id);
	/* a client's document: downloads refuse private addresses (but the operator's
	 * --allow-host), local files only from the task's own uploads */
	std::string assets = task_assets_dir(s, t.id), cache = s->opt.data_dir + "/cache";
	g_mkdir(assets.c_str(), 0700); /* a task stored before uploads were linked: none */
	std::vector<std::string> args = {
	        s->opt.render_program, "render",       doc,    "-o",          job->tmp_output,
	        "--refuse-private",    "--asset-root", assets, "--cache-dir", cache};
	args.push_back("--cache-max-mib");
	args.push_back(std::to_string(s->opt.cache_max_mib));
	for (const std::string &h : s->opt.allow_hosts) {
		args.push_back("--allow-host");
		args.push_back(h);
	}
	if (s->opt.missing_illustration == MissingIllustration::Placeholder)
		args.insert(args.end(), {"--missing-illustration", "placeholder"});
	std::vector<const char *> argv;
	for (const std::string &a : args)
		argv.push_back(a.c_str());
	argv.push_back(nullptr);
	g_autoptr(GError) error = nullptr;
	job->proc = spawn_child(s, argv.data(),
	                        GSubprocessFlags(G_SUBPROCESS_FLAGS_STDERR_PIPE |
	                                         G_SUBPROCESS_FLAGS_STDOUT_SILENCE),
	                        &error);
	transition(s, t, "PROCESSING", "");
	if (!job->proc) {
		transition(s, t, "FAILED",
		           std::string("cannot start the render: ") + error->message);
		return;
	}
	job->started_us = g_get_monotonic_time();
	job->limit_s = std::min(s->opt.render_timeout_max,
	                        s->opt.render_timeout_base +
	                                s->opt.render_timeout_factor * t.duration_seconds);
	job->err = g_data_input_stream_new(g_subprocess_get_stderr_pipe(job->proc));
	Job *j = job.get();
	s->running[t.id] = std::move(job);
	j->timeout_id = g_timeout_add_seconds(guint(std::ceil(j->limit_s)), on_timeout, j);
	g_data_input_stream_read_line_async(j->err, G_PRIORITY_DEFAULT, nullptr, on_stderr_line, j);
	g_subprocess_wait_async(j->proc, nullptr, on_exit, j);
}

int worker_count(const ServeOptions &o)
{
	if (o.workers > 0)
		return o.workers;
	return std::max(1, int(g_get_num_processors()) / 2);
}

void dispatch(Server *s)
{
	while (!s->stopping && !s->opt.queue_only &&
	       int(s->running.size()) < worker_count(s->opt) && !s->queue.empty()) {
		std::string id = s->queue.front();
		s->queue.pop_front();
		StoredTask t;
		if (s->store.get(id, &t) && t.status == "PENDING")
			start_job(s, t);
	}
}

/* ---- request helpers ---- */

const char *query_get(const Request &r, const char *name)
{
	return r.query ? static_cast<const char *>(g_hash_table_lookup(r.query, name)) : nullptr;
}

std::string body_of(SoupServerMessage *msg)
{
	SoupMessageBody *body = soup_server_message_get_request_body(msg);
	g_autoptr(GBytes) bytes = soup_message_body_flatten(body);
	gsize len = 0;
	const char *data = static_cast<const char *>(g_bytes_get_data(bytes, &len));
	return std::string(data ? data : "", len);
}

Response json_response(int status, const std::string &body)
{
	Response r;
	r.status = status;
	r.body = body;
	return r;
}

Response problem(int status, const std::string &code, const std::string &detail,
                 const std::string &field, const std::string &extra)
{
	Problem p{status, code, detail, field, extra};
	Response r = json_response(status, problem_json(p));
	r.content_type = "application/problem+json";
	return r;
}

const ApiKey *authenticate(Server *s, SoupServerMessage *msg)
{
	const char *given = soup_message_headers_get_one(
	        soup_server_message_get_request_headers(msg), "x-api-key");
	if (!given)
		return nullptr;
	std::string hash = sha256_hex(given);
	const ApiKey *found = nullptr;
	for (const ApiKey &k : s->opt.keys) /* every key compared: no early exit */
		if (equal_constant_time(k.hash, hash))
			found = &k;
	return found;
}

/* Takes a token of id's bucket (limit a minute, bursts of up to limit); 0 when there was
 * one, else the seconds to wait. Buckets that refilled are forgotten now and then. */
int take_token(Buckets &buckets, const std::string &id, int limit)
{
	if (limit <= 0)
		return 0;
	gint64 now = g_get_monotonic_time();
	double per_us = double(limit) / 60e6;
	if (buckets.size() > 4096) {
		for (auto it = buckets.begin(); it != buckets.end();)
			it = it->second.first + double(now - it->second.second) * per_us >= limit
			             ? buckets.erase(it)
			             : std::next(it);
	}
	auto it = buckets.find(id);
	if (it == buckets.end())
		it = buckets.emplace(id, std::make_pair(double(limit), now)).first;
	auto &[tokens, last] = it->second;
	tokens = std::min(double(limit), tokens + double(now - last) * per_us);
	last = now;
	if (tokens >= 1.0) {
		tokens -= 1.0;
		return 0;
	}
	return std::max(1, int(std::ceil((1.0 - tokens) / per_us / 1e6)));
}

int rate_limited(Server *s, const std::string &key_id)
{
	return take_token(s->buckets, key_id, s->opt.rate_limit_per_minute);
}

bool sync_rate_limited(Server *s, const std::string &project_id, Response *out)
{
	int wait = take_token(s->sync_buckets, project_id, s->opt.sync_rate_limit_per_minute);
	if (!wait)
		return false;
	*out = problem(429, "OPEN_API_PROJECT_SYNC_RATE_LIMITED",
	               "more than " + std::to_string(s->opt.sync_rate_limit_per_minute) +
	                       " syncs a minute of this project; sync less often");
	out->headers.emplace_back("Retry-After", std::to_string(wait));
	return true;
}

/* Parses a JSON request body; on failure *out holds the problem to answer. */
JsonNodePtr parse_body(Server *s, const std::string &body, Response *out, Diagnostics *found)
{
	return parse_body(s->opt.max_body_bytes, body, out, found);
}

JsonNodePtr parse_body(std::size_t max_bytes, const std::string &body, Response *out,
                       Diagnostics *found)
{
	if (body.size() > max_bytes) {
		*out = problem(413, "OPEN_API_PAYLOAD_TOO_LARGE",
		               "the request body is larger than " + std::to_string(max_bytes) +
		                       " bytes");
		return nullptr;
	}
	Diagnostics diags;
	JsonLimits limits;
	limits.max_bytes = max_bytes;
	JsonNodePtr root = parse_json(body, limits, diags);
	if (found)
		found->append(diags);
	if (!root) {
		std::string detail = "the request body is not JSON";
		if (!diags.errors().empty())
			detail += ": " + diags.errors()[0].message;
		*out = problem(400, "OPEN_API_INVALID_JSON", detail);
		return nullptr;
	}
	if (!JSON_NODE_HOLDS_OBJECT(root.get())) {
		*out = problem(400, "OPEN_API_INVALID_REQUEST",
		               "the request body must be a JSON object");
		return nullptr;
	}
	return root;
}

std::string errors_json(const Diagnostics &d)
{
	std::string s = "[";
	std::size_t n = 0;
	for (const Diagnostic &e : d.errors()) {
		if (n == kMaxErrorsListed)
			break;
		if (n++)
			s += ",";
		s += "{\"code\":" + jstr(e.code) + ",\"path\":" + jstr(e.path) +
		     ",\"message\":" + jstr(e.message) + "}";
	}
	return s + "]";
}

/* ---- routes ---- */

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

/* The editorState of a parsed request body (root) validated once, as the render will see
 * it: the parse's own findings under /editorState (numbers beyond range, repeated names)
 * first, then the schema and semantic rules. Paths point into the body. */
EditorStateResult validate_request_state(JsonNode *root, const Diagnostics &parse_diags)
{
	EditorStateResult res = load_document_node(root);
	Diagnostics all;
	const std::string prefix = "/editorState";
	for (const Diagnostic &d : parse_diags.all())
		if (d.path.compare(0, prefix.size(), prefix) == 0 &&
		    (d.path.size() == prefix.size() || d.path[prefix.size()] == '/'))
			all.add(d);
	if (all.error_count() + all.warning_count() == 0)
		return res;
	all.append(res.diagnostics);
	res.diagnostics = std::move(all);
	if (res.diagnostics.has_errors())
		res.timeline.reset();
	return res;
}

/* POST /v1/editor/validate on a worker thread: the answer to a body. */
Response validate_body(std::size_t max_bytes, const std::string &body)
{
	Response out;
	Diagnostics parse_diags;
	JsonNodePtr root = parse_body(max_bytes, body, &out, &parse_diags);
	if (!root)
		return out;
	JsonObject *o = json_node_get_object(root.get());
	JsonNode *state = json_object_get_member(o, "editorState");
	if (!state)
		return problem(400, "OPEN_API_INVALID_REQUEST", "editorState is required",
		               "editorState");
	/* error paths are JSON pointers into the editorState ("/tracks/0", "" for the whole),
	 * as the client sent editorState alone: the parse's own findings (numbers beyond
	 * range, repeated names) first */
	EditorStateResult res = load_document_node(state);
	Diagnostics all;
	const std::string prefix = "/editorState";
	for (const Diagnostic &d : parse_diags.all()) {
		if (d.path.compare(0, prefix.size(), prefix) != 0 ||
		    (d.path.size() > prefix.size() && d.path[prefix.size()] != '/'))
			continue;
		Diagnostic rebased = d;
		rebased.path = d.path.substr(prefix.size());
		all.add(rebased);
	}
	all.append(res.diagnostics);
	std::string data = std::string("{\"valid\":") + (all.has_errors() ? "false" : "true") +
	                   ",\"errors\":" + errors_json(all) + "}";
	return json_response(
	        200, "{\"data\":" + data +
	                     ",\"meta\":{\"capabilitiesVersion\":" + jstr(capabilities().version) +
	                     ",\"warnings\":" + std::to_string(all.warning_count()) +
	                     ",\"errorCount\":" + std::to_string(all.error_count()) + "}}");
}

Response route_validate(Server *s, Request &r)
{
	auto body = std::make_shared<std::string>(body_of(r.msg));
	auto answer = std::make_shared<Response>();
	std::size_t max = s->opt.max_body_bytes;
	return off_loop(
	        s, r, [body, answer, max] { *answer = validate_body(max, *body); },
	        [answer](Request &) { return std::move(*answer); });
}

bool member_number(JsonObject *o, const char *name, double *out)
{
	JsonNode *n = json_object_get_member(o, name);
	return n && json_node_number(n, out);
}

/* The fields of a CreateExportRequest other than editorState, against the spec's limits. */
bool check_export_request(JsonObject *o, Response *out)
{
	for (const char *req : {"editorState", "ratio", "scale", "fps", "format"}) {
		if (!json_object_has_member(o, req)) {
			*out = problem(400, "OPEN_API_INVALID_REQUEST",
			               std::string(req) + " is required", req);
			return false;
		}
	}
	double fps = 0, scale = 0;
	if (!member_number(o, "fps", &fps) ||
	    !json_node_is_integer(json_object_get_member(o, "fps")) || (fps != 30 && fps != 60)) {
		*out = problem(422, "OPEN_API_VALIDATION_FAILED", "fps must be 30 or 60", "fps");
		return false;
	}
	if (!member_number(o, "scale", &scale) || scale < 0.6 || scale > 8.0) {
		*out = problem(422, "OPEN_API_VALIDATION_FAILED",
		               "scale must be a number from 0.6 to 8", "scale");
		return false;
	}
	const char *ratio = json_object_get_string_member_with_default(o, "ratio", "");
	static const std::set<std::string> ratios = {"16:9", "9:16", "1:1", "4:3", "3:4", "custom"};
	if (!ratios.count(ratio)) {
		*out = problem(422, "OPEN_API_VALIDATION_FAILED",
		               "ratio must be one of 16:9, 9:16, 1:1, 4:3, 3:4, custom", "ratio");
		return false;
	}
	std::string format = json_object_get_string_member_with_default(o, "format", "");
	if (format != "mp4" && format != "webm") {
		*out = problem(422, "OPEN_API_VALIDATION_FAILED", "format must be mp4 or webm",
		               "format");
		return false;
	}
	for (const char *dim : {"compositionWidth", "compositionHeight"}) {
		if (!json_object_has_member(o, dim))
			continue;
		double v = 0;
		if (!member_number(o, dim, &v) ||
		    !json_node_is_integer(json_object_get_member(o, dim)) || v < 50 || v > 1920) {
			*out = problem(422, "OPEN_API_VALIDATION_FAILED",
			               std::string(dim) + " must be an integer from 50 to 1920",
			               dim);
			return false;
		}
	}
	struct Limit {
		const char *name;
		std::size_t max;
	};
	for (Limit l :
	     {Limit{"clientTaskId", 128}, Limit{"stateVersion", 32}, Limit{"callbackUrl", 1024}}) {
		JsonNode *n = json_object_get_member(o, l.name);
		if (!n)
			continue;
		if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING) {
			*out = problem(400, "OPEN_API_INVALID_REQUEST",
			               std::string(l.name) + " must be a string", l.name);
			return false;
		}
		if (g_utf8_strlen(json_node_get_string(n), -1) > glong(l.max)) {
			*out = problem(422, "OPEN_API_VALIDATION_FAILED",
			               std::string(l.name) + " is longer than " +
			                       std::to_string(l.max) + " characters",
			               l.name);
			return false;
		}
	}
	if (JsonNode *h = json_object_get_member(o, "callbackHeaders")) {
		bool ok = JSON_NODE_HOLDS_OBJECT(h);
		if (ok) {
			JsonObject *ho = json_node_get_object(h);
			g_autoptr(GList) names = json_object_get_members(ho);
			for (GList *l = names; l; l = l->next) {
				JsonNode *v = json_object_get_member(
				        ho, static_cast<const char *>(l->data));
				if (!JSON_NODE_HOLDS_VALUE(v) ||
				    json_node_get_value_type(v) != G_TYPE_STRING)
					ok = false;
			}
		}
		if (!ok) {
			*out = problem(400, "OPEN_API_INVALID_REQUEST",
			               "callbackHeaders must be an object of strings",
			               "callbackHeaders");
			return false;
		}
	}
	return true;
}

std::string node_text(JsonNode *n)
{
	return json_write(n);
}

std::string create_response_json(const StoredTask &t)
{
	return "{\"data\":{\"taskId\":" + jstr(t.id) +
	       ",\"projectId\":" + jstr_or_null(t.project_id) +
	       ",\"createdAt\":" + jstr(t.created_at) +
	       ",\"durationSeconds\":" + jnum(t.duration_seconds) +
	       ",\"billedStandardSeconds\":" + std::to_string(int(std::ceil(t.duration_seconds))) +
	       ",\"chargedCredits\":\"0\"},\"meta\":{}}";
}

/* A CreateExportRequest parsed and validated on a worker thread: what the main loop needs
 * to store it as a task. */
struct PreparedExport {
	Response error;  /* status 0: none */
	JsonNodePtr job; /* the job document: the request less what only the service reads */
	std::string job_text;
	bool uses_uploads = false; /* a remoteUrl might be one of this service's fileUrls */
	double duration_seconds = 0;
	std::string client_task_id, callback_url, callback_headers, format;
};

/* Parses and validates a CreateExportRequest: once, the same parse and validation as
 * /v1/editor/validate and `jsontimeline validate`; the job document written from that
 * parse reads back to the same values. With only_task_id (the key is at its limit of
 * active tasks) just the clientTaskId is read: a retry of a known task is still answered. */
void prepare_export(std::size_t max_bytes, const std::string &text, bool only_task_id,
                    PreparedExport *p)
{
	p->error.status = 0; /* none yet */
	Diagnostics parse_diags;
	JsonNodePtr root = parse_body(max_bytes, text, &p->error, &parse_diags);
	if (!root)
		return;
	JsonObject *o = json_node_get_object(root.get());
	if (only_task_id) {
		JsonNode *n = json_object_get_member(o, "clientTaskId");
		if (n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING)
			p->client_task_id = json_node_get_string(n);
		return;
	}
	if (!check_export_request(o, &p->error))
		return;
	p->client_task_id = json_object_get_string_member_with_default(o, "clientTaskId", "");
	p->callback_url = json_object_get_string_member_with_default(o, "callbackUrl", "");
	if (JsonNode *h = json_object_get_member(o, "callbackHeaders"))
		p->callback_headers = node_text(h);
	p->format = json_object_get_string_member(o, "format");
	JsonObject *job = json_object_new();
	for (const char *m : {"editorState", "fps", "ratio", "scale", "format", "compositionWidth",
	                      "compositionHeight"})
		if (JsonNode *n = json_object_get_member(o, m))
			json_object_set_member(job, m, json_node_ref(n));
	p->job.reset(json_node_init_object(json_node_alloc(), job));
	json_object_unref(job);
	EditorStateResult doc = validate_request_state(p->job.get(), parse_diags);
	if (!doc.valid()) {
		Diagnostic first = doc.diagnostics.errors()[0]; /* errors() is a copy */
		p->error = problem(422, "OPEN_API_EDITOR_STATE_INVALID",
		                   "editorState is invalid: " + first.path + ": " + first.message,
		                   "editorState", ",\"errors\":" + errors_json(doc.diagnostics));
		return;
	}
	p->duration_seconds = double(doc.timeline->duration_ns()) / GST_SECOND;
	p->uses_uploads = text.find("/v1/assets/") != std::string::npos;
	p->job_text = node_text(p->job.get());
}

/* Uploads named by their fileUrl are read from the disk: those of the request's key (looked
 * up in its records, never by path) are named relative to the task's document, inside its
 * directory (task_assets_dir()), the only local files its render may read. Returns the
 * asset ids of the uploads named, for link_task_assets(). */
std::vector<std::string> localize_uploads(Server *s, const std::string &key_id,
                                          const std::string &task_id, JsonNode *job)
{
	std::vector<std::string> uploads;
	JsonNode *state = json_object_get_member(json_node_get_object(job), "editorState");
	JsonObject *assets =
	        state && JSON_NODE_HOLDS_OBJECT(state)
	                ? json_object_get_object_member(json_node_get_object(state), "assets")
	                : nullptr;
	if (!assets)
		return uploads;
	JsonObjectIter it;
	const gchar *name;
	JsonNode *value;
	json_object_iter_init(&it, assets);
	while (json_object_iter_next(&it, &name, &value)) {
		JsonObject *a =
		        JSON_NODE_HOLDS_OBJECT(value) ? json_node_get_object(value) : nullptr;
		const char *url =
		        a ? json_object_get_string_member_with_default(a, "remoteUrl", nullptr)
		          : nullptr;
		std::string upload = url ? owned_upload(s, key_id, url) : "";
		if (!upload.empty()) {
			uploads.push_back(upload);
			json_object_set_string_member(a, "remoteUrl",
			                              (task_id + ".assets/" + upload).c_str());
		}
	}
	return uploads;
}

Response concurrency_exceeded(Server *s)
{
	return problem(422, "OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED",
	               "at most " + std::to_string(s->opt.max_active_per_key) +
	                       " export tasks may be active at once; wait for one to end");
}

bool at_active_limit(Server *s, const Request &r)
{
	return s->opt.max_active_per_key > 0 &&
	       s->store.count_active(r.key->id) >= s->opt.max_active_per_key;
}

/* On the main loop again: a prepared export becomes a task. */
Response commit_export(Server *s, Request &r, PreparedExport &p, const std::string &request,
                       const std::string &project_id)
{
	StoredTask existing;
	if (!p.client_task_id.empty() &&
	    s->store.find_client_task(r.key->id, p.client_task_id, &existing))
		return json_response(200, create_response_json(existing));
	if (p.error.status)
		return std::move(p.error);
	if (!p.job) /* only its clientTaskId was read: the key was at its limit */
		return concurrency_exceeded(s);
	if (at_active_limit(s, r))
		return concurrency_exceeded(s);
	if (s->stopping)
		return problem(503, "OPEN_API_SHUTTING_DOWN", "the service is stopping");
	StoredTask t;
	g_autofree char *uuid = g_uuid_string_random();
	t.id = uuid;
	t.key_id = r.key->id;
	t.client_task_id = p.client_task_id;
	t.project_id = project_id;
	t.status = "PENDING";
	t.duration_seconds = p.duration_seconds;
	t.callback_url = p.callback_url;
	if (!t.callback_url.empty()) {
		std::string why = webhook_url_error(t.callback_url);
		if (!why.empty())
			return problem(400, "OPEN_API_INVALID_REQUEST", "callbackUrl: " + why,
			               "callbackUrl");
	}
	t.callback_headers = p.callback_headers;
	t.request = request;
	t.format = p.format;
	t.created_at = now_rfc3339();
	std::vector<std::string> uploads;
	if (p.uses_uploads)
		uploads = localize_uploads(s, r.key->id, t.id, p.job.get());
	if (!uploads.empty())
		p.job_text = node_text(p.job.get());
	g_autoptr(GError) err = nullptr;
	if (!link_task_assets(s, t.id, uploads) ||
	    !g_file_set_contents_full(job_path(s, t.id).c_str(), p.job_text.c_str(), -1,
	                              G_FILE_SET_CONTENTS_CONSISTENT, 0600, &err) ||
	    !s->store.insert(t)) {
		remove_task_assets(s, t.id);
		return problem(500, "OPEN_API_INTERNAL_ERROR", "the task could not be stored");
	}
	transition(s, t, "PENDING", "");
	s->queue.push_back(t.id);
	dispatch(s);
	return json_response(201, create_response_json(t));
}

Response create_export(Server *s, Request &r, const std::string &payload, std::string request_text,
                       const std::string &project_id)
{
	Response replay;
	if (idempotency_replay(s, r, payload, &replay))
		return replay;
	if (s->stopping)
		return problem(503, "OPEN_API_SHUTTING_DOWN", "the service is stopping");
	/* the limits before the work: at its limit of active tasks a key's request is parsed
	 * for its clientTaskId only, never validated */
	bool only_task_id = at_active_limit(s, r);
	auto p = std::make_shared<PreparedExport>();
	auto text = std::make_shared<std::string>(std::move(request_text));
	std::size_t max = s->opt.max_body_bytes;
	return off_loop(
	        s, r,
	        [p, text, max, only_task_id] { prepare_export(max, *text, only_task_id, p.get()); },
	        [s, p, payload, project_id](Request &later_r) {
		        return idempotent(s, later_r, payload, [&] {
			        return commit_export(s, later_r, *p, payload, project_id);
		        });
	        });
}

/* An Idempotency-Key's recorded answer: true with *out set to it (or to the problem of a
 * bad header, or of the key reused with another payload). */
bool idempotency_replay(Server *s, Request &r, const std::string &payload, Response *out)
{
	const char *idem = soup_message_headers_get_one(
	        soup_server_message_get_request_headers(r.msg), "Idempotency-Key");
	if (!idem)
		return false;
	if (!*idem || strlen(idem) > 255) {
		*out = problem(400, "OPEN_API_INVALID_REQUEST",
		               "Idempotency-Key must hold 1 to 255 characters", "Idempotency-Key");
		return true;
	}
	s->store.idempotency_purge(g_get_real_time() - gint64(24) * 3600 * G_USEC_PER_SEC);
	IdempotencyRecord rec;
	if (!s->store.idempotency_get(r.key->id, idem, &rec))
		return false;
	/* the path too, but not for /v1/exports: its records predate the other routes */
	std::string hash = sha256_hex(r.path == "/v1/exports" ? payload : r.path + "\n" + payload);
	if (rec.payload_hash != hash) {
		*out = problem(422, "OPEN_API_IDEMPOTENCY_KEY_REUSED",
		               "this Idempotency-Key was used with another request body",
		               "Idempotency-Key");
		return true;
	}
	*out = json_response(rec.status, rec.body);
	if (rec.status >= 400)
		out->content_type = "application/problem+json";
	out->headers.push_back({"Idempotent-Replayed", "true"});
	return true;
}

Response idempotent(Server *s, Request &r, const std::string &payload,
                    const std::function<Response()> &answer)
{
	Response replay;
	if (idempotency_replay(s, r, payload, &replay))
		return replay;
	Response out = answer();
	const char *idem = soup_message_headers_get_one(
	        soup_server_message_get_request_headers(r.msg), "Idempotency-Key");
	if (idem && out.status < 500 && !out.deferred) {
		IdempotencyRecord rec;
		rec.payload_hash =
		        sha256_hex(r.path == "/v1/exports" ? payload : r.path + "\n" + payload);
		rec.status = out.status;
		rec.body = out.body;
		rec.created_us = g_get_real_time();
		s->store.idempotency_put(r.key->id, idem, rec);
	}
	return out;
}

Response route_list_exports(Server *s, Request &r)
{
	int page_size = 20;
	if (const char *ps = query_get(r, "pageSize")) {
		char *end = nullptr;
		gint64 v = g_ascii_strtoll(ps, &end, 10);
		if (!*ps || *end || v < 1 || v > 50)
			return problem(400, "OPEN_API_INVALID_REQUEST",
			               "pageSize must be an integer from 1 to 50", "pageSize");
		page_size = int(v);
	}
	gint64 before = 0;
	if (const char *c = query_get(r, "pageCursor")) {
		gsize len = 0;
		g_autofree guchar *raw = g_base64_decode(c, &len);
		std::string decoded(reinterpret_cast<const char *>(raw), len);
		char *end = nullptr;
		before = decoded.compare(0, 2, "s:") == 0
		                 ? g_ascii_strtoll(decoded.c_str() + 2, &end, 10)
		                 : 0;
		if (before <= 0 || !end || *end)
			return problem(400, "OPEN_API_INVALID_REQUEST",
			               "pageCursor is not a cursor of "
			               "this list",
			               "pageCursor");
	}
	/* createdByApiKeyId (the official client's filter): a key sees only its own tasks, so
	 * another key's id lists nothing */
	const char *creator = query_get(r, "createdByApiKeyId");
	if (creator && strlen(creator) > 128)
		return problem(400, "OPEN_API_INVALID_REQUEST",
		               "createdByApiKeyId is longer than 128 characters",
		               "createdByApiKeyId");
	std::vector<StoredTask> tasks;
	if (!creator || !*creator || r.key->id == creator)
		tasks = s->store.list(r.key->id, before, page_size + 1);
	std::string next = "null";
	if (int(tasks.size()) > page_size) {
		tasks.resize(page_size);
		std::string c = "s:" + std::to_string(tasks.back().seq);
		g_autofree char *b64 =
		        g_base64_encode(reinterpret_cast<const guchar *>(c.data()), c.size());
		next = jstr(b64);
	}
	std::string data = "[";
	for (std::size_t i = 0; i < tasks.size(); i++)
		data += (i ? "," : "") + task_json(s, tasks[i]);
	return json_response(200, "{\"data\":" + data + "],\"meta\":{\"nextPageCursor\":" + next +
	                                  ",\"pageSize\":" + std::to_string(page_size) + "}}");
}

Response route_get_export(Server *s, Request &r, const std::string &id)
{
	StoredTask t;
	if (!s->store.get(id, &t) || t.key_id != r.key->id)
		return problem(404, "OPEN_API_EXPORT_NOT_FOUND", "no export task " + id);
	return json_response(200, "{\"data\":" + task_json(s, t) + ",\"meta\":{}}");
}

Response route_download(Server *s, Request &r, const std::string &id)
{
	const char *expires = query_get(r, "expires");
	const char *signature = query_get(r, "signature");
	if (!expires || !signature ||
	    !equal_constant_time(hmac_hex(s->secret, id + "\n" + expires), signature))
		return problem(403, "OPEN_API_DOWNLOAD_SIGNATURE_INVALID",
		               "the download link is not valid: ask GET /v1/exports/" + id +
		                       " for a fresh outputUrl");
	if (g_ascii_strtoll(expires, nullptr, 10) < g_get_real_time() / G_USEC_PER_SEC)
		return problem(403, "OPEN_API_DOWNLOAD_EXPIRED",
		               "the download link has expired: ask GET /v1/exports/" + id +
		                       " for a fresh outputUrl");
	StoredTask t;
	if (!s->store.get(id, &t))
		return problem(404, "OPEN_API_EXPORT_NOT_FOUND", "no export task " + id);
	g_autoptr(GError) err = nullptr;
	GMappedFile *mapped = t.status == "COMPLETED"
	                              ? g_mapped_file_new(output_path(s, t).c_str(), FALSE, &err)
	                              : nullptr;
	if (!mapped && t.status == "COMPLETED")
		return problem(410, "OPEN_API_EXPORT_OUTPUT_EXPIRED",
		               "the output of export task " + id +
		                       " was deleted after the service's retention time");
	if (!mapped)
		return problem(404, "OPEN_API_EXPORT_OUTPUT_NOT_FOUND",
		               "export task " + id + " has no output");
	Response out;
	out.file = g_mapped_file_get_bytes(mapped);
	g_mapped_file_unref(mapped);
	out.content_type = t.format == "webm" ? "video/webm" : "video/mp4";
	out.headers.push_back(
	        {"Content-Disposition", "attachment; filename=\"" + t.id + "." + t.format + "\""});
	return out;
}

Response metrics_requests(Server *s, const ApiKey *key, std::string m);

/* GET /metrics: for the operator (key nullptr) the service's counts; for an API key its
 * own tasks and requests only. */
Response route_metrics(Server *s, const ApiKey *key)
{
	std::string m = "# HELP jsontimeline_tasks Export tasks by state.\n"
	                "# TYPE jsontimeline_tasks gauge\n";
	std::map<std::string, int> counts =
	        key ? s->store.count_by_status(key->id) : s->store.count_by_status();
	for (const char *st : {"PENDING", "PROCESSING", "COMPLETED", "FAILED", "CANCELED"})
		m += std::string("jsontimeline_tasks{state=\"") + st + "\"} " +
		     std::to_string(counts[st]) + "\n";
	if (key)
		return metrics_requests(s, key, m);
	m += "# HELP jsontimeline_render_seconds Time spent in renders.\n"
	     "# TYPE jsontimeline_render_seconds summary\n"
	     "jsontimeline_render_seconds_sum " +
	     jnum(s->render_seconds) + "\njsontimeline_render_seconds_count " +
	     std::to_string(s->renders) + "\n";
	m += "# HELP jsontimeline_renders_running Renders running now.\n"
	     "# TYPE jsontimeline_renders_running gauge\njsontimeline_renders_running " +
	     std::to_string(s->running.size()) + "\n";
	m += "# HELP jsontimeline_queue_depth Export tasks waiting for a render worker.\n"
	     "# TYPE jsontimeline_queue_depth gauge\njsontimeline_queue_depth " +
	     std::to_string(s->queue.size()) + "\n";
	m += "# HELP jsontimeline_probes Media probes of uploads, running and waiting.\n"
	     "# TYPE jsontimeline_probes gauge\njsontimeline_probes{state=\"running\"} " +
	     std::to_string(s->probes.size()) + "\njsontimeline_probes{state=\"waiting\"} " +
	     std::to_string(s->probe_queue.size()) + "\n";
	m += "# HELP jsontimeline_connections Connections open, and the most allowed.\n"
	     "# TYPE jsontimeline_connections gauge\njsontimeline_connections{state=\"open\"} " +
	     std::to_string(listener_open_connections(s->listener)) +
	     "\njsontimeline_connections{state=\"max\"} " +
	     std::to_string(listener_max_connections(s->listener)) + "\n";
	return metrics_requests(s, nullptr, m);
}

/* The request counters (all, or one key's) after m. */
Response metrics_requests(Server *s, const ApiKey *key, std::string m)
{
	m += "# HELP jsontimeline_http_requests_total HTTP requests by route and status.\n"
	     "# TYPE jsontimeline_http_requests_total counter\n";
	std::map<std::string, guint64> totals; /* route, method, status: over the keys */
	for (const auto &[k, n] : s->requests) {
		std::size_t cut = k.find('\x1f');
		if (!key || k.compare(0, cut, key->id) == 0)
			totals[k.substr(cut + 1)] += n;
	}
	for (const auto &[k, n] : totals) {
		g_auto(GStrv) f = g_strsplit(k.c_str(), "\x1f", 3);
		m += std::string("jsontimeline_http_requests_total{route=\"") + f[0] +
		     "\",method=\"" + f[1] + "\",status=\"" + f[2] + "\"} " + std::to_string(n) +
		     "\n";
	}
	Response r = json_response(200, m);
	r.content_type = "text/plain; version=0.0.4";
	return r;
}

Response route_openapi()
{
	g_autoptr(GBytes) b = g_resources_lookup_data("/org/jsontimeline/openapi.yaml",
	                                              G_RESOURCE_LOOKUP_FLAGS_NONE, nullptr);
	if (!b)
		return problem(500, "OPEN_API_INTERNAL_ERROR", "the specification is missing");
	gsize len = 0;
	const char *d = static_cast<const char *>(g_bytes_get_data(b, &len));
	Response r = json_response(200, std::string(d, len));
	r.content_type = "application/yaml";
	return r;
}

/* POST /v1/exports/{taskId}/cancel: a PENDING task is CANCELED at once; a PROCESSING one
 * too, its render stopped; a finished one cannot be (409). */
Response route_cancel_export(Server *s, Request &r, const std::string &id)
{
	StoredTask t;
	if (!s->store.get(id, &t) || t.key_id != r.key->id)
		return problem(404, "OPEN_API_EXPORT_NOT_FOUND", "no export task " + id);
	if (t.status != "PENDING" && t.status != "PROCESSING")
		return problem(409, "OPEN_API_EXPORT_NOT_CANCELABLE",
		               "the export task is " + t.status +
		                       ": only PENDING and PROCESSING "
		                       "tasks can be canceled");
	auto job = s->running.find(id);
	if (job != s->running.end()) {
		job->second->canceled = true;
		if (job->second->proc)
			g_subprocess_force_exit(job->second->proc);
		transition(s, job->second->task, "CANCELED", "canceled by the client");
		t = job->second->task;
	} else {
		transition(s, t, "CANCELED", "canceled by the client");
	}
	return json_response(200, "{\"data\":" + task_json(s, t) + ",\"meta\":{}}");
}

/* What a request's path names: r.route (for logs and metrics, also when it is refused),
 * and for /v1/exports/{taskId}/... the id and which action. */
struct Target {
	std::string id;
	bool download = false, webhooks = false, cancel = false;
};

Target name_route(Request &r)
{
	const std::string &p = r.path;
	Target t;
	const std::string prefix = "/v1/exports/";
	if (p.compare(0, prefix.size(), prefix) == 0) {
		t.id = p.substr(prefix.size());
		std::size_t slash = t.id.find('/');
		if (slash != std::string::npos) {
			t.download = t.id.substr(slash) == "/download";
			t.webhooks = t.id.substr(slash) == "/webhooks";
			t.cancel = t.id.substr(slash) == "/cancel";
			if (!t.download && !t.webhooks && !t.cancel)
				t.id.clear();
			else
				t.id.resize(slash);
		}
	}
	for (const char *known :
	     {"/healthz", "/openapi.yaml", "/metrics", "/v1/editor/capabilities",
	      "/v1/editor/validate", "/v1/illustrations", "/v1/exports"})
		if (p == known)
			r.route = known;
	if (!t.id.empty())
		r.route = t.download ? "/v1/exports/{taskId}/download" : "/v1/exports/{taskId}";
	std::string named = projects_route_name(p);
	if (!named.empty())
		r.route = named;
	return t;
}

/* Routes without an API key: /healthz, signed links (their own credential) and /metrics
 * (an operator token or a key, checked by the route). None of them takes a body. */
bool keyless(const Request &r, const Target &t)
{
	return r.route == "/healthz" || r.route == "/metrics" || (t.download && !t.id.empty()) ||
	       r.route == "/v1/assets/{assetId}/file";
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
	const std::string &p = r.path;
	const std::string &m = r.method;
	auto only = [&](const char *method, const char *route) {
		r.route = route;
		return m == method;
	};
	if (p == "/healthz") {
		r.route = "/healthz";
		return json_response(200, "{\"status\":\"ok\"}");
	}
	Target target = name_route(r);
	const std::string &id = target.id;
	bool webhooks = target.webhooks, cancel = target.cancel;
	/* a signed download link is its own credential */
	if (target.download && !id.empty()) {
		if (!only("GET", "/v1/exports/{taskId}/download"))
			return problem(405, "OPEN_API_METHOD_NOT_ALLOWED", "use GET");
		return route_download(s, r, id);
	}
	bool handled = false;
	Response routed = route_asset_file(s, r, &handled); /* signed: its own credential */
	if (handled)
		return routed;
	Response not_allowed = problem(405, "OPEN_API_METHOD_NOT_ALLOWED",
	                               "method " + m + " is not allowed on " + p);
	if (p == "/metrics") {
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
		return only("GET", "/metrics") ? route_metrics(s, r.key) : not_allowed;
	}
	/* the key on_early authenticated and charged for this request */
	r.key = static_cast<const ApiKey *>(g_object_get_data(G_OBJECT(r.msg), kKeyData));
	if (!r.key)
		return problem(401, "OPEN_API_KEY_INVALID",
		               "a valid API key is required in the x-api-key header");
	routed = route_projects(s, r, &handled);
	if (handled)
		return routed;
	if (p == "/openapi.yaml")
		return only("GET", "/openapi.yaml") ? route_openapi() : not_allowed;
	if (p == "/v1/editor/capabilities")
		return only("GET", "/v1/editor/capabilities")
		               ? json_response(200, "{\"data\":" + capabilities_json(false) +
		                                            ",\"meta\":{}}")
		               : not_allowed;
	if (p == "/v1/editor/validate")
		return only("POST", "/v1/editor/validate") ? route_validate(s, r) : not_allowed;
	if (p == "/v1/illustrations") {
		if (!only("GET", "/v1/illustrations"))
			return not_allowed;
		const char *q = query_get(r, "q");
		if (q && g_utf8_strlen(q, -1) > 200)
			return problem(400, "OPEN_API_INVALID_REQUEST",
			               "q is longer than 200 characters", "q");
		return json_response(200, illustrations_json(q ? q : "", false));
	}
	if (p == "/v1/exports") {
		r.route = "/v1/exports";
		if (m == "POST") {
			std::string body = body_of(r.msg);
			return create_export(s, r, body, body, "");
		}
		if (m == "GET")
			return route_list_exports(s, r);
		return not_allowed;
	}
	if (!id.empty() && cancel) {
		if (!only("POST", "/v1/exports/{taskId}/cancel"))
			return not_allowed;
		return route_cancel_export(s, r, id);
	}
	if (!id.empty() && webhooks) {
		if (!only("GET", "/v1/exports/{taskId}/webhooks"))
			return not_allowed;
		StoredTask t;
		if (!s->store.get(id, &t) || t.key_id != r.key->id)
			return problem(404, "OPEN_API_EXPORT_NOT_FOUND", "no export task " + id);
		return json_response(200, "{\"data\":" + s->hooks->deliveries_json(id) +
		                                  ",\"meta\":{}}");
	}
	if (!id.empty())
		return only("GET", "/v1/exports/{taskId}") ? route_get_export(s, r, id)
		                                           : not_allowed;
	return problem(404, "OPEN_API_NOT_FOUND", "no route " + p);
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

namespace {

struct Probe {
	Server *s = nullptr;
	GSubprocess *proc = nullptr;
	GCancellable *cancel = g_cancellable_new();
	guint timeout_id = 0;
	std::function<void(std::string)> done;
	~Probe()
	{
		g_clear_object(&proc);
		g_clear_object(&cancel);
	}
};

void start_probe(Server *s, const std::string &file, std::function<void(std::string)> done);

/* Ends a probe now: its process killed, its output (which a child of it could hold open)
 * no longer awaited. */
void stop_probe(Probe *p)
{
	g_subprocess_force_exit(p->proc);
	g_cancellable_cancel(p->cancel);
}

void on_probe_done(GObject *source, GAsyncResult *result, gpointer data)
{
	std::unique_ptr<Probe> p(static_cast<Probe *>(data));
	if (p->timeout_id)
		g_source_remove(p->timeout_id);
	g_autofree char *out = nullptr;
	bool ok = g_subprocess_communicate_utf8_finish(G_SUBPROCESS(source), result, &out, nullptr,
	                                               nullptr) &&
	          g_subprocess_get_if_exited(p->proc) && g_subprocess_get_exit_status(p->proc) == 0;
	Server *s = p->s;
	s->probes.erase(p.get());
	p->done(ok && out ? out : "");
	if (!s->probe_queue.empty()) {
		auto [file, done] = std::move(s->probe_queue.front());
		s->probe_queue.pop_front();
		start_probe(s, file, std::move(done));
	}
	quit_when_idle(s);
}

gboolean on_probe_timeout(gpointer data)
{
	Probe *p = static_cast<Probe *>(data);
	p->timeout_id = 0;
	stop_probe(p);
	return G_SOURCE_REMOVE;
}

void start_probe(Server *s, const std::string &file, std::function<void(std::string)> done)
{
	const char *argv[] = {s->opt.render_program.c_str(), "probe", file.c_str(), nullptr};
	GSubprocess *proc = spawn_child(s, argv,
	                                GSubprocessFlags(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
	                                                 G_SUBPROCESS_FLAGS_STDERR_SILENCE),
	                                nullptr);
	if (!proc) {
		done("");
		return;
	}
	auto *p = new Probe{s, proc};
	p->done = std::move(done);
	s->probes.insert(p);
	p->timeout_id = g_timeout_add_seconds(kProbeSeconds, on_probe_timeout, p);
	g_subprocess_communicate_utf8_async(proc, nullptr, p->cancel, on_probe_done, p);
}

} /* namespace */

/* At most as many probes at once as renders (at least 2); the others wait their turn. */
void probe_media(Server *s, const std::string &file, std::function<void(std::string)> done)
{
	if (int(s->probes.size()) >= std::max(2, worker_count(s->opt)))
		s->probe_queue.emplace_back(file, std::move(done));
	else
		start_probe(s, file, std::move(done));
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
	Target target = name_route(r);
	bool upload = r.route == "/v1/uploads" && r.method == "POST";
	std::size_t limit = upload ? s->opt.max_upload_bytes : s->opt.max_body_bytes;
	if (keyless(r, target)) {
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

bool load_secret(const std::string &dir, std::string *secret, std::string *error)
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
		*error = file + ": cannot be written";
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

bool server_secret(const std::string &data_dir, std::string *secret, std::string *error)
{
	return load_secret(data_dir, secret, error);
}

std::string derived_webhook_secret(const std::string &server_secret, const std::string &key_id)
{
	return hmac_hex(server_secret, "webhook:" + key_id);
}

int run_server(const ServeOptions &options, std::string *error)
{
	Server s;
	s.opt = options;
	const std::string &dir = s.opt.data_dir;
	for (const char *sub :
	     {"", "/outputs", "/outputs/.tmp", "/jobs", "/assets", "/assets/.tmp", "/cache"}) {
		if (g_mkdir_with_parents((dir + sub).c_str(), 0700) != 0) {
			*error = dir + sub + ": " + g_strerror(errno);
			return 1;
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
		return 1;
	/* callbacks: a durable outbox next to the tasks, delivered from this main context */
	WebhookOptions wo;
	wo.db_path = dir + "/webhooks.db";
	wo.allow_hosts = s.opt.allow_hosts;
	wo.refuse_private = true;
	wo.schedule_seconds = s.opt.webhook_schedule.empty() ? webhook_default_schedule()
	                                                     : s.opt.webhook_schedule;
	s.hooks = std::make_unique<WebhookSender>(wo, error);
	if (!s.hooks->ok())
		return 1;
	s.hooks->start(g_main_context_default());

	std::string host = s.opt.listen;
	std::size_t colon = host.rfind(':');
	if (colon == std::string::npos) {
		*error = "--listen wants HOST:PORT, not " + host;
		return 1;
	}
	std::string port_text = host.substr(colon + 1);
	host = host.substr(0, colon);
	if (host.size() > 2 && host.front() == '[' && host.back() == ']')
		host = host.substr(1, host.size() - 2);
	char *end = nullptr;
	gint64 port = g_ascii_strtoll(port_text.c_str(), &end, 10);
	g_autoptr(GInetAddress) addr = g_inet_address_new_from_string(host.c_str());
	if (port_text.empty() || *end || port < 0 || port > 65535 || !addr) {
		*error = "--listen wants a numeric HOST:PORT, not " + s.opt.listen;
		return 1;
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
		*error = std::string("cannot listen on ") + s.opt.listen + ": " + why;
		g_object_unref(s.soup);
		return 1;
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
	return 0;
}

} /* namespace jtl */
