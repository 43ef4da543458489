// SPDX-License-Identifier: LGPL-2.1-or-later
// GstHarness tests of captionrender: SRT pages at their times, the highlighted word, the
// offset, max-lines, a subtitle stream on text_sink, animations, overflow drawn.
#include <gst/app/gstappsink.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/controller/controller.h>
#include <gst/video/video.h>

#include <glib/gstdio.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "harness.h"

constexpr int W = 320, H = 180;

/* Counts of pixels by colour in a BGRx frame, and the rows holding white ones. */
struct Ink {
	int white = 0, green = 0;
	int rows = 0;  /* rows with white or green pixels */
	int bands = 0; /* runs of such rows: lines of text */
	int y0 = H, y1 = -1;
};

static Ink measure(GstBuffer *buf)
{
	Ink ink;
	GstMapInfo map;
	gst_buffer_map(buf, &map, GST_MAP_READ);
	bool prev = false;
	for (int y = 0; y < H; y++) {
		bool any = false;
		for (int x = 0; x < W; x++) {
			const guint8 *p = map.data + (y * W + x) * 4;
			if (p[0] > 200 && p[1] > 200 && p[2] > 200) {
				ink.white++;
				any = true;
			} else if (p[1] > 200 && p[0] < 80 && p[2] < 80) {
				ink.green++;
				any = true;
			}
		}
		if (any) {
			ink.rows++;
			ink.y0 = std::min(ink.y0, y);
			ink.y1 = y;
			if (!prev)
				ink.bands++;
		}
		prev = any;
	}
	gst_buffer_unmap(buf, &map);
	return ink;
}

/* The element in a harness, with "name=value" properties separated by spaces. */
static GstHarness *harness(const char *props)
{
	return harness_with("captionrender", props,
	                    "video/x-raw, format=BGRx, width=320, height=180, framerate=30/1");
}

static Ink frame(GstHarness *h, int k)
{
	GstBuffer *buf = gst_buffer_new_and_alloc(W * H * 4);
	gst_buffer_memset(buf, 0, 0, W * H * 4);
	GST_BUFFER_PTS(buf) = gst_util_uint64_scale(k, GST_SECOND, 30);
	GST_BUFFER_DURATION(buf) = GST_SECOND / 30;
	GstBuffer *out = gst_harness_push_and_pull(h, buf);
	fail_unless(out != nullptr);
	Ink ink = measure(out);
	gst_buffer_unref(out);
	return ink;
}

static std::string write_temp(const char *name, const char *contents)
{
	gchar *dir = g_dir_make_tmp("captionrender-XXXXXX", nullptr);
	std::string path = std::string(dir) + "/" + name;
	g_free(dir);
	fail_unless(g_file_set_contents(path.c_str(), contents, -1, nullptr));
	return path;
}

static const char *kSrt = "1\n00:00:00,500 --> 00:00:01,500\nHELLO WORLD\n\n"
                          "2\n00:00:02,000 --> 00:00:03,000\nSECOND LINE\n";

GST_START_TEST(test_srt_pages_at_their_times)
{
	std::string srt = write_temp("a.srt", kSrt);
	std::string launch = "font-size=24 location=" + srt;
	GstHarness *h = harness(launch.c_str());
	/* frames 14 (0.467 s) and 45 (1.5 s) empty; 15 (0.5 s) and 44 shown; the second cue
	 * from frame 60 */
	fail_unless_equals_int(frame(h, 14).white, 0);
	Ink a = frame(h, 15);
	fail_unless(a.white > 100, "white %d", a.white);
	/* near the bottom: the default box is the lower quarter */
	fail_unless(a.y0 > H / 2, "text at row %d", a.y0);
	fail_unless(frame(h, 44).white == a.white);
	/* the cue ends at 1.5 s; the next starts 500 ms later: no hold */
	fail_unless_equals_int(frame(h, 45).white, 0);
	fail_unless_equals_int(frame(h, 59).white, 0);
	Ink b = frame(h, 60);
	fail_unless(b.white > 100 && b.white != a.white);
	fail_unless_equals_int(frame(h, 90).white, 0);
	gst_harness_teardown(h);
	g_remove(srt.c_str());
}
GST_END_TEST;

static const char *kWords = "[{\"text\":\"AAA \",\"startMs\":900,\"endMs\":1200},"
                            "{\"text\":\"BBB\",\"startMs\":1200,\"endMs\":1500}]";

