// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of editorState v1 loading: official examples, legacy shorthand, every semantic
// rule, request wrappers and the model built from valid documents.
#include <jsontimeline/editorstate.h>

#include <string>

using namespace jtl;

static std::string data_path(const char *name)
{
	const char *dir = g_getenv("JTL_TEST_DATA");
	g_assert_nonnull(dir);
	return std::string(dir) + "/indream/" + name;
}

static std::string read(const char *name)
{
	g_autofree gchar *text = nullptr;
	gsize len = 0;
	g_autoptr(GError) error = nullptr;
	if (!g_file_get_contents(data_path(name).c_str(), &text, &len, &error))
		g_error("%s", error->message);
	return std::string(text, len);
}

static void dump(const Diagnostics &d)
{
	for (const Diagnostic &x : d.all())
		g_test_message("%s %s: %s (%s)", severity_name(x.severity), x.path.c_str(),
		               x.message.c_str(), x.code.c_str());
}

/* A parsed document to mutate before loading. */
struct Doc {
	JsonNodePtr root;
	explicit Doc(const char *name)
	{
		Diagnostics d;
		root = parse_json(read(name), JsonLimits{}, d);
		g_assert_nonnull(root.get());
	}
	JsonObject *obj() { return json_node_get_object(root.get()); }
	JsonObject *item(const char *id)
	{
		return json_object_get_object_member(json_object_get_object_member(obj(), "items"),
		                                     id);
	}
	JsonArray *track_items(guint track)
	{
		JsonArray *tracks = json_object_get_array_member(obj(), "tracks");
		return json_object_get_array_member(json_array_get_object_element(tracks, track),
		                                    "items");
	}
	EditorStateResult load(bool strict = false)
	{
		EditorStateOptions o;
		o.strict = strict;
		EditorStateResult r = load_editor_state_node(root.get(), o);
		dump(r.diagnostics);
		return r;
	}
};

static void set_ticks(JsonObject *o, const char *key, gint64 v)
{
	json_object_set_int_member(o, key, v);
}

static JsonObject *track_obj(JsonObject *item, const char *name)
{
	return json_object_get_object_member(item, name);
}

static void add_keyframe(JsonObject *item, const char *track, gint64 t, double v)
{
	JsonArray *kfs = json_object_get_array_member(track_obj(item, track), "keyframes");
	JsonObject *k = json_object_new();
	json_object_set_int_member(k, "timeTicks", t);
	json_object_set_double_member(k, "value", v);
	json_array_add_object_element(kfs, k);
}

/* ---- official examples ------------------------------------------------------------- */

static void test_valid_examples()
{
	const char *names[] = {"editor-state.valid.json",
	                       "editor-state.valid.caption.json",
	                       "editor-state.valid.caption-offset.json",
	                       "editor-state.valid.chart.json",
	                       "editor-state.valid.runtime.json",
	                       "editor-state.valid.text-template.json"};
	for (const char *name : names) {
		for (bool strict : {false, true}) {
			EditorStateOptions o;
			o.strict = strict;
			EditorStateResult r = load_editor_state(read(name), o);
			dump(r.diagnostics);
			if (!r.valid())
				g_error("%s should be valid (strict=%d)", name, strict);
			g_assert_nonnull(r.timeline.get());
			g_assert_cmpuint(r.diagnostics.error_count(), ==, 0);
		}
	}
}

struct InvalidCase {
	const char *file;
	const char *code;
	const char *path;
	const char *fragment; /* in the message */
};

