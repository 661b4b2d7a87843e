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
    {"ping", NULL, cmd_ping, "", N_("check that the server answers")},
    {"methods", NULL, cmd_methods, "",
        N_("list the server's services and methods")},
    {"sync", NULL, cmd_sync, N_("[--quiet] [--unit CODE]"),
        N_("deliver the outbox, then pull what concerns the unit (cron, "
           "timers)")},
    {"inbox", NULL, cmd_inbox, "",
        N_("the requests and review outcomes the last sync pulled (offline)")},
    {"status", NULL, cmd_status, "",
        N_("what the outbox holds: queued, delivered, refused and why")},
    {"forward", NULL, cmd_forward, N_("--to URL"),
        N_("send this server's records on to a higher-level server")},
    {"export", NULL, cmd_export, N_("FILE [--unit CODE]"),
        N_("write the queued calls to a bundle, to carry by hand")},
    {"bundle", "apply", cmd_bundle_apply,
        N_("FILE [--receipt FILE] [--handed-over DATE]"),
        N_("apply a bundle to the server and write its receipt")},
    {"import-receipt", NULL, cmd_import_receipt, N_("FILE"),
        N_("mark what a bundle's receipt says was applied")},
    {"key", "register", cmd_key_register, "",
        N_("make the office's key for signing bundles if it has none, and "
           "register it")},
    {"unit", "add", cmd_unit_add,
        N_("CODE NAME --kind KIND [--province P] [--parent CODE] [--from DATE]"
           " [--to DATE] [--successor CODE]..."),
        N_("register a reporting unit")},
    {"unit", "amend", cmd_unit_amend,
        N_("CODE [--name NAME] [--parent CODE] [--from DATE] [--to DATE]"
           " [--successor CODE]... [--clear FIELD]..."),
        N_("change a unit's registration (administrator; FIELD: parent_code,"
           " valid_from, valid_to, successor_codes)")},
    {"unit", "list", cmd_unit_list, N_("[--province P] [--all]"),
        N_("list units (--all: with those that ended)")},
    {"unit", "import", cmd_unit_import, N_("FILE.csv"),
        N_("register the units of a registry file (code,name,kind,province,"
           "parent,valid_from,valid_to,successors)")},
    {"unit", "rate", cmd_unit_rate, N_("CODE [--year YYYY]"),
        N_("how often a unit answered the requests addressed to it")},
    {"partner", "list", cmd_partner_list, N_("[TEXT]"),
        N_("list the Lao partner TEXT names and what lies under it, or those "
           "whose names contain TEXT")},
    {"partner", "add", cmd_partner_add,
        N_("CODE NAME --latin NAME [--parent PROVINCE]"),
        N_("add a province or district to the gazetteer (administrator; "
           "audited)")},
    {"partner", "alias", cmd_partner_alias, N_("PARTNER ALIAS"),
        N_("add a spelling of a partner (administrator; audited)")},
    {"activity", "add", cmd_activity_add,
        N_("[--unit CODE] --partner P... --kind KIND --start DATE --title TEXT"
           " [--id ID] [--end DATE] [--field F]... [--place P] [--summary S]"
           " [--people N] [--leader L] [--result R] [--ref DOC]..."),
        N_("record an activity")},
    {"activity", "list", cmd_activity_list,
        N_("[--unit CODE] [--partner P] [--kind KIND] [--field F] [--from DATE]"
           " [--to DATE] [--text WORDS] [--withdrawn] [--limit N] [--csv]"),
        N_("list activities, oldest first (--csv: as hoptac import reads)")},
    {"activity", "show", cmd_activity_show, N_("ID"), N_("show one activity")},
    {"activity", "amend", cmd_activity_amend,
        N_("ID [--version N] [--queue] [any option of activity add]"),
        N_("change an activity (refused if it changed since version N)")},
    {"conflict", "list", cmd_conflict_list, N_("[--all]"),
        N_("amendments made offline that met a newer version")},
    {"conflict", "resolve", cmd_conflict_resolve,
        N_("ID --apply|--discard [--note TEXT]"),
        N_("let the kept amendment win, or the stored record stand")},
    {"activity", "withdraw", cmd_activity_withdraw,
        N_("ID [--reason TEXT] [--version N]"),
        N_("withdraw an activity (kept, excluded from counts)")},
    {"activity", "duplicates", cmd_activity_duplicates,
        N_("--from DATE --to DATE [--limit N]"),
        N_("pairs of records that are likely one event reported twice")},
    {"activity", "link", cmd_activity_link,
        N_("UNIT/ID UNIT/ID --same|--distinct [--note TEXT]"),
        N_("say whether two records are one event (counted once) or two")},
    {"import", NULL, cmd_import, N_("FILE.csv"),
        N_("submit the activities of a CSV file (docs/csv.md)")},
    {"request", "create", cmd_request_create,
        N_("REF --issuer UNIT --issued DATE --title TEXT --from DATE [--to "
           "DATE]"
           " --due DATE --unit CODE... [--partner P]..."),
        N_("issue a reporting request (công văn) to units")},
    {"request", "list", cmd_request_list, N_("[--unit CODE] [--open]"),
        N_("list requests (--open: those the unit, or any unit asked, has "
           "still to answer)")},
    {"request", "show", cmd_request_show, N_("REF"), N_("show one request")},
    {"request", "status", cmd_request_status, N_("REF"),
        N_("who answered, on time or late, and who did not")},
    {"report", "template", cmd_report_template,
        N_("--request REF [--unit CODE]"),
        N_("print a report file to fill in (docs/report-format.md)")},
    {"report", "submit", cmd_report_submit,
        N_("FILE [--request REF] [--filed DATE] [--received DATE]"),
        N_("send a report file; prints the figures from the records")},
    {"report", "import", cmd_report_import,
        N_("FILE [--unit CODE] [--request REF] [--output OUT] [--activities "
           "CSV] "
           "[--text]"),
        N_("read a report document (.txt, .docx) into a report file to check")},
    {"report", "check", cmd_report_check,
        N_("FILE [--request REF] [--filed DATE]"),
        N_("what report submit would answer, without sending")},
    {"report", "show", cmd_report_show, N_("REF [--unit CODE] [--revision N]"),
        N_("show a report, its status and figures")},
    {"report", "list", cmd_report_list,
        N_("[--request REF] [--unit CODE] [--all-revisions]"),
        N_("list reports and their review status")},
    {"report", "return", cmd_report_return,
        N_("REF --unit CODE --reason TEXT [--revision N] [--received DATE]"),
        N_("return a report to its office, with the reason")},
    {"report", "accept", cmd_report_accept,
        N_("REF --unit CODE [--revision N] [--received DATE]"),
        N_("accept a report (--received: the day its paper arrived)")},
    {"summary", NULL, cmd_summary,
        N_("[--request REF | --from DATE --to DATE] [--unit CODE] [--partner P]"
           " [--kind KIND]"
           " [--by DIM,...] [--rollup] [--csv | --format table|csv|md|json]"
           " [--lang vi|en]"),
        N_("figures grouped by unit, partner, kind, field, year, quarter, "
           "month")},
    {"admin", "issue", cmd_admin_issue,
        N_("--name NAME --role ROLE[,ROLE] [--unit CODE] [--expires DATE]"
           " [--output FILE]"),
        N_("issue a credential (office needs --unit); its token is shown "
           "once")},
    {"admin", "list", cmd_admin_list, N_("[--unit CODE] [--all]"),
        N_("list credentials (--all: with revoked and expired ones)")},
    {"admin", "revoke", cmd_admin_revoke, N_("ID"),
        N_("revoke a credential; it is refused from the next call")},
    {"whoami", NULL, cmd_whoami, "",
        N_("the credential in use: its id, holder, roles and unit")},
    {"audit", "archive", cmd_audit_archive, N_("--until DATE --output FILE"),
        N_("keep the audit trail up to DATE in FILE (and FILE.sha256), then "
           "remove it from the server")},
    {"audit", NULL, cmd_audit,
        N_("[--credential ID] [--unit CODE] [--method M] [--refused]"
           " [--since DATE] [--until DATE] [--limit N]"),
        N_("search the audit trail of changes and refused calls")},
    {"consolidate", NULL, cmd_consolidate,
        N_("--request REF [--format md|html|docx|csv|json] [--output FILE]"
           " [--number N] [--date DATE] [--place P] [--superior AGENCY]"
           " [--title LINE]... [--signer NAME] [--recipient R]... [--annex]"),
        N_("the consolidated report (báo cáo tổng hợp) of a request")},
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
		    c->verb ? " " : "", c->verb ? c->verb : "",
		    c->usage[0] != '\0' ? _(c->usage) : "", _(c->summary));
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

			while (
			    k < i && strcmp(cli_commands[k].noun, c->noun) != 0)
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
				    _("--timeout takes 1 to 600000 "
				      "milliseconds"));
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
