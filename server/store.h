/*
 * The store: the only code that speaks SQL or knows the database. One
 * connection is one struct store_conn, used by one thread at a time. The
 * server opens one writer connection (which also checkpoints) and one
 * read-only connection per reader thread. Every function returns an enum
 * status_code.
 *
 * This is the interface; the work is done by a backend, chosen when a
 * connection opens from the database's name: a file path is an sqlite
 * database (server/store/store_sqlite_*.c), "scheme://..." the backend
 * registered under that scheme. store/store.c forwards each function to
 * the connection's table of operations (store/store_backend.h); a new
 * backend is another such table, in its own store/store_<name>_*.c files,
 * listed in store.c and run through the same tests.
 */
#ifndef HOPTAC_STORE_H
#define HOPTAC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "hoptac/v1/auth.pb-c.h"
#include "hoptac/v1/reports.pb-c.h"
#include "hoptac/v1/services.pb-c.h"

struct store_conn;

/* Latest schema version; migrations are numbered 1..STORE_SCHEMA_VERSION. */
#define STORE_SCHEMA_VERSION 20

/* How store_open opens a database (its mode). */
enum store_mode {
	/* The writer, making the database when the file is missing or
	 * empty: hoptacd init, and the tests. */
	STORE_OPEN_CREATE = 0,
	/* A reader: the file and its schema must exist. */
	STORE_OPEN_READ = 1,
	/* The writer of a database that exists: the server's. A missing or
	 * empty file is refused. */
	STORE_OPEN_WRITE = 2,
};

/* Opens path with its backend (an unknown scheme is INVALID_ARGUMENT,
 * naming it) in mode (enum store_mode). Both writers take the database
 * for themselves (FAILED_PRECONDITION when another process has it), then
 * check an existing one as store_check does (quickly) before anything can
 * write to it: a database refused, or a write-ahead log beside no
 * database, is left byte for byte as it was. Then they apply pending
 * migrations in one transaction. A file the backend makes is private to
 * its owner (mode 0600, whatever the umask). On failure *out is NULL and
 * err says why, naming the file. */
int store_open(const char *path, int mode, struct store_conn **out, char *err,
    size_t errlen);

void store_close(struct store_conn *c);

/* Whether path names a database file (sqlite's), rather than a database
 * on a server ("postgresql:..."). */
int store_names_file(const char *path);

/* Whether a connection of this process has met a damaged database since
 * it started: its call failed with DATA_LOSS and HOPTACD-DAMAGED was
 * logged. The writer then closes without checkpointing its WAL into the
 * database. For a health check to answer NOT_SERVING. */
int store_damaged(void);

/* Transactions, for the writer: one BEGIN IMMEDIATE ... COMMIT around a
 * group of calls, one savepoint around each call. */
int store_begin(struct store_conn *c);
int store_commit(struct store_conn *c);
int store_rollback(struct store_conn *c);
int store_savepoint(struct store_conn *c);
int store_release(struct store_conn *c);
int store_rollback_savepoint(struct store_conn *c);

/* The backend's last error message on c, for logs. */
const char *store_errmsg(struct store_conn *c);

/* Caps the database at max_bytes (for sqlite its max_page_count, which
 * binds this connection only: the writer's). A write that needs more fails
 * with RESOURCE_EXHAUSTED. A database already larger stays as it is and
 * takes no more. */
int store_limit_size(struct store_conn *c, long long max_bytes);

/* Bounds the write-ahead log of this connection's commits: it is copied
 * into the database once it holds checkpoint_bytes, and cut back to
 * keep_bytes when it starts over. */
int store_limit_wal(
    struct store_conn *c, long long checkpoint_bytes, long long keep_bytes);

/* Whether a write failed for want of space (the size limit, or the disk)
 * since the last time this was asked. */
int store_full_take(struct store_conn *c);

/* Which of the two it is, in words for the client and the log. */
void store_full_reason(struct store_conn *c, char *buf, size_t len);

/* Whether a transaction is open. A backend may roll a whole transaction
 * back by itself after some failures (sqlite does on SQLITE_FULL,
 * savepoints and all). */
int store_in_transaction(struct store_conn *c);

/* The stored reply of a mutating call the credential credential_id
 * already made under request_id: OK with *payload (malloc'd, caller
 * frees), NOT_FOUND, or FAILED_PRECONDITION when that credential used the
 * id for another method. Another credential's calls are never found. */
int store_request_find(struct store_conn *c, const char *credential_id,
    const char *request_id, const char *method, uint8_t **payload, size_t *len);

