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

namespace {

/* The editorState members; a request wraps the state in "editorState" and has none of
 * the members only an editorState has (it may carry compositionWidth/Height overrides). */
const char *const kStateOnlyMembers[] = {"tracks", "items", "assets", "transitions",
                                         "timebaseTicksPerSecond"};

bool is_request(JsonObject *top)
{
	bool wrapper = top && json_object_has_member(top, "editorState");
	for (const char *key : kStateOnlyMembers)
		wrapper = wrapper && !json_object_has_member(top, key);
	return wrapper;
}

class IndreamDialect : public Dialect
{
public:
	const char *name() const override { return "indream"; }

	int detect(JsonNode *root) const override
	{
		JsonObject *top = as_object(root);
		if (!top)
			return 0;
		if (json_object_has_member(top, "editorState"))
			return 100;
		for (const char *key : kStateOnlyMembers)
			if (json_object_has_member(top, key))
				return 100;
		for (const char *key : {"compositionWidth", "compositionHeight", "deletedAssets"})
			if (json_object_has_member(top, key))
				return 50;
		return 0;
	}

	void validate(JsonNode *root, const DialectOptions &options,
	              DialectResult *result) const override
	{
		Diagnostics &diags = result->diagnostics;
		JsonObject *top = as_object(root);
		JsonNode *state_node = root;
		if (is_request(top)) {
			result->base_path = "/editorState";
			check_schema(*schemas().request, root, "", diags, "EDITOR_REQUEST_INVALID");
			state_node = member(top, "editorState");
		}
		JsonObject *state = as_object(state_node);
		/* the budgets first: a document over them is refused before any costly check */
		check_budgets(state, result->base_path, options.budgets, diags);
		if (diags.has_errors())
			return;
		if (state)
			normalize_legacy(state, result->base_path, diags);
		if (state_node)
			check_schema(*schemas().editor, state_node, result->base_path, diags);
		if (state)
			check_semantics(state, result->base_path, diags);
		if (options.strict)
			diags.promote_warnings(kStrictCodes);
	}

	std::unique_ptr<Timeline> build(JsonNode *root,
	                                const DialectResult &validated) const override
	{
		JsonObject *top = as_object(root);
		JsonObject *request = is_request(top) ? top : nullptr;
		JsonObject *state = request ? as_object(member(top, "editorState")) : top;
		return build_timeline(state, request, validated.base_path);
	}
};

EditorStateOptions as_indream(const EditorStateOptions &options)
{
	EditorStateOptions o = options;
	o.dialect = &indream_dialect();
	return o;
}

} /* namespace */

const Dialect &indream_dialect()
{
	static const IndreamDialect dialect;
	return dialect;
}

EditorStateResult load_editor_state_node(JsonNode *root, const EditorStateOptions &options)
{
	return indream_dialect().load(root, options);
}

EditorStateResult load_editor_state(std::string_view json_text, const EditorStateOptions &options)
{
	return load_document(json_text, as_indream(options));
}

bool load_editor_state_file(const char *path, const EditorStateOptions &options,
                            EditorStateResult *result, GError **error)
{
	return load_document_file(path, as_indream(options), result, error);
}

} /* namespace jtl */
