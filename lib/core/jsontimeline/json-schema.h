// SPDX-License-Identifier: LGPL-2.1-or-later
// A JSON Schema (draft-07) validator over json-glib nodes, with readable errors.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <json-glib/json-glib.h>

namespace jtl {

/* One failed assertion of a schema. */
struct SchemaError {
	std::string path;    /* JSON pointer of the failing instance value */
	std::string keyword; /* the failing keyword: "type", "required", "enum", "oneOf", ... */
	std::string message; /* readable, names what was expected and what was found */
	/* For keyword "enum"/"const" and discriminated oneOf: the allowed values, comma
	 * separated, so a caller can map a failure to a more specific error code. */
	std::string allowed;
};

class JsonSchemaImpl;

/* A compiled schema. Supports the draft-07 vocabulary: type, enum, const, multipleOf,
 * minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength, pattern,
 * items (schema and tuple form), additionalItems, minItems, maxItems, uniqueItems,
 * contains, required, properties, patternProperties, additionalProperties,
 * minProperties, maxProperties, propertyNames, dependencies, allOf, anyOf, oneOf, not,
 * if/then/else, $ref (local "#/..." pointers, "#" and $id-relative), boolean schemas.
 * "format" is an annotation only (as in the standard's default). Siblings of "$ref" are
 * ignored, as draft-07 says.
 *
 * For oneOf/anyOf that no alternative satisfies, the error reported is the one of the
 * alternative the instance was evidently meant to be: the alternative whose "const"
 * properties (discriminators such as "type") match the instance; failing that the one
 * whose "type" matches; failing that a single error naming the alternatives. */
class JsonSchema
{
public:
	/* Compiles a schema document. Returns nullptr with error set when the schema itself
	 * is malformed or uses a $ref that cannot be resolved. */
	static std::unique_ptr<JsonSchema> compile(JsonNode *schema, GError **error);
	~JsonSchema();

	JsonSchema(const JsonSchema &) = delete;
	JsonSchema &operator=(const JsonSchema &) = delete;

	/* Validates instance; appends errors (paths prefixed by base_path) and returns true
	 * when the instance is valid. */
	bool validate(JsonNode *instance, std::vector<SchemaError> &errors,
	              const std::string &base_path = "") const;
	bool is_valid(JsonNode *instance) const;

private:
	explicit JsonSchema(std::unique_ptr<JsonSchemaImpl> impl);
	std::unique_ptr<JsonSchemaImpl> impl_;
};

} /* namespace jtl */
