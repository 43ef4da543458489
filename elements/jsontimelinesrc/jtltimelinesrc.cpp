// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: a source bin that renders editor JSON to raw video and audio.
/**
 * SECTION:element-jsontimelinesrc
 *
 * Renders an editor JSON document (Indream editorState v1, or a request wrapping one)
 * to raw video on the always-present `video` pad and raw 48 kHz stereo audio on the
 * `audio` pad. Inside, every visual item is a branch into a compositor whose pad
 * properties follow the item's keyframes frame by frame (lib/jsontimeline/plan.h).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 jsontimelinesrc location=promo.json name=t \
 *     t.video ! videoconvert ! autovideosink  t.audio ! audioconvert ! autoaudiosink
 * ]|
 */
#include "jtltimelinesrc.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <string>

#include <gst/controller/controller.h>

#include <jsontimeline/color.h>
#include <jsontimeline/draw.h>
#include <jsontimeline/editorstate.h>
#include <jsontimeline/plan.h>

GST_DEBUG_CATEGORY_STATIC(jtl_timeline_src_debug);
#define GST_CAT_DEFAULT jtl_timeline_src_debug

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
};

constexpr int kAudioRate = 48000;
/* audio buffers of 10 ms: the audio track ends within 10 ms of the video */
constexpr int kAudioSamplesPerBuffer = kAudioRate / 100;

namespace {

/* Values set by the application; guarded by the object lock. */
struct Settings {
	std::string location;
	std::string json;
	int width = 0;  /* 0 = the document's compositionWidth */
	int height = 0; /* 0 = the document's compositionHeight */
	int fps = 0;    /* 0 = the request's fps, else 30 */
	double scale = 1.0;
	std::string asset_base;
};

/* Streaming state, rebuilt on each NULL->READY; touched from state changes only. */
struct MediaBranch;

struct State {
	std::unique_ptr<jtl::Timeline> timeline;
	guint64 duration = 0; /* of the output, ns: frames / fps; object lock */
	std::mutex lock;      /* guards children: decoders add elements from their threads */
	std::vector<GstElement *> children; /* owned by the bin */
	std::vector<std::unique_ptr<MediaBranch>> media;
};

/* A decoded media item (video or audio): its mixer pads, requested up front so that the
 * mixers wait for it, and the part of the file it plays. */
struct MediaBranch {
	JtlTimelineSrc *self = nullptr;
	std::string item_id;
	GstPad *video_sink = nullptr; /* compositor pad, or nullptr */
	GstPad *audio_sink = nullptr; /* audiomixer pad, or nullptr */
	GstClockTime file_start = 0;  /* ns into the file where the item starts */
	GstClockTime file_end = 0;    /* ns into the file where it ends */
	GstClockTimeDiff offset = 0;  /* running time = file time + offset */
	GstControlSource *gain = nullptr;
	GstPad *audio_src = nullptr; /* the decoder pad feeding audio_sink (not a ref) */
	double rate = 1.0;           /* playbackRate: file time runs this much faster */
	std::atomic<bool> video_linked{false}, audio_linked{false};

	~MediaBranch()
	{
		if (video_sink)
			gst_object_unref(video_sink);
		if (audio_sink)
			gst_object_unref(audio_sink);
		if (gain)
			gst_object_unref(gain);
	}
};

} /* namespace */

struct _JtlTimelineSrc {
	GstBin parent;
	GstPad *video_pad; /* ghost pads, always present */
	GstPad *audio_pad;
	struct Private {
		Settings settings; /* object lock */
		State state;
	} * priv;
};

G_DEFINE_TYPE(JtlTimelineSrc, jtl_timeline_src, GST_TYPE_BIN)
GST_ELEMENT_REGISTER_DEFINE(jsontimelinesrc, "jsontimelinesrc", GST_RANK_NONE,
                            JTL_TYPE_TIMELINE_SRC);

static GstStaticPadTemplate video_template = GST_STATIC_PAD_TEMPLATE(
        "video", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS("video/x-raw, pixel-aspect-ratio = (fraction) 1/1"));
static GstStaticPadTemplate audio_template = GST_STATIC_PAD_TEMPLATE(
        "audio", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS("audio/x-raw, format = (string) S16LE, rate = (int) 48000, "
                        "channels = (int) 2, layout = (string) interleaved"));

