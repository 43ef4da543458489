// SPDX-License-Identifier: LGPL-2.1-or-later
// MP4 edit lists: the sound track told to skip its AAC encoder's priming.
#include <jsontimeline/mp4-edit.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include <glib/gstdio.h>

#include <jsontimeline/diagnostics.h>

namespace jtl {

namespace {

/* Big-endian fields of a box. */
uint64_t get(const uint8_t *p, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

void put(uint8_t *p, int bytes, uint64_t v)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = uint8_t(v);
}

/* A box inside a buffer: its type and its body [body, end). */
struct Box {
	char type[5] = {0};
	std::size_t body = 0, end = 0;
};

/* The boxes in [from, to) of data; stops at the first malformed one. */
std::vector<Box> children(const std::vector<uint8_t> &data, std::size_t from, std::size_t to)
{
	std::vector<Box> out;
	while (from + 8 <= to) {
		uint64_t size = get(&data[from], 4);
		std::size_t header = 8;
		if (size == 1 && from + 16 <= to) {
			size = get(&data[from + 8], 8);
			header = 16;
		} else if (size == 0) {
			size = to - from;
		}
		if (size < header || size > to - from)
			break;
		Box b;
		memcpy(b.type, &data[from + 4], 4);
		b.body = from + header;
		b.end = from + std::size_t(size);
		out.push_back(b);
		from = b.end;
	}
	return out;
}

const Box *find(const std::vector<Box> &boxes, const char *type)
{
	for (const Box &b : boxes)
		if (memcmp(b.type, type, 4) == 0)
			return &b;
	return nullptr;
}

/* The offsets of a full box's timescale and duration fields (mvhd, mdhd: version 0 or 1)
 * and the duration's width; false when the box is too short. */
bool time_fields(const std::vector<uint8_t> &d, const Box &b, std::size_t *timescale,
                 std::size_t *duration, int *width)
{
	bool v1 = b.body < b.end && d[b.body] == 1;
	*timescale = b.body + (v1 ? 20 : 12);
	*duration = *timescale + 4;
	*width = v1 ? 8 : 4;
	return *duration + std::size_t(*width) <= b.end;
}

/* tkhd: the duration field (after creation, modification, track id, reserved). */
bool tkhd_duration(const std::vector<uint8_t> &d, const Box &b, std::size_t *at, int *width)
{
	bool v1 = b.body < b.end && d[b.body] == 1;
	*at = b.body + (v1 ? 28 : 20);
	*width = v1 ? 8 : 4;
	return *at + std::size_t(*width) <= b.end;
}

struct FileCloser {
	void operator()(FILE *f) const { fclose(f); }
};

bool io_error(GError **error, const std::string &path, const char *what)
{
	int e = errno;
	g_set_error(error, JTL_ERROR, JTL_ERROR_IO, "cannot %s %s: %s", what, path.c_str(),
	            g_strerror(e));
	return false;
}

bool failed(GError **error, const std::string &path, const char *why)
{
	g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED, "%s: %s", path.c_str(), why);
	return false;
}

/* Patches the sound tracks of a moov box's body; false (with *why) when one cannot be. */
bool patch_moov(std::vector<uint8_t> &d, uint32_t priming, uint32_t rate, GstClockTime duration,
                const char **why)
{
	std::vector<Box> moov = children(d, 0, d.size());
	const Box *mvhd = find(moov, "mvhd");
	std::size_t mts_at, mdur_at;
	int mdur_width;
	if (!mvhd || !time_fields(d, *mvhd, &mts_at, &mdur_at, &mdur_width)) {
		*why = "the MP4 file has no movie header";
		return false;
	}
	uint64_t movie_scale = get(&d[mts_at], 4);
	uint64_t longest = 0;
	for (const Box &trak : moov) {
		if (memcmp(trak.type, "trak", 4) != 0)
			continue;
		std::vector<Box> parts = children(d, trak.body, trak.end);
		const Box *tkhd = find(parts, "tkhd"), *mdia = find(parts, "mdia");
		std::size_t tdur_at;
		int tdur_width;
		if (!tkhd || !tkhd_duration(d, *tkhd, &tdur_at, &tdur_width) || !mdia)
			continue;
		std::vector<Box> media = children(d, mdia->body, mdia->end);
		const Box *hdlr = find(media, "hdlr"), *mdhd = find(media, "mdhd");
		bool sound = hdlr && hdlr->body + 12 <= hdlr->end &&
		             memcmp(&d[hdlr->body + 8], "soun", 4) == 0;
		std::size_t ts_at, dur_at;
		int dur_width;
		if (sound && mdhd && time_fields(d, *mdhd, &ts_at, &dur_at, &dur_width) &&
		    movie_scale > 0 && rate > 0) {
			const Box *edts = find(parts, "edts");
			std::vector<Box> edits;
			if (edts)
				edits = children(d, edts->body, edts->end);
			const Box *elst = find(edits, "elst");
			if (!elst || elst->body + 8 > elst->end) {
				*why = "a sound track of the MP4 file has no edit list";
				return false;
			}
			bool v1 = d[elst->body] == 1;
			std::size_t width = v1 ? 8 : 4, entry = 2 * width + 4;
			uint64_t count = get(&d[elst->body + 4], 4);
			std::size_t first = elst->body + 8;
			count = std::min<uint64_t>(count, (elst->end - first) / entry);
			uint64_t media_scale = get(&d[ts_at], 4);
			uint64_t media_length = get(&d[dur_at], dur_width);
			uint64_t skip = gst_util_uint64_scale_round(priming, media_scale, rate);
			uint64_t total = 0;
			/* the media edit: the last entry that is not empty (media time -1) */
			for (uint64_t i = count; i-- > 0;) {
				uint8_t *e = &d[first + i * entry];
				int64_t media_time = int64_t(get(e + width, int(width)));
				if (v1 ? media_time == -1 : int32_t(media_time) == -1)
					continue;
				media_time += int64_t(skip);
				uint64_t left =
				        media_length -
				        std::min<uint64_t>(media_length, uint64_t(media_time));
				uint64_t play = std::min(
				        gst_util_uint64_scale_round(duration, movie_scale,
				                                    GST_SECOND),
				        gst_util_uint64_scale(left, movie_scale,
				                              std::max<uint64_t>(1, media_scale)));
				put(e, int(width), play);
				put(e + width, int(width), uint64_t(media_time));
				break;
			}
			for (uint64_t i = 0; i < count; i++)
				total += get(&d[first + i * entry], int(width));
			put(&d[tdur_at], tdur_width, total);
		}
		longest = std::max(longest, get(&d[tdur_at], tdur_width));
	}
	put(&d[mdur_at], mdur_width, longest);
	return true;
}

} /* namespace */

