/*
 * Credentials in memory and the check of a token. The secret is 32
 * random bytes, so one salted SHA-256 is enough to keep it (a slow
 * password hash would only protect guessable secrets) and lets every
 * call be checked in a microsecond.
 */
#include "auth.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <mbedtls/sha256.h>

#include "call.h"
#include "hoptac/v1/auth.pb-c.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "text.h"
#include "validity.h"

#define AUTH_PREFIX     "hoptac1_"
#define AUTH_SECRET_LEN 32

struct auth_entry {
	char id[AUTH_ID_LEN + 1];
	uint8_t salt[AUTH_SALT_LEN];
	uint8_t hash[AUTH_HASH_LEN];
	unsigned roles;
	char unit[VALIDATE_ID_MAX + 1];
	char *name; /* owned */
	int64_t expires_at_ms, revoked_at_ms;
	/* An office's unit's last day (INT32_MAX while it exists) and its
	 * successors, for the refusal once it has ended. */
	int32_t unit_last;
	char successors[256];
};

struct auth {
	pthread_rwlock_t lock;
	struct auth_entry *entries; /* owned; sorted by id */
	size_t n;
};

struct auth *
auth_create(void)
{
	struct auth *a = calloc(1, sizeof(*a));

	if (a != NULL)
		pthread_rwlock_init(&a->lock, NULL);
	return a;
}

static void
auth_entries_free(struct auth_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(e[i].name);
	free(e);
}

void
auth_destroy(struct auth *a)
{
	if (a == NULL)
		return;
	auth_entries_free(a->entries, a->n);
	pthread_rwlock_destroy(&a->lock);
	free(a);
}

/* Collects the store's rows into a new table (not yet the live one). */
struct auth_load {
	struct auth_entry *e;
	size_t n, cap;
};

static int
auth_load_one(void *arg, const Hoptac__V1__Credential *cr, const void *salt,
    size_t salt_len, const void *hash, size_t hash_len)
{
	struct auth_load *l = arg;
	struct auth_entry *e;

	if (strlen(cr->id) != AUTH_ID_LEN || salt_len != AUTH_SALT_LEN ||
	    hash_len != AUTH_HASH_LEN)
		return STATUS_OK; /* not ours: never matches a token */
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct auth_entry *ne = realloc(l->e, cap * sizeof(*ne));

		if (ne == NULL)
			return STATUS_INTERNAL;
		l->e = ne;
		l->cap = cap;
	}
	e = &l->e[l->n];
	memset(e, 0, sizeof(*e));
	if ((e->name = strdup(cr->name)) == NULL)
		return STATUS_INTERNAL;
	memcpy(e->id, cr->id, AUTH_ID_LEN + 1);
	memcpy(e->salt, salt, AUTH_SALT_LEN);
	memcpy(e->hash, hash, AUTH_HASH_LEN);
	e->roles = role_set(cr->roles, cr->n_roles);
	snprintf(e->unit, sizeof(e->unit), "%s", cr->unit_code);
	e->expires_at_ms = cr->expires_at_ms;
	e->revoked_at_ms = cr->revoked_at_ms;
	l->n++;
	return STATUS_OK;
}

/* Sets e's unit_last and successors from its unit. */
static int
auth_load_unit(struct store_conn *db, struct auth_entry *e)
{
	Hoptac__V1__Unit *u = NULL;
	int32_t first;
	int rc;

	e->unit_last = INT32_MAX;
	if (e->unit[0] == '\0')
		return STATUS_OK;
	rc = store_unit_get(db, e->unit, &u);
	if (rc == STATUS_NOT_FOUND)
		return STATUS_OK;
	if (rc == STATUS_OK) {
		validity_days(u, &first, &e->unit_last);
		rc = validity_successors_text(
		    db, u, e->successors, sizeof(e->successors));
		hoptac__v1__unit__free_unpacked(u, NULL);
	}
	return rc;
}

