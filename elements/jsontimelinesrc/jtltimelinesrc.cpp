// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: a source bin that renders editor JSON to raw video and audio.
/**
 * SECTION:element-jsontimelinesrc
 *
 * Renders an editor JSON document (Indream editorState v1, or a request wrapping one)
 * to raw video on the always-present `video` pad and raw 48 kHz stereo audio on the
 * `audio` pad. Inside, every visual item is a branch into a compositor whose pad
 * properties follow the item's keyframes frame by frame (lib/jsontimeline/plan.h), and
 * every audible item a branch into an audiomixer.
 *
 * The graph is dynamic: a branch is built one second (of stream time) before its item
 * starts and released half a second after it ends, so a timeline of hundreds of clips
 * holds only the decoders of the clips around the current position
 * (#JtlTimelineSrc:max-live-branches tells how many were alive at once).
 *
 * A flushing seek in TIME format renders a range of the timeline: the graph is rebuilt
 * for [start, stop) and the pads send a segment of that range, so that downstream
 * running time starts at 0 at the range start. With the SEGMENT flag, the end of the
 * range sends SEGMENT_DONE instead of EOS.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 jsontimelinesrc location=promo.json name=t \
 *     t.video ! videoconvert ! autovideosink  t.audio ! audioconvert ! autoaudiosink
 * ]|
 */
#include "jtltimelinesrc-private.h"

using namespace jtlsrc;

GST_DEBUG_CATEGORY(jtl_timeline_src_debug);

enum {
	PROP_0,
	PROP_LOCATION,
	PROP_JSON,
	PROP_WIDTH,
	PROP_HEIGHT,
	PROP_FPS,
	PROP_SCALE,
	PROP_ASSET_BASE,
	PROP_DURATION,
	PROP_MAX_LIVE_BRANCHES,
	PROP_BRANCHES_BUILT,
	PROP_CACHE_DIR,
	PROP_FETCH_TIMEOUT,
	PROP_FETCH_REFUSE_PRIVATE,
	PROP_FETCH_ALLOW_HOSTS,
	PROP_ASSET_ROOT,
	PROP_CACHE_MAX_BYTES,
	PROP_RETAINED_VERSIONS,
	PROP_MISSING_ILLUSTRATION,
	PROP_TRACE_ITEMS,
};

namespace jtlsrc {

/* The values of the missing-illustration property: jtl::MissingIllustration. */
GType missing_illustration_type()
{
	static gsize type = 0;
	if (g_once_init_enter(&type)) {
		static const GEnumValue values[] = {
		        {int(jtl::MissingIllustration::Error), "Fail, naming the item", "error"},
		        {int(jtl::MissingIllustration::Placeholder),
		         "Draw a placeholder of the item's box, with a warning", "placeholder"},
		        {0, nullptr, nullptr}};
		g_once_init_leave(&type, g_enum_register_static("JtlMissingIllustration", values));
	}
	return GType(type);
}

} /* namespace jtlsrc */

static void jtl_timeline_src_uri_handler_init(gpointer iface, gpointer data);
G_DEFINE_TYPE_WITH_CODE(JtlTimelineSrc, jtl_timeline_src, GST_TYPE_BIN,
                        G_IMPLEMENT_INTERFACE(GST_TYPE_URI_HANDLER,
                                              jtl_timeline_src_uri_handler_init))
GST_ELEMENT_REGISTER_DEFINE(jsontimelinesrc, "jsontimelinesrc", GST_RANK_NONE,
                            JTL_TYPE_TIMELINE_SRC);
namespace jtlsrc {
gpointer parent_class()
{
	return jtl_timeline_src_parent_class;
}
GstStaticPadTemplate video_template = GST_STATIC_PAD_TEMPLATE(
        "video", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS("video/x-raw, format = (string) " JTL_OUTPUT_FORMATS
                        ", width = (int) [ 2, 32768 ], height = (int) [ 2, 32768 ], "
                        "framerate = (fraction) [ 1/1, 240/1 ], "
                        "pixel-aspect-ratio = (fraction) 1/1"));
GstStaticPadTemplate audio_template = GST_STATIC_PAD_TEMPLATE(
        "audio", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS("audio/x-raw, format = (string) S16LE, rate = (int) 48000, "
                        "channels = (int) 2, layout = (string) interleaved"));
} /* namespace jtlsrc */

namespace jtlsrc {

/* The document's path from location: a path or a file:// URI. */
std::string location_path(const std::string &location)
{
	if (location.rfind("file://", 0) == 0) {
		g_autofree gchar *p = g_filename_from_uri(location.c_str(), nullptr, nullptr);
		if (p)
			return p;
	}
	return location;
}

/* The asset policy of the settings: asset-root, the fetch guard, and relative paths
 * against asset-base, else the document's directory. Every file or URL a document names
 * is read through it (jsontimeline/asset-policy.h). */
jtl::AssetPolicy policy_of(const Settings &settings)
{
	jtl::AssetPolicy p;
	p.root = settings.asset_root;
	p.base = settings.asset_base;
	if (p.base.empty() && !settings.location.empty() && settings.json.empty()) {
		g_autofree gchar *dir = g_path_get_dirname(settings.location.c_str());
		p.base = dir;
	}
	p.refuse_private = settings.fetch_refuse_private;
	g_auto(GStrv) hosts = g_strsplit(settings.fetch_allow_hosts.c_str(), ",", -1);
	for (char **h = hosts; *h; h++)
		if (*g_strstrip(*h))
			p.allow_hosts.push_back(*h);
	return p;
}

/* The transitions of a timeline; the files of incoming images are read through policy
 * to know whether they are opaque (jtl::incoming_cover()). */
jtl::ClipSpans spans_of(const jtl::Timeline &tl, const jtl::AssetPolicy &policy,
                        std::vector<std::string> *warnings)
{
	return jtl::plan_transitions(tl, warnings, [&](const jtl::Item &item) {
		const jtl::MediaData *media = item.as<jtl::MediaData>();
		const jtl::Asset *asset = media ? tl.asset(media->asset_id) : nullptr;
		std::string error;
		std::string path = asset ? jtl::resolve_asset_path(*asset, policy, &error) : "";
		return !path.empty() && jtl::image_is_opaque(path);
	});
}

/* The download settings (the policy gives the address guard). */
jtl::FetchOptions fetch_options_of(const Settings &settings)
{
	jtl::FetchOptions fetch;
	fetch.cache_dir = settings.cache_dir;
	fetch.timeout_seconds = settings.fetch_timeout;
	fetch.cache_max_bytes = settings.cache_max_bytes;
	return fetch;
}

bool load(JtlTimelineSrc *self, Settings &settings)
{
	jtl::EditorStateResult result;
	if (!settings.json.empty()) {
		result = jtl::load_editor_state(settings.json);
	} else if (!settings.location.empty()) {
		std::string path = location_path(settings.location);
		g_autoptr(GError) error = nullptr;
		if (!jtl::load_editor_state_file(path.c_str(), {}, &result, &error)) {
			JTL_FILE_ERROR(self, !g_file_test(path.c_str(), G_FILE_TEST_EXISTS),
			               OPEN_READ,
			               ("Could not read the document \"%s\".", path.c_str()),
			               ("%s", error->message));
			return false;
		}
	} else {
		GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("No document to render."),
		                  ("set the \"location\" or the \"json\" property"));
		return false;
	}
	if (!result.valid()) {
		const jtl::Diagnostic d = result.diagnostics.errors().front();
		GST_ELEMENT_ERROR(self, STREAM, FORMAT,
		                  ("Invalid document at %s: %s",
		                   d.path.empty() ? "/" : d.path.c_str(), d.message.c_str()),
		                  ("%s (%zu errors in all)", d.code.c_str(),
		                   result.diagnostics.error_count()));
		return false;
	}
	for (const jtl::Diagnostic &d : result.diagnostics.warnings())
		GST_WARNING_OBJECT(self, "%s: %s (%s)", d.path.c_str(), d.message.c_str(),
		                   d.code.c_str());
	/* http(s) assets are downloaded and local files checked against the policy here
	 * (NULL->READY, the application's thread) */
	std::string asset_error, asset_path;
	bool missing = false;
	if (!jtl::admit_assets(*result.timeline, policy_of(settings), fetch_options_of(settings),
	                       &asset_error, &asset_path, &missing)) {
		JTL_FILE_ERROR(self, missing, READ,
		               ("%s: %s.", asset_path.c_str(), asset_error.c_str()),
		               ("%s", asset_path.c_str()));
		return false;
	}
	/* the text itself, for live updates (merge patches apply to it) */
	std::string text = settings.json;
	if (text.empty()) {
		gchar *contents = nullptr;
		gsize length = 0;
		std::string path = location_path(settings.location);
		if (g_file_get_contents(path.c_str(), &contents, &length, nullptr)) {
			text.assign(contents, length);
			g_free(contents);
		}
	}
	{
		std::lock_guard<std::mutex> guard(self->priv->state.schedule_lock);
		self->priv->state.document = std::move(text);
		self->priv->state.pending.reset();
	}
	std::vector<std::string> warnings;
	self->priv->state.spans = spans_of(*result.timeline, policy_of(settings), &warnings);
	for (const std::string &w : warnings)
		GST_ELEMENT_WARNING(self, STREAM, FORMAT, ("%s.", w.c_str()), (nullptr));
	self->priv->state.timeline = std::move(result.timeline);
	return true;
}

