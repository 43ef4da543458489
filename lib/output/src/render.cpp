// SPDX-License-Identifier: LGPL-2.1-or-later
// Rendering a document to a file: the output pipeline around jsontimelinesrc.
#include <jsontimeline/render.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/audio/audio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>

#include "timeline-source.h"
#include <jsontimeline/diagnostics.h>
#include <jsontimeline/editorstate.h>
#include <jsontimeline/gif-writer.h>
#include <jsontimeline/json.h>
#include <jsontimeline/model.h>
#include <jsontimeline/mp4-edit.h>
#include <jsontimeline/time.h>
#include <jsontimeline/webm-alpha.h>

namespace jtl {

namespace {

enum class OutputKind {
	Av,    /* video and audio through encodebin (or the alpha WebM writer) */
	Gif,   /* frames to the GIF writer, no audio */
	Still, /* one frame to pngenc/jpegenc, no audio */
	Audio, /* audio through encodebin, no video */
};

struct Format {
	const char *name;
	const char *extension;
	OutputKind kind;
};

const Format kFormats[] = {
        {"mp4", "mp4", OutputKind::Av},       {"webm", "webm", OutputKind::Av},
        {"webm-vp8", "webm", OutputKind::Av}, {"gif", "gif", OutputKind::Gif},
        {"png", "png", OutputKind::Still},    {"jpeg", "jpg", OutputKind::Still},
        {"mp3", "mp3", OutputKind::Audio},    {"m4a", "m4a", OutputKind::Audio},
        {"aac", "aac", OutputKind::Audio},
};

const Format *find_format(const std::string &name)
{
	for (const Format &f : kFormats)
		if (name == f.name || (name == "jpg" && g_str_equal(f.name, "jpeg")))
			return &f;
	return nullptr;
}

struct ElementDeleter {
	void operator()(GstElement *e) const
	{
		gst_element_set_state(e, GST_STATE_NULL);
		gst_object_unref(e);
	}
};

/* The AAC encoder of every AAC output, and its priming: its first frames decode to 1600
 * samples before the first sample it is given (1024 of the codec's overlap and 576 of its
 * look-ahead; measured: a click at 0 decodes 33.3 ms late at 48 kHz). It keeps the last
 * frame's samples only when they fill a frame: the sound it is given is followed by this
 * much silence and a frame more, so that all of it is coded. */
constexpr const char *kAacEncoder = "voaacenc";
constexpr guint kAacPriming = 1600;
constexpr guint kAacFrame = 1024;

GstEncodingProfile *make_profile(const std::string &format)
{
	const char *aac = "audio/mpeg, mpegversion=(int)4";
	GstEncodingContainerProfile *container;
	GstCaps *vcaps, *acaps;
	if (format == "webm" || format == "webm-vp8") {
		g_autoptr(GstCaps) c = gst_caps_from_string("video/webm");
		container = gst_encoding_container_profile_new("webm", nullptr, c, nullptr);
		vcaps = gst_caps_from_string(format == "webm" ? "video/x-vp9" : "video/x-vp8");
		acaps = gst_caps_from_string("audio/x-opus");
	} else {
		g_autoptr(GstCaps) c = gst_caps_from_string("video/quicktime, variant=(string)iso");
		container = gst_encoding_container_profile_new("mp4", nullptr, c, nullptr);
		vcaps = format == "m4a"
		                ? nullptr
		                : gst_caps_from_string("video/x-h264, profile=(string)high");
		acaps = gst_caps_from_string(aac);
	}
	if (vcaps) {
		g_autoptr(GstCaps) raw = gst_caps_from_string("video/x-raw, format=(string)I420");
		GstEncodingVideoProfile *v = gst_encoding_video_profile_new(vcaps, nullptr, raw, 0);
		gst_caps_unref(vcaps);
		gst_encoding_container_profile_add_profile(container, GST_ENCODING_PROFILE(v));
	}
	GstEncodingAudioProfile *a = gst_encoding_audio_profile_new(acaps, nullptr, nullptr, 0);
	gst_caps_unref(acaps);
	/* AAC: voaacenc, whose priming the file's edit list skips (kAacPriming) */
	if (format != "webm" && format != "webm-vp8")
		gst_encoding_profile_set_preset_name(GST_ENCODING_PROFILE(a), kAacEncoder);
	gst_encoding_container_profile_add_profile(container, GST_ENCODING_PROFILE(a));
	return GST_ENCODING_PROFILE(container);
}

/* The sound on its way to the AAC encoder: clipped to its segment, which is then left open
 * at the end for kAacPriming + kAacFrame samples of silence after it, so that the encoder
 * codes all of it; what was given (for the edit list that skips the priming). Streaming
 * thread of the pad; read once the pipeline has stopped. */
struct AudioTail {
	GstAudioInfo info;
	GstSegment segment;                       /* as it came */
	GstClockTime first = GST_CLOCK_TIME_NONE; /* running time of the first sample */
	GstClockTime end = 0;                     /* running time after the last */
	GstClockTime pts_end = GST_CLOCK_TIME_NONE;
	bool padded = false;
	AudioTail()
	{
		gst_audio_info_init(&info);
		gst_segment_init(&segment, GST_FORMAT_UNDEFINED);
	}
	GstClockTime duration() const
	{
		return GST_CLOCK_TIME_IS_VALID(first) && end > first ? end - first : 0;
	}
};

GstPadProbeReturn on_audio_to_encoder(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	AudioTail *t = static_cast<AudioTail *>(data);
	const int rate = GST_AUDIO_INFO_RATE(&t->info), bpf = GST_AUDIO_INFO_BPF(&t->info);
	if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER) {
		GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
		if (t->padded || rate <= 0 || t->segment.format != GST_FORMAT_TIME ||
		    !GST_BUFFER_PTS_IS_VALID(buf))
			return GST_PAD_PROBE_OK;
		buf = gst_audio_buffer_clip(buf, &t->segment, rate, bpf);
		GST_PAD_PROBE_INFO_DATA(info) = buf;
		if (!buf)
			return GST_PAD_PROBE_HANDLED;
		GstClockTime pts = GST_BUFFER_PTS(buf);
		GstClockTime rt = gst_segment_to_running_time(&t->segment, GST_FORMAT_TIME, pts);
		GstClockTime length = gst_util_uint64_scale_round(gst_buffer_get_size(buf) / bpf,
		                                                  GST_SECOND, guint64(rate));
		if (GST_CLOCK_TIME_IS_VALID(rt)) {
			if (!GST_CLOCK_TIME_IS_VALID(t->first))
				t->first = rt;
			t->end = rt + length;
			t->pts_end = pts + length;
		}
		return GST_PAD_PROBE_OK;
	}
	GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
	if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
		GstCaps *caps;
		gst_event_parse_caps(event, &caps);
		if (!gst_audio_info_from_caps(&t->info, caps))
			gst_audio_info_init(&t->info);
		return GST_PAD_PROBE_OK;
	}
	if (GST_EVENT_TYPE(event) == GST_EVENT_SEGMENT) {
		const GstSegment *in;
		gst_event_parse_segment(event, &in);
		gst_segment_copy_into(in, &t->segment);
		open_segment_end(info);
		return GST_PAD_PROBE_OK;
	}
	if (GST_EVENT_TYPE(event) != GST_EVENT_EOS || t->padded || rate <= 0 ||
	    !GST_CLOCK_TIME_IS_VALID(t->pts_end))
		return GST_PAD_PROBE_OK;
	/* the silence goes in before the EOS, which the pad has not taken yet */
	t->padded = true;
	gsize samples = kAacPriming + kAacFrame;
	GstBuffer *silence = gst_buffer_new_allocate(nullptr, samples * bpf, nullptr);
	GstMapInfo map;
	if (gst_buffer_map(silence, &map, GST_MAP_WRITE)) {
		gst_audio_format_info_fill_silence(t->info.finfo, map.data, map.size);
		gst_buffer_unmap(silence, &map);
	}
	GST_BUFFER_PTS(silence) = t->pts_end;
	GST_BUFFER_DURATION(silence) =
	        gst_util_uint64_scale_round(samples, GST_SECOND, guint64(rate));
	gst_pad_chain(pad, silence);
	return GST_PAD_PROBE_OK;
}

