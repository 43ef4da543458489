// SPDX-License-Identifier: LGPL-2.1-or-later
// Remote assets: concurrent http(s) downloads with libsoup 3 into a cache keyed by URL.
#include <jsontimeline/fetch.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include <fcntl.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jsontimeline/asset-policy.h>
#include <jsontimeline/json.h>

namespace jtl {

namespace {

constexpr unsigned kParallel = 4;         /* transfers at once */
constexpr std::size_t kChunk = 64 * 1024; /* bytes per read */
const GUriFlags kUriFlags = GUriFlags(SOUP_HTTP_URI_FLAGS);

/* Where one URL's local path goes, and how that place is named in errors. */
struct Target {
	std::string who;       /* asset "ID" | globalBackground imageUrl */
	std::string json_path; /* of the URL in the document */
	std::string *local;    /* Asset::local_path | GlobalBackground::image_local_path */
};

struct Fetcher;

/* One URL to download; the first target names it in errors. */
struct Job {
	Fetcher *f = nullptr;
	std::string url;     /* as in the document: the cache key */
	std::string current; /* after redirects */
	std::vector<Target> targets;
	std::string path; /* in the cache */
	std::string tmp;  /* while downloading */
	int fd = -1;
	int redirects = 0;
	uint64_t received = 0;
	bool active = false;
	bool done = false; /* downloaded into path by this call */
	bool timed_out = false;
	std::string refused; /* the address refused at connect time, with why */
	GCancellable *cancellable = nullptr;
	SoupMessage *msg = nullptr;
	GInputStream *in = nullptr;
	GSource *timer = nullptr;
	std::unique_ptr<char[]> buffer;
};

struct Fetcher {
	const FetchOptions *options = nullptr;
	GMainContext *ctx = nullptr;
	SoupSession *session = nullptr;
	std::vector<std::unique_ptr<Job>> jobs;
	std::size_t next = 0;
	unsigned running = 0;
	bool aborted = false;
	std::string error, json_path; /* of the first failure */
};

std::string lower(std::string s)
{
	for (char &c : s)
		c = g_ascii_tolower(c);
	return s;
}

std::string format_seconds(double s)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	return g_ascii_formatd(buf, sizeof buf, "%g", s);
}

/* SHA-256 of the URL in hex, plus the extension of its path (decoders and the SVG
 * check look at it): "<64 hex>.mp4". */
std::string cache_name(const std::string &url)
{
	g_autofree gchar *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, url.c_str(), -1);
	std::string name = hash;
	g_autoptr(GUri) uri = g_uri_parse(url.c_str(), kUriFlags, nullptr);
	if (!uri)
		return name;
	std::string path = g_uri_get_path(uri);
	std::size_t slash = path.rfind('/');
	std::string last = slash == std::string::npos ? path : path.substr(slash + 1);
	std::size_t dot = last.rfind('.');
	if (dot == std::string::npos || dot + 1 == last.size() || last.size() - dot - 1 > 10)
		return name;
	std::string ext = last.substr(dot + 1);
	for (char c : ext)
		if (!g_ascii_isalnum(c))
			return name;
	return name + "." + ext;
}

bool host_allowed(const FetchOptions &o, const std::string &url)
{
	return host_allow_listed(url, o.allow_hosts);
}

void pump(Fetcher *f);
void send(Job *job);

/* Ends a job: the outcome is final, no callback of it is pending. */
void finish(Job *job, const std::string &cause)
{
	Fetcher *f = job->f;
	if (job->timer) {
		g_source_destroy(job->timer);
		g_source_unref(job->timer);
		job->timer = nullptr;
	}
	g_clear_object(&job->in);
	if (job->msg)
		g_signal_handlers_disconnect_by_data(job->msg, job);
	g_clear_object(&job->msg);
	g_clear_object(&job->cancellable);
	job->buffer.reset();
	if (job->fd >= 0)
		close(job->fd);
	job->fd = -1;
	if (!job->tmp.empty())
		g_unlink(job->tmp.c_str());
	job->tmp.clear();
	job->active = false;
	f->running--;
	if (cause.empty()) {
		job->done = true;
		for (Target &t : job->targets)
			*t.local = job->path;
	} else if (!f->aborted) {
		/* the first failure is the one reported; the others are cancelled */
		f->aborted = true;
		std::string where = job->current != job->url
		                            ? " (redirected to " + job->current + ")"
		                            : std::string();
		f->error = job->targets.front().who + ": cannot fetch " + job->url + where + ": " +
		           cause;
		f->json_path = job->targets.front().json_path;
		for (const std::unique_ptr<Job> &other : f->jobs)
			if (other->active && other->cancellable)
				g_cancellable_cancel(other->cancellable);
	}
	pump(f);
}

