// SPDX-License-Identifier: LGPL-2.1-or-later
// The pipeline helpers every output kind's sink module uses (output-sink.h).
#include "output-sink.h"

#include <gst/video/video.h>

#include <jsontimeline/diagnostics.h>

namespace jtl {

/* The running time of a sample's buffer (the file's time), or NONE. */
static GstClockTime sample_time(GstSample *sample, GstClockTime *end)
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

GstElement *OutputGraph::make(const char *factory)
{
	return add(gst_element_factory_make(factory, nullptr), factory);
}

GstElement *OutputGraph::add(GstElement *e, const char *factory)
{
	if (!e) {
		if (!missing_)
			g_set_error(error_, JTL_ERROR, JTL_ERROR_INTERNAL,
			            "the GStreamer element %s is missing (needed for %s "
			            "output)",
			            factory, format.c_str());
		missing_ = true;
		return nullptr;
	}
	gst_bin_add(bin_, e);
	return e;
}

GstElement *OutputGraph::capsfilter(const char *caps)
{
	GstElement *e = make("capsfilter");
	if (e) {
		g_autoptr(GstCaps) c = gst_caps_from_string(caps);
		g_object_set(e, "caps", c, nullptr);
	}
	return e;
}

GstElement *OutputGraph::appsink(GstAppSinkCallbacks *callbacks, gpointer data, const char *caps)
{
	GstElement *sink = gst_element_factory_make("appsink", nullptr);
	if (!sink)
		return nullptr;
	g_autoptr(GstCaps) c = gst_caps_from_string(caps);
	g_object_set(sink, "sync", FALSE, "caps", c, nullptr);
	gst_app_sink_set_callbacks(GST_APP_SINK(sink), callbacks, data, nullptr);
	gst_bin_add(bin_, sink);
	return sink;
}

void OutputGraph::link(std::initializer_list<GstElement *> elements)
{
	GstElement *prev = nullptr;
	for (GstElement *e : elements) {
		if (!linked)
			return;
		linked = e && (!prev || gst_element_link(prev, e));
		prev = e;
	}
}

void OutputGraph::link_pads(GstPad *out, GstPad *in)
{
	linked = linked && out && in && gst_pad_link(out, in) == GST_PAD_LINK_OK;
}

void OutputGraph::to_file(GstElement *last)
{
	GstElement *sink = make("filesink");
	if (sink)
		g_object_set(sink, "location", part.c_str(), nullptr);
	link({last, sink});
}

void OutputGraph::discard(GstElement *from)
{
	link({from, make("fakesink")});
}

GstElement *OutputGraph::converted_video(const char *raw)
{
	GstElement *from = vqueue;
	if (raw) {
		g_autofree gchar *caps = g_strdup_printf("video/x-raw, format=(string)%s", raw);
		GstElement *filter = capsfilter(caps);
		link({vqueue, filter});
		from = filter;
	}
	GstVideoFormat vf = raw ? gst_video_format_from_string(raw) : GST_VIDEO_FORMAT_UNKNOWN;
	const bool alpha = raw && GST_VIDEO_FORMAT_INFO_HAS_ALPHA(gst_video_format_get_info(vf));
	if (alpha && timeline.background.type == GlobalBackground::Type::None && !options.alpha) {
		GstElement *flat = make("compositor");
		if (flat)
			gst_util_set_object_arg(G_OBJECT(flat), "background", "black");
		link({from, flat});
		from = flat;
	}
	GstElement *conv = make("videoconvert");
	link({from, conv});
	return conv;
}

bool OutputGraph::failed(GError *e)
{
	std::lock_guard<std::mutex> guard(lock_);
	if (failure_.empty())
		failure_ = e->message;
	g_error_free(e);
	return false;
}

std::string OutputGraph::failure()
{
	std::lock_guard<std::mutex> guard(lock_);
	return failure_;
}

} /* namespace jtl */
