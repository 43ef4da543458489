// SPDX-License-Identifier: LGPL-2.1-or-later
// Changing a document while it plays: what a new version changes, and whether it may.
#pragma once

#include <set>
#include <string>

#include <jsontimeline/model.h>

namespace jtl {

/* What going from one version of a document to the next changes for a running render. */
struct LiveUpdate {
	bool allowed = false;
	std::string reason;            /* why not, naming the JSON path */
	std::set<std::string> changed; /* ids of items added, removed or changed */
};

/* Compares two versions of a document (their texts and their timelines). Allowed: any
 * change to drawn items (text, solid, image, captions, chart, illustration, gif, lottie,
 * text-template) and their assets, items of those kinds added or removed in the existing
 * tracks. Refused (reason says what and where): the composition size, the output
 * settings, the duration, the background, the tracks (ids, order, hidden, muted),
 * transitions, and video, audio, effect and filter items — the graph built around them
 * stays as it is. An item counts as changed when its JSON, its track or the JSON of an
 * asset it uses differs. */
LiveUpdate compare_for_live_update(const std::string &old_text, const Timeline &old_tl,
                                   const std::string &new_text, const Timeline &new_tl);

} /* namespace jtl */
