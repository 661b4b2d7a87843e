/* hoptac.v1.Aggregates: completeness, reporting rates and summaries, all
 * read from the store in one call each (the consolidated report:
 * handle_consolidate.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "date.h"
#include "handle_aggregates.h"
#include "gazetteer.h"
#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "validity.h"

#define HANDLE_DIMS_MAX 4

int
handle_load_request(struct call *c, struct store_conn *db, const char *ref,
    Hoptac__V1__ReportingRequest **out)
{
	int rc = store_req_get(db, ref, out);

	if (rc == STATUS_NOT_FOUND)
		return call_fail(c, rc, "request %s not found", ref);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	return STATUS_OK;
}

int
handle_aggregates_completeness(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__CompletenessRequest *in =
	    (const Hoptac__V1__CompletenessRequest *)c->input;
	Hoptac__V1__CompletenessResponse *out = malloc(sizeof(*out));
	Hoptac__V1__ReportingRequest *r = NULL;
	int rc;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__completeness_response__init(out);
	c->output = &out->base;
	if (handle_load_request(c, db, in->request_reference, &r) != STATUS_OK)
		return c->status;
	rc = aggregate_completeness(db, r, out);
	hoptac__v1__reporting_request__free_unpacked(r, NULL);
	return rc == STATUS_OK ? STATUS_OK
	                       : call_fail(c, rc, "the store failed");
}

int
handle_aggregates_rate(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__ReportingRateRequest *in =
	    (const Hoptac__V1__ReportingRateRequest *)c->input;
	Hoptac__V1__ReportingRateResponse *out = malloc(sizeof(*out));
	Hoptac__V1__ListRequestsResponse reqs =
	    HOPTAC__V1__LIST_REQUESTS_RESPONSE__INIT;
	int rc;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__reporting_rate_response__init(out);
	c->output = &out->base;
	if (validate_id(in->unit_code, NULL, "unit_code", &c->violations) != 0)
		return handle_invalid(c);
	rc = store_req_list(db, in->unit_code, 0, &reqs);
	for (size_t i = 0; rc == STATUS_OK && i < reqs.n_requests; i++) {
		Hoptac__V1__ReportingRequest *r = reqs.requests[i];
		Hoptac__V1__CompletenessResponse *one;
		Hoptac__V1__ReportingRequest only = *r;
		char *units[1] = {in->unit_code};
		struct date_partial d;

		if (in->year != 0 &&
		    (date_parse(r->issued_on, &d) != 0 || d.year != in->year))
			continue;
		/* Completeness of this unit alone. */
		only.unit_codes = units;
		only.n_unit_codes = 1;
		/* On the heap: free_unpacked frees the message itself. */
		if ((one = malloc(sizeof(*one))) == NULL) {
			rc = STATUS_INTERNAL;
			break;
		}
		hoptac__v1__completeness_response__init(one);
		rc = aggregate_completeness(db, &only, one);
		out->expected++;
		out->answered += one->missing == 0;
		out->on_time += one->on_time + one->delivered_late;
		hoptac__v1__completeness_response__free_unpacked(one, NULL);
	}
	for (size_t i = 0; i < reqs.n_requests; i++)
		hoptac__v1__reporting_request__free_unpacked(
		    reqs.requests[i], NULL);
	free(reqs.requests);
	return rc == STATUS_OK ? STATUS_OK
	                       : call_fail(c, rc, "the store failed");
}

int
handle_aggregates_check_summary(struct call *c)
{
	Hoptac__V1__SummaryRequest *in = (Hoptac__V1__SummaryRequest *)c->input;
	struct violations *v = &c->violations;

	if (in->request_reference[0] != '\0')
		validate_text(&in->request_reference, NULL, "request_reference",
		    VALIDATE_ID_MAX, 1, v);
	validate_period(&in->from_date, NULL, "from_date", v);
	validate_period(&in->to_date, NULL, "to_date", v);
	if (in->unit_code[0] != '\0')
		validate_id(in->unit_code, NULL, "unit_code", v);
	if (in->partner[0] != '\0') {
		const struct gazetteer_partner *p =
		    gazetteer_resolve(in->partner);

		if (p == NULL)
			violations_add(v, NULL, "partner",
			    "unknown partner \"%s\"", in->partner);
		else if (pbstr_set(&in->partner, p->code) != 0)
			return call_fail(c, STATUS_INTERNAL, "out of memory");
	}
	if (in->kind != 0 && validate_activity_kind_name(in->kind) != NULL &&
	    strcmp(validate_activity_kind_name(in->kind), "unspecified") == 0)
		violations_add(v, NULL, "kind", "unknown kind %d", in->kind);
	if (in->n_group_by > HANDLE_DIMS_MAX)
		violations_add(v, NULL, "group_by", "at most %d dimensions",
		    HANDLE_DIMS_MAX);
	for (size_t i = 0; i < in->n_group_by; i++) {
		if (in->group_by[i] < HOPTAC__V1__DIMENSION__DIMENSION_UNIT ||
		    in->group_by[i] > HOPTAC__V1__DIMENSION__DIMENSION_MONTH)
			violations_add(v, NULL, "group_by",
			    "unknown dimension %d", (int)in->group_by[i]);
		for (size_t j = 0; j < i; j++)
			if (in->group_by[j] == in->group_by[i])
				violations_add(v, NULL, "group_by",
				    "a dimension appears twice");
	}
	return v->count > 0 ? handle_invalid(c) : STATUS_OK;
}