namespace {

GstElement *make(JtlTimelineSrc *self, const char *factory, const char *name = nullptr)
{
	GstElement *e = gst_element_factory_make(factory, name);
	if (!e) {
		GST_ELEMENT_ERROR(self, CORE, MISSING_PLUGIN,
		                  ("The GStreamer element \"%s\" is missing.", factory),
		                  ("install the plugin that provides %s", factory));
		return nullptr;
	}
	gst_bin_add(GST_BIN(self), e);
	std::lock_guard<std::mutex> guard(self->priv->state.lock);
	self->priv->state.children.push_back(e);
	return e;
}

GstCaps *video_caps(const char *format, int width, int height, int fps)
{
	return gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, format, "width",
	                           G_TYPE_INT, width, "height", G_TYPE_INT, height, "framerate",
	                           GST_TYPE_FRACTION, fps, 1, "pixel-aspect-ratio",
	                           GST_TYPE_FRACTION, 1, 1, "interlace-mode", G_TYPE_STRING,
	                           "progressive", nullptr);
}

/* A step control source holding one value per output frame (the lib evaluates the
 * keyframes; the controller only replays them at each frame's stream time). */
GstControlSource *frame_values()
{
	GstControlSource *cs = gst_interpolation_control_source_new();
	g_object_set(cs, "mode", GST_INTERPOLATION_MODE_NONE, nullptr);
	return cs;
}

void bind(GstPad *pad, const char *property, GstControlSource *cs)
{
	gst_object_add_control_binding(GST_OBJECT(pad), gst_direct_control_binding_new_absolute(
	                                                        GST_OBJECT(pad), property, cs));
}

