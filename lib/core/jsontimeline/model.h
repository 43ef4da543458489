// SPDX-License-Identifier: LGPL-2.1-or-later
// The one Timeline model every dialect is translated into and every element renders from.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <jsontimeline/keyframes.h>
#include <jsontimeline/names.h>
#include <jsontimeline/time.h>

namespace jtl {

/* A params value of an animation, effect, filter or transition. */
using Primitive = std::variant<std::string, double, bool>;
using Params = std::map<std::string, Primitive>;

double param_number(const Params &params, const std::string &key, double fallback);
std::string param_string(const Params &params, const std::string &key, const std::string &fallback);
bool param_bool(const Params &params, const std::string &key, bool fallback);

/* ---- assets ---------------------------------------------------------------------- */

enum class AssetType { Image, Video, Gif, Audio, Caption, Lottie };
const char *asset_type_name(AssetType type);

struct CaptionEntry {
	std::string text;
	double start_ms = 0.0;
	double end_ms = 0.0;
	std::optional<double> timestamp_ms;
	std::optional<double> confidence;
};

enum class TimingGranularity { Word, Line };

struct Asset {
	std::string id;
	AssetType type = AssetType::Image;
	std::string filename;
	double size = 0.0;
	std::optional<std::string> remote_url;
	std::optional<std::string> remote_key;
	/* the local copy of an http(s) remoteUrl, set by fetch_remote_assets() (fetch.h);
	 * resolve_asset_path() returns it first when set */
	std::string local_path;
	std::string mime_type;
	/* image, video, gif, lottie */
	double width = 0.0;
	double height = 0.0;
	/* video, gif, audio, lottie */
	double duration_seconds = 0.0;
	/* video */
	bool has_audio_track = false;
	/* gif: "finite" | "loop" */
	bool loops = false;
	/* lottie */
	std::string resource_type; /* "lottie" | "svg" */
	std::string resource_json; /* serialised resourceJson, "" when null */
	std::optional<std::string> resource_component_id;
	/* caption */
	std::vector<CaptionEntry> captions;
	TimingGranularity timing = TimingGranularity::Line;
};

/* ---- items ----------------------------------------------------------------------- */

enum class ItemType {
	Image,
	Video,
	Gif,
	Lottie,
	Audio,
	Text,
	TextTemplate,
	Captions,
	Solid,
	Illustration,
	Effect,
	Filter,
	Chart,
};
const char *item_type_name(ItemType type);
/* Items drawn into the picture (everything but audio, effect and filter). */
bool item_type_is_visual(ItemType type);
/* Items whose media may carry sound (video, audio). */
bool item_type_is_audible(ItemType type);

/* Geometry of visual items, in composition pixels; scale and rotation act around the box
 * centre; rotation in degrees clockwise; opacity 0..1. Crop values are fractions
 * (0..1) of the source cut from each side. */
struct Geometry {
	AnimatedNumber top, left, width, height;
	AnimatedNumber scale_x{1.0}, scale_y{1.0};
	AnimatedNumber opacity{1.0};
	AnimatedNumber rotation{0.0};
	AnimatedNumber border_radius{0.0};
	AnimatedNumber crop_left{0.0}, crop_top{0.0}, crop_right{0.0}, crop_bottom{0.0};
};

struct FontStyle {
	std::string variant = "normal"; /* "normal" | "italic" | ... */
	std::string weight = "400";     /* CSS weight: "100".."900", "bold", ... */
};

struct TextBackground {
	std::string color;
	double horizontal_padding = 0.0;
	double border_radius = 0.0;
};

enum class TextAlign { Left, Center, Right };
enum class TextDirection { Ltr, Rtl };

/* Styling shared by text items, caption items and text template nodes. */
struct TextStyle {
	std::string color = "#ffffff";
	TextAlign align = TextAlign::Left;
	std::string font_family;
	FontStyle font_style;
	double font_size = 16.0;
	double line_height = 1.2; /* multiple of the font size */
	double letter_spacing = 0.0;
	TextDirection direction = TextDirection::Ltr;
	double stroke_width = 0.0;
	std::string stroke_color = "#000000";
	std::optional<TextBackground> background;
};

enum class CaptionAnimationType {
#define JTL_X(e, name, label) e,
	JTL_CAPTION_ANIMATIONS(JTL_X)
#undef JTL_X
};
const char *caption_animation_name(CaptionAnimationType type);

struct CaptionAnimation {
	CaptionAnimationType type = CaptionAnimationType::Typewriter;
	Ticks duration = 0;
	Easing easing = Easing::Linear;
	Params params;
};

struct CaptionAnimations {
	std::optional<CaptionAnimation> in, out, loop;
};

struct MediaData { /* image, video, gif, lottie, audio */
	std::string asset_id;
	bool keep_aspect_ratio = true;
	double start_from_seconds = 0.0; /* videoStartFrom / gifStartFrom / ... */
	double playback_rate = 1.0;
	AnimatedNumber decibel_adjustment{0.0}; /* video, audio */
	double audio_fade_in_seconds = 0.0;
	double audio_fade_out_seconds = 0.0;
	std::optional<std::string> sticker_id; /* image */
	std::optional<int64_t> sticker_version;
};

struct TextData {
	std::string text;
	TextStyle style;
	bool resize_on_edit = false;
};

struct TemplateNode {
	enum class Kind { Image, Text } kind = Kind::Text;
	std::string id;
	double x = 0, y = 0, width = 0, height = 0;
	double opacity = 1.0; /* image nodes */
	/* image nodes */
	std::string image_type; /* "svg" | "lottie" */
	std::optional<std::string> image_component_id;
	std::string image_lottie_json;
	/* text nodes */
	std::string text;
	TextStyle style;
	ClipAnimations animations;
	CaptionAnimations caption_animations;
};

struct TextTemplateData {
	int schema_version = 2;
	std::string template_id;
	std::string template_category;
	std::vector<TemplateNode> nodes;
};

enum class CaptionSource { Manual, Auto, Upload };

struct CaptionsData {
	std::string asset_id;
	TextStyle style;
	std::string highlight_color;
	double page_duration_ms = 1000.0;
	int max_lines = 2;
	double content_start_offset_ms = 0.0;
	CaptionSource source = CaptionSource::Manual;
	std::optional<std::string> caption_group_id;
};

enum class Shape { Rectangle, Circle, Triangle, Star };

struct SolidData {
	std::string color;
	Shape shape = Shape::Rectangle;
	bool keep_aspect_ratio = false;
};

struct IllustrationData {
	std::string name;
	std::string color;
	bool keep_aspect_ratio = true;
};

struct EffectData {
	std::string effect_type; /* flash-to-black | blur | blurred-opening | fade-in | fade-out */
	double intensity = 1.0;
	Params params;
};

struct FilterData {
	std::string filter_type; /* verdant-glow | cyberpunk-neon | ... */
	double intensity = 1.0;
	Params params;
};

enum class ChartType { Line, Bar, Area, Pie, Radar, Scatter };

struct ChartSeries {
	std::string key, label;
};
struct ChartRow {
	std::string label;
	std::vector<std::pair<std::string, double>> values; /* series key -> value, in order */
};
struct ChartSlice {
	std::string label;
	double value = 0.0;
};
struct ChartPoint {
	std::string series_key;
	double x = 0.0, y = 0.0;
};

struct ChartData {
	ChartType chart_type = ChartType::Bar;
	std::string theme_color;
	Ticks animation_duration = 0;
	bool keep_aspect_ratio = false;
	std::vector<ChartSeries> series;
	std::vector<ChartRow> rows;     /* line, bar, area, radar */
	std::vector<ChartSlice> slices; /* pie */
	std::vector<ChartPoint> points; /* scatter */
};

using ItemData = std::variant<std::monostate, MediaData, TextData, TextTemplateData, CaptionsData,
                              SolidData, IllustrationData, EffectData, FilterData, ChartData>;

struct Item {
	std::string id;
	ItemType type = ItemType::Solid;
	Ticks start = 0;                  /* timeline ticks */
	Ticks duration = 0;               /* ticks, >= 1 */
	std::string json_path;            /* JSON pointer of the item in its document, for errors */
	std::optional<Geometry> geometry; /* absent for audio-free effects/filters */
	ClipAnimations animations;
	CaptionAnimations caption_animations;
	ItemData data;

