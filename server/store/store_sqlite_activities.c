/*
 * Activities in the sqlite store: the derived columns, the partner rows,
 * the filtered, paged list, and the conflicts of offline amendments.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "date.h"
#include "gazetteer.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "store_sqlite_int.h"
#include "text.h"

/* Binds a's columns, derived in cols, to ?2..?11 and ?13 of both the
 * insert and the update statements. start_day and start_last are the
 * first and last days of the start as written: the same day for a full
 * date, the span of a month, a quarter or a year for a partial one. The
 * texts and the body are a's and cols', kept until the statement is
 * stepped. */
static void
store_bind_columns(sqlite3_stmt *st, const Hoptac__V1__Activity *a,
    const struct store_activity_columns *c)
{
	store_sqlite_bind_arg(st, 3, a->unit_code);
	sqlite3_bind_int(st, 4, (int)a->kind);
	sqlite3_bind_int(st, 5, c->start_day);
	sqlite3_bind_int(st, 6, c->end_day);
	sqlite3_bind_int(st, 13, c->start_last);
	sqlite3_bind_int(st, 7, a->people);
	sqlite3_bind_int(st, 8, (int)a->state);
	sqlite3_bind_int64(st, 9, a->version);
	store_sqlite_bind_arg(st, 10, c->fields);
	store_sqlite_bind_arg(st, 11, c->search);
	sqlite3_bind_blob(st, 2, c->body, (int)c->body_len, SQLITE_STATIC);
}

/* The inserts of one link row and of STORE_LINK_ROWS of them. */
#define STORE_LINK_ROWS 32
#define STORE_LINK_R2   "(?,?),(?,?)"
#define STORE_LINK_R8                                                          \
	STORE_LINK_R2 "," STORE_LINK_R2 "," STORE_LINK_R2 "," STORE_LINK_R2
#define STORE_LINK_R32                                                         \
	STORE_LINK_R8 "," STORE_LINK_R8 "," STORE_LINK_R8 "," STORE_LINK_R8
#define STORE_PARTNER_INSERT                                                   \
	"INSERT OR IGNORE INTO activity_partners(partner_code, activity_seq)"  \
	" VALUES "
#define STORE_FIELD_INSERT                                                     \
	"INSERT OR IGNORE INTO activity_fields(field, activity_seq) VALUES "

static const char store_partner_one[] = STORE_PARTNER_INSERT "(?, ?)";
static const char store_partner_many[] = STORE_PARTNER_INSERT STORE_LINK_R32;
static const char store_field_one[] = STORE_FIELD_INSERT "(?, ?)";
static const char store_field_many[] = STORE_FIELD_INSERT STORE_LINK_R32;

/* The items of one link table of a: partner codes, or fields. */
static char *const *
store_link_items(const Hoptac__V1__Activity *a, int fields, size_t *n)
{
	*n = fields ? a->n_fields : a->n_partner_codes;
	return fields ? a->fields : a->partner_codes;
}

/* Inserts the (item, seq) rows of one link table for n records. */
static int
store_links_insert(struct store_sqlite *c, const Hoptac__V1__Activity *const *a,
    const int64_t *seq, size_t n, int fields)
{
	struct store_batch b;
	sqlite3_stmt *st;
	size_t total = 0, m;
	int rc = STATUS_OK, at;

	for (size_t r = 0; r < n; r++) {
		store_link_items(a[r], fields, &m);
		total += m;
	}
	store_batch_init(&b, fields ? store_field_one : store_partner_one,
	    fields ? store_field_many : store_partner_many, STORE_LINK_ROWS,
	    total);
	for (size_t r = 0; r < n && rc == STATUS_OK; r++) {
		char *const *items = store_link_items(a[r], fields, &m);

		for (size_t i = 0; i < m && rc == STATUS_OK; i++) {
			if ((rc = store_batch_row(c, &b, &st, &at)) !=
			    STATUS_OK)
				return rc;
			/* The records are the caller's until the insert ends.
			 */
			store_sqlite_bind_arg(st, 2 * at + 1, items[i]);
			sqlite3_bind_int64(st, 2 * at + 2, seq[r]);
			rc = store_batch_bound(c, &b);
		}
	}
	return rc;
}

/* Replaces the rows of one link table (partners, or fields) of a
 * stored activity: the tables that let queries filter and group by a
 * list. */
