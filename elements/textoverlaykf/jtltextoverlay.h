// SPDX-License-Identifier: LGPL-2.1-or-later
// textoverlay-kf: text drawn with Pango/Cairo over video, every visual property animatable.
#pragma once

#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

#define JTL_TYPE_TEXT_OVERLAY (jtl_text_overlay_get_type())
G_DECLARE_FINAL_TYPE(JtlTextOverlay, jtl_text_overlay, JTL, TEXT_OVERLAY, GstVideoFilter)

GST_ELEMENT_REGISTER_DECLARE(textoverlay_kf);

G_END_DECLS
