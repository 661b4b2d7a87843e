/*
 * The store's credentials and audit trail. Credentials keep a salted hash
 * of their secret, never the secret; audit rows are only ever inserted
 * (migration 5's triggers refuse UPDATE and DELETE). A row stands for
 * count calls: one, or a minute of refusals the writer counted.
 *
 * A new row goes to audit_pending, and is settled into audit (with its
 * index by time) with the inbox, many rows at once (migration 19): a
 * commit then writes one page of the trail where it wrote two. Every
 * pending row is newer than every settled one, so reading the newest
 * first is the pending rows, then audit's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoptac/v1/auth.pb-c.h"
#include "pbstr.h"
#include "role.h"
#include "status.h"
#include "store.h"
#include "store_sqlite_int.h"

#define STORE_CRED_COLUMNS                                                     \
	"id, name, roles, unit_code, created_at_ms, expires_at_ms, "           \
	"revoked_at_ms, created_by, salt, hash"

/* Columns 0..7 of STORE_CRED_COLUMNS as a new Credential. */
static int
store_cred_row(sqlite3_stmt *st, Hoptac__V1__Credential **out)
{
	Hoptac__V1__Credential *cr = malloc(sizeof(*cr));
	unsigned roles = (unsigned)sqlite3_column_int(st, 2);
	int rc = STATUS_INTERNAL;

	*out = NULL;
	if (cr == NULL)
		return rc;
	hoptac__v1__credential__init(cr);
	if (pbstr_set(&cr->id, (const char *)sqlite3_column_text(st, 0)) != 0 ||
	    pbstr_set(&cr->name, (const char *)sqlite3_column_text(st, 1)) !=
	        0 ||
	    pbstr_set(&cr->unit_code,
	        (const char *)sqlite3_column_text(st, 3)) != 0 ||
	    pbstr_set(
	        &cr->created_by, (const char *)sqlite3_column_text(st, 7)) != 0)
		goto out;
	cr->created_at_ms = sqlite3_column_int64(st, 4);
	cr->expires_at_ms = sqlite3_column_int64(st, 5);
	cr->revoked_at_ms = sqlite3_column_int64(st, 6);
	rc = store_roles_unpack(roles, cr);
out:
	if (rc == STATUS_OK)
		*out = cr;
	else
		hoptac__v1__credential__free_unpacked(cr, NULL);
	return rc;
}

int
store_sqlite_cred_insert(struct store_conn *conn,
    const Hoptac__V1__Credential *cr, const uint8_t *salt, size_t salt_len,
    const uint8_t *hash, size_t hash_len)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] = "INSERT INTO credentials(" STORE_CRED_COLUMNS
	                          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, cr->id);
	store_sqlite_bind_text(st, 2, cr->name);
	sqlite3_bind_int(st, 3, (int)role_set(cr->roles, cr->n_roles));
	store_sqlite_bind_text(st, 4, cr->unit_code);
	sqlite3_bind_int64(st, 5, cr->created_at_ms);
	sqlite3_bind_int64(st, 6, cr->expires_at_ms);
	sqlite3_bind_int64(st, 7, cr->revoked_at_ms);
	store_sqlite_bind_text(st, 8, cr->created_by);
	sqlite3_bind_blob(st, 9, salt, (int)salt_len, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 10, hash, (int)hash_len, SQLITE_TRANSIENT);
	return store_sqlite_step_done(c, st);
}

int
store_sqlite_cred_get(
    struct store_conn *conn, const char *id, Hoptac__V1__Credential **out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT " STORE_CRED_COLUMNS " FROM credentials WHERE id = ?";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	int rv, rc;

	*out = NULL;
	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, id);
	rv = sqlite3_step(st);
	if (rv == SQLITE_ROW)
		rc = store_cred_row(st, out);
	else
		rc = rv == SQLITE_DONE ? STATUS_NOT_FOUND
		                       : store_sqlite_fail(c, sql);
	sqlite3_reset(st);
	return rc;
}

int
store_sqlite_cred_revoke(
    struct store_conn *conn, const char *id, int64_t now_ms)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] = "UPDATE credentials SET revoked_at_ms = ? "
	                          "WHERE id = ? AND revoked_at_ms = 0";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	int rc;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	sqlite3_bind_int64(st, 1, now_ms);
	store_sqlite_bind_text(st, 2, id);
	if ((rc = store_sqlite_step_done(c, st)) != STATUS_OK)
		return rc;
	return sqlite3_changes(c->db) == 1 ? STATUS_OK
	                                   : STATUS_FAILED_PRECONDITION;
}

