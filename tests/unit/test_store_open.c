/*
 * The store opening files and refusing what is not its database, the
 * choice of backend, the schema and its migrations, closing, and the
 * sqlite backend's statement cache.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "status.h"
#include "store.h"
#include "store/store_backend.h"
#include "store/store_sqlite_int.h"
#include "store_fixture.h"

/* ---- opening ---- */

static void
test_open_creates_schema(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *r;

	STORE_FIXTURE_SQLITE_ONLY();
	assert_false(store_fixture_exists(f->path));
	store_fixture_writer(f);
	assert_true(store_fixture_exists(f->path));
	assert_int_equal(store_fixture_version(f->path), STORE_SCHEMA_VERSION);
	assert_int_equal(
	    store_unit_get(f->db, "KT-DAKGLEI", NULL), STATUS_NOT_FOUND);
	store_close(f->db);
	f->db = NULL;

	/* Opening again migrates nothing and loses nothing. */
	store_fixture_writer(f);
	assert_int_equal(store_fixture_version(f->path), STORE_SCHEMA_VERSION);
	store_close(f->db);
	f->db = NULL;

	r = store_fixture_reader(f->path);
	assert_int_equal(
	    store_unit_get(r, "KT-DAKGLEI", NULL), STATUS_NOT_FOUND);
	store_close(r);
}

static void
test_reader_missing_file(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = (struct store_conn *)1;
	char err[256] = "";

	STORE_FIXTURE_SQLITE_ONLY();
	assert_int_not_equal(
	    store_open(f->path, 1, &c, err, sizeof(err)), STATUS_OK);
	assert_null(c);
	assert_non_null(strstr(err, f->path));
	/* A reader never creates the database. */
	assert_false(store_fixture_exists(f->path));
}

/* A name with a scheme no backend has is refused by name, and nothing is
 * created for it. */
static void
test_unknown_backend(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = (struct store_conn *)1;
	char name[600], err[1400] = "";

	snprintf(name, sizeof(name), "nosuch://%s", f->path);
	assert_int_equal(
	    store_open(name, 0, &c, err, sizeof(err)), STATUS_INVALID_ARGUMENT);
	assert_null(c);
	assert_non_null(strstr(err, "\"nosuch\""));
	assert_non_null(strstr(err, name));
	assert_false(store_fixture_exists(f->path));
	assert_false(store_fixture_exists("nosuch:"));
}

/* Every operation of the sqlite backend is set: store.c calls them
 * without looking. The size check finds a member added to the table but
 * not to this list. */
static void
test_backend_ops_complete(void **state)
{
	struct store_fixture *f = *state;
	const struct store_ops *ops = store_fixture_writer(f)->ops;
	size_t n = 0;

	STORE_FIXTURE_SQLITE_ONLY();
	assert_ptr_equal(ops, &store_sqlite_ops);
	assert_string_equal(ops->name, "sqlite");
	assert_null(ops->scheme);
#define OP(op)                                                                 \
	do {                                                                   \
		assert_true(ops->op != NULL);                                  \
		n++;                                                           \
	} while (0)
	OP(open);
	OP(close);
	OP(check);
	OP(begin);
	OP(commit);
	OP(rollback);
	OP(savepoint);
	OP(release);
	OP(rollback_savepoint);
	OP(errmsg);
	OP(limit_size);
	OP(limit_wal);
	OP(full_take);
	OP(full_reason);
	OP(in_transaction);
	OP(request_find);
	OP(request_save);
	OP(unit_insert);
	OP(unit_update);
	OP(unit_get);
	OP(unit_list);
	OP(activity_insert);
	OP(activity_update);
	OP(activity_get);
	OP(activity_list);
	OP(req_insert);
	OP(req_get);
	OP(req_list);
	OP(report_get);
	OP(report_by_id);
	OP(report_insert);
	OP(report_update);
	OP(report_list);
	OP(report_count);
	OP(summary);
	OP(activity_window);
	OP(link_put);
	OP(link_list);
	OP(conflict_insert);
	OP(conflict_get);
	OP(conflict_update);
	OP(conflict_list);
	OP(cred_insert);
	OP(cred_get);
	OP(cred_revoke);
	OP(cred_list);
	OP(cred_each);
	OP(partner_add);
	OP(partner_each);
	OP(key_insert);
	OP(key_get);
	OP(audit_append);
	OP(audit_search);
	OP(audit_each);
	OP(audit_prune);
	OP(settle);
	OP(unsettled);
	OP(backlog);
	OP(backup_open);
	OP(backup_copy);
	OP(backup_close);
#undef OP
	assert_int_equal(
	    offsetof(struct store_ops, open) + n * sizeof(void (*)(void)),
	    sizeof(struct store_ops));
}

