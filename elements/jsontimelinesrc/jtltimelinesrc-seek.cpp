// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: seeking: the output pads' events and queries, seeks.
#include "jtltimelinesrc-private.h"

namespace jtlsrc {

/* What the ghost pads' pushes return, seen by the element's last elements: an output
 * downstream said not-linked to (nobody linked the pad, a tee without branches, a
 * uridecodebin pad nobody took) ends quietly as if downstream had said EOS, so that the
 * other goes on alone (as decodebin's unlinked pads do); when both have, the element
 * fails with an error naming its pads (not an internal source's "Internal data stream
 * error"), and its elements inside end quietly too. */
GstFlowReturn output_return(GstPad *internal, GstFlowReturn ret)
{
	if (ret != GST_FLOW_NOT_LINKED)
		return ret;
	g_autoptr(GstPad) ghost = GST_PAD(gst_proxy_pad_get_internal(GST_PROXY_PAD(internal)));
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(GST_PAD_PARENT(ghost));
	State &st = self->priv->state;
	const bool video = ghost == self->video_pad;
	if (!(video ? st.video_not_linked : st.audio_not_linked).exchange(true)) {
		GST_INFO_OBJECT(ghost, "not linked: this output ends here");
		if (++st.not_linked == 2)
			GST_ELEMENT_ERROR(
			        self, CORE, PAD,
			        ("Neither the video pad nor the audio pad of %s is linked: "
			         "link at least one of them (%s.video ! videoconvert ! "
			         "autovideosink, %s.audio ! audioconvert ! autoaudiosink); "
			         "a pad left unlinked ends quietly while the other plays.",
			         GST_ELEMENT_NAME(self), GST_ELEMENT_NAME(self),
			         GST_ELEMENT_NAME(self)),
			        ("downstream of both pads returned not-linked"));
	}
	return GST_FLOW_EOS;
}

GstFlowReturn output_chain(GstPad *internal, GstObject *parent, GstBuffer *buf)
{
	return output_return(internal, gst_proxy_pad_chain_default(internal, parent, buf));
}

GstFlowReturn output_chain_list(GstPad *internal, GstObject *parent, GstBufferList *list)
{
	return output_return(internal, gst_proxy_pad_chain_list_default(internal, parent, list));
}

/* On the mixers' outputs: the segment of the rendered range (running time 0 at its
 * start), and SEGMENT_DONE in place of EOS after a segment seek. */
GstPadProbeReturn output_events(JtlTimelineSrc *self, bool video, GstPadProbeInfo *info)
{
	State &st = self->priv->state;
	if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER) {
		/* nothing after the range (a branch may end a frame later than the sources). The
		 * compositor counts its frames from the range's start, so its timestamps may be a
		 * nanosecond off the frame grid: a picture is the frame it is nearest to, and is
		 * stamped with that frame's time (jtl::frame_to_ns) */
		GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
		if (!GST_BUFFER_PTS_IS_VALID(buf))
			return GST_PAD_PROBE_OK;
		const GstClockTime pts = GST_BUFFER_PTS(buf);
		const guint64 k = gst_util_uint64_scale_round(pts, guint64(st.ctx.fps), GST_SECOND);
		bool after = video ? k >= st.ctx.range.k1 : pts >= st.ctx.range.stop;
		if (after)
			return GST_PAD_PROBE_DROP;
		/* an EOS sent to the element: the output ends at eos_at, its last sound cut
		 * there, as if downstream had said EOS (the mixer then sends it) */
		std::lock_guard<std::mutex> eos_guard(st.eos_lock);
		const GstClockTime eos_at = st.eos_at;
		if (GST_CLOCK_TIME_IS_VALID(eos_at) &&
		    (video ? k >= first_frame_at(eos_at, st.ctx.fps) : pts >= eos_at)) {
			gst_buffer_unref(buf);
			GST_PAD_PROBE_INFO_DATA(info) = nullptr;
			GST_PAD_PROBE_INFO_FLOW_RETURN(info) = GST_FLOW_EOS;
			return GST_PAD_PROBE_HANDLED;
		}
		GstClockTime end =
		        pts + (GST_BUFFER_DURATION_IS_VALID(buf) ? GST_BUFFER_DURATION(buf)
		                                                 : GstClockTime(0));
		if (!video && GST_CLOCK_TIME_IS_VALID(eos_at) && end > eos_at) {
			buf = gst_buffer_make_writable(buf);
			guint64 samples =
			        gst_util_uint64_scale_round(eos_at - pts, kAudioRate, GST_SECOND);
			gst_buffer_resize(buf, 0, gssize(samples * 4));
			GST_BUFFER_DURATION(buf) = eos_at - pts;
			GST_PAD_PROBE_INFO_DATA(info) = buf;
			end = eos_at;
		}
		if (video) {
			const GstClockTime grid = jtl::frame_to_ns(k, st.ctx.fps, 1);
			const GstClockTime duration = jtl::frame_to_ns(k + 1, st.ctx.fps, 1) - grid;
			if (GST_BUFFER_PTS(buf) != grid || GST_BUFFER_DURATION(buf) != duration) {
				buf = gst_buffer_make_writable(buf);
				GST_BUFFER_PTS(buf) = grid;
				GST_BUFFER_DURATION(buf) = duration;
				GST_PAD_PROBE_INFO_DATA(info) = buf;
			}
			end = grid + duration;
		}
		(video ? st.video_out : st.audio_out) = end;
		return GST_PAD_PROBE_OK;
	}
	GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
	guint32 seqnum;
	bool segment_seek;
	{
		std::lock_guard<std::mutex> guard(st.seek_lock);
		seqnum = st.seek_seqnum;
		segment_seek = st.segment_seek;
	}
	if (GST_EVENT_TYPE(event) == GST_EVENT_SEGMENT) {
		GstSegment seg;
		gst_segment_init(&seg, GST_FORMAT_TIME);
		seg.start = st.ctx.range.start;
		seg.stop = st.ctx.range.stop;
		seg.time = st.ctx.range.start;
		seg.position = st.ctx.range.start;
		GstEvent *own = gst_event_new_segment(&seg);
		if (seqnum != GST_SEQNUM_INVALID)
			gst_event_set_seqnum(own, seqnum);
		gst_event_unref(event);
		GST_PAD_PROBE_INFO_DATA(info) = own;
	} else if (GST_EVENT_TYPE(event) == GST_EVENT_EOS && segment_seek) {
		GstEvent *done = gst_event_new_segment_done(GST_FORMAT_TIME, st.ctx.range.stop);
		gst_event_set_seqnum(done, seqnum);
		gst_event_unref(event);
		GST_PAD_PROBE_INFO_DATA(info) = done;
		if (++st.segment_done == 2) {
			GstMessage *msg = gst_message_new_segment_done(
			        GST_OBJECT(self), GST_FORMAT_TIME, gint64(st.ctx.range.stop));
			gst_message_set_seqnum(msg, seqnum);
			gst_element_post_message(GST_ELEMENT(self), msg);
		}
	}
	return GST_PAD_PROBE_OK;
}

