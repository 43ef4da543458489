// SPDX-License-Identifier: LGPL-2.1-or-later
// Adjustment items: effects and filters over the tracks below them.
#include <jsontimeline/adjust.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include <cairo.h>

namespace jtl {

bool Adjustment::is_identity() const
{
	if (blur > 0.0 || darkness > 0.0)
		return false;
	for (double a : looks)
		if (a > 0.0)
			return false;
	return true;
}

ColorMatrix Adjustment::matrix() const
{
	ColorMatrix out;
	const std::vector<std::string> &names = filter_names();
	for (std::size_t i = 0; i < names.size() && i < looks.size(); i++) {
		if (looks[i] <= 0.0)
			continue;
		ColorMatrix look = *filter_matrix(names[i]), identity;
		for (int r = 0; r < 3; r++)
			for (int c = 0; c < 4; c++)
				out.m[r][c] += looks[i] * (look.m[r][c] - identity.m[r][c]);
	}
	return out;
}

double Adjustment::isolate_red() const
{
	const std::vector<std::string> &names = filter_names();
	auto it = std::find(names.begin(), names.end(), kIsolateRedLook);
	std::size_t i = std::size_t(it - names.begin());
	return i < looks.size() ? looks[i] : 0.0;
}

void Adjustment::apply_looks(uint8_t *pixels, int width, int height, int stride) const
{
	const std::vector<std::string> &names = filter_names();
	bool matrix_looks = false;
	for (std::size_t i = 0; i < names.size() && i < looks.size(); i++)
		matrix_looks = matrix_looks || (looks[i] > 0.0 && names[i] != kIsolateRedLook);
	if (matrix_looks)
		apply_matrix_frame(matrix(), pixels, width, height, stride);
	isolate_red_frame(pixels, width, height, stride, isolate_red());
}

bool is_adjustment(const Item &item)
{
	return item.type == ItemType::Effect || item.type == ItemType::Filter;
}

Adjustment evaluate_adjustment(const Item &item, Ticks t, int fps)
{
	Adjustment a;
	if (t < item.start || t >= item.end() || item.duration <= 0)
		return a;
	const double local = double(t - item.start), d = double(item.duration);
	if (const FilterData *f = item.as<FilterData>()) {
		const std::vector<std::string> &names = filter_names();
		auto it = std::find(names.begin(), names.end(), f->filter_type);
		if (it != names.end())
			a.looks[std::size_t(it - names.begin())] = std::clamp(
			        std::max(0.0, f->intensity) * param_number(f->params, "blend", 1.0),
			        0.0, 1.0);
		return a;
	}
	const EffectData *e = item.as<EffectData>();
	if (!e)
		return a;
	const double k = std::max(0.0, e->intensity);
	const std::string &type = e->effect_type;
	if (type == "fade-in") {
		a.darkness = k * (1.0 - local / d);
	} else if (type == "fade-out") {
		a.darkness = k * (local / d);
	} else if (type == "flash-to-black") {
		double bright = std::max(0.0, std::round(param_number(e->params, "brightFrames",
		                                                      kDefaultFlashBrightFrames)));
		double dark = std::max(0.0, std::round(param_number(e->params, "darkFrames",
		                                                    kDefaultFlashDarkFrames)));
		double tail = std::max(0.0, std::round(param_number(e->params, "tailDarkFrames",
		                                                    kDefaultFlashTailDarkFrames)));
		double opacity = std::clamp(
		        param_number(e->params, "maxOpacity", kDefaultFlashMaxOpacity), 0.0, 1.0);
		/* frames counted from the item's start; the frame at local time x is
		 * floor(x x fps) (half a tick of slack against rounding) */
		double frame = std::floor((local + 0.5) * fps / double(kTicksPerSecond));
		double frames = std::round(d * fps / double(kTicksPerSecond));
		bool is_dark = false;
		if (frame >= frames - tail)
			is_dark = true;
		else if (bright + dark > 0)
			is_dark = std::fmod(frame, bright + dark) >= bright;
		a.darkness = is_dark ? opacity * k : 0.0;
	} else if (type == "blur") {
		a.blur = k * std::max(0.0, param_number(e->params, "radiusPx", kDefaultBlurRadius));
	} else if (type == "blurred-opening") {
		a.blur = k * std::max(0.0, param_number(e->params, "maxBlurPx", kDefaultMaxBlur)) *
		         (1.0 - local / d);
	}
	a.darkness = std::clamp(a.darkness, 0.0, 1.0);
	return a;
}

std::vector<int> adjustment_tracks(const Timeline &timeline)
{
	std::vector<int> out;
	for (std::size_t i = 0; i < timeline.tracks.size(); i++) {
		const Track &track = timeline.tracks[i];
		if (track.hidden)
			continue;
		for (const std::string &id : track.item_ids) {
			const Item *item = timeline.item(id);
			if (item && is_adjustment(*item)) {
				out.push_back(int(i));
				break;
			}
		}
	}
	return out;
}

namespace {

/* Sums what adjustment items do at one instant: looks add, blurs add in variance,
 * darkness multiplies (1 - d1)(1 - d2). Fed in track order. */
struct AdjustmentSum {
	Adjustment sum;
	double light = 1.0, variance = 0.0;

