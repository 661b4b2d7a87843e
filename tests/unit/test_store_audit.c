/*
 * The audit trail in the store: rows read newest first across a settling
 * (on sqlite the newest wait in audit_pending until the inbox settles),
 * pages, filters, archiving and pruning; and migration 19, which made
 * that table and request_pending (test_store_transactions.c).
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

#include "hoptac/v1/auth.pb-c.h"
#include "status.h"
#include "store.h"
#include "store_fixture.h"

/* Appends a row at at_ms with status; its target names n. */
static void
audit_add(struct store_conn *c, int n, int64_t at_ms, int status)
{
	Hoptac__V1__AuditEntry e = HOPTAC__V1__AUDIT_ENTRY__INIT;
	char target[32];

	snprintf(target, sizeof(target), "row %d", n);
	e.at_ms = at_ms;
	e.credential_id = n % 2 ? "cred-odd" : "cred-even";
	e.name = "clerk";
	e.roles = "office";
	e.unit_code = "KT-DAKTO";
	e.method = "/hoptac.v1.Activities/Submit";
	e.target = target;
	e.status = status;
	e.message = status != 0 ? "refused" : "";
	e.peer = "127.0.0.1:1";
	e.request_id = target;
	assert_int_equal(store_audit_append(c, &e), STATUS_OK);
}

/* The rows q finds, newest first, as their targets' numbers (or, with
 * seqs, their seqs) joined by spaces in got; checks that the seqs only
 * decrease, and returns the next page's token (0: none). */
static int64_t
audit_list(struct store_conn *c, const struct store_audit_query *q, int seqs,
    char *got, size_t len)
{
	Hoptac__V1__SearchAuditResponse *out = malloc(sizeof(*out));
	int64_t next = 0;
	size_t used = 0;

	assert_non_null(out);
	hoptac__v1__search_audit_response__init(out);
	assert_int_equal(store_audit_search(c, q, out), STATUS_OK);
	got[0] = '\0';
	for (size_t i = 0; i < out->n_entries; i++) {
		if (seqs)
			used += (size_t)snprintf(got + used, len - used,
			    "%s%lld", i > 0 ? " " : "",
			    (long long)out->entries[i]->seq);
		else
			used += (size_t)snprintf(got + used, len - used, "%s%s",
			    i > 0 ? " " : "", out->entries[i]->target + 4);
		if (i > 0)
			assert_true(
			    out->entries[i]->seq < out->entries[i - 1]->seq);
	}
	if (out->next_page_token[0] != '\0')
		next = strtoll(out->next_page_token, NULL, 10);
	hoptac__v1__search_audit_response__free_unpacked(out, NULL);
	return next;
}

static int64_t
audit_find(struct store_conn *c, const struct store_audit_query *q, char *got,
    size_t len)
{
	return audit_list(c, q, 0, got, len);
}

static int
audit_count_row(void *arg, const Hoptac__V1__AuditEntry *e)
{
	(void)e;
	(*(int *)arg)++;
	return STATUS_OK;
}

/* What waits is counted as rows are appended, and known again after a
 * rollback takes some away: the writer settles by that count. */
static void
test_audit_waiting_count(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	int pg = store_fixture_pg();

	assert_int_equal(store_backlog(c), 0);
	audit_add(c, 1, 1000, 0);
	audit_add(c, 2, 2000, 0);
	assert_int_equal(store_backlog(c), pg ? 0 : 2);
	/* Two more in a transaction rolled back: the count is two again. */
	assert_int_equal(store_begin(c), STATUS_OK);
	audit_add(c, 3, 3000, 0);
	audit_add(c, 4, 4000, 0);
	assert_int_equal(store_backlog(c), pg ? 0 : 4);
	assert_int_equal(store_rollback(c), STATUS_OK);
	assert_int_equal(store_backlog(c), pg ? 0 : 2);
	/* A call's rows undone with its savepoint, the group's kept. */
	assert_int_equal(store_begin(c), STATUS_OK);
	audit_add(c, 3, 3000, 0);
	assert_int_equal(store_savepoint(c), STATUS_OK);
	audit_add(c, 4, 4000, 0);
	assert_int_equal(store_rollback_savepoint(c), STATUS_OK);
	assert_int_equal(store_commit(c), STATUS_OK);
	assert_int_equal(store_backlog(c), pg ? 0 : 3);
	audit_add(c, 4, 4000, 0);
	assert_int_equal(store_backlog(c), pg ? 0 : 4);
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	assert_int_equal(store_backlog(c), 0);
	audit_add(c, 5, 5000, 0);
	assert_int_equal(store_backlog(c), pg ? 0 : 1);
}

