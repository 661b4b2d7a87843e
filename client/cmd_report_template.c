/*
 * hoptac report template: a report file to fill in, filled from the
 * request, the unit of the credential (or --unit) and its records, so
 * that nothing in it belongs to another unit. The signer is left blank:
 * a template sent unchanged is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_i18n.h"
#include "date.h"
#include "gazetteer.h"
#include "hoptac/v1/services.pb-c.h"
#include "report_file.h"
#include "validate.h"

/* What report template takes besides its optional REF argument. */
struct cmd_report_template {
	char *request, *unit;
};

/* The unit's province, the place a report is signed in ("" unknown):
 * a pointer into units, which the caller frees. */
static const char *
cmd_report_template_place(
    const Hoptac__V1__ListUnitsResponse *units, const char *unit)
{
	for (size_t i = 0; units != NULL && i < units->n_units; i++)
		if (strcmp(units->units[i]->code, unit) == 0)
			return units->units[i]->province;
	return "";
}

/* Frees the lines of cmd_report_template_lines. */
static void
cmd_report_template_free(char **lines)
{
	for (size_t i = 0; lines != NULL && lines[i] != NULL; i++)
		free(lines[i]);
	free(lines);
}

/* Whether the figures of request r count a: it starts in the period
 * (the list gives those that overlap it) and names a partner of the
 * scope, or one in a province of the scope; an empty scope is every
 * partner. */
static int
cmd_report_template_counts(
    const Hoptac__V1__ReportingRequest *r, const Hoptac__V1__Activity *a)
{
	struct date_partial from, start;

	if (date_parse(r->period_from, &from) == 0 &&
	    date_parse(a->start_date, &start) == 0 &&
	    date_first_day(&start) < date_first_day(&from))
		return 0;
	if (r->n_partner_scope == 0)
		return 1;
	for (size_t i = 0; i < a->n_partner_codes; i++)
		for (size_t k = 0; k < r->n_partner_scope; k++)
			if (strcmp(a->partner_codes[i], r->partner_scope[k]) ==
			        0 ||
			    (gazetteer_is_province(r->partner_scope[k]) &&
			        gazetteer_same_province(
			            a->partner_codes[i], r->partner_scope[k])))
				return 1;
	return 0;
}

/* One line per activity the request's figures count: "2024-05-10,
 * delegation_out, 6 người: title". The lines and the array
 * (NULL-terminated) are heap, owned by the caller; NULL when memory runs
 * out. */
static char **
cmd_report_template_lines(const Hoptac__V1__ReportingRequest *r,
    const Hoptac__V1__ListActivitiesResponse *acts, size_t *n_lines)
{
	char **lines = calloc(acts->n_activities + 1, sizeof(*lines));

	*n_lines = 0;
	for (size_t i = 0; lines != NULL && i < acts->n_activities; i++) {
		const Hoptac__V1__Activity *a = acts->activities[i];
		char **line = &lines[*n_lines];
		const char *kind = validate_activity_kind_name(a->kind);
		char people[32] = "";
		int n;

		if (a->people > 0)
			snprintf(
			    people, sizeof(people), ", %d người", a->people);
		n = snprintf(NULL, 0, "%s, %s%s: %s", a->start_date, kind,
		    people, a->title);
		if (!cmd_report_template_counts(r, a))
			continue;
		if (n < 0 || (*line = malloc((size_t)n + 1)) == NULL) {
			cmd_report_template_free(lines);
			return NULL;
		}
		snprintf(*line, (size_t)n + 1, "%s, %s%s: %s", a->start_date,
		    kind, people, a->title);
		(*n_lines)++;
	}
	return lines;
}

/* Today in Vietnam, as a clerk writes it: "6/12/2025". */
static void
cmd_report_template_today(char *buf, size_t len)
{
	struct date_partial d;

	date_from_days(date_today(), &d);
	snprintf(buf, len, "%d/%d/%d", d.day, d.month, d.year);
}