/* An item's box at the start of its clip, in output pixels (1 to 8192 each side). */
void box_pixels(const jtl::Item &item, double scale, int *w, int *h)
{
	jtl::ItemFrame f0 = jtl::evaluate_item(item, item.start);
	*w = int(std::clamp(std::lround(f0.width * scale), 1L, 8192L));
	*h = int(std::clamp(std::lround(f0.height * scale), 1L, 8192L));
}

/* Draws a visual item once, at its size at the start of the clip, in output pixels (at
 * most max_side a side).
 * Returns false (after posting an error) when the item cannot be drawn; an item kind that
 * is not drawn yet gives an empty raster and a warning. */
bool draw_item(JtlTimelineSrc *self, const jtl::Timeline &tl, const jtl::Item &item, double scale,
               const jtl::AssetPolicy &assets, bool placeholders, jtl::Raster *out,
               long max_side = 8192)
{
	jtl::ItemFrame f = jtl::evaluate_item(item, item.start);
	int w = int(std::clamp(std::lround(f.width * scale), 1L, max_side));
	int h = int(std::clamp(std::lround(f.height * scale), 1L, max_side));
	if (const jtl::SolidData *solid = item.as<jtl::SolidData>()) {
		std::optional<jtl::Color> color = jtl::parse_color(solid->color);
		if (!color) {
			GST_ELEMENT_ERROR(
			        self, STREAM, FORMAT,
			        ("Item \"%s\" has a colour that cannot be read.", item.id.c_str()),
			        ("%s/color: \"%s\"", item.json_path.c_str(), solid->color.c_str()));
			return false;
		}
		*out = jtl::draw_shape(solid->shape, *color, w, h, f.border_radius * scale);
		return true;
	}
	if (const jtl::TextData *text = item.as<jtl::TextData>()) {
		std::string warning;
		*out = jtl::draw_text(text->text, text->style, w, h, scale, &warning);
		if (!warning.empty())
			GST_ELEMENT_WARNING(self, RESOURCE, NOT_FOUND,
			                    ("Item \"%s\": %s.", item.id.c_str(), warning.c_str()),
			                    ("%s/fontFamily", item.json_path.c_str()));
		return true;
	}
	const jtl::MediaData *media = item.as<jtl::MediaData>();
	if (media && item.type == jtl::ItemType::Image) {
		const jtl::Asset *asset = tl.asset(media->asset_id);
		std::string error;
		bool missing = !asset;
		std::string path =
		        asset ? jtl::resolve_asset_path(*asset, assets, &error, &missing) : "";
		if (path.empty() ||
		    !jtl::draw_image(path, w, h, media->keep_aspect_ratio, f.border_radius * scale,
		                     f.crop_left, f.crop_top, f.crop_right, f.crop_bottom, out,
		                     &error)) {
			if (asset)
				error = jtl::asset_error_text(error, path, *asset);
			JTL_FILE_ERROR(self, missing, READ,
			               ("Item \"%s\": the image asset \"%s\" cannot be used: %s.",
			                item.id.c_str(), media->asset_id.c_str(), error.c_str()),
			               ("%s/assetId", item.json_path.c_str()));
			return false;
		}
		return true;
	}
	if (const jtl::IllustrationData *ill = item.as<jtl::IllustrationData>()) {
		std::string error;
		if (placeholders && jtl::illustration_path(ill->name).empty()) {
			GST_ELEMENT_WARNING(self, RESOURCE, NOT_FOUND,
			                    ("Item \"%s\": unknown illustration \"%s\", drawn as a "
			                     "placeholder.",
			                     item.id.c_str(), ill->name.c_str()),
			                    ("%s/illustrationName", item.json_path.c_str()));
			*out = jtl::draw_illustration_placeholder(ill->color, w, h, scale);
			return true;
		}
		if (!jtl::draw_illustration(ill->name, ill->color, w, h, ill->keep_aspect_ratio,
		                            out, &error)) {
			GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND,
			                  ("Item \"%s\": %s.", item.id.c_str(), error.c_str()),
			                  ("%s/illustrationName", item.json_path.c_str()));
			return false;
		}
		return true;
	}
	GST_WARNING_OBJECT(self, "%s: %s items are not rendered yet", item.json_path.c_str(),
	                   jtl::item_type_name(item.type));
	return true;
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
                      double grow_x = 1.0, double grow_y = 1.0)
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

/* What jtllayer does to a branch: everything the item asks for, only its rotation (a
 * picture drawn already cropped and rounded), or only a transition's mask. */
enum class ShapeMode { Full, RotationOnly, MaskOnly };

/* Sets up the shaping of an item: canvas and box at the size of its box at clip start
 * (the bounding square when it turns), and the per-frame values of the frames [k, k +
 * count), keyed at at(j) for the j-th. */
