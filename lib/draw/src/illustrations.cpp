// SPDX-License-Identifier: LGPL-2.1-or-later
// The built-in illustrations: single-colour SVG drawings found by name and recoloured.
#include <jsontimeline/illustrations.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include <json-glib/json-glib.h>
#include <librsvg/rsvg.h>

#include <jsontimeline/color.h>
#include <jsontimeline/draw.h>

#include "cairo-raster.h"

#ifndef JTL_ILLUSTRATIONS_SOURCE_DIR
#define JTL_ILLUSTRATIONS_SOURCE_DIR ""
#endif
#ifndef JTL_ILLUSTRATIONS_INSTALL_DIR
#define JTL_ILLUSTRATIONS_INSTALL_DIR ""
#endif

namespace jtl {

using cairo_raster::Context;
using cairo_raster::Surface;

namespace {

/* lower case, letters and digits only: "Arrow-Right" -> "arrowright" */
std::string folded(const std::string &s)
{
	std::string out;
	for (char c : s)
		if (std::isalnum(static_cast<unsigned char>(c)))
			out += char(std::tolower(static_cast<unsigned char>(c)));
	return out;
}

bool plain_name(const std::string &name)
{
	return !name.empty() && name[0] != '.' && name.find('/') == std::string::npos &&
	       name.find('\\') == std::string::npos && name.find("..") == std::string::npos;
}

} /* namespace */

std::string illustrations_dir()
{
	const char *env = g_getenv("JTL_ILLUSTRATIONS_DIR");
	if (env && *env)
		return env;
	for (const char *dir : {JTL_ILLUSTRATIONS_SOURCE_DIR, JTL_ILLUSTRATIONS_INSTALL_DIR})
		if (*dir && g_file_test(dir, G_FILE_TEST_IS_DIR))
			return dir;
	return JTL_ILLUSTRATIONS_INSTALL_DIR;
}

std::vector<std::string> illustration_names()
{
	std::vector<std::string> names;
	g_autoptr(GDir) dir = g_dir_open(illustrations_dir().c_str(), 0, nullptr);
	if (!dir)
		return names;
	while (const char *entry = g_dir_read_name(dir)) {
		std::string file = entry;
		const std::string ext = ".svg";
		if (file.size() > ext.size() &&
		    file.compare(file.size() - ext.size(), ext.size(), ext) == 0) {
			std::string name = file.substr(0, file.size() - ext.size());
			if (plain_name(name))
				names.push_back(name);
		}
	}
	std::sort(names.begin(), names.end());
	return names;
}

std::string illustration_path(const std::string &name)
{
	if (!plain_name(name))
		return {};
	g_autofree gchar *path =
	        g_build_filename(illustrations_dir().c_str(), (name + ".svg").c_str(), nullptr);
	return g_file_test(path, G_FILE_TEST_IS_REGULAR) ? path : "";
}

std::vector<std::string> search_illustrations(const std::string &query)
{
	std::vector<std::string> words;
	gchar **split = g_strsplit_set(query.c_str(), " \t", -1);
	for (gchar **w = split; *w; w++)
		if (!folded(*w).empty())
			words.push_back(folded(*w));
	g_strfreev(split);
	std::vector<std::string> first, rest;
	std::string whole = folded(query);
	for (const std::string &name : illustration_names()) {
		std::string f = folded(name);
		bool all = std::all_of(words.begin(), words.end(), [&f](const std::string &w) {
			return f.find(w) != std::string::npos;
		});
		if (all)
			(f.compare(0, whole.size(), whole) == 0 ? first : rest).push_back(name);
	}
	first.insert(first.end(), rest.begin(), rest.end());
	return first;
}

std::string illustrations_json(const std::string &query, bool pretty)
{
	std::vector<std::string> names = search_illustrations(query);
	g_autoptr(JsonBuilder) b = json_builder_new();
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "data");
	json_builder_begin_array(b);
	for (const std::string &n : names)
		json_builder_add_string_value(b, n.c_str());
	json_builder_end_array(b);
	json_builder_set_member_name(b, "meta");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "count");
	json_builder_add_int_value(b, gint64(names.size()));
	if (!query.empty()) {
		json_builder_set_member_name(b, "q");
		json_builder_add_string_value(b, query.c_str());
	}
	json_builder_end_object(b);
	json_builder_end_object(b);
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, pretty);
	g_autofree gchar *text = json_generator_to_data(gen, nullptr);
	return text;
}

