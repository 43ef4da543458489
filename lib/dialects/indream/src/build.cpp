// SPDX-License-Identifier: LGPL-2.1-or-later
// Indream editorState v1: the Timeline model of a valid document.
#include "indream.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace jtl {
namespace indream {

namespace {

/* ---- model building (the document is valid when this runs) ---------------------- */

AnimatedNumber animated(JsonObject *o, const char *key, double fallback)
{
	JsonObject *t = as_object(member(o, key));
	if (!t) {
		double v;
		return get_number(o, key, &v) ? AnimatedNumber(v) : AnimatedNumber(fallback);
	}
	std::vector<Keyframe> kfs;
	for_each_element(as_array(member(t, "keyframes")), [&](std::size_t, JsonNode *n) {
		JsonObject *k = as_object(n);
		Ticks time = 0;
		get_ticks(k, "timeTicks", &time);
		kfs.push_back({time, num(k, "value")});
	});
	return AnimatedNumber(num(t, "value", fallback), std::move(kfs));
}

Easing easing(JsonObject *o)
{
	std::string e = str(o, "easing", "linear");
	if (e == "ease-in")
		return Easing::EaseIn;
	if (e == "ease-out")
		return Easing::EaseOut;
	if (e == "ease-in-out")
		return Easing::EaseInOut;
	return Easing::Linear;
}

Params params(JsonObject *o)
{
	Params p;
	for_each_member(as_object(member(o, "params")), [&](const std::string &k, JsonNode *n) {
		double d;
		if (!n || !JSON_NODE_HOLDS_VALUE(n))
			return;
		if (json_node_get_value_type(n) == G_TYPE_STRING)
			p[k] = std::string(json_node_get_string(n));
		else if (json_node_get_value_type(n) == G_TYPE_BOOLEAN)
			p[k] = bool(json_node_get_boolean(n));
		else if (json_node_number(n, &d))
			p[k] = d;
	});
	return p;
}

std::optional<ClipAnimation> clip_animation(JsonObject *o)
{
	if (!o)
		return std::nullopt;
	static const std::map<std::string, ClipAnimationType> types = {
	        {"fade", ClipAnimationType::Fade},
	        {"slide-up", ClipAnimationType::SlideUp},
	        {"slide-down", ClipAnimationType::SlideDown},
	        {"slide-left", ClipAnimationType::SlideLeft},
	        {"slide-right", ClipAnimationType::SlideRight},
	        {"zoom-in", ClipAnimationType::ZoomIn},
	        {"zoom-out", ClipAnimationType::ZoomOut}};
	auto it = types.find(str(o, "type"));
	if (it == types.end())
		return std::nullopt;
	ClipAnimation a;
	a.type = it->second;
	get_ticks(o, "durationTicks", &a.duration);
	a.easing = easing(o);
	Params p = params(o);
	if (p.count("distance"))
		a.distance = param_number(p, "distance", 0.0);
	if (p.count("fromScale"))
		a.from_scale = param_number(p, "fromScale", 1.0);
	a.fade = param_bool(p, "fade", true);
	return a;
}

ClipAnimations clip_animations(JsonObject *item)
{
	JsonObject *a = as_object(member(item, "animations"));
	ClipAnimations out;
	out.in = clip_animation(as_object(member(a, "in")));
	out.out = clip_animation(as_object(member(a, "out")));
	return out;
}

std::optional<CaptionAnimation> caption_animation(JsonObject *o)
{
	if (!o)
		return std::nullopt;
	static const std::map<std::string, CaptionAnimationType> types = {
#define JTL_X(e, name, label) {name, CaptionAnimationType::e},
	        JTL_CAPTION_ANIMATIONS(JTL_X)
#undef JTL_X
	};
	auto it = types.find(str(o, "type"));
	if (it == types.end())
		return std::nullopt;
	CaptionAnimation a;
	a.type = it->second;
	get_ticks(o, "durationTicks", &a.duration);
	a.easing = easing(o);
	a.params = params(o);
	return a;
}

CaptionAnimations caption_animations(JsonObject *item)
{
	JsonObject *a = as_object(member(item, "captionAnimations"));
	CaptionAnimations out;
	out.in = caption_animation(as_object(member(a, "in")));
	out.out = caption_animation(as_object(member(a, "out")));
	out.loop = caption_animation(as_object(member(a, "loop")));
	return out;
}

TextStyle text_style(JsonObject *o)
{
	TextStyle s;
	s.color = str(o, "color", s.color);
	std::string align = str(o, "align", "left");
	s.align = align == "center"  ? TextAlign::Center
	          : align == "right" ? TextAlign::Right
	                             : TextAlign::Left;
	s.font_family = str(o, "fontFamily");
	JsonObject *fs = as_object(member(o, "fontStyle"));
	s.font_style.variant = str(fs, "variant", "normal");
	s.font_style.weight = str(fs, "weight", "400");
	s.font_size = num(o, "fontSize", s.font_size);
	s.line_height = num(o, "lineHeight", s.line_height);
	s.letter_spacing = num(o, "letterSpacing", 0.0);
	s.direction = str(o, "direction") == "rtl" ? TextDirection::Rtl : TextDirection::Ltr;
	s.stroke_width = num(o, "strokeWidth", 0.0);
	s.stroke_color = str(o, "strokeColor", s.stroke_color);
	if (JsonObject *bg = as_object(member(o, "background"))) {
		TextBackground b;
		b.color = str(bg, "color");
		b.horizontal_padding = num(bg, "horizontalPadding");
		b.border_radius = num(bg, "borderRadius");
		s.background = b;
	}
	return s;
}

std::string serialized(JsonNode *n)
{
	if (!n || JSON_NODE_HOLDS_NULL(n))
		return {};
	return json_write(n);
}

ItemType item_type(const std::string &t)
{
	static const std::map<std::string, ItemType> types = {
	        {"image", ItemType::Image},
	        {"video", ItemType::Video},
	        {"gif", ItemType::Gif},
	        {"lottie", ItemType::Lottie},
	        {"audio", ItemType::Audio},
	        {"text", ItemType::Text},
	        {"text-template", ItemType::TextTemplate},
	        {"captions", ItemType::Captions},
	        {"solid", ItemType::Solid},
	        {"illustration", ItemType::Illustration},
	        {"effect", ItemType::Effect},
	        {"filter", ItemType::Filter},
	        {"chart", ItemType::Chart}};
	auto it = types.find(t);
	return it == types.end() ? ItemType::Solid : it->second;
}

ChartData chart(JsonObject *o)
{
	static const std::map<std::string, ChartType> types = {
	        {"line", ChartType::Line},   {"bar", ChartType::Bar},
	        {"area", ChartType::Area},   {"pie", ChartType::Pie},
	        {"radar", ChartType::Radar}, {"scatter", ChartType::Scatter}};
	ChartData c;
	auto it = types.find(str(o, "chartType"));
	c.chart_type = it == types.end() ? ChartType::Bar : it->second;
	c.theme_color = str(o, "themeColor");
	get_ticks(o, "animationDurationTicks", &c.animation_duration);
	c.keep_aspect_ratio = boolean(o, "keepAspectRatio");
	JsonObject *data = as_object(member(o, "data"));
	for_each_element(as_array(member(data, "series")), [&](std::size_t, JsonNode *n) {
		JsonObject *s = as_object(n);
		c.series.push_back({str(s, "key"), str(s, "label")});
	});
	for_each_element(as_array(member(data, "rows")), [&](std::size_t, JsonNode *n) {
		JsonObject *r = as_object(n);
		ChartRow row;
		row.label = str(r, "label");
		/* in document order (undeclared series take colours in that order); a value
		 * that is not a number is kept as NaN, which the chart skips */
		if (JsonObject *values = as_object(member(r, "values"))) {
			JsonObjectIter iter;
			const gchar *k;
			JsonNode *v;
			json_object_iter_init_ordered(&iter, values);
			while (json_object_iter_next_ordered(&iter, &k, &v)) {
				double d = std::numeric_limits<double>::quiet_NaN();
				json_node_number(v, &d);
				row.values.emplace_back(k, d);
			}
		}
		c.rows.push_back(std::move(row));
	});
	for_each_element(as_array(member(data, "slices")), [&](std::size_t, JsonNode *n) {
		JsonObject *s = as_object(n);
		c.slices.push_back({str(s, "label"), num(s, "value")});
	});
	for_each_element(as_array(member(data, "points")), [&](std::size_t, JsonNode *n) {
		JsonObject *p = as_object(n);
		const double nan = std::numeric_limits<double>::quiet_NaN();
		c.points.push_back({str(p, "seriesKey"), num(p, "x", nan), num(p, "y", nan)});
	});
	return c;
}

TemplateNode template_node(JsonObject *o)
{
	TemplateNode n;
	n.kind = str(o, "type") == "image" ? TemplateNode::Kind::Image : TemplateNode::Kind::Text;
	n.id = str(o, "id");
	n.x = num(o, "x");
	n.y = num(o, "y");
	n.width = num(o, "width");
	n.height = num(o, "height");
	n.opacity = num(o, "opacity", 1.0);
	n.image_type = str(o, "imageType");
	n.image_component_id = opt_str(o, "imageComponentId");
	n.image_lottie_json = serialized(member(o, "imageLottieJson"));
	n.text = str(o, "text");
	if (n.kind == TemplateNode::Kind::Text)
		n.style = text_style(o);
	n.animations = clip_animations(o);
	n.caption_animations = caption_animations(o);
	return n;
}

Item build_item(JsonObject *o, const std::string &key, const std::string &path)
{
	Item item;
	item.id = key;
	item.json_path = path;
	std::string type = str(o, "type");
	item.type = item_type(type);
	get_ticks(o, "startTicks", &item.start);
	get_ticks(o, "durationTicks", &item.duration);
	if (has_geometry(type)) {
		Geometry g;
		g.top = animated(o, "top", 0.0);
		g.left = animated(o, "left", 0.0);
		g.width = animated(o, "width", 0.0);
		g.height = animated(o, "height", 0.0);
		g.scale_x = animated(o, "scaleX", 1.0);
		g.scale_y = animated(o, "scaleY", 1.0);
		g.opacity = animated(o, "opacity", 1.0);
		g.rotation = animated(o, "rotation", 0.0);
		g.border_radius = animated(o, "borderRadius", 0.0);
		g.crop_left = animated(o, "cropLeft", 0.0);
		g.crop_top = animated(o, "cropTop", 0.0);
		g.crop_right = animated(o, "cropRight", 0.0);
		g.crop_bottom = animated(o, "cropBottom", 0.0);
		item.geometry = std::move(g);
	}
	item.animations = clip_animations(o);
	item.caption_animations = caption_animations(o);

	switch (item.type) {
	case ItemType::Image:
	case ItemType::Video:
	case ItemType::Gif:
	case ItemType::Lottie:
	case ItemType::Audio: {
		MediaData m;
		m.asset_id = str(o, "assetId");
		m.keep_aspect_ratio = boolean(o, "keepAspectRatio", true);
		for (const char *k : {"videoStartFromInSeconds", "gifStartFromInSeconds",
		                      "lottieStartFromInSeconds", "audioStartFromInSeconds"})
			m.start_from_seconds = std::max(m.start_from_seconds, num(o, k, 0.0));
		m.playback_rate = num(o, "playbackRate", 1.0);
		m.decibel_adjustment = animated(o, "decibelAdjustment", 0.0);
		m.audio_fade_in_seconds = num(o, "audioFadeInDurationInSeconds", 0.0);
		m.audio_fade_out_seconds = num(o, "audioFadeOutDurationInSeconds", 0.0);
		m.sticker_id = opt_str(o, "stickerId");
		double sv;
		if (get_number(o, "stickerVersion", &sv))
			m.sticker_version = int64_t(sv);
		item.data = std::move(m);
		break;
	}
	case ItemType::Text: {
		TextData t;
		t.text = str(o, "text");
		t.style = text_style(o);
		t.resize_on_edit = boolean(o, "resizeOnEdit");
		item.data = std::move(t);
		break;
	}
	case ItemType::TextTemplate: {
		TextTemplateData t;
		t.schema_version = int(num(o, "schemaVersion", 2));
		t.template_id = str(o, "templateId");
		t.template_category = str(o, "templateCategory");
		for_each_element(as_array(member(o, "nodes")), [&](std::size_t, JsonNode *n) {
			t.nodes.push_back(template_node(as_object(n)));
		});
		item.data = std::move(t);
		break;
	}
	case ItemType::Captions: {
		CaptionsData c;
		c.asset_id = str(o, "assetId");
		c.style = text_style(o);
		c.highlight_color = str(o, "highlightColor");
		c.page_duration_ms = num(o, "pageDurationInMilliseconds", 1000.0);
		c.max_lines = int(num(o, "maxLines", 2));
		c.content_start_offset_ms = num(o, "contentStartOffsetMs", 0.0);
		std::string source = str(o, "source", "manual");
		c.source = source == "auto"     ? CaptionSource::Auto
		           : source == "upload" ? CaptionSource::Upload
		                                : CaptionSource::Manual;
		c.caption_group_id = opt_str(o, "captionGroupId");
		item.data = std::move(c);
		break;
	}
	case ItemType::Solid: {
		static const std::map<std::string, Shape> shapes = {{"rectangle", Shape::Rectangle},
		                                                    {"circle", Shape::Circle},
		                                                    {"triangle", Shape::Triangle},
		                                                    {"star", Shape::Star}};
		SolidData s;
		s.color = str(o, "color");
		auto it = shapes.find(str(o, "shape"));
		s.shape = it == shapes.end() ? Shape::Rectangle : it->second;
		s.keep_aspect_ratio = boolean(o, "keepAspectRatio");
		item.data = std::move(s);
		break;
	}
	case ItemType::Illustration:
		item.data = IllustrationData{str(o, "illustrationName"), str(o, "color"),
		                             boolean(o, "keepAspectRatio", true)};
		break;
	case ItemType::Effect:
		item.data = EffectData{str(o, "effectType"), num(o, "intensity", 1.0), params(o)};
		break;
	case ItemType::Filter:
		item.data = FilterData{str(o, "filterType"), num(o, "intensity", 1.0), params(o)};
		break;
	case ItemType::Chart:
		item.data = chart(o);
		break;
	}
	return item;
}

Asset build_asset(JsonObject *o, const std::string &key)
{
	static const std::map<std::string, AssetType> types = {
	        {"image", AssetType::Image},     {"video", AssetType::Video},
	        {"gif", AssetType::Gif},         {"audio", AssetType::Audio},
	        {"caption", AssetType::Caption}, {"lottie", AssetType::Lottie}};
	Asset a;
	a.id = key;
	auto it = types.find(str(o, "type"));
	a.type = it == types.end() ? AssetType::Image : it->second;
	a.filename = str(o, "filename");
	a.size = num(o, "size");
	a.remote_url = opt_str(o, "remoteUrl");
	a.remote_key = opt_str(o, "remoteKey");
	a.mime_type = str(o, "mimeType");
	a.width = num(o, "width");
	a.height = num(o, "height");
	a.duration_seconds = num(o, "durationInSeconds");
	a.has_audio_track = boolean(o, "hasAudioTrack");
	a.loops = str(o, "loopBehavior") == "loop";
	a.resource_type = str(o, "resourceType");
	a.resource_json = serialized(member(o, "resourceJson"));
	a.resource_component_id = opt_str(o, "resourceComponentId");
	a.timing = str(o, "timingGranularity") == "word" ? TimingGranularity::Word
	                                                 : TimingGranularity::Line;
	for_each_element(as_array(member(o, "captions")), [&](std::size_t, JsonNode *n) {
		JsonObject *e = as_object(n);
		CaptionEntry c;
		c.text = str(e, "text");
		c.start_ms = num(e, "startMs");
		c.end_ms = num(e, "endMs");
		double v;
		if (get_number(e, "timestampMs", &v))
			c.timestamp_ms = v;
		if (get_number(e, "confidence", &v))
			c.confidence = v;
		a.captions.push_back(std::move(c));
	});
	return a;
}

} /* namespace */

std::unique_ptr<Timeline> build_timeline(JsonObject *state, JsonObject *request,
                                         const std::string &base)
{
	auto tl = std::make_unique<Timeline>();
	tl->width = int(num(state, "compositionWidth", 1920));
	tl->height = int(num(state, "compositionHeight", 1080));
	tl->output_ratio = str(state, "outputRatio");
	JsonObject *items = as_object(member(state, "items"));
	std::string items_path = json_pointer_append(base, "items");
	for_each_element(as_array(member(state, "tracks")), [&](std::size_t, JsonNode *n) {
		JsonObject *t = as_object(n);
		Track track;
		track.id = str(t, "id");
		track.hidden = boolean(t, "hidden");
		track.muted = boolean(t, "muted");
		for_each_element(as_array(member(t, "items")), [&](std::size_t, JsonNode *in) {
			std::string id = json_node_get_string(in);
			JsonObject *io = as_object(member(items, id.c_str()));
			tl->items.emplace(id,
			                  build_item(io, id, json_pointer_append(items_path, id)));
			track.item_ids.push_back(id);
		});
		std::stable_sort(track.item_ids.begin(), track.item_ids.end(),
		                 [&](const std::string &a, const std::string &b) {
			                 return tl->items[a].start < tl->items[b].start;
		                 });
		tl->tracks.push_back(std::move(track));
	});
	for_each_member(as_object(member(state, "assets")), [&](const std::string &k, JsonNode *n) {
		tl->assets.emplace(k, build_asset(as_object(n), k));
	});
	static const std::map<std::string, TransitionType> ttypes = {
	        {"fade", TransitionType::Fade},
	        {"slide", TransitionType::Slide},
	        {"wipe", TransitionType::Wipe},
	        {"flip", TransitionType::Flip},
	        {"clock-wipe", TransitionType::ClockWipe},
	        {"iris", TransitionType::Iris}};
	for_each_member(as_object(member(state, "transitions")),
	                [&](const std::string &k, JsonNode *n) {
		                JsonObject *o = as_object(n);
		                Transition t;
		                t.id = k;
		                t.track_id = str(o, "trackId");
		                t.from_clip_id = str(o, "fromClipId");
		                t.to_clip_id = str(o, "toClipId");
		                auto it = ttypes.find(str(o, "type"));
		                t.type = it == ttypes.end() ? TransitionType::Fade : it->second;
		                get_ticks(o, "durationTicks", &t.duration);
		                t.easing = easing(o);
		                t.params = params(o);
		                tl->transitions.emplace(k, std::move(t));
	                });
	if (JsonObject *bg = as_object(member(state, "globalBackground"))) {
		std::string type = str(bg, "type", "none");
		GlobalBackground &b = tl->background;
		if (type == "color") {
			b.type = GlobalBackground::Type::Color;
			b.color = str(bg, "color");
			b.gradient = opt_str(bg, "gradient");
		} else if (type == "blur") {
			b.type = GlobalBackground::Type::Blur;
			b.blur_level = int(num(bg, "level"));
		} else if (type == "image") {
			b.type = GlobalBackground::Type::Image;
			b.image_asset_id = opt_str(bg, "imageAssetId");
			b.image_url = str(bg, "imageUrl");
			b.image_source = str(bg, "source");
		}
	}
	if (JsonObject *br = as_object(member(state, "brandRuntime"))) {
		BrandRuntime b;
		b.brand_id = opt_str(br, "brandId");
		b.logo_x = num(br, "logoX");
		b.logo_y = num(br, "logoY");
		for (const auto &target : {std::pair<const char *, std::vector<std::string> *>{
		                                   "managedItemIds", &b.managed_item_ids},
		                           {"managedAssetIds", &b.managed_asset_ids}}) {
			std::vector<std::string> *out = target.second;
			for_each_element(as_array(member(br, target.first)),
			                 [&](std::size_t, JsonNode *n) {
				                 out->push_back(json_node_get_string(n));
			                 });
		}
		b.intro_shift_frames = int64_t(num(br, "introShiftInFrames"));
		b.overlay_track_id = opt_str(br, "overlayTrackId");
		b.underlay_track_id = opt_str(br, "underlayTrackId");
		tl->brand = std::move(b);
	}
	for_each_element(as_array(member(state, "deletedAssets")), [&](std::size_t, JsonNode *n) {
		JsonObject *d = as_object(n);
		tl->deleted_assets.push_back(
		        {str(d, "assetId"), opt_str(d, "remoteUrl"), opt_str(d, "remoteKey"),
		         str(as_object(member(d, "statusAtDeletion")), "type")});
	});
	if (request) {
		OutputSettings &o = tl->output;
		o.fps = int(num(request, "fps", 30));
		o.ratio = str(request, "ratio");
		o.scale = num(request, "scale", 1.0);
		o.format = str(request, "format", "mp4");
		double v;
		if (get_number(request, "compositionWidth", &v))
			o.width = int(v);
		if (get_number(request, "compositionHeight", &v))
			o.height = int(v);
	}
	return tl;
}

} /* namespace indream */
} /* namespace jtl */
