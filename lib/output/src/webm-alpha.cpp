// SPDX-License-Identifier: LGPL-2.1-or-later
// WebM with an alpha channel: VP8/VP9 with alpha (FFmpeg's libvpx encoders) and Opus.
#include <jsontimeline/webm-alpha.h>

#include <algorithm>
#include <cstdarg>
#include <cstring>
#include <mutex>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
}

#include <jsontimeline/diagnostics.h>

namespace jtl {

namespace {

/* FFmpeg's log to GLib's debug log (G_MESSAGES_DEBUG=jsontimeline shows it), never to
 * the terminal */
void log_to_glib(void *, int level, const char *format, va_list args)
{
	if (level > AV_LOG_WARNING)
		return;
	g_autofree gchar *text = g_strdup_vprintf(format, args);
	g_debug("FFmpeg: %s", g_strstrip(text));
}

std::string av_error_text(int code)
{
	char text[AV_ERROR_MAX_STRING_SIZE] = {};
	av_strerror(code, text, sizeof text);
	return text;
}

} /* namespace */

struct AlphaWebmWriter::Impl {
	std::mutex lock; /* the video and audio streaming threads both write */
	std::string path;
	AVFormatContext *fmt = nullptr;
	AVCodecContext *venc = nullptr, *aenc = nullptr;
	AVStream *vs = nullptr, *as = nullptr;
	AVFrame *vframe = nullptr, *aframe = nullptr;
	AVPacket *packet = nullptr;
	std::vector<int16_t> samples; /* audio not yet a whole encoder frame */
	int64_t audio_pts = 0;
	bool header = false;

	~Impl()
	{
		av_frame_free(&vframe);
		av_frame_free(&aframe);
		av_packet_free(&packet);
		avcodec_free_context(&venc);
		avcodec_free_context(&aenc);
		if (fmt) {
			if (fmt->pb)
				avio_closep(&fmt->pb);
			avformat_free_context(fmt);
		}
	}

	bool fail(const std::string &what, int code, GError **error)
	{
		g_set_error(error, JTL_ERROR, JTL_ERROR_FAILED, "WebM with alpha (%s): %s%s%s",
		            path.c_str(), what.c_str(), code ? ": " : "",
		            code ? av_error_text(code).c_str() : "");
		return false;
	}

	/* Sends frame (nullptr: drain) and writes the packets that come out. */
	bool encode(AVCodecContext *enc, AVStream *st, AVFrame *frame, GError **error)
	{
		int r = avcodec_send_frame(enc, frame);
		if (r < 0)
			return fail("encoding failed", r, error);
		for (;;) {
			r = avcodec_receive_packet(enc, packet);
			if (r == AVERROR(EAGAIN) || r == AVERROR_EOF)
				return true;
			if (r < 0)
				return fail("encoding failed", r, error);
			av_packet_rescale_ts(packet, enc->time_base, st->time_base);
			packet->stream_index = st->index;
			r = av_interleaved_write_frame(fmt, packet);
			if (r < 0)
				return fail("cannot write a packet", r, error);
		}
	}