int
auth_reload(struct auth *a, struct store_conn *db)
{
	struct auth_load l = {NULL, 0, 0};
	int rc = store_cred_each(db, auth_load_one, &l);

	for (size_t i = 0; rc == STATUS_OK && i < l.n; i++)
		rc = auth_load_unit(db, &l.e[i]);
	if (rc != STATUS_OK) {
		auth_entries_free(l.e, l.n);
		return rc;
	}
	pthread_rwlock_wrlock(&a->lock);
	auth_entries_free(a->entries, a->n);
	a->entries = l.e;
	a->n = l.n;
	pthread_rwlock_unlock(&a->lock);
	return STATUS_OK;
}

static int
auth_hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* SHA-256 of salt then secret. */
static int
auth_hash(const uint8_t salt[AUTH_SALT_LEN],
    const uint8_t secret[AUTH_SECRET_LEN], uint8_t out[AUTH_HASH_LEN])
{
	uint8_t buf[AUTH_SALT_LEN + AUTH_SECRET_LEN];
	int rv;

	memcpy(buf, salt, AUTH_SALT_LEN);
	memcpy(buf + AUTH_SALT_LEN, secret, AUTH_SECRET_LEN);
	rv = mbedtls_sha256_ret(buf, sizeof(buf), out, 0);
	memset(buf, 0, sizeof(buf));
	return rv == 0 ? STATUS_OK : STATUS_INTERNAL;
}

/* Compares without an early exit, so the time taken says nothing about
 * how much of a guessed hash was right. */
static int
auth_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

static int
auth_find(const struct auth *a, const char *id)
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(a->entries[mid].id, id);

		if (cmp == 0)
			return (int)mid;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int
auth_check(struct auth *a, const char *token, int64_t now_ms,
    struct auth_principal *p, char *why, size_t whylen)
{
	size_t plen = strlen(AUTH_PREFIX);
	uint8_t secret[AUTH_SECRET_LEN], hash[AUTH_HASH_LEN];
	char id[AUTH_ID_LEN + 1], day[16];
	const struct auth_entry *e;
	int i, rc = STATUS_UNAUTHENTICATED;

