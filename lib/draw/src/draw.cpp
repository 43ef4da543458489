// SPDX-License-Identifier: LGPL-2.1-or-later
// Drawing with Cairo and Pango: shapes and text boxes as BGRA rasters for the compositor.
#include <jsontimeline/draw.h>

#include <jsontimeline/diagnostics.h>
#include <jsontimeline/fetch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <librsvg/rsvg.h>
#include <pango/pangocairo.h>

#include "cairo-raster.h"

namespace jtl {

namespace {

using cairo_raster::Context;
using cairo_raster::new_surface;
using cairo_raster::Surface;

void set_color(cairo_t *cr, const Color &c)
{
	cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

PangoWeight weight_of(const std::string &w)
{
	if (w == "bold")
		return PANGO_WEIGHT_BOLD;
	if (w == "normal" || w.empty())
		return PANGO_WEIGHT_NORMAL;
	int v = atoi(w.c_str());
	return v >= 100 && v <= 1000 ? PangoWeight(v) : PANGO_WEIGHT_NORMAL;
}

bool family_installed(PangoFontMap *map, const std::string &family)
{
	PangoFontFamily **families = nullptr;
	int n = 0;
	pango_font_map_list_families(map, &families, &n);
	bool found = false;
	for (int i = 0; i < n && !found; i++)
		found = g_ascii_strcasecmp(pango_font_family_get_name(families[i]),
		                           family.c_str()) == 0;
	g_free(families);
	return found;
}

} /* namespace */

void rounded_rect(cairo_t *cr, double x, double y, double w, double h, double r)
{
	r = std::clamp(r, 0.0, std::min(w, h) / 2.0);
	if (r <= 0.0) {
		cairo_rectangle(cr, x, y, w, h);
		return;
	}
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
	cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
}

Raster rotate(const Raster &in, double degrees)
{
	if (std::fmod(degrees, 360.0) == 0.0 || in.width == 0 || in.height == 0)
		return in;
	Surface src = raster_to_surface(in);
	double rad = degrees * M_PI / 180.0;
	double c = std::fabs(std::cos(rad)), s = std::fabs(std::sin(rad));
	int w = int(std::ceil(in.width * c + in.height * s - 1e-6));
	int h = int(std::ceil(in.width * s + in.height * c - 1e-6));
	Surface dst = new_surface(w, h);
	Context cr(cairo_create(dst.get()));
	cairo_translate(cr.get(), w / 2.0, h / 2.0);
	cairo_rotate(cr.get(), rad);
	cairo_set_source_surface(cr.get(), src.get(), -in.width / 2.0, -in.height / 2.0);
	cairo_pattern_set_filter(cairo_get_source(cr.get()), CAIRO_FILTER_GOOD);
	cairo_paint(cr.get());
	return surface_to_raster(dst.get());
}

namespace {

std::string trim(const std::string &s)
{
	std::size_t a = s.find_first_not_of(" \t\n"), b = s.find_last_not_of(" \t\n");
	return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

/* Splits at commas outside parentheses. */
std::vector<std::string> split_top_level(const std::string &s)
{
	std::vector<std::string> out;
	int depth = 0;
	std::string cur;
	for (char c : s) {
		if (c == '(')
			depth++;
		if (c == ')')
			depth--;
		if (c == ',' && depth == 0) {
			out.push_back(trim(cur));
			cur.clear();
		} else {
			cur += c;
		}
	}
	out.push_back(trim(cur));
	return out;
}

} /* namespace */

bool draw_linear_gradient(const std::string &css, int width, int height, Raster *out,
                          std::string *error)
{
	std::string s = trim(css);
	const std::string head = "linear-gradient(";
	if (s.compare(0, head.size(), head) != 0 || s.back() != ')') {
		*error = "expected linear-gradient(...)";
		return false;
	}
	std::vector<std::string> parts =
	        split_top_level(s.substr(head.size(), s.size() - head.size() - 1));
	double angle = 180.0; /* CSS default: to bottom */
	std::size_t first = 0;
	const std::string &p0 = parts.front();
	if (p0.compare(0, 3, "to ") == 0) {
		bool top = p0.find("top") != std::string::npos,
		     bottom = p0.find("bottom") != std::string::npos;
		bool left = p0.find("left") != std::string::npos,
		     right = p0.find("right") != std::string::npos;
		double dx = (right ? 1 : 0) - (left ? 1 : 0), dy = (bottom ? 1 : 0) - (top ? 1 : 0);
		if (dx == 0 && dy == 0) {
			*error = "unknown direction \"" + p0 + "\"";
			return false;
		}
		/* corners point along the box's diagonal */
		angle = std::atan2(dx * height, -dy * width) * 180.0 / M_PI;
		first = 1;
	} else {
		gchar *end = nullptr;
		double v = g_ascii_strtod(p0.c_str(), &end);
		if (end && end != p0.c_str() &&
		    (g_str_equal(end, "deg") || g_str_equal(end, "turn") ||
		     g_str_equal(end, "rad"))) {
			angle = g_str_equal(end, "deg")    ? v
			        : g_str_equal(end, "turn") ? v * 360.0
			                                   : v * 180.0 / M_PI;
			first = 1;
		}
	}
	struct Stop {
		Color color;
		double at;
		bool set;
	};
	std::vector<Stop> stops;
	for (std::size_t i = first; i < parts.size(); i++) {
		std::string part = parts[i];
		double at = 0;
		bool set = false;
		std::size_t space = part.rfind(' ');
		if (space != std::string::npos && part.back() == '%' &&
		    part.find(')', space) == std::string::npos) {
			at = g_ascii_strtod(part.substr(space + 1).c_str(), nullptr) / 100.0;
			set = true;
			part = trim(part.substr(0, space));
		}
		std::optional<Color> c = parse_color(part);
		if (!c) {
			*error = "cannot read the colour \"" + part + "\"";
			return false;
		}
		stops.push_back({*c, at, set});
	}
	if (stops.size() < 2) {
		*error = "a gradient needs at least two colours";
		return false;
	}
	for (std::size_t i = 0; i < stops.size(); i++) {
		if (!stops[i].set)
			stops[i].at = double(i) / double(stops.size() - 1);
	}
	/* the gradient line: through the centre at the angle (0deg points up), long enough
	 * that the corners get the end colours, as CSS defines it */
	double rad = angle * M_PI / 180.0;
	double dx = std::sin(rad), dy = -std::cos(rad);
	double half = (std::fabs(width * dx) + std::fabs(height * dy)) / 2.0;
	double cx = width / 2.0, cy = height / 2.0;
	Surface surface = new_surface(width, height);
	Context cr(cairo_create(surface.get()));
	cairo_pattern_t *pattern = cairo_pattern_create_linear(cx - dx * half, cy - dy * half,
	                                                       cx + dx * half, cy + dy * half);
	for (const Stop &st : stops)
		cairo_pattern_add_color_stop_rgba(pattern, std::clamp(st.at, 0.0, 1.0), st.color.r,
		                                  st.color.g, st.color.b, st.color.a);
	cairo_set_source(cr.get(), pattern);
	cairo_paint(cr.get());
	cairo_pattern_destroy(pattern);
	*out = surface_to_raster(surface.get());
	return true;
}

Raster draw_shape(Shape shape, const Color &color, int width, int height, double radius)
{
	Surface s = new_surface(width, height);
	Context cr(cairo_create(s.get()));
	set_color(cr.get(), color);
	double w = width, h = height;
	switch (shape) {
	case Shape::Rectangle:
		rounded_rect(cr.get(), 0, 0, w, h, radius);
		break;
	case Shape::Circle:
		cairo_save(cr.get());
		cairo_translate(cr.get(), w / 2, h / 2);
		cairo_scale(cr.get(), w / 2, h / 2);
		cairo_arc(cr.get(), 0, 0, 1, 0, 2 * M_PI);
		cairo_restore(cr.get());
		break;
	case Shape::Triangle:
		cairo_move_to(cr.get(), w / 2, 0);
		cairo_line_to(cr.get(), w, h);
		cairo_line_to(cr.get(), 0, h);
		cairo_close_path(cr.get());
		break;
	case Shape::Star:
		for (int i = 0; i < 10; i++) {
			double angle = -M_PI / 2 + i * M_PI / 5;
			double k = i % 2 ? 0.382 : 1.0; /* inner radius of a regular star */
			double x = w / 2 + std::cos(angle) * k * w / 2;
			double y = h / 2 + std::sin(angle) * k * h / 2;
			if (i == 0)
				cairo_move_to(cr.get(), x, y);
			else
				cairo_line_to(cr.get(), x, y);
		}
		cairo_close_path(cr.get());
		break;
	}
	cairo_fill(cr.get());
	return surface_to_raster(s.get());
}

namespace {

/* Text is laid out at this font size (layout units) whatever size it is drawn at, with
 * hinting and metric rounding off: a layout depends only on the text, its family and its
 * sizes relative to the font size, so that a text wraps the same at every output scale
 * (a reduced preview wraps as the final output does). It is drawn scaled to pixels. */
constexpr double kLayoutFontSize = 100.0;

/* The widest wrap width laid out, in layout units (Pango's units are 32-bit). */
constexpr double kMaxLayoutWidth = 1e6;

struct LayoutDeleter {
	void operator()(PangoLayout *l) const { g_object_unref(l); }
};

/* A rectangle in pixels. */
struct Rect {
	double x0, y0, x1, y1;
	void add(const Rect &o)
	{
		x0 = std::min(x0, o.x0);
		y0 = std::min(y0, o.y0);
		x1 = std::max(x1, o.x1);
		y1 = std::max(y1, o.y1);
	}
};

/* A text laid out for its box: the layout (layout units) and where it lands in the box
 * (pixels: x = ox + k * layout x, y = oy + k * layout y). */
struct TextLayout {
	std::unique_ptr<PangoLayout, LayoutDeleter> layout;
	double k = 1.0;        /* pixels per layout unit */
	double ox = 0, oy = 0; /* the layout's origin in the box; the block centred vertically */
	double scale = 1.0;    /* of the style's sizes (padding, radius, stroke) */
	Rect ink{}, logical{}; /* of the whole text, pixels in the box */

