/*
 * Partners and aliases added to the gazetteer, in the sqlite store.
 */
#include <sqlite3.h>

#include "status.h"
#include "store.h"
#include "store_sqlite_int.h"

int
store_sqlite_partner_add(
    struct store_conn *conn, const struct store_partner_addition *a)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "INSERT INTO partner_additions(code, parent_code, name,"
	    " name_latin, alias, added_at_ms) VALUES (?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	const char *texts[] = {
	    a->code, a->parent_code, a->name, a->name_latin, a->alias};

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	for (int i = 0; i < 5; i++)
		if (texts[i] != NULL)
			store_sqlite_bind_text(st, i + 1, texts[i]);
	sqlite3_bind_int64(st, 6, a->added_at_ms);
	return store_sqlite_step_done(c, st);
}

int
store_sqlite_partner_each(
    struct store_conn *conn, store_partner_fn fn, void *arg)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT code, parent_code, name, name_latin, alias, added_at_ms"
	    " FROM partner_additions ORDER BY seq";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	int rv, rc = STATUS_OK;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	while (rc == STATUS_OK && (rv = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_partner_addition a = {
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4),
		    sqlite3_column_int64(st, 5)};

		rc = a.code != NULL ? fn(arg, &a) : STATUS_DATA_LOSS;
	}
	if (rc == STATUS_OK && rv != SQLITE_DONE)
		rc = store_sqlite_fail(c, sql);
	sqlite3_reset(st);
	return rc;
}
