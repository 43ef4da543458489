// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: media: video and audio files decoded, trimmed and retimed.
#include "jsontimelinesrc/jtltimelinesrc-private.h"

namespace jtlsrc {

/* Trims a decoded stream to the item's part of the file: drops what comes before it and
 * ends the stream after it. Runs in the decoder's streaming thread. */
GstPadProbeReturn trim_probe(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	LiveBranch *m = static_cast<LiveBranch *>(data);
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
	if (!GST_BUFFER_PTS_IS_VALID(buf))
		return GST_PAD_PROBE_OK;
	/* file time = stream time of the decoder's segment (files may start at any pts) */
	GstEvent *ev = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0);
	if (!ev)
		return GST_PAD_PROBE_OK;
	const GstSegment *seg;
	gst_event_parse_segment(ev, &seg);
	GstClockTime pts = gst_segment_to_stream_time(seg, GST_FORMAT_TIME, GST_BUFFER_PTS(buf));
	gst_event_unref(ev);
	if (!GST_CLOCK_TIME_IS_VALID(pts))
		return GST_PAD_PROBE_DROP;
	GstClockTime end = pts + (GST_BUFFER_DURATION_IS_VALID(buf) ? GST_BUFFER_DURATION(buf) : 0);
	/* a video frame that is on screen at trim_start is kept; an audio buffer that begins
	 * before it is dropped whole (at most one buffer, ~20 ms): a buffer that starts
	 * before the mixer's position makes audiomixer mix stale data */
	bool audio = pad == m->audio_src;
	if (end <= m->trim_start || (audio && pts < m->trim_start))
		return GST_PAD_PROBE_DROP;
	if (pts >= m->file_end) {
		/* the item's part is over: the mixer pad gets EOS now (it must not wait for the
		 * rest of the file), sent from another thread into our chain; the decoder goes
		 * on into this probe, which drops the rest. (Pushing EOS on the decoder's pad
		 * from here made its multiqueue fail with a flow error now and then.) */
		std::atomic<bool> &ended = audio ? m->audio_ended : m->video_ended;
		GstPad *in = audio ? m->audio_in : m->video_in;
		if (in && !ended.exchange(true))
			gst_element_call_async(
			        GST_ELEMENT(m->self),
			        [](GstElement *, gpointer target) {
				        gst_pad_send_event(GST_PAD(target), gst_event_new_eos());
			        },
			        gst_object_ref(in), gst_object_unref);
		return GST_PAD_PROBE_DROP;
	}
	if (m->retime && !audio) {
		/* playbackRate: a frame at file time f shows at file_start + (f - file_start) /
		 * rate (+ shift); the compositor then takes the latest frame for each output
		 * frame. The first picture of a held clip starts hold earlier and lasts that
		 * much longer. */
		buf = gst_buffer_make_writable(buf);
		double shown = double(m->file_start) +
		               (double(pts) - double(m->file_start)) / m->rate + double(m->shift);
		GstClockTimeDiff pts_out =
		        GstClockTimeDiff(GST_BUFFER_PTS(buf)) + std::llround(shown - double(pts));
		GstClockTime duration =
		        GST_BUFFER_DURATION_IS_VALID(buf)
		                ? GstClockTime(std::llround(GST_BUFFER_DURATION(buf) / m->rate))
		                : GST_CLOCK_TIME_NONE;
		if (m->first_picture.exchange(false) && m->hold > 0) {
			pts_out -= GstClockTimeDiff(m->hold);
			if (GST_CLOCK_TIME_IS_VALID(duration))
				duration += m->hold;
		}
		GST_BUFFER_PTS(buf) = GstClockTime(std::max<GstClockTimeDiff>(0, pts_out));
		GST_BUFFER_DURATION(buf) = duration;
		GST_PAD_PROBE_INFO_DATA(info) = buf;
	}
	return GST_PAD_PROBE_OK;
}

/* Retimed pictures may run past the end of the decoder's segment: it is left open. */
GstPadProbeReturn open_segment(GstPad *, GstPadProbeInfo *info, gpointer)
{
	jtl::open_segment_end(info);
	return GST_PAD_PROBE_OK;
}

