// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of timed captions: SRT/WebVTT parsing, words, pages, highlight, animations, shaping.
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include <jsontimeline/captions.h>

using namespace jtl;

static void test_srt()
{
	std::string srt =
	        "\xEF\xBB\xBF"
	        "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello <i>there</i>\r\nfriend\r\n\r\n"
	        "2\n00:00:03,000 --> 00:00:04,000\nBye\n";
	std::vector<CaptionEntry> e;
	std::string error;
	g_assert_true(parse_subtitles(srt, &e, &error));
	g_assert_cmpuint(e.size(), ==, 2);
	g_assert_cmpstr(e[0].text.c_str(), ==, "Hello there friend");
	g_assert_cmpfloat(e[0].start_ms, ==, 1000);
	g_assert_cmpfloat(e[0].end_ms, ==, 2500);
	g_assert_cmpstr(e[1].text.c_str(), ==, "Bye");
	g_assert_cmpfloat(e[1].start_ms, ==, 3000);

	std::string bad = "1\n00:00:01,000 --> 00:00:xx,500\nHello\n";
	g_assert_false(parse_subtitles(bad, &e, &error));
	g_assert_nonnull(strstr(error.c_str(), "line 2"));
}

static void test_vtt()
{
	std::string vtt = "WEBVTT - a file\n\nNOTE a comment\nover lines\n\n"
	                  "intro\n00:01.000 --> 00:02.000 align:start line:0\n<v Bob>Hi</v>\n\n"
	                  "00:00:02.000 --> 00:00:03.250\nthere\n";
	std::vector<CaptionEntry> e;
	std::string error;
	g_assert_true(parse_subtitles(vtt, &e, &error));
	g_assert_cmpuint(e.size(), ==, 2);
	g_assert_cmpstr(e[0].text.c_str(), ==, "Hi");
	g_assert_cmpfloat(e[0].start_ms, ==, 1000);
	g_assert_cmpfloat(e[1].end_ms, ==, 3250);
}

static std::vector<CaptionEntry> words_1_to_8()
{
	/* "w1".."w8", 300 ms each from 0, a 1 s pause after w4 */
	std::vector<CaptionEntry> e;
	double t = 0;
	for (int i = 1; i <= 8; i++) {
		e.push_back(CaptionEntry{"w" + std::to_string(i) + " ", t, t + 300, {}, {}});
		t += 300;
		if (i == 4)
			t += 1000;
	}
	return e;
}

static void test_words()
{
	std::vector<CaptionWord> w = caption_words(words_1_to_8(), TimingGranularity::Word);
	g_assert_cmpuint(w.size(), ==, 8);
	g_assert_cmpstr(w[0].text.c_str(), ==, "w1");
	/* a line's words share its time by length */
	std::vector<CaptionEntry> line = {{"ab abcd", 0, 600, {}, {}}};
	w = caption_words(line, TimingGranularity::Line);
	g_assert_cmpuint(w.size(), ==, 2);
	g_assert_cmpfloat_with_epsilon(w[0].end_ms, 200, 1e-9);
	g_assert_cmpfloat_with_epsilon(w[1].start_ms, 200, 1e-9);
	g_assert_cmpfloat_with_epsilon(w[1].end_ms, 600, 1e-9);
}