	Ticks end() const { return start + duration; }
	GstClockTime start_ns() const { return ticks_to_ns(start); }
	GstClockTime end_ns() const { return ticks_to_ns(end()); }

	template <typename T>
	T *as()
	{
		return std::get_if<T>(&data);
	}
	template <typename T>
	const T *as() const
	{
		return std::get_if<T>(&data);
	}
};

/* ---- tracks, transitions, document-level settings --------------------------------- */

struct Track {
	std::string id;
	bool hidden = false;
	bool muted = false;
	std::vector<std::string> item_ids; /* sorted by start time */
};

enum class TransitionType { Fade, Slide, Wipe, Flip, ClockWipe, Iris };
const char *transition_type_name(TransitionType type);

struct Transition {
	std::string id;
	std::string track_id;
	std::string from_clip_id;
	std::string to_clip_id;
	TransitionType type = TransitionType::Fade;
	Ticks duration = 0;
	Easing easing = Easing::Linear;
	Params params;
};

struct GlobalBackground {
	enum class Type { None, Color, Blur, Image } type = Type::None;
	std::string color;                         /* Color */
	std::optional<std::string> gradient;       /* Color: a CSS linear-gradient(...) string */
	int blur_level = 0;                        /* Blur: 0..4 */
	std::optional<std::string> image_asset_id; /* Image */
	std::string image_url;
	std::string image_local_path; /* imageUrl's local copy when it is http(s) (fetch.h) */
	std::string image_source;     /* "preset" | "custom" */
};

struct BrandRuntime {
	std::optional<std::string> brand_id;
	double logo_x = 0.0, logo_y = 0.0;
	std::vector<std::string> managed_item_ids;
	std::vector<std::string> managed_asset_ids;
	int64_t intro_shift_frames = 0;
	std::optional<std::string> overlay_track_id;
	std::optional<std::string> underlay_track_id;
};

struct DeletedAsset {
	std::string asset_id;
	std::optional<std::string> remote_url;
	std::optional<std::string> remote_key;
	std::string status; /* pending-upload | in-progress | uploaded | error */
};

/* Output settings: from an export request around the document (fps, ratio, scale,
 * format, compositionWidth/Height overrides) or from the caller. */
struct OutputSettings {
	int fps = 30;
	std::string ratio;  /* "16:9", ..., "custom"; "" = the document's outputRatio */
	double scale = 1.0; /* output size = composition size x scale */
	std::string format = "mp4";
	std::optional<int> width;  /* compositionWidth override */
	std::optional<int> height; /* compositionHeight override */
};

struct Timeline {
	int width = 1920;  /* compositionWidth */
	int height = 1080; /* compositionHeight */
	std::string output_ratio;
	/* tracks[0] is the top layer: earlier tracks render above later ones. */
	std::vector<Track> tracks;
	std::map<std::string, Item> items;
	std::map<std::string, Asset> assets;
	std::map<std::string, Transition> transitions;
	GlobalBackground background;
	std::optional<BrandRuntime> brand;
	std::vector<DeletedAsset> deleted_assets;
	OutputSettings output;

	/* End of the last item, in ticks (0 for an empty timeline). */
	Ticks duration() const;
	GstClockTime duration_ns() const { return ticks_to_ns(duration()); }
	/* The output frame rate: asked when > 0 (a command line's or the element's fps), else
	 * the document's request, else 30. The one place of that rule. */
	int output_fps(int asked = 0) const;

	const Item *item(const std::string &id) const;
	const Asset *asset(const std::string &id) const;
	/* Index of the track holding item id (0 = top), or -1. */
	int track_of(const std::string &item_id) const;
};

} /* namespace jtl */
