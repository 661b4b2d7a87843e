/*
 * The integration harness: starts the real hoptacd (from $HOPTACD) on a
 * fresh database in a temporary directory, runs the real hoptac (from
 * $HOPTAC) against it, and stops or kills it.
 */
#ifndef HOPTAC_HARNESS_H
#define HOPTAC_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

#include "client.h"
#include "hoptac/v1/auth.pb-c.h"
#include "hoptac/v1/services.pb-c.h"

enum harness_transport {
	HARNESS_TCP,
	HARNESS_IPC,
};

struct harness {
	pid_t pid;
	char dir[256]; /* temporary directory, removed by harness_cleanup */
	char db[300];
	char url[320];  /* the first listen URL */
	char url2[320]; /* the second one, when started with both */
	char log[300];  /* the server's stderr */
	/* Credentials made at start: the administrator's (hoptacd init)
	 * and the department's (reviewer, admin, peer), which harness_cli
	 * and harness_client use unless told otherwise. */
	char admin_token[128];
	char token[128];
};

/* Creates the directory and starts the server listening on transport (and
 * on ipc as well when both is set). Fails the test when it does not
 * answer a health check within 10 s. */
void harness_start(struct harness *h, enum harness_transport t, int both);

/* Starts the server again on the same database and URLs. */
void harness_restart(struct harness *h);

/* SIGTERM, then asserts a clean exit with status 0. */
void harness_stop(struct harness *h);

/* SIGKILL, no questions asked. */
void harness_kill(struct harness *h);

/* Stops the server if running and removes the directory. */
void harness_cleanup(struct harness *h);

/* Runs hoptac --server URL args...: with $HOPTAC_TOKEN as it is in the
 * test's environment when set (even to ""), else with h->token.
 * (NULL-terminated), with stdout and stderr captured into out/err when not NULL
 * (NUL-terminated, cut to len). Returns the exit status, or -1 if it did not
 * exit normally. */
int harness_cli(struct harness *h, char *out, size_t outlen, char *err,
    size_t errlen, ...) __attribute__((sentinel));

/* A client for the server with the department's credential (caller
 * closes it). */
struct client *harness_client(struct harness *h);

/* A client with the given token (NULL: none). */
struct client *harness_client_as(struct harness *h, const char *token);

/* Issues a credential through the administrator's; roles is a mask of
 * 1 << hoptac.v1.Role, unit the office's unit or NULL. Asserts OK and
 * writes the token into out (at least 128 bytes). */
void harness_issue(struct harness *h, const char *name, unsigned roles,
    const char *unit, char *out, size_t outlen);

/* A new heap activity for unit, with the given id and kind, one partner
 * (LA-XE), a start date and a title; free with free_unpacked. */
Hoptac__V1__Activity *harness_activity(
    const char *unit, const char *id, int kind, const char *start, int people);

/* Creates a unit through the client library; asserts OK. */
void harness_unit(struct client *c, const char *code, const char *name);

/* Submits one activity with the given request id (NULL: fresh). Returns
 * the status code. */
int harness_submit(struct client *c, Hoptac__V1__Activity *a,
    const char *request_id, uint32_t timeout_ms);

/* Total activities (not withdrawn) the server lists for unit ("": all). */
long harness_count(struct client *c, const char *unit);

/* The path of a file under $HOPTAC_TEST_DATA. */
const char *harness_data(const char *name);

#endif
