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

/* The frame grid in ticks: an item [start, end) shows on frame n iff start <=
 * frame_to_ticks(n) < end, which is the exact comparison start <= n x 240000 x fps_d / fps_n
 * < end, at any rate, and frame_at_or_after() is the first such frame. */
static void test_frame_grid()
{
	const int rates[][2] = {{30, 1}, {60, 1}, {25, 1}, {30000, 1001}, {24000, 1001}, {7, 1}};
	for (const auto &r : rates) {
		const int n = r[0], d = r[1];
		const Ticks per_frame_num = kTicksPerSecond * d; /* ticks per frame x n */
		for (uint64_t k = 0; k < 2000; k++) {
			Ticks t = frame_to_ticks(k, n, d);
			/* the instant rounded down: t <= exact < t + 1 */
			g_assert_cmpint(t * n, <=, Ticks(k) * per_frame_num);
			g_assert_cmpint((t + 1) * n, >, Ticks(k) * per_frame_num);
			g_assert_cmpuint(frame_at_or_after(t, n, d), ==, k);
		}
		for (Ticks t = 0; t < 40000; t += 7) {
			uint64_t k = frame_at_or_after(t, n, d);
			/* frame k's exact instant is at or after t, frame k - 1's before it */
			g_assert_cmpint(Ticks(k) * per_frame_num, >=, t * n);
			if (k > 0)
				g_assert_cmpint(Ticks(k - 1) * per_frame_num, <, t * n);
			g_assert_cmpint(frame_to_ticks(k, n, d), >=, t);
			if (k > 0)
				g_assert_cmpint(frame_to_ticks(k - 1, n, d), <, t);
		}
	}
	/* 30 fps: one-frame items at 8000-tick steps each start on their own frame, also those
	 * at frames 2, 5, 8, ... whose start in ns rounds up past the frame's timestamp
	 * (16000 ticks = 66666666.67 ns -> 66666667; frame 2 is stamped 66666666) */
	for (uint64_t k = 0; k < 100; k++)
		g_assert_cmpuint(frame_at_or_after(Ticks(k) * 8000, 30, 1), ==, k);
	g_assert_cmpuint(ticks_to_ns(16000), >, frame_to_ns(2, 30, 1));
	/* 29.97 fps: frame 1001 is at 1001 x 8008 ticks */
	g_assert_cmpint(frame_to_ticks(1001, 30000, 1001), ==, 1001 * 8008);
	g_assert_cmpuint(frame_at_or_after(8009, 30000, 1001), ==, 2);
	g_assert_cmpuint(frame_at_or_after(-5, 30, 1), ==, 0);
	g_assert_cmpint(frame_to_ticks(5, 0, 1), ==, 0);
}

/* The same rule on the 48 kHz sample grid: 5 ticks a sample. */
static void test_sample_grid()
{
	g_assert_cmpuint(sample_at_or_after(0, 48000), ==, 0);
	g_assert_cmpuint(sample_at_or_after(8000, 48000), ==, 1600);
	g_assert_cmpuint(sample_at_or_after(8001, 48000), ==, 1601);
	g_assert_cmpuint(sample_at_or_after(8005, 48000), ==, 1601);
	/* a mixer rounding running time down to samples finds each sample where it was put */
	for (uint64_t s : {uint64_t(0), uint64_t(1), uint64_t(1599), uint64_t(1600), uint64_t(3200),
	                   uint64_t(48000 * 3600 + 7)}) {
		GstClockTime ns = sample_to_ns(s, 48000);
		g_assert_cmpuint(gst_util_uint64_scale(ns, 48000, GST_SECOND), ==, s);
	}
	/* where the item's start in ns would put sample 1599 (33333333 ns) */
	g_assert_cmpuint(gst_util_uint64_scale(ticks_to_ns(8000), 48000, GST_SECOND), ==, 1599);
	g_assert_cmpuint(sample_to_ns(1600, 48000), ==, 33333334);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/time/ticks-to-ns", test_ticks_to_ns);
	g_test_add_func("/time/ns-to-ticks", test_ns_to_ticks);
	g_test_add_func("/time/ms-seconds", test_ms_seconds);
	g_test_add_func("/time/frames", test_frames);
	g_test_add_func("/time/frame-grid", test_frame_grid);
	g_test_add_func("/time/sample-grid", test_sample_grid);
	return g_test_run();
}
