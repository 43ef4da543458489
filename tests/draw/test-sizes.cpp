// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the size budgets: compositor pad boxes, image decoding within a pixel budget,
// strings from documents quoted in messages.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include <jsontimeline/diagnostics.h>
#include <jsontimeline/draw.h>
#include <jsontimeline/plan.h>

using namespace jtl;

static void test_pad_boxes()
{
	/* a full-frame item zoomed 4x each way fits; a 100000 px one does not */
	g_assert_true(pad_box_fits({-2880, -1620, 7680, 4320}, 1920, 1080));
	g_assert_false(pad_box_fits({-50000, -50000, 100000, 100000}, 1920, 1080));
	g_assert_false(pad_box_fits({0, 0, 1e6, 10}, 1920, 1080));    /* > 16384 a side */
	g_assert_false(pad_box_fits({0, 0, 16000, 16000}, 320, 240)); /* > 16 outputs */
	g_assert_false(pad_box_fits({NAN, 0, 10, 10}, 320, 240));
	g_assert_false(pad_box_fits({1e12, 0, 10, 10}, 320, 240));
	/* shows: within the output and 64 px around it */
	g_assert_true(pad_box_shows({-100, -100, 40, 40}, 320, 240));
	g_assert_false(pad_box_shows({-200, 0, 100, 10}, 320, 240));
	g_assert_false(pad_box_shows({1e7, 1e7, 1e6, 1e6}, 320, 240));
	/* cut: to the output and the margin */
	PadBox b = {-50000, -50000, 100000, 100000};
	g_assert_true(cut_pad_box(&b, 320, 240));
	g_assert_cmpfloat(b.x, ==, -64);
	g_assert_cmpfloat(b.y, ==, -64);
	g_assert_cmpfloat(b.w, ==, 320 + 128);
	g_assert_cmpfloat(b.h, ==, 240 + 128);
	PadBox half = {160, 0, 1e6, 240};
	g_assert_true(cut_pad_box(&half, 320, 240));
	g_assert_cmpfloat(half.x, ==, 160);
	g_assert_cmpfloat(half.w, ==, 160 + 64);
	PadBox away = {5000, 0, 1e6, 240};
	g_assert_false(cut_pad_box(&away, 320, 240));
}

static void test_quote_user_text()
{
	std::string roboto = quote_user_text("Roboto");
	g_assert_cmpstr(roboto.c_str(), ==, "\"Roboto\"");
	std::string long_name(50000, 'F');
	std::string q = quote_user_text(long_name);
	g_assert_cmpuint(q.size(), <, 140);
	g_assert_true(q.find(std::string(100, 'F')) != std::string::npos);
	g_assert_true(q.find(std::string(101, 'F')) == std::string::npos);
	g_assert_true(q.find("50000 bytes") != std::string::npos);
	/* cut between characters, never inside one */
	std::string e;
	for (int i = 0; i < 150; i++)
		e += "\xc3\xa9"; /* é */
	std::string qe = quote_user_text(e, 10);
	g_assert_true(g_utf8_validate(qe.c_str(), -1, nullptr));
	g_assert_true(qe.find(std::string("\xc3\xa9") + "\xe2\x80\xa6") != std::string::npos);
}

static uint32_t crc32(const std::string &bytes)
{
	uint32_t c = 0xffffffffu;
	for (unsigned char b : bytes) {
		c ^= b;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return c ^ 0xffffffffu;
}

static std::string be32(uint32_t v)
{
	return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

static std::string chunk(const std::string &kind, const std::string &data)
{
	return be32(uint32_t(data.size())) + kind + data + be32(crc32(kind + data));
}

/* The start of a grey PNG of w x h: signature and header, then a few bytes of data
 * (the loader must stop at the header). */
static std::string png_header(uint32_t w, uint32_t h)
{
	std::string ihdr = be32(w) + be32(h) + std::string("\x08\x00\x00\x00\x00", 5);
	return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) +
	       chunk("IDAT", std::string("\x78\xda\x00\x00\x00\xff\xff", 7));
}

static std::string temp_file(const char *name, const std::string &bytes)
{
	g_autofree gchar *dir = g_dir_make_tmp("jtl-sizes-XXXXXX", nullptr);
	g_assert_nonnull(dir);
	std::string path = std::string(dir) + "/" + name;
	g_assert_true(
	        g_file_set_contents(path.c_str(), bytes.data(), gssize(bytes.size()), nullptr));
	return path;
}

static void test_decode_refuses_a_bomb_from_its_header()
{
	std::string path = temp_file("bomb.png", png_header(30000, 30000));
	std::string error;
	GdkPixbuf *pb = decode_image(path, 100, 100, &error);
	g_assert_null(pb);
	g_assert_true(error.find("30000 x 30000") != std::string::npos);
	g_assert_true(error.find(path) == std::string::npos); /* no path in the message */
	g_unlink(path.c_str());
}

static void test_decode_scales_down_on_load()
{
	GdkPixbuf *src = gdk_pixbuf_new(GDK_COLORSPACE_RGB, FALSE, 8, 400, 200);
	gdk_pixbuf_fill(src, 0xff0000ff);
	gchar *buf = nullptr;
	gsize len = 0;
	g_assert_true(gdk_pixbuf_save_to_buffer(src, &buf, &len, "png", nullptr, nullptr));
	g_object_unref(src);
	std::string path = temp_file("wide.png", std::string(buf, len));
	g_free(buf);
	std::string error;
	GdkPixbuf *pb = decode_image(path, 100, 100, &error);
	g_assert_nonnull(pb);
	g_assert_cmpint(gdk_pixbuf_get_width(pb), ==, 100);
	g_assert_cmpint(gdk_pixbuf_get_height(pb), ==, 50);
	g_object_unref(pb);
	pb = decode_image(path, 0, 0, &error); /* no bound: as it is */
	g_assert_nonnull(pb);
	g_assert_cmpint(gdk_pixbuf_get_width(pb), ==, 400);
	g_object_unref(pb);
	g_unlink(path.c_str());
	g_assert_null(decode_image(path, 10, 10, &error)); /* gone */
	g_assert_true(error.find(path) == std::string::npos);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/sizes/pad-boxes", test_pad_boxes);
	g_test_add_func("/sizes/quote-user-text", test_quote_user_text);
	g_test_add_func("/sizes/decode-bomb-header", test_decode_refuses_a_bomb_from_its_header);
	g_test_add_func("/sizes/decode-scales-down", test_decode_scales_down_on_load);
	return g_test_run();
}
