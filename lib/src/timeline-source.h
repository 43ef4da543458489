// SPDX-License-Identifier: LGPL-2.1-or-later
// Internal: the settings render_file() and the live outputs both give a jsontimelinesrc.
#pragma once

#include <string>

#include <gst/gst.h>

namespace jtl {

/* The document (json when given, else the file at input), output rate, scale and size
 * (0: the document's), and the remote asset cache and time limit ("" / < 0: the
 * element's defaults). */
struct SourceInput {
	const std::string &input, &json;
	int fps;
	double scale;
	int width, height;
	const std::string &cache_dir;
	double fetch_timeout;
};

inline void set_source_input(GstElement *src, const SourceInput &in)
{
	if (!in.json.empty())
		g_object_set(src, "json", in.json.c_str(), nullptr);
	else
		g_object_set(src, "location", in.input.c_str(), nullptr);
	g_object_set(src, "fps", in.fps, "scale", in.scale, "width", in.width, "height", in.height,
	             nullptr);
	if (!in.cache_dir.empty())
		g_object_set(src, "cache-dir", in.cache_dir.c_str(), nullptr);
	if (in.fetch_timeout >= 0)
		g_object_set(src, "fetch-timeout", in.fetch_timeout, nullptr);
}

} /* namespace jtl */
