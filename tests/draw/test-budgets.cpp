// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the budgets (budgets.h): document counts and text lengths refused with their code
// and JSON pointer before the schema runs; Lottie animations and GIFs refused before rlottie or
// gdk-pixbuf builds them.
#include <jsontimeline/animation.h>
#include <jsontimeline/budgets.h>
#include <jsontimeline/editorstate.h>

#include <glib/gstdio.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

using namespace jtl;

namespace {

/* An editorState with `count` one-frame effect items on `tracks` tracks, each item's
 * opacity-like property "blurLevel" carrying `keyframes` keyframes (the budget counts any
 * animated member), a text item with `text`, and a caption asset with `caption`. */
struct DocSpec {
	std::size_t effects = 1;
	std::size_t tracks = 1;
	std::size_t keyframes = 0;
	std::size_t keyframed_items = 1;
	std::string text = "Hello";
	std::string caption = "Line one";
	std::string lottie; /* resourceJson of a lottie asset, "" = none */
};

std::string document(const DocSpec &s)
{
	std::string items, tracks;
	std::vector<std::string> per_track(s.tracks);
	for (std::size_t i = 0; i < s.effects; i++) {
		std::string id = "e" + std::to_string(i);
		std::string kf;
		if (i < s.keyframed_items && s.keyframes > 0) {
			kf = ", \"intensityCurve\": {\"value\": 1, \"keyframes\": [";
			for (std::size_t k = 0; k < s.keyframes; k++)
				kf += std::string(k ? "," : "") +
				      "{\"timeTicks\": 0, \"value\": 1}";
			kf += "]}";
		}
		items += "\"" + id + "\": {\"id\": \"" + id +
		         "\", \"type\": \"effect\", \"effectType\": \"blur\", \"intensity\": 1, "
		         "\"startTicks\": " +
		         std::to_string(i / s.tracks * 8000) +
		         ", \"durationTicks\": 8000, \"isDraggingInTimeline\": false" + kf + "},";
		std::string &t = per_track[i % s.tracks];
		t += (t.empty() ? "\"" : ", \"") + id + "\"";
	}
	items += "\"t\": {\"id\": \"t\", \"type\": \"text\", \"text\": \"" + s.text + "\"}";
	for (std::size_t i = 0; i < s.tracks; i++)
		tracks += (i ? "," : "") + std::string("{\"id\": \"k") + std::to_string(i) +
		          "\", \"hidden\": false, \"muted\": false, \"items\": [" + per_track[i] +
		          "]}";
	std::string assets = "\"c\": {\"id\": \"c\", \"type\": \"caption\", \"captions\": "
	                     "[{\"text\": \"" +
	                     s.caption + "\", \"startMs\": 0, \"endMs\": 1000}]}";
	if (!s.lottie.empty())
		assets += ", \"l\": {\"id\": \"l\", \"type\": \"lottie\", \"resourceJson\": " +
		          s.lottie + "}";
	return "{\"compositionWidth\": 320, \"compositionHeight\": 180, "
	       "\"timebaseTicksPerSecond\": 240000, \"tracks\": [" +
	       tracks + "], \"assets\": {" + assets + "}, \"items\": {" + items + "}}";
}

EditorStateResult load(const DocSpec &s, const DocumentBudgets &b = {})
{
	EditorStateOptions o;
	o.budgets = b;
	return load_editor_state(document(s), o);
}

/* The error with code, or fails the test; its path must be path. */
void expect_error(const EditorStateResult &r, const char *code, const std::string &path,
                  const char *fragment)
{
	for (const Diagnostic &d : r.diagnostics.errors())
		if (d.code == code) {
			g_assert_cmpstr(d.path.c_str(), ==, path.c_str());
			g_assert_nonnull(strstr(d.message.c_str(), fragment));
			return;
		}
	for (const Diagnostic &d : r.diagnostics.all())
		g_test_message("%s %s: %s", d.code.c_str(), d.path.c_str(), d.message.c_str());
	g_error("no %s", code);
}

bool has_code(const EditorStateResult &r, const char *code)
{
	for (const Diagnostic &d : r.diagnostics.errors())
		if (d.code == code)
			return true;
	return false;
}

void test_items()
{
	DocumentBudgets b;
	b.max_items = 50;
	DocSpec s;
	s.effects = 49; /* + the text item: at the budget */
	EditorStateResult r = load(s, b);
	g_assert_false(has_code(r, "EDITOR_TOO_MANY_ITEMS"));
	s.effects = 50;
	r = load(s, b);
	expect_error(r, "EDITOR_TOO_MANY_ITEMS", "/items", "51 items; the limit is 50");
	/* refused before the schema: nothing else is reported, no model is built */
	g_assert_cmpuint(r.diagnostics.error_count(), ==, 1);
	g_assert_null(r.timeline.get());

	/* the default: 20000 items */
	s.effects = 20000;
	r = load(s);
	expect_error(r, "EDITOR_TOO_MANY_ITEMS", "/items", "20001 items; the limit is 20000");
}

void test_tracks()
{
	DocumentBudgets b;
	b.max_tracks = 4;
	b.max_effect_tracks = 2;
	DocSpec s;
	s.effects = 6;
	s.tracks = 3;
	EditorStateResult r = load(s, b);
	expect_error(r, "EDITOR_TOO_MANY_EFFECT_TRACKS", "/tracks/2", "more than 2 tracks");
	g_assert_false(has_code(r, "EDITOR_TOO_MANY_TRACKS"));
	s.tracks = 5;
	r = load(s, b);
	expect_error(r, "EDITOR_TOO_MANY_TRACKS", "/tracks", "5 tracks; the limit is 4");
}

void test_keyframes()
{
	DocumentBudgets b;
	b.max_keyframes = 10;
	b.max_total_keyframes = 25;
	DocSpec s;
	s.effects = 3;
	s.keyframes = 10;
	s.keyframed_items = 2;
	EditorStateResult r = load(s, b);
	g_assert_false(has_code(r, "EDITOR_TOO_MANY_KEYFRAMES"));
	s.keyframes = 11;
	s.keyframed_items = 1;
	r = load(s, b);
	expect_error(r, "EDITOR_TOO_MANY_KEYFRAMES", "/items/e0/intensityCurve/keyframes",
	             "11 keyframes; the limit is 10");
	/* the total: the third array of 9 crosses 25 */
	s.keyframes = 9;
	s.keyframed_items = 3;
	r = load(s, b);
	g_assert_cmpuint(r.diagnostics.error_count(), ==, 1);
	g_assert_true(has_code(r, "EDITOR_TOO_MANY_KEYFRAMES"));
	g_assert_nonnull(strstr(r.diagnostics.errors()[0].message.c_str(), "more than 25"));
}

void test_text()
{
	DocumentBudgets b;
	b.max_text_chars = 8;
	b.max_caption_chars = 4;
	b.max_total_text_chars = 12;
	DocSpec s;
	s.text = "\xc3\xa9t\xc3\xa9 ok"; /* 6 characters in 8 bytes */
	s.caption = "abcd";
	EditorStateResult r = load(s, b);
	g_assert_false(has_code(r, "EDITOR_TEXT_TOO_LONG"));
	s.text = "123456789";
	r = load(s, b);
	expect_error(r, "EDITOR_TEXT_TOO_LONG", "/items/t/text", "9 characters; the limit is 8");
	s.text = "1234";
	s.caption = "abcde";
	r = load(s, b);
	expect_error(r, "EDITOR_TEXT_TOO_LONG", "/assets/c/captions/0/text",
	             "5 characters; the limit is 4");
	/* the total over every text */
	b.max_caption_chars = 100;
	s.text = "12345678";
	s.caption = "abcde";
	r = load(s, b);
	expect_error(r, "EDITOR_TEXT_TOO_LONG", "/assets/c/captions/0/text", "more than 12");

	/* the default: 20000 characters per text item */
	s = DocSpec();
	s.text = std::string(20001, 'x');
	r = load(s);
	expect_error(r, "EDITOR_TEXT_TOO_LONG", "/items/t/text", "20001 characters");
}

/* A Lottie animation of one shape layer whose shape list is `shapes` (JSON). */
std::string lottie(const std::string &shapes, const std::string &extra = "")
{
	return "{\"v\": \"5.7.0\", \"fr\": 30, \"ip\": 0, \"op\": 30, \"w\": 100, \"h\": 100, "
	       "\"layers\": [{\"ty\": 4, \"ip\": 0, \"op\": 30, \"st\": 0, \"ks\": {}, "
	       "\"shapes\": " +
	       shapes + "}]" + extra + "}";
}

const char *kRect = "{\"ty\": \"rc\", \"s\": {\"a\": 0, \"k\": [10, 10]}, \"p\": {\"a\": 0, "
                    "\"k\": [50, 50]}, \"r\": {\"a\": 0, \"k\": 0}}";

std::string repeater(const std::string &copies)
{
	return "{\"ty\": \"rp\", \"c\": " + copies +
	       ", \"o\": {\"a\": 0, \"k\": 0}, \"tr\": {\"ty\": \"tr\"}}";
}

void expect_excess(const std::string &json, const char *pointer, const char *fragment)
{
	LottieExcess e;
	g_assert_false(check_lottie_budgets_text(json, &e));
	g_test_message("%s", e.text().c_str());
	g_assert_cmpstr(e.pointer.c_str(), ==, pointer);
	g_assert_nonnull(strstr(e.message.c_str(), fragment));
}

void test_lottie()
{
	LottieExcess e;
	std::string rect = kRect;
	/* a small one, with a repeater of 20 copies */
	g_assert_true(check_lottie_budgets_text(
	        lottie("[" + rect + ", " + repeater("{\"a\": 0, \"k\": 20}") + "]"), &e));
	/* two repeaters of 10^6 copies: 10^12 shapes, refused at the second */
	std::string group = "{\"ty\": \"gr\", \"it\": [" + rect + ", " +
	                    repeater("{\"a\": 0, \"k\": 1000000}") + "]}";
	expect_excess(lottie("[" + group + ", " + repeater("{\"a\": 0, \"k\": 1000000}") + "]"),
	              "/layers/0/shapes/0/it/1", "shapes (repeaters and precomps multiply");
	/* animated copies count at their largest keyframe value */
	expect_excess(lottie("[" + rect + ", " +
	                     repeater("{\"a\": 1, \"k\": [{\"t\": 0, \"s\": [2]}, {\"t\": 10, "
	                              "\"s\": [90000]}]}") +
	                     "]"),
	              "/layers/0/shapes/1", "90001 shapes");
	/* precomps multiply: 12 uses of a precomp using a precomp of 12 uses of 500 shapes */
	std::string shapes = "[";
	for (int i = 0; i < 500; i++)
		shapes += std::string(i ? "," : "") + rect;
	shapes += "]";
	std::string uses_b, uses_a;
	for (int i = 0; i < 12; i++) {
		uses_b += std::string(i ? "," : "") + "{\"ty\": 0, \"refId\": \"b\"}";
		uses_a += std::string(i ? "," : "") + "{\"ty\": 0, \"refId\": \"a\"}";
	}
	std::string precomps =
	        "{\"v\": \"5.7.0\", \"fr\": 30, \"ip\": 0, \"op\": 30, \"w\": 100, "
	        "\"h\": 100, \"layers\": [" +
	        uses_a + "], \"assets\": [{\"id\": \"a\", \"layers\": [" + uses_b +
	        "]}, {\"id\": \"b\", \"layers\": [{\"ty\": 4, \"shapes\": " + shapes + "}]}]}";
	expect_excess(precomps, "/layers/8", "shapes");
	/* a precomp holding itself */
	expect_excess("{\"fr\": 30, \"ip\": 0, \"op\": 30, \"w\": 100, \"h\": 100, \"layers\": "
	              "[{\"ty\": 0, \"refId\": \"a\"}], \"assets\": [{\"id\": \"a\", \"layers\": "
	              "[{\"ty\": 0, \"refId\": \"a\"}]}]}",
	              "/assets/0/layers", "contains itself");
	/* the canvas, the frame range, the frame rate, not a Lottie at all */
	expect_excess(
	        "{\"fr\": 30, \"ip\": 0, \"op\": 30, \"w\": 100000, \"h\": 100, \"layers\": []}",
	        "/w", "100000x100");
	expect_excess(
	        "{\"fr\": 30, \"ip\": 0, \"op\": 1e12, \"w\": 100, \"h\": 100, \"layers\": []}",
	        "/op", "frames");
	expect_excess("{\"fr\": 0, \"ip\": 0, \"op\": 30, \"w\": 100, \"h\": 100, \"layers\": []}",
	              "/fr", "frame rate");
	expect_excess("[1, 2]", "", "not a Lottie");
	g_assert_false(check_lottie_budgets_text("{", &e));
	g_assert_nonnull(strstr(e.message.c_str(), "cannot be read"));

	/* images: declared sizes, and the size in an embedded image's header */
	auto with_image = [&](const std::string &asset) {
		return lottie("[" + rect + "]", ", \"assets\": [" + asset + "]");
	};
	auto data_uri = [](const std::string &bytes) {
		g_autofree gchar *b64 = g_base64_encode(
		        reinterpret_cast<const guchar *>(bytes.data()), bytes.size());
		return "\"data:image/png;base64," + std::string(b64) + "\"";
	};
	auto png = [](uint32_t w, uint32_t h) {
		std::string d("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
		for (uint32_t v : {w, h})
			for (int shift : {24, 16, 8, 0})
				d += char(v >> shift & 0xff);
		return d + std::string("\x08\x06\0\0\0", 5);
	};
	/* a JPEG: SOI, an APP0 segment, then SOF0 with height and width */
	auto jpeg = [](uint32_t w, uint32_t h) {
		std::string d("\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 20);
		d += std::string("\xff\xc0\0\x11\x08", 5);
		for (uint32_t v : {h, w}) {
			d += char(v >> 8 & 0xff);
			d += char(v & 0xff);
		}
		return d + std::string(12, '\0');
	};
	g_assert_true(check_lottie_budgets_text(
	        with_image("{\"id\": \"i\", \"w\": 10, \"h\": 10, \"u\": \"\", \"e\": 1, "
	                   "\"p\": " +
	                   data_uri(png(10, 10)) + "}"),
	        &e));
	expect_excess(with_image("{\"id\": \"i\", \"w\": 30000, \"h\": 30000, \"p\": \"a.png\"}"),
	              "/assets/0", "30000x30000, more than the limit of 16777216 pixels");
	expect_excess(with_image("{\"id\": \"i\", \"w\": 10, \"h\": 10, \"e\": 1, \"p\": " +
	                         data_uri(png(30000, 30000)) + "}"),
	              "/assets/0/p", "embedded image is 30000x30000");
	expect_excess(
	        with_image("{\"id\": \"i\", \"e\": 1, \"p\": " + data_uri(jpeg(5000, 4000)) + "}"),
	        "/assets/0/p", "embedded image is 5000x4000");
	g_assert_true(check_lottie_budgets_text(
	        with_image("{\"id\": \"i\", \"e\": 1, \"p\": " + data_uri(jpeg(640, 480)) + "}"),
	        &e));
	/* a TGA has no signature and stb_image decodes it whatever it claims: refused */
	expect_excess(with_image("{\"id\": \"i\", \"e\": 1, \"p\": " +
	                         data_uri(std::string(18, '\0') + "pixels") + "}"),
	              "/assets/0/p", "not a PNG, JPEG, GIF or BMP");

	/* open_lottie_json refuses it before rlottie builds 10^12 shapes */
	std::string error;
	g_assert_null(open_lottie_json(lottie("[" + group + ", " +
	                                      repeater("{\"a\": 0, \"k\": 1000000}") + "]"),
	                               "", &error)
	                      .get());
	g_assert_nonnull(strstr(error.c_str(), "the limit is 50000"));

	/* embedded in a document: an error at its pointer inside the document */
	DocSpec s;
	s.lottie = lottie("[" + group + ", " + repeater("{\"a\": 0, \"k\": 1000000}") + "]");
	EditorStateResult r = load(s);
	expect_error(r, "EDITOR_LOTTIE_TOO_COMPLEX",
	             "/assets/l/resourceJson/layers/0/shapes/0/it/1", "limit is 50000");
}

/* A GIF of one 1x1 image on a width x height logical screen, `frames` times: a few bytes
 * whatever the screen. */
std::string gif(int width, int height, int frames = 1)
{
	std::string d = "GIF89a";
	for (int v : {width, height}) {
		d += char(v & 0xff);
		d += char(v >> 8 & 0xff);
	}
	d += std::string("\x80\x00\x00", 3);             /* a global table of 2 colours */
	d += std::string("\x00\x00\x00\xff\xff\xff", 6); /* black, white */
	for (int i = 0; i < frames; i++) {
		d += std::string("\x21\xf9\x04\x04\x0a\x00\x00\x00", 8); /* 100 ms */
		d += std::string("\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00", 10);
		d += std::string("\x02\x02\x44\x01\x00", 5); /* LZW: clear, 0, end */
	}
	d += ';';
	return d;
}

std::string write_temp(const std::string &data)
{
	g_autofree gchar *path = nullptr;
	int fd = g_file_open_tmp("jtl-budget-XXXXXX.gif", &path, nullptr);
	g_assert_cmpint(fd, >=, 0);
	close(fd);
	g_assert_true(g_file_set_contents(path, data.data(), gssize(data.size()), nullptr));
	return path;
}

void test_gif()
{
	std::string error;
	/* a 16000 x 16000 screen: 256 M pixels a frame, refused before decoding */
	std::string big = write_temp(gif(16000, 16000));
	g_assert_null(open_gif(big, true, &error).get());
	g_assert_nonnull(strstr(error.c_str(), "16000x16000"));
	g_assert_nonnull(strstr(error.c_str(), "larger than the limit of 16777216 pixels"));
	/* 4096 x 4096 is allowed, but not 65 frames of it */
	std::string many = write_temp(gif(4096, 4096, 65));
	g_assert_null(open_gif(many, true, &error).get());
	g_assert_nonnull(strstr(error.c_str(), "65 frames of 4096x4096"));
	/* a small one opens */
	std::string small = write_temp(gif(64, 48, 3));
	std::unique_ptr<Animation> ok = open_gif(small, true, &error);
	g_assert_nonnull(ok.get());
	g_assert_cmpint(ok->width(), ==, 64);
	for (const std::string &p : {big, many, small})
		g_unlink(p.c_str());
}

} /* namespace */

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/budgets/items", test_items);
	g_test_add_func("/budgets/tracks", test_tracks);
	g_test_add_func("/budgets/keyframes", test_keyframes);
	g_test_add_func("/budgets/text", test_text);
	g_test_add_func("/budgets/lottie", test_lottie);
	g_test_add_func("/budgets/gif", test_gif);
	return g_test_run();
}
