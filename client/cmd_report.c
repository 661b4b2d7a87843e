/*
 * hoptac report template|submit|show|list|return|accept: an office's
 * answer to a request, written as a plain-text file (docs/report-format.md),
 * and the department's review of it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_i18n.h"
#include "deliver.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "render.h"
#include "report_file.h"
#include "rpc.h"
#include "safefile.h"
#include "table.h"
#include "validate.h"

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
	char filed[80], received[32], entered[32];

	printf(_("%sreport of %s to %s: revision %d, %s%s%s\n"), prefix,
	    r->unit_code, r->request_reference, r->revision,
	    cli_report_status_label(r->status), r->review_reason[0] ? ": " : "",
	    r->review_reason);
	/* Both times, so that a reviewer sees a clock that ran behind; a
	 * paper report's arrival as the department recorded it. */
	if (r->paper_received_at_ms != 0)
		printf(_("%spaper report received %s (recorded by the "
		         "department), entered %s; filed %s\n"),
		    prefix,
		    render_vn_minute(
		        received, sizeof(received), r->paper_received_at_ms),
		    render_vn_minute(
		        entered, sizeof(entered), r->received_at_ms),
		    render_filed(filed, sizeof(filed), r->submitted_at_ms,
		        r->filed_at_ms));
	else if (r->received_at_ms != 0)
		printf(_("%sfiled %s by the office's clock, received %s by the "
		         "server's\n"),
		    prefix,
		    render_filed(filed, sizeof(filed), r->submitted_at_ms,
		        r->filed_at_ms),
		    render_vn_minute(
		        received, sizeof(received), r->received_at_ms));
	cmd_report_figures(prefix, _("records: "), r->computed);
	cmd_report_figures(prefix, _("declared:"), r->declared);
	cmd_report_figures(prefix, _("accepted:"), r->accepted);
	for (size_t i = 0; i < r->n_mismatches; i++)
		printf(_("%sMISMATCH %s: declared %d, the records give %d\n"),
		    prefix, r->mismatches[i]->figure,
		    r->mismatches[i]->declared, r->mismatches[i]->computed);
}

/* What report submit takes besides the file. */
struct cmd_report_submit {
	char *request;
	int64_t filed, received;
};

static int
cmd_report_submit_filed(void *ctx, int ch, char *arg)
{
	struct cmd_report_submit *o = ctx;

	int64_t *slot = ch == 'f' ? &o->filed : &o->received;

	if ((*slot = cli_day_ms(arg)) < 0)
		return cli_fail(CLI_USAGE,
		    _("--%s takes a whole date, as 15/5/2024"),
		    ch == 'f' ? "filed" : "received");
	return CLI_OK;
}

/* Submit, or with check, Reports/Check: what a submit would answer,
 * nothing sent to be stored, nothing queued. */