/* Encoder settings, applied as encodebin creates its elements. */
void on_element_added(GstBin *, GstBin *, GstElement *element, gpointer data)
{
	const RenderOptions *o = static_cast<const RenderOptions *>(data);
	GstElementFactory *f = gst_element_get_factory(element);
	const char *name = f ? GST_OBJECT_NAME(f) : "";
	if (g_str_equal(name, "x264enc")) {
		gst_util_set_object_arg(G_OBJECT(element), "speed-preset", o->preset.c_str());
		gst_util_set_object_arg(G_OBJECT(element), "pass", "quant");
		/* no B-frames: frame 0 is at 0 in the file (with them x264 shifts every
		 * timestamp by the reorder delay, which mp4mux writes without an edit list) */
		g_object_set(element, "quantizer", guint(o->quality), "key-int-max", 250u,
		             "bframes", 0u, nullptr);
	} else if (g_str_equal(name, "vp9enc") || g_str_equal(name, "vp8enc")) {
		gst_util_set_object_arg(G_OBJECT(element), "end-usage", "cq");
		g_object_set(element, "cq-level", std::min(63, o->quality + 8), "deadline",
		             gint64(1), "cpu-used", 8, nullptr);
		if (g_str_equal(name, "vp9enc"))
			g_object_set(element, "row-mt", TRUE, nullptr);
		else /* VP8's cq-level is a floor under a bit rate: a generous one */
			g_object_set(element, "target-bitrate", 20000000, nullptr);
	} else if (g_str_equal(name, "mp4mux")) {
		g_object_set(element, "faststart", TRUE, nullptr);
	}
}

/* Memory of a render, for frames of many pixels (beyond 4K): what the process needs
 * whatever the frame size (libraries, threads), and the bytes each pixel of the output
 * frame costs with the encoder held to a few frames (measured: scale 8 of 1920 x 1080,
 * 133 Mpx, under the service's default 8 GiB). */
constexpr double kLargeFramePixels = 3840.0 * 2160.0;
constexpr double kBaseRenderBytes = 1024.0 * 1024 * 1024;
constexpr double kBytesPerPixel = 40.0;

/* Large frames: x264 encodes each frame with sliced threads and looks ahead only a few
 * frames, so that it holds a few frames, not dozens (each a copy of the frame plus its
 * half-pixel planes). */
void tune_encoder_for(GstBin *bin, int width, int height)
{
	if (double(width) * height <= kLargeFramePixels)
		return;
	g_autoptr(GstIterator) it = gst_bin_iterate_recurse(bin);
	GValue item = G_VALUE_INIT;
	while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
		GstElement *e = GST_ELEMENT(g_value_get_object(&item));
		GstElementFactory *f = gst_element_get_factory(e);
		if (f && g_str_equal(GST_OBJECT_NAME(f), "x264enc"))
			g_object_set(e, "sliced-threads", TRUE, "rc-lookahead", 2, "sync-lookahead",
			             0, nullptr);
		g_value_reset(&item);
	}
	g_value_unset(&item);
}

