// SPDX-License-Identifier: LGPL-2.1-or-later
// encodebin's profiles and encoder settings, and the AAC encoder's priming (encoding.h).
#include "encoding.h"

#include <algorithm>

#include <gst/pbutils/pbutils.h>

#include <jsontimeline/mp4-edit.h>
#include <jsontimeline/time.h>

namespace jtl {

namespace {

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

} /* namespace */

GstElement *make_encodebin(OutputGraph &g)
{
	GstElement *enc = g.make("encodebin");
	if (!enc)
		return nullptr;
	GstEncodingProfile *profile = make_profile(g.format);
	g_object_set(enc, "profile", profile, nullptr);
	gst_encoding_profile_unref(profile);
	g_signal_connect(enc, "deep-element-added", G_CALLBACK(on_element_added),
	                 const_cast<RenderOptions *>(&g.options));
	return enc;
}

void watch_aac_tail(OutputGraph &g, AudioTail *tail)
{
	/* on the sink pad after the queue: it takes the silence before it takes EOS */
	g_autoptr(GstPad) out = gst_element_get_static_pad(g.aqueue, "src");
	g_autoptr(GstPad) in = gst_pad_get_peer(out);
	if (in)
		gst_pad_add_probe(in,
		                  GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER |
		                                  GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
		                  on_audio_to_encoder, tail, nullptr);
}

bool skip_aac_priming(const OutputGraph &g, const AudioTail &tail, GError **error)
{
	return !tail.padded ||
	       mp4_skip_audio_priming(g.part, kAacPriming, guint(GST_AUDIO_INFO_RATE(&tail.info)),
	                              tail.duration(), error);
}

} /* namespace jtl */
