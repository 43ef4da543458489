// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the animated GIF writer: files read back with gdk-pixbuf (colours, delays, loop).
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib.h>
#include <glib/gstdio.h>

#include <jsontimeline/diagnostics.h>
#include <jsontimeline/gif-writer.h>

using namespace jtl;

namespace {

constexpr int W = 40, H = 30;

struct Rgb {
	int r, g, b;
};

/* A frame of one colour with a 10x10 square of another at (5, 5). */
std::vector<uint8_t> frame(Rgb fill, Rgb square)
{
	std::vector<uint8_t> px(W * H * 4);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			bool in = x >= 5 && x < 15 && y >= 5 && y < 15;
			Rgb c = in ? square : fill;
			uint8_t *p = &px[(y * W + x) * 4];
			p[0] = uint8_t(c.b), p[1] = uint8_t(c.g), p[2] = uint8_t(c.r), p[3] = 255;
		}
	return px;
}

std::string temp_path(const char *name)
{
	static std::string dir;
	if (dir.empty()) {
		g_autofree gchar *d = g_dir_make_tmp("jtl-gif-XXXXXX", nullptr);
		dir = d;
	}
	return dir + "/" + name;
}

Rgb at(GdkPixbuf *pb, int x, int y)
{
	const guchar *p = gdk_pixbuf_read_pixels(pb) + y * gdk_pixbuf_get_rowstride(pb) +
	                  x * gdk_pixbuf_get_n_channels(pb);
	return {p[0], p[1], p[2]};
}

void assert_near(Rgb got, Rgb want, int tol, const char *what)
{
	if (std::abs(got.r - want.r) > tol || std::abs(got.g - want.g) > tol ||
	    std::abs(got.b - want.b) > tol)
		g_error("%s: (%d, %d, %d), want (%d, %d, %d)", what, got.r, got.g, got.b, want.r,
		        want.g, want.b);
}

/* The frames as gdk-pixbuf plays them: their delays (ms) and a copy of each picture. */
struct Played {
	std::vector<int> delays;
	std::vector<GdkPixbuf *> frames;
	~Played()
	{
		for (GdkPixbuf *f : frames)
			g_object_unref(f);
	}
};

void play(const std::string &path, int count, Played *out)
{
	g_autoptr(GError) error = nullptr;
	g_autoptr(GdkPixbufAnimation) anim =
	        gdk_pixbuf_animation_new_from_file(path.c_str(), &error);
	g_assert_no_error(error);
	g_assert_false(gdk_pixbuf_animation_is_static_image(anim));
	g_assert_cmpint(gdk_pixbuf_animation_get_width(anim), ==, W);
	g_assert_cmpint(gdk_pixbuf_animation_get_height(anim), ==, H);
	G_GNUC_BEGIN_IGNORE_DEPRECATIONS
	GTimeVal t = {1000, 0};
	g_autoptr(GdkPixbufAnimationIter) it = gdk_pixbuf_animation_get_iter(anim, &t);
	for (int i = 0; i < count; i++) {
		int delay = gdk_pixbuf_animation_iter_get_delay_time(it);
		out->delays.push_back(delay);
		out->frames.push_back(gdk_pixbuf_copy(gdk_pixbuf_animation_iter_get_pixbuf(it)));
		g_time_val_add(&t, glong(delay) * 1000);
		gdk_pixbuf_animation_iter_advance(it, &t);
	}
	G_GNUC_END_IGNORE_DEPRECATIONS
}

bool file_contains(const std::string &path, const std::string &needle)
{
	g_autofree gchar *data = nullptr;
	gsize len = 0;
	g_assert_true(g_file_get_contents(path.c_str(), &data, &len, nullptr));
	return std::string(data, len).find(needle) != std::string::npos;
}

void test_centiseconds()
{
	g_assert_cmpint(gif_centiseconds(0), ==, 0);
	g_assert_cmpint(gif_centiseconds(33333333), ==, 3);
	g_assert_cmpint(gif_centiseconds(66666667), ==, 7);
	g_assert_cmpint(gif_centiseconds(GST_SECOND), ==, 100);
	g_assert_cmpint(gif_centiseconds(4999999), ==, 0);
	g_assert_cmpint(gif_centiseconds(5000000), ==, 1);
}

