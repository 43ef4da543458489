// SPDX-License-Identifier: LGPL-2.1-or-later
// textoverlay-kf: text drawn with Pango/Cairo over video, every visual property animatable.
/**
 * SECTION:element-textoverlay-kf
 *
 * Draws a text box over video: the text is laid out with Pango inside a box of
 * #JtlTextOverlay:box-width (wrapped at that width) and drawn with the styling editor
 * JSON carries (family, weight, italic, size, line height, letter spacing, alignment,
 * direction, colour, stroke, a rounded background box with horizontal padding). The box
 * is placed at (#JtlTextOverlay:x, #JtlTextOverlay:y), scaled and rotated around its
 * centre and blended with #JtlTextOverlay:opacity.
 *
 * Every visual property is controllable (GstController): position, box size, scale,
 * rotation, opacity, colours, sizes. The text is laid out and drawn once into a cached
 * picture, again only when the text or a style property changes; per frame only the
 * transform is applied.
 *
 * Text that overflows the box is drawn, not cut (CSS overflow: visible): the picture grows
 * past the box as far as the glyphs reach. #JtlTextOverlay:line-height is CSS's: each line
 * is line-height x font-size high. A font family that is not installed is replaced by
 * DejaVu Sans, with a warning on the bus.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc ! videoconvert ! textoverlay-kf text="Hello" \
 *     font-size=64 x=40 y=60 box-width=400 css-color="#ffcc00" ! videoconvert ! autovideosink
 * ]|
 */
#include "jtltextoverlay.h"

#include "common/enums.h"
#include "common/textlook.h"
#include "common/values.h"
#include "controlled.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include <cairo.h>
#include <gst/controller/controller.h>

#include <jsontimeline/color.h>
#include <jsontimeline/draw.h>
#include <jsontimeline/raster.h>

GST_DEBUG_CATEGORY_STATIC(jtl_text_overlay_debug);
#define GST_CAT_DEFAULT jtl_text_overlay_debug

enum {
	PROP_0,
	PROP_TEXT,
	PROP_FONT_FAMILY,
	PROP_FONT_WEIGHT,
	PROP_ITALIC,
	PROP_FONT_SIZE,
	PROP_LINE_HEIGHT,
	PROP_LETTER_SPACING,
	PROP_ALIGNMENT,
	PROP_DIRECTION,
	PROP_COLOR,
	PROP_CSS_COLOR,
	PROP_STROKE_WIDTH,
	PROP_STROKE_COLOR,
	PROP_BACKGROUND_COLOR,
	PROP_BACKGROUND_PADDING,
	PROP_BACKGROUND_RADIUS,
	PROP_X,
	PROP_Y,
	PROP_BOX_WIDTH,
	PROP_BOX_HEIGHT,
	PROP_SCALE_X,
	PROP_SCALE_Y,
	PROP_ROTATION,
	PROP_OPACITY,
};

/* The properties of the text's look, shared with captionrender. */
static const JtlTextLookProps kLookProps = {
        PROP_FONT_WEIGHT,       PROP_ITALIC,    PROP_FONT_SIZE,    PROP_LINE_HEIGHT,
        PROP_LETTER_SPACING,    PROP_ALIGNMENT, PROP_STROKE_WIDTH, PROP_BACKGROUND_PADDING,
        PROP_BACKGROUND_RADIUS,
};

static GType jtl_text_align_get_type()
{
	static GType type = 0;
	return jtl_align_enum_type(&type, "JtlTextAlign");
}

namespace {

/* Everything that changes the drawn text (not its placement). */
struct Style {
	std::string text;
	std::string family = jtl::kDefaultFontFamily;
	JtlTextLook look;
	int direction = JTL_TEXT_DIRECTION_LTR;
	guint color = 0xffffffff;
	guint stroke_color = 0xff000000;
	guint background_color = 0; /* fully transparent: no background box */

	bool operator!=(const Style &o) const
	{
		return text != o.text || family != o.family || look != o.look ||
		       direction != o.direction || color != o.color ||
		       stroke_color != o.stroke_color || background_color != o.background_color;
	}
};

/* Where the box goes, per frame. */
struct Placement {
	double x = 0, y = 0;
	double box_width = 0, box_height = 0; /* 0: the frame's */
	double scale_x = 1, scale_y = 1;
	double rotation = 0;
	double opacity = 1;
};

struct SurfaceDeleter {
	void operator()(cairo_surface_t *s) const { cairo_surface_destroy(s); }
};

} /* namespace */

