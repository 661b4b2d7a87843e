/*
 * hoptac-web for the tests: starts the real hoptac-web (from $HOPTAC_WEB)
 * in front of a harness's hoptacd, and speaks HTTP/1.1 to it, one
 * connection per request, keeping the session cookie. A test that fails
 * leaves no hoptac-web running: each test's teardown is web_teardown.
 */
#ifndef HOPTAC_WEB_HARNESS_H
#define HOPTAC_WEB_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

#include "harness.h"

struct web_harness {
	pid_t pid;
	int port;
	char log[400];     /* its stderr */
	char access[400];  /* its access log */
	char cookie[200];  /* "hoptac_phien=..." from the last Set-Cookie */
	const char *extra; /* "Name: value\r\n" lines sent too; NULL: none */
};

/* One answer: status, headers and body (NUL-terminated, cut). */
struct web_answer {
	int status;
	char headers[4096];
	char body[256 * 1024];
	size_t body_len;
};

/* Starts hoptac-web for h's server with extra arguments (NULL-ended);
 * fails the test when it does not serve within 10 s. */
void web_start(struct web_harness *w, struct harness *h, ...)
    __attribute__((sentinel));

/* SIGTERM, then asserts a clean exit with status 0. */
void web_stop(struct web_harness *w);

/* SIGKILLs and reaps every hoptac-web started and not stopped: what a
 * failed test left running. Also run at exit; and a hoptac-web dies
 * with the test process however it ends (PR_SET_PDEATHSIG). */
void web_kill_all(void);

/* A cmocka test teardown: web_kill_all. Returns 0. */
int web_teardown(void **state);

/* Sends method path with body (NULL: none; a form, urlencoded) and the
 * session cookie; keeps a cookie the answer sets. Fails the test when
 * no answer comes. Returns a->status. */
int web_request(struct web_harness *w, const char *method, const char *path,
    const char *body, struct web_answer *a);

/* The value of the first hidden field csrf in a page, into out[65]. */
void web_csrf(const struct web_answer *a, char out[65]);

/* Signs in with token through the form; asserts the redirect. */
void web_sign_in(struct web_harness *w, const char *token);

/* Appends name=value, percent-encoded, to a form being built in buf. */
void web_form_add(char *buf, size_t len, const char *name, const char *value);

#endif
