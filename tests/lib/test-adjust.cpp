// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of adjustment items: effect and filter curves, their combination, the blur.
#include <cmath>
#include <vector>

#include <jsontimeline/adjust.h>

using namespace jtl;

static Item effect(const std::string &type, Ticks start, Ticks duration, double intensity = 1.0,
                   Params params = {})
{
	Item item;
	item.id = type;
	item.type = ItemType::Effect;
	item.start = start;
	item.duration = duration;
	item.data = EffectData{type, intensity, std::move(params)};
	return item;
}

static Ticks frame(int k)
{
	return Ticks(k) * kTicksPerSecond / 30; /* at 30 fps */
}

static void test_fades()
{
	Item in = effect("fade-in", 0, kTicksPerSecond);
	g_assert_cmpfloat(evaluate_adjustment(in, 0, 30).darkness, ==, 1.0);
	g_assert_cmpfloat_with_epsilon(evaluate_adjustment(in, kTicksPerSecond / 4, 30).darkness,
	                               0.75, 1e-9);
	g_assert_cmpfloat(evaluate_adjustment(in, kTicksPerSecond, 30).darkness, ==, 0.0);
	Item out = effect("fade-out", 0, kTicksPerSecond, 0.5);
	g_assert_cmpfloat_with_epsilon(evaluate_adjustment(out, kTicksPerSecond / 2, 30).darkness,
	                               0.25, 1e-9);
	g_assert_true(evaluate_adjustment(out, -1, 30).is_identity());
}

static void test_flash_to_black()
{
	/* defaults: 2 bright, 2 dark, full opacity, no tail */
	Item f = effect("flash-to-black", frame(10), frame(12));
	bool want[12] = {false, false, true,  true,  false, false,
	                 true,  true,  false, false, true,  true};
	for (int k = 0; k < 12; k++)
		g_assert_cmpfloat(evaluate_adjustment(f, frame(10 + k), 30).darkness, ==,
		                  want[k] ? 1.0 : 0.0);
	/* params: 1 bright, 3 dark at 0.5, the last 4 frames dark; intensity scales */
	Item g = effect("flash-to-black", 0, frame(12), 0.8,
	                {{"brightFrames", 1.0},
	                 {"darkFrames", 3.0},
	                 {"maxOpacity", 0.5},
	                 {"tailDarkFrames", 4.0}});
	g_assert_cmpfloat(evaluate_adjustment(g, frame(0), 30).darkness, ==, 0.0);
	g_assert_cmpfloat_with_epsilon(evaluate_adjustment(g, frame(1), 30).darkness, 0.4, 1e-9);
	g_assert_cmpfloat(evaluate_adjustment(g, frame(4), 30).darkness, ==, 0.0);
	g_assert_cmpfloat_with_epsilon(evaluate_adjustment(g, frame(8), 30).darkness, 0.4, 1e-9);
	g_assert_cmpfloat_with_epsilon(evaluate_adjustment(g, frame(11), 30).darkness, 0.4, 1e-9);
}

static void test_blurs_and_filters()
{
	Item b = effect("blur", 0, kTicksPerSecond, 0.5);
	g_assert_cmpfloat(evaluate_adjustment(b, 10, 30).blur, ==, kDefaultBlurRadius * 0.5);
	Item o = effect("blurred-opening", 0, kTicksPerSecond, 1.0, {{"maxBlurPx", 10.0}});
	g_assert_cmpfloat(evaluate_adjustment(o, 0, 30).blur, ==, 10.0);
	g_assert_cmpfloat_with_epsilon(evaluate_adjustment(o, kTicksPerSecond / 2, 30).blur, 5.0,
	                               1e-9);
	Item f;
	f.type = ItemType::Filter;
	f.start = 0;
	f.duration = kTicksPerSecond;
	f.data = FilterData{"absolute-red", 0.8, {{"blend", 0.5}}};
	Adjustment a = evaluate_adjustment(f, 5, 30);
	g_assert_cmpfloat_with_epsilon(a.looks[5], 0.4, 1e-9);
	g_assert_cmpfloat(a.looks[0], ==, 0.0);
	/* the matrix at 0.4 is the mix of the look with the identity */
	ColorMatrix m = a.matrix(), want = mix_matrix(*filter_matrix("absolute-red"), 0.4);
	for (int r = 0; r < 3; r++)
		for (int c = 0; c < 4; c++)
			g_assert_cmpfloat_with_epsilon(m.m[r][c], want.m[r][c], 1e-9);
}

