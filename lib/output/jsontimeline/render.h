// SPDX-License-Identifier: LGPL-2.1-or-later
// Rendering a document to a file: the output pipeline around jsontimelinesrc.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <glib.h>
#include <gst/gst.h>

#include <jsontimeline/illustrations.h>

namespace jtl {

struct RenderOptions {
	std::string input;  /* document path ("-" is not supported: give json instead) */
	std::string json;   /* or the document itself */
	std::string output; /* file path; written as OUTPUT.part and renamed when complete */
	/* "mp4" (H.264 + AAC) | "webm" (VP9 + Opus) | "webm-vp8" (VP8 + Opus) | "gif" |
	 * "png" | "jpeg" (one frame) | "mp3" | "m4a" (AAC in MP4) | "aac" (ADTS): see
	 * docs/output-formats.md; render_format_for_path() maps file names to these */
	std::string format = "mp4";
	int fps = 0;                     /* 0: the document's request, else 30 */
	double scale = 0.0;              /* 0: the request's scale, else 1 */
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
	uint64_t cache_max_bytes = 0; /* the whole cache; 0: the element's default (2 GiB) */
	/* the memory the render may use, bytes: it is refused before it starts when its estimate
	 * is more than this or the address-space limit (RLIMIT_AS); 0: the limit alone */
	uint64_t memory_limit = 0;
	/* documents from others (the service): downloads refuse private addresses except
	 * allow_hosts, local files only inside asset_root ("" = anywhere) */
	bool refuse_private = false;
	std::vector<std::string> allow_hosts;
	std::string asset_root;
	/* webm, webm-vp8, png: keep the alpha channel (the document's globalBackground must
	 * be none; elsewhere frames are flattened over black) */
	bool alpha = false;
	/* png, jpeg: the frame shown at this time of the timeline, seconds (< 0: 0) */
	double frame_at = -1;
	/* gif: frames wider than this are scaled down, aspect kept (0: never) */
	int gif_max_width = 640;
	/* an illustration name not built in: an error (default) or a placeholder + warning */
	MissingIllustration missing_illustration = MissingIllustration::Error;
	/* errors and warnings also carry GStreamer's debug text (source files, element
	 * paths, server paths); without it they name only the document's JSON pointer and
	 * the user's own references, with the directories of the input, the output, the
	 * asset root and the cache taken off the paths they mention */
	bool debug = false;
	/* a path: one JSON line per output frame, {"frame": k, "drawn": [item ids], "model":
	 * [item ids]}: the items whose pictures the compositor was given and those the
	 * document shows on that frame (jsontimelinesrc's trace-items); "" = none */
	std::string trace_items;
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

struct Timeline;

/* The file extension a format writes ("mp4", "webm", "jpg"...), or nullptr for an unknown
 * format. "jpg" is accepted for "jpeg". */
const char *render_format_extension(const std::string &format);

/* The format a file name asks for by its extension (case ignored: .mp4 .webm .gif .png
 * .jpg .jpeg .mp3 .m4a .aac), or nullptr. */
const char *render_format_for_path(const std::string &path);

/* The format names, comma separated, for messages. */
const char *render_format_names();

/* Checks that the options go together (the format is known, alpha only with webm,
 * webm-vp8 or png, frame_at only with png or jpeg and not with a range...) and, given the
 * document's timeline, that alpha has a none background and frame_at falls inside it.
 * Returns false with error set (JTL_ERROR_FAILED) saying which option is wrong. */
bool check_render_options(const RenderOptions &options, const Timeline *timeline, GError **error);

} /* namespace jtl */
