// SPDX-License-Identifier: LGPL-2.1-or-later
// The export service's SQLite store: tasks, projects, assets, idempotency (WAL, one connection).
#include <jsontimeline/serve-store.h>

#include <optional>

#include <glib.h>
#include <sqlite3.h>

#include "serve-error.h"
#include "sqlite-stmt.h"

namespace jtl {

namespace {

const char kColumns[] =
        "id, key_id, client_task_id, status, progress, error, duration, callback_url, "
        "callback_headers, request, format, created_at, completed_at, seq, attempts, "
        "project_id";

StoredTask read_task(const SqliteStmt &s)
{
	StoredTask t;
	t.id = s.text(0);
	t.key_id = s.text(1);
	t.client_task_id = s.text(2);
	t.status = s.text(3);
	t.progress = s.real(4);
	t.error = s.text(5);
	t.duration_seconds = s.real(6);
	t.callback_url = s.text(7);
	t.callback_headers = s.text(8);
	t.request = s.text(9);
	t.format = s.text(10);
	t.created_at = s.text(11);
	t.completed_at = s.text(12);
	t.seq = s.int64(13);
	t.attempts = int(s.int64(14));
	t.project_id = s.text(15);
	return t;
}

std::vector<StoredTask> read_all(SqliteStmt &s)
{
	std::vector<StoredTask> out;
	while (s.row())
		out.push_back(read_task(s));
	return out;
}

const char kProjectColumns[] = "id, key_id, title, description, editor_state, state_version,"
                               " revision, created_at, updated_at, seq";

StoredProject read_project(const SqliteStmt &s)
{
	StoredProject p;
	p.id = s.text(0);
	p.key_id = s.text(1);
	p.title = s.text(2);
	p.has_description = !s.is_null(3);
	p.description = s.text(3);
	p.editor_state = s.text(4);
	p.state_version = s.text(5);
	p.revision = s.int64(6);
	p.created_at = s.text(7);
	p.updated_at = s.text(8);
	p.seq = s.int64(9);
	return p;
}

/* The description to bind: NULL when the project has none. */
std::optional<std::string> description(const StoredProject &p)
{
	return p.has_description ? std::optional<std::string>(p.description) : std::nullopt;
}

const char kAssetColumns[] =
        "a.id, a.key_id, a.type, a.filename, a.mimetype, a.size, a.width, a.height,"
        " a.created_at, a.seq, a.duration";
constexpr int kAssetColumnCount = 11; /* the columns above; a join's own come after them */

StoredAsset read_asset(const SqliteStmt &s)
{
	StoredAsset a;
	a.id = s.text(0);
	a.key_id = s.text(1);
	a.type = s.text(2);
	a.filename = s.text(3);
	a.mimetype = s.text(4);
	a.size = s.int64(5);
	a.width = int(s.int64(6));
	a.height = int(s.int64(7));
	a.created_at = s.text(8);
	a.seq = s.int64(9);
	a.duration = s.is_null(10) ? -1 : s.real(10);
	return a;
}

/* A list's cursor: the rows with seq below it (0 or less = from the newest). */
int64_t cursor(int64_t before)
{
	return before > 0 ? before : INT64_MAX;
}

/* Runs an INSERT; when it ran, *seq is the new row's. */
bool inserted(sqlite3 *db, SqliteStmt &s, int64_t *seq)
{
	if (!s.done())
		return false;
	*seq = sqlite3_last_insert_rowid(db);
	return true;
}

/* Reads the first row (if any) into *out with read(). */
template <typename T>
bool read_one(SqliteStmt &s, T (*read)(const SqliteStmt &), T *out)
{
	if (!s.row())
		return false;
	*out = read(s);
	return true;
}

} /* namespace */

TaskStore::~TaskStore()
{
	if (db_)
		sqlite3_close(db_);
}

bool TaskStore::exec(const char *sql)
{
	char *msg = nullptr;
	if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
		g_warning("serve store: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return false;
	}
	return true;
}

bool TaskStore::open(const std::string &path, GError **error)
{
	if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
		set_service_error(error, JTL_ERROR_IO,
		                  path + ": " + (db_ ? sqlite3_errmsg(db_) : "cannot open"));
		return false;
	}
	sqlite3_busy_timeout(db_, 5000);
	if (!exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") ||
	    !exec("CREATE TABLE IF NOT EXISTS tasks ("
	          " seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL,"
	          " key_id TEXT NOT NULL, client_task_id TEXT, status TEXT NOT NULL,"
	          " progress REAL NOT NULL DEFAULT 0, error TEXT, duration REAL NOT NULL,"
	          " callback_url TEXT, callback_headers TEXT, request TEXT NOT NULL,"
	          " format TEXT NOT NULL, created_at TEXT NOT NULL, completed_at TEXT,"
	          " attempts INTEGER NOT NULL DEFAULT 0);"
	          "CREATE INDEX IF NOT EXISTS tasks_key ON tasks(key_id, seq);"
	          "CREATE TABLE IF NOT EXISTS idempotency ("
	          " key_id TEXT NOT NULL, idem_key TEXT NOT NULL, payload_hash TEXT NOT NULL,"
	          " status INTEGER NOT NULL, body TEXT NOT NULL, created_us INTEGER NOT NULL,"
	          " PRIMARY KEY (key_id, idem_key));"
	          "CREATE TABLE IF NOT EXISTS projects ("
	          " seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL,"
	          " key_id TEXT NOT NULL, title TEXT NOT NULL, description TEXT,"
	          " editor_state TEXT NOT NULL, state_version TEXT NOT NULL,"
	          " revision INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
	          "CREATE INDEX IF NOT EXISTS projects_key ON projects(key_id, seq);"
	          "CREATE TABLE IF NOT EXISTS assets ("
	          " seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL,"
	          " key_id TEXT NOT NULL, type TEXT NOT NULL, filename TEXT NOT NULL,"
	          " mimetype TEXT NOT NULL, size INTEGER NOT NULL, width INTEGER NOT NULL,"
	          " height INTEGER NOT NULL, created_at TEXT NOT NULL,"
	          " deleted INTEGER NOT NULL DEFAULT 0, duration REAL);"
	          "CREATE TABLE IF NOT EXISTS project_assets ("
	          " seq INTEGER PRIMARY KEY AUTOINCREMENT, project_id TEXT NOT NULL,"
	          " asset_id TEXT NOT NULL, UNIQUE (project_id, asset_id));")) {
		set_service_error(error, JTL_ERROR_IO, path + ": " + sqlite3_errmsg(db_));
		return false;
	}
	/* databases from before projects: the column is added once (an error = it exists) */
	sqlite3_exec(db_, "ALTER TABLE tasks ADD COLUMN project_id TEXT", nullptr, nullptr,
	             nullptr);
	sqlite3_exec(db_, "ALTER TABLE assets ADD COLUMN duration REAL", nullptr, nullptr, nullptr);
	return true;
}

