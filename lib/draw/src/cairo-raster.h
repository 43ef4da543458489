// SPDX-License-Identifier: LGPL-2.1-or-later
// Private helpers of lib/draw: Cairo surface and context holders, box fitting (the
// pixel conversions are public, in <jsontimeline/raster.h>).
#pragma once

#include <memory>

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include <jsontimeline/raster.h>

namespace jtl {
namespace cairo_raster {

struct ContextDeleter {
	void operator()(cairo_t *c) const { cairo_destroy(c); }
};
using Surface = CairoSurface;
using Context = std::unique_ptr<cairo_t, ContextDeleter>;

/* A cleared ARGB32 surface of at least 1 x 1. */
Surface new_surface(int width, int height);

/* Where a source of sw x sh lands in a w x h box: the whole box (stretched), or fitted
 * inside it keeping the aspect ratio, centred. */
struct Box {
	double x, y, w, h;
};
Box fit(double sw, double sh, int w, int h, bool keep_aspect_ratio);

} /* namespace cairo_raster */
} /* namespace jtl */
