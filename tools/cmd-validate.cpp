// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimeline validate: check editor JSON files and report errors with JSON pointers.
#include <cstdio>
#include <string>

#include <glib.h>
#include <json-glib/json-glib.h>

#include <jsontimeline/dialect.h>
#include <jsontimeline/illustrations.h>

#include "commands.h"

namespace {

void add_diagnostics(JsonBuilder *b, const std::vector<jtl::Diagnostic> &list)
{
	json_builder_begin_array(b);
	for (const jtl::Diagnostic &d : list) {
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "code");
		json_builder_add_string_value(b, d.code.c_str());
		json_builder_set_member_name(b, "path");
		json_builder_add_string_value(b, d.path.c_str());
		json_builder_set_member_name(b, "message");
		json_builder_add_string_value(b, d.message.c_str());
		json_builder_set_member_name(b, "kind");
		json_builder_add_string_value(b, jtl::kind_name(d.kind));
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

void print_json(const char *file, const jtl::Diagnostics *diags, const char *io_error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "file");
	json_builder_add_string_value(b, file);
	json_builder_set_member_name(b, "valid");
	json_builder_add_boolean_value(b, diags && !diags->has_errors());
	json_builder_set_member_name(b, "errors");
	if (diags) {
		add_diagnostics(b, diags->errors());
	} else {
		json_builder_begin_array(b);
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "code");
		json_builder_add_string_value(b, "EDITOR_FILE_UNREADABLE");
		json_builder_set_member_name(b, "path");
		json_builder_add_string_value(b, "");
		json_builder_set_member_name(b, "message");
		json_builder_add_string_value(b, io_error);
		json_builder_set_member_name(b, "kind");
		json_builder_add_string_value(b, "io");
		json_builder_end_object(b);
		json_builder_end_array(b);
	}
	json_builder_set_member_name(b, "warnings");
	add_diagnostics(b, diags ? diags->warnings() : std::vector<jtl::Diagnostic>());
	if (diags && diags->dropped() > 0) {
		json_builder_set_member_name(b, "omitted");
		json_builder_add_int_value(b, gint64(diags->dropped()));
	}
	json_builder_end_object(b);
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	g_autofree gchar *text = json_to_string(root, FALSE);
	printf("%s\n", text);
}

const char *display_path(const std::string &path)
{
	return path.empty() ? "(document)" : path.c_str();
}

void print_human(const char *file, const jtl::Diagnostics &diags, bool quiet)
{
	std::size_t e = diags.error_count(), w = diags.warning_count();
	if (!diags.has_errors())
		printf("%s: valid", file);
	else
		printf("%s: invalid, %zu error%s", file, e, e == 1 ? "" : "s");
	if (w > 0)
		printf(", %zu warning%s", w, w == 1 ? "" : "s");
	printf("\n");
	for (const jtl::Diagnostic &d : diags.all()) {
		if (quiet && d.severity == jtl::Severity::Warning)
			continue;
		printf("  %s%s: %s (%s)\n", d.severity == jtl::Severity::Warning ? "warning: " : "",
		       display_path(d.path), d.message.c_str(), d.code.c_str());
	}
	if (diags.dropped() > 0)
		printf("  ... and %zu more not shown\n", diags.dropped());
}

} /* namespace */

int cmd_validate(int argc, char **argv)
{
	gboolean strict = FALSE, json = FALSE, quiet = FALSE;
	gint64 max_bytes = gint64(jtl::JsonLimits().max_bytes);
	g_autofree gchar *missing_illustration = nullptr;
	g_auto(GStrv) files = nullptr;
	const GOptionEntry entries[] = {
	        {"strict", 0, 0, G_OPTION_ARG_NONE, &strict,
	         "Official schema conformance: legacy shorthand and keyframes at the clip "
	         "end are errors",
	         nullptr},
	        {"json", 0, 0, G_OPTION_ARG_NONE, &json,
	         "Print one JSON object per file and line: {file, valid, errors, warnings}",
	         nullptr},
	        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Do not list warnings", nullptr},
	        {"missing-illustration", 0, 0, G_OPTION_ARG_STRING, &missing_illustration,
	         "An illustration name that is not built in: an error (default: rendering "
	         "fails) or, with placeholder, a warning",
	         "error|placeholder"},
	        {"max-bytes", 0, 0, G_OPTION_ARG_INT64, &max_bytes,
	         "Refuse documents larger than BYTES (default 67108864)", "BYTES"},
	        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, nullptr, "FILE…"},
	        {},
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("FILE… - validate editor JSON");
	g_option_context_set_summary(
	        ctx,
	        "Checks each FILE (\"-\" reads standard input) against the Indream editorState "
	        "v1 JSON Schema\nand the editor's rules (track overlaps, keyframe times, asset "
	        "references,\ntransitions). A file may hold a bare editorState or an export "
	        "request wrapping one\n({\"editorState\": {...}, \"fps\": 30, ...}). Each error "
	        "is printed as\n  PATH: MESSAGE (CODE)\nwith PATH a JSON pointer into the file; "
	        "the codes are listed in docs/errors.md.");
	g_option_context_set_description(
	        ctx, "Exit status:\n  0  every file is valid\n  1  at least one file is invalid\n"
	             "  2  usage error, or a file could not be read\n\nExamples:\n"
	             "  jsontimeline validate promo.json\n"
	             "  jsontimeline validate --strict --json a.json b.json\n"
	             "  curl -s https://example.com/state.json | jsontimeline validate -");
	g_option_context_add_main_entries(ctx, entries, nullptr);
	g_autoptr(GError) error = nullptr;
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "jsontimeline validate: %s\nTry 'jsontimeline validate --help'.\n",
		        error->message);
		return EXIT_USAGE;
	}
	if (!files || !files[0]) {
		fprintf(stderr, "jsontimeline validate: no FILE given\n"
		                "Try 'jsontimeline validate --help'.\n");
		return EXIT_USAGE;
	}
	if (max_bytes <= 0) {
		fprintf(stderr, "jsontimeline validate: --max-bytes must be positive\n");
		return EXIT_USAGE;
	}

	jtl::MissingIllustration illustrations;
	if (!missing_illustration_option("validate", missing_illustration, &illustrations))
		return EXIT_USAGE;
	jtl::DialectOptions options;
	options.strict = strict;
	options.limits.max_bytes = std::size_t(max_bytes);
	int status = EXIT_OK;
	for (int i = 0; files[i]; i++) {
		const char *file = files[i];
		const char *shown = g_strcmp0(file, "-") == 0 ? "(stdin)" : file;
		jtl::DialectResult result;
		g_autoptr(GError) io_error = nullptr;
		if (!jtl::load_document_file(file, options, &result, &io_error)) {
			if (json)
				print_json(shown, nullptr, io_error->message);
			fprintf(stderr, "jsontimeline validate: %s\n", io_error->message);
			status = EXIT_USAGE;
			continue;
		}
		/* what rendering would make of illustration names it does not have */
		if (result.timeline)
			jtl::check_illustrations(*result.timeline, illustrations,
			                         &result.diagnostics);
		if (json)
			print_json(shown, &result.diagnostics, nullptr);
		else
			print_human(shown, result.diagnostics, quiet);
		if (!result.valid() && status == EXIT_OK)
			status = EXIT_INVALID;
	}
	fflush(stdout);
	return status;
}
