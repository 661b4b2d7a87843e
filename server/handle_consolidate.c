/*
 * hoptac.v1.Aggregates/Consolidate: everything the consolidated report
 * needs, in pages (docs/protocol.md). The first page carries the request,
 * completeness and the figures; each page then carries, in the request's
 * order of units, each unit's latest answer without its sections and the
 * sections as narratives, until it holds half a reply's limit. A unit's
 * narratives may go on over the next page.
 *
 * The token names where the next page starts and how many revisions of
 * answers were stored when the first page was read: a revision received
 * meanwhile makes the next page ABORTED, so that no document mixes two
 * states of an answer.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "handle_aggregates.h"
#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "rpc.h"
#include "status.h"
#include "store.h"

/* What a page holds at most, but for its first piece: half the reply
 * limit, leaving room for the first page's figures and for one more
 * piece (a section is at most VALIDATE_LONG_MAX characters). */
#define HANDLE_PAGE_BYTES (RPC_MAX_MESSAGE / 2)
/* What an element of a repeated field adds to its own size at most: its
 * tag and its length. */
#define HANDLE_ELEMENT_BYTES 6

/* Where a page starts: the unit (an index into the request's
 * unit_codes), its first piece (handle_piece's k), and the count of
 * stored revisions (store_report_count) when the first page was read. */
struct handle_page_token {
	uint64_t unit;
	uint64_t piece;
	uint64_t stamp;
};

/* The page being built. */
struct handle_page {
	Hoptac__V1__ConsolidateResponse *out;
	size_t size;  /* packed size so far, at most */
	size_t items; /* reports and narratives placed */
	int first;    /* the first page: its figures count as an item */
};

static int
handle_token_number(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*out = v;
	return 0;
}

/* "unit.piece.stamp", decimal: what handle_token_format writes. */
static int
handle_token_parse(const char *s, struct handle_page_token *t)
{
	if (handle_token_number(&s, &t->unit) != 0 || *s++ != '.' ||
	    handle_token_number(&s, &t->piece) != 0 || *s++ != '.' ||
	    handle_token_number(&s, &t->stamp) != 0 || *s != '\0')
		return -1;
	return 0;
}

static int
handle_token_format(char **field, const struct handle_page_token *t)
{
	char buf[72];

	snprintf(buf, sizeof(buf), "%" PRIu64 ".%" PRIu64 ".%" PRIu64, t->unit,
	    t->piece, t->stamp);
	return pbstr_set(field, buf) == 0 ? STATUS_OK : STATUS_INTERNAL;
}

int
handle_aggregates_check_consolidate(struct call *c)
{
	const Hoptac__V1__ConsolidateRequest *in =
	    (const Hoptac__V1__ConsolidateRequest *)c->input;
	struct handle_page_token t;

	if (in->page_token[0] != '\0' &&
	    handle_token_parse(in->page_token, &t) != 0) {
		violations_add(&c->violations, NULL, "page_token",
		    "is not a next_page_token of Consolidate: ask for the "
		    "first page (no token) again");
		return handle_invalid(c);
	}
	return STATUS_OK;
}

/* The k-th piece of text of rep in the document's order: situation, each
 * result, limitations, causes, directions, proposals. 0 past the last. */
static int
handle_piece(const Hoptac__V1__Report *rep, uint64_t k, const char **section,
    const char **heading, const char **text)
{
	static const char *const after[] = {
	    "limitations", "causes", "directions", "proposals"};
	const char *const texts[] = {
	    rep->limitations, rep->causes, rep->directions, rep->proposals};

	*heading = "";
	if (k == 0) {
		*section = "situation";
		*text = rep->situation;
		return 1;
	}
	k--;
	if (k < rep->n_results) {
		*section = "results";
		*heading = rep->results[k]->heading;
		*text = rep->results[k]->text;
		return 1;
	}
	k -= rep->n_results;
	if (k >= sizeof(after) / sizeof(after[0]))
		return 0;
	*section = after[k];
	*text = texts[k];
	return 1;
}

