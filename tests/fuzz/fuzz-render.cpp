// SPDX-License-Identifier: LGPL-2.1-or-later
// libFuzzer target: the whole render path, document -> model -> jsontimelinesrc -> frames.
//
// Each input is loaded and validated like the command line does; a valid one is rendered by
// jsontimelinesrc at a tiny size (the composition, at most 96 x 96, scale 1, 30 fps) at
// three places: the first two frames, the middle frame and the last frame (flushing seeks
// in one pipeline). Video frames are mapped and read; audio goes to a fakesink. Nothing
// touches the network or a file outside a private temporary directory: documents with an
// http(s) asset are skipped, local files are confined to an empty asset root, and the
// registry, the remote cache and XDG_CACHE_HOME live in the temporary directory.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <glib.h>
#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include <elements.h>
#include <jsontimeline/editorstate.h>
#include <jsontimeline/fetch.h>
#include <jsontimeline/model.h>
#include <jsontimeline/time.h>

namespace {

constexpr int kFps = 30;
constexpr int kMaxSide = 96;
/* a bus wait longer than this is a hang (libFuzzer's -timeout usually fires first) */
constexpr GstClockTime kHang = 60 * GST_SECOND;

std::string g_tmp;        /* the private temporary directory */
std::string g_asset_root; /* an empty directory inside it */
std::string g_cache;      /* the remote asset cache: stays empty */

bool remote(const std::string &location)
{
	std::string scheme = jtl::url_scheme(location);
	return scheme == "http" || scheme == "https";
}

/* Whether rendering the timeline would download anything. */
bool wants_network(const jtl::Timeline &tl)
{
	for (const auto &[id, asset] : tl.assets)
		if (remote(asset.filename) || (asset.remote_url && remote(*asset.remote_url)))
			return true;
	return remote(tl.background.image_url);
}

GstFlowReturn on_sample(GstAppSink *sink, gpointer data)
{
	++*static_cast<guint64 *>(data);
	g_autoptr(GstSample) sample = gst_app_sink_pull_sample(sink);
	if (!sample)
		return GST_FLOW_EOS;
	GstBuffer *buf = gst_sample_get_buffer(sample);
	GstMapInfo map;
	if (buf && gst_buffer_map(buf, &map, GST_MAP_READ)) {
		/* read every byte: a frame shorter than its caps says shows under ASan */
		volatile unsigned sum = 0;
		for (gsize i = 0; i < map.size; i++)
			sum = sum + map.data[i];
		gst_buffer_unmap(buf, &map);
	}
	return GST_FLOW_OK;
}

/* Waits for the end of what was asked (EOS) or an error; false on an error. */
bool wait_done(GstBus *bus)
{
	g_autoptr(GstMessage) msg = gst_bus_timed_pop_filtered(
	        bus, kHang, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
	if (!msg) {
		fprintf(stderr, "fuzz-render: no EOS or error in %" GST_TIME_FORMAT "\n",
		        GST_TIME_ARGS(kHang));
		abort();
	}
	return GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS;
}

bool seek(GstElement *element, guint64 first, guint64 count, GstSeekFlags flags)
{
	return gst_element_seek(element, 1.0, GST_FORMAT_TIME, flags, GST_SEEK_TYPE_SET,
	                        gint64(jtl::frame_to_ns(first, kFps, 1)), GST_SEEK_TYPE_SET,
	                        gint64(jtl::frame_to_ns(first + count, kFps, 1)));
}

void render(const std::string &json, const jtl::Timeline &tl)
{
	GstElement *pipeline = gst_pipeline_new("fuzz");
	GstElement *src = gst_element_factory_make("jsontimelinesrc", "src");
	GstElement *vsink = gst_element_factory_make("appsink", nullptr);
	GstElement *asink = gst_element_factory_make("fakesink", nullptr);
	if (!pipeline || !src || !vsink || !asink)
		abort();
	gst_bin_add_many(GST_BIN(pipeline), src, vsink, asink, nullptr);
	if (!gst_element_link_pads(src, "video", vsink, "sink") ||
	    !gst_element_link_pads(src, "audio", asink, "sink"))
		abort();
	GstAppSinkCallbacks callbacks = {};
	callbacks.new_sample = on_sample;
	guint64 frames_seen = 0;
	gst_app_sink_set_callbacks(GST_APP_SINK(vsink), &callbacks, &frames_seen, nullptr);
	g_object_set(vsink, "sync", FALSE, nullptr);
	g_object_set(asink, "sync", FALSE, nullptr);
	g_object_set(src, "json", json.c_str(), "fps", kFps, "scale", 1.0, "width",
	             std::min(tl.width, kMaxSide), "height", std::min(tl.height, kMaxSide),
	             "asset-root", g_asset_root.c_str(), "asset-base", g_asset_root.c_str(),
	             "cache-dir", g_cache.c_str(), "fetch-refuse-private", TRUE, "fetch-timeout",
	             1.0, nullptr);
	g_autoptr(GstBus) bus = gst_element_get_bus(pipeline);
	if (gst_element_set_state(pipeline, GST_STATE_READY) != GST_STATE_CHANGE_FAILURE) {
		guint64 duration = 0;
		g_object_get(src, "duration", &duration, nullptr);
		guint64 frames = gst_util_uint64_scale(duration, kFps, GST_SECOND);
		/* the first two frames (a seek while READY, as render_file() does), then the
		 * middle and the last frame (flushing seeks while PLAYING) */
		bool ok = frames > 0 &&
		          seek(src, 0, std::min<guint64>(2, frames),
		               GstSeekFlags(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE)) &&
		          gst_element_set_state(pipeline, GST_STATE_PLAYING) !=
		                  GST_STATE_CHANGE_FAILURE &&
		          wait_done(bus);
		for (guint64 at : {frames / 2, frames - 1}) {
			if (!ok || at < 2)
				continue;
			ok = seek(pipeline, at, 1,
			          GstSeekFlags(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE)) &&
			     wait_done(bus);
		}
	}
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(pipeline);
	if (g_getenv("JTL_FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz-render: %" G_GUINT64_FORMAT " frames\n", frames_seen);
}

} /* namespace */

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
	g_autoptr(GError) error = nullptr;
	g_autofree gchar *tmp = g_dir_make_tmp("jtl-fuzz-render-XXXXXX", &error);
	if (!tmp) {
		fprintf(stderr, "fuzz-render: %s\n", error->message);
		abort();
	}
	g_tmp = tmp;
	g_asset_root = g_tmp + "/assets";
	g_cache = g_tmp + "/cache";
	g_mkdir(g_asset_root.c_str(), 0700);
	g_mkdir(g_cache.c_str(), 0700);
	/* nothing written outside the temporary directory: the registry and every cache; the
	 * registry is scanned in a child (gst-plugin-scanner), so only the plugins a render
	 * uses are loaded here (some others leak at load) */
	g_setenv("GST_REGISTRY_1_0", (g_tmp + "/registry.bin").c_str(), TRUE);
	g_unsetenv("GST_REGISTRY_FORK");
	g_setenv("XDG_CACHE_HOME", g_tmp.c_str(), TRUE);
	gst_init(nullptr, nullptr);
	if (!gst_plugin_register_static(GST_VERSION_MAJOR, GST_VERSION_MINOR, "jsontimeline",
	                                "editor JSON to video (built into the fuzzer)",
	                                jsontimeline_elements_register, "0", "LGPL", "jsontimeline",
	                                "jsontimeline", ""))
		abort();
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jtl::EditorStateOptions options;
	options.limits.max_bytes = 1 << 20;
	/* the element takes the document as a C string: a NUL would cut it short */
	if (memchr(data, 0, size))
		return 0;
	std::string json(reinterpret_cast<const char *>(data), size);
	jtl::EditorStateResult doc = jtl::load_editor_state(json, options);
	/* invalid documents: fuzz-editorstate's ground; remote assets: no network here */
	if (!doc.timeline || wants_network(*doc.timeline))
		return 0;
	render(json, *doc.timeline);
	return 0;
}
