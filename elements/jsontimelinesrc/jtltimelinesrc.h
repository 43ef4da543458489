// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: a source bin that renders editor JSON to raw video and audio.
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define JTL_TYPE_TIMELINE_SRC (jtl_timeline_src_get_type())
G_DECLARE_FINAL_TYPE(JtlTimelineSrc, jtl_timeline_src, JTL, TIMELINE_SRC, GstBin)

GST_ELEMENT_REGISTER_DECLARE(jsontimelinesrc);

G_END_DECLS
