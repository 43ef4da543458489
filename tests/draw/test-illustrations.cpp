// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the built-in illustrations: names, rendering, recolouring, lookup safety.
#include <string>
#include <vector>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <jsontimeline/illustrations.h>

using namespace jtl;

static int opaque_pixels(const Raster &r)
{
	int n = 0;
	for (std::size_t i = 3; i < r.data.size(); i += 4)
		n += r.data[i] > 128;
	return n;
}

static void test_names()
{
	std::vector<std::string> names = illustration_names();
	g_assert_cmpuint(names.size(), >=, 20);
	for (std::size_t i = 1; i < names.size(); i++)
		g_assert_cmpstr(names[i - 1].c_str(), <, names[i].c_str());
	for (const char *expected : {"star", "heart", "arrow-right", "check", "rocket", "clock"})
		g_assert_false(illustration_path(expected).empty());
	/* every one draws something, and not a filled box */
	for (const std::string &name : names) {
		Raster r;
		std::string error;
		g_assert_true(draw_illustration(name, "#000000", 64, 64, true, &r, &error));
		g_assert_cmpint(r.width, ==, 64);
		g_assert_cmpint(r.height, ==, 64);
		int n = opaque_pixels(r);
		if (n < 64 * 64 / 20 || n > 64 * 64 * 9 / 10)
			g_error("%s: %d opaque pixels of %d", name.c_str(), n, 64 * 64);
	}
}

static void test_recolour()
{
	for (const std::string &name : illustration_names()) {
		Raster r;
		std::string error;
		g_assert_true(draw_illustration(name, "#ff0000", 48, 48, true, &r, &error));
		int red = 0;
		for (int y = 0; y < r.height; y++) {
			for (int x = 0; x < r.width; x++) {
				uint32_t p = r.bgra(x, y);
				uint32_t b = p >> 24, g = (p >> 16) & 0xff, rr = (p >> 8) & 0xff,
				         a = p & 0xff;
				if (a >= 16 && (rr < 240 || g > 8 || b > 8))
					g_error("%s: pixel %d,%d is %08x, not red", name.c_str(), x,
					        y, p);
				red += a == 255 && rr == 255 && g == 0 && b == 0;
			}
		}
		g_assert_cmpint(red, >, 48);
	}
	/* another colour, and its alpha applied to the whole drawing */
	Raster blue, half;
	std::string error;
	g_assert_true(draw_illustration("heart", "blue", 64, 64, false, &blue, &error));
	g_assert_cmphex(blue.bgra(32, 40), ==, 0xff0000ff);
	g_assert_true(
	        draw_illustration("heart", "rgba(0, 255, 0, 0.5)", 64, 64, false, &half, &error));
	g_assert_cmphex(half.bgra(32, 40), ==, 0x00ff0080);
	g_assert_false(draw_illustration("heart", "not-a-colour", 64, 64, false, &half, &error));
	g_assert_true(error.find("not-a-colour") != std::string::npos);
}

static void test_aspect_ratio()
{
	/* "plus": a bar across 6..94 of the width at mid height (round caps included) */
	Raster fitted, stretched;
	std::string error;
	g_assert_true(draw_illustration("plus", "#000000", 128, 64, true, &fitted, &error));
	g_assert_true(draw_illustration("plus", "#000000", 128, 64, false, &stretched, &error));
	for (int x = 0; x < 34; x++)
		g_assert_cmphex(fitted.bgra(x, 32) & 0xff, ==, 0);
	g_assert_cmphex(fitted.bgra(64, 32) & 0xff, ==, 255);
	g_assert_cmphex(stretched.bgra(24, 32) & 0xff, ==, 255);
	g_assert_cmphex(stretched.bgra(104, 32) & 0xff, ==, 255);
}

static void test_unknown()
{
	Raster r;
	std::string error;
	g_assert_false(draw_illustration("no-such-thing", "#000000", 32, 32, true, &r, &error));
	g_assert_true(error.find("no-such-thing") != std::string::npos);
	g_assert_true(error.find(illustration_names().front()) != std::string::npos);
	for (const char *bad : {"../etc/passwd", "../illustrations/star", "a/b", "star/", ".star",
	                        "..", "", "\\star"}) {
		g_assert_true(illustration_path(bad).empty());
		error.clear();
		g_assert_false(draw_illustration(bad, "#000000", 32, 32, true, &r, &error));
		g_assert_false(error.empty());
	}
}

