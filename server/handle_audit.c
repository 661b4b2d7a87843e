/* hoptac.v1.Audit: the department searches the trail of mutating and
 * refused calls. Nothing here or anywhere can change it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "audit_digest.h"
#include "date.h"
#include "handlers.h"
#include "hoptac/v1/auth.pb-c.h"
#include "status.h"
#include "store.h"

#define HANDLE_AUDIT_PAGE_DEFAULT 100
#define HANDLE_AUDIT_PAGE_MAX     1000

int
handle_audit_check_search(struct call *c)
{
	Hoptac__V1__SearchAuditRequest *in =
	    (Hoptac__V1__SearchAuditRequest *)c->input;
	int64_t seq;
	char rest;

	if (in->credential_id[0] != '\0')
		validate_id(
		    in->credential_id, NULL, "credential_id", &c->violations);
	if (in->unit_code[0] != '\0')
		validate_id(in->unit_code, NULL, "unit_code", &c->violations);
	validate_text(&in->method, NULL, "method", (size_t)VALIDATE_ID_MAX * 2,
	    0, &c->violations);
	validate_period(&in->since, NULL, "since", &c->violations);
	validate_period(&in->until, NULL, "until", &c->violations);
	if (in->page_size < 0 || in->page_size > HANDLE_AUDIT_PAGE_MAX)
		violations_add(&c->violations, NULL, "page_size",
		    "must be 0..%d", HANDLE_AUDIT_PAGE_MAX);
	if (in->page_token[0] != '\0' &&
	    (sscanf(in->page_token, "%" SCNd64 "%c", &seq, &rest) != 1 ||
	        seq <= 0))
		violations_add(
		    &c->violations, NULL, "page_token", "is not a page token");
	return c->violations.count > 0 ? handle_invalid(c) : STATUS_OK;
}

int
handle_audit_search(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__SearchAuditRequest *in =
	    (const Hoptac__V1__SearchAuditRequest *)c->input;
	Hoptac__V1__SearchAuditResponse *out = malloc(sizeof(*out));
	struct store_audit_query q = {0};
	int32_t day;
	int rc;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__search_audit_response__init(out);
	c->output = &out->base;
	q.credential_id = in->credential_id;
	q.unit_code = in->unit_code;
	q.method = in->method;
	q.refused_only = in->refused_only;
	q.limit = in->page_size > 0 ? in->page_size : HANDLE_AUDIT_PAGE_DEFAULT;
	if (in->since[0] != '\0' && date_span_first_day(in->since, &day) == 0)
		q.since_ms = aggregate_vn_day_start_ms(day);
	if (in->until[0] != '\0' && date_span_last_day(in->until, &day) == 0)
		q.until_ms = aggregate_vn_day_start_ms(day + 1);
	if (in->page_token[0] != '\0')
		sscanf(in->page_token, "%" SCNd64, &q.before_seq);
	rc = store_audit_search(db, &q, out);
	return rc == STATUS_OK ? STATUS_OK
	                       : call_fail(c, rc, "the store failed");
}

int
handle_audit_check_prune(struct call *c)
{
	const Hoptac__V1__PruneAuditRequest *in =
	    (const Hoptac__V1__PruneAuditRequest *)c->input;
	size_t hex = strspn(in->sha256, "0123456789abcdef");

	if (in->through_seq <= 0)
		violations_add(&c->violations, NULL, "through_seq",
		    "must be the sequence number of the newest row archived");
	if (in->count <= 0)
		violations_add(&c->violations, NULL, "count",
		    "must be the number of rows archived");
	if (hex != AUDIT_DIGEST_HEX - 1 || in->sha256[hex] != '\0')
		violations_add(&c->violations, NULL, "sha256",
		    "must be 64 lowercase hexadecimal digits");
	return c->violations.count > 0 ? handle_invalid(c) : STATUS_OK;
}

static int
handle_audit_digest_row(void *arg, const Hoptac__V1__AuditEntry *e)
{
	return audit_digest_add(arg, e) == 0 ? STATUS_OK : STATUS_INTERNAL;
}

/* The rows go only when they are what the archive holds: the same
 * number, and the same digest, computed here over what would go. */
int
handle_audit_prune(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__PruneAuditRequest *in =
	    (const Hoptac__V1__PruneAuditRequest *)c->input;
	Hoptac__V1__PruneAuditResponse *out = malloc(sizeof(*out));
	struct audit_digest d;
	char hex[AUDIT_DIGEST_HEX];
	int rc;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__prune_audit_response__init(out);
	c->output = &out->base;
	call_target(c, "audit through %" PRId64, in->through_seq);
	audit_digest_init(&d);
	rc = store_audit_each(db, in->through_seq, handle_audit_digest_row, &d);
	audit_digest_finish(&d, hex);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	if (d.count != in->count || strcmp(hex, in->sha256) != 0)
		return call_fail(c, STATUS_FAILED_PRECONDITION,
		    "the trail up to row %" PRId64 " is not what was archived "
		    "(%" PRId64 " rows here, %" PRId64
		    " in the archive, or another digest): nothing removed",
		    in->through_seq, d.count, in->count);
	rc = store_audit_prune(db, in->through_seq, in->count, in->sha256,
	    c->who.id, call_wall_ms());
	if (rc == STATUS_FAILED_PRECONDITION)
		return call_fail(c, rc,
		    "row %" PRId64 " is the newest of the trail, or below an "
		    "earlier archive: the newest row is always kept",
		    in->through_seq);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	out->pruned = in->count;
	return STATUS_OK;
}