/* Whether a render of frames of width x height fits in the memory this process may use:
 * the address space (RLIMIT_AS: the service's --render-memory) and the caller's own bound
 * (bytes, 0: none); false with *error set when not. */
bool check_render_memory(int width, int height, uint64_t bound, GError **error)
{
	double most = bound > 0 ? double(bound) : HUGE_VAL;
	struct rlimit limit;
	if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
		most = std::min(most, double(limit.rlim_cur));
	double need = kBaseRenderBytes + kBytesPerPixel * double(width) * double(height);
	if (need <= most)
		return true;
	g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
	            "the output of %d x %d pixels needs about %.0f MiB to render, more than the "
	            "%.0f MiB this render may use: lower the scale (/scale or --scale) or the "
	            "composition size",
	            width, height, need / (1 << 20), most / (1 << 20));
	return false;
}

/* What the appsinks feed: the GIF writer or the alpha WebM writer. */
struct SinkContext {
	int fps = 30;
	std::mutex lock; /* guards error and the GIF writer's state below */
	std::string error;
	GifWriter gif;
	std::string gif_path;
	bool gif_open = false;
	GstClockTime gif_end = 0;
	AlphaWebmWriter webm;
	guint64 still[2] = {0, 0}; /* stills: the index of the frame to keep, frames seen */
	bool failed(GError *e)
	{
		std::lock_guard<std::mutex> guard(lock);
		if (error.empty())
			error = e->message;
		g_error_free(e);
		return false;
	}
};

/* The running time of a sample's buffer (the file's time), or NONE. */
GstClockTime sample_time(GstSample *sample, GstClockTime *end)
{
	GstBuffer *buf = gst_sample_get_buffer(sample);
	const GstSegment *seg = gst_sample_get_segment(sample);
	GstClockTime pts = GST_BUFFER_PTS(buf);
	if (!GST_CLOCK_TIME_IS_VALID(pts) || !seg)
		return GST_CLOCK_TIME_NONE;
	GstClockTime t = gst_segment_to_running_time(seg, GST_FORMAT_TIME, pts);
	if (end)
		*end = GST_BUFFER_DURATION_IS_VALID(buf) ? t + GST_BUFFER_DURATION(buf) : t;
	return t;
}

/* Maps a video sample's frame for reading, with its running time (and end); false when it
 * has no time or cannot be mapped. */
bool map_video_sample(GstSample *sample, GstVideoFrame *frame, GstClockTime *t, GstClockTime *end)
{
	GstVideoInfo info;
	*t = sample_time(sample, end);
	return GST_CLOCK_TIME_IS_VALID(*t) &&
	       gst_video_info_from_caps(&info, gst_sample_get_caps(sample)) &&
	       gst_video_frame_map(frame, &info, gst_sample_get_buffer(sample), GST_MAP_READ);
}

GstFlowReturn on_gif_sample(GstAppSink *sink, gpointer data)
{
	SinkContext *ctx = static_cast<SinkContext *>(data);
	g_autoptr(GstSample) sample = gst_app_sink_pull_sample(sink);
	if (!sample)
		return GST_FLOW_EOS;
	GstVideoFrame frame;
	GstClockTime t, end = 0;
	if (!map_video_sample(sample, &frame, &t, &end))
		return GST_FLOW_ERROR;
	GError *e = nullptr;
	bool ok;
	{
		std::lock_guard<std::mutex> guard(ctx->lock);
		ok = ctx->gif_open || ctx->gif.open(ctx->gif_path, GST_VIDEO_FRAME_WIDTH(&frame),
		                                    GST_VIDEO_FRAME_HEIGHT(&frame), &e);
		ctx->gif_open = ctx->gif_open || ok;
		ok = ok && ctx->gif.add_frame(static_cast<const uint8_t *>(
		                                      GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)),
		                              GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0), t, &e);
		ctx->gif_end = end;
	}
	gst_video_frame_unmap(&frame);
	if (!ok) {
		ctx->failed(e);
		return GST_FLOW_ERROR;
	}
	return GST_FLOW_OK;
}

GstFlowReturn on_alpha_video(GstAppSink *sink, gpointer data)
{
	SinkContext *ctx = static_cast<SinkContext *>(data);
	g_autoptr(GstSample) sample = gst_app_sink_pull_sample(sink);
	if (!sample)
		return GST_FLOW_EOS;
	GstVideoFrame frame;
	GstClockTime t;
	if (!map_video_sample(sample, &frame, &t, nullptr))
		return GST_FLOW_ERROR;
	const uint8_t *planes[4];
	int strides[4];
	for (guint i = 0; i < 4; i++) {
		planes[i] = static_cast<const uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(&frame, i));
		strides[i] = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, i);
	}
	GError *e = nullptr;
	int64_t index = int64_t(gst_util_uint64_scale_round(t, guint64(ctx->fps), GST_SECOND));
	bool ok = ctx->webm.add_video(planes, strides, index, &e);
	gst_video_frame_unmap(&frame);
	return ok || ctx->failed(e) ? GST_FLOW_OK : GST_FLOW_ERROR;
}