/* --missing-illustration: the policy's names, the placeholder's picture, the diagnostics */
static void test_placeholder()
{
	MissingIllustration m = MissingIllustration::Error;
	g_assert_true(parse_missing_illustration("placeholder", &m));
	g_assert_true(m == MissingIllustration::Placeholder);
	g_assert_true(parse_missing_illustration("error", &m));
	g_assert_true(m == MissingIllustration::Error);
	g_assert_false(parse_missing_illustration("skip", &m));
	/* 100 x 60 in #ff8000, scale 1: outline, cross and a faint fill in that colour */
	Raster r = draw_illustration_placeholder("#ff8000", 100, 60, 1.0);
	g_assert_cmpint(r.width, ==, 100);
	g_assert_cmpint(r.height, ==, 60);
	auto is_orange = [&r](int x, int y) {
		uint32_t px = r.bgra(x, y);
		return (px & 0xff) > 240 && (px >> 8 & 0xff) > 240 && (px >> 16 & 0xff) > 100 &&
		       (px >> 16 & 0xff) < 160 && (px >> 24) < 20;
	};
	for (auto xy :
	     {std::pair<int, int>{0, 30}, {99, 30}, {50, 0}, {50, 59}, {50, 30}, {25, 15}})
		g_assert_true(is_orange(xy.first, xy.second));
	uint32_t fill = r.bgra(50, 8);
	g_assert_cmpint(int(fill & 0xff), >, 40);
	g_assert_cmpint(int(fill & 0xff), <, 100);
	/* an unreadable colour: grey */
	Raster g = draw_illustration_placeholder("nonsense", 20, 20, 1.0);
	uint32_t px = g.bgra(0, 10);
	g_assert_cmpint(int(px >> 8 & 0xff), ==, int(px >> 24));
	/* diagnostics: one per unknown name, at its pointer; an error or a warning */
	Timeline tl;
	Item known, unknown;
	known.type = unknown.type = ItemType::Illustration;
	known.data = IllustrationData{"star", "#000000", true};
	unknown.data = IllustrationData{"IHello", "#000000", true};
	known.json_path = "/items/a";
	unknown.json_path = "/items/b";
	tl.items["a"] = known;
	tl.items["b"] = unknown;
	Diagnostics errors, warnings;
	check_illustrations(tl, MissingIllustration::Error, &errors);
	check_illustrations(tl, MissingIllustration::Placeholder, &warnings);
	g_assert_cmpuint(errors.error_count(), ==, 1);
	g_assert_cmpuint(warnings.error_count(), ==, 0);
	g_assert_cmpuint(warnings.warning_count(), ==, 1);
	const Diagnostic d = errors.errors().front();
	g_assert_cmpstr(d.code.c_str(), ==, "EDITOR_ILLUSTRATION_UNKNOWN");
	g_assert_cmpstr(d.path.c_str(), ==, "/items/b/illustrationName");
	g_assert_true(d.message.find("IHello") != std::string::npos);
}

static void test_search()
{
	std::vector<std::string> arrows = search_illustrations("arrow");
	g_assert_cmpuint(arrows.size(), ==, 4);
	for (const std::string &a : arrows)
		g_assert_true(g_str_has_prefix(a.c_str(), "arrow-"));
	std::vector<std::string> right = search_illustrations("ARROW right");
	g_assert_cmpuint(right.size(), ==, 1);
	g_assert_cmpstr(right[0].c_str(), ==, "arrow-right");
	g_assert_cmpuint(search_illustrations("").size(), ==, illustration_names().size());
	g_assert_true(search_illustrations("zebra").empty());
	/* names starting with the query come first */
	std::vector<std::string> s = search_illustrations("s");
	g_assert_true(g_str_has_prefix(s.front().c_str(), "s"));

	std::string json = illustrations_json("arrow", false);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_assert_true(json_parser_load_from_data(parser, json.c_str(), -1, nullptr));
	JsonObject *root = json_node_get_object(json_parser_get_root(parser));
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(root, "data")), ==, 4);
	JsonObject *meta = json_object_get_object_member(root, "meta");
	g_assert_cmpint(json_object_get_int_member(meta, "count"), ==, 4);
	g_assert_cmpstr(json_object_get_string_member(meta, "q"), ==, "arrow");
}

static void test_directory_override()
{
	g_autofree gchar *dir = g_dir_make_tmp("jtl-illustrations-XXXXXX", nullptr);
	g_autofree gchar *path = g_build_filename(dir, "box.svg", nullptr);
	const char *svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\" "
	                  "viewBox=\"0 0 10 10\"><rect x=\"0\" y=\"0\" width=\"5\" height=\"10\" "
	                  "fill=\"currentColor\"/></svg>";
	g_assert_true(g_file_set_contents(path, svg, -1, nullptr));
	g_setenv("JTL_ILLUSTRATIONS_DIR", dir, TRUE);
	std::vector<std::string> names = illustration_names();
	g_assert_cmpuint(names.size(), ==, 1);
	g_assert_cmpstr(names[0].c_str(), ==, "box");
	std::string found = illustrations_dir();
	g_assert_cmpstr(found.c_str(), ==, dir);
	Raster r;
	std::string error;
	g_assert_true(draw_illustration("box", "#00ff00", 20, 20, false, &r, &error));
	g_assert_cmphex(r.bgra(2, 10), ==, 0x00ff00ff);
	g_assert_cmphex(r.bgra(17, 10), ==, 0);
	g_assert_false(draw_illustration("star", "#00ff00", 20, 20, false, &r, &error));
	g_assert_true(error.find("box") != std::string::npos);
	g_unsetenv("JTL_ILLUSTRATIONS_DIR");
	g_assert_cmpuint(illustration_names().size(), >=, 20);
	g_unlink(path);
	g_rmdir(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_unsetenv("JTL_ILLUSTRATIONS_DIR");
	g_test_add_func("/illustrations/names", test_names);
	g_test_add_func("/illustrations/recolour", test_recolour);
	g_test_add_func("/illustrations/aspect-ratio", test_aspect_ratio);
	g_test_add_func("/illustrations/unknown", test_unknown);
	g_test_add_func("/illustrations/search", test_search);
	g_test_add_func("/illustrations/placeholder", test_placeholder);
	g_test_add_func("/illustrations/directory-override", test_directory_override);
	return g_test_run();
}
