// SPDX-License-Identifier: LGPL-2.1-or-later
// Transition maths: which picture shows where, at a progress from 0 (all A) to 1 (all B).
#include <jsontimeline/transition.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace jtl {

namespace {

struct Named {
	const char *name;
	int value;
};

const Named kTypes[] = {
        {"fade", int(TransitionType::Fade)},
        {"slide", int(TransitionType::Slide)},
        {"wipe", int(TransitionType::Wipe)},
        {"flip", int(TransitionType::Flip)},
        {"clock-wipe", int(TransitionType::ClockWipe)},
        {"iris", int(TransitionType::Iris)},
};

const Named kDirections[] = {
        {"from-left", int(TransitionDirection::FromLeft)},
        {"from-top-left", int(TransitionDirection::FromTopLeft)},
        {"from-top", int(TransitionDirection::FromTop)},
        {"from-top-right", int(TransitionDirection::FromTopRight)},
        {"from-right", int(TransitionDirection::FromRight)},
        {"from-bottom-right", int(TransitionDirection::FromBottomRight)},
        {"from-bottom", int(TransitionDirection::FromBottom)},
        {"from-bottom-left", int(TransitionDirection::FromBottomLeft)},
};

/* The unit vector B travels along, and the sides it starts from. */
void direction_vector(TransitionDirection d, double *dx, double *dy)
{
	switch (d) {
	case TransitionDirection::FromLeft:
		*dx = 1, *dy = 0;
		break;
	case TransitionDirection::FromTopLeft:
		*dx = 1, *dy = 1;
		break;
	case TransitionDirection::FromTop:
		*dx = 0, *dy = 1;
		break;
	case TransitionDirection::FromTopRight:
		*dx = -1, *dy = 1;
		break;
	case TransitionDirection::FromRight:
		*dx = -1, *dy = 0;
		break;
	case TransitionDirection::FromBottomRight:
		*dx = -1, *dy = -1;
		break;
	case TransitionDirection::FromBottom:
		*dx = 0, *dy = -1;
		break;
	case TransitionDirection::FromBottomLeft:
		*dx = 1, *dy = -1;
		break;
	}
}

/* 1 inside (d < 0), 0 outside, a linear ramp one pixel wide across the edge. */
double edge(double d)
{
	return std::clamp(0.5 - d, 0.0, 1.0);
}

} /* namespace */

std::optional<TransitionType> parse_transition_type(const std::string &name)
{
	for (const Named &n : kTypes)
		if (name == n.name)
			return TransitionType(n.value);
	return std::nullopt;
}

std::optional<TransitionDirection> parse_transition_direction(const std::string &name)
{
	for (const Named &n : kDirections)
		if (name == n.name)
			return TransitionDirection(n.value);
	return std::nullopt;
}

const char *transition_direction_name(TransitionDirection direction)
{
	for (const Named &n : kDirections)
		if (n.value == int(direction))
			return n.name;
	return "from-left";
}

bool transition_accepts(TransitionType type, TransitionDirection direction)
{
	bool side = direction == TransitionDirection::FromLeft ||
	            direction == TransitionDirection::FromRight ||
	            direction == TransitionDirection::FromTop ||
	            direction == TransitionDirection::FromBottom;
	switch (type) {
	case TransitionType::Slide:
	case TransitionType::Flip:
		return side;
	default:
		return true;
	}
}

double transition_progress(double t, double duration, Easing easing)
{
	if (duration <= 0)
		return t >= 0 ? 1.0 : 0.0;
	return ease(easing, std::clamp(t / duration, 0.0, 1.0));
}

double transition_weight(TransitionType type, TransitionDirection direction, int width, int height,
                         double x, double y, double p)
{
	p = std::clamp(p, 0.0, 1.0);
	const double w = std::max(1, width), h = std::max(1, height);
	const double cx = x + 0.5, cy = y + 0.5;
	switch (type) {
	case TransitionType::Wipe: {
		double dx = 0, dy = 0;
		direction_vector(direction, &dx, &dy);
		/* distance travelled along the direction, from the starting side or corner,
		 * in pixels; the front has swept p of the whole extent */
		double along = (dx > 0   ? cx
		                : dx < 0 ? w - cx
		                         : 0) *
		                       std::abs(dx) +
		               (dy > 0   ? cy
		                : dy < 0 ? h - cy
		                         : 0) *
		                       std::abs(dy);
		double extent = w * std::abs(dx) + h * std::abs(dy);
		if (p <= 0)
			return 0.0;
		if (p >= 1)
			return 1.0;
		/* diagonal fronts are measured along x + y: scale to pixels of that axis */
		double norm = std::hypot(dx, dy);
		return edge((along - p * extent) / norm);
	}
	case TransitionType::ClockWipe: {
		if (p <= 0)
			return 0.0;
		if (p >= 1)
			return 1.0;
		/* angle clockwise from 12 o'clock, 0..1 of a turn */
		double a = std::atan2(cx - w / 2.0, -(cy - h / 2.0)) / (2 * M_PI);
		if (a < 0)
			a += 1.0;
		double r = std::max(1.0, std::hypot(cx - w / 2.0, cy - h / 2.0));
		/* the edge in pixels along the arc at this radius */
		return edge((a - p) * 2 * M_PI * r);
	}
	case TransitionType::Iris: {
		if (p <= 0)
			return 0.0;
		if (p >= 1)
			return 1.0;
		double radius = p * std::hypot(w / 2.0, h / 2.0);
		return edge(std::hypot(cx - w / 2.0, cy - h / 2.0) - radius);
	}
	case TransitionType::Fade:
	case TransitionType::Slide:
	case TransitionType::Flip:
		break;
	}
	return p;
}

