// SPDX-License-Identifier: LGPL-2.1-or-later
// Shared by the elements with enum properties: registering an enum type once.
#pragma once

#include <glib-object.h>

/* The enum type called name with these values (ending in {0, nullptr, nullptr}),
 * registered the first time it is asked for; type is the caller's static that keeps it. */
inline GType jtl_enum_type_once(GType *type, const char *name, const GEnumValue *values)
{
	if (g_once_init_enter(type))
		g_once_init_leave(type, g_enum_register_static(name, values));
	return *type;
}
