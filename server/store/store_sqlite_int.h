/*
 * What the files of the sqlite store (store_sqlite_*.c) share and nothing
 * else includes.
 */
#ifndef HOPTAC_STORE_SQLITE_INT_H
#define HOPTAC_STORE_SQLITE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>
#include <sqlite3.h>

#include "gazetteer.h"
#include "store.h"
#include "store_backend.h"

/* Slots of a connection's statement cache: a power of two, well above
 * the number of statements one connection prepares (about 90). */
#define STORE_STMT_SLOTS 256

/* A connection of the sqlite backend: what store.h calls a store_conn,
 * which it begins with. */
struct store_sqlite {
	struct store_conn conn;
	sqlite3 *db;
	/* store_sqlite_stmt's cache, by the address of the SQL text: a few
	 * instructions where comparing the text with every prepared
	 * statement's cost some thousands per call. */
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} stmts[STORE_STMT_SLOTS];
	int readonly;
	int lock_fd; /* the writer's flock on the file; -1 for readers */
	int full;    /* a write failed for want of space */
	long long limit_bytes; /* store_sqlite_limit_size's, 0 if none */
	/* The writer's keys of the inbox (store_sqlite_inbox.c), owned;
	 * NULL on a reader's connection. */
	struct store_inbox *inbox;
	/* The writer's keys of the replies waiting (store_sqlite_replies.c),
	 * owned; NULL on a reader's connection. */
	struct store_replies *replies;
	/* The rows of audit_pending as this connection counts its appends
	 * (store_sqlite_audit_pending); -1: unknown, read from the table
	 * when next needed. */
	int64_t audit_waiting;
	/* The seq the next row of the trail takes; 0: unknown, read from
	 * the tables when next needed (store_sqlite_audit_append). */
	int64_t audit_next_seq;
	int txn_open; /* begun and not yet committed or rolled back here */
};

/* A C constant as SQL text, so that statements say what C says. */
#define STORE_SQL_STR_(x) #x
#define STORE_SQL_STR(x)  STORE_SQL_STR_(x)

/* The province of the partner code in col, by gazetteer.h's rule, and
 * that of activity_partners' column, which is where queries read it. */
#define STORE_SQL_PROVINCE(col)                                                \
	"substr(" col ", 1, " STORE_SQL_STR(GAZETTEER_PROVINCE_LEN) ")"
#define STORE_PARTNER_PROVINCE STORE_SQL_PROVINCE("partner_code")

/* The rule "a partner matches a code, or a district of it": district
 * codes extend their province's after a '-', so they lie between
 * "LA-XE-" and "LA-XE." ('.' follows '-'). Takes the code bound three
 * times. */
#define STORE_PARTNER_MATCH(col)                                               \
	col " = ? OR (" col " > ? || '-' AND " col " < ? || '.')"

/* The sqlite connection a store_conn of this backend is. */
static inline struct store_sqlite *
store_sqlite_of(struct store_conn *conn)
{
	return (struct store_sqlite *)conn;
}

/* The operations of store_sqlite_ops, as store.h describes them. */
int store_sqlite_open(const char *path, int mode, struct store_conn **out,
    char *err, size_t errlen);
void store_sqlite_close(struct store_conn *c);
int store_sqlite_check(const char *path, int depth,
    struct store_check_result *res, char *err, size_t errlen);
int store_sqlite_begin(struct store_conn *c);
int store_sqlite_commit(struct store_conn *c);
int store_sqlite_rollback(struct store_conn *c);
int store_sqlite_savepoint(struct store_conn *c);
int store_sqlite_release(struct store_conn *c);
int store_sqlite_rollback_savepoint(struct store_conn *c);
const char *store_sqlite_errmsg(struct store_conn *c);
int store_sqlite_limit_size(struct store_conn *c, long long max_bytes);
int store_sqlite_limit_wal(
    struct store_conn *c, long long checkpoint_bytes, long long keep_bytes);
int store_sqlite_full_take(struct store_conn *c);
void store_sqlite_full_reason(struct store_conn *c, char *buf, size_t len);
int store_sqlite_in_transaction(struct store_conn *c);
int store_sqlite_request_find(struct store_conn *c, const char *credential_id,
    const char *request_id, const char *method, uint8_t **payload, size_t *len);
int store_sqlite_request_save(struct store_conn *c, const char *credential_id,
    const char *request_id, const char *method, const uint8_t *payload,
    size_t len, int64_t now_ms);
int store_sqlite_unit_insert(struct store_conn *c, const Hoptac__V1__Unit *u);
int store_sqlite_unit_update(struct store_conn *c, const Hoptac__V1__Unit *u);
int store_sqlite_unit_get(
    struct store_conn *c, const char *code, Hoptac__V1__Unit **out);
