// SPDX-License-Identifier: LGPL-2.1-or-later
// Shared by the elements that draw text (captionrender, textoverlay-kf): the properties
// of a text's look that both carry under the same names, and their alignment enum.
#include "textlook.h"

#include <optional>

#include <jsontimeline/color.h>

#include <string>

#include "enums.h"

GType jtl_align_enum_type(GType *type, const char *name)
{
	static const GEnumValue values[] = {
	        {JTL_ALIGN_LEFT, "Left", "left"},
	        {JTL_ALIGN_CENTER, "Center", "center"},
	        {JTL_ALIGN_RIGHT, "Right", "right"},
	        {0, nullptr, nullptr},
	};
	return jtl_enum_type_once(type, name, values);
}

bool JtlTextLook::operator==(const JtlTextLook &o) const
{
	return weight == o.weight && italic == o.italic && font_size == o.font_size &&
	       line_height == o.line_height && letter_spacing == o.letter_spacing &&
	       alignment == o.alignment && stroke_width == o.stroke_width &&
	       background_padding == o.background_padding &&
	       background_radius == o.background_radius;
}

void jtl_text_look_install(GObjectClass *klass, const JtlTextLookProps &ids, GType align_type,
                           int align_default, GParamFlags flags, GParamFlags number_flags)
{
	auto dbl = [&](guint id, const char *name, const char *nick, const char *blurb, double lo,
	               double hi, double def) {
		g_object_class_install_property(
		        klass, id,
		        g_param_spec_double(name, nick, blurb, lo, hi, def, number_flags));
	};
	g_object_class_install_property(klass, ids.weight,
	                                g_param_spec_int("font-weight", "Font weight",
	                                                 "CSS weight, 100 (thin) to 900 (black)",
	                                                 100, 900, 400, number_flags));
	g_object_class_install_property(
	        klass, ids.italic,
	        g_param_spec_boolean("italic", "Italic", "Italic style", FALSE, flags));
	dbl(ids.font_size, "font-size", "Font size", "Font size in pixels", 1.0, 2000.0, 48.0);
	dbl(ids.line_height, "line-height", "Line height",
	    "Height of each line as a multiple of the font size (CSS line-height)", 0.1, 10.0, 1.2);
	dbl(ids.letter_spacing, "letter-spacing", "Letter spacing",
	    "Extra space between letters in pixels", -1000.0, 1000.0, 0.0);
	g_object_class_install_property(klass, ids.alignment,
	                                g_param_spec_enum("alignment", "Alignment",
	                                                  "Alignment of the lines in the box",
	                                                  align_type, align_default, flags));
	dbl(ids.stroke_width, "stroke-width", "Stroke width",
	    "Outline width in pixels around the glyphs (0: none)", 0.0, 500.0, 0.0);
	dbl(ids.background_padding, "background-padding", "Background padding",
	    "Horizontal padding of the background box in pixels", 0.0, 1000.0, 0.0);
	dbl(ids.background_radius, "background-radius", "Background radius",
	    "Corner radius of the background box in pixels", 0.0, 1000.0, 0.0);
}

bool jtl_text_look_set(JtlTextLook *look, const JtlTextLookProps &ids, guint id,
                       const GValue *value)
{
	if (id == ids.weight)
		look->weight = g_value_get_int(value);
	else if (id == ids.italic)
		look->italic = g_value_get_boolean(value);
	else if (id == ids.font_size)
		look->font_size = g_value_get_double(value);
	else if (id == ids.line_height)
		look->line_height = g_value_get_double(value);
	else if (id == ids.letter_spacing)
		look->letter_spacing = g_value_get_double(value);
	else if (id == ids.alignment)
		look->alignment = g_value_get_enum(value);
	else if (id == ids.stroke_width)
		look->stroke_width = g_value_get_double(value);
	else if (id == ids.background_padding)
		look->background_padding = g_value_get_double(value);
	else if (id == ids.background_radius)
		look->background_radius = g_value_get_double(value);
	else
		return false;
	return true;
}

bool jtl_text_look_get(const JtlTextLook &look, const JtlTextLookProps &ids, guint id,
                       GValue *value)
{
	if (id == ids.weight)
		g_value_set_int(value, look.weight);
	else if (id == ids.italic)
		g_value_set_boolean(value, look.italic);
	else if (id == ids.font_size)
		g_value_set_double(value, look.font_size);
	else if (id == ids.line_height)
		g_value_set_double(value, look.line_height);
	else if (id == ids.letter_spacing)
		g_value_set_double(value, look.letter_spacing);
	else if (id == ids.alignment)
		g_value_set_enum(value, look.alignment);
	else if (id == ids.stroke_width)
		g_value_set_double(value, look.stroke_width);
	else if (id == ids.background_padding)
		g_value_set_double(value, look.background_padding);
	else if (id == ids.background_radius)
		g_value_set_double(value, look.background_radius);
	else
		return false;
	return true;
}

void jtl_text_look_apply(const JtlTextLook &look, jtl::TextStyle *style)
{
	style->font_style.weight = std::to_string(look.weight);
	style->font_style.variant = look.italic ? "italic" : "normal";
	style->font_size = look.font_size;
	style->line_height = look.line_height;
	style->letter_spacing = look.letter_spacing;
	style->align = look.alignment == JTL_ALIGN_CENTER  ? jtl::TextAlign::Center
	               : look.alignment == JTL_ALIGN_RIGHT ? jtl::TextAlign::Right
	                                                   : jtl::TextAlign::Left;
	style->stroke_width = look.stroke_width;
}

std::string jtl_css_from_argb(guint argb)
{
	char buf[64];
	g_snprintf(buf, sizeof buf, "rgba(%u,%u,%u,%.6f)", (argb >> 16) & 0xff, (argb >> 8) & 0xff,
	           argb & 0xff, ((argb >> 24) & 0xff) / 255.0);
	return buf;
}

void jtl_text_color_from_css(GObject *object, const char *property, const GValue *value,
                             bool empty_is_none, guint *argb)
{
	const char *v = g_value_get_string(value);
	if (empty_is_none && (!v || !*v)) {
		*argb = 0;
		return;
	}
	if (std::optional<jtl::Color> c = jtl::parse_color(v ? v : "")) {
		*argb = c->argb();
		return;
	}
	g_warning("%s: %s \"%s\" is not a CSS colour (#rgb, #rrggbb, #rrggbbaa, rgb(), rgba() "
	          "or a name); the colour is left as it was",
	          G_OBJECT_TYPE_NAME(object), property, v ? v : "(null)");
}
