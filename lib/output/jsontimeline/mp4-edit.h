// SPDX-License-Identifier: LGPL-2.1-or-later
// MP4 edit lists: the sound track told to skip its AAC encoder's priming.
#pragma once

#include <cstdint>
#include <string>

#include <glib.h>
#include <gst/gst.h>

namespace jtl {

/* An AAC encoder's first frames decode to `priming` samples of its own before the first
 * sample it was given (voaacenc: 1600); GStreamer 1.22's mp4mux writes them as sound,
 * every track's edit list starting at media time 0, so players play the sound that much
 * late. This rewrites, in place, the edit list of every sound track of the MP4 file at
 * path (mp4mux's output: each track has one): its media edit starts `priming` samples
 * (of `rate` per second) later and lasts `duration` ns (the sound given to the encoder:
 * the encoder's padding after it is not played either); the track's and the movie's
 * durations follow. Returns false with error set (JTL_ERROR_IO: the file cannot be read
 * or written; JTL_ERROR_FAILED: no moov, or a sound track without an edit list). */
bool mp4_skip_audio_priming(const std::string &path, uint32_t priming, uint32_t rate,
                            GstClockTime duration, GError **error);

} /* namespace jtl */
