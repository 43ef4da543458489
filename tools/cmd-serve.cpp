// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimeline serve: run the HTTP export service (argument parsing only; see lib/ serve.h).
#include <algorithm>
#include <cstdio>
#include <string>

#include <glib.h>

#include <jsontimeline/serve.h>

#include "commands.h"

int cmd_serve(int argc, char **argv)
{
	g_autofree char *listen = nullptr;
	g_autofree char *data_dir = nullptr;
	g_autofree char *keys_file = nullptr;
	int workers = 0;
	int download_ttl = 3600;
	gint64 max_upload = 512 * 1024 * 1024;
	gboolean queue_only = FALSE;
	g_autofree char *public_url = nullptr;
	g_autofree char *render_program = nullptr;
	double timeout_base = 60.0, timeout_factor = 30.0, timeout_max = 6 * 3600.0;
	int max_connections = 0, header_timeout = 10, idle_timeout = 60;
	g_autofree char *metrics_token_file = nullptr;
	g_auto(GStrv) allow_hosts = nullptr;
	g_autofree char *webhook_schedule = nullptr;
	g_autofree char *missing_illustration = nullptr;
	int rate_limit = 1200, memory_mib = 8192, max_active = 2, sync_rate_limit = 60;
	gint64 cache_max_mib = 2048;
	double retention_hours = 24;
	GOptionEntry entries[] = {
	        {"listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
	         "Address to listen on (default 127.0.0.1:8080; port 0: any free port)",
	         "HOST:PORT"},
	        {"data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
	         "Directory of the task database, outputs and secrets (default: "
	         "./jsontimeline-data)",
	         "DIR"},
	        {"keys-file", 'k', 0, G_OPTION_ARG_FILENAME, &keys_file,
	         "API keys, one '<api-key> [<webhook-secret>]' a line; without it a key is "
	         "generated and printed once",
	         "FILE"},
	        {"workers", 'w', 0, G_OPTION_ARG_INT, &workers,
	         "Renders at once (default: half the cores, at least 1)", "N"},
	        {"download-ttl", 0, 0, G_OPTION_ARG_INT, &download_ttl,
	         "Lifetime of a signed download link, seconds (default 3600)", "SECONDS"},
	        {"max-upload-bytes", 0, 0, G_OPTION_ARG_INT64, &max_upload,
	         "Largest file POST /v1/uploads accepts (default 536870912, 512 MiB)", "BYTES"},
	        {"public-url", 0, 0, G_OPTION_ARG_STRING, &public_url,
	         "Start of the download links (default: the address the client used)", "URL"},
	        {"queue-only", 0, 0, G_OPTION_ARG_NONE, &queue_only,
	         "Accept and store tasks, start no render (they run at a later start)", nullptr},
	        {"render-program", 0, 0, G_OPTION_ARG_FILENAME, &render_program,
	         "Program run as 'PROGRAM render DOC -o OUTPUT' for each export (default: this "
	         "one)",
	         "PATH"},
	        {"render-timeout-base", 0, 0, G_OPTION_ARG_DOUBLE, &timeout_base,
	         "Time limit of a render: this many seconds (default 60) ...", "SECONDS"},
	        {"render-timeout-factor", 0, 0, G_OPTION_ARG_DOUBLE, &timeout_factor,
	         "... plus this many times the timeline's duration (default 30)", "X"},
	        {"render-timeout-max", 0, 0, G_OPTION_ARG_DOUBLE, &timeout_max,
	         "... and at most this many seconds (default 21600, 6 hours)", "SECONDS"},
	        {"max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections,
	         "Connections open at once; more are answered 503 and closed (default 0: half "
	         "the open-file limit, at most 1024)",
	         "N"},
	        {"header-timeout", 0, 0, G_OPTION_ARG_INT, &header_timeout,
	         "Seconds a connection has to send a complete request head (default 10)",
	         "SECONDS"},
	        {"idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout,
	         "Seconds a connection may stay silent while a read or write waits on it "
	         "(default 60)",
	         "SECONDS"},
	        {"metrics-token-file", 0, 0, G_OPTION_ARG_FILENAME, &metrics_token_file,
	         "File whose first line is the operator's token: GET /metrics with "
	         "'Authorization: Bearer TOKEN' shows the service's counts (an API key sees "
	         "only its own)",
	         "FILE"},
	        {"retention", 0, 0, G_OPTION_ARG_DOUBLE, &retention_hours,
	         "Hours a finished export's output is kept (default 24; 0: forever); then its "
	         "outputUrl is null and old links answer 410",
	         "HOURS"},
	        {"render-memory", 0, 0, G_OPTION_ARG_INT, &memory_mib,
	         "Memory limit of one render, MiB of address space (default 8192; 0: none)", "MIB"},
	        {"rate-limit", 0, 0, G_OPTION_ARG_INT, &rate_limit,
	         "Requests a minute per API key before 429 with Retry-After (default 1200; 0: "
	         "no limit)",
	         "N"},
	        {"sync-rate-limit", 0, 0, G_OPTION_ARG_INT, &sync_rate_limit,
	         "Syncs a minute of one project before 429 OPEN_API_PROJECT_SYNC_RATE_LIMITED "
	         "(default 60; 0: no limit)",
	         "N"},
	        {"max-active", 0, 0, G_OPTION_ARG_INT, &max_active,
	         "Export tasks of one API key PENDING or PROCESSING at once; one more answers "
	         "422 (default 2; 0: no limit)",
	         "N"},
	        {"cache-max-mib", 0, 0, G_OPTION_ARG_INT64, &cache_max_mib,
	         "Bound of the renders' remote asset cache (DIR/cache): past it the files used "
	         "longest ago are deleted (default 2048)",
	         "MIB"},
	        {"allow-host", 0, 0, G_OPTION_ARG_STRING_ARRAY, &allow_hosts,
	         "Let media fetches and callbacks reach this host even when it is private "
	         "(repeatable; e.g. 127.0.0.1 for local testing)",
	         "HOST"},
	        {"missing-illustration", 0, 0, G_OPTION_ARG_STRING, &missing_illustration,
	         "What every export makes of an illustration name that is not built in: "
	         "error (default: the task fails) or placeholder (its box, with a warning in "
	         "the task's log)",
	         "error|placeholder"},
	        {"webhook-schedule", 0, 0, G_OPTION_ARG_STRING, &webhook_schedule,
	         "Seconds before each webhook retry, comma-separated (default 10,30,120,600,"
	         "1800,3600,7200,14400,28800,28800)",
	         "S,S,..."},
	        {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr},
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- run the HTTP export service");
	g_option_context_set_description(
	        ctx, "Serves the Indream Open API routes /v1/exports, /v1/projects, /v1/uploads,\n"
	             "/v1/assets, /v1/editor/validate, /v1/editor/capabilities and\n"
	             "/v1/illustrations, plus /healthz, /metrics and\n"
	             "/openapi.yaml. Renders run as child processes of this program.\n"
	             "See docs/service.md.");
	g_option_context_add_main_entries(ctx, entries, nullptr);
	g_autoptr(GError) error = nullptr;
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "jsontimeline serve: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (!data_dir)
		data_dir = g_strdup("jsontimeline-data"); /* zero set-up: here */
	if (argc > 1) {
		fprintf(stderr, "jsontimeline serve: no arguments expected\n");
		return EXIT_USAGE;
	}
	/* each option's range (the service's own limits are its business: these only keep
	 * out what is no number or no sense) */
	if (!check_numbers("serve", {{"--workers", double(workers), 0, 1024},
	                             {"--download-ttl", double(download_ttl), 1, G_MAXINT},
	                             {"--max-upload-bytes", double(max_upload), 1, 1e15},
	                             {"--render-timeout-base", timeout_base, 1, 1e7},
	                             {"--render-timeout-factor", timeout_factor, 0, 1e4},
	                             {"--render-timeout-max", timeout_max, 1, 1e7},
	                             {"--max-connections", double(max_connections), 0, G_MAXINT},
	                             {"--header-timeout", double(header_timeout), 1, 86400},
	                             {"--idle-timeout", double(idle_timeout), 1, 86400},
	                             {"--rate-limit", double(rate_limit), 0, G_MAXINT},
	                             {"--sync-rate-limit", double(sync_rate_limit), 0, G_MAXINT},
	                             {"--max-active", double(max_active), 0, G_MAXINT},
	                             {"--retention", retention_hours, 0, 1e6},
	                             {"--render-memory", double(memory_mib), 0, 1 << 30}}))
		return EXIT_USAGE;
	jtl::ServeOptions o;
	if (listen)
		o.listen = listen;
	o.data_dir = data_dir;
	o.workers = workers;
	o.download_ttl_seconds = download_ttl;
	o.queue_only = queue_only;
	o.max_upload_bytes = std::size_t(max_upload);
	if (public_url) {
		o.public_url = public_url;
		while (!o.public_url.empty() && o.public_url.back() == '/')
			o.public_url.pop_back();
	}
	g_autofree char *self = g_file_read_link("/proc/self/exe", nullptr);
	o.render_program = render_program ? render_program : self ? self : argv[0];
	o.rate_limit_per_minute = rate_limit;
	o.sync_rate_limit_per_minute = sync_rate_limit;
	o.max_active_per_key = max_active;
	o.render_memory_mib = std::max(0, memory_mib);
	if (cache_max_mib < 1 || cache_max_mib > (gint64(1) << 40)) {
		fprintf(stderr, "jsontimeline serve: --cache-max-mib must be 1 to 2^40\n");
		return EXIT_USAGE;
	}
	o.cache_max_mib = cache_max_mib;
	if (!missing_illustration_option("serve", missing_illustration, &o.missing_illustration))
		return EXIT_USAGE;
	o.retention_seconds = retention_hours * 3600;
	for (char **h = allow_hosts; h && *h; h++)
		o.allow_hosts.push_back(*h);
	if (webhook_schedule) {
		g_auto(GStrv) parts = g_strsplit(webhook_schedule, ",", -1);
		for (char **p = parts; *p; p++) {
			char *end = nullptr;
			double v = g_ascii_strtod(*p, &end);
			if (end == *p || *end || v <= 0) {
				fprintf(stderr,
				        "jsontimeline serve: --webhook-schedule wants positive "
				        "seconds separated by commas\n");
				return EXIT_USAGE;
			}
			o.webhook_schedule.push_back(v);
		}
	}
	o.render_timeout_base = timeout_base;
	o.render_timeout_factor = timeout_factor;
	o.render_timeout_max = timeout_max;
	o.max_connections = max_connections;
	o.header_timeout_seconds = header_timeout;
	o.idle_timeout_seconds = idle_timeout;
	if (metrics_token_file) {
		g_autofree char *text = nullptr;
		if (!g_file_get_contents(metrics_token_file, &text, nullptr, nullptr)) {
			fprintf(stderr, "jsontimeline serve: cannot read %s\n", metrics_token_file);
			return EXIT_USAGE;
		}
		g_auto(GStrv) lines = g_strsplit(text, "\n", 2);
		o.metrics_token = lines[0] ? g_strstrip(lines[0]) : "";
		if (o.metrics_token.size() < 16) {
			fprintf(stderr,
			        "jsontimeline serve: the metrics token must hold at least 16 "
			        "characters\n");
			return EXIT_USAGE;
		}
	}
	g_autoptr(GError) failure = nullptr;
	if (keys_file) {
		if (!jtl::load_api_keys(keys_file, &o.keys, &failure)) {
			fprintf(stderr, "jsontimeline serve: %s\n", failure->message);
			return EXIT_USAGE;
		}
	} else {
		std::string generated;
		if (!jtl::ensure_generated_key(o.data_dir, &o.keys, &generated, &failure)) {
			fprintf(stderr, "jsontimeline serve: %s\n", failure->message);
			return EXIT_USAGE;
		}
		if (!generated.empty()) {
			printf("API key (shown once, only its hash is kept): %s\n",
			       generated.c_str());
			fflush(stdout);
		}
	}
	if (!jtl::run_server(o, &failure)) {
		fprintf(stderr, "jsontimeline serve: %s\n", failure->message);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_keys(int argc, char **argv)
{
	g_autofree char *data_dir = nullptr;
	g_autofree char *keys_file = nullptr;
	GOptionEntry entries[] = {
	        {"data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
	         "The service's data directory (its secret derives the webhook secrets)", "DIR"},
	        {"keys-file", 'k', 0, G_OPTION_ARG_FILENAME, &keys_file,
	         "The keys file: one \"<api-key> [<webhook-secret>]\" per line", "FILE"},
	        {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr},
	};
	g_autoptr(GOptionContext) ctx =
	        g_option_context_new("- show each key's id and webhook secret");
	g_option_context_set_description(
	        ctx, "A key without a webhook secret in the keys file signs its webhooks with one\n"
	             "derived from the service's secret (DIR/secret): this prints it, one line\n"
	             "per key: <key id> <webhook secret> (given|derived).");
	g_option_context_add_main_entries(ctx, entries, nullptr);
	g_autoptr(GError) error = nullptr;
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc > 1 || !data_dir ||
	    !keys_file) {
		fprintf(stderr, "jsontimeline keys: %s\n",
		        error ? error->message : "--data-dir and --keys-file are required");
		return EXIT_USAGE;
	}
	std::vector<jtl::ApiKey> keys;
	std::string secret;
	if (!jtl::load_api_keys(keys_file, &keys, &error) ||
	    !jtl::server_secret(data_dir, &secret, &error)) {
		fprintf(stderr, "jsontimeline keys: %s\n", error->message);
		return EXIT_USAGE;
	}
	for (const jtl::ApiKey &k : keys)
		printf("%s %s %s\n", k.id.c_str(),
		       k.webhook_secret.empty() ? jtl::derived_webhook_secret(secret, k.id).c_str()
		                                : k.webhook_secret.c_str(),
		       k.webhook_secret.empty() ? "derived" : "given");
	return EXIT_OK;
}
