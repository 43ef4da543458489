// SPDX-License-Identifier: LGPL-2.1-or-later
// Export webhooks: an SQLite outbox delivered with libsoup 3, signed with GHmac.
#include <jsontimeline/webhooks.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <optional>
#include <set>

#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <unistd.h>

#include <jsontimeline/fetch.h>

#include "serve-error.h"
#include "sqlite-stmt.h"

namespace jtl {

namespace {

constexpr std::size_t kChunk = 8192;     /* bytes per response read */
constexpr gint64 kLeaseMarginMs = 30000; /* beyond the attempt timeout */
constexpr gint64 kMaxSleepMs = 60000;    /* look at the outbox at least this often */
constexpr gint64 kPurgeEveryUs = G_GINT64_CONSTANT(3600) * G_USEC_PER_SEC; /* finished events */

gint64 now_ms()
{
	return g_get_real_time() / 1000;
}

std::string iso_time(gint64 ms)
{
	g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(ms / 1000);
	if (!t)
		return "";
	g_autofree gchar *s = g_date_time_format(t, "%Y-%m-%dT%H:%M:%S");
	char frac[8];
	g_snprintf(frac, sizeof frac, ".%03dZ", int(ms % 1000));
	return std::string(s) + frac;
}

std::string lower(std::string s)
{
	for (char &c : s)
		c = g_ascii_tolower(c);
	return s;
}

/* Header names the task's callbackHeaders cannot set. */
bool reserved_header(const std::string &name)
{
	std::string n = lower(name);
	return n == "host" || n == "content-length" || n == "content-type" ||
	       n == "transfer-encoding" || n == "connection" || n.rfind("x-indream-", 0) == 0;
}

const char *const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS webhook_events (
	event_id TEXT PRIMARY KEY,
	task_id TEXT NOT NULL,
	event_type TEXT NOT NULL,
	url TEXT NOT NULL,
	headers TEXT NOT NULL,
	secret TEXT NOT NULL,
	body TEXT NOT NULL,
	created_ms INTEGER NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	state TEXT NOT NULL DEFAULT 'pending',
	next_ms INTEGER
);
CREATE INDEX IF NOT EXISTS webhook_events_due ON webhook_events (state, next_ms);
CREATE INDEX IF NOT EXISTS webhook_events_task ON webhook_events (task_id, created_ms);
CREATE TABLE IF NOT EXISTS webhook_attempts (
	event_id TEXT NOT NULL,
	task_id TEXT NOT NULL,
	attempt INTEGER NOT NULL,
	at_ms INTEGER NOT NULL,
	duration_ms INTEGER NOT NULL,
	status INTEGER,
	error TEXT,
	outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_attempts_task ON webhook_attempts (task_id, at_ms);
)sql";

struct Attempt;

} /* namespace */

struct WebhookSender::Impl {
	WebhookOptions options;
	std::vector<double> schedule;
	sqlite3 *db = nullptr;
	mutable std::mutex mutex; /* guards db and wake */
	GSource *wake = nullptr;  /* an idle source asking the context to look again */

	/* the context's thread only */
	GMainContext *ctx = nullptr;
	SoupSession *session = nullptr;
	GSource *timer = nullptr;
	bool stopping = false;
	gint64 next_purge_us = 0; /* monotonic; at start, then hourly */
	std::map<std::string, std::unique_ptr<Attempt>> in_flight; /* by event id */

	void reschedule();
	void purge();
	gint64 retry_delay_ms(std::size_t index) const;
	void arm(gint64 delay_ms);
	void dispatch();
	void begin(const std::string &event_id, const std::string &task_id, const std::string &type,
	           const std::string &url, const std::string &headers, const std::string &secret,
	           const std::string &body, int attempts);
	void complete(Attempt *a, const std::string &outcome, guint status,
	              const std::string &error);
};

namespace {

struct Attempt {
	WebhookSender::Impl *s = nullptr;
	std::string event_id, task_id;
	int number = 0; /* 1-based */
	gint64 started_ms = 0, started_mono = 0;
	SoupMessage *msg = nullptr;
	GCancellable *cancellable = nullptr;
	GSource *timer = nullptr;
	GInputStream *in = nullptr;
	bool timed_out = false;
	std::string refused;
	guint status = 0;
	std::size_t read = 0;
	char buffer[kChunk];

