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

AnimatedNumber::AnimatedNumber(double v, std::vector<Keyframe> k)
        : value(v), keyframes(std::move(k))
{
	std::stable_sort(keyframes.begin(), keyframes.end(), by_time);
}

std::vector<Keyframe> AnimatedNumber::points(Ticks duration) const
{
	if (duration < 0)
		duration = 0;
	std::vector<Keyframe> pts;
	pts.reserve(keyframes.size() + 2);
	pts.push_back({0, value});
	/* the members are public: sort here too in case they were filled after construction */
	pts.insert(pts.end(), keyframes.begin(), keyframes.end());
	if (!std::is_sorted(pts.begin() + 1, pts.end(), by_time))
		std::stable_sort(pts.begin() + 1, pts.end(), by_time);
	/* the implicit start only where no keyframe is at (or, clamped, before) time 0 */
	if (pts.size() > 1 && pts[1].time <= 0)
		pts.erase(pts.begin());
	/* negative times clamp to 0; times at or past the end are the end keyframe */
	for (Keyframe &k : pts)
		k.time = std::clamp<Ticks>(k.time, 0, duration);
	if (keyframes.empty() || pts.back().time < duration)
		pts.push_back({duration, value});
	return pts;
}

double AnimatedNumber::at(Ticks t, Ticks duration) const
{
	if (keyframes.empty())
		return value;
	std::vector<Keyframe> pts = points(duration);
	if (duration <= 0)
		return pts.front().value;
	t = std::clamp<Ticks>(t, 0, duration);
	/* the last point at or before t (later points at the same time win: a step) */
	auto after = std::upper_bound(pts.begin(), pts.end(), t,
	                              [](Ticks v, const Keyframe &k) { return v < k.time; });
	if (after == pts.begin())
		return pts.front().value;
	const Keyframe &a = *(after - 1);
	if (after == pts.end() || a.time == t)
		return a.value;
	const Keyframe &b = *after;
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