/* Why a transfer stopped with this error: the refusal or the timeout that cancelled it,
 * else the error itself. */
std::string cause_of(Job *job, const GError *e)
{
	if (!job->refused.empty())
		return "refused address " + job->refused;
	if (job->timed_out)
		return "timed out after " + format_seconds(job->f->options->timeout_seconds) + " s";
	if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
		return std::string("timed out: ") + e->message;
	return e ? e->message : "unknown error";
}

std::string too_large(const Job *job)
{
	return "larger than the limit of " + std::to_string(job->f->options->max_bytes) + " bytes";
}

/* SoupMessage::network-event: at G_SOCKET_CLIENT_CONNECTING the connection carries the
 * address about to be connected (after DNS, for every redirect since each message is
 * sent on a new connection): a refused one cancels the transfer. */
void on_network_event(SoupMessage *, GSocketClientEvent event, GIOStream *connection, gpointer data)
{
	Job *job = static_cast<Job *>(data);
	if (event != G_SOCKET_CLIENT_CONNECTING || !job->refused.empty())
		return;
	job->refused = connection_refusal(connection);
	if (!job->refused.empty())
		g_cancellable_cancel(job->cancellable);
}

void on_read(GObject *source, GAsyncResult *result, gpointer data)
{
	Job *job = static_cast<Job *>(data);
	g_autoptr(GError) e = nullptr;
	gssize n = g_input_stream_read_finish(G_INPUT_STREAM(source), result, &e);
	if (n < 0) {
		finish(job, cause_of(job, e));
		return;
	}
	if (n == 0) {
		int fd = job->fd;
		job->fd = -1;
		if (close(fd) != 0) {
			finish(job,
			       std::string("cannot write into the cache: ") + g_strerror(errno));
			return;
		}
		if (g_rename(job->tmp.c_str(), job->path.c_str()) != 0) {
			finish(job, std::string("cannot complete the file in the cache: ") +
			                    g_strerror(errno));
			return;
		}
		job->tmp.clear();
		finish(job, "");
		return;
	}
	job->received += uint64_t(n);
	if (job->received > job->f->options->max_bytes) {
		finish(job, too_large(job));
		return;
	}
	for (gssize done = 0; done < n;) {
		ssize_t w = write(job->fd, job->buffer.get() + done, std::size_t(n - done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			finish(job,
			       std::string("cannot write into the cache: ") + g_strerror(errno));
			return;
		}
		done += w;
	}
	g_input_stream_read_async(job->in, job->buffer.get(), kChunk, G_PRIORITY_DEFAULT,
	                          job->cancellable, on_read, job);
}

void on_sent(GObject *source, GAsyncResult *result, gpointer data)
{
	Job *job = static_cast<Job *>(data);
	g_autoptr(GError) e = nullptr;
	job->in = soup_session_send_finish(SOUP_SESSION(source), result, &e);
	if (!job->in) {
		finish(job, cause_of(job, e));
		return;
	}
	guint status = soup_message_get_status(job->msg);
	SoupMessageHeaders *headers = soup_message_get_response_headers(job->msg);
	if (SOUP_STATUS_IS_REDIRECTION(status) && status != SOUP_STATUS_NOT_MODIFIED) {
		const char *location = soup_message_headers_get_one(headers, "Location");
		if (!location) {
			finish(job,
			       "HTTP " + std::to_string(status) + " redirect without a Location");
			return;
		}
		if (++job->redirects > job->f->options->max_redirects) {
			finish(job, "too many redirects (more than " +
			                    std::to_string(job->f->options->max_redirects) + ")");
			return;
		}
		g_autoptr(GError) ue = nullptr;
		g_autofree gchar *next =
		        g_uri_resolve_relative(job->current.c_str(), location, kUriFlags, &ue);
		if (!next) {
			finish(job, std::string("redirect to an invalid URL \"") + location + "\"");
			return;
		}
		job->current = next;
		std::string scheme = url_scheme(job->current);
		if (scheme != "http" && scheme != "https") {
			finish(job, "redirect to the unsupported scheme \"" + scheme + "\"");
			return;
		}
		g_clear_object(&job->in); /* not read: libsoup drops the connection */
		g_clear_object(&job->msg);
		send(job);
		return;
	}
	if (!SOUP_STATUS_IS_SUCCESSFUL(status)) {
		const char *phrase = soup_message_get_reason_phrase(job->msg);
		if (!phrase || !*phrase)
			phrase = soup_status_get_phrase(status);
		finish(job, "HTTP " + std::to_string(status) +
		                    (phrase ? std::string(" ") + phrase : ""));
		return;
	}
	if (soup_message_headers_get_encoding(headers) == SOUP_ENCODING_CONTENT_LENGTH &&
	    uint64_t(soup_message_headers_get_content_length(headers)) >
	            job->f->options->max_bytes) {
		finish(job,
		       too_large(job) + " (Content-Length " +
		               std::to_string(soup_message_headers_get_content_length(headers)) +
		               ")");
		return;
	}
	job->buffer.reset(new char[kChunk]);
	g_input_stream_read_async(job->in, job->buffer.get(), kChunk, G_PRIORITY_DEFAULT,
	                          job->cancellable, on_read, job);
}

/* Sends job->current; redirects come back here. */
void send(Job *job)
{
	const FetchOptions &o = *job->f->options;
	job->msg = soup_message_new("GET", job->current.c_str());
	if (!job->msg) {
		finish(job, "invalid URL " + job->current);
		return;
	}
	/* redirects are followed here, to count them and check their scheme and address */
	SoupMessageFlags flags = SOUP_MESSAGE_NO_REDIRECT;
	if (o.refuse_private && !host_allowed(o, job->current)) {
		/* network-event is only emitted for a message that opens its connection */
		flags = SoupMessageFlags(flags | SOUP_MESSAGE_NEW_CONNECTION);
		g_signal_connect(job->msg, "network-event", G_CALLBACK(on_network_event), job);
	}
	soup_message_set_flags(job->msg, flags);
	soup_session_send_async(job->f->session, job->msg, G_PRIORITY_DEFAULT, job->cancellable,
	                        on_sent, job);
}

gboolean on_timeout(gpointer data)
{
	Job *job = static_cast<Job *>(data);
	job->timed_out = true;
	g_cancellable_cancel(job->cancellable);
	return G_SOURCE_REMOVE;
}

void start(Fetcher *f, Job *job)
{
	f->running++;
	job->active = true;
	job->current = job->url;
	job->cancellable = g_cancellable_new();
	std::string tmpl = job->path + ".part-XXXXXX";
	job->fd = g_mkstemp_full(&tmpl[0], O_WRONLY | O_CLOEXEC, 0644);
	if (job->fd < 0) {
		finish(job, "cannot create a file in the cache: " + std::string(g_strerror(errno)));
		return;
	}
	job->tmp = tmpl;
	double t = f->options->timeout_seconds;
	if (t > 0) {
		job->timer = g_timeout_source_new(guint(std::min(std::ceil(t * 1000.0), 4e9)));
		g_source_set_callback(job->timer, on_timeout, job, nullptr);
		g_source_attach(job->timer, f->ctx);
	}
	send(job);
}

void pump(Fetcher *f)
{
	while (!f->aborted && f->running < kParallel && f->next < f->jobs.size())
		start(f, f->jobs[f->next++].get());
}

/* Deletes the files of the cache used longest ago (by modification time: a use sets it)
 * until it holds at most max bytes; the files of keep stay. Partial downloads count
 * (another process may be writing them) unless untouched for kStalePartSeconds: then
 * they are a dead process's and go. */
void trim_cache(const std::string &dir, uint64_t max, const std::set<std::string> &keep)
{
	struct Entry {
		int64_t used_ns;
		std::string path;
		uint64_t size;
	};
	std::vector<Entry> files;
	uint64_t total = 0;
	int64_t now = g_get_real_time() / G_USEC_PER_SEC;
	GDir *d = g_dir_open(dir.c_str(), 0, nullptr);
	while (const char *name = d ? g_dir_read_name(d) : nullptr) {
		std::string path = dir + "/" + name;
		struct stat st;
		if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		bool partial = strstr(name, ".part-") != nullptr;
		if (partial && now - int64_t(st.st_mtime) > kStalePartSeconds) {
			g_unlink(path.c_str());
			continue;
		}
		total += uint64_t(st.st_size);
		if (!partial && !keep.count(path))
			files.push_back(
			        {int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, path,
			         uint64_t(st.st_size)});
	}
	if (d)
		g_dir_close(d);
	if (max == 0)
		return;
	std::sort(files.begin(), files.end(), [](const Entry &a, const Entry &b) {
		return a.used_ns != b.used_ns ? a.used_ns < b.used_ns : a.path < b.path;
	});
	for (const Entry &e : files) {
		if (total <= max)
			break;
		if (g_unlink(e.path.c_str()) == 0)
			total -= e.size;
	}
}

} /* namespace */

