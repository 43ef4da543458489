// SPDX-License-Identifier: LGPL-2.1-or-later
// The export service's persistent state: export tasks and idempotency records in SQLite.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

struct sqlite3;

namespace jtl {

/* One export task, as stored (ExportTask of the Open API, plus what the runner needs). */
struct StoredTask {
	std::string id;
	std::string key_id;         /* createdByApiKeyId */
	std::string client_task_id; /* "" = none */
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

	/* Opens (creating) the database file in WAL mode. Returns false with *error set. */
	bool open(const std::string &path, std::string *error);

	bool insert(StoredTask &task); /* sets task.seq */
	bool get(const std::string &id, StoredTask *out);
	bool find_client_task(const std::string &key_id, const std::string &client_task_id,
	                      StoredTask *out);
	int count_active(const std::string &key_id);
	/* Newest first; tasks with seq < before (0 = from the newest); at most limit. */
	std::vector<StoredTask> list(const std::string &key_id, int64_t before, int limit);
	/* PENDING and PROCESSING tasks, oldest first. */
	std::vector<StoredTask> unfinished();
	bool set_status(const std::string &id, const std::string &status, double progress,
	                const std::string &error, const std::string &completed_at);
	bool set_progress(const std::string &id, double progress);
	bool add_attempt(const std::string &id);
	std::map<std::string, int> count_by_status();

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
