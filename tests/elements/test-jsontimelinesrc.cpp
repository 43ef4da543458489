// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of jsontimelinesrc: state cycling, exact frame and sample counts, errors.
#include <gst/check/gstcheck.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <vector>

#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

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

/* Stops pipeline and drops it and the references to its parts. */
static void stop_pipeline(GstElement *pipeline, std::initializer_list<gpointer> parts)
{
	gst_element_set_state(pipeline, GST_STATE_NULL);
	for (gpointer p : parts)
		gst_object_unref(p);
	gst_object_unref(pipeline);
}

/* The first video frame of doc through `jsontimelinesrc ! CAPS ! appsink` (its caps in
 * *caps), or the error/warning messages when props make it fail. */
static GstSample *first_frame(const char *doc, const char *caps, const char *missing,
                              std::vector<GstMessageType> *messages)
{
	std::string launch = std::string("jsontimelinesrc name=src src.video ! ") + caps +
	                     " ! appsink name=out sync=false  src.audio ! fakesink";
	GstElement *pipeline = gst_parse_launch(launch.c_str(), nullptr);
	fail_unless(pipeline != nullptr);
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	GstElement *out = gst_bin_get_by_name(GST_BIN(pipeline), "out");
	g_object_set(src, "json", doc, nullptr);
	if (missing)
		gst_util_set_object_arg(G_OBJECT(src), "missing-illustration", missing);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstSample *sample = gst_app_sink_try_pull_sample(GST_APP_SINK(out), 60 * GST_SECOND);
	/* what the bus said until then (and EOS or an error after it) */
	GstBus *bus = gst_element_get_bus(pipeline);
	while (GstMessage *m = gst_bus_timed_pop_filtered(
	               bus, sample ? 0 : GST_SECOND,
	               GstMessageType(GST_MESSAGE_ERROR | GST_MESSAGE_WARNING))) {
		messages->push_back(GST_MESSAGE_TYPE(m));
		gst_message_unref(m);
	}
	stop_pipeline(pipeline, {bus, src, out});
	return sample;
}

/* I420 for a peer that takes anything (issue 16), composited in BGRA (exact colours) for
 * one that takes RGB only (issue 15: PNG stills went through 8-bit AYUV, #ff0000 came out
 * 252) */
GST_START_TEST(test_compositing_format)
{
	std::vector<GstMessageType> messages;
	GstSample *any = first_frame(kDoc, "identity", nullptr, &messages);
	fail_unless(any != nullptr);
	GstVideoInfo info;
	fail_unless(gst_video_info_from_caps(&info, gst_sample_get_caps(any)));
	fail_unless_equals_int(GST_VIDEO_INFO_FORMAT(&info), GST_VIDEO_FORMAT_I420);
	gst_sample_unref(any);
	GstSample *rgb = first_frame(kDoc, "video/x-raw,format=BGRA", nullptr, &messages);
	fail_unless(rgb != nullptr);
	fail_unless(gst_video_info_from_caps(&info, gst_sample_get_caps(rgb)));
	fail_unless_equals_int(GST_VIDEO_INFO_FORMAT(&info), GST_VIDEO_FORMAT_BGRA);
	GstMapInfo map;
	fail_unless(gst_buffer_map(gst_sample_get_buffer(rgb), &map, GST_MAP_READ));
	/* the red solid (32 x 24 at 0, 0): exactly #ff0000 */
	const guint8 *px = map.data + 10 * GST_VIDEO_INFO_PLANE_STRIDE(&info, 0) + 10 * 4;
	fail_unless(px[0] == 0 && px[1] == 0 && px[2] == 255 && px[3] == 255, "BGRA %d %d %d %d",
	            px[0], px[1], px[2], px[3]);
	gst_buffer_unmap(gst_sample_get_buffer(rgb), &map);
	gst_sample_unref(rgb);
	fail_unless(messages.empty());
}
GST_END_TEST;

/* kDoc at 320x180 (the red solid 160x90 at 0, 0, nothing drawn elsewhere: no background) */
static std::string doc_320x180()
{
	std::string doc = kDoc;
	for (auto [from, to] : {std::pair<const char *, const char *>{"\"compositionWidth\": 64",
	                                                              "\"compositionWidth\": 320"},
	                        {"\"compositionHeight\": 64", "\"compositionHeight\": 180"},
	                        {"\"width\": {\"value\": 32", "\"width\": {\"value\": 160"},
	                        {"\"height\": {\"value\": 24", "\"height\": {\"value\": 90"}})
		doc.replace(doc.find(from), strlen(from), to);
	return doc;
}

/* The video pad's caps: every format it gives (I420 first) before a document is loaded,
 * the document's size and rate once it is */
GST_START_TEST(test_output_caps_query)
{
	GstElement *src = gst_element_factory_make("jsontimelinesrc", nullptr);
	GstPad *pad = gst_element_get_static_pad(src, "video");
	GstCaps *caps = gst_pad_query_caps(pad, nullptr);
	GstStructure *s = gst_caps_get_structure(caps, 0);
	const GValue *formats = gst_structure_get_value(s, "format");
	fail_unless(formats && GST_VALUE_HOLDS_LIST(formats));
	fail_unless_equals_string(g_value_get_string(gst_value_list_get_value(formats, 0)), "I420");
	for (const char *f : {"NV12", "AYUV", "BGRA", "RGBA"}) {
		GstCaps *one =
		        gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, f, nullptr);
		fail_unless(gst_caps_can_intersect(caps, one), f);
		gst_caps_unref(one);
	}
	gst_caps_unref(caps);
	std::string doc = doc_320x180();
	g_object_set(src, "json", doc.c_str(), nullptr);
	fail_unless(gst_element_set_state(src, GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
	caps = gst_pad_query_caps(pad, nullptr);
	GstCaps *expected = gst_caps_from_string(
	        "video/x-raw, format=I420, width=320, height=180, framerate=30/1");
	fail_unless(gst_caps_is_subset(caps, expected), "%" GST_PTR_FORMAT, caps);
	gst_caps_unref(expected);
	gst_caps_unref(caps);
	gst_element_set_state(src, GST_STATE_NULL);
	gst_object_unref(pad);
	gst_object_unref(src);
}
GST_END_TEST;

/* The first frame of doc through `jsontimelinesrc ! CAPS ! videoconvert ! BGRA ! appsink`:
 * the video pad's caps in *caps, the frame in BGRA; or the error's text in *error. */
static GstSample *first_frame_as(const std::string &doc, const char *caps, GstCaps **pad_caps,
                                 std::string *error)
{
	std::string launch = std::string("jsontimelinesrc name=src src.video ! ") + caps +
	                     " ! videoconvert ! video/x-raw,format=BGRA ! appsink name=out "
	                     "sync=false  src.audio ! fakesink";
	GstElement *pipeline = gst_parse_launch(launch.c_str(), nullptr);
	fail_unless(pipeline != nullptr);
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	GstElement *out = gst_bin_get_by_name(GST_BIN(pipeline), "out");
	g_object_set(src, "json", doc.c_str(), nullptr);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstSample *sample = gst_app_sink_try_pull_sample(GST_APP_SINK(out), 60 * GST_SECOND);
	GstPad *pad = gst_element_get_static_pad(src, "video");
	*pad_caps = gst_pad_get_current_caps(pad);
	gst_object_unref(pad);
	GstBus *bus = gst_element_get_bus(pipeline);
	if (GstMessage *m = gst_bus_timed_pop_filtered(bus, sample ? 0 : 10 * GST_SECOND,
	                                               GST_MESSAGE_ERROR)) {
		GError *e = nullptr;
		gst_message_parse_error(m, &e, nullptr);
		*error = e->message;
		g_error_free(e);
		gst_message_unref(m);
	}
	stop_pipeline(pipeline, {bus, src, out});
	return sample;
}

/* Each format, size and rate downstream asks for: the pad gives it, the pixels right; where
 * nothing is drawn (no background) black in every opaque format, not green (AYUV's
 * transparent zeros read as YUV) */
GST_START_TEST(test_output_formats)
{
	const std::string doc = doc_320x180();
	struct Case {
		const char *caps, *format;
		int width, height, fps;
		bool alpha;
	} cases[] = {
	        {"video/x-raw,format=I420", "I420", 320, 180, 30, false},
	        {"video/x-raw,format=NV12", "NV12", 320, 180, 30, false},
	        {"video/x-raw,format=BGRA", "BGRA", 320, 180, 30, true},
	        {"video/x-raw,format=AYUV", "AYUV", 320, 180, 30, true},
	        {"video/x-raw,width=640,height=360", "I420", 640, 360, 30, false},
	        {"video/x-raw,framerate=25/1", "I420", 320, 180, 25, false},
	        {"videoconvert ! video/x-raw,format=I420", "I420", 320, 180, 30, false},
	};
	for (const Case &c : cases) {
		GstCaps *caps = nullptr;
		std::string error;
		GstSample *sample = first_frame_as(doc, c.caps, &caps, &error);
		fail_unless(sample != nullptr, "%s: %s", c.caps, error.c_str());
		GstVideoInfo info;
		fail_unless(gst_video_info_from_caps(&info, caps));
		fail_unless_equals_string(gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&info)),
		                          c.format);
		fail_unless_equals_int(GST_VIDEO_INFO_WIDTH(&info), c.width);
		fail_unless_equals_int(GST_VIDEO_INFO_HEIGHT(&info), c.height);
		fail_unless_equals_int(GST_VIDEO_INFO_FPS_N(&info), c.fps);
		fail_unless_equals_int(GST_VIDEO_INFO_FPS_D(&info), 1);
		gst_caps_unref(caps);
		GstVideoInfo bgra;
		fail_unless(gst_video_info_from_caps(&bgra, gst_sample_get_caps(sample)));
		GstMapInfo map;
		fail_unless(gst_buffer_map(gst_sample_get_buffer(sample), &map, GST_MAP_READ));
		auto near = [&](int x, int y, int b, int g, int r, int a) {
			const guint8 *px =
			        map.data + y * GST_VIDEO_INFO_PLANE_STRIDE(&bgra, 0) + x * 4;
			fail_unless(std::abs(px[0] - b) <= 6 && std::abs(px[1] - g) <= 6 &&
			                    std::abs(px[2] - r) <= 6 && std::abs(px[3] - a) <= 6,
			            "%s at %d,%d: BGRA %d %d %d %d", c.caps, x, y, px[0], px[1],
			            px[2], px[3]);
		};
		/* the solid covers the top-left quarter */
		near(c.width / 8, c.height / 8, 0, 0, 255, 255);
		/* nothing drawn: black, or transparent when the format keeps alpha */
		const guint8 *corner = map.data +
		                       (c.height * 7 / 8) * GST_VIDEO_INFO_PLANE_STRIDE(&bgra, 0) +
		                       c.width * 7 / 8 * 4;
		if (c.alpha)
			fail_unless(corner[3] == 0, "%s: alpha %d", c.caps, corner[3]);
		else
			near(c.width * 7 / 8, c.height * 7 / 8, 0, 0, 0, 255);
		gst_buffer_unmap(gst_sample_get_buffer(sample), &map);
		gst_sample_unref(sample);
	}
}
GST_END_TEST;