	~Attempt()
	{
		if (timer) {
			g_source_destroy(timer);
			g_source_unref(timer);
		}
		g_clear_object(&in);
		g_clear_object(&msg);
		g_clear_object(&cancellable);
	}
};

void on_network_event(SoupMessage *, GSocketClientEvent event, GIOStream *connection, gpointer data)
{
	Attempt *a = static_cast<Attempt *>(data);
	if (event != G_SOCKET_CLIENT_CONNECTING || !a->refused.empty())
		return;
	a->refused = connection_refusal(connection);
	if (!a->refused.empty())
		g_cancellable_cancel(a->cancellable);
}

gboolean on_attempt_timeout(gpointer data)
{
	Attempt *a = static_cast<Attempt *>(data);
	a->timed_out = true;
	g_cancellable_cancel(a->cancellable);
	return G_SOURCE_CONTINUE; /* destroyed with the attempt */
}

std::string status_text(Attempt *a)
{
	const char *phrase = soup_message_get_reason_phrase(a->msg);
	if (!phrase || !*phrase)
		phrase = soup_status_get_phrase(a->status);
	return "HTTP " + std::to_string(a->status) + (phrase ? std::string(" ") + phrase : "");
}

/* The response is in: its outcome, once the body is read (up to the cap) and dropped. */
void settle(Attempt *a)
{
	if (SOUP_STATUS_IS_SUCCESSFUL(a->status)) {
		a->s->complete(a, "delivered", a->status, "");
	} else if (SOUP_STATUS_IS_REDIRECTION(a->status)) {
		const char *location = soup_message_headers_get_one(
		        soup_message_get_response_headers(a->msg), "Location");
		a->s->complete(a, "failed", a->status,
		               status_text(a) + ": redirect not followed" +
		                       (location ? std::string(" (to ") + location + ")" : ""));
	} else {
		a->s->complete(a, "failed", a->status, status_text(a));
	}
}

void on_read(GObject *source, GAsyncResult *result, gpointer data)
{
	Attempt *a = static_cast<Attempt *>(data);
	g_autoptr(GError) e = nullptr;
	gssize n = g_input_stream_read_finish(G_INPUT_STREAM(source), result, &e);
	if (n > 0 && a->read + std::size_t(n) < a->s->options.max_response_bytes) {
		a->read += std::size_t(n);
		g_input_stream_read_async(a->in, a->buffer, kChunk, G_PRIORITY_DEFAULT,
		                          a->cancellable, on_read, a);
		return;
	}
	if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !a->timed_out) {
		a->s->complete(a, "stopped", 0, "");
		return;
	}
	/* end, cap or read error: the status decides, the rest is dropped */
	settle(a);
}

void on_sent(GObject *source, GAsyncResult *result, gpointer data)
{
	Attempt *a = static_cast<Attempt *>(data);
	g_autoptr(GError) e = nullptr;
	a->in = soup_session_send_finish(SOUP_SESSION(source), result, &e);
	if (!a->in) {
		if (!a->refused.empty())
			a->s->complete(a, "refused", 0, "refused address " + a->refused);
		else if (a->timed_out)
			a->s->complete(a, "timeout", 0, "no response within the attempt timeout");
		else if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			a->s->complete(a, "stopped", 0, "");
		else
			a->s->complete(a, "failed", 0, e ? e->message : "unknown error");
		return;
	}
	a->status = soup_message_get_status(a->msg);
	g_input_stream_read_async(a->in, a->buffer, kChunk, G_PRIORITY_DEFAULT, a->cancellable,
	                          on_read, a);
}

gboolean on_timer(gpointer data)
{
	auto *s = static_cast<WebhookSender::Impl *>(data);
	g_source_unref(s->timer);
	s->timer = nullptr;
	s->reschedule();
	return G_SOURCE_REMOVE;
}

gboolean on_wake(gpointer data)
{
	auto *s = static_cast<WebhookSender::Impl *>(data);
	{
		std::lock_guard<std::mutex> lock(s->mutex);
		g_source_unref(s->wake);
		s->wake = nullptr;
	}
	s->reschedule();
	return G_SOURCE_REMOVE;
}

} /* namespace */

