// SPDX-License-Identifier: LGPL-2.1-or-later
// Private helpers of lib/: Cairo surfaces to and from Rasters and pixbufs, box fitting.
#include "cairo-raster.h"

#include <algorithm>
#include <cstring>

namespace jtl {
namespace cairo_raster {

Surface new_surface(int width, int height)
{
	return Surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, std::max(1, width),
	                                          std::max(1, height)));
}

/* Cairo's ARGB32 is premultiplied, native-endian: BGRA bytes on little-endian. */
Raster to_raster(cairo_surface_t *surface)
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
			auto unpremultiply = [a](uint32_t c) -> uint8_t {
				return uint8_t(std::min<uint32_t>(255, (c * 255 + a / 2) / a));
			};
			d[0] = unpremultiply(px & 0xff);
			d[1] = unpremultiply((px >> 8) & 0xff);
			d[2] = unpremultiply((px >> 16) & 0xff);
			d[3] = uint8_t(a);
		}
	}
	return r;
}

Surface from_pixbuf(const GdkPixbuf *pixbuf)
{
	int w = gdk_pixbuf_get_width(pixbuf), h = gdk_pixbuf_get_height(pixbuf);
	int n = gdk_pixbuf_get_n_channels(pixbuf), in_stride = gdk_pixbuf_get_rowstride(pixbuf);
	bool alpha = gdk_pixbuf_get_has_alpha(pixbuf);
	const guint8 *src = gdk_pixbuf_read_pixels(pixbuf);
	Surface s = new_surface(w, h);
	cairo_surface_flush(s.get());
	uint8_t *dst = cairo_image_surface_get_data(s.get());
	int out_stride = cairo_image_surface_get_stride(s.get());
	for (int y = 0; y < h; y++) {
		const guint8 *p = src + std::size_t(y) * in_stride;
		uint32_t *q = reinterpret_cast<uint32_t *>(dst + std::size_t(y) * out_stride);
		for (int x = 0; x < w; x++, p += n) {
			uint32_t a = alpha ? p[3] : 255;
			uint32_t r = (p[0] * a + 127) / 255, g = (p[1] * a + 127) / 255,
			         b = (p[2] * a + 127) / 255;
			q[x] = a << 24 | r << 16 | g << 8 | b;
		}
	}
	cairo_surface_mark_dirty(s.get());
	return s;
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
