// SPDX-License-Identifier: LGPL-2.1-or-later
// captionrender: timed captions drawn over video, word by word, in short-form video style.
/**
 * SECTION:element-captionrender
 *
 * Draws timed captions over video. The captions come from an SRT or WebVTT file
 * (#JtlCaptionRender:location), from caption entries as JSON
 * (#JtlCaptionRender:captions, `[{"text", "startMs", "endMs"}]`, word or line timed), from
 * a subtitle stream linked to the `text_sink` pad (`subparse`, `text/x-raw`), or from a
 * single #JtlCaptionRender:text shown all along (a text with caption animations).
 *
 * Words are grouped into pages no longer than #JtlCaptionRender:page-duration that wrap
 * into at most #JtlCaptionRender:max-lines lines inside the box; the word being spoken is
 * drawn in #JtlCaptionRender:highlight-color (word-timed captions only). Caption time is
 * the frame's stream time plus #JtlCaptionRender:offset. The in/out/loop animations act on
 * the glyphs inside the box: converge, elastic-pop, typewriter, lay-down, center-type-out,
 * curtain-close, jitter, rainbow, sweep-shine.
 *
 * A page is drawn once and reused while nothing in it changes (the highlighted word
 * moves, an animation runs). Glyphs past the box (lines over its height, an animation
 * moving them out) are drawn, not cut, as far as the frame goes. A font family that is
 * not installed is replaced by DejaVu Sans, with a warning on the bus.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=150 ! video/x-raw,width=1280,height=720 ! \
 *     videoconvert ! captionrender location=talk.srt font-size=48 \
 *     highlight-color=0xff39e508 animation-in=elastic-pop ! videoconvert ! autovideosink
 * ]|
 */
#include "jtlcaptionrender.h"

#include "common/enums.h"
#include "common/textlook.h"
#include "common/values.h"
#include "controlled.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gst/video/video-overlay-composition.h>
#include <pango/pango.h>

#include <jsontimeline/captions.h>
#include <jsontimeline/color.h>
#include <jsontimeline/draw.h>

GST_DEBUG_CATEGORY_STATIC(jtl_caption_render_debug);
#define GST_CAT_DEFAULT jtl_caption_render_debug

enum {
	PROP_0,
	PROP_LOCATION,
	PROP_CAPTIONS,
	PROP_TEXT,
	PROP_TEXT_DURATION,
	PROP_TIMING,
	PROP_PAGE_DURATION,
	PROP_MAX_LINES,
	PROP_OFFSET,
	PROP_FONT_FAMILY,
	PROP_FONT_WEIGHT,
	PROP_ITALIC,
	PROP_FONT_SIZE,
	PROP_LINE_HEIGHT,
	PROP_LETTER_SPACING,
	PROP_ALIGNMENT,
	PROP_DIRECTION,
	PROP_COLOR,
	PROP_HIGHLIGHT_COLOR,
	PROP_STROKE_WIDTH,
	PROP_STROKE_COLOR,
	PROP_BACKGROUND_COLOR,
	PROP_BACKGROUND_PADDING,
	PROP_BACKGROUND_RADIUS,
	PROP_X,
	PROP_Y,
	PROP_BOX_WIDTH,
	PROP_BOX_HEIGHT,
	PROP_OPACITY,
	PROP_ANIMATION_IN,
	PROP_ANIMATION_IN_DURATION,
	PROP_ANIMATION_OUT,
	PROP_ANIMATION_OUT_DURATION,
	PROP_ANIMATION_LOOP,
	PROP_ANIMATION_LOOP_DURATION,
	PROP_RTL,
	PROP_CSS_COLOR,
	PROP_CSS_HIGHLIGHT_COLOR,
	PROP_CSS_STROKE_COLOR,
	PROP_CSS_BACKGROUND_COLOR,
};

/* The properties of the text's look, shared with textoverlay-kf. */
static const JtlTextLookProps kLookProps = {
        PROP_FONT_WEIGHT,       PROP_ITALIC,    PROP_FONT_SIZE,    PROP_LINE_HEIGHT,
        PROP_LETTER_SPACING,    PROP_ALIGNMENT, PROP_STROKE_WIDTH, PROP_BACKGROUND_PADDING,
        PROP_BACKGROUND_RADIUS,
};

typedef enum { JTL_CAPTION_TIMING_WORD, JTL_CAPTION_TIMING_LINE } Timing;

static GType jtl_caption_align_get_type()
{
	static GType type = 0;
	return jtl_align_enum_type(&type, "JtlCaptionAlign");
}

static GType jtl_caption_timing_get_type()
{
	static GType type = 0;
	static const GEnumValue values[] = {
	        {JTL_CAPTION_TIMING_WORD, "Each entry is a word", "word"},
	        {JTL_CAPTION_TIMING_LINE, "Each entry is a line", "line"},
	        {0, nullptr, nullptr},
	};
	return jtl_enum_type_once(&type, "JtlCaptionTiming", values);
}

/* The glyph animations: none, or a jtl::CaptionAnimationType one above its value. */
static GType jtl_caption_animation_get_type()
{
	static GType type = 0;
	auto v = [](jtl::CaptionAnimationType t) { return int(t) + 1; };
	static const GEnumValue values[] = {
	        {0, "None", "none"},
#define JTL_X(e, name, label) {v(jtl::CaptionAnimationType::e), label, name},
	        JTL_CAPTION_ANIMATIONS(JTL_X)
#undef JTL_X
	                {0, nullptr, nullptr},
	};
	return jtl_enum_type_once(&type, "JtlCaptionAnimation", values);
}

