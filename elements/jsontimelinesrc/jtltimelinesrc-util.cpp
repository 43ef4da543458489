// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: helpers every part uses: making elements, control sources, the item's spans and
// warnings.
#include "jtltimelinesrc-private.h"

namespace jtlsrc {

/* Creates an element in the bin, recorded in list (State::children or a branch's). */
/* An element made for an item (kind "media", "text" or "captions") keeps the item's JSON
 * pointer, for its errors and warnings (handle_message); its name is the kind and the
 * pointer with '-' for '/' (media-items-vid), so that object paths stay unambiguous. */
GQuark item_path_quark()
{
	return g_quark_from_static_string("jtl-item-path");
}
GQuark released_quark()
{
	return g_quark_from_static_string("jtl-released");
}

GQuark item_kind_quark()
{
	return g_quark_from_static_string("jtl-item-kind");
}
std::string item_child_name(const char *kind, const std::string &path)
{
	std::string name = kind;
	for (char c : path)
		name += c == '/' ? '-' : c;
	return name;
}
void mark_item(GstElement *e, const char *kind, const std::string &path)
{
	if (!e)
		return;
	g_object_set_qdata_full(G_OBJECT(e), item_path_quark(), g_strdup(path.c_str()), g_free);
	g_object_set_qdata(G_OBJECT(e), item_kind_quark(), const_cast<char *>(kind));
}

GstElement *make(JtlTimelineSrc *self, std::vector<GstElement *> *list, const char *factory,
                 const char *name)
{
	/* names tell branches apart in debug logs; a live update builds an item's branch
	 * while the old one still exists: the new one gets a numbered name */
	std::string unique = name ? name : "";
	if (name) {
		for (int n = 2;; n++) {
			GstElement *clash = gst_bin_get_by_name(GST_BIN(self), unique.c_str());
			if (!clash)
				break;
			gst_object_unref(clash);
			unique = std::string(name) + "#" + std::to_string(n);
		}
	}
	GstElement *e = gst_element_factory_make(factory, name ? unique.c_str() : nullptr);
	if (!e) {
		GST_ELEMENT_ERROR(self, CORE, MISSING_PLUGIN,
		                  ("The GStreamer element \"%s\" is missing.", factory),
		                  ("install the plugin that provides %s", factory));
		return nullptr;
	}
	/* a branch's elements are added while the bin may be changing state: they are
	 * locked until the branch starts them, downstream first (start_elements) */
	if (list != &self->priv->state.children)
		gst_element_set_locked_state(e, TRUE);
	gst_bin_add(GST_BIN(self), e);
	std::lock_guard<std::mutex> guard(self->priv->state.lock);
	list->push_back(e);
	return e;
}

/* Brings a branch's elements (in upstream-to-downstream order) to the bin's state,
 * downstream first, so that no source pushes into a peer not yet active; then lets the
 * bin handle them. With ready (branches built in the bin's own state change up from NULL
 * or READY, before its children change) only to READY: the bin then starts them with
 * the mixers they feed, sinks first, where syncing to the state it goes to would start a
 * source pushing into a mixer not active yet (its data refused, its pad never fed: no
 * preroll after PAUSED->READY->PAUSED). */
void start_elements(const std::vector<GstElement *> &elements, bool ready)
{
	for (auto e = elements.rbegin(); e != elements.rend(); ++e) {
		if (ready)
			gst_element_set_state(*e, GST_STATE_READY);
		else
			gst_element_sync_state_with_parent(*e);
	}
	for (GstElement *e : elements)
		gst_element_set_locked_state(e, FALSE);
}

GstCaps *video_caps(const char *format, int width, int height, int fps)
{
	return gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, format, "width",
	                           G_TYPE_INT, width, "height", G_TYPE_INT, height, "framerate",
	                           GST_TYPE_FRACTION, fps, 1, "pixel-aspect-ratio",
	                           GST_TYPE_FRACTION, 1, 1, "interlace-mode", G_TYPE_STRING,
	                           "progressive", nullptr);
}

/* The first output frame at or after t. */
uint64_t first_frame_at(GstClockTime t, int fps)
{
	uint64_t k = gst_util_uint64_scale(t, guint64(fps), GST_SECOND);
	while (jtl::frame_to_ns(k, fps, 1) < t)
		k++;
	while (k > 0 && jtl::frame_to_ns(k - 1, fps, 1) >= t)
		k--;
	return k;
}

