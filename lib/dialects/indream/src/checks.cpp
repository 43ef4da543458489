// SPDX-License-Identifier: LGPL-2.1-or-later
// Indream editorState v1: schema check, budgets and semantic rules.
#include "indream.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include <gio/gio.h>

extern "C" GResource *jtl_resources_get_resource(void);

namespace jtl {
namespace indream {

/* ---- schema --------------------------------------------------------------------- */

namespace {

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

} /* namespace */

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

namespace {

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

} /* namespace */

void check_schema(const JsonSchema &schema, JsonNode *node, const std::string &base,
                  Diagnostics &diags, const char *code_override)
{
	std::vector<SchemaError> errors;
	if (schema.validate(node, errors, base))
		return;
	for (const SchemaError &e : errors)
		diags.error(code_override ? code_override : code_for(e, base), e.path, e.message,
		            Kind::Schema);
}

namespace {

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

} /* namespace */

void check_budgets(JsonObject *state, const std::string &base, const DocumentBudgets &budgets,
                   Diagnostics &diags)
{
	BudgetChecker(state, base, budgets, diags).run();
}

void check_semantics(JsonObject *state, const std::string &base, Diagnostics &diags)
{
	SemanticChecker(state, base, diags).run();
}
} /* namespace indream */
} /* namespace jtl */
