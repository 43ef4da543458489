// SPDX-License-Identifier: LGPL-2.1-or-later
// jtllayer: a picture cropped, fitted into a box with rounded corners and turned, per frame.
#pragma once

#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

#define JTL_TYPE_LAYER (jtl_layer_get_type())
G_DECLARE_FINAL_TYPE(JtlLayer, jtl_layer, JTL, LAYER, GstVideoFilter)

GST_ELEMENT_REGISTER_DECLARE(jtllayer);

G_END_DECLS
