// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: the fixed graph: compositors, mixer, output format, adjustments, background.
#include "jtltimelinesrc-private.h"

namespace jtlsrc {

/* globalBackground "image": the picture (imageAssetId's asset, else imageUrl: a path or
 * file:// URI, relative to the asset base) cover-fitted to the frame, below every track. */
bool add_background_image(JtlTimelineSrc *self, const jtl::Timeline &tl)
{
	State &st = self->priv->state;
	const Context &ctx = st.ctx;
	const jtl::GlobalBackground &bg = tl.background;
	jtl::Asset by_url;
	by_url.filename = bg.image_url;
	by_url.local_path = bg.image_local_path;
	const jtl::Asset *asset = bg.image_asset_id ? tl.asset(*bg.image_asset_id) : nullptr;
	const char *field = asset ? "imageAssetId" : "imageUrl";
	std::string error;
	bool missing = false;
	std::string path =
	        jtl::resolve_asset_path(asset ? *asset : by_url, ctx.assets, &error, &missing);
	double iw = 0, ih = 0;
	jtl::Raster picture;
	bool ok = !path.empty() && jtl::image_size(path, &iw, &ih, &error);
	if (ok) {
		/* cover: cut what sticks out of the frame's aspect ratio, evenly */
		double cx = 0, cy = 0;
		if (iw > 0 && ih > 0) {
			double frame = double(ctx.width) / ctx.height, image = iw / ih;
			if (image > frame)
				cx = (1.0 - frame / image) / 2.0;
			else
				cy = (1.0 - image / frame) / 2.0;
		}
		ok = jtl::draw_image(path, ctx.width, ctx.height, false, 0, cx, cy, cx, cy,
		                     &picture, &error);
	}
	if (!ok) {
		error = jtl::asset_error_text(error, path, asset ? *asset : by_url);
		JTL_FILE_ERROR(self, missing, READ,
		               ("The background image cannot be used: %s.", error.c_str()),
		               ("/globalBackground/%s", field));
		return false;
	}
	g_autoptr(GstPad) pad = add_picture(self, &st.children, ctx, picture, ctx.range.k0,
	                                    ctx.range.k1 - ctx.range.k0, 1u /* items start at 2 */,
	                                    "The background image");
	return pad != nullptr;
}

/* The format frames are composited in: AYUV, what video encoders take (video items then
 * stay in YUV), unless the output is RGB (PNG stills, `! video/x-raw,format=BGRA`): then
 * BGRA, since 8-bit YUV converted back to RGB is up to 6 levels off (issue 15). */
const char *compose_format(JtlTimelineSrc *self)
{
	GstVideoFormat out = gst_video_format_from_string(self->priv->state.ctx.out_format);
	return GST_VIDEO_FORMAT_INFO_IS_RGB(gst_video_format_get_info(out)) ? "BGRA" : "AYUV";
}

/* The frames in the output format (ctx.out_format) after out, the last capsfilter at the
 * compositing format: a videoconvert and a capsfilter when they differ. *last: what the
 * video pad then shows. */
bool add_output_format(JtlTimelineSrc *self, GstElement *out, GstElement **last)
{
	State &st = self->priv->state;
	const Context &ctx = st.ctx;
	*last = out;
	if (std::strcmp(ctx.out_format, compose_format(self)) == 0)
		return true;
	GstElement *convert = make(self, &st.children, "videoconvert");
	GstElement *caps = make(self, &st.children, "capsfilter");
	if (!convert || !caps)
		return false;
	g_autoptr(GstCaps) c = video_caps(ctx.out_format, ctx.width, ctx.height, ctx.fps);
	g_object_set(caps, "caps", c, nullptr);
	*last = caps;
	return gst_element_link_many(out, convert, caps, nullptr);
}

/* The audio output through a queue of kOutputFrames frames' time after out: a muxer
 * holds the audio (one buffer per pad) while the video encoder fills its look-ahead
 * (x264enc: 40 frames and more), longer than the mixers' inputs may be apart (kMaxLead),
 * so that `x264enc ! mp4mux` without queues does not stall before its first frame. The
 * audio is small (192 kB a second); the video is not queued. */
GstElement *add_audio_queue(JtlTimelineSrc *self, GstElement *out)
{
	State &st = self->priv->state;
	GstElement *queue = make(self, &st.children, "queue", "audio-queue");
	if (!queue)
		return nullptr;
	const guint64 time = std::max<guint64>(
	        3 * GST_SECOND, gst_util_uint64_scale(kOutputFrames, GST_SECOND, st.ctx.fps));
	g_object_set(queue, "max-size-buffers", 0u, "max-size-bytes", 0u, "max-size-time", time,
	             nullptr);
	return gst_element_link(out, queue) ? queue : nullptr;
}

/* trace-items, on each compositor as it has chosen the pictures of a frame (its pads'
 * values synced to the frame): the items whose pad has a picture and an alpha above 0.
 * The top compositor, the last to draw a frame, posts them with the items the model shows
 * on that frame (jtl::items_shown_at()). */
void on_samples_selected(GstElement *comp, GstSegment *, guint64 pts, guint64, guint64,
                         GstStructure *, gpointer data)
{
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(data);
	State &st = self->priv->state;
	const Context &ctx = st.ctx;
	if (!GST_CLOCK_TIME_IS_VALID(pts))
		return;
	const uint64_t k = gst_util_uint64_scale_round(pts, guint64(ctx.fps), GST_SECOND);
	std::set<std::string> drawn;
	g_autoptr(GstIterator) it = gst_element_iterate_sink_pads(comp);
	GValue item = G_VALUE_INIT;
	while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
		GstPad *pad = GST_PAD(g_value_get_object(&item));
		const char *id =
		        static_cast<const char *>(g_object_get_data(G_OBJECT(pad), "jtl-item"));
		double alpha = 0;
		g_object_get(pad, "alpha", &alpha, nullptr);
		GstSample *sample = nullptr;
		if (id && alpha > 0)
			sample = gst_aggregator_peek_next_sample(GST_AGGREGATOR(comp),
			                                         GST_AGGREGATOR_PAD(pad));
		if (sample) {
			drawn.insert(id);
			gst_sample_unref(sample);
		}
		g_value_reset(&item);
	}
	g_value_unset(&item);
	Trace &tr = st.trace;
	std::unique_lock<std::mutex> guard(tr.lock);
	tr.drawn[k].insert(drawn.begin(), drawn.end());
	if (comp != ctx.comp)
		return;
	drawn = std::move(tr.drawn[k]);
	tr.drawn.erase(tr.drawn.begin(), tr.drawn.upper_bound(k));
	guard.unlock();
	if (k < ctx.range.k0 || k >= ctx.range.k1)
		return; /* not an output frame (output_events() drops it) */
	jtl::FrameGrid grid;
	grid.fps_n = ctx.fps;
	grid.width = ctx.width;
	grid.height = ctx.height;
	grid.scale = ctx.scale;
	grid.comp_w = ctx.comp_w;
	grid.comp_h = ctx.comp_h;
	std::vector<std::string> model = jtl::items_shown_at(*tr.timeline, tr.spans, k, grid);
	std::vector<const char *> drawn_v, model_v;
	for (const std::string &id : drawn)
		drawn_v.push_back(id.c_str());
	for (const std::string &id : model)
		model_v.push_back(id.c_str());
	drawn_v.push_back(nullptr);
	model_v.push_back(nullptr);
	gst_element_post_message(
	        GST_ELEMENT(self),
	        gst_message_new_element(GST_OBJECT(self),
	                                gst_structure_new("jsontimeline-frame-items", "frame",
	                                                  G_TYPE_UINT64, guint64(k), "drawn",
	                                                  G_TYPE_STRV, drawn_v.data(), "model",
	                                                  G_TYPE_STRV, model_v.data(), nullptr)));
}

