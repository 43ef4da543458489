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
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <glib.h>
#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

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

/* ---- a JSON-aware mutator: most byte-level mutations make a document invalid, and an
 * invalid one never reaches the renderer; these keep it JSON and mostly valid ---------- */

using Random = std::minstd_rand;

size_t pick(Random &rng, size_t n)
{
	return std::uniform_int_distribution<size_t>(0, n - 1)(rng);
}

struct Place {
	JsonNode *node;
	JsonNode *parent; /* object or array holding it, nullptr for the root */
};

void collect(JsonNode *node, JsonNode *parent, std::vector<Place> *out)
{
	out->push_back({node, parent});
	if (JSON_NODE_HOLDS_OBJECT(node)) {
		JsonObject *o = json_node_get_object(node);
		g_autoptr(GList) members = json_object_get_members(o);
		for (GList *m = members; m; m = m->next)
			collect(json_object_get_member(o, static_cast<const char *>(m->data)), node,
			        out);
	} else if (JSON_NODE_HOLDS_ARRAY(node)) {
		JsonArray *a = json_node_get_array(node);
		for (guint i = 0; i < json_array_get_length(a); i++)
			collect(json_array_get_element(a, i), node, out);
	}
}

double mutate_number(Random &rng, double v)
{
	static const double kValues[] = {0,          1,          -1,    2,    0.5,
	                                 1e-9,       16384,      65536, 1e5,  1e6,
	                                 2147483647, 4294967296, 1e12,  1e15, 9007199254740991,
	                                 1e20,       1e30,       1e300, -1e9, -2147483648};
	switch (pick(rng, 6)) {
	case 0:
		return v * 2;
	case 1:
		return v / 2;
	case 2:
		return -v;
	case 3:
		return v + (pick(rng, 2) ? 1 : -1);
	default:
		return kValues[pick(rng, G_N_ELEMENTS(kValues))];
	}
}

std::string mutate_string(Random &rng, const std::string &v, const std::vector<Place> &all)
{
	static const char *kValues[] = {"",      "../",     "/etc/passwd", "file:///etc/passwd",
	                                "x",     "#ff0000", "transparent", "none",
	                                "data:", "\u0000",  "rectangle",   "linear-gradient("};
	switch (pick(rng, 4)) {
	case 0: { /* another string of the document: ids, enum values, colours */
		for (int tries = 0; tries < 8; tries++) {
			const Place &p = all[pick(rng, all.size())];
			if (JSON_NODE_HOLDS_VALUE(p.node) &&
			    json_node_get_value_type(p.node) == G_TYPE_STRING)
				return json_node_get_string(p.node);
		}
		return v;
	}
	case 1: { /* longer */
		std::string out;
		for (size_t n = 1 + pick(rng, 64); n > 0 && out.size() < 4096; n--)
			out += v.empty() ? "W" : v;
		return out;
	}
	case 2:
		return v.substr(0, pick(rng, v.size() + 1));
	default:
		return kValues[pick(rng, G_N_ELEMENTS(kValues))];
	}
}

/* Whether the text nests arrays and objects at most max deep (json-glib's parser, collect()
 * and json_to_string() recurse: a deep input would overflow the stack in the mutator). */
