// SPDX-License-Identifier: LGPL-2.1-or-later
// The dialect registry and the loaders every front end uses (text, file, parsed node).
#include <jsontimeline/dialect.h>

#include <jsontimeline/editorstate.h>

namespace jtl {

const std::vector<const Dialect *> &dialects()
{
	/* One line per dialect (lib/dialects/<name>/), in the order detect() ties are won. */
	static const std::vector<const Dialect *> all = {
	        &indream_dialect(),
	};
	return all;
}

const Dialect *detect_dialect(JsonNode *root)
{
	const Dialect *best = nullptr;
	int best_score = 0;
	for (const Dialect *d : dialects()) {
		int score = d->detect(root);
		if (score > best_score) {
			best = d;
			best_score = score;
		}
	}
	return best;
}

DialectResult Dialect::load(JsonNode *root, const DialectOptions &options) const
{
	DialectResult result;
	result.dialect = this;
	validate(root, options, &result);
	if (result.valid())
		result.timeline = build(root, result);
	return result;
}

DialectResult load_document_node(JsonNode *root, const DialectOptions &options)
{
	const Dialect *dialect = options.dialect ? options.dialect : detect_dialect(root);
	if (dialect)
		return dialect->load(root, options);
	/* none: say so, then what the default (first registered) dialect finds, so the
	 * reader also sees what that dialect expected */
	const Dialect *fallback = dialects().front();
	std::string names;
	for (const Dialect *d : dialects())
		names += std::string(names.empty() ? "" : ", ") + d->name();
	DialectResult result;
	result.diagnostics.error("DOCUMENT_DIALECT_UNKNOWN", "",
	                         std::string("no known dialect (") + names +
	                                 ") recognises the document; what follows is read as " +
	                                 fallback->name() + ", the default",
	                         Kind::Schema);
	DialectResult found;
	fallback->validate(root, options, &found);
	result.diagnostics.append(found.diagnostics);
	return result;
}

DialectResult load_document(std::string_view json_text, const DialectOptions &options)
{
	Diagnostics parse_diags;
	JsonNodePtr root = parse_json(json_text, options.limits, parse_diags);
	if (!root) {
		DialectResult result;
		result.diagnostics = std::move(parse_diags);
		return result;
	}
	DialectResult result = load_document_node(root.get(), options);
	if (parse_diags.error_count() + parse_diags.warning_count() > 0) {
		Diagnostics merged;
		merged.append(parse_diags);
		merged.append(result.diagnostics);
		result.diagnostics = std::move(merged);
		if (result.diagnostics.has_errors())
			result.timeline.reset();
	}
	return result;
}

bool load_document_file(const char *path, const DialectOptions &options, DialectResult *result,
                        GError **error)
{
	std::string text;
	bool too_large = false;
	if (!read_document(path, options.limits, &text, &too_large, error))
		return false;
	if (too_large) {
		*result = DialectResult();
		result->diagnostics.error("EDITOR_JSON_TOO_LARGE", "",
		                          "the document is larger than the limit of " +
		                                  std::to_string(options.limits.max_bytes) +
		                                  " bytes and was not read");
		return true;
	}
	*result = load_document(text, options);
	return true;
}

} /* namespace jtl */
