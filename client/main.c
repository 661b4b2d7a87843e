/*
 * hoptac: the command-line client. "hoptac [options] NOUN [VERB] ...",
 * a command table in the manner of git and smtpctl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_i18n.h"
#include "pbstr.h"
#include "validate.h"
#include "cli_config.h"

static const struct cli_command cli_commands[] = {
    {"ping", NULL, cmd_ping, "", "check that the server answers"},
    {"methods", NULL, cmd_methods, "",
        "list the server's services and methods"},
    {"sync", NULL, cmd_sync, "[--quiet] [--unit CODE]",
        "deliver the outbox, then pull what concerns the unit (cron, timers)"},
    {"inbox", NULL, cmd_inbox, "",
        "the requests and review outcomes the last sync pulled (offline)"},
    {"status", NULL, cmd_status, "",
        "what the outbox holds: queued, delivered, refused and why"},
    {"forward", NULL, cmd_forward, "--to URL",
        "send this server's records on to a higher-level server"},
    {"export", NULL, cmd_export, "FILE [--unit CODE]",
        "write the queued calls to a bundle, to carry by hand"},
    {"bundle", "apply", cmd_bundle_apply,
        "FILE [--receipt FILE] [--handed-over DATE]",
        "apply a bundle to the server and write its receipt"},
    {"import-receipt", NULL, cmd_import_receipt, "FILE",
        "mark what a bundle's receipt says was applied"},
    {"key", "register", cmd_key_register, "",
        "make the office's key for signing bundles if it has none, and "
        "register it"},
    {"unit", "add", cmd_unit_add,
        "CODE NAME --kind KIND [--province P] [--parent CODE] [--from DATE]"
        " [--to DATE] [--successor CODE]...",
        "register a reporting unit"},
    {"unit", "amend", cmd_unit_amend,
        "CODE [--name NAME] [--parent CODE] [--from DATE] [--to DATE]"
        " [--successor CODE]... [--clear FIELD]...",
        "change a unit's registration (administrator; FIELD: parent_code,"
        " valid_from, valid_to, successor_codes)"},
    {"unit", "list", cmd_unit_list, "[--province P] [--all]",
        "list units (--all: with those that ended)"},
    {"unit", "import", cmd_unit_import, "FILE.csv",
        "register the units of a registry file (code,name,kind,province,"
        "parent,valid_from,valid_to,successors)"},
    {"unit", "rate", cmd_unit_rate, "CODE [--year YYYY]",
        "how often a unit answered the requests addressed to it"},
    {"partner", "list", cmd_partner_list, "[TEXT]",
        "list the Lao partner TEXT names and what lies under it, or those "
        "whose names contain TEXT"},
    {"partner", "add", cmd_partner_add,
        "CODE NAME --latin NAME [--parent PROVINCE]",
        "add a province or district to the gazetteer (administrator; "
        "audited)"},
    {"partner", "alias", cmd_partner_alias, "PARTNER ALIAS",
        "add a spelling of a partner (administrator; audited)"},
    {"activity", "add", cmd_activity_add,
        "[--unit CODE] --partner P... --kind KIND --start DATE --title TEXT"
        " [--id ID] [--end DATE] [--field F]... [--place P] [--summary S]"
        " [--people N] [--leader L] [--result R] [--ref DOC]...",
        "record an activity"},
    {"activity", "list", cmd_activity_list,
        "[--unit CODE] [--partner P] [--kind KIND] [--field F] [--from DATE]"
        " [--to DATE] [--text WORDS] [--withdrawn] [--limit N] [--csv]",
        "list activities, oldest first (--csv: as hoptac import reads)"},
    {"activity", "show", cmd_activity_show, "ID", "show one activity"},
    {"activity", "amend", cmd_activity_amend,
        "ID [--version N] [--queue] [any option of activity add]",
        "change an activity (refused if it changed since version N)"},
    {"conflict", "list", cmd_conflict_list, "[--all]",
        "amendments made offline that met a newer version"},
    {"conflict", "resolve", cmd_conflict_resolve,
        "ID --apply|--discard [--note TEXT]",
        "let the kept amendment win, or the stored record stand"},
    {"activity", "withdraw", cmd_activity_withdraw,
        "ID [--reason TEXT] [--version N]",
        "withdraw an activity (kept, excluded from counts)"},
    {"activity", "duplicates", cmd_activity_duplicates,
        "--from DATE --to DATE [--limit N]",
        "pairs of records that are likely one event reported twice"},
    {"activity", "link", cmd_activity_link,
        "UNIT/ID UNIT/ID --same|--distinct [--note TEXT]",
        "say whether two records are one event (counted once) or two"},
    {"import", NULL, cmd_import, "FILE.csv",
        "submit the activities of a CSV file (docs/csv.md)"},
    {"request", "create", cmd_request_create,
        "REF --issuer UNIT --issued DATE --title TEXT --from DATE [--to DATE]"
        " --due DATE --unit CODE... [--partner P]...",
        "issue a reporting request (công văn) to units"},
    {"request", "list", cmd_request_list, "[--unit CODE] [--open]",
        "list requests (--open: those the unit, or any unit asked, has "
        "still to answer)"},
    {"request", "show", cmd_request_show, "REF", "show one request"},
    {"request", "status", cmd_request_status, "REF",
        "who answered, on time or late, and who did not"},
    {"report", "template", cmd_report_template, "--request REF [--unit CODE]",
        "print a report file to fill in (docs/report-format.md)"},
    {"report", "submit", cmd_report_submit,
        "FILE [--request REF] [--filed DATE] [--received DATE]",
        "send a report file; prints the figures from the records"},
    {"report", "import", cmd_report_import,
        "FILE [--unit CODE] [--request REF] [--output OUT] [--activities CSV] "
        "[--text]",
        "read a report document (.txt, .docx) into a report file to check"},
    {"report", "check", cmd_report_check, "FILE [--request REF] [--filed DATE]",
        "what report submit would answer, without sending"},
    {"report", "show", cmd_report_show, "REF [--unit CODE] [--revision N]",
        "show a report, its status and figures"},
    {"report", "list", cmd_report_list,
        "[--request REF] [--unit CODE] [--all-revisions]",
        "list reports and their review status"},
    {"report", "return", cmd_report_return,
        "REF --unit CODE --reason TEXT [--revision N] [--received DATE]",
        "return a report to its office, with the reason"},
    {"report", "accept", cmd_report_accept,
        "REF --unit CODE [--revision N] [--received DATE]",
        "accept a report (--received: the day its paper arrived)"},
    {"summary", NULL, cmd_summary,
        "[--request REF | --from DATE --to DATE] [--unit CODE] [--partner P]"
        " [--kind KIND]"
        " [--by DIM,...] [--rollup] [--csv | --format table|csv|md|json]"
        " [--lang vi|en]",
        "figures grouped by unit, partner, kind, field, year, quarter, "
        "month"},
    {"admin", "issue", cmd_admin_issue,
        "--name NAME --role ROLE[,ROLE] [--unit CODE] [--expires DATE]"
        " [--output FILE]",
        "issue a credential (office needs --unit); its token is shown once"},
    {"admin", "list", cmd_admin_list, "[--unit CODE] [--all]",
        "list credentials (--all: with revoked and expired ones)"},
    {"admin", "revoke", cmd_admin_revoke, "ID",
        "revoke a credential; it is refused from the next call"},
    {"whoami", NULL, cmd_whoami, "",
        "the credential in use: its id, holder, roles and unit"},
    {"audit", "archive", cmd_audit_archive, "--until DATE --output FILE",
        "keep the audit trail up to DATE in FILE (and FILE.sha256), then "
        "remove it from the server"},
    {"audit", NULL, cmd_audit,
        "[--credential ID] [--unit CODE] [--method M] [--refused]"
        " [--since DATE] [--until DATE] [--limit N]",
        "search the audit trail of changes and refused calls"},
    {"consolidate", NULL, cmd_consolidate,
        "--request REF [--format md|html|docx|csv|json] [--output FILE]"
        " [--number N] [--date DATE] [--place P] [--superior AGENCY]"
        " [--title LINE]... [--signer NAME] [--recipient R]... [--annex]",
        "the consolidated report (báo cáo tổng hợp) of a request"},
};

#define CLI_N (sizeof(cli_commands) / sizeof(cli_commands[0]))

static void
cli_help(FILE *out)
{
	fprintf(out,
	    _("usage: hoptac [--server URL] [--json] [--timeout MS] COMMAND "
	      "...\n"
	      "\n"
	      "  -v, --verbose  errors with their status names and fields\n"
	      "  --server URL   the server (default: $HOPTAC_SERVER, the "
	      "file's\n"
	      "                 server, else %s)\n"
	      "  --json         print results as JSON (docs/json.md)\n"
	      "  --timeout MS   deadline of each call, retries included "
	      "(default 10000)\n"
	      "  --outbox FILE  the local outbox (default: $HOPTAC_OUTBOX, "
	      "else\n"
	      "                 $XDG_DATA_HOME/hoptac/outbox.db)\n"
	      "  --ca FILE      CA certificates for tls+tcp:// (default: "
	      "$HOPTAC_CA)\n"
	      "credential: $HOPTAC_TOKEN, or the file $HOPTAC_TOKEN_FILE, "
	      "else\n"
	      "  ~/.config/hoptac/token (mode 0600); never an argument\n"
	      "settings: ~/.config/hoptac/hoptac.conf, then %s\n"
	      "  (server, ca, token_file, unit), where the options and the\n"
	      "  environment leave them\n"
	      "\ncommands:\n"),
	    CLI_DEFAULT_SERVER, CLI_CONFIG_SYSTEM);
	for (size_t i = 0; i < CLI_N; i++) {
		char name[64];

		snprintf(name, sizeof(name), "%s%s%s", cli_commands[i].noun,
		    cli_commands[i].verb ? " " : "",
		    cli_commands[i].verb ? cli_commands[i].verb : "");
		/* The summaries are msgids of po/vi.po too. */
		fprintf(out, "  %-18s %s\n", name, _(cli_commands[i].summary));
	}
	fputs(
	    _("\n'hoptac help COMMAND' or 'hoptac COMMAND --help' for "
	      "details.\n"
	      "exit: 0 ok, 1 error, 2 usage, 3 invalid input, 4 refused by the "
	      "server,\n      65 sync: some queued records refused,\n"
	      "      75 server unreachable (try again later),\n"
	      "      77 no usable credential (token file included), or not "
	      "allowed,\n"
	      "      78 settings that cannot work (server URL, CA file)\n"),
	    out);
}

