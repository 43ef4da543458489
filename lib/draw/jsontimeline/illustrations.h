// SPDX-License-Identifier: LGPL-2.1-or-later
// The built-in illustrations: single-colour SVG drawings found by name and recoloured.
#pragma once

#include <string>
#include <vector>

#include <jsontimeline/diagnostics.h>
#include <jsontimeline/draw.h>
#include <jsontimeline/model.h>

namespace jtl {

/* The directory the illustrations are read from: $JTL_ILLUSTRATIONS_DIR when set, else
 * data/illustrations of the source tree when it exists, else the installed
 * DATADIR/jsontimeline/illustrations. */
std::string illustrations_dir();

/* The names of the illustrations (their NAME.svg files), sorted. */
std::vector<std::string> illustration_names();

/* The file of an illustration; "" when the name is unknown or is not a plain name (empty,
 * holding '/', '\\' or "..", or starting with '.'). */
std::string illustration_path(const std::string &name);

/* The names matching a search: each blank-separated word of query found in the name,
 * ignoring case, hyphens and spaces; names starting with the query first. An empty query
 * matches every name. */
std::vector<std::string> search_illustrations(const std::string &query);

/* An IllustrationSearchResponseEnvelope of the Open API (GET /v1/illustrations):
 * {"data": [names], "meta": {"count": n, "q": query}} ("q" only when given). */
std::string illustrations_json(const std::string &query, bool pretty);

/* The illustration drawn in color (a CSS colour read by parse_color; "" is black; its
 * alpha applies to the whole drawing) into a w x h box: stretched, or fitted keeping its
 * aspect ratio (centred, transparent around). Returns false with *error set for an
 * unknown name (listing a few known ones), an unreadable colour or file. */
bool draw_illustration(const std::string &name, const std::string &color, int w, int h,
                       bool keep_aspect_ratio, Raster *out, std::string *error);

/* What an illustration item whose name is not built in becomes (the vendor's own names,
 * IHello, ICreativeThinking, ...): an error naming its JSON pointer (the default), or a
 * placeholder of its box with a warning, so that a migrated template can be previewed. */
enum class MissingIllustration { Error, Placeholder };
/* "error" | "placeholder"; false for any other text */
bool parse_missing_illustration(const std::string &text, MissingIllustration *out);

/* The placeholder of an illustration: a w x h picture of a rounded rectangle outlined in
 * color (unreadable: grey), filled with it at 25 % and crossed by its two diagonals;
 * lines scale x 2 px wide. */
Raster draw_illustration_placeholder(const std::string &color, int w, int h, double scale);

/* Every illustration item of tl whose name is not built in, as
 * EDITOR_ILLUSTRATION_UNKNOWN at /items/ID/illustrationName: an error under
 * MissingIllustration::Error (rendering would fail), a warning under Placeholder. */
void check_illustrations(const Timeline &tl, MissingIllustration policy, Diagnostics *out);

} /* namespace jtl */
