/*
 * The writer's transactions and savepoints, and the log of applied
 * requests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "status.h"
#include "store.h"
#include "store_fixture.h"

/* ---- the idempotency log ---- */

static void
test_request_log(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	static const char method[] = "/hoptac.v1.Activities/Submit";
	static const uint8_t reply[] = {
	    0x0a, 0x05, 0x0a, 0x01, 'x', 0x10, 0x01, 0x00, 0xff};
	uint8_t *got = NULL;
	size_t len = 0;

	assert_int_equal(store_request_save(c, "cred-a", "req-1", method, reply,
	                     sizeof(reply), 1700000000000),
	    STATUS_OK);
	assert_int_equal(
	    store_request_find(c, "cred-a", "req-1", method, &got, &len),
	    STATUS_OK);
	assert_int_equal(len, sizeof(reply));
	assert_memory_equal(got, reply, sizeof(reply));
	free(got);

	got = NULL;
	assert_int_equal(store_request_find(c, "cred-a", "req-1",
	                     "/hoptac.v1.Activities/Amend", &got, &len),
	    STATUS_FAILED_PRECONDITION);
	assert_null(got);
	assert_int_equal(
	    store_request_find(c, "cred-a", "req-2", method, &got, &len),
	    STATUS_NOT_FOUND);
	assert_null(got);
	/* An id is recorded once. */
	assert_int_equal(
	    store_request_save(c, "cred-a", "req-1", method, reply, 1, 0),
	    STATUS_ALREADY_EXISTS);

	/* Another credential's id: not found, never the first one's reply,
	 * and its own call is recorded beside it. */
	assert_int_equal(
	    store_request_find(c, "cred-b", "req-1", method, &got, &len),
	    STATUS_NOT_FOUND);
	assert_null(got);
	assert_int_equal(
	    store_request_save(c, "cred-b", "req-1", method, reply, 2, 0),
	    STATUS_OK);
	assert_int_equal(
	    store_request_find(c, "cred-b", "req-1", method, &got, &len),
	    STATUS_OK);
	assert_int_equal(len, 2);
	free(got);
	got = NULL;

	/* A reply that packs to nothing (every field at its default). */
	assert_int_equal(
	    store_request_save(c, "cred-a", "req-3", method, reply, 0, 0),
	    STATUS_OK);
	len = 99;
	assert_int_equal(
	    store_request_find(c, "cred-a", "req-3", method, &got, &len),
	    STATUS_OK);
	assert_int_equal(len, 0);
	assert_non_null(got);
	free(got);
}

/* ---- transactions ---- */

static void
test_savepoint_rolled_back(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);

	assert_int_equal(store_begin(c), STATUS_OK);
	assert_int_equal(store_savepoint(c), STATUS_OK);
	store_fixture_insert_unit(c, "KT-KEPT", "Kon Tum", "");
	assert_int_equal(store_release(c), STATUS_OK);
	assert_int_equal(store_savepoint(c), STATUS_OK);
	store_fixture_insert_unit(c, "KT-DROPPED", "Kon Tum", "");
	assert_int_equal(store_unit_get(c, "KT-DROPPED", NULL), STATUS_OK);
	assert_int_equal(store_rollback_savepoint(c), STATUS_OK);
	/* The transaction goes on after the savepoint is gone. */
	assert_int_equal(store_savepoint(c), STATUS_OK);
	store_fixture_insert_unit(c, "KT-LATER", "Kon Tum", "");
	assert_int_equal(store_release(c), STATUS_OK);
	assert_int_equal(store_commit(c), STATUS_OK);

	assert_int_equal(
	    store_unit_get(c, "KT-DROPPED", NULL), STATUS_NOT_FOUND);
	assert_int_equal(store_unit_get(c, "KT-KEPT", NULL), STATUS_OK);
	assert_int_equal(store_unit_get(c, "KT-LATER", NULL), STATUS_OK);

	/* A whole transaction rolled back. */
	assert_int_equal(store_begin(c), STATUS_OK);
	store_fixture_insert_unit(c, "KT-GONE", "Kon Tum", "");
	assert_int_equal(store_rollback(c), STATUS_OK);
	assert_int_equal(store_unit_get(c, "KT-GONE", NULL), STATUS_NOT_FOUND);
}