struct _JtlTextOverlay {
	GstVideoFilter parent;
	struct Private {
		Style style;         /* object lock */
		Placement placement; /* object lock */
		bool dirty = true;   /* style changed since the picture was drawn; object lock */
		/* the cached picture (premultiplied): the box it was drawn for grown by the
		 * text's overflow, the box's corner at (picture_x, picture_y); streaming
		 * thread only */
		std::unique_ptr<cairo_surface_t, SurfaceDeleter> picture;
		double picture_w = 0, picture_h = 0; /* the box, pixels (not rounded) */
		int picture_x = 0, picture_y = 0;
		std::string warned_family;
		/* the last frame drawn: when the same picture comes in again (imagefreeze repeats
		 * one memory) and nothing changed, its result goes out again without work;
		 * streaming thread only */
		/* the input buffer (a ref): it keeps its memory, whose address identifies
		 * the picture, from being freed and reused. A buffer, not a ref on the memory
		 * itself: a memory with more refs than parent buffers confuses the writability
		 * rules of the buffers that share it */
		GstBuffer *last_in = nullptr;
		GstBuffer *last_out = nullptr; /* a ref */
		Placement last_placement;
		/* the input of the frame being drawn into a copy of it (not a ref: the parent
		 * class keeps it until the transform is done) */
		GstBuffer *pending_in = nullptr;
		bool reuse = false; /* this frame reuses last_out */
	} * priv;
};

G_DEFINE_TYPE(JtlTextOverlay, jtl_text_overlay, GST_TYPE_VIDEO_FILTER)
GST_ELEMENT_REGISTER_DEFINE(textoverlay_kf, "textoverlay-kf", GST_RANK_NONE, JTL_TYPE_TEXT_OVERLAY);

#define FORMATS "{ BGRA, BGRx }"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
        "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(FORMATS)));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
        "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(FORMATS)));

namespace {

/* Draws the text into a new cached picture of a w x h box, grown by up to room pixels on
 * each side where the text overflows the box. */
void redraw(JtlTextOverlay *self, const Style &st, double w, double h, int room)
{
	jtl::TextStyle ts;
	jtl_text_look_apply(st.look, &ts);
	ts.color = jtl_css_from_argb(st.color);
	ts.font_family = st.family;
	ts.direction = st.direction == JTL_TEXT_DIRECTION_RTL ? jtl::TextDirection::Rtl
	                                                      : jtl::TextDirection::Ltr;
	ts.stroke_color = jtl_css_from_argb(st.stroke_color);
	if ((st.background_color >> 24) != 0)
		ts.background =
		        jtl::TextBackground{jtl_css_from_argb(st.background_color),
		                            st.look.background_padding, st.look.background_radius};
	std::string warning;
	jtl::TextOverflow grown{room, room, room, room};
	jtl::Raster r = jtl::draw_text(st.text, ts, w, h, 1.0, &warning, &grown);
	if (!warning.empty() && self->priv->warned_family != st.family) {
		self->priv->warned_family = st.family;
		GST_ELEMENT_WARNING(self, RESOURCE, NOT_FOUND, ("%s.", warning.c_str()),
		                    ("font-family \"%s\"", st.family.c_str()));
	}
	/* straight BGRA -> premultiplied ARGB32 */
	self->priv->picture.reset(jtl::raster_to_surface(r).release());
	self->priv->picture_w = w;
	self->priv->picture_h = h;
	self->priv->picture_x = grown.left;
	self->priv->picture_y = grown.top;
}

/* Premultiplies (or un-premultiplies) the BGRA pixels of a rectangle in place. */
void premultiply(uint8_t *data, int stride, int x0, int y0, int x1, int y1, bool forward)
{
	uint8_t *corner = data + size_t(y0) * stride + size_t(x0) * 4;
	if (forward)
		jtl::premultiply_pixels(corner, x1 - x0, y1 - y0, stride);
	else
		jtl::unpremultiply_pixels(corner, x1 - x0, y1 - y0, stride);
}

} /* namespace */

/* Drops the remembered frame. basetransform calls stop() after only a stream lock/unlock
 * of the sink pad, so a buffer may still be in transform then (a branch stopped from
 * another streaming thread): last_in/last_out are only touched under the object lock. */
static void forget_last(JtlTextOverlay *self)
{
	auto *p = self->priv;
	GST_OBJECT_LOCK(self);
	GstBuffer *in = p->last_in;
	GstBuffer *out = p->last_out;
	p->last_in = nullptr;
	p->last_out = nullptr;
	GST_OBJECT_UNLOCK(self);
	if (in)
		gst_buffer_unref(in);
	if (out)
		gst_buffer_unref(out);
}