/* The decoder's segment at playbackRate: its rate says how fast to play (scaletempo
 * stretches the sound to it), and the pad offset is set so that the item's first sound
 * falls at its start in the timeline. */
GstPadProbeReturn rate_segment(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	LiveBranch *m = static_cast<LiveBranch *>(data);
	GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
	if (GST_EVENT_TYPE(event) != GST_EVENT_SEGMENT)
		return GST_PAD_PROBE_OK;
	const GstSegment *in;
	gst_event_parse_segment(event, &in);
	if (in->format != GST_FORMAT_TIME)
		return GST_PAD_PROBE_OK;
	GstSegment seg;
	gst_segment_copy_into(in, &seg);
	seg.rate = in->rate * m->rate;
	/* running time of the file's trim point, then shifted to the item's start */
	GstClockTime at = m->file_start + seg.start - std::min(seg.start, seg.time);
	guint64 rt = gst_segment_to_running_time(&seg, GST_FORMAT_TIME, std::max(at, seg.start));
	g_autoptr(GstPad) out = gst_element_get_static_pad(m->audio_out, "src");
	gst_pad_set_offset(out, GstClockTimeDiff(m->item_start) - GstClockTimeDiff(rt));
	GstEvent *own = gst_event_new_segment(&seg);
	gst_event_set_seqnum(own, gst_event_get_seqnum(event));
	gst_event_unref(event);
	GST_PAD_PROBE_INFO_DATA(info) = own;
	return GST_PAD_PROBE_OK;
}

/* Creates and links factories in a row, recorded in list; returns them in order (empty on
 * failure). */
std::vector<GstElement *> chain(JtlTimelineSrc *self, std::vector<GstElement *> *list,
                                std::initializer_list<const char *> factories)
{
	std::vector<GstElement *> out;
	for (const char *f : factories) {
		GstElement *e = make(self, list, f);
		if (!e)
			return {};
		if (!out.empty())
			gst_element_link(out.back(), e);
		out.push_back(e);
	}
	return out;
}

