// SPDX-License-Identifier: LGPL-2.1-or-later
// Text templates: image and text nodes laid out inside the item box, frame by frame.
#include <jsontimeline/template.h>

#include <algorithm>
#include <cmath>

#include <jsontimeline/captions.h>
#include <jsontimeline/illustrations.h>

#include "cairo-raster.h"

namespace jtl {

namespace {

std::string node_path(std::size_t i)
{
	return "nodes/" + std::to_string(i);
}

bool has_caption_animation(const CaptionAnimations &a)
{
	return a.in || a.out || a.loop;
}

} /* namespace */

bool open_template_assets(const TextTemplateData &data, TemplateAssets *assets, std::string *error)
{
	for (std::size_t i = 0; i < data.nodes.size(); i++) {
		const TemplateNode &n = data.nodes[i];
		if (n.kind != TemplateNode::Kind::Image || n.image_type != "lottie" ||
		    n.image_lottie_json.empty() || n.image_lottie_json == "null")
			continue;
		std::string why;
		std::shared_ptr<Animation> a = open_lottie_json(n.image_lottie_json, "", &why);
		if (!a) {
			*error = node_path(i) + "/imageLottieJson: " + why;
			return false;
		}
		assets->lotties[n.id] = a;
	}
	return true;
}

bool template_animated(const TextTemplateData &data)
{
	for (const TemplateNode &n : data.nodes) {
		if (n.animations.in || n.animations.out ||
		    has_caption_animation(n.caption_animations))
			return true;
		if (n.kind == TemplateNode::Kind::Image && n.image_type == "lottie")
			return true;
	}
	return false;
}

std::vector<std::string> template_missing_components(const TextTemplateData &data)
{
	std::vector<std::string> out;
	for (std::size_t i = 0; i < data.nodes.size(); i++) {
		const TemplateNode &n = data.nodes[i];
		if (n.kind != TemplateNode::Kind::Image || n.image_type != "svg")
			continue;
		std::string id = n.image_component_id.value_or("");
		if (id.empty() || illustration_path(id).empty())
			out.push_back(node_path(i) + " (" + (id.empty() ? "null" : id) + ")");
	}
	return out;
}

bool draw_template(const Item &item, const TextTemplateData &data, TemplateAssets &assets, Ticks t,
                   int w, int h, double scale, Raster *out, std::string *error)
{
	cairo_raster::Surface canvas = cairo_raster::new_surface(w, h);
	cairo_raster::Context cr(cairo_create(canvas.get()));
	Ticks local = t - item.start;
	/* components (single-colour illustrations) take the colour of the first text */
	std::string ink = "#ffffff";
	for (const TemplateNode &n : data.nodes)
		if (n.kind == TemplateNode::Kind::Text) {
			ink = n.style.color;
			break;
		}
	for (std::size_t i = 0; i < data.nodes.size(); i++) {
		const TemplateNode &n = data.nodes[i];
		int nw = int(std::clamp(std::lround(n.width * scale), 0L, 8192L));
		int nh = int(std::clamp(std::lround(n.height * scale), 0L, 8192L));
		if (nw <= 0 || nh <= 0)
			continue;
		AnimationState anim =
		        evaluate_animations(n.animations, local, item.duration, n.width, n.height);
		double opacity =
		        anim.opacity * (n.kind == TemplateNode::Kind::Image ? n.opacity : 1.0);
		if (opacity <= 0.0 || anim.scale <= 0.0)
			continue;
		Raster r;
		std::string why;
		/* where the node's box is in r: a text that overflows its node is drawn as far as
		 * the item's box goes */
		TextOverflow grown;
		if (n.kind == TemplateNode::Kind::Text) {
			grown = TextOverflow{w, h, w, h};
			if (has_caption_animation(n.caption_animations)) {
				CaptionPage page;
				page.text = n.text;
				page.end_ms = double(ticks_to_ns(item.duration)) / 1e6;
				CaptionLook look;
				look.highlight = false;
				look.animations = n.caption_animations;
				double ms = double(ticks_to_ns(std::max<Ticks>(0, local))) / 1e6;
				r = draw_text_frame(n.text, n.style, n.width * scale,
				                    n.height * scale, scale,
				                    caption_frame(page, ms, look), nullptr, &grown);
			} else {
				r = draw_text(n.text, n.style, n.width * scale, n.height * scale,
				              scale, nullptr, &grown);
			}
		} else if (n.image_type == "lottie") {
			auto it = assets.lotties.find(n.id);
			if (it == assets.lotties.end())
				continue;
			Animation &a = *it->second;
			double seconds = double(ticks_to_ns(std::max<Ticks>(0, local))) / 1e9;
			if (!a.draw(a.frame_at(seconds), nw, nh, true, &r, &why)) {
				*error = node_path(i) + ": " + why;
				return false;
			}
		} else {
			std::string id = n.image_component_id.value_or("");
			if (id.empty() || illustration_path(id).empty())
				continue; /* a component we do not have: drawn as nothing */
			if (!draw_illustration(id, ink, nw, nh, true, &r, &why)) {
				*error = node_path(i) + ": " + why;
				return false;
			}
		}
		if (r.data.empty())
			continue;
		cairo_raster::Surface s = raster_to_surface(r);
		cairo_save(cr.get());
		double cx = (n.x + n.width / 2.0 + anim.dx) * scale;
		double cy = (n.y + n.height / 2.0 + anim.dy) * scale;
		cairo_translate(cr.get(), cx, cy);
		cairo_scale(cr.get(), anim.scale, anim.scale);
		cairo_set_source_surface(cr.get(), s.get(), -grown.left - nw / 2.0,
		                         -grown.top - nh / 2.0);
		cairo_paint_with_alpha(cr.get(), std::clamp(opacity, 0.0, 1.0));
		cairo_restore(cr.get());
	}
	*out = surface_to_raster(canvas.get());
	return true;
}

} /* namespace jtl */