void
cli_usage(const char *noun, const char *verb, int to_stderr)
{
	FILE *out = to_stderr ? stderr : stdout;

	for (size_t i = 0; i < CLI_N; i++) {
		const struct cli_command *c = &cli_commands[i];

		if (strcmp(c->noun, noun) != 0 ||
		    (verb != NULL && c->verb != NULL &&
		        strcmp(c->verb, verb) != 0))
			continue;
		fprintf(out, _("usage: hoptac %s%s%s %s\n  %s\n"), c->noun,
		    c->verb ? " " : "", c->verb ? c->verb : "", c->usage,
		    _(c->summary));
	}
}

static const struct cli_command *
cli_find(const char *noun, const char *verb)
{
	for (size_t i = 0; i < CLI_N; i++) {
		const struct cli_command *c = &cli_commands[i];

		if (strcmp(c->noun, noun) != 0)
			continue;
		if (c->verb == NULL ||
		    (verb != NULL && strcmp(c->verb, verb) == 0))
			return c;
	}
	return NULL;
}

static int
cli_known_noun(const char *noun)
{
	for (size_t i = 0; i < CLI_N; i++)
		if (strcmp(cli_commands[i].noun, noun) == 0)
			return 1;
	return 0;
}

/* The options before the command, for "did you mean". */
static const char *const cli_options[] = {"--server", "--json", "--timeout",
    "--outbox", "--ca", "--verbose", "--help", "--version"};

