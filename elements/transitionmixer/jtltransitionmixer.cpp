// SPDX-License-Identifier: LGPL-2.1-or-later
// transitionmixer: two video inputs blended by a transition over a time window.
/**
 * SECTION:element-transitionmixer
 *
 * Mixes two video streams: the first sink pad (`sink_0`, A) is shown before the
 * transition, the second (`sink_1`, B) after it. Over the window [`start`, `start` +
 * `duration`) of stream time the progress runs from 0 to 1 through `easing`, or it
 * follows the controllable `progress` property when that is 0 or more. The pixel maths
 * is `lib/core/jsontimeline/transition.h`: fade, slide, wipe (eight directions), flip (a card
 * turning in perspective: A turns away to edge-on, then B turns in from edge-on), clock-wipe and
 * iris.
 *
 * Two sink pads at most: a request for a third is refused (NULL, with a warning on the
 * bus). Each input may be any of the common raw formats (I420, NV12, YUY2, AYUV, RGBA,
 * BGRA, RGB, GRAY8, …): it is converted to the output's BGRA. Inputs are not scaled: one
 * smaller than the output sits at its top-left corner, transparent around it.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 transitionmixer name=t type=wipe direction=from-left duration=2000000000 \
 *     ! videoconvert ! autovideosink  videotestsrc ! t.  videotestsrc pattern=ball ! t.
 * ]|
 */
#include "jtltransitionmixer.h"

#include "common/enums.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>

#include <jsontimeline/transition.h>

GST_DEBUG_CATEGORY_STATIC(jtl_transition_mixer_debug);
#define GST_CAT_DEFAULT jtl_transition_mixer_debug

enum { PROP_0, PROP_TYPE, PROP_DIRECTION, PROP_EASING, PROP_START, PROP_DURATION, PROP_PROGRESS };

static GType type_enum()
{
	static GType type = 0;
	static const GEnumValue values[] = {
	        {int(jtl::TransitionType::Fade), "Fade", "fade"},
	        {int(jtl::TransitionType::Slide), "Slide", "slide"},
	        {int(jtl::TransitionType::Wipe), "Wipe", "wipe"},
	        {int(jtl::TransitionType::Flip), "Flip", "flip"},
	        {int(jtl::TransitionType::ClockWipe), "Clock wipe", "clock-wipe"},
	        {int(jtl::TransitionType::Iris), "Iris", "iris"},
	        {0, nullptr, nullptr},
	};
	return jtl_enum_type_once(&type, "JtlTransitionType", values);
}

static GType easing_enum()
{
	static GType type = 0;
	static const GEnumValue values[] = {
	        {int(jtl::Easing::Linear), "Linear", "linear"},
	        {int(jtl::Easing::EaseIn), "Ease in", "ease-in"},
	        {int(jtl::Easing::EaseOut), "Ease out", "ease-out"},
	        {int(jtl::Easing::EaseInOut), "Ease in and out", "ease-in-out"},
	        {0, nullptr, nullptr},
	};
	return jtl_enum_type_once(&type, "JtlTransitionEasing", values);
}

struct _JtlTransitionMixer {
	GstVideoAggregator parent;
	/* object lock */
	int type;
	int direction;
	int easing;
	guint64 start;
	guint64 duration;
	double progress; /* < 0: from the window */
};

G_DEFINE_TYPE(JtlTransitionMixer, jtl_transition_mixer, GST_TYPE_VIDEO_AGGREGATOR)
GST_ELEMENT_REGISTER_DEFINE(transitionmixer, "transitionmixer", GST_RANK_NONE,
                            JTL_TYPE_TRANSITION_MIXER);

/* The inputs may be any of the common raw formats: each sink pad (a
 * GstVideoAggregatorConvertPad) converts its frames to the BGRA the mixing works in. */
#define JTL_TRANSITION_MIXER_INPUT_FORMATS                                                         \
	"{ BGRA, RGBA, ARGB, ABGR, AYUV, VUYA, BGRx, RGBx, xRGB, xBGR, RGB, BGR, I420, YV12, "     \
	"NV12, NV21, Y42B, Y444, Y41B, YUY2, UYVY, YVYU, I420_10LE, P010_10LE, GRAY8 }"

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
        "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE("BGRA")));
static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
        "sink_%u", GST_PAD_SINK, GST_PAD_REQUEST,
        GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(JTL_TRANSITION_MIXER_INPUT_FORMATS)));

/* Only two inputs are mixed (A and B): a third sink pad is refused. */
static GstPad *jtl_transition_mixer_request_new_pad(GstElement *element, GstPadTemplate *templ,
                                                    const gchar *name, const GstCaps *caps)
{
	GST_OBJECT_LOCK(element);
	guint16 inputs = element->numsinkpads;
	GST_OBJECT_UNLOCK(element);
	if (inputs >= 2) {
		GST_ELEMENT_WARNING(
		        element, CORE, PAD,
		        ("transitionmixer mixes two inputs; a third sink pad is refused"),
		        ("request for %s with %u sink pads already", name ? name : "sink_%u",
		         inputs));
		return nullptr;
	}
	return GST_ELEMENT_CLASS(jtl_transition_mixer_parent_class)
	        ->request_new_pad(element, templ, name, caps);
}

