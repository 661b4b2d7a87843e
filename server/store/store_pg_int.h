/*
 * What the files of the PostgreSQL store (store_pg_*.c) share and nothing
 * else includes.
 */
#ifndef HOPTAC_STORE_PG_INT_H
#define HOPTAC_STORE_PG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "store_pg_lib.h"
#include <protobuf-c/protobuf-c.h>

#include "gazetteer.h"
#include "store.h"
#include "store_backend.h"

/* A connection of the PostgreSQL backend: what store.h calls a
 * store_conn, which it begins with. */
/* Statements a connection keeps prepared: the writer's and readers'
 * own are some dozens; summaries made for their filters fill the rest,
 * and past it statements go unprepared. */
#define STORE_PG_PREPARED_MAX 128
#define STORE_PG_QUEUED_MAX   4

struct store_pg {
	struct store_conn conn;
	PGconn *db;
	int readonly;
	int locked;   /* a writer holding the writer's lock (STORE_PG_LOCK) */
	int full;     /* a write failed for want of space (SQLSTATE 53100) */
	int txn_open; /* begun here and not yet committed or rolled back */
	int lost;     /* the exchange with the server went out of step:
	               * treated as a connection lost (store_pg_broken) */
	/* Commands without parameters or rows (savepoints of calls) kept
	 * to go with the next statement, in one exchange (store_pg_queue). */
	const char *queued[STORE_PG_QUEUED_MAX];
	int n_queued;
	/* Statements prepared on this connection (store_pg_prepared), once
	 * it is open; each sql owned; forgotten when it is made again. */
	int prepare;
	size_t n_prepared;
	struct store_pg_prepared {
		size_t hash;
		char *sql;
	} prepared[STORE_PG_PREPARED_MAX];
	char msg[512]; /* the last failure, for store_errmsg */
};

/* The parameters of one statement, $1 on: text, or bytes sent as such
 * (bytea). Numbers are written here as text; what add_owned took is
 * freed by store_pg_args_free. */
#define STORE_PG_ARGS_MAX 96

struct store_pg_args {
	int n;
	const char *v[STORE_PG_ARGS_MAX];
	int len[STORE_PG_ARGS_MAX];
	int fmt[STORE_PG_ARGS_MAX];
	char num[STORE_PG_ARGS_MAX][24];
	void *owned[STORE_PG_ARGS_MAX];
};

/* A C constant as SQL text, so that statements say what C says. */
#define STORE_PG_STR_(x) #x
#define STORE_PG_STR(x)  STORE_PG_STR_(x)

/* The province of the partner code in col (gazetteer.h's rule). */
#define STORE_PG_PROVINCE(col)                                                 \
	"substr(" col ", 1, " STORE_PG_STR(GAZETTEER_PROVINCE_LEN) ")"

/* A partner matches a code, or a district of it ("LA-XE-..." lies
 * between "LA-XE-" and "LA-XE." in byte order: the columns are COLLATE
 * "C"). Takes the code as parameter p. */
#define STORE_PG_PARTNER_MATCH(col, p)                                         \
	"(" col " = " p " OR (" col " > " p " || '-' AND " col " < " p         \
	" || '.'))"

static inline struct store_pg *
store_pg_of(struct store_conn *conn)
{
	return (struct store_pg *)conn;
}

/* Parameters (store_pg_exec.c). A NULL text is SQL NULL. */
void store_pg_text(struct store_pg_args *a, const char *s);
void store_pg_int(struct store_pg_args *a, int64_t v);
void store_pg_null(struct store_pg_args *a);
/* Bytes, not copied: they must outlive the statement. */
void store_pg_bytes(struct store_pg_args *a, const void *data, size_t len);
/* Bytes malloc'd by the caller, freed with the arguments. */
void store_pg_bytes_owned(struct store_pg_args *a, void *data, size_t len);
/* A text[] parameter of the n items, in the array's text form: one
 * parameter however many items. 0, or -1 (out of memory). */
