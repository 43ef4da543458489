// SPDX-License-Identifier: LGPL-2.1-or-later
// WebM with an alpha channel: VP8/VP9 with alpha (FFmpeg's libvpx encoders) and Opus.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <glib.h>
#include <gst/gst.h>

namespace jtl {

/* GStreamer 1.22 reads such files (matroskademux + vp8/vp9alphadecodebin) but cannot write
 * them: vp8enc/vp9enc drop alpha and matroskamux writes no BlockAdditions. FFmpeg's
 * libvpx encoders code the alpha plane as a second VP8/VP9 stream that its WebM muxer
 * stores as each frame's BlockAdditional (BlockAddID 1, AlphaMode 1 on the track), the
 * layout browsers play. */
class AlphaWebmWriter
{
public:
	struct Settings {
		std::string codec = "vp9"; /* "vp9" | "vp8" */
		int width = 0, height = 0;
		int fps = 30;
		int quality = 23;  /* the CLI's 0..51; crf = quality + 8 (capped at 63) */
		bool audio = true; /* an Opus track of 48 kHz stereo */
	};

	AlphaWebmWriter();
	~AlphaWebmWriter();
	AlphaWebmWriter(const AlphaWebmWriter &) = delete;
	AlphaWebmWriter &operator=(const AlphaWebmWriter &) = delete;

	/* Creates path. Returns false with error set when an encoder is missing or the file
	 * cannot be created. */
	bool open(const std::string &path, const Settings &settings, GError **error);
	/* Frame number frame: A420 planes (Y, U, V, A) with their strides. */
	bool add_video(const uint8_t *const planes[4], const int strides[4], int64_t frame,
	               GError **error);
	/* Interleaved S16 stereo samples at 48 kHz, following the ones before. */
	bool add_audio(const int16_t *samples, std::size_t frames, GError **error);
	/* Drains the encoders and writes the index. */
	bool finish(GError **error);

private:
	struct Impl;
	std::unique_ptr<Impl> impl_;
};

} /* namespace jtl */
