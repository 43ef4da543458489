// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: what the branch builders share: geometry control, shaping, linking to a
// compositor.
#include "jsontimelinesrc/jtltimelinesrc-private.h"

namespace jtlsrc {

/* One side of an item's box in output pixels: size x scale rounded, 1 to max_side. */
int box_side(double size, double scale, long max_side)
{
	return int(std::clamp(std::lround(size * scale), 1L, max_side));
}

/* Whether an item turns: its rotation is animated or not 0. */
bool item_turns(const jtl::Item &item)
{
	return item.geometry &&
	       (item.geometry->rotation.is_animated() || item.geometry->rotation.value != 0.0);
}

/* An item's box at the start of its clip, in output pixels (1 to 8192 each side). */
void box_pixels(const jtl::Item &item, double scale, int *w, int *h)
{
	jtl::ItemFrame f0 = jtl::evaluate_item(item, item.start);
	*w = box_side(f0.width, scale);
	*h = box_side(f0.height, scale);
}

/* Whether the picture of an item is one colour all over its box, so that the part of the
 * box inside the output is drawn the same at any size: a solid rectangle with square
 * corners, not shaped by jtllayer (grown). */
bool uniform_box(const jtl::Item &item, double grow_x, double grow_y)
{
	const jtl::SolidData *solid = item.as<jtl::SolidData>();
	return solid && solid->shape == jtl::Shape::Rectangle && grow_x == 1.0 && grow_y == 1.0 &&
	       !needs_shape(item);
}

/* Replays an item's box on its compositor pad, one value per output frame of the item
 * (the pad is hidden outside them). The compositor scales each picture to its pad's box
 * first, so a box is held to jtl::pad_box_fits(): one colour all over (uniform_box()) is
 * cut to the output and a margin; anything else larger is refused. Returns false after
 * posting an error naming the item. */
bool control_geometry(JtlTimelineSrc *self, GstPad *sink, const jtl::Item &item, const Context &ctx,
                      double grow_x, double grow_y)
{
	GstControlSource *cs[5];
	for (GstControlSource *&c : cs)
		c = frame_values();
	/* a point only where a value changes: a still item costs a handful of points, not
	 * one per frame */
	double last[5] = {NAN, NAN, NAN, NAN, NAN};
	auto set = [&](int i, GstClockTime ts, double v) {
		if (v == last[i])
			return;
		last[i] = v;
		gst_timed_value_control_source_set(GST_TIMED_VALUE_CONTROL_SOURCE(cs[i]), ts, v);
	};
	set(4, 0, 0.0);
	const double scale = ctx.scale;
	const bool cut = uniform_box(item, grow_x, grow_y);
	uint64_t first = 0, count = 0;
	item_frames(item, ctx, &first, &count);
	uint64_t end = first + count;
	bool ok = true;
	for (uint64_t k = first; k < end && ok; k++) {
		jtl::ItemFrame f = frame_of(ctx, item, k);
		/* scale acts around the box centre */
		double bw = f.width * f.scale_x * grow_x, bh = f.height * f.scale_y * grow_y;
		double left = f.left + (f.width - bw) / 2.0, top = f.top + (f.height - bh) / 2.0;
		jtl::PadBox box = {std::round(left * scale), std::round(top * scale),
		                   std::max(1.0, std::round(bw * scale)),
		                   std::max(1.0, std::round(bh * scale))};
		double alpha = f.visible ? f.opacity : 0.0;
		if (!jtl::pad_box_shows(box, ctx.width, ctx.height)) {
			box = {0, 0, 1, 1}; /* nothing of it shows */
			alpha = 0.0;
		} else if (!jtl::pad_box_fits(box, ctx.width, ctx.height) &&
		           !(cut && jtl::cut_pad_box(&box, ctx.width, ctx.height))) {
			GST_ELEMENT_ERROR(self, STREAM, FORMAT,
			                  ("Item \"%s\" (%s) is too large: its box is %.0f x %.0f "
			                   "pixels at %.2f s, more than %s.",
			                   item.id.c_str(), item.json_path.c_str(), box.w, box.h,
			                   double(jtl::frame_to_ns(k, ctx.fps, 1)) / GST_SECOND,
			                   jtl::kPadBoxLimitText),
			                  (nullptr));
			ok = false;
			break;
		}
		GstClockTime at = key_time(k, ctx.fps);
		set(0, at, box.x);
		set(1, at, box.y);
		set(2, at, box.w);
		set(3, at, box.h);
		set(4, at, alpha);
	}
	set(4, key_time(end, ctx.fps), 0.0);
	const char *props[] = {"xpos", "ypos", "width", "height", "alpha"};
	for (int i = 0; i < 5; i++) {
		if (ok)
			bind(sink, props[i], cs[i]);
		gst_object_unref(cs[i]);
	}
	return ok;
}

/* control_geometry() for the compositor pad of a branch: a shaped branch (jtllayer crops,
 * rounds, turns or masks it) comes out on its canvas, larger than the item's box, so the
 * box grows by the canvas over the box. */
bool control_branch_geometry(LiveBranch *b, const jtl::Item &item, const Context &ctx, bool shaped)
{
	if (shaped)
		return control_geometry(b->self, b->video_sink, item, ctx,
		                        double(b->canvas_w) / b->box_w,
		                        double(b->canvas_h) / b->box_h);
	return control_geometry(b->self, b->video_sink, item, ctx);
}

/* Links the last element of a branch's picture chain to a new compositor pad at zorder,
 * its stream time 0 placed at output frame k; returns the pad (a ref), or nullptr after
 * posting an error naming what. */
GstPad *link_to_compositor(JtlTimelineSrc *self, const Context &ctx, GstElement *last, uint64_t k,
                           unsigned zorder, const std::string &what)
{
	GstElement *comp = compositor_for(ctx, zorder);
	GstPad *sink = gst_element_request_pad_simple(comp, "sink_%u");
	g_object_set(sink, "zorder", zorder, nullptr);
	g_autoptr(GstPad) out = gst_element_get_static_pad(last, "src");
	gst_pad_set_offset(out, GstClockTimeDiff(jtl::frame_to_ns(k, ctx.fps, 1)));
	if (gst_pad_link(out, sink) != GST_PAD_LINK_OK) {
		GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
		                  ("%s cannot be composited.", what.c_str()),
		                  ("linking its pictures to the compositor failed"));
		gst_element_release_request_pad(comp, sink);
		gst_object_unref(sink);
		return nullptr;
	}
	return sink;
}