static void test_pages()
{
	std::vector<CaptionWord> w = caption_words(words_1_to_8(), TimingGranularity::Word);
	/* 1 s pages, no line limit: w1-w3 (0-900), w4 (900-1200), w5-w7, w8 */
	std::vector<CaptionPage> p =
	        paginate_captions(w, TimingGranularity::Word, 1000, 9, nullptr);
	g_assert_cmpuint(p.size(), ==, 4);
	g_assert_cmpstr(p[0].text.c_str(), ==, "w1 w2 w3");
	g_assert_cmpstr(p[1].text.c_str(), ==, "w4");
	g_assert_cmpstr(p[2].text.c_str(), ==, "w5 w6 w7");
	/* a page lasts until the next one when that comes within the hold */
	g_assert_cmpfloat(p[0].end_ms, ==, 900);
	/* w4 ends at 1200, w5 starts at 2200: no hold */
	g_assert_cmpfloat(p[1].end_ms, ==, 1200);
	g_assert_cmpint(caption_page_at(p, 899), ==, 0);
	g_assert_cmpint(caption_page_at(p, 900), ==, 1);
	g_assert_cmpint(caption_page_at(p, 1500), ==, -1);
	g_assert_cmpint(caption_page_at(p, 2200), ==, 2);
	g_assert_cmpint(caption_page_at(p, -1), ==, -1);
	/* word bytes inside the page text */
	g_assert_cmpuint(p[2].words[1].byte, ==, 3);
	g_assert_cmpuint(p[2].words[1].length, ==, 2);
	/* line limit: one word per line, two lines a page */
	auto lines = [](const std::string &t) {
		return int(std::count(t.begin(), t.end(), ' ')) + 1;
	};
	p = paginate_captions(w, TimingGranularity::Word, 5000, 2, lines);
	g_assert_cmpuint(p.size(), ==, 4);
	for (const CaptionPage &page : p)
		g_assert_cmpuint(page.words.size(), ==, 2);
	/* the real line counter wraps at the box width */
	TextStyle st;
	st.font_size = 20;
	g_assert_cmpint(text_line_count("one two three four five six", st, 80, 1.0), >, 2);
	g_assert_cmpint(text_line_count("one", st, 80, 1.0), ==, 1);
	/* line timing: a page never spans two entries */
	std::vector<CaptionEntry> cues = {{"a b", 0, 400, {}, {}}, {"c d", 400, 800, {}, {}}};
	p = paginate_captions(caption_words(cues, TimingGranularity::Line), TimingGranularity::Line,
	                      5000, 5, nullptr);
	g_assert_cmpuint(p.size(), ==, 2);
	g_assert_cmpstr(p[1].text.c_str(), ==, "c d");
}

/* Pixels of a colour (within tol) in columns [x0, x1) */
static int count_colour(const Raster &r, int x0, int x1, uint8_t R, uint8_t G, uint8_t B,
                        int tol = 40)
{
	int n = 0;
	for (int y = 0; y < r.height; y++)
		for (int x = std::max(0, x0); x < std::min(r.width, x1); x++) {
			uint32_t p = r.bgra(x, y);
			int b = p >> 24, g = (p >> 16) & 255, rr = (p >> 8) & 255, a = p & 255;
			if (a > 200 && std::abs(rr - R) <= tol && std::abs(g - G) <= tol &&
			    std::abs(b - B) <= tol)
				n++;
		}
	return n;
}

/* The first and last columns holding a colour */
static void colour_span(const Raster &r, uint8_t R, uint8_t G, uint8_t B, int *x0, int *x1)
{
	*x0 = r.width;
	*x1 = -1;
	for (int x = 0; x < r.width; x++)
		if (count_colour(r, x, x + 1, R, G, B) > 0) {
			*x0 = std::min(*x0, x);
			*x1 = x;
		}
}

static CaptionPage one_page(const std::string &a, const std::string &b)
{
	std::vector<CaptionEntry> e = {{a, 0, 500, {}, {}}, {b, 500, 1000, {}, {}}};
	return paginate_captions(caption_words(e, TimingGranularity::Word), TimingGranularity::Word,
	                         5000, 2, nullptr)[0];
}

static void test_highlight()
{
	CaptionPage page = one_page("HELLO", "WORLD");
	TextStyle st;
	st.font_size = 24;
	st.color = "#ffffff";
	CaptionLook look;
	look.highlight_color = "#00ff00";
	/* at 250 ms the first word is green, the second white; at 750 ms the other way */
	Raster a = draw_text_frame(page.text, st, 240, 40, 1.0, caption_frame(page, 250, look),
	                           nullptr);
	int gx0, gx1, wx0, wx1;
	g_assert_cmpint(count_colour(a, 0, 240, 0, 255, 0), >, 40);
	colour_span(a, 0, 255, 0, &gx0, &gx1);
	colour_span(a, 255, 255, 255, &wx0, &wx1);
	g_assert_cmpint(gx1, <, wx0);
	Raster b = draw_text_frame(page.text, st, 240, 40, 1.0, caption_frame(page, 750, look),
	                           nullptr);
	colour_span(b, 0, 255, 0, &gx0, &gx1);
	colour_span(b, 255, 255, 255, &wx0, &wx1);
	g_assert_cmpint(wx1, <, gx0);
	g_assert_cmpint(caption_highlight(page, 1000, look), ==, -1);
	g_assert_false(caption_animating(page, 250, look));
	/* right to left: the first word (logical) is on the right */
	CaptionPage rtl = one_page("שלום", "עולם");
	st.direction = TextDirection::Rtl;
	st.align = TextAlign::Right;
	Raster c =
	        draw_text_frame(rtl.text, st, 240, 40, 1.0, caption_frame(rtl, 250, look), nullptr);
	g_assert_cmpint(count_colour(c, 0, 240, 0, 255, 0), >, 20);
	colour_span(c, 0, 255, 0, &gx0, &gx1);
	colour_span(c, 255, 255, 255, &wx0, &wx1);
	g_assert_cmpint(wx1, <, gx0);
}

