// SPDX-License-Identifier: LGPL-2.1-or-later
// Keyframe interpolation, easing and clip in/out animations: the one copy of this maths.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include <jsontimeline/time.h>

namespace jtl {

struct Keyframe {
	Ticks time = 0; /* local to the clip: 0 = the clip's first tick */
	double value = 0.0;
};

/* An editorState "animated number track": a base value and keyframes.
 * Semantics (docs/keyframes.md): keyframe times are local to the clip; values
 * interpolate linearly between keyframes; the base value is an implicit keyframe at each
 * end of the clip (time 0 and time = clip duration) that has no explicit keyframe; with
 * no keyframes the value is constant. Keyframes are sorted by time (stable) once, when
 * they are set, and held in an immutable array that copies of the number share:
 * evaluating never copies them and costs O(log n). */
struct AnimatedNumber {
	double value = 0.0;

	AnimatedNumber() = default;
	AnimatedNumber(double v) : value(v) {}
	AnimatedNumber(double v, std::vector<Keyframe> k);

	bool is_animated() const { return keyframes_ && !keyframes_->empty(); }
	/* The keyframes, sorted by time (stable). */
	const std::vector<Keyframe> &keyframes() const;
	/* Replaces the keyframes (sorted here). */
	void set_keyframes(std::vector<Keyframe> k);
	/* Value at local time t of a clip lasting duration ticks; t is clamped to
	 * [0, duration]. A binary search over the shared keyframes: no copy, no
	 * allocation. */
	double at(Ticks t, Ticks duration) const;
	/* The control points actually interpolated over [0, duration], implicit ends
	 * included, sorted by time. Used to feed GStreamer control sources. */
	std::vector<Keyframe> points(Ticks duration) const;

private:
	/* The points interpolated over [0, duration] without building them: how many there
	 * are and the i-th one (at(), points()). */
	std::size_t point_count(Ticks duration) const;
	Keyframe point(std::size_t i, Ticks duration) const;

	std::shared_ptr<const std::vector<Keyframe>> keyframes_;
};

enum class Easing { Linear, EaseIn, EaseOut, EaseInOut };

/* CSS timing functions: ease-in = cubic-bezier(0.42, 0, 1, 1), ease-out =
 * cubic-bezier(0, 0, 0.58, 1), ease-in-out = cubic-bezier(0.42, 0, 0.58, 1).
 * x is clamped to [0, 1]; the result is in [0, 1], exact at both ends. */
double ease(Easing easing, double x);

enum class ClipAnimationType { Fade, SlideUp, SlideDown, SlideLeft, SlideRight, ZoomIn, ZoomOut };

struct ClipAnimation {
	ClipAnimationType type = ClipAnimationType::Fade;
	Ticks duration = 0;
	Easing easing = Easing::Linear;
	/* params.distance: slide distance in composition pixels (default: the box's own
	 * height for up/down, width for left/right). params.fromScale: the scale
	 * away from rest: where an in-animation starts (default 0.5 for zoom-in, 1.5 for
	 * zoom-out) or where an out-animation ends (default 1.5 for zoom-in, 0.5 for
	 * zoom-out). params.fade: slides and zooms also
	 * fade (default true). */
	std::optional<double> distance;
	std::optional<double> from_scale;
	bool fade = true;
};

struct ClipAnimations {
	std::optional<ClipAnimation> in;
	std::optional<ClipAnimation> out;
};

/* What clip animations do to an item at one instant, applied on top of its keyframed
 * geometry: translate by (dx, dy) composition pixels, multiply scaleX/scaleY by scale
 * (around the box centre) and opacity by opacity. */
struct AnimationState {
	double dx = 0.0;
	double dy = 0.0;
	double scale = 1.0;
	double opacity = 1.0;
};

/* Evaluates in/out animations at local time t of a clip lasting duration ticks, for a box
 * of box_width x box_height pixels. Where the in and out windows overlap both apply. */
AnimationState evaluate_animations(const ClipAnimations &anims, Ticks t, Ticks duration,
                                   double box_width, double box_height);

} /* namespace jtl */
