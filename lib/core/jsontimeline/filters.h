// SPDX-License-Identifier: LGPL-2.1-or-later
// The eight colour looks of editorState filters: colour matrices, and red isolation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jtl {

/* out = M x (r, g, b, 1) on values 0..1: rows r, g, b; column 3 is an offset. */
struct ColorMatrix {
	double m[3][4] = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}};
};

/* The filter types of editorState v1, in the schema's order. */
const std::vector<std::string> &filter_names();

/* The look of a filter type (documented in docs/format-indream.md); nullopt for an
 * unknown name. */
std::optional<ColorMatrix> filter_matrix(const std::string &name);

/* The look mixed with the identity: amount 0 leaves colours alone, 1 is the full look
 * (amount = intensity x blend, clamped to 0..1). */
ColorMatrix mix_matrix(const ColorMatrix &look, double amount);

/* absolute-red keeps reds and turns every other colour grey: not a matrix (its
 * filter_matrix() is the identity) but isolate_red_frame(). Hues within kRedHueKept
 * degrees of red keep their colour, those kRedHueGrey or more away lose it, smoothly
 * between (skin #e0ac69, 34 degrees off, keeps a third of its colour). */
constexpr const char *kIsolateRedLook = "absolute-red";
constexpr double kRedHueKept = 15.0, kRedHueGrey = 45.0;
/* How much of its colour a pixel keeps under absolute-red: 1 for red, 0 for grey/blue. */
double red_weight(int r, int g, int b);
/* Each pixel (B G R A, alpha untouched) moved towards its BT.601 grey by amount x (1 -
 * red_weight); rows stride bytes apart. */
void isolate_red_frame(uint8_t *pixels, int width, int height, int stride, double amount);

/* Applies m to pixels of 4 bytes, B G R A (alpha untouched), clamping to 0..255. */
void apply_matrix_bgra(const ColorMatrix &m, uint8_t *pixels, std::size_t count);
/* The same over a frame of width x height pixels, rows stride bytes apart. */
void apply_matrix_frame(const ColorMatrix &m, uint8_t *pixels, int width, int height, int stride);

} /* namespace jtl */
