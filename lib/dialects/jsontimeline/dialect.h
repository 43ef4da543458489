// SPDX-License-Identifier: LGPL-2.1-or-later
// The dialect interface: detect an input document, validate it, build the Timeline model.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <jsontimeline/budgets.h>
#include <jsontimeline/diagnostics.h>
#include <jsontimeline/json.h>
#include <jsontimeline/model.h>

namespace jtl {

class Dialect;

struct DialectOptions {
	/* Strict: pure conformance to the dialect's official schema (for Indream: legacy
	 * shorthand and keyframes at the clip end are errors instead of warnings). */
	bool strict = false;
	JsonLimits limits;
	/* Counts and lengths checked before anything else (budgets.h, docs/limits.md). */
	DocumentBudgets budgets;
	/* Read the document as this dialect; null = the one the registry detects. */
	const Dialect *dialect = nullptr;
};

struct DialectResult {
	Diagnostics diagnostics;
	/* Set when the document has no errors. */
	std::unique_ptr<Timeline> timeline;
	/* Where the dialect's document sits in the text: "" when it is the whole text; for
	 * Indream "/editorState" when an export or project request wraps it. */
	std::string base_path;
	/* The dialect that read the document; null when none detected it (or it is not JSON). */
	const Dialect *dialect = nullptr;

	bool valid() const { return !diagnostics.has_errors(); }
};

/* One input dialect (one folder under lib/dialects/). Implementations are stateless
 * singletons, registered in lib/dialects/src/registry.cpp. */
class Dialect
{
public:
	virtual ~Dialect() = default;
	/* Short lower-case name ("indream"), used in messages and by --dialect style options. */
	virtual const char *name() const = 0;
	/* How sure the dialect is that the parsed document is one of its own: 0 = not
	 * this dialect; the registry picks the highest score. Cheap: looks at the top-level
	 * members only, never validates. */
	virtual int detect(JsonNode *root) const = 0;
	/* Validates the document (budgets, schema, semantic rules); every diagnostic's
	 * pointer points into this document. May rewrite the node (legacy shorthand). Sets
	 * result->diagnostics and result->base_path. */
	virtual void validate(JsonNode *root, const DialectOptions &options,
	                      DialectResult *result) const = 0;
	/* The model of a document validate() found without errors. */
	virtual std::unique_ptr<Timeline> build(JsonNode *root,
	                                        const DialectResult &validated) const = 0;

	/* validate(), then build() when there are no errors; sets result.dialect. */
	DialectResult load(JsonNode *root, const DialectOptions &options = {}) const;
};

/* The registered dialects, in registration order. */
const std::vector<const Dialect *> &dialects();

/* The dialect with the highest detect() score, or null when none detects the document. */
const Dialect *detect_dialect(JsonNode *root);

/* Loads a parsed document as options.dialect, or as the dialect detect_dialect() picks. A
 * document no dialect detects gets the error DOCUMENT_DIALECT_UNKNOWN at "" naming the
 * dialects known, followed by what the default (first registered) dialect's validate()
 * finds in it; it has no timeline and result.dialect stays null. */
DialectResult load_document_node(JsonNode *root, const DialectOptions &options = {});

/* The same for a JSON text: parse errors (EDITOR_JSON_*) come first, then the dialect's
 * diagnostics. */
DialectResult load_document(std::string_view json_text, const DialectOptions &options = {});

/* Reads a document from a file ("-" = standard input) and loads it as above. Returns
 * false with error set (JTL_ERROR_IO) only when the input cannot be read; a document over
 * options.limits.max_bytes is reported as EDITOR_JSON_TOO_LARGE without being read whole. */
bool load_document_file(const char *path, const DialectOptions &options, DialectResult *result,
                        GError **error);

} /* namespace jtl */