/* What the document cannot give (another aspect ratio, a fractional rate, a size over 8
 * times its own) fails with a
 * message naming what it allows */
GST_START_TEST(test_output_impossible)
{
	const std::string doc = doc_320x180();
	for (const char *caps :
	     {"video/x-raw,width=640,height=300", "video/x-raw,framerate=30000/1001",
	      "video/x-raw,width=5120,height=2880" /* scale 16 */}) {
		GstCaps *pad_caps = nullptr;
		std::string error;
		GstSample *sample = first_frame_as(doc, caps, &pad_caps, &error);
		fail_unless(sample == nullptr, caps);
		fail_unless(pad_caps == nullptr, caps);
		fail_unless(error.find("320x180") != std::string::npos &&
		                    error.find("30/1") != std::string::npos &&
		                    error.find("I420") != std::string::npos,
		            "%s: %s", caps, error.c_str());
	}
}
GST_END_TEST;

static GstPadProbeReturn count_buffers(GstPad *, GstPadProbeInfo *, gpointer data)
{
	(*static_cast<guint *>(data))++;
	return GST_PAD_PROBE_OK;
}

/* Waits for EOS or an error of pipeline (at most 60 s) and stops it: the message type. */
static GstMessageType run_to_end(GstElement *pipeline)
{
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstBus *bus = gst_element_get_bus(pipeline);
	GstMessage *msg = gst_bus_timed_pop_filtered(
	        bus, 60 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
	GstMessageType type = msg ? GST_MESSAGE_TYPE(msg) : GST_MESSAGE_UNKNOWN;
	if (msg)
		gst_message_unref(msg);
	gst_object_unref(bus);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	return type;
}

/* Both pads straight into encoders and one muxer, no queue: x264enc's look-ahead holds
 * more video than the element let the audio run ahead of it (it stalled in PREROLLING
 * with an empty file); now an MP4 of the document's 3 s, 90 frames, H.264 High 4:2:0 */
GST_START_TEST(test_mux_without_queues)
{
	std::string doc = kDoc;
	doc.replace(doc.find("\"durationTicks\": 96000"), 22, "\"durationTicks\": 720000");
	char *dir = g_dir_make_tmp("jtl-mux-XXXXXX", nullptr);
	std::string path = std::string(dir) + "/out.mp4";
	std::string launch =
	        "jsontimelinesrc name=src src.video ! videoconvert ! x264enc ! mp4mux name=m ! "
	        "filesink location=" +
	        path + "  src.audio ! audioconvert ! avenc_aac ! m.";
	GstElement *pipeline = gst_parse_launch(launch.c_str(), nullptr);
	fail_unless(pipeline != nullptr);
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	g_object_set(src, "json", doc.c_str(), nullptr);
	gst_object_unref(src);
	fail_unless_equals_int(run_to_end(pipeline), GST_MESSAGE_EOS);
	gst_object_unref(pipeline);

	/* read back (a demuxer needs queues: one thread feeds both sinks): the frames and the
	 * sound's length */
	std::string check =
	        "filesrc location=" + path +
	        " ! qtdemux name=d  d.video_0 ! queue ! h264parse ! "
	        "video/x-h264,profile=high ! avdec_h264 ! video/x-raw,format=I420 ! "
	        "fakesink name=v sync=false  d.audio_0 ! queue ! avdec_aac ! fakesink name=a "
	        "sync=false";
	pipeline = gst_parse_launch(check.c_str(), nullptr);
	fail_unless(pipeline != nullptr);
	guint frames = 0;
	GstElement *v = gst_bin_get_by_name(GST_BIN(pipeline), "v");
	GstPad *vpad = gst_element_get_static_pad(v, "sink");
	gst_pad_add_probe(vpad, GST_PAD_PROBE_TYPE_BUFFER, count_buffers, &frames, nullptr);
	Counts audio;
	GstElement *a = gst_bin_get_by_name(GST_BIN(pipeline), "a");
	GstPad *apad = gst_element_get_static_pad(a, "sink");
	gst_pad_add_probe(apad, GST_PAD_PROBE_TYPE_BUFFER, count_audio, &audio, nullptr);
	fail_unless_equals_int(run_to_end(pipeline), GST_MESSAGE_EOS);
	fail_unless_equals_int(frames, 90);
	/* 3 s of stereo F32 (8 bytes a frame: count_audio() counts 4), give or take an AAC
	 * frame */
	fail_unless(audio.samples / 2 >= 144000 - 1024 && audio.samples / 2 <= 144000 + 1024,
	            "%" G_GUINT64_FORMAT " samples", audio.samples / 2);
	for (gpointer p : {gpointer(vpad), gpointer(apad), gpointer(v), gpointer(a)})
		gst_object_unref(p);
	gst_object_unref(pipeline);
	g_unlink(path.c_str());
	g_rmdir(dir);
	g_free(dir);
}
GST_END_TEST;

/* missing-illustration: an unknown name is an error by default, a placeholder of the
 * item's box in its colour with a warning on request */
GST_START_TEST(test_missing_illustration)
{
	std::string doc = kDoc;
	std::string solid = R"("type": "solid", "color": "#ff0000", "shape": "rectangle",)";
	doc.replace(doc.find(solid), solid.size(),
	            R"("type": "illustration", "illustrationName": "IHello", "color": "#ff0000",)");
	std::vector<GstMessageType> messages;
	GstSample *none = first_frame(doc.c_str(), "video/x-raw,format=BGRA", nullptr, &messages);
	fail_unless(none == nullptr);
	fail_unless(std::count(messages.begin(), messages.end(), GST_MESSAGE_ERROR) == 1);
	messages.clear();
	GstSample *drawn =
	        first_frame(doc.c_str(), "video/x-raw,format=BGRA", "placeholder", &messages);
	fail_unless(drawn != nullptr);
	fail_unless(std::count(messages.begin(), messages.end(), GST_MESSAGE_WARNING) == 1);
	fail_unless(std::count(messages.begin(), messages.end(), GST_MESSAGE_ERROR) == 0);
	GstVideoInfo info;
	fail_unless(gst_video_info_from_caps(&info, gst_sample_get_caps(drawn)));
	GstMapInfo map;
	fail_unless(gst_buffer_map(gst_sample_get_buffer(drawn), &map, GST_MAP_READ));
	auto at = [&](int x, int y) {
		return map.data + y * GST_VIDEO_INFO_PLANE_STRIDE(&info, 0) + x * 4;
	};
	/* the outline's left edge and the box's centre (the cross) in red; outside it black */
	fail_unless(at(0, 12)[2] > 200 && at(0, 12)[1] < 40, "edge %d", at(0, 12)[2]);
	fail_unless(at(16, 12)[2] > 200 && at(16, 12)[1] < 40, "centre %d", at(16, 12)[2]);
	fail_unless(at(48, 40)[2] == 0, "outside %d", at(48, 40)[2]);
	gst_buffer_unmap(gst_sample_get_buffer(drawn), &map);
	gst_sample_unref(drawn);
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

/* The error a jsontimelinesrc pipeline posts (location or json, and asset-root set when
 * not null); fails when it plays to EOS instead. */
static GError *first_error(const char *location, const std::string &doc, const char *root = nullptr)
{
	GstElement *pipeline = gst_parse_launch(
	        "jsontimelinesrc name=src src.video ! fakesink  src.audio ! fakesink", nullptr);
	fail_unless(pipeline != nullptr);
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	if (location)
		g_object_set(src, "location", location, nullptr);
	else
		g_object_set(src, "json", doc.c_str(), nullptr);
	if (root)
		g_object_set(src, "asset-root", root, nullptr);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstBus *bus = gst_element_get_bus(pipeline);
	GstMessage *msg = gst_bus_timed_pop_filtered(
	        bus, 60 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
	fail_unless(msg != nullptr, "no EOS or error within 60 s");
	fail_unless_equals_int(GST_MESSAGE_TYPE(msg), GST_MESSAGE_ERROR);
	GError *error = nullptr;
	gst_message_parse_error(msg, &error, nullptr);
	gst_message_unref(msg);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	gst_object_unref(src);
	gst_object_unref(pipeline);
	return error;
}

/* kDoc with its item's type fields replaced and one asset "a" (the fields given). */
static std::string asset_document(const char *item, const char *asset)
{
	std::string doc = kDoc;
	std::string solid = R"("type": "solid", "color": "#ff0000", "shape": "rectangle",)";
	doc.replace(doc.find(solid), solid.size(), item);
	doc.replace(doc.find(R"("assets": {})"), 12,
	            std::string(R"("assets": {"a": {"id": "a", "size": 1, "remoteUrl": null,
	              "remoteKey": null, "width": 64, "height": 60, )") +
	                    asset + "}}");
	return doc;
}

/* A file the document names that is not there is GST_RESOURCE_ERROR_NOT_FOUND whoever
 * needs it (the document itself, an image, a GIF, a video, the background, inside an
 * asset root); a file that is there but cannot be read keeps its own code (READ). */
GST_START_TEST(test_missing_files_not_found)
{
	const char *image = R"("type": "image", "assetId": "a",)";
	std::string missing_image =
	        asset_document(image, R"("type": "image", "filename": "/nonexistent/a.png",
	                                 "mimeType": "image/png")");
	std::string background = kDoc;
	background.replace(0, 1, R"({"globalBackground": {"type": "image", "imageAssetId": null,
	  "imageUrl": "/nonexistent/bg.png", "source": "custom"},)");
	struct Case {
		const char *what;
		const char *location;
		std::string doc;
		const char *root;
	} cases[] = {
	        {"the document", "/nonexistent/doc.json", "", nullptr},
	        {"an image", nullptr, missing_image, nullptr},
	        {"a GIF", nullptr,
	         asset_document(R"("type": "gif", "assetId": "a", "gifStartFromInSeconds": 0,
	                          "playbackRate": 1,)",
	                        R"("type": "gif", "filename": "/nonexistent/a.gif",
	                          "mimeType": "image/gif", "durationInSeconds": 1,
	                          "loopBehavior": "loop")"),
	         nullptr},
	        {"a video", nullptr,
	         asset_document(R"("type": "video", "assetId": "a", "playbackRate": 1,
	                          "decibelAdjustment": {"value": 0, "keyframes": []},
	                          "videoStartFromInSeconds": 0, "audioFadeInDurationInSeconds": 0,
	                          "audioFadeOutDurationInSeconds": 0,)",
	                        R"("type": "video", "filename": "/nonexistent/a.mp4",
	                          "mimeType": "video/mp4", "durationInSeconds": 1,
	                          "hasAudioTrack": false)"),
	         nullptr},
	        {"the background image", nullptr, background, nullptr},
	        {"an image in the asset root", nullptr, missing_image, "/"},
	};
	for (const Case &c : cases) {
		GError *error = first_error(c.location, c.doc, c.root);
		fail_unless(error->domain == GST_RESOURCE_ERROR &&
		                    error->code == GST_RESOURCE_ERROR_NOT_FOUND,
		            "%s missing: %s %d (%s)", c.what, g_quark_to_string(error->domain),
		            error->code, error->message);
		g_error_free(error);
	}
	/* there, but not a picture */
	g_autofree gchar *dir = g_dir_make_tmp("jtl-missing-XXXXXX", nullptr);
	g_autofree gchar *junk = g_build_filename(dir, "junk.png", nullptr);
	fail_unless(g_file_set_contents(junk, "not a picture", -1, nullptr));
	std::string asset =
	        std::string(R"("type": "image", "mimeType": "image/png", "filename": ")") + junk +
	        "\"";
	GError *error = first_error(nullptr, asset_document(image, asset.c_str()));
	fail_unless(error->domain == GST_RESOURCE_ERROR && error->code == GST_RESOURCE_ERROR_READ,
	            "unreadable: %d (%s)", error->code, error->message);
	g_error_free(error);
	g_unlink(junk);
	g_rmdir(dir);
}
GST_END_TEST;

/* A document of solids, each {color, start, duration} in seconds, 16x16 at (0, 0) on a
 * 64x64 black composition, one track per item when stacked, else all on one track. */
struct SolidSpec {
	const char *color;
	double start, duration;
};

static std::string solids_document(const std::vector<SolidSpec> &solids)
{
	std::string items, ids;
	for (size_t i = 0; i < solids.size(); i++) {
		std::string id = "s" + std::to_string(i);
		char buf[1024];
		g_snprintf(buf, sizeof buf,
		           R"("%s": {"id": "%s", "type": "solid", "color": "%s",
		  "shape": "rectangle", "startTicks": %lld, "durationTicks": %lld,
		  "isDraggingInTimeline": false, "keepAspectRatio": false,
		  "top": {"value": 0, "keyframes": []}, "left": {"value": 0, "keyframes": []},
		  "width": {"value": 16, "keyframes": []}, "height": {"value": 16, "keyframes": []},
		  "scaleX": {"value": 1, "keyframes": []}, "scaleY": {"value": 1, "keyframes": []},
		  "opacity": {"value": 1, "keyframes": []},
		  "borderRadius": {"value": 0, "keyframes": []},
		  "rotation": {"value": 0, "keyframes": []}})",
		           id.c_str(), id.c_str(), solids[i].color,
		           (long long)(solids[i].start * 240000 + 0.5),
		           (long long)(solids[i].duration * 240000 + 0.5));
		items += (i ? ", " : "") + std::string(buf);
		ids += (i ? ", \"" : "\"") + id + "\"";
	}
	return R"({"compositionWidth": 64, "compositionHeight": 64,
	  "timebaseTicksPerSecond": 240000, "assets": {}, "transitions": {},
	  	  "tracks": [{"id": "t", "items": [)" +
	       ids + R"(], "hidden": false, "muted": false}], "items": {)" + items + "}}";
}

struct BranchCounts {
	guint built = 0, most = 0;
};

struct Frame {
	GstClockTime pts;
	guint8 r, g, b; /* at (8, 8) */
};

/* Pulls RGB frames from a jsontimelinesrc pipeline until EOS, optionally after a seek
 * done in PAUSED. */
static std::vector<Frame> pull_frames(const std::string &doc, gint64 seek_start = -1,
                                      gint64 seek_stop = -1,
                                      GstSeekFlags extra = GST_SEEK_FLAG_NONE,
                                      BranchCounts *props_out = nullptr,
                                      GstSegment *segment_out = nullptr)
{
	GstElement *pipeline = gst_parse_launch(
	        "jsontimelinesrc name=src src.video ! videoconvert ! video/x-raw,format=RGB ! "
	        "appsink name=v sync=false  src.audio ! fakesink sync=false",
	        nullptr);
	fail_unless(pipeline != nullptr);
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "v");
	g_object_set(src, "json", doc.c_str(), "fps", 30, nullptr);
	fail_unless(gst_element_set_state(pipeline, GST_STATE_PAUSED) != GST_STATE_CHANGE_FAILURE);
	fail_unless_equals_int(gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND),
	                       GST_STATE_CHANGE_SUCCESS);
	if (seek_start >= 0) {
		fail_unless(gst_element_seek(
		        pipeline, 1.0, GST_FORMAT_TIME, GstSeekFlags(GST_SEEK_FLAG_FLUSH | extra),
		        GST_SEEK_TYPE_SET, seek_start, GST_SEEK_TYPE_SET, seek_stop));
		fail_unless_equals_int(
		        gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND),
		        GST_STATE_CHANGE_SUCCESS);
	}
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	std::vector<Frame> frames;
	bool first = true;
	/* after a segment seek no EOS comes: the last frame is followed by silence */
	GstClockTime wait = (extra & GST_SEEK_FLAG_SEGMENT) ? 2 * GST_SECOND : 30 * GST_SECOND;
	for (;;) {
		GstSample *sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), wait);
		if (!sample)
			break;
		if (first && segment_out)
			gst_segment_copy_into(gst_sample_get_segment(sample), segment_out);
		first = false;
		GstBuffer *buf = gst_sample_get_buffer(sample);
		GstVideoInfo info;
		gst_video_info_from_caps(&info, gst_sample_get_caps(sample));
		GstMapInfo map;
		gst_buffer_map(buf, &map, GST_MAP_READ);
		const guint8 *px = map.data + 8 * GST_VIDEO_INFO_PLANE_STRIDE(&info, 0) + 8 * 3;
		frames.push_back({GST_BUFFER_PTS(buf), px[0], px[1], px[2]});
		gst_buffer_unmap(buf, &map);
		gst_sample_unref(sample);
	}
	if (props_out) {
		g_object_get(src, "branches-built", &props_out->built, "max-live-branches",
		             &props_out->most, nullptr);
	}
	if (extra & GST_SEEK_FLAG_SEGMENT) {
		GstBus *bus = gst_element_get_bus(pipeline);
		GstMessage *msg =
		        gst_bus_timed_pop_filtered(bus, 10 * GST_SECOND, GST_MESSAGE_SEGMENT_DONE);
		fail_unless(msg != nullptr, "no SEGMENT_DONE after a segment seek");
		gst_message_unref(msg);
		gst_object_unref(bus);
	} else {
		fail_unless(gst_app_sink_is_eos(GST_APP_SINK(sink)), "no EOS");
	}
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(src);
	gst_object_unref(pipeline);
	return frames;
}