/* Adds every unit whose final successor is in the list (the units that
 * a rolled-up query must take in), as heap strings: those that existed
 * on some day of [from, to]. A record counts for the unit that existed
 * on its date, so a period after a unit ended never takes it in. */
static int
handle_expand_predecessors(
    struct store_conn *db, int32_t from, int32_t to, size_t *n, char ***units)
{
	Hoptac__V1__ListUnitsRequest q = HOPTAC__V1__LIST_UNITS_REQUEST__INIT;
	Hoptac__V1__ListUnitsResponse all =
	    HOPTAC__V1__LIST_UNITS_RESPONSE__INIT;
	size_t wanted = *n;
	int rc;

	q.include_ended = 1;
	if ((rc = store_unit_list(db, &q, 0, &all)) != STATUS_OK)
		goto out;
	for (size_t i = 0; i < all.n_units && rc == STATUS_OK; i++) {
		int32_t first, last;
		char *code;

		validity_days(all.units[i], &first, &last);
		if (last < from || first > to)
			continue;
		if ((code = strdup(all.units[i]->code)) == NULL) {
			rc = STATUS_INTERNAL;
			break;
		}
		rc = aggregate_rollup_unit(db, &code);
		for (size_t j = 0; rc == STATUS_OK && j < wanted; j++)
			if (strcmp(code, (*units)[j]) == 0 &&
			    strcmp(all.units[i]->code, (*units)[j]) != 0) {
				if (pbstr_append(
				        n, units, all.units[i]->code) != 0)
					rc = STATUS_INTERNAL;
				break;
			}
		pbstr_take(&code, NULL);
	}
out:
	for (size_t i = 0; i < all.n_units; i++)
		hoptac__v1__unit__free_unpacked(all.units[i], NULL);
	free(all.units);
	return rc;
}

static int
handle_row_cmp(const void *a, const void *b)
{
	const Hoptac__V1__SummaryRow *x = *(Hoptac__V1__SummaryRow *const *)a;
	const Hoptac__V1__SummaryRow *y = *(Hoptac__V1__SummaryRow *const *)b;

	for (size_t i = 0; i < x->n_keys && i < y->n_keys; i++) {
		int d = strcmp(x->keys[i], y->keys[i]);

		if (d != 0)
			return d;
	}
	return 0;
}

static void
handle_figures_add(Hoptac__V1__Figures *to, const Hoptac__V1__Figures *f)
{
	to->delegations_out += f->delegations_out;
	to->people_out += f->people_out;
	to->delegations_in += f->delegations_in;
	to->people_in += f->people_in;
	to->conferences += f->conferences;
	to->agreements += f->agreements;
	to->activities += f->activities;
}

/* Rewrites unit keys to the units' final successors, then merges rows
 * whose keys became equal. */
static int
handle_rollup_rows(
    struct store_conn *db, size_t unit_dim, Hoptac__V1__SummaryResponse *out)
{
	size_t kept = 0;
	int rc;

	for (size_t i = 0; i < out->n_rows; i++) {
		char **key = &out->rows[i]->keys[unit_dim];
		char *code = strdup(*key);

		if (code == NULL)
			return STATUS_INTERNAL;
		rc = aggregate_rollup_unit(db, &code);
		if (rc != STATUS_OK) {
			pbstr_take(&code, NULL);
			return rc;
		}
		free(*key);
		*key = code;
	}
	/* No rows: rows is NULL, and qsort(NULL, 0, ...) is undefined. */
	if (out->n_rows > 1)
		qsort(
		    out->rows, out->n_rows, sizeof(*out->rows), handle_row_cmp);
	for (size_t i = 0; i < out->n_rows; i++) {
		if (kept > 0 &&
		    handle_row_cmp(&out->rows[kept - 1], &out->rows[i]) == 0) {
			handle_figures_add(out->rows[kept - 1]->figures,
			    out->rows[i]->figures);
			hoptac__v1__summary_row__free_unpacked(
			    out->rows[i], NULL);
			continue;
		}
		out->rows[kept++] = out->rows[i];
	}
	out->n_rows = kept;
	return STATUS_OK;
}

/* Kind keys come back as numbers: give them their names. */
static int
handle_name_kinds(size_t dim, Hoptac__V1__SummaryResponse *out)
{
	for (size_t i = 0; i < out->n_rows; i++) {
		char **key = &out->rows[i]->keys[dim];
		char *name = strdup(validate_activity_kind_name(atoi(*key)));

		if (name == NULL)
			return STATUS_INTERNAL;
		free(*key);
		*key = name;
	}
	return STATUS_OK;
}

