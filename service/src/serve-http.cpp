// SPDX-License-Identifier: LGPL-2.1-or-later
// The export service's HTTP helpers: JSON text, problems, request bodies, keys and rates.
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

/* ---- JSON text helpers ---- */

std::string jstr(const std::string &s)
{
	std::string out = "\"";
	for (unsigned char c : s) {
		switch (c) {
		case '"':
			out += "\\\"";
			break;
		case '\\':
			out += "\\\\";
			break;
		case '\n':
			out += "\\n";
			break;
		case '\r':
			out += "\\r";
			break;
		case '\t':
			out += "\\t";
			break;
		default:
			if (c < 0x20) {
				char esc[8];
				g_snprintf(esc, sizeof esc, "\\u%04x", c);
				out += esc;
			} else {
				out += char(c);
			}
		}
	}
	return out + "\"";
}

std::string jstr_or_null(const std::string &s)
{
	return s.empty() ? "null" : jstr(s);
}

std::string jnum(double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	g_ascii_formatd(buf, sizeof buf, "%.6g", v);
	return buf;
}

std::string now_rfc3339()
{
	g_autoptr(GDateTime) dt = g_date_time_new_now_utc();
	g_autofree char *base = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
	char ms[8];
	g_snprintf(ms, sizeof ms, ".%03dZ", g_date_time_get_microsecond(dt) / 1000);
	return std::string(base) + ms;
}

/* Bytes compared in a time that depends on the length only. */
bool equal_constant_time(const std::string &a, const std::string &b)
{
	if (a.size() != b.size())
		return false;
	unsigned char diff = 0;
	for (std::size_t i = 0; i < a.size(); i++)
		diff |= static_cast<unsigned char>(a[i] ^ b[i]);
	return diff == 0;
}

std::string hmac_hex(const std::string &secret, const std::string &text)
{
	g_autofree char *hex = g_compute_hmac_for_data(
	        G_CHECKSUM_SHA256, reinterpret_cast<const guchar *>(secret.data()), secret.size(),
	        reinterpret_cast<const guchar *>(text.data()), text.size());
	return hex;
}

/* ---- problems ---- */

/* The `type` and `title` of a problem, as the Indream API writes them (types such as
 * UNPROCESSABLE_CONTENT and RATE_LIMITED, titles in sentence case, after RFC 9110's names),
 * and the reason phrase of the status line. */
const StatusNames &status_names(int status)
{
	static const StatusNames names[] = {
	        {400, "BAD_REQUEST", "Bad request", "Bad Request"},
	        {401, "UNAUTHORIZED", "Unauthorized", "Unauthorized"},
	        {403, "FORBIDDEN", "Forbidden", "Forbidden"},
	        {404, "NOT_FOUND", "Not found", "Not Found"},
	        {405, "METHOD_NOT_ALLOWED", "Method not allowed", "Method Not Allowed"},
	        {409, "CONFLICT", "Conflict", "Conflict"},
	        {410, "GONE", "Gone", "Gone"},
	        {413, "CONTENT_TOO_LARGE", "Content too large", "Content Too Large"},
	        {422, "UNPROCESSABLE_CONTENT", "Unprocessable content", "Unprocessable Content"},
	        {429, "RATE_LIMITED", "Too many requests", "Too Many Requests"},
	        {503, "SERVICE_UNAVAILABLE", "Service unavailable", "Service Unavailable"},
	        {500, "INTERNAL_ERROR", "Internal server error", "Internal Server Error"},
	};
	for (const StatusNames &n : names)
		if (n.status == status)
			return n;
	return names[G_N_ELEMENTS(names) - 1];
}

std::string problem_json(const Problem &p)
{
	const StatusNames &names = status_names(p.status);
	std::string s = "{\"type\":" + jstr(names.type) + ",\"title\":" + jstr(names.title) +
	                ",\"status\":" + std::to_string(p.status) +
	                ",\"detail\":" + jstr(p.detail) + ",\"errorCode\":" + jstr(p.code);
	if (!p.field.empty())
		s += ",\"field\":" + jstr(p.field);
	return s + p.extra + "}";
}

void log_line(const std::string &event, const std::string &fields)
{
	std::string line =
	        "{\"ts\":" + jstr(now_rfc3339()) + ",\"event\":" + jstr(event) + fields + "}\n";
	fputs(line.c_str(), stderr);
	fflush(stderr);
}

/* ---- request helpers ---- */

const char *query_get(const Request &r, const char *name)
{
	return r.query ? static_cast<const char *>(g_hash_table_lookup(r.query, name)) : nullptr;
}

