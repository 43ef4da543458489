// SPDX-License-Identifier: LGPL-2.1-or-later
// Budgets on Lottie animations, checked on their JSON before rlottie expands them.
#include <jsontimeline/budgets.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include <jsontimeline/diagnostics.h>
#include <jsontimeline/json.h>

namespace jtl {

std::string LottieExcess::text() const
{
	return pointer.empty() ? message : message + " (at " + pointer + ")";
}

namespace {

JsonObject *object_of(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : nullptr;
}

JsonArray *array_of(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : nullptr;
}

JsonNode *get(JsonObject *o, const char *key)
{
	return o ? json_object_get_member(o, key) : nullptr;
}

std::string string_of(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
	               ? json_node_get_string(n)
	               : std::string();
}

/* A count for messages: exact while small, else in powers of ten. */
std::string count_text(double v)
{
	if (!std::isfinite(v) || v >= 1e15) {
		char buf[32];
		g_snprintf(buf, sizeof buf, "%.3g", v);
		return buf;
	}
	return std::to_string(int64_t(v));
}

/* The largest value an animatable number ({"a": 0, "k": N}, {"a": 1, "k": [{"s": [N]},
 * ...]}, N or [N]) takes: its static value or the start and end values of its keyframes. */
double largest_value(JsonNode *n, unsigned depth = 0)
{
	double v = 0;
	if (!n || depth > 8)
		return 0;
	if (json_node_number(n, &v))
		return std::isnan(v) ? HUGE_VAL : v;
	double most = 0;
	if (JsonArray *a = array_of(n)) {
		for (guint i = 0; i < json_array_get_length(a); i++)
			most = std::max(most,
			                largest_value(json_array_get_element(a, i), depth + 1));
	} else if (JsonObject *o = object_of(n)) {
		for (const char *key : {"k", "s", "e"})
			most = std::max(most, largest_value(get(o, key), depth + 1));
	}
	return most;
}

uint32_t be16(const guchar *d)
{
	return uint32_t(d[0]) << 8 | d[1];
}

uint32_t le32(const guchar *d)
{
	return uint32_t(d[0]) | uint32_t(d[1]) << 8 | uint32_t(d[2]) << 16 | uint32_t(d[3]) << 24;
}

/* The size a PNG, JPEG, GIF or BMP says it has, from its header; false for anything else
 * or a header cut short. */
bool image_header_size(const guchar *d, gsize n, double *w, double *h)
{
	if (n >= 24 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) {
		*w = double(uint32_t(d[16]) << 24 | uint32_t(d[17]) << 16 | be16(d + 18));
		*h = double(uint32_t(d[20]) << 24 | uint32_t(d[21]) << 16 | be16(d + 22));
		return true;
	}
	if (n >= 10 && memcmp(d, "GIF8", 4) == 0) {
		*w = d[6] | d[7] << 8;
		*h = d[8] | d[9] << 8;
		return true;
	}
	if (n >= 26 && d[0] == 'B' && d[1] == 'M') {
		*w = std::fabs(double(int32_t(le32(d + 18))));
		*h = std::fabs(double(int32_t(le32(d + 22))));
		return true;
	}
	if (n < 4 || d[0] != 0xff || d[1] != 0xd8)
		return false;
	/* JPEG: the first start-of-frame marker (C0-CF but C4, C8, CC) holds the size */
	gsize pos = 2;
	while (pos + 9 < n) {
		if (d[pos] != 0xff)
			return false;
		guchar m = d[pos + 1];
		if (m == 0xff) {
			pos++;
			continue;
		}
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
			*h = be16(d + pos + 5);
			*w = be16(d + pos + 7);
			return true;
		}
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd9))
			pos += 2;
		else
			pos += 2 + be16(d + pos + 2);
	}
	return false;
}

/* What a list of layers makes rlottie build. */
struct Cost {
	double layers = 0, shapes = 0;
};

class LottieChecker
{
public:
	LottieChecker(JsonObject *root, const LottieBudgets &budgets, LottieExcess *excess)
	        : root_(root), budgets_(budgets), excess_(excess)
	{
	}