namespace {

/* Property values; object lock. */
struct Settings {
	std::string location, captions, text;
	double text_duration = 0;
	int timing = JTL_CAPTION_TIMING_WORD;
	double page_duration = 0, offset = 0;
	int max_lines = 2;
	jtl::TextStyle style; /* family and colours (the rest of the look: look) */
	JtlTextLook look;
	int direction = JTL_TEXT_DIRECTION_LTR;
	/* 0xAARRGGBB; highlight and background: alpha 0 is none */
	guint color = 0xffffffff, stroke_color = 0xff000000;
	guint highlight_color = 0, background_color = 0;
	double x = -1, y = -1, box_width = 0, box_height = 0, opacity = 1;
	int animation[3] = {0, 0, 0}; /* JtlCaptionAnimation */
	double animation_duration[3] = {400, 400, 1000};
	unsigned generation = 1; /* bumped by every change but opacity */
};

/* Streaming state; streaming thread only (the text pad's part under text_lock). */
struct State {
	unsigned generation = 0; /* of the settings the pages were made from */
	unsigned text_generation = 0;
	double box_w = 0, box_h = 0; /* pixels, not rounded */
	Settings settings;
	std::vector<jtl::CaptionEntry> own_entries; /* from location / captions */
	std::vector<jtl::CaptionPage> pages;
	jtl::CaptionLook look;
	bool line_timed = false;
	/* the cached drawing, its box's corner at (picture_x, picture_y), and what it
	 * shows */
	jtl::Raster picture;
	int picture_x = 0, picture_y = 0;
	std::string warned_family;
	int picture_page = -2, picture_word = -2;
	bool errored = false;
	int fps = 30;
};

/* The subtitle stream of the text_sink pad. */
struct TextStream {
	std::mutex lock;
	GCond cond;
	GMutex cond_lock;
	std::vector<jtl::CaptionEntry> entries;
	double position_ms = -1e300; /* everything before it has arrived */
	bool eos = false, flushing = false;
	unsigned generation = 0;
	GstSegment segment;
};

} /* namespace */

struct _JtlCaptionRender {
	GstVideoFilter parent;
	GstPad *text_sink;
	struct Private {
		Settings settings;
		State state;
		TextStream text;
	} * priv;
};

G_DEFINE_TYPE(JtlCaptionRender, jtl_caption_render, GST_TYPE_VIDEO_FILTER)
GST_ELEMENT_REGISTER_DEFINE(captionrender, "captionrender", GST_RANK_NONE, JTL_TYPE_CAPTION_RENDER);

/* BGRA and BGRx are blended here in place; every other raw format through GStreamer's
 * overlay composition blending */
#define FORMATS GST_VIDEO_OVERLAY_COMPOSITION_BLEND_FORMATS

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
        "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(FORMATS)));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
        "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(FORMATS)));
static GstStaticPadTemplate text_template =
        GST_STATIC_PAD_TEMPLATE("text_sink", GST_PAD_SINK, GST_PAD_ALWAYS,
                                GST_STATIC_CAPS("text/x-raw, format = { utf8, pango-markup }"));

