// SPDX-License-Identifier: LGPL-2.1-or-later
// Live output: real-time RTMP streaming with loop and reconnection, and a player preview.
#include <jsontimeline/live.h>

#include <jsontimeline/patch-feed.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include <gst/video/video.h>

#include "live-common.h"
#include <jsontimeline/diagnostics.h>
#include <jsontimeline/time.h>

namespace jtl {

/* LiveControl */

void LiveControl::stop()
{
	std::lock_guard<std::mutex> guard(lock_);
	stopped_ = true;
	cond_.notify_all();
	if (bus_)
		gst_bus_post(bus_, gst_message_new_application(
		                           nullptr, gst_structure_new_empty("jtl-stop")));
}

bool LiveControl::stopped() const
{
	std::lock_guard<std::mutex> guard(lock_);
	return stopped_;
}

void LiveControl::attach(GstBus *bus)
{
	std::lock_guard<std::mutex> guard(lock_);
	if (bus_)
		gst_object_unref(bus_);
	bus_ = GST_BUS(gst_object_ref(bus));
	/* what came before the pipeline existed */
	for (GstStructure *s : pending_)
		gst_bus_post(bus_, gst_message_new_application(nullptr, s));
	pending_.clear();
	if (stopped_)
		gst_bus_post(bus_, gst_message_new_application(
		                           nullptr, gst_structure_new_empty("jtl-stop")));
}

LiveControl::~LiveControl()
{
	for (GstStructure *s : pending_)
		gst_structure_free(s);
	if (bus_)
		gst_object_unref(bus_);
}

void LiveControl::detach()
{
	std::lock_guard<std::mutex> guard(lock_);
	if (bus_)
		gst_object_unref(bus_);
	bus_ = nullptr;
}

bool LiveControl::wait(GstClockTime ns)
{
	std::unique_lock<std::mutex> guard(lock_);
	return !cond_.wait_for(guard, std::chrono::nanoseconds(ns), [this] { return stopped_; });
}

void LiveControl::post(const char *command, gint64 value)
{
	std::lock_guard<std::mutex> guard(lock_);
	GstStructure *s = gst_structure_new(command, "value", G_TYPE_INT64, value, nullptr);
	if (bus_)
		gst_bus_post(bus_, gst_message_new_application(nullptr, s));
	else
		pending_.push_back(s);
}

bool is_live_url(const std::string &location)
{
	return g_str_has_prefix(location.c_str(), "rtmp://") ||
	       g_str_has_prefix(location.c_str(), "rtmps://");
}

namespace {

bool is_inside(GstObject *obj, GstElement *ancestor)
{
	for (GstObject *o = obj; o; o = GST_OBJECT_PARENT(o))
		if (o == GST_OBJECT(ancestor))
			return true;
	return false;
}

std::string seconds(GstClockTime t)
{
	char buf[32];
	g_snprintf(buf, sizeof buf, "%.2f s", double(t) / GST_SECOND);
	return buf;
}

/* The loop and resume state of one connection, shared by the streaming threads' probes
 * (the lock) and the bus loop. */
struct Timing {
	std::mutex lock;
	GstClockTime base = 0;      /* lock: running time of the pass's start */
	GstClockTime seg_start = 0; /* lock: the pass as the source sent it */
	GstClockTime seg_stop = GST_CLOCK_TIME_NONE;
	int fps_n = 0, fps_d = 1;         /* lock: from the video caps */
	std::atomic<guint64> position{0}; /* end of the last video frame released */
	std::atomic<guint64> frames{0};   /* video frames released */
	std::atomic<guint64> dropped{0};  /* video frames dropped for being too late */
	GstElement *pipeline = nullptr;   /* set before it starts */
};

/* A frame that reaches the video encoder later than this against the clock (the machine
 * is too slow for real time) is dropped, unless it is a keyframe's: the stream catches up
 * instead of falling further behind. */
constexpr GstClockTime kMaxLateness = GST_SECOND / 2;
/* a keyframe every 2 s of the stream, on the frame grid */
constexpr int kKeyframeSeconds = 2;

struct PadProbe {
	Timing *timing;
	bool video;
	GstElement *encoder = nullptr; /* video: keyframe interval set from the frame rate */
	bool started = false;          /* streaming thread of the pad */
};

/* On the source's outputs: a pass of the timeline follows the last one without a flush
 * (what is queued still plays) and at a running time that goes on increasing. */
GstPadProbeReturn source_events(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	PadProbe *p = static_cast<PadProbe *>(data);
	GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
	switch (GST_EVENT_TYPE(event)) {
	case GST_EVENT_FLUSH_START:
	case GST_EVENT_FLUSH_STOP:
	case GST_EVENT_SEGMENT_DONE:
		return GST_PAD_PROBE_DROP;
	case GST_EVENT_STREAM_START:
		if (p->started)
			return GST_PAD_PROBE_DROP;
		p->started = true;
		return GST_PAD_PROBE_OK;
	case GST_EVENT_CAPS:
		if (p->video) {
			GstCaps *caps;
			gst_event_parse_caps(event, &caps);
			int n = 0, d = 1;
			if (gst_structure_get_fraction(gst_caps_get_structure(caps, 0), "framerate",
			                               &n, &d) &&
			    n > 0) {
				std::lock_guard<std::mutex> guard(p->timing->lock);
				p->timing->fps_n = n;
				p->timing->fps_d = d;
				/* a keyframe every 2 s, set before the caps reach the encoder (the
				 * frames at those times are also forced to be: pace_video) */
				if (p->encoder)
					g_object_set(p->encoder, "key-int-max",
					             guint(std::max(1, kKeyframeSeconds * n /
					                                       std::max(1, d))),
					             nullptr);
			}
		}
		return GST_PAD_PROBE_OK;
	case GST_EVENT_SEGMENT: {
		const GstSegment *in;
		gst_event_parse_segment(event, &in);
		GstSegment seg;
		gst_segment_copy_into(in, &seg);
		{
			std::lock_guard<std::mutex> guard(p->timing->lock);
			seg.base = p->timing->base;
			if (p->video) {
				p->timing->seg_start = seg.start;
				p->timing->seg_stop = seg.stop;
			}
		}
		GstEvent *own = gst_event_new_segment(&seg);
		gst_event_set_seqnum(own, gst_event_get_seqnum(event));
		gst_event_unref(event);
		GST_PAD_PROBE_INFO_DATA(info) = own;
		return GST_PAD_PROBE_OK;
	}
	default:
		return GST_PAD_PROBE_OK;
	}
}

/* A buffer time of the pad's current segment as running time (or stream time); NONE
 * without a segment or outside it. */
GstClockTime segment_time(GstPad *pad, GstClockTime t, bool stream = false)
{
	GstEvent *ev = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0);
	if (!ev || !GST_CLOCK_TIME_IS_VALID(t)) {
		if (ev)
			gst_event_unref(ev);
		return GST_CLOCK_TIME_NONE;
	}
	const GstSegment *seg;
	gst_event_parse_segment(ev, &seg);
	GstClockTime out = stream ? gst_segment_to_stream_time(seg, GST_FORMAT_TIME, t)
	                          : gst_segment_to_running_time(seg, GST_FORMAT_TIME, t);
	gst_event_unref(ev);
	return out;
}

/* Before the video encoder. The stream's timestamps are the timeline's (running time):
 * nothing here waits for the clock, the muxer takes its inputs in timestamp order
 * whenever they are ready and the sink sends them at their time, so a frame that is late
 * is sent late but with its own timestamp. A frame at a keyframe time (every
 * kKeyframeSeconds of running time) is made a keyframe; another one that comes more than
 * kMaxLateness late is dropped and counted. */
GstPadProbeReturn pace_video(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	Timing *t = static_cast<Timing *>(data);
	GstClockTime rt = segment_time(pad, GST_BUFFER_PTS(GST_PAD_PROBE_INFO_BUFFER(info)));
	int n, d;
	{
		std::lock_guard<std::mutex> guard(t->lock);
		n = t->fps_n > 0 ? t->fps_n : 30;
		d = t->fps_d;
	}
	if (!GST_CLOCK_TIME_IS_VALID(rt))
		return GST_PAD_PROBE_OK;
	guint64 frame = gst_util_uint64_scale_round(rt, guint64(n), guint64(d) * GST_SECOND);
	guint64 per_key = guint64(std::max(1, kKeyframeSeconds * n / std::max(1, d)));
	if (frame % per_key == 0) {
		g_autoptr(GstPad) peer = gst_pad_get_peer(pad);
		if (peer)
			gst_pad_send_event(peer, gst_video_event_new_downstream_force_key_unit(
			                                 GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE,
			                                 GST_CLOCK_TIME_NONE, TRUE, 0));
		return GST_PAD_PROBE_OK;
	}
	if (!t->pipeline || GST_STATE(t->pipeline) != GST_STATE_PLAYING)
		return GST_PAD_PROBE_OK;
	g_autoptr(GstClock) clock = gst_element_get_clock(t->pipeline);
	if (!clock)
		return GST_PAD_PROBE_OK;
	GstClockTime now = gst_clock_get_time(clock);
	GstClockTime due = gst_element_get_base_time(t->pipeline) + rt;
	if (now > due + kMaxLateness) {
		t->dropped++;
		return GST_PAD_PROBE_DROP;
	}
	return GST_PAD_PROBE_OK;
}

/* Between the encoder and the muxer: what is released goes out next (the muxer holds one
 * frame, the sink sends it at its time). */
GstPadProbeReturn released(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	Timing *t = static_cast<Timing *>(data);
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
	/* the timeline's time: the stream time (x264enc moves its timestamps and segment
	 * 1000 hours on) */
	GstClockTime end = GST_BUFFER_PTS(buf);
	if (GST_CLOCK_TIME_IS_VALID(end) && GST_BUFFER_DURATION_IS_VALID(buf))
		end += GST_BUFFER_DURATION(buf);
	end = segment_time(pad, end, true);
	if (GST_CLOCK_TIME_IS_VALID(end))
		t->position = end;
	t->frames++;
	return GST_PAD_PROBE_OK;
}

/* The AAC encoders, in order of preference, with their priming: their first frames decode
 * to that many samples before the first one they are given (avenc_aac: FFmpeg's
 * initial_padding; voaacenc: measured, as in lib/output/src/render.cpp). FLV cannot say so (no
 * edit list, no negative time): the coded sound's timestamps are moved back by it and what
 * then comes before the stream's start is dropped; the stream's first 21 ms of sound decode
 * without the frame before them. */
struct AacEncoder {
	const char *factory;
	guint priming;
};
constexpr AacEncoder kAacEncoders[] = {{"avenc_aac", 1024}, {"voaacenc", 1600}};
constexpr int kAudioRate = 48000;

/* After the audio encoder: a frame before the start of its segment (its priming) is
 * dropped. */
GstPadProbeReturn before_start(GstPad *pad, GstPadProbeInfo *info, gpointer)
{
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
	bool before = GST_BUFFER_PTS_IS_VALID(buf) &&
	              !GST_CLOCK_TIME_IS_VALID(segment_time(pad, GST_BUFFER_PTS(buf)));
	return before ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

void set_encoder(GstElement *venc, const LiveOptions &o)
{
	gst_util_set_object_arg(G_OBJECT(venc), "tune", "zerolatency");
	gst_util_set_object_arg(G_OBJECT(venc), "speed-preset", o.preset.c_str());
	gst_util_set_object_arg(G_OBJECT(venc), "pass", "cbr");
	/* keyframes at the interval only, not at scene cuts: servers cut segments there */
	g_object_set(venc, "option-string", "scenecut=0", nullptr);
	g_object_set(venc, "bitrate", guint(o.video_kbps), "key-int-max", 60u, "bframes", 0u,
	             nullptr);
}

enum class Outcome { Finished, Dropped, Failed, Stopped };

/* One connection: a pipeline from `from` to the timeline's end (or for ever, with loop). */
class Connection
{
public:
	Connection(const LiveOptions &o, const LiveLog &log, LiveControl *control, LiveStats *stats)
	        : o_(o), log_(log), control_(control), stats_(stats)
	{
	}

	Outcome run(GstClockTime from, GError **error);
	GstClockTime position() const { return timing_.position; }
	guint64 duration() const { return duration_; }
	/* the version of the document the source played last (live updates included) */
	std::string document() const
	{
		if (!src_)
			return "";
		gchar *json = nullptr;
		g_object_get(src_, "json", &json, nullptr);
		std::string out = json ? json : "";
		g_free(json);
		return out;
	}

private:
	bool build(GError **error);
	void say(const std::string &line) const
	{
		if (log_)
			log_(line);
	}

	const LiveOptions &o_;
	const LiveLog &log_;
	LiveControl *control_;
	LiveStats *stats_;
	Pipeline pipeline_;
	GstElement *src_ = nullptr, *sink_ = nullptr;
	GstElement *vqueue_ = nullptr, *aqueue_ = nullptr;
	Timing timing_;
	PadProbe vprobe_{&timing_, true}, aprobe_{&timing_, false};
	guint64 duration_ = 0;
};

bool Connection::build(GError **error)
{
	std::vector<std::string> missing;
	pipeline_.reset(gst_pipeline_new("live"));
	src_ = make_source(o_.source, &missing);
	GstElement *vconv = make("videoconvert", &missing);
	GstElement *vcaps = make("capsfilter", &missing);
	vqueue_ = make("queue", &missing);
	GstElement *venc = make("x264enc", &missing);
	GstElement *vparse = make("h264parse", &missing);
	GstElement *aconv = make("audioconvert", &missing);
	GstElement *ares = make("audioresample", &missing);
	GstElement *acaps = make("capsfilter", &missing);
	aqueue_ = make("queue", &missing);
	GstElement *aenc = nullptr;
	guint priming = 0;
	for (const AacEncoder &e : kAacEncoders)
		if ((aenc = gst_element_factory_make(e.factory, nullptr))) {
			priming = e.priming;
			break;
		}
	if (!aenc)
		missing.push_back("an AAC encoder (avenc_aac or voaacenc)");
	GstElement *aparse = make("aacparse", &missing);
	GstElement *mux = make("flvmux", &missing);
	sink_ = make("rtmp2sink", &missing);
	GstElement *all[] = {src_, vconv, vcaps,   vqueue_, venc,   vparse, aconv,
	                     ares, acaps, aqueue_, aenc,    aparse, mux,    sink_};
	if (!missing.empty()) {
		for (GstElement *e : all)
			if (e)
				gst_object_unref(e);
		return missing_error(missing, error);
	}
	for (GstElement *e : all)
		gst_bin_add(GST_BIN(pipeline_.get()), e);

	g_autoptr(GError) uri_error = nullptr;
	if (!gst_uri_handler_set_uri(GST_URI_HANDLER(sink_), o_.url.c_str(), &uri_error)) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED, "invalid RTMP location \"%s\": %s",
		            o_.url.c_str(), uri_error->message);
		return false;
	}
	g_object_set(sink_, "sync", TRUE, "async-connect", TRUE, nullptr);
	g_object_set(mux, "streamable", TRUE, nullptr);
	g_autoptr(GstCaps) i420 = gst_caps_from_string("video/x-raw, format=(string)I420");
	g_object_set(vcaps, "caps", i420, nullptr);
	g_autoptr(GstCaps) stereo = gst_caps_new_simple(
	        "audio/x-raw", "rate", G_TYPE_INT, kAudioRate, "channels", G_TYPE_INT, 2, nullptr);
	g_object_set(acaps, "caps", stereo, nullptr);
	if (g_object_class_find_property(G_OBJECT_GET_CLASS(aenc), "bitrate"))
		g_object_set(aenc, "bitrate", gint(o_.audio_kbps * 1000), nullptr);
	/* the source renders ahead of the clock by up to half a second: it absorbs the
	 * frames that take longer than one frame time */
	for (GstElement *q : {vqueue_, aqueue_})
		g_object_set(q, "max-size-buffers", 0u, "max-size-bytes", 0u, "max-size-time",
		             guint64(GST_SECOND / 2), nullptr);