static void
test_newer_schema_refused(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = (struct store_conn *)1;
	char err[256] = "", want[128];

	STORE_FIXTURE_SQLITE_ONLY();
	store_fixture_writer(f);
	store_close(f->db);
	f->db = NULL;
	store_fixture_set_version(f->path, STORE_SCHEMA_VERSION + 1);

	assert_int_equal(store_open(f->path, 0, &c, err, sizeof(err)),
	    STATUS_FAILED_PRECONDITION);
	assert_null(c);
	snprintf(want, sizeof(want),
	    "database schema %d is newer than this server's %d",
	    STORE_SCHEMA_VERSION + 1, STORE_SCHEMA_VERSION);
	if (strstr(err, want) == NULL || strstr(err, f->path) == NULL)
		fail_msg("\"%s\"", err);
	/* Refused, not downgraded. */
	assert_int_equal(
	    store_fixture_version(f->path), STORE_SCHEMA_VERSION + 1);

	/* A reader does not take it either. */
	c = (struct store_conn *)1;
	assert_int_equal(store_open(f->path, 1, &c, err, sizeof(err)),
	    STATUS_FAILED_PRECONDITION);
	assert_null(c);
	snprintf(want, sizeof(want),
	    "database schema %d is not this server's %d",
	    STORE_SCHEMA_VERSION + 1, STORE_SCHEMA_VERSION);
	assert_string_equal(err, want);
}

/* Only the writer creates the schema: a reader on a database without it
 * (here an empty file) is refused when opened, not on its first query. */
static void
test_reader_needs_schema(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = (struct store_conn *)1;
	char err[256] = "", want[128];
	size_t len;
	uint8_t *after;

	STORE_FIXTURE_SQLITE_ONLY();
	store_fixture_write(f->path, "", 0);
	assert_int_equal(store_open(f->path, 1, &c, err, sizeof(err)),
	    STATUS_FAILED_PRECONDITION);
	assert_null(c);
	snprintf(want, sizeof(want),
	    "database schema 0 is not this server's %d", STORE_SCHEMA_VERSION);
	assert_string_equal(err, want);
	after = store_fixture_read(f->path, &len);
	assert_int_equal(len, 0);
	free(after);
}

/* Something else's file at the database path is refused and left as it
 * was: the server must never turn it into a database. */
static void
expect_not_a_database(const char *path, const uint8_t *data, size_t len)
{
	struct store_conn *c = (struct store_conn *)1;
	char err[256] = "";
	uint8_t *after;
	size_t after_len;

	store_fixture_write(path, data, len);
	for (int readonly = 0; readonly <= 1; readonly++) {
		c = (struct store_conn *)1;
		err[0] = '\0';
		assert_int_not_equal(
		    store_open(path, readonly, &c, err, sizeof(err)),
		    STATUS_OK);
		assert_null(c);
		if (strstr(err, "not a database") == NULL)
			fail_msg(
			    "%s: \"%s\"", readonly ? "reader" : "writer", err);
		after = store_fixture_read(path, &after_len);
		assert_int_equal(after_len, len);
		assert_memory_equal(after, data, len);
		free(after);
	}
}

static void
test_garbage_file_refused(void **state)
{
	struct store_fixture *f = *state;
	static const char text[] = "listen = tcp://0.0.0.0:7400\n"
	                           "database = /var/lib/hoptac/hoptac.db\n";
	uint8_t *noise;
	uint32_t seed = 12345;

	STORE_FIXTURE_SQLITE_ONLY();
	assert_non_null(noise = malloc(8192));
	for (size_t i = 0; i < 8192; i++) {
		seed = seed * 1103515245u + 12345u;
		noise[i] = (uint8_t)(seed >> 16);
	}
	expect_not_a_database(f->path, noise, 8192);
	expect_not_a_database(f->path, (const uint8_t *)text, sizeof(text) - 1);
	free(noise);
}

/* A database of schema 1 with activities is taken to the latest schema,
 * and the rows migration 2 derives (activity fields) are filled from the
 * stored records. */