/* trace-items: every compositor reports the pictures it chose for each frame. */
void trace_compositors(JtlTimelineSrc *self)
{
	State &st = self->priv->state;
	{
		std::lock_guard<std::mutex> guard(st.trace.lock);
		st.trace.drawn.clear();
		st.trace.timeline = st.timeline;
		st.trace.spans = st.spans;
	}
	for (GstElement *comp : st.ctx.compositors) {
		g_object_set(comp, "emit-signals", TRUE, nullptr);
		g_signal_connect(comp, "samples-selected", G_CALLBACK(on_samples_selected), self);
	}
}

/* Builds the fixed part of the graph for a range of the loaded timeline: background and
 * silence sources into the compositor and the audiomixer, the ghost pads' targets, and
 * the schedule of branches (built later as the mixers' inputs reach them). The output
 * geometry is computed once, at NULL->READY (compute_output). */
bool build_graph(JtlTimelineSrc *self, GstClockTime start, GstClockTime stop)
{
	State &st = self->priv->state;
	const jtl::Timeline &tl = *st.timeline;
	Context &ctx = st.ctx;
	ctx.range = frame_range(start, stop, ctx.fps, ctx.frames);
	const int fps = ctx.fps;
	const uint64_t count = ctx.range.k1 - ctx.range.k0;
	GST_INFO_OBJECT(self,
	                "rendering %dx%d at %d fps: frames %" G_GUINT64_FORMAT
	                " to %" G_GUINT64_FORMAT,
	                ctx.width, ctx.height, fps, ctx.range.k0, ctx.range.k1);
	auto *children = &st.children;

	/* video: background + one compositor pad per visual item */
	GstElement *bg = make(self, children, "videotestsrc", "background");
	GstElement *bg_caps = make(self, children, "capsfilter");
	GstElement *comp = make(self, children, "compositor", "compositor");
	GstElement *comp_caps = make(self, children, "capsfilter");
	if (!bg || !bg_caps || !comp || !comp_caps)
		return false;
	ctx.comp = comp;
	ctx.spans = &st.spans;
	ctx.comp_w = tl.width;
	ctx.comp_h = tl.height;
	uint32_t bg_color = 0xff000000;
	if (tl.background.type == jtl::GlobalBackground::Type::Color) {
		if (std::optional<jtl::Color> c = jtl::parse_color(tl.background.color))
			bg_color = c->argb();
	}
	/* the range starts at k0's time in the mixers' running time, which is timeline time */
	gst_util_set_object_arg(G_OBJECT(bg), "pattern", "solid-color");
	g_object_set(bg, "foreground-color", bg_color, "num-buffers",
	             gint(std::min<uint64_t>(count, G_MAXINT)), "timestamp-offset",
	             gint64(ctx.range.start), nullptr);
	/* black and white are the compositor's own backgrounds: the background source then
	 * only paces the graph (tiny, transparent) and no frame is filled twice */
	bool own = bg_color == 0xff000000 || bg_color == 0xffffffff;
	const char *format = compose_format(self);
	g_autoptr(GstCaps) bgc = own ? video_caps(format, 16, 16, fps)
	                             : video_caps(format, ctx.width, ctx.height, fps);
	g_object_set(bg_caps, "caps", bgc, nullptr);
	bool blur_bg = tl.background.type == jtl::GlobalBackground::Type::Blur;
	/* none: transparent where nothing is drawn, so that alpha outputs keep it; an output
	 * format without alpha gets the frames flattened over black */
	bool none_bg = tl.background.type == jtl::GlobalBackground::Type::None && !ctx.flatten;
	gst_util_set_object_arg(G_OBJECT(comp), "background",
	                        blur_bg || none_bg       ? "transparent" /* the backdrop fills it */
	                        : bg_color == 0xffffffff ? "white"
	                                                 : "black");
	gst_util_set_object_arg(G_OBJECT(comp), "start-time-selection", "set");
	g_object_set(comp, "start-time", guint64(ctx.range.start), nullptr);
	g_autoptr(GstCaps) outc = video_caps(format, ctx.width, ctx.height, fps);
	g_object_set(comp_caps, "caps", outc, nullptr);
	gst_element_link_many(bg, bg_caps, comp, nullptr);
	if (!add_adjustments(self, comp, comp_caps))
		return false;
	if (ctx.trace)
		trace_compositors(self);
	if (own) {
		g_autoptr(GstPad) bg_pad = gst_element_get_static_pad(bg_caps, "src");
		g_autoptr(GstPad) bg_sink = gst_pad_get_peer(bg_pad);
		g_object_set(bg_sink, "alpha", 0.0, nullptr);
	}
	if (tl.background.type == jtl::GlobalBackground::Type::Color && tl.background.gradient &&
	    !tl.background.gradient->empty() && count > 0) {
		/* a CSS gradient over the colour (zorder 0), below every track (2 and up) */
		jtl::Raster gradient;
		std::string error;
		if (!jtl::draw_linear_gradient(*tl.background.gradient, ctx.width, ctx.height,
		                               &gradient, &error)) {
			GST_ELEMENT_ERROR(
			        self, STREAM, FORMAT,
			        ("The background gradient cannot be read: %s.", error.c_str()),
			        ("/globalBackground/gradient: \"%s\"",
			         tl.background.gradient->c_str()));
			return false;
		}
		g_autoptr(GstPad) pad =
		        add_picture(self, children, ctx, gradient, ctx.range.k0, count,
		                    1u /* items start at 2 */, "The background gradient");
		if (!pad)
			return false;
	}

	if (tl.background.type == jtl::GlobalBackground::Type::Image && count > 0 &&
	    !add_background_image(self, tl))
		return false;

	/* audio: silence of the range's length into the mixer */
	GstElement *silence = make(self, children, "audiotestsrc", "silence");
	GstElement *silence_caps = make(self, children, "capsfilter");
	GstElement *mixer = make(self, children, "audiomixer", "audiomixer");
	GstElement *mix_caps = make(self, children, "capsfilter");
	if (!silence || !silence_caps || !mixer || !mix_caps)
		return false;
	ctx.mixer = mixer;
	guint64 samples = gst_util_uint64_scale_round(ctx.range.k1, kAudioRate, guint64(fps)) -
	                  gst_util_uint64_scale_round(ctx.range.k0, kAudioRate, guint64(fps));
	gst_util_set_object_arg(G_OBJECT(silence), "wave", "silence");
	g_object_set(silence, "samplesperbuffer", kAudioSamplesPerBuffer, "num-buffers",
	             gint((samples + kAudioSamplesPerBuffer - 1) / kAudioSamplesPerBuffer),
	             "timestamp-offset", gint64(ctx.range.start), nullptr);
	gst_util_set_object_arg(G_OBJECT(mixer), "start-time-selection", "set");
	g_object_set(mixer, "start-time", guint64(ctx.range.start), nullptr);
	g_autoptr(GstCaps) ac = gst_static_pad_template_get_caps(audio_pad_template());
	g_object_set(silence_caps, "caps", ac, nullptr);
	g_object_set(mix_caps, "caps", ac, nullptr);
	gst_element_link_many(silence, silence_caps, mixer, mix_caps, nullptr);

	/* the branches: built as the sources' buffers pass these probes, before the mixers
	 * see them, so that a branch's pad is there before its first frame is mixed */
	{
		std::lock_guard<std::mutex> guard(st.schedule_lock);
		st.plan.clear();
		for (jtl::Branch &b : jtl::plan_branches(tl, jtl::PlanOptions{}, &st.spans)) {
			if (b.end > ctx.range.start && b.start < ctx.range.stop)
				st.plan.push_back(std::move(b));
		}
		st.done.assign(st.plan.size(), false);
		st.next = 0;
		st.video_pos = st.audio_pos = ctx.range.start;
		st.failed = false;
		st.stopping = false;
	}
	st.eos_at = GST_CLOCK_TIME_NONE;
	st.video_not_linked = st.audio_not_linked = false;
	st.not_linked = 0;
	st.video_out = st.audio_out = ctx.range.start;
	g_autoptr(GstPad) bg_src = gst_element_get_static_pad(bg, "src");
	const auto gate_types =
	        GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM);
	gst_pad_add_probe(bg_src, gate_types, video_gate, self, nullptr);
	g_autoptr(GstPad) silence_src = gst_element_get_static_pad(silence, "src");
	gst_pad_add_probe(silence_src, gate_types, audio_gate, self, nullptr);
	/* the first branches now, so that a bad asset fails the state change; not while
	 * streaming (after a seek), where they would start before the mixers they feed: the
	 * gates build them when the sources start */
	if (GST_STATE(self) <= GST_STATE_READY) {
		{
			std::lock_guard<std::mutex> guard(st.schedule_lock);
			st.starting = true;
		}
		schedule(self, true, ctx.range.start);
		std::lock_guard<std::mutex> guard(st.schedule_lock);
		st.starting = false;
		if (st.failed)
			return false;
	}

	GstElement *vout = nullptr;
	if (!add_output_format(self, comp_caps, &vout))
		return false;
	g_autoptr(GstPad) vsrc = gst_element_get_static_pad(vout, "src");
	g_autoptr(GstPad) asrc = gst_element_get_static_pad(mix_caps, "src");
	GstElement *aqueue = add_audio_queue(self, mix_caps);
	if (!aqueue)
		return false;
	g_autoptr(GstPad) aout = gst_element_get_static_pad(aqueue, "src");
	const auto output_types =
	        GstPadProbeType(GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_BUFFER);
	gst_pad_add_probe(
	        vsrc, output_types,
	        [](GstPad *, GstPadProbeInfo *info, gpointer data) {
		        return output_events(JTL_TIMELINE_SRC(data), true, info);
	        },
	        self, nullptr);
	gst_pad_add_probe(
	        asrc, output_types,
	        [](GstPad *, GstPadProbeInfo *info, gpointer data) {
		        return output_events(JTL_TIMELINE_SRC(data), false, info);
	        },
	        self, nullptr);
	gst_ghost_pad_set_target(GST_GHOST_PAD(self->video_pad), vsrc);
	gst_ghost_pad_set_target(GST_GHOST_PAD(self->audio_pad), aout);
	return true;
}

