// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: captions: jtlcaptionrender over the item's cues.
#include "jsontimelinesrc/jtltimelinesrc-private.h"

namespace jtlsrc {

/* A captionrender drawing over a transparent canvas, the item's box (lw x lh output
 * pixels) at (x, y) in it, styled as the item says; its stream time starts at 0 with the
 * frame k. */
GstElement *make_caption_render(LiveBranch *b, const Context &ctx, const jtl::Item &item,
                                const jtl::TextStyle &st, double x, double y, double lw, double lh,
                                uint64_t k)
{
	std::string name = item_child_name("captions", item.json_path);
	GstElement *cr = make(b->self, &b->elements, "captionrender", name.c_str());
	mark_item(cr, "captions", item.json_path);
	if (!cr)
		return nullptr;
	/* caption time 0 is the item's start */
	double offset = double(jtl::frame_to_ticks(k, ctx.fps, 1) - item.start) * 1000.0 /
	                double(jtl::kTicksPerSecond);
	set_text_look(cr, st, ctx.scale);
	gst_util_set_object_arg(G_OBJECT(cr), "direction",
	                        st.direction == jtl::TextDirection::Rtl ? "rtl" : "ltr");
	g_object_set(
	        cr, "color",
	        guint(jtl::parse_color(st.color).value_or(jtl::Color{1, 1, 1, 1}).argb()),
	        "stroke-color",
	        guint(jtl::parse_color(st.stroke_color).value_or(jtl::Color{0, 0, 0, 1}).argb()),
	        "x", x, "y", y, "box-width", lw, "box-height", lh, "offset", offset, nullptr);
	if (st.background)
		g_object_set(cr, "background-color",
		             guint(jtl::parse_color(st.background->color)
		                           .value_or(jtl::Color{0, 0, 0, 0})
		                           .argb()),
		             nullptr);
	const std::optional<jtl::CaptionAnimation> *slots[3] = {&item.caption_animations.in,
	                                                        &item.caption_animations.out,
	                                                        &item.caption_animations.loop};
	const char *names[3] = {"animation-in", "animation-out", "animation-loop"};
	const char *durations[3] = {"animation-in-duration", "animation-out-duration",
	                            "animation-loop-duration"};
	for (int i = 0; i < 3; i++)
		if (*slots[i]) {
			gst_util_set_object_arg(G_OBJECT(cr), names[i],
			                        jtl::caption_animation_name((*slots[i])->type));
			g_object_set(cr, durations[i],
			             double(jtl::ticks_to_ns((*slots[i])->duration)) / 1e6,
			             nullptr);
		}
	return cr;
}

/* Builds the branch of a captions item, or of a text item with caption animations:
 * captionrender draws the pages over a transparent canvas of the box, grown by what
 * overflows it unless the item turns; jtllayer turns it or masks it for a transition; the
 * compositor pad places it. */
bool add_captions(LiveBranch *b, const Context &ctx, const jtl::Timeline &tl, const jtl::Item &item)
{
	JtlTimelineSrc *self = b->self;
	uint64_t k, count;
	if (!item_frames(item, ctx, &k, &count))
		return true;
	int w, h;
	box_pixels(item, ctx.scale, &w, &h);
	const jtl::CaptionsData *cap = item.as<jtl::CaptionsData>();
	const jtl::TextData *text = item.as<jtl::TextData>();
	const jtl::Asset *asset = cap ? tl.asset(cap->asset_id) : nullptr;
	if (cap && (!asset || asset->type != jtl::AssetType::Caption)) {
		GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND,
		                  ("Item \"%s\": the caption asset \"%s\" is missing.",
		                   item.id.c_str(), cap->asset_id.c_str()),
		                  ("%s/assetId", item.json_path.c_str()));
		return false;
	}
	const jtl::TextStyle &st = cap ? cap->style : text->style;
	jtl::ItemFrame f0 = jtl::evaluate_item(item, item.start);
	double lw = std::clamp(f0.width * ctx.scale, 1.0, 8192.0);
	double lh = std::clamp(f0.height * ctx.scale, 1.0, 8192.0);
	bool turns = item_turns(item);
	/* the pages as captionrender makes them, for what overflows the box */
	std::vector<jtl::CaptionPage> pages(1);
	if (cap) {
		jtl::TimingGranularity timing = asset->timing;
		double scale = ctx.scale;
		auto lines = [&st, lw, scale](const std::string &t) {
			return jtl::text_line_count(t, st, lw, scale);
		};
		pages = jtl::paginate_captions(jtl::caption_words(asset->captions, timing), timing,
		                               std::max(1.0, cap->page_duration_ms),
		                               std::max(1, cap->max_lines), lines);
	} else {
		pages[0].text = text->text;
	}
	jtl::TextOverflow over =
	        jtl::caption_overflow(pages, item.caption_animations, st, lw, lh, ctx.scale);
	if (over.lines_overflow)
		warn_overflow(self, item.json_path);
	int mx = std::max(over.left, over.right), my = std::max(over.top, over.bottom);
	bound_overflow(item, ctx, w, h, turns, &mx, &my);
	int cw = w + 2 * mx, ch = h + 2 * my;
	jtl::Raster canvas;
	canvas.width = cw;
	canvas.height = ch;
	canvas.data.assign(size_t(cw) * ch * 4, 0);
	int fps = ctx.fps;
	auto at = [fps](uint64_t j) { return key_time(j, fps); };
	bool shaped = transition_layer(ctx, item) || turns;
	if (transition_layer(ctx, item)) {
		plan_shape(b, ctx, item, k, count, at, ShapeMode::MaskOnly, cw, ch);
	} else if (turns) {
		/* jtllayer turns the grown canvas: its box is the canvas, in its bounding
		 * square */
		plan_shape(b, ctx, item, k, count, at, ShapeMode::RotationOnly);
		b->box_w = cw;
		b->box_h = ch;
		b->canvas_w = b->canvas_h =
		        int(std::min(8192.0, std::ceil(std::hypot(double(cw), double(ch)))));
	}
	auto make_filters = [&]() -> std::vector<GstElement *> {
		GstElement *cr = make_caption_render(b, ctx, item, st, mx, my, lw, lh, k);
		if (!cr)
			return {nullptr};
		if (cap) {
			gst_util_set_object_arg(
			        G_OBJECT(cr), "timing",
			        asset->timing == jtl::TimingGranularity::Word ? "word" : "line");
			g_object_set(cr, "captions",
			             jtl::caption_entries_json(asset->captions).c_str(),
			             "page-duration", std::max(1.0, cap->page_duration_ms),
			             "max-lines", std::max(1, cap->max_lines), "highlight-color",
			             guint(jtl::parse_color(cap->highlight_color)
			                           .value_or(jtl::Color{0, 0, 0, 0})
			                           .argb()),
			             nullptr);
			/* caption time = item time + contentStartOffsetMs */
			double offset = 0;
			g_object_get(cr, "offset", &offset, nullptr);
			g_object_set(cr, "offset", offset + cap->content_start_offset_ms, nullptr);
		} else {
			g_object_set(cr, "text", text->text.c_str(), "text-duration",
			             double(jtl::ticks_to_ns(item.duration)) / 1e6, nullptr);
		}
		if (!shaped)
			return {cr};
		GstElement *layer = make_layer(b);
		if (layer)
			gst_element_link(cr, layer);
		return {cr, layer};
	};
	b->video_sink = add_picture(self, &b->elements, ctx, canvas, k, count, b->plan.zorder + 1,
	                            "The item at " + item.json_path, make_filters);
	if (!b->video_sink)
		return false;
	/* the item's box grows by the canvas over it, around its centre */
	if (turns && !transition_layer(ctx, item))
		return control_geometry(self, b->video_sink, item, ctx, double(b->canvas_w) / w,
		                        double(b->canvas_h) / h);
	return control_geometry(self, b->video_sink, item, ctx, double(cw) / w, double(ch) / h);
}

} /* namespace jtlsrc */
