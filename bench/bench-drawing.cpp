// SPDX-License-Identifier: LGPL-2.1-or-later
// Benchmark: the cost of drawing one 1920x1080 frame of the items that are drawn frame by
// frame (caption pages still and animated, charts half revealed, a Lottie frame, an
// illustration), against copying the frame (memcpy) measured in the same run.
//
// Usage: bench-drawing [FRAMES]   (default 20)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

#include <glib.h>

#include <jsontimeline/animation.h>
#include <jsontimeline/captions.h>
#include <jsontimeline/chart.h>
#include <jsontimeline/illustrations.h>

namespace {

constexpr int W = 1920, H = 1080;

double per_call(int frames, const std::function<void(int)> &fn)
{
	gint64 t0 = g_get_monotonic_time();
	for (int i = 0; i < frames; i++)
		fn(i);
	return double(g_get_monotonic_time() - t0) / G_USEC_PER_SEC / frames;
}

/* A Lottie animation of a 1080 x 1080 canvas: a filled circle moving and a rounded square
 * turning, 60 frames at 30 fps. */
const char *kLottie =
        R"({"v":"5.5.2","fr":30,"ip":0,"op":60,"w":1080,"h":1080,"layers":[
{"ty":4,"ind":1,"ip":0,"op":60,"st":0,"sr":1,"ks":{"o":{"a":0,"k":100},"r":{"a":1,"k":[
 {"t":0,"s":[0],"e":[360],"i":{"x":[1],"y":[1]},"o":{"x":[0],"y":[0]}},{"t":59,"s":[360]}]},
 "p":{"a":0,"k":[540,540,0]},"a":{"a":0,"k":[0,0,0]},"s":{"a":0,"k":[100,100,100]}},
 "shapes":[{"ty":"gr","it":[{"ty":"rc","d":1,"s":{"a":0,"k":[500,500]},"r":{"a":0,"k":60},
 "p":{"a":0,"k":[0,0]}},{"ty":"fl","c":{"a":0,"k":[0.2,0.5,1,1]},"o":{"a":0,"k":100}},
 {"ty":"tr","p":{"a":0,"k":[0,0]},"a":{"a":0,"k":[0,0]},"s":{"a":0,"k":[100,100]},
 "r":{"a":0,"k":0},"o":{"a":0,"k":100}}]}]}]})";

} /* namespace */