/* Adjustment items (effects, filters) act on what the tracks below them composite: each
 * track holding some splits the compositing there. The compositor below feeds jtladjust,
 * driven by that track's items frame by frame, whose output is the lowest pad of the
 * compositor above. Links bottom (the first compositor) through them to out. */
bool add_adjustments(JtlTimelineSrc *self, GstElement *bottom, GstElement *out)
{
	State &st = self->priv->state;
	const jtl::Timeline &tl = *st.timeline;
	Context &ctx = st.ctx;
	ctx.compositors = {bottom};
	ctx.comp_above.clear();
	GstElement *below = bottom;
	std::vector<int> tracks = jtl::adjustment_tracks(tl);
	for (auto ti = tracks.rbegin(); ti != tracks.rend(); ++ti) {
		GstElement *caps = make(self, &st.children, "capsfilter");
		GstElement *adjust = make(self, &st.children, "jtladjust");
		GstElement *above = make(self, &st.children, "compositor");
		if (!caps || !adjust || !above)
			return false;
		g_autoptr(GstCaps) bgra = video_caps("BGRA", ctx.width, ctx.height, ctx.fps);
		g_object_set(caps, "caps", bgra, nullptr);
		gst_util_set_object_arg(G_OBJECT(above), "background", "transparent");
		gst_util_set_object_arg(G_OBJECT(above), "start-time-selection", "set");
		g_object_set(above, "start-time", guint64(ctx.range.start), nullptr);
		gst_element_link_many(below, caps, adjust, above, nullptr);
		/* the pictures below: the lowest pad of the compositor above */
		g_autoptr(GstPad) adjust_src = gst_element_get_static_pad(adjust, "src");
		g_autoptr(GstPad) lowest = gst_pad_get_peer(adjust_src);
		g_object_set(lowest, "zorder", 0u, nullptr);
		/* the track's items, frame by frame, keyed at the frames' times (the
		 * compositor's stream time is timeline time) */
		std::vector<std::string> props = {"blur", "darken"};
		for (const std::string &look : jtl::filter_names())
			props.push_back(look);
		std::vector<GstControlSource *> cs(props.size());
		std::vector<double> last(props.size(), NAN);
		for (GstControlSource *&c : cs)
			c = frame_values();
		/* a sweep: the frames where the track's items act, not frames x items */
		jtl::sweep_track_adjustment(
		        tl, *ti, ctx.fps, ctx.range.k0, ctx.range.k1,
		        [&](uint64_t k, const jtl::Adjustment &a) {
			        std::vector<double> v = {std::min(1000.0, a.blur * ctx.scale),
			                                 a.darkness};
			        v.insert(v.end(), a.looks.begin(), a.looks.end());
			        for (std::size_t i = 0; i < props.size(); i++) {
				        if (v[i] == last[i])
					        continue;
				        last[i] = v[i];
				        gst_timed_value_control_source_set(
				                GST_TIMED_VALUE_CONTROL_SOURCE(cs[i]),
				                key_time(k, ctx.fps), v[i]);
			        }
		        });
		for (std::size_t i = 0; i < props.size(); i++) {
			gst_object_add_control_binding(
			        GST_OBJECT(adjust),
			        gst_direct_control_binding_new_absolute(GST_OBJECT(adjust),
			                                                props[i].c_str(), cs[i]));
			gst_object_unref(cs[i]);
		}
		ctx.comp_above.push_back(jtl::track_zorder(tl, &st.spans, std::size_t(*ti)) + 1);
		ctx.compositors.push_back(above);
		below = above;
	}
	ctx.comp = below;
	if (tl.background.type != jtl::GlobalBackground::Type::Blur)
		return gst_element_link(below, out);
	/* the blur background: behind everything, an enlarged blurred copy of the frame's
	 * content where it leaves the frame transparent */
	GstElement *caps = make(self, &st.children, "capsfilter");
	GstElement *backdrop = make(self, &st.children, "jtladjust", "backdrop");
	GstElement *convert = make(self, &st.children, "videoconvert");
	if (!caps || !backdrop || !convert)
		return false;
	g_autoptr(GstCaps) bgra = video_caps("BGRA", ctx.width, ctx.height, ctx.fps);
	g_object_set(caps, "caps", bgra, nullptr);
	g_object_set(backdrop, "backdrop", TRUE, "backdrop-blur",
	             jtl::background_blur_sigma(tl.background.blur_level, ctx.width), nullptr);
	return gst_element_link_many(below, caps, backdrop, convert, out, nullptr);
}

