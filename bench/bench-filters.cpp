// SPDX-License-Identifier: LGPL-2.1-or-later
// Benchmark: the cost of a filter look on a 1920x1080 BGRA frame, against copying the
// frame (memcpy) measured in the same run.
//
// Usage: bench-filters [FRAMES]   (default 100)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <glib.h>

#include <jsontimeline/filters.h>

int main(int argc, char **argv)
{
	int frames = argc > 1 ? atoi(argv[1]) : 100;
	if (frames <= 0) {
		fprintf(stderr, "bench-filters: FRAMES must be positive\n");
		return 2;
	}
	const std::size_t pixels = 1920 * 1080;
	std::vector<uint8_t> a(pixels * 4), b(pixels * 4);
	for (std::size_t i = 0; i < a.size(); i++)
		a[i] = uint8_t(i * 2654435761u >> 24);
	jtl::ColorMatrix m = jtl::mix_matrix(*jtl::filter_matrix("sunset-orange"), 0.8);

	gint64 t0 = g_get_monotonic_time();
	for (int i = 0; i < frames; i++) {
		memcpy(b.data(), a.data(), a.size());
		a[i % a.size()] ^= b[(i * 7) % b.size()]; /* keep the copies observable */
	}
	double copy = double(g_get_monotonic_time() - t0) / G_USEC_PER_SEC / frames;

	t0 = g_get_monotonic_time();
	for (int i = 0; i < frames; i++)
		jtl::apply_matrix_bgra(m, b.data(), pixels);
	double look = double(g_get_monotonic_time() - t0) / G_USEC_PER_SEC / frames;

	printf("1080p BGRA frame      %d frames\n", frames);
	printf("memcpy (reference)    %.2f ms/frame\n", copy * 1000);
	printf("filter look           %.2f ms/frame\n", look * 1000);
	printf("ratio to memcpy       %.2f\n", look / copy);
	printf("(checksum %u)\n", unsigned(b[pixels] + b[pixels * 2])); /* keeps the work */
	return 0;
}
