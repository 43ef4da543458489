// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of JSON loading: limits, strict syntax, duplicate keys, number range, pointers.
#include <jsontimeline/json.h>

#include <string>
#include <vector>

using namespace jtl;

static JsonNodePtr parse(const std::string &text, Diagnostics &d, JsonLimits limits = {})
{
	return parse_json(text, limits, d);
}

static void expect_error(const std::string &text, const char *code, const char *fragment,
                         const char *path = nullptr)
{
	Diagnostics d;
	JsonNodePtr n = parse(text, d);
	g_assert_null(n.get());
	g_assert_true(d.has_errors());
	const Diagnostic e = d.errors().front();
	if (g_strcmp0(e.code.c_str(), code) != 0 || e.message.find(fragment) == std::string::npos)
		g_error("for %s: got %s \"%s\", want %s containing \"%s\"",
		        text.substr(0, 40).c_str(), e.code.c_str(), e.message.c_str(), code,
		        fragment);
	if (path)
		g_assert_cmpstr(e.path.c_str(), ==, path);
}

static void test_valid()
{
	Diagnostics d;
	JsonNodePtr n = parse(
	        " {\"a\": [1, 2.5, -0, 1e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\"]}\n", d);
	g_assert_nonnull(n.get());
	g_assert_false(d.has_errors());
	g_assert_cmpuint(d.all().size(), ==, 0);
	JsonArray *a = json_object_get_array_member(json_node_get_object(n.get()), "a");
	g_assert_cmpuint(json_array_get_length(a), ==, 8);
	g_assert_cmpstr(json_array_get_string_element(a, 7), ==, "x\xc3\xa9\xf0\x9f\x98\x80");
	/* a UTF-8 byte order mark is tolerated */
	Diagnostics d2;
	g_assert_nonnull(parse("\xef\xbb\xbf{}", d2).get());
	/* scalars at the top level are JSON too */
	Diagnostics d3;
	g_assert_nonnull(parse("42", d3).get());
}

static void test_syntax_errors()
{
	expect_error("", "EDITOR_JSON_INVALID", "empty");
	expect_error("   \n ", "EDITOR_JSON_INVALID", "empty");
	expect_error("{\"a\": 01}", "EDITOR_JSON_INVALID", "leading zeros", "/a");
	expect_error("{\"a\": NaN}", "EDITOR_JSON_INVALID", "NaN is not a JSON number", "/a");
	expect_error("{\"a\": Infinity}", "EDITOR_JSON_INVALID", "Infinity");
	expect_error("{\"a\": -Infinity}", "EDITOR_JSON_INVALID", "digits after '-'");
	expect_error("[1,]", "EDITOR_JSON_INVALID", "trailing comma");
	expect_error("{\"a\": 1", "EDITOR_JSON_INVALID", "truncated");
	expect_error("{\"items\": {\"x\": [1, 2", "EDITOR_JSON_INVALID", "truncated", "/items/x/1");
	expect_error("{\"a\": \"abc", "EDITOR_JSON_INVALID", "unterminated string");
	expect_error("{a: 1}", "EDITOR_JSON_INVALID", "member name in double quotes");
	expect_error("{\"a\" 1}", "EDITOR_JSON_INVALID", "expected ':'");
	expect_error("{} {}", "EDITOR_JSON_INVALID", "after the end of the document");
	expect_error("[1 2]", "EDITOR_JSON_INVALID", "expected ',' or ']'");
	expect_error("{\"a\": \"x\ty\"}", "EDITOR_JSON_INVALID", "control character");
	expect_error("{\"a\": \"\\x\"}", "EDITOR_JSON_INVALID", "invalid escape");
	expect_error("{\"a\": \"\\u12\"}", "EDITOR_JSON_INVALID", "four hexadecimal digits");
	expect_error("{\"a\": \"\\ud800\"}", "EDITOR_JSON_INVALID", "high surrogate");
	expect_error("{\"a\": \"\\udc00\"}", "EDITOR_JSON_INVALID", "lone low surrogate");
	expect_error("{\"a\": \"\\u0000\"}", "EDITOR_JSON_INVALID", "NUL");
	expect_error("{\"a\": undefined}", "EDITOR_JSON_INVALID", "'undefined'");
	expect_error("{\"a\": tru}", "EDITOR_JSON_INVALID", "'tru'");
	expect_error("{\"a\": 1.}", "EDITOR_JSON_INVALID", "decimal point");
	expect_error("{\"a\": 1e}", "EDITOR_JSON_INVALID", "exponent");
	/* positions are reported as line and column */
	expect_error("{\n  \"a\": 1,\n  \"b\": ?\n}", "EDITOR_JSON_INVALID", "line 3, column 8");
}

static void test_encoding()
{
	expect_error("{\"a\": \"\xff\"}", "EDITOR_JSON_ENCODING_INVALID", "offset 7");
	expect_error("{\"a\": \"\xc3\"}", "EDITOR_JSON_ENCODING_INVALID", "not valid UTF-8");
}