namespace {

bool read_animation(JtlCaptionRender *self, const Settings &s, int slot,
                    std::optional<jtl::CaptionAnimation> *out)
{
	out->reset();
	if (s.animation[slot] == 0)
		return true;
	jtl::CaptionAnimation a;
	a.type = jtl::CaptionAnimationType(s.animation[slot] - 1);
	a.duration = jtl::ms_to_ticks(s.animation_duration[slot]);
	*out = a;
	return true;
}

/* Reads the captions of the settings (file, JSON, text); false after posting an error. */
bool load_entries(JtlCaptionRender *self, State &st)
{
	const Settings &s = st.settings;
	st.own_entries.clear();
	st.line_timed = s.timing == JTL_CAPTION_TIMING_LINE;
	std::string error;
	if (!s.text.empty()) {
		double end = s.text_duration > 0 ? s.text_duration : 1e15;
		st.own_entries.push_back(jtl::CaptionEntry{s.text, 0, end, {}, {}});
		st.line_timed = true;
		return true;
	}
	if (!s.location.empty()) {
		gchar *contents = nullptr;
		gsize length = 0;
		GError *err = nullptr;
		if (!g_file_get_contents(s.location.c_str(), &contents, &length, &err)) {
			GST_ELEMENT_ERROR(
			        self, RESOURCE, OPEN_READ,
			        ("Cannot read the captions file \"%s\".", s.location.c_str()),
			        ("%s", err->message));
			g_error_free(err);
			return false;
		}
		bool ok = jtl::parse_subtitles(std::string(contents, length), &st.own_entries,
		                               &error);
		g_free(contents);
		if (!ok) {
			GST_ELEMENT_ERROR(self, STREAM, DECODE,
			                  ("The captions file \"%s\" cannot be read: %s.",
			                   s.location.c_str(), error.c_str()),
			                  (nullptr));
			return false;
		}
		st.line_timed = true;
	}
	if (!s.captions.empty()) {
		std::vector<jtl::CaptionEntry> more;
		if (!jtl::parse_caption_entries_json(s.captions, &more, &error)) {
			GST_ELEMENT_ERROR(
			        self, LIBRARY, SETTINGS,
			        ("The captions property cannot be read: %s.", error.c_str()),
			        (nullptr));
			return false;
		}
		st.own_entries.insert(st.own_entries.end(), more.begin(), more.end());
	}
	return true;
}

jtl::TextStyle text_style(const Settings &s)
{
	jtl::TextStyle ts = s.style;
	jtl_text_look_apply(s.look, &ts);
	ts.color = jtl_css_from_argb(s.color);
	ts.stroke_color = jtl_css_from_argb(s.stroke_color);
	ts.direction = s.direction == JTL_TEXT_DIRECTION_RTL ? jtl::TextDirection::Rtl
	                                                     : jtl::TextDirection::Ltr;
	if ((s.background_color >> 24) != 0)
		ts.background =
		        jtl::TextBackground{jtl_css_from_argb(s.background_color),
		                            s.look.background_padding, s.look.background_radius};
	return ts;
}

/* Pages from the entries of the settings and of the text stream. */
void paginate(State &st, const std::vector<jtl::CaptionEntry> &stream_entries)
{
	const Settings &s = st.settings;
	std::vector<jtl::CaptionEntry> all = st.own_entries;
	all.insert(all.end(), stream_entries.begin(), stream_entries.end());
	std::stable_sort(all.begin(), all.end(),
	                 [](const jtl::CaptionEntry &a, const jtl::CaptionEntry &b) {
		                 return a.start_ms < b.start_ms;
	                 });
	bool line = st.line_timed || !stream_entries.empty();
	jtl::TimingGranularity timing =
	        line ? jtl::TimingGranularity::Line : jtl::TimingGranularity::Word;
	jtl::TextStyle ts = text_style(s);
	double w = st.box_w;
	bool whole = !s.text.empty();
	auto lines = [&ts, w](const std::string &t) { return jtl::text_line_count(t, ts, w, 1.0); };
	st.pages =
	        jtl::paginate_captions(jtl::caption_words(all, timing), timing,
	                               whole || s.page_duration <= 0 ? 1e300 : s.page_duration,
	                               whole ? 1000000 : s.max_lines,
	                               whole ? std::function<int(const std::string &)>() : lines);
	st.look.highlight = !line;
	st.look.highlight_color =
	        (s.highlight_color >> 24) != 0 ? jtl_css_from_argb(s.highlight_color) : "";
	st.picture_page = -2;
}

} /* namespace */

