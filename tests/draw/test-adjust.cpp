// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of adjustment items: effect and filter curves, their combination, the blur.
#include <algorithm>
#include <cmath>
#include <string>
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
	g_assert_cmpfloat_with_epsilon(a.isolate_red(), 0.4, 1e-9);
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

static bool same(const Adjustment &a, const Adjustment &b)
{
	return a.blur == b.blur && a.darkness == b.darkness && a.looks == b.looks;
}

/* The sweep gives what evaluating every item at every frame gives, on a track of
 * overlapping, touching and spaced items of every kind, in any range of frames. */
static void test_sweep_matches()
{
	Timeline tl;
	Track track{"t0", false, false, {}};
	const char *kinds[] = {"fade-in", "fade-out", "flash-to-black", "blur", "blurred-opening"};
	GRand *rand = g_rand_new_with_seed(9);
	Ticks at = frame(3);
	for (int i = 0; i < 60; i++) {
		std::string id = "e" + std::to_string(i);
		Ticks dur = g_rand_int_range(rand, 1, int(frame(12)));
		Item item = effect(kinds[i % 5], at, dur, g_rand_double_range(rand, 0.1, 1.0));
		if (i % 7 == 3) {
			item.type = ItemType::Filter;
			item.data = FilterData{
			        filter_names()[std::size_t(i) % filter_names().size()], 0.4, {}};
		}
		item.id = id;
		tl.items[id] = item;
		track.item_ids.push_back(id);
		/* overlapping, touching or spaced: the sweep does not rely on track rules */
		at += g_rand_int_range(rand, -int(frame(2)), int(frame(8)));
		at = std::max<Ticks>(at, 0);
	}
	g_rand_free(rand);
	tl.tracks = {track};
	const uint64_t end = uint64_t(at / frame(1)) + 40;
	for (uint64_t k0 : {uint64_t(0), uint64_t(7), end / 2}) {
		std::vector<std::pair<uint64_t, Adjustment>> seen;
		sweep_track_adjustment(tl, 0, 30, k0, end, [&](uint64_t k, const Adjustment &a) {
			g_assert_true(seen.empty() || k > seen.back().first);
			seen.push_back({k, a});
		});
		g_assert_cmpuint(seen.size(), >, 0);
		g_assert_cmpuint(seen.front().first, ==, k0);
		std::size_t j = 0;
		for (uint64_t k = k0; k < end; k++) {
			while (j + 1 < seen.size() && seen[j + 1].first <= k)
				j++;
			Adjustment want = evaluate_track_adjustment(
			        tl, 0, ns_to_ticks(frame_to_ns(k, 30, 1)), 30);
			g_assert_true(same(seen[j].second, want));
		}
	}
}

/* 50000 one-frame effects over 100000 frames: set-up sorts once and each frame sees its
 * active items only (frames x items was 5 x 10^9 evaluations). The time bound only
 * catches that hang. */
static void test_sweep_many_items()
{
	Timeline tl;
	Track track{"t0", false, false, {}};
	const int count = 50000;
	track.item_ids.reserve(count);
	for (int i = 0; i < count; i++) {
		std::string id = "e" + std::to_string(i);
		Item item = effect("fade-in", frame(2 * i), frame(1), 0.5);
		item.id = id;
		tl.items.emplace(id, std::move(item));
		track.item_ids.push_back(id);
	}
	tl.tracks = {track};
	gint64 begin = g_get_monotonic_time();
	uint64_t visited = 0, dark = 0;
	sweep_track_adjustment(tl, 0, 30, 0, uint64_t(2 * count),
	                       [&](uint64_t, const Adjustment &a) {
		                       visited++;
		                       dark += a.darkness > 0;
	                       });
	/* every item's frame and every gap's first frame */
	g_assert_cmpuint(visited, ==, uint64_t(2 * count));
	g_assert_cmpuint(dark, ==, uint64_t(count));
	g_assert_cmpint(g_get_monotonic_time() - begin, <, 60 * G_USEC_PER_SEC);
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
	g_test_add_func("/adjust/sweep-matches", test_sweep_matches);
	g_test_add_func("/adjust/sweep-many-items", test_sweep_many_items);
	g_test_add_func("/adjust/blur-lowers-edge-contrast", test_blur_lowers_edge_contrast);
	return g_test_run();
}
