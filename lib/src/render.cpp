// SPDX-License-Identifier: LGPL-2.1-or-later
// Rendering a document to a file: the output pipeline around jsontimelinesrc.
#include <jsontimeline/render.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include <jsontimeline/diagnostics.h>

namespace jtl {

namespace {

struct ElementDeleter {
	void operator()(GstElement *e) const
	{
		gst_element_set_state(e, GST_STATE_NULL);
		gst_object_unref(e);
	}
};

GstEncodingProfile *make_profile(const std::string &format)
{
	GstEncodingContainerProfile *container;
	GstCaps *vcaps, *acaps;
	if (format == "webm") {
		g_autoptr(GstCaps) c = gst_caps_from_string("video/webm");
		container = gst_encoding_container_profile_new("webm", nullptr, c, nullptr);
		vcaps = gst_caps_from_string("video/x-vp9");
		acaps = gst_caps_from_string("audio/x-opus");
	} else {
		g_autoptr(GstCaps) c = gst_caps_from_string("video/quicktime, variant=(string)iso");
		container = gst_encoding_container_profile_new("mp4", nullptr, c, nullptr);
		vcaps = gst_caps_from_string("video/x-h264, profile=(string)high");
		acaps = gst_caps_from_string("audio/mpeg, mpegversion=(int)4");
	}
	g_autoptr(GstCaps) raw = gst_caps_from_string("video/x-raw, format=(string)I420");
	GstEncodingVideoProfile *v = gst_encoding_video_profile_new(vcaps, nullptr, raw, 0);
	GstEncodingAudioProfile *a = gst_encoding_audio_profile_new(acaps, nullptr, nullptr, 0);
	gst_caps_unref(vcaps);
	gst_caps_unref(acaps);
	gst_encoding_container_profile_add_profile(container, GST_ENCODING_PROFILE(v));
	gst_encoding_container_profile_add_profile(container, GST_ENCODING_PROFILE(a));
	return GST_ENCODING_PROFILE(container);
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
	} else if (g_str_equal(name, "vp9enc")) {
		gst_util_set_object_arg(G_OBJECT(element), "end-usage", "cq");
		g_object_set(element, "cq-level", gint(o->quality + 8), "deadline", gint64(1),
		             "cpu-used", 8, "row-mt", TRUE, nullptr);
	} else if (g_str_equal(name, "mp4mux")) {
		g_object_set(element, "faststart", TRUE, nullptr);
	}
}

} /* namespace */

const char *render_format_extension(const std::string &format)
{
	if (format == "mp4")
		return "mp4";
	if (format == "webm")
		return "webm";
	return nullptr;
}