/* Whether an element of add bytes still fits, counting it in if so: a
 * page takes its first item whatever its size. */
static int
handle_page_take(struct handle_page *pg, size_t add)
{
	add += HANDLE_ELEMENT_BYTES;
	if (pg->size + add > HANDLE_PAGE_BYTES && (pg->first || pg->items > 0))
		return 0;
	pg->size += add;
	pg->items++;
	return 1;
}

/* Leaves the sections out of rep: the narratives carry them. */
static int
handle_strip_sections(Hoptac__V1__Report *rep)
{
	for (size_t i = 0; i < rep->n_results; i++)
		hoptac__v1__report_result__free_unpacked(rep->results[i], NULL);
	free(rep->results);
	rep->results = NULL;
	rep->n_results = 0;
	if (pbstr_set(&rep->situation, NULL) != 0 ||
	    pbstr_set(&rep->limitations, NULL) != 0 ||
	    pbstr_set(&rep->causes, NULL) != 0 ||
	    pbstr_set(&rep->directions, NULL) != 0 ||
	    pbstr_set(&rep->proposals, NULL) != 0)
		return STATUS_INTERNAL;
	return STATUS_OK;
}

/* Places rep's answer (from piece 0) and its narratives from t->piece on
 * the page while they fit; *full when one did not, t->piece then naming
 * it. Takes rep. */
static int
handle_page_unit(struct handle_page *pg, Hoptac__V1__Report *rep,
    const char *unit_name, struct handle_page_token *t, int *full)
{
	Hoptac__V1__ConsolidateResponse *out = pg->out;
	Hoptac__V1__Report bare = *rep;
	const char *section, *heading, *text;
	int with_report = 0, rc = STATUS_OK;

	*full = 0;
	if (t->piece == 0) {
		bare.situation = bare.limitations = bare.causes =
		    bare.directions = bare.proposals = (char *)"";
		bare.n_results = 0;
		bare.results = NULL;
		with_report = handle_page_take(
		    pg, protobuf_c_message_get_packed_size(&bare.base));
		*full = !with_report;
	}
	for (; !*full && rc == STATUS_OK &&
	     handle_piece(rep, t->piece, &section, &heading, &text);
	     t->piece++) {
		Hoptac__V1__Narrative *n;

		if (text[0] == '\0')
			continue;
		if ((n = malloc(sizeof(*n))) == NULL) {
			rc = STATUS_INTERNAL;
			break;
		}
		hoptac__v1__narrative__init(n);
		if (pbstr_set(&n->section, section) != 0 ||
		    pbstr_set(&n->unit_code, rep->unit_code) != 0 ||
		    pbstr_set(&n->unit_name, unit_name) != 0 ||
		    pbstr_set(&n->heading, heading) != 0 ||
		    pbstr_set(&n->text, text) != 0)
			rc = STATUS_INTERNAL;
		else if (!handle_page_take(
		             pg, protobuf_c_message_get_packed_size(&n->base)))
			*full = 1;
		else if (pbstr_append_ptr(&out->n_narratives,
		             (void ***)&out->narratives, n) != 0)
			rc = STATUS_INTERNAL;
		if (rc != STATUS_OK || *full) {
			hoptac__v1__narrative__free_unpacked(n, NULL);
			break;
		}
	}
	if (rc == STATUS_OK && with_report &&
	    (rc = handle_strip_sections(rep)) == STATUS_OK) {
		if (pbstr_append_ptr(
		        &out->n_reports, (void ***)&out->reports, rep) == 0)
			return STATUS_OK;
		rc = STATUS_INTERNAL;
	}
	hoptac__v1__report__free_unpacked(rep, NULL);
	return rc;
}

/* The page's texts from t on, in the request's order of units; t ends
 * where the next page starts, *more set when there is one. */
