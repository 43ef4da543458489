// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: the scheduler: building and releasing branches around the position.
#include "jtltimelinesrc-private.h"

namespace jtlsrc {

/* Sets a branch's elements to NULL, removes them and gives its mixer pads back. */
void release_branch(JtlTimelineSrc *self, LiveBranch *b)
{
	{
		std::lock_guard<std::mutex> guard(self->priv->state.lock);
		for (GstElement *e : b->elements)
			g_object_set_qdata(G_OBJECT(e), released_quark(), GINT_TO_POINTER(1));
	}
	/* a branch cut by a live update has a source still pushing, blocked on its compositor
	 * pad (whose mixer waits for the gate calling this): releasing the pad first makes
	 * that push return (flushing), so the source can stop */
	if (b->cut && b->video_sink) {
		if (GstElement *comp = gst_pad_get_parent_element(b->video_sink)) {
			gst_element_release_request_pad(comp, b->video_sink);
			gst_object_unref(comp);
		}
		gst_object_unref(b->video_sink);
		b->video_sink = nullptr;
	}
	/* the branch's streaming threads may be inside its elements, or blocked pushing into
	 * a mixer pad that no longer takes data (a mixer stopped by downstream EOS or an
	 * unlinked output): the mixer pads flush first, so that every push returns at once
	 * (FLUSHING, without an error) and stopping the elements then finds no thread in
	 * them (a filter's stop() ran beside its own streaming thread, a source's task could
	 * not be joined) */
	for (GstPad *sink : {b->video_sink, b->audio_sink})
		if (sink)
			gst_pad_send_event(sink, gst_event_new_flush_start());
	std::vector<GstElement *> elements;
	{
		std::lock_guard<std::mutex> guard(self->priv->state.lock);
		elements = b->elements;
	}
	/* locked first: a state change of the bin running in another thread must not start
	 * them again. Stopping the decoder joins its threads: after that no pad-added adds
	 * elements. */
	for (GstElement *e : elements) {
		gst_element_set_locked_state(e, TRUE);
		gst_element_set_state(e, GST_STATE_NULL);
	}
	{
		std::lock_guard<std::mutex> guard(self->priv->state.lock);
		elements.clear();
		elements.swap(b->elements);
	}
	for (GstElement *e : elements) {
		gst_element_set_locked_state(e, TRUE);
		gst_element_set_state(e, GST_STATE_NULL);
	}
	for (GstElement *e : elements)
		gst_bin_remove(GST_BIN(self), e);
	const Context &ctx = self->priv->state.ctx;
	if (b->video_sink) {
		if (GstElement *comp = gst_pad_get_parent_element(b->video_sink)) {
			gst_element_release_request_pad(comp, b->video_sink);
			gst_object_unref(comp);
		}
	}
	if (b->audio_sink)
		gst_element_release_request_pad(ctx.mixer, b->audio_sink);
	GST_DEBUG_OBJECT(self, "released the branch of %s", b->plan.item_id.c_str());
}

/* Builds a branch of the plan; its elements follow the bin's state. Called with
 * schedule_lock held. */
bool build_branch(JtlTimelineSrc *self, const jtl::Branch &plan)
{
	State &st = self->priv->state;
	const jtl::Timeline &tl = *st.timeline;
	const jtl::Item *item = tl.item(plan.item_id);
	if (!item)
		return true;
	auto b = std::make_unique<LiveBranch>();
	b->self = self;
	b->plan = plan;
	b->version = st.timeline;
	b->item_path = item->json_path;
	bool ok = item->type == jtl::ItemType::Video || item->type == jtl::ItemType::Audio
	                  ? add_media(b.get(), st.ctx, tl, *item)
	                  : !plan.video || add_still(b.get(), st.ctx, tl, *item);
	if (!ok) {
		release_branch(self, b.get());
		return false;
	}
	if (b->elements.empty())
		return true; /* nothing of it in the rendered range */
	/* whose picture the pad carries (trace-items) */
	if (b->video_sink)
		g_object_set_data_full(G_OBJECT(b->video_sink), "jtl-item",
		                       g_strdup(plan.item_id.c_str()), g_free);
	GST_DEBUG_OBJECT(self, "built the branch of %s (%zu elements)", plan.item_id.c_str(),
	                 b->elements.size());
	std::vector<GstElement *> elements;
	{
		std::lock_guard<std::mutex> guard(st.lock);
		elements = b->elements;
	}
	start_elements(elements, st.starting);
	st.live.push_back(std::move(b));
	st.built++;
	if (st.live.size() > st.max_live)
		st.max_live = guint(st.live.size());
	return true;
}

/* Hides a branch's picture from frame time at on: the alpha its compositor pad replays
 * is 0 from there. */
void hide_from(GstPad *pad, GstClockTime at)
{
	GstControlBinding *binding = gst_object_get_control_binding(GST_OBJECT(pad), "alpha");
	if (!binding)
		return;
	GstControlSource *cs = nullptr;
	g_object_get(binding, "control-source", &cs, nullptr);
	if (cs) {
		auto *tv = GST_TIMED_VALUE_CONTROL_SOURCE(cs);
		std::vector<GstClockTime> later;
		GList *all = gst_timed_value_control_source_get_all(tv);
		for (GList *l = all; l; l = l->next) {
			const GstTimedValue *v = static_cast<const GstTimedValue *>(l->data);
			if (v->timestamp >= at)
				later.push_back(v->timestamp);
		}
		g_list_free(all);
		for (GstClockTime t : later)
			gst_timed_value_control_source_unset(tv, t);
		gst_timed_value_control_source_set(tv, at, 0.0);
		gst_object_unref(cs);
	}
	gst_object_unref(binding);
}

/* Drops the replaced versions already freed from State::retired. schedule_lock held. */
void forget_freed_versions(State &st)
{
	st.retired.erase(std::remove_if(st.retired.begin(), st.retired.end(),
	                                [](const std::weak_ptr<const jtl::Timeline> &v) {
		                                return v.expired();
	                                }),
	                 st.retired.end());
}

/* Applies the waiting version of the document from the frame at pos (a frame the mixers
 * have not mixed yet: the gate that calls this holds the background's picture of it).
 * Branches of changed items are hidden from that frame and built again from it; the plan
 * of branches to come is the new version's. schedule_lock held. */
bool apply_pending(JtlTimelineSrc *self, GstClockTime pos)
{
	State &st = self->priv->state;
	const int fps = st.ctx.fps;
	uint64_t k = first_frame_at(pos, fps);
	std::set<std::string> changed = std::move(st.pending_changed);
	st.pending_changed.clear();
	GstClockTime at = key_time(k, fps);
	for (auto &b : st.live) {
		if (!changed.count(b->plan.item_id) || !b->video_sink)
			continue;
		hide_from(b->video_sink, at);
		b->cut = true;
		b->plan.release_at =
		        std::min(b->plan.release_at, jtl::frame_to_ns(k, fps, 1) + GST_SECOND);
	}
	/* the version replaced is freed here unless a live branch still holds it (then when
	 * the last of them is released) */
	forget_freed_versions(st);
	st.retired.push_back(st.timeline);
	st.timeline = std::move(st.pending);
	st.spans = std::move(st.pending_spans);
	st.document = std::move(st.pending_document);
	/* the new plan: unchanged branches as they were, changed ones due now built from k */
	std::vector<jtl::Branch> plan;
	for (jtl::Branch &b : jtl::plan_branches(*st.timeline, jtl::PlanOptions{}, &st.spans))
		if (b.end > st.ctx.range.start && b.start < st.ctx.range.stop)
			plan.push_back(std::move(b));
	std::vector<bool> done(plan.size(), false);
	GstClockTime ahead = std::max(st.video_pos, st.audio_pos);
	std::vector<std::size_t> now;
	/* the old plan's progress by branch, looked up once per branch (not plan x plan) */
	std::map<std::tuple<std::string, bool, bool>, bool> was_done;
	for (std::size_t j = 0; j < st.plan.size(); j++)
		was_done[{st.plan[j].item_id, st.plan[j].video, st.plan[j].audio}] = st.done[j];
	for (std::size_t i = 0; i < plan.size(); i++) {
		const jtl::Branch &b = plan[i];
		if (!changed.count(b.item_id)) {
			auto it = was_done.find({b.item_id, b.video, b.audio});
			if (it != was_done.end())
				done[i] = it->second;
			continue;
		}
		if (b.release_at <= pos) {
			done[i] = true;
		} else if (b.build_at <= ahead) {
			done[i] = true;
			now.push_back(i);
		}
	}
	st.plan = std::move(plan);
	st.done = std::move(done);
	st.next = 0;
	while (st.next < st.plan.size() && st.done[st.next])
		st.next++;
	uint64_t k0 = st.ctx.range.k0;
	st.ctx.range.k0 = std::max(k0, k);
	bool ok = true;
	for (std::size_t i : now)
		ok = ok && build_branch(self, st.plan[i]);
	st.ctx.range.k0 = k0;
	gst_element_post_message(
	        GST_ELEMENT(self),
	        gst_message_new_element(GST_OBJECT(self),
	                                gst_structure_new("jsontimeline-update-applied", "frame",
	                                                  G_TYPE_UINT64, guint64(k), "changed",
	                                                  G_TYPE_UINT, guint(changed.size()),
	                                                  nullptr)));
	GST_INFO_OBJECT(self,
	                "a new version of the document plays from frame %" G_GUINT64_FORMAT
	                " (%zu items changed)",
	                k, changed.size());
	return ok;
}

/* Called as a mixer's input reaches pos: builds the branches due by then and releases
 * those whose items ended long enough before both mixers' positions. */
void schedule(JtlTimelineSrc *self, bool video, GstClockTime pos)
{
	State &st = self->priv->state;
	std::unique_lock<std::mutex> guard(st.schedule_lock);
	if (st.failed)
		return;
	(video ? st.video_pos : st.audio_pos) = pos;
	st.moved.notify_all();
	/* neither input runs more than kMaxLead ahead of the other (audio is cheap and the
	 * queues downstream are deep): the branches alive stay those near one position */
	st.moved.wait(guard, [&] {
		GstClockTime other = video ? st.audio_pos : st.video_pos;
		return st.stopping || pos <= other + kMaxLead;
	});
	if (st.stopping)
		return;
	if (video && st.pending && !apply_pending(self, pos)) {
		st.failed = true;
		return;
	}
	/* a branch is built by the first of the mixers it feeds to come near it: a mixer's
	 * input running ahead (audio is cheap) must not build the other's branches early */
	GstClockTime ahead = std::max(st.video_pos, st.audio_pos);
	for (std::size_t i = st.next; i < st.plan.size() && st.plan[i].build_at <= ahead; i++) {
		const jtl::Branch &b = st.plan[i];
		GstClockTime reached = 0;
		if (b.video)
			reached = std::max(reached, st.video_pos);
		if (b.audio)
			reached = std::max(reached, st.audio_pos);
		if (st.done[i] || b.build_at > reached)
			continue;
		st.done[i] = true;
		/* every mixer it feeds has ended (downstream EOS, an unlinked output): nothing of
		 * it would be mixed */
		if ((!b.video || st.video_pos >= st.ctx.range.stop) &&
		    (!b.audio || st.audio_pos >= st.ctx.range.stop))
			continue;
		if (!build_branch(self, b)) {
			st.failed = true;
			return;
		}
	}
	while (st.next < st.plan.size() && st.done[st.next])
		st.next++;
	for (auto it = st.live.begin(); it != st.live.end();) {
		const jtl::Branch &p = (*it)->plan;
		GstClockTime reached = std::numeric_limits<GstClockTime>::max();
		if ((*it)->video_sink)
			reached = std::min(reached, st.video_pos);
		if ((*it)->audio_sink)
			reached = std::min(reached, st.audio_pos);
		if (reached >= p.release_at) {
			release_branch(self, it->get());
			it = st.live.erase(it);
		} else {
			++it;
		}
	}
}

/* The gates: buffers of the background and silence sources, before the mixers see them;
 * at their EOS the input counts as past everything. */
GstPadProbeReturn gate(JtlTimelineSrc *self, bool video, GstPadProbeInfo *info)
{
	if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER) {
		GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
		if (GST_BUFFER_PTS_IS_VALID(buf))
			schedule(self, video, GST_BUFFER_PTS(buf));
	} else if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_EOS) {
		State &st = self->priv->state;
		std::lock_guard<std::mutex> guard(st.schedule_lock);
		/* the end of the range, not past everything: the mixers have not mixed the last
		 * frames yet, whose branches must stay (only those released by then go) */
		GstClockTime end = st.ctx.range.stop;
		(video ? st.video_pos : st.audio_pos) =
		        GST_CLOCK_TIME_IS_VALID(end) ? end
		                                     : std::numeric_limits<GstClockTime>::max() / 2;
		st.moved.notify_all();
	}
	return GST_PAD_PROBE_OK;
}

GstPadProbeReturn video_gate(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	return gate(JTL_TIMELINE_SRC(data), true, info);
}

GstPadProbeReturn audio_gate(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	return gate(JTL_TIMELINE_SRC(data), false, info);
}

/* Wakes gates waiting for the other input, before the sources are stopped. */
void stop_gates(JtlTimelineSrc *self)
{
	State &st = self->priv->state;
	std::lock_guard<std::mutex> guard(st.schedule_lock);
	st.stopping = true;
	st.moved.notify_all();
}

} /* namespace jtlsrc */
