// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the export service's route table (how an API family's routes are found) and of
// its public functions' errors (GError in JTL_ERROR, decision 38).
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <glib.h>

#include <jsontimeline/diagnostics.h>
#include <jsontimeline/serve-store.h>
#include <jsontimeline/serve.h>
#include <src/serve-internal.h>

using jtl::serve_detail::Auth;
using jtl::serve_detail::Request;
using jtl::serve_detail::Response;
using jtl::serve_detail::RouteMatch;
using jtl::serve_detail::RouteTable;
using jtl::serve_detail::Server;

namespace {

Response answer(Server *, Request &)
{
	return Response();
}

RouteTable family()
{
	RouteTable t;
	t.add({"GET", "/v1/things", Auth::Key, answer});
	t.add({"POST", "/v1/things", Auth::Key, answer});
	t.add({"GET", "/v1/things/{thingId}", Auth::Key, answer});
	t.add({"GET", "/v1/things/{thingId}/file", Auth::Signed, answer, "use GET"});
	t.add({"*", "/v1/things/{thingId}/parts/{partId}", Auth::Key, answer});
	return t;
}

void test_find()
{
	RouteTable t = family();
	std::map<std::string, std::string> params;
	RouteMatch m = t.find("/v1/things", "POST", &params);
	g_assert_nonnull(m.route);
	g_assert_cmpstr(m.route->method.c_str(), ==, "POST");
	g_assert_true(params.empty());

	m = t.find("/v1/things/abc/parts/7", "DELETE", &params);
	g_assert_nonnull(m.route);
	g_assert_cmpstr(m.path->pattern.c_str(), ==, "/v1/things/{thingId}/parts/{partId}");
	g_assert_cmpstr(params["thingId"].c_str(), ==, "abc");
	g_assert_cmpstr(params["partId"].c_str(), ==, "7");

	/* the path is known, the method not: a 405 with the pattern's detail */
	m = t.find("/v1/things/abc/file", "PUT", &params);
	g_assert_nonnull(m.path);
	g_assert_null(m.route);
	g_assert_true(m.path->auth == Auth::Signed);
	g_assert_cmpstr(m.path->wrong_method.c_str(), ==, "use GET");

	/* a {name} is one non-empty segment; other paths are not found */
	for (const char *path : {"/v1/things/", "/v1/things//file", "/v1/things/a/b", "/v1/thing",
	                         "/v1/things/abc/file/", "v1/things", ""})
		g_assert_null(t.find(path, "GET", &params).path);
}

void test_errors()
{
	g_autofree char *dir = g_dir_make_tmp("jtl-routes-XXXXXX", nullptr);
	std::string keys_file = std::string(dir) + "/keys";
	std::vector<jtl::ApiKey> keys;
	g_autoptr(GError) error = nullptr;
	g_assert_false(jtl::load_api_keys(keys_file, &keys, &error));
	g_assert_error(error, JTL_ERROR, jtl::JTL_ERROR_IO);
	g_clear_error(&error);
	g_assert_true(g_file_set_contents(keys_file.c_str(), "a b c\n", -1, nullptr));
	g_assert_false(jtl::load_api_keys(keys_file, &keys, &error));
	g_assert_error(error, JTL_ERROR, jtl::JTL_ERROR_FAILED);
	g_assert_nonnull(strstr(error->message, ":1:"));
	g_clear_error(&error);
	jtl::TaskStore store;
	g_assert_false(store.open(std::string(dir) + "/missing/tasks.db", &error));
	g_assert_error(error, JTL_ERROR, jtl::JTL_ERROR_IO);
	g_clear_error(&error);
	jtl::ServeOptions o;
	o.data_dir = std::string(dir) + "/data";
	o.listen = "no-port";
	g_assert_false(jtl::run_server(o, &error));
	g_assert_error(error, JTL_ERROR, jtl::JTL_ERROR_FAILED);
	g_assert_nonnull(strstr(error->message, "--listen wants HOST:PORT"));
}

} /* namespace */

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/serve/routes/find", test_find);
	g_test_add_func("/serve/errors", test_errors);
	return g_test_run();
}
