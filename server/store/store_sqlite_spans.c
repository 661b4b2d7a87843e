/*
 * Migration 13: the span of an activity's start. A start known only by
 * its month, quarter or year covers days from start_day to start_last,
 * which a summary must not count on its first day (a year in January).
 * The counts by day and month hold full dates only; the few partial
 * ones are read from the records, through an index of their own.
 */
#include <stdlib.h>

#include <sqlite3.h>

#include "date.h"
#include "status.h"
#include "store_sqlite_int.h"

/* The first day of the month of a day, both as days since 1970-01-01. */
#define STORE_13_MONTH(day)                                                    \
	"(CAST(strftime('%s', " day " * 86400, 'unixepoch', 'start of month')" \
	" AS INTEGER) / 86400)"

/* clang-format off */
/* The statements of the update and delete triggers that count row r
 * ("new" or "old") in, or out of, the counts by day and month. */
#define STORE_13_ADD(r)                                                        \
	" INSERT INTO activity_day_counts VALUES (" r ".start_day, " r         \
	".unit_code, " r ".kind, 1, " r ".people) ON CONFLICT DO UPDATE SET"   \
	" n = n + 1, people = people + excluded.people;"                       \
	" INSERT INTO activity_month_counts VALUES (" STORE_13_MONTH(          \
	r ".start_day") ", " r ".unit_code, " r ".kind, 1, " r ".people)"      \
	" ON CONFLICT DO UPDATE SET n = n + 1,"                                \
	" people = people + excluded.people; "
#define STORE_13_SUB(r)                                                        \
	" UPDATE activity_day_counts SET n = n - 1, people = people - " r      \
	".people WHERE day = " r ".start_day AND unit_code = " r ".unit_code"  \
	" AND kind = " r ".kind;"                                              \
	" UPDATE activity_month_counts SET n = n - 1, people = people - " r    \
	".people WHERE month_day = " STORE_13_MONTH(r ".start_day")            \
	" AND unit_code = " r ".unit_code AND kind = " r ".kind; "
#define STORE_13_DATED(r)                                                      \
	" WHEN " r ".state = 1 AND " r ".start_last = " r ".start_day"

/* The column is added by store_sqlite_spans_backfill, when it is not
 * there: a file set back to an older version (as tests do) has it. */
const char store_sqlite_migration_13[] =
    "DROP TRIGGER IF EXISTS activity_counts_update_old;"
    "DROP TRIGGER IF EXISTS activity_counts_update_new;"
    "DROP TRIGGER IF EXISTS activity_counts_delete;";

/* Once the column is there: every start a day until its body says
 * otherwise, and the indexes that read the column. */
static const char store_13_column[] =
    "UPDATE activities SET start_last = start_day;"
    "CREATE INDEX IF NOT EXISTS activities_partial ON activities"
    "  (start_day, start_last, unit_code, kind, people)"
    "  WHERE state = 1 AND start_last <> start_day;"
    /* The summaries read from the records read start_last too. */
    "DROP INDEX IF EXISTS activities_summary;"
    "CREATE INDEX activities_summary ON activities"
    "  (start_day, state, unit_code, kind, people, start_last);";

/* Run once the spans are known: the counts again, of full dates only,
 * and the triggers that keep them so. */
static const char store_13_counts[] =
    "DELETE FROM activity_day_counts;"
    "DELETE FROM activity_month_counts;"
    "DELETE FROM activity_partner_day_counts;"
    "DELETE FROM activity_partner_month_counts;"
    "INSERT INTO activity_day_counts"
    "  SELECT start_day, unit_code, kind, count(*), sum(people)"
    "  FROM activities WHERE state = 1 AND start_last = start_day"
    "  GROUP BY 1, 2, 3;"
    "INSERT INTO activity_month_counts"
    "  SELECT " STORE_13_MONTH("start_day") ", unit_code, kind,"
    "  count(*), sum(people) FROM activities"
    "  WHERE state = 1 AND start_last = start_day GROUP BY 1, 2, 3;"
    "INSERT INTO activity_partner_day_counts"
    "  SELECT a.start_day, a.unit_code, a.kind, p.province, count(*),"
    "  sum(a.people) FROM activities a JOIN (SELECT DISTINCT activity_seq,"
    "  " STORE_PARTNER_PROVINCE " AS province FROM activity_partners) p"
    "  ON p.activity_seq = a.seq"
    "  WHERE a.state = 1 AND a.start_last = a.start_day"
    "  GROUP BY 1, 2, 3, 4;"
    "INSERT INTO activity_partner_month_counts"
    "  SELECT " STORE_13_MONTH("a.start_day") ", a.unit_code, a.kind,"
    "  p.province, count(*), sum(a.people) FROM activities a JOIN"
    "  (SELECT DISTINCT activity_seq, " STORE_PARTNER_PROVINCE " AS"
    "  province FROM activity_partners) p ON p.activity_seq = a.seq"
    "  WHERE a.state = 1 AND a.start_last = a.start_day"
    "  GROUP BY 1, 2, 3, 4;"
    "CREATE TRIGGER activity_counts_update_old AFTER UPDATE ON activities"
    STORE_13_DATED("old") " BEGIN" STORE_13_SUB("old") "END;"
    "CREATE TRIGGER activity_counts_update_new AFTER UPDATE ON activities"
    STORE_13_DATED("new") " BEGIN" STORE_13_ADD("new") "END;"
    "CREATE TRIGGER activity_counts_delete AFTER DELETE ON activities"
    STORE_13_DATED("old") " BEGIN" STORE_13_SUB("old") "END;";
