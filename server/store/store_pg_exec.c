/*
 * The PostgreSQL store's way of running statements: parameters, the
 * mapping of SQLSTATEs to statuses, and reading binary rows.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg_lib.h"

#include "date.h"
#include "log.h"
#include "pbstr.h"
#include "status.h"
#include "store_pg_int.h"
#include "text.h"

/* A statement without parameters, for the calls that take a NULL. */
static const struct store_pg_args store_pg_no_args;

/* Past the last slot, parameters are dropped: the statement then fails
 * for want of one, loudly, rather than running with the wrong ones. */
static int
store_pg_slot(struct store_pg_args *a)
{
	if (a->n >= STORE_PG_ARGS_MAX)
		return -1;
	a->v[a->n] = NULL;
	a->len[a->n] = 0;
	a->fmt[a->n] = 0;
	a->owned[a->n] = NULL;
	return a->n++;
}

void
store_pg_text(struct store_pg_args *a, const char *s)
{
	int i = store_pg_slot(a);

	if (i >= 0)
		a->v[i] = s;
}

void
store_pg_int(struct store_pg_args *a, int64_t v)
{
	int i = store_pg_slot(a);

	if (i < 0)
		return;
	snprintf(a->num[i], sizeof(a->num[i]), "%" PRId64, v);
	a->v[i] = a->num[i];
}

void
store_pg_null(struct store_pg_args *a)
{
	store_pg_slot(a);
}

void
store_pg_bytes(struct store_pg_args *a, const void *data, size_t len)
{
	int i = store_pg_slot(a);

	if (i < 0)
		return;
	/* A NULL pointer would be SQL NULL: empty bytes point somewhere. */
	a->v[i] = data != NULL ? data : "";
	a->len[i] = (int)len;
	a->fmt[i] = 1;
}

void
store_pg_bytes_owned(struct store_pg_args *a, void *data, size_t len)
{
	int i = a->n;

	store_pg_bytes(a, data, len);
	if (i < a->n)
		a->owned[i] = data;
	else
		free(data);
}

int
store_pg_text_array(struct store_pg_args *a, char *const *items, size_t n)
{
	size_t cap = 3, len = 0;
	int slot = a->n;
	char *lit;

	for (size_t i = 0; i < n; i++)
		cap += 2 * strlen(items[i]) + 3;
	if ((lit = malloc(cap)) == NULL)
		return -1;
	lit[len++] = '{';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			lit[len++] = ',';
		lit[len++] = '"';
		for (const char *s = items[i]; *s != '\0'; s++) {
			if (*s == '"' || *s == '\\')
				lit[len++] = '\\';
			lit[len++] = *s;
		}
		lit[len++] = '"';
	}
	lit[len++] = '}';
	lit[len] = '\0';
	store_pg_bytes_owned(a, lit, len);
	if (slot < a->n)
		a->fmt[slot] = 0; /* the array's text form */
	return 0;
}

void
store_pg_day(struct store_pg_args *a, const char *iso, int last)
{
	struct date_partial d;

	if (iso == NULL || iso[0] == '\0' || date_parse(iso, &d) != 0)
		store_pg_null(a);
	else
		store_pg_int(a, last ? date_last_day(&d) : date_first_day(&d));
}

void
store_pg_args_free(struct store_pg_args *a)
{
	if (a == NULL)
		return;
	for (int i = 0; i < a->n; i++) {
		free(a->owned[i]);
		a->owned[i] = NULL;
	}
	a->n = 0;
}

int
store_pg_status(struct store_pg *c, const PGresult *res, const char *what)
{
	const char *state =
	    res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res != NULL && PQresultErrorMessage(res)[0] != '\0'
	    ? PQresultErrorMessage(res)
	    : PQerrorMessage(c->db);
	int rc = STATUS_INTERNAL;

	snprintf(c->msg, sizeof(c->msg), "%s", msg);
	c->msg[strcspn(c->msg, "\n")] = '\0';
	if (store_pg_broken(c) || state == NULL ||
	    strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
	    strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "53300") == 0 || strcmp(state, "25006") == 0) {
		/* Nothing of the call was committed: the caller may retry
		 * (a lost connection, a server going down or now a standby,
		 * a conflict with another transaction). */
		log_warnx("HOPTACD-STORE-UNAVAILABLE: %s (%s)", c->msg,
		    state != NULL ? state : "no SQLSTATE");
		return STATUS_UNAVAILABLE;
	}
	if (strcmp(state, "23505") == 0)
		return STATUS_ALREADY_EXISTS;
	if (strcmp(state, "23503") == 0)
		return STATUS_FAILED_PRECONDITION;
	if (strcmp(state, "53100") == 0) {
		c->full = 1;
		return STATUS_RESOURCE_EXHAUSTED;
	}
	if (strcmp(state, "XX001") == 0 || strcmp(state, "XX002") == 0) {
		store_note_damage();
		rc = STATUS_DATA_LOSS;
	}
	log_warnx("HOPTACD-STORE: %s (%s): %s", c->msg, state, what);
	return rc;
}

