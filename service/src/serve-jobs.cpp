// SPDX-License-Identifier: LGPL-2.1-or-later
// The export service's tasks in child processes: `PROGRAM render` per task (its memory
// limit, time limit, stderr tail, re-queue on stop) and `PROGRAM probe` per upload.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <jsontimeline/capabilities.h>
#include <jsontimeline/editorstate.h>
#include <jsontimeline/illustrations.h>
#include <jsontimeline/json.h>
#include <jsontimeline/webhooks.h>

#include "serve-server.h"

namespace jtl {
namespace serve_detail {

/* Once stopping: closes the connections when no upload waits for its probe any more and
 * every answer given later is written (their clients are still to be answered), and quits
 * the loop when no render runs either. */
void quit_when_idle(Server *s)
{
	if (!s->stopping || !s->probes.empty() || !s->probe_queue.empty() || s->pending_answers > 0)
		return;
	if (!s->disconnected) {
		listener_stop(s->listener);
		soup_server_disconnect(s->soup);
		s->disconnected = true;
	}
	if (s->running.empty())
		g_main_loop_quit(s->loop);
}

std::string output_path(Server *s, const StoredTask &t)
{
	return s->opt.data_dir + "/outputs/" + t.id + "." + t.format;
}

std::string job_path(Server *s, const std::string &id)
{
	return s->opt.data_dir + "/jobs/" + id + ".json";
}

/* The directory of a task's uploads, beside its document: its render's --asset-root, so
 * the only local files the render may read are the uploads of the task's own key that
 * its document names (create_export() links them there). */
std::string task_assets_dir(Server *s, const std::string &id)
{
	return s->opt.data_dir + "/jobs/" + id + ".assets";
}

void remove_task_assets(Server *s, const std::string &id)
{
	std::string dir = task_assets_dir(s, id);
	if (GDir *d = g_dir_open(dir.c_str(), 0, nullptr)) {
		while (const char *name = g_dir_read_name(d))
			g_unlink((dir + "/" + name).c_str());
		g_dir_close(d);
	}
	g_rmdir(dir.c_str());
}

/* Links (or copies, across file systems) each upload into the task's directory under its
 * asset id. */
bool link_task_assets(Server *s, const std::string &id, const std::vector<std::string> &uploads)
{
	std::string dir = task_assets_dir(s, id);
	if (g_mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
		return false;
	for (const std::string &asset : uploads) {
		std::string from = asset_path(s, asset), to = dir + "/" + asset;
		if (link(from.c_str(), to.c_str()) == 0 || errno == EEXIST)
			continue;
		g_autoptr(GFile) src = g_file_new_for_path(from.c_str());
		g_autoptr(GFile) dst = g_file_new_for_path(to.c_str());
		if (!g_file_copy(src, dst, G_FILE_COPY_NONE, nullptr, nullptr, nullptr, nullptr))
			return false;
	}
	return true;
}

std::string signed_url(Server *s, const StoredTask &t)
{
	gint64 expires = g_get_real_time() / G_USEC_PER_SEC + s->opt.download_ttl_seconds;
	std::string e = std::to_string(expires);
	return server_origin(s) + "/v1/exports/" + t.id + "/download?expires=" + e +
	       "&signature=" + hmac_hex(s->secret, t.id + "\n" + e);
}

std::string task_json(Server *s, const StoredTask &t)
{
	std::string url;
	if (t.status == "COMPLETED" && g_file_test(output_path(s, t).c_str(), G_FILE_TEST_EXISTS))
		url = signed_url(s, t);
	return "{\"taskId\":" + jstr(t.id) + ",\"projectId\":" + jstr_or_null(t.project_id) +
	       ",\"createdByApiKeyId\":" + jstr(t.key_id) +
	       ",\"clientTaskId\":" + jstr_or_null(t.client_task_id) +
	       ",\"status\":" + jstr(t.status) + ",\"progress\":" + jnum(t.progress) +
	       ",\"error\":" + jstr_or_null(t.error) + ",\"outputUrl\":" + jstr_or_null(url) +
	       ",\"durationSeconds\":" + jnum(t.duration_seconds) +
	       ",\"billedStandardSeconds\":" + std::to_string(int(std::ceil(t.duration_seconds))) +
	       ",\"chargedCredits\":\"0\",\"callbackUrl\":" + jstr_or_null(t.callback_url) +
	       ",\"createdAt\":" + jstr(t.created_at) +
	       ",\"completedAt\":" + jstr_or_null(t.completed_at) + "}";
}

/* Records a transition in the store, logs it and calls the hook. */
/* The webhook secret of a key: its own from the keys file, else one derived from the
 * server's secret and the key's id (shown by `jsontimeline keys`). */
std::string webhook_secret_of(Server *s, const std::string &key_id)
{
	for (const ApiKey &k : s->opt.keys)
		if (k.id == key_id && !k.webhook_secret.empty())
			return k.webhook_secret;
	return derived_webhook_secret(s->secret, key_id);
}

/* Queues a signed callback of a task's transition (durable: delivered, retried, also
 * after a restart, by the WebhookSender). */
void send_webhook(Server *s, const StoredTask &t, const char *event, const std::string &snapshot)
{
	std::map<std::string, std::string> headers;
	if (!t.callback_headers.empty()) {
		g_autoptr(JsonParser) parser = json_parser_new();
		if (json_parser_load_from_data(parser, t.callback_headers.c_str(), -1, nullptr)) {
			JsonNode *root = json_parser_get_root(parser);
			if (root && JSON_NODE_HOLDS_OBJECT(root)) {
				JsonObjectIter it;
				const gchar *name;
				JsonNode *value;
				json_object_iter_init(&it, json_node_get_object(root));
				while (json_object_iter_next(&it, &name, &value))
					if (JSON_NODE_HOLDS_VALUE(value) &&
					    json_node_get_value_type(value) == G_TYPE_STRING)
						headers[name] = json_node_get_string(value);
			}
		}
	}
	g_autoptr(GError) error = nullptr;
	std::string id = s->hooks->enqueue(t.id, event, snapshot, t.callback_url, headers,
	                                   webhook_secret_of(s, t.key_id), &error);
	log_line("webhook", ",\"taskId\":" + jstr(t.id) + ",\"eventType\":" + jstr(event) +
	                            (id.empty() ? ",\"error\":" + jstr(error->message)
	                                        : ",\"eventId\":" + jstr(id)));
}

void transition(Server *s, StoredTask &t, const std::string &status, const std::string &error)
{
	t.status = status;
	t.error = error;
	if (status == "COMPLETED")
		t.progress = 1.0;
	else if (status == "PENDING")
		t.progress = 0.0;
	t.completed_at = status == "COMPLETED" || status == "FAILED" || status == "CANCELED"
	                         ? now_rfc3339()
	                         : "";
	if (!t.completed_at.empty())
		remove_task_assets(s, t.id);
	if (!s->store.set_status(t.id, t.status, t.progress, t.error, t.completed_at))
		g_warning("serve: cannot store the state of task %s", t.id.c_str());
	std::string fields = ",\"taskId\":" + jstr(t.id) + ",\"status\":" + jstr(status) +
	                     ",\"keyId\":" + jstr(t.key_id);
	if (!error.empty())
		fields += ",\"error\":" + jstr(error);
	log_line("task", fields);
	std::string snapshot = task_json(s, t);
	const char *event = status == "PROCESSING"  ? "EXPORT_STARTED"
	                    : status == "COMPLETED" ? "EXPORT_COMPLETED"
	                    : status == "FAILED"    ? "EXPORT_FAILED"
	                                            : nullptr;
	if (event && s->hooks && !t.callback_url.empty())
		send_webhook(s, t, event, snapshot);
	if (s->opt.on_task)
		s->opt.on_task(t, snapshot);
}

void dispatch(Server *s);

void job_finish(Job *job)
{
	Server *s = job->server;
	if (job->timeout_id)
		g_source_remove(job->timeout_id);
	double seconds = double(g_get_monotonic_time() - job->started_us) / G_USEC_PER_SEC;
	s->render_seconds += seconds;
	s->renders++;
	StoredTask &t = job->task;
	std::string final_path = output_path(s, t);
	if (job->canceled) {
		g_unlink(job->tmp_output.c_str());
	} else if (job->stopped) {
		g_unlink(job->tmp_output.c_str());
		transition(s, t, "PENDING", "");
	} else if (job->exit_ok && g_rename(job->tmp_output.c_str(), final_path.c_str()) == 0) {
		/* the render's warnings (a placeholder for an unknown illustration, a font
		 * replaced) into the service's log */
		const std::string warning = "jsontimeline render: warning: ";
		for (const std::string &l : job->tail)
			if (l.compare(0, warning.size(), warning) == 0)
				log_line("warning", ",\"taskId\":" + jstr(t.id) + ",\"message\":" +
				                            jstr(l.substr(warning.size())));
		transition(s, t, "COMPLETED", "");
	} else {
		std::string error;
		if (job->timed_out) {
			error = "the render took longer than its limit of " +
			        std::to_string(int(job->limit_s)) + " s";
		} else {
			/* the child's own messages, without its prefix and warnings */
			const std::string prefix = "jsontimeline render: ";
			for (const std::string &l : job->tail) {
				if (l.compare(0, prefix.size(), prefix) != 0 ||
				    l.compare(prefix.size(), 8, "warning:") == 0)
					continue;
				std::string m = l.substr(prefix.size());
				/* GStreamer's debug text (source file, element path) is not for
				 * clients */
				std::size_t src = m.find(".cpp(");
				std::size_t cut =
				        src == std::string::npos ? src : m.rfind(" (", src);
				if (cut != std::string::npos)
					m.resize(cut);
				if (!error.empty())
					error += "; ";
				error += m;
			}
			for (const std::string &l : job->tail)
				if (l.size() > 2 && l[0] == ' ' && l[1] == ' ')
					error += "; " + l.substr(2);
			if (error.empty())
				error = job->exit_ok ? "the output could not be stored"
				                     : job->exit_text;
		}
		g_unlink(job->tmp_output.c_str());
		transition(s, t, "FAILED", error);
	}
	g_clear_object(&job->err);
	g_clear_object(&job->proc);
	std::string id = t.id;
	s->running.erase(id); /* deletes job */
	if (s->stopping)
		quit_when_idle(s);
	else
		dispatch(s);
}

void job_maybe_finish(Job *job)
{
	if (job->exited && job->eof)
		job_finish(job);
}

void on_stderr_line(GObject *source, GAsyncResult *res, gpointer data)
{
	Job *job = static_cast<Job *>(data);
	gsize len = 0;
	g_autofree char *line = g_data_input_stream_read_line_finish_utf8(
	        G_DATA_INPUT_STREAM(source), res, &len, nullptr);
	if (!line) {
		job->eof = true;
		job_maybe_finish(job);
		return;
	}
	std::string l = line;
	if (!l.empty() && l.back() == '%' && l.size() <= 4) {
		double p = g_ascii_strtod(l.c_str(), nullptr) / 100.0;
		job->task.progress = std::min(0.99, std::max(job->task.progress, p));
		job->server->store.set_progress(job->task.id, job->task.progress);
	} else if (!l.empty()) {
		job->tail.push_back(l);
		if (job->tail.size() > 20)
			job->tail.pop_front();
	}
	g_data_input_stream_read_line_async(job->err, G_PRIORITY_DEFAULT, nullptr, on_stderr_line,
	                                    job);
}

void on_exit(GObject *source, GAsyncResult *res, gpointer data)
{
	Job *job = static_cast<Job *>(data);
	g_subprocess_wait_finish(G_SUBPROCESS(source), res, nullptr);
	job->exited = true;
	if (g_subprocess_get_if_exited(job->proc)) {
		int code = g_subprocess_get_exit_status(job->proc);
		job->exit_ok = code == 0;
		job->exit_text = "the render failed (exit status " + std::to_string(code) + ")";
	} else {
		job->exit_text = "the render crashed (signal " +
		                 std::to_string(g_subprocess_get_term_sig(job->proc)) + ")";
	}
	job_maybe_finish(job);
}

gboolean on_timeout(gpointer data)
{
	Job *job = static_cast<Job *>(data);
	job->timeout_id = 0;
	job->timed_out = true;
	g_subprocess_force_exit(job->proc);
	return G_SOURCE_REMOVE;
}

void child_setup(gpointer data)
{
	/* a render never outlives the server, nor takes more memory than allowed */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	long mib = long(reinterpret_cast<intptr_t>(data));
	if (mib > 0) {
		struct rlimit limit;
		limit.rlim_cur = limit.rlim_max = rlim_t(mib) * 1024 * 1024;
		setrlimit(RLIMIT_AS, &limit);
	}
}

/* A child of the service (a render, a probe): it dies with the service and gets at most
 * the render memory limit. */
GSubprocess *spawn_child(Server *s, const char *const *argv, GSubprocessFlags flags, GError **error)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(flags);
	g_subprocess_launcher_set_child_setup(
	        launcher, child_setup,
	        reinterpret_cast<gpointer>(intptr_t(s->opt.render_memory_mib)), nullptr);
	return g_subprocess_launcher_spawnv(launcher, argv, error);
}

void start_job(Server *s, StoredTask task)
{
	auto job = std::make_unique<Job>();
	job->server = s;
	job->task = std::move(task);
	StoredTask &t = job->task;
	s->store.add_attempt(t.id);
	t.attempts++;
	job->tmp_output = s->opt.data_dir + "/outputs/.tmp/" + t.id + "-" +
	                  std::to_string(t.attempts) + "." + t.format;
	std::string doc = job_path(s, t.id);
	/* a client's document: downloads refuse private addresses (but the operator's
	 * --allow-host), local files only from the task's own uploads */
	std::string assets = task_assets_dir(s, t.id), cache = s->opt.data_dir + "/cache";
	g_mkdir(assets.c_str(), 0700); /* a task stored before uploads were linked: none */
	std::vector<std::string> args = {
	        s->opt.render_program, "render",       doc,    "-o",          job->tmp_output,
	        "--refuse-private",    "--asset-root", assets, "--cache-dir", cache};
	args.push_back("--cache-max-mib");
	args.push_back(std::to_string(s->opt.cache_max_mib));
	for (const std::string &h : s->opt.allow_hosts) {
		args.push_back("--allow-host");
		args.push_back(h);
	}
	if (s->opt.missing_illustration == MissingIllustration::Placeholder)
		args.insert(args.end(), {"--missing-illustration", "placeholder"});
	std::vector<const char *> argv;
	for (const std::string &a : args)
		argv.push_back(a.c_str());
	argv.push_back(nullptr);
	g_autoptr(GError) error = nullptr;
	job->proc = spawn_child(s, argv.data(),
	                        GSubprocessFlags(G_SUBPROCESS_FLAGS_STDERR_PIPE |
	                                         G_SUBPROCESS_FLAGS_STDOUT_SILENCE),
	                        &error);
	transition(s, t, "PROCESSING", "");
	if (!job->proc) {
		transition(s, t, "FAILED",
		           std::string("cannot start the render: ") + error->message);
		return;
	}
	job->started_us = g_get_monotonic_time();
	job->limit_s = std::min(s->opt.render_timeout_max,
	                        s->opt.render_timeout_base +
	                                s->opt.render_timeout_factor * t.duration_seconds);
	job->err = g_data_input_stream_new(g_subprocess_get_stderr_pipe(job->proc));
	Job *j = job.get();
	s->running[t.id] = std::move(job);
	j->timeout_id = g_timeout_add_seconds(guint(std::ceil(j->limit_s)), on_timeout, j);
	g_data_input_stream_read_line_async(j->err, G_PRIORITY_DEFAULT, nullptr, on_stderr_line, j);
	g_subprocess_wait_async(j->proc, nullptr, on_exit, j);
}

int worker_count(const ServeOptions &o)
{
	if (o.workers > 0)
		return o.workers;
	return std::max(1, int(g_get_num_processors()) / 2);
}

void dispatch(Server *s)
{
	while (!s->stopping && !s->opt.queue_only &&
	       int(s->running.size()) < worker_count(s->opt) && !s->queue.empty()) {
		std::string id = s->queue.front();
		s->queue.pop_front();
		StoredTask t;
		if (s->store.get(id, &t) && t.status == "PENDING")
			start_job(s, t);
	}
}

struct Probe {
	Server *s = nullptr;
	GSubprocess *proc = nullptr;
	GCancellable *cancel = g_cancellable_new();
	guint timeout_id = 0;
	std::function<void(std::string)> done;
	~Probe()
	{
		g_clear_object(&proc);
		g_clear_object(&cancel);
	}
};

void start_probe(Server *s, const std::string &file, std::function<void(std::string)> done);

/* Ends a probe now: its process killed, its output (which a child of it could hold open)
 * no longer awaited. */
void stop_probe(Probe *p)
{
	g_subprocess_force_exit(p->proc);
	g_cancellable_cancel(p->cancel);
}

void on_probe_done(GObject *source, GAsyncResult *result, gpointer data)
{
	std::unique_ptr<Probe> p(static_cast<Probe *>(data));
	if (p->timeout_id)
		g_source_remove(p->timeout_id);
	g_autofree char *out = nullptr;
	bool ok = g_subprocess_communicate_utf8_finish(G_SUBPROCESS(source), result, &out, nullptr,
	                                               nullptr) &&
	          g_subprocess_get_if_exited(p->proc) && g_subprocess_get_exit_status(p->proc) == 0;
	Server *s = p->s;
	s->probes.erase(p.get());
	p->done(ok && out ? out : "");
	if (!s->probe_queue.empty()) {
		auto [file, done] = std::move(s->probe_queue.front());
		s->probe_queue.pop_front();
		start_probe(s, file, std::move(done));
	}
	quit_when_idle(s);
}

gboolean on_probe_timeout(gpointer data)
{
	Probe *p = static_cast<Probe *>(data);
	p->timeout_id = 0;
	stop_probe(p);
	return G_SOURCE_REMOVE;
}

void start_probe(Server *s, const std::string &file, std::function<void(std::string)> done)
{
	const char *argv[] = {s->opt.render_program.c_str(), "probe", file.c_str(), nullptr};
	GSubprocess *proc = spawn_child(s, argv,
	                                GSubprocessFlags(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
	                                                 G_SUBPROCESS_FLAGS_STDERR_SILENCE),
	                                nullptr);
	if (!proc) {
		done("");
		return;
	}
	auto *p = new Probe{s, proc};
	p->done = std::move(done);
	s->probes.insert(p);
	p->timeout_id = g_timeout_add_seconds(kProbeSeconds, on_probe_timeout, p);
	g_subprocess_communicate_utf8_async(proc, nullptr, p->cancel, on_probe_done, p);
}

/* At most as many probes at once as renders (at least 2); the others wait their turn. */
void probe_media(Server *s, const std::string &file, std::function<void(std::string)> done)
{
	if (int(s->probes.size()) >= std::max(2, worker_count(s->opt)))
		s->probe_queue.emplace_back(file, std::move(done));
	else
		start_probe(s, file, std::move(done));
}

} /* namespace serve_detail */
} /* namespace jtl */
