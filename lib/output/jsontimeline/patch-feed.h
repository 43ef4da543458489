// SPDX-License-Identifier: LGPL-2.1-or-later
// Live updates from outside: JSON merge patches read line by line and applied to a render.
#pragma once

#include <atomic>
#include <string>
#include <thread>

#include <gst/gst.h>

namespace jtl {

/* Reads JSON merge patches, one JSON object per line, from path ("-": standard input; a
 * named pipe is opened again when its writer closes it, so writers may come and go) on
 * a thread of its own, and hands each to src's "apply-patch" (jsontimelinesrc). Blank
 * lines are skipped. The element posts what became of each (jsontimeline-update on the
 * bus). Reading stops at the end of a file or of standard input, or when the feed is
 * stopped or destroyed. */
class PatchFeed
{
public:
	PatchFeed(GstElement *src, const std::string &path);
	~PatchFeed();
	PatchFeed(const PatchFeed &) = delete;
	PatchFeed &operator=(const PatchFeed &) = delete;

	void stop();
	/* Patches handed over so far. */
	unsigned count() const { return count_; }

private:
	void run();

	GstElement *src_;
	std::string path_;
	std::atomic<bool> stop_{false};
	std::atomic<unsigned> count_{0};
	std::thread thread_;
};

} /* namespace jtl */