bool host_allow_listed(const std::string &url, const std::vector<std::string> &allow_hosts)
{
	g_autoptr(GUri) uri = g_uri_parse(url.c_str(), kUriFlags, nullptr);
	const char *host = uri ? g_uri_get_host(uri) : nullptr;
	if (!host)
		return false;
	std::string h = lower(host);
	for (const std::string &a : allow_hosts)
		if (lower(a) == h)
			return true;
	return false;
}

std::string connection_refusal(GIOStream *connection)
{
	std::string address, why;
	if (connection && G_IS_SOCKET_CONNECTION(connection)) {
		g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address(
		        G_SOCKET_CONNECTION(connection), nullptr);
		if (remote && G_IS_INET_SOCKET_ADDRESS(remote)) {
			GInetAddress *ia =
			        g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(remote));
			g_autofree gchar *str = g_inet_address_to_string(ia);
			address = str;
		}
	}
	if (address.empty())
		return "(unknown: not an IP connection)";
	if (address_is_private(address, &why))
		return address + " (" + why + ")";
	return "";
}

std::string url_scheme(const std::string &location)
{
	const char *scheme = g_uri_peek_scheme(location.c_str());
	return scheme ? scheme : "";
}

bool address_is_private(const std::string &address, std::string *reason)
{
	auto refused = [reason](const char *why) {
		if (reason)
			*reason = why;
		return true;
	};
	g_autoptr(GInetAddress) a = g_inet_address_new_from_string(address.c_str());
	if (!a)
		return refused("not an IP address");
	const guint8 *b = g_inet_address_to_bytes(a);
	guint8 v4[4];
	bool is_v4 = false;
	if (g_inet_address_get_family(a) == G_SOCKET_FAMILY_IPV4) {
		memcpy(v4, b, 4);
		is_v4 = true;
	} else {
		static const guint8 mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		static const guint8 nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
		static const guint8 zero[16] = {};
		if (memcmp(b, zero, 16) == 0)
			return refused("unspecified");
		if (memcmp(b, zero, 15) == 0 && b[15] == 1)
			return refused("loopback");
		if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0 ||
		    memcmp(b, zero, 12) == 0) {
			memcpy(v4, b + 12, 4);
			is_v4 = true;
		} else if ((b[0] & 0xfe) == 0xfc) {
			return refused("private, unique local");
		} else if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) {
			return refused("link-local");
		} else if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) {
			return refused("site-local");
		} else if (b[0] == 0xff) {
			return refused("multicast");
		}
	}
	if (!is_v4)
		return false;
	if (v4[0] == 0)
		return refused("unspecified, this network");
	if (v4[0] == 127)
		return refused("loopback");
	if (v4[0] == 10 || (v4[0] == 172 && (v4[1] & 0xf0) == 16) || (v4[0] == 192 && v4[1] == 168))
		return refused("private");
	if (v4[0] == 100 && (v4[1] & 0xc0) == 64)
		return refused("shared, carrier-grade NAT");
	if (v4[0] == 169 && v4[1] == 254)
		return refused(v4[2] == 169 && v4[3] == 254 ? "link-local, cloud metadata"
		                                            : "link-local");
	if (v4[0] == 192 && v4[1] == 0 && v4[2] == 0)
		return refused("reserved, IETF protocol assignments");
	if (v4[0] >= 224 && v4[0] < 240)
		return refused("multicast");
	if (v4[0] >= 240)
		return refused("reserved or broadcast");
	return false;
}