static void
test_commit_durable(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	struct store_conn *r = store_fixture_reader(f->path);
	static const struct store_fixture_spec s = {
	    .id = "kt-1", .start = "2023"};
	Hoptac__V1__Activity *got = NULL;
	Hoptac__V1__Unit *u;

	assert_int_equal(store_begin(c), STATUS_OK);
	assert_int_equal(store_savepoint(c), STATUS_OK);
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_activity(c, &s);
	assert_int_equal(store_release(c), STATUS_OK);
	/* A reader does not see what is not committed... */
	assert_int_equal(
	    store_unit_get(r, "KT-DAKGLEI", NULL), STATUS_NOT_FOUND);
	assert_int_equal(store_commit(c), STATUS_OK);
	/* ...and sees it once it is, on its next statement. */
	assert_int_equal(store_unit_get(r, "KT-DAKGLEI", NULL), STATUS_OK);
	/* A reader cannot write. */
	u = store_fixture_unit("KT-SNGV", "Sở Ngoại vụ", "Kon Tum", "");
	assert_int_not_equal(store_unit_insert(r, u), STATUS_OK);
	protobuf_c_message_free_unpacked(&u->base, NULL);
	assert_int_equal(store_unit_get(c, "KT-SNGV", NULL), STATUS_NOT_FOUND);
	store_close(r);
	store_close(f->db);
	f->db = NULL;

	c = store_fixture_writer(f);
	assert_int_equal(store_unit_get(c, "KT-DAKGLEI", NULL), STATUS_OK);
	assert_int_equal(
	    store_activity_get(c, "KT-DAKGLEI", "kt-1", &got), STATUS_OK);
	assert_string_equal(got->start_date, "2023");
	store_fixture_activity_free(got);
}

/* Rows of request_pending and of request_log, read with sqlite itself:
 * "pending log". */
static void
replies_where(const char *path, char *out, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                     "SELECT (SELECT count(*) FROM request_pending),"
	                     " (SELECT count(*) FROM request_log)",
	                     -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, len, "%d %d", sqlite3_column_int(st, 0),
	    sqlite3_column_int(st, 1));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Whether (credential, id) has a reply kept: OK or NOT_FOUND. */
static int
reply_kept(struct store_conn *c, const char *cred, const char *id)
{
	uint8_t *got = NULL;
	size_t len = 0;
	int rc = store_request_find(
	    c, cred, id, "/hoptac.v1.Activities/Submit", &got, &len);

	free(got);
	return rc;
}

/* A reply waits until the settling and is found all along; an id is
 * taken once before and after; what a rollback takes away is free
 * again, and what it leaves stays taken. */
static void
test_request_log_waiting(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	static const char method[] = "/hoptac.v1.Activities/Submit";
	static const uint8_t reply[] = {0x0a, 0x01, 'z'};
	char where[32];

	assert_int_equal(store_request_save(c, "cred-a", "req-1", method, reply,
	                     sizeof(reply), 1),
	    STATUS_OK);
	if (!store_fixture_pg()) {
		replies_where(f->path, where, sizeof(where));
		assert_string_equal(where, "1 0");
	}
	assert_int_equal(reply_kept(c, "cred-a", "req-1"), STATUS_OK);
	assert_int_equal(reply_kept(c, "cred-b", "req-1"), STATUS_NOT_FOUND);
	assert_int_equal(
	    store_request_save(c, "cred-a", "req-1", method, reply, 1, 2),
	    STATUS_ALREADY_EXISTS);
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	if (!store_fixture_pg()) {
		replies_where(f->path, where, sizeof(where));
		assert_string_equal(where, "0 1");
	}
	assert_int_equal(reply_kept(c, "cred-a", "req-1"), STATUS_OK);
	assert_int_equal(
	    store_request_save(c, "cred-a", "req-1", "/other", reply, 1, 3),
	    STATUS_ALREADY_EXISTS);

	/* A call's savepoint rolled back takes its reply with it; the
	 * group's other call keeps its own. */
	assert_int_equal(store_begin(c), STATUS_OK);
	assert_int_equal(store_savepoint(c), STATUS_OK);
	assert_int_equal(
	    store_request_save(c, "cred-a", "req-2", method, reply, 1, 4),
	    STATUS_OK);
	assert_int_equal(store_rollback_savepoint(c), STATUS_OK);
	assert_int_equal(reply_kept(c, "cred-a", "req-2"), STATUS_NOT_FOUND);
	assert_int_equal(store_savepoint(c), STATUS_OK);
	assert_int_equal(
	    store_request_save(c, "cred-a", "req-3", method, reply, 1, 5),
	    STATUS_OK);
	assert_int_equal(store_release(c), STATUS_OK);
	assert_int_equal(store_commit(c), STATUS_OK);
	assert_int_equal(reply_kept(c, "cred-a", "req-3"), STATUS_OK);
	assert_int_equal(
	    store_request_save(c, "cred-a", "req-2", method, reply, 1, 6),
	    STATUS_OK);

	/* A transaction rolled back leaves none of its replies. */
	assert_int_equal(store_begin(c), STATUS_OK);
	assert_int_equal(
	    store_request_save(c, "cred-a", "req-4", method, reply, 1, 7),
	    STATUS_OK);
	assert_int_equal(store_rollback(c), STATUS_OK);
	assert_int_equal(reply_kept(c, "cred-a", "req-4"), STATUS_NOT_FOUND);
	assert_int_equal(reply_kept(c, "cred-a", "req-3"), STATUS_OK);
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	assert_int_equal(reply_kept(c, "cred-a", "req-2"), STATUS_OK);
	assert_int_equal(reply_kept(c, "cred-a", "req-3"), STATUS_OK);
	if (!store_fixture_pg()) {
		replies_where(f->path, where, sizeof(where));
		assert_string_equal(where, "0 3");
	}

	/* The writer's way: an id found free, then its reply saved, once;
	 * an id found free and saved after another's is still checked. */
	assert_int_equal(reply_kept(c, "cred-a", "req-5"), STATUS_NOT_FOUND);
	assert_int_equal(
	    store_request_save(c, "cred-a", "req-5", method, reply, 1, 8),
	    STATUS_OK);
	assert_int_equal(
	    store_request_save(c, "cred-a", "req-5", method, reply, 1, 9),
	    STATUS_ALREADY_EXISTS);
	assert_int_equal(reply_kept(c, "cred-a", "req-6"), STATUS_NOT_FOUND);
	assert_int_equal(reply_kept(c, "cred-a", "req-3"), STATUS_OK);
	assert_int_equal(
	    store_request_save(c, "cred-a", "req-3", method, reply, 1, 10),
	    STATUS_ALREADY_EXISTS);
	assert_int_equal(
	    store_request_save(c, "cred-a", "req-6", method, reply, 1, 11),
	    STATUS_OK);
}

