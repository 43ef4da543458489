// SPDX-License-Identifier: LGPL-2.1-or-later
// Indream editorState v1: the legacy shorthand rewritten into v1 form.
#include "indream.h"

namespace jtl {
namespace indream {

namespace {

/* Animated number tracks an item type has besides the seven geometry tracks. */
std::vector<const char *> extra_tracks(const std::string &type)
{
	std::vector<const char *> out;
	if (type != "audio" && has_geometry(type))
		out.push_back("rotation");
	if (type == "image" || type == "video" || type == "gif" || type == "solid")
		out.push_back("borderRadius");
	if (type == "image" || type == "video" || type == "gif") {
		for (const char *c : {"cropLeft", "cropTop", "cropRight", "cropBottom"})
			out.push_back(c);
	}
	if (type == "video" || type == "audio")
		out.push_back("decibelAdjustment");
	return out;
}

const char *const kGeometryTracks[] = {"top",    "left",   "width",  "height",
                                       "scaleX", "scaleY", "opacity"};

JsonNode *make_track(double value)
{
	JsonObject *o = json_object_new();
	json_object_set_double_member(o, "value", value);
	json_object_set_array_member(o, "keyframes", json_array_new());
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(n, o);
	return n;
}

} /* namespace */

/* Rewrites the legacy shorthand of the product-page example into v1 form, with one
 * warning per rewrite: a plain number where v1 has {value, keyframes}; {value} without
 * keyframes; missing scaleX/scaleY (1). */
void normalize_legacy(JsonObject *state, const std::string &base, Diagnostics &diags)
{
	JsonObject *items = as_object(member(state, "items"));
	std::string items_path = json_pointer_append(base, "items");
	for_each_member(items, [&](const std::string &key, JsonNode *node) {
		JsonObject *item = as_object(node);
		std::string type = str(item, "type");
		if (!item || !known_item_type(type) || !has_geometry(type))
			return;
		std::string path = json_pointer_append(items_path, key);
		std::vector<const char *> names(std::begin(kGeometryTracks),
		                                std::end(kGeometryTracks));
		for (const char *e : extra_tracks(type))
			names.push_back(e);
		for (const char *name : names) {
			JsonNode *v = member(item, name);
			std::string p = json_pointer_append(path, name);
			double d;
			if (!v) {
				if (std::string(name) == "scaleX" ||
				    std::string(name) == "scaleY") {
					json_object_set_member(item, name, make_track(1.0));
					diags.warning("EDITOR_LEGACY_SHORTHAND", p,
					              std::string("legacy shorthand: \"") + name +
					                      "\" is missing; using {\"value\": 1, "
					                      "\"keyframes\": []}",
					              Kind::Schema);
				}
				continue;
			}
			if (json_node_number(v, &d)) {
				std::string text = json_excerpt(v);
				diags.warning("EDITOR_LEGACY_SHORTHAND", p,
				              "legacy shorthand: the plain number " + text +
				                      " stands for {\"value\": " + text +
				                      ", \"keyframes\": []}",
				              Kind::Schema);
				json_object_set_member(item, name, make_track(d)); /* frees v */
				continue;
			}
			JsonObject *o = as_object(v);
			double dv;
			if (o && json_object_get_size(o) == 1 && get_number(o, "value", &dv)) {
				json_object_set_array_member(o, "keyframes", json_array_new());
				diags.warning(
				        "EDITOR_LEGACY_SHORTHAND", p,
				        "legacy shorthand: {\"value\"} without \"keyframes\"; "
				        "using an empty keyframe list",
				        Kind::Schema);
			}
		}
	});
}
} /* namespace indream */
} /* namespace jtl */
