// SPDX-License-Identifier: LGPL-2.1-or-later
// Render planning: per-frame item geometry and the schedule of graph branches.
#include <jsontimeline/plan.h>

#include <jsontimeline/color.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <unordered_map>

namespace jtl {

ItemFrame evaluate_item(const Item &item, Ticks t)
{
	ItemFrame f;
	if (!item.geometry || t < item.start || t >= item.end())
		return f;
	const Geometry &g = *item.geometry;
	Ticks local = t - item.start;
	Ticks d = item.duration;
	f.left = g.left.at(local, d);
	f.top = g.top.at(local, d);
	f.width = g.width.at(local, d);
	f.height = g.height.at(local, d);
	f.scale_x = g.scale_x.at(local, d);
	f.scale_y = g.scale_y.at(local, d);
	f.rotation = g.rotation.at(local, d);
	f.opacity = std::clamp(g.opacity.at(local, d), 0.0, 1.0);
	f.border_radius = std::max(0.0, g.border_radius.at(local, d));
	f.crop_left = std::clamp(g.crop_left.at(local, d), 0.0, 1.0);
	f.crop_top = std::clamp(g.crop_top.at(local, d), 0.0, 1.0);
	f.crop_right = std::clamp(g.crop_right.at(local, d), 0.0, 1.0);
	f.crop_bottom = std::clamp(g.crop_bottom.at(local, d), 0.0, 1.0);
	AnimationState a = evaluate_animations(item.animations, local, d, f.width, f.height);
	f.left += a.dx;
	f.top += a.dy;
	f.scale_x *= a.scale;
	f.scale_y *= a.scale;
	f.opacity *= a.opacity;
	f.visible = f.opacity > 0.0 && f.width * f.scale_x != 0.0 && f.height * f.scale_y != 0.0;
	return f;
}

double audio_gain(const Item &item, Ticks t)
{
	const MediaData *m = item.as<MediaData>();
	if (!m || t < item.start || t >= item.end())
		return 0.0;
	Ticks local = t - item.start;
	double gain = std::pow(10.0, m->decibel_adjustment.at(local, item.duration) / 20.0);
	double seconds = double(local) / double(kTicksPerSecond);
	double remaining = double(item.duration - local) / double(kTicksPerSecond);
	if (m->audio_fade_in_seconds > 0 && seconds < m->audio_fade_in_seconds)
		gain *= seconds / m->audio_fade_in_seconds;
	if (m->audio_fade_out_seconds > 0 && remaining < m->audio_fade_out_seconds)
		gain *= remaining / m->audio_fade_out_seconds;
	return gain;
}

double media_time(const Item &item, Ticks t)
{
	const MediaData *m = item.as<MediaData>();
	double rate = m && m->playback_rate > 0 ? m->playback_rate : 1.0;
	double start = m ? m->start_from_seconds : 0.0;
	return start + double(t - item.start) / double(kTicksPerSecond) * rate;
}

double ClipTransition::progress(Ticks t) const
{
	return transition_progress(double(t - window_start), double(window_end - window_start),
	                           easing);
}

double ClipTransition::linear(Ticks t) const
{
	return transition_progress(double(t - window_start), double(window_end - window_start),
	                           Easing::Linear);
}

double incoming_cover(const Timeline &timeline, const Item &a, const Item &b,
                      const OpaqueImage &opaque_image)
{
	ItemFrame fa = evaluate_item(a, a.end() - 1), fb = evaluate_item(b, b.start);
	if (!fa.visible || !fb.visible || fb.border_radius > 0 ||
	    std::fmod(fb.rotation, 360.0) != 0 || fb.crop_left > 0 || fb.crop_top > 0 ||
	    fb.crop_right > 0 || fb.crop_bottom > 0)
		return 0.0;
	double alpha = fb.opacity;
	const double bw = std::abs(fb.width * fb.scale_x), bh = std::abs(fb.height * fb.scale_y);
	if (const SolidData *solid = b.as<SolidData>()) {
		std::optional<Color> c = parse_color(solid->color);
		if (solid->shape != Shape::Rectangle || !c)
			return 0.0;
		alpha *= c->a;
	} else if (const MediaData *media = b.as<MediaData>()) {
		const Asset *asset = timeline.asset(media->asset_id);
		if (b.type == ItemType::Image) {
			auto ends = [&](const char *tail) {
				std::string name = asset ? asset->filename : "";
				std::size_t n = strlen(tail);
				return name.size() >= n &&
				       g_ascii_strcasecmp(name.c_str() + name.size() - n, tail) ==
				               0;
			};
			bool opaque = opaque_image ? opaque_image(b)
			                           : asset && (asset->mime_type == "image/jpeg" ||
			                                       ends(".jpg") || ends(".jpeg"));
			if (!opaque)
				return 0.0;
		} else if (b.type != ItemType::Video) {
			return 0.0;
		}
		/* kept inside the box: margins unless the picture has the box's shape */
		if (media->keep_aspect_ratio && asset && asset->width > 0 && asset->height > 0 &&
		    std::abs(asset->width / asset->height - bw / std::max(bh, 1e-9)) >
		            0.01 * asset->width / asset->height)
			return 0.0;
	} else {
		return 0.0;
	}
	/* a's box, turned, inside b's (half a pixel of slack) */
	const double t = fa.rotation * M_PI / 180.0;
	const double hw = std::abs(fa.width * fa.scale_x) / 2,
	             hh = std::abs(fa.height * fa.scale_y) / 2;
	const double ex = hw * std::abs(std::cos(t)) + hh * std::abs(std::sin(t));
	const double ey = hw * std::abs(std::sin(t)) + hh * std::abs(std::cos(t));
	const double ax = fa.left + fa.width / 2, ay = fa.top + fa.height / 2;
	const double bx = fb.left + fb.width / 2, by = fb.top + fb.height / 2;
	if (ax - ex < bx - bw / 2 - 0.5 || ax + ex > bx + bw / 2 + 0.5 ||
	    ay - ey < by - bh / 2 - 0.5 || ay + ey > by + bh / 2 + 0.5)
		return 0.0;
	return std::clamp(alpha, 0.0, 1.0);
}

ClipSpans plan_transitions(const Timeline &timeline, std::vector<std::string> *warnings,
                           const OpaqueImage &opaque_image)
{
	ClipSpans spans;
	auto warn = [&](const Transition &tr, const std::string &what) {
		if (warnings)
			warnings->push_back("/transitions/" + tr.id + ": " + what +
			                    "; the transition is left out");
	};
	/* item id -> track, built once (Timeline::track_of() scans every track) */
	std::unordered_map<std::string, int> tracks;
	for (std::size_t i = 0; i < timeline.tracks.size(); i++)
		for (const std::string &id : timeline.tracks[i].item_ids)
			tracks.emplace(id, int(i));
	auto track_of = [&](const std::string &id) {
		auto it = tracks.find(id);
		return it == tracks.end() ? -1 : it->second;
	};
	for (const auto &kv : timeline.transitions) {
		const Transition &tr = kv.second;
		const Item *a = timeline.item(tr.from_clip_id);
		const Item *b = timeline.item(tr.to_clip_id);
		if (!a || !b) {
			warn(tr, "its clip \"" + (a ? tr.to_clip_id : tr.from_clip_id) +
			                 "\" does not exist");
			continue;
		}
		int ta = track_of(a->id), tb = track_of(b->id);
		if (ta < 0 || ta != tb ||
		    (!tr.track_id.empty() && timeline.tracks[std::size_t(ta)].id != tr.track_id)) {
			warn(tr, "its clips are not both on track \"" + tr.track_id + "\"");
			continue;
		}
		if (a->end() != b->start) {
			warn(tr,
			     "clip \"" + a->id + "\" does not end where \"" + b->id + "\" starts");
			continue;
		}
		if (spans[a->id].out || spans[b->id].in) {
			warn(tr, "another transition already joins these clips");
			continue;
		}
		Ticks d = std::min({tr.duration, 2 * a->duration, 2 * b->duration});
		if (d < tr.duration && warnings)
			warnings->push_back("/transitions/" + tr.id +
			                    "/durationTicks: longer than twice a clip it joins; "
			                    "shortened to " +
			                    std::to_string(d));
		if (d <= 0)
			continue;
		ClipTransition ct;
		ct.id = tr.id;
		ct.type = tr.type;
		std::string dir = param_string(tr.params, "direction", "from-left");
		ct.direction =
		        parse_transition_direction(dir).value_or(TransitionDirection::FromLeft);
		if (!transition_accepts(ct.type, ct.direction))
			ct.direction = TransitionDirection::FromLeft;
		ct.easing = tr.easing;
		if (ct.type != TransitionType::Slide && ct.type != TransitionType::Flip)
			ct.cover = incoming_cover(timeline, *a, *b, opaque_image);
		ct.window_start = a->end() - d / 2;
		ct.window_end = ct.window_start + d;
		ClipSpan &sa = spans[a->id];
		sa.out = ct;
		sa.tail = ct.window_end - a->end();
		ClipSpan &sb = spans[b->id];
		sb.in = ct;
		sb.lead = b->start - ct.window_start;
	}
	return spans;
}

namespace {

bool masks(TransitionType type)
{
	return type == TransitionType::Wipe || type == TransitionType::ClockWipe ||
	       type == TransitionType::Iris;
}

} /* namespace */

const ClipTransition *clip_mask(const ClipSpan &span, bool *inverted)
{
	*inverted = false;
	if (span.in && masks(span.in->type))
		return &*span.in;
	/* one mask per clip: the clip in the middle of two masks keeps the first */
	if (span.out && masks(span.out->type) && span.out->cover < 1.0) {
		*inverted = true;
		return &*span.out;
	}
	return nullptr;
}

ItemFrame evaluate_clip(const Item &item, const ClipSpan &span, Ticks t, int width, int height)
{
	if (t < item.start - span.lead || t >= item.end() + span.tail || item.duration <= 0)
		return ItemFrame{};
	ItemFrame f = evaluate_item(item, std::clamp(t, item.start, item.end() - 1));
	auto turn = [&](const FlipTurn &ft) {
		(ft.horizontal_axis ? f.turn_x : f.turn_y) = ft.degrees;
	};
	if (span.out && t >= span.out->window_start) {
		const ClipTransition &ct = *span.out;
		double p = ct.progress(t);
		if (ct.type == TransitionType::Slide) {
			SlideOffsets o = slide_offsets(ct.direction, width, height, p);
			f.left += o.a_x;
			f.top += o.a_y;
		} else if (ct.type == TransitionType::Flip) {
			FlipTurn ft = flip_turn(ct.direction, p);
			if (ft.shows_b)
				f.opacity = 0;
			else
				turn(ft);
		} else if (ct.type == TransitionType::Fade) {
			/* under B at p, A at (1 - p) / (1 - p cover) leaves (1 - p) of A */
			f.opacity *= ct.cover >= 1.0 ? 1.0 : (1.0 - p) / (1.0 - p * ct.cover);
		} else {
			bool inverted = false;
			if (clip_mask(span, &inverted) == &ct)
				f.mask = p;
		}
	}
	if (span.in && t < span.in->window_end) {
		const ClipTransition &ct = *span.in;
		double p = ct.progress(t);
		switch (ct.type) {
		case TransitionType::Fade:
			f.opacity *= p;
			break;
		case TransitionType::Slide: {
			SlideOffsets o = slide_offsets(ct.direction, width, height, p);
			f.left += o.b_x;
			f.top += o.b_y;
			break;
		}
		case TransitionType::Flip: {
			FlipTurn ft = flip_turn(ct.direction, p);
			if (!ft.shows_b)
				f.opacity = 0;
			else
				turn(ft);
			break;
		}
		case TransitionType::Wipe:
		case TransitionType::ClockWipe:
		case TransitionType::Iris:
			f.mask = p;
			break;
		}
	}
	f.visible = f.opacity > 0.0 && f.width * f.scale_x != 0.0 && f.height * f.scale_y != 0.0;
	return f;
}

double clip_audio_gain(const Item &item, const ClipSpan &span, Ticks t)
{
	if (t < item.start - span.lead || t >= item.end() + span.tail || item.duration <= 0)
		return 0.0;
	double g = audio_gain(item, std::clamp(t, item.start, item.end() - 1));
	if (span.out && t >= span.out->window_start)
		g *= 1.0 - span.out->linear(t);
	if (span.in && t < span.in->window_end)
		g *= span.in->linear(t);
	return g;
}

namespace {

/* Each clip's place in its chain of transitions (0 for the first, or a clip in none) and
 * the largest place. */
std::map<std::string, unsigned> chain_places(const Timeline &timeline, const ClipSpans *spans,
                                             unsigned *most)
{
	std::map<std::string, std::string> before; /* incoming clip -> outgoing clip */
	if (spans)
		for (const auto &kv : timeline.transitions) {
			auto it = spans->find(kv.second.to_clip_id);
			if (it != spans->end() && it->second.in && it->second.in->id == kv.first)
				before[kv.second.to_clip_id] = kv.second.from_clip_id;
		}
	std::map<std::string, unsigned> places;
	*most = 0;
	for (const auto &kv : before) {
		/* walk back to the chain's start or a clip placed already (time runs forward
		 * along a chain: no cycles), then place the clips walked */
		std::vector<std::string> walked;
		std::string id = kv.first;
		unsigned n = 0;
		for (;;) {
			auto placed = places.find(id);
			if (placed != places.end()) {
				n = placed->second;
				break;
			}
			auto it = before.find(id);
			if (it == before.end())
				break;
			walked.push_back(id);
			id = it->second;
		}
		for (auto w = walked.rbegin(); w != walked.rend(); ++w)
			*most = std::max(*most, places[*w] = ++n);
	}
	return places;
}

unsigned zorder_stride(const Timeline &timeline, unsigned most)
{
	/* tracks of the chains' height; where that would not fit, chains share one zorder */
	uint64_t stride = uint64_t(most) + 1;
	return stride * (timeline.tracks.size() + 1) < uint64_t(G_MAXUINT) ? unsigned(stride) : 1;
}

} /* namespace */

unsigned track_zorder(const Timeline &timeline, const ClipSpans *spans, std::size_t ti)
{
	unsigned most = 0;
	chain_places(timeline, spans, &most);
	return 1 + unsigned(timeline.tracks.size() - 1 - ti) * zorder_stride(timeline, most);
}

std::vector<Branch> plan_branches(const Timeline &timeline, const PlanOptions &options,
                                  const ClipSpans *spans)
{
	std::vector<Branch> out;
	std::size_t n = timeline.tracks.size();
	unsigned most = 0;
	std::map<std::string, unsigned> places = chain_places(timeline, spans, &most);
	const unsigned stride = zorder_stride(timeline, most);
	for (std::size_t ti = 0; ti < n; ti++) {
		const Track &track = timeline.tracks[ti];
		for (const std::string &id : track.item_ids) {
			const Item *item = timeline.item(id);
			if (!item)
				continue;
			Branch b;
			b.item_id = id;
			b.zorder = 1 + unsigned(n - 1 - ti) * stride;
			auto place = places.find(id);
			if (stride > 1 && place != places.end())
				b.zorder += place->second;
			b.video = !track.hidden && item_type_is_visual(item->type);
			b.audio = !track.muted && item_type_is_audible(item->type);
			if (!b.video && !b.audio)
				continue;
			b.start = item->start_ns();
			b.end = item->end_ns();
			if (spans) {
				auto it = spans->find(id);
				if (it != spans->end()) {
					b.start = ticks_to_ns(item->start - it->second.lead);
					b.end = ticks_to_ns(item->end() + it->second.tail);
				}
			}
			b.build_at = b.start > options.lead ? b.start - options.lead : 0;
			b.release_at = b.end + options.linger;
			out.push_back(std::move(b));
		}
	}
	std::stable_sort(out.begin(), out.end(),
	                 [](const Branch &a, const Branch &b) { return a.build_at < b.build_at; });
	return out;
}

std::size_t max_live_branches(const std::vector<Branch> &branches)
{
	/* sweep: +1 at build, -1 at release; a release at the same instant as a build
	 * happens first */
	std::vector<std::pair<GstClockTime, int>> events;
	events.reserve(branches.size() * 2);
	for (const Branch &b : branches) {
		events.emplace_back(b.build_at, +1);
		events.emplace_back(b.release_at, -1);
	}
	std::sort(events.begin(), events.end());
	std::size_t live = 0, most = 0;
	for (const auto &e : events) {
		live = std::size_t(int64_t(live) + e.second);
		most = std::max(most, live);
	}
	return most;
}

bool pad_box_shows(const PadBox &box, int out_w, int out_h)
{
	return box.x < out_w + kPadMargin && box.y < out_h + kPadMargin &&
	       box.x + box.w > -kPadMargin && box.y + box.h > -kPadMargin;
}

bool pad_box_fits(const PadBox &box, int out_w, int out_h)
{
	return std::isfinite(box.x) && std::isfinite(box.y) && box.w >= 1 && box.h >= 1 &&
	       box.w <= kMaxPadSide && box.h <= kMaxPadSide &&
	       box.w * box.h <= kMaxPadOutputs * double(out_w) * double(out_h) &&
	       std::fabs(box.x) <= kMaxPadSide + out_w + kPadMargin &&
	       std::fabs(box.y) <= kMaxPadSide + out_h + kPadMargin;
}

bool cut_pad_box(PadBox *box, int out_w, int out_h)
{
	if (!pad_box_shows(*box, out_w, out_h))
		return false;
	double x0 = std::max(box->x, -kPadMargin), y0 = std::max(box->y, -kPadMargin);
	double x1 = std::min(box->x + box->w, out_w + kPadMargin);
	double y1 = std::min(box->y + box->h, out_h + kPadMargin);
	*box = {std::round(x0), std::round(y0), std::max(1.0, std::round(x1 - x0)),
	        std::max(1.0, std::round(y1 - y0))};
	return true;
}

std::vector<std::string> items_shown_at(const Timeline &timeline, const ClipSpans &spans,
                                        uint64_t k, const FrameGrid &grid)
{
	static const ClipSpan none;
	const Ticks t = frame_to_ticks(k, grid.fps_n, grid.fps_d);
	std::vector<std::string> out;
	for (const Track &track : timeline.tracks) {
		if (track.hidden)
			continue;
		for (const std::string &id : track.item_ids) {
			const Item *item = timeline.item(id);
			if (!item || !item_type_is_visual(item->type))
				continue;
			auto it = spans.find(id);
			const ClipSpan &span = it == spans.end() ? none : it->second;
			ItemFrame f = evaluate_clip(*item, span, t, grid.comp_w, grid.comp_h);
			if (!f.visible)
				continue;
			/* the box scaled around its centre, grown to the bounds of its rotation */
			double bw = f.width * f.scale_x, bh = f.height * f.scale_y;
			double a = f.rotation * G_PI / 180.0;
			double rw = std::fabs(bw * std::cos(a)) + std::fabs(bh * std::sin(a));
			double rh = std::fabs(bw * std::sin(a)) + std::fabs(bh * std::cos(a));
			double left = f.left + (f.width - rw) / 2.0,
			       top = f.top + (f.height - rh) / 2.0;
			PadBox box = {std::round(left * grid.scale), std::round(top * grid.scale),
			              std::max(1.0, std::round(rw * grid.scale)),
			              std::max(1.0, std::round(rh * grid.scale))};
			if (pad_box_shows(box, grid.width, grid.height))
				out.push_back(id);
		}
	}
	std::sort(out.begin(), out.end());
	return out;
}

} /* namespace jtl */
