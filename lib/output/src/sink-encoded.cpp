// SPDX-License-Identifier: LGPL-2.1-or-later
// Output kind: video and sound through encodebin (MP4: H.264 + AAC; WebM: VP9/VP8 + Opus).
#include "encoding.h"

namespace jtl {

namespace {

class EncodedSink : public OutputSink
{
public:
	void build(OutputGraph &g) override
	{
		/* the source flattens a none background itself for these opaque formats */
		GstElement *vconv = g.converted_video(nullptr);
		GstElement *aconv = g.make("audioconvert");
		GstElement *enc = make_encodebin(g);
		if (g.missing())
			return;
		g.to_file(enc);
		g.link({g.aqueue, aconv});
		g_autoptr(GstPad) venc = gst_element_request_pad_simple(enc, "video_%u");
		g_autoptr(GstPad) aenc = gst_element_request_pad_simple(enc, "audio_%u");
		g_autoptr(GstPad) vout = gst_element_get_static_pad(vconv, "src");
		g_autoptr(GstPad) aout = gst_element_get_static_pad(aconv, "src");
		g.link_pads(vout, venc);
		g.link_pads(aout, aenc);
		aac_ = g.format == "mp4";
		if (aac_)
			watch_aac_tail(g, &tail_);
	}
	bool finish(OutputGraph &g, GError **error) override
	{
		return !aac_ || skip_aac_priming(g, tail_, error);
	}

private:
	bool aac_ = false;
	AudioTail tail_;
};

} /* namespace */

std::unique_ptr<OutputSink> make_encoded_sink()
{
	return std::make_unique<EncodedSink>();
}

} /* namespace jtl */
