// SPDX-License-Identifier: LGPL-2.1-or-later
// Shared by the elements with controllable properties.
#pragma once

#include <gst/base/gstbasetransform.h>

/* A GstBaseTransform before_transform: brings controlled properties to the buffer's
 * stream time. */
inline void jtl_sync_controlled_values(GstBaseTransform *trans, GstBuffer *buf)
{
	GstClockTime ts = GST_BUFFER_PTS(buf);
	if (!GST_CLOCK_TIME_IS_VALID(ts))
		return;
	GstClockTime st = gst_segment_to_stream_time(&trans->segment, GST_FORMAT_TIME, ts);
	if (GST_CLOCK_TIME_IS_VALID(st))
		gst_object_sync_values(GST_OBJECT(trans), st);
}