static GstFlowReturn jtl_caption_render_transform_frame_ip(GstVideoFilter *filter,
                                                           GstVideoFrame *frame)
{
	JtlCaptionRender *self = JTL_CAPTION_RENDER(filter);
	auto *p = self->priv;
	State &st = p->state;
	int fw = GST_VIDEO_FRAME_WIDTH(frame), fh = GST_VIDEO_FRAME_HEIGHT(frame);
	GST_OBJECT_LOCK(self);
	double opacity = p->settings.opacity;
	bool changed = p->settings.generation != st.generation;
	if (changed)
		st.settings = p->settings;
	st.generation = p->settings.generation;
	GST_OBJECT_UNLOCK(self);
	if (st.errored)
		return GST_FLOW_ERROR;
	const Settings &s = st.settings;
	/* the box as it is for the layout, in whole pixels for the picture */
	double lw = std::clamp(s.box_width > 0 ? s.box_width : fw * 0.9, 1.0, 16384.0);
	double lh = std::clamp(s.box_height > 0 ? s.box_height : fh * 0.25, 1.0, 16384.0);
	int bw = int(std::lround(lw)), bh = int(std::lround(lh));
	int bx = s.x >= 0 ? int(std::lround(s.x)) : (fw - bw) / 2;
	int by = s.y >= 0 ? int(std::lround(s.y)) : fh - bh - int(std::lround(fh * 0.05));
	if (changed) {
		if (!load_entries(self, st) ||
		    !read_animation(self, s, 0, &st.look.animations.in) ||
		    !read_animation(self, s, 1, &st.look.animations.out) ||
		    !read_animation(self, s, 2, &st.look.animations.loop)) {
			st.errored = true;
			return GST_FLOW_ERROR;
		}
	}
	GstClockTime pts = GST_BUFFER_PTS(frame->buffer);
	GstClockTime stream = gst_segment_to_stream_time(&GST_BASE_TRANSFORM(self)->segment,
	                                                 GST_FORMAT_TIME, pts);
	if (!GST_CLOCK_TIME_IS_VALID(stream))
		return GST_FLOW_OK;
	double t = double(stream) / 1e6 + s.offset;

	/* a linked subtitle stream: wait until it has reached this frame */
	std::vector<jtl::CaptionEntry> stream_entries;
	bool text_changed = false;
	if (gst_pad_is_linked(self->text_sink)) {
		TextStream &ts = p->text;
		g_mutex_lock(&ts.cond_lock);
		while (!ts.eos && !ts.flushing && ts.position_ms < t)
			g_cond_wait(&ts.cond, &ts.cond_lock);
		bool flushing = ts.flushing;
		text_changed = ts.generation != st.text_generation;
		st.text_generation = ts.generation;
		if (text_changed || changed || lw != st.box_w)
			stream_entries = ts.entries;
		g_mutex_unlock(&ts.cond_lock);
		if (flushing)
			return GST_BASE_TRANSFORM_FLOW_DROPPED;
	}
	if (changed || text_changed || lw != st.box_w || lh != st.box_h) {
		st.box_w = lw;
		st.box_h = lh;
		paginate(st, stream_entries);
	}
	GstVideoInfo *info = &filter->in_info;
	if (GST_VIDEO_INFO_FPS_N(info) > 0 && GST_VIDEO_INFO_FPS_D(info) > 0)
		st.look.fps = std::max(1, GST_VIDEO_INFO_FPS_N(info) / GST_VIDEO_INFO_FPS_D(info));
	int page = jtl::caption_page_at(st.pages, t);
	if (page < 0 || opacity <= 0.0)
		return GST_FLOW_OK;
	const jtl::CaptionPage &pg = st.pages[std::size_t(page)];
	int word = jtl::caption_highlight(pg, t, st.look);
	bool animating = jtl::caption_animating(pg, t, st.look);
	if (animating || page != st.picture_page || word != st.picture_word) {
		std::string warning;
		/* what overflows the box is drawn as far as the frame goes */
		jtl::TextOverflow room{std::max(0, bx), std::max(0, by), std::max(0, fw - bx - bw),
		                       std::max(0, fh - by - bh)};
		st.picture =
		        jtl::draw_text_frame(pg.text, text_style(s), lw, lh, 1.0,
		                             jtl::caption_frame(pg, t, st.look), &warning, &room);
		st.picture_x = room.left;
		st.picture_y = room.top;
		if (!warning.empty() && st.warned_family != s.style.font_family) {
			st.warned_family = s.style.font_family;
			GST_ELEMENT_WARNING(self, RESOURCE, NOT_FOUND, ("%s.", warning.c_str()),
			                    ("font-family \"%s\"", s.style.font_family.c_str()));
		}
		st.picture_page = animating ? -2 : page;
		st.picture_word = word;
	}
	GstVideoFormat format = GST_VIDEO_FRAME_FORMAT(frame);
	if (format == GST_VIDEO_FORMAT_BGRA || format == GST_VIDEO_FORMAT_BGRx) {
		jtl::blend_over(st.picture, bx - st.picture_x, by - st.picture_y, opacity,
		                static_cast<uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(frame, 0)), fw,
		                fh, GST_VIDEO_FRAME_PLANE_STRIDE(frame, 0),
		                format == GST_VIDEO_FORMAT_BGRA);
		return GST_FLOW_OK;
	}
	/* any other format: the picture as an overlay rectangle (straight-alpha BGRA) */
	const jtl::Raster &r = st.picture;
	GstBuffer *pixels = gst_buffer_new_memdup(r.data.data(), r.data.size());
	gst_buffer_add_video_meta(pixels, GST_VIDEO_FRAME_FLAG_NONE,
	                          GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, guint(r.width),
	                          guint(r.height));
	GstVideoOverlayRectangle *rect = gst_video_overlay_rectangle_new_raw(
	        pixels, bx - st.picture_x, by - st.picture_y, guint(r.width), guint(r.height),
	        GST_VIDEO_OVERLAY_FORMAT_FLAG_NONE);
	gst_buffer_unref(pixels);
	gst_video_overlay_rectangle_set_global_alpha(rect, float(std::clamp(opacity, 0.0, 1.0)));
	GstVideoOverlayComposition *comp = gst_video_overlay_composition_new(rect);
	gst_video_overlay_rectangle_unref(rect);
	gboolean blended = gst_video_overlay_composition_blend(comp, frame);
	gst_video_overlay_composition_unref(comp);
	if (!blended)
		GST_WARNING_OBJECT(self, "the captions could not be blended onto %s",
		                   gst_video_format_to_string(format));
	return GST_FLOW_OK;
}

/* ---- the subtitle stream ----------------------------------------------------------- */

static void text_wake(JtlCaptionRender *self, const std::function<void(TextStream &)> &change)
{
	TextStream &ts = self->priv->text;
	g_mutex_lock(&ts.cond_lock);
	change(ts);
	g_cond_broadcast(&ts.cond);
	g_mutex_unlock(&ts.cond_lock);
}

static GstFlowReturn text_chain(GstPad *, GstObject *parent, GstBuffer *buf)
{
	JtlCaptionRender *self = JTL_CAPTION_RENDER(parent);
	GstMapInfo map;
	std::string text;
	if (gst_buffer_map(buf, &map, GST_MAP_READ)) {
		/* pango-markup and utf8 alike: markup parsed away, entities decoded */
		std::string raw(reinterpret_cast<const char *>(map.data), map.size);
		gst_buffer_unmap(buf, &map);
		char *plain = nullptr;
		if (pango_parse_markup(raw.c_str(), -1, 0, nullptr, &plain, nullptr, nullptr)) {
			text = plain;
			g_free(plain);
		} else {
			text = raw;
		}
	}
	GstClockTime pts = GST_BUFFER_PTS(buf), dur = GST_BUFFER_DURATION(buf);
	gst_buffer_unref(buf);
	text_wake(self, [&](TextStream &ts) {
		if (!GST_CLOCK_TIME_IS_VALID(pts))
			return;
		GstClockTime start = gst_segment_to_stream_time(&ts.segment, GST_FORMAT_TIME, pts);
		if (!GST_CLOCK_TIME_IS_VALID(start))
			return;
		double s = double(start) / 1e6;
		double e = GST_CLOCK_TIME_IS_VALID(dur) ? s + double(dur) / 1e6 : s + 2000.0;
		ts.position_ms = std::max(ts.position_ms, s);
		if (!text.empty()) {
			ts.entries.push_back(jtl::CaptionEntry{text, s, e, {}, {}});
			ts.generation++;
		}
	});
	return GST_FLOW_OK;
}