/* Output size and rate from the settings and the loaded timeline. */
void compute_output(JtlTimelineSrc *self, const Settings &settings)
{
	State &st = self->priv->state;
	const jtl::Timeline &tl = *st.timeline;
	Context &ctx = st.ctx;
	ctx.assets = policy_of(settings);
	ctx.illustration_placeholders =
	        settings.missing_illustration == int(jtl::MissingIllustration::Placeholder);
	ctx.trace = settings.trace_items;
	ctx.fps = tl.output_fps(settings.fps);
	double scale = settings.scale > 0    ? settings.scale
	               : tl.output.scale > 0 ? tl.output.scale
	                                     : 1.0;
	int width = settings.width > 0 ? settings.width : tl.output.width.value_or(tl.width);
	int height = settings.height > 0 ? settings.height : tl.output.height.value_or(tl.height);
	/* the request's ratio ("9:16", ...; not "custom") sets the height from the width when
	 * no height is given */
	int rw = 0, rh = 0;
	if (settings.height <= 0 && !tl.output.height && tl.output.ratio != "custom" &&
	    std::sscanf(tl.output.ratio.c_str(), "%d:%d", &rw, &rh) == 2 && rw > 0 && rh > 0)
		height = std::max(2, int(std::lround(double(width) * rh / rw)));
	scale *= double(width) / tl.width; /* a width override scales the composition */
	ctx.scale = scale;
	ctx.width = int(std::lround(tl.width * scale)) & ~1;
	ctx.height = int(std::lround(tl.height * scale * (double(height) / tl.height) /
	                             (double(width) / tl.width))) &
	             ~1;
	ctx.frames = jtl::frame_count(tl.duration_ns(), ctx.fps, 1);
	/* a timeline shorter than half a frame still makes one (a file with no frame is no
	 * video) */
	if (ctx.frames == 0 && tl.duration() > 0)
		ctx.frames = 1;
	GST_OBJECT_LOCK(self);
	st.duration = jtl::frame_to_ns(ctx.frames, ctx.fps, 1);
	GST_OBJECT_UNLOCK(self);
}