static void
test_migration_backfills_fields(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	static const struct store_fixture_spec a1 = {"m-1", NULL,
	    {"LA-XE", NULL, NULL},
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE,
	    {"an ninh biên giới", "kinh tế", NULL}, "2023", "", "Hội nghị", "",
	    "", "", 0};
	Hoptac__V1__SummaryResponse *out;
	int dims[1] = {HOPTAC__V1__DIMENSION__DIMENSION_FIELD};
	struct store_summary_query q = {
	    NULL, 0, NULL, 0, INT32_MIN, INT32_MAX, dims, 1, 0, 0};

	STORE_FIXTURE_SQLITE_ONLY();
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_activity(c, &a1);
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	store_close(c);
	f->db = NULL;
	/* Back to schema 1: what the later migrations made is gone. */
	store_fixture_exec(f->path,
	    "DROP TABLE reports; DROP TABLE request_units; DROP TABLE requests;"
	    "DROP TABLE activity_fields; DROP INDEX activities_by_day;"
	    "CREATE INDEX activities_by_start ON activities(start_day, seq);"
	    "DROP TABLE signing_keys;"
	    "DROP TABLE conflicts; DROP TABLE credentials; DROP TABLE audit;"
	    "DROP TABLE audit_archives;"
	    "DROP TABLE activity_inbox;"
	    "DROP TABLE activity_links;"
	    "DROP TRIGGER activity_counts_update_old;"
	    "DROP TRIGGER activity_counts_update_new;"
	    "DROP TRIGGER activity_counts_delete;"
	    "DROP TABLE activity_day_counts; DROP TABLE activity_month_counts;"
	    "DROP TABLE activity_partner_day_counts;"
	    "DROP TABLE activity_partner_month_counts;"
	    "PRAGMA user_version = 1;");
	c = store_fixture_writer(f);
	assert_int_equal(store_fixture_version(f->path), STORE_SCHEMA_VERSION);
	out = malloc(sizeof(*out));
	assert_non_null(out);
	hoptac__v1__summary_response__init(out);
	assert_int_equal(store_summary(c, &q, out), STATUS_OK);
	assert_int_equal(out->n_rows, 2);
	assert_string_equal(out->rows[0]->keys[0], "an ninh biên giới");
	assert_int_equal(out->rows[0]->figures->conferences, 1);
	assert_string_equal(out->rows[1]->keys[0], "kinh tế");
	assert_int_equal(out->totals->activities, 1);
	hoptac__v1__summary_response__free_unpacked(out, NULL);
}

/* Closing with statements still cached must release everything: the
 * sanitizer's leak check runs at exit, and the WAL must be closed so the
 * last connection's checkpoint removes it. */
static void
test_close_releases(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	char wal[600];

	STORE_FIXTURE_SQLITE_ONLY();
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	assert_int_equal(store_unit_get(c, "KT-DAKGLEI", NULL), STATUS_OK);
	store_close(c);
	f->db = NULL;
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_false(store_fixture_exists(wal));
}

/* store_sqlite_stmt finds statements by the address of their text: a buffer
 * that holds another text gets another statement, a statement still
 * running is not handed out twice, and more statements than the table
 * has slots are all found. */
static void
test_statement_cache(void **state)
{
	struct store_fixture *f = *state;
	struct store_sqlite *c = store_sqlite_of(store_fixture_writer(f));
	char buf[32], *many[STORE_STMT_SLOTS + 64];
	sqlite3_stmt *one, *two, *again;

	STORE_FIXTURE_SQLITE_ONLY();
	snprintf(buf, sizeof(buf), "SELECT 1");
	one = store_sqlite_stmt(c, buf);
	assert_non_null(one);
	assert_string_equal(sqlite3_sql(one), "SELECT 1");
	snprintf(buf, sizeof(buf), "SELECT 2");
	two = store_sqlite_stmt(c, buf);
	assert_non_null(two);
	assert_ptr_not_equal(one, two);
	assert_string_equal(sqlite3_sql(two), "SELECT 2");
	assert_int_equal(sqlite3_step(two), SQLITE_ROW);
	again = store_sqlite_stmt(c, buf);
	assert_non_null(again);
	assert_ptr_not_equal(again, two);
	assert_string_equal(sqlite3_sql(again), "SELECT 2");
	assert_int_equal(sqlite3_column_int(two, 0), 2);
	sqlite3_reset(two);
	assert_ptr_equal(store_sqlite_stmt(c, "SELECT 1"), one);

	for (size_t i = 0; i < sizeof(many) / sizeof(many[0]); i++) {
		assert_non_null(many[i] = malloc(32));
		snprintf(many[i], 32, "SELECT %zu", i + 10);
	}
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < sizeof(many) / sizeof(many[0]); i++) {
			sqlite3_stmt *st = store_sqlite_stmt(c, many[i]);

			assert_non_null(st);
			assert_int_equal(sqlite3_step(st), SQLITE_ROW);
			assert_int_equal(
			    sqlite3_column_int(st, 0), (int)i + 10);
			sqlite3_reset(st);
		}
	for (size_t i = 0; i < sizeof(many) / sizeof(many[0]); i++)
		free(many[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_open_creates_schema),
	    STORE_FIXTURE_TEST(test_reader_missing_file),
	    STORE_FIXTURE_TEST(test_unknown_backend),
	    STORE_FIXTURE_TEST(test_backend_ops_complete),
	    STORE_FIXTURE_TEST(test_newer_schema_refused),
	    STORE_FIXTURE_TEST(test_reader_needs_schema),
	    STORE_FIXTURE_TEST(test_garbage_file_refused),
	    STORE_FIXTURE_TEST(test_close_releases),
	    STORE_FIXTURE_TEST(test_statement_cache),
	    STORE_FIXTURE_TEST(test_migration_backfills_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
