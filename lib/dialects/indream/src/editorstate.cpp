// SPDX-License-Identifier: LGPL-2.1-or-later
// Indream editorState v1: legacy shorthand, schema and semantic validation, model building.
#include <jsontimeline/editorstate.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <set>
#include <unordered_map>

#include <gio/gio.h>

extern "C" GResource *jtl_resources_get_resource(void);

namespace jtl {

namespace {

/* ---- safe accessors: they never assume the schema passed -------------------------- */

JsonObject *as_object(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : nullptr;
}

JsonArray *as_array(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : nullptr;
}

JsonNode *member(JsonObject *o, const char *key)
{
	return o ? json_object_get_member(o, key) : nullptr;
}

bool get_string(JsonObject *o, const char *key, std::string *out)
{
	JsonNode *n = member(o, key);
	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return false;
	*out = json_node_get_string(n);
	return true;
}

std::string str(JsonObject *o, const char *key, const std::string &fallback = {})
{
	std::string s;
	return get_string(o, key, &s) ? s : fallback;
}

std::optional<std::string> opt_str(JsonObject *o, const char *key)
{
	std::string s;
	if (get_string(o, key, &s))
		return s;
	return std::nullopt;
}

bool get_number(JsonObject *o, const char *key, double *out)
{
	return json_node_number(member(o, key), out);
}

double num(JsonObject *o, const char *key, double fallback = 0.0)
{
	double v;
	return get_number(o, key, &v) ? v : fallback;
}

/* Integer ticks; only meaningful after the schema (integer) and the range checks. */
bool get_ticks(JsonObject *o, const char *key, Ticks *out)
{
	double v;
	if (!get_number(o, key, &v) || !std::isfinite(v) || std::floor(v) != v ||
	    std::fabs(v) > double(kMaxSafeInteger))
		return false;
	*out = Ticks(v);
	return true;
}

bool boolean(JsonObject *o, const char *key, bool fallback = false)
{
	JsonNode *n = member(o, key);
	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_BOOLEAN)
		return fallback;
	return json_node_get_boolean(n);
}

template <typename F>
void for_each_member(JsonObject *o, F &&f)
{
	if (!o)
		return;
	JsonObjectIter it;
	const gchar *name;
	JsonNode *node;
	json_object_iter_init(&it, o);
	while (json_object_iter_next(&it, &name, &node))
		f(std::string(name), node);
}

template <typename F>
void for_each_element(JsonArray *a, F &&f)
{
	if (!a)
		return;
	guint n = json_array_get_length(a);
	for (guint i = 0; i < n; i++)
		f(std::size_t(i), json_array_get_element(a, i));
}

std::string quoted(const std::string &s)
{
	std::string q = s.size() > 60 ? s.substr(0, 60) + "..." : s;
	return "\"" + q + "\"";
}

/* ---- which properties each item type declares ------------------------------------ */

bool has_geometry(const std::string &type)
{
	return type != "effect" && type != "filter" && !type.empty();
}

bool known_item_type(const std::string &type)
{
	static const std::set<std::string> types = {
	        "image",    "video", "gif",          "lottie", "audio",  "text", "text-template",
	        "captions", "solid", "illustration", "effect", "filter", "chart"};
	return types.count(type) > 0;
}

/* Animated number tracks an item type has besides the seven geometry tracks. */
std::vector<const char *> extra_tracks(const std::string &type)
{
	std::vector<const char *> out;
	if (type != "audio" && has_geometry(type))
		out.push_back("rotation");
	if (type == "image" || type == "video" || type == "gif" || type == "solid")
		out.push_back("borderRadius");
	if (type == "image" || type == "video" || type == "gif") {
		for (const char *c : {"cropLeft", "cropTop", "cropRight", "cropBottom"})
			out.push_back(c);
	}
	if (type == "video" || type == "audio")
		out.push_back("decibelAdjustment");
	return out;
}

const char *const kGeometryTracks[] = {"top",    "left",   "width",  "height",
                                       "scaleX", "scaleY", "opacity"};

JsonNode *make_track(double value)
{
	JsonObject *o = json_object_new();
	json_object_set_double_member(o, "value", value);
	json_object_set_array_member(o, "keyframes", json_array_new());
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(n, o);
	return n;
}

/* Rewrites the legacy shorthand of the product-page example into v1 form, with one
 * warning per rewrite: a plain number where v1 has {value, keyframes}; {value} without
 * keyframes; missing scaleX/scaleY (1). */
void normalize_legacy(JsonObject *state, const std::string &base, Diagnostics &diags)
{
	JsonObject *items = as_object(member(state, "items"));
	std::string items_path = json_pointer_append(base, "items");
	for_each_member(items, [&](const std::string &key, JsonNode *node) {
		JsonObject *item = as_object(node);
		std::string type = str(item, "type");
		if (!item || !known_item_type(type) || !has_geometry(type))
			return;
		std::string path = json_pointer_append(items_path, key);
		std::vector<const char *> names(std::begin(kGeometryTracks),
		                                std::end(kGeometryTracks));
		for (const char *e : extra_tracks(type))
			names.push_back(e);
		for (const char *name : names) {
			JsonNode *v = member(item, name);
			std::string p = json_pointer_append(path, name);
			double d;
			if (!v) {
				if (std::string(name) == "scaleX" ||
				    std::string(name) == "scaleY") {
					json_object_set_member(item, name, make_track(1.0));
					diags.warning("EDITOR_LEGACY_SHORTHAND", p,
					              std::string("legacy shorthand: \"") + name +
					                      "\" is missing; using {\"value\": 1, "
					                      "\"keyframes\": []}",
					              Kind::Schema);
				}
				continue;
			}
			if (json_node_number(v, &d)) {
				std::string text = json_excerpt(v);
				diags.warning("EDITOR_LEGACY_SHORTHAND", p,
				              "legacy shorthand: the plain number " + text +
				                      " stands for {\"value\": " + text +
				                      ", \"keyframes\": []}",
				              Kind::Schema);
				json_object_set_member(item, name, make_track(d)); /* frees v */
				continue;
			}
			JsonObject *o = as_object(v);
			double dv;
			if (o && json_object_get_size(o) == 1 && get_number(o, "value", &dv)) {
				json_object_set_array_member(o, "keyframes", json_array_new());
				diags.warning(
				        "EDITOR_LEGACY_SHORTHAND", p,
				        "legacy shorthand: {\"value\"} without \"keyframes\"; "
				        "using an empty keyframe list",
				        Kind::Schema);
			}
		}
	});
}

/* ---- schema --------------------------------------------------------------------- */

struct CompiledSchemas {
	std::string editor_text;
	std::unique_ptr<JsonSchema> editor;
	std::unique_ptr<JsonSchema> request;
};

/* The fields of the Open API export/project requests that may wrap an editorState. */
const char kRequestSchema[] = R"({
  "type": "object",
  "required": ["editorState"],
  "properties": {
    "clientTaskId": {"type": "string", "maxLength": 128},
    "stateVersion": {"type": "string", "maxLength": 32},
    "fps": {"type": "integer", "enum": [30, 60]},
    "compositionWidth": {"type": "integer", "minimum": 50, "maximum": 1920},
    "compositionHeight": {"type": "integer", "minimum": 50, "maximum": 1920},
    "ratio": {"type": "string", "enum": ["16:9", "9:16", "1:1", "4:3", "3:4", "custom"]},
    "scale": {"type": "number", "minimum": 0.6, "maximum": 8.0},
    "format": {"type": "string", "enum": ["mp4", "webm"]},
    "callbackUrl": {"type": "string", "maxLength": 1024},
    "callbackHeaders": {"type": "object", "additionalProperties": {"type": "string"}},
    "title": {"type": "string"},
    "description": {"type": ["string", "null"]}
  }
})";

