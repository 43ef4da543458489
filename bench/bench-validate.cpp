// SPDX-License-Identifier: LGPL-2.1-or-later
// Benchmark: validating editor JSON, against plain json-glib parsing measured in the same run.
//
// Usage: bench-validate [FILE] [ITERATIONS]   (default: the largest official example, 1000)
// Prints the time per document of (a) json-glib parsing alone (the reference) and (b) the
// full load: pre-scan, parse, schema and semantic validation, model building; and their
// ratio, so results compare across machines.
#include <cstdio>
#include <string>

#include <glib.h>
#include <json-glib/json-glib.h>

#include <jsontimeline/editorstate.h>

static double seconds_since(gint64 start)
{
	return double(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
}

int main(int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] : JTL_BENCH_DEFAULT_FILE;
	int iterations = argc > 2 ? atoi(argv[2]) : 1000;
	g_autofree gchar *text = nullptr;
	gsize len = 0;
	g_autoptr(GError) error = nullptr;
	if (!g_file_get_contents(file, &text, &len, &error) || iterations <= 0) {
		fprintf(stderr, "bench-validate: %s\n", error ? error->message : "bad arguments");
		return 2;
	}
	/* warm up: compile the schema once, as a long-lived process would */
	jtl::EditorStateResult warm = jtl::load_editor_state(std::string_view(text, len));
	if (!warm.valid())
		fprintf(stderr, "bench-validate: note: %s is invalid (%zu errors)\n", file,
		        warm.diagnostics.error_count());

	gint64 t0 = g_get_monotonic_time();
	for (int i = 0; i < iterations; i++) {
		g_autoptr(JsonParser) p = json_parser_new();
		if (!json_parser_load_from_data(p, text, gssize(len), nullptr))
			return 1;
	}
	double parse = seconds_since(t0);

	t0 = g_get_monotonic_time();
	std::size_t valid = 0;
	for (int i = 0; i < iterations; i++)
		valid += jtl::load_editor_state(std::string_view(text, len)).valid();
	double full = seconds_since(t0);

	printf("document            %s (%zu bytes)\n", file, std::size_t(len));
	printf("iterations          %d (valid %zu)\n", iterations, valid);
	printf("json-glib parse     %.3f s total, %.1f us/doc (reference)\n", parse,
	       parse * 1e6 / iterations);
	printf("jsontimeline load   %.3f s total, %.1f us/doc\n", full, full * 1e6 / iterations);
	printf("ratio load/parse    %.2f\n", full / parse);
	return 0;
}
