// SPDX-License-Identifier: LGPL-2.1-or-later
// The eight colour looks of editorState filters: colour matrices, and red isolation.
#include <jsontimeline/filters.h>

#include <algorithm>
#include <cmath>

namespace jtl {

namespace {

struct Look {
	const char *name;
	ColorMatrix matrix;
};

/* Luma weights (BT.601): the grey a colour turns into. */
constexpr int kR = 306, kG = 601, kB = 117; /* x 1024 */

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
        /* yellow-green highlights (blue gain down), cyan shadows (green and blue lifted) */
        {"lemon-cyan",
         {{{0.95, 0.03, 0.00, 0.00}, {0.00, 1.05, 0.00, 0.03}, {0.00, 0.05, 0.80, 0.06}}}},
        /* everything grey but red: not a matrix (a matrix keeping the red channel of every
         * colour tints blue to teal), see isolate_red_frame(); the identity here */
        {kIsolateRedLook, {}},
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

double red_weight(int r, int g, int b)
{
	int hi = std::max({r, g, b}), lo = std::min({r, g, b});
	if (hi == lo)
		return 0.0;
	/* the hue's distance from red in degrees, 0..180 */
	double c = hi - lo, hue;
	if (hi == r)
		hue = 60.0 * (g - b) / c;
	else if (hi == g)
		hue = 60.0 * ((b - r) / c + 2.0);
	else
		hue = 60.0 * ((r - g) / c + 4.0);
	double d = std::abs(hue);
	if (d > 180.0)
		d = 360.0 - d;
	if (d <= kRedHueKept)
		return 1.0;
	if (d >= kRedHueGrey)
		return 0.0;
	double x = (kRedHueGrey - d) / (kRedHueGrey - kRedHueKept);
	return x * x * (3.0 - 2.0 * x);
}

void isolate_red_frame(uint8_t *pixels, int width, int height, int stride, double amount)
{
	amount = std::clamp(amount, 0.0, 1.0);
	if (amount <= 0.0)
		return;
	for (int y = 0; y < height; y++) {
		uint8_t *p = pixels + std::size_t(y) * std::size_t(stride);
		for (int x = 0; x < width; x++, p += 4) {
			int b = p[0], g = p[1], r = p[2];
			if (r == g && g == b)
				continue;
			/* how much colour is kept: all of it near red, none far from it */
			double keep = 1.0 - amount * (1.0 - red_weight(r, g, b));
			double grey = (kR * r + kG * g + kB * b) / 1024.0;
			auto mix = [&](int v) {
				return uint8_t(std::clamp(std::lround(grey + keep * (v - grey)), 0L,
				                          255L));
			};
			p[0] = mix(b);
			p[1] = mix(g);
			p[2] = mix(r);
		}
	}
}

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