void plan_shape(LiveBranch *b, const Context &ctx, const jtl::Item &item, uint64_t k,
                uint64_t count, const std::function<GstClockTime(uint64_t)> &at,
                ShapeMode mode = ShapeMode::Full, int mask_w = 0, int mask_h = 0)
{
	if (mode == ShapeMode::MaskOnly) {
		/* a picture drawn whole: the canvas is its size */
		b->box_w = b->canvas_w = mask_w;
		b->box_h = b->canvas_h = mask_h;
	} else {
		jtl::ItemFrame f0 = jtl::evaluate_item(item, item.start);
		b->box_w = int(std::clamp(std::lround(f0.width * ctx.scale), 1L, 8192L));
		b->box_h = int(std::clamp(std::lround(f0.height * ctx.scale), 1L, 8192L));
		b->canvas_w = b->box_w;
		b->canvas_h = b->box_h;
		const jtl::Geometry &g = *item.geometry;
		if (g.rotation.is_animated() || g.rotation.value != 0.0)
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
	int w = int(std::clamp(std::lround(f0.width * scale), 1L, 8192L));
	int h = int(std::clamp(std::lround(f0.height * scale), 1L, 8192L));
	/* the box as it is: the text is laid out in it, not in its rounding */
	double lw = std::clamp(f0.width * scale, 1.0, 8192.0);
	double lh = std::clamp(f0.height * scale, 1.0, 8192.0);
	bool turns = item.geometry && (item.geometry->rotation.is_animated() ||
	                               item.geometry->rotation.value != 0.0);
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
	bool turns = item.geometry && (item.geometry->rotation.is_animated() ||
	                               item.geometry->rotation.value != 0.0);
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
	bool turns = item.geometry && (item.geometry->rotation.is_animated() ||
	                               item.geometry->rotation.value != 0.0);
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

/* An image whose crop or corners have keyframes: the whole picture, drawn once at its own
 * aspect ratio covering the box, then cropped, fitted, rounded (and turned) frame by frame
 * by jtllayer. */
bool add_shaped_image(LiveBranch *b, const Context &ctx, const jtl::Timeline &tl,
                      const jtl::Item &item, const jtl::MediaData &media, uint64_t k,
                      uint64_t count)
{
	JtlTimelineSrc *self = b->self;
	const jtl::Asset *asset = tl.asset(media.asset_id);
	std::string error;
	bool missing = !asset;
	std::string path =
	        asset ? jtl::resolve_asset_path(*asset, ctx.assets, &error, &missing) : "";
	double iw = 0, ih = 0;
	jtl::Raster raster;
	int fps = ctx.fps;
	plan_shape(b, ctx, item, k, count, [fps](uint64_t j) { return key_time(j, fps); });
	b->keep_aspect_ratio = media.keep_aspect_ratio;
	bool ok = !path.empty() && jtl::image_size(path, &iw, &ih, &error);
	if (ok) {
		if (iw <= 0 || ih <= 0) {
			iw = b->box_w;
			ih = b->box_h;
		}
		double cover = std::max(b->box_w / iw, b->box_h / ih);
		int pw = int(std::clamp(std::ceil(iw * cover), 1.0, 8192.0));
		int ph = int(std::clamp(std::ceil(ih * cover), 1.0, 8192.0));
		ok = jtl::draw_image(path, pw, ph, false, 0, 0, 0, 0, 0, &raster, &error);
	}
	if (!ok) {
		if (asset)
			error = jtl::asset_error_text(error, path, *asset);
		JTL_FILE_ERROR(self, missing, READ,
		               ("Item \"%s\": the image asset \"%s\" cannot be used: %s.",
		                item.id.c_str(), media.asset_id.c_str(), error.c_str()),
		               ("%s/assetId", item.json_path.c_str()));
		return false;
	}
	b->video_sink = add_picture(self, &b->elements, ctx, raster, k, count, b->plan.zorder + 1,
	                            "The item at " + item.json_path,
	                            [b]() { return std::vector<GstElement *>{make_layer(b)}; });
	if (!b->video_sink)
		return false;
	return control_branch_geometry(b, item, ctx, true);
}

/* Builds one drawn item's branch: its picture placed and scaled by its compositor pad,
 * whose geometry and opacity replay the item's keyframes frame by frame. */
bool add_still(LiveBranch *b, const Context &ctx, const jtl::Timeline &tl, const jtl::Item &item)
{
	JtlTimelineSrc *self = b->self;
	if (item.type == jtl::ItemType::Captions)
		return add_captions(b, ctx, tl, item);
	if (item.type == jtl::ItemType::Gif || item.type == jtl::ItemType::Lottie ||
	    item.type == jtl::ItemType::Chart || item.type == jtl::ItemType::TextTemplate)
		return add_animated(b, ctx, tl, item);
	if (const jtl::TextData *text = item.as<jtl::TextData>()) {
		const jtl::CaptionAnimations &a = item.caption_animations;
		if (a.in || a.out || a.loop)
			return add_captions(b, ctx, tl, item);
		return add_text(b, ctx, item, *text);
	}
	uint64_t k, count;
	if (!item_frames(item, ctx, &k, &count))
		return true;
	const jtl::MediaData *media = item.as<jtl::MediaData>();
	if (media && item.type == jtl::ItemType::Image && item.geometry) {
		const jtl::Geometry &g = *item.geometry;
		if (g.crop_left.is_animated() || g.crop_top.is_animated() ||
		    g.crop_right.is_animated() || g.crop_bottom.is_animated() ||
		    g.border_radius.is_animated())
			return add_shaped_image(b, ctx, tl, item, *media, k, count);
	}
	/* one colour all over, unmasked: a few pixels the compositor stretches to the box
	 * (a 100000 px solid is not drawn at 8192 x 8192) */
	long max_side = uniform_box(item, 1.0, 1.0) && !transition_layer(ctx, item) ? 16 : 8192;
	jtl::Raster raster;
	if (!draw_item(self, tl, item, ctx.scale, ctx.assets, ctx.illustration_placeholders,
	               &raster, max_side))
		return false;
	if (raster.data.empty())
		return true;
	if (item.geometry && item.geometry->rotation.is_animated()) {
		/* turning: jtllayer replays the rotation frame by frame on the picture, keyed
		 * at its stream time (0 at the branch's first frame) */
		int fps = ctx.fps;
		plan_shape(
		        b, ctx, item, k, count, [fps](uint64_t j) { return key_time(j, fps); },
		        ShapeMode::RotationOnly);
		b->video_sink =
		        add_picture(self, &b->elements, ctx, raster, k, count, b->plan.zorder + 1,
		                    "The item at " + item.json_path,
		                    [b]() { return std::vector<GstElement *>{make_layer(b)}; });
		if (!b->video_sink)
			return false;
		return control_branch_geometry(b, item, ctx, true);
	}
	/* a fixed rotation: the picture is turned once, on a canvas that holds it, and its box
	 * grows around the centre to match */
	double rotation = item.geometry ? item.geometry->rotation.value : 0.0;
	double grow_x = 1.0, grow_y = 1.0;
	if (rotation != 0.0) {
		jtl::Raster turned = jtl::rotate(raster, rotation);
		grow_x = double(turned.width) / raster.width;
		grow_y = double(turned.height) / raster.height;
		raster = std::move(turned);
	}
	std::function<std::vector<GstElement *>()> make_filters;
	if (transition_layer(ctx, item)) {
		/* a clip of a masking or flipping transition: jtllayer masks or turns it */
		int fps = ctx.fps;
		plan_shape(
		        b, ctx, item, k, count, [fps](uint64_t j) { return key_time(j, fps); },
		        ShapeMode::MaskOnly, raster.width, raster.height);
		make_filters = [b]() { return std::vector<GstElement *>{make_layer(b)}; };
	}
	b->video_sink = add_picture(self, &b->elements, ctx, raster, k, count, b->plan.zorder + 1,
	                            "The item at " + item.json_path, make_filters);
	if (!b->video_sink)
		return false;
	return control_geometry(b->self, b->video_sink, item, ctx, grow_x, grow_y);
}

/* Trims a decoded stream to the item's part of the file: drops what comes before it and
 * ends the stream after it. Runs in the decoder's streaming thread. */
GstPadProbeReturn trim_probe(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	LiveBranch *m = static_cast<LiveBranch *>(data);
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
	if (!GST_BUFFER_PTS_IS_VALID(buf))
		return GST_PAD_PROBE_OK;
	/* file time = stream time of the decoder's segment (files may start at any pts) */
	GstEvent *ev = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0);
	if (!ev)
		return GST_PAD_PROBE_OK;
	const GstSegment *seg;
	gst_event_parse_segment(ev, &seg);
	GstClockTime pts = gst_segment_to_stream_time(seg, GST_FORMAT_TIME, GST_BUFFER_PTS(buf));
	gst_event_unref(ev);
	if (!GST_CLOCK_TIME_IS_VALID(pts))
		return GST_PAD_PROBE_DROP;
	GstClockTime end = pts + (GST_BUFFER_DURATION_IS_VALID(buf) ? GST_BUFFER_DURATION(buf) : 0);
	/* a video frame that is on screen at trim_start is kept; an audio buffer that begins
	 * before it is dropped whole (at most one buffer, ~20 ms): a buffer that starts
	 * before the mixer's position makes audiomixer mix stale data */
	bool audio = pad == m->audio_src;
	if (end <= m->trim_start || (audio && pts < m->trim_start))
		return GST_PAD_PROBE_DROP;
	if (pts >= m->file_end) {
		/* the item's part is over: the mixer pad gets EOS now (it must not wait for the
		 * rest of the file), sent from another thread into our chain; the decoder goes
		 * on into this probe, which drops the rest. (Pushing EOS on the decoder's pad
		 * from here made its multiqueue fail with a flow error now and then.) */
		std::atomic<bool> &ended = audio ? m->audio_ended : m->video_ended;
		GstPad *in = audio ? m->audio_in : m->video_in;
		if (in && !ended.exchange(true))
			gst_element_call_async(
			        GST_ELEMENT(m->self),
			        [](GstElement *, gpointer target) {
				        gst_pad_send_event(GST_PAD(target), gst_event_new_eos());
			        },
			        gst_object_ref(in), gst_object_unref);
		return GST_PAD_PROBE_DROP;
	}
	if (m->retime && !audio) {
		/* playbackRate: a frame at file time f shows at file_start + (f - file_start) /
		 * rate (+ shift); the compositor then takes the latest frame for each output
		 * frame. The first picture of a held clip starts hold earlier and lasts that
		 * much longer. */
		buf = gst_buffer_make_writable(buf);
		double shown = double(m->file_start) +
		               (double(pts) - double(m->file_start)) / m->rate + double(m->shift);
		GstClockTimeDiff pts_out =
		        GstClockTimeDiff(GST_BUFFER_PTS(buf)) + std::llround(shown - double(pts));
		GstClockTime duration =
		        GST_BUFFER_DURATION_IS_VALID(buf)
		                ? GstClockTime(std::llround(GST_BUFFER_DURATION(buf) / m->rate))
		                : GST_CLOCK_TIME_NONE;
		if (m->first_picture.exchange(false) && m->hold > 0) {
			pts_out -= GstClockTimeDiff(m->hold);
			if (GST_CLOCK_TIME_IS_VALID(duration))
				duration += m->hold;
		}
		GST_BUFFER_PTS(buf) = GstClockTime(std::max<GstClockTimeDiff>(0, pts_out));
		GST_BUFFER_DURATION(buf) = duration;
		GST_PAD_PROBE_INFO_DATA(info) = buf;
	}
	return GST_PAD_PROBE_OK;
}

/* Retimed pictures may run past the end of the decoder's segment: it is left open. */
GstPadProbeReturn open_segment(GstPad *, GstPadProbeInfo *info, gpointer)
{
	jtl::open_segment_end(info);
	return GST_PAD_PROBE_OK;
}

/* The decoder's segment at playbackRate: its rate says how fast to play (scaletempo
 * stretches the sound to it), and the pad offset is set so that the item's first sound
 * falls at its start in the timeline. */
GstPadProbeReturn rate_segment(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	LiveBranch *m = static_cast<LiveBranch *>(data);
	GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
	if (GST_EVENT_TYPE(event) != GST_EVENT_SEGMENT)
		return GST_PAD_PROBE_OK;
	const GstSegment *in;
	gst_event_parse_segment(event, &in);
	if (in->format != GST_FORMAT_TIME)
		return GST_PAD_PROBE_OK;
	GstSegment seg;
	gst_segment_copy_into(in, &seg);
	seg.rate = in->rate * m->rate;
	/* running time of the file's trim point, then shifted to the item's start */
	GstClockTime at = m->file_start + seg.start - std::min(seg.start, seg.time);
	guint64 rt = gst_segment_to_running_time(&seg, GST_FORMAT_TIME, std::max(at, seg.start));
	g_autoptr(GstPad) out = gst_element_get_static_pad(m->audio_out, "src");
	gst_pad_set_offset(out, GstClockTimeDiff(m->item_start) - GstClockTimeDiff(rt));
	GstEvent *own = gst_event_new_segment(&seg);
	gst_event_set_seqnum(own, gst_event_get_seqnum(event));
	gst_event_unref(event);
	GST_PAD_PROBE_INFO_DATA(info) = own;
	return GST_PAD_PROBE_OK;
}

/* Creates and links factories in a row, recorded in list; returns them in order (empty on
 * failure). */
std::vector<GstElement *> chain(JtlTimelineSrc *self, std::vector<GstElement *> *list,
                                std::initializer_list<const char *> factories)
{
	std::vector<GstElement *> out;
	for (const char *f : factories) {
		GstElement *e = make(self, list, f);
		if (!e)
			return {};
		if (!out.empty())
			gst_element_link(out.back(), e);
		out.push_back(e);
	}
	return out;
}

void on_decoded_pad(GstElement *, GstPad *pad, gpointer data)
{
	LiveBranch *m = static_cast<LiveBranch *>(data);
	JtlTimelineSrc *self = m->self;
	g_autoptr(GstCaps) caps = gst_pad_get_current_caps(pad);
	if (!caps)
		caps = gst_pad_query_caps(pad, nullptr);
	const char *name = gst_structure_get_name(gst_caps_get_structure(caps, 0));
	bool video = g_str_has_prefix(name, "video/"), audio = g_str_has_prefix(name, "audio/");
	GstPad *target = nullptr;
	std::vector<GstElement *> elements;
	if (video && m->video_sink && !m->video_linked.exchange(true)) {
		if (m->canvas_w > 0 && m->hold > 0) {
			/* a held first picture that jtllayer masks or shapes frame by frame:
			 * videorate repeats it at the output rate */
			elements = chain(self, &m->elements,
			                 {"queue", "videoconvert", "videorate", "capsfilter"});
			if (!elements.empty())
				g_object_set(elements[2], "skip-to-first", TRUE, nullptr);
		} else if (m->canvas_w > 0) {
			elements =
			        chain(self, &m->elements, {"queue", "videoconvert", "capsfilter"});
		}
		if (m->canvas_w > 0) {
			/* cropped, rounded, turned or masked: jtllayer draws it into its canvas */
			GstElement *layer = elements.empty() ? nullptr : make_layer(m);
			if (layer) {
				g_autoptr(GstCaps) bgra =
				        gst_caps_from_string("video/x-raw, format=BGRA");
				if (m->hold > 0)
					gst_caps_set_simple(bgra, "framerate", GST_TYPE_FRACTION,
					                    self->priv->state.ctx.fps, 1, nullptr);
				g_object_set(elements.back(), "caps", bgra, nullptr);
				gst_element_link(elements.back(), layer);
				elements.push_back(layer);
			} else {
				elements.clear();
			}
		} else {
			elements = chain(self, &m->elements, {"queue", "videoconvert"});
		}
		target = m->video_sink;
	} else if (audio && m->audio_sink && !m->audio_linked.exchange(true)) {
		/* at a playbackRate other than 1, scaletempo plays the sound faster or slower
		 * keeping its pitch, as browsers do (preservesPitch) */
		if (m->rate != 1.0)
			elements = chain(self, &m->elements,
			                 {"queue", "scaletempo", "audioconvert", "audioresample",
			                  "volume", "capsfilter"});
		else
			elements = chain(
			        self, &m->elements,
			        {"queue", "audioconvert", "audioresample", "volume", "capsfilter"});
		if (!elements.empty()) {
			GstElement *volume = elements[elements.size() - 2];
			g_autoptr(GstCaps) ac = gst_static_pad_template_get_caps(&audio_template);
			g_object_set(elements.back(), "caps", ac, nullptr);
			gst_object_add_control_binding(
			        GST_OBJECT(volume), gst_direct_control_binding_new_absolute(
			                                    GST_OBJECT(volume), "volume", m->gain));
			if (m->rate != 1.0) {
				m->audio_out = elements.back();
				gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
				                  rate_segment, m, nullptr);
			}
		}
		target = m->audio_sink;
		m->audio_src = pad;
	} else {
		/* a stream the item does not use */
		elements = chain(self, &m->elements, {"fakesink"});
		if (!elements.empty())
			g_object_set(elements[0], "sync", FALSE, "async", FALSE, nullptr);
	}
	if (elements.empty())
		return;
	g_autoptr(GstPad) in = gst_element_get_static_pad(elements.front(), "sink");
	if (target) {
		GstPad *&first = target == m->audio_sink ? m->audio_in : m->video_in;
		first = GST_PAD(gst_object_ref(in));
		gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, trim_probe, m, nullptr);
		g_autoptr(GstPad) out = gst_element_get_static_pad(elements.back(), "src");
		bool video_chain = target == m->video_sink;
		/* the sound's file start at its first sample (item_start), the pictures' at the
		 * item's start */
		gst_pad_set_offset(out, video_chain ? m->offset - GstClockTimeDiff(m->shift)
		                                    : GstClockTimeDiff(m->item_start) -
		                                              GstClockTimeDiff(m->file_start));
		if (video_chain && m->retime)
			gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, open_segment,
			                  nullptr, nullptr);
		if (gst_pad_link(out, target) != GST_PAD_LINK_OK)
			GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
			                  ("Item \"%s\": its decoded media cannot be mixed.",
			                   m->plan.item_id.c_str()),
			                  ("%s: linking %s", m->item_path.c_str(), name));
	}
	start_elements(elements);
	gst_pad_link(pad, in);
}

