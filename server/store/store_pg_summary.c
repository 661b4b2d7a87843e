/*
 * Summaries in the PostgreSQL store: the figures summed from the counts
 * kept by day and month (migration 17, store_pg_schema.c) where they can
 * answer, else over the records through the covering index
 * activities_summary. Which queries the counts answer, the keys and
 * their order are sqlite's: the same rows in the same order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg_lib.h"

#include "date.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "store_backend.h"
#include "store_pg_int.h"

/* The SQL of a summary, built for its dimensions and filters, with its
 * parameters. */
struct store_pg_sql {
	char text[16384]; /* 1,000 units and 32 partners take some 7,000 */
	size_t len;
	struct store_pg_args p;
};

static void
store_pg_sql_add(struct store_pg_sql *q, const char *s)
{
	int w = snprintf(q->text + q->len, sizeof(q->text) - q->len, "%s", s);

	/* A cut query is refused whole by the caller (len at the end). */
	if (w > 0)
		q->len += (size_t)w < sizeof(q->text) - q->len
		    ? (size_t)w
		    : sizeof(q->text) - q->len - 1;
}

/* Appends "$n" for a new text[] parameter holding items: one
 * parameter however many units a summary names. -1 out of memory. */
static int
store_pg_sql_array(struct store_pg_sql *q, char *const *items, size_t n)
{
	char num[16];

	if (store_pg_text_array(&q->p, items, n) != 0)
		return -1;
	snprintf(num, sizeof(num), "$%d::text[]", q->p.n);
	store_pg_sql_add(q, num);
	return 0;
}

static void
store_pg_sql_int(struct store_pg_sql *q, int64_t v)
{
	char num[16];

	store_pg_int(&q->p, v);
	snprintf(num, sizeof(num), "$%d::int", q->p.n);
	store_pg_sql_add(q, num);
}

/* The day a.start_day as a date, and its year, quarter and month; the
 * span of a partial start beyond its first day (0 for a full date). */
#define STORE_PG_DATE "(DATE '1970-01-01' + a.start_day)"
#define STORE_PG_YEAR "to_char(" STORE_PG_DATE ", 'YYYY')"
#define STORE_PG_QUARTER                                                       \
	STORE_PG_YEAR " || '-Q' || to_char(" STORE_PG_DATE ", 'Q')"
#define STORE_PG_MONTH "to_char(" STORE_PG_DATE ", 'YYYY-MM')"
#define STORE_PG_SPAN  "(a.start_last - a.start_day)"

/* The key expression of a dimension, as sqlite's store_dim_expr: a
 * start known to a coarser period than the dimension's is keyed by that
 * period. Read from the records the province is p's, from the counts
 * a's. */
static const char *
store_pg_dim_expr(int dim, int counted)
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
		return STORE_PG_YEAR;
	case HOPTAC__V1__DIMENSION__DIMENSION_QUARTER:
		return "CASE WHEN " STORE_PG_SPAN " > 91 THEN " STORE_PG_YEAR
		       " ELSE " STORE_PG_QUARTER " END";
	case HOPTAC__V1__DIMENSION__DIMENSION_MONTH:
		return "CASE WHEN " STORE_PG_SPAN " > 91 THEN " STORE_PG_YEAR
		       " WHEN " STORE_PG_SPAN " > 30 THEN " STORE_PG_QUARTER
		       " ELSE " STORE_PG_MONTH " END";
	default:
		return NULL;
	}
}

/* The partner condition on the partner rows x: one of the codes, or a
 * district of one of them. */
static void
store_pg_sql_partners(
    struct store_pg_sql *q, const struct store_summary_query *s)
{
	store_pg_sql_add(q, " AND (");
	for (size_t i = 0; i < s->n_partners; i++) {
		char p[16];
		char cond[256];

		if (i > 0)
			store_pg_sql_add(q, " OR ");
		store_pg_text(&q->p, s->partners[i]);
		snprintf(p, sizeof(p), "$%d::text", q->p.n);
		snprintf(cond, sizeof(cond),
		    STORE_PG_PARTNER_MATCH("x.partner_code", "%s"), p, p, p);
		store_pg_sql_add(q, cond);
	}
	store_pg_sql_add(q, ")");
}

