// SPDX-License-Identifier: LGPL-2.1-or-later
// Shared by the elements that draw text (captionrender, textoverlay-kf): the properties
// of a text's look that both carry under the same names, and their alignment enum.
#pragma once

#include <string>

#include <glib-object.h>

#include <jsontimeline/model.h>

/* The values of an element's alignment enum; each element registers them under its own
 * type name (JtlCaptionAlign, JtlTextAlign) with the same nicks. */
typedef enum {
	JTL_ALIGN_LEFT,
	JTL_ALIGN_CENTER,
	JTL_ALIGN_RIGHT,
} JtlAlign;

/* The alignment enum called name, registered the first time it is asked for; type is
 * the caller's static that keeps it. */
GType jtl_align_enum_type(GType *type, const char *name);

/* The look of a text set by properties of the same name, nick, blurb, range and default
 * in both elements. The text itself, its family, its colours (0xAARRGGBB in both, see
 * jtl_text_color_from_css()) and the direction (JtlTextDirection in both, common/enums.h)
 * are not here: their defaults differ between the two. */
struct JtlTextLook {
	int weight = 400;
	bool italic = false;
	double font_size = 48.0;
	double line_height = 1.2;
	double letter_spacing = 0.0;
	int alignment = JTL_ALIGN_LEFT;
	double stroke_width = 0.0;
	double background_padding = 0.0;
	double background_radius = 0.0;

	bool operator==(const JtlTextLook &o) const;
	bool operator!=(const JtlTextLook &o) const { return !(*this == o); }
};

/* The ids an element gave the properties of a JtlTextLook. */
struct JtlTextLookProps {
	guint weight, italic, font_size, line_height, letter_spacing, alignment, stroke_width,
	        background_padding, background_radius;
};

/* Installs the properties of a JtlTextLook: italic and alignment (of align_type, default
 * align_default) with flags, the numbers (weight, sizes, spacing, stroke, background)
 * with number_flags. */
void jtl_text_look_install(GObjectClass *klass, const JtlTextLookProps &ids, GType align_type,
                           int align_default, GParamFlags flags, GParamFlags number_flags);

/* Sets the field of property id from value; false when id is not one of the look's. */
bool jtl_text_look_set(JtlTextLook *look, const JtlTextLookProps &ids, guint id,
                       const GValue *value);

/* Puts the field of property id into value; false when id is not one of the look's. */
bool jtl_text_look_get(const JtlTextLook &look, const JtlTextLookProps &ids, guint id,
                       GValue *value);

/* Writes the look into a text style: weight, italic, sizes, spacing, alignment and stroke
 * width. The background box is the element's to add (its colour decides whether there is
 * one), with the look's padding and radius. */
void jtl_text_look_apply(const JtlTextLook &look, jtl::TextStyle *style);

/* A 0xAARRGGBB colour as CSS: rgba(r,g,b,a). */
std::string jtl_css_from_argb(guint argb);

/* Sets *argb from the CSS colour in value, a string property of object (the deprecated
 * css-* aliases of the colours); empty_is_none: "" is transparent (no highlight, no box).
 * Anything that is not a CSS colour is refused with a g_warning naming the property, as
 * GLib refuses a number out of range, and *argb is left as it was. */
void jtl_text_color_from_css(GObject *object, const char *property, const GValue *value,
                             bool empty_is_none, guint *argb);
