// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of render planning: item geometry per instant and the branch schedule.
#include <cmath>
#include <map>
#include <string>
#include <tuple>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include <jsontimeline/draw.h>
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

/* Two touching solids a [1 s, 2 s) and b [2 s, 3 s) on one track, joined by a transition of
 * 0.2 s: the window is [1.9 s, 2.1 s). */
static std::unique_ptr<Timeline> joined(TransitionType type, const std::string &direction,
                                        Ticks duration = 48000)
{
	auto tl = timeline(solid("a", 240000, 240000) + ", " + solid("b", 480000, 240000),
	                   track("t", "\"a\", \"b\""));
	Transition tr;
	tr.id = "tr";
	tr.track_id = "t";
	tr.from_clip_id = "a";
	tr.to_clip_id = "b";
	tr.type = type;
	tr.duration = duration;
	if (!direction.empty())
		tr.params["direction"] = direction;
	tl->transitions.emplace("tr", tr);
	return tl;
}

static void test_transition_spans()
{
	auto tl = joined(TransitionType::Wipe, "from-right");
	std::vector<std::string> warnings;
	ClipSpans spans = plan_transitions(*tl, &warnings);
	g_assert_cmpuint(warnings.size(), ==, 0);
	const ClipSpan &a = spans.at("a"), &b = spans.at("b");
	g_assert_cmpint(a.lead, ==, 0);
	g_assert_cmpint(a.tail, ==, 24000);
	g_assert_cmpint(b.lead, ==, 24000);
	g_assert_cmpint(b.tail, ==, 0);
	g_assert_true(a.out && !a.in && b.in && !b.out);
	g_assert_cmpint(b.in->window_start, ==, 456000);
	g_assert_cmpint(b.in->window_end, ==, 504000);
	g_assert_true(b.in->direction == TransitionDirection::FromRight);
	/* b shows from the window's start, masked by the progress; a until its end */
	g_assert_false(evaluate_clip(*tl->item("b"), b, 455999, 320, 240).visible);
	ItemFrame fb = evaluate_clip(*tl->item("b"), b, 456000, 320, 240);
	g_assert_true(fb.visible);
	g_assert_cmpfloat_with_epsilon(fb.mask, 0.0, 1e-9);
	g_assert_cmpfloat_with_epsilon(evaluate_clip(*tl->item("b"), b, 480000, 320, 240).mask, 0.5,
	                               1e-9);
	g_assert_cmpfloat(evaluate_clip(*tl->item("b"), b, 504000, 320, 240).mask, ==, -1.0);
	ItemFrame fa = evaluate_clip(*tl->item("a"), a, 503999, 320, 240);
	g_assert_true(fa.visible);
	g_assert_cmpfloat(fa.mask, ==, -1.0);
	g_assert_cmpfloat(fa.left, ==, 20.0);
	g_assert_false(evaluate_clip(*tl->item("a"), a, 504000, 320, 240).visible);
	/* the branches cover the spans */
	std::vector<Branch> branches = plan_branches(*tl, PlanOptions{}, &spans);
	g_assert_cmpuint(branches.size(), ==, 2);
	g_assert_cmpuint(branches[0].end, ==, ticks_to_ns(504000));
	g_assert_cmpuint(branches[1].start, ==, ticks_to_ns(456000));
	/* the total duration does not change */
	g_assert_cmpint(tl->duration(), ==, 720000);
}

