// SPDX-License-Identifier: LGPL-2.1-or-later
// Rendering a document to a file: the output pipeline around jsontimelinesrc.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <glib.h>
#include <gst/gst.h>

namespace jtl {

struct RenderOptions {
	std::string input;  /* document path ("-" is not supported: give json instead) */
	std::string json;   /* or the document itself */
	std::string output; /* file path; written as OUTPUT.part and renamed when complete */
	std::string format = "mp4"; /* "mp4" (H.264 + AAC) | "webm" (VP9 + Opus) */
	int fps = 0;                /* 0: the document's request, else 30 */
	double scale = 1.0;
	int width = 0, height = 0;       /* 0: the composition size */
	int quality = 23;                /* constant quality: x264 quantizer / VP9 cq-level */
	std::string preset = "veryfast"; /* x264 speed preset */
	/* the part of the timeline to render, ns: [start, stop); the file starts at 0 */
	GstClockTime start = 0;
	GstClockTime stop = GST_CLOCK_TIME_NONE;
	/* remote assets: the cache directory ("" = the user cache) and the time limit per
	 * file in seconds (< 0: the element's default) */
	std::string cache_dir;
	double fetch_timeout = -1;
};

/* What a render did, for the curious (and the closing notes of benchmarks). */
struct RenderStats {
	unsigned branches_built = 0;
	unsigned max_live_branches = 0;
	/* warnings posted while rendering (a font family replaced, ...), readable */
	std::vector<std::string> warnings;
};

/* Progress of a render: position and duration in nanoseconds. */
using RenderProgress = std::function<void(guint64 position, guint64 duration)>;

/* Renders synchronously (runs its own main context). The element jsontimelinesrc must be
 * registered (the plugin on GST_PLUGIN_PATH, or registered statically by the caller).
 * Returns false with error set on failure; the output file is then not created (a
 * partial file is removed). */
bool render_file(const RenderOptions &options, const RenderProgress &progress, GError **error,
                 RenderStats *stats = nullptr);

/* The file extension a format writes ("mp4", "webm"), or nullptr for an unknown format. */
const char *render_format_extension(const std::string &format);

} /* namespace jtl */
