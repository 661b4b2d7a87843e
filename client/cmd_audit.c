/* hoptac audit: the department searches the trail of mutating and refused
 * calls, newest first. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hoptac/v1/auth.pb-c.h"
#include "status.h"
#include "table.h"

int
cmd_audit(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"credential", required_argument, NULL, 'c'},
	    {"unit", required_argument, NULL, 'u'},
	    {"method", required_argument, NULL, 'm'},
	    {"refused", no_argument, NULL, 'r'},
	    {"since", required_argument, NULL, 's'},
	    {"until", required_argument, NULL, 't'},
	    {"limit", required_argument, NULL, 'l'},
	    {NULL, 0, NULL, 0},
	};
	static const char *const headers[] = {"SEQ", "TIME", "WHO", "ROLES",
	    "UNIT", "METHOD", "TARGET", "STATUS", "PEER", "MESSAGE"};
	Hoptac__V1__SearchAuditRequest req =
	    HOPTAC__V1__SEARCH_AUDIT_REQUEST__INIT;
	Hoptac__V1__SearchAuditResponse *resp;
	struct table *t;
	long limit;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			req.credential_id = optarg;
			break;
		case 'u':
			req.unit_code = optarg;
			break;
		case 'm':
			req.method = optarg;
			break;
		case 'r':
			req.refused_only = 1;
			break;
		case 's':
			req.since = optarg;
			break;
		case 't':
			req.until = optarg;
			break;
		case 'l':
			if ((limit = cli_number(optarg)) <= 0 || limit > 1000)
				return cli_fail(
				    CLI_USAGE, "--limit takes 1 to 1000");
			req.page_size = (int32_t)limit;
			break;
		default:
			cli_usage("audit", NULL, 1);
			return CLI_USAGE;
		}
	}
	if (optind != argc) {
		cli_usage("audit", NULL, 1);
		return CLI_USAGE;
	}
	rc = cli_fetch(
	    cli, METHOD_AUDIT_SEARCH, &req.base, (ProtobufCMessage **)&resp);
	if (rc != CLI_OK || resp == NULL)
		return rc;
	if ((t = table_create(10, headers)) == NULL) {
		rc = cli_fail(CLI_ERROR, "out of memory");
		goto out;
	}
	table_set_max_width(t, 6, 40);
	table_set_max_width(t, 9, 60);
	for (size_t i = 0; i < resp->n_entries; i++) {
		const Hoptac__V1__AuditEntry *e = resp->entries[i];
		char seq[24], when[32];

		snprintf(seq, sizeof(seq), "%lld", (long long)e->seq);
		cli_when(e->at_ms, when, sizeof(when));
		table_add_row(t,
		    (const char *const[]) {seq, when,
		        e->credential_id[0] ? e->credential_id : "-", e->roles,
		        e->unit_code, e->method, e->target,
		        status_name(e->status), e->peer, e->message});
	}
	table_print(t, stdout);
	if (resp->next_page_token[0] != '\0')
		printf("(more: narrow the search, or raise --limit)\n");
	table_destroy(t);
out:
	hoptac__v1__search_audit_response__free_unpacked(resp, NULL);
	return rc;
}