int
store_sqlite_cred_list(struct store_conn *conn, const char *unit_code,
    int include_revoked, int64_t now_ms,
    Hoptac__V1__ListCredentialsResponse *out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT " STORE_CRED_COLUMNS " FROM credentials"
	    " WHERE (?1 = '' OR unit_code = ?1) AND (?2 OR (revoked_at_ms = 0"
	    " AND (expires_at_ms = 0 OR expires_at_ms > ?3)))"
	    " ORDER BY created_at_ms, id";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	Hoptac__V1__Credential *cr;
	int rv, rc = STATUS_OK;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, unit_code);
	sqlite3_bind_int(st, 2, include_revoked != 0);
	sqlite3_bind_int64(st, 3, now_ms);
	while (rc == STATUS_OK && (rv = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = store_cred_row(st, &cr)) != STATUS_OK)
			break;
		if (store_sqlite_append(&out->n_credentials,
		        (void ***)&out->credentials, cr) != 0) {
			hoptac__v1__credential__free_unpacked(cr, NULL);
			rc = STATUS_INTERNAL;
		}
	}
	if (rc == STATUS_OK && rv != SQLITE_DONE)
		rc = store_sqlite_fail(c, sql);
	sqlite3_reset(st);
	return rc;
}

int
store_sqlite_cred_each(struct store_conn *conn, store_cred_fn fn, void *arg)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT " STORE_CRED_COLUMNS " FROM credentials ORDER BY id";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	Hoptac__V1__Credential *cr;
	int rv, rc = STATUS_OK;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	while (rc == STATUS_OK && (rv = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = store_cred_row(st, &cr)) != STATUS_OK)
			break;
		rc = fn(arg, cr, sqlite3_column_blob(st, 8),
		    (size_t)sqlite3_column_bytes(st, 8),
		    sqlite3_column_blob(st, 9),
		    (size_t)sqlite3_column_bytes(st, 9));
		hoptac__v1__credential__free_unpacked(cr, NULL);
	}
	if (rc == STATUS_OK && rv != SQLITE_DONE)
		rc = store_sqlite_fail(c, sql);
	sqlite3_reset(st);
	return rc;
}

int
store_sqlite_audit_append(
    struct store_conn *conn, const Hoptac__V1__AuditEntry *e)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char last[] =
	    "SELECT coalesce((SELECT max(seq) FROM audit_pending),"
	    " (SELECT max(seq) FROM audit), 0)";
	static const char sql[] =
	    "INSERT INTO audit_pending(seq, at_ms, credential_id, name, roles,"
	    " unit_code, method, target, status, message, peer, request_id,"
	    " count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st;
	int rc;

	/* Only this connection appends, so the next seq is counted here:
	 * looking up the last row of both tables was 3,000 instructions of
	 * every call's. */
	if (c->audit_next_seq <= 0) {
		if ((st = store_sqlite_stmt(c, last)) == NULL)
			return store_sqlite_fail(c, last);
		if (sqlite3_step(st) != SQLITE_ROW) {
			rc = store_sqlite_fail(c, last);
			sqlite3_reset(st);
			return rc;
		}
		c->audit_next_seq = sqlite3_column_int64(st, 0) + 1;
		sqlite3_reset(st);
	}
	if ((st = store_sqlite_stmt(c, sql)) == NULL)
		return store_sqlite_fail(c, sql);
	sqlite3_bind_int64(st, 1, c->audit_next_seq);
	sqlite3_bind_int64(st, 2, e->at_ms);
	store_sqlite_bind_arg(st, 3, e->credential_id);
	store_sqlite_bind_arg(st, 4, e->name);
	store_sqlite_bind_arg(st, 5, e->roles);
	store_sqlite_bind_arg(st, 6, e->unit_code);
	store_sqlite_bind_arg(st, 7, e->method);
	store_sqlite_bind_arg(st, 8, e->target);
	sqlite3_bind_int(st, 9, e->status);
	store_sqlite_bind_arg(st, 10, e->message);
	store_sqlite_bind_arg(st, 11, e->peer);
	store_sqlite_bind_arg(st, 12, e->request_id);
	sqlite3_bind_int64(st, 13, e->count > 0 ? e->count : 1);
	if ((rc = store_sqlite_step_done(c, st)) != STATUS_OK)
		return rc;
	c->audit_next_seq++;
	if (c->audit_waiting >= 0)
		c->audit_waiting++;
	return rc;
}

