// SPDX-License-Identifier: LGPL-2.1-or-later
// Text templates: image and text nodes laid out inside the item box, frame by frame.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <jsontimeline/animation.h>
#include <jsontimeline/draw.h>
#include <jsontimeline/model.h>

namespace jtl {

/* What a template needs besides its JSON: the Lottie animations of its lottie image
 * nodes, by node id. */
struct TemplateAssets {
	std::map<std::string, std::shared_ptr<Animation>> lotties;
};

/* Opens the animations of a template's lottie nodes. A node whose imageLottieJson cannot
 * be read fails with *error naming it ("nodes/I/imageLottieJson: ..."). */
bool open_template_assets(const TextTemplateData &data, TemplateAssets *assets, std::string *error);

/* Whether the template looks different from frame to frame (lottie nodes, node
 * animations or caption animations): else one drawing serves the whole item. */
bool template_animated(const TextTemplateData &data);

/* The image nodes whose SVG component is not available ("nodes/I (ID)"): they are drawn
 * as nothing. Components are looked up among the illustrations by imageComponentId and
 * drawn in the colour of the template's first text node. */
std::vector<std::string> template_missing_components(const TextTemplateData &data);

/* The template of item at timeline tick t drawn into w x h (the item's box in output
 * pixels; node boxes are in composition pixels relative to the box's top-left corner and
 * are multiplied by scale): nodes in order, the first at the bottom; image nodes at their
 * opacity, fitted keeping their aspect ratio; text nodes styled as text items; each node's
 * clip animations (over the item's time) move, scale and fade it, its caption animations
 * act on its glyphs. */
bool draw_template(const Item &item, const TextTemplateData &data, TemplateAssets &assets, Ticks t,
                   int w, int h, double scale, Raster *out, std::string *error);

} /* namespace jtl */
