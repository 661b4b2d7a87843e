/*
 * What the store's unit tests (test_store_*.c) share: a fresh directory
 * per test, opening the store in it, reading the file behind the store's
 * back, and building records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "pbstr.h"
#include "pgtest.h"
#include "status.h"
#include "store.h"
#include "store_fixture.h"

int
store_fixture_pg(void)
{
	return pgtest_conninfo() != NULL;
}

int
store_fixture_setup(void **state)
{
	struct store_fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/hoptac-store-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/hoptac.db", f->dir);
	if (store_fixture_pg() &&
	    pgtest_create("hoptac_t", f->pg_db, sizeof(f->pg_db), f->path,
	        sizeof(f->path)) != 0) {
		rmdir(f->dir);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

int
store_fixture_teardown(void **state)
{
	struct store_fixture *f = *state;
	DIR *d;
	struct dirent *e;

	store_close(f->db);
	/* Dropped by force: a reader a failed test left open goes too. */
	if (f->pg_db[0] != '\0')
		pgtest_drop(f->pg_db);
	if ((d = opendir(f->dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			char p[512];

			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Opens the fixture's writer, failing the test with the reason. */
struct store_conn *
store_fixture_writer(struct store_fixture *f)
{
	char err[256] = "";

	if (store_open(f->path, 0, &f->db, err, sizeof(err)) != STATUS_OK)
		fail_msg("store_open: %s", err);
	assert_non_null(f->db);
	return f->db;
}

struct store_conn *
store_fixture_reader(const char *path)
{
	struct store_conn *c = NULL;
	char err[256] = "";

	if (store_open(path, 1, &c, err, sizeof(err)) != STATUS_OK)
		fail_msg("store_open (reader): %s", err);
	assert_non_null(c);
	return c;
}

/* The schema version read directly, not through the store: PRAGMA
 * user_version of an sqlite file, hoptac_schema of a PostgreSQL database. */
int
store_fixture_version(const char *path)
{
	int v;

	if (strncmp(path, "postgresql:", 11) == 0) {
		PGconn *pg = PQconnectdb(path + 11);
		PGresult *res =
		    PQexec(pg, "SELECT max(version) FROM hoptac_schema");

		assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
		v = atoi(PQgetvalue(res, 0, 0));
		PQclear(res);
		PQfinish(pg);
		return v;
	}
	return (int)store_fixture_int(path, "PRAGMA user_version");
}

long long
store_fixture_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v;

	assert_int_equal(
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

void
store_fixture_set_version(const char *path, int v)
{
	sqlite3 *db = NULL;
	char sql[64];

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

int
store_fixture_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The whole file, malloc'd. */
uint8_t *
store_fixture_read(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

void
store_fixture_write(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

Hoptac__V1__Unit *
store_fixture_unit(const char *code, const char *name, const char *province,
    const char *valid_to)
{
	Hoptac__V1__Unit *u = malloc(sizeof(*u));

	assert_non_null(u);
	hoptac__v1__unit__init(u);
	assert_int_equal(pbstr_set(&u->code, code), 0);
	assert_int_equal(pbstr_set(&u->name, name), 0);
	u->kind = HOPTAC__V1__UNIT_KIND__UNIT_KIND_DEPARTMENT;
	assert_int_equal(pbstr_set(&u->province, province), 0);
	assert_int_equal(pbstr_set(&u->valid_from, "2004"), 0);
	assert_int_equal(pbstr_set(&u->valid_to, valid_to), 0);
	u->created_at_ms = 1700000000000;
	return u;
}

void
store_fixture_insert_unit(struct store_conn *c, const char *code,
    const char *province, const char *valid_to)
{
	Hoptac__V1__Unit *u =
	    store_fixture_unit(code, code, province, valid_to);

	assert_int_equal(store_unit_insert(c, u), STATUS_OK);
	protobuf_c_message_free_unpacked(&u->base, NULL);
}

Hoptac__V1__Activity *
store_fixture_activity(const struct store_fixture_spec *s)
{
	Hoptac__V1__Activity *a = malloc(sizeof(*a));

	assert_non_null(a);
	hoptac__v1__activity__init(a);
	assert_int_equal(pbstr_set(&a->id, s->id), 0);
	assert_int_equal(
	    pbstr_set(&a->unit_code, s->unit ? s->unit : "KT-DAKGLEI"), 0);
	for (int i = 0; i < 3 && s->partners[i] != NULL; i++)
		assert_int_equal(pbstr_append(&a->n_partner_codes,
		                     &a->partner_codes, s->partners[i]),
		    0);
	a->kind =
	    s->kind ? s->kind : HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER;
	for (int i = 0; i < 3 && s->fields[i] != NULL; i++)
		assert_int_equal(
		    pbstr_append(&a->n_fields, &a->fields, s->fields[i]), 0);
	assert_int_equal(pbstr_set(&a->start_date, s->start), 0);
	assert_int_equal(pbstr_set(&a->end_date, s->end), 0);
	assert_int_equal(pbstr_set(&a->title, s->title), 0);
	assert_int_equal(pbstr_set(&a->summary, s->summary), 0);
	assert_int_equal(pbstr_set(&a->place, s->place), 0);
	assert_int_equal(pbstr_set(&a->leader, s->leader), 0);
	assert_int_equal(pbstr_append(&a->n_document_refs, &a->document_refs,
	                     "558/SNgV-BGHTQT"),
	    0);
	a->people = 7;
	a->version = 1;
	a->state = s->withdrawn
	    ? HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_WITHDRAWN
	    : HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_ACTIVE;
	a->created_at_ms = a->updated_at_ms = 1700000000000;
	return a;
}

void
store_fixture_activity_free(Hoptac__V1__Activity *a)
{
	if (a != NULL)
		protobuf_c_message_free_unpacked(&a->base, NULL);
}

void
store_fixture_insert_activity(
    struct store_conn *c, const struct store_fixture_spec *s)
{
	Hoptac__V1__Activity *a = store_fixture_activity(s);
	int rc = store_activity_insert(c, a);

	if (rc != STATUS_OK)
		fail_msg("insert %s: %s", s->id, status_name(rc));
	store_fixture_activity_free(a);
}

void
store_fixture_insert_spread(struct store_conn *c, int first, int n)
{
	static const char *const partners[] = {
	    "LA-XE", "LA-XE-DAKCHEUNG", "LA-AT", "LA-SV"};
	char id[32], start[16];

	for (int i = first; i < first + n; i++) {
		struct store_fixture_spec sp = {id, i % 2 ? "KT-DAKTO" : NULL,
		    {partners[i % 4], i % 3 ? partners[(i + 1) % 4] : NULL,
		        NULL},
		    1 + i % 8, {NULL, NULL, NULL}, start, "", "t", "", "", "",
		    i % 10 == 9};

		snprintf(id, sizeof(id), "in-%d", i);
		snprintf(start, sizeof(start), "2024-%02d-%02d", 1 + i % 12,
		    1 + i % 28);
		store_fixture_insert_activity(c, &sp);
	}
}

/* Two messages are the same when they pack to the same bytes. */
void
store_fixture_assert_same(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
	size_t la = protobuf_c_message_get_packed_size(a);
	size_t lb = protobuf_c_message_get_packed_size(b);
	uint8_t *pa = malloc(la + 1), *pb = malloc(lb + 1);

	assert_non_null(pa);
	assert_non_null(pb);
	protobuf_c_message_pack(a, pa);
	protobuf_c_message_pack(b, pb);
	assert_int_equal(la, lb);
	assert_memory_equal(pa, pb, la);
	free(pa);
	free(pb);
}

/* Runs SQL on the database directly, outside the store. */
void
store_fixture_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	if (strncmp(path, "postgresql:", 11) == 0) {
		PGconn *pg = PQconnectdb(path + 11);
		PGresult *res = PQexec(pg, sql);

		if (PQresultStatus(res) != PGRES_COMMAND_OK &&
		    PQresultStatus(res) != PGRES_TUPLES_OK)
			fail_msg("%s: %s", sql, PQerrorMessage(pg));
		PQclear(res);
		PQfinish(pg);
		return;
	}
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

Hoptac__V1__SummaryResponse *
store_fixture_summary_by(struct store_conn *c, int dim, int from_records)
{
	int dims[1] = {dim};
	struct store_summary_query q = {
	    NULL, 0, NULL, 0, INT32_MIN, INT32_MAX, dims, 1, from_records, 0};
	Hoptac__V1__SummaryResponse *out = malloc(sizeof(*out));

	assert_non_null(out);
	hoptac__v1__summary_response__init(out);
	assert_int_equal(store_summary(c, &q, out), STATUS_OK);
	return out;
}
