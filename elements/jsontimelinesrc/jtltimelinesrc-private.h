// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc's private header: the state every part of the element shares.
//
// The element is split by concern (docs/architecture.md, "jsontimelinesrc"):
//   jtltimelinesrc.cpp           GObject glue: properties, URI handler, state changes, load()
//   jtltimelinesrc-graph.cpp     the fixed graph: compositors, mixer, output format, adjustments
//   jtltimelinesrc-schedule.cpp  the scheduler: branches built and released around the position
//   jtltimelinesrc-seek.cpp      seeks, the output pads' events and queries
//   jtltimelinesrc-live.cpp      live updates: a new version validated and queued
//   jtltimelinesrc-util.cpp      helpers every part uses
//   branches/*.cpp               the branches of each item kind, one file per kind
//                                (common.cpp: what they share); build_branch() picks one
//
// LOCK ORDER (a lock may be taken while holding one listed above it, never the reverse):
//   1. Private::update_lock   one live update at a time (request_update(), build());
//                             schedule_lock is taken inside it
//   2. State::schedule_lock   the schedule: plan, done, next, video_pos, audio_pos, live,
//                             failed, stopping, starting, and the pending version (pending*,
//                             document, retired); State::moved waits on it. The gates
//                             (schedule()) hold it while they build and release branches
//   3. the object lock        Settings, State::duration (GST_OBJECT_LOCK); schedule_lock is
//                             never taken inside it (the glue drops it first)
//   4. leaves, held alone or innermost, never around another lock:
//      State::lock            the element lists (State::children, LiveBranch::elements):
//                             decoders add elements from their own threads
//      State::seek_lock       the last seek: seek_seqnum, segment_seek
//      Private::warned_lock   the warnings given once
//      Trace::lock            the items drawn per frame (trace-items)
// No lock is held while a pad pushes or an element changes state, except schedule_lock
// in the gates while the branches they build start.
#pragma once

#include "jtltimelinesrc.h"

#include "common/textlook.h"
#include "common/values.h"
#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <gst/base/gstaggregator.h>
#include <gst/controller/controller.h>
#include <gst/video/video.h>
#include <jsontimeline/adjust.h>
#include <jsontimeline/animation.h>
#include <jsontimeline/asset-policy.h>
#include <jsontimeline/captions.h>
#include <jsontimeline/chart.h>
#include <jsontimeline/color.h>
#include <jsontimeline/draw.h>
#include <jsontimeline/editorstate.h>
#include <jsontimeline/fetch.h>
#include <jsontimeline/illustrations.h>
#include <jsontimeline/live-update.h>
#include <jsontimeline/merge-patch.h>
#include <jsontimeline/plan.h>
#include <jsontimeline/template.h>
#include <limits>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>

/* the element's debug category, static in the glue: a global of the elements' library
 * would be defined twice in a process that links the elements and loads the plugin */
namespace jtlsrc {
GstDebugCategory *debug_category();
}
#define GST_CAT_DEFAULT (jtlsrc::debug_category())

constexpr int kAudioRate = 48000;
/* audio buffers of 10 ms: the audio track ends within 10 ms of the video */
constexpr int kAudioSamplesPerBuffer = kAudioRate / 100;
/* how far the video and audio inputs of the mixers may be apart */
constexpr GstClockTime kMaxLead = GST_SECOND / 2;
/* how many frames' time of audio the audio pad holds for a blocked peer
 * (add_audio_queue()) */
constexpr guint64 kOutputFrames = 300;