static int ink(const Raster &r, int x0 = 0, int x1 = 1 << 30)
{
	int n = 0;
	for (int y = 0; y < r.height; y++)
		for (int x = std::max(0, x0); x < std::min(r.width, x1); x++)
			n += (r.bgra(x, y) & 255) > 100;
	return n;
}

static CaptionLook animated(CaptionAnimationType type, const char *slot, int ms)
{
	CaptionLook look;
	CaptionAnimation a;
	a.type = type;
	a.duration = ms_to_ticks(ms);
	if (std::string(slot) == "in")
		look.animations.in = a;
	else if (std::string(slot) == "out")
		look.animations.out = a;
	else
		look.animations.loop = a;
	return look;
}

static void test_animations()
{
	CaptionPage page = one_page("ABCDEF", "GHIJKL");
	TextStyle st;
	st.font_size = 20;
	st.align = TextAlign::Center;
	auto draw = [&](const CaptionLook &look, double t) {
		return draw_text_frame(page.text, st, 300, 40, 1.0, caption_frame(page, t, look),
		                       nullptr);
	};
	int full = ink(draw(CaptionLook{}, 500));
	g_assert_cmpint(full, >, 300);
	/* typewriter in over 400 ms: nothing at 0, about half at 200 ms, all from 400 ms */
	CaptionLook tw = animated(CaptionAnimationType::Typewriter, "in", 400);
	g_assert_cmpint(ink(draw(tw, 0)), ==, 0);
	int half = ink(draw(tw, 200));
	g_assert_cmpint(half, >, full * 3 / 10);
	g_assert_cmpint(half, <, full * 7 / 10);
	/* the left half is written first */
	Raster h = draw(tw, 200);
	g_assert_cmpint(ink(h, 150, 300), <, ink(h, 0, 150) / 4);
	g_assert_cmpint(ink(draw(tw, 400)), ==, full);
	g_assert_true(caption_animating(page, 100, tw));
	g_assert_false(caption_animating(page, 500, tw));
	/* center-type-out: the middle first */
	Raster c = draw(animated(CaptionAnimationType::CenterTypeOut, "in", 400), 150);
	g_assert_cmpint(ink(c, 120, 180), >, 0);
	g_assert_cmpint(ink(c, 0, 90) + ink(c, 210, 300), ==, 0);
	/* curtain-close out over 400 ms: closes towards the centre, gone at the end */
	CaptionLook cc = animated(CaptionAnimationType::CurtainClose, "out", 400);
	Raster k = draw(cc, 900); /* a quarter open: columns 112-188 */
	g_assert_cmpint(ink(k, 0, 110) + ink(k, 190, 300), ==, 0);
	g_assert_cmpint(ink(k, 120, 180), >, 0);
	g_assert_cmpint(ink(draw(cc, 999.9)), <, full / 50);
	/* elastic-pop: glyphs grow from nothing */
	CaptionLook ep = animated(CaptionAnimationType::ElasticPop, "in", 400);
	g_assert_cmpint(ink(draw(ep, 0)), ==, 0);
	g_assert_cmpint(ink(draw(ep, 400)), ==, full);
	/* converge and lay-down start hidden and end in place */
	for (CaptionAnimationType t :
	     {CaptionAnimationType::Converge, CaptionAnimationType::LayDown}) {
		CaptionLook l = animated(t, "in", 400);
		g_assert_cmpint(ink(draw(l, 0)), ==, 0);
		g_assert_cmpint(ink(draw(l, 400)), ==, full);
	}
	/* rainbow loop: several hues at once */
	Raster rb = draw(animated(CaptionAnimationType::Rainbow, "loop", 1000), 100);
	g_assert_cmpint(count_colour(rb, 0, 300, 255, 0, 0, 90) +
	                        count_colour(rb, 0, 300, 0, 255, 0, 90) +
	                        count_colour(rb, 0, 300, 0, 0, 255, 90),
	                >, 30);
	g_assert_cmpint(count_colour(rb, 0, 300, 255, 255, 255, 30), <, full / 5);
	/* jitter moves glyphs from frame to frame */
	CaptionLook j = animated(CaptionAnimationType::Jitter, "loop", 1000);
	g_assert_true(draw(j, 100).data != draw(j, 140).data);
	/* sweep-shine: white text stays white; on a red text the band is lighter */
	st.color = "#ff0000";
	Raster sh = draw(animated(CaptionAnimationType::SweepShine, "loop", 1000), 500);
	g_assert_cmpint(count_colour(sh, 0, 300, 255, 200, 200, 50), >, 0);
	g_assert_cmpint(count_colour(draw(CaptionLook{}, 500), 0, 300, 255, 200, 200, 50), ==, 0);
}