	bool run()
	{
		if (!root_ || !array_of(get(root_, "layers")))
			return fail("", "not a Lottie animation: no \"layers\"");
		double w = 0, h = 0, ip = 0, op = 0, fr = 0;
		if (!json_node_number(get(root_, "w"), &w) ||
		    !json_node_number(get(root_, "h"), &h) ||
		    !(w >= 1 && h >= 1 && w <= budgets_.max_side && h <= budgets_.max_side))
			return fail("/w", "the canvas is " + count_text(w) + "x" + count_text(h) +
			                          "; each side must be 1 to " +
			                          std::to_string(budgets_.max_side) + " pixels");
		if (!json_node_number(get(root_, "fr"), &fr) ||
		    !(fr > 0 && fr <= budgets_.max_frame_rate))
			return fail("/fr", "the frame rate must be above 0 and at most " +
			                           count_text(budgets_.max_frame_rate));
		if (!json_node_number(get(root_, "ip"), &ip) ||
		    !json_node_number(get(root_, "op"), &op) || !(op - ip <= budgets_.max_frames))
			return fail("/op", "the animation has " + count_text(op - ip) +
			                           " frames (op - ip); the limit is " +
			                           count_text(budgets_.max_frames));
		JsonArray *assets = array_of(get(root_, "assets"));
		if (assets) {
			if (json_array_get_length(assets) > budgets_.max_assets)
				return fail("/assets",
				            "the animation has " +
				                    std::to_string(json_array_get_length(assets)) +
				                    " assets; the limit is " +
				                    std::to_string(budgets_.max_assets));
			for (guint i = 0; i < json_array_get_length(assets); i++) {
				JsonObject *a = object_of(json_array_get_element(assets, i));
				std::string id = string_of(get(a, "id"));
				if (a && array_of(get(a, "layers")) && !id.empty())
					precomps_.emplace(id, i);
				else if (a && !image(a, json_pointer_append("/assets", i)))
					return false;
			}
		}
		Cost total;
		return layers(array_of(get(root_, "layers")), "/layers", 0, &total) &&
		       within(total, "/layers");
	}

private:
	bool fail(const std::string &pointer, const std::string &message)
	{
		if (excess_->message.empty()) {
			excess_->pointer = pointer;
			excess_->message = message;
		}
		return false;
	}

	bool image_within(double w, double h, const std::string &pointer, const char *what)
	{
		if (w <= budgets_.max_side && h <= budgets_.max_side &&
		    w * h <= budgets_.max_image_pixels)
			return true;
		return fail(pointer, std::string(what) + " is " + count_text(w) + "x" +
		                             count_text(h) + ", more than the limit of " +
		                             count_text(budgets_.max_image_pixels) + " pixels");
	}

	/* An image asset: rlottie decodes it whole when it loads the animation. */
	bool image(JsonObject *a, const std::string &pointer)
	{
		double w = 0, h = 0;
		if (json_node_number(get(a, "w"), &w) && json_node_number(get(a, "h"), &h) &&
		    !image_within(w, h, pointer, "the image"))
			return false;
		std::string p = string_of(get(a, "p"));
		if (!g_str_has_prefix(p.c_str(), "data:"))
			return true;
		std::size_t comma = p.find(',');
		std::string at = json_pointer_append(pointer, "p");
		if (comma == std::string::npos || p.rfind(";base64", comma) == std::string::npos)
			return fail(at, "an embedded image must be a base64 data: URI");
		gsize n = 0;
		g_autofree guchar *bytes = g_base64_decode(p.c_str() + comma + 1, &n);
		if (!image_header_size(bytes, n, &w, &h))
			return fail(at, "the embedded image is not a PNG, JPEG, GIF or BMP whose "
			                "size can be read");
		return image_within(w, h, at, "the embedded image");
	}

	bool within(const Cost &c, const std::string &pointer)
	{
		if (c.layers > budgets_.max_layers)
			return fail(pointer, "the animation builds " + count_text(c.layers) +
			                             " layers (precomps counted once per use); the "
			                             "limit is " +
			                             count_text(budgets_.max_layers));
		if (c.shapes > budgets_.max_shapes)
			return fail(pointer, "the animation builds " + count_text(c.shapes) +
			                             " shapes (repeaters and precomps multiply "
			                             "what they hold); the limit is " +
			                             count_text(budgets_.max_shapes));
		return true;
	}