/* A picture repeated at the output rate for the frames [k, k + count) into a new
 * compositor pad, returned (a ref), or nullptr after posting an error naming what. */
GstPad *add_picture(JtlTimelineSrc *self, std::vector<GstElement *> *list, const Context &ctx,
                    const jtl::Raster &raster, uint64_t k, uint64_t count, unsigned zorder,
                    const std::string &what,
                    const std::function<std::vector<GstElement *>()> &make_filters)
{
	GstElement *src = make(self, list, "appsrc");
	GstElement *freeze = make(self, list, "imagefreeze");
	/* elements drawing on the repeated picture, linked in a row, after the rate */
	std::vector<GstElement *> filters;
	if (make_filters)
		filters = make_filters();
	for (GstElement *e : filters)
		if (!e)
			return nullptr;
	GstElement *filter = filters.empty() ? nullptr : filters.front();
	GstElement *last = filters.empty() ? nullptr : filters.back();
	GstElement *rate = make(self, list, "capsfilter");
	if (!src || !freeze || !rate || (make_filters && !filter))
		return nullptr;
	g_autoptr(GstCaps) caps = video_caps("BGRA", raster.width, raster.height, ctx.fps);
	g_object_set(src, "caps", caps, "format", GST_FORMAT_TIME, nullptr);
	/* imagefreeze repeats the picture num-buffers times at the rate downstream asks for
	 * (25/1 when free): pin it to the output rate. One frame more, hidden by the pad's
	 * alpha (and dropped after the range): the compositor may let a pad's last picture go
	 * at its EOS before mixing the frame it belongs to */
	g_object_set(freeze, "num-buffers", gint(std::min<uint64_t>(count + 1, G_MAXINT)), nullptr);
	g_object_set(rate, "caps", caps, nullptr);
	/* the rate is pinned right after imagefreeze; the filter may change the size */
	if (filter)
		gst_element_link_many(src, freeze, rate, filter, nullptr);
	else
		gst_element_link_many(src, freeze, rate, nullptr);
	GstBuffer *buf = gst_buffer_new_memdup(raster.data.data(), raster.data.size());
	GST_BUFFER_PTS(buf) = 0;
	GstFlowReturn flow;
	g_signal_emit_by_name(src, "push-buffer", buf, &flow);
	gst_buffer_unref(buf);
	g_signal_emit_by_name(src, "end-of-stream", &flow);

	return link_to_compositor(self, ctx, last ? last : rate, k, zorder, what);
}