/* The seqs of the whole trail, newest first, joined by spaces in got;
 * on PostgreSQL, whose sequence leaves a gap for each value rolled back,
 * the rows' targets instead. */
static void
audit_seqs(struct store_conn *c, char *got, size_t len)
{
	struct store_audit_query q = {"", "", "", 0, 0, 0, 0, 50};

	audit_list(c, &q, !store_fixture_pg(), got, len);
}

/* Every row takes a seq after the last one kept: on sqlite the very
 * next, as the writer counts them, so that rows undone with a
 * transaction or a call's savepoint leave no gap and no seq twice; a
 * settling changes nothing, and a writer opened again goes on from the
 * last. */
static void
test_audit_seq_continues(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	char got[128];

	audit_add(c, 1, 1000, 0);
	assert_int_equal(store_begin(c), STATUS_OK);
	audit_add(c, 2, 2000, 0);
	assert_int_equal(store_rollback(c), STATUS_OK);
	assert_int_equal(store_begin(c), STATUS_OK);
	audit_add(c, 2, 2000, 0);
	assert_int_equal(store_savepoint(c), STATUS_OK);
	audit_add(c, 3, 3000, 0);
	assert_int_equal(store_rollback_savepoint(c), STATUS_OK);
	audit_add(c, 3, 3000, 0);
	assert_int_equal(store_commit(c), STATUS_OK);
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	audit_add(c, 4, 4000, 0);
	audit_seqs(c, got, sizeof(got));
	assert_string_equal(got, "4 3 2 1");

	store_close(f->db);
	f->db = NULL;
	c = store_fixture_writer(f);
	audit_add(c, 5, 5000, 0);
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	store_close(f->db);
	f->db = NULL;
	c = store_fixture_writer(f);
	audit_add(c, 6, 6000, 0);
	audit_seqs(c, got, sizeof(got));
	assert_string_equal(got, "6 5 4 3 2 1");
}

/* Rows 1-3 settled, 4-5 waiting: every read sees the five in order. */
static void
test_audit_across_settling(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	struct store_audit_query q = {"", "", "", 0, 0, 0, 0, 10};
	char got[128];
	int n = 0;

	for (int i = 1; i <= 3; i++)
		audit_add(c, i, 1000L * i, 0);
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	assert_int_equal(store_backlog(c), 0);
	audit_add(c, 4, 4000, 16);
	audit_add(c, 5, 5000, 0);
	/* On sqlite the two wait, and the writer knows it; readers of
	 * activities have nothing to wait for. */
	assert_int_equal(store_backlog(c), store_fixture_pg() ? 0 : 2);
	assert_int_equal(store_unsettled(c), 0);

	assert_int_equal(audit_find(c, &q, got, sizeof(got)), 0);
	assert_string_equal(got, "5 4 3 2 1");

	/* Pages of two, across the boundary. */
	q.limit = 2;
	q.before_seq = audit_find(c, &q, got, sizeof(got));
	assert_string_equal(got, "5 4");
	q.before_seq = audit_find(c, &q, got, sizeof(got));
	assert_string_equal(got, "3 2");
	assert_int_equal(audit_find(c, &q, got, sizeof(got)), 0);
	assert_string_equal(got, "1");

	/* Filters apply to both parts. */
	q = (struct store_audit_query) {"", "", "", 0, 2000, 5000, 0, 10};
	audit_find(c, &q, got, sizeof(got));
	assert_string_equal(got, "4 3 2");
	q = (struct store_audit_query) {
	    "cred-odd", "", "Activities/Submit", 0, 0, 0, 0, 10};
	audit_find(c, &q, got, sizeof(got));
	assert_string_equal(got, "5 3 1");
	q = (struct store_audit_query) {"", "", "", 1, 0, 0, 0, 10};
	audit_find(c, &q, got, sizeof(got));
	assert_string_equal(got, "4");

	/* Each row up to the fourth, waiting or not, for an archive. */
	assert_int_equal(
	    store_audit_each(c, 4, audit_count_row, &n), STATUS_OK);
	assert_int_equal(n, 4);

	/* A settling moves them; the next row follows on. */
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	assert_int_equal(store_backlog(c), 0);
	audit_add(c, 6, 6000, 0);
	q = (struct store_audit_query) {"", "", "", 0, 0, 0, 0, 10};
	audit_find(c, &q, got, sizeof(got));
	assert_string_equal(got, "6 5 4 3 2 1");
}

/* Pruning through a row that still waits removes it too, and keeps the
 * newest. */
