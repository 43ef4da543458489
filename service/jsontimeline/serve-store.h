// SPDX-License-Identifier: LGPL-2.1-or-later
// The export service's persistent state: tasks, projects, assets, idempotency in SQLite.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <glib.h>

struct sqlite3;

namespace jtl {

/* One export task, as stored (ExportTask of the Open API, plus what the runner needs). */
struct StoredTask {
	std::string id;
	std::string key_id;         /* createdByApiKeyId */
	std::string client_task_id; /* "" = none */
	std::string project_id;     /* "" = none (a stateless export) */
	std::string status;         /* PENDING | PROCESSING | COMPLETED | FAILED */
	double progress = 0.0;      /* 0..1 */
	std::string error;          /* "" = none */
	double duration_seconds = 0.0;
	std::string callback_url;             /* "" = none */
	std::string callback_headers;         /* a JSON object text, "" = none */
	std::string request;                  /* the CreateExportRequest JSON text */
	std::string format;                   /* mp4 | webm */
	std::string created_at, completed_at; /* RFC 3339, completed_at "" = none */
	int64_t seq = 0;                      /* creation order (the list cursor) */
	int attempts = 0;                     /* renders started */
};

/* A persistent editor project of a key (ProjectDetail of the Open API). */
struct StoredProject {
	std::string id;
	std::string key_id;
	std::string title;
	std::string description; /* has_description false = null */
	bool has_description = false;
	std::string editor_state; /* JSON text */
	std::string state_version;
	int64_t revision = 0; /* syncs so far + 1 */
	std::string created_at, updated_at;
	int64_t seq = 0; /* creation order (the list cursor) */
};

/* An uploaded file of a key (Asset of the Open API). */
struct StoredAsset {
	std::string id;
	std::string key_id;
	std::string type; /* image | video | audio | file */
	std::string filename, mimetype;
	int64_t size = 0;
	int width = 0, height = 0; /* 0 = unknown (null) */
	double duration = -1;      /* seconds of a video or audio; < 0 = unknown (null) */
	std::string created_at;
	int64_t seq = 0;
};

/* A recorded response to a POST carrying an Idempotency-Key. */
struct IdempotencyRecord {
	std::string payload_hash;
	int status = 0;
	std::string body;
	int64_t created_us = 0; /* g_get_real_time() */
};

class TaskStore
{
public:
	TaskStore() = default;
	~TaskStore();
	TaskStore(const TaskStore &) = delete;
	TaskStore &operator=(const TaskStore &) = delete;

	/* Opens (creating) the database file in WAL mode. Returns false with error set
	 * (JTL_ERROR_IO). */
	bool open(const std::string &path, GError **error);

	bool insert(StoredTask &task); /* sets task.seq */
	bool get(const std::string &id, StoredTask *out);
	bool find_client_task(const std::string &key_id, const std::string &client_task_id,
	                      StoredTask *out);
	int count_active(const std::string &key_id);
	/* Newest first; tasks with seq < before (0 = from the newest); at most limit. */
	std::vector<StoredTask> list(const std::string &key_id, int64_t before, int limit);
	/* PENDING and PROCESSING tasks, oldest first. */
	std::vector<StoredTask> unfinished();
	/* COMPLETED tasks completed before a time (RFC 3339 UTC, as stored) */
	std::vector<StoredTask> completed_before(const std::string &rfc3339);
	bool set_status(const std::string &id, const std::string &status, double progress,
	                const std::string &error, const std::string &completed_at);
	bool set_progress(const std::string &id, double progress);
	bool add_attempt(const std::string &id);
	std::map<std::string, int> count_by_status();
	/* the same for the tasks of one key */
	std::map<std::string, int> count_by_status(const std::string &key_id);

	/* Projects and assets: get_* answer false when the id is unknown, deleted or another
	 * key's. Lists are newest first, seq < before (0 = from the newest), at most limit. */
	bool project_insert(StoredProject &p); /* sets p.seq */
	bool project_get(const std::string &key_id, const std::string &id, StoredProject *out);
	bool project_update(const StoredProject &p); /* all but id, key_id, created_at, seq */
	bool project_delete(const std::string &key_id, const std::string &id);
	std::vector<StoredProject> project_list(const std::string &key_id, int64_t before,
	                                        int limit);
	bool asset_insert(StoredAsset &a); /* sets a.seq */
	bool asset_get(const std::string &key_id, const std::string &id, StoredAsset *out);
	/* Marks the asset deleted and drops its project bindings. */
	bool asset_delete(const std::string &key_id, const std::string &id);
	/* Whether a project of the key or an unfinished export task names the text. */
	bool asset_referenced(const std::string &key_id, const std::string &text);
	/* Binds (idempotent); false only on a database error. */
	bool project_asset_add(const std::string &project_id, const std::string &asset_id);
	/* False when the asset was not bound to the project. */
	bool project_asset_remove(const std::string &project_id, const std::string &asset_id);
	/* Bound assets, newest binding first; *seqs gets each binding's seq (the cursor). */
	std::vector<StoredAsset> project_assets(const std::string &project_id, int64_t before,
	                                        int limit, std::vector<int64_t> *seqs);

	bool idempotency_get(const std::string &key_id, const std::string &key,
	                     IdempotencyRecord *out);
	bool idempotency_put(const std::string &key_id, const std::string &key,
	                     const IdempotencyRecord &record);
	/* Forgets the records created before this time (g_get_real_time()). */
	void idempotency_purge(int64_t before_us);

private:
	bool exec(const char *sql);
	sqlite3 *db_ = nullptr;
};

} /* namespace jtl */