int store_pg_text_array(struct store_pg_args *a, char *const *items, size_t n);
/* The first (last = 0) or last day of a partial ISO date, or NULL when
 * the text is empty or not a date. */
void store_pg_day(struct store_pg_args *a, const char *iso, int last);
void store_pg_args_free(struct store_pg_args *a);

/* The writer's lock, an advisory lock of the database's: one hoptacd
 * writes to a database, as sqlite's flock makes it. An arbitrary key. */
#define STORE_PG_LOCK "SELECT pg_try_advisory_lock(7526768455741023)"

/* Makes sure c is connected, and a writer's holds the writer's lock:
 * a connection lost between transactions is made again (libpq tries
 * every host of the name, so a promoted standby is found). UNAVAILABLE
 * when it cannot be, FAILED_PRECONDITION when another has the lock. */
/* Whether c's connection is lost (or out of step): calls fail until it
 * is made again, outside a transaction. */
int store_pg_broken(const struct store_pg *c);

int store_pg_ready(struct store_pg *c);

/* Keeps command (a string constant: a savepoint's, a release's) to be
 * sent before the next statement, in the same exchange; its failure is
 * that statement's. A status (sent at once when the queue is full). */
int store_pg_queue(struct store_pg *c, const char *command);

/* In one exchange (libpq's pipeline mode): the commands queued, then sql
 * with its arguments, wrapped when guard is set in "SAVEPOINT stmt" and
 * "RELEASE stmt" so that its failure leaves the transaction usable, as a
 * failed statement leaves sqlite's. Its result, or NULL with *rc. */
PGresult *store_pg_piped(struct store_pg *c, const char *sql,
    const struct store_pg_args *a, int guard, int *rc);

/* Forgets c's prepared statements (a new connection has none). */
void store_pg_unprepare(struct store_pg *c);

/* Runs sql with a (may be NULL); rows come back in binary. NULL on
 * failure, with the status in *rc (store_pg_status). */
PGresult *store_pg_run(struct store_pg *c, const char *sql,
    const struct store_pg_args *a, int *rc);

/* Runs a statement that returns no rows; in a transaction it runs under
 * a savepoint of its own, so that a refused row (ALREADY_EXISTS,
 * FAILED_PRECONDITION) leaves the transaction usable, as in sqlite. The
 * rows it changed in *changed (may be NULL). Frees a. */
int store_pg_done(struct store_pg *c, const char *sql, struct store_pg_args *a,
    int64_t *changed);

/* store_pg_done of an INSERT ... RETURNING an id, into *id; NOT_FOUND
 * when it inserted nothing (ON CONFLICT DO NOTHING). */
int store_pg_insert_id(
    struct store_pg *c, const char *sql, struct store_pg_args *a, int64_t *id);

/* Runs SQL without parameters or rows (transaction control, DDL). */
int store_pg_exec(struct store_pg *c, const char *sql);

/* The status of a failed result, logged: ALREADY_EXISTS (unique),
 * FAILED_PRECONDITION (foreign key), RESOURCE_EXHAUSTED (disk full,
 * noted in c->full), UNAVAILABLE (connection lost, server shutting
 * down, serialization), DATA_LOSS (damaged data), else INTERNAL. */
int store_pg_status(struct store_pg *c, const PGresult *res, const char *what);

/* Column getters for binary rows: integers of any width (a boolean is
 * 0 or 1; NULL is 0), text (NULL as NULL), bytes. */
int64_t store_pg_get_int(const PGresult *res, int row, int col);
const char *store_pg_get_text(const PGresult *res, int row, int col);
int store_pg_bytes_dup(
    const PGresult *res, int row, int col, uint8_t **data, size_t *len);

/* Unpacks a column as a desc message; DATA_LOSS when it cannot be. */
int store_pg_unpack(const PGresult *res, int row, int col,
    const ProtobufCMessageDescriptor *desc, void **out);

/* Runs sql expecting at most one row: its column 0 as a desc message,
 * or NOT_FOUND. Frees a. */
