// SPDX-License-Identifier: LGPL-2.1-or-later
// Private helper of lib/: one SQLite prepared statement (bind, step, read columns).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>

#include <glib.h>
#include <sqlite3.h>

namespace jtl {

/* A prepared statement, finalized when it goes out of scope.
 *
 * A statement that does not prepare logs a warning naming the SQL and SQLite's message;
 * afterwards binding does nothing, step() answers SQLITE_ERROR and the columns read as
 * empty text, 0 and null, so callers need no check of their own unless a failure must
 * answer differently from an empty result.
 *
 * Parameters are 1-based, columns 0-based, as in SQLite. Text is bound with its length
 * (SQLITE_TRANSIENT, so the value may go away after binding); every integer type is bound
 * as a 64-bit integer; nullptr, std::nullopt and a null const char * bind NULL. */
class SqliteStmt
{
public:
	/* Prepares, then binds the values (if any) to parameters 1..N in order. */
	template <typename... Values>
	SqliteStmt(sqlite3 *db, const char *sql, const Values &...values)
	{
		if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
			g_warning("sqlite: %s: %s", sql, sqlite3_errmsg(db));
			sqlite3_finalize(stmt_);
			stmt_ = nullptr;
		}
		bind_all(values...);
	}
	template <typename... Values>
	SqliteStmt(sqlite3 *db, const std::string &sql, const Values &...values)
	        : SqliteStmt(db, sql.c_str(), values...)
	{
	}
	~SqliteStmt() { sqlite3_finalize(stmt_); }
	SqliteStmt(const SqliteStmt &) = delete;
	SqliteStmt &operator=(const SqliteStmt &) = delete;

	/* Whether the statement prepared. */
	explicit operator bool() const { return stmt_ != nullptr; }

	SqliteStmt &bind(int i, const std::string &v)
	{
		if (stmt_)
			sqlite3_bind_text(stmt_, i, v.data(), int(v.size()), SQLITE_TRANSIENT);
		return *this;
	}
	SqliteStmt &bind(int i, const char *v)
	{
		if (!v)
			return bind(i, nullptr);
		if (stmt_)
			sqlite3_bind_text(stmt_, i, v, -1, SQLITE_TRANSIENT);
		return *this;
	}
	SqliteStmt &bind(int i, double v)
	{
		if (stmt_)
			sqlite3_bind_double(stmt_, i, v);
		return *this;
	}
	SqliteStmt &bind(int i, std::nullptr_t)
	{
		if (stmt_)
			sqlite3_bind_null(stmt_, i);
		return *this;
	}
	/* int, gint64, guint, std::size_t...: one overload, so that none is ambiguous. */
	template <typename Int, typename = std::enable_if_t<std::is_integral_v<Int>>>
	SqliteStmt &bind(int i, Int v)
	{
		if (stmt_)
			sqlite3_bind_int64(stmt_, i, sqlite3_int64(v));
		return *this;
	}
	/* The value, or NULL when there is none. */
	template <typename T>
	SqliteStmt &bind(int i, const std::optional<T> &v)
	{
		return v ? bind(i, *v) : bind(i, nullptr);
	}
	/* Binds parameters 1..N in order. */
	template <typename... Values>
	SqliteStmt &bind_all(const Values &...values)
	{
		[[maybe_unused]] int i = 0;
		(bind(++i, values), ...);
		return *this;
	}

	/* SQLITE_ROW, SQLITE_DONE or an error code (SQLITE_ERROR when it did not prepare). */
	int step() { return stmt_ ? sqlite3_step(stmt_) : SQLITE_ERROR; }
	/* Steps once: whether the statement ran to its end (an INSERT, UPDATE or DELETE). */
	bool done() { return step() == SQLITE_DONE; }
	/* Steps once: whether a row is there to read. */
	bool row() { return step() == SQLITE_ROW; }

	/* The text of a column with its byte length (embedded NULs kept); "" for NULL. */
	std::string text(int i) const
	{
		if (!stmt_)
			return {};
		const unsigned char *t = sqlite3_column_text(stmt_, i);
		if (!t)
			return {};
		return std::string(reinterpret_cast<const char *>(t),
		                   std::size_t(sqlite3_column_bytes(stmt_, i)));
	}
	int64_t int64(int i) const { return stmt_ ? sqlite3_column_int64(stmt_, i) : 0; }
	double real(int i) const { return stmt_ ? sqlite3_column_double(stmt_, i) : 0.0; }
	bool is_null(int i) const { return !stmt_ || sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

private:
	sqlite3_stmt *stmt_ = nullptr;
};

} /* namespace jtl */
