/*
 * Refusals as a person reads them: what went wrong first, then the
 * details, named by the options the person typed rather than by the
 * protocol's fields, then what to do about it. The status names of the
 * protocol are for scripts and for -v.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_i18n.h"
#include "gazetteer.h"
#include "status.h"
#include "tokenfile.h"
#include "validate.h"

/* The options that set each field of the protocol's messages, where a
 * command has them. */
static const struct {
	const char *field, *option;
} cli_error_fields[] = {
    {"unit_code", "unit"},
    {"unit_codes", "unit"},
    {"partner_codes", "partner"},
    {"partner", "partner"},
    {"start_date", "start"},
    {"end_date", "end"},
    {"from_date", "from"},
    {"to_date", "to"},
    {"period_from", "from"},
    {"period_to", "to"},
    {"due_on", "due"},
    {"issued_on", "issued"},
    {"document_refs", "ref"},
    {"fields", "field"},
    {"request_reference", "request"},
    {"kind", "kind"},
    {"place", "place"},
    {"title", "title"},
    {"summary", "summary"},
    {"people", "people"},
    {"leader", "leader"},
    {"result", "result"},
    {"reason", "reason"},
    {"name", "name"},
    {"id", "id"},
};

/* The options of a date, whose refusals get the accepted forms. */
static const char *const cli_error_dates[] = {
    "start", "end", "from", "to", "due", "issued", "filed", "received"};

/* The option of the running command that sets field ("activities[0].
 * start_date" -> "start"); NULL when it has none. */
static const char *
cli_error_option(const struct cli *cli, const char *field)
{
	const char *last = strrchr(field, '.');
	size_t len;

	last = last != NULL ? last + 1 : field;
	len = strcspn(last, "[");
	for (size_t i = 0;
	     i < sizeof(cli_error_fields) / sizeof(cli_error_fields[0]); i++) {
		const char *f = cli_error_fields[i].field;

		if (strlen(f) != len || strncmp(f, last, len) != 0)
			continue;
		for (size_t k = 0;
		     cli->options != NULL && cli->options[k].name != NULL; k++)
			if (strcmp(cli->options[k].name,
			        cli_error_fields[i].option) == 0)
				return cli_error_fields[i].option;
		return NULL;
	}
	return NULL;
}

static int
cli_error_is_date(const char *option)
{
	for (size_t i = 0;
	     i < sizeof(cli_error_dates) / sizeof(cli_error_dates[0]); i++)
		if (strcmp(option, cli_error_dates[i]) == 0)
			return 1;
	return 0;
}

/* Under "unknown partner \"Sekonh\"": the partner whose name, Latin
 * name or alias is nearest ("Sê Kông"), from the gazetteer. */
static void
cli_error_partner(const char *description)
{
	static const char lead[] = "unknown partner \"";
	const struct gazetteer_partner *const *all;
	const char **names = NULL; /* into the gazetteer's strings; freed */
	const struct gazetteer_partner **owner = NULL; /* freed */
	const char *near = NULL, *end;
	char typed[128];
	size_t n = 0, count, cap;

	if (strncmp(description, lead, sizeof(lead) - 1) != 0)
		return;
	description += sizeof(lead) - 1;
	if ((end = strrchr(description, '"')) == NULL)
		return;
	snprintf(typed, sizeof(typed), "%.*s", (int)(end - description),
	    description);
	all = gazetteer_list(&count);
	cap = count * 3;
	for (size_t i = 0; i < count; i++)
		for (size_t k = 0; all[i]->aliases && all[i]->aliases[k]; k++)
			cap++;
	names = calloc(cap + 1, sizeof(*names));
	owner = calloc(cap + 1, sizeof(*owner));
	for (size_t i = 0; names != NULL && owner != NULL && i < count; i++) {
		const struct gazetteer_partner *p = all[i];

		owner[n] = p;
		names[n++] = p->name;
		if (p->name_latin != NULL) {
			owner[n] = p;
			names[n++] = p->name_latin;
		}
		for (size_t k = 0; p->aliases && p->aliases[k]; k++) {
			owner[n] = p;
			names[n++] = p->aliases[k];
		}
	}
	if (names != NULL && owner != NULL)
		near = cli_suggest(typed, names, n);
	for (size_t i = 0; near != NULL && i < n; i++)
		if (names[i] == near) {
			fprintf(stderr, _("    did you mean \"%s\" (%s)?\n"),
			    owner[i]->name, owner[i]->code);
			break;
		}
	free(names);
	free(owner);
}

/* The details, one a line; returns whether one of them is a date's. */
static int
cli_error_details(const struct cli *cli, const struct violations *v)
{
	int date = 0;

	for (size_t i = 0; i < v->count; i++) {
		const char *opt = cli != NULL && !cli->verbose && !cli->json
		    ? cli_error_option(cli, v->items[i].field)
		    : NULL;
		char said[1024];
		const char *text = cli_remote_text(
		    v->items[i].description, said, sizeof(said));

		if (opt != NULL) {
			fprintf(stderr, "  --%s: %s\n", opt, text);
			date |= cli_error_is_date(opt);
			if (strcmp(opt, "partner") == 0)
				cli_error_partner(v->items[i].description);
		} else {
			fprintf(stderr, "  %s: %s\n", v->items[i].field, text);
		}
	}
	if (v->dropped > 0)
		fprintf(stderr, _("  (%zu more)\n"), v->dropped);
	return date;
}

