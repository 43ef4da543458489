// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimeline capabilities: what the engine renders, as the Open API's EditorCapabilities.
#include <cstdio>

#include <glib.h>

#include <jsontimeline/capabilities.h>
#include <jsontimeline/illustrations.h>

#include "commands.h"

int cmd_capabilities(int argc, char **argv)
{
	gboolean json = FALSE, compact = FALSE, illustrations = FALSE;
	g_autofree gchar *query = nullptr;
	GOptionEntry entries[] = {
	        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the EditorCapabilities JSON object",
	         nullptr},
	        {"compact", 0, 0, G_OPTION_ARG_NONE, &compact, "JSON on one line", nullptr},
	        {"illustrations", 0, 0, G_OPTION_ARG_NONE, &illustrations,
	         "Print the illustration names as the API's IllustrationSearchResponseEnvelope",
	         nullptr},
	        {"query", 0, 0, G_OPTION_ARG_STRING, &query,
	         "With --illustrations: only the names matching WORDS", "WORDS"},
	        {},
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- list what the engine renders");
	g_option_context_add_main_entries(ctx, entries, nullptr);
	g_autoptr(GError) error = nullptr;
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc > 1) {
		fprintf(stderr, "jsontimeline capabilities: %s\n",
		        error ? error->message : "no arguments expected");
		return EXIT_USAGE;
	}
	if (illustrations) {
		printf("%s\n", jtl::illustrations_json(query ? query : "", !compact).c_str());
		return EXIT_OK;
	}
	const jtl::Capabilities &c = jtl::capabilities();
	if (json || compact) {
		printf("%s\n", jtl::capabilities_json(!compact).c_str());
		return EXIT_OK;
	}
	auto list = [](const char *title, const std::vector<std::string> &names) {
		printf("%s:", title);
		for (const std::string &n : names)
			printf(" %s", n.c_str());
		printf("\n");
	};
	printf("capabilities version %s\n", c.version.c_str());
	list("animations", c.animations);
	list("transitions", c.transitions);
	list("effects", c.effects);
	list("filters", c.filters);
	list("shapes", c.shapes);
	list("illustrations", c.illustrations);
	const std::pair<const char *, const std::vector<jtl::CaptionAnimationPreset> *> groups[] = {
	        {"caption animations in", &c.caption_in},
	        {"caption animations out", &c.caption_out},
	        {"caption animations loop", &c.caption_loop}};
	for (const auto &g : groups) {
		std::vector<std::string> ids;
		for (const jtl::CaptionAnimationPreset &p : *g.second)
			ids.push_back(p.id);
		list(g.first, ids);
	}
	return EXIT_OK;
}