bool TaskStore::insert(StoredTask &t)
{
	SqliteStmt s(db_,
	             "INSERT INTO tasks (id, key_id, client_task_id, status, progress,"
	             " error, duration, callback_url, callback_headers, request, format,"
	             " created_at, completed_at, attempts, project_id)"
	             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	             t.id, t.key_id, t.client_task_id, t.status, t.progress, t.error,
	             t.duration_seconds, t.callback_url, t.callback_headers, t.request, t.format,
	             t.created_at, t.completed_at, t.attempts, t.project_id);
	return inserted(db_, s, &t.seq);
}

bool TaskStore::get(const std::string &id, StoredTask *out)
{
	SqliteStmt s(db_, std::string("SELECT ") + kColumns + " FROM tasks WHERE id = ?", id);
	return read_one(s, read_task, out);
}

bool TaskStore::find_client_task(const std::string &key_id, const std::string &client_task_id,
                                 StoredTask *out)
{
	SqliteStmt s(
	        db_,
	        std::string("SELECT ") + kColumns +
	                " FROM tasks WHERE key_id = ? AND client_task_id = ? ORDER BY seq LIMIT 1",
	        key_id, client_task_id);
	return read_one(s, read_task, out);
}

int TaskStore::count_active(const std::string &key_id)
{
	SqliteStmt s(db_,
	             "SELECT COUNT(*) FROM tasks WHERE key_id = ?"
	             " AND status IN ('PENDING', 'PROCESSING')",
	             key_id);
	return s.row() ? int(s.int64(0)) : 0;
}

std::vector<StoredTask> TaskStore::list(const std::string &key_id, int64_t before, int limit)
{
	SqliteStmt s(db_,
	             std::string("SELECT ") + kColumns +
	                     " FROM tasks WHERE key_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
	             key_id, cursor(before), limit);
	return read_all(s);
}

