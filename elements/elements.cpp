// SPDX-License-Identifier: LGPL-2.1-or-later
// Registration of every element of the jsontimeline plugin.
#include "elements.h"

#include "adjust/jtladjust.h"
#include "captionrender/jtlcaptionrender.h"
#include "jsontimelinesrc/jtltimelinesrc.h"
#include "layer/jtllayer.h"
#include "textoverlaykf/jtltextoverlay.h"
#include "transitionmixer/jtltransitionmixer.h"

gboolean jsontimeline_elements_register(GstPlugin *plugin)
{
	gboolean ok = TRUE;
	/* Each element declares itself with GST_ELEMENT_REGISTER_DEFINE in its own file;
	 * they are added here as they land. */
	ok &= GST_ELEMENT_REGISTER(jsontimelinesrc, plugin);
	ok &= GST_ELEMENT_REGISTER(textoverlay_kf, plugin);
	ok &= GST_ELEMENT_REGISTER(jtllayer, plugin);
	ok &= GST_ELEMENT_REGISTER(transitionmixer, plugin);
	ok &= GST_ELEMENT_REGISTER(jtladjust, plugin);
	ok &= GST_ELEMENT_REGISTER(captionrender, plugin);
	return ok;
}
