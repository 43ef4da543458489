// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimeline stream / preview: real-time output of editor JSON (RTMP, or the screen).
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

#include <glib.h>
#include <gst/gst.h>

#include <jsontimeline/dialect.h>
#include <jsontimeline/live.h>

#include "commands.h"
#include "elements.h"
#include "live-input.h"

namespace {

/* The options both commands share: the source's. */
struct SourceArgs {
	gint fps = 0, width = 0, height = 0;
	gdouble scale = 1.0, start = 0.0, fetch_timeout = -1.0;
	gchar *cache_dir = nullptr, *patches = nullptr, *missing_illustration = nullptr;
	~SourceArgs()
	{
		g_free(cache_dir);
		g_free(patches);
		g_free(missing_illustration);
	}

	void add(std::vector<GOptionEntry> *e)
	{
		e->push_back({"fps", 0, 0, G_OPTION_ARG_INT, &fps,
		              "Frames per second: 30 or 60 (default: the request's fps, else 30)",
		              "FPS"});
		e->push_back({"scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale,
		              "Output size = composition size x SCALE, 0.1 to 8 (default 1)",
		              "SCALE"});
		e->push_back({"width", 0, 0, G_OPTION_ARG_INT, &width, "Composition width override",
		              "PX"});
		e->push_back({"height", 0, 0, G_OPTION_ARG_INT, &height,
		              "Composition height override", "PX"});
		e->push_back({"start", 0, 0, G_OPTION_ARG_DOUBLE, &start,
		              "Start at this time of the timeline, in seconds (default 0)",
		              "SECONDS"});
		e->push_back({"cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &cache_dir,
		              "Where remote (http/https) assets are downloaded", "DIR"});
		e->push_back({"fetch-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &fetch_timeout,
		              "Time limit for downloading one remote asset, seconds", "SECONDS"});
		e->push_back({"patches", 0, 0, G_OPTION_ARG_FILENAME, &patches,
		              "Change the document while it plays: JSON merge patches, one object "
		              "per line, read from FILE or a named pipe (- : standard input)",
		              "FILE"});
		e->push_back({"missing-illustration", 0, 0, G_OPTION_ARG_STRING,
		              &missing_illustration, MISSING_ILLUSTRATION_HELP,
		              "error|placeholder"});
	}

	/* false after printing a usage error */
	bool fill(const char *cmd, const char *path, jtl::TimelineInput *in) const
	{
		if (fps != 0 && fps != 30 && fps != 60) {
			fprintf(stderr, "jsontimeline %s: --fps must be 30 or 60\n", cmd);
			return false;
		}
		if (!check_numbers(cmd, {{"--scale", scale, 0.1, 8.0},
		                         {"--width", double(width), 0, kMaxCompositionSide},
		                         {"--height", double(height), 0, kMaxCompositionSide},
		                         {"--start", start, 0, kMaxSeconds},
		                         {"--fetch-timeout", fetch_timeout, 0, kMaxSeconds, -1.0}}))
			return false;
		if (!missing_illustration_option(cmd, missing_illustration,
		                                 &in->missing_illustration))
			return false;
		in->input = path;
		in->fps = fps;
		in->scale = scale;
		in->width = width;
		in->height = height;
		in->cache_dir = cache_dir ? cache_dir : "";
		in->fetch_timeout = fetch_timeout;
		in->patches = patches ? patches : "";
		return true;
	}
};

bool parse(const char *cmd, GOptionContext *ctx, int *argc, char ***argv)
{
	g_option_context_add_group(ctx, gst_init_get_option_group());
	g_autoptr(GError) error = nullptr;
	if (!g_option_context_parse(ctx, argc, argv, &error)) {
		fprintf(stderr, "jsontimeline %s: %s\nTry 'jsontimeline %s --help'.\n", cmd,
		        error->message, cmd);
		return false;
	}
	return true;
}

} /* namespace */

bool output_is_live(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc)
			return jtl::is_live_url(argv[i + 1]);
		if (g_str_has_prefix(a, "--output="))
			return jtl::is_live_url(a + strlen("--output="));
		if (g_str_has_prefix(a, "-o") && a[2])
			return jtl::is_live_url(a + 2);
	}
	return false;
}

