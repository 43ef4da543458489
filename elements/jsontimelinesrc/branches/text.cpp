// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: text items: textoverlay with the item's look.
#include "jsontimelinesrc/jtltimelinesrc-private.h"

namespace jtlsrc {

/* A CSS font weight as a number: "100".."900", "normal", "bold". */
int css_weight(const std::string &w)
{
	if (w == "bold" || w == "bolder")
		return 700;
	if (w == "lighter")
		return 300;
	int n = int(g_ascii_strtoll(w.c_str(), nullptr, 10));
	return n >= 100 && n <= 900 ? n : 400;
}

/* Sets the properties of a text's look that textoverlay-kf and captionrender share
 * (common/textlook.h), and the font family, from a style: sizes at scale, each clamped to
 * its property's range. The colours and the direction are the caller's to set. */
void set_text_look(GstElement *element, const jtl::TextStyle &st, double scale)
{
	g_object_set(element, "font-family",
	             st.font_family.empty() ? jtl::kDefaultFontFamily : st.font_family.c_str(),
	             "font-weight", css_weight(st.font_style.weight), "italic",
	             gboolean(st.font_style.variant == "italic"), "font-size",
	             std::clamp(st.font_size * scale, 1.0, 2000.0), "line-height",
	             std::clamp(st.line_height, 0.1, 10.0), "letter-spacing",
	             std::clamp(st.letter_spacing * scale, -1000.0, 1000.0), "alignment",
	             st.align == jtl::TextAlign::Center  ? JTL_ALIGN_CENTER
	             : st.align == jtl::TextAlign::Right ? JTL_ALIGN_RIGHT
	                                                 : JTL_ALIGN_LEFT,
	             "stroke-width", std::clamp(st.stroke_width * scale, 0.0, 500.0), nullptr);
	if (st.background)
		g_object_set(element, "background-padding",
		             std::clamp(st.background->horizontal_padding * scale, 0.0, 1000.0),
		             "background-radius",
		             std::clamp(st.background->border_radius * scale, 0.0, 1000.0),
		             nullptr);
}

/* Builds a text item's branch: textoverlay-kf draws the text on a transparent canvas of
 * the box grown by the text's overflow (of its bounding square when the item turns, the
 * rotation then being replayed frame by frame on the element); the compositor pad places
 * and scales the canvas. */
bool add_text(LiveBranch *b, const Context &ctx, const jtl::Item &item, const jtl::TextData &text)
{
	JtlTimelineSrc *self = b->self;
	uint64_t k, count;
	if (!item_frames(item, ctx, &k, &count))
		return true;
	const double scale = ctx.scale;
	jtl::ItemFrame f0 = jtl::evaluate_item(item, item.start);
	int w = box_side(f0.width, scale);
	int h = box_side(f0.height, scale);
	/* the box as it is: the text is laid out in it, not in its rounding */
	double lw = std::clamp(f0.width * scale, 1.0, 8192.0);
	double lh = std::clamp(f0.height * scale, 1.0, 8192.0);
	bool turns = item_turns(item);
	const jtl::TextStyle &st = text.style;
	/* text that overflows its box is drawn (CSS overflow: visible): the canvas grows
	 * around the box to hold it */
	jtl::TextOverflow over = jtl::text_overflow(text.text, st, lw, lh, scale);
	if (over.lines_overflow)
		warn_overflow(self, item.json_path);
	int mx = std::max(over.left, over.right), my = std::max(over.top, over.bottom);
	bound_overflow(item, ctx, w, h, turns, &mx, &my);
	int cw = w + 2 * mx, ch = h + 2 * my;
	if (turns)
		cw = ch = int(std::min(8192.0, std::ceil(std::hypot(double(cw), double(ch)))));
	jtl::Raster canvas;
	canvas.width = cw;
	canvas.height = ch;
	canvas.data.assign(size_t(cw) * ch * 4, 0);
	GstElement *overlay = nullptr;
	auto make_overlay = [&]() -> GstElement * {
		std::string name = item_child_name("text", item.json_path);
		overlay = make(self, &b->elements, "textoverlay-kf", name.c_str());
		mark_item(overlay, "text", item.json_path);
		if (!overlay)
			return nullptr;
		jtl::Color fg = jtl::parse_color(st.color).value_or(jtl::Color{1, 1, 1, 1});
		jtl::Color stroke =
		        jtl::parse_color(st.stroke_color).value_or(jtl::Color{0, 0, 0, 1});
		set_text_look(overlay, st, scale);
		gst_util_set_object_arg(G_OBJECT(overlay), "direction",
		                        st.direction == jtl::TextDirection::Rtl ? "rtl" : "ltr");
		g_object_set(overlay, "text", text.text.c_str(), "color", guint(fg.argb()),
		             "stroke-color", guint(stroke.argb()), "x", (cw - w) / 2.0, "y",
		             (ch - h) / 2.0, "box-width", lw, "box-height", lh, nullptr);
		if (st.background) {
			if (std::optional<jtl::Color> bg = jtl::parse_color(st.background->color))
				g_object_set(overlay, "background-color", guint(bg->argb()),
				             nullptr);
		}
		if (turns) {
			/* the element's stream time starts at 0 with the branch's first frame */
			GstControlSource *cs = frame_values();
			double last = NAN;
			for (uint64_t j = 0; j < count; j++) {
				double r = frame_of(ctx, item, k + j).rotation;
				if (r == last)
					continue;
				last = r;
				gst_timed_value_control_source_set(
				        GST_TIMED_VALUE_CONTROL_SOURCE(cs), key_time(j, ctx.fps),
				        r);
			}
			gst_object_add_control_binding(
			        GST_OBJECT(overlay), gst_direct_control_binding_new_absolute(
			                                     GST_OBJECT(overlay), "rotation", cs));
			gst_object_unref(cs);
		}
		return overlay;
	};
	/* the incoming clip of a masking transition: jtllayer masks the drawn text */
	int fps = ctx.fps;
	if (transition_layer(ctx, item))
		plan_shape(
		        b, ctx, item, k, count, [fps](uint64_t j) { return key_time(j, fps); },
		        ShapeMode::MaskOnly, cw, ch);
	auto make_filters = [&]() -> std::vector<GstElement *> {
		GstElement *o = make_overlay();
		if (b->canvas_w == 0)
			return {o};
		GstElement *layer = make_layer(b);
		if (o && layer)
			gst_element_link(o, layer);
		return {o, layer};
	};
	b->video_sink = add_picture(self, &b->elements, ctx, canvas, k, count, b->plan.zorder + 1,
	                            "The item at " + item.json_path, make_filters);
	if (!b->video_sink)
		return false;
	return control_geometry(b->self, b->video_sink, item, ctx, double(cw) / w, double(ch) / h);
}

} /* namespace jtlsrc */