static bool is_color(const Frame &f, int r, int g, int b)
{
	return std::abs(f.r - r) < 24 && std::abs(f.g - g) < 24 && std::abs(f.b - b) < 24;
}

GST_START_TEST(test_seek_renders_a_range)
{
	/* red 0-0.2 s, blue 0.2-0.4 s */
	std::string doc = solids_document({{"#ff0000", 0.0, 0.2}, {"#0000ff", 0.2, 0.2}});
	std::vector<Frame> all = pull_frames(doc);
	fail_unless_equals_int(all.size(), 12);

	GstSegment segment;
	std::vector<Frame> part = pull_frames(doc, 100 * GST_MSECOND, 300 * GST_MSECOND,
	                                      GST_SEEK_FLAG_NONE, nullptr, &segment);
	/* frames 3, 4, 5 red, 6, 7, 8 blue */
	fail_unless_equals_int(part.size(), 6);
	fail_unless_equals_uint64(segment.start, gst_util_uint64_scale(3, GST_SECOND, 30));
	fail_unless_equals_uint64(segment.stop, gst_util_uint64_scale(9, GST_SECOND, 30));
	for (size_t i = 0; i < part.size(); i++) {
		fail_unless_equals_uint64(part[i].pts,
		                          gst_util_uint64_scale(3 + i, GST_SECOND, 30));
		if (i < 3)
			fail_unless(is_color(part[i], 255, 0, 0), "frame %zu: %d %d %d", 3 + i,
			            part[i].r, part[i].g, part[i].b);
		else
			fail_unless(is_color(part[i], 0, 0, 255), "frame %zu: %d %d %d", 3 + i,
			            part[i].r, part[i].g, part[i].b);
	}
	/* a segment seek ends with SEGMENT_DONE */
	part = pull_frames(doc, 200 * GST_MSECOND, 400 * GST_MSECOND, GST_SEEK_FLAG_SEGMENT);
	fail_unless_equals_int(part.size(), 6);
	fail_unless(is_color(part.front(), 0, 0, 255));
}
GST_END_TEST;

