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
#include "gazetteer.h"
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

_Static_assert(
    sizeof(aggregate_accepted_fields) / sizeof(*aggregate_accepted_fields) ==
        AGGREGATE_N_FIGURES,
    "every figure has its slot");

int32_t *
aggregate_figure_slot(Hoptac__V1__Figures *f, size_t i)
{
	return (int32_t *)(void *)((char *)f + aggregate_accepted_fields[i]);
}

int
aggregate_figures_alloc(Hoptac__V1__Figures **f)
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
	    aggregate_figures_alloc(&r->figures) != STATUS_OK)
		return NULL;
	return r;
}

Hoptac__V1__SummaryRow *
aggregate_unit_row(Hoptac__V1__ConsolidateResponse *out, const char *unit)
{
	const char *name = unit;

	for (size_t i = 0; i < out->n_by_unit; i++)
		if (out->by_unit[i]->n_keys > 0 &&
		    strcmp(out->by_unit[i]->keys[0], unit) == 0)
			return aggregate_figures_alloc(
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
	Hoptac__V1__SummaryRow *row = aggregate_unit_row(out, rep->unit_code);
	Hoptac__V1__Figures delta = HOPTAC__V1__FIGURES__INIT;
	Hoptac__V1__SummaryRow *after;
	int any = 0;

	if (row == NULL)
		return STATUS_INTERNAL;
	for (size_t i = 0; i < AGGREGATE_N_FIGURES; i++) {
		int32_t *now = aggregate_figure_slot(row->figures, i);
		int32_t was = *aggregate_figure_slot(rep->accepted, i);
		int32_t d = *now - was;

		*aggregate_figure_slot(&delta, i) = d;
		*aggregate_figure_slot(out->totals, i) -= d;
		if (out->partner_totals != NULL)
			*aggregate_figure_slot(out->partner_totals, i) -= d;
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
	for (size_t i = 0; i < AGGREGATE_N_FIGURES; i++)
		*aggregate_figure_slot(after->figures, i) =
		    *aggregate_figure_slot(&delta, i);
	return STATUS_OK;
}

int
aggregate_partner_add(Hoptac__V1__ConsolidateResponse *out, const char *code,
    Hoptac__V1__Figures *f, int sign)
{
	const struct gazetteer_partner *g = gazetteer_resolve(code);
	Hoptac__V1__SummaryRow *row = NULL;

	for (size_t i = 0; row == NULL && i < out->n_by_partner; i++)
		if (out->by_partner[i]->n_keys > 0 &&
		    strcmp(out->by_partner[i]->keys[0], code) == 0)
			row = out->by_partner[i];
	if (row == NULL)
		row = aggregate_accepted_row(&out->by_partner,
		    &out->n_by_partner, code, g != NULL ? g->name : code);
	if (row == NULL || aggregate_figures_alloc(&row->figures) != STATUS_OK)
		return STATUS_INTERNAL;
	for (size_t i = 0; f != NULL && i < AGGREGATE_N_FIGURES; i++)
		*aggregate_figure_slot(row->figures, i) +=
		    sign * *aggregate_figure_slot(f, i);
	return STATUS_OK;
}

/* The table by partner counts the unit's accepted figures partner by
 * partner in place of its records now. A report accepted before they
 * were kept (none kept, yet something accepted) stays as the records
 * are: nothing says how its figures split. */
static int
aggregate_accepted_partners(struct store_conn *db,
    Hoptac__V1__ConsolidateResponse *out, const Hoptac__V1__Report *rep)
{
	Hoptac__V1__PartnerFigures **now = NULL; /* owned here */
	size_t n_now = 0, kept = 0;
	int rc;

	if (rep->n_accepted_by_partner == 0 && rep->accepted->activities > 0)
		return STATUS_OK;
	rc = aggregate_partner_figures(
	    db, out->request, rep->unit_code, &n_now, &now);
	for (size_t i = 0; rc == STATUS_OK && i < n_now; i++)
		rc = aggregate_partner_add(
		    out, now[i]->partner_code, now[i]->figures, -1);
	for (size_t i = 0; rc == STATUS_OK && i < rep->n_accepted_by_partner;
	     i++)
		rc = aggregate_partner_add(out,
		    rep->accepted_by_partner[i]->partner_code,
		    rep->accepted_by_partner[i]->figures, 1);
	for (size_t i = 0; i < n_now; i++)
		hoptac__v1__partner_figures__free_unpacked(now[i], NULL);
	free(now);
	/* A partner only records since acceptance named leaves no row. */
	for (size_t i = 0; rc == STATUS_OK && i < out->n_by_partner; i++) {
		Hoptac__V1__SummaryRow *row = out->by_partner[i];

		if (row->figures != NULL && row->figures->activities == 0)
			hoptac__v1__summary_row__free_unpacked(row, NULL);
		else
			out->by_partner[kept++] = row;
	}
	if (rc == STATUS_OK)
		out->n_by_partner = kept;
	return rc;
}

static int
aggregate_accepted_answer(struct store_conn *db,
    Hoptac__V1__ConsolidateResponse *out, const Hoptac__V1__Report *rep)
{
	int rc;

	if (rep->status != HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_ACCEPTED ||
	    rep->accepted == NULL)
		return STATUS_OK;
	if ((rc = aggregate_accepted_one(out, rep)) != STATUS_OK)
		return rc;
	return aggregate_accepted_partners(db, out, rep);
}

static int
aggregate_accepted_cmp(const void *a, const void *b)
{
	const Hoptac__V1__SummaryRow *x = *(Hoptac__V1__SummaryRow *const *)a;
	const Hoptac__V1__SummaryRow *y = *(Hoptac__V1__SummaryRow *const *)b;

	return strcmp(
	    x->n_keys > 0 ? x->keys[0] : "", y->n_keys > 0 ? y->keys[0] : "");
}

void
aggregate_sort_rows(Hoptac__V1__SummaryRow **rows, size_t n)
{
	if (n > 1)
		qsort(rows, n, sizeof(*rows), aggregate_accepted_cmp);
}

int
aggregate_freeze_accepted(
    struct store_conn *db, Hoptac__V1__ConsolidateResponse *out)
{
	int rc;

	if (aggregate_figures_alloc(&out->totals) != STATUS_OK)
		return STATUS_INTERNAL;
	rc = aggregate_each_answer(db, out, aggregate_accepted_answer);
	aggregate_sort_rows(out->by_partner, out->n_by_partner);
	return rc;
}