int store_sqlite_unit_list(struct store_conn *c,
    const Hoptac__V1__ListUnitsRequest *q, int32_t today,
    Hoptac__V1__ListUnitsResponse *out);
int store_sqlite_activity_insert(
    struct store_conn *c, const Hoptac__V1__Activity *a);
int store_sqlite_activity_update(struct store_conn *c,
    const Hoptac__V1__Activity *a, int64_t expected_version);
int store_sqlite_activity_get(struct store_conn *c, const char *unit_code,
    const char *id, Hoptac__V1__Activity **out);
int store_sqlite_activity_list(struct store_conn *c,
    const Hoptac__V1__ListActivitiesRequest *q,
    Hoptac__V1__ListActivitiesResponse *out);
int store_sqlite_req_insert(
    struct store_conn *c, const Hoptac__V1__ReportingRequest *r);
int store_sqlite_req_get(struct store_conn *c, const char *reference,
    Hoptac__V1__ReportingRequest **out);
int store_sqlite_req_list(struct store_conn *c, const char *unit_code,
    int open_only, Hoptac__V1__ListRequestsResponse *out);
int store_sqlite_report_get(struct store_conn *c, const char *reference,
    const char *unit_code, int32_t revision, Hoptac__V1__Report **out);
int store_sqlite_report_by_id(struct store_conn *c, const char *unit_code,
    const char *id, Hoptac__V1__Report **out);
int store_sqlite_report_insert(
    struct store_conn *c, const Hoptac__V1__Report *r);
int store_sqlite_report_update(
    struct store_conn *c, const Hoptac__V1__Report *r);
int store_sqlite_report_count(
    struct store_conn *c, const char *reference, int64_t *count);
int store_sqlite_report_list(struct store_conn *c, const char *reference,
    const char *unit_code, int all_revisions,
    Hoptac__V1__ListReportsResponse *out);
int store_sqlite_summary(struct store_conn *c,
    const struct store_summary_query *q, Hoptac__V1__SummaryResponse *out);
int store_sqlite_activity_window(struct store_conn *c, int32_t from_day,
    int32_t to_day, size_t max, Hoptac__V1__ListActivitiesResponse *out);
int store_sqlite_link_put(
    struct store_conn *c, const Hoptac__V1__ActivityLink *l);
int store_sqlite_link_list(struct store_conn *c, int32_t from_day,
    int32_t to_day, size_t *n, Hoptac__V1__ActivityLink ***links);
int store_sqlite_conflict_insert(
    struct store_conn *c, Hoptac__V1__ActivityConflict *x);
int store_sqlite_conflict_get(
    struct store_conn *c, int64_t id, Hoptac__V1__ActivityConflict **out);
int store_sqlite_conflict_update(
    struct store_conn *c, const Hoptac__V1__ActivityConflict *x);
int store_sqlite_conflict_list(struct store_conn *c, int open_only,
    Hoptac__V1__ListConflictsResponse *out);
int store_sqlite_cred_insert(struct store_conn *c,
    const Hoptac__V1__Credential *cr, const uint8_t *salt, size_t salt_len,
    const uint8_t *hash, size_t hash_len);
int store_sqlite_cred_get(
    struct store_conn *c, const char *id, Hoptac__V1__Credential **out);
int store_sqlite_cred_revoke(
    struct store_conn *c, const char *id, int64_t now_ms);
int store_sqlite_cred_list(struct store_conn *c, const char *unit_code,
    int include_revoked, int64_t now_ms,
    Hoptac__V1__ListCredentialsResponse *out);
int store_sqlite_cred_each(struct store_conn *c, store_cred_fn fn, void *arg);
int store_sqlite_partner_add(
    struct store_conn *c, const struct store_partner_addition *a);
int store_sqlite_partner_each(
    struct store_conn *c, store_partner_fn fn, void *arg);
int store_sqlite_key_insert(
    struct store_conn *c, const Hoptac__V1__SigningKey *k);
int store_sqlite_key_get(struct store_conn *c, const char *id,
    const char *credential_id, int64_t now_ms, Hoptac__V1__SigningKey **out);
int store_sqlite_audit_append(
    struct store_conn *c, const Hoptac__V1__AuditEntry *e);
int store_sqlite_audit_search(struct store_conn *c,
    const struct store_audit_query *q, Hoptac__V1__SearchAuditResponse *out);
int store_sqlite_audit_each(
    struct store_conn *c, int64_t through_seq, store_audit_fn fn, void *arg);
