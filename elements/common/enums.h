// SPDX-License-Identifier: LGPL-2.1-or-later
// Shared by the elements with enum properties: registering an enum type once, and the
// enums that several elements share.
#pragma once

#include <glib-object.h>

#include <jsontimeline/transition.h>

/* The enum type called name with these values (ending in {0, nullptr, nullptr}),
 * registered the first time it is asked for; type is the caller's static that keeps it. */
inline GType jtl_enum_type_once(GType *type, const char *name, const GEnumValue *values)
{
	if (g_once_init_enter(type))
		g_once_init_leave(type, g_enum_register_static(name, values));
	return *type;
}

/* Where a transition's B comes from (transitionmixer direction, jtllayer mask-direction):
 * JtlTransitionDirection, values of jtl::TransitionDirection. */
inline GType jtl_transition_direction_get_type()
{
	static GType type = 0;
	static const GEnumValue values[] = {
	        {int(jtl::TransitionDirection::FromLeft), "From left", "from-left"},
	        {int(jtl::TransitionDirection::FromTopLeft), "From top left", "from-top-left"},
	        {int(jtl::TransitionDirection::FromTop), "From top", "from-top"},
	        {int(jtl::TransitionDirection::FromTopRight), "From top right", "from-top-right"},
	        {int(jtl::TransitionDirection::FromRight), "From right", "from-right"},
	        {int(jtl::TransitionDirection::FromBottomRight), "From bottom right",
	         "from-bottom-right"},
	        {int(jtl::TransitionDirection::FromBottom), "From bottom", "from-bottom"},
	        {int(jtl::TransitionDirection::FromBottomLeft), "From bottom left",
	         "from-bottom-left"},
	        {0, nullptr, nullptr},
	};
	return jtl_enum_type_once(&type, "JtlTransitionDirection", values);
}

/* The base direction of a text (textoverlay-kf and captionrender direction). */
typedef enum {
	JTL_TEXT_DIRECTION_LTR,
	JTL_TEXT_DIRECTION_RTL,
} JtlTextDirection;

/* JtlTextDirection as a GEnum: ltr, rtl. */
inline GType jtl_text_direction_get_type()
{
	static GType type = 0;
	static const GEnumValue values[] = {
	        {JTL_TEXT_DIRECTION_LTR, "Left to right", "ltr"},
	        {JTL_TEXT_DIRECTION_RTL, "Right to left", "rtl"},
	        {0, nullptr, nullptr},
	};
	return jtl_enum_type_once(&type, "JtlTextDirection", values);
}