/* Of the activities counted (agg of them: count(*) of records, the sum
 * of counts), how many have a start known to the month, the quarter or
 * the year only. */
#define STORE_PG_PARTIAL(agg)                                                  \
	", coalesce(" agg " FILTER (WHERE " STORE_PG_SPAN " BETWEEN 1 AND"     \
	" 30), 0), coalesce(" agg " FILTER (WHERE " STORE_PG_SPAN " BETWEEN"   \
	" 31 AND 91), 0), coalesce(" agg " FILTER (WHERE " STORE_PG_SPAN       \
	" > 91), 0)"

/* The rows a summary from the counts sums, named a: the records of
 * partial starts whose whole span lies in the period (the counts hold
 * full dates only), the counts of its whole months, and those of its
 * days before and after them. With the province for the partner
 * counts. A range the period does not have is left out: an empty range
 * still costs an index descent for each unit named. */
static void
store_pg_sql_counts(struct store_pg_sql *sql,
    const struct store_summary_query *q, enum store_source from)
{
	int by_partner = from == STORE_FROM_PARTNER_COUNTS;
	int32_t months[2], days[4];
	int any_day = 0;

	store_summary_split(q->from_day, q->to_day, months, days);
	/* The functions read the records through activities_partial
	 * (store_pg_schema.c says why). */
	store_pg_sql_add(sql,
	    by_partner ? " FROM (SELECT start_day, start_last, unit_code"
	                 " COLLATE \"C\" AS unit_code, kind, province"
	                 " COLLATE \"C\" AS province, 1 AS n, people"
	                 " FROM hoptac_partial_provinces("
	               : " FROM (SELECT start_day, start_last, unit_code"
	                 " COLLATE \"C\" AS unit_code, kind, 1 AS n, people"
	                 " FROM hoptac_partial_starts(");
	store_pg_sql_int(sql, q->from_day);
	store_pg_sql_add(sql, ", ");
	store_pg_sql_int(sql, q->to_day);
	store_pg_sql_add(sql, ")");
	if (months[0] <= months[1]) {
		store_pg_sql_add(sql,
		    by_partner ? " UNION ALL SELECT month_day, month_day,"
		                 " unit_code, kind, province, n, people"
		                 " FROM activity_partner_month_counts"
		               : " UNION ALL SELECT month_day, month_day,"
		                 " unit_code, kind, n, people"
		                 " FROM activity_month_counts");
		store_pg_sql_add(sql, " WHERE month_day BETWEEN ");
		store_pg_sql_int(sql, months[0]);
		store_pg_sql_add(sql, " AND ");
		store_pg_sql_int(sql, months[1]);
	}
	for (int i = 0; i < 4; i += 2) {
		if (days[i] > days[i + 1])
			continue;
		if (!any_day++)
			store_pg_sql_add(sql,
			    by_partner
			        ? " UNION ALL SELECT day, day, unit_code, kind,"
			          " province, n, people FROM"
			          " activity_partner_day_counts WHERE"
			        : " UNION ALL SELECT day, day, unit_code, kind,"
			          " n, people FROM activity_day_counts WHERE");
		else
			store_pg_sql_add(sql, " OR");
		store_pg_sql_add(sql, " day BETWEEN ");
		store_pg_sql_int(sql, days[i]);
		store_pg_sql_add(sql, " AND ");
		store_pg_sql_int(sql, days[i + 1]);
	}
	store_pg_sql_add(sql, ") a WHERE true");
}

