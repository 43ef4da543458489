// SPDX-License-Identifier: LGPL-2.1-or-later
// Render planning: per-frame item geometry and the schedule of graph branches.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <gst/gst.h>

#include <jsontimeline/model.h>

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
};

/* Evaluates item at timeline tick t (not local time). Items without geometry (audio,
 * effects, filters) are never visible. */
ItemFrame evaluate_item(const Item &item, Ticks t);

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
	/* compositor/audiomixer order: higher draws above; tracks[0] gets the highest */
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

/* The branches of a timeline, sorted by build time. Hidden tracks give no video
 * branch, muted tracks no audio branch; an item with neither gives no branch. */
std::vector<Branch> plan_branches(const Timeline &timeline, const PlanOptions &options = {});

/* The largest number of branches alive (built and not yet released) at any instant. */
std::size_t max_live_branches(const std::vector<Branch> &branches);

} /* namespace jtl */
