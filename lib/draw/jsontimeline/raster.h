// SPDX-License-Identifier: LGPL-2.1-or-later
// The one raster type of lib/draw and its pixel conversions: straight and premultiplied
// alpha, Cairo surfaces, gdk-pixbufs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include <cairo.h>

typedef struct _GdkPixbuf GdkPixbuf;

namespace jtl {

/* A picture in GStreamer's BGRA format: straight (not premultiplied) alpha, rows of
 * width * 4 bytes. */
struct Raster {
	int width = 0;
	int height = 0;
	std::vector<uint8_t> data;

	/* (b, g, r, a) at x, y; for tests */
	uint32_t bgra(int x, int y) const;
};

/* Owns a Cairo surface reference. */
struct CairoSurfaceDeleter {
	void operator()(cairo_surface_t *s) const { cairo_surface_destroy(s); }
};
using CairoSurface = std::unique_ptr<cairo_surface_t, CairoSurfaceDeleter>;

/* A colour channel c of a straight-alpha pixel times its alpha a, rounded to nearest:
 * (c a + 127) / 255. */
constexpr uint8_t premultiply(unsigned c, unsigned a)
{
	return uint8_t((c * a + 127) / 255);
}

/* A premultiplied colour channel c back to straight alpha: c 255 / a rounded to nearest,
 * at most 255; 0 where a is 0. */
constexpr uint8_t unpremultiply(unsigned c, unsigned a)
{
	return a ? uint8_t(std::min(255u, (c * 255 + a / 2) / a)) : 0;
}

/* Rows of 4-byte pixels with alpha in the fourth byte (GStreamer's BGRA and BGRx wrapped
 * as Cairo's ARGB32 on a little-endian machine), width x height, rows stride bytes apart,
 * premultiplied in place (premultiply_pixels) or back to straight alpha
 * (unpremultiply_pixels). Opaque pixels are left as they are; the colour of a fully
 * transparent pixel becomes 0. */
void premultiply_pixels(uint8_t *data, int width, int height, int stride);
void unpremultiply_pixels(uint8_t *data, int width, int height, int stride);

/* Straight-alpha pixels (laid out as above) copied premultiplied into dst. */
void premultiply_pixels(const uint8_t *src, int src_stride, uint8_t *dst, int dst_stride, int width,
                        int height);

/* A straight-alpha Raster as a premultiplied ARGB32 image surface (at least 1 x 1). */
CairoSurface raster_to_surface(const Raster &raster);

/* A Cairo ARGB32 image surface (premultiplied) as a straight-alpha BGRA raster. */
Raster surface_to_raster(cairo_surface_t *surface);

/* An RGB or RGBA pixbuf (straight alpha) as a premultiplied ARGB32 image surface. */
CairoSurface pixbuf_to_surface(const GdkPixbuf *pixbuf);

} /* namespace jtl */