void
store_pg_unprepare(struct store_pg *c)
{
	for (size_t i = 0; i < c->n_prepared; i++)
		free(c->prepared[i].sql);
	c->n_prepared = 0;
}

/* The name of sql's statement prepared on c, "s" and its place, into
 * name, preparing it the first time: the server parses and plans it
 * once, not at every call. 0, or -1 for sending it unprepared (a
 * reader's, whose plans are made for their values; not a query; the
 * table full; or the prepare failed, which the statement sent will
 * report). */
static int
store_pg_prepared(
    struct store_pg *c, const char *sql, int nparams, char name[16])
{
	size_t h, i;
	PGresult *res;
	int ok;

	if (!c->prepare || c->readonly ||
	    (strncmp(sql, "SELECT", 6) != 0 && strncmp(sql, "INSERT", 6) != 0 &&
	        strncmp(sql, "UPDATE", 6) != 0 &&
	        strncmp(sql, "DELETE", 6) != 0 && strncmp(sql, "WITH", 4) != 0))
		return -1; /* transaction control is parsed in no time */
	h = text_hash(sql);
	for (i = 0; i < c->n_prepared; i++)
		if (c->prepared[i].hash == h &&
		    strcmp(c->prepared[i].sql, sql) == 0)
			break;
	if (i == STORE_PG_PREPARED_MAX)
		return -1;
	snprintf(name, 16, "s%zu", i);
	if (i < c->n_prepared)
		return 0;
	res = PQprepare(c->db, name, sql, nparams, NULL);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	if (!ok)
		return -1;
	if ((c->prepared[i].sql = strdup(sql)) == NULL) {
		/* Its name is taken on the server: prepare no more. */
		c->prepare = 0;
		return 0;
	}
	c->prepared[i].hash = h;
	c->n_prepared++;
	return 0;
}

int
store_pg_broken(const struct store_pg *c)
{
	return c->lost || PQstatus(c->db) == CONNECTION_BAD;
}

int
store_pg_ready(struct store_pg *c)
{
	PGresult *res;
	int got;

	if (store_pg_broken(c)) {
		/* Inside a transaction, what was begun is gone: the call
		 * fails for the writer to roll back and the client to retry. */
		if (c->txn_open)
			return store_pg_status(c, NULL, "connection lost");
		c->locked = 0;
		c->lost = 0;
		c->n_queued = 0;
		store_pg_unprepare(c);
		PQreset(c->db);
		if (store_pg_broken(c))
			return store_pg_status(c, NULL, "reconnecting");
		log_warnx("HOPTACD-STORE-RECONNECTED: to database %s on %s",
		    PQdb(c->db), PQhost(c->db) ? PQhost(c->db) : "?");
	}
	if (c->readonly || c->locked)
		return STATUS_OK;
	res = PQexecParams(c->db, STORE_PG_LOCK, 0, NULL, NULL, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		int rc = store_pg_status(c, res, STORE_PG_LOCK);

		PQclear(res);
		return rc;
	}
	got = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!got) {
		snprintf(c->msg, sizeof(c->msg),
		    "database %s is in use by another process (a running "
		    "hoptacd?)",
		    PQdb(c->db));
		return STATUS_FAILED_PRECONDITION;
	}
	c->locked = 1;
	return STATUS_OK;
}

PGresult *
store_pg_run(
    struct store_pg *c, const char *sql, const struct store_pg_args *a, int *rc)
{
	PGresult *res;
	ExecStatusType st;
	char name[16];
	int retried = 0;

	if (c->n_queued > 0)
		return store_pg_piped(c, sql, a, 0, rc);
again:
	if ((*rc = store_pg_ready(c)) != STATUS_OK)
		return NULL;
	if (a == NULL)
		a = &store_pg_no_args;
	if (store_pg_prepared(c, sql, a->n, name) == 0)
		res =
		    PQexecPrepared(c->db, name, a->n, a->v, a->len, a->fmt, 1);
	else
		res = PQexecParams(
		    c->db, sql, a->n, NULL, a->v, a->len, a->fmt, 1);
	st = PQresultStatus(res);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
		*rc = STATUS_OK;
		return res;
	}
	*rc = store_pg_status(c, res, sql);
	PQclear(res);
	/* A reader's statement changes nothing: one that met a connection
	 * lost while idle runs again on a new one. */
	if (*rc == STATUS_UNAVAILABLE && c->readonly && !retried &&
	    store_pg_broken(c)) {
		retried = 1;
		goto again;
	}
	return NULL;
}