bool draw_illustration(const std::string &name, const std::string &color, int w, int h,
                       bool keep_aspect_ratio, Raster *out, std::string *error)
{
	std::string path = illustration_path(name);
	if (path.empty()) {
		std::vector<std::string> known = illustration_names();
		std::string some;
		for (std::size_t i = 0; i < known.size() && i < 8; i++)
			some += (i ? ", " : "") + known[i];
		*error = "unknown illustration \"" + name + "\"" +
		         (known.empty()
		                  ? " (no illustrations in " + illustrations_dir() + ")"
		                  : " (known: " + some + (known.size() > 8 ? ", ..." : "") + ")");
		return false;
	}
	std::optional<Color> c = parse_color(color.empty() ? "#000000" : color);
	if (!c) {
		*error = "illustration \"" + name + "\": cannot read the colour \"" + color + "\"";
		return false;
	}
	if (w <= 0 || h <= 0) {
		*error = "illustration \"" + name + "\": cannot draw into an empty box";
		return false;
	}
	g_autoptr(GError) e = nullptr;
	std::unique_ptr<RsvgHandle, decltype(&g_object_unref)> owner(
	        rsvg_handle_new_from_file(path.c_str(), &e), g_object_unref);
	RsvgHandle *handle = owner.get();
	if (!handle) {
		*error = path + ": " + (e ? e->message : "cannot read the SVG file");
		return false;
	}
	/* the drawings paint with currentColor: the colour property of the root */
	char css[96];
	snprintf(css, sizeof css, "svg { color: #%02x%02x%02x }", unsigned(std::lround(c->r * 255)),
	         unsigned(std::lround(c->g * 255)), unsigned(std::lround(c->b * 255)));
	if (!rsvg_handle_set_stylesheet(handle, reinterpret_cast<const guint8 *>(css), strlen(css),
	                                &e)) {
		*error = path + ": " + (e ? e->message : "cannot set the colour");
		return false;
	}
	gdouble sw = 0, sh = 0;
	if (!rsvg_handle_get_intrinsic_size_in_pixels(handle, &sw, &sh) || sw <= 0 || sh <= 0)
		sw = sh = 100; /* the drawings' viewBox */
	cairo_raster::Box box = cairo_raster::fit(sw, sh, w, h, keep_aspect_ratio);
	Surface dst = cairo_raster::new_surface(w, h);
	Context cr(cairo_create(dst.get()));
	/* the colour's alpha applies to the drawing as a whole, where strokes overlap too */
	cairo_push_group(cr.get());
	cairo_translate(cr.get(), box.x, box.y);
	cairo_scale(cr.get(), box.w / sw, box.h / sh);
	RsvgRectangle viewport = {0, 0, sw, sh};
	bool ok = rsvg_handle_render_document(handle, cr.get(), &viewport, &e);
	cairo_pop_group_to_source(cr.get());
	if (!ok) {
		*error = path + ": " + (e ? e->message : "cannot draw the SVG file");
		return false;
	}
	cairo_paint_with_alpha(cr.get(), c->a);
	*out = surface_to_raster(dst.get());
	return true;
}

bool parse_missing_illustration(const std::string &text, MissingIllustration *out)
{
	if (text == "error")
		*out = MissingIllustration::Error;
	else if (text == "placeholder")
		*out = MissingIllustration::Placeholder;
	else
		return false;
	return true;
}

Raster draw_illustration_placeholder(const std::string &color, int w, int h, double scale)
{
	Color c = parse_color(color.empty() ? "#000000" : color).value_or(Color{0.5, 0.5, 0.5, 1});
	Surface dst = cairo_raster::new_surface(std::max(1, w), std::max(1, h));
	Context cr(cairo_create(dst.get()));
	double lw = std::max(1.0, 2.0 * scale), m = lw / 2;
	double bw = std::max(0.0, w - lw), bh = std::max(0.0, h - lw);
	rounded_rect(cr.get(), m, m, bw, bh, std::min({bw, bh, 16.0 * scale}) / 4);
	cairo_set_source_rgba(cr.get(), c.r, c.g, c.b, c.a * 0.25);
	cairo_fill_preserve(cr.get());
	cairo_move_to(cr.get(), m, m);
	cairo_line_to(cr.get(), w - m, h - m);
	cairo_move_to(cr.get(), w - m, m);
	cairo_line_to(cr.get(), m, h - m);
	cairo_set_source_rgba(cr.get(), c.r, c.g, c.b, c.a);
	cairo_set_line_width(cr.get(), lw);
	cairo_stroke(cr.get());
	return surface_to_raster(dst.get());
}

void check_illustrations(const Timeline &tl, MissingIllustration policy, Diagnostics *out)
{
	for (const auto &kv : tl.items) {
		const IllustrationData *ill = kv.second.as<IllustrationData>();
		if (!ill || !illustration_path(ill->name).empty())
			continue;
		std::string path = kv.second.json_path + "/illustrationName";
		std::string text = "unknown illustration \"" + ill->name + "\": not one of the " +
		                   std::to_string(illustration_names().size()) + " built in (GET " +
		                   "/v1/illustrations lists them); ";
		if (policy == MissingIllustration::Error)
			out->error(
			        "EDITOR_ILLUSTRATION_UNKNOWN", path,
			        text + "rendering fails unless missing illustrations are drawn as "
			               "placeholders (--missing-illustration placeholder)",
			        Kind::Semantic);
		else
			out->warning("EDITOR_ILLUSTRATION_UNKNOWN", path,
			             text + "a placeholder of its box is drawn");
	}
}

} /* namespace jtl */
