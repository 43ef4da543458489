// SPDX-License-Identifier: LGPL-2.1-or-later
// The time base: editor ticks (240000 per second) and their one conversion to nanoseconds.
#include <jsontimeline/time.h>

#include <cmath>

namespace jtl {

GstClockTime ticks_to_ns(Ticks ticks)
{
	if (ticks <= 0)
		return 0;
	return gst_util_uint64_scale_round(guint64(ticks), GST_SECOND, guint64(kTicksPerSecond));
}

Ticks ns_to_ticks(GstClockTime ns)
{
	if (!GST_CLOCK_TIME_IS_VALID(ns))
		return 0;
	return Ticks(gst_util_uint64_scale_round(ns, guint64(kTicksPerSecond), GST_SECOND));
}

Ticks ms_to_ticks(double ms)
{
	if (!std::isfinite(ms))
		return 0;
	return Ticks(std::llround(ms * double(kTicksPerSecond) / 1000.0));
}

Ticks seconds_to_ticks(double seconds)
{
	if (!std::isfinite(seconds))
		return 0;
	return Ticks(std::llround(seconds * double(kTicksPerSecond)));
}

void open_segment_end(GstPadProbeInfo *info)
{
	GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
	if (!event || GST_EVENT_TYPE(event) != GST_EVENT_SEGMENT)
		return;
	const GstSegment *in;
	gst_event_parse_segment(event, &in);
	if (in->format != GST_FORMAT_TIME || !GST_CLOCK_TIME_IS_VALID(in->stop))
		return;
	GstSegment seg;
	gst_segment_copy_into(in, &seg);
	seg.stop = GST_CLOCK_TIME_NONE;
	GstEvent *open = gst_event_new_segment(&seg);
	gst_event_set_seqnum(open, gst_event_get_seqnum(event));
	gst_event_unref(event);
	GST_PAD_PROBE_INFO_DATA(info) = open;
}

GstClockTime frame_to_ns(uint64_t frame, int fps_n, int fps_d)
{
	if (fps_n <= 0 || fps_d <= 0)
		return 0;
	return gst_util_uint64_scale(frame, GST_SECOND * guint64(fps_d), guint64(fps_n));
}

Ticks frame_to_ticks(uint64_t frame, int fps_n, int fps_d)
{
	if (fps_n <= 0 || fps_d <= 0)
		return 0;
	return Ticks(gst_util_uint64_scale(frame, guint64(kTicksPerSecond) * guint64(fps_d),
	                                   guint64(fps_n)));
}

uint64_t frame_at_or_after(Ticks t, int fps_n, int fps_d)
{
	if (fps_n <= 0 || fps_d <= 0 || t <= 0)
		return 0;
	return gst_util_uint64_scale_ceil(guint64(t), guint64(fps_n),
	                                  guint64(kTicksPerSecond) * guint64(fps_d));
}

uint64_t sample_at_or_after(Ticks t, int rate)
{
	if (rate <= 0 || t <= 0)
		return 0;
	return gst_util_uint64_scale_ceil(guint64(t), guint64(rate), guint64(kTicksPerSecond));
}

GstClockTime sample_to_ns(uint64_t sample, int rate)
{
	if (rate <= 0)
		return 0;
	return gst_util_uint64_scale_ceil(sample, GST_SECOND, guint64(rate));
}

uint64_t frame_count(GstClockTime duration, int fps_n, int fps_d)
{
	if (fps_n <= 0 || fps_d <= 0 || !GST_CLOCK_TIME_IS_VALID(duration))
		return 0;
	return gst_util_uint64_scale_round(duration, guint64(fps_n), GST_SECOND * guint64(fps_d));
}

uint64_t frames_in(GstClockTime duration, int fps_n, int fps_d)
{
	if (fps_n <= 0 || fps_d <= 0 || !GST_CLOCK_TIME_IS_VALID(duration))
		return 0;
	return gst_util_uint64_scale_ceil(duration, guint64(fps_n), GST_SECOND * guint64(fps_d));
}

} /* namespace jtl */
