/*
 * Activities in the PostgreSQL store: the derived columns, the partner
 * and field rows, the filtered, paged list, and the conflicts of offline
 * amendments. A new record is stored at once where queries find it:
 * there is no inbox to settle (store_pg_schema.c says why).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg_lib.h"

#include "date.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "store_pg_int.h"
#include "text.h"

/* The columns of an activity as $1 to $12: id, body, unit_code, kind,
 * start_day, end_day, people, state, version, fields_folded, search,
 * start_last. start_day and start_last are the first and last days of
 * the start as written (a span for a partial date). */
static int
store_pg_activity_args(struct store_pg_args *p, const Hoptac__V1__Activity *a)
{
	struct store_activity_columns c;
	int rc = store_activity_columns(a, NULL, 0, &c);

	if (rc != STATUS_OK)
		return rc;
	store_pg_text(p, a->id);
	store_pg_bytes_owned(p, c.body, c.body_len);
	store_pg_text(p, a->unit_code);
	store_pg_int(p, (int)a->kind);
	store_pg_int(p, c.start_day);
	store_pg_int(p, c.end_day);
	store_pg_int(p, a->people);
	store_pg_int(p, (int)a->state);
	store_pg_int(p, a->version);
	/* Text, owned by p from here. */
	store_pg_bytes_owned(p, c.fields, strlen(c.fields));
	p->fmt[p->n - 1] = 0;
	store_pg_bytes_owned(p, c.search, strlen(c.search));
	p->fmt[p->n - 1] = 0;
	store_pg_int(p, c.start_last);
	return STATUS_OK;
}

/* Replaces the partner and field rows of the activity at seq: the
 * tables that let queries filter and group by a list. */
static int
store_pg_activity_links(
    struct store_pg *c, int64_t seq, const Hoptac__V1__Activity *a, int fresh)
{
	static const char *const del[2] = {
	    "DELETE FROM activity_partners WHERE activity_seq = $1",
	    "DELETE FROM activity_fields WHERE activity_seq = $1"};
	static const char *const ins[2] = {
	    "INSERT INTO activity_partners(partner_code, activity_seq)"
	    " VALUES ($1, $2) ON CONFLICT DO NOTHING",
	    "INSERT INTO activity_fields(field, activity_seq)"
	    " VALUES ($1, $2) ON CONFLICT DO NOTHING"};
	char *const *items[2] = {a->partner_codes, a->fields};
	size_t n[2] = {a->n_partner_codes, a->n_fields};
	struct store_pg_args p = {0};
	int rc = STATUS_OK;

	for (int t = 0; t < 2 && rc == STATUS_OK; t++) {
		if (!fresh) {
			store_pg_int(&p, seq);
			rc = store_pg_done(c, del[t], &p, NULL);
		}
		for (size_t i = 0; i < n[t] && rc == STATUS_OK; i++) {
			store_pg_text(&p, items[t][i]);
			store_pg_int(&p, seq);
			rc = store_pg_done(c, ins[t], &p, NULL);
		}
	}
	return rc;
}

int
store_pg_activity_insert(struct store_conn *conn, const Hoptac__V1__Activity *a)
{
	struct store_pg *c = store_pg_of(conn);
	struct store_pg_args p = {0};
	int64_t seq;
	int rc;

	if (c->readonly)
		return STATUS_FAILED_PRECONDITION;
	if ((rc = store_pg_activity_args(&p, a)) != STATUS_OK)
		return rc;
	if (store_pg_text_array(&p, a->partner_codes, a->n_partner_codes) !=
	        0 ||
	    store_pg_text_array(&p, a->fields, a->n_fields) != 0) {
		store_pg_args_free(&p);
		return STATUS_INTERNAL;
	}
	/* The row and its partner and field rows in one statement, one
	 * exchange with the server. A unit not registered breaks the
	 * reference (SQLSTATE 23503): FAILED_PRECONDITION, as sqlite's
	 * inbox refuses it. */
	rc = store_pg_insert_id(c,
	    "WITH a AS (INSERT INTO activities(id, body, unit_code, kind,"
	    " start_day, end_day, people, state, version, fields_folded,"
	    " search, start_last) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
	    " $10, $11, $12) ON CONFLICT DO NOTHING RETURNING seq),"
	    " p AS (INSERT INTO activity_partners(partner_code, activity_seq)"
	    " SELECT DISTINCT x, a.seq FROM a, unnest($13::text[]) x),"
	    " f AS (INSERT INTO activity_fields(field, activity_seq)"
	    " SELECT DISTINCT x, a.seq FROM a, unnest($14::text[]) x)"
	    " SELECT seq FROM a",
	    &p, &seq);
	return rc == STATUS_NOT_FOUND ? STATUS_ALREADY_EXISTS : rc;
}

