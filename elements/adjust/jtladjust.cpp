// SPDX-License-Identifier: LGPL-2.1-or-later
// jtladjust: the effects and filters of adjustment items, applied to whole frames.
/**
 * SECTION:element-jtladjust
 *
 * Changes whole BGRA frames in place, in this order: the colour looks of editorState
 * filters (one property per look, named after it, its amount 0..1; looks add up), a blur
 * (`blur`, the Gaussian standard deviation in pixels) and darkening towards black
 * (`darken`, 0..1). Every property is controllable; a frame with nothing to do passes
 * through untouched. With `backdrop`, a frame whose content does not fill it (transparent
 * pixels) finally gets an enlarged copy of that content, blurred by `backdrop-blur`, behind
 * it: the "blur" background of short-video editors. jsontimelinesrc puts one between the
 * compositors below and above a track of effect and filter items, driven by those items frame by
 * frame.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc ! videoconvert ! jtladjust sunset-orange=1 blur=3 \
 *     darken=0.2 ! videoconvert ! autovideosink
 * ]|
 */
#include "jtladjust.h"

#include "controlled.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <jsontimeline/adjust.h>

GST_DEBUG_CATEGORY_STATIC(jtl_adjust_debug);
#define GST_CAT_DEFAULT jtl_adjust_debug

enum {
	PROP_0,
	PROP_BACKDROP,
	PROP_BACKDROP_BLUR,
	PROP_BLUR,
	PROP_DARKEN,
	PROP_LOOK_FIRST, /* one per filter look, in filter_names() order */
};

struct _JtlAdjust {
	GstVideoFilter parent;
	jtl::Adjustment *settings; /* object lock */
	gboolean backdrop;         /* object lock */
	double backdrop_blur;      /* object lock */
};

G_DEFINE_TYPE(JtlAdjust, jtl_adjust, GST_TYPE_VIDEO_FILTER)
GST_ELEMENT_REGISTER_DEFINE(jtladjust, "jtladjust", GST_RANK_NONE, JTL_TYPE_ADJUST);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
        "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE("BGRA")));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
        "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE("BGRA")));

static void jtl_adjust_before_transform(GstBaseTransform *trans, GstBuffer *buf)
{
	jtl_sync_controlled_values(trans, buf);
	JtlAdjust *self = JTL_ADJUST(trans);
	GST_OBJECT_LOCK(self);
	bool identity = self->settings->is_identity() && !self->backdrop;
	GST_OBJECT_UNLOCK(self);
	/* nothing to do: no copy, no pass over the pixels */
	gst_base_transform_set_passthrough(trans, identity);
}

static GstFlowReturn jtl_adjust_transform_frame_ip(GstVideoFilter *filter, GstVideoFrame *frame)
{
	JtlAdjust *self = JTL_ADJUST(filter);
	GST_OBJECT_LOCK(self);
	jtl::Adjustment a = *self->settings;
	bool backdrop = self->backdrop;
	double backdrop_blur = self->backdrop_blur;
	GST_OBJECT_UNLOCK(self);
	int w = GST_VIDEO_FRAME_WIDTH(frame), h = GST_VIDEO_FRAME_HEIGHT(frame);
	int stride = GST_VIDEO_FRAME_PLANE_STRIDE(frame, 0);
	uint8_t *data = static_cast<uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(frame, 0));
	a.apply_looks(data, w, h, stride);
	if (a.blur > 0)
		jtl::blur_bgra(data, w, h, stride, a.blur);
	jtl::darken_bgra(data, w, h, stride, a.darkness);
	if (backdrop)
		jtl::backdrop_bgra(data, w, h, stride, backdrop_blur);
	return GST_FLOW_OK;
}

static void jtl_adjust_set_property(GObject *object, guint id, const GValue *value,
                                    GParamSpec *pspec)
{
	JtlAdjust *self = JTL_ADJUST(object);
	GST_OBJECT_LOCK(self);
	jtl::Adjustment &s = *self->settings;
	if (id == PROP_BACKDROP)
		self->backdrop = g_value_get_boolean(value);
	else if (id == PROP_BACKDROP_BLUR)
		self->backdrop_blur = g_value_get_double(value);
	else if (id == PROP_BLUR)
		s.blur = g_value_get_double(value);
	else if (id == PROP_DARKEN)
		s.darkness = g_value_get_double(value);
	else if (id >= PROP_LOOK_FIRST && id < PROP_LOOK_FIRST + s.looks.size())
		s.looks[id - PROP_LOOK_FIRST] = g_value_get_double(value);
	else
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
	GST_OBJECT_UNLOCK(self);
}