/* Records a mutating call's reply under its credential and id, in the
 * current transaction. */
int store_request_save(struct store_conn *c, const char *credential_id,
    const char *request_id, const char *method, const uint8_t *payload,
    size_t len, int64_t now_ms);

/* Units. */
int store_unit_insert(struct store_conn *c, const Hoptac__V1__Unit *u);
/* Replaces the stored unit u->code (its created_at_ms kept by the
 * caller). NOT_FOUND when there is none. */
int store_unit_update(struct store_conn *c, const Hoptac__V1__Unit *u);
/* OK with *out (caller frees with free_unpacked), or NOT_FOUND. out may
 * be NULL to test existence. */
int store_unit_get(
    struct store_conn *c, const char *code, Hoptac__V1__Unit **out);
int store_unit_list(struct store_conn *c, const Hoptac__V1__ListUnitsRequest *q,
    int32_t today, Hoptac__V1__ListUnitsResponse *out);

/* Activities. The message is stored whole; the columns the queries need
 * are derived from it here. A record is named by its unit and its id:
 * two units may use the same id (ALREADY_EXISTS within one unit). */
int store_activity_insert(struct store_conn *c, const Hoptac__V1__Activity *a);
/* A new record is acknowledged once durable in an inbox and settled
 * into the tables that queries read later, many at once: this settles
 * what waits (*moved: how many, may be NULL), in the current
 * transaction, which then holds nothing else and is rolled back by the
 * caller on an error, or else in a transaction of its own. The writer's
 * own reads settle first; a reader's connection sees only what was
 * settled (writer.c makes readers wait for it). */
int store_settle(struct store_conn *c, int64_t *moved);
/* How much waits in the inbox, as this connection sees it: one for each
 * new record and one more for each 4 KiB of them. */
int64_t store_unsettled(struct store_conn *c);
/* How much store_settle would move: the larger of store_unsettled and,
 * on sqlite, the rows of the audit trail that wait. Readers wait for the
 * first; the writer settles when either waits. */
int64_t store_backlog(struct store_conn *c);
/* Replaces the stored activity (a->unit_code, a->id), whose version must
 * be expected_version (else ABORTED, nothing changed). */
int store_activity_update(struct store_conn *c, const Hoptac__V1__Activity *a,
    int64_t expected_version);
/* The activity id of unit_code; with unit_code NULL, the first stored
 * under that id by any unit. OK with *out, or NOT_FOUND. */
int store_activity_get(struct store_conn *c, const char *unit_code,
    const char *id, Hoptac__V1__Activity **out);

/* One page of activities matching q, whose partner (if any) is already
 * resolved to a code, in (start date, arrival) order. Fills out->activities,
 * next_page_token and total. INVALID_ARGUMENT for a bad page token. */
int store_activity_list(struct store_conn *c,
    const Hoptac__V1__ListActivitiesRequest *q,
    Hoptac__V1__ListActivitiesResponse *out);

/* Reporting requests. The units (and the department's) must exist:
 * FAILED_PRECONDITION otherwise; ALREADY_EXISTS for a taken reference. */
int store_req_insert(
    struct store_conn *c, const Hoptac__V1__ReportingRequest *r);
int store_req_get(struct store_conn *c, const char *reference,
    Hoptac__V1__ReportingRequest **out);
/* Requests by issue date; with unit_code, those addressed to it, and with
 * open_only, those it has not answered or whose answer was returned. */
int store_req_list(struct store_conn *c, const char *unit_code, int open_only,
    Hoptac__V1__ListRequestsResponse *out);

/* Reports, one row per revision. revision 0 means the latest. */
int store_report_get(struct store_conn *c, const char *reference,
    const char *unit_code, int32_t revision, Hoptac__V1__Report **out);
/* The revision of unit_code's report that has the id (ids are the
 * unit's own: another unit's are never found). */
int store_report_by_id(struct store_conn *c, const char *unit_code,
    const char *id, Hoptac__V1__Report **out);
int store_report_insert(struct store_conn *c, const Hoptac__V1__Report *r);
/* Rewrites the stored revision r->revision (status and review). */
int store_report_update(struct store_conn *c, const Hoptac__V1__Report *r);
int store_report_list(struct store_conn *c, const char *reference,
    const char *unit_code, int all_revisions,
    Hoptac__V1__ListReportsResponse *out);
/* How many revisions of answers to the request are stored. It only grows
 * (a revision is never removed, a review changes no text), so two reads
 * that find the same count saw the same texts. */