/* clang-format on */

/* One activity whose start is partial: its row and its start's last day. */
struct store_13_span {
	sqlite3_int64 seq;
	int32_t last;
};

/* The spans of the stored activities whose start is partial, read from
 * their bodies, into *out (malloc'd, *n of them). */
static int
store_13_read(struct store_sqlite *c, struct store_13_span **out, size_t *n)
{
	/* A partial start begins on the first of a month: the other
	 * records, some 29 in 30, need not be unpacked. */
	static const char sql[] =
	    "SELECT seq, start_day, body FROM activities WHERE"
	    " strftime('%d', start_day * 86400, 'unixepoch') = '01'";
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc = STATUS_OK, rv;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_sqlite_fail(c, sql);
	while (rc == STATUS_OK && (rv = sqlite3_step(st)) == SQLITE_ROW) {
		Hoptac__V1__Activity *a = NULL;
		struct date_partial d;
		int32_t last;

		if ((rc = store_sqlite_unpack(st, 2,
		         &hoptac__v1__activity__descriptor, (void **)&a)) !=
		    STATUS_OK)
			break;
		/* A start that does not parse keeps the day it has. */
		if (date_parse(a->start_date, &d) == 0 &&
		    (last = date_last_day(&d)) != sqlite3_column_int(st, 1)) {
			if (*n == cap) {
				size_t grown_cap = cap == 0 ? 256 : cap * 2;
				struct store_13_span *grown =
				    realloc(*out, grown_cap * sizeof(*grown));

				if (grown == NULL)
					rc = STATUS_INTERNAL;
				else
					*out = grown, cap = grown_cap;
			}
			if (rc == STATUS_OK) {
				(*out)[*n].seq = sqlite3_column_int64(st, 0);
				(*out)[(*n)++].last = last;
			}
		}
		hoptac__v1__activity__free_unpacked(a, NULL);
	}
	if (rc == STATUS_OK && rv != SQLITE_DONE)
		rc = store_sqlite_fail(c, sql);
	sqlite3_finalize(st);
	return rc;
}

/* Adds activities.start_last unless it is there. */
static int
store_13_add_column(struct store_sqlite *c)
{
	static const char has[] =
	    "SELECT 1 FROM pragma_table_info('activities')"
	    " WHERE name = 'start_last'";
	sqlite3_stmt *st = NULL;
	int rv;

	if (sqlite3_prepare_v2(c->db, has, -1, &st, NULL) != SQLITE_OK)
		return store_sqlite_fail(c, has);
	rv = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rv == SQLITE_ROW)
		return STATUS_OK;
	if (rv != SQLITE_DONE)
		return store_sqlite_fail(c, has);
	return store_sqlite_exec(c,
	    "ALTER TABLE activities ADD COLUMN"
	    " start_last INTEGER NOT NULL DEFAULT 0");
}

int
store_sqlite_spans_backfill(struct store_sqlite *c)
{
	static const char sql[] =
	    "UPDATE activities SET start_last = ? WHERE seq = ?";
	struct store_13_span *spans = NULL; /* owned here */
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	int rc = store_13_add_column(c);

	if (rc == STATUS_OK)
		rc = store_sqlite_exec(c, store_13_column);
	if (rc == STATUS_OK)
		rc = store_13_read(c, &spans, &n);

	if (rc == STATUS_OK && n > 0 &&
	    sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		rc = store_sqlite_fail(c, sql);
	for (size_t i = 0; rc == STATUS_OK && i < n; i++) {
		sqlite3_bind_int(st, 1, spans[i].last);
		sqlite3_bind_int64(st, 2, spans[i].seq);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = store_sqlite_fail(c, sql);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	free(spans);
	if (rc == STATUS_OK)
		rc = store_sqlite_exec(c, store_13_counts);
	return rc;
}
