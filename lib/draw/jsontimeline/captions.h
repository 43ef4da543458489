// SPDX-License-Identifier: LGPL-2.1-or-later
// Timed captions: SRT/WebVTT cues, words, pages, the highlighted word and caption animations.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <jsontimeline/draw.h>
#include <jsontimeline/model.h>

namespace jtl {

/* Reads SubRip (.srt) or WebVTT (.vtt, "WEBVTT" first line) text into caption entries
 * (times in ms; cue settings, identifiers, NOTE/STYLE blocks and tags such as <i> are
 * dropped; lines of one cue are joined by a space). Returns false with *error naming the
 * line for a cue whose timing cannot be read. */
bool parse_subtitles(const std::string &text, std::vector<CaptionEntry> *entries,
                     std::string *error);

/* Caption entries as a JSON array [{"text", "startMs", "endMs"}, ...] and back (how
 * jsontimelinesrc hands an asset's entries to captionrender). parse: false with *error
 * naming the index of an entry that is not an object with a string text and numbers. */
std::string caption_entries_json(const std::vector<CaptionEntry> &entries);
bool parse_caption_entries_json(const std::string &json, std::vector<CaptionEntry> *entries,
                                std::string *error);

/* A word of a caption page: its bytes in the page text and when it is spoken. */
struct CaptionWord {
	std::string text;
	double start_ms = 0, end_ms = 0;
	std::size_t cue = 0; /* the entry it comes from */
	std::size_t byte = 0, length = 0;
};

/* What is on screen together: words joined by spaces, shown over [start_ms, end_ms). */
struct CaptionPage {
	std::string text;
	std::vector<CaptionWord> words;
	double start_ms = 0, end_ms = 0;
};

/* The words of caption entries: with word timing each entry is a word (blanks trimmed);
 * with line timing an entry's words share its time in proportion to their length. */
std::vector<CaptionWord> caption_words(const std::vector<CaptionEntry> &entries,
                                       TimingGranularity timing);

/* Words grouped into pages, in order: a page takes words while it lasts at most
 * page_duration_ms (from its first word's start to the last one's end) and its text wraps
 * into at most max_lines lines (lines(text) says how many); with line timing a page never
 * spans two entries. A page shows from its first word's start to the next page's start
 * when that comes within kCaptionHoldMs of its last word's end, else to that end. */
std::vector<CaptionPage> paginate_captions(const std::vector<CaptionWord> &words,
                                           TimingGranularity timing, double page_duration_ms,
                                           int max_lines,
                                           const std::function<int(const std::string &)> &lines);
constexpr double kCaptionHoldMs = 500.0;

/* The page shown at caption time t_ms, or -1. */
int caption_page_at(const std::vector<CaptionPage> &pages, double t_ms);

/* A caption (or text) animated in a frame: the page's words, the highlighted word's
 * colour and the in/out/loop animations. Times in ms of caption time. */
struct CaptionLook {
	std::string highlight_color; /* "" = none */
	bool highlight = true;       /* word timing: the spoken word is highlighted */
	CaptionAnimations animations;
	int fps = 30; /* jitter changes once per frame */
};

/* The frame of a page at caption time t_ms: glyph looks and the curtain window.
 * in runs over [page start, + in duration), out over [page end - out duration, page
 * end), loop repeats every loop duration (1 s when 0) over the whole page. */
TextFrame caption_frame(const CaptionPage &page, double t_ms, const CaptionLook &look);

/* Whether an animation of the page is running at t_ms (when not, the frame only changes
 * with the highlighted word). */
bool caption_animating(const CaptionPage &page, double t_ms, const CaptionLook &look);

/* The index of the highlighted word of the page at t_ms, or -1. */
int caption_highlight(const CaptionPage &page, double t_ms, const CaptionLook &look);

/* How far the pages of a caption (or a text with caption animations: one page) reach past
 * their w x h box, pixels on each side, with the style's sizes at scale, the animations'
 * moves included (converge from the sides, lay-down from above, elastic-pop, jitter);
 * lines_overflow when a page's lines overflow the box. */
TextOverflow caption_overflow(const std::vector<CaptionPage> &pages,
                              const CaptionAnimations &animations, const TextStyle &style, double w,
                              double h, double scale);

/* A caption animation name ("typewriter", ...) read back; false when unknown. */
bool parse_caption_animation(const std::string &name, CaptionAnimationType *type);

} /* namespace jtl */
