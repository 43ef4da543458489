// SPDX-License-Identifier: LGPL-2.1-or-later
// The export service's server state, shared by its core (serve.cpp), its HTTP helpers
// (serve-http.cpp), its child jobs (serve-jobs.cpp) and the routes of the service itself
// (api-service.cpp). API families reach the server through serve-internal.h's accessors.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include <gio/gio.h>

#include <jsontimeline/webhooks.h>

#include "serve-internal.h"

namespace jtl {
namespace serve_detail {

struct Server;
struct Probe; /* a media probe of an upload (serve-jobs.cpp) */

struct Job {
	Server *server = nullptr;
	StoredTask task;
	GSubprocess *proc = nullptr;
	GDataInputStream *err = nullptr;
	guint timeout_id = 0;
	std::string tmp_output;
	std::deque<std::string> tail; /* the last lines of the child's stderr */
	gint64 started_us = 0;
	double limit_s = 0;
	bool exited = false, eof = false, timed_out = false, stopped = false;
	bool canceled = false; /* by the client: the task is CANCELED already */
	bool exit_ok = false;
	std::string exit_text;
};

struct Server {
	ServeOptions opt;
	RouteTable routes; /* filled by the API families' register_*_routes() */
	TaskStore store;
	std::unique_ptr<WebhookSender> hooks; /* callbackUrl events */
	/* request buckets: tokens left and when last refilled (us), per key and per project */
	Buckets buckets, sync_buckets;
	bool disconnected = false; /* stopping: the listeners and connections closed */
	int pending_answers = 0;   /* Later answers not written yet */
	bool exiting = false;      /* the loop is over: signals of messages change nothing */
	/* media probes of uploads: running, and waiting for a turn */
	std::set<Probe *> probes;
	std::deque<std::pair<std::string, std::function<void(std::string)>>> probe_queue;
	using ProbeQueue = decltype(probe_queue);
	std::string secret;
	std::string base_url;    /* where it listens */
	std::string request_url; /* scheme://host[:port] of the request being answered */
	SoupServer *soup = nullptr;
	Listener *listener = nullptr; /* the listening socket, ours (serve-listen.cpp) */
	GMainLoop *loop = nullptr;
	std::deque<std::string> queue;
	std::map<std::string, std::unique_ptr<Job>> running;
	bool stopping = false;
	int signals = 0;
	/* parses and validations of request bodies, off the main loop: the worker threads, and
	 * how many bodies each key has waiting or in work there */
	GThreadPool *pool = nullptr;
	std::map<std::string, int> off_loop_by_key;
	/* metrics */
	std::map<std::string, guint64> requests; /* "keyId\x1froute\x1fmethod\x1fstatus" */
	double render_seconds = 0;
	guint64 renders = 0;
};

/* serve-http.cpp: seconds before key_id may make one more request (0: now), a token
 * taken when it may. */
int rate_limited(Server *s, const std::string &key_id);

/* serve-jobs.cpp: export tasks and the render children that run them. */
/* Once stopping: closes the connections when no upload waits for its probe any more and
 * every answer given later is written, and quits the loop when no render runs either. */
void quit_when_idle(Server *s);
/* DIR/outputs/ID.FORMAT: a completed task's video. */
std::string output_path(Server *s, const StoredTask &t);
/* DIR/jobs/ID.json: the job file of a task's render. */
std::string job_path(Server *s, const std::string &id);
/* The uploads a task reads, linked under its own folder (false when one cannot be). */
bool link_task_assets(Server *s, const std::string &id, const std::vector<std::string> &uploads);
void remove_task_assets(Server *s, const std::string &id);
/* The ExportTask JSON of t (outputUrl signed when COMPLETED). */
std::string task_json(Server *s, const StoredTask &t);
/* Moves t to status (stored, logged, the hook and the webhook told). */
void transition(Server *s, StoredTask &t, const std::string &status, const std::string &error);
/* Starts queued tasks while workers are free. */
void dispatch(Server *s);
int worker_count(const ServeOptions &o);
/* Stops a running probe (its upload is stored without what it would have found). */
void stop_probe(Probe *p);

} /* namespace serve_detail */
} /* namespace jtl */