int
cmd_report_template(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING("request", struct cmd_report_template, request),
	    CLI_STRING("unit", struct cmd_report_template, unit),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {opts, NULL, 0, 1, 0, 0};
	/* The unit: --unit, else the configured one, else the credential's. */
	struct cmd_report_template o = {NULL, NULL};
	Hoptac__V1__GetRequestRequest greq =
	    HOPTAC__V1__GET_REQUEST_REQUEST__INIT;
	Hoptac__V1__SummaryRequest sreq = HOPTAC__V1__SUMMARY_REQUEST__INIT;
	Hoptac__V1__ListUnitsRequest ureq =
	    HOPTAC__V1__LIST_UNITS_REQUEST__INIT;
	Hoptac__V1__ListActivitiesRequest areq =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
	/* Each owned here, freed at out. */
	Hoptac__V1__GetRequestResponse *gresp = NULL;
	Hoptac__V1__SummaryResponse *sresp = NULL;
	Hoptac__V1__ListUnitsResponse *uresp = NULL;
	Hoptac__V1__ListActivitiesResponse *aresp = NULL;
	char **lines = NULL;
	struct report_file_template_data d = {0};
	char own[128], today[32], **ref;
	int rc;

	if ((rc = cli_parse(cli, &args, &o, argc, argv, &ref)) != CLI_OK)
		return rc;
	if (o.request == NULL)
		o.request = ref[0];
	if (o.request == NULL)
		return cli_fail(
		    CLI_USAGE, _("name the request with --request REF"));
	if ((o.unit = (char *)cli_default_unit(
	         cli, o.unit, own, sizeof(own))) == NULL)
		return cli_fail(CLI_USAGE, "%s", cli_name_the_unit());
	greq.reference = o.request;
	if ((rc = cli_call(cli, METHOD_REQUESTS_GET, &greq.base,
	         (ProtobufCMessage **)&gresp, NULL)) != CLI_OK)
		return rc;
	sreq.request_reference = o.request;
	sreq.unit_code = o.unit;
	areq.unit_code = o.unit;
	areq.from_date = gresp->request->period_from;
	areq.to_date = gresp->request->period_to[0] != '\0'
	    ? gresp->request->period_to
	    : gresp->request->issued_on;
	areq.page_size = 1000;
	ureq.include_ended = 1;
	if ((rc = cli_call(cli, METHOD_AGGREGATES_SUMMARY, &sreq.base,
	         (ProtobufCMessage **)&sresp, NULL)) != CLI_OK ||
	    (rc = cli_call(cli, METHOD_UNITS_LIST, &ureq.base,
	         (ProtobufCMessage **)&uresp, NULL)) != CLI_OK ||
	    (rc = cli_call(cli, METHOD_ACTIVITIES_LIST, &areq.base,
	         (ProtobufCMessage **)&aresp, NULL)) != CLI_OK)
		goto out;
	if ((lines = cmd_report_template_lines(
	         gresp->request, aresp, &d.n_activities)) == NULL) {
		rc = cli_fail(CLI_ERROR, _("out of memory"));
		goto out;
	}
	cmd_report_template_today(today, sizeof(today));
	d.request_reference = gresp->request->reference;
	d.unit_code = o.unit;
	d.place = cmd_report_template_place(uresp, o.unit);
	d.date = today;
	d.figures = sresp->totals;
	d.activities = (const char *const *)lines;
	if (report_file_template(stdout, &d) != 0)
		rc = cli_fail(CLI_ERROR, _("could not write the template"));
out:
	cmd_report_template_free(lines);
	if (gresp != NULL)
		hoptac__v1__get_request_response__free_unpacked(gresp, NULL);
	if (sresp != NULL)
		hoptac__v1__summary_response__free_unpacked(sresp, NULL);
	if (uresp != NULL)
		hoptac__v1__list_units_response__free_unpacked(uresp, NULL);
	if (aresp != NULL)
		hoptac__v1__list_activities_response__free_unpacked(
		    aresp, NULL);
	return rc;
}
