// SPDX-License-Identifier: LGPL-2.1-or-later
// The export service's SQLite store: tasks, projects, assets, idempotency (WAL, one connection).
#include <jsontimeline/serve-store.h>

#include <memory>

#include <glib.h>
#include <sqlite3.h>

namespace jtl {

namespace {

struct StmtDeleter {
	void operator()(sqlite3_stmt *s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

Stmt prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = nullptr;
	if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
		g_warning("serve store: %s: %s", sql, sqlite3_errmsg(db));
		return nullptr;
	}
	return Stmt(s);
}

void bind(sqlite3_stmt *s, int i, const std::string &v)
{
	sqlite3_bind_text(s, i, v.c_str(), int(v.size()), SQLITE_TRANSIENT);
}

std::string text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? std::string(reinterpret_cast<const char *>(t)) : std::string();
}

const char kColumns[] =
        "id, key_id, client_task_id, status, progress, error, duration, callback_url, "
        "callback_headers, request, format, created_at, completed_at, seq, attempts, "
        "project_id";

StoredTask read_task(sqlite3_stmt *s)
{
	StoredTask t;
	t.id = text(s, 0);
	t.key_id = text(s, 1);
	t.client_task_id = text(s, 2);
	t.status = text(s, 3);
	t.progress = sqlite3_column_double(s, 4);
	t.error = text(s, 5);
	t.duration_seconds = sqlite3_column_double(s, 6);
	t.callback_url = text(s, 7);
	t.callback_headers = text(s, 8);
	t.request = text(s, 9);
	t.format = text(s, 10);
	t.created_at = text(s, 11);
	t.completed_at = text(s, 12);
	t.seq = sqlite3_column_int64(s, 13);
	t.attempts = sqlite3_column_int(s, 14);
	t.project_id = text(s, 15);
	return t;
}

std::vector<StoredTask> read_all(sqlite3_stmt *s)
{
	std::vector<StoredTask> out;
	while (sqlite3_step(s) == SQLITE_ROW)
		out.push_back(read_task(s));
	return out;
}

const char kProjectColumns[] = "id, key_id, title, description, editor_state, state_version,"
                               " revision, created_at, updated_at, seq";

StoredProject read_project(sqlite3_stmt *s)
{
	StoredProject p;
	p.id = text(s, 0);
	p.key_id = text(s, 1);
	p.title = text(s, 2);
	p.has_description = sqlite3_column_type(s, 3) != SQLITE_NULL;
	p.description = text(s, 3);
	p.editor_state = text(s, 4);
	p.state_version = text(s, 5);
	p.revision = sqlite3_column_int64(s, 6);
	p.created_at = text(s, 7);
	p.updated_at = text(s, 8);
	p.seq = sqlite3_column_int64(s, 9);
	return p;
}

const char kAssetColumns[] =
        "a.id, a.key_id, a.type, a.filename, a.mimetype, a.size, a.width, a.height,"
        " a.created_at, a.seq, a.duration";
constexpr int kAssetColumnCount = 11; /* the columns above; a join's own come after them */

StoredAsset read_asset(sqlite3_stmt *s)
{
	StoredAsset a;
	a.id = text(s, 0);
	a.key_id = text(s, 1);
	a.type = text(s, 2);
	a.filename = text(s, 3);
	a.mimetype = text(s, 4);
	a.size = sqlite3_column_int64(s, 5);
	a.width = sqlite3_column_int(s, 6);
	a.height = sqlite3_column_int(s, 7);
	a.created_at = text(s, 8);
	a.seq = sqlite3_column_int64(s, 9);
	a.duration = sqlite3_column_type(s, 10) == SQLITE_NULL ? -1 : sqlite3_column_double(s, 10);
	return a;
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

bool TaskStore::open(const std::string &path, std::string *error)
{
	if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
		*error = path + ": " + (db_ ? sqlite3_errmsg(db_) : "cannot open");
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
		*error = path + ": " + sqlite3_errmsg(db_);
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
	Stmt s = prepare(db_, "INSERT INTO tasks (id, key_id, client_task_id, status, progress,"
	                      " error, duration, callback_url, callback_headers, request, format,"
	                      " created_at, completed_at, attempts, project_id)"
	                      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!s)
		return false;
	bind(s.get(), 1, t.id);
	bind(s.get(), 2, t.key_id);
	bind(s.get(), 3, t.client_task_id);
	bind(s.get(), 4, t.status);
	sqlite3_bind_double(s.get(), 5, t.progress);
	bind(s.get(), 6, t.error);
	sqlite3_bind_double(s.get(), 7, t.duration_seconds);
	bind(s.get(), 8, t.callback_url);
	bind(s.get(), 9, t.callback_headers);
	bind(s.get(), 10, t.request);
	bind(s.get(), 11, t.format);
	bind(s.get(), 12, t.created_at);
	bind(s.get(), 13, t.completed_at);
	sqlite3_bind_int(s.get(), 14, t.attempts);
	bind(s.get(), 15, t.project_id);
	if (sqlite3_step(s.get()) != SQLITE_DONE)
		return false;
	t.seq = sqlite3_last_insert_rowid(db_);
	return true;
}

bool TaskStore::get(const std::string &id, StoredTask *out)
{
	std::string sql = std::string("SELECT ") + kColumns + " FROM tasks WHERE id = ?";
	Stmt s = prepare(db_, sql.c_str());
	if (!s)
		return false;
	bind(s.get(), 1, id);
	if (sqlite3_step(s.get()) != SQLITE_ROW)
		return false;
	*out = read_task(s.get());
	return true;
}

bool TaskStore::find_client_task(const std::string &key_id, const std::string &client_task_id,
                                 StoredTask *out)
{
	std::string sql =
	        std::string("SELECT ") + kColumns +
	        " FROM tasks WHERE key_id = ? AND client_task_id = ? ORDER BY seq LIMIT 1";
	Stmt s = prepare(db_, sql.c_str());
	if (!s)
		return false;
	bind(s.get(), 1, key_id);
	bind(s.get(), 2, client_task_id);
	if (sqlite3_step(s.get()) != SQLITE_ROW)
		return false;
	*out = read_task(s.get());
	return true;
}

int TaskStore::count_active(const std::string &key_id)
{
	Stmt s = prepare(db_, "SELECT COUNT(*) FROM tasks WHERE key_id = ?"
	                      " AND status IN ('PENDING', 'PROCESSING')");
	if (!s)
		return 0;
	bind(s.get(), 1, key_id);
	return sqlite3_step(s.get()) == SQLITE_ROW ? sqlite3_column_int(s.get(), 0) : 0;
}

std::vector<StoredTask> TaskStore::list(const std::string &key_id, int64_t before, int limit)
{
	std::string sql = std::string("SELECT ") + kColumns +
	                  " FROM tasks WHERE key_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?";
	Stmt s = prepare(db_, sql.c_str());
	if (!s)
		return {};
	bind(s.get(), 1, key_id);
	sqlite3_bind_int64(s.get(), 2, before > 0 ? before : INT64_MAX);
	sqlite3_bind_int(s.get(), 3, limit);
	return read_all(s.get());
}

std::vector<StoredTask> TaskStore::unfinished()
{
	std::string sql = std::string("SELECT ") + kColumns +
	                  " FROM tasks WHERE status IN ('PENDING', 'PROCESSING') ORDER BY seq";
	Stmt s = prepare(db_, sql.c_str());
	return s ? read_all(s.get()) : std::vector<StoredTask>();
}

std::vector<StoredTask> TaskStore::completed_before(const std::string &rfc3339)
{
	std::string sql =
	        std::string("SELECT ") + kColumns +
	        " FROM tasks WHERE status = 'COMPLETED' AND completed_at < ? ORDER BY seq";
	Stmt s = prepare(db_, sql.c_str());
	if (!s)
		return {};
	bind(s.get(), 1, rfc3339);
	return read_all(s.get());
}

bool TaskStore::set_status(const std::string &id, const std::string &status, double progress,
                           const std::string &error, const std::string &completed_at)
{
	Stmt s = prepare(db_, "UPDATE tasks SET status = ?, progress = ?, error = ?,"
	                      " completed_at = ? WHERE id = ?");
	if (!s)
		return false;
	bind(s.get(), 1, status);
	sqlite3_bind_double(s.get(), 2, progress);
	bind(s.get(), 3, error);
	bind(s.get(), 4, completed_at);
	bind(s.get(), 5, id);
	return sqlite3_step(s.get()) == SQLITE_DONE;
}

bool TaskStore::set_progress(const std::string &id, double progress)
{
	Stmt s = prepare(db_, "UPDATE tasks SET progress = ? WHERE id = ?");
	if (!s)
		return false;
	sqlite3_bind_double(s.get(), 1, progress);
	bind(s.get(), 2, id);
	return sqlite3_step(s.get()) == SQLITE_DONE;
}

bool TaskStore::add_attempt(const std::string &id)
{
	Stmt s = prepare(db_, "UPDATE tasks SET attempts = attempts + 1 WHERE id = ?");
	if (!s)
		return false;
	bind(s.get(), 1, id);
	return sqlite3_step(s.get()) == SQLITE_DONE;
}

std::map<std::string, int> TaskStore::count_by_status()
{
	std::map<std::string, int> out;
	Stmt s = prepare(db_, "SELECT status, COUNT(*) FROM tasks GROUP BY status");
	while (s && sqlite3_step(s.get()) == SQLITE_ROW)
		out[text(s.get(), 0)] = sqlite3_column_int(s.get(), 1);
	return out;
}

bool TaskStore::project_insert(StoredProject &p)
{
	Stmt s = prepare(db_, "INSERT INTO projects (id, key_id, title, description, editor_state,"
	                      " state_version, revision, created_at, updated_at)"
	                      " VALUES (?,?,?,?,?,?,?,?,?)");
	if (!s)
		return false;
	bind(s.get(), 1, p.id);
	bind(s.get(), 2, p.key_id);
	bind(s.get(), 3, p.title);
	if (p.has_description)
		bind(s.get(), 4, p.description);
	bind(s.get(), 5, p.editor_state);
	bind(s.get(), 6, p.state_version);
	sqlite3_bind_int64(s.get(), 7, p.revision);
	bind(s.get(), 8, p.created_at);
	bind(s.get(), 9, p.updated_at);
	if (sqlite3_step(s.get()) != SQLITE_DONE)
		return false;
	p.seq = sqlite3_last_insert_rowid(db_);
	return true;
}

bool TaskStore::project_get(const std::string &key_id, const std::string &id, StoredProject *out)
{
	std::string sql = std::string("SELECT ") + kProjectColumns +
	                  " FROM projects WHERE id = ? AND key_id = ?";
	Stmt s = prepare(db_, sql.c_str());
	if (!s)
		return false;
	bind(s.get(), 1, id);
	bind(s.get(), 2, key_id);
	if (sqlite3_step(s.get()) != SQLITE_ROW)
		return false;
	*out = read_project(s.get());
	return true;
}

bool TaskStore::project_update(const StoredProject &p)
{
	Stmt s = prepare(db_, "UPDATE projects SET title = ?, description = ?, editor_state = ?,"
	                      " state_version = ?, revision = ?, updated_at = ? WHERE id = ?");
	if (!s)
		return false;
	bind(s.get(), 1, p.title);
	if (p.has_description)
		bind(s.get(), 2, p.description);
	bind(s.get(), 3, p.editor_state);
	bind(s.get(), 4, p.state_version);
	sqlite3_bind_int64(s.get(), 5, p.revision);
	bind(s.get(), 6, p.updated_at);
	bind(s.get(), 7, p.id);
	return sqlite3_step(s.get()) == SQLITE_DONE;
}

bool TaskStore::project_delete(const std::string &key_id, const std::string &id)
{
	Stmt s = prepare(db_, "DELETE FROM projects WHERE id = ? AND key_id = ?");
	if (!s)
		return false;
	bind(s.get(), 1, id);
	bind(s.get(), 2, key_id);
	if (sqlite3_step(s.get()) != SQLITE_DONE || sqlite3_changes(db_) == 0)
		return false;
	Stmt b = prepare(db_, "DELETE FROM project_assets WHERE project_id = ?");
	if (b) {
		bind(b.get(), 1, id);
		sqlite3_step(b.get());
	}
	return true;
}

std::vector<StoredProject> TaskStore::project_list(const std::string &key_id, int64_t before,
                                                   int limit)
{
	std::string sql = std::string("SELECT ") + kProjectColumns +
	                  " FROM projects WHERE key_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?";
	Stmt s = prepare(db_, sql.c_str());
	std::vector<StoredProject> out;
	if (!s)
		return out;
	bind(s.get(), 1, key_id);
	sqlite3_bind_int64(s.get(), 2, before > 0 ? before : INT64_MAX);
	sqlite3_bind_int(s.get(), 3, limit);
	while (sqlite3_step(s.get()) == SQLITE_ROW)
		out.push_back(read_project(s.get()));
	return out;
}

bool TaskStore::asset_insert(StoredAsset &a)
{
	Stmt s = prepare(db_, "INSERT INTO assets (id, key_id, type, filename, mimetype, size,"
	                      " width, height, created_at, duration) VALUES (?,?,?,?,?,?,?,?,?,?)");
	if (!s)
		return false;
	bind(s.get(), 1, a.id);
	bind(s.get(), 2, a.key_id);
	bind(s.get(), 3, a.type);
	bind(s.get(), 4, a.filename);
	bind(s.get(), 5, a.mimetype);
	sqlite3_bind_int64(s.get(), 6, a.size);
	sqlite3_bind_int(s.get(), 7, a.width);
	sqlite3_bind_int(s.get(), 8, a.height);
	bind(s.get(), 9, a.created_at);
	if (a.duration >= 0)
		sqlite3_bind_double(s.get(), 10, a.duration);
	if (sqlite3_step(s.get()) != SQLITE_DONE)
		return false;
	a.seq = sqlite3_last_insert_rowid(db_);
	return true;
}

bool TaskStore::asset_get(const std::string &key_id, const std::string &id, StoredAsset *out)
{
	std::string sql = std::string("SELECT ") + kAssetColumns +
	                  " FROM assets a WHERE a.id = ? AND a.key_id = ? AND a.deleted = 0";
	Stmt s = prepare(db_, sql.c_str());
	if (!s)
		return false;
	bind(s.get(), 1, id);
	bind(s.get(), 2, key_id);
	if (sqlite3_step(s.get()) != SQLITE_ROW)
		return false;
	*out = read_asset(s.get());
	return true;
}

bool TaskStore::asset_delete(const std::string &key_id, const std::string &id)
{
	Stmt s = prepare(db_, "UPDATE assets SET deleted = 1 WHERE id = ? AND key_id = ?"
	                      " AND deleted = 0");
	if (!s)
		return false;
	bind(s.get(), 1, id);
	bind(s.get(), 2, key_id);
	if (sqlite3_step(s.get()) != SQLITE_DONE || sqlite3_changes(db_) == 0)
		return false;
	Stmt b = prepare(db_, "DELETE FROM project_assets WHERE asset_id = ?");
	if (b) {
		bind(b.get(), 1, id);
		sqlite3_step(b.get());
	}
	return true;
}

bool TaskStore::asset_referenced(const std::string &key_id, const std::string &needle)
{
	Stmt s = prepare(db_, "SELECT 1 FROM projects WHERE key_id = ?1"
	                      " AND instr(editor_state, ?2) > 0 UNION ALL"
	                      " SELECT 1 FROM tasks WHERE key_id = ?1"
	                      " AND status IN ('PENDING', 'PROCESSING') AND instr(request, ?2) > 0"
	                      " LIMIT 1");
	if (!s)
		return true; /* unknown: keep the asset */
	bind(s.get(), 1, key_id);
	bind(s.get(), 2, needle);
	return sqlite3_step(s.get()) == SQLITE_ROW;
}

bool TaskStore::project_asset_add(const std::string &project_id, const std::string &asset_id)
{
	Stmt s = prepare(db_, "INSERT OR IGNORE INTO project_assets (project_id, asset_id)"
	                      " VALUES (?, ?)");
	if (!s)
		return false;
	bind(s.get(), 1, project_id);
	bind(s.get(), 2, asset_id);
	return sqlite3_step(s.get()) == SQLITE_DONE;
}

bool TaskStore::project_asset_remove(const std::string &project_id, const std::string &asset_id)
{
	Stmt s = prepare(db_, "DELETE FROM project_assets WHERE project_id = ? AND asset_id = ?");
	if (!s)
		return false;
	bind(s.get(), 1, project_id);
	bind(s.get(), 2, asset_id);
	return sqlite3_step(s.get()) == SQLITE_DONE && sqlite3_changes(db_) > 0;
}

std::vector<StoredAsset> TaskStore::project_assets(const std::string &project_id, int64_t before,
                                                   int limit, std::vector<int64_t> *seqs)
{
	std::string sql = std::string("SELECT ") + kAssetColumns +
	                  ", b.seq FROM project_assets b JOIN assets a ON a.id = b.asset_id"
	                  " WHERE b.project_id = ? AND b.seq < ? AND a.deleted = 0"
	                  " ORDER BY b.seq DESC LIMIT ?";
	Stmt s = prepare(db_, sql.c_str());
	std::vector<StoredAsset> out;
	if (!s)
		return out;
	bind(s.get(), 1, project_id);
	sqlite3_bind_int64(s.get(), 2, before > 0 ? before : INT64_MAX);
	sqlite3_bind_int(s.get(), 3, limit);
	while (sqlite3_step(s.get()) == SQLITE_ROW) {
		out.push_back(read_asset(s.get()));
		seqs->push_back(sqlite3_column_int64(s.get(), kAssetColumnCount));
	}
	return out;
}

bool TaskStore::idempotency_get(const std::string &key_id, const std::string &key,
                                IdempotencyRecord *out)
{
	Stmt s = prepare(db_, "SELECT payload_hash, status, body, created_us FROM idempotency"
	                      " WHERE key_id = ? AND idem_key = ?");
	if (!s)
		return false;
	bind(s.get(), 1, key_id);
	bind(s.get(), 2, key);
	if (sqlite3_step(s.get()) != SQLITE_ROW)
		return false;
	out->payload_hash = text(s.get(), 0);
	out->status = sqlite3_column_int(s.get(), 1);
	out->body = text(s.get(), 2);
	out->created_us = sqlite3_column_int64(s.get(), 3);
	return true;
}

bool TaskStore::idempotency_put(const std::string &key_id, const std::string &key,
                                const IdempotencyRecord &r)
{
	Stmt s = prepare(db_, "INSERT OR REPLACE INTO idempotency (key_id, idem_key,"
	                      " payload_hash, status, body, created_us) VALUES (?,?,?,?,?,?)");
	if (!s)
		return false;
	bind(s.get(), 1, key_id);
	bind(s.get(), 2, key);
	bind(s.get(), 3, r.payload_hash);
	sqlite3_bind_int(s.get(), 4, r.status);
	bind(s.get(), 5, r.body);
	sqlite3_bind_int64(s.get(), 6, r.created_us);
	return sqlite3_step(s.get()) == SQLITE_DONE;
}

void TaskStore::idempotency_purge(int64_t before_us)
{
	Stmt s = prepare(db_, "DELETE FROM idempotency WHERE created_us < ?");
	if (!s)
		return;
	sqlite3_bind_int64(s.get(), 1, before_us);
	sqlite3_step(s.get());
}

} /* namespace jtl */
