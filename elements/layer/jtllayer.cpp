// SPDX-License-Identifier: LGPL-2.1-or-later
// jtllayer: a picture cropped, fitted into a box with rounded corners and turned, per frame.
/**
 * SECTION:element-jtllayer
 *
 * Draws each input frame into a transparent canvas of `width` x `height` (the output
 * caps): the part left after cutting the `crop-*` fractions from each side is fitted into
 * the box (`box-width` x `box-height`, centred in the canvas; stretched, or contained
 * keeping its aspect ratio with `keep-aspect-ratio`), clipped to the box with rounded
 * corners of `radius` and turned by `rotation` degrees around the canvas centre. All of
 * these are controllable, so crops, corners and rotation follow keyframes frame by
 * frame. jsontimelinesrc puts it into a video or picture branch when the item is cropped,
 * rounded or turned.
 *
 * With `mask` set to `wipe`, `clock-wipe` or `iris`, the result is also shown only where
 * that transition has uncovered it at `mask-progress` (controllable, 0..1; see
 * transitionmixer for the shapes and `mask-direction` for the wipe's side or corner):
 * jsontimelinesrc draws the incoming clip of such a transition this way over the outgoing
 * one; with `mask-inverted`, only where it has not (the outgoing clip, where the incoming
 * one does not cover it). Last, `turn-x` or `turn-y` turns the canvas in perspective around its
 * horizontal or vertical axis (the flip transition's card).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc ! videoconvert ! jtllayer width=400 height=400 \
 *     box-width=320 box-height=240 radius=40 rotation=15 crop-left=0.1 ! \
 *     videoconvert ! autovideosink
 * ]|
 */
#include "jtllayer.h"

#include "common/enums.h"
#include "controlled.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include <cairo.h>

#include <string>

#include <jsontimeline/draw.h>
#include <jsontimeline/raster.h>
#include <jsontimeline/transition.h>

GST_DEBUG_CATEGORY_STATIC(jtl_layer_debug);
#define GST_CAT_DEFAULT jtl_layer_debug

/* The transitions jtllayer masks by (mask): none, or one whose shape uncovers B. */
typedef enum {
	JTL_LAYER_MASK_NONE,
	JTL_LAYER_MASK_WIPE,
	JTL_LAYER_MASK_CLOCK_WIPE,
	JTL_LAYER_MASK_IRIS,
} JtlLayerMask;

static GType jtl_layer_mask_get_type()
{
	static GType type = 0;
	static const GEnumValue values[] = {
	        {JTL_LAYER_MASK_NONE, "No mask: shown everywhere", "none"},
	        {JTL_LAYER_MASK_WIPE, "Wipe", "wipe"},
	        {JTL_LAYER_MASK_CLOCK_WIPE, "Clock wipe", "clock-wipe"},
	        {JTL_LAYER_MASK_IRIS, "Iris", "iris"},
	        {0, nullptr, nullptr},
	};
	return jtl_enum_type_once(&type, "JtlLayerMask", values);
}

/* The transition of a mask; none for JTL_LAYER_MASK_NONE. */
static std::optional<jtl::TransitionType> mask_transition(int mask)
{
	switch (mask) {
	case JTL_LAYER_MASK_WIPE:
		return jtl::TransitionType::Wipe;
	case JTL_LAYER_MASK_CLOCK_WIPE:
		return jtl::TransitionType::ClockWipe;
	case JTL_LAYER_MASK_IRIS:
		return jtl::TransitionType::Iris;
	default:
		return std::nullopt;
	}
}

enum {
	PROP_0,
	PROP_WIDTH,
	PROP_HEIGHT,
	PROP_BOX_WIDTH,
	PROP_BOX_HEIGHT,
	PROP_KEEP_ASPECT_RATIO,
	PROP_CROP_LEFT,
	PROP_CROP_TOP,
	PROP_CROP_RIGHT,
	PROP_CROP_BOTTOM,
	PROP_RADIUS,
	PROP_ROTATION,
	PROP_MASK,
	PROP_MASK_DIRECTION,
	PROP_MASK_PROGRESS,
	PROP_MASK_INVERTED,
	PROP_TURN_X,
	PROP_TURN_Y,
};

