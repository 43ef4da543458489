// SPDX-License-Identifier: LGPL-2.1-or-later
// Render planning: per-frame item geometry and the schedule of graph branches.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gst/gst.h>

#include <jsontimeline/model.h>
#include <jsontimeline/transition.h>

namespace jtl {

/* Where and how a visual item is drawn at one instant, in composition pixels: the
 * keyframed geometry with the clip animations applied on top. The box is (left, top,
 * width, height) before scale and rotation; both act around the box centre. */
struct ItemFrame {
	bool visible = false; /* inside the item's time range and not fully transparent */
	double left = 0, top = 0, width = 0, height = 0;
	double scale_x = 1, scale_y = 1;
	double rotation = 0; /* degrees, clockwise */
	double opacity = 1;  /* 0..1 */
	double border_radius = 0;
	double crop_left = 0, crop_top = 0, crop_right = 0, crop_bottom = 0; /* 0..1 */
	/* a clip of a wipe, clock-wipe or iris: the progress of the mask that shows it
	 * (clip_mask(), transition_weight()); -1 when no mask applies */
	double mask = -1;
	/* a clip of a flip: turned in perspective by these degrees around its horizontal
	 * (turn_x) or vertical (turn_y) axis (flip_turn(), turned_source()) */
	double turn_x = 0, turn_y = 0;
};

/* Evaluates item at timeline tick t (not local time). Items without geometry (audio,
 * effects, filters) are never visible. */
ItemFrame evaluate_item(const Item &item, Ticks t);

/* How a transition acts on one of its two clips, over the window [window_start,
 * window_end) centred on the cut between them. */
struct ClipTransition {
	std::string id; /* of the transition */
	TransitionType type = TransitionType::Fade;
	TransitionDirection direction = TransitionDirection::FromLeft;
	Easing easing = Easing::Linear;
	Ticks window_start = 0, window_end = 0;
	/* fade, wipe, clock-wipe, iris: how opaque the incoming clip is over the whole of the
	 * outgoing one's box (incoming_cover()); the outgoing clip fades out by as much as it
	 * is not covered, or is masked where the incoming one shows */
	double cover = 0.0;

