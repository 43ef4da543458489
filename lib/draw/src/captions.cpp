// SPDX-License-Identifier: LGPL-2.1-or-later
// Timed captions: SRT/WebVTT cues, words, pages, the highlighted word and caption animations.
#include <jsontimeline/captions.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include <glib.h>
#include <json-glib/json-glib.h>

namespace jtl {

namespace {

std::string trim(const std::string &s)
{
	std::size_t a = s.find_first_not_of(" \t\r\n");
	if (a == std::string::npos)
		return "";
	std::size_t b = s.find_last_not_of(" \t\r\n");
	return s.substr(a, b - a + 1);
}

/* "hh:mm:ss,mmm", "hh:mm:ss.mmm" or "mm:ss.mmm" in ms; false when unreadable. */
bool parse_timestamp(const std::string &s, double *ms)
{
	unsigned a = 0, b = 0, c = 0, f = 0;
	char sep = 0;
	int n = 0;
	std::string t = trim(s);
	if (std::sscanf(t.c_str(), "%u:%u:%u%c%u%n", &a, &b, &c, &sep, &f, &n) == 5 &&
	    (sep == ',' || sep == '.') && std::size_t(n) == t.size()) {
		if (b > 59 || c > 59 || f > 999)
			return false;
		*ms = ((a * 60.0 + b) * 60.0 + c) * 1000.0 + f;
		return true;
	}
	if (std::sscanf(t.c_str(), "%u:%u%c%u%n", &b, &c, &sep, &f, &n) == 4 && sep == '.' &&
	    std::size_t(n) == t.size()) {
		if (c > 59 || f > 999)
			return false;
		*ms = (b * 60.0 + c) * 1000.0 + f;
		return true;
	}
	return false;
}

/* Text with <...> tags removed (cue markup of both formats). */
std::string strip_tags(const std::string &s)
{
	std::string out;
	bool in_tag = false;
	for (char c : s) {
		if (c == '<')
			in_tag = true;
		else if (c == '>' && in_tag)
			in_tag = false;
		else if (!in_tag)
			out += c;
	}
	return out;
}

} /* namespace */

bool parse_subtitles(const std::string &text, std::vector<CaptionEntry> *entries,
                     std::string *error)
{
	entries->clear();
	std::istringstream in(text);
	std::string line;
	int number = 0;
	bool vtt = false;
	/* blocks are separated by blank lines; a block with "-->" is a cue */
	std::vector<std::pair<int, std::string>> block;
	auto flush = [&]() -> bool {
		std::size_t i = 0;
		while (i < block.size() && block[i].second.find("-->") == std::string::npos)
			i++;
		if (i == block.size()) {
			block.clear();
			return true; /* a header, NOTE, STYLE, REGION or a stray number */
		}
		const std::string &timing = block[i].second;
		std::size_t arrow = timing.find("-->");
		std::string end = timing.substr(arrow + 3);
		std::size_t blank = trim(end).find_first_of(" \t");
		end = blank == std::string::npos ? trim(end) : trim(end).substr(0, blank);
		CaptionEntry e;
		if (!parse_timestamp(timing.substr(0, arrow), &e.start_ms) ||
		    !parse_timestamp(end, &e.end_ms)) {
			*error = "line " + std::to_string(block[i].first) + ": the cue timing \"" +
			         trim(timing) + "\" cannot be read";
			return false;
		}
		for (std::size_t j = i + 1; j < block.size(); j++) {
			std::string t = trim(strip_tags(block[j].second));
			if (t.empty())
				continue;
			if (!e.text.empty())
				e.text += ' ';
			e.text += t;
		}
		block.clear();
		if (e.end_ms <= e.start_ms || e.text.empty())
			return true;
		entries->push_back(std::move(e));
		return true;
	};
	while (std::getline(in, line)) {
		number++;
		if (!line.empty() && line.back() == '\r')
			line.pop_back();
		if (number == 1) {
			/* a UTF-8 byte order mark */
			if (line.compare(0, 3, "\xEF\xBB\xBF") == 0)
				line.erase(0, 3);
			if (line.compare(0, 6, "WEBVTT") == 0) {
				vtt = true;
				continue;
			}
		}
		if (trim(line).empty()) {
			if (!flush())
				return false;
			continue;
		}
		block.emplace_back(number, line);
	}
	if (!flush())
		return false;
	(void)vtt;
	std::stable_sort(entries->begin(), entries->end(),
	                 [](const CaptionEntry &a, const CaptionEntry &b) {
		                 return a.start_ms < b.start_ms;
	                 });
	return true;
}

std::string caption_entries_json(const std::vector<CaptionEntry> &entries)
{
	JsonBuilder *b = json_builder_new();
	json_builder_begin_array(b);
	for (const CaptionEntry &e : entries) {
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "text");
		json_builder_add_string_value(b, e.text.c_str());
		json_builder_set_member_name(b, "startMs");
		json_builder_add_double_value(b, e.start_ms);
		json_builder_set_member_name(b, "endMs");
		json_builder_add_double_value(b, e.end_ms);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	JsonNode *root = json_builder_get_root(b);
	gchar *text = json_to_string(root, FALSE);
	std::string out = text;
	g_free(text);
	json_node_unref(root);
	g_object_unref(b);
	return out;
}

bool parse_caption_entries_json(const std::string &json, std::vector<CaptionEntry> *entries,
                                std::string *error)
{
	entries->clear();
	JsonParser *parser = json_parser_new();
	GError *err = nullptr;
	bool ok = json_parser_load_from_data(parser, json.c_str(), gssize(json.size()), &err);
	if (!ok) {
		*error = std::string("not JSON: ") + err->message;
		g_error_free(err);
		g_object_unref(parser);
		return false;
	}
	JsonNode *root = json_parser_get_root(parser);
	if (!root || !JSON_NODE_HOLDS_ARRAY(root)) {
		*error = "not a JSON array of caption entries";
		g_object_unref(parser);
		return false;
	}
	JsonArray *a = json_node_get_array(root);
	for (guint i = 0; i < json_array_get_length(a) && ok; i++) {
		JsonNode *n = json_array_get_element(a, i);
		JsonObject *o = JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : nullptr;
		auto number = [&](const char *key, double *out) {
			JsonNode *v = o ? json_object_get_member(o, key) : nullptr;
			if (!v || !JSON_NODE_HOLDS_VALUE(v) ||
			    (json_node_get_value_type(v) != G_TYPE_DOUBLE &&
			     json_node_get_value_type(v) != G_TYPE_INT64))
				return false;
			*out = json_node_get_double(v);
			return true;
		};
		JsonNode *t = o ? json_object_get_member(o, "text") : nullptr;
		CaptionEntry e;
		if (!t || !JSON_NODE_HOLDS_VALUE(t) ||
		    json_node_get_value_type(t) != G_TYPE_STRING ||
		    !number("startMs", &e.start_ms) || !number("endMs", &e.end_ms)) {
			*error = "entry " + std::to_string(i) +
			         " is not {\"text\": string, \"startMs\": number, \"endMs\": "
			         "number}";
			ok = false;
			break;
		}
		e.text = json_node_get_string(t);
		entries->push_back(std::move(e));
	}
	g_object_unref(parser);
	return ok;
}

std::vector<CaptionWord> caption_words(const std::vector<CaptionEntry> &entries,
                                       TimingGranularity timing)
{
	std::vector<CaptionWord> words;
	for (std::size_t i = 0; i < entries.size(); i++) {
		const CaptionEntry &e = entries[i];
		double start = e.start_ms, end = std::max(e.start_ms, e.end_ms);
		if (!std::isfinite(start) || !std::isfinite(end))
			continue;
		if (timing == TimingGranularity::Word) {
			std::string t = trim(e.text);
			if (!t.empty())
				words.push_back(CaptionWord{t, start, end, i, 0, 0});
			continue;
		}
		/* a line: its words share its time by their number of characters */
		std::vector<std::string> parts;
		std::istringstream in(e.text);
		std::string w;
		glong total = 0;
		while (in >> w) {
			total += g_utf8_strlen(w.c_str(), -1);
			parts.push_back(w);
		}
		double at = start;
		for (const std::string &p : parts) {
			double share = total > 0 ? double(g_utf8_strlen(p.c_str(), -1)) / total : 0;
			double next = at + (end - start) * share;
			words.push_back(CaptionWord{p, at, next, i, 0, 0});
			at = next;
		}
	}
	return words;
}

std::vector<CaptionPage> paginate_captions(const std::vector<CaptionWord> &words,
                                           TimingGranularity timing, double page_duration_ms,
                                           int max_lines,
                                           const std::function<int(const std::string &)> &lines)
{
	std::vector<CaptionPage> pages;
	max_lines = std::max(1, max_lines);
	std::size_t i = 0;
	while (i < words.size()) {
		CaptionPage page;
		page.start_ms = words[i].start_ms;
		for (; i < words.size(); i++) {
			const CaptionWord &w = words[i];
			if (!page.words.empty()) {
				if (w.end_ms - page.start_ms > page_duration_ms)
					break;
				if (timing == TimingGranularity::Line &&
				    w.cue != page.words.back().cue)
					break;
				if (lines && lines(page.text + " " + w.text) > max_lines)
					break;
			}
			CaptionWord placed = w;
			if (!page.text.empty())
				page.text += ' ';
			placed.byte = page.text.size();
			placed.length = w.text.size();
			page.text += w.text;
			page.words.push_back(std::move(placed));
		}
		page.end_ms = page.words.back().end_ms;
		pages.push_back(std::move(page));
	}
	for (std::size_t p = 0; p + 1 < pages.size(); p++) {
		double next = pages[p + 1].start_ms;
		if (next >= pages[p].end_ms && next - pages[p].end_ms < kCaptionHoldMs)
			pages[p].end_ms = next;
		pages[p].end_ms = std::min(pages[p].end_ms, std::max(next, pages[p].start_ms));
	}
	return pages;
}

int caption_page_at(const std::vector<CaptionPage> &pages, double t_ms)
{
	auto it = std::upper_bound(pages.begin(), pages.end(), t_ms,
	                           [](double t, const CaptionPage &p) { return t < p.start_ms; });
	if (it == pages.begin())
		return -1;
	--it;
	return t_ms < it->end_ms ? int(it - pages.begin()) : -1;
}

namespace {

double ms_of(Ticks t)
{
	return double(ticks_to_ns(t)) / 1e6;
}

double clamp01(double x)
{
	return std::clamp(x, 0.0, 1.0);
}

/* Overshooting ease-out: 0 -> 1 with a damped spring past 1. */
double elastic(double x)
{
	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	return 1.0 + std::pow(2.0, -10.0 * x) * std::sin((x - 0.075) * 2.0 * M_PI / 0.3);
}

/* A glyph's own progress when glyphs start one after another over the first half. */
double staggered(double p, int index, int count)
{
	double start = count > 1 ? 0.5 * index / (count - 1) : 0.0;
	return clamp01((p - start) / 0.5);
}

/* Deterministic noise in [-1, 1] for a glyph in a frame. */
double noise(int index, long frame, int axis)
{
	guint32 h = guint32(index) * 2654435761u ^ guint32(frame) * 40503u ^ guint32(axis) * 97u;
	h ^= h >> 13;
	h *= 0x5bd1e995u;
	h ^= h >> 15;
	return (h % 2001) / 1000.0 - 1.0;
}

Color hue(double h)
{
	h = h - std::floor(h);
	double r = std::clamp(std::abs(h * 6 - 3) - 1, 0.0, 1.0);
	double g = std::clamp(2 - std::abs(h * 6 - 2), 0.0, 1.0);
	double b = std::clamp(2 - std::abs(h * 6 - 4), 0.0, 1.0);
	return Color{r, g, b, 1.0};
}

Color mix(const Color &a, const Color &b, double t)
{
	return Color{a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t, a.a};
}

/* One animation acting on a glyph: p is the reveal (0 hidden .. 1 in place) for in/out,
 * the phase of the cycle for loop; effect scales the effects that are not reveals. */
struct Act {
	CaptionAnimationType type;
	double p;
	bool loop;
	long frame;
};

void apply(const Act &a, const GlyphPlace &g, GlyphLook *look, double *clip_l, double *clip_r)
{
	int n = std::max(1, g.count);
	double gx = g.x + g.width / 2.0;
	/* loop-natural effects fade in/out with the reveal; reveals replay every cycle */
	double strength = a.loop ? 1.0 : 1.0 - a.p;
	double p = a.p;
	switch (a.type) {
	case CaptionAnimationType::Typewriter:
		if (g.index >= int(std::floor(p * n + 1e-9)))
			look->alpha = 0.0;
		break;
	case CaptionAnimationType::CenterTypeOut: {
		double d = std::abs(g.index + 0.5 - n / 2.0) / (n / 2.0);
		if (d > p + 1e-9)
			look->alpha = 0.0;
		break;
	}
	case CaptionAnimationType::Converge:
		look->dx += (gx - g.box_width / 2.0) * 1.5 * (1.0 - p);
		look->alpha *= p;
		break;
	case CaptionAnimationType::ElasticPop: {
		double s = staggered(p, g.index, n);
		look->scale *= elastic(s);
		break;
	}
	case CaptionAnimationType::LayDown: {
		double s = ease(Easing::EaseOut, staggered(p, g.index, n));
		look->dy -= (1.0 - s) * g.height * 1.5;
		look->rotation -= (1.0 - s) * 35.0;
		look->alpha *= s;
		break;
	}
	case CaptionAnimationType::CurtainClose: {
		/* a curtain: the visible window shrinks towards the centre as it closes */
		double half = p / 2.0;
		*clip_l = std::max(*clip_l, 0.5 - half);
		*clip_r = std::min(*clip_r, 0.5 + half);
		break;
	}
	case CaptionAnimationType::Jitter: {
		double amp = g.height * 0.06 * strength;
		look->dx += noise(g.index, a.frame, 0) * amp;
		look->dy += noise(g.index, a.frame, 1) * amp;
		look->rotation += noise(g.index, a.frame, 2) * 6.0 * strength;
		break;
	}
	case CaptionAnimationType::Rainbow: {
		double phase = a.loop ? a.p : 0.0;
		look->color = mix(look->color, hue(double(g.index) / n + phase), strength);
		break;
	}
	case CaptionAnimationType::SweepShine: {
		/* a bright band crossing the box left to right once per cycle (or once over the
		 * reveal) */
		double band = -0.2 + 1.4 * (a.loop ? a.p : p);
		double d = std::abs(gx / std::max(1.0, g.box_width) - band);
		double shine =
		        std::max(0.0, 1.0 - d / 0.12) * (a.loop ? 1.0 : (p < 1.0 ? 1.0 : 0.0));
		look->color = mix(look->color, Color{1, 1, 1, 1}, shine * 0.85);
		break;
	}
	}
}

} /* namespace */

int caption_highlight(const CaptionPage &page, double t_ms, const CaptionLook &look)
{
	if (!look.highlight || look.highlight_color.empty())
		return -1;
	for (std::size_t i = 0; i < page.words.size(); i++)
		if (t_ms >= page.words[i].start_ms && t_ms < page.words[i].end_ms)
			return int(i);
	return -1;
}

bool caption_animating(const CaptionPage &page, double t_ms, const CaptionLook &look)
{
	const CaptionAnimations &an = look.animations;
	if (an.loop)
		return true;
	if (an.in && t_ms < page.start_ms + ms_of(an.in->duration))
		return true;
	if (an.out && t_ms >= page.end_ms - ms_of(an.out->duration))
		return true;
	return false;
}

TextFrame caption_frame(const CaptionPage &page, double t_ms, const CaptionLook &look)
{
	std::vector<Act> acts;
	const CaptionAnimations &an = look.animations;
	long frame = long(std::floor(t_ms * look.fps / 1000.0));
	if (an.in) {
		double d = ms_of(an.in->duration);
		double x = d > 0 ? clamp01((t_ms - page.start_ms) / d) : 1.0;
		if (x < 1.0)
			acts.push_back(Act{an.in->type, ease(an.in->easing, x), false, frame});
	}
	if (an.out) {
		double d = ms_of(an.out->duration);
		double x = d > 0 ? clamp01((page.end_ms - t_ms) / d) : 1.0;
		if (x < 1.0)
			acts.push_back(Act{an.out->type, ease(an.out->easing, x), false, frame});
	}
	if (an.loop) {
		double d = ms_of(an.loop->duration);
		if (d <= 0)
			d = 1000.0;
		double phase = std::fmod(std::max(0.0, t_ms - page.start_ms), d) / d;
		acts.push_back(Act{an.loop->type, ease(an.loop->easing, phase), true, frame});
	}
	int hl = caption_highlight(page, t_ms, look);
	std::optional<Color> hl_color;
	std::size_t hl_begin = 0, hl_end = 0;
	if (hl >= 0) {
		hl_color = parse_color(look.highlight_color);
		hl_begin = page.words[std::size_t(hl)].byte;
		hl_end = hl_begin + page.words[std::size_t(hl)].length;
	}
	TextFrame frame_out;
	/* curtain windows are known without the glyphs: the box is the unit */
	for (const Act &a : acts)
		if (a.type == CaptionAnimationType::CurtainClose) {
			GlyphPlace none;
			GlyphLook ignored;
			apply(a, none, &ignored, &frame_out.clip_left, &frame_out.clip_right);
		}
	if (acts.empty() && !hl_color)
		return frame_out;
	frame_out.look = [acts, hl_color, hl_begin, hl_end](const GlyphPlace &g, GlyphLook *l) {
		if (hl_color && g.byte >= hl_begin && g.byte < hl_end)
			l->color = *hl_color;
		double unused_l = 0, unused_r = 1;
		for (const Act &a : acts) {
			if (a.type == CaptionAnimationType::CurtainClose)
				continue;
			apply(a, g, l, &unused_l, &unused_r);
		}
	};
	return frame_out;
}

bool parse_caption_animation(const std::string &name, CaptionAnimationType *type)
{
	for (CaptionAnimationType t : {
#define JTL_X(e, name, label) CaptionAnimationType::e,
	             JTL_CAPTION_ANIMATIONS(JTL_X)
#undef JTL_X
	     }) {
		if (name == caption_animation_name(t)) {
			*type = t;
			return true;
		}
	}
	return false;
}

TextOverflow caption_overflow(const std::vector<CaptionPage> &pages,
                              const CaptionAnimations &animations, const TextStyle &style, double w,
                              double h, double scale)
{
	TextOverflow out;
	for (const CaptionPage &page : pages) {
		TextOverflow o = text_overflow(page.text, style, w, h, scale);
		out.left = std::max(out.left, o.left);
		out.top = std::max(out.top, o.top);
		out.right = std::max(out.right, o.right);
		out.bottom = std::max(out.bottom, o.bottom);
		out.lines_overflow = out.lines_overflow || o.lines_overflow;
	}
	/* what apply() does to a glyph at most, a line (its glyphs' height) being line */
	double line = std::max(1.0, style.font_size * scale * std::max(1.0, style.line_height));
	double side = 0, top = 0, bottom = 0;
	for (const std::optional<CaptionAnimation> *a :
	     {&animations.in, &animations.out, &animations.loop}) {
		if (!*a)
			continue;
		switch ((*a)->type) {
		case CaptionAnimationType::Converge: /* 1.5 x the distance from the centre */
			side = std::max(side, 0.75 * (w + out.left + out.right) + line);
			break;
		case CaptionAnimationType::ElasticPop: /* up to 1.4 x around the glyph */
			side = std::max(side, 0.3 * line);
			top = std::max(top, 0.3 * line);
			bottom = std::max(bottom, 0.3 * line);
			break;
		case CaptionAnimationType::LayDown: /* from 1.5 lines above, turned 35 degrees */
			side = std::max(side, 0.6 * line);
			top = std::max(top, 2.0 * line);
			break;
		case CaptionAnimationType::Jitter: /* 6 % of a line, 6 degrees */
			side = std::max(side, 0.2 * line);
			top = std::max(top, 0.2 * line);
			bottom = std::max(bottom, 0.2 * line);
			break;
		default:
			break;
		}
	}
	auto grow = [](int *v, double by) {
		*v = int(std::min(double(kMaxTextPictureSide), *v + std::ceil(by)));
	};
	grow(&out.left, side);
	grow(&out.right, side);
	grow(&out.top, top);
	grow(&out.bottom, bottom);
	return out;
}

} /* namespace jtl */
