// SPDX-License-Identifier: LGPL-2.1-or-later
// Indream editorState v1, private: safe accessors and the steps the loader chains
// (normalise.cpp, checks.cpp, build.cpp; editorstate.cpp runs them in order).
#pragma once

#include <cmath>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <jsontimeline/budgets.h>
#include <jsontimeline/diagnostics.h>
#include <jsontimeline/json-schema.h>
#include <jsontimeline/json.h>
#include <jsontimeline/model.h>

namespace jtl {
namespace indream {

/* ---- safe accessors: they never assume the schema passed -------------------------- */

inline JsonObject *as_object(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : nullptr;
}

inline JsonArray *as_array(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : nullptr;
}

inline JsonNode *member(JsonObject *o, const char *key)
{
	return o ? json_object_get_member(o, key) : nullptr;
}

inline bool get_string(JsonObject *o, const char *key, std::string *out)
{
	JsonNode *n = member(o, key);
	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return false;
	*out = json_node_get_string(n);
	return true;
}

inline std::string str(JsonObject *o, const char *key, const std::string &fallback = {})
{
	std::string s;
	return get_string(o, key, &s) ? s : fallback;
}

inline std::optional<std::string> opt_str(JsonObject *o, const char *key)
{
	std::string s;
	if (get_string(o, key, &s))
		return s;
	return std::nullopt;
}

inline bool get_number(JsonObject *o, const char *key, double *out)
{
	return json_node_number(member(o, key), out);
}

inline double num(JsonObject *o, const char *key, double fallback = 0.0)
{
	double v;
	return get_number(o, key, &v) ? v : fallback;
}

/* Integer ticks; only meaningful after the schema (integer) and the range checks. */
inline bool get_ticks(JsonObject *o, const char *key, Ticks *out)
{
	double v;
	if (!get_number(o, key, &v) || !std::isfinite(v) || std::floor(v) != v ||
	    std::fabs(v) > double(kMaxSafeInteger))
		return false;
	*out = Ticks(v);
	return true;
}

inline bool boolean(JsonObject *o, const char *key, bool fallback = false)
{
	JsonNode *n = member(o, key);
	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_BOOLEAN)
		return fallback;
	return json_node_get_boolean(n);
}

template <typename F>
inline void for_each_member(JsonObject *o, F &&f)
{
	if (!o)
		return;
	JsonObjectIter it;
	const gchar *name;
	JsonNode *node;
	json_object_iter_init(&it, o);
	while (json_object_iter_next(&it, &name, &node))
		f(std::string(name), node);
}

template <typename F>
inline void for_each_element(JsonArray *a, F &&f)
{
	if (!a)
		return;
	guint n = json_array_get_length(a);
	for (guint i = 0; i < n; i++)
		f(std::size_t(i), json_array_get_element(a, i));
}

inline std::string quoted(const std::string &s)
{
	std::string q = s.size() > 60 ? s.substr(0, 60) + "..." : s;
	return "\"" + q + "\"";
}

/* ---- which properties each item type declares ------------------------------------ */

inline bool has_geometry(const std::string &type)
{
	return type != "effect" && type != "filter" && !type.empty();
}

inline bool known_item_type(const std::string &type)
{
	static const std::set<std::string> types = {
	        "image",    "video", "gif",          "lottie", "audio",  "text", "text-template",
	        "captions", "solid", "illustration", "effect", "filter", "chart"};
	return types.count(type) > 0;
}

/* ---- the steps (each file below) --------------------------------------------------- */

/* normalise.cpp: rewrites the legacy shorthand into v1 form, one warning per rewrite. */
void normalize_legacy(JsonObject *state, const std::string &base, Diagnostics &diags);

/* checks.cpp: the embedded schemas, schema check, budgets and semantic rules. */
struct CompiledSchemas {
	std::string editor_text;
	std::unique_ptr<JsonSchema> editor;
	std::unique_ptr<JsonSchema> request;
};
const CompiledSchemas &schemas();
void check_schema(const JsonSchema &schema, JsonNode *node, const std::string &base,
                  Diagnostics &diags, const char *code_override = nullptr);
void check_budgets(JsonObject *state, const std::string &base, const DocumentBudgets &budgets,
                   Diagnostics &diags);
void check_semantics(JsonObject *state, const std::string &base, Diagnostics &diags);

/* build.cpp: the model of a valid document. */
std::unique_ptr<Timeline> build_timeline(JsonObject *state, JsonObject *request,
                                         const std::string &base);

} /* namespace indream */
} /* namespace jtl */
