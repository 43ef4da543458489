// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: a source bin that renders editor JSON to raw video and audio.
// The GObject glue of the element (its other parts: jtltimelinesrc-private.h). Over 800
// lines because class_init declares ~20 properties with their documentation (~170 lines).
/**
 * SECTION:element-jsontimelinesrc
 *
 * Renders an editor JSON document (Indream editorState v1, or a request wrapping one)
 * to raw video on the always-present `video` pad and raw 48 kHz stereo audio on the
 * `audio` pad. Inside, every visual item is a branch into a compositor whose pad
 * properties follow the item's keyframes frame by frame (lib/jsontimeline/plan.h), and
 * every audible item a branch into an audiomixer.
 *
 * The graph is dynamic: a branch is built one second (of stream time) before its item
 * starts and released half a second after it ends, so a timeline of hundreds of clips
 * holds only the decoders of the clips around the current position
 * (#JtlTimelineSrc:max-live-branches tells how many were alive at once).
 *
 * A flushing seek in TIME format renders a range of the timeline: the graph is rebuilt
 * for [start, stop) and the pads send a segment of that range, so that downstream
 * running time starts at 0 at the range start. With the SEGMENT flag, the end of the
 * range sends SEGMENT_DONE instead of EOS.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 jsontimelinesrc location=promo.json name=t \
 *     t.video ! videoconvert ! autovideosink  t.audio ! audioconvert ! autoaudiosink
 * ]|
 */
#include "jtltimelinesrc-private.h"

using namespace jtlsrc;

GST_DEBUG_CATEGORY_STATIC(jtl_timeline_src_debug);

GstDebugCategory *jtlsrc::debug_category()
{
	return jtl_timeline_src_debug;
}

enum {
	PROP_0,
	PROP_LOCATION,
	PROP_JSON,
	PROP_WIDTH,
	PROP_HEIGHT,
	PROP_FPS,
	PROP_SCALE,
	PROP_ASSET_BASE,
	PROP_DURATION,
	PROP_MAX_LIVE_BRANCHES,
	PROP_BRANCHES_BUILT,
	PROP_CACHE_DIR,
	PROP_FETCH_TIMEOUT,
	PROP_FETCH_REFUSE_PRIVATE,
	PROP_FETCH_ALLOW_HOSTS,
	PROP_ASSET_ROOT,
	PROP_CACHE_MAX_BYTES,
	PROP_RETAINED_VERSIONS,
	PROP_MISSING_ILLUSTRATION,
	PROP_TRACE_ITEMS,
};

namespace jtlsrc {

/* The values of the missing-illustration property: jtl::MissingIllustration. */
GType missing_illustration_type()
{
	static gsize type = 0;
	if (g_once_init_enter(&type)) {
		static const GEnumValue values[] = {
		        {int(jtl::MissingIllustration::Error), "Fail, naming the item", "error"},
		        {int(jtl::MissingIllustration::Placeholder),
		         "Draw a placeholder of the item's box, with a warning", "placeholder"},
		        {0, nullptr, nullptr}};
		g_once_init_leave(&type, g_enum_register_static("JtlMissingIllustration", values));
	}
	return GType(type);
}

} /* namespace jtlsrc */

static void jtl_timeline_src_uri_handler_init(gpointer iface, gpointer data);
G_DEFINE_TYPE_WITH_CODE(JtlTimelineSrc, jtl_timeline_src, GST_TYPE_BIN,
                        G_IMPLEMENT_INTERFACE(GST_TYPE_URI_HANDLER,
                                              jtl_timeline_src_uri_handler_init))
GST_ELEMENT_REGISTER_DEFINE(jsontimelinesrc, "jsontimelinesrc", GST_RANK_NONE,
                            JTL_TYPE_TIMELINE_SRC);
namespace jtlsrc {
gpointer parent_class()
{
	return jtl_timeline_src_parent_class;
}
static GstStaticPadTemplate video_template = GST_STATIC_PAD_TEMPLATE(
        "video", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS("video/x-raw, format = (string) " JTL_OUTPUT_FORMATS
                        ", width = (int) [ 2, 32768 ], height = (int) [ 2, 32768 ], "
                        "framerate = (fraction) [ 1/1, 240/1 ], "
                        "pixel-aspect-ratio = (fraction) 1/1"));
static GstStaticPadTemplate audio_template = GST_STATIC_PAD_TEMPLATE(
        "audio", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS("audio/x-raw, format = (string) S16LE, rate = (int) 48000, "
                        "channels = (int) 2, layout = (string) interleaved"));
GstStaticPadTemplate *video_pad_template()
{
	return &video_template;
}
GstStaticPadTemplate *audio_pad_template()
{
	return &audio_template;
}
} /* namespace jtlsrc */