std::unique_ptr<JsonSchema> compile_text(std::string_view text)
{
	Diagnostics d;
	JsonNodePtr node = parse_json(text, JsonLimits{}, d);
	if (!node)
		g_error("jsontimeline: embedded schema does not parse");
	g_autoptr(GError) error = nullptr;
	std::unique_ptr<JsonSchema> schema = JsonSchema::compile(node.get(), &error);
	if (!schema)
		g_error("jsontimeline: embedded schema does not compile: %s", error->message);
	return schema;
}

const CompiledSchemas &schemas()
{
	static CompiledSchemas *s = [] {
		auto *c = new CompiledSchemas();
		g_autoptr(GError) error = nullptr;
		g_autoptr(GBytes) bytes =
		        g_resource_lookup_data(jtl_resources_get_resource(),
		                               "/org/jsontimeline/editor-state.v1.schema.json",
		                               G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
		if (!bytes)
			g_error("jsontimeline: embedded schema missing: %s", error->message);
		gsize size;
		const char *data = static_cast<const char *>(g_bytes_get_data(bytes, &size));
		c->editor_text.assign(data, size);
		c->editor = compile_text(c->editor_text);
		c->request = compile_text(kRequestSchema);
		return c;
	}();
	return *s;
}

/* The item id in a path "<base>/items/<id>/..." when the rest is exactly tail. */
bool path_is(const std::string &path, const std::string &base, const char *collection,
             const char *tail)
{
	std::string prefix = base + "/" + collection + "/";
	if (path.compare(0, prefix.size(), prefix) != 0)
		return false;
	std::size_t slash = path.find('/', prefix.size());
	if (slash == std::string::npos)
		return false;
	return path.compare(slash, std::string::npos, tail) == 0;
}

std::string code_for(const SchemaError &e, const std::string &base)
{
	bool choice = e.keyword == "enum" || e.keyword == "const" || e.keyword == "oneOf" ||
	              e.keyword == "anyOf" || e.keyword == "discriminator";
	if (choice && path_is(e.path, base, "items", "/effectType"))
		return "EDITOR_EFFECT_TYPE_INVALID";
	if (choice && path_is(e.path, base, "items", "/filterType"))
		return "EDITOR_FILTER_TYPE_INVALID";
	if (choice && path_is(e.path, base, "transitions", "/type"))
		return "EDITOR_TRANSITION_TYPE_INVALID";
	if (choice && path_is(e.path, base, "items", "/type"))
		return "EDITOR_ITEM_TYPE_INVALID";
	if (choice && path_is(e.path, base, "assets", "/type"))
		return "EDITOR_ASSET_TYPE_INVALID";
	return "EDITOR_SCHEMA_INVALID";
}

void check_schema(const JsonSchema &schema, JsonNode *node, const std::string &base,
                  Diagnostics &diags, const char *code_override = nullptr)
{
	std::vector<SchemaError> errors;
	if (schema.validate(node, errors, base))
		return;
	for (const SchemaError &e : errors)
		diags.error(code_override ? code_override : code_for(e, base), e.path, e.message,
		            Kind::Schema);
}

/* ---- semantic rules ------------------------------------------------------------- */

struct Span {
	Ticks start = 0, end = 0;
	bool valid = false;
};

Span item_span(JsonObject *item)
{
	Span s;
	Ticks start, dur;
	if (get_ticks(item, "startTicks", &start) && get_ticks(item, "durationTicks", &dur) &&
	    start >= 0 && dur >= 1) {
		s.start = start;
		s.end = start + dur;
		s.valid = true;
	}
	return s;
}

const char *expected_asset_types(const std::string &item_type)
{
	if (item_type == "image")
		return "image";
	if (item_type == "video")
		return "video";
	if (item_type == "gif")
		return "gif";
	if (item_type == "audio")
		return "audio|video";
	if (item_type == "lottie")
		return "lottie";
	if (item_type == "captions")
		return "caption";
	return nullptr;
}

bool asset_type_fits(const std::string &expected, const std::string &actual)
{
	std::size_t start = 0;
	while (start <= expected.size()) {
		std::size_t bar = expected.find('|', start);
		std::string one = expected.substr(
		        start, bar == std::string::npos ? std::string::npos : bar - start);
		if (one == actual)
			return true;
		if (bar == std::string::npos)
			break;
		start = bar + 1;
	}
	return false;
}

class SemanticChecker
{
public:
	SemanticChecker(JsonObject *state, const std::string &base, Diagnostics &diags)
	        : state_(state), base_(base), diags_(diags)
	{
		items_ = as_object(member(state, "items"));
		assets_ = as_object(member(state, "assets"));
	}

	void run()
	{
		check_ids("items", "EDITOR_ITEM_ID_MISMATCH");
		check_ids("assets", "EDITOR_ASSET_ID_MISMATCH");
		check_ids("transitions", "EDITOR_TRANSITION_ID_MISMATCH");
		check_tracks();
		check_items();
		check_transitions();
		check_captions();
		check_brand();
	}

private:
	void error(const char *code, const std::string &path, const std::string &msg)
	{
		diags_.error(code, path, msg, Kind::Semantic);
	}
	void warning(const char *code, const std::string &path, const std::string &msg)
	{
		diags_.warning(code, path, msg, Kind::Semantic);
	}
	std::string path(const char *collection, const std::string &key) const
	{
		return json_pointer_append(json_pointer_append(base_, collection), key);
	}

	void check_ids(const char *collection, const char *code)
	{
		for_each_member(as_object(member(state_, collection)), [&](const std::string &key,
		                                                           JsonNode *node) {
			std::string id;
			if (get_string(as_object(node), "id", &id) && id != key)
				error(code, json_pointer_append(path(collection, key), "id"),
				      "the id " + quoted(id) + " differs from its key " +
				              quoted(key) + " in \"" + collection + "\"");
		});
	}

	void check_tracks()
	{
		std::unordered_map<std::string, std::size_t> track_ids;
		std::string tracks_path = json_pointer_append(base_, "tracks");
		for_each_element(as_array(member(state_, "tracks")), [&](std::size_t ti,
		                                                         JsonNode *tn) {
			JsonObject *track = as_object(tn);
			std::string tpath = json_pointer_append(tracks_path, ti);
			std::string tid;
			if (get_string(track, "id", &tid)) {
				auto [it, fresh] = track_ids.emplace(tid, ti);
				if (!fresh)
					error("EDITOR_TRACK_ID_DUPLICATE",
					      json_pointer_append(tpath, "id"),
					      "the track id " + quoted(tid) +
					              " is also used by track " +
					              std::to_string(it->second));
				else
					track_index_[tid] = ti;
			}
			std::vector<std::pair<Span, std::pair<std::string, std::size_t>>> spans;
			std::string ipath = json_pointer_append(tpath, "items");
			for_each_element(as_array(member(track, "items")), [&](std::size_t ii,
			                                                       JsonNode *in) {
				if (!in || !JSON_NODE_HOLDS_VALUE(in) ||
				    json_node_get_value_type(in) != G_TYPE_STRING)
					return;
				std::string id = json_node_get_string(in);
				std::string p = json_pointer_append(ipath, ii);
				JsonObject *item = as_object(member(items_, id.c_str()));
				if (!item) {
					error("EDITOR_TRACK_ITEM_NOT_FOUND", p,
					      "the track refers to the item " + quoted(id) +
					              ", which is not in \"items\"");
					return;
				}
				auto [it, fresh] = item_track_.emplace(id, std::make_pair(ti, ii));
				if (!fresh) {
					error("EDITOR_ITEM_IN_SEVERAL_TRACKS", p,
					      "the item " + quoted(id) + " is already listed at " +
					              json_pointer_append(
					                      json_pointer_append(
					                              json_pointer_append(
					                                      tracks_path,
					                                      it->second.first),
					                              "items"),
					                      it->second.second) +
					              "; an item belongs to exactly one track, "
					              "once");
					return;
				}
				Span s = item_span(item);
				if (s.valid)
					spans.push_back({s, {id, ii}});
			});
			std::stable_sort(spans.begin(), spans.end(),
			                 [](const auto &a, const auto &b) {
				                 return a.first.start < b.first.start;
			                 });
			/* Compare each item with the furthest-reaching one before it. */
			std::size_t reach = 0;
			for (std::size_t k = 1; k < spans.size(); k++) {
				const auto &prev = spans[reach];
				const auto &cur = spans[k];
				if (cur.first.start < prev.first.end)
					error("EDITOR_TRACK_ITEMS_OVERLAP",
					      json_pointer_append(ipath, cur.second.second),
					      "the item " + quoted(cur.second.first) + " (ticks " +
					              std::to_string(cur.first.start) + "-" +
					              std::to_string(cur.first.end) +
					              ") overlaps " + quoted(prev.second.first) +
					              " (ticks " +
					              std::to_string(prev.first.start) + "-" +
					              std::to_string(prev.first.end) +
					              ") in the same track; items of a track may "
					              "touch but "
					              "not overlap");
				if (cur.first.end > prev.first.end)
					reach = k;
			}
		});
	}

	void check_keyframes(JsonObject *item, const std::string &ipath, Ticks duration)
	{
		for_each_member(item, [&](const std::string &name, JsonNode *node) {
			JsonObject *track = as_object(node);
			JsonArray *kfs = as_array(member(track, "keyframes"));
			if (!kfs || !member(track, "value"))
				return;
			for_each_element(kfs, [&](std::size_t k, JsonNode *kn) {
				Ticks t;
				if (!get_ticks(as_object(kn), "timeTicks", &t) || t < duration)
					return; /* the common case: no path is built */
				std::string p = json_pointer_append(
				        json_pointer_append(
				                json_pointer_append(
				                        json_pointer_append(ipath, name),
				                        "keyframes"),
				                k),
				        "timeTicks");
				if (t > duration)
					error("EDITOR_KEYFRAME_OUT_OF_RANGE", p,
					      "the keyframe time " + std::to_string(t) +
					              " lies outside the clip (local time must be "
					              "< "
					              "durationTicks = " +
					              std::to_string(duration) + ")");
				else if (t == duration)
					warning("EDITOR_KEYFRAME_AT_CLIP_END", p,
					        "the keyframe time " + std::to_string(t) +
					                " equals durationTicks; local time should "
					                "be < "
					                "durationTicks (it is used as the clip's "
					                "last "
					                "value)");
			});
		});
	}

	void check_items()
	{
		std::set<std::string> deleted;
		for_each_element(as_array(member(state_, "deletedAssets")),
		                 [&](std::size_t, JsonNode *n) {
			                 std::string id;
			                 if (get_string(as_object(n), "assetId", &id))
				                 deleted.insert(id);
		                 });
		for_each_member(items_, [&](const std::string &key, JsonNode *node) {
			JsonObject *item = as_object(node);
			if (!item)
				return;
			std::string ipath = path("items", key);
			std::string type = str(item, "type");
			Span s = item_span(item);
			if (s.valid) {
				if (s.end > kMaxTimelineTicks)
					error("EDITOR_TIMELINE_TOO_LONG",
					      json_pointer_append(ipath, s.start > kMaxTimelineTicks
					                                         ? "startTicks"
					                                         : "durationTicks"),
					      "the item ends at tick " + std::to_string(s.end) +
					              ", beyond the longest timeline supported (24 "
					              "h = " +
					              std::to_string(kMaxTimelineTicks) +
					              " ticks)");
				check_keyframes(item, ipath, s.end - s.start);
			}
			if (!item_track_.count(key))
				warning("EDITOR_ITEM_NOT_IN_TRACK", ipath,
				        "the item " + quoted(key) +
				                " is in no track and will not be rendered");
			const char *expected = expected_asset_types(type);
			std::string asset_id;
			if (!expected || !get_string(item, "assetId", &asset_id))
				return;
			std::string apath = json_pointer_append(ipath, "assetId");
			if (deleted.count(asset_id)) {
				error("EDITOR_ASSET_DELETED", apath,
				      "the asset " + quoted(asset_id) +
				              " is listed in \"deletedAssets\" and cannot be used");
				return;
			}
			JsonObject *asset = as_object(member(assets_, asset_id.c_str()));
			if (!asset) {
				error("EDITOR_ASSET_NOT_FOUND", apath,
				      "the asset " + quoted(asset_id) + " is not in \"assets\"");
				return;
			}
			std::string atype = str(asset, "type");
			if (!asset_type_fits(expected, atype)) {
				std::string want = expected;
				std::replace(want.begin(), want.end(), '|', '/');
				error("EDITOR_ASSET_TYPE_MISMATCH", apath,
				      "the " + type + " item refers to the " + atype + " asset " +
				              quoted(asset_id) + "; it needs a " + want + " asset");
			}
		});
	}

	void check_transitions()
	{
		std::set<std::pair<std::string, std::string>> cuts;
		for_each_member(
		        as_object(member(state_, "transitions")),
		        [&](const std::string &key, JsonNode *node) {
			        JsonObject *tr = as_object(node);
			        if (!tr)
				        return;
			        std::string tpath = path("transitions", key);
			        std::string track_id, from, to;
			        if (!get_string(tr, "trackId", &track_id) ||
			            !get_string(tr, "fromClipId", &from) ||
			            !get_string(tr, "toClipId", &to))
				        return;
			        bool ok = true;
			        if (!track_index_.count(track_id)) {
				        error("EDITOR_TRANSITION_TRACK_NOT_FOUND",
				              json_pointer_append(tpath, "trackId"),
				              "the transition's track " + quoted(track_id) +
				                      " does not exist");
				        ok = false;
			        }
			        for (auto [field, id] :
			             {std::pair<const char *, std::string *>{"fromClipId", &from},
			              {"toClipId", &to}}) {
				        if (!member(items_, id->c_str())) {
					        error("EDITOR_TRANSITION_CLIP_NOT_FOUND",
					              json_pointer_append(tpath, field),
					              "the transition's clip " + quoted(*id) +
					                      " is not in \"items\"");
					        ok = false;
				        }
			        }
			        if (!ok)
				        return;
			        std::size_t ti = track_index_[track_id];
			        auto in_track = [&](const std::string &id) {
				        auto it = item_track_.find(id);
				        return it != item_track_.end() && it->second.first == ti;
			        };
			        Span a = item_span(as_object(member(items_, from.c_str())));
			        Span b = item_span(as_object(member(items_, to.c_str())));
			        std::string why;
			        if (from == to)
				        why = "a transition joins two different clips";
			        else if (!in_track(from) || !in_track(to))
				        why = "both clips must be in the track " + quoted(track_id);
			        else if (a.valid && b.valid && a.end != b.start)
				        why = quoted(from) + " ends at tick " +
				              std::to_string(a.end) + " but " + quoted(to) +
				              " starts at tick " + std::to_string(b.start) +
				              "; the clips must touch";
			        if (!why.empty()) {
				        error("EDITOR_TRANSITION_CLIP_NOT_ADJACENT", tpath,
				              "the transition from " + quoted(from) + " to " +
				                      quoted(to) +
				                      " does not join adjacent clips: " + why);
				        return;
			        }
			        if (!cuts.insert({from, to}).second)
				        error("EDITOR_TRANSITION_DUPLICATE", tpath,
				              "another transition already joins " + quoted(from) +
				                      " and " + quoted(to));
		        });
	}

	void check_captions()
	{
		for_each_member(assets_, [&](const std::string &key, JsonNode *node) {
			JsonObject *asset = as_object(node);
			if (str(asset, "type") != "caption")
				return;
			std::string cpath = json_pointer_append(path("assets", key), "captions");
			for_each_element(as_array(member(asset, "captions")), [&](std::size_t i,
			                                                          JsonNode *en) {
				JsonObject *e = as_object(en);
				double start, end;
				if (get_number(e, "startMs", &start) &&
				    get_number(e, "endMs", &end) && end < start)
					error("EDITOR_CAPTION_TIMING_INVALID",
					      json_pointer_append(json_pointer_append(cpath, i),
					                          "endMs"),
					      "the caption ends (" +
					              json_excerpt(member(e, "endMs")) +
					              " ms) before it starts (" +
					              json_excerpt(member(e, "startMs")) + " ms)");
			});
		});
	}

	void check_brand()
	{
		JsonObject *brand = as_object(member(state_, "brandRuntime"));
		std::string bpath = json_pointer_append(base_, "brandRuntime");
		for (const char *field : {"overlayTrackId", "underlayTrackId"}) {
			std::string id;
			if (get_string(brand, field, &id) && !track_index_.count(id))
				warning("EDITOR_BRAND_TRACK_NOT_FOUND",
				        json_pointer_append(bpath, field),
				        "the brand track " + quoted(id) + " does not exist");
		}
	}

	JsonObject *state_;
	std::string base_;
	Diagnostics &diags_;
	JsonObject *items_ = nullptr;
	JsonObject *assets_ = nullptr;
	std::unordered_map<std::string, std::size_t> track_index_;
	/* item id -> (track index, index in the track) of its first listing */
	std::unordered_map<std::string, std::pair<std::size_t, std::size_t>> item_track_;
};

/* ---- budgets: counts and lengths, checked before anything else ------------------ */

/* What the document asks of the engine, counted in one pass over it, against
 * DocumentBudgets (docs/limits.md). Each budget is reported once, at the JSON pointer where
 * it is exceeded. Runs before the schema: a document over budget costs nothing more. */
class BudgetChecker
{
public:
	BudgetChecker(JsonObject *state, const std::string &base, const DocumentBudgets &budgets,
	              Diagnostics &diags)
	        : state_(state), base_(base), b_(budgets), diags_(diags)
	{
	}

	void run()
	{
		if (!state_)
			return;
		JsonObject *items = as_object(member(state_, "items"));
		JsonObject *assets = as_object(member(state_, "assets"));
		count("items", items ? json_object_get_size(items) : 0, b_.max_items,
		      "EDITOR_TOO_MANY_ITEMS");
		count("assets", assets ? json_object_get_size(assets) : 0, b_.max_assets,
		      "EDITOR_TOO_MANY_ASSETS");
		JsonArray *tracks = as_array(member(state_, "tracks"));
		count("tracks", tracks ? json_array_get_length(tracks) : 0, b_.max_tracks,
		      "EDITOR_TOO_MANY_TRACKS");
		if (diags_.has_errors())
			return; /* the counts below would only take longer */
		check_effect_tracks(tracks, items);
		for_each_member(items, [&](const std::string &key, JsonNode *node) {
			check_item(as_object(node), json_pointer_append(path("items"), key));
		});
		for_each_member(assets, [&](const std::string &key, JsonNode *node) {
			check_asset(as_object(node), json_pointer_append(path("assets"), key));
		});
	}

private:
	std::string path(const char *collection) const
	{
		return json_pointer_append(base_, collection);
	}

	void count(const char *collection, std::size_t n, std::size_t limit, const char *code)
	{
		if (n > limit)
			diags_.error(code, path(collection),
			             "the document has " + std::to_string(n) + " " + collection +
			                     "; the limit is " + std::to_string(limit),
			             Kind::Semantic);
	}

	/* Each track holding effects or filters splits the compositing and adds a pass over
	 * every frame. */
	void check_effect_tracks(JsonArray *tracks, JsonObject *items)
	{
		std::size_t n = 0;
		for_each_element(tracks, [&](std::size_t ti, JsonNode *tn) {
			JsonObject *track = as_object(tn);
			if (n > b_.max_effect_tracks || boolean(track, "hidden"))
				return;
			bool adjusts = false;
			for_each_element(as_array(member(track, "items")), [&](std::size_t,
			                                                       JsonNode *in) {
				if (adjusts || !in || !JSON_NODE_HOLDS_VALUE(in) ||
				    json_node_get_value_type(in) != G_TYPE_STRING)
					return;
				std::string type = str(
				        as_object(member(items, json_node_get_string(in))), "type");
				adjusts = type == "effect" || type == "filter";
			});
			if (adjusts && ++n > b_.max_effect_tracks)
				diags_.error(
				        "EDITOR_TOO_MANY_EFFECT_TRACKS",
				        json_pointer_append(path("tracks"), ti),
				        "more than " + std::to_string(b_.max_effect_tracks) +
				                " tracks hold effects or filters (each adds a pass "
				                "over every frame)",
				        Kind::Semantic);
		});
	}

	void check_item(JsonObject *item, const std::string &ipath)
	{
		if (!item)
			return;
		for_each_member(item, [&](const std::string &name, JsonNode *node) {
			JsonArray *kfs = as_array(member(as_object(node), "keyframes"));
			if (!kfs)
				return;
			std::size_t n = json_array_get_length(kfs);
			std::string p =
			        json_pointer_append(json_pointer_append(ipath, name), "keyframes");
			if (n > b_.max_keyframes && !keyframes_reported_) {
				keyframes_reported_ = true;
				diags_.error("EDITOR_TOO_MANY_KEYFRAMES", p,
				             "the property has " + std::to_string(n) +
				                     " keyframes; the limit is " +
				                     std::to_string(b_.max_keyframes),
				             Kind::Semantic);
			}
			total_keyframes_ += n;
			if (total_keyframes_ > b_.max_total_keyframes &&
			    !total_keyframes_reported_) {
				total_keyframes_reported_ = true;
				diags_.error("EDITOR_TOO_MANY_KEYFRAMES", p,
				             "the document has more than " +
				                     std::to_string(b_.max_total_keyframes) +
				                     " keyframes in all (the limit)",
				             Kind::Semantic);
			}
		});
		std::string type = str(item, "type");
		if (type == "text")
			check_text(member(item, "text"), json_pointer_append(ipath, "text"),
			           b_.max_text_chars);
		if (type != "text-template")
			return;
		std::string npath = json_pointer_append(ipath, "nodes");
		for_each_element(as_array(member(item, "nodes")), [&](std::size_t i, JsonNode *n) {
			JsonObject *node = as_object(n);
			std::string p = json_pointer_append(npath, i);
			check_text(member(node, "text"), json_pointer_append(p, "text"),
			           b_.max_text_chars);
			check_lottie(member(node, "imageLottieJson"),
			             json_pointer_append(p, "imageLottieJson"));
		});
	}

	void check_asset(JsonObject *asset, const std::string &apath)
	{
		std::string cpath = json_pointer_append(apath, "captions");
		for_each_element(as_array(member(asset, "captions")), [&](std::size_t i,
		                                                          JsonNode *n) {
			check_text(member(as_object(n), "text"),
			           json_pointer_append(json_pointer_append(cpath, i), "text"),
			           b_.max_caption_chars);
		});
		if (str(asset, "type") == "lottie")
			check_lottie(member(asset, "resourceJson"),
			             json_pointer_append(apath, "resourceJson"));
	}

	/* Characters (Unicode code points) of one text, and of all of them. */
	void check_text(JsonNode *node, const std::string &p, std::size_t limit)
	{
		if (!node || !JSON_NODE_HOLDS_VALUE(node) ||
		    json_node_get_value_type(node) != G_TYPE_STRING)
			return;
		std::size_t n = std::size_t(g_utf8_strlen(json_node_get_string(node), -1));
		if (n > limit)
			diags_.error("EDITOR_TEXT_TOO_LONG", p,
			             "the text has " + std::to_string(n) +
			                     " characters; the limit is " + std::to_string(limit),
			             Kind::Semantic);
		total_chars_ += n;
		if (total_chars_ > b_.max_total_text_chars && !total_chars_reported_) {
			total_chars_reported_ = true;
			diags_.error("EDITOR_TEXT_TOO_LONG", p,
			             "the document's texts and captions have more than " +
			                     std::to_string(b_.max_total_text_chars) +
			                     " characters in all (the limit)",
			             Kind::Semantic);
		}
	}

	/* An embedded Lottie animation, before rlottie expands it (budgets.h). */
	void check_lottie(JsonNode *node, const std::string &p)
	{
		if (!as_object(node))
			return;
		LottieExcess excess;
		if (!check_lottie_budgets(node, &excess))
			diags_.error(
			        "EDITOR_LOTTIE_TOO_COMPLEX", p + excess.pointer,
			        "the Lottie animation cannot be rendered within its budgets: " +
			                excess.message,
			        Kind::Semantic);
	}

	JsonObject *state_;
	std::string base_;
	const DocumentBudgets &b_;
	Diagnostics &diags_;
	std::size_t total_keyframes_ = 0, total_chars_ = 0;
	bool keyframes_reported_ = false, total_keyframes_reported_ = false;
	bool total_chars_reported_ = false;
};

/* ---- model building (the document is valid when this runs) ---------------------- */

AnimatedNumber animated(JsonObject *o, const char *key, double fallback)
{
	JsonObject *t = as_object(member(o, key));
	if (!t) {
		double v;
		return get_number(o, key, &v) ? AnimatedNumber(v) : AnimatedNumber(fallback);
	}
	std::vector<Keyframe> kfs;
	for_each_element(as_array(member(t, "keyframes")), [&](std::size_t, JsonNode *n) {
		JsonObject *k = as_object(n);
		Ticks time = 0;
		get_ticks(k, "timeTicks", &time);
		kfs.push_back({time, num(k, "value")});
	});
	return AnimatedNumber(num(t, "value", fallback), std::move(kfs));
}

Easing easing(JsonObject *o)
{
	std::string e = str(o, "easing", "linear");
	if (e == "ease-in")
		return Easing::EaseIn;
	if (e == "ease-out")
		return Easing::EaseOut;
	if (e == "ease-in-out")
		return Easing::EaseInOut;
	return Easing::Linear;
}

Params params(JsonObject *o)
{
	Params p;
	for_each_member(as_object(member(o, "params")), [&](const std::string &k, JsonNode *n) {
		double d;
		if (!n || !JSON_NODE_HOLDS_VALUE(n))
			return;
		if (json_node_get_value_type(n) == G_TYPE_STRING)
			p[k] = std::string(json_node_get_string(n));
		else if (json_node_get_value_type(n) == G_TYPE_BOOLEAN)
			p[k] = bool(json_node_get_boolean(n));
		else if (json_node_number(n, &d))
			p[k] = d;
	});
	return p;
}

std::optional<ClipAnimation> clip_animation(JsonObject *o)
{
	if (!o)
		return std::nullopt;
	static const std::map<std::string, ClipAnimationType> types = {
	        {"fade", ClipAnimationType::Fade},
	        {"slide-up", ClipAnimationType::SlideUp},
	        {"slide-down", ClipAnimationType::SlideDown},
	        {"slide-left", ClipAnimationType::SlideLeft},
	        {"slide-right", ClipAnimationType::SlideRight},
	        {"zoom-in", ClipAnimationType::ZoomIn},
	        {"zoom-out", ClipAnimationType::ZoomOut}};
	auto it = types.find(str(o, "type"));
	if (it == types.end())
		return std::nullopt;
	ClipAnimation a;
	a.type = it->second;
	get_ticks(o, "durationTicks", &a.duration);
	a.easing = easing(o);
	Params p = params(o);
	if (p.count("distance"))
		a.distance = param_number(p, "distance", 0.0);
	if (p.count("fromScale"))
		a.from_scale = param_number(p, "fromScale", 1.0);
	a.fade = param_bool(p, "fade", true);
	return a;
}

ClipAnimations clip_animations(JsonObject *item)
{
	JsonObject *a = as_object(member(item, "animations"));
	ClipAnimations out;
	out.in = clip_animation(as_object(member(a, "in")));
	out.out = clip_animation(as_object(member(a, "out")));
	return out;
}

std::optional<CaptionAnimation> caption_animation(JsonObject *o)
{
	if (!o)
		return std::nullopt;
	static const std::map<std::string, CaptionAnimationType> types = {
	        {"converge", CaptionAnimationType::Converge},
	        {"elastic-pop", CaptionAnimationType::ElasticPop},
	        {"typewriter", CaptionAnimationType::Typewriter},
	        {"lay-down", CaptionAnimationType::LayDown},
	        {"center-type-out", CaptionAnimationType::CenterTypeOut},
	        {"curtain-close", CaptionAnimationType::CurtainClose},
	        {"jitter", CaptionAnimationType::Jitter},
	        {"rainbow", CaptionAnimationType::Rainbow},
	        {"sweep-shine", CaptionAnimationType::SweepShine}};
	auto it = types.find(str(o, "type"));
	if (it == types.end())
		return std::nullopt;
	CaptionAnimation a;
	a.type = it->second;
	get_ticks(o, "durationTicks", &a.duration);
	a.easing = easing(o);
	a.params = params(o);
	return a;
}

CaptionAnimations caption_animations(JsonObject *item)
{
	JsonObject *a = as_object(member(item, "captionAnimations"));
	CaptionAnimations out;
	out.in = caption_animation(as_object(member(a, "in")));
	out.out = caption_animation(as_object(member(a, "out")));
	out.loop = caption_animation(as_object(member(a, "loop")));
	return out;
}

TextStyle text_style(JsonObject *o)
{
	TextStyle s;
	s.color = str(o, "color", s.color);
	std::string align = str(o, "align", "left");
	s.align = align == "center"  ? TextAlign::Center
	          : align == "right" ? TextAlign::Right
	                             : TextAlign::Left;
	s.font_family = str(o, "fontFamily");
	JsonObject *fs = as_object(member(o, "fontStyle"));
	s.font_style.variant = str(fs, "variant", "normal");
	s.font_style.weight = str(fs, "weight", "400");
	s.font_size = num(o, "fontSize", s.font_size);
	s.line_height = num(o, "lineHeight", s.line_height);
	s.letter_spacing = num(o, "letterSpacing", 0.0);
	s.direction = str(o, "direction") == "rtl" ? TextDirection::Rtl : TextDirection::Ltr;
	s.stroke_width = num(o, "strokeWidth", 0.0);
	s.stroke_color = str(o, "strokeColor", s.stroke_color);
	if (JsonObject *bg = as_object(member(o, "background"))) {
		TextBackground b;
		b.color = str(bg, "color");
		b.horizontal_padding = num(bg, "horizontalPadding");
		b.border_radius = num(bg, "borderRadius");
		s.background = b;
	}
	return s;
}

std::string serialized(JsonNode *n)
{
	if (!n || JSON_NODE_HOLDS_NULL(n))
		return {};
	return json_write(n);
}

ItemType item_type(const std::string &t)
{
	static const std::map<std::string, ItemType> types = {
	        {"image", ItemType::Image},
	        {"video", ItemType::Video},
	        {"gif", ItemType::Gif},
	        {"lottie", ItemType::Lottie},
	        {"audio", ItemType::Audio},
	        {"text", ItemType::Text},
	        {"text-template", ItemType::TextTemplate},
	        {"captions", ItemType::Captions},
	        {"solid", ItemType::Solid},
	        {"illustration", ItemType::Illustration},
	        {"effect", ItemType::Effect},
	        {"filter", ItemType::Filter},
	        {"chart", ItemType::Chart}};
	auto it = types.find(t);
	return it == types.end() ? ItemType::Solid : it->second;
}

ChartData chart(JsonObject *o)
{
	static const std::map<std::string, ChartType> types = {
	        {"line", ChartType::Line},   {"bar", ChartType::Bar},
	        {"area", ChartType::Area},   {"pie", ChartType::Pie},
	        {"radar", ChartType::Radar}, {"scatter", ChartType::Scatter}};
	ChartData c;
	auto it = types.find(str(o, "chartType"));
	c.chart_type = it == types.end() ? ChartType::Bar : it->second;
	c.theme_color = str(o, "themeColor");
	get_ticks(o, "animationDurationTicks", &c.animation_duration);
	c.keep_aspect_ratio = boolean(o, "keepAspectRatio");
	JsonObject *data = as_object(member(o, "data"));
	for_each_element(as_array(member(data, "series")), [&](std::size_t, JsonNode *n) {
		JsonObject *s = as_object(n);
		c.series.push_back({str(s, "key"), str(s, "label")});
	});
	for_each_element(as_array(member(data, "rows")), [&](std::size_t, JsonNode *n) {
		JsonObject *r = as_object(n);
		ChartRow row;
		row.label = str(r, "label");
		/* in document order (undeclared series take colours in that order); a value
		 * that is not a number is kept as NaN, which the chart skips */
		if (JsonObject *values = as_object(member(r, "values"))) {
			JsonObjectIter iter;
			const gchar *k;
			JsonNode *v;
			json_object_iter_init_ordered(&iter, values);
			while (json_object_iter_next_ordered(&iter, &k, &v)) {
				double d = std::numeric_limits<double>::quiet_NaN();
				json_node_number(v, &d);
				row.values.emplace_back(k, d);
			}
		}
		c.rows.push_back(std::move(row));
	});
	for_each_element(as_array(member(data, "slices")), [&](std::size_t, JsonNode *n) {
		JsonObject *s = as_object(n);
		c.slices.push_back({str(s, "label"), num(s, "value")});
	});
	for_each_element(as_array(member(data, "points")), [&](std::size_t, JsonNode *n) {
		JsonObject *p = as_object(n);
		const double nan = std::numeric_limits<double>::quiet_NaN();
		c.points.push_back({str(p, "seriesKey"), num(p, "x", nan), num(p, "y", nan)});
	});
	return c;
}

TemplateNode template_node(JsonObject *o)
{
	TemplateNode n;
	n.kind = str(o, "type") == "image" ? TemplateNode::Kind::Image : TemplateNode::Kind::Text;
	n.id = str(o, "id");
	n.x = num(o, "x");
	n.y = num(o, "y");
	n.width = num(o, "width");
	n.height = num(o, "height");
	n.opacity = num(o, "opacity", 1.0);
	n.image_type = str(o, "imageType");
	n.image_component_id = opt_str(o, "imageComponentId");
	n.image_lottie_json = serialized(member(o, "imageLottieJson"));
	n.text = str(o, "text");
	if (n.kind == TemplateNode::Kind::Text)
		n.style = text_style(o);
	n.animations = clip_animations(o);
	n.caption_animations = caption_animations(o);
	return n;
}

Item build_item(JsonObject *o, const std::string &key, const std::string &path)
{
	Item item;
	item.id = key;
	item.json_path = path;
	std::string type = str(o, "type");
	item.type = item_type(type);
	get_ticks(o, "startTicks", &item.start);
	get_ticks(o, "durationTicks", &item.duration);
	if (has_geometry(type)) {
		Geometry g;
		g.top = animated(o, "top", 0.0);
		g.left = animated(o, "left", 0.0);
		g.width = animated(o, "width", 0.0);
		g.height = animated(o, "height", 0.0);
		g.scale_x = animated(o, "scaleX", 1.0);
		g.scale_y = animated(o, "scaleY", 1.0);
		g.opacity = animated(o, "opacity", 1.0);
		g.rotation = animated(o, "rotation", 0.0);
		g.border_radius = animated(o, "borderRadius", 0.0);
		g.crop_left = animated(o, "cropLeft", 0.0);
		g.crop_top = animated(o, "cropTop", 0.0);
		g.crop_right = animated(o, "cropRight", 0.0);
		g.crop_bottom = animated(o, "cropBottom", 0.0);
		item.geometry = std::move(g);
	}
	item.animations = clip_animations(o);
	item.caption_animations = caption_animations(o);

	switch (item.type) {
	case ItemType::Image:
	case ItemType::Video:
	case ItemType::Gif:
	case ItemType::Lottie:
	case ItemType::Audio: {
		MediaData m;
		m.asset_id = str(o, "assetId");
		m.keep_aspect_ratio = boolean(o, "keepAspectRatio", true);
		for (const char *k : {"videoStartFromInSeconds", "gifStartFromInSeconds",
		                      "lottieStartFromInSeconds", "audioStartFromInSeconds"})
			m.start_from_seconds = std::max(m.start_from_seconds, num(o, k, 0.0));
		m.playback_rate = num(o, "playbackRate", 1.0);
		m.decibel_adjustment = animated(o, "decibelAdjustment", 0.0);
		m.audio_fade_in_seconds = num(o, "audioFadeInDurationInSeconds", 0.0);
		m.audio_fade_out_seconds = num(o, "audioFadeOutDurationInSeconds", 0.0);
		m.sticker_id = opt_str(o, "stickerId");
		double sv;
		if (get_number(o, "stickerVersion", &sv))
			m.sticker_version = int64_t(sv);
		item.data = std::move(m);
		break;
	}
	case ItemType::Text: {
		TextData t;
		t.text = str(o, "text");
		t.style = text_style(o);
		t.resize_on_edit = boolean(o, "resizeOnEdit");
		item.data = std::move(t);
		break;
	}
	case ItemType::TextTemplate: {
		TextTemplateData t;
		t.schema_version = int(num(o, "schemaVersion", 2));
		t.template_id = str(o, "templateId");
		t.template_category = str(o, "templateCategory");
		for_each_element(as_array(member(o, "nodes")), [&](std::size_t, JsonNode *n) {
			t.nodes.push_back(template_node(as_object(n)));
		});
		item.data = std::move(t);
		break;
	}
	case ItemType::Captions: {
		CaptionsData c;
		c.asset_id = str(o, "assetId");
		c.style = text_style(o);
		c.highlight_color = str(o, "highlightColor");
		c.page_duration_ms = num(o, "pageDurationInMilliseconds", 1000.0);
		c.max_lines = int(num(o, "maxLines", 2));
		c.content_start_offset_ms = num(o, "contentStartOffsetMs", 0.0);
		std::string source = str(o, "source", "manual");
		c.source = source == "auto"     ? CaptionSource::Auto
		           : source == "upload" ? CaptionSource::Upload
		                                : CaptionSource::Manual;
		c.caption_group_id = opt_str(o, "captionGroupId");
		item.data = std::move(c);
		break;
	}
	case ItemType::Solid: {
		static const std::map<std::string, Shape> shapes = {{"rectangle", Shape::Rectangle},
		                                                    {"circle", Shape::Circle},
		                                                    {"triangle", Shape::Triangle},
		                                                    {"star", Shape::Star}};
		SolidData s;
		s.color = str(o, "color");
		auto it = shapes.find(str(o, "shape"));
		s.shape = it == shapes.end() ? Shape::Rectangle : it->second;
		s.keep_aspect_ratio = boolean(o, "keepAspectRatio");
		item.data = std::move(s);
		break;
	}
	case ItemType::Illustration:
		item.data = IllustrationData{str(o, "illustrationName"), str(o, "color"),
		                             boolean(o, "keepAspectRatio", true)};
		break;
	case ItemType::Effect:
		item.data = EffectData{str(o, "effectType"), num(o, "intensity", 1.0), params(o)};
		break;
	case ItemType::Filter:
		item.data = FilterData{str(o, "filterType"), num(o, "intensity", 1.0), params(o)};
		break;
	case ItemType::Chart:
		item.data = chart(o);
		break;
	}
	return item;
}

Asset build_asset(JsonObject *o, const std::string &key)
{
	static const std::map<std::string, AssetType> types = {
	        {"image", AssetType::Image},     {"video", AssetType::Video},
	        {"gif", AssetType::Gif},         {"audio", AssetType::Audio},
	        {"caption", AssetType::Caption}, {"lottie", AssetType::Lottie}};
	Asset a;
	a.id = key;
	auto it = types.find(str(o, "type"));
	a.type = it == types.end() ? AssetType::Image : it->second;
	a.filename = str(o, "filename");
	a.size = num(o, "size");
	a.remote_url = opt_str(o, "remoteUrl");
	a.remote_key = opt_str(o, "remoteKey");
	a.mime_type = str(o, "mimeType");
	a.width = num(o, "width");
	a.height = num(o, "height");
	a.duration_seconds = num(o, "durationInSeconds");
	a.has_audio_track = boolean(o, "hasAudioTrack");
	a.loops = str(o, "loopBehavior") == "loop";
	a.resource_type = str(o, "resourceType");
	a.resource_json = serialized(member(o, "resourceJson"));
	a.resource_component_id = opt_str(o, "resourceComponentId");
	a.timing = str(o, "timingGranularity") == "word" ? TimingGranularity::Word
	                                                 : TimingGranularity::Line;
	for_each_element(as_array(member(o, "captions")), [&](std::size_t, JsonNode *n) {
		JsonObject *e = as_object(n);
		CaptionEntry c;
		c.text = str(e, "text");
		c.start_ms = num(e, "startMs");
		c.end_ms = num(e, "endMs");
		double v;
		if (get_number(e, "timestampMs", &v))
			c.timestamp_ms = v;
		if (get_number(e, "confidence", &v))
			c.confidence = v;
		a.captions.push_back(std::move(c));
	});
	return a;
}

std::unique_ptr<Timeline> build_timeline(JsonObject *state, JsonObject *request,
                                         const std::string &base)
{
	auto tl = std::make_unique<Timeline>();
	tl->width = int(num(state, "compositionWidth", 1920));
	tl->height = int(num(state, "compositionHeight", 1080));
	tl->output_ratio = str(state, "outputRatio");
	JsonObject *items = as_object(member(state, "items"));
	std::string items_path = json_pointer_append(base, "items");
	for_each_element(as_array(member(state, "tracks")), [&](std::size_t, JsonNode *n) {
		JsonObject *t = as_object(n);
		Track track;
		track.id = str(t, "id");
		track.hidden = boolean(t, "hidden");
		track.muted = boolean(t, "muted");
		for_each_element(as_array(member(t, "items")), [&](std::size_t, JsonNode *in) {
			std::string id = json_node_get_string(in);
			JsonObject *io = as_object(member(items, id.c_str()));
			tl->items.emplace(id,
			                  build_item(io, id, json_pointer_append(items_path, id)));
			track.item_ids.push_back(id);
		});
		std::stable_sort(track.item_ids.begin(), track.item_ids.end(),
		                 [&](const std::string &a, const std::string &b) {
			                 return tl->items[a].start < tl->items[b].start;
		                 });
		tl->tracks.push_back(std::move(track));
	});
	for_each_member(as_object(member(state, "assets")), [&](const std::string &k, JsonNode *n) {
		tl->assets.emplace(k, build_asset(as_object(n), k));
	});
	static const std::map<std::string, TransitionType> ttypes = {
	        {"fade", TransitionType::Fade},
	        {"slide", TransitionType::Slide},
	        {"wipe", TransitionType::Wipe},
	        {"flip", TransitionType::Flip},
	        {"clock-wipe", TransitionType::ClockWipe},
	        {"iris", TransitionType::Iris}};
	for_each_member(as_object(member(state, "transitions")),
	                [&](const std::string &k, JsonNode *n) {
		                JsonObject *o = as_object(n);
		                Transition t;
		                t.id = k;
		                t.track_id = str(o, "trackId");
		                t.from_clip_id = str(o, "fromClipId");
		                t.to_clip_id = str(o, "toClipId");
		                auto it = ttypes.find(str(o, "type"));
		                t.type = it == ttypes.end() ? TransitionType::Fade : it->second;
		                get_ticks(o, "durationTicks", &t.duration);
		                t.easing = easing(o);
		                t.params = params(o);
		                tl->transitions.emplace(k, std::move(t));
	                });
	if (JsonObject *bg = as_object(member(state, "globalBackground"))) {
		std::string type = str(bg, "type", "none");
		GlobalBackground &b = tl->background;
		if (type == "color") {
			b.type = GlobalBackground::Type::Color;
			b.color = str(bg, "color");
			b.gradient = opt_str(bg, "gradient");
		} else if (type == "blur") {
			b.type = GlobalBackground::Type::Blur;
			b.blur_level = int(num(bg, "level"));
		} else if (type == "image") {
			b.type = GlobalBackground::Type::Image;
			b.image_asset_id = opt_str(bg, "imageAssetId");
			b.image_url = str(bg, "imageUrl");
			b.image_source = str(bg, "source");
		}
	}
	if (JsonObject *br = as_object(member(state, "brandRuntime"))) {
		BrandRuntime b;
		b.brand_id = opt_str(br, "brandId");
		b.logo_x = num(br, "logoX");
		b.logo_y = num(br, "logoY");
		for (const auto &target : {std::pair<const char *, std::vector<std::string> *>{
		                                   "managedItemIds", &b.managed_item_ids},
		                           {"managedAssetIds", &b.managed_asset_ids}}) {
			std::vector<std::string> *out = target.second;
			for_each_element(as_array(member(br, target.first)),
			                 [&](std::size_t, JsonNode *n) {
				                 out->push_back(json_node_get_string(n));
			                 });
		}
		b.intro_shift_frames = int64_t(num(br, "introShiftInFrames"));
		b.overlay_track_id = opt_str(br, "overlayTrackId");
		b.underlay_track_id = opt_str(br, "underlayTrackId");
		tl->brand = std::move(b);
	}
	for_each_element(as_array(member(state, "deletedAssets")), [&](std::size_t, JsonNode *n) {
		JsonObject *d = as_object(n);
		tl->deleted_assets.push_back(
		        {str(d, "assetId"), opt_str(d, "remoteUrl"), opt_str(d, "remoteKey"),
		         str(as_object(member(d, "statusAtDeletion")), "type")});
	});
	if (request) {
		OutputSettings &o = tl->output;
		o.fps = int(num(request, "fps", 30));
		o.ratio = str(request, "ratio");
		o.scale = num(request, "scale", 1.0);
		o.format = str(request, "format", "mp4");
		double v;
		if (get_number(request, "compositionWidth", &v))
			o.width = int(v);
		if (get_number(request, "compositionHeight", &v))
			o.height = int(v);
	}
	return tl;
}

/* What strict mode (pure official-schema conformance) turns into errors: the legacy
 * shorthand the schema rejects, and keyframes at the clip end, which the Open API's rule
 * (timeTicks < durationTicks) rejects. Other warnings (duplicate keys, items in no track)
 * stay warnings: the schema accepts those documents. */
const std::vector<std::string> kStrictCodes = {"EDITOR_LEGACY_SHORTHAND",
                                               "EDITOR_KEYFRAME_AT_CLIP_END"};

} /* namespace */