#define CLI_NOPTIONS (sizeof(cli_options) / sizeof(cli_options[0]))

/* Whether the option before the command opt is followed by its value. */
static int
cli_option_takes_value(const char *opt)
{
	return strcmp(opt, "--server") == 0 || strcmp(opt, "--timeout") == 0 ||
	    strcmp(opt, "--outbox") == 0 || strcmp(opt, "--ca") == 0;
}

/* What cli_unknown says is unknown. */
enum cli_word { CLI_WORD_COMMAND, CLI_WORD_VERB, CLI_WORD_OPTION };

/* An unknown word: the headline, the nearest known one, where to look. */
static int
cli_unknown(
    const char *typed, enum cli_word what, const char *const *names, size_t n)
{
	const char *near = cli_suggest(typed, names, n);

	if (what == CLI_WORD_COMMAND)
		cli_fail(0, _("unknown command \"%s\""), typed);
	else if (what == CLI_WORD_VERB)
		cli_fail(0, _("unknown verb \"%s\""), typed);
	else
		cli_fail(0, _("unknown option \"%s\""), typed);
	if (near != NULL)
		fprintf(stderr, _("  did you mean \"%s\"?\n"), near);
	fputs(_("  hoptac --help lists the commands and options\n"), stderr);
	return CLI_USAGE;
}

