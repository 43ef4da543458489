// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of transitionmixer with two solid inputs (A red, B blue): pixel values at
// progress 0, 0.5 and 1 for each type, and the progress following its time window.
#include <gst/app/gstappsink.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/controller/controller.h>
#include <gst/video/video.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

constexpr int W = 160, H = 90;

struct Px {
	int r, g, b;
};

/* Renders num frames of A (red) and B (blue) through transitionmixer with props, A in
 * raw format a_format and B in b_format (linked straight to the mixer); returns the last
 * frame as RGB. */
static std::string mix(const std::string &props, int num = 1, const char *a_format = "BGRA",
                       const char *b_format = "BGRA")
{
	std::string desc = "transitionmixer name=t " + props +
	                   " ! videoconvert ! video/x-raw,format=RGB ! appsink name=out sync=false "
	                   "videotestsrc pattern=red num-buffers=" +
	                   std::to_string(num) + " ! video/x-raw,format=" + a_format +
	                   ",width=160,height=90,framerate=10/1 ! t. "
	                   "videotestsrc pattern=blue num-buffers=" +
	                   std::to_string(num) + " ! video/x-raw,format=" + b_format +
	                   ",width=160,height=90,framerate=10/1 ! t.";
	GError *error = nullptr;
	GstElement *pipeline = gst_parse_launch(desc.c_str(), &error);
	fail_unless(pipeline != nullptr, "%s", error ? error->message : "");
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	std::string last;
	for (;;) {
		GstSample *s = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 10 * GST_SECOND);
		if (!s)
			break;
		GstMapInfo map;
		GstBuffer *buf = gst_sample_get_buffer(s);
		gst_buffer_map(buf, &map, GST_MAP_READ);
		GstVideoInfo info;
		gst_video_info_from_caps(&info, gst_sample_get_caps(s));
		last.clear();
		for (int y = 0; y < H; y++)
			last.append(reinterpret_cast<const char *>(map.data) +
			                    y * GST_VIDEO_INFO_PLANE_STRIDE(&info, 0),
			            W * 3);
		gst_buffer_unmap(buf, &map);
		gst_sample_unref(s);
	}
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(pipeline);
	fail_unless_equals_int(last.size(), W * H * 3);
	return last;
}

static Px at(const std::string &f, int x, int y)
{
	const unsigned char *p =
	        reinterpret_cast<const unsigned char *>(f.data()) + (y * W + x) * 3;
	return {p[0], p[1], p[2]};
}

static bool near(Px p, int r, int g, int b, int tol = 12)
{
	return std::abs(p.r - r) <= tol && std::abs(p.g - g) <= tol && std::abs(p.b - b) <= tol;
}

#define RED 255, 0, 0
#define BLUE 0, 0, 255

GST_START_TEST(test_ends_show_a_then_b)
{
	for (const char *type : {"fade", "slide", "wipe", "flip", "clock-wipe", "iris"}) {
		std::string t = std::string("type=") + type;
		std::string a = mix(t + " progress=0"), b = mix(t + " progress=1");
		for (auto [x, y] : {std::pair{1, 1}, std::pair{80, 45}, std::pair{158, 88}}) {
			fail_unless(near(at(a, x, y), RED), "%s at 0, (%d,%d)", type, x, y);
			fail_unless(near(at(b, x, y), BLUE), "%s at 1, (%d,%d)", type, x, y);
		}
	}
}
GST_END_TEST;

