/*
 * What the store's unit tests (test_store_*.c) share. Each test runs in
 * its own directory (store_fixture_setup, store_fixture_teardown as
 * cmocka's setup and teardown); the helpers fail the test on an error.
 */
#ifndef HOPTAC_STORE_FIXTURE_H
#define HOPTAC_STORE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "store.h"

/* One fresh directory per test, holding the database and its WAL files;
 * or, when HOPTAC_TEST_PG names a PostgreSQL server, a fresh database
 * on it (path is then its name, "postgresql:... dbname=..."). */
struct store_fixture {
	char dir[64];
	char path[512];
	char pg_db[64]; /* the PostgreSQL database made for the test, or "" */
	struct store_conn *db; /* the writer, when a test opened one */
};

/* What an activity is made of in these tests; NULL ends the lists. */
struct store_fixture_spec {
	const char *id;
	const char *unit;
	const char *partners[3];
	int kind;
	const char *fields[3];
	const char *start, *end;
	const char *title, *summary, *place, *leader;
	int withdrawn;
};

/* Whether the tests run on PostgreSQL (HOPTAC_TEST_PG, tests/pg/pgtest.h). */
int store_fixture_pg(void);

/* Skips a test of what only sqlite has (its files, pragmas, migrations
 * of files made by older versions). */
#define STORE_FIXTURE_SQLITE_ONLY()                                            \
	do {                                                                   \
		if (store_fixture_pg())                                        \
			skip();                                                \
	} while (0)

/* Makes the directory, and removes it with all in it and the writer. */
int store_fixture_setup(void **state);
int store_fixture_teardown(void **state);

/* A test of the table given to cmocka_run_group_tests, in its fixture. */
#define STORE_FIXTURE_TEST(name)                                               \
	cmocka_unit_test_setup_teardown(                                       \
	    name, store_fixture_setup, store_fixture_teardown)

/* Opens the fixture's writer (kept in f->db), or a reader on path. */
struct store_conn *store_fixture_writer(struct store_fixture *f);
struct store_conn *store_fixture_reader(const char *path);

/* The integer sql reads first on the file, with sqlite directly; fails
 * the test when it reads none. */
long long store_fixture_int(const char *path, const char *sql);

/* The file's schema version, read and written with sqlite directly. */
int store_fixture_version(const char *path);
void store_fixture_set_version(const char *path, int v);

/* Runs SQL on the file directly, outside the store. */
void store_fixture_exec(const char *path, const char *sql);

int store_fixture_exists(const char *path);

/* The whole file, malloc'd; and a file written whole. */
uint8_t *store_fixture_read(const char *path, size_t *len);
void store_fixture_write(const char *path, const void *data, size_t len);

/* A department unit, for store_unit_insert; and one inserted. */
Hoptac__V1__Unit *store_fixture_unit(const char *code, const char *name,
    const char *province, const char *valid_to);
void store_fixture_insert_unit(struct store_conn *c, const char *code,
    const char *province, const char *valid_to);

/* The activity s describes; freed with store_fixture_activity_free. */
Hoptac__V1__Activity *store_fixture_activity(
    const struct store_fixture_spec *s);
void store_fixture_activity_free(Hoptac__V1__Activity *a);
void store_fixture_insert_activity(
    struct store_conn *c, const struct store_fixture_spec *s);

/* n records of the units KT-DAKGLEI and KT-DAKTO (inserted before),
 * partners a province and its district, on spread days, a tenth
 * withdrawn; ids "in-<first + i>". */
void store_fixture_insert_spread(struct store_conn *c, int first, int n);

/* The summary of every record by the one dimension dim (from the
 * records themselves when from_records is set, else from the counts);
 * the caller frees it with hoptac__v1__summary_response__free_unpacked. */
Hoptac__V1__SummaryResponse *store_fixture_summary_by(
    struct store_conn *c, int dim, int from_records);

/* Two messages are the same when they pack to the same bytes. */
void store_fixture_assert_same(
    const ProtobufCMessage *a, const ProtobufCMessage *b);

#endif