static int
store_activity_link(struct store_sqlite *c, int64_t seq,
    const Hoptac__V1__Activity *a, int fields)
{
	static const char *const del[] = {
	    "DELETE FROM activity_partners WHERE activity_seq = ?",
	    "DELETE FROM activity_fields WHERE activity_seq = ?"};
	sqlite3_stmt *st;
	int rc;

	if ((st = store_sqlite_stmt(c, del[fields])) == NULL)
		return store_sqlite_fail(c, del[fields]);
	sqlite3_bind_int64(st, 1, seq);
	if ((rc = store_sqlite_step_done(c, st)) != STATUS_OK)
		return rc;
	return store_links_insert(c, &a, &seq, 1, fields);
}

static int
store_activity_relink(
    struct store_sqlite *c, int64_t seq, const Hoptac__V1__Activity *a)
{
	int rc = store_activity_link(c, seq, a, 0);

	return rc == STATUS_OK ? store_activity_link(c, seq, a, 1) : rc;
}

/* Migration 2 added activity_fields: fill it from the stored records. */
int
store_sqlite_activity_fields_backfill(struct store_sqlite *c)
{
	static const char sql[] = "SELECT seq, body FROM activities";
	sqlite3_stmt *st = NULL;
	int rc = STATUS_OK, rv = SQLITE_DONE;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_sqlite_fail(c, sql);
	while (rc == STATUS_OK && (rv = sqlite3_step(st)) == SQLITE_ROW) {
		Hoptac__V1__Activity *a = hoptac__v1__activity__unpack(NULL,
		    (size_t)sqlite3_column_bytes(st, 1),
		    sqlite3_column_blob(st, 1));

		if (a == NULL) {
			rc = STATUS_DATA_LOSS;
			break;
		}
		rc = store_activity_link(c, sqlite3_column_int64(st, 0), a, 1);
		hoptac__v1__activity__free_unpacked(a, NULL);
	}
	if (rc == STATUS_OK && rv != SQLITE_DONE)
		rc = store_sqlite_fail(c, sql);
	sqlite3_finalize(st);
	return rc;
}

