// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of jtladjust: its properties (one per filter look, blur, darken, backdrop), its caps,
// pass-through when it has nothing to do, and its pixels on solid inputs against the
// formulas of lib/core filters and lib/draw adjust (looks, then blur, then darkening).
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/controller/controller.h>
#include <gst/video/video.h>

#include <cmath>
#include <initializer_list>
#include <optional>
#include <string>

#include <jsontimeline/filters.h>

#include "harness.h"

constexpr int W = 64, H = 36;

static GstHarness *adjust(const char *props)
{
	return harness_with("jtladjust", props,
	                    "video/x-raw, format=BGRA, width=64, height=36, framerate=30/1");
}

/* A solid frame of r, g, b, a. */
static GstBuffer *solid(int r, int g, int b, int a = 255, GstClockTime pts = 0)
{
	return bgra_frame(W, H, pts, [=](int, int, guint8 *p) {
		p[0] = guint8(b);
		p[1] = guint8(g);
		p[2] = guint8(r);
		p[3] = guint8(a);
	});
}

/* One frame through jtladjust with props. */
static GstBuffer *adjusted(const char *props, GstBuffer *in)
{
	GstHarness *h = adjust(props);
	GstBuffer *out = gst_harness_push_and_pull(h, in);
	fail_unless(out != nullptr);
	fail_unless_equals_int(gst_buffer_get_size(out), W * H * 4);
	gst_harness_teardown(h);
	return out;
}

/* darken_bgra's formula on one channel: v x round((1 - d) x 256) / 256, rounded. */
static int darkened(int v, double d)
{
	unsigned keep = unsigned(std::lround((1.0 - d) * 256));
	return int((unsigned(v) * keep + 128) >> 8);
}

/* A pixel through a look at an amount, as lib/core computes it. */
static Bgra looked(const char *look, double amount, int r, int g, int b)
{
	std::optional<jtl::ColorMatrix> m = jtl::filter_matrix(look);
	fail_unless(m.has_value(), "%s", look);
	guint8 px[4] = {guint8(b), guint8(g), guint8(r), 255};
	jtl::apply_matrix_bgra(jtl::mix_matrix(*m, amount), px, 1);
	return {px[0], px[1], px[2], px[3]};
}

GST_START_TEST(test_properties)
{
	GstElement *e = gst_element_factory_make("jtladjust", nullptr);
	fail_unless(e != nullptr);
	GObjectClass *klass = G_OBJECT_GET_CLASS(e);
	/* one double 0..1 per look, named after the filter type, controllable */
	for (const std::string &look : jtl::filter_names()) {
		GParamSpec *p = g_object_class_find_property(klass, look.c_str());
		fail_unless(p != nullptr, "no %s", look.c_str());
		fail_unless(p->value_type == G_TYPE_DOUBLE, "%s", look.c_str());
		GParamSpecDouble *pd = G_PARAM_SPEC_DOUBLE(p);
		fail_unless(pd->minimum == 0.0 && pd->maximum == 1.0 && pd->default_value == 0.0,
		            "%s", look.c_str());
		fail_unless(p->flags & GST_PARAM_CONTROLLABLE, "%s", look.c_str());
	}
	struct {
		const char *name;
		double max;
	} doubles[] = {{"blur", 1000}, {"darken", 1}, {"backdrop-blur", 1000}};
	for (const auto &d : doubles) {
		GParamSpec *p = g_object_class_find_property(klass, d.name);
		fail_unless(p != nullptr && p->value_type == G_TYPE_DOUBLE, "%s", d.name);
		GParamSpecDouble *pd = G_PARAM_SPEC_DOUBLE(p);
		fail_unless(pd->minimum == 0.0 && pd->maximum == d.max && pd->default_value == 0.0,
		            "%s", d.name);
		fail_unless(p->flags & GST_PARAM_CONTROLLABLE, "%s", d.name);
	}
	GParamSpec *backdrop = g_object_class_find_property(klass, "backdrop");
	fail_unless(backdrop && backdrop->value_type == G_TYPE_BOOLEAN);
	fail_unless(!G_PARAM_SPEC_BOOLEAN(backdrop)->default_value);
	g_object_set(e, "darken", 0.25, "sunset-orange", 0.5, "backdrop", TRUE, nullptr);
	double dk = 0, so = 0;
	gboolean bd = FALSE;
	g_object_get(e, "darken", &dk, "sunset-orange", &so, "backdrop", &bd, nullptr);
	fail_unless(dk == 0.25 && so == 0.5 && bd);
	gst_object_unref(e);
}
GST_END_TEST;

