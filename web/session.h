/*
 * Sessions of hoptac-web, in memory: a random id (getrandom, 256 bits)
 * in an HttpOnly, SameSite=Strict cookie, a CSRF token that every form of
 * the session carries, and the credential the person signed in with,
 * which only this process holds. A session ends when it has been unused
 * for the idle time, at its maximum age, or when the person signs out;
 * a restart ends them all. Failed sign-ins are counted per address.
 */
#ifndef HOPTAC_WEB_SESSION_H
#define HOPTAC_WEB_SESSION_H

#include <stddef.h>

#include "web.h"

#define SESSION_COOKIE "hoptac_phien"
#define SESSION_MAX    1024

/* Sets the table up: sessions end idle_s seconds after their last use
 * and max_s after they began. 0, or -1 when no randomness is to be had. */
int session_init(unsigned idle_s, unsigned max_s);

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
