// SPDX-License-Identifier: LGPL-2.1-or-later
// The service's failures as GErrors of the project's domain (decision 38).
#pragma once

#include <string>

#include <glib.h>

#include <jsontimeline/diagnostics.h>

namespace jtl {

/* Sets *error (when error is not null) to message in JTL_ERROR with code. */
inline void set_service_error(GError **error, int code, const std::string &message)
{
	g_set_error_literal(error, JTL_ERROR, code, message.c_str());
}

} /* namespace jtl */
