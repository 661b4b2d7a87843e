/*
 * What only the PostgreSQL backend has: its names, its refusals at open,
 * one writer per database, the audit trail's triggers, a row refused in
 * a transaction, and a lost connection. Skipped on sqlite (run as
 * unit-pg/test_store_pg).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "pgtest.h"
#include "status.h"
#include "store.h"
#include "store/store_backend.h"
#include "store_fixture.h"

#define STORE_PG_ONLY()                                                        \
	do {                                                                   \
		if (!store_fixture_pg())                                       \
			skip();                                                \
	} while (0)

/* Runs sql on the test's database behind the store's back; the
 * SQLSTATE of its failure, or "" when it ran. */
static void
pg_try(const struct store_fixture *f, const char *sql, char *state, size_t len)
{
	PGconn *db = PQconnectdb(f->path + strlen("postgresql:"));
	PGresult *res;
	const char *s;

	assert_int_equal(PQstatus(db), CONNECTION_OK);
	res = PQexec(db, sql);
	s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	snprintf(state, len, "%s", s != NULL ? s : "");
	PQclear(res);
	PQfinish(db);
}

/* store_unit_insert of a unit made for it. */
static int
unit_insert(struct store_conn *c, const char *code)
{
	Hoptac__V1__Unit *u = store_fixture_unit(code, code, "Kon Tum", "");
	int rc = store_unit_insert(c, u);

	protobuf_c_message_free_unpacked(&u->base, NULL);
	return rc;
}

/* Ends the server's side of every connection hoptac's store has open
 * to the test's database, as a restart of the server would. */
static void
cut_connections(const struct store_fixture *f)
{
	char sql[256], st[8];

	snprintf(sql, sizeof(sql),
	    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
	    " WHERE datname = '%s' AND application_name = 'hoptacd'",
	    f->pg_db);
	pg_try(f, sql, st, sizeof(st));
	assert_string_equal(st, "");
}

static int
open_status(const char *name, int mode, char *err, size_t len)
{
	struct store_conn *c = (struct store_conn *)1;
	int rc = store_open(name, mode, &c, err, len);

	if (rc == STATUS_OK)
		store_close(c);
	else
		assert_null(c);
	return rc;
}

/* Both forms of a name open the backend: the keyword form after
 * "postgresql:" (the fixture's) and a URI, passed whole to libpq. */
static void
test_pg_names(void **state)
{
	struct store_fixture *f = *state;
	char uri[700], err[512] = "";
	const char *dbname;
	struct store_conn *c = NULL;

	STORE_PG_ONLY();
	assert_ptr_equal(store_fixture_writer(f)->ops, &store_pg_ops);
	assert_string_equal(store_pg_ops.name, "postgresql");
	store_close(f->db);
	f->db = NULL;
	/* The same database by URI; the socket's directory as a query
	 * parameter, which libpq takes. */
	dbname = strstr(f->path, "dbname=") + strlen("dbname=");
	snprintf(uri, sizeof(uri), "postgresql:///%s?%s", dbname,
	    f->path + strlen("postgresql:"));
	for (char *p = strchr(uri, '?'); *p != '\0'; p++)
		if (*p == ' ')
			*p = '&';
	*strstr(uri, "&dbname=") = '\0';
	if (store_open(uri, STORE_OPEN_WRITE, &c, err, sizeof(err)) !=
	    STATUS_OK)
		fail_msg("%s: %s", uri, err);
	assert_ptr_equal(c->ops, &store_pg_ops);
	store_close(c);
}

/* A writer needs a hoptac database: an empty one is for hoptacd init,
 * one of something else's is never written into, a newer schema is
 * refused; a reader needs the schema too. */
static void
test_pg_refusals_at_open(void **state)
{
	struct store_fixture *f = *state;
	char err[512] = "", st[8], want[128];

	STORE_PG_ONLY();
	assert_int_equal(
	    open_status(f->path, STORE_OPEN_WRITE, err, sizeof(err)),
	    STATUS_NOT_FOUND);
	assert_non_null(strstr(err, "hoptacd init"));
	assert_int_equal(
	    open_status(f->path, STORE_OPEN_READ, err, sizeof(err)),
	    STATUS_NOT_FOUND);

	pg_try(f, "CREATE TABLE theirs (a int)", st, sizeof(st));
	assert_string_equal(st, "");
	assert_int_equal(
	    open_status(f->path, STORE_OPEN_CREATE, err, sizeof(err)),
	    STATUS_FAILED_PRECONDITION);
	assert_non_null(strstr(err, "not a hoptac database"));
	/* Nothing was made beside their table. */
	pg_try(f, "SELECT 1 FROM hoptac_schema", st, sizeof(st));
	assert_string_equal(st, "42P01");
	pg_try(f, "DROP TABLE theirs", st, sizeof(st));

	store_fixture_writer(f);
	store_close(f->db);
	f->db = NULL;
	pg_try(f, "UPDATE hoptac_schema SET version = version + 1", st,
	    sizeof(st));
	assert_string_equal(st, "");
	assert_int_equal(
	    open_status(f->path, STORE_OPEN_WRITE, err, sizeof(err)),
	    STATUS_FAILED_PRECONDITION);
	snprintf(want, sizeof(want),
	    "database schema %d is newer than this server's %d",
	    STORE_SCHEMA_VERSION + 1, STORE_SCHEMA_VERSION);
	if (strstr(err, want) == NULL)
		fail_msg("\"%s\"", err);
	assert_int_equal(
	    store_fixture_version(f->path), STORE_SCHEMA_VERSION + 1);
}

/* One writer per database, as sqlite's flock makes it; readers beside
 * it are welcome, and the lock goes with the first writer. */