std::string body_of(SoupServerMessage *msg)
{
	SoupMessageBody *body = soup_server_message_get_request_body(msg);
	g_autoptr(GBytes) bytes = soup_message_body_flatten(body);
	gsize len = 0;
	const char *data = static_cast<const char *>(g_bytes_get_data(bytes, &len));
	return std::string(data ? data : "", len);
}

Response json_response(int status, const std::string &body)
{
	Response r;
	r.status = status;
	r.body = body;
	return r;
}

Response problem(int status, const std::string &code, const std::string &detail,
                 const std::string &field, const std::string &extra)
{
	Problem p{status, code, detail, field, extra};
	Response r = json_response(status, problem_json(p));
	r.content_type = "application/problem+json";
	return r;
}

const ApiKey *authenticate(Server *s, SoupServerMessage *msg)
{
	const char *given = soup_message_headers_get_one(
	        soup_server_message_get_request_headers(msg), "x-api-key");
	if (!given)
		return nullptr;
	std::string hash = sha256_hex(given);
	const ApiKey *found = nullptr;
	for (const ApiKey &k : s->opt.keys) /* every key compared: no early exit */
		if (equal_constant_time(k.hash, hash))
			found = &k;
	return found;
}

/* Takes a token of id's bucket (limit a minute, bursts of up to limit); 0 when there was
 * one, else the seconds to wait. Buckets that refilled are forgotten now and then. */
int take_token(Buckets &buckets, const std::string &id, int limit)
{
	if (limit <= 0)
		return 0;
	gint64 now = g_get_monotonic_time();
	double per_us = double(limit) / 60e6;
	if (buckets.size() > 4096) {
		for (auto it = buckets.begin(); it != buckets.end();)
			it = it->second.first + double(now - it->second.second) * per_us >= limit
			             ? buckets.erase(it)
			             : std::next(it);
	}
	auto it = buckets.find(id);
	if (it == buckets.end())
		it = buckets.emplace(id, std::make_pair(double(limit), now)).first;
	auto &[tokens, last] = it->second;
	tokens = std::min(double(limit), tokens + double(now - last) * per_us);
	last = now;
	if (tokens >= 1.0) {
		tokens -= 1.0;
		return 0;
	}
	return std::max(1, int(std::ceil((1.0 - tokens) / per_us / 1e6)));
}

int rate_limited(Server *s, const std::string &key_id)
{
	return take_token(s->buckets, key_id, s->opt.rate_limit_per_minute);
}

bool sync_rate_limited(Server *s, const std::string &project_id, Response *out)
{
	int wait = take_token(s->sync_buckets, project_id, s->opt.sync_rate_limit_per_minute);
	if (!wait)
		return false;
	*out = problem(429, "OPEN_API_PROJECT_SYNC_RATE_LIMITED",
	               "more than " + std::to_string(s->opt.sync_rate_limit_per_minute) +
	                       " syncs a minute of this project; sync less often");
	out->headers.emplace_back("Retry-After", std::to_string(wait));
	return true;
}

/* Parses a JSON request body; on failure *out holds the problem to answer. */
JsonNodePtr parse_body(Server *s, const std::string &body, Response *out, Diagnostics *found)
{
	return parse_body(s->opt.max_body_bytes, body, out, found);
}

JsonNodePtr parse_body(std::size_t max_bytes, const std::string &body, Response *out,
                       Diagnostics *found)
{
	if (body.size() > max_bytes) {
		*out = problem(413, "OPEN_API_PAYLOAD_TOO_LARGE",
		               "the request body is larger than " + std::to_string(max_bytes) +
		                       " bytes");
		return nullptr;
	}
	Diagnostics diags;
	JsonLimits limits;
	limits.max_bytes = max_bytes;
	JsonNodePtr root = parse_json(body, limits, diags);
	if (found)
		found->append(diags);
	if (!root) {
		std::string detail = "the request body is not JSON";
		if (!diags.errors().empty())
			detail += ": " + diags.errors()[0].message;
		*out = problem(400, "OPEN_API_INVALID_JSON", detail);
		return nullptr;
	}
	if (!JSON_NODE_HOLDS_OBJECT(root.get())) {
		*out = problem(400, "OPEN_API_INVALID_REQUEST",
		               "the request body must be a JSON object");
		return nullptr;
	}
	return root;
}

std::string errors_json(const Diagnostics &d)
{
	std::string s = "[";
	std::size_t n = 0;
	for (const Diagnostic &e : d.errors()) {
		if (n == kMaxErrorsListed)
			break;
		if (n++)
			s += ",";
		s += "{\"code\":" + jstr(e.code) + ",\"path\":" + jstr(e.path) +
		     ",\"message\":" + jstr(e.message) + "}";
	}
	return s + "]";
}

} /* namespace serve_detail */
} /* namespace jtl */