const std::vector<double> &webhook_default_schedule()
{
	static const std::vector<double> schedule = {10,   30,   120,   600,   1800,
	                                             3600, 7200, 14400, 28800, 28800};
	return schedule;
}

std::string webhook_signature(const std::string &secret, const std::string &timestamp,
                              const std::string &body)
{
	g_autoptr(GHmac) h = g_hmac_new(
	        G_CHECKSUM_SHA256, reinterpret_cast<const guchar *>(secret.data()), secret.size());
	g_hmac_update(h, reinterpret_cast<const guchar *>(timestamp.data()),
	              gssize(timestamp.size()));
	g_hmac_update(h, reinterpret_cast<const guchar *>("."), 1);
	g_hmac_update(h, reinterpret_cast<const guchar *>(body.data()), gssize(body.size()));
	return g_hmac_get_string(h);
}

std::string webhook_url_error(const std::string &url)
{
	g_autoptr(GError) e = nullptr;
	g_autoptr(GUri) uri = g_uri_parse(url.c_str(), GUriFlags(SOUP_HTTP_URI_FLAGS), &e);
	if (!uri)
		return "invalid URL \"" + url + "\"" + (e ? std::string(": ") + e->message : "");
	std::string scheme = lower(g_uri_get_scheme(uri));
	if (scheme != "http" && scheme != "https")
		return "unsupported scheme \"" + scheme + "\" (http or https only)";
	const char *host = g_uri_get_host(uri);
	if (!host || !*host)
		return "URL without a host";
	if (g_uri_get_user(uri) || g_uri_get_password(uri))
		return "URL with credentials";
	return "";
}

WebhookSender::WebhookSender(const WebhookOptions &options, GError **error) : impl_(new Impl)
{
	Impl &s = *impl_;
	s.options = options;
	s.schedule = options.schedule_seconds.empty() ? webhook_default_schedule()
	                                              : options.schedule_seconds;
	if (s.options.max_in_flight == 0)
		s.options.max_in_flight = 1;
	/* the outbox holds the secrets: readable by its owner only */
	int fd = g_open(options.db_path.c_str(), O_RDWR | O_CREAT, 0600);
	if (fd >= 0)
		close(fd);
	std::string why;
	if (sqlite3_open_v2(options.db_path.c_str(), &s.db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
	                    nullptr) != SQLITE_OK) {
		why = s.db ? sqlite3_errmsg(s.db) : "out of memory";
	} else {
		sqlite3_busy_timeout(s.db, 5000);
		char *msg = nullptr;
		std::string sql =
		        std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;") + kSchema;
		if (sqlite3_exec(s.db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
			why = msg ? msg : sqlite3_errmsg(s.db);
			sqlite3_free(msg);
		}
	}
	if (!why.empty()) {
		sqlite3_close(s.db);
		s.db = nullptr;
		set_service_error(error, JTL_ERROR_IO,
		                  "webhook outbox " + options.db_path + ": " + why);
	}
}

WebhookSender::~WebhookSender()
{
	stop();
	sqlite3_close(impl_->db);
}

bool WebhookSender::ok() const
{
	return impl_->db != nullptr;
}

std::string WebhookSender::enqueue(const std::string &task_id, const std::string &event_type,
                                   const std::string &task_json, const std::string &url,
                                   const std::map<std::string, std::string> &headers,
                                   const std::string &secret, GError **error)
{
	auto fail = [&](const std::string &why) {
		set_service_error(error, JTL_ERROR_FAILED, why);
		return std::string();
	};
	if (!impl_->db)
		return fail("the webhook outbox is not open");
	if (event_type != "EXPORT_STARTED" && event_type != "EXPORT_COMPLETED" &&
	    event_type != "EXPORT_FAILED")
		return fail("unknown event type \"" + event_type + "\"");
	std::string bad = webhook_url_error(url);
	if (!bad.empty())
		return fail("callback URL: " + bad);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) e = nullptr;
	if (!json_parser_load_from_data(parser, task_json.data(), gssize(task_json.size()), &e) ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
		return fail("the task snapshot is not a JSON object" +
		            (e ? std::string(": ") + e->message : std::string()));

	gint64 created = now_ms();
	g_autoptr(JsonBuilder) b = json_builder_new();
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "eventType");
	json_builder_add_string_value(b, event_type.c_str());
	json_builder_set_member_name(b, "occurredAt");
	json_builder_add_string_value(b, iso_time(created).c_str());
	json_builder_set_member_name(b, "task");
	json_builder_add_value(b, json_node_copy(json_parser_get_root(parser)));
	json_builder_end_object(b);
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	g_autofree gchar *body = json_to_string(root, FALSE);

	g_autoptr(JsonBuilder) hb = json_builder_new();
	json_builder_begin_object(hb);
	for (const auto &[name, value] : headers) {
		json_builder_set_member_name(hb, name.c_str());
		json_builder_add_string_value(hb, value.c_str());
	}
	json_builder_end_object(hb);
	g_autoptr(JsonNode) hroot = json_builder_get_root(hb);
	g_autofree gchar *header_json = json_to_string(hroot, FALSE);

	g_autofree gchar *uuid = g_uuid_string_random();
	std::string id = std::string("evt_") + uuid;
	{
		std::lock_guard<std::mutex> lock(impl_->mutex);
		SqliteStmt st(impl_->db,
		              "INSERT INTO webhook_events (event_id, task_id, event_type, url, "
		              "headers, secret, body, created_ms, next_ms) "
		              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		              id, task_id, event_type, url, header_json, secret, body, created,
		              created);
		if (!st.done())
			return fail(std::string("webhook outbox: ") + sqlite3_errmsg(impl_->db));
		if (impl_->ctx && !impl_->wake) {
			impl_->wake = g_idle_source_new();
			g_source_set_callback(impl_->wake, on_wake, impl_.get(), nullptr);
			g_source_attach(impl_->wake, impl_->ctx);
		}
	}
	return id;
}