static void test_depth()
{
	std::string deep(100000, '[');
	gint64 t0 = g_get_monotonic_time();
	expect_error(deep, "EDITOR_JSON_TOO_DEEP", "more than 512 levels");
	g_assert_cmpint(g_get_monotonic_time() - t0, <, 2 * G_USEC_PER_SEC);
	/* 512 levels are fine */
	std::string ok = std::string(512, '[') + std::string(512, ']');
	Diagnostics d;
	g_assert_nonnull(parse(ok, d).get());
	std::string objects;
	for (int i = 0; i < 600; i++)
		objects += "{\"k\":";
	expect_error(objects, "EDITOR_JSON_TOO_DEEP", "nested");
	JsonLimits small;
	small.max_depth = 3;
	Diagnostics d2;
	g_assert_null(parse("[[[[1]]]]", d2, small).get());
	g_assert_true(d2.contains("EDITOR_JSON_TOO_DEEP", "/0/0/0"));
}

static void test_size()
{
	JsonLimits small;
	small.max_bytes = 10;
	Diagnostics d;
	g_assert_null(parse("[1,2,3,4,5,6]", d, small).get());
	g_assert_true(d.contains("EDITOR_JSON_TOO_LARGE"));
}

static void test_duplicate_keys()
{
	Diagnostics d;
	JsonNodePtr n = parse("{\"items\": {\"a\": {\"x\": 1, \"y\": 2, \"x\": 3}}}", d);
	g_assert_nonnull(n.get());
	g_assert_false(d.has_errors());
	g_assert_cmpuint(d.warning_count(), ==, 1);
	g_assert_true(d.contains("EDITOR_JSON_DUPLICATE_KEY", "/items/a/x"));
	JsonObject *a = json_object_get_object_member(
	        json_object_get_object_member(json_node_get_object(n.get()), "items"), "a");
	g_assert_cmpint(json_object_get_int_member(a, "x"), ==, 3); /* last wins */
	/* escaped spellings of the same name are the same name */
	Diagnostics d2;
	g_assert_nonnull(parse("{\"ab\": 1, \"a\\u0062\": 2}", d2).get());
	g_assert_true(d2.contains("EDITOR_JSON_DUPLICATE_KEY"));
	/* the same name in different objects is fine */
	Diagnostics d3;
	g_assert_nonnull(parse("[{\"a\": 1}, {\"a\": 2}]", d3).get());
	g_assert_cmpuint(d3.all().size(), ==, 0);
	/* thousands of repeats: the first 50 reported, the last one says so, with the line */
	std::string many = "{";
	for (int i = 0; i < 20000; i++)
		many += "\"k\": " + std::to_string(i) + ",\n";
	many += "\"z\": 1}";
	Diagnostics d4;
	JsonNodePtr m = parse(many, d4);
	g_assert_nonnull(m.get());
	g_assert_cmpuint(d4.warning_count(), ==, 50);
	g_assert_cmpint(json_object_get_int_member(json_node_get_object(m.get()), "k"), ==, 19999);
	const Diagnostic &last = d4.all().back();
	g_assert_true(last.message.find("line 51, column 1") != std::string::npos);
	g_assert_true(last.message.find("not reported") != std::string::npos);
}

static void test_big_numbers()
{
	Diagnostics d;
	JsonNodePtr n = parse("{\"t\": 18446744073709551616, \"ok\": 9007199254740992, "
	                      "\"f\": 1e300, \"neg\": -9007199254740993}",
	                      d);
	g_assert_nonnull(n.get());
	g_assert_true(d.contains("EDITOR_NUMBER_OUT_OF_RANGE", "/t"));
	g_assert_true(d.contains("EDITOR_NUMBER_OUT_OF_RANGE", "/neg"));
	g_assert_false(d.contains("EDITOR_NUMBER_OUT_OF_RANGE", "/ok"));
	/* 1e300 is a double, but beyond any value of a document (1e30 ticks would wrap) */
	g_assert_true(d.contains("EDITOR_NUMBER_OUT_OF_RANGE", "/f"));
	g_assert_true(d.errors().front().kind == Kind::Semantic);
	/* the value is kept as the number written, not wrapped around */
	double v;
	g_assert_true(
	        json_node_number(json_object_get_member(json_node_get_object(n.get()), "t"), &v));
	g_assert_cmpfloat(v, ==, 18446744073709551616.0);
	Diagnostics d2;
	g_assert_nonnull(parse("[1e400]", d2).get());
	g_assert_true(d2.contains("EDITOR_NUMBER_OUT_OF_RANGE", "/0"));
}

/* json_write() reads back to the same values, where json-glib writes 1e15 as "1e+15.0". */
static void test_write_round_trip()
{
	Diagnostics d;
	const char *text = "{\"i\":9007199254740992,\"d\":1e15,\"h\":0.1,\"w\":5.0,\"n\":-0.0,"
	                   "\"s\":\"a\\\"b\\\\c\\n\\u0001\u00e9\",\"a\":[[],{},null,true,false]}";
	JsonNodePtr n = parse(text, d);
	g_assert_nonnull(n.get());
	std::string written = json_write(n.get());
	g_assert_cmpstr(written.c_str(), ==,
	                "{\"i\":9007199254740992,\"d\":1e+15,\"h\":0.1,\"w\":5.0,\"n\":-0.0,"
	                "\"s\":\"a\\\"b\\\\c\\u000a\\u0001\u00e9\",\"a\":[[],{},null,true,false]}");
	Diagnostics again;
	JsonNodePtr back = parse(written, again);
	g_assert_nonnull(back.get());
	g_assert_cmpuint(again.error_count(), ==, 0);
	g_assert_true(json_write(back.get()) == written);
}