/* The video pad's caps at the output size and rate: every format it gives (one given). */
GstCaps *output_caps(const Context &ctx, const char *format = nullptr)
{
	GstCaps *caps = gst_static_pad_template_get_caps(video_pad_template());
	caps = gst_caps_make_writable(caps);
	gst_caps_set_simple(caps, "width", G_TYPE_INT, ctx.width, "height", G_TYPE_INT, ctx.height,
	                    "framerate", GST_TYPE_FRACTION, ctx.fps, 1, nullptr);
	if (format)
		gst_caps_set_simple(caps, "format", G_TYPE_STRING, format, nullptr);
	return caps;
}

/* The output format, size and rate from what downstream takes (the video pad's peer asked
 * before the graph is built): the document's size and rate when downstream takes them,
 * else the size it asks for if it has the document's aspect ratio (it sets the scale, up
 * to 8) and the whole frame rate it asks for (it sets fps); the first format of
 * JTL_OUTPUT_FORMATS it takes. Anything else fails, naming what the document allows. */
bool negotiate_output(JtlTimelineSrc *self, Settings settings)
{
	State &st = self->priv->state;
	Context &ctx = st.ctx;
	const jtl::Timeline &tl = *st.timeline;
	g_autoptr(GstCaps) tmpl = gst_static_pad_template_get_caps(video_pad_template());
	g_autoptr(GstCaps) peer = gst_pad_peer_query_caps(self->video_pad, tmpl);
	g_autoptr(GstCaps) ours = output_caps(ctx);
	const int doc_w = ctx.width, doc_h = ctx.height, doc_fps = ctx.fps;
	if (!gst_caps_is_empty(peer) && !gst_caps_can_intersect(peer, ours)) {
		/* downstream asks for another size or rate: the nearest it takes */
		g_autoptr(GstCaps) asked = gst_caps_copy_nth(peer, 0);
		GstStructure *s = gst_caps_get_structure(asked, 0);
		gst_structure_fixate_field_nearest_int(s, "width", ctx.width);
		gst_structure_fixate_field_nearest_int(s, "height", ctx.height);
		gst_structure_fixate_field_nearest_fraction(s, "framerate", ctx.fps, 1);
		int w = 0, h = 0, n = 0, d = 0;
		if (gst_structure_get_int(s, "width", &w) && w != ctx.width) {
			int width = settings.width > 0 ? settings.width
			                               : tl.output.width.value_or(tl.width);
			settings.scale = double(w) / width;
		}
		if (gst_structure_get_int(s, "height", &h) && h != ctx.height && w == ctx.width) {
			/* only the height asked: the width of the same aspect ratio */
			int height = settings.height > 0 ? settings.height
			                                 : tl.output.height.value_or(tl.height);
			settings.scale = double(h) / height;
		}
		if (gst_structure_get_fraction(s, "framerate", &n, &d) && d == 1 && n >= 1 &&
		    n <= 240)
			settings.fps = n;
		if (settings.scale >= 0 && settings.scale <= 8) {
			compute_output(self, settings);
			gst_caps_replace(&ours, nullptr);
			ours = output_caps(ctx);
		}
	}
	const GValue *formats = gst_structure_get_value(gst_caps_get_structure(tmpl, 0), "format");
	for (guint i = 0; i < gst_value_list_get_size(formats); i++) {
		const char *f = g_value_get_string(gst_value_list_get_value(formats, i));
		g_autoptr(GstCaps) one = output_caps(ctx, f);
		if (gst_caps_can_intersect(peer, one)) {
			GstVideoFormat vf = gst_video_format_from_string(f);
			ctx.out_format = gst_video_format_to_string(vf);
			ctx.flatten =
			        !GST_VIDEO_FORMAT_INFO_HAS_ALPHA(gst_video_format_get_info(vf));
			GST_INFO_OBJECT(self, "output %s %dx%d at %d/1", ctx.out_format, ctx.width,
			                ctx.height, ctx.fps);
			return true;
		}
	}
	g_autofree char *taken = gst_caps_to_string(peer);
	GST_ELEMENT_ERROR(
	        self, CORE, NEGOTIATION,
	        ("Downstream takes none of the video this document gives: %dx%d (or "
	         "the same aspect ratio, up to 8 times that size) at %d/1 (or a whole "
	         "rate from 1 to 240 frames per second), in one of the formats " JTL_OUTPUT_FORMATS
	         ".",
	         doc_w, doc_h, doc_fps),
	        ("downstream takes %s", taken));
	return false;
}

