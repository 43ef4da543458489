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

/* A BGRA frame of w x h pixels (rows of w x 4 bytes) filled by fill(x, y, pixel), at pts,
 * one frame of 30 fps long. */
template <typename Fill>
static inline GstBuffer *bgra_frame(int w, int h, GstClockTime pts, Fill fill)
{
	GstBuffer *buf = gst_buffer_new_and_alloc(gsize(w) * gsize(h) * 4);
	GstMapInfo map;
	gst_buffer_map(buf, &map, GST_MAP_WRITE);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			fill(x, y, map.data + (gsize(y) * gsize(w) + gsize(x)) * 4);
	gst_buffer_unmap(buf, &map);
	GST_BUFFER_PTS(buf) = pts;
	GST_BUFFER_DURATION(buf) = GST_SECOND / 30;
	return buf;
}

/* One pixel of a BGRA buffer of rows w x 4 bytes: B, G, R, A. */
struct Bgra {
	int b, g, r, a;
};
static inline Bgra bgra_at(GstBuffer *buf, int w, int x, int y)
{
	GstMapInfo map;
	gst_buffer_map(buf, &map, GST_MAP_READ);
	const guint8 *p = map.data + (gsize(y) * gsize(w) + gsize(x)) * 4;
	Bgra px{p[0], p[1], p[2], p[3]};
	gst_buffer_unmap(buf, &map);
	return px;
}

/* Fails unless pixel (x, y) is exactly r, g, b, a (the message names it). */
#define assert_bgra(buf, w, x, y, R, G, B, A)                                                      \
	do {                                                                                       \
		Bgra px_ = bgra_at(buf, w, x, y);                                                  \
		fail_unless(px_.r == (R) && px_.g == (G) && px_.b == (B) && px_.a == (A),          \
		            "(%d,%d) is rgba %d %d %d %d, expected %d %d %d %d", x, y, px_.r,      \
		            px_.g, px_.b, px_.a, int(R), int(G), int(B), int(A));                  \
	} while (0)
