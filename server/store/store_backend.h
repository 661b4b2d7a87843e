/*
 * What a store backend implements: one function per operation of store.h,
 * in a table the backend's connections point to. store.c picks the table
 * when a connection opens and forwards every call through it; the rest of
 * the server sees only store.h. A new backend (server/store/store_<name>_*.c)
 * fills a struct store_ops, is added to store.c's list under its scheme,
 * and passes the same tests.
 */
#ifndef HOPTAC_STORE_BACKEND_H
#define HOPTAC_STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct store_ops {
	const char *name; /* for messages: "sqlite" */
	/* What a database's name starts with, before "://"; NULL for the
	 * backend that takes plain file paths. */
	const char *scheme;
	/* Whether open, check and backup_open take the name whole, scheme
	 * included, and "scheme:" without "//" names this backend too (the
	 * keyword form of PostgreSQL's connection strings). */
	int whole_name;

	/* Connections; open sets (*out)->ops. */
	int (*open)(const char *path, int mode, struct store_conn **out,
	    char *err, size_t errlen);
	void (*close)(struct store_conn *c);
	int (*check)(const char *path, int depth,
	    struct store_check_result *res, char *err, size_t errlen);

	/* Transactions, for the writer. */
	int (*begin)(struct store_conn *c);
	int (*commit)(struct store_conn *c);
	int (*rollback)(struct store_conn *c);
	int (*savepoint)(struct store_conn *c);
	int (*release)(struct store_conn *c);
	int (*rollback_savepoint)(struct store_conn *c);

	/* The state of a connection. */
	const char *(*errmsg)(struct store_conn *c);
	int (*limit_size)(struct store_conn *c, long long max_bytes);
	int (*limit_wal)(struct store_conn *c, long long checkpoint_bytes,
	    long long keep_bytes);
	int (*full_take)(struct store_conn *c);
	void (*full_reason)(struct store_conn *c, char *buf, size_t len);
	int (*in_transaction)(struct store_conn *c);

	/* The log of applied requests. */
	int (*request_find)(struct store_conn *c, const char *credential_id,
	    const char *request_id, const char *method, uint8_t **payload,
	    size_t *len);
	int (*request_save)(struct store_conn *c, const char *credential_id,
	    const char *request_id, const char *method, const uint8_t *payload,
	    size_t len, int64_t now_ms);

	/* Records. */
	int (*unit_insert)(struct store_conn *c, const Hoptac__V1__Unit *u);
	int (*unit_update)(struct store_conn *c, const Hoptac__V1__Unit *u);
	int (*unit_get)(
	    struct store_conn *c, const char *code, Hoptac__V1__Unit **out);
	int (*unit_list)(struct store_conn *c,
	    const Hoptac__V1__ListUnitsRequest *q, int32_t today,
	    Hoptac__V1__ListUnitsResponse *out);
	int (*activity_insert)(
	    struct store_conn *c, const Hoptac__V1__Activity *a);
	int (*settle)(struct store_conn *c, int64_t *moved);
	int64_t (*unsettled)(struct store_conn *c);
	int64_t (*backlog)(struct store_conn *c);
	int (*activity_update)(struct store_conn *c,
	    const Hoptac__V1__Activity *a, int64_t expected_version);
	int (*activity_get)(struct store_conn *c, const char *unit_code,
	    const char *id, Hoptac__V1__Activity **out);
	int (*activity_list)(struct store_conn *c,
	    const Hoptac__V1__ListActivitiesRequest *q,
	    Hoptac__V1__ListActivitiesResponse *out);
	int (*req_insert)(
	    struct store_conn *c, const Hoptac__V1__ReportingRequest *r);
	int (*req_get)(struct store_conn *c, const char *reference,
	    Hoptac__V1__ReportingRequest **out);
	int (*req_list)(struct store_conn *c, const char *unit_code,
	    int open_only, Hoptac__V1__ListRequestsResponse *out);
	int (*report_get)(struct store_conn *c, const char *reference,
	    const char *unit_code, int32_t revision, Hoptac__V1__Report **out);
	int (*report_by_id)(struct store_conn *c, const char *unit_code,
	    const char *id, Hoptac__V1__Report **out);
	int (*report_insert)(struct store_conn *c, const Hoptac__V1__Report *r);
	int (*report_update)(struct store_conn *c, const Hoptac__V1__Report *r);
	int (*report_list)(struct store_conn *c, const char *reference,
	    const char *unit_code, int all_revisions,
	    Hoptac__V1__ListReportsResponse *out);
	int (*report_count)(
	    struct store_conn *c, const char *reference, int64_t *count);
	int (*summary)(struct store_conn *c,
	    const struct store_summary_query *q,
	    Hoptac__V1__SummaryResponse *out);
	int (*activity_window)(struct store_conn *c, int32_t from_day,
	    int32_t to_day, size_t max,
	    Hoptac__V1__ListActivitiesResponse *out);
	int (*link_put)(
	    struct store_conn *c, const Hoptac__V1__ActivityLink *l);
	int (*link_list)(struct store_conn *c, int32_t from_day, int32_t to_day,
	    size_t *n, Hoptac__V1__ActivityLink ***links);
	int (*conflict_insert)(
	    struct store_conn *c, Hoptac__V1__ActivityConflict *x);
	int (*conflict_get)(struct store_conn *c, int64_t id,
	    Hoptac__V1__ActivityConflict **out);
	int (*conflict_update)(
	    struct store_conn *c, const Hoptac__V1__ActivityConflict *x);
	int (*conflict_list)(struct store_conn *c, int open_only,
	    Hoptac__V1__ListConflictsResponse *out);

	/* Credentials and the audit trail. */
	int (*cred_insert)(struct store_conn *c,
	    const Hoptac__V1__Credential *cr, const uint8_t *salt,
	    size_t salt_len, const uint8_t *hash, size_t hash_len);
	int (*cred_get)(
	    struct store_conn *c, const char *id, Hoptac__V1__Credential **out);
	int (*cred_revoke)(
	    struct store_conn *c, const char *id, int64_t now_ms);
	int (*cred_list)(struct store_conn *c, const char *unit_code,
	    int include_revoked, int64_t now_ms,
	    Hoptac__V1__ListCredentialsResponse *out);
	int (*cred_each)(struct store_conn *c, store_cred_fn fn, void *arg);
	int (*partner_add)(
	    struct store_conn *c, const struct store_partner_addition *a);
	int (*partner_each)(
	    struct store_conn *c, store_partner_fn fn, void *arg);
	int (*key_insert)(
	    struct store_conn *c, const Hoptac__V1__SigningKey *k);
	int (*key_get)(struct store_conn *c, const char *id,
	    const char *credential_id, int64_t now_ms,
	    Hoptac__V1__SigningKey **out);
	int (*audit_append)(
	    struct store_conn *c, const Hoptac__V1__AuditEntry *e);
	int (*audit_search)(struct store_conn *c,
	    const struct store_audit_query *q,
	    Hoptac__V1__SearchAuditResponse *out);
	int (*audit_each)(struct store_conn *c, int64_t through_seq,
	    store_audit_fn fn, void *arg);
	int (*audit_prune)(struct store_conn *c, int64_t through_seq,
	    int64_t count, const char *sha256, const char *credential_id,
	    int64_t at_ms);

	/* Backups; backup_open sets (*out)->ops. */
	int (*backup_open)(const char *path, struct store_backup **out,
	    char *err, size_t errlen);
	int (*backup_copy)(struct store_backup *b, const char *path,
	    const struct store_backup_options *opt,
	    struct store_backup_result *res, char *err, size_t errlen);
	void (*backup_close)(struct store_backup *b);
};

