/*
 * The store's signing keys: an office's public key for bundles, bound to
 * the credential that registered it and to its unit. A key vouches only
 * while its credential is valid: revoking the credential (or its expiry)
 * withdraws the key with it.
 */
#include <stdlib.h>

#include "hoptac/v1/auth.pb-c.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "store_sqlite_int.h"

int
store_sqlite_key_insert(
    struct store_conn *conn, const Hoptac__V1__SigningKey *k)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "INSERT INTO signing_keys(id, credential_id, unit_code, "
	    "public_key, created_at_ms) VALUES (?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, k->id);
	store_sqlite_bind_text(st, 2, k->credential_id);
	store_sqlite_bind_text(st, 3, k->unit_code);
	sqlite3_bind_blob(st, 4, k->public_key.data, (int)k->public_key.len,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, k->created_at_ms);
	return store_sqlite_step_done(c, st);
}

/* The row st is on as a new SigningKey. */
static int
store_key_row(sqlite3_stmt *st, Hoptac__V1__SigningKey **out)
{
	Hoptac__V1__SigningKey *k = malloc(sizeof(*k));

	if (k == NULL)
		return STATUS_INTERNAL;
	hoptac__v1__signing_key__init(k);
	if (pbstr_set(&k->id, (const char *)sqlite3_column_text(st, 0)) != 0 ||
	    pbstr_set(&k->credential_id,
	        (const char *)sqlite3_column_text(st, 1)) != 0 ||
	    pbstr_set(
	        &k->unit_code, (const char *)sqlite3_column_text(st, 2)) != 0 ||
	    store_sqlite_blob_dup(
	        st, 3, &k->public_key.data, &k->public_key.len) != STATUS_OK) {
		hoptac__v1__signing_key__free_unpacked(k, NULL);
		return STATUS_INTERNAL;
	}
	k->created_at_ms = sqlite3_column_int64(st, 4);
	*out = k;
	return STATUS_OK;
}

int
store_sqlite_key_get(struct store_conn *conn, const char *id,
    const char *credential_id, int64_t now_ms, Hoptac__V1__SigningKey **out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT k.id, k.credential_id, k.unit_code, k.public_key,"
	    " k.created_at_ms FROM signing_keys k"
	    " JOIN credentials c ON c.id = k.credential_id"
	    " WHERE (?1 IS NULL OR k.id = ?1) AND (?2 IS NULL OR"
	    " k.credential_id = ?2) AND c.revoked_at_ms = 0"
	    " AND (c.expires_at_ms = 0 OR c.expires_at_ms > ?3)";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	int rv, rc;

	*out = NULL;
	if (st == NULL)
		return store_sqlite_fail(c, sql);
	if (id != NULL)
		store_sqlite_bind_text(st, 1, id);
	if (credential_id != NULL)
		store_sqlite_bind_text(st, 2, credential_id);
	sqlite3_bind_int64(st, 3, now_ms);
	rv = sqlite3_step(st);
	if (rv == SQLITE_ROW)
		rc = store_key_row(st, out);
	else
		rc = rv == SQLITE_DONE ? STATUS_NOT_FOUND
		                       : store_sqlite_fail(c, sql);
	sqlite3_reset(st);
	return rc;
}