static bool same_placement(const Placement &a, const Placement &b)
{
	return a.x == b.x && a.y == b.y && a.box_width == b.box_width &&
	       a.box_height == b.box_height && a.scale_x == b.scale_x && a.scale_y == b.scale_y &&
	       a.rotation == b.rotation && a.opacity == b.opacity;
}

static GstFlowReturn jtl_text_overlay_prepare_output_buffer(GstBaseTransform *trans,
                                                            GstBuffer *input, GstBuffer **outbuf)
{
	JtlTextOverlay *self = JTL_TEXT_OVERLAY(trans);
	auto *p = self->priv;
	GstMemory *mem =
	        gst_buffer_n_memory(input) == 1 ? gst_buffer_peek_memory(input, 0) : nullptr;
	GST_OBJECT_LOCK(self);
	p->reuse = !p->dirty && mem && p->last_in && gst_buffer_n_memory(p->last_in) == 1 &&
	           gst_buffer_peek_memory(p->last_in, 0) == mem && p->last_out &&
	           same_placement(p->placement, p->last_placement);
	/* the same result, sharing its memory, with this frame's timing */
	*outbuf = p->reuse ? gst_buffer_copy(p->last_out) : nullptr;
	GST_OBJECT_UNLOCK(self);
	if (p->reuse) {
		GST_BUFFER_PTS(*outbuf) = GST_BUFFER_PTS(input);
		GST_BUFFER_DTS(*outbuf) = GST_BUFFER_DTS(input);
		GST_BUFFER_DURATION(*outbuf) = GST_BUFFER_DURATION(input);
		GST_BUFFER_OFFSET(*outbuf) = GST_BUFFER_OFFSET(input);
		GST_BUFFER_OFFSET_END(*outbuf) = GST_BUFFER_OFFSET_END(input);
		return GST_FLOW_OK;
	}
	GstFlowReturn ret = GST_BASE_TRANSFORM_CLASS(jtl_text_overlay_parent_class)
	                            ->prepare_output_buffer(trans, input, outbuf);
	/* a picture drawn in the input itself is not remembered: its memory now holds
	 * the result */
	p->pending_in = ret == GST_FLOW_OK && mem && *outbuf != input ? input : nullptr;
	return ret;
}

static GstFlowReturn jtl_text_overlay_transform_ip(GstBaseTransform *trans, GstBuffer *buf)
{
	JtlTextOverlay *self = JTL_TEXT_OVERLAY(trans);
	auto *p = self->priv;
	if (p->reuse)
		return GST_FLOW_OK;
	GST_OBJECT_LOCK(self);
	Placement now = p->placement;
	GST_OBJECT_UNLOCK(self);
	GstFlowReturn ret =
	        GST_BASE_TRANSFORM_CLASS(jtl_text_overlay_parent_class)->transform_ip(trans, buf);
	forget_last(self);
	if (ret == GST_FLOW_OK && p->pending_in) {
		GstBuffer *in = gst_buffer_ref(p->pending_in);
		GstBuffer *out = gst_buffer_ref(buf);
		GST_OBJECT_LOCK(self);
		std::swap(in, p->last_in);
		std::swap(out, p->last_out);
		p->last_placement = now;
		GST_OBJECT_UNLOCK(self);
		if (in) /* set by a frame drawn meanwhile: keep the newest */
			gst_buffer_unref(in);
		if (out)
			gst_buffer_unref(out);
	}
	p->pending_in = nullptr;
	return ret;
}

static gboolean jtl_text_overlay_stop(GstBaseTransform *trans)
{
	forget_last(JTL_TEXT_OVERLAY(trans));
	return TRUE;
}

