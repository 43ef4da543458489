// SPDX-License-Identifier: LGPL-2.1-or-later
// The one Timeline model: names of enumerations and small queries.
#include <jsontimeline/model.h>

#include <algorithm>

namespace jtl {

double param_number(const Params &params, const std::string &key, double fallback)
{
	auto it = params.find(key);
	if (it == params.end())
		return fallback;
	if (const double *d = std::get_if<double>(&it->second))
		return *d;
	if (const std::string *s = std::get_if<std::string>(&it->second)) {
		gchar *end = nullptr;
		double v = g_ascii_strtod(s->c_str(), &end);
		if (end && *end == '\0' && !s->empty())
			return v;
	}
	return fallback;
}

std::string param_string(const Params &params, const std::string &key, const std::string &fallback)
{
	auto it = params.find(key);
	if (it == params.end())
		return fallback;
	if (const std::string *s = std::get_if<std::string>(&it->second))
		return *s;
	return fallback;
}

bool param_bool(const Params &params, const std::string &key, bool fallback)
{
	auto it = params.find(key);
	if (it == params.end())
		return fallback;
	if (const bool *b = std::get_if<bool>(&it->second))
		return *b;
	return fallback;
}

const char *asset_type_name(AssetType type)
{
	switch (type) {
	case AssetType::Image:
		return "image";
	case AssetType::Video:
		return "video";
	case AssetType::Gif:
		return "gif";
	case AssetType::Audio:
		return "audio";
	case AssetType::Caption:
		return "caption";
	case AssetType::Lottie:
		return "lottie";
	}
	return "unknown";
}

const char *item_type_name(ItemType type)
{
	switch (type) {
	case ItemType::Image:
		return "image";
	case ItemType::Video:
		return "video";
	case ItemType::Gif:
		return "gif";
	case ItemType::Lottie:
		return "lottie";
	case ItemType::Audio:
		return "audio";
	case ItemType::Text:
		return "text";
	case ItemType::TextTemplate:
		return "text-template";
	case ItemType::Captions:
		return "captions";
	case ItemType::Solid:
		return "solid";
	case ItemType::Illustration:
		return "illustration";
	case ItemType::Effect:
		return "effect";
	case ItemType::Filter:
		return "filter";
	case ItemType::Chart:
		return "chart";
	}
	return "unknown";
}

bool item_type_is_visual(ItemType type)
{
	return type != ItemType::Audio && type != ItemType::Effect && type != ItemType::Filter;
}

bool item_type_is_audible(ItemType type)
{
	return type == ItemType::Video || type == ItemType::Audio;
}

const char *caption_animation_name(CaptionAnimationType type)
{
	switch (type) {
#define JTL_X(e, name, label)                                                                      \
	case CaptionAnimationType::e:                                                              \
		return name;
		JTL_CAPTION_ANIMATIONS(JTL_X)
#undef JTL_X
	}
	return "unknown";
}

const char *transition_type_name(TransitionType type)
{
	switch (type) {
	case TransitionType::Fade:
		return "fade";
	case TransitionType::Slide:
		return "slide";
	case TransitionType::Wipe:
		return "wipe";
	case TransitionType::Flip:
		return "flip";
	case TransitionType::ClockWipe:
		return "clock-wipe";
	case TransitionType::Iris:
		return "iris";
	}
	return "unknown";
}

Ticks Timeline::duration() const
{
	Ticks end = 0;
	for (const auto &[id, item] : items)
		end = std::max(end, item.end());
	return end;
}

const Item *Timeline::item(const std::string &id) const
{
	auto it = items.find(id);
	return it == items.end() ? nullptr : &it->second;
}

const Asset *Timeline::asset(const std::string &id) const
{
	auto it = assets.find(id);
	return it == assets.end() ? nullptr : &it->second;
}

int Timeline::output_fps(int asked) const
{
	return asked > 0 ? asked : output.fps > 0 ? output.fps : 30;
}

int Timeline::track_of(const std::string &item_id) const
{
	for (std::size_t i = 0; i < tracks.size(); i++) {
		const auto &ids = tracks[i].item_ids;
		if (std::find(ids.begin(), ids.end(), item_id) != ids.end())
			return int(i);
	}
	return -1;
}

} /* namespace jtl */
