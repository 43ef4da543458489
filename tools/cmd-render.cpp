// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimeline render: render editor JSON to a video file, with progress.
#include <cstdio>
#include <string>
#include <unistd.h>

#include <glib.h>
#include <gst/gst.h>

#include <jsontimeline/dialect.h>
#include <jsontimeline/render.h>

#include "commands.h"
#include "elements.h"

namespace {

/* A bar on a terminal; otherwise a line each time another tenth is done. */
void print_progress(bool tty, guint64 pos, guint64 dur, int *last)
{
	if (dur == 0)
		return;
	int pct = int(std::min<guint64>(100, pos * 100 / dur));
	if (tty) {
		if (pct == *last)
			return;
		*last = pct;
		int bar = pct * 30 / 100;
		fprintf(stderr, "\r[%.*s%*s] %3d%%  %.1f / %.1f s", bar,
		        "##############################", 30 - bar, "", pct,
		        double(pos) / GST_SECOND, double(dur) / GST_SECOND);
		return;
	}
	for (int tenth = *last < 0 ? 0 : *last / 10 + 1; tenth <= pct / 10; tenth++) {
		fprintf(stderr, "%d%%\n", tenth * 10);
		*last = tenth * 10;
	}
}

} /* namespace */

int cmd_render(int argc, char **argv)
{
	/* -o rtmp://...: a live stream, with the options of `jsontimeline stream` */
	if (output_is_live(argc, argv))
		return cmd_stream(argc, argv);
	g_autofree gchar *output = nullptr, *format = nullptr, *preset = nullptr,
	                 *cache_dir = nullptr;
	gdouble fetch_timeout = -1.0;
	gint64 cache_max_mib = 0, memory_limit_mib = 0;
	gboolean refuse_private = FALSE;
	g_auto(GStrv) allow_hosts = nullptr;
	g_autofree gchar *asset_root = nullptr, *trace_items = nullptr;
	gint fps = 0, width = 0, height = 0, quality = 23;
	gdouble scale = 0.0, start = 0.0, end = -1.0, frame_at = -1.0;
	gint gif_max_width = 640;
	gboolean quiet = FALSE, verbose = FALSE, alpha = FALSE;
	g_autofree gchar *missing_illustration = nullptr;
	g_auto(GStrv) files = nullptr;
	const GOptionEntry entries[] = {
	        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
	         "Write the video, animation, picture or sound to OUT (required)", "OUT"},
	        {"format", 'f', 0, G_OPTION_ARG_STRING, &format,
	         "mp4, webm (VP9), webm-vp8, gif, png, jpeg, mp3, m4a or aac; default: from "
	         "OUT's extension",
	         "FORMAT"},
	        {"alpha", 0, 0, G_OPTION_ARG_NONE, &alpha,
	         "Keep the alpha channel (webm, webm-vp8, png; globalBackground none)", nullptr},
	        {"frame-at", 0, 0, G_OPTION_ARG_DOUBLE, &frame_at,
	         "png/jpeg: the frame shown at this time of the timeline (default 0)", "SECONDS"},
	        {"gif-max-width", 0, 0, G_OPTION_ARG_INT, &gif_max_width,
	         "gif: scale wider frames down to this width (default 640; 0: never)", "PX"},
	        {"fps", 0, 0, G_OPTION_ARG_INT, &fps,
	         "Frames per second: 30 or 60 (default: the "
	         "request's fps, else 30)",
	         "FPS"},
	        {"scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale,
	         "Output size = composition size x SCALE, 0.6 to 8 (default: the request's scale, "
	         "else 1)",
	         "SCALE"},
	        {"width", 0, 0, G_OPTION_ARG_INT, &width, "Composition width override", "PX"},
	        {"height", 0, 0, G_OPTION_ARG_INT, &height, "Composition height override", "PX"},
	        {"quality", 0, 0, G_OPTION_ARG_INT, &quality,
	         "Constant quality, lower is better: 0 to 51 (default 23)", "Q"},
	        {"preset", 0, 0, G_OPTION_ARG_STRING, &preset,
	         "x264 speed preset: ultrafast ... veryslow (default veryfast)", "NAME"},
	        {"start", 0, 0, G_OPTION_ARG_DOUBLE, &start,
	         "Render from this time of the timeline, in seconds (default 0)", "SECONDS"},
	        {"end", 0, 0, G_OPTION_ARG_DOUBLE, &end,
	         "Render up to this time of the timeline, in seconds (default: its end)",
	         "SECONDS"},
	        {"cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &cache_dir,
	         "Where remote (http/https) assets are downloaded, once per URL (default: "
	         "$XDG_CACHE_HOME/jsontimeline/remote)",
	         "DIR"},
	        {"fetch-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &fetch_timeout,
	         "Time limit for downloading one remote asset, seconds (default 120; 0: none)",
	         "SECONDS"},
	        {"memory-limit", 0, 0, G_OPTION_ARG_INT64, &memory_limit_mib,
	         "Memory the render may use, MiB: a render estimated to need more is refused "
	         "before it starts (default 0: the address-space limit alone)",
	         "MIB"},
	        {"cache-max-mib", 0, 0, G_OPTION_ARG_INT64, &cache_max_mib,
	         "Bound of the remote asset cache: past it the files used longest ago are "
	         "deleted (default 2048)",
	         "MIB"},
	        {"refuse-private", 0, 0, G_OPTION_ARG_NONE, &refuse_private,
	         "Refuse to download assets from loopback, private, link-local and metadata "
	         "addresses (checked at connect time)",
	         nullptr},
	        {"allow-host", 0, 0, G_OPTION_ARG_STRING_ARRAY, &allow_hosts,
	         "A host --refuse-private lets through (repeatable)", "HOST"},
	        {"asset-root", 0, 0, G_OPTION_ARG_FILENAME, &asset_root,
	         "Local asset files must be inside DIR (links followed)", "DIR"},
	        {"missing-illustration", 0, 0, G_OPTION_ARG_STRING, &missing_illustration,
	         MISSING_ILLUSTRATION_HELP, "error|placeholder"},
	        {"trace-items", 0, 0, G_OPTION_ARG_FILENAME, &trace_items,
	         "Write one JSON line per frame to FILE: the items drawn and the items the "
	         "document shows then (to check a render)",
	         "FILE"},
	        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress output", nullptr},
	        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
	         "Also print how many item branches the graph built and held at once, and "
	         "GStreamer's debug text with errors and warnings",
	         nullptr},
	        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, nullptr, "FILE"},
	        {},
	};
	g_autoptr(GOptionContext) ctx =
	        g_option_context_new("FILE - render editor JSON to a video, GIF, picture or sound");
	g_option_context_set_summary(
	        ctx, "Renders FILE (an editorState or an export request wrapping one) to OUT.\n"
	             "The file is written as OUT.part and renamed when complete: a failed or\n"
	             "interrupted render never leaves a broken file under the name OUT.");
	g_option_context_set_description(
	        ctx, "Exit status:\n  0  the video was written\n  1  the document is invalid or "
	             "the render failed\n  2  usage error, or FILE cannot be read\n\nExample:\n"
	             "  jsontimeline render promo.json -o promo.mp4 --fps 60 --scale 0.75\n"
	             "  jsontimeline render promo.json -o cover.png --frame-at 2.5\n"
	             "  jsontimeline render overlay.json -o overlay.webm --alpha");
	g_option_context_add_main_entries(ctx, entries, nullptr);
	g_option_context_add_group(ctx, gst_init_get_option_group());
	g_autoptr(GError) error = nullptr;
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "jsontimeline render: %s\nTry 'jsontimeline render --help'.\n",
		        error->message);
		return EXIT_USAGE;
	}
	if (!files || !files[0] || files[1] || !output) {
		fprintf(stderr, "jsontimeline render: give exactly one FILE and -o OUT\n"
		                "Try 'jsontimeline render --help'.\n");
		return EXIT_USAGE;
	}
	if (!check_numbers("render",
	                   {{"--scale", scale, 0.6, 8.0, 0.0},
	                    {"--width", double(width), 0, kMaxCompositionSide},
	                    {"--height", double(height), 0, kMaxCompositionSide},
	                    {"--quality", double(quality), 0, 51},
	                    {"--gif-max-width", double(gif_max_width), 0, kMaxCompositionSide},
	                    {"--start", start, 0, kMaxSeconds},
	                    {"--end", end, 0, kMaxSeconds, -1.0},
	                    {"--frame-at", frame_at, 0, kMaxSeconds, -1.0},
	                    {"--fetch-timeout", fetch_timeout, 0, kMaxSeconds, -1.0},
	                    {"--cache-max-mib", double(cache_max_mib), 0, 1e12},
	                    {"--memory-limit", double(memory_limit_mib), 0, 1e12}}))
		return EXIT_USAGE;
	jtl::RenderOptions o;
	o.input = files[0];
	o.output = output;
	if (format) {
		o.format = format;
	} else if (const char *f = jtl::render_format_for_path(output)) {
		o.format = f;
	} else {
		fprintf(stderr,
		        "jsontimeline render: cannot tell the format from the name %s: use one of "
		        ".mp4 .webm .gif .png .jpg .jpeg .mp3 .m4a .aac, or give --format\n",
		        output);
		return EXIT_USAGE;
	}
	o.alpha = alpha;
	o.debug = verbose;
	o.frame_at = frame_at;
	o.gif_max_width = gif_max_width;
	o.fps = fps;
	o.scale = scale;
	o.width = width;
	o.height = height;
	o.quality = quality;
	o.preset = preset ? preset : "veryfast";
	o.cache_dir = cache_dir ? cache_dir : "";
	o.fetch_timeout = fetch_timeout;
	o.cache_max_bytes = uint64_t(cache_max_mib) << 20;
	o.memory_limit = uint64_t(memory_limit_mib) << 20;
	o.refuse_private = refuse_private;
	for (char **h = allow_hosts; h && *h; h++)
		o.allow_hosts.push_back(*h);
	o.asset_root = asset_root ? asset_root : "";
	if (!missing_illustration_option("render", missing_illustration, &o.missing_illustration))
		return EXIT_USAGE;
	o.trace_items = trace_items ? trace_items : "";
	if (end >= 0 && end <= start) {
		fprintf(stderr, "jsontimeline render: --end must be after --start\n");
		return EXIT_USAGE;
	}
	o.start = GstClockTime(start * GST_SECOND + 0.5);
	o.stop = end >= 0 ? GstClockTime(end * GST_SECOND + 0.5) : GST_CLOCK_TIME_NONE;
	if (fps != 0 && fps != 30 && fps != 60) {
		fprintf(stderr, "jsontimeline render: --fps must be 30 or 60\n");
		return EXIT_USAGE;
	}
	g_autoptr(GError) usage = nullptr;
	if (!jtl::check_render_options(o, nullptr, &usage)) {
		fprintf(stderr, "jsontimeline render: %s\n", usage->message);
		return EXIT_USAGE;
	}

	jtl::DialectResult doc;
	int code = prepare_document("render", o.input.c_str(), &doc);
	if (code >= 0)
		return code;
	if (!jtl::check_render_options(o, doc.timeline.get(), &usage)) {
		fprintf(stderr, "jsontimeline render: %s\n", usage->message);
		return EXIT_USAGE;
	}

	bool tty = isatty(STDERR_FILENO);
	int last = -1;
	jtl::RenderProgress progress;
	if (!quiet)
		progress = [&](guint64 pos, guint64 dur) { print_progress(tty, pos, dur, &last); };
	g_autoptr(GError) render_error = nullptr;
	jtl::RenderStats stats;
	bool ok = jtl::render_file(o, progress, &render_error, &stats);
	if (!quiet && tty && last >= 0)
		fprintf(stderr, "\n");
	for (const std::string &w : stats.warnings)
		fprintf(stderr, "jsontimeline render: warning: %s\n", w.c_str());
	if (!ok) {
		fprintf(stderr, "jsontimeline render: %s\n", render_error->message);
		return EXIT_INVALID;
	}
	if (verbose)
		fprintf(stderr, "%u item branches built, at most %u alive at once\n",
		        stats.branches_built, stats.max_live_branches);
	if (!quiet)
		fprintf(stderr, "wrote %s\n", output);
	return EXIT_OK;
}