void WebhookSender::start(GMainContext *ctx)
{
	Impl &s = *impl_;
	if (s.ctx || !s.db)
		return;
	s.stopping = false;
	g_main_context_push_thread_default(ctx);
	s.session = soup_session_new_with_options("max-conns", int(s.options.max_in_flight * 2),
	                                          "user-agent", "jsontimeline-webhooks", nullptr);
	if (s.options.refuse_private)
		soup_session_set_proxy_resolver(s.session, nullptr); /* check the real address */
	g_main_context_pop_thread_default(ctx);
	{
		std::lock_guard<std::mutex> lock(s.mutex);
		s.ctx = g_main_context_ref(ctx);
		s.wake = g_idle_source_new();
		g_source_set_callback(s.wake, on_wake, &s, nullptr);
		g_source_attach(s.wake, s.ctx);
	}
}

void WebhookSender::stop()
{
	Impl &s = *impl_;
	if (!s.ctx)
		return;
	s.stopping = true;
	if (s.timer) {
		g_source_destroy(s.timer);
		g_source_unref(s.timer);
		s.timer = nullptr;
	}
	{
		std::lock_guard<std::mutex> lock(s.mutex);
		if (s.wake) {
			g_source_destroy(s.wake);
			g_source_unref(s.wake);
			s.wake = nullptr;
		}
	}
	for (auto &[id, a] : s.in_flight)
		g_cancellable_cancel(a->cancellable);
	while (!s.in_flight.empty())
		g_main_context_iteration(s.ctx, TRUE);
	g_main_context_push_thread_default(s.ctx);
	soup_session_abort(s.session);
	g_clear_object(&s.session);
	while (g_main_context_iteration(s.ctx, FALSE)) {
	}
	g_main_context_pop_thread_default(s.ctx);
	std::lock_guard<std::mutex> lock(s.mutex);
	g_main_context_unref(s.ctx);
	s.ctx = nullptr;
}

/* Starts the due events, then sleeps until the next one (or kMaxSleepMs, to see events
 * other processes queued). */
