// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: animated frames: frames drawn one by one into an appsrc.
#include "jsontimelinesrc/jtltimelinesrc-private.h"

namespace jtlsrc {

/* Draws the j-th frame of a branch (j from 0) into out, unless *key (which picture it is)
 * equals *prev, the key of the frame before (null for none): then out stays empty and the
 * previous picture repeats. False with *error set. */
using FrameDrawer = std::function<bool(uint64_t j, const int64_t *prev, jtl::Raster *out,
                                       int64_t *key, std::string *error)>;

/* The frames of an animated item, pushed by an appsrc as its queue asks for them (in its
 * streaming thread). */
struct FrameSource {
	JtlTimelineSrc *self = nullptr;
	FrameDrawer draw;
	std::string what; /* for errors */
	uint64_t k = 0, count = 0, next = 0;
	int fps = 30;
	GstBuffer *last = nullptr;
	int64_t last_key = 0;
	~FrameSource()
	{
		if (last)
			gst_buffer_unref(last);
	}
};

void push_frame(GstElement *src, guint, gpointer data)
{
	FrameSource *fs = static_cast<FrameSource *>(data);
	GstFlowReturn flow;
	if (fs->next >= fs->count) {
		g_signal_emit_by_name(src, "end-of-stream", &flow);
		return;
	}
	uint64_t j = fs->next++;
	int64_t key = 0;
	jtl::Raster raster;
	std::string error;
	GstBuffer *buf = nullptr;
	bool ok = fs->draw(j, fs->last ? &fs->last_key : nullptr, &raster, &key, &error);
	if (!ok) {
		GST_ELEMENT_ERROR(fs->self, STREAM, DECODE,
		                  ("%s cannot be drawn: %s.", fs->what.c_str(), error.c_str()),
		                  ("frame %" G_GUINT64_FORMAT, j));
		g_signal_emit_by_name(src, "end-of-stream", &flow);
		return;
	}
	if (raster.data.empty() && fs->last && key == fs->last_key) {
		buf = gst_buffer_copy(fs->last); /* shares the memory */
	} else {
		/* the drawn pixels become the buffer's memory, not a copy of them */
		auto *pixels = new std::vector<uint8_t>(std::move(raster.data));
		buf = gst_buffer_new_wrapped_full(
		        GstMemoryFlags(0), pixels->data(), pixels->size(), 0, pixels->size(),
		        pixels, [](gpointer p) { delete static_cast<std::vector<uint8_t> *>(p); });
		if (fs->last)
			gst_buffer_unref(fs->last);
		fs->last = gst_buffer_ref(buf);
		fs->last_key = key;
	}
	GstClockTime t0 = jtl::frame_to_ns(fs->k, fs->fps, 1);
	GstClockTime t = jtl::frame_to_ns(fs->k + j, fs->fps, 1);
	GST_BUFFER_PTS(buf) = t - t0;
	GST_BUFFER_DURATION(buf) = jtl::frame_to_ns(fs->k + j + 1, fs->fps, 1) - t;
	g_signal_emit_by_name(src, "push-buffer", buf, &flow);
	gst_buffer_unref(buf);
}

/* An item whose picture changes from frame to frame (GIF, Lottie, chart): an appsrc
 * pushing the frames [k, k + count) that draw() makes, through the filters, into a new
 * compositor pad, returned (a ref); nullptr after posting an error. */
GstPad *add_frames(JtlTimelineSrc *self, std::vector<GstElement *> *list, const Context &ctx, int w,
                   int h, uint64_t k, uint64_t count, unsigned zorder, const std::string &what,
                   FrameDrawer draw, const std::function<std::vector<GstElement *>()> &make_filters)
{
	GstElement *src = make(self, list, "appsrc");
	if (!src)
		return nullptr;
	std::vector<GstElement *> filters;
	if (make_filters)
		filters = make_filters();
	for (GstElement *e : filters)
		if (!e)
			return nullptr;
	g_autoptr(GstCaps) caps = video_caps("BGRA", w, h, ctx.fps);
	/* one frame queued ahead: drawing follows the compositor */
	g_object_set(src, "caps", caps, "format", GST_FORMAT_TIME, "max-buffers", guint64(2),
	             "block", FALSE, "emit-signals", TRUE, nullptr);
	auto *fs = new FrameSource();
	fs->self = self;
	fs->draw = std::move(draw);
	fs->what = what;
	fs->k = k;
	fs->count = count;
	fs->fps = ctx.fps;
	g_object_set_data_full(G_OBJECT(src), "jtl-frames", fs,
	                       [](gpointer p) { delete static_cast<FrameSource *>(p); });
	g_signal_connect(src, "need-data", G_CALLBACK(push_frame), fs);
	GstElement *last = src;
	for (GstElement *e : filters) {
		gst_element_link(last, e);
		last = e;
	}
	return link_to_compositor(self, ctx, last, k, zorder, what);
}

/* Builds the branch of a GIF, Lottie or chart item: its frames drawn at the box size as
 * the compositor asks for them; turned or masked by jtllayer when it must be. */
bool add_animated(LiveBranch *b, const Context &ctx, const jtl::Timeline &tl, const jtl::Item &item)
{
	JtlTimelineSrc *self = b->self;
	uint64_t k, count;
	if (!item_frames(item, ctx, &k, &count))
		return true;
	int w, h;
	box_pixels(item, ctx.scale, &w, &h);
	std::string what = "Item \"" + item.id + "\"";
	FrameDrawer draw;
	int fps = ctx.fps;
	auto at = [fps](uint64_t j) { return key_time(j, fps); };
	bool turns = item_turns(item);
	bool masked = transition_layer(ctx, item);
	/* a cropped or rounded GIF: drawn covering the box at its own aspect ratio, jtllayer
	 * crops, fits and rounds it */
	bool full = item.type == jtl::ItemType::Gif && !masked && needs_shape(item);
	bool shaped = masked || turns || full;
	int dw = w, dh = h; /* the drawn frames' size */
	if (const jtl::ChartData *chart = item.as<jtl::ChartData>()) {
		jtl::ChartData data = *chart;
		double scale = ctx.scale;
		uint64_t first = k;
		jtl::Ticks start = item.start;
		draw = [data, scale, w, h, first, fps, start](uint64_t j, const int64_t *prev,
		                                              jtl::Raster *out, int64_t *key,
		                                              std::string *error) {
			jtl::Ticks local = jtl::frame_to_ticks(first + j, fps, 1) - start;
			double p = jtl::chart_progress(data, local);
			*key = std::llround(p * 1e6);
			if (prev && *prev == *key)
				return true; /* the same picture (a finished chart) */
			return jtl::draw_chart(data, w, h, scale, p, out, error);
		};
	} else if (const jtl::TextTemplateData *tpl = item.as<jtl::TextTemplateData>()) {
		auto assets = std::make_shared<jtl::TemplateAssets>();
		std::string error;
		if (!jtl::open_template_assets(*tpl, assets.get(), &error)) {
			GST_ELEMENT_ERROR(self, STREAM, FORMAT,
			                  ("Item \"%s\": %s.", item.id.c_str(), error.c_str()),
			                  ("%s/%s", item.json_path.c_str(), error.c_str()));
			return false;
		}
		for (const std::string &node : jtl::template_missing_components(*tpl))
			GST_ELEMENT_WARNING(
			        self, RESOURCE, NOT_FOUND,
			        ("Item \"%s\": the SVG component of %s is not available; "
			         "the node is left empty.",
			         item.id.c_str(), node.c_str()),
			        ("%s/%s/imageComponentId", item.json_path.c_str(),
			         node.substr(0, node.find(' ')).c_str()));
		/* the text nodes' fonts and boxes, as for text items */
		for (std::size_t i = 0; i < tpl->nodes.size(); i++) {
			const jtl::TemplateNode &n = tpl->nodes[i];
			if (n.kind != jtl::TemplateNode::Kind::Text)
				continue;
			std::string node = item.json_path + "/nodes/" + std::to_string(i);
			std::string missing = jtl::missing_font_warning(n.style.font_family);
			if (GstMessage *m =
			            missing.empty() ? nullptr : font_warning(self, node, missing))
				gst_element_post_message(GST_ELEMENT(self), m);
			if (jtl::text_overflow(n.text, n.style, n.width * ctx.scale,
			                       n.height * ctx.scale, ctx.scale)
			            .lines_overflow)
				warn_overflow(self, node);
		}
		bool animated = jtl::template_animated(*tpl);
		auto data = std::make_shared<jtl::TextTemplateData>(*tpl);
		auto it = std::make_shared<jtl::Item>(item);
		double scale = ctx.scale;
		uint64_t first = k;
		draw = [data, assets, it, animated, scale, w, h, first,
		        fps](uint64_t j, const int64_t *prev, jtl::Raster *out, int64_t *key,
		             std::string *why) {
			*key = animated ? int64_t(j) : 0;
			if (prev && *prev == *key)
				return true;
			jtl::Ticks t = jtl::frame_to_ticks(first + j, fps, 1);
			return jtl::draw_template(*it, *data, *assets, t, w, h, scale, out, why);
		};
	} else {
		const jtl::MediaData *media = item.as<jtl::MediaData>();
		const jtl::Asset *asset = media ? tl.asset(media->asset_id) : nullptr;
		std::string error;
		bool missing = !asset;
		std::shared_ptr<jtl::Animation> anim;
		if (asset && item.type == jtl::ItemType::Lottie && !asset->resource_json.empty()) {
			anim = jtl::open_lottie_json(asset->resource_json, asset->id, &error);
		} else if (asset) {
			std::string path =
			        jtl::resolve_asset_path(*asset, ctx.assets, &error, &missing);
			if (!path.empty())
				anim = item.type == jtl::ItemType::Gif
				               ? jtl::open_gif(path, asset->loops, &error)
				               : jtl::open_lottie_file(path, ctx.assets, &error);
			error = jtl::asset_error_text(error, path, *asset);
		} else {
			error = "the asset is missing";
		}
		if (!anim) {
			JTL_FILE_ERROR(self, missing, READ,
			               ("Item \"%s\": the %s asset \"%s\" cannot be used: %s.",
			                item.id.c_str(), jtl::item_type_name(item.type),
			                media ? media->asset_id.c_str() : "", error.c_str()),
			               ("%s/assetId", item.json_path.c_str()));
			return false;
		}
		double start_from = media->start_from_seconds, rate = media->playback_rate;
		bool keep = media->keep_aspect_ratio;
		if (full) {
			plan_shape(b, ctx, item, k, count, at);
			b->keep_aspect_ratio = keep;
			double iw = std::max(1, anim->width()), ih = std::max(1, anim->height());
			double cover = std::max(b->box_w / iw, b->box_h / ih);
			dw = int(std::clamp(std::ceil(iw * cover), 1.0, 8192.0));
			dh = int(std::clamp(std::ceil(ih * cover), 1.0, 8192.0));
			keep = false;
		}
		w = dw;
		h = dh;
		uint64_t first = k;
		jtl::Ticks start = item.start;
		draw = [anim, start_from, rate, keep, w, h, first, fps,
		        start](uint64_t j, const int64_t *prev, jtl::Raster *out, int64_t *key,
		               std::string *why) {
			double local = double(jtl::frame_to_ticks(first + j, fps, 1) - start) /
			               double(jtl::kTicksPerSecond);
			int64_t frame =
			        anim->frame_at(jtl::animation_time(start_from, rate, local));
			*key = frame;
			if (prev && *prev == frame)
				return true;
			return anim->draw(frame, w, h, keep, out, why);
		};
	}
	if (masked)
		plan_shape(b, ctx, item, k, count, at, ShapeMode::MaskOnly, w, h);
	else if (turns && !full)
		plan_shape(b, ctx, item, k, count, at, ShapeMode::RotationOnly);
	std::function<std::vector<GstElement *>()> make_filters;
	if (shaped)
		make_filters = [b]() { return std::vector<GstElement *>{make_layer(b)}; };
	b->video_sink = add_frames(self, &b->elements, ctx, w, h, k, count, b->plan.zorder + 1,
	                           what, std::move(draw), make_filters);
	if (!b->video_sink)
		return false;
	return control_branch_geometry(b, item, ctx, shaped);
}

} /* namespace jtlsrc */