namespace {

struct Settings {
	int width = 0, height = 0;            /* canvas; 0: the input's */
	double box_width = 0, box_height = 0; /* 0: the canvas's */
	bool keep_aspect_ratio = false;
	double crop[4] = {0, 0, 0, 0}; /* left, top, right, bottom */
	double radius = 0;
	double rotation = 0;
	int mask = JTL_LAYER_MASK_NONE;
	int mask_direction = int(jtl::TransitionDirection::FromLeft);
	double mask_progress = 1.0;
	bool mask_inverted = false;
	double turn_x = 0.0, turn_y = 0.0; /* degrees, in perspective */
};

} /* namespace */

struct _JtlLayer {
	GstVideoFilter parent;
	Settings *settings;         /* object lock */
	std::vector<uint8_t> *flat; /* the canvas before a turn; streaming thread only */
	/* the input as a premultiplied surface, kept between frames of one size; streaming
	 * thread only */
	cairo_surface_t *source;
};

G_DEFINE_TYPE(JtlLayer, jtl_layer, GST_TYPE_VIDEO_FILTER)
GST_ELEMENT_REGISTER_DEFINE(jtllayer, "jtllayer", GST_RANK_NONE, JTL_TYPE_LAYER);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
        "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE("BGRA")));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
        "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE("BGRA")));

static GstCaps *jtl_layer_transform_caps(GstBaseTransform *trans, GstPadDirection direction,
                                         GstCaps *caps, GstCaps *filter)
{
	JtlLayer *self = JTL_LAYER(trans);
	GST_OBJECT_LOCK(self);
	int w = self->settings->width, h = self->settings->height;
	GST_OBJECT_UNLOCK(self);
	GstCaps *out = gst_caps_copy(caps);
	for (guint i = 0; i < gst_caps_get_size(out); i++) {
		GstStructure *s = gst_caps_get_structure(out, i);
		if (direction == GST_PAD_SINK && w > 0 && h > 0) {
			gst_structure_set(s, "width", G_TYPE_INT, w, "height", G_TYPE_INT, h,
			                  nullptr);
		} else {
			gst_structure_set(s, "width", GST_TYPE_INT_RANGE, 1, G_MAXINT, "height",
			                  GST_TYPE_INT_RANGE, 1, G_MAXINT, nullptr);
		}
		gst_structure_remove_field(s, "pixel-aspect-ratio");
	}
	if (filter) {
		GstCaps *tmp = gst_caps_intersect_full(filter, out, GST_CAPS_INTERSECT_FIRST);
		gst_caps_unref(out);
		out = tmp;
	}
	return out;
}