static Hoptac__V1__Figures *
store_pg_figures(const PGresult *res, int r, int col)
{
	Hoptac__V1__Figures *f = malloc(sizeof(*f));

	if (f == NULL)
		return NULL;
	hoptac__v1__figures__init(f);
	f->delegations_out = (int32_t)store_pg_get_int(res, r, col);
	f->people_out = (int32_t)store_pg_get_int(res, r, col + 1);
	f->delegations_in = (int32_t)store_pg_get_int(res, r, col + 2);
	f->people_in = (int32_t)store_pg_get_int(res, r, col + 3);
	f->conferences = (int32_t)store_pg_get_int(res, r, col + 4);
	f->agreements = (int32_t)store_pg_get_int(res, r, col + 5);
	f->activities = (int32_t)store_pg_get_int(res, r, col + 6);
	return f;
}

static int
store_pg_partial_row(
    const PGresult *res, int col, Hoptac__V1__SummaryResponse *out)
{
	Hoptac__V1__PartialDates *p;
	int64_t m = store_pg_get_int(res, 0, col);
	int64_t q = store_pg_get_int(res, 0, col + 1);
	int64_t y = store_pg_get_int(res, 0, col + 2);

	if (m + q + y == 0)
		return STATUS_OK;
	if ((p = malloc(sizeof(*p))) == NULL)
		return STATUS_INTERNAL;
	hoptac__v1__partial_dates__init(p);
	p->month = (int32_t)m;
	p->quarter = (int32_t)q;
	p->year = (int32_t)y;
	out->partial_dates = p;
	return STATUS_OK;
}

/* The rows of a grouped summary, appended to out. */
static int
store_pg_rows(
    const PGresult *res, size_t n_dims, Hoptac__V1__SummaryResponse *out)
{
	int rc = STATUS_OK;

	for (int r = 0; r < PQntuples(res) && rc == STATUS_OK; r++) {
		Hoptac__V1__Figures *f = store_pg_figures(res, r, (int)n_dims);
		Hoptac__V1__SummaryRow *row;

		if (f == NULL)
			return STATUS_INTERNAL;
		if ((row = malloc(sizeof(*row))) == NULL) {
			hoptac__v1__figures__free_unpacked(f, NULL);
			return STATUS_INTERNAL;
		}
		hoptac__v1__summary_row__init(row);
		row->figures = f;
		if (store_pg_append(&out->n_rows, (void ***)&out->rows, row) !=
		    STATUS_OK) {
			hoptac__v1__summary_row__free_unpacked(row, NULL);
			return STATUS_INTERNAL;
		}
		for (size_t i = 0; i < n_dims && rc == STATUS_OK; i++) {
			const char *k = store_pg_get_text(res, r, (int)i);

			if (pbstr_append(&row->n_keys, &row->keys,
			        k != NULL ? k : "") != 0)
				rc = STATUS_INTERNAL;
		}
	}
	return rc;
}

/* One query of the summary: grouped by the dimensions (n_dims > 0) into
 * rows, or not grouped into the totals. From the kept counts when they
 * can answer (store_summary_source), else from the records. */
