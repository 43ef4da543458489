// SPDX-License-Identifier: LGPL-2.1-or-later
// Chart items: palette, reveal progress and Cairo drawing of line/bar/area/pie/radar/scatter.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <jsontimeline/color.h>
#include <jsontimeline/draw.h>
#include <jsontimeline/model.h>
#include <jsontimeline/time.h>

namespace jtl {

/* n series colours derived from the theme colour: the theme colour itself first; colour
 * i >= 1 turns the theme's hue by i x 137.5 degrees (the golden angle, so any number of
 * hues stay apart), with saturation at least 0.5 (a grey theme still gives colours) and
 * lightness clamped to 0.4..0.6 (legible on light and dark pictures); alpha is the
 * theme's. */
std::vector<Color> chart_palette(const Color &theme, size_t n);

/* Reveal progress 0..1 at local time t (ticks from the item start): x = t /
 * animationDurationTicks clamped to 0..1, eased out (cubic: 1 - (1 - x)^3); 1 when the
 * duration is 0. */
double chart_progress(const ChartData &chart, Ticks local);

/* A value axis: ticks every step from lo to hi (both on ticks). */
struct ChartAxis {
	double lo = 0, hi = 1, step = 1;
	double frac(double v) const { return (v - lo) / (hi - lo); }
};
/* How far past the data an axis reaches at least, as a share of the data's span. */
constexpr double kChartAxisMargin = 0.05;
/* "Nice" axis bounds for data from lo to hi, as charting libraries choose them: steps of 1,
 * 2, 2.5 or 5 x 10^k, about `target` of them; the data's span widened by kChartAxisMargin on
 * each side, then rounded outwards to whole steps, so every value lies strictly inside
 * (never on the frame). With keep_zero, a bound at exactly 0 stays there (the base of bars
 * and areas). Equal lo and hi get a span around them; non-finite or reversed ones 0..1. */
ChartAxis chart_axis(double lo, double hi, int target, bool keep_zero);

/* The chart drawn with Cairo into a width x height picture (output pixels); scale is output
 * pixels per composition pixel and multiplies font sizes, line widths and paddings, so a
 * chart drawn at 2x has the same layout, crisper. progress 0..1 reveals it: bars grow from
 * the baseline, lines and areas draw from left to right, pie slices sweep clockwise from 12
 * o'clock, radar polygons grow from the centre, scatter points pop in one after another
 * (overshooting). The background is transparent; axes, gridlines, labels and the legend
 * are drawn in neutral greys (see docs/format-indream.md, "Charts"). Empty data draws the
 * axes only; non-finite values are skipped. Returns false with *error set when the theme
 * colour cannot be read or the size is not positive. */
bool draw_chart(const ChartData &chart, int width, int height, double scale, double progress,
                Raster *out, std::string *error);

} /* namespace jtl */