	/* The eased progress at timeline tick t: 0 before the window, 1 after it. */
	double progress(Ticks t) const;
	/* The linear progress (for the audio crossfade). */
	double linear(Ticks t) const;
};

/* An item's part in the transitions of its track. A transition of duration D joins
 * touching clips A (outgoing) and B (incoming) of one track: A goes on D/2 past its end
 * and B starts D/2 before its start (holding their last and first frames where the source
 * has no more), so the timeline's duration does not change. */
struct ClipSpan {
	Ticks lead = 0; /* shown this long before its start (as the incoming clip) */
	Ticks tail = 0; /* shown this long after its end (as the outgoing clip) */
	std::optional<ClipTransition> in;  /* as the incoming clip, around its start */
	std::optional<ClipTransition> out; /* as the outgoing clip, around its end */
};
using ClipSpans = std::map<std::string, ClipSpan>;

/* Whether an image item's picture is opaque over its whole box (its file has no
 * transparency). */
using OpaqueImage = std::function<bool(const Item &)>;

/* How opaque incoming clip b is over the whole box of outgoing clip a at their cut, 0..1:
 * b's opacity (times its colour's alpha) where b fills its unrotated, uncropped box with an
 * opaque picture (a rectangular solid, a video, an image opaque_image() says is opaque, or
 * without it a JPEG; no rounded corners; media keeping their aspect ratio only with the
 * box's) and that box holds a's (rotated) box; 0 otherwise. */
double incoming_cover(const Timeline &timeline, const Item &a, const Item &b,
                      const OpaqueImage &opaque_image = {});

/* The spans of the clips that transitions join, by item id. A transition whose clips are
 * missing, on different tracks or do not touch is left out with a warning naming its JSON
 * path; a duration longer than either clip is shortened to fit. opaque_image: as for
 * incoming_cover(). */
ClipSpans plan_transitions(const Timeline &timeline, std::vector<std::string> *warnings,
                           const OpaqueImage &opaque_image = {});

/* The transition whose mask shapes a clip: a wipe, clock-wipe or iris bringing it in
 * (mask: shown where the transition has uncovered it), else one taking it out that its
 * incoming clip does not wholly cover (*inverted: shown where it has not); nullptr when
 * none. */
const ClipTransition *clip_mask(const ClipSpan &span, bool *inverted);

/* evaluate_item() within an item's span: in the lead and tail the item shows as at its
 * first and last tick; inside a window its transition acts on it (fade: a cross-fade, the
 * incoming clip's opacity x p drawn over the outgoing clip's x (1 - p) / (1 - p x cover),
 * which is (1 - p)·A + p·B where B covers A uniformly and A x (1 - p) where nothing covers
 * it; slide: both move by slide_offsets() of a width x height composition; flip: the
 * outgoing clip turns away in perspective, then the incoming turns in; wipe, clock-wipe,
 * iris: the progress of clip_mask()'s mask). */
ItemFrame evaluate_clip(const Item &item, const ClipSpan &span, Ticks t, int width, int height);

/* audio_gain() within an item's span: crossfaded over its transitions' windows (linear in
 * amplitude: the two gains add up to the clips' own), held at the item's ends in its lead
 * and tail. */
double clip_audio_gain(const Item &item, const ClipSpan &span, Ticks t);

/* Linear gain of an audible item (video, audio) at timeline tick t: its
 * decibelAdjustment keyframes (10^(dB/20)) times the audio fade-in/fade-out ramps (linear
 * in amplitude over audioFadeIn/OutDurationInSeconds from the clip's ends); 0 outside the
 * item. */
double audio_gain(const Item &item, Ticks t);

/* Where an item's media is at timeline tick t, in seconds into the source file:
 * start offset (videoStartFromInSeconds, ...) + local time x playbackRate. */
double media_time(const Item &item, Ticks t);

/* One branch of the render graph: an item's layer, built before it starts and released
 * after it ends. */
struct Branch {
	std::string item_id;
	/* compositor order: higher draws above; tracks[0]'s items the highest; inside a track,
	 * each clip of a chain of transitions above the one before it (track_zorder()) */
	unsigned zorder = 0;
	bool video = false;          /* feeds the compositor */
	bool audio = false;          /* feeds the audiomixer */
	GstClockTime build_at = 0;   /* when the graph builds it (start - lead time, >= 0) */
	GstClockTime start = 0;      /* first instant it shows or sounds */
	GstClockTime end = 0;        /* first instant it no longer does */
	GstClockTime release_at = 0; /* when the graph releases it */
};

struct PlanOptions {
	GstClockTime lead = GST_SECOND;       /* build a branch this long before it starts */
	GstClockTime linger = GST_SECOND / 2; /* release it this long after it ends */
};

/* The branches of a timeline, sorted by build time; with spans, a branch covers its
 * item's lead and tail too. Hidden tracks give no video
 * branch, muted tracks no audio branch; an item with neither gives no branch. */
std::vector<Branch> plan_branches(const Timeline &timeline, const PlanOptions &options = {},
                                  const ClipSpans *spans = nullptr);

/* The zorder of track ti's items that no transition brings in: tracks[0] gets the highest.
 * With spans, the clips a chain of transitions joins take the zorders above it, each one
 * its place in the chain higher (the incoming clip over the outgoing one: pads of one
 * zorder are stacked in an order of the compositor's own). Adding or removing items
 * leaves the zorders of the others as they were (live updates keep built branches). */
unsigned track_zorder(const Timeline &timeline, const ClipSpans *spans, std::size_t ti);

/* The largest number of branches alive (built and not yet released) at any instant. */
std::size_t max_live_branches(const std::vector<Branch> &branches);

/* A compositor pad's box in output pixels: its top-left corner and its size. */
struct PadBox {
	double x, y, w, h;
};

/* The compositor scales each picture to its pad's box before it blends the part inside
 * the output, so a box is bounded whatever an item's size and scale say: at most
 * kMaxPadSide pixels a side and kMaxPadOutputs times the output's pixels. A box that
 * misses the output and kPadMargin around it is not drawn at all. */
constexpr double kMaxPadSide = 16384;
constexpr double kMaxPadOutputs = 16;
constexpr double kPadMargin = 64;
/* The bound in words, for errors. */
constexpr const char *kPadBoxLimitText =
        "16384 pixels a side or 16 times the output's pixels (see docs/limits.md)";

/* Whether a box has a part within the output (out_w x out_h) and kPadMargin around it. */
bool pad_box_shows(const PadBox &box, int out_w, int out_h);

/* Whether a box is within the bounds above. */
bool pad_box_fits(const PadBox &box, int out_w, int out_h);

/* Cuts a box to the output and kPadMargin around it: what the compositor shows of a
 * picture of one colour is the same. False when nothing of it is left. */
bool cut_pad_box(PadBox *box, int out_w, int out_h);

/* What the output of a render looks like, for items_shown_at(): frames at fps, width x
 * height pixels, composition pixels x scale, the composition width x height (slides). */
struct FrameGrid {
	int fps_n = 30, fps_d = 1;
	int width = 0, height = 0;
	double scale = 1.0;
	int comp_w = 0, comp_h = 0;
};

/* The items the model shows on output frame k, sorted by id: drawn kinds
 * (item_type_is_visual) on a track that is not hidden, whose span (transitions' lead and
 * tail included) covers frame k by the frame rule (frame_to_ticks()), that are not fully
 * transparent there (evaluate_clip()), and whose box (grown to hold its rotation) meets
 * the output and kPadMargin around it (pad_box_shows()). An item inside a transition
 * window counts on both sides. Hiding by an opaque item above does not count: this is
 * the set of pictures the compositor is given, the oracle the renderer is checked
 * against (docs/cli.md, render --trace-items). */
std::vector<std::string> items_shown_at(const Timeline &timeline, const ClipSpans &spans,
                                        uint64_t k, const FrameGrid &grid);

} /* namespace jtl */
