// SPDX-License-Identifier: LGPL-2.1-or-later
// jtladjust: colour looks, blur and darkening of whole frames; controllable.
#pragma once

#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

#define JTL_TYPE_ADJUST (jtl_adjust_get_type())
G_DECLARE_FINAL_TYPE(JtlAdjust, jtl_adjust, JTL, ADJUST, GstVideoFilter)

GST_ELEMENT_REGISTER_DECLARE(jtladjust);

G_END_DECLS
