// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the dialect registry: detection, refusal of a non-document, unchanged pointers.
#include <jsontimeline/captions.h>
#include <jsontimeline/dialect.h>
#include <jsontimeline/editorstate.h>
#include <jsontimeline/names.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace jtl;

static std::string read(const char *name)
{
	const char *dir = g_getenv("JTL_TEST_DATA");
	g_assert_nonnull(dir);
	std::string path = std::string(dir) + "/indream/" + name;
	g_autofree gchar *text = nullptr;
	gsize len = 0;
	g_autoptr(GError) error = nullptr;
	if (!g_file_get_contents(path.c_str(), &text, &len, &error))
		g_error("%s", error->message);
	return std::string(text, len);
}

static JsonNodePtr parse(const std::string &text)
{
	Diagnostics d;
	JsonNodePtr root = parse_json(text, JsonLimits{}, d);
	g_assert_nonnull(root.get());
	return root;
}

static void test_registry_lists_indream()
{
	g_assert_cmpuint(dialects().size(), >=, 1);
	g_assert_true(dialects().front() == &indream_dialect());
	g_assert_cmpstr(indream_dialect().name(), ==, "indream");
}

static void test_detects_indream()
{
	std::string doc = read("editor-state.valid.json");
	for (const std::string &text : {doc, "{\"editorState\": " + doc + ", \"fps\": 30}"}) {
		JsonNodePtr root = parse(text);
		g_assert_true(detect_dialect(root.get()) == &indream_dialect());
		DialectResult r = load_document(text);
		g_assert_true(r.valid());
		g_assert_nonnull(r.timeline.get());
		g_assert_true(r.dialect == &indream_dialect());
	}
	DialectResult wrapped = load_document("{\"editorState\": " + doc + "}");
	g_assert_cmpstr(wrapped.base_path.c_str(), ==, "/editorState");
}

static void test_refuses_non_document()
{
	for (const char *text : {"[1, 2]", "42", "\"x\"", "null", "{}",
	                         "{\"timeline\": {\"tracks\": []}, \"output\": {}}"}) {
		JsonNodePtr root = parse(text);
		g_assert_null(detect_dialect(root.get()));
		DialectResult r = load_document(text);
		g_assert_false(r.valid());
		g_assert_null(r.timeline.get());
		g_assert_null(r.dialect);
		const Diagnostic first = r.diagnostics.errors().front();
		g_assert_cmpstr(first.code.c_str(), ==, "DOCUMENT_DIALECT_UNKNOWN");
		g_assert_cmpstr(first.path.c_str(), ==, "");
		g_assert_true(first.message.find("indream") != std::string::npos);
	}
}

using Finding = std::vector<std::string>;

/* Severity, code, pointer (less strip) and, when asked, the message. */
static std::vector<Finding> findings(const Diagnostics &d, const std::string &strip = "",
                                     bool messages = true)
{
	std::vector<Finding> out;
	for (const Diagnostic &x : d.all())
		out.push_back({severity_name(x.severity), x.code, x.path.substr(strip.size()),
		               messages ? x.message : ""});
	return out;
}

/* The registry reads an invalid example exactly as the Indream loader does, and a
 * request wrapping it gets the same pointers under /editorState. */
static void test_pointers_unchanged()
{
	for (const char *name :
	     {"editor-state.invalid.transition.json", "editor-state.invalid.effect.json",
	      "editor-state.invalid.caption.json"}) {
		std::string text = read(name);
		DialectResult direct = load_editor_state(text);
		DialectResult picked = load_document(text);
		g_assert_true(picked.dialect == &indream_dialect());
		g_assert_true(findings(picked.diagnostics) == findings(direct.diagnostics));
		DialectResult wrapped = load_document("{\"editorState\": " + text + "}");
		g_assert_true(findings(wrapped.diagnostics, "/editorState", false) ==
		              findings(direct.diagnostics, "", false));
	}
	DialectResult r = load_document(read("editor-state.invalid.transition.json"));
	std::vector<std::string> paths;
	for (const Diagnostic &d : r.diagnostics.errors())
		paths.push_back(d.code + " " + d.path);
	g_assert_true(std::find(paths.begin(), paths.end(),
	                        "EDITOR_TRANSITION_TYPE_INVALID /transitions/transition-1/type") !=
	              paths.end());
	g_assert_true(std::find(paths.begin(), paths.end(),
	                        "EDITOR_TRANSITION_CLIP_NOT_ADJACENT /transitions/transition-1") !=
	              paths.end());
}

/* The one name table: each caption animation's name reads back to it. */
static void test_caption_animation_names()
{
	int n = 0;
#define JTL_X(e, name, label)                                                                      \
	{                                                                                          \
		g_assert_cmpstr(caption_animation_name(CaptionAnimationType::e), ==, name);        \
		CaptionAnimationType t;                                                            \
		g_assert_true(parse_caption_animation(name, &t));                                  \
		g_assert_true(t == CaptionAnimationType::e);                                       \
		g_assert_cmpint(int(t), ==, n++);                                                  \
	}
	JTL_CAPTION_ANIMATIONS(JTL_X)
#undef JTL_X
	g_assert_cmpint(n, ==, 9);
	CaptionAnimationType t;
	g_assert_false(parse_caption_animation("no-such-animation", &t));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/dialect/registry", test_registry_lists_indream);
	g_test_add_func("/dialect/detects-indream", test_detects_indream);
	g_test_add_func("/dialect/refuses-non-document", test_refuses_non_document);
	g_test_add_func("/dialect/pointers-unchanged", test_pointers_unchanged);
	g_test_add_func("/names/caption-animations", test_caption_animation_names);
	return g_test_run();
}
