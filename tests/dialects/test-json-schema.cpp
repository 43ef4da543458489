// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the draft-07 JSON Schema validator: every keyword, error paths and messages,
// discriminated oneOf reporting, and the official editorState schema.
#include <jsontimeline/json-schema.h>
#include <jsontimeline/json.h>

#include <string>

using namespace jtl;

static JsonNodePtr node(const std::string &text)
{
	Diagnostics d;
	JsonNodePtr n = parse_json(text, JsonLimits{}, d);
	if (!n)
		g_error("bad test JSON: %s", text.c_str());
	return n;
}

static std::unique_ptr<JsonSchema> compile(const std::string &text)
{
	JsonNodePtr n = node(text);
	g_autoptr(GError) error = nullptr;
	std::unique_ptr<JsonSchema> s = JsonSchema::compile(n.get(), &error);
	if (!s)
		g_error("schema does not compile: %s", error->message);
	return s;
}

/* Validates instance against schema; when keyword is given, expects a failure with that
 * keyword at path whose message contains fragment. */
static void check(const std::string &schema, const std::string &instance,
                  const char *keyword = nullptr, const char *path = "", const char *fragment = "")
{
	std::unique_ptr<JsonSchema> s = compile(schema);
	JsonNodePtr i = node(instance);
	std::vector<SchemaError> errors;
	bool ok = s->validate(i.get(), errors);
	g_assert_true(ok == errors.empty());
	g_assert_true(ok == s->is_valid(i.get()));
	if (!keyword) {
		if (!ok)
			g_error("%s should accept %s; got %s: %s", schema.c_str(), instance.c_str(),
			        errors[0].path.c_str(), errors[0].message.c_str());
		return;
	}
	if (ok)
		g_error("%s should reject %s", schema.c_str(), instance.c_str());
	for (const SchemaError &e : errors) {
		if (e.keyword == keyword && e.path == path &&
		    e.message.find(fragment) != std::string::npos)
			return;
	}
	g_error("%s vs %s: want %s at '%s' with \"%s\"; first error: %s at '%s': %s",
	        schema.c_str(), instance.c_str(), keyword, path, fragment,
	        errors[0].keyword.c_str(), errors[0].path.c_str(), errors[0].message.c_str());
}

static void test_type()
{
	check(R"({"type": "integer"})", "1");
	check(R"({"type": "integer"})", "1.0"); /* draft-06+: integral numbers are integers */
	check(R"({"type": "integer"})", "1e3");
	check(R"({"type": "integer"})", "1.5", "type", "", "expected integer, found number 1.5");
	check(R"({"type": "integer"})", "true", "type", "", "found boolean");
	check(R"({"type": "number"})", "false", "type", "", "expected number");
	check(R"({"type": "number"})", "-0.5");
	check(R"({"type": "string"})", "\"\"");
	check(R"({"type": "string"})", "null", "type", "", "expected string, found null");
	check(R"({"type": ["string", "null"]})", "null");
	check(R"({"type": ["string", "null"]})", "3", "type", "", "expected null or string");
	check(R"({"type": "object"})", "[]", "type", "", "found array");
	check(R"({"type": "array"})", "{}", "type", "", "found object");
	check(R"({"type": "boolean"})", "0", "type", "", "found integer 0");
	check(R"({"type": "null"})", "null");
}

