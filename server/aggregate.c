#include "aggregate.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "filing.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"

#define AGGREGATE_VN_OFFSET_S    ((int64_t)7 * 3600)
#define AGGREGATE_SUCCESSION_MAX 16

int32_t
aggregate_vn_day(int64_t ms)
{
	int64_t s = ms / 1000 + AGGREGATE_VN_OFFSET_S;

	return (int32_t)(s >= 0 ? s / 86400 : (s - 86399) / 86400);
}

int64_t
aggregate_vn_day_start_ms(int32_t day)
{
	return ((int64_t)day * 86400 - AGGREGATE_VN_OFFSET_S) * 1000;
}

void
aggregate_period(
    const Hoptac__V1__ReportingRequest *r, int32_t *from, int32_t *to)
{
	struct date_partial d;

	*from = date_parse(r->period_from, &d) == 0 ? date_first_day(&d)
	                                            : INT32_MIN;
	if (date_parse(r->period_to, &d) == 0 ||
	    date_parse(r->issued_on, &d) == 0)
		*to = date_last_day(&d);
	else
		*to = INT32_MAX;
}

/* The unit's activities in the request's period and partner scope,
 * grouped by partner when by_partner, into s (the caller's). */
static int
aggregate_unit_summary(struct store_conn *db,
    const Hoptac__V1__ReportingRequest *r, const char *unit, int by_partner,
    Hoptac__V1__SummaryResponse *s)
{
	static const int partner[1] = {
	    HOPTAC__V1__DIMENSION__DIMENSION_PARTNER};
	char *units[1] = {(char *)unit};
	struct store_summary_query q = {units, 1, r->partner_scope,
	    r->n_partner_scope, 0, 0, partner, by_partner ? 1 : 0, 0, 0};

	aggregate_period(r, &q.from_day, &q.to_day);
	return store_summary(db, &q, s);
}

/* Frees what a summary on the stack holds: its rows, totals and partial
 * dates. */
static void
aggregate_summary_fini(Hoptac__V1__SummaryResponse *s)
{
	for (size_t i = 0; i < s->n_rows; i++)
		hoptac__v1__summary_row__free_unpacked(s->rows[i], NULL);
	free(s->rows);
	if (s->totals != NULL)
		hoptac__v1__figures__free_unpacked(s->totals, NULL);
	if (s->partial_dates != NULL)
		hoptac__v1__partial_dates__free_unpacked(
		    s->partial_dates, NULL);
}

int
aggregate_figures(struct store_conn *db, const Hoptac__V1__ReportingRequest *r,
    const char *unit, Hoptac__V1__Figures **out)
{
	Hoptac__V1__SummaryResponse s = HOPTAC__V1__SUMMARY_RESPONSE__INIT;
	int rc = aggregate_unit_summary(db, r, unit, 0, &s);

	*out = s.totals;
	s.totals = NULL;
	aggregate_summary_fini(&s);
	return rc;
}

int
aggregate_partner_figures(struct store_conn *db,
    const Hoptac__V1__ReportingRequest *r, const char *unit, size_t *n,
    Hoptac__V1__PartnerFigures ***out)
{
	Hoptac__V1__SummaryResponse s = HOPTAC__V1__SUMMARY_RESPONSE__INIT;
	int rc = aggregate_unit_summary(db, r, unit, 1, &s);

	for (size_t i = 0; rc == STATUS_OK && i < s.n_rows; i++) {
		Hoptac__V1__PartnerFigures *p = malloc(sizeof(*p));

		if (p == NULL) {
			rc = STATUS_INTERNAL;
			break;
		}
		hoptac__v1__partner_figures__init(p);
		if (pbstr_append_ptr(n, (void ***)out, p) != 0) {
			free(p);
			rc = STATUS_INTERNAL;
			break;
		}
		/* The figures move from the row. */
		p->figures = s.rows[i]->figures;
		s.rows[i]->figures = NULL;
		if (s.rows[i]->n_keys < 1 ||
		    pbstr_set(&p->partner_code, s.rows[i]->keys[0]) != 0)
			rc = STATUS_INTERNAL;
	}
	aggregate_summary_fini(&s);
	return rc;
}

