// SPDX-License-Identifier: LGPL-2.1-or-later
// A JSON Schema (draft-07) validator over json-glib nodes, with readable errors.
#include <jsontimeline/json-schema.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <unordered_map>

#include <jsontimeline/diagnostics.h>
#include <jsontimeline/json.h>

namespace jtl {

namespace {

enum TypeBit : unsigned {
	T_NULL = 1 << 0,
	T_BOOLEAN = 1 << 1,
	T_OBJECT = 1 << 2,
	T_ARRAY = 1 << 3,
	T_NUMBER = 1 << 4,
	T_STRING = 1 << 5,
	T_INTEGER = 1 << 6,
};

const struct {
	const char *name;
	unsigned bit;
} kTypeNames[] = {
        {"null", T_NULL},     {"boolean", T_BOOLEAN}, {"object", T_OBJECT},   {"array", T_ARRAY},
        {"number", T_NUMBER}, {"string", T_STRING},   {"integer", T_INTEGER},
};

struct RegexDeleter {
	void operator()(GRegex *r) const { g_regex_unref(r); }
};
using RegexPtr = std::unique_ptr<GRegex, RegexDeleter>;

struct Node;

struct Dependency {
	std::vector<std::string> required; /* array form */
	Node *schema = nullptr;            /* schema form */
};

/* One compiled schema object (or boolean schema). */
struct Node {
	bool is_bool = false;
	bool bool_value = true;
	std::string ref;
	Node *ref_target = nullptr;

	unsigned types = 0; /* 0 = any */
	std::vector<JsonNodePtr> enum_values;
	JsonNodePtr const_value;
	std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum, multiple_of;
	std::optional<std::size_t> min_length, max_length, min_items, max_items, min_properties,
	        max_properties;
	RegexPtr pattern;
	std::string pattern_source;

	Node *items = nullptr;
	std::vector<Node *> items_tuple;
	bool items_is_tuple = false;
	Node *additional_items = nullptr;
	bool unique_items = false;
	Node *contains = nullptr;

	std::vector<std::string> required;
	std::vector<std::pair<std::string, Node *>> properties;
	std::unordered_map<std::string, Node *> property_index;
	std::vector<std::pair<RegexPtr, Node *>> pattern_properties;
	Node *additional_properties = nullptr;
	Node *property_names = nullptr;
	std::vector<std::pair<std::string, Dependency>> dependencies;

	std::vector<Node *> all_of, any_of, one_of;
	/* For each alternative of any_of/one_of: the properties it pins with "const",
	 * computed once after $ref resolution (the discriminators of docs/decisions.md). */
	std::vector<std::vector<std::pair<std::string, JsonNode *>>> any_of_consts, one_of_consts;
	Node *not_ = nullptr;
	Node *if_ = nullptr, *then_ = nullptr, *else_ = nullptr;
};

/* A path as a stack of tokens, rendered only when an error is reported. */
struct Token {
	const char *key; /* nullptr: array index */
	std::size_t index;
};

std::string format_number(double v)
{
	if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 1e15)
		return std::to_string(int64_t(v));
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	g_ascii_formatd(buf, sizeof(buf), "%.15g", v);
	return buf;
}

unsigned instance_type(JsonNode *n)
{
	if (!n || JSON_NODE_HOLDS_NULL(n))
		return T_NULL;
	if (JSON_NODE_HOLDS_OBJECT(n))
		return T_OBJECT;
	if (JSON_NODE_HOLDS_ARRAY(n))
		return T_ARRAY;
	GType t = json_node_get_value_type(n);
	if (t == G_TYPE_STRING)
		return T_STRING;
	if (t == G_TYPE_BOOLEAN)
		return T_BOOLEAN;
	return json_node_is_integer(n) ? (T_NUMBER | T_INTEGER) : T_NUMBER;
}

std::string types_text(unsigned mask)
{
	std::string out;
	std::vector<const char *> names;
	for (const auto &t : kTypeNames) {
		if (mask & t.bit) {
			if (t.bit == T_INTEGER && (mask & T_NUMBER))
				continue;
			names.push_back(t.name);
		}
	}
	for (std::size_t i = 0; i < names.size(); i++) {
		if (i > 0)
			out += i + 1 == names.size() ? " or " : ", ";
		out += names[i];
	}
	return out;
}

std::string found(JsonNode *n)
{
	unsigned t = instance_type(n);
	const char *name = (t & T_INTEGER) ? "integer" : json_type_name(n);
	if (t == T_NULL)
		return "null";
	if (t == T_OBJECT || t == T_ARRAY)
		return name;
	return std::string(name) + " " + json_excerpt(n, 60);
}

bool json_equal(JsonNode *a, JsonNode *b)
{
	unsigned ta = instance_type(a), tb = instance_type(b);
	if ((ta & T_NUMBER) && (tb & T_NUMBER)) {
		if (json_node_get_value_type(a) == G_TYPE_INT64 &&
		    json_node_get_value_type(b) == G_TYPE_INT64)
			return json_node_get_int(a) == json_node_get_int(b);
		double x = 0, y = 0;
		json_node_number(a, &x);
		json_node_number(b, &y);
		return x == y;
	}
	if (ta != tb)
		return false;
	switch (ta) {
	case T_NULL:
		return true;
	case T_BOOLEAN:
		return json_node_get_boolean(a) == json_node_get_boolean(b);
	case T_STRING:
		return strcmp(json_node_get_string(a), json_node_get_string(b)) == 0;
	case T_ARRAY: {
		JsonArray *x = json_node_get_array(a), *y = json_node_get_array(b);
		guint n = json_array_get_length(x);
		if (n != json_array_get_length(y))
			return false;
		for (guint i = 0; i < n; i++) {
			if (!json_equal(json_array_get_element(x, i), json_array_get_element(y, i)))
				return false;
		}
		return true;
	}
	case T_OBJECT: {
		JsonObject *x = json_node_get_object(a), *y = json_node_get_object(b);
		if (json_object_get_size(x) != json_object_get_size(y))
			return false;
		JsonObjectIter it;
		const gchar *name;
		JsonNode *v;
		json_object_iter_init(&it, x);
		while (json_object_iter_next(&it, &name, &v)) {
			JsonNode *w = json_object_get_member(y, name);
			if (!w || !json_equal(v, w))
				return false;
		}
		return true;
	}
	}
	return false;
}

std::string value_list(const std::vector<JsonNode *> &values)
{
	std::string out;
	for (std::size_t i = 0; i < values.size(); i++) {
		if (i > 0)
			out += ", ";
		out += json_excerpt(values[i], 60);
	}
	return out;
}

} /* namespace */

