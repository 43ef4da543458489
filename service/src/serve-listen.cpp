// SPDX-License-Identifier: LGPL-2.1-or-later
// The service's listening socket: a connection cap, header and idle timeouts, accepting on
// after EMFILE, and answers that close a connection without reading the request body.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <string>

#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve-internal.h"

namespace jtl {
namespace serve_detail {

namespace {

/* An accepted connection until libsoup lets go of it. */
struct Conn {
	Listener *l = nullptr;
	GSocketConnection *conn = nullptr; /* weak: its finalisation ends the Conn */
	GSocketAddress *remote = nullptr;  /* a reference; carries the Conn as qdata */
	guint header_timer = 0;
};

GQuark conn_quark()
{
	static GQuark q = g_quark_from_static_string("jtl-serve-conn");
	return q;
}

} /* namespace */

struct Listener {
	std::set<Conn *> conns;
	std::set<void *> lingers; /* Linger: connections answered early, closing */
	SoupServer *soup = nullptr;
	GSocket *socket = nullptr;
	GSource *source = nullptr;
	guint retry_id = 0;  /* accepting again after a failure */
	int reserve_fd = -1; /* an fd given up to shed a connection at EMFILE */
	ListenOptions opt;
	std::size_t open = 0; /* accepted connections not yet closed */
	gint64 last_warning_us = 0;
};

namespace {

void conn_gone(gpointer data, GObject *)
{
	Conn *c = static_cast<Conn *>(data);
	if (c->header_timer)
		g_source_remove(c->header_timer);
	g_object_set_qdata(G_OBJECT(c->remote), conn_quark(), nullptr);
	g_object_unref(c->remote);
	c->l->open--;
	c->l->conns.erase(c);
	delete c;
}

/* No complete request head within the header timeout: the connection is shut down (libsoup
 * then reads its end and closes it). */
gboolean on_header_timeout(gpointer data)
{
	Conn *c = static_cast<Conn *>(data);
	c->header_timer = 0;
	g_socket_shutdown(g_socket_connection_get_socket(c->conn), TRUE, TRUE, nullptr);
	return G_SOURCE_REMOVE;
}

void warn_limited(Listener *l, const char *what, const char *why)
{
	gint64 now = g_get_monotonic_time();
	if (now - l->last_warning_us < G_USEC_PER_SEC)
		return;
	l->last_warning_us = now;
	log_line("accept", std::string(",\"refused\":") + jstr(what) + ",\"why\":" + jstr(why) +
	                           ",\"open\":" + std::to_string(l->open));
}

/* The bytes of a whole response that closes its connection. */
std::string raw_response(const Response &out)
{
	std::string head = "HTTP/1.1 " + std::to_string(out.status) + " " +
	                   status_names(out.status).reason + "\r\nServer: jsontimeline\r\n" +
	                   "Content-Type: " + out.content_type + "\r\n";
	for (const auto &[k, v] : out.headers)
		head += k + ": " + v + "\r\n";
	return head + "Content-Length: " + std::to_string(out.body.size()) +
	       "\r\nConnection: close\r\n\r\n" + out.body;
}

/* A connection over the cap: 503 written at once (it fits the empty send buffer), what the
 * client sent already dropped, closed. */
void refuse_socket(GSocket *sock, int cap)
{
	Response out = problem(503, "OPEN_API_TOO_MANY_CONNECTIONS",
	                       "the service has its maximum of " + std::to_string(cap) +
	                               " connections open; retry shortly");
	out.headers.emplace_back("Retry-After", "1");
	std::string bytes = raw_response(out);
	g_socket_set_blocking(sock, FALSE);
	g_socket_send(sock, bytes.data(), bytes.size(), nullptr, nullptr);
	g_socket_shutdown(sock, FALSE, TRUE, nullptr);
	char drop[4096];
	for (int i = 0; i < 16; i++)
		if (g_socket_receive(sock, drop, sizeof drop, nullptr, nullptr) <= 0)
			break;
	g_socket_close(sock, nullptr);
}

void start_accepting(Listener *l);

gboolean on_retry(gpointer data)
{
	Listener *l = static_cast<Listener *>(data);
	l->retry_id = 0;
	start_accepting(l);
	return G_SOURCE_REMOVE;
}

/* Out of file descriptors: the reserve one is given up to accept and refuse the waiting
 * connection (the listen queue would otherwise stay full), then taken back. When even that
 * fails, accepting pauses for 100 ms: the listener never gives up for good. */
bool shed_one(Listener *l)
{
	if (l->reserve_fd < 0)
		return false;
	close(l->reserve_fd);
	l->reserve_fd = -1;
	GSocket *sock = g_socket_accept(l->socket, nullptr, nullptr);
	if (sock) {
		refuse_socket(sock, l->opt.max_connections);
		g_object_unref(sock);
	}
	l->reserve_fd = g_open("/dev/null", O_RDONLY | O_CLOEXEC, 0);
	return sock != nullptr;
}

gboolean on_incoming(GSocket *, GIOCondition, gpointer data)
{
	Listener *l = static_cast<Listener *>(data);
	for (int i = 0; i < 64; i++) { /* then the other sources get their turn */
		g_autoptr(GError) error = nullptr;
		GSocket *sock = g_socket_accept(l->socket, nullptr, &error);
		if (!sock) {
			if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
				return G_SOURCE_CONTINUE;
			warn_limited(l, "connection", error->message);
			if ((g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES) ||
			     g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE)) &&
			    shed_one(l))
				continue;
			/* pause, then accept again */
			g_source_destroy(l->source);
			g_clear_pointer(&l->source, g_source_unref);
			l->retry_id = g_timeout_add(100, on_retry, l);
			return G_SOURCE_REMOVE;
		}
		if (l->open >= std::size_t(l->opt.max_connections)) {
			warn_limited(l, "connection", "the connection cap is reached");
			refuse_socket(sock, l->opt.max_connections);
			g_object_unref(sock);
			continue;
		}
		/* a connection silent this long (no byte read or written while libsoup waits for
		 * one) fails its I/O: libsoup closes it */
		g_socket_set_timeout(sock, guint(l->opt.idle_timeout_seconds));
		g_autoptr(GSocketAddress) local = g_socket_get_local_address(sock, nullptr);
		GSocketAddress *remote = g_socket_get_remote_address(sock, nullptr);
		GSocketConnection *conn = g_socket_connection_factory_create_connection(sock);
		g_object_unref(sock);
		if (!local || !remote) {
			g_clear_object(&remote);
			g_io_stream_close(G_IO_STREAM(conn), nullptr, nullptr);
			g_object_unref(conn);
			continue;
		}
		auto *c = new Conn;
		c->l = l;
		c->conn = conn;
		c->remote = remote;
		l->open++;
		l->conns.insert(c);
		g_object_set_qdata(G_OBJECT(remote), conn_quark(), c);
		g_object_weak_ref(G_OBJECT(conn), conn_gone, c);
		c->header_timer = g_timeout_add_seconds(guint(l->opt.header_timeout_seconds),
		                                        on_header_timeout, c);
		soup_server_accept_iostream(l->soup, G_IO_STREAM(conn), local, remote, nullptr);
		g_object_unref(conn); /* libsoup holds it now */
	}
	return G_SOURCE_CONTINUE;
}

void start_accepting(Listener *l)
{
	if (!l->socket || l->source)
		return;
	l->source = g_socket_create_source(l->socket, G_IO_IN, nullptr);
	g_source_set_callback(l->source, G_SOURCE_FUNC(on_incoming), l, nullptr);
	g_source_attach(l->source, nullptr);
}

Conn *conn_of(SoupServerMessage *msg)
{
	GSocketAddress *remote = soup_server_message_get_remote_address(msg);
	return remote ? static_cast<Conn *>(g_object_get_qdata(G_OBJECT(remote), conn_quark()))
	              : nullptr;
}

/* After an early answer: the client may still be sending its body (most clients read the
 * answer only once they have sent it). It is read and dropped for a moment, up to a budget,
 * so that closing does not reset the connection before the client has read the answer;
 * then the connection is closed. */
constexpr guint kLingerMs = 5000;

struct Linger {
	Listener *l = nullptr;
	GIOStream *stolen = nullptr; /* what libsoup gave up */
	GSocketConnection *conn = nullptr;
	GCancellable *cancel = g_cancellable_new();
	guint timer = 0;
	gsize dropped = 0, budget = 0;
	std::string bytes;
	char buf[16384];
	~Linger()
	{
		l->lingers.erase(this);
		if (timer)
			g_source_remove(timer);
		g_io_stream_close(G_IO_STREAM(conn), nullptr, nullptr);
		g_object_unref(conn);
		g_object_unref(stolen);
		g_object_unref(cancel);
	}
};

void linger_read(GObject *source, GAsyncResult *res, gpointer data)
{
	Linger *g = static_cast<Linger *>(data);
	gssize n = g_input_stream_read_finish(G_INPUT_STREAM(source), res, nullptr);
	if (n <= 0 || (g->dropped += gsize(n)) > g->budget) {
		delete g;
		return;
	}
	g_input_stream_read_async(g_io_stream_get_input_stream(G_IO_STREAM(g->conn)), g->buf,
	                          sizeof g->buf, G_PRIORITY_DEFAULT, g->cancel, linger_read, g);
}

void answer_written(GObject *source, GAsyncResult *res, gpointer data)
{
	Linger *g = static_cast<Linger *>(data);
	if (!g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), res, nullptr, nullptr)) {
		delete g;
		return;
	}
	g_socket_shutdown(g_socket_connection_get_socket(g->conn), FALSE, TRUE, nullptr);
	g->timer = g_timeout_add(
	        kLingerMs,
	        [](gpointer d) {
		        Linger *lg = static_cast<Linger *>(d);
		        lg->timer = 0;
		        g_cancellable_cancel(lg->cancel);
		        return G_SOURCE_REMOVE;
	        },
	        g);
	g_input_stream_read_async(g_io_stream_get_input_stream(G_IO_STREAM(g->conn)), g->buf,
	                          sizeof g->buf, G_PRIORITY_DEFAULT, g->cancel, linger_read, g);
}

} /* namespace */

