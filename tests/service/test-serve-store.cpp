// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the export service's lib parts: the keys file and the SQLite task store.
#include <cstring>
#include <string>
#include <vector>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include <jsontimeline/serve-store.h>
#include <jsontimeline/serve.h>

namespace {

std::string temp_dir()
{
	g_autofree char *dir = g_dir_make_tmp("jtl-serve-XXXXXX", nullptr);
	g_assert_nonnull(dir);
	return dir;
}

void test_keys_file()
{
	std::string dir = temp_dir();
	std::string path = dir + "/keys";
	g_assert_true(g_file_set_contents(path.c_str(), "# comment\n\n  alpha  secret-a\nbeta\n",
	                                  -1, nullptr));
	std::vector<jtl::ApiKey> keys;
	g_autoptr(GError) error = nullptr;
	g_assert_true(jtl::load_api_keys(path, &keys, &error));
	g_assert_cmpuint(keys.size(), ==, 2);
	g_assert_true(keys[0].hash == jtl::sha256_hex("alpha"));
	g_assert_cmpstr(keys[0].webhook_secret.c_str(), ==, "secret-a");
	g_assert_cmpstr(keys[1].webhook_secret.c_str(), ==, "");
	g_assert_true(keys[0].id == "key_" + keys[0].hash.substr(0, 16));
	g_assert_true(keys[0].id != keys[1].id);

	g_assert_true(g_file_set_contents(path.c_str(), "a b c\n", -1, nullptr));
	keys.clear();
	g_assert_false(jtl::load_api_keys(path, &keys, &error));
	g_assert_nonnull(strstr(error->message, ":1:"));
	g_clear_error(&error);
	g_assert_true(g_file_set_contents(path.c_str(), "# none\n", -1, nullptr));
	g_assert_false(jtl::load_api_keys(path, &keys, &error));
	g_clear_error(&error);

	/* a generated key: returned once, then only its hash is read back */
	std::string generated;
	keys.clear();
	g_assert_true(jtl::ensure_generated_key(dir, &keys, &generated, &error));
	g_assert_cmpuint(generated.size(), >, 40);
	g_assert_true(keys[0].hash == jtl::sha256_hex(generated));
	std::string again;
	keys.clear();
	g_assert_true(jtl::ensure_generated_key(dir, &keys, &again, &error));
	g_assert_true(again.empty());
	g_assert_true(keys[0].hash == jtl::sha256_hex(generated));
}

jtl::StoredTask task(const std::string &id, const std::string &key)
{
	jtl::StoredTask t;
	t.id = id;
	t.key_id = key;
	t.status = "PENDING";
	t.request = "{}";
	t.format = "mp4";
	t.duration_seconds = 1.5;
	t.created_at = "2026-01-01T00:00:00.000Z";
	return t;
}

void test_store()
{
	std::string dir = temp_dir();
	g_autoptr(GError) error = nullptr;
	{
		jtl::TaskStore store;
		g_assert_true(store.open(dir + "/tasks.db", &error));
		for (int i = 0; i < 5; i++) {
			jtl::StoredTask t = task("t" + std::to_string(i), i < 3 ? "k1" : "k2");
			if (i == 1)
				t.client_task_id = "c1";
			g_assert_true(store.insert(t));
			g_assert_cmpint(t.seq, >, 0);
		}
		g_assert_cmpint(store.count_active("k1"), ==, 3);
		g_assert_true(store.set_status("t0", "COMPLETED", 1.0, "", "2026-01-01T00:00:01Z"));
		g_assert_true(store.set_status("t2", "PROCESSING", 0.0, "", ""));
		g_assert_true(store.set_progress("t2", 0.4));
		g_assert_cmpint(store.count_active("k1"), ==, 2);

		jtl::StoredTask got;
		g_assert_true(store.find_client_task("k1", "c1", &got));
		g_assert_cmpstr(got.id.c_str(), ==, "t1");
		g_assert_false(store.find_client_task("k2", "c1", &got));

		/* newest first, pages by seq */
		std::vector<jtl::StoredTask> page = store.list("k1", 0, 2);
		g_assert_cmpuint(page.size(), ==, 2);
		g_assert_cmpstr(page[0].id.c_str(), ==, "t2");
		page = store.list("k1", page[1].seq, 2);
		g_assert_cmpuint(page.size(), ==, 1);
		g_assert_cmpstr(page[0].id.c_str(), ==, "t0");

		jtl::IdempotencyRecord r{"hash", 201, "{\"a\":1}", 100};
		g_assert_true(store.idempotency_put("k1", "idem", r));
		jtl::IdempotencyRecord back;
		g_assert_false(store.idempotency_get("k2", "idem", &back));
		g_assert_true(store.idempotency_get("k1", "idem", &back));
		g_assert_cmpint(back.status, ==, 201);
		g_assert_cmpstr(back.body.c_str(), ==, "{\"a\":1}");
		store.idempotency_purge(101);
		g_assert_false(store.idempotency_get("k1", "idem", &back));
	}
	/* reopened: the state survived */
	jtl::TaskStore store;
	g_assert_true(store.open(dir + "/tasks.db", &error));
	jtl::StoredTask got;
	g_assert_true(store.get("t2", &got));
	g_assert_cmpstr(got.status.c_str(), ==, "PROCESSING");
	g_assert_cmpfloat(got.progress, ==, 0.4);
	g_assert_cmpfloat(got.duration_seconds, ==, 1.5);
	std::vector<jtl::StoredTask> open = store.unfinished();
	g_assert_cmpuint(open.size(), ==, 4);
	g_assert_cmpstr(open[0].id.c_str(), ==, "t1");
	auto counts = store.count_by_status();
	g_assert_cmpint(counts["COMPLETED"], ==, 1);
	g_assert_cmpint(counts["PENDING"], ==, 3);
}

/* One number from the database file, read past the store (to see what is NULL there). */
int64_t query_int(const std::string &path, const char *sql)
{
	sqlite3 *db = nullptr;
	g_assert_cmpint(sqlite3_open(path.c_str(), &db), ==, SQLITE_OK);
	sqlite3_stmt *s = nullptr;
	g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
	int64_t n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

jtl::StoredAsset asset(const std::string &id, double duration)
{
	jtl::StoredAsset a;
	a.id = id;
	a.key_id = "k1";
	a.type = "IMAGE";
	a.filename = id + ".png";
	a.mimetype = "image/png";
	a.size = 1234;
	a.width = 64;
	a.height = 48;
	a.duration = duration;
	a.created_at = "2026-01-01T00:00:00.000Z";
	return a;
}

void test_store_projects_assets()
{
	std::string path = temp_dir() + "/tasks.db";
	g_autoptr(GError) error = nullptr;
	jtl::TaskStore store;
	g_assert_true(store.open(path, &error));

	/* a project without a description: NULL, read back as none */
	jtl::StoredProject p;
	p.id = "p1";
	p.key_id = "k1";
	p.title = "One";
	p.editor_state = "{}";
	p.state_version = "v1";
	p.revision = 1;
	p.created_at = p.updated_at = "2026-01-01T00:00:00.000Z";
	g_assert_true(store.project_insert(p));
	g_assert_cmpint(p.seq, >, 0);
	g_assert_cmpint(query_int(path, "SELECT COUNT(*) FROM projects WHERE description IS NULL"),
	                ==, 1);
	jtl::StoredProject got;
	g_assert_false(store.project_get("k2", "p1", &got));
	g_assert_true(store.project_get("k1", "p1", &got));
	g_assert_false(got.has_description);
	g_assert_cmpstr(got.title.c_str(), ==, "One");
	g_assert_cmpint(got.seq, ==, p.seq);

	/* an empty description is not none */
	got.has_description = true;
	got.description = "";
	got.revision = 2;
	got.editor_state = "{\"src\":\"asset-a1\"}";
	g_assert_true(store.project_update(got));
	g_assert_true(store.project_get("k1", "p1", &got));
	g_assert_true(got.has_description);
	g_assert_cmpint(got.revision, ==, 2);
	g_assert_cmpint(query_int(path, "SELECT COUNT(*) FROM projects WHERE description IS NULL"),
	                ==, 0);
	g_assert_cmpuint(store.project_list("k1", 0, 10).size(), ==, 1);
	g_assert_cmpuint(store.project_list("k1", p.seq, 10).size(), ==, 0);

	/* an unknown duration (< 0) is NULL, read back as -1 */
	jtl::StoredAsset a1 = asset("a1", -1), a2 = asset("a2", 2.5);
	g_assert_true(store.asset_insert(a1));
	g_assert_true(store.asset_insert(a2));
	g_assert_cmpint(a2.seq, >, a1.seq);
	g_assert_cmpint(query_int(path, "SELECT COUNT(*) FROM assets WHERE duration IS NULL"), ==,
	                1);
	jtl::StoredAsset back;
	g_assert_true(store.asset_get("k1", "a1", &back));
	g_assert_cmpfloat(back.duration, ==, -1);
	g_assert_cmpint(back.size, ==, 1234);
	g_assert_cmpint(back.width, ==, 64);
	g_assert_cmpint(back.height, ==, 48);
	g_assert_true(store.asset_get("k1", "a2", &back));
	g_assert_cmpfloat(back.duration, ==, 2.5);
	g_assert_false(store.asset_get("k2", "a2", &back));

	/* bindings: idempotent, newest first with their seqs */
	g_assert_true(store.project_asset_add("p1", "a1"));
	g_assert_true(store.project_asset_add("p1", "a2"));
	g_assert_true(store.project_asset_add("p1", "a1"));
	std::vector<int64_t> seqs;
	std::vector<jtl::StoredAsset> bound = store.project_assets("p1", 0, 10, &seqs);
	g_assert_cmpuint(bound.size(), ==, 2);
	g_assert_cmpuint(seqs.size(), ==, 2);
	g_assert_cmpstr(bound[0].id.c_str(), ==, "a2");
	g_assert_cmpfloat(bound[1].duration, ==, -1);
	g_assert_cmpint(seqs[0], >, seqs[1]);
	g_assert_true(store.project_asset_remove("p1", "a2"));
	g_assert_false(store.project_asset_remove("p1", "a2"));

	g_assert_true(store.asset_referenced("k1", "asset-a1"));
	g_assert_false(store.asset_referenced("k2", "asset-a1"));
	g_assert_false(store.asset_referenced("k1", "asset-a2"));

	/* deletes: once, and the bindings go with them */
	g_assert_true(store.asset_delete("k1", "a1"));
	g_assert_false(store.asset_delete("k1", "a1"));
	g_assert_false(store.asset_get("k1", "a1", &back));
	seqs.clear();
	g_assert_cmpuint(store.project_assets("p1", 0, 10, &seqs).size(), ==, 0);
	g_assert_false(store.project_delete("k2", "p1"));
	g_assert_true(store.project_delete("k1", "p1"));
	g_assert_false(store.project_get("k1", "p1", &got));
	g_assert_cmpint(query_int(path, "SELECT COUNT(*) FROM project_assets"), ==, 0);
}

} /* namespace */

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/serve/keys-file", test_keys_file);
	g_test_add_func("/serve/store", test_store);
	g_test_add_func("/serve/store-projects-assets", test_store_projects_assets);
	return g_test_run();
}
