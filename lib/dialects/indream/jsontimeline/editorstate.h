// SPDX-License-Identifier: LGPL-2.1-or-later
// Indream editorState v1: validation (schema + semantic rules) and translation to the model.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <jsontimeline/dialect.h>
#include <jsontimeline/json-schema.h>
#include <jsontimeline/json.h>

namespace jtl {

/* The Indream dialect (detect: an object with editorState members, or a request wrapping
 * one). The functions below read a document as Indream without detection. */
const Dialect &indream_dialect();

using EditorStateOptions = DialectOptions;
using EditorStateResult = DialectResult;

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
