// SPDX-License-Identifier: LGPL-2.1-or-later
// What the engine renders: the one table of names and defaults.
#include <jsontimeline/capabilities.h>

#include <cctype>

#include <json-glib/json-glib.h>

#include <jsontimeline/filters.h>
#include <jsontimeline/illustrations.h>

namespace jtl {

namespace {

/* "clock-wipe" -> "Clock wipe" */
std::string label_of(const std::string &id)
{
	std::string out = id;
	for (char &c : out)
		if (c == '-')
			c = ' ';
	if (!out.empty())
		out[0] = char(std::toupper(static_cast<unsigned char>(out[0])));
	return out;
}

Capabilities build()
{
	Capabilities c;
	/* bump whenever anything below changes */
	c.version = "2026.11.22";
	c.animations = {"fade",        "slide-up", "slide-down", "slide-left",
	                "slide-right", "zoom-in",  "zoom-out"};

	struct Caption {
		CaptionAnimationType type;
		const char *preview;
		bool in, out, loop;
	};
	using C = CaptionAnimationType;
	const Caption captions[] = {
	        {C::Converge, "letters gather from both sides into the line", true, true, false},
	        {C::ElasticPop, "each word pops in with an elastic overshoot", true, true, false},
	        {C::Typewriter, "letters appear one by one from the start", true, true, false},
	        {C::LayDown, "words fall into place from above", true, true, false},
	        {C::CenterTypeOut, "letters appear from the centre outwards", true, true, false},
	        {C::CurtainClose, "the line is covered from both sides", true, true, false},
	        {C::Jitter, "letters shake slightly in place", false, false, true},
	        {C::Rainbow, "letters cycle through the hues", false, false, true},
	        {C::SweepShine, "a highlight sweeps across the line", false, false, true},
	};
	for (const Caption &a : captions) {
		const char *id = caption_animation_name(a.type);
		CaptionAnimationPreset p{id, id, label_of(id), a.preview};
		if (a.in)
			c.caption_in.push_back(p);
		if (a.out)
			c.caption_out.push_back(p);
		if (a.loop)
			c.caption_loop.push_back(p);
	}

	c.transitions = {"fade", "slide", "wipe", "flip", "clock-wipe", "iris"};
	c.transition_presets.push_back({"fade", "fade", "Fade", {}});
	for (const char *d : {"from-left", "from-right", "from-top", "from-bottom"})
		c.transition_presets.push_back({std::string("slide-") + d,
		                                "slide",
		                                label_of(std::string("slide ") + d),
		                                {{"direction", std::string(d)}}});
	for (const char *d : {"from-left", "from-top-left", "from-top", "from-top-right",
	                      "from-right", "from-bottom-right", "from-bottom", "from-bottom-left"})
		c.transition_presets.push_back({std::string("wipe-") + d,
		                                "wipe",
		                                label_of(std::string("wipe ") + d),
		                                {{"direction", std::string(d)}}});
	for (const char *d : {"from-left", "from-right", "from-top", "from-bottom"})
		c.transition_presets.push_back({std::string("flip-") + d,
		                                "flip",
		                                label_of(std::string("flip ") + d),
		                                {{"direction", std::string(d)}}});
	c.transition_presets.push_back({"clock-wipe", "clock-wipe", "Clock wipe", {}});
	c.transition_presets.push_back({"iris", "iris", "Iris", {}});

	/* the defaults the renderer applies when params leave them out (docs/effects.md) */
	c.effects = {"flash-to-black", "blur", "blurred-opening", "fade-in", "fade-out"};
	c.effect_presets = {
	        {"flash-to-black",
	         "flash-to-black",
	         "Flash to black",
	         {{"brightFrames", 2.0},
	          {"darkFrames", 2.0},
	          {"maxOpacity", 1.0},
	          {"tailDarkFrames", 0.0}},
	         1.0,
	         1.0},
	        {"blur", "blur", "Blur", {{"radiusPx", 12.0}}, 2.0, 1.0},
	        {"blurred-opening",
	         "blurred-opening",
	         "Blurred opening",
	         {{"maxBlurPx", 24.0}},
	         1.0,
	         1.0},
	        {"fade-in", "fade-in", "Fade in", {}, 1.0, 1.0},
	        {"fade-out", "fade-out", "Fade out", {}, 1.0, 1.0},
	};
	c.filters = filter_names();
	for (const std::string &f : c.filters)
		c.filter_presets.push_back({f, f, label_of(f), {{"blend", 1.0}}, 3.0, 1.0});

	c.shapes = {"rectangle", "circle", "triangle", "star"};
	c.background_colors = {"#000000", "#ffffff", "#1f2937", "#0f172a", "#f97316",
	                       "#ef4444", "#22c55e", "#3b82f6", "#a855f7", "#facc15"};
	c.background_gradients = {"linear-gradient(135deg, #667eea 0%, #764ba2 100%)",
	                          "linear-gradient(90deg, #ff7e5f 0%, #feb47b 100%)",
	                          "linear-gradient(180deg, #0f2027 0%, #203a43 50%, #2c5364 100%)",
	                          "linear-gradient(45deg, #11998e 0%, #38ef7d 100%)"};
	/* no image presets are shipped: a document names its own image */
	c.blur_levels = {0, 1, 2, 3, 4};
	c.illustrations = illustration_names();
	return c;
}

void add_strings(JsonBuilder *b, const char *key, const std::vector<std::string> &values)
{
	json_builder_set_member_name(b, key);
	json_builder_begin_array(b);
	for (const std::string &v : values)
		json_builder_add_string_value(b, v.c_str());
	json_builder_end_array(b);
}

void add_params(JsonBuilder *b, const Params &params)
{
	json_builder_set_member_name(b, "params");
	json_builder_begin_object(b);
	for (const auto &kv : params) {
		json_builder_set_member_name(b, kv.first.c_str());
		if (const std::string *s = std::get_if<std::string>(&kv.second))
			json_builder_add_string_value(b, s->c_str());
		else if (const double *d = std::get_if<double>(&kv.second))
			json_builder_add_double_value(b, *d);
		else
			json_builder_add_boolean_value(b, std::get<bool>(kv.second));
	}
	json_builder_end_object(b);
}

void add_presets(JsonBuilder *b, const char *key, const std::vector<Preset> &presets, bool defaults)
{
	json_builder_set_member_name(b, key);
	json_builder_begin_array(b);
	for (const Preset &p : presets) {
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "id");
		json_builder_add_string_value(b, p.id.c_str());
		json_builder_set_member_name(b, "type");
		json_builder_add_string_value(b, p.type.c_str());
		json_builder_set_member_name(b, "label");
		json_builder_add_string_value(b, p.label.c_str());
		if (defaults && p.default_duration_seconds > 0) {
			json_builder_set_member_name(b, "defaultDurationInSeconds");
			json_builder_add_double_value(b, p.default_duration_seconds);
		}
		if (defaults && p.default_intensity > 0) {
			json_builder_set_member_name(b, "defaultIntensity");
			json_builder_add_double_value(b, p.default_intensity);
		}
		add_params(b, p.params);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

void add_caption_presets(JsonBuilder *b, const char *key,
                         const std::vector<CaptionAnimationPreset> &presets)
{
	json_builder_set_member_name(b, key);
	json_builder_begin_array(b);
	for (const CaptionAnimationPreset &p : presets) {
		json_builder_begin_object(b);
		for (const auto &kv :
		     {std::make_pair("id", &p.id), std::make_pair("type", &p.type),
		      std::make_pair("label", &p.label), std::make_pair("preview", &p.preview)}) {
			json_builder_set_member_name(b, kv.first);
			json_builder_add_string_value(b, kv.second->c_str());
		}
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

} /* namespace */

const Capabilities &capabilities()
{
	static const Capabilities table = build();
	return table;
}

std::string capabilities_json(bool pretty)
{
	const Capabilities &c = capabilities();
	g_autoptr(JsonBuilder) b = json_builder_new();
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "version");
	json_builder_add_string_value(b, c.version.c_str());
	add_strings(b, "animations", c.animations);
	json_builder_set_member_name(b, "captionAnimations");
	json_builder_begin_object(b);
	add_caption_presets(b, "in", c.caption_in);
	add_caption_presets(b, "out", c.caption_out);
	add_caption_presets(b, "loop", c.caption_loop);
	json_builder_end_object(b);
	add_strings(b, "transitions", c.transitions);
	add_presets(b, "transitionPresets", c.transition_presets, false);
	add_strings(b, "effects", c.effects);
	add_presets(b, "effectPresets", c.effect_presets, true);
	add_strings(b, "filters", c.filters);
	add_presets(b, "filterPresets", c.filter_presets, true);
	add_strings(b, "shapes", c.shapes);
	json_builder_set_member_name(b, "backgroundPresets");
	json_builder_begin_object(b);
	add_strings(b, "colors", c.background_colors);
	add_strings(b, "gradients", c.background_gradients);
	add_strings(b, "images", c.background_images);
	json_builder_set_member_name(b, "blurLevels");
	json_builder_begin_array(b);
	for (int level : c.blur_levels)
		json_builder_add_int_value(b, level);
	json_builder_end_array(b);
	json_builder_end_object(b);
	json_builder_end_object(b);
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, pretty);
	g_autofree gchar *text = json_generator_to_data(gen, nullptr);
	return text;
}

} /* namespace jtl */
