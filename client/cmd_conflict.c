/* hoptac conflict list|resolve: the department's side of amendments made
 * offline against versions that changed since. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
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

int
cmd_conflict_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"all", no_argument, NULL, 'a'},
	    {NULL, 0, NULL, 0},
	};
	static const char *const headers[] = {"ID", "ACTIVITY", "AMENDED",
	    "STORED", "STATE", "PROPOSED TITLE", "NOTE"};
	Hoptac__V1__ListConflictsRequest req =
	    HOPTAC__V1__LIST_CONFLICTS_REQUEST__INIT;
	Hoptac__V1__ListConflictsResponse *resp;
	struct table *t;
	int ch, rc;

	req.open_only = 1;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'a') {
			cli_usage("conflict", "list", 1);
			return CLI_USAGE;
		}
		req.open_only = 0;
	}
	if (optind != argc) {
		cli_usage("conflict", "list", 1);
		return CLI_USAGE;
	}
	rc = cli_fetch(
	    cli, METHOD_CONFLICTS_LIST, &req.base, (ProtobufCMessage **)&resp);
	if (rc != CLI_OK || resp == NULL)
		return rc;
	if ((t = table_create(7, headers)) == NULL) {
		rc = cli_fail(CLI_ERROR, "out of memory");
		goto out;
	}
	table_set_max_width(t, 5, 50);
	for (size_t i = 0; i < resp->n_conflicts; i++) {
		const Hoptac__V1__ActivityConflict *x = resp->conflicts[i];
		char id[24], amended[24], stored[24];

		snprintf(id, sizeof(id), "%lld", (long long)x->id);
		snprintf(amended, sizeof(amended), "v%lld",
		    (long long)x->expected_version);
		snprintf(stored, sizeof(stored), "v%lld",
		    (long long)x->stored_version);
		table_add_row(t,
		    (const char *const[]) {id, x->activity_id, amended, stored,
		        cmd_conflict_state(x->state),
		        x->proposed ? x->proposed->title : "", x->resolution});
	}
	table_print(t, stdout);
	table_destroy(t);
out:
	hoptac__v1__list_conflicts_response__free_unpacked(resp, NULL);
	return rc;
}

int
cmd_conflict_resolve(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"apply", no_argument, NULL, 'a'},
	    {"discard", no_argument, NULL, 'd'},
	    {"note", required_argument, NULL, 'n'},
	    {NULL, 0, NULL, 0},
	};
	Hoptac__V1__ResolveConflictRequest req =
	    HOPTAC__V1__RESOLVE_CONFLICT_REQUEST__INIT;
	Hoptac__V1__ResolveConflictResponse *resp;
	int ch, rc, chosen = 0;
	long id;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'a' || ch == 'd') {
			req.apply = ch == 'a';
			chosen++;
		} else if (ch == 'n') {
			req.note = optarg;
		} else {
			cli_usage("conflict", "resolve", 1);
			return CLI_USAGE;
		}
	}
	if (argc - optind != 1 || chosen != 1 ||
	    (id = cli_number(argv[optind])) <= 0) {
		cli_usage("conflict", "resolve", 1);
		return cli_fail(CLI_USAGE,
		    "give the conflict's id and one of "
		    "--apply or --discard");
	}
	req.id = id;
	rc = cli_call(cli, METHOD_CONFLICTS_RESOLVE, &req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	if (cli->json)
		rc = cli_print_json(&resp->base);
	else
		printf("conflict %ld %s; %s is at version %lld\n", id,
		    cmd_conflict_state(resp->conflict->state),
		    resp->activity->id, (long long)resp->activity->version);
	hoptac__v1__resolve_conflict_response__free_unpacked(resp, NULL);
	return rc;
}