GST_START_TEST(test_halfway)
{
	/* fade: the mix */
	std::string f = mix("type=fade progress=0.5");
	fail_unless(near(at(f, 80, 45), 128, 0, 128, 4), "fade %d %d %d", at(f, 80, 45).r,
	            at(f, 80, 45).g, at(f, 80, 45).b);
	/* wipe from-left: left part B, right part A; from-top-left: that corner B */
	f = mix("type=wipe direction=from-left progress=0.5");
	fail_unless(near(at(f, 20, 45), BLUE) && near(at(f, 140, 45), RED));
	f = mix("type=wipe direction=from-bottom-right progress=0.5");
	fail_unless(near(at(f, 155, 85), BLUE) && near(at(f, 4, 4), RED));
	/* iris: centre B, corners A */
	f = mix("type=iris progress=0.5");
	fail_unless(near(at(f, 80, 45), BLUE) && near(at(f, 1, 1), RED) &&
	            near(at(f, 158, 88), RED));
	/* clock-wipe at 0.25: the top-right quarter swept */
	f = mix("type=clock-wipe progress=0.25");
	fail_unless(near(at(f, 120, 20), BLUE) && near(at(f, 40, 20), RED) &&
	            near(at(f, 120, 70), RED));
	/* slide from-left: B's right half on the left, A's left half on the right */
	f = mix("type=slide direction=from-left progress=0.5");
	fail_unless(near(at(f, 40, 45), BLUE) && near(at(f, 120, 45), RED));
	/* flip at 0.25: A narrowed around the centre, nothing at the sides */
	f = mix("type=flip direction=from-left progress=0.25");
	fail_unless(near(at(f, 80, 45), RED) && near(at(f, 5, 45), 0, 0, 0));
	f = mix("type=flip direction=from-left progress=0.75");
	fail_unless(near(at(f, 80, 45), BLUE) && near(at(f, 5, 45), 0, 0, 0));
}
GST_END_TEST;

GST_START_TEST(test_window_and_easing)
{
	/* 10 fps, 10 frames: the last frame (0.9 s) of a fade over [0.4, 1.4) is at 0.5 */
	std::string f = mix("type=fade start=400000000 duration=1000000000", 10);
	fail_unless(near(at(f, 80, 45), 128, 0, 128, 4), "linear %d", at(f, 80, 45).b);
	f = mix("type=fade start=400000000 duration=1000000000 easing=ease-in", 10);
	fail_unless(at(f, 80, 45).b < 110, "ease-in is behind at half time: %d", at(f, 80, 45).b);
	/* after the window: all B */
	f = mix("type=wipe start=0 duration=500000000", 10);
	fail_unless(near(at(f, 1, 1), BLUE) && near(at(f, 158, 88), BLUE));
}
GST_END_TEST;

GST_START_TEST(test_common_raw_formats)
{
	/* inputs in YUV and RGB formats linked without videoconvert: converted, then mixed */
	const std::pair<const char *, const char *> pairs[] = {
	        {"I420", "NV12"}, {"NV12", "I420"}, {"AYUV", "RGBA"}, {"YUY2", "BGRx"}};
	for (auto [fa, fb] : pairs) {
		std::string a = mix("type=fade progress=0", 1, fa, fb);
		std::string b = mix("type=fade progress=1", 1, fa, fb);
		std::string f = mix("type=fade progress=0.5", 1, fa, fb);
		for (auto [x, y] : {std::pair{1, 1}, std::pair{80, 45}, std::pair{158, 88}}) {
			Px pa = at(a, x, y), pb = at(b, x, y), pf = at(f, x, y);
			fail_unless(near(pa, RED), "%s/%s A at (%d,%d): %d %d %d", fa, fb, x, y,
			            pa.r, pa.g, pa.b);
			fail_unless(near(pb, BLUE), "%s/%s B at (%d,%d): %d %d %d", fa, fb, x, y,
			            pb.r, pb.g, pb.b);
			fail_unless(near(pf, 128, 0, 128), "%s/%s mix at (%d,%d): %d %d %d", fa, fb,
			            x, y, pf.r, pf.g, pf.b);
		}
	}
	/* a wipe half way over I420 inputs: B on the left, A on the right */
	std::string w = mix("type=wipe direction=from-left progress=0.5", 1, "I420", "I420");
	fail_unless(near(at(w, 20, 45), BLUE) && near(at(w, 140, 45), RED));
}
GST_END_TEST;

