/*
 * The store on PostgreSQL 15, through libpq. Records are kept whole as
 * packed protobuf in a body column (BYTEA) next to the columns queries
 * filter and sort on, as in the sqlite store, whose behaviour this one
 * keeps: the same statuses, the same durability (synchronous_commit on,
 * set on every connection and never off), one writer per database.
 *
 * This file: naming, opening and closing a connection, transactions,
 * the log of applied requests, and the table of operations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg_lib.h"

#include "log.h"
#include "status.h"
#include "store.h"
#include "store_pg_int.h"

/* What every connection sets, whatever the name says: durability as in
 * sqlite's synchronous=FULL (a commit acknowledged is on the disk, and
 * on a synchronous standby when one is configured); no chatter. */
#define STORE_PG_OPTIONS                                                       \
	"-c synchronous_commit=on -c client_min_messages=warning"

/* libpq's connection string for a name: a URI ("postgresql://...",
 * "postgres://...") whole, the keyword form after "postgresql:". */
static const char *
store_pg_conninfo(const char *name)
{
	if (strncmp(name, "postgresql://", 13) == 0 ||
	    strncmp(name, "postgres://", 11) == 0)
		return name;
	if (strncmp(name, "postgresql:", 11) == 0)
		return name + 11;
	return name;
}

/* The name for messages, a password in it replaced by "***". */
static void
store_pg_shown(const char *name, char *out, size_t len)
{
	const char *pw = strstr(name, "password=");
	const char *at = strchr(name, '@');
	const char *colon = NULL;

	if (strncmp(name, "postgres", 8) == 0 && strstr(name, "://") && at) {
		const char *user = strstr(name, "://") + 3;

		colon = memchr(user, ':', (size_t)(at - user));
	}
	if (colon != NULL)
		snprintf(out, len, "%.*s:***%s", (int)(colon - name), name, at);
	else if (pw != NULL)
		snprintf(out, len, "%.*spassword=***%s", (int)(pw - name), name,
		    pw + strcspn(pw, " "));
	else
		snprintf(out, len, "%s", name);
}

static void
store_pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int
store_pg_open(const char *name, int mode, struct store_conn **out, char *err,
    size_t errlen)
{
	/* Of the hosts a name may list, the writer takes the one that
	 * accepts writes, and readers the primary too: reads after a write
	 * must see it, and a reader's own read-only default would fail
	 * libpq's read-write test. */
	const char *keys[] = {"dbname", "options", "target_session_attrs",
	    "fallback_application_name", NULL};
	const char *values[] = {store_pg_conninfo(name),
	    mode == STORE_OPEN_READ ? STORE_PG_OPTIONS
	        " -c default_transaction_read_only=on"
	                            : STORE_PG_OPTIONS,
	    mode == STORE_OPEN_READ ? "primary" : "read-write", "hoptacd",
	    NULL};
	struct store_pg *c;
	char shown[512];
	int version = 0, rc;

	*out = NULL;
	store_pg_shown(name, shown, sizeof(shown));
	if (mode != STORE_OPEN_CREATE && mode != STORE_OPEN_READ &&
	    mode != STORE_OPEN_WRITE) {
		snprintf(
		    err, errlen, "cannot open %s: no mode %d", shown, mode);
		return STATUS_INVALID_ARGUMENT;
	}
	if (store_pg_lib_load(err, errlen) != 0)
		return STATUS_UNAVAILABLE;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return STATUS_INTERNAL;
	}
	c->readonly = mode == STORE_OPEN_READ;
	/* Later values override what the name says (options included). */
	c->db = PQconnectdbParams(keys, values, 1);
	if (c->db == NULL || PQstatus(c->db) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to %s: %s", shown,
		    c->db ? PQerrorMessage(c->db) : "out of memory");
		err[strcspn(err, "\n")] = '\0';
		rc = STATUS_UNAVAILABLE;
		goto fail;
	}
	PQsetNoticeProcessor(c->db, store_pg_quiet, NULL);
	if (!c->readonly) {
		if ((rc = store_pg_migrate(c, mode, err, errlen)) != STATUS_OK)
			goto fail;
	} else if ((rc = store_pg_schema_version(c, &version, err, errlen)) !=
	    STATUS_OK) {
		goto fail;
	} else if (version != STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
		    "cannot open %s: database schema %d is not this server's "
		    "%d",
		    shown, version, STORE_SCHEMA_VERSION);
		rc = version == 0 ? STATUS_NOT_FOUND
		                  : STATUS_FAILED_PRECONDITION;
		goto fail;
	}
	/* The schema is what it will stay: plans made now stay right. */
	c->prepare = 1;
	c->conn.ops = &store_pg_ops;
	if (c->readonly)
		store_pg_summary_warm(c);
	*out = &c->conn;
	return STATUS_OK;
