// SPDX-License-Identifier: LGPL-2.1-or-later
// What the rendering subcommands do first: the elements registered, the document valid.
#include <cmath>
#include <cstdio>

#include <gst/gst.h>

#include <jsontimeline/dialect.h>
#include <jsontimeline/illustrations.h>

#include "commands.h"
#include "elements.h"

int prepare_document(const char *cmd, const char *path, jtl::DialectResult *out)
{
	/* the elements come from the installed plugin, or from this program itself */
	if (GstElementFactory *f = gst_element_factory_find("jsontimelinesrc"))
		gst_object_unref(f);
	else
		gst_plugin_register_static(GST_VERSION_MAJOR, GST_VERSION_MINOR, "jsontimeline",
		                           "editor JSON to video (built into the CLI)",
		                           jsontimeline_elements_register, "0", "LGPL",
		                           "jsontimeline", "jsontimeline", "");
	/* validate first: clear errors with JSON paths before any pipeline starts */
	jtl::DialectResult own;
	jtl::DialectResult &doc = out ? *out : own;
	g_autoptr(GError) io = nullptr;
	if (!jtl::load_document_file(path, {}, &doc, &io)) {
		fprintf(stderr, "jsontimeline %s: %s\n", cmd, io->message);
		return EXIT_USAGE;
	}
	if (!doc.valid()) {
		fprintf(stderr, "jsontimeline %s: %s is invalid:\n", cmd, path);
		for (const jtl::Diagnostic &d : doc.diagnostics.errors())
			fprintf(stderr, "  %s: %s (%s)\n",
			        d.path.empty() ? "(document)" : d.path.c_str(), d.message.c_str(),
			        d.code.c_str());
		return EXIT_INVALID;
	}
	return -1;
}

bool missing_illustration_option(const char *cmd, const char *value, jtl::MissingIllustration *out)
{
	*out = jtl::MissingIllustration::Error;
	if (!value || jtl::parse_missing_illustration(value, out))
		return true;
	fprintf(stderr, "jsontimeline %s: --missing-illustration must be error or placeholder\n",
	        cmd);
	return false;
}

bool check_numbers(const char *cmd, std::initializer_list<NumberOption> options)
{
	for (const NumberOption &o : options) {
		if (o.value == o.unset ||
		    (std::isfinite(o.value) && o.value >= o.least && o.value <= o.most))
			continue;
		fprintf(stderr, "jsontimeline %s: %s must be a number from %g to %g%s\n", cmd,
		        o.name, o.least, o.most, std::isnan(o.unset) ? "" : " (or left out)");
		return false;
	}
	return true;
}