void WebhookSender::Impl::reschedule()
{
	if (stopping || !ctx)
		return;
	if (g_get_monotonic_time() >= next_purge_us) {
		purge();
		next_purge_us = g_get_monotonic_time() + kPurgeEveryUs;
	}
	dispatch();
	gint64 next = -1;
	{
		std::lock_guard<std::mutex> lock(mutex);
		SqliteStmt st(db,
		              "SELECT MIN(next_ms) FROM webhook_events WHERE state = 'pending'");
		if (st.row() && !st.is_null(0))
			next = st.int64(0);
	}
	gint64 delay = next < 0 ? kMaxSleepMs : std::clamp<gint64>(next - now_ms(), 1, kMaxSleepMs);
	if (in_flight.size() >= options.max_in_flight)
		delay = kMaxSleepMs; /* complete() looks again */
	arm(delay);
}

/* The delay before retry index (0-based) of the schedule, with its jitter. */
gint64 WebhookSender::Impl::retry_delay_ms(std::size_t index) const
{
	double j = std::clamp(options.jitter, 0.0, 1.0);
	double factor = j > 0 ? g_random_double_range(1.0 - j, 1.0 + j) : 1.0;
	return gint64(schedule[index] * factor * 1000);
}

/* Deletes the finished events (and their attempts) older than keep_finished_seconds. */
void WebhookSender::Impl::purge()
{
	if (options.keep_finished_seconds <= 0)
		return;
	gint64 before = now_ms() - gint64(options.keep_finished_seconds * 1000);
	std::lock_guard<std::mutex> lock(mutex);
	SqliteStmt(db,
	           "DELETE FROM webhook_attempts WHERE event_id IN (SELECT event_id FROM "
	           "webhook_events WHERE state != 'pending' AND created_ms < ?)",
	           before)
	        .step();
	SqliteStmt(db, "DELETE FROM webhook_events WHERE state != 'pending' AND created_ms < ?",
	           before)
	        .step();
}

/* (Re)sets the one timer that runs reschedule(). */
void WebhookSender::Impl::arm(gint64 delay_ms)
{
	if (timer) {
		g_source_destroy(timer);
		g_source_unref(timer);
	}
	timer = g_timeout_source_new(guint(delay_ms));
	g_source_set_callback(timer, on_timer, this, nullptr);
	g_source_attach(timer, ctx);
}

/* Claims the due events (pushing next_ms to a lease, so that neither another sender on
 * the outbox nor this one takes them again while in flight; a crash lets the lease run
 * out) and sends them. */
void WebhookSender::Impl::dispatch()
{
	struct Due {
		std::string id, task, type, url, headers, secret, body;
		int attempts;
		gint64 next_ms;
	};
	std::vector<Due> candidates, due;
	{
		std::lock_guard<std::mutex> lock(mutex);
		gint64 now = now_ms();
		{
			SqliteStmt st(
			        db,
			        "SELECT event_id, task_id, event_type, url, headers, secret, body, "
			        "attempts, next_ms FROM webhook_events "
			        "WHERE state = 'pending' AND next_ms <= ? ORDER BY next_ms LIMIT "
			        "?",
			        now, gint64(options.max_in_flight + in_flight.size()));
			while (st.row())
				candidates.push_back({st.text(0), st.text(1), st.text(2),
				                      st.text(3), st.text(4), st.text(5),
				                      st.text(6), int(st.int64(7)), st.int64(8)});
		}
		gint64 lease = now + gint64(options.attempt_timeout * 1000) + kLeaseMarginMs;
		for (Due &d : candidates) {
			if (in_flight.size() + due.size() >= options.max_in_flight)
				break;
			if (in_flight.count(d.id))
				continue;
			SqliteStmt claim(
			        db,
			        "UPDATE webhook_events SET next_ms = ? WHERE event_id = ? AND "
			        "state = 'pending' AND next_ms = ?",
			        lease, d.id, d.next_ms);
			if (claim.done() && sqlite3_changes(db) == 1)
				due.push_back(std::move(d));
		}
	}
	for (const Due &d : due)
		begin(d.id, d.task, d.type, d.url, d.headers, d.secret, d.body, d.attempts);
}