/* Where the value of frame k is keyed: half a frame early, so that the value is found
 * whatever rounding the mixer's own timestamps carry. */
GstClockTime key_time(uint64_t k, int fps)
{
	return k == 0 ? 0 : jtl::frame_to_ns(k, fps, 1) - jtl::frame_to_ns(1, fps, 1) / 2;
}

/* A step control source holding one value per output frame (the lib evaluates the
 * keyframes; the controller only replays them at each frame's stream time). */
GstControlSource *frame_values()
{
	GstControlSource *cs = gst_interpolation_control_source_new();
	g_object_set(cs, "mode", GST_INTERPOLATION_MODE_NONE, nullptr);
	return cs;
}

void bind(GstPad *pad, const char *property, GstControlSource *cs)
{
	gst_object_add_control_binding(GST_OBJECT(pad), gst_direct_control_binding_new_absolute(
	                                                        GST_OBJECT(pad), property, cs));
}

/* The compositor a pad of this zorder joins: the one above every adjustment track at or
 * below it. */
GstElement *compositor_for(const Context &ctx, unsigned zorder)
{
	std::size_t i = 0;
	while (i < ctx.comp_above.size() && ctx.comp_above[i] <= zorder)
		i++;
	return ctx.compositors.empty() ? ctx.comp : ctx.compositors[i];
}

/* An item's part in transitions (none for most items). */
const jtl::ClipSpan &span_of(const Context &ctx, const jtl::Item &item)
{
	static const jtl::ClipSpan none;
	if (!ctx.spans)
		return none;
	auto it = ctx.spans->find(item.id);
	return it == ctx.spans->end() ? none : it->second;
}

/* Where and how an item shows at output frame k, transitions included. */
jtl::ItemFrame frame_of(const Context &ctx, const jtl::Item &item, uint64_t k)
{
	return jtl::evaluate_clip(item, span_of(ctx, item), jtl::frame_to_ticks(k, ctx.fps, 1),
	                          ctx.comp_w, ctx.comp_h);
}

/* The transition whose mask shows this item (jtl::clip_mask(): the incoming clip of a
 * wipe, clock-wipe or iris, or, *inverted, an outgoing one its incoming clip does not
 * cover), or nullptr. */
const jtl::ClipTransition *mask_of(const Context &ctx, const jtl::Item &item, bool *inverted)
{
	bool ignored = false;
	return jtl::clip_mask(span_of(ctx, item), inverted ? inverted : &ignored);
}

/* Whether a transition needs jtllayer on this item: a mask (mask_of()) or a flip, which
 * turns both clips in perspective. */
bool transition_layer(const Context &ctx, const jtl::Item &item)
{
	const jtl::ClipSpan &span = span_of(ctx, item);
	return mask_of(ctx, item) || (span.in && span.in->type == jtl::TransitionType::Flip) ||
	       (span.out && span.out->type == jtl::TransitionType::Flip);
}

/* Whether a warning (what, at pointer) is given for the first time. */
bool first_warning(JtlTimelineSrc *self, const std::string &what, const std::string &pointer)
{
	std::lock_guard<std::mutex> guard(self->priv->warned_lock);
	return self->priv->warned.insert(what + " " + pointer).second;
}

/* The warning for a text that overflows its box (its lines; the overflow is drawn). */
void warn_overflow(JtlTimelineSrc *self, const std::string &pointer)
{
	if (!first_warning(self, "overflow", pointer))
		return;
	GST_ELEMENT_WARNING(self, STREAM, FORMAT,
	                    ("The text at %s overflows its box: its lines are taller or wider "
	                     "than the box; what overflows is drawn.",
	                     pointer.c_str()),
	                    ("%s", pointer.c_str()));
}

/* The one warning for a font family that is not installed, whichever text it is for (a
 * text or captions item, a template's text node): the text at pointer, what stands in
 * (jtl::missing_font_warning()), from self; nullptr when it was given already. */
GstMessage *font_warning(JtlTimelineSrc *self, const std::string &pointer,
                         const std::string &warning)
{
	if (!first_warning(self, "font " + warning, pointer))
		return nullptr;
	std::string text = "The text at " + pointer + ": " + warning;
	if (text.back() != '.')
		text += ".";
	std::string details = pointer + "/fontFamily";
	GError *e =
	        g_error_new_literal(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND, text.c_str());
	GstMessage *m = gst_message_new_warning(GST_OBJECT(self), e, details.c_str());
	g_error_free(e);
	return m;
}

} /* namespace jtlsrc */
