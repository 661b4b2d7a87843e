/* Sessions in memory, sealed for the state file: see session.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <mbedtls/gcm.h>
#include <mbedtls/md.h>

#include "session.h"
#include "text.h"

#define SESSION_NONCE 12
#define SESSION_TAG   16

struct session {
	int used;
	int signed_in;
	time_t begun, last; /* monotonic clock */
	time_t begun_wall;  /* wall clock: saved, and sealed with the rest */
	unsigned char id[SESSION_ID_LEN]; /* what the cookie is compared by */
	struct web_user u;                /* empty while sealed */
	size_t sealed_len; /* > 0: restored from the file, not yet opened */
	unsigned char sealed[SESSION_SEALED_MAX];
};

struct session_fails {
	char ip[64];
	time_t first;
	int count;
};

#define SESSION_FAIL_SLOTS 256

static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static struct session session_table[SESSION_MAX];
static struct session_fails session_fail_table[SESSION_FAIL_SLOTS];
static unsigned session_idle, session_max;
static int session_dirty; /* the state file is behind the table */

time_t
session_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* t of the monotonic clock on the wall clock, and back. */
static time_t
session_to_wall(time_t t)
{
	return time(NULL) - (session_clock() - t);
}

static time_t
session_from_wall(time_t t)
{
	return session_clock() - (time(NULL) - t);
}

/* HMAC-SHA-256 keyed by the session id of label: the id the table and
 * the file know a session by, and the key of its sealed record. */
static int
session_derive(const char *sid, const char *label, unsigned char out[32])
{
	return mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
	           (const unsigned char *)sid, strlen(sid),
	           (const unsigned char *)label, strlen(label), out) == 0
	    ? 0
	    : -1;
}

/* What is authenticated beside the record: its id and its start. */
static void
session_aad(const unsigned char id[SESSION_ID_LEN], time_t begun_wall,
    unsigned char aad[SESSION_ID_LEN + 8])
{
	memcpy(aad, id, SESSION_ID_LEN);
	for (int i = 0; i < 8; i++)
		aad[SESSION_ID_LEN + i] =
		    (unsigned char)((uint64_t)begun_wall >> (56 - 8 * i));
}

/* 32 random bytes as 64 hex digits into out[65]. 0 or -1. */
static int
session_random_hex(char out[65])
{
	unsigned char b[32];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);

		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	text_hex(b, sizeof(b), out);
	memset(b, 0, sizeof(b));
	return 0;
}

/* Whether a and b, both 64 hex digits, are equal; in constant time. */
static int
session_same(const char *a, const char *b)
{
	unsigned char d = 0;

	if (strlen(a) != 64 || strlen(b) != 64)
		return 0;
	for (size_t i = 0; i < 64; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* Seals s's person (CSRF token, credential, name, roles, unit) with
 * AES-256-GCM under a key only the cookie's id gives, into s->sealed.
 * 0 or -1. */
static int
session_seal(struct session *s)
{
	unsigned char key[32], aad[SESSION_ID_LEN + 8];
	unsigned char plain[SESSION_SEALED_MAX]; /* wiped below */
	unsigned char *nonce = s->sealed;
	mbedtls_gcm_context gcm;
	int n, rc = -1;

	n = snprintf((char *)plain, sizeof(plain), "%s%c%s%c%s%c%u%c%s",
	    s->u.csrf, 0, s->u.token, 0, s->u.name, 0, s->u.roles, 0,
	    s->u.unit);
	if (n < 0 ||
	    (size_t)n + 1 + SESSION_NONCE + SESSION_TAG > SESSION_SEALED_MAX)
		goto out;
	if (getrandom(nonce, SESSION_NONCE, 0) != SESSION_NONCE ||
	    session_derive(s->u.sid, "hoptac-web session key", key) != 0)
		goto out;
	session_aad(s->id, s->begun_wall, aad);
	mbedtls_gcm_init(&gcm);
	if (mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 256) == 0 &&
	    mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, (size_t)n + 1,
	        nonce, SESSION_NONCE, aad, sizeof(aad), plain,
	        nonce + SESSION_NONCE, SESSION_TAG,
	        nonce + SESSION_NONCE + n + 1) == 0) {
		s->sealed_len = SESSION_NONCE + (size_t)n + 1 + SESSION_TAG;
		rc = 0;
	}
	mbedtls_gcm_free(&gcm);
out:
	memset(plain, 0, sizeof(plain));
	memset(key, 0, sizeof(key));
	return rc;
}