void WebhookSender::Impl::begin(const std::string &event_id, const std::string &task_id,
                                const std::string &type, const std::string &url,
                                const std::string &headers, const std::string &secret,
                                const std::string &body, int attempts)
{
	auto owned = std::make_unique<Attempt>();
	Attempt *a = owned.get();
	a->s = this;
	a->event_id = event_id;
	a->task_id = task_id;
	a->number = attempts + 1;
	a->started_ms = now_ms();
	a->started_mono = g_get_monotonic_time();
	a->cancellable = g_cancellable_new();
	in_flight[event_id] = std::move(owned);

	a->msg = soup_message_new("POST", url.c_str());
	if (!a->msg) {
		complete(a, "failed", 0, "invalid URL " + url);
		return;
	}
	SoupMessageHeaders *h = soup_message_get_request_headers(a->msg);
	g_autoptr(JsonParser) parser = json_parser_new();
	if (json_parser_load_from_data(parser, headers.c_str(), -1, nullptr) &&
	    JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
		JsonObject *o = json_node_get_object(json_parser_get_root(parser));
		g_autoptr(GList) names = json_object_get_members(o);
		for (GList *l = names; l; l = l->next) {
			const char *name = static_cast<const char *>(l->data);
			const char *value = json_object_get_string_member_with_default(o, name, "");
			if (!reserved_header(name))
				soup_message_headers_replace(h, name, value);
		}
	}
	std::string timestamp = std::to_string(a->started_ms / 1000);
	soup_message_headers_replace(h, "X-Indream-Event-Id", event_id.c_str());
	soup_message_headers_replace(h, "X-Indream-Event-Type", type.c_str());
	soup_message_headers_replace(h, "X-Indream-Timestamp", timestamp.c_str());
	soup_message_headers_replace(h, "X-Indream-Signature",
	                             webhook_signature(secret, timestamp, body).c_str());
	g_autoptr(GBytes) bytes = g_bytes_new(body.data(), body.size());
	soup_message_set_request_body_from_bytes(a->msg, "application/json", bytes);

	SoupMessageFlags flags = SOUP_MESSAGE_NO_REDIRECT;
	if (options.refuse_private && !host_allow_listed(url, options.allow_hosts)) {
		/* network-event is only emitted for a message that opens its connection */
		flags = SoupMessageFlags(flags | SOUP_MESSAGE_NEW_CONNECTION);
		g_signal_connect(a->msg, "network-event", G_CALLBACK(on_network_event), a);
	}
	soup_message_set_flags(a->msg, flags);
	if (options.attempt_timeout > 0) {
		a->timer = g_timeout_source_new(guint(std::ceil(options.attempt_timeout * 1000)));
		g_source_set_callback(a->timer, on_attempt_timeout, a, nullptr);
		g_source_attach(a->timer, ctx);
	}
	g_main_context_push_thread_default(ctx);
	soup_session_send_async(session, a->msg, G_PRIORITY_DEFAULT, a->cancellable, on_sent, a);
	g_main_context_pop_thread_default(ctx);
}

/* Records an attempt's outcome and moves its event on: delivered, due again after the
 * schedule's next delay, or failed for good. "stopped" records nothing: the event is due
 * again at once. */
