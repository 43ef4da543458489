// SPDX-License-Identifier: LGPL-2.1-or-later
// Webhooks: signature, delivery, retries, redirects, restart survival and the address guard.
#include <jsontimeline/webhooks.h>

#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

using namespace jtl;

/* g_assert_cmpstr on copies: the arguments may be c_str() of temporaries */
#define CHECK_STR(a, cmp, b)                                                                       \
	do {                                                                                       \
		std::string check_a_ = (a), check_b_ = (b);                                        \
		g_assert_cmpstr(check_a_.c_str(), cmp, check_b_.c_str());                          \
	} while (0)

namespace {

/* One request the receiver got. */
struct Request {
	std::string path, body;
	std::map<std::string, std::string> headers; /* names lowercase */
	gint64 mono = 0;
};

struct Receiver {
	SoupServer *soup = nullptr;
	std::string base; /* http://127.0.0.1:PORT */
	std::vector<Request> requests;
	int flaky = 0;     /* /flaky answers 500 while this is below 2 */
	int hang_once = 0; /* /hang-once never answers the first request */
} receiver;

std::string tmp_dir;
int db_counter = 0;

void handle(SoupServer *, SoupServerMessage *msg, const char *path, GHashTable *, gpointer)
{
	Request r;
	r.path = path;
	r.mono = g_get_monotonic_time();
	SoupMessageHeadersIter it;
	soup_message_headers_iter_init(&it, soup_server_message_get_request_headers(msg));
	const char *name, *value;
	while (soup_message_headers_iter_next(&it, &name, &value)) {
		g_autofree gchar *lower = g_ascii_strdown(name, -1);
		r.headers[lower] = value;
	}
	g_autoptr(GBytes) body =
	        soup_message_body_flatten(soup_server_message_get_request_body(msg));
	gsize size = 0;
	const char *data = static_cast<const char *>(g_bytes_get_data(body, &size));
	r.body.assign(data ? data : "", size);
	receiver.requests.push_back(r);

	std::string p = path;
	if (p == "/ok") {
		soup_server_message_set_status(msg, SOUP_STATUS_OK, nullptr);
		soup_server_message_set_response(msg, "text/plain", SOUP_MEMORY_COPY, "thanks", 6);
	} else if (p == "/flaky") {
		soup_server_message_set_status(
		        msg,
		        receiver.flaky++ < 2 ? SOUP_STATUS_INTERNAL_SERVER_ERROR : SOUP_STATUS_OK,
		        nullptr);
	} else if (p == "/hang" || (p == "/hang-once" && receiver.hang_once++ == 0)) {
		soup_server_message_pause(msg); /* no answer: the client gives up */
	} else if (p == "/hang-once") {
		soup_server_message_set_status(msg, SOUP_STATUS_NO_CONTENT, nullptr);
	} else if (p == "/redirect") {
		soup_server_message_set_status(msg, SOUP_STATUS_FOUND, nullptr);
		std::string to = receiver.base + "/ok";
		soup_message_headers_replace(soup_server_message_get_response_headers(msg),
		                             "Location", to.c_str());
	} else {
		soup_server_message_set_status(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, nullptr);
	}
}

int hits(const std::string &path)
{
	int n = 0;
	for (const Request &r : receiver.requests)
		n += r.path == path;
	return n;
}

std::string new_db()
{
	return tmp_dir + "/outbox-" + std::to_string(++db_counter) + ".db";
}

gboolean on_guard(gpointer data)
{
	*static_cast<bool *>(data) = true;
	return G_SOURCE_REMOVE;
}

/* Runs the default context until cond() holds; false after 20 s without it. */
bool wait_for(const std::function<bool()> &cond)
{
	bool expired = false;
	GSource *guard = g_timeout_source_new_seconds(20);
	g_source_set_callback(guard, on_guard, &expired, nullptr);
	g_source_attach(guard, nullptr);
	while (!cond() && !expired)
		g_main_context_iteration(nullptr, TRUE);
	g_source_destroy(guard);
	g_source_unref(guard);
	return cond();
}

/* The parsed delivery log of a task. */
struct Log {
	JsonParser *parser = json_parser_new();
	Log(const WebhookSender &s, const std::string &task)
	{
		std::string text = s.deliveries_json(task);
		g_assert_true(json_parser_load_from_data(parser, text.c_str(), -1, nullptr));
	}
	~Log() { g_object_unref(parser); }
	JsonArray *events() const
	{
		return json_object_get_array_member(
		        json_node_get_object(json_parser_get_root(parser)), "events");
	}
	JsonObject *event(guint i) const { return json_array_get_object_element(events(), i); }
	JsonObject *delivery(guint e, guint i) const
	{
		return json_array_get_object_element(
		        json_object_get_array_member(event(e), "deliveries"), i);
	}
	std::string state(guint e = 0) const
	{
		return json_object_get_string_member(event(e), "state");
	}
	guint deliveries(guint e = 0) const
	{
		return json_array_get_length(json_object_get_array_member(event(e), "deliveries"));
	}
};

std::string state_of(const WebhookSender &s, const std::string &task)
{
	Log log(s, task);
	return json_array_get_length(log.events()) ? log.state() : "";
}

WebhookOptions test_options(std::vector<double> schedule)
{
	WebhookOptions o;
	o.db_path = new_db();
	o.allow_hosts = {"127.0.0.1"};
	o.refuse_private = true;
	o.schedule_seconds = std::move(schedule);
	o.attempt_timeout = 5;
	o.jitter = 0; /* exact delays; test_jitter has its own */
	return o;
}

const char *const kTask = R"({"taskId":"t1","status":"COMPLETED","progress":100,)"
                          R"("outputUrl":"https://cdn.example/out.mp4","callbackUrl":null})";

void test_signature_vector()
{
	/* computed independently: Python's hmac.new(b"whsec_test",
	 * b'1700000000.{"eventType":"EXPORT_COMPLETED"}', hashlib.sha256).hexdigest() */
	CHECK_STR(
	        webhook_signature("whsec_test", "1700000000", R"({"eventType":"EXPORT_COMPLETED"})")
	                .c_str(),
	        ==, "e71e7ee07c45dafbae5a261ea54406edde2d35b857c710a2e372ac1fc2398f0e");
	CHECK_STR(
	        webhook_signature("whsec_tesT", "1700000000", R"({"eventType":"EXPORT_COMPLETED"})")
	                .c_str(),
	        !=, "e71e7ee07c45dafbae5a261ea54406edde2d35b857c710a2e372ac1fc2398f0e");
	g_assert_cmpuint(webhook_default_schedule().size(), ==, 10);
	double total = 0;
	for (double d : webhook_default_schedule())
		total += d;
	g_assert_cmpfloat(total, >, 20 * 3600);
	g_assert_cmpfloat(total, <, 25 * 3600);
}

void test_delivered_signed()
{
	receiver.requests.clear();
	WebhookSender sender(test_options({0.1}));
	g_assert_true(sender.ok());
	std::string id = sender.enqueue(
	        "t1", "EXPORT_COMPLETED", kTask, receiver.base + "/ok",
	        {{"Authorization", "Bearer abc"}, {"X-Indream-Signature", "forged"}}, "whsec_key1");
	CHECK_STR(id.substr(0, 4).c_str(), ==, "evt_");
	gint64 before = g_get_real_time() / G_USEC_PER_SEC;
	sender.start(g_main_context_default());
	g_assert_true(wait_for([&] { return state_of(sender, "t1") == "delivered"; }));
	g_assert_cmpint(hits("/ok"), ==, 1);
	const Request &r = receiver.requests[0];

	/* the body: the event and the task snapshot as given */
	g_autoptr(JsonParser) p = json_parser_new();
	g_assert_true(json_parser_load_from_data(p, r.body.c_str(), -1, nullptr));
	JsonObject *o = json_node_get_object(json_parser_get_root(p));
	CHECK_STR(json_object_get_string_member(o, "eventType"), ==, "EXPORT_COMPLETED");
	g_assert_true(g_str_has_suffix(json_object_get_string_member(o, "occurredAt"), "Z"));
	JsonObject *task = json_object_get_object_member(o, "task");
	CHECK_STR(json_object_get_string_member(task, "taskId"), ==, "t1");
	CHECK_STR(json_object_get_string_member(task, "outputUrl"), ==,
	          "https://cdn.example/out.mp4");

	/* the headers: callbackHeaders, the event id, a fresh timestamp, the signature */
	auto h = r.headers;
	CHECK_STR(h["content-type"].c_str(), ==, "application/json");
	CHECK_STR(h["authorization"].c_str(), ==, "Bearer abc");
	CHECK_STR(h["x-indream-event-id"].c_str(), ==, id.c_str());
	CHECK_STR(h["x-indream-event-type"].c_str(), ==, "EXPORT_COMPLETED");
	gint64 ts = g_ascii_strtoll(h["x-indream-timestamp"].c_str(), nullptr, 10);
	g_assert_cmpint(ts, >=, before);
	g_assert_cmpint(ts, <=, before + 30);
	/* verified as a receiver does, on the raw body received */
	std::string signed_text = h["x-indream-timestamp"] + "." + r.body;
	g_autofree gchar *expected = g_compute_hmac_for_string(
	        G_CHECKSUM_SHA256, reinterpret_cast<const guchar *>("whsec_key1"), 10,
	        signed_text.c_str(), gssize(signed_text.size()));
	CHECK_STR(h["x-indream-signature"].c_str(), ==, expected);

	Log log(sender, "t1");
	g_assert_cmpuint(log.deliveries(), ==, 1);
	CHECK_STR(json_object_get_string_member(log.event(0), "eventId"), ==, id.c_str());
	g_assert_cmpint(json_object_get_int_member(log.delivery(0, 0), "statusCode"), ==, 200);
	g_assert_true(json_object_get_null_member(log.delivery(0, 0), "error"));
	g_assert_true(json_object_get_null_member(log.event(0), "nextAttemptAt"));
	CHECK_STR(json_object_get_string_member(log.delivery(0, 0), "outcome"), ==, "delivered");
	sender.stop();
	g_assert_cmpint(hits("/ok"), ==, 1);
}

void test_retries()
{
	receiver.requests.clear();
	receiver.flaky = 0;
	WebhookSender sender(test_options({0.1, 0.2, 0.1}));
	std::string id = sender.enqueue("t2", "EXPORT_STARTED", R"({"taskId":"t2"})",
	                                receiver.base + "/flaky", {}, "s");
	sender.start(g_main_context_default());
	g_assert_true(wait_for([&] { return state_of(sender, "t2") == "delivered"; }));
	g_assert_cmpint(hits("/flaky"), ==, 3);
	/* the same event id each time; the schedule's delays between attempts */
	for (const Request &r : receiver.requests)
		CHECK_STR(r.headers.at("x-indream-event-id").c_str(), ==, id.c_str());
	g_assert_cmpint(receiver.requests[1].mono - receiver.requests[0].mono, >=, 100000);
	g_assert_cmpint(receiver.requests[2].mono - receiver.requests[1].mono, >=, 200000);
	Log log(sender, "t2");
	g_assert_cmpuint(log.deliveries(), ==, 3);
	g_assert_cmpint(json_object_get_int_member(log.event(0), "attempts"), ==, 3);
	const gint64 codes[] = {500, 500, 200};
	const char *outcomes[] = {"failed", "failed", "delivered"};
	for (guint i = 0; i < 3; i++) {
		JsonObject *d = log.delivery(0, i);
		g_assert_cmpint(json_object_get_int_member(d, "attempt"), ==, i + 1);
		g_assert_cmpint(json_object_get_int_member(d, "statusCode"), ==, codes[i]);
		CHECK_STR(json_object_get_string_member(d, "outcome"), ==, outcomes[i]);
		g_assert_true(json_object_has_member(d, "durationMs"));
	}
	g_assert_nonnull(strstr(json_object_get_string_member(log.delivery(0, 0), "error"), "500"));

	/* a receiver that never succeeds: the schedule runs out, the event fails for good */
	std::string id2 = sender.enqueue("t3", "EXPORT_FAILED", R"({"taskId":"t3"})",
	                                 receiver.base + "/down", {}, "s");
	CHECK_STR(id2.c_str(), !=, id.c_str());
	g_assert_true(wait_for([&] { return state_of(sender, "t3") == "failed"; }));
	g_assert_cmpint(hits("/down"), ==, 4);
	Log log3(sender, "t3");
	g_assert_cmpuint(log3.deliveries(), ==, 4);
	g_assert_true(json_object_get_null_member(log3.event(0), "nextAttemptAt"));
}

void test_redirect_not_followed()
{
	receiver.requests.clear();
	WebhookSender sender(test_options({0.05}));
	sender.enqueue("t4", "EXPORT_COMPLETED", R"({"taskId":"t4"})", receiver.base + "/redirect",
	               {}, "s");
	sender.start(g_main_context_default());
	g_assert_true(wait_for([&] { return state_of(sender, "t4") == "failed"; }));
	g_assert_cmpint(hits("/redirect"), ==, 2);
	g_assert_cmpint(hits("/ok"), ==, 0);
	Log log(sender, "t4");
	g_assert_cmpint(json_object_get_int_member(log.delivery(0, 0), "statusCode"), ==, 302);
	g_assert_nonnull(strstr(json_object_get_string_member(log.delivery(0, 0), "error"),
	                        "redirect not followed"));
}

void test_restart()
{
	receiver.requests.clear();
	WebhookOptions o = test_options({0.05});
	std::string id;
	{
		WebhookSender first(o);
		id = first.enqueue("t5", "EXPORT_COMPLETED", R"({"taskId":"t5"})",
		                   receiver.base + "/ok", {}, "s");
		CHECK_STR(state_of(first, "t5").c_str(), ==, "pending");
	} /* destroyed before delivering: never started */
	while (g_main_context_iteration(nullptr, FALSE)) {
	}
	g_assert_cmpint(hits("/ok"), ==, 0);
	WebhookSender second(o);
	CHECK_STR(state_of(second, "t5").c_str(), ==, "pending");
	second.start(g_main_context_default());
	g_assert_true(wait_for([&] { return state_of(second, "t5") == "delivered"; }));
	g_assert_cmpint(hits("/ok"), ==, 1);
	CHECK_STR(receiver.requests[0].headers["x-indream-event-id"].c_str(), ==, id.c_str());
	second.stop();

	/* a third sender on the outbox finds it delivered and sends nothing */
	WebhookSender third(o);
	third.start(g_main_context_default());
	for (int i = 0; i < 20; i++)
		g_main_context_iteration(nullptr, FALSE);
	third.stop();
	g_assert_cmpint(hits("/ok"), ==, 1);
	CHECK_STR(state_of(third, "t5").c_str(), ==, "delivered");
}

void test_timeout()
{
	receiver.requests.clear();
	WebhookOptions o = test_options({0.05});
	o.attempt_timeout = 0.3;
	WebhookSender sender(o);
	sender.enqueue("t8", "EXPORT_COMPLETED", R"({"taskId":"t8"})", receiver.base + "/hang", {},
	               "s");
	sender.start(g_main_context_default());
	g_assert_true(wait_for([&] { return state_of(sender, "t8") == "failed"; }));
	g_assert_cmpint(hits("/hang"), ==, 2);
	Log log(sender, "t8");
	JsonObject *d = log.delivery(0, 0);
	CHECK_STR(json_object_get_string_member(d, "outcome"), ==, "timeout");
	g_assert_cmpint(json_object_get_int_member(d, "durationMs"), >=, 300);
	g_assert_cmpint(json_object_get_int_member(d, "durationMs"), <, 5000);
}

/* stop() during an attempt: nothing is logged, the next sender makes it again */
void test_stop_in_flight()
{
	receiver.requests.clear();
	receiver.hang_once = 0;
	WebhookOptions o = test_options({0.05});
	std::string id;
	{
		WebhookSender first(o);
		id = first.enqueue("t9", "EXPORT_COMPLETED", R"({"taskId":"t9"})",
		                   receiver.base + "/hang-once", {}, "s");
		first.start(g_main_context_default());
		g_assert_true(wait_for([&] { return hits("/hang-once") == 1; }));
		first.stop();
		Log log(first, "t9");
		CHECK_STR(log.state(), ==, "pending");
		g_assert_cmpuint(log.deliveries(), ==, 0);
	}
	WebhookSender second(o);
	second.start(g_main_context_default());
	g_assert_true(wait_for([&] { return state_of(second, "t9") == "delivered"; }));
	g_assert_cmpint(hits("/hang-once"), ==, 2);
	CHECK_STR(receiver.requests[1].headers["x-indream-event-id"], ==, id);
	Log log(second, "t9");
	g_assert_cmpuint(log.deliveries(), ==, 1);
	g_assert_cmpint(json_object_get_int_member(log.delivery(0, 0), "statusCode"), ==, 204);
}

void test_refused_private()
{
	receiver.requests.clear();
	WebhookOptions o = test_options({0.05});
	o.allow_hosts.clear(); /* 127.0.0.1 is loopback: refused at connect time */
	WebhookSender sender(o);
	sender.enqueue("t6", "EXPORT_COMPLETED", R"({"taskId":"t6"})", receiver.base + "/ok", {},
	               "s");
	sender.start(g_main_context_default());
	g_assert_true(wait_for([&] { return state_of(sender, "t6") == "failed"; }));
	g_assert_cmpint(int(receiver.requests.size()), ==, 0);
	Log log(sender, "t6");
	g_assert_cmpuint(log.deliveries(), ==, 2);
	JsonObject *d = log.delivery(0, 0);
	CHECK_STR(json_object_get_string_member(d, "outcome"), ==, "refused");
	g_assert_true(json_object_get_null_member(d, "statusCode"));
	g_assert_nonnull(strstr(json_object_get_string_member(d, "error"), "127.0.0.1 (loopback)"));

	/* by name too: localhost resolves to loopback */
	std::string port = receiver.base.substr(receiver.base.rfind(':'));
	sender.enqueue("t7", "EXPORT_COMPLETED", R"({"taskId":"t7"})",
	               "http://localhost" + port + "/ok", {}, "s");
	g_assert_true(wait_for([&] { return state_of(sender, "t7") == "failed"; }));
	g_assert_cmpint(int(receiver.requests.size()), ==, 0);
}

void test_bad_input()
{
	WebhookSender sender(test_options({}));
	g_autoptr(GError) error = nullptr;
	CHECK_STR(sender.enqueue("t", "EXPORT_DONE", "{}", "https://a.example/", {}, "s", &error)
	                  .c_str(),
	          ==, "");
	g_assert_nonnull(strstr(error->message, "unknown event type"));
	g_clear_error(&error);
	CHECK_STR(sender.enqueue("t", "EXPORT_STARTED", "{}", "ftp://a.example/", {}, "s", &error)
	                  .c_str(),
	          ==, "");
	g_assert_nonnull(strstr(error->message, "unsupported scheme"));
	g_clear_error(&error);
	CHECK_STR(
	        sender.enqueue("t", "EXPORT_STARTED", "[1]", "https://a.example/", {}, "s", &error)
	                .c_str(),
	        ==, "");
	g_assert_nonnull(strstr(error->message, "not a JSON object"));
	g_clear_error(&error);
	CHECK_STR(webhook_url_error("https://user:pw@a.example/").c_str(), !=, "");
	CHECK_STR(webhook_url_error("http://a.example:8080/hook?x=1").c_str(), ==, "");
	/* event ids are unique */
	std::string a = sender.enqueue("t", "EXPORT_STARTED", "{}", "https://a.example/", {}, "s");
	std::string b = sender.enqueue("t", "EXPORT_STARTED", "{}", "https://a.example/", {}, "s");
	CHECK_STR(a.c_str(), !=, "");
	CHECK_STR(a.c_str(), !=, b.c_str());
	Log log(sender, "t");
	g_assert_cmpuint(json_array_get_length(log.events()), ==, 2);
	CHECK_STR(log.state(0).c_str(), ==, "pending");

	/* an outbox that cannot be opened */
	WebhookOptions bad;
	bad.db_path = tmp_dir + "/missing/dir/outbox.db";
	WebhookSender broken(bad, &error);
	g_assert_false(broken.ok());
	g_assert_nonnull(strstr(error->message, "webhook outbox"));
}

} /* namespace */

