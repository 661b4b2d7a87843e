/*
 * The store's functions, forwarded to the backend a connection was opened
 * with: the one its database's name chooses (store_backend.h).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "status.h"
#include "store.h"
#include "store_backend.h"

/* The first takes file paths, the others a name "scheme://...". */
static const struct store_ops *const store_backends[] = {
    &store_sqlite_ops,
    &store_pg_ops,
};

#define STORE_N_BACKENDS (sizeof(store_backends) / sizeof(store_backends[0]))

/* The backend of path and, in *rest, what it opens: the one its scheme
 * names ("scheme://...", or "scheme:..." for a backend that takes its
 * names whole), or the first for a path with none. NULL, with the
 * reason in err, for a scheme no backend has. */
static const struct store_ops *
store_backend(const char *path, const char **rest, char *err, size_t errlen)
{
	size_t n = strspn(path, "abcdefghijklmnopqrstuvwxyz0123456789+.-");

	int slashes = n > 0 && strncmp(path + n, "://", 3) == 0;

	*rest = path;
	for (size_t i = 0; n > 0 && path[n] == ':' && i < STORE_N_BACKENDS;
	     i++) {
		const char *scheme = store_backends[i]->scheme;

		if (scheme == NULL ||
		    (!slashes && !store_backends[i]->whole_name))
			continue;
		/* "postgres" is libpq's other name for its URIs. */
		if ((strlen(scheme) == n && strncmp(path, scheme, n) == 0) ||
		    (store_backends[i]->whole_name && slashes && n == 8 &&
		        strncmp(path, scheme, n) == 0)) {
			if (!store_backends[i]->whole_name)
				*rest = path + n + 3;
			return store_backends[i];
		}
	}
	if (!slashes)
		return store_backends[0];
	snprintf(err, errlen,
	    "cannot open %s: no store backend is called \"%.*s\" (a "
	    "database file is given by its path)",
	    path, (int)n, path);
	return NULL;
}

int
store_open(const char *path, int mode, struct store_conn **out, char *err,
    size_t errlen)
{
	const struct store_ops *ops;
	const char *rest;

	*out = NULL;
	if ((ops = store_backend(path, &rest, err, errlen)) == NULL)
		return STATUS_INVALID_ARGUMENT;
	return ops->open(rest, mode, out, err, errlen);
}

int
store_names_file(const char *path)
{
	const char *rest;
	char err[8];
	const struct store_ops *ops = store_backend(path, &rest, err, 0);

	return ops != NULL && ops->scheme == NULL;
}

int
store_check(const char *path, int depth, struct store_check_result *res,
    char *err, size_t errlen)
{
	const struct store_ops *ops;
	const char *rest;

	memset(res, 0, sizeof(*res));
	if ((ops = store_backend(path, &rest, err, errlen)) == NULL)
		return STATUS_INVALID_ARGUMENT;
	return ops->check(rest, depth, res, err, errlen);
}

/* Set once for the life of the process (store_damaged). */
static atomic_int store_damage_seen;

void
store_note_damage(void)
{
	atomic_store(&store_damage_seen, 1);
}

int
store_damaged(void)
{
	return atomic_load(&store_damage_seen);
}

void
store_close(struct store_conn *c)
{
	if (c != NULL)
		c->ops->close(c);
}

int
store_begin(struct store_conn *c)
{
	return c->ops->begin(c);
}

int
store_commit(struct store_conn *c)
{
	return c->ops->commit(c);
}

int
store_rollback(struct store_conn *c)
{
	return c->ops->rollback(c);
}

int
store_savepoint(struct store_conn *c)
{
	return c->ops->savepoint(c);
}

int
store_release(struct store_conn *c)
{
	return c->ops->release(c);
}

int
store_rollback_savepoint(struct store_conn *c)
{
	return c->ops->rollback_savepoint(c);
}

const char *
store_errmsg(struct store_conn *c)
{
	return c->ops->errmsg(c);
}

int
store_limit_size(struct store_conn *c, long long max_bytes)
{
	return c->ops->limit_size(c, max_bytes);
}

int
store_limit_wal(
    struct store_conn *c, long long checkpoint_bytes, long long keep_bytes)
{
	return c->ops->limit_wal(c, checkpoint_bytes, keep_bytes);
}

int
store_full_take(struct store_conn *c)
{
	return c->ops->full_take(c);
}