/* After a seek to any position, frame k of the output is stamped
 * gst_util_uint64_scale(k, GST_SECOND, fps), the frame grid's formula, as without a seek
 * (counting frames from the range's start gave 799999999 for 0.8 s at 60 fps). */
GST_START_TEST(test_seek_timestamps_on_the_grid)
{
	std::string doc = solids_document({{"#ff0000", 0.0, 0.5}});
	for (int fps : {30, 24, 60}) {
		for (GstClockTime at : {GST_MSECOND, 30 * GST_MSECOND, 77 * GST_MSECOND,
		                        250 * GST_MSECOND, 333 * GST_MSECOND}) {
			g_autofree gchar *launch =
			        g_strdup_printf("jsontimelinesrc name=src fps=%d src.video ! "
			                        "appsink name=v sync=false "
			                        "src.audio ! fakesink sync=false",
			                        fps);
			GstElement *pipeline = gst_parse_launch(launch, nullptr);
			fail_unless(pipeline != nullptr);
			GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
			GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "v");
			g_object_set(src, "json", doc.c_str(), nullptr);
			gst_element_set_state(pipeline, GST_STATE_PAUSED);
			fail_unless_equals_int(
			        gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND),
			        GST_STATE_CHANGE_SUCCESS);
			fail_unless(gst_element_seek_simple(pipeline, GST_FORMAT_TIME,
			                                    GST_SEEK_FLAG_FLUSH, gint64(at)));
			fail_unless_equals_int(
			        gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND),
			        GST_STATE_CHANGE_SUCCESS);
			gst_element_set_state(pipeline, GST_STATE_PLAYING);
			guint64 k = gst_util_uint64_scale_ceil(at, guint64(fps), GST_SECOND);
			guint64 end = guint64(fps) / 2; /* the document lasts 0.5 s */
			for (;; k++) {
				GstSample *sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink),
				                                                 30 * GST_SECOND);
				if (!sample)
					break;
				GstBuffer *buf = gst_sample_get_buffer(sample);
				GstClockTime want =
				        gst_util_uint64_scale(k, GST_SECOND, guint64(fps));
				fail_unless(GST_BUFFER_PTS(buf) == want,
				            "%d fps, seek to %" GST_TIME_FORMAT
				            ": frame %" G_GUINT64_FORMAT " at %" G_GUINT64_FORMAT
				            " ns, not %" G_GUINT64_FORMAT,
				            fps, GST_TIME_ARGS(at), k, GST_BUFFER_PTS(buf), want);
				fail_unless_equals_uint64(
				        GST_BUFFER_DURATION(buf),
				        gst_util_uint64_scale(k + 1, GST_SECOND, guint64(fps)) -
				                want);
				gst_sample_unref(sample);
			}
			fail_unless(gst_app_sink_is_eos(GST_APP_SINK(sink)), "no EOS");
			fail_unless_equals_uint64(k, end);
			gst_element_set_state(pipeline, GST_STATE_NULL);
			gst_object_unref(sink);
			gst_object_unref(src);
			gst_object_unref(pipeline);
		}
	}
}
GST_END_TEST;

GST_START_TEST(test_dynamic_branches)
{
	/* 200 sequential clips of 0.1 s cycling through three colours */
	const char *colors[] = {"#ff0000", "#00ff00", "#0000ff"};
	std::vector<SolidSpec> solids;
	for (int i = 0; i < 200; i++)
		solids.push_back({colors[i % 3], i * 0.1, 0.1});
	BranchCounts counts;
	std::vector<Frame> frames =
	        pull_frames(solids_document(solids), -1, -1, GST_SEEK_FLAG_NONE, &counts);
	fail_unless_equals_int(frames.size(), 600);
	for (size_t k = 0; k < frames.size(); k++) {
		int i = int(k / 3);
		int want[3][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
		fail_unless(is_color(frames[k], want[i % 3][0], want[i % 3][1], want[i % 3][2]),
		            "frame %zu: %d %d %d", k, frames[k].r, frames[k].g, frames[k].b);
	}
	guint built = counts.built, most = counts.most;
	/* every clip got a branch, and at most those within the 1 s lead and 0.5 s linger
	 * of the position lived at once */
	fail_unless_equals_int(built, 200);
	g_print("200 clips of 0.1 s: %u branches built, at most %u alive at once\n", built, most);
	fail_unless(most >= 10 && most <= 20, "%u branches alive at once", most);
}
GST_END_TEST;

GST_START_TEST(test_seek_while_playing)
{
	/* 200 clips of 0.1 s: play 30 frames, then seek (flushing) to 10.0 - 10.5 s while
	 * playing: the frames after the seek are those of that range, in their colours */
	const char *colors[] = {"#ff0000", "#00ff00", "#0000ff"};
	std::vector<SolidSpec> solids;
	for (int i = 0; i < 200; i++)
		solids.push_back({colors[i % 3], i * 0.1, 0.1});
	GstElement *pipeline = gst_parse_launch(
	        "jsontimelinesrc name=src src.video ! videoconvert ! video/x-raw,format=RGB ! "
	        "appsink name=v sync=false max-buffers=4  src.audio ! fakesink sync=false",
	        nullptr);
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "v");
	g_object_set(src, "json", solids_document(solids).c_str(), "fps", 30, nullptr);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	for (int i = 0; i < 30; i++) {
		GstSample *sample =
		        gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 30 * GST_SECOND);
		fail_unless(sample != nullptr, "frame %d before the seek", i);
		gst_sample_unref(sample);
	}
	fail_unless(gst_element_seek(pipeline, 1.0, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH,
	                             GST_SEEK_TYPE_SET, 10 * GST_SECOND, GST_SEEK_TYPE_SET,
	                             10 * GST_SECOND + GST_SECOND / 2));
	int want[3][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
	guint n = 0;
	for (;;) {
		GstSample *sample =
		        gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 30 * GST_SECOND);
		if (!sample)
			break;
		GstBuffer *buf = gst_sample_get_buffer(sample);
		GstVideoInfo info;
		gst_video_info_from_caps(&info, gst_sample_get_caps(sample));
		GstMapInfo map;
		gst_buffer_map(buf, &map, GST_MAP_READ);
		const guint8 *px = map.data + 8 * GST_VIDEO_INFO_PLANE_STRIDE(&info, 0) + 8 * 3;
		guint64 k = gst_util_uint64_scale_round(GST_BUFFER_PTS(buf), 30, GST_SECOND);
		fail_unless_equals_uint64(k, 300 + n);
		const int *c = want[(k / 3) % 3];
		fail_unless(std::abs(px[0] - c[0]) < 24 && std::abs(px[1] - c[1]) < 24 &&
		                    std::abs(px[2] - c[2]) < 24,
		            "frame %" G_GUINT64_FORMAT ": %d %d %d", k, px[0], px[1], px[2]);
		gst_buffer_unmap(buf, &map);
		gst_sample_unref(sample);
		n++;
	}
	fail_unless_equals_int(n, 15);
	fail_unless(gst_app_sink_is_eos(GST_APP_SINK(sink)));
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(src);
	gst_object_unref(pipeline);
}
GST_END_TEST;

/* A source whose video is pulled as RGB (pull_frames), its audio thrown away. */
static const char kPatchedPipeline[] =
        "jsontimelinesrc name=src src.video ! videoconvert ! video/x-raw,format=RGB ! "
        "appsink name=v sync=false max-buffers=2  src.audio ! fakesink sync=false";

/* Pulls the frames of a 64x64 RGB appsink until *frames has n (or the stream ends), each
 * with the colour at (8, 8). */
static void pull_frames(GstElement *sink, std::vector<Frame> *frames, size_t n)
{
	while (frames->size() < n) {
		GstSample *sample =
		        gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 30 * GST_SECOND);
		if (!sample)
			return;
		GstBuffer *buf = gst_sample_get_buffer(sample);
		GstMapInfo map;
		gst_buffer_map(buf, &map, GST_MAP_READ);
		const guint8 *px = map.data + 8 * 64 * 3 + 8 * 3;
		frames->push_back({GST_BUFFER_PTS(buf), px[0], px[1], px[2]});
		gst_buffer_unmap(buf, &map);
		gst_sample_unref(sample);
	}
}

/* The frame a "jsontimeline-update-applied" message names, or -1. */
static gint64 applied_frame(GstElement *pipeline)
{
	GstBus *bus = gst_element_get_bus(pipeline);
	gint64 frame = -1;
	while (GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ELEMENT)) {
		const GstStructure *st = gst_message_get_structure(msg);
		guint64 k;
		if (gst_structure_has_name(st, "jsontimeline-update-applied") &&
		    gst_structure_get_uint64(st, "frame", &k))
			frame = gint64(k);
		gst_message_unref(msg);
	}
	gst_object_unref(bus);
	return frame;
}