static void test_enum_const()
{
	check(R"({"enum": ["a", "b", 3]})", "\"b\"");
	check(R"({"enum": ["a", "b", 3]})", "3.0");
	check(R"({"enum": ["a", "b"]})", "\"c\"", "enum", "",
	      "must be one of \"a\", \"b\"; found \"c\"");
	check(R"({"enum": [1]})", "true", "enum", "", "found true"); /* true is not 1 */
	check(R"({"enum": [{"x": [1, 2]}]})", R"({"x": [1, 2.0]})");
	check(R"({"enum": [{"x": 1, "y": 2}]})", R"({"y": 2, "x": 1})");
	check(R"({"enum": [[1, 2]]})", "[2, 1]", "enum");
	check(R"({"const": 240000})", "240000.0");
	check(R"({"const": 240000})", "24000", "const", "", "must be 240000, found 24000");
	check(R"({"const": "image"})", "\"Image\"", "const", "", "must be \"image\"");
	check(R"({"const": null})", "false", "const");
	std::unique_ptr<JsonSchema> s = compile(R"({"enum": ["fade", "wipe"]})");
	JsonNodePtr i = node("\"x\"");
	std::vector<SchemaError> errors;
	s->validate(i.get(), errors);
	g_assert_true(errors.at(0).allowed == "\"fade\", \"wipe\"");
}

static void test_numbers()
{
	check(R"({"minimum": 50})", "50");
	check(R"({"minimum": 50})", "49", "minimum", "", "must be >= 50, found 49");
	check(R"({"maximum": 1920})", "1920.0");
	check(R"({"maximum": 1920})", "1921", "maximum", "", "<= 1920");
	check(R"({"minimum": 0.01})", "0.009", "minimum", "", ">= 0.01");
	check(R"({"exclusiveMinimum": 0})", "0", "exclusiveMinimum", "", "> 0");
	check(R"({"exclusiveMaximum": 1})", "0.999");
	check(R"({"exclusiveMaximum": 1})", "1", "exclusiveMaximum");
	check(R"({"multipleOf": 0.5})", "2.5");
	check(R"({"multipleOf": 2})", "3", "multipleOf");
	/* number keywords ignore other types */
	check(R"({"minimum": 5})", "\"abc\"");
	check(R"({"minimum": 0})", "1e300");
	check(R"({"minimum": 0})", "-1e300", "minimum");
}

static void test_strings()
{
	check(R"({"minLength": 1})", "\"a\"");
	check(R"({"minLength": 1})", "\"\"", "minLength", "", "at least 1 character, found 0");
	check(R"({"minLength": 2})", "\"\u00e9\"", "minLength"); /* code points, not bytes */
	check(R"({"maxLength": 2})", "\"\u00e9\u00e9\"");
	check(R"({"maxLength": 2})", "\"abc\"", "maxLength");
	check(R"({"pattern": "^#[0-9a-f]{6}$"})", "\"#00ff00\"");
	check(R"({"pattern": "^#[0-9a-f]{6}$"})", "\"red\"", "pattern");
	check(R"({"minLength": 3})", "12"); /* strings only */
}

static void test_arrays()
{
	check(R"({"items": {"type": "string"}})", R"(["a", "b"])");
	check(R"({"items": {"type": "string"}})", R"(["a", 2])", "type", "/1", "expected string");
	check(R"({"minItems": 1})", "[]", "minItems", "", "at least 1 item, found 0");
	check(R"({"maxItems": 1})", "[1, 2]", "maxItems");
	check(R"({"items": [{"type": "integer"}, {"type": "string"}]})", R"([1, "a", null])");
	check(R"({"items": [{"type": "integer"}], "additionalItems": false})", "[1, 2]", "false",
	      "/1");
	check(R"({"uniqueItems": true})", "[1, 2, 1.0]", "uniqueItems", "", "items 0 and 2");
	check(R"({"uniqueItems": true})", "[1, true]");
	check(R"({"contains": {"const": 3}})", "[1, 3]");
	check(R"({"contains": {"const": 3}})", "[1, 2]", "contains");
}

static void test_objects()
{
	const char *s = R"({"type": "object", "required": ["id", "n"],
		"properties": {"id": {"type": "string"}, "n": {"type": "integer"}},
		"additionalProperties": false})";
	check(s, R"({"id": "x", "n": 1})");
	check(s, R"({"id": "x"})", "required", "", "missing required property \"n\"");
	check(s, R"({"id": "x", "n": 1, "extra": 2})", "additionalProperties", "/extra",
	      "property \"extra\" is not allowed");
	check(s, R"({"id": 5, "n": 1})", "type", "/id");
	check(R"({"additionalProperties": {"type": "number"}})", R"({"a": 1, "b": "x"})", "type",
	      "/b");
	check(R"({"patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": false})",
	      R"({"x-a": "ok"})");
	check(R"({"patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": false})",
	      R"({"x-a": 1})", "type", "/x-a");
	check(R"({"patternProperties": {"^x-": {}}, "additionalProperties": false})", R"({"y": 1})",
	      "additionalProperties", "/y");
	check(R"({"minProperties": 1})", "{}", "minProperties", "", "at least 1 property");
	check(R"({"maxProperties": 1})", R"({"a": 1, "b": 2})", "maxProperties");
	check(R"({"propertyNames": {"maxLength": 2}})", R"({"abc": 1})", "maxLength", "/abc");
	check(R"({"dependencies": {"a": ["b"]}})", R"({"a": 1})", "dependencies", "",
	      "requires property \"b\"");
	check(R"({"dependencies": {"a": {"required": ["c"]}}})", R"({"a": 1})", "required");
	check(R"({"dependencies": {"a": ["b"]}})", R"({"b": 1})");
	/* keys that need escaping in a pointer */
	check(R"({"additionalProperties": {"type": "string"}})", R"({"a/b~c": 1})", "type",
	      "/a~1b~0c");
	/* additionalProperties in one allOf branch does not see the other's properties */
	check(R"({"allOf": [{"properties": {"a": {}}}, {"properties": {"b": {}},
		"additionalProperties": false}]})",
	      R"({"a": 1, "b": 2})", "additionalProperties", "/a");
}

