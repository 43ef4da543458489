// SPDX-License-Identifier: LGPL-2.1-or-later
// Animated GIF (gdk-pixbuf) and Lottie (rlottie) assets: frame timing and drawing.
#include <jsontimeline/animation.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <rlottie.h>

#include <jsontimeline/asset-policy.h>
#include <jsontimeline/budgets.h>

#include "cairo-raster.h"

namespace jtl {

using cairo_raster::Context;
using cairo_raster::Surface;

double animation_time(double start_from_seconds, double playback_rate, double local_seconds)
{
	return start_from_seconds + local_seconds * playback_rate;
}

namespace {

/* Milliseconds shown at t seconds of an animation of total milliseconds: wrapped or held
 * at the end (total itself when held). */
int64_t position_ms(double t, int64_t total, bool loop)
{
	if (!(t > 0) || total <= 0)
		return 0;
	double ms = std::floor(t * 1000.0 + 1e-6);
	if (loop)
		return int64_t(std::fmod(ms, double(total)));
	return ms >= double(total) ? total : int64_t(ms);
}

/* What a GIF holds, read from its block structure without decoding pixels. */
struct GifLayout {
	int width = 0, height = 0;
	int64_t frames = 0;
};

bool skip_sub_blocks(const guint8 *d, gsize n, gsize *pos)
{
	while (*pos < n && d[*pos] != 0)
		*pos += gsize(d[*pos]) + 1;
	if (*pos >= n)
		return false;
	(*pos)++;
	return true;
}

/* Counts the images of a GIF (stopping at the trailer, or at the end of a truncated
 * file); false when it is not a GIF or has more than kMaxAnimationFrames images. */
bool scan_gif(const guint8 *d, gsize n, GifLayout *out, std::string *error)
{
	if (n < 13 || (memcmp(d, "GIF87a", 6) != 0 && memcmp(d, "GIF89a", 6) != 0)) {
		*error = "not a GIF file";
		return false;
	}
	out->width = d[6] | d[7] << 8;
	out->height = d[8] | d[9] << 8;
	gsize pos = 13;
	if (d[10] & 0x80)
		pos += 3u << ((d[10] & 7) + 1);
	while (pos < n) {
		guint8 block = d[pos++];
		if (block == 0x3b) /* trailer */
			break;
		if (block == 0x21) { /* extension: label, then sub-blocks */
			pos++;
			if (!skip_sub_blocks(d, n, &pos))
				break;
		} else if (block == 0x2c) { /* image descriptor */
			if (++out->frames > kMaxAnimationFrames) {
				*error = "the GIF has more than " +
				         std::to_string(kMaxAnimationFrames) + " frames";
				return false;
			}
			if (pos + 10 > n)
				break;
			guint8 flags = d[pos + 8];
			pos += 9;
			if (flags & 0x80)
				pos += 3u << ((flags & 7) + 1);
			pos++; /* LZW minimum code size */
			if (!skip_sub_blocks(d, n, &pos))
				break;
		} else {
			break;
		}
	}
	if (out->frames == 0) {
		*error = "the GIF has no image";
		return false;
	}
	return true;
}

/* The GIF budgets (budgets.h), before any pixel is decoded: gdk-pixbuf composites every
 * frame on a canvas of the logical screen's size. */
bool gif_within_budgets(const GifLayout &layout, std::string *error)
{
	const int64_t canvas = int64_t(layout.width) * layout.height;
	std::string size = std::to_string(layout.width) + "x" + std::to_string(layout.height);
	if (layout.width > kMaxAnimationSide || layout.height > kMaxAnimationSide) {
		*error = "the GIF is " + size + ", larger than " +
		         std::to_string(kMaxAnimationSide) + " pixels on a side";
		return false;
	}
	if (canvas > kMaxGifCanvasPixels) {
		*error = "the GIF is " + size + " (" + std::to_string(canvas) +
		         " pixels a frame), larger than the limit of " +
		         std::to_string(kMaxGifCanvasPixels) + " pixels";
		return false;
	}
	if (canvas * layout.frames > kMaxGifDecodedPixels) {
		*error = "the GIF's " + std::to_string(layout.frames) + " frames of " + size +
		         " are " + std::to_string(canvas * layout.frames) +
		         " decoded pixels, more than the limit of " +
		         std::to_string(kMaxGifDecodedPixels);
		return false;
	}
	return true;
}

struct ObjectDeleter {
	void operator()(gpointer p) const { g_object_unref(p); }
};
template <typename T>
using Ref = std::unique_ptr<T, ObjectDeleter>;

class GifAnimation : public Animation
{
public:
	double duration_seconds() const override { return total_ms_ / 1000.0; }
	int width() const override { return width_; }
	int height() const override { return height_; }
	bool loops() const override { return loop_; }