int
store_pg_exec(struct store_pg *c, const char *sql)
{
	PGresult *res;
	int rc;

	if (c->n_queued > 0) {
		/* One statement then, in the pipeline after the queue. */
		res = store_pg_piped(c, sql, NULL, 0, &rc);
		PQclear(res);
		return rc;
	}
	if ((rc = store_pg_ready(c)) != STATUS_OK)
		return rc;
	res = PQexec(c->db, sql);
	if (PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK)
		rc = STATUS_OK;
	else
		rc = store_pg_status(c, res, sql);
	PQclear(res);
	return rc;
}

/* Sends a statement of the pipeline, the one prepared as name unless
 * name is NULL; 0, or -1 (the connection failed). */
static int
store_pg_send(struct store_pg *c, const char *sql, const char *name,
    const struct store_pg_args *a)
{
	if (a == NULL)
		a = &store_pg_no_args;
	if (name != NULL)
		return PQsendQueryPrepared(
		           c->db, name, a->n, a->v, a->len, a->fmt, 1) == 1
		    ? 0
		    : -1;
	return PQsendQueryParams(
	           c->db, sql, a->n, NULL, a->v, a->len, a->fmt, 1) == 1
	    ? 0
	    : -1;
}

int
store_pg_queue(struct store_pg *c, const char *command)
{
	int rc = STATUS_OK;

	if (c->n_queued == STORE_PG_QUEUED_MAX)
		rc = store_pg_exec(c, command); /* the queue with it */
	else
		c->queued[c->n_queued++] = command;
	return rc;
}

PGresult *
store_pg_piped(struct store_pg *c, const char *sql,
    const struct store_pg_args *a, int guard, int *rc)
{
	/* What is sent, in order: the commands queued, the savepoint of
	 * the statement when guarded, the statement, its release. */
	const char *sent[STORE_PG_QUEUED_MAX + 3];
	PGresult *res, *kept = NULL;
	int n = 0, at, step = 0, ok = 1;
	char name[16];
	const char *named;

	if ((*rc = store_pg_ready(c)) != STATUS_OK)
		return NULL;
	for (int i = 0; i < c->n_queued; i++)
		sent[n++] = c->queued[i];
	c->n_queued = 0;
	if (guard)
		sent[n++] = "SAVEPOINT stmt";
	at = n;
	sent[n++] = sql;
	if (guard)
		sent[n++] = "RELEASE stmt";
	/* Prepared the first time before the pipeline, which takes no
	 * call that waits for its answer. */
	named = store_pg_prepared(c, sql, a != NULL ? a->n : 0, name) == 0
	    ? name
	    : NULL;
	ok = PQenterPipelineMode(c->db) == 1;
	for (int i = 0; i < n && ok; i++)
		ok = store_pg_send(c, sent[i], i == at ? named : NULL,
		         i == at ? a : NULL) == 0;
	if (!ok || PQpipelineSync(c->db) != 1) {
		c->lost = 1;
		*rc = store_pg_status(c, NULL, sql);
		return NULL;
	}
	/* Each statement's result and the NULL that ends it, then the
	 * sync's; after a failure, the rest are PGRES_PIPELINE_ABORTED. */
	for (;;) {
		ExecStatusType st;

		if ((res = PQgetResult(c->db)) == NULL) {
			if (store_pg_broken(c) || ++step > n)
				break;
			continue;
		}
		st = PQresultStatus(res);
		if (st == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
		    st != PGRES_PIPELINE_ABORTED && *rc == STATUS_OK)
			*rc =
			    store_pg_status(c, res, sent[step < n ? step : at]);
		if (step == at && *rc == STATUS_OK && kept == NULL)
			kept = res;
		else
			PQclear(res);
	}
	if (PQexitPipelineMode(c->db) != 1 || step != n) {
		/* Out of step with the server: what is begun is lost, and
		 * the connection is made again outside a transaction. */
		c->lost = 1;
		if (*rc == STATUS_OK)
			*rc = store_pg_status(c, NULL, sql);
	}
	if (*rc != STATUS_OK && kept != NULL) {
		PQclear(kept);
		kept = NULL;
	}
	return kept;
}

/* store_pg_done, and the first column of the first row (or 0) in *first
 * when the statement returns rows. */