GST_START_TEST(test_highlight_only_while_spoken)
{
	GstHarness *h = harness("font-size=28 highlight-color=0xff00ff00 "
	                        "page-duration=1000");
	g_object_set(h->element, "captions", kWords, nullptr);
	fail_unless_equals_int(frame(h, 26).white + frame(h, 26).green, 0); /* 0.867 s */
	/* frame 27 (0.9 s): AAA green, BBB white */
	Ink a = frame(h, 27);
	fail_unless(a.green > 50 && a.white > 50, "green %d white %d", a.green, a.white);
	/* frame 36 (1.2 s): BBB spoken */
	Ink b = frame(h, 36);
	fail_unless(b.green > 50 && b.white > 50);
	fail_unless(std::abs(b.green - a.white) < a.white / 4 + 10);
	/* frame 45 (1.5 s): over */
	fail_unless_equals_int(frame(h, 45).white + frame(h, 45).green, 0);
	gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_offset_shifts_by_frames)
{
	/* 600 ms into the captions at stream time 0: the page at 900 ms shows from 300 ms,
	 * frame 9 at 30 fps, 18 frames earlier */
	GstHarness *h = harness("font-size=28 offset=600");
	g_object_set(h->element, "captions", kWords, nullptr);
	fail_unless_equals_int(frame(h, 8).white, 0);
	fail_unless(frame(h, 9).white > 50);
	fail_unless(frame(h, 26).white > 50);
	fail_unless_equals_int(frame(h, 27).white, 0);
	gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_max_lines)
{
	/* ten words of 100 ms in a narrow box: at most two lines a page */
	std::string json = "[";
	for (int i = 0; i < 10; i++)
		json += std::string(i ? "," : "") + "{\"text\":\"WORD" + std::to_string(i) +
		        "\",\"startMs\":" + std::to_string(i * 100) +
		        ",\"endMs\":" + std::to_string(i * 100 + 100) + "}";
	json += "]";
	for (int lines : {1, 2}) {
		std::string launch = "font-size=20 box-width=120 box-height=100 x=0 "
		                     "y=0 max-lines=" +
		                     std::to_string(lines);
		GstHarness *h = harness(launch.c_str());
		g_object_set(h->element, "captions", json.c_str(), nullptr);
		int most = 0, shown = 0;
		for (int k = 0; k < 30; k++) {
			Ink ink = frame(h, k);
			most = std::max(most, ink.bands);
			shown += ink.white > 0;
		}
		fail_unless_equals_int(most, lines);
		fail_unless_equals_int(shown, 30);
		gst_harness_teardown(h);
	}
}
GST_END_TEST;

GST_START_TEST(test_subtitle_stream_on_text_sink)
{
	std::string srt = write_temp("b.srt", kSrt);
	std::string launch = "videotestsrc pattern=black num-buffers=75 ! "
	                     "video/x-raw,format=BGRx,width=320,height=180,framerate=30/1 ! "
	                     "captionrender name=c font-size=24 ! appsink name=out sync=false "
	                     "filesrc location=" +
	                     srt + " ! subparse ! c.text_sink";
	GError *error = nullptr;
	GstElement *pipe = gst_parse_launch(launch.c_str(), &error);
	fail_unless(pipe != nullptr && error == nullptr);
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipe), "out");
	gst_element_set_state(pipe, GST_STATE_PLAYING);
	int k = 0, with_text = 0, shown_from = -1, shown_to = -1, next_from = -1;
	while (GstSample *s = gst_app_sink_pull_sample(GST_APP_SINK(sink))) {
		Ink ink = measure(gst_sample_get_buffer(s));
		if (ink.white > 100) {
			with_text++;
			if (shown_from < 0)
				shown_from = k;
			if (k < 50)
				shown_to = k;
			else if (next_from < 0)
				next_from = k;
		}
		gst_sample_unref(s);
		k++;
	}
	fail_unless_equals_int(k, 75);
	fail_unless_equals_int(with_text, 45);
	fail_unless_equals_int(shown_from, 15);
	fail_unless_equals_int(shown_to, 44);
	fail_unless_equals_int(next_from, 60);
	gst_element_set_state(pipe, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(pipe);
	g_remove(srt.c_str());
}
GST_END_TEST;

GST_START_TEST(test_typewriter_reveals_over_its_duration)
{
	GstHarness *h = harness("font-size=28 text=ABCDEFGH "
	                        "animation-in=typewriter animation-in-duration=1000");
	int a = frame(h, 0).white, b = frame(h, 15).white, c = frame(h, 30).white;
	fail_unless_equals_int(a, 0);
	fail_unless(b > c / 4 && b < c * 3 / 4, "half way %d of %d", b, c);
	fail_unless(frame(h, 60).white == c);
	gst_harness_teardown(h);
}
GST_END_TEST;

