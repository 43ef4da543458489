// SPDX-License-Identifier: LGPL-2.1-or-later
// Shared by the GstHarness tests of the elements: an element in a harness, set up from a
// line of properties.
#pragma once

#include <gst/check/gstharness.h>

/* The element factory in a harness, with "name=value" properties separated by spaces (a
 * value may not contain spaces) and caps on its source. */
static inline GstHarness *harness_with(const char *factory, const char *props, const char *caps)
{
	GstHarness *h = gst_harness_new(factory);
	gchar **pairs = g_strsplit(props, " ", -1);
	for (gchar **p = pairs; *p; p++) {
		gchar **kv = g_strsplit(*p, "=", 2);
		if (kv[0] && kv[1])
			gst_util_set_object_arg(G_OBJECT(h->element), kv[0], kv[1]);
		g_strfreev(kv);
	}
	g_strfreev(pairs);
	gst_harness_set_src_caps_str(h, caps);
	return h;
}
