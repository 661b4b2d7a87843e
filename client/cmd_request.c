/* hoptac request create|list|show|status: the department's công văn. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "table.h"
#include "validate.h"

int
cmd_request_create(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"issuer", required_argument, NULL, 'I'},
	    {"issued", required_argument, NULL, 'i'},
	    {"title", required_argument, NULL, 't'},
	    {"partner", required_argument, NULL, 'p'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 'T'},
	    {"due", required_argument, NULL, 'd'},
	    {"unit", required_argument, NULL, 'u'},
	    {NULL, 0, NULL, 0},
	};
	Hoptac__V1__CreateRequestRequest req =
	    HOPTAC__V1__CREATE_REQUEST_REQUEST__INIT;
	Hoptac__V1__CreateRequestResponse *resp = NULL;
	Hoptac__V1__ReportingRequest *r = malloc(sizeof(*r)); /* freed at out */
	struct violations v;
	int ch, bad = 0, rc = CLI_USAGE;

	if (r == NULL)
		return cli_fail(CLI_ERROR, "out of memory");
	hoptac__v1__reporting_request__init(r);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'I':
			bad |= pbstr_set(&r->issuer_unit, optarg);
			break;
		case 'i':
			bad |= pbstr_set(&r->issued_on, optarg);
			break;
		case 't':
			bad |= pbstr_set(&r->title, optarg);
			break;
		case 'p':
			bad |= pbstr_append(
			    &r->n_partner_scope, &r->partner_scope, optarg);
			break;
		case 'f':
			bad |= pbstr_set(&r->period_from, optarg);
			break;
		case 'T':
			bad |= pbstr_set(&r->period_to, optarg);
			break;
		case 'd':
			bad |= pbstr_set(&r->due_on, optarg);
			break;
		case 'u':
			bad |= pbstr_append(
			    &r->n_unit_codes, &r->unit_codes, optarg);
			break;
		default:
			cli_usage("request", "create", 1);
			goto out;
		}
	}
	if (argc - optind != 1) {
		cli_usage("request", "create", 1);
		goto out;
	}
	if (bad || pbstr_set(&r->reference, argv[optind]) != 0) {
		rc = cli_fail(CLI_ERROR, "out of memory");
		goto out;
	}
	violations_init(&v);
	if (validate_request(r, NULL, &v) > 0) {
		rc = cli_invalid(&v, "the request is not valid");
		goto out;
	}
	req.request = r;
	rc = cli_call(cli, METHOD_REQUESTS_CREATE, &req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc == CLI_OK) {
		if (cli->json)
			rc = cli_print_json(&resp->base);
		else
			printf("request %s created: %zu units asked, due %s\n",
			    resp->request->reference,
			    resp->request->n_unit_codes, resp->request->due_on);
	}
out:
	if (resp != NULL)
		hoptac__v1__create_request_response__free_unpacked(resp, NULL);
	hoptac__v1__reporting_request__free_unpacked(r, NULL);
	return rc;
}

int
cmd_request_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"unit", required_argument, NULL, 'u'},
	    {"open", no_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	static const char *const headers[] = {"REFERENCE", "ISSUED", "DUE",
	    "PERIOD", "PARTNERS", "UNITS", "TITLE"};
	Hoptac__V1__ListRequestsRequest req =
	    HOPTAC__V1__LIST_REQUESTS_REQUEST__INIT;
	Hoptac__V1__ListRequestsResponse *resp;
	struct table *t;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'u') {
			req.unit_code = optarg;
		} else if (ch == 'o') {
			req.open_only = 1;
		} else {
			cli_usage("request", "list", 1);
			return CLI_USAGE;
		}
	}
	if (optind != argc) {
		cli_usage("request", "list", 1);
		return CLI_USAGE;
	}
	rc = cli_fetch(
	    cli, METHOD_REQUESTS_LIST, &req.base, (ProtobufCMessage **)&resp);
	if (rc != CLI_OK || resp == NULL)
		return rc;
	if ((t = table_create(7, headers)) == NULL) {
		rc = cli_fail(CLI_ERROR, "out of memory");
		goto out;
	}
	table_set_max_width(t, 6, 60);
	for (size_t i = 0; i < resp->n_requests; i++) {
		const Hoptac__V1__ReportingRequest *r = resp->requests[i];
		char period[64], partners[256], units[16];

		snprintf(period, sizeof(period), "%s – %s", r->period_from,
		    r->period_to[0] ? r->period_to : r->issued_on);
		cli_join(partners, sizeof(partners), r->partner_scope,
		    r->n_partner_scope, ",");
		snprintf(units, sizeof(units), "%zu", r->n_unit_codes);
		table_add_row(t,
		    (const char *const[]) {r->reference, r->issued_on,
		        r->due_on, period, partners[0] ? partners : "(all)",
		        units, r->title});
	}
	table_print(t, stdout);
	table_destroy(t);
