// SPDX-License-Identifier: LGPL-2.1-or-later
// Registration of every element of the jsontimeline plugin.
#include "elements.h"

#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "adjust/jtladjust.h"
#include "captionrender/jtlcaptionrender.h"
#include "jsontimelinesrc/jtltimelinesrc.h"
#include "layer/jtllayer.h"
#include "textoverlaykf/jtltextoverlay.h"
#include "transitionmixer/jtltransitionmixer.h"

namespace {

using Constructor = GObject *(*)(GType, guint, GObjectConstructParam *);

/* An element type whose unnamed objects are named after its factory. */
struct Named {
	std::string factory;
	Constructor parent;
	unsigned count = 0; /* names given; lock */
};

std::mutex lock;
std::map<GType, Named> named; /* lock */

/* GstObject names an unnamed object after its GType (JtlTimelineSrc -> jtltimelinesrc0);
 * ours are named after their factory instead, with a count per factory and a '-' before
 * it after a digit, as gst_object_set_name() does: jsontimelinesrc0, textoverlay-kf0. */
GObject *construct_named(GType type, guint n, GObjectConstructParam *params)
{
	Named *of = nullptr;
	{
		std::lock_guard<std::mutex> guard(lock);
		for (GType t = type; t && !of; t = g_type_parent(t)) {
			auto it = named.find(t);
			if (it != named.end())
				of = &it->second;
		}
	}
	/* the values may be the pspecs' defaults: the name gets a value of its own */
	std::vector<GObjectConstructParam> own(params, params + n);
	GValue value = G_VALUE_INIT;
	for (GObjectConstructParam &p : own) {
		if (strcmp(p.pspec->name, "name") != 0 || !G_VALUE_HOLDS_STRING(p.value) ||
		    g_value_get_string(p.value))
			continue;
		std::string name = of->factory;
		if (g_ascii_isdigit(name.back()))
			name += '-';
		{
			std::lock_guard<std::mutex> guard(lock);
			name += std::to_string(of->count++);
		}
		g_value_init(&value, G_TYPE_STRING);
		g_value_set_string(&value, name.c_str());
		p.value = &value;
	}
	GObject *object = of->parent(type, n, own.data());
	if (G_IS_VALUE(&value))
		g_value_unset(&value);
	return object;
}

/* Every element factory of plugin names its unnamed objects after itself. */
void name_after_factories(GstPlugin *plugin)
{
	GList *features = gst_registry_get_feature_list_by_plugin(gst_registry_get(),
	                                                          gst_plugin_get_name(plugin));
	for (GList *l = features; l; l = l->next) {
		if (!GST_IS_ELEMENT_FACTORY(l->data))
			continue;
		GstElementFactory *factory = GST_ELEMENT_FACTORY(l->data);
		GType type = gst_element_factory_get_element_type(factory);
		if (!type)
			continue;
		/* the class stays: static types' classes are never freed */
		GObjectClass *klass = G_OBJECT_CLASS(g_type_class_ref(type));
		std::lock_guard<std::mutex> guard(lock);
		if (named.count(type) || klass->constructor == construct_named)
			continue;
		named[type] = Named{GST_OBJECT_NAME(factory), klass->constructor};
		klass->constructor = construct_named;
	}
	gst_plugin_feature_list_free(features);
}

} /* namespace */

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
	name_after_factories(plugin);
	return ok;
}