/* Gives both pads their caps in READY, as a demuxer gives a pad its caps before it adds
 * it: uridecodebin (playbin, gst-play-1.0) sets its source to READY and exposes the
 * source's pads as they are only if their current caps are raw; pads without caps get
 * one decodebin, linked to the first pad only (the other then plays nothing). The
 * mixers' own events replace these when they start. READY->NULL deactivates the pads. */
void announce_caps(JtlTimelineSrc *self)
{
	const Context &ctx = self->priv->state.ctx;
	g_autoptr(GstCaps) video = output_caps(ctx, ctx.out_format);
	g_autoptr(GstCaps) audio = gst_static_pad_template_get_caps(audio_pad_template());
	for (auto [pad, caps] :
	     {std::pair{self->video_pad, video}, std::pair{self->audio_pad, audio}}) {
		gst_pad_set_active(pad, TRUE);
		g_autofree gchar *id =
		        gst_pad_create_stream_id(pad, GST_ELEMENT(self), GST_PAD_NAME(pad));
		for (GstEvent *e : {gst_event_new_stream_start(id), gst_event_new_caps(caps)}) {
			gst_pad_store_sticky_event(pad, e);
			gst_event_unref(e);
		}
	}
}

/* A source made from a URI is looked at in NULL: uridecodebin (1.22) exposes its pads as
 * they are only if they have raw caps already (as a demuxer's pads have when it adds
 * them); pads without caps get one decodebin, linked to the first pad only (the other
 * stream would play nothing). So the document is read now (not its assets) to give both
 * pads their caps; one that cannot be read gets none and fails at NULL->READY as usual. */