int store_report_count(
    struct store_conn *c, const char *reference, int64_t *count);

/* What a summary counts: active activities starting within
 * [from_day, to_day] (days since 1970-01-01, inclusive), of the given
 * units and partners (empty lists: all; a province takes in its
 * districts), grouped by dims (hoptac.v1.Dimension values). */
struct store_summary_query {
	char *const *units;
	size_t n_units;
	char *const *partners;
	size_t n_partners;
	int32_t from_day;
	int32_t to_day;
	const int *dims;
	size_t n_dims;
	/* Read the records even where the kept counts would answer: for
	 * checking the counts against them. */
	int from_records;
	int kind; /* count only activities of this ActivityKind; 0: all */
};

/* Fills out->rows (one per group, keys in dims order, sorted) and
 * out->totals (every matching activity once). */
int store_summary(struct store_conn *c, const struct store_summary_query *q,
    Hoptac__V1__SummaryResponse *out);

/* Conflicts: an offline amendment kept whole beside the record it met.
 * Insert assigns c->id. */
int store_conflict_insert(
    struct store_conn *c, Hoptac__V1__ActivityConflict *x);
int store_conflict_get(
    struct store_conn *c, int64_t id, Hoptac__V1__ActivityConflict **out);
int store_conflict_update(
    struct store_conn *c, const Hoptac__V1__ActivityConflict *x);
int store_conflict_list(struct store_conn *c, int open_only,
    Hoptac__V1__ListConflictsResponse *out);

/* One event reported twice (docs/duplicates.md). */
/* The active activities whose days meet [from_day, to_day], in (start
 * day, arrival) order, into out->activities; out->total says how many
 * there are. RESOURCE_EXHAUSTED, with nothing kept, past max. */
int store_activity_window(struct store_conn *c, int32_t from_day,
    int32_t to_day, size_t max, Hoptac__V1__ListActivitiesResponse *out);
/* Keeps a reviewer's verdict on the pair (l->a, l->b), l->a the smaller,
 * replacing an earlier one on the same pair. */
int store_link_put(struct store_conn *c, const Hoptac__V1__ActivityLink *l);
/* The verdicts on pairs one of whose records (active or not) has days
 * meeting [from_day, to_day], appended to (*n, *links). */
int store_link_list(struct store_conn *c, int32_t from_day, int32_t to_day,
    size_t *n, Hoptac__V1__ActivityLink ***links);

/* Credentials. Roles are stored as a set (role.h's ROLE_BIT). */
/* ALREADY_EXISTS for a taken id; FAILED_PRECONDITION for a unit that
 * does not exist. */
int store_cred_insert(struct store_conn *c, const Hoptac__V1__Credential *cr,
    const uint8_t *salt, size_t salt_len, const uint8_t *hash, size_t hash_len);
int store_cred_get(
    struct store_conn *c, const char *id, Hoptac__V1__Credential **out);
/* FAILED_PRECONDITION when id is unknown or revoked already. */
int store_cred_revoke(struct store_conn *c, const char *id, int64_t now_ms);
/* Those valid at now_ms (all with include_revoked), by creation. */
int store_cred_list(struct store_conn *c, const char *unit_code,
    int include_revoked, int64_t now_ms,
    Hoptac__V1__ListCredentialsResponse *out);
/* Calls fn for every credential with its salt and hash; stops at the
 * first status other than OK and returns it. cr is freed after fn. */
typedef int (*store_cred_fn)(void *arg, const Hoptac__V1__Credential *cr,
    const void *salt, size_t salt_len, const void *hash, size_t hash_len);
int store_cred_each(struct store_conn *c, store_cred_fn fn, void *arg);

/* A partner or an alias an administrator added to the gazetteer
 * (Partners/Add and Alias): alias NULL for a partner, else code's new
 * spelling (and parent_code, name, name_latin NULL). */
struct store_partner_addition {
	const char *code;
	const char *parent_code; /* a district's province, else NULL */
	const char *name;
	const char *name_latin;
	const char *alias;
	int64_t added_at_ms;
};
int store_partner_add(
    struct store_conn *c, const struct store_partner_addition *a);
/* Calls fn for every addition, oldest first; stops at the first status
 * other than OK and returns it. a's strings live until fn returns. */
typedef int (*store_partner_fn)(
    void *arg, const struct store_partner_addition *a);
int store_partner_each(struct store_conn *c, store_partner_fn fn, void *arg);

