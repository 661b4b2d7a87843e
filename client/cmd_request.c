/* hoptac request create|list|show|status: the department's công văn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_i18n.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "render.h"
#include "table.h"
#include "validate.h"

static int
cmd_request_created(const ProtobufCMessage *req, const ProtobufCMessage *m)
{
	const Hoptac__V1__CreateRequestResponse *resp = (const void *)m;

	(void)req;
	printf(_("request %s created: %zu units asked, due %s\n"),
	    resp->request->reference, resp->request->n_unit_codes,
	    resp->request->due_on);
	return CLI_OK;
}

int
cmd_request_create(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_COPY("issuer", Hoptac__V1__ReportingRequest, issuer_unit),
	    CLI_COPY("issued", Hoptac__V1__ReportingRequest, issued_on),
	    CLI_COPY("title", Hoptac__V1__ReportingRequest, title),
	    CLI_LIST("partner", Hoptac__V1__ReportingRequest, partner_scope),
	    CLI_COPY("from", Hoptac__V1__ReportingRequest, period_from),
	    CLI_COPY("to", Hoptac__V1__ReportingRequest, period_to),
	    CLI_COPY("due", Hoptac__V1__ReportingRequest, due_on),
	    CLI_LIST("unit", Hoptac__V1__ReportingRequest, unit_codes),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {opts, NULL, 1, 1, 0, 0};
	static const struct cli_show show = {
	    NULL, METHOD_REQUESTS_CREATE, NULL, cmd_request_created};
	Hoptac__V1__CreateRequestRequest req =
	    HOPTAC__V1__CREATE_REQUEST_REQUEST__INIT;
	Hoptac__V1__ReportingRequest *r = malloc(sizeof(*r)); /* freed at out */
	struct violations v;
	char **ref;
	int rc;

	if (r == NULL)
		return cli_fail(CLI_ERROR, _("out of memory"));
	hoptac__v1__reporting_request__init(r);
	if ((rc = cli_parse(cli, &args, r, argc, argv, &ref)) != CLI_OK)
		goto out;
	if (pbstr_set(&r->reference, ref[0]) != 0) {
		rc = cli_fail(CLI_ERROR, _("out of memory"));
		goto out;
	}
	violations_init(&v);
	if (validate_request(r, NULL, &v) > 0) {
		rc = cli_invalid(cli, &v, _("the request is not valid"));
		goto out;
	}
	req.request = r;
	rc = cli_show(cli, &show, &req.base);
out:
	hoptac__v1__reporting_request__free_unpacked(r, NULL);
	return rc;
}

static void
cmd_request_row(struct table *t, const void *item)
{
	const Hoptac__V1__ReportingRequest *r = item;
	char period[64], partners[256], units[16];

	snprintf(period, sizeof(period), "%s – %s", r->period_from,
	    r->period_to[0] ? r->period_to : r->issued_on);
	cli_partner_labels(partners, sizeof(partners), r->partner_scope,
	    r->n_partner_scope, ",");
	snprintf(units, sizeof(units), "%zu", r->n_unit_codes);
	table_add_row(t,
	    (const char *const[]) {r->reference, r->issued_on, r->due_on,
	        period, partners[0] ? partners : _("(all)"), units, r->title});
}

int
cmd_request_list(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING("unit", Hoptac__V1__ListRequestsRequest, unit_code),
	    CLI_FLAG("open", Hoptac__V1__ListRequestsRequest, open_only),
	    CLI_OPTIONS_END,
	};
	static const char *const headers[] = {N_("REFERENCE"), N_("ISSUED"),
	    N_("DUE"), N_("PERIOD"), N_("PARTNERS"), N_("UNITS"), N_("TITLE")};
	static const struct cli_args args = {opts, NULL, 0, 0, 0, 0};
	static const size_t widths[] = {0, 0, 0, 0, 0, 0, 60};
	static const struct cli_list list = {&args, METHOD_REQUESTS_LIST,
	    "requests", 7, headers, widths, cmd_request_row, NULL, NULL};
	Hoptac__V1__ListRequestsRequest req =
	    HOPTAC__V1__LIST_REQUESTS_REQUEST__INIT;

	return cli_list(cli, &list, argc, argv, &req.base);
}