static void
test_audit_prune_pending(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	struct store_audit_query q = {"", "", "", 0, 0, 0, 0, 10};
	char got[128];

	audit_add(c, 1, 1000, 0);
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	for (int i = 2; i <= 4; i++)
		audit_add(c, i, 1000L * i, 0);
	/* Not the newest row. */
	assert_int_equal(store_audit_prune(c, 4, 4, "00", "admin", 9000),
	    STATUS_FAILED_PRECONDITION);
	assert_int_equal(
	    store_audit_prune(c, 3, 3, "00", "admin", 9000), STATUS_OK);
	audit_find(c, &q, got, sizeof(got));
	assert_string_equal(got, "4");
	audit_add(c, 5, 5000, 0);
	audit_find(c, &q, got, sizeof(got));
	assert_string_equal(got, "5 4");
}

/* Runs sql on the file with sqlite itself; its error message, or "". */
static void
audit_sql(const char *path, const char *sql, char *err, size_t len)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_exec(db, sql, NULL, NULL, &msg);
	snprintf(err, len, "%s", msg != NULL ? msg : "");
	sqlite3_free(msg);
	sqlite3_close(db);
}

/* The rows waiting are append-only like the rest: no one may change or
 * remove them, only move them into audit. */
static void
test_audit_pending_append_only(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	struct store_audit_query q = {"", "", "", 0, 0, 0, 0, 10};
	char err[200], got[64];

	STORE_FIXTURE_SQLITE_ONLY(); /* sqlite's own table */
	audit_add(c, 1, 1000, 0);
	audit_add(c, 2, 2000, 0);
	audit_sql(f->path, "DELETE FROM audit_pending", err, sizeof(err));
	assert_non_null(strstr(err, "append-only"));
	audit_sql(f->path, "DELETE FROM audit_pending WHERE seq = 2", err,
	    sizeof(err));
	assert_non_null(strstr(err, "append-only"));
	audit_sql(
	    f->path, "UPDATE audit_pending SET status = 1", err, sizeof(err));
	assert_non_null(strstr(err, "append-only"));
	audit_find(c, &q, got, sizeof(got));
	assert_string_equal(got, "2 1");
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	audit_sql(
	    f->path, "SELECT count(*) FROM audit_pending", err, sizeof(err));
	assert_string_equal(err, "");
	audit_find(c, &q, got, sizeof(got));
	assert_string_equal(got, "2 1");
}

/* Migration 19 from a schema 18 database with a trail: its rows stay
 * where they are and are read as before, and new ones follow on. */
static void
test_migration_19(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	struct store_audit_query q = {"", "", "", 0, 0, 0, 0, 10};
	char got[64];

	static const char method[] = "/hoptac.v1.Activities/Submit";
	uint8_t *reply = NULL;
	size_t len = 0;

	STORE_FIXTURE_SQLITE_ONLY(); /* sqlite's migrations */
	audit_add(c, 1, 1000, 0);
	audit_add(c, 2, 2000, 16);
	assert_int_equal(store_request_save(c, "cred-a", "req-1", method,
	                     (const uint8_t *)"r1", 2, 1000),
	    STATUS_OK);
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	store_close(c);
	f->db = NULL;
	store_fixture_exec(f->path,
	    "DROP TABLE audit_pending; DROP TABLE request_pending;"
	    " PRAGMA user_version = 18;");
	assert_int_equal(store_fixture_version(f->path), 18);

	c = store_fixture_writer(f);
	assert_int_equal(store_fixture_version(f->path), STORE_SCHEMA_VERSION);
	audit_find(c, &q, got, sizeof(got));
	assert_string_equal(got, "2 1");
	audit_add(c, 3, 3000, 0);
	assert_int_equal(store_backlog(c), 1);
	audit_find(c, &q, got, sizeof(got));
	assert_string_equal(got, "3 2 1");
	q.refused_only = 1;
	audit_find(c, &q, got, sizeof(got));
	assert_string_equal(got, "2");

	/* The replies kept before are found, and ids stay taken. */
	assert_int_equal(
	    store_request_find(c, "cred-a", "req-1", method, &reply, &len),
	    STATUS_OK);
	assert_int_equal(len, 2);
	assert_memory_equal(reply, "r1", 2);
	free(reply);
	assert_int_equal(store_request_save(c, "cred-a", "req-1", method,
	                     (const uint8_t *)"r2", 2, 3000),
	    STATUS_ALREADY_EXISTS);
	assert_int_equal(store_request_save(c, "cred-a", "req-2", method,
	                     (const uint8_t *)"r2", 2, 3000),
	    STATUS_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_audit_waiting_count),
	    STORE_FIXTURE_TEST(test_audit_seq_continues),
	    STORE_FIXTURE_TEST(test_audit_across_settling),
	    STORE_FIXTURE_TEST(test_audit_prune_pending),
	    STORE_FIXTURE_TEST(test_audit_pending_append_only),
	    STORE_FIXTURE_TEST(test_migration_19),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
