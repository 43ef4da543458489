// SPDX-License-Identifier: LGPL-2.1-or-later
// What the export service's route files share: requests, responses, problems, the server.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <glib.h>
#include <libsoup/soup.h>

#include <jsontimeline/diagnostics.h>
#include <jsontimeline/editorstate.h>
#include <jsontimeline/json.h>
#include <jsontimeline/serve.h>

namespace jtl {
namespace serve_detail {

struct Problem {
	int status = 0;
	std::string code, detail, field;
	std::string extra; /* more members, ",\"errors\":[...]" */
};

struct Response {
	bool deferred = false; /* answered later, through a Later (the message is paused) */
	int status = 200;
	std::string content_type = "application/json";
	std::string body;
	GBytes *file = nullptr; /* a download (owned) */
	std::vector<std::pair<std::string, std::string>> headers;
};

struct Request {
	SoupServerMessage *msg = nullptr;
	std::string method, path;
	GHashTable *query = nullptr;
	const ApiKey *key = nullptr;
	std::string route = "unknown";
	gint64 start_us = 0;
	std::string origin; /* where the client reached us */
	/* the path's {name} segments of the route's pattern */
	std::map<std::string, std::string> params;
	const std::string &param(const char *name) const { return params.at(name); }
};

struct Server; /* serve.cpp */

/* The `type` and `title` of a problem and the reason phrase of the status line. */
struct StatusNames {
	int status;
	const char *type, *title, *reason;
};
const StatusNames &status_names(int status);
/* One JSON line to stderr: {"ts":..., "event": event<fields>}. */
void log_line(const std::string &event, const std::string &fields);

/* serve-listen.cpp: the listening socket, run by the service rather than libsoup (whose
 * listener stops for good at the first failed accept, EMFILE included). */
struct ListenOptions {
	int max_connections = 0;         /* open at once; more are answered 503 and closed;
	                                  * 0: half the open-file limit, at most 1024 */
	int header_timeout_seconds = 10; /* from accepting to a complete request head */
	int idle_timeout_seconds = 60;   /* no byte read or written while awaited */
};
struct Listener;
/* Binds and listens on address; the connections go to soup. *url: http://HOST:PORT. */
Listener *listener_new(SoupServer *soup, GSocketAddress *address, const ListenOptions &options,
                       std::string *url, std::string *error);
int listener_max_connections(const Listener *l);
std::size_t listener_open_connections(const Listener *l);
/* Stops accepting (the connections open stay). */
void listener_stop(Listener *l);
void listener_free(Listener *l);
/* The request head of msg is complete: its header timeout no longer runs. */
void listener_got_headers(SoupServerMessage *msg);
/* Answers msg with out now and closes its connection, without keeping its body: libsoup
 * gives the connection up; up to linger_bytes more of the body are read and dropped (for
 * at most 5 s) so that a client still sending reads the answer, not a reset. False when
 * msg's connection is not one of the listener's (nothing done). */
bool answer_and_close(SoupServerMessage *msg, const Response &out, std::size_t linger_bytes);

/* JSON text: a quoted string, a string or null when empty, a number. */
std::string jstr(const std::string &s);
std::string jstr_or_null(const std::string &s);
std::string jnum(double v);
std::string now_rfc3339();
std::string hmac_hex(const std::string &secret, const std::string &text);
bool equal_constant_time(const std::string &a, const std::string &b);
std::string node_text(JsonNode *n);
/* The asset id of an upload of key_id when url is this service's signed fileUrl of it,
 * else "" (another key's upload, a deleted one, another URL): renders read their key's
 * uploads from the disk (the media guard refuses the service's own address). */
std::string owned_upload(Server *s, const std::string &key_id, const std::string &url);
/* DIR/assets/ID: where an upload's bytes are. */
std::string asset_path(Server *s, const std::string &id);

Response json_response(int status, const std::string &body);
Response problem(int status, const std::string &code, const std::string &detail,
                 const std::string &field = "", const std::string &extra = "");
/* The key of the request's x-api-key header, nullptr when none or unknown. */
const ApiKey *authenticate(Server *s, SoupServerMessage *msg);
const char *query_get(const Request &r, const char *name);
std::string body_of(SoupServerMessage *msg);
/* The errors of a document as [{code, path, message}], the first kMaxErrorsListed of them
 * (validate's meta.errorCount tells how many there are). */
constexpr std::size_t kMaxErrorsListed = 1000;
std::string errors_json(const Diagnostics &d);

/* Token buckets by id: tokens left and when last refilled (monotonic us). */
using Buckets = std::map<std::string, std::pair<double, gint64>>;
/* true, with a 429 OPEN_API_PROJECT_SYNC_RATE_LIMITED (Retry-After) in *out, when the
 * project synced more than ServeOptions::sync_rate_limit_per_minute times a minute. */
bool sync_rate_limited(Server *s, const std::string &project_id, Response *out);
/* Parses a JSON object request body; on failure *out holds the problem to answer. What
 * the parse noticed (numbers beyond range, repeated names) goes to *found when given. */
JsonNodePtr parse_body(Server *s, const std::string &body, Response *out,
                       Diagnostics *found = nullptr);
/* The same with the size limit given: callable from a worker thread. */
JsonNodePtr parse_body(std::size_t max_bytes, const std::string &body, Response *out,
                       Diagnostics *found = nullptr);

/* A request answered later: answer_later() pauses its message; run() builds the response
 * (links pointing where the client reached us), sends it and resumes the message. The
 * route returns a Response with `deferred` set. */
struct Later {
	Server *s = nullptr;
	SoupServerMessage *msg = nullptr; /* a reference */
	Request r;                        /* without its query */
	gulong disconnected_id = 0;
	bool gone = false;     /* the client went away before the answer */
	bool answered = false; /* the answer is on its way */
	Later() = default;
	Later(const Later &) = delete;
	Later &operator=(const Later &) = delete;
	~Later();
	void run(const std::function<Response()> &build);
};
std::shared_ptr<Later> answer_later(Server *s, const Request &r);
/* Runs `RENDER_PROGRAM probe FILE` in a child process (the render memory limit, killed
 * after kProbeSeconds); done gets its standard output, "" when it failed. */
constexpr int kProbeSeconds = 20;
void probe_media(Server *s, const std::string &file, std::function<void(std::string)> done);

/* SIGTERM came: no new work is taken (503 OPEN_API_SHUTTING_DOWN). */
bool server_stopping(Server *s);
TaskStore &server_store(Server *s);
const ServeOptions &server_options(Server *s);
const std::string &server_secret_of(Server *s);
/* The start of links in answers: --public-url, else the client's origin. */
std::string server_origin(Server *s);
/* Answers r later: work() runs on a worker thread (it may touch only its own data, never
 * the server: parsing and validating a body), then finish() on the main loop builds the
 * answer. A key has at most kMaxOffLoopPerKey bodies there at once; one more is answered
 * 429 at once. */
constexpr int kMaxOffLoopPerKey = 4;
Response off_loop(Server *s, Request &r, std::function<void()> work,
                  std::function<Response(Request &)> finish);
/* The editorState of a parsed request body ({"editorState": ..., ...}) validated once, as
 * the render will see it: the parse's own findings under /editorState first (diags of
 * that parse), then the schema and semantic rules; paths point into the body. */
EditorStateResult validate_request_state(JsonNode *root, const Diagnostics &parse_diags);
/* An Idempotency-Key's recorded answer to r: true with *out set to it (or to the problem
 * of a bad header, or of the key reused with another payload). */
bool idempotency_replay(Server *s, Request &r, const std::string &payload, Response *out);
/* answer(), or with an Idempotency-Key header the response recorded for the key's first
 * request with that header (on the same path with the same payload; another payload:
 * 422 OPEN_API_IDEMPOTENCY_KEY_REUSED). Records kept 24 hours. */
Response idempotent(Server *s, Request &r, const std::string &payload,
                    const std::function<Response()> &answer);
/* POST /v1/exports and /v1/projects/{id}/exports: request_text, a CreateExportRequest
 * (with the project's editorState for the latter), is parsed and validated off the main
 * loop and becomes a task of the project ("" = none); answered later. payload is what an
 * Idempotency-Key is checked against (the body the client sent). */
Response create_export(Server *s, Request &r, const std::string &payload, std::string request_text,
                       const std::string &project_id);

/* ---- the route table (serve-routes.cpp) ----
 * An API family registers its routes with RouteTable::add, from one function of its own
 * (register_indream_routes in api-indream.cpp); run_server() calls each family's function
 * once. A route is a method, a path pattern, who may call it and its handler. */

/* Who may call a route; checked before the method. */
enum class Auth {
	Key,     /* an API key (x-api-key), checked and its rate charged from the request head */
	None,    /* anyone (/healthz) */
	Signed,  /* a signed link, its own credential: the handler checks the signature */
	Metrics, /* the operator's metrics token, or an API key (its own view); rate charged */
};
using Handler = std::function<Response(Server *s, Request &r)>;
struct Route {
	/* "GET", "POST"...; "*": any method, the handler answers 405 itself (where it must
	 * look the resource up first: 404 before 405) */
	std::string method;
	/* "/v1/exports/{taskId}/download": a {name} matches one non-empty path segment and
	 * lands in Request::params; the pattern names the route in logs and metrics */
	std::string pattern;
	Auth auth = Auth::Key;
	Handler handler;
	/* the detail of the 405 answered to another method; "": "method M is not allowed on
	 * PATH" */
	std::string wrong_method;
};
struct RouteMatch {
	const Route *path = nullptr;  /* the first route whose pattern matches the path */
	const Route *route = nullptr; /* the route of that pattern for the method, if any */
};
class RouteTable
{
public:
	/* Routes of one pattern share its auth and wrong_method (the first one's). */
	void add(Route route);
	/* The route of a path and method; params gets the path's {name} segments. */
	RouteMatch find(const std::string &path, const std::string &method,
	                std::map<std::string, std::string> *params) const;

private:
	std::vector<Route> routes_;
};

/* Families: each registers all its routes. */
void register_service_routes(RouteTable &t); /* api-service.cpp: /healthz, /metrics, ... */
void register_indream_routes(RouteTable &t); /* api-indream.cpp: the Indream Open API */
/* api-indream-projects.cpp: /v1/projects..., /v1/uploads, /v1/assets/... (the Indream
 * family's second file) */
void register_indream_project_routes(RouteTable &t);

/* Refuses msg's body (over limit bytes; 0: the route takes none) with a 413 at once, its
 * connection closed: libsoup lets go of msg. */
void refuse_body(Server *s, SoupServerMessage *msg, const char *path, std::size_t limit);
/* From the early handler of a request to /v1/uploads: its body is written to a temporary
 * file under DIR/assets/.tmp as it arrives (not held in memory), up to the upload limit. */
void upload_begin(Server *s, SoupServerMessage *msg);

/* The path split at '/': "/v1/projects/X/assets" -> {"v1", "projects", "X", "assets"}
 * (serve-routes.cpp). */
std::vector<std::string> split_path(const std::string &path);

} /* namespace serve_detail */
} /* namespace jtl */