/* Glyphs past the box are drawn: three lines in a box one line high, and the converge
 * animation bringing glyphs in from outside the box's sides. */
GST_START_TEST(test_overflow_is_drawn)
{
	GstHarness *h = harness("font-size=20 line-height=1 text=AAAA_BBBB_CCCC x=100 y=80 "
	                        "box-width=70 box-height=20");
	g_object_set(h->element, "text", "AAAA BBBB CCCC", nullptr);
	Ink ink = frame(h, 0);
	fail_unless_equals_int(ink.bands, 3);
	fail_unless(ink.y0 < 80 - 10 && ink.y1 >= 100 + 10, "ink rows %d..%d, the box 80..99",
	            ink.y0, ink.y1);
	gst_harness_teardown(h);
	h = harness("font-size=20 text=ABCDEFGH x=120 y=80 box-width=80 box-height=40 "
	            "animation-in=converge animation-in-duration=1000");
	/* a third of the way in: the outer glyphs are still far out, dimmed */
	GstBuffer *buf = gst_buffer_new_and_alloc(W * H * 4);
	gst_buffer_memset(buf, 0, 0, W * H * 4);
	GST_BUFFER_PTS(buf) = GST_SECOND / 3;
	GST_BUFFER_DURATION(buf) = GST_SECOND / 30;
	GstBuffer *out = gst_harness_push_and_pull(h, buf);
	GstMapInfo map;
	gst_buffer_map(out, &map, GST_MAP_READ);
	int left = 0, right = 0;
	for (int y = 80; y < 120; y++) {
		for (int x = 0; x < W; x++) {
			bool lit = map.data[(y * W + x) * 4 + 1] > 40;
			left += lit && x < 120;
			right += lit && x >= 200;
		}
	}
	gst_buffer_unmap(out, &map);
	gst_buffer_unref(out);
	fail_unless(left > 10 && right > 10, "%d pixels left of the box, %d right of it", left,
	            right);
	gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_bad_file_is_an_error)
{
	GstHarness *h = harness("location=/nonexistent/x.srt");
	GstBuffer *buf = gst_buffer_new_and_alloc(W * H * 4);
	GST_BUFFER_PTS(buf) = 0;
	fail_unless_equals_int(gst_harness_push(h, buf), GST_FLOW_ERROR);
	gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_any_raw_format)
{
	/* I420: blended through the overlay composition; bright luma in the lower quarter */
	GstHarness *h = gst_harness_new("captionrender");
	g_object_set(h->element, "text", "HELLO", "font-size", 40.0, nullptr);
	gst_harness_set_src_caps_str(h, "video/x-raw, format=I420, width=320, height=180, "
	                                "framerate=30/1");
	gsize size = 320 * 180 * 3 / 2;
	GstBuffer *buf = gst_buffer_new_and_alloc(size);
	gst_buffer_memset(buf, 0, 16, 320 * 180);
	gst_buffer_memset(buf, 320 * 180, 128, size - 320 * 180);
	GST_BUFFER_PTS(buf) = 0;
	GstBuffer *out = gst_harness_push_and_pull(h, buf);
	GstMapInfo map;
	gst_buffer_map(out, &map, GST_MAP_READ);
	int top = 0, bottom = 0;
	for (int y = 0; y < 180; y++)
		for (int x = 0; x < 320; x++)
			(y < 120 ? top : bottom) += map.data[y * 320 + x] > 200;
	gst_buffer_unmap(out, &map);
	fail_unless_equals_int(top, 0);
	fail_unless(bottom > 200, "bright luma %d", bottom);
	gst_buffer_unref(out);
	gst_harness_teardown(h);
}
GST_END_TEST;

/* The property of a factory's element: its type and flags. */
static GParamSpec *property(const char *factory, const char *name)
{
	GstElementFactory *f = gst_element_factory_find(factory);
	fail_unless(f != nullptr, "%s", factory);
	GstPluginFeature *loaded = gst_plugin_feature_load(GST_PLUGIN_FEATURE(f));
	fail_unless(loaded != nullptr);
	GType type = gst_element_factory_get_element_type(GST_ELEMENT_FACTORY(loaded));
	gst_object_unref(loaded);
	GParamSpec *p = g_object_class_find_property(G_OBJECT_CLASS(g_type_class_ref(type)), name);
	gst_object_unref(f);
	fail_unless(p != nullptr, "%s has no %s", factory, name);
	return p;
}

