// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of remote assets (fetch.h) against an in-process HTTP server on 127.0.0.1.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fcntl.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sys/stat.h>
#include <time.h>

#include <jsontimeline/asset-policy.h>
#include <jsontimeline/fetch.h>

using namespace jtl;

namespace {

/* A policy without a root, relative paths against dir. */
AssetPolicy base(const std::string &dir)
{
	AssetPolicy p;
	p.base = dir;
	return p;
}

/* The server: its own thread and main context; it counts the requests per path. */
struct Server {
	GThread *thread = nullptr;
	GMainContext *ctx = nullptr;
	GMainLoop *loop = nullptr;
	SoupServer *soup = nullptr;
	GMutex lock;
	GCond ready;
	bool started = false;
	guint port = 0;
	std::map<std::string, int> hits; /* lock */
	std::string body;                /* of /file.png: every byte value */
};

Server server;

std::string url(const std::string &path)
{
	return "http://127.0.0.1:" + std::to_string(server.port) + path;
}

int hits(const std::string &path)
{
	g_mutex_lock(&server.lock);
	int n = server.hits[path];
	g_mutex_unlock(&server.lock);
	return n;
}

/* /trickle: one byte every 50 ms, never complete; it stops when the message is finished
 * or its client goes (a loaded machine lets the timer run once more after either: the
 * message is held and the timer removed at the first of them) */
struct Trickle {
	SoupServerMessage *msg;
	GSource *source;
	bool stopped = false;
};

gboolean trickle_more(gpointer data)
{
	Trickle *t = static_cast<Trickle *>(data);
	soup_message_body_append(soup_server_message_get_response_body(t->msg), SOUP_MEMORY_STATIC,
	                         "x", 1);
	soup_server_message_unpause(t->msg);
	return G_SOURCE_CONTINUE;
}

void trickle_stop(SoupServerMessage *, gpointer data)
{
	Trickle *t = static_cast<Trickle *>(data);
	if (t->stopped)
		return;
	t->stopped = true;
	g_source_destroy(t->source);
	g_source_unref(t->source);
}

void redirect(SoupServerMessage *msg, const std::string &location)
{
	soup_server_message_set_status(msg, SOUP_STATUS_FOUND, nullptr);
	soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Location",
	                             location.c_str());
}

void handle(SoupServer *, SoupServerMessage *msg, const char *path, GHashTable *, gpointer)
{
	g_mutex_lock(&server.lock);
	server.hits[path]++;
	g_mutex_unlock(&server.lock);
	std::string p = path;
	SoupMessageHeaders *headers = soup_server_message_get_response_headers(msg);
	SoupMessageBody *body = soup_server_message_get_response_body(msg);
	if (p == "/file.png") {
		soup_server_message_set_status(msg, SOUP_STATUS_OK, nullptr);
		soup_server_message_set_response(msg, "application/octet-stream", SOUP_MEMORY_COPY,
		                                 server.body.data(), server.body.size());
	} else if (p == "/redirect") {
		redirect(msg, "/file.png"); /* relative */
	} else if (p == "/loop") {
		redirect(msg, url("/loop"));
	} else if (p == "/to-localhost") {
		redirect(msg, "http://localhost:" + std::to_string(server.port) + "/file.png");
	} else if (p == "/to-ftp") {
		redirect(msg, "ftp://127.0.0.1/file.png");
	} else if (p == "/big") {
		std::string big(2000, 'b');
		soup_server_message_set_status(msg, SOUP_STATUS_OK, nullptr);
		soup_server_message_set_response(msg, "application/octet-stream", SOUP_MEMORY_COPY,
		                                 big.data(), big.size());
	} else if (p == "/big-chunked") {
		soup_server_message_set_status(msg, SOUP_STATUS_OK, nullptr);
		soup_message_headers_set_encoding(headers, SOUP_ENCODING_CHUNKED);
		std::string part(500, 'c');
		for (int i = 0; i < 4; i++)
			soup_message_body_append(body, SOUP_MEMORY_COPY, part.data(), part.size());
		soup_message_body_complete(body);
	} else if (p == "/trickle") {
		soup_server_message_set_status(msg, SOUP_STATUS_OK, nullptr);
		soup_message_headers_set_encoding(headers, SOUP_ENCODING_CHUNKED);
		Trickle *t = new Trickle{msg, g_timeout_source_new(50)};
		g_source_set_callback(t->source, trickle_more, t, nullptr);
		g_source_attach(t->source, server.ctx);
		g_signal_connect(msg, "finished", G_CALLBACK(trickle_stop), t);
		g_signal_connect_data(
		        msg, "disconnected", G_CALLBACK(trickle_stop), t,
		        [](gpointer data, GClosure *) {
			        trickle_stop(nullptr, data);
			        delete static_cast<Trickle *>(data);
		        },
		        GConnectFlags(0));
	} else {
		soup_server_message_set_status(msg, SOUP_STATUS_NOT_FOUND, nullptr);
	}
}

