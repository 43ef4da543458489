// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: pictures and stills: images, illustrations, shapes, charts, drawn once.
#include "jsontimelinesrc/jtltimelinesrc-private.h"

namespace jtlsrc {

/* Draws a visual item once, at its size at the start of the clip, in output pixels (at
 * most max_side a side).
 * Returns false (after posting an error) when the item cannot be drawn; an item kind that
 * is not drawn yet gives an empty raster and a warning. */
bool draw_item(JtlTimelineSrc *self, const jtl::Timeline &tl, const jtl::Item &item, double scale,
               const jtl::AssetPolicy &assets, bool placeholders, jtl::Raster *out,
               long max_side = 8192)
{
	jtl::ItemFrame f = jtl::evaluate_item(item, item.start);
	int w = box_side(f.width, scale, max_side);
	int h = box_side(f.height, scale, max_side);
	if (const jtl::SolidData *solid = item.as<jtl::SolidData>()) {
		std::optional<jtl::Color> color = jtl::parse_color(solid->color);
		if (!color) {
			GST_ELEMENT_ERROR(
			        self, STREAM, FORMAT,
			        ("Item \"%s\" has a colour that cannot be read.", item.id.c_str()),
			        ("%s/color: \"%s\"", item.json_path.c_str(), solid->color.c_str()));
			return false;
		}
		*out = jtl::draw_shape(solid->shape, *color, w, h, f.border_radius * scale);
		return true;
	}
	if (const jtl::TextData *text = item.as<jtl::TextData>()) {
		std::string warning;
		*out = jtl::draw_text(text->text, text->style, w, h, scale, &warning);
		if (!warning.empty())
			GST_ELEMENT_WARNING(self, RESOURCE, NOT_FOUND,
			                    ("Item \"%s\": %s.", item.id.c_str(), warning.c_str()),
			                    ("%s/fontFamily", item.json_path.c_str()));
		return true;
	}
	const jtl::MediaData *media = item.as<jtl::MediaData>();
	if (media && item.type == jtl::ItemType::Image) {
		const jtl::Asset *asset = tl.asset(media->asset_id);
		std::string error;
		bool missing = !asset;
		std::string path =
		        asset ? jtl::resolve_asset_path(*asset, assets, &error, &missing) : "";
		if (path.empty() ||
		    !jtl::draw_image(path, w, h, media->keep_aspect_ratio, f.border_radius * scale,
		                     f.crop_left, f.crop_top, f.crop_right, f.crop_bottom, out,
		                     &error)) {
			if (asset)
				error = jtl::asset_error_text(error, path, *asset);
			JTL_FILE_ERROR(self, missing, READ,
			               ("Item \"%s\": the image asset \"%s\" cannot be used: %s.",
			                item.id.c_str(), media->asset_id.c_str(), error.c_str()),
			               ("%s/assetId", item.json_path.c_str()));
			return false;
		}
		return true;
	}
	if (const jtl::IllustrationData *ill = item.as<jtl::IllustrationData>()) {
		std::string error;
		if (placeholders && jtl::illustration_path(ill->name).empty()) {
			GST_ELEMENT_WARNING(self, RESOURCE, NOT_FOUND,
			                    ("Item \"%s\": unknown illustration \"%s\", drawn as a "
			                     "placeholder.",
			                     item.id.c_str(), ill->name.c_str()),
			                    ("%s/illustrationName", item.json_path.c_str()));
			*out = jtl::draw_illustration_placeholder(ill->color, w, h, scale);
			return true;
		}
		if (!jtl::draw_illustration(ill->name, ill->color, w, h, ill->keep_aspect_ratio,
		                            out, &error)) {
			GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND,
			                  ("Item \"%s\": %s.", item.id.c_str(), error.c_str()),
			                  ("%s/illustrationName", item.json_path.c_str()));
			return false;
		}
		return true;
	}
	GST_WARNING_OBJECT(self, "%s: %s items are not rendered yet", item.json_path.c_str(),
	                   jtl::item_type_name(item.type));
	return true;
}

/* An image whose crop or corners have keyframes: the whole picture, drawn once at its own
 * aspect ratio covering the box, then cropped, fitted, rounded (and turned) frame by frame
 * by jtllayer. */