GstFlowReturn on_alpha_audio(GstAppSink *sink, gpointer data)
{
	SinkContext *ctx = static_cast<SinkContext *>(data);
	g_autoptr(GstSample) sample = gst_app_sink_pull_sample(sink);
	if (!sample)
		return GST_FLOW_EOS;
	GstMapInfo map;
	GstBuffer *buf = gst_sample_get_buffer(sample);
	if (!gst_buffer_map(buf, &map, GST_MAP_READ))
		return GST_FLOW_ERROR;
	GError *e = nullptr;
	bool ok =
	        ctx->webm.add_audio(reinterpret_cast<const int16_t *>(map.data), map.size / 4, &e);
	gst_buffer_unmap(buf, &map);
	return ok || ctx->failed(e) ? GST_FLOW_OK : GST_FLOW_ERROR;
}

GstElement *make_appsink(GstAppSinkCallbacks *callbacks, SinkContext *ctx, const char *caps)
{
	GstElement *sink = gst_element_factory_make("appsink", nullptr);
	if (!sink)
		return nullptr;
	g_autoptr(GstCaps) c = gst_caps_from_string(caps);
	g_object_set(sink, "sync", FALSE, "caps", c, nullptr);
	gst_app_sink_set_callbacks(GST_APP_SINK(sink), callbacks, ctx, nullptr);
	return sink;
}

/* The document's timeline (to check the options, know the background and the fps). */
std::unique_ptr<Timeline> load_timeline(const RenderOptions &o, GError **error)
{
	EditorStateResult doc;
	if (!o.json.empty())
		doc = load_editor_state(o.json);
	else if (!load_editor_state_file(o.input.c_str(), {}, &doc, error))
		return nullptr;
	if (!doc.valid()) {
		std::string first;
		for (const Diagnostic &d : doc.diagnostics.errors()) {
			first = (d.path.empty() ? std::string("(document)") : d.path) + ": " +
			        d.message;
			break;
		}
		g_set_error(error, JTL_ERROR, JTL_ERROR_INVALID, "the document is invalid: %s",
		            first.c_str());
		return nullptr;
	}
	return std::move(doc.timeline);
}

/* A jsontimeline-frame-items message as a JSON line (RenderOptions::trace_items). */
std::string frame_items_line(const GstStructure *st)
{
	guint64 k = 0;
	gst_structure_get_uint64(st, "frame", &k);
	g_autoptr(JsonBuilder) b = json_builder_new();
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "frame");
	json_builder_add_int_value(b, gint64(k));
	for (const char *field : {"drawn", "model"}) {
		json_builder_set_member_name(b, field);
		json_builder_begin_array(b);
		const GValue *v = gst_structure_get_value(st, field);
		auto ids = v && G_VALUE_HOLDS(v, G_TYPE_STRV)
		                   ? static_cast<const char *const *>(g_value_get_boxed(v))
		                   : nullptr;
		for (; ids && *ids; ids++)
			json_builder_add_string_value(b, *ids);
		json_builder_end_array(b);
	}
	json_builder_end_object(b);
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	return json_write(root) + "\n";
}

} /* namespace */

const char *render_format_extension(const std::string &format)
{
	const Format *f = find_format(format);
	return f ? f->extension : nullptr;
}

const char *render_format_for_path(const std::string &path)
{
	std::size_t dot = path.rfind('.');
	std::size_t slash = path.rfind('/');
	if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
		return nullptr;
	g_autofree gchar *ext = g_ascii_strdown(path.c_str() + dot + 1, -1);
	if (g_str_equal(ext, "jpeg"))
		return "jpeg";
	for (const Format &f : kFormats)
		if (g_str_equal(ext, f.extension))
			return f.name;
	return nullptr;
}

const char *render_format_names()
{
	return "mp4, webm, webm-vp8, gif, png, jpeg, mp3, m4a, aac";
}

namespace {

/* The longest error or warning text a render gives (a document's strings in it are cut). */
constexpr std::size_t kMaxMessageBytes = 2000;

/* A message with the directories the render was given (input, output, asset root,
 * cache; as given and resolved) taken off the paths in it: what is left is the user's
 * own reference. Cut at kMaxMessageBytes. */
std::string without_server_paths(const RenderOptions &o, std::string text)
{
	if (o.debug)
		return text;
	std::vector<std::string> dirs;
	auto add = [&dirs](const std::string &path, bool is_dir) {
		if (path.empty())
			return;
		g_autofree gchar *dir =
		        is_dir ? g_strdup(path.c_str()) : g_path_get_dirname(path.c_str());
		g_autofree gchar *abs = g_canonicalize_filename(dir, nullptr);
		g_autofree char *real = realpath(abs, nullptr);
		for (const char *d : {(const char *)abs, (const char *)real})
			if (d && *d && strcmp(d, "/") != 0)
				dirs.push_back(std::string(d) + "/");
	};
	add(o.input, false);
	add(o.output, false);
	add(o.asset_root, true);
	add(o.cache_dir, true);
	/* longest first: a directory inside another goes whole */
	std::sort(dirs.begin(), dirs.end(),
	          [](const std::string &a, const std::string &b) { return a.size() > b.size(); });
	for (const std::string &d : dirs)
		for (std::size_t at; (at = text.find(d)) != std::string::npos;)
			text.erase(at, d.size());
	if (text.size() > kMaxMessageBytes) {
		std::size_t cut = kMaxMessageBytes;
		while (cut > 0 && (text[cut] & 0xc0) == 0x80) /* not inside a character */
			cut--;
		text = text.substr(0, cut) + "\u2026";
	}
	return text;
}

/* What an error or warning of the pipeline tells the user: its message, and the JSON
 * pointer jsontimelinesrc gives as its debug text ("/items/x/assetId[: detail]"); all of
 * GStreamer's debug text (source files, element paths) only with o.debug. */
std::string user_text(const RenderOptions &o, const char *message, const char *dbg)
{
	std::string text = message ? message : "";
	if (dbg && o.debug) {
		text += std::string(" (") + dbg + ")";
	} else if (dbg) {
		/* the element's own text follows GStreamer's "file(line): function (): path:\n" */
		const char *own = strrchr(dbg, '\n');
		own = own ? own + 1 : dbg;
		static const char *const roots[] = {"/items/", "/assets/", "/tracks/",
		                                    "/transitions/", "/globalBackground"};
		/* a request's document: its pointers start with /editorState */
		const char *rel =
		        g_str_has_prefix(own, "/editorState/") ? own + strlen("/editorState") : own;
		for (const char *root : roots) {
			if (!g_str_has_prefix(rel, root))
				continue;
			std::string pointer(own, strcspn(own, ": \t\""));
			if (text.find(pointer) == std::string::npos)
				text += " (at " + pointer + ")";
			break;
		}
	}
	return without_server_paths(o, text);
}

} /* namespace */

