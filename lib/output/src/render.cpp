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

#include "output-sink.h"
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

struct ElementDeleter {
	void operator()(GstElement *e) const
	{
		gst_element_set_state(e, GST_STATE_NULL);
		gst_object_unref(e);
	}
};

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
	const OutputFormat *f = find_output_format(format);
	return f ? f->extension : nullptr;
}

const char *render_format_for_path(const std::string &path)
{
	std::size_t dot = path.rfind('.');
	std::size_t slash = path.rfind('/');
	if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
		return nullptr;
	g_autofree gchar *ext = g_ascii_strdown(path.c_str() + dot + 1, -1);
	const OutputFormat *f = output_format_for_extension(ext);
	return f ? f->name : nullptr;
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
	const OutputFormat *f = find_output_format(o.format);
	if (!f) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
		            "unknown output format \"%s\" (known: %s)", o.format.c_str(),
		            render_format_names());
		return false;
	}
	if (o.alpha && !f->make_alpha) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
		            "%s output has no alpha channel: alpha needs webm, webm-vp8 or png",
		            f->name);
		return false;
	}
	if (o.frame_at >= 0 && !f->one_frame) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
		            "a frame time is for png and jpeg output only, not %s", f->name);
		return false;
	}
	if (f->one_frame && (o.start > 0 || GST_CLOCK_TIME_IS_VALID(o.stop))) {
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
	if (f->one_frame && o.frame_at >= 0 && o.frame_at >= duration) {
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
	const OutputFormat &format = *find_output_format(o.format);
	const std::string name = format.name;
	const int fps = tl->output_fps(o.fps);

	/* the output kind's sink module, before the pipeline: its state outlives it */
	std::unique_ptr<OutputSink> sink = (o.alpha ? format.make_alpha : format.make)();
	std::unique_ptr<GstElement, ElementDeleter> pipeline(gst_pipeline_new("render"));
	GstBin *bin = GST_BIN(pipeline.get());
	OutputGraph g(bin, o, *tl, format.name, fps, error);
	const std::string &part = g.part;

	GstElement *src = g.add(make_timeline_source({o.input, o.json, o.fps, o.scale, o.width,
	                                              o.height, o.cache_dir, o.fetch_timeout,
	                                              o.cache_max_bytes, o.missing_illustration}),
	                        kTimelineSourceFactory);
	g.vqueue = g.make("queue");
	g.aqueue = g.make("queue");
	if (g.missing())
		return false;
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
	g.linked = gst_element_link_pads(src, "video", g.vqueue, "sink") &&
	           gst_element_link_pads(src, "audio", g.aqueue, "sink");
	g.start = o.start;
	g.stop = o.stop;
	sink->build(g);
	if (g.missing())
		return false;
	if (!g.linked) {
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
	if (started && format.video) {
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
	if (started && !sink->start(g, frame_w, frame_h, error)) {
		gst_element_set_state(pipeline.get(), GST_STATE_NULL);
		g_unlink(part.c_str());
		return false;
	}
	const GstClockTime start = g.start, stop = g.stop;
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
	if (std::string failure = g.failure(); !failure.empty()) {
		message = failure;
		ok = false;
	}
	g_autoptr(GError) finish = nullptr;
	if (ok && !sink->finish(g, &finish))
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
