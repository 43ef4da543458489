// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of live updates: JSON merge patches on the spec's example, what they change and
// what a running render refuses.
#include <string>

#include <jsontimeline/editorstate.h>
#include <jsontimeline/live-update.h>
#include <jsontimeline/merge-patch.h>

using namespace jtl;

static std::string example()
{
	gchar *text = nullptr;
	std::string path =
	        std::string(g_getenv("JTL_TEST_DATA")) + "/indream/editor-state.valid.json";
	g_assert_true(g_file_get_contents(path.c_str(), &text, nullptr, nullptr));
	std::string s = text;
	g_free(text);
	return s;
}

static LiveUpdate patch(const std::string &doc, const char *p)
{
	std::string next, error;
	g_assert_true(apply_merge_patch(doc, p, &next, &error));
	EditorStateResult a = load_editor_state(doc), b = load_editor_state(next);
	g_assert_true(a.valid());
	g_assert_true(b.valid());
	return compare_for_live_update(doc, *a.timeline, next, *b.timeline);
}

static void test_allowed()
{
	std::string doc = example();
	LiveUpdate u = patch(doc, R"({"items":{"item-text-1":{"text":"Score 2-1"}}})");
	g_assert_true(u.allowed);
	g_assert_cmpuint(u.changed.size(), ==, 1);
	g_assert_true(u.changed.count("item-text-1"));
	u = patch(doc, R"({"items":{"item-solid-1":{"color":"#ff0000"}}})");
	g_assert_true(u.allowed);
	g_assert_true(u.changed.count("item-solid-1") && u.changed.size() == 1);
	/* an image's asset: the item using it counts as changed */
	u = patch(doc, R"({"assets":{"asset-image-1":{"filename":"other.png"}}})");
	g_assert_true(u.allowed);
	g_assert_true(u.changed.count("item-image-1") && u.changed.size() == 1);
	/* nothing changed */
	u = patch(doc, "{}");
	g_assert_true(u.allowed);
	g_assert_true(u.changed.empty());
}

static void test_refused()
{
	std::string doc = example();
	struct {
		const char *patch, *reason;
	} cases[] = {
	        {R"({"compositionWidth":640})", "/compositionWidth"},
	        {R"({"globalBackground":{"color":"#000000"}})", "/globalBackground"},
	        {R"({"items":{"item-effect-1":{"intensity":0.5}}})", "/items/item-effect-1"},
	        {R"({"items":{"item-text-1":{"durationTicks":2400}}})", "duration"},
	        {R"({"tracks":[{"id":"track-main","hidden":true,"muted":false,"items":["item-image-1","item-solid-1"]},{"id":"track-effect","hidden":false,"muted":false,"items":["item-effect-1"]},{"id":"track-filter","hidden":false,"muted":false,"items":["item-filter-1"]},{"id":"track-text","hidden":false,"muted":false,"items":["item-text-1"]}]})",
	         "/tracks/0"},
	};
	for (const auto &c : cases) {
		LiveUpdate u = patch(doc, c.patch);
		g_assert_false(u.allowed);
		if (!strstr(u.reason.c_str(), c.reason))
			g_error("%s: reason \"%s\" lacks \"%s\"", c.patch, u.reason.c_str(),
			        c.reason);
		g_assert_true(u.changed.empty());
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/live-update/allowed", test_allowed);
	g_test_add_func("/live-update/refused", test_refused);
	return g_test_run();
}
