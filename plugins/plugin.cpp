// SPDX-License-Identifier: LGPL-2.1-or-later
// plugin_init of libgstjsontimeline.so: registers the elements, nothing else.
#include "config.h"

#include <gst/gst.h>

#include <elements.h>

static gboolean plugin_init(GstPlugin *plugin)
{
	return jsontimeline_elements_register(plugin);
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, jsontimeline,
                  "Editor JSON (Indream editorState v1) to video", plugin_init, VERSION,
                  GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
