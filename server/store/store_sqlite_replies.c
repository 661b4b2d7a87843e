/*
 * The log of applied requests: each call's reply kept under its caller's
 * credential and request id, so that a retry gets the same reply and is
 * not applied twice (ARCHITECTURE.md, idempotent retries).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "status.h"
#include "store.h"
#include "store_sqlite_int.h"

int
store_sqlite_request_find(struct store_conn *conn, const char *credential_id,
    const char *request_id, const char *method, uint8_t **payload, size_t *len)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] = "SELECT method, payload FROM request_log"
	                          " WHERE credential_id = ? AND request_id = ?";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	int rc, rv;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, credential_id);
	store_sqlite_bind_text(st, 2, request_id);
	rv = sqlite3_step(st);
	if (rv == SQLITE_DONE)
		rc = STATUS_NOT_FOUND;
	else if (rv != SQLITE_ROW)
		rc = store_sqlite_fail(c, sql);
	else if (strcmp((const char *)sqlite3_column_text(st, 0), method) != 0)
		rc = STATUS_FAILED_PRECONDITION;
	else
		rc = store_sqlite_blob_dup(st, 1, payload, len);
	sqlite3_reset(st);
	return rc;
}

int
store_sqlite_request_save(struct store_conn *conn, const char *credential_id,
    const char *request_id, const char *method, const uint8_t *payload,
    size_t len, int64_t now_ms)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "INSERT INTO request_log(credential_id, request_id, method,"
	    " payload, created_at_ms) VALUES (?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, credential_id);
	store_sqlite_bind_text(st, 2, request_id);
	store_sqlite_bind_text(st, 3, method);
	sqlite3_bind_blob(st, 4, payload, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, now_ms);
	return store_sqlite_step_done(c, st);
}
