// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the filter looks: names, identity at amount 0, each look's direction on known
// colours and its documented intent on a colour chart, mixing, clamping.
#include <glib.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <jsontimeline/adjust.h>
#include <jsontimeline/filters.h>

struct Bgra {
	uint8_t b, g, r, a;
};

static Bgra apply(const char *name, double amount, Bgra in)
{
	std::optional<jtl::ColorMatrix> look = jtl::filter_matrix(name);
	g_assert_true(look.has_value());
	jtl::ColorMatrix m = jtl::mix_matrix(*look, amount);
	jtl::apply_matrix_bgra(m, reinterpret_cast<uint8_t *>(&in), 1);
	return in;
}

static void test_names()
{
	g_assert_cmpuint(jtl::filter_names().size(), ==, 8);
	for (const std::string &n : jtl::filter_names())
		g_assert_true(jtl::filter_matrix(n).has_value());
	g_assert_false(jtl::filter_matrix("sepia").has_value());
}

static void test_identity_and_alpha()
{
	for (const std::string &n : jtl::filter_names()) {
		Bgra px = apply(n.c_str(), 0.0, Bgra{10, 120, 230, 77});
		g_assert_cmpint(px.b, ==, 10);
		g_assert_cmpint(px.g, ==, 120);
		g_assert_cmpint(px.r, ==, 230);
		g_assert_cmpint(px.a, ==, 77);
		/* alpha is never touched */
		g_assert_cmpint(apply(n.c_str(), 1.0, Bgra{10, 120, 230, 77}).a, ==, 77);
	}
}

static void test_looks()
{
	const Bgra grey{128, 128, 128, 255};
	Bgra v = apply("verdant-glow", 1.0, grey);
	g_assert_cmpint(v.g, >, v.r);
	g_assert_cmpint(v.g, >, v.b);
	Bgra s = apply("sunset-orange", 1.0, grey);
	g_assert_cmpint(s.r, >, s.g);
	g_assert_cmpint(s.g, >, s.b);
	Bgra vw = apply("vaporwave-blue", 1.0, grey);
	g_assert_cmpint(vw.b, >, vw.r);
	Bgra t = apply("twilight-dusk", 1.0, grey);
	g_assert_cmpint(t.b, >, t.g);
	g_assert_cmpint(t.r + t.g + t.b, <, 3 * 128);
	Bgra c = apply("cyberpunk-neon", 1.0, grey);
	g_assert_cmpint(c.g, <, c.r);
	g_assert_cmpint(c.g, <, c.b);
	Bgra p = apply("sakura-pink", 1.0, grey);
	g_assert_cmpint(p.r, >, p.g);
	Bgra l = apply("lemon-cyan", 1.0, grey);
	g_assert_cmpint(l.g, >, l.r);
}

/* A colour chart through the looks as jtladjust applies them (Adjustment::apply_looks). */
struct Rgb {
	int r, g, b;
};

static std::vector<Rgb> look_chart(const char *name, double amount, const std::vector<Rgb> &in)
{
	jtl::Adjustment a;
	const std::vector<std::string> &names = jtl::filter_names();
	a.looks[std::size_t(std::find(names.begin(), names.end(), name) - names.begin())] = amount;
	std::vector<uint8_t> px;
	for (const Rgb &c : in)
		px.insert(px.end(), {uint8_t(c.b), uint8_t(c.g), uint8_t(c.r), 200});
	a.apply_looks(px.data(), int(in.size()), 1, int(px.size()));
	std::vector<Rgb> out;
	for (std::size_t i = 0; i < in.size(); i++) {
		g_assert_cmpint(px[4 * i + 3], ==, 200);
		out.push_back(Rgb{px[4 * i + 2], px[4 * i + 1], px[4 * i]});
	}
	return out;
}

static int chroma(const Rgb &c)
{
	return std::max({c.r, c.g, c.b}) - std::min({c.r, c.g, c.b});
}

/* BT.601 lightness */
static int luma(const Rgb &c)
{
	return (299 * c.r + 587 * c.g + 114 * c.b + 500) / 1000;
}

static bool near(const Rgb &a, const Rgb &b, int tol)
{
	return std::abs(a.r - b.r) <= tol && std::abs(a.g - b.g) <= tol &&
	       std::abs(a.b - b.b) <= tol;
}

/* red, dark red, green, blue, a blue panel #2563eb, skin #e0ac69, then a grey ramp */
static const std::vector<Rgb> kChart = {{255, 0, 0},     {176, 28, 28},  {0, 255, 0},
                                        {0, 0, 255},     {37, 99, 235},  {224, 172, 105},
                                        {0, 0, 0},       {64, 64, 64},   {128, 128, 128},
                                        {192, 192, 192}, {255, 255, 255}};
enum { RED, DARK_RED, GREEN, BLUE, PANEL, SKIN, GREY0 };

/* absolute-red keeps reds and turns everything else grey (issue 15: it kept the red channel
 * of every colour, so the blue panel #2563eb came out teal, (37, 90, 90)) */