bool load(JtlTimelineSrc *self, Settings &settings)
{
	jtl::EditorStateResult result;
	if (!settings.json.empty()) {
		result = jtl::load_editor_state(settings.json);
	} else if (!settings.location.empty()) {
		std::string path = settings.location;
		if (path.rfind("file://", 0) == 0) {
			g_autofree gchar *p = g_filename_from_uri(path.c_str(), nullptr, nullptr);
			if (p)
				path = p;
		}
		g_autoptr(GError) error = nullptr;
		if (!jtl::load_editor_state_file(path.c_str(), {}, &result, &error)) {
			GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ,
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
	self->priv->state.timeline = std::move(result.timeline);
	return true;
}

/* Draws a visual item once, at its size at the start of the clip, in output pixels.
 * Returns false (after posting an error) when the item cannot be drawn; an item kind that
 * is not drawn yet gives an empty raster and a warning. */
bool draw_item(JtlTimelineSrc *self, const jtl::Timeline &tl, const jtl::Item &item, double scale,
               const std::string &asset_base, jtl::Raster *out)
{
	jtl::ItemFrame f = jtl::evaluate_item(item, item.start);
	int w = int(std::clamp(std::lround(f.width * scale), 1L, 8192L));
	int h = int(std::clamp(std::lround(f.height * scale), 1L, 8192L));
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
		std::string path = asset ? jtl::resolve_asset_path(*asset, asset_base, &error) : "";
		if (path.empty() ||
		    !jtl::draw_image(path, w, h, media->keep_aspect_ratio, f.border_radius * scale,
		                     f.crop_left, f.crop_top, f.crop_right, f.crop_bottom, out,
		                     &error)) {
			GST_ELEMENT_ERROR(
			        self, RESOURCE, READ,
			        ("Item \"%s\": the image asset \"%s\" cannot be used: %s.",
			         item.id.c_str(), media->asset_id.c_str(), error.c_str()),
			        ("%s/assetId", item.json_path.c_str()));
			return false;
		}
		return true;
	}
	GST_WARNING_OBJECT(self, "%s: %s items are not rendered yet", item.json_path.c_str(),
	                   jtl::item_type_name(item.type));
	return true;
}

/* Replays an item's box on its compositor pad, one value per output frame. */
void control_geometry(GstPad *sink, const jtl::Item &item, double scale, int fps, uint64_t frames,
                      double grow_x = 1.0, double grow_y = 1.0)
{
	GstControlSource *cs[5];
	for (GstControlSource *&c : cs)
		c = frame_values();
	/* a point only where a value changes: a still item costs a handful of points, not
	 * one per frame of the timeline */
	double last[5] = {NAN, NAN, NAN, NAN, NAN};
	auto set = [&](int i, GstClockTime ts, double v) {
		if (v == last[i])
			return;
		last[i] = v;
		gst_timed_value_control_source_set(GST_TIMED_VALUE_CONTROL_SOURCE(cs[i]), ts, v);
	};
	/* hidden from the first frame; values change only within the item's frames */
	set(4, 0, 0.0);
	uint64_t first = std::min<uint64_t>(frames, jtl::frame_count(item.start_ns(), fps, 1));
	while (first > 0 && jtl::frame_to_ns(first - 1, fps, 1) >= item.start_ns())
		first--;
	for (uint64_t k = first; k < frames; k++) {
		GstClockTime ts = jtl::frame_to_ns(k, fps, 1);
		jtl::ItemFrame f = jtl::evaluate_item(item, jtl::ns_to_ticks(ts));
		if (ts >= item.end_ns()) {
			set(4, ts, 0.0);
			break;
		}
		/* scale acts around the box centre */
		double bw = f.width * f.scale_x * grow_x, bh = f.height * f.scale_y * grow_y;
		double left = f.left + (f.width - bw) / 2.0, top = f.top + (f.height - bh) / 2.0;
		set(0, ts, std::round(left * scale));
		set(1, ts, std::round(top * scale));
		set(2, ts, std::max(1.0, std::round(bw * scale)));
		set(3, ts, std::max(1.0, std::round(bh * scale)));
		set(4, ts, f.visible ? f.opacity : 0.0);
	}
	const char *props[] = {"xpos", "ypos", "width", "height", "alpha"};
	for (int i = 0; i < 5; i++) {
		bind(sink, props[i], cs[i]);
		gst_object_unref(cs[i]);
	}
}

/* A picture repeated at the output rate into a new compositor pad, returned (a ref), or
 * nullptr after posting an error naming what (a JSON path). */
GstPad *add_picture(JtlTimelineSrc *self, GstElement *compositor, const jtl::Raster &raster,
                    int fps, uint64_t frames, const std::string &what)
{
	GstElement *src = make(self, "appsrc");
	GstElement *freeze = make(self, "imagefreeze");
	GstElement *rate = make(self, "capsfilter");
	if (!src || !freeze || !rate)
		return nullptr;
	g_autoptr(GstCaps) caps = video_caps("BGRA", raster.width, raster.height, fps);
	g_object_set(src, "caps", caps, "format", GST_FORMAT_TIME, nullptr);
	/* imagefreeze repeats the picture num-buffers times at the rate downstream asks for
	 * (25/1 when free): pin it to the output rate */
	g_object_set(freeze, "num-buffers", gint(frames), nullptr);
	g_object_set(rate, "caps", caps, nullptr);
	gst_element_link_many(src, freeze, rate, nullptr);
	GstBuffer *buf = gst_buffer_new_memdup(raster.data.data(), raster.data.size());
	GST_BUFFER_PTS(buf) = 0;
	GstFlowReturn flow;
	g_signal_emit_by_name(src, "push-buffer", buf, &flow);
	gst_buffer_unref(buf);
	g_signal_emit_by_name(src, "end-of-stream", &flow);

	GstPad *sink = gst_element_request_pad_simple(compositor, "sink_%u");
	g_autoptr(GstPad) out = gst_element_get_static_pad(rate, "src");
	if (gst_pad_link(out, sink) != GST_PAD_LINK_OK) {
		GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
		                  ("%s cannot be composited.", what.c_str()),
		                  ("linking its picture to the compositor failed"));
		gst_object_unref(sink);
		return nullptr;
	}
	return sink;
}

/* Adds one drawn item's branch: its picture placed and scaled by its compositor pad,
 * whose geometry and opacity replay the item's keyframes frame by frame. */
bool add_still(JtlTimelineSrc *self, GstElement *compositor, const jtl::Item &item,
               const jtl::Branch &branch, const jtl::Raster &raster, double scale, int fps,
               uint64_t frames, double grow_x, double grow_y)
{
	g_autoptr(GstPad) sink =
	        add_picture(self, compositor, raster, fps, frames, "The item at " + item.json_path);
	if (!sink)
		return false;
	g_object_set(sink, "zorder", branch.zorder + 1, nullptr);
	control_geometry(sink, item, scale, fps, frames, grow_x, grow_y);
	return true;
}

/* Trims a decoded stream to the item's part of the file: drops what comes before it and
 * ends the stream after it. Runs in the decoder's streaming thread. */
