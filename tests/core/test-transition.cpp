// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the transition maths: names, progress with easing, the masks of wipe (eight
// directions), clock-wipe and iris, slide offsets and flip states.
#include <glib.h>

#include <cmath>
#include <vector>

#include <jsontimeline/transition.h>

using jtl::TransitionDirection;
using jtl::TransitionType;

constexpr int W = 100, H = 60;

static double at(TransitionType t, TransitionDirection d, double x, double y, double p)
{
	return jtl::transition_weight(t, d, W, H, x, y, p);
}

static void test_names()
{
	for (const char *name : {"fade", "slide", "wipe", "flip", "clock-wipe", "iris"}) {
		std::optional<TransitionType> t = jtl::parse_transition_type(name);
		g_assert_true(t.has_value());
		g_assert_cmpstr(jtl::transition_type_name(*t), ==, name);
	}
	g_assert_false(jtl::parse_transition_type("dissolve").has_value());
	int n = 0;
	for (const char *name :
	     {"from-left", "from-top-left", "from-top", "from-top-right", "from-right",
	      "from-bottom-right", "from-bottom", "from-bottom-left"}) {
		std::optional<TransitionDirection> d = jtl::parse_transition_direction(name);
		g_assert_true(d.has_value());
		g_assert_cmpstr(jtl::transition_direction_name(*d), ==, name);
		n++;
	}
	g_assert_cmpint(n, ==, 8);
	g_assert_false(jtl::parse_transition_direction("left").has_value());
	g_assert_true(
	        jtl::transition_accepts(TransitionType::Wipe, TransitionDirection::FromTopLeft));
	g_assert_false(
	        jtl::transition_accepts(TransitionType::Slide, TransitionDirection::FromTopLeft));
	g_assert_true(jtl::transition_accepts(TransitionType::Flip, TransitionDirection::FromTop));
}

static void test_progress()
{
	g_assert_cmpfloat_with_epsilon(jtl::transition_progress(0.5, 1.0, jtl::Easing::Linear), 0.5,
	                               1e-9);
	g_assert_cmpfloat(jtl::transition_progress(-1, 1.0, jtl::Easing::Linear), ==, 0.0);
	g_assert_cmpfloat(jtl::transition_progress(2, 1.0, jtl::Easing::Linear), ==, 1.0);
	/* ease-in starts slow, ease-out fast */
	g_assert_cmpfloat(jtl::transition_progress(0.25, 1.0, jtl::Easing::EaseIn), <, 0.25);
	g_assert_cmpfloat(jtl::transition_progress(0.25, 1.0, jtl::Easing::EaseOut), >, 0.25);
	g_assert_cmpfloat_with_epsilon(jtl::transition_progress(0.5, 1.0, jtl::Easing::EaseInOut),
	                               0.5, 1e-6);
}

static void test_fade()
{
	for (double p : {0.0, 0.3, 1.0})
		g_assert_cmpfloat_with_epsilon(
		        at(TransitionType::Fade, TransitionDirection::FromLeft, 10, 10, p), p,
		        1e-12);
}