GST_START_TEST(test_caps_and_pass_through)
{
	assert_bgra_templates("jtladjust");
	/* nothing to do: the very buffer that came in goes out */
	GstHarness *h = adjust("");
	GstBuffer *in = solid(200, 100, 50);
	GstBuffer *out = gst_harness_push_and_pull(h, gst_buffer_ref(in));
	fail_unless(out == in);
	GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
	GstVideoInfo info;
	fail_unless(gst_video_info_from_caps(&info, caps));
	fail_unless_equals_int(GST_VIDEO_INFO_FORMAT(&info), GST_VIDEO_FORMAT_BGRA);
	fail_unless_equals_int(GST_VIDEO_INFO_WIDTH(&info), W);
	gst_caps_unref(caps);
	gst_buffer_unref(out);
	gst_buffer_unref(in);
	/* a BGRA-only element refuses other formats */
	GstHarness *rgb = harness_with("jtladjust", "darken=0.5",
	                               "video/x-raw, format=RGB, width=64, height=36, "
	                               "framerate=30/1");
	GstBuffer *buf = gst_buffer_new_and_alloc(W * H * 3);
	fail_unless(gst_harness_push(rgb, buf) != GST_FLOW_OK);
	gst_harness_teardown(rgb);
	gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_darken)
{
	/* keep = round(0.75 x 256) = 192: 200 -> 150, 100 -> 75, 50 -> 38; alpha untouched */
	GstBuffer *out = adjusted("darken=0.25", solid(200, 100, 50, 255));
	fail_unless_equals_int(darkened(200, 0.25), 150);
	assert_bgra(out, W, 0, 0, 150, 75, 38, 255);
	assert_bgra(out, W, 40, 20, 150, 75, 38, 255);
	gst_buffer_unref(out);
	out = adjusted("darken=0.6", solid(255, 128, 7, 99));
	assert_bgra(out, W, 63, 35, darkened(255, 0.6), darkened(128, 0.6), darkened(7, 0.6), 99);
	gst_buffer_unref(out);
	out = adjusted("darken=1", solid(255, 255, 255));
	assert_bgra(out, W, 10, 10, 0, 0, 0, 255);
	gst_buffer_unref(out);
}
GST_END_TEST;

GST_START_TEST(test_looks)
{
	/* each matrix look on a solid colour, full and half, then with darkening after it */
	for (const std::string &look : jtl::filter_names()) {
		if (look == jtl::kIsolateRedLook)
			continue;
		for (double amount : {1.0, 0.5}) {
			std::string props = look + "=" + (amount == 1.0 ? "1" : "0.5");
			GstBuffer *out = adjusted(props.c_str(), solid(90, 160, 210));
			Bgra e = looked(look.c_str(), amount, 90, 160, 210);
			assert_bgra(out, W, 5, 5, e.r, e.g, e.b, 255);
			assert_bgra(out, W, 60, 30, e.r, e.g, e.b, 255);
			gst_buffer_unref(out);
		}
		std::string props = look + "=1 darken=0.5";
		GstBuffer *out = adjusted(props.c_str(), solid(90, 160, 210));
		Bgra e = looked(look.c_str(), 1.0, 90, 160, 210);
		assert_bgra(out, W, 20, 20, darkened(e.r, 0.5), darkened(e.g, 0.5),
		            darkened(e.b, 0.5), 255);
		gst_buffer_unref(out);
	}
	/* a look changes the colour (sunset-orange warms: red up, blue down) */
	Bgra warm = looked("sunset-orange", 1.0, 128, 128, 128);
	fail_unless(warm.r > 128 && warm.b < 128, "sunset-orange %d %d %d", warm.r, warm.g, warm.b);
}
GST_END_TEST;

GST_START_TEST(test_absolute_red)
{
	/* red keeps its colour; blue turns into its BT.601 grey: 0.114 x 255 = 29 (29.1) */
	std::string props = std::string(jtl::kIsolateRedLook) + "=1";
	GstBuffer *out = adjusted(props.c_str(), solid(255, 0, 0));
	assert_bgra(out, W, 30, 18, 255, 0, 0, 255);
	gst_buffer_unref(out);
	out = adjusted(props.c_str(), solid(0, 0, 255));
	Bgra p = bgra_at(out, W, 30, 18);
	fail_unless(p.r == p.g && p.g == p.b, "grey %d %d %d", p.r, p.g, p.b);
	fail_unless(std::abs(p.r - 29) <= 1, "grey %d", p.r);
	guint8 px[4] = {255, 0, 0, 255};
	jtl::isolate_red_frame(px, 1, 1, 4, 1.0);
	assert_bgra(out, W, 30, 18, px[2], px[1], px[0], 255);
	gst_buffer_unref(out);
}
GST_END_TEST;

