/*
 * Credentials and the audit trail in the PostgreSQL store. Credentials
 * keep a salted hash of their secret, never the secret; audit rows are
 * only ever inserted (the schema's triggers refuse UPDATE, TRUNCATE, and
 * DELETE but of what an archive recorded).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg_lib.h"

#include "pbstr.h"
#include "role.h"
#include "status.h"
#include "store.h"
#include "store_pg_int.h"

#define STORE_PG_CRED_COLUMNS                                                  \
	"id, name, roles, unit_code, created_at_ms, expires_at_ms, "           \
	"revoked_at_ms, created_by, salt, hash"

/* Columns 0..7 of STORE_PG_CRED_COLUMNS of row r as a new Credential. */
static int
store_pg_cred_row(const PGresult *res, int r, Hoptac__V1__Credential **out)
{
	Hoptac__V1__Credential *cr = malloc(sizeof(*cr));
	unsigned roles = (unsigned)store_pg_get_int(res, r, 2);
	int rc = STATUS_INTERNAL;

	*out = NULL;
	if (cr == NULL)
		return rc;
	hoptac__v1__credential__init(cr);
	if (pbstr_set(&cr->id, store_pg_get_text(res, r, 0)) != 0 ||
	    pbstr_set(&cr->name, store_pg_get_text(res, r, 1)) != 0 ||
	    pbstr_set(&cr->unit_code, store_pg_get_text(res, r, 3)) != 0 ||
	    pbstr_set(&cr->created_by, store_pg_get_text(res, r, 7)) != 0)
		goto out;
	cr->created_at_ms = store_pg_get_int(res, r, 4);
	cr->expires_at_ms = store_pg_get_int(res, r, 5);
	cr->revoked_at_ms = store_pg_get_int(res, r, 6);
	rc = store_roles_unpack(roles, cr);
out:
	if (rc == STATUS_OK)
		*out = cr;
	else
		hoptac__v1__credential__free_unpacked(cr, NULL);
	return rc;
}

int
store_pg_cred_insert(struct store_conn *conn, const Hoptac__V1__Credential *cr,
    const uint8_t *salt, size_t salt_len, const uint8_t *hash, size_t hash_len)
{
	struct store_pg_args a = {0};

	store_pg_text(&a, cr->id);
	store_pg_text(&a, cr->name);
	store_pg_int(&a, (int)role_set(cr->roles, cr->n_roles));
	store_pg_text(&a, cr->unit_code);
	store_pg_int(&a, cr->created_at_ms);
	store_pg_int(&a, cr->expires_at_ms);
	store_pg_int(&a, cr->revoked_at_ms);
	store_pg_text(&a, cr->created_by);
	store_pg_bytes(&a, salt, salt_len);
	store_pg_bytes(&a, hash, hash_len);
	return store_pg_done(store_pg_of(conn),
	    "INSERT INTO credentials(" STORE_PG_CRED_COLUMNS
	    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
	    &a, NULL);
}

int
store_pg_cred_get(
    struct store_conn *conn, const char *id, Hoptac__V1__Credential **out)
{
	struct store_pg_args a = {0};
	PGresult *res;
	int rc;

	*out = NULL;
	store_pg_text(&a, id);
	res = store_pg_run(store_pg_of(conn),
	    "SELECT " STORE_PG_CRED_COLUMNS " FROM credentials WHERE id = $1",
	    &a, &rc);
	if (res == NULL)
		return rc;
	rc = PQntuples(res) == 0 ? STATUS_NOT_FOUND
	                         : store_pg_cred_row(res, 0, out);
	PQclear(res);
	return rc;
}

int
store_pg_cred_revoke(struct store_conn *conn, const char *id, int64_t now_ms)
{
	struct store_pg_args a = {0};
	int64_t changed;
	int rc;

	store_pg_int(&a, now_ms);
	store_pg_text(&a, id);
	if ((rc = store_pg_done(store_pg_of(conn),
	         "UPDATE credentials SET revoked_at_ms = $1"
	         " WHERE id = $2 AND revoked_at_ms = 0",
	         &a, &changed)) != STATUS_OK)
		return rc;
	return changed == 1 ? STATUS_OK : STATUS_FAILED_PRECONDITION;
}