static int
aggregate_mismatch(Hoptac__V1__Report *rep, const char *figure,
    int32_t declared, int32_t computed)
{
	Hoptac__V1__FigureMismatch *m, **grown;

	if (declared == computed)
		return STATUS_OK;
	if ((m = malloc(sizeof(*m))) == NULL)
		return STATUS_INTERNAL;
	hoptac__v1__figure_mismatch__init(m);
	m->declared = declared;
	m->computed = computed;
	grown =
	    realloc(rep->mismatches, (rep->n_mismatches + 1) * sizeof(*grown));
	if (grown == NULL) {
		free(m);
		return STATUS_INTERNAL;
	}
	rep->mismatches = grown;
	rep->mismatches[rep->n_mismatches++] = m;
	return pbstr_set(&m->figure, figure) == 0 ? STATUS_OK : STATUS_INTERNAL;
}

void
aggregate_clear_figures(Hoptac__V1__Report *rep)
{
	if (rep->computed != NULL)
		hoptac__v1__figures__free_unpacked(rep->computed, NULL);
	rep->computed = NULL;
	for (size_t i = 0; i < rep->n_mismatches; i++)
		hoptac__v1__figure_mismatch__free_unpacked(
		    rep->mismatches[i], NULL);
	free(rep->mismatches);
	rep->mismatches = NULL;
	rep->n_mismatches = 0;
}

int
aggregate_each_answer(struct store_conn *db,
    Hoptac__V1__ConsolidateResponse *out,
    int (*fn)(struct store_conn *, Hoptac__V1__ConsolidateResponse *,
        const Hoptac__V1__Report *))
{
	const Hoptac__V1__ReportingRequest *r = out->request;

	for (size_t k = 0; r != NULL && k < r->n_unit_codes; k++) {
		Hoptac__V1__Report *rep = NULL;
		int rc = store_report_get(
		    db, r->reference, r->unit_codes[k], 0, &rep);

		if (rc == STATUS_NOT_FOUND)
			continue;
		if (rc == STATUS_OK)
			rc = fn(db, out, rep);
		if (rep != NULL)
			hoptac__v1__report__free_unpacked(rep, NULL);
		if (rc != STATUS_OK)
			return rc;
	}
	return STATUS_OK;
}

int
aggregate_mismatches(Hoptac__V1__Report *rep)
{
	const Hoptac__V1__Figures *d = rep->declared, *c = rep->computed;
	int rc = STATUS_OK;

	if (d == NULL || c == NULL)
		return STATUS_OK;
	rc |= aggregate_mismatch(
	    rep, "delegations_out", d->delegations_out, c->delegations_out);
	rc |=
	    aggregate_mismatch(rep, "people_out", d->people_out, c->people_out);
	rc |= aggregate_mismatch(
	    rep, "delegations_in", d->delegations_in, c->delegations_in);
	rc |= aggregate_mismatch(rep, "people_in", d->people_in, c->people_in);
	rc |= aggregate_mismatch(
	    rep, "conferences", d->conferences, c->conferences);
	rc |=
	    aggregate_mismatch(rep, "agreements", d->agreements, c->agreements);
	/* The total is often left out of a report: 0 is "not declared". */
	if (d->activities != 0)
		rc |= aggregate_mismatch(
		    rep, "activities", d->activities, c->activities);
	return rc == STATUS_OK ? STATUS_OK : STATUS_INTERNAL;
}

