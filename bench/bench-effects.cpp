// SPDX-License-Identifier: LGPL-2.1-or-later
// Benchmark: the cost per 1920x1080 BGRA frame of each filter, effect, background and
// transition operation the renderer runs, against copying the frame (memcpy) measured in
// the same run.
//
// Usage: bench-effects [FRAMES]   (default 20)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

#include <glib.h>

#include <jsontimeline/adjust.h>
#include <jsontimeline/filters.h>
#include <jsontimeline/transition.h>

namespace {

constexpr int W = 1920, H = 1080, STRIDE = W * 4;

/* Seconds per call of fn, over frames calls, each on a fresh copy of the source frame (the
 * copy is timed apart and taken off). */
double per_frame(int frames, const std::vector<uint8_t> &source, std::vector<uint8_t> *work,
                 const std::function<void(uint8_t *)> &fn)
{
	double total = 0;
	for (int i = 0; i < frames; i++) {
		*work = source;
		gint64 t0 = g_get_monotonic_time();
		fn(work->data());
		total += double(g_get_monotonic_time() - t0);
	}
	return total / G_USEC_PER_SEC / frames;
}

} /* namespace */

int main(int argc, char **argv)
{
	int frames = argc > 1 ? atoi(argv[1]) : 20;
	if (frames <= 0) {
		fprintf(stderr, "bench-effects: FRAMES must be positive\n");
		return 2;
	}
	std::vector<uint8_t> source(std::size_t(STRIDE) * H), work, copy(source.size());
	for (std::size_t i = 0; i < source.size(); i++)
		source[i] = uint8_t(i * 2654435761u >> 24);
	for (std::size_t i = 3; i < source.size(); i += 4)
		source[i] = 255;
	/* content in the middle third only: the blur background has work to do */
	std::vector<uint8_t> framed = source;
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			if (x < W / 3 || x >= 2 * W / 3)
				framed[std::size_t(y) * STRIDE + std::size_t(x) * 4 + 3] = 0;

	gint64 t0 = g_get_monotonic_time();
	for (int i = 0; i < frames * 5; i++) {
		memcpy(copy.data(), source.data(), source.size());
		source[std::size_t(i) % source.size()] ^= copy[std::size_t(i * 7) % copy.size()];
	}
	double reference = double(g_get_monotonic_time() - t0) / G_USEC_PER_SEC / (frames * 5);

	struct Op {
		const char *name;
		bool framed;
		std::function<void(uint8_t *)> fn;
	};
	jtl::ColorMatrix look = jtl::mix_matrix(*jtl::filter_matrix("sunset-orange"), 0.8);
	std::vector<uint8_t> scratch;
	const Op ops[] = {
	        {"filter look (matrix)", false,
	         [&](uint8_t *p) { jtl::apply_matrix_frame(look, p, W, H, STRIDE); }},
	        {"darken (fade, flash)", false,
	         [](uint8_t *p) { jtl::darken_bgra(p, W, H, STRIDE, 0.5); }},
	        {"blur sigma 12 px", false,
	         [](uint8_t *p) { jtl::blur_bgra(p, W, H, STRIDE, 12); }},
	        {"blur sigma 24 px", false,
	         [](uint8_t *p) { jtl::blur_bgra(p, W, H, STRIDE, 24); }},
	        {"blur background lvl 2", true,
	         [](uint8_t *p) {
		         jtl::backdrop_bgra(p, W, H, STRIDE, jtl::background_blur_sigma(2, W));
	         }},
	        {"wipe mask", false,
	         [](uint8_t *p) {
		         jtl::apply_mask_premultiplied(jtl::TransitionType::Wipe,
		                                       jtl::TransitionDirection::FromTopLeft, 0.5,
		                                       p, W, H, STRIDE);
	         }},
	        {"clock-wipe mask", false,
	         [](uint8_t *p) {
		         jtl::apply_mask_premultiplied(jtl::TransitionType::ClockWipe,
		                                       jtl::TransitionDirection::FromLeft, 0.5, p,
		                                       W, H, STRIDE);
	         }},
	        {"iris mask", false,
	         [](uint8_t *p) {
		         jtl::apply_mask_premultiplied(jtl::TransitionType::Iris,
		                                       jtl::TransitionDirection::FromLeft, 0.5, p,
		                                       W, H, STRIDE);
	         }},
	        {"flip turn (one clip)", false,
	         [&](uint8_t *p) { jtl::turn_bgra(30.0, false, p, W, H, STRIDE, &scratch); }},
	};
	printf("1080p BGRA frame           %d frames each\n", frames);
	printf("memcpy (reference)         %6.2f ms/frame\n", reference * 1000);
	printf("%-26s %9s %9s\n", "operation", "ms/frame", "x memcpy");
	for (const Op &op : ops) {
		double t = per_frame(frames, op.framed ? framed : source, &work, op.fn);
		printf("%-26s %9.2f %9.1f\n", op.name, t * 1000, t / reference);
	}
	printf("(fade and slide cost nothing here: they are compositor pad values)\n");
	printf("(checksum %u)\n", unsigned(work[std::size_t(W) * 4 * 10] + copy[100]));
	return 0;
}