std::vector<StoredTask> TaskStore::unfinished()
{
	SqliteStmt s(db_,
	             std::string("SELECT ") + kColumns +
	                     " FROM tasks WHERE status IN ('PENDING', 'PROCESSING') ORDER BY seq");
	return read_all(s);
}

std::vector<StoredTask> TaskStore::completed_before(const std::string &rfc3339)
{
	SqliteStmt s(
	        db_,
	        std::string("SELECT ") + kColumns +
	                " FROM tasks WHERE status = 'COMPLETED' AND completed_at < ? ORDER BY seq",
	        rfc3339);
	return read_all(s);
}

bool TaskStore::set_status(const std::string &id, const std::string &status, double progress,
                           const std::string &error, const std::string &completed_at)
{
	return SqliteStmt(db_,
	                  "UPDATE tasks SET status = ?, progress = ?, error = ?,"
	                  " completed_at = ? WHERE id = ?",
	                  status, progress, error, completed_at, id)
	        .done();
}

bool TaskStore::set_progress(const std::string &id, double progress)
{
	return SqliteStmt(db_, "UPDATE tasks SET progress = ? WHERE id = ?", progress, id).done();
}

bool TaskStore::add_attempt(const std::string &id)
{
	return SqliteStmt(db_, "UPDATE tasks SET attempts = attempts + 1 WHERE id = ?", id).done();
}

std::map<std::string, int> TaskStore::count_by_status()
{
	std::map<std::string, int> out;
	SqliteStmt s(db_, "SELECT status, COUNT(*) FROM tasks GROUP BY status");
	while (s.row())
		out[s.text(0)] = int(s.int64(1));
	return out;
}

std::map<std::string, int> TaskStore::count_by_status(const std::string &key_id)
{
	std::map<std::string, int> out;
	SqliteStmt s(db_, "SELECT status, COUNT(*) FROM tasks WHERE key_id = ? GROUP BY status",
	             key_id);
	while (s.row())
		out[s.text(0)] = int(s.int64(1));
	return out;
}

bool TaskStore::project_insert(StoredProject &p)
{
	SqliteStmt s(db_,
	             "INSERT INTO projects (id, key_id, title, description, editor_state,"
	             " state_version, revision, created_at, updated_at)"
	             " VALUES (?,?,?,?,?,?,?,?,?)",
	             p.id, p.key_id, p.title, description(p), p.editor_state, p.state_version,
	             p.revision, p.created_at, p.updated_at);
	return inserted(db_, s, &p.seq);
}

bool TaskStore::project_get(const std::string &key_id, const std::string &id, StoredProject *out)
{
	SqliteStmt s(db_,
	             std::string("SELECT ") + kProjectColumns +
	                     " FROM projects WHERE id = ? AND key_id = ?",
	             id, key_id);
	return read_one(s, read_project, out);
}

bool TaskStore::project_update(const StoredProject &p)
{
	return SqliteStmt(db_,
	                  "UPDATE projects SET title = ?, description = ?, editor_state = ?,"
	                  " state_version = ?, revision = ?, updated_at = ? WHERE id = ?",
	                  p.title, description(p), p.editor_state, p.state_version, p.revision,
	                  p.updated_at, p.id)
	        .done();
}

bool TaskStore::project_delete(const std::string &key_id, const std::string &id)
{
	if (!SqliteStmt(db_, "DELETE FROM projects WHERE id = ? AND key_id = ?", id, key_id)
	             .done() ||
	    sqlite3_changes(db_) == 0)
		return false;
	SqliteStmt(db_, "DELETE FROM project_assets WHERE project_id = ?", id).step();
	return true;
}

std::vector<StoredProject> TaskStore::project_list(const std::string &key_id, int64_t before,
                                                   int limit)
{
	SqliteStmt s(
	        db_,
	        std::string("SELECT ") + kProjectColumns +
	                " FROM projects WHERE key_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
	        key_id, cursor(before), limit);
	std::vector<StoredProject> out;
	while (s.row())
		out.push_back(read_project(s));
	return out;
}

