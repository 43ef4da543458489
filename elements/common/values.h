// SPDX-License-Identifier: LGPL-2.1-or-later
// Shared by the elements' set_property: property values as C++ types.
#pragma once

#include <string>

#include <glib-object.h>

/* The value of a string property; "" for NULL. */
inline std::string jtl_value_string(const GValue *value)
{
	const char *v = g_value_get_string(value);
	return v ? v : "";
}