Listener *listener_new(SoupServer *soup, GSocketAddress *address, const ListenOptions &options,
                       std::string *url, std::string *error)
{
	g_autoptr(GError) err = nullptr;
	GSocket *sock = g_socket_new(g_socket_address_get_family(address), G_SOCKET_TYPE_STREAM,
	                             G_SOCKET_PROTOCOL_TCP, &err);
	if (sock)
		g_socket_set_listen_backlog(sock, 511);
	if (!sock || !g_socket_bind(sock, address, TRUE, &err) || !g_socket_listen(sock, &err)) {
		*error = err ? err->message : "cannot listen";
		g_clear_object(&sock);
		return nullptr;
	}
	g_socket_set_blocking(sock, FALSE);
	auto *l = new Listener;
	l->soup = soup;
	l->socket = sock;
	l->opt = options;
	if (l->opt.max_connections <= 0) {
		/* half the open-file limit (the rest for renders, uploads, the databases), at
		 * most 1024 */
		struct rlimit lim;
		rlim_t files = getrlimit(RLIMIT_NOFILE, &lim) == 0 ? lim.rlim_cur : 1024;
		l->opt.max_connections = int(std::clamp<rlim_t>(files / 2, 8, 1024));
	}
	l->reserve_fd = g_open("/dev/null", O_RDONLY | O_CLOEXEC, 0);
	g_autoptr(GSocketAddress) bound = g_socket_get_local_address(sock, nullptr);
	GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS(bound);
	g_autofree char *host = g_inet_address_to_string(g_inet_socket_address_get_address(inet));
	std::string h = g_socket_address_get_family(bound) == G_SOCKET_FAMILY_IPV6
	                        ? "[" + std::string(host) + "]"
	                        : std::string(host);
	*url = "http://" + h + ":" + std::to_string(g_inet_socket_address_get_port(inet));
	start_accepting(l);
	return l;
}