int
store_sqlite_activity_refold(struct store_sqlite *c)
{
	static const char sql[] = "SELECT seq, body FROM activities";
	static const char upd[] =
	    "UPDATE activities SET fields_folded = ?, search = ? WHERE seq = ?";
	sqlite3_stmt *st = NULL, *up = NULL;
	int rc = STATUS_OK, rv = SQLITE_DONE;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(c->db, upd, -1, &up, NULL) != SQLITE_OK) {
		rc = store_sqlite_fail(c, sql);
		goto out;
	}
	while (rc == STATUS_OK && (rv = sqlite3_step(st)) == SQLITE_ROW) {
		Hoptac__V1__Activity *a = hoptac__v1__activity__unpack(NULL,
		    (size_t)sqlite3_column_bytes(st, 1),
		    sqlite3_column_blob(st, 1));
		char *fields = NULL, *search = NULL;

		if (a == NULL) {
			rc = STATUS_DATA_LOSS;
			break;
		}
		if (store_activity_keys(a, &fields, &search) != 0) {
			rc = STATUS_INTERNAL;
		} else {
			sqlite3_bind_text(up, 1, fields, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(up, 2, search, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(up, 3, sqlite3_column_int64(st, 0));
			if (sqlite3_step(up) != SQLITE_DONE)
				rc = store_sqlite_fail(c, upd);
			sqlite3_reset(up);
		}
		free(fields);
		free(search);
		hoptac__v1__activity__free_unpacked(a, NULL);
	}
	if (rc == STATUS_OK && rv != SQLITE_DONE)
		rc = store_sqlite_fail(c, sql);
out:
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	return rc;
}

/* Counts a, if active, into the partner counts: once under each province
 * its partners name (gazetteer.h: a district's code begins with its
 * province's). Its partner codes are resolved already. The counts are by
 * day: an activity whose start is partial is read from the records. */
static int
store_partner_counts_add(struct store_sqlite *c, const Hoptac__V1__Activity *a)
{
	static const char day_sql[] =
	    "INSERT INTO activity_partner_day_counts VALUES (?, ?, ?, ?, 1, ?)"
	    " ON CONFLICT DO UPDATE SET n = n + 1,"
	    " people = people + excluded.people";
	static const char month_sql[] =
	    "INSERT INTO activity_partner_month_counts"
	    " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT DO UPDATE SET n = n + 1,"
	    " people = people + excluded.people";
	const char *const sqls[2] = {day_sql, month_sql};
	struct date_partial d;
	int32_t days[2];
	int rc = STATUS_OK;

	if (a->state != HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_ACTIVE)
		return STATUS_OK;
	if (date_parse(a->start_date, &d) != 0)
		return STATUS_INVALID_ARGUMENT;
	days[0] = date_first_day(&d);
	days[1] = date_month_start(days[0]);
	if (date_last_day(&d) != days[0])
		return STATUS_OK;
	for (size_t i = 0; i < a->n_partner_codes && rc == STATUS_OK; i++) {
		const char *code = a->partner_codes[i];
		int seen = 0;

		for (size_t j = 0; j < i && !seen; j++)
			seen =
			    gazetteer_same_province(a->partner_codes[j], code);
		for (int k = 0; k < 2 && !seen && rc == STATUS_OK; k++) {
			sqlite3_stmt *st = store_sqlite_stmt(c, sqls[k]);

			if (st == NULL)
				return store_sqlite_fail(c, sqls[k]);
			sqlite3_bind_int(st, 1, days[k]);
			store_sqlite_bind_text(st, 2, a->unit_code);
			sqlite3_bind_int(st, 3, (int)a->kind);
			sqlite3_bind_text(st, 4, code,
			    (int)gazetteer_province_len(code),
			    SQLITE_TRANSIENT);
			sqlite3_bind_int(st, 5, a->people);
			rc = store_sqlite_step_done(c, st);
		}
	}
	return rc;
}

/* Counts the stored activity (unit, id) at version out of the partner
 * counts, if it is active; nothing when the version is not that one. */
static int
store_partner_counts_sub(
    struct store_sqlite *c, const char *unit, const char *id, int64_t version)
{
	static const char day_sql[] =
	    "UPDATE activity_partner_day_counts AS k SET n = k.n - 1,"
	    " people = k.people - a.people FROM activities a"
	    " WHERE a.id = ?1 AND a.version = ?2 AND a.unit_code = ?4"
	    " AND a.state = 1 AND a.start_last = a.start_day"
	    " AND k.day = a.start_day AND k.unit_code = a.unit_code"
	    " AND k.kind = a.kind AND k.province IN (SELECT"
	    " " STORE_PARTNER_PROVINCE " FROM activity_partners"
	    " WHERE activity_seq = a.seq)";
	static const char month_sql[] =
	    "UPDATE activity_partner_month_counts AS k SET n = k.n - 1,"
	    " people = k.people - a.people FROM activities a"
	    " WHERE a.id = ?1 AND a.version = ?2 AND a.unit_code = ?4"
	    " AND a.state = 1 AND a.start_last = a.start_day"
	    " AND k.month_day = ?3 AND k.unit_code = a.unit_code"
	    " AND k.kind = a.kind AND k.province IN (SELECT"
	    " " STORE_PARTNER_PROVINCE " FROM activity_partners"
	    " WHERE activity_seq = a.seq)";
	static const char day_of[] =
	    "SELECT start_day FROM activities WHERE id = ? AND version = ?"
	    " AND unit_code = ?";
	sqlite3_stmt *st;
	int32_t month = 0;
	int rc, rv;

	if ((st = store_sqlite_stmt(c, day_of)) == NULL)
		return store_sqlite_fail(c, day_of);
	store_sqlite_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, version);
	store_sqlite_bind_text(st, 3, unit);
	rv = sqlite3_step(st);
	if (rv == SQLITE_ROW)
		month = date_month_start(sqlite3_column_int(st, 0));
	sqlite3_reset(st);
	if (rv == SQLITE_DONE)
		return STATUS_OK; /* not that version: the update says so */
	if (rv != SQLITE_ROW)
		return store_sqlite_fail(c, day_of);
	if ((st = store_sqlite_stmt(c, day_sql)) == NULL)
		return store_sqlite_fail(c, day_sql);
	store_sqlite_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, version);
	store_sqlite_bind_text(st, 4, unit);
	if ((rc = store_sqlite_step_done(c, st)) != STATUS_OK)
		return rc;
	if ((st = store_sqlite_stmt(c, month_sql)) == NULL)
		return store_sqlite_fail(c, month_sql);
	store_sqlite_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, version);
	sqlite3_bind_int(st, 3, month);
	store_sqlite_bind_text(st, 4, unit);
	return store_sqlite_step_done(c, st);
}

int
store_sqlite_activity_insert(
    struct store_conn *conn, const Hoptac__V1__Activity *a)
{
	return store_sqlite_inbox_add(store_sqlite_of(conn), a);
}

