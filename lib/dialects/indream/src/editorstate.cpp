// SPDX-License-Identifier: LGPL-2.1-or-later
// Indream editorState v1: the loader (parse, budgets, normalise, schema, semantic checks, build).
#include <jsontimeline/editorstate.h>

#include "indream.h"

namespace jtl {

using namespace indream;

namespace {

/* What strict mode (pure official-schema conformance) turns into errors: the legacy
 * shorthand the schema rejects, and keyframes at the clip end, which the Open API's rule
 * (timeTicks < durationTicks) rejects. Other warnings (duplicate keys, items in no track)
 * stay warnings: the schema accepts those documents. */
const std::vector<std::string> kStrictCodes = {"EDITOR_LEGACY_SHORTHAND",
                                               "EDITOR_KEYFRAME_AT_CLIP_END"};

} /* namespace */

const JsonSchema &editor_state_schema()
{
	return *schemas().editor;
}

std::string_view editor_state_schema_text()
{
	return schemas().editor_text;
}

EditorStateResult load_editor_state_node(JsonNode *root, const EditorStateOptions &options)
{
	EditorStateResult result;
	Diagnostics &diags = result.diagnostics;
	JsonObject *top = as_object(root);
	JsonObject *request = nullptr;
	JsonNode *state_node = root;
	/* A request wrapping the document: {"editorState": {...}, "fps": ..., ...}: it has
	 * an "editorState" member and none of the members only an editorState has (a request
	 * may carry compositionWidth/Height overrides) */
	bool wrapper = top && json_object_has_member(top, "editorState");
	for (const char *key :
	     {"tracks", "items", "assets", "transitions", "timebaseTicksPerSecond"})
		wrapper = wrapper && !json_object_has_member(top, key);
	if (wrapper) {
		request = top;
		result.base_path = "/editorState";
		check_schema(*schemas().request, root, "", diags, "EDITOR_REQUEST_INVALID");
		state_node = member(top, "editorState");
	}
	JsonObject *state = as_object(state_node);
	/* the budgets first: a document over them is refused before any costly check */
	check_budgets(state, result.base_path, options.budgets, diags);
	if (diags.has_errors())
		return result;
	if (state)
		normalize_legacy(state, result.base_path, diags);
	if (state_node)
		check_schema(*schemas().editor, state_node, result.base_path, diags);
	if (state)
		check_semantics(state, result.base_path, diags);
	if (options.strict)
		diags.promote_warnings(kStrictCodes);
	if (!diags.has_errors())
		result.timeline = build_timeline(state, request, result.base_path);
	return result;
}

EditorStateResult load_editor_state(std::string_view json_text, const EditorStateOptions &options)
{
	Diagnostics parse_diags;
	JsonNodePtr root = parse_json(json_text, options.limits, parse_diags);
	if (!root) {
		EditorStateResult result;
		result.diagnostics = std::move(parse_diags);
		if (options.strict)
			result.diagnostics.promote_warnings(kStrictCodes);
		return result;
	}
	EditorStateResult result = load_editor_state_node(root.get(), options);
	if (parse_diags.error_count() + parse_diags.warning_count() > 0) {
		Diagnostics merged;
		merged.append(parse_diags);
		merged.append(result.diagnostics);
		if (options.strict)
			merged.promote_warnings(kStrictCodes);
		result.diagnostics = std::move(merged);
		if (result.diagnostics.has_errors())
			result.timeline.reset();
	}
	return result;
}

bool load_editor_state_file(const char *path, const EditorStateOptions &options,
                            EditorStateResult *result, GError **error)
{
	std::string text;
	bool too_large = false;
	if (!read_document(path, options.limits, &text, &too_large, error))
		return false;
	if (too_large) {
		*result = EditorStateResult();
		result->diagnostics.error("EDITOR_JSON_TOO_LARGE", "",
		                          "the document is larger than the limit of " +
		                                  std::to_string(options.limits.max_bytes) +
		                                  " bytes and was not read");
		return true;
	}
	*result = load_editor_state(text, options);
	return true;
}

} /* namespace jtl */