bool render_file(const RenderOptions &o, const RenderProgress &progress, GError **error,
                 RenderStats *stats)
{
	if (!render_format_extension(o.format)) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED, "unknown output format \"%s\"",
		            o.format.c_str());
		return false;
	}
	std::string part = o.output + ".part";
	std::unique_ptr<GstElement, ElementDeleter> pipeline(gst_pipeline_new("render"));
	GstElement *src = gst_element_factory_make("jsontimelinesrc", "timeline");
	GstElement *vconv = gst_element_factory_make("videoconvert", nullptr);
	GstElement *vqueue = gst_element_factory_make("queue", nullptr);
	GstElement *aconv = gst_element_factory_make("audioconvert", nullptr);
	GstElement *aqueue = gst_element_factory_make("queue", nullptr);
	GstElement *enc = gst_element_factory_make("encodebin", nullptr);
	GstElement *sink = gst_element_factory_make("filesink", nullptr);
	if (!src || !vconv || !vqueue || !aconv || !aqueue || !enc || !sink) {
		for (GstElement *e : {src, vconv, vqueue, aconv, aqueue, enc, sink})
			if (e)
				gst_object_unref(e);
		g_set_error(error, JTL_ERROR, JTL_ERROR_INTERNAL,
		            "a GStreamer element is missing (jsontimelinesrc, videoconvert, "
		            "audioconvert, queue, encodebin or filesink)");
		return false;
	}
	gst_bin_add_many(GST_BIN(pipeline.get()), src, vqueue, vconv, aqueue, aconv, enc, sink,
	                 nullptr);
	if (!o.json.empty())
		g_object_set(src, "json", o.json.c_str(), nullptr);
	else
		g_object_set(src, "location", o.input.c_str(), nullptr);
	g_object_set(src, "fps", o.fps, "scale", o.scale, "width", o.width, "height", o.height,
	             nullptr);
	if (!o.cache_dir.empty())
		g_object_set(src, "cache-dir", o.cache_dir.c_str(), nullptr);
	if (o.fetch_timeout >= 0)
		g_object_set(src, "fetch-timeout", o.fetch_timeout, nullptr);
	GstEncodingProfile *profile = make_profile(o.format);
	g_object_set(enc, "profile", profile, nullptr);
	gst_encoding_profile_unref(profile);
	g_signal_connect(enc, "deep-element-added", G_CALLBACK(on_element_added),
	                 const_cast<RenderOptions *>(&o));
	g_object_set(sink, "location", part.c_str(), nullptr);

	gst_element_link_many(vqueue, vconv, nullptr);
	gst_element_link_many(aqueue, aconv, nullptr);
	gst_element_link(enc, sink);
	bool linked = gst_element_link_pads(src, "video", vqueue, "sink") &&
	              gst_element_link_pads(src, "audio", aqueue, "sink");
	g_autoptr(GstPad) venc = gst_element_request_pad_simple(enc, "video_%u");
	g_autoptr(GstPad) aenc = gst_element_request_pad_simple(enc, "audio_%u");
	g_autoptr(GstPad) vout = gst_element_get_static_pad(vconv, "src");
	g_autoptr(GstPad) aout = gst_element_get_static_pad(aconv, "src");
	linked = linked && venc && aenc && gst_pad_link(vout, venc) == GST_PAD_LINK_OK &&
	         gst_pad_link(aout, aenc) == GST_PAD_LINK_OK;
	if (!linked) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_INTERNAL,
		            "could not build the %s output pipeline (is an encoder missing?)",
		            o.format.c_str());
		return false;
	}

	g_autoptr(GstBus) bus = gst_element_get_bus(pipeline.get());
	bool ok = true;
	std::string message;
	bool started =
	        gst_element_set_state(pipeline.get(), GST_STATE_READY) != GST_STATE_CHANGE_FAILURE;
	bool ranged = o.start > 0 || GST_CLOCK_TIME_IS_VALID(o.stop);
	if (started && ranged) {
		/* a range: a seek on the source while it is READY, before anything streams */
		GstEvent *seek = gst_event_new_seek(
		        1.0, GST_FORMAT_TIME,
		        GstSeekFlags(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
		        GST_SEEK_TYPE_SET, gint64(o.start),
		        GST_CLOCK_TIME_IS_VALID(o.stop) ? GST_SEEK_TYPE_SET : GST_SEEK_TYPE_NONE,
		        GST_CLOCK_TIME_IS_VALID(o.stop) ? gint64(o.stop) : -1);
		if (!gst_element_send_event(src, seek)) {
			g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
			            "the range to render cannot be set");
			gst_element_set_state(pipeline.get(), GST_STATE_NULL);
			return false;
		}
	}
	started = started && gst_element_set_state(pipeline.get(), GST_STATE_PLAYING) !=
	                             GST_STATE_CHANGE_FAILURE;
	g_autoptr(GstPad) video = gst_element_get_static_pad(src, "video");
	/* progress of the range: position and duration from its start; at the start and at
	 * the end always, in between while no message comes */
	auto report = [&](bool end) {
		if (!progress)
			return;
		guint64 dur = 0;
		g_object_get(src, "duration", &dur, nullptr);
		guint64 from = std::min<guint64>(o.start, dur);
		guint64 to = GST_CLOCK_TIME_IS_VALID(o.stop) ? std::min<guint64>(o.stop, dur) : dur;
		gint64 pos = 0;
		if (end)
			pos = gint64(to);
		else if (!gst_pad_query_position(video, GST_FORMAT_TIME, &pos) || pos < 0)
			return;
		progress(guint64(pos) - std::min<guint64>(guint64(pos), from),
		         to - std::min(to, from));
	};
	if (started && progress) {
		guint64 dur = 0;
		g_object_get(src, "duration", &dur, nullptr);
		progress(0, dur - std::min<guint64>(dur, o.start));
	}
	bool done = false;
	while (!done) {
		/* a failed state change has posted its error already: do not wait for more */
		g_autoptr(GstMessage) msg = gst_bus_timed_pop_filtered(
		        bus, started ? 200 * GST_MSECOND : GST_SECOND,
		        GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING));
		if (!msg && !started) {
			ok = false;
			break;
		}
		if (!msg) {
			report(false);
			continue;
		}
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_WARNING) {
			g_autoptr(GError) e = nullptr;
			g_autofree gchar *dbg = nullptr;
			gst_message_parse_warning(msg, &e, &dbg);
			std::string text = e->message;
			if (dbg)
				text += std::string(" (") + dbg + ")";
			if (stats)
				stats->warnings.push_back(text);
			continue;
		}
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
			g_autoptr(GError) e = nullptr;
			g_autofree gchar *dbg = nullptr;
			gst_message_parse_error(msg, &e, &dbg);
			message = e->message;
			if (dbg)
				message += std::string(" (") + dbg + ")";
			ok = false;
		} else {
			report(true);
		}
		done = true;
	}
	if (stats)
		g_object_get(src, "branches-built", &stats->branches_built, "max-live-branches",
		             &stats->max_live_branches, nullptr);
	gst_element_set_state(pipeline.get(), GST_STATE_NULL);
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
		                            : message.c_str());
	}
	return ok;
}

} /* namespace jtl */