	void add(const Adjustment &a)
	{
		for (std::size_t i = 0; i < sum.looks.size(); i++)
			sum.looks[i] = std::min(1.0, sum.looks[i] + a.looks[i]);
		variance += a.blur * a.blur;
		light *= 1.0 - a.darkness;
	}
	Adjustment result()
	{
		sum.blur = std::sqrt(variance);
		sum.darkness = std::clamp(1.0 - light, 0.0, 1.0);
		return sum;
	}
};

} /* namespace */

Adjustment evaluate_track_adjustment(const Timeline &timeline, int track, Ticks t, int fps)
{
	AdjustmentSum sum;
	if (track < 0 || std::size_t(track) >= timeline.tracks.size())
		return sum.result();
	for (const std::string &id : timeline.tracks[std::size_t(track)].item_ids) {
		const Item *item = timeline.item(id);
		if (!item || !is_adjustment(*item) || t < item->start || t >= item->end())
			continue;
		sum.add(evaluate_adjustment(*item, t, fps));
	}
	return sum.result();
}

void sweep_track_adjustment(const Timeline &timeline, int track, int fps, uint64_t k0, uint64_t k1,
                            const std::function<void(uint64_t, const Adjustment &)> &visit)
{
	if (track < 0 || std::size_t(track) >= timeline.tracks.size() || fps <= 0 || k0 >= k1)
		return;
	/* the track's adjustment items in track order (the order their values are summed
	 * in), and their indices by start */
	std::vector<const Item *> items;
	for (const std::string &id : timeline.tracks[std::size_t(track)].item_ids) {
		const Item *item = timeline.item(id);
		if (item && is_adjustment(*item) && item->duration > 0)
			items.push_back(item);
	}
	std::vector<std::size_t> by_start(items.size());
	for (std::size_t i = 0; i < items.size(); i++)
		by_start[i] = i;
	std::stable_sort(by_start.begin(), by_start.end(), [&](std::size_t a, std::size_t b) {
		return items[a]->start < items[b]->start;
	});
	auto tick = [fps](uint64_t k) { return frame_to_ticks(k, fps, 1); };
	std::size_t next = 0;            /* the first item of by_start not started yet */
	std::vector<std::size_t> active; /* indices into items, in track order */
	for (uint64_t k = k0; k < k1; k++) {
		const Ticks t = tick(k);
		active.erase(std::remove_if(active.begin(), active.end(),
		                            [&](std::size_t i) { return items[i]->end() <= t; }),
		             active.end());
		for (; next < by_start.size() && items[by_start[next]]->start <= t; next++) {
			std::size_t i = by_start[next];
			if (items[i]->end() > t)
				active.insert(std::lower_bound(active.begin(), active.end(), i), i);
		}
		AdjustmentSum sum;
		for (std::size_t i : active)
			sum.add(evaluate_adjustment(*items[i], t, fps));
		visit(k, sum.result());
		if (!active.empty())
			continue;
		if (next == by_start.size())
			break; /* the identity to the end */
		/* the identity up to the next item's first frame: go to the frame before it */
		const Ticks start = items[by_start[next]]->start;
		uint64_t first = frame_at_or_after(start, fps, 1);
		if (first > k + 1)
			k = std::min(first, k1) - 1;
	}
}

namespace {

/* One box pass of width 2r + 1 along a line of n pixels, every step bytes apart; tmp holds
 * a copy of the line with its end pixels repeated r + 1 times on each side (edges are
 * extended). */
void box_line(uint8_t *line, std::size_t step, int n, int r, std::vector<uint8_t> &tmp)
{
	const std::size_t pad = std::size_t(r) + 1;
	tmp.resize((std::size_t(n) + 2 * pad) * 4);
	uint8_t *t = tmp.data();
	for (std::size_t i = 0; i < pad; i++)
		memcpy(t + i * 4, line, 4);
	for (int i = 0; i < n; i++)
		memcpy(t + (pad + std::size_t(i)) * 4, line + std::size_t(i) * step, 4);
	for (std::size_t i = 0; i < pad; i++)
		memcpy(t + (pad + std::size_t(n) + i) * 4, line + std::size_t(n - 1) * step, 4);
	const int width = 2 * r + 1;
	/* fixed point reciprocal of the window size */
	const uint64_t inv = (uint64_t(1) << 32) / uint64_t(width);
	uint32_t sum[4] = {0, 0, 0, 0};
	/* the window of pixel 0: tmp[pad - r .. pad + r] */
	for (std::size_t i = pad - std::size_t(r); i <= pad + std::size_t(r); i++)
		for (int c = 0; c < 4; c++)
			sum[c] += t[i * 4 + c];
	for (int i = 0; i < n; i++) {
		uint8_t *out = line + std::size_t(i) * step;
		const uint8_t *add = t + (pad + std::size_t(i) + std::size_t(r) + 1) * 4;
		const uint8_t *drop = t + (pad + std::size_t(i) - std::size_t(r)) * 4;
		for (int c = 0; c < 4; c++) {
			out[c] = uint8_t((uint64_t(sum[c]) * inv + (uint64_t(1) << 31)) >> 32);
			sum[c] += add[c];
			sum[c] -= drop[c];
		}
	}
}

} /* namespace */

namespace {

/* Three box passes approximating a Gaussian of sigma, at full resolution. */
void box_blur(uint8_t *pixels, int width, int height, int stride, double sigma)
{
	/* three boxes of radius r approximate a Gaussian of sigma: each has variance
	 * ((2r + 1)^2 - 1) / 12 */
	int r = int(std::lround((std::sqrt(4.0 * sigma * sigma + 1.0) - 1.0) / 2.0));
	if (r < 1)
		return;
	r = std::min(r, std::max(width, height));
	std::vector<uint8_t> tmp;
	for (int pass = 0; pass < 3; pass++) {
		for (int y = 0; y < height; y++)
			box_line(pixels + std::size_t(y) * std::size_t(stride), 4, width, r, tmp);
		for (int x = 0; x < width; x++)
			box_line(pixels + std::size_t(x) * 4, std::size_t(stride), height, r, tmp);
	}
}

} /* namespace */

void blur_bgra(uint8_t *pixels, int width, int height, int stride, double sigma)
{
	if (sigma <= 0.0 || width <= 0 || height <= 0)
		return;
	/* a wide blur keeps no detail finer than sigma: blurred at 1/f of the size (f about
	 * sigma / 3) and scaled back up, it looks the same at a fraction of the cost */
	int f = sigma >= 6.0 ? std::clamp(int(sigma / 3.0), 2, 8) : 1;
	if (f == 1 || width < 2 * f || height < 2 * f) {
		box_blur(pixels, width, height, stride, sigma);
		return;
	}
	int sw = (width + f - 1) / f, sh = (height + f - 1) / f;
	cairo_surface_t *frame = cairo_image_surface_create_for_data(pixels, CAIRO_FORMAT_ARGB32,
	                                                             width, height, stride);
	cairo_surface_t *small = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, sw, sh);
	cairo_t *cr = cairo_create(small);
	cairo_scale(cr, double(sw) / width, double(sh) / height);
	cairo_set_source_surface(cr, frame, 0, 0);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_flush(small);
	box_blur(cairo_image_surface_get_data(small), sw, sh, cairo_image_surface_get_stride(small),
	         sigma / f);
	cairo_surface_mark_dirty(small);
	cr = cairo_create(frame);
	cairo_scale(cr, double(width) / sw, double(height) / sh);
	cairo_set_source_surface(cr, small, 0, 0);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BILINEAR);
	cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_flush(frame);
	cairo_surface_destroy(small);
	cairo_surface_destroy(frame);
}