static int
cmd_report_send(struct cli *cli, int argc, char **argv, int check)
{
	static const struct cli_option opts[] = {
	    CLI_STRING("request", struct cmd_report_submit, request),
	    CLI_VALUE("filed", 'f'),
	    CLI_VALUE("received", 'r'),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {
	    opts, cmd_report_submit_filed, 1, 1, 0, 0};
	Hoptac__V1__SubmitReportRequest req =
	    HOPTAC__V1__SUBMIT_REPORT_REQUEST__INIT;
	Hoptac__V1__SubmitReportResponse *resp = NULL;
	Hoptac__V1__Report *r = NULL; /* owned; freed at out */
	struct cmd_report_submit o = {NULL, 0, 0};
	struct report_file_error ferr;
	struct violations v;
	char id[37], label[200], err[512], **file;
	FILE *f;
	int rc;

	if ((rc = cli_parse(cli, &args, &o, argc, argv, &file)) != CLI_OK)
		return rc;
	if ((f = safefile_read(file[0], "r", err, sizeof(err))) == NULL)
		return cli_fail(CLI_INVALID, "%s", err);
	memset(&ferr, 0, sizeof(ferr));
	rc = report_file_read(f, &r, &ferr);
	fclose(f);
	if (rc != 0)
		return cli_fail(CLI_INVALID, "%s:%zu: %s", file[0], ferr.line,
		    cli_remote_text(ferr.message, err, sizeof(err)));
	/* The office's own clock says when it filed (or --filed, for a paper
	 * report entered later): timeliness tells a report filed on time and
	 * delivered late from one filed late. The server counts the claim
	 * only within its filing_tolerance before its receipt, except from
	 * the department (peer role), which vouches for --filed's day. */
	/* --received: the day a paper report reached the department, which
	 * it vouches for (peer role); filed that day unless --filed says
	 * otherwise. */
	if (o.filed == 0)
		o.filed = o.received;
	r->submitted_at_ms = o.filed > 0 ? o.filed : rpc_wall_ms();
	r->filed_at_ms = o.filed > 0 ? o.filed : 0;
	r->paper_received_at_ms = o.received;
	rpc_new_id(id);
	if (pbstr_set(&r->id, id) != 0 ||
	    (o.request != NULL &&
	        pbstr_set(&r->request_reference, o.request) != 0)) {
		rc = cli_fail(CLI_ERROR, _("out of memory"));
		goto out;
	}
	violations_init(&v);
	if (validate_report(r, NULL, &v) > 0) {
		rc = cli_invalid(cli, &v, _("the report is not valid"));
		goto out;
	}
	req.report = r;
	snprintf(label, sizeof(label), _("report of %s to %s"), r->unit_code,
	    r->request_reference);
	if (check)
		rc = cli_call(cli, METHOD_REPORTS_CHECK, &req.base,
		    (ProtobufCMessage **)&resp, NULL);
	else
		rc = deliver_now(cli, METHOD_REPORTS_SUBMIT, &req.base, label,
		    (ProtobufCMessage **)&resp);
	if (rc != CLI_OK)
		goto out;
	if (check && !cli->json)
		printf(_("check: the report is valid and was not sent (report "
		         "submit sends it)\n"));
	if (resp == NULL && cli->json)
		printf("{\"queued\":\"%s\"}\n", r->id);
	else if (resp == NULL)
		printf(_("%s queued\n"), label);
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

int
cmd_report_submit(struct cli *cli, int argc, char **argv)
{
	return cmd_report_send(cli, argc, argv, 0);
}

int
cmd_report_check(struct cli *cli, int argc, char **argv)
{
	return cmd_report_send(cli, argc, argv, 1);
}

/* The report show, return and accept name: "REF --unit CODE [--revision
 * N]"; return and accept also take "--reason TEXT" (accept ignores it)
 * and "--received DATE", the day the paper reached the department. */
struct cmd_report_target {
	char *ref, *unit, *reason;
	int32_t revision;
	int takes_reason;
	int64_t received;
	char
	    own[VALIDATE_ID_MAX + 1]; /* the default unit, when --unit is out */
};

static int
cmd_report_target_option(void *ctx, int ch, char *arg)
{
	struct cmd_report_target *t = ctx;
	long n;

	if (ch == 'r' && (n = cli_number(arg)) > 0)
		t->revision = (int32_t)n;
	else if (ch == 'R' && t->takes_reason)
		t->reason = arg;
	else if (ch == 'd' && t->takes_reason) {
		if ((t->received = cli_day_ms(arg)) < 0)
			return cli_fail(CLI_USAGE,
			    _("--received takes a whole date, as 15/5/2024"));
	} else
		return CLI_BAD_OPTION;
	return CLI_OK;
}

static int
cmd_report_target(
    struct cli *cli, int argc, char **argv, struct cmd_report_target *t)
{
	static const struct cli_option opts[] = {
	    CLI_STRING("unit", struct cmd_report_target, unit),
	    CLI_VALUE("revision", 'r'),
	    CLI_VALUE("reason", 'R'),
	    CLI_VALUE("received", 'd'),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {
	    opts, cmd_report_target_option, 1, 1, 0, 0};
	char **ref;
	int rc = cli_parse(cli, &args, t, argc, argv, &ref);

	if (rc != CLI_OK)
		return rc;
	if ((t->unit = (char *)cli_default_unit(
	         cli, t->unit, t->own, sizeof(t->own))) == NULL)
		return cli_fail(CLI_USAGE, "%s", cli_name_the_unit());
	t->ref = ref[0];
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

/* The status and figures as comments, then the report as its office
 * wrote it: the file can be edited and sent again. */
static int
cmd_report_print(const ProtobufCMessage *req, const ProtobufCMessage *m)
{
	const Hoptac__V1__Report *r =
	    ((const Hoptac__V1__GetReportResponse *)(const void *)m)->report;

	(void)req;
	cmd_report_outcome("# ", r);
	if (report_file_write(stdout, r) != 0)
		return cli_fail(CLI_ERROR, _("could not print the report"));
	return CLI_OK;
}

int
cmd_report_show(struct cli *cli, int argc, char **argv)
{
	static const struct cli_show show = {
	    NULL, METHOD_REPORTS_GET, "report", cmd_report_print};
	Hoptac__V1__GetReportRequest req = HOPTAC__V1__GET_REPORT_REQUEST__INIT;
	struct cmd_report_target t = {NULL, NULL, NULL, 0, 0, 0, ""};
	int rc = cmd_report_target(cli, argc, argv, &t);

	if (rc != CLI_OK)
		return rc;
	req.request_reference = t.ref;
	req.unit_code = t.unit;
	req.revision = t.revision;
	return cli_show(cli, &show, &req.base);
}

static void
cmd_report_row(struct table *t, const void *item)
{
	const Hoptac__V1__Report *r = item;
	char rev[16], mism[16], filed[80], received[48];

	snprintf(rev, sizeof(rev), "%d", r->revision);
	render_received(received, sizeof(received), r->received_at_ms,
	    r->paper_received_at_ms);
	snprintf(mism, sizeof(mism), "%zu", r->n_mismatches);
	table_add_row(t,
	    (const char *const[]) {r->request_reference, r->unit_code, rev,
	        cli_report_status_label(r->status), r->nil ? _("yes") : _("no"),
	        r->signed_on,
	        render_filed(
	            filed, sizeof(filed), r->submitted_at_ms, r->filed_at_ms),
	        received, mism, r->review_reason});
}

int
cmd_report_list(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING(
	        "request", Hoptac__V1__ListReportsRequest, request_reference),
	    CLI_STRING("unit", Hoptac__V1__ListReportsRequest, unit_code),
	    CLI_FLAG(
	        "all-revisions", Hoptac__V1__ListReportsRequest, all_revisions),
	    CLI_OPTIONS_END,
	};
	static const char *const headers[] = {N_("REQUEST"), N_("UNIT"),
	    N_("REVISION"), N_("STATUS"), N_("NIL"), N_("SIGNED"), N_("FILED"),
	    N_("RECEIVED"), N_("MISMATCHES"), N_("REASON")};
	static const struct cli_args args = {opts, NULL, 0, 0, 0, 0};
	static const size_t widths[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 50};
	static const struct cli_list list = {&args, METHOD_REPORTS_LIST,
	    "reports", 10, headers, widths, cmd_report_row, NULL, NULL};
	Hoptac__V1__ListReportsRequest req =
	    HOPTAC__V1__LIST_REPORTS_REQUEST__INIT;

	return cli_list(cli, &list, argc, argv, &req.base);
}

/* Return or accept: the revision reviewed is the one named, or the
 * latest, fetched first, so that a newer one is never reviewed unseen. */
static int
cmd_report_reviewed(const ProtobufCMessage *req, const ProtobufCMessage *m)
{
	(void)req;
	cmd_report_outcome("",
	    ((const Hoptac__V1__ReviewReportResponse *)(const void *)m)
	        ->report);
	return CLI_OK;
}

static int
cmd_report_review(struct cli *cli, int argc, char **argv, int accept)
{
	static const struct cli_show show = {
	    NULL, METHOD_REPORTS_REVIEW, "report", cmd_report_reviewed};
	Hoptac__V1__ReviewReportRequest req =
	    HOPTAC__V1__REVIEW_REPORT_REQUEST__INIT;
	struct cmd_report_target t = {NULL, NULL, NULL, 0, 1, 0, ""};
	int rc = cmd_report_target(cli, argc, argv, &t);

	if (rc != CLI_OK)
		return rc;
	if (!accept && (t.reason == NULL || t.reason[0] == '\0'))
		return cli_fail(
		    CLI_USAGE, _("returning a report needs --reason"));
	if (t.revision == 0) {
		Hoptac__V1__GetReportResponse *cur;

		if ((rc = cmd_report_fetch(cli, t.ref, t.unit, 0, &cur)) !=
		    CLI_OK)
			return rc;
		t.revision = cur->report->revision;
		hoptac__v1__get_report_response__free_unpacked(cur, NULL);
	}
	req.request_reference = t.ref;
	req.unit_code = t.unit;
	req.revision = t.revision;
	req.accept = accept;
	req.reason = t.reason != NULL ? t.reason : (char *)"";
	req.paper_received_at_ms = t.received;
	return cli_show(cli, &show, &req.base);
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