/* Migration 16 from a schema 15 database whose log holds replies and
 * whose activities had an index by id: each reply is still found under
 * its credential, an id is still taken once, the log is one B-tree (no
 * rowid to select), and a record is found by its id without its unit
 * once the index is gone. */
static void
test_migration_16(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	static const char method[] = "/hoptac.v1.Activities/Submit";
	static const uint8_t reply[] = {0x0a, 0x01, 'y'};
	static const struct store_fixture_spec spec = {.id = "dt-1",
	    .unit = "KT-DAKTO",
	    .partners = {"LA-XE"},
	    .start = "2025-03-04",
	    .title = "Đoàn huyện Đắk Tô"};
	Hoptac__V1__Activity *a = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	uint8_t *got = NULL;
	size_t len = 0;

	STORE_FIXTURE_SQLITE_ONLY(); /* sqlite's own tables */
	assert_int_equal(store_request_save(c, "cred-a", "req-1", method, reply,
	                     sizeof(reply), 1700000000000),
	    STATUS_OK);
	assert_int_equal(
	    store_request_save(c, "cred-b", "req-1", method, reply, 1, 0),
	    STATUS_OK);
	store_fixture_insert_unit(c, "KT-DAKTO", "Kon Tum", "");
	store_fixture_insert_activity(c, &spec);
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	store_close(c);
	f->db = NULL;
	/* The log and the index as schema 15 had them. */
	store_fixture_exec(f->path,
	    "CREATE INDEX activities_by_id ON activities(id);"
	    "CREATE TABLE log_15 (credential_id TEXT NOT NULL,"
	    "  request_id TEXT NOT NULL, method TEXT NOT NULL,"
	    "  payload BLOB NOT NULL, created_at_ms INTEGER NOT NULL,"
	    "  PRIMARY KEY (credential_id, request_id));"
	    "INSERT INTO log_15 SELECT * FROM request_log;"
	    "DROP TABLE request_log;"
	    "ALTER TABLE log_15 RENAME TO request_log;"
	    "PRAGMA user_version = 15;");
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid FROM request_log",
	                     -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_finalize(st);
	sqlite3_close(db);

	c = store_fixture_writer(f);
	assert_int_equal(store_fixture_version(f->path), STORE_SCHEMA_VERSION);
	assert_int_equal(
	    store_request_find(c, "cred-a", "req-1", method, &got, &len),
	    STATUS_OK);
	assert_int_equal(len, sizeof(reply));
	assert_memory_equal(got, reply, sizeof(reply));
	free(got);
	got = NULL;
	assert_int_equal(
	    store_request_find(c, "cred-b", "req-1", method, &got, &len),
	    STATUS_OK);
	assert_int_equal(len, 1);
	free(got);
	assert_int_equal(
	    store_request_save(c, "cred-a", "req-1", method, reply, 1, 0),
	    STATUS_ALREADY_EXISTS);

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_not_equal(
	    sqlite3_prepare_v2(
	        db, "SELECT rowid FROM request_log", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db,
	                     "SELECT 1 FROM sqlite_master"
	                     " WHERE name = 'activities_by_id'",
	                     -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);

	assert_int_equal(store_activity_get(c, NULL, "dt-1", &a), STATUS_OK);
	assert_string_equal(a->title, "Đoàn huyện Đắk Tô");
	store_fixture_activity_free(a);
	a = NULL;
	assert_int_equal(
	    store_activity_get(c, NULL, "dt-2", &a), STATUS_NOT_FOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_request_log),
	    STORE_FIXTURE_TEST(test_request_log_waiting),
	    STORE_FIXTURE_TEST(test_migration_16),
	    STORE_FIXTURE_TEST(test_savepoint_rolled_back),
	    STORE_FIXTURE_TEST(test_commit_durable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