fail:
	PQfinish(c->db);
	free(c);
	return rc;
}

void
store_pg_close(struct store_conn *conn)
{
	struct store_pg *c = store_pg_of(conn);

	if (c == NULL)
		return;
	/* What was not committed is rolled back by the server; the
	 * writer's lock goes with the session. */
	store_pg_unprepare(c);
	PQfinish(c->db);
	free(c);
}

int
store_pg_in_transaction(struct store_conn *conn)
{
	struct store_pg *c = store_pg_of(conn);

	return PQtransactionStatus(c->db) != PQTRANS_IDLE &&
	    PQtransactionStatus(c->db) != PQTRANS_UNKNOWN;
}

const char *
store_pg_errmsg(struct store_conn *conn)
{
	struct store_pg *c = store_pg_of(conn);

	return c->msg[0] != '\0' ? c->msg : PQerrorMessage(c->db);
}

int
store_pg_begin(struct store_conn *conn)
{
	struct store_pg *c = store_pg_of(conn);
	int rc;

	/* One left open by a lost connection is gone with it. */
	if (store_pg_broken(c))
		c->txn_open = 0;
	rc = store_pg_exec(c, "BEGIN");
	/* A connection lost while idle (a server restarted, a failover) is
	 * found out only now: nothing was begun, so begin again on a new
	 * one, and the group of calls goes on. */
	if (rc == STATUS_UNAVAILABLE && store_pg_broken(c))
		rc = store_pg_exec(c, "BEGIN");
	c->txn_open = rc == STATUS_OK;
	return rc;
}

int
store_pg_commit(struct store_conn *conn)
{
	struct store_pg *c = store_pg_of(conn);
	PGresult *res;
	int rc;

	if (store_pg_broken(c)) {
		c->txn_open = 0;
		c->n_queued = 0;
		return store_pg_status(c, NULL, "COMMIT");
	}
	/* COMMIT of a transaction in error answers ROLLBACK: it must not
	 * pass for a commit. */
	if (c->n_queued > 0) {
		res = store_pg_piped(c, "COMMIT", NULL, 0, &rc);
	} else {
		res = PQexec(c->db, "COMMIT");
		rc = PQresultStatus(res) == PGRES_COMMAND_OK
		    ? STATUS_OK
		    : store_pg_status(c, res, "COMMIT");
	}
	if (rc == STATUS_OK && strcmp(PQcmdStatus(res), "COMMIT") != 0)
		rc = STATUS_ABORTED;
	PQclear(res);
	/* A commit whose answer was lost may or may not have happened:
	 * UNAVAILABLE, and the client's retry with its request id finds
	 * the reply logged if it did. */
	c->txn_open = 0;
	return rc;
}

int
store_pg_rollback(struct store_conn *conn)
{
	struct store_pg *c = store_pg_of(conn);

	c->txn_open = 0;
	c->n_queued = 0; /* what it would have sent goes with the rest */
	if (store_pg_broken(c))
		return STATUS_OK; /* nothing of it was committed */
	return store_pg_exec(c, "ROLLBACK");
}

int
store_pg_savepoint(struct store_conn *conn)
{
	return store_pg_queue(store_pg_of(conn), "SAVEPOINT call");
}

int
store_pg_release(struct store_conn *conn)
{
	return store_pg_queue(store_pg_of(conn), "RELEASE call");
}

int
store_pg_rollback_savepoint(struct store_conn *conn)
{
	struct store_pg *c = store_pg_of(conn);
	int rc;

	/* Nothing ran since the savepoint: it need not be sent at all. */
	if (c->n_queued > 0 &&
	    strcmp(c->queued[c->n_queued - 1], "SAVEPOINT call") == 0) {
		c->n_queued--;
		return STATUS_OK;
	}
	rc = store_pg_exec(c, "ROLLBACK TO call");
	return rc == STATUS_OK ? store_pg_release(conn) : rc;
}