int store_sqlite_audit_prune(struct store_conn *c, int64_t through_seq,
    int64_t count, const char *sha256, const char *credential_id,
    int64_t at_ms);

int store_sqlite_backup_open(
    const char *path, struct store_backup **out, char *err, size_t errlen);
int store_sqlite_backup_copy(struct store_backup *b, const char *path,
    const struct store_backup_options *opt, struct store_backup_result *res,
    char *err, size_t errlen);
void store_sqlite_backup_close(struct store_backup *b);

/* The inbox of new activities (store_sqlite_inbox.c). */
int store_sqlite_inbox_init(struct store_sqlite *c);
void store_sqlite_inbox_free(struct store_sqlite *c);
/* The keys kept may no longer match the table (after a rollback). */
void store_sqlite_inbox_stale(struct store_sqlite *c);
/* What the connection keeps of its tables (the inbox's keys, the
 * replies' keys, the count of audit rows waiting) may no longer match
 * them: after a rollback. */
void store_sqlite_kept_stale(struct store_sqlite *c);
/* Appends a, a new record, to the inbox: acknowledged, not yet settled. */
int store_sqlite_inbox_add(
    struct store_sqlite *c, const Hoptac__V1__Activity *a);
/* Whether the inbox holds (unit_code, id); with unit_code NULL, whether
 * it may hold id for any unit. */
int store_sqlite_inbox_holds(
    struct store_sqlite *c, const char *unit_code, const char *id);
/* Settles the inbox before a read of activities or counts on the
 * writer's connection; nothing on a reader's. */
int store_sqlite_settled(struct store_sqlite *c);
int store_sqlite_settle(struct store_conn *c, int64_t *moved);
int64_t store_sqlite_unsettled(struct store_conn *c);
int64_t store_sqlite_backlog(struct store_conn *c);
/* Stores a settled record in activities with its partner and field
 * rows; the counts are the caller's (store_sqlite_inbox.c). */
int store_sqlite_activity_place(
    struct store_sqlite *c, const Hoptac__V1__Activity *a);

/* store_sqlite_activity_place without the partner and field rows, its
 * seq in *seq; cols are a's (store_activity_columns). */
int store_sqlite_activity_row(struct store_sqlite *c,
    const Hoptac__V1__Activity *a, const struct store_activity_columns *cols,
    int64_t *seq);

/* Inserts the partner and field rows of n records just placed, a[i]
 * with seq[i], many rows to a statement. */
int store_sqlite_links_insert(struct store_sqlite *c,
    const Hoptac__V1__Activity *const *a, const int64_t *seq, size_t n);

/* Logs a failed statement; returns STATUS_INTERNAL for the caller, or
 * RESOURCE_EXHAUSTED (noted in c->full) when the store is full. */
int store_sqlite_fail(struct store_sqlite *c, const char *what);

/* Runs SQL that returns no rows; a status. */
int store_sqlite_exec(struct store_sqlite *c, const char *sql);
/* Runs del, a DELETE of rows just copied elsewhere, without zeroing the
 * pages it frees (store_sqlite_inbox.c says why). */
int store_sqlite_clear_table(struct store_sqlite *c, const char *del);

struct store_keyset;

/* Empties keys and fills them with the pairs sql selects (its first two
 * columns): the writer's keys of what waits in one of its tables, read
 * again after a rollback. *bytes, when not NULL, gets the sum of the
 * third column over the pairs. A status; keys may hold part of the rows
 * after a failure. */
int store_sqlite_read_keys(struct store_sqlite *c, const char *sql,
    struct store_keyset *keys, int64_t *bytes);

/* The replies waiting in request_pending (store_sqlite_replies.c): the
 * writer's keys of them, made, freed, to be read again after a rollback,
 * and the move of them into request_log, in the caller's transaction. */
int store_sqlite_replies_init(struct store_sqlite *c);
void store_sqlite_replies_free(struct store_sqlite *c);
void store_sqlite_replies_stale(struct store_sqlite *c);
int store_sqlite_replies_settle(struct store_sqlite *c);

/* Moves the audit trail's pending rows into audit (store_sqlite_auth.c),
 * in the caller's transaction. */
int store_sqlite_audit_settle(struct store_sqlite *c);
/* How many rows of the audit trail wait to be settled. */
int64_t store_sqlite_audit_pending(struct store_sqlite *c);

/* A prepared statement for sql, cached per connection and reset. NULL on
 * failure. */
sqlite3_stmt *store_sqlite_stmt(struct store_sqlite *c, const char *sql);

/* Binds a copy of s: it may go before the statement is stepped. */
int store_sqlite_bind_text(sqlite3_stmt *st, int i, const char *s);

