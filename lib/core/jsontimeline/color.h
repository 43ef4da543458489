// SPDX-License-Identifier: LGPL-2.1-or-later
// CSS colour strings of editor JSON (#rgb, #rrggbb, #rrggbbaa, rgb(), rgba(), names).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jtl {

/* A straight (not premultiplied) RGBA colour, each channel 0..1. */
struct Color {
	double r = 0.0, g = 0.0, b = 0.0, a = 1.0;

	/* 0xAARRGGBB with rounding, as GStreamer's compositor/videotestsrc take it. */
	uint32_t argb() const;
	bool operator==(const Color &o) const
	{
		return r == o.r && g == o.g && b == o.b && a == o.a;
	}
};

/* Parses #rgb, #rgba, #rrggbb, #rrggbbaa, rgb(r, g, b), rgba(r, g, b, a) (channels
 * 0-255 or percentages, alpha 0-1 or a percentage, commas or spaces, "/ a" alpha),
 * "transparent" and the 16 basic CSS colour names. Case and surrounding blanks are
 * ignored. Returns nothing for anything else. */
std::optional<Color> parse_color(std::string_view text);

} /* namespace jtl */
