// SPDX-License-Identifier: LGPL-2.1-or-later
// Registration of every element of the jsontimeline plugin.
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Registers all elements with plugin; returns FALSE if any registration failed. */
gboolean jsontimeline_elements_register(GstPlugin *plugin);

G_END_DECLS