out:
	hoptac__v1__list_requests_response__free_unpacked(resp, NULL);
	return rc;
}

int
cmd_request_show(struct cli *cli, int argc, char **argv)
{
	Hoptac__V1__GetRequestRequest req =
	    HOPTAC__V1__GET_REQUEST_REQUEST__INIT;
	Hoptac__V1__GetRequestResponse *resp;
	const Hoptac__V1__ReportingRequest *r;
	char buf[2048];
	int rc;

	if (argc != 2) {
		cli_usage("request", "show", 1);
		return CLI_USAGE;
	}
	req.reference = argv[1];
	rc = cli_call(cli, METHOD_REQUESTS_GET, &req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	r = resp->request;
	if (cli->json) {
		rc = cli_print_json(&r->base);
	} else {
		printf("reference: %s\n", r->reference);
		printf("issuer:    %s\n", r->issuer_unit);
		printf("issued:    %s\n", r->issued_on);
		printf("title:     %s\n", r->title);
		printf("period:    %s – %s\n", r->period_from,
		    r->period_to[0] ? r->period_to : r->issued_on);
		cli_join(buf, sizeof(buf), r->partner_scope, r->n_partner_scope,
		    ", ");
		printf("partners:  %s\n", buf[0] ? buf : "(all)");
		printf("due:       %s\n", r->due_on);
		cli_join(
		    buf, sizeof(buf), r->unit_codes, r->n_unit_codes, ", ");
		printf("units:     %s\n", buf);
	}
	hoptac__v1__get_request_response__free_unpacked(resp, NULL);
	return rc;
}

static const char *
cmd_request_timeliness(int t)
{
	switch (t) {
	case HOPTAC__V1__TIMELINESS__TIMELINESS_ON_TIME:
		return "on time";
	case HOPTAC__V1__TIMELINESS__TIMELINESS_DELIVERED_LATE:
		return "filed on time, received late";
	case HOPTAC__V1__TIMELINESS__TIMELINESS_LATE:
		return "late";
	default:
		return "not answered";
	}
}

const char *
cli_report_status_name(int status)
{
	switch (status) {
	case HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_SUBMITTED:
		return "submitted";
	case HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_RETURNED:
		return "returned";
	case HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_ACCEPTED:
		return "accepted";
	default:
		return "";
	}
}

/* Who answered a request, and when. */
int
cmd_request_status(struct cli *cli, int argc, char **argv)
{
	static const char *const headers[] = {
	    "UNIT", "NAME", "ANSWER", "NIL", "REVISION", "STATUS", "SIGNED"};
	Hoptac__V1__CompletenessRequest req =
	    HOPTAC__V1__COMPLETENESS_REQUEST__INIT;
	Hoptac__V1__CompletenessResponse *resp;
	struct table *t;
	int rc;

	if (argc != 2) {
		cli_usage("request", "status", 1);
		return CLI_USAGE;
	}
	req.request_reference = argv[1];
	rc = cli_fetch(cli, METHOD_AGGREGATES_COMPLETENESS, &req.base,
	    (ProtobufCMessage **)&resp);
	if (rc != CLI_OK || resp == NULL)
		return rc;
	if ((t = table_create(7, headers)) == NULL) {
		rc = cli_fail(CLI_ERROR, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < resp->n_entries; i++) {
		const Hoptac__V1__CompletenessEntry *e = resp->entries[i];
		char rev[16] = "";

		if (e->revision > 0)
			snprintf(rev, sizeof(rev), "%d", e->revision);
		table_add_row(t,
		    (const char *const[]) {e->unit_code, e->unit_name,
		        cmd_request_timeliness(e->timeliness),
		        e->revision > 0 ? (e->nil ? "yes" : "no") : "", rev,
		        cli_report_status_name(e->status), e->signed_on});
	}
	table_print(t, stdout);
	printf("%d asked: %d on time, %d filed on time but received late, "
	       "%d late, %d not answered; %d nil reports\n",
	    resp->expected, resp->on_time, resp->delivered_late, resp->late,
	    resp->missing, resp->nil_reports);
	table_destroy(t);
out:
	hoptac__v1__completeness_response__free_unpacked(resp, NULL);
	return rc;
}
