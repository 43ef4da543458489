// SPDX-License-Identifier: LGPL-2.1-or-later
// Animated GIF and Lottie assets: which frame shows at a time, and that frame drawn.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <jsontimeline/draw.h>

namespace jtl {

/* A decoded animation whose frames can be drawn at any time. An object may be used by one
 * thread at a time; distinct objects share no state, so each streaming thread can own
 * its own. */
class Animation
{
public:
	virtual ~Animation() = default;
	/* one pass, in seconds */
	virtual double duration_seconds() const = 0;
	/* intrinsic size in pixels */
	virtual int width() const = 0;
	virtual int height() const = 0;
	/* whether time wraps after one pass (else the last frame holds) */
	virtual bool loops() const = 0;
	/* Index of the frame shown at t seconds of the animation: t wraps when looping and
	 * holds the last frame when not (times before 0 show frame 0). Two times with the same
	 * index draw the same picture. */
	virtual int64_t frame_at(double t) const = 0;
	/* Draws frame index into a w x h box: stretched, or fitted keeping the aspect ratio
	 * (centred, transparent around). Returns false with *error set when it cannot. */
	virtual bool draw(int64_t frame, int w, int h, bool keep_aspect_ratio, Raster *out,
	                  std::string *error) = 0;
};

/* Decoding limits: larger files are refused before their pixels are decoded. */
constexpr int64_t kMaxAnimationFrames = 4096;
constexpr int kMaxAnimationSide = 16384;

/* An animated (or still) GIF read with gdk-pixbuf. Frame delays are gdk-pixbuf's (GIF
 * delays under 20 ms become 20 ms, 0 becomes 100 ms). loop: wrap time after the last
 * frame (the asset's loopBehavior "loop"), else hold the last frame; the loop count
 * written in the file is not used. Returns null with *error set when the file cannot be
 * read, is not a GIF, or has more than kMaxAnimationFrames frames or a side longer than
 * kMaxAnimationSide. */
std::unique_ptr<Animation> open_gif(const std::string &path, bool loop, std::string *error);

/* A Lottie (Bodymovin) animation rendered with rlottie, from a JSON file or from JSON
 * text (an asset's resourceJson). Lottie animations always loop. cache_key names the
 * JSON for rlottie's model cache (e.g. the asset id; the text's checksum is added, so a
 * changed text is parsed again); "" parses every time. Images the animation names are
 * embedded before rlottie sees the JSON (confine_lottie_json(), asset-policy.h): a file's
 * from beside it through the policy, JSON text's only as data: URIs. Returns null with
 * *error set when the JSON cannot be read as an animation or names an image refused. */
struct AssetPolicy;
std::unique_ptr<Animation> open_lottie_file(const std::string &path, const AssetPolicy &policy,
                                            std::string *error);
std::unique_ptr<Animation> open_lottie_json(const std::string &json, const std::string &cache_key,
                                            std::string *error);

/* The animation time shown at local item time s (seconds from the item's start):
 * start_from + s * playback_rate. */
double animation_time(double start_from_seconds, double playback_rate, double local_seconds);

} /* namespace jtl */