int
store_sqlite_links_insert(struct store_sqlite *c,
    const Hoptac__V1__Activity *const *a, const int64_t *seq, size_t n)
{
	int rc = store_links_insert(c, a, seq, n, 0);

	if (rc == STATUS_OK)
		rc = store_links_insert(c, a, seq, n, 1);
	return rc;
}

int
store_sqlite_activity_row(struct store_sqlite *c, const Hoptac__V1__Activity *a,
    const struct store_activity_columns *cols, int64_t *seq)
{
	static const char sql[] =
	    "INSERT INTO activities(id, body, unit_code, kind, start_day,"
	    " end_day, people, state, version, fields_folded, search,"
	    " start_last)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?13)";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	int rc;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_arg(st, 1, a->id);
	store_bind_columns(st, a, cols);
	if ((rc = store_sqlite_step_done(c, st)) != STATUS_OK)
		return rc;
	*seq = sqlite3_last_insert_rowid(c->db);
	return STATUS_OK;
}

int
store_sqlite_activity_place(
    struct store_sqlite *c, const Hoptac__V1__Activity *a)
{
	struct store_activity_columns cols;
	int64_t seq = 0;
	int rc = store_activity_columns(a, NULL, 0, &cols);

	if (rc != STATUS_OK)
		return rc;
	rc = store_sqlite_activity_row(c, a, &cols, &seq);
	store_activity_columns_free(&cols);
	return rc == STATUS_OK ? store_sqlite_links_insert(c, &a, &seq, 1) : rc;
}

int
store_sqlite_activity_update(struct store_conn *conn,
    const Hoptac__V1__Activity *a, int64_t expected_version)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "UPDATE activities SET body = ?2, unit_code = ?3, kind = ?4,"
	    " start_day = ?5, end_day = ?6, people = ?7, state = ?8,"
	    " version = ?9, fields_folded = ?10, search = ?11, start_last = ?13"
	    " WHERE id = ?1 AND unit_code = ?3 AND version = ?12 RETURNING seq";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	struct store_activity_columns cols;
	sqlite3_int64 seq = 0;
	int rc, rv;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	if ((rc = store_sqlite_settled(c)) != STATUS_OK)
		return rc;
	/* Out of the partner counts as it was, into them as it becomes. */
	if ((rc = store_partner_counts_sub(
	         c, a->unit_code, a->id, expected_version)) != STATUS_OK)
		return rc;
	if ((rc = store_activity_columns(a, NULL, 0, &cols)) != STATUS_OK)
		return rc;
	store_sqlite_bind_arg(st, 1, a->id);
	sqlite3_bind_int64(st, 12, expected_version);
	store_bind_columns(st, a, &cols);
	if ((rv = sqlite3_step(st)) == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0);
		sqlite3_step(st);
	}
	/* Reset on every path, the statement lets go of cols. */
	sqlite3_reset(st);
	store_activity_columns_free(&cols);
	if (rv == SQLITE_DONE)
		return STATUS_ABORTED;
	if (rv != SQLITE_ROW)
		return store_sqlite_fail(c, sql);
	if ((rc = store_activity_relink(c, seq, a)) != STATUS_OK)
		return rc;
	return store_partner_counts_add(c, a);
}

int
store_sqlite_activity_get(struct store_conn *conn, const char *unit_code,
    const char *id, Hoptac__V1__Activity **out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char of_unit[] = "SELECT body FROM activities"
	                              " WHERE unit_code = ?2 AND id = ?1";
	/* Without the unit, through the same key, one probe a unit: an
	 * index on the id alone would cost every settling a leaf written
	 * per record, for this lookup only. */
	static const char any_unit[] =
	    "SELECT body FROM activities WHERE unit_code IN"
	    " (SELECT code FROM units) AND id = ?1 ORDER BY seq LIMIT 1";
	const char *sql = unit_code != NULL ? of_unit : any_unit;
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	int rc;

	*out = NULL;
	if (st == NULL)
		return store_sqlite_fail(c, sql);
	/* Acknowledged and waiting in the inbox is stored all the same. */
	if (store_sqlite_inbox_holds(c, unit_code, id) &&
	    (rc = store_sqlite_settled(c)) != STATUS_OK)
		return rc;
	store_sqlite_bind_text(st, 1, id);
	if (unit_code != NULL)
		store_sqlite_bind_text(st, 2, unit_code);
	return store_sqlite_one(
	    c, st, &hoptac__v1__activity__descriptor, (void **)out);
}

