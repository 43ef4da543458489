// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the raster's pixel conversions with exact bytes: premultiplying and back,
// Cairo surfaces and gdk-pixbufs, opaque, transparent and half-transparent pixels.
#include <cstdint>
#include <cstring>
#include <vector>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib.h>

#include <jsontimeline/raster.h>

using namespace jtl;

namespace {

/* The 32-bit ARGB word of a Cairo ARGB32 surface at x, y. */
uint32_t word(cairo_surface_t *s, int x, int y)
{
	cairo_surface_flush(s);
	const uint8_t *d = cairo_image_surface_get_data(s);
	uint32_t w;
	memcpy(&w, d + std::size_t(y) * cairo_image_surface_get_stride(s) + std::size_t(x) * 4, 4);
	return w;
}

/* Four BGRA pixels: opaque, half transparent, transparent (with colour), white at a = 128. */
Raster four_pixels()
{
	Raster r;
	r.width = 4;
	r.height = 1;
	r.data = {10, 20, 30, 255, 200, 100, 50, 128, 77, 88, 99, 0, 255, 255, 255, 128};
	return r;
}

} /* namespace */

/* One channel: (c a + 127) / 255 and back, rounded to nearest. */
static void test_channel()
{
	g_assert_cmpuint(premultiply(200, 128), ==, 100);
	g_assert_cmpuint(premultiply(255, 128), ==, 128);
	g_assert_cmpuint(premultiply(1, 128), ==, 1);
	g_assert_cmpuint(premultiply(123, 0), ==, 0);
	g_assert_cmpuint(premultiply(123, 255), ==, 123);
	g_assert_cmpuint(unpremultiply(100, 128), ==, 199);
	g_assert_cmpuint(unpremultiply(128, 128), ==, 255);
	g_assert_cmpuint(unpremultiply(50, 128), ==, 100);
	g_assert_cmpuint(unpremultiply(123, 255), ==, 123);
	g_assert_cmpuint(unpremultiply(99, 0), ==, 0);
	/* more colour than alpha (not a premultiplied value): at most 255 */
	g_assert_cmpuint(unpremultiply(200, 100), ==, 255);
	/* opaque: both ways exact; any premultiplied value survives the round trip back */
	for (unsigned c = 0; c < 256; c++)
		g_assert_cmpuint(unpremultiply(premultiply(c, 255), 255), ==, c);
	for (unsigned a = 1; a < 256; a++)
		for (unsigned p = 0; p <= a; p++)
			g_assert_cmpuint(premultiply(unpremultiply(p, a), a), ==, p);
}

/* Rows in place and copied, strides past the width left alone. */
static void test_pixels()
{
	const int stride = 20; /* 4 pixels and 4 bytes of padding */
	std::vector<uint8_t> rows(stride * 2, 0xee);
	Raster r = four_pixels();
	for (int y = 0; y < 2; y++)
		memcpy(rows.data() + y * stride, r.data.data(), 16);
	std::vector<uint8_t> copy(stride * 2, 0xdd);
	premultiply_pixels(rows.data(), stride, copy.data(), stride, 4, 2);
	premultiply_pixels(rows.data(), 4, 2, stride);
	const std::vector<uint8_t> want = {10, 20, 30, 255, 100, 50,  25,  128,
	                                   0,  0,  0,  0,   128, 128, 128, 128};
	for (int y = 0; y < 2; y++) {
		g_assert_cmpmem(rows.data() + y * stride, 16, want.data(), 16);
		g_assert_cmpmem(copy.data() + y * stride, 16, want.data(), 16);
		for (int i = 16; i < stride; i++) {
			g_assert_cmpuint(rows[y * stride + i], ==, 0xee);
			g_assert_cmpuint(copy[y * stride + i], ==, 0xdd);
		}
	}
	unpremultiply_pixels(rows.data(), 4, 2, stride);
	const std::vector<uint8_t> back = {10, 20, 30, 255, 199, 100, 50,  128,
	                                   0,  0,  0,  0,   255, 255, 255, 128};
	for (int y = 0; y < 2; y++)
		g_assert_cmpmem(rows.data() + y * stride, 16, back.data(), 16);
}

/* Raster -> Cairo surface (premultiplied ARGB words) -> Raster. */
static void test_surface()
{
	CairoSurface s = raster_to_surface(four_pixels());
	g_assert_cmpint(cairo_image_surface_get_format(s.get()), ==, CAIRO_FORMAT_ARGB32);
	g_assert_cmphex(word(s.get(), 0, 0), ==, 0xff1e140a);
	g_assert_cmphex(word(s.get(), 1, 0), ==, 0x80193264);
	g_assert_cmphex(word(s.get(), 2, 0), ==, 0x00000000);
	g_assert_cmphex(word(s.get(), 3, 0), ==, 0x80808080);
	Raster back = surface_to_raster(s.get());
	g_assert_cmpint(back.width, ==, 4);
	g_assert_cmpint(back.height, ==, 1);
	g_assert_cmphex(back.bgra(0, 0), ==, 0x0a141eff);
	g_assert_cmphex(back.bgra(1, 0), ==, 0xc7643280);
	g_assert_cmphex(back.bgra(2, 0), ==, 0x00000000);
	g_assert_cmphex(back.bgra(3, 0), ==, 0xffffff80);
	/* an empty raster: a 1 x 1 transparent surface */
	CairoSurface empty = raster_to_surface(Raster{});
	g_assert_cmpint(cairo_image_surface_get_width(empty.get()), ==, 1);
	g_assert_cmphex(word(empty.get(), 0, 0), ==, 0);
}

/* RGBA and RGB pixbufs (straight alpha) -> premultiplied surfaces. */
static void test_pixbuf()
{
	g_autoptr(GdkPixbuf) rgba = gdk_pixbuf_new(GDK_COLORSPACE_RGB, TRUE, 8, 3, 1);
	guint8 *p = gdk_pixbuf_get_pixels(rgba);
	const guint8 px[] = {30, 20, 10, 255, 50, 100, 200, 128, 99, 88, 77, 0};
	memcpy(p, px, sizeof px);
	CairoSurface s = pixbuf_to_surface(rgba);
	g_assert_cmphex(word(s.get(), 0, 0), ==, 0xff1e140a);
	g_assert_cmphex(word(s.get(), 1, 0), ==, 0x80193264);
	g_assert_cmphex(word(s.get(), 2, 0), ==, 0x00000000);
	g_autoptr(GdkPixbuf) rgb = gdk_pixbuf_new(GDK_COLORSPACE_RGB, FALSE, 8, 1, 1);
	guint8 *q = gdk_pixbuf_get_pixels(rgb);
	q[0] = 1;
	q[1] = 2;
	q[2] = 3;
	CairoSurface o = pixbuf_to_surface(rgb);
	g_assert_cmphex(word(o.get(), 0, 0), ==, 0xff010203);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/raster/channel", test_channel);
	g_test_add_func("/raster/pixels", test_pixels);
	g_test_add_func("/raster/surface", test_surface);
	g_test_add_func("/raster/pixbuf", test_pixbuf);
	return g_test_run();
}
