// SPDX-License-Identifier: LGPL-2.1-or-later
// The Indream Open API family: validate, exports, capabilities, illustrations (projects,
// uploads and assets: api-indream-projects.cpp), registered in register_indream_routes().
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include <jsontimeline/capabilities.h>
#include <jsontimeline/editorstate.h>
#include <jsontimeline/illustrations.h>
#include <jsontimeline/json.h>
#include <jsontimeline/webhooks.h>

#include "serve-server.h"

namespace jtl {
namespace serve_detail {

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

namespace {

Response route_illustrations(Server *, Request &r)
{
	const char *q = query_get(r, "q");
	if (q && g_utf8_strlen(q, -1) > 200)
		return problem(400, "OPEN_API_INVALID_REQUEST", "q is longer than 200 characters",
		               "q");
	return json_response(200, illustrations_json(q ? q : "", false));
}

Response route_export_webhooks(Server *s, Request &r)
{
	const std::string &id = r.param("taskId");
	StoredTask t;
	if (!s->store.get(id, &t) || t.key_id != r.key->id)
		return problem(404, "OPEN_API_EXPORT_NOT_FOUND", "no export task " + id);
	return json_response(200, "{\"data\":" + s->hooks->deliveries_json(id) + ",\"meta\":{}}");
}

} /* namespace */

void register_indream_routes(RouteTable &t)
{
	t.add({"GET", "/v1/editor/capabilities", Auth::Key, [](Server *, Request &) {
		       return json_response(200, "{\"data\":" + capabilities_json(false) +
		                                         ",\"meta\":{}}");
	       }});
	t.add({"POST", "/v1/editor/validate", Auth::Key, route_validate});
	t.add({"GET", "/v1/illustrations", Auth::Key, route_illustrations});
	t.add({"POST", "/v1/exports", Auth::Key, [](Server *s, Request &r) {
		       std::string body = body_of(r.msg);
		       return create_export(s, r, body, body, "");
	       }});
	t.add({"GET", "/v1/exports", Auth::Key, route_list_exports});
	t.add({"GET", "/v1/exports/{taskId}", Auth::Key,
	       [](Server *s, Request &r) { return route_get_export(s, r, r.param("taskId")); }});
	/* a signed download link is its own credential */
	t.add({"GET", "/v1/exports/{taskId}/download", Auth::Signed,
	       [](Server *s, Request &r) { return route_download(s, r, r.param("taskId")); },
	       "use GET"});
	t.add({"POST", "/v1/exports/{taskId}/cancel", Auth::Key,
	       [](Server *s, Request &r) { return route_cancel_export(s, r, r.param("taskId")); }});
	t.add({"GET", "/v1/exports/{taskId}/webhooks", Auth::Key, route_export_webhooks});
	register_indream_project_routes(t);
}

} /* namespace serve_detail */
} /* namespace jtl */