/* The filters of a list request as SQL and the values to bind, built
 * once and used for both the page and the total. */
struct store_filter {
	char where[1024];
	size_t len;
	const char *text[16]; /* bound as text, ?1.. in order */
	char *owned[8];       /* folded words, freed at the end */
	size_t n_owned;
	int64_t ints[8];
	int kinds[24]; /* 't' text or 'i' integer, in bind order */
	size_t n;
	size_t n_text, n_int;
};

static void
store_filter_add(struct store_filter *f, const char *sql)
{
	int w = snprintf(
	    f->where + f->len, sizeof(f->where) - f->len, " AND %s", sql);

	/* Never past the end: a cut condition fails to prepare, loudly. */
	if (w > 0)
		f->len += (size_t)w < sizeof(f->where) - f->len
		    ? (size_t)w
		    : sizeof(f->where) - f->len - 1;
}

static void
store_filter_text(struct store_filter *f, const char *sql, const char *v)
{
	store_filter_add(f, sql);
	f->text[f->n_text++] = v;
	f->kinds[f->n++] = 't';
}

static void
store_filter_int(struct store_filter *f, const char *sql, int64_t v)
{
	store_filter_add(f, sql);
	f->ints[f->n_int++] = v;
	f->kinds[f->n++] = 'i';
}

static void
store_filter_bind(const struct store_filter *f, sqlite3_stmt *st)
{
	size_t t = 0, i = 0;

	for (size_t k = 0; k < f->n; k++) {
		if (f->kinds[k] == 't')
			store_sqlite_bind_text(st, (int)k + 1, f->text[t++]);
		else
			sqlite3_bind_int64(st, (int)k + 1, f->ints[i++]);
	}
}

/* Adds one condition per word of the folded text, each a substring of
 * column: every word must appear, in any order. */
static int
store_filter_words(struct store_filter *f, const char *cond, const char *text)
{
	char *folded = text_fold(text);
	char *save = NULL;

	if (folded == NULL)
		return STATUS_INVALID_ARGUMENT;
	f->owned[f->n_owned++] = folded;
	for (char *w = strtok_r(folded, " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save)) {
		if (f->n_text >= 12)
			return STATUS_INVALID_ARGUMENT;
		store_filter_text(f, cond, w);
	}
	return STATUS_OK;
}

static int
store_filter_build(
    struct store_filter *f, const Hoptac__V1__ListActivitiesRequest *q)
{
	int32_t day;
	int rc;

	memset(f, 0, sizeof(*f));
	f->where[0] = '\0';
	if (!q->include_withdrawn)
		store_filter_add(f, "a.state = 1");
	if (q->unit_code[0] != '\0')
		store_filter_text(f, "a.unit_code = ?", q->unit_code);
	if (q->kind != 0)
		store_filter_int(f, "a.kind = ?", q->kind);
	if (q->from_date[0] != '\0' &&
	    date_span_first_day(q->from_date, &day) == 0)
		store_filter_int(f, "a.end_day >= ?", day);
	if (q->to_date[0] != '\0' && date_span_last_day(q->to_date, &day) == 0)
		store_filter_int(f, "a.start_day <= ?", day);
	if (q->partner[0] != '\0') {
		/* A province also matches its districts' activities. */
		store_filter_text(f,
		    "a.seq IN (SELECT activity_seq FROM activity_partners"
		    " WHERE " STORE_PARTNER_MATCH("partner_code") ")",
		    q->partner);
		for (int i = 0; i < 2; i++) {
			f->text[f->n_text++] = q->partner;
			f->kinds[f->n++] = 't';
		}
	}
	if (q->field[0] != '\0' &&
	    (rc = store_filter_words(
	         f, "instr(a.fields_folded, ?) > 0", q->field)) != STATUS_OK)
		return rc;
	if (q->text[0] != '\0' &&
	    (rc = store_filter_words(f, "instr(a.search, ?) > 0", q->text)) !=
	        STATUS_OK)
		return rc;
	return STATUS_OK;
}

static void
store_filter_free(struct store_filter *f)
{
	for (size_t i = 0; i < f->n_owned; i++)
		free(f->owned[i]);
}

int
store_sqlite_activity_list(struct store_conn *conn,
    const Hoptac__V1__ListActivitiesRequest *q,
    Hoptac__V1__ListActivitiesResponse *out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	struct store_filter f;
	sqlite3_stmt *st = NULL;
	char sql[2048];
	uint32_t limit;
	int64_t after_day, after_seq;
	int64_t last_day = 0, last_seq = 0;
	int rc, rv;

	if ((rc = store_sqlite_settled(c)) != STATUS_OK)
		return rc;
	if ((rc = store_page_of(q, &limit, &after_day, &after_seq)) !=
	    STATUS_OK)
		return rc;
	if ((rc = store_filter_build(&f, q)) != STATUS_OK)
		goto out;

	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM activities a WHERE 1%s", f.where);
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = store_sqlite_fail(c, sql);
		goto out;
	}
	store_filter_bind(&f, st);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_sqlite_fail(c, sql);
		goto out;
	}
	out->total = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;

	snprintf(sql, sizeof(sql),
	    "SELECT a.body, a.start_day, a.seq FROM activities a WHERE 1%s"
	    " AND (a.start_day, a.seq) > (?, ?)"
	    " ORDER BY a.start_day, a.seq LIMIT ?",
	    f.where);
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = store_sqlite_fail(c, sql);
		goto out;
	}
	store_filter_bind(&f, st);
	sqlite3_bind_int64(st, (int)f.n + 1, after_day);
	sqlite3_bind_int64(st, (int)f.n + 2, after_seq);
	sqlite3_bind_int64(st, (int)f.n + 3, (int64_t)limit + 1);
	while ((rv = sqlite3_step(st)) == SQLITE_ROW) {
		Hoptac__V1__Activity *a;

		if (out->n_activities == limit) {
			char token[48];

			snprintf(token, sizeof(token), "%" PRId64 ".%" PRId64,
			    last_day, last_seq);
			if (pbstr_set(&out->next_page_token, token) != 0)
				rc = STATUS_INTERNAL;
			break;
		}
		if ((rc = store_sqlite_unpack(st, 0,
		         &hoptac__v1__activity__descriptor, (void **)&a)) !=
		    STATUS_OK)
			break;
		if ((rc = store_sqlite_append(&out->n_activities,
		         (void ***)&out->activities, a)) != STATUS_OK) {
			hoptac__v1__activity__free_unpacked(a, NULL);
			break;
		}
		last_day = sqlite3_column_int64(st, 1);
		last_seq = sqlite3_column_int64(st, 2);
	}
	if (rc == STATUS_OK && rv != SQLITE_ROW && rv != SQLITE_DONE)
		rc = store_sqlite_fail(c, sql);
