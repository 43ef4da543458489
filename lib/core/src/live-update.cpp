// SPDX-License-Identifier: LGPL-2.1-or-later
// Changing a document while it plays: what a new version changes, and whether it may.
#include <jsontimeline/live-update.h>

#include <jsontimeline/json.h>

namespace jtl {

namespace {

/* The node at a JSON pointer, or null. */
JsonNode *at_pointer(JsonNode *root, const std::string &pointer)
{
	JsonNode *node = root;
	std::size_t i = 0;
	while (node && i < pointer.size()) {
		if (pointer[i] != '/')
			return nullptr;
		std::size_t j = pointer.find('/', i + 1);
		std::string token = pointer.substr(i + 1, j == std::string::npos ? j : j - i - 1);
		std::string name;
		for (std::size_t k = 0; k < token.size(); k++) {
			if (token[k] == '~' && k + 1 < token.size()) {
				name += token[k + 1] == '1' ? '/' : '~';
				k++;
			} else {
				name += token[k];
			}
		}
		if (JSON_NODE_HOLDS_OBJECT(node)) {
			node = json_object_get_member(json_node_get_object(node), name.c_str());
		} else if (JSON_NODE_HOLDS_ARRAY(node)) {
			char *end = nullptr;
			unsigned long n = strtoul(name.c_str(), &end, 10);
			JsonArray *a = json_node_get_array(node);
			node = end && !*end && n < json_array_get_length(a)
			               ? json_array_get_element(a, guint(n))
			               : nullptr;
		} else {
			return nullptr;
		}
		i = j == std::string::npos ? pointer.size() : j;
	}
	return node;
}

std::string text_at(JsonNode *root, const std::string &pointer)
{
	JsonNode *n = at_pointer(root, pointer);
	if (!n)
		return "";
	return json_write(n);
}

/* Where the document's editorState starts ("" or "/editorState"), from an item's path. */
std::string prefix_of(const Timeline &tl)
{
	for (const auto &[id, item] : tl.items) {
		std::string tail = "/items/" + json_pointer_escape(id);
		if (item.json_path.size() >= tail.size() &&
		    item.json_path.compare(item.json_path.size() - tail.size(), tail.size(),
		                           tail) == 0)
			return item.json_path.substr(0, item.json_path.size() - tail.size());
	}
	return "";
}

bool live_kind(ItemType t)
{
	return t != ItemType::Video && t != ItemType::Audio && t != ItemType::Effect &&
	       t != ItemType::Filter;
}

/* An item's JSON, its track and the JSON of its asset. */
std::string signature(JsonNode *root, const std::string &prefix, const Timeline &tl,
                      const Item &item)
{
	std::string s = text_at(root, item.json_path) + "#" + std::to_string(tl.track_of(item.id));
	std::string asset;
	if (const MediaData *m = item.as<MediaData>())
		asset = m->asset_id;
	else if (const CaptionsData *c = item.as<CaptionsData>())
		asset = c->asset_id;
	if (!asset.empty())
		s += "#" + text_at(root, prefix + "/assets/" + json_pointer_escape(asset));
	return s;
}

} /* namespace */

LiveUpdate compare_for_live_update(const std::string &old_text, const Timeline &old_tl,
                                   const std::string &new_text, const Timeline &new_tl)
{
	LiveUpdate u;
	auto refuse = [&u](const std::string &why) {
		u.allowed = false;
		u.reason = why;
		u.changed.clear();
		return u;
	};
	Diagnostics d1, d2;
	JsonNodePtr a = parse_json(old_text, JsonLimits{}, d1);
	JsonNodePtr b = parse_json(new_text, JsonLimits{}, d2);
	if (!a || !b)
		return refuse("the document is not JSON");
	std::string pa = prefix_of(old_tl), pb = prefix_of(new_tl);
	if (old_tl.items.empty())
		pa = pb;
	if (new_tl.items.empty())
		pb = pa;
	if (pa != pb)
		return refuse("the document's shape changed (an export request and a bare "
		              "editorState)");
	if (old_tl.width != new_tl.width || old_tl.height != new_tl.height)
		return refuse(pb + "/compositionWidth: the composition size cannot change while "
		                   "playing");
	if (old_tl.output.fps != new_tl.output.fps || old_tl.output.scale != new_tl.output.scale ||
	    old_tl.output.ratio != new_tl.output.ratio ||
	    old_tl.output.width != new_tl.output.width ||
	    old_tl.output.height != new_tl.output.height)
		return refuse("the output settings (fps, ratio, scale, size) cannot change while "
		              "playing");
	if (old_tl.duration() != new_tl.duration())
		return refuse("the duration cannot change while playing (" +
		              std::to_string(double(old_tl.duration_ns()) / GST_SECOND) + " s -> " +
		              std::to_string(double(new_tl.duration_ns()) / GST_SECOND) + " s)");
	if (text_at(a.get(), pa + "/globalBackground") !=
	    text_at(b.get(), pb + "/globalBackground"))
		return refuse(pb + "/globalBackground: the background cannot change while playing");
	if (text_at(a.get(), pa + "/transitions") != text_at(b.get(), pb + "/transitions"))
		return refuse(pb + "/transitions: transitions cannot change while playing");
	if (old_tl.tracks.size() != new_tl.tracks.size())
		return refuse(pb + "/tracks: tracks cannot be added or removed while playing");
	for (std::size_t i = 0; i < old_tl.tracks.size(); i++) {
		const Track &x = old_tl.tracks[i], &y = new_tl.tracks[i];
		if (x.id != y.id || x.hidden != y.hidden || x.muted != y.muted)
			return refuse(
			        pb + "/tracks/" + std::to_string(i) +
			        ": tracks cannot be reordered, hidden or muted while playing");
	}
	for (const auto &[id, item] : old_tl.items) {
		const Item *other = new_tl.item(id);
		if (other &&
		    signature(a.get(), pa, old_tl, item) == signature(b.get(), pb, new_tl, *other))
			continue;
		const Item &which = other && !live_kind(other->type) ? *other : item;
		if (!live_kind(which.type))
			return refuse(which.json_path + ": " + item_type_name(which.type) +
			              " items cannot change while playing");
		u.changed.insert(id);
	}
	for (const auto &[id, item] : new_tl.items) {
		if (old_tl.item(id))
			continue;
		if (!live_kind(item.type))
			return refuse(item.json_path + ": " + item_type_name(item.type) +
			              " items cannot be added while playing");
		u.changed.insert(id);
	}
	u.allowed = true;
	return u;
}

} /* namespace jtl */
