// SPDX-License-Identifier: LGPL-2.1-or-later
// CSS colour strings of editor JSON (#rgb, #rrggbb, #rrggbbaa, rgb(), rgba(), names).
#include <jsontimeline/color.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <glib.h>

namespace jtl {

uint32_t Color::argb() const
{
	auto byte = [](double v) { return uint32_t(std::lround(std::clamp(v, 0.0, 1.0) * 255.0)); };
	return (byte(a) << 24) | (byte(r) << 16) | (byte(g) << 8) | byte(b);
}

namespace {

std::string lower_trimmed(std::string_view text)
{
	std::size_t start = 0, end = text.size();
	while (start < end && g_ascii_isspace(text[start]))
		start++;
	while (end > start && g_ascii_isspace(text[end - 1]))
		end--;
	std::string out(text.substr(start, end - start));
	std::transform(out.begin(), out.end(), out.begin(),
	               [](char c) { return char(g_ascii_tolower(c)); });
	return out;
}

std::optional<Color> parse_hex(const std::string &s)
{
	std::string h = s.substr(1);
	for (char c : h) {
		if (!g_ascii_isxdigit(c))
			return std::nullopt;
	}
	auto digit = [&](std::size_t i) { return g_ascii_xdigit_value(h[i]); };
	double v[4] = {0, 0, 0, 1};
	if (h.size() == 3 || h.size() == 4) {
		for (std::size_t i = 0; i < h.size(); i++)
			v[i] = (digit(i) * 17) / 255.0;
	} else if (h.size() == 6 || h.size() == 8) {
		for (std::size_t i = 0; i < h.size() / 2; i++)
			v[i] = (digit(2 * i) * 16 + digit(2 * i + 1)) / 255.0;
	} else {
		return std::nullopt;
	}
	return Color{v[0], v[1], v[2], v[3]};
}

/* One component: a number, or a percentage when percent is allowed. */
bool component(const std::string &tok, double scale, double *out)
{
	if (tok.empty())
		return false;
	bool percent = tok.back() == '%';
	std::string num = percent ? tok.substr(0, tok.size() - 1) : tok;
	gchar *end = nullptr;
	double v = g_ascii_strtod(num.c_str(), &end);
	if (num.empty() || !end || *end != '\0' || !std::isfinite(v))
		return false;
	*out = std::clamp(percent ? v / 100.0 : v / scale, 0.0, 1.0);
	return true;
}

std::optional<Color> parse_function(const std::string &s)
{
	std::size_t open = s.find('(');
	if (open == std::string::npos || s.back() != ')')
		return std::nullopt;
	std::string name = s.substr(0, open);
	if (name != "rgb" && name != "rgba")
		return std::nullopt;
	std::string body = s.substr(open + 1, s.size() - open - 2);
	std::vector<std::string> toks;
	std::string cur;
	bool slash = false;
	for (char c : body) {
		if (c == ',' || c == ' ' || c == '\t' || c == '/') {
			if (!cur.empty())
				toks.push_back(cur);
			cur.clear();
			if (c == '/') {
				if (toks.size() != 3)
					return std::nullopt;
				slash = true;
			}
		} else {
			cur += c;
		}
	}
	if (!cur.empty())
		toks.push_back(cur);
	if (toks.size() != 3 && toks.size() != 4)
		return std::nullopt;
	if (slash && toks.size() != 4)
		return std::nullopt;
	Color c;
	if (!component(toks[0], 255.0, &c.r) || !component(toks[1], 255.0, &c.g) ||
	    !component(toks[2], 255.0, &c.b))
		return std::nullopt;
	if (toks.size() == 4 && !component(toks[3], 1.0, &c.a))
		return std::nullopt;
	return c;
}

} /* namespace */

std::optional<Color> parse_color(std::string_view text)
{
	std::string s = lower_trimmed(text);
	if (s.empty())
		return std::nullopt;
	if (s[0] == '#')
		return parse_hex(s);
	if (s.find('(') != std::string::npos)
		return parse_function(s);
	static const struct {
		const char *name;
		uint32_t rgb;
	} names[] = {
	        {"black", 0x000000},  {"silver", 0xc0c0c0}, {"gray", 0x808080},
	        {"grey", 0x808080},   {"white", 0xffffff},  {"maroon", 0x800000},
	        {"red", 0xff0000},    {"purple", 0x800080}, {"fuchsia", 0xff00ff},
	        {"green", 0x008000},  {"lime", 0x00ff00},   {"olive", 0x808000},
	        {"yellow", 0xffff00}, {"navy", 0x000080},   {"blue", 0x0000ff},
	        {"teal", 0x008080},   {"aqua", 0x00ffff},   {"orange", 0xffa500},
	};
	if (s == "transparent")
		return Color{0, 0, 0, 0};
	for (const auto &n : names) {
		if (s == n.name)
			return Color{((n.rgb >> 16) & 0xff) / 255.0, ((n.rgb >> 8) & 0xff) / 255.0,
			             (n.rgb & 0xff) / 255.0, 1.0};
	}
	return std::nullopt;
}

} /* namespace jtl */
