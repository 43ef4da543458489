// SPDX-License-Identifier: LGPL-2.1-or-later
// Output kind: animated GIF (frames to the GIF writer, no sound).
#include <jsontimeline/gif-writer.h>

#include "output-sink.h"

namespace jtl {

namespace {

class GifSink : public OutputSink
{
public:
	void build(OutputGraph &g) override
	{
		/* composited in RGB, exact colours */
		GstElement *vconv = g.converted_video("BGRA");
		GstElement *scale = g.make("videoscale");
		std::string caps =
		        "video/x-raw, format=(string)BGRx, pixel-aspect-ratio=(fraction)1/1";
		if (g.options.gif_max_width > 0)
			caps += ", width=(int)[1, " + std::to_string(g.options.gif_max_width) + "]";
		GstElement *filter = g.capsfilter(caps.c_str());
		graph_ = &g;
		path_ = g.part;
		callbacks_.new_sample = on_sample;
		GstElement *sink = g.appsink(&callbacks_, this, "video/x-raw");
		g.link({vconv, scale, filter, sink});
		g.discard(g.aqueue);
	}
	bool finish(OutputGraph &, GError **error) override
	{
		if (!open_) {
			g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
			            "the timeline has no frame to write");
			return false;
		}
		return gif_.close(end_, error);
	}

private:
	static GstFlowReturn on_sample(GstAppSink *sink, gpointer data);
	GstAppSinkCallbacks callbacks_ = {};
	OutputGraph *graph_ = nullptr;
	std::mutex lock_; /* guards the writer's state below */
	GifWriter gif_;
	std::string path_;
	bool open_ = false;
	GstClockTime end_ = 0;
};

GstFlowReturn GifSink::on_sample(GstAppSink *sink, gpointer data)
{
	GifSink *ctx = static_cast<GifSink *>(data);
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
		std::lock_guard<std::mutex> guard(ctx->lock_);
		ok = ctx->open_ || ctx->gif_.open(ctx->path_, GST_VIDEO_FRAME_WIDTH(&frame),
		                                  GST_VIDEO_FRAME_HEIGHT(&frame), &e);
		ctx->open_ = ctx->open_ || ok;
		ok = ok && ctx->gif_.add_frame(static_cast<const uint8_t *>(
		                                       GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)),
		                               GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0), t, &e);
		ctx->end_ = end;
	}
	gst_video_frame_unmap(&frame);
	if (!ok) {
		ctx->graph_->failed(e);
		return GST_FLOW_ERROR;
	}
	return GST_FLOW_OK;
}

} /* namespace */

std::unique_ptr<OutputSink> make_gif_sink()
{
	return std::make_unique<GifSink>();
}

} /* namespace jtl */
