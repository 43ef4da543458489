// SPDX-License-Identifier: LGPL-2.1-or-later
// Transition maths: which picture shows where, at a progress from 0 (all A) to 1 (all B).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <jsontimeline/keyframes.h>
#include <jsontimeline/model.h>

namespace jtl {

/* TransitionType and transition_type_name() are the model's (jsontimeline/model.h). */

/* Where B comes from. Slide and flip use the four sides; wipe also the four corners. */
enum class TransitionDirection {
	FromLeft,
	FromTopLeft,
	FromTop,
	FromTopRight,
	FromRight,
	FromBottomRight,
	FromBottom,
	FromBottomLeft,
};

/* "fade", "slide", "wipe", "flip", "clock-wipe", "iris"; nullopt for anything else. */
std::optional<TransitionType> parse_transition_type(const std::string &name);
/* "from-left", "from-top-left", ...; nullopt for anything else. */
std::optional<TransitionDirection> parse_transition_direction(const std::string &name);
const char *transition_direction_name(TransitionDirection direction);
/* Whether a type takes that direction (slide and flip: the four sides; wipe: all eight;
 * fade, clock-wipe and iris: none matter). */
bool transition_accepts(TransitionType type, TransitionDirection direction);

/* The eased progress of a transition at local time t of duration d (clamped to 0..1). */
double transition_progress(double t, double duration, Easing easing);

/* For the mask types (fade, wipe, clock-wipe, iris): how much of B shows at pixel centre
 * (x + 0.5, y + 0.5) of a width x height frame at progress p, 0..1, with an edge one pixel
 * wide antialiased. Fade: p everywhere. Wipe: B covers the part of the frame swept from
 * its side or corner. Clock-wipe: B covers the angle p x 360 degrees swept clockwise from
 * 12 o'clock around the centre. Iris: B covers a circle from the centre whose radius
 * reaches the corners at p = 1. */
double transition_weight(TransitionType type, TransitionDirection direction, int width, int height,
                         double x, double y, double p);

/* Slide: where A and B are drawn (offsets in pixels of their top-left corner) at progress
 * p. B enters from its side while A leaves through the opposite one, edge to edge. */
struct SlideOffsets {
	double a_x = 0, a_y = 0, b_x = 0, b_y = 0;
};
SlideOffsets slide_offsets(TransitionDirection direction, int width, int height, double p);

/* Flip: a card turning in perspective around its vertical (from-left/right) or horizontal
 * (from-top/bottom) axis through the centre. The first half shows A turning from flat to
 * edge-on (0 to 90 degrees), the second B turning from edge-on to flat (-90 to 0). From the
 * left (top) the card's left (top) edge comes towards the viewer; from the right (bottom)
 * the other way round. */
struct FlipTurn {
	bool shows_b = false;
	double degrees = 0.0;
	bool horizontal_axis = false; /* true: around the horizontal axis */
};
FlipTurn flip_turn(TransitionDirection direction, double p);

/* Where the pixel centre (x + 0.5, y + 0.5) of a width x height frame samples a picture of
 * the same size turned by `degrees` around its centre's vertical axis (horizontal_axis:
 * the horizontal one), seen in perspective from twice its width (height) away: *sx, *sy
 * in the picture's pixel coordinates. False where the turned picture does not cover that
 * pixel. */
bool turned_source(int width, int height, double degrees, bool horizontal_axis, double x, double y,
                   double *sx, double *sy);

/* The mask of a wipe, clock-wipe or iris at progress p over premultiplied 4-byte pixels
 * (rows of stride bytes): each pixel scaled by its transition_weight(), so it shows only
 * where B would; inverted, by 1 - the weight, so it shows only where A would. */
void apply_mask_premultiplied(TransitionType type, TransitionDirection direction, double p,
                              uint8_t *pixels, int width, int height, int stride,
                              bool inverted = false);

/* A picture of 4-byte pixels turned in perspective (turned_source()), in place; scratch
 * holds a copy. Transparent where the turned picture does not reach. */
void turn_bgra(double degrees, bool horizontal_axis, uint8_t *pixels, int width, int height,
               int stride, std::vector<uint8_t> *scratch);

} /* namespace jtl */