namespace jtlsrc {

/* Values set by the application; guarded by the object lock. */
struct Settings {
	std::string location;
	std::string json;
	int width = 0;      /* 0 = the document's compositionWidth */
	int height = 0;     /* 0 = the document's compositionHeight */
	int fps = 0;        /* 0 = the request's fps, else 30 */
	double scale = 0.0; /* 0 = the request's, else 1 */
	std::string asset_base;
	std::string cache_dir;                                /* "" = the user cache directory */
	guint64 cache_max_bytes = jtl::kDefaultCacheMaxBytes; /* the whole cache, 0 = no bound */
	double fetch_timeout = 120.0;      /* seconds per remote asset, 0 = no limit */
	bool fetch_refuse_private = false; /* loopback, private, link-local, metadata */
	std::string fetch_allow_hosts;     /* comma-separated hosts let through anyway */
	std::string asset_root;            /* local asset files only below it; "" = anywhere */
	/* an illustration name not built in: jtl::MissingIllustration (error, placeholder) */
	int missing_illustration = 0;
	bool trace_items = false; /* a jsontimeline-frame-items message per frame */
};

/* The output frames rendered: [k0, k1), from start to stop (ns). */
struct Range {
	uint64_t k0 = 0, k1 = 0;
	GstClockTime start = 0, stop = 0;
};

/* What every branch is built against: fixed for one graph. */
struct Context {
	GstElement *comp = nullptr; /* the top compositor */
	/* compositors bottom up, adjustment items' jtladjust between them; comp_above[i]:
	 * the pad zorders from which items go into compositors[i + 1] */
	std::vector<GstElement *> compositors;
	std::vector<unsigned> comp_above;
	GstElement *mixer = nullptr; /* audiomixer */
	jtl::AssetPolicy assets;     /* what the branches may read (policy_of()) */
	double scale = 1.0;
	int fps = 30;
	int width = 0, height = 0; /* output */
	uint64_t frames = 0;       /* of the whole timeline */
	Range range;
	int comp_w = 0, comp_h = 0; /* the composition's size (slide distances) */
	/* the clips that transitions extend, by item id (State::spans) */
	const jtl::ClipSpans *spans = nullptr;
	bool illustration_placeholders = false; /* missing-illustration=placeholder */
	bool trace = false;                     /* trace-items */
	/* the video pad's format, chosen from what downstream takes (negotiate_output());
	 * flatten: it has no alpha, so the frames are composited over black, not transparent */
	const char *out_format = "I420";
	bool flatten = true;
};

/* trace-items: the items each compositor drew into a frame, gathered until the top
 * compositor has drawn it; the document as the graph was built (the model compared). */
struct Trace {
	std::mutex lock; /* guards drawn: the compositors run in their own threads */
	std::map<uint64_t, std::set<std::string>> drawn;
	std::shared_ptr<const jtl::Timeline> timeline;
	jtl::ClipSpans spans;
};

/* One built branch of the graph: its elements (owned by the bin) and its mixer pads. For
 * video and audio items also the part of the file it plays. */
struct LiveBranch {
	JtlTimelineSrc *self = nullptr;
	jtl::Branch plan;
	/* the version of the document it was built from: kept as long as the branch is, so
	 * that nothing set up from it can outlive it (State::retired) */
	std::shared_ptr<const jtl::Timeline> version;
	std::string item_path;
	std::vector<GstElement *> elements; /* State::lock: decoders add to it */
	GstPad *video_sink = nullptr;       /* compositor pad, or nullptr */
	GstPad *audio_sink = nullptr;       /* audiomixer pad, or nullptr */
	/* media */
	GstClockTime file_start = 0; /* ns into the file where the item starts */
	GstClockTime trim_start = 0; /* ns into the file where the rendered range starts */
	GstClockTime file_end = 0;   /* ns into the file where the item ends */
	GstClockTimeDiff offset = 0; /* running time = file time + offset */
	GstControlSource *gain = nullptr;
	GstPad *audio_src = nullptr;     /* the decoder pad feeding audio_sink (not a ref) */
	double rate = 1.0;               /* playbackRate: file time runs this much faster */
	GstClockTime item_start = 0;     /* where its sound starts in the timeline */
	GstElement *audio_out = nullptr; /* the last element of the sound's chain */
	/* crop, corners and rotation of a video item, done by jtllayer: its canvas and box
	 * (output pixels) and per-frame values (crop-left, -top, -right, -bottom, radius,
	 * rotation) keyed at the pictures' stream time; no canvas = not shaped */
	int canvas_w = 0, canvas_h = 0, box_w = 0, box_h = 0;
	bool keep_aspect_ratio = false;
	GstControlSource *shape[9] = {};
	const char *mask = nullptr; /* the transition type of the mask jtllayer applies */
	const char *mask_direction = nullptr;
	bool mask_inverted = false; /* shown where the mask's transition has not uncovered */
	/* video shown from its first picture's time minus hold (ns) where an incoming clip's
	 * file has no picture yet: that picture is held */
	GstClockTime hold = 0;
	GstClockTime shift = 0; /* retimed pictures: stream time = shown time + shift */
	bool retime = false;    /* the trim probe retimes the pictures */
	std::atomic<bool> first_picture{true};
	std::atomic<bool> video_linked{false}, audio_linked{false};
	/* replaced by a live update before its item ended: its sources still push */
	bool cut = false;
	std::atomic<bool> video_ended{false}, audio_ended{false};
	GstPad *video_in = nullptr, *audio_in = nullptr; /* our chains' first pads (refs) */