static void
test_pg_one_writer(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *r;
	char err[512] = "";

	STORE_PG_ONLY();
	store_fixture_writer(f);
	assert_int_equal(
	    open_status(f->path, STORE_OPEN_WRITE, err, sizeof(err)),
	    STATUS_FAILED_PRECONDITION);
	assert_non_null(strstr(err, "in use by another process"));
	r = store_fixture_reader(f->path);
	store_close(r);
	store_close(f->db);
	f->db = NULL;
	assert_int_equal(
	    open_status(f->path, STORE_OPEN_WRITE, err, sizeof(err)),
	    STATUS_OK);
}

/* The audit trail refuses UPDATE, DELETE and TRUNCATE from anyone who
 * opens the database, but for the rows an archive recorded. */
static void
test_pg_audit_append_only(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	Hoptac__V1__AuditEntry e = HOPTAC__V1__AUDIT_ENTRY__INIT;
	char st[8];

	STORE_PG_ONLY();
	e.method = "/hoptac.v1.Units/List";
	for (int i = 0; i < 3; i++) {
		e.at_ms = 1000 + i;
		assert_int_equal(store_audit_append(c, &e), STATUS_OK);
	}
	pg_try(f, "UPDATE audit SET status = 1", st, sizeof(st));
	assert_string_equal(st, "P0001");
	pg_try(f, "DELETE FROM audit", st, sizeof(st));
	assert_string_equal(st, "P0001");
	pg_try(f, "TRUNCATE audit", st, sizeof(st));
	assert_string_equal(st, "P0001");
	assert_int_equal(
	    store_audit_prune(c, 2, 2, "00", "admin", 5000), STATUS_OK);
	pg_try(f, "DELETE FROM audit_archives", st, sizeof(st));
	assert_string_equal(st, "P0001");
	pg_try(f, "DELETE FROM audit WHERE seq = 3", st, sizeof(st));
	assert_string_equal(st, "P0001");
}

/* A row refused inside the writer's transaction (an id taken, a key to
 * nowhere) fails that call only: the transaction goes on, as on sqlite. */
static void
test_pg_refused_row_keeps_transaction(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	Hoptac__V1__SigningKey k = HOPTAC__V1__SIGNING_KEY__INIT;

	STORE_PG_ONLY();
	assert_int_equal(store_begin(c), STATUS_OK);
	assert_int_equal(store_savepoint(c), STATUS_OK);
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	assert_int_equal(unit_insert(c, "KT-DAKGLEI"), STATUS_ALREADY_EXISTS);
	k.id = "k1";
	k.credential_id = "nobody";
	k.unit_code = "KT-DAKGLEI";
	assert_int_equal(store_key_insert(c, &k), STATUS_FAILED_PRECONDITION);
	store_fixture_insert_unit(c, "KT-KONPLONG", "Kon Tum", "");
	assert_int_equal(store_release(c), STATUS_OK);
	assert_int_equal(store_commit(c), STATUS_OK);
	assert_int_equal(store_unit_get(c, "KT-DAKGLEI", NULL), STATUS_OK);
	assert_int_equal(store_unit_get(c, "KT-KONPLONG", NULL), STATUS_OK);
}

/* The server's end of the connection killed in the middle of a
 * transaction: the call fails UNAVAILABLE (retryable), nothing of it
 * stays, and the next transaction connects again and holds the
 * writer's lock again. */
static void
test_pg_connection_lost(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	char err[512];
	int rc;

	STORE_PG_ONLY();
	assert_int_equal(store_begin(c), STATUS_OK);
	assert_int_equal(store_savepoint(c), STATUS_OK);
	store_fixture_insert_unit(c, "KT-LOST", "Kon Tum", "");
	cut_connections(f);
	rc = unit_insert(c, "KT-ALSO");
	assert_int_equal(rc, STATUS_UNAVAILABLE);
	assert_int_equal(store_commit(c), STATUS_UNAVAILABLE);
	store_rollback(c);

	assert_int_equal(store_begin(c), STATUS_OK);
	store_fixture_insert_unit(c, "KT-AFTER", "Kon Tum", "");
	assert_int_equal(store_commit(c), STATUS_OK);
	assert_int_equal(store_unit_get(c, "KT-LOST", NULL), STATUS_NOT_FOUND);
	assert_int_equal(store_unit_get(c, "KT-AFTER", NULL), STATUS_OK);
	/* The lock was taken again with the connection. */
	assert_int_equal(
	    open_status(f->path, STORE_OPEN_WRITE, err, sizeof(err)),
	    STATUS_FAILED_PRECONDITION);
}

/* Connections lost while idle (a server restarted between calls): the
 * writer's next transaction and a reader's next query go on, on new
 * connections, without a call failing. */
static void
test_pg_idle_connection_lost(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	struct store_conn *r;

	STORE_PG_ONLY();
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	r = store_fixture_reader(f->path);
	cut_connections(f);
	assert_int_equal(store_unit_get(r, "KT-DAKGLEI", NULL), STATUS_OK);
	assert_int_equal(store_begin(c), STATUS_OK);
	store_fixture_insert_unit(c, "KT-KONPLONG", "Kon Tum", "");
	assert_int_equal(store_commit(c), STATUS_OK);
	assert_int_equal(store_unit_get(r, "KT-KONPLONG", NULL), STATUS_OK);
	store_close(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_pg_names),
	    STORE_FIXTURE_TEST(test_pg_refusals_at_open),
	    STORE_FIXTURE_TEST(test_pg_one_writer),
	    STORE_FIXTURE_TEST(test_pg_audit_append_only),
	    STORE_FIXTURE_TEST(test_pg_refused_row_keeps_transaction),
	    STORE_FIXTURE_TEST(test_pg_connection_lost),
	    STORE_FIXTURE_TEST(test_pg_idle_connection_lost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