static void test_shaping()
{
	TextStyle st;
	st.font_size = 32;
	/* scripts installed fonts cover: no missing-glyph boxes */
	g_assert_cmpint(text_unknown_glyphs("שלום עולם", st, 400, 1.0), ==, 0);
	g_assert_cmpint(text_unknown_glyphs("مرحبا بالعالم", st, 400, 1.0), ==, 0);
	g_assert_cmpint(text_unknown_glyphs("你好世界", st, 400, 1.0), ==, 0);
	g_assert_cmpint(text_unknown_glyphs("e\xCC\x81 n\xCC\x83", st, 400, 1.0), ==, 0);
	/* family emoji (ZWJ sequence) and a flag: one glyph each, drawn in colour */
	std::string family =
	        "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
	std::string flag = "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7";
	g_assert_cmpint(text_unknown_glyphs(family + flag, st, 400, 1.0), ==, 0);
	std::set<std::size_t> glyph_bytes;
	TextFrame f;
	f.look = [&](const GlyphPlace &g, GlyphLook *) { glyph_bytes.insert(g.byte); };
	Raster e = draw_text_frame(family + flag, st, 400, 60, 1.0, f, nullptr);
	g_assert_cmpuint(glyph_bytes.size(), ==, 2);
	int coloured = 0;
	for (int y = 0; y < e.height; y++)
		for (int x = 0; x < e.width; x++) {
			uint32_t p = e.bgra(x, y);
			int b = p >> 24, g = (p >> 16) & 255, r = (p >> 8) & 255;
			if ((p & 255) > 200 && std::max({r, g, b}) - std::min({r, g, b}) > 80)
				coloured++;
		}
	g_assert_cmpint(coloured, >, 200);
	/* a private-use character has no glyph: Pango's box, in the text colour only */
	g_assert_cmpint(text_unknown_glyphs("\xEE\x80\x80", st, 400, 1.0), ==, 1);
	Raster box =
	        draw_text_frame("\xEE\x80\x80\xEE\x80\x80", st, 400, 60, 1.0, TextFrame{}, nullptr);
	int box_ink = 0, box_coloured = 0;
	for (int y = 0; y < box.height; y++)
		for (int x = 0; x < box.width; x++) {
			uint32_t p = box.bgra(x, y);
			int b = p >> 24, g = (p >> 16) & 255, r = (p >> 8) & 255;
			box_ink += (p & 255) > 100;
			box_coloured +=
			        (p & 255) > 200 && std::max({r, g, b}) - std::min({r, g, b}) > 80;
		}
	g_assert_cmpint(box_ink, >, 50);
	g_assert_cmpint(box_coloured, ==, 0);
	/* Hebrew letters are glyphs, not four boxes like the reference */
	Raster heb = draw_text_frame("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", st, 400, 60, 1.0,
	                             TextFrame{}, nullptr);
	Raster boxes = draw_text_frame("\xEE\x80\x80\xEE\x80\x80\xEE\x80\x80\xEE\x80\x80", st, 400,
	                               60, 1.0, TextFrame{}, nullptr);
	int differ = 0, heb_ink = 0;
	for (int y = 0; y < heb.height; y++)
		for (int x = 0; x < heb.width; x++) {
			heb_ink += (heb.bgra(x, y) & 255) > 100;
			differ +=
			        ((heb.bgra(x, y) & 255) > 100) != ((boxes.bgra(x, y) & 255) > 100);
		}
	g_assert_cmpint(heb_ink, >, 100);
	g_assert_cmpint(differ, >, heb_ink / 2);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/captions/srt", test_srt);
	g_test_add_func("/captions/vtt", test_vtt);
	g_test_add_func("/captions/words", test_words);
	g_test_add_func("/captions/pages", test_pages);
	g_test_add_func("/captions/highlight", test_highlight);
	g_test_add_func("/captions/animations", test_animations);
	g_test_add_func("/captions/shaping", test_shaping);
	return g_test_run();
}
