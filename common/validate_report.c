/* The reporting records: a request for reports and a report. */
#include "validate.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "validate_int.h"

static const char *validate_period_dates[2] = {"period_from", "period_to"};

/* A reference of a công văn ("558/SNgV-BGHTQT", "720/SNgV-KTĐN"): text
 * without spaces, as the number stands on the document. */
static void
validate_reference(
    char **field, const char *prefix, const char *name, struct violations *v)
{
	if (validate_text(field, prefix, name, VALIDATE_ID_MAX, 1, v) != 0)
		return;
	for (const char *p = *field; *p != '\0'; p++)
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			violations_add(
			    v, prefix, name, "may not contain spaces");
			return;
		}
}

int
validate_request(
    Hoptac__V1__ReportingRequest *r, const char *prefix, struct violations *v)
{
	size_t before = validate_total(v);
	struct date_partial issued, due, period[2];
	int issued_ok, due_ok;
	char item[48];

	if (r == NULL) {
		violations_add(v, prefix, NULL, "request is missing");
		return (int)(validate_total(v) - before);
	}
	validate_reference(&r->reference, prefix, "reference", v);
	validate_id(r->issuer_unit, prefix, "issuer_unit", v);
	issued_ok =
	    validate_date(&r->issued_on, prefix, "issued_on", 1, &issued, v);
	validate_line(&r->title, prefix, "title", VALIDATE_SHORT_MAX, 1, v);
	validate_list(r->n_partner_scope, prefix, "partner_scope", v);
	validate_scope(&r->n_partner_scope, &r->partner_scope, prefix, v);
	validate_dedup(&r->n_partner_scope, r->partner_scope);
	/* Groups may have made it longer than was sent. */
	validate_list(r->n_partner_scope, prefix, "partner_scope", v);
	if (validate_dates(&r->period_from, &r->period_to, prefix,
	        validate_period_dates, period, v) == 0 &&
	    period[1].year != 0 &&
	    date_last_day(&period[1]) < date_first_day(&period[0]))
		violations_add(v, prefix, "period_to", "is before period_from");
	due_ok = validate_date(&r->due_on, prefix, "due_on", 1, &due, v);
	if (issued_ok == 0 && due_ok == 0 &&
	    date_last_day(&due) < date_first_day(&issued))
		violations_add(v, prefix, "due_on", "is before issued_on");
	if (r->n_unit_codes == 0)
		violations_add(
		    v, prefix, "unit_codes", "at least one unit must be asked");
	if (r->n_unit_codes > VALIDATE_UNITS_MAX)
		violations_add(v, prefix, "unit_codes",
		    "has %zu units; at most %d are allowed", r->n_unit_codes,
		    VALIDATE_UNITS_MAX);
	for (size_t i = 0; i < r->n_unit_codes; i++) {
		snprintf(item, sizeof(item), "unit_codes[%zu]", i);
		validate_id(r->unit_codes[i], prefix, item, v);
	}
	validate_dedup(&r->n_unit_codes, r->unit_codes);
	return (int)(validate_total(v) - before);
}

static void
validate_figure(
    int32_t value, const char *prefix, const char *name, struct violations *v)
{
	if (value < 0 || value > VALIDATE_PEOPLE_MAX)
		violations_add(v, prefix, name, "must be between 0 and %d",
		    VALIDATE_PEOPLE_MAX);
}

/* Adds a section of len bytes to *total, keeping the name of the
 * largest in largest. */
static void
validate_section_size(const char *text, const char *name, size_t *total,
    size_t *most, char *largest, size_t largest_len)
{
	size_t len = text != NULL ? strlen(text) : 0;

	*total += len;
	if (len > *most) {
		*most = len;
		snprintf(largest, largest_len, "%s", name);
	}
}

/* The sections together, after normalization: what the consolidated
 * report carries of a report, bounded so that no report takes more than
 * a small part of a reply. The message names the section to shorten. */