static void test_wipe_sides_and_corners()
{
	auto wipe = [](TransitionDirection d, double x, double y, double p) {
		return at(TransitionType::Wipe, d, x, y, p);
	};
	/* at 0 all A, at 1 all B, wherever */
	for (int d = 0; d < 8; d++) {
		auto dir = TransitionDirection(d);
		g_assert_cmpfloat(wipe(dir, 0, 0, 0.0), ==, 0.0);
		g_assert_cmpfloat(wipe(dir, W - 1, H - 1, 0.0), ==, 0.0);
		g_assert_cmpfloat(wipe(dir, 0, 0, 1.0), ==, 1.0);
		g_assert_cmpfloat(wipe(dir, W - 1, H - 1, 1.0), ==, 1.0);
	}
	/* from-left at 0.5: left part B, right part A, the front at x = 50 */
	g_assert_cmpfloat(wipe(TransitionDirection::FromLeft, 10, 30, 0.5), ==, 1.0);
	g_assert_cmpfloat(wipe(TransitionDirection::FromLeft, 90, 30, 0.5), ==, 0.0);
	g_assert_cmpfloat(wipe(TransitionDirection::FromLeft, 48, 30, 0.5), ==, 1.0);
	g_assert_cmpfloat(wipe(TransitionDirection::FromLeft, 51, 30, 0.5), ==, 0.0);
	g_assert_cmpfloat_with_epsilon(wipe(TransitionDirection::FromLeft, 49.5, 30, 0.5), 0.5,
	                               1e-9);
	/* the others mirror it */
	g_assert_cmpfloat(wipe(TransitionDirection::FromRight, 90, 30, 0.5), ==, 1.0);
	g_assert_cmpfloat(wipe(TransitionDirection::FromRight, 10, 30, 0.5), ==, 0.0);
	g_assert_cmpfloat(wipe(TransitionDirection::FromTop, 50, 5, 0.5), ==, 1.0);
	g_assert_cmpfloat(wipe(TransitionDirection::FromTop, 50, 55, 0.5), ==, 0.0);
	g_assert_cmpfloat(wipe(TransitionDirection::FromBottom, 50, 55, 0.5), ==, 1.0);
	g_assert_cmpfloat(wipe(TransitionDirection::FromBottom, 50, 5, 0.5), ==, 0.0);
	/* corners: at 0.5 the starting corner is B, the opposite one A, the centre on the
	 * front */
	struct Corner {
		TransitionDirection d;
		double bx, by, ax, ay;
	} corners[] = {
	        {TransitionDirection::FromTopLeft, 2, 2, W - 3, H - 3},
	        {TransitionDirection::FromTopRight, W - 3, 2, 2, H - 3},
	        {TransitionDirection::FromBottomRight, W - 3, H - 3, 2, 2},
	        {TransitionDirection::FromBottomLeft, 2, H - 3, W - 3, 2},
	};
	for (const Corner &c : corners) {
		g_assert_cmpfloat(wipe(c.d, c.bx, c.by, 0.5), ==, 1.0);
		g_assert_cmpfloat(wipe(c.d, c.ax, c.ay, 0.5), ==, 0.0);
		double centre = wipe(c.d, W / 2.0 - 0.5, H / 2.0 - 0.5, 0.5);
		g_assert_cmpfloat(centre, >, 0.0);
		g_assert_cmpfloat(centre, <, 1.0);
	}
}

static void test_clock_wipe_and_iris()
{
	auto clock = [](double x, double y, double p) {
		return at(TransitionType::ClockWipe, TransitionDirection::FromLeft, x, y, p);
	};
	/* at 0.25 the sweep covers 12 to 3 o'clock: top-right quarter B */
	g_assert_cmpfloat(clock(75, 10, 0.25), ==, 1.0);
	g_assert_cmpfloat(clock(25, 10, 0.25), ==, 0.0);
	g_assert_cmpfloat(clock(75, 50, 0.25), ==, 0.0);
	/* at 0.75 only the top-left quarter is still A */
	g_assert_cmpfloat(clock(25, 50, 0.75), ==, 1.0);
	g_assert_cmpfloat(clock(25, 10, 0.75), ==, 0.0);

	auto iris = [](double x, double y, double p) {
		return at(TransitionType::Iris, TransitionDirection::FromLeft, x, y, p);
	};
	/* at 0.5: centre B, corners A */
	g_assert_cmpfloat(iris(W / 2.0, H / 2.0, 0.5), ==, 1.0);
	g_assert_cmpfloat(iris(0, 0, 0.5), ==, 0.0);
	g_assert_cmpfloat(iris(W - 1, H - 1, 0.5), ==, 0.0);
	g_assert_cmpfloat(iris(0, 0, 1.0), ==, 1.0);
	g_assert_cmpfloat(iris(W / 2.0, H / 2.0, 0.0), ==, 0.0);
}

/* The mask over pixels, and inverted: a wipe from the left half way keeps the left
 * half (B), inverted the right half (A). */
static void test_mask_pixels()
{
	for (bool inverted : {false, true}) {
		std::vector<uint8_t> px(8 * 2 * 4, 200);
		jtl::apply_mask_premultiplied(jtl::TransitionType::Wipe,
		                              jtl::TransitionDirection::FromLeft, 0.5, px.data(), 8,
		                              2, 8 * 4, inverted);
		g_assert_cmpuint(px[0 * 4 + 3], ==, inverted ? 0 : 200);
		g_assert_cmpuint(px[7 * 4 + 3], ==, inverted ? 200 : 0);
	}
	/* out of the window: B (not inverted) whole at 1, A (inverted) whole at 0 */
	std::vector<uint8_t> px(4 * 4, 200);
	jtl::apply_mask_premultiplied(jtl::TransitionType::Iris, jtl::TransitionDirection::FromLeft,
	                              0.0, px.data(), 2, 2, 8, true);
	g_assert_cmpuint(px[3], ==, 200);
	jtl::apply_mask_premultiplied(jtl::TransitionType::Iris, jtl::TransitionDirection::FromLeft,
	                              1.0, px.data(), 2, 2, 8, true);
	g_assert_cmpuint(px[3], ==, 0);
}