bool check_render_options(const RenderOptions &o, const Timeline *tl, GError **error)
{
	const Format *f = find_format(o.format);
	if (!f) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
		            "unknown output format \"%s\" (known: %s)", o.format.c_str(),
		            render_format_names());
		return false;
	}
	bool alpha_ok = f->name == std::string("webm") || f->name == std::string("webm-vp8") ||
	                f->name == std::string("png");
	if (o.alpha && !alpha_ok) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
		            "%s output has no alpha channel: alpha needs webm, webm-vp8 or png",
		            f->name);
		return false;
	}
	if (o.frame_at >= 0 && f->kind != OutputKind::Still) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
		            "a frame time is for png and jpeg output only, not %s", f->name);
		return false;
	}
	if (f->kind == OutputKind::Still && (o.start > 0 || GST_CLOCK_TIME_IS_VALID(o.stop))) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
		            "%s output is one frame: give its time, not a range", f->name);
		return false;
	}
	if (!tl)
		return true;
	if (o.alpha && tl->background.type != GlobalBackground::Type::None) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
		            "alpha output needs the document's globalBackground to be none (or "
		            "absent): this one is drawn everywhere");
		return false;
	}
	double duration = double(tl->duration_ns()) / GST_SECOND;
	if (f->kind == OutputKind::Still && o.frame_at >= 0 && o.frame_at >= duration) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
		            "the frame time %.3f s is past the end of the timeline (%.3f s)",
		            o.frame_at, duration);
		return false;
	}
	return true;
}