static gboolean text_event(GstPad *pad, GstObject *parent, GstEvent *event)
{
	JtlCaptionRender *self = JTL_CAPTION_RENDER(parent);
	switch (GST_EVENT_TYPE(event)) {
	case GST_EVENT_SEGMENT: {
		const GstSegment *seg;
		gst_event_parse_segment(event, &seg);
		if (seg->format == GST_FORMAT_TIME)
			text_wake(self,
			          [&](TextStream &ts) { gst_segment_copy_into(seg, &ts.segment); });
		break;
	}
	case GST_EVENT_GAP: {
		GstClockTime ts_, dur;
		gst_event_parse_gap(event, &ts_, &dur);
		text_wake(self, [&](TextStream &ts) {
			GstClockTime at = gst_segment_to_stream_time(
			        &ts.segment, GST_FORMAT_TIME,
			        ts_ + (GST_CLOCK_TIME_IS_VALID(dur) ? dur : 0));
			if (GST_CLOCK_TIME_IS_VALID(at))
				ts.position_ms = std::max(ts.position_ms, double(at) / 1e6);
		});
		break;
	}
	case GST_EVENT_EOS:
		text_wake(self, [](TextStream &ts) { ts.eos = true; });
		break;
	case GST_EVENT_FLUSH_START:
		text_wake(self, [](TextStream &ts) { ts.flushing = true; });
		break;
	case GST_EVENT_FLUSH_STOP:
		text_wake(self, [](TextStream &ts) {
			ts.flushing = false;
			ts.eos = false;
			ts.position_ms = -1e300;
		});
		break;
	default:
		break;
	}
	/* the text stream ends here: nothing goes downstream */
	if (GST_EVENT_IS_SERIALIZED(event) || GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_START) {
		gst_event_unref(event);
		return TRUE;
	}
	return gst_pad_event_default(pad, parent, event);
}

static gboolean jtl_caption_render_sink_event(GstBaseTransform *trans, GstEvent *event)
{
	JtlCaptionRender *self = JTL_CAPTION_RENDER(trans);
	if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_START)
		text_wake(self, [](TextStream &ts) { ts.flushing = true; });
	else if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_STOP)
		text_wake(self, [](TextStream &ts) { ts.flushing = false; });
	return GST_BASE_TRANSFORM_CLASS(jtl_caption_render_parent_class)->sink_event(trans, event);
}

static GstStateChangeReturn jtl_caption_render_change_state(GstElement *element,
                                                            GstStateChange transition)
{
	JtlCaptionRender *self = JTL_CAPTION_RENDER(element);
	if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
		text_wake(self, [](TextStream &ts) { ts.flushing = true; });
	if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
		text_wake(self, [](TextStream &ts) {
			ts.flushing = false;
			ts.eos = false;
			ts.entries.clear();
			ts.position_ms = -1e300;
			ts.generation++;
			gst_segment_init(&ts.segment, GST_FORMAT_TIME);
		});
		self->priv->state = State();
	}
	return GST_ELEMENT_CLASS(jtl_caption_render_parent_class)
	        ->change_state(element, transition);
}

/* ---- properties -------------------------------------------------------------------- */