	~LiveBranch()
	{
		if (video_sink)
			gst_object_unref(video_sink);
		if (audio_sink)
			gst_object_unref(audio_sink);
		if (gain)
			gst_object_unref(gain);
		for (GstControlSource *cs : shape)
			if (cs)
				gst_object_unref(cs);
		for (GstPad *p : {video_in, audio_in})
			if (p)
				gst_object_unref(p);
	}
};

/* Streaming state, built on NULL->READY and rebuilt by seeks. */
struct State {
	std::shared_ptr<const jtl::Timeline> timeline;
	jtl::ClipSpans spans; /* of the loaded timeline */
	/* live updates (schedule_lock): the text of the document playing, the next version
	 * waiting for the next frame, and the versions it replaced. A replaced version lives
	 * only as long as something holds it (the live branches built from it, an update
	 * being compared with it): retired only watches them, for retained-versions, and
	 * forgets those freed each time a version is replaced */
	std::string document;
	std::shared_ptr<const jtl::Timeline> pending;
	jtl::ClipSpans pending_spans;
	std::string pending_document;
	std::set<std::string> pending_changed;
	std::vector<std::weak_ptr<const jtl::Timeline>> retired;
	guint64 duration = 0; /* of the output, ns: frames / fps; object lock */
	std::mutex lock;      /* guards element lists: decoders add elements from their threads */
	std::vector<GstElement *> children; /* the fixed part of the graph, owned by the bin */
	Context ctx;

	/* the schedule; schedule_lock */
	std::mutex schedule_lock;
	std::vector<jtl::Branch> plan;             /* by build time */
	std::vector<bool> done;                    /* built (or found empty) */
	std::size_t next = 0;                      /* the first branch not built yet */
	GstClockTime video_pos = 0, audio_pos = 0; /* how far each mixer's input came */
	std::list<std::unique_ptr<LiveBranch>> live;
	bool failed = false;
	bool stopping = false; /* the sources are being stopped: gates do nothing */
	/* the first branches are being built in the bin's state change up from NULL or READY,
	 * before its children change (start_elements) */
	bool starting = false;
	std::condition_variable moved; /* an input moved on */
	std::atomic<guint> max_live{0}, built{0};

	/* the last seek; seek_lock */
	std::mutex seek_lock;
	guint32 seek_seqnum = GST_SEQNUM_INVALID;
	bool segment_seek = false;
	std::atomic<int> segment_done{0};

	/* an EOS sent to the element: both outputs end at the frame time eos_at (set once,
	 * GST_CLOCK_TIME_NONE until then); how far each output has pushed (its last buffer's
	 * end), to choose it. Written by the streaming threads, reset by build_graph() */
	std::atomic<GstClockTime> eos_at{GST_CLOCK_TIME_NONE};
	std::atomic<GstClockTime> video_out{0}, audio_out{0};
	/* held by an output from reading eos_at to recording how far it pushed, and by
	 * send_event() choosing eos_at: no buffer passes beyond a time just chosen */
	std::mutex eos_lock;
	/* the outputs downstream said not-linked to (ended quietly); when both have, the
	 * element fails naming its pads (output_return()). Reset by build_graph() */
	std::atomic<bool> video_not_linked{false}, audio_not_linked{false};
	std::atomic<int> not_linked{0};