class JsonSchemaImpl
{
public:
	JsonNodePtr document;
	Node *root = nullptr;
	std::vector<std::unique_ptr<Node>> nodes;
	std::unordered_map<std::string, Node *> by_pointer;
	std::string base_id;

	bool compile(GError **error);
	bool validate(const Node *s, JsonNode *inst, std::vector<Token> &path,
	              std::vector<SchemaError> *out, const std::string &base) const;

private:
	Node *compile_node(JsonNode *n, const std::string &pointer, GError **error);
	Node *resolve(const std::string &ref, GError **error);
	void error(std::vector<SchemaError> *out, const std::vector<Token> &path,
	           const std::string &base, const char *keyword, std::string message,
	           std::string allowed = {}) const;
	void collect_consts(const Node *s, std::vector<std::pair<std::string, JsonNode *>> &out,
	                    int depth) const;
	unsigned declared_types(const Node *s, int depth) const;
	bool report_choice(const Node *s, const std::vector<Node *> &alts, JsonNode *inst,
	                   std::vector<Token> &path, std::vector<SchemaError> *out,
	                   const std::string &base, const char *keyword) const;
	const Node *
	prune(const std::vector<Node *> &alts,
	      const std::vector<std::vector<std::pair<std::string, JsonNode *>>> &consts,
	      JsonNode *inst, bool *pruned) const;
};