/* What a person can do about a refusal of this kind; answered: the
 * server's own (rpc_client_status), which says itself what to do. */
static void
cli_error_hint(const struct cli *cli, int code, int answered, int date)
{
	char source[1200], said[1400];

	if (date)
		fputs(_("hint: dates are written as documents write them: "
		        "02/5/2024, 5/2024, 2024, ngày 02 tháng 5 năm 2024, "
		        "tháng 5/2024, quý III/2025, 2023 – 2025, or "
		        "2024-05-02\n"),
		    stderr);
	switch (code) {
	case STATUS_UNAVAILABLE:
	case STATUS_DEADLINE_EXCEEDED:
		if (answered)
			break; /* not the link: the server said why */
		fprintf(stderr,
		    _("hint: no answer from %s; name the server with --server "
		      "URL, $HOPTAC_SERVER or \"server =\" in "
		      "~/.config/hoptac/hoptac.conf\n"),
		    cli != NULL && cli->server != NULL ? cli->server
		                                       : _("the server"));
		break;
	case STATUS_UNAUTHENTICATED:
		tokenfile_source(TOKENFILE_ENV, source, sizeof(source));
		fprintf(stderr,
		    _("hint: the credential was read from %s; ask the "
		      "department's administrator for a new one (hoptac admin "
		      "issue) and keep it in ~/.config/hoptac/token, mode "
		      "0600\n"),
		    cli_remote_text(source, said, sizeof(said)));
		break;
	case STATUS_PERMISSION_DENIED:
		fputs(_("hint: your credential's role or unit does not allow "
		        "this; hoptac whoami shows them, and the department's "
		        "administrator issues credentials with other roles "
		        "(hoptac admin issue --role)\n"),
		    stderr);
		break;
	default:
		break;
	}
}

/* message with the method it names ("/hoptac.v1.Credentials/List") as
 * the command typed ("hoptac admin list"), for people; as it is for -v
 * and --json. Written into buf when changed. */
static const char *
cli_error_command(
    const struct cli *cli, const char *message, char *buf, size_t len)
{
	const char *path = strstr(message, "/hoptac.v1.");
	const struct cli_command *c;
	size_t end;

	if (cli == NULL || cli->verbose || cli->json || cli->command == NULL ||
	    path == NULL)
		return message;
	c = cli->command;
	end = strcspn(path, " ;,)");
	snprintf(buf, len, "%.*shoptac %s%s%s%s", (int)(path - message),
	    message, c->noun, c->verb ? " " : "", c->verb ? c->verb : "",
	    path + end);
	return buf;
}

/* Whether the server's message only repeats its first detail by field
 * ("from_date must be a date such as ...", "... (and 2 more)"): people
 * then read a headline of their own, the details by option under it;
 * -v and --json keep the server's words. */
static int
cli_error_repeats_detail(
    const struct cli *cli, const struct rpc_client_status *st)
{
	const struct violation *first;
	size_t len;

	if (cli == NULL || cli->verbose || cli->json ||
	    st->code != STATUS_INVALID_ARGUMENT || st->violations.count == 0)
		return 0;
	first = &st->violations.items[0];
	len = strlen(first->field);
	return strncmp(st->message, first->field, len) == 0 &&
	    st->message[len] == ' ' &&
	    strncmp(st->message + len + 1, first->description,
	        strlen(first->description)) == 0;
}

const char *
cli_status_tag(const struct cli *cli, int code)
{
	static char tag[64];

	if (cli == NULL || !(cli->verbose || cli->json))
		return "";
	snprintf(tag, sizeof(tag), "%s: ", status_name(code));
	return tag;
}

void
cli_print_status(struct cli *cli, const struct rpc_client_status *st)
{
	char said[1024], named[600];
	const char *headline;
	int date;

	headline = cli_remote_text(
	    cli_error_command(cli, st->message, named, sizeof(named)), said,
	    sizeof(said));

	if (cli_error_repeats_detail(cli, st))
		headline = _("the values given are not valid");
	fprintf(
	    stderr, "hoptac: %s%s\n", cli_status_tag(cli, st->code), headline);
	date = cli_error_details(cli, &st->violations);
	cli_error_hint(cli, st->code, st->answered, date);
}

int
cli_invalid(struct cli *cli, const struct violations *v, const char *what)
{
	int date;

	fprintf(stderr, "hoptac: %s%s\n",
	    cli_status_tag(cli, STATUS_INVALID_ARGUMENT), what);
	date = cli_error_details(cli, v);
	cli_error_hint(cli, STATUS_INVALID_ARGUMENT, 0, date);
	return CLI_INVALID;
}

/* A --kind that names no kind: the nearest one, and the list. */
int
cli_bad_kind(const char *arg)
{
	const char *words[64], *near;

	near = cli_suggest(arg, words, validate_activity_kind_words(words, 64));
	cli_fail(0, _("--kind \"%s\" is not a kind of activity"), arg);
	if (near != NULL)
		fprintf(stderr, _("  did you mean \"%s\"?\n"), near);
	fputs(_("  the kinds: đoàn ra, đoàn vào, hội nghị, ký kết, tuần tra, "
	        "thông tin, dự án, đào tạo, khác (or delegation_out, "
	        "delegation_in, conference, agreement, border_work, "
	        "information, project_aid, training, other)\n"),
	    stderr);
	return CLI_USAGE;
}