void on_decoded_pad(GstElement *, GstPad *pad, gpointer data)
{
	LiveBranch *m = static_cast<LiveBranch *>(data);
	JtlTimelineSrc *self = m->self;
	g_autoptr(GstCaps) caps = gst_pad_get_current_caps(pad);
	if (!caps)
		caps = gst_pad_query_caps(pad, nullptr);
	const char *name = gst_structure_get_name(gst_caps_get_structure(caps, 0));
	bool video = g_str_has_prefix(name, "video/"), audio = g_str_has_prefix(name, "audio/");
	GstPad *target = nullptr;
	std::vector<GstElement *> elements;
	if (video && m->video_sink && !m->video_linked.exchange(true)) {
		if (m->canvas_w > 0 && m->hold > 0) {
			/* a held first picture that jtllayer masks or shapes frame by frame:
			 * videorate repeats it at the output rate */
			elements = chain(self, &m->elements,
			                 {"queue", "videoconvert", "videorate", "capsfilter"});
			if (!elements.empty())
				g_object_set(elements[2], "skip-to-first", TRUE, nullptr);
		} else if (m->canvas_w > 0) {
			elements =
			        chain(self, &m->elements, {"queue", "videoconvert", "capsfilter"});
		}
		if (m->canvas_w > 0) {
			/* cropped, rounded, turned or masked: jtllayer draws it into its canvas */
			GstElement *layer = elements.empty() ? nullptr : make_layer(m);
			if (layer) {
				g_autoptr(GstCaps) bgra =
				        gst_caps_from_string("video/x-raw, format=BGRA");
				if (m->hold > 0)
					gst_caps_set_simple(bgra, "framerate", GST_TYPE_FRACTION,
					                    self->priv->state.ctx.fps, 1, nullptr);
				g_object_set(elements.back(), "caps", bgra, nullptr);
				gst_element_link(elements.back(), layer);
				elements.push_back(layer);
			} else {
				elements.clear();
			}
		} else {
			elements = chain(self, &m->elements, {"queue", "videoconvert"});
		}
		target = m->video_sink;
	} else if (audio && m->audio_sink && !m->audio_linked.exchange(true)) {
		/* at a playbackRate other than 1, scaletempo plays the sound faster or slower
		 * keeping its pitch, as browsers do (preservesPitch) */
		if (m->rate != 1.0)
			elements = chain(self, &m->elements,
			                 {"queue", "scaletempo", "audioconvert", "audioresample",
			                  "volume", "capsfilter"});
		else
			elements = chain(
			        self, &m->elements,
			        {"queue", "audioconvert", "audioresample", "volume", "capsfilter"});
		if (!elements.empty()) {
			GstElement *volume = elements[elements.size() - 2];
			g_autoptr(GstCaps) ac =
			        gst_static_pad_template_get_caps(audio_pad_template());
			g_object_set(elements.back(), "caps", ac, nullptr);
			gst_object_add_control_binding(
			        GST_OBJECT(volume), gst_direct_control_binding_new_absolute(
			                                    GST_OBJECT(volume), "volume", m->gain));
			if (m->rate != 1.0) {
				m->audio_out = elements.back();
				gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
				                  rate_segment, m, nullptr);
			}
		}
		target = m->audio_sink;
		m->audio_src = pad;
	} else {
		/* a stream the item does not use */
		elements = chain(self, &m->elements, {"fakesink"});
		if (!elements.empty())
			g_object_set(elements[0], "sync", FALSE, "async", FALSE, nullptr);
	}
	if (elements.empty())
		return;
	g_autoptr(GstPad) in = gst_element_get_static_pad(elements.front(), "sink");
	if (target) {
		GstPad *&first = target == m->audio_sink ? m->audio_in : m->video_in;
		first = GST_PAD(gst_object_ref(in));
		gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, trim_probe, m, nullptr);
		g_autoptr(GstPad) out = gst_element_get_static_pad(elements.back(), "src");
		bool video_chain = target == m->video_sink;
		/* the sound's file start at its first sample (item_start), the pictures' at the
		 * item's start */
		gst_pad_set_offset(out, video_chain ? m->offset - GstClockTimeDiff(m->shift)
		                                    : GstClockTimeDiff(m->item_start) -
		                                              GstClockTimeDiff(m->file_start));
		if (video_chain && m->retime)
			gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, open_segment,
			                  nullptr, nullptr);
		if (gst_pad_link(out, target) != GST_PAD_LINK_OK)
			GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
			                  ("Item \"%s\": its decoded media cannot be mixed.",
			                   m->plan.item_id.c_str()),
			                  ("%s: linking %s", m->item_path.c_str(), name));
	}
	start_elements(elements);
	gst_pad_link(pad, in);
}

/* A media file that has no stream of a kind the item asked for: let the mixer go on. */
void on_no_more_pads(GstElement *, gpointer data)
{
	LiveBranch *m = static_cast<LiveBranch *>(data);
	if (m->video_sink && !m->video_linked.exchange(true)) {
		GST_WARNING_OBJECT(m->self, "item %s: no video stream", m->plan.item_id.c_str());
		gst_pad_send_event(m->video_sink, gst_event_new_eos());
	}
	if (m->audio_sink && !m->audio_linked.exchange(true))
		gst_pad_send_event(m->audio_sink, gst_event_new_eos());
}

/* Builds a video or audio item's branch: uridecodebin, trimmed to the item's part of the
 * file and shifted to its place in the timeline; video into the compositor (geometry
 * replayed per frame), sound through a volume element (dB keyframes and fades) into the
 * audiomixer. */
