/*
 * The command-line client: what every command shares. Commands live in
 * cmd_<noun>.c and are listed in main.c's table.
 */
#ifndef HOPTAC_CLI_H
#define HOPTAC_CLI_H

#include <stddef.h>
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
	/* no valid credential (one that cannot be read included), or not
	 * allowed (EX_NOPERM) */
	CLI_DENIED = 77,
	CLI_CONFIG = 78 /* settings that cannot work (EX_CONFIG) */
};

#define CLI_DEFAULT_SERVER "tcp://127.0.0.1:7420"

struct cli {
	const char *server; /* URL */
	int json;           /* --json: machine output on stdout */
	uint32_t timeout_ms;
	const char *outbox_path;   /* --outbox; NULL: outbox_default_path() */
	const char *ca_file;       /* --ca; NULL: $HOPTAC_CA */
	struct rpc_client *client; /* opened on first use; owned */
	int connect_code; /* cli_connect's exit code when client failed */
	const struct cli_command *command; /* the one running: its usage */
	int verbose; /* -v: status names and details in errors */
	const struct cli_option *options; /* of the running command, once
	                                   * parsed: errors name them */
	char **owned; /* option values found from what was typed (a unit's
	               * code for its name); owned, freed by main */
	size_t n_owned;
};

struct cli_command {
	const char *noun;
	const char *verb; /* NULL: the noun is the whole command */
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *usage; /* arguments, after "hoptac noun verb" */
	const char *summary;
};

struct table;

/* How a command takes one of its options. */
enum cli_option_kind {
	CLI_OPT_STRING, /* its value goes to the char * at offset in ctx */
	CLI_OPT_COPY,   /* a copy of it replaces the owned string there */
	CLI_OPT_LIST,   /* a copy is appended to the repeated string there;
	                 * the first replaces what the list held */
	CLI_OPT_FLAG,   /* sets the protobuf_c_boolean at offset in ctx */
	CLI_OPT_VALUE,  /* its value goes to the command's option function */
	CLI_OPT_SWITCH, /* it goes, with no value, to the option function */
};

struct cli_option {
	const char *name; /* --name */
	enum cli_option_kind kind;
	size_t offset; /* where in ctx its field is */
	size_t count;  /* CLI_OPT_LIST: where in ctx the list's count is */
	int ch; /* CLI_OPT_VALUE, CLI_OPT_SWITCH: what the function gets */
};

/* clang-format off */
#define CLI_STRING(name, type, field) \
	{(name), CLI_OPT_STRING, offsetof(type, field), 0, 0}
#define CLI_COPY(name, type, field) \
	{(name), CLI_OPT_COPY, offsetof(type, field), 0, 0}