int main(int argc, char **argv)
{
	int frames = argc > 1 ? atoi(argv[1]) : 20;
	if (frames <= 0) {
		fprintf(stderr, "bench-drawing: FRAMES must be positive\n");
		return 2;
	}
	std::vector<uint8_t> source(std::size_t(W) * H * 4, 7), copy(source.size());
	double reference = per_call(frames * 5, [&](int i) {
		memcpy(copy.data(), source.data(), source.size());
		source[std::size_t(i)] ^= copy[std::size_t(i * 7)];
	});

	/* a caption page: 8 words in 2 lines of 72 px bold, white with a stroke */
	std::vector<jtl::CaptionEntry> entries;
	const char *words[] = {"Turn", "your", "data", "into", "video", "with", "one", "call"};
	for (int i = 0; i < 8; i++)
		entries.push_back(jtl::CaptionEntry{words[i], i * 250.0, i * 250.0 + 250, {}, {}});
	jtl::TextStyle style;
	style.font_size = 72;
	style.font_style.weight = "700";
	style.align = jtl::TextAlign::Center;
	style.stroke_width = 4;
	std::vector<jtl::CaptionPage> pages =
	        jtl::paginate_captions(jtl::caption_words(entries, jtl::TimingGranularity::Word),
	                               jtl::TimingGranularity::Word, 5000, 2, nullptr);
	jtl::CaptionLook still;
	still.highlight_color = "#39e508";
	jtl::CaptionLook pop = still;
	pop.animations.in = jtl::CaptionAnimation{jtl::CaptionAnimationType::ElasticPop,
	                                          jtl::ms_to_ticks(2000),
	                                          jtl::Easing::Linear,
	                                          {}};
	jtl::CaptionLook rainbow = still;
	rainbow.animations.loop = jtl::CaptionAnimation{jtl::CaptionAnimationType::Rainbow,
	                                                jtl::ms_to_ticks(1000),
	                                                jtl::Easing::Linear,
	                                                {}};
	const int bw = 1700, bh = 300;

	jtl::ChartData bars;
	bars.chart_type = jtl::ChartType::Bar;
	bars.theme_color = "#3b82f6";
	bars.animation_duration = jtl::kTicksPerSecond;
	bars.series = {{"a", "2025"}, {"b", "2026"}};
	for (int i = 0; i < 12; i++)
		bars.rows.push_back(
		        jtl::ChartRow{"M" + std::to_string(i + 1),
		                      {{"a", 10.0 + i * 3}, {"b", 20.0 + (i * 7) % 13}}});
	jtl::ChartData lines = bars;
	lines.chart_type = jtl::ChartType::Line;
	jtl::ChartData pie = bars;
	pie.chart_type = jtl::ChartType::Pie;
	for (int i = 0; i < 6; i++)
		pie.slices.push_back(jtl::ChartSlice{"S" + std::to_string(i), 10.0 + i});

	std::string error;
	std::unique_ptr<jtl::Animation> lottie = jtl::open_lottie_json(kLottie, "bench", &error);
	if (!lottie) {
		fprintf(stderr, "bench-drawing: %s\n", error.c_str());
		return 1;
	}

	struct Op {
		const char *name;
		std::function<void(int)> fn;
	};
	jtl::Raster out;
	std::vector<Op> ops = {
	        {"caption page, still",
	         [&](int) {
		         out = jtl::draw_text_frame(pages[0].text, style, bw, bh, 1.0,
		                                    jtl::caption_frame(pages[0], 100, still),
		                                    nullptr);
	         }},
	        {"caption, elastic-pop",
	         [&](int i) {
		         out = jtl::draw_text_frame(pages[0].text, style, bw, bh, 1.0,
		                                    jtl::caption_frame(pages[0], 50.0 * i, pop),
		                                    nullptr);
	         }},
	        {"caption, rainbow loop",
	         [&](int i) {
		         out = jtl::draw_text_frame(pages[0].text, style, bw, bh, 1.0,
		                                    jtl::caption_frame(pages[0], 33.0 * i, rainbow),
		                                    nullptr);
	         }},
	        {"chart bars (24) at 0.5",
	         [&](int) { jtl::draw_chart(bars, W, H, 1.0, 0.5, &out, &error); }},
	        {"chart lines at 0.5",
	         [&](int) { jtl::draw_chart(lines, W, H, 1.0, 0.5, &out, &error); }},
	        {"chart pie at 0.5",
	         [&](int) { jtl::draw_chart(pie, W, H, 1.0, 0.5, &out, &error); }},
	        {"lottie frame 1080x1080",
	         [&](int i) { lottie->draw(i % 60, 1080, 1080, true, &out, &error); }},
	        {"illustration 1080x1080",
	         [&](int) {
		         jtl::draw_illustration("rocket", "#ff8800", 1080, 1080, true, &out,
		                                &error);
	         }},
	};
	printf("drawing one frame at 1080p   %d frames each\n", frames);
	printf("memcpy of a frame (ref)      %6.2f ms\n", reference * 1000);
	printf("%-28s %9s %9s\n", "drawing", "ms/frame", "x memcpy");
	for (const Op &op : ops) {
		op.fn(0); /* fonts and caches warm */
		double t = per_call(frames, op.fn);
		printf("%-28s %9.2f %9.1f\n", op.name, t * 1000, t / reference);
	}
	printf("(captions: a %dx%d box; still pages are drawn once and reused)\n", bw, bh);
	printf("(checksum %u)\n", unsigned(out.data.empty() ? 0 : out.data[out.data.size() / 2]));
	return 0;
}