bool render_file(const RenderOptions &o, const RenderProgress &progress, GError **error,
                 RenderStats *stats)
{
	if (!check_render_options(o, nullptr, error))
		return false;
	std::unique_ptr<Timeline> tl = load_timeline(o, error);
	if (!tl || !check_render_options(o, tl.get(), error))
		return false;
	const Format &format = *find_format(o.format);
	const std::string name = format.name;
	const int fps = tl->output_fps(o.fps);
	/* a none background is transparent in the source's frames: flattened over black
	 * unless the output keeps alpha */
	const bool flatten = tl->background.type == GlobalBackground::Type::None && !o.alpha;
	const bool alpha_webm = o.alpha && format.kind == OutputKind::Av;

	std::string part = o.output + ".part";
	SinkContext ctx; /* before the pipeline: it outlives it */
	ctx.fps = fps;
	AudioTail tail; /* the same */
	std::unique_ptr<GstElement, ElementDeleter> pipeline(gst_pipeline_new("render"));
	GstBin *bin = GST_BIN(pipeline.get());
	bool missing = false;
	auto make = [&](const char *factory) -> GstElement * {
		GstElement *e = gst_element_factory_make(factory, nullptr);
		if (!e) {
			if (!missing)
				g_set_error(error, JTL_ERROR, JTL_ERROR_INTERNAL,
				            "the GStreamer element %s is missing (needed for %s "
				            "output)",
				            factory, name.c_str());
			missing = true;
			return nullptr;
		}
		gst_bin_add(bin, e);
		return e;
	};
	auto chain = [&](std::initializer_list<GstElement *> elements) -> bool {
		GstElement *prev = nullptr;
		for (GstElement *e : elements) {
			if (!e)
				return false;
			if (prev && !gst_element_link(prev, e))
				return false;
			prev = e;
		}
		return true;
	};
	auto capsfilter = [&](const char *caps) -> GstElement * {
		GstElement *e = make("capsfilter");
		if (e) {
			g_autoptr(GstCaps) c = gst_caps_from_string(caps);
			g_object_set(e, "caps", c, nullptr);
		}
		return e;
	};

	GstElement *src = make("jsontimelinesrc");
	GstElement *vqueue = make("queue");
	GstElement *aqueue = make("queue");
	if (missing)
		return false;
	set_source_input(src, {o.input, o.json, o.fps, o.scale, o.width, o.height, o.cache_dir,
	                       o.fetch_timeout, o.cache_max_bytes, o.missing_illustration});
	std::string hosts;
	for (const std::string &h : o.allow_hosts)
		hosts += (hosts.empty() ? "" : ",") + h;
	g_object_set(src, "fetch-refuse-private", gboolean(o.refuse_private), "fetch-allow-hosts",
	             hosts.c_str(), "asset-root", o.asset_root.c_str(), "trace-items",
	             gboolean(!o.trace_items.empty()), nullptr);
	std::unique_ptr<FILE, int (*)(FILE *)> trace(nullptr, fclose);
	if (!o.trace_items.empty()) {
		trace.reset(g_fopen(o.trace_items.c_str(), "w"));
		if (!trace) {
			int e = errno;
			g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED, "cannot write %s: %s",
			            o.trace_items.c_str(), g_strerror(e));
			return false;
		}
	}
	bool linked = gst_element_link_pads(src, "video", vqueue, "sink") &&
	              gst_element_link_pads(src, "audio", aqueue, "sink");

	/* the video from the queue: flattened over black where needed, then converted */
	GstElement *vconv = nullptr;
	if (format.kind != OutputKind::Audio) {
		GstElement *flat = nullptr;
		if (flatten) {
			flat = make("compositor");
			if (flat)
				gst_util_set_object_arg(G_OBJECT(flat), "background", "black");
		}
		vconv = make("videoconvert");
		/* jsontimelinesrc gives the format its peer takes, I420 when anything goes: stills
		 * and GIF composited in RGB, exact; the alpha WebM as A420, alpha kept */
		GstElement *rgb = format.kind == OutputKind::Still || format.kind == OutputKind::Gif
		                          ? capsfilter("video/x-raw, format=(string)BGRA")
		                  : alpha_webm ? capsfilter("video/x-raw, format=(string)A420")
		                               : nullptr;
		GstElement *from = vqueue;
		if (rgb) {
			linked = linked && chain({vqueue, rgb});
			from = rgb;
		}
		linked = linked && (flat ? chain({from, flat, vconv}) : chain({from, vconv}));
	}
	auto sink_video = [&]() {
		GstElement *fake = make("fakesink");
		linked = linked && chain({vqueue, fake});
	};
	auto sink_audio = [&]() {
		GstElement *fake = make("fakesink");
		linked = linked && chain({aqueue, fake});
	};
	auto to_file = [&](GstElement *last) {
		GstElement *sink = make("filesink");
		if (sink)
			g_object_set(sink, "location", part.c_str(), nullptr);
		linked = linked && chain({last, sink});
	};

	GstAppSinkCallbacks gif_callbacks = {};
	gif_callbacks.new_sample = on_gif_sample;
	GstAppSinkCallbacks alpha_video = {}, alpha_audio = {};
	alpha_video.new_sample = on_alpha_video;
	alpha_audio.new_sample = on_alpha_audio;
	bool webm_open = false;

	if (format.kind == OutputKind::Av && !alpha_webm) {
		GstElement *aconv = make("audioconvert");
		GstElement *enc = make("encodebin");
		if (missing)
			return false;
		GstEncodingProfile *profile = make_profile(name);
		g_object_set(enc, "profile", profile, nullptr);
		gst_encoding_profile_unref(profile);
		g_signal_connect(enc, "deep-element-added", G_CALLBACK(on_element_added),
		                 const_cast<RenderOptions *>(&o));
		to_file(enc);
		linked = linked && chain({aqueue, aconv});
		g_autoptr(GstPad) venc = gst_element_request_pad_simple(enc, "video_%u");
		g_autoptr(GstPad) aenc = gst_element_request_pad_simple(enc, "audio_%u");
		g_autoptr(GstPad) vout = gst_element_get_static_pad(vconv, "src");
		g_autoptr(GstPad) aout = gst_element_get_static_pad(aconv, "src");
		linked = linked && venc && aenc && gst_pad_link(vout, venc) == GST_PAD_LINK_OK &&
		         gst_pad_link(aout, aenc) == GST_PAD_LINK_OK;
	} else if (format.kind == OutputKind::Av) {
		/* VP8/VP9 with alpha: A420 frames and S16 audio to FFmpeg's encoders */
		GstElement *vsink =
		        make_appsink(&alpha_video, &ctx, "video/x-raw, format=(string)A420");
		GstElement *aconv = make("audioconvert");
		GstElement *asink =
		        make_appsink(&alpha_audio, &ctx,
		                     "audio/x-raw, format=(string)S16LE, rate=(int)48000, "
		                     "channels=(int)2, layout=(string)interleaved");
		for (GstElement *e : {vsink, asink})
			if (e)
				gst_bin_add(bin, e);
		linked = linked && chain({vconv, vsink}) && chain({aqueue, aconv, asink});
	} else if (format.kind == OutputKind::Gif) {
		GstElement *scale = make("videoscale");
		std::string caps =
		        "video/x-raw, format=(string)BGRx, pixel-aspect-ratio=(fraction)1/1";
		if (o.gif_max_width > 0)
			caps += ", width=(int)[1, " + std::to_string(o.gif_max_width) + "]";
		GstElement *filter = capsfilter(caps.c_str());
		GstElement *sink = make_appsink(&gif_callbacks, &ctx, "video/x-raw");
		if (sink)
			gst_bin_add(bin, sink);
		ctx.gif_path = part;
		linked = linked && chain({vconv, scale, filter, sink});
		sink_audio();
	} else if (format.kind == OutputKind::Still) {
		/* JPEG (JFIF) is full-range BT.601 YCbCr: video levels (16-235) there would
		 * come out grey-black and dim white */
		bool png = name == "png";
		GstElement *filter = capsfilter(
		        png ? (o.alpha ? "video/x-raw, format=(string)RGBA"
		                       : "video/x-raw, format=(string)RGB")
		            : "video/x-raw, format=(string)I420, colorimetry=(string)1:4:0:0");
		GstElement *enc = make(png ? "pngenc" : "jpegenc");
		linked = linked && chain({vconv, filter, enc});
		to_file(enc);
		sink_audio();
	} else {
		/* MP3 and ADTS are bare streams: the encoder straight to the file */
		GstElement *aconv = make("audioconvert");
		GstElement *enc = nullptr, *last = nullptr;
		if (name == "mp3") {
			enc = last = make("lamemp3enc");
			if (enc) { /* constant bit rate: players compute the duration from the size
				    */
				gst_util_set_object_arg(G_OBJECT(enc), "target", "bitrate");
				g_object_set(enc, "bitrate", 192, "cbr", TRUE, nullptr);
			}
		} else if (name == "aac") {
			enc = make("voaacenc");
			last = capsfilter("audio/mpeg, stream-format=(string)adts");
			if (enc)
				g_object_set(enc, "bitrate", 160000, nullptr);
		} else {
			enc = last = make("encodebin");
			if (enc) {
				GstEncodingProfile *profile = make_profile(name);
				g_object_set(enc, "profile", profile, nullptr);
				gst_encoding_profile_unref(profile);
				g_signal_connect(enc, "deep-element-added",
				                 G_CALLBACK(on_element_added),
				                 const_cast<RenderOptions *>(&o));
			}
		}
		if (missing)
			return false;
		to_file(last);
		if (enc == last) {
			g_autoptr(GstPad) ain =
			        name == "m4a" ? gst_element_request_pad_simple(enc, "audio_%u")
			                      : gst_element_get_static_pad(enc, "sink");
			g_autoptr(GstPad) aout = gst_element_get_static_pad(aconv, "src");
			linked = linked && chain({aqueue, aconv}) && ain &&
			         gst_pad_link(aout, ain) == GST_PAD_LINK_OK;
		} else {
			linked = linked && chain({aqueue, aconv, enc, last});
		}
		sink_video();
	}
	if (missing)
		return false;
	/* AAC: all the sound coded, its priming skipped by the MP4's edit list below */
	const bool aac = name == "mp4" || name == "m4a" || name == "aac";
	if (aac && !alpha_webm) {
		/* on the sink pad after the queue: it takes the silence before it takes EOS */
		g_autoptr(GstPad) out = gst_element_get_static_pad(aqueue, "src");
		g_autoptr(GstPad) in = gst_pad_get_peer(out);
		if (in)
			gst_pad_add_probe(in,
			                  GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER |
			                                  GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
			                  on_audio_to_encoder, &tail, nullptr);
	}
	if (!linked) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_INTERNAL,
		            "could not build the %s output pipeline (is an encoder missing?)",
		            name.c_str());
		return false;
	}
	g_autoptr(GstBus) bus = gst_element_get_bus(pipeline.get());
	bool ok = true;
	std::string message;
	bool started =
	        gst_element_set_state(pipeline.get(), GST_STATE_READY) != GST_STATE_CHANGE_FAILURE;
	/* the frame size: the source's, known once it is READY */
	int frame_w = 0, frame_h = 0;
	if (started && format.kind != OutputKind::Audio) {
		g_autoptr(GstPad) video = gst_element_get_static_pad(src, "video");
		g_autoptr(GstCaps) caps = gst_pad_query_caps(video, nullptr);
		GstStructure *st = caps && !gst_caps_is_empty(caps)
		                           ? gst_caps_get_structure(caps, 0)
		                           : nullptr;
		if (!st || !gst_structure_get_int(st, "width", &frame_w) ||
		    !gst_structure_get_int(st, "height", &frame_h))
			frame_w = frame_h = 0;
		if (frame_w > 0 && !check_render_memory(frame_w, frame_h, o.memory_limit, error)) {
			gst_element_set_state(pipeline.get(), GST_STATE_NULL);
			return false;
		}
		tune_encoder_for(bin, frame_w, frame_h);
	}
	if (started && alpha_webm) {
		AlphaWebmWriter::Settings ws;
		ws.codec = name == "webm-vp8" ? "vp8" : "vp9";
		ws.fps = fps;
		ws.quality = o.quality;
		ws.width = frame_w;
		ws.height = frame_h;
		if (frame_w <= 0) {
			g_set_error(error, JTL_ERROR, JTL_ERROR_INTERNAL,
			            "the timeline's frame size is unknown");
			return false;
		}
		if (!ctx.webm.open(part, ws, error)) {
			gst_element_set_state(pipeline.get(), GST_STATE_NULL);
			g_unlink(part.c_str());
			return false;
		}
		webm_open = true;
	}
	GstClockTime start = o.start, stop = o.stop;
	/* stills: the frame shown at frame_at, k; rendered with a neighbour, [k, k + 2) or
	 * [k - 1, k + 1), and only k kept: a range of one frame sometimes lacks its items
	 * (jsontimelinesrc with a black or none background) */
	if (format.kind == OutputKind::Still) {
		guint64 frames = std::max<guint64>(1, frame_count(tl->duration_ns(), fps, 1));
		guint64 k = std::min(frames - 1, guint64(std::max(0.0, o.frame_at) * fps + 1e-6));
		guint64 k0 = k + 1 < frames ? k : k > 0 ? k - 1 : 0;
		ctx.still[0] = k - k0;
		start = frame_to_ns(k0, fps, 1);
		stop = frame_to_ns(std::min(frames, k0 + 2), fps, 1);
		g_autoptr(GstPad) out = gst_element_get_static_pad(vqueue, "src");
		gst_pad_add_probe(
		        out, GST_PAD_PROBE_TYPE_BUFFER,
		        [](GstPad *, GstPadProbeInfo *, gpointer data) {
			        guint64 *still = static_cast<guint64 *>(data);
			        return still[1]++ == still[0] ? GST_PAD_PROBE_OK
			                                      : GST_PAD_PROBE_DROP;
		        },
		        ctx.still, nullptr);
	}
	bool ranged = start > 0 || GST_CLOCK_TIME_IS_VALID(stop);
	if (started && ranged) {
		/* a range: a seek on the source while it is READY, before anything streams */
		GstEvent *seek = gst_event_new_seek(
		        1.0, GST_FORMAT_TIME,
		        GstSeekFlags(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
		        GST_SEEK_TYPE_SET, gint64(start),
		        GST_CLOCK_TIME_IS_VALID(stop) ? GST_SEEK_TYPE_SET : GST_SEEK_TYPE_NONE,
		        GST_CLOCK_TIME_IS_VALID(stop) ? gint64(stop) : -1);
		if (!gst_element_send_event(src, seek)) {
			g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
			            "the range to render cannot be set");
			gst_element_set_state(pipeline.get(), GST_STATE_NULL);
			return false;
		}
	}
	started = started && gst_element_set_state(pipeline.get(), GST_STATE_PLAYING) !=
	                             GST_STATE_CHANGE_FAILURE;
	/* progress of the range (position and duration from its start): from the source's
	 * jsontimeline-progress messages (frames done of the range's frames), at the start and
	 * at the end always */
	auto span = [&]() {
		guint64 dur = 0;
		g_object_get(src, "duration", &dur, nullptr);
		guint64 to = GST_CLOCK_TIME_IS_VALID(stop) ? std::min<guint64>(stop, dur) : dur;
		return to - std::min<guint64>(to, std::min<guint64>(start, dur));
	};
	if (started && progress)
		progress(0, span());
	bool done = false;
	while (!done) {
		/* a failed state change has posted its error already: do not wait for more */
		g_autoptr(GstMessage) msg = gst_bus_timed_pop_filtered(
		        bus, started ? GST_CLOCK_TIME_NONE : GST_SECOND,
		        GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING |
		                       GST_MESSAGE_ELEMENT));
		if (!msg) {
			ok = false;
			break;
		}
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ELEMENT) {
			const GstStructure *st = gst_message_get_structure(msg);
			if (trace && gst_structure_has_name(st, "jsontimeline-frame-items")) {
				std::string line = frame_items_line(st);
				fwrite(line.data(), 1, line.size(), trace.get());
				continue;
			}
			guint64 done_frames = 0, frames = 0;
			if (progress && gst_structure_has_name(st, "jsontimeline-progress") &&
			    gst_structure_get_uint64(st, "frames-done", &done_frames) &&
			    gst_structure_get_uint64(st, "frames", &frames) && frames > 0) {
				guint64 total = span();
				progress(gst_util_uint64_scale(total, done_frames, frames), total);
			}
			continue;
		}
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_WARNING) {
			g_autoptr(GError) e = nullptr;
			g_autofree gchar *dbg = nullptr;
			gst_message_parse_warning(msg, &e, &dbg);
			/* once each: a still draws its items twice (READY, then its range) */
			std::string text = user_text(o, e->message, dbg);
			if (stats && std::find(stats->warnings.begin(), stats->warnings.end(),
			                       text) == stats->warnings.end())
				stats->warnings.push_back(text);
			continue;
		}
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
			g_autoptr(GError) e = nullptr;
			g_autofree gchar *dbg = nullptr;
			gst_message_parse_error(msg, &e, &dbg);
			message = user_text(o, e->message, dbg);
			ok = false;
		} else if (progress) {
			guint64 total = span();
			progress(total, total);
		}
		done = true;
	}
	if (stats)
		g_object_get(src, "branches-built", &stats->branches_built, "max-live-branches",
		             &stats->max_live_branches, nullptr);
	gst_element_set_state(pipeline.get(), GST_STATE_NULL);
	/* what the appsinks fed: their writer's own error first, then finishing the file */
	if (!ctx.error.empty()) {
		message = ctx.error;
		ok = false;
	}
	g_autoptr(GError) finish = nullptr;
	if (ok && webm_open && !ctx.webm.finish(&finish))
		ok = false;
	if (ok && format.kind == OutputKind::Gif && !ctx.gif_open) {
		message = "the timeline has no frame to write";
		ok = false;
	}
	if (ok && ctx.gif_open && !ctx.gif.close(ctx.gif_end, &finish))
		ok = false;
	if (ok && tail.padded && name != "aac" &&
	    !mp4_skip_audio_priming(part, kAacPriming, guint(GST_AUDIO_INFO_RATE(&tail.info)),
	                            tail.duration(), &finish))
		ok = false;
	if (finish)
		message = finish->message;
	if (ok && g_rename(part.c_str(), o.output.c_str()) != 0) {
		int e = errno;
		message = std::string("cannot rename ") + part + " to " + o.output + ": " +
		          g_strerror(e);
		ok = false;
	}
	if (!ok) {
		g_unlink(part.c_str());
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED, "%s",
		            message.empty() ? "the render failed (no element said why; run with "
		                              "GST_DEBUG=3 for details)"
		                            : without_server_paths(o, message).c_str());
	}
	return ok;
}

} /* namespace jtl */