/* A connection as store.h hands it out: each backend's own connection
 * begins with this, so the store's functions reach the table in one load
 * and the backend its own fields with a cast. */
struct store_conn {
	const struct store_ops *ops;
};

/* A source opened for backups, which each backend's begins with too. */
struct store_backup {
	const struct store_ops *ops;
};

/* Notes that a connection met a damaged database (store_damaged). */
void store_note_damage(void);

/* The search keys of a, malloc'd: its folded fields, and its folded
 * texts, each ended by '|' (store_fold.c). -1 when out of memory (both
 * NULL then). */
int store_activity_keys(
    const Hoptac__V1__Activity *a, char **fields, char **search);

/* An activity's derived columns, malloc'd (store_common.c): its body
 * packed, its search keys, and the first and last days of its start
 * (a span for a partial date) and the last of its end. */
struct store_activity_columns {
	uint8_t *body; /* owned unless given (store_activity_columns) */
	size_t body_len;
	int body_given;
	char *fields, *search;
	int32_t start_day, start_last, end_day;
};

/* Fills c from a: OK, INVALID_ARGUMENT for a start that is not a date,
 * INTERNAL out of memory (c then holds nothing). packed is a as packed
 * already (its body, len bytes, kept by the caller), or NULL to pack it
 * here. */
int store_activity_columns(const Hoptac__V1__Activity *a, const uint8_t *packed,
    size_t len, struct store_activity_columns *c);
void store_activity_columns_free(struct store_activity_columns *c);

/* m packed into a malloc'd buffer of *len bytes, or NULL. */
uint8_t *store_pack(const ProtobufCMessage *m, size_t *len);

/* Sets cr's roles from their bits (role_set's); a status. */
int store_roles_unpack(unsigned roles, Hoptac__V1__Credential *cr);

/* A window of activities read with one more than max: its total, and
 * RESOURCE_EXHAUSTED (emptied) when there were more than max. */
int store_window_over(Hoptac__V1__ListActivitiesResponse *out, size_t max);

/* The page q asks for: its size, and the (start_day, seq) it follows
 * (INT64_MIN, 0 for the first); INVALID_ARGUMENT for a token not ours. */
int store_page_of(const Hoptac__V1__ListActivitiesRequest *q, uint32_t *limit,
    int64_t *after_day, int64_t *after_seq);

/* Where a summary is read from (store_summary_plan.c). */
enum store_source {
	STORE_FROM_RECORDS,
	STORE_FROM_COUNTS,         /* by day or month, unit and kind */
	STORE_FROM_PARTNER_COUNTS, /* the same, by partner province too */
};

/* Which of the kept counts answer q grouped by its first n_dims
 * dimensions, if any. They know unit, kind, day and partner province:
 * not fields, not districts. An activity is counted once per province,
 * so totals over several provinces (not grouped by partner) would count
 * some twice: the records answer. */
enum store_source store_summary_source(
    const struct store_summary_query *q, size_t n_dims);

/* Splits [from, to] into the whole months it covers, [m[0], m[1]] as
 * their first days (empty when m[0] > m[1]), and the days before and
 * after them, [d[0], d[1]] and [d[2], d[3]]. */
void store_summary_split(int32_t from, int32_t to, int32_t m[2], int32_t d[4]);

/* Whether a dimension is a period: year, quarter or month. */
int store_dim_is_time(int dim);

/* The backends. */
extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

#endif