void darken_bgra(uint8_t *pixels, int width, int height, int stride, double darkness)
{
	if (darkness <= 0.0)
		return;
	unsigned keep = unsigned(std::lround((1.0 - std::min(1.0, darkness)) * 256));
	for (int y = 0; y < height; y++) {
		uint8_t *p = pixels + std::size_t(y) * std::size_t(stride);
		for (int x = 0; x < width; x++, p += 4)
			for (int c = 0; c < 3; c++)
				p[c] = uint8_t((p[c] * keep + 128) >> 8);
	}
}

double background_blur_sigma(int level, int width)
{
	return std::clamp(level, 0, 4) * std::max(1, width) / 160.0;
}

bool backdrop_bgra(uint8_t *pixels, int width, int height, int stride, double sigma)
{
	if (width <= 0 || height <= 0)
		return false;
	/* the content's bounding box and whether anything is transparent */
	int x0 = width, y0 = height, x1 = -1, y1 = -1;
	bool holes = false;
	for (int y = 0; y < height; y++) {
		const uint8_t *p = pixels + std::size_t(y) * std::size_t(stride);
		for (int x = 0; x < width; x++, p += 4) {
			if (p[3] == 0) {
				holes = true;
				continue;
			}
			x0 = std::min(x0, x);
			x1 = std::max(x1, x);
			y0 = std::min(y0, y);
			y1 = std::max(y1, y);
		}
	}
	if (!holes || x1 < 0)
		return false;
	/* the enlarged copy, drawn and blurred at a quarter of the size (it is blurred
	 * anyway), then scaled up to the frame. The frame is read as it is: where it is
	 * transparent its pixels are (0, 0, 0, 0), which is the same premultiplied. */
	cairo_surface_t *content = cairo_image_surface_create_for_data(pixels, CAIRO_FORMAT_ARGB32,
	                                                               width, height, stride);
	const int f = 4;
	int sw = std::max(1, width / f), sh = std::max(1, height / f);
	cairo_surface_t *small = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, sw, sh);
	double bw = x1 - x0 + 1, bh = y1 - y0 + 1;
	double cover = std::max(double(width) / bw, double(height) / bh);
	cairo_t *cr = cairo_create(small);
	cairo_scale(cr, double(sw) / width, double(sh) / height);
	cairo_translate(cr, width / 2.0, height / 2.0);
	cairo_scale(cr, cover, cover);
	cairo_translate(cr, -(x0 + bw / 2.0), -(y0 + bh / 2.0));
	cairo_set_source_surface(cr, content, 0, 0);
	cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_flush(small);
	blur_bgra(cairo_image_surface_get_data(small), sw, sh,
	          cairo_image_surface_get_stride(small), sigma / f);
	cairo_surface_mark_dirty(small);
	cairo_surface_t *back = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
	cr = cairo_create(back);
	cairo_scale(cr, double(width) / sw, double(height) / sh);
	cairo_set_source_surface(cr, small, 0, 0);
	cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BILINEAR);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_flush(back);
	cairo_surface_destroy(content);
	/* the content (straight alpha) over the copy, where it is not opaque */
	const uint8_t *bdata = cairo_image_surface_get_data(back);
	int bstride = cairo_image_surface_get_stride(back);
	for (int y = 0; y < height; y++) {
		uint8_t *p = pixels + std::size_t(y) * std::size_t(stride);
		const uint8_t *q = bdata + std::size_t(y) * std::size_t(bstride);
		for (int x = 0; x < width * 4; x += 4) {
			unsigned a = p[x + 3];
			if (a == 255)
				continue;
			unsigned keep = 255 - a;
			for (int c = 0; c < 3; c++)
				p[x + c] = uint8_t((p[x + c] * a + q[x + c] * keep + 127) / 255);
			p[x + 3] = uint8_t(a + (q[x + 3] * keep + 127) / 255);
		}
	}
	cairo_surface_destroy(back);
	cairo_surface_destroy(small);
	return true;
}

} /* namespace jtl */
