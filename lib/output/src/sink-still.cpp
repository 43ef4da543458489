// SPDX-License-Identifier: LGPL-2.1-or-later
// Output kind: one frame as a picture (PNG, with alpha or not; JPEG), no sound.
#include <algorithm>

#include <jsontimeline/time.h>

#include "output-sink.h"

namespace jtl {

namespace {

class StillSink : public OutputSink
{
public:
	void build(OutputGraph &g) override
	{
		/* composited in RGB, exact colours; JPEG (JFIF) is full-range BT.601 YCbCr: video
		 * levels (16-235) there would come out grey-black and dim white */
		GstElement *vconv = g.converted_video("BGRA");
		bool png = g.format == "png";
		GstElement *filter = g.capsfilter(
		        png ? (g.options.alpha ? "video/x-raw, format=(string)RGBA"
		                               : "video/x-raw, format=(string)RGB")
		            : "video/x-raw, format=(string)I420, colorimetry=(string)1:4:0:0");
		GstElement *enc = g.make(png ? "pngenc" : "jpegenc");
		g.link({vconv, filter, enc});
		g.to_file(enc);
		g.discard(g.aqueue);
		/* the frame shown at frame_at, k; rendered with a neighbour, [k, k + 2) or
		 * [k - 1, k + 1), and only k kept: a range of one frame sometimes lacks its items
		 * (jsontimelinesrc with a black or none background) */
		const int fps = g.fps;
		guint64 frames =
		        std::max<guint64>(1, frame_count(g.timeline.duration_ns(), fps, 1));
		guint64 k = std::min(frames - 1,
		                     guint64(std::max(0.0, g.options.frame_at) * fps + 1e-6));
		guint64 k0 = k + 1 < frames ? k : k > 0 ? k - 1 : 0;
		still_[0] = k - k0;
		g.start = frame_to_ns(k0, fps, 1);
		g.stop = frame_to_ns(std::min(frames, k0 + 2), fps, 1);
		g_autoptr(GstPad) out = gst_element_get_static_pad(g.vqueue, "src");
		gst_pad_add_probe(
		        out, GST_PAD_PROBE_TYPE_BUFFER,
		        [](GstPad *, GstPadProbeInfo *, gpointer data) {
			        guint64 *still = static_cast<guint64 *>(data);
			        return still[1]++ == still[0] ? GST_PAD_PROBE_OK
			                                      : GST_PAD_PROBE_DROP;
		        },
		        still_, nullptr);
	}

private:
	guint64 still_[2] = {0, 0}; /* the index of the frame to keep, frames seen */
};

} /* namespace */

std::unique_ptr<OutputSink> make_still_sink()
{
	return std::make_unique<StillSink>();
}

} /* namespace jtl */
