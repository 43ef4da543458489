// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of animated assets: GIF frame timing and pixels, Lottie frames and errors.
#include <cmath>
#include <string>
#include <vector>

#include <glib.h>
#include <glib/gstdio.h>

#include <jsontimeline/animation.h>
#include <jsontimeline/asset-policy.h>

using namespace jtl;

static std::string tmp_dir;

static std::string write_file(const std::string &name, const std::string &bytes)
{
	std::string path = tmp_dir + "/" + name;
	g_assert_true(
	        g_file_set_contents(path.c_str(), bytes.data(), gssize(bytes.size()), nullptr));
	return path;
}

static void put16(std::string *s, unsigned v)
{
	s->push_back(char(v & 0xff));
	s->push_back(char(v >> 8));
}

/* The LZW data of a w x h picture of one colour index (2-bit codes): each pixel is a
 * clear code then the literal, so the code width stays 3 bits and no table is built. */
static std::string lzw_solid(int w, int h, int index)
{
	std::vector<uint8_t> bytes;
	uint32_t acc = 0;
	int bits = 0;
	auto emit = [&](uint32_t code) {
		acc |= code << bits;
		bits += 3;
		while (bits >= 8) {
			bytes.push_back(uint8_t(acc & 0xff));
			acc >>= 8;
			bits -= 8;
		}
	};
	for (int i = 0; i < w * h; i++) {
		emit(4); /* clear */
		emit(uint32_t(index));
	}
	emit(5); /* end of information */
	if (bits > 0)
		bytes.push_back(uint8_t(acc));
	std::string out(1, char(2)); /* minimum code size */
	for (std::size_t at = 0; at < bytes.size(); at += 255) {
		std::size_t n = std::min<std::size_t>(255, bytes.size() - at);
		out.push_back(char(n));
		out.append(reinterpret_cast<const char *>(&bytes[at]), n);
	}
	out.push_back(0);
	return out;
}

/* A GIF89a of w x h frames, frame i filled with colour index indexes[i] (0 red, 1 green,
 * 2 blue, 3 black) shown for delays[i] hundredths of a second; loops forever. */
static std::string make_gif(int w, int h, const std::vector<int> &indexes,
                            const std::vector<int> &delays, int screen_w = 0)
{
	std::string s = "GIF89a";
	put16(&s, unsigned(screen_w ? screen_w : w));
	put16(&s, unsigned(h));
	s += char(0x81); /* global colour table of 4 entries */
	s += char(0);
	s += char(0);
	s += std::string("\xff\x00\x00\x00\xff\x00\x00\x00\xff\x00\x00\x00", 12);
	s += std::string("\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00", 19);
	for (std::size_t i = 0; i < indexes.size(); i++) {
		s += std::string("\x21\xf9\x04\x04", 4); /* graphic control: do not dispose */
		put16(&s, unsigned(delays[i]));
		s += char(0);
		s += char(0);
		s += char(0x2c);
		put16(&s, 0);
		put16(&s, 0);
		put16(&s, unsigned(w));
		put16(&s, unsigned(h));
		s += char(0);
		s += lzw_solid(w, h, indexes[i]);
	}
	s += char(0x3b);
	return s;
}

static const uint32_t kRed = 0x0000ffff, kGreen = 0x00ff00ff, kBlue = 0xff0000ff;

static void test_gif_timing()
{
	std::string path = write_file("three.gif", make_gif(16, 16, {0, 1, 2}, {10, 20, 10}));
	std::string error;
	std::unique_ptr<Animation> loop = open_gif(path, true, &error);
	g_assert_nonnull(loop.get());
	g_assert_cmpint(loop->width(), ==, 16);
	g_assert_cmpint(loop->height(), ==, 16);
	g_assert_true(loop->loops());
	g_assert_cmpfloat_with_epsilon(loop->duration_seconds(), 0.4, 1e-9);
	g_assert_cmpint(loop->frame_at(-1.0), ==, 0);
	g_assert_cmpint(loop->frame_at(0.0), ==, 0);
	g_assert_cmpint(loop->frame_at(0.05), ==, 0);
	g_assert_cmpint(loop->frame_at(0.1), ==, 1);
	g_assert_cmpint(loop->frame_at(0.15), ==, 1);
	g_assert_cmpint(loop->frame_at(0.299), ==, 1);
	g_assert_cmpint(loop->frame_at(0.35), ==, 2);
	g_assert_cmpint(loop->frame_at(0.45), ==, 0);
	g_assert_cmpint(loop->frame_at(0.75), ==, 2);
	g_assert_cmpint(loop->frame_at(40.15), ==, 1);

	std::unique_ptr<Animation> once = open_gif(path, false, &error);
	g_assert_nonnull(once.get());
	g_assert_false(once->loops());
	g_assert_cmpint(once->frame_at(0.15), ==, 1);
	g_assert_cmpint(once->frame_at(0.35), ==, 2);
	g_assert_cmpint(once->frame_at(0.45), ==, 2);
	g_assert_cmpint(once->frame_at(100.0), ==, 2);
}