static void test_combinators()
{
	check(R"({"allOf": [{"type": "integer"}, {"minimum": 3}]})", "2", "minimum");
	check(R"({"anyOf": [{"type": "string"}, {"type": "integer"}]})", "1");
	check(R"({"anyOf": [{"type": "string"}, {"type": "integer"}]})", "1.5", "anyOf", "",
	      "expected string or integer, found number 1.5");
	check(R"({"oneOf": [{"type": "number"}, {"type": "integer"}]})", "1", "oneOf", "",
	      "more than one");
	check(R"({"oneOf": [{"type": "number"}, {"type": "integer"}]})", "1.5");
	check(R"({"not": {"type": "string"}})", "\"a\"", "not");
	check(R"({"not": {"type": "string"}})", "1");
	check(R"({"if": {"properties": {"k": {"const": 1}}}, "then": {"required": ["x"]},
		"else": {"required": ["y"]}})",
	      R"({"k": 1})", "required", "", "\"x\"");
	check(R"({"if": {"properties": {"k": {"const": 1}}}, "then": {"required": ["x"]},
		"else": {"required": ["y"]}})",
	      R"({"k": 2})", "required", "", "\"y\"");
	check("true", "{}");
	check("false", "{}", "false");
	/* oneOf between null and an object reports the object's errors */
	check(R"({"oneOf": [{"type": "null"}, {"type": "object", "required": ["color"]}]})", "{}",
	      "required", "", "\"color\"");
	check(R"({"oneOf": [{"type": "null"}, {"type": "object", "required": ["color"]}]})", "7",
	      "oneOf", "", "expected null or object");
}