/* A media file that has no stream of a kind the item asked for: let the mixer go on. */
void on_no_more_pads(GstElement *, gpointer data)
{
	LiveBranch *m = static_cast<LiveBranch *>(data);
	if (m->video_sink && !m->video_linked.exchange(true)) {
		GST_WARNING_OBJECT(m->self, "item %s: no video stream", m->plan.item_id.c_str());
		gst_pad_send_event(m->video_sink, gst_event_new_eos());
	}
	if (m->audio_sink && !m->audio_linked.exchange(true))
		gst_pad_send_event(m->audio_sink, gst_event_new_eos());
}

/* Builds a video or audio item's branch: uridecodebin, trimmed to the item's part of the
 * file and shifted to its place in the timeline; video into the compositor (geometry
 * replayed per frame), sound through a volume element (dB keyframes and fades) into the
 * audiomixer. */
bool add_media(LiveBranch *m, const Context &ctx, const jtl::Timeline &tl, const jtl::Item &item)
{
	JtlTimelineSrc *self = m->self;
	const jtl::MediaData *media = item.as<jtl::MediaData>();
	const jtl::Asset *asset = media ? tl.asset(media->asset_id) : nullptr;
	std::string error;
	bool missing = !asset;
	std::string path =
	        asset ? jtl::resolve_asset_path(*asset, ctx.assets, &error, &missing) : "";
	if (path.empty()) {
		JTL_FILE_ERROR(self, missing, READ,
		               ("Item \"%s\": the media asset \"%s\" cannot be used: %s.",
		                item.id.c_str(), media ? media->asset_id.c_str() : "",
		                error.c_str()),
		               ("%s/assetId", item.json_path.c_str()));
		return false;
	}
	/* the part of the item inside the rendered range, with its transitions' lead and
	 * tail */
	const jtl::ClipSpan &span = span_of(ctx, item);
	GstClockTime from = std::max(jtl::ticks_to_ns(item.start - span.lead), ctx.range.start);
	GstClockTime to = std::min(jtl::ticks_to_ns(item.end() + span.tail), ctx.range.stop);
	if (from >= to)
		return true;
	double rate = media->playback_rate > 0 ? media->playback_rate : 1.0;
	bool want_video = m->plan.video && item.type == jtl::ItemType::Video;
	bool want_audio = m->plan.audio && (item.type == jtl::ItemType::Audio ||
	                                    (asset->type == jtl::AssetType::Video
	                                             ? asset->has_audio_track
	                                             : asset->type == jtl::AssetType::Audio));
	if (!want_video && !want_audio)
		return true;

	m->file_start = GstClockTime(std::llround(media->start_from_seconds * GST_SECOND));
	m->rate = rate;
	/* file time at timeline time t; before 0 in the lead of an incoming clip whose file
	 * has no earlier material */
	const double file_start = double(m->file_start), start_ns = double(item.start_ns());
	auto file_at = [&](GstClockTime t) { return file_start + (double(t) - start_ns) * rate; };
	m->trim_start = GstClockTime(std::max(0.0, std::round(file_at(from))));
	m->file_end =
	        std::max(GstClockTime(std::llround(std::max(0.0, file_at(to)))), m->trim_start + 1);
	m->offset = GstClockTimeDiff(item.start_ns()) - GstClockTimeDiff(m->file_start);
	/* the sound starts on its first sample at or after the item's start, the rule that
	 * gives its first frame (docs/format-indream.md, "Time") */
	m->item_start =
	        jtl::sample_to_ns(jtl::sample_at_or_after(item.start, kAudioRate), kAudioRate);
	/* pictures show at file_start + (file time - file_start) / rate + offset; the first
	 * one is held from `from` when it would show later, and all are shifted by `shift`
	 * (taken off the pad offset) so that the held one keeps a time >= 0 */
	double first_shown = file_start + (double(m->trim_start) - file_start) / rate;
	double held = first_shown + double(m->offset) - double(from);
	m->hold = held > 0.5 ? GstClockTime(std::llround(held)) : 0;
	double need = double(m->hold) - first_shown;
	m->shift = need > 0 ? GstClockTime(std::ceil(need)) : 0;
	m->retime = rate != 1.0 || m->hold > 0 || m->shift > 0;
	if (want_video) {
		m->video_sink = gst_element_request_pad_simple(
		        compositor_for(ctx, m->plan.zorder + 1), "sink_%u");
		g_object_set(m->video_sink, "zorder", m->plan.zorder + 1, nullptr);
		gst_util_set_object_arg(G_OBJECT(m->video_sink), "sizing-policy",
		                        media->keep_aspect_ratio ? "keep-aspect-ratio" : "none");
		/* the outgoing clip of a transition: its last picture stays where the file ends
		 * before the tail does */
		if (span.tail > 0)
			g_object_set(m->video_sink, "repeat-after-eos", TRUE, nullptr);
		uint64_t k, count;
		if ((needs_shape(item) || transition_layer(ctx, item)) &&
		    item_frames(item, ctx, &k, &count)) {
			/* the pictures' stream time: timeline time - offset + shift (the trim
			 * probe retimes them at other rates and when held) */
			m->keep_aspect_ratio = media->keep_aspect_ratio;
			GstClockTimeDiff video_offset = m->offset - GstClockTimeDiff(m->shift);
			int fps = ctx.fps;
			plan_shape(m, ctx, item, k, count, [&](uint64_t j) {
				if (j == 0)
					return GstClockTime(0);
				GstClockTimeDiff t =
				        GstClockTimeDiff(jtl::frame_to_ns(k + j, fps, 1));
				GstClockTimeDiff half =
				        GstClockTimeDiff(jtl::frame_to_ns(1, fps, 1) / 2);
				return GstClockTime(
				        std::max<GstClockTimeDiff>(0, t - video_offset - half));
			});
			gst_util_set_object_arg(G_OBJECT(m->video_sink), "sizing-policy", "none");
			if (!control_branch_geometry(m, item, ctx, true))
				return false;
		} else if (!control_geometry(m->self, m->video_sink, item, ctx)) {
			return false;
		}
	}
	if (want_audio) {
		m->audio_sink = gst_element_request_pad_simple(ctx.mixer, "sink_%u");
		m->gain = gst_interpolation_control_source_new();
		g_object_set(m->gain, "mode", GST_INTERPOLATION_MODE_LINEAR, nullptr);
		/* keyed at file time: the volume element sees the decoder's timestamps; over
		 * the lead and tail too, where transitions crossfade */
		GstTimedValueControlSource *g = GST_TIMED_VALUE_CONTROL_SOURCE(m->gain);
		jtl::Ticks lo = item.start - span.lead, hi = item.end() + span.tail;
		uint64_t steps = std::max<uint64_t>(
		        2, jtl::frames_in(jtl::ticks_to_ns(hi - lo), ctx.fps, 1));
		for (uint64_t k = 0; k < steps; k++) {
			jtl::Ticks t = lo + jtl::Ticks(k) * (hi - lo) / jtl::Ticks(steps);
			GstClockTimeDiff file_t = GstClockTimeDiff(m->file_start) +
			                          (GstClockTimeDiff(jtl::ticks_to_ns(t)) -
			                           GstClockTimeDiff(item.start_ns()));
			gst_timed_value_control_source_set(
			        g, GstClockTime(std::max<GstClockTimeDiff>(0, file_t)),
			        std::min(10.0,
			                 jtl::clip_audio_gain(item, span, std::min(t, hi - 1))));
		}
		/* silent from the first sample at or after its end (the frame rule), not as late
		 * as the end of the decoded buffer that holds it: the next clip of a cut starts
		 * alone. The gain drops half a sample before that sample, where the volume
		 * element's sample times (a few ns off) cannot fall on the wrong side (the last
		 * step of the loop above, at hi) */
		double sounds = double(jtl::sample_to_ns(jtl::sample_at_or_after(hi, kAudioRate),
		                                         kAudioRate)) -
		                double(m->item_start) - double(GST_SECOND / (2 * kAudioRate));
		GstClockTimeDiff end_t =
		        GstClockTimeDiff(m->file_start) + std::llround(sounds * m->rate);
		if (end_t > 0) {
			gst_timed_value_control_source_set(
			        g, GstClockTime(end_t - 1),
			        std::min(10.0, jtl::clip_audio_gain(item, span, hi - 1)));
			gst_timed_value_control_source_set(g, GstClockTime(end_t), 0.0);
		}
	}
	GST_INFO_OBJECT(self,
	                "item %s: file %" GST_TIME_FORMAT " - %" GST_TIME_FORMAT
	                ", offset %" G_GINT64_FORMAT " ns, video %d, audio %d",
	                item.id.c_str(), GST_TIME_ARGS(m->trim_start), GST_TIME_ARGS(m->file_end),
	                m->offset, want_video, want_audio);
	/* named after the item: errors from inside it are reported with the item's path */
	std::string dec_name = item_child_name("media", item.json_path);
	GstElement *dec = make(self, &m->elements, "uridecodebin", dec_name.c_str());
	mark_item(dec, "media", item.json_path);
	if (!dec)
		return false;
	g_autofree gchar *uri = gst_filename_to_uri(path.c_str(), nullptr);
	g_object_set(dec, "uri", uri, nullptr);
	g_signal_connect(dec, "pad-added", G_CALLBACK(on_decoded_pad), m);
	g_signal_connect(dec, "no-more-pads", G_CALLBACK(on_no_more_pads), m);
	return true;
}

} /* namespace jtlsrc */