void test_colours_delays_loop()
{
	const Rgb colours[] = {{255, 0, 0}, {0, 255, 0},   {0, 0, 255},  {255, 255, 255},
	                       {0, 0, 0},   {255, 128, 0}, {40, 90, 200}};
	const int n = G_N_ELEMENTS(colours);
	std::string path = temp_path("thirty.gif");
	GifWriter w;
	g_autoptr(GError) error = nullptr;
	g_assert_true(w.open(path, W, H, &error));
	for (int k = 0; k < n; k++) {
		std::vector<uint8_t> px = frame(colours[k], colours[(k + 3) % n]);
		g_assert_true(w.add_frame(px.data(), W * 4,
		                          gst_util_uint64_scale(k, GST_SECOND, 30), &error));
	}
	g_assert_true(w.close(gst_util_uint64_scale(n, GST_SECOND, 30), &error));
	g_assert_no_error(error);
	g_assert_cmpuint(w.frames_written(), ==, n);
	g_assert_true(file_contains(path, std::string("NETSCAPE2.0\x03\x01\x00\x00", 16)));

	Played p;
	play(path, n, &p);
	const int want[] = {30, 40, 30, 30, 40, 30, 30}; /* 3, 7, 10, 13, 17, 20, 23 cs */
	for (int k = 0; k < n; k++) {
		g_assert_cmpint(p.delays[k], ==, want[k]);
		assert_near(at(p.frames[k], 30, 20), colours[k], 4, "fill");
		assert_near(at(p.frames[k], 9, 9), colours[(k + 3) % n], 4, "square");
	}
}

void test_sixty_fps_drops_short_frames()
{
	std::string path = temp_path("sixty.gif");
	GifWriter w;
	g_autoptr(GError) error = nullptr;
	g_assert_true(w.open(path, W, H, &error));
	for (int k = 0; k < 60; k++) {
		Rgb c = {k * 4, 255 - k * 4, 0};
		std::vector<uint8_t> px = frame(c, c);
		g_assert_true(w.add_frame(px.data(), W * 4,
		                          gst_util_uint64_scale(k, GST_SECOND, 60), &error));
	}
	g_assert_true(w.close(GST_SECOND, &error));
	/* 2 frames in 3 kept, 40 of 60: delays of 2, 3, 2, 3 ... hundredths */
	g_assert_cmpuint(w.frames_written(), ==, 40);
	Played p;
	play(path, 40, &p);
	int total = 0;
	for (int k = 0; k < 40; k++) {
		g_assert_cmpint(p.delays[k], ==, k % 2 == 0 ? 20 : 30);
		total += p.delays[k];
	}
	g_assert_cmpint(total, ==, 1000);
	/* frame 1 of the file is source frame 1 (at 1.67 cs = 2), frame 2 is source frame 3 */
	assert_near(at(p.frames[1], 30, 20), {4, 251, 0}, 6, "second frame");
	assert_near(at(p.frames[2], 30, 20), {12, 243, 0}, 6, "third frame");
}

void test_many_colours_quantised()
{
	std::string path = temp_path("gradient.gif");
	std::vector<uint8_t> px(W * H * 4);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			uint8_t *p = &px[(y * W + x) * 4];
			p[0] = uint8_t(y * 255 / (H - 1)), p[1] = 60,
			p[2] = uint8_t(x * 255 / (W - 1));
		}
	GifWriter w;
	g_autoptr(GError) error = nullptr;
	g_assert_true(w.open(path, W, H, &error));
	g_assert_true(w.add_frame(px.data(), W * 4, 0, &error));
	g_assert_true(w.close(GST_SECOND / 10, &error));
	g_autoptr(GdkPixbuf) pb = gdk_pixbuf_new_from_file(path.c_str(), &error);
	g_assert_no_error(error);
	/* 1200 colours in 256 (median cut): each pixel near its own */
	for (int y = 0; y < H; y += 7)
		for (int x = 0; x < W; x += 9)
			assert_near(at(pb, x, y), {x * 255 / (W - 1), 60, y * 255 / (H - 1)}, 40,
			            "gradient");
}

void test_errors()
{
	GifWriter w;
	g_autoptr(GError) error = nullptr;
	g_assert_false(w.open("/nonexistent-dir/x.gif", W, H, &error));
	g_assert_error(error, JTL_ERROR, JTL_ERROR_IO);
	g_assert_nonnull(strstr(error->message, "/nonexistent-dir/x.gif"));
	g_clear_error(&error);
	std::vector<uint8_t> px = frame({0, 0, 0}, {0, 0, 0});
	g_assert_false(w.add_frame(px.data(), W * 4, 0, &error));
	g_assert_nonnull(error);
	g_clear_error(&error);
	GifWriter big;
	g_assert_false(big.open(temp_path("big.gif"), 70000, 10, &error));
	g_assert_nonnull(strstr(error->message, "70000x10"));
}

} /* namespace */

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/gif/centiseconds", test_centiseconds);
	g_test_add_func("/gif/colours-delays-loop", test_colours_delays_loop);
	g_test_add_func("/gif/sixty-fps", test_sixty_fps_drops_short_frames);
	g_test_add_func("/gif/quantised", test_many_colours_quantised);
	g_test_add_func("/gif/errors", test_errors);
	return g_test_run();
}
