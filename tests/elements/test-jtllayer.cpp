// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of jtllayer: its properties (types, ranges, defaults, flags), its caps (BGRA, the
// canvas size), and its pixels on known inputs: the box, crops, corners, rotation, straight
// alpha, and the transition mask (and its inverse) at known positions.
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/controller/controller.h>
#include <gst/video/video.h>

#include <initializer_list>
#include <string>

#include "harness.h"

constexpr int W = 64, H = 36;

/* jtllayer with props on a canvas of W x H, fed BGRA frames of W x H. */
static GstHarness *layer(const char *props)
{
	std::string all = std::string("width=64 height=36 ") + props;
	return harness_with("jtllayer", all.c_str(),
	                    "video/x-raw, format=BGRA, width=64, height=36, framerate=30/1");
}

/* Opaque red on the left half, opaque blue on the right half. */
static GstBuffer *red_blue(GstClockTime pts = 0)
{
	return bgra_frame(W, H, pts, [](int x, int, guint8 *p) {
		bool left = x < W / 2;
		p[0] = left ? 0 : 255;
		p[1] = 0;
		p[2] = left ? 255 : 0;
		p[3] = 255;
	});
}

/* One frame through jtllayer with props. */
static GstBuffer *shaped(const char *props, GstBuffer *in)
{
	GstHarness *h = layer(props);
	GstBuffer *out = gst_harness_push_and_pull(h, in);
	fail_unless(out != nullptr);
	fail_unless_equals_int(gst_buffer_get_size(out), W * H * 4);
	gst_harness_teardown(h);
	return out;
}

static GParamSpec *pspec(GstElement *e, const char *name)
{
	GParamSpec *p = g_object_class_find_property(G_OBJECT_GET_CLASS(e), name);
	fail_unless(p != nullptr, "jtllayer has no %s", name);
	return p;
}

GST_START_TEST(test_properties)
{
	GstElement *e = gst_element_factory_make("jtllayer", nullptr);
	fail_unless(e != nullptr);
	/* the canvas: integers fixed once the caps are set */
	for (const char *n : {"width", "height"}) {
		GParamSpec *p = pspec(e, n);
		fail_unless(p->value_type == G_TYPE_INT, "%s", n);
		fail_unless_equals_int(G_PARAM_SPEC_INT(p)->minimum, 0);
		fail_unless_equals_int(G_PARAM_SPEC_INT(p)->maximum, 16384);
		fail_unless_equals_int(G_PARAM_SPEC_INT(p)->default_value, 0);
		fail_unless(p->flags & GST_PARAM_MUTABLE_READY, "%s", n);
		fail_unless(!(p->flags & GST_PARAM_CONTROLLABLE), "%s", n);
	}
	/* the shaping: doubles, controllable, changeable while playing */
	struct {
		const char *name;
		double min, max, def;
	} doubles[] = {
	        {"box-width", 0, 16384, 0},   {"box-height", 0, 16384, 0},
	        {"crop-left", 0, 1, 0},       {"crop-top", 0, 1, 0},
	        {"crop-right", 0, 1, 0},      {"crop-bottom", 0, 1, 0},
	        {"radius", 0, 16384, 0},      {"rotation", -36000, 36000, 0},
	        {"mask-progress", 0, 1, 1.0}, {"turn-x", -90, 90, 0},
	        {"turn-y", -90, 90, 0},
	};
	for (const auto &d : doubles) {
		GParamSpec *p = pspec(e, d.name);
		fail_unless(p->value_type == G_TYPE_DOUBLE, "%s", d.name);
		GParamSpecDouble *pd = G_PARAM_SPEC_DOUBLE(p);
		fail_unless(pd->minimum == d.min && pd->maximum == d.max, "%s range", d.name);
		fail_unless(pd->default_value == d.def, "%s default", d.name);
		fail_unless(p->flags & GST_PARAM_CONTROLLABLE, "%s", d.name);
		fail_unless(p->flags & GST_PARAM_MUTABLE_PLAYING, "%s", d.name);
		fail_unless(g_param_spec_get_blurb(p) && *g_param_spec_get_blurb(p), "%s", d.name);
	}
	GParamSpec *keep = pspec(e, "keep-aspect-ratio");
	fail_unless(keep->value_type == G_TYPE_BOOLEAN && (keep->flags & GST_PARAM_CONTROLLABLE));
	/* the mask: enums and a boolean, changeable while playing */
	for (const char *n : {"mask", "mask-direction", "mask-inverted"}) {
		GParamSpec *p = pspec(e, n);
		fail_unless(p->flags & GST_PARAM_MUTABLE_PLAYING, "%s", n);
	}
	fail_unless(G_TYPE_IS_ENUM(pspec(e, "mask")->value_type));
	fail_unless(G_TYPE_IS_ENUM(pspec(e, "mask-direction")->value_type));
	fail_unless(pspec(e, "mask-inverted")->value_type == G_TYPE_BOOLEAN);
	/* values come back as set */
	g_object_set(e, "box-width", 12.5, "crop-top", 0.25, "rotation", -30.0, "mask-inverted",
	             TRUE, nullptr);
	double bw = 0, ct = 0, rot = 0;
	gboolean inv = FALSE;
	g_object_get(e, "box-width", &bw, "crop-top", &ct, "rotation", &rot, "mask-inverted", &inv,
	             nullptr);
	fail_unless(bw == 12.5 && ct == 0.25 && rot == -30.0 && inv);
	gst_object_unref(e);
}
GST_END_TEST;

