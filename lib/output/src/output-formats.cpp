// SPDX-License-Identifier: LGPL-2.1-or-later
// The output formats of render_file(): one line each, naming its sink modules (sink-*.cpp).
#include "output-sink.h"

namespace jtl {

std::unique_ptr<OutputSink> make_encoded_sink();    /* sink-encoded.cpp */
std::unique_ptr<OutputSink> make_webm_alpha_sink(); /* sink-webm-alpha.cpp */
std::unique_ptr<OutputSink> make_gif_sink();        /* sink-gif.cpp */
std::unique_ptr<OutputSink> make_still_sink();      /* sink-still.cpp */
std::unique_ptr<OutputSink> make_audio_sink();      /* sink-audio.cpp */

namespace {

/* name, extension, video, one frame, sink, sink keeping alpha */
const OutputFormat kFormats[] = {
        {"mp4", "mp4", true, false, make_encoded_sink, nullptr},
        {"webm", "webm", true, false, make_encoded_sink, make_webm_alpha_sink},
        {"webm-vp8", "webm", true, false, make_encoded_sink, make_webm_alpha_sink},
        {"gif", "gif", true, false, make_gif_sink, nullptr},
        {"png", "png", true, true, make_still_sink, make_still_sink},
        {"jpeg", "jpg", true, true, make_still_sink, nullptr},
        {"mp3", "mp3", false, false, make_audio_sink, nullptr},
        {"m4a", "m4a", false, false, make_audio_sink, nullptr},
        {"aac", "aac", false, false, make_audio_sink, nullptr},
};

} /* namespace */

const OutputFormat *find_output_format(const std::string &name)
{
	for (const OutputFormat &f : kFormats)
		if (name == f.name || (name == "jpg" && g_str_equal(f.name, "jpeg")))
			return &f;
	return nullptr;
}

const OutputFormat *output_format_for_extension(const char *ext)
{
	if (g_str_equal(ext, "jpeg"))
		return find_output_format("jpeg");
	for (const OutputFormat &f : kFormats)
		if (g_str_equal(ext, f.extension))
			return &f;
	return nullptr;
}

} /* namespace jtl */
