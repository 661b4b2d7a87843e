/*
 * Units in the sqlite store.
 */
#include <stdlib.h>

#include <sqlite3.h>

#include "status.h"
#include "store.h"
#include "store_sqlite_int.h"

/* Binds u's columns and body as parameters 1 to 8 (code, name, kind,
 * province, parent_code, valid_from_day, valid_to_day, body). */
static int
store_sqlite_unit_bind(sqlite3_stmt *st, const Hoptac__V1__Unit *u)
{
	size_t len;
	uint8_t *body = store_sqlite_pack(&u->base, &len);

	if (body == NULL)
		return STATUS_INTERNAL;
	store_sqlite_bind_text(st, 1, u->code);
	store_sqlite_bind_text(st, 2, u->name);
	sqlite3_bind_int(st, 3, (int)u->kind);
	store_sqlite_bind_text(st, 4, u->province);
	if (u->parent_code[0] != '\0')
		store_sqlite_bind_text(st, 5, u->parent_code);
	store_sqlite_bind_day(st, 6, u->valid_from, 0);
	store_sqlite_bind_day(st, 7, u->valid_to, 1);
	sqlite3_bind_blob(st, 8, body, (int)len, free);
	return STATUS_OK;
}

/* Runs sql, an INSERT or an UPDATE of the unit's row, with u bound. */
static int
store_sqlite_unit_write(
    struct store_conn *conn, const Hoptac__V1__Unit *u, const char *sql)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	if (store_sqlite_unit_bind(st, u) != STATUS_OK)
		return STATUS_INTERNAL;
	return store_sqlite_step_done(c, st);
}

int
store_sqlite_unit_insert(struct store_conn *conn, const Hoptac__V1__Unit *u)
{
	return store_sqlite_unit_write(conn, u,
	    "INSERT INTO units(code, name, kind, province, parent_code,"
	    " valid_from_day, valid_to_day, body) VALUES (?,?,?,?,?,?,?,?)");
}

int
store_sqlite_unit_update(struct store_conn *conn, const Hoptac__V1__Unit *u)
{
	int rc = store_sqlite_unit_write(conn, u,
	    "UPDATE units SET name = ?2, kind = ?3, province = ?4,"
	    " parent_code = ?5, valid_from_day = ?6, valid_to_day = ?7,"
	    " body = ?8 WHERE code = ?1");

	if (rc == STATUS_OK && sqlite3_changes(store_sqlite_of(conn)->db) == 0)
		rc = STATUS_NOT_FOUND;
	return rc;
}

int
store_sqlite_unit_get(
    struct store_conn *conn, const char *code, Hoptac__V1__Unit **out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] = "SELECT body FROM units WHERE code = ?";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	int rc = STATUS_OK, rv;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_arg(st, 1, code);
	rv = sqlite3_step(st);
	if (rv == SQLITE_DONE) {
		rc = STATUS_NOT_FOUND;
	} else if (rv != SQLITE_ROW) {
		rc = store_sqlite_fail(c, sql);
	} else if (out != NULL) {
		*out = hoptac__v1__unit__unpack(NULL,
		    (size_t)sqlite3_column_bytes(st, 0),
		    sqlite3_column_blob(st, 0));
		if (*out == NULL)
			rc = STATUS_DATA_LOSS;
	}
	sqlite3_reset(st);
	return rc;
}

int
store_sqlite_unit_list(struct store_conn *conn,
    const Hoptac__V1__ListUnitsRequest *q, int32_t today,
    Hoptac__V1__ListUnitsResponse *out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT body FROM units WHERE (?1 = '' OR province = ?1)"
	    " AND (?2 OR valid_to_day IS NULL OR valid_to_day >= ?3)"
	    " ORDER BY province, code";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, q->province);
	sqlite3_bind_int(st, 2, q->include_ended);
	sqlite3_bind_int(st, 3, today);
	return store_sqlite_all(c, st, &hoptac__v1__unit__descriptor,
	    &out->n_units, (void ***)&out->units);
}