/* An error from inside a media branch (an undecodable file, ...) is posted again naming
 * the item's JSON path, so that the user learns which asset is at fault. */
static void jtl_timeline_src_handle_message(GstBin *bin, GstMessage *msg)
{
	/* a decoder built while streaming goes through an asynchronous state change of its
	 * own; the mixers wait for its data, so the bin (and the pipeline) need not: its
	 * ASYNC messages would make them lose and regain their state over and over */
	if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ASYNC_START ||
	    GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ASYNC_DONE) {
		for (GstObject *o = GST_MESSAGE_SRC(msg); o; o = GST_OBJECT_PARENT(o)) {
			const char *kind = static_cast<const char *>(
			        g_object_get_qdata(G_OBJECT(o), item_kind_quark()));
			if (kind && strcmp(kind, "media") == 0) {
				gst_message_unref(msg);
				return;
			}
		}
	}
	/* a text's missing font family (a warning of a text or captions item's element), an
	 * undecodable file (an error) */
	GstMessageType type = GST_MESSAGE_TYPE(msg);
	if (type == GST_MESSAGE_WARNING || type == GST_MESSAGE_ERROR) {
		bool warning = type == GST_MESSAGE_WARNING;
		for (GstObject *o = GST_MESSAGE_SRC(msg); o; o = GST_OBJECT_PARENT(o)) {
			const char *kind = static_cast<const char *>(
			        g_object_get_qdata(G_OBJECT(o), item_kind_quark()));
			/* errors of media branches, warnings of texts and captions */
			if (!kind || warning == (strcmp(kind, "media") == 0))
				continue;
			const char *path = static_cast<const char *>(
			        g_object_get_qdata(G_OBJECT(o), item_path_quark()));
			if (warning) {
				g_autoptr(GError) error = nullptr;
				gst_message_parse_warning(msg, &error, nullptr);
				GstMessage *own =
				        font_warning(JTL_TIMELINE_SRC(bin), path, error->message);
				gst_message_unref(msg);
				if (own)
					GST_BIN_CLASS(jtl_timeline_src_parent_class)
					        ->handle_message(bin, own);
				return;
			}
			g_autoptr(GError) error = nullptr;
			g_autofree gchar *debug = nullptr;
			gst_message_parse_error(msg, &error, &debug);
			g_autofree gchar *text =
			        g_strdup_printf("The media of the item at %s cannot be played: %s",
			                        path, error->message);
			g_autofree gchar *details =
			        g_strdup_printf("%s/assetId: %s", path, debug ? debug : "");
			GError *e = g_error_new_literal(error->domain, error->code, text);
			GstMessage *own = gst_message_new_error(GST_OBJECT(bin), e, details);
			g_error_free(e);
			gst_message_unref(msg);
			GST_BIN_CLASS(jtl_timeline_src_parent_class)->handle_message(bin, own);
			return;
		}
	}
	GST_BIN_CLASS(jtl_timeline_src_parent_class)->handle_message(bin, msg);
}