static void jtl_caption_render_set_property(GObject *object, guint id, const GValue *value,
                                            GParamSpec *pspec)
{
	JtlCaptionRender *self = JTL_CAPTION_RENDER(object);
	Settings &s = self->priv->settings;
	GST_OBJECT_LOCK(self);
	switch (id) {
	case PROP_LOCATION:
		s.location = jtl_value_string(value);
		break;
	case PROP_CAPTIONS:
		s.captions = jtl_value_string(value);
		break;
	case PROP_TEXT:
		s.text = jtl_value_string(value);
		break;
	case PROP_TEXT_DURATION:
		s.text_duration = g_value_get_double(value);
		break;
	case PROP_TIMING:
		s.timing = g_value_get_enum(value);
		break;
	case PROP_PAGE_DURATION:
		s.page_duration = g_value_get_double(value);
		break;
	case PROP_MAX_LINES:
		s.max_lines = g_value_get_int(value);
		break;
	case PROP_OFFSET:
		s.offset = g_value_get_double(value);
		break;
	case PROP_FONT_FAMILY:
		s.style.font_family = jtl_value_string(value);
		break;
	case PROP_DIRECTION:
		s.direction = g_value_get_enum(value);
		break;
	case PROP_RTL:
		s.direction = g_value_get_boolean(value) ? JTL_TEXT_DIRECTION_RTL
		                                         : JTL_TEXT_DIRECTION_LTR;
		break;
	case PROP_COLOR:
		s.color = g_value_get_uint(value);
		break;
	case PROP_HIGHLIGHT_COLOR:
		s.highlight_color = g_value_get_uint(value);
		break;
	case PROP_STROKE_COLOR:
		s.stroke_color = g_value_get_uint(value);
		break;
	case PROP_BACKGROUND_COLOR:
		s.background_color = g_value_get_uint(value);
		break;
	case PROP_CSS_COLOR:
		jtl_text_color_from_css(object, "css-color", value, false, &s.color);
		break;
	case PROP_CSS_HIGHLIGHT_COLOR:
		jtl_text_color_from_css(object, "css-highlight-color", value, true,
		                        &s.highlight_color);
		break;
	case PROP_CSS_STROKE_COLOR:
		jtl_text_color_from_css(object, "css-stroke-color", value, false, &s.stroke_color);
		break;
	case PROP_CSS_BACKGROUND_COLOR:
		jtl_text_color_from_css(object, "css-background-color", value, true,
		                        &s.background_color);
		break;
	case PROP_X:
		s.x = g_value_get_double(value);
		break;
	case PROP_Y:
		s.y = g_value_get_double(value);
		break;
	case PROP_BOX_WIDTH:
		s.box_width = g_value_get_double(value);
		break;
	case PROP_BOX_HEIGHT:
		s.box_height = g_value_get_double(value);
		break;
	case PROP_OPACITY:
		s.opacity = g_value_get_double(value);
		GST_OBJECT_UNLOCK(self);
		return;
	case PROP_ANIMATION_IN:
		s.animation[0] = g_value_get_enum(value);
		break;
	case PROP_ANIMATION_OUT:
		s.animation[1] = g_value_get_enum(value);
		break;
	case PROP_ANIMATION_LOOP:
		s.animation[2] = g_value_get_enum(value);
		break;
	case PROP_ANIMATION_IN_DURATION:
		s.animation_duration[0] = g_value_get_double(value);
		break;
	case PROP_ANIMATION_OUT_DURATION:
		s.animation_duration[1] = g_value_get_double(value);
		break;
	case PROP_ANIMATION_LOOP_DURATION:
		s.animation_duration[2] = g_value_get_double(value);
		break;
	default:
		if (!jtl_text_look_set(&s.look, kLookProps, id, value))
			G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
		break;
	}
	s.generation++;
	GST_OBJECT_UNLOCK(self);
}

