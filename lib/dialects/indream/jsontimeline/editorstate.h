// SPDX-License-Identifier: LGPL-2.1-or-later
// Indream editorState v1: validation (schema + semantic rules) and translation to the model.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <jsontimeline/budgets.h>
#include <jsontimeline/diagnostics.h>
#include <jsontimeline/json-schema.h>
#include <jsontimeline/json.h>
#include <jsontimeline/model.h>

namespace jtl {

struct EditorStateOptions {
	/* Strict: pure conformance to the official schema. Legacy shorthand and keyframes
	 * at the clip end are errors instead of warnings; other warnings stay warnings. */
	bool strict = false;
	JsonLimits limits;
	/* Counts and lengths checked before anything else (budgets.h, docs/limits.md). */
	DocumentBudgets budgets;
};

struct EditorStateResult {
	Diagnostics diagnostics;
	/* Set when the document has no errors. */
	std::unique_ptr<Timeline> timeline;
	/* Where the editorState object sits in the document: "" for a bare editorState,
	 * "/editorState" for an export or project request that wraps it. */
	std::string base_path;

	bool valid() const { return !diagnostics.has_errors(); }
};

/* Parses a JSON text that is either an editorState object or a request wrapping one
 * ({"editorState": {...}, "fps": 30, "ratio": "16:9", "scale": 1, "format": "mp4"}),
 * validates it and, when valid, translates it into the Timeline model. All errors are
 * collected; each names a JSON pointer into the text given. */
EditorStateResult load_editor_state(std::string_view json_text,
                                    const EditorStateOptions &options = {});

/* The same for an already parsed document. The node may be modified (legacy shorthand
 * is rewritten in place unless strict). */
EditorStateResult load_editor_state_node(JsonNode *root, const EditorStateOptions &options = {});

/* Reads a document from a file ("-" = standard input) and loads it as above. Returns
 * false with error set (JTL_ERROR_IO) only when the input cannot be read; a document
 * over options.limits.max_bytes is reported as EDITOR_JSON_TOO_LARGE without being read
 * whole. */
bool load_editor_state_file(const char *path, const EditorStateOptions &options,
                            EditorStateResult *result, GError **error);

/* The official editorState v1 JSON Schema this build validates against (embedded). */
const JsonSchema &editor_state_schema();
/* The schema text itself. */
std::string_view editor_state_schema_text();

} /* namespace jtl */