static int
handle_page_texts(struct store_conn *db, const Hoptac__V1__ReportingRequest *r,
    struct handle_page *pg, struct handle_page_token *t, int *more)
{
	*more = 0;
	for (; t->unit < r->n_unit_codes; t->unit++, t->piece = 0) {
		const char *code = r->unit_codes[t->unit];
		Hoptac__V1__Report *rep = NULL;
		Hoptac__V1__Unit *u = NULL;
		int rc, full;

		rc = store_report_get(db, r->reference, code, 0, &rep);
		if (rc == STATUS_NOT_FOUND)
			continue;
		/* Its figures and mismatches as the table counts them. */
		if (rc == STATUS_OK)
			rc = aggregate_declared_refresh(db, r, rep);
		if (rc != STATUS_OK) {
			if (rep != NULL)
				hoptac__v1__report__free_unpacked(rep, NULL);
			return rc;
		}
		rc = store_unit_get(db, code, &u);
		if (rc != STATUS_OK && rc != STATUS_NOT_FOUND) {
			hoptac__v1__report__free_unpacked(rep, NULL);
			return rc;
		}
		rc = handle_page_unit(
		    pg, rep, u != NULL ? u->name : "", t, &full);
		if (u != NULL)
			hoptac__v1__unit__free_unpacked(u, NULL);
		if (rc != STATUS_OK)
			return rc;
		if (full) {
			*more = 1;
			return STATUS_OK;
		}
	}
	return STATUS_OK;
}

/* The first page's part: the request, the department's name,
 * completeness and the figures. */
