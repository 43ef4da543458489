// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of render planning: item geometry per instant and the branch schedule.
#include <cmath>
#include <string>

#include <jsontimeline/editorstate.h>
#include <jsontimeline/plan.h>

using namespace jtl;

static std::string track_json(double v)
{
	return "{\"value\": " + std::to_string(v) + ", \"keyframes\": []}";
}

/* A solid item; extra is spliced into the object (e.g. animations). */
static std::string solid(const std::string &id, Ticks start, Ticks duration,
                         const std::string &extra = "")
{
	return "\"" + id + "\": {\"id\": \"" + id +
	       "\", \"type\": \"solid\", \"color\": \"#ff0000\", \"shape\": \"rectangle\", "
	       "\"startTicks\": " +
	       std::to_string(start) + ", \"durationTicks\": " + std::to_string(duration) +
	       ", \"isDraggingInTimeline\": false, \"keepAspectRatio\": false, \"top\": " +
	       track_json(10) + ", \"left\": " + track_json(20) +
	       ", \"width\": " + track_json(100) + ", \"height\": " + track_json(50) +
	       ", \"scaleX\": " + track_json(1) + ", \"scaleY\": " + track_json(1) +
	       ", \"opacity\": " + track_json(1) + ", \"borderRadius\": " + track_json(0) +
	       ", \"rotation\": " + track_json(0) + extra + "}";
}

static std::unique_ptr<Timeline> timeline(const std::string &items, const std::string &tracks)
{
	std::string doc = "{\"compositionWidth\": 320, \"compositionHeight\": 240, "
	                  "\"timebaseTicksPerSecond\": 240000, \"tracks\": [" +
	                  tracks + "], \"assets\": {}, \"items\": {" + items +
	                  "}, \"transitions\": {}}";
	EditorStateResult r = load_editor_state(doc);
	for (const Diagnostic &d : r.diagnostics.all())
		g_test_message("%s: %s", d.path.c_str(), d.message.c_str());
	g_assert_true(r.valid());
	return std::move(r.timeline);
}

static std::string track(const std::string &id, const std::string &items, bool hidden = false,
                         bool muted = false)
{
	return "{\"id\": \"" + id + "\", \"items\": [" + items +
	       "], \"hidden\": " + (hidden ? "true" : "false") +
	       ", \"muted\": " + (muted ? "true" : "false") + "}";
}

static void test_evaluate_geometry()
{
	std::string extra = ", \"animations\": {\"in\": {\"type\": \"fade\", \"durationTicks\": "
	                    "48000}, \"out\": {\"type\": \"slide-up\", \"durationTicks\": 48000, "
	                    "\"params\": {\"fade\": false}}}";
	auto tl = timeline(solid("a", 240000, 240000, extra), track("t", "\"a\""));
	Item item = *tl->item("a");
	item.geometry->left = AnimatedNumber(120, {{0, -260}});
	item.geometry->opacity = AnimatedNumber(0.5);

	g_assert_false(evaluate_item(item, 239999).visible); /* before the item */
	g_assert_false(evaluate_item(item, 480000).visible); /* its end is exclusive */

	ItemFrame start = evaluate_item(item, 240000);
	g_assert_false(start.visible); /* fade-in begins at 0 */
	g_assert_cmpfloat(start.left, ==, -260.0);

	ItemFrame mid_fade = evaluate_item(item, 240000 + 24000);
	g_assert_true(mid_fade.visible);
	g_assert_cmpfloat_with_epsilon(mid_fade.opacity, 0.25, 1e-9); /* 0.5 x half faded in */

	ItemFrame mid = evaluate_item(item, 360000);
	g_assert_cmpfloat_with_epsilon(mid.left, -70.0, 1e-9);
	g_assert_cmpfloat(mid.top, ==, 10.0);
	g_assert_cmpfloat(mid.opacity, ==, 0.5);
	g_assert_cmpfloat(mid.width, ==, 100.0);

	/* slide-up out, halfway: moved up by half the box height (50 / 2) */
	ItemFrame out = evaluate_item(item, 480000 - 24000);
	g_assert_cmpfloat_with_epsilon(out.top, 10.0 - 25.0, 1e-9);
	g_assert_cmpfloat(out.opacity, ==, 0.5);
}