static int
store_pg_write(struct store_pg *c, const char *sql, struct store_pg_args *a,
    int64_t *changed, int64_t *first)
{
	int guard = PQtransactionStatus(c->db) == PQTRANS_INTRANS;
	PGresult *res;
	int rc;

	if (changed != NULL)
		*changed = 0;
	if (first != NULL)
		*first = 0;
	res = guard ? store_pg_piped(c, sql, a, 1, &rc)
	            : store_pg_run(c, sql, a, &rc);
	if (res != NULL) {
		if (changed != NULL)
			*changed = strtoll(PQcmdTuples(res), NULL, 10);
		if (first != NULL && PQntuples(res) > 0)
			*first = store_pg_get_int(res, 0, 0);
		PQclear(res);
	}
	if (guard && rc != STATUS_OK && !store_pg_broken(c) &&
	    PQtransactionStatus(c->db) == PQTRANS_INERROR &&
	    store_pg_exec(c, "ROLLBACK TO stmt") == STATUS_OK)
		store_pg_exec(c, "RELEASE stmt");
	store_pg_args_free(a);
	return rc;
}

int
store_pg_done(struct store_pg *c, const char *sql, struct store_pg_args *a,
    int64_t *changed)
{
	return store_pg_write(c, sql, a, changed, NULL);
}

int
store_pg_insert_id(
    struct store_pg *c, const char *sql, struct store_pg_args *a, int64_t *id)
{
	int64_t changed;
	int rc = store_pg_write(c, sql, a, &changed, id);

	return rc == STATUS_OK && changed == 0 ? STATUS_NOT_FOUND : rc;
}

int64_t
store_pg_get_int(const PGresult *res, int row, int col)
{
	const unsigned char *p =
	    (const unsigned char *)PQgetvalue(res, row, col);
	int len = PQgetlength(res, row, col);
	uint64_t v = 0;

	if (PQgetisnull(res, row, col))
		return 0;
	if (PQfformat(res, col) == 0)
		return strtoll((const char *)p, NULL, 10);
	for (int i = 0; i < len && i < 8; i++)
		v = (v << 8) | p[i];
	/* Sign-extend the narrower widths. */
	if (len == 4)
		return (int32_t)(uint32_t)v;
	if (len == 2)
		return (int16_t)(uint16_t)v;
	return (int64_t)v;
}

const char *
store_pg_get_text(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

int
store_pg_bytes_dup(
    const PGresult *res, int row, int col, uint8_t **data, size_t *len)
{
	int n = PQgetlength(res, row, col);

	*len = (size_t)n;
	*data = malloc(n > 0 ? (size_t)n : 1);
	if (*data == NULL)
		return STATUS_INTERNAL;
	if (n > 0)
		memcpy(*data, PQgetvalue(res, row, col), (size_t)n);
	return STATUS_OK;
}

int
store_pg_unpack(const PGresult *res, int row, int col,
    const ProtobufCMessageDescriptor *desc, void **out)
{
	*out = protobuf_c_message_unpack(desc, NULL,
	    (size_t)PQgetlength(res, row, col),
	    (const uint8_t *)PQgetvalue(res, row, col));
	return *out != NULL ? STATUS_OK : STATUS_DATA_LOSS;
}

int
store_pg_one(struct store_pg *c, const char *sql, struct store_pg_args *a,
    const ProtobufCMessageDescriptor *desc, void **out)
{
	int rc;
	PGresult *res = store_pg_run(c, sql, a, &rc);

	*out = NULL;
	store_pg_args_free(a);
	if (res == NULL)
		return rc;
	rc = PQntuples(res) == 0 ? STATUS_NOT_FOUND
	                         : store_pg_unpack(res, 0, 0, desc, out);
	PQclear(res);
	return rc;
}

int
store_pg_all(struct store_pg *c, const char *sql, struct store_pg_args *a,
    const ProtobufCMessageDescriptor *desc, size_t *n, void ***items)
{
	int rc;
	PGresult *res = store_pg_run(c, sql, a, &rc);

	store_pg_args_free(a);
	if (res == NULL)
		return rc;
	for (int r = 0; r < PQntuples(res) && rc == STATUS_OK; r++) {
		void *m;

		if ((rc = store_pg_unpack(res, r, 0, desc, &m)) != STATUS_OK)
			break;
		if ((rc = store_pg_append(n, items, m)) != STATUS_OK)
			protobuf_c_message_free_unpacked(m, NULL);
	}
	PQclear(res);
	return rc;
}

int
store_pg_append(size_t *n, void ***items, void *m)
{
	return pbstr_append_ptr(n, items, m) == 0 ? STATUS_OK : STATUS_INTERNAL;
}