static int
handle_consolidate_head(struct call *c, struct store_conn *db, const char *ref,
    Hoptac__V1__ConsolidateResponse *out)
{
	Hoptac__V1__SummaryRequest sq = HOPTAC__V1__SUMMARY_REQUEST__INIT;
	Hoptac__V1__SummaryResponse by_unit =
	    HOPTAC__V1__SUMMARY_RESPONSE__INIT;
	Hoptac__V1__SummaryResponse by_partner =
	    HOPTAC__V1__SUMMARY_RESPONSE__INIT;
	Hoptac__V1__Dimension dim;
	Hoptac__V1__Unit *issuer = NULL;
	int rc;

	if ((out->completeness = malloc(sizeof(*out->completeness))) == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__completeness_response__init(out->completeness);
	if (handle_load_request(c, db, ref, &out->request) != STATUS_OK)
		return c->status;
	rc = aggregate_completeness(db, out->request, out->completeness);
	if (rc == STATUS_OK) {
		rc = store_unit_get(db, out->request->issuer_unit, &issuer);
		if (rc == STATUS_OK)
			rc = pbstr_set(&out->issuer_name, issuer->name) == 0
			    ? STATUS_OK
			    : STATUS_INTERNAL;
		else if (rc == STATUS_NOT_FOUND)
			rc = STATUS_OK;
		if (issuer != NULL)
			hoptac__v1__unit__free_unpacked(issuer, NULL);
	}
	sq.request_reference = (char *)ref;
	sq.n_group_by = 1;
	sq.group_by = &dim;
	dim = HOPTAC__V1__DIMENSION__DIMENSION_UNIT;
	if (rc == STATUS_OK &&
	    handle_summary_run(c, db, &sq, &by_unit) != STATUS_OK)
		return c->status;
	dim = HOPTAC__V1__DIMENSION__DIMENSION_PARTNER;
	if (rc == STATUS_OK &&
	    handle_summary_run(c, db, &sq, &by_partner) != STATUS_OK)
		rc = c->status;
	/* The rows move into the reply; the totals are by_unit's. */
	out->by_unit = by_unit.rows;
	out->n_by_unit = by_unit.n_rows;
	out->totals = by_unit.totals;
	out->partial_dates = by_unit.partial_dates;
	out->by_partner = by_partner.rows;
	out->n_by_partner = by_partner.n_rows;
	out->partner_totals = by_partner.totals;
	if (by_partner.partial_dates != NULL)
		hoptac__v1__partial_dates__free_unpacked(
		    by_partner.partial_dates, NULL);
	if (rc != STATUS_OK)
		return c->status != STATUS_OK
		    ? c->status
		    : call_fail(c, rc, "the store failed");
	if ((rc = handle_name_rows(db, out->by_unit, out->n_by_unit, 1)) !=
	        STATUS_OK ||
	    (rc = handle_name_rows(
	         db, out->by_partner, out->n_by_partner, 0)) != STATUS_OK ||
	    (rc = aggregate_freeze_accepted(db, out)) != STATUS_OK ||
	    (rc = aggregate_count_once(db, out)) != STATUS_OK ||
	    (rc = aggregate_declared_rows(db, out)) != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	return STATUS_OK;
}

/* ABORTED unless the count of stored revisions is still t's. */
static int
handle_consolidate_same(struct call *c, struct store_conn *db, const char *ref,
    const struct handle_page_token *t)
{
	int64_t count = 0;
	int rc = store_report_count(db, ref, &count);

	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	if ((uint64_t)count != t->stamp)
		return call_fail(c, STATUS_ABORTED,
		    "the answers to %s changed since the first page was read: "
		    "ask for the first page again",
		    ref);
	return STATUS_OK;
}

int
handle_aggregates_consolidate(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__ConsolidateRequest *in =
	    (const Hoptac__V1__ConsolidateRequest *)c->input;
	Hoptac__V1__ConsolidateResponse *out = malloc(sizeof(*out));
	Hoptac__V1__ReportingRequest *req = NULL; /* owned here, or out's */
	struct handle_page_token t = {0, 0, 0};
	struct handle_page pg = {out, 0, 0, in->page_token[0] == '\0'};
	int64_t count = 0;
	int rc, more;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__consolidate_response__init(out);
	c->output = &out->base;
	/* The count comes first: a revision stored while the texts are read
	 * changes it, and the next page's check sees it. */
	if (pg.first) {
		if ((rc = store_report_count(
		         db, in->request_reference, &count)) != STATUS_OK)
			return call_fail(c, rc, "the store failed");
		t.stamp = (uint64_t)count;
		if (handle_consolidate_head(
		        c, db, in->request_reference, out) != STATUS_OK)
			return c->status;
		req = out->request;
	} else {
		if (handle_token_parse(in->page_token, &t) != 0)
			return call_fail(c, STATUS_INVALID_ARGUMENT,
			    "page_token is not a next_page_token");
		if (handle_consolidate_same(c, db, in->request_reference, &t) !=
		        STATUS_OK ||
		    handle_load_request(c, db, in->request_reference, &req) !=
		        STATUS_OK)
			return c->status;
		if (t.unit >= req->n_unit_codes) {
			rc = call_fail(c, STATUS_INVALID_ARGUMENT,
			    "page_token is past the last unit of %s",
			    req->reference);
			goto out;
		}
	}
	pg.size = protobuf_c_message_get_packed_size(&out->base);
	rc = handle_page_texts(db, req, &pg, &t, &more);
	if (rc == STATUS_OK && more)
		rc = handle_token_format(&out->next_page_token, &t);
	if (rc != STATUS_OK) {
		rc = call_fail(c, rc, "the store failed");
		goto out;
	}
	/* A later page read while a revision came in is ABORTED; on the
	 * first, such a revision changed the count after the stamp was
	 * taken, and the next page finds it. A reply of one page is one
	 * call, read as any other call is. */
	if (!pg.first)
		rc = handle_consolidate_same(c, db, in->request_reference, &t);
out:
	if (req != out->request)
		hoptac__v1__reporting_request__free_unpacked(req, NULL);
	return rc;
}
