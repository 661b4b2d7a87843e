/*
 * hoptac report template|submit|show|list|return|accept: an office's
 * answer to a request, written as a plain-text file (docs/report-format.md),
 * and the department's review of it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "date.h"
#include "deliver.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "report_file.h"
#include "rpc.h"
#include "table.h"
#include "validate.h"

int
cmd_report_template(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"unit", required_argument, NULL, 'u'},
	    {NULL, 0, NULL, 0},
	};
	const char *unit = "";
	int ch;

	(void)cli;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'u') {
			cli_usage("report", "template", 1);
			return CLI_USAGE;
		}
		unit = optarg;
	}
	if (argc - optind != 1) {
		cli_usage("report", "template", 1);
		return CLI_USAGE;
	}
	if (report_file_template(stdout, argv[optind], unit) != 0)
		return cli_fail(CLI_ERROR, "could not write the template");
	return CLI_OK;
}

/* The figures as the seeds write them: "02 đoàn/10 người". */
static void
cmd_report_figures(
    const char *prefix, const char *label, const Hoptac__V1__Figures *f)
{
	if (f == NULL)
		return;
	printf("%s%s đoàn ra %02d đoàn/%02d người, đoàn vào %02d đoàn/%02d "
	       "người, hội nghị %d, thỏa thuận %d, hoạt động %d\n",
	    prefix, label, f->delegations_out, f->people_out, f->delegations_in,
	    f->people_in, f->conferences, f->agreements, f->activities);
}

/* The status and figures of a report; each line starts with prefix ("#
 * " when it heads a report file, so the file reads back). */
static void
cmd_report_outcome(const char *prefix, const Hoptac__V1__Report *r)
{
	printf("%sreport of %s to %s: revision %d, %s%s%s\n", prefix,
	    r->unit_code, r->request_reference, r->revision,
	    cli_report_status_name(r->status), r->review_reason[0] ? ": " : "",
	    r->review_reason);
	cmd_report_figures(prefix, "records: ", r->computed);
	cmd_report_figures(prefix, "declared:", r->declared);
	for (size_t i = 0; i < r->n_mismatches; i++)
		printf("%sMISMATCH %s: declared %d, the records give %d\n",
		    prefix, r->mismatches[i]->figure,
		    r->mismatches[i]->declared, r->mismatches[i]->computed);
}

/* Milliseconds at noon, Vietnam time, of a whole date: when an office
 * that enters a paper report later says it filed it. -1 if not a date. */
static int64_t
cmd_report_filed_ms(const char *text)
{
	struct date_partial d;

	if (date_parse(text, &d) != 0 || d.day == 0)
		return -1;
	return ((int64_t)date_first_day(&d) * 86400 + (int64_t)5 * 3600) * 1000;
}

