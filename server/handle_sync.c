/* hoptac.v1.Sync: what concerns an office since its last pull. */
#include <stdlib.h>
#include <string.h>

#include "gazetteer.h"
#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "reppage.h"
#include "status.h"
#include "store.h"

/* Rows committed while a pull reads may carry times a little before its
 * start: the cursor steps back this much, and offices keep the newest
 * copy of what they get twice. */
#define HANDLE_SYNC_OVERLAP_MS 5000

int
handle_sync_check_pull(struct call *c)
{
	const Hoptac__V1__PullRequest *in =
	    (const Hoptac__V1__PullRequest *)c->input;
	int64_t stamp;

	validate_id(in->unit_code, NULL, "unit_code", &c->violations);
	if (in->since_ms < 0)
		violations_add(
		    &c->violations, NULL, "since_ms", "must not be negative");
	if (reppage_check(in->page_token, &stamp) != 0)
		violations_add(&c->violations, NULL, "page_token",
		    "is not a next_page_token of Sync/Pull: pull from the "
		    "first page (no token) again");
	return c->violations.count > 0 ? handle_invalid(c) : STATUS_OK;
}

/* Keeps the items of a repeated field for which keep() says so, freeing
 * the others. */
static void
handle_sync_filter(
    size_t *n, void **items, int64_t since, int (*keep)(const void *, int64_t))
{
	size_t kept = 0;

	for (size_t i = 0; i < *n; i++) {
		if (keep(items[i], since))
			items[kept++] = items[i];
		else
			protobuf_c_message_free_unpacked(items[i], NULL);
	}
	*n = kept;
}

static int
handle_sync_new_request(const void *m, int64_t since)
{
	return ((const Hoptac__V1__ReportingRequest *)m)->created_at_ms > since;
}

static int
handle_sync_new_report(const void *m, int64_t since)
{
	const Hoptac__V1__Report *r = m;

	return r->received_at_ms > since || r->reviewed_at_ms > since;
}

static int
handle_sync_new_unit(const void *m, int64_t since)
{
	return ((const Hoptac__V1__Unit *)m)->created_at_ms > since;
}

/* The gazetteer as messages, for an office's first pull. */
static int
handle_sync_partners(Hoptac__V1__PullResponse *out)
{
	size_t n;
	const struct gazetteer_partner *const *all = gazetteer_list(&n);

	if ((out->partners = calloc(n + 1, sizeof(*out->partners))) == NULL)
		return STATUS_INTERNAL;
	for (size_t i = 0; i < n; i++) {
		Hoptac__V1__Partner *p = handle_partners_message(all[i]);

		if (p == NULL)
			return STATUS_INTERNAL;
		out->partners[out->n_partners++] = p;
	}
	return STATUS_OK;
}

/* The first page carries the requests, units and gazetteer with the
 * first reports; the next pages more reports (reppage.h). The cursor is
 * the first page's time, carried by the tokens, and it is answered on the
 * last page only: a page before it answers since_ms, so that a client
 * that stops early pulls again what it did not get. */
int
handle_sync_pull(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__PullRequest *in =
	    (const Hoptac__V1__PullRequest *)c->input;
	Hoptac__V1__PullResponse *out = malloc(sizeof(*out));
	Hoptac__V1__ListRequestsResponse reqs =
	    HOPTAC__V1__LIST_REQUESTS_RESPONSE__INIT;
	Hoptac__V1__ListReportsResponse reps =
	    HOPTAC__V1__LIST_REPORTS_RESPONSE__INIT;
	Hoptac__V1__ListUnitsRequest uq = HOPTAC__V1__LIST_UNITS_REQUEST__INIT;
	Hoptac__V1__ListUnitsResponse units =
	    HOPTAC__V1__LIST_UNITS_RESPONSE__INIT;
	int first = in->page_token[0] == '\0';
	int64_t cursor = call_wall_ms() - HANDLE_SYNC_OVERLAP_MS;
	int rc = STATUS_OK;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__pull_response__init(out);
	c->output = &out->base;
	if (auth_may_read(c, db, in->unit_code) != STATUS_OK)
		return c->status;
	if (!first)
		reppage_check(in->page_token, &cursor);
	uq.include_ended = 1;
	if (first)
		rc = store_req_list(db, in->unit_code, 0, &reqs);
	if (rc == STATUS_OK)
		rc = store_report_list(db, "", in->unit_code, 0, &reps);
	if (rc == STATUS_OK && first)
		rc = store_unit_list(db, &uq, 0, &units);
	/* The lists move into the reply, filtered to what is new. */
	handle_sync_filter(&reqs.n_requests, (void **)reqs.requests,
	    in->since_ms, handle_sync_new_request);
	out->requests = reqs.requests;
	out->n_requests = reqs.n_requests;
	handle_sync_filter(&reps.n_reports, (void **)reps.reports, in->since_ms,
	    handle_sync_new_report);
	out->reports = reps.reports;
	out->n_reports = reps.n_reports;
	handle_sync_filter(&units.n_units, (void **)units.units, in->since_ms,
	    handle_sync_new_unit);
	out->units = units.units;
	out->n_units = units.n_units;
	if (rc == STATUS_OK)
		rc = reppage_cut(&out->n_reports, out->reports, in->page_token,
		    cursor, &out->next_page_token);
	if (rc == STATUS_OK && first && in->since_ms == 0)
		rc = handle_sync_partners(out);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	out->cursor_ms =
	    out->next_page_token[0] == '\0' ? cursor : in->since_ms;
	return STATUS_OK;
}