bool TaskStore::asset_insert(StoredAsset &a)
{
	/* an unknown duration (< 0) is stored as NULL */
	SqliteStmt s(db_,
	             "INSERT INTO assets (id, key_id, type, filename, mimetype, size,"
	             " width, height, created_at, duration) VALUES (?,?,?,?,?,?,?,?,?,?)",
	             a.id, a.key_id, a.type, a.filename, a.mimetype, a.size, a.width, a.height,
	             a.created_at,
	             a.duration >= 0 ? std::optional<double>(a.duration) : std::nullopt);
	return inserted(db_, s, &a.seq);
}

bool TaskStore::asset_get(const std::string &key_id, const std::string &id, StoredAsset *out)
{
	SqliteStmt s(db_,
	             std::string("SELECT ") + kAssetColumns +
	                     " FROM assets a WHERE a.id = ? AND a.key_id = ? AND a.deleted = 0",
	             id, key_id);
	return read_one(s, read_asset, out);
}

bool TaskStore::asset_delete(const std::string &key_id, const std::string &id)
{
	if (!SqliteStmt(db_,
	                "UPDATE assets SET deleted = 1 WHERE id = ? AND key_id = ?"
	                " AND deleted = 0",
	                id, key_id)
	             .done() ||
	    sqlite3_changes(db_) == 0)
		return false;
	SqliteStmt(db_, "DELETE FROM project_assets WHERE asset_id = ?", id).step();
	return true;
}

bool TaskStore::asset_referenced(const std::string &key_id, const std::string &needle)
{
	SqliteStmt s(db_,
	             "SELECT 1 FROM projects WHERE key_id = ?1"
	             " AND instr(editor_state, ?2) > 0 UNION ALL"
	             " SELECT 1 FROM tasks WHERE key_id = ?1"
	             " AND status IN ('PENDING', 'PROCESSING') AND instr(request, ?2) > 0"
	             " LIMIT 1",
	             key_id, needle);
	if (!s)
		return true; /* unknown: keep the asset */
	return s.row();
}

bool TaskStore::project_asset_add(const std::string &project_id, const std::string &asset_id)
{
	return SqliteStmt(db_,
	                  "INSERT OR IGNORE INTO project_assets (project_id, asset_id)"
	                  " VALUES (?, ?)",
	                  project_id, asset_id)
	        .done();
}

bool TaskStore::project_asset_remove(const std::string &project_id, const std::string &asset_id)
{
	return SqliteStmt(db_, "DELETE FROM project_assets WHERE project_id = ? AND asset_id = ?",
	                  project_id, asset_id)
	               .done() &&
	       sqlite3_changes(db_) > 0;
}

std::vector<StoredAsset> TaskStore::project_assets(const std::string &project_id, int64_t before,
                                                   int limit, std::vector<int64_t> *seqs)
{
	SqliteStmt s(db_,
	             std::string("SELECT ") + kAssetColumns +
	                     ", b.seq FROM project_assets b JOIN assets a ON a.id = b.asset_id"
	                     " WHERE b.project_id = ? AND b.seq < ? AND a.deleted = 0"
	                     " ORDER BY b.seq DESC LIMIT ?",
	             project_id, cursor(before), limit);
	std::vector<StoredAsset> out;
	while (s.row()) {
		out.push_back(read_asset(s));
		seqs->push_back(s.int64(kAssetColumnCount));
	}
	return out;
}

bool TaskStore::idempotency_get(const std::string &key_id, const std::string &key,
                                IdempotencyRecord *out)
{
	SqliteStmt s(db_,
	             "SELECT payload_hash, status, body, created_us FROM idempotency"
	             " WHERE key_id = ? AND idem_key = ?",
	             key_id, key);
	if (!s.row())
		return false;
	out->payload_hash = s.text(0);
	out->status = int(s.int64(1));
	out->body = s.text(2);
	out->created_us = s.int64(3);
	return true;
}

bool TaskStore::idempotency_put(const std::string &key_id, const std::string &key,
                                const IdempotencyRecord &r)
{
	return SqliteStmt(db_,
	                  "INSERT OR REPLACE INTO idempotency (key_id, idem_key,"
	                  " payload_hash, status, body, created_us) VALUES (?,?,?,?,?,?)",
	                  key_id, key, r.payload_hash, r.status, r.body, r.created_us)
	        .done();
}

void TaskStore::idempotency_purge(int64_t before_us)
{
	SqliteStmt(db_, "DELETE FROM idempotency WHERE created_us < ?", before_us).step();
}

} /* namespace jtl */