bool shallow(const std::string &text, int max)
{
	int depth = 0;
	bool in_string = false;
	for (size_t i = 0; i < text.size(); i++) {
		char c = text[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				return false;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return true;
}

/* One structural change; false when the chosen node offers none. */
bool mutate_json(Random &rng, JsonNode *root)
{
	std::vector<Place> all;
	collect(root, nullptr, &all);
	const Place &p = all[pick(rng, all.size())];
	JsonNode *n = p.node;
	if (JSON_NODE_HOLDS_VALUE(n)) {
		GType t = json_node_get_value_type(n);
		if (t == G_TYPE_INT64) {
			double v = mutate_number(rng, double(json_node_get_int(n)));
			if (std::abs(v) < 9.2e18 && v == double(gint64(v)))
				json_node_set_int(n, gint64(v));
			else
				json_node_set_double(n, v);
		} else if (t == G_TYPE_DOUBLE) {
			json_node_set_double(n, mutate_number(rng, json_node_get_double(n)));
		} else if (t == G_TYPE_BOOLEAN) {
			json_node_set_boolean(n, !json_node_get_boolean(n));
		} else if (t == G_TYPE_STRING) {
			json_node_set_string(
			        n, mutate_string(rng, json_node_get_string(n), all).c_str());
		}
		return true;
	}
	if (JSON_NODE_HOLDS_ARRAY(n)) {
		JsonArray *a = json_node_get_array(n);
		guint len = json_array_get_length(a);
		if (len == 0)
			return false;
		guint i = guint(pick(rng, len));
		if (pick(rng, 3) == 0) {
			json_array_remove_element(a, i);
		} else { /* the element again, a few or many times */
			size_t copies = pick(rng, 2) ? 1 + pick(rng, 3) : 1 + pick(rng, 200);
			for (size_t k = 0; k < copies; k++)
				json_array_add_element(
				        a, json_node_copy(json_array_get_element(a, i)));
		}
		return true;
	}
	if (JSON_NODE_HOLDS_OBJECT(n)) {
		JsonObject *o = json_node_get_object(n);
		g_autoptr(GList) members = json_object_get_members(o);
		guint len = g_list_length(members);
		if (len == 0)
			return false;
		std::string key =
		        static_cast<const char *>(g_list_nth_data(members, guint(pick(rng, len))));
		if (pick(rng, 4) == 0) {
			json_object_remove_member(o, key.c_str());
		} else { /* a member takes the value of another node of the same kind */
			JsonNode *from = all[pick(rng, all.size())].node;
			JsonNode *to = json_object_get_member(o, key.c_str());
			if (from == to ||
			    json_node_get_node_type(from) != json_node_get_node_type(to))
				return false;
			json_object_set_member(o, key.c_str(), json_node_copy(from));
		}
		return true;
	}
	return false;
}

/* Removes a directory and everything in it (links are removed, not followed). */
void remove_tree(const std::string &path)
{
	if (g_file_test(path.c_str(), G_FILE_TEST_IS_DIR) &&
	    !g_file_test(path.c_str(), G_FILE_TEST_IS_SYMLINK)) {
		if (GDir *dir = g_dir_open(path.c_str(), 0, nullptr)) {
			while (const char *name = g_dir_read_name(dir))
				remove_tree(path + "/" + name);
			g_dir_close(dir);
		}
		g_rmdir(path.c_str());
	} else {
		g_unlink(path.c_str());
	}
}

} /* namespace */

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* Three times in four a structural change of the JSON (when it parses), else libFuzzer's own
 * byte-level mutations. */
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                                          unsigned int seed)
{
	Random rng(seed);
	if (pick(rng, 4) != 0) {
		std::string text(reinterpret_cast<const char *>(data), size);
		/* the engine refuses documents deeper than 512 (EDITOR_JSON_TOO_DEEP) */
		g_autoptr(JsonNode) root =
		        shallow(text, 600) ? json_from_string(text.c_str(), nullptr) : nullptr;
		bool changed = false;
		for (int tries = 0; root && !changed && tries < 4; tries++)
			changed = mutate_json(rng, root);
		if (changed) {
			g_autofree gchar *out = json_to_string(root, FALSE);
			size_t n = strlen(out);
			if (n <= max_size) {
				memcpy(data, out, n);
				return n;
			}
		}
	}
	return LLVMFuzzerMutate(data, size, max_size);
}

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
	g_autoptr(GError) error = nullptr;
	g_autofree gchar *tmp = g_dir_make_tmp("jtl-fuzz-render-XXXXXX", &error);
	if (!tmp) {
		fprintf(stderr, "fuzz-render: %s\n", error->message);
		abort();
	}
	g_tmp = tmp;
	/* fork mode starts a process per job: each leaves nothing behind (a crash aside) */
	atexit([] { remove_tree(g_tmp); });
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
	/* ORC writes its compiled code to a file there (else in $HOME) */
	g_setenv("XDG_RUNTIME_DIR", g_tmp.c_str(), TRUE);
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