	/* The shapes of a shape list (a layer's "shapes", a group's "it"): a repeater copies
	 * everything before it in its list. */
	bool shapes(JsonArray *list, const std::string &pointer, double *count)
	{
		double n = 0;
		for (guint i = 0; list && i < json_array_get_length(list); i++) {
			JsonObject *s = object_of(json_array_get_element(list, i));
			std::string p = json_pointer_append(pointer, i);
			std::string ty = string_of(get(s, "ty"));
			if (ty == "gr") {
				double inner = 0;
				if (!shapes(array_of(get(s, "it")), json_pointer_append(p, "it"),
				            &inner))
					return false;
				n += 1 + inner;
			} else if (ty == "rp") {
				double copies = largest_value(get(s, "c"));
				n = n * std::max(1.0, std::ceil(copies)) + 1;
			} else {
				n += 1;
			}
			if (!within(Cost{0, n}, p))
				return false;
		}
		*count = n;
		return true;
	}

	bool layers(JsonArray *list, const std::string &pointer, unsigned depth, Cost *out)
	{
		Cost c;
		for (guint i = 0; list && i < json_array_get_length(list); i++) {
			JsonObject *l = object_of(json_array_get_element(list, i));
			std::string p = json_pointer_append(pointer, i);
			c.layers += 1;
			if (JsonArray *masks = array_of(get(l, "masksProperties")))
				c.shapes += json_array_get_length(masks);
			double n = 0;
			if (!shapes(array_of(get(l, "shapes")), json_pointer_append(p, "shapes"),
			            &n))
				return false;
			c.shapes += n;
			std::string ref = string_of(get(l, "refId"));
			auto it = ref.empty() ? precomps_.end() : precomps_.find(ref);
			if (it != precomps_.end()) {
				Cost inner;
				if (!precomp(it->first, it->second, depth + 1, &inner))
					return false;
				c.layers += inner.layers;
				c.shapes += inner.shapes;
			}
			if (!within(c, p))
				return false;
		}
		*out = c;
		return true;
	}

	bool precomp(const std::string &id, guint index, unsigned depth, Cost *out)
	{
		auto done = costs_.find(id);
		if (done != costs_.end()) {
			*out = done->second;
			return true;
		}
		std::string p =
		        json_pointer_append(json_pointer_append("/assets", index), "layers");
		if (depth > budgets_.max_precomp_depth)
			return fail(p, "precomps are nested more than " +
			                       std::to_string(budgets_.max_precomp_depth) +
			                       " deep");
		if (!open_.insert(id).second)
			return fail(p, "the precomp \"" + id.substr(0, 60) + "\" contains itself");
		JsonObject *a =
		        object_of(json_array_get_element(array_of(get(root_, "assets")), index));
		Cost c;
		bool ok = layers(array_of(get(a, "layers")), p, depth, &c);
		open_.erase(id);
		if (!ok)
			return false;
		costs_[id] = c;
		*out = c;
		return true;
	}

	JsonObject *root_;
	const LottieBudgets &budgets_;
	LottieExcess *excess_;
	std::map<std::string, guint> precomps_; /* precomp asset id -> index in "assets" */
	std::map<std::string, Cost> costs_;     /* of the precomps counted */
	std::set<std::string> open_;            /* the precomps being counted */
};

} /* namespace */

bool check_lottie_budgets(JsonNode *root, LottieExcess *excess, const LottieBudgets &budgets)
{
	*excess = LottieExcess();
	return LottieChecker(object_of(root), budgets, excess).run();
}

bool check_lottie_budgets_text(std::string_view json, LottieExcess *excess,
                               const LottieBudgets &budgets)
{
	Diagnostics diags;
	JsonNodePtr root = parse_json(json, JsonLimits{}, diags);
	if (!root) {
		*excess = LottieExcess();
		excess->message = "the Lottie JSON cannot be read";
		for (const Diagnostic &d : diags.errors()) {
			excess->message += ": " + d.message;
			break;
		}
		return false;
	}
	return check_lottie_budgets(root.get(), excess, budgets);
}

} /* namespace jtl */
