// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the time base: ticks to nanoseconds, frames, rounding.
#include <initializer_list>

#include <jsontimeline/time.h>

using namespace jtl;

static void test_ticks_to_ns()
{
	g_assert_cmpuint(ticks_to_ns(0), ==, 0);
	g_assert_cmpuint(ticks_to_ns(kTicksPerSecond), ==, GST_SECOND);
	g_assert_cmpuint(ticks_to_ns(120000), ==, GST_SECOND / 2);
	/* 1 tick = 4166.666... ns: rounds to nearest */
	g_assert_cmpuint(ticks_to_ns(1), ==, 4167);
	g_assert_cmpuint(ticks_to_ns(2), ==, 8333);
	g_assert_cmpuint(ticks_to_ns(3), ==, 12500);
	/* one frame at 30 fps = 8000 ticks = 33333333.33 ns */
	g_assert_cmpuint(ticks_to_ns(8000), ==, 33333333);
	/* exact at the 24 h limit, no overflow */
	g_assert_cmpuint(ticks_to_ns(kMaxTimelineTicks), ==, GstClockTime(24) * 3600 * GST_SECOND);
	g_assert_cmpuint(ticks_to_ns(-5), ==, 0);
}

static void test_ns_to_ticks()
{
	g_assert_cmpint(ns_to_ticks(GST_SECOND), ==, kTicksPerSecond);
	g_assert_cmpint(ns_to_ticks(2083), ==, 0);
	g_assert_cmpint(ns_to_ticks(2084), ==, 1);
	for (Ticks t : {Ticks(0), Ticks(1), Ticks(7), Ticks(8000), Ticks(123456789)})
		g_assert_cmpint(ns_to_ticks(ticks_to_ns(t)), ==, t);
	g_assert_cmpint(ns_to_ticks(GST_CLOCK_TIME_NONE), ==, 0);
}

static void test_ms_seconds()
{
	g_assert_cmpint(ms_to_ticks(1000.0), ==, kTicksPerSecond);
	g_assert_cmpint(ms_to_ticks(1.0), ==, 240);
	g_assert_cmpint(seconds_to_ticks(1.5), ==, 360000);
	g_assert_cmpint(seconds_to_ticks(0.1), ==, 24000);
}

static void test_frames()
{
	/* 10 s at 30 fps: exactly 300 frames, timestamps computed not accumulated */
	g_assert_cmpuint(frames_in(10 * GST_SECOND, 30, 1), ==, 300);
	g_assert_cmpuint(frame_to_ns(299, 30, 1), ==, 9966666666);
	g_assert_cmpuint(frame_to_ns(300, 30, 1), ==, 10 * GST_SECOND);
	g_assert_cmpuint(frames_in(10 * GST_SECOND, 30000, 1001), ==, 300);
	g_assert_cmpuint(frames_in(GST_SECOND + 1, 30, 1), ==, 31);
	g_assert_cmpuint(frames_in(ticks_to_ns(384000), 30, 1), ==, 48);
	g_assert_cmpuint(frames_in(ticks_to_ns(384000), 60, 1), ==, 96);
	g_assert_cmpuint(frames_in(GST_SECOND, 0, 1), ==, 0);
	/* a timeline of duration D at F fps has round(D x F) frames */
	g_assert_cmpuint(frame_count(ticks_to_ns(384000), 30, 1), ==, 48);
	g_assert_cmpuint(frame_count(GST_SECOND + GST_MSECOND * 16, 30, 1), ==, 30);
	g_assert_cmpuint(frame_count(GST_SECOND + GST_MSECOND * 17, 30, 1), ==, 31);
	g_assert_cmpuint(frame_count(10 * GST_SECOND, 60, 1), ==, 600);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/time/ticks-to-ns", test_ticks_to_ns);
	g_test_add_func("/time/ns-to-ticks", test_ns_to_ticks);
	g_test_add_func("/time/ms-seconds", test_ms_seconds);
	g_test_add_func("/time/frames", test_frames);
	return g_test_run();
}