int store_pg_one(struct store_pg *c, const char *sql, struct store_pg_args *a,
    const ProtobufCMessageDescriptor *desc, void **out);

/* Runs sql and appends column 0 of every row, unpacked as desc, to the
 * repeated field (n, items). Frees a. */
int store_pg_all(struct store_pg *c, const char *sql, struct store_pg_args *a,
    const ProtobufCMessageDescriptor *desc, size_t *n, void ***items);

/* m packed into a malloc'd buffer of *len bytes, or NULL. */
#define store_pg_pack store_pack

/* Appends m to a repeated message field (n, items). */
int store_pg_append(size_t *n, void ***items, void *m);

/* The schema (store_pg_schema.c): made on an empty database by a
 * writer opened to create, migrated forward by any writer. */
int store_pg_migrate(struct store_pg *c, int mode, char *err, size_t errlen);
/* The version recorded, 0 when the database has no hoptac schema. */
int store_pg_schema_version(
    struct store_pg *c, int *version, char *err, size_t errlen);

/* The operations of store_pg_ops, as store.h describes them. */
int store_pg_open(const char *name, int mode, struct store_conn **out,
    char *err, size_t errlen);
void store_pg_close(struct store_conn *c);
int store_pg_check(const char *name, int depth, struct store_check_result *res,
    char *err, size_t errlen);
int store_pg_begin(struct store_conn *c);
int store_pg_commit(struct store_conn *c);
int store_pg_rollback(struct store_conn *c);
int store_pg_savepoint(struct store_conn *c);
int store_pg_release(struct store_conn *c);
int store_pg_rollback_savepoint(struct store_conn *c);
const char *store_pg_errmsg(struct store_conn *c);
int store_pg_limit_size(struct store_conn *c, long long max_bytes);
int store_pg_limit_wal(
    struct store_conn *c, long long checkpoint_bytes, long long keep_bytes);
int store_pg_full_take(struct store_conn *c);
void store_pg_full_reason(struct store_conn *c, char *buf, size_t len);
int store_pg_in_transaction(struct store_conn *c);
int store_pg_request_find(struct store_conn *c, const char *credential_id,
    const char *request_id, const char *method, uint8_t **payload, size_t *len);
int store_pg_request_save(struct store_conn *c, const char *credential_id,
    const char *request_id, const char *method, const uint8_t *payload,
    size_t len, int64_t now_ms);
int store_pg_unit_insert(struct store_conn *c, const Hoptac__V1__Unit *u);
int store_pg_unit_update(struct store_conn *c, const Hoptac__V1__Unit *u);
int store_pg_unit_get(
    struct store_conn *c, const char *code, Hoptac__V1__Unit **out);
int store_pg_unit_list(struct store_conn *c,
    const Hoptac__V1__ListUnitsRequest *q, int32_t today,
    Hoptac__V1__ListUnitsResponse *out);
int store_pg_activity_insert(
    struct store_conn *c, const Hoptac__V1__Activity *a);
int store_pg_settle(struct store_conn *c, int64_t *moved);
int64_t store_pg_unsettled(struct store_conn *c);
int store_pg_activity_update(struct store_conn *c,
    const Hoptac__V1__Activity *a, int64_t expected_version);
int store_pg_activity_get(struct store_conn *c, const char *unit_code,
    const char *id, Hoptac__V1__Activity **out);
int store_pg_activity_list(struct store_conn *c,
    const Hoptac__V1__ListActivitiesRequest *q,
    Hoptac__V1__ListActivitiesResponse *out);
int store_pg_req_insert(
    struct store_conn *c, const Hoptac__V1__ReportingRequest *r);
int store_pg_req_get(struct store_conn *c, const char *reference,
    Hoptac__V1__ReportingRequest **out);
int store_pg_req_list(struct store_conn *c, const char *unit_code,
    int open_only, Hoptac__V1__ListRequestsResponse *out);
int store_pg_report_get(struct store_conn *c, const char *reference,
    const char *unit_code, int32_t revision, Hoptac__V1__Report **out);