namespace jtlsrc {

/* The document's path from location: a path or a file:// URI. */
std::string location_path(const std::string &location)
{
	if (location.rfind("file://", 0) == 0) {
		g_autofree gchar *p = g_filename_from_uri(location.c_str(), nullptr, nullptr);
		if (p)
			return p;
	}
	return location;
}

/* The asset policy of the settings: asset-root, the fetch guard, and relative paths
 * against asset-base, else the document's directory. Every file or URL a document names
 * is read through it (jsontimeline/asset-policy.h). */
jtl::AssetPolicy policy_of(const Settings &settings)
{
	jtl::AssetPolicy p;
	p.root = settings.asset_root;
	p.base = settings.asset_base;
	if (p.base.empty() && !settings.location.empty() && settings.json.empty()) {
		g_autofree gchar *dir = g_path_get_dirname(settings.location.c_str());
		p.base = dir;
	}
	p.refuse_private = settings.fetch_refuse_private;
	g_auto(GStrv) hosts = g_strsplit(settings.fetch_allow_hosts.c_str(), ",", -1);
	for (char **h = hosts; *h; h++)
		if (*g_strstrip(*h))
			p.allow_hosts.push_back(*h);
	return p;
}

/* The transitions of a timeline; the files of incoming images are read through policy
 * to know whether they are opaque (jtl::incoming_cover()). */
jtl::ClipSpans spans_of(const jtl::Timeline &tl, const jtl::AssetPolicy &policy,
                        std::vector<std::string> *warnings)
{
	return jtl::plan_transitions(tl, warnings, [&](const jtl::Item &item) {
		const jtl::MediaData *media = item.as<jtl::MediaData>();
		const jtl::Asset *asset = media ? tl.asset(media->asset_id) : nullptr;
		std::string error;
		std::string path = asset ? jtl::resolve_asset_path(*asset, policy, &error) : "";
		return !path.empty() && jtl::image_is_opaque(path);
	});
}

/* The download settings (the policy gives the address guard). */
jtl::FetchOptions fetch_options_of(const Settings &settings)
{
	jtl::FetchOptions fetch;
	fetch.cache_dir = settings.cache_dir;
	fetch.timeout_seconds = settings.fetch_timeout;
	fetch.cache_max_bytes = settings.cache_max_bytes;
	return fetch;
}

bool load(JtlTimelineSrc *self, Settings &settings)
{
	jtl::EditorStateResult result;
	if (!settings.json.empty()) {
		result = jtl::load_editor_state(settings.json);
	} else if (!settings.location.empty()) {
		std::string path = location_path(settings.location);
		g_autoptr(GError) error = nullptr;
		if (!jtl::load_editor_state_file(path.c_str(), {}, &result, &error)) {
			JTL_FILE_ERROR(self, !g_file_test(path.c_str(), G_FILE_TEST_EXISTS),
			               OPEN_READ,
			               ("Could not read the document \"%s\".", path.c_str()),
			               ("%s", error->message));
			return false;
		}
	} else {
		GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("No document to render."),
		                  ("set the \"location\" or the \"json\" property"));
		return false;
	}
	if (!result.valid()) {
		const jtl::Diagnostic d = result.diagnostics.errors().front();
		GST_ELEMENT_ERROR(self, STREAM, FORMAT,
		                  ("Invalid document at %s: %s",
		                   d.path.empty() ? "/" : d.path.c_str(), d.message.c_str()),
		                  ("%s (%zu errors in all)", d.code.c_str(),
		                   result.diagnostics.error_count()));
		return false;
	}
	for (const jtl::Diagnostic &d : result.diagnostics.warnings())
		GST_WARNING_OBJECT(self, "%s: %s (%s)", d.path.c_str(), d.message.c_str(),
		                   d.code.c_str());
	/* http(s) assets are downloaded and local files checked against the policy here
	 * (NULL->READY, the application's thread) */
	std::string asset_error, asset_path;
	bool missing = false;
	if (!jtl::admit_assets(*result.timeline, policy_of(settings), fetch_options_of(settings),
	                       &asset_error, &asset_path, &missing)) {
		JTL_FILE_ERROR(self, missing, READ,
		               ("%s: %s.", asset_path.c_str(), asset_error.c_str()),
		               ("%s", asset_path.c_str()));
		return false;
	}
	/* the text itself, for live updates (merge patches apply to it) */
	std::string text = settings.json;
	if (text.empty()) {
		gchar *contents = nullptr;
		gsize length = 0;
		std::string path = location_path(settings.location);
		if (g_file_get_contents(path.c_str(), &contents, &length, nullptr)) {
			text.assign(contents, length);
			g_free(contents);
		}
	}
	{
		std::lock_guard<std::mutex> guard(self->priv->state.schedule_lock);
		self->priv->state.document = std::move(text);
		self->priv->state.pending.reset();
	}
	std::vector<std::string> warnings;
	self->priv->state.spans = spans_of(*result.timeline, policy_of(settings), &warnings);
	for (const std::string &w : warnings)
		GST_ELEMENT_WARNING(self, STREAM, FORMAT, ("%s.", w.c_str()), (nullptr));
	self->priv->state.timeline = std::move(result.timeline);
	return true;
}

} /* namespace jtlsrc */