GST_START_TEST(test_live_patch)
{
	/* a red square for 2 s; after 20 frames a merge patch turns it blue */
	std::string doc = solids_document({{"#ff0000", 0.0, 2.0}});
	GstElement *pipeline = gst_parse_launch(kPatchedPipeline, nullptr);
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "v");
	g_object_set(src, "json", doc.c_str(), "fps", 30, nullptr);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	std::vector<Frame> frames;
	auto pull = [&](size_t n) { pull_frames(sink, &frames, n); };
	pull(20);
	/* refused: the size cannot change; not JSON; an invalid value (nothing changes) */
	gboolean ok = TRUE;
	g_signal_emit_by_name(src, "apply-patch", "{\"compositionWidth\": 128}", &ok);
	fail_if(ok);
	g_signal_emit_by_name(src, "apply-patch", "{\"items\": ", &ok);
	fail_if(ok);
	g_signal_emit_by_name(src, "apply-patch", "{\"items\": {\"s0\": {\"color\": 5}}}", &ok);
	fail_if(ok);
	g_signal_emit_by_name(src, "apply-patch", "{\"items\": {\"s0\": {\"color\": \"#0000ff\"}}}",
	                      &ok);
	fail_unless(ok);
	pull(1000);
	fail_unless(gst_app_sink_is_eos(GST_APP_SINK(sink)));
	gint64 k = applied_frame(pipeline);
	fail_unless_equals_int(frames.size(), 60);
	fail_unless(k >= 20 && k < 40, "applied at frame %" G_GINT64_FORMAT, k);
	for (size_t i = 0; i < frames.size(); i++) {
		fail_unless_equals_uint64(frames[i].pts, gst_util_uint64_scale(i, GST_SECOND, 30));
		if (gint64(i) < k)
			fail_unless(is_color(frames[i], 255, 0, 0), "frame %zu not red", i);
		else
			fail_unless(is_color(frames[i], 0, 0, 255), "frame %zu not blue", i);
	}
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(src);
	gst_object_unref(pipeline);
}
GST_END_TEST;

/* The reasons of the "jsontimeline-update" messages waiting on the bus ("" = accepted);
 * *applied gets the frame of a "jsontimeline-update-applied" among them. */
static std::vector<std::string> update_reasons(GstElement *pipeline, gint64 *applied)
{
	std::vector<std::string> reasons;
	GstBus *bus = gst_element_get_bus(pipeline);
	while (GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ELEMENT)) {
		const GstStructure *st = gst_message_get_structure(msg);
		guint64 k;
		if (gst_structure_has_name(st, "jsontimeline-update"))
			reasons.push_back(gst_structure_get_string(st, "reason"));
		else if (gst_structure_has_name(st, "jsontimeline-update-applied") &&
		         gst_structure_get_uint64(st, "frame", &k))
			*applied = gint64(k);
		gst_message_unref(msg);
	}
	gst_object_unref(bus);
	return reasons;
}

/* A 1x1 PNG. */
static const char kPng[] =
        "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
        "\x00\x00\x00\x90\x77\x53\xde\x00\x00\x00\x0cIDAT\x78\x9c\x63\xf8\xcf\xc0\x00"
        "\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xae\x42\x60\x82";

/* An image item of an asset, 16x16 at (at, at), from 0 for duration ticks. */
static std::string image_item(const char *id, const char *asset, int duration, int at)
{
	char buf[1024];
	g_snprintf(buf, sizeof buf, R"("%s": {"id": "%s", "type": "image", "assetId": "%s",
	  "startTicks": 0, "durationTicks": %d, "isDraggingInTimeline": false,
	  "keepAspectRatio": false, "top": {"value": %d, "keyframes": []},
	  "left": {"value": %d, "keyframes": []}, "width": {"value": 16, "keyframes": []},
	  "height": {"value": 16, "keyframes": []}, "scaleX": {"value": 1, "keyframes": []},
	  "scaleY": {"value": 1, "keyframes": []}, "opacity": {"value": 1, "keyframes": []},
	  "borderRadius": {"value": 0, "keyframes": []},
	  "rotation": {"value": 0, "keyframes": []}})",
	           id, id, asset, duration, at, at);
	return buf;
}

GST_START_TEST(test_live_patch_asset_policy)
{
	/* a red square and an image (inside asset-root) for 2 s: patches pointing the image
	 * outside the root or at a private address are refused, the stream goes on and a
	 * later patch turns the square blue */
	g_autofree gchar *tmp = g_dir_make_tmp("jtl-src-policy-XXXXXX", nullptr);
	std::string root = std::string(tmp) + "/root", outside = std::string(tmp) + "/out.png";
	fail_unless(g_mkdir(root.c_str(), 0755) == 0);
	for (const std::string &f : {root + "/in.png", outside})
		fail_unless(g_file_set_contents(f.c_str(), kPng, sizeof kPng - 1, nullptr));
	/* s1: an image item of asset "a", at 32, 32, on a second track */
	std::string doc = solids_document({{"#ff0000", 0.0, 2.0}});
	doc.replace(doc.find("\"assets\": {}"), 12,
	            R"("assets": {"a": {"id": "a", "type": "image", "filename": "in.png",
	  "size": 1, "mimeType": "image/png", "remoteUrl": null, "remoteKey": null,
	  "width": 1, "height": 1}})");
	doc.replace(doc.find("\"items\": [\"s0\"]"), 15,
	            R"("items": ["s0"], "hidden": false, "muted": false},
	  {"id": "t2", "items": ["s1"])");
	doc.replace(doc.rfind("}}}"), 3, "}, " + image_item("s1", "a", 480000, 32) + "}}");
	GstElement *pipeline = gst_parse_launch(kPatchedPipeline, nullptr);
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "v");
	g_object_set(src, "json", doc.c_str(), "fps", 30, "asset-root", root.c_str(), "asset-base",
	             root.c_str(), "fetch-refuse-private", TRUE, nullptr);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	std::vector<Frame> frames;
	auto pull = [&](size_t n) { pull_frames(sink, &frames, n); };
	pull(10);
	fail_unless_equals_int(frames.size(), 10);
	gint64 applied = -1;
	fail_unless(update_reasons(pipeline, &applied).empty());
	gboolean ok = TRUE;
	std::string patch = R"({"assets": {"a": {"filename": ")" + outside + R"("}}})";
	g_signal_emit_by_name(src, "apply-patch", patch.c_str(), &ok);
	fail_if(ok, "a file outside asset-root was let in");
	g_signal_emit_by_name(src, "apply-patch",
	                      "{\"assets\": {\"a\": {\"filename\": \"../out.png\"}}}", &ok);
	fail_if(ok, "a relative path outside asset-root was let in");
	g_signal_emit_by_name(
	        src, "apply-patch",
	        "{\"assets\": {\"a\": {\"remoteUrl\": \"http://127.0.0.1:9/a.png\"}}}", &ok);
	fail_if(ok, "a private address was fetched");
	std::vector<std::string> reasons = update_reasons(pipeline, &applied);
	fail_unless_equals_int(reasons.size(), 3);
	fail_unless(reasons[0] == "/assets/a/filename: asset \"a\": \"" + outside +
	                                  "\" is not a file in the asset directory",
	            "%s", reasons[0].c_str());
	fail_unless(reasons[1] == "/assets/a/filename: asset \"a\": \"../out.png\" is not a "
	                          "file in the asset directory",
	            "%s", reasons[1].c_str());
	fail_unless(reasons[2].find("/assets/a/remoteUrl: ") == 0 &&
	                    reasons[2].find("refused address 127.0.0.1 (loopback)") !=
	                            std::string::npos,
	            "%s", reasons[2].c_str());
	g_signal_emit_by_name(src, "apply-patch", "{\"items\": {\"s0\": {\"color\": \"#0000ff\"}}}",
	                      &ok);
	fail_unless(ok);
	pull(1000);
	fail_unless(gst_app_sink_is_eos(GST_APP_SINK(sink)));
	update_reasons(pipeline, &applied);
	fail_unless_equals_int(frames.size(), 60);
	fail_unless(applied >= 10 && applied < 40, "applied at frame %" G_GINT64_FORMAT, applied);
	fail_unless(is_color(frames[5], 255, 0, 0));
	fail_unless(is_color(frames.back(), 0, 0, 255));
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(src);
	gst_object_unref(pipeline);
	for (const std::string &f : {root + "/in.png", outside})
		g_unlink(f.c_str());
	g_rmdir(root.c_str());
	g_rmdir(tmp);
}
GST_END_TEST;

GST_START_TEST(test_live_patches_free_old_versions)
{
	/* a score-like stream: a square patched 50 times, every other frame, blue and green in
	 * turn. Each version replaced is kept only while a branch built from it is alive (the
	 * replaced branch lingers about a second): the versions retained stay a handful,
	 * whatever the number of patches */
	std::string doc = solids_document({{"#ff0000", 0.0, 12.0}});
	GstElement *pipeline = gst_parse_launch(kPatchedPipeline, nullptr);
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "v");
	g_object_set(src, "json", doc.c_str(), "fps", 10, nullptr);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	std::vector<Frame> frames;
	auto pull = [&](size_t n) { pull_frames(sink, &frames, n); };
	guint most = 0;
	for (int i = 0; i < 50; i++) {
		pull(size_t(2 * i + 2));
		gboolean ok = FALSE;
		std::string patch = std::string("{\"items\": {\"s0\": {\"color\": \"") +
		                    (i % 2 ? "#00ff00" : "#0000ff") + "\"}}}";
		g_signal_emit_by_name(src, "apply-patch", patch.c_str(), &ok);
		fail_unless(ok, "patch %d refused", i);
		guint retained = 0;
		g_object_get(src, "retained-versions", &retained, nullptr);
		most = std::max(most, retained);
	}
	pull(1000);
	fail_unless(gst_app_sink_is_eos(GST_APP_SINK(sink)));
	fail_unless_equals_int(frames.size(), 120);
	fail_unless(is_color(frames.front(), 255, 0, 0));
	fail_unless(is_color(frames.back(), 0, 255, 0));
	/* 49 when every replaced version was kept until teardown; 5 or 6 now */
	fail_unless(most <= 12, "%u earlier versions retained", most);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(src);
	gst_object_unref(pipeline);
}
GST_END_TEST;

