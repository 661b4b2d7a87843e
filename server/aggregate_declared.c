/*
 * Declared totals are an answer: an office may answer with its totals
 * and no record per delegation. The consolidated report takes each
 * unit's row from its answer and its records and says where the figures
 * come from: the declaration alone (kê khai), the records alone (ghi
 * nhận), both agreeing (khớp), or both differing (chênh lệch), where the
 * row counts what the office declared, which is what the department
 * signs, and the note under the table gives the records' figures.
 * A report file declares no figures by partner: the table by partner
 * takes a declaration only when the request is about one partner.
 */
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "status.h"
#include "store.h"

/* Whether the records hold anything for the unit: a row frozen at
 * nothing or of withdrawn records counts as none. */
static int
aggregate_declared_has_records(const Hoptac__V1__Figures *r)
{
	return r != NULL && r->activities > 0;
}

/* Whether the declaration says what the records say; a total of
 * activities left at 0 is not declared (report-format.md). */
static int
aggregate_declared_agree(
    const Hoptac__V1__Figures *d, const Hoptac__V1__Figures *r)
{
	return d->delegations_out == r->delegations_out &&
	    d->people_out == r->people_out &&
	    d->delegations_in == r->delegations_in &&
	    d->people_in == r->people_in && d->conferences == r->conferences &&
	    d->agreements == r->agreements &&
	    (d->activities == 0 || d->activities == r->activities);
}

/* The row's figures and source for one unit's answer with a
 * declaration, the totals moved by what the row changes. A request about
 * one partner makes the declaration that partner's: its row in by_partner
 * and partner_totals move too. */
static int
aggregate_declared_unit(struct store_conn *db,
    Hoptac__V1__ConsolidateResponse *out, const Hoptac__V1__Report *rep)
{
	const Hoptac__V1__Figures *d = rep->declared;
	const Hoptac__V1__ReportingRequest *r = out->request;
	Hoptac__V1__Figures moved = HOPTAC__V1__FIGURES__INIT;
	Hoptac__V1__SummaryRow *row;
	Hoptac__V1__Figures want;

	(void)db;
	if (d == NULL)
		return STATUS_OK;
	if ((row = aggregate_unit_row(out, rep->unit_code)) == NULL)
		return STATUS_INTERNAL;
	want = *d;

	want.base.n_unknown_fields = 0;
	want.base.unknown_fields = NULL;
	if (!aggregate_declared_has_records(row->figures)) {
		row->source = HOPTAC__V1__FIGURE_SOURCE__FIGURE_SOURCE_DECLARED;
		/* No total declared: the activities the declaration names. */
		if (want.activities == 0)
			want.activities = d->delegations_out +
			    d->delegations_in + d->conferences + d->agreements;
	} else if (aggregate_declared_agree(d, row->figures)) {
		row->source = HOPTAC__V1__FIGURE_SOURCE__FIGURE_SOURCE_AGREE;
		return STATUS_OK;
	} else {
		row->source = HOPTAC__V1__FIGURE_SOURCE__FIGURE_SOURCE_DIFFER;
		if (want.activities == 0)
			want.activities = row->figures->activities;
	}
	for (size_t i = 0; i < AGGREGATE_N_FIGURES; i++) {
		int32_t *now = aggregate_figure_slot(row->figures, i);
		int32_t to = *aggregate_figure_slot(&want, i);

		*aggregate_figure_slot(&moved, i) = to - *now;
		*aggregate_figure_slot(out->totals, i) += to - *now;
		*now = to;
	}
	if (r == NULL || r->n_partner_scope != 1)
		return STATUS_OK;
	if (aggregate_figures_alloc(&out->partner_totals) != STATUS_OK)
		return STATUS_INTERNAL;
	for (size_t i = 0; i < AGGREGATE_N_FIGURES; i++)
		*aggregate_figure_slot(out->partner_totals, i) +=
		    *aggregate_figure_slot(&moved, i);
	return aggregate_partner_add(out, r->partner_scope[0], &moved, 1);
}

int
aggregate_declared_rows(
    struct store_conn *db, Hoptac__V1__ConsolidateResponse *out)
{
	Hoptac__V1__FigureSources *n;
	int rc;

	if (aggregate_figures_alloc(&out->totals) != STATUS_OK ||
	    (out->sources == NULL &&
	        (out->sources = malloc(sizeof(*out->sources))) == NULL))
		return STATUS_INTERNAL;
	n = out->sources;
	hoptac__v1__figure_sources__init(n);
	if ((rc = aggregate_each_answer(db, out, aggregate_declared_unit)) !=
	    STATUS_OK)
		return rc;
	/* Rows made for declarations go among the others, by code. */
	aggregate_sort_rows(out->by_unit, out->n_by_unit);
	for (size_t i = 0; i < out->n_by_unit; i++) {
		Hoptac__V1__SummaryRow *row = out->by_unit[i];

		switch (row->source) {
		case HOPTAC__V1__FIGURE_SOURCE__FIGURE_SOURCE_DECLARED:
			n->declared++;
			break;
		case HOPTAC__V1__FIGURE_SOURCE__FIGURE_SOURCE_AGREE:
			n->agree++;
			break;
		case HOPTAC__V1__FIGURE_SOURCE__FIGURE_SOURCE_DIFFER:
			n->differ++;
			break;
		default:
			row->source =
			    HOPTAC__V1__FIGURE_SOURCE__FIGURE_SOURCE_RECORDS;
			n->records++;
		}
	}
	return STATUS_OK;
}

int
aggregate_declared_refresh(struct store_conn *db,
    const Hoptac__V1__ReportingRequest *r, Hoptac__V1__Report *rep)
{
	Hoptac__V1__Figures *now = NULL;
	int rc = STATUS_OK;

	if (rep->status == HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_ACCEPTED &&
	    rep->accepted != NULL) {
		if ((rc = aggregate_figures_alloc(&now)) != STATUS_OK)
			return rc;
		for (size_t i = 0; i < AGGREGATE_N_FIGURES; i++)
			*aggregate_figure_slot(now, i) =
			    *aggregate_figure_slot(rep->accepted, i);
	} else if ((rc = aggregate_figures(db, r, rep->unit_code, &now)) !=
	    STATUS_OK) {
		if (now != NULL)
			hoptac__v1__figures__free_unpacked(now, NULL);
		return rc;
	}
	aggregate_clear_figures(rep);
	rep->computed = now;
	/* Without records the declaration is the unit's figures: nothing
	 * to differ from. */
	if (!aggregate_declared_has_records(now))
		return STATUS_OK;
	return aggregate_mismatches(rep);
}