static void test_transition_types()
{
	{ /* fade: the incoming clip's opacity follows the progress */
		auto tl = joined(TransitionType::Fade, "");
		ClipSpans spans = plan_transitions(*tl, nullptr);
		ItemFrame f = evaluate_clip(*tl->item("b"), spans.at("b"), 468000, 320, 240);
		g_assert_cmpfloat_with_epsilon(f.opacity, 0.25, 1e-9);
		g_assert_cmpfloat(f.mask, ==, -1.0);
		f = evaluate_clip(*tl->item("a"), spans.at("a"), 468000, 320, 240);
		g_assert_cmpfloat_with_epsilon(f.opacity, 1.0, 1e-9);
	}
	{ /* slide from the right: b half way in from the right, a half way out left */
		auto tl = joined(TransitionType::Slide, "from-right");
		ClipSpans spans = plan_transitions(*tl, nullptr);
		ItemFrame fb = evaluate_clip(*tl->item("b"), spans.at("b"), 480000, 320, 240);
		ItemFrame fa = evaluate_clip(*tl->item("a"), spans.at("a"), 480000, 320, 240);
		g_assert_cmpfloat_with_epsilon(fb.left, 20.0 + 160.0, 1e-9);
		g_assert_cmpfloat_with_epsilon(fa.left, 20.0 - 160.0, 1e-9);
		g_assert_cmpfloat_with_epsilon(fb.top, 10.0, 1e-9);
	}
	{ /* flip from the left: a turns away over the first half, b turns in after */
		auto tl = joined(TransitionType::Flip, "from-left");
		ClipSpans spans = plan_transitions(*tl, nullptr);
		ItemFrame fa = evaluate_clip(*tl->item("a"), spans.at("a"), 468000, 320, 240);
		ItemFrame fb = evaluate_clip(*tl->item("b"), spans.at("b"), 468000, 320, 240);
		g_assert_true(fa.visible && !fb.visible);
		/* a quarter of the way: a turned 45 degrees around its vertical axis */
		g_assert_cmpfloat_with_epsilon(fa.turn_y, 45.0, 1e-9);
		g_assert_cmpfloat(fa.turn_x, ==, 0.0);
		g_assert_cmpfloat(fa.scale_x, ==, 1.0);
		fa = evaluate_clip(*tl->item("a"), spans.at("a"), 492000, 320, 240);
		fb = evaluate_clip(*tl->item("b"), spans.at("b"), 492000, 320, 240);
		g_assert_true(!fa.visible && fb.visible);
		g_assert_cmpfloat_with_epsilon(fb.turn_y, -45.0, 1e-9);
		/* after the window b is flat */
		g_assert_cmpfloat(
		        evaluate_clip(*tl->item("b"), spans.at("b"), 504000, 320, 240).turn_y, ==,
		        0.0);
	}
	{ /* easing acts on the progress */
		auto tl = joined(TransitionType::Iris, "");
		tl->transitions.at("tr").easing = Easing::EaseIn;
		ClipSpans spans = plan_transitions(*tl, nullptr);
		double m = evaluate_clip(*tl->item("b"), spans.at("b"), 480000, 320, 240).mask;
		g_assert_cmpfloat_with_epsilon(m, ease(Easing::EaseIn, 0.5), 1e-9);
		g_assert_cmpfloat(m, <, 0.45);
	}
}

