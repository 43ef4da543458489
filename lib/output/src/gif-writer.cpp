// SPDX-License-Identifier: LGPL-2.1-or-later
// Animated GIF files from BGRx frames: a palette per frame, looping forever (giflib).
#include <jsontimeline/gif-writer.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include <gif_lib.h>

#include <jsontimeline/diagnostics.h>

namespace jtl {

int gif_centiseconds(GstClockTime t)
{
	return int((t + 5 * GST_MSECOND) / (10 * GST_MSECOND));
}

struct GifWriter::Impl {
	GifFileType *gif = nullptr;
	std::string path;
	int width = 0, height = 0;
	/* the frame waiting for its delay: planes of red, green and blue */
	std::vector<GifByteType> r, g, b;
	bool pending = false;
	GstClockTime start = 0;
	unsigned written = 0;

	bool fail(int code, const char *what, GError **error)
	{
		g_set_error(error, JTL_ERROR, JTL_ERROR_IO, "cannot write the GIF %s: %s (%s)",
		            path.c_str(), what, GifErrorString(code));
		return false;
	}
	bool write_pending(int delay, GError **error);
};

GifWriter::GifWriter() : impl_(new Impl)
{
}

GifWriter::~GifWriter()
{
	if (impl_->gif) {
		int code = 0;
		EGifCloseFile(impl_->gif, &code);
	}
}

unsigned GifWriter::frames_written() const
{
	return impl_->written;
}

bool GifWriter::open(const std::string &path, int width, int height, GError **error)
{
	Impl &p = *impl_;
	p.path = path;
	if (width <= 0 || height <= 0 || width > 65535 || height > 65535) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED,
		            "a GIF is 1 to 65535 pixels wide and high, not %dx%d", width, height);
		return false;
	}
	int code = 0;
	p.gif = EGifOpenFileName(path.c_str(), false, &code);
	if (!p.gif)
		return p.fail(code, "cannot create it", error);
	p.width = width;
	p.height = height;
	std::size_t n = std::size_t(width) * std::size_t(height);
	p.r.resize(n);
	p.g.resize(n);
	p.b.resize(n);
	EGifSetGifVersion(p.gif, true);
	if (EGifPutScreenDesc(p.gif, width, height, 8, 0, nullptr) == GIF_ERROR)
		return p.fail(p.gif->Error, "the screen descriptor", error);
	/* the NETSCAPE2.0 application extension: loop count 0 = forever */
	static const GifByteType app[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
	static const GifByteType loop[] = {1, 0, 0};
	if (EGifPutExtensionLeader(p.gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
	    EGifPutExtensionBlock(p.gif, sizeof app, app) == GIF_ERROR ||
	    EGifPutExtensionBlock(p.gif, sizeof loop, loop) == GIF_ERROR ||
	    EGifPutExtensionTrailer(p.gif) == GIF_ERROR)
		return p.fail(p.gif->Error, "the loop extension", error);
	return true;
}

bool GifWriter::Impl::write_pending(int delay, GError **error)
{
	GifColorType colors[256];
	std::memset(colors, 0, sizeof colors);
	std::vector<GifByteType> indices(r.size());
	int size = 256;
	if (GifQuantizeBuffer(unsigned(width), unsigned(height), &size, r.data(), g.data(),
	                      b.data(), indices.data(), colors) == GIF_ERROR)
		return fail(E_GIF_ERR_NOT_ENOUGH_MEM, "the palette", error);
	/* the quantiser keeps 5 bits a channel (white comes out 248): each palette entry
	 * becomes the mean of the pixels given to it, exact for flat colours */
	std::vector<uint32_t> sums(256 * 4, 0);
	for (std::size_t i = 0; i < indices.size(); i++) {
		uint32_t *sum = &sums[indices[i] * 4];
		sum[0] += r[i], sum[1] += g[i], sum[2] += b[i], sum[3]++;
	}
	for (int c = 0; c < 256; c++) {
		const uint32_t *sum = &sums[c * 4];
		if (sum[3] > 0)
			colors[c] = {GifByteType((sum[0] + sum[3] / 2) / sum[3]),
			             GifByteType((sum[1] + sum[3] / 2) / sum[3]),
			             GifByteType((sum[2] + sum[3] / 2) / sum[3])};
	}
	ColorMapObject *map = GifMakeMapObject(256, colors);
	if (!map)
		return fail(E_GIF_ERR_NOT_ENOUGH_MEM, "the palette", error);
	GraphicsControlBlock gcb = {DISPOSE_DO_NOT, false, delay, NO_TRANSPARENT_COLOR};
	GifByteType ext[4];
	EGifGCBToExtension(&gcb, ext);
	bool ok = EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, sizeof ext, ext) != GIF_ERROR &&
	          EGifPutImageDesc(gif, 0, 0, width, height, false, map) != GIF_ERROR;
	GifFreeMapObject(map);
	for (int y = 0; ok && y < height; y++)
		ok = EGifPutLine(gif, indices.data() + std::size_t(y) * width, width) != GIF_ERROR;
	if (!ok)
		return fail(gif->Error, "a frame", error);
	written++;
	return true;
}

bool GifWriter::add_frame(const uint8_t *bgrx, int stride, GstClockTime pts, GError **error)
{
	Impl &p = *impl_;
	if (!p.gif) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED, "the GIF writer is not open");
		return false;
	}
	if (p.pending) {
		int delay = gif_centiseconds(pts) - gif_centiseconds(p.start);
		if (delay < 2)
			return true; /* too short: the frame before lasts longer instead */
		if (!p.write_pending(delay, error))
			return false;
	}
	for (int y = 0; y < p.height; y++) {
		const uint8_t *row = bgrx + std::size_t(y) * std::size_t(stride);
		std::size_t o = std::size_t(y) * std::size_t(p.width);
		for (int x = 0; x < p.width; x++) {
			p.b[o + x] = row[4 * x];
			p.g[o + x] = row[4 * x + 1];
			p.r[o + x] = row[4 * x + 2];
		}
	}
	p.start = pts;
	p.pending = true;
	return true;
}

bool GifWriter::close(GstClockTime end, GError **error)
{
	Impl &p = *impl_;
	if (!p.gif) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED, "the GIF writer is not open");
		return false;
	}
	bool ok = true;
	if (p.pending) {
		int delay = std::max(1, gif_centiseconds(end) - gif_centiseconds(p.start));
		ok = p.write_pending(delay, error);
		p.pending = false;
	}
	int code = 0;
	GifFileType *gif = p.gif;
	p.gif = nullptr;
	if (EGifCloseFile(gif, &code) == GIF_ERROR && ok)
		return p.fail(code, "closing it", error);
	return ok;
}

} /* namespace jtl */
