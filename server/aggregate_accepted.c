/*
 * Accepted means frozen: the consolidated report counts an accepted
 * answer's figures as the records gave them when it was accepted, and
 * shows what the records gained or lost since apart ("sau khi chấp
 * nhận"), instead of letting a later record change the accepted row.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"

/* The figures a row and the totals count, in Figures' order. */
static const size_t aggregate_accepted_fields[] = {
    offsetof(Hoptac__V1__Figures, delegations_out),
    offsetof(Hoptac__V1__Figures, people_out),
    offsetof(Hoptac__V1__Figures, delegations_in),
    offsetof(Hoptac__V1__Figures, people_in),
    offsetof(Hoptac__V1__Figures, conferences),
    offsetof(Hoptac__V1__Figures, agreements),
    offsetof(Hoptac__V1__Figures, activities),
};

#define AGGREGATE_ACCEPTED_N                                                   \
	(sizeof(aggregate_accepted_fields) / sizeof(*aggregate_accepted_fields))

static int32_t *
aggregate_accepted_slot(Hoptac__V1__Figures *f, size_t i)
{
	return (int32_t *)(void *)((char *)f + aggregate_accepted_fields[i]);
}

/* A heap Figures, all 0, into *f when it is NULL. */
static int
aggregate_accepted_figures(Hoptac__V1__Figures **f)
{
	if (*f != NULL)
		return STATUS_OK;
	if ((*f = malloc(sizeof(**f))) == NULL)
		return STATUS_INTERNAL;
	hoptac__v1__figures__init(*f);
	return STATUS_OK;
}

/* Appends a new row keyed [code, name] with zero figures to *rows. */
static Hoptac__V1__SummaryRow *
aggregate_accepted_row(Hoptac__V1__SummaryRow ***rows, size_t *n,
    const char *code, const char *name)
{
	Hoptac__V1__SummaryRow *r = malloc(sizeof(*r)), **grown;

	if (r == NULL)
		return NULL;
	hoptac__v1__summary_row__init(r);
	if ((grown = realloc(*rows, (*n + 1) * sizeof(*grown))) == NULL) {
		free(r);
		return NULL;
	}
	*rows = grown;
	(*rows)[(*n)++] = r; /* owned by the reply from here */
	if (pbstr_append(&r->n_keys, &r->keys, code) != 0 ||
	    pbstr_append(&r->n_keys, &r->keys, name) != 0 ||
	    aggregate_accepted_figures(&r->figures) != STATUS_OK)
		return NULL;
	return r;
}

/* The unit's row of by_unit, or a new one (its records may all have
 * been withdrawn since). */
static Hoptac__V1__SummaryRow *
aggregate_accepted_unit_row(
    Hoptac__V1__ConsolidateResponse *out, const char *unit)
{
	const char *name = unit;

	for (size_t i = 0; i < out->n_by_unit; i++)
		if (out->by_unit[i]->n_keys > 0 &&
		    strcmp(out->by_unit[i]->keys[0], unit) == 0)
			return aggregate_accepted_figures(
			           &out->by_unit[i]->figures) == STATUS_OK
			    ? out->by_unit[i]
			    : NULL;
	for (size_t i = 0;
	     out->completeness != NULL && i < out->completeness->n_entries; i++)
		if (strcmp(out->completeness->entries[i]->unit_code, unit) ==
		        0 &&
		    out->completeness->entries[i]->unit_name[0] != '\0')
			name = out->completeness->entries[i]->unit_name;
	return aggregate_accepted_row(
	    &out->by_unit, &out->n_by_unit, unit, name);
}

/* Freezes one accepted report's row: the accepted figures in by_unit
 * and totals, the difference to the records in after_acceptance. */
static int
aggregate_accepted_one(
    Hoptac__V1__ConsolidateResponse *out, const Hoptac__V1__Report *rep)
{
	Hoptac__V1__SummaryRow *row =
	    aggregate_accepted_unit_row(out, rep->unit_code);
	Hoptac__V1__Figures delta = HOPTAC__V1__FIGURES__INIT;
	Hoptac__V1__SummaryRow *after;
	int any = 0;

	if (row == NULL)
		return STATUS_INTERNAL;
	for (size_t i = 0; i < AGGREGATE_ACCEPTED_N; i++) {
		int32_t *now = aggregate_accepted_slot(row->figures, i);
		int32_t was = *aggregate_accepted_slot(rep->accepted, i);
		int32_t d = *now - was;

		*aggregate_accepted_slot(&delta, i) = d;
		*aggregate_accepted_slot(out->totals, i) -= d;
		*now = was;
		any |= d != 0;
	}
	if (!any)
		return STATUS_OK;
	after = aggregate_accepted_row(&out->after_acceptance,
	    &out->n_after_acceptance, row->keys[0],
	    row->n_keys > 1 ? row->keys[1] : row->keys[0]);
	if (after == NULL)
		return STATUS_INTERNAL;
	for (size_t i = 0; i < AGGREGATE_ACCEPTED_N; i++)
		*aggregate_accepted_slot(after->figures, i) =
		    *aggregate_accepted_slot(&delta, i);
	return STATUS_OK;
}

int
aggregate_freeze_accepted(
    struct store_conn *db, Hoptac__V1__ConsolidateResponse *out)
{
	const Hoptac__V1__ReportingRequest *r = out->request;

	if (aggregate_accepted_figures(&out->totals) != STATUS_OK)
		return STATUS_INTERNAL;
	for (size_t k = 0; r != NULL && k < r->n_unit_codes; k++) {
		Hoptac__V1__Report *rep = NULL;
		int rc = store_report_get(
		    db, r->reference, r->unit_codes[k], 0, &rep);

		if (rc == STATUS_NOT_FOUND)
			continue;
		if (rc == STATUS_OK &&
		    rep->status ==
		        HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_ACCEPTED &&
		    rep->accepted != NULL)
			rc = aggregate_accepted_one(out, rep);
		if (rep != NULL)
			hoptac__v1__report__free_unpacked(rep, NULL);
		if (rc != STATUS_OK)
			return rc;
	}
	return STATUS_OK;
}