bool mp4_skip_audio_priming(const std::string &path, uint32_t priming, uint32_t rate,
                            GstClockTime duration, GError **error)
{
	std::unique_ptr<FILE, FileCloser> f(g_fopen(path.c_str(), "r+b"));
	if (!f)
		return io_error(error, path, "open");
	/* the top-level boxes: find moov (at the start with faststart, else at the end) */
	for (;;) {
		uint8_t head[16];
		off_t at = ftello(f.get());
		std::size_t got = fread(head, 1, 8, f.get());
		if (got < 8)
			return ferror(f.get())
			               ? io_error(error, path, "read")
			               : failed(error, path, "the MP4 file has no moov box");
		uint64_t size = get(head, 4);
		std::size_t header = 8;
		if (size == 1) {
			if (fread(head + 8, 1, 8, f.get()) != 8)
				return failed(error, path, "a box of the MP4 file is cut short");
			size = get(head + 8, 8);
			header = 16;
		}
		if (size != 0 && size < header)
			return failed(error, path, "a box of the MP4 file has a wrong size");
		if (memcmp(head + 4, "moov", 4) != 0) {
			if (size == 0 || fseeko(f.get(), at + off_t(size), SEEK_SET) != 0)
				return failed(error, path, "the MP4 file has no moov box");
			continue;
		}
		if (size == 0) {
			if (fseeko(f.get(), 0, SEEK_END) != 0)
				return io_error(error, path, "read");
			size = uint64_t(ftello(f.get()) - at);
			fseeko(f.get(), at + off_t(header), SEEK_SET);
		}
		if (size > (64u << 20))
			return failed(error, path, "the MP4 file's moov box is too large");
		std::vector<uint8_t> moov(size - header);
		if (fread(moov.data(), 1, moov.size(), f.get()) != moov.size())
			return failed(error, path, "the MP4 file's moov box is cut short");
		const char *why = nullptr;
		if (!patch_moov(moov, priming, rate, duration, &why))
			return failed(error, path, why);
		if (fseeko(f.get(), at + off_t(header), SEEK_SET) != 0 ||
		    fwrite(moov.data(), 1, moov.size(), f.get()) != moov.size() ||
		    fflush(f.get()) != 0)
			return io_error(error, path, "write");
		return true;
	}
}

} /* namespace jtl */