static void test_invalid_examples()
{
	const InvalidCase cases[] = {
	        {"editor-state.invalid.caption-offset.json", "EDITOR_SCHEMA_INVALID",
	         "/items/item-caption-1/contentStartOffsetMs", "0"},
	        {"editor-state.invalid.caption.json", "EDITOR_SCHEMA_INVALID",
	         "/assets/asset-caption-1/captions/0", "text"},
	        {"editor-state.invalid.chart.json", "EDITOR_SCHEMA_INVALID",
	         "/items/item-chart-1/data", "slices"},
	        {"editor-state.invalid.deleted-asset.json", "EDITOR_SCHEMA_INVALID",
	         "/deletedAssets/0/statusAtDeletion", "type"},
	        {"editor-state.invalid.effect.json", "EDITOR_EFFECT_TYPE_INVALID",
	         "/items/item-effect-1/effectType", "NotExistsEffect"},
	        {"editor-state.invalid.filter.json", "EDITOR_FILTER_TYPE_INVALID",
	         "/items/item-filter-1/filterType", "NotExistsFilter"},
	        {"editor-state.invalid.text-template.json", "EDITOR_SCHEMA_INVALID",
	         "/items/item-template-1/nodes/0", "id"},
	        {"editor-state.invalid.transition.json", "EDITOR_TRANSITION_TYPE_INVALID",
	         "/transitions/transition-1/type", "not-supported"},
	        {"editor-state.invalid.transition.json", "EDITOR_TRANSITION_CLIP_NOT_ADJACENT",
	         "/transitions/transition-1", "item-3"},
	};
	for (const InvalidCase &c : cases) {
		EditorStateResult r = load_editor_state(read(c.file));
		dump(r.diagnostics);
		g_assert_false(r.valid());
		g_assert_null(r.timeline.get());
		bool found = false;
		for (const Diagnostic &d : r.diagnostics.errors()) {
			if (d.code == c.code && d.path == c.path &&
			    d.message.find(c.fragment) != std::string::npos)
				found = true;
		}
		if (!found)
			g_error("%s: no %s at %s mentioning \"%s\"", c.file, c.code, c.path,
			        c.fragment);
	}
}

/* ---- legacy shorthand ------------------------------------------------------------- */

static void test_product_page_legacy()
{
	std::string text = read("product-page.legacy.json");
	EditorStateResult r = load_editor_state(text);
	dump(r.diagnostics);
	g_assert_true(r.valid());
	g_assert_cmpstr(r.base_path.c_str(), ==, "/editorState");
	const char *paths[] = {"top",     "left",     "width",  "height",
	                       "opacity", "rotation", "scaleX", "scaleY"};
	for (const char *p : paths) {
		std::string path = std::string("/editorState/items/nSrW/") + p;
		if (!r.diagnostics.contains("EDITOR_LEGACY_SHORTHAND", path))
			g_error("no shorthand warning at %s", path.c_str());
	}
	g_assert_cmpuint(r.diagnostics.warning_count(), ==, 8);
	const Item *item = r.timeline->item("nSrW");
	g_assert_nonnull(item);
	g_assert_cmpfloat(item->geometry->top.at(0, item->duration), ==, 492.0);
	g_assert_cmpfloat(item->geometry->scale_x.at(0, item->duration), ==, 1.0);
	g_assert_cmpint(r.timeline->output.fps, ==, 30);
	g_assert_cmpstr(r.timeline->output.format.c_str(), ==, "mp4");
	const TextData *t = item->as<TextData>();
	g_assert_nonnull(t);
	g_assert_cmpstr(t->text.c_str(), ==, "Hello World");
	g_assert_cmpstr(t->style.font_family.c_str(), ==, "Roboto");

	EditorStateOptions strict;
	strict.strict = true;
	EditorStateResult s = load_editor_state(text, strict);
	g_assert_false(s.valid());
	g_assert_true(
	        s.diagnostics.contains("EDITOR_LEGACY_SHORTHAND", "/editorState/items/nSrW/top"));
	g_assert_cmpuint(s.diagnostics.warning_count(), ==, 0);
}

static void test_shorthand_value_only()
{
	Doc doc("editor-state.valid.json");
	JsonObject *solid = doc.item("item-solid-1");
	JsonObject *o = json_object_new();
	json_object_set_double_member(o, "value", 0.5);
	json_object_set_object_member(solid, "opacity", o);
	EditorStateResult r = doc.load();
	g_assert_true(r.valid());
	g_assert_true(
	        r.diagnostics.contains("EDITOR_LEGACY_SHORTHAND", "/items/item-solid-1/opacity"));
	g_assert_cmpfloat(r.timeline->item("item-solid-1")->geometry->opacity.value, ==, 0.5);
	/* a plain number on an effect item is not shorthand for anything: no rewrite */
	Doc doc2("editor-state.valid.json");
	json_object_set_int_member(doc2.item("item-effect-1"), "opacity", 1);
	EditorStateResult r2 = doc2.load();
	g_assert_true(r2.valid());
	g_assert_cmpuint(r2.diagnostics.warning_count(), ==, 0);
}