int
cmd_report_submit(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"request", required_argument, NULL, 'q'},
	    {"filed", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	Hoptac__V1__SubmitReportRequest req =
	    HOPTAC__V1__SUBMIT_REPORT_REQUEST__INIT;
	Hoptac__V1__SubmitReportResponse *resp = NULL;
	Hoptac__V1__Report *r = NULL; /* owned; freed at out */
	struct report_file_error ferr;
	struct violations v;
	const char *request = NULL;
	int64_t filed = 0;
	char id[37], label[200];
	FILE *f;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'q') {
			request = optarg;
		} else if (ch == 'f') {
			if ((filed = cmd_report_filed_ms(optarg)) < 0)
				return cli_fail(CLI_USAGE,
				    "--filed takes a whole date, as 15/5/2024");
		} else {
			cli_usage("report", "submit", 1);
			return CLI_USAGE;
		}
	}
	if (argc - optind != 1) {
		cli_usage("report", "submit", 1);
		return CLI_USAGE;
	}
	if ((f = fopen(argv[optind], "r")) == NULL)
		return cli_fail(
		    CLI_INVALID, "%s: %s", argv[optind], strerror(errno));
	memset(&ferr, 0, sizeof(ferr));
	rc = report_file_read(f, &r, &ferr);
	fclose(f);
	if (rc != 0)
		return cli_fail(CLI_INVALID, "%s:%zu: %s", argv[optind],
		    ferr.line, ferr.message);
	/* The office's own clock says when it filed (or --filed, for a paper
	 * report entered later): timeliness tells a report filed on time and
	 * delivered late from one filed late. */
	r->submitted_at_ms = filed > 0 ? filed : rpc_wall_ms();
	rpc_new_id(id);
	if (pbstr_set(&r->id, id) != 0 ||
	    (request != NULL &&
	        pbstr_set(&r->request_reference, request) != 0)) {
		rc = cli_fail(CLI_ERROR, "out of memory");
		goto out;
	}
	violations_init(&v);
	if (validate_report(r, NULL, &v) > 0) {
		rc = cli_invalid(&v, "the report is not valid");
		goto out;
	}
	req.report = r;
	snprintf(label, sizeof(label), "report of %s to %s", r->unit_code,
	    r->request_reference);
	rc = deliver_now(cli, METHOD_REPORTS_SUBMIT, &req.base, label,
	    (ProtobufCMessage **)&resp);
	if (rc != CLI_OK)
		goto out;
	if (resp == NULL && cli->json)
		printf("{\"queued\":\"%s\"}\n", r->id);
	else if (resp == NULL)
		printf("%s queued\n", label);
	else if (cli->json)
		rc = cli_print_json(&resp->report->base);
	else
		cmd_report_outcome("", resp->report);
out:
	if (resp != NULL)
		hoptac__v1__submit_report_response__free_unpacked(resp, NULL);
	hoptac__v1__report__free_unpacked(r, NULL);
	return rc;
}

/* Parses "REF --unit CODE [--revision N]" for show, return and accept. */
static int
cmd_report_target(int argc, char **argv, const char *verb, char **ref,
    char **unit, int32_t *revision, char **reason)
{
	static const struct option opts[] = {
	    {"unit", required_argument, NULL, 'u'},
	    {"revision", required_argument, NULL, 'r'},
	    {"reason", required_argument, NULL, 'R'},
	    {NULL, 0, NULL, 0},
	};
	long n;
	int ch;

	*unit = NULL;
	*revision = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'u') {
			*unit = optarg;
		} else if (ch == 'r' && (n = cli_number(optarg)) > 0) {
			*revision = (int32_t)n;
		} else if (ch == 'R' && reason != NULL) {
			*reason = optarg;
		} else {
			cli_usage("report", verb, 1);
			return CLI_USAGE;
		}
	}
	if (argc - optind != 1 || *unit == NULL) {
		cli_usage("report", verb, 1);
		return CLI_USAGE;
	}
	*ref = argv[optind];
	return CLI_OK;
}

static int
cmd_report_fetch(struct cli *cli, const char *ref, const char *unit,
    int32_t revision, Hoptac__V1__GetReportResponse **out)
{
	Hoptac__V1__GetReportRequest req = HOPTAC__V1__GET_REPORT_REQUEST__INIT;

	req.request_reference = (char *)ref;
	req.unit_code = (char *)unit;
	req.revision = revision;
	return cli_call(
	    cli, METHOD_REPORTS_GET, &req.base, (ProtobufCMessage **)out, NULL);
}

int
cmd_report_show(struct cli *cli, int argc, char **argv)
{
	Hoptac__V1__GetReportResponse *resp;
	char *ref, *unit;
	int32_t revision;
	int rc =
	    cmd_report_target(argc, argv, "show", &ref, &unit, &revision, NULL);

	if (rc != CLI_OK)
		return rc;
	if ((rc = cmd_report_fetch(cli, ref, unit, revision, &resp)) != CLI_OK)
		return rc;
	if (cli->json) {
		rc = cli_print_json(&resp->report->base);
	} else {
		/* The status and figures as comments, then the report as its
		 * office wrote it: the file can be edited and sent again. */
		cmd_report_outcome("# ", resp->report);
		if (report_file_write(stdout, resp->report) != 0)
			rc = cli_fail(CLI_ERROR, "could not print the report");
	}
	hoptac__v1__get_report_response__free_unpacked(resp, NULL);
	return rc;
}