static void test_plan_zorder_and_flags()
{
	std::string items = solid("top", 0, 240000) + ", " + solid("mid", 0, 240000) + ", " +
	                    solid("hidden", 0, 240000);
	auto tl = timeline(items, track("t0", "\"top\"") + ", " + track("t1", "\"mid\"") + ", " +
	                                  track("t2", "\"hidden\"", true));
	std::vector<Branch> b = plan_branches(*tl);
	g_assert_cmpuint(b.size(), ==, 2); /* the hidden track's solid gives no branch */
	const Branch *top = nullptr, *mid = nullptr;
	for (const Branch &x : b) {
		if (x.item_id == "top")
			top = &x;
		if (x.item_id == "mid")
			mid = &x;
	}
	g_assert_nonnull(top);
	g_assert_nonnull(mid);
	g_assert_cmpuint(top->zorder, >, mid->zorder); /* tracks[0] draws above */
	g_assert_true(top->video && !top->audio);
	g_assert_cmpuint(top->start, ==, 0);
	g_assert_cmpuint(top->end, ==, GST_SECOND);
	g_assert_cmpuint(top->build_at, ==, 0);
	g_assert_cmpuint(top->release_at, ==, GST_SECOND + GST_SECOND / 2);
}

static void test_plan_sequential_clips()
{
	/* 200 sequential one-second clips never hold 200 branches */
	std::string items, ids;
	for (int i = 0; i < 200; i++) {
		std::string id = "c" + std::to_string(i);
		items += (i ? ", " : "") + solid(id, Ticks(i) * 240000, 240000);
		ids += (i ? ", \"" : "\"") + id + "\"";
	}
	auto tl = timeline(items, track("t", ids));
	std::vector<Branch> b = plan_branches(*tl);
	g_assert_cmpuint(b.size(), ==, 200);
	std::size_t live = max_live_branches(b);
	g_test_message("largest number of live branches: %zu", live);
	g_assert_cmpuint(live, ==, 3); /* the current clip, the next (lead 1 s), the last (0.5 s) */
	PlanOptions tight;
	tight.lead = GST_SECOND / 10;
	tight.linger = 0;
	g_assert_cmpuint(max_live_branches(plan_branches(*tl, tight)), ==, 2);
	for (std::size_t i = 1; i < b.size(); i++)
		g_assert_cmpuint(b[i - 1].build_at, <=, b[i].build_at);
}

static void test_audio_gain()
{
	Item item;
	item.type = ItemType::Audio;
	item.start = 240000;
	item.duration = 480000; /* 2 s */
	MediaData m;
	m.decibel_adjustment = AnimatedNumber(-6.0);
	m.audio_fade_in_seconds = 0.5;
	m.audio_fade_out_seconds = 1.0;
	m.start_from_seconds = 3.0;
	m.playback_rate = 2.0;
	item.data = m;
	double k = std::pow(10.0, -6.0 / 20.0);
	g_assert_cmpfloat(audio_gain(item, 239999), ==, 0.0);
	g_assert_cmpfloat(audio_gain(item, 240000), ==, 0.0); /* fade-in starts at 0 */
	g_assert_cmpfloat_with_epsilon(audio_gain(item, 240000 + 60000), k * 0.5, 1e-9);
	g_assert_cmpfloat_with_epsilon(audio_gain(item, 240000 + 200000), k, 1e-9);
	g_assert_cmpfloat_with_epsilon(audio_gain(item, 240000 + 360000), k * 0.5, 1e-9);
	g_assert_cmpfloat(audio_gain(item, 720000), ==, 0.0);
	/* 0.5 s into the clip at rate 2 is 1 s into the file after its 3 s offset */
	g_assert_cmpfloat_with_epsilon(media_time(item, 240000 + 120000), 4.0, 1e-9);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/plan/evaluate-geometry", test_evaluate_geometry);
	g_test_add_func("/plan/zorder-and-flags", test_plan_zorder_and_flags);
	g_test_add_func("/plan/sequential-clips", test_plan_sequential_clips);
	g_test_add_func("/plan/audio-gain", test_audio_gain);
	return g_test_run();
}
