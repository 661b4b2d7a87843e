/*
 * hoptac.v1.Activities/Duplicates and Link: the department finds the
 * records that are likely one event reported twice, and a reviewer says
 * whether they are (docs/duplicates.md). The likeness is dupes.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "dupes.h"
#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "validate.h"

#define HANDLE_DUPES_PAGE_DEFAULT 100
#define HANDLE_DUPES_PAGE_MAX     1000
/* Records one listing compares at most: a year of a province's records
 * is some thousands. */
#define HANDLE_DUPES_RECORDS_MAX 20000

#define HANDLE_SAME  HOPTAC__V1__LINK_VERDICT__LINK_VERDICT_SAME_EVENT
#define HANDLE_OTHER HOPTAC__V1__LINK_VERDICT__LINK_VERDICT_DISTINCT

/* A pair found: indexes into the period's records. */
struct handle_dupe {
	size_t i, j;
	int score; /* percent */
	int verdict;
	struct dupes_match m;
};

/* "N", a decimal offset into the listing: the page token. */
static int
handle_dupes_token(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	*out = 0;
	if (s[0] == '\0')
		return 0;
	if (s[0] < '0' || s[0] > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || v > HANDLE_DUPES_RECORDS_MAX * 1000ull)
		return -1;
	*out = (size_t)v;
	return 0;
}

int
handle_activities_check_duplicates(struct call *c)
{
	Hoptac__V1__ListDuplicatesRequest *in =
	    (Hoptac__V1__ListDuplicatesRequest *)c->input;
	struct violations *v = &c->violations;
	size_t off;

	validate_date(&in->from_date, NULL, "from_date", 1, NULL, v);
	validate_date(&in->to_date, NULL, "to_date", 1, NULL, v);
	if (in->page_size > HANDLE_DUPES_PAGE_MAX)
		violations_add(v, NULL, "page_size", "at most %d, got %u",
		    HANDLE_DUPES_PAGE_MAX, in->page_size);
	if (handle_dupes_token(in->page_token, &off) != 0)
		violations_add(
		    v, NULL, "page_token", "is not a token this server gave");
	return v->count > 0 ? handle_invalid(c) : STATUS_OK;
}

/* Orders two records by unit, then id: a pair's first is the smaller. */
static int
handle_ref_cmp(const char *ua, const char *ia, const char *ub, const char *ib)
{
	int d = strcmp(ua, ub);

	return d != 0 ? d : strcmp(ia, ib);
}

/* The verdict kept on the pair of records x and y, or 0. */
static int
handle_dupes_verdict(Hoptac__V1__ActivityLink *const *links, size_t n,
    const Hoptac__V1__Activity *x, const Hoptac__V1__Activity *y)
{
	if (handle_ref_cmp(x->unit_code, x->id, y->unit_code, y->id) > 0) {
		const Hoptac__V1__Activity *t = x;

		x = y;
		y = t;
	}
	for (size_t k = 0; k < n; k++)
		if (links[k]->a != NULL && links[k]->b != NULL &&
		    handle_ref_cmp(links[k]->a->unit_code, links[k]->a->id,
		        x->unit_code, x->id) == 0 &&
		    handle_ref_cmp(links[k]->b->unit_code, links[k]->b->id,
		        y->unit_code, y->id) == 0)
			return (int)links[k]->verdict;
	return 0;
}

/* Highest score first; then by the first record's start, for a listing
 * that reads the same each time. */
static int
handle_dupe_cmp(const void *pa, const void *pb)
{
	const struct handle_dupe *a = pa, *b = pb;

	if (a->score != b->score)
		return b->score - a->score;
	if (a->i != b->i)
		return a->i < b->i ? -1 : 1;
	return a->j < b->j ? -1 : a->j > b->j;
}

/* A copy of the record a for the reply (caller frees), or NULL. */
static Hoptac__V1__Activity *
handle_activity_copy(const Hoptac__V1__Activity *a)
{
	size_t len = protobuf_c_message_get_packed_size(&a->base);
	uint8_t *buf = malloc(len ? len : 1);
	Hoptac__V1__Activity *copy;

	if (buf == NULL)
		return NULL;
	protobuf_c_message_pack(&a->base, buf);
	copy = hoptac__v1__activity__unpack(NULL, len, buf);
	free(buf);
	return copy;
}

/* The pairs worth a reviewer's look among the n records of ev (sorted
 * by first day): likely ones, and linked ones; none said distinct. */
