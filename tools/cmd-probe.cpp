// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimeline probe: what a local media file holds (duration, picture size, streams), as
// one JSON object, read with GStreamer's discoverer. The service runs it in a child
// process with a time and memory limit for each video or audio upload.
#include <cstdio>
#include <string>

#include <glib.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "commands.h"

int cmd_probe(int argc, char **argv)
{
	double timeout = 10;
	GOptionEntry entries[] = {
	        {"timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout,
	         "Give up after this many seconds (default 10)", "SECONDS"},
	        {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr},
	};
	g_autoptr(GOptionContext) ctx =
	        g_option_context_new("FILE - describe a media file as JSON");
	g_option_context_set_description(
	        ctx, "Prints {\"duration\": seconds or null, \"width\", \"height\" (null without "
	             "video),\n\"video\": bool, \"audio\": bool, \"image\": bool} on one line.\n"
	             "Exit status 1 when the file cannot be read as media.");
	g_option_context_add_main_entries(ctx, entries, nullptr);
	g_option_context_add_group(ctx, gst_init_get_option_group());
	g_autoptr(GError) error = nullptr;
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "jsontimeline probe: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (argc != 2) {
		fprintf(stderr, "jsontimeline probe: one FILE expected\n");
		return EXIT_USAGE;
	}
	if (!check_numbers("probe", {{"--timeout", timeout, 0.001, kMaxSeconds}}))
		return EXIT_USAGE;
	const char *path = argv[1];
	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
		fprintf(stderr, "jsontimeline probe: %s: not a regular file\n", path);
		return EXIT_USAGE;
	}
	g_autofree char *uri = gst_filename_to_uri(path, &error);
	if (!uri) {
		fprintf(stderr, "jsontimeline probe: %s: %s\n", path, error->message);
		return EXIT_USAGE;
	}
	g_autoptr(GstDiscoverer) disc =
	        gst_discoverer_new(GstClockTime(timeout * double(GST_SECOND)), &error);
	if (!disc) {
		fprintf(stderr, "jsontimeline probe: %s\n", error->message);
		return EXIT_INVALID;
	}
	g_autoptr(GstDiscovererInfo) info = gst_discoverer_discover_uri(disc, uri, &error);
	GstDiscovererResult result =
	        info ? gst_discoverer_info_get_result(info) : GST_DISCOVERER_ERROR;
	if (result != GST_DISCOVERER_OK) {
		const char *why = result == GST_DISCOVERER_TIMEOUT ? "timed out"
		                  : result == GST_DISCOVERER_MISSING_PLUGINS
		                          ? "no decoder for its format"
		                          : (error ? error->message : "not readable as media");
		fprintf(stderr, "jsontimeline probe: %s: %s\n", path, why);
		return EXIT_INVALID;
	}
	GList *videos = gst_discoverer_info_get_video_streams(info);
	GList *audios = gst_discoverer_info_get_audio_streams(info);
	bool image = false;
	int width = 0, height = 0;
	if (videos) {
		auto *v = GST_DISCOVERER_VIDEO_INFO(videos->data);
		width = int(gst_discoverer_video_info_get_width(v));
		height = int(gst_discoverer_video_info_get_height(v));
		image = gst_discoverer_video_info_is_image(v);
	}
	GstClockTime duration = gst_discoverer_info_get_duration(info);
	std::string seconds = "null";
	if (GST_CLOCK_TIME_IS_VALID(duration) && duration > 0 && !image) {
		char buf[G_ASCII_DTOSTR_BUF_SIZE];
		/* milliseconds: at most three decimals, trailing zeros dropped */
		seconds = g_ascii_formatd(buf, sizeof(buf), "%.3f",
		                          double(duration) / double(GST_SECOND));
		while (seconds.back() == '0')
			seconds.pop_back();
		if (seconds.back() == '.')
			seconds.pop_back();
	}
	auto size = [](int v) { return v > 0 ? std::to_string(v) : std::string("null"); };
	auto flag = [](bool v) { return v ? "true" : "false"; };
	printf("{\"duration\":%s,\"width\":%s,\"height\":%s,\"video\":%s,\"audio\":%s,"
	       "\"image\":%s}\n",
	       seconds.c_str(), size(width).c_str(), size(height).c_str(), flag(videos && !image),
	       flag(audios != nullptr), flag(image));
	gst_discoverer_stream_info_list_free(videos);
	gst_discoverer_stream_info_list_free(audios);
	return EXIT_OK;
}
