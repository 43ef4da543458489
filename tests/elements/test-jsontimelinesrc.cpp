// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of jsontimelinesrc: state cycling, exact frame and sample counts, errors.
#include <gst/check/gstcheck.h>

#include <string>

static const char *kDoc = R"({"compositionWidth": 64, "compositionHeight": 64,
  "timebaseTicksPerSecond": 240000, "assets": {}, "transitions": {},
  "tracks": [{"id": "t", "items": ["s"], "hidden": false, "muted": false}],
  "items": {"s": {"id": "s", "type": "solid", "color": "#ff0000", "shape": "rectangle",
    "startTicks": 0, "durationTicks": 96000, "isDraggingInTimeline": false,
    "keepAspectRatio": false, "top": {"value": 0, "keyframes": []},
    "left": {"value": 0, "keyframes": []}, "width": {"value": 32, "keyframes": []},
    "height": {"value": 24, "keyframes": []}, "scaleX": {"value": 1, "keyframes": []},
    "scaleY": {"value": 1, "keyframes": []}, "opacity": {"value": 1, "keyframes": []},
    "borderRadius": {"value": 0, "keyframes": []}, "rotation": {"value": 0, "keyframes": []}}}})";

struct Counts {
	guint video = 0;
	guint64 samples = 0;
	GstClockTime last_pts = GST_CLOCK_TIME_NONE;
};

static GstPadProbeReturn count_video(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	Counts *c = static_cast<Counts *>(data);
	c->video++;
	c->last_pts = GST_BUFFER_PTS(GST_PAD_PROBE_INFO_BUFFER(info));
	return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn count_audio(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	static_cast<Counts *>(data)->samples +=
	        gst_buffer_get_size(GST_PAD_PROBE_INFO_BUFFER(info)) / 4;
	return GST_PAD_PROBE_OK;
}

/* Runs jsontimelinesrc json=doc into fakesinks until EOS or error. */
static GstMessage *run(const char *doc, int fps, Counts *counts)
{
	GstElement *pipeline = gst_parse_launch(
	        "jsontimelinesrc name=src src.video ! fakesink name=v  src.audio ! fakesink name=a",
	        nullptr);
	fail_unless(pipeline != nullptr);
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	g_object_set(src, "json", doc, "fps", fps, nullptr);
	GstPad *vpad = gst_element_get_static_pad(src, "video");
	GstPad *apad = gst_element_get_static_pad(src, "audio");
	gst_pad_add_probe(vpad, GST_PAD_PROBE_TYPE_BUFFER, count_video, counts, nullptr);
	gst_pad_add_probe(apad, GST_PAD_PROBE_TYPE_BUFFER, count_audio, counts, nullptr);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstBus *bus = gst_element_get_bus(pipeline);
	GstMessage *msg = gst_bus_timed_pop_filtered(
	        bus, 60 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
	fail_unless(msg != nullptr, "no EOS or error within 60 s");
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	gst_object_unref(vpad);
	gst_object_unref(apad);
	gst_object_unref(src);
	gst_object_unref(pipeline);
	return msg;
}

GST_START_TEST(test_frames_and_samples)
{
	for (int fps : {30, 60}) {
		Counts c;
		GstMessage *msg = run(kDoc, fps, &c);
		fail_unless_equals_int(GST_MESSAGE_TYPE(msg), GST_MESSAGE_EOS);
		gst_message_unref(msg);
		/* 0.4 s */
		fail_unless_equals_int(c.video, fps * 2 / 5);
		fail_unless_equals_uint64(c.last_pts,
		                          gst_util_uint64_scale(c.video - 1, GST_SECOND, fps));
		/* audio: 19200 samples, rounded up to whole 10 ms buffers */
		fail_unless(c.samples >= 19200 && c.samples < 19200 + 480);
	}
}
GST_END_TEST;

GST_START_TEST(test_state_cycles)
{
	GstElement *src = gst_element_factory_make("jsontimelinesrc", nullptr);
	fail_unless(src != nullptr);
	g_object_set(src, "json", kDoc, nullptr);
	for (int i = 0; i < 3; i++) {
		fail_unless_equals_int(gst_element_set_state(src, GST_STATE_READY),
		                       GST_STATE_CHANGE_SUCCESS);
		guint64 duration = 0;
		g_object_get(src, "duration", &duration, nullptr);
		fail_unless_equals_uint64(duration, 400 * GST_MSECOND);
		fail_unless(gst_element_set_state(src, GST_STATE_PAUSED) !=
		            GST_STATE_CHANGE_FAILURE);
		fail_unless_equals_int(gst_element_set_state(src, GST_STATE_NULL),
		                       GST_STATE_CHANGE_SUCCESS);
	}
	gst_object_unref(src);
}
GST_END_TEST;

GST_START_TEST(test_invalid_document)
{
	std::string bad = kDoc;
	bad.replace(bad.find("\"startTicks\": 0"), 15, "\"startTicks\": -1");
	Counts c;
	GstMessage *msg = run(bad.c_str(), 30, &c);
	fail_unless_equals_int(GST_MESSAGE_TYPE(msg), GST_MESSAGE_ERROR);
	GError *error = nullptr;
	gst_message_parse_error(msg, &error, nullptr);
	fail_unless(strstr(error->message, "/items/s/startTicks") != nullptr, error->message);
	g_error_free(error);
	gst_message_unref(msg);
	fail_unless_equals_int(c.video, 0);

	GstElement *src = gst_element_factory_make("jsontimelinesrc", nullptr);
	fail_unless_equals_int(gst_element_set_state(src, GST_STATE_READY),
	                       GST_STATE_CHANGE_FAILURE); /* no document at all */
	gst_element_set_state(src, GST_STATE_NULL);
	g_object_set(src, "location", "/nonexistent/doc.json", nullptr);
	fail_unless_equals_int(gst_element_set_state(src, GST_STATE_READY),
	                       GST_STATE_CHANGE_FAILURE);
	gst_element_set_state(src, GST_STATE_NULL);
	gst_object_unref(src);
}
GST_END_TEST;

static Suite *jsontimelinesrc_suite()
{
	Suite *s = suite_create("jsontimelinesrc");
	TCase *tc = tcase_create("general");
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	tcase_add_test(tc, test_frames_and_samples);
	tcase_add_test(tc, test_state_cycles);
	tcase_add_test(tc, test_invalid_document);
	return s;
}

GST_CHECK_MAIN(jsontimelinesrc);