	bool ok = gst_element_link_many(vconv, vcaps, vqueue_, venc, vparse, mux, nullptr) &&
	          gst_element_link_many(aconv, ares, acaps, aqueue_, aenc, aparse, mux, nullptr) &&
	          gst_element_link(mux, sink_) &&
	          gst_element_link_pads(src_, "video", vconv, "sink") &&
	          gst_element_link_pads(src_, "audio", aconv, "sink");
	if (!ok) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_INTERNAL,
		            "could not build the live pipeline (H.264 + AAC in FLV)");
		return false;
	}
	for (PadProbe *p : {&vprobe_, &aprobe_}) {
		g_autoptr(GstPad) pad =
		        gst_element_get_static_pad(src_, p->video ? "video" : "audio");
		gst_pad_add_probe(pad,
		                  GstPadProbeType(GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
		                                  GST_PAD_PROBE_TYPE_EVENT_FLUSH),
		                  source_events, p, nullptr);
	}
	/* the encoder's priming: the sound's timestamps moved back by it, the frames then
	 * before the stream's start dropped */
	g_autoptr(GstPad) coded = gst_element_get_static_pad(aenc, "src");
	gst_pad_set_offset(coded, -GstClockTimeDiff(gst_util_uint64_scale_round(
	                                  priming, GST_SECOND, guint64(kAudioRate))));
	g_autoptr(GstPad) parsed = gst_element_get_static_pad(aparse, "src");
	gst_pad_add_probe(parsed, GST_PAD_PROBE_TYPE_BUFFER, before_start, nullptr, nullptr);
	g_autoptr(GstPad) raw = gst_element_get_static_pad(vqueue_, "src");
	gst_pad_add_probe(raw, GST_PAD_PROBE_TYPE_BUFFER, pace_video, &timing_, nullptr);
	g_autoptr(GstPad) out = gst_element_get_static_pad(vparse, "src");
	gst_pad_add_probe(out, GST_PAD_PROBE_TYPE_BUFFER, released, &timing_, nullptr);
	timing_.pipeline = pipeline_.get();
	set_encoder(venc, o_);
	vprobe_.encoder = venc;
	/* the document is loaded on READY: its duration, a range to seek to */
	if (gst_element_set_state(src_, GST_STATE_READY) == GST_STATE_CHANGE_FAILURE)
		return false; /* the error is on the bus */
	g_object_get(src_, "duration", &duration_, nullptr);
	return true;
}

