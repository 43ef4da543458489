// SPDX-License-Identifier: LGPL-2.1-or-later
// Internal: the output kinds of render_file(), one sink module per file, and what they share.
#pragma once

#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <jsontimeline/model.h>
#include <jsontimeline/render.h>

namespace jtl {

/* The render's pipeline as a sink module sees it: jsontimelinesrc's video and audio, each
 * behind a queue, to be carried to the file at part. Built on the caller's thread;
 * failed() is called from the appsinks' streaming threads. */
class OutputGraph
{
public:
	OutputGraph(GstBin *bin, const RenderOptions &options, const Timeline &timeline,
	            const char *format, int fps, GError **error)
	        : options(options), timeline(timeline), format(format), fps(fps),
	          part(options.output + ".part"), bin_(bin), error_(error)
	{
	}
	const RenderOptions &options;
	const Timeline &timeline;
	const std::string format; /* the format's name ("mp4", "webm", "png"...) */
	const int fps;
	const std::string part;           /* the file written, renamed when complete */
	GstElement *vqueue = nullptr;     /* the source's video, after its queue */
	GstElement *aqueue = nullptr;     /* the source's audio, after its queue */
	GstClockTime start = 0, stop = 0; /* the range asked of the source (the options') */
	bool linked = true;               /* every link so far succeeded */

	/* A new element of factory in the pipeline; nullptr (and the error set, once) when
	 * GStreamer lacks it. */
	GstElement *make(const char *factory);
	/* e (new, of factory) added to the pipeline; nullptr: as make() */
	GstElement *add(GstElement *e, const char *factory);
	GstElement *capsfilter(const char *caps);
	/* An appsink taking caps, calling callbacks with data; in the pipeline. */
	GstElement *appsink(GstAppSinkCallbacks *callbacks, gpointer data, const char *caps);
	/* Links elements in a row (linked then tells whether all went). */
	void link(std::initializer_list<GstElement *> elements);
	/* Links two pads (request or static, nullptr: failed). */
	void link_pads(GstPad *out, GstPad *in);
	/* last's output to the file at part. */
	void to_file(GstElement *last);
	/* Drops what from carries (a stream the output has no place for). */
	void discard(GstElement *from);
	/* The video converted for the sink: the source asked for raw format (nullptr: its own
	 * choice, opaque I420 where nothing asks for alpha; the source then flattens a none
	 * background itself), flattened over black when format has alpha, the document's
	 * background is none and the output keeps no alpha (RGB outputs ask BGRA: the
	 * compositor's rounding over black differs from the source's by a level or two, so
	 * it stays where it was). Returns the videoconvert. */
	GstElement *converted_video(const char *format);
	bool missing() const { return missing_; }
	/* An error of a writer fed by an appsink (any thread): the first one is kept; false. */
	bool failed(GError *e);
	std::string failure();

private:
	GstBin *bin_;
	GError **error_;
	bool missing_ = false;
	std::mutex lock_; /* guards failure_ */
	std::string failure_;
};

/* Maps a video sample's frame for reading, with its running time (and end); false when it
 * has no time or cannot be mapped. */
bool map_video_sample(GstSample *sample, GstVideoFrame *frame, GstClockTime *t, GstClockTime *end);

/* One output kind: builds its part of the pipeline and completes the file. */
class OutputSink
{
public:
	virtual ~OutputSink() = default;
	/* Links g.vqueue and g.aqueue to the file at g.part (or drops a stream it does not
	 * write); may narrow g.start and g.stop. Errors: g.missing() or !g.linked. */
	virtual void build(OutputGraph &g) = 0;
	/* The source is READY: its frames are width x height (0 x 0 when unknown). False with
	 * error set when the file cannot be started. */
	virtual bool start(OutputGraph &, int /*width*/, int /*height*/, GError ** /*error*/)
	{
		return true;
	}
	/* The pipeline has stopped after its end, without error: the file completed, or false
	 * with error set. */
	virtual bool finish(OutputGraph &, GError ** /*error*/) { return true; }
};

/* A format of render_file(): its names, what it carries and its sink modules. */
struct OutputFormat {
	const char *name;
	const char *extension;
	bool video;     /* frames (else sound alone) */
	bool one_frame; /* a still: a frame time, no range */
	std::unique_ptr<OutputSink> (*make)();
	std::unique_ptr<OutputSink> (*make_alpha)(); /* nullptr: no alpha */
};

/* The table (output-formats.cpp): name ("jpg" for "jpeg" too) to format, or nullptr. */
const OutputFormat *find_output_format(const std::string &name);
/* The format whose extension is ext (lower case), or nullptr. */
const OutputFormat *output_format_for_extension(const char *ext);

} /* namespace jtl */
