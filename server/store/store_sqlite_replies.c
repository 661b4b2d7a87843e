/*
 * The log of applied requests: each call's reply kept under its caller's
 * credential and request id, so that a retry gets the same reply and is
 * not applied twice (ARCHITECTURE.md, idempotent retries).
 *
 * A reply is kept first in request_pending, at the end of a table, and
 * moved into request_log (keyed by credential and request id) when the
 * writer settles its inbox (migration 19): appending to request_log
 * split its last pages at every few calls and wrote them with every
 * group's commit. The writer keeps the keys of the replies waiting, so
 * that a call finds its id taken without reading that table, as the
 * inbox does for new records; a rollback makes it read them again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "rpc.h"
#include "status.h"
#include "store.h"
#include "store_keyset.h"
#include "store_sqlite_int.h"

/* What the writer knows of request_pending. */
struct store_replies {
	struct store_keyset keys; /* (credential, request id) waiting */
	int stale; /* the keys may differ from the table: read it again */
	/* The last pair a lookup found in neither table ("" when none): the
	 * writer saves a reply just after finding its id free, and the save
	 * need not look again. Only a save adds a pair, and it clears this;
	 * a rollback only takes pairs away. */
	char absent_cred[RPC_ID_MAX + 1], absent_id[RPC_ID_MAX + 1];
};

/* Notes (credential_id, request_id) as found in neither table. */
static void
store_replies_absent(
    struct store_replies *r, const char *credential_id, const char *request_id)
{
	size_t clen = strlen(credential_id), ilen = strlen(request_id);

	if (clen > RPC_ID_MAX || ilen > RPC_ID_MAX)
		return;
	memcpy(r->absent_cred, credential_id, clen + 1);
	memcpy(r->absent_id, request_id, ilen + 1);
}

int
store_sqlite_replies_init(struct store_sqlite *c)
{
	if ((c->replies = calloc(1, sizeof(*c->replies))) == NULL)
		return STATUS_INTERNAL;
	c->replies->stale = 1;
	return STATUS_OK;
}

void
store_sqlite_replies_free(struct store_sqlite *c)
{
	if (c->replies == NULL)
		return;
	store_keyset_free(&c->replies->keys);
	free(c->replies);
	c->replies = NULL;
}

void
store_sqlite_replies_stale(struct store_sqlite *c)
{
	if (c->replies != NULL)
		c->replies->stale = 1;
}

/* The keys, read again from the table when they may differ from it. */
static int
store_replies_fresh(struct store_sqlite *c)
{
	static const char sql[] =
	    "SELECT credential_id, request_id FROM request_pending";
	struct store_replies *r = c->replies;
	int rc;

	if (!r->stale)
		return STATUS_OK;
	if ((rc = store_sqlite_read_keys(c, sql, &r->keys, NULL)) == STATUS_OK)
		r->stale = 0;
	return rc;
}

/* Where the reply of (credential_id, request_id) may be: the writer's
 * waiting ones are in request_pending, all others in request_log. */
static const char *
store_replies_table_sql(struct store_sqlite *c, const char *credential_id,
    const char *request_id, int *rc)
{
	static const char pending[] =
	    "SELECT method, payload FROM request_pending"
	    " WHERE credential_id = ? AND request_id = ?";
	static const char log[] = "SELECT method, payload FROM request_log"
	                          " WHERE credential_id = ? AND request_id = ?";

	*rc = STATUS_OK;
	if (c->replies == NULL)
		return log;
	if ((*rc = store_replies_fresh(c)) != STATUS_OK)
		return NULL;
	return store_keyset_has(&c->replies->keys, credential_id, request_id)
	    ? pending
	    : log;
}

/* The reply of (credential_id, request_id): OK with a copy of it in
 * *payload, or without one when payload or len is NULL (whether the id is
 * taken); FAILED_PRECONDITION when it was another method's; NOT_FOUND. */