static GstFlowReturn jtl_text_overlay_transform_frame_ip(GstVideoFilter *filter,
                                                         GstVideoFrame *frame)
{
	JtlTextOverlay *self = JTL_TEXT_OVERLAY(filter);
	int fw = GST_VIDEO_FRAME_WIDTH(frame), fh = GST_VIDEO_FRAME_HEIGHT(frame);
	GST_OBJECT_LOCK(self);
	Placement p = self->priv->placement;
	/* the text is laid out in the box as it is, drawn on whole pixels */
	double lw = std::clamp(p.box_width > 0 ? p.box_width : double(fw), 1.0, 16384.0);
	double lh = std::clamp(p.box_height > 0 ? p.box_height : double(fh), 1.0, 16384.0);
	int bw = int(std::lround(lw)), bh = int(std::lround(lh));
	/* drawn again only when the text, its style or the box size changed */
	std::optional<Style> changed;
	if (self->priv->dirty || !self->priv->picture || lw != self->priv->picture_w ||
	    lh != self->priv->picture_h)
		changed = self->priv->style;
	self->priv->dirty = false;
	GST_OBJECT_UNLOCK(self);
	/* overflow is drawn up to a frame's size past the box */
	if (changed)
		redraw(self, *changed, lw, lh,
		       std::min(std::max(fw, fh), jtl::kMaxTextPictureSide));
	if (p.opacity <= 0.0 || p.scale_x == 0.0 || p.scale_y == 0.0)
		return GST_FLOW_OK;

	uint8_t *data = static_cast<uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(frame, 0));
	int stride = GST_VIDEO_FRAME_PLANE_STRIDE(frame, 0);
	bool alpha = GST_VIDEO_FRAME_FORMAT(frame) == GST_VIDEO_FORMAT_BGRA;
	std::unique_ptr<cairo_surface_t, SurfaceDeleter> target(cairo_image_surface_create_for_data(
	        data, alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, fw, fh, stride));
	cairo_t *cr = cairo_create(target.get());
	/* the box's centre is the origin of scale and rotation */
	cairo_translate(cr, p.x + bw / 2.0, p.y + bh / 2.0);
	cairo_rotate(cr, p.rotation * G_PI / 180.0);
	cairo_scale(cr, p.scale_x, p.scale_y);
	cairo_translate(cr, -bw / 2.0, -bh / 2.0);
	/* the pixels it may touch (the picture, overflow included), for the alpha conversion
	 * of BGRA frames */
	double px0 = -self->priv->picture_x, py0 = -self->priv->picture_y;
	double px1 = px0 + cairo_image_surface_get_width(self->priv->picture.get());
	double py1 = py0 + cairo_image_surface_get_height(self->priv->picture.get());
	double cx[4] = {px0, px1, px0, px1}, cy[4] = {py0, py0, py1, py1};
	double minx = G_MAXDOUBLE, miny = G_MAXDOUBLE, maxx = -G_MAXDOUBLE, maxy = -G_MAXDOUBLE;
	for (int i = 0; i < 4; i++) {
		cairo_user_to_device(cr, &cx[i], &cy[i]);
		minx = std::min(minx, cx[i]);
		maxx = std::max(maxx, cx[i]);
		miny = std::min(miny, cy[i]);
		maxy = std::max(maxy, cy[i]);
	}
	int rx0 = std::clamp(int(std::floor(minx)) - 1, 0, fw);
	int ry0 = std::clamp(int(std::floor(miny)) - 1, 0, fh);
	int rx1 = std::clamp(int(std::ceil(maxx)) + 1, 0, fw);
	int ry1 = std::clamp(int(std::ceil(maxy)) + 1, 0, fh);
	if (alpha)
		premultiply(data, stride, rx0, ry0, rx1, ry1, true);
	cairo_surface_mark_dirty(target.get());
	cairo_set_source_surface(cr, self->priv->picture.get(), px0, py0);
	cairo_paint_with_alpha(cr, std::clamp(p.opacity, 0.0, 1.0));
	cairo_destroy(cr);
	cairo_surface_flush(target.get());
	if (alpha)
		premultiply(data, stride, rx0, ry0, rx1, ry1, false);
	return GST_FLOW_OK;
}