/* An error from inside a media branch (an undecodable file, ...) is posted again naming
 * the item's JSON path, so that the user learns which asset is at fault. */
static void jtl_timeline_src_handle_message(GstBin *bin, GstMessage *msg)
{
	/* a decoder built while streaming goes through an asynchronous state change of its
	 * own; the mixers wait for its data, so the bin (and the pipeline) need not: its
	 * ASYNC messages would make them lose and regain their state over and over */
	if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ASYNC_START ||
	    GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ASYNC_DONE) {
		for (GstObject *o = GST_MESSAGE_SRC(msg); o; o = GST_OBJECT_PARENT(o)) {
			const char *kind = static_cast<const char *>(
			        g_object_get_qdata(G_OBJECT(o), item_kind_quark()));
			if (kind && strcmp(kind, "media") == 0) {
				gst_message_unref(msg);
				return;
			}
		}
	}
	/* a text's missing font family (a warning of a text or captions item's element), an
	 * undecodable file (an error) */
	GstMessageType type = GST_MESSAGE_TYPE(msg);
	if (type == GST_MESSAGE_WARNING || type == GST_MESSAGE_ERROR) {
		/* an element of a branch being released (released_quark()) */
		for (GstObject *o = GST_MESSAGE_SRC(msg); o; o = GST_OBJECT_PARENT(o))
			if (g_object_get_qdata(G_OBJECT(o), released_quark())) {
				GST_DEBUG_OBJECT(bin,
				                 "dropped %" GST_PTR_FORMAT " of a released branch",
				                 msg);
				gst_message_unref(msg);
				return;
			}
		bool warning = type == GST_MESSAGE_WARNING;
		for (GstObject *o = GST_MESSAGE_SRC(msg); o; o = GST_OBJECT_PARENT(o)) {
			const char *kind = static_cast<const char *>(
			        g_object_get_qdata(G_OBJECT(o), item_kind_quark()));
			/* errors of media branches, warnings of texts and captions */
			if (!kind || warning == (strcmp(kind, "media") == 0))
				continue;
			const char *path = static_cast<const char *>(
			        g_object_get_qdata(G_OBJECT(o), item_path_quark()));
			if (warning) {
				g_autoptr(GError) error = nullptr;
				gst_message_parse_warning(msg, &error, nullptr);
				GstMessage *own =
				        font_warning(JTL_TIMELINE_SRC(bin), path, error->message);
				gst_message_unref(msg);
				if (own)
					GST_BIN_CLASS(jtl_timeline_src_parent_class)
					        ->handle_message(bin, own);
				return;
			}
			g_autoptr(GError) error = nullptr;
			g_autofree gchar *debug = nullptr;
			gst_message_parse_error(msg, &error, &debug);
			g_autofree gchar *text =
			        g_strdup_printf("The media of the item at %s cannot be played: %s",
			                        path, error->message);
			g_autofree gchar *details =
			        g_strdup_printf("%s/assetId: %s", path, debug ? debug : "");
			GError *e = g_error_new_literal(error->domain, error->code, text);
			GstMessage *own = gst_message_new_error(GST_OBJECT(bin), e, details);
			g_error_free(e);
			gst_message_unref(msg);
			GST_BIN_CLASS(jtl_timeline_src_parent_class)->handle_message(bin, own);
			return;
		}
	}
	GST_BIN_CLASS(jtl_timeline_src_parent_class)->handle_message(bin, msg);
}