/* ---- semantic rules --------------------------------------------------------------- */

static void expect(EditorStateResult &r, const char *code, const char *path, bool error = true)
{
	bool found = false;
	for (const Diagnostic &d : r.diagnostics.all()) {
		if (d.code == code && d.path == path && (d.severity == Severity::Error) == error) {
			g_assert_true(d.kind == Kind::Semantic);
			found = true;
		}
	}
	if (!found)
		g_error("expected %s %s at %s", error ? "error" : "warning", code, path);
	if (error)
		g_assert_false(r.valid());
}

static void test_keyframe_range()
{
	Doc doc("editor-state.valid.json");
	JsonObject *solid = doc.item("item-solid-1"); /* duration 120 */
	add_keyframe(solid, "top", 0, 1);
	add_keyframe(solid, "top", 119, 2);
	EditorStateResult ok = doc.load();
	g_assert_true(ok.valid());
	g_assert_cmpuint(ok.diagnostics.warning_count(), ==, 0);

	add_keyframe(solid, "opacity", 120, 0.5);
	EditorStateResult end = doc.load();
	g_assert_true(end.valid());
	expect(end, "EDITOR_KEYFRAME_AT_CLIP_END",
	       "/items/item-solid-1/opacity/keyframes/0/timeTicks", false);
	EditorStateResult strict = doc.load(true);
	expect(strict, "EDITOR_KEYFRAME_AT_CLIP_END",
	       "/items/item-solid-1/opacity/keyframes/0/timeTicks");

	add_keyframe(solid, "rotation", 121, 90);
	EditorStateResult bad = doc.load();
	expect(bad, "EDITOR_KEYFRAME_OUT_OF_RANGE",
	       "/items/item-solid-1/rotation/keyframes/0/timeTicks");
}

static void test_overlap()
{
	Doc doc("editor-state.valid.json");
	/* item-image-1 0..120, item-solid-1 120..240 touch: fine */
	g_assert_true(doc.load().valid());
	set_ticks(doc.item("item-solid-1"), "startTicks", 119);
	EditorStateResult r = doc.load();
	expect(r, "EDITOR_TRACK_ITEMS_OVERLAP", "/tracks/0/items/1");
	/* the transition between the two no longer joins touching clips either */
	g_assert_cmpuint(r.diagnostics.error_count(), ==, 2);
	g_assert_true(r.diagnostics.contains("EDITOR_TRANSITION_CLIP_NOT_ADJACENT"));
	/* a long item hides behind a short one: still found */
	Doc d2("editor-state.valid.json");
	set_ticks(d2.item("item-image-1"), "durationTicks", 1000);
	set_ticks(d2.item("item-solid-1"), "startTicks", 500);
	EditorStateResult r2 = d2.load();
	expect(r2, "EDITOR_TRACK_ITEMS_OVERLAP", "/tracks/0/items/1");
}

static void test_track_membership()
{
	Doc doc("editor-state.valid.json");
	json_array_add_string_element(doc.track_items(1), "no-such-item");
	EditorStateResult r = doc.load();
	expect(r, "EDITOR_TRACK_ITEM_NOT_FOUND", "/tracks/1/items/1");

	Doc d2("editor-state.valid.json");
	json_array_add_string_element(d2.track_items(3), "item-effect-1");
	EditorStateResult r2 = d2.load();
	expect(r2, "EDITOR_ITEM_IN_SEVERAL_TRACKS", "/tracks/3/items/1");

	Doc d3("editor-state.valid.json");
	json_array_remove_element(d3.track_items(3), 0);
	EditorStateResult r3 = d3.load();
	g_assert_true(r3.valid());
	expect(r3, "EDITOR_ITEM_NOT_IN_TRACK", "/items/item-text-1", false);
	g_assert_null(r3.timeline->item("item-text-1"));
	/* strict mode is the schema's conformance: an unused item stays a warning */
	EditorStateResult r3s = d3.load(true);
	g_assert_true(r3s.valid());
	expect(r3s, "EDITOR_ITEM_NOT_IN_TRACK", "/items/item-text-1", false);

	Doc d4("editor-state.valid.json");
	JsonArray *tracks = json_object_get_array_member(d4.obj(), "tracks");
	json_object_set_string_member(json_array_get_object_element(tracks, 2), "id", "track-main");
	EditorStateResult r4 = d4.load();
	expect(r4, "EDITOR_TRACK_ID_DUPLICATE", "/tracks/2/id");
}