GST_START_TEST(test_blur)
{
	/* a solid frame stays solid (edges extended) */
	GstBuffer *out = adjusted("blur=3", solid(90, 160, 210));
	assert_bgra(out, W, 0, 0, 90, 160, 210, 255);
	assert_bgra(out, W, 32, 18, 90, 160, 210, 255);
	gst_buffer_unref(out);
	/* black | white: the edge goes grey, far from it nothing changes */
	GstBuffer *in = bgra_frame(W, H, 0, [](int x, int, guint8 *p) {
		guint8 v = x < W / 2 ? 0 : 255;
		p[0] = p[1] = p[2] = v;
		p[3] = 255;
	});
	out = adjusted("blur=2", in);
	Bgra a = bgra_at(out, W, 31, 18), b = bgra_at(out, W, 32, 18);
	fail_unless(a.r > 40 && a.r < 215 && b.r > 40 && b.r < 215 && a.r < b.r, "edge %d %d", a.r,
	            b.r);
	assert_bgra(out, W, 2, 18, 0, 0, 0, 255);
	assert_bgra(out, W, 61, 18, 255, 255, 255, 255);
	gst_buffer_unref(out);
}
GST_END_TEST;

GST_START_TEST(test_darken_follows_a_controller)
{
	/* darken from 0 at 0 s to 1 at 1 s: at 0.5 s half, at 0.25 s a quarter */
	GstHarness *h = adjust("");
	control_0_to_1(h->element, "darken");
	GstBuffer *out = gst_harness_push_and_pull(h, solid(200, 100, 50, 255, GST_SECOND / 2));
	assert_bgra(out, W, 10, 10, darkened(200, 0.5), darkened(100, 0.5), darkened(50, 0.5), 255);
	gst_buffer_unref(out);
	out = gst_harness_push_and_pull(h, solid(200, 100, 50, 255, GST_SECOND / 4));
	assert_bgra(out, W, 10, 10, darkened(200, 0.25), darkened(100, 0.25), darkened(50, 0.25),
	            255);
	gst_buffer_unref(out);
	/* back at 0: nothing to do, the colour untouched */
	out = gst_harness_push_and_pull(h, solid(200, 100, 50, 255, 0));
	assert_bgra(out, W, 10, 10, 200, 100, 50, 255);
	gst_buffer_unref(out);
	gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_backdrop)
{
	/* an opaque 32 x 18 red box in the middle of a transparent frame: with backdrop, the
	 * transparent part gets the enlarged (red) copy behind it; the box itself unchanged */
	GstBuffer *in = bgra_frame(W, H, 0, [](int x, int y, guint8 *p) {
		bool inside = x >= 16 && x < 48 && y >= 9 && y < 27;
		p[0] = p[1] = 0;
		p[2] = inside ? 255 : 0;
		p[3] = inside ? 255 : 0;
	});
	GstBuffer *out = adjusted("backdrop=true", in);
	assert_bgra(out, W, 32, 18, 255, 0, 0, 255);
	Bgra corner = bgra_at(out, W, 1, 1);
	fail_unless(corner.a == 255 && corner.r > 200 && corner.b < 40, "corner %d %d %d %d",
	            corner.r, corner.g, corner.b, corner.a);
	gst_buffer_unref(out);
}
GST_END_TEST;

static Suite *jtladjust_suite()
{
	Suite *s = suite_create("jtladjust");
	TCase *tc = tcase_create("general");
	suite_add_tcase(s, tc);
	tcase_add_test(tc, test_properties);
	tcase_add_test(tc, test_caps_and_pass_through);
	tcase_add_test(tc, test_darken);
	tcase_add_test(tc, test_looks);
	tcase_add_test(tc, test_absolute_red);
	tcase_add_test(tc, test_blur);
	tcase_add_test(tc, test_darken_follows_a_controller);
	tcase_add_test(tc, test_backdrop);
	return s;
}

GST_CHECK_MAIN(jtladjust);