static void test_pointer()
{
	g_assert_true(json_pointer_escape("a/b~c") == "a~1b~0c");
	g_assert_true(json_pointer_append("/items", "x/y") == "/items/x~1y");
	g_assert_true(json_pointer_append("", std::size_t(3)) == "/3");
	Diagnostics d;
	parse("{\"odd/~key\": [0, 01]}", d);
	g_assert_true(d.contains("EDITOR_JSON_INVALID", "/odd~1~0key/1"));
}

static void test_types()
{
	Diagnostics d;
	JsonNodePtr n = parse("[1, 1.0, 1.5, true, \"s\", null, {}, []]", d);
	JsonArray *a = json_node_get_array(n.get());
	const char *names[] = {"integer", "number", "number", "boolean",
	                       "string",  "null",   "object", "array"};
	for (guint i = 0; i < 8; i++)
		g_assert_cmpstr(json_type_name(json_array_get_element(a, i)), ==, names[i]);
	g_assert_true(json_node_is_integer(json_array_get_element(a, 0)));
	g_assert_true(json_node_is_integer(json_array_get_element(a, 1)));
	g_assert_false(json_node_is_integer(json_array_get_element(a, 2)));
	g_assert_false(json_node_is_integer(json_array_get_element(a, 3)));
	double v;
	g_assert_false(json_node_number(json_array_get_element(a, 3), &v));
	g_assert_true(json_excerpt(json_array_get_element(a, 4)) == "\"s\"");
	std::string long_text = "\"" + std::string(200, 'x') + "\"";
	Diagnostics d2;
	JsonNodePtr s = parse(long_text, d2);
	g_assert_cmpuint(json_excerpt(s.get(), 20).size(), ==, 23);
}

/* parse_json builds the tree json-glib's own parser builds: same types (int64 for integers,
 * double otherwise), values, member order and string decoding, for every example document. */
static void test_same_tree_as_json_glib()
{
	std::vector<std::string> docs = {
	        "{\"s\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", "
	        "\"i\": -42, \"z\": 0, \"big\": 9007199254740991, \"d\": -1.5e-3, "
	        "\"e\": 2E+2, \"t\": true, \"f\": false, \"n\": null, "
	        "\"nested\": [[], {}, [{\"k\": [1, \"x\"]}]], \"b\": 1, \"a\": 2}",
	        "[]", "\"just a string\"", "3.25", "null"};
	const char *data = g_getenv("JTL_TEST_DATA");
	g_assert_nonnull(data);
	for (const char *sub : {"indream"}) {
		g_autofree gchar *dir = g_build_filename(data, sub, nullptr);
		g_autoptr(GDir) d = g_dir_open(dir, 0, nullptr);
		g_assert_nonnull(d);
		while (const char *name = g_dir_read_name(d)) {
			if (!g_str_has_suffix(name, ".json"))
				continue;
			g_autofree gchar *path = g_build_filename(dir, name, nullptr);
			g_autofree gchar *text = nullptr;
			g_assert_true(g_file_get_contents(path, &text, nullptr, nullptr));
			docs.push_back(text);
		}
	}
	g_assert_cmpuint(docs.size(), >, 8);
	for (const std::string &text : docs) {
		Diagnostics d;
		JsonNodePtr ours = parse(text, d);
		g_autoptr(JsonParser) parser = json_parser_new();
		if (!json_parser_load_from_data(parser, text.c_str(), -1, nullptr))
			continue; /* the invalid examples json-glib refuses too */
		g_assert_nonnull(ours.get());
		JsonNode *theirs = json_parser_get_root(parser);
		g_autofree gchar *a = json_to_string(ours.get(), FALSE);
		g_autofree gchar *b = json_to_string(theirs, FALSE);
		if (!json_node_equal(ours.get(), theirs) || g_strcmp0(a, b) != 0)
			g_error("trees differ for %s:\nours   %s\ntheirs %s",
			        text.substr(0, 60).c_str(), a, b);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/json/valid", test_valid);
	g_test_add_func("/json/write-round-trip", test_write_round_trip);
	g_test_add_func("/json/syntax-errors", test_syntax_errors);
	g_test_add_func("/json/encoding", test_encoding);
	g_test_add_func("/json/depth", test_depth);
	g_test_add_func("/json/size", test_size);
	g_test_add_func("/json/duplicate-keys", test_duplicate_keys);
	g_test_add_func("/json/big-numbers", test_big_numbers);
	g_test_add_func("/json/pointer", test_pointer);
	g_test_add_func("/json/types", test_types);
	g_test_add_func("/json/same-tree-as-json-glib", test_same_tree_as_json_glib);
	return g_test_run();
}
