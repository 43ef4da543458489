// SPDX-License-Identifier: LGPL-2.1-or-later
// Drawing with Cairo and Pango: shapes and text boxes as BGRA rasters for the compositor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <cairo.h>

#include <jsontimeline/color.h>
#include <jsontimeline/model.h>
#include <jsontimeline/raster.h>

namespace jtl {

/* The picture turned by degrees clockwise around its centre, on a canvas just large
 * enough for it (the rest transparent). 0 returns it unchanged. */
Raster rotate(const Raster &in, double degrees);

/* A CSS linear-gradient(...) string drawn over a width x height canvas: direction as an
 * angle ("135deg", "0.25turn") or "to right", "to bottom left", ... (default "to
 * bottom"); colour stops with optional percentages (spread evenly when missing). Returns
 * false with *error set when the string cannot be read. */
bool draw_linear_gradient(const std::string &css, int width, int height, Raster *out,
                          std::string *error);

/* A shape filling a width x height box: rectangle (with corner radius), circle (an
 * ellipse touching the box), triangle (apex at the top centre), five-pointed star. */
Raster draw_shape(Shape shape, const Color &color, int width, int height, double radius);

/* A rectangle path with corners rounded by r (clamped to half the shorter side; 0: square
 * corners). */
void rounded_rect(cairo_t *cr, double x, double y, double w, double h, double r);

/* The family used when a font family is not installed. */
constexpr const char kDefaultFontFamily[] = "DejaVu Sans";

/* The warning for a font family that is not installed, for which kDefaultFontFamily
 * stands in ("font family "X" is not installed; using "DejaVu Sans""), or "" when it is
 * installed (or empty: the default). Every text drawn gives this one warning. */
std::string missing_font_warning(const std::string &family);

/* The longest side of a text's picture, its overflow included. */
constexpr int kMaxTextPictureSide = 16384;

/* Text that overflows its box is drawn, not cut (CSS overflow: visible): its picture grows
 * past the box by whole pixels on each side. Given to draw_text(): the most it may grow
 * on each side (0: cut at the box); returned: how far it grew (the box's top-left corner
 * is at (left, top) of the picture). */
struct TextOverflow {
	int left = 0, top = 0, right = 0, bottom = 0;
	/* returned: the lines (line boxes, lineHeight x the font size high) reach past the
	 * box: the text overflows its box, which deserves a warning (ink of a glyph past its
	 * line box, a descender or a stroke, does not count) */
	bool lines_overflow = false;
};

/* Text laid out with Pango inside a width x height box (pixels of the output, not rounded:
 * the picture's box is rounded to whole pixels, the layout is not), font sizes
 * and spacing multiplied by scale: wrapped at the box width, aligned as the style says,
 * the block centred vertically; each line box is lineHeight x the font size high, the
 * glyphs centred in it as CSS does (half the leading above, half below); stroke drawn
 * under the fill; the background box spans the text block plus horizontal padding. The
 * layout is made at one font size whatever the scale and drawn scaled, with hinting off,
 * so that a text wraps the same at every output scale. *warning is set when the font
 * family is missing and kDefaultFontFamily stands in (missing_font_warning()). The
 * picture is the box (cut at it) unless overflow is given (see TextOverflow). */
Raster draw_text(const std::string &text, const TextStyle &style, double width, double height,
                 double scale, std::string *warning, TextOverflow *overflow = nullptr);

/* How far draw_text()'s picture of a text reaches past its box on each side (unbounded
 * but for kMaxTextPictureSide) and whether its lines overflow the box. */
TextOverflow text_overflow(const std::string &text, const TextStyle &style, double width,
                           double height, double scale);

/* How one glyph (one cluster: a letter with its marks, an emoji sequence) of an animated
 * text looks in a frame. */
struct GlyphLook {
	Color color;           /* fill; the stroke keeps the style's colour */
	double alpha = 1.0;    /* multiplies fill, stroke and background under the glyph */
	double dx = 0, dy = 0; /* offset in pixels */
	double scale = 1.0;    /* around the glyph's centre */
	double rotation = 0.0; /* degrees clockwise around the glyph's centre */
};

/* Where a glyph is: its character index among count characters of the text, its byte
 * offset, the line it is on, and its logical box in pixels of the raster. */
struct GlyphPlace {
	int index = 0, count = 1;
	std::size_t byte = 0;
	int line = 0;
	double x = 0, y = 0, width = 0, height = 0;
	double box_width = 0; /* of the raster */
};

/* What changes a text's frame: a look per glyph (starting from the style's colour) and a
 * horizontal window [clip_left, clip_right) in fractions of the box width outside which
 * nothing is drawn (0 and 1: no cut on that side, so that overflowing glyphs show). */
struct TextFrame {
	std::function<void(const GlyphPlace &, GlyphLook *)> look;
	double clip_left = 0.0, clip_right = 1.0;
};

/* draw_text() with a look per glyph: each glyph is drawn on its own (stroke of all glyphs
 * first, then the fills), so text can be revealed, coloured and moved glyph by glyph.
 * Shaping (right-to-left, marks, ligatures, colour emoji) is Pango's, as in draw_text.
 * With overflow, the picture grows to hold the glyphs where their looks put them. */
Raster draw_text_frame(const std::string &text, const TextStyle &style, double width, double height,
                       double scale, const TextFrame &frame, std::string *warning,
                       TextOverflow *overflow = nullptr);

/* Blends src over a packed 4-byte frame (BGRA with straight alpha when dst_alpha, else
 * BGRx) with its top-left corner at (x, y), times opacity; parts outside are cut. */
void blend_over(const Raster &src, int x, int y, double opacity, uint8_t *dst, int width,
                int height, int stride, bool dst_alpha);

/* How many lines Pango wraps text into at the box width (as draw_text lays it out). */
int text_line_count(const std::string &text, const TextStyle &style, double width, double scale);

/* How many characters of text no installed font can draw (Pango's missing-glyph boxes). */
int text_unknown_glyphs(const std::string &text, const TextStyle &style, double width,
                        double scale);

} /* namespace jtl */

