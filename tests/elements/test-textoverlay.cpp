// SPDX-License-Identifier: LGPL-2.1-or-later
// GstHarness tests of textoverlay-kf: caps, drawing inside the box, overflow drawn around
// it, controller-driven motion, opacity, rotation, a missing font family.
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/controller/controller.h>
#include <gst/video/video.h>

#include <algorithm>
#include <initializer_list>
#include <string>

#include "harness.h"

constexpr int W = 160, H = 120;

/* The bounding box of the pixels that are mostly red, in a BGRx frame. */
struct Box {
	int x0 = W, y0 = H, x1 = -1, y1 = -1;
	int count = 0;
	int max_r = 0; /* the strongest red seen */
};

/* The element in a harness, with "name=value" properties separated by spaces. */
static GstHarness *harness(const char *props)
{
	return harness_with("textoverlay-kf", props,
	                    "video/x-raw, format=BGRx, width=160, height=120, framerate=30/1");
}

static GstBuffer *black_frame(GstClockTime pts)
{
	GstBuffer *buf = gst_buffer_new_and_alloc(W * H * 4);
	gst_buffer_memset(buf, 0, 0, W * H * 4);
	GST_BUFFER_PTS(buf) = pts;
	GST_BUFFER_DURATION(buf) = GST_SECOND / 30;
	return buf;
}

static Box red_box(GstBuffer *buf)
{
	Box b;
	GstMapInfo map;
	gst_buffer_map(buf, &map, GST_MAP_READ);
	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x++) {
			const guint8 *p = map.data + (y * W + x) * 4;
			b.max_r = std::max(b.max_r, int(p[2]));
			if (p[2] > 100 && p[1] < 60 && p[0] < 60) {
				b.x0 = std::min(b.x0, x);
				b.y0 = std::min(b.y0, y);
				b.x1 = std::max(b.x1, x);
				b.y1 = std::max(b.y1, y);
				b.count++;
			}
		}
	}
	gst_buffer_unmap(buf, &map);
	return b;
}

static Box push_and_measure(GstHarness *h, GstClockTime pts)
{
	GstBuffer *out = gst_harness_push_and_pull(h, black_frame(pts));
	fail_unless(out != nullptr);
	Box b = red_box(out);
	gst_buffer_unref(out);
	return b;
}

GST_START_TEST(test_caps)
{
	GstHarness *h = harness("text=Hi");
	GstBuffer *out = gst_harness_push_and_pull(h, black_frame(0));
	fail_unless(out != nullptr);
	GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
	GstVideoInfo info;
	fail_unless(gst_video_info_from_caps(&info, caps));
	fail_unless_equals_int(GST_VIDEO_INFO_FORMAT(&info), GST_VIDEO_FORMAT_BGRx);
	fail_unless_equals_int(GST_VIDEO_INFO_WIDTH(&info), W);
	gst_caps_unref(caps);
	gst_buffer_unref(out);
	gst_harness_teardown(h);
	/* formats Cairo cannot draw on are refused */
	h = gst_harness_new("textoverlay-kf");
	GstCaps *i420 = gst_caps_from_string("video/x-raw, format=I420, width=160, height=120, "
	                                     "framerate=30/1");
	fail_if(gst_pad_peer_query_accept_caps(h->srcpad, i420));
	gst_caps_unref(i420);
	gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_text_inside_its_box)
{
	GstHarness *h = harness("text=HHH font-size=40 css-color=#ff0000 x=20 y=30 box-width=100 "
	                        "box-height=50");
	Box b = push_and_measure(h, 0);
	fail_unless(b.count > 100, "%d red pixels", b.count);
	fail_unless(b.x0 >= 20 && b.x1 < 120 && b.y0 >= 30 && b.y1 < 80,
	            "text at %d,%d - %d,%d outside the box 20,30 - 120,80", b.x0, b.y0, b.x1, b.y1);
	gst_harness_teardown(h);

	/* no text: the frame goes through untouched */
	h = harness("text=");
	b = push_and_measure(h, 0);
	fail_unless_equals_int(b.count, 0);
	gst_harness_teardown(h);
}
GST_END_TEST;