/* The range [start, stop) of the timeline in whole output frames. */
Range frame_range(GstClockTime start, GstClockTime stop, int fps, uint64_t frames)
{
	Range r;
	r.k0 = std::min(first_frame_at(start, fps), frames);
	r.k1 = GST_CLOCK_TIME_IS_VALID(stop) ? std::min(first_frame_at(stop, fps), frames) : frames;
	r.k1 = std::max(r.k0, r.k1);
	r.start = jtl::frame_to_ns(r.k0, fps, 1);
	r.stop = jtl::frame_to_ns(r.k1, fps, 1);
	return r;
}

/* A seek renders [start, stop) of the timeline: the graph is rebuilt for the range
 * between a flush start and a flush stop. Both pads get the same seek; it is done once. */
bool do_seek(JtlTimelineSrc *self, GstEvent *event)
{
	State &st = self->priv->state;
	gdouble rate;
	GstFormat format;
	GstSeekFlags flags;
	GstSeekType start_type, stop_type;
	gint64 start, stop;
	gst_event_parse_seek(event, &rate, &format, &flags, &start_type, &start, &stop_type, &stop);
	guint32 seqnum = gst_event_get_seqnum(event);
	if (format != GST_FORMAT_TIME || rate != 1.0) {
		GST_DEBUG_OBJECT(self, "only seeks in TIME at rate 1.0 are handled");
		return false;
	}
	{
		/* read where the streaming thread replaces it (a live update) */
		std::lock_guard<std::mutex> guard(st.schedule_lock);
		if (!st.timeline)
			return false;
	}
	{
		std::lock_guard<std::mutex> guard(st.seek_lock);
		if (seqnum == st.seek_seqnum)
			return true; /* the same seek through the other pad */
	}
	GstClockTime from = start_type == GST_SEEK_TYPE_SET && start > 0 ? GstClockTime(start)
	                    : start_type == GST_SEEK_TYPE_NONE           ? st.ctx.range.start
	                                                                 : 0;
	GstClockTime to = stop_type == GST_SEEK_TYPE_SET && stop >= 0 ? GstClockTime(stop)
	                  : stop_type == GST_SEEK_TYPE_NONE           ? st.ctx.range.stop
	                                                              : GST_CLOCK_TIME_NONE;
	GST_INFO_OBJECT(self, "seek to %" GST_TIME_FORMAT " - %" GST_TIME_FORMAT,
	                GST_TIME_ARGS(from), GST_TIME_ARGS(to));
	/* every seek flushes: the graph is replaced, nothing of the old one may be pending */
	for (GstPad *pad : {self->video_pad, self->audio_pad}) {
		GstEvent *flush = gst_event_new_flush_start();
		gst_event_set_seqnum(flush, seqnum);
		gst_pad_push_event(pad, flush);
	}
	teardown_graph(self);
	{
		std::lock_guard<std::mutex> guard(st.seek_lock);
		st.seek_seqnum = seqnum;
		st.segment_seek = (flags & GST_SEEK_FLAG_SEGMENT) != 0;
	}
	st.segment_done = 0;
	bool ok = build_graph(self, from, to);
	for (GstPad *pad : {self->video_pad, self->audio_pad}) {
		GstEvent *flush = gst_event_new_flush_stop(TRUE);
		gst_event_set_seqnum(flush, seqnum);
		gst_pad_push_event(pad, flush);
	}
	if (!ok)
		return false;
	std::vector<GstElement *> children;
	{
		std::lock_guard<std::mutex> guard(st.lock);
		children = st.children;
	}
	/* the mixers and every other element before any source: a source's gate may build a
	 * branch of either mixer at its first buffer, whose data must find its mixer active */
	for (bool sources : {false, true}) {
		for (auto e = children.rbegin(); e != children.rend(); ++e) {
			if (GST_OBJECT_FLAG_IS_SET(*e, GST_ELEMENT_FLAG_SOURCE) == sources)
				gst_element_sync_state_with_parent(*e);
		}
	}
	return true;
}