static GstStateChangeReturn jtl_timeline_src_change_state(GstElement *element,
                                                          GstStateChange transition)
{
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(element);
	if (transition == GST_STATE_CHANGE_NULL_TO_READY && !build(self)) {
		teardown(self);
		return GST_STATE_CHANGE_FAILURE;
	}
	if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
		stop_gates(self); /* before the sources stop: a gate may wait */
	if (transition == GST_STATE_CHANGE_READY_TO_PAUSED &&
	    self->priv->state.ctx.comp == nullptr && !build_graph(self, 0, GST_CLOCK_TIME_NONE)) {
		teardown_graph(self);
		return GST_STATE_CHANGE_FAILURE;
	}
	GstStateChangeReturn ret =
	        GST_ELEMENT_CLASS(jtl_timeline_src_parent_class)->change_state(element, transition);
	if (transition == GST_STATE_CHANGE_NULL_TO_READY && ret != GST_STATE_CHANGE_FAILURE)
		announce_caps(self);
	if (transition == GST_STATE_CHANGE_READY_TO_NULL) {
		for (GstPad *pad : {self->video_pad, self->audio_pad})
			gst_pad_set_active(pad, FALSE);
		teardown(self);
	}
	if (transition == GST_STATE_CHANGE_PAUSED_TO_READY && self->priv->state.timeline) {
		/* a new graph of the whole timeline on the next READY->PAUSED */
		teardown_graph(self);
		std::lock_guard<std::mutex> guard(self->priv->state.seek_lock);
		self->priv->state.seek_seqnum = GST_SEQNUM_INVALID;
		self->priv->state.segment_seek = false;
	}
	return ret;
}

static gboolean jtl_timeline_src_apply_patch(JtlTimelineSrc *self, const gchar *patch)
{
	std::string why;
	return request_update(self, patch ? patch : "", true, &why);
}

