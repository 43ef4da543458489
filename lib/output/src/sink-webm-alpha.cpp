// SPDX-License-Identifier: LGPL-2.1-or-later
// Output kind: WebM keeping the alpha channel (A420 frames and S16 sound to FFmpeg's encoders,
// the alpha WebM writer).
#include <jsontimeline/webm-alpha.h>

#include "output-sink.h"

namespace jtl {

namespace {

class AlphaWebmSink : public OutputSink
{
public:
	void build(OutputGraph &g) override
	{
		graph_ = &g;
		GstElement *vconv = g.converted_video("A420");
		video_.new_sample = on_video;
		audio_.new_sample = on_audio;
		GstElement *vsink = g.appsink(&video_, this, "video/x-raw, format=(string)A420");
		GstElement *aconv = g.make("audioconvert");
		GstElement *asink = g.appsink(&audio_, this,
		                              "audio/x-raw, format=(string)S16LE, rate=(int)48000, "
		                              "channels=(int)2, layout=(string)interleaved");
		g.link({vconv, vsink});
		g.link({g.aqueue, aconv, asink});
	}
	bool start(OutputGraph &g, int width, int height, GError **error) override
	{
		AlphaWebmWriter::Settings ws;
		ws.codec = g.format == "webm-vp8" ? "vp8" : "vp9";
		ws.fps = g.fps;
		ws.quality = g.options.quality;
		ws.width = width;
		ws.height = height;
		if (width <= 0) {
			g_set_error(error, JTL_ERROR, JTL_ERROR_INTERNAL,
			            "the timeline's frame size is unknown");
			return false;
		}
		open_ = webm_.open(g.part, ws, error);
		return open_;
	}
	bool finish(OutputGraph &, GError **error) override
	{
		return !open_ || webm_.finish(error);
	}

private:
	static GstFlowReturn on_video(GstAppSink *sink, gpointer data);
	static GstFlowReturn on_audio(GstAppSink *sink, gpointer data);
	OutputGraph *graph_ = nullptr;
	GstAppSinkCallbacks video_ = {}, audio_ = {};
	AlphaWebmWriter webm_;
	bool open_ = false;
};

GstFlowReturn AlphaWebmSink::on_video(GstAppSink *sink, gpointer data)
{
	AlphaWebmSink *ctx = static_cast<AlphaWebmSink *>(data);
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
	int64_t index =
	        int64_t(gst_util_uint64_scale_round(t, guint64(ctx->graph_->fps), GST_SECOND));
	bool ok = ctx->webm_.add_video(planes, strides, index, &e);
	gst_video_frame_unmap(&frame);
	return ok || ctx->graph_->failed(e) ? GST_FLOW_OK : GST_FLOW_ERROR;
}

GstFlowReturn AlphaWebmSink::on_audio(GstAppSink *sink, gpointer data)
{
	AlphaWebmSink *ctx = static_cast<AlphaWebmSink *>(data);
	g_autoptr(GstSample) sample = gst_app_sink_pull_sample(sink);
	if (!sample)
		return GST_FLOW_EOS;
	GstMapInfo map;
	GstBuffer *buf = gst_sample_get_buffer(sample);
	if (!gst_buffer_map(buf, &map, GST_MAP_READ))
		return GST_FLOW_ERROR;
	GError *e = nullptr;
	bool ok =
	        ctx->webm_.add_audio(reinterpret_cast<const int16_t *>(map.data), map.size / 4, &e);
	gst_buffer_unmap(buf, &map);
	return ok || ctx->graph_->failed(e) ? GST_FLOW_OK : GST_FLOW_ERROR;
}

} /* namespace */

std::unique_ptr<OutputSink> make_webm_alpha_sink()
{
	return std::make_unique<AlphaWebmSink>();
}

} /* namespace jtl */
