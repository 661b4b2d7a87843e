/*
 * Summaries: periods, provinces and their districts, and the kept counts
 * answering as the records do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libpq-fe.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "store_fixture.h"

/* Summaries: a province takes in its districts, counts an activity once
 * even when it names both, withdrawn activities never count, and the
 * period is the activity's start. */
static void
test_summary_partners_and_period(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	static const struct store_fixture_spec specs[] = {
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
	struct store_summary_query q = {NULL, 0, NULL, 0, 0, 0, dims, 2, 0, 0};
	struct date_partial d = {2023, 0, 0, 0};
	Hoptac__V1__SummaryResponse *out;

	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	for (size_t i = 0; i < 3; i++)
		store_fixture_insert_activity(c, &specs[i]);
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
	store_fixture_assert_same(&a->base, &b->base);
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
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
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
		store_fixture_insert_unit(c, units[i], "Kon Tum", "");
	assert_int_equal(store_begin(c), STATUS_OK);
	for (int i = 0; i < 600; i++) {
		struct store_fixture_spec sp = {id, NULL, {NULL, NULL, NULL}, 0,
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
		/* Some starts partial: a year, a quarter, a month. */
		if ((seed >> 24) % 8 < 3)
			start[(seed >> 24) % 8 == 0 ? 4 : 7] = '\0';
		if ((seed >> 24) % 8 == 1)
			snprintf(start + 4, sizeof(start) - 4, "-Q%u",
			    1 + (seed >> 12) % 4);
		sp.unit = units[(seed >> 20) % 3];
		sp.kind = 1 + (int)((seed >> 22) % 8);
		sp.withdrawn = (seed >> 26) % 10 == 0;
		a = store_fixture_activity(&sp);
		a->people = (int32_t)((seed >> 4) % 20);
		assert_int_equal(store_activity_insert(c, a), STATUS_OK);
		/* A third change: another day, kind, people or state (a
		 * record stays in its unit: its id is the unit's). */
		if ((seed >> 27) % 3 == 0) {
			pbstr_set(&a->start_date,
			    (seed >> 5) % 3 == 0 ? "2024-Q1" : "2024-02-29");
			pbstr_clear_all(&a->n_partner_codes, &a->partner_codes);
			pbstr_append(&a->n_partner_codes, &a->partner_codes,
			    partners[(seed >> 11) % 5]);
			a->kind = 1 + (int)((seed >> 6) % 8);
			a->people += 3;
			a->state = (seed >> 7) % 4 == 0
			    ? HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_WITHDRAWN
			    : HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_ACTIVE;
			a->version = 2;
			assert_int_equal(
			    store_activity_update(c, a, 1), STATUS_OK);
		}
		store_fixture_activity_free(a);
	}
	assert_int_equal(store_commit(c), STATUS_OK);
	for (int i = 0; i < 120; i++) {
		struct store_summary_query q = {
		    NULL, 0, NULL, 0, 0, 0, dim_sets[i % 8], 0, 0, 0};
		char *unit = (char *)units[i % 3];
		struct date_partial from = {2023, 1, 1, 0},
		                    to = {2024, 12, 31, 0};

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
		struct store_summary_query q = {NULL, 0, NULL, 0, INT32_MIN,
		    INT32_MAX, dim_sets[3], 3, 0, 0};

		assert_counts_agree(c, &q);
	}
}

/* Summaries by partner and quarter, by unit and kind, and by month, from
 * the kept counts and from the records, over every period. */
static void
assert_all_counts_agree(struct store_conn *c)
{
	static const int dims[][2] = {
	    {HOPTAC__V1__DIMENSION__DIMENSION_PARTNER,
	        HOPTAC__V1__DIMENSION__DIMENSION_QUARTER},
	    {HOPTAC__V1__DIMENSION__DIMENSION_UNIT,
	        HOPTAC__V1__DIMENSION__DIMENSION_KIND},
	    {HOPTAC__V1__DIMENSION__DIMENSION_MONTH, 0}};

	for (size_t i = 0; i < 3; i++) {
		struct store_summary_query q = {NULL, 0, NULL, 0, INT32_MIN,
		    INT32_MAX, dims[i], i == 2 ? 1 : 2, 0, 0};

		assert_counts_agree(c, &q);
	}
}

/* New records wait in the inbox: a reader's connection does not see
 * them, they outlive the writer's connection (as after a kill), and one
 * settling puts them all where queries read them, the counts included,
 * each key written once for many records. As many as make the settling
 * sum its counts of one key before it has gathered them all (some five
 * a record, 4,096 before the first summing). */
#define SPREAD 2000
static void
test_inbox_waits_and_settles(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f), *r;
	Hoptac__V1__ListActivitiesRequest q =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__ListActivitiesResponse *page;
	int64_t moved = -1;
	char id[32];

	STORE_FIXTURE_SQLITE_ONLY();
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_unit(c, "KT-DAKTO", "Kon Tum", "");
	store_fixture_insert_spread(c, 0, SPREAD);
	assert_true(store_unsettled(c) >= SPREAD);
	r = store_fixture_reader(f->path);
	page = malloc(sizeof(*page));
	assert_non_null(page);
	hoptac__v1__list_activities_response__init(page);
	q.include_withdrawn = 1;
	assert_int_equal(store_activity_list(r, &q, page), STATUS_OK);
	assert_int_equal(page->total, 0);
	hoptac__v1__list_activities_response__free_unpacked(page, NULL);

	store_close(c);
	c = f->db = NULL;
	c = store_fixture_writer(f);
	assert_true(store_unsettled(c) >= SPREAD);
	assert_int_equal(store_begin(c), STATUS_OK);
	assert_int_equal(store_settle(c, &moved), STATUS_OK);
	assert_int_equal(store_commit(c), STATUS_OK);
	assert_int_equal(moved, SPREAD);
	assert_int_equal(store_unsettled(c), 0);

	page = malloc(sizeof(*page));
	assert_non_null(page);
	hoptac__v1__list_activities_response__init(page);
	assert_int_equal(store_activity_list(r, &q, page), STATUS_OK);
	assert_int_equal(page->total, SPREAD);
	hoptac__v1__list_activities_response__free_unpacked(page, NULL);
	store_close(r);
	assert_all_counts_agree(c);
	/* The same id again, waiting or settled, is refused. */
	store_fixture_insert_spread(c, SPREAD, 1);
	{
		struct store_fixture_spec sp = {id, NULL, {"LA-XE", NULL, NULL},
		    1, {NULL, NULL, NULL}, "2024", "", "t", "", "", "", 0};
		Hoptac__V1__Activity *a;

		snprintf(id, sizeof(id), "in-%d", SPREAD);
		a = store_fixture_activity(&sp);
		assert_int_equal(
		    store_activity_insert(c, a), STATUS_ALREADY_EXISTS);
		pbstr_set(&a->id, "in-1");
		pbstr_set(&a->unit_code, "KT-DAKTO");
		assert_int_equal(
		    store_activity_insert(c, a), STATUS_ALREADY_EXISTS);
		store_fixture_activity_free(a);
	}
}

/* A settling that fails (here a damaged row in the inbox, the
 * damaged-th of n) is not hidden: a new record tries it first and fails
 * with it, instead of being acknowledged into an inbox no read would
 * show. */
static void
failing_settle_refuses(struct store_fixture *f, int n, int damaged)
{
	struct store_conn *c = store_fixture_writer(f);
	struct store_fixture_spec sp = {"late-1", NULL, {"LA-XE", NULL, NULL},
	    1, {NULL, NULL, NULL}, "2024-05-02", "", "t", "", "", "", 0};
	Hoptac__V1__Activity *a;
	int64_t waiting;
	char sql[128];

	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_unit(c, "KT-DAKTO", "Kon Tum", "");
	store_fixture_insert_spread(c, 0, n);
	store_close(c);
	c = f->db = NULL;
	snprintf(sql, sizeof(sql),
	    "UPDATE activity_inbox SET body = x'ff' WHERE id = 'in-%d'",
	    damaged);
	store_fixture_exec(f->path, sql);
	c = store_fixture_writer(f);
	waiting = store_unsettled(c);
	assert_true(waiting >= n);
	assert_int_equal(store_settle(c, NULL), STATUS_DATA_LOSS);
	a = store_fixture_activity(&sp);
	assert_int_not_equal(store_activity_insert(c, a), STATUS_OK);
	store_fixture_activity_free(a);
	/* Nothing of it was kept: the records wait, as before. */
	assert_int_equal(store_unsettled(c), waiting);
}

static void
test_inbox_failing_settle_refuses(void **state)
{
	STORE_FIXTURE_SQLITE_ONLY();
	failing_settle_refuses(*state, 3, 1);
}

/* The same when the records are made ready on a second thread (a
 * settling of more than a few chunks of them), the damaged one many
 * chunks in, while the chunks after it are being made ready. */
static void
test_inbox_failing_settle_apart(void **state)
{
	STORE_FIXTURE_SQLITE_ONLY();
	failing_settle_refuses(*state, 1000, 700);
}

/* What migration 13 added, taken away again: the column of the start's
 * last day and its indexes, and the triggers that counted any start by
 * its first day. */
#define SCHEMA_12_SPANS                                                        \
	"DROP TRIGGER activity_counts_update_old;"                             \
	"DROP TRIGGER activity_counts_update_new;"                             \
	"DROP TRIGGER activity_counts_delete;"                                 \
	"DROP INDEX activities_partial;"                                       \
	"DROP INDEX activities_by_day;"                                        \
	"CREATE INDEX activities_by_start ON activities(start_day, seq);"      \
	"ALTER TABLE activities DROP COLUMN start_last;"                       \
	"CREATE INDEX activities_summary ON activities"                        \
	"  (start_day, state, unit_code, kind, people);"                       \
	"CREATE TRIGGER activity_counts_update_old AFTER UPDATE ON activities" \
	"  WHEN old.state = 1 BEGIN"                                           \
	"  UPDATE activity_day_counts SET n = n - 1, people = people -"        \
	"  old.people WHERE day = old.start_day AND unit_code ="               \
	"  old.unit_code AND kind = old.kind; END;"                            \
	"CREATE TRIGGER activity_counts_update_new AFTER UPDATE ON activities" \
	"  WHEN new.state = 1 BEGIN"                                           \
	"  INSERT INTO activity_day_counts VALUES (new.start_day,"             \
	"  new.unit_code, new.kind, 1, new.people) ON CONFLICT DO UPDATE"      \
	"  SET n = n + 1, people = people + excluded.people; END;"             \
	"CREATE TRIGGER activity_counts_delete AFTER DELETE ON activities"     \
	"  WHEN old.state = 1 BEGIN"                                           \
	"  UPDATE activity_day_counts SET n = n - 1, people = people -"        \
	"  old.people WHERE day = old.start_day AND unit_code ="               \
	"  old.unit_code AND kind = old.kind; END;"

/* The activities of the summary row keyed key (by month), or -1. */
static int
month_row(struct store_conn *c, const char *key, int from_records)
{
	Hoptac__V1__SummaryResponse *out = store_fixture_summary_by(
	    c, HOPTAC__V1__DIMENSION__DIMENSION_MONTH, from_records);
	int n = -1;

	for (size_t i = 0; i < out->n_rows; i++)
		if (strcmp(out->rows[i]->keys[0], key) == 0)
			n = out->rows[i]->figures->activities;
	hoptac__v1__summary_response__free_unpacked(out, NULL);
	return n;
}

/* Migration 13: a database of schema 12, where a start known by its
 * year alone was counted on 1 January, migrates; each start then keeps
 * its span, the counts hold full dates only, and changes afterwards are
 * counted as the records say. */
static void
test_migration_13_spans(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	static const char *const starts[] = {
	    "2025-01-15", "2025", "2025-08", "2025-Q3", "2025-01"};
	char id[16];

	STORE_FIXTURE_SQLITE_ONLY();
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	for (int i = 0; i < 5; i++) {
		struct store_fixture_spec sp = {id, NULL, {"LA-XE", NULL, NULL},
		    1, {NULL, NULL, NULL}, starts[i], "", "t", "", "", "", 0};

		snprintf(id, sizeof(id), "m13-%d", i);
		store_fixture_insert_activity(c, &sp);
	}
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	store_close(c);
	c = f->db = NULL;
	/* Schema 12 as it was: every start counted on its first day. */
	store_fixture_exec(f->path,
	    SCHEMA_12_SPANS
	    "DELETE FROM activity_day_counts;"
	    "DELETE FROM activity_month_counts;"
	    "DELETE FROM activity_partner_day_counts;"
	    "DELETE FROM activity_partner_month_counts;"
	    "INSERT INTO activity_day_counts SELECT start_day, unit_code,"
	    "  kind, count(*), sum(people) FROM activities WHERE state = 1"
	    "  GROUP BY 1, 2, 3;"
	    "INSERT INTO activity_month_counts SELECT (CAST(strftime('%s',"
	    "  start_day * 86400, 'unixepoch', 'start of month') AS INTEGER)"
	    "  / 86400), unit_code, kind, count(*), sum(people)"
	    "  FROM activities WHERE state = 1 GROUP BY 1, 2, 3;"
	    "PRAGMA user_version = 12;");
	c = store_fixture_writer(f);
	assert_int_equal(store_fixture_version(f->path), STORE_SCHEMA_VERSION);
	for (int r = 0; r < 2; r++) {
		assert_int_equal(month_row(c, "2025-01", r), 2);
		assert_int_equal(month_row(c, "2025-08", r), 1);
		assert_int_equal(month_row(c, "2025-Q3", r), 1);
		assert_int_equal(month_row(c, "2025", r), 1);
	}
	assert_all_counts_agree(c);
	/* The year becomes a day, the day a quarter: both move. */
	{
		struct store_fixture_spec sp = {"m13-1", NULL,
		    {"LA-XE", NULL, NULL}, 1, {NULL, NULL, NULL}, "2025-03-02",
		    "", "t", "", "", "", 0};
		Hoptac__V1__Activity *a = store_fixture_activity(&sp);

		a->version = 2;
		assert_int_equal(store_activity_update(c, a, 1), STATUS_OK);
		pbstr_set(&a->id, "m13-0");
		pbstr_set(&a->start_date, "2025-Q1");
		assert_int_equal(store_activity_update(c, a, 1), STATUS_OK);
		store_fixture_activity_free(a);
	}
	for (int r = 0; r < 2; r++) {
		assert_int_equal(month_row(c, "2025-01", r), 1);
		assert_int_equal(month_row(c, "2025-03", r), 1);
		assert_int_equal(month_row(c, "2025-Q1", r), 1);
		assert_int_equal(month_row(c, "2025", r), -1);
	}
	assert_all_counts_agree(c);
}

/* Migration 12: the counts of new records are the settling's, so the
 * trigger that counted each insert goes; a database of schema 11 with
 * records in it migrates and then counts each new record once. */
static void
test_migration_12_counts_once(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);

	STORE_FIXTURE_SQLITE_ONLY();
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_unit(c, "KT-DAKTO", "Kon Tum", "");
	store_fixture_insert_spread(c, 0, 40);
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	store_close(c);
	c = f->db = NULL;
	/* Schema 11 as it was: no inbox, each insert counted by trigger. */
	store_fixture_exec(f->path,
	    "DROP TABLE activity_inbox;"
	    "CREATE TRIGGER activity_counts_insert AFTER INSERT ON activities"
	    "  WHEN new.state = 1 BEGIN"
	    "  INSERT INTO activity_day_counts VALUES (new.start_day,"
	    "  new.unit_code, new.kind, 1, new.people) ON CONFLICT DO UPDATE"
	    "  SET n = n + 1, people = people + excluded.people;"
	    "  INSERT INTO activity_month_counts VALUES ((CAST(strftime('%s',"
	    "  new.start_day * 86400, 'unixepoch', 'start of month') AS"
	    "  INTEGER) / 86400), new.unit_code, new.kind, 1, new.people)"
	    "  ON CONFLICT DO UPDATE SET n = n + 1,"
	    "  people = people + excluded.people; END;" SCHEMA_12_SPANS
	    "PRAGMA user_version = 11;");
	c = store_fixture_writer(f);
	assert_int_equal(store_fixture_version(f->path), STORE_SCHEMA_VERSION);
	store_fixture_insert_spread(c, 40, 40);
	assert_all_counts_agree(c);
}