static void test_ids()
{
	Doc doc("editor-state.valid.json");
	json_object_set_string_member(doc.item("item-solid-1"), "id", "other");
	EditorStateResult r = doc.load();
	expect(r, "EDITOR_ITEM_ID_MISMATCH", "/items/item-solid-1/id");
}

static void test_assets()
{
	Doc doc("editor-state.valid.json");
	json_object_set_string_member(doc.item("item-image-1"), "assetId", "missing");
	EditorStateResult r = doc.load();
	expect(r, "EDITOR_ASSET_NOT_FOUND", "/items/item-image-1/assetId");

	Doc d2("editor-state.valid.json");
	json_object_set_string_member(d2.item("item-image-1"), "assetId", "asset-caption-1");
	EditorStateResult r2 = d2.load();
	expect(r2, "EDITOR_ASSET_TYPE_MISMATCH", "/items/item-image-1/assetId");

	Doc d3("editor-state.valid.json");
	JsonArray *deleted = json_array_new();
	JsonObject *entry = json_object_new();
	json_object_set_string_member(entry, "assetId", "asset-image-1");
	json_object_set_null_member(entry, "remoteUrl");
	json_object_set_null_member(entry, "remoteKey");
	JsonObject *status = json_object_new();
	json_object_set_string_member(status, "type", "uploaded");
	json_object_set_object_member(entry, "statusAtDeletion", status);
	json_array_add_object_element(deleted, entry);
	json_object_set_array_member(d3.obj(), "deletedAssets", deleted);
	EditorStateResult r3 = d3.load();
	expect(r3, "EDITOR_ASSET_DELETED", "/items/item-image-1/assetId");
}

static void test_transitions()
{
	Doc doc("editor-state.valid.json");
	JsonObject *tr = json_object_get_object_member(
	        json_object_get_object_member(doc.obj(), "transitions"), "transition-1");
	set_ticks(doc.item("item-solid-1"), "startTicks", 130); /* a gap of 10 ticks */
	EditorStateResult r = doc.load();
	expect(r, "EDITOR_TRANSITION_CLIP_NOT_ADJACENT", "/transitions/transition-1");

	set_ticks(doc.item("item-solid-1"), "startTicks", 120);
	json_object_set_string_member(tr, "toClipId", "item-text-1"); /* another track */
	EditorStateResult r2 = doc.load();
	expect(r2, "EDITOR_TRANSITION_CLIP_NOT_ADJACENT", "/transitions/transition-1");

	json_object_set_string_member(tr, "toClipId", "nope");
	EditorStateResult r3 = doc.load();
	expect(r3, "EDITOR_TRANSITION_CLIP_NOT_FOUND", "/transitions/transition-1/toClipId");

	json_object_set_string_member(tr, "toClipId", "item-solid-1");
	json_object_set_string_member(tr, "trackId", "track-nope");
	EditorStateResult r4 = doc.load();
	expect(r4, "EDITOR_TRANSITION_TRACK_NOT_FOUND", "/transitions/transition-1/trackId");

	json_object_set_string_member(tr, "trackId", "track-main");
	g_assert_true(doc.load().valid());
}

static void test_caption_timing()
{
	Doc doc("editor-state.valid.caption.json");
	JsonObject *asset = json_object_get_object_member(
	        json_object_get_object_member(doc.obj(), "assets"), "asset-caption-1");
	JsonObject *entry =
	        json_array_get_object_element(json_object_get_array_member(asset, "captions"), 0);
	json_object_set_int_member(entry, "startMs", 5000);
	json_object_set_int_member(entry, "endMs", 100);
	EditorStateResult r = doc.load();
	expect(r, "EDITOR_CAPTION_TIMING_INVALID", "/assets/asset-caption-1/captions/0/endMs");
}

static void test_timeline_length()
{
	Doc doc("editor-state.valid.json");
	set_ticks(doc.item("item-text-1"), "durationTicks", kMaxTimelineTicks);
	EditorStateResult r = doc.load();
	expect(r, "EDITOR_TIMELINE_TOO_LONG", "/items/item-text-1/durationTicks");
}