/* No command is noun [verb]: a noun without its verb shows the verbs
 * it takes; otherwise the nearest command is suggested. */
static int
cli_no_command(const char *noun, const char *verb)
{
	const char *names[CLI_N];
	size_t n = 0;

	if (cli_known_noun(noun)) {
		for (size_t i = 0; i < CLI_N; i++)
			if (strcmp(cli_commands[i].noun, noun) == 0 &&
			    cli_commands[i].verb != NULL)
				names[n++] = cli_commands[i].verb;
		if (verb == NULL || verb[0] == '-') {
			cli_fail(0, _("%s needs one of these verbs:"), noun);
			cli_usage(noun, NULL, 1);
			return CLI_USAGE;
		}
		return cli_unknown(verb, CLI_WORD_VERB, names, n);
	}
	for (size_t i = 0; i < CLI_N; i++)
		if (i == 0 ||
		    strcmp(cli_commands[i].noun, cli_commands[i - 1].noun) != 0)
			names[n++] = cli_commands[i].noun;
	return cli_unknown(noun, CLI_WORD_COMMAND, names, n);
}

/* Prints the options of c, taken from its usage line. */
static void
cli_complete_options(const struct cli_command *c)
{
	for (const char *p = strstr(c->usage, "--"); p != NULL;
	     p = strstr(p + 2, "--")) {
		size_t n =
		    strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");

		printf("--%.*s\n", (int)n, p + 2);
	}
	printf("--help\n--json\n");
}

/* Prints the nouns of the command table (noun NULL), or the verbs of a
 * noun and the options it takes alone (verb NULL), or the options of
 * one command. */
static void
cli_complete_words(const char *noun, const char *verb)
{
	for (size_t i = 0; i < CLI_N; i++) {
		const struct cli_command *c = &cli_commands[i];

		if (noun == NULL) {
			size_t k = 0;

			while (k < i && strcmp(cli_commands[k].noun, c->noun))
				k++;
			if (k == i) /* its first entry */
				printf("%s\n", c->noun);
		} else if (strcmp(c->noun, noun) != 0) {
			continue;
		} else if (verb == NULL) {
			if (c->verb != NULL)
				printf("%s\n", c->verb);
			else
				cli_complete_options(c);
		} else if (c->verb != NULL && strcmp(c->verb, verb) == 0) {
			cli_complete_options(c);
		}
	}
}

/* "hoptac __complete WORD...": what may follow the words of a command
 * line, one a line, for the bash completion (deploy/completion/hoptac),
 * so that it follows the command table rather than a copy of it. */
