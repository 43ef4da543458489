// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the filter looks: names, identity at amount 0, each look's direction on known
// colours, mixing, clamping.
#include <glib.h>

#include <cstdint>
#include <cstdlib>

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
	/* absolute-red: green becomes grey, red stays red */
	Bgra green = apply("absolute-red", 1.0, Bgra{0, 255, 0, 255});
	g_assert_cmpint(green.g, ==, green.b);
	g_assert_cmpint(green.r, ==, 0);
	Bgra red = apply("absolute-red", 1.0, Bgra{0, 0, 255, 255});
	g_assert_cmpint(red.r, ==, 255);
	g_assert_cmpint(red.g, <, 80);
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
	return g_test_run();
}
