// SPDX-License-Identifier: LGPL-2.1-or-later
// Keyframe interpolation, easing and clip in/out animations: the one copy of this maths.
#include <jsontimeline/keyframes.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace jtl {

namespace {

bool by_time(const Keyframe &a, const Keyframe &b)
{
	return a.time < b.time;
}

} /* namespace */

AnimatedNumber::AnimatedNumber(double v, std::vector<Keyframe> k) : value(v)
{
	set_keyframes(std::move(k));
}

const std::vector<Keyframe> &AnimatedNumber::keyframes() const
{
	static const std::vector<Keyframe> none;
	return keyframes_ ? *keyframes_ : none;
}

void AnimatedNumber::set_keyframes(std::vector<Keyframe> k)
{
	std::stable_sort(k.begin(), k.end(), by_time);
	keyframes_ = std::make_shared<const std::vector<Keyframe>>(std::move(k));
}

/* The points are: the base value at 0 unless a keyframe is at (or, clamped, before) time
 * 0; the keyframes with their times clamped to [0, duration]; the base value at duration
 * unless a keyframe is there (or, clamped, past it) or there are no keyframes at all. */
std::size_t AnimatedNumber::point_count(Ticks duration) const
{
	const std::vector<Keyframe> &k = keyframes();
	duration = std::max<Ticks>(duration, 0);
	bool head = k.empty() || k.front().time > 0;
	bool tail = k.empty() || std::clamp<Ticks>(k.back().time, 0, duration) < duration;
	return std::size_t(head) + k.size() + std::size_t(tail);
}

Keyframe AnimatedNumber::point(std::size_t i, Ticks duration) const
{
	const std::vector<Keyframe> &k = keyframes();
	duration = std::max<Ticks>(duration, 0);
	if (k.empty() || k.front().time > 0) {
		if (i == 0)
			return {0, value};
		i--;
	}
	if (i < k.size())
		return {std::clamp<Ticks>(k[i].time, 0, duration), k[i].value};
	return {duration, value};
}

std::vector<Keyframe> AnimatedNumber::points(Ticks duration) const
{
	std::vector<Keyframe> pts;
	std::size_t n = point_count(duration);
	pts.reserve(n);
	for (std::size_t i = 0; i < n; i++)
		pts.push_back(point(i, duration));
	return pts;
}

double AnimatedNumber::at(Ticks t, Ticks duration) const
{
	if (!is_animated())
		return value;
	if (duration <= 0)
		return point(0, duration).value;
	const std::vector<Keyframe> &k = *keyframes_;
	t = std::clamp<Ticks>(t, 0, duration);
	/* the last point at or before t (later points at the same time win: a step) */
	std::size_t below = std::size_t(
	        std::upper_bound(k.begin(), k.end(), t,
	                         [duration](Ticks v, const Keyframe &kf) {
		                         return v < std::clamp<Ticks>(kf.time, 0, duration);
	                         }) -
	        k.begin());
	const std::size_t n = point_count(duration);
	std::size_t after = std::size_t(k.front().time > 0) + below;
	if (below == k.size() && t >= duration && after < n)
		after++; /* the implicit end point */
	if (after == 0)
		return point(0, duration).value;
	Keyframe a = point(after - 1, duration);
	if (after == n || a.time == t)
		return a.value;
	Keyframe b = point(after, duration);
	double f = double(t - a.time) / double(b.time - a.time);
	return a.value + (b.value - a.value) * f;
}