static void test_transition_rejected()
{
	std::vector<std::string> warnings;
	{ /* not touching: left out, with a warning naming the transition */
		auto tl = joined(TransitionType::Fade, "");
		tl->items.at("b").start += 1;
		ClipSpans spans = plan_transitions(*tl, &warnings);
		g_assert_true(spans.empty());
		g_assert_cmpuint(warnings.size(), ==, 1);
		g_assert_true(warnings[0].rfind("/transitions/tr: ", 0) == 0);
	}
	{ /* longer than twice a clip: shortened to fit */
		warnings.clear();
		auto tl = joined(TransitionType::Fade, "", 960000);
		ClipSpans spans = plan_transitions(*tl, &warnings);
		g_assert_cmpuint(warnings.size(), ==, 1);
		g_assert_true(warnings[0].find("/durationTicks") != std::string::npos);
		g_assert_cmpint(spans.at("b").in->window_start, ==, 240000);
		g_assert_cmpint(spans.at("b").in->window_end, ==, 720000);
	}
	{ /* a missing clip */
		warnings.clear();
		auto tl = joined(TransitionType::Fade, "");
		tl->transitions.at("tr").to_clip_id = "nope";
		g_assert_true(plan_transitions(*tl, &warnings).empty());
		g_assert_true(warnings.at(0).find("\"nope\" does not exist") != std::string::npos);
	}
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

/* A fade is a cross-fade: under the incoming clip at p, the outgoing clip shows at
 * (1 - p) / (1 - p cover), where cover is how opaque B is over the whole of A's box. */
static void test_fade_cover()
{
	auto opacity_of_a = [](const Timeline &tl, Ticks t) {
		ClipSpans spans = plan_transitions(tl, nullptr);
		return evaluate_clip(*tl.item("a"), spans.at("a"), t, 320, 240).opacity;
	};
	{ /* an opaque solid over the same box: A stays, B over it makes the mix */
		auto tl = joined(TransitionType::Fade, "");
		g_assert_cmpfloat(incoming_cover(*tl, *tl->item("a"), *tl->item("b")), ==, 1.0);
		g_assert_cmpfloat_with_epsilon(opacity_of_a(*tl, 480000), 1.0, 1e-9);
	}
	{ /* half transparent: A at 0.5 / 0.75 at p = 0.5 */
		auto tl = joined(TransitionType::Fade, "");
		tl->items.at("b").as<SolidData>()->color = "rgba(255, 0, 0, 0.5)";
		g_assert_cmpfloat_with_epsilon(incoming_cover(*tl, *tl->item("a"), *tl->item("b")),
		                               0.5, 1e-9);
		g_assert_cmpfloat_with_epsilon(opacity_of_a(*tl, 480000), 2.0 / 3.0, 1e-9);
	}
	{ /* B not over all of A, not rectangular, or not opaque (text): A fades out */
		for (int k = 0; k < 4; k++) {
			auto tl = joined(TransitionType::Fade, "");
			Item &b = tl->items.at("b");
			if (k == 0)
				b.geometry->width = AnimatedNumber(99.0);
			else if (k == 1)
				b.as<SolidData>()->shape = Shape::Circle;
			else if (k == 2)
				b.geometry->rotation = AnimatedNumber(10.0);
			else
				b.data = TextData{};
			g_assert_cmpfloat(incoming_cover(*tl, *tl->item("a"), b), ==, 0.0);
			g_assert_cmpfloat_with_epsilon(opacity_of_a(*tl, 468000), 0.75, 1e-9);
			g_assert_cmpfloat_with_epsilon(opacity_of_a(*tl, 480000), 0.5, 1e-9);
			g_assert_cmpfloat_with_epsilon(opacity_of_a(*tl, 492000), 0.25, 1e-9);
		}
	}
	{ /* a smaller A inside B, turned: still covered */
		auto tl = joined(TransitionType::Fade, "");
		Item &a = tl->items.at("a");
		a.geometry->left = AnimatedNumber(50.0);
		a.geometry->width = AnimatedNumber(40.0);
		a.geometry->height = AnimatedNumber(20.0);
		a.geometry->top = AnimatedNumber(20.0);
		a.geometry->rotation = AnimatedNumber(30.0);
		g_assert_cmpfloat(incoming_cover(*tl, a, *tl->item("b")), ==, 1.0);
	}
}

/* A wipe, clock-wipe or iris masks its incoming clip and, unless that covers it, the
 * outgoing one inverted. */
static void test_masks_of_clips()
{
	for (bool covered : {true, false}) {
		auto tl = joined(TransitionType::Iris, "");
		if (!covered)
			tl->items.at("b").as<SolidData>()->shape = Shape::Circle;
		ClipSpans spans = plan_transitions(*tl, nullptr);
		bool inverted = true;
		g_assert_true(clip_mask(spans.at("b"), &inverted) == &*spans.at("b").in);
		g_assert_false(inverted);
		const ClipTransition *m = clip_mask(spans.at("a"), &inverted);
		ItemFrame fa = evaluate_clip(*tl->item("a"), spans.at("a"), 480000, 320, 240);
		if (covered) {
			g_assert_null(m);
			g_assert_cmpfloat(fa.mask, ==, -1.0);
		} else {
			g_assert_true(m == &*spans.at("a").out && inverted);
			g_assert_cmpfloat_with_epsilon(fa.mask, 0.5, 1e-9);
		}
		/* before the window: no mask */
		fa = evaluate_clip(*tl->item("a"), spans.at("a"), 400000, 320, 240);
		g_assert_cmpfloat(fa.mask, ==, -1.0);
	}
}

/* Which image files a fade's cover counts as opaque: by their header. */
static void test_opaque_images()
{
	g_autofree gchar *dir = g_dir_make_tmp("jtl-plan-XXXXXX", nullptr);
	g_assert_nonnull(dir);
	auto save = [&](bool alpha, const char *type, const char *name) {
		g_autoptr(GdkPixbuf) pb = gdk_pixbuf_new(GDK_COLORSPACE_RGB, alpha, 8, 4, 4);
		gdk_pixbuf_fill(pb, 0xff0000ff);
		std::string path = std::string(dir) + "/" + name;
		g_assert_true(gdk_pixbuf_save(pb, path.c_str(), type, nullptr, nullptr));
		return path;
	};
	std::string rgb = save(false, "png", "rgb.png"), rgba = save(true, "png", "rgba.png");
	std::string jpeg = save(false, "jpeg", "x.jpg");
	g_assert_true(image_is_opaque(rgb));
	g_assert_false(image_is_opaque(rgba)); /* an alpha channel, even if all 255 */
	g_assert_true(image_is_opaque(jpeg));
	/* a tRNS chunk before the pixels: the IHDR of rgb.png, then tRNS */
	gchar *data = nullptr;
	gsize len = 0;
	g_assert_true(g_file_get_contents(rgb.c_str(), &data, &len, nullptr));
	std::string trns(data, 33);
	g_free(data);
	trns += std::string("\0\0\0\6tRNS\0\0\0\0\0\0\0\0\0\0", 18);
	std::string trns_path = std::string(dir) + "/trns.png";
	g_assert_true(
	        g_file_set_contents(trns_path.c_str(), trns.data(), gssize(trns.size()), nullptr));
	g_assert_false(image_is_opaque(trns_path));
	std::string svg = std::string(dir) + "/x.svg";
	g_assert_true(g_file_set_contents(svg.c_str(), "<svg/>", -1, nullptr));
	g_assert_false(image_is_opaque(svg));
	g_assert_false(image_is_opaque(std::string(dir) + "/missing.png"));
	for (const std::string &p : {rgb, rgba, jpeg, trns_path, svg})
		g_unlink(p.c_str());
	g_rmdir(dir);
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

/* Inside a track, each clip of a chain of transitions draws above the one before it,
 * whatever the listing order; other items take the track's zorder, and adding one
 * changes no other item's zorder (live updates keep built branches). */
static void test_plan_zorder_inside_tracks()
{
	std::string items = solid("c", 480000, 240000) + ", " + solid("b", 240000, 240000) + ", " +
	                    solid("a", 0, 240000) + ", " + solid("low", 0, 240000) + ", " +
	                    solid("low2", 240000, 240000);
	auto tl = timeline(items, track("t0", "\"c\", \"b\", \"a\"") + ", " +
	                                  track("t1", "\"low2\", \"low\""));
	for (auto [id, from, to] : {std::tuple{"bc", "b", "c"}, std::tuple{"ab", "a", "b"}}) {
		Transition tr;
		tr.id = id;
		tr.track_id = "t0";
		tr.from_clip_id = from;
		tr.to_clip_id = to;
		tr.duration = 48000;
		tl->transitions.emplace(id, tr);
	}
	ClipSpans spans = plan_transitions(*tl, nullptr);
	auto zorders = [&](const Timeline &t) {
		std::map<std::string, unsigned> z;
		for (const Branch &x : plan_branches(t, PlanOptions{}, &spans))
			z[x.item_id] = x.zorder;
		return z;
	};
	std::map<std::string, unsigned> z = zorders(*tl);
	/* chains of three: a stride of 3 per track */
	g_assert_cmpuint(track_zorder(*tl, &spans, 1), ==, 1);
	g_assert_cmpuint(track_zorder(*tl, &spans, 0), ==, 4);
	g_assert_cmpuint(z["low"], ==, 1);
	g_assert_cmpuint(z["low2"], ==, 1);
	g_assert_cmpuint(z["a"], ==, 4);
	g_assert_cmpuint(z["b"], ==, 5);
	g_assert_cmpuint(z["c"], ==, 6);
	/* an item added below: the others keep theirs */
	auto more = timeline(items + ", " + solid("new", 480000, 240000),
	                     track("t0", "\"c\", \"b\", \"a\"") + ", " +
	                             track("t1", "\"new\", \"low2\", \"low\""));
	more->transitions = tl->transitions;
	std::map<std::string, unsigned> z2 = zorders(*more);
	for (const char *id : {"a", "b", "c", "low", "low2"})
		g_assert_cmpuint(z2[id], ==, z[id]);
	/* without spans: the track's zorder, tracks[0] above (n - index) */
	std::vector<Branch> plain = plan_branches(*tl);
	for (const Branch &x : plain)
		g_assert_cmpuint(x.zorder, ==, x.item_id.size() == 1 ? 2u : 1u);
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

/* items_shown_at(): the frame rule at every residue of the 30 fps grid, hidden tracks,
 * transparent and off-frame boxes, rotation bounds. */
static void test_items_shown_at()
{
	/* "turned": 100 x 50 at y 320, under the output and the margin (240 + 64), turning to
	 * 90 degrees over 1 s: its bounds reach y 304 past 22 degrees (frame 10: 30 degrees,
	 * 93 px high from y 298) */
	std::string turning = ", \"top\": " + track_json(320) +
	                      ", \"rotation\": {\"value\": 0, \"keyframes\": "
	                      "[{\"timeTicks\": 0, \"value\": 0}, "
	                      "{\"timeTicks\": 239999, \"value\": 90}]}";
	std::string items = solid("a", 16000, 8000) + ", " + solid("b", 24001, 8000) + ", " +
	                    solid("clear", 0, 240000, ", \"opacity\": " + track_json(0)) + ", " +
	                    solid("hidden", 0, 240000) + ", " +
	                    solid("far", 0, 240000, ", \"left\": " + track_json(500)) + ", " +
	                    solid("turned", 0, 240000, turning);
	auto tl = timeline(items, track("t1", "\"a\", \"b\"") + ", " + track("t2", "\"clear\"") +
	                                  ", " + track("t3", "\"far\"") + ", " +
	                                  track("t4", "\"turned\"") + ", " +
	                                  track("t5", "\"hidden\"", true));
	FrameGrid grid;
	grid.width = 320;
	grid.height = 240;
	grid.comp_w = 320;
	grid.comp_h = 240;
	ClipSpans spans;
	auto at = [&](uint64_t k) {
		std::string s;
		for (const std::string &id : items_shown_at(*tl, spans, k, grid))
			s += (s.empty() ? "" : " ") + id;
		return s;
	};
	auto shows = [&](uint64_t k, const char *want) {
		std::string got = at(k);
		g_assert_cmpstr(got.c_str(), ==, want);
	};
	/* a [16000, 24000) is frame 2 only (66666666.67 ns); b [24001, 32001) misses frame 3's
	 * instant by one tick and holds frame 4's (32000) */
	shows(1, "");
	shows(2, "a");
	shows(3, "");
	shows(4, "b");
	shows(5, "");
	/* turned enough at frame 10: its bounds reach into the margin */
	shows(10, "turned");
	/* 60 fps: frames 4 and 5 (16000, 20000 ticks) are a's, 6 (24000) is past it */
	grid.fps_n = 60;
	shows(4, "a");
	shows(5, "a");
	shows(6, "");
	shows(7, "b");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/plan/transition-spans", test_transition_spans);
	g_test_add_func("/plan/transition-types", test_transition_types);
	g_test_add_func("/plan/transition-rejected", test_transition_rejected);
	g_test_add_func("/plan/evaluate-geometry", test_evaluate_geometry);
	g_test_add_func("/plan/fade-cover", test_fade_cover);
	g_test_add_func("/plan/masks-of-clips", test_masks_of_clips);
	g_test_add_func("/plan/opaque-images", test_opaque_images);
	g_test_add_func("/plan/zorder-and-flags", test_plan_zorder_and_flags);
	g_test_add_func("/plan/zorder-inside-tracks", test_plan_zorder_inside_tracks);
	g_test_add_func("/plan/sequential-clips", test_plan_sequential_clips);
	g_test_add_func("/plan/audio-gain", test_audio_gain);
	g_test_add_func("/plan/items-shown-at", test_items_shown_at);
	return g_test_run();
}