static gint64 iso_ms(JsonObject *o, const char *member)
{
	g_autoptr(GDateTime) t =
	        g_date_time_new_from_iso8601(json_object_get_string_member(o, member), nullptr);
	g_assert_nonnull(t);
	return g_date_time_to_unix(t) * 1000 + g_date_time_get_microsecond(t) / 1000;
}

/* Retries of events that failed together are spread: each delay is the schedule's one
 * scaled by a factor within [1 - jitter, 1 + jitter]. */
static void test_jitter()
{
	WebhookOptions o = test_options({2.0});
	o.jitter = 0.5;
	WebhookSender sender(o);
	std::vector<std::string> tasks;
	for (int i = 0; i < 12; i++) {
		tasks.push_back("tj" + std::to_string(i));
		sender.enqueue(tasks.back(), "EXPORT_FAILED", R"({"taskId":"tj"})",
		               receiver.base + "/down", {}, "s");
	}
	sender.start(g_main_context_default());
	g_assert_true(wait_for([&] {
		for (const std::string &t : tasks)
			if (Log(sender, t).deliveries() < 1)
				return false;
		return true;
	}));
	gint64 lo = G_MAXINT64, hi = 0;
	for (const std::string &t : tasks) {
		Log log(sender, t);
		g_assert_cmpuint(log.deliveries(), ==, 1);
		/* from the end of the attempt (attemptedAt is its start) */
		gint64 delay = iso_ms(log.event(0), "nextAttemptAt") -
		               iso_ms(log.delivery(0, 0), "attemptedAt") -
		               json_object_get_int_member(log.delivery(0, 0), "durationMs");
		g_assert_cmpint(delay, >=, 1000 - 50);
		g_assert_cmpint(delay, <=, 3000 + 50);
		lo = std::min(lo, delay);
		hi = std::max(hi, delay);
	}
	g_assert_cmpint(hi - lo, >, 200); /* twelve draws from two seconds are not together */
}