/* The output frames [*k, *k + *count) an item shows in the rendered range (with the lead
 * and tail of its transitions); false when none. Decided on the frame grid in ticks
 * (jtl::frame_at_or_after()), as frame_of() evaluates the item: not by comparing
 * nanoseconds, which round the item's ends and the frames' times differently. */
bool item_frames(const jtl::Item &item, const Context &ctx, uint64_t *k, uint64_t *count)
{
	const jtl::ClipSpan &span = span_of(ctx, item);
	uint64_t first =
	        std::max(jtl::frame_at_or_after(item.start - span.lead, ctx.fps, 1), ctx.range.k0);
	uint64_t end =
	        std::min(jtl::frame_at_or_after(item.end() + span.tail, ctx.fps, 1), ctx.range.k1);
	if (first >= end)
		return false;
	*k = first;
	*count = end - first;
	return true;
}

/* Whether an item needs jtllayer: cropped, rounded or turned at some point. */
bool needs_shape(const jtl::Item &item)
{
	if (!item.geometry)
		return false;
	const jtl::Geometry &g = *item.geometry;
	for (const jtl::AnimatedNumber *n : {&g.crop_left, &g.crop_top, &g.crop_right,
	                                     &g.crop_bottom, &g.border_radius, &g.rotation})
		if (n->is_animated() || n->value != 0.0)
			return true;
	return false;
}

const char *const kShapeProps[9] = {"crop-left",     "crop-top", "crop-right",
                                    "crop-bottom",   "radius",   "rotation",
                                    "mask-progress", "turn-x",   "turn-y"};

/* Sets up the shaping of an item: canvas and box at the size of its box at clip start
 * (the bounding square when it turns), and the per-frame values of the frames [k, k +
 * count), keyed at at(j) for the j-th. */
void plan_shape(LiveBranch *b, const Context &ctx, const jtl::Item &item, uint64_t k,
                uint64_t count, const std::function<GstClockTime(uint64_t)> &at, ShapeMode mode,
                int mask_w, int mask_h)
{
	if (mode == ShapeMode::MaskOnly) {
		/* a picture drawn whole: the canvas is its size */
		b->box_w = b->canvas_w = mask_w;
		b->box_h = b->canvas_h = mask_h;
	} else {
		jtl::ItemFrame f0 = jtl::evaluate_item(item, item.start);
		b->box_w = box_side(f0.width, ctx.scale);
		b->box_h = box_side(f0.height, ctx.scale);
		b->canvas_w = b->box_w;
		b->canvas_h = b->box_h;
		if (item_turns(item))
			b->canvas_w = b->canvas_h = int(std::min(
			        8192.0, std::ceil(std::hypot(double(b->box_w), double(b->box_h)))));
	}
	if (const jtl::ClipTransition *mask = mask_of(ctx, item, &b->mask_inverted)) {
		b->mask = jtl::transition_type_name(mask->type);
		b->mask_direction = jtl::transition_direction_name(mask->direction);
	}
	double last[9] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
	for (GstControlSource *&cs : b->shape)
		cs = frame_values();
	for (uint64_t j = 0; j < count; j++) {
		jtl::ItemFrame f = frame_of(ctx, item, k + j);
		double v[9] = {f.crop_left,
		               f.crop_top,
		               f.crop_right,
		               f.crop_bottom,
		               f.border_radius * ctx.scale,
		               f.rotation,
		               f.mask >= 0        ? f.mask
		               : b->mask_inverted ? 0.0
		                                  : 1.0,
		               f.turn_x,
		               f.turn_y};
		if (mode != ShapeMode::Full)
			v[0] = v[1] = v[2] = v[3] = v[4] = 0.0;
		if (mode == ShapeMode::MaskOnly)
			v[5] = 0.0;
		for (int i = 0; i < 9; i++) {
			if (v[i] == last[i])
				continue;
			last[i] = v[i];
			gst_timed_value_control_source_set(
			        GST_TIMED_VALUE_CONTROL_SOURCE(b->shape[i]), at(j), v[i]);
		}
	}
}

