/* Sessions in memory: see session.h. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "session.h"

struct session {
	int used;
	int signed_in;
	time_t begun, last;
	struct web_user u;
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

static time_t
session_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
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
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
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
	time_t now = session_now();
	struct session *free_slot = NULL, *oldest_form = NULL;
	int rc = -1;

	if (session_random_hex(u->sid) != 0 || session_random_hex(u->csrf) != 0)
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
		free_slot->u = *u;
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

int
session_find(const char *cookie_header, struct web_user *u)
{
	char sid[65];
	time_t now = session_now();
	int rc = -1;

	if (cookie_header == NULL ||
	    session_cookie_value(
	        cookie_header, SESSION_COOKIE, sid, sizeof(sid)) != 0)
		return -1;
	pthread_mutex_lock(&session_lock);
	for (size_t i = 0; i < SESSION_MAX; i++) {
		struct session *s = &session_table[i];

		if (!s->used || !session_same(s->u.sid, sid))
			continue;
		if (!session_live(s, now)) {
			session_wipe(s);
			break;
		}
		s->last = now;
		*u = s->u;
		rc = s->signed_in;
		break;
	}
	pthread_mutex_unlock(&session_lock);
	return rc;
}

void
session_end(const char *sid)
{
	pthread_mutex_lock(&session_lock);
	for (size_t i = 0; i < SESSION_MAX; i++)
		if (session_table[i].used &&
		    session_same(session_table[i].u.sid, sid))
			session_wipe(&session_table[i]);
	pthread_mutex_unlock(&session_lock);
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
	time_t now = session_now();
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
