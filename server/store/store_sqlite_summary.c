/*
 * Summaries in the sqlite store: the figures summed over activities, from
 * the records or from the counts migration 6 keeps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "store_backend.h"
#include "store_sqlite_int.h"

/* The SQL of a summary, built for its dimensions and filters. */
struct store_sql {
	char text[16384]; /* 1,000 units and 32 partners take some 7,000 */
	size_t len;
};

static void
store_sql_add(struct store_sql *q, const char *s)
{
	int w = snprintf(q->text + q->len, sizeof(q->text) - q->len, "%s", s);

	/* A cut query is refused whole by the caller (len at the end). */
	if (w > 0)
		q->len += (size_t)w < sizeof(q->text) - q->len
		    ? (size_t)w
		    : sizeof(q->text) - q->len - 1;
}

/* The year, quarter and month of a start, and how many days its span
 * has beyond the first: 0 for a full date, up to 30 for a month, 89 to
 * 91 for a quarter, 364 or 365 for a year. */
#define STORE_YEAR "strftime('%Y', a.start_day * 86400, 'unixepoch')"
#define STORE_QUARTER                                                          \
	STORE_YEAR " || '-Q' || ((CAST(strftime('%m', a.start_day * 86400,"    \
	           " 'unixepoch') AS INTEGER) + 2) / 3)"
#define STORE_MONTH "strftime('%Y-%m', a.start_day * 86400, 'unixepoch')"
#define STORE_SPAN  "(a.start_last - a.start_day)"

/* The key expression of a dimension; days are since 1970-01-01. Read
 * from the records the province is p's, from the counts a's. A start
 * known to a coarser period than the dimension's is keyed by that
 * period: by month, "2025-Q3" for the third quarter and "2025" for the
 * year, whose month is not known. */
static const char *
store_dim_expr(int dim, int counted)
{
	switch (dim) {
	case HOPTAC__V1__DIMENSION__DIMENSION_UNIT:
		return "a.unit_code";
	case HOPTAC__V1__DIMENSION__DIMENSION_PARTNER:
		return counted ? "a.province" : "p.province";
	case HOPTAC__V1__DIMENSION__DIMENSION_KIND:
		return "CAST(a.kind AS TEXT)";
	case HOPTAC__V1__DIMENSION__DIMENSION_FIELD:
		return "coalesce(f.field, '')";
	case HOPTAC__V1__DIMENSION__DIMENSION_YEAR:
		return STORE_YEAR;
	case HOPTAC__V1__DIMENSION__DIMENSION_QUARTER:
		return "CASE WHEN " STORE_SPAN " > 91 THEN " STORE_YEAR
		       " ELSE " STORE_QUARTER " END";
	case HOPTAC__V1__DIMENSION__DIMENSION_MONTH:
		return "CASE WHEN " STORE_SPAN " > 91 THEN " STORE_YEAR
		       " WHEN " STORE_SPAN " > 30 THEN " STORE_QUARTER
		       " ELSE " STORE_MONTH " END";
	default:
		return NULL;
	}
}

/* The partner condition on the partner rows x: one of the n codes, or a
 * district of one of them. Binds 3 values per code. */
static void
store_sql_partners(struct store_sql *q, size_t n)
{
	store_sql_add(q, " AND (");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			store_sql_add(q, " OR ");
		store_sql_add(q, STORE_PARTNER_MATCH("x.partner_code"));
	}
	store_sql_add(q, ")");
}

static int
store_bind_partners(
    sqlite3_stmt *st, int *i, const struct store_summary_query *q)
{
	for (size_t k = 0; k < q->n_partners; k++)
		for (int j = 0; j < 3; j++)
			store_sqlite_bind_text(st, (*i)++, q->partners[k]);
	return 0;
}

/* Reads the seven figure columns starting at col. */
static Hoptac__V1__Figures *
store_figures_row(sqlite3_stmt *st, int col)
{
	Hoptac__V1__Figures *f = malloc(sizeof(*f));

	if (f == NULL)
		return NULL;
	hoptac__v1__figures__init(f);
	f->delegations_out = sqlite3_column_int(st, col);
	f->people_out = sqlite3_column_int(st, col + 1);
	f->delegations_in = sqlite3_column_int(st, col + 2);
	f->people_in = sqlite3_column_int(st, col + 3);
	f->conferences = sqlite3_column_int(st, col + 4);
	f->agreements = sqlite3_column_int(st, col + 5);
	f->activities = sqlite3_column_int(st, col + 6);
	return f;
}