out:
	sqlite3_finalize(st);
	store_filter_free(&f);
	return rc;
}

int
store_sqlite_conflict_insert(
    struct store_conn *conn, Hoptac__V1__ActivityConflict *x)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "INSERT INTO conflicts(activity_id, state, body)"
	    " VALUES (?, ?, x'')";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	int rc;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, x->activity_id);
	sqlite3_bind_int(st, 2, (int)x->state);
	if ((rc = store_sqlite_step_done(c, st)) != STATUS_OK)
		return rc;
	/* The body holds the id, known only now. */
	x->id = sqlite3_last_insert_rowid(c->db);
	return store_sqlite_conflict_update(&c->conn, x);
}

int
store_sqlite_conflict_update(
    struct store_conn *conn, const Hoptac__V1__ActivityConflict *x)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "UPDATE conflicts SET state = ?, body = ? WHERE id = ?";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	size_t len;
	uint8_t *body;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	if ((body = store_sqlite_pack(&x->base, &len)) == NULL)
		return STATUS_INTERNAL;
	sqlite3_bind_int(st, 1, (int)x->state);
	sqlite3_bind_blob(st, 2, body, (int)len, free);
	sqlite3_bind_int64(st, 3, x->id);
	return store_sqlite_step_done(c, st);
}

int
store_sqlite_conflict_get(
    struct store_conn *conn, int64_t id, Hoptac__V1__ActivityConflict **out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] = "SELECT body FROM conflicts WHERE id = ?";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	sqlite3_bind_int64(st, 1, id);
	return store_sqlite_one(
	    c, st, &hoptac__v1__activity_conflict__descriptor, (void **)out);
}

int
store_sqlite_conflict_list(struct store_conn *conn, int open_only,
    Hoptac__V1__ListConflictsResponse *out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] = "SELECT body FROM conflicts WHERE (?1 = 0 OR "
	                          "state = 1) ORDER BY id";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	sqlite3_bind_int(st, 1, open_only);
	return store_sqlite_all(c, st,
	    &hoptac__v1__activity_conflict__descriptor, &out->n_conflicts,
	    (void ***)&out->conflicts);
}