GstPadProbeReturn trim_probe(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	MediaBranch *m = static_cast<MediaBranch *>(data);
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
	/* a video frame that is on screen at file_start is kept; an audio buffer that begins
	 * before it is dropped whole (at most one buffer, ~20 ms): a buffer that starts
	 * before the mixer's position makes audiomixer mix stale data */
	bool audio = pad == m->audio_src;
	if (end <= m->file_start || (audio && pts < m->file_start))
		return GST_PAD_PROBE_DROP;
	if (pts >= m->file_end) {
		if (!GST_PAD_IS_EOS(pad))
			gst_pad_push_event(pad, gst_event_new_eos());
		return GST_PAD_PROBE_DROP;
	}
	if (m->rate != 1.0 && !audio) {
		/* playbackRate: a frame at file time f shows at file_start + (f - file_start) /
		 * rate; the compositor then takes the latest frame for each output frame */
		buf = gst_buffer_make_writable(buf);
		GstClockTime shown = m->file_start +
		                     GstClockTime(std::llround(
		                             double(pts - std::min(pts, m->file_start)) / m->rate));
		GstClockTimeDiff shift = GstClockTimeDiff(shown) - GstClockTimeDiff(pts);
		GST_BUFFER_PTS(buf) = GstClockTime(GstClockTimeDiff(GST_BUFFER_PTS(buf)) + shift);
		if (GST_BUFFER_DURATION_IS_VALID(buf))
			GST_BUFFER_DURATION(buf) =
			        GstClockTime(std::llround(GST_BUFFER_DURATION(buf) / m->rate));
		GST_PAD_PROBE_INFO_DATA(info) = buf;
	}
	return GST_PAD_PROBE_OK;
}

/* Creates and links factories in a row; returns them in order (empty on failure). */
std::vector<GstElement *> chain(JtlTimelineSrc *self, std::initializer_list<const char *> factories)
{
	std::vector<GstElement *> out;
	for (const char *f : factories) {
		GstElement *e = make(self, f);
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
	MediaBranch *m = static_cast<MediaBranch *>(data);
	JtlTimelineSrc *self = m->self;
	g_autoptr(GstCaps) caps = gst_pad_get_current_caps(pad);
	if (!caps)
		caps = gst_pad_query_caps(pad, nullptr);
	const char *name = gst_structure_get_name(gst_caps_get_structure(caps, 0));
	bool video = g_str_has_prefix(name, "video/"), audio = g_str_has_prefix(name, "audio/");
	GstPad *target = nullptr;
	std::vector<GstElement *> elements;
	if (video && m->video_sink && !m->video_linked.exchange(true)) {
		elements = chain(self, {"queue", "videoconvert"});
		target = m->video_sink;
	} else if (audio && m->audio_sink && !m->audio_linked.exchange(true)) {
		elements = chain(
		        self, {"queue", "audioconvert", "audioresample", "volume", "capsfilter"});
		if (!elements.empty()) {
			g_autoptr(GstCaps) ac = gst_static_pad_template_get_caps(&audio_template);
			g_object_set(elements[4], "caps", ac, nullptr);
			gst_object_add_control_binding(
			        GST_OBJECT(elements[3]),
			        gst_direct_control_binding_new_absolute(GST_OBJECT(elements[3]),
			                                                "volume", m->gain));
		}
		target = m->audio_sink;
		m->audio_src = pad;
	} else {
		/* a stream the item does not use */
		elements = chain(self, {"fakesink"});
		if (!elements.empty())
			g_object_set(elements[0], "sync", FALSE, "async", FALSE, nullptr);
	}
	if (elements.empty())
		return;
	g_autoptr(GstPad) in = gst_element_get_static_pad(elements.front(), "sink");
	if (target) {
		gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, trim_probe, m, nullptr);
		g_autoptr(GstPad) out = gst_element_get_static_pad(elements.back(), "src");
		gst_pad_set_offset(out, m->offset);
		if (gst_pad_link(out, target) != GST_PAD_LINK_OK)
			GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
			                  ("Item \"%s\": its decoded media cannot be mixed.",
			                   m->item_id.c_str()),
			                  ("linking %s", name));
	}
	for (GstElement *e : elements)
		gst_element_sync_state_with_parent(e);
	gst_pad_link(pad, in);
}

/* A media file that has no stream of a kind the item asked for: let the mixer go on. */
void on_no_more_pads(GstElement *, gpointer data)
{
	MediaBranch *m = static_cast<MediaBranch *>(data);
	if (m->video_sink && !m->video_linked.exchange(true)) {
		GST_WARNING_OBJECT(m->self, "item %s: no video stream", m->item_id.c_str());
		gst_pad_send_event(m->video_sink, gst_event_new_eos());
	}
	if (m->audio_sink && !m->audio_linked.exchange(true))
		gst_pad_send_event(m->audio_sink, gst_event_new_eos());
}

