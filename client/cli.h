/*
 * The command-line client: what every command shares. Commands live in
 * cmd_<noun>.c and are listed in main.c's table.
 */
#ifndef HOPTAC_CLI_H
#define HOPTAC_CLI_H

#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "method.h"
#include "rpc_client.h"

/* Exit codes, documented in hoptac(1) and README. */
enum cli_exit {
	CLI_OK = 0,
	CLI_ERROR = 1,   /* anything else: a local failure, a server bug */
	CLI_USAGE = 2,   /* bad command line */
	CLI_INVALID = 3, /* the input is invalid (here or at the server) */
	CLI_REFUSED = 4, /* the server refused: not found, stale, exists */
	CLI_REFUSED_SOME =
	    65, /* sync: some queued records refused (EX_DATAERR) */
	CLI_UNREACHABLE = 75, /* no answer from the server (EX_TEMPFAIL) */
	CLI_DENIED = 77 /* no valid credential, or not allowed (EX_NOPERM) */
};

#define CLI_DEFAULT_SERVER "tcp://127.0.0.1:7420"

struct cli {
	const char *server; /* URL */
	int json;           /* --json: machine output on stdout */
	uint32_t timeout_ms;
	const char *outbox_path;   /* --outbox; NULL: outbox_default_path() */
	const char *ca_file;       /* --ca; NULL: $HOPTAC_CA */
	struct rpc_client *client; /* opened on first use; owned */
};

struct cli_command {
	const char *noun;
	const char *verb; /* NULL: the noun is the whole command */
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *usage; /* arguments, after "hoptac noun verb" */
	const char *summary;
};

/* A client for url with the credential named by token_var (tokenfile.h)
 * and the TLS settings of the options and environment (--ca, HOPTAC_CA,
 * HOPTAC_SERVER_NAME, HOPTAC_ALLOW_PLAINTEXT). NULL with err set. */
struct rpc_client *cli_connect(struct cli *cli, const char *url,
    const char *token_var, char *err, size_t errlen);

/* Calls method; on failure prints the status, message and violations to
 * stderr and returns the exit code for it, else CLI_OK with *resp set (the
 * method's reply type; caller frees). */
int cli_call(struct cli *cli, enum method_id method,
    const ProtobufCMessage *req, ProtobufCMessage **resp,
    const char *request_id);

/* cli_call for a command whose reply --json prints as is: returns CLI_OK
 * with *resp for the caller to print for people, CLI_OK with *resp NULL
 * when --json printed it already, or the exit code of a failure. */
int cli_fetch(struct cli *cli, enum method_id method,
    const ProtobufCMessage *req, ProtobufCMessage **resp);

/* The exit code for a status code. */
int cli_exit_for(int status);

/* Prints a status (and its violations) to stderr as "hoptac: ...". */
void cli_print_status(const struct rpc_client_status *st);

/* Prints m as one line of JSON on stdout. Returns an exit code. */
int cli_print_json(const ProtobufCMessage *m);

/* Prints "hoptac: " and the message to stderr; returns code. */
int cli_fail(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints violations found before sending, then "INVALID_ARGUMENT: what";
 * returns CLI_INVALID. */
int cli_invalid(const struct violations *v, const char *what);

/* The lowercase name of a report status ("submitted", ...). */
const char *cli_report_status_name(int status);

/* A time in milliseconds as local "YYYY-MM-DD HH:MM" ("-" for 0). */
void cli_when(int64_t ms, char *buf, size_t len);

/* Joins items with sep into out (len bytes, cut if needed). */
void cli_join(
    char *out, size_t len, char *const *items, size_t n, const char *sep);

/* Parses a non-negative integer option value; -1 if it is not one. */
long cli_number(const char *s);

/* Prints the usage of the command noun [verb] to out. */
void cli_usage(const char *noun, const char *verb, int to_stderr);

/* Commands. */
int cmd_ping(struct cli *cli, int argc, char **argv);
int cmd_methods(struct cli *cli, int argc, char **argv);
int cmd_unit_add(struct cli *cli, int argc, char **argv);
int cmd_unit_list(struct cli *cli, int argc, char **argv);
int cmd_partner_list(struct cli *cli, int argc, char **argv);
int cmd_activity_add(struct cli *cli, int argc, char **argv);
int cmd_activity_list(struct cli *cli, int argc, char **argv);
int cmd_activity_show(struct cli *cli, int argc, char **argv);
int cmd_activity_amend(struct cli *cli, int argc, char **argv);
int cmd_activity_withdraw(struct cli *cli, int argc, char **argv);
int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_unit_import(struct cli *cli, int argc, char **argv);
int cmd_unit_rate(struct cli *cli, int argc, char **argv);
int cmd_request_create(struct cli *cli, int argc, char **argv);
int cmd_request_list(struct cli *cli, int argc, char **argv);
int cmd_request_show(struct cli *cli, int argc, char **argv);
int cmd_request_status(struct cli *cli, int argc, char **argv);
int cmd_report_template(struct cli *cli, int argc, char **argv);
int cmd_report_submit(struct cli *cli, int argc, char **argv);
int cmd_report_show(struct cli *cli, int argc, char **argv);
int cmd_report_list(struct cli *cli, int argc, char **argv);
int cmd_report_return(struct cli *cli, int argc, char **argv);
int cmd_report_accept(struct cli *cli, int argc, char **argv);
int cmd_summary(struct cli *cli, int argc, char **argv);
int cmd_consolidate(struct cli *cli, int argc, char **argv);
int cmd_sync(struct cli *cli, int argc, char **argv);
int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_inbox(struct cli *cli, int argc, char **argv);
int cmd_forward(struct cli *cli, int argc, char **argv);
int cmd_conflict_list(struct cli *cli, int argc, char **argv);
int cmd_conflict_resolve(struct cli *cli, int argc, char **argv);
int cmd_admin_issue(struct cli *cli, int argc, char **argv);
int cmd_admin_list(struct cli *cli, int argc, char **argv);
int cmd_admin_revoke(struct cli *cli, int argc, char **argv);
int cmd_whoami(struct cli *cli, int argc, char **argv);
int cmd_audit(struct cli *cli, int argc, char **argv);
int cmd_bundle_apply(struct cli *cli, int argc, char **argv);
int cmd_import_receipt(struct cli *cli, int argc, char **argv);

#endif
