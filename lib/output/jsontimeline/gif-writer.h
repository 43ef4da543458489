// SPDX-License-Identifier: LGPL-2.1-or-later
// Animated GIF files from BGRx frames: a palette per frame, looping forever (giflib).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <glib.h>
#include <gst/gst.h>

namespace jtl {

/* GIF delays are whole hundredths of a second. A frame's delay is the difference of its
 * end and start times, each rounded to the nearest hundredth, so the total never drifts:
 * at 30 fps the delays go 3, 4, 3, 3, 4, 3, ... (10 hundredths every 3 frames). A frame
 * that would last less than 2 hundredths (browsers show such frames for 10) is dropped and
 * its time given to the frame before: 60 fps becomes 2, 3, 2, 3, ... (2 frames in 5). */
int gif_centiseconds(GstClockTime t);

class GifWriter
{
public:
	GifWriter();
	~GifWriter();
	GifWriter(const GifWriter &) = delete;
	GifWriter &operator=(const GifWriter &) = delete;

	/* Creates path; frames are width x height. Returns false with error set (IO). */
	bool open(const std::string &path, int width, int height, GError **error);
	/* A frame shown from pts (ns, from the first frame's 0): 4 bytes a pixel, B G R x
	 * in memory, rows stride bytes apart. The frames' pts must increase. */
	bool add_frame(const uint8_t *bgrx, int stride, GstClockTime pts, GError **error);
	/* Writes the last frame, lasting until end (ns), and closes the file. */
	bool close(GstClockTime end, GError **error);
	/* Frames written so far (dropped ones not counted). */
	unsigned frames_written() const;

private:
	struct Impl;
	std::unique_ptr<Impl> impl_;
};

} /* namespace jtl */