SlideOffsets slide_offsets(TransitionDirection direction, int width, int height, double p)
{
	double dx = 0, dy = 0;
	direction_vector(direction, &dx, &dy);
	p = std::clamp(p, 0.0, 1.0);
	SlideOffsets o;
	/* B starts one frame away against the direction and moves with it; A moves on ahead */
	o.b_x = -dx * width * (1.0 - p);
	o.b_y = -dy * height * (1.0 - p);
	o.a_x = dx * width * p;
	o.a_y = dy * height * p;
	return o;
}

FlipTurn flip_turn(TransitionDirection direction, double p)
{
	p = std::clamp(p, 0.0, 1.0);
	FlipTurn f;
	f.horizontal_axis = direction == TransitionDirection::FromTop ||
	                    direction == TransitionDirection::FromBottom;
	double sign = direction == TransitionDirection::FromRight ||
	                              direction == TransitionDirection::FromBottom
	                      ? -1.0
	                      : 1.0;
	f.shows_b = p >= 0.5;
	f.degrees = sign * (f.shows_b ? (p - 1.0) : p) * 180.0;
	return f;
}

bool turned_source(int width, int height, double degrees, bool horizontal_axis, double x, double y,
                   double *sx, double *sy)
{
	const double w = std::max(1, width), h = std::max(1, height);
	/* u: across the axis, v: along it; both from the centre */
	double u = horizontal_axis ? y + 0.5 - h / 2.0 : x + 0.5 - w / 2.0;
	double v = horizontal_axis ? x + 0.5 - w / 2.0 : y + 0.5 - h / 2.0;
	double half_u = (horizontal_axis ? h : w) / 2.0, half_v = (horizontal_axis ? w : h) / 2.0;
	double distance = 4.0 * half_u;
	double theta = degrees * M_PI / 180.0;
	/* a card point at u' (depth u' sin theta, positive = away) is seen at
	 * u' cos theta x distance / (distance + depth): solve for u' */
	double denom = distance * std::cos(theta) - u * std::sin(theta);
	if (denom <= 1e-9)
		return false;
	double cu = u * distance / denom;
	double depth = cu * std::sin(theta);
	double cv = v * (distance + depth) / distance;
	if (std::abs(cu) > half_u || std::abs(cv) > half_v)
		return false;
	if (horizontal_axis) {
		*sx = cv + w / 2.0;
		*sy = cu + h / 2.0;
	} else {
		*sx = cu + w / 2.0;
		*sy = cv + h / 2.0;
	}
	return true;
}

void apply_mask_premultiplied(TransitionType type, TransitionDirection direction, double p,
                              uint8_t *pixels, int width, int height, int stride, bool inverted)
{
	if (inverted ? p <= 0.0 : p >= 1.0)
		return;
	for (int y = 0; y < height; y++) {
		uint8_t *px = pixels + std::size_t(y) * std::size_t(stride);
		for (int x = 0; x < width; x++, px += 4) {
			if (px[3] == 0)
				continue;
			double w = transition_weight(type, direction, width, height, x, y, p);
			if (inverted)
				w = 1.0 - w;
			unsigned k = unsigned(std::lround(w * 256.0));
			for (int c = 0; c < 4; c++)
				px[c] = uint8_t((px[c] * k + 128) >> 8);
		}
	}
}

void turn_bgra(double degrees, bool horizontal_axis, uint8_t *pixels, int width, int height,
               int stride, std::vector<uint8_t> *scratch)
{
	if (degrees == 0.0)
		return;
	std::vector<uint8_t> &flat = *scratch;
	const std::size_t row = std::size_t(width) * 4;
	flat.resize(row * std::size_t(height));
	for (int y = 0; y < height; y++)
		memcpy(&flat[std::size_t(y) * row], pixels + std::size_t(y) * std::size_t(stride),
		       row);
	for (int y = 0; y < height; y++) {
		uint8_t *px = pixels + std::size_t(y) * std::size_t(stride);
		for (int x = 0; x < width; x++, px += 4) {
			double fx, fy;
			if (!turned_source(width, height, degrees, horizontal_axis, x, y, &fx,
			                   &fy)) {
				memset(px, 0, 4);
				continue;
			}
			int ix = std::clamp(int(fx), 0, width - 1),
			    iy = std::clamp(int(fy), 0, height - 1);
			memcpy(px, &flat[std::size_t(iy) * row + std::size_t(ix) * 4], 4);
		}
	}
}

} /* namespace jtl */