static GstFlowReturn jtl_layer_transform_frame(GstVideoFilter *filter, GstVideoFrame *in,
                                               GstVideoFrame *out)
{
	JtlLayer *self = JTL_LAYER(filter);
	GST_OBJECT_LOCK(self);
	Settings s = *self->settings;
	GST_OBJECT_UNLOCK(self);
	int iw = GST_VIDEO_FRAME_WIDTH(in), ih = GST_VIDEO_FRAME_HEIGHT(in);
	int ow = GST_VIDEO_FRAME_WIDTH(out), oh = GST_VIDEO_FRAME_HEIGHT(out);
	uint8_t *odata = static_cast<uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(out, 0));
	int ostride = GST_VIDEO_FRAME_PLANE_STRIDE(out, 0);
	for (int y = 0; y < oh; y++)
		memset(odata + size_t(y) * ostride, 0, size_t(ow) * 4);

	/* the input as a premultiplied surface (copied: GStreamer's alpha is straight) */
	if (!self->source || cairo_image_surface_get_width(self->source) != iw ||
	    cairo_image_surface_get_height(self->source) != ih) {
		if (self->source)
			cairo_surface_destroy(self->source);
		self->source = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, iw, ih);
	}
	cairo_surface_t *src = self->source;
	cairo_surface_flush(src);
	uint8_t *sdata = cairo_image_surface_get_data(src);
	int sstride = cairo_image_surface_get_stride(src);
	const uint8_t *idata = static_cast<const uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(in, 0));
	int istride = GST_VIDEO_FRAME_PLANE_STRIDE(in, 0);
	jtl::premultiply_pixels(idata, istride, sdata, sstride, iw, ih);
	cairo_surface_mark_dirty(src);

	double bw = s.box_width > 0 ? s.box_width : ow, bh = s.box_height > 0 ? s.box_height : oh;
	double cl = std::clamp(s.crop[0], 0.0, 1.0), ct = std::clamp(s.crop[1], 0.0, 1.0);
	double cr_ = std::clamp(s.crop[2], 0.0, 1.0), cb = std::clamp(s.crop[3], 0.0, 1.0);
	double sx = cl * iw, sy = ct * ih;
	double sw = std::max(1e-3, (1.0 - cl - cr_) * iw),
	       sh = std::max(1e-3, (1.0 - ct - cb) * ih);
	/* where the kept part goes inside the box */
	double dx = 0, dy = 0, dw = bw, dh = bh;
	if (s.keep_aspect_ratio) {
		double k = std::min(bw / sw, bh / sh);
		dw = sw * k;
		dh = sh * k;
		dx = (bw - dw) / 2;
		dy = (bh - dh) / 2;
	}
	cairo_surface_t *dst =
	        cairo_image_surface_create_for_data(odata, CAIRO_FORMAT_ARGB32, ow, oh, ostride);
	cairo_t *cr = cairo_create(dst);
	cairo_translate(cr, ow / 2.0, oh / 2.0);
	cairo_rotate(cr, s.rotation * G_PI / 180.0);
	cairo_translate(cr, -bw / 2.0, -bh / 2.0);
	jtl::rounded_rect(cr, 0, 0, bw, bh, s.radius);
	cairo_clip(cr);
	cairo_translate(cr, dx, dy);
	cairo_scale(cr, dw / sw, dh / sh);
	cairo_set_source_surface(cr, src, -sx, -sy);
	cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
	cairo_rectangle(cr, sx - sx, sy - sy, sw, sh);
	cairo_fill(cr);
	cairo_destroy(cr);
	cairo_surface_flush(dst);
	cairo_surface_destroy(dst);
	/* the transition's mask, on premultiplied pixels */
	if (std::optional<jtl::TransitionType> mask = mask_transition(s.mask))
		jtl::apply_mask_premultiplied(*mask, jtl::TransitionDirection(s.mask_direction),
		                              s.mask_progress, odata, ow, oh, ostride,
		                              s.mask_inverted);
	/* back to straight alpha */
	jtl::unpremultiply_pixels(odata, ow, oh, ostride);
	/* turned in perspective (a flip) */
	if (s.turn_x != 0.0)
		jtl::turn_bgra(s.turn_x, true, odata, ow, oh, ostride, self->flat);
	else if (s.turn_y != 0.0)
		jtl::turn_bgra(s.turn_y, false, odata, ow, oh, ostride, self->flat);
	return GST_FLOW_OK;
}