namespace {

JsonNode *pointer_lookup(JsonNode *root, const std::string &pointer)
{
	/* pointer is "" or "/a/b" (already without the leading '#') */
	JsonNode *n = root;
	std::size_t pos = 0;
	while (pos < pointer.size()) {
		if (pointer[pos] != '/')
			return nullptr;
		std::size_t next = pointer.find('/', pos + 1);
		std::string token = pointer.substr(
		        pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
		std::string unescaped;
		for (std::size_t i = 0; i < token.size(); i++) {
			if (token[i] == '~' && i + 1 < token.size()) {
				unescaped += token[i + 1] == '1' ? '/' : '~';
				i++;
			} else {
				unescaped += token[i];
			}
		}
		g_autofree gchar *decoded = g_uri_unescape_string(unescaped.c_str(), nullptr);
		std::string key = decoded ? decoded : unescaped;
		if (JSON_NODE_HOLDS_OBJECT(n)) {
			n = json_object_get_member(json_node_get_object(n), key.c_str());
		} else if (JSON_NODE_HOLDS_ARRAY(n)) {
			JsonArray *a = json_node_get_array(n);
			guint64 i = g_ascii_strtoull(key.c_str(), nullptr, 10);
			n = i < json_array_get_length(a) ? json_array_get_element(a, guint(i))
			                                 : nullptr;
		} else {
			return nullptr;
		}
		if (!n)
			return nullptr;
		pos = next == std::string::npos ? pointer.size() : next;
	}
	return n;
}

bool get_size(JsonObject *o, const char *key, std::optional<std::size_t> *out)
{
	JsonNode *n = json_object_get_member(o, key);
	double v;
	if (!n || !json_node_number(n, &v) || v < 0)
		return false;
	*out = std::size_t(v);
	return true;
}

bool get_double(JsonObject *o, const char *key, std::optional<double> *out)
{
	JsonNode *n = json_object_get_member(o, key);
	double v;
	if (!n || !json_node_number(n, &v))
		return false;
	*out = v;
	return true;
}

} /* namespace */

Node *JsonSchemaImpl::compile_node(JsonNode *n, const std::string &pointer, GError **error)
{
	auto cached = by_pointer.find(pointer);
	if (cached != by_pointer.end())
		return cached->second;
	nodes.push_back(std::make_unique<Node>());
	Node *s = nodes.back().get();
	by_pointer[pointer] = s;

	if (n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_BOOLEAN) {
		s->is_bool = true;
		s->bool_value = json_node_get_boolean(n);
		return s;
	}
	if (!n || !JSON_NODE_HOLDS_OBJECT(n)) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_INTERNAL,
		            "schema at #%s is neither an object nor a boolean", pointer.c_str());
		return nullptr;
	}
	JsonObject *o = json_node_get_object(n);
	auto sub = [&](const char *key, Node **out) -> bool {
		JsonNode *m = json_object_get_member(o, key);
		if (!m)
			return true;
		*out = compile_node(m, json_pointer_append(pointer, key), error);
		return *out != nullptr;
	};
	auto sub_list = [&](const char *key, std::vector<Node *> *out) -> bool {
		JsonNode *m = json_object_get_member(o, key);
		if (!m)
			return true;
		if (!JSON_NODE_HOLDS_ARRAY(m)) {
			g_set_error(error, JTL_ERROR, JTL_ERROR_INTERNAL, "#%s/%s must be an array",
			            pointer.c_str(), key);
			return false;
		}
		JsonArray *a = json_node_get_array(m);
		std::string p = json_pointer_append(pointer, key);
		for (guint i = 0; i < json_array_get_length(a); i++) {
			Node *c = compile_node(json_array_get_element(a, i),
			                       json_pointer_append(p, i), error);
			if (!c)
				return false;
			out->push_back(c);
		}
		return true;
	};

	if (json_object_has_member(o, "$ref")) {
		const char *ref = json_object_get_string_member_with_default(o, "$ref", "");
		s->ref = ref;
		return s; /* draft-07: siblings of $ref are ignored */
	}
	if (JsonNode *t = json_object_get_member(o, "type")) {
		auto add = [&](JsonNode *tn) {
			if (!JSON_NODE_HOLDS_VALUE(tn) ||
			    json_node_get_value_type(tn) != G_TYPE_STRING)
				return;
			for (const auto &tt : kTypeNames) {
				if (!strcmp(tt.name, json_node_get_string(tn)))
					s->types |= tt.bit;
			}
		};
		if (JSON_NODE_HOLDS_ARRAY(t)) {
			JsonArray *a = json_node_get_array(t);
			for (guint i = 0; i < json_array_get_length(a); i++)
				add(json_array_get_element(a, i));
		} else {
			add(t);
		}
		if (s->types == 0)
			s->types = ~0u & ~(T_NULL | T_BOOLEAN | T_OBJECT | T_ARRAY | T_NUMBER |
			                   T_STRING | T_INTEGER); /* matches nothing */
	}
	if (JsonNode *e = json_object_get_member(o, "enum")) {
		if (JSON_NODE_HOLDS_ARRAY(e)) {
			JsonArray *a = json_node_get_array(e);
			for (guint i = 0; i < json_array_get_length(a); i++)
				s->enum_values.emplace_back(
				        json_node_copy(json_array_get_element(a, i)));
		}
	}
	if (JsonNode *c = json_object_get_member(o, "const"))
		s->const_value.reset(json_node_copy(c));
	get_double(o, "minimum", &s->minimum);
	get_double(o, "maximum", &s->maximum);
	get_double(o, "exclusiveMinimum", &s->exclusive_minimum);
	get_double(o, "exclusiveMaximum", &s->exclusive_maximum);
	get_double(o, "multipleOf", &s->multiple_of);
	get_size(o, "minLength", &s->min_length);
	get_size(o, "maxLength", &s->max_length);
	get_size(o, "minItems", &s->min_items);
	get_size(o, "maxItems", &s->max_items);
	get_size(o, "minProperties", &s->min_properties);
	get_size(o, "maxProperties", &s->max_properties);
	if (const char *p = json_object_get_string_member_with_default(o, "pattern", nullptr)) {
		g_autoptr(GError) re_error = nullptr;
		s->pattern.reset(g_regex_new(p, G_REGEX_OPTIMIZE, GRegexMatchFlags(0), &re_error));
		if (!s->pattern) {
			g_set_error(error, JTL_ERROR, JTL_ERROR_INTERNAL, "#%s/pattern: %s",
			            pointer.c_str(), re_error->message);
			return nullptr;
		}
		s->pattern_source = p;
	}
	if (JsonNode *items = json_object_get_member(o, "items")) {
		if (JSON_NODE_HOLDS_ARRAY(items)) {
			s->items_is_tuple = true;
			if (!sub_list("items", &s->items_tuple))
				return nullptr;
		} else if (!sub("items", &s->items)) {
			return nullptr;
		}
	}
	if (!sub("additionalItems", &s->additional_items) || !sub("contains", &s->contains))
		return nullptr;
	s->unique_items = json_object_get_boolean_member_with_default(o, "uniqueItems", FALSE);
	if (JsonNode *r = json_object_get_member(o, "required")) {
		if (JSON_NODE_HOLDS_ARRAY(r)) {
			JsonArray *a = json_node_get_array(r);
			for (guint i = 0; i < json_array_get_length(a); i++) {
				if (const char *k = json_array_get_string_element(a, i))
					s->required.emplace_back(k);
			}
		}
	}
	if (JsonObject *props = json_object_has_member(o, "properties")
	                                ? json_object_get_object_member(o, "properties")
	                                : nullptr) {
		std::string p = json_pointer_append(pointer, "properties");
		JsonObjectIter it;
		const gchar *name;
		JsonNode *v;
		json_object_iter_init(&it, props);
		while (json_object_iter_next(&it, &name, &v)) {
			Node *c = compile_node(v, json_pointer_append(p, name), error);
			if (!c)
				return nullptr;
			s->properties.emplace_back(name, c);
			s->property_index[name] = c;
		}
	}
	if (JsonObject *pp = json_object_has_member(o, "patternProperties")
	                             ? json_object_get_object_member(o, "patternProperties")
	                             : nullptr) {
		std::string p = json_pointer_append(pointer, "patternProperties");
		JsonObjectIter it;
		const gchar *name;
		JsonNode *v;
		json_object_iter_init(&it, pp);
		while (json_object_iter_next(&it, &name, &v)) {
			g_autoptr(GError) re_error = nullptr;
			RegexPtr re(g_regex_new(name, G_REGEX_OPTIMIZE, GRegexMatchFlags(0),
			                        &re_error));
			if (!re) {
				g_set_error(error, JTL_ERROR, JTL_ERROR_INTERNAL,
				            "#%s: bad pattern %s: %s", p.c_str(), name,
				            re_error->message);
				return nullptr;
			}
			Node *c = compile_node(v, json_pointer_append(p, name), error);
			if (!c)
				return nullptr;
			s->pattern_properties.emplace_back(std::move(re), c);
		}
	}
	if (!sub("additionalProperties", &s->additional_properties) ||
	    !sub("propertyNames", &s->property_names))
		return nullptr;
	if (JsonObject *deps = json_object_has_member(o, "dependencies")
	                               ? json_object_get_object_member(o, "dependencies")
	                               : nullptr) {
		std::string p = json_pointer_append(pointer, "dependencies");
		JsonObjectIter it;
		const gchar *name;
		JsonNode *v;
		json_object_iter_init(&it, deps);
		while (json_object_iter_next(&it, &name, &v)) {
			Dependency d;
			if (JSON_NODE_HOLDS_ARRAY(v)) {
				JsonArray *a = json_node_get_array(v);
				for (guint i = 0; i < json_array_get_length(a); i++) {
					if (const char *k = json_array_get_string_element(a, i))
						d.required.emplace_back(k);
				}
			} else {
				d.schema = compile_node(v, json_pointer_append(p, name), error);
				if (!d.schema)
					return nullptr;
			}
			s->dependencies.emplace_back(name, std::move(d));
		}
	}
	if (!sub_list("allOf", &s->all_of) || !sub_list("anyOf", &s->any_of) ||
	    !sub_list("oneOf", &s->one_of) || !sub("not", &s->not_) || !sub("if", &s->if_) ||
	    !sub("then", &s->then_) || !sub("else", &s->else_))
		return nullptr;
	return s;
}