int
store_pg_cred_list(struct store_conn *conn, const char *unit_code,
    int include_revoked, int64_t now_ms,
    Hoptac__V1__ListCredentialsResponse *out)
{
	struct store_pg_args a = {0};
	Hoptac__V1__Credential *cr;
	PGresult *res;
	int rc;

	store_pg_text(&a, unit_code);
	store_pg_int(&a, include_revoked != 0);
	store_pg_int(&a, now_ms);
	res = store_pg_run(store_pg_of(conn),
	    "SELECT " STORE_PG_CRED_COLUMNS " FROM credentials"
	    " WHERE ($1 = '' OR unit_code = $1) AND ($2::int <> 0 OR"
	    " (revoked_at_ms = 0 AND (expires_at_ms = 0 OR"
	    " expires_at_ms > $3))) ORDER BY created_at_ms, id",
	    &a, &rc);
	if (res == NULL)
		return rc;
	for (int r = 0; r < PQntuples(res) && rc == STATUS_OK; r++) {
		if ((rc = store_pg_cred_row(res, r, &cr)) != STATUS_OK)
			break;
		if (store_pg_append(&out->n_credentials,
		        (void ***)&out->credentials, cr) != STATUS_OK) {
			hoptac__v1__credential__free_unpacked(cr, NULL);
			rc = STATUS_INTERNAL;
		}
	}
	PQclear(res);
	return rc;
}

int
store_pg_cred_each(struct store_conn *conn, store_cred_fn fn, void *arg)
{
	Hoptac__V1__Credential *cr;
	PGresult *res;
	int rc;

	res = store_pg_run(store_pg_of(conn),
	    "SELECT " STORE_PG_CRED_COLUMNS " FROM credentials ORDER BY id",
	    NULL, &rc);
	if (res == NULL)
		return rc;
	for (int r = 0; r < PQntuples(res) && rc == STATUS_OK; r++) {
		if ((rc = store_pg_cred_row(res, r, &cr)) != STATUS_OK)
			break;
		rc = fn(arg, cr, (const uint8_t *)PQgetvalue(res, r, 8),
		    (size_t)PQgetlength(res, r, 8),
		    (const uint8_t *)PQgetvalue(res, r, 9),
		    (size_t)PQgetlength(res, r, 9));
		hoptac__v1__credential__free_unpacked(cr, NULL);
	}
	PQclear(res);
	return rc;
}

int
store_pg_audit_append(struct store_conn *conn, const Hoptac__V1__AuditEntry *e)
{
	struct store_pg_args a = {0};

	store_pg_int(&a, e->at_ms);
	store_pg_text(&a, e->credential_id);
	store_pg_text(&a, e->name);
	store_pg_text(&a, e->roles);
	store_pg_text(&a, e->unit_code);
	store_pg_text(&a, e->method);
	store_pg_text(&a, e->target);
	store_pg_int(&a, e->status);
	store_pg_text(&a, e->message);
	store_pg_text(&a, e->peer);
	store_pg_text(&a, e->request_id);
	store_pg_int(&a, e->count > 0 ? e->count : 1);
	return store_pg_done(store_pg_of(conn),
	    "INSERT INTO audit(at_ms, credential_id, name, roles, unit_code,"
	    " method, target, status, message, peer, request_id, count)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
	    &a, NULL);
}

#define STORE_PG_AUDIT_COLUMNS                                                 \
	"seq, at_ms, credential_id, name, roles, unit_code, method, target,"   \
	" status, message, peer, request_id, count"

/* The text columns of STORE_PG_AUDIT_COLUMNS and their fields. */
static const struct {
	int col;
	size_t field;
} store_pg_audit_texts[] = {
    {2, offsetof(Hoptac__V1__AuditEntry, credential_id)},
    {3, offsetof(Hoptac__V1__AuditEntry, name)},
    {4, offsetof(Hoptac__V1__AuditEntry, roles)},
    {5, offsetof(Hoptac__V1__AuditEntry, unit_code)},
    {6, offsetof(Hoptac__V1__AuditEntry, method)},
    {7, offsetof(Hoptac__V1__AuditEntry, target)},
    {9, offsetof(Hoptac__V1__AuditEntry, message)},
    {10, offsetof(Hoptac__V1__AuditEntry, peer)},
    {11, offsetof(Hoptac__V1__AuditEntry, request_id)},
};

static int
store_pg_audit_row(const PGresult *res, int r, Hoptac__V1__AuditEntry **out)
{
	size_t n =
	    sizeof(store_pg_audit_texts) / sizeof(store_pg_audit_texts[0]);
	Hoptac__V1__AuditEntry *e = malloc(sizeof(*e));

	*out = NULL;
	if (e == NULL)
		return STATUS_INTERNAL;
	hoptac__v1__audit_entry__init(e);
	e->seq = store_pg_get_int(res, r, 0);
	e->at_ms = store_pg_get_int(res, r, 1);
	e->status = (int32_t)store_pg_get_int(res, r, 8);
	e->count = store_pg_get_int(res, r, 12);
	for (size_t i = 0; i < n; i++) {
		char **field =
		    (char **)((char *)e + store_pg_audit_texts[i].field);

		if (pbstr_set(field,
		        store_pg_get_text(
		            res, r, store_pg_audit_texts[i].col)) != 0) {
			hoptac__v1__audit_entry__free_unpacked(e, NULL);
			return STATUS_INTERNAL;
		}
	}
	*out = e;
	return STATUS_OK;
}

