// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the service's task hook: called on every transition with the task's snapshot.
#include <csignal>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <unistd.h>

#include <jsontimeline/serve.h>

namespace {

const char kRequest[] =
        R"({"editorState":{"timebaseTicksPerSecond":240000,"compositionWidth":160,)"
        R"("compositionHeight":120,"outputRatio":"custom","globalBackground":{"type":"none"},)"
        R"("tracks":[{"id":"t","items":["s"],"hidden":false,"muted":false}],"assets":{},)"
        R"("items":{"s":{"id":"s","type":"text","text":"Hook","color":"#ffffff","top":30,)"
        R"("left":20,"width":120,"height":40,"align":"center","opacity":1,"rotation":0,)"
        R"("fontFamily":"Roboto","fontSize":24,"lineHeight":1.2,"letterSpacing":0,)"
        R"("resizeOnEdit":true,"direction":"ltr","fontStyle":{"variant":"normal",)"
        R"("weight":"400"},"isDraggingInTimeline":false,"strokeWidth":0,)"
        R"("strokeColor":"#000000","background":null,"startTicks":0,"durationTicks":120000}},)"
        R"("transitions":{},"deletedAssets":[]},"fps":30,"ratio":"custom","scale":1,)"
        R"("format":"mp4","callbackUrl":"https://example.com/hook",)"
        R"("callbackHeaders":{"x-token":"abc"}})";

struct Seen {
	std::mutex lock;
	std::vector<std::string> states;    /* guarded by lock */
	std::vector<std::string> snapshots; /* guarded by lock */
	std::string callback_url, callback_headers;
};

guint16 free_port()
{
	g_autoptr(GSocket) s = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
	                                    G_SOCKET_PROTOCOL_TCP, nullptr);
	g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
	g_assert_true(g_socket_bind(s, any, TRUE, nullptr));
	g_autoptr(GSocketAddress) bound = g_socket_get_local_address(s, nullptr);
	return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
}

struct Client {
	std::string url;
	Seen *seen;
	int status = 0;
};

gpointer client_thread(gpointer data)
{
	Client *c = static_cast<Client *>(data);
	g_autoptr(SoupSession) session = soup_session_new();
	for (int attempt = 0; attempt < 500; attempt++) {
		g_autoptr(SoupMessage) msg =
		        soup_message_new("POST", (c->url + "/v1/exports").c_str());
		soup_message_headers_append(soup_message_get_request_headers(msg), "x-api-key",
		                            "hook-key");
		g_autoptr(GBytes) body = g_bytes_new_static(kRequest, sizeof kRequest - 1);
		soup_message_set_request_body_from_bytes(msg, "application/json", body);
		g_autoptr(GError) error = nullptr;
		g_autoptr(GBytes) reply = soup_session_send_and_read(session, msg, nullptr, &error);
		if (reply) {
			c->status = soup_message_get_status(msg);
			break;
		}
		g_usleep(20000); /* the server is not listening yet */
	}
	for (int i = 0; c->status == 201 && i < 3000; i++) {
		{
			std::lock_guard<std::mutex> g(c->seen->lock);
			if (!c->seen->states.empty() && (c->seen->states.back() == "COMPLETED" ||
			                                 c->seen->states.back() == "FAILED"))
				break;
		}
		g_usleep(20000);
	}
	kill(getpid(), SIGTERM);
	return nullptr;
}

void test_hook()
{
	g_autofree char *dir = g_dir_make_tmp("jtl-hook-XXXXXX", nullptr);
	std::string script = std::string(dir) + "/render.sh";
	g_assert_true(g_file_set_contents(script.c_str(), "#!/bin/sh\nprintf video > \"$4\"\n", -1,
	                                  nullptr));
	g_chmod(script.c_str(), 0755);

	Seen seen;
	jtl::ServeOptions o;
	guint16 port = free_port();
	o.listen = "127.0.0.1:" + std::to_string(port);
	o.data_dir = std::string(dir) + "/data";
	o.keys.push_back({jtl::sha256_hex("hook-key"), "key_hook", "whsec"});
	o.workers = 1;
	o.render_program = script;
	o.on_task = [&](const jtl::StoredTask &t, const std::string &snapshot) {
		std::lock_guard<std::mutex> g(seen.lock);
		seen.states.push_back(t.status);
		seen.snapshots.push_back(snapshot);
		seen.callback_url = t.callback_url;
		seen.callback_headers = t.callback_headers;
	};
	Client client{"http://127.0.0.1:" + std::to_string(port), &seen};
	GThread *thread = g_thread_new("client", client_thread, &client);
	g_autoptr(GError) error = nullptr;
	g_assert_true(jtl::run_server(o, &error));
	g_thread_join(thread);

	g_assert_cmpint(client.status, ==, 201);
	std::lock_guard<std::mutex> g(seen.lock);
	g_assert_cmpuint(seen.states.size(), ==, 3);
	g_assert_true(seen.states[0] == "PENDING");
	g_assert_true(seen.states[1] == "PROCESSING");
	g_assert_true(seen.states[2] == "COMPLETED");
	g_assert_true(seen.callback_url == "https://example.com/hook");
	g_assert_true(seen.callback_headers == R"({"x-token":"abc"})");
	/* the snapshot is an ExportTask: parse it back */
	g_autoptr(JsonParser) parser = json_parser_new();
	g_assert_true(json_parser_load_from_data(parser, seen.snapshots[2].c_str(), -1, nullptr));
	JsonObject *task = json_node_get_object(json_parser_get_root(parser));
	g_assert_cmpstr(json_object_get_string_member(task, "status"), ==, "COMPLETED");
	g_assert_cmpstr(json_object_get_string_member(task, "createdByApiKeyId"), ==, "key_hook");
	g_assert_cmpfloat(json_object_get_double_member(task, "progress"), ==, 1.0);
	const char *url = json_object_get_string_member(task, "outputUrl");
	g_assert_nonnull(strstr(url, "/download?expires="));
	g_assert_cmpstr(json_object_get_string_member(task, "callbackUrl"), ==,
	                "https://example.com/hook");
}

} /* namespace */

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/serve/task-hook", test_hook);
	return g_test_run();
}