static int
cmd_request_print(const ProtobufCMessage *req, const ProtobufCMessage *m)
{
	const Hoptac__V1__ReportingRequest *r =
	    ((const Hoptac__V1__GetRequestResponse *)(const void *)m)->request;
	char buf[2048];

	(void)req;
	printf(_("reference: %s\n"), r->reference);
	printf(_("issuer:    %s\n"), r->issuer_unit);
	printf(_("issued:    %s\n"), r->issued_on);
	printf(_("title:     %s\n"), r->title);
	printf(_("period:    %s – %s\n"), r->period_from,
	    r->period_to[0] ? r->period_to : r->issued_on);
	cli_partner_labels(
	    buf, sizeof(buf), r->partner_scope, r->n_partner_scope, ", ");
	printf(_("partners:  %s\n"), buf[0] ? buf : _("(all)"));
	printf(_("due:       %s\n"), r->due_on);
	cli_join(buf, sizeof(buf), r->unit_codes, r->n_unit_codes, ", ");
	printf(_("units:     %s\n"), buf);
	return CLI_OK;
}

int
cmd_request_show(struct cli *cli, int argc, char **argv)
{
	static const struct cli_args args = {NULL, NULL, 1, 1,
	    offsetof(Hoptac__V1__GetRequestRequest, reference), 0};
	static const struct cli_show show = {
	    &args, METHOD_REQUESTS_GET, "request", cmd_request_print};
	Hoptac__V1__GetRequestRequest req =
	    HOPTAC__V1__GET_REQUEST_REQUEST__INIT;

	return cli_run(cli, &show, argc, argv, &req.base);
}

static const char *
cmd_request_timeliness(int t)
{
	switch (t) {
	case HOPTAC__V1__TIMELINESS__TIMELINESS_ON_TIME:
		return _("on time");
	case HOPTAC__V1__TIMELINESS__TIMELINESS_DELIVERED_LATE:
		return _("filed on time, received late");
	case HOPTAC__V1__TIMELINESS__TIMELINESS_LATE:
		return _("late");
	default:
		return _("not answered");
	}
}

static void
cmd_request_status_row(struct table *t, const void *item)
{
	const Hoptac__V1__CompletenessEntry *e = item;
	char rev[16] = "", filed[80], received[48];

	if (e->revision > 0)
		snprintf(rev, sizeof(rev), "%d", e->revision);
	render_received(received, sizeof(received), e->received_at_ms,
	    e->paper_received_at_ms);
	table_add_row(t,
	    (const char *const[]) {e->unit_code, e->unit_name,
	        cmd_request_timeliness(e->timeliness),
	        e->revision > 0 ? (e->nil ? _("yes") : _("no")) : "", rev,
	        cli_report_status_label(e->status), e->signed_on,
	        render_filed(
	            filed, sizeof(filed), e->submitted_at_ms, e->filed_at_ms),
	        received});
}

static int
cmd_request_status_counts(
    const ProtobufCMessage *req, const ProtobufCMessage *m)
{
	const Hoptac__V1__CompletenessResponse *resp = (const void *)m;

	(void)req;
	printf(_("%d asked: %d on time, %d filed on time but received late, "
	         "%d late, %d not answered; %d nil reports\n"),
	    resp->expected, resp->on_time, resp->delivered_late, resp->late,
	    resp->missing, resp->nil_reports);
	return CLI_OK;
}

/* Who answered a request, and when. */
int
cmd_request_status(struct cli *cli, int argc, char **argv)
{
	/* FILED is the office's claim, RECEIVED the server's receipt: the
	 * reviewer sees both, and what was counted when they differ. */
	static const char *const headers[] = {N_("UNIT"), N_("NAME"),
	    N_("ANSWER"), N_("NIL"), N_("REVISION"), N_("STATUS"), N_("SIGNED"),
	    N_("FILED"), N_("RECEIVED")};
	static const struct cli_args args = {NULL, NULL, 1, 1,
	    offsetof(Hoptac__V1__CompletenessRequest, request_reference), 0};
	static const struct cli_list list = {&args,
	    METHOD_AGGREGATES_COMPLETENESS, "entries", 9, headers, NULL,
	    cmd_request_status_row, NULL, cmd_request_status_counts};
	Hoptac__V1__CompletenessRequest req =
	    HOPTAC__V1__COMPLETENESS_REQUEST__INIT;

	return cli_list(cli, &list, argc, argv, &req.base);
}