#define CLI_LIST(name, type, field) \
	{(name), CLI_OPT_LIST, offsetof(type, field), offsetof(type, n_##field), 0}
#define CLI_FLAG(name, type, field) \
	{(name), CLI_OPT_FLAG, offsetof(type, field), 0, 0}
#define CLI_VALUE(name, ch)  {(name), CLI_OPT_VALUE, 0, 0, (ch)}
#define CLI_SWITCH(name, ch) {(name), CLI_OPT_SWITCH, 0, 0, (ch)}
#define CLI_OPTIONS_END      {NULL, CLI_OPT_STRING, 0, 0, 0}
/* clang-format on */
#define CLI_OPTIONS_MAX 24

/* What a command takes on its command line. */
struct cli_args {
	/* Its options, up to CLI_OPTIONS_MAX, ended by CLI_OPTIONS_END;
	 * NULL: none, and an argument may then start with '-'. */
	const struct cli_option *options;
	/* Takes the CLI_OPT_VALUE or CLI_OPT_SWITCH option ch (its value
	 * arg) into ctx: CLI_OK, CLI_BAD_OPTION for a value it cannot use
	 * (the usage is printed), or the exit code of a value refused with a
	 * message of its own. */
	int (*option)(void *ctx, int ch, char *arg);
	int min_args, max_args; /* arguments after the options; max -1: any */
	size_t arg_offset; /* where in ctx the first goes (a char *); 0: none */
	/* 1: the offsets are in the message ctx's first member points at,
	 * ctx keeping the command's own state after it */
	int indirect;
};

#define CLI_BAD_OPTION (-1)

/* The command lines of commands with no options: nothing, or one
 * argument (which may start with '-'). */
extern const struct cli_args cli_no_args, cli_one_arg;

/* A command's round trip: the method it calls and what it shows of the
 * reply. */
struct cli_show {
	const struct cli_args *args; /* into the request, for cli_run */
	enum method_id method;
	const char *json_part; /* the reply's field --json prints; NULL: all */
	/* Prints the reply for people; returns an exit code. */
	int (*print)(const ProtobufCMessage *req, const ProtobufCMessage *resp);
};

/* A list command: its command line, its request, and its reply shown as
 * a table of one or more rows an item. */
struct cli_list {
	const struct cli_args *args; /* into the request */
	enum method_id method;
	const char *items; /* the reply's repeated field the rows show */
	size_t ncols;
	const char *const *headers;
	const size_t *max_widths; /* a cap for each column, 0: none; or NULL */
	void (*row)(struct table *t, const void *item);
	/* NULL, or a line above the table */
	void (*head)(const ProtobufCMessage *resp);
	/* NULL, or what follows the table: a line, or the exit code of what
	 * it showed */
	int (*foot)(const ProtobufCMessage *req, const ProtobufCMessage *resp);
};

/* A client for url with the credential named by token_var (tokenfile.h)
 * and the TLS settings of the options and environment (--ca, HOPTAC_CA,
 * HOPTAC_SERVER_NAME, HOPTAC_ALLOW_PLAINTEXT). NULL with err set and
 * *code the exit code: CLI_DENIED when the credential cannot be read,
 * CLI_CONFIG when the URL or TLS settings cannot work, else CLI_ERROR. */
struct rpc_client *cli_connect(struct cli *cli, const char *url,
    const char *token_var, int *code, char *err, size_t errlen);

/* Calls method; on failure prints the status, message and violations to
 * stderr and returns the exit code for it, else CLI_OK with *resp set (the
 * method's reply type; caller frees). */
int cli_call(struct cli *cli, enum method_id method,
    const ProtobufCMessage *req, ProtobufCMessage **resp,
    const char *request_id);

/* cli_call that leaves the outcome to the caller: CLI_OK once the call
 * was made, st saying how it ended (*resp set on OK); the exit code when
 * no client could be made. */
int cli_invoke(struct cli *cli, enum method_id method,
    const ProtobufCMessage *req, ProtobufCMessage **resp,
    const char *request_id, struct rpc_client_status *st);

/* cli_call for a command whose reply --json prints as is: returns CLI_OK
 * with *resp for the caller to print for people, CLI_OK with *resp NULL
 * when --json printed it already, or the exit code of a failure. */
int cli_fetch(struct cli *cli, enum method_id method,
    const ProtobufCMessage *req, ProtobufCMessage **resp);

/* cli_call for every page of a paged method (page_token in req,
 * next_page_token in the reply): *resp is the first page with the items
 * (the repeated field named items) of every page after it, and last, when
 * not NULL, an int64 field taken from the last page. req is left as it
 * was. An exit code; *resp NULL unless CLI_OK. */
int cli_call_pages(struct cli *cli, enum method_id method,
    ProtobufCMessage *req, const char *items, const char *last,
    ProtobufCMessage **resp);

/* Parses the command line of the running command by a, options into ctx:
 * CLI_OK with *args (when args is not NULL) at the arguments after the
 * options, NULL-terminated; else the exit code, the usage printed when
 * the command line is wrong. */
int cli_parse(struct cli *cli, const struct cli_args *a, void *ctx, int argc,
    char **argv, char ***args);

/* Prints the usage of the running command to stderr; returns CLI_USAGE. */
int cli_usage_error(struct cli *cli);

/* Calls s->method with req and shows the reply: s->json_part of it for
 * --json, what s->print writes for people. Returns an exit code. */
int cli_show(
    struct cli *cli, const struct cli_show *s, const ProtobufCMessage *req);

/* Parses the command line by s->args into req, then cli_show. */
int cli_run(struct cli *cli, const struct cli_show *s, int argc, char **argv,
    ProtobufCMessage *req);

/* Runs the list command l: parses the command line into req, fetches
 * l->method and prints the reply, as l's table for people, as it is for
 * --json. Returns an exit code. */
int cli_list(struct cli *cli, const struct cli_list *l, int argc, char **argv,
    ProtobufCMessage *req);

/* The exit code for a status code. */
int cli_exit_for(int status);

/* Prints a refusal to stderr for a person: the server's message first,
 * then its details named by the options typed (--start, not start_date),
 * then a hint for what to do; the status name only with -v or --json. */
void cli_print_status(struct cli *cli, const struct rpc_client_status *st);

/* Prints m as one line of JSON on stdout. Returns an exit code. */
int cli_print_json(const ProtobufCMessage *m);

/* Prints "hoptac: " and the message to stderr; returns code. */
int cli_fail(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "what" and the violations found before sending, as
 * cli_print_status does; returns CLI_INVALID. */
int cli_invalid(struct cli *cli, const struct violations *v, const char *what);

/* A --kind that names no kind of activity: the headline, the nearest
 * kind and the list of them. Returns CLI_USAGE. */
int cli_bad_kind(const char *arg);

/* "NAME: " of a status for -v and --json, "" otherwise: what goes before
 * a message people read. Points to a buffer the next call reuses. */
const char *cli_status_tag(const struct cli *cli, int code);

/* The name among names[0..n) nearest to typed on folded text, for "did
 * you mean"; NULL when none is near enough to be a slip. */
const char *cli_suggest(const char *typed, const char *const *names, size_t n);

/* A time in milliseconds as local "YYYY-MM-DD HH:MM" ("-" for 0). */
void cli_when(int64_t ms, char *buf, size_t len);

/* Joins items with sep into out (len bytes, cut if needed). */
void cli_join(
    char *out, size_t len, char *const *items, size_t n, const char *sep);

/* Milliseconds at noon, Vietnam time, of a whole date ("15/5/2024"): the
 * day a paper report or a bundle was handed over, as --filed and
 * --handed-over take it. -1 if not a whole date. */
int64_t cli_day_ms(const char *text);

/* The unit the credential in use is bound to, written into buf (len
 * bytes): an office's; NULL for another role or when the server does
 * not answer. */
const char *cli_own_unit(struct cli *cli, char *buf, size_t len);

/* The unit a command works for when --unit is left out: given when it is
 * not empty, else the configured unit (HOPTAC_UNIT, or "unit" in the
 * configuration file), else the unit of the office's credential. NULL
 * when none applies. */
/* What to do when cli_default_unit() finds none, in the person's
 * language. */
const char *cli_name_the_unit(void);
const char *cli_default_unit(
    struct cli *cli, const char *given, char *buf, size_t len);

/* The code of the unit --unit text names: text itself when it is written
 * as a code, else the one unit whose folded name (or code) equals text
 * folded or holds its words in a row; an equal name wins. *code is text
 * or a string cli owns. Several or no units: CLI_USAGE, said on stderr. */
int cli_unit_code(struct cli *cli, const char *text, char **code);

/* Parses a non-negative integer option value; -1 if it is not one. */
long cli_number(const char *s);

/* Prints the usage of the command noun [verb] to out. */
void cli_usage(const char *noun, const char *verb, int to_stderr);

/* Commands. */
int cmd_ping(struct cli *cli, int argc, char **argv);
int cmd_methods(struct cli *cli, int argc, char **argv);
int cmd_unit_add(struct cli *cli, int argc, char **argv);
int cmd_unit_amend(struct cli *cli, int argc, char **argv);
int cmd_unit_list(struct cli *cli, int argc, char **argv);
int cmd_partner_list(struct cli *cli, int argc, char **argv);
int cmd_partner_add(struct cli *cli, int argc, char **argv);
int cmd_partner_alias(struct cli *cli, int argc, char **argv);
int cmd_activity_add(struct cli *cli, int argc, char **argv);
int cmd_activity_list(struct cli *cli, int argc, char **argv);
int cmd_activity_show(struct cli *cli, int argc, char **argv);
int cmd_activity_amend(struct cli *cli, int argc, char **argv);
int cmd_activity_withdraw(struct cli *cli, int argc, char **argv);
/* cmd_duplicate.c */
int cmd_activity_duplicates(struct cli *cli, int argc, char **argv);
int cmd_activity_link(struct cli *cli, int argc, char **argv);
int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_unit_import(struct cli *cli, int argc, char **argv);
int cmd_unit_rate(struct cli *cli, int argc, char **argv);
int cmd_request_create(struct cli *cli, int argc, char **argv);
int cmd_request_list(struct cli *cli, int argc, char **argv);
int cmd_request_show(struct cli *cli, int argc, char **argv);
int cmd_request_status(struct cli *cli, int argc, char **argv);
int cmd_report_template(struct cli *cli, int argc, char **argv);
int cmd_report_submit(struct cli *cli, int argc, char **argv);
int cmd_report_check(struct cli *cli, int argc, char **argv);
int cmd_report_import(struct cli *cli, int argc, char **argv);
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
int cmd_audit_archive(struct cli *cli, int argc, char **argv);
int cmd_bundle_apply(struct cli *cli, int argc, char **argv);
int cmd_import_receipt(struct cli *cli, int argc, char **argv);
int cmd_key_register(struct cli *cli, int argc, char **argv);

/* The whole consolidated report of req, every page gathered into *out
 * (caller frees it), read again from the first page when a revision came
 * in between (cmd_summary.c). An exit code; hoptac-web shows it too. */
struct Hoptac__V1__ConsolidateRequest;
struct Hoptac__V1__ConsolidateResponse;
int cmd_consolidate_fetch(struct cli *cli,
    struct Hoptac__V1__ConsolidateRequest *req,
    struct Hoptac__V1__ConsolidateResponse **out);

/* The office's private key for signing bundles: $HOPTAC_KEY, else the
 * outbox's path with ".key" added. */
void cli_key_path(const struct cli *cli, char *out, size_t len);

#endif