/* Plays doc at 30 fps into fakesinks until EOS, giving the structure of each element
 * message to on_message; trace: the trace-items property. */
static void play_with_messages(const std::string &doc, bool trace,
                               const std::function<void(const GstStructure *)> &on_message)
{
	GstElement *pipeline = gst_parse_launch(
	        "jsontimelinesrc name=src src.video ! fakesink sync=false src.audio ! fakesink "
	        "sync=false",
	        nullptr);
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	g_object_set(src, "json", doc.c_str(), "fps", 30, "trace-items", gboolean(trace), nullptr);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstBus *bus = gst_element_get_bus(pipeline);
	for (;;) {
		GstMessage *msg = gst_bus_timed_pop_filtered(
		        bus, 30 * GST_SECOND,
		        GstMessageType(GST_MESSAGE_ELEMENT | GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
		fail_unless(msg != nullptr);
		if (GST_MESSAGE_TYPE(msg) != GST_MESSAGE_ELEMENT) {
			fail_unless(GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS);
			gst_message_unref(msg);
			break;
		}
		on_message(gst_message_get_structure(msg));
		gst_message_unref(msg);
	}
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	gst_object_unref(src);
	gst_object_unref(pipeline);
}

/* trace-items: one jsontimeline-frame-items message per frame, the items drawn equal to
 * the model's, the one-frame item on frame 2 (16000 ticks: a nanosecond after the frame's
 * timestamp when rounded). */
GST_START_TEST(test_trace_items)
{
	std::string doc = solids_document({{"#ff0000", 0.0, 2 / 30.0},
	                                   {"#00ff00", 2 / 30.0, 1 / 30.0},
	                                   {"#0000ff", 0.1, 0.2}});
	std::vector<std::string> frames; /* "k: drawn / model" */
	play_with_messages(doc, true, [&](const GstStructure *st) {
		if (!gst_structure_has_name(st, "jsontimeline-frame-items"))
			return;
		guint64 k = 0;
		gchar **drawn = nullptr, **model = nullptr;
		fail_unless(gst_structure_get(st, "frame", G_TYPE_UINT64, &k, "drawn", G_TYPE_STRV,
		                              &drawn, "model", G_TYPE_STRV, &model, nullptr));
		g_autofree gchar *d = g_strjoinv(",", drawn);
		g_autofree gchar *m = g_strjoinv(",", model);
		frames.push_back(std::to_string(k) + ": " + d + " / " + m);
		g_strfreev(drawn);
		g_strfreev(model);
	});
	std::vector<std::string> want = {"0: s0 / s0", "1: s0 / s0", "2: s1 / s1",
	                                 "3: s2 / s2", "4: s2 / s2", "5: s2 / s2",
	                                 "6: s2 / s2", "7: s2 / s2", "8: s2 / s2"};
	std::string got;
	for (const std::string &f : frames)
		got += f + "; ";
	fail_unless(frames == want, "%s", got.c_str());
}
GST_END_TEST;

GST_START_TEST(test_progress_messages)
{
	/* 1 s at 30 fps: a message every 7 frames (a quarter second) and at the last */
	std::string doc = solids_document({{"#ff0000", 0.0, 1.0}});
	std::vector<guint64> done;
	guint64 last_position = 0, frames = 0, duration = 0;
	play_with_messages(doc, false, [&](const GstStructure *st) {
		guint64 d, pos;
		if (gst_structure_has_name(st, "jsontimeline-progress") &&
		    gst_structure_get_uint64(st, "frames-done", &d) &&
		    gst_structure_get_uint64(st, "position", &pos)) {
			fail_unless(pos > last_position);
			last_position = pos;
			gst_structure_get_uint64(st, "frames", &frames);
			gst_structure_get_uint64(st, "duration", &duration);
			done.push_back(d);
		}
	});
	std::vector<guint64> want = {7, 14, 21, 28, 30};
	fail_unless(done == want, "%zu progress messages", done.size());
	fail_unless_equals_uint64(frames, 30);
	fail_unless_equals_uint64(duration, GST_SECOND);
	fail_unless_equals_uint64(last_position, GST_SECOND);
}
GST_END_TEST;

/* A clip of 0.2 s (64x48 JPEG pictures and a tone) in dir/clip.mkv, made by plain
 * GStreamer. */
static void make_clip(const std::string &dir)
{
	std::string line = "videotestsrc num-buffers=6 ! video/x-raw,width=64,height=48,"
	                   "framerate=30/1 ! jpegenc ! matroskamux name=m ! filesink location=" +
	                   dir +
	                   "/clip.mkv audiotestsrc num-buffers=6 samplesperbuffer=1600 ! "
	                   "audio/x-raw,rate=48000,channels=2 ! m.";
	GstElement *pipeline = gst_parse_launch(line.c_str(), nullptr);
	fail_unless(pipeline != nullptr);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstBus *bus = gst_element_get_bus(pipeline);
	GstMessage *msg = gst_bus_timed_pop_filtered(
	        bus, 30 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
	fail_unless(msg && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS, "the clip was not made");
	gst_message_unref(msg);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	gst_object_unref(pipeline);
}

/* count copies of the clip (video and sound), 0.2 s each, one after another. */
static std::string clips_document(int count)
{
	std::string items, ids;
	for (int i = 0; i < count; i++) {
		std::string id = "c" + std::to_string(i);
		char buf[1024];
		g_snprintf(buf, sizeof buf,
		           R"("%s": {"id": "%s", "type": "video", "assetId": "clip",
		  "startTicks": %d, "durationTicks": 48000, "isDraggingInTimeline": false,
		  "keepAspectRatio": true, "videoStartFromInSeconds": 0, "playbackRate": 1,
		  "decibelAdjustment": {"value": 0, "keyframes": []},
		  "audioFadeInDurationInSeconds": 0, "audioFadeOutDurationInSeconds": 0,
		  "top": {"value": 0, "keyframes": []}, "left": {"value": 0, "keyframes": []},
		  "width": {"value": 64, "keyframes": []}, "height": {"value": 48, "keyframes": []},
		  "scaleX": {"value": 1, "keyframes": []}, "scaleY": {"value": 1, "keyframes": []},
		  "opacity": {"value": 1, "keyframes": []},
		  "borderRadius": {"value": 0, "keyframes": []},
		  "rotation": {"value": 0, "keyframes": []}})",
		           id.c_str(), id.c_str(), i * 48000);
		items += (i ? ", " : "") + std::string(buf);
		ids += (i ? ", \"" : "\"") + id + "\"";
	}
	return R"({"compositionWidth": 64, "compositionHeight": 64,
	  "timebaseTicksPerSecond": 240000, "transitions": {},
	  "assets": {"clip": {"id": "clip", "type": "video", "filename": "clip.mkv", "size": 1,
	    "mimeType": "video/x-matroska", "remoteUrl": null, "remoteKey": null,
	    "durationInSeconds": 0.2, "hasAudioTrack": true, "width": 64, "height": 48}},
	  "tracks": [{"id": "t", "items": [)" +
	       ids + R"(], "hidden": false, "muted": false}], "items": {)" + items + "}}";
}

/* The most elements inside jsontimelinesrc and request pads of its compositor and
 * audiomixer seen at any output frame, per pass of the timeline. */
struct GraphSize {
	GstElement *src = nullptr;
	std::mutex lock;
	std::vector<guint> children, comp_pads, mixer_pads; /* lock; one per pass */
};

static guint sink_pads(GstElement *bin, const char *name)
{
	GstElement *e = gst_bin_get_by_name(GST_BIN(bin), name);
	if (!e)
		return 0;
	GST_OBJECT_LOCK(e);
	guint n = e->numsinkpads;
	GST_OBJECT_UNLOCK(e);
	gst_object_unref(e);
	return n;
}

static GstPadProbeReturn measure_graph(GstPad *, GstPadProbeInfo *, gpointer data)
{
	GraphSize *g = static_cast<GraphSize *>(data);
	GST_OBJECT_LOCK(g->src);
	guint children = GST_BIN_NUMCHILDREN(g->src);
	GST_OBJECT_UNLOCK(g->src);
	guint comp = sink_pads(g->src, "compositor"), mixer = sink_pads(g->src, "audiomixer");
	std::lock_guard<std::mutex> guard(g->lock);
	if (g->children.empty())
		g->children.push_back(0), g->comp_pads.push_back(0), g->mixer_pads.push_back(0);
	g->children.back() = std::max(g->children.back(), children);
	g->comp_pads.back() = std::max(g->comp_pads.back(), comp);
	g->mixer_pads.back() = std::max(g->mixer_pads.back(), mixer);
	return GST_PAD_PROBE_OK;
}

/* Plays count clips passes times, looping by segment seeks as `jsontimeline stream
 * --loop` does; returns the graph's size per pass and the branches built. */
static guint play_clips(const std::string &dir, int count, int passes, GraphSize *g)
{
	GstElement *pipeline = gst_parse_launch(
	        "jsontimelinesrc name=src src.video ! fakesink sync=false src.audio ! fakesink "
	        "sync=false",
	        nullptr);
	g->src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	std::string doc = clips_document(count);
	g_object_set(g->src, "json", doc.c_str(), "asset-base", dir.c_str(), nullptr);
	GstPad *vpad = gst_element_get_static_pad(g->src, "video");
	gst_pad_add_probe(vpad, GST_PAD_PROBE_TYPE_BUFFER, measure_graph, g, nullptr);
	gst_element_set_state(pipeline, GST_STATE_PAUSED);
	fail_unless_equals_int(gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND),
	                       GST_STATE_CHANGE_SUCCESS);
	const auto loop =
	        GstSeekFlags(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE | GST_SEEK_FLAG_SEGMENT);
	fail_unless(gst_element_seek(pipeline, 1.0, GST_FORMAT_TIME, loop, GST_SEEK_TYPE_SET, 0,
	                             GST_SEEK_TYPE_NONE, -1));
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstBus *bus = gst_element_get_bus(pipeline);
	for (int pass = 1; pass <= passes; pass++) {
		GstMessage *msg = gst_bus_timed_pop_filtered(
		        bus, 60 * GST_SECOND,
		        GstMessageType(GST_MESSAGE_SEGMENT_DONE | GST_MESSAGE_ERROR));
		fail_unless(msg && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_SEGMENT_DONE,
		            "pass %d did not end", pass);
		gst_message_unref(msg);
		if (pass == passes)
			break;
		{
			std::lock_guard<std::mutex> guard(g->lock);
			g->children.push_back(0), g->comp_pads.push_back(0),
			        g->mixer_pads.push_back(0);
		}
		fail_unless(gst_element_seek(pipeline, 1.0, GST_FORMAT_TIME, loop,
		                             GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_NONE, -1));
	}
	guint built = 0;
	g_object_get(g->src, "branches-built", &built, nullptr);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	gst_object_unref(vpad);
	gst_object_unref(g->src);
	gst_object_unref(pipeline);
	return built;
}

GST_START_TEST(test_released_branches_leave_nothing)
{
	g_autofree gchar *dir = g_dir_make_tmp("jtl-clips-XXXXXX", nullptr);
	fail_unless(dir != nullptr);
	make_clip(dir);
	/* 12 and 36 clips of 0.2 s: the graph holds the branches within the 1 s lead and the
	 * 0.5 s linger of the position (9 of them), however many clips were played before */
	GraphSize few, many;
	play_clips(dir, 12, 1, &few);
	guint built = play_clips(dir, 36, 3, &many);
	/* (and those built in PAUSED before the first seek replaced the graph) */
	fail_unless(built >= 3 * 36, "%u branches built", built);
	g_print("12 clips: at most %u elements, %u + %u mixer pads; 36 clips, 3 passes:",
	        few.children[0], few.comp_pads[0], few.mixer_pads[0]);
	for (size_t i = 0; i < many.children.size(); i++)
		g_print(" %u, %u + %u;", many.children[i], many.comp_pads[i], many.mixer_pads[i]);
	g_print("\n");
	fail_unless_equals_int(many.children.size(), 3);
	for (size_t i = 0; i < many.children.size(); i++) {
		/* a few branches more or less alive at the busiest frame, as the mixers'
		 * inputs move (kMaxLead): a branch is 8 elements (uridecodebin, a queue and
		 * videoconvert, a queue, audioconvert, audioresample, volume and capsfilter)
		 * and a pad on each mixer; one thing left behind per clip would be 108 */
		const guint slack = 3;
		fail_unless(many.children[i] <= few.children[0] + 8 * slack,
		            "pass %zu: %u elements", i + 1, many.children[i]);
		fail_unless(many.comp_pads[i] <= few.comp_pads[0] + slack, "pass %zu: %u pads",
		            i + 1, many.comp_pads[i]);
		fail_unless(many.mixer_pads[i] <= few.mixer_pads[0] + slack, "pass %zu: %u pads",
		            i + 1, many.mixer_pads[i]);
	}
	g_autofree gchar *clip = g_build_filename(dir, "clip.mkv", nullptr);
	g_unlink(clip);
	g_rmdir(dir);
}
GST_END_TEST;

/* Four text items of 1 s in a row on a 96x54 composition (4 s, 40 frames at 10 fps):
 * the branches of the last ones are built (1 s ahead) while the pipeline plays. */
static std::string text_row_document()
{
	std::string items, ids;
	for (int i = 0; i < 4; i++) {
		std::string id(1, char('a' + i));
		ids += (i ? ", \"" : "\"") + id + "\"";
		items += std::string(i ? ", " : "") + "\"" + id + "\": {\"id\": \"" + id +
		         "\", \"type\": \"text\", \"text\": \"" + char('A' + i) +
		         "\", \"color\": \"#ffffff\", \"fontFamily\": \"Roboto\", "
		         "\"fontStyle\": {\"variant\": \"normal\", \"weight\": \"700\"}, "
		         "\"fontSize\": 20, \"lineHeight\": 1.2, \"letterSpacing\": 0, "
		         "\"align\": \"center\", \"direction\": \"ltr\", \"strokeWidth\": 0, "
		         "\"strokeColor\": \"#000000\", \"resizeOnEdit\": false, "
		         "\"startTicks\": " +
		         std::to_string(i * 240000) +
		         ", \"durationTicks\": 240000, \"isDraggingInTimeline\": false, "
		         "\"top\": {\"value\": 4, \"keyframes\": []}, "
		         "\"left\": {\"value\": 4, \"keyframes\": []}, "
		         "\"width\": {\"value\": 56, \"keyframes\": []}, "
		         "\"height\": {\"value\": 28, \"keyframes\": []}, "
		         "\"scaleX\": {\"value\": 1, \"keyframes\": []}, "
		         "\"scaleY\": {\"value\": 1, \"keyframes\": []}, "
		         "\"opacity\": {\"value\": 1, \"keyframes\": []}, "
		         "\"rotation\": {\"value\": 0, \"keyframes\": []}}";
	}
	return std::string(R"({"compositionWidth": 96, "compositionHeight": 54,
  "timebaseTicksPerSecond": 240000, "assets": {}, "transitions": {},
  "tracks": [{"id": "t", "items": [)") +
	       ids + R"(], "hidden": false, "muted": false}], "items": {)" + items + "}}";
}

/* What reached a sink: buffers, audio samples, the end (pts + duration) of the last. */
struct Received {
	std::mutex lock;
	guint buffers = 0;
	guint64 samples = 0;
	GstClockTime end = 0;
};

static GstPadProbeReturn receive(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	auto *r = static_cast<Received *>(data);
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
	std::lock_guard<std::mutex> guard(r->lock);
	r->buffers++;
	r->samples += gst_buffer_get_size(buf) / 4;
	if (GST_BUFFER_PTS_IS_VALID(buf) && GST_BUFFER_DURATION_IS_VALID(buf))
		r->end = std::max(r->end, GST_BUFFER_PTS(buf) + GST_BUFFER_DURATION(buf));
	return GST_PAD_PROBE_OK;
}

/* Plays a pipeline whose jsontimelinesrc is named src (given doc at 10 fps) and whose sinks
 * are named v and a (either may be missing), counting what each sink receives; returns
 * the type of the first EOS or error message. A hang fails (a watchdog), never blocks.
 * setup(pipeline, src) runs before it plays. */
static GstMessageType
play_counted(const std::string &desc, const std::string &doc, Received *video, Received *audio,
             const std::function<void(GstElement *, GstElement *)> &setup = nullptr)
{
	GstElement *pipeline = gst_parse_launch(desc.c_str(), nullptr);
	fail_unless(pipeline != nullptr, desc.c_str());
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	g_object_set(src, "json", doc.c_str(), "fps", 10, nullptr);
	for (auto [name, r] : {std::pair{"v", video}, std::pair{"a", audio}}) {
		if (GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), name)) {
			GstPad *pad = gst_element_get_static_pad(sink, "sink");
			gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, receive, r, nullptr);
			gst_object_unref(pad);
			gst_object_unref(sink);
		}
	}
	if (setup)
		setup(pipeline, src);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstBus *bus = gst_element_get_bus(pipeline);
	GstMessage *msg = gst_bus_timed_pop_filtered(
	        bus, 30 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
	fail_unless(msg != nullptr, "no EOS or error within 30 s: %s", desc.c_str());
	GstMessageType type = GST_MESSAGE_TYPE(msg);
	if (type == GST_MESSAGE_ERROR) {
		GError *error = nullptr;
		gst_message_parse_error(msg, &error, nullptr);
		GST_WARNING("%s: %s", desc.c_str(), error->message);
		g_error_free(error);
	}
	gst_message_unref(msg);
	fail_unless_equals_int(gst_element_set_state(pipeline, GST_STATE_NULL),
	                       GST_STATE_CHANGE_SUCCESS);
	gst_object_unref(bus);
	gst_object_unref(src);
	gst_object_unref(pipeline);
	return type;
}

/* Downstream EOS on one output (a sink taking n buffers) at several positions, while the
 * text branches come and go: the other output plays to its end (30 frames, 1 s of sound),
 * the pipeline ends with EOS, nothing hangs or crashes. */
GST_START_TEST(test_downstream_eos_on_one_pad)
{
	const std::string doc = text_row_document();
	for (bool video : {true, false}) {
		for (int n :
		     video ? std::vector<int>{1, 5, 12, 25} : std::vector<int>{1, 20, 150, 300}) {
			std::string limit = " num-buffers=" + std::to_string(n);
			std::string desc = "jsontimelinesrc name=src src.video ! fakesink name=v" +
			                   (video ? limit : "") + " src.audio ! fakesink name=a" +
			                   (video ? "" : limit);
			Received v, a;
			fail_unless_equals_int(play_counted(desc, doc, &v, &a), GST_MESSAGE_EOS);
			if (video) {
				fail_unless_equals_int(v.buffers, n);
				fail_unless_equals_uint64(a.samples, 4 * 48000);
			} else {
				fail_unless_equals_int(a.buffers, n);
				fail_unless_equals_int(v.buffers, 40);
			}
		}
	}
}
GST_END_TEST;

/* Only one output linked: the other ends quietly, as an unlinked decodebin pad does. */
GST_START_TEST(test_one_pad_unlinked)
{
	const std::string doc = text_row_document();
	for (int i = 0; i < 2; i++) {
		Received v, a;
		fail_unless_equals_int(
		        play_counted("jsontimelinesrc name=src src.video ! fakesink name=v", doc,
		                     &v, &a),
		        GST_MESSAGE_EOS);
		fail_unless_equals_int(v.buffers, 40);
		fail_unless_equals_int(
		        play_counted("jsontimelinesrc name=src src.audio ! fakesink name=a", doc,
		                     &v, &a),
		        GST_MESSAGE_EOS);
		fail_unless_equals_uint64(a.samples, 4 * 48000);
	}
}
GST_END_TEST;

/* An EOS sent to the element while it plays (as gst-launch -e does at Ctrl-C), here when
 * one sink has received `after` of the timeline: both outputs end at once, at the same
 * frame time, well before the timeline's end. */
struct EosAt {
	GstElement *src;
	GstClockTime after;
	bool sent = false;
};

static GstPadProbeReturn send_eos_once(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	auto *e = static_cast<EosAt *>(data);
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
	if (!e->sent && GST_BUFFER_PTS(buf) + GST_BUFFER_DURATION(buf) >= e->after) {
		e->sent = true;
		fail_unless(gst_element_send_event(e->src, gst_event_new_eos()));
	}
	return GST_PAD_PROBE_OK;
}

GST_START_TEST(test_eos_ends_both_outputs_together)
{
	const std::string doc = text_row_document();
	for (const char *sink : {"v", "a"}) {
		for (GstClockTime after : {GST_SECOND / 2, 3 * GST_SECOND / 2}) {
			Received v, a;
			EosAt e{nullptr, after};
			auto setup = [&](GstElement *pipeline, GstElement *src) {
				e.src = src;
				GstElement *s = gst_bin_get_by_name(GST_BIN(pipeline), sink);
				GstPad *pad = gst_element_get_static_pad(s, "sink");
				gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, send_eos_once, &e,
				                  nullptr);
				gst_object_unref(pad);
				gst_object_unref(s);
			};
			fail_unless_equals_int(play_counted("jsontimelinesrc name=src src.video ! "
			                                    "queue ! fakesink name=v src.audio ! "
			                                    "queue ! fakesink name=a",
			                                    doc, &v, &a, setup),
			                       GST_MESSAGE_EOS);
			fail_unless(e.sent);
			/* on a frame time (10 fps), the same for both, before the end (4 s) and
			 * not before the EOS was sent */
			fail_unless_equals_uint64(v.end, a.end);
			fail_unless_equals_uint64(v.end % (GST_SECOND / 10), 0);
			fail_unless_equals_uint64(v.buffers, v.end / (GST_SECOND / 10));
			fail_unless_equals_uint64(a.samples, v.end * 48000 / GST_SECOND);
			fail_unless(v.end >= after && v.end < after + 2 * GST_SECOND,
			            "ended at %" GST_TIME_FORMAT, GST_TIME_ARGS(v.end));
		}
	}
}
GST_END_TEST;

/* Sets a state and waits (10 s at most, a watchdog) until the change completed. */
static void reach_state(GstElement *pipeline, GstState state, const char *what)
{
	fail_if(gst_element_set_state(pipeline, state) == GST_STATE_CHANGE_FAILURE, what);
	GstState now = GST_STATE_VOID_PENDING;
	GstStateChangeReturn ret = gst_element_get_state(pipeline, &now, nullptr, 10 * GST_SECOND);
	fail_unless(ret == GST_STATE_CHANGE_SUCCESS || ret == GST_STATE_CHANGE_NO_PREROLL,
	            "%s: %s not reached within 10 s (%d)", what, gst_element_state_get_name(state),
	            int(ret));
	fail_unless_equals_int(now, state);
}

/* READY is a player's "stop": PAUSED->READY->PAUSED and PLAYING->READY->PAUSED preroll
 * again, repeatedly, and the element then plays the whole timeline (text items; video
 * and audio clips under an image). */
static void cycle_through_ready(const std::string &doc, guint frames, const char *assets = nullptr)
{
	GstElement *pipeline = gst_parse_launch("jsontimelinesrc name=src src.video ! fakesink "
	                                        "name=v src.audio ! fakesink name=a",
	                                        nullptr);
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	g_object_set(src, "json", doc.c_str(), "fps", 10, nullptr);
	if (assets)
		g_object_set(src, "asset-base", assets, nullptr);
	for (int i = 0; i < 3; i++) {
		reach_state(pipeline, GST_STATE_PAUSED, "preroll");
		reach_state(pipeline, GST_STATE_READY, "PAUSED->READY");
		reach_state(pipeline, GST_STATE_PAUSED, "READY->PAUSED");
		reach_state(pipeline, GST_STATE_PLAYING, "play");
		reach_state(pipeline, GST_STATE_READY, "PLAYING->READY");
	}
	Received v, a;
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "v");
	GstPad *pad = gst_element_get_static_pad(sink, "sink");
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, receive, &v, nullptr);
	reach_state(pipeline, GST_STATE_PLAYING,
	            assets ? "clips: play to the end" : "play to the end");
	GstBus *bus = gst_element_get_bus(pipeline);
	GstMessage *msg = gst_bus_timed_pop_filtered(
	        bus, 30 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
	fail_unless(msg != nullptr && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS,
	            "no EOS after the cycles");
	gst_message_unref(msg);
	fail_unless_equals_int(v.buffers, frames);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	gst_object_unref(pad);
	gst_object_unref(sink);
	gst_object_unref(src);
	gst_object_unref(pipeline);
}

GST_START_TEST(test_ready_paused_cycles)
{
	cycle_through_ready(text_row_document(), 40);
	gchar *dir = g_dir_make_tmp("jtl-ready-XXXXXX", nullptr);
	make_clip(dir);
	/* and an image over the clips (a 1x1 PNG) */
	std::string image = std::string(dir) + "/img.png";
	fail_unless(g_file_set_contents(image.c_str(), kPng, sizeof kPng - 1, nullptr));
	std::string doc = clips_document(3);
	doc.replace(doc.find("\"assets\": {"), 11,
	            R"("assets": {"img": {"id": "img", "type": "image",
	  "filename": "img.png", "size": 1, "mimeType": "image/png", "remoteUrl": null,
	  "remoteKey": null, "width": 1, "height": 1}, )");
	doc.replace(doc.find("\"tracks\": ["), 11, R"("tracks": [{"id": "i", "items": ["im"],
	  "hidden": false, "muted": false}, )");
	doc.insert(doc.size() - 2, ", " + image_item("im", "img", 144000, 8));
	cycle_through_ready(doc, 6, dir);
	std::string clip = std::string(dir) + "/clip.mkv";
	g_unlink(clip.c_str());
	g_unlink(image.c_str());
	g_rmdir(dir);
	g_free(dir);
}
GST_END_TEST;