static void test_gif_pixels()
{
	std::string path = write_file("pixels.gif", make_gif(16, 16, {0, 1, 2}, {10, 20, 10}));
	std::string error;
	std::unique_ptr<Animation> gif = open_gif(path, true, &error);
	g_assert_nonnull(gif.get());
	const uint32_t expected[] = {kRed, kGreen, kBlue};
	/* in order, then backwards (gdk-pixbuf composites again from the first frame) */
	for (int64_t frame : {0, 1, 2, 1, 0, 2, 2}) {
		Raster r;
		g_assert_true(gif->draw(frame, 8, 8, false, &r, &error));
		g_assert_cmpint(r.width, ==, 8);
		g_assert_cmpint(r.height, ==, 8);
		for (auto [x, y] : {std::pair{0, 0}, {4, 4}, {7, 7}})
			g_assert_cmphex(r.bgra(x, y), ==, expected[frame]);
	}
	/* a 16 x 16 picture in a 32 x 16 box: centred, transparent on both sides */
	Raster fitted;
	g_assert_true(gif->draw(gif->frame_at(0.15), 32, 16, true, &fitted, &error));
	g_assert_cmphex(fitted.bgra(2, 8), ==, 0);
	g_assert_cmphex(fitted.bgra(16, 8), ==, kGreen);
	g_assert_cmphex(fitted.bgra(29, 8), ==, 0);
	Raster stretched;
	g_assert_true(gif->draw(1, 32, 16, false, &stretched, &error));
	g_assert_cmphex(stretched.bgra(1, 8), ==, kGreen);
	g_assert_cmphex(stretched.bgra(30, 8), ==, kGreen);
}

static void test_gif_errors()
{
	std::string error;
	g_assert_null(open_gif(tmp_dir + "/missing.gif", true, &error).get());
	g_assert_true(error.find("missing.gif") != std::string::npos);

	error.clear();
	std::string png = write_file("not.gif", "\x89PNG\r\n\x1a\n0000000000000000");
	g_assert_null(open_gif(png, true, &error).get());
	g_assert_true(error.find("not a GIF") != std::string::npos);

	/* refused from the block structure alone, before any pixel is decoded */
	error.clear();
	std::vector<int> many(kMaxAnimationFrames + 1, 0), delays(kMaxAnimationFrames + 1, 2);
	std::string big = write_file("many.gif", make_gif(1, 1, many, delays));
	g_assert_null(open_gif(big, true, &error).get());
	g_assert_true(error.find("more than 4096 frames") != std::string::npos);

	error.clear();
	std::string wide = write_file("wide.gif", make_gif(1, 1, {0}, {10}, 20000));
	g_assert_null(open_gif(wide, true, &error).get());
	g_assert_true(error.find("larger than 16384") != std::string::npos);

	/* a still GIF: one frame, shown at every time */
	error.clear();
	std::string still = write_file("still.gif", make_gif(4, 4, {2}, {0}));
	std::unique_ptr<Animation> one = open_gif(still, false, &error);
	g_assert_nonnull(one.get());
	g_assert_cmpint(one->frame_at(0.0), ==, 0);
	g_assert_cmpint(one->frame_at(5.0), ==, 0);
	Raster r;
	g_assert_true(one->draw(0, 4, 4, true, &r, &error));
	g_assert_cmphex(r.bgra(1, 1), ==, kBlue);
}

/* 64 x 64, 30 frames at 30 fps: a red 20 x 20 square whose centre moves from (10, 32) to
 * (54, 32) linearly over frames 0..29. */
static const char *kLottie = R"({"v":"5.5.2","fr":30,"ip":0,"op":30,"w":64,"h":64,"nm":"t",
"layers":[{"ty":4,"ind":1,"nm":"square","ip":0,"op":30,"st":0,"sr":1,
 "ks":{"o":{"a":0,"k":100},"r":{"a":0,"k":0},"p":{"a":0,"k":[0,0,0]},
       "a":{"a":0,"k":[0,0,0]},"s":{"a":0,"k":[100,100,100]}},
 "shapes":[{"ty":"gr","nm":"g","it":[
  {"ty":"rc","d":1,"nm":"r","s":{"a":0,"k":[20,20]},"r":{"a":0,"k":0},
   "p":{"a":1,"k":[{"t":0,"s":[10,32],"e":[54,32],"i":{"x":[1],"y":[1]},"o":{"x":[0],"y":[0]}},
                  {"t":29,"s":[54,32]}]}},
  {"ty":"fl","nm":"f","c":{"a":0,"k":[1,0,0,1]},"o":{"a":0,"k":100}},
  {"ty":"tr","p":{"a":0,"k":[0,0]},"a":{"a":0,"k":[0,0]},"s":{"a":0,"k":[100,100]},
   "r":{"a":0,"k":0},"o":{"a":0,"k":100}}]}]}]})";