	int64_t frame_at(double t) const override
	{
		int64_t ms = position_ms(t, total_ms_, loop_);
		if (ms >= total_ms_)
			return int64_t(starts_.size()) - 1;
		auto it = std::upper_bound(starts_.begin(), starts_.end(), ms);
		return std::max<int64_t>(0, int64_t(it - starts_.begin()) - 1);
	}

	bool draw(int64_t frame, int w, int h, bool keep_aspect_ratio, Raster *out,
	          std::string *error) override
	{
		if (w <= 0 || h <= 0) {
			*error = "cannot draw into an empty box";
			return false;
		}
		frame = std::clamp<int64_t>(frame, 0, int64_t(starts_.size()) - 1);
		if (frame == cached_frame_ && w == cached_.width && h == cached_.height &&
		    keep_aspect_ratio == cached_keep_) {
			*out = cached_;
			return true;
		}
		/* gdk-pixbuf composites the frames in order, from its last one when going
		 * forwards: playing in order costs one frame each */
		G_GNUC_BEGIN_IGNORE_DEPRECATIONS
		GTimeVal when = {glong(starts_[frame] / 1000), glong(starts_[frame] % 1000 * 1000)};
		gdk_pixbuf_animation_iter_advance(iter_.get(), &when);
		G_GNUC_END_IGNORE_DEPRECATIONS
		GdkPixbuf *pixbuf = gdk_pixbuf_animation_iter_get_pixbuf(iter_.get());
		if (!pixbuf) {
			*error = "cannot decode frame " + std::to_string(frame) + " of the GIF";
			return false;
		}
		Surface src = pixbuf_to_surface(pixbuf);
		double sw = gdk_pixbuf_get_width(pixbuf), sh = gdk_pixbuf_get_height(pixbuf);
		cairo_raster::Box box = cairo_raster::fit(sw, sh, w, h, keep_aspect_ratio);
		Surface dst = cairo_raster::new_surface(w, h);
		Context cr(cairo_create(dst.get()));
		cairo_translate(cr.get(), box.x, box.y);
		cairo_scale(cr.get(), box.w / sw, box.h / sh);
		cairo_set_source_surface(cr.get(), src.get(), 0, 0);
		cairo_pattern_set_filter(cairo_get_source(cr.get()), CAIRO_FILTER_GOOD);
		cairo_pattern_set_extend(cairo_get_source(cr.get()), CAIRO_EXTEND_PAD);
		cairo_rectangle(cr.get(), 0, 0, sw, sh);
		cairo_fill(cr.get());
		cached_ = surface_to_raster(dst.get());
		cached_frame_ = frame;
		cached_keep_ = keep_aspect_ratio;
		*out = cached_;
		return true;
	}

