// SPDX-License-Identifier: LGPL-2.1-or-later
// The time base: editor ticks (240000 per second) and their one conversion to nanoseconds.
#pragma once

#include <cstdint>

#include <gst/gst.h>

namespace jtl {

using Ticks = int64_t;

constexpr Ticks kTicksPerSecond = 240000;

/* The longest timeline we accept: 24 hours. Every tick value a valid document holds is in
 * [0, kMaxTimelineTicks], so tick arithmetic never overflows and each conversion to
 * nanoseconds is exact to the nearest nanosecond. */
constexpr Ticks kMaxTimelineTicks = Ticks(24) * 3600 * kTicksPerSecond;

/* Ticks -> nanoseconds, rounded to the nearest nanosecond (half up). This is the only
 * place timeline time is converted; 1 tick = 12500/3 ns. Negative input clamps to 0. */
GstClockTime ticks_to_ns(Ticks ticks);

/* Nanoseconds -> ticks, rounded to the nearest tick, so that ns_to_ticks(ticks_to_ns(t)) == t. */
Ticks ns_to_ticks(GstClockTime ns);

/* Milliseconds / seconds given as JSON numbers -> ticks, rounded to the nearest tick. */
Ticks ms_to_ticks(double ms);
Ticks seconds_to_ticks(double seconds);

/* In a pad probe: a SEGMENT event in TIME with an end is replaced by the same segment
 * without one (stop NONE), for a stream that goes on past it; anything else is left. */
void open_segment_end(GstPadProbeInfo *info);

/* Timestamp of output frame n at fps_n/fps_d: n * fps_d * GST_SECOND / fps_n, rounded
 * down, exactly as GStreamer's own elements (videotestsrc, compositor) stamp frames, so
 * values keyed at these instants are found at the frames' stream times. */
GstClockTime frame_to_ns(uint64_t frame, int fps_n, int fps_d);
/* The frame grid in ticks, the one rule deciding what a frame shows: output frame n is the
 * instant n x fps_d / fps_n s, and an item [start, end) in ticks shows on frame n iff
 * start <= frame_to_ticks(n) < end. frame_to_ticks() is that instant in ticks rounded down,
 * which changes no comparison with a whole tick, so the test is exact: no nanosecond
 * rounding of either side decides it (1/30 s is not a whole number of nanoseconds). */
Ticks frame_to_ticks(uint64_t frame, int fps_n, int fps_d);
/* The first output frame at or after timeline tick t, ceil(t x fps_n / (240000 x fps_d))
 * (0 for t <= 0): the first frame of an item starting at t, and the frame after the last
 * one of an item ending at t. */
uint64_t frame_at_or_after(Ticks t, int fps_n, int fps_d);
/* The same rule on the sample grid at rate Hz: the first sample at or after tick t
 * (ceil(t x rate / 240000)), and the time that places a sound's first sample on it:
 * ceil(sample x 10^9 / rate) ns, which a mixer turning running time into samples
 * (rounding down, as audiomixer does) maps back to that sample. */
uint64_t sample_at_or_after(Ticks t, int rate);
GstClockTime sample_to_ns(uint64_t sample, int rate);
/* Frames of a timeline lasting duration at fps: round(duration * fps), half up. A 1.6 s
 * timeline at 30 fps has 48 frames. */
uint64_t frame_count(GstClockTime duration, int fps_n, int fps_d);
/* Number of frames of a duration at fps: ceil(duration * fps_n / (fps_d * GST_SECOND)). */
uint64_t frames_in(GstClockTime duration, int fps_n, int fps_d);

} /* namespace jtl */