static void test_slide_and_flip()
{
	jtl::SlideOffsets o = jtl::slide_offsets(TransitionDirection::FromLeft, W, H, 0.0);
	g_assert_cmpfloat(o.b_x, ==, -W);
	g_assert_cmpfloat(o.a_x, ==, 0.0);
	o = jtl::slide_offsets(TransitionDirection::FromLeft, W, H, 0.5);
	g_assert_cmpfloat(o.b_x, ==, -W / 2.0);
	g_assert_cmpfloat(o.a_x, ==, W / 2.0);
	o = jtl::slide_offsets(TransitionDirection::FromBottom, W, H, 1.0);
	g_assert_cmpfloat(o.b_y, ==, 0.0);
	g_assert_cmpfloat(o.a_y, ==, -H);

	jtl::FlipTurn f = jtl::flip_turn(TransitionDirection::FromLeft, 0.25);
	g_assert_false(f.shows_b);
	g_assert_false(f.horizontal_axis);
	g_assert_cmpfloat_with_epsilon(f.degrees, 45.0, 1e-9);
	f = jtl::flip_turn(TransitionDirection::FromTop, 0.75);
	g_assert_true(f.shows_b);
	g_assert_true(f.horizontal_axis);
	g_assert_cmpfloat_with_epsilon(f.degrees, -45.0, 1e-9);
	g_assert_cmpfloat_with_epsilon(jtl::flip_turn(TransitionDirection::FromRight, 0.25).degrees,
	                               -45.0, 1e-9);
	g_assert_cmpfloat_with_epsilon(jtl::flip_turn(TransitionDirection::FromLeft, 1.0).degrees,
	                               0.0, 1e-9);

	/* flat: every pixel samples itself */
	double sx, sy;
	g_assert_true(jtl::turned_source(W, H, 0.0, false, 10, 20, &sx, &sy));
	g_assert_cmpfloat_with_epsilon(sx, 10.5, 1e-9);
	g_assert_cmpfloat_with_epsilon(sy, 20.5, 1e-9);
	/* edge-on: nothing covers the frame */
	g_assert_false(jtl::turned_source(W, H, 90.0, false, W / 2, H / 2, &sx, &sy));
	/* turned 45 degrees, left edge nearer: the centre stays, the near (left) edge spreads
	 * wider and taller than the far (right) one */
	g_assert_true(jtl::turned_source(W, H, 45.0, false, W / 2 - 1, H / 2, &sx, &sy));
	g_assert_cmpfloat(std::abs(sx - W / 2.0), <, 2.0);
	auto edge = [&](double degrees, bool left) {
		/* the outermost column the picture reaches on that side, mid-height */
		int found = -1;
		for (int x = 0; x < W; x++) {
			int col = left ? x : W - 1 - x;
			if (jtl::turned_source(W, H, degrees, false, col, H / 2, &sx, &sy)) {
				found = left ? col : W - 1 - col;
				break;
			}
		}
		return found;
	};
	int left = edge(45.0, true), right = edge(45.0, false);
	/* cos 45 = 0.71 of the half width without perspective: 0.29 x W / 2 from each side */
	g_assert_cmpint(left, <, int(0.29 * W / 2));
	g_assert_cmpint(right, >, int(0.29 * W / 2));
	/* the near edge is taller: its top row reaches above the picture's top at the far one */
	bool near_top = jtl::turned_source(W, H, 45.0, false, left + 1, 0, &sx, &sy);
	bool far_top = jtl::turned_source(W, H, 45.0, false, W - 1 - right - 1, 0, &sx, &sy);
	g_assert_true(near_top);
	g_assert_false(far_top);
	/* the horizontal axis: the same across y */
	g_assert_true(jtl::turned_source(W, H, 0.0, true, 10, 20, &sx, &sy));
	g_assert_false(jtl::turned_source(W, H, -90.0, true, W / 2, H / 2, &sx, &sy));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/transition/names", test_names);
	g_test_add_func("/transition/progress", test_progress);
	g_test_add_func("/transition/fade", test_fade);
	g_test_add_func("/transition/wipe", test_wipe_sides_and_corners);
	g_test_add_func("/transition/clock-wipe-and-iris", test_clock_wipe_and_iris);
	g_test_add_func("/transition/mask-pixels", test_mask_pixels);
	g_test_add_func("/transition/slide-and-flip", test_slide_and_flip);
	return g_test_run();
}
