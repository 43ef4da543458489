// SPDX-License-Identifier: LGPL-2.1-or-later
// The raster's pixel conversions (straight and premultiplied alpha, Cairo surfaces,
// gdk-pixbufs) and lib/draw's private surface helpers.
#include <jsontimeline/raster.h>

#include <algorithm>
#include <cstring>

#include "cairo-raster.h"

namespace jtl {

uint32_t Raster::bgra(int x, int y) const
{
	std::size_t i = (std::size_t(y) * std::size_t(width) + std::size_t(x)) * 4;
	return uint32_t(data[i]) << 24 | uint32_t(data[i + 1]) << 16 | uint32_t(data[i + 2]) << 8 |
	       data[i + 3];
}

void premultiply_pixels(uint8_t *data, int width, int height, int stride)
{
	premultiply_pixels(data, stride, data, stride, width, height);
}

void premultiply_pixels(const uint8_t *src, int src_stride, uint8_t *dst, int dst_stride, int width,
                        int height)
{
	for (int y = 0; y < height; y++) {
		const uint8_t *p = src + std::size_t(y) * std::size_t(src_stride);
		uint8_t *q = dst + std::size_t(y) * std::size_t(dst_stride);
		for (int x = 0; x < width; x++, p += 4, q += 4) {
			unsigned a = p[3];
			if (a == 255) {
				if (p != q)
					memcpy(q, p, 4);
				continue;
			}
			q[0] = premultiply(p[0], a);
			q[1] = premultiply(p[1], a);
			q[2] = premultiply(p[2], a);
			q[3] = uint8_t(a);
		}
	}
}

void unpremultiply_pixels(uint8_t *data, int width, int height, int stride)
{
	for (int y = 0; y < height; y++) {
		uint8_t *p = data + std::size_t(y) * std::size_t(stride);
		for (int x = 0; x < width; x++, p += 4) {
			unsigned a = p[3];
			if (a == 255)
				continue;
			for (int c = 0; c < 3; c++)
				p[c] = unpremultiply(p[c], a);
		}
	}
}

/* Cairo's ARGB32 is premultiplied, native-endian: read and written as 32-bit words. */
CairoSurface raster_to_surface(const Raster &in)
{
	CairoSurface s = cairo_raster::new_surface(in.width, in.height);
	cairo_surface_flush(s.get());
	uint8_t *d = cairo_image_surface_get_data(s.get());
	int stride = cairo_image_surface_get_stride(s.get());
	for (int y = 0; y < in.height; y++) {
		const uint8_t *p = in.data.data() + std::size_t(y) * std::size_t(in.width) * 4;
		uint32_t *q =
		        reinterpret_cast<uint32_t *>(d + std::size_t(y) * std::size_t(stride));
		for (int x = 0; x < in.width; x++, p += 4) {
			uint32_t a = p[3];
			q[x] = a << 24 | uint32_t(premultiply(p[2], a)) << 16 |
			       uint32_t(premultiply(p[1], a)) << 8 | premultiply(p[0], a);
		}
	}
	cairo_surface_mark_dirty(s.get());
	return s;
}

Raster surface_to_raster(cairo_surface_t *surface)
{
	cairo_surface_flush(surface);
	Raster r;
	r.width = cairo_image_surface_get_width(surface);
	r.height = cairo_image_surface_get_height(surface);
	int stride = cairo_image_surface_get_stride(surface);
	const uint8_t *src = cairo_image_surface_get_data(surface);
	r.data.resize(std::size_t(r.width) * std::size_t(r.height) * 4);
	uint8_t *d = r.data.data();
	for (int y = 0; y < r.height; y++) {
		const uint32_t *row =
		        reinterpret_cast<const uint32_t *>(src + std::size_t(y) * stride);
		for (int x = 0; x < r.width; x++, d += 4) {
			uint32_t px = row[x];
			uint32_t a = px >> 24;
			if (a == 0 || a == 255) { /* nothing to divide */
				uint32_t v = a ? px : 0;
				memcpy(d, &v, 4);
				continue;
			}
			d[0] = unpremultiply(px & 0xff, a);
			d[1] = unpremultiply((px >> 8) & 0xff, a);
			d[2] = unpremultiply((px >> 16) & 0xff, a);
			d[3] = uint8_t(a);
		}
	}
	return r;
}

CairoSurface pixbuf_to_surface(const GdkPixbuf *pixbuf)
{
	int w = gdk_pixbuf_get_width(pixbuf), h = gdk_pixbuf_get_height(pixbuf);
	int n = gdk_pixbuf_get_n_channels(pixbuf), in_stride = gdk_pixbuf_get_rowstride(pixbuf);
	bool alpha = gdk_pixbuf_get_has_alpha(pixbuf);
	const guint8 *src = gdk_pixbuf_read_pixels(pixbuf);
	CairoSurface s = cairo_raster::new_surface(w, h);
	cairo_surface_flush(s.get());
	uint8_t *dst = cairo_image_surface_get_data(s.get());
	int out_stride = cairo_image_surface_get_stride(s.get());
	for (int y = 0; y < h; y++) {
		const guint8 *p = src + std::size_t(y) * in_stride;
		uint32_t *q = reinterpret_cast<uint32_t *>(dst + std::size_t(y) * out_stride);
		for (int x = 0; x < w; x++, p += n) {
			uint32_t a = alpha ? p[3] : 255;
			q[x] = a << 24 | uint32_t(premultiply(p[0], a)) << 16 |
			       uint32_t(premultiply(p[1], a)) << 8 | premultiply(p[2], a);
		}
	}
	cairo_surface_mark_dirty(s.get());
	return s;
}

namespace cairo_raster {

Surface new_surface(int width, int height)
{
	return Surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, std::max(1, width),
	                                          std::max(1, height)));
}

Box fit(double sw, double sh, int w, int h, bool keep_aspect_ratio)
{
	if (!keep_aspect_ratio || sw <= 0 || sh <= 0)
		return {0, 0, double(w), double(h)};
	double k = std::min(w / sw, h / sh);
	return {(w - sw * k) / 2, (h - sh * k) / 2, sw * k, sh * k};
}

} /* namespace cairo_raster */
} /* namespace jtl */