/* Copies the next NUL-ended field of a record into out; NULL when it
 * does not fit or the record ends. */
static const char *
session_field(const char *p, const char *end, char *out, size_t len)
{
	size_t n = strnlen(p, (size_t)(end - p));

	if (p + n >= end || n >= len)
		return NULL;
	memcpy(out, p, n + 1);
	return p + n + 1;
}

/* Opens s's sealed record with the cookie's id sid into s->u. 0, or -1
 * when it does not authenticate or does not read (the file altered). */
static int
session_unseal(struct session *s, const char *sid)
{
	unsigned char key[32], aad[SESSION_ID_LEN + 8];
	char plain[SESSION_SEALED_MAX]; /* wiped below */
	char roles[16], *end;
	size_t n = s->sealed_len - SESSION_NONCE - SESSION_TAG;
	const char *p = plain, *pend = plain + n;
	mbedtls_gcm_context gcm;
	int rc = -1;

	if (session_derive(sid, "hoptac-web session key", key) != 0)
		return -1;
	session_aad(s->id, s->begun_wall, aad);
	mbedtls_gcm_init(&gcm);
	if (mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 256) != 0 ||
	    mbedtls_gcm_auth_decrypt(&gcm, n, s->sealed, SESSION_NONCE, aad,
	        sizeof(aad), s->sealed + SESSION_NONCE + n, SESSION_TAG,
	        s->sealed + SESSION_NONCE, (unsigned char *)plain) != 0)
		goto out;
	memset(&s->u, 0, sizeof(s->u));
	if ((p = session_field(p, pend, s->u.csrf, sizeof(s->u.csrf))) ==
	        NULL ||
	    (p = session_field(p, pend, s->u.token, sizeof(s->u.token))) ==
	        NULL ||
	    (p = session_field(p, pend, s->u.name, sizeof(s->u.name))) ==
	        NULL ||
	    (p = session_field(p, pend, roles, sizeof(roles))) == NULL ||
	    (p = session_field(p, pend, s->u.unit, sizeof(s->u.unit))) ==
	        NULL ||
	    p != pend || strlen(s->u.csrf) != 64)
		goto out;
	s->u.roles = (unsigned)strtoul(roles, &end, 10);
	if (*end != '\0' || end == roles)
		goto out;
	snprintf(s->u.sid, sizeof(s->u.sid), "%s", sid);
	s->sealed_len = 0;
	rc = 0;
out:
	mbedtls_gcm_free(&gcm);
	memset(plain, 0, sizeof(plain));
	memset(key, 0, sizeof(key));
	return rc;
}

static int
session_live(const struct session *s, time_t now)
{
	return s->used && now - s->last < (time_t)session_idle &&
	    now - s->begun < (time_t)session_max;
}

static void
session_wipe(struct session *s)
{
	/* The credential must not outlive the session in memory. */
	memset(s, 0, sizeof(*s));
}

int
session_init(unsigned idle_s, unsigned max_s)
{
	char probe[65];

	session_idle = idle_s;
	session_max = max_s;
	return session_random_hex(probe);
}

void
session_fini(void)
{
	pthread_mutex_lock(&session_lock);
	for (size_t i = 0; i < SESSION_MAX; i++)
		session_wipe(&session_table[i]);
	pthread_mutex_unlock(&session_lock);
}