static int
aggregate_entry(struct store_conn *db, const Hoptac__V1__ReportingRequest *r,
    const char *unit, int32_t due, Hoptac__V1__CompletenessEntry *e,
    Hoptac__V1__CompletenessResponse *out)
{
	Hoptac__V1__Report *first = NULL, *last = NULL;
	Hoptac__V1__Unit *u = NULL;
	int rc;

	if (pbstr_set(&e->unit_code, unit) != 0)
		return STATUS_INTERNAL;
	rc = store_unit_get(db, unit, &u);
	if (rc == STATUS_OK) {
		rc = pbstr_set(&e->unit_name, u->name) == 0 ? STATUS_OK
		                                            : STATUS_INTERNAL;
		hoptac__v1__unit__free_unpacked(u, NULL);
	}
	if (rc != STATUS_OK && rc != STATUS_NOT_FOUND)
		return rc;
	rc = store_report_get(db, r->reference, unit, 1, &first);
	if (rc == STATUS_NOT_FOUND) {
		e->timeliness = HOPTAC__V1__TIMELINESS__TIMELINESS_MISSING;
		out->missing++;
		return STATUS_OK;
	}
	if (rc != STATUS_OK)
		return rc;
	rc = store_report_get(db, r->reference, unit, 0, &last);
	if (rc != STATUS_OK)
		goto out;
	if (filing_day(first) > due) {
		e->timeliness = HOPTAC__V1__TIMELINESS__TIMELINESS_LATE;
		out->late++;
	} else if (aggregate_vn_day(filing_received_ms(first)) > due) {
		e->timeliness =
		    HOPTAC__V1__TIMELINESS__TIMELINESS_DELIVERED_LATE;
		out->delivered_late++;
	} else {
		e->timeliness = HOPTAC__V1__TIMELINESS__TIMELINESS_ON_TIME;
		out->on_time++;
	}
	e->nil = last->nil;
	out->nil_reports += last->nil;
	e->revision = last->revision;
	e->status = last->status;
	e->submitted_at_ms = first->submitted_at_ms;
	e->received_at_ms = filing_received_ms(first);
	e->paper_received_at_ms = first->paper_received_at_ms;
	e->filed_at_ms = first->filed_at_ms;
	if (pbstr_set(&e->signed_on, first->signed_on) != 0)
		rc = STATUS_INTERNAL;
out:
	if (first != NULL)
		hoptac__v1__report__free_unpacked(first, NULL);
	if (last != NULL)
		hoptac__v1__report__free_unpacked(last, NULL);
	return rc;
}

int
aggregate_completeness(struct store_conn *db,
    const Hoptac__V1__ReportingRequest *r,
    Hoptac__V1__CompletenessResponse *out)
{
	struct date_partial d;
	int32_t due =
	    date_parse(r->due_on, &d) == 0 ? date_last_day(&d) : INT32_MAX;
	size_t len;
	uint8_t *buf;

	/* The request travels with its answer: a copy through the wire form
	 * is the simplest deep copy protobuf-c offers. */
	len = protobuf_c_message_get_packed_size(&r->base);
	if ((buf = malloc(len + 1)) == NULL)
		return STATUS_INTERNAL;
	protobuf_c_message_pack(&r->base, buf);
	out->request = hoptac__v1__reporting_request__unpack(NULL, len, buf);
	free(buf);
	if (out->request == NULL)
		return STATUS_INTERNAL;
	out->entries = calloc(r->n_unit_codes + 1, sizeof(*out->entries));
	if (out->entries == NULL)
		return STATUS_INTERNAL;
	out->expected = (int32_t)r->n_unit_codes;
	for (size_t i = 0; i < r->n_unit_codes; i++) {
		Hoptac__V1__CompletenessEntry *e = malloc(sizeof(*e));
		int rc;

		if (e == NULL)
			return STATUS_INTERNAL;
		hoptac__v1__completeness_entry__init(e);
		out->entries[out->n_entries++] = e;
		rc = aggregate_entry(db, r, r->unit_codes[i], due, e, out);
		if (rc != STATUS_OK)
			return rc;
	}
	return STATUS_OK;
}

int
aggregate_rollup_unit(struct store_conn *db, char **code)
{
	for (int hops = 0; hops < AGGREGATE_SUCCESSION_MAX; hops++) {
		Hoptac__V1__Unit *u = NULL;
		int rc = store_unit_get(db, *code, &u);

		if (rc == STATUS_NOT_FOUND)
			return STATUS_OK;
		if (rc != STATUS_OK)
			return rc;
		if (u->n_successor_codes == 0) {
			hoptac__v1__unit__free_unpacked(u, NULL);
			return STATUS_OK;
		}
		/* A unit split among several successors rolls up into the
		 * first, which the registry names as the main one. */
		rc = pbstr_set(code, u->successor_codes[0]);
		hoptac__v1__unit__free_unpacked(u, NULL);
		if (rc != 0)
			return STATUS_INTERNAL;
	}
	return STATUS_OK;
}