static void test_absolute_red_chart()
{
	std::vector<Rgb> out = look_chart("absolute-red", 1.0, kChart);
	g_assert_true(near(out[RED], kChart[RED], 0));
	g_assert_true(near(out[DARK_RED], kChart[DARK_RED], 0));
	for (int i : {GREEN, BLUE, PANEL}) {
		g_assert_cmpint(chroma(out[i]), <=, 1);
		/* the colour's own lightness (BT.601), not black */
		g_assert_cmpint(std::abs(out[i].g - luma(kChart[i])), <=, 1);
	}
	/* skin (hue 34 degrees) keeps some of its colour, less than before */
	g_assert_cmpint(chroma(out[SKIN]), <, chroma(kChart[SKIN]) / 2);
	g_assert_cmpint(chroma(out[SKIN]), >, 0);
	g_assert_cmpint(out[SKIN].r, >, out[SKIN].b);
	for (std::size_t i = GREY0; i < kChart.size(); i++)
		g_assert_true(near(out[i], kChart[i], 0));
	/* half the amount: the blue panel half way to grey, red still red */
	std::vector<Rgb> half = look_chart("absolute-red", 0.5, kChart);
	g_assert_true(near(half[RED], kChart[RED], 0));
	g_assert_cmpint(std::abs(chroma(half[PANEL]) - chroma(kChart[PANEL]) / 2), <=, 1);
	g_assert_cmpfloat(jtl::red_weight(255, 0, 0), ==, 1.0);
	g_assert_cmpfloat(jtl::red_weight(255, 0, 40), ==, 1.0); /* 9 degrees off */
	g_assert_cmpfloat(jtl::red_weight(0, 0, 255), ==, 0.0);
	g_assert_cmpfloat(jtl::red_weight(90, 90, 90), ==, 0.0);
}

/* each other look against its documented character on the chart's grey ramp */
static void test_looks_on_the_chart()
{
	auto ramp = [](const char *name) {
		std::vector<Rgb> out = look_chart(name, 1.0, kChart);
		return std::vector<Rgb>(out.begin() + GREY0, out.end());
	};
	/* verdant-glow: greens lifted (the green patch stays fully green) */
	std::vector<Rgb> verdant = ramp("verdant-glow");
	for (std::size_t i = 1; i + 1 < verdant.size(); i++)
		g_assert_true(verdant[i].g > verdant[i].r && verdant[i].g > verdant[i].b);
	g_assert_cmpint(look_chart("verdant-glow", 1.0, kChart)[GREEN].g, ==, 255);
	/* cyberpunk-neon: greens held down */
	for (const Rgb &c : ramp("cyberpunk-neon"))
		if (c.r > 0 && c.r < 255)
			g_assert_true(c.g < c.r && c.g < c.b);
	/* vaporwave-blue: blacks lifted towards blue-violet */
	Rgb black = ramp("vaporwave-blue")[0];
	g_assert_true(black.b > 0 && black.r > black.g && black.b > black.g);
	/* sunset-orange: warm, r > g > b through the mid-tones */
	for (int i = 1; i <= 3; i++) {
		Rgb c = ramp("sunset-orange")[std::size_t(i)];
		g_assert_true(c.r > c.g && c.g > c.b);
	}
	/* lemon-cyan: cyan shadows (g, b over r), yellow-green highlights (g, r over b) (issue
	 * 15: its highlights were cyan, #c0c0c0 -> (192, 219, 221)) */
	for (Rgb c : {ramp("lemon-cyan")[0], ramp("lemon-cyan")[1]})
		g_assert_true(c.g > c.r && c.b > c.r);
	for (Rgb c : {ramp("lemon-cyan")[3], ramp("lemon-cyan")[4]})
		g_assert_true(c.g >= c.r && c.r > c.b);
	/* sakura-pink: reds and blues over greens */
	for (int i = 1; i <= 3; i++) {
		Rgb c = ramp("sakura-pink")[std::size_t(i)];
		g_assert_true(c.r > c.g && c.b > c.g);
	}
	/* twilight-dusk: darker, towards blue */
	for (int i = 1; i <= 3; i++) {
		Rgb c = ramp("twilight-dusk")[std::size_t(i)], was = kChart[GREY0 + std::size_t(i)];
		g_assert_true(c.b > c.r && c.b > c.g);
		g_assert_cmpint(luma(c), <, luma(was));
	}
}

static void test_mix_and_clamp()
{
	const Bgra grey{128, 128, 128, 255};
	Bgra full = apply("sunset-orange", 1.0, grey), half = apply("sunset-orange", 0.5, grey);
	g_assert_cmpint(std::abs(int(half.r) - (128 + full.r) / 2), <=, 1);
	g_assert_cmpint(std::abs(int(half.b) - (128 + full.b) / 2), <=, 1);
	/* amounts beyond 0..1 are clamped */
	Bgra over = apply("sunset-orange", 3.0, grey);
	g_assert_cmpint(over.r, ==, full.r);
	/* results clamp to 255 */
	Bgra white = apply("cyberpunk-neon", 1.0, Bgra{255, 255, 255, 255});
	g_assert_cmpint(white.b, ==, 255);
	g_assert_cmpint(white.r, ==, 255);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/filters/names", test_names);
	g_test_add_func("/filters/identity-and-alpha", test_identity_and_alpha);
	g_test_add_func("/filters/looks", test_looks);
	g_test_add_func("/filters/mix-and-clamp", test_mix_and_clamp);
	g_test_add_func("/filters/absolute-red-chart", test_absolute_red_chart);
	g_test_add_func("/filters/looks-on-the-chart", test_looks_on_the_chart);
	return g_test_run();
}
