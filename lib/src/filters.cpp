// SPDX-License-Identifier: LGPL-2.1-or-later
// The eight colour looks of editorState filters, as colour matrices.
#include <jsontimeline/filters.h>

#include <algorithm>
#include <cmath>

namespace jtl {

namespace {

struct Look {
	const char *name;
	ColorMatrix matrix;
};

/* Luma weights (BT.601) for the looks that desaturate. */
constexpr double kR = 0.299, kG = 0.587, kB = 0.114;

const Look kLooks[] = {
        /* greens lifted, blues cooled a little: foliage glows */
        {"verdant-glow",
         {{{0.90, 0.05, 0.00, 0.00}, {0.10, 1.10, 0.00, 0.02}, {0.00, 0.05, 0.85, 0.00}}}},
        /* magenta and cyan pushed apart, greens held down */
        {"cyberpunk-neon",
         {{{1.10, 0.00, 0.10, 0.00}, {0.00, 0.80, 0.00, 0.00}, {0.10, 0.00, 1.20, 0.03}}}},
        /* lifted blacks towards blue-violet, softer reds */
        {"vaporwave-blue",
         {{{0.80, 0.00, 0.10, 0.05}, {0.00, 0.85, 0.10, 0.00}, {0.10, 0.00, 1.15, 0.05}}}},
        /* warm: reds up, blues down */
        {"sunset-orange",
         {{{1.15, 0.05, 0.00, 0.04}, {0.05, 0.95, 0.00, 0.00}, {0.00, 0.00, 0.75, 0.00}}}},
        /* yellow-green highlights, cyan shadows */
        {"lemon-cyan",
         {{{0.95, 0.05, 0.00, 0.00}, {0.00, 1.10, 0.00, 0.03}, {0.00, 0.10, 1.05, 0.00}}}},
        /* everything grey but red */
        {"absolute-red",
         {{{1.00, 0.00, 0.00, 0.00},
           {0.9 * kR, 0.9 * kG, 0.9 * kB, 0.00},
           {0.9 * kR, 0.9 * kG, 0.9 * kB, 0.00}}}},
        /* soft pink: reds and blues lifted, greens eased */
        {"sakura-pink",
         {{{1.05, 0.00, 0.05, 0.04}, {0.05, 0.90, 0.00, 0.00}, {0.08, 0.00, 0.95, 0.03}}}},
        /* dusk: darker, towards blue */
        {"twilight-dusk",
         {{{0.85, 0.00, 0.10, 0.00}, {0.00, 0.80, 0.05, 0.00}, {0.05, 0.00, 1.10, 0.02}}}},
};

} /* namespace */

const std::vector<std::string> &filter_names()
{
	static const std::vector<std::string> names = [] {
		std::vector<std::string> v;
		for (const Look &l : kLooks)
			v.emplace_back(l.name);
		return v;
	}();
	return names;
}

std::optional<ColorMatrix> filter_matrix(const std::string &name)
{
	for (const Look &l : kLooks)
		if (name == l.name)
			return l.matrix;
	return std::nullopt;
}

ColorMatrix mix_matrix(const ColorMatrix &look, double amount)
{
	amount = std::clamp(amount, 0.0, 1.0);
	ColorMatrix identity, out;
	for (int r = 0; r < 3; r++)
		for (int c = 0; c < 4; c++)
			out.m[r][c] = identity.m[r][c] * (1.0 - amount) + look.m[r][c] * amount;
	return out;
}

namespace {

/* One table per input channel and output row: out = lut[r] + lut[g] + lut[b] in fixed
 * point (x 1024, offset and rounding folded into the red column), so a pixel costs nine
 * lookups and three clamps. */
struct MatrixTables {
	int32_t lut[3][3][256];

	explicit MatrixTables(const ColorMatrix &m)
	{
		for (int r = 0; r < 3; r++)
			for (int c = 0; c < 3; c++)
				for (int v = 0; v < 256; v++)
					lut[r][c][v] =
					        int32_t(std::lround(m.m[r][c] * 1024.0 * v)) +
					        (c == 0 ? int32_t(std::lround(m.m[r][3] * 255.0 *
					                                      1024.0)) +
					                          512
					                : 0);
	}

	void apply(uint8_t *pixels, std::size_t count) const
	{
		for (std::size_t i = 0; i < count; i++, pixels += 4) {
			int b = pixels[0], g = pixels[1], r = pixels[2];
			int nr = (lut[0][0][r] + lut[0][1][g] + lut[0][2][b]) >> 10;
			int ng = (lut[1][0][r] + lut[1][1][g] + lut[1][2][b]) >> 10;
			int nb = (lut[2][0][r] + lut[2][1][g] + lut[2][2][b]) >> 10;
			pixels[0] = uint8_t(std::clamp(nb, 0, 255));
			pixels[1] = uint8_t(std::clamp(ng, 0, 255));
			pixels[2] = uint8_t(std::clamp(nr, 0, 255));
		}
	}
};

} /* namespace */

void apply_matrix_bgra(const ColorMatrix &m, uint8_t *pixels, std::size_t count)
{
	MatrixTables(m).apply(pixels, count);
}

void apply_matrix_frame(const ColorMatrix &m, uint8_t *pixels, int width, int height, int stride)
{
	MatrixTables tables(m);
	for (int y = 0; y < height; y++)
		tables.apply(pixels + std::size_t(y) * std::size_t(stride), std::size_t(width));
}

} /* namespace jtl */
