/*
 * The activities the annex of a consolidated report lists: those of each
 * unit the request asked, in its period and partner scope, as the server
 * counts them for the report's figures (an activity counts in the period
 * it starts in; a province's scope takes in its districts). Read with
 * Activities/List, every page, unit by unit.
 */
#include "cmd_annex.h"

#include "cli_i18n.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "pbstr.h"

typedef Hoptac__V1__Activity Activity;

/* Whether code is the partner of the scope or one of its districts
 * ("LA-XE-DAKCHEUNG" within "LA-XE"). */
static int
cmd_annex_within(const char *code, const char *scope)
{
	size_t n = strlen(scope);

	return strncmp(code, scope, n) == 0 &&
	    (code[n] == '\0' || code[n] == '-');
}

/* Whether the request counts a: started within the period, with a partner
 * of its scope (any partner when the scope is empty). */
static int
cmd_annex_counts(const Hoptac__V1__ReportingRequest *rq, const Activity *a)
{
	struct date_partial d, s;
	int32_t start;

	if (date_parse(a->start_date, &s) != 0)
		return 0;
	start = date_first_day(&s);
	if (date_parse(rq->period_from, &d) == 0 && start < date_first_day(&d))
		return 0;
	if ((date_parse(rq->period_to, &d) == 0 ||
	        date_parse(rq->issued_on, &d) == 0) &&
	    start > date_last_day(&d))
		return 0;
	if (rq->n_partner_scope == 0)
		return 1;
	for (size_t i = 0; i < a->n_partner_codes; i++)
		for (size_t k = 0; k < rq->n_partner_scope; k++)
			if (cmd_annex_within(
			        a->partner_codes[i], rq->partner_scope[k]))
				return 1;
	return 0;
}

/* Compares activities by their first day, then their id. */
static int
cmd_annex_order(const void *x, const void *y)
{
	const Activity *a = *(Activity *const *)x, *b = *(Activity *const *)y;
	struct date_partial da, db;
	int32_t fa =
	    date_parse(a->start_date, &da) == 0 ? date_first_day(&da) : 0;
	int32_t fb =
	    date_parse(b->start_date, &db) == 0 ? date_first_day(&db) : 0;

	if (fa != fb)
		return fa < fb ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Adds the activities of one unit the request counts, in the order they
 * took place, to the annex. An exit code. */
static int
cmd_annex_unit(struct cli *cli, const Hoptac__V1__ReportingRequest *rq,
    const char *unit, struct cmd_annex *an)
{
	Hoptac__V1__ListActivitiesRequest req =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__ListActivitiesResponse *resp = NULL;
	size_t first = an->n;
	void **grown;
	int rc;

	req.unit_code = (char *)unit;
	req.from_date = rq->period_from;
	req.to_date =
	    render_empty(rq->period_to) ? rq->issued_on : rq->period_to;
	req.page_size = 1000;
	rc = cli_call_pages(cli, METHOD_ACTIVITIES_LIST, &req.base,
	    "activities", NULL, (ProtobufCMessage **)&resp);
	if (rc != CLI_OK)
		return rc;
	if (pbstr_append_ptr(&an->n_lists, &an->lists, resp) != 0) {
		hoptac__v1__list_activities_response__free_unpacked(resp, NULL);
		return cli_fail(CLI_ERROR, _("out of memory"));
	}
	grown = realloc(an->activities,
	    (an->n + resp->n_activities + 1) * sizeof(*an->activities));
	if (grown == NULL)
		return cli_fail(CLI_ERROR, _("out of memory"));
	an->activities = (Activity **)grown;
	for (size_t i = 0; i < resp->n_activities; i++)
		if (cmd_annex_counts(rq, resp->activities[i]))
			an->activities[an->n++] = resp->activities[i];
	qsort(an->activities + first, an->n - first, sizeof(*an->activities),
	    cmd_annex_order);
	return CLI_OK;
}

int
cmd_annex_fetch(struct cli *cli, const Hoptac__V1__ConsolidateResponse *c,
    struct cmd_annex *an)
{
	const Hoptac__V1__CompletenessResponse *cp = c->completeness;
	int rc = CLI_OK;

	memset(an, 0, sizeof(*an));
	if (c->request == NULL || cp == NULL)
		return CLI_OK;
	for (size_t i = 0; i < cp->n_entries && rc == CLI_OK; i++)
		rc = cmd_annex_unit(
		    cli, c->request, cp->entries[i]->unit_code, an);
	return rc;
}

void
cmd_annex_free(struct cmd_annex *an)
{
	for (size_t i = 0; i < an->n_lists; i++)
		hoptac__v1__list_activities_response__free_unpacked(
		    an->lists[i], NULL);
	free(an->lists);
	free(an->activities);
	memset(an, 0, sizeof(*an));
}