Outcome Connection::run(GstClockTime from, GError **error)
{
	g_autoptr(GError) build_error = nullptr;
	bool built = build(&build_error);
	if (!built && build_error) {
		g_propagate_error(error, g_steal_pointer(&build_error));
		return Outcome::Failed;
	}
	g_autoptr(GstBus) bus = gst_element_get_bus(pipeline_.get());
	timing_.position = from;
	bool started = built;
	if (started && (from > 0 || o_.loop)) {
		GstSeekFlags flags = GstSeekFlags(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE |
		                                  (o_.loop ? GST_SEEK_FLAG_SEGMENT : 0));
		started = gst_element_send_event(
		        src_, gst_event_new_seek(1.0, GST_FORMAT_TIME, flags, GST_SEEK_TYPE_SET,
		                                 gint64(from), GST_SEEK_TYPE_NONE, -1));
		if (!started) {
			g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
			            "cannot start the timeline at %s", seconds(from).c_str());
			return Outcome::Failed;
		}
	}
	if (control_)
		control_->attach(bus);
	std::unique_ptr<PatchFeed> feed;
	if (started && !o_.source.patches.empty())
		feed = std::make_unique<PatchFeed>(src_, o_.source.patches);
	if (stats_)
		stats_->connections++;
	say("connecting to " + o_.url + ", timeline from " + seconds(from));
	started = started && gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) !=
	                             GST_STATE_CHANGE_FAILURE;
	Outcome outcome = Outcome::Failed;
	std::vector<GstMessage *> errors;
	bool stopping = false;
	for (;;) {
		GstMessage *msg = gst_bus_timed_pop_filtered(
		        bus, started ? GST_CLOCK_TIME_NONE : 0,
		        GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR |
		                       GST_MESSAGE_SEGMENT_DONE | GST_MESSAGE_APPLICATION |
		                       GST_MESSAGE_ELEMENT));
		if (!msg)
			break; /* a failed state change: its error was popped already, or none */
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ELEMENT) {
			std::string text = update_text(msg);
			if (!text.empty())
				say(text);
			gst_message_unref(msg);
			continue;
		}
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
			errors.push_back(msg);
			break;
		}
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS) {
			outcome = stopping ? Outcome::Stopped : Outcome::Finished;
			gst_message_unref(msg);
			break;
		}
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_APPLICATION) {
			bool stop = gst_message_has_name(msg, "jtl-stop");
			gst_message_unref(msg);
			if (!stop || stopping)
				continue;
			/* end cleanly: EOS behind what is queued, so the server gets a whole end */
			stopping = true;
			say("stopping at " + seconds(timing_.position));
			for (GstElement *q : {vqueue_, aqueue_}) {
				g_autoptr(GstPad) pad = gst_element_get_static_pad(q, "sink");
				gst_pad_send_event(pad, gst_event_new_eos());
			}
			continue;
		}
		/* SEGMENT_DONE: the pass is complete, the next starts where it ends */
		gst_message_unref(msg);
		if (stopping)
			continue;
		{
			std::lock_guard<std::mutex> guard(timing_.lock);
			int n = timing_.fps_n > 0 ? timing_.fps_n : 30, d = timing_.fps_d;
			GstClockTime stop = GST_CLOCK_TIME_IS_VALID(timing_.seg_stop)
			                            ? timing_.seg_stop
			                            : GstClockTime(duration_);
			/* whole frames: the last one lasts its whole frame time */
			guint64 frames = gst_util_uint64_scale_ceil(stop, guint64(n),
			                                            guint64(d) * GST_SECOND);
			GstClockTime end = frame_to_ns(frames, n, d);
			timing_.base += end - std::min(end, timing_.seg_start);
		}
		if (stats_)
			stats_->loops++;
		say("loop " + std::to_string(stats_ ? stats_->loops : 0) +
		    ": the timeline starts again");
		GstEvent *seek = gst_event_new_seek(1.0, GST_FORMAT_TIME,
		                                    GstSeekFlags(GST_SEEK_FLAG_FLUSH |
		                                                 GST_SEEK_FLAG_ACCURATE |
		                                                 GST_SEEK_FLAG_SEGMENT),
		                                    GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_NONE, -1);
		if (!gst_element_send_event(src_, seek)) {
			g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
			            "cannot start the timeline again for the next loop");
			outcome = Outcome::Failed;
			break;
		}
	}
	if (control_)
		control_->detach();
	feed.reset();
	/* every streaming thread stopped: the errors they posted are all on the bus now */
	gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
	while (GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR))
		errors.push_back(m);
	if (stats_) {
		stats_->frames += timing_.frames;
		stats_->dropped += timing_.dropped;
	}
	if (!errors.empty()) {
		/* the source's own errors are fatal; the sink's (and what follows from them
		 * upstream) are a lost connection */
		GstMessage *from_src = nullptr, *from_sink = nullptr;
		for (GstMessage *m : errors) {
			if (!from_src && is_inside(GST_MESSAGE_SRC(m), src_))
				from_src = m;
			if (!from_sink && is_inside(GST_MESSAGE_SRC(m), sink_))
				from_sink = m;
		}
		GstMessage *chosen = from_src ? from_src : from_sink ? from_sink : errors[0];
		std::string text = error_text(chosen);
		outcome = (!from_src && from_sink) ? Outcome::Dropped : Outcome::Failed;
		if (outcome == Outcome::Dropped)
			g_set_error(error, JTL_ERROR, JTL_ERROR_IO, "%s", text.c_str());
		else
			g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED, "%s", text.c_str());
		for (GstMessage *m : errors)
			gst_message_unref(m);
	} else if (outcome == Outcome::Failed && error && !*error) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
		            "the live pipeline did not start (no element said why; run with "
		            "GST_DEBUG=3 for details)");
	}
	return outcome;
}

} /* namespace */