static void test_track_combination()
{
	Timeline tl;
	tl.items["a"] = effect("fade-out", 0, kTicksPerSecond);
	tl.items["a"].id = "a";
	tl.items["b"] = effect("fade-in", 0, kTicksPerSecond);
	tl.items["b"].id = "b";
	tl.items["c"] = effect("blur", 0, kTicksPerSecond, 1.0, {{"radiusPx", 3.0}});
	tl.items["c"].id = "c";
	tl.items["d"] = effect("blur", 0, kTicksPerSecond, 1.0, {{"radiusPx", 4.0}});
	tl.items["d"].id = "d";
	Track adj{"t0", false, false, {"a", "b", "c", "d"}};
	Track hidden{"t1", true, false, {"a"}};
	Track plain{"t2", false, false, {}};
	tl.tracks = {adj, hidden, plain};
	std::vector<int> tracks = adjustment_tracks(tl);
	g_assert_cmpuint(tracks.size(), ==, 1);
	g_assert_cmpint(tracks[0], ==, 0);
	Adjustment a = evaluate_track_adjustment(tl, 0, kTicksPerSecond / 2, 30);
	/* darkness multiplies: 1 - (1 - 0.5)(1 - 0.5) */
	g_assert_cmpfloat_with_epsilon(a.darkness, 0.75, 1e-9);
	/* blurs add in variance: sqrt(9 + 16) */
	g_assert_cmpfloat_with_epsilon(a.blur, 5.0, 1e-9);
}

/* A vertical edge: white on the left half, black on the right. */
static std::vector<uint8_t> edge_picture(int w, int h)
{
	std::vector<uint8_t> px(std::size_t(w) * h * 4, 0);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			uint8_t *p = &px[(std::size_t(y) * w + x) * 4];
			p[0] = p[1] = p[2] = x < w / 2 ? 255 : 0;
			p[3] = 255;
		}
	return px;
}

static void test_blur_lowers_edge_contrast()
{
	const int w = 64, h = 16;
	std::vector<uint8_t> px = edge_picture(w, h);
	auto at = [&](int x) { return int(px[(std::size_t(8) * w + x) * 4]); };
	g_assert_cmpint(at(30) - at(33), ==, 255);
	blur_bgra(px.data(), w, h, w * 4, 4.0);
	/* a Gaussian of sigma 4 across the edge: 1.5 px either side of it, the values are
	 * about Phi(+-1.5 / 4) = 0.65 and 0.35 of white */
	int contrast = at(30) - at(33);
	g_assert_cmpint(contrast, >, 50);
	g_assert_cmpint(contrast, <, 110);
	/* far from the edge nothing changes; alpha stays opaque; the mean is kept */
	g_assert_cmpint(at(2), ==, 255);
	g_assert_cmpint(at(61), ==, 0);
	g_assert_cmpint(px[3], ==, 255);
	long sum = 0;
	for (int x = 0; x < w; x++)
		sum += at(x);
	g_assert_cmpint(std::labs(sum - 255L * w / 2), <, 3L * w);
	/* sigma 0 leaves the picture alone */
	std::vector<uint8_t> same = edge_picture(w, h);
	blur_bgra(same.data(), w, h, w * 4, 0.0);
	g_assert_true(same == edge_picture(w, h));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/adjust/fades", test_fades);
	g_test_add_func("/adjust/flash-to-black", test_flash_to_black);
	g_test_add_func("/adjust/blurs-and-filters", test_blurs_and_filters);
	g_test_add_func("/adjust/track-combination", test_track_combination);
	g_test_add_func("/adjust/blur-lowers-edge-contrast", test_blur_lowers_edge_contrast);
	return g_test_run();
}