/* Nothing waits to be settled: records are stored at once. */
int
store_pg_settle(struct store_conn *conn, int64_t *moved)
{
	(void)conn;
	if (moved != NULL)
		*moved = 0;
	return STATUS_OK;
}

int64_t
store_pg_unsettled(struct store_conn *conn)
{
	(void)conn;
	return 0;
}

int
store_pg_activity_update(struct store_conn *conn, const Hoptac__V1__Activity *a,
    int64_t expected_version)
{
	struct store_pg *c = store_pg_of(conn);
	struct store_pg_args p = {0};
	int64_t seq;
	int rc;

	if ((rc = store_pg_activity_args(&p, a)) != STATUS_OK)
		return rc;
	store_pg_int(&p, expected_version);
	rc = store_pg_insert_id(c,
	    "UPDATE activities SET body = $2, unit_code = $3, kind = $4,"
	    " start_day = $5, end_day = $6, people = $7, state = $8,"
	    " version = $9, fields_folded = $10, search = $11,"
	    " start_last = $12 WHERE id = $1 AND unit_code = $3"
	    " AND version = $13 RETURNING seq",
	    &p, &seq);
	if (rc == STATUS_NOT_FOUND)
		return STATUS_ABORTED;
	if (rc != STATUS_OK)
		return rc;
	return store_pg_activity_links(c, seq, a, 0);
}

int
store_pg_activity_get(struct store_conn *conn, const char *unit_code,
    const char *id, Hoptac__V1__Activity **out)
{
	struct store_pg_args p = {0};

	store_pg_text(&p, id);
	store_pg_text(&p, unit_code); /* NULL: any unit's */
	return store_pg_one(store_pg_of(conn),
	    "SELECT body FROM activities WHERE id = $1"
	    " AND ($2::text IS NULL OR unit_code = $2) ORDER BY seq LIMIT 1",
	    &p, &hoptac__v1__activity__descriptor, (void **)out);
}

/* The filters of a list request as SQL and its parameters, built once
 * and used for both the page and the total. */
struct store_pg_filter {
	char where[1536];
	size_t len;
	struct store_pg_args p;
	char *owned[2]; /* folded texts the words point into */
};

/* Adds " AND " cond, where "$" stands for the next parameter's number
 * (once, or up to three times for the same one). */
static void
store_pg_filter_add(struct store_pg_filter *f, const char *cond)
{
	char num[16];
	int w;

	snprintf(num, sizeof(num), "$%d", f->p.n + 1);
	f->len += (size_t)snprintf(
	    f->where + f->len, sizeof(f->where) - f->len, " AND ");
	for (const char *s = cond; *s != '\0' && f->len < sizeof(f->where) - 8;
	     s++) {
		if (*s == '$')
			w = snprintf(f->where + f->len,
			    sizeof(f->where) - f->len, "%s", num);
		else
			w = snprintf(f->where + f->len,
			    sizeof(f->where) - f->len, "%c", *s);
		f->len += (size_t)w;
	}
}

/* One condition per word of the folded text, each a substring of
 * column: every word must appear, in any order. */