/* Binds s itself, without the copy (some 300 instructions): for text
 * that outlives every step of the statement, an argument of the
 * function that binds and steps it, or rows it holds until then. The
 * statement keeps the pointer until it is next taken (store_sqlite_stmt
 * clears its bindings), and reads it only in a step. */
int store_sqlite_bind_arg(sqlite3_stmt *st, int i, const char *s);

/* Binds the first (last = 0) or last day of a partial ISO date, or NULL
 * when the text is empty or not a date. */
int store_sqlite_bind_day(sqlite3_stmt *st, int i, const char *iso, int last);

/* Steps a statement that returns no rows and resets it; constraint
 * failures come back as ALREADY_EXISTS or FAILED_PRECONDITION. */
int store_sqlite_step_done(struct store_sqlite *c, sqlite3_stmt *st);

/* Rows inserted many to a statement: total rows, rows of them to each
 * run of many while that many are left, the rest one a run of one. One
 * statement for many rows opens the table's and its indexes' cursors
 * once, not once a row (docs/PERFORMANCE.md). */
struct store_batch {
	const char *one, *many; /* the statements' text, cached by it */
	size_t rows, full, k;   /* full: the rows that go to many */
	sqlite3_stmt *st;
};

void store_batch_init(struct store_batch *b, const char *one, const char *many,
    size_t rows, size_t total);

/* The statement to bind the next row to, and in *at the row's place in
 * it (0 in one): bind, then call store_batch_bound. A status. */
int store_batch_row(
    struct store_sqlite *c, struct store_batch *b, sqlite3_stmt **st, int *at);

/* Runs the statement once its last row is bound. A status. */
int store_batch_bound(struct store_sqlite *c, struct store_batch *b);

/* A malloc'd copy of a blob column. */
int store_sqlite_blob_dup(
    sqlite3_stmt *st, int col, uint8_t **data, size_t *len);

/* m packed into a malloc'd buffer of *len bytes, or NULL. */
uint8_t *store_sqlite_pack(const ProtobufCMessage *m, size_t *len);

/* Unpacks column col of the current row as a desc message into *out;
 * DATA_LOSS when it cannot be read. */
int store_sqlite_unpack(sqlite3_stmt *st, int col,
    const ProtobufCMessageDescriptor *desc, void **out);

/* Steps a bound, cached statement expecting at most one row: its column
 * 0 as a desc message, or NOT_FOUND. Resets the statement. */
int store_sqlite_one(struct store_sqlite *c, sqlite3_stmt *st,
    const ProtobufCMessageDescriptor *desc, void **out);

/* Steps a bound, cached statement and appends column 0 of every row,
 * unpacked as desc, to the repeated field (n, items). Resets it. */
int store_sqlite_all(struct store_sqlite *c, sqlite3_stmt *st,
    const ProtobufCMessageDescriptor *desc, size_t *n, void ***items);

/* Appends m to a repeated message field (n, items). */
int store_sqlite_append(size_t *n, void ***items, void *m);

/* The longest path of a database the store takes, with a suffix. */
#define STORE_SQLITE_PATH_MAX 4200

/* A database's file and those sqlite keeps beside it, as they are. */
struct store_sqlite_files {
	int db, wal, shm, journal; /* whether each exists */
	long long db_size, wal_size;
	unsigned db_mode;
};

void store_sqlite_files(const char *path, struct store_sqlite_files *f);

/* store_check of path (store_sqlite_check.c), taking schemas from
 * min_schema up (0: a database sqlite made but hoptac has not; a writer
 * gives it the schema); locked when the caller holds the database's
 * flock. */
int store_sqlite_verify(const char *path, int depth, int min_schema, int locked,
    struct store_check_result *res, char *err, size_t errlen);

/* Reads the schema version of c's file into *version; UNAVAILABLE, with
 * the reason in err, when the file is not a database. */
int store_sqlite_schema_version(
    struct store_sqlite *c, int *version, char *err, size_t errlen);

/* Applies the migrations c's file lacks, in one transaction. */
int store_sqlite_migrate(struct store_sqlite *c, char *err, size_t errlen);

/* Fills activity_fields from the stored activities (migration 2). */
int store_sqlite_activity_fields_backfill(struct store_sqlite *c);

/* Migration 8: recomputes the stored search keys (fields_folded, search)
 * of every activity, whose folding changed (text_fold). */
int store_sqlite_activity_refold(struct store_sqlite *c);

/* Migration 13 (store_sqlite_spans.c): the last day of each activity's
 * start, start_last, then the counts of full dates again. */
extern const char store_sqlite_migration_13[];
int store_sqlite_spans_backfill(struct store_sqlite *c);

#endif