static void jtl_text_overlay_set_property(GObject *object, guint id, const GValue *value,
                                          GParamSpec *pspec)
{
	JtlTextOverlay *self = JTL_TEXT_OVERLAY(object);
	Style &s = self->priv->style;
	Placement &p = self->priv->placement;
	GST_OBJECT_LOCK(self);
	Style before = s;
	switch (id) {
	case PROP_TEXT:
		s.text = jtl_value_string(value);
		break;
	case PROP_FONT_FAMILY:
		s.family = jtl_value_string(value);
		if (s.family.empty())
			s.family = jtl::kDefaultFontFamily;
		break;
	case PROP_DIRECTION:
		s.direction = g_value_get_enum(value);
		break;
	case PROP_COLOR:
		s.color = g_value_get_uint(value);
		break;
	case PROP_CSS_COLOR:
		jtl_text_color_from_css(object, "css-color", value, false, &s.color);
		break;
	case PROP_STROKE_COLOR:
		s.stroke_color = g_value_get_uint(value);
		break;
	case PROP_BACKGROUND_COLOR:
		s.background_color = g_value_get_uint(value);
		break;
	case PROP_X:
		p.x = g_value_get_double(value);
		break;
	case PROP_Y:
		p.y = g_value_get_double(value);
		break;
	case PROP_BOX_WIDTH:
		p.box_width = g_value_get_double(value);
		break;
	case PROP_BOX_HEIGHT:
		p.box_height = g_value_get_double(value);
		break;
	case PROP_SCALE_X:
		p.scale_x = g_value_get_double(value);
		break;
	case PROP_SCALE_Y:
		p.scale_y = g_value_get_double(value);
		break;
	case PROP_ROTATION:
		p.rotation = g_value_get_double(value);
		break;
	case PROP_OPACITY:
		p.opacity = g_value_get_double(value);
		break;
	default:
		if (!jtl_text_look_set(&s.look, kLookProps, id, value))
			G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
		break;
	}
	/* a controller sets every bound property each frame: only a real change redraws */
	if (s != before)
		self->priv->dirty = true;
	GST_OBJECT_UNLOCK(self);
}