static bool controllable(GParamSpec *p)
{
	return (p->flags & GST_PARAM_CONTROLLABLE) != 0;
}

/* Whether a launch line fails to parse (a property value refused). */
static bool refused(const char *launch)
{
	GError *error = nullptr;
	GstElement *pipe = gst_parse_launch(launch, &error);
	bool bad = error != nullptr;
	g_clear_error(&error);
	if (pipe)
		gst_object_unref(pipe);
	return bad;
}

static void count_warning(const gchar *, GLogLevelFlags, const gchar *message, gpointer data)
{
	if (strstr(message, "is not a CSS colour"))
		++*static_cast<int *>(data);
}

/* Sets a string property and says whether it was refused with a warning. */
static bool refused_with_warning(GstElement *e, const char *name, const char *value)
{
	int warnings = 0;
	guint id = g_log_set_handler("jsontimeline", G_LOG_LEVEL_WARNING, count_warning, &warnings);
	g_object_set(e, name, value, nullptr);
	g_log_remove_handler("jsontimeline", id);
	return warnings == 1;
}

GST_START_TEST(test_sibling_properties_agree)
{
	/* one colour type (0xAARRGGBB, controllable) and one direction enum on both */
	for (const char *factory : {"captionrender", "textoverlay-kf"}) {
		for (const char *c : {"color", "stroke-color", "background-color"}) {
			GParamSpec *p = property(factory, c);
			fail_unless(p->value_type == G_TYPE_UINT, "%s %s", factory, c);
			fail_unless(controllable(p), "%s %s not controllable", factory, c);
		}
		for (const char *n : {"x", "y", "box-width", "box-height", "opacity", "font-size",
		                      "letter-spacing", "stroke-width"})
			fail_unless(controllable(property(factory, n)), "%s %s not controllable",
			            factory, n);
		fail_unless(property(factory, "css-color")->flags & G_PARAM_DEPRECATED);
	}
	GParamSpec *hl = property("captionrender", "highlight-color");
	fail_unless(hl->value_type == G_TYPE_UINT && controllable(hl));
	GType dir = property("captionrender", "direction")->value_type;
	fail_unless(G_TYPE_IS_ENUM(dir));
	fail_unless(dir == property("textoverlay-kf", "direction")->value_type);
	fail_unless(property("captionrender", "rtl")->flags & G_PARAM_DEPRECATED);
	/* the animations are an enum, set by nick; a bad name is refused at parse time */
	for (const char *a : {"animation-in", "animation-out", "animation-loop"})
		fail_unless(G_TYPE_IS_ENUM(property("captionrender", a)->value_type), "%s", a);
	GstElement *e = gst_element_factory_make("captionrender", nullptr);
	gst_util_set_object_arg(G_OBJECT(e), "animation-in", "elastic-pop");
	gst_util_set_object_arg(G_OBJECT(e), "direction", "rtl");
	int v = 0;
	gboolean rtl = FALSE;
	g_object_get(e, "animation-in", &v, "rtl", &rtl, nullptr);
	GEnumClass *ec = G_ENUM_CLASS(
	        g_type_class_ref(property("captionrender", "animation-in")->value_type));
	fail_unless_equals_string(g_enum_get_value(ec, v)->value_nick, "elastic-pop");
	g_type_class_unref(ec);
	fail_unless(rtl);
	/* the deprecated alias sets the enum */
	g_object_set(e, "rtl", FALSE, nullptr);
	g_object_get(e, "direction", &v, nullptr);
	fail_unless_equals_int(v, 0);
	fail_unless(refused("videotestsrc ! captionrender animation-in=no-such ! fakesink"));
	fail_unless(refused("videotestsrc ! captionrender direction=sideways ! fakesink"));
	fail_unless(!refused("videotestsrc ! captionrender animation-out=sweep-shine "
	                     "direction=rtl color=0xff00ff00 ! fakesink"));
	/* a CSS alias takes a CSS colour; anything else is refused with a warning */
	g_object_set(e, "css-color", "#ff0000", "css-highlight-color", "rgba(0,0,255,0.5)",
	             nullptr);
	guint color = 0, highlight = 0;
	g_object_get(e, "color", &color, "highlight-color", &highlight, nullptr);
	fail_unless_equals_int(color, 0xffff0000);
	fail_unless_equals_int(highlight, 0x800000ff);
	fail_unless(refused_with_warning(e, "css-color", "not-a-colour"));
	fail_unless(refused_with_warning(e, "css-stroke-color", "#12345g"));
	g_object_get(e, "color", &color, nullptr);
	fail_unless_equals_int(color, 0xffff0000);
	gst_object_unref(e);
	e = gst_element_factory_make("textoverlay-kf", nullptr);
	fail_unless(refused_with_warning(e, "css-color", "rgb(1,2)"));
	g_object_get(e, "color", &color, nullptr);
	fail_unless_equals_int(color, 0xffffffff);
	gst_object_unref(e);
}
GST_END_TEST;