GST_START_TEST(test_caps)
{
	/* BGRA on both pads; the output has the canvas's size whatever the input's */
	assert_bgra_templates("jtllayer");
	GstHarness *h =
	        harness_with("jtllayer", "width=80 height=40",
	                     "video/x-raw, format=BGRA, width=64, height=36, framerate=30/1");
	GstBuffer *out = gst_harness_push_and_pull(h, red_blue());
	fail_unless(out != nullptr);
	fail_unless_equals_int(gst_buffer_get_size(out), 80 * 40 * 4);
	GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
	GstVideoInfo info;
	fail_unless(gst_video_info_from_caps(&info, caps));
	fail_unless_equals_int(GST_VIDEO_INFO_WIDTH(&info), 80);
	fail_unless_equals_int(GST_VIDEO_INFO_HEIGHT(&info), 40);
	fail_unless_equals_int(GST_VIDEO_INFO_FORMAT(&info), GST_VIDEO_FORMAT_BGRA);
	gst_caps_unref(caps);
	/* the 64 x 36 picture stretched over the 80 x 40 canvas */
	assert_bgra(out, 80, 10, 20, 255, 0, 0, 255);
	assert_bgra(out, 80, 70, 20, 0, 0, 255, 255);
	gst_buffer_unref(out);
	gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_whole_canvas_is_the_input)
{
	GstBuffer *out = shaped("", red_blue());
	for (int y : {0, 17, 35}) {
		assert_bgra(out, W, 0, y, 255, 0, 0, 255);
		assert_bgra(out, W, 31, y, 255, 0, 0, 255);
		assert_bgra(out, W, 32, y, 0, 0, 255, 255);
		assert_bgra(out, W, 63, y, 0, 0, 255, 255);
	}
	gst_buffer_unref(out);
}
GST_END_TEST;

GST_START_TEST(test_box_crop_and_rotation)
{
	/* a 32 x 18 box centred: x 16..47, y 9..26; transparent black around it */
	GstBuffer *out = shaped("box-width=32 box-height=18", red_blue());
	assert_bgra(out, W, 8, 18, 0, 0, 0, 0);
	assert_bgra(out, W, 56, 18, 0, 0, 0, 0);
	assert_bgra(out, W, 32, 4, 0, 0, 0, 0);
	assert_bgra(out, W, 32, 31, 0, 0, 0, 0);
	assert_bgra(out, W, 20, 12, 255, 0, 0, 255);
	assert_bgra(out, W, 44, 24, 0, 0, 255, 255);
	gst_buffer_unref(out);
	/* cutting the left half leaves the blue half, stretched over the box */
	out = shaped("box-width=32 box-height=18 crop-left=0.5", red_blue());
	assert_bgra(out, W, 18, 12, 0, 0, 255, 255);
	assert_bgra(out, W, 44, 24, 0, 0, 255, 255);
	assert_bgra(out, W, 8, 18, 0, 0, 0, 0);
	gst_buffer_unref(out);
	/* kept aspect ratio: the 64 x 36 picture contained in a 32 x 32 box is 32 x 18 */
	out = shaped("box-width=32 box-height=32 keep-aspect-ratio=true", red_blue());
	assert_bgra(out, W, 20, 6, 0, 0, 0, 0);
	assert_bgra(out, W, 20, 12, 255, 0, 0, 255);
	gst_buffer_unref(out);
	/* half a turn around the canvas centre swaps the halves */
	out = shaped("rotation=180", red_blue());
	assert_bgra(out, W, 8, 18, 0, 0, 255, 255);
	assert_bgra(out, W, 56, 18, 255, 0, 0, 255);
	gst_buffer_unref(out);
}
GST_END_TEST;

GST_START_TEST(test_rounded_corners)
{
	/* radius 12 on the whole canvas: the corners are cut, the middles of the edges kept */
	GstBuffer *out = shaped("radius=12", red_blue());
	assert_bgra(out, W, 0, 0, 0, 0, 0, 0);
	assert_bgra(out, W, 63, 35, 0, 0, 0, 0);
	assert_bgra(out, W, 1, 1, 0, 0, 0, 0);
	assert_bgra(out, W, 0, 18, 255, 0, 0, 255);
	assert_bgra(out, W, 63, 18, 0, 0, 255, 255);
	assert_bgra(out, W, 12, 0, 255, 0, 0, 255);
	gst_buffer_unref(out);
}
GST_END_TEST;