Node *JsonSchemaImpl::resolve(const std::string &ref, GError **error)
{
	std::string r = ref;
	if (!base_id.empty() && r.compare(0, base_id.size(), base_id) == 0)
		r = r.substr(base_id.size());
	if (r.empty() || r[0] != '#') {
		g_set_error(error, JTL_ERROR, JTL_ERROR_INTERNAL,
		            "$ref %s: only references inside the schema are supported",
		            ref.c_str());
		return nullptr;
	}
	std::string pointer = r.substr(1);
	auto it = by_pointer.find(pointer);
	if (it != by_pointer.end())
		return it->second;
	JsonNode *target = pointer_lookup(document.get(), pointer);
	if (!target) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_INTERNAL, "$ref %s points nowhere",
		            ref.c_str());
		return nullptr;
	}
	return compile_node(target, pointer, error);
}

bool JsonSchemaImpl::compile(GError **error)
{
	if (JsonObject *o = JSON_NODE_HOLDS_OBJECT(document.get())
	                            ? json_node_get_object(document.get())
	                            : nullptr) {
		const char *id = json_object_get_string_member_with_default(o, "$id", "");
		base_id = id;
		std::size_t hash = base_id.find('#');
		if (hash != std::string::npos)
			base_id.resize(hash);
	}
	root = compile_node(document.get(), "", error);
	if (!root)
		return false;
	/* Resolve references; resolving may compile more nodes, so iterate by index. */
	for (std::size_t i = 0; i < nodes.size(); i++) {
		Node *s = nodes[i].get();
		if (s->ref.empty())
			continue;
		s->ref_target = resolve(s->ref, error);
		if (!s->ref_target)
			return false;
	}
	for (const std::unique_ptr<Node> &n : nodes) {
		for (Node *a : n->any_of) {
			n->any_of_consts.emplace_back();
			collect_consts(a, n->any_of_consts.back(), 0);
		}
		for (Node *a : n->one_of) {
			n->one_of_consts.emplace_back();
			collect_consts(a, n->one_of_consts.back(), 0);
		}
	}
	return true;
}