void WebhookSender::Impl::complete(Attempt *a, const std::string &outcome, guint status,
                                   const std::string &error)
{
	std::unique_ptr<Attempt> owned = std::move(in_flight[a->event_id]);
	in_flight.erase(a->event_id);
	gint64 now = now_ms();
	{
		std::lock_guard<std::mutex> lock(mutex);
		if (outcome == "stopped") {
			SqliteStmt(db,
			           "UPDATE webhook_events SET next_ms = ? WHERE event_id = ? AND "
			           "state = 'pending'",
			           now, a->event_id)
			        .step();
		} else {
			gint64 duration = (g_get_monotonic_time() - a->started_mono) / 1000;
			/* no status (0) and no error ("") are NULL */
			SqliteStmt(
			        db,
			        "INSERT INTO webhook_attempts (event_id, task_id, attempt, at_ms, "
			        "duration_ms, status, error, outcome) VALUES (?, ?, ?, ?, ?, ?, "
			        "?, ?)",
			        a->event_id, a->task_id, a->number, a->started_ms, duration,
			        status ? std::optional<guint>(status) : std::nullopt,
			        error.empty() ? std::nullopt : std::optional<std::string>(error),
			        outcome)
			        .step();
			std::string state = "pending";
			gint64 next = 0;
			if (outcome == "delivered")
				state = "delivered";
			else if (std::size_t(a->number) > schedule.size())
				state = "failed";
			else
				next = now + retry_delay_ms(std::size_t(a->number) - 1);
			/* a final event's secret is not needed any more, nor its next_ms (NULL) */
			SqliteStmt(
			        db,
			        "UPDATE webhook_events SET attempts = ?, state = ?, next_ms = ?, "
			        "secret = CASE WHEN ? = 'pending' THEN secret ELSE '' END "
			        "WHERE event_id = ?",
			        a->number, state,
			        state == "pending" ? std::optional<gint64>(next) : std::nullopt,
			        state, a->event_id)
			        .step();
		}
	}
	owned.reset();
	if (!stopping)
		arm(0); /* not from inside this stack: look again on the next iteration */
}

std::string WebhookSender::deliveries_json(const std::string &task_id) const
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "taskId");
	json_builder_add_string_value(b, task_id.c_str());
	json_builder_set_member_name(b, "events");
	json_builder_begin_array(b);
	if (impl_->db) {
		std::lock_guard<std::mutex> lock(impl_->mutex);
		SqliteStmt ev(impl_->db,
		              "SELECT event_id, event_type, url, state, attempts, created_ms, "
		              "next_ms FROM webhook_events WHERE task_id = ? "
		              "ORDER BY created_ms, rowid",
		              task_id);
		while (ev.row()) {
			std::string id = ev.text(0), state = ev.text(3);
			json_builder_begin_object(b);
			json_builder_set_member_name(b, "eventId");
			json_builder_add_string_value(b, id.c_str());
			json_builder_set_member_name(b, "eventType");
			json_builder_add_string_value(b, ev.text(1).c_str());
			json_builder_set_member_name(b, "url");
			json_builder_add_string_value(b, ev.text(2).c_str());
			json_builder_set_member_name(b, "state");
			json_builder_add_string_value(b, state.c_str());
			json_builder_set_member_name(b, "attempts");
			json_builder_add_int_value(b, ev.int64(4));
			json_builder_set_member_name(b, "createdAt");
			json_builder_add_string_value(b, iso_time(ev.int64(5)).c_str());
			json_builder_set_member_name(b, "nextAttemptAt");
			if (state == "pending" && !ev.is_null(6))
				json_builder_add_string_value(b, iso_time(ev.int64(6)).c_str());
			else
				json_builder_add_null_value(b);
			json_builder_set_member_name(b, "deliveries");
			json_builder_begin_array(b);
			SqliteStmt at(impl_->db,
			              "SELECT attempt, at_ms, duration_ms, status, error, outcome "
			              "FROM webhook_attempts WHERE event_id = ? ORDER BY rowid",
			              id);
			while (at.row()) {
				json_builder_begin_object(b);
				json_builder_set_member_name(b, "attempt");
				json_builder_add_int_value(b, at.int64(0));
				json_builder_set_member_name(b, "attemptedAt");
				json_builder_add_string_value(b, iso_time(at.int64(1)).c_str());
				json_builder_set_member_name(b, "durationMs");
				json_builder_add_int_value(b, at.int64(2));
				json_builder_set_member_name(b, "statusCode");
				if (at.is_null(3))
					json_builder_add_null_value(b);
				else
					json_builder_add_int_value(b, at.int64(3));
				json_builder_set_member_name(b, "error");
				if (at.is_null(4))
					json_builder_add_null_value(b);
				else
					json_builder_add_string_value(b, at.text(4).c_str());
				json_builder_set_member_name(b, "outcome");
				json_builder_add_string_value(b, at.text(5).c_str());
				json_builder_end_object(b);
			}
			json_builder_end_array(b);
			json_builder_end_object(b);
		}
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	g_autofree gchar *s = json_to_string(root, FALSE);
	return s;
}

} /* namespace jtl */
