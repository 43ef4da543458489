// SPDX-License-Identifier: LGPL-2.1-or-later
// Live output of a document: real-time RTMP streaming and on-screen preview.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <glib.h>
#include <gst/gst.h>

#include <jsontimeline/illustrations.h>

namespace jtl {

/* Where a live pipeline gets its pictures and sound: the jsontimelinesrc settings. */
struct TimelineInput {
	std::string input; /* document path */
	std::string json;  /* or the document itself */
	int fps = 0;       /* 0: the document's request, else 30 */
	double scale = 1.0;
	int width = 0, height = 0; /* 0: the composition size */
	std::string cache_dir;     /* remote assets ("" = the user cache) */
	double fetch_timeout = -1; /* seconds per remote asset (< 0: the element's default) */
	/* JSON merge patches applied while playing, one JSON object per line: "-" standard
	 * input, else a file or named pipe; "" none (jtl::PatchFeed). What became of each is
	 * logged; an accepted change survives reconnections. */
	std::string patches;
	/* an illustration name not built in: an error (default) or a placeholder + warning */
	MissingIllustration missing_illustration = MissingIllustration::Error;
};

struct LiveOptions {
	TimelineInput source;
	std::string url; /* rtmp://host[:port]/app/key or rtmps://... */
	/* H.264 (x264, tune zerolatency, no B-frames, a keyframe every 2 s) at a constant
	 * bitrate, and AAC stereo at 48 kHz */
	int video_kbps = 4000;
	int audio_kbps = 128;
	std::string preset = "veryfast"; /* x264 speed preset */
	GstClockTime start = 0;          /* timeline position of the first frame sent */
	bool loop = false;               /* repeat the timeline without a gap, until stopped */
	/* after a dropped connection: wait 1 s, then twice as long after each failed attempt
	 * up to max_backoff; the wait returns to 1 s once a connection has carried
	 * max_backoff of stream. Give up after max_reconnects failed attempts in a row (< 0:
	 * never) */
	int max_reconnects = -1;
	GstClockTime max_backoff = 30 * GST_SECOND;
};

/* What a stream did. */
struct LiveStats {
	unsigned connections = 0;  /* pipelines started (1 + reconnections) */
	unsigned loops = 0;        /* times the timeline started again from 0 */
	guint64 frames = 0;        /* video frames released to the muxer, all connections */
	guint64 dropped = 0;       /* video frames dropped for coming too late (0.5 s) */
	GstClockTime position = 0; /* timeline position reached (end of the last frame) */
};

/* Ends a running stream_live() or preview() from any thread (a signal handler's helper
 * thread, a key press): the stream is ended cleanly (EOS) and the call returns true. */
class LiveControl
{
public:
	LiveControl() = default;
	LiveControl(const LiveControl &) = delete;
	LiveControl &operator=(const LiveControl &) = delete;
	~LiveControl();

	void stop();
	bool stopped() const;

	/* used by the live pipelines */
	void attach(GstBus *bus);
	void detach();
	/* waits up to `ns` unless stop() is called; false when stopped */
	bool wait(GstClockTime ns);
	/* player commands (preview): posted to the running pipeline's bus (kept until there
	 * is one) */
	void post(const char *command, gint64 value = 0);

private:
	mutable std::mutex lock_;
	std::condition_variable cond_;
	bool stopped_ = false;                /* lock_ */
	GstBus *bus_ = nullptr;               /* lock_; a reference */
	std::vector<GstStructure *> pending_; /* lock_: commands posted before a bus */
};

/* Events of a stream, one readable line each (connecting, connection lost, reconnect in
 * N s, loop, ...), for the front end to print. */
using LiveLog = std::function<void(const std::string &line)>;

/* Streams the document to an RTMP server in real time (FLV: H.264 + AAC through
 * rtmp2sink, paced by the pipeline clock). Returns when the timeline has been sent
 * (never with loop, until control->stop()), true then; false with error set when the
 * document fails to render, or the server cannot be reached after max_reconnects
 * attempts. When the server drops the connection, a new one resumes at the timeline
 * position where the old one stopped (timestamps start again at 0 on each new
 * connection, as every new publish does). jsontimelinesrc must be registered. */
bool stream_live(const LiveOptions &options, const LiveLog &log, GError **error,
                 LiveControl *control = nullptr, LiveStats *stats = nullptr);

/* Whether a location is a live destination stream_live() takes (rtmp://, rtmps://). */
bool is_live_url(const std::string &location);

struct PreviewOptions {
	TimelineInput source;
	/* sink descriptions (gst-launch syntax); "" = autovideosink / autoaudiosink. A sink
	 * is made to synchronise to the clock (sync=true) */
	std::string video_sink;
	std::string audio_sink;
	GstClockTime start = 0;
	/* what became of live updates (source.patches), a line each; may be empty */
	std::function<void(const std::string &)> log;
};

/* Where a preview is: position and duration, ns; paused or playing. */
using PreviewStatus = std::function<void(guint64 position, guint64 duration, bool paused)>;

/* Plays the document in real time to the sinks, until its end or control->stop().
 * Commands through control->post(): "toggle-pause"; "seek-by" with a signed offset in
 * ns (clamped to the timeline). status is called a few times a second and after every
 * command. Returns false with error set when the pipeline fails. */
bool preview(const PreviewOptions &options, const PreviewStatus &status, GError **error,
             LiveControl *control = nullptr);

} /* namespace jtl */