int cmd_stream(int argc, char **argv)
{
	g_autofree gchar *output = nullptr, *preset = nullptr;
	gint kbps = 4000, audio_kbps = 128, max_reconnects = -1;
	gboolean loop = FALSE, quiet = FALSE;
	g_auto(GStrv) files = nullptr;
	SourceArgs src;
	std::vector<GOptionEntry> entries = {
	        {"output", 'o', 0, G_OPTION_ARG_STRING, &output,
	         "The RTMP server: rtmp://HOST[:PORT]/APP/KEY or rtmps://... (required)", "URL"},
	        {"loop", 0, 0, G_OPTION_ARG_NONE, &loop,
	         "Repeat the timeline without a gap until stopped (Ctrl-C or SIGTERM)", nullptr},
	        {"bitrate", 0, 0, G_OPTION_ARG_INT, &kbps,
	         "Video bitrate, kbit/s, 100 to 50000 (default 4000)", "KBPS"},
	        {"audio-bitrate", 0, 0, G_OPTION_ARG_INT, &audio_kbps,
	         "AAC bitrate, kbit/s, 32 to 320 (default 128)", "KBPS"},
	        {"preset", 0, 0, G_OPTION_ARG_STRING, &preset,
	         "x264 speed preset: ultrafast ... veryslow (default veryfast)", "NAME"},
	        {"max-reconnects", 0, 0, G_OPTION_ARG_INT, &max_reconnects,
	         "Give up after N failed reconnections in a row (default: never; 0: exit on "
	         "the first lost connection)",
	         "N"},
	        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
	         "Only errors (no connection and loop events)", nullptr},
	};
	src.add(&entries);
	entries.push_back(
	        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, nullptr, "FILE"});
	entries.push_back({});
	g_autoptr(GOptionContext) ctx =
	        g_option_context_new("FILE - stream editor JSON live to an RTMP server");
	g_option_context_set_summary(
	        ctx, "Sends FILE as H.264 + AAC in FLV to an RTMP server, in real time (a 10 s\n"
	             "timeline takes 10 s). When the server drops the connection, it reconnects\n"
	             "after 1, 2, 4 ... up to 30 s and resumes where the timeline stopped.\n"
	             "'jsontimeline render FILE -o rtmp://...' does the same.");
	g_option_context_set_description(
	        ctx,
	        "Exit status:\n  0  the timeline was sent (or the stream was stopped by a "
	        "signal)\n  1  the document is invalid, the render failed, or the server "
	        "could not be reached again\n  2  usage error, or FILE cannot be read\n\n"
	        "Example:\n  jsontimeline stream promo.json -o rtmp://live.example.com/app/KEY "
	        "--loop");
	g_option_context_add_main_entries(ctx, entries.data(), nullptr);
	if (!parse("stream", ctx, &argc, &argv))
		return EXIT_USAGE;
	if (!files || !files[0] || files[1] || !output) {
		fprintf(stderr, "jsontimeline stream: give exactly one FILE and -o URL\n"
		                "Try 'jsontimeline stream --help'.\n");
		return EXIT_USAGE;
	}
	jtl::LiveOptions o;
	if (!src.fill("stream", files[0], &o.source))
		return EXIT_USAGE;
	if (!jtl::is_live_url(output)) {
		fprintf(stderr, "jsontimeline stream: -o must be an rtmp:// or rtmps:// URL\n");
		return EXIT_USAGE;
	}
	if (!check_numbers("stream",
	                   {{"--bitrate", double(kbps), 100, 50000},
	                    {"--audio-bitrate", double(audio_kbps), 32, 320},
	                    {"--max-reconnects", double(max_reconnects), 0, G_MAXINT, -1.0}}))
		return EXIT_USAGE;
	o.url = output;
	o.video_kbps = kbps;
	o.audio_kbps = audio_kbps;
	o.preset = preset ? preset : "veryfast";
	o.loop = loop;
	o.max_reconnects = max_reconnects;
	o.start = GstClockTime(src.start * GST_SECOND + 0.5);
	int code = prepare_document("stream", files[0], nullptr);
	if (code >= 0)
		return code;

	jtl::LiveControl control;
	LiveInput input(&control, false);
	jtl::LiveLog log;
	if (!quiet)
		log = [](const std::string &line) {
			fprintf(stderr, "jsontimeline stream: %s\n", line.c_str());
		};
	jtl::LiveStats stats;
	g_autoptr(GError) error = nullptr;
	bool ok = jtl::stream_live(o, log, &error, &control, &stats);
	if (!ok) {
		fprintf(stderr, "jsontimeline stream: %s\n", error->message);
		return EXIT_INVALID;
	}
	if (!quiet)
		fprintf(stderr,
		        "jsontimeline stream: sent %" G_GUINT64_FORMAT " frames (%" G_GUINT64_FORMAT
		        " dropped late) over %u connection%s, %u loop%s; timeline at %.2f s\n",
		        stats.frames, stats.dropped, stats.connections,
		        stats.connections == 1 ? "" : "s", stats.loops, stats.loops == 1 ? "" : "s",
		        double(stats.position) / GST_SECOND);
	return EXIT_OK;
}

