#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "date.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "store/store_backend.h"
#include "store/store_sqlite_int.h"

/* One fresh directory per test, holding the database and its WAL files. */
struct fixture {
	char dir[64];
	char path[128];
	struct store_conn *db; /* the writer, when a test opened one */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/hoptac-store-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/hoptac.db", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	DIR *d;
	struct dirent *e;

	store_close(f->db);
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
static struct store_conn *
open_writer(struct fixture *f)
{
	char err[256] = "";

	if (store_open(f->path, 0, &f->db, err, sizeof(err)) != STATUS_OK)
		fail_msg("store_open: %s", err);
	assert_non_null(f->db);
	return f->db;
}

static struct store_conn *
open_reader(const char *path)
{
	struct store_conn *c = NULL;
	char err[256] = "";

	if (store_open(path, 1, &c, err, sizeof(err)) != STATUS_OK)
		fail_msg("store_open (reader): %s", err);
	assert_non_null(c);
	return c;
}

/* PRAGMA user_version read with sqlite directly, not through the store. */
static int
user_version(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int v;

	assert_int_equal(
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
set_user_version(const char *path, int v)
{
	sqlite3 *db = NULL;
	char sql[64];

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The whole file, malloc'd. */
static uint8_t *
read_all(const char *path, size_t *len)
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

static void
write_all(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* ---- opening ---- */

static void
test_open_creates_schema(void **state)
{
	struct fixture *f = *state;
	struct store_conn *r;

	assert_false(file_exists(f->path));
	open_writer(f);
	assert_true(file_exists(f->path));
	assert_int_equal(user_version(f->path), STORE_SCHEMA_VERSION);
	assert_int_equal(
	    store_unit_get(f->db, "KT-DAKGLEI", NULL), STATUS_NOT_FOUND);
	store_close(f->db);
	f->db = NULL;

	/* Opening again migrates nothing and loses nothing. */
	open_writer(f);
	assert_int_equal(user_version(f->path), STORE_SCHEMA_VERSION);
	store_close(f->db);
	f->db = NULL;

	r = open_reader(f->path);
	assert_int_equal(
	    store_unit_get(r, "KT-DAKGLEI", NULL), STATUS_NOT_FOUND);
	store_close(r);
}

static void
test_reader_missing_file(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = (struct store_conn *)1;
	char err[256] = "";

	assert_int_not_equal(
	    store_open(f->path, 1, &c, err, sizeof(err)), STATUS_OK);
	assert_null(c);
	assert_non_null(strstr(err, f->path));
	/* A reader never creates the database. */
	assert_false(file_exists(f->path));
}

/* A name with a scheme no backend has is refused by name, and nothing is
 * created for it. */
static void
test_unknown_backend(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = (struct store_conn *)1;
	char name[160], err[256] = "";

	snprintf(name, sizeof(name), "nosuch://%s", f->path);
	assert_int_equal(
	    store_open(name, 0, &c, err, sizeof(err)), STATUS_INVALID_ARGUMENT);
	assert_null(c);
	assert_non_null(strstr(err, "\"nosuch\""));
	assert_non_null(strstr(err, name));
	assert_false(file_exists(f->path));
	assert_false(file_exists("nosuch:"));
}

/* Every operation of the sqlite backend is set: store.c calls them
 * without looking. The size check finds a member added to the table but
 * not to this list. */
static void
test_backend_ops_complete(void **state)
{
	struct fixture *f = *state;
	const struct store_ops *ops = open_writer(f)->ops;
	size_t n = 0;

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
	OP(begin);
	OP(commit);
	OP(rollback);
	OP(savepoint);
	OP(release);
	OP(rollback_savepoint);
	OP(errmsg);
	OP(limit_size);
	OP(full_take);
	OP(full_reason);
	OP(in_transaction);
	OP(request_find);
	OP(request_save);
	OP(unit_insert);
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
	OP(summary);
	OP(conflict_insert);
	OP(conflict_get);
	OP(conflict_update);
	OP(conflict_list);
	OP(cred_insert);
	OP(cred_get);
	OP(cred_revoke);
	OP(cred_list);
	OP(cred_each);
	OP(audit_append);
	OP(audit_search);
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
	struct fixture *f = *state;
	struct store_conn *c = (struct store_conn *)1;
	char err[256] = "", want[128];

	open_writer(f);
	store_close(f->db);
	f->db = NULL;
	set_user_version(f->path, STORE_SCHEMA_VERSION + 1);

	assert_int_equal(store_open(f->path, 0, &c, err, sizeof(err)),
	    STATUS_FAILED_PRECONDITION);
	assert_null(c);
	snprintf(want, sizeof(want),
	    "database schema %d is newer than this server's %d",
	    STORE_SCHEMA_VERSION + 1, STORE_SCHEMA_VERSION);
	assert_string_equal(err, want);
	/* Refused, not downgraded. */
	assert_int_equal(user_version(f->path), STORE_SCHEMA_VERSION + 1);

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
	struct fixture *f = *state;
	struct store_conn *c = (struct store_conn *)1;
	char err[256] = "", want[128];
	size_t len;
	uint8_t *after;

	write_all(f->path, "", 0);
	assert_int_equal(store_open(f->path, 1, &c, err, sizeof(err)),
	    STATUS_FAILED_PRECONDITION);
	assert_null(c);
	snprintf(want, sizeof(want),
	    "database schema 0 is not this server's %d", STORE_SCHEMA_VERSION);
	assert_string_equal(err, want);
	after = read_all(f->path, &len);
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

	write_all(path, data, len);
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
		after = read_all(path, &after_len);
		assert_int_equal(after_len, len);
		assert_memory_equal(after, data, len);
		free(after);
	}
}

static void
test_garbage_file_refused(void **state)
{
	struct fixture *f = *state;
	static const char text[] = "listen = tcp://0.0.0.0:7400\n"
	                           "database = /var/lib/hoptac/hoptac.db\n";
	uint8_t *noise = malloc(8192);
	uint32_t seed = 12345;

	assert_non_null(noise);
	for (size_t i = 0; i < 8192; i++) {
		seed = seed * 1103515245u + 12345u;
		noise[i] = (uint8_t)(seed >> 16);
	}
	expect_not_a_database(f->path, noise, 8192);
	expect_not_a_database(f->path, (const uint8_t *)text, sizeof(text) - 1);
	free(noise);
}

/* ---- building records ---- */

static Hoptac__V1__Unit *
unit_new(const char *code, const char *name, const char *province,
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

static void
insert_unit(struct store_conn *c, const char *code, const char *province,
    const char *valid_to)
{
	Hoptac__V1__Unit *u = unit_new(code, code, province, valid_to);

	assert_int_equal(store_unit_insert(c, u), STATUS_OK);
	protobuf_c_message_free_unpacked(&u->base, NULL);
}

/* What an activity is made of in these tests; NULL ends the lists. */
struct spec {
	const char *id;
	const char *unit;
	const char *partners[3];
	int kind;
	const char *fields[3];
	const char *start, *end;
	const char *title, *summary, *place, *leader;
	int withdrawn;
};

static Hoptac__V1__Activity *
activity_new(const struct spec *s)
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

static void
activity_free(Hoptac__V1__Activity *a)
{
	if (a != NULL)
		protobuf_c_message_free_unpacked(&a->base, NULL);
}

static void
insert_activity(struct store_conn *c, const struct spec *s)
{
	Hoptac__V1__Activity *a = activity_new(s);
	int rc = store_activity_insert(c, a);

	if (rc != STATUS_OK)
		fail_msg("insert %s: %s", s->id, status_name(rc));
	activity_free(a);
}

/* Two messages are the same when they pack to the same bytes. */
static void
assert_same_message(const ProtobufCMessage *a, const ProtobufCMessage *b)
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

/* ---- units ---- */

static void
test_units(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = open_writer(f);
	Hoptac__V1__Unit *u =
	    unit_new("KT-DAKGLEI", "UBND huyện Đắk Glei", "Kon Tum", "");
	Hoptac__V1__Unit *got = NULL;

	assert_int_equal(pbstr_append(&u->n_successor_codes,
	                     &u->successor_codes, "KT-NGOCHOI"),
	    0);
	assert_int_equal(store_unit_insert(c, u), STATUS_OK);
	assert_int_equal(store_unit_get(c, "KT-DAKGLEI", &got), STATUS_OK);
	assert_non_null(got);
	assert_string_equal(got->name, "UBND huyện Đắk Glei");
	assert_string_equal(got->province, "Kon Tum");
	assert_int_equal(got->n_successor_codes, 1);
	assert_same_message(&u->base, &got->base);
	protobuf_c_message_free_unpacked(&got->base, NULL);

	/* Existence only. */
	assert_int_equal(store_unit_get(c, "KT-DAKGLEI", NULL), STATUS_OK);
	assert_int_equal(store_unit_get(c, "KT-DAKTO", NULL), STATUS_NOT_FOUND);
	/* Codes match exactly. */
	assert_int_equal(
	    store_unit_get(c, "kt-dakglei", NULL), STATUS_NOT_FOUND);

	/* The same code again, even with other content. */
	assert_int_equal(pbstr_set(&u->name, "Huyện ủy Đắk Glei"), 0);
	assert_int_equal(store_unit_insert(c, u), STATUS_ALREADY_EXISTS);
	assert_int_equal(store_unit_get(c, "KT-DAKGLEI", &got), STATUS_OK);
	assert_string_equal(got->name, "UBND huyện Đắk Glei");
	protobuf_c_message_free_unpacked(&got->base, NULL);
	protobuf_c_message_free_unpacked(&u->base, NULL);
}

/* Lists units with the request given, into a space-separated code list. */
static void
expect_units(struct store_conn *c, const char *province, int include_ended,
    int32_t today, const char *want)
{
	Hoptac__V1__ListUnitsRequest q = HOPTAC__V1__LIST_UNITS_REQUEST__INIT;
	Hoptac__V1__ListUnitsResponse *out = malloc(sizeof(*out));
	char got[256] = "";

	assert_non_null(out);
	hoptac__v1__list_units_response__init(out);
	q.province = (char *)province;
	q.include_ended = include_ended;
	assert_int_equal(store_unit_list(c, &q, today, out), STATUS_OK);
	for (size_t i = 0; i < out->n_units; i++) {
		if (i > 0)
			strcat(got, " ");
		strcat(got, out->units[i]->code);
	}
	if (strcmp(got, want) != 0)
		fail_msg("units of \"%s\" (ended %d): \"%s\", want \"%s\"",
		    province, include_ended, got, want);
	protobuf_c_message_free_unpacked(&out->base, NULL);
}

static void
test_unit_list(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = open_writer(f);
	struct date_partial d;
	char today_iso[DATE_ISO_LEN], yesterday_iso[DATE_ISO_LEN];
	int32_t today = date_today();

	date_from_days(today, &d);
	date_format(&d, today_iso);
	date_from_days(today - 1, &d);
	date_format(&d, yesterday_iso);

	/* Inserted out of order: the list sorts by province, then code. */
	insert_unit(c, "QNa-SNGV", "Quảng Nam", "");
	insert_unit(c, "KT-SNGV", "Kon Tum", "");
	insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	insert_unit(c, "KT-OLD", "Kon Tum", "2019-12");
	insert_unit(c, "KT-ENDSTODAY", "Kon Tum", today_iso);
	insert_unit(c, "KT-ENDEDYESTERDAY", "Kon Tum", yesterday_iso);
	insert_unit(c, "KT-ENDSLATER", "Kon Tum", "2199");

	expect_units(c, "Kon Tum", 0, today,
	    "KT-DAKGLEI KT-ENDSLATER KT-ENDSTODAY KT-SNGV");
	expect_units(c, "Kon Tum", 1, today,
	    "KT-DAKGLEI KT-ENDEDYESTERDAY KT-ENDSLATER KT-ENDSTODAY KT-OLD "
	    "KT-SNGV");
	expect_units(c, "", 0, today,
	    "KT-DAKGLEI KT-ENDSLATER KT-ENDSTODAY KT-SNGV QNa-SNGV");
	expect_units(c, "Quảng Nam", 1, today, "QNa-SNGV");
	/* The province matches exactly. */
	expect_units(c, "kon tum", 1, today, "");
	expect_units(c, "Sê Kông", 1, today, "");
	/* A unit whose valid_to is a month has ended after its last day. */
	{
		struct date_partial dec = {2019, 12, 31};

		expect_units(c, "Kon Tum", 0, date_first_day(&dec),
		    "KT-DAKGLEI KT-ENDEDYESTERDAY KT-ENDSLATER KT-ENDSTODAY "
		    "KT-OLD KT-SNGV");
		expect_units(c, "Kon Tum", 0, date_first_day(&dec) + 1,
		    "KT-DAKGLEI KT-ENDEDYESTERDAY KT-ENDSLATER KT-ENDSTODAY "
		    "KT-SNGV");
	}
}

/* ---- activities ---- */

static void
test_activity_insert_get(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = open_writer(f);
	struct spec s = {.id = "kt-2023-001",
	    .partners = {"LA-XE", "LA-XE-DAKCHEUNG"},
	    .kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT,
	    .fields = {"an ninh biên giới", "y tế"},
	    .start = "2023-04-11",
	    .end = "2023-04-13",
	    .title = "Đoàn công tác huyện Đắk Glei thăm huyện Đắk Chưng",
	    .summary = "Trao đổi về tuần tra chung.",
	    .place = "Đắk Chưng",
	    .leader = "Phó Chủ tịch UBND huyện"};
	Hoptac__V1__Activity *a, *got = NULL;

	insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	a = activity_new(&s);
	assert_int_equal(store_activity_insert(c, a), STATUS_OK);
	assert_int_equal(store_activity_get(c, "kt-2023-001", &got), STATUS_OK);
	assert_non_null(got);
	assert_same_message(&a->base, &got->base);
	assert_string_equal(got->start_date, "2023-04-11");
	assert_int_equal(got->n_partner_codes, 2);
	activity_free(got);

	assert_int_equal(
	    store_activity_get(c, "kt-2023-002", &got), STATUS_NOT_FOUND);
	assert_null(got);
	/* The same id again. */
	assert_int_equal(store_activity_insert(c, a), STATUS_ALREADY_EXISTS);
	activity_free(a);

	/* A start date that does not parse is refused, not stored. */
	s.id = "kt-2023-003";
	s.start = "sometime";
	a = activity_new(&s);
	assert_int_equal(store_activity_insert(c, a), STATUS_INVALID_ARGUMENT);
	assert_int_equal(
	    store_activity_get(c, "kt-2023-003", &got), STATUS_NOT_FOUND);
	activity_free(a);
}

static void
test_activity_update(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = open_writer(f);
	struct spec s = {.id = "kt-2023-001",
	    .partners = {"LA-XE-DAKCHEUNG"},
	    .start = "2023-04",
	    .title = "Hội đàm"};
	Hoptac__V1__Activity *a, *got = NULL;
	Hoptac__V1__ListActivitiesRequest q =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__ListActivitiesResponse out =
	    HOPTAC__V1__LIST_ACTIVITIES_RESPONSE__INIT;

	insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	insert_unit(c, "KT-SNGV", "Kon Tum", "");
	a = activity_new(&s);
	assert_int_equal(store_activity_insert(c, a), STATUS_OK);

	/* The amendment the server makes: new content, version + 1. */
	assert_int_equal(pbstr_set(&a->title, "Hội đàm cấp tỉnh"), 0);
	assert_int_equal(pbstr_set(&a->unit_code, "KT-SNGV"), 0);
	pbstr_clear_all(&a->n_partner_codes, &a->partner_codes);
	assert_int_equal(
	    pbstr_append(&a->n_partner_codes, &a->partner_codes, "LA-AT"), 0);
	a->version = 2;
	assert_int_equal(store_activity_update(c, a, 1), STATUS_OK);
	assert_int_equal(store_activity_get(c, s.id, &got), STATUS_OK);
	assert_int_equal(got->version, 2);
	assert_string_equal(got->title, "Hội đàm cấp tỉnh");
	assert_same_message(&a->base, &got->base);
	activity_free(got);

	/* The derived columns follow: unit and partners. */
	q.unit_code = "KT-SNGV";
	assert_int_equal(store_activity_list(c, &q, &out), STATUS_OK);
	assert_int_equal(out.total, 1);
	hoptac__v1__activity__free_unpacked(out.activities[0], NULL);
	free(out.activities);
	out.activities = NULL;
	out.n_activities = 0;
	q.unit_code = "";
	q.partner = "LA-XE";
	assert_int_equal(store_activity_list(c, &q, &out), STATUS_OK);
	assert_int_equal(out.total, 0);
	assert_int_equal(out.n_activities, 0);

	/* A stale version: refused, and nothing changes. */
	assert_int_equal(pbstr_set(&a->title, "lost update"), 0);
	a->version = 2;
	assert_int_equal(store_activity_update(c, a, 1), STATUS_ABORTED);
	a->version = 4;
	assert_int_equal(store_activity_update(c, a, 3), STATUS_ABORTED);
	assert_int_equal(store_activity_get(c, s.id, &got), STATUS_OK);
	assert_int_equal(got->version, 2);
	assert_string_equal(got->title, "Hội đàm cấp tỉnh");
	activity_free(got);

	/* An id that is not stored. */
	assert_int_equal(pbstr_set(&a->id, "kt-2023-404"), 0);
	a->version = 2;
	assert_int_equal(store_activity_update(c, a, 1), STATUS_ABORTED);
	assert_int_equal(
	    store_activity_get(c, "kt-2023-404", &got), STATUS_NOT_FOUND);
	activity_free(a);
}

/*
 * The list fixture, by start date:
 *   a4 2021-06-05, a1 2022-11, (a6 2022-12-01 withdrawn), a2 2023,
 *   a3 2023-04-11..13, a5 2024-01
 */
static const struct spec list_specs[] = {
    {.id = "a1",
        .partners = {"LA-XE-DAKCHEUNG"},
        .kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT,
        .fields = {"An ninh biên giới"},
        .start = "2022-11",
        .title = "Đoàn huyện Đắk Glei sang thăm huyện Đắk Chưng"},
    {.id = "a2",
        .unit = "KT-SNGV",
        .partners = {"LA-XE"},
        .kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE,
        .fields = {"kinh tế", "thương mại"},
        .start = "2023",
        .title = "Hội nghị tổng kết hợp tác"},
    {.id = "a3",
        .unit = "KT-SNGV",
        .partners = {"LA-AT"},
        .kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_AGREEMENT,
        .fields = {"giáo dục"},
        .start = "2023-04-11",
        .end = "2023-04-13",
        .title = "Ký kết biên bản ghi nhớ",
        .place = "Attapeu",
        .leader = "Giám đốc Sở Ngoại vụ"},
    {.id = "a4",
        .partners = {"LA-XE-KALEUM"},
        .kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_BORDER_WORK,
        .fields = {"an ninh biên giới", "quốc phòng"},
        .start = "2021-06-05",
        .title = "Tuần tra song phương"},
    {.id = "a5",
        .partners = {"LA-XE", "LA-AT"},
        .kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_TRAINING,
        .fields = {"y tế"},
        .start = "2024-01",
        .title = "Lớp tập huấn",
        .summary = "Đào tạo cán bộ y tế ở ĐẮK GLEI"},
    {.id = "a6",
        .unit = "KT-SNGV",
        .partners = {"LA-XE"},
        .start = "2022-12-01",
        .title = "Đoàn vào (đã rút)",
        .withdrawn = 1},
};

static struct store_conn *
list_fixture(struct fixture *f)
{
	struct store_conn *c = open_writer(f);

	insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	insert_unit(c, "KT-SNGV", "Kon Tum", "");
	for (size_t i = 0; i < sizeof(list_specs) / sizeof(list_specs[0]); i++)
		insert_activity(c, &list_specs[i]);
	return c;
}

/* One page of q as space-separated ids; the token and total come back
 * too. */
static int
list_page(struct store_conn *c, const Hoptac__V1__ListActivitiesRequest *q,
    char *ids, size_t idslen, char *token, size_t tokenlen, uint64_t *total)
{
	Hoptac__V1__ListActivitiesResponse *out = malloc(sizeof(*out));
	int rc;

	assert_non_null(out);
	hoptac__v1__list_activities_response__init(out);
	rc = store_activity_list(c, q, out);
	ids[0] = '\0';
	for (size_t i = 0; i < out->n_activities; i++) {
		size_t n = strlen(ids);

		snprintf(ids + n, idslen - n, "%s%s", i ? " " : "",
		    out->activities[i]->id);
	}
	snprintf(token, tokenlen, "%s", out->next_page_token);
	*total = out->total;
	protobuf_c_message_free_unpacked(&out->base, NULL);
	return rc;
}

/* All matches of q on one page, in order; the total must agree. */
static void
expect_list(struct store_conn *c, const Hoptac__V1__ListActivitiesRequest *q,
    const char *want)
{
	char ids[256], token[64];
	uint64_t total = 0, n = 0;
	int rc =
	    list_page(c, q, ids, sizeof(ids), token, sizeof(token), &total);

	if (rc != STATUS_OK)
		fail_msg("list: %s", status_name(rc));
	if (strcmp(ids, want) != 0)
		fail_msg("list gave \"%s\", want \"%s\"", ids, want);
	assert_string_equal(token, "");
	if (want[0] != '\0')
		for (const char *p = want, *sp; p != NULL;
		     p = (sp = strchr(p, ' ')) ? sp + 1 : NULL)
			n++;
	assert_int_equal(total, n);
}

#define LIST_INIT HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT

static void
test_list_all_and_withdrawn(void **state)
{
	struct store_conn *c = list_fixture(*state);
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;

	expect_list(c, &q, "a4 a1 a2 a3 a5");
	q.include_withdrawn = 1;
	expect_list(c, &q, "a4 a1 a6 a2 a3 a5");
}

static void
test_list_unit_kind(void **state)
{
	struct store_conn *c = list_fixture(*state);
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;

	q.unit_code = "KT-DAKGLEI";
	expect_list(c, &q, "a4 a1 a5");
	q.unit_code = "KT-SNGV";
	expect_list(c, &q, "a2 a3");
	q.unit_code = "KT-DAKTO";
	expect_list(c, &q, "");
	q.unit_code = "";
	q.kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE;
	expect_list(c, &q, "a2");
	q.kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER;
	expect_list(c, &q, "");
	q.include_withdrawn = 1;
	expect_list(c, &q, "a6");
}

static void
test_list_dates(void **state)
{
	struct store_conn *c = list_fixture(*state);
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;

	/* from: ending on or after the first day of the partial date */
	q.from_date = "2023";
	expect_list(c, &q, "a2 a3 a5");
	q.from_date = "2022-11";
	expect_list(c, &q, "a1 a2 a3 a5");
	q.from_date = "2022-12";
	expect_list(c, &q, "a2 a3 a5");
	/* to: starting on or before the last day of the partial date */
	q.from_date = "";
	q.to_date = "2022-11";
	expect_list(c, &q, "a4 a1");
	q.to_date = "2022";
	expect_list(c, &q, "a4 a1");
	q.to_date = "2021-06-04";
	expect_list(c, &q, "");
	q.to_date = "2021-06-05";
	expect_list(c, &q, "a4");
	/* A whole month against an activity dated by its month. */
	q.from_date = "2022-11";
	q.to_date = "2022-11";
	expect_list(c, &q, "a1");
	/* A day inside a3's three days, and inside a2's whole year. */
	q.from_date = "2023-04-12";
	q.to_date = "2023-04-12";
	expect_list(c, &q, "a2 a3");
	/* The day after a3 ended. */
	q.from_date = "2023-04-14";
	q.to_date = "2023-12";
	expect_list(c, &q, "a2");
}

static void
test_list_partner(void **state)
{
	struct store_conn *c = list_fixture(*state);
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;

	/* A province finds its own activities and its districts'. */
	q.partner = "LA-XE";
	expect_list(c, &q, "a4 a1 a2 a5");
	q.partner = "LA-XE-DAKCHEUNG";
	expect_list(c, &q, "a1");
	q.partner = "LA-AT";
	expect_list(c, &q, "a3 a5");
	/* Not a prefix match: "LA-X" is no province of "LA-XE". */
	q.partner = "LA-X";
	expect_list(c, &q, "");
	q.partner = "LA-XE-";
	expect_list(c, &q, "");
	q.partner = "LA-XE";
	q.include_withdrawn = 1;
	expect_list(c, &q, "a4 a1 a6 a2 a5");
}

static void
test_list_field(void **state)
{
	struct store_conn *c = list_fixture(*state);
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;

	q.field = "biên giới";
	expect_list(c, &q, "a4 a1");
	/* Folded: case and diacritics do not matter. */
	q.field = "AN NINH";
	expect_list(c, &q, "a4 a1");
	q.field = "thuong mai";
	expect_list(c, &q, "a2");
	/* A substring of a field. */
	q.field = "kinh";
	expect_list(c, &q, "a2");
	/* Every word must appear, in any order. */
	q.field = "quốc phòng an ninh";
	expect_list(c, &q, "a4");
	q.field = "giáo dục y tế";
	expect_list(c, &q, "");
}

static void
test_list_text(void **state)
{
	struct store_conn *c = list_fixture(*state);
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;

	/* In a title, and in a summary in capitals. */
	q.text = "dak glei";
	expect_list(c, &q, "a1 a5");
	q.text = "ĐẮK GLEI";
	expect_list(c, &q, "a1 a5");
	q.text = "Đắk Glei";
	expect_list(c, &q, "a1 a5");
	/* place and leader are searched too */
	q.text = "attapeu";
	expect_list(c, &q, "a3");
	q.text = "so ngoai vu";
	expect_list(c, &q, "a3");
	/* words from different activities match none */
	q.text = "glei tuần tra";
	expect_list(c, &q, "");
	/* with the other filters */
	q.text = "dak";
	q.unit_code = "KT-DAKGLEI";
	q.partner = "LA-XE";
	q.from_date = "2023";
	expect_list(c, &q, "a5");
}

static void
test_paging(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = open_writer(f);
	/* Inserted out of date order; b and c start the same day. */
	static const struct spec rows[] = {
	    {.id = "e", .start = "2024", .title = "e"},
	    {.id = "b", .start = "2023-01", .title = "b"},
	    {.id = "c", .start = "2023", .title = "c"},
	    {.id = "a", .start = "2022-05-06", .title = "a"},
	    {.id = "d", .start = "2023-06", .title = "d"},
	};
	static const char *const want[] = {"a b", "c d", "e"};
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;
	char ids[128], token[64] = "", next[64];
	uint64_t total;

	insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	for (size_t i = 0; i < 5; i++)
		insert_activity(c, &rows[i]);

	q.page_size = 2;
	for (size_t page = 0; page < 3; page++) {
		q.page_token = token;
		assert_int_equal(list_page(c, &q, ids, sizeof(ids), next,
		                     sizeof(next), &total),
		    STATUS_OK);
		assert_string_equal(ids, want[page]);
		assert_int_equal(total, 5);
		/* a token on every page but the last */
		assert_int_equal(next[0] == '\0', page == 2);
		snprintf(token, sizeof(token), "%s", next);
	}

	/* A page size of 0 is the default, more than 5. */
	q.page_size = 0;
	q.page_token = "";
	expect_list(c, &q, "a b c d e");

	/* A page exactly as long as what is left ends without a token. */
	q.page_size = 5;
	assert_int_equal(
	    list_page(c, &q, ids, sizeof(ids), next, sizeof(next), &total),
	    STATUS_OK);
	assert_string_equal(ids, "a b c d e");
	assert_string_equal(next, "");

	q.page_size = 2;
	q.page_token = "not a token";
	assert_int_equal(
	    list_page(c, &q, ids, sizeof(ids), next, sizeof(next), &total),
	    STATUS_INVALID_ARGUMENT);
	q.page_token = "19000";
	assert_int_equal(
	    list_page(c, &q, ids, sizeof(ids), next, sizeof(next), &total),
	    STATUS_INVALID_ARGUMENT);
	q.page_token = ".5";
	assert_int_equal(
	    list_page(c, &q, ids, sizeof(ids), next, sizeof(next), &total),
	    STATUS_INVALID_ARGUMENT);
}

/* ---- the idempotency log ---- */

static void
test_request_log(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = open_writer(f);
	static const char method[] = "/hoptac.v1.Activities/Submit";
	static const uint8_t reply[] = {
	    0x0a, 0x05, 0x0a, 0x01, 'x', 0x10, 0x01, 0x00, 0xff};
	uint8_t *got = NULL;
	size_t len = 0;

	assert_int_equal(store_request_save(c, "req-1", method, reply,
	                     sizeof(reply), 1700000000000),
	    STATUS_OK);
	assert_int_equal(
	    store_request_find(c, "req-1", method, &got, &len), STATUS_OK);
	assert_int_equal(len, sizeof(reply));
	assert_memory_equal(got, reply, sizeof(reply));
	free(got);

	got = NULL;
	assert_int_equal(store_request_find(c, "req-1",
	                     "/hoptac.v1.Activities/Amend", &got, &len),
	    STATUS_FAILED_PRECONDITION);
	assert_null(got);
	assert_int_equal(store_request_find(c, "req-2", method, &got, &len),
	    STATUS_NOT_FOUND);
	assert_null(got);
	/* An id is recorded once. */
	assert_int_equal(store_request_save(c, "req-1", method, reply, 1, 0),
	    STATUS_ALREADY_EXISTS);

	/* A reply that packs to nothing (every field at its default). */
	assert_int_equal(
	    store_request_save(c, "req-3", method, reply, 0, 0), STATUS_OK);
	len = 99;
	assert_int_equal(
	    store_request_find(c, "req-3", method, &got, &len), STATUS_OK);
	assert_int_equal(len, 0);
	assert_non_null(got);
	free(got);
}

/* ---- transactions ---- */

static void
test_savepoint_rolled_back(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = open_writer(f);

	assert_int_equal(store_begin(c), STATUS_OK);
	assert_int_equal(store_savepoint(c), STATUS_OK);
	insert_unit(c, "KT-KEPT", "Kon Tum", "");
	assert_int_equal(store_release(c), STATUS_OK);
	assert_int_equal(store_savepoint(c), STATUS_OK);
	insert_unit(c, "KT-DROPPED", "Kon Tum", "");
	assert_int_equal(store_unit_get(c, "KT-DROPPED", NULL), STATUS_OK);
	assert_int_equal(store_rollback_savepoint(c), STATUS_OK);
	/* The transaction goes on after the savepoint is gone. */
	assert_int_equal(store_savepoint(c), STATUS_OK);
	insert_unit(c, "KT-LATER", "Kon Tum", "");
	assert_int_equal(store_release(c), STATUS_OK);
	assert_int_equal(store_commit(c), STATUS_OK);

	assert_int_equal(
	    store_unit_get(c, "KT-DROPPED", NULL), STATUS_NOT_FOUND);
	assert_int_equal(store_unit_get(c, "KT-KEPT", NULL), STATUS_OK);
	assert_int_equal(store_unit_get(c, "KT-LATER", NULL), STATUS_OK);

	/* A whole transaction rolled back. */
	assert_int_equal(store_begin(c), STATUS_OK);
	insert_unit(c, "KT-GONE", "Kon Tum", "");
	assert_int_equal(store_rollback(c), STATUS_OK);
	assert_int_equal(store_unit_get(c, "KT-GONE", NULL), STATUS_NOT_FOUND);
}

static void
test_commit_durable(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = open_writer(f);
	struct store_conn *r = open_reader(f->path);
	static const struct spec s = {.id = "kt-1", .start = "2023"};
	Hoptac__V1__Activity *got = NULL;
	Hoptac__V1__Unit *u;

	assert_int_equal(store_begin(c), STATUS_OK);
	assert_int_equal(store_savepoint(c), STATUS_OK);
	insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	insert_activity(c, &s);
	assert_int_equal(store_release(c), STATUS_OK);
	/* A reader does not see what is not committed... */
	assert_int_equal(
	    store_unit_get(r, "KT-DAKGLEI", NULL), STATUS_NOT_FOUND);
	assert_int_equal(store_commit(c), STATUS_OK);
	/* ...and sees it once it is, on its next statement. */
	assert_int_equal(store_unit_get(r, "KT-DAKGLEI", NULL), STATUS_OK);
	/* A reader cannot write. */
	u = unit_new("KT-SNGV", "Sở Ngoại vụ", "Kon Tum", "");
	assert_int_not_equal(store_unit_insert(r, u), STATUS_OK);
	protobuf_c_message_free_unpacked(&u->base, NULL);
	assert_int_equal(store_unit_get(c, "KT-SNGV", NULL), STATUS_NOT_FOUND);
	store_close(r);
	store_close(f->db);
	f->db = NULL;

	c = open_writer(f);
	assert_int_equal(store_unit_get(c, "KT-DAKGLEI", NULL), STATUS_OK);
	assert_int_equal(store_activity_get(c, "kt-1", &got), STATUS_OK);
	assert_string_equal(got->start_date, "2023");
	activity_free(got);
}

/* Closing with statements still cached must release everything: the
 * sanitizer's leak check runs at exit, and the WAL must be closed so the
 * last connection's checkpoint removes it. */
/* ---- migrations and summaries ---- */

/* Runs SQL on the file directly, outside the store. */
static void
exec_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* A database of schema 1 with activities is taken to the latest schema,
 * and the rows migration 2 derives (activity fields) are filled from the
 * stored records. */
static void
test_migration_backfills_fields(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = open_writer(f);
	static const struct spec a1 = {"m-1", NULL, {"LA-XE", NULL, NULL},
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE,
	    {"an ninh biên giới", "kinh tế", NULL}, "2023", "", "Hội nghị", "",
	    "", "", 0};
	Hoptac__V1__SummaryResponse *out;
	int dims[1] = {HOPTAC__V1__DIMENSION__DIMENSION_FIELD};
	struct store_summary_query q = {
	    NULL, 0, NULL, 0, INT32_MIN, INT32_MAX, dims, 1, 0};

	insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	insert_activity(c, &a1);
	store_close(c);
	f->db = NULL;
	/* Back to schema 1: what the later migrations made is gone. */
	exec_sql(f->path,
	    "DROP TABLE reports; DROP TABLE request_units; DROP TABLE requests;"
	    "DROP TABLE activity_fields; DROP INDEX activities_summary;"
	    "DROP TABLE conflicts; DROP TABLE credentials; DROP TABLE audit;"
	    "DROP TRIGGER activity_counts_insert;"
	    "DROP TRIGGER activity_counts_update_old;"
	    "DROP TRIGGER activity_counts_update_new;"
	    "DROP TRIGGER activity_counts_delete;"
	    "DROP TABLE activity_day_counts; DROP TABLE activity_month_counts;"
	    "DROP TABLE activity_partner_day_counts;"
	    "DROP TABLE activity_partner_month_counts;"
	    "PRAGMA user_version = 1;");
	c = open_writer(f);
	assert_int_equal(user_version(f->path), STORE_SCHEMA_VERSION);
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

/* Summaries: a province takes in its districts, counts an activity once
 * even when it names both, withdrawn activities never count, and the
 * period is the activity's start. */
static void
test_summary_partners_and_period(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = open_writer(f);
	static const struct spec specs[] = {
	    {"s-1", NULL, {"LA-XE", "LA-XE-DAKCHEUNG", NULL},
	        HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT,
	        {NULL, NULL, NULL}, "2023-04-11", "", "a", "", "", "", 0},
	    {"s-2", NULL, {"LA-AT", NULL, NULL},
	        HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN,
	        {NULL, NULL, NULL}, "2023-12-31", "2024-01-02", "b", "", "", "",
	        0},
	    {"s-3", NULL, {"LA-XE", NULL, NULL},
	        HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT,
	        {NULL, NULL, NULL}, "2023-06", "", "c", "", "", "", 1},
	};
	char *partners[1] = {(char *)"LA-XE"};
	int dims[2] = {HOPTAC__V1__DIMENSION__DIMENSION_PARTNER,
	    HOPTAC__V1__DIMENSION__DIMENSION_QUARTER};
	struct store_summary_query q = {NULL, 0, NULL, 0, 0, 0, dims, 2, 0};
	struct date_partial d = {2023, 0, 0};
	Hoptac__V1__SummaryResponse *out;

	insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	for (size_t i = 0; i < 3; i++)
		insert_activity(c, &specs[i]);
	q.from_day = date_first_day(&d);
	q.to_day = date_last_day(&d);

	out = malloc(sizeof(*out));
	assert_non_null(out);
	hoptac__v1__summary_response__init(out);
	assert_int_equal(store_summary(c, &q, out), STATUS_OK);
	assert_int_equal(out->n_rows, 2);
	assert_string_equal(out->rows[0]->keys[0], "LA-AT");
	assert_string_equal(out->rows[0]->keys[1], "2023-Q4");
	assert_int_equal(out->rows[0]->figures->delegations_in, 1);
	assert_int_equal(out->rows[0]->figures->people_in, 7);
	assert_string_equal(out->rows[1]->keys[0], "LA-XE");
	assert_string_equal(out->rows[1]->keys[1], "2023-Q2");
	assert_int_equal(out->rows[1]->figures->delegations_out, 1);
	assert_int_equal(out->rows[1]->figures->people_out, 7);
	assert_int_equal(out->totals->activities, 2);
	hoptac__v1__summary_response__free_unpacked(out, NULL);

	/* Scoped to Sê Kông, without grouping. */
	q.partners = partners;
	q.n_partners = 1;
	q.n_dims = 0;
	out = malloc(sizeof(*out));
	assert_non_null(out);
	hoptac__v1__summary_response__init(out);
	assert_int_equal(store_summary(c, &q, out), STATUS_OK);
	assert_int_equal(out->n_rows, 0);
	assert_int_equal(out->totals->activities, 1);
	assert_int_equal(out->totals->delegations_out, 1);
	hoptac__v1__summary_response__free_unpacked(out, NULL);
}

static void
test_close_releases(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = open_writer(f);
	char wal[160];

	insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	assert_int_equal(store_unit_get(c, "KT-DAKGLEI", NULL), STATUS_OK);
	store_close(c);
	f->db = NULL;
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_false(file_exists(wal));
}

/* store_sqlite_stmt finds statements by the address of their text: a buffer
 * that holds another text gets another statement, a statement still
 * running is not handed out twice, and more statements than the table
 * has slots are all found. */
static void
test_statement_cache(void **state)
{
	struct fixture *f = *state;
	struct store_sqlite *c = store_sqlite_of(open_writer(f));
	char buf[32], *many[STORE_STMT_SLOTS + 64];
	sqlite3_stmt *one, *two, *again;

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

/* Runs q from the kept counts and from the records; both must give the
 * same rows and totals. */
static void
assert_counts_agree(struct store_conn *c, struct store_summary_query *q)
{
	Hoptac__V1__SummaryResponse *a = malloc(sizeof(*a));
	Hoptac__V1__SummaryResponse *b = malloc(sizeof(*b));

	assert_non_null(a);
	assert_non_null(b);
	hoptac__v1__summary_response__init(a);
	hoptac__v1__summary_response__init(b);
	q->from_records = 0;
	assert_int_equal(store_summary(c, q, a), STATUS_OK);
	q->from_records = 1;
	assert_int_equal(store_summary(c, q, b), STATUS_OK);
	assert_same_message(&a->base, &b->base);
	hoptac__v1__summary_response__free_unpacked(a, NULL);
	hoptac__v1__summary_response__free_unpacked(b, NULL);
}

/*
 * The counts that summaries read are kept by triggers as records come,
 * change (another day, unit, kind or number of people) and are withdrawn;
 * for random records, changes and periods (whole months, parts of
 * months, a single day, nothing), every grouping the counts can answer
 * must match the records.
 */
static void
test_summary_counts_match_records(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = open_writer(f);
	static const char *const units[] = {"KT-DAKGLEI", "KT-DAKTO", "KT-NH"};
	static const int dim_sets[][3] = {{0, 0, 0},
	    {HOPTAC__V1__DIMENSION__DIMENSION_UNIT, 0, 0},
	    {HOPTAC__V1__DIMENSION__DIMENSION_KIND,
	        HOPTAC__V1__DIMENSION__DIMENSION_MONTH, 0},
	    {HOPTAC__V1__DIMENSION__DIMENSION_UNIT,
	        HOPTAC__V1__DIMENSION__DIMENSION_QUARTER,
	        HOPTAC__V1__DIMENSION__DIMENSION_KIND},
	    {HOPTAC__V1__DIMENSION__DIMENSION_YEAR, 0, 0},
	    {HOPTAC__V1__DIMENSION__DIMENSION_PARTNER, 0, 0},
	    {HOPTAC__V1__DIMENSION__DIMENSION_PARTNER,
	        HOPTAC__V1__DIMENSION__DIMENSION_QUARTER, 0},
	    {HOPTAC__V1__DIMENSION__DIMENSION_UNIT,
	        HOPTAC__V1__DIMENSION__DIMENSION_PARTNER,
	        HOPTAC__V1__DIMENSION__DIMENSION_KIND}};
	static const size_t dim_counts[] = {0, 1, 2, 3, 1, 1, 2, 3};
	/* Provinces and districts, a district with and without its
	 * province in one activity. */
	static const char *const partners[] = {
	    "LA-XE", "LA-XE-DAKCHEUNG", "LA-AT", "LA-AT-SANXAY", "LA-SV"};
	static char *const filters[][2] = {{(char *)"LA-XE", NULL},
	    {(char *)"LA-AT", (char *)"LA-SV"},
	    {(char *)"LA-XE-DAKCHEUNG", NULL}};
	uint32_t seed = 99;
	char id[32], start[16];

	for (size_t i = 0; i < 3; i++)
		insert_unit(c, units[i], "Kon Tum", "");
	assert_int_equal(store_begin(c), STATUS_OK);
	for (int i = 0; i < 600; i++) {
		struct spec sp = {id, NULL, {NULL, NULL, NULL}, 0,
		    {NULL, NULL, NULL}, start, "", "t", "", "", "", 0};
		Hoptac__V1__Activity *a;

		seed = seed * 1103515245u + 12345u;
		sp.partners[0] = partners[(seed >> 3) % 5];
		if ((seed >> 9) % 2)
			sp.partners[1] =
			    partners[(sp.partners[0] == partners[0])
			            ? 1
			            : (seed >> 10) % 5];
		if (sp.partners[1] == sp.partners[0])
			sp.partners[1] = NULL;
		snprintf(id, sizeof(id), "cnt-%d", i);
		snprintf(start, sizeof(start), "%d-%02u-%02u",
		    2023 + (int)(seed >> 8) % 2, 1 + (seed >> 12) % 12,
		    1 + (seed >> 16) % 28);
		sp.unit = units[(seed >> 20) % 3];
		sp.kind = 1 + (int)((seed >> 22) % 8);
		sp.withdrawn = (seed >> 26) % 10 == 0;
		a = activity_new(&sp);
		a->people = (int32_t)((seed >> 4) % 20);
		assert_int_equal(store_activity_insert(c, a), STATUS_OK);
		/* A third change: another day, unit, kind, people or state. */
		if ((seed >> 27) % 3 == 0) {
			pbstr_set(&a->start_date, "2024-02-29");
			pbstr_clear_all(&a->n_partner_codes, &a->partner_codes);
			pbstr_append(&a->n_partner_codes, &a->partner_codes,
			    partners[(seed >> 11) % 5]);
			pbstr_set(&a->unit_code, units[(seed >> 5) % 3]);
			a->kind = 1 + (int)((seed >> 6) % 8);
			a->people += 3;
			a->state = (seed >> 7) % 4 == 0
			    ? HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_WITHDRAWN
			    : HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_ACTIVE;
			a->version = 2;
			assert_int_equal(
			    store_activity_update(c, a, 1), STATUS_OK);
		}
		activity_free(a);
	}
	assert_int_equal(store_commit(c), STATUS_OK);
	for (int i = 0; i < 120; i++) {
		struct store_summary_query q = {
		    NULL, 0, NULL, 0, 0, 0, dim_sets[i % 8], 0, 0};
		char *unit = (char *)units[i % 3];
		struct date_partial from = {2023, 1, 1}, to = {2024, 12, 31};

		seed = seed * 1103515245u + 12345u;
		q.n_dims = dim_counts[i % 8];
		if (i % 3 == 1) { /* one province, two, or a district */
			q.partners = filters[i / 3 % 3];
			q.n_partners = i / 3 % 3 == 1 ? 2 : 1;
		}
		q.from_day =
		    date_first_day(&from) + (int32_t)((seed >> 8) % 700);
		q.to_day = q.from_day + (int32_t)((seed >> 18) % 400);
		if (i % 7 == 0) /* whole months only */
			q.to_day = date_last_day(&to);
		if (i % 11 == 0)
			q.to_day = q.from_day;
		if (i % 4 == 0) {
			q.units = &unit;
			q.n_units = 1;
		}
		assert_counts_agree(c, &q);
	}
	/* No period at all: everything. */
	{
		struct store_summary_query q = {
		    NULL, 0, NULL, 0, INT32_MIN, INT32_MAX, dim_sets[3], 3, 0};

		assert_counts_agree(c, &q);
	}
}

/* The most a request can ask (1,000 units, 32 partners) makes the
 * longest summary query: it must run, from the records and the counts. */
static void
test_summary_widest_query(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c = open_writer(f);
	static char names[1000][16], pnames[32][16];
	char *units[1000], *partners[32];
	int dims[2] = {HOPTAC__V1__DIMENSION__DIMENSION_PARTNER,
	    HOPTAC__V1__DIMENSION__DIMENSION_UNIT};

	for (int i = 0; i < 1000; i++) {
		snprintf(names[i], sizeof(names[i]), "U-%04d", i);
		units[i] = names[i];
	}
	for (int i = 0; i < 32; i++) {
		snprintf(pnames[i], sizeof(pnames[i]), "LA-%c%c", 'A' + i / 26,
		    'A' + i % 26);
		partners[i] = pnames[i];
	}
	for (int from_records = 0; from_records < 2; from_records++)
		for (size_t n_dims = 0; n_dims < 3; n_dims++) {
			struct store_summary_query q = {units, 1000, partners,
			    32, 0, 40000, dims, n_dims, from_records};
			Hoptac__V1__SummaryResponse *out = malloc(sizeof(*out));

			assert_non_null(out);
			hoptac__v1__summary_response__init(out);
			assert_int_equal(store_summary(c, &q, out), STATUS_OK);
			assert_int_equal(out->n_rows, 0);
			hoptac__v1__summary_response__free_unpacked(out, NULL);
		}
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_open_creates_schema),
	    T(test_reader_missing_file),
	    T(test_unknown_backend),
	    T(test_backend_ops_complete),
	    T(test_newer_schema_refused),
	    T(test_reader_needs_schema),
	    T(test_garbage_file_refused),
	    T(test_units),
	    T(test_unit_list),
	    T(test_activity_insert_get),
	    T(test_activity_update),
	    T(test_list_all_and_withdrawn),
	    T(test_list_unit_kind),
	    T(test_list_dates),
	    T(test_list_partner),
	    T(test_list_field),
	    T(test_list_text),
	    T(test_paging),
	    T(test_request_log),
	    T(test_savepoint_rolled_back),
	    T(test_commit_durable),
	    T(test_close_releases),
	    T(test_statement_cache),
	    T(test_migration_backfills_fields),
	    T(test_summary_partners_and_period),
	    T(test_summary_counts_match_records),
	    T(test_summary_widest_query),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