bool fetch_remote_assets(Timeline &timeline, const FetchOptions &options, std::string *error,
                         std::string *json_path)
{
	/* what to fetch, by URL, in a fixed order (items by id, then the background) */
	Fetcher f;
	f.options = &options;
	std::map<std::string, Job *> by_url;
	auto add = [&](const std::string &url, Target target) -> bool {
		std::string scheme = url_scheme(url);
		if (scheme.empty() || scheme == "file")
			return true;
		if (scheme != "http" && scheme != "https") {
			*error = target.who + ": cannot fetch " + url + ": unsupported scheme \"" +
			         scheme + "\" (only http, https and file)";
			if (json_path)
				*json_path = target.json_path;
			return false;
		}
		Job *&job = by_url[url];
		if (!job) {
			f.jobs.push_back(std::make_unique<Job>());
			job = f.jobs.back().get();
			job->f = &f;
			job->url = url;
		}
		job->targets.push_back(std::move(target));
		return true;
	};
	for (AssetReference &ref : asset_references(timeline))
		if (!add(ref.location, {ref.who, ref.json_path, ref.local}))
			return false;
	if (f.jobs.empty())
		return true;

	std::string dir = options.cache_dir;
	if (dir.empty()) {
		g_autofree gchar *d =
		        g_build_filename(g_get_user_cache_dir(), "jsontimeline", "remote", nullptr);
		dir = d;
	}
	if (g_mkdir_with_parents(dir.c_str(), 0755) != 0) {
		const Target &t = f.jobs.front()->targets.front();
		*error = t.who + ": cannot fetch " + f.jobs.front()->url +
		         ": cannot create the cache directory: " + g_strerror(errno);
		if (json_path)
			*json_path = t.json_path;
		return false;
	}
	/* what is in the cache already is used as it is (and now counts as used last) */
	std::vector<std::unique_ptr<Job>> jobs;
	std::set<std::string> used;
	for (std::unique_ptr<Job> &job : f.jobs) {
		g_autofree gchar *p =
		        g_build_filename(dir.c_str(), cache_name(job->url).c_str(), nullptr);
		job->path = p;
		used.insert(job->path);
		if (g_file_test(p, G_FILE_TEST_IS_REGULAR)) {
			utimensat(AT_FDCWD, p, nullptr, 0);
			for (Target &t : job->targets)
				*t.local = job->path;
		} else {
			jobs.push_back(std::move(job));
		}
	}
	f.jobs = std::move(jobs);
	if (f.jobs.empty())
		return true;

	/* the transfers, on a private main context */
	f.ctx = g_main_context_new();
	g_main_context_push_thread_default(f.ctx);
	f.session = soup_session_new_with_options("max-conns", int(kParallel * 2),
	                                          "max-conns-per-host", int(kParallel),
	                                          "user-agent", "jsontimeline ", nullptr);
	if (options.refuse_private)
		soup_session_set_proxy_resolver(f.session, nullptr); /* check the real address */
	pump(&f);
	while (f.running > 0)
		g_main_context_iteration(f.ctx, TRUE);
	soup_session_abort(f.session);
	g_clear_object(&f.session);
	while (g_main_context_iteration(f.ctx, FALSE)) {
	}
	g_main_context_pop_thread_default(f.ctx);
	g_main_context_unref(f.ctx);
	if (f.aborted) {
		/* the render will not happen: what this call downloaded goes again */
		for (const std::unique_ptr<Job> &job : f.jobs)
			if (job->done)
				g_unlink(job->path.c_str());
		trim_cache(dir, options.cache_max_bytes, used);
		*error = f.error;
		if (json_path)
			*json_path = f.json_path;
		return false;
	}
	trim_cache(dir, options.cache_max_bytes, used);
	return true;
}

} /* namespace jtl */