/* Adds a video or audio item: uridecodebin, trimmed to the item's part of the file and
 * shifted to its place in the timeline; video into the compositor (geometry replayed per
 * frame), sound through a volume element (dB keyframes and fades) into the audiomixer. */
bool add_media(JtlTimelineSrc *self, GstElement *comp, GstElement *mixer, const jtl::Timeline &tl,
               const jtl::Item &item, const jtl::Branch &branch, const std::string &asset_base,
               double scale, int fps, uint64_t frames)
{
	const jtl::MediaData *media = item.as<jtl::MediaData>();
	const jtl::Asset *asset = media ? tl.asset(media->asset_id) : nullptr;
	std::string error;
	std::string path = asset ? jtl::resolve_asset_path(*asset, asset_base, &error) : "";
	if (path.empty()) {
		GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND,
		                  ("Item \"%s\": the media asset \"%s\" cannot be used: %s.",
		                   item.id.c_str(), media ? media->asset_id.c_str() : "",
		                   error.c_str()),
		                  ("%s/assetId", item.json_path.c_str()));
		return false;
	}
	double rate = media->playback_rate > 0 ? media->playback_rate : 1.0;
	bool want_video = branch.video && item.type == jtl::ItemType::Video;
	bool want_audio = branch.audio && (item.type == jtl::ItemType::Audio ||
	                                   (asset->type == jtl::AssetType::Video
	                                            ? asset->has_audio_track
	                                            : asset->type == jtl::AssetType::Audio));
	if (rate != 1.0 && want_audio) {
		/* pictures are retimed frame by frame; sound would need time stretching */
		GST_ELEMENT_WARNING(self, STREAM, NOT_IMPLEMENTED,
		                    ("Item \"%s\": at playbackRate %g its sound is not played yet.",
		                     item.id.c_str(), rate),
		                    ("%s/playbackRate", item.json_path.c_str()));
		want_audio = false;
	}
	if (!want_video && !want_audio)
		return true;

	auto m = std::make_unique<MediaBranch>();
	m->self = self;
	m->item_id = item.id;
	m->file_start = GstClockTime(std::llround(media->start_from_seconds * GST_SECOND));
	m->rate = rate;
	m->file_end = m->file_start +
	              GstClockTime(std::llround(double(item.end_ns() - item.start_ns()) * rate));
	m->offset = GstClockTimeDiff(item.start_ns()) - GstClockTimeDiff(m->file_start);
	if (want_video) {
		m->video_sink = gst_element_request_pad_simple(comp, "sink_%u");
		g_object_set(m->video_sink, "zorder", branch.zorder + 1, "sizing-policy",
		             media->keep_aspect_ratio ? 1 : 0, nullptr);
		control_geometry(m->video_sink, item, scale, fps, frames);
	}
	if (want_audio) {
		m->audio_sink = gst_element_request_pad_simple(mixer, "sink_%u");
		m->gain = gst_interpolation_control_source_new();
		g_object_set(m->gain, "mode", GST_INTERPOLATION_MODE_LINEAR, nullptr);
		/* keyed at file time: the volume element sees the decoder's timestamps */
		GstTimedValueControlSource *g = GST_TIMED_VALUE_CONTROL_SOURCE(m->gain);
		uint64_t steps = std::max<uint64_t>(2, frames);
		for (uint64_t k = 0; k <= steps; k++) {
			jtl::Ticks t =
			        item.start + jtl::Ticks(k) * item.duration / jtl::Ticks(steps);
			GstClockTime file_t =
			        m->file_start + (jtl::ticks_to_ns(t) - item.start_ns());
			gst_timed_value_control_source_set(
			        g, file_t,
			        std::min(10.0, jtl::audio_gain(item, std::min(t, item.end() - 1))));
		}
	}
	GST_INFO_OBJECT(self,
	                "item %s: file %" GST_TIME_FORMAT " - %" GST_TIME_FORMAT
	                ", offset %" G_GINT64_FORMAT " ns, video %d, audio %d",
	                item.id.c_str(), GST_TIME_ARGS(m->file_start), GST_TIME_ARGS(m->file_end),
	                m->offset, want_video, want_audio);
	/* named after the item: errors from inside it are reported with the item's path */
	std::string dec_name = "media:" + item.json_path;
	GstElement *dec = make(self, "uridecodebin", dec_name.c_str());
	if (!dec)
		return false;
	g_autofree gchar *uri = gst_filename_to_uri(path.c_str(), nullptr);
	g_object_set(dec, "uri", uri, nullptr);
	g_signal_connect(dec, "pad-added", G_CALLBACK(on_decoded_pad), m.get());
	g_signal_connect(dec, "no-more-pads", G_CALLBACK(on_no_more_pads), m.get());
	self->priv->state.media.push_back(std::move(m));
	return true;
}