static void check_lottie(Animation *anim)
{
	g_assert_cmpint(anim->width(), ==, 64);
	g_assert_cmpint(anim->height(), ==, 64);
	g_assert_true(anim->loops());
	g_assert_cmpfloat_with_epsilon(anim->duration_seconds(), 1.0, 1e-9);
	g_assert_cmpint(anim->frame_at(0.0), ==, 0);
	g_assert_cmpint(anim->frame_at(0.9), ==, 27);
	g_assert_cmpint(anim->frame_at(1.05), ==, 1);
	std::string error;
	Raster first, late;
	g_assert_true(anim->draw(anim->frame_at(0.0), 64, 64, false, &first, &error));
	g_assert_true(anim->draw(anim->frame_at(0.9), 64, 64, false, &late, &error));
	g_assert_cmphex(first.bgra(10, 32), ==, kRed);
	g_assert_cmphex(first.bgra(54, 32), ==, 0);
	g_assert_cmphex(late.bgra(10, 32), ==, 0);
	g_assert_cmphex(late.bgra(54, 32), ==, kRed);
	g_assert_cmphex(late.bgra(32, 5), ==, 0);
	/* half size, and fitted in a wide box: the 32 x 32 picture sits at x 16..48 */
	Raster half, wide;
	g_assert_true(anim->draw(0, 32, 32, false, &half, &error));
	g_assert_cmphex(half.bgra(5, 16), ==, kRed);
	g_assert_cmphex(half.bgra(27, 16), ==, 0);
	g_assert_true(anim->draw(0, 64, 32, true, &wide, &error));
	g_assert_cmpint(wide.width, ==, 64);
	g_assert_cmphex(wide.bgra(21, 16), ==, kRed);
	g_assert_cmphex(wide.bgra(8, 16), ==, 0);
}

static void test_lottie_json()
{
	std::string error;
	std::unique_ptr<Animation> anim = open_lottie_json(kLottie, "asset-1", &error);
	g_assert_nonnull(anim.get());
	check_lottie(anim.get());
	/* from rlottie's model cache this time, the same pictures */
	std::unique_ptr<Animation> again = open_lottie_json(kLottie, "asset-1", &error);
	g_assert_nonnull(again.get());
	check_lottie(again.get());
	std::unique_ptr<Animation> uncached = open_lottie_json(kLottie, "", &error);
	g_assert_nonnull(uncached.get());
	check_lottie(uncached.get());
}

static void test_lottie_file()
{
	std::string error;
	std::string path = write_file("square.json", kLottie);
	std::unique_ptr<Animation> anim = open_lottie_file(path, AssetPolicy(), &error);
	g_assert_nonnull(anim.get());
	check_lottie(anim.get());
}

static void test_lottie_errors()
{
	std::string text = kLottie;
	for (const std::string &bad :
	     {std::string("not json at all"), std::string(""), std::string("{}"),
	      std::string("[1, 2, 3]"), text.substr(0, text.size() / 2)}) {
		std::string error;
		g_assert_null(open_lottie_json(bad, "bad", &error).get());
		g_assert_false(error.empty());
	}
	std::string error;
	g_assert_null(open_lottie_file(tmp_dir + "/missing.json", AssetPolicy(), &error).get());
	g_assert_false(error.empty());
	g_assert_true(error.find(tmp_dir) == std::string::npos); /* no server path */
	error.clear();
	std::string path = write_file("broken.json", "{\"v\": ");
	g_assert_null(open_lottie_file(path, AssetPolicy(), &error).get());
	g_assert_false(error.empty());
}

static void test_animation_time()
{
	g_assert_cmpfloat(animation_time(0.0, 1.0, 2.5), ==, 2.5);
	g_assert_cmpfloat(animation_time(1.5, 2.0, 0.25), ==, 2.0);
	g_assert_cmpfloat(animation_time(3.0, 0.5, 1.0), ==, 3.5);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_autofree gchar *dir = g_dir_make_tmp("jtl-animation-XXXXXX", nullptr);
	tmp_dir = dir;
	g_test_add_func("/animation/gif-timing", test_gif_timing);
	g_test_add_func("/animation/gif-pixels", test_gif_pixels);
	g_test_add_func("/animation/gif-errors", test_gif_errors);
	g_test_add_func("/animation/lottie-json", test_lottie_json);
	g_test_add_func("/animation/lottie-file", test_lottie_file);
	g_test_add_func("/animation/lottie-errors", test_lottie_errors);
	g_test_add_func("/animation/time", test_animation_time);
	int rc = g_test_run();
	g_autoptr(GDir) d = g_dir_open(dir, 0, nullptr);
	while (const char *name = d ? g_dir_read_name(d) : nullptr) {
		g_autofree gchar *p = g_build_filename(dir, name, nullptr);
		g_unlink(p);
	}
	g_rmdir(dir);
	return rc;
}