	Trace trace;
};

/* What jtllayer does to a branch: everything the item asks for, only its rotation (a
 * picture drawn already cropped and rounded), or only a transition's mask. */
enum class ShapeMode { Full, RotationOnly, MaskOnly };

/* What the video pad gives, in order of preference: 4:2:0 first (what encoders and players
 * take: a plain `videoconvert ! x264enc` gets High, not High 4:4:4), then the formats
 * with alpha (transparent where nothing is drawn on a `none` background). */
#define JTL_OUTPUT_FORMATS                                                                         \
	"{ I420, NV12, YV12, Y42B, Y444, AYUV, A420, BGRA, RGBA, ARGB, ABGR, BGRx, RGBx, "         \
	"xRGB, xBGR, RGB, BGR }"

/* A RESOURCE error about a file the document names: NOT_FOUND when the file is not there
 * (the one code for "file missing", as filesrc gives), else code (READ, OPEN_READ...). */
#define JTL_FILE_ERROR(self, missing, code, text, debug)                                           \
	G_STMT_START                                                                               \
	{                                                                                          \
		if (missing)                                                                       \
			GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, text, debug);                 \
		else                                                                               \
			GST_ELEMENT_ERROR(self, RESOURCE, code, text, debug);                      \
	}                                                                                          \
	G_STMT_END

/* the pad templates (jtltimelinesrc.cpp) */
/* the pads' templates (static in the glue: a global of the elements' library would be
 * defined twice in a process that links the elements and loads the plugin) */
GstStaticPadTemplate *video_pad_template();
GstStaticPadTemplate *audio_pad_template();
/* the element's parent class (GstBin) */
gpointer parent_class();

/* jtltimelinesrc-seek.cpp */
GstFlowReturn output_chain(GstPad *internal, GstObject *parent, GstBuffer *buf);
GstFlowReturn output_chain_list(GstPad *internal, GstObject *parent, GstBufferList *list);
GstPadProbeReturn output_events(JtlTimelineSrc *self, bool video, GstPadProbeInfo *info);
Range frame_range(GstClockTime start, GstClockTime stop, int fps, uint64_t frames);
gboolean send_event(GstElement *element, GstEvent *event);
gboolean src_event(GstPad *pad, GstObject *parent, GstEvent *event);
gboolean src_query(GstPad *pad, GstObject *parent, GstQuery *query);

/* jtltimelinesrc-schedule.cpp */
void release_branch(JtlTimelineSrc *self, LiveBranch *b);
void forget_freed_versions(State &st);
bool apply_pending(JtlTimelineSrc *self, GstClockTime pos);
void schedule(JtlTimelineSrc *self, bool video, GstClockTime pos);
GstPadProbeReturn gate(JtlTimelineSrc *self, bool video, GstPadProbeInfo *info);
GstPadProbeReturn video_gate(GstPad *, GstPadProbeInfo *info, gpointer data);
GstPadProbeReturn audio_gate(GstPad *, GstPadProbeInfo *info, gpointer data);
void stop_gates(JtlTimelineSrc *self);

/* jtltimelinesrc-graph.cpp */
GstElement *add_audio_queue(JtlTimelineSrc *self, GstElement *out);
bool build_graph(JtlTimelineSrc *self, GstClockTime start, GstClockTime stop);
void announce_caps(JtlTimelineSrc *self);
void announce_document(JtlTimelineSrc *self);
void teardown_graph(JtlTimelineSrc *self);
bool build(JtlTimelineSrc *self);
void teardown(JtlTimelineSrc *self);

/* jtltimelinesrc-live.cpp */
bool request_update(JtlTimelineSrc *self, const std::string &text, bool patch, std::string *why);

/* jtltimelinesrc-util.cpp */
GQuark item_path_quark();
GQuark item_kind_quark();
/* set on a branch's elements as release_branch() starts: what they post then (a source
 * whose pad was just released says not-linked) is the release's doing, not an error */
GQuark released_quark();
std::string item_child_name(const char *kind, const std::string &path);
void mark_item(GstElement *e, const char *kind, const std::string &path);
GstElement *make(JtlTimelineSrc *self, std::vector<GstElement *> *list, const char *factory,
                 const char *name = nullptr);
void start_elements(const std::vector<GstElement *> &elements, bool ready = false);
GstCaps *video_caps(const char *format, int width, int height, int fps);
uint64_t first_frame_at(GstClockTime t, int fps);
GstClockTime key_time(uint64_t k, int fps);
GstControlSource *frame_values();
void bind(GstPad *pad, const char *property, GstControlSource *cs);
GstElement *compositor_for(const Context &ctx, unsigned zorder);
const jtl::ClipSpan &span_of(const Context &ctx, const jtl::Item &item);
jtl::ItemFrame frame_of(const Context &ctx, const jtl::Item &item, uint64_t k);
const jtl::ClipTransition *mask_of(const Context &ctx, const jtl::Item &item,
                                   bool *inverted = nullptr);
