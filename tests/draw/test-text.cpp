// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of text layout without a pipeline: CSS line boxes, line breaks that do not change
// with the scale, the overflow drawn around the box, the one missing-font warning.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <glib.h>

#include <jsontimeline/draw.h>

using namespace jtl;

namespace {

TextStyle style(const std::string &family, double size, double line_height)
{
	TextStyle st;
	st.font_family = family;
	st.font_size = size;
	st.line_height = line_height;
	st.align = TextAlign::Center;
	st.color = "#ffffff";
	return st;
}

/* Runs of rows holding ink (alpha over 128): [first, last] each. */
std::vector<std::pair<int, int>> ink_bands(const Raster &r)
{
	std::vector<std::pair<int, int>> out;
	for (int y = 0; y < r.height; y++) {
		bool ink = false;
		for (int x = 0; x < r.width && !ink; x++)
			ink = (r.bgra(x, y) & 0xff) > 128;
		if (!ink)
			continue;
		if (!out.empty() && out.back().second == y - 1)
			out.back().second = y;
		else
			out.emplace_back(y, y);
	}
	return out;
}

} /* namespace */

/* Lines are lineHeight x the font size apart (CSS), not x the font's own height. */
static void test_line_boxes()
{
	const double cases[][2] = {{50, 1.0}, {50, 1.5}, {40, 0.8}, {100, 1.0}, {24, 2.0}};
	for (const auto &c : cases) {
		double size = c[0], lh = c[1];
		int h = int(3 * lh * size) + 40;
		for (double scale : {1.0, 0.5}) {
			Raster r = draw_text("H\nH\nH", style("DejaVu Sans", size, lh), 200 * scale,
			                     h * scale, scale, nullptr);
			std::vector<std::pair<int, int>> bands = ink_bands(r);
			g_assert_cmpuint(bands.size(), ==, 3);
			double want = lh * size * scale;
			for (int i = 1; i < 3; i++) {
				g_assert_cmpfloat(
				        std::abs(bands[i].first - bands[i - 1].first - want), <=,
				        1.0);
				g_assert_cmpfloat(
				        std::abs(bands[i].second - bands[i - 1].second - want), <=,
				        1.0);
			}
			/* the block centred: the middle line's cap is centred in the box, up to
			 * where the cap sits in its line box (same above and below, the
			 * half-leadings being equal) */
			double mid = (bands[1].first + bands[1].second + 1) / 2.0;
			double gap = mid - r.height / 2.0;
			Raster one = draw_text("H", style("DejaVu Sans", size, lh), 200 * scale,
			                       h * scale, scale, nullptr);
			std::vector<std::pair<int, int>> b1 = ink_bands(one);
			g_assert_cmpuint(b1.size(), ==, 1);
			double gap1 = (b1[0].first + b1[0].second + 1) / 2.0 - one.height / 2.0;
			g_assert_cmpfloat(std::abs(gap - gap1), <=, 1.0);
		}
	}
	g_assert_cmpint(text_line_count("a\nb\nc", style("DejaVu Sans", 40, 1.0), 300, 1.0), ==, 3);
}

/* The same line breaks at every scale: the product page's "Hello World" in its box
 * fitted to it, and a paragraph, from 0.25 to 2 in steps of 0.01. */
static void test_breaks_do_not_change_with_the_scale()
{
	TextStyle hello = style("Roboto", 80, 1.2);
	hello.font_style.weight = "400";
	TextStyle para = style("DejaVu Sans", 31, 1.2);
	const std::string words = "The quick brown fox jumps over the lazy dog, again and "
	                          "again, until the evening comes";
	int para_lines = text_line_count(words, para, 377, 1.0);
	g_assert_cmpint(para_lines, >, 3);
	for (int i = 25; i <= 200; i++) {
		double scale = i / 100.0;
		g_assert_cmpint(text_line_count("Hello World", hello, 411 * scale, scale), ==, 1);
		g_assert_cmpint(text_line_count(words, para, 377 * scale, scale), ==, para_lines);
	}
	/* the width where "Hello World" starts to wrap is the same at every scale (to a
	 * hundredth of a pixel of the composition) */
	double lo = 200, hi = 411;
	while (hi - lo > 0.01) {
		double mid = (lo + hi) / 2;
		(text_line_count("Hello World", hello, mid, 1.0) == 1 ? hi : lo) = mid;
	}
	for (double scale : {0.25, 0.3, 0.5, 0.7, 0.75, 0.8, 0.9, 1.5, 2.0}) {
		g_assert_cmpint(text_line_count("Hello World", hello, (hi + 0.01) * scale, scale),
		                ==, 1);
		g_assert_cmpint(text_line_count("Hello World", hello, (lo - 0.01) * scale, scale),
		                ==, 2);
	}
}