	Rect to_px(const PangoRectangle &r) const
	{
		return {ox + k * r.x / PANGO_SCALE, oy + k * r.y / PANGO_SCALE,
		        ox + k * (r.x + r.width) / PANGO_SCALE,
		        oy + k * (r.y + r.height) / PANGO_SCALE};
	}
};

PangoContext *new_text_context()
{
	PangoContext *pctx = pango_font_map_create_context(pango_cairo_font_map_get_default());
	cairo_font_options_t *options = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(pctx, options);
	cairo_font_options_destroy(options);
	pango_context_set_round_glyph_positions(pctx, FALSE);
	return pctx;
}

/* The text laid out in a box of width x height pixels, styled as draw_text says (sizes
 * at scale); the family that is not installed replaced, with *warning set. */
TextLayout lay_out(const std::string &text, const TextStyle &style, double width, double height,
                   double scale, std::string *warning)
{
	TextLayout t;
	PangoContext *pctx = new_text_context();
	pango_context_set_base_dir(pctx, style.direction == TextDirection::Rtl
	                                         ? PANGO_DIRECTION_RTL
	                                         : PANGO_DIRECTION_LTR);
	t.layout.reset(pango_layout_new(pctx));
	PangoLayout *layout = t.layout.get();
	std::string family = style.font_family.empty() ? kDefaultFontFamily : style.font_family;
	std::string missing = missing_font_warning(family);
	if (!missing.empty()) {
		if (warning)
			*warning = missing;
		family = kDefaultFontFamily;
	}
	g_object_unref(pctx);
	double px = style.font_size * scale; /* the font size in pixels */
	t.k = std::isfinite(px) && px > 1e-3 ? px / kLayoutFontSize : 1e-3 / kLayoutFontSize;
	t.scale = scale;
	PangoFontDescription *desc = pango_font_description_new();
	pango_font_description_set_family(desc, family.c_str());
	pango_font_description_set_weight(desc, weight_of(style.font_style.weight));
	pango_font_description_set_style(desc, style.font_style.variant == "italic"
	                                               ? PANGO_STYLE_ITALIC
	                                               : PANGO_STYLE_NORMAL);
	pango_font_description_set_absolute_size(desc, kLayoutFontSize * PANGO_SCALE);
	pango_layout_set_font_description(layout, desc);
	pango_font_description_free(desc);
	double wrap = std::clamp(width / t.k, 1.0, kMaxLayoutWidth);
	pango_layout_set_width(layout, int(wrap * PANGO_SCALE));
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(layout, style.align == TextAlign::Center  ? PANGO_ALIGN_CENTER
	                                   : style.align == TextAlign::Right ? PANGO_ALIGN_RIGHT
	                                                                     : PANGO_ALIGN_LEFT);
	pango_layout_set_auto_dir(layout, FALSE);
	PangoAttrList *attrs = pango_attr_list_new();
	/* CSS line-height: each line box is lineHeight x the font size high, the glyphs'
	 * content area centred in it (half the leading above, half below) */
	if (style.line_height > 0 && std::isfinite(style.line_height))
		pango_attr_list_insert(attrs, pango_attr_line_height_new_absolute(int(std::lround(
		                                      std::min(style.line_height, 100.0) *
		                                      kLayoutFontSize * PANGO_SCALE))));
	if (style.letter_spacing != 0 && style.font_size > 0)
		pango_attr_list_insert(attrs, pango_attr_letter_spacing_new(int(std::clamp(
		                                      style.letter_spacing / style.font_size *
		                                              kLayoutFontSize * PANGO_SCALE,
		                                      -1e8, 1e8))));
	pango_layout_set_attributes(layout, attrs);
	pango_attr_list_unref(attrs);
	pango_layout_set_text(layout, text.c_str(), -1);
	PangoRectangle ink, logical;
	pango_layout_get_extents(layout, &ink, &logical);
	t.ox = 0;
	t.oy = (height - t.k * logical.height / PANGO_SCALE) / 2.0 - t.k * logical.y / PANGO_SCALE;
	t.ink = t.to_px(ink);
	t.logical = t.to_px(logical);
	return t;
}

/* The text block's background box (the logical extents plus horizontal padding), pixels
 * in the box; false when there is none. */
bool background_rect(const TextLayout &t, const TextStyle &style, Rect *r)
{
	if (!style.background || !parse_color(style.background->color))
		return false;
	double pad = style.background->horizontal_padding * t.scale;
	*r = {t.logical.x0 - pad, t.logical.y0, t.logical.x1 + pad, t.logical.y1};
	return true;
}

void draw_text_background(cairo_t *cr, const TextLayout &t, const TextStyle &style)
{
	Rect r;
	if (!background_rect(t, style, &r))
		return;
	set_color(cr, *parse_color(style.background->color));
	rounded_rect(cr, r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0,
	             style.background->border_radius * t.scale);
	cairo_fill(cr);
}

/* Whether the line boxes of a laid-out text reach past its box by a pixel of the
 * composition or more: the text overflows its box (CSS scrollable overflow). */
bool lines_overflow(const TextLayout &t, double width, double height)
{
	double tol = std::max(0.5, t.scale);
	return t.logical.y0 < -tol || t.logical.y1 > height + tol || t.logical.x0 < -tol ||
	       t.logical.x1 > width + tol;
}

/* What draw_text's picture covers (ink, stroke, background), pixels in the box. */
Rect text_reach(const TextLayout &t, const TextStyle &style)
{
	Rect r = t.ink;
	double stroke = style.stroke_width > 0 ? style.stroke_width * t.scale : 0.0;
	r = {r.x0 - stroke, r.y0 - stroke, r.x1 + stroke, r.y1 + stroke};
	Rect bg;
	if (background_rect(t, style, &bg))
		r.add(bg);
	return r;
}

/* How far a reach goes past a box of width x height: whole pixels on each side, at most
 * what room allows (null: no room: the box alone), the picture within
 * kMaxTextPictureSide a side. */
TextOverflow grown_by(const Rect &reach, int width, int height, const TextOverflow *room)
{
	TextOverflow g;
	if (!room)
		return g;
	auto past = [](double v, int most) {
		if (!(v > 0))
			return 0;
		return int(std::min(double(std::max(0, most)), std::ceil(v - 1e-6)));
	};
	g.left = past(-reach.x0, room->left);
	g.top = past(-reach.y0, room->top);
	g.right = past(reach.x1 - width, room->right);
	g.bottom = past(reach.y1 - height, room->bottom);
	/* the picture stays within Cairo's limits */
	auto bound = [](int *a, int *b, int side) {
		while (side + *a + *b > kMaxTextPictureSide && (*a > 0 || *b > 0)) {
			int over = side + *a + *b - kMaxTextPictureSide;
			int &big = *a >= *b ? *a : *b;
			big -= std::min(big, over);
		}
	};
	bound(&g.left, &g.right, width);
	bound(&g.top, &g.bottom, height);
	return g;
}

/* Draws the text's background, stroke and fill with the box's top-left corner at (x, y). */
void show_text(cairo_t *cr, const TextLayout &t, const TextStyle &style, double x, double y)
{
	cairo_save(cr);
	cairo_translate(cr, x, y);
	draw_text_background(cr, t, style);
	cairo_translate(cr, t.ox, t.oy);
	cairo_scale(cr, t.k, t.k);
	cairo_move_to(cr, 0, 0);
	if (style.stroke_width > 0) {
		if (std::optional<Color> stroke = parse_color(style.stroke_color)) {
			pango_cairo_layout_path(cr, t.layout.get());
			set_color(cr, *stroke);
			cairo_set_line_width(cr, style.stroke_width * t.scale * 2 / t.k);
			cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
			cairo_stroke(cr);
			cairo_move_to(cr, 0, 0);
		}
	}
	set_color(cr, parse_color(style.color).value_or(Color{1, 1, 1, 1}));
	pango_cairo_show_layout(cr, t.layout.get());
	cairo_restore(cr);
}

/* A box's size in whole pixels, for its picture. */
int whole(double v)
{
	return int(std::clamp(std::lround(v), 1L, long(kMaxTextPictureSide)));
}

} /* namespace */

std::string missing_font_warning(const std::string &family)
{
	if (family.empty() || family_installed(pango_cairo_font_map_get_default(), family))
		return "";
	return "font family " + quote_user_text(family) + " is not installed; using \"" +
	       kDefaultFontFamily + "\"";
}

TextOverflow text_overflow(const std::string &text, const TextStyle &style, double width,
                           double height, double scale)
{
	TextLayout t = lay_out(text, style, width, height, scale, nullptr);
	TextOverflow room{kMaxTextPictureSide, kMaxTextPictureSide, kMaxTextPictureSide,
	                  kMaxTextPictureSide};
	TextOverflow g = grown_by(text_reach(t, style), whole(width), whole(height), &room);
	g.lines_overflow = lines_overflow(t, width, height);
	return g;
}

Raster draw_text(const std::string &text, const TextStyle &style, double width, double height,
                 double scale, std::string *warning, TextOverflow *overflow)
{
	TextLayout t = lay_out(text, style, width, height, scale, warning);
	int w = whole(width), h = whole(height);
	TextOverflow g = grown_by(text_reach(t, style), w, h, overflow);
	g.lines_overflow = lines_overflow(t, width, height);
	Surface s = new_surface(w + g.left + g.right, h + g.top + g.bottom);
	Context cr(cairo_create(s.get()));
	show_text(cr.get(), t, style, g.left, g.top);
	if (overflow)
		*overflow = g;
	return surface_to_raster(s.get());
}

void blend_over(const Raster &src, int x, int y, double opacity, uint8_t *dst, int width,
                int height, int stride, bool dst_alpha)
{
	uint32_t op = uint32_t(std::lround(std::clamp(opacity, 0.0, 1.0) * 255));
	if (op == 0)
		return;
	int x0 = std::max(0, x), y0 = std::max(0, y);
	int x1 = std::min(width, x + src.width), y1 = std::min(height, y + src.height);
	for (int row = y0; row < y1; row++) {
		const uint8_t *s =
		        src.data.data() +
		        (std::size_t(row - y) * std::size_t(src.width) + std::size_t(x0 - x)) * 4;
		uint8_t *d = dst + std::size_t(row) * std::size_t(stride) + std::size_t(x0) * 4;
		for (int col = x0; col < x1; col++, s += 4, d += 4) {
			uint32_t sa = (s[3] * op + 127) / 255;
			if (sa == 0)
				continue;
			if (!dst_alpha || d[3] == 255) {
				for (int c = 0; c < 3; c++)
					d[c] = uint8_t((s[c] * sa + d[c] * (255 - sa) + 127) / 255);
				continue;
			}
			/* straight alpha over straight alpha */
			uint32_t da = d[3];
			uint32_t oa = sa * 255 + da * (255 - sa); /* x 255 */
			for (int c = 0; c < 3; c++)
				d[c] = uint8_t((s[c] * sa * 255 + d[c] * da * (255 - sa) + oa / 2) /
				               oa);
			d[3] = uint8_t((oa + 127) / 255);
		}
	}
}

int text_line_count(const std::string &text, const TextStyle &style, double width, double scale)
{
	TextLayout t = lay_out(text, style, width, 0, scale, nullptr);
	return pango_layout_get_line_count(t.layout.get());
}

int text_unknown_glyphs(const std::string &text, const TextStyle &style, double width, double scale)
{
	TextLayout t = lay_out(text, style, width, 0, scale, nullptr);
	return pango_layout_get_unknown_glyphs_count(t.layout.get());
}

namespace {

/* One glyph of a laid-out text: the font and glyph to draw, where its origin is (on the
 * baseline, pixels in the box) and its place for the look. */
struct PlacedGlyph {
	PangoFont *font;
	PangoGlyphInfo info;
	double ox, oy; /* origin, px */
	GlyphPlace place;
	GlyphLook look;
};

std::vector<PlacedGlyph> place_glyphs(const TextLayout &t, const std::string &text,
                                      double box_width)
{
	std::vector<PlacedGlyph> out;
	const char *str = text.c_str();
	int count = int(g_utf8_strlen(str, -1));
	PangoLayoutIter *it = pango_layout_get_iter(t.layout.get());
	int line = 0;
	PangoLayoutLine *current = pango_layout_iter_get_line_readonly(it);
	do {
		PangoLayoutLine *l = pango_layout_iter_get_line_readonly(it);
		if (l != current) {
			current = l;
			line++;
		}
		PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
		if (!run)
			continue;
		PangoRectangle logical;
		pango_layout_iter_get_run_extents(it, nullptr, &logical);
		double baseline = t.oy + t.k * pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		double x = t.ox + t.k * logical.x / PANGO_SCALE;
		PangoGlyphString *gs = run->glyphs;
		for (int g = 0; g < gs->num_glyphs; g++) {
			const PangoGlyphInfo &gi = gs->glyphs[g];
			double w = t.k * gi.geometry.width / PANGO_SCALE;
			PlacedGlyph p;
			p.font = run->item->analysis.font;
			p.info = gi;
			p.ox = x;
			p.oy = baseline;
			p.place.count = std::max(1, count);
			p.place.byte = std::size_t(run->item->offset + gs->log_clusters[g]);
			p.place.index = int(g_utf8_pointer_to_offset(str, str + p.place.byte));
			p.place.line = line;
			p.place.box_width = box_width;
			p.place.x = x;
			p.place.y = t.oy + t.k * logical.y / PANGO_SCALE;
			p.place.width = w;
			p.place.height = t.k * logical.height / PANGO_SCALE;
			x += w;
			if (gi.glyph == PANGO_GLYPH_EMPTY)
				continue;
			out.push_back(p);
		}
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
	return out;
}

/* The look's transform of a glyph, pixels in the box. */
cairo_matrix_t glyph_matrix(const PlacedGlyph &g)
{
	const GlyphLook &look = g.look;
	double cx = g.place.x + g.place.width / 2.0, cy = g.place.y + g.place.height / 2.0;
	cairo_matrix_t m;
	cairo_matrix_init_translate(&m, cx + look.dx, cy + look.dy);
	if (look.rotation != 0.0)
		cairo_matrix_rotate(&m, look.rotation * M_PI / 180.0);
	cairo_matrix_scale(&m, look.scale, look.scale);
	cairo_matrix_translate(&m, -cx, -cy);
	return m;
}

/* The pixels a glyph covers with its look (its ink box turned and moved as drawn, grown
 * by the stroke), in the box; false when it is not drawn. */
bool glyph_reach(const PlacedGlyph &g, double k, double stroke, Rect *r)
{
	if (g.look.alpha <= 0.0 || g.look.scale <= 0.0)
		return false;
	PangoRectangle ink;
	pango_font_get_glyph_extents(g.font, g.info.glyph, &ink, nullptr);
	cairo_matrix_t m = glyph_matrix(g);
	double x = g.ox + k * (g.info.geometry.x_offset + ink.x) / PANGO_SCALE;
	double y = g.oy + k * (g.info.geometry.y_offset + ink.y) / PANGO_SCALE;
	double xs[2] = {x - stroke, x + k * ink.width / PANGO_SCALE + stroke};
	double ys[2] = {y - stroke, y + k * ink.height / PANGO_SCALE + stroke};
	for (int i = 0; i < 4; i++) {
		double px = xs[i % 2], py = ys[i / 2];
		cairo_matrix_transform_point(&m, &px, &py);
		Rect p{px, py, px, py};
		if (i == 0)
			*r = p;
		else
			r->add(p);
	}
	return true;
}

/* Draws one glyph (path for the stroke when stroke is set, else filled) with its look. */
void draw_glyph(cairo_t *cr, const PlacedGlyph &g, double k, const Color *stroke,
                double stroke_width)
{
	const GlyphLook &look = g.look;
	if (look.alpha <= 0.0 || look.scale <= 0.0)
		return;
	PangoGlyphString *one = pango_glyph_string_new();
	pango_glyph_string_set_size(one, 1);
	one->glyphs[0] = g.info;
	one->glyphs[0].geometry.x_offset = 0;
	one->glyphs[0].geometry.y_offset = 0;
	one->log_clusters[0] = 0;
	cairo_save(cr);
	cairo_matrix_t m = glyph_matrix(g);
	cairo_transform(cr, &m);
	bool group = look.alpha < 1.0;
	if (group)
		cairo_push_group(cr);
	cairo_translate(cr, g.ox + k * g.info.geometry.x_offset / PANGO_SCALE,
	                g.oy + k * g.info.geometry.y_offset / PANGO_SCALE);
	cairo_scale(cr, k, k);
	cairo_move_to(cr, 0, 0);
	if (stroke) {
		pango_cairo_glyph_string_path(cr, g.font, one);
		set_color(cr, *stroke);
		cairo_set_line_width(cr, stroke_width / k);
		cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
		cairo_stroke(cr);
	} else {
		set_color(cr, look.color);
		pango_cairo_show_glyph_string(cr, g.font, one);
	}
	if (group) {
		cairo_pop_group_to_source(cr);
		cairo_paint_with_alpha(cr, look.alpha);
	}
	cairo_restore(cr);
	pango_glyph_string_free(one);
}

} /* namespace */

Raster draw_text_frame(const std::string &text, const TextStyle &style, double width, double height,
                       double scale, const TextFrame &frame, std::string *warning,
                       TextOverflow *overflow)
{
	TextLayout t = lay_out(text, style, width, height, scale, warning);
	std::vector<PlacedGlyph> glyphs = place_glyphs(t, text, width);
	int w = whole(width), h = whole(height);
	Color fill = parse_color(style.color).value_or(Color{1, 1, 1, 1});
	for (PlacedGlyph &g : glyphs) {
		g.look.color = fill;
		if (frame.look)
			frame.look(g.place, &g.look);
	}
	/* the window: cut only where it is narrower than the box */
	double left = frame.clip_left > 0.0 ? std::min(frame.clip_left, 1.0) * width : -1e9;
	double right = frame.clip_right < 1.0 ? std::max(frame.clip_right, 0.0) * width : 1e9;
	double stroke = style.stroke_width > 0 ? style.stroke_width * scale : 0.0;
	Rect reach{0, 0, double(w), double(h)};
	Rect bg;
	if (background_rect(t, style, &bg))
		reach.add(bg);
	for (const PlacedGlyph &g : glyphs) {
		Rect r;
		if (glyph_reach(g, t.k, stroke, &r))
			reach.add(r);
	}
	reach.x0 = std::max(reach.x0, left);
	reach.x1 = std::min(reach.x1, right);
	TextOverflow g = grown_by(reach, w, h, overflow);
	g.lines_overflow = lines_overflow(t, width, height);
	if (overflow)
		*overflow = g;
	Surface s = new_surface(w + g.left + g.right, h + g.top + g.bottom);
	Context cr(cairo_create(s.get()));
	if (right <= left)
		return surface_to_raster(s.get());
	cairo_translate(cr.get(), g.left, g.top);
	cairo_rectangle(cr.get(), std::max(left, -1e6), -1e6,
	                std::min(right, 1e6) - std::max(left, -1e6), 2e6);
	cairo_clip(cr.get());
	draw_text_background(cr.get(), t, style);
	if (stroke > 0) {
		if (std::optional<Color> sc = parse_color(style.stroke_color))
			for (const PlacedGlyph &pg : glyphs)
				draw_glyph(cr.get(), pg, t.k, &*sc, stroke * 2);
	}
	for (const PlacedGlyph &pg : glyphs)
		draw_glyph(cr.get(), pg, t.k, nullptr, 0);
	return surface_to_raster(s.get());
}

namespace {

/* The longest side drawn from a decoded image (Cairo's own limit is 32767). */
constexpr int kMaxDecodedSide = 16384;

/* What the size-prepared handler of decode_image() decides. */
struct DecodeBounds {
	int max_width, max_height;
	int width = 0, height = 0; /* the header's */
	bool too_large = false;
};

void on_size_prepared(GdkPixbufLoader *loader, int width, int height, gpointer data)
{
	DecodeBounds *b = static_cast<DecodeBounds *>(data);
	b->width = width;
	b->height = height;
	if (width <= 0 || height <= 0 ||
	    std::uint64_t(width) * std::uint64_t(height) > kMaxImagePixels) {
		b->too_large = width > 0 && height > 0;
		/* a size of 0 stops the loader before it allocates the picture */
		gdk_pixbuf_loader_set_size(loader, 0, 0);
		return;
	}
	double k = 1.0;
	if (b->max_width > 0 && width > b->max_width)
		k = std::min(k, double(b->max_width) / width);
	if (b->max_height > 0 && height > b->max_height)
		k = std::min(k, double(b->max_height) / height);
	if (k < 1.0)
		gdk_pixbuf_loader_set_size(loader, std::max(1, int(std::lround(width * k))),
		                           std::max(1, int(std::lround(height * k))));
}

} /* namespace */

GdkPixbuf *decode_image(const std::string &path, int max_width, int max_height, std::string *error)
{
	g_autoptr(GFile) file = g_file_new_for_path(path.c_str());
	g_autoptr(GFileInputStream) in = g_file_read(file, nullptr, nullptr);
	if (!in) {
		*error = "cannot read the image";
		return nullptr;
	}
	g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new();
	DecodeBounds bounds{max_width, max_height};
	g_signal_connect(loader, "size-prepared", G_CALLBACK(on_size_prepared), &bounds);
	g_autoptr(GError) e = nullptr;
	std::vector<guint8> chunk(64 * 1024);
	bool ok = true;
	for (;;) {
		gssize n = g_input_stream_read(G_INPUT_STREAM(in), chunk.data(), chunk.size(),
		                               nullptr, &e);
		if (n < 0)
			ok = false;
		if (n <= 0 || bounds.too_large)
			break;
		if (!gdk_pixbuf_loader_write(loader, chunk.data(), gsize(n), &e)) {
			ok = false;
			break;
		}
	}
	g_autoptr(GError) close_error = nullptr;
	bool closed = gdk_pixbuf_loader_close(loader, &close_error);
	if (bounds.too_large) {
		*error = "the image is " + std::to_string(bounds.width) + " x " +
		         std::to_string(bounds.height) + " pixels, more than the " +
		         std::to_string(kMaxImagePixels) + " (8192 x 8192) an image may have";
		return nullptr;
	}
	GdkPixbuf *pb = gdk_pixbuf_loader_get_pixbuf(loader);
	if (!ok || !closed || !pb) {
		GError *why = e ? e : close_error;
		*error = std::string("cannot decode the image") + (why ? ": " : "") +
		         (why ? why->message : "");
		return nullptr;
	}
	return GDK_PIXBUF(g_object_ref(pb));
}

bool image_size(const std::string &path, double *width, double *height, std::string *error)
{
	g_autoptr(GError) e = nullptr;
	*width = *height = 0;
	if (g_str_has_suffix(path.c_str(), ".svg") || g_str_has_suffix(path.c_str(), ".SVG")) {
		RsvgHandle *handle = rsvg_handle_new_from_file(path.c_str(), &e);
		if (!handle) {
			*error = e ? e->message : "cannot read the SVG file";
			return false;
		}
		if (!rsvg_handle_get_intrinsic_size_in_pixels(handle, width, height))
			*width = *height = 0;
		g_object_unref(handle);
		return true;
	}
	int w = 0, h = 0;
	if (!gdk_pixbuf_get_file_info(path.c_str(), &w, &h)) {
		*error = "cannot read the image";
		return false;
	}
	*width = w;
	*height = h;
	return true;
}

bool image_is_opaque(const std::string &path)
{
	std::unique_ptr<FILE, int (*)(FILE *)> f(fopen(path.c_str(), "rb"), fclose);
	unsigned char head[8];
	if (!f || fread(head, 1, 8, f.get()) != 8)
		return false;
	if (head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
		return true; /* JPEG */
	if (memcmp(head, "\x89PNG\r\n\x1a\n", 8) != 0)
		return false;
	/* chunks: length (4, big-endian), type (4), data, CRC (4); IHDR first, a tRNS before
	 * the first IDAT */
	for (bool first = true;; first = false) {
		unsigned char chunk[8];
		if (fread(chunk, 1, 8, f.get()) != 8)
			return false;
		uint32_t length = uint32_t(chunk[0]) << 24 | uint32_t(chunk[1]) << 16 |
		                  uint32_t(chunk[2]) << 8 | chunk[3];
		const char *type = reinterpret_cast<const char *>(chunk + 4);
		if (first) {
			unsigned char ihdr[13];
			if (memcmp(type, "IHDR", 4) != 0 || length != 13 ||
			    fread(ihdr, 1, 13, f.get()) != 13)
				return false;
			if (ihdr[9] == 4 || ihdr[9] == 6) /* grey or colour with alpha */
				return false;
			length = 0;
		} else if (memcmp(type, "tRNS", 4) == 0) {
			return false;
		} else if (memcmp(type, "IDAT", 4) == 0) {
			return true;
		}
		if (fseek(f.get(), long(length) + 4, SEEK_CUR) != 0)
			return false;
	}
}

bool draw_image(const std::string &path, int width, int height, bool keep_aspect_ratio,
                double radius, double crop_left, double crop_top, double crop_right,
                double crop_bottom, Raster *out, std::string *error)
{
	Surface src;
	double sw = 0, sh = 0;
	g_autoptr(GError) e = nullptr;
	if (g_str_has_suffix(path.c_str(), ".svg") || g_str_has_suffix(path.c_str(), ".SVG")) {
		RsvgHandle *handle = rsvg_handle_new_from_file(path.c_str(), &e);
		if (!handle) {
			*error = e ? e->message : "cannot read the SVG file";
			return false;
		}
		gdouble iw = 0, ih = 0;
		if (!rsvg_handle_get_intrinsic_size_in_pixels(handle, &iw, &ih) || iw <= 0 ||
		    ih <= 0) {
			iw = width;
			ih = height;
		}
		/* render the SVG at the output size: vector art stays crisp; within the
		 * pixel budget whatever its intrinsic shape */
		double k = std::max(width / iw, height / ih);
		sw = std::clamp(std::ceil(iw * k), 1.0, double(kMaxDecodedSide));
		sh = std::clamp(std::ceil(ih * k), 1.0, double(kMaxDecodedSide));
		if (sw * sh > double(kMaxImagePixels)) {
			double f = std::sqrt(double(kMaxImagePixels) / (sw * sh));
			sw = std::max(1.0, std::floor(sw * f));
			sh = std::max(1.0, std::floor(sh * f));
		}
		src = new_surface(int(sw), int(sh));
		Context cr(cairo_create(src.get()));
		RsvgRectangle viewport = {0, 0, sw, sh};
		bool ok = rsvg_handle_render_document(handle, cr.get(), &viewport, &e);
		g_object_unref(handle);
		if (!ok) {
			*error = e ? e->message : "cannot draw the SVG file";
			return false;
		}
	} else {
		/* no more pixels than the box shows of the kept part: the source of a box
		 * side after crops, whichever way the image is turned */
		double keep = std::min(1.0 - std::clamp(crop_left + crop_right, 0.0, 1.0),
		                       1.0 - std::clamp(crop_top + crop_bottom, 0.0, 1.0));
		int side = int(std::min(double(kMaxDecodedSide),
		                        std::ceil(std::max(width, height) / std::max(keep, 1e-3))));
		GdkPixbuf *pb = decode_image(path, side, side, error);
		if (!pb)
			return false;
		GdkPixbuf *oriented = gdk_pixbuf_apply_embedded_orientation(pb);
		g_object_unref(pb);
		src = pixbuf_to_surface(oriented);
		sw = gdk_pixbuf_get_width(oriented);
		sh = gdk_pixbuf_get_height(oriented);
		g_object_unref(oriented);
	}
	/* the source rectangle after crops */
	double cx = sw * std::clamp(crop_left, 0.0, 1.0), cy = sh * std::clamp(crop_top, 0.0, 1.0);
	double cw = std::max(1.0, sw * (1.0 - std::clamp(crop_left + crop_right, 0.0, 1.0)));
	double ch = std::max(1.0, sh * (1.0 - std::clamp(crop_top + crop_bottom, 0.0, 1.0)));
	double dx = 0, dy = 0, dw = width, dh = height;
	if (keep_aspect_ratio) {
		double k = std::min(width / cw, height / ch);
		dw = cw * k;
		dh = ch * k;
		dx = (width - dw) / 2;
		dy = (height - dh) / 2;
	}
	Surface dst = new_surface(width, height);
	Context cr(cairo_create(dst.get()));
	rounded_rect(cr.get(), dx, dy, dw, dh, radius);
	cairo_clip(cr.get());
	cairo_translate(cr.get(), dx, dy);
	cairo_scale(cr.get(), dw / cw, dh / ch);
	cairo_set_source_surface(cr.get(), src.get(), -cx, -cy);
	cairo_pattern_set_filter(cairo_get_source(cr.get()), CAIRO_FILTER_GOOD);
	cairo_paint(cr.get());
	*out = surface_to_raster(dst.get());
	return true;
}

} /* namespace jtl */