static GstCaps *jtl_transition_mixer_update_caps(GstVideoAggregator *, GstCaps *caps)
{
	GstCaps *out = gst_caps_copy(caps);
	for (guint i = 0; i < gst_caps_get_size(out); i++)
		gst_structure_set(gst_caps_get_structure(out, i), "format", G_TYPE_STRING, "BGRA",
		                  nullptr);
	return out;
}

/* The pixel of a frame at (x, y) as 4 bytes, or transparent black outside it or when
 * there is no frame. */
static const guint8 *pixel(GstVideoFrame *f, int x, int y)
{
	static const guint8 none[4] = {0, 0, 0, 0};
	if (!f || x < 0 || y < 0 || x >= GST_VIDEO_FRAME_WIDTH(f) || y >= GST_VIDEO_FRAME_HEIGHT(f))
		return none;
	return static_cast<const guint8 *>(GST_VIDEO_FRAME_PLANE_DATA(f, 0)) +
	       std::size_t(y) * std::size_t(GST_VIDEO_FRAME_PLANE_STRIDE(f, 0)) +
	       std::size_t(x) * 4;
}

static GstFlowReturn jtl_transition_mixer_aggregate_frames(GstVideoAggregator *vagg,
                                                           GstBuffer *outbuf)
{
	JtlTransitionMixer *self = JTL_TRANSITION_MIXER(vagg);
	/* a controller on progress follows the output's stream time */
	GstSegment *seg = &GST_AGGREGATOR_PAD(GST_AGGREGATOR(vagg)->srcpad)->segment;
	GstClockTime st = gst_segment_to_stream_time(seg, GST_FORMAT_TIME, GST_BUFFER_PTS(outbuf));
	if (GST_CLOCK_TIME_IS_VALID(st))
		gst_object_sync_values(GST_OBJECT(self), st);
	GstVideoFrame out;
	if (!gst_video_frame_map(&out, &vagg->info, outbuf, GST_MAP_WRITE))
		return GST_FLOW_ERROR;
	/* A and B: the first two sink pads, in the order they were requested */
	GstVideoFrame *in[2] = {nullptr, nullptr};
	GST_OBJECT_LOCK(self);
	int i = 0;
	for (GList *l = GST_ELEMENT(self)->sinkpads; l && i < 2; l = l->next, i++)
		in[i] = gst_video_aggregator_pad_get_prepared_frame(
		        GST_VIDEO_AGGREGATOR_PAD(l->data));
	auto type = jtl::TransitionType(self->type);
	auto dir = jtl::TransitionDirection(self->direction);
	auto easing = jtl::Easing(self->easing);
	guint64 start = self->start, duration = self->duration;
	double fixed = self->progress;
	GST_OBJECT_UNLOCK(self);

	double p = fixed;
	if (p < 0) {
		double t =
		        GST_CLOCK_TIME_IS_VALID(st) ? (double(st) - double(start)) / GST_SECOND : 0;
		p = jtl::transition_progress(t, double(duration) / GST_SECOND, easing);
	}
	int w = GST_VIDEO_FRAME_WIDTH(&out), h = GST_VIDEO_FRAME_HEIGHT(&out);
	guint8 *data = static_cast<guint8 *>(GST_VIDEO_FRAME_PLANE_DATA(&out, 0));
	int stride = GST_VIDEO_FRAME_PLANE_STRIDE(&out, 0);
	jtl::SlideOffsets slide = jtl::slide_offsets(dir, w, h, p);
	jtl::FlipTurn flip = jtl::flip_turn(dir, p);
	for (int y = 0; y < h; y++) {
		guint8 *o = data + std::size_t(y) * std::size_t(stride);
		for (int x = 0; x < w; x++, o += 4) {
			if (type == jtl::TransitionType::Slide) {
				int bx = int(std::floor(x - slide.b_x)),
				    by = int(std::floor(y - slide.b_y));
				bool in_b = bx >= 0 && by >= 0 && bx < w && by < h;
				const guint8 *s =
				        in_b ? pixel(in[1], bx, by)
				             : pixel(in[0], int(std::floor(x - slide.a_x)),
				                     int(std::floor(y - slide.a_y)));
				memcpy(o, s, 4);
				continue;
			}
			if (type == jtl::TransitionType::Flip) {
				GstVideoFrame *f = flip.shows_b ? in[1] : in[0];
				double sx = -1, sy = -1;
				if (!jtl::turned_source(w, h, flip.degrees, flip.horizontal_axis, x,
				                        y, &sx, &sy))
					sx = sy = -1;
				memcpy(o, pixel(f, int(std::floor(sx)), int(std::floor(sy))), 4);
				continue;
			}
			double wb = jtl::transition_weight(type, dir, w, h, x, y, p);
			const guint8 *a = pixel(in[0], x, y), *b = pixel(in[1], x, y);
			for (int c = 0; c < 4; c++)
				o[c] = guint8(std::lround(a[c] * (1.0 - wb) + b[c] * wb));
		}
	}
	gst_video_frame_unmap(&out);
	return GST_FLOW_OK;
}

