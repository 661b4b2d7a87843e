/* hoptac conflict list|resolve: the department's side of amendments made
 * offline against versions that changed since. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_i18n.h"
#include "hoptac/v1/services.pb-c.h"
#include "table.h"

static const char *
cmd_conflict_state(int state)
{
	switch (state) {
	case HOPTAC__V1__CONFLICT_STATE__CONFLICT_STATE_OPEN:
		return "open";
	case HOPTAC__V1__CONFLICT_STATE__CONFLICT_STATE_APPLIED:
		return "applied";
	case HOPTAC__V1__CONFLICT_STATE__CONFLICT_STATE_DISCARDED:
		return "discarded";
	default:
		return "";
	}
}

static int
cmd_conflict_list_option(void *ctx, int ch, char *arg)
{
	Hoptac__V1__ListConflictsRequest *req = ctx;

	(void)ch;
	(void)arg;
	req->open_only = 0;
	return CLI_OK;
}

static void
cmd_conflict_row(struct table *t, const void *item)
{
	const Hoptac__V1__ActivityConflict *x = item;
	char id[24], amended[24], stored[24];

	snprintf(id, sizeof(id), "%lld", (long long)x->id);
	snprintf(
	    amended, sizeof(amended), "v%lld", (long long)x->expected_version);
	snprintf(stored, sizeof(stored), "v%lld", (long long)x->stored_version);
	table_add_row(t,
	    (const char *const[]) {id, x->activity_id, amended, stored,
	        cmd_conflict_state(x->state),
	        x->proposed ? x->proposed->title : "", x->resolution});
}

int
cmd_conflict_list(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_SWITCH("all", 'a'), CLI_OPTIONS_END};
	static const char *const headers[] = {N_("ID"), N_("ACTIVITY"),
	    N_("AMENDED"), N_("STORED"), N_("STATE"), N_("PROPOSED TITLE"),
	    N_("NOTE")};
	static const struct cli_args args = {
	    opts, cmd_conflict_list_option, 0, 0, 0, 0};
	static const size_t widths[] = {0, 0, 0, 0, 0, 50, 0};
	static const struct cli_list list = {&args, METHOD_CONFLICTS_LIST,
	    "conflicts", 7, headers, widths, cmd_conflict_row, NULL, NULL};
	Hoptac__V1__ListConflictsRequest req =
	    HOPTAC__V1__LIST_CONFLICTS_REQUEST__INIT;

	req.open_only = 1;
	return cli_list(cli, &list, argc, argv, &req.base);
}

/* What conflict resolve takes: the request, and how many of --apply and
 * --discard were given (one is). */
struct cmd_conflict_resolve {
	Hoptac__V1__ResolveConflictRequest req;
	int chosen;
};

static int
cmd_conflict_resolve_option(void *ctx, int ch, char *arg)
{
	struct cmd_conflict_resolve *r = ctx;

	(void)arg;
	r->req.apply = ch == 'a';
	r->chosen++;
	return CLI_OK;
}

static int
cmd_conflict_resolved(const ProtobufCMessage *q, const ProtobufCMessage *m)
{
	const Hoptac__V1__ResolveConflictRequest *req = (const void *)q;
	const Hoptac__V1__ResolveConflictResponse *resp = (const void *)m;

	printf(_("conflict %ld %s; %s is at version %lld\n"), (long)req->id,
	    cmd_conflict_state(resp->conflict->state), resp->activity->id,
	    (long long)resp->activity->version);
	return CLI_OK;
}

int
cmd_conflict_resolve(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_SWITCH("apply", 'a'),
	    CLI_SWITCH("discard", 'd'),
	    CLI_STRING("note", struct cmd_conflict_resolve, req.note),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {
	    opts, cmd_conflict_resolve_option, 0, -1, 0, 0};
	static const struct cli_show show = {
	    NULL, METHOD_CONFLICTS_RESOLVE, NULL, cmd_conflict_resolved};
	struct cmd_conflict_resolve r = {
	    HOPTAC__V1__RESOLVE_CONFLICT_REQUEST__INIT, 0};
	char **rest;
	long id;
	int rc;

	if ((rc = cli_parse(cli, &args, &r, argc, argv, &rest)) != CLI_OK)
		return rc;
	if (rest[0] == NULL || rest[1] != NULL || r.chosen != 1 ||
	    (id = cli_number(rest[0])) <= 0) {
		cli_usage_error(cli);
		return cli_fail(CLI_USAGE,
		    _("give the conflict's id and one of "
		      "--apply or --discard"));
	}
	r.req.id = id;
	return cli_show(cli, &show, &r.req.base);
}