bool add_shaped_image(LiveBranch *b, const Context &ctx, const jtl::Timeline &tl,
                      const jtl::Item &item, const jtl::MediaData &media, uint64_t k,
                      uint64_t count)
{
	JtlTimelineSrc *self = b->self;
	const jtl::Asset *asset = tl.asset(media.asset_id);
	std::string error;
	bool missing = !asset;
	std::string path =
	        asset ? jtl::resolve_asset_path(*asset, ctx.assets, &error, &missing) : "";
	double iw = 0, ih = 0;
	jtl::Raster raster;
	int fps = ctx.fps;
	plan_shape(b, ctx, item, k, count, [fps](uint64_t j) { return key_time(j, fps); });
	b->keep_aspect_ratio = media.keep_aspect_ratio;
	bool ok = !path.empty() && jtl::image_size(path, &iw, &ih, &error);
	if (ok) {
		if (iw <= 0 || ih <= 0) {
			iw = b->box_w;
			ih = b->box_h;
		}
		double cover = std::max(b->box_w / iw, b->box_h / ih);
		int pw = int(std::clamp(std::ceil(iw * cover), 1.0, 8192.0));
		int ph = int(std::clamp(std::ceil(ih * cover), 1.0, 8192.0));
		ok = jtl::draw_image(path, pw, ph, false, 0, 0, 0, 0, 0, &raster, &error);
	}
	if (!ok) {
		if (asset)
			error = jtl::asset_error_text(error, path, *asset);
		JTL_FILE_ERROR(self, missing, READ,
		               ("Item \"%s\": the image asset \"%s\" cannot be used: %s.",
		                item.id.c_str(), media.asset_id.c_str(), error.c_str()),
		               ("%s/assetId", item.json_path.c_str()));
		return false;
	}
	b->video_sink = add_picture(self, &b->elements, ctx, raster, k, count, b->plan.zorder + 1,
	                            "The item at " + item.json_path,
	                            [b]() { return std::vector<GstElement *>{make_layer(b)}; });
	if (!b->video_sink)
		return false;
	return control_branch_geometry(b, item, ctx, true);
}

/* Builds one drawn item's branch: its picture placed and scaled by its compositor pad,
 * whose geometry and opacity replay the item's keyframes frame by frame. */
bool add_still(LiveBranch *b, const Context &ctx, const jtl::Timeline &tl, const jtl::Item &item)
{
	JtlTimelineSrc *self = b->self;
	if (item.type == jtl::ItemType::Captions)
		return add_captions(b, ctx, tl, item);
	if (item.type == jtl::ItemType::Gif || item.type == jtl::ItemType::Lottie ||
	    item.type == jtl::ItemType::Chart || item.type == jtl::ItemType::TextTemplate)
		return add_animated(b, ctx, tl, item);
	if (const jtl::TextData *text = item.as<jtl::TextData>()) {
		const jtl::CaptionAnimations &a = item.caption_animations;
		if (a.in || a.out || a.loop)
			return add_captions(b, ctx, tl, item);
		return add_text(b, ctx, item, *text);
	}
	uint64_t k, count;
	if (!item_frames(item, ctx, &k, &count))
		return true;
	const jtl::MediaData *media = item.as<jtl::MediaData>();
	if (media && item.type == jtl::ItemType::Image && item.geometry) {
		const jtl::Geometry &g = *item.geometry;
		if (g.crop_left.is_animated() || g.crop_top.is_animated() ||
		    g.crop_right.is_animated() || g.crop_bottom.is_animated() ||
		    g.border_radius.is_animated())
			return add_shaped_image(b, ctx, tl, item, *media, k, count);
	}
	/* one colour all over, unmasked: a few pixels the compositor stretches to the box
	 * (a 100000 px solid is not drawn at 8192 x 8192) */
	long max_side = uniform_box(item, 1.0, 1.0) && !transition_layer(ctx, item) ? 16 : 8192;
	jtl::Raster raster;
	if (!draw_item(self, tl, item, ctx.scale, ctx.assets, ctx.illustration_placeholders,
	               &raster, max_side))
		return false;
	if (raster.data.empty())
		return true;
	if (item.geometry && item.geometry->rotation.is_animated()) {
		/* turning: jtllayer replays the rotation frame by frame on the picture, keyed
		 * at its stream time (0 at the branch's first frame) */
		int fps = ctx.fps;
		plan_shape(
		        b, ctx, item, k, count, [fps](uint64_t j) { return key_time(j, fps); },
		        ShapeMode::RotationOnly);
		b->video_sink =
		        add_picture(self, &b->elements, ctx, raster, k, count, b->plan.zorder + 1,
		                    "The item at " + item.json_path,
		                    [b]() { return std::vector<GstElement *>{make_layer(b)}; });
		if (!b->video_sink)
			return false;
		return control_branch_geometry(b, item, ctx, true);
	}
	/* a fixed rotation: the picture is turned once, on a canvas that holds it, and its box
	 * grows around the centre to match */
	double rotation = item.geometry ? item.geometry->rotation.value : 0.0;
	double grow_x = 1.0, grow_y = 1.0;
	if (rotation != 0.0) {
		jtl::Raster turned = jtl::rotate(raster, rotation);
		grow_x = double(turned.width) / raster.width;
		grow_y = double(turned.height) / raster.height;
		raster = std::move(turned);
	}
	std::function<std::vector<GstElement *>()> make_filters;
	if (transition_layer(ctx, item)) {
		/* a clip of a masking or flipping transition: jtllayer masks or turns it */
		int fps = ctx.fps;
		plan_shape(
		        b, ctx, item, k, count, [fps](uint64_t j) { return key_time(j, fps); },
		        ShapeMode::MaskOnly, raster.width, raster.height);
		make_filters = [b]() { return std::vector<GstElement *>{make_layer(b)}; };
	}
	b->video_sink = add_picture(self, &b->elements, ctx, raster, k, count, b->plan.zorder + 1,
	                            "The item at " + item.json_path, make_filters);
	if (!b->video_sink)
		return false;
	return control_geometry(b->self, b->video_sink, item, ctx, grow_x, grow_y);
}

} /* namespace jtlsrc */