int store_pg_report_by_id(struct store_conn *c, const char *unit_code,
    const char *id, Hoptac__V1__Report **out);
int store_pg_report_insert(struct store_conn *c, const Hoptac__V1__Report *r);
int store_pg_report_update(struct store_conn *c, const Hoptac__V1__Report *r);
int store_pg_report_list(struct store_conn *c, const char *reference,
    const char *unit_code, int all_revisions,
    Hoptac__V1__ListReportsResponse *out);
int store_pg_report_count(
    struct store_conn *c, const char *reference, int64_t *count);
int store_pg_summary(struct store_conn *c, const struct store_summary_query *q,
    Hoptac__V1__SummaryResponse *out);
/* Runs a summary by unit and kind and one by partner and quarter over
 * every year, so that a reader's backend has loaded what summaries
 * read before its first caller: the catalogs of the tables of counts,
 * of activities and its indexes and of the functions of partial starts,
 * and the pages of the counts by month (a backend maps each page of
 * shared memory it touches on first touch). A backend's first summary
 * took 15 to 20 ms more than the next over a million records; that is
 * now paid at connect. */
void store_pg_summary_warm(struct store_pg *c);
int store_pg_activity_window(struct store_conn *c, int32_t from_day,
    int32_t to_day, size_t max, Hoptac__V1__ListActivitiesResponse *out);
int store_pg_link_put(struct store_conn *c, const Hoptac__V1__ActivityLink *l);
int store_pg_link_list(struct store_conn *c, int32_t from_day, int32_t to_day,
    size_t *n, Hoptac__V1__ActivityLink ***links);
int store_pg_conflict_insert(
    struct store_conn *c, Hoptac__V1__ActivityConflict *x);
int store_pg_conflict_get(
    struct store_conn *c, int64_t id, Hoptac__V1__ActivityConflict **out);
int store_pg_conflict_update(
    struct store_conn *c, const Hoptac__V1__ActivityConflict *x);
int store_pg_conflict_list(struct store_conn *c, int open_only,
    Hoptac__V1__ListConflictsResponse *out);
int store_pg_cred_insert(struct store_conn *c, const Hoptac__V1__Credential *cr,
    const uint8_t *salt, size_t salt_len, const uint8_t *hash, size_t hash_len);
int store_pg_cred_get(
    struct store_conn *c, const char *id, Hoptac__V1__Credential **out);
int store_pg_cred_revoke(struct store_conn *c, const char *id, int64_t now_ms);
int store_pg_cred_list(struct store_conn *c, const char *unit_code,
    int include_revoked, int64_t now_ms,
    Hoptac__V1__ListCredentialsResponse *out);
int store_pg_cred_each(struct store_conn *c, store_cred_fn fn, void *arg);
int store_pg_partner_add(
    struct store_conn *c, const struct store_partner_addition *a);
int store_pg_partner_each(struct store_conn *c, store_partner_fn fn, void *arg);
int store_pg_key_insert(struct store_conn *c, const Hoptac__V1__SigningKey *k);
int store_pg_key_get(struct store_conn *c, const char *id,
    const char *credential_id, int64_t now_ms, Hoptac__V1__SigningKey **out);
int store_pg_audit_append(
    struct store_conn *c, const Hoptac__V1__AuditEntry *e);
int store_pg_audit_search(struct store_conn *c,
    const struct store_audit_query *q, Hoptac__V1__SearchAuditResponse *out);
int store_pg_audit_each(
    struct store_conn *c, int64_t through_seq, store_audit_fn fn, void *arg);
int store_pg_audit_prune(struct store_conn *c, int64_t through_seq,
    int64_t count, const char *sha256, const char *credential_id,
    int64_t at_ms);
int store_pg_backup_open(
    const char *name, struct store_backup **out, char *err, size_t errlen);
int store_pg_backup_copy(struct store_backup *b, const char *path,
    const struct store_backup_options *opt, struct store_backup_result *res,
    char *err, size_t errlen);
void store_pg_backup_close(struct store_backup *b);

#endif