static void jtl_layer_set_property(GObject *object, guint id, const GValue *value,
                                   GParamSpec *pspec)
{
	JtlLayer *self = JTL_LAYER(object);
	Settings &s = *self->settings;
	GST_OBJECT_LOCK(self);
	switch (id) {
	case PROP_WIDTH:
		s.width = g_value_get_int(value);
		break;
	case PROP_HEIGHT:
		s.height = g_value_get_int(value);
		break;
	case PROP_BOX_WIDTH:
		s.box_width = g_value_get_double(value);
		break;
	case PROP_BOX_HEIGHT:
		s.box_height = g_value_get_double(value);
		break;
	case PROP_KEEP_ASPECT_RATIO:
		s.keep_aspect_ratio = g_value_get_boolean(value);
		break;
	case PROP_CROP_LEFT:
	case PROP_CROP_TOP:
	case PROP_CROP_RIGHT:
	case PROP_CROP_BOTTOM:
		s.crop[id - PROP_CROP_LEFT] = g_value_get_double(value);
		break;
	case PROP_RADIUS:
		s.radius = g_value_get_double(value);
		break;
	case PROP_ROTATION:
		s.rotation = g_value_get_double(value);
		break;
	case PROP_MASK:
		s.mask = g_value_get_enum(value);
		break;
	case PROP_MASK_DIRECTION:
		s.mask_direction = g_value_get_enum(value);
		break;
	case PROP_MASK_PROGRESS:
		s.mask_progress = g_value_get_double(value);
		break;
	case PROP_MASK_INVERTED:
		s.mask_inverted = g_value_get_boolean(value);
		break;
	case PROP_TURN_X:
		s.turn_x = g_value_get_double(value);
		break;
	case PROP_TURN_Y:
		s.turn_y = g_value_get_double(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
	if (id == PROP_WIDTH || id == PROP_HEIGHT)
		gst_base_transform_reconfigure_src(GST_BASE_TRANSFORM(self));
}

static void jtl_layer_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
	JtlLayer *self = JTL_LAYER(object);
	const Settings &s = *self->settings;
	GST_OBJECT_LOCK(self);
	switch (id) {
	case PROP_WIDTH:
		g_value_set_int(value, s.width);
		break;
	case PROP_HEIGHT:
		g_value_set_int(value, s.height);
		break;
	case PROP_BOX_WIDTH:
		g_value_set_double(value, s.box_width);
		break;
	case PROP_BOX_HEIGHT:
		g_value_set_double(value, s.box_height);
		break;
	case PROP_KEEP_ASPECT_RATIO:
		g_value_set_boolean(value, s.keep_aspect_ratio);
		break;
	case PROP_CROP_LEFT:
	case PROP_CROP_TOP:
	case PROP_CROP_RIGHT:
	case PROP_CROP_BOTTOM:
		g_value_set_double(value, s.crop[id - PROP_CROP_LEFT]);
		break;
	case PROP_RADIUS:
		g_value_set_double(value, s.radius);
		break;
	case PROP_ROTATION:
		g_value_set_double(value, s.rotation);
		break;
	case PROP_MASK:
		g_value_set_enum(value, s.mask);
		break;
	case PROP_MASK_DIRECTION:
		g_value_set_enum(value, s.mask_direction);
		break;
	case PROP_MASK_PROGRESS:
		g_value_set_double(value, s.mask_progress);
		break;
	case PROP_MASK_INVERTED:
		g_value_set_boolean(value, s.mask_inverted);
		break;
	case PROP_TURN_X:
		g_value_set_double(value, s.turn_x);
		break;
	case PROP_TURN_Y:
		g_value_set_double(value, s.turn_y);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

static void jtl_layer_finalize(GObject *object)
{
	JtlLayer *self = JTL_LAYER(object);
	if (self->source)
		cairo_surface_destroy(self->source);
	delete self->settings;
	delete self->flat;
	G_OBJECT_CLASS(jtl_layer_parent_class)->finalize(object);
}

static void jtl_layer_init(JtlLayer *self)
{
	self->settings = new Settings();
	self->flat = new std::vector<uint8_t>();
}

static void jtl_layer_class_init(JtlLayerClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
	object_class->set_property = jtl_layer_set_property;
	object_class->get_property = jtl_layer_get_property;
	object_class->finalize = jtl_layer_finalize;
	GST_BASE_TRANSFORM_CLASS(klass)->transform_caps = jtl_layer_transform_caps;
	GST_BASE_TRANSFORM_CLASS(klass)->before_transform = jtl_sync_controlled_values;
	GST_VIDEO_FILTER_CLASS(klass)->transform_frame = jtl_layer_transform_frame;

	const auto fixed =
	        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
	/* read at each frame: changeable while playing */
	const auto playing =
	        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
	const auto anim = GParamFlags(playing | GST_PARAM_CONTROLLABLE);
	g_object_class_install_property(object_class, PROP_WIDTH,
	                                g_param_spec_int("width", "Width",
	                                                 "Canvas width (0: the input's)", 0, 16384,
	                                                 0, fixed));
	g_object_class_install_property(object_class, PROP_HEIGHT,
	                                g_param_spec_int("height", "Height",
	                                                 "Canvas height (0: the input's)", 0, 16384,
	                                                 0, fixed));
	g_object_class_install_property(
	        object_class, PROP_BOX_WIDTH,
	        g_param_spec_double("box-width", "Box width",
	                            "Width of the box centred in the canvas (0: the canvas's)", 0,
	                            16384, 0, anim));
	g_object_class_install_property(
	        object_class, PROP_BOX_HEIGHT,
	        g_param_spec_double("box-height", "Box height",
	                            "Height of the box centred in the canvas (0: the canvas's)", 0,
	                            16384, 0, anim));
	g_object_class_install_property(
	        object_class, PROP_KEEP_ASPECT_RATIO,
	        g_param_spec_boolean("keep-aspect-ratio", "Keep aspect ratio",
	                             "Fit the picture inside the box keeping its aspect ratio "
	                             "(else stretch it to the box)",
	                             FALSE, anim));
	const char *sides[] = {"crop-left", "crop-top", "crop-right", "crop-bottom"};
	const char *blurbs[] = {"Fraction cut from the left of the picture",
	                        "Fraction cut from the top of the picture",
	                        "Fraction cut from the right of the picture",
	                        "Fraction cut from the bottom of the picture"};
	for (int i = 0; i < 4; i++)
		g_object_class_install_property(
		        object_class, PROP_CROP_LEFT + i,
		        g_param_spec_double(sides[i], sides[i], blurbs[i], 0.0, 1.0, 0.0, anim));
	g_object_class_install_property(object_class, PROP_RADIUS,
	                                g_param_spec_double("radius", "Radius",
	                                                    "Corner radius of the box in pixels", 0,
	                                                    16384, 0, anim));
	g_object_class_install_property(
	        object_class, PROP_ROTATION,
	        g_param_spec_double("rotation", "Rotation",
	                            "Degrees clockwise around the canvas centre", -36000, 36000, 0,
	                            anim));
	g_object_class_install_property(
	        object_class, PROP_MASK,
	        g_param_spec_enum("mask", "Mask",
	                          "Show the picture only where this transition has uncovered it "
	                          "(none: everywhere)",
	                          jtl_layer_mask_get_type(), JTL_LAYER_MASK_NONE, playing));
	g_object_class_install_property(object_class, PROP_MASK_DIRECTION,
	                                g_param_spec_enum("mask-direction", "Mask direction",
	                                                  "Side or corner a wipe starts from",
	                                                  jtl_transition_direction_get_type(),
	                                                  int(jtl::TransitionDirection::FromLeft),
	                                                  playing));
	g_object_class_install_property(
	        object_class, PROP_MASK_PROGRESS,
	        g_param_spec_double("mask-progress", "Mask progress",
	                            "How far the mask's transition has come: 0 hides the "
	                            "picture, 1 shows it whole",
	                            0.0, 1.0, 1.0, anim));
	g_object_class_install_property(
	        object_class, PROP_MASK_INVERTED,
	        g_param_spec_boolean("mask-inverted", "Mask inverted",
	                             "Show the picture only where the mask's transition has not "
	                             "uncovered it yet (the outgoing clip)",
	                             FALSE, playing));
	g_object_class_install_property(
	        object_class, PROP_TURN_X,
	        g_param_spec_double("turn-x", "Turn around x",
	                            "Degrees the canvas turns in perspective around its horizontal "
	                            "axis (positive: the top edge comes forward)",
	                            -90.0, 90.0, 0.0, anim));
	g_object_class_install_property(
	        object_class, PROP_TURN_Y,
	        g_param_spec_double(
	                "turn-y", "Turn around y",
	                "Degrees the canvas turns in perspective around its vertical "
	                "axis (positive: the left edge comes forward); turn-x wins when "
	                "both are set",
	                -90.0, 90.0, 0.0, anim));

	gst_type_mark_as_plugin_api(jtl_layer_mask_get_type(), GstPluginAPIFlags(0));
	gst_type_mark_as_plugin_api(jtl_transition_direction_get_type(), GstPluginAPIFlags(0));
	gst_element_class_add_static_pad_template(element_class, &sink_template);
	gst_element_class_add_static_pad_template(element_class, &src_template);
	gst_element_class_set_static_metadata(
	        element_class, "Layer shaper", "Filter/Editor/Video",
	        "Crops a picture, fits it into a box with rounded corners and turns it; "
	        "controllable",
	        "jsontimeline developers");
	GST_DEBUG_CATEGORY_INIT(jtl_layer_debug, "jtllayer", 0, "layer shaper");
}
