/*
 * The integration harness: starts the real hoptacd (from $HOPTACD) on a
 * fresh database in a temporary directory, runs the real hoptac (from
 * $HOPTAC) against it, and stops or kills it.
 */
#ifndef HOPTAC_HARNESS_H
#define HOPTAC_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

#include "rpc_client.h"
#include "hoptac/v1/auth.pb-c.h"
#include "hoptac/v1/services.pb-c.h"

enum harness_transport {
	HARNESS_TCP,
	HARNESS_IPC,
};

#define HARNESS_ARGS_MAX 8

struct harness {
	pid_t pid;
	char dir[256];  /* temporary directory, removed by harness_cleanup */
	char db[300];   /* a file, or on PostgreSQL "postgresql:..." */
	char pg_db[64]; /* the PostgreSQL database made for the test, or "" */
	char url[320];  /* the first listen URL */
	char url2[320]; /* the second one, when started with both */
	char log[300];  /* the server's stderr */
	/* Credentials made at start: the administrator's (hoptacd init)
	 * and the department's (reviewer, admin, peer), which harness_cli
	 * and harness_client use unless told otherwise. */
	char admin_token[128];
	char token[128];
	/* Extra hoptacd arguments, set by harness_args. */
	const char *args[HARNESS_ARGS_MAX];
	char argbuf[HARNESS_ARGS_MAX][256];
	int n_args;
};

/* Creates the directory and starts the server listening on transport (and
 * on ipc as well when both is set). Fails the test when it does not
 * answer a health check within 10 s. */
void harness_start(struct harness *h, enum harness_transport t, int both);

/* Creates the directory and chooses the URLs as harness_start does, but
 * starts nothing: the test may put a database in place or set arguments
 * first, then call harness_restart or harness_start_fails. */
void harness_prepare(struct harness *h, enum harness_transport t, int both);

/* Extra hoptacd arguments (NULL-terminated, such as "-o",
 * "max_db_size=1M") for every later start of h, in place of any set
 * before. */
void harness_args(struct harness *h, ...) __attribute__((sentinel));

/* Whether the tests run on PostgreSQL (HOPTAC_TEST_PG); a test of
 * sqlite's files skips there with HARNESS_SQLITE_ONLY(). */
int harness_pg(void);
#define HARNESS_SQLITE_ONLY()                                                  \
	do {                                                                   \
		if (harness_pg())                                              \
			skip();                                                \
	} while (0)

/* A shell command that runs sql on h's database behind the server's
 * back: sqlite3 on the file, psql -XAt on PostgreSQL; its output is the
 * rows, one a line. */
void harness_sql_command(
    const struct harness *h, const char *sql, char *cmd, size_t len);

/* Stops h (a stop settles what waits), runs sql on its database as
 * harness_sql_command does, failing the test when it fails, and starts
 * h again. */
void harness_behind(struct harness *h, const char *sql);

/* For harness_behind: a record waiting in the inbox that the tables
 * already hold, so that no settling can place it. */
#define HARNESS_SQL_UNPLACEABLE                                                \
	"INSERT INTO activity_inbox(unit_code, id, body) "                     \
	"SELECT unit_code, id, body FROM activities"

/* Starts the server again on the same database and URLs. */
void harness_restart(struct harness *h);

/* Starts the server expecting it to refuse to start: waits up to 10 s for
 * it to exit (failing the test if it is still running), copies what it
 * logged at this start into log (NUL-terminated, cut to len), and
 * returns its exit status, or -1 if it did not exit normally. */
int harness_start_fails(struct harness *h, char *log, size_t len);

/* SIGTERM, then asserts a clean exit with status 0. */
void harness_stop(struct harness *h);

/* SIGKILL, no questions asked. */
void harness_kill(struct harness *h);

/* Stops the server if running and removes the directory. */
void harness_cleanup(struct harness *h);

/* A cmocka group teardown: stops the harness *state points at (NULL:
 * none was started) and removes its directory. Returns 0. */
int harness_teardown(void **state);

