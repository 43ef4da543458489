// SPDX-License-Identifier: LGPL-2.1-or-later
// Budgets on what a document, a Lottie or a GIF may make the engine do (docs/limits.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <json-glib/json-glib.h>

namespace jtl {

/* What one editorState document may hold; checked before the schema and the layout, each
 * excess an error naming its JSON pointer and the limit (docs/limits.md, "Documents and
 * items"). The defaults are far above real documents: the examples hold tens of items. */
struct DocumentBudgets {
	std::size_t max_items = 20000;      /* EDITOR_TOO_MANY_ITEMS */
	std::size_t max_assets = 20000;     /* EDITOR_TOO_MANY_ASSETS */
	std::size_t max_tracks = 1000;      /* EDITOR_TOO_MANY_TRACKS */
	std::size_t max_effect_tracks = 32; /* EDITOR_TOO_MANY_EFFECT_TRACKS */
	std::size_t max_keyframes = 100000; /* per animated property; EDITOR_TOO_MANY_KEYFRAMES */
	std::size_t max_total_keyframes = 1000000;  /* per document */
	std::size_t max_text_chars = 20000;         /* a text item or a template's text node */
	std::size_t max_caption_chars = 2000;       /* one caption entry */
	std::size_t max_total_text_chars = 4000000; /* all of them; EDITOR_TEXT_TOO_LONG */
};

/* What a Lottie animation may ask of rlottie, which expands repeaters and precomps into
 * objects when it loads a file: checked on the JSON first (docs/limits.md). */
struct LottieBudgets {
	int max_side = 16384;          /* w, h of the canvas */
	double max_frames = 216000;    /* op - ip: an hour at 60 fps */
	double max_frame_rate = 1000;  /* fr */
	double max_layers = 2000;      /* layers, counted once per precomp instance */
	double max_shapes = 50000;     /* shapes and masks, counted once per repeater copy and
	                                * per precomp instance */
	std::size_t max_assets = 1000; /* precomps and images */
	/* an image asset: its declared w x h and, for a data: URI, the size in its header
	 * (PNG, JPEG, GIF or BMP; rlottie decodes any format stb_image knows, whole) */
	double max_image_pixels = 4096.0 * 4096.0;
	unsigned max_precomp_depth = 16; /* precomps inside precomps */
};

/* Where a Lottie animation asks for more than a budget: a JSON pointer inside the animation
 * ("" = the whole of it) and what is over which limit. */
struct LottieExcess {
	std::string pointer;
	std::string message;
	/* "message (at pointer)", for errors that name no document path */
	std::string text() const;
};

/* Checks a parsed Lottie animation against the budgets without building it: false with
 * *excess set when it asks for more, or is not a Lottie animation (an object with layers
 * and a frame range) at all. */
bool check_lottie_budgets(JsonNode *root, LottieExcess *excess, const LottieBudgets &budgets = {});
/* The same for Lottie JSON text, parsed with the document limits (size, depth) first. */
bool check_lottie_budgets_text(std::string_view json, LottieExcess *excess,
                               const LottieBudgets &budgets = {});

/* Animated GIFs, checked from the file's blocks before any pixel is decoded: the canvas
 * (every frame is composited on a canvas of that size) and the pixels one pass through
 * the frames composites (canvas x frames). A 4096 x 4096 canvas is larger than any output
 * shows of an item; GIFs of the web are a few hundred pixels wide. */
constexpr int64_t kMaxGifCanvasPixels = int64_t(4096) * 4096;
constexpr int64_t kMaxGifDecodedPixels = int64_t(1) << 30;

} /* namespace jtl */