static const char *kShapes = R"({
	"definitions": {
		"base": {"type": "object", "required": ["type", "size"],
			 "properties": {"size": {"type": "number", "minimum": 0}}},
		"circle": {"allOf": [{"$ref": "#/definitions/base"},
			{"properties": {"type": {"const": "circle"}, "r": {"type": "number"}},
			 "required": ["r"]}]},
		"square": {"allOf": [{"$ref": "#/definitions/base"},
			{"properties": {"type": {"const": "square"}, "side": {"type": "number"}},
			 "required": ["side"]}]},
		"chart": {"allOf": [{"$ref": "#/definitions/base"}, {"oneOf": [
			{"properties": {"type": {"const": "chart"}, "kind": {"const": "pie"}}},
			{"properties": {"type": {"const": "chart"}, "kind": {"const": "bar"}}}]}]}
	},
	"type": "object",
	"additionalProperties": {"oneOf": [{"$ref": "#/definitions/circle"},
		{"$ref": "#/definitions/square"}, {"$ref": "#/definitions/chart"}]}
})";

static void test_discriminated_oneof()
{
	check(kShapes, R"({"a": {"type": "circle", "size": 1, "r": 2}})");
	/* the circle's own error, not "matches none" */
	check(kShapes, R"({"a": {"type": "circle", "size": 1}})", "required", "/a",
	      "missing required property \"r\"");
	check(kShapes, R"({"a": {"type": "square", "size": -1, "side": 1}})", "minimum", "/a/size");
	check(kShapes, R"({"a": {"type": "hexagon", "size": 1}})", "discriminator", "/a/type",
	      "unknown type \"hexagon\"; expected one of \"circle\", \"square\", \"chart\"");
	check(kShapes, R"({"a": {"size": 1}})", "required", "/a",
	      "missing required property \"type\"");
	/* nested discriminator: type matches, kind does not */
	check(kShapes, R"({"a": {"type": "chart", "size": 1, "kind": "pie"}})");
	check(kShapes, R"({"a": {"type": "chart", "size": 1, "kind": "radar"}})", "discriminator",
	      "/a/kind", "\"pie\", \"bar\"");
	/* the discriminator's allowed values come back for code mapping */
	std::unique_ptr<JsonSchema> s = compile(kShapes);
	JsonNodePtr i = node(R"({"a": {"type": "x"}})");
	std::vector<SchemaError> errors;
	s->validate(i.get(), errors, "/base");
	g_assert_cmpuint(errors.size(), ==, 1);
	g_assert_true(errors[0].path == "/base/a/type");
	g_assert_true(errors[0].allowed == "\"circle\", \"square\", \"chart\"");
}

static void test_refs()
{
	check(R"({"$ref": "#/definitions/a", "definitions": {"a": {"type": "integer"}}})", "\"x\"",
	      "type");
	/* siblings of $ref are ignored in draft-07 */
	check(R"({"definitions": {"a": {"type": "integer"}},
		"properties": {"p": {"$ref": "#/definitions/a", "minimum": 10}}})",
	      R"({"p": 5})");
	/* recursion */
	const char *tree = R"({"type": "object", "properties": {"kids": {"type": "array",
		"items": {"$ref": "#"}}, "v": {"type": "integer"}}})";
	check(tree, R"({"kids": [{"kids": [{"v": 1}]}]})");
	check(tree, R"({"kids": [{"kids": [{"v": "x"}]}]})", "type", "/kids/0/kids/0/v");
	/* $id-relative reference */
	check(R"({"$id": "https://e.x/s.json", "definitions": {"a": {"type": "string"}},
		"$ref": "https://e.x/s.json#/definitions/a"})",
	      "1", "type");
	/* escaped pointer tokens */
	check(R"({"definitions": {"a/b": {"type": "string"}}, "$ref": "#/definitions/a~1b"})", "1",
	      "type");
	JsonNodePtr bad = node(R"({"$ref": "#/definitions/missing"})");
	g_autoptr(GError) error = nullptr;
	g_assert_null(JsonSchema::compile(bad.get(), &error).get());
	g_assert_nonnull(error);
	JsonNodePtr remote = node(R"({"$ref": "http://elsewhere/x.json"})");
	g_autoptr(GError) error2 = nullptr;
	g_assert_null(JsonSchema::compile(remote.get(), &error2).get());
}

static void test_collects_all_errors()
{
	const char *s = R"({"type": "object", "properties": {"a": {"type": "string"},
		"b": {"minimum": 0}, "c": {"enum": [1]}}, "required": ["d"]})";
	std::unique_ptr<JsonSchema> schema = compile(s);
	JsonNodePtr i = node(R"({"a": 1, "b": -1, "c": 2})");
	std::vector<SchemaError> errors;
	g_assert_false(schema->validate(i.get(), errors));
	g_assert_cmpuint(errors.size(), ==, 4);
}

