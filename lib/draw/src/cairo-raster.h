// SPDX-License-Identifier: LGPL-2.1-or-later
// Private helpers of lib/: Cairo surfaces to and from Rasters and pixbufs, box fitting.
#pragma once

#include <memory>

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include <jsontimeline/draw.h>

namespace jtl {
namespace cairo_raster {

struct SurfaceDeleter {
	void operator()(cairo_surface_t *s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
	void operator()(cairo_t *c) const { cairo_destroy(c); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using Context = std::unique_ptr<cairo_t, ContextDeleter>;

/* A cleared ARGB32 surface of at least 1 x 1. */
Surface new_surface(int width, int height);

/* Cairo's premultiplied ARGB32 as a straight-alpha BGRA Raster. */
Raster to_raster(cairo_surface_t *surface);

/* An RGB or RGBA pixbuf (straight alpha) as a premultiplied ARGB32 surface. */
Surface from_pixbuf(const GdkPixbuf *pixbuf);

/* Where a source of sw x sh lands in a w x h box: the whole box (stretched), or fitted
 * inside it keeping the aspect ratio, centred. */
struct Box {
	double x, y, w, h;
};
Box fit(double sw, double sh, int w, int h, bool keep_aspect_ratio);

} /* namespace cairo_raster */
} /* namespace jtl */