static void jtl_transition_mixer_set_property(GObject *object, guint id, const GValue *value,
                                              GParamSpec *pspec)
{
	JtlTransitionMixer *self = JTL_TRANSITION_MIXER(object);
	GST_OBJECT_LOCK(self);
	switch (id) {
	case PROP_TYPE:
		self->type = g_value_get_enum(value);
		break;
	case PROP_DIRECTION:
		self->direction = g_value_get_enum(value);
		break;
	case PROP_EASING:
		self->easing = g_value_get_enum(value);
		break;
	case PROP_START:
		self->start = g_value_get_uint64(value);
		break;
	case PROP_DURATION:
		self->duration = g_value_get_uint64(value);
		break;
	case PROP_PROGRESS:
		self->progress = g_value_get_double(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

static void jtl_transition_mixer_get_property(GObject *object, guint id, GValue *value,
                                              GParamSpec *pspec)
{
	JtlTransitionMixer *self = JTL_TRANSITION_MIXER(object);
	GST_OBJECT_LOCK(self);
	switch (id) {
	case PROP_TYPE:
		g_value_set_enum(value, self->type);
		break;
	case PROP_DIRECTION:
		g_value_set_enum(value, self->direction);
		break;
	case PROP_EASING:
		g_value_set_enum(value, self->easing);
		break;
	case PROP_START:
		g_value_set_uint64(value, self->start);
		break;
	case PROP_DURATION:
		g_value_set_uint64(value, self->duration);
		break;
	case PROP_PROGRESS:
		g_value_set_double(value, self->progress);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

static void jtl_transition_mixer_init(JtlTransitionMixer *self)
{
	self->type = int(jtl::TransitionType::Fade);
	self->direction = int(jtl::TransitionDirection::FromLeft);
	self->easing = int(jtl::Easing::Linear);
	self->start = 0;
	self->duration = GST_SECOND;
	self->progress = -1.0;
}

static void jtl_transition_mixer_class_init(JtlTransitionMixerClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
	object_class->set_property = jtl_transition_mixer_set_property;
	object_class->get_property = jtl_transition_mixer_get_property;
	GST_VIDEO_AGGREGATOR_CLASS(klass)->aggregate_frames = jtl_transition_mixer_aggregate_frames;
	GST_VIDEO_AGGREGATOR_CLASS(klass)->update_caps = jtl_transition_mixer_update_caps;
	element_class->request_new_pad = jtl_transition_mixer_request_new_pad;

	/* read at each frame: changeable while playing */
	const auto rw =
	        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
	g_object_class_install_property(object_class, PROP_TYPE,
	                                g_param_spec_enum("type", "Type", "The transition",
	                                                  type_enum(),
	                                                  int(jtl::TransitionType::Fade), rw));
	g_object_class_install_property(
	        object_class, PROP_DIRECTION,
	        g_param_spec_enum("direction", "Direction",
	                          "Where B comes from (slide and flip: the four sides)",
	                          jtl_transition_direction_get_type(),
	                          int(jtl::TransitionDirection::FromLeft), rw));
	g_object_class_install_property(
	        object_class, PROP_EASING,
	        g_param_spec_enum("easing", "Easing", "How the progress runs over the window",
	                          easing_enum(), int(jtl::Easing::Linear), rw));
	g_object_class_install_property(
	        object_class, PROP_START,
	        g_param_spec_uint64("start", "Start", "Start of the window, stream time in ns", 0,
	                            G_MAXUINT64, 0, rw));
	g_object_class_install_property(object_class, PROP_DURATION,
	                                g_param_spec_uint64("duration", "Duration",
	                                                    "Length of the window in ns", 0,
	                                                    G_MAXUINT64, GST_SECOND, rw));
	g_object_class_install_property(
	        object_class, PROP_PROGRESS,
	        g_param_spec_double("progress", "Progress",
	                            "Progress 0 (A) to 1 (B); below 0: from the window", -1.0, 1.0,
	                            -1.0, GParamFlags(rw | GST_PARAM_CONTROLLABLE)));

	gst_type_mark_as_plugin_api(type_enum(), GstPluginAPIFlags(0));
	gst_type_mark_as_plugin_api(jtl_transition_direction_get_type(), GstPluginAPIFlags(0));
	gst_type_mark_as_plugin_api(easing_enum(), GstPluginAPIFlags(0));
	gst_element_class_add_static_pad_template_with_gtype(element_class, &src_template,
	                                                     GST_TYPE_AGGREGATOR_PAD);
	gst_element_class_add_static_pad_template_with_gtype(element_class, &sink_template,
	                                                     GST_TYPE_VIDEO_AGGREGATOR_CONVERT_PAD);
	gst_element_class_set_static_metadata(
	        element_class, "Transition mixer", "Filter/Editor/Video/Compositor",
	        "Blends two videos by a transition: fade, slide, wipe, flip, clock-wipe, iris",
	        "jsontimeline developers");
	GST_DEBUG_CATEGORY_INIT(jtl_transition_mixer_debug, "transitionmixer", 0,
	                        "transition mixer");
}
