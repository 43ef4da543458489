// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the export service's lib parts: the keys file and the SQLite task store.
#include <cstring>
#include <string>
#include <vector>

#include <glib.h>
#include <glib/gstdio.h>

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
	std::string error;
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
	g_assert_nonnull(strstr(error.c_str(), ":1:"));
	g_assert_true(g_file_set_contents(path.c_str(), "# none\n", -1, nullptr));
	g_assert_false(jtl::load_api_keys(path, &keys, &error));

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
	std::string error;
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

} /* namespace */

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/serve/keys-file", test_keys_file);
	g_test_add_func("/serve/store", test_store);
	return g_test_run();
}