void
store_full_reason(struct store_conn *c, char *buf, size_t len)
{
	c->ops->full_reason(c, buf, len);
}

int
store_in_transaction(struct store_conn *c)
{
	return c->ops->in_transaction(c);
}

int
store_request_find(struct store_conn *c, const char *credential_id,
    const char *request_id, const char *method, uint8_t **payload, size_t *len)
{
	return c->ops->request_find(
	    c, credential_id, request_id, method, payload, len);
}

int
store_request_save(struct store_conn *c, const char *credential_id,
    const char *request_id, const char *method, const uint8_t *payload,
    size_t len, int64_t now_ms)
{
	return c->ops->request_save(
	    c, credential_id, request_id, method, payload, len, now_ms);
}

int
store_unit_insert(struct store_conn *c, const Hoptac__V1__Unit *u)
{
	return c->ops->unit_insert(c, u);
}

int
store_unit_update(struct store_conn *c, const Hoptac__V1__Unit *u)
{
	return c->ops->unit_update(c, u);
}

int
store_unit_get(struct store_conn *c, const char *code, Hoptac__V1__Unit **out)
{
	return c->ops->unit_get(c, code, out);
}

int
store_unit_list(struct store_conn *c, const Hoptac__V1__ListUnitsRequest *q,
    int32_t today, Hoptac__V1__ListUnitsResponse *out)
{
	return c->ops->unit_list(c, q, today, out);
}

int
store_activity_insert(struct store_conn *c, const Hoptac__V1__Activity *a)
{
	return c->ops->activity_insert(c, a);
}

int
store_settle(struct store_conn *c, int64_t *moved)
{
	return c->ops->settle(c, moved);
}

int64_t
store_unsettled(struct store_conn *c)
{
	return c->ops->unsettled(c);
}

int64_t
store_backlog(struct store_conn *c)
{
	return c->ops->backlog(c);
}

int
store_activity_update(struct store_conn *c, const Hoptac__V1__Activity *a,
    int64_t expected_version)
{
	return c->ops->activity_update(c, a, expected_version);
}

int
store_activity_get(struct store_conn *c, const char *unit_code, const char *id,
    Hoptac__V1__Activity **out)
{
	return c->ops->activity_get(c, unit_code, id, out);
}

int
store_activity_list(struct store_conn *c,
    const Hoptac__V1__ListActivitiesRequest *q,
    Hoptac__V1__ListActivitiesResponse *out)
{
	return c->ops->activity_list(c, q, out);
}

int
store_req_insert(struct store_conn *c, const Hoptac__V1__ReportingRequest *r)
{
	return c->ops->req_insert(c, r);
}

int
store_req_get(struct store_conn *c, const char *reference,
    Hoptac__V1__ReportingRequest **out)
{
	return c->ops->req_get(c, reference, out);
}

int
store_req_list(struct store_conn *c, const char *unit_code, int open_only,
    Hoptac__V1__ListRequestsResponse *out)
{
	return c->ops->req_list(c, unit_code, open_only, out);
}

int
store_report_get(struct store_conn *c, const char *reference,
    const char *unit_code, int32_t revision, Hoptac__V1__Report **out)
{
	return c->ops->report_get(c, reference, unit_code, revision, out);
}

int
store_report_by_id(struct store_conn *c, const char *unit_code, const char *id,
    Hoptac__V1__Report **out)
{
	return c->ops->report_by_id(c, unit_code, id, out);
}

int
store_report_insert(struct store_conn *c, const Hoptac__V1__Report *r)
{
	return c->ops->report_insert(c, r);
}

int
store_report_update(struct store_conn *c, const Hoptac__V1__Report *r)
{
	return c->ops->report_update(c, r);
}

int
store_report_list(struct store_conn *c, const char *reference,
    const char *unit_code, int all_revisions,
    Hoptac__V1__ListReportsResponse *out)
{
	return c->ops->report_list(c, reference, unit_code, all_revisions, out);
}

int
store_report_count(struct store_conn *c, const char *reference, int64_t *count)
{
	return c->ops->report_count(c, reference, count);
}

int
store_summary(struct store_conn *c, const struct store_summary_query *q,
    Hoptac__V1__SummaryResponse *out)
{
	return c->ops->summary(c, q, out);
}

int
store_activity_window(struct store_conn *c, int32_t from_day, int32_t to_day,
    size_t max, Hoptac__V1__ListActivitiesResponse *out)
{
	return c->ops->activity_window(c, from_day, to_day, max, out);
}

