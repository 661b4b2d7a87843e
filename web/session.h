/*
 * Sessions of hoptac-web: a random id (getrandom, 256 bits) in an
 * HttpOnly, SameSite=Strict cookie, a CSRF token that every form of the
 * session carries, and the credential the person signed in with, which
 * only this process holds. A session ends when it has been unused for
 * the idle time, at its maximum age, or when the person signs out.
 * Signed-in sessions may be saved (session_file.h) to outlive a restart:
 * each is saved under an HMAC of its id, its person sealed with
 * AES-256-GCM under a key derived from the id, which only the cookie
 * holds. Failed sign-ins are counted per address.
 */
#ifndef HOPTAC_WEB_SESSION_H
#define HOPTAC_WEB_SESSION_H

#include <stddef.h>
#include <time.h>

#include "web.h"

#define SESSION_COOKIE     "hoptac_phien"
#define SESSION_MAX        1024
#define SESSION_ID_LEN     32  /* bytes of the HMAC a session is saved by */
#define SESSION_SEALED_MAX 640 /* bytes of a sealed record, at most */

/* A signed-in session as the state file holds it. */
struct session_saved {
	unsigned char id[SESSION_ID_LEN];
	time_t begun, last;                       /* wall clock */
	size_t len;                               /* of sealed */
	unsigned char sealed[SESSION_SEALED_MAX]; /* nonce, record, tag */
};

/* Sets the table up: sessions end idle_s seconds after their last use
 * and max_s after they began. 0, or -1 when no randomness is to be had. */
int session_init(unsigned idle_s, unsigned max_s);

/* Seconds of the monotonic clock sessions are timed by. */
time_t session_clock(void);

/* Ends every session and wipes their credentials. */
void session_fini(void);

/* A new session, anonymous (token NULL: the sign-in form's, whose CSRF
 * token the form carries) or signed in as u (its token, name, roles and
 * unit; sid and csrf are written back), in place of the anonymous one
 * used longest ago when the table is full. 0, or -1 when the table is
 * full of signed-in sessions. */
int session_new(struct web_user *u, int signed_in);

/* The live session whose id the request's cookie header carries, copied
 * into u, its last use now. 1 signed in, 0 anonymous, -1 none. */
int session_find(const char *cookie_header, struct web_user *u);

/* Ends session sid (its credential wiped). */
void session_end(const char *sid);

/* Calls fn with each live signed-in session, sealed, under the table's
 * lock; stops at the first non-zero fn returns. 0, or -1. */
int session_export(
    int (*fn)(void *arg, const struct session_saved *saved), void *arg);

/* Puts a saved session back, sealed until its cookie comes. 0, 1 when it
 * has expired, -1 when it does not fit. */
int session_import(const struct session_saved *saved);

/* Whether the signed-in sessions changed (begun, used, ended) since the
 * last session_export. */
int session_changed(void);

/* Whether csrf is the session's token, compared in constant time. */
int session_csrf_ok(const struct web_user *u, const char *csrf);

/* Counts a failed sign-in from ip; whether ip may still try (fewer than
 * SESSION_FAILS_MAX failures in SESSION_FAILS_WINDOW seconds). */
#define SESSION_FAILS_MAX    10
#define SESSION_FAILS_WINDOW 300
int session_fail(const char *ip);

/* Whether ip may try to sign in now. */
int session_may_try(const char *ip);

/* The Set-Cookie value of session sid ("" sid: one that ends the cookie),
 * Secure when secure; written into buf. */
void session_cookie(char *buf, size_t len, const char *sid, int secure);

/* The value of cookie name in a Cookie header, copied into out (cut to
 * len); 0, or -1 when absent. */
int session_cookie_value(
    const char *header, const char *name, char *out, size_t len);

#endif