/* The flags say when each property may be set. */
GST_START_TEST(test_property_flags_tell_the_truth)
{
	GstElement *src = gst_element_factory_make("jsontimelinesrc", nullptr);
	GObjectClass *klass = G_OBJECT_GET_CLASS(src);
	/* json: a new version while playing (live patch); the output's size and rate: NULL
	 * only */
	fail_unless(g_object_class_find_property(klass, "json")->flags & GST_PARAM_MUTABLE_PLAYING);
	for (const char *name : {"fps", "width", "height", "scale"})
		fail_unless((g_object_class_find_property(klass, name)->flags &
		             (GST_PARAM_MUTABLE_READY | GST_PARAM_MUTABLE_PAUSED |
		              GST_PARAM_MUTABLE_PLAYING)) == 0,
		            "%s", name);
	GstBus *bus = gst_bus_new();
	gst_element_set_bus(src, bus);
	g_object_set(src, "json", kDoc, "fps", 20, nullptr);
	fail_unless(gst_element_set_state(src, GST_STATE_PAUSED) != GST_STATE_CHANGE_FAILURE);
	/* refused once loaded, with a warning: it keeps reading what the output uses */
	g_object_set(src, "fps", 10, nullptr);
	int fps = 0;
	g_object_get(src, "fps", &fps, nullptr);
	fail_unless_equals_int(fps, 20);
	GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_WARNING);
	fail_unless(msg != nullptr);
	GError *err = nullptr;
	gst_message_parse_warning(msg, &err, nullptr);
	fail_unless(strstr(err->message, "fps can only be changed in the NULL state") != nullptr,
	            "%s", err->message);
	g_error_free(err);
	gst_message_unref(msg);
	gst_element_set_state(src, GST_STATE_NULL);
	g_object_set(src, "fps", 10, nullptr);
	g_object_get(src, "fps", &fps, nullptr);
	fail_unless_equals_int(fps, 10);
	gst_element_set_bus(src, nullptr);
	gst_object_unref(bus);
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
	tcase_add_test(tc, test_compositing_format);
	tcase_add_test(tc, test_output_caps_query);
	tcase_add_test(tc, test_output_formats);
	tcase_add_test(tc, test_output_impossible);
	tcase_add_test(tc, test_mux_without_queues);
	tcase_add_test(tc, test_missing_illustration);
	tcase_add_test(tc, test_invalid_document);
	tcase_add_test(tc, test_missing_files_not_found);
	tcase_add_test(tc, test_seek_renders_a_range);
	tcase_add_test(tc, test_seek_timestamps_on_the_grid);
	tcase_add_test(tc, test_dynamic_branches);
	tcase_add_test(tc, test_seek_while_playing);
	tcase_add_test(tc, test_live_patch);
	tcase_add_test(tc, test_live_patch_asset_policy);
	tcase_add_test(tc, test_live_patches_free_old_versions);
	tcase_add_test(tc, test_progress_messages);
	tcase_add_test(tc, test_trace_items);
	tcase_add_test(tc, test_released_branches_leave_nothing);
	tcase_add_test(tc, test_downstream_eos_on_one_pad);
	tcase_add_test(tc, test_one_pad_unlinked);
	tcase_add_test(tc, test_eos_ends_both_outputs_together);
	tcase_add_test(tc, test_ready_paused_cycles);
	tcase_add_test(tc, test_property_flags_tell_the_truth);
	return s;
}

GST_CHECK_MAIN(jsontimelinesrc);
