// SPDX-License-Identifier: LGPL-2.1-or-later
// What the engine renders: the one table behind `jsontimeline capabilities` and the API's
// GET /v1/editor/capabilities (EditorCapabilities of the Open API).
#pragma once

#include <string>
#include <vector>

#include <jsontimeline/model.h>

namespace jtl {

/* One entry of a preset list: id and type are the names a document uses, label is for
 * people; params are the defaults the engine applies (numbers). */
struct Preset {
	std::string id;
	std::string type;
	std::string label;
	Params params;
	double default_duration_seconds = 0.0; /* effects and filters; 0 = none given */
	double default_intensity = 0.0;        /* effects and filters; 0 = none given */
};

struct CaptionAnimationPreset {
	std::string id, type, label;
	std::string preview; /* what it looks like, in words */
};

struct Capabilities {
	std::string version; /* changes whenever the table changes */
	std::vector<std::string> animations;
	std::vector<CaptionAnimationPreset> caption_in, caption_out, caption_loop;
	std::vector<std::string> transitions;
	std::vector<Preset> transition_presets;
	std::vector<std::string> effects;
	std::vector<Preset> effect_presets;
	std::vector<std::string> filters;
	std::vector<Preset> filter_presets;
	std::vector<std::string> shapes;
	std::vector<std::string> background_colors;
	std::vector<std::string> background_gradients;
	std::vector<std::string> background_images;
	std::vector<int> blur_levels;
	/* the built-in illustration names (illustration_names()); not part of
	 * EditorCapabilities: the API lists them at GET /v1/illustrations
	 * (illustrations_json()) */
	std::vector<std::string> illustrations;
};

/* The table (built once). */
const Capabilities &capabilities();

/* The table as an EditorCapabilities JSON object (keys in the Open API's order). */
std::string capabilities_json(bool pretty);

} /* namespace jtl */
