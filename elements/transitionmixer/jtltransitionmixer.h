// SPDX-License-Identifier: LGPL-2.1-or-later
// transitionmixer: two video inputs blended by a transition over a time window.
#pragma once

#include <gst/video/gstvideoaggregator.h>

G_BEGIN_DECLS

#define JTL_TYPE_TRANSITION_MIXER (jtl_transition_mixer_get_type())
G_DECLARE_FINAL_TYPE(JtlTransitionMixer, jtl_transition_mixer, JTL, TRANSITION_MIXER,
                     GstVideoAggregator)

GST_ELEMENT_REGISTER_DECLARE(transitionmixer);

G_END_DECLS