	static std::unique_ptr<Animation> open(const std::string &path, bool loop,
	                                       std::string *error)
	{
		gchar *contents = nullptr;
		gsize length = 0;
		g_autoptr(GError) e = nullptr;
		if (!g_file_get_contents(path.c_str(), &contents, &length, &e)) {
			*error = e->message;
			return nullptr;
		}
		g_autoptr(GBytes) bytes = g_bytes_new_take(contents, length);
		GifLayout layout;
		if (!scan_gif(static_cast<const guint8 *>(g_bytes_get_data(bytes, nullptr)), length,
		              &layout, error)) {
			*error = path + ": " + *error;
			return nullptr;
		}
		if (!gif_within_budgets(layout, error)) {
			*error = path + ": " + *error;
			return nullptr;
		}
		Ref<GInputStream> stream(g_memory_input_stream_new_from_bytes(bytes));
		Ref<GdkPixbufAnimation> anim(
		        gdk_pixbuf_animation_new_from_stream(stream.get(), nullptr, &e));
		if (!anim) {
			*error = path + ": " + (e ? e->message : "cannot decode the GIF");
			return nullptr;
		}
		auto gif = std::unique_ptr<GifAnimation>(new GifAnimation());
		gif->loop_ = loop;
		gif->width_ = gdk_pixbuf_animation_get_width(anim.get());
		gif->height_ = gdk_pixbuf_animation_get_height(anim.get());
		if (gif->width_ <= 0 || gif->height_ <= 0 || gif->width_ > kMaxAnimationSide ||
		    gif->height_ > kMaxAnimationSide) {
			*error = path + ": the GIF has an unusable size";
			return nullptr;
		}
		/* one pass over the frames from time 0, recording where each starts */
		G_GNUC_BEGIN_IGNORE_DEPRECATIONS
		GTimeVal start = {0, 0};
		gif->iter_.reset(gdk_pixbuf_animation_get_iter(anim.get(), &start));
		int64_t elapsed = 0;
		for (int64_t i = 0; i < layout.frames; i++) {
			int delay = gdk_pixbuf_animation_iter_get_delay_time(gif->iter_.get());
			if (delay <= 0) /* a still image, or fewer frames than blocks */
				break;
			gif->starts_.push_back(elapsed);
			elapsed += delay;
			GTimeVal when = {glong(elapsed / 1000), glong(elapsed % 1000 * 1000)};
			gdk_pixbuf_animation_iter_advance(gif->iter_.get(), &when);
		}
		G_GNUC_END_IGNORE_DEPRECATIONS
		if (gif->starts_.empty()) /* a still image: one frame, no duration */
			gif->starts_.push_back(0);
		gif->total_ms_ = elapsed;
		gif->anim_ = std::move(anim);
		return gif;
	}

private:
	GifAnimation() = default;

	Ref<GdkPixbufAnimation> anim_;
	Ref<GdkPixbufAnimationIter> iter_;
	std::vector<int64_t> starts_; /* ms from the start of a pass, one per frame */
	int64_t total_ms_ = 0;
	int width_ = 0, height_ = 0;
	bool loop_ = false;
	/* the last frame drawn (video frame rates are often higher than a GIF's) */
	Raster cached_;
	int64_t cached_frame_ = -1;
	bool cached_keep_ = false;
};

class LottieAnimation : public Animation
{
public:
	double duration_seconds() const override { return frames_ / fps_; }
	int width() const override { return width_; }
	int height() const override { return height_; }
	bool loops() const override { return true; }

	int64_t frame_at(double t) const override
	{
		if (!(t > 0))
			return 0;
		double f = std::floor(t * fps_ + 1e-6);
		return int64_t(std::fmod(f, double(frames_)));
	}

	bool draw(int64_t frame, int w, int h, bool keep_aspect_ratio, Raster *out,
	          std::string *error) override
	{
		if (w <= 0 || h <= 0) {
			*error = "cannot draw into an empty box";
			return false;
		}
		frame = std::clamp<int64_t>(frame, 0, frames_ - 1);
		/* rlottie draws vectors at the size asked: render the fitted box itself, on
		 * whole pixels, then place it */
		cairo_raster::Box box = cairo_raster::fit(width_, height_, w, h, keep_aspect_ratio);
		int bw = std::clamp(int(std::lround(box.w)), 1, w);
		int bh = std::clamp(int(std::lround(box.h)), 1, h);
		Surface art = cairo_raster::new_surface(bw, bh);
		cairo_surface_flush(art.get());
		rlottie::Surface surface(
		        reinterpret_cast<uint32_t *>(cairo_image_surface_get_data(art.get())),
		        size_t(bw), size_t(bh), size_t(cairo_image_surface_get_stride(art.get())));
		anim_->renderSync(size_t(frame), surface, false);
		cairo_surface_mark_dirty(art.get());
		if (bw == w && bh == h) {
			*out = surface_to_raster(art.get());
			return true;
		}
		Surface dst = cairo_raster::new_surface(w, h);
		Context cr(cairo_create(dst.get()));
		cairo_set_source_surface(cr.get(), art.get(), (w - bw) / 2, (h - bh) / 2);
		cairo_paint(cr.get());
		*out = surface_to_raster(dst.get());
		return true;
	}

