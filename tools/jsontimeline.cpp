// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimeline: the command line front end; dispatches to subcommands.
#include "config.h"

#include <clocale>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <cstdio>
#include <cstring>

#include <glib.h>

#include "commands.h"

namespace {

struct Command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

const Command kCommands[] = {
        {"validate", "Check editor JSON against the editorState v1 schema and editor rules",
         cmd_validate},
        {"render", "Render editor JSON to a video file (MP4 or WebM)", cmd_render},
        {"stream", "Stream editor JSON live to an RTMP server, in real time", cmd_stream},
        {"preview", "Play editor JSON on the screen, with keys to pause and seek", cmd_preview},
        {"serve", "Run the HTTP export service (Indream Open API routes)", cmd_serve},
        {"keys", "Show the API keys' ids and webhook secrets of a service", cmd_keys},
        {"probe", "Describe a media file (duration, size, streams) as JSON", cmd_probe},
        {"capabilities", "List the transitions, effects, filters, ... the engine renders",
         cmd_capabilities},
};

void print_help(FILE *out)
{
	fprintf(out, "Usage:\n  jsontimeline COMMAND [OPTION…] [ARG…]\n\n"
	             "Turn editor JSON (Indream editorState v1) into video.\n\nCommands:\n");
	for (const Command &c : kCommands)
		fprintf(out, "  %-12s %s\n", c.name, c.summary);
	fprintf(out, "\nOptions:\n"
	             "  -h, --help       Show this help and exit\n"
	             "  --version        Show the version and exit\n\n"
	             "Run 'jsontimeline COMMAND --help' for the options of a command.\n"
	             "Exit status: 0 success, 1 invalid input, 2 usage or I/O error.\n");
}

} /* namespace */

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	g_set_prgname("jsontimeline");
#ifdef __GLIBC__
	/* video frames are megabytes: by default glibc maps each one afresh and the first
	 * touch of every page faults (a tenth of a 1080p render's time); keep them in the
	 * heap for reuse instead */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 128 << 20);
	/* and one heap: every media branch starts new streaming threads (demuxer, queues,
	 * decoder), and glibc gives new threads arenas of their own, up to 8 per core, each
	 * keeping the frames its decoders freed; memory then grew with every clip played and
	 * every loop of a stream (docs/limits.md, "Memory over time") */
	mallopt(M_ARENA_MAX, 1);
#endif
	if (argc < 2) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		if (argc > 2 && strcmp(name, "help") == 0) {
			for (const Command &c : kCommands) {
				if (!strcmp(c.name, argv[2])) {
					char help[] = "--help";
					char *args[] = {argv[2], help, nullptr};
					return c.run(2, args);
				}
			}
		}
		print_help(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "--version")) {
		printf("jsontimeline %s\n", VERSION);
		return EXIT_OK;
	}
	for (const Command &c : kCommands) {
		if (!strcmp(c.name, name))
			return c.run(argc - 1, argv + 1);
	}
	fprintf(stderr, "jsontimeline: unknown command '%s'\n\n", name);
	print_help(stderr);
	return EXIT_USAGE;
}