static int
handle_dupes_find(Hoptac__V1__Activity *const *acts,
    const struct dupes_event *ev, size_t n,
    Hoptac__V1__ActivityLink *const *links, size_t n_links,
    struct handle_dupe **out, size_t *n_out)
{
	struct handle_dupe *pairs = NULL;
	size_t np = 0, cap = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1;
		     j < n && ev[j].first_day <= ev[i].last_day + 1; j++) {
			struct dupes_match m;
			int verdict;

			if (ev[i].kind < 0 ||
			    !dupes_compare(&ev[i], &ev[j], &m))
				continue;
			verdict = handle_dupes_verdict(
			    links, n_links, acts[i], acts[j]);
			if (verdict == HANDLE_OTHER ||
			    (verdict != HANDLE_SAME &&
			        m.score < DUPES_THRESHOLD))
				continue;
			if (np == cap) {
				struct handle_dupe *p;

				cap = cap ? cap * 2 : 16;
				if ((p = realloc(pairs, cap * sizeof(*p))) ==
				    NULL) {
					free(pairs);
					return STATUS_INTERNAL;
				}
				pairs = p;
			}
			pairs[np++] = (struct handle_dupe) {
			    i, j, (int)(m.score * 100 + 0.5), verdict, m};
		}
	if (np > 1)
		qsort(pairs, np, sizeof(*pairs), handle_dupe_cmp);
	*out = pairs;
	*n_out = np;
	return STATUS_OK;
}

/* The reply's pairs from off on, at most size of them. */
static int
handle_dupes_page(Hoptac__V1__ListDuplicatesResponse *out,
    Hoptac__V1__Activity *const *acts, const struct dupes_event *ev,
    const struct handle_dupe *pairs, size_t np, size_t off, size_t size)
{
	char why[512], next[24];

	out->total = np;
	for (size_t k = off; k < np && k < off + size; k++) {
		const struct handle_dupe *d = &pairs[k];
		Hoptac__V1__DuplicatePair *p = malloc(sizeof(*p));

		if (p == NULL)
			return STATUS_INTERNAL;
		hoptac__v1__duplicate_pair__init(p);
		if (pbstr_append_ptr(&out->n_pairs, (void ***)&out->pairs, p) !=
		    0) {
			free(p);
			return STATUS_INTERNAL;
		}
		dupes_reason(&ev[d->i], &ev[d->j], &d->m, why, sizeof(why));
		p->score = d->score;
		p->verdict = d->verdict == HANDLE_SAME
		    ? HANDLE_SAME
		    : HOPTAC__V1__LINK_VERDICT__LINK_VERDICT_UNSPECIFIED;
		if ((p->a = handle_activity_copy(acts[d->i])) == NULL ||
		    (p->b = handle_activity_copy(acts[d->j])) == NULL ||
		    pbstr_set(&p->reason, why) != 0)
			return STATUS_INTERNAL;
	}
	if (off + size < np) {
		snprintf(next, sizeof(next), "%zu", off + size);
		if (pbstr_set(&out->next_page_token, next) != 0)
			return STATUS_INTERNAL;
	}
	return STATUS_OK;
}

int
handle_activities_duplicates(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__ListDuplicatesRequest *in =
	    (const Hoptac__V1__ListDuplicatesRequest *)c->input;
	Hoptac__V1__ListDuplicatesResponse *out = malloc(sizeof(*out));
	Hoptac__V1__ListActivitiesResponse win =
	    HOPTAC__V1__LIST_ACTIVITIES_RESPONSE__INIT;
	Hoptac__V1__ActivityLink **links = NULL;
	struct dupes_event *ev = NULL; /* one per record of win */
	struct handle_dupe *pairs = NULL;
	struct date_partial d;
	size_t n_links = 0, np = 0, off = 0;
	int32_t from, to;
	int rc;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__list_duplicates_response__init(out);
	c->output = &out->base;
	if (date_parse(in->from_date, &d) != 0)
		return call_fail(c, STATUS_INVALID_ARGUMENT, "from_date");
	from = date_first_day(&d);
	if (date_parse(in->to_date, &d) != 0)
		return call_fail(c, STATUS_INVALID_ARGUMENT, "to_date");
	to = date_last_day(&d);
	handle_dupes_token(in->page_token, &off);
	rc =
	    store_activity_window(db, from, to, HANDLE_DUPES_RECORDS_MAX, &win);
	if (rc == STATUS_RESOURCE_EXHAUSTED)
		return call_fail(c, rc,
		    "the period holds more than %d records: ask for a "
		    "shorter one",
		    HANDLE_DUPES_RECORDS_MAX);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	if ((ev = calloc(win.n_activities + 1, sizeof(*ev))) == NULL) {
		rc = STATUS_INTERNAL;
		goto out;
	}
	for (size_t i = 0; i < win.n_activities; i++) {
		const Hoptac__V1__Activity *a = win.activities[i];

		/* A record whose dates no longer parse compares with none. */
		if (dupes_event_init(&ev[i], a->kind, a->start_date,
		        a->end_date, a->partner_codes, a->n_partner_codes,
		        a->title, a->people) != STATUS_OK)
			ev[i].kind = -1;
	}
	if ((rc = store_link_list(db, from, to, &n_links, &links)) !=
	        STATUS_OK ||
	    (rc = handle_dupes_find(win.activities, ev, win.n_activities, links,
	         n_links, &pairs, &np)) != STATUS_OK ||
	    (rc = handle_dupes_page(out, win.activities, ev, pairs, np, off,
	         in->page_size ? in->page_size : HANDLE_DUPES_PAGE_DEFAULT)) !=
	        STATUS_OK)
		goto out;
out:
	if (rc != STATUS_OK)
		call_fail(c, rc, "the store failed");
	free(pairs);
	for (size_t i = 0; ev != NULL && i < win.n_activities; i++)
		dupes_event_clear(&ev[i]);
	free(ev);
	for (size_t i = 0; i < n_links; i++)
		hoptac__v1__activity_link__free_unpacked(links[i], NULL);
	free(links);
	for (size_t i = 0; i < win.n_activities; i++)
		hoptac__v1__activity__free_unpacked(win.activities[i], NULL);
	free(win.activities);
	return rc;
}

