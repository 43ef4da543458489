// SPDX-License-Identifier: LGPL-2.1-or-later
// Terminal input of the live commands: Ctrl-C / SIGTERM and player keys to a LiveControl.
#pragma once

#include <thread>

#include <termios.h>

#include <jsontimeline/live.h>

/* While alive: SIGINT and SIGTERM stop `control` (a clean end instead of a killed
 * process); with keys and a terminal on stdin, the keys of a player are read in raw mode:
 * space pause/resume, left/right arrows seek -/+5 s, q quit. The terminal is restored on
 * destruction. */
class LiveInput
{
public:
	LiveInput(jtl::LiveControl *control, bool keys);
	~LiveInput();
	LiveInput(const LiveInput &) = delete;
	LiveInput &operator=(const LiveInput &) = delete;

	/* whether keys are read (stdin is a terminal) */
	bool keys() const { return raw_; }

private:
	void run();
	void key_bytes(const char *bytes, int n);

	jtl::LiveControl *control_;
	bool raw_ = false;
	struct termios saved_ {
	};
	std::thread thread_;
};
