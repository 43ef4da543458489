// SPDX-License-Identifier: LGPL-2.1-or-later
// The export service's project, upload and asset routes (Indream Open API /v1/projects...).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <unistd.h>

#include <jsontimeline/editorstate.h>

#include "serve-internal.h"

namespace jtl {
namespace serve_detail {

namespace {

const char kProjects[] = "/v1/projects";
const char kAssets[] = "/v1/assets/";
const char kUploadData[] = "jtl-upload";

/* An upload being received into its temporary file (removed unless kept). */
struct Upload {
	Server *s = nullptr;
	std::string path; /* "" = the file could not be made: the bytes are dropped */
	FILE *file = nullptr;
	std::size_t size = 0, limit = 0;
	bool overflow = false, failed = false, kept = false;
	std::string head; /* the first bytes, for sniffing the type */
	~Upload()
	{
		if (file)
			fclose(file);
		if (!kept && !path.empty())
			g_unlink(path.c_str());
	}
};

void on_upload_chunk(SoupServerMessage *msg, GBytes *chunk, gpointer data)
{
	Upload *u = static_cast<Upload *>(data);
	gsize len = 0;
	const char *d = static_cast<const char *>(g_bytes_get_data(chunk, &len));
	u->size += len;
	if (u->size > u->limit && !u->overflow) {
		/* answered at once, the connection closed: the rest is never read */
		u->overflow = true;
		if (u->file)
			fclose(u->file);
		u->file = nullptr;
		refuse_body(u->s, msg, "/v1/uploads", u->limit);
		return;
	}
	if (!u->file)
		return;
	if (u->head.size() < 4096)
		u->head.append(d, std::min<std::size_t>(len, 4096 - u->head.size()));
	if (fwrite(d, 1, len, u->file) != len)
		u->failed = true;
}

} /* namespace */

std::string asset_path(Server *s, const std::string &id)
{
	return server_options(s).data_dir + "/assets/" + id;
}

namespace {

std::string asset_signature(Server *s, const std::string &id)
{
	return hmac_hex(server_secret_of(s), "asset\n" + id);
}

std::string file_key(const StoredAsset &a)
{
	return "uploads/" + a.id + "/" + a.filename;
}

std::string asset_json(Server *s, const StoredAsset &a)
{
	std::string url =
	        server_origin(s) + kAssets + a.id + "/file?signature=" + asset_signature(s, a.id);
	/* upper case, as the Indream API writes its asset types and sources */
	g_autofree char *type = g_ascii_strup(a.type.c_str(), -1);
	return "{\"assetId\":" + jstr(a.id) + ",\"type\":" + jstr(type) +
	       ",\"source\":\"UPLOAD\",\"filename\":" + jstr(a.filename) +
	       ",\"mimetype\":" + jstr(a.mimetype) + ",\"size\":" + std::to_string(a.size) +
	       ",\"fileUrl\":" + jstr(url) + ",\"fileKey\":" + jstr(file_key(a)) +
	       ",\"width\":" + (a.width > 0 ? std::to_string(a.width) : "null") +
	       ",\"height\":" + (a.height > 0 ? std::to_string(a.height) : "null") +
	       ",\"duration\":" + (a.duration >= 0 ? jnum(a.duration) : "null") + "}";
}

std::string summary_members(const StoredProject &p)
{
	return "\"projectId\":" + jstr(p.id) + ",\"title\":" + jstr(p.title) +
	       ",\"description\":" + (p.has_description ? jstr(p.description) : "null");
}

std::string summary_json(const StoredProject &p)
{
	return "{" + summary_members(p) + ",\"createdAt\":" + jstr(p.created_at) +
	       ",\"updatedAt\":" + jstr(p.updated_at) + "}";
}

std::string envelope(const std::string &data)
{
	return "{\"data\":" + data + ",\"meta\":{}}";
}

Response project_not_found(const std::string &id)
{
	return problem(404, "OPEN_API_PROJECT_NOT_FOUND", "no project " + id);
}

Response asset_not_found(const std::string &id)
{
	return problem(404, "OPEN_API_ASSET_NOT_FOUND", "no asset " + id);
}

/* An optional string member no longer than max characters; null allowed when nullable.
 * *present tells whether it was given, *is_null whether it was null. */
bool string_member(JsonObject *o, const char *name, std::size_t max, bool nullable,
                   std::string *out, bool *present, bool *is_null, Response *error)
{
	*present = false;
	*is_null = false;
	JsonNode *n = json_object_get_member(o, name);
	if (!n)
		return true;
	*present = true;
	if (JSON_NODE_HOLDS_NULL(n) && nullable) {
		*is_null = true;
		return true;
	}
	if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING) {
		*error = problem(400, "OPEN_API_INVALID_REQUEST",
		                 std::string(name) + " must be a string" +
		                         (nullable ? " or null" : ""),
		                 name);
		return false;
	}
	*out = json_node_get_string(n);
	if (g_utf8_strlen(out->c_str(), -1) > glong(max)) {
		*error = problem(422, "OPEN_API_VALIDATION_FAILED",
		                 std::string(name) + " is longer than " + std::to_string(max) +
		                         " characters",
		                 name);
		return false;
	}
	return true;
}

/* Title and description of a create or patch request into *p. */
bool read_metadata(JsonObject *o, StoredProject *p, Response *error)
{
	std::string v;
	bool present = false, is_null = false;
	if (!string_member(o, "title", 120, false, &v, &present, &is_null, error))
		return false;
	if (present)
		p->title = v;
	if (!string_member(o, "description", 500, true, &v, &present, &is_null, error))
		return false;
	if (present) {
		p->has_description = !is_null;
		p->description = is_null ? "" : v;
	}
	return true;
}

/* A create or sync body parsed and validated on a worker thread (as /v1/editor/validate
 * and an export validate it: one parse, its own findings included): the title and
 * description of a create, the editorState's text as sent and its stateVersion. */
struct PreparedProject {
	Response error; /* status 0: none */
	StoredProject p;
	std::string version;
	bool has_version = false;
};

void prepare_project(std::size_t max_bytes, const std::string &body, bool create,
                     PreparedProject *pp)
{
	pp->error.status = 0;
	Diagnostics found;
	JsonNodePtr root = parse_body(max_bytes, body, &pp->error, &found);
	if (!root)
		return;
	JsonObject *o = json_node_get_object(root.get());
	pp->p.title = "Untitled project";
	if (create && !read_metadata(o, &pp->p, &pp->error))
		return;
	JsonNode *state = json_object_get_member(o, "editorState");
	if (!state) {
		pp->error = problem(400, "OPEN_API_INVALID_REQUEST", "editorState is required",
		                    "editorState");
		return;
	}
	bool is_null = false;
	if (!string_member(o, "stateVersion", 32, false, &pp->version, &pp->has_version, &is_null,
	                   &pp->error))
		return;
	pp->p.editor_state = node_text(state); /* as sent: validating rewrites legacy forms */
	JsonObject *wrapper = json_object_new();
	json_object_set_member(wrapper, "editorState", json_node_ref(state));
	JsonNodePtr request(json_node_init_object(json_node_alloc(), wrapper));
	json_object_unref(wrapper);
	EditorStateResult res = validate_request_state(request.get(), found);
	if (!res.valid()) {
		Diagnostic first = res.diagnostics.errors()[0]; /* errors() is a copy */
		pp->error = problem(422, "OPEN_API_EDITOR_STATE_INVALID",
		                    "editorState is invalid: " + first.path + ": " + first.message,
		                    "editorState", ",\"errors\":" + errors_json(res.diagnostics));
	}
}

/* The validated state into *p, with a new revision. */
void apply_state(const PreparedProject &pp, StoredProject *p)
{
	p->editor_state = pp.p.editor_state;
	p->revision++;
	p->state_version = pp.has_version ? pp.version : std::to_string(p->revision);
	p->updated_at = now_rfc3339();
}

/* pageSize (1..max, default def) and pageCursor ("<prefix>:<seq>" in base64). */
bool read_page(const Request &r, int def, int max, const char *prefix, int *size, gint64 *before,
               Response *error)
{
	*size = def;
	*before = 0;
	if (const char *ps = query_get(r, "pageSize")) {
		char *end = nullptr;
		gint64 v = g_ascii_strtoll(ps, &end, 10);
		if (!*ps || *end || v < 1 || v > max) {
			*error = problem(400, "OPEN_API_INVALID_REQUEST",
			                 "pageSize must be an integer from 1 to " +
			                         std::to_string(max),
			                 "pageSize");
			return false;
		}
		*size = int(v);
	}
	if (const char *c = query_get(r, "pageCursor")) {
		gsize len = 0;
		g_autofree guchar *raw = g_base64_decode(c, &len);
		std::string decoded(reinterpret_cast<const char *>(raw), len);
		std::string head = std::string(prefix) + ":";
		char *end = nullptr;
		if (decoded.compare(0, head.size(), head) == 0)
			*before = g_ascii_strtoll(decoded.c_str() + head.size(), &end, 10);
		if (*before <= 0 || !end || *end) {
			*error = problem(400, "OPEN_API_INVALID_REQUEST",
			                 "pageCursor is not a cursor of this list", "pageCursor");
			return false;
		}
	}
	return true;
}

std::string cursor_json(const char *prefix, gint64 seq)
{
	std::string c = std::string(prefix) + ":" + std::to_string(seq);
	g_autofree char *b64 =
	        g_base64_encode(reinterpret_cast<const guchar *>(c.data()), c.size());
	return jstr(b64);
}

Response route_create_project(Server *s, Request &r)
{
	std::string body = body_of(r.msg);
	Response replay;
	if (idempotency_replay(s, r, body, &replay))
		return replay;
	auto pp = std::make_shared<PreparedProject>();
	auto text = std::make_shared<std::string>(body);
	std::size_t max = server_options(s).max_body_bytes;
	return off_loop(
	        s, r, [pp, text, max] { prepare_project(max, *text, true, pp.get()); },
	        [s, pp, text](Request &lr) {
		        return idempotent(s, lr, *text, [&] {
			        if (pp->error.status)
				        return pp->error;
			        StoredProject p = pp->p;
			        apply_state(*pp, &p);
			        g_autofree char *uuid = g_uuid_string_random();
			        p.id = uuid;
			        p.key_id = lr.key->id;
			        p.created_at = p.updated_at;
			        if (!server_store(s).project_insert(p))
				        return problem(500, "OPEN_API_INTERNAL_ERROR",
				                       "the project could not be stored");
			        return json_response(201, envelope(summary_json(p)));
		        });
	        });
}

Response route_list_projects(Server *s, Request &r)
{
	Response out;
	int size = 0;
	gint64 before = 0;
	if (!read_page(r, 20, 50, "p", &size, &before, &out))
		return out;
	std::vector<StoredProject> list = server_store(s).project_list(r.key->id, before, size + 1);
	std::string next = "null";
	if (int(list.size()) > size) {
		list.resize(size);
		next = cursor_json("p", list.back().seq);
	}
	std::string data = "[";
	for (std::size_t i = 0; i < list.size(); i++)
		data += (i ? "," : "") + summary_json(list[i]);
	return json_response(200, "{\"data\":" + data + "],\"meta\":{\"nextPageCursor\":" + next +
	                                  ",\"pageSize\":" + std::to_string(size) + "}}");
}

Response route_project(Server *s, Request &r, StoredProject &p)
{
	TaskStore &store = server_store(s);
	if (r.method == "GET") {
		return json_response(
		        200, envelope("{" + summary_members(p) + ",\"createdAt\":" +
		                      jstr(p.created_at) + ",\"updatedAt\":" + jstr(p.updated_at) +
		                      ",\"editorState\":" + p.editor_state +
		                      ",\"stateVersion\":" + jstr(p.state_version) + "}"));
	}
	if (r.method == "DELETE") {
		if (!store.project_delete(r.key->id, p.id))
			return project_not_found(p.id);
		return json_response(
		        200, envelope("{\"projectId\":" + jstr(p.id) + ",\"deleted\":true}"));
	}
	if (r.method != "PATCH")
		return problem(405, "OPEN_API_METHOD_NOT_ALLOWED",
		               "method " + r.method + " is not allowed on " + r.path);
	Response out;
	JsonNodePtr root = parse_body(s, body_of(r.msg), &out);
	if (!root)
		return out;
	JsonObject *o = json_node_get_object(root.get());
	if (json_object_has_member(o, "editorState"))
		return problem(400, "OPEN_API_INVALID_REQUEST",
		               "PATCH changes title and description only: replace the editorState "
		               "with POST /v1/projects/" +
		                       p.id + "/sync",
		               "editorState");
	if (!read_metadata(o, &p, &out))
		return out;
	p.updated_at = now_rfc3339();
	if (!store.project_update(p))
		return problem(500, "OPEN_API_INTERNAL_ERROR", "the project could not be stored");
	return json_response(200, envelope("{" + summary_members(p) +
	                                   ",\"updatedAt\":" + jstr(p.updated_at) + "}"));
}

Response route_sync(Server *s, Request &r, StoredProject &p)
{
	Response out;
	if (sync_rate_limited(s, p.id, &out))
		return out;
	auto pp = std::make_shared<PreparedProject>();
	auto text = std::make_shared<std::string>(body_of(r.msg));
	std::size_t max = server_options(s).max_body_bytes;
	std::string id = p.id;
	return off_loop(
	        s, r, [pp, text, max] { prepare_project(max, *text, false, pp.get()); },
	        [s, pp, id](Request &lr) {
		        if (pp->error.status)
			        return pp->error;
		        StoredProject cur; /* as it is now: another sync may have come between */
		        if (!server_store(s).project_get(lr.key->id, id, &cur))
			        return project_not_found(id);
		        apply_state(*pp, &cur);
		        if (!server_store(s).project_update(cur))
			        return problem(500, "OPEN_API_INTERNAL_ERROR",
			                       "the project could not be stored");
		        return json_response(
		                200, envelope("{\"projectId\":" + jstr(cur.id) +
		                              ",\"stateVersion\":" + jstr(cur.state_version) +
		                              ",\"updatedAt\":" + jstr(cur.updated_at) + "}"));
	        });
}

/* A CreateProjectExportRequest becomes a CreateExportRequest with the project's state:
 * its text in *text, or a problem. */
Response project_export(Server *s, const StoredProject &p, const std::string &body,
                        std::string *text)
{
	Response out;
	JsonNodePtr root = parse_body(s, body, &out);
	if (!root)
		return out;
	JsonObject *o = json_node_get_object(root.get());
	if (json_object_has_member(o, "editorState"))
		return problem(400, "OPEN_API_INVALID_REQUEST",
		               "a project export renders the project's editorState: sync it first",
		               "editorState");
	for (const char *dim : {"compositionWidth", "compositionHeight"})
		json_object_remove_member(o, dim);
	Diagnostics diags;
	JsonLimits limits;
	JsonNodePtr state = parse_json(p.editor_state, limits, diags);
	if (!state)
		return problem(500, "OPEN_API_INTERNAL_ERROR", "the project's state is unreadable");
	json_object_set_member(o, "editorState", state.release());
	*text = node_text(root.get());
	return Response();
}

Response route_project_export(Server *s, Request &r, const StoredProject &p)
{
	std::string body = body_of(r.msg); /* a replay does not depend on later syncs */
	std::string text;
	Response out = idempotent(s, r, body, [&] {
		Response refused = project_export(s, p, body, &text);
		if (text.empty())
			return refused;
		Response deferred;
		deferred.deferred = true; /* not recorded: create_export does */
		return deferred;
	});
	if (text.empty() || !out.deferred)
		return out;
	return create_export(s, r, body, std::move(text), p.id);
}

Response route_project_assets(Server *s, Request &r, const StoredProject &p)
{
	TaskStore &store = server_store(s);
	Response out;
	if (r.method == "GET") {
		int size = 0;
		gint64 before = 0;
		if (!read_page(r, 80, 100, "b", &size, &before, &out))
			return out;
		std::vector<int64_t> seqs;
		std::vector<StoredAsset> list = store.project_assets(p.id, before, size + 1, &seqs);
		std::string next = "null";
		if (int(list.size()) > size) {
			list.resize(size);
			next = cursor_json("b", seqs[size - 1]);
		}
		std::string data = "[";
		for (std::size_t i = 0; i < list.size(); i++)
			data += (i ? "," : "") + asset_json(s, list[i]);
		return json_response(200, "{\"data\":" + data +
		                                  "],\"meta\":{\"nextPageCursor\":" + next +
		                                  ",\"pageSize\":" + std::to_string(size) + "}}");
	}
	if (r.method != "POST")
		return problem(405, "OPEN_API_METHOD_NOT_ALLOWED",
		               "method " + r.method + " is not allowed on " + r.path);
	JsonNodePtr root = parse_body(s, body_of(r.msg), &out);
	if (!root)
		return out;
	JsonNode *n = json_object_get_member(json_node_get_object(root.get()), "assetId");
	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return problem(400, "OPEN_API_INVALID_REQUEST", "assetId (a string) is required",
		               "assetId");
	std::string asset_id = json_node_get_string(n);
	StoredAsset a;
	if (!store.asset_get(r.key->id, asset_id, &a))
		return asset_not_found(asset_id);
	if (!store.project_asset_add(p.id, a.id))
		return problem(500, "OPEN_API_INTERNAL_ERROR", "the binding could not be stored");
	return json_response(
	        201, envelope("{\"projectId\":" + jstr(p.id) + ",\"assetId\":" + jstr(a.id) + "}"));
}

/* x-file-name: 1..512 characters of UTF-8, no path separator, control character, "." or
 * "..". */
std::string file_name_error(const char *name)
{
	if (!name)
		return "the x-file-name header is required";
	if (!*name || !g_utf8_validate(name, -1, nullptr) || g_utf8_strlen(name, -1) > 512)
		return "x-file-name must hold 1 to 512 characters of UTF-8";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strpbrk(name, "/\\"))
		return "x-file-name must be a file name without a path";
	for (const char *c = name; *c; c++)
		if (static_cast<unsigned char>(*c) < 0x20 || *c == 0x7f)
			return "x-file-name must not hold control characters";
	return "";
}

/* The facts of `jsontimeline probe` output into a video or audio asset ("" = unknown). */
void read_probe(const std::string &out, StoredAsset *a)
{
	Diagnostics d;
	JsonNodePtr root = out.empty() ? nullptr : parse_json(out, JsonLimits{}, d);
	if (!root || !JSON_NODE_HOLDS_OBJECT(root.get()))
		return;
	JsonObject *o = json_node_get_object(root.get());
	double v;
	if (json_node_number(json_object_get_member(o, "duration"), &v) && v >= 0)
		a->duration = v;
	double w, h;
	if (json_node_number(json_object_get_member(o, "width"), &w) &&
	    json_node_number(json_object_get_member(o, "height"), &h) && w >= 1 && h >= 1 &&
	    w <= 65535 && h <= 65535) {
		a->width = int(w);
		a->height = int(h);
	}
}

/* Moves an upload from its temporary file to its place and records it (bound to a project
 * unless project_id is ""); answers with its asset. Until then the temporary file goes
 * with the request (a service stopped meanwhile leaves nothing behind). */
Response store_upload(Server *s, StoredAsset &a, Upload *u, const std::string &project_id)
{
	TaskStore &store = server_store(s);
	std::string path = asset_path(s, a.id);
	if (g_rename(u->path.c_str(), path.c_str()) != 0)
		return problem(500, "OPEN_API_INTERNAL_ERROR", "the file could not be stored");
	u->kept = true;
	if (!store.asset_insert(a) ||
	    (!project_id.empty() && !store.project_asset_add(project_id, a.id))) {
		g_unlink(path.c_str());
		return problem(500, "OPEN_API_INTERNAL_ERROR", "the asset could not be stored");
	}
	return json_response(201, envelope(asset_json(s, a)));
}

Response route_upload(Server *s, Request &r)
{
	if (r.method != "POST")
		return problem(405, "OPEN_API_METHOD_NOT_ALLOWED", "use POST");
	SoupMessageHeaders *h = soup_server_message_get_request_headers(r.msg);
	const char *name = soup_message_headers_get_one(h, "x-file-name");
	std::string why = file_name_error(name);
	if (!why.empty())
		return problem(400, "OPEN_API_INVALID_REQUEST", why, "x-file-name");
	TaskStore &store = server_store(s);
	StoredProject project;
	const char *project_id = soup_message_headers_get_one(h, "x-project-id");
	if (project_id && !store.project_get(r.key->id, project_id, &project))
		return project_not_found(project_id);
	Upload *u = static_cast<Upload *>(g_object_get_data(G_OBJECT(r.msg), kUploadData));
	std::size_t limit = server_options(s).max_upload_bytes;
	if (u && u->overflow)
		return problem(413, "OPEN_API_PAYLOAD_TOO_LARGE",
		               "the file is larger than " + std::to_string(limit) + " bytes");
	if (u && u->file && fclose(u->file) != 0)
		u->failed = true;
	if (u)
		u->file = nullptr;
	if (!u || u->failed)
		return problem(500, "OPEN_API_INTERNAL_ERROR", "the file could not be stored");
	if (u->size == 0)
		return problem(400, "OPEN_API_INVALID_REQUEST",
		               "the request body (the file) is empty");
	if (server_stopping(s))
		return problem(503, "OPEN_API_SHUTTING_DOWN", "the service is stopping");
	const guchar *data = reinterpret_cast<const guchar *>(u->head.data());
	gsize len = u->head.size();
	StoredAsset a;
	g_autofree char *uuid = g_uuid_string_random();
	a.id = uuid;
	a.key_id = r.key->id;
	a.filename = name;
	a.size = gint64(u->size);
	a.created_at = now_rfc3339();
	/* the type from the bytes and the name; the client's Content-Type when that says
	 * nothing better */
	gboolean uncertain = FALSE;
	g_autofree char *ctype = g_content_type_guess(name, data, len, &uncertain);
	g_autofree char *mime = ctype ? g_content_type_get_mime_type(ctype) : nullptr;
	a.mimetype = mime ? mime : "application/octet-stream";
	const char *given = soup_message_headers_get_content_type(h, nullptr);
	if ((uncertain || a.mimetype == "application/octet-stream") && given &&
	    strchr(given, '/') && g_utf8_validate(given, -1, nullptr))
		a.mimetype = given;
	for (const char *kind : {"image", "video", "audio"})
		if (a.mimetype.compare(0, strlen(kind) + 1, std::string(kind) + "/") == 0)
			a.type = kind;
	if (a.type.empty())
		a.type = "file";
	std::string bound = project_id ? project.id : "";
	if (a.type == "image") {
		int w = 0, h2 = 0;
		if (gdk_pixbuf_get_file_info(u->path.c_str(), &w, &h2)) {
			a.width = w;
			a.height = h2;
		}
	} else if (a.type == "video" || a.type == "audio") {
		/* duration and picture size from a child process (hostile media cannot hurt
		 * the service); the answer waits for it, the message (and so the upload) held */
		std::shared_ptr<Later> later = answer_later(s, r);
		probe_media(s, u->path, [s, later, a, u, bound](const std::string &out) mutable {
			read_probe(out, &a);
			later->run([&] { return store_upload(s, a, u, bound); });
		});
		Response deferred;
		deferred.deferred = true;
		return deferred;
	}
	return store_upload(s, a, u, bound);
}

Response route_asset(Server *s, Request &r, const std::string &id)
{
	TaskStore &store = server_store(s);
	StoredAsset a;
	if (r.method != "GET" && r.method != "DELETE")
		return problem(405, "OPEN_API_METHOD_NOT_ALLOWED",
		               "method " + r.method + " is not allowed on " + r.path);
	if (!store.asset_get(r.key->id, id, &a))
		return asset_not_found(id);
	if (r.method == "GET")
		return json_response(200, envelope(asset_json(s, a)));
	if (store.asset_referenced(r.key->id, a.id) ||
	    store.asset_referenced(r.key->id, file_key(a)))
		return problem(
		        409, "ASSET_REFERENCED",
		        "asset " + a.id +
		                " is used by a project's editorState or an unfinished export");
	if (!store.asset_delete(r.key->id, a.id))
		return asset_not_found(id);
	g_unlink(asset_path(s, a.id).c_str());
	return json_response(200, envelope("{\"assetId\":" + jstr(a.id) + ",\"deleted\":true}"));
}

} /* namespace */

