/*
 * The sqlite store's part of finding one event reported twice
 * (docs/duplicates.md): the records of a period, and the reviewers'
 * verdicts on pairs of them.
 */
#include <stdlib.h>

#include <sqlite3.h>

#include "status.h"
#include "store.h"
#include "store_sqlite_int.h"

/* sql prepared with the period's first and last day bound to ?1 and
 * ?2, once what waits in the inbox is settled. A status. */
static int
store_links_stmt(struct store_sqlite *c, const char *sql, int32_t from_day,
    int32_t to_day, sqlite3_stmt **st)
{
	int rc;

	if ((rc = store_sqlite_settled(c)) != STATUS_OK)
		return rc;
	if ((*st = store_sqlite_stmt(c, sql)) == NULL)
		return store_sqlite_fail(c, sql);
	sqlite3_bind_int(*st, 1, from_day);
	sqlite3_bind_int(*st, 2, to_day);
	return STATUS_OK;
}

int
store_sqlite_activity_window(struct store_conn *conn, int32_t from_day,
    int32_t to_day, size_t max, Hoptac__V1__ListActivitiesResponse *out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT body FROM activities WHERE end_day >= ?1 AND"
	    " start_day <= ?2 AND state = ?4 ORDER BY start_day, seq LIMIT ?3";
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_links_stmt(c, sql, from_day, to_day, &st)) != STATUS_OK)
		return rc;
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max + 1);
	sqlite3_bind_int(
	    st, 4, HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_ACTIVE);
	if ((rc = store_sqlite_all(c, st, &hoptac__v1__activity__descriptor,
	         &out->n_activities, (void ***)&out->activities)) != STATUS_OK)
		return rc;
	return store_window_over(out, max);
}

int
store_sqlite_link_put(
    struct store_conn *conn, const Hoptac__V1__ActivityLink *l)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "INSERT INTO activity_links(a_unit, a_id, b_unit, b_id, verdict,"
	    " body) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO UPDATE SET"
	    " verdict = excluded.verdict, body = excluded.body";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	size_t len;
	uint8_t *body;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	if (l->a == NULL || l->b == NULL)
		return STATUS_INVALID_ARGUMENT;
	if ((body = store_sqlite_pack(&l->base, &len)) == NULL)
		return STATUS_INTERNAL;
	store_sqlite_bind_text(st, 1, l->a->unit_code);
	store_sqlite_bind_text(st, 2, l->a->id);
	store_sqlite_bind_text(st, 3, l->b->unit_code);
	store_sqlite_bind_text(st, 4, l->b->id);
	sqlite3_bind_int(st, 5, (int)l->verdict);
	sqlite3_bind_blob(st, 6, body, (int)len, free);
	return store_sqlite_step_done(c, st);
}

int
store_sqlite_link_list(struct store_conn *conn, int32_t from_day,
    int32_t to_day, size_t *n, Hoptac__V1__ActivityLink ***links)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT l.body FROM activity_links l WHERE EXISTS (SELECT 1 FROM"
	    " activities x WHERE x.end_day >= ?1 AND x.start_day <= ?2 AND"
	    " ((x.unit_code = l.a_unit AND x.id = l.a_id) OR"
	    " (x.unit_code = l.b_unit AND x.id = l.b_id)))"
	    " ORDER BY l.a_unit, l.a_id, l.b_unit, l.b_id";
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_links_stmt(c, sql, from_day, to_day, &st)) != STATUS_OK)
		return rc;
	return store_sqlite_all(
	    c, st, &hoptac__v1__activity_link__descriptor, n, (void ***)links);
}