static void jtl_caption_render_get_property(GObject *object, guint id, GValue *value,
                                            GParamSpec *pspec)
{
	JtlCaptionRender *self = JTL_CAPTION_RENDER(object);
	const Settings &s = self->priv->settings;
	GST_OBJECT_LOCK(self);
	switch (id) {
	case PROP_LOCATION:
		g_value_set_string(value, s.location.c_str());
		break;
	case PROP_CAPTIONS:
		g_value_set_string(value, s.captions.c_str());
		break;
	case PROP_TEXT:
		g_value_set_string(value, s.text.c_str());
		break;
	case PROP_TEXT_DURATION:
		g_value_set_double(value, s.text_duration);
		break;
	case PROP_TIMING:
		g_value_set_enum(value, s.timing);
		break;
	case PROP_PAGE_DURATION:
		g_value_set_double(value, s.page_duration);
		break;
	case PROP_MAX_LINES:
		g_value_set_int(value, s.max_lines);
		break;
	case PROP_OFFSET:
		g_value_set_double(value, s.offset);
		break;
	case PROP_FONT_FAMILY:
		g_value_set_string(value, s.style.font_family.c_str());
		break;
	case PROP_DIRECTION:
		g_value_set_enum(value, s.direction);
		break;
	case PROP_RTL:
		g_value_set_boolean(value, s.direction == JTL_TEXT_DIRECTION_RTL);
		break;
	case PROP_COLOR:
		g_value_set_uint(value, s.color);
		break;
	case PROP_HIGHLIGHT_COLOR:
		g_value_set_uint(value, s.highlight_color);
		break;
	case PROP_STROKE_COLOR:
		g_value_set_uint(value, s.stroke_color);
		break;
	case PROP_BACKGROUND_COLOR:
		g_value_set_uint(value, s.background_color);
		break;
	case PROP_CSS_COLOR:
		g_value_set_string(value, jtl_css_from_argb(s.color).c_str());
		break;
	case PROP_CSS_HIGHLIGHT_COLOR:
		g_value_set_string(value, s.highlight_color >> 24
		                                  ? jtl_css_from_argb(s.highlight_color).c_str()
		                                  : "");
		break;
	case PROP_CSS_STROKE_COLOR:
		g_value_set_string(value, jtl_css_from_argb(s.stroke_color).c_str());
		break;
	case PROP_CSS_BACKGROUND_COLOR:
		g_value_set_string(value, s.background_color >> 24
		                                  ? jtl_css_from_argb(s.background_color).c_str()
		                                  : "");
		break;
	case PROP_X:
		g_value_set_double(value, s.x);
		break;
	case PROP_Y:
		g_value_set_double(value, s.y);
		break;
	case PROP_BOX_WIDTH:
		g_value_set_double(value, s.box_width);
		break;
	case PROP_BOX_HEIGHT:
		g_value_set_double(value, s.box_height);
		break;
	case PROP_OPACITY:
		g_value_set_double(value, s.opacity);
		break;
	case PROP_ANIMATION_IN:
		g_value_set_enum(value, s.animation[0]);
		break;
	case PROP_ANIMATION_OUT:
		g_value_set_enum(value, s.animation[1]);
		break;
	case PROP_ANIMATION_LOOP:
		g_value_set_enum(value, s.animation[2]);
		break;
	case PROP_ANIMATION_IN_DURATION:
		g_value_set_double(value, s.animation_duration[0]);
		break;
	case PROP_ANIMATION_OUT_DURATION:
		g_value_set_double(value, s.animation_duration[1]);
		break;
	case PROP_ANIMATION_LOOP_DURATION:
		g_value_set_double(value, s.animation_duration[2]);
		break;
	default:
		if (!jtl_text_look_get(s.look, kLookProps, id, value))
			G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

static void jtl_caption_render_finalize(GObject *object)
{
	JtlCaptionRender *self = JTL_CAPTION_RENDER(object);
	g_cond_clear(&self->priv->text.cond);
	g_mutex_clear(&self->priv->text.cond_lock);
	delete self->priv;
	G_OBJECT_CLASS(jtl_caption_render_parent_class)->finalize(object);
}

static void jtl_caption_render_init(JtlCaptionRender *self)
{
	self->priv = new _JtlCaptionRender::Private();
	self->priv->settings.look.alignment = JTL_ALIGN_CENTER;
	g_cond_init(&self->priv->text.cond);
	g_mutex_init(&self->priv->text.cond_lock);
	gst_segment_init(&self->priv->text.segment, GST_FORMAT_TIME);
	self->text_sink = gst_pad_new_from_static_template(&text_template, "text_sink");
	gst_pad_set_chain_function(self->text_sink, text_chain);
	gst_pad_set_event_function(self->text_sink, text_event);
	gst_element_add_pad(GST_ELEMENT(self), self->text_sink);
}

static void jtl_caption_render_class_init(JtlCaptionRenderClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
	object_class->set_property = jtl_caption_render_set_property;
	object_class->get_property = jtl_caption_render_get_property;
	object_class->finalize = jtl_caption_render_finalize;
	element_class->change_state = jtl_caption_render_change_state;
	GST_BASE_TRANSFORM_CLASS(klass)->before_transform = jtl_sync_controlled_values;
	GST_BASE_TRANSFORM_CLASS(klass)->sink_event = jtl_caption_render_sink_event;
	GST_VIDEO_FILTER_CLASS(klass)->transform_frame_ip = jtl_caption_render_transform_frame_ip;

	const auto rw =
	        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
	/* the numbers and colours of the look: synced per frame (before_transform) */
	const auto controllable = GParamFlags(GST_PARAM_CONTROLLABLE);
	const auto anim = GParamFlags(rw | controllable);
	auto dbl = [&](guint id, const char *name, const char *nick, const char *blurb, double lo,
	               double hi, double def, GParamFlags extra = GParamFlags(0)) {
		g_object_class_install_property(object_class, id,
		                                g_param_spec_double(name, nick, blurb, lo, hi, def,
		                                                    GParamFlags(rw | extra)));
	};
	auto text = [&](guint id, const char *name, const char *nick, const char *blurb,
	                const char *def) {
		g_object_class_install_property(object_class, id,
		                                g_param_spec_string(name, nick, blurb, def, rw));
	};
	text(PROP_LOCATION, "location", "Location", "SRT or WebVTT file of the captions", "");
	text(PROP_CAPTIONS, "captions", "Captions",
	     "Caption entries as JSON: [{\"text\", \"startMs\", \"endMs\"}, ...]", "");
	text(PROP_TEXT, "text", "Text",
	     "A text shown all along instead of captions (for caption animations on text)", "");
	dbl(PROP_TEXT_DURATION, "text-duration", "Text duration",
	    "How long the text lasts in ms, for its out animation (0: forever)", 0, 1e12, 0);
	g_object_class_install_property(
	        object_class, PROP_TIMING,
	        g_param_spec_enum("timing", "Timing", "Whether caption entries are words or lines",
	                          jtl_caption_timing_get_type(), JTL_CAPTION_TIMING_WORD, rw));
	dbl(PROP_PAGE_DURATION, "page-duration", "Page duration",
	    "Longest page in ms, first word's start to last word's end (0: no limit)", 0, 1e12, 0);
	g_object_class_install_property(object_class, PROP_MAX_LINES,
	                                g_param_spec_int("max-lines", "Maximum lines",
	                                                 "Most lines a page wraps into", 1, 1000, 2,
	                                                 rw));
	dbl(PROP_OFFSET, "offset", "Offset",
	    "Caption time at stream time 0, ms (captions start this far into their entries)", -1e12,
	    1e12, 0);
	text(PROP_FONT_FAMILY, "font-family", "Font family",
	     "Fontconfig family; one not installed is replaced by DejaVu Sans", "");
	jtl_text_look_install(object_class, kLookProps, jtl_caption_align_get_type(),
	                      JTL_ALIGN_CENTER, rw, anim);
	g_object_class_install_property(
	        object_class, PROP_DIRECTION,
	        g_param_spec_enum("direction", "Direction", "Base direction of the text",
	                          jtl_text_direction_get_type(), JTL_TEXT_DIRECTION_LTR, rw));
	g_object_class_install_property(
	        object_class, PROP_RTL,
	        g_param_spec_boolean("rtl", "Right to left",
	                             "Deprecated: use direction. Base direction right to left",
	                             FALSE, GParamFlags(rw | G_PARAM_DEPRECATED)));
	auto argb = [&](guint id, const char *name, const char *nick, const char *blurb,
	                guint def) {
		g_object_class_install_property(
		        object_class, id,
		        g_param_spec_uint(name, nick, blurb, 0, G_MAXUINT, def, anim));
	};
	argb(PROP_COLOR, "color", "Colour", "Text colour, 0xAARRGGBB", 0xffffffff);
	argb(PROP_HIGHLIGHT_COLOR, "highlight-color", "Highlight colour",
	     "Colour of the word being spoken, 0xAARRGGBB (alpha 0: none)", 0);
	argb(PROP_STROKE_COLOR, "stroke-color", "Stroke colour", "Outline colour, 0xAARRGGBB",
	     0xff000000);
	argb(PROP_BACKGROUND_COLOR, "background-color", "Background colour",
	     "Colour of the box behind the text block, 0xAARRGGBB (alpha 0: no box)", 0);
	const auto deprecated = GParamFlags(rw | G_PARAM_DEPRECATED);
	const guint css_ids[4] = {PROP_CSS_COLOR, PROP_CSS_HIGHLIGHT_COLOR, PROP_CSS_STROKE_COLOR,
	                          PROP_CSS_BACKGROUND_COLOR};
	const char *css_names[4] = {"css-color", "css-highlight-color", "css-stroke-color",
	                            "css-background-color"};
	const char *css_nicks[4] = {"CSS colour", "CSS highlight colour", "CSS stroke colour",
	                            "CSS background colour"};
	const char *css_blurbs[4] = {
	        "Deprecated: use color. Text colour as CSS (#rrggbb, rgba(), a name; anything else "
	        "is refused with a warning)",
	        "Deprecated: use highlight-color. As CSS (\"\": none)",
	        "Deprecated: use stroke-color. As CSS",
	        "Deprecated: use background-color. As CSS (\"\": none)"};
	const char *css_defaults[4] = {"rgba(255,255,255,1.000000)", "", "rgba(0,0,0,1.000000)",
	                               ""};
	for (int i = 0; i < 4; i++)
		g_object_class_install_property(object_class, css_ids[i],
		                                g_param_spec_string(css_names[i], css_nicks[i],
		                                                    css_blurbs[i], css_defaults[i],
		                                                    deprecated));
	dbl(PROP_X, "x", "X", "Left edge of the box in pixels (-1: centred)", -1, 100000, -1,
	    controllable);
	dbl(PROP_Y, "y", "Y", "Top edge of the box in pixels (-1: near the bottom)", -1, 100000, -1,
	    controllable);
	dbl(PROP_BOX_WIDTH, "box-width", "Box width",
	    "Width of the box the captions wrap in, pixels (0: 90% of the frame)", 0, 16384, 0,
	    controllable);
	dbl(PROP_BOX_HEIGHT, "box-height", "Box height",
	    "Height of the box, pixels; the text is centred in it (0: 25% of the frame)", 0, 16384,
	    0, controllable);
	dbl(PROP_OPACITY, "opacity", "Opacity", "Opacity of the captions, 0 to 1", 0, 1, 1,
	    controllable);
	const char *names[3] = {"animation-in", "animation-out", "animation-loop"};
	const char *nicks[3] = {"In animation", "Out animation", "Loop animation"};
	const char *durations[3] = {"animation-in-duration", "animation-out-duration",
	                            "animation-loop-duration"};
	const char *dnicks[3] = {"In duration", "Out duration", "Loop period"};
	for (int i = 0; i < 3; i++) {
		g_object_class_install_property(
		        object_class, PROP_ANIMATION_IN + 2 * i,
		        g_param_spec_enum(names[i], nicks[i], "Glyph animation of each page",
		                          jtl_caption_animation_get_type(), 0, rw));
		dbl(PROP_ANIMATION_IN_DURATION + 2 * i, durations[i], dnicks[i],
		    "Duration of the animation in ms", 0, 1e9, i == 2 ? 1000 : 400);
	}

	gst_type_mark_as_plugin_api(jtl_caption_align_get_type(), GstPluginAPIFlags(0));
	gst_type_mark_as_plugin_api(jtl_caption_timing_get_type(), GstPluginAPIFlags(0));
	gst_type_mark_as_plugin_api(jtl_caption_animation_get_type(), GstPluginAPIFlags(0));
	gst_type_mark_as_plugin_api(jtl_text_direction_get_type(), GstPluginAPIFlags(0));
	gst_element_class_add_static_pad_template(element_class, &sink_template);
	gst_element_class_add_static_pad_template(element_class, &src_template);
	gst_element_class_add_static_pad_template(element_class, &text_template);
	gst_element_class_set_static_metadata(
	        element_class, "Caption renderer", "Filter/Editor/Video/Overlay/Subtitle",
	        "Draws timed captions page by page, the spoken word highlighted, with glyph "
	        "animations",
	        "jsontimeline developers");
	GST_DEBUG_CATEGORY_INIT(jtl_caption_render_debug, "captionrender", 0, "caption renderer");
}