/* A row of the trail as store_audit_row reads it, from either table. */
#define STORE_AUDIT_COLUMNS                                                    \
	"seq, at_ms, credential_id, name, roles, unit_code, method, target, "  \
	"status, message, peer, request_id, count"

/* What Audit/Search asks of a row. The method matches its full name or
 * the tail after a '/', so "Activities/Submit" finds the path of that
 * method. */
#define STORE_AUDIT_MATCH                                                      \
	"seq < ?1 AND at_ms >= ?2 AND at_ms < ?3"                              \
	" AND (?4 = '' OR credential_id = ?4)"                                 \
	" AND (?5 = '' OR unit_code = ?5)"                                     \
	" AND (?6 = '' OR method = ?6 OR substr(method, -length(?6) - 1)"      \
	" = '.' || ?6 OR substr(method, -length(?6) - 1) = '/' || ?6)"         \
	" AND (?7 = 0 OR status <> 0)"

int
store_sqlite_audit_settle(struct store_sqlite *c)
{
	static const char move[] =
	    "INSERT INTO audit(" STORE_AUDIT_COLUMNS
	    ") SELECT " STORE_AUDIT_COLUMNS " FROM audit_pending ORDER BY seq";
	int rc = store_sqlite_exec(c, move);

	if (rc == STATUS_OK)
		rc = store_sqlite_clear_table(c, "DELETE FROM audit_pending");
	if (rc == STATUS_OK)
		c->audit_waiting = 0;
	return rc;
}

int64_t
store_sqlite_audit_pending(struct store_sqlite *c)
{
	/* Counted as they are appended, read from the table only when a
	 * rollback made the count unknown: the writer asks after every
	 * group, and the two lookups below cost 7,800 instructions a call
	 * with one client (docs/PERFORMANCE.md). Two lookups at the ends of
	 * the table: min() and max() in one SELECT read every row. */
	static const char sql[] =
	    "SELECT coalesce((SELECT max(seq) FROM audit_pending) -"
	    " (SELECT min(seq) FROM audit_pending) + 1, 0)";
	sqlite3_stmt *st;
	int64_t n = 1; /* unknown: settling is always right */

	if (c->audit_waiting >= 0)
		return c->audit_waiting;
	st = store_sqlite_stmt(c, sql);
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 0);
		if (c->inbox != NULL) /* the writer's: no other appends */
			c->audit_waiting = n;
	}
	if (st != NULL)
		sqlite3_reset(st);
	return n;
}

static int
store_audit_row(sqlite3_stmt *st, Hoptac__V1__AuditEntry **out)
{
	Hoptac__V1__AuditEntry *e = malloc(sizeof(*e));
	char **text[] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, NULL, NULL};
	int rc = STATUS_OK;

	*out = NULL;
	if (e == NULL)
		return STATUS_INTERNAL;
	hoptac__v1__audit_entry__init(e);
	text[2] = &e->credential_id;
	text[3] = &e->name;
	text[4] = &e->roles;
	text[5] = &e->unit_code;
	text[6] = &e->method;
	text[7] = &e->target;
	text[9] = &e->message;
	text[10] = &e->peer;
	text[11] = &e->request_id;
	e->seq = sqlite3_column_int64(st, 0);
	e->at_ms = sqlite3_column_int64(st, 1);
	e->status = sqlite3_column_int(st, 8);
	e->count = sqlite3_column_int64(st, 12);
	for (int i = 0; i < 12 && rc == STATUS_OK; i++)
		if (text[i] != NULL &&
		    pbstr_set(
		        text[i], (const char *)sqlite3_column_text(st, i)) != 0)
			rc = STATUS_INTERNAL;
	if (rc == STATUS_OK)
		*out = e;
	else
		hoptac__v1__audit_entry__free_unpacked(e, NULL);
	return rc;
}