/* Of the activities counted, how many have a start known to the month,
 * the quarter or the year only: three columns summing n for each. */
#define STORE_PARTIAL(n)                                                       \
	", coalesce(sum(CASE WHEN " STORE_SPAN " BETWEEN 1 AND 30 THEN " n     \
	" END), 0), coalesce(sum(CASE WHEN " STORE_SPAN " BETWEEN 31 AND 91"   \
	" THEN " n " END), 0), coalesce(sum(CASE WHEN " STORE_SPAN " > 91"     \
	" THEN " n " END), 0)"

/* The records of partial starts, named a (or not), read through their
 * index: the planner, left to itself, may scan activities_by_day over
 * every record from the period's first day on. */
#define STORE_PARTIAL_FROM(a) "activities " a " INDEXED BY activities_partial"

/* The records of partial starts whose span lies in [?, ?], the period;
 * the terms of the partial index activities_partial, so it is used. The
 * third ? is the end again, bound for the records' own condition. */
#define STORE_PARTIAL_WHERE(a)                                                 \
	a "state = 1 AND " a "start_last <> " a "start_day AND " a             \
	  "start_day >= ? AND " a "start_last <= ?"

/* The partial starts of the totals row, from column col on. */
static int
store_partial_row(sqlite3_stmt *st, int col, Hoptac__V1__SummaryResponse *out)
{
	Hoptac__V1__PartialDates *p;

	if (sqlite3_column_int(st, col) + sqlite3_column_int(st, col + 1) +
	        sqlite3_column_int(st, col + 2) ==
	    0)
		return STATUS_OK;
	if ((p = malloc(sizeof(*p))) == NULL)
		return STATUS_INTERNAL;
	hoptac__v1__partial_dates__init(p);
	p->month = sqlite3_column_int(st, col);
	p->quarter = sqlite3_column_int(st, col + 1);
	p->year = sqlite3_column_int(st, col + 2);
	out->partial_dates = p;
	return STATUS_OK;
}

/* One query of the summary: grouped by the dimensions (n_dims > 0) into
 * rows, or not grouped into the totals. From the kept counts when they
 * can answer (store_summary_source), else from the records. */