/* A seek sent to the element itself (gst_element_send_event), also before it streams: in
 * READY it sets the range the next run renders. */
gboolean send_event(GstElement *element, GstEvent *event)
{
	if (GST_EVENT_TYPE(event) == GST_EVENT_SEEK) {
		bool ok = do_seek(JTL_TIMELINE_SRC(element), event);
		gst_event_unref(event);
		return ok;
	}
	if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) {
		/* not to the sources inside (each would end where it happens to be, the items'
		 * branches not at all): both outputs end at the first frame time that neither
		 * has passed yet */
		State &st = JTL_TIMELINE_SRC(element)->priv->state;
		if (!st.ctx.comp) { /* no graph (NULL): nothing streams */
			gst_event_unref(event);
			return FALSE;
		}
		std::lock_guard<std::mutex> eos_guard(st.eos_lock);
		GstClockTime reached = std::max<GstClockTime>(st.video_out, st.audio_out);
		GstClockTime at =
		        jtl::frame_to_ns(first_frame_at(reached, st.ctx.fps), st.ctx.fps, 1);
		GstClockTime none = GST_CLOCK_TIME_NONE;
		st.eos_at.compare_exchange_strong(none, at);
		GST_INFO_OBJECT(element, "EOS: both outputs end at %" GST_TIME_FORMAT,
		                GST_TIME_ARGS(GstClockTime(st.eos_at)));
		gst_event_unref(event);
		return TRUE;
	}
	return GST_ELEMENT_CLASS(parent_class())->send_event(element, event);
}

gboolean src_event(GstPad *pad, GstObject *parent, GstEvent *event)
{
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(parent);
	if (GST_EVENT_TYPE(event) == GST_EVENT_SEEK) {
		bool ok = do_seek(self, event);
		gst_event_unref(event);
		return ok;
	}
	return gst_pad_event_default(pad, parent, event);
}

gboolean src_query(GstPad *pad, GstObject *parent, GstQuery *query)
{
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(parent);
	GstFormat format;
	GST_OBJECT_LOCK(self);
	guint64 duration = self->priv->state.duration;
	GST_OBJECT_UNLOCK(self);
	switch (GST_QUERY_TYPE(query)) {
	case GST_QUERY_DURATION:
		gst_query_parse_duration(query, &format, nullptr);
		if (format != GST_FORMAT_TIME || duration == 0)
			break;
		gst_query_set_duration(query, GST_FORMAT_TIME, gint64(duration));
		return TRUE;
	case GST_QUERY_SEEKING:
		gst_query_parse_seeking(query, &format, nullptr, nullptr, nullptr);
		if (format != GST_FORMAT_TIME)
			break;
		gst_query_set_seeking(query, GST_FORMAT_TIME, TRUE, 0, gint64(duration));
		return TRUE;
	default:
		break;
	}
	return gst_pad_query_default(pad, parent, query);
}

} /* namespace jtlsrc */
