// SPDX-License-Identifier: LGPL-2.1-or-later
// Live output: the player preview of a document, with live updates.
#include <jsontimeline/live.h>

#include <jsontimeline/patch-feed.h>

#include "live-common.h"
#include <jsontimeline/diagnostics.h>

namespace jtl {

namespace {

/* A sink from a gst-launch description, synchronised to the clock. */
GstElement *make_sink(const std::string &description, const char *fallback, GError **error)
{
	const std::string &desc = description.empty() ? std::string(fallback) : description;
	g_autoptr(GError) e = nullptr;
	GstElement *bin = gst_parse_bin_from_description(desc.c_str(), TRUE, &e);
	if (!bin) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED, "cannot make the sink \"%s\": %s",
		            desc.c_str(), e ? e->message : "unknown reason");
		return nullptr;
	}
	GstIterator *it = gst_bin_iterate_recurse(GST_BIN(bin));
	GValue v = G_VALUE_INIT;
	while (gst_iterator_next(it, &v) == GST_ITERATOR_OK) {
		GObject *child = G_OBJECT(g_value_get_object(&v));
		if (GST_OBJECT_FLAG_IS_SET(child, GST_ELEMENT_FLAG_SINK) &&
		    g_object_class_find_property(G_OBJECT_GET_CLASS(child), "sync"))
			g_object_set(child, "sync", TRUE, nullptr);
		g_value_reset(&v);
	}
	g_value_unset(&v);
	gst_iterator_free(it);
	return bin;
}

} /* namespace */

bool preview(const PreviewOptions &o, const PreviewStatus &status, GError **error,
             LiveControl *control)
{
	std::vector<std::string> missing;
	Pipeline pipeline(gst_pipeline_new("preview"));
	GstElement *src = make_source(o.source, &missing);
	GstElement *vqueue = make("queue", &missing);
	GstElement *vconv = make("videoconvert", &missing);
	GstElement *aqueue = make("queue", &missing);
	GstElement *aconv = make("audioconvert", &missing);
	GstElement *ares = make("audioresample", &missing);
	GstElement *parts[] = {src, vqueue, vconv, aqueue, aconv, ares};
	if (!missing.empty()) {
		for (GstElement *e : parts)
			if (e)
				gst_object_unref(e);
		return missing_error(missing, error);
	}
	for (GstElement *e : parts)
		gst_bin_add(GST_BIN(pipeline.get()), e);
	GstElement *vsink = make_sink(o.video_sink, "autovideosink", error);
	if (!vsink)
		return false;
	gst_bin_add(GST_BIN(pipeline.get()), vsink);
	GstElement *asink = make_sink(o.audio_sink, "autoaudiosink", error);
	if (!asink)
		return false;
	gst_bin_add(GST_BIN(pipeline.get()), asink);
	if (!gst_element_link_many(vqueue, vconv, vsink, nullptr) ||
	    !gst_element_link_many(aqueue, aconv, ares, asink, nullptr) ||
	    !gst_element_link_pads(src, "video", vqueue, "sink") ||
	    !gst_element_link_pads(src, "audio", aqueue, "sink")) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
		            "could not link the preview pipeline to its sinks");
		return false;
	}

	g_autoptr(GstBus) bus = gst_element_get_bus(pipeline.get());
	bool ok =
	        gst_element_set_state(pipeline.get(), GST_STATE_READY) != GST_STATE_CHANGE_FAILURE;
	guint64 duration = 0;
	g_object_get(src, "duration", &duration, nullptr);
	if (ok && o.start > 0)
		ok = gst_element_send_event(
		        src, gst_event_new_seek(
		                     1.0, GST_FORMAT_TIME,
		                     GstSeekFlags(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
		                     GST_SEEK_TYPE_SET, gint64(o.start), GST_SEEK_TYPE_NONE, -1));
	if (control)
		control->attach(bus);
	ok = ok &&
	     gst_element_set_state(pipeline.get(), GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE;
	bool paused = false;
	GstClockTime position = o.start;
	auto report = [&]() {
		gint64 pos = 0;
		if (gst_element_query_position(pipeline.get(), GST_FORMAT_TIME, &pos) && pos >= 0)
			position = GstClockTime(pos);
		if (status)
			status(position, duration, paused);
	};
	std::string message;
	/* seeks wait for the pipeline to be prerolled (at the start, after a seek): one in
	 * the middle of a state change or of another seek would rebuild a graph still
	 * starting */
	bool ready = false;
	std::vector<GstMessage *> deferred;
	auto command = [&](GstMessage *msg) {
		if (gst_message_has_name(msg, "toggle-pause")) {
			paused = !paused;
			gst_element_set_state(pipeline.get(),
			                      paused ? GST_STATE_PAUSED : GST_STATE_PLAYING);
		} else if (gst_message_has_name(msg, "seek-by")) {
			gint64 by = 0;
			gst_structure_get_int64(gst_message_get_structure(msg), "value", &by);
			gint64 pos = 0;
			if (!gst_element_query_position(pipeline.get(), GST_FORMAT_TIME, &pos) ||
			    pos < 0)
				pos = gint64(position);
			gint64 to = std::clamp<gint64>(pos + by, 0, gint64(duration));
			if (gst_element_seek_simple(
			            pipeline.get(), GST_FORMAT_TIME,
			            GstSeekFlags(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
			            to)) {
				ready = false;
				position = GstClockTime(to);
			}
		}
		if (status)
			status(position, duration, paused);
	};
	std::unique_ptr<PatchFeed> feed;
	if (ok && !o.source.patches.empty())
		feed = std::make_unique<PatchFeed>(src, o.source.patches);
	bool stop = false;
	while (ok && !stop) {
		GstMessage *msg = gst_bus_timed_pop_filtered(
		        bus, GST_SECOND / 4,
		        GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR |
		                       GST_MESSAGE_APPLICATION | GST_MESSAGE_ASYNC_DONE |
		                       GST_MESSAGE_ELEMENT));
		if (!msg) {
			report();
			continue;
		}
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ELEMENT) {
			std::string text = update_text(msg);
			if (!text.empty() && o.log)
				o.log(text);
			gst_message_unref(msg);
			continue;
		}
		switch (GST_MESSAGE_TYPE(msg)) {
		case GST_MESSAGE_EOS:
			position = duration;
			if (status)
				status(position, duration, paused);
			stop = true;
			break;
		case GST_MESSAGE_ERROR:
			message = error_text(msg);
			ok = false;
			break;
		case GST_MESSAGE_ASYNC_DONE:
			ready = true;
			while (ready && !deferred.empty()) {
				GstMessage *next = deferred.front();
				deferred.erase(deferred.begin());
				command(next);
				gst_message_unref(next);
			}
			break;
		default:
			if (gst_message_has_name(msg, "jtl-stop")) {
				stop = true;
			} else if (!ready || !deferred.empty()) {
				deferred.push_back(msg);
				msg = nullptr;
			} else {
				command(msg);
			}
			break;
		}
		if (msg)
			gst_message_unref(msg);
	}
	feed.reset();
	for (GstMessage *m : deferred)
		gst_message_unref(m);
	if (control)
		control->detach();
	if (!ok && message.empty()) {
		/* a failed state change: its error is on the bus */
		if (GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
			message = error_text(m);
			gst_message_unref(m);
		}
	}
	gst_element_set_state(pipeline.get(), GST_STATE_NULL);
	if (!ok)
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED, "%s",
		            message.empty() ? "the preview failed (no element said why; run with "
		                              "GST_DEBUG=3 for details)"
		                            : message.c_str());
	return ok;
}

} /* namespace jtl */