bool transition_layer(const Context &ctx, const jtl::Item &item);
void warn_overflow(JtlTimelineSrc *self, const std::string &pointer);
GstMessage *font_warning(JtlTimelineSrc *self, const std::string &pointer,
                         const std::string &warning);

/* branches/common.cpp */
int box_side(double size, double scale, long max_side = 8192);
bool item_turns(const jtl::Item &item);
void box_pixels(const jtl::Item &item, double scale, int *w, int *h);
bool uniform_box(const jtl::Item &item, double grow_x, double grow_y);
bool control_geometry(JtlTimelineSrc *self, GstPad *sink, const jtl::Item &item, const Context &ctx,
                      double grow_x = 1.0, double grow_y = 1.0);
bool control_branch_geometry(LiveBranch *b, const jtl::Item &item, const Context &ctx, bool shaped);
GstPad *link_to_compositor(JtlTimelineSrc *self, const Context &ctx, GstElement *last, uint64_t k,
                           unsigned zorder, const std::string &what);
GstPad *add_picture(JtlTimelineSrc *self, std::vector<GstElement *> *list, const Context &ctx,
                    const jtl::Raster &raster, uint64_t k, uint64_t count, unsigned zorder,
                    const std::string &what,
                    const std::function<std::vector<GstElement *>()> &make_filters = nullptr);
void plan_shape(LiveBranch *b, const Context &ctx, const jtl::Item &item, uint64_t k,
                uint64_t count, const std::function<GstClockTime(uint64_t)> &at,
                ShapeMode mode = ShapeMode::Full, int mask_w = 0, int mask_h = 0);
GstElement *make_layer(LiveBranch *b);
void bound_overflow(const jtl::Item &item, const Context &ctx, int w, int h, bool turns, int *mx,
                    int *my);

/* branches/picture.cpp */
bool add_still(LiveBranch *b, const Context &ctx, const jtl::Timeline &tl, const jtl::Item &item);

/* branches/text.cpp */
void set_text_look(GstElement *element, const jtl::TextStyle &st, double scale);
bool add_text(LiveBranch *b, const Context &ctx, const jtl::Item &item, const jtl::TextData &text);

/* branches/captions.cpp */
bool add_captions(LiveBranch *b, const Context &ctx, const jtl::Timeline &tl,
                  const jtl::Item &item);

/* branches/animated.cpp */
bool add_animated(LiveBranch *b, const Context &ctx, const jtl::Timeline &tl,
                  const jtl::Item &item);

/* branches/media.cpp */
std::vector<GstElement *> chain(JtlTimelineSrc *self, std::vector<GstElement *> *list,
                                std::initializer_list<const char *> factories);
bool add_media(LiveBranch *m, const Context &ctx, const jtl::Timeline &tl, const jtl::Item &item);

/* jtltimelinesrc.cpp */
std::string location_path(const std::string &location);
jtl::AssetPolicy policy_of(const Settings &settings);
jtl::ClipSpans spans_of(const jtl::Timeline &tl, const jtl::AssetPolicy &policy,
                        std::vector<std::string> *warnings);
jtl::FetchOptions fetch_options_of(const Settings &settings);
bool load(JtlTimelineSrc *self, Settings &settings);

bool item_frames(const jtl::Item &item, const Context &ctx, uint64_t *k, uint64_t *count);
bool needs_shape(const jtl::Item &item);
bool add_adjustments(JtlTimelineSrc *self, GstElement *bottom, GstElement *out);

} /* namespace jtlsrc */

struct _JtlTimelineSrc {
	GstBin parent;
	GstPad *video_pad; /* ghost pads, always present */
	GstPad *audio_pad;
	struct Private {
		jtlsrc::Settings settings; /* object lock */
		jtlsrc::State state;
		std::mutex update_lock; /* one live update at a time */
		/* the warnings about texts given (a missing font, an overflow), each once
		 * however often its branch is built; warned_lock */
		std::mutex warned_lock;
		std::set<std::string> warned;
	} * priv;
};