bool build(JtlTimelineSrc *self)
{
	Settings settings;
	GST_OBJECT_LOCK(self);
	settings = self->priv->settings;
	GST_OBJECT_UNLOCK(self);
	if (!load(self, settings))
		return false;
	const jtl::Timeline &tl = *self->priv->state.timeline;
	/* relative asset paths: asset-base, else the document's directory */
	std::string asset_base = settings.asset_base;
	if (asset_base.empty() && !settings.location.empty() && settings.json.empty()) {
		g_autofree gchar *dir = g_path_get_dirname(settings.location.c_str());
		asset_base = dir;
	}

	int fps = settings.fps > 0 ? settings.fps : tl.output.fps > 0 ? tl.output.fps : 30;
	double scale = settings.scale > 0 ? settings.scale : 1.0;
	int width = settings.width > 0 ? settings.width : tl.output.width.value_or(tl.width);
	int height = settings.height > 0 ? settings.height : tl.output.height.value_or(tl.height);
	scale *= double(width) / tl.width; /* a width override scales the composition */
	int out_w = int(std::lround(tl.width * scale)) & ~1;
	int out_h = int(std::lround(tl.height * scale * (double(height) / tl.height) /
	                            (double(width) / tl.width))) &
	            ~1;
	uint64_t frames = jtl::frame_count(tl.duration_ns(), fps, 1);
	GST_OBJECT_LOCK(self);
	self->priv->state.duration = jtl::frame_to_ns(frames, fps, 1);
	GST_OBJECT_UNLOCK(self);
	GST_INFO_OBJECT(self, "rendering %dx%d at %d fps: %" G_GUINT64_FORMAT " frames", out_w,
	                out_h, fps, frames);

	/* video: background + one compositor pad per visual item */
	GstElement *bg = make(self, "videotestsrc", "background");
	GstElement *bg_caps = make(self, "capsfilter");
	GstElement *comp = make(self, "compositor", "compositor");
	GstElement *comp_caps = make(self, "capsfilter");
	if (!bg || !bg_caps || !comp || !comp_caps)
		return false;
	uint32_t bg_color = 0xff000000;
	if (tl.background.type == jtl::GlobalBackground::Type::Color) {
		if (std::optional<jtl::Color> c = jtl::parse_color(tl.background.color))
			bg_color = c->argb();
	} else if (tl.background.type == jtl::GlobalBackground::Type::None) {
		bg_color = 0xff000000;
	}
	g_object_set(bg, "pattern", 17, "foreground-color", bg_color, "num-buffers", gint(frames),
	             nullptr);
	g_autoptr(GstCaps) bgc = video_caps("AYUV", out_w, out_h, fps);
	g_object_set(bg_caps, "caps", bgc, nullptr);
	g_object_set(comp, "background", 1 /* black */, nullptr);
	g_autoptr(GstCaps) outc = video_caps("AYUV", out_w, out_h, fps);
	g_object_set(comp_caps, "caps", outc, nullptr);
	gst_element_link_many(bg, bg_caps, comp, comp_caps, nullptr);
	if (tl.background.type == jtl::GlobalBackground::Type::Color && tl.background.gradient &&
	    !tl.background.gradient->empty()) {
		/* a CSS gradient over the colour (zorder 0), below every track (2 and up) */
		jtl::Raster gradient;
		std::string error;
		if (!jtl::draw_linear_gradient(*tl.background.gradient, out_w, out_h, &gradient,
		                               &error)) {
			GST_ELEMENT_ERROR(
			        self, STREAM, FORMAT,
			        ("The background gradient cannot be read: %s.", error.c_str()),
			        ("/globalBackground/gradient: \"%s\"",
			         tl.background.gradient->c_str()));
			return false;
		}
		g_autoptr(GstPad) pad =
		        add_picture(self, comp, gradient, fps, frames, "The background gradient");
		if (!pad)
			return false;
		g_object_set(pad, "zorder", 1u, nullptr); /* items start at 2 */
	}

	/* audio: silence of the timeline's length into the mixer */
	GstElement *silence = make(self, "audiotestsrc", "silence");
	GstElement *silence_caps = make(self, "capsfilter");
	GstElement *mixer = make(self, "audiomixer", "audiomixer");
	GstElement *mix_caps = make(self, "capsfilter");
	if (!silence || !silence_caps || !mixer || !mix_caps)
		return false;
	guint64 samples = gst_util_uint64_scale_round(frames, kAudioRate, guint64(fps));
	g_object_set(silence, "wave", 4 /* silence */, "samplesperbuffer", kAudioSamplesPerBuffer,
	             "num-buffers",
	             gint((samples + kAudioSamplesPerBuffer - 1) / kAudioSamplesPerBuffer),
	             nullptr);
	g_autoptr(GstCaps) ac = gst_static_pad_template_get_caps(&audio_template);
	g_object_set(silence_caps, "caps", ac, nullptr);
	g_object_set(mix_caps, "caps", ac, nullptr);
	gst_element_link_many(silence, silence_caps, mixer, mix_caps, nullptr);

	for (const jtl::Branch &b : jtl::plan_branches(tl)) {
		const jtl::Item *item = tl.item(b.item_id);
		if (!item)
			continue;
		if (item->type == jtl::ItemType::Video || item->type == jtl::ItemType::Audio) {
			if (!add_media(self, comp, mixer, tl, *item, b, asset_base, scale, fps,
			               frames))
				return false;
			continue;
		}
		if (!b.video)
			continue;
		jtl::Raster raster;
		if (!draw_item(self, tl, *item, scale, asset_base, &raster))
			return false;
		if (raster.data.empty())
			continue;
		/* rotation: the picture is turned once, on a canvas that holds it, and its
		 * box grows around the centre to match; keyframed rotation is not followed */
		double rotation = item->geometry ? item->geometry->rotation.value : 0.0;
		if (item->geometry && item->geometry->rotation.is_animated()) {
			rotation = item->geometry->rotation.at(0, item->duration);
			GST_ELEMENT_WARNING(
			        self, STREAM, NOT_IMPLEMENTED,
			        ("Item \"%s\": rotation keyframes are not followed yet; it "
			         "keeps its rotation at the clip start.",
			         item->id.c_str()),
			        ("%s/rotation", item->json_path.c_str()));
		}
		double grow_x = 1.0, grow_y = 1.0;
		if (rotation != 0.0) {
			jtl::Raster turned = jtl::rotate(raster, rotation);
			grow_x = double(turned.width) / raster.width;
			grow_y = double(turned.height) / raster.height;
			raster = std::move(turned);
		}
		if (!add_still(self, comp, *item, b, raster, scale, fps, frames, grow_x, grow_y))
			return false;
	}

	g_autoptr(GstPad) vsrc = gst_element_get_static_pad(comp_caps, "src");
	g_autoptr(GstPad) asrc = gst_element_get_static_pad(mix_caps, "src");
	gst_ghost_pad_set_target(GST_GHOST_PAD(self->video_pad), vsrc);
	gst_ghost_pad_set_target(GST_GHOST_PAD(self->audio_pad), asrc);
	for (GstElement *e : self->priv->state.children)
		gst_element_sync_state_with_parent(e);
	return true;
}