int cmd_preview(int argc, char **argv)
{
	g_autofree gchar *video_sink = nullptr, *audio_sink = nullptr;
	gboolean quiet = FALSE;
	g_auto(GStrv) files = nullptr;
	SourceArgs src;
	std::vector<GOptionEntry> entries = {
	        {"video-sink", 0, 0, G_OPTION_ARG_STRING, &video_sink,
	         "Video sink, gst-launch syntax (default: $JTL_PREVIEW_VIDEO_SINK, else "
	         "autovideosink)",
	         "SINK"},
	        {"audio-sink", 0, 0, G_OPTION_ARG_STRING, &audio_sink,
	         "Audio sink (default: $JTL_PREVIEW_AUDIO_SINK, else autoaudiosink)", "SINK"},
	        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No position line", nullptr},
	};
	src.add(&entries);
	entries.push_back(
	        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, nullptr, "FILE"});
	entries.push_back({});
	g_autoptr(GOptionContext) ctx = g_option_context_new("FILE - play editor JSON");
	g_option_context_set_summary(
	        ctx, "Plays FILE in real time on the screen and the speakers. Keys, when the\n"
	             "terminal allows: space pause/resume, left/right arrows seek -/+5 s, q quit.");
	g_option_context_set_description(
	        ctx, "Exit status:\n  0  played to the end, or quit\n  1  the document is "
	             "invalid or playing failed\n  2  usage error, or FILE cannot be read\n\n"
	             "Example:\n  jsontimeline preview promo.json --scale 0.5");
	g_option_context_add_main_entries(ctx, entries.data(), nullptr);
	if (!parse("preview", ctx, &argc, &argv))
		return EXIT_USAGE;
	if (!files || !files[0] || files[1]) {
		fprintf(stderr, "jsontimeline preview: give exactly one FILE\n"
		                "Try 'jsontimeline preview --help'.\n");
		return EXIT_USAGE;
	}
	jtl::PreviewOptions o;
	if (!src.fill("preview", files[0], &o.source))
		return EXIT_USAGE;
	o.start = GstClockTime(src.start * GST_SECOND + 0.5);
	const char *env_v = g_getenv("JTL_PREVIEW_VIDEO_SINK");
	const char *env_a = g_getenv("JTL_PREVIEW_AUDIO_SINK");
	o.video_sink = video_sink ? video_sink : env_v ? env_v : "";
	o.audio_sink = audio_sink ? audio_sink : env_a ? env_a : "";
	int code = prepare_document("preview", files[0], nullptr);
	if (code >= 0)
		return code;

	jtl::LiveControl control;
	/* keys come from a terminal on standard input, unless it carries the patches */
	LiveInput input(&control, o.source.patches != "-");
	if (!quiet)
		o.log = [](const std::string &line) {
			fprintf(stderr, "\njsontimeline preview: %s\n", line.c_str());
		};
	bool tty = isatty(STDERR_FILENO);
	if (!quiet)
		fprintf(stderr, "playing %s%s\n", files[0],
		        input.keys() ? " (space: pause, left/right: -/+5 s, q: quit)" : "");
	jtl::PreviewStatus status;
	if (!quiet && tty)
		status = [](guint64 pos, guint64 dur, bool paused) {
			fprintf(stderr, "\r%s %6.1f / %.1f s ", paused ? "paused " : "playing",
			        double(pos) / GST_SECOND, double(dur) / GST_SECOND);
		};
	g_autoptr(GError) error = nullptr;
	bool ok = jtl::preview(o, status, &error, &control);
	if (!quiet && tty)
		fprintf(stderr, "\n");
	if (!ok) {
		fprintf(stderr, "jsontimeline preview: %s\n", error->message);
		return EXIT_INVALID;
	}
	return EXIT_OK;
}
