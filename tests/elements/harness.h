// SPDX-License-Identifier: LGPL-2.1-or-later
// Shared by the GstHarness tests of the elements: an element in a harness, set up from a
// line of properties; BGRA frames and their pixels; a linear controller.
#pragma once

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/controller/controller.h>
#include <gst/video/video.h>

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

/* Fails unless both pad templates of the factory take BGRA video only. */
static inline void assert_bgra_templates(const char *factory)
{
	GstElementFactory *f = gst_element_factory_find(factory);
	fail_unless(f != nullptr, "%s", factory);
	GstCaps *bgra = gst_caps_from_string(GST_VIDEO_CAPS_MAKE("BGRA"));
	guint n = 0;
	for (const GList *l = gst_element_factory_get_static_pad_templates(f); l;
	     l = l->next, n++) {
		GstStaticPadTemplate *t = static_cast<GstStaticPadTemplate *>(l->data);
		GstCaps *caps = gst_static_caps_get(&t->static_caps);
		fail_unless(gst_caps_is_equal(caps, bgra), "%s %s", factory, t->name_template);
		gst_caps_unref(caps);
	}
	fail_unless_equals_int(n, 2);
	gst_caps_unref(bgra);
	gst_object_unref(f);
}

/* Drives a property of 0..1 linearly from 0 at 0 s to 1 at 1 s (a direct binding). */
static inline void control_0_to_1(GstElement *e, const char *property)
{
	GstControlSource *cs = gst_interpolation_control_source_new();
	g_object_set(cs, "mode", GST_INTERPOLATION_MODE_LINEAR, nullptr);
	GstTimedValueControlSource *tv = GST_TIMED_VALUE_CONTROL_SOURCE(cs);
	gst_timed_value_control_source_set(tv, 0, 0.0);
	gst_timed_value_control_source_set(tv, GST_SECOND, 1.0);
	gst_object_add_control_binding(GST_OBJECT(e), gst_direct_control_binding_new_absolute(
	                                                      GST_OBJECT(e), property, cs));
	gst_object_unref(cs);
}