GST_START_TEST(test_straight_alpha_kept)
{
	/* half-transparent colour in, the same values out but for the rounding of the way
	 * through premultiplied alpha: red 200 x 128 / 255 = 100 (100.4), back 100 x 255 / 128
	 * = 199 (199.2); 120 -> 60 -> 120; 40 -> 20 -> 40 */
	GstBuffer *in = bgra_frame(W, H, 0, [](int, int, guint8 *p) {
		p[0] = 40;
		p[1] = 120;
		p[2] = 200;
		p[3] = 128;
	});
	GstBuffer *out = shaped("", in);
	assert_bgra(out, W, 10, 10, 199, 120, 40, 128);
	assert_bgra(out, W, 50, 30, 199, 120, 40, 128);
	gst_buffer_unref(out);
}
GST_END_TEST;

GST_START_TEST(test_mask_and_inverse)
{
	/* a wipe from the left half done: the left half shown, the right half hidden */
	GstBuffer *out = shaped("mask=wipe mask-direction=from-left mask-progress=0.5", red_blue());
	for (int y : {0, 18, 35}) {
		assert_bgra(out, W, 2, y, 255, 0, 0, 255);
		assert_bgra(out, W, 28, y, 255, 0, 0, 255);
		assert_bgra(out, W, 36, y, 0, 0, 0, 0);
		assert_bgra(out, W, 61, y, 0, 0, 0, 0);
	}
	gst_buffer_unref(out);
	/* inverted: the part the wipe has not reached yet */
	out = shaped("mask=wipe mask-direction=from-left mask-progress=0.5 mask-inverted=true",
	             red_blue());
	assert_bgra(out, W, 2, 18, 0, 0, 0, 0);
	assert_bgra(out, W, 28, 18, 0, 0, 0, 0);
	assert_bgra(out, W, 36, 18, 0, 0, 255, 255);
	assert_bgra(out, W, 61, 18, 0, 0, 255, 255);
	gst_buffer_unref(out);
	/* from the right a quarter of the way: only the rightmost 16 columns */
	out = shaped("mask=wipe mask-direction=from-right mask-progress=0.25", red_blue());
	assert_bgra(out, W, 45, 18, 0, 0, 0, 0);
	assert_bgra(out, W, 50, 18, 0, 0, 255, 255);
	gst_buffer_unref(out);
	/* an iris at 0 hides everything, at 1 (the default) shows everything */
	out = shaped("mask=iris mask-progress=0", red_blue());
	assert_bgra(out, W, 32, 18, 0, 0, 0, 0);
	assert_bgra(out, W, 0, 0, 0, 0, 0, 0);
	gst_buffer_unref(out);
	out = shaped("mask=iris", red_blue());
	assert_bgra(out, W, 0, 0, 255, 0, 0, 255);
	assert_bgra(out, W, 63, 35, 0, 0, 255, 255);
	gst_buffer_unref(out);
}
GST_END_TEST;

GST_START_TEST(test_mask_progress_follows_a_controller)
{
	/* mask-progress from 0 at 0 s to 1 at 1 s: at 0.5 s the wipe has uncovered half */
	GstHarness *h = layer("mask=wipe mask-direction=from-left");
	control_0_to_1(h->element, "mask-progress");
	GstBuffer *out = gst_harness_push_and_pull(h, red_blue(GST_SECOND / 2));
	assert_bgra(out, W, 28, 18, 255, 0, 0, 255);
	assert_bgra(out, W, 36, 18, 0, 0, 0, 0);
	gst_buffer_unref(out);
	out = gst_harness_push_and_pull(h, red_blue(GST_SECOND / 4));
	assert_bgra(out, W, 12, 18, 255, 0, 0, 255);
	assert_bgra(out, W, 20, 18, 0, 0, 0, 0);
	gst_buffer_unref(out);
	gst_harness_teardown(h);
}
GST_END_TEST;

static Suite *jtllayer_suite()
{
	Suite *s = suite_create("jtllayer");
	TCase *tc = tcase_create("general");
	suite_add_tcase(s, tc);
	tcase_add_test(tc, test_properties);
	tcase_add_test(tc, test_caps);
	tcase_add_test(tc, test_whole_canvas_is_the_input);
	tcase_add_test(tc, test_box_crop_and_rotation);
	tcase_add_test(tc, test_rounded_corners);
	tcase_add_test(tc, test_straight_alpha_kept);
	tcase_add_test(tc, test_mask_and_inverse);
	tcase_add_test(tc, test_mask_progress_follows_a_controller);
	return s;
}

GST_CHECK_MAIN(jtllayer);