static int
store_pg_filter_words(
    struct store_pg_filter *f, int slot, const char *column, const char *text)
{
	char *save = NULL, cond[64];

	if ((f->owned[slot] = text_fold(text)) == NULL)
		return STATUS_INVALID_ARGUMENT;
	snprintf(cond, sizeof(cond), "strpos(%s, $) > 0", column);
	for (char *w = strtok_r(f->owned[slot], " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save)) {
		if (f->p.n >= 24)
			return STATUS_INVALID_ARGUMENT;
		store_pg_filter_add(f, cond);
		store_pg_text(&f->p, w);
	}
	return STATUS_OK;
}

static int
store_pg_filter_build(
    struct store_pg_filter *f, const Hoptac__V1__ListActivitiesRequest *q)
{
	int32_t day;
	int rc;

	memset(f, 0, sizeof(*f));
	if (!q->include_withdrawn)
		f->len = (size_t)snprintf(
		    f->where, sizeof(f->where), " AND a.state = 1");
	if (q->unit_code[0] != '\0') {
		store_pg_filter_add(f, "a.unit_code = $");
		store_pg_text(&f->p, q->unit_code);
	}
	if (q->kind != 0) {
		store_pg_filter_add(f, "a.kind = $");
		store_pg_int(&f->p, q->kind);
	}
	if (q->from_date[0] != '\0' &&
	    date_span_first_day(q->from_date, &day) == 0) {
		store_pg_filter_add(f, "a.end_day >= $");
		store_pg_int(&f->p, day);
	}
	if (q->to_date[0] != '\0' &&
	    date_span_last_day(q->to_date, &day) == 0) {
		store_pg_filter_add(f, "a.start_day <= $");
		store_pg_int(&f->p, day);
	}
	if (q->partner[0] != '\0') {
		/* A province also matches its districts' activities. */
		store_pg_filter_add(f,
		    "a.seq IN (SELECT activity_seq FROM activity_partners"
		    " WHERE " STORE_PG_PARTNER_MATCH(
		        "partner_code", "$::text") ")");
		store_pg_text(&f->p, q->partner);
	}
	if (q->field[0] != '\0' &&
	    (rc = store_pg_filter_words(f, 0, "a.fields_folded", q->field)) !=
	        STATUS_OK)
		return rc;
	if (q->text[0] != '\0' &&
	    (rc = store_pg_filter_words(f, 1, "a.search", q->text)) !=
	        STATUS_OK)
		return rc;
	return f->len < sizeof(f->where) - 8 ? STATUS_OK
	                                     : STATUS_INVALID_ARGUMENT;
}

static void
store_pg_filter_free(struct store_pg_filter *f)
{
	store_pg_args_free(&f->p);
	free(f->owned[0]);
	free(f->owned[1]);
}

/* The rows of one page after (after_day, after_seq), appended to out;
 * a page token when there are more. */
static int
store_pg_page(const PGresult *res, uint32_t limit,
    Hoptac__V1__ListActivitiesResponse *out)
{
	int64_t last_day = 0, last_seq = 0;
	int rc = STATUS_OK;

	for (int r = 0; r < PQntuples(res) && rc == STATUS_OK; r++) {
		Hoptac__V1__Activity *a;

		if (out->n_activities == limit) {
			char token[48];

			snprintf(token, sizeof(token), "%" PRId64 ".%" PRId64,
			    last_day, last_seq);
			if (pbstr_set(&out->next_page_token, token) != 0)
				rc = STATUS_INTERNAL;
			break;
		}
		if ((rc = store_pg_unpack(res, r, 0,
		         &hoptac__v1__activity__descriptor, (void **)&a)) !=
		    STATUS_OK)
			break;
		if ((rc = store_pg_append(&out->n_activities,
		         (void ***)&out->activities, a)) != STATUS_OK) {
			hoptac__v1__activity__free_unpacked(a, NULL);
			break;
		}
		last_day = store_pg_get_int(res, r, 1);
		last_seq = store_pg_get_int(res, r, 2);
	}
	return rc;
}

int
store_pg_activity_list(struct store_conn *conn,
    const Hoptac__V1__ListActivitiesRequest *q,
    Hoptac__V1__ListActivitiesResponse *out)
{
	struct store_pg *c = store_pg_of(conn);
	struct store_pg_filter f;
	PGresult *res = NULL;
	char sql[2560];
	uint32_t limit;
	int64_t after_day, after_seq;
	int rc;

	if ((rc = store_page_of(q, &limit, &after_day, &after_seq)) !=
	    STATUS_OK)
		return rc;
	if ((rc = store_pg_filter_build(&f, q)) != STATUS_OK)
		goto out;
	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM activities a WHERE true%s", f.where);
	if ((res = store_pg_run(c, sql, &f.p, &rc)) == NULL)
		goto out;
	out->total = (uint64_t)store_pg_get_int(res, 0, 0);
	PQclear(res);
	snprintf(sql, sizeof(sql),
	    "SELECT a.body, a.start_day, a.seq FROM activities a WHERE true%s"
	    " AND (a.start_day, a.seq) > ($%d::bigint, $%d::bigint)"
	    " ORDER BY a.start_day, a.seq LIMIT $%d",
	    f.where, f.p.n + 1, f.p.n + 2, f.p.n + 3);
	store_pg_int(&f.p, after_day);
	store_pg_int(&f.p, after_seq);
	store_pg_int(&f.p, (int64_t)limit + 1);
	if ((res = store_pg_run(c, sql, &f.p, &rc)) == NULL)
		goto out;
	rc = store_pg_page(res, limit, out);
	PQclear(res);
out:
	store_pg_filter_free(&f);
	return rc;
}

int
store_pg_conflict_insert(
    struct store_conn *conn, Hoptac__V1__ActivityConflict *x)
{
	struct store_pg *c = store_pg_of(conn);
	struct store_pg_args p = {0};
	int rc;