int listener_max_connections(const Listener *l)
{
	return l->opt.max_connections;
}

std::size_t listener_open_connections(const Listener *l)
{
	return l->open;
}

void listener_stop(Listener *l)
{
	if (l->source) {
		g_source_destroy(l->source);
		g_clear_pointer(&l->source, g_source_unref);
	}
	if (l->retry_id)
		g_source_remove(l->retry_id);
	l->retry_id = 0;
	if (l->socket) {
		g_socket_close(l->socket, nullptr);
		g_clear_object(&l->socket);
	}
}

void listener_free(Listener *l)
{
	listener_stop(l);
	while (!l->lingers.empty())
		delete static_cast<Linger *>(*l->lingers.begin());
	for (Conn *c : l->conns) {
		g_object_weak_unref(G_OBJECT(c->conn), conn_gone, c);
		if (c->header_timer)
			g_source_remove(c->header_timer);
		g_object_set_qdata(G_OBJECT(c->remote), conn_quark(), nullptr);
		g_object_unref(c->remote);
		delete c;
	}
	if (l->reserve_fd >= 0)
		close(l->reserve_fd);
	delete l; /* connections still open end without it: they no longer count */
}

void listener_got_headers(SoupServerMessage *msg)
{
	if (Conn *c = conn_of(msg)) {
		if (c->header_timer)
			g_source_remove(c->header_timer);
		c->header_timer = 0;
	}
}

bool answer_and_close(SoupServerMessage *msg, const Response &out, std::size_t linger_bytes)
{
	Conn *c = conn_of(msg);
	if (!c)
		return false;
	GSocketConnection *conn = G_SOCKET_CONNECTION(g_object_ref(c->conn));
	GIOStream *stolen = soup_server_message_steal_connection(msg);
	if (!stolen) {
		g_object_unref(conn);
		return false;
	}
	auto *g = new Linger;
	g->l = c->l;
	c->l->lingers.insert(g);
	g->stolen = stolen;
	g->conn = conn;
	g->bytes = raw_response(out);
	g->budget = linger_bytes;
	g_output_stream_write_all_async(g_io_stream_get_output_stream(G_IO_STREAM(conn)),
	                                g->bytes.data(), g->bytes.size(), G_PRIORITY_DEFAULT,
	                                nullptr, answer_written, g);
	return true;
}

} /* namespace serve_detail */
} /* namespace jtl */