void teardown(JtlTimelineSrc *self)
{
	gst_ghost_pad_set_target(GST_GHOST_PAD(self->video_pad), nullptr);
	gst_ghost_pad_set_target(GST_GHOST_PAD(self->audio_pad), nullptr);
	std::vector<GstElement *> children;
	{
		std::lock_guard<std::mutex> guard(self->priv->state.lock);
		children.swap(self->priv->state.children);
	}
	for (GstElement *e : children) {
		gst_element_set_state(e, GST_STATE_NULL);
		gst_bin_remove(GST_BIN(self), e);
	}
	self->priv->state.media.clear();
	self->priv->state.timeline.reset();
}

} /* namespace */

/* An error from inside a media branch (an undecodable file, ...) is posted again naming
 * the item's JSON path, so that the user learns which asset is at fault. */
static void jtl_timeline_src_handle_message(GstBin *bin, GstMessage *msg)
{
	if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
		for (GstObject *o = GST_MESSAGE_SRC(msg); o; o = GST_OBJECT_PARENT(o)) {
			const char *name = GST_OBJECT_NAME(o);
			if (!name || !g_str_has_prefix(name, "media:"))
				continue;
			g_autoptr(GError) error = nullptr;
			g_autofree gchar *debug = nullptr;
			gst_message_parse_error(msg, &error, &debug);
			g_autofree gchar *text =
			        g_strdup_printf("The media of the item at %s cannot be played: %s",
			                        name + 6, error->message);
			g_autofree gchar *details =
			        g_strdup_printf("%s/assetId: %s", name + 6, debug ? debug : "");
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
	GstStateChangeReturn ret =
	        GST_ELEMENT_CLASS(jtl_timeline_src_parent_class)->change_state(element, transition);
	if (transition == GST_STATE_CHANGE_READY_TO_NULL)
		teardown(self);
	return ret;
}

static void jtl_timeline_src_set_property(GObject *object, guint id, const GValue *value,
                                          GParamSpec *pspec)
{
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(object);
	Settings &s = self->priv->settings;
	GST_OBJECT_LOCK(self);
	switch (id) {
	case PROP_LOCATION:
		s.location = g_value_get_string(value) ? g_value_get_string(value) : "";
		break;
	case PROP_JSON:
		s.json = g_value_get_string(value) ? g_value_get_string(value) : "";
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
		s.asset_base = g_value_get_string(value) ? g_value_get_string(value) : "";
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
	GST_OBJECT_LOCK(self);
	switch (id) {
	case PROP_LOCATION:
		g_value_set_string(value, s.location.empty() ? nullptr : s.location.c_str());
		break;
	case PROP_JSON:
		g_value_set_string(value, s.json.empty() ? nullptr : s.json.c_str());
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
	case PROP_DURATION:
		g_value_set_uint64(value, self->priv->state.duration);
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

static void jtl_timeline_src_init(JtlTimelineSrc *self)
{
	self->priv = new _JtlTimelineSrc::Private();
	GstPadTemplate *vt = gst_static_pad_template_get(&video_template);
	GstPadTemplate *at = gst_static_pad_template_get(&audio_template);
	self->video_pad = gst_ghost_pad_new_no_target_from_template("video", vt);
	self->audio_pad = gst_ghost_pad_new_no_target_from_template("audio", at);
	gst_object_unref(vt);
	gst_object_unref(at);
	gst_element_add_pad(GST_ELEMENT(self), self->video_pad);
	gst_element_add_pad(GST_ELEMENT(self), self->audio_pad);
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
	                            "location)",
	                            nullptr, rw));
	g_object_class_install_property(
	        object_class, PROP_WIDTH,
	        g_param_spec_int("width", "Width",
	                         "Output width in pixels before scale (0 = compositionWidth)", 0,
	                         16384, 0, rw));
	g_object_class_install_property(
	        object_class, PROP_HEIGHT,
	        g_param_spec_int("height", "Height",
	                         "Output height in pixels before scale (0 = compositionHeight)", 0,
	                         16384, 0, rw));
	g_object_class_install_property(
	        object_class, PROP_FPS,
	        g_param_spec_int("fps", "Frames per second",
	                         "Output frame rate (0 = the request's fps, else 30)", 0, 240, 0,
	                         rw));
	g_object_class_install_property(
	        object_class, PROP_SCALE,
	        g_param_spec_double("scale", "Scale", "Output size = composition size x scale",
	                            0.05, 8.0, 1.0, rw));
	g_object_class_install_property(
	        object_class, PROP_ASSET_BASE,
	        g_param_spec_string("asset-base", "Asset base",
	                            "Directory or URI that relative asset locations resolve "
	                            "against (default: the document's directory)",
	                            nullptr, rw));

	g_object_class_install_property(
	        object_class, PROP_DURATION,
	        g_param_spec_uint64("duration", "Duration",
	                            "Duration of the output in nanoseconds (frames / fps), known "
	                            "from the READY state on; 0 before",
	                            0, G_MAXUINT64, 0,
	                            GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

	gst_element_class_add_static_pad_template(element_class, &video_template);
	gst_element_class_add_static_pad_template(element_class, &audio_template);
	gst_element_class_set_static_metadata(
	        element_class, "Editor JSON timeline source", "Source/Video/Audio",
	        "Renders an editor JSON document (Indream editorState v1) to raw video and audio",
	        "jsontimeline developers");
	GST_DEBUG_CATEGORY_INIT(jtl_timeline_src_debug, "jsontimelinesrc", 0,
	                        "editor JSON timeline source");
}