/* Runs hoptac args... (NULL-terminated), with stdout and stderr captured
 * into out/err when not NULL (NUL-terminated, cut to len). with_server:
 * after "--server URL", and with $HOPTAC_TOKEN as it is in the test's
 * environment when set (even to ""), else with h->token; without, hoptac
 * takes its server and credential from the environment and its
 * configuration files as the test set them. Returns the exit status, or
 * -1 if it did not exit normally. */
int harness_cli_run(struct harness *h, int with_server, char *out,
    size_t outlen, char *err, size_t errlen, ...) __attribute__((sentinel));

/* hoptac --server URL args..., as harness_cli_run with the server. */
#define harness_cli(h, out, outlen, err, errlen, ...)                          \
	harness_cli_run((h), 1, (out), (outlen), (err), (errlen), __VA_ARGS__)

/* hoptac args..., as harness_cli_run without the server. */
#define harness_cli_plain(h, out, outlen, err, errlen, ...)                    \
	harness_cli_run((h), 0, (out), (outlen), (err), (errlen), __VA_ARGS__)

/* Runs hoptacd args... (NULL-terminated) as a command, not a server:
 * "backup", say. Output as harness_cli; returns the exit status. */
int harness_hoptacd(struct harness *h, char *out, size_t outlen, char *err,
    size_t errlen, ...) __attribute__((sentinel));

/* A client for the server with the department's credential (caller
 * closes it). */
struct rpc_client *harness_client(struct harness *h);

/* A client with the given token (NULL: none). */
struct rpc_client *harness_client_as(struct harness *h, const char *token);

/* Issues a credential through the administrator's; roles is a mask of
 * 1 << hoptac.v1.Role, unit the office's unit or NULL. Asserts OK and
 * writes the token into out (at least 128 bytes). */
void harness_issue(struct harness *h, const char *name, unsigned roles,
    const char *unit, char *out, size_t outlen);

/* A new heap activity for unit, with the given id and kind, one partner
 * (LA-XE), a start date and a title; free with free_unpacked. */
Hoptac__V1__Activity *harness_activity(
    const char *unit, const char *id, int kind, const char *start, int people);

/* Creates a reporting request (issued 2024-05-02, due 2099-12-31) of
 * the n units through the client library; asserts OK. */
void harness_request(struct rpc_client *c, const char *reference,
    const char *issuer, char **units, size_t n);

/* Creates a unit through the client library; asserts OK. */
void harness_unit(struct rpc_client *c, const char *code, const char *name);

/* Starts h on a fresh database, creates the unit and submits one
 * activity of it with the given id. */
void harness_one_record(struct harness *h, const char *unit, const char *id);

/* Submits one activity with the given request id (NULL: fresh). Returns
 * the status code. */
int harness_submit(struct rpc_client *c, Hoptac__V1__Activity *a,
    const char *request_id, uint32_t timeout_ms);

/* harness_submit with the call's options, and its status in *st (its
 * attempts included). Returns the status code. */
int harness_submit_with(struct rpc_client *c, Hoptac__V1__Activity *a,
    const struct rpc_client_options *opt, struct rpc_client_status *st);

/* Total activities (not withdrawn) the server lists for unit ("": all). */
long harness_count(struct rpc_client *c, const char *unit);

/* The running server's resident memory (VmRSS), in KiB. */
long harness_rss_kb(struct harness *h);

/* Whether the tests run under valgrind (deploy/valgrind.sh sets
 * HOPTAC_TEST_VALGRIND): memory and speed are then not the server's own,
 * and tests skip the bounds on them. */
int harness_valgrind(void);

/* Makes the servers started afterwards measure memory as they use it:
 * under AddressSanitizer, a small quarantine of freed memory. Call it
 * before harness_start in tests that bound the server's memory. */
void harness_bound_memory(void);

/* A TCP port on 127.0.0.1 that was free a moment ago. */
int harness_free_port(void);

/* The path of a file under $HOPTAC_TEST_DATA. */
const char *harness_data(const char *name);

/* A day offset days from today in Vietnam (UTC+7), as hoptac takes
 * dates: day first, "9/5/2024". */
void harness_day_text(int offset, char *buf, size_t len);

/* Fails the test when a command's exit code got is not want, showing
 * what it printed. */
void harness_expect(
    int got, int want, const char *what, const char *out, const char *err);

#endif