int
store_pg_audit_search(struct store_conn *conn,
    const struct store_audit_query *q, Hoptac__V1__SearchAuditResponse *out)
{
	struct store_pg_args a = {0};
	Hoptac__V1__AuditEntry *e;
	PGresult *res;
	int64_t last = 0;
	int rc, n;
	char token[32];

	store_pg_int(&a, q->before_seq > 0 ? q->before_seq : INT64_MAX);
	store_pg_int(&a, q->since_ms);
	store_pg_int(&a, q->until_ms > 0 ? q->until_ms : INT64_MAX);
	store_pg_text(&a, q->credential_id);
	store_pg_text(&a, q->unit_code);
	store_pg_text(&a, q->method);
	store_pg_int(&a, q->refused_only != 0);
	store_pg_int(&a, (int64_t)q->limit + 1);
	/* The method matches its full name or the tail after a '.' or a
	 * '/', so "Activities/Submit" finds the path of that method. */
	res = store_pg_run(store_pg_of(conn),
	    "SELECT " STORE_PG_AUDIT_COLUMNS " FROM audit"
	    " WHERE seq < $1 AND at_ms >= $2 AND at_ms < $3"
	    " AND ($4 = '' OR credential_id = $4)"
	    " AND ($5 = '' OR unit_code = $5)"
	    " AND ($6 = '' OR method = $6 OR right(method, length($6) + 1)"
	    " = '.' || $6 OR right(method, length($6) + 1) = '/' || $6)"
	    " AND ($7::int = 0 OR status <> 0)"
	    " ORDER BY seq DESC LIMIT $8",
	    &a, &rc);
	if (res == NULL)
		return rc;
	for (n = 0; n < PQntuples(res) && rc == STATUS_OK; n++) {
		if (n == (int)q->limit) {
			snprintf(token, sizeof(token), "%" PRId64, last);
			if (pbstr_set(&out->next_page_token, token) != 0)
				rc = STATUS_INTERNAL;
			break;
		}
		if ((rc = store_pg_audit_row(res, n, &e)) != STATUS_OK)
			break;
		last = e->seq;
		if (store_pg_append(&out->n_entries, (void ***)&out->entries,
		        e) != STATUS_OK) {
			hoptac__v1__audit_entry__free_unpacked(e, NULL);
			rc = STATUS_INTERNAL;
		}
	}
	PQclear(res);
	return rc;
}

int
store_pg_audit_each(
    struct store_conn *conn, int64_t through_seq, store_audit_fn fn, void *arg)
{
	struct store_pg_args a = {0};
	Hoptac__V1__AuditEntry *e;
	PGresult *res;
	int rc;

	store_pg_int(&a, through_seq);
	res = store_pg_run(store_pg_of(conn),
	    "SELECT " STORE_PG_AUDIT_COLUMNS " FROM audit WHERE seq <= $1"
	    " ORDER BY seq DESC",
	    &a, &rc);
	if (res == NULL)
		return rc;
	for (int r = 0; r < PQntuples(res) && rc == STATUS_OK; r++) {
		if ((rc = store_pg_audit_row(res, r, &e)) != STATUS_OK)
			break;
		rc = fn(arg, e);
		hoptac__v1__audit_entry__free_unpacked(e, NULL);
	}
	PQclear(res);
	return rc;
}

int
store_pg_audit_prune(struct store_conn *conn, int64_t through_seq,
    int64_t count, const char *sha256, const char *credential_id, int64_t at_ms)
{
	struct store_pg *c = store_pg_of(conn);
	struct store_pg_args a = {0};
	PGresult *res;
	int ok, rc;

	store_pg_int(&a, through_seq);
	res = store_pg_run(c,
	    "SELECT coalesce((SELECT max(seq) FROM audit) > $1, false) AND"
	    " (SELECT coalesce(max(through_seq), 0) FROM audit_archives) < $1",
	    &a, &rc);
	if (res == NULL)
		return rc;
	ok = (int)store_pg_get_int(res, 0, 0);
	PQclear(res);
	if (!ok)
		return STATUS_FAILED_PRECONDITION;
	store_pg_args_free(&a);
	store_pg_int(&a, through_seq);
	store_pg_int(&a, count);
	store_pg_text(&a, sha256);
	store_pg_text(&a, credential_id);
	store_pg_int(&a, at_ms);
	if ((rc = store_pg_done(c,
	         "INSERT INTO audit_archives(through_seq, count, sha256,"
	         " credential_id, at_ms) VALUES ($1, $2, $3, $4, $5)",
	         &a, NULL)) != STATUS_OK)
		return rc;
	store_pg_int(&a, through_seq);
	return store_pg_done(c, "DELETE FROM audit WHERE seq <= $1", &a, NULL);
}
