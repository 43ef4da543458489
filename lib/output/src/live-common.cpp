// SPDX-License-Identifier: LGPL-2.1-or-later
// What live output and the preview share (live-common.h).
#include "live-common.h"

#include "timeline-source.h"
#include <jsontimeline/diagnostics.h>

namespace jtl {

GstElement *make(const char *factory, std::vector<std::string> *missing)
{
	GstElement *e = gst_element_factory_make(factory, nullptr);
	if (!e)
		missing->push_back(factory);
	return e;
}

GstElement *make_source(const TimelineInput &in, std::vector<std::string> *missing)
{
	GstElement *src =
	        make_timeline_source({in.input, in.json, in.fps, in.scale, in.width, in.height,
	                              in.cache_dir, in.fetch_timeout, 0, in.missing_illustration});
	if (!src)
		missing->push_back(kTimelineSourceFactory);
	return src;
}

std::string update_text(GstMessage *msg)
{
	const GstStructure *st = gst_message_get_structure(msg);
	if (!st)
		return "";
	if (gst_structure_has_name(st, "jsontimeline-update")) {
		gboolean accepted = FALSE;
		gst_structure_get_boolean(st, "accepted", &accepted);
		const char *reason = gst_structure_get_string(st, "reason");
		return accepted ? "update accepted"
		                : std::string("update refused: ") + (reason ? reason : "");
	}
	guint64 frame = 0;
	guint changed = 0;
	if (gst_structure_has_name(st, "jsontimeline-update-applied") &&
	    gst_structure_get_uint64(st, "frame", &frame)) {
		gst_structure_get_uint(st, "changed", &changed);
		return "update playing from frame " + std::to_string(frame) + " (" +
		       std::to_string(changed) + " item" + (changed == 1 ? "" : "s") + " rebuilt)";
	}
	return "";
}

bool missing_error(const std::vector<std::string> &missing, GError **error)
{
	if (missing.empty())
		return true;
	std::string names;
	for (const std::string &m : missing)
		names += (names.empty() ? "" : ", ") + m;
	g_set_error(error, JTL_ERROR, JTL_ERROR_INTERNAL,
	            "GStreamer elements are missing: %s (is the plugin package installed?)",
	            names.c_str());
	return false;
}

std::string error_text(GstMessage *msg)
{
	g_autoptr(GError) e = nullptr;
	g_autofree gchar *dbg = nullptr;
	gst_message_parse_error(msg, &e, &dbg);
	return std::string(e->message) + " (" +
	       (GST_MESSAGE_SRC(msg) ? GST_OBJECT_NAME(GST_MESSAGE_SRC(msg)) : "?") + ")";
}

} /* namespace jtl */