	store_pg_text(&p, x->activity_id);
	store_pg_int(&p, (int)x->state);
	/* The body holds the id, known only now. */
	if ((rc = store_pg_insert_id(c,
	         "INSERT INTO conflicts(activity_id, state, body)"
	         " VALUES ($1, $2, ''::bytea) RETURNING id",
	         &p, &x->id)) != STATUS_OK)
		return rc == STATUS_NOT_FOUND ? STATUS_INTERNAL : rc;
	return store_pg_conflict_update(conn, x);
}

int
store_pg_conflict_update(
    struct store_conn *conn, const Hoptac__V1__ActivityConflict *x)
{
	struct store_pg_args p = {0};
	size_t len;
	uint8_t *body;

	if ((body = store_pg_pack(&x->base, &len)) == NULL)
		return STATUS_INTERNAL;
	store_pg_int(&p, (int)x->state);
	store_pg_bytes_owned(&p, body, len);
	store_pg_int(&p, x->id);
	return store_pg_done(store_pg_of(conn),
	    "UPDATE conflicts SET state = $1, body = $2 WHERE id = $3", &p,
	    NULL);
}

int
store_pg_conflict_get(
    struct store_conn *conn, int64_t id, Hoptac__V1__ActivityConflict **out)
{
	struct store_pg_args p = {0};

	store_pg_int(&p, id);
	return store_pg_one(store_pg_of(conn),
	    "SELECT body FROM conflicts WHERE id = $1", &p,
	    &hoptac__v1__activity_conflict__descriptor, (void **)out);
}

int
store_pg_conflict_list(struct store_conn *conn, int open_only,
    Hoptac__V1__ListConflictsResponse *out)
{
	struct store_pg_args p = {0};

	store_pg_int(&p, open_only);
	return store_pg_all(store_pg_of(conn),
	    "SELECT body FROM conflicts WHERE ($1::int = 0 OR state = 1)"
	    " ORDER BY id",
	    &p, &hoptac__v1__activity_conflict__descriptor, &out->n_conflicts,
	    (void ***)&out->conflicts);
}
