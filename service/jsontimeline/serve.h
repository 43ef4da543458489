// SPDX-License-Identifier: LGPL-2.1-or-later
// `jsontimeline serve`: the HTTP export service (Indream Open API compatible) on libsoup 3.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <jsontimeline/illustrations.h>
#include <jsontimeline/serve-store.h>

namespace jtl {

/* One API key of the keys file: only its SHA-256 is kept. */
struct ApiKey {
	std::string hash;           /* SHA-256 of the key, lower-case hex */
	std::string id;             /* createdByApiKeyId: "key_" + the hash's first 16 digits */
	std::string webhook_secret; /* "" = none */
};

/* Reads a keys file: one "<api-key> [<webhook-secret>]" per line; blank lines and lines
 * starting with '#' are skipped. Returns false with error set (JTL_ERROR, naming the line) when the
 * file cannot be read, a line has more than two fields or no key is given. */
bool load_api_keys(const std::string &path, std::vector<ApiKey> *keys, GError **error);

/* The key of a server started without a keys file: DIR/api-key.sha256 keeps its hash. When
 * that file does not exist yet, a key is generated, its hash written and the key returned
 * in *generated (shown once by the caller); otherwise *generated is left empty. */
bool ensure_generated_key(const std::string &data_dir, std::vector<ApiKey> *keys,
                          std::string *generated, GError **error);

/* bytes random bytes from /dev/urandom, hex ("" when it cannot be read). */
std::string random_hex(std::size_t bytes);

/* SHA-256 of a text, lower-case hex. */
std::string sha256_hex(const std::string &text);

/* The server's secret of a data directory (DIR/secret, created when missing): it signs
 * download links and derives webhook secrets. False with error set when it cannot be kept. */
bool server_secret(const std::string &data_dir, std::string *secret, GError **error);

/* The webhook secret of a key that has none in the keys file: hex HMAC-SHA256 of
 * "webhook:" + its id with the server's secret (`jsontimeline keys` shows it). */
std::string derived_webhook_secret(const std::string &server_secret, const std::string &key_id);

/* Called on each transition of an export task (PENDING on creation, PROCESSING,
 * COMPLETED, FAILED; a re-queued task is PENDING again), on the server's main context,
 * with the task and its ExportTask JSON snapshot (outputUrl filled when COMPLETED). The
 * webhook sender plugs in here. */
using TaskHook = std::function<void(const StoredTask &task, const std::string &snapshot)>;

struct ServeOptions {
	std::string listen = "127.0.0.1:8080"; /* HOST:PORT; port 0 = any free port */
	std::string data_dir;                  /* tasks.db, outputs/, jobs/, assets/, secret */
	std::vector<ApiKey> keys;
	int workers = 0; /* renders at once; 0 = half the cores, at least 1 */
	/* accept and store tasks but start no render: they stay PENDING until a start
	 * without it (maintenance, tests) */
	bool queue_only = false;
	std::string render_program; /* the jsontimeline binary run as `PROGRAM render` */
	std::size_t max_body_bytes = 32 * 1024 * 1024;    /* larger request bodies: 413 */
	std::size_t max_upload_bytes = 512 * 1024 * 1024; /* larger POST /v1/uploads: 413 */
	int max_active_per_key = 2;      /* PENDING + PROCESSING tasks per key; 0: no limit */
	int download_ttl_seconds = 3600; /* lifetime of a signed outputUrl */
	/* how long a COMPLETED task's output is kept, seconds (then deleted: outputUrl
	 * null, downloads 410); 0 = forever */
	double retention_seconds = 24 * 3600;
	/* the start of outputUrl ("https://video.example.com"); "" = the origin the client
	 * used (its Host header), or the listening address outside requests */
	std::string public_url;
	/* time limit of one render: base + factor x the timeline's duration, seconds, at
	 * most max (a 24 h timeline would otherwise get a month) */
	double render_timeout_base = 60.0;
	double render_timeout_factor = 30.0;
	double render_timeout_max = 6 * 3600.0;
	/* connections open at once (more are answered 503 and closed; 0: half the open-file
	 * limit, at most 1024), seconds from accepting to a complete request head, seconds
	 * a connection may stay silent while awaited */
	int max_connections = 0;
	int header_timeout_seconds = 10;
	int idle_timeout_seconds = 60;
	/* the operator's token for GET /metrics (Authorization: Bearer TOKEN): the service's
	 * own counts; an API key sees only its own; "" = no operator view */
	std::string metrics_token;
	/* hosts the callback guard lets through even when they are private (127.0.0.1 for
	 * local testing) */
	std::vector<std::string> allow_hosts;
	/* memory limit of one render (address space, MiB; 0 = none): a render past it fails
	 * alone */
	int render_memory_mib = 8192;
	/* the renders' remote asset cache (DIR/cache), MiB: past it the files used longest
	 * ago are deleted (fetch.h) */
	int64_t cache_max_mib = 2048;
	/* every render's --missing-illustration: an illustration name not built in fails the
	 * task (Error) or is drawn as a placeholder with a warning */
	MissingIllustration missing_illustration = MissingIllustration::Error;
	/* requests per minute per API key (a bucket of that many, refilled evenly); more
	 * answer 429 with Retry-After; 0 = no limit */
	int rate_limit_per_minute = 1200;
	int sync_rate_limit_per_minute = 60; /* POST /v1/projects/{id}/sync, per project; 0: none */
	/* webhook retry schedule in seconds (empty: webhook_default_schedule()) */
	std::vector<double> webhook_schedule;
	TaskHook on_task;
};

/* Runs the service until SIGTERM or SIGINT: the first stops accepting connections and
 * lets the running renders finish (queued tasks stay PENDING for the next start); a
 * second one stops the renders too and re-queues their tasks. Logs one JSON line per
 * request and per task transition to stderr, and {"event":"listening","url":...} once
 * listening. Returns true, or false with error set (JTL_ERROR) when it cannot start. */
bool run_server(const ServeOptions &options, GError **error);

} /* namespace jtl */
