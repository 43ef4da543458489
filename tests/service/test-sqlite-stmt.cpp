// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of lib's private SQLite statement helper (lib/src/sqlite-stmt.h).
#include <optional>
#include <string>

#include <glib.h>
#include <sqlite3.h>

#include "../../service/src/sqlite-stmt.h"

namespace {

using jtl::SqliteStmt;

/* Every bindable type in one row, read back with its type. */
void test_bind_and_read()
{
	sqlite3 *db = nullptr;
	g_assert_cmpint(sqlite3_open(":memory:", &db), ==, SQLITE_OK);
	g_assert_true(SqliteStmt(db, "CREATE TABLE t (a, b, c, d, e, f, g, h, i)").done());

	std::string with_nul("x\0y", 3);
	gint64 big = G_GINT64_CONSTANT(1) << 40;
	guint small = 7;
	SqliteStmt insert(db, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", with_nul, "text",
	                  42, big, small, 0.25, nullptr, std::optional<double>(),
	                  std::optional<std::string>("some"));
	g_assert_true(insert);
	g_assert_true(insert.done());

	SqliteStmt s(db, "SELECT a, b, c, d, e, f, g, h, i FROM t");
	g_assert_true(s.row());
	g_assert_cmpuint(s.text(0).size(), ==, 3); /* the NUL kept */
	g_assert_true(s.text(0) == with_nul);
	g_assert_true(s.text(1) == "text");
	g_assert_cmpint(s.int64(2), ==, 42);
	g_assert_cmpint(s.int64(3), ==, big);
	g_assert_cmpint(s.int64(4), ==, 7);
	g_assert_cmpfloat(s.real(5), ==, 0.25);
	g_assert_true(s.is_null(6));
	g_assert_true(s.text(6).empty());
	g_assert_true(s.is_null(7));
	g_assert_false(s.is_null(8));
	g_assert_true(s.text(8) == "some");
	g_assert_false(s.row());

	/* binding by index, chained */
	SqliteStmt count(db, "SELECT COUNT(*) FROM t WHERE c = ? AND b = ?");
	count.bind(1, 42).bind(2, std::string("text"));
	g_assert_true(count.row());
	g_assert_cmpint(count.int64(0), ==, 1);
	sqlite3_close_v2(db); /* after the statements still in scope */
}

/* A statement that does not prepare: a warning, then nothing but empty answers. */
void test_prepare_failure()
{
	sqlite3 *db = nullptr;
	g_assert_cmpint(sqlite3_open(":memory:", &db), ==, SQLITE_OK);
	g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
	                      "sqlite: SELECT x FROM missing: no such table: missing");
	SqliteStmt s(db, "SELECT x FROM missing", 1, "a", nullptr);
	g_test_assert_expected_messages();
	g_assert_false(s);
	s.bind(1, 2.0).bind(2, std::string("b"));
	g_assert_cmpint(s.step(), ==, SQLITE_ERROR);
	g_assert_false(s.row());
	g_assert_false(s.done());
	g_assert_true(s.text(0).empty());
	g_assert_cmpint(s.int64(0), ==, 0);
	g_assert_cmpfloat(s.real(0), ==, 0.0);
	g_assert_true(s.is_null(0));
	sqlite3_close_v2(db); /* after the statements still in scope */
}

} /* namespace */

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/sqlite-stmt/bind-and-read", test_bind_and_read);
	g_test_add_func("/sqlite-stmt/prepare-failure", test_prepare_failure);
	return g_test_run();
}