void JsonSchemaImpl::error(std::vector<SchemaError> *out, const std::vector<Token> &path,
                           const std::string &base, const char *keyword, std::string message,
                           std::string allowed) const
{
	std::string p = base;
	for (const Token &t : path)
		p = t.key ? json_pointer_append(p, t.key) : json_pointer_append(p, t.index);
	out->push_back({std::move(p), keyword, std::move(message), std::move(allowed)});
}

void JsonSchemaImpl::collect_consts(const Node *s,
                                    std::vector<std::pair<std::string, JsonNode *>> &out,
                                    int depth) const
{
	if (!s || depth > 16)
		return;
	if (s->ref_target) {
		collect_consts(s->ref_target, out, depth + 1);
		return;
	}
	for (const auto &[name, prop] : s->properties) {
		const Node *p = prop;
		while (p && p->ref_target)
			p = p->ref_target;
		if (p && p->const_value)
			out.emplace_back(name, p->const_value.get());
	}
	for (const Node *a : s->all_of)
		collect_consts(a, out, depth + 1);
	/* A constant every alternative of a oneOf/anyOf shares holds for the whole. */
	for (const std::vector<Node *> *alts : {&s->one_of, &s->any_of}) {
		if (alts->empty())
			continue;
		std::vector<std::pair<std::string, JsonNode *>> common;
		collect_consts(alts->front(), common, depth + 1);
		for (std::size_t i = 1; i < alts->size() && !common.empty(); i++) {
			std::vector<std::pair<std::string, JsonNode *>> mine;
			collect_consts((*alts)[i], mine, depth + 1);
			common.erase(
			        std::remove_if(common.begin(), common.end(),
			                       [&](const auto &c) {
				                       return std::none_of(
				                               mine.begin(), mine.end(),
				                               [&](const auto &m) {
					                               return m.first == c.first &&
					                                      json_equal(m.second,
					                                                 c.second);
				                               });
			                       }),
			        common.end());
		}
		out.insert(out.end(), common.begin(), common.end());
	}
}

unsigned JsonSchemaImpl::declared_types(const Node *s, int depth) const
{
	if (!s || depth > 16)
		return ~0u;
	if (s->is_bool)
		return s->bool_value ? ~0u : 0u;
	if (s->ref_target)
		return declared_types(s->ref_target, depth + 1);
	unsigned t = s->types ? s->types : ~0u;
	if (t & T_NUMBER)
		t |= T_INTEGER;
	for (const Node *a : s->all_of)
		t &= declared_types(a, depth + 1);
	if (!s->one_of.empty() || !s->any_of.empty()) {
		unsigned u = 0;
		for (const Node *a : s->one_of.empty() ? s->any_of : s->one_of)
			u |= declared_types(a, depth + 1);
		t &= u;
	}
	return t;
}

/* When every alternative pins a property to a constant and the instance has that
 * property, the alternatives whose constant differs cannot pass: their "const" fails.
 * Returns the only alternative left (with *pruned set), or nullptr. */
const Node *JsonSchemaImpl::prune(
        const std::vector<Node *> &alts,
        const std::vector<std::vector<std::pair<std::string, JsonNode *>>> &alt_consts,
        JsonNode *inst, bool *pruned) const
{
	*pruned = false;
	if (!inst || !JSON_NODE_HOLDS_OBJECT(inst) || alts.size() < 2)
		return nullptr;
	JsonObject *o = json_node_get_object(inst);
	const Node *left = nullptr;
	std::size_t count = 0;
	for (std::size_t i = 0; i < alts.size(); i++) {
		const Node *a = alts[i];
		const auto &consts = alt_consts[i];
		if (consts.empty())
			return nullptr; /* cannot rule anything out */
		bool excluded = false;
		for (const auto &[name, value] : consts) {
			JsonNode *m = json_object_get_member(o, name.c_str());
			if (m && !json_equal(m, value)) {
				excluded = true;
				break;
			}
		}
		if (!excluded) {
			left = a;
			count++;
		}
	}
	if (count == 1) {
		*pruned = true;
		return left;
	}
	if (count == 0) {
		*pruned = true;
		return nullptr;
	}
	return nullptr;
}