static GstStateChangeReturn jtl_timeline_src_change_state(GstElement *element,
                                                          GstStateChange transition)
{
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(element);
	if (transition == GST_STATE_CHANGE_NULL_TO_READY && !build(self)) {
		teardown(self);
		return GST_STATE_CHANGE_FAILURE;
	}
	if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
		stop_gates(self); /* before the sources stop: a gate may wait */
	if (transition == GST_STATE_CHANGE_READY_TO_PAUSED &&
	    self->priv->state.ctx.comp == nullptr && !build_graph(self, 0, GST_CLOCK_TIME_NONE)) {
		teardown_graph(self);
		return GST_STATE_CHANGE_FAILURE;
	}
	GstStateChangeReturn ret =
	        GST_ELEMENT_CLASS(jtl_timeline_src_parent_class)->change_state(element, transition);
	if (transition == GST_STATE_CHANGE_NULL_TO_READY && ret != GST_STATE_CHANGE_FAILURE)
		announce_caps(self);
	if (transition == GST_STATE_CHANGE_READY_TO_NULL) {
		for (GstPad *pad : {self->video_pad, self->audio_pad})
			gst_pad_set_active(pad, FALSE);
		teardown(self);
	}
	if (transition == GST_STATE_CHANGE_PAUSED_TO_READY && self->priv->state.timeline) {
		/* a new graph of the whole timeline on the next READY->PAUSED */
		teardown_graph(self);
		std::lock_guard<std::mutex> guard(self->priv->state.seek_lock);
		self->priv->state.seek_seqnum = GST_SEQNUM_INVALID;
		self->priv->state.segment_seek = false;
	}
	return ret;
}

static gboolean jtl_timeline_src_apply_patch(JtlTimelineSrc *self, const gchar *patch)
{
	std::string why;
	return request_update(self, patch ? patch : "", true, &why);
}