void announce_document(JtlTimelineSrc *self)
{
	Settings settings;
	GST_OBJECT_LOCK(self);
	settings = self->priv->settings;
	GST_OBJECT_UNLOCK(self);
	jtl::EditorStateResult result;
	std::string path = location_path(settings.location);
	if (!jtl::load_editor_state_file(path.c_str(), {}, &result, nullptr) || !result.valid())
		return;
	self->priv->state.timeline = std::move(result.timeline);
	compute_output(self, settings);
	announce_caps(self);
}

/* Removes the whole graph (branches and fixed part); the timeline stays loaded. */
void teardown_graph(JtlTimelineSrc *self)
{
	State &st = self->priv->state;
	stop_gates(self);
	std::list<std::unique_ptr<LiveBranch>> live;
	{
		std::lock_guard<std::mutex> guard(st.schedule_lock);
		live.swap(st.live);
		st.plan.clear();
		st.next = 0;
	}
	std::vector<GstElement *> children;
	{
		std::lock_guard<std::mutex> guard(st.lock);
		children.swap(st.children);
	}
	/* the fixed part first: it stops the mixers, which stops the branches feeding them */
	for (GstElement *e : children)
		gst_element_set_state(e, GST_STATE_NULL);
	for (auto &b : live)
		release_branch(self, b.get());
	/* only now: a source still pushing into an unlinked ghost pad posts an error */
	gst_ghost_pad_set_target(GST_GHOST_PAD(self->video_pad), nullptr);
	gst_ghost_pad_set_target(GST_GHOST_PAD(self->audio_pad), nullptr);
	for (GstElement *e : children)
		gst_bin_remove(GST_BIN(self), e);
	/* and anything a decoder added while its branch was being released */
	for (;;) {
		GST_OBJECT_LOCK(self);
		GstElement *e = GST_BIN_CHILDREN(self)
		                        ? GST_ELEMENT(gst_object_ref(GST_BIN_CHILDREN(self)->data))
		                        : nullptr;
		GST_OBJECT_UNLOCK(self);
		if (!e)
			break;
		GST_DEBUG_OBJECT(self, "removing the stray %" GST_PTR_FORMAT, e);
		gst_element_set_locked_state(e, TRUE);
		gst_element_set_state(e, GST_STATE_NULL);
		gst_bin_remove(GST_BIN(self), e);
		gst_object_unref(e);
	}
	st.ctx.comp = st.ctx.mixer = nullptr;
	st.ctx.compositors.clear();
	st.ctx.comp_above.clear();
}

bool build(JtlTimelineSrc *self)
{
	Settings settings;
	GST_OBJECT_LOCK(self);
	settings = self->priv->settings;
	GST_OBJECT_UNLOCK(self);
	if (!load(self, settings))
		return false;
	compute_output(self, settings);
	if (!negotiate_output(self, settings))
		return false;
	State &st = self->priv->state;
	st.max_live = 0;
	st.built = 0;
	{
		std::lock_guard<std::mutex> guard(st.seek_lock);
		st.seek_seqnum = GST_SEQNUM_INVALID;
		st.segment_seek = false;
	}
	st.segment_done = 0;
	return build_graph(self, 0, GST_CLOCK_TIME_NONE);
}

void teardown(JtlTimelineSrc *self)
{
	teardown_graph(self);
	State &st = self->priv->state;
	std::lock_guard<std::mutex> serial(self->priv->update_lock);
	std::lock_guard<std::mutex> guard(st.schedule_lock);
	st.timeline.reset();
	st.pending.reset();
	st.retired.clear();
	st.pending_changed.clear();
}

} /* namespace jtlsrc */