int
store_link_put(struct store_conn *c, const Hoptac__V1__ActivityLink *l)
{
	return c->ops->link_put(c, l);
}

int
store_link_list(struct store_conn *c, int32_t from_day, int32_t to_day,
    size_t *n, Hoptac__V1__ActivityLink ***links)
{
	return c->ops->link_list(c, from_day, to_day, n, links);
}

int
store_conflict_insert(struct store_conn *c, Hoptac__V1__ActivityConflict *x)
{
	return c->ops->conflict_insert(c, x);
}

int
store_conflict_get(
    struct store_conn *c, int64_t id, Hoptac__V1__ActivityConflict **out)
{
	return c->ops->conflict_get(c, id, out);
}

int
store_conflict_update(
    struct store_conn *c, const Hoptac__V1__ActivityConflict *x)
{
	return c->ops->conflict_update(c, x);
}

int
store_conflict_list(
    struct store_conn *c, int open_only, Hoptac__V1__ListConflictsResponse *out)
{
	return c->ops->conflict_list(c, open_only, out);
}

int
store_cred_insert(struct store_conn *c, const Hoptac__V1__Credential *cr,
    const uint8_t *salt, size_t salt_len, const uint8_t *hash, size_t hash_len)
{
	return c->ops->cred_insert(c, cr, salt, salt_len, hash, hash_len);
}

int
store_cred_get(
    struct store_conn *c, const char *id, Hoptac__V1__Credential **out)
{
	return c->ops->cred_get(c, id, out);
}

int
store_cred_revoke(struct store_conn *c, const char *id, int64_t now_ms)
{
	return c->ops->cred_revoke(c, id, now_ms);
}

int
store_cred_list(struct store_conn *c, const char *unit_code,
    int include_revoked, int64_t now_ms,
    Hoptac__V1__ListCredentialsResponse *out)
{
	return c->ops->cred_list(c, unit_code, include_revoked, now_ms, out);
}

int
store_cred_each(struct store_conn *c, store_cred_fn fn, void *arg)
{
	return c->ops->cred_each(c, fn, arg);
}

int
store_partner_add(struct store_conn *c, const struct store_partner_addition *a)
{
	return c->ops->partner_add(c, a);
}

int
store_partner_each(struct store_conn *c, store_partner_fn fn, void *arg)
{
	return c->ops->partner_each(c, fn, arg);
}

int
store_key_insert(struct store_conn *c, const Hoptac__V1__SigningKey *k)
{
	return c->ops->key_insert(c, k);
}

int
store_key_get(struct store_conn *c, const char *id, const char *credential_id,
    int64_t now_ms, Hoptac__V1__SigningKey **out)
{
	return c->ops->key_get(c, id, credential_id, now_ms, out);
}

int
store_audit_append(struct store_conn *c, const Hoptac__V1__AuditEntry *e)
{
	return c->ops->audit_append(c, e);
}

int
store_audit_search(struct store_conn *c, const struct store_audit_query *q,
    Hoptac__V1__SearchAuditResponse *out)
{
	return c->ops->audit_search(c, q, out);
}

int
store_audit_each(
    struct store_conn *c, int64_t through_seq, store_audit_fn fn, void *arg)
{
	return c->ops->audit_each(c, through_seq, fn, arg);
}

int
store_audit_prune(struct store_conn *c, int64_t through_seq, int64_t count,
    const char *sha256, const char *credential_id, int64_t at_ms)
{
	return c->ops->audit_prune(
	    c, through_seq, count, sha256, credential_id, at_ms);
}

int
store_backup_open(
    const char *path, struct store_backup **out, char *err, size_t errlen)
{
	const struct store_ops *ops;
	const char *rest;

	*out = NULL;
	if ((ops = store_backend(path, &rest, err, errlen)) == NULL)
		return STATUS_INVALID_ARGUMENT;
	return ops->backup_open(rest, out, err, errlen);
}

int
store_backup_copy(struct store_backup *b, const char *path,
    const struct store_backup_options *opt, struct store_backup_result *res,
    char *err, size_t errlen)
{
	return b->ops->backup_copy(b, path, opt, res, err, errlen);
}

void
store_backup_close(struct store_backup *b)
{
	if (b != NULL)
		b->ops->backup_close(b);
}