static int
store_summary_run(struct store_sqlite *c, const struct store_summary_query *q,
    size_t n_dims, Hoptac__V1__SummaryResponse *out)
{
	struct store_sql sql = {"", 0};
	sqlite3_stmt *st = NULL;
	int join_partner = 0, join_field = 0, rc = STATUS_OK, rv, bind = 1;
	enum store_source from = store_summary_source(q, n_dims);
	int counted = from != STORE_FROM_RECORDS;
	int32_t months[2], days[4];
	char alias[48];

	store_sql_add(&sql, "SELECT ");
	for (size_t i = 0; i < n_dims; i++) {
		const char *e = store_dim_expr(q->dims[i], counted);

		if (e == NULL)
			return STATUS_INVALID_ARGUMENT;
		join_partner |= !counted &&
		    q->dims[i] == HOPTAC__V1__DIMENSION__DIMENSION_PARTNER;
		join_field |=
		    q->dims[i] == HOPTAC__V1__DIMENSION__DIMENSION_FIELD;
		store_sql_add(&sql, e);
		snprintf(alias, sizeof(alias), " AS k%zu, ", i + 1);
		store_sql_add(&sql, alias);
	}
	if (counted)
		store_sql_add(&sql,
		    "coalesce(sum(CASE WHEN a.kind = 1 THEN a.n END), 0),"
		    " coalesce(sum(CASE WHEN a.kind = 1 THEN a.people END), 0),"
		    " coalesce(sum(CASE WHEN a.kind = 2 THEN a.n END), 0),"
		    " coalesce(sum(CASE WHEN a.kind = 2 THEN a.people END), 0),"
		    " coalesce(sum(CASE WHEN a.kind = 3 THEN a.n END), 0),"
		    " coalesce(sum(CASE WHEN a.kind = 4 THEN a.n END), 0),"
		    " coalesce(sum(a.n), 0)" STORE_PARTIAL("a.n") " FROM");
	/* The counts hold full dates; the partial ones come from the
	 * records (index activities_partial), when their whole span lies
	 * in the period. */
	if (from == STORE_FROM_COUNTS)
		store_sql_add(&sql,
		    " (SELECT month_day AS start_day, month_day AS start_last,"
		    " unit_code, kind, n, people"
		    " FROM activity_month_counts WHERE month_day BETWEEN ? AND "
		    "?"
		    " UNION ALL SELECT day, day, unit_code, kind, n, people"
		    " FROM activity_day_counts WHERE day BETWEEN ? AND ?"
		    " OR day BETWEEN ? AND ?"
		    " UNION ALL SELECT start_day, start_last, unit_code, kind,"
		    " 1, people FROM " STORE_PARTIAL_FROM(
		        "") " WHERE " STORE_PARTIAL_WHERE("") ") a WHERE 1");
	else if (from == STORE_FROM_PARTNER_COUNTS)
		store_sql_add(&sql,
		    " (SELECT month_day AS start_day, month_day AS start_last,"
		    " unit_code, kind, province, n, people"
		    " FROM activity_partner_month_counts"
		    " WHERE month_day BETWEEN ? AND ?"
		    " UNION ALL SELECT day, day, unit_code, kind, province, n,"
		    " people FROM activity_partner_day_counts"
		    " WHERE day BETWEEN ? AND ? OR day BETWEEN ? AND ?"
		    " UNION ALL SELECT start_day, start_last, unit_code, kind,"
		    " province, 1, people FROM (SELECT DISTINCT a.seq,"
		    " a.start_day, a.start_last, a.unit_code, a.kind,"
		    " " STORE_SQL_PROVINCE(
		        "x.partner_code") " AS province,"
		                          " a.people FROM " STORE_PARTIAL_FROM(
		                              "a") " JOIN activity_partners x"
		                                   " ON x.activity_seq = a.seq "
		                                   "WHERE " STORE_PARTIAL_WHERE(
		                                       "a.") ")) a WHERE 1");
	if (!counted)
		store_sql_add(&sql,
		    "coalesce(sum(a.kind = 1), 0),"
		    " coalesce(sum(CASE WHEN a.kind = 1 THEN a.people END), 0),"
		    " coalesce(sum(a.kind = 2), 0),"
		    " coalesce(sum(CASE WHEN a.kind = 2 THEN a.people END), 0),"
		    " coalesce(sum(a.kind = 3), 0), coalesce(sum(a.kind = 4), "
		    "0),"
		    " count(*)" STORE_PARTIAL("1") " FROM activities a");
	/* A province counts an activity once, whether it names the province,
	 * its districts, or both. */
	if (join_partner) {
		store_sql_add(&sql,
		    " JOIN (SELECT DISTINCT activity_seq,"
		    " " STORE_PARTNER_PROVINCE " AS province"
		    " FROM activity_partners x WHERE 1");
		if (q->n_partners > 0)
			store_sql_partners(&sql, q->n_partners);
		store_sql_add(&sql, ") p ON p.activity_seq = a.seq");
	}
	if (join_field)
		store_sql_add(&sql,
		    " LEFT JOIN activity_fields f ON f.activity_seq = a.seq");
	/* start_day bounds the range the index is read in. */
	if (!counted)
		store_sql_add(&sql,
		    " WHERE a.state = 1 AND a.start_day BETWEEN ? AND ?"
		    " AND a.start_last <= ?");
	if (q->n_units > 0) {
		store_sql_add(&sql, " AND a.unit_code IN (");
		for (size_t i = 0; i < q->n_units; i++)
			store_sql_add(&sql, i ? ", ?" : "?");
		store_sql_add(&sql, ")");
	}
	if (q->kind != 0)
		store_sql_add(&sql, " AND a.kind = ?");
	if (from == STORE_FROM_PARTNER_COUNTS && q->n_partners > 0) {
		store_sql_add(&sql, " AND a.province IN (");
		for (size_t i = 0; i < q->n_partners; i++)
			store_sql_add(&sql, i ? ", ?" : "?");
		store_sql_add(&sql, ")");
	} else if (q->n_partners > 0 && !join_partner) {
		store_sql_add(&sql,
		    " AND a.seq IN (SELECT activity_seq FROM"
		    " activity_partners x WHERE 1");
		store_sql_partners(&sql, q->n_partners);
		store_sql_add(&sql, ")");
	}
	if (n_dims > 0) {
		char groups[64] = "";
		size_t len = 0;

		for (size_t i = 0; i < n_dims; i++)
			len +=
			    (size_t)snprintf(groups + len, sizeof(groups) - len,
			        "%s%zu", i ? ", " : "", i + 1);
		store_sql_add(&sql, " GROUP BY ");
		store_sql_add(&sql, groups);
		/* Counts brought down to zero are kept as rows: a group
		 * with nothing left in it is no group. */
		if (counted)
			store_sql_add(&sql, " HAVING sum(a.n) > 0");
		/* A period not known finer comes after the finer ones of
		 * its year or quarter: "2025-12", "2025-Q3", "2025". */
		store_sql_add(&sql, " ORDER BY ");
		for (size_t i = 0; i < n_dims; i++) {
			snprintf(alias, sizeof(alias), "%sk%zu%s",
			    i ? ", " : "", i + 1,
			    store_dim_is_time(q->dims[i]) ? " || '~'" : "");
			store_sql_add(&sql, alias);
		}
	}
	if (sql.len >= sizeof(sql.text) - 1)
		return STATUS_INVALID_ARGUMENT;
	if (sqlite3_prepare_v2(c->db, sql.text, -1, &st, NULL) != SQLITE_OK)
		return store_sqlite_fail(c, sql.text);
	if (join_partner && q->n_partners > 0)
		store_bind_partners(st, &bind, q);
	if (counted) {
		store_summary_split(q->from_day, q->to_day, months, days);
		sqlite3_bind_int(st, bind++, months[0]);
		sqlite3_bind_int(st, bind++, months[1]);
		for (int i = 0; i < 4; i++)
			sqlite3_bind_int(st, bind++, days[i]);
	}
	sqlite3_bind_int(st, bind++, q->from_day);
	sqlite3_bind_int(st, bind++, q->to_day);
	if (!counted)
		sqlite3_bind_int(st, bind++, q->to_day);
	for (size_t i = 0; i < q->n_units; i++)
		store_sqlite_bind_text(st, bind++, q->units[i]);
	if (q->kind != 0)
		sqlite3_bind_int(st, bind++, q->kind);
	if (from == STORE_FROM_PARTNER_COUNTS)
		for (size_t i = 0; i < q->n_partners; i++)
			store_sqlite_bind_text(st, bind++, q->partners[i]);
	else if (q->n_partners > 0 && !join_partner)
		store_bind_partners(st, &bind, q);
	while ((rv = sqlite3_step(st)) == SQLITE_ROW) {
		Hoptac__V1__Figures *f = store_figures_row(st, (int)n_dims);
		Hoptac__V1__SummaryRow *row;

		if (f == NULL) {
			rc = STATUS_INTERNAL;
			break;
		}
		if (n_dims == 0) {
			out->totals = f;
			rc = store_partial_row(st, 7, out);
			continue;
		}
		if ((row = malloc(sizeof(*row))) == NULL) {
			hoptac__v1__figures__free_unpacked(f, NULL);
			rc = STATUS_INTERNAL;
			break;
		}
		hoptac__v1__summary_row__init(row);
		row->figures = f;
		if (store_sqlite_append(
		        &out->n_rows, (void ***)&out->rows, row) != STATUS_OK) {
			hoptac__v1__summary_row__free_unpacked(row, NULL);
			rc = STATUS_INTERNAL;
			break;
		}
		for (size_t i = 0; i < n_dims; i++) {
			const unsigned char *k =
			    sqlite3_column_text(st, (int)i);

			if (pbstr_append(&row->n_keys, &row->keys,
			        k != NULL ? (const char *)k : "") != 0) {
				rc = STATUS_INTERNAL;
				break;
			}
		}
	}
	if (rc == STATUS_OK && rv != SQLITE_DONE)
		rc = store_sqlite_fail(c, sql.text);
	sqlite3_finalize(st);
	return rc;
}

int
store_sqlite_summary(struct store_conn *conn,
    const struct store_summary_query *q, Hoptac__V1__SummaryResponse *out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	int rc = store_sqlite_settled(c);

	if (rc == STATUS_OK && q->n_dims > 0)
		rc = store_summary_run(c, q, q->n_dims, out);
	if (rc == STATUS_OK)
		rc = store_summary_run(c, q, 0, out);
	return rc;
}