static void test_all_errors_collected()
{
	Doc doc("editor-state.valid.json");
	json_object_set_string_member(doc.item("item-image-1"), "assetId", "missing");
	set_ticks(doc.item("item-solid-1"), "startTicks", 100);
	json_object_set_string_member(doc.item("item-effect-1"), "effectType", "sparkle");
	json_object_remove_member(doc.obj(), "compositionWidth");
	EditorStateResult r = doc.load();
	g_assert_true(r.diagnostics.contains("EDITOR_ASSET_NOT_FOUND"));
	g_assert_true(r.diagnostics.contains("EDITOR_TRACK_ITEMS_OVERLAP"));
	g_assert_true(r.diagnostics.contains("EDITOR_EFFECT_TYPE_INVALID"));
	g_assert_true(r.diagnostics.contains("EDITOR_SCHEMA_INVALID", ""));
	for (const Diagnostic &d : r.diagnostics.errors()) {
		if (d.code == "EDITOR_SCHEMA_INVALID" || d.code == "EDITOR_EFFECT_TYPE_INVALID")
			g_assert_true(d.kind == Kind::Schema);
	}
}

/* ---- request wrappers --------------------------------------------------------------- */

static void test_request_wrapper()
{
	std::string state = read("editor-state.valid.json");
	std::string ok = "{\"editorState\": " + state +
	                 ", \"fps\": 60, \"ratio\": \"16:9\", \"scale\": 2, \"format\": \"webm\"}";
	EditorStateResult r = load_editor_state(ok);
	g_assert_true(r.valid());
	g_assert_cmpint(r.timeline->output.fps, ==, 60);
	/* the output rate: the one asked (a command line's --fps), else the request's */
	g_assert_cmpint(r.timeline->output_fps(), ==, 60);
	g_assert_cmpint(r.timeline->output_fps(24), ==, 24);
	Timeline unset;
	unset.output.fps = 0;
	g_assert_cmpint(unset.output_fps(), ==, 30);
	g_assert_cmpfloat(r.timeline->output.scale, ==, 2.0);
	g_assert_cmpstr(r.timeline->output.format.c_str(), ==, "webm");

	std::string bad =
	        "{\"editorState\": " + state + ", \"fps\": 25, \"scale\": 9, \"format\": \"gif\"}";
	EditorStateResult b = load_editor_state(bad);
	dump(b.diagnostics);
	g_assert_false(b.valid());
	g_assert_true(b.diagnostics.contains("EDITOR_REQUEST_INVALID", "/fps"));
	g_assert_true(b.diagnostics.contains("EDITOR_REQUEST_INVALID", "/scale"));
	g_assert_true(b.diagnostics.contains("EDITOR_REQUEST_INVALID", "/format"));

	/* errors inside the wrapped state carry the /editorState prefix */
	Doc doc("editor-state.valid.json");
	json_object_set_string_member(doc.item("item-effect-1"), "effectType", "x");
	g_autofree gchar *inner = json_to_string(doc.root.get(), FALSE);
	std::string wrapped = std::string("{\"editorState\": ") + inner + "}";
	EditorStateResult w = load_editor_state(wrapped);
	g_assert_true(w.diagnostics.contains("EDITOR_EFFECT_TYPE_INVALID",
	                                     "/editorState/items/item-effect-1/effectType"));
}

/* ---- the model ---------------------------------------------------------------------- */