/* Text that overflows its box is drawn around it; its lines overflowing is said. */
static void test_overflow()
{
	TextStyle st = style("DejaVu Sans", 40, 1.0);
	TextOverflow o = text_overflow("H\nH\nH", st, 200, 40, 1.0);
	g_assert_true(o.lines_overflow);
	g_assert_cmpint(o.top, >=, 25);
	g_assert_cmpint(o.bottom, >=, 25);
	g_assert_cmpint(o.left, ==, 0);
	/* cut at the box without room: one line */
	Raster cut = draw_text("H\nH\nH", st, 200, 40, 1.0, nullptr);
	g_assert_cmpint(cut.height, ==, 40);
	g_assert_cmpuint(ink_bands(cut).size(), ==, 1);
	/* with room: all three, the box at (left, top) of the picture */
	TextOverflow room{500, 500, 500, 500};
	Raster grown = draw_text("H\nH\nH", st, 200, 40, 1.0, nullptr, &room);
	g_assert_cmpint(room.top, ==, o.top);
	g_assert_cmpint(room.bottom, ==, o.bottom);
	g_assert_cmpint(grown.height, ==, 40 + room.top + room.bottom);
	g_assert_cmpint(grown.width, ==, 200);
	std::vector<std::pair<int, int>> bands = ink_bands(grown);
	g_assert_cmpuint(bands.size(), ==, 3);
	g_assert_cmpint(bands[0].first, <, room.top);
	g_assert_cmpint(bands[2].second, >=, room.top + 40);
	/* room is a bound */
	TextOverflow some{0, 10, 0, 10};
	Raster bounded = draw_text("H\nH\nH", st, 200, 40, 1.0, nullptr, &some);
	g_assert_cmpint(some.top, ==, 10);
	g_assert_cmpint(bounded.height, ==, 60);
	/* descenders past the line box of one line: drawn, not an overflow of the lines */
	TextOverflow d = text_overflow("gjpq", st, 200, 40, 1.0);
	g_assert_false(d.lines_overflow);
	g_assert_cmpint(d.bottom, >, 0);
	/* glyphs an animation moves out of the box */
	TextFrame frame;
	frame.look = [](const GlyphPlace &, GlyphLook *look) { look->dx = 150; };
	TextOverflow wide{500, 500, 500, 500};
	Raster moved = draw_text_frame("HI", st, 100, 40, 1.0, frame, nullptr, &wide);
	g_assert_cmpint(wide.right, >, 50);
	g_assert_cmpint(wide.left, ==, 0);
	g_assert_cmpint(moved.width, ==, 100 + wide.right);
	bool right_ink = false;
	for (int y = 0; y < moved.height; y++)
		for (int x = 100; x < moved.width; x++)
			right_ink = right_ink || (moved.bgra(x, y) & 0xff) > 128;
	g_assert_true(right_ink);
}

/* One warning for a missing family, from every way text is drawn. */
static void test_missing_font_warning()
{
	g_assert_true(missing_font_warning("DejaVu Sans").empty());
	g_assert_true(missing_font_warning("").empty());
	std::string want = "font family \"NoSuchFamilyX\" is not installed; using \"DejaVu Sans\"";
	std::string got = missing_font_warning("NoSuchFamilyX");
	g_assert_cmpstr(got.c_str(), ==, want.c_str());
	TextStyle st = style("NoSuchFamilyX", 20, 1.2);
	std::string a, b;
	draw_text("Hi", st, 100, 40, 1.0, &a);
	draw_text_frame("Hi", st, 100, 40, 1.0, TextFrame{}, &b);
	g_assert_cmpstr(a.c_str(), ==, want.c_str());
	g_assert_cmpstr(b.c_str(), ==, want.c_str());
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/text/line-boxes", test_line_boxes);
	g_test_add_func("/text/breaks-do-not-change-with-the-scale",
	                test_breaks_do_not_change_with_the_scale);
	g_test_add_func("/text/overflow", test_overflow);
	g_test_add_func("/text/missing-font-warning", test_missing_font_warning);
	return g_test_run();
}
