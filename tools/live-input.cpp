// SPDX-License-Identifier: LGPL-2.1-or-later
// Terminal input of the live commands: Ctrl-C / SIGTERM and player keys to a LiveControl.
#include "live-input.h"

#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace {

/* the self-pipe: the signal handler writes 's', the destructor 'x' */
int wake[2] = {-1, -1};
struct sigaction old_int, old_term;

void on_signal(int)
{
	char c = 's';
	ssize_t r = write(wake[1], &c, 1);
	(void)r;
}

} /* namespace */

LiveInput::LiveInput(jtl::LiveControl *control, bool keys) : control_(control)
{
	if (pipe(wake) != 0)
		return;
	fcntl(wake[1], F_SETFL, O_NONBLOCK);
	struct sigaction sa {
	};
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (keys && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_) == 0) {
		struct termios raw = saved_;
		/* no line buffering, no echo; Ctrl-C still sends SIGINT */
		raw.c_lflag &= ~(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		raw_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	}
	thread_ = std::thread([this] { run(); });
}

LiveInput::~LiveInput()
{
	if (thread_.joinable()) {
		char c = 'x';
		ssize_t r = write(wake[1], &c, 1);
		(void)r;
		thread_.join();
	}
	if (raw_)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
	if (wake[0] >= 0) {
		sigaction(SIGINT, &old_int, nullptr);
		sigaction(SIGTERM, &old_term, nullptr);
		close(wake[0]);
		close(wake[1]);
		wake[0] = wake[1] = -1;
	}
}

void LiveInput::run()
{
	bool keys = raw_;
	for (;;) {
		struct pollfd fds[2] = {{wake[0], POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
		if (poll(fds, keys ? 2 : 1, -1) < 0)
			continue; /* EINTR */
		if (fds[0].revents & POLLIN) {
			char c = 0;
			if (read(wake[0], &c, 1) == 1) {
				if (c == 'x')
					return;
				control_->stop();
			}
		}
		if (keys && (fds[1].revents & (POLLIN | POLLHUP))) {
			char buf[32];
			ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
			if (n <= 0)
				keys = false;
			else
				key_bytes(buf, int(n));
		}
	}
}

void LiveInput::key_bytes(const char *b, int n)
{
	for (int i = 0; i < n; i++) {
		if (b[i] == ' ') {
			control_->post("toggle-pause");
		} else if (b[i] == 'q' || b[i] == 'Q') {
			control_->stop();
		} else if (b[i] == '\x1b' && i + 2 < n && b[i + 1] == '[' &&
		           (b[i + 2] == 'C' || b[i + 2] == 'D')) {
			/* the arrows: ESC [ C (right), ESC [ D (left) */
			control_->post("seek-by", (b[i + 2] == 'C' ? 5 : -5) * gint64(GST_SECOND));
			i += 2;
		}
	}
}