bool stream_live(const LiveOptions &o, const LiveLog &log, GError **error, LiveControl *control,
                 LiveStats *stats)
{
	if (!is_live_url(o.url)) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
		            "\"%s\" is not an RTMP location (rtmp://host/app/key)", o.url.c_str());
		return false;
	}
	LiveStats own;
	LiveStats *st = stats ? stats : &own;
	GstClockTime position = o.start;
	GstClockTime delay = GST_SECOND;
	int reconnects = 0;
	LiveOptions current = o; /* with the latest version of the document */
	for (;;) {
		Connection c(current, log, control, st);
		g_autoptr(GError) e = nullptr;
		Outcome outcome = c.run(position, &e);
		GstClockTime carried = c.position() - std::min(c.position(), position);
		position = c.position();
		/* live updates made on this connection go on with the next */
		std::string doc = c.document();
		if (!doc.empty())
			current.source.json = doc;
		st->position = position;
		if (outcome == Outcome::Finished || outcome == Outcome::Stopped)
			return true;
		if (outcome == Outcome::Failed) {
			g_propagate_error(error, g_steal_pointer(&e));
			return false;
		}
		/* dropped: after the timeline's end there is nothing left to send */
		if (!o.loop && c.duration() > 0 && position >= c.duration()) {
			if (log)
				log("connection lost at the end of the timeline: " +
				    std::string(e->message));
			return true;
		}
		if (o.loop && c.duration() > 0 && position >= c.duration())
			position = 0;
		if (carried >= o.max_backoff)
			delay = GST_SECOND;
		if (carried >= GST_SECOND)
			reconnects =
			        0; /* that connection worked: the count is of failures in a row */
		if (o.max_reconnects >= 0 && reconnects >= o.max_reconnects) {
			g_set_error(error, JTL_ERROR, JTL_ERROR_IO,
			            "no connection to %s (%s); gave up after %d reconnection "
			            "attempt%s",
			            o.url.c_str(), e->message, reconnects,
			            reconnects == 1 ? "" : "s");
			return false;
		}
		if (log)
			log("connection lost at " + seconds(position) + " of the timeline (" +
			    e->message + "); reconnecting in " + seconds(delay));
		reconnects++;
		if (control ? !control->wait(delay) : (g_usleep(delay / 1000), false))
			return true;
		delay = std::min(delay * 2, o.max_backoff);
	}
}

} /* namespace jtl */
