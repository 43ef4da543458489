// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of transitionmixer with two solid inputs (A red, B blue): pixel values at
// progress 0, 0.5 and 1 for each type, and the progress following its time window.
#include <gst/app/gstappsink.h>
#include <gst/check/gstcheck.h>
#include <gst/video/video.h>

#include <cstdlib>
#include <string>

constexpr int W = 160, H = 90;

struct Px {
	int r, g, b;
};

/* Renders num frames of A (red) and B (blue) through transitionmixer with props; returns
 * the last frame as RGB. */
static std::string mix(const std::string &props, int num = 1)
{
	std::string desc = "transitionmixer name=t " + props +
	                   " ! videoconvert ! video/x-raw,format=RGB ! appsink name=out sync=false "
	                   "videotestsrc pattern=red num-buffers=" +
	                   std::to_string(num) +
	                   " ! video/x-raw,width=160,height=90,framerate=10/1 ! t. "
	                   "videotestsrc pattern=blue num-buffers=" +
	                   std::to_string(num) +
	                   " ! video/x-raw,width=160,height=90,framerate=10/1 ! t.";
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

static Suite *transitionmixer_suite()
{
	Suite *s = suite_create("transitionmixer");
	TCase *tc = tcase_create("general");
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	tcase_add_test(tc, test_ends_show_a_then_b);
	tcase_add_test(tc, test_halfway);
	tcase_add_test(tc, test_window_and_easing);
	return s;
}

GST_CHECK_MAIN(transitionmixer);