static void jtl_timeline_src_set_property(GObject *object, guint id, const GValue *value,
                                          GParamSpec *pspec)
{
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(object);
	Settings &s = self->priv->settings;
	if (id == PROP_JSON) {
		/* outside the object lock: schedule_lock is never taken inside it */
		std::string text = jtl_value_string(value);
		bool loaded;
		{
			std::lock_guard<std::mutex> guard(self->priv->state.schedule_lock);
			loaded = self->priv->state.timeline != nullptr;
			if (!loaded)
				self->priv->state.document.clear();
		}
		if (loaded) {
			/* while loaded: a new version of the document, applied at the next frame */
			std::string why;
			request_update(self, text, false, &why);
			return;
		}
		GST_OBJECT_LOCK(self);
		s.json = std::move(text);
		GST_OBJECT_UNLOCK(self);
		return;
	}
	if (id == PROP_WIDTH || id == PROP_HEIGHT || id == PROP_FPS || id == PROP_SCALE) {
		/* the output's size and rate are fixed when the document loads (NULL->READY):
		 * a later change is refused rather than read back and ignored */
		bool loaded;
		{
			std::lock_guard<std::mutex> guard(self->priv->state.schedule_lock);
			loaded = self->priv->state.timeline != nullptr;
		}
		if (loaded) {
			GST_ELEMENT_WARNING(self, CORE, STATE_CHANGE,
			                    ("%s can only be changed in the NULL state.",
			                     g_param_spec_get_name(pspec)),
			                    ("the document is loaded; the change is ignored"));
			return;
		}
	}
	GST_OBJECT_LOCK(self);
	switch (id) {
	case PROP_LOCATION:
		s.location = jtl_value_string(value);
		break;
	case PROP_WIDTH:
		s.width = g_value_get_int(value);
		break;
	case PROP_HEIGHT:
		s.height = g_value_get_int(value);
		break;
	case PROP_FPS:
		s.fps = g_value_get_int(value);
		break;
	case PROP_SCALE:
		s.scale = g_value_get_double(value);
		break;
	case PROP_ASSET_BASE:
		s.asset_base = jtl_value_string(value);
		break;
	case PROP_CACHE_DIR:
		s.cache_dir = jtl_value_string(value);
		break;
	case PROP_FETCH_REFUSE_PRIVATE:
		s.fetch_refuse_private = g_value_get_boolean(value);
		break;
	case PROP_FETCH_ALLOW_HOSTS:
		s.fetch_allow_hosts = jtl_value_string(value);
		break;
	case PROP_ASSET_ROOT:
		s.asset_root = jtl_value_string(value);
		break;
	case PROP_CACHE_MAX_BYTES:
		s.cache_max_bytes = g_value_get_uint64(value);
		break;
	case PROP_FETCH_TIMEOUT:
		s.fetch_timeout = g_value_get_double(value);
		break;
	case PROP_MISSING_ILLUSTRATION:
		s.missing_illustration = g_value_get_enum(value);
		break;
	case PROP_TRACE_ITEMS:
		s.trace_items = g_value_get_boolean(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

static void jtl_timeline_src_get_property(GObject *object, guint id, GValue *value,
                                          GParamSpec *pspec)
{
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(object);
	const Settings &s = self->priv->settings;
	if (id == PROP_JSON) {
		/* the version played last (live updates included), else the property's;
		 * schedule_lock is never taken inside the object lock */
		std::string doc;
		{
			std::lock_guard<std::mutex> guard(self->priv->state.schedule_lock);
			doc = self->priv->state.document;
		}
		GST_OBJECT_LOCK(self);
		if (doc.empty())
			doc = s.json;
		GST_OBJECT_UNLOCK(self);
		g_value_set_string(value, doc.empty() ? nullptr : doc.c_str());
		return;
	}
	if (id == PROP_RETAINED_VERSIONS) {
		std::lock_guard<std::mutex> guard(self->priv->state.schedule_lock);
		forget_freed_versions(self->priv->state);
		g_value_set_uint(value, guint(self->priv->state.retired.size()));
		return;
	}
	GST_OBJECT_LOCK(self);
	switch (id) {
	case PROP_LOCATION:
		g_value_set_string(value, s.location.empty() ? nullptr : s.location.c_str());
		break;
	case PROP_WIDTH:
		g_value_set_int(value, s.width);
		break;
	case PROP_HEIGHT:
		g_value_set_int(value, s.height);
		break;
	case PROP_FPS:
		g_value_set_int(value, s.fps);
		break;
	case PROP_SCALE:
		g_value_set_double(value, s.scale);
		break;
	case PROP_ASSET_BASE:
		g_value_set_string(value, s.asset_base.empty() ? nullptr : s.asset_base.c_str());
		break;
	case PROP_CACHE_DIR:
		g_value_set_string(value, s.cache_dir.empty() ? nullptr : s.cache_dir.c_str());
		break;
	case PROP_FETCH_REFUSE_PRIVATE:
		g_value_set_boolean(value, s.fetch_refuse_private);
		break;
	case PROP_FETCH_ALLOW_HOSTS:
		g_value_set_string(value, s.fetch_allow_hosts.c_str());
		break;
	case PROP_ASSET_ROOT:
		g_value_set_string(value, s.asset_root.c_str());
		break;
	case PROP_CACHE_MAX_BYTES:
		g_value_set_uint64(value, s.cache_max_bytes);
		break;
	case PROP_FETCH_TIMEOUT:
		g_value_set_double(value, s.fetch_timeout);
		break;
	case PROP_MISSING_ILLUSTRATION:
		g_value_set_enum(value, s.missing_illustration);
		break;
	case PROP_TRACE_ITEMS:
		g_value_set_boolean(value, s.trace_items);
		break;
	case PROP_DURATION:
		g_value_set_uint64(value, self->priv->state.duration);
		break;
	case PROP_MAX_LIVE_BRANCHES:
		g_value_set_uint(value, self->priv->state.max_live);
		break;
	case PROP_BRANCHES_BUILT:
		g_value_set_uint(value, self->priv->state.built);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

static void jtl_timeline_src_finalize(GObject *object)
{
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(object);
	delete self->priv;
	G_OBJECT_CLASS(jtl_timeline_src_parent_class)->finalize(object);
}

/* Decoders inside media branches: libav's frame threads each hold a picture buffer set
 * (tens of megabytes at 1080p per decoder, and a few decoders are alive around a cut);
 * the mixers and the encoder keep the cores busy, so one thread per decoder costs little
 * time and much less memory. */
static void on_deep_element_added(GstBin *, GstBin *, GstElement *element, gpointer)
{
	GstElementFactory *f = gst_element_get_factory(element);
	if (f && g_str_has_prefix(GST_OBJECT_NAME(f), "avdec_") &&
	    g_object_class_find_property(G_OBJECT_GET_CLASS(element), "max-threads"))
		g_object_set(element, "max-threads", 1, nullptr);
}

/* Progress as element messages, from the pictures going out: every quarter second of
 * output and at the last frame. */
static GstPadProbeReturn progress_probe(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	JtlTimelineSrc *self = JTL_TIMELINE_SRC(data);
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
	const Context &ctx = self->priv->state.ctx;
	if (!GST_BUFFER_PTS_IS_VALID(buf) || ctx.fps <= 0 || ctx.range.k1 <= ctx.range.k0)
		return GST_PAD_PROBE_OK;
	uint64_t k = first_frame_at(GST_BUFFER_PTS(buf), ctx.fps);
	uint64_t done = k + 1 > ctx.range.k0 ? k + 1 - ctx.range.k0 : 0;
	uint64_t total = ctx.range.k1 - ctx.range.k0;
	uint64_t step = std::max(1, ctx.fps / 4);
	if (done == 0 || (done % step != 0 && done != total))
		return GST_PAD_PROBE_OK;
	gst_element_post_message(
	        GST_ELEMENT(self),
	        gst_message_new_element(
	                GST_OBJECT(self),
	                gst_structure_new("jsontimeline-progress", "position", G_TYPE_UINT64,
	                                  guint64(jtl::frame_to_ns(k + 1, ctx.fps, 1)), "duration",
	                                  G_TYPE_UINT64,
	                                  guint64(jtl::frame_to_ns(ctx.range.k1, ctx.fps, 1)),
	                                  "frames-done", G_TYPE_UINT64, guint64(done), "frames",
	                                  G_TYPE_UINT64, guint64(total), nullptr)));
	return GST_PAD_PROBE_OK;
}

/* GstURIHandler: jsontimeline:///path/doc.json is location=/path/doc.json, so that
 * playbin, uridecodebin and gst-play-1.0 play a document (gst-play-1.0
 * jsontimeline:///path/doc.json); the rest of the URI is read as a file:// URI's. */
static GstURIType jtl_timeline_src_uri_get_type(GType)
{
	return GST_URI_SRC;
}

static const gchar *const *jtl_timeline_src_uri_get_protocols(GType)
{
	static const gchar *const protocols[] = {"jsontimeline", nullptr};
	return protocols;
}

static gchar *jtl_timeline_src_uri_get_uri(GstURIHandler *handler)
{
	g_autofree gchar *location = nullptr;
	g_object_get(handler, "location", &location, nullptr);
	if (!location || !*location)
		return nullptr;
	std::string path = location_path(location);
	if (!g_path_is_absolute(path.c_str())) {
		g_autofree gchar *dir = g_get_current_dir();
		g_autofree gchar *abs = g_build_filename(dir, path.c_str(), nullptr);
		path = abs;
	}
	g_autofree gchar *uri = g_filename_to_uri(path.c_str(), nullptr, nullptr);
	if (!uri)
		return nullptr;
	return g_strconcat("jsontimeline", uri + strlen("file"), nullptr);
}

static gboolean jtl_timeline_src_uri_set_uri(GstURIHandler *handler, const gchar *uri,
                                             GError **error)
{
	if (GST_STATE(handler) > GST_STATE_READY) {
		g_set_error(error, GST_URI_ERROR, GST_URI_ERROR_BAD_STATE,
		            "the document can only change in the NULL or READY state");
		return FALSE;
	}
	const char *scheme = "jsontimeline:";
	if (!uri || g_ascii_strncasecmp(uri, scheme, strlen(scheme)) != 0) {
		g_set_error(error, GST_URI_ERROR, GST_URI_ERROR_UNSUPPORTED_PROTOCOL,
		            "not a jsontimeline: URI: %s", uri ? uri : "(null)");
		return FALSE;
	}
	g_autofree gchar *as_file = g_strconcat("file:", uri + strlen(scheme), nullptr);
	g_autofree gchar *path = g_filename_from_uri(as_file, nullptr, nullptr);
	if (!path) {
		g_set_error(error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
		            "%s names no file (jsontimeline:///path/doc.json)", uri);
		return FALSE;
	}
	g_object_set(handler, "location", path, nullptr);
	if (GST_STATE(handler) == GST_STATE_NULL)
		announce_document(JTL_TIMELINE_SRC(handler));
	return TRUE;
}

static void jtl_timeline_src_uri_handler_init(gpointer g_iface, gpointer)
{
	GstURIHandlerInterface *iface = static_cast<GstURIHandlerInterface *>(g_iface);
	iface->get_type = jtl_timeline_src_uri_get_type;
	iface->get_protocols = jtl_timeline_src_uri_get_protocols;
	iface->get_uri = jtl_timeline_src_uri_get_uri;
	iface->set_uri = jtl_timeline_src_uri_set_uri;
}

static void jtl_timeline_src_init(JtlTimelineSrc *self)
{
	g_signal_connect(self, "deep-element-added", G_CALLBACK(on_deep_element_added), nullptr);
	self->priv = new _JtlTimelineSrc::Private();
	GstPadTemplate *vt = gst_static_pad_template_get(&video_template);
	GstPadTemplate *at = gst_static_pad_template_get(&audio_template);
	self->video_pad = gst_ghost_pad_new_no_target_from_template("video", vt);
	self->audio_pad = gst_ghost_pad_new_no_target_from_template("audio", at);
	gst_object_unref(vt);
	gst_object_unref(at);
	for (GstPad *pad : {self->video_pad, self->audio_pad}) {
		gst_pad_set_event_function(pad, src_event);
		gst_pad_set_query_function(pad, src_query);
		g_autoptr(GstPad) internal =
		        GST_PAD(gst_proxy_pad_get_internal(GST_PROXY_PAD(pad)));
		gst_pad_set_chain_function(internal, output_chain);
		gst_pad_set_chain_list_function(internal, output_chain_list);
	}
	gst_element_add_pad(GST_ELEMENT(self), self->video_pad);
	gst_element_add_pad(GST_ELEMENT(self), self->audio_pad);
	gst_pad_add_probe(self->video_pad, GST_PAD_PROBE_TYPE_BUFFER, progress_probe, self,
	                  nullptr);
	GST_OBJECT_FLAG_SET(self, GST_ELEMENT_FLAG_SOURCE);
}

static void jtl_timeline_src_class_init(JtlTimelineSrcClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
	object_class->set_property = jtl_timeline_src_set_property;
	object_class->get_property = jtl_timeline_src_get_property;
	object_class->finalize = jtl_timeline_src_finalize;
	element_class->change_state = jtl_timeline_src_change_state;
	element_class->send_event = send_event;

	/**
	 * JtlTimelineSrc::apply-patch:
	 * @patch: a JSON Merge Patch (RFC 7386) of the document
	 *
	 * Changes the document while it plays: the patched version is validated and, when a
	 * running render allows the change (drawn items and their assets; not the size,
	 * duration, background, tracks, transitions, video, audio, effects, filters), it
	 * plays from the next frame the element makes. Returns %FALSE when refused (nothing
	 * changes); an element message "jsontimeline-update" (accepted, reason) is posted
	 * either way, and "jsontimeline-update-applied" (frame) when it takes effect.
	 * Setting #JtlTimelineSrc:json while the document is loaded does the same with a
	 * whole new version.
	 */
	g_signal_new_class_handler("apply-patch", G_TYPE_FROM_CLASS(klass),
	                           GSignalFlags(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
	                           G_CALLBACK(jtl_timeline_src_apply_patch), nullptr, nullptr,
	                           nullptr, G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
	GST_BIN_CLASS(klass)->handle_message = jtl_timeline_src_handle_message;

	const GParamFlags rw =
	        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
	g_object_class_install_property(
	        object_class, PROP_LOCATION,
	        g_param_spec_string("location", "Location",
	                            "Path or file:// URI of the editor JSON document", nullptr,
	                            rw));
	g_object_class_install_property(
	        object_class, PROP_JSON,
	        g_param_spec_string("json", "JSON",
	                            "The editor JSON document itself (takes precedence over "
	                            "location); set once loaded (READY and up): a new version, "
	                            "applied at the next frame",
	                            nullptr,
	                            GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
	                                        GST_PARAM_MUTABLE_PLAYING)));
	/* fixed when the document loads (NULL->READY): changeable in NULL only, a later
	 * change refused with a warning */
	const GParamFlags null_only = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_property(
	        object_class, PROP_WIDTH,
	        g_param_spec_int("width", "Width",
	                         "Output width in pixels before scale (0 = compositionWidth); "
	                         "NULL state only",
	                         0, 16384, 0, null_only));
	g_object_class_install_property(
	        object_class, PROP_HEIGHT,
	        g_param_spec_int("height", "Height",
	                         "Output height in pixels before scale (0 = compositionHeight); "
	                         "NULL state only",
	                         0, 16384, 0, null_only));
	g_object_class_install_property(
	        object_class, PROP_FPS,
	        g_param_spec_int("fps", "Frames per second",
	                         "Output frame rate (0 = the request's fps, else 30); NULL state "
	                         "only",
	                         0, 240, 0, null_only));
	g_object_class_install_property(
	        object_class, PROP_SCALE,
	        g_param_spec_double("scale", "Scale",
	                            "Output size = composition size x scale (0: the request's "
	                            "scale, else 1); NULL state only",
	                            0.0, 8.0, 0.0, null_only));
	g_object_class_install_property(
	        object_class, PROP_ASSET_BASE,
	        g_param_spec_string("asset-base", "Asset base",
	                            "Directory or URI that relative asset locations resolve "
	                            "against (default: the document's directory)",
	                            nullptr, rw));
	g_object_class_install_property(
	        object_class, PROP_CACHE_DIR,
	        g_param_spec_string("cache-dir", "Cache directory",
	                            "Directory that http(s) assets are downloaded into and kept in "
	                            "(default: $XDG_CACHE_HOME/jsontimeline/remote)",
	                            nullptr, rw));
	g_object_class_install_property(
	        object_class, PROP_FETCH_TIMEOUT,
	        g_param_spec_double("fetch-timeout", "Fetch timeout",
	                            "Longest time in seconds the download of one http(s) asset may "
	                            "take, whole transfer (0 = no limit)",
	                            0.0, 86400.0, 120.0, rw));
	g_object_class_install_property(
	        object_class, PROP_FETCH_REFUSE_PRIVATE,
	        g_param_spec_boolean("fetch-refuse-private", "Refuse private addresses",
	                             "Refuse to download assets from loopback, private, "
	                             "link-local and metadata addresses (checked at connect time, "
	                             "after DNS and at every redirect)",
	                             FALSE, rw));
	g_object_class_install_property(
	        object_class, PROP_FETCH_ALLOW_HOSTS,
	        g_param_spec_string("fetch-allow-hosts", "Allowed hosts",
	                            "Comma-separated hosts that fetch-refuse-private lets through",
	                            "", rw));
	g_object_class_install_property(
	        object_class, PROP_ASSET_ROOT,
	        g_param_spec_string("asset-root", "Asset root",
	                            "Local asset files must be inside this directory (links "
	                            "followed); empty: anywhere",
	                            "", rw));

	g_object_class_install_property(
	        object_class, PROP_CACHE_MAX_BYTES,
	        g_param_spec_uint64("cache-max-bytes", "Cache size limit",
	                            "Bytes the remote asset cache may hold: past it the files used "
	                            "longest ago are deleted; 0: no limit",
	                            0, G_MAXUINT64, jtl::kDefaultCacheMaxBytes, rw));

	g_object_class_install_property(
	        object_class, PROP_DURATION,
	        g_param_spec_uint64("duration", "Duration",
	                            "Duration of the output in nanoseconds (frames / fps), known "
	                            "from the READY state on; 0 before",
	                            0, G_MAXUINT64, 0,
	                            GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

	g_object_class_install_property(
	        object_class, PROP_MAX_LIVE_BRANCHES,
	        g_param_spec_uint("max-live-branches", "Most live branches",
	                          "The most item branches alive at once since the last "
	                          "NULL->READY (the graph builds a branch shortly before its "
	                          "item starts and releases it after it ends)",
	                          0, G_MAXUINT, 0,
	                          GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
	g_object_class_install_property(
	        object_class, PROP_BRANCHES_BUILT,
	        g_param_spec_uint("branches-built", "Branches built",
	                          "Item branches built since the last NULL->READY", 0, G_MAXUINT, 0,
	                          GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
	g_object_class_install_property(
	        object_class, PROP_RETAINED_VERSIONS,
	        g_param_spec_uint("retained-versions", "Retained versions",
	                          "Earlier versions of the document (replaced by live updates) "
	                          "still kept in memory because a live branch was built from them",
	                          0, G_MAXUINT, 0,
	                          GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
	g_object_class_install_property(
	        object_class, PROP_MISSING_ILLUSTRATION,
	        g_param_spec_enum("missing-illustration", "Missing illustration",
	                          "What an illustration item whose name is not built in becomes: "
	                          "an error naming its JSON pointer, or a placeholder of its box "
	                          "in its colour with a warning",
	                          missing_illustration_type(), 0, rw));

	g_object_class_install_property(
	        object_class, PROP_TRACE_ITEMS,
	        g_param_spec_boolean(
	                "trace-items", "Trace items",
	                "Post a \"jsontimeline-frame-items\" element message per output frame: "
	                "the items whose pictures the compositor was given (\"drawn\") and "
	                "those the document shows on that frame (\"model\"), to check renders; "
	                "read when the graph is built (NULL->READY)",
	                FALSE, rw));

	gst_element_class_add_static_pad_template(element_class, &video_template);
	gst_element_class_add_static_pad_template(element_class, &audio_template);
	gst_element_class_set_static_metadata(
	        element_class, "Editor JSON timeline source", "Source/Video/Audio",
	        "Renders an editor JSON document (Indream editorState v1) to raw video and audio",
	        "jsontimeline developers");
	GST_DEBUG_CATEGORY_INIT(jtl_timeline_src_debug, "jsontimelinesrc", 0,
	                        "editor JSON timeline source");
}