/* The one value sql reads from the test's database, as text. */
static void
pg_text(const struct store_fixture *f, const char *sql, char *out, size_t len)
{
	PGconn *db = PQconnectdb(f->path + strlen("postgresql:"));
	PGresult *res;

	assert_int_equal(PQstatus(db), CONNECTION_OK);
	res = PQexec(db, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		fail_msg("%s: %s", sql, PQerrorMessage(db));
	snprintf(out, len, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	PQfinish(db);
}

/* Every row of the four tables of counts with something counted in it,
 * as one text. */
#define PG_COUNTS_ROWS                                                         \
	"SELECT coalesce(string_agg(r, ' ' ORDER BY r), '') FROM ("            \
	" SELECT concat_ws(',', 'd', day, unit_code, kind, n, people) r"       \
	" FROM activity_day_counts WHERE n <> 0 UNION ALL"                     \
	" SELECT concat_ws(',', 'm', month_day, unit_code, kind, n, people)"   \
	" FROM activity_month_counts WHERE n <> 0 UNION ALL"                   \
	" SELECT concat_ws(',', 'pd', day, unit_code, kind, province, n,"      \
	" people) FROM activity_partner_day_counts WHERE n <> 0 UNION ALL"     \
	" SELECT concat_ws(',', 'pm', month_day, unit_code, kind, province,"   \
	" n, people) FROM activity_partner_month_counts WHERE n <> 0) x"

/* Of each table of counts: its rows, and the activities and people
 * counted in it. */
#define PG_COUNTS_SUMS(t)                                                      \
	"(SELECT count(*) || '|' || sum(n) || '|' || sum(people) FROM " t ")"
/* clang-format off */
static const char pg_counts_sums[] =
    "SELECT " PG_COUNTS_SUMS("activity_day_counts")
    " || ' ' || " PG_COUNTS_SUMS("activity_month_counts")
    " || ' ' || " PG_COUNTS_SUMS("activity_partner_day_counts")
    " || ' ' || " PG_COUNTS_SUMS("activity_partner_month_counts");
/* clang-format on */

/* The units KT-DAKGLEI and KT-DAKTO and the n records of specs, stored
 * through the fixture's writer; then the database set back to schema
 * version with sql, and opened again, migrating it forward. */
static struct store_conn *
pg_migrate_from(struct store_fixture *f, const struct store_fixture_spec *specs,
    size_t n, int version, const char *sql)
{
	struct store_conn *c = store_fixture_writer(f);

	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_unit(c, "KT-DAKTO", "Kon Tum", "");
	for (size_t i = 0; i < n; i++)
		store_fixture_insert_activity(c, &specs[i]);
	store_close(f->db);
	f->db = NULL;
	store_fixture_exec(f->path, sql);
	assert_int_equal(store_fixture_version(f->path), version);
	c = store_fixture_writer(f);
	assert_int_equal(store_fixture_version(f->path), STORE_SCHEMA_VERSION);
	return c;
}

/* Migration 17 from a schema 16 database with records in it: the
 * counts are made from the records (a full date counted once under a
 * province however many of its partners are there; a partial start or
 * a withdrawn record not at all), summaries read them, and the triggers
 * keep them as records come, change and are withdrawn. */
static void
test_pg_migration_17_counts(void **state)
{
	struct store_fixture *f = *state;
	static const struct store_fixture_spec specs[] = {
	    {"m-1", NULL, {"LA-XE", "LA-XE-DAKCHEUNG", NULL}, 1,
	        {NULL, NULL, NULL}, "2023-04-11", "", "a", "", "", "", 0},
	    {"m-2", NULL, {"LA-AT", NULL, NULL}, 2, {NULL, NULL, NULL},
	        "2023-04-20", "", "b", "", "", "", 0},
	    {"m-3", NULL, {"LA-XE", NULL, NULL}, 1, {NULL, NULL, NULL},
	        "2023-04-11", "", "c", "", "", "", 0},
	    {"m-4", NULL, {"LA-XE", NULL, NULL}, 1, {NULL, NULL, NULL},
	        "2023-06", "", "d", "", "", "", 0},
	    {"m-5", NULL, {"LA-AT", NULL, NULL}, 1, {NULL, NULL, NULL},
	        "2023-05-02", "", "e", "", "", "", 1},
	    {"m-6", "KT-DAKTO", {"LA-XE-DAKCHEUNG", "LA-XE", "LA-SV"}, 3,
	        {NULL, NULL, NULL}, "2023-08-15", "", "f", "", "", "", 0},
	};
	struct store_conn *c;
	Hoptac__V1__Activity *a;
	char kept[4096], again[4096];

	if (!store_fixture_pg())
		skip(); /* sqlite's 17 changes nothing */
	/* Schema 16, as the releases before 17 made it. */
	c = pg_migrate_from(f, specs, 5, 16,
	    "DROP FUNCTION hoptac_activity_counts, hoptac_partner_counts,"
	    " hoptac_partner_count, hoptac_counts_row, hoptac_counts_rebuild,"
	    " hoptac_partial_starts, hoptac_partial_provinces CASCADE;"
	    "DROP TABLE activity_day_counts, activity_month_counts,"
	    " activity_partner_day_counts, activity_partner_month_counts;"
	    "DELETE FROM hoptac_schema WHERE version >= 17");
	pg_text(f, pg_counts_sums, kept, sizeof(kept));
	assert_string_equal(kept, "2|3|21 2|3|21 2|3|21 2|3|21");
	assert_all_counts_agree(c);

	/* Records come, move to another day and other partners, become
	 * dated to the day, and are withdrawn. */
	store_fixture_insert_activity(c, &specs[5]);
	a = store_fixture_activity(&specs[0]);
	pbstr_set(&a->start_date, "2023-07-01");
	pbstr_clear_all(&a->n_partner_codes, &a->partner_codes);
	pbstr_append(&a->n_partner_codes, &a->partner_codes, "LA-AT");
	pbstr_append(&a->n_partner_codes, &a->partner_codes, "LA-SV");
	a->people = 9;
	a->version = 2;
	assert_int_equal(store_activity_update(c, a, 1), STATUS_OK);
	store_fixture_activity_free(a);
	a = store_fixture_activity(&specs[3]);
	pbstr_set(&a->start_date, "2023-06-30");
	a->version = 2;
	assert_int_equal(store_activity_update(c, a, 1), STATUS_OK);
	store_fixture_activity_free(a);
	a = store_fixture_activity(&specs[1]);
	a->state = HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_WITHDRAWN;
	a->version = 2;
	assert_int_equal(store_activity_update(c, a, 1), STATUS_OK);
	store_fixture_activity_free(a);

	/* What the triggers kept is what the records give. */
	pg_text(f, PG_COUNTS_ROWS, kept, sizeof(kept));
	store_fixture_exec(f->path, "SELECT hoptac_counts_rebuild()");
	pg_text(f, PG_COUNTS_ROWS, again, sizeof(again));
	assert_string_equal(kept, again);
	assert_non_null(strstr(kept, "pd,19584,KT-DAKTO,3,LA-XE,1,7"));
	assert_all_counts_agree(c);
}

/* Migration 18 from a schema 17 database with records, partial starts
 * among them: the functions reading partial starts no longer compile
 * their plans (JIT), and read as before. */
static void
test_pg_migration_18_partial(void **state)
{
	struct store_fixture *f = *state;
	static const struct store_fixture_spec specs[] = {
	    {"p-1", NULL, {"LA-XE", "LA-XE-DAKCHEUNG", NULL}, 1,
	        {NULL, NULL, NULL}, "2023-Q3", "", "a", "", "", "", 0},
	    {"p-2", NULL, {"LA-AT", "LA-XE", NULL}, 2, {NULL, NULL, NULL},
	        "2023-06", "", "b", "", "", "", 0},
	    {"p-3", NULL, {"LA-SV", NULL, NULL}, 1, {NULL, NULL, NULL},
	        "2023-06-02", "", "c", "", "", "", 0},
	};
	struct store_conn *c;
	char config[512];

	if (!store_fixture_pg())
		skip(); /* sqlite's 18 changes nothing */
	/* Schema 17: its functions compiled costly plans. */
	c = pg_migrate_from(f, specs, 3, 17,
	    "ALTER FUNCTION hoptac_partial_starts(integer, integer) RESET jit;"
	    "ALTER FUNCTION hoptac_partial_provinces(integer, integer)"
	    " RESET jit;"
	    "DELETE FROM hoptac_schema WHERE version >= 18");
	pg_text(f,
	    "SELECT string_agg(proname || ':' || array_to_string(proconfig,"
	    " ','), ' ' ORDER BY proname) FROM pg_proc"
	    " WHERE proname LIKE 'hoptac_partial_%'",
	    config, sizeof(config));
	assert_string_equal(config,
	    "hoptac_partial_provinces:enable_seqscan=off,jit=off "
	    "hoptac_partial_starts:enable_seqscan=off,jit=off");
	assert_all_counts_agree(c);
}

/* The most a request can ask (1,000 units, 32 partners) makes the
 * longest summary query: it must run, from the records and the counts. */
static void
test_summary_widest_query(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
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
			    32, 0, 40000, dims, n_dims, from_records, 0};
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
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_summary_partners_and_period),
	    STORE_FIXTURE_TEST(test_summary_counts_match_records),
	    STORE_FIXTURE_TEST(test_pg_migration_17_counts),
	    STORE_FIXTURE_TEST(test_pg_migration_18_partial),
	    STORE_FIXTURE_TEST(test_summary_widest_query),
	    STORE_FIXTURE_TEST(test_inbox_waits_and_settles),
	    STORE_FIXTURE_TEST(test_migration_12_counts_once),
	    STORE_FIXTURE_TEST(test_migration_13_spans),
	    STORE_FIXTURE_TEST(test_inbox_failing_settle_refuses),
	    STORE_FIXTURE_TEST(test_inbox_failing_settle_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