static int
store_pg_summary_run(struct store_pg *c, const struct store_summary_query *q,
    size_t n_dims, Hoptac__V1__SummaryResponse *out)
{
	struct store_pg_sql *sql = calloc(1, sizeof(*sql)); /* owned */
	int join_partner = 0, join_field = 0, rc = STATUS_OK;
	enum store_source from = store_summary_source(q, n_dims);
	int counted = from != STORE_FROM_RECORDS;
	PGresult *res;
	char alias[64];

	if (sql == NULL)
		return STATUS_INTERNAL;
	store_pg_sql_add(sql, "SELECT * FROM (SELECT ");
	for (size_t i = 0; i < n_dims; i++) {
		const char *e = store_pg_dim_expr(q->dims[i], counted);

		if (e == NULL) {
			rc = STATUS_INVALID_ARGUMENT;
			goto out;
		}
		join_partner |= !counted &&
		    q->dims[i] == HOPTAC__V1__DIMENSION__DIMENSION_PARTNER;
		join_field |=
		    q->dims[i] == HOPTAC__V1__DIMENSION__DIMENSION_FIELD;
		store_pg_sql_add(sql, e);
		snprintf(alias, sizeof(alias), " AS k%zu, ", i + 1);
		store_pg_sql_add(sql, alias);
	}
	if (counted)
		store_pg_sql_add(sql,
		    "coalesce(sum(a.n) FILTER (WHERE a.kind = 1), 0),"
		    " coalesce(sum(a.people) FILTER (WHERE a.kind = 1), 0),"
		    " coalesce(sum(a.n) FILTER (WHERE a.kind = 2), 0),"
		    " coalesce(sum(a.people) FILTER (WHERE a.kind = 2), 0),"
		    " coalesce(sum(a.n) FILTER (WHERE a.kind = 3), 0),"
		    " coalesce(sum(a.n) FILTER (WHERE a.kind = 4), 0),"
		    " coalesce(sum(a.n), 0)" STORE_PG_PARTIAL("sum(a.n)"));
	else
		store_pg_sql_add(sql,
		    "count(*) FILTER (WHERE a.kind = 1),"
		    " coalesce(sum(a.people) FILTER (WHERE a.kind = 1), 0),"
		    " count(*) FILTER (WHERE a.kind = 2),"
		    " coalesce(sum(a.people) FILTER (WHERE a.kind = 2), 0),"
		    " count(*) FILTER (WHERE a.kind = 3),"
		    " count(*) FILTER (WHERE a.kind = 4),"
		    " count(*)" STORE_PG_PARTIAL(
		        "count(*)") " FROM activities a");
	if (counted)
		store_pg_sql_counts(sql, q, from);
	/* A province counts an activity once, whether it names the province,
	 * its districts, or both. */
	if (join_partner) {
		store_pg_sql_add(sql,
		    " JOIN (SELECT DISTINCT activity_seq,"
		    " " STORE_PG_PROVINCE(
		        "x.partner_code") " AS province"
		                          " FROM activity_partners x WHERE "
		                          "true");
		if (q->n_partners > 0)
			store_pg_sql_partners(sql, q);
		store_pg_sql_add(sql, ") p ON p.activity_seq = a.seq");
	}
	if (join_field)
		store_pg_sql_add(sql,
		    " LEFT JOIN activity_fields f ON f.activity_seq = a.seq");
	if (!counted) {
		/* start_day bounds the range the index is read in. */
		store_pg_sql_add(
		    sql, " WHERE a.state = 1 AND a.start_day BETWEEN ");
		store_pg_sql_int(sql, q->from_day);
		store_pg_sql_add(sql, " AND ");
		store_pg_sql_int(sql, q->to_day);
		store_pg_sql_add(sql, " AND a.start_last <= ");
		store_pg_sql_int(sql, q->to_day);
	}
	if (q->n_units > 0) {
		store_pg_sql_add(sql, " AND a.unit_code = ANY(");
		if (store_pg_sql_array(sql, q->units, q->n_units) != 0) {
			rc = STATUS_INTERNAL;
			goto out;
		}
		store_pg_sql_add(sql, ")");
	}
	if (q->kind != 0) {
		store_pg_sql_add(sql, " AND a.kind = ");
		store_pg_sql_int(sql, q->kind);
	}
	if (from == STORE_FROM_PARTNER_COUNTS && q->n_partners > 0) {
		store_pg_sql_add(sql, " AND a.province = ANY(");
		if (store_pg_sql_array(sql, q->partners, q->n_partners) != 0) {
			rc = STATUS_INTERNAL;
			goto out;
		}
		store_pg_sql_add(sql, ")");
	} else if (q->n_partners > 0 && !join_partner) {
		store_pg_sql_add(sql,
		    " AND a.seq IN (SELECT activity_seq FROM"
		    " activity_partners x WHERE true");
		store_pg_sql_partners(sql, q);
		store_pg_sql_add(sql, ")");
	}
	if (n_dims > 0) {
		store_pg_sql_add(sql, " GROUP BY ");
		for (size_t i = 0; i < n_dims; i++) {
			snprintf(alias, sizeof(alias), "%s%zu", i ? ", " : "",
			    i + 1);
			store_pg_sql_add(sql, alias);
		}
		/* Counts brought down to zero are kept as rows: a group
		 * with nothing left in it is no group. */
		if (counted)
			store_pg_sql_add(sql, " HAVING sum(a.n) > 0");
	}
	store_pg_sql_add(sql, ") s");
	if (n_dims > 0) {
		/* A period not known finer comes after the finer ones of
		 * its year or quarter: "2025-12", "2025-Q3", "2025". Keys
		 * sort by bytes, as in sqlite. */
		store_pg_sql_add(sql, " ORDER BY ");
		for (size_t i = 0; i < n_dims; i++) {
			snprintf(alias, sizeof(alias),
			    "%s(k%zu%s) COLLATE \"C\"", i ? ", " : "", i + 1,
			    store_dim_is_time(q->dims[i]) ? " || '~'" : "");
			store_pg_sql_add(sql, alias);
		}
	}
	if (sql->len >= sizeof(sql->text) - 1 ||
	    sql->p.n >= STORE_PG_ARGS_MAX) {
		rc = STATUS_INVALID_ARGUMENT;
		goto out;
	}
	if ((res = store_pg_run(c, sql->text, &sql->p, &rc)) == NULL)
		goto out;
	if (n_dims > 0) {
		rc = store_pg_rows(res, n_dims, out);
	} else if ((out->totals = store_pg_figures(res, 0, 0)) == NULL) {
		rc = STATUS_INTERNAL;
	} else {
		rc = store_pg_partial_row(res, 7, out);
	}
	PQclear(res);
out:
	store_pg_args_free(&sql->p);
	free(sql);
	return rc;
}

