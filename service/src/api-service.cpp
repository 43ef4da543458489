// SPDX-License-Identifier: LGPL-2.1-or-later
// The export service's own routes, beside the API families: /healthz, /metrics, /openapi.yaml.
#include <map>
#include <string>

#include <gio/gio.h>

#include "serve-server.h"

namespace jtl {
namespace serve_detail {

namespace {

Response metrics_requests(Server *s, const ApiKey *key, std::string m);

/* GET /metrics: for the operator (key nullptr) the service's counts; for an API key its
 * own tasks and requests only. */
Response route_metrics(Server *s, const ApiKey *key)
{
	std::string m = "# HELP jsontimeline_tasks Export tasks by state.\n"
	                "# TYPE jsontimeline_tasks gauge\n";
	std::map<std::string, int> counts =
	        key ? s->store.count_by_status(key->id) : s->store.count_by_status();
	for (const char *st : {"PENDING", "PROCESSING", "COMPLETED", "FAILED", "CANCELED"})
		m += std::string("jsontimeline_tasks{state=\"") + st + "\"} " +
		     std::to_string(counts[st]) + "\n";
	if (key)
		return metrics_requests(s, key, m);
	m += "# HELP jsontimeline_render_seconds Time spent in renders.\n"
	     "# TYPE jsontimeline_render_seconds summary\n"
	     "jsontimeline_render_seconds_sum " +
	     jnum(s->render_seconds) + "\njsontimeline_render_seconds_count " +
	     std::to_string(s->renders) + "\n";
	m += "# HELP jsontimeline_renders_running Renders running now.\n"
	     "# TYPE jsontimeline_renders_running gauge\njsontimeline_renders_running " +
	     std::to_string(s->running.size()) + "\n";
	m += "# HELP jsontimeline_queue_depth Export tasks waiting for a render worker.\n"
	     "# TYPE jsontimeline_queue_depth gauge\njsontimeline_queue_depth " +
	     std::to_string(s->queue.size()) + "\n";
	m += "# HELP jsontimeline_probes Media probes of uploads, running and waiting.\n"
	     "# TYPE jsontimeline_probes gauge\njsontimeline_probes{state=\"running\"} " +
	     std::to_string(s->probes.size()) + "\njsontimeline_probes{state=\"waiting\"} " +
	     std::to_string(s->probe_queue.size()) + "\n";
	m += "# HELP jsontimeline_connections Connections open, and the most allowed.\n"
	     "# TYPE jsontimeline_connections gauge\njsontimeline_connections{state=\"open\"} " +
	     std::to_string(listener_open_connections(s->listener)) +
	     "\njsontimeline_connections{state=\"max\"} " +
	     std::to_string(listener_max_connections(s->listener)) + "\n";
	return metrics_requests(s, nullptr, m);
}

/* The request counters (all, or one key's) after m. */
Response metrics_requests(Server *s, const ApiKey *key, std::string m)
{
	m += "# HELP jsontimeline_http_requests_total HTTP requests by route and status.\n"
	     "# TYPE jsontimeline_http_requests_total counter\n";
	std::map<std::string, guint64> totals; /* route, method, status: over the keys */
	for (const auto &[k, n] : s->requests) {
		std::size_t cut = k.find('\x1f');
		if (!key || k.compare(0, cut, key->id) == 0)
			totals[k.substr(cut + 1)] += n;
	}
	for (const auto &[k, n] : totals) {
		g_auto(GStrv) f = g_strsplit(k.c_str(), "\x1f", 3);
		m += std::string("jsontimeline_http_requests_total{route=\"") + f[0] +
		     "\",method=\"" + f[1] + "\",status=\"" + f[2] + "\"} " + std::to_string(n) +
		     "\n";
	}
	Response r = json_response(200, m);
	r.content_type = "text/plain; version=0.0.4";
	return r;
}

Response route_openapi()
{
	g_autoptr(GBytes) b = g_resources_lookup_data("/org/jsontimeline/openapi.yaml",
	                                              G_RESOURCE_LOOKUP_FLAGS_NONE, nullptr);
	if (!b)
		return problem(500, "OPEN_API_INTERNAL_ERROR", "the specification is missing");
	gsize len = 0;
	const char *d = static_cast<const char *>(g_bytes_get_data(b, &len));
	Response r = json_response(200, std::string(d, len));
	r.content_type = "application/yaml";
	return r;
}

} /* namespace */

void register_service_routes(RouteTable &t)
{
	t.add({"*", "/healthz", Auth::None,
	       [](Server *, Request &) { return json_response(200, "{\"status\":\"ok\"}"); }});
	t.add({"GET", "/metrics", Auth::Metrics,
	       [](Server *s, Request &r) { return route_metrics(s, r.key); }});
	t.add({"GET", "/openapi.yaml", Auth::Key,
	       [](Server *, Request &) { return route_openapi(); }});
}

} /* namespace serve_detail */
} /* namespace jtl */