static int
store_replies_lookup(struct store_sqlite *c, const char *credential_id,
    const char *request_id, const char *method, uint8_t **payload, size_t *len)
{
	const char *sql;
	sqlite3_stmt *st;
	int rc, rv;

	sql = store_replies_table_sql(c, credential_id, request_id, &rc);
	if (sql == NULL)
		return rc;
	if ((st = store_sqlite_stmt(c, sql)) == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_arg(st, 1, credential_id);
	store_sqlite_bind_arg(st, 2, request_id);
	rv = sqlite3_step(st);
	if (rv == SQLITE_DONE) {
		rc = STATUS_NOT_FOUND;
		if (c->replies != NULL)
			store_replies_absent(
			    c->replies, credential_id, request_id);
	} else if (rv != SQLITE_ROW)
		rc = store_sqlite_fail(c, sql);
	else if (strcmp((const char *)sqlite3_column_text(st, 0), method) != 0)
		rc = STATUS_FAILED_PRECONDITION;
	else if (payload == NULL || len == NULL)
		rc = STATUS_OK;
	else
		rc = store_sqlite_blob_dup(st, 1, payload, len);
	sqlite3_reset(st);
	return rc;
}

int
store_sqlite_request_find(struct store_conn *conn, const char *credential_id,
    const char *request_id, const char *method, uint8_t **payload, size_t *len)
{
	return store_replies_lookup(store_sqlite_of(conn), credential_id,
	    request_id, method, payload, len);
}

int
store_sqlite_request_save(struct store_conn *conn, const char *credential_id,
    const char *request_id, const char *method, const uint8_t *payload,
    size_t len, int64_t now_ms)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "INSERT INTO request_pending(credential_id, request_id, method,"
	    " payload, created_at_ms) VALUES (?, ?, ?, ?, ?)";
	struct store_replies *r = c->replies;
	sqlite3_stmt *st;
	int rc;

	if (r != NULL && r->absent_id[0] != '\0' &&
	    strcmp(r->absent_cred, credential_id) == 0 &&
	    strcmp(r->absent_id, request_id) == 0)
		rc = STATUS_NOT_FOUND; /* just looked up */
	else
		rc = store_replies_lookup(
		    c, credential_id, request_id, method, NULL, NULL);
	if (r != NULL)
		r->absent_cred[0] = r->absent_id[0] = '\0';
	if (rc == STATUS_OK || rc == STATUS_FAILED_PRECONDITION)
		return STATUS_ALREADY_EXISTS; /* an id is recorded once */
	if (rc != STATUS_NOT_FOUND)
		return rc;
	if ((st = store_sqlite_stmt(c, sql)) == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_arg(st, 1, credential_id);
	store_sqlite_bind_arg(st, 2, request_id);
	store_sqlite_bind_arg(st, 3, method);
	sqlite3_bind_blob(st, 4, payload, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now_ms);
	if ((rc = store_sqlite_step_done(c, st)) == STATUS_OK && r != NULL &&
	    store_keyset_put(&r->keys, credential_id, request_id) < 0)
		r->stale = 1;
	return rc;
}

int
store_sqlite_replies_settle(struct store_sqlite *c)
{
	/* In key order, so that request_log's pages fill one after the
	 * other; OR IGNORE, so that a reply kept twice cannot stop every
	 * settling: the first stays. */
	static const char move[] =
	    "INSERT OR IGNORE INTO request_log(credential_id, request_id,"
	    " method, payload, created_at_ms) SELECT credential_id,"
	    " request_id, method, payload, created_at_ms FROM request_pending"
	    " ORDER BY credential_id, request_id";
	int rc;

	if (c->replies == NULL)
		return STATUS_OK;
	if ((rc = store_replies_fresh(c)) != STATUS_OK)
		return rc;
	if (c->replies->keys.n == 0)
		return STATUS_OK;
	if ((rc = store_sqlite_exec(c, move)) == STATUS_OK &&
	    (rc = store_sqlite_clear_table(c, "DELETE FROM request_pending")) ==
	        STATUS_OK)
		store_keyset_clear(&c->replies->keys);
	else
		c->replies->stale = 1;
	return rc;
}