int
cmd_report_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"request", required_argument, NULL, 'q'},
	    {"unit", required_argument, NULL, 'u'},
	    {"all-revisions", no_argument, NULL, 'a'},
	    {NULL, 0, NULL, 0},
	};
	static const char *const headers[] = {"REQUEST", "UNIT", "REVISION",
	    "STATUS", "NIL", "SIGNED", "MISMATCHES", "REASON"};
	Hoptac__V1__ListReportsRequest req =
	    HOPTAC__V1__LIST_REPORTS_REQUEST__INIT;
	Hoptac__V1__ListReportsResponse *resp;
	struct table *t;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'q') {
			req.request_reference = optarg;
		} else if (ch == 'u') {
			req.unit_code = optarg;
		} else if (ch == 'a') {
			req.all_revisions = 1;
		} else {
			cli_usage("report", "list", 1);
			return CLI_USAGE;
		}
	}
	if (optind != argc) {
		cli_usage("report", "list", 1);
		return CLI_USAGE;
	}
	rc = cli_fetch(
	    cli, METHOD_REPORTS_LIST, &req.base, (ProtobufCMessage **)&resp);
	if (rc != CLI_OK || resp == NULL)
		return rc;
	if ((t = table_create(8, headers)) == NULL) {
		rc = cli_fail(CLI_ERROR, "out of memory");
		goto out;
	}
	table_set_max_width(t, 7, 50);
	for (size_t i = 0; i < resp->n_reports; i++) {
		const Hoptac__V1__Report *r = resp->reports[i];
		char rev[16], mism[16];

		snprintf(rev, sizeof(rev), "%d", r->revision);
		snprintf(mism, sizeof(mism), "%zu", r->n_mismatches);
		table_add_row(t,
		    (const char *const[]) {r->request_reference, r->unit_code,
		        rev, cli_report_status_name(r->status),
		        r->nil ? "yes" : "no", r->signed_on, mism,
		        r->review_reason});
	}
	table_print(t, stdout);
	table_destroy(t);
out:
	hoptac__v1__list_reports_response__free_unpacked(resp, NULL);
	return rc;
}

/* Return or accept: the revision reviewed is the one named, or the
 * latest, fetched first, so that a newer one is never reviewed unseen. */
static int
cmd_report_review(struct cli *cli, int argc, char **argv, int accept)
{
	Hoptac__V1__ReviewReportRequest req =
	    HOPTAC__V1__REVIEW_REPORT_REQUEST__INIT;
	Hoptac__V1__ReviewReportResponse *resp = NULL;
	const char *verb = accept ? "accept" : "return";
	char *ref, *unit, *reason = NULL;
	int32_t revision;
	int rc = cmd_report_target(
	    argc, argv, verb, &ref, &unit, &revision, &reason);

	if (rc != CLI_OK)
		return rc;
	if (!accept && (reason == NULL || reason[0] == '\0'))
		return cli_fail(CLI_USAGE, "returning a report needs --reason");
	if (revision == 0) {
		Hoptac__V1__GetReportResponse *cur;

		if ((rc = cmd_report_fetch(cli, ref, unit, 0, &cur)) != CLI_OK)
			return rc;
		revision = cur->report->revision;
		hoptac__v1__get_report_response__free_unpacked(cur, NULL);
	}
	req.request_reference = ref;
	req.unit_code = unit;
	req.revision = revision;
	req.accept = accept;
	req.reason = reason != NULL ? reason : (char *)"";
	rc = cli_call(cli, METHOD_REPORTS_REVIEW, &req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	if (cli->json)
		rc = cli_print_json(&resp->report->base);
	else
		cmd_report_outcome("", resp->report);
	hoptac__v1__review_report_response__free_unpacked(resp, NULL);
	return rc;
}

int
cmd_report_return(struct cli *cli, int argc, char **argv)
{
	return cmd_report_review(cli, argc, argv, 0);
}

int
cmd_report_accept(struct cli *cli, int argc, char **argv)
{
	return cmd_report_review(cli, argc, argv, 1);
}