static int
cli_complete(int argc, char **argv)
{
	const char *noun = NULL, *verb = NULL;
	int i = 0;

	/* Global options, and the values of those that take one. */
	while (i < argc && argv[i][0] == '-')
		i += cli_option_takes_value(argv[i]) ? 2 : 1;
	if (i < argc && strcmp(argv[i], "help") == 0)
		i++;
	if (i >= argc) {
		for (size_t k = 0; k < CLI_NOPTIONS; k++)
			printf("%s\n", cli_options[k]);
		printf("help\n");
		cli_complete_words(NULL, NULL);
		return CLI_OK;
	}
	if (!cli_known_noun(argv[i]))
		return CLI_OK;
	noun = argv[i];
	for (size_t k = 0; i + 1 < argc && k < CLI_N; k++)
		if (strcmp(cli_commands[k].noun, noun) == 0 &&
		    cli_commands[k].verb != NULL &&
		    strcmp(cli_commands[k].verb, argv[i + 1]) == 0)
			verb = argv[i + 1];
	cli_complete_words(noun, verb);
	return CLI_OK;
}

int
main(int argc, char **argv)
{
	struct cli cli = {
	    NULL, 0, 0, NULL, NULL, NULL, CLI_OK, NULL, 0, NULL, NULL, 0};
	const struct cli_command *cmd;
	char err[1024];
	int i = 1, rc, skip;

	cli_i18n_init();
	if (argc > 1 && strcmp(argv[1], "__complete") == 0)
		return cli_complete(argc - 2, argv + 2);

	/* Partners added at the server since this was built are its to
	 * check (docs/gazetteer.md). */
	validate_accept_unknown_codes(1);

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			cli.json = 1;
		} else if (strcmp(argv[i], "--server") == 0 && i + 1 < argc) {
			cli.server = argv[++i];
		} else if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc) {
			cli.ca_file = argv[++i];
		} else if (strcmp(argv[i], "--outbox") == 0 && i + 1 < argc) {
			cli.outbox_path = argv[++i];
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			long ms = cli_number(argv[++i]);

			if (ms <= 0 || ms > 600000)
				return cli_fail(CLI_USAGE,
				    "--timeout takes 1 to 600000 milliseconds");
			cli.timeout_ms = (uint32_t)ms;
		} else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			cli_help(stdout);
			return CLI_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("hoptac %s\n", HOPTAC_VERSION);
			return CLI_OK;
		} else if (strcmp(argv[i], "-v") == 0 ||
		    strcmp(argv[i], "--verbose") == 0) {
			cli.verbose = 1;
		} else {
			return cli_unknown(argv[i], CLI_WORD_OPTION,
			    cli_options, CLI_NOPTIONS);
		}
	}
	if (i == argc) {
		cli_help(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 < argc && cli_known_noun(argv[i + 1]))
			cli_usage(
			    argv[i + 1], i + 2 < argc ? argv[i + 2] : NULL, 0);
		else
			cli_help(stdout);
		return CLI_OK;
	}
	/* After --help and --version, which a bad file must not stop; the
	 * file's keys stand in for unset environment variables. */
	if (cli_config_load(err, sizeof(err)) != 0)
		return cli_fail(CLI_CONFIG, "%s", err);
	if (cli.server == NULL)
		cli.server = getenv("HOPTAC_SERVER");
	if (cli.server == NULL || cli.server[0] == '\0')
		cli.server = CLI_DEFAULT_SERVER;
	cmd = cli_find(argv[i], i + 1 < argc ? argv[i + 1] : NULL);
	if (cmd == NULL)
		return cli_no_command(
		    argv[i], i + 1 < argc ? argv[i + 1] : NULL);
	skip = cmd->verb != NULL ? 2 : 1;
	/* Each command sees argv[0] = its name, as getopt expects. */
	argc -= i + skip - 1;
	argv += i + skip - 1;
	/* --json may also follow the command, as scripts often write it. */
	for (int k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--help") == 0 ||
		    strcmp(argv[k], "-h") == 0) {
			cli_usage(cmd->noun, cmd->verb, 0);
			return CLI_OK;
		}
		if (strcmp(argv[k], "--json") == 0) {
			cli.json = 1;
			memmove(&argv[k], &argv[k + 1],
			    (size_t)(argc - k) * sizeof(*argv));
			argc--;
			k--;
		}
	}
	cli.command = cmd;
	rc = cmd->run(&cli, argc, argv);
	rpc_client_close(cli.client);
	pbstr_clear_all(&cli.n_owned, &cli.owned);
	return rc;
}
