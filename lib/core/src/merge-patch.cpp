// SPDX-License-Identifier: LGPL-2.1-or-later
// JSON Merge Patch (RFC 7386): changing a document by sending only what changes.
#include <jsontimeline/merge-patch.h>

#include <jsontimeline/json.h>

namespace jtl {

JsonNode *json_merge_patch(JsonNode *target, JsonNode *patch)
{
	if (!patch || !JSON_NODE_HOLDS_OBJECT(patch))
		return patch ? json_node_copy(patch) : json_node_new(JSON_NODE_NULL);
	JsonObject *out = json_object_new();
	/* the target's members in their order, then the patch's new ones */
	if (target && JSON_NODE_HOLDS_OBJECT(target)) {
		JsonObjectIter it;
		const gchar *name;
		JsonNode *value;
		json_object_iter_init_ordered(&it, json_node_get_object(target));
		while (json_object_iter_next_ordered(&it, &name, &value))
			json_object_set_member(out, name, json_node_copy(value));
	}
	JsonObjectIter it;
	const gchar *name;
	JsonNode *value;
	json_object_iter_init_ordered(&it, json_node_get_object(patch));
	while (json_object_iter_next_ordered(&it, &name, &value)) {
		if (JSON_NODE_HOLDS_NULL(value)) {
			json_object_remove_member(out, name);
			continue;
		}
		JsonNode *before = json_object_get_member(out, name);
		json_object_set_member(out, name, json_merge_patch(before, value));
	}
	JsonNode *node = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(node, out);
	return node;
}

bool apply_merge_patch(const std::string &document, const std::string &patch, std::string *out,
                       std::string *error)
{
	Diagnostics diags;
	JsonNodePtr doc = parse_json(document, JsonLimits{}, diags);
	if (!doc) {
		*error = "the document is not JSON: " + (diags.errors().empty()
		                                                 ? std::string("?")
		                                                 : diags.errors().front().message);
		return false;
	}
	Diagnostics pdiags;
	JsonNodePtr p = parse_json(patch, JsonLimits{}, pdiags);
	if (!p) {
		*error = "the patch is not JSON: " + (pdiags.errors().empty()
		                                              ? std::string("?")
		                                              : pdiags.errors().front().message);
		return false;
	}
	JsonNodePtr merged(json_merge_patch(doc.get(), p.get()));
	*out = json_write(merged.get());
	return true;
}

} /* namespace jtl */