	memset(p, 0, sizeof(*p));
	if (strlen(token) != AUTH_TOKEN_LEN ||
	    strncmp(token, AUTH_PREFIX, plen) != 0 ||
	    token[plen + AUTH_ID_LEN] != '_') {
		snprintf(why, whylen, "the credential is malformed");
		return rc;
	}
	for (size_t k = 0; k < AUTH_ID_LEN; k++)
		if (auth_hex_value(token[plen + k]) < 0) {
			snprintf(why, whylen, "the credential is malformed");
			return rc;
		}
	for (size_t k = 0; k < AUTH_SECRET_LEN; k++) {
		int hi = auth_hex_value(token[plen + AUTH_ID_LEN + 1 + 2 * k]);
		int lo = auth_hex_value(token[plen + AUTH_ID_LEN + 2 + 2 * k]);

		if (hi < 0 || lo < 0) {
			snprintf(why, whylen, "the credential is malformed");
			return rc;
		}
		secret[k] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(id, token + plen, AUTH_ID_LEN);
	id[AUTH_ID_LEN] = '\0';

	/* Who it claims to be, for the audit trail of the refusal. */
	memcpy(p->id, id, sizeof(p->id));
	pthread_rwlock_rdlock(&a->lock);
	if ((i = auth_find(a, id)) < 0) {
		snprintf(why, whylen, "credential %s is not known", id);
		goto out;
	}
	e = &a->entries[i];
	if (auth_hash(e->salt, secret, hash) != STATUS_OK ||
	    !auth_equal(hash, e->hash, AUTH_HASH_LEN)) {
		snprintf(why, whylen, "credential %s: wrong secret", id);
		goto out;
	}
	if (e->revoked_at_ms != 0) {
		snprintf(why, whylen, "credential %s was revoked", id);
		goto out;
	}
	if (e->expires_at_ms != 0 && now_ms >= e->expires_at_ms) {
		snprintf(why, whylen, "credential %s has expired", id);
		goto out;
	}
	if (validity_today(now_ms) > e->unit_last) {
		validity_day_text(e->unit_last, day, sizeof(day));
		snprintf(why, whylen,
		    "credential %s: đơn vị %s đã kết thúc hoạt động ngày %s; "
		    "dùng tài khoản của văn thư đơn vị kế tiếp: %s",
		    id, e->unit, day,
		    e->successors[0] != '\0'
		        ? e->successors
		        : "(chưa có trong danh mục đơn vị)");
		goto out;
	}
	snprintf(p->name, sizeof(p->name), "%s", e->name);
	p->roles = e->roles;
	memcpy(p->unit, e->unit, sizeof(p->unit));
	rc = STATUS_OK;
out:
	pthread_rwlock_unlock(&a->lock);
	memset(secret, 0, sizeof(secret));
	return rc;
}

int
auth_token_new(char token[AUTH_TOKEN_LEN + 1], char id[AUTH_ID_LEN + 1],
    uint8_t salt[AUTH_SALT_LEN], uint8_t hash[AUTH_HASH_LEN])
{
	uint8_t rnd[AUTH_ID_LEN / 2 + AUTH_SALT_LEN + AUTH_SECRET_LEN];
	const uint8_t *secret = rnd + AUTH_ID_LEN / 2 + AUTH_SALT_LEN;
	char secret_hex[2 * AUTH_SECRET_LEN + 1];
	int rc = STATUS_INTERNAL;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		goto out;
	text_hex(rnd, AUTH_ID_LEN / 2, id);
	memcpy(salt, rnd + AUTH_ID_LEN / 2, AUTH_SALT_LEN);
	if (auth_hash(salt, secret, hash) != STATUS_OK)
		goto out;
	text_hex(secret, AUTH_SECRET_LEN, secret_hex);
	snprintf(
	    token, AUTH_TOKEN_LEN + 1, "%s%s_%s", AUTH_PREFIX, id, secret_hex);
	memset(secret_hex, 0, sizeof(secret_hex));
	rc = STATUS_OK;
out:
	memset(rnd, 0, sizeof(rnd));
	return rc;
}

const char *
auth_office_unit(const struct call *c)
{
	/* Only a credential with no role beyond office is bound; roles
	 * are never mixed with office (Credentials/Issue refuses it). */
	return c->who.roles == ROLES_OFFICE ? c->who.unit : NULL;
}

int
auth_may_write(struct call *c, const char *unit)
{
	const char *own = auth_office_unit(c);

	if (own == NULL || strcmp(own, unit) == 0)
		return STATUS_OK;
	return call_fail(c, STATUS_PERMISSION_DENIED,
	    "the office of %s may not change records of %s", own, unit);
}

int
auth_may_read(struct call *c, struct store_conn *db, const char *unit)
{
	const char *own = auth_office_unit(c);
	Hoptac__V1__Unit *u = NULL;
	int ok = 0;

	if (own == NULL || strcmp(own, unit) == 0)
		return STATUS_OK;
	/* A unit merged into the office's own: its records are now the
	 * office's history. */
	if (store_unit_get(db, unit, &u) == STATUS_OK) {
		for (size_t i = 0; i < u->n_successor_codes && !ok; i++)
			ok = strcmp(u->successor_codes[i], own) == 0;
		hoptac__v1__unit__free_unpacked(u, NULL);
	}
	if (ok)
		return STATUS_OK;
	return call_fail(c, STATUS_PERMISSION_DENIED,
	    "the office of %s may not read records of %s", own, unit);
}

int
auth_scope_filter(struct call *c, struct store_conn *db, char **unit)
{
	const char *own = auth_office_unit(c);

	if (own == NULL)
		return STATUS_OK;
	if ((*unit)[0] == '\0')
		return pbstr_set(unit, own) == 0
		    ? STATUS_OK
		    : call_fail(c, STATUS_INTERNAL, "out of memory");
	return auth_may_read(c, db, *unit);
}