/* Three lines of 20 px (line-height 1: 20 px apart) in a box one line high: all drawn,
 * above and below the box (CSS overflow: visible), not cut at it. */
GST_START_TEST(test_overflow_is_drawn)
{
	GstHarness *h = harness("text=H\nH\nH font-size=20 line-height=1 css-color=#ff0000 x=20 "
	                        "y=50 box-width=100 box-height=20");
	Box b = push_and_measure(h, 0);
	fail_unless(b.y0 < 50 - 10 && b.y1 >= 70 + 10, "ink rows %d..%d, the box 50..69", b.y0,
	            b.y1);
	/* 20 px apart: cap top of the first to the last baseline is two lines and a cap */
	fail_unless(std::abs((b.y1 - b.y0 + 1) - (40 + 0.73 * 20)) <= 2, "ink %d px high",
	            b.y1 - b.y0 + 1);
	gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_controller_motion_and_colour)
{
	GstHarness *h = harness("text=HH font-size=30 css-color=#ff0000 y=40 box-width=60 "
	                        "box-height=40");
	GstControlSource *cs = gst_interpolation_control_source_new();
	g_object_set(cs, "mode", GST_INTERPOLATION_MODE_LINEAR, nullptr);
	GstTimedValueControlSource *tv = GST_TIMED_VALUE_CONTROL_SOURCE(cs);
	gst_timed_value_control_source_set(tv, 0, 0.0);
	gst_timed_value_control_source_set(tv, GST_SECOND, 100.0);
	/* absolute binding: the values are pixels */
	gst_object_add_control_binding(
	        GST_OBJECT(h->element),
	        gst_direct_control_binding_new_absolute(GST_OBJECT(h->element), "x", cs));
	Box at0 = push_and_measure(h, 0);
	Box at_half = push_and_measure(h, GST_SECOND / 2);
	fail_unless(at0.count > 50 && at_half.count > 50);
	/* the box moved 50 px: the text with it */
	fail_unless(std::abs((at_half.x0 - at0.x0) - 50) <= 1, "moved from %d to %d", at0.x0,
	            at_half.x0);
	double x = 0;
	g_object_get(h->element, "x", &x, nullptr);
	fail_unless(std::abs(x - 50.0) < 1e-6, "x = %f", x);

	/* colour from a controller too (ARGB binding): green at 1 s, no red left */
	GstControlSource *a = gst_interpolation_control_source_new();
	GstControlSource *r = gst_interpolation_control_source_new();
	GstControlSource *g = gst_interpolation_control_source_new();
	GstControlSource *bl = gst_interpolation_control_source_new();
	for (GstControlSource *c : {a, r, g, bl})
		g_object_set(c, "mode", GST_INTERPOLATION_MODE_LINEAR, nullptr);
	gst_timed_value_control_source_set(GST_TIMED_VALUE_CONTROL_SOURCE(a), 0, 1.0);
	gst_timed_value_control_source_set(GST_TIMED_VALUE_CONTROL_SOURCE(r), 0, 0.0);
	gst_timed_value_control_source_set(GST_TIMED_VALUE_CONTROL_SOURCE(g), 0, 1.0);
	gst_timed_value_control_source_set(GST_TIMED_VALUE_CONTROL_SOURCE(bl), 0, 0.0);
	gst_object_add_control_binding(
	        GST_OBJECT(h->element),
	        gst_argb_control_binding_new(GST_OBJECT(h->element), "color", a, r, g, bl));
	Box green = push_and_measure(h, GST_SECOND);
	fail_unless_equals_int(green.count, 0);
	for (GstControlSource *c : {cs, a, r, g, bl})
		gst_object_unref(c);
	gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_opacity_and_rotation)
{
	GstHarness *h = harness("text=HHHH font-size=30 css-color=#ff0000 x=20 y=40 box-width=120 "
	                        "box-height=40 opacity=0.5");
	Box half = push_and_measure(h, 0);
	/* red 255 at opacity 0.5 over black: 128 */
	fail_unless(std::abs(half.max_r - 128) <= 2, "red at opacity 0.5: %d", half.max_r);
	gst_harness_teardown(h);

	h = harness("text=HHHH font-size=30 css-color=#ff0000 x=20 y=40 box-width=120 "
	            "box-height=40 alignment=center");
	Box flat = push_and_measure(h, 0);
	g_object_set(h->element, "rotation", 90.0, nullptr);
	Box turned = push_and_measure(h, GST_SECOND / 30);
	int fw = flat.x1 - flat.x0, fh = flat.y1 - flat.y0;
	int tw = turned.x1 - turned.x0, th = turned.y1 - turned.y0;
	fail_unless(fw > fh && th > tw, "flat %dx%d, turned %dx%d", fw, fh, tw, th);
	/* around the box centre (80, 60) */
	fail_unless(std::abs((turned.x0 + turned.x1) / 2 - 80) <= 8 &&
	                    std::abs((turned.y0 + turned.y1) / 2 - 60) <= 8,
	            "turned text centred at %d,%d", (turned.x0 + turned.x1) / 2,
	            (turned.y0 + turned.y1) / 2);
	gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_missing_font_family_warns)
{
	GstHarness *h = harness("text=Hi css-color=#ff0000 font-family=NoSuchFamilyAtAll");
	GstBus *bus = gst_bus_new();
	gst_element_set_bus(h->element, bus);
	Box b = push_and_measure(h, 0);
	fail_unless(b.count > 0, "the default family draws the text");
	GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_WARNING);
	fail_unless(msg != nullptr, "no warning for a missing family");
	GError *error = nullptr;
	gst_message_parse_warning(msg, &error, nullptr);
	fail_unless(strstr(error->message, "NoSuchFamilyAtAll") != nullptr, error->message);
	g_error_free(error);
	gst_message_unref(msg);
	gst_element_set_bus(h->element, nullptr);
	gst_object_unref(bus);
	gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_repeated_picture_is_not_drawn_again)
{
	GstHarness *h = harness("text=HH font-size=30 css-color=#ff0000 x=10 y=40 box-width=100 "
	                        "box-height=40");
	/* one picture pushed three times, as imagefreeze repeats it */
	GstBuffer *in = black_frame(0);
	GstBuffer *a = gst_harness_push_and_pull(h, gst_buffer_ref(in));
	GstBuffer *again = gst_buffer_copy(in);
	GST_BUFFER_PTS(again) = GST_SECOND / 30;
	GstBuffer *b = gst_harness_push_and_pull(h, again);
	fail_unless(a && b);
	fail_unless(gst_buffer_peek_memory(a, 0) == gst_buffer_peek_memory(b, 0),
	            "the unchanged frame was drawn again");
	fail_unless_equals_uint64(GST_BUFFER_PTS(b), GST_SECOND / 30);
	Box ba = red_box(a), bb = red_box(b);
	fail_unless(ba.count > 50 && ba.count == bb.count && ba.x0 == bb.x0);
	/* a change draws again */
	g_object_set(h->element, "x", 50.0, nullptr);
	GstBuffer *moved_in = gst_buffer_copy(in);
	GST_BUFFER_PTS(moved_in) = 2 * GST_SECOND / 30;
	GstBuffer *c = gst_harness_push_and_pull(h, moved_in);
	fail_unless(gst_buffer_peek_memory(c, 0) != gst_buffer_peek_memory(a, 0));
	Box bc = red_box(c);
	fail_unless(std::abs((bc.x0 - ba.x0) - 40) <= 1, "moved from %d to %d", ba.x0, bc.x0);
	for (GstBuffer *buf : {in, a, b, c})
		gst_buffer_unref(buf);
	gst_harness_teardown(h);
}
GST_END_TEST;

static Suite *textoverlay_suite()
{
	Suite *s = suite_create("textoverlay-kf");
	TCase *tc = tcase_create("general");
	suite_add_tcase(s, tc);
	tcase_add_test(tc, test_caps);
	tcase_add_test(tc, test_text_inside_its_box);
	tcase_add_test(tc, test_overflow_is_drawn);
	tcase_add_test(tc, test_controller_motion_and_colour);
	tcase_add_test(tc, test_opacity_and_rotation);
	tcase_add_test(tc, test_missing_font_family_warns);
	tcase_add_test(tc, test_repeated_picture_is_not_drawn_again);
	return s;
}

GST_CHECK_MAIN(textoverlay);
