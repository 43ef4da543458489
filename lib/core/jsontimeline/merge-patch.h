// SPDX-License-Identifier: LGPL-2.1-or-later
// JSON Merge Patch (RFC 7386): changing a document by sending only what changes.
#pragma once

#include <string>

#include <json-glib/json-glib.h>

namespace jtl {

/* target changed by patch as RFC 7386 says: an object patch merges member by member (a
 * null member removes it, an object member merges recursively), anything else replaces
 * the target. Returns a new node (target and patch are not changed). */
JsonNode *json_merge_patch(JsonNode *target, JsonNode *patch);

/* The document text with the patch text applied, serialised compactly. False with *error
 * ("the patch is not JSON: ...", "the document is not JSON: ...") when either cannot be
 * read. */
bool apply_merge_patch(const std::string &document, const std::string &patch, std::string *out,
                       std::string *error);

} /* namespace jtl */
