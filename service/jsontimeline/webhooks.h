// SPDX-License-Identifier: LGPL-2.1-or-later
// Export webhooks: signed callbacks from a durable SQLite outbox, retried with backoff.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <glib.h>

namespace jtl {

/* The default retry schedule: the delay before attempt 2, 3, ... after a failed attempt
 * (10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h: eleven attempts over about
 * 23.7 hours). */
const std::vector<double> &webhook_default_schedule();

struct WebhookOptions {
	std::string db_path; /* the SQLite outbox (WAL); created, mode 0600, if missing */
	/* hosts that refuse_private lets through: names or IP literals, as in the URL */
	std::vector<std::string> allow_hosts;
	/* refuse loopback/private/link-local/metadata addresses at connect time */
	bool refuse_private = true;
	/* seconds before each retry; empty: webhook_default_schedule() */
	std::vector<double> schedule_seconds;
	double attempt_timeout = 10;                /* seconds per attempt, whole exchange */
	std::size_t max_response_bytes = 64 * 1024; /* read of a response body, then dropped */
	unsigned max_in_flight = 8;                 /* attempts at once */
	/* each retry delay is scaled by a random factor in [1 - jitter, 1 + jitter], so that
	 * the retries of many events failed together (a receiver down) do not arrive together */
	double jitter = 0.1;
	/* delivered and failed events (and their attempts) are deleted this long after they
	 * were created; their secret is dropped as soon as they are final. 0: kept forever */
	double keep_finished_seconds = 30 * 24 * 3600.0;
};

/* hex HMAC-SHA256 of `timestamp + "." + body` keyed with secret: X-Indream-Signature. */
std::string webhook_signature(const std::string &secret, const std::string &timestamp,
                              const std::string &body);

/* "" when url can be a callback URL (http or https with a host), else why not. The
 * address guard runs later, at connect time. */
std::string webhook_url_error(const std::string &url);

/* The outbox and its delivery loop. Events are POSTed as JSON
 * {"eventType", "occurredAt", "task"} with the headers
 *   Content-Type: application/json
 *   X-Indream-Event-Id: evt_<uuid>       (one per event, the same on every retry)
 *   X-Indream-Event-Type: EXPORT_...
 *   X-Indream-Timestamp: <unix seconds of this attempt>
 *   X-Indream-Signature: webhook_signature(secret, timestamp, raw body)
 * after the task's callbackHeaders (which cannot replace these, Host, Content-Length,
 * Transfer-Encoding or Connection). Only a 2xx response delivers; redirects are not
 * followed (a 3xx is a failure), nor are proxies used when refuse_private is on.
 * Delivery is at least once: an attempt cut short by stop() or a crash is made again,
 * so receivers deduplicate by event id.
 *
 * Threads: enqueue() and deliveries_json() may be called from any thread; start() and
 * stop() from the thread that runs (or will run) the context given to start(). */
class WebhookSender
{
public:
	/* Opens (creating) the outbox; on failure error (JTL_ERROR_IO, when not null) says
	 * why and ok() is false. */
	explicit WebhookSender(const WebhookOptions &options, GError **error = nullptr);
	~WebhookSender(); /* stop()s */
	WebhookSender(const WebhookSender &) = delete;
	WebhookSender &operator=(const WebhookSender &) = delete;

	bool ok() const;

	/* Queues one event, persisted (synchronously) before returning; returns its event id,
	 * or "" with error (JTL_ERROR_FAILED) for an unknown event type (EXPORT_STARTED,
	 * EXPORT_COMPLETED, EXPORT_FAILED), a bad URL (webhook_url_error()) or task_json that is
	 * not a JSON object. The body is built here, so every attempt sends the same bytes. */
	std::string enqueue(const std::string &task_id, const std::string &event_type,
	                    const std::string &task_json, const std::string &url,
	                    const std::map<std::string, std::string> &headers,
	                    const std::string &secret, GError **error = nullptr);

	/* Delivers due events on ctx (timers and libsoup), including those queued before a
	 * restart and those whose attempt a crash cut short. */
	void start(GMainContext *ctx);
	/* Cancels the attempts in flight (they stay due and are made again after start())
	 * and waits for their callbacks on the context. */
	void stop();

	/* The delivery log of a task's events:
	 * {"taskId", "events": [{"eventId", "eventType", "url", "state" (pending | delivered
	 *  | failed), "attempts", "createdAt", "nextAttemptAt" (null unless pending),
	 *  "deliveries": [{"attempt", "attemptedAt", "durationMs", "statusCode" (null without
	 *  a response), "error" (null when delivered), "outcome" (delivered | failed |
	 *  refused | timeout)}]}]}, times ISO 8601 UTC, events and attempts in order. */
	std::string deliveries_json(const std::string &task_id) const;

	struct Impl;

private:
	std::unique_ptr<Impl> impl_;
};

} /* namespace jtl */