static void
validate_report_size(
    const Hoptac__V1__Report *r, const char *prefix, struct violations *v)
{
	const char *const names[] = {
	    "situation", "limitations", "causes", "directions", "proposals"};
	const char *const texts[] = {r->situation, r->limitations, r->causes,
	    r->directions, r->proposals};
	char largest[48] = "", item[48];
	size_t total = 0, most = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		validate_section_size(texts[i], names[i], &total, &most,
		    largest, sizeof(largest));
	for (size_t i = 0; i < r->n_results && i < VALIDATE_RESULTS_MAX; i++) {
		snprintf(item, sizeof(item), "results[%zu].heading", i);
		validate_section_size(r->results[i]->heading, item, &total,
		    &most, largest, sizeof(largest));
		snprintf(item, sizeof(item), "results[%zu].text", i);
		validate_section_size(r->results[i]->text, item, &total, &most,
		    largest, sizeof(largest));
	}
	/* Named by the largest section: the one to shorten first. */
	if (total > VALIDATE_REPORT_TEXT_MAX)
		violations_add(v, prefix, largest,
		    "the report's sections hold %zu bytes together, over the "
		    "limit of %d bytes (256 KiB) for one report; this one, "
		    "the largest, holds %zu",
		    total, VALIDATE_REPORT_TEXT_MAX, most);
}

int
validate_report(Hoptac__V1__Report *r, const char *prefix, struct violations *v)
{
	size_t before = validate_total(v);
	char item[48];

	if (r == NULL) {
		violations_add(v, prefix, NULL, "report is missing");
		return (int)(validate_total(v) - before);
	}
	validate_id(r->id, prefix, "id", v);
	validate_reference(
	    &r->request_reference, prefix, "request_reference", v);
	validate_id(r->unit_code, prefix, "unit_code", v);
	validate_text(&r->document_number, prefix, "document_number",
	    VALIDATE_SHORT_MAX, 0, v);
	validate_line(&r->place, prefix, "place", VALIDATE_SHORT_MAX, 0, v);
	validate_date(&r->signed_on, prefix, "signed_on", 0, NULL, v);
	validate_text(
	    &r->situation, prefix, "situation", VALIDATE_LONG_MAX, 0, v);
	if (r->n_results > VALIDATE_RESULTS_MAX)
		violations_add(v, prefix, "results",
		    "has %zu headings; at most %d are allowed", r->n_results,
		    VALIDATE_RESULTS_MAX);
	for (size_t i = 0; i < r->n_results && i < VALIDATE_RESULTS_MAX; i++) {
		Hoptac__V1__ReportResult *res = r->results[i];

		snprintf(item, sizeof(item), "results[%zu].heading", i);
		validate_text(
		    &res->heading, prefix, item, VALIDATE_SHORT_MAX, 0, v);
		snprintf(item, sizeof(item), "results[%zu].text", i);
		validate_text(
		    &res->text, prefix, item, VALIDATE_LONG_MAX, 0, v);
	}
	if (r->nil && r->n_results > 0)
		violations_add(v, prefix, "results",
		    "a nil report (nothing happened) has no results");
	validate_text(
	    &r->limitations, prefix, "limitations", VALIDATE_LONG_MAX, 0, v);
	validate_text(&r->causes, prefix, "causes", VALIDATE_LONG_MAX, 0, v);
	validate_text(
	    &r->directions, prefix, "directions", VALIDATE_LONG_MAX, 0, v);
	if (r->directions_until != 0 &&
	    (r->directions_until < 1900 || r->directions_until > 2200))
		violations_add(v, prefix, "directions_until",
		    "must be a year such as 2027");
	validate_text(
	    &r->proposals, prefix, "proposals", VALIDATE_LONG_MAX, 0, v);
	validate_report_size(r, prefix, v);
	validate_line(&r->signer, prefix, "signer", VALIDATE_SHORT_MAX, 0, v);
	validate_text(
	    &r->signer_title, prefix, "signer_title", VALIDATE_SHORT_MAX, 0, v);
	validate_texts(r->n_recipients, r->recipients, prefix, "recipients",
	    VALIDATE_SHORT_MAX, v);
	if (r->declared != NULL) {
		const Hoptac__V1__Figures *f = r->declared;

		validate_figure(
		    f->delegations_out, prefix, "declared.delegations_out", v);
		validate_figure(
		    f->people_out, prefix, "declared.people_out", v);
		validate_figure(
		    f->delegations_in, prefix, "declared.delegations_in", v);
		validate_figure(f->people_in, prefix, "declared.people_in", v);
		validate_figure(
		    f->conferences, prefix, "declared.conferences", v);
		validate_figure(
		    f->agreements, prefix, "declared.agreements", v);
		validate_figure(
		    f->activities, prefix, "declared.activities", v);
	}
	if (r->submitted_at_ms < 0)
		violations_add(
		    v, prefix, "submitted_at_ms", "must not be negative");
	return (int)(validate_total(v) - before);
}
