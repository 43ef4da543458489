// SPDX-License-Identifier: LGPL-2.1-or-later
// Drawing with Cairo and Pango: shapes and text boxes as BGRA rasters for the compositor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <jsontimeline/color.h>
#include <jsontimeline/model.h>

namespace jtl {

/* A picture in GStreamer's BGRA format: straight (not premultiplied) alpha, rows of
 * width * 4 bytes. */
struct Raster {
	int width = 0;
	int height = 0;
	std::vector<uint8_t> data;

	/* (b, g, r, a) at x, y; for tests */
	uint32_t bgra(int x, int y) const;
};

/* A shape filling a width x height box: rectangle (with corner radius), circle (an
 * ellipse touching the box), triangle (apex at the top centre), five-pointed star. */
Raster draw_shape(Shape shape, const Color &color, int width, int height, double radius);

/* The family used when a font family is not installed. */
extern const char *const kDefaultFontFamily;

/* Text laid out with Pango inside a width x height box (pixels of the output), font sizes
 * and spacing multiplied by scale: wrapped at the box width, aligned as the style says,
 * the block centred vertically; stroke drawn under the fill; the background box spans
 * the text block plus horizontal padding. *warning is set when the font family is
 * missing and kDefaultFontFamily stands in. */
Raster draw_text(const std::string &text, const TextStyle &style, int width, int height,
                 double scale, std::string *warning);

} /* namespace jtl */