int
store_pg_summary(struct store_conn *conn, const struct store_summary_query *q,
    Hoptac__V1__SummaryResponse *out)
{
	struct store_pg *c = store_pg_of(conn);
	int rc = STATUS_OK;

	if (q->n_dims > 0)
		rc = store_pg_summary_run(c, q, q->n_dims, out);
	if (rc == STATUS_OK)
		rc = store_pg_summary_run(c, q, 0, out);
	return rc;
}

void
store_pg_summary_warm(struct store_pg *c)
{
	/* Every month of the years records may have, and days after them:
	 * the counts by month read whole, those by day and the partial
	 * starts through their indexes. */
	static const int by_unit[] = {HOPTAC__V1__DIMENSION__DIMENSION_UNIT,
	    HOPTAC__V1__DIMENSION__DIMENSION_KIND};
	static const int by_partner[] = {
	    HOPTAC__V1__DIMENSION__DIMENSION_PARTNER,
	    HOPTAC__V1__DIMENSION__DIMENSION_QUARTER};
	struct date_partial from = {1900, 1, 1, 0}, to = {2200, 12, 15, 0};
	struct store_summary_query q = {NULL, 0, NULL, 0, date_first_day(&from),
	    date_last_day(&to), by_unit, 2, 0, 0};

	for (int i = 0; i < 2; i++) {
		Hoptac__V1__SummaryResponse *r = malloc(sizeof(*r)); /* owned */

		if (r == NULL)
			return;
		hoptac__v1__summary_response__init(r);
		q.dims = i ? by_partner : by_unit;
		/* What it finds and how it ends matter not: a failure is
		 * met again, and reported, by the first call. */
		(void)store_pg_summary(&c->conn, &q, r);
		hoptac__v1__summary_response__free_unpacked(r, NULL);
	}
}
