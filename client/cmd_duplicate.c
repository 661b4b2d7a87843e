/* hoptac activity duplicates|link: the department's review of records
 * that are likely one event reported twice (docs/duplicates.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_i18n.h"
#include "hoptac/v1/services.pb-c.h"
#include "table.h"

#define CMD_SAME HOPTAC__V1__LINK_VERDICT__LINK_VERDICT_SAME_EVENT

static int
cmd_duplicate_list_option(void *ctx, int ch, char *arg)
{
	Hoptac__V1__ListDuplicatesRequest *req = ctx;
	long n = cli_number(arg);

	(void)ch;
	if (n <= 0 || n > 1000)
		return cli_fail(
		    CLI_USAGE, _("--limit takes a number, 1 to 1000"));
	req->page_size = (uint32_t)n;
	return CLI_OK;
}

static void
cmd_duplicate_row(struct table *t, const void *item)
{
	const Hoptac__V1__DuplicatePair *p = item;
	char score[8], a[160], b[160];

	snprintf(score, sizeof(score), "%d", p->score);
	snprintf(a, sizeof(a), "%s/%s", p->a ? p->a->unit_code : "",
	    p->a ? p->a->id : "");
	snprintf(b, sizeof(b), "%s/%s", p->b ? p->b->unit_code : "",
	    p->b ? p->b->id : "");
	table_add_row(t,
	    (const char *const[]) {score, a, b,
	        p->verdict == CMD_SAME ? "đã gộp" : "", p->a ? p->a->title : "",
	        p->reason});
}

/* Says how many pairs the page left out. */
static int
cmd_duplicate_foot(const ProtobufCMessage *q, const ProtobufCMessage *m)
{
	const Hoptac__V1__ListDuplicatesResponse *resp = (const void *)m;

	(void)q;
	if (resp->total > resp->n_pairs)
		printf(_("%zu of %llu pairs (--limit for more)\n"),
		    resp->n_pairs, (unsigned long long)resp->total);
	return CLI_OK;
}

int
cmd_activity_duplicates(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING("from", Hoptac__V1__ListDuplicatesRequest, from_date),
	    CLI_STRING("to", Hoptac__V1__ListDuplicatesRequest, to_date),
	    CLI_VALUE("limit", 'L'),
	    CLI_OPTIONS_END,
	};
	static const char *const headers[] = {
	    N_("SCORE"), "A", "B", N_("LINKED"), N_("TITLE"), N_("REASON")};
	static const struct cli_args args = {
	    opts, cmd_duplicate_list_option, 0, 0, 0, 0};
	static const size_t widths[] = {0, 0, 0, 0, 40, 0};
	static const struct cli_list list = {&args,
	    METHOD_ACTIVITIES_DUPLICATES, "pairs", 6, headers, widths,
	    cmd_duplicate_row, NULL, cmd_duplicate_foot};
	Hoptac__V1__ListDuplicatesRequest req =
	    HOPTAC__V1__LIST_DUPLICATES_REQUEST__INIT;

	req.page_size = 1000;
	return cli_list(cli, &list, argc, argv, &req.base);
}

/* What activity link takes: the request, its two records, and how many
 * of --same and --distinct were given (one is). */
struct cmd_duplicate_link {
	Hoptac__V1__LinkActivitiesRequest req;
	Hoptac__V1__ActivityRef a, b;
	int chosen;
};

static int
cmd_duplicate_link_option(void *ctx, int ch, char *arg)
{
	struct cmd_duplicate_link *l = ctx;

	(void)arg;
	l->req.verdict = ch == 's'
	    ? CMD_SAME
	    : HOPTAC__V1__LINK_VERDICT__LINK_VERDICT_DISTINCT;
	l->chosen++;
	return CLI_OK;
}

/* "UNIT/ID" into r, pointing into s (cut at the '/'): 0, or -1. */
static int
cmd_duplicate_ref(char *s, Hoptac__V1__ActivityRef *r)
{
	char *slash = strchr(s, '/');

	if (slash == NULL || slash == s || slash[1] == '\0')
		return -1;
	*slash = '\0';
	r->unit_code = s;
	r->id = slash + 1;
	return 0;
}

static int
cmd_duplicate_linked(const ProtobufCMessage *q, const ProtobufCMessage *m)
{
	const Hoptac__V1__LinkActivitiesResponse *resp = (const void *)m;
	const Hoptac__V1__ActivityLink *l = resp->link;

	(void)q;
	if (l == NULL || l->a == NULL || l->b == NULL)
		return CLI_OK;
	printf(_("%s/%s and %s/%s: %s\n"), l->a->unit_code, l->a->id,
	    l->b->unit_code, l->b->id,
	    l->verdict == CMD_SAME ? _("one event, counted once")
	                           : _("two different events"));
	return CLI_OK;
}

int
cmd_activity_link(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_SWITCH("same", 's'),
	    CLI_SWITCH("distinct", 'd'),
	    CLI_STRING("note", struct cmd_duplicate_link, req.note),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {
	    opts, cmd_duplicate_link_option, 0, -1, 0, 0};
	static const struct cli_show show = {
	    NULL, METHOD_ACTIVITIES_LINK, NULL, cmd_duplicate_linked};
	struct cmd_duplicate_link l = {
	    HOPTAC__V1__LINK_ACTIVITIES_REQUEST__INIT,
	    HOPTAC__V1__ACTIVITY_REF__INIT, HOPTAC__V1__ACTIVITY_REF__INIT, 0};
	char **rest;
	int rc;

	if ((rc = cli_parse(cli, &args, &l, argc, argv, &rest)) != CLI_OK)
		return rc;
	if (rest[0] == NULL || rest[1] == NULL || rest[2] != NULL ||
	    l.chosen != 1 || cmd_duplicate_ref(rest[0], &l.a) != 0 ||
	    cmd_duplicate_ref(rest[1], &l.b) != 0) {
		cli_usage_error(cli);
		return cli_fail(CLI_USAGE,
		    _("give two records as UNIT/ID and one of --same or "
		      "--distinct"));
	}
	l.req.a = &l.a;
	l.req.b = &l.b;
	return cli_show(cli, &show, &l.req.base);
}