	bool encode_audio(int count, GError **error)
	{
		if (av_frame_make_writable(aframe) < 0)
			return fail("out of memory", 0, error);
		aframe->nb_samples = count;
		std::memcpy(aframe->data[0], samples.data(), std::size_t(count) * 4);
		aframe->pts = audio_pts;
		audio_pts += count;
		samples.erase(samples.begin(), samples.begin() + std::ptrdiff_t(count) * 2);
		return encode(aenc, as, aframe, error);
	}
};

AlphaWebmWriter::AlphaWebmWriter() : impl_(new Impl)
{
}

AlphaWebmWriter::~AlphaWebmWriter() = default;

bool AlphaWebmWriter::open(const std::string &path, const Settings &s, GError **error)
{
	static std::once_flag log_once;
	std::call_once(log_once, [] { av_log_set_callback(log_to_glib); });
	Impl &p = *impl_;
	p.path = path;
	const char *vname = s.codec == "vp8" ? "libvpx" : "libvpx-vp9";
	const AVCodec *vc = avcodec_find_encoder_by_name(vname);
	const AVCodec *ac = s.audio ? avcodec_find_encoder_by_name("libopus") : nullptr;
	if (!vc || (s.audio && !ac))
		return p.fail(std::string("FFmpeg's ") + (vc ? "libopus" : vname) +
		                      " encoder is missing (libavcodec built without it)",
		              0, error);
	int r = avformat_alloc_output_context2(&p.fmt, nullptr, "webm", path.c_str());
	if (r < 0 || !p.fmt)
		return p.fail("no WebM muxer", r, error);
	p.packet = av_packet_alloc();

	p.venc = avcodec_alloc_context3(vc);
	p.venc->width = s.width;
	p.venc->height = s.height;
	p.venc->pix_fmt = AV_PIX_FMT_YUVA420P;
	p.venc->time_base = AVRational{1, s.fps};
	p.venc->framerate = AVRational{s.fps, 1};
	p.venc->gop_size = 250;
	/* constant quality; VP8 takes crf as a floor under a bit rate: a generous one */
	p.venc->bit_rate = s.codec == "vp8" ? 20000000 : 0;
	if (p.fmt->oformat->flags & AVFMT_GLOBALHEADER)
		p.venc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	AVDictionary *opts = nullptr;
	av_dict_set_int(&opts, "crf", std::min(63, s.quality + 8), 0);
	av_dict_set(&opts, "deadline", "realtime", 0);
	av_dict_set(&opts, "cpu-used", "8", 0);
	av_dict_set(&opts, "lag-in-frames", "0", 0);
	av_dict_set(&opts, "auto-alt-ref", "0", 0); /* VP8 codes no alpha with it */
	if (s.codec != "vp8")
		av_dict_set(&opts, "row-mt", "1", 0);
	r = avcodec_open2(p.venc, vc, &opts);
	av_dict_free(&opts);
	if (r < 0)
		return p.fail(std::string("cannot start ") + vname, r, error);
	p.vs = avformat_new_stream(p.fmt, nullptr);
	avcodec_parameters_from_context(p.vs->codecpar, p.venc);
	p.vs->time_base = p.venc->time_base;
	av_dict_set(&p.vs->metadata, "alpha_mode", "1", 0);
	p.vframe = av_frame_alloc();
	p.vframe->format = AV_PIX_FMT_YUVA420P;
	p.vframe->width = s.width;
	p.vframe->height = s.height;
	if (av_frame_get_buffer(p.vframe, 0) < 0)
		return p.fail("out of memory", 0, error);

	if (s.audio) {
		p.aenc = avcodec_alloc_context3(ac);
		p.aenc->sample_rate = 48000;
		p.aenc->sample_fmt = AV_SAMPLE_FMT_S16;
		av_channel_layout_default(&p.aenc->ch_layout, 2);
		p.aenc->bit_rate = 128000;
		p.aenc->time_base = AVRational{1, 48000};
		if (p.fmt->oformat->flags & AVFMT_GLOBALHEADER)
			p.aenc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
		r = avcodec_open2(p.aenc, ac, nullptr);
		if (r < 0)
			return p.fail("cannot start libopus", r, error);
		p.as = avformat_new_stream(p.fmt, nullptr);
		avcodec_parameters_from_context(p.as->codecpar, p.aenc);
		p.as->time_base = p.aenc->time_base;
		p.aframe = av_frame_alloc();
		p.aframe->format = AV_SAMPLE_FMT_S16;
		p.aframe->sample_rate = 48000;
		av_channel_layout_copy(&p.aframe->ch_layout, &p.aenc->ch_layout);
		p.aframe->nb_samples = p.aenc->frame_size > 0 ? p.aenc->frame_size : 960;
		if (av_frame_get_buffer(p.aframe, 0) < 0)
			return p.fail("out of memory", 0, error);
	}

	r = avio_open(&p.fmt->pb, path.c_str(), AVIO_FLAG_WRITE);
	if (r < 0) {
		g_set_error(error, JTL_ERROR, JTL_ERROR_IO, "cannot create %s: %s", path.c_str(),
		            av_error_text(r).c_str());
		return false;
	}
	r = avformat_write_header(p.fmt, nullptr);
	if (r < 0)
		return p.fail("cannot write the header", r, error);
	p.header = true;
	return true;
}

bool AlphaWebmWriter::add_video(const uint8_t *const planes[4], const int strides[4], int64_t frame,
                                GError **error)
{
	Impl &p = *impl_;
	std::lock_guard<std::mutex> guard(p.lock);
	if (!p.header)
		return p.fail("the writer is not open", 0, error);
	if (av_frame_make_writable(p.vframe) < 0)
		return p.fail("out of memory", 0, error);
	for (int i = 0; i < 4; i++) {
		bool chroma = i == 1 || i == 2;
		int w = chroma ? (p.vframe->width + 1) / 2 : p.vframe->width;
		int h = chroma ? (p.vframe->height + 1) / 2 : p.vframe->height;
		for (int y = 0; y < h; y++)
			std::memcpy(p.vframe->data[i] + std::ptrdiff_t(y) * p.vframe->linesize[i],
			            planes[i] + std::ptrdiff_t(y) * strides[i], std::size_t(w));
	}
	p.vframe->pts = frame;
	return p.encode(p.venc, p.vs, p.vframe, error);
}

bool AlphaWebmWriter::add_audio(const int16_t *samples, std::size_t frames, GError **error)
{
	Impl &p = *impl_;
	std::lock_guard<std::mutex> guard(p.lock);
	if (!p.header || !p.aenc)
		return p.fail("the writer has no audio", 0, error);
	p.samples.insert(p.samples.end(), samples, samples + frames * 2);
	while (p.samples.size() >= std::size_t(p.aframe->nb_samples) * 2) {
		if (!p.encode_audio(p.aframe->nb_samples, error))
			return false;
	}
	return true;
}

bool AlphaWebmWriter::finish(GError **error)
{
	Impl &p = *impl_;
	std::lock_guard<std::mutex> guard(p.lock);
	if (!p.header)
		return p.fail("the writer is not open", 0, error);
	if (p.aenc && !p.samples.empty()) {
		/* the last, shorter frame (libopus takes one; padded with silence otherwise) */
		if (!(p.aenc->codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME))
			p.samples.resize(std::size_t(p.aframe->nb_samples) * 2, 0);
		if (!p.encode_audio(int(p.samples.size() / 2), error))
			return false;
	}
	if (!p.encode(p.venc, p.vs, nullptr, error) ||
	    (p.aenc && !p.encode(p.aenc, p.as, nullptr, error)))
		return false;
	int r = av_write_trailer(p.fmt);
	p.header = false;
	if (r < 0)
		return p.fail("cannot write the index", r, error);
	r = avio_closep(&p.fmt->pb);
	if (r < 0)
		return p.fail("cannot close the file", r, error);
	return true;
}

} /* namespace jtl */