static void jtl_timeline_src_set_property(GObject *object, guint id, const GValue *value,
                                          GParamSpec *pspec)
{
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(object);
	Settings &s = self->priv->settings;
	if (id == PROP_JSON) {
		/* outside the object lock: schedule_lock is never taken inside it */
		std::string text = jtl_value_string(value);
		bool loaded;
		{
			std::lock_guard<std::mutex> guard(self->priv->state.schedule_lock);
			loaded = self->priv->state.timeline != nullptr;
			if (!loaded)
				self->priv->state.document.clear();
		}
		if (loaded) {
			/* while loaded: a new version of the document, applied at the next frame */
			std::string why;
			request_update(self, text, false, &why);
			return;
		}
		GST_OBJECT_LOCK(self);
		s.json = std::move(text);
		GST_OBJECT_UNLOCK(self);
		return;
	}
	if (id == PROP_WIDTH || id == PROP_HEIGHT || id == PROP_FPS || id == PROP_SCALE) {
		/* the output's size and rate are fixed when the document loads (NULL->READY):
		 * a later change is refused rather than read back and ignored */
		bool loaded;
		{
			std::lock_guard<std::mutex> guard(self->priv->state.schedule_lock);
			loaded = self->priv->state.timeline != nullptr;
		}
		if (loaded) {
			GST_ELEMENT_WARNING(self, CORE, STATE_CHANGE,
			                    ("%s can only be changed in the NULL state.",
			                     g_param_spec_get_name(pspec)),
			                    ("the document is loaded; the change is ignored"));
			return;
		}
	}
	GST_OBJECT_LOCK(self);
	switch (id) {
	case PROP_LOCATION:
		s.location = jtl_value_string(value);
		break;
	case PROP_WIDTH:
		s.width = g_value_get_int(value);
		break;
	case PROP_HEIGHT:
		s.height = g_value_get_int(value);
		break;
	case PROP_FPS:
		s.fps = g_value_get_int(value);
		break;
	case PROP_SCALE:
		s.scale = g_value_get_double(value);
		break;
	case PROP_ASSET_BASE:
		s.asset_base = jtl_value_string(value);
		break;
	case PROP_CACHE_DIR:
		s.cache_dir = jtl_value_string(value);
		break;
	case PROP_FETCH_REFUSE_PRIVATE:
		s.fetch_refuse_private = g_value_get_boolean(value);
		break;
	case PROP_FETCH_ALLOW_HOSTS:
		s.fetch_allow_hosts = jtl_value_string(value);
		break;
	case PROP_ASSET_ROOT:
		s.asset_root = jtl_value_string(value);
		break;
	case PROP_CACHE_MAX_BYTES:
		s.cache_max_bytes = g_value_get_uint64(value);
		break;
	case PROP_FETCH_TIMEOUT:
		s.fetch_timeout = g_value_get_double(value);
		break;
	case PROP_MISSING_ILLUSTRATION:
		s.missing_illustration = g_value_get_enum(value);
		break;
	case PROP_TRACE_ITEMS:
		s.trace_items = g_value_get_boolean(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

static void jtl_timeline_src_get_property(GObject *object, guint id, GValue *value,
                                          GParamSpec *pspec)
{
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(object);
	const Settings &s = self->priv->settings;
	if (id == PROP_JSON) {
		/* the version played last (live updates included), else the property's;
		 * schedule_lock is never taken inside the object lock */
		std::string doc;
		{
			std::lock_guard<std::mutex> guard(self->priv->state.schedule_lock);
			doc = self->priv->state.document;
		}
		GST_OBJECT_LOCK(self);
		if (doc.empty())
			doc = s.json;
		GST_OBJECT_UNLOCK(self);
		g_value_set_string(value, doc.empty() ? nullptr : doc.c_str());
		return;
	}
	if (id == PROP_RETAINED_VERSIONS) {
		std::lock_guard<std::mutex> guard(self->priv->state.schedule_lock);
		forget_freed_versions(self->priv->state);
		g_value_set_uint(value, guint(self->priv->state.retired.size()));
		return;
	}
	GST_OBJECT_LOCK(self);
	switch (id) {
	case PROP_LOCATION:
		g_value_set_string(value, s.location.empty() ? nullptr : s.location.c_str());
		break;
	case PROP_WIDTH:
		g_value_set_int(value, s.width);
		break;
	case PROP_HEIGHT:
		g_value_set_int(value, s.height);
		break;
	case PROP_FPS:
		g_value_set_int(value, s.fps);
		break;
	case PROP_SCALE:
		g_value_set_double(value, s.scale);
		break;
	case PROP_ASSET_BASE:
		g_value_set_string(value, s.asset_base.empty() ? nullptr : s.asset_base.c_str());
		break;
	case PROP_CACHE_DIR:
		g_value_set_string(value, s.cache_dir.empty() ? nullptr : s.cache_dir.c_str());
		break;
	case PROP_FETCH_REFUSE_PRIVATE:
		g_value_set_boolean(value, s.fetch_refuse_private);
		break;
	case PROP_FETCH_ALLOW_HOSTS:
		g_value_set_string(value, s.fetch_allow_hosts.c_str());
		break;
	case PROP_ASSET_ROOT:
		g_value_set_string(value, s.asset_root.c_str());
		break;
	case PROP_CACHE_MAX_BYTES:
		g_value_set_uint64(value, s.cache_max_bytes);
		break;
	case PROP_FETCH_TIMEOUT:
		g_value_set_double(value, s.fetch_timeout);
		break;
	case PROP_MISSING_ILLUSTRATION:
		g_value_set_enum(value, s.missing_illustration);
		break;
	case PROP_TRACE_ITEMS:
		g_value_set_boolean(value, s.trace_items);
		break;
	case PROP_DURATION:
		g_value_set_uint64(value, self->priv->state.duration);
		break;
	case PROP_MAX_LIVE_BRANCHES:
		g_value_set_uint(value, self->priv->state.max_live);
		break;
	case PROP_BRANCHES_BUILT:
		g_value_set_uint(value, self->priv->state.built);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

static void jtl_timeline_src_finalize(GObject *object)
{
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(object);
	delete self->priv;
	G_OBJECT_CLASS(jtl_timeline_src_parent_class)->finalize(object);
}

/* Decoders inside media branches: libav's frame threads each hold a picture buffer set
 * (tens of megabytes at 1080p per decoder, and a few decoders are alive around a cut);
 * the mixers and the encoder keep the cores busy, so one thread per decoder costs little
 * time and much less memory. */
static void on_deep_element_added(GstBin *, GstBin *, GstElement *element, gpointer)
{
	GstElementFactory *f = gst_element_get_factory(element);
	if (f && g_str_has_prefix(GST_OBJECT_NAME(f), "avdec_") &&
	    g_object_class_find_property(G_OBJECT_GET_CLASS(element), "max-threads"))
		g_object_set(element, "max-threads", 1, nullptr);
}

/* Progress as element messages, from the pictures going out: every quarter second of
 * output and at the last frame. */
static GstPadProbeReturn progress_probe(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(data);
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
	const Context &ctx = self->priv->state.ctx;
	if (!GST_BUFFER_PTS_IS_VALID(buf) || ctx.fps <= 0 || ctx.range.k1 <= ctx.range.k0)
		return GST_PAD_PROBE_OK;
	uint64_t k = first_frame_at(GST_BUFFER_PTS(buf), ctx.fps);
	uint64_t done = k + 1 > ctx.range.k0 ? k + 1 - ctx.range.k0 : 0;
	uint64_t total = ctx.range.k1 - ctx.range.k0;
	uint64_t step = std::max(1, ctx.fps / 4);
	if (done == 0 || (done % step != 0 && done != total))
		return GST_PAD_PROBE_OK;
	gst_element_post_message(
	        GST_ELEMENT(self),
	        gst_message_new_element(
	                GST_OBJECT(self),
	                gst_structure_new("jsontimeline-progress", "position", G_TYPE_UINT64,
	                                  guint64(jtl::frame_to_ns(k + 1, ctx.fps, 1)), "duration",
	                                  G_TYPE_UINT64,
	                                  guint64(jtl::frame_to_ns(ctx.range.k1, ctx.fps, 1)),
	                                  "frames-done", G_TYPE_UINT64, guint64(done), "frames",
	                                  G_TYPE_UINT64, guint64(total), nullptr)));
	return GST_PAD_PROBE_OK;
}

/* GstURIHandler: jsontimeline:///path/doc.json is location=/path/doc.json, so that
 * playbin, uridecodebin and gst-play-1.0 play a document (gst-play-1.0
 * jsontimeline:///path/doc.json); the rest of the URI is read as a file:// URI's. */
static GstURIType jtl_timeline_src_uri_get_type(GType)
{
	return GST_URI_SRC;
}

static const gchar *const *jtl_timeline_src_uri_get_protocols(GType)
{
	static const gchar *const protocols[] = {"jsontimeline", nullptr};
	return protocols;
}

static gchar *jtl_timeline_src_uri_get_uri(GstURIHandler *handler)
{
	g_autofree gchar *location = nullptr;
	g_object_get(handler, "location", &location, nullptr);
	if (!location || !*location)
		return nullptr;
	std::string path = location_path(location);
	if (!g_path_is_absolute(path.c_str())) {
		g_autofree gchar *dir = g_get_current_dir();
		g_autofree gchar *abs = g_build_filename(dir, path.c_str(), nullptr);
		path = abs;
	}
	g_autofree gchar *uri = g_filename_to_uri(path.c_str(), nullptr, nullptr);
	if (!uri)
		return nullptr;
	return g_strconcat("jsontimeline", uri + strlen("file"), nullptr);
}

static gboolean jtl_timeline_src_uri_set_uri(GstURIHandler *handler, const gchar *uri,
                                             GError **error)
{
	if (GST_STATE(handler) > GST_STATE_READY) {
		g_set_error(error, GST_URI_ERROR, GST_URI_ERROR_BAD_STATE,
		            "the document can only change in the NULL or READY state");
		return FALSE;
	}
	const char *scheme = "jsontimeline:";
	if (!uri || g_ascii_strncasecmp(uri, scheme, strlen(scheme)) != 0) {
		g_set_error(error, GST_URI_ERROR, GST_URI_ERROR_UNSUPPORTED_PROTOCOL,
		            "not a jsontimeline: URI: %s", uri ? uri : "(null)");
		return FALSE;
	}
	g_autofree gchar *as_file = g_strconcat("file:", uri + strlen(scheme), nullptr);
	g_autofree gchar *path = g_filename_from_uri(as_file, nullptr, nullptr);
	if (!path) {
		g_set_error(error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
		            "%s names no file (jsontimeline:///path/doc.json)", uri);
		return FALSE;
	}
	g_object_set(handler, "location", path, nullptr);
	if (GST_STATE(handler) == GST_STATE_NULL)
		announce_document(JTL_TIMELINE_SRC(handler));
	return TRUE;
}

static void jtl_timeline_src_uri_handler_init(gpointer g_iface, gpointer)
{
	GstURIHandlerInterface *iface = static_cast<GstURIHandlerInterface *>(g_iface);
	iface->get_type = jtl_timeline_src_uri_get_type;
	iface->get_protocols = jtl_timeline_src_uri_get_protocols;
	iface->get_uri = jtl_timeline_src_uri_get_uri;
	iface->set_uri = jtl_timeline_src_uri_set_uri;
}

static void jtl_timeline_src_init(JtlTimelineSrc *self)
{
	g_signal_connect(self, "deep-element-added", G_CALLBACK(on_deep_element_added), nullptr);
	self->priv = new _JtlTimelineSrc::Private();
	GstPadTemplate *vt = gst_static_pad_template_get(&video_template);
	GstPadTemplate *at = gst_static_pad_template_get(&audio_template);
	self->video_pad = gst_ghost_pad_new_no_target_from_template("video", vt);
	self->audio_pad = gst_ghost_pad_new_no_target_from_template("audio", at);
	gst_object_unref(vt);
	gst_object_unref(at);
	for (GstPad *pad : {self->video_pad, self->audio_pad}) {
		gst_pad_set_event_function(pad, src_event);
		gst_pad_set_query_function(pad, src_query);
		g_autoptr(GstPad) internal =
		        GST_PAD(gst_proxy_pad_get_internal(GST_PROXY_PAD(pad)));
		gst_pad_set_chain_function(internal, output_chain);
		gst_pad_set_chain_list_function(internal, output_chain_list);
	}
	gst_element_add_pad(GST_ELEMENT(self), self->video_pad);
	gst_element_add_pad(GST_ELEMENT(self), self->audio_pad);
	gst_pad_add_probe(self->video_pad, GST_PAD_PROBE_TYPE_BUFFER, progress_probe, self,
	                  nullptr);
	GST_OBJECT_FLAG_SET(self, GST_ELEMENT_FLAG_SOURCE);
}

static void jtl_timeline_src_class_init(JtlTimelineSrcClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
	object_class->set_property = jtl_timeline_src_set_property;
	object_class->get_property = jtl_timeline_src_get_property;
	object_class->finalize = jtl_timeline_src_finalize;
	element_class->change_state = jtl_timeline_src_change_state;
	element_class->send_event = send_event;

	/**
	 * JtlTimelineSrc::apply-patch:
	 * @patch: a JSON Merge Patch (RFC 7386) of the document
	 *
	 * Changes the document while it plays: the patched version is validated and, when a
	 * running render allows the change (drawn items and their assets; not the size,
	 * duration, background, tracks, transitions, video, audio, effects, filters), it
	 * plays from the next frame the element makes. Returns %FALSE when refused (nothing
	 * changes); an element message "jsontimeline-update" (accepted, reason) is posted
	 * either way, and "jsontimeline-update-applied" (frame) when it takes effect.
	 * Setting #JtlTimelineSrc:json while the document is loaded does the same with a
	 * whole new version.
	 */
	g_signal_new_class_handler("apply-patch", G_TYPE_FROM_CLASS(klass),
	                           GSignalFlags(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
	                           G_CALLBACK(jtl_timeline_src_apply_patch), nullptr, nullptr,
	                           nullptr, G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
	GST_BIN_CLASS(klass)->handle_message = jtl_timeline_src_handle_message;

	const GParamFlags rw =
	        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
	g_object_class_install_property(
	        object_class, PROP_LOCATION,
	        g_param_spec_string("location", "Location",
	                            "Path or file:// URI of the editor JSON document", nullptr,
	                            rw));
	g_object_class_install_property(
	        object_class, PROP_JSON,
	        g_param_spec_string("json", "JSON",
	                            "The editor JSON document itself (takes precedence over "
	                            "location); set once loaded (READY and up): a new version, "
	                            "applied at the next frame",
	                            nullptr,
	                            GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
	                                        GST_PARAM_MUTABLE_PLAYING)));
	/* fixed when the document loads (NULL->READY): changeable in NULL only, a later
	 * change refused with a warning */
	const GParamFlags null_only = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_property(
	        object_class, PROP_WIDTH,
	        g_param_spec_int("width", "Width",
	                         "Output width in pixels before scale (0 = compositionWidth); "
	                         "NULL state only",
	                         0, 16384, 0, null_only));
	g_object_class_install_property(
	        object_class, PROP_HEIGHT,
	        g_param_spec_int("height", "Height",
	                         "Output height in pixels before scale (0 = compositionHeight); "
	                         "NULL state only",
	                         0, 16384, 0, null_only));
	g_object_class_install_property(
	        object_class, PROP_FPS,
	        g_param_spec_int("fps", "Frames per second",
	                         "Output frame rate (0 = the request's fps, else 30); NULL state "
	                         "only",
	                         0, 240, 0, null_only));
	g_object_class_install_property(
	        object_class, PROP_SCALE,
	        g_param_spec_double("scale", "Scale",
	                            "Output size = composition size x scale (0: the request's "
	                            "scale, else 1); NULL state only",
	                            0.0, 8.0, 0.0, null_only));
	g_object_class_install_property(
	        object_class, PROP_ASSET_BASE,
	        g_param_spec_string("asset-base", "Asset base",
	                            "Directory or URI that relative asset locations resolve "
	                            "against (default: the document's directory)",
	                            nullptr, rw));
	g_object_class_install_property(
	        object_class, PROP_CACHE_DIR,
	        g_param_spec_string("cache-dir", "Cache directory",
	                            "Directory that http(s) assets are downloaded into and kept in "
	                            "(default: $XDG_CACHE_HOME/jsontimeline/remote)",
	                            nullptr, rw));
	g_object_class_install_property(
	        object_class, PROP_FETCH_TIMEOUT,
	        g_param_spec_double("fetch-timeout", "Fetch timeout",
	                            "Longest time in seconds the download of one http(s) asset may "
	                            "take, whole transfer (0 = no limit)",
	                            0.0, 86400.0, 120.0, rw));
	g_object_class_install_property(
	        object_class, PROP_FETCH_REFUSE_PRIVATE,
	        g_param_spec_boolean("fetch-refuse-private", "Refuse private addresses",
	                             "Refuse to download assets from loopback, private, "
	                             "link-local and metadata addresses (checked at connect time, "
	                             "after DNS and at every redirect)",
	                             FALSE, rw));
	g_object_class_install_property(
	        object_class, PROP_FETCH_ALLOW_HOSTS,
	        g_param_spec_string("fetch-allow-hosts", "Allowed hosts",
	                            "Comma-separated hosts that fetch-refuse-private lets through",
	                            "", rw));
	g_object_class_install_property(
	        object_class, PROP_ASSET_ROOT,
	        g_param_spec_string("asset-root", "Asset root",
	                            "Local asset files must be inside this directory (links "
	                            "followed); empty: anywhere",
	                            "", rw));

	g_object_class_install_property(
	        object_class, PROP_CACHE_MAX_BYTES,
	        g_param_spec_uint64("cache-max-bytes", "Cache size limit",
	                            "Bytes the remote asset cache may hold: past it the files used "
	                            "longest ago are deleted; 0: no limit",
	                            0, G_MAXUINT64, jtl::kDefaultCacheMaxBytes, rw));

	g_object_class_install_property(
	        object_class, PROP_DURATION,
	        g_param_spec_uint64("duration", "Duration",
	                            "Duration of the output in nanoseconds (frames / fps), known "
	                            "from the READY state on; 0 before",
	                            0, G_MAXUINT64, 0,
	                            GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

	g_object_class_install_property(
	        object_class, PROP_MAX_LIVE_BRANCHES,
	        g_param_spec_uint("max-live-branches", "Most live branches",
	                          "The most item branches alive at once since the last "
	                          "NULL->READY (the graph builds a branch shortly before its "
	                          "item starts and releases it after it ends)",
	                          0, G_MAXUINT, 0,
	                          GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
	g_object_class_install_property(
	        object_class, PROP_BRANCHES_BUILT,
	        g_param_spec_uint("branches-built", "Branches built",
	                          "Item branches built since the last NULL->READY", 0, G_MAXUINT, 0,
	                          GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
	g_object_class_install_property(
	        object_class, PROP_RETAINED_VERSIONS,
	        g_param_spec_uint("retained-versions", "Retained versions",
	                          "Earlier versions of the document (replaced by live updates) "
	                          "still kept in memory because a live branch was built from them",
	                          0, G_MAXUINT, 0,
	                          GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
	g_object_class_install_property(
	        object_class, PROP_MISSING_ILLUSTRATION,
	        g_param_spec_enum("missing-illustration", "Missing illustration",
	                          "What an illustration item whose name is not built in becomes: "
	                          "an error naming its JSON pointer, or a placeholder of its box "
	                          "in its colour with a warning",
	                          missing_illustration_type(), 0, rw));

	g_object_class_install_property(
	        object_class, PROP_TRACE_ITEMS,
	        g_param_spec_boolean(
	                "trace-items", "Trace items",
	                "Post a \"jsontimeline-frame-items\" element message per output frame: "
	                "the items whose pictures the compositor was given (\"drawn\") and "
	                "those the document shows on that frame (\"model\"), to check renders; "
	                "read when the graph is built (NULL->READY)",
	                FALSE, rw));

	gst_element_class_add_static_pad_template(element_class, &video_template);
	gst_element_class_add_static_pad_template(element_class, &audio_template);
	gst_element_class_set_static_metadata(
	        element_class, "Editor JSON timeline source", "Source/Video/Audio",
	        "Renders an editor JSON document (Indream editorState v1) to raw video and audio",
	        "jsontimeline developers");
	GST_DEBUG_CATEGORY_INIT(jtl_timeline_src_debug, "jsontimelinesrc", 0,
	                        "editor JSON timeline source");
}