/* Checks one of the pair's records, named by its unit and id. */
static void
handle_check_ref(
    const Hoptac__V1__ActivityRef *r, const char *name, struct violations *v)
{
	if (r == NULL) {
		violations_add(v, NULL, name, "is required");
		return;
	}
	validate_id(r->unit_code, name, "unit_code", v);
	validate_id(r->id, name, "id", v);
}

int
handle_activities_check_link(struct call *c)
{
	Hoptac__V1__LinkActivitiesRequest *in =
	    (Hoptac__V1__LinkActivitiesRequest *)c->input;
	struct violations *v = &c->violations;

	handle_check_ref(in->a, "a", v);
	handle_check_ref(in->b, "b", v);
	if (v->count == 0)
		call_target(c, "activities %s/%s %s/%s", in->a->unit_code,
		    in->a->id, in->b->unit_code, in->b->id);
	if (v->count == 0 &&
	    handle_ref_cmp(
	        in->a->unit_code, in->a->id, in->b->unit_code, in->b->id) == 0)
		violations_add(v, NULL, "b", "names the same record as a");
	if (in->verdict != HANDLE_SAME && in->verdict != HANDLE_OTHER)
		violations_add(v, NULL, "verdict",
		    "must be LINK_VERDICT_SAME_EVENT or LINK_VERDICT_DISTINCT");
	validate_text(&in->note, NULL, "note", VALIDATE_SHORT_MAX, 0, v);
	return v->count > 0 ? handle_invalid(c) : STATUS_OK;
}

/* A copy of r into *out (caller frees). A status. */
static int
handle_ref_copy(const Hoptac__V1__ActivityRef *r, Hoptac__V1__ActivityRef **out)
{
	if ((*out = malloc(sizeof(**out))) == NULL)
		return STATUS_INTERNAL;
	hoptac__v1__activity_ref__init(*out);
	if (pbstr_set(&(*out)->unit_code, r->unit_code) != 0 ||
	    pbstr_set(&(*out)->id, r->id) != 0)
		return STATUS_INTERNAL;
	return STATUS_OK;
}

int
handle_activities_link(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__LinkActivitiesRequest *in =
	    (const Hoptac__V1__LinkActivitiesRequest *)c->input;
	const Hoptac__V1__ActivityRef *first = in->a, *second = in->b;
	Hoptac__V1__LinkActivitiesResponse *out = malloc(sizeof(*out));
	Hoptac__V1__ActivityLink *l;
	int rc;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__link_activities_response__init(out);
	c->output = &out->base;
	for (int k = 0; k < 2; k++) {
		const Hoptac__V1__ActivityRef *r = k == 0 ? in->a : in->b;
		Hoptac__V1__Activity *a = NULL;

		rc = store_activity_get(db, r->unit_code, r->id, &a);
		if (a != NULL)
			hoptac__v1__activity__free_unpacked(a, NULL);
		if (rc == STATUS_NOT_FOUND)
			return call_fail(c, rc,
			    "activity %s of unit %s not found", r->id,
			    r->unit_code);
		if (rc != STATUS_OK)
			return call_fail(c, rc, "the store failed");
	}
	if (handle_ref_cmp(first->unit_code, first->id, second->unit_code,
	        second->id) > 0) {
		first = in->b;
		second = in->a;
	}
	if ((l = out->link = malloc(sizeof(*l))) == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__activity_link__init(l);
	l->verdict = in->verdict;
	l->decided_at_ms = call_wall_ms();
	if (handle_ref_copy(first, &l->a) != STATUS_OK ||
	    handle_ref_copy(second, &l->b) != STATUS_OK ||
	    pbstr_set(&l->note, in->note) != 0 ||
	    pbstr_set(&l->credential_id, c->who.id) != 0)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	if ((rc = store_link_put(db, l)) != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	return STATUS_OK;
}