/* Offices' signing keys (docs/bundle.md), one a credential at most.
 * ALREADY_EXISTS for a key id taken (by this credential or another) or a
 * credential that has a key. */
int store_key_insert(struct store_conn *c, const Hoptac__V1__SigningKey *k);
/* The key id (credential_id NULL), or the key of credential_id (id NULL),
 * while its credential is valid at now_ms (neither revoked nor expired):
 * OK with *out (caller frees with free_unpacked), or NOT_FOUND. */
int store_key_get(struct store_conn *c, const char *id,
    const char *credential_id, int64_t now_ms, Hoptac__V1__SigningKey **out);

/* The audit trail: appended to, searched newest first. */
int store_audit_append(struct store_conn *c, const Hoptac__V1__AuditEntry *e);
struct store_audit_query {
	const char *credential_id; /* "" for any */
	const char *unit_code;
	const char *method;
	int refused_only;
	int64_t since_ms, until_ms; /* [since, until); until 0: no bound */
	int64_t before_seq;         /* page token; 0: from the newest */
	int limit;
};
int store_audit_search(struct store_conn *c, const struct store_audit_query *q,
    Hoptac__V1__SearchAuditResponse *out);

/* Calls fn for every row up to through_seq, newest first; stops at the
 * first status other than OK and returns it. e is freed after fn. */
typedef int (*store_audit_fn)(void *arg, const Hoptac__V1__AuditEntry *e);
int store_audit_each(
    struct store_conn *c, int64_t through_seq, store_audit_fn fn, void *arg);

/* Removes the rows up to through_seq, recording that they were archived
 * (count rows of digest sha256, by credential_id at at_ms) in the same
 * transaction: the trail refuses any other removal. FAILED_PRECONDITION
 * when through_seq is not below the newest row (which is kept, so that
 * sequence numbers never start again) or lies below an earlier
 * archive's. */
int store_audit_prune(struct store_conn *c, int64_t through_seq, int64_t count,
    const char *sha256, const char *credential_id, int64_t at_ms);

/* What store_check reads. */
enum store_check_depth {
	/* Every page of every table and index, their structure and their
	 * records (sqlite's quick_check): what a writer's open does. */
	STORE_CHECK_QUICK,
	/* The same and every index against its table (integrity_check):
	 * hoptacd check. */
	STORE_CHECK_FULL,
};

/* What a database found sound holds. */
struct store_check_result {
	int schema; /* its schema version */
	long pages;
	long page_size;
	const char *how; /* what was checked, for people: "integrity_check" */
};

/* Reads the database at path through without changing it, or any file
 * beside it (at most, sqlite makes the index of a write-ahead log that has
 * none, path-shm): OK when it is sound and of a schema this version knows
 * (1 to STORE_SCHEMA_VERSION), with res filled. Else err says what is
 * wrong, without the path: NOT_FOUND (missing or empty, or a write-ahead
 * log beside no database), DATA_LOSS (not a database, truncated, damaged:
 * with what the check found), FAILED_PRECONDITION (not a hoptac database,
 * or a newer schema), UNAVAILABLE (cannot be read at all). It may run
 * while a server serves the database. */
int store_check(const char *path, int depth, struct store_check_result *res,
    char *err, size_t errlen);

/* Online backup: a copy of a database that a server may be writing to,
 * as one consistent snapshot. */
struct store_backup;

struct store_backup_options {
	int step_pages; /* pages copied per step; 0: the default */
	int wait_ms;    /* pause between steps, to spare a busy disk */
};

#define STORE_BACKUP_STEP_DEFAULT 1024

/* What a finished copy holds. */
struct store_backup_result {
	long pages;
	long page_size;
	long steps;
	int schema; /* the copy's schema version */
};

/* Opens the database path, with its backend, for copying and takes the
 * snapshot: the database as of now, while its server goes on. Refuses
 * what is not a database of a schema this version knows. On failure *out
 * is NULL and err says why. */
int store_backup_open(
    const char *path, struct store_backup **out, char *err, size_t errlen);

/* Writes the snapshot into the file at path, which exists and is empty,
 * reads the copy back whole (its schema, an integrity check) and closes
 * it, a file complete by itself. On failure anything made beside path is
 * removed; path itself is the caller's. */
int store_backup_copy(struct store_backup *b, const char *path,
    const struct store_backup_options *opt, struct store_backup_result *res,
    char *err, size_t errlen);

/* Ends the snapshot and frees b; NULL is ignored. */
void store_backup_close(struct store_backup *b);

#endif
