// SPDX-License-Identifier: LGPL-2.1-or-later
// Output kind: sound alone (MP3, AAC in MP4 as M4A, bare AAC as ADTS), no video.
#include "encoding.h"

namespace jtl {

namespace {

class AudioSink : public OutputSink
{
public:
	void build(OutputGraph &g) override
	{
		/* MP3 and ADTS are bare streams: the encoder straight to the file */
		GstElement *aconv = g.make("audioconvert");
		GstElement *enc = nullptr, *last = nullptr;
		if (g.format == "mp3") {
			enc = last = g.make("lamemp3enc");
			if (enc) { /* constant bit rate: players compute the duration from the size
				    */
				gst_util_set_object_arg(G_OBJECT(enc), "target", "bitrate");
				g_object_set(enc, "bitrate", 192, "cbr", TRUE, nullptr);
			}
		} else if (g.format == "aac") {
			enc = g.make("voaacenc");
			last = g.capsfilter("audio/mpeg, stream-format=(string)adts");
			if (enc)
				g_object_set(enc, "bitrate", 160000, nullptr);
		} else {
			enc = last = make_encodebin(g);
		}
		if (g.missing())
			return;
		g.to_file(last);
		if (enc == last) {
			g_autoptr(GstPad) ain =
			        g.format == "m4a" ? gst_element_request_pad_simple(enc, "audio_%u")
			                          : gst_element_get_static_pad(enc, "sink");
			g_autoptr(GstPad) aout = gst_element_get_static_pad(aconv, "src");
			g.link({g.aqueue, aconv});
			g.link_pads(aout, ain);
		} else {
			g.link({g.aqueue, aconv, enc, last});
		}
		g.discard(g.vqueue);
		/* AAC: all the sound coded; in M4A its priming skipped by the edit list */
		if (g.format != "mp3")
			watch_aac_tail(g, &tail_);
		edit_list_ = g.format == "m4a";
	}
	bool finish(OutputGraph &g, GError **error) override
	{
		return !edit_list_ || skip_aac_priming(g, tail_, error);
	}

private:
	AudioTail tail_;
	bool edit_list_ = false;
};

} /* namespace */

std::unique_ptr<OutputSink> make_audio_sink()
{
	return std::make_unique<AudioSink>();
}

} /* namespace jtl */
