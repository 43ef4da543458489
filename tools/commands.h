// SPDX-License-Identifier: LGPL-2.1-or-later
// Subcommands of the jsontimeline command line.
#pragma once

/* Exit codes shared by every subcommand. */
enum ExitCode {
	EXIT_OK = 0,      /* success; for validate: every document is valid */
	EXIT_INVALID = 1, /* validate: at least one document is invalid */
	EXIT_USAGE = 2,   /* bad arguments, or a file that cannot be read */
};

int cmd_validate(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_capabilities(int argc, char **argv);
int cmd_stream(int argc, char **argv);
int cmd_preview(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* Whether the -o/--output of a command line is a live destination (rtmp://...). */
bool output_is_live(int argc, char **argv);
