// SPDX-License-Identifier: LGPL-2.1-or-later
// Unit tests of keyframe interpolation, CSS easing and clip in/out animations (keyframes.h).
#include <jsontimeline/keyframes.h>

#include <algorithm>
#include <vector>

#include <glib.h>

using namespace jtl;

namespace {

constexpr double kEps = 1e-9;
/* the reference easing values were computed independently (exact rational bisection) */
constexpr double kEaseEps = 1e-7;
constexpr Ticks kSec = kTicksPerSecond;

void assert_point(const Keyframe &k, Ticks time, double value)
{
	g_assert_cmpint(k.time, ==, time);
	g_assert_cmpfloat_with_epsilon(k.value, value, kEps);
}

/* ---- AnimatedNumber ---- */

void test_constant()
{
	AnimatedNumber n(42.5);
	g_assert_false(n.is_animated());
	for (Ticks t : {Ticks(-5), Ticks(0), kSec, 2 * kSec, 10 * kSec})
		g_assert_cmpfloat(n.at(t, 2 * kSec), ==, 42.5);
	g_assert_cmpfloat(n.at(0, 0), ==, 42.5);

	auto pts = n.points(2 * kSec);
	g_assert_cmpuint(pts.size(), ==, 2);
	assert_point(pts[0], 0, 42.5);
	assert_point(pts[1], 2 * kSec, 42.5);
}

void test_single_keyframe_at_zero()
{
	const Ticks d = 4 * kSec;
	/* {value: 120, keyframes: [{0, -260}]}: -260 -> 120 over the clip */
	AnimatedNumber x(120.0, {{0, -260.0}});
	g_assert_true(x.is_animated());
	g_assert_cmpfloat(x.at(0, d), ==, -260.0);
	g_assert_cmpfloat_with_epsilon(x.at(d / 4, d), -165.0, kEps);
	g_assert_cmpfloat_with_epsilon(x.at(d / 2, d), -70.0, kEps);
	g_assert_cmpfloat(x.at(d, d), ==, 120.0);

	auto pts = x.points(d);
	g_assert_cmpuint(pts.size(), ==, 2);
	assert_point(pts[0], 0, -260.0);
	assert_point(pts[1], d, 120.0);

	/* {value: 0, keyframes: [{0, 1}]}: a fade 1 -> 0 */
	AnimatedNumber fade(0.0, {{0, 1.0}});
	g_assert_cmpfloat(fade.at(0, d), ==, 1.0);
	g_assert_cmpfloat_with_epsilon(fade.at(d / 2, d), 0.5, kEps);
	g_assert_cmpfloat(fade.at(d, d), ==, 0.0);
}

void test_keyframe_in_middle()
{
	const Ticks d = 2 * kSec;
	/* {value: 5, keyframes: [{d/2, 10}]}: 5 -> 10 -> 5 */
	AnimatedNumber n(5.0, {{d / 2, 10.0}});
	g_assert_cmpfloat(n.at(0, d), ==, 5.0);
	g_assert_cmpfloat_with_epsilon(n.at(d / 4, d), 7.5, kEps);
	g_assert_cmpfloat(n.at(d / 2, d), ==, 10.0);
	g_assert_cmpfloat_with_epsilon(n.at(3 * d / 4, d), 7.5, kEps);
	g_assert_cmpfloat(n.at(d, d), ==, 5.0);

	auto pts = n.points(d);
	g_assert_cmpuint(pts.size(), ==, 3);
	assert_point(pts[0], 0, 5.0);
	assert_point(pts[1], d / 2, 10.0);
	assert_point(pts[2], d, 5.0);
}

void test_unsorted_keyframes()
{
	const Ticks d = 10 * kSec;
	AnimatedNumber n(0.0, {{6 * kSec, 60.0}, {2 * kSec, 20.0}, {4 * kSec, 100.0}});
	g_assert_cmpuint(n.keyframes().size(), ==, 3);
	g_assert_cmpint(n.keyframes()[0].time, ==, 2 * kSec);
	g_assert_cmpint(n.keyframes()[1].time, ==, 4 * kSec);
	g_assert_cmpint(n.keyframes()[2].time, ==, 6 * kSec);

	g_assert_cmpfloat(n.at(0, d), ==, 0.0);
	g_assert_cmpfloat_with_epsilon(n.at(1 * kSec, d), 10.0, kEps);
	g_assert_cmpfloat(n.at(2 * kSec, d), ==, 20.0);
	g_assert_cmpfloat_with_epsilon(n.at(3 * kSec, d), 60.0, kEps);
	g_assert_cmpfloat(n.at(4 * kSec, d), ==, 100.0);
	g_assert_cmpfloat_with_epsilon(n.at(5 * kSec, d), 80.0, kEps);
	g_assert_cmpfloat(n.at(6 * kSec, d), ==, 60.0);
	g_assert_cmpfloat_with_epsilon(n.at(8 * kSec, d), 30.0, kEps);
	g_assert_cmpfloat(n.at(d, d), ==, 0.0);

	auto pts = n.points(d);
	g_assert_cmpuint(pts.size(), ==, 5);
	assert_point(pts[0], 0, 0.0);
	assert_point(pts[1], 2 * kSec, 20.0);
	assert_point(pts[2], 4 * kSec, 100.0);
	assert_point(pts[3], 6 * kSec, 60.0);
	assert_point(pts[4], d, 0.0);

	/* keyframes set unsorted after construction are still handled */
	AnimatedNumber late(0.0);
	late.set_keyframes({{6 * kSec, 60.0}, {2 * kSec, 20.0}, {4 * kSec, 100.0}});
	g_assert_cmpfloat_with_epsilon(late.at(3 * kSec, d), 60.0, kEps);
	g_assert_cmpfloat_with_epsilon(late.at(5 * kSec, d), 80.0, kEps);
}

void test_same_time_step()
{
	const Ticks d = 4 * kSec;
	/* the later keyframe in the list wins from that time on: a step at 2 s */
	AnimatedNumber n(0.0, {{2 * kSec, 10.0}, {0, 0.0}, {2 * kSec, 50.0}});
	g_assert_cmpfloat_with_epsilon(n.at(kSec, d), 5.0, kEps);
	g_assert_cmpfloat_with_epsilon(n.at(2 * kSec - 1, d), 10.0 * (2 * kSec - 1) / (2 * kSec),
	                               kEps);
	g_assert_cmpfloat(n.at(2 * kSec, d), ==, 50.0);
	g_assert_cmpfloat_with_epsilon(n.at(3 * kSec, d), 25.0, kEps);
	g_assert_cmpfloat(n.at(d, d), ==, 0.0);

	auto pts = n.points(d);
	g_assert_cmpuint(pts.size(), ==, 4);
	assert_point(pts[0], 0, 0.0);
	assert_point(pts[1], 2 * kSec, 10.0);
	assert_point(pts[2], 2 * kSec, 50.0);
	assert_point(pts[3], d, 0.0);

	/* same time at 0: the second one holds from 0 */
	AnimatedNumber z(9.0, {{0, 1.0}, {0, 3.0}});
	g_assert_cmpfloat(z.at(0, d), ==, 3.0);
	g_assert_cmpfloat_with_epsilon(z.at(d / 2, d), 6.0, kEps);
	g_assert_cmpfloat(z.at(d, d), ==, 9.0);
}

void test_keyframe_at_duration()
{
	const Ticks d = 4 * kSec;
	/* an explicit end keyframe replaces the implicit end value */
	AnimatedNumber n(100.0, {{d, 0.0}});
	g_assert_cmpfloat(n.at(0, d), ==, 100.0);
	g_assert_cmpfloat_with_epsilon(n.at(d / 2, d), 50.0, kEps);
	g_assert_cmpfloat(n.at(d, d), ==, 0.0);
	auto pts = n.points(d);
	g_assert_cmpuint(pts.size(), ==, 2);
	assert_point(pts[0], 0, 100.0);
	assert_point(pts[1], d, 0.0);

	/* beyond the end: counts as the end keyframe */
	AnimatedNumber past(100.0, {{0, 0.0}, {3 * d, 8.0}});
	g_assert_cmpfloat(past.at(0, d), ==, 0.0);
	g_assert_cmpfloat_with_epsilon(past.at(d / 2, d), 4.0, kEps);
	g_assert_cmpfloat(past.at(d, d), ==, 8.0);
	pts = past.points(d);
	g_assert_cmpuint(pts.size(), ==, 2);
	assert_point(pts[0], 0, 0.0);
	assert_point(pts[1], d, 8.0);

	/* negative times clamp to 0 (no implicit start value then) */
	AnimatedNumber neg(10.0, {{-kSec, 2.0}});
	g_assert_cmpfloat(neg.at(0, d), ==, 2.0);
	g_assert_cmpfloat_with_epsilon(neg.at(d / 2, d), 6.0, kEps);
	pts = neg.points(d);
	g_assert_cmpuint(pts.size(), ==, 2);
	assert_point(pts[0], 0, 2.0);
	assert_point(pts[1], d, 10.0);
}

void test_clamping()
{
	const Ticks d = 2 * kSec;
	AnimatedNumber n(10.0, {{0, 0.0}});
	g_assert_cmpfloat(n.at(-kSec, d), ==, 0.0);
	g_assert_cmpfloat(n.at(-1, d), ==, 0.0);
	g_assert_cmpfloat(n.at(d + 1, d), ==, 10.0);
	g_assert_cmpfloat(n.at(100 * d, d), ==, 10.0);

	/* zero or negative duration: the first point's value */
	g_assert_cmpfloat(n.at(0, 0), ==, 0.0);
	g_assert_cmpfloat(n.at(kSec, -kSec), ==, 0.0);
	AnimatedNumber mid(7.0, {{kSec, 1.0}});
	g_assert_cmpfloat(mid.at(kSec, 0), ==, 7.0);
}

void test_large_ticks()
{
	/* a 24 h clip: interpolation uses exact tick differences */
	const Ticks d = kMaxTimelineTicks;
	AnimatedNumber n(double(d), {{0, 0.0}});
	for (Ticks t : {Ticks(0), Ticks(1), d / 2 + 1, d - 1, d})
		g_assert_cmpfloat_with_epsilon(n.at(t, d), double(t), 1e-4);
	/* neighbouring ticks stay apart */
	g_assert_cmpfloat(n.at(d / 2 + 1, d), >, n.at(d / 2, d));

	/* one tick before the end of a 24 h fade is still distinguishable */
	AnimatedNumber fade(0.0, {{0, 1.0}});
	g_assert_cmpfloat_with_epsilon(fade.at(d - 1, d), 1.0 / double(d), 1e-15);
	g_assert_cmpfloat(fade.at(d - 1, d), >, 0.0);

	/* keyframes deep into the clip */
	AnimatedNumber deep(0.0, {{d - 2 * kSec, 100.0}, {d - kSec, 200.0}});
	g_assert_cmpfloat_with_epsilon(deep.at(d - 2 * kSec + kSec / 2, d), 150.0, kEps);
	g_assert_cmpfloat(deep.at(d - kSec, d), ==, 200.0);
	g_assert_cmpfloat_with_epsilon(deep.at(d - kSec / 2, d), 100.0, kEps);
}

/* ---- easing ---- */

void check_ease(Easing e, double q1, double q2, double q3)
{
	g_assert_cmpfloat(ease(e, 0.0), ==, 0.0);
	g_assert_cmpfloat_with_epsilon(ease(e, 0.25), q1, kEaseEps);
	g_assert_cmpfloat_with_epsilon(ease(e, 0.5), q2, kEaseEps);
	g_assert_cmpfloat_with_epsilon(ease(e, 0.75), q3, kEaseEps);
	g_assert_cmpfloat(ease(e, 1.0), ==, 1.0);
	/* clamped outside [0, 1] */
	g_assert_cmpfloat(ease(e, -0.5), ==, 0.0);
	g_assert_cmpfloat(ease(e, 1.5), ==, 1.0);

	double prev = 0.0;
	for (int i = 0; i <= 1000; i++) {
		double v = ease(e, i / 1000.0);
		g_assert_cmpfloat(v, >=, prev);
		g_assert_cmpfloat(v, >=, 0.0);
		g_assert_cmpfloat(v, <=, 1.0);
		prev = v;
	}
	/* strictly increasing for these curves, even over tiny steps near the ends */
	for (double x : {1e-6, 0.5, 1.0 - 1e-6})
		g_assert_cmpfloat(ease(e, x + 1e-7), >, ease(e, x));
}

/* The value at t by a walk over every point (points()), the reference at() must match. */
double walk(const AnimatedNumber &n, Ticks t, Ticks d)
{
	std::vector<Keyframe> pts = n.points(d);
	if (!n.is_animated())
		return n.value;
	if (d <= 0)
		return pts.front().value;
	t = std::clamp<Ticks>(t, 0, d);
	std::size_t after = 0;
	while (after < pts.size() && pts[after].time <= t)
		after++;
	const Keyframe &a = pts[after - 1];
	if (after == pts.size() || a.time == t)
		return a.value;
	const Keyframe &b = pts[after];
	double f = double(t - a.time) / double(b.time - a.time);
	return a.value + (b.value - a.value) * f;
}

void test_matches_walk()
{
	/* keyframes before 0, past the end, at the same time, unsorted; every tick of a
	 * short clip, and the clip's neighbours */
	GRand *rand = g_rand_new_with_seed(14);
	for (int round = 0; round < 200; round++) {
		const Ticks d = g_rand_int_range(rand, 0, 40);
		std::vector<Keyframe> k(std::size_t(g_rand_int_range(rand, 0, 8)));
		for (Keyframe &kf : k)
			kf = {Ticks(g_rand_int_range(rand, -10, 50)),
			      double(g_rand_int_range(rand, -100, 100))};
		AnimatedNumber n(double(g_rand_int_range(rand, -100, 100)), k);
		for (Ticks t = -2; t <= d + 2; t++)
			g_assert_cmpfloat(n.at(t, d), ==, walk(n, t, d));
	}
	g_rand_free(rand);
}

void test_many_keyframes_shared()
{
	/* 10^6 keyframes evaluated 10^5 times: a binary search over one shared array (a copy
	 * per evaluation took hours); the time bound only catches that hang */
	const std::size_t count = 1000000;
	const Ticks d = Ticks(count) * 10;
	std::vector<Keyframe> k(count);
	for (std::size_t i = 0; i < count; i++)
		k[i] = {Ticks(i) * 10, double(i % 2)};
	AnimatedNumber n(7.0, std::move(k));
	AnimatedNumber copy = n;
	/* copies share the keyframes: one array, however often the model is copied */
	g_assert_true(&copy.keyframes() == &n.keyframes());
	g_assert_cmpuint(copy.keyframes().size(), ==, count);
	gint64 begin = g_get_monotonic_time();
	double sum = 0;
	for (Ticks i = 0; i < 100000; i++) {
		Ticks t = (i * 7919 * 10) % d + 5; /* halfway between two keyframes */
		double v = copy.at(t, d);
		std::size_t before = std::size_t(t / 10);
		double want = before + 1 < count ? 0.5 : (double(before % 2) + 7.0) / 2.0;
		g_assert_cmpfloat_with_epsilon(v, want, kEps);
		sum += v;
	}
	g_assert_cmpfloat(sum, >, 0.0);
	g_assert_cmpfloat(copy.at(d, d), ==, 7.0);
	g_assert_cmpint(g_get_monotonic_time() - begin, <, 60 * G_USEC_PER_SEC);
}

void test_ease_linear()
{
	check_ease(Easing::Linear, 0.25, 0.5, 0.75);
}

void test_ease_in()
{
	check_ease(Easing::EaseIn, 0.093464650719, 0.315356812573, 0.621861869175);
}

void test_ease_out()
{
	check_ease(Easing::EaseOut, 0.378138130825, 0.684643187427, 0.906535349281);
	/* ease-out is ease-in mirrored */
	for (int i = 0; i <= 100; i++) {
		double x = i / 100.0;
		g_assert_cmpfloat_with_epsilon(ease(Easing::EaseOut, x),
		                               1.0 - ease(Easing::EaseIn, 1.0 - x), kEaseEps);
	}
}

void test_ease_in_out()
{
	check_ease(Easing::EaseInOut, 0.129161931047, 0.5, 0.870838068953);
	/* symmetric around (0.5, 0.5) */
	for (int i = 0; i <= 100; i++) {
		double x = i / 100.0;
		g_assert_cmpfloat_with_epsilon(ease(Easing::EaseInOut, x),
		                               1.0 - ease(Easing::EaseInOut, 1.0 - x), kEaseEps);
	}
}

/* ---- clip animations ---- */

constexpr Ticks kClip = 10 * kSec;
constexpr Ticks kWin = 2 * kSec;
constexpr double kW = 400.0;
constexpr double kH = 300.0;

ClipAnimation anim(ClipAnimationType type, Easing easing = Easing::Linear)
{
	ClipAnimation a;
	a.type = type;
	a.duration = kWin;
	a.easing = easing;
	return a;
}

AnimationState eval_in(const ClipAnimation &a, Ticks t)
{
	ClipAnimations anims;
	anims.in = a;
	return evaluate_animations(anims, t, kClip, kW, kH);
}

AnimationState eval_out(const ClipAnimation &a, Ticks t)
{
	ClipAnimations anims;
	anims.out = a;
	return evaluate_animations(anims, t, kClip, kW, kH);
}

void assert_state(const AnimationState &s, double dx, double dy, double scale, double opacity)
{
	g_assert_cmpfloat_with_epsilon(s.dx, dx, kEps);
	g_assert_cmpfloat_with_epsilon(s.dy, dy, kEps);
	g_assert_cmpfloat_with_epsilon(s.scale, scale, kEps);
	g_assert_cmpfloat_with_epsilon(s.opacity, opacity, kEps);
}

void assert_identity(const AnimationState &s)
{
	g_assert_cmpfloat(s.dx, ==, 0.0);
	g_assert_cmpfloat(s.dy, ==, 0.0);
	g_assert_cmpfloat(s.scale, ==, 1.0);
	g_assert_cmpfloat(s.opacity, ==, 1.0);
}

/* in at progress p (times 0, 1/4, 1/2 of the window and its end), out at progress q */
struct Expect {
	double dx, dy, scale, opacity;
};

void check_in(const ClipAnimation &a, Expect at0, Expect at_quarter, Expect at_half)
{
	const Expect *e[] = {&at0, &at_quarter, &at_half};
	const Ticks ts[] = {0, kWin / 4, kWin / 2};
	for (int i = 0; i < 3; i++)
		assert_state(eval_in(a, ts[i]), e[i]->dx, e[i]->dy, e[i]->scale, e[i]->opacity);
	assert_identity(eval_in(a, kWin));
	assert_identity(eval_in(a, kClip / 2));
	assert_identity(eval_in(a, kClip));
}

void check_out(const ClipAnimation &a, Expect at_half, Expect at_3quarters, Expect at_end)
{
	const Ticks start = kClip - kWin;
	const Expect *e[] = {&at_half, &at_3quarters, &at_end};
	const Ticks ts[] = {start + kWin / 2, start + 3 * kWin / 4, kClip};
	for (int i = 0; i < 3; i++)
		assert_state(eval_out(a, ts[i]), e[i]->dx, e[i]->dy, e[i]->scale, e[i]->opacity);
	assert_identity(eval_out(a, 0));
	assert_identity(eval_out(a, kClip / 2));
	assert_identity(eval_out(a, start));
}

void test_no_animations()
{
	ClipAnimations none;
	assert_identity(evaluate_animations(none, 0, kClip, kW, kH));
	assert_identity(evaluate_animations(none, kClip, kClip, kW, kH));
	/* a zero-length window does nothing */
	ClipAnimations zero;
	zero.in = anim(ClipAnimationType::Fade);
	zero.in->duration = 0;
	zero.out = zero.in;
	assert_identity(evaluate_animations(zero, 0, kClip, kW, kH));
	assert_identity(evaluate_animations(zero, kClip, kClip, kW, kH));
}

void test_fade()
{
	ClipAnimation a = anim(ClipAnimationType::Fade);
	check_in(a, {0, 0, 1, 0.0}, {0, 0, 1, 0.25}, {0, 0, 1, 0.5});
	check_out(a, {0, 0, 1, 0.5}, {0, 0, 1, 0.25}, {0, 0, 1, 0.0});
	/* fade = false does not switch off a fade */
	a.fade = false;
	check_in(a, {0, 0, 1, 0.0}, {0, 0, 1, 0.25}, {0, 0, 1, 0.5});
}

void test_slide_up()
{
	ClipAnimation a = anim(ClipAnimationType::SlideUp);
	/* in: starts one box height below and moves up; out: keeps moving up */
	check_in(a, {0, kH, 1, 0.0}, {0, 0.75 * kH, 1, 0.25}, {0, 0.5 * kH, 1, 0.5});
	check_out(a, {0, -0.5 * kH, 1, 0.5}, {0, -0.75 * kH, 1, 0.25}, {0, -kH, 1, 0.0});
	a.distance = 80.0;
	a.fade = false;
	check_in(a, {0, 80, 1, 1}, {0, 60, 1, 1}, {0, 40, 1, 1});
	check_out(a, {0, -40, 1, 1}, {0, -60, 1, 1}, {0, -80, 1, 1});
}

void test_slide_down()
{
	ClipAnimation a = anim(ClipAnimationType::SlideDown);
	check_in(a, {0, -kH, 1, 0.0}, {0, -0.75 * kH, 1, 0.25}, {0, -0.5 * kH, 1, 0.5});
	check_out(a, {0, 0.5 * kH, 1, 0.5}, {0, 0.75 * kH, 1, 0.25}, {0, kH, 1, 0.0});
	a.distance = 80.0;
	a.fade = false;
	check_in(a, {0, -80, 1, 1}, {0, -60, 1, 1}, {0, -40, 1, 1});
	check_out(a, {0, 40, 1, 1}, {0, 60, 1, 1}, {0, 80, 1, 1});
}

void test_slide_left()
{
	ClipAnimation a = anim(ClipAnimationType::SlideLeft);
	/* in: starts one box width to the right and moves left; out: keeps moving left */
	check_in(a, {kW, 0, 1, 0.0}, {0.75 * kW, 0, 1, 0.25}, {0.5 * kW, 0, 1, 0.5});
	check_out(a, {-0.5 * kW, 0, 1, 0.5}, {-0.75 * kW, 0, 1, 0.25}, {-kW, 0, 1, 0.0});
	a.distance = 80.0;
	a.fade = false;
	check_in(a, {80, 0, 1, 1}, {60, 0, 1, 1}, {40, 0, 1, 1});
	check_out(a, {-40, 0, 1, 1}, {-60, 0, 1, 1}, {-80, 0, 1, 1});
}

void test_slide_right()
{
	ClipAnimation a = anim(ClipAnimationType::SlideRight);
	check_in(a, {-kW, 0, 1, 0.0}, {-0.75 * kW, 0, 1, 0.25}, {-0.5 * kW, 0, 1, 0.5});
	check_out(a, {0.5 * kW, 0, 1, 0.5}, {0.75 * kW, 0, 1, 0.25}, {kW, 0, 1, 0.0});
	a.distance = 80.0;
	a.fade = false;
	check_in(a, {-80, 0, 1, 1}, {-60, 0, 1, 1}, {-40, 0, 1, 1});
	check_out(a, {40, 0, 1, 1}, {60, 0, 1, 1}, {80, 0, 1, 1});
}

void test_zoom_in()
{
	ClipAnimation a = anim(ClipAnimationType::ZoomIn);
	/* in: 0.5 -> 1; out: 1 -> 1.5 (grows toward the viewer) */
	check_in(a, {0, 0, 0.5, 0.0}, {0, 0, 0.625, 0.25}, {0, 0, 0.75, 0.5});
	check_out(a, {0, 0, 1.25, 0.5}, {0, 0, 1.375, 0.25}, {0, 0, 1.5, 0.0});
	a.from_scale = 0.2;
	a.fade = false;
	check_in(a, {0, 0, 0.2, 1}, {0, 0, 0.4, 1}, {0, 0, 0.6, 1});
	a.from_scale = 3.0;
	check_out(a, {0, 0, 2.0, 1}, {0, 0, 2.5, 1}, {0, 0, 3.0, 1});
}

void test_zoom_out()
{
	ClipAnimation a = anim(ClipAnimationType::ZoomOut);
	/* in: 1.5 -> 1; out: 1 -> 0.5 */
	check_in(a, {0, 0, 1.5, 0.0}, {0, 0, 1.375, 0.25}, {0, 0, 1.25, 0.5});
	check_out(a, {0, 0, 0.75, 0.5}, {0, 0, 0.625, 0.25}, {0, 0, 0.5, 0.0});
	a.from_scale = 2.0;
	a.fade = false;
	check_in(a, {0, 0, 2.0, 1}, {0, 0, 1.75, 1}, {0, 0, 1.5, 1});
	a.from_scale = 0.0;
	check_out(a, {0, 0, 0.5, 1}, {0, 0, 0.25, 1}, {0, 0, 0.0, 1});
}

void test_animation_easing()
{
	const double ei = ease(Easing::EaseIn, 0.25);
	const double eo = ease(Easing::EaseOut, 0.5);
	ClipAnimation in = anim(ClipAnimationType::SlideUp, Easing::EaseIn);
	assert_state(eval_in(in, kWin / 4), 0, (1 - ei) * kH, 1, ei);
	ClipAnimation out = anim(ClipAnimationType::ZoomIn, Easing::EaseOut);
	assert_state(eval_out(out, kClip - kWin / 2), 0, 0, 1 + 0.5 * eo, 1 - eo);
	ClipAnimation fade = anim(ClipAnimationType::Fade, Easing::EaseInOut);
	assert_state(eval_in(fade, kWin / 2), 0, 0, 1, 0.5);
	assert_state(eval_out(fade, kClip - kWin / 2), 0, 0, 1, 0.5);
}

void test_overlap()
{
	/* a 1 s clip with 0.8 s in and out windows: both act over [0.2 s, 0.8 s] */
	const Ticks d = kSec;
	ClipAnimations anims;
	anims.in = anim(ClipAnimationType::SlideLeft);
	anims.in->duration = 4 * kSec / 5;
	anims.out = anim(ClipAnimationType::ZoomOut);
	anims.out->duration = 4 * kSec / 5;

	const Ticks t = kSec / 2;
	const double p = double(t) / double(anims.in->duration);             /* 0.625 */
	const double q = double(t - kSec / 5) / double(anims.out->duration); /* 0.375 */
	assert_state(evaluate_animations(anims, t, d, kW, kH), (1 - p) * kW, 0, 1 - 0.5 * q,
	             p * (1 - q));

	/* only the in window at 0.1 s, only the out window at 0.9 s */
	assert_state(evaluate_animations(anims, kSec / 10, d, kW, kH), (1 - 0.125) * kW, 0, 1,
	             0.125);
	assert_state(evaluate_animations(anims, 9 * kSec / 10, d, kW, kH), 0, 0, 1 - 0.5 * 0.875,
	             0.125);

	/* two slides add, two fades multiply */
	ClipAnimations slides;
	slides.in = anim(ClipAnimationType::SlideUp);
	slides.in->duration = kSec;
	slides.out = anim(ClipAnimationType::SlideRight);
	slides.out->duration = kSec;
	assert_state(evaluate_animations(slides, kSec / 4, kSec, kW, kH), 0.25 * kW, 0.75 * kH, 1,
	             0.25 * 0.75);
	ClipAnimations zooms;
	zooms.in = anim(ClipAnimationType::ZoomIn);
	zooms.in->duration = kSec;
	zooms.in->fade = false;
	zooms.out = anim(ClipAnimationType::ZoomIn);
	zooms.out->duration = kSec;
	zooms.out->fade = false;
	assert_state(evaluate_animations(zooms, kSec / 2, kSec, kW, kH), 0, 0, 0.75 * 1.25, 1);
}

void test_animation_clamping()
{
	ClipAnimation a = anim(ClipAnimationType::Fade);
	assert_state(eval_in(a, -kSec), 0, 0, 1, 0.0);
	assert_state(eval_out(a, kClip + kSec), 0, 0, 1, 0.0);
	/* a 24 h clip: the out window is found with exact tick arithmetic */
	ClipAnimations anims;
	anims.out = a;
	const Ticks d = kMaxTimelineTicks;
	assert_identity(evaluate_animations(anims, d - kWin, d, kW, kH));
	assert_state(evaluate_animations(anims, d - kWin + 1, d, kW, kH), 0, 0, 1,
	             1.0 - 1.0 / double(kWin));
	assert_state(evaluate_animations(anims, d - kWin / 4, d, kW, kH), 0, 0, 1, 0.25);
}

} /* namespace */

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);

	g_test_add_func("/keyframes/number/constant", test_constant);
	g_test_add_func("/keyframes/number/single-at-zero", test_single_keyframe_at_zero);
	g_test_add_func("/keyframes/number/middle", test_keyframe_in_middle);
	g_test_add_func("/keyframes/number/unsorted", test_unsorted_keyframes);
	g_test_add_func("/keyframes/number/same-time-step", test_same_time_step);
	g_test_add_func("/keyframes/number/at-duration", test_keyframe_at_duration);
	g_test_add_func("/keyframes/number/clamping", test_clamping);
	g_test_add_func("/keyframes/number/large-ticks", test_large_ticks);
	g_test_add_func("/keyframes/number/matches-walk", test_matches_walk);
	g_test_add_func("/keyframes/number/many-shared", test_many_keyframes_shared);

	g_test_add_func("/keyframes/ease/linear", test_ease_linear);
	g_test_add_func("/keyframes/ease/ease-in", test_ease_in);
	g_test_add_func("/keyframes/ease/ease-out", test_ease_out);
	g_test_add_func("/keyframes/ease/ease-in-out", test_ease_in_out);

	g_test_add_func("/keyframes/animation/none", test_no_animations);
	g_test_add_func("/keyframes/animation/fade", test_fade);
	g_test_add_func("/keyframes/animation/slide-up", test_slide_up);
	g_test_add_func("/keyframes/animation/slide-down", test_slide_down);
	g_test_add_func("/keyframes/animation/slide-left", test_slide_left);
	g_test_add_func("/keyframes/animation/slide-right", test_slide_right);
	g_test_add_func("/keyframes/animation/zoom-in", test_zoom_in);
	g_test_add_func("/keyframes/animation/zoom-out", test_zoom_out);
	g_test_add_func("/keyframes/animation/easing", test_animation_easing);
	g_test_add_func("/keyframes/animation/overlap", test_overlap);
	g_test_add_func("/keyframes/animation/clamping", test_animation_clamping);

	return g_test_run();
}