gpointer serve(gpointer)
{
	g_main_context_push_thread_default(server.ctx);
	server.soup = soup_server_new(nullptr, nullptr);
	soup_server_add_handler(server.soup, nullptr, handle, nullptr, nullptr);
	g_autoptr(GError) error = nullptr;
	g_assert_true(
	        soup_server_listen_local(server.soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
	g_assert_no_error(error);
	GSList *uris = soup_server_get_uris(server.soup);
	g_assert_nonnull(uris);
	g_mutex_lock(&server.lock);
	server.port = guint(g_uri_get_port(static_cast<GUri *>(uris->data)));
	server.started = true;
	g_cond_signal(&server.ready);
	g_mutex_unlock(&server.lock);
	g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
	g_main_loop_run(server.loop);
	soup_server_disconnect(server.soup);
	g_object_unref(server.soup);
	while (g_main_context_iteration(server.ctx, FALSE)) {
	}
	g_main_context_pop_thread_default(server.ctx);
	return nullptr;
}

void start_server()
{
	for (int i = 0; i < 4096; i++)
		server.body.push_back(char((i * 7 + i / 256) & 0xff));
	g_mutex_init(&server.lock);
	g_cond_init(&server.ready);
	server.ctx = g_main_context_new();
	server.loop = g_main_loop_new(server.ctx, FALSE);
	server.thread = g_thread_new("http-server", serve, nullptr);
	g_mutex_lock(&server.lock);
	while (!server.started)
		g_cond_wait(&server.ready, &server.lock);
	g_mutex_unlock(&server.lock);
}

gboolean quit_loop(gpointer)
{
	g_main_loop_quit(server.loop);
	return G_SOURCE_REMOVE;
}

void stop_server()
{
	g_main_context_invoke(server.ctx, quit_loop, nullptr);
	g_thread_join(server.thread);
	g_main_loop_unref(server.loop);
	g_main_context_unref(server.ctx);
}

/* A private cache directory, removed with what is in it. */
struct CacheDir {
	std::string path;
	CacheDir()
	{
		g_autofree gchar *p = g_dir_make_tmp("jtl-fetch-XXXXXX", nullptr);
		g_assert_nonnull(p);
		path = p;
	}
	~CacheDir()
	{
		for (const std::string &name : files())
			g_unlink((path + "/" + name).c_str());
		g_rmdir(path.c_str());
	}
	std::vector<std::string> files() const
	{
		std::vector<std::string> names;
		GDir *dir = g_dir_open(path.c_str(), 0, nullptr);
		g_assert_nonnull(dir);
		while (const char *name = g_dir_read_name(dir))
			names.push_back(name);
		g_dir_close(dir);
		return names;
	}
};

std::string contents(const std::string &path)
{
	gchar *data = nullptr;
	gsize size = 0;
	g_assert_true(g_file_get_contents(path.c_str(), &data, &size, nullptr));
	std::string s(data, size);
	g_free(data);
	return s;
}

/* An asset and, when used, a video item that plays it. */
void add_asset(Timeline &tl, const std::string &id, const std::string &location, bool used = true)
{
	Asset a;
	a.id = id;
	a.type = AssetType::Video;
	a.filename = "clip.mp4";
	a.remote_url = location;
	tl.assets[id] = a;
	if (!used)
		return;
	Item item;
	item.id = "item-" + id;
	item.type = ItemType::Video;
	item.duration = 1;
	MediaData media;
	media.asset_id = id;
	item.data = media;
	tl.items[item.id] = item;
}

bool contains(const std::string &haystack, const std::string &needle)
{
	return haystack.find(needle) != std::string::npos;
}

void test_file_arrives_once()
{
	CacheDir cache;
	FetchOptions options;
	options.cache_dir = cache.path;
	int before = hits("/file.png");
	Timeline tl;
	add_asset(tl, "a1", url("/file.png"));
	add_asset(tl, "a2", url("/file.png"));               /* the same URL: one request */
	add_asset(tl, "unused", url("/missing.mp4"), false); /* no item uses it */
	std::string error;
	g_assert_true(fetch_remote_assets(tl, options, &error));
	g_assert_cmpstr(error.c_str(), ==, "");
	const Asset &a1 = tl.assets["a1"];
	g_assert_true(g_str_has_prefix(a1.local_path.c_str(), cache.path.c_str()));
	g_assert_true(g_str_has_suffix(a1.local_path.c_str(), ".png"));
	g_assert_true(contents(a1.local_path) == server.body);
	g_assert_cmpstr(tl.assets["a2"].local_path.c_str(), ==, a1.local_path.c_str());
	g_assert_cmpstr(tl.assets["unused"].local_path.c_str(), ==, "");
	g_assert_cmpint(hits("/file.png"), ==, before + 1);
	g_assert_cmpint(hits("/missing.mp4"), ==, 0);
	g_assert_cmpuint(cache.files().size(), ==, 1); /* no temporary file left */
	std::string resolved = resolve_asset_path(a1, base("/nowhere"), &error);
	g_assert_cmpstr(resolved.c_str(), ==, a1.local_path.c_str());

	/* a second render of the same document: from the cache, no request */
	Timeline again;
	add_asset(again, "a1", url("/file.png"));
	g_assert_true(fetch_remote_assets(again, options, &error));
	g_assert_cmpstr(again.assets["a1"].local_path.c_str(), ==, a1.local_path.c_str());
	g_assert_cmpint(hits("/file.png"), ==, before + 1);

	/* more URLs than transfers at once: every one arrives, each under its own key */
	Timeline many;
	for (int i = 0; i < 9; i++)
		add_asset(many, "m" + std::to_string(i), url("/file.png?n=" + std::to_string(i)));
	g_assert_true(fetch_remote_assets(many, options, &error));
	for (const auto &entry : many.assets)
		g_assert_true(contents(entry.second.local_path) == server.body);
	g_assert_cmpint(hits("/file.png"), ==, before + 10);
	g_assert_cmpuint(cache.files().size(), ==, 10);
}

void test_redirect_followed()
{
	CacheDir cache;
	FetchOptions options;
	options.cache_dir = cache.path;
	int before = hits("/file.png");
	Timeline tl;
	add_asset(tl, "r", url("/redirect"));
	std::string error;
	g_assert_true(fetch_remote_assets(tl, options, &error));
	g_assert_true(contents(tl.assets["r"].local_path) == server.body);
	g_assert_cmpint(hits("/file.png"), ==, before + 1);
}

void expect_failure(const char *path, const FetchOptions &options, const char *cause)
{
	CacheDir cache;
	FetchOptions o = options;
	o.cache_dir = cache.path;
	Timeline tl;
	add_asset(tl, "bad", url(path));
	std::string error, json_path;
	g_test_message("%s", path);
	g_assert_false(fetch_remote_assets(tl, o, &error, &json_path));
	g_test_message("%s", error.c_str());
	g_assert_true(contains(error, "asset \"bad\""));
	g_assert_true(contains(error, url(path)));
	g_assert_true(contains(error, cause));
	g_assert_cmpstr(json_path.c_str(), ==, "/assets/bad/remoteUrl");
	g_assert_cmpstr(tl.assets["bad"].local_path.c_str(), ==, "");
	g_assert_cmpuint(cache.files().size(), ==, 0); /* the partial file is removed */
}

void test_failures()
{
	FetchOptions options;
	expect_failure("/missing", options, "HTTP 404 Not Found");

	int before = hits("/loop");
	options.max_redirects = 3;
	expect_failure("/loop", options, "too many redirects (more than 3)");
	g_assert_cmpint(hits("/loop"), ==, before + 4);
	options.max_redirects = 5;

	expect_failure("/to-ftp", options, "unsupported scheme \"ftp\"");

	options.max_bytes = 1000;
	expect_failure("/big", options,
	               "larger than the limit of 1000 bytes (Content-Length 2000)");
	expect_failure("/big-chunked", options, "larger than the limit of 1000 bytes");
	options.max_bytes = 1ull << 30;

	options.timeout_seconds = 1;
	gint64 t0 = g_get_monotonic_time();
	expect_failure("/trickle", options, "timed out after 1 s");
	gint64 elapsed = g_get_monotonic_time() - t0;
	g_assert_cmpint(elapsed, >=, G_USEC_PER_SEC);
	g_assert_cmpint(elapsed, <, 5 * G_USEC_PER_SEC);
}

/* Sets a file's modification time (its last use, to the cache) to seconds ago. */
void used_ago(const std::string &path, int seconds)
{
	struct timespec t[2];
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= seconds;
	t[1] = t[0];
	g_assert_cmpint(utimensat(AT_FDCWD, path.c_str(), t, 0), ==, 0);
}

/* The cache is bounded: the files used longest ago go first, the files of the call stay;
 * what a failed call downloaded goes again; partial downloads of dead processes go, those
 * in progress count. */
void test_cache_bounded()
{
	CacheDir cache;
	FetchOptions options;
	options.cache_dir = cache.path;
	const uint64_t file = server.body.size(), part = 100;
	options.cache_max_bytes = 3 * file + part;
	auto fetch = [&](const std::vector<std::string> &paths, std::vector<std::string> *local) {
		Timeline tl;
		for (std::size_t i = 0; i < paths.size(); i++)
			add_asset(tl, "a" + std::to_string(i), url(paths[i]));
		std::string error;
		bool ok = fetch_remote_assets(tl, options, &error);
		for (std::size_t i = 0; local && i < paths.size(); i++)
			local->push_back(tl.assets["a" + std::to_string(i)].local_path);
		return ok;
	};
	auto exists = [](const std::string &path) {
		return g_file_test(path.c_str(), G_FILE_TEST_EXISTS);
	};
	std::vector<std::string> p;
	g_assert_true(fetch({"/file.png?n=1", "/file.png?n=2", "/file.png?n=3"}, &p));
	g_assert_cmpuint(cache.files().size(), ==, 3);
	used_ago(p[0], 300);
	used_ago(p[1], 200);
	used_ago(p[2], 100);
	std::string stale = cache.path + "/dead.png.part-AAAAAA";
	std::string live = cache.path + "/busy.png.part-BBBBBB";
	std::string bytes(part, 'p');
	for (const std::string &f : {stale, live})
		g_assert_true(g_file_set_contents(f.c_str(), bytes.data(), gssize(part), nullptr));
	used_ago(stale, int(kStalePartSeconds) + 60);
	/* n=1 used again and n=4 new: over the bound by one file, the least recently used
	 * one (n=2) goes */
	g_assert_true(fetch({"/file.png?n=1", "/file.png?n=4"}, &p));
	g_assert_true(p[3] == p[0]);
	g_assert_true(exists(p[0]) && exists(p[2]) && exists(p[4]));
	g_assert_false(exists(p[1]));
	g_assert_false(exists(stale));
	g_assert_true(exists(live));
	g_assert_cmpuint(cache.files().size(), ==, 4);

	/* a call that fails (a transfer times out after another completed) leaves nothing */
	options.timeout_seconds = 1;
	g_assert_false(fetch({"/file.png?n=5", "/trickle"}, nullptr));
	std::set<std::string> want = {live, p[0], p[2], p[4]}, got;
	for (const std::string &name : cache.files())
		got.insert(cache.path + "/" + name);
	g_assert_true(got == want);
}

void test_refuse_private()
{
	int before = hits("/file.png");
	FetchOptions options;
	options.refuse_private = true;
	expect_failure("/file.png", options, "refused address 127.0.0.1 (loopback)");
	g_assert_cmpint(hits("/file.png"), ==, before); /* never connected */

	/* allow-listed: fetched */
	CacheDir cache;
	options.cache_dir = cache.path;
	options.allow_hosts = {"127.0.0.1"};
	Timeline tl;
	add_asset(tl, "ok", url("/file.png"));
	std::string error;
	g_assert_true(fetch_remote_assets(tl, options, &error));
	g_assert_true(contents(tl.assets["ok"].local_path) == server.body);

	/* a redirect from an allowed host to another name is checked again */
	before = hits("/file.png");
	expect_failure("/to-localhost", options, "refused address ");
	g_assert_cmpint(hits("/file.png"), ==, before);
}

void test_schemes()
{
	CacheDir cache;
	FetchOptions options;
	options.cache_dir = cache.path;
	for (const char *location :
	     {"ftp://127.0.0.1/clip.mp4", "data:video/mp4;base64,AAAA", "javascript:alert(1)"}) {
		Timeline tl;
		add_asset(tl, "odd", location);
		std::string error, json_path;
		g_assert_false(fetch_remote_assets(tl, options, &error, &json_path));
		g_test_message("%s", error.c_str());
		g_assert_true(contains(error, "asset \"odd\""));
		g_assert_true(contains(error, location));
		g_assert_true(
		        contains(error, "unsupported scheme \"" + url_scheme(location) + "\""));
		g_assert_cmpstr(json_path.c_str(), ==, "/assets/odd/remoteUrl");
		std::string resolve_error;
		std::string resolved =
		        resolve_asset_path(tl.assets["odd"], base(cache.path), &resolve_error);
		g_assert_cmpstr(resolved.c_str(), ==, "");
		g_assert_true(contains(resolve_error, "unsupported URL scheme"));
	}
	g_assert_true(url_scheme("HTTPS://example.com/a.png") == "https");
	g_assert_true(url_scheme("media/a.png").empty());
	g_assert_true(url_scheme("/abs/a.png").empty());

	/* file:// URIs and relative paths are left to resolve_asset_path(), as before */
	std::string local = cache.path + "/local.png";
	g_assert_true(g_file_set_contents(local.c_str(), "png", 3, nullptr));
	g_autofree gchar *uri = g_filename_to_uri(local.c_str(), nullptr, nullptr);
	Timeline tl;
	add_asset(tl, "uri", uri);
	add_asset(tl, "relative", "local.png");
	std::string error;
	g_assert_true(fetch_remote_assets(tl, options, &error));
	g_assert_cmpstr(tl.assets["uri"].local_path.c_str(), ==, "");
	std::string resolved = resolve_asset_path(tl.assets["uri"], base(""), &error);
	g_assert_cmpstr(resolved.c_str(), ==, local.c_str());
	resolved = resolve_asset_path(tl.assets["relative"], base(cache.path), &error);
	g_assert_cmpstr(resolved.c_str(), ==, local.c_str());

	/* an http(s) asset that was not fetched still says so */
	Timeline remote;
	add_asset(remote, "r", url("/file.png"));
	resolved = resolve_asset_path(remote.assets["r"], base(""), &error);
	g_assert_cmpstr(resolved.c_str(), ==, "");
	g_assert_true(contains(error, "must be fetched"));
}

void test_background()
{
	CacheDir cache;
	FetchOptions options;
	options.cache_dir = cache.path;
	Timeline tl;
	tl.background.type = GlobalBackground::Type::Image;
	tl.background.image_url = url("/file.png");
	std::string error, json_path;
	g_assert_true(fetch_remote_assets(tl, options, &error));
	g_assert_true(contents(tl.background.image_local_path) == server.body);

	/* imageAssetId's asset, used by no item, is fetched for the background */
	Timeline by_asset;
	add_asset(by_asset, "bg", url("/missing.png"), false);
	by_asset.background.type = GlobalBackground::Type::Image;
	by_asset.background.image_asset_id = "bg";
	g_assert_false(fetch_remote_assets(by_asset, options, &error, &json_path));
	g_assert_true(contains(error, "asset \"bg\""));
	g_assert_true(contains(error, "HTTP 404"));

	Timeline by_url;
	by_url.background.type = GlobalBackground::Type::Image;
	by_url.background.image_url = url("/missing.png");
	g_assert_false(fetch_remote_assets(by_url, options, &error, &json_path));
	g_assert_true(contains(error, "globalBackground imageUrl"));
	g_assert_cmpstr(json_path.c_str(), ==, "/globalBackground/imageUrl");
}

void test_address_is_private()
{
	struct {
		const char *address;
		bool refused;
	} cases[] = {
	        {"127.0.0.1", true},
	        {"127.8.9.10", true},
	        {"10.1.2.3", true},
	        {"172.16.0.1", true},
	        {"172.31.255.255", true},
	        {"172.32.0.1", false},
	        {"192.168.1.1", true},
	        {"169.254.169.254", true},
	        {"100.64.0.1", true},
	        {"0.0.0.0", true},
	        {"224.0.0.1", true},
	        {"255.255.255.255", true},
	        {"8.8.8.8", false},
	        {"93.184.216.34", false},
	        {"::1", true},
	        {"::", true},
	        {"fe80::1", true},
	        {"fd00:ec2::254", true},
	        {"fc00::1", true},
	        {"ff02::1", true},
	        {"::ffff:127.0.0.1", true},
	        {"::ffff:10.0.0.1", true},
	        {"::ffff:8.8.8.8", false},
	        {"64:ff9b::a00:1", true},
	        {"2001:db8::1", false},
	        {"2606:4700::1111", false},
	        {"not an address", true},
	};
	for (const auto &c : cases) {
		std::string reason;
		g_test_message("%s", c.address);
		g_assert_cmpint(address_is_private(c.address, &reason), ==, c.refused);
		g_assert_true(c.refused ? !reason.empty() : reason.empty());
	}
	std::string reason;
	address_is_private("169.254.169.254", &reason);
	g_assert_true(contains(reason, "metadata"));
}

} /* namespace */

int main(int argc, char **argv)
{
	/* the server is on 127.0.0.1: no proxy in between */
	for (const char *name : {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
	                         "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"})
		g_unsetenv(name);
	g_setenv("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
	g_test_init(&argc, &argv, nullptr);
	start_server();
	g_test_add_func("/fetch/file-arrives-once", test_file_arrives_once);
	g_test_add_func("/fetch/redirect-followed", test_redirect_followed);
	g_test_add_func("/fetch/failures", test_failures);
	g_test_add_func("/fetch/cache-bounded", test_cache_bounded);
	g_test_add_func("/fetch/refuse-private", test_refuse_private);
	g_test_add_func("/fetch/schemes", test_schemes);
	g_test_add_func("/fetch/background", test_background);
	g_test_add_func("/fetch/address-is-private", test_address_is_private);
	int ret = g_test_run();
	stop_server();
	return ret;
}