static std::string read_file(const std::string &path)
{
	g_autofree gchar *text = nullptr;
	gsize len = 0;
	g_autoptr(GError) error = nullptr;
	if (!g_file_get_contents(path.c_str(), &text, &len, &error))
		g_error("%s", error->message);
	return std::string(text, len);
}

static void test_official_schema()
{
	std::string data = g_getenv("JTL_TEST_DATA");
	std::unique_ptr<JsonSchema> s = compile(read_file(
	        data + "/../../lib/dialects/indream/schemas/editor-state.v1.schema.json"));
	struct {
		const char *file;
		const char *keyword; /* nullptr: valid */
		const char *path;
	} cases[] = {
	        {"editor-state.valid.json", nullptr, ""},
	        {"editor-state.valid.caption.json", nullptr, ""},
	        {"editor-state.valid.caption-offset.json", nullptr, ""},
	        {"editor-state.valid.chart.json", nullptr, ""},
	        {"editor-state.valid.runtime.json", nullptr, ""},
	        {"editor-state.valid.text-template.json", nullptr, ""},
	        {"editor-state.invalid.caption-offset.json", "minimum",
	         "/items/item-caption-1/contentStartOffsetMs"},
	        {"editor-state.invalid.caption.json", "required",
	         "/assets/asset-caption-1/captions/0"},
	        {"editor-state.invalid.chart.json", "required", "/items/item-chart-1/data"},
	        {"editor-state.invalid.chart.json", "additionalProperties",
	         "/items/item-chart-1/data/rows"},
	        {"editor-state.invalid.deleted-asset.json", "required",
	         "/deletedAssets/0/statusAtDeletion"},
	        {"editor-state.invalid.effect.json", "enum", "/items/item-effect-1/effectType"},
	        {"editor-state.invalid.filter.json", "enum", "/items/item-filter-1/filterType"},
	        {"editor-state.invalid.text-template.json", "required",
	         "/items/item-template-1/nodes/0"},
	        {"editor-state.invalid.transition.json", "enum", "/transitions/transition-1/type"},
	};
	for (const auto &c : cases) {
		JsonNodePtr doc = node(read_file(data + "/indream/" + c.file));
		std::vector<SchemaError> errors;
		bool ok = s->validate(doc.get(), errors);
		if (!c.keyword) {
			if (!ok)
				g_error("%s: %s %s", c.file, errors[0].path.c_str(),
				        errors[0].message.c_str());
			continue;
		}
		bool found = false;
		for (const SchemaError &e : errors)
			found = found || (e.keyword == c.keyword && e.path == c.path);
		if (!found)
			g_error("%s: no %s error at %s", c.file, c.keyword, c.path);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/json-schema/type", test_type);
	g_test_add_func("/json-schema/enum-const", test_enum_const);
	g_test_add_func("/json-schema/numbers", test_numbers);
	g_test_add_func("/json-schema/strings", test_strings);
	g_test_add_func("/json-schema/arrays", test_arrays);
	g_test_add_func("/json-schema/objects", test_objects);
	g_test_add_func("/json-schema/combinators", test_combinators);
	g_test_add_func("/json-schema/discriminated-oneof", test_discriminated_oneof);
	g_test_add_func("/json-schema/refs", test_refs);
	g_test_add_func("/json-schema/all-errors", test_collects_all_errors);
	g_test_add_func("/json-schema/official-schema", test_official_schema);
	return g_test_run();
}