const JsonSchema &editor_state_schema()
{
	return *schemas().editor;
}

std::string_view editor_state_schema_text()
{
	return schemas().editor_text;
}

EditorStateResult load_editor_state_node(JsonNode *root, const EditorStateOptions &options)
{
	EditorStateResult result;
	Diagnostics &diags = result.diagnostics;
	JsonObject *top = as_object(root);
	JsonObject *request = nullptr;
	JsonNode *state_node = root;
	/* A request wrapping the document: {"editorState": {...}, "fps": ..., ...}: it has
	 * an "editorState" member and none of the members only an editorState has (a request
	 * may carry compositionWidth/Height overrides) */
	bool wrapper = top && json_object_has_member(top, "editorState");
	for (const char *key :
	     {"tracks", "items", "assets", "transitions", "timebaseTicksPerSecond"})
		wrapper = wrapper && !json_object_has_member(top, key);
	if (wrapper) {
		request = top;
		result.base_path = "/editorState";
		check_schema(*schemas().request, root, "", diags, "EDITOR_REQUEST_INVALID");
		state_node = member(top, "editorState");
	}
	JsonObject *state = as_object(state_node);
	/* the budgets first: a document over them is refused before any costly check */
	BudgetChecker(state, result.base_path, options.budgets, diags).run();
	if (diags.has_errors())
		return result;
	if (state)
		normalize_legacy(state, result.base_path, diags);
	if (state_node)
		check_schema(*schemas().editor, state_node, result.base_path, diags);
	if (state)
		SemanticChecker(state, result.base_path, diags).run();
	if (options.strict)
		diags.promote_warnings(kStrictCodes);
	if (!diags.has_errors())
		result.timeline = build_timeline(state, request, result.base_path);
	return result;
}