static void jtl_adjust_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
	JtlAdjust *self = JTL_ADJUST(object);
	GST_OBJECT_LOCK(self);
	const jtl::Adjustment &s = *self->settings;
	if (id == PROP_BACKDROP)
		g_value_set_boolean(value, self->backdrop);
	else if (id == PROP_BACKDROP_BLUR)
		g_value_set_double(value, self->backdrop_blur);
	else if (id == PROP_BLUR)
		g_value_set_double(value, s.blur);
	else if (id == PROP_DARKEN)
		g_value_set_double(value, s.darkness);
	else if (id >= PROP_LOOK_FIRST && id < PROP_LOOK_FIRST + s.looks.size())
		g_value_set_double(value, s.looks[id - PROP_LOOK_FIRST]);
	else
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
	GST_OBJECT_UNLOCK(self);
}

static void jtl_adjust_finalize(GObject *object)
{
	delete JTL_ADJUST(object)->settings;
	G_OBJECT_CLASS(jtl_adjust_parent_class)->finalize(object);
}

static void jtl_adjust_init(JtlAdjust *self)
{
	self->settings = new jtl::Adjustment();
}

static void jtl_adjust_class_init(JtlAdjustClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
	object_class->set_property = jtl_adjust_set_property;
	object_class->get_property = jtl_adjust_get_property;
	object_class->finalize = jtl_adjust_finalize;
	GST_BASE_TRANSFORM_CLASS(klass)->before_transform = jtl_adjust_before_transform;
	GST_VIDEO_FILTER_CLASS(klass)->transform_frame_ip = jtl_adjust_transform_frame_ip;

	const auto anim =
	        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_CONTROLLABLE);
	g_object_class_install_property(
	        object_class, PROP_BACKDROP,
	        g_param_spec_boolean("backdrop", "Backdrop",
	                             "Last, where the frame's content leaves it transparent, put "
	                             "an enlarged, blurred copy of the content behind it",
	                             FALSE,
	                             GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));
	g_object_class_install_property(
	        object_class, PROP_BACKDROP_BLUR,
	        g_param_spec_double("backdrop-blur", "Backdrop blur",
	                            "Blur of the backdrop: Gaussian standard deviation in pixels",
	                            0.0, 1000.0, 0.0, anim));
	g_object_class_install_property(
	        object_class, PROP_BLUR,
	        g_param_spec_double("blur", "Blur",
	                            "Blur: Gaussian standard deviation in pixels (0: none)", 0.0,
	                            1000.0, 0.0, anim));
	g_object_class_install_property(object_class, PROP_DARKEN,
	                                g_param_spec_double("darken", "Darken",
	                                                    "How far towards black, 0..1", 0.0, 1.0,
	                                                    0.0, anim));
	const std::vector<std::string> &looks = jtl::filter_names();
	for (std::size_t i = 0; i < looks.size(); i++) {
		std::string blurb = "Amount of the " + looks[i] + " look, 0..1";
		g_object_class_install_property(
		        object_class, guint(PROP_LOOK_FIRST + i),
		        g_param_spec_double(
		                g_intern_string(looks[i].c_str()),
		                g_intern_string(looks[i].c_str()), g_intern_string(blurb.c_str()),
		                0.0, 1.0, 0.0,
		                GParamFlags(G_PARAM_READWRITE | GST_PARAM_CONTROLLABLE)));
	}

	gst_element_class_add_static_pad_template(element_class, &sink_template);
	gst_element_class_add_static_pad_template(element_class, &src_template);
	gst_element_class_set_static_metadata(
	        element_class, "Frame adjustment", "Filter/Effect/Video",
	        "Colour looks, blur and darkening of whole frames, controllable: the effects and "
	        "filters of editorState adjustment items",
	        "jsontimeline developers");
	GST_DEBUG_CATEGORY_INIT(jtl_adjust_debug, "jtladjust", 0, "frame adjustment");
}