int
session_new(struct web_user *u, int signed_in)
{
	time_t now = session_clock();
	struct session *free_slot = NULL, *oldest_form = NULL;
	int rc = -1;

	unsigned char id[SESSION_ID_LEN];

	if (session_random_hex(u->sid) != 0 ||
	    session_random_hex(u->csrf) != 0 ||
	    session_derive(u->sid, "hoptac-web session id", id) != 0)
		return -1;
	pthread_mutex_lock(&session_lock);
	for (size_t i = 0; i < SESSION_MAX && free_slot == NULL; i++) {
		struct session *s = &session_table[i];

		if (s->used && !session_live(s, now))
			session_wipe(s);
		if (!s->used)
			free_slot = s;
		else if (!s->signed_in &&
		    (oldest_form == NULL || s->last < oldest_form->last))
			oldest_form = s;
	}
	/* A full table gives up the sign-in form opened longest ago: forms
	 * anyone may open by the thousand never keep out a signed-in
	 * person, and such a form is only to be opened again. */
	if (free_slot == NULL && oldest_form != NULL) {
		session_wipe(oldest_form);
		free_slot = oldest_form;
	}
	if (free_slot != NULL) {
		free_slot->used = 1;
		free_slot->signed_in = signed_in;
		free_slot->begun = free_slot->last = now;
		free_slot->begun_wall = time(NULL);
		memcpy(free_slot->id, id, sizeof(id));
		free_slot->u = *u;
		session_dirty |= signed_in;
		rc = 0;
	}
	pthread_mutex_unlock(&session_lock);
	return rc;
}

int
session_cookie_value(
    const char *header, const char *name, char *out, size_t len)
{
	size_t nlen = strlen(name);
	const char *p = header;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			const char *v = p + nlen + 1;
			size_t vlen = strcspn(v, ";");

			if (vlen >= len)
				return -1;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			return 0;
		}
		p = strchr(p, ';');
	}
	return -1;
}

/* The slot of live or dead session sid (lock held), or NULL. */
static struct session *
session_slot(const char *sid)
{
	unsigned char id[SESSION_ID_LEN], d;

	if (strlen(sid) != 64 ||
	    session_derive(sid, "hoptac-web session id", id) != 0)
		return NULL;
	for (size_t i = 0; i < SESSION_MAX; i++) {
		struct session *s = &session_table[i];

		d = 0;
		for (size_t k = 0; k < SESSION_ID_LEN; k++)
			d |= (unsigned char)(s->id[k] ^ id[k]);
		if (s->used && d == 0)
			return s;
	}
	return NULL;
}

int
session_find(const char *cookie_header, struct web_user *u)
{
	char sid[65];
	time_t now = session_clock();
	struct session *s;
	int rc = -1;

	if (cookie_header == NULL ||
	    session_cookie_value(
	        cookie_header, SESSION_COOKIE, sid, sizeof(sid)) != 0)
		return -1;
	pthread_mutex_lock(&session_lock);
	if ((s = session_slot(sid)) != NULL) {
		if (!session_live(s, now)) {
			session_wipe(s);
			session_dirty = 1;
			goto out;
		}
		if (s->sealed_len > 0 && session_unseal(s, sid) != 0) {
			fprintf(stderr,
			    "hoptac-web: a session restored from the state "
			    "file fails its check (the file was altered?): "
			    "ended\n");
			session_wipe(s);
			session_dirty = 1;
			goto out;
		}
		s->last = now;
		session_dirty |= s->signed_in;
		*u = s->u;
		rc = s->signed_in;
	}
out:
	pthread_mutex_unlock(&session_lock);
	return rc;
}

void
session_end(const char *sid)
{
	struct session *s;

	pthread_mutex_lock(&session_lock);
	if ((s = session_slot(sid)) != NULL) {
		session_dirty |= s->signed_in;
		session_wipe(s);
	}
	pthread_mutex_unlock(&session_lock);
}