/* A final event's secret is dropped at once (its next_ms is NULL); finished events older than
 * keep_finished_seconds are deleted (at start, then hourly), pending ones are kept. */
static void test_purge()
{
	receiver.requests.clear();
	WebhookOptions o = test_options({30.0});
	o.keep_finished_seconds = 0.5;
	{
		WebhookSender sender(o);
		sender.enqueue("tp1", "EXPORT_COMPLETED", kTask, receiver.base + "/ok", {},
		               "whsec_purge_me");
		sender.enqueue("tp2", "EXPORT_COMPLETED", kTask, receiver.base + "/down", {},
		               "whsec_still_needed");
		sender.start(g_main_context_default());
		g_assert_true(wait_for([&] {
			return state_of(sender, "tp1") == "delivered" &&
			       Log(sender, "tp2").deliveries() == 1;
		}));
		sqlite3 *db = nullptr;
		g_assert_cmpint(sqlite3_open(o.db_path.c_str(), &db), ==, SQLITE_OK);
		sqlite3_stmt *st = nullptr;
		sqlite3_prepare_v2(
		        db,
		        "SELECT task_id, secret || CASE WHEN next_ms IS NULL THEN"
		        " ' (no next_ms)' ELSE '' END FROM webhook_events ORDER BY task_id",
		        -1, &st, nullptr);
		std::vector<std::string> rows;
		while (sqlite3_step(st) == SQLITE_ROW)
			rows.push_back(std::string(reinterpret_cast<const char *>(
			                       sqlite3_column_text(st, 0))) +
			               "=" +
			               reinterpret_cast<const char *>(sqlite3_column_text(st, 1)));
		sqlite3_finalize(st);
		sqlite3_close(db);
		g_assert_cmpuint(rows.size(), ==, 2);
		CHECK_STR(rows[0], ==, "tp1= (no next_ms)"); /* final: not due again */
		CHECK_STR(rows[1], ==, "tp2=whsec_still_needed");
		sender.stop();
	}
	g_usleep(600 * 1000);
	WebhookSender again(o);
	again.start(g_main_context_default());
	g_main_context_iteration(nullptr, FALSE);
	g_assert_true(wait_for([&] { return state_of(again, "tp1").empty(); }));
	g_assert_cmpuint(Log(again, "tp2").deliveries(), ==, 1); /* pending: kept */
	CHECK_STR(state_of(again, "tp2"), ==, "pending");
	again.stop();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_autofree gchar *dir = g_dir_make_tmp("jtl-webhooks-XXXXXX", nullptr);
	tmp_dir = dir;

	receiver.soup = soup_server_new(nullptr, nullptr);
	soup_server_add_handler(receiver.soup, nullptr, handle, nullptr, nullptr);
	g_autoptr(GError) error = nullptr;
	g_assert_true(
	        soup_server_listen_local(receiver.soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
	GSList *uris = soup_server_get_uris(receiver.soup);
	receiver.base = "http://127.0.0.1:" +
	                std::to_string(g_uri_get_port(static_cast<GUri *>(uris->data)));
	g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));

	g_test_add_func("/webhooks/signature-vector", test_signature_vector);
	g_test_add_func("/webhooks/delivered-signed", test_delivered_signed);
	g_test_add_func("/webhooks/retries", test_retries);
	g_test_add_func("/webhooks/jitter", test_jitter);
	g_test_add_func("/webhooks/purge", test_purge);
	g_test_add_func("/webhooks/redirect-not-followed", test_redirect_not_followed);
	g_test_add_func("/webhooks/restart", test_restart);
	g_test_add_func("/webhooks/timeout", test_timeout);
	g_test_add_func("/webhooks/stop-in-flight", test_stop_in_flight);
	g_test_add_func("/webhooks/refused-private", test_refused_private);
	g_test_add_func("/webhooks/bad-input", test_bad_input);
	int rc = g_test_run();

	soup_server_disconnect(receiver.soup);
	g_clear_object(&receiver.soup);
	g_autoptr(GDir) d = g_dir_open(dir, 0, nullptr);
	while (const char *name = d ? g_dir_read_name(d) : nullptr)
		g_remove((tmp_dir + "/" + name).c_str());
	g_rmdir(dir);
	return rc;
}