void upload_begin(Server *s, SoupServerMessage *msg)
{
	if (strcmp(soup_server_message_get_method(msg), "POST") != 0)
		return;
	Upload *u = new Upload;
	u->s = s;
	u->limit = server_options(s).max_upload_bytes;
	if (authenticate(s, msg)) {
		g_autofree char *uuid = g_uuid_string_random();
		u->path = server_options(s).data_dir + "/assets/.tmp/" + uuid;
		int fd = g_open(u->path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		u->file = fd >= 0 ? fdopen(fd, "wb") : nullptr;
		if (!u->file) {
			if (fd >= 0)
				close(fd);
			u->failed = true;
		}
	}
	g_object_set_data_full(G_OBJECT(msg), kUploadData, u,
	                       [](gpointer p) { delete static_cast<Upload *>(p); });
	soup_message_body_set_accumulate(soup_server_message_get_request_body(msg), FALSE);
	g_signal_connect(msg, "got-chunk", G_CALLBACK(on_upload_chunk), u);
}

namespace {

Response route_asset_file(Server *s, Request &r)
{
	const std::string &id = r.param("assetId");
	const char *signature = query_get(r, "signature");
	if (!signature || !equal_constant_time(asset_signature(s, id), signature))
		return problem(403, "OPEN_API_DOWNLOAD_SIGNATURE_INVALID",
		               "the file link is not valid: ask GET /v1/assets/" + id +
		                       " for its fileUrl");
	g_autoptr(GError) err = nullptr;
	GMappedFile *mapped = g_mapped_file_new(asset_path(s, id).c_str(), FALSE, &err);
	if (!mapped)
		return asset_not_found(id);
	Response out;
	out.file = g_mapped_file_get_bytes(mapped);
	g_mapped_file_unref(mapped);
	out.content_type = "application/octet-stream";
	return out;
}

/* The routes under /v1/projects/{projectId}: the project is looked up first (404), then
 * the method (405). */
Response route_in_project(Server *s, Request &r)
{
	std::vector<std::string> seg = split_path(r.path);
	const std::string &m = r.method;
	Response not_allowed = problem(405, "OPEN_API_METHOD_NOT_ALLOWED",
	                               "method " + m + " is not allowed on " + r.path);
	StoredProject p;
	if (!server_store(s).project_get(r.key->id, seg[2], &p))
		return project_not_found(seg[2]);
	if (seg.size() == 3)
		return route_project(s, r, p);
	if (seg[3] == "sync")
		return m == "POST" ? route_sync(s, r, p) : not_allowed;
	if (seg[3] == "exports")
		return m == "POST" ? route_project_export(s, r, p) : not_allowed;
	if (seg.size() == 4)
		return route_project_assets(s, r, p);
	/* /v1/projects/{projectId}/assets/{assetId} */
	if (m != "DELETE")
		return not_allowed;
	if (!server_store(s).project_asset_remove(p.id, seg[4]))
		return problem(404, "OPEN_API_ASSET_NOT_FOUND",
		               "asset " + seg[4] + " is not bound to project " + p.id);
	return json_response(200, envelope("{\"projectId\":" + jstr(p.id) +
	                                   ",\"assetId\":" + jstr(seg[4]) + ",\"deleted\":true}"));
}

Response route_asset_by_id(Server *s, Request &r)
{
	return route_asset(s, r, r.param("assetId"));
}

} /* namespace */

void register_indream_project_routes(RouteTable &t)
{
	t.add({"POST", "/v1/uploads", Auth::Key, route_upload, "use POST"});
	t.add({"GET", "/v1/assets/{assetId}", Auth::Key, route_asset_by_id});
	t.add({"DELETE", "/v1/assets/{assetId}", Auth::Key, route_asset_by_id});
	t.add({"GET", "/v1/assets/{assetId}/file", Auth::Signed, route_asset_file, "use GET"});
	t.add({"POST", kProjects, Auth::Key, route_create_project});
	t.add({"GET", kProjects, Auth::Key, route_list_projects});
	for (const char *pattern :
	     {"/v1/projects/{projectId}", "/v1/projects/{projectId}/sync",
	      "/v1/projects/{projectId}/exports", "/v1/projects/{projectId}/assets",
	      "/v1/projects/{projectId}/assets/{assetId}"})
		t.add({"*", pattern, Auth::Key, route_in_project});
}

std::string owned_upload(Server *s, const std::string &key_id, const std::string &url)
{
	/* .../v1/assets/ID/file?signature=SIG, signed by this service */
	std::size_t at = url.find("/v1/assets/");
	std::size_t q = url.find("/file?signature=");
	if (at == std::string::npos || q == std::string::npos || q <= at + 11)
		return "";
	std::string id = url.substr(at + 11, q - at - 11);
	std::string sig = url.substr(q + 16);
	StoredAsset a;
	if (id.find('/') != std::string::npos || id.find("..") != std::string::npos ||
	    !equal_constant_time(asset_signature(s, id), sig) ||
	    !server_store(s).asset_get(key_id, id, &a))
		return "";
	std::string path = asset_path(s, id);
	return g_file_test(path.c_str(), G_FILE_TEST_IS_REGULAR) ? id : "";
}

} /* namespace serve_detail */
} /* namespace jtl */
