// SPDX-License-Identifier: LGPL-2.1-or-later
// Subcommands of the jsontimeline command line.
#pragma once

#include <cmath>
#include <initializer_list>

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
int cmd_keys(int argc, char **argv);
int cmd_probe(int argc, char **argv);

/* The largest --width/--height (the element's width and height properties) and the
 * largest time an option may name, seconds (a day). */
constexpr double kMaxCompositionSide = 16384;
constexpr double kMaxSeconds = 86400;

/* A number option and the range it must be in: a finite value from least to most, or the
 * value meaning "not given" (unset; NaN when every value must be in range). */
struct NumberOption {
	const char *name; /* as typed: "--scale" */
	double value, least, most;
	double unset = NAN;
};

/* Whether every option is in its range; else prints "jsontimeline CMD: NAME must be a
 * number from LEAST to MOST" for the first one that is not (NaN and infinities never are)
 * and returns false: the caller exits with EXIT_USAGE. */
bool check_numbers(const char *cmd, std::initializer_list<NumberOption> options);

namespace jtl {
struct DialectResult;
enum class MissingIllustration;
} // namespace jtl

/* The --missing-illustration option (value as given, nullptr: the default, error) into
 * *out; else prints "jsontimeline CMD: --missing-illustration must be error or
 * placeholder" and returns false: the caller exits with EXIT_USAGE. */
bool missing_illustration_option(const char *cmd, const char *value, jtl::MissingIllustration *out);
/* Its GOptionEntry's description */
#define MISSING_ILLUSTRATION_HELP                                                                  \
	"What an illustration name that is not built in becomes: error (default) or "              \
	"placeholder (its box in its colour, with a warning)"
/* Registers the elements (from the plugin, else built in) and loads the document at path,
 * printing why it cannot be used as "jsontimeline CMD: ...". Returns -1 when it is
 * valid (its result in *doc when given), else the exit code. */
int prepare_document(const char *cmd, const char *path, jtl::DialectResult *doc);

/* Whether the -o/--output of a command line is a live destination (rtmp://...). */
bool output_is_live(int argc, char **argv);