namespace {

/* One coordinate of a cubic Bézier from (0,0) to (1,1) with control values p1, p2. */
double bezier(double p1, double p2, double s)
{
	double u = 1.0 - s;
	return 3.0 * u * u * s * p1 + 3.0 * u * s * s * p2 + s * s * s;
}

double bezier_slope(double p1, double p2, double s)
{
	double u = 1.0 - s;
	return 3.0 * u * u * p1 + 6.0 * u * s * (p2 - p1) + 3.0 * s * s * (1.0 - p2);
}

double cubic_bezier(double x1, double y1, double x2, double y2, double x)
{
	/* solve bezier_x(s) = x: Newton, then bisection if it does not converge */
	double s = x;
	for (int i = 0; i < 8; i++) {
		double err = bezier(x1, x2, s) - x;
		if (std::fabs(err) < 1e-12)
			return bezier(y1, y2, s);
		double d = bezier_slope(x1, x2, s);
		if (std::fabs(d) < 1e-9)
			break;
		s -= err / d;
		if (s < 0.0 || s > 1.0)
			break;
	}
	double lo = 0.0, hi = 1.0;
	s = x;
	for (int i = 0; i < 60; i++) {
		double v = bezier(x1, x2, s);
		if (std::fabs(v - x) < 1e-12)
			break;
		if (v < x)
			lo = s;
		else
			hi = s;
		s = 0.5 * (lo + hi);
	}
	return bezier(y1, y2, s);
}

} /* namespace */

double ease(Easing easing, double x)
{
	if (!(x > 0.0))
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	switch (easing) {
	case Easing::Linear:
		return x;
	case Easing::EaseIn:
		return cubic_bezier(0.42, 0.0, 1.0, 1.0, x);
	case Easing::EaseOut:
		return cubic_bezier(0.0, 0.0, 0.58, 1.0, x);
	case Easing::EaseInOut:
		return cubic_bezier(0.42, 0.0, 0.58, 1.0, x);
	}
	return x;
}

namespace {

/* Applies one animation at eased progress `amount` away from the resting state:
 * amount 1 = fully away (start of an in-animation, end of an out-animation). */
void apply(const ClipAnimation &a, double amount, bool out, double box_width, double box_height,
           AnimationState &state)
{
	bool fades = a.type == ClipAnimationType::Fade || a.fade;
	if (fades)
		state.opacity *= 1.0 - amount;
	double vertical = a.distance.value_or(box_height);
	double horizontal = a.distance.value_or(box_width);
	/* in: comes from the opposite side of the named direction; out: leaves toward it */
	double sign = out ? -1.0 : 1.0;
	switch (a.type) {
	case ClipAnimationType::Fade:
		break;
	case ClipAnimationType::SlideUp:
		state.dy += sign * amount * vertical;
		break;
	case ClipAnimationType::SlideDown:
		state.dy -= sign * amount * vertical;
		break;
	case ClipAnimationType::SlideLeft:
		state.dx += sign * amount * horizontal;
		break;
	case ClipAnimationType::SlideRight:
		state.dx -= sign * amount * horizontal;
		break;
	case ClipAnimationType::ZoomIn: {
		double away = a.from_scale.value_or(out ? 1.5 : 0.5);
		state.scale *= 1.0 + (away - 1.0) * amount;
		break;
	}
	case ClipAnimationType::ZoomOut: {
		double away = a.from_scale.value_or(out ? 0.5 : 1.5);
		state.scale *= 1.0 + (away - 1.0) * amount;
		break;
	}
	}
}

} /* namespace */

AnimationState evaluate_animations(const ClipAnimations &anims, Ticks t, Ticks duration,
                                   double box_width, double box_height)
{
	AnimationState state;
	t = std::clamp<Ticks>(t, 0, std::max<Ticks>(duration, 0));
	if (anims.in && anims.in->duration > 0 && t < anims.in->duration) {
		double p = ease(anims.in->easing, double(t) / double(anims.in->duration));
		apply(*anims.in, 1.0 - p, false, box_width, box_height, state);
	}
	if (anims.out && anims.out->duration > 0) {
		Ticks start = duration - anims.out->duration;
		if (t > start) {
			double q = ease(anims.out->easing,
			                double(t - start) / double(anims.out->duration));
			apply(*anims.out, q, true, box_width, box_height, state);
		}
	}
	return state;
}

} /* namespace jtl */