EditorStateResult load_editor_state(std::string_view json_text, const EditorStateOptions &options)
{
	Diagnostics parse_diags;
	JsonNodePtr root = parse_json(json_text, options.limits, parse_diags);
	if (!root) {
		EditorStateResult result;
		result.diagnostics = std::move(parse_diags);
		if (options.strict)
			result.diagnostics.promote_warnings(kStrictCodes);
		return result;
	}
	EditorStateResult result = load_editor_state_node(root.get(), options);
	if (parse_diags.error_count() + parse_diags.warning_count() > 0) {
		Diagnostics merged;
		merged.append(parse_diags);
		merged.append(result.diagnostics);
		if (options.strict)
			merged.promote_warnings(kStrictCodes);
		result.diagnostics = std::move(merged);
		if (result.diagnostics.has_errors())
			result.timeline.reset();
	}
	return result;
}

bool load_editor_state_file(const char *path, const EditorStateOptions &options,
                            EditorStateResult *result, GError **error)
{
	std::string text;
	bool too_large = false;
	if (!read_document(path, options.limits, &text, &too_large, error))
		return false;
	if (too_large) {
		*result = EditorStateResult();
		result->diagnostics.error("EDITOR_JSON_TOO_LARGE", "",
		                          "the document is larger than the limit of " +
		                                  std::to_string(options.limits.max_bytes) +
		                                  " bytes and was not read");
		return true;
	}
	*result = load_editor_state(text, options);
	return true;
}

} /* namespace jtl */