int
handle_summary_run(struct call *c, struct store_conn *db,
    const Hoptac__V1__SummaryRequest *in, Hoptac__V1__SummaryResponse *out)
{
	Hoptac__V1__ReportingRequest *r = NULL;
	struct store_summary_query q = {
	    NULL, 0, NULL, 0, INT32_MIN, INT32_MAX, NULL, 0, 0, in->kind};
	char **units = NULL, **partners = NULL; /* heap lists, owned here */
	size_t n_units = 0, n_partners = 0;
	int dims[HANDLE_DIMS_MAX];
	int rc = STATUS_OK;

	if (in->request_reference[0] != '\0') {
		if (handle_load_request(c, db, in->request_reference, &r) !=
		    STATUS_OK)
			return c->status;
		aggregate_period(r, &q.from_day, &q.to_day);
		for (size_t i = 0; i < r->n_unit_codes && rc == STATUS_OK; i++)
			if (in->unit_code[0] == '\0' ||
			    strcmp(in->unit_code, r->unit_codes[i]) == 0)
				rc = pbstr_append(
				    &n_units, &units, r->unit_codes[i]);
		for (size_t i = 0; i < r->n_partner_scope && rc == STATUS_OK;
		     i++)
			rc = pbstr_append(
			    &n_partners, &partners, r->partner_scope[i]);
	} else if (in->unit_code[0] != '\0') {
		rc = pbstr_append(&n_units, &units, in->unit_code);
	}
	if (rc == STATUS_OK && in->partner[0] != '\0') {
		/* The check left a code; a group's stands for its members. */
		const struct gazetteer_partner *g =
		    gazetteer_resolve(in->partner);

		pbstr_clear_all(&n_partners, &partners);
		if (g != NULL && g->level == GAZETTEER_GROUP)
			for (size_t i = 0;
			     g->members[i] != NULL && rc == STATUS_OK; i++)
				rc = pbstr_append(
				    &n_partners, &partners, g->members[i]);
		else
			rc = pbstr_append(&n_partners, &partners, in->partner);
	}
	if (rc != STATUS_OK) {
		rc = STATUS_INTERNAL;
		goto out;
	}
	date_span_first_day(in->from_date, &q.from_day);
	date_span_last_day(in->to_date, &q.to_day);
	/* A request that asked nobody (or not this unit) counts nothing. */
	if (r != NULL && n_units == 0)
		q.to_day = q.from_day - 1;
	if (in->rollup && n_units > 0 &&
	    (rc = handle_expand_predecessors(
	         db, q.from_day, q.to_day, &n_units, &units)) != STATUS_OK)
		goto out;
	for (size_t i = 0; i < in->n_group_by; i++)
		dims[i] = (int)in->group_by[i];
	q.units = units;
	q.n_units = n_units;
	q.partners = partners;
	q.n_partners = n_partners;
	q.dims = dims;
	q.n_dims = in->n_group_by;
	if ((rc = store_summary(db, &q, out)) != STATUS_OK)
		goto out;
	for (size_t i = 0; i < in->n_group_by && rc == STATUS_OK; i++) {
		if (dims[i] == HOPTAC__V1__DIMENSION__DIMENSION_KIND)
			rc = handle_name_kinds(i, out);
		else if (dims[i] == HOPTAC__V1__DIMENSION__DIMENSION_UNIT &&
		    in->rollup)
			rc = handle_rollup_rows(db, i, out);
	}
out:
	pbstr_clear_all(&n_units, &units);
	pbstr_clear_all(&n_partners, &partners);
	if (r != NULL)
		hoptac__v1__reporting_request__free_unpacked(r, NULL);
	if (rc != STATUS_OK && c->status == STATUS_OK)
		call_fail(c, rc, "the summary could not be computed");
	return rc;
}

int
handle_aggregates_summary(struct call *c, struct store_conn *db)
{
	Hoptac__V1__SummaryRequest *in = (Hoptac__V1__SummaryRequest *)c->input;
	Hoptac__V1__SummaryResponse *out = malloc(sizeof(*out));

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__summary_response__init(out);
	c->output = &out->base;
	/* An office counts its own records only, never the province's. */
	if (auth_scope_filter(c, db, &in->unit_code) != STATUS_OK)
		return c->status;
	if (handle_summary_run(c, db, in, out) != STATUS_OK)
		return c->status;
	return STATUS_OK;
}

int
handle_name_rows(
    struct store_conn *db, Hoptac__V1__SummaryRow **rows, size_t n, int units)
{
	for (size_t i = 0; i < n; i++) {
		const char *code = rows[i]->keys[0];
		Hoptac__V1__Unit *u = NULL;
		const char *name = code;
		int rc;

		if (units) {
			rc = store_unit_get(db, code, &u);
			if (rc != STATUS_OK && rc != STATUS_NOT_FOUND)
				return rc;
			if (u != NULL)
				name = u->name;
		} else if (gazetteer_resolve(code) != NULL) {
			name = gazetteer_resolve(code)->name;
		}
		rc = pbstr_append(&rows[i]->n_keys, &rows[i]->keys, name);
		if (u != NULL)
			hoptac__v1__unit__free_unpacked(u, NULL);
		if (rc != 0)
			return STATUS_INTERNAL;
	}
	return STATUS_OK;
}
