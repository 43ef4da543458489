// SPDX-License-Identifier: LGPL-2.1-or-later
// Internal: encodebin's profiles and encoder settings, and the AAC encoder's priming, shared
// by the sink modules that encode through GStreamer (sink-encoded.cpp, sink-audio.cpp).
#pragma once

#include <string>

#include <gst/audio/audio.h>
#include <gst/gst.h>

#include "output-sink.h"

namespace jtl {

/* The AAC encoder of every AAC output, and its priming: its first frames decode to 1600
 * samples before the first sample it is given (1024 of the codec's overlap and 576 of its
 * look-ahead; measured: a click at 0 decodes 33.3 ms late at 48 kHz). It keeps the last
 * frame's samples only when they fill a frame: the sound it is given is followed by this
 * much silence and a frame more, so that all of it is coded. */
constexpr const char *kAacEncoder = "voaacenc";
constexpr guint kAacPriming = 1600;
constexpr guint kAacFrame = 1024;

/* The sound on its way to the AAC encoder: clipped to its segment, which is then left open
 * at the end for kAacPriming + kAacFrame samples of silence after it, so that the encoder
 * codes all of it; what was given (for the edit list that skips the priming). Streaming
 * thread of the pad; read once the pipeline has stopped. */
struct AudioTail {
	GstAudioInfo info;
	GstSegment segment;                       /* as it came */
	GstClockTime first = GST_CLOCK_TIME_NONE; /* running time of the first sample */
	GstClockTime end = 0;                     /* running time after the last */
	GstClockTime pts_end = GST_CLOCK_TIME_NONE;
	bool padded = false;
	AudioTail()
	{
		gst_audio_info_init(&info);
		gst_segment_init(&segment, GST_FORMAT_UNDEFINED);
	}
	GstClockTime duration() const
	{
		return GST_CLOCK_TIME_IS_VALID(first) && end > first ? end - first : 0;
	}
};

/* An encodebin for g.format ("mp4", "webm", "webm-vp8", "m4a"), its encoders set from the
 * options as it creates them; in g's pipeline (nullptr: missing). */
GstElement *make_encodebin(OutputGraph &g);

/* AAC: all the sound coded, its priming skipped by the MP4's edit list (skip_aac_priming):
 * tail watches the sound after g.aqueue (linked already). */
void watch_aac_tail(OutputGraph &g, AudioTail *tail);

/* The MP4 file at g.part told to skip the priming of the sound tail saw; false with error
 * set. */
bool skip_aac_priming(const OutputGraph &g, const AudioTail &tail, GError **error);

} /* namespace jtl */