namespace jtl {

/* The most pixels an image file may have (8192 x 8192, 256 MiB decoded): its size is read
 * from its header, and a larger one is refused before anything is decoded. */
constexpr std::uint64_t kMaxImagePixels = std::uint64_t(8192) * 8192;

/* The size of an image file in pixels (SVG: its intrinsic size, else 0 x 0 with true).
 * Returns false with *error set when the file cannot be read. */
bool image_size(const std::string &path, double *width, double *height, std::string *error);

/* An image file decoded by gdk-pixbuf, at most max_width x max_height (scaled down while
 * it is decoded, keeping its aspect ratio: JPEG decodes at the smaller size, other formats
 * are scaled once decoded; 0: no bound). An image of more than kMaxImagePixels pixels is
 * refused from its header. Returns nullptr with *error set (a message naming no path)
 * when the file cannot be read, is too large or cannot be decoded. */
GdkPixbuf *decode_image(const std::string &path, int max_width, int max_height, std::string *error);

/* Whether an image file is opaque all over, from its header alone: a JPEG, or a PNG with
 * neither an alpha channel nor a tRNS chunk; false for any other file or one that cannot
 * be read. */
bool image_is_opaque(const std::string &path);

/* An image file (PNG, JPEG, WebP, GIF first frame via gdk-pixbuf; SVG via librsvg) drawn
 * into a width x height box: stretched, or fitted inside it keeping its aspect ratio
 * (centred, the rest transparent); crops are fractions cut from each side of the source
 * first; corners rounded by radius. The file is decoded at no more pixels than the box
 * shows (decode_image()). Returns false with *error set when the file cannot be read or
 * decoded. */
bool draw_image(const std::string &path, int width, int height, bool keep_aspect_ratio,
                double radius, double crop_left, double crop_top, double crop_right,
                double crop_bottom, Raster *out, std::string *error);

} /* namespace jtl */