GST_START_TEST(test_third_pad_refused)
{
	GstElement *m = gst_element_factory_make("transitionmixer", nullptr);
	fail_unless(m != nullptr);
	GstBus *bus = gst_bus_new();
	gst_element_set_bus(m, bus);
	GstPad *a = gst_element_request_pad_simple(m, "sink_%u");
	GstPad *b = gst_element_request_pad_simple(m, "sink_%u");
	fail_unless(a != nullptr && b != nullptr);
	fail_unless(gst_element_request_pad_simple(m, "sink_%u") == nullptr);
	fail_unless(gst_element_request_pad_simple(m, "sink_7") == nullptr);
	fail_unless_equals_int(m->numsinkpads, 2);
	GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_WARNING);
	fail_unless(msg != nullptr, "no warning posted");
	GError *err = nullptr;
	gst_message_parse_warning(msg, &err, nullptr);
	fail_unless(strstr(err->message, "third sink pad") != nullptr, "%s", err->message);
	g_error_free(err);
	gst_message_unref(msg);
	/* a released pad frees its place */
	gst_element_release_request_pad(m, b);
	gst_object_unref(b);
	GstPad *c = gst_element_request_pad_simple(m, "sink_%u");
	fail_unless(c != nullptr);
	gst_element_release_request_pad(m, c);
	gst_object_unref(c);
	gst_element_release_request_pad(m, a);
	gst_object_unref(a);
	gst_element_set_bus(m, nullptr);
	gst_object_unref(bus);
	gst_object_unref(m);
}
GST_END_TEST;

/* A frame of one BGRA colour (b, g, r) at pts. */
static GstBuffer *solid_frame(guint8 b, guint8 g, guint8 r, GstClockTime pts)
{
	GstBuffer *buf = gst_buffer_new_and_alloc(W * H * 4);
	GstMapInfo map;
	gst_buffer_map(buf, &map, GST_MAP_WRITE);
	for (int i = 0; i < W * H; i++) {
		map.data[i * 4] = b;
		map.data[i * 4 + 1] = g;
		map.data[i * 4 + 2] = r;
		map.data[i * 4 + 3] = 255;
	}
	gst_buffer_unmap(buf, &map);
	GST_BUFFER_PTS(buf) = pts;
	GST_BUFFER_DURATION(buf) = GST_SECOND / 10;
	return buf;
}

GST_START_TEST(test_progress_controller)
{
	/* a controller holding progress at 1: B at the first frame, where the window alone
	 * would still show A */
	GstHarness *a = gst_harness_new_with_padnames("transitionmixer", "sink_0", "src");
	GstHarness *b = gst_harness_new_with_element(a->element, "sink_1", nullptr);
	const char *caps = "video/x-raw, format=BGRA, width=160, height=90, framerate=10/1";
	gst_harness_set_src_caps_str(a, caps);
	gst_harness_set_src_caps_str(b, caps);
	GstControlSource *cs = gst_interpolation_control_source_new();
	gst_timed_value_control_source_set(GST_TIMED_VALUE_CONTROL_SOURCE(cs), 0, 1.0);
	gst_object_add_control_binding(
	        GST_OBJECT(a->element),
	        gst_direct_control_binding_new_absolute(GST_OBJECT(a->element), "progress", cs));
	gst_harness_push(a, solid_frame(0, 0, 255, 0));
	gst_harness_push(b, solid_frame(255, 0, 0, 0));
	gst_harness_push_event(a, gst_event_new_eos());
	gst_harness_push_event(b, gst_event_new_eos());
	GstBuffer *out = gst_harness_pull(a);
	fail_unless(out != nullptr);
	GstMapInfo map;
	gst_buffer_map(out, &map, GST_MAP_READ);
	fail_unless(map.data[0] == 255 && map.data[2] == 0, "pixel %d %d %d", map.data[2],
	            map.data[1], map.data[0]);
	gst_buffer_unmap(out, &map);
	gst_buffer_unref(out);
	gst_object_unref(cs);
	gst_harness_teardown(b);
	gst_harness_teardown(a);
}
GST_END_TEST;