/* A jtllayer shaping a branch as plan_shape said. */
GstElement *make_layer(LiveBranch *b)
{
	GstElement *layer = make(b->self, &b->elements, "jtllayer");
	if (!layer)
		return nullptr;
	g_object_set(layer, "width", b->canvas_w, "height", b->canvas_h, "box-width",
	             double(b->box_w), "box-height", double(b->box_h), "keep-aspect-ratio",
	             gboolean(b->keep_aspect_ratio), nullptr);
	if (b->mask) {
		gst_util_set_object_arg(G_OBJECT(layer), "mask", b->mask);
		gst_util_set_object_arg(G_OBJECT(layer), "mask-direction", b->mask_direction);
		g_object_set(layer, "mask-inverted", gboolean(b->mask_inverted), nullptr);
	}
	for (int i = 0; i < 9; i++)
		gst_object_add_control_binding(
		        GST_OBJECT(layer), gst_direct_control_binding_new_absolute(
		                                   GST_OBJECT(layer), kShapeProps[i], b->shape[i]));
	return layer;
}

/* Margins mx, my (output pixels) that a text's picture wants on each side of its w x h
 * box, cut (both by the same fraction) so that the canvas, the box grown by them (its
 * bounding square when the item turns), stays within 8192 pixels a side and the
 * compositor box, grown by as much around its centre, within jtl::pad_box_fits() at
 * every frame of the item. */
void bound_overflow(const jtl::Item &item, const Context &ctx, int w, int h, bool turns, int *mx,
                    int *my)
{
	if (*mx <= 0 && *my <= 0)
		return;
	uint64_t first = 0, count = 0;
	item_frames(item, ctx, &first, &count);
	double most_w = 1, most_h = 1, most_area = 1;
	for (uint64_t k = first; k < first + count; k++) {
		jtl::ItemFrame f = frame_of(ctx, item, k);
		double bw = std::fabs(f.width * f.scale_x) * ctx.scale;
		double bh = std::fabs(f.height * f.scale_y) * ctx.scale;
		most_w = std::max(most_w, bw);
		most_h = std::max(most_h, bh);
		most_area = std::max(most_area, bw * bh);
	}
	/* a little under the bounds: the compositor box is rounded */
	auto fits = [&](int ax, int ay) {
		double cw = w + 2.0 * ax, ch = h + 2.0 * ay;
		if (turns)
			cw = ch = std::ceil(std::hypot(cw, ch));
		double gx = cw / w, gy = ch / h;
		return cw <= 8192 && ch <= 8192 && gx * most_w <= 0.99 * jtl::kMaxPadSide &&
		       gy * most_h <= 0.99 * jtl::kMaxPadSide &&
		       gx * gy * most_area <= 0.99 * jtl::kMaxPadOutputs * ctx.width * ctx.height;
	};
	if (fits(*mx, *my))
		return;
	double lo = 0, hi = 1;
	for (int i = 0; i < 24; i++) {
		double mid = (lo + hi) / 2;
		(fits(int(*mx * mid), int(*my * mid)) ? lo : hi) = mid;
	}
	*mx = int(*mx * lo);
	*my = int(*my * lo);
}

} /* namespace jtlsrc */
