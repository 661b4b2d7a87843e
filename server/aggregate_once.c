/*
 * One event reported by two units counts once above them: the totals of
 * a consolidated report leave out the records a reviewer linked as the
 * same event as another counted record (Activities/Link,
 * docs/duplicates.md). Each unit's row keeps its own records.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "date.h"
#include "status.h"
#include "store.h"

/* A record met in a link, and the group of linked records it is in. */
struct aggregate_node {
	Hoptac__V1__Activity *a; /* owned */
	size_t parent;           /* union-find */
};

struct aggregate_nodes {
	struct aggregate_node *v;
	size_t n;
};

static size_t
aggregate_root(struct aggregate_nodes *g, size_t i)
{
	while (g->v[i].parent != i)
		i = g->v[i].parent = g->v[g->v[i].parent].parent;
	return i;
}

/* Whether the consolidated report counts the record a: active, starting
 * in the period, of a unit with a row, with a partner in scope. */
static int
aggregate_counted(const Hoptac__V1__ConsolidateResponse *out,
    const Hoptac__V1__Activity *a, int32_t from, int32_t to)
{
	const Hoptac__V1__ReportingRequest *r = out->request;
	struct date_partial d;
	int32_t start;
	int row = 0, scoped = r->n_partner_scope == 0;

	if (a->state != HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_ACTIVE ||
	    date_parse(a->start_date, &d) != 0)
		return 0;
	start = date_first_day(&d);
	if (start < from || start > to)
		return 0;
	for (size_t i = 0; i < out->n_by_unit && !row; i++)
		row = out->by_unit[i]->n_keys > 0 &&
		    strcmp(out->by_unit[i]->keys[0], a->unit_code) == 0;
	for (size_t i = 0; i < r->n_partner_scope && !scoped; i++)
		for (size_t k = 0; k < a->n_partner_codes && !scoped; k++) {
			size_t len = strlen(r->partner_scope[i]);

			scoped = strncmp(a->partner_codes[k],
			             r->partner_scope[i], len) == 0 &&
			    (a->partner_codes[k][len] == '\0' ||
			        a->partner_codes[k][len] == '-');
		}
	return row && scoped;
}

/* The node of ref's record, added when new; SIZE_MAX when the report
 * does not count it (or it is gone), *rc set on failure. */
static size_t
aggregate_node(struct store_conn *db, struct aggregate_nodes *g,
    const Hoptac__V1__ConsolidateResponse *out,
    const Hoptac__V1__ActivityRef *ref, int32_t from, int32_t to, int *rc)
{
	Hoptac__V1__Activity *a = NULL;
	struct aggregate_node *grown;

	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->v[i].a->unit_code, ref->unit_code) == 0 &&
		    strcmp(g->v[i].a->id, ref->id) == 0)
			return i;
	*rc = store_activity_get(db, ref->unit_code, ref->id, &a);
	if (*rc == STATUS_NOT_FOUND)
		*rc = STATUS_OK;
	if (a == NULL || !aggregate_counted(out, a, from, to)) {
		if (a != NULL)
			hoptac__v1__activity__free_unpacked(a, NULL);
		return SIZE_MAX;
	}
	if ((grown = realloc(g->v, (g->n + 1) * sizeof(*grown))) == NULL) {
		hoptac__v1__activity__free_unpacked(a, NULL);
		*rc = STATUS_INTERNAL;
		return SIZE_MAX;
	}
	g->v = grown;
	g->v[g->n] = (struct aggregate_node) {a, g->n};
	return g->n++;
}

/* Takes record a's part out of the totals f. */
static void
aggregate_uncount(Hoptac__V1__Figures *f, const Hoptac__V1__Activity *a)
{
	switch (a->kind) {
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT:
		f->delegations_out--;
		f->people_out -= a->people;
		break;
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN:
		f->delegations_in--;
		f->people_in -= a->people;
		break;
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE:
		f->conferences--;
		break;
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_AGREEMENT:
		f->agreements--;
		break;
	default:
		break;
	}
	f->activities--;
}

int
aggregate_count_once(
    struct store_conn *db, Hoptac__V1__ConsolidateResponse *out)
{
	Hoptac__V1__ActivityLink **links = NULL;
	struct aggregate_nodes g = {NULL, 0};
	size_t n_links = 0;
	int32_t from, to;
	int rc;

	if (out->request == NULL || out->totals == NULL)
		return STATUS_OK;
	aggregate_period(out->request, &from, &to);
	rc = store_link_list(db, from, to, &n_links, &links);
	for (size_t i = 0; rc == STATUS_OK && i < n_links; i++) {
		size_t x, y;

		if (links[i]->verdict !=
		        HOPTAC__V1__LINK_VERDICT__LINK_VERDICT_SAME_EVENT ||
		    links[i]->a == NULL || links[i]->b == NULL)
			continue;
		x = aggregate_node(db, &g, out, links[i]->a, from, to, &rc);
		if (x == SIZE_MAX)
			continue;
		y = aggregate_node(db, &g, out, links[i]->b, from, to, &rc);
		if (y != SIZE_MAX)
			g.v[aggregate_root(&g, x)].parent =
			    aggregate_root(&g, y);
	}
	/* Each group of linked records is one event: the record with the
	 * most people stands for it, the others leave the totals. */
	for (size_t i = 0; rc == STATUS_OK && i < g.n; i++) {
		size_t keep = SIZE_MAX, root = aggregate_root(&g, i);

		for (size_t k = 0; k < g.n; k++)
			if (aggregate_root(&g, k) == root &&
			    (keep == SIZE_MAX ||
			        g.v[k].a->people > g.v[keep].a->people))
				keep = k;
		if (keep != i) {
			aggregate_uncount(out->totals, g.v[i].a);
			out->duplicates_counted_once++;
		}
	}
	for (size_t i = 0; i < g.n; i++)
		hoptac__v1__activity__free_unpacked(g.v[i].a, NULL);
	free(g.v);
	for (size_t i = 0; i < n_links; i++)
		hoptac__v1__activity_link__free_unpacked(links[i], NULL);
	free(links);
	return rc;
}
