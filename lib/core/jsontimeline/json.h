// SPDX-License-Identifier: LGPL-2.1-or-later
// JSON loading with limits (size, depth, UTF-8, number range) and JSON pointer helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <json-glib/json-glib.h>

#include <jsontimeline/diagnostics.h>

namespace jtl {

struct JsonNodeDeleter {
	void operator()(JsonNode *node) const { json_node_unref(node); }
};
using JsonNodePtr = std::unique_ptr<JsonNode, JsonNodeDeleter>;

struct JsonLimits {
	std::size_t max_bytes = 64 * 1024 * 1024; /* documents above are refused unread */
	unsigned max_depth = 512;                 /* arrays/objects nested deeper are refused */
};

/* The largest integer magnitude that survives a round trip through a double: 2^53. */
constexpr int64_t kMaxSafeInteger = (int64_t(1) << 53);

/* Parses a JSON text into json-glib nodes in one linear, non-recursive pass that enforces
 * the limits, rejects invalid UTF-8, NaN/Infinity and other non-JSON tokens with a line and column,
 * warns about duplicate object keys (the last one wins, as in most parsers) and reports
 * every number beyond ±2^53 (an integer literal there cannot be represented exactly, and
 * no value of a document means anything that large: 1e30 ticks would wrap any duration)
 * as EDITOR_NUMBER_OUT_OF_RANGE. Returns nullptr when the
 * text is not usable JSON; the reasons are in diags with code EDITOR_JSON_*. */
JsonNodePtr parse_json(std::string_view text, const JsonLimits &limits, Diagnostics &diags);

/* Escapes one reference token for a JSON pointer: "~" -> "~0", "/" -> "~1". */
std::string json_pointer_escape(std::string_view token);
/* path + "/" + escaped(token). */
std::string json_pointer_append(const std::string &path, std::string_view token);
std::string json_pointer_append(const std::string &path, std::size_t index);

/* Short readable name of a node's JSON type: "object", "array", "string", "integer",
 * "number", "boolean", "null". Integral doubles (1.0) count as "number". */
const char *json_type_name(JsonNode *node);

/* Numeric value of an integer or double node (booleans are not numbers). */
bool json_node_number(JsonNode *node, double *out);
/* True for integer nodes and for doubles with no fractional part (JSON Schema draft-06+). */
bool json_node_is_integer(JsonNode *node);

/* Serialises a node compactly as JSON that parse_json() reads back to the same values:
 * integers as integers, doubles in their shortest round-trip form (json-glib's own writer
 * prints 1e20 as "1e+20.0", which is not JSON). Non-finite doubles become null. */
std::string json_write(JsonNode *node);

/* Serialises a node compactly for messages, cut after max_length bytes with "...". */
std::string json_excerpt(JsonNode *node, std::size_t max_length = 80);

} /* namespace jtl */

namespace jtl {

/* Reads a whole document from a file path, or from standard input when path is "-",
 * refusing more than limits.max_bytes without reading it all (a regular file's size is
 * checked first). Returns false with error set (JTL_ERROR_IO) when the input cannot be
 * read; a document over the limit is not an I/O error: it returns true with
 * *too_large set and out empty. */
bool read_document(const char *path, const JsonLimits &limits, std::string *out, bool *too_large,
                   GError **error);

} /* namespace jtl */