int
store_pg_request_find(struct store_conn *conn, const char *credential_id,
    const char *request_id, const char *method, uint8_t **payload, size_t *len)
{
	struct store_pg *c = store_pg_of(conn);
	struct store_pg_args a = {0};
	PGresult *res;
	int rc;

	store_pg_text(&a, credential_id);
	store_pg_text(&a, request_id);
	res = store_pg_run(c,
	    "SELECT method, payload FROM request_log"
	    " WHERE credential_id = $1 AND request_id = $2",
	    &a, &rc);
	if (res == NULL)
		return rc;
	if (PQntuples(res) == 0)
		rc = STATUS_NOT_FOUND;
	else if (strcmp(store_pg_get_text(res, 0, 0), method) != 0)
		rc = STATUS_FAILED_PRECONDITION;
	else
		rc = store_pg_bytes_dup(res, 0, 1, payload, len);
	PQclear(res);
	return rc;
}

int
store_pg_request_save(struct store_conn *conn, const char *credential_id,
    const char *request_id, const char *method, const uint8_t *payload,
    size_t len, int64_t now_ms)
{
	struct store_pg_args a = {0};

	store_pg_text(&a, credential_id);
	store_pg_text(&a, request_id);
	store_pg_text(&a, method);
	store_pg_bytes(&a, payload, len);
	store_pg_int(&a, now_ms);
	return store_pg_done(store_pg_of(conn),
	    "INSERT INTO request_log(credential_id, request_id, method,"
	    " payload, created_at_ms) VALUES ($1, $2, $3, $4, $5)",
	    &a, NULL);
}

/* The table store.c calls through; every entry is set. */
const struct store_ops store_pg_ops = {
    .name = "postgresql",
    .scheme = "postgresql",
    .whole_name = 1,
    .open = store_pg_open,
    .close = store_pg_close,
    .check = store_pg_check,
    .begin = store_pg_begin,
    .commit = store_pg_commit,
    .rollback = store_pg_rollback,
    .savepoint = store_pg_savepoint,
    .release = store_pg_release,
    .rollback_savepoint = store_pg_rollback_savepoint,
    .errmsg = store_pg_errmsg,
    .limit_size = store_pg_limit_size,
    .limit_wal = store_pg_limit_wal,
    .full_take = store_pg_full_take,
    .full_reason = store_pg_full_reason,
    .in_transaction = store_pg_in_transaction,
    .request_find = store_pg_request_find,
    .request_save = store_pg_request_save,
    .unit_insert = store_pg_unit_insert,
    .unit_update = store_pg_unit_update,
    .unit_get = store_pg_unit_get,
    .unit_list = store_pg_unit_list,
    .activity_insert = store_pg_activity_insert,
    .settle = store_pg_settle,
    .unsettled = store_pg_unsettled,
    .backlog = store_pg_unsettled, /* no inbox, no pending rows */
    .activity_update = store_pg_activity_update,
    .activity_get = store_pg_activity_get,
    .activity_list = store_pg_activity_list,
    .req_insert = store_pg_req_insert,
    .req_get = store_pg_req_get,
    .req_list = store_pg_req_list,
    .report_get = store_pg_report_get,
    .report_by_id = store_pg_report_by_id,
    .report_insert = store_pg_report_insert,
    .report_update = store_pg_report_update,
    .report_list = store_pg_report_list,
    .report_count = store_pg_report_count,
    .summary = store_pg_summary,
    .activity_window = store_pg_activity_window,
    .link_put = store_pg_link_put,
    .link_list = store_pg_link_list,
    .conflict_insert = store_pg_conflict_insert,
    .conflict_get = store_pg_conflict_get,
    .conflict_update = store_pg_conflict_update,
    .conflict_list = store_pg_conflict_list,
    .cred_insert = store_pg_cred_insert,
    .cred_get = store_pg_cred_get,
    .cred_revoke = store_pg_cred_revoke,
    .cred_list = store_pg_cred_list,
    .cred_each = store_pg_cred_each,
    .partner_add = store_pg_partner_add,
    .partner_each = store_pg_partner_each,
    .key_insert = store_pg_key_insert,
    .key_get = store_pg_key_get,
    .audit_append = store_pg_audit_append,
    .audit_search = store_pg_audit_search,
    .audit_each = store_pg_audit_each,
    .audit_prune = store_pg_audit_prune,
    .backup_open = store_pg_backup_open,
    .backup_copy = store_pg_backup_copy,
    .backup_close = store_pg_backup_close,
};