int
store_sqlite_audit_search(struct store_conn *conn,
    const struct store_audit_query *q, Hoptac__V1__SearchAuditResponse *out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT " STORE_AUDIT_COLUMNS " FROM audit_pending"
	    " WHERE " STORE_AUDIT_MATCH " UNION ALL"
	    " SELECT " STORE_AUDIT_COLUMNS " FROM audit"
	    " WHERE " STORE_AUDIT_MATCH " ORDER BY 1 DESC LIMIT ?8";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	Hoptac__V1__AuditEntry *e;
	int64_t last = 0;
	int rv, rc = STATUS_OK, n = 0;
	char token[32];

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	sqlite3_bind_int64(
	    st, 1, q->before_seq > 0 ? q->before_seq : INT64_MAX);
	sqlite3_bind_int64(st, 2, q->since_ms);
	sqlite3_bind_int64(st, 3, q->until_ms > 0 ? q->until_ms : INT64_MAX);
	store_sqlite_bind_text(st, 4, q->credential_id);
	store_sqlite_bind_text(st, 5, q->unit_code);
	store_sqlite_bind_text(st, 6, q->method);
	sqlite3_bind_int(st, 7, q->refused_only != 0);
	sqlite3_bind_int(st, 8, q->limit + 1);
	while (rc == STATUS_OK && (rv = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == q->limit) {
			snprintf(token, sizeof(token), "%" PRId64, last);
			if (pbstr_set(&out->next_page_token, token) != 0)
				rc = STATUS_INTERNAL;
			rv = SQLITE_DONE;
			break;
		}
		if ((rc = store_audit_row(st, &e)) != STATUS_OK)
			break;
		last = e->seq;
		if (store_sqlite_append(
		        &out->n_entries, (void ***)&out->entries, e) != 0) {
			hoptac__v1__audit_entry__free_unpacked(e, NULL);
			rc = STATUS_INTERNAL;
		}
	}
	if (rc == STATUS_OK && rv != SQLITE_DONE)
		rc = store_sqlite_fail(c, sql);
	sqlite3_reset(st);
	return rc;
}

int
store_sqlite_audit_each(
    struct store_conn *conn, int64_t through_seq, store_audit_fn fn, void *arg)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT " STORE_AUDIT_COLUMNS " FROM audit_pending WHERE seq <= ?1"
	    " UNION ALL SELECT " STORE_AUDIT_COLUMNS " FROM audit"
	    " WHERE seq <= ?1 ORDER BY 1 DESC";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	Hoptac__V1__AuditEntry *e;
	int rv, rc = STATUS_OK;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	sqlite3_bind_int64(st, 1, through_seq);
	while (rc == STATUS_OK && (rv = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = store_audit_row(st, &e)) != STATUS_OK)
			break;
		rc = fn(arg, e);
		hoptac__v1__audit_entry__free_unpacked(e, NULL);
	}
	if (rc == STATUS_OK && rv != SQLITE_DONE)
		rc = store_sqlite_fail(c, sql);
	sqlite3_reset(st);
	return rc;
}

int
store_sqlite_audit_prune(struct store_conn *conn, int64_t through_seq,
    int64_t count, const char *sha256, const char *credential_id, int64_t at_ms)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char check[] =
	    "SELECT coalesce((SELECT max(seq) FROM audit_pending),"
	    " (SELECT max(seq) FROM audit)) > ?1 AND"
	    " (SELECT coalesce(max(through_seq), 0) FROM audit_archives) < ?1";
	static const char record[] =
	    "INSERT INTO audit_archives(through_seq, count, sha256,"
	    " credential_id, at_ms) VALUES (?, ?, ?, ?, ?)";
	static const char prune[] = "DELETE FROM audit WHERE seq <= ?";
	sqlite3_stmt *st = store_sqlite_stmt(c, check);
	int ok, rc;

	if (st == NULL)
		return store_sqlite_fail(c, check);
	sqlite3_bind_int64(st, 1, through_seq);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_sqlite_fail(c, check);
		sqlite3_reset(st);
		return rc;
	}
	ok = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (!ok)
		return STATUS_FAILED_PRECONDITION;
	if ((st = store_sqlite_stmt(c, record)) == NULL)
		return store_sqlite_fail(c, record);
	sqlite3_bind_int64(st, 1, through_seq);
	sqlite3_bind_int64(st, 2, count);
	store_sqlite_bind_text(st, 3, sha256);
	store_sqlite_bind_text(st, 4, credential_id);
	sqlite3_bind_int64(st, 5, at_ms);
	/* The rows to remove may still be pending: all go to audit first. */
	if ((rc = store_sqlite_step_done(c, st)) != STATUS_OK ||
	    (rc = store_sqlite_audit_settle(c)) != STATUS_OK)
		return rc;
	if ((st = store_sqlite_stmt(c, prune)) == NULL)
		return store_sqlite_fail(c, prune);
	sqlite3_bind_int64(st, 1, through_seq);
	return store_sqlite_step_done(c, st);
}
