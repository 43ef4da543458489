// SPDX-License-Identifier: LGPL-2.1-or-later
// Adjustment items: effects and filters act on everything composited below them (the later
// tracks) over their time range. What they do at an instant, and the blur they may need.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include <jsontimeline/filters.h>
#include <jsontimeline/model.h>

namespace jtl {

/* What the adjustment items of one track do to the picture below them at an instant, in
 * this order: the colour look, the blur, then darkening towards black. */
struct Adjustment {
	/* amount of each filter look (filter_names() order), 0..1; they add up as
	 * I + sum(amount x (look - I)) */
	std::vector<double> looks = std::vector<double>(filter_names().size(), 0.0);
	double blur = 0.0;     /* Gaussian standard deviation in composition pixels */
	double darkness = 0.0; /* 0..1: how far towards black */

	bool is_identity() const;
	/* The colour matrix of the looks. */
	ColorMatrix matrix() const;
	/* The amount of absolute-red (not a matrix: isolate_red_frame()). */
	double isolate_red() const;
	/* The looks on a BGRA frame: the matrix, then red isolation. */
	void apply_looks(uint8_t *pixels, int width, int height, int stride) const;
};

/* The defaults effects use when params leave them out (also in the capabilities table). */
constexpr double kDefaultBlurRadius = 12.0;       /* blur: params.radiusPx */
constexpr double kDefaultMaxBlur = 24.0;          /* blurred-opening: params.maxBlurPx */
constexpr double kDefaultFlashBrightFrames = 2.0; /* flash-to-black */
constexpr double kDefaultFlashDarkFrames = 2.0;
constexpr double kDefaultFlashMaxOpacity = 1.0;
constexpr double kDefaultFlashTailDarkFrames = 0.0;

/* What one effect or filter item does at timeline tick t (nothing outside its time range),
 * fps being the output rate (flash-to-black counts frames):
 * - fade-in: darkness intensity x (1 - local/d), from black to the picture;
 * - fade-out: darkness intensity x local/d, from the picture to black;
 * - flash-to-black: frames alternate brightFrames untouched and darkFrames at darkness
 *   maxOpacity x intensity, from the item's start; its last tailDarkFrames frames are dark;
 * - blur: blur params.radiusPx x intensity;
 * - blurred-opening: blur params.maxBlurPx x intensity x (1 - local/d), down to sharp;
 * - a filter: its look at amount intensity x params.blend (default 1), clamped to 0..1. */
Adjustment evaluate_adjustment(const Item &item, Ticks t, int fps);

/* Whether an item is an adjustment (an effect or a filter). */
bool is_adjustment(const Item &item);

/* Tracks (indices, top first) that hold adjustment items and are not hidden. */
std::vector<int> adjustment_tracks(const Timeline &timeline);

/* Everything the adjustment items of track `track` do at t, combined: looks add, blurs add
 * in variance, darkness multiplies (1 - d1)(1 - d2). */
Adjustment evaluate_track_adjustment(const Timeline &timeline, int track, Ticks t, int fps);

/* evaluate_track_adjustment() over the output frames [k0, k1) at fps (frame k at tick
 * frame_to_ticks(k)), without visiting every item at every frame: the track's
 * adjustment items are sorted by start once (O(n log n)) and swept, so a frame costs
 * O(log n + the items active at it). visit(k, adjustment) is called in frame order for
 * every frame some item covers and for the first frame of the range and of each gap
 * between items (the identity there); frames not visited have the value of the last
 * frame visited. */
void sweep_track_adjustment(const Timeline &timeline, int track, int fps, uint64_t k0, uint64_t k1,
                            const std::function<void(uint64_t, const Adjustment &)> &visit);

/* A Gaussian-like blur (three box passes) of standard deviation sigma pixels, in place, on
 * 4-byte pixels (every channel, alpha too), rows of stride bytes. Edges are extended. */
void blur_bgra(uint8_t *pixels, int width, int height, int stride, double sigma);

/* Darkens 4-byte pixels towards black by darkness 0..1 (alpha untouched), in place. */
void darken_bgra(uint8_t *pixels, int width, int height, int stride, double darkness);

/* The "blur" background: where a frame's content (its non-transparent pixels) does not fill
 * it, puts behind it an enlarged copy of that content covering the frame (the content's
 * bounding box scaled to cover it, centred), blurred with standard deviation sigma pixels.
 * In place on straight-alpha BGRA; a frame filled edge to edge, or empty, is left alone.
 * Returns whether it changed the frame. */
bool backdrop_bgra(uint8_t *pixels, int width, int height, int stride, double sigma);

/* The blur of globalBackground.level 0..4 in pixels of a frame width wide: level x width /
 * 160 (12 px steps at 1920); level 0 is the enlarged copy without blur. */
double background_blur_sigma(int level, int width);

} /* namespace jtl */