static void jtl_text_overlay_get_property(GObject *object, guint id, GValue *value,
                                          GParamSpec *pspec)
{
	JtlTextOverlay *self = JTL_TEXT_OVERLAY(object);
	const Style &s = self->priv->style;
	const Placement &p = self->priv->placement;
	GST_OBJECT_LOCK(self);
	switch (id) {
	case PROP_TEXT:
		g_value_set_string(value, s.text.c_str());
		break;
	case PROP_FONT_FAMILY:
		g_value_set_string(value, s.family.c_str());
		break;
	case PROP_DIRECTION:
		g_value_set_enum(value, s.direction);
		break;
	case PROP_COLOR:
		g_value_set_uint(value, s.color);
		break;
	case PROP_CSS_COLOR:
		g_value_set_string(value, jtl_css_from_argb(s.color).c_str());
		break;
	case PROP_STROKE_COLOR:
		g_value_set_uint(value, s.stroke_color);
		break;
	case PROP_BACKGROUND_COLOR:
		g_value_set_uint(value, s.background_color);
		break;
	case PROP_X:
		g_value_set_double(value, p.x);
		break;
	case PROP_Y:
		g_value_set_double(value, p.y);
		break;
	case PROP_BOX_WIDTH:
		g_value_set_double(value, p.box_width);
		break;
	case PROP_BOX_HEIGHT:
		g_value_set_double(value, p.box_height);
		break;
	case PROP_SCALE_X:
		g_value_set_double(value, p.scale_x);
		break;
	case PROP_SCALE_Y:
		g_value_set_double(value, p.scale_y);
		break;
	case PROP_ROTATION:
		g_value_set_double(value, p.rotation);
		break;
	case PROP_OPACITY:
		g_value_set_double(value, p.opacity);
		break;
	default:
		if (!jtl_text_look_get(s.look, kLookProps, id, value))
			G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

static void jtl_text_overlay_finalize(GObject *object)
{
	forget_last(JTL_TEXT_OVERLAY(object));
	delete JTL_TEXT_OVERLAY(object)->priv;
	G_OBJECT_CLASS(jtl_text_overlay_parent_class)->finalize(object);
}

static void jtl_text_overlay_init(JtlTextOverlay *self)
{
	self->priv = new _JtlTextOverlay::Private();
}

static void jtl_text_overlay_class_init(JtlTextOverlayClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
	object_class->set_property = jtl_text_overlay_set_property;
	object_class->get_property = jtl_text_overlay_get_property;
	object_class->finalize = jtl_text_overlay_finalize;
	GST_BASE_TRANSFORM_CLASS(klass)->before_transform = jtl_sync_controlled_values;
	GST_VIDEO_FILTER_CLASS(klass)->transform_frame_ip = jtl_text_overlay_transform_frame_ip;
	/* after GstVideoFilter's own: a repeated picture with nothing changed is not drawn
	 * again (see prepare_output_buffer) */
	GST_BASE_TRANSFORM_CLASS(klass)->prepare_output_buffer =
	        jtl_text_overlay_prepare_output_buffer;
	GST_BASE_TRANSFORM_CLASS(klass)->transform_ip = jtl_text_overlay_transform_ip;
	GST_BASE_TRANSFORM_CLASS(klass)->stop = jtl_text_overlay_stop;

	/* read at each frame: changeable while playing */
	const auto rw =
	        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
	const auto anim = GParamFlags(rw | GST_PARAM_CONTROLLABLE);
	auto dbl = [&](guint id, const char *name, const char *nick, const char *blurb, double lo,
	               double hi, double def) {
		g_object_class_install_property(
		        object_class, id,
		        g_param_spec_double(name, nick, blurb, lo, hi, def, anim));
	};
	auto argb = [&](guint id, const char *name, const char *nick, const char *blurb,
	                guint def) {
		g_object_class_install_property(
		        object_class, id,
		        g_param_spec_uint(name, nick, blurb, 0, G_MAXUINT, def, anim));
	};
	g_object_class_install_property(
	        object_class, PROP_TEXT,
	        g_param_spec_string("text", "Text", "The text (UTF-8; newlines break lines)", "",
	                            rw));
	g_object_class_install_property(
	        object_class, PROP_FONT_FAMILY,
	        g_param_spec_string(
	                "font-family", "Font family",
	                "Fontconfig family; one not installed is replaced by DejaVu Sans "
	                "(a warning is posted)",
	                jtl::kDefaultFontFamily, rw));
	jtl_text_look_install(object_class, kLookProps, jtl_text_align_get_type(), JTL_ALIGN_LEFT,
	                      rw, anim);
	g_object_class_install_property(
	        object_class, PROP_DIRECTION,
	        g_param_spec_enum("direction", "Direction", "Base direction of the text",
	                          jtl_text_direction_get_type(), JTL_TEXT_DIRECTION_LTR, rw));
	argb(PROP_COLOR, "color", "Colour", "Text colour, 0xAARRGGBB", 0xffffffff);
	g_object_class_install_property(
	        object_class, PROP_CSS_COLOR,
	        g_param_spec_string(
	                "css-color", "CSS colour",
	                "Deprecated: use color. Text colour as CSS: #rgb, #rrggbb, #rrggbbaa, "
	                "rgb(), rgba() or a name (sets color; anything else is refused with a "
	                "warning)",
	                "rgba(255,255,255,1.000000)", GParamFlags(rw | G_PARAM_DEPRECATED)));
	argb(PROP_STROKE_COLOR, "stroke-color", "Stroke colour", "Outline colour, 0xAARRGGBB",
	     0xff000000);
	argb(PROP_BACKGROUND_COLOR, "background-color", "Background colour",
	     "Colour of the box behind the text block, 0xAARRGGBB (alpha 0: no box)", 0);
	dbl(PROP_X, "x", "X", "Left edge of the box in pixels", -100000.0, 100000.0, 0.0);
	dbl(PROP_Y, "y", "Y", "Top edge of the box in pixels", -100000.0, 100000.0, 0.0);
	dbl(PROP_BOX_WIDTH, "box-width", "Box width",
	    "Width of the box the text wraps in, pixels (0: the frame's)", 0.0, 16384.0, 0.0);
	dbl(PROP_BOX_HEIGHT, "box-height", "Box height",
	    "Height of the box, pixels; the text block is centred in it (0: the frame's)", 0.0,
	    16384.0, 0.0);
	dbl(PROP_SCALE_X, "scale-x", "Scale X", "Horizontal scale around the box centre", -100.0,
	    100.0, 1.0);
	dbl(PROP_SCALE_Y, "scale-y", "Scale Y", "Vertical scale around the box centre", -100.0,
	    100.0, 1.0);
	dbl(PROP_ROTATION, "rotation", "Rotation",
	    "Rotation in degrees, clockwise, around the box centre", -36000.0, 36000.0, 0.0);
	dbl(PROP_OPACITY, "opacity", "Opacity", "Opacity of the whole box, 0 to 1", 0.0, 1.0, 1.0);

	gst_type_mark_as_plugin_api(jtl_text_align_get_type(), GstPluginAPIFlags(0));
	gst_type_mark_as_plugin_api(jtl_text_direction_get_type(), GstPluginAPIFlags(0));
	gst_element_class_add_static_pad_template(element_class, &sink_template);
	gst_element_class_add_static_pad_template(element_class, &src_template);
	gst_element_class_set_static_metadata(
	        element_class, "Keyframable text overlay", "Filter/Editor/Video",
	        "Draws styled text over video; position, size, scale, rotation, opacity and "
	        "colours are controllable",
	        "jsontimeline developers");
	GST_DEBUG_CATEGORY_INIT(jtl_text_overlay_debug, "textoverlay-kf", 0,
	                        "keyframable text overlay");
}