GST_START_TEST(test_controllable_is_mutable_playing)
{
	/* a controller sets its properties while playing: each says it may be */
	for (const char *factory :
	     {"captionrender", "textoverlay-kf", "jtllayer", "transitionmixer"}) {
		GstElement *e = gst_element_factory_make(factory, nullptr);
		guint n = 0, controllable_count = 0;
		GParamSpec **props = g_object_class_list_properties(G_OBJECT_GET_CLASS(e), &n);
		for (guint i = 0; i < n; i++) {
			if (!controllable(props[i]))
				continue;
			controllable_count++;
			fail_unless(props[i]->flags & GST_PARAM_MUTABLE_PLAYING, "%s %s", factory,
			            props[i]->name);
		}
		g_free(props);
		fail_unless(controllable_count > 0, "%s", factory);
		gst_object_unref(e);
	}
	fail_unless(property("jtllayer", "mask")->flags & GST_PARAM_MUTABLE_PLAYING);
}
GST_END_TEST;

GST_START_TEST(test_layer_mask_enums)
{
	GType mask = property("jtllayer", "mask")->value_type;
	GType dir = property("jtllayer", "mask-direction")->value_type;
	fail_unless(G_TYPE_IS_ENUM(mask) && G_TYPE_IS_ENUM(dir));
	/* the same direction type as transitionmixer's */
	fail_unless(dir == property("transitionmixer", "direction")->value_type);
	fail_unless(property("jtllayer", "mask-progress")->flags & GST_PARAM_CONTROLLABLE);
	GstElement *e = gst_element_factory_make("jtllayer", nullptr);
	gst_util_set_object_arg(G_OBJECT(e), "mask", "clock-wipe");
	gst_util_set_object_arg(G_OBJECT(e), "mask-direction", "from-bottom-right");
	gchar *m = nullptr, *d = nullptr;
	GValue v = G_VALUE_INIT;
	g_value_init(&v, mask);
	g_object_get_property(G_OBJECT(e), "mask", &v);
	m = gst_value_serialize(&v);
	g_value_unset(&v);
	g_value_init(&v, dir);
	g_object_get_property(G_OBJECT(e), "mask-direction", &v);
	d = gst_value_serialize(&v);
	g_value_unset(&v);
	fail_unless_equals_string(m, "clock-wipe");
	fail_unless_equals_string(d, "from-bottom-right");
	g_free(m);
	g_free(d);
	gst_object_unref(e);
	fail_unless(refused("videotestsrc ! jtllayer mask=fade ! fakesink"));
	fail_unless(refused("videotestsrc ! jtllayer mask-direction=left ! fakesink"));
	fail_unless(!refused("videotestsrc ! jtllayer mask=iris mask-direction=from-top ! "
	                     "fakesink"));
}
GST_END_TEST;

static Suite *captionrender_suite()
{
	Suite *s = suite_create("captionrender");
	TCase *tc = tcase_create("general");
	suite_add_tcase(s, tc);
	tcase_add_test(tc, test_srt_pages_at_their_times);
	tcase_add_test(tc, test_highlight_only_while_spoken);
	tcase_add_test(tc, test_offset_shifts_by_frames);
	tcase_add_test(tc, test_max_lines);
	tcase_add_test(tc, test_subtitle_stream_on_text_sink);
	tcase_add_test(tc, test_typewriter_reveals_over_its_duration);
	tcase_add_test(tc, test_overflow_is_drawn);
	tcase_add_test(tc, test_bad_file_is_an_error);
	tcase_add_test(tc, test_any_raw_format);
	tcase_add_test(tc, test_sibling_properties_agree);
	tcase_add_test(tc, test_layer_mask_enums);
	tcase_add_test(tc, test_controllable_is_mutable_playing);
	return s;
}

GST_CHECK_MAIN(captionrender);