int
session_export(
    int (*fn)(void *arg, const struct session_saved *saved), void *arg)
{
	static struct session_saved saved; /* under the lock */
	time_t now = session_clock();
	int rc = 0;

	pthread_mutex_lock(&session_lock);
	session_dirty = 0;
	for (size_t i = 0; i < SESSION_MAX && rc == 0; i++) {
		struct session *s = &session_table[i];

		if (!s->used || !s->signed_in || !session_live(s, now))
			continue;
		/* An open session is sealed afresh (a new nonce) each time;
		 * one restored and not yet used goes out as it came in. */
		if (s->sealed_len == 0 && session_seal(s) != 0) {
			rc = -1;
			break;
		}
		memcpy(saved.id, s->id, sizeof(saved.id));
		saved.begun = s->begun_wall;
		saved.last = session_to_wall(s->last);
		saved.len = s->sealed_len;
		memcpy(saved.sealed, s->sealed, s->sealed_len);
		if (s->u.sid[0] != '\0')
			s->sealed_len = 0; /* open: the seal was for the file */
		rc = fn(arg, &saved);
	}
	if (rc != 0)
		session_dirty = 1;
	pthread_mutex_unlock(&session_lock);
	return rc;
}

int
session_import(const struct session_saved *saved)
{
	time_t now = session_clock();
	int rc = -1;

	if (saved->len < SESSION_NONCE + SESSION_TAG + 1 ||
	    saved->len > SESSION_SEALED_MAX)
		return -1;
	pthread_mutex_lock(&session_lock);
	for (size_t i = 0; i < SESSION_MAX; i++) {
		struct session *s = &session_table[i];

		if (s->used)
			continue;
		memset(s, 0, sizeof(*s));
		s->used = s->signed_in = 1;
		s->begun = session_from_wall(saved->begun);
		s->last = session_from_wall(saved->last);
		s->begun_wall = saved->begun;
		memcpy(s->id, saved->id, sizeof(s->id));
		memcpy(s->sealed, saved->sealed, saved->len);
		s->sealed_len = saved->len;
		rc = session_live(s, now) ? 0 : 1;
		if (rc != 0)
			session_wipe(s);
		break;
	}
	pthread_mutex_unlock(&session_lock);
	return rc;
}

int
session_changed(void)
{
	int d;

	pthread_mutex_lock(&session_lock);
	d = session_dirty;
	pthread_mutex_unlock(&session_lock);
	return d;
}

int
session_csrf_ok(const struct web_user *u, const char *csrf)
{
	return csrf != NULL && session_same(u->csrf, csrf);
}

/* The slot counting ip's failures, or a slot to reuse; lock held. */
static struct session_fails *
session_fails_slot(const char *ip, time_t now, int take)
{
	struct session_fails *oldest = &session_fail_table[0], *empty = NULL;

	for (size_t i = 0; i < SESSION_FAIL_SLOTS; i++) {
		struct session_fails *f = &session_fail_table[i];

		if (f->count > 0 && now - f->first >= SESSION_FAILS_WINDOW)
			f->count = 0;
		if (f->count > 0 && strcmp(f->ip, ip) == 0)
			return f;
		if (f->count == 0 && empty == NULL)
			empty = f;
		else if (f->first < oldest->first)
			oldest = f;
	}
	if (!take)
		return NULL;
	if (empty != NULL)
		oldest = empty;
	snprintf(oldest->ip, sizeof(oldest->ip), "%s", ip);
	oldest->first = now;
	oldest->count = 0;
	return oldest;
}

/* Whether ip may try to sign in, after counting a failure when fail. */
static int
session_fails_check(const char *ip, int fail)
{
	time_t now = session_clock();
	struct session_fails *f;
	int may;

	pthread_mutex_lock(&session_lock);
	f = session_fails_slot(ip, now, fail);
	if (f != NULL && fail)
		f->count++;
	may = f == NULL || f->count < SESSION_FAILS_MAX;
	pthread_mutex_unlock(&session_lock);
	return may;
}

int
session_fail(const char *ip)
{
	return session_fails_check(ip, 1);
}

int
session_may_try(const char *ip)
{
	return session_fails_check(ip, 0);
}

void
session_cookie(char *buf, size_t len, const char *sid, int secure)
{
	snprintf(buf, len, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
	    SESSION_COOKIE, sid, secure ? "; Secure" : "",
	    sid[0] == '\0' ? "; Max-Age=0" : "");
}
