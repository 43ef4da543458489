// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of CSS colour parsing.
#include <initializer_list>

#include <glib.h>

#include <jsontimeline/color.h>

using namespace jtl;

static void expect(const char *text, uint32_t argb)
{
	std::optional<Color> c = parse_color(text);
	if (!c)
		g_error("%s did not parse", text);
	if (c->argb() != argb)
		g_error("%s: 0x%08x, want 0x%08x", text, c->argb(), argb);
}

static void test_hex()
{
	expect("#fff", 0xffffffff);
	expect("#F00", 0xffff0000);
	expect("#0f08", 0x8800ff00);
	expect("#111827", 0xff111827);
	expect("#39E508", 0xff39e508);
	expect("#11182780", 0x80111827);
	expect("  #abcdef  ", 0xffabcdef);
	for (const char *bad : {"#", "#12", "#12345", "#1234567", "#gggggg", "111827", ""})
		g_assert_false(parse_color(bad).has_value());
}

static void test_functions()
{
	expect("rgb(255, 0, 0)", 0xffff0000);
	expect("rgba(0, 0, 255, 0.5)", 0x800000ff);
	expect("RGBA(0,0,255,.25)", 0x400000ff);
	expect("rgb(100% 0% 50%)", 0xffff0080);
	expect("rgb(0 128 0 / 50%)", 0x80008000);
	expect("rgba(300, -5, 0, 2)", 0xffff0000); /* clamped */
	for (const char *bad : {"rgb(1, 2)", "rgb(1, 2, 3, 4, 5)", "rgb(a, b, c)", "hsl(0, 0%, 0%)",
	                        "rgb(1, 2, 3", "rgb(1 2 / 3)"})
		g_assert_false(parse_color(bad).has_value());
}

static void test_names()
{
	expect("white", 0xffffffff);
	expect("Black", 0xff000000);
	expect("transparent", 0x00000000);
	g_assert_false(parse_color("no-such-colour").has_value());
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/color/hex", test_hex);
	g_test_add_func("/color/functions", test_functions);
	g_test_add_func("/color/names", test_names);
	return g_test_run();
}