static void test_model()
{
	Doc doc("editor-state.valid.json");
	add_keyframe(doc.item("item-solid-1"), "left", 0, -260);
	EditorStateResult r = doc.load();
	g_assert_true(r.valid());
	const Timeline &tl = *r.timeline;
	g_assert_cmpint(tl.width, ==, 1920);
	g_assert_cmpint(tl.height, ==, 1080);
	g_assert_cmpuint(tl.tracks.size(), ==, 4);
	/* tracks[0] is the top layer */
	g_assert_cmpstr(tl.tracks[0].id.c_str(), ==, "track-main");
	g_assert_cmpint(tl.track_of("item-text-1"), ==, 3);
	g_assert_cmpint(tl.track_of("item-image-1"), ==, 0);
	g_assert_cmpint(tl.duration(), ==, 240);
	g_assert_cmpuint(tl.duration_ns(), ==, GST_MSECOND);

	const Item *solid = tl.item("item-solid-1");
	g_assert_nonnull(solid);
	g_assert_true(solid->type == ItemType::Solid);
	g_assert_cmpint(solid->start, ==, 120);
	g_assert_cmpuint(solid->start_ns(), ==, GST_MSECOND / 2);
	g_assert_cmpstr(solid->json_path.c_str(), ==, "/items/item-solid-1");
	const Geometry &g = *solid->geometry;
	double base_left = g.left.value;
	g_assert_cmpfloat(g.left.at(0, solid->duration), ==, -260.0);
	g_assert_cmpfloat(g.left.at(solid->duration, solid->duration), ==, base_left);

	const Item *effect = tl.item("item-effect-1");
	g_assert_false(effect->geometry.has_value());
	g_assert_nonnull(effect->as<EffectData>());
	g_assert_nonnull(tl.item("item-image-1")->as<MediaData>());
	g_assert_cmpstr(tl.item("item-image-1")->as<MediaData>()->asset_id.c_str(), ==,
	                "asset-image-1");
	g_assert_true(tl.background.type == GlobalBackground::Type::Color);
	g_assert_cmpstr(tl.background.color.c_str(), ==, "#111827");
	const Transition &t = tl.transitions.at("transition-1");
	g_assert_true(t.type == TransitionType::Fade);
	g_assert_true(t.easing == Easing::EaseInOut);
	g_assert_cmpint(t.duration, ==, 15);
	g_assert_true(tl.asset("asset-image-1")->type == AssetType::Image);
}

static void test_model_kinds()
{
	EditorStateResult chart = load_editor_state(read("editor-state.valid.chart.json"));
	const ChartData *c = chart.timeline->item("item-chart-1")->as<ChartData>();
	g_assert_nonnull(c);
	g_assert_false(c->series.empty() && c->slices.empty() && c->points.empty());

	EditorStateResult cap = load_editor_state(read("editor-state.valid.caption.json"));
	const CaptionsData *cd = cap.timeline->item("item-caption-1")->as<CaptionsData>();
	g_assert_nonnull(cd);
	g_assert_cmpint(cd->max_lines, >=, 1);
	const Asset *a = cap.timeline->asset(cd->asset_id);
	g_assert_nonnull(a);
	g_assert_true(a->type == AssetType::Caption);
	g_assert_false(a->captions.empty());

	EditorStateResult tt = load_editor_state(read("editor-state.valid.text-template.json"));
	const TextTemplateData *td = tt.timeline->item("item-template-1")->as<TextTemplateData>();
	g_assert_nonnull(td);
	g_assert_cmpuint(td->nodes.size(), >=, 2);

	EditorStateResult rt = load_editor_state(read("editor-state.valid.runtime.json"));
	g_assert_true(rt.valid());
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/editorstate/examples/valid", test_valid_examples);
	g_test_add_func("/editorstate/examples/invalid", test_invalid_examples);
	g_test_add_func("/editorstate/legacy/product-page", test_product_page_legacy);
	g_test_add_func("/editorstate/legacy/value-only", test_shorthand_value_only);
	g_test_add_func("/editorstate/semantic/keyframe-range", test_keyframe_range);
	g_test_add_func("/editorstate/semantic/overlap", test_overlap);
	g_test_add_func("/editorstate/semantic/track-membership", test_track_membership);
	g_test_add_func("/editorstate/semantic/ids", test_ids);
	g_test_add_func("/editorstate/semantic/assets", test_assets);
	g_test_add_func("/editorstate/semantic/transitions", test_transitions);
	g_test_add_func("/editorstate/semantic/caption-timing", test_caption_timing);
	g_test_add_func("/editorstate/semantic/timeline-length", test_timeline_length);
	g_test_add_func("/editorstate/all-errors", test_all_errors_collected);
	g_test_add_func("/editorstate/request-wrapper", test_request_wrapper);
	g_test_add_func("/editorstate/model", test_model);
	g_test_add_func("/editorstate/model-kinds", test_model_kinds);
	return g_test_run();
}
