// SPDX-License-Identifier: LGPL-2.1-or-later
// Live updates from outside: JSON merge patches read line by line and applied to a render.
#include <jsontimeline/patch-feed.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace jtl {

PatchFeed::PatchFeed(GstElement *src, const std::string &path)
        : src_(GST_ELEMENT(gst_object_ref(src))), path_(path)
{
	thread_ = std::thread([this] { run(); });
}

PatchFeed::~PatchFeed()
{
	stop();
	gst_object_unref(src_);
}

void PatchFeed::stop()
{
	stop_ = true;
	if (thread_.joinable())
		thread_.join();
}

void PatchFeed::run()
{
	bool stdin_ = path_ == "-";
	struct stat sb = {};
	bool fifo = !stdin_ && stat(path_.c_str(), &sb) == 0 && S_ISFIFO(sb.st_mode);
	std::string line;
	while (!stop_) {
		/* a named pipe opened without blocking: O_RDWR keeps it from reporting EOF while
		 * no writer is connected */
		int fd = stdin_ ? STDIN_FILENO
		                : open(path_.c_str(), (fifo ? O_RDWR : O_RDONLY) | O_NONBLOCK);
		if (fd < 0) {
			GST_WARNING_OBJECT(src_, "cannot read patches from %s: %s", path_.c_str(),
			                   strerror(errno));
			return;
		}
		bool ended = false;
		while (!stop_ && !ended) {
			struct pollfd p = {fd, POLLIN, 0};
			int r = poll(&p, 1, 100);
			if (r <= 0)
				continue;
			char buf[4096];
			ssize_t n = read(fd, buf, sizeof buf);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0) {
				ended = true;
				break;
			}
			line.append(buf, std::size_t(n));
			std::size_t nl;
			while ((nl = line.find('\n')) != std::string::npos) {
				std::string one = line.substr(0, nl);
				line.erase(0, nl + 1);
				if (one.find_first_not_of(" \t\r") == std::string::npos)
					continue;
				gboolean ok = FALSE;
				g_signal_emit_by_name(src_, "apply-patch", one.c_str(), &ok);
				count_++;
			}
		}
		if (ended && !fifo && line.find_first_not_of(" \t\r") != std::string::npos) {
			/* a last line without a newline */
			gboolean ok = FALSE;
			g_signal_emit_by_name(src_, "apply-patch", line.c_str(), &ok);
			count_++;
			line.clear();
		}
		if (!stdin_)
			close(fd);
		if (!fifo)
			return;
	}
}

} /* namespace jtl */