	static std::unique_ptr<Animation> open(std::unique_ptr<rlottie::Animation> anim,
	                                       std::string *error)
	{
		if (!anim) {
			*error = "cannot read the Lottie JSON";
			return nullptr;
		}
		size_t w = 0, h = 0;
		anim->size(w, h);
		double fps = anim->frameRate();
		size_t frames = anim->totalFrame();
		if (w == 0 || h == 0 || w > size_t(kMaxAnimationSide) ||
		    h > size_t(kMaxAnimationSide)) {
			*error = "the Lottie animation has an unusable size " + std::to_string(w) +
			         "x" + std::to_string(h);
			return nullptr;
		}
		if (!(fps > 0) || !std::isfinite(fps)) {
			*error = "the Lottie animation has no frame rate";
			return nullptr;
		}
		auto lottie = std::unique_ptr<LottieAnimation>(new LottieAnimation());
		lottie->anim_ = std::move(anim);
		lottie->width_ = int(w);
		lottie->height_ = int(h);
		lottie->fps_ = fps;
		lottie->frames_ = std::max<int64_t>(1, int64_t(frames));
		return lottie;
	}

private:
	LottieAnimation() = default;

	std::unique_ptr<rlottie::Animation> anim_;
	int width_ = 0, height_ = 0;
	double fps_ = 0;
	int64_t frames_ = 1;
};

} /* namespace */

std::unique_ptr<Animation> open_gif(const std::string &path, bool loop, std::string *error)
{
	return GifAnimation::open(path, loop, error);
}

/* rlottie's resource path: every image is embedded, and a path through a file leads
 * nowhere ("/dev/null/../x" fails with ENOTDIR) should one be missed */
const char kNoDirectory[] = "/dev/null/";

std::unique_ptr<Animation> open_lottie_file(const std::string &path, const AssetPolicy &policy,
                                            std::string *error)
{
	gchar *contents = nullptr;
	gsize length = 0;
	if (!g_file_get_contents(path.c_str(), &contents, &length, nullptr)) {
		*error = "cannot read the Lottie file";
		return nullptr;
	}
	std::string json(contents, length);
	g_free(contents);
	LottieExcess excess;
	if (!check_lottie_budgets_text(json, &excess)) {
		*error = excess.text();
		return nullptr;
	}
	/* images the animation names are looked up beside the file, through the policy, and
	 * handed to rlottie embedded: it never opens a file itself; the budgets are checked
	 * again with every image embedded (measured from its header) */
	g_autofree gchar *dir = g_path_get_dirname(path.c_str());
	std::string confined;
	if (!confine_lottie_json(json, dir, &policy, &confined, error))
		return nullptr;
	if (!check_lottie_budgets_text(confined, &excess)) {
		*error = excess.text();
		return nullptr;
	}
	return LottieAnimation::open(
	        rlottie::Animation::loadFromData(std::move(confined), path, kNoDirectory, false),
	        error);
}

std::unique_ptr<Animation> open_lottie_json(const std::string &json, const std::string &cache_key,
                                            std::string *error)
{
	if (json.empty())
		return LottieAnimation::open(nullptr, error);
	LottieExcess excess;
	if (!check_lottie_budgets_text(json, &excess)) {
		*error = excess.text();
		return nullptr;
	}
	std::string key;
	if (!cache_key.empty()) {
		g_autofree gchar *sum = g_compute_checksum_for_data(
		        G_CHECKSUM_SHA256, reinterpret_cast<const guchar *>(json.data()),
		        json.size());
		key = cache_key + "#" + sum;
	}
	/* JSON in the document: embedded (data:) images only */
	std::string confined;
	if (!confine_lottie_json(json, "", nullptr, &confined, error))
		return nullptr;
	return LottieAnimation::open(rlottie::Animation::loadFromData(std::move(confined), key,
	                                                              kNoDirectory, !key.empty()),
	                             error);
}

} /* namespace jtl */
