// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of JSON Merge Patch (RFC 7386): the cases of its appendix, order, bad input.
#include <string>

#include <jsontimeline/merge-patch.h>

using namespace jtl;

static std::string patched(const char *doc, const char *patch)
{
	std::string out, error;
	g_assert_true(apply_merge_patch(doc, patch, &out, &error));
	return out;
}

static void test_rfc_cases()
{
	struct {
		const char *doc, *patch, *want;
	} cases[] = {
	        {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
	        {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
	        {R"({"a":"b"})", R"({"a":null})", R"({})"},
	        {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
	        {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
	        {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
	        {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
	        {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
	        {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
	        {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
	        {R"({"a":"foo"})", "null", "null"},
	        {R"({"a":"foo"})", R"("bar")", R"("bar")"},
	        {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
	        {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
	        {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
	};
	for (const auto &c : cases) {
		std::string got = patched(c.doc, c.patch);
		g_assert_cmpstr(got.c_str(), ==, c.want);
	}
}

static void test_order_and_depth()
{
	/* members keep their place; a deep change touches only its branch */
	std::string out = patched(R"({"z":1,"items":{"t":{"text":"old","color":"#fff"}},"a":2})",
	                          R"({"items":{"t":{"text":"new"}}})");
	g_assert_cmpstr(out.c_str(), ==,
	                R"({"z":1,"items":{"t":{"text":"new","color":"#fff"}},"a":2})");
}

static void test_bad_input()
{
	std::string out, error;
	g_assert_false(apply_merge_patch("{}", "{\"a\":", &out, &error));
	g_assert_nonnull(strstr(error.c_str(), "the patch is not JSON"));
	g_assert_false(apply_merge_patch("{", "{}", &out, &error));
	g_assert_nonnull(strstr(error.c_str(), "the document is not JSON"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/merge-patch/rfc-cases", test_rfc_cases);
	g_test_add_func("/merge-patch/order-and-depth", test_order_and_depth);
	g_test_add_func("/merge-patch/bad-input", test_bad_input);
	return g_test_run();
}
