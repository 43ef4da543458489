// SPDX-License-Identifier: LGPL-2.1-or-later
// Internal: the one place that creates jsontimelinesrc, for render_file() and the live outputs.
#pragma once

#include <cstdint>
#include <string>

#include <gst/gst.h>

#include <jsontimeline/illustrations.h>

namespace jtl {

/* The document (json when given, else the file at input), output rate, scale and size
 * (0: the document's), the remote asset cache, its bound and the time limit ("" / 0 /
 * < 0: the element's defaults), and what an unknown illustration becomes. */
struct SourceInput {
	const std::string &input, &json;
	int fps;
	double scale;
	int width, height;
	const std::string &cache_dir;
	double fetch_timeout;
	uint64_t cache_max_bytes = 0; /* 0: the element's default */
	MissingIllustration missing_illustration = MissingIllustration::Error;
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
	if (in.cache_max_bytes > 0)
		g_object_set(src, "cache-max-bytes", guint64(in.cache_max_bytes), nullptr);
	g_object_set(src, "missing-illustration", int(in.missing_illustration), nullptr);
}

/* The element's factory name: looked up in the GStreamer registry (lib/output never links
 * the elements). */
constexpr const char *kTimelineSourceFactory = "jsontimelinesrc";

/* A new jsontimelinesrc with in's settings, or nullptr when the element is not
 * registered. */
inline GstElement *make_timeline_source(const SourceInput &in)
{
	GstElement *src = gst_element_factory_make(kTimelineSourceFactory, nullptr);
	if (src)
		set_source_input(src, in);
	return src;
}

} /* namespace jtl */
