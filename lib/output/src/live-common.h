// SPDX-License-Identifier: LGPL-2.1-or-later
// Internal: what live output (live.cpp) and the preview (live-preview.cpp) share.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gst/gst.h>

#include <jsontimeline/live.h>

namespace jtl {

struct PipelineDeleter {
	void operator()(GstElement *e) const
	{
		gst_element_set_state(e, GST_STATE_NULL);
		gst_object_unref(e);
	}
};
using Pipeline = std::unique_ptr<GstElement, PipelineDeleter>;

/* A new element of factory, or nullptr with its name added to missing. */
GstElement *make(const char *factory, std::vector<std::string> *missing);

/* jsontimelinesrc with in's settings, or nullptr (missing). */
GstElement *make_source(const TimelineInput &in, std::vector<std::string> *missing);

/* A line about a live update message of jsontimelinesrc, or "" for other messages. */
std::string update_text(GstMessage *msg);

/* true when nothing is missing, else false with error naming the elements. */
bool missing_error(const std::vector<std::string> &missing, GError **error);

/* An error message's text with the name of the element that posted it. */
std::string error_text(GstMessage *msg);

} /* namespace jtl */
