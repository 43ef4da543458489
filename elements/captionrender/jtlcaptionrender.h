// SPDX-License-Identifier: LGPL-2.1-or-later
// captionrender: timed captions drawn over video, word by word, in short-form video style.
#pragma once

#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

#define JTL_TYPE_CAPTION_RENDER (jtl_caption_render_get_type())
G_DECLARE_FINAL_TYPE(JtlCaptionRender, jtl_caption_render, JTL, CAPTION_RENDER, GstVideoFilter)

GST_ELEMENT_REGISTER_DECLARE(captionrender);

G_END_DECLS