/* One output frame (BGRA) of transitionmixer in GstHarness: A red, B blue, at a fixed
 * progress. */
static std::string harness_frame(const char *type, const char *direction, double progress)
{
	GstHarness *a = gst_harness_new_with_padnames("transitionmixer", "sink_0", "src");
	GstHarness *b = gst_harness_new_with_element(a->element, "sink_1", nullptr);
	const char *caps = "video/x-raw, format=BGRA, width=160, height=90, framerate=10/1";
	gst_harness_set_src_caps_str(a, caps);
	gst_harness_set_src_caps_str(b, caps);
	gst_util_set_object_arg(G_OBJECT(a->element), "type", type);
	if (direction)
		gst_util_set_object_arg(G_OBJECT(a->element), "direction", direction);
	g_object_set(a->element, "progress", progress, nullptr);
	gst_harness_push(a, solid_frame(0, 0, 255, 0));
	gst_harness_push(b, solid_frame(255, 0, 0, 0));
	gst_harness_push_event(a, gst_event_new_eos());
	gst_harness_push_event(b, gst_event_new_eos());
	GstBuffer *out = gst_harness_pull(a);
	fail_unless(out != nullptr);
	GstMapInfo map;
	gst_buffer_map(out, &map, GST_MAP_READ);
	std::string frame(reinterpret_cast<const char *>(map.data), W * H * 4);
	gst_buffer_unmap(out, &map);
	gst_buffer_unref(out);
	gst_harness_teardown(b);
	gst_harness_teardown(a);
	return frame;
}

/* What a pixel shows: A (red), B (blue), nothing (transparent black) or the even mix. */
enum class Shows { A, B, None, Mix };

static bool shows(const std::string &f, int x, int y, Shows want)
{
	const unsigned char *p =
	        reinterpret_cast<const unsigned char *>(f.data()) + (y * W + x) * 4;
	int b = p[0], r = p[2], alpha = p[3];
	switch (want) {
	case Shows::A:
		return r >= 250 && b <= 5 && alpha == 255;
	case Shows::B:
		return b >= 250 && r <= 5 && alpha == 255;
	case Shows::None:
		return alpha == 0;
	case Shows::Mix:
		return std::abs(r - 128) <= 2 && std::abs(b - 128) <= 2;
	}
	return false;
}

struct Probe {
	int x, y;
	Shows want;
};

struct Case {
	const char *type, *direction;
	double progress;
	std::vector<Probe> probes;
};