bool add_media(LiveBranch *m, const Context &ctx, const jtl::Timeline &tl, const jtl::Item &item)
{
	JtlTimelineSrc *self = m->self;
	const jtl::MediaData *media = item.as<jtl::MediaData>();
	const jtl::Asset *asset = media ? tl.asset(media->asset_id) : nullptr;
	std::string error;
	bool missing = !asset;
	std::string path =
	        asset ? jtl::resolve_asset_path(*asset, ctx.assets, &error, &missing) : "";
	if (path.empty()) {
		JTL_FILE_ERROR(self, missing, READ,
		               ("Item \"%s\": the media asset \"%s\" cannot be used: %s.",
		                item.id.c_str(), media ? media->asset_id.c_str() : "",
		                error.c_str()),
		               ("%s/assetId", item.json_path.c_str()));
		return false;
	}
	/* the part of the item inside the rendered range, with its transitions' lead and
	 * tail */
	const jtl::ClipSpan &span = span_of(ctx, item);
	GstClockTime from = std::max(jtl::ticks_to_ns(item.start - span.lead), ctx.range.start);
	GstClockTime to = std::min(jtl::ticks_to_ns(item.end() + span.tail), ctx.range.stop);
	if (from >= to)
		return true;
	double rate = media->playback_rate > 0 ? media->playback_rate : 1.0;
	bool want_video = m->plan.video && item.type == jtl::ItemType::Video;
	bool want_audio = m->plan.audio && (item.type == jtl::ItemType::Audio ||
	                                    (asset->type == jtl::AssetType::Video
	                                             ? asset->has_audio_track
	                                             : asset->type == jtl::AssetType::Audio));
	if (!want_video && !want_audio)
		return true;

	m->file_start = GstClockTime(std::llround(media->start_from_seconds * GST_SECOND));
	m->rate = rate;
	/* file time at timeline time t; before 0 in the lead of an incoming clip whose file
	 * has no earlier material */
	const double file_start = double(m->file_start), start_ns = double(item.start_ns());
	auto file_at = [&](GstClockTime t) { return file_start + (double(t) - start_ns) * rate; };
	m->trim_start = GstClockTime(std::max(0.0, std::round(file_at(from))));
	m->file_end =
	        std::max(GstClockTime(std::llround(std::max(0.0, file_at(to)))), m->trim_start + 1);
	m->offset = GstClockTimeDiff(item.start_ns()) - GstClockTimeDiff(m->file_start);
	/* the sound starts on its first sample at or after the item's start, the rule that
	 * gives its first frame (docs/format-indream.md, "Time") */
	m->item_start =
	        jtl::sample_to_ns(jtl::sample_at_or_after(item.start, kAudioRate), kAudioRate);
	/* pictures show at file_start + (file time - file_start) / rate + offset; the first
	 * one is held from `from` when it would show later, and all are shifted by `shift`
	 * (taken off the pad offset) so that the held one keeps a time >= 0 */
	double first_shown = file_start + (double(m->trim_start) - file_start) / rate;
	double held = first_shown + double(m->offset) - double(from);
	m->hold = held > 0.5 ? GstClockTime(std::llround(held)) : 0;
	double need = double(m->hold) - first_shown;
	m->shift = need > 0 ? GstClockTime(std::ceil(need)) : 0;
	m->retime = rate != 1.0 || m->hold > 0 || m->shift > 0;
	if (want_video) {
		m->video_sink = gst_element_request_pad_simple(
		        compositor_for(ctx, m->plan.zorder + 1), "sink_%u");
		g_object_set(m->video_sink, "zorder", m->plan.zorder + 1, nullptr);
		gst_util_set_object_arg(G_OBJECT(m->video_sink), "sizing-policy",
		                        media->keep_aspect_ratio ? "keep-aspect-ratio" : "none");
		/* the outgoing clip of a transition: its last picture stays where the file ends
		 * before the tail does */
		if (span.tail > 0)
			g_object_set(m->video_sink, "repeat-after-eos", TRUE, nullptr);
		uint64_t k, count;
		if ((needs_shape(item) || transition_layer(ctx, item)) &&
		    item_frames(item, ctx, &k, &count)) {
			/* the pictures' stream time: timeline time - offset + shift (the trim
			 * probe retimes them at other rates and when held) */
			m->keep_aspect_ratio = media->keep_aspect_ratio;
			GstClockTimeDiff video_offset = m->offset - GstClockTimeDiff(m->shift);
			int fps = ctx.fps;
			plan_shape(m, ctx, item, k, count, [&](uint64_t j) {
				if (j == 0)
					return GstClockTime(0);
				GstClockTimeDiff t =
				        GstClockTimeDiff(jtl::frame_to_ns(k + j, fps, 1));
				GstClockTimeDiff half =
				        GstClockTimeDiff(jtl::frame_to_ns(1, fps, 1) / 2);
				return GstClockTime(
				        std::max<GstClockTimeDiff>(0, t - video_offset - half));
			});
			gst_util_set_object_arg(G_OBJECT(m->video_sink), "sizing-policy", "none");
			if (!control_branch_geometry(m, item, ctx, true))
				return false;
		} else if (!control_geometry(m->self, m->video_sink, item, ctx)) {
			return false;
		}
	}
	if (want_audio) {
		m->audio_sink = gst_element_request_pad_simple(ctx.mixer, "sink_%u");
		m->gain = gst_interpolation_control_source_new();
		g_object_set(m->gain, "mode", GST_INTERPOLATION_MODE_LINEAR, nullptr);
		/* keyed at file time: the volume element sees the decoder's timestamps; over
		 * the lead and tail too, where transitions crossfade */
		GstTimedValueControlSource *g = GST_TIMED_VALUE_CONTROL_SOURCE(m->gain);
		jtl::Ticks lo = item.start - span.lead, hi = item.end() + span.tail;
		uint64_t steps = std::max<uint64_t>(
		        2, jtl::frames_in(jtl::ticks_to_ns(hi - lo), ctx.fps, 1));
		for (uint64_t k = 0; k < steps; k++) {
			jtl::Ticks t = lo + jtl::Ticks(k) * (hi - lo) / jtl::Ticks(steps);
			GstClockTimeDiff file_t = GstClockTimeDiff(m->file_start) +
			                          (GstClockTimeDiff(jtl::ticks_to_ns(t)) -
			                           GstClockTimeDiff(item.start_ns()));
			gst_timed_value_control_source_set(
			        g, GstClockTime(std::max<GstClockTimeDiff>(0, file_t)),
			        std::min(10.0,
			                 jtl::clip_audio_gain(item, span, std::min(t, hi - 1))));
		}
		/* silent from the first sample at or after its end (the frame rule), not as late
		 * as the end of the decoded buffer that holds it: the next clip of a cut starts
		 * alone. The gain drops half a sample before that sample, where the volume
		 * element's sample times (a few ns off) cannot fall on the wrong side (the last
		 * step of the loop above, at hi) */
		double sounds = double(jtl::sample_to_ns(jtl::sample_at_or_after(hi, kAudioRate),
		                                         kAudioRate)) -
		                double(m->item_start) - double(GST_SECOND / (2 * kAudioRate));
		GstClockTimeDiff end_t =
		        GstClockTimeDiff(m->file_start) + std::llround(sounds * m->rate);
		if (end_t > 0) {
			gst_timed_value_control_source_set(
			        g, GstClockTime(end_t - 1),
			        std::min(10.0, jtl::clip_audio_gain(item, span, hi - 1)));
			gst_timed_value_control_source_set(g, GstClockTime(end_t), 0.0);
		}
	}
	GST_INFO_OBJECT(self,
	                "item %s: file %" GST_TIME_FORMAT " - %" GST_TIME_FORMAT
	                ", offset %" G_GINT64_FORMAT " ns, video %d, audio %d",
	                item.id.c_str(), GST_TIME_ARGS(m->trim_start), GST_TIME_ARGS(m->file_end),
	                m->offset, want_video, want_audio);
	/* named after the item: errors from inside it are reported with the item's path */
	std::string dec_name = item_child_name("media", item.json_path);
	GstElement *dec = make(self, &m->elements, "uridecodebin", dec_name.c_str());
	mark_item(dec, "media", item.json_path);
	if (!dec)
		return false;
	g_autofree gchar *uri = gst_filename_to_uri(path.c_str(), nullptr);
	g_object_set(dec, "uri", uri, nullptr);
	g_signal_connect(dec, "pad-added", G_CALLBACK(on_decoded_pad), m);
	g_signal_connect(dec, "no-more-pads", G_CALLBACK(on_no_more_pads), m);
	return true;
}

} /* namespace jtlsrc */