bool JsonSchemaImpl::report_choice(const Node *s, const std::vector<Node *> &alts, JsonNode *inst,
                                   std::vector<Token> &path, std::vector<SchemaError> *out,
                                   const std::string &base, const char *keyword) const
{
	(void)s;
	/* 1. discriminators */
	if (inst && JSON_NODE_HOLDS_OBJECT(inst)) {
		JsonObject *o = json_node_get_object(inst);
		std::vector<const Node *> selected;
		/* property -> distinct constant values across alternatives, in order */
		std::vector<std::pair<std::string, std::vector<JsonNode *>>> discriminators;
		bool all_have_consts = true;
		for (const Node *a : alts) {
			std::vector<std::pair<std::string, JsonNode *>> consts;
			collect_consts(a, consts, 0);
			if (consts.empty())
				all_have_consts = false;
			bool match = !consts.empty();
			for (const auto &c : consts) {
				const std::string &name = c.first;
				JsonNode *value = c.second;
				JsonNode *m = json_object_get_member(o, name.c_str());
				if (!m || !json_equal(m, value))
					match = false;
				auto it = std::find_if(
				        discriminators.begin(), discriminators.end(),
				        [&](const auto &d) { return d.first == name; });
				if (it == discriminators.end()) {
					discriminators.push_back({name, {value}});
				} else if (std::none_of(it->second.begin(), it->second.end(),
				                        [&](JsonNode *v) {
					                        return json_equal(v, value);
				                        })) {
					it->second.push_back(value);
				}
			}
			if (match)
				selected.push_back(a);
		}
		if (all_have_consts && selected.size() == 1)
			return validate(selected.front(), inst, path, out, base);
		if (all_have_consts && selected.empty()) {
			for (const auto &[name, values] : discriminators) {
				JsonNode *m = json_object_get_member(o, name.c_str());
				bool known = m && std::any_of(values.begin(), values.end(),
				                              [&](JsonNode *v) {
					                              return json_equal(v, m);
				                              });
				if (known)
					continue;
				std::string allowed = value_list(values);
				if (!m) {
					error(out, path, base, "required",
					      "missing required property \"" + name +
					              "\" (one of " + allowed + ")",
					      allowed);
				} else {
					path.push_back({name.c_str(), 0});
					error(out, path, base, "discriminator",
					      "unknown " + name + " " + json_excerpt(m, 60) +
					              "; expected one of " + allowed,
					      allowed);
					path.pop_back();
				}
				return false;
			}
		}
	}
	/* 2. the one alternative whose type fits */
	unsigned t = instance_type(inst);
	std::vector<const Node *> fitting;
	unsigned all_types = 0;
	for (const Node *a : alts) {
		unsigned d = declared_types(a, 0);
		all_types |= d;
		if (d & t)
			fitting.push_back(a);
	}
	if (fitting.size() == 1)
		return validate(fitting.front(), inst, path, out, base);
	if (fitting.empty()) {
		error(out, path, base, keyword,
		      "expected " + types_text(all_types) + ", found " + found(inst));
		return false;
	}
	error(out, path, base, keyword,
	      "matches none of the " + std::to_string(alts.size()) + " allowed forms (found " +
	              found(inst) + ")");
	return false;
}