GST_START_TEST(test_every_type_and_direction)
{
	const Shows A = Shows::A, B = Shows::B, N = Shows::None;
	const char *all_types[] = {"fade", "slide", "wipe", "flip", "clock-wipe", "iris"};
	const char *sides[] = {"from-left", "from-right", "from-top", "from-bottom"};
	const char *eight[] = {"from-left",      "from-top-left",   "from-top",
	                       "from-top-right", "from-right",      "from-bottom-right",
	                       "from-bottom",    "from-bottom-left"};
	std::vector<Case> cases;
	/* the ends: all A at 0, all B at 1, whatever the direction */
	for (const char *type : all_types)
		for (const char *dir : eight)
			for (double p : {0.0, 1.0})
				cases.push_back({type,
				                 dir,
				                 p,
				                 {{1, 1, p == 0 ? A : B},
				                  {80, 45, p == 0 ? A : B},
				                  {158, 88, p == 0 ? A : B}}});
	/* half way */
	cases.push_back({"fade", nullptr, 0.5, {{80, 45, Shows::Mix}, {1, 1, Shows::Mix}}});
	cases.push_back({"slide", "from-left", 0.5, {{40, 45, B}, {120, 45, A}}});
	cases.push_back({"slide", "from-right", 0.5, {{120, 45, B}, {40, 45, A}}});
	cases.push_back({"slide", "from-top", 0.5, {{80, 20, B}, {80, 70, A}}});
	cases.push_back({"slide", "from-bottom", 0.5, {{80, 70, B}, {80, 20, A}}});
	cases.push_back({"wipe", "from-left", 0.5, {{20, 45, B}, {140, 45, A}}});
	cases.push_back({"wipe", "from-right", 0.5, {{140, 45, B}, {20, 45, A}}});
	cases.push_back({"wipe", "from-top", 0.5, {{80, 10, B}, {80, 80, A}}});
	cases.push_back({"wipe", "from-bottom", 0.5, {{80, 80, B}, {80, 10, A}}});
	cases.push_back({"wipe", "from-top-left", 0.5, {{4, 4, B}, {155, 85, A}, {30, 20, B}}});
	cases.push_back({"wipe", "from-top-right", 0.5, {{155, 4, B}, {4, 85, A}}});
	cases.push_back({"wipe", "from-bottom-right", 0.5, {{155, 85, B}, {4, 4, A}}});
	cases.push_back({"wipe", "from-bottom-left", 0.5, {{4, 85, B}, {155, 4, A}}});
	/* clock-wipe: at 0.5 the right half swept, at 0.25 the top-right quarter */
	cases.push_back({"clock-wipe",
	                 nullptr,
	                 0.5,
	                 {{120, 20, B}, {120, 70, B}, {40, 20, A}, {40, 70, A}}});
	cases.push_back({"clock-wipe",
	                 nullptr,
	                 0.25,
	                 {{120, 20, B}, {120, 70, A}, {40, 70, A}, {40, 20, A}}});
	cases.push_back({"iris", nullptr, 0.5, {{80, 45, B}, {1, 1, A}, {158, 88, A}, {1, 88, A}}});
	/* flip: at 0.25 A turned 45 degrees, narrower than the frame (nothing at the far
	 * side); edge-on at 0.5; B turned the other way at 0.75 */
	for (const char *dir : sides) {
		bool vertical_axis = !strcmp(dir, "from-left") || !strcmp(dir, "from-right");
		bool near_first = !strcmp(dir, "from-left") || !strcmp(dir, "from-top");
		/* the far side of A at 0.25, of B at 0.75: opposite edges */
		Probe far_a = vertical_axis ? Probe{near_first ? 150 : 9, 45, N}
		                            : Probe{80, near_first ? 86 : 3, N};
		Probe far_b = vertical_axis ? Probe{near_first ? 9 : 150, 45, N}
		                            : Probe{80, near_first ? 3 : 86, N};
		/* the near edge of A at 0.25 is taller than the frame: it reaches the corner
		 * on its side */
		Probe near_a = vertical_axis ? Probe{near_first ? 12 : 147, 1, A}
		                             : Probe{1, near_first ? 8 : 81, A};
		cases.push_back({"flip", dir, 0.25, {{80, 45, A}, far_a, near_a}});
		cases.push_back({"flip", dir, 0.5, {{80, 45, N}, {1, 1, N}}});
		cases.push_back({"flip", dir, 0.75, {{80, 45, B}, far_b}});
	}
	for (const Case &c : cases) {
		std::string f = harness_frame(c.type, c.direction, c.progress);
		for (const Probe &p : c.probes)
			fail_unless(shows(f, p.x, p.y, p.want), "%s %s at %.2f: (%d,%d) wrong",
			            c.type, c.direction ? c.direction : "", c.progress, p.x, p.y);
	}
}
GST_END_TEST;

static Suite *transitionmixer_suite()
{
	Suite *s = suite_create("transitionmixer");
	TCase *tc = tcase_create("general");
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	tcase_add_test(tc, test_ends_show_a_then_b);
	tcase_add_test(tc, test_halfway);
	tcase_add_test(tc, test_window_and_easing);
	tcase_add_test(tc, test_progress_controller);
	tcase_add_test(tc, test_every_type_and_direction);
	tcase_add_test(tc, test_common_raw_formats);
	tcase_add_test(tc, test_third_pad_refused);
	return s;
}

GST_CHECK_MAIN(transitionmixer);
