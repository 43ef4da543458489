// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the MP4 edit-list patch: a small moov as mp4mux writes it, patched in place.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <glib.h>
#include <glib/gstdio.h>

#include <jsontimeline/diagnostics.h>
#include <jsontimeline/mp4-edit.h>

using namespace jtl;

namespace {

using Bytes = std::vector<uint8_t>;

void put(Bytes &b, uint64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--)
		b.push_back(uint8_t(v >> (8 * i)));
}

uint64_t get(const Bytes &b, std::size_t at, int width)
{
	uint64_t v = 0;
	for (int i = 0; i < width; i++)
		v = v << 8 | b[at + std::size_t(i)];
	return v;
}

Bytes box(const char *type, const Bytes &body)
{
	Bytes b;
	put(b, body.size() + 8, 4);
	b.insert(b.end(), type, type + 4);
	b.insert(b.end(), body.begin(), body.end());
	return b;
}

Bytes cat(std::initializer_list<Bytes> parts)
{
	Bytes out;
	for (const Bytes &p : parts)
		out.insert(out.end(), p.begin(), p.end());
	return out;
}

/* version 0 full boxes with the fields the patch reads */
Bytes header(uint32_t timescale, uint32_t duration) /* mvhd, mdhd */
{
	Bytes b;
	put(b, 0, 4); /* version, flags */
	put(b, 0, 8); /* creation, modification */
	put(b, timescale, 4);
	put(b, duration, 4);
	put(b, 0, 8); /* the rest, not read */
	return b;
}

Bytes trak(const char *handler, uint32_t movie_duration, uint32_t media_scale,
           uint32_t media_duration)
{
	Bytes tkhd, hdlr, elst;
	put(tkhd, 0, 4);
	put(tkhd, 0, 8);
	put(tkhd, 1, 4); /* track id */
	put(tkhd, 0, 4);
	put(tkhd, movie_duration, 4);
	put(tkhd, 0, 8);
	put(hdlr, 0, 8);
	hdlr.insert(hdlr.end(), handler, handler + 4);
	put(elst, 0, 4);
	put(elst, 1, 4); /* one entry: the whole track from media time 0 */
	put(elst, movie_duration, 4);
	put(elst, 0, 4);
	put(elst, 0x10000, 4);
	return box("trak", cat({box("tkhd", tkhd), box("edts", box("elst", elst)),
	                        box("mdia", cat({box("mdhd", header(media_scale, media_duration)),
	                                         box("hdlr", hdlr)}))}));
}

std::string write(const char *name, const Bytes &data)
{
	static std::string dir;
	if (dir.empty()) {
		g_autofree gchar *d = g_dir_make_tmp("jtl-mp4-XXXXXX", nullptr);
		dir = d;
	}
	std::string path = dir + "/" + name;
	g_assert_true(g_file_set_contents(path.c_str(), reinterpret_cast<const char *>(data.data()),
	                                  gssize(data.size()), nullptr));
	return path;
}

Bytes read(const std::string &path)
{
	gchar *data = nullptr;
	gsize size = 0;
	g_assert_true(g_file_get_contents(path.c_str(), &data, &size, nullptr));
	Bytes out(data, data + size);
	g_free(data);
	return out;
}

/* ftyp (16 bytes), mdat (16), moov at 32: its body at 40, mvhd's at 48, the first trak at
 * 76 (mvhd is 36 bytes); in a trak, tkhd's body at 16, elst's at 64. */
Bytes movie()
{
	/* a 2 s movie at 1000/s: a video track of 2 s, a sound track of 2.064 s coded */
	Bytes moov =
	        box("moov", cat({box("mvhd", header(1000, 2064)), trak("vide", 2000, 30000, 60000),
	                         trak("soun", 2064, 48000, 99072)}));
	return cat({box("ftyp", Bytes(8, 0)), box("mdat", Bytes(8, 0xAA)), moov});
}

/* The sound track's elst entry, tkhd duration and the mvhd duration. */
void check_sound(const Bytes &f, uint64_t play, uint64_t media_time, uint64_t movie)
{
	std::size_t moov = 32 + 8, mvhd = moov + 8;
	std::size_t video = moov + 36, sound = video + get(f, video, 4);
	std::size_t tkhd = sound + 8 + 8, elst = tkhd + 48;
	g_assert_cmpuint(get(f, mvhd + 16, 4), ==, movie);
	g_assert_cmpuint(get(f, tkhd + 20, 4), ==, play);
	g_assert_cmpuint(get(f, elst + 8, 4), ==, play);
	g_assert_cmpuint(get(f, elst + 12, 4), ==, media_time);
	/* the video track is left alone */
	std::size_t vtkhd = video + 8 + 8, velst = vtkhd + 48;
	g_assert_cmpuint(get(f, vtkhd + 20, 4), ==, 2000);
	g_assert_cmpuint(get(f, velst + 12, 4), ==, 0);
}

void test_priming_skipped()
{
	Bytes before = movie();
	std::string path = write("a.mp4", before);
	g_autoptr(GError) error = nullptr;
	g_assert_true(mp4_skip_audio_priming(path, 1600, 48000, 2 * GST_SECOND, &error));
	g_assert_no_error(error);
	Bytes after = read(path);
	g_assert_cmpuint(after.size(), ==, before.size());
	check_sound(after, 2000, 1600, 2000);
	/* the sound given lasts longer than what was coded after the priming: the edit ends
	 * with the coded sound (99072 - 1600 samples = 2030.7 ms) */
	path = write("b.mp4", before);
	g_assert_true(mp4_skip_audio_priming(path, 1600, 48000, 3 * GST_SECOND, &error));
	check_sound(read(path), 2030, 1600, 2030);
}

void test_errors()
{
	g_autoptr(GError) error = nullptr;
	g_assert_false(
	        mp4_skip_audio_priming("/nonexistent/x.mp4", 1600, 48000, GST_SECOND, &error));
	g_assert_error(error, JTL_ERROR, JTL_ERROR_IO);
	g_clear_error(&error);
	std::string path = write("no-moov.mp4", box("ftyp", Bytes(8, 0)));
	g_assert_false(mp4_skip_audio_priming(path, 1600, 48000, GST_SECOND, &error));
	g_assert_error(error, JTL_ERROR, JTL_ERROR_FAILED);
	g_assert_nonnull(strstr(error->message, "no moov"));
}

} /* namespace */

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/mp4-edit/priming-skipped", test_priming_skipped);
	g_test_add_func("/mp4-edit/errors", test_errors);
	return g_test_run();
}