bool JsonSchemaImpl::validate(const Node *s, JsonNode *inst, std::vector<Token> &path,
                              std::vector<SchemaError> *out, const std::string &base) const
{
	if (s->is_bool) {
		if (!s->bool_value && out)
			error(out, path, base, "false", "no value is allowed here");
		return s->bool_value;
	}
	if (s->ref_target)
		return validate(s->ref_target, inst, path, out, base);

	bool ok = true;
#define FAIL()                                                                                     \
	do {                                                                                       \
		ok = false;                                                                        \
		if (!out)                                                                          \
			return false;                                                              \
	} while (0)

	unsigned t = instance_type(inst);
	if (s->types && !(s->types & t)) {
		if (!out)
			return false;
		error(out, path, base, "type",
		      "expected " + types_text(s->types) + ", found " + found(inst));
		return false; /* the other keywords would only repeat the type error */
	}
	if (!s->enum_values.empty()) {
		bool any = false;
		for (const JsonNodePtr &e : s->enum_values)
			any = any || json_equal(inst, e.get());
		if (!any) {
			FAIL();
			std::vector<JsonNode *> values;
			for (const JsonNodePtr &e : s->enum_values)
				values.push_back(e.get());
			std::string allowed = value_list(values);
			error(out, path, base, "enum",
			      "must be one of " + allowed + "; found " + json_excerpt(inst, 60),
			      allowed);
		}
	}
	if (s->const_value && !json_equal(inst, s->const_value.get())) {
		FAIL();
		std::string allowed = json_excerpt(s->const_value.get(), 60);
		error(out, path, base, "const",
		      "must be " + allowed + ", found " + json_excerpt(inst, 60), allowed);
	}
	if (t & T_NUMBER) {
		double v = 0;
		json_node_number(inst, &v);
		auto bound = [&](bool bad, const char *kw, const char *op, double limit) {
			if (!bad)
				return true;
			ok = false;
			if (out)
				error(out, path, base, kw,
				      std::string("must be ") + op + " " + format_number(limit) +
				              ", found " + json_excerpt(inst, 40));
			return out != nullptr;
		};
		if (s->minimum && !bound(v < *s->minimum, "minimum", ">=", *s->minimum))
			return false;
		if (s->maximum && !bound(v > *s->maximum, "maximum", "<=", *s->maximum))
			return false;
		if (s->exclusive_minimum && !bound(v <= *s->exclusive_minimum, "exclusiveMinimum",
		                                   ">", *s->exclusive_minimum))
			return false;
		if (s->exclusive_maximum && !bound(v >= *s->exclusive_maximum, "exclusiveMaximum",
		                                   "<", *s->exclusive_maximum))
			return false;
		if (s->multiple_of && *s->multiple_of > 0) {
			double q = v / *s->multiple_of;
			if (!std::isfinite(q) || std::floor(q) != q) {
				FAIL();
				error(out, path, base, "multipleOf",
				      "must be a multiple of " + format_number(*s->multiple_of) +
				              ", found " + json_excerpt(inst, 40));
			}
		}
	}
	if (t == T_STRING) {
		const char *str = json_node_get_string(inst);
		if (s->min_length || s->max_length) {
			std::size_t len = std::size_t(g_utf8_strlen(str, -1));
			if (s->min_length && len < *s->min_length) {
				FAIL();
				error(out, path, base, "minLength",
				      "must have at least " + std::to_string(*s->min_length) +
				              (*s->min_length == 1 ? " character" : " characters") +
				              ", found " + std::to_string(len));
			}
			if (s->max_length && len > *s->max_length) {
				FAIL();
				error(out, path, base, "maxLength",
				      "must have at most " + std::to_string(*s->max_length) +
				              " characters, found " + std::to_string(len));
			}
		}
		if (s->pattern &&
		    !g_regex_match(s->pattern.get(), str, GRegexMatchFlags(0), nullptr)) {
			FAIL();
			error(out, path, base, "pattern",
			      "must match the pattern " + s->pattern_source + ", found " +
			              json_excerpt(inst, 60));
		}
	}
	if (t == T_ARRAY) {
		JsonArray *a = json_node_get_array(inst);
		std::size_t n = json_array_get_length(a);
		if (s->min_items && n < *s->min_items) {
			FAIL();
			error(out, path, base, "minItems",
			      "must have at least " + std::to_string(*s->min_items) +
			              (*s->min_items == 1 ? " item" : " items") + ", found " +
			              std::to_string(n));
		}
		if (s->max_items && n > *s->max_items) {
			FAIL();
			error(out, path, base, "maxItems",
			      "must have at most " + std::to_string(*s->max_items) +
			              " items, found " + std::to_string(n));
		}
		for (std::size_t i = 0; i < n; i++) {
			const Node *item = nullptr;
			if (!s->items_is_tuple)
				item = s->items;
			else if (i < s->items_tuple.size())
				item = s->items_tuple[i];
			else
				item = s->additional_items;
			if (!item)
				continue;
			path.push_back({nullptr, i});
			bool good = validate(item, json_array_get_element(a, guint(i)), path, out,
			                     base);
			path.pop_back();
			if (!good)
				FAIL();
		}
		if (s->unique_items) {
			for (std::size_t i = 0; i < n && ok; i++) {
				for (std::size_t j = i + 1; j < n; j++) {
					if (json_equal(json_array_get_element(a, guint(i)),
					               json_array_get_element(a, guint(j)))) {
						FAIL();
						error(out, path, base, "uniqueItems",
						      "items " + std::to_string(i) + " and " +
						              std::to_string(j) + " are equal");
						break;
					}
				}
			}
		}
		if (s->contains) {
			bool any = false;
			for (std::size_t i = 0; i < n && !any; i++) {
				std::vector<Token> scratch;
				any = validate(s->contains, json_array_get_element(a, guint(i)),
				               scratch, nullptr, base);
			}
			if (!any) {
				FAIL();
				error(out, path, base, "contains",
				      "must contain at least one item of the required form");
			}
		}
	}
	if (t == T_OBJECT) {
		JsonObject *o = json_node_get_object(inst);
		for (const std::string &r : s->required) {
			if (!json_object_has_member(o, r.c_str())) {
				FAIL();
				error(out, path, base, "required",
				      "missing required property \"" + r + "\"");
			}
		}
		std::size_t size = json_object_get_size(o);
		if (s->min_properties && size < *s->min_properties) {
			FAIL();
			error(out, path, base, "minProperties",
			      "must have at least " + std::to_string(*s->min_properties) +
			              (*s->min_properties == 1 ? " property" : " properties") +
			              ", found " + std::to_string(size));
		}
		if (s->max_properties && size > *s->max_properties) {
			FAIL();
			error(out, path, base, "maxProperties",
			      "must have at most " + std::to_string(*s->max_properties) +
			              " properties, found " + std::to_string(size));
		}
		bool check_members = !s->property_index.empty() || !s->pattern_properties.empty() ||
		                     s->additional_properties || s->property_names;
		if (check_members) {
			JsonObjectIter it;
			const gchar *name;
			JsonNode *v;
			json_object_iter_init(&it, o);
			while (json_object_iter_next(&it, &name, &v)) {
				path.push_back({name, 0});
				bool matched = false;
				auto p = s->property_index.find(name);
				if (p != s->property_index.end()) {
					matched = true;
					if (!validate(p->second, v, path, out, base)) {
						path.pop_back();
						FAIL();
						path.push_back({name, 0});
					}
				}
				for (const auto &[re, sub] : s->pattern_properties) {
					if (g_regex_match(re.get(), name, GRegexMatchFlags(0),
					                  nullptr)) {
						matched = true;
						if (!validate(sub, v, path, out, base)) {
							path.pop_back();
							FAIL();
							path.push_back({name, 0});
						}
					}
				}
				if (!matched && s->additional_properties) {
					const Node *ap = s->additional_properties;
					if (ap->is_bool && !ap->bool_value) {
						if (!out) {
							path.pop_back();
							return false;
						}
						ok = false;
						error(out, path, base, "additionalProperties",
						      std::string("property \"") + name +
						              "\" is not allowed here");
					} else if (!validate(ap, v, path, out, base)) {
						path.pop_back();
						FAIL();
						path.push_back({name, 0});
					}
				}
				if (s->property_names) {
					JsonNode *key = json_node_new(JSON_NODE_VALUE);
					json_node_set_string(key, name);
					bool good =
					        validate(s->property_names, key, path, out, base);
					json_node_unref(key);
					if (!good) {
						path.pop_back();
						FAIL();
						path.push_back({name, 0});
					}
				}
				path.pop_back();
			}
		}
		for (const auto &[name, dep] : s->dependencies) {
			if (!json_object_has_member(o, name.c_str()))
				continue;
			for (const std::string &r : dep.required) {
				if (!json_object_has_member(o, r.c_str())) {
					FAIL();
					error(out, path, base, "dependencies",
					      "property \"" + name + "\" requires property \"" + r +
					              "\"");
				}
			}
			if (dep.schema && !validate(dep.schema, inst, path, out, base))
				FAIL();
		}
	}
	for (const Node *a : s->all_of) {
		if (!validate(a, inst, path, out, base))
			FAIL();
	}
	if (!s->any_of.empty()) {
		bool pruned = false;
		const Node *only = prune(s->any_of, s->any_of_consts, inst, &pruned);
		bool any = false;
		if (pruned) {
			any = only && validate(only, inst, path, nullptr, base);
		} else {
			for (const Node *a : s->any_of) {
				if (validate(a, inst, path, nullptr, base)) {
					any = true;
					break;
				}
			}
		}
		if (!any) {
			FAIL();
			report_choice(s, s->any_of, inst, path, out, base, "anyOf");
		}
	}
	if (!s->one_of.empty()) {
		bool pruned = false;
		const Node *only = prune(s->one_of, s->one_of_consts, inst, &pruned);
		std::vector<std::size_t> passing;
		if (pruned) {
			if (only && validate(only, inst, path, nullptr, base))
				passing.push_back(0);
		} else {
			for (std::size_t i = 0; i < s->one_of.size(); i++) {
				if (validate(s->one_of[i], inst, path, nullptr, base))
					passing.push_back(i);
			}
		}
		if (passing.empty()) {
			FAIL();
			report_choice(s, s->one_of, inst, path, out, base, "oneOf");
		} else if (passing.size() > 1) {
			FAIL();
			error(out, path, base, "oneOf",
			      "matches more than one of the allowed forms (alternatives " +
			              std::to_string(passing[0]) + " and " +
			              std::to_string(passing[1]) + ")");
		}
	}
	if (s->not_ && validate(s->not_, inst, path, nullptr, base)) {
		FAIL();
		error(out, path, base, "not", "must not match the excluded form");
	}
	if (s->if_) {
		bool cond = validate(s->if_, inst, path, nullptr, base);
		const Node *branch = cond ? s->then_ : s->else_;
		if (branch && !validate(branch, inst, path, out, base))
			FAIL();
	}
#undef FAIL
	return ok;
}

JsonSchema::JsonSchema(std::unique_ptr<JsonSchemaImpl> impl) : impl_(std::move(impl))
{
}

JsonSchema::~JsonSchema() = default;

std::unique_ptr<JsonSchema> JsonSchema::compile(JsonNode *schema, GError **error)
{
	auto impl = std::make_unique<JsonSchemaImpl>();
	impl->document.reset(json_node_copy(schema));
	if (!impl->compile(error))
		return nullptr;
	return std::unique_ptr<JsonSchema>(new JsonSchema(std::move(impl)));
}

bool JsonSchema::validate(JsonNode *instance, std::vector<SchemaError> &errors,
                          const std::string &base_path) const
{
	std::vector<Token> path;
	return impl_->validate(impl_->root, instance, path, &errors, base_path);
}

bool JsonSchema::is_valid(JsonNode *instance) const
{
	std::vector<Token> path;
	return impl_->validate(impl_->root, instance, path, nullptr, "");
}

} /* namespace jtl */
