/* hoptac.v1.Requests: the department's reporting requests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "validity.h"

int
handle_requests_check_create(struct call *c)
{
	Hoptac__V1__CreateRequestRequest *in =
	    (Hoptac__V1__CreateRequestRequest *)c->input;

	if (validate_request(in->request, "request", &c->violations) > 0)
		return handle_invalid(c);
	return STATUS_OK;
}

int
handle_requests_create(struct call *c, struct store_conn *db)
{
	Hoptac__V1__CreateRequestRequest *in =
	    (Hoptac__V1__CreateRequestRequest *)c->input;
	Hoptac__V1__ReportingRequest *r = in->request;
	Hoptac__V1__CreateRequestResponse *out;
	char field[48];
	struct date_partial d;
	int32_t issued = date_today();
	int rc;

	/* A unit that ended before the request was issued cannot answer
	 * it: its successor does. */
	if (date_parse(r->issued_on, &d) == 0)
		issued = date_first_day(&d);
	if ((rc = validity_check_unit(c, db, r->issuer_unit, issued, "request",
	         "issuer_unit", "yêu cầu do đơn vị kế tiếp ban hành")) !=
	    STATUS_OK)
		return call_fail(c, rc, "the store failed");
	for (size_t i = 0; i < r->n_unit_codes; i++) {
		snprintf(field, sizeof(field), "unit_codes[%zu]", i);
		if ((rc = validity_check_unit(c, db, r->unit_codes[i], issued,
		         "request", field, "gửi yêu cầu cho đơn vị kế tiếp")) !=
		    STATUS_OK)
			return call_fail(c, rc, "the store failed");
	}
	if (c->violations.count > 0)
		return handle_invalid(c);
	r->created_at_ms = call_wall_ms();
	call_target(c, "request %s", r->reference);
	rc = store_req_insert(db, r);
	if (rc == STATUS_ALREADY_EXISTS)
		return call_fail(
		    c, rc, "request %s already exists", r->reference);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	if ((out = malloc(sizeof(*out))) == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__create_request_response__init(out);
	out->request = r; /* moved from the request */
	in->request = NULL;
	c->output = &out->base;
	return STATUS_OK;
}

/* Whether the caller may read r: an office, when r asks its unit. */
static int
handle_requests_addressed(
    const struct call *c, const Hoptac__V1__ReportingRequest *r)
{
	const char *own = auth_office_unit(c);

	if (own == NULL)
		return 1;
	for (size_t i = 0; i < r->n_unit_codes; i++)
		if (strcmp(r->unit_codes[i], own) == 0)
			return 1;
	return 0;
}

int
handle_requests_get(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__GetRequestRequest *in =
	    (const Hoptac__V1__GetRequestRequest *)c->input;
	Hoptac__V1__GetRequestResponse *out;
	Hoptac__V1__ReportingRequest *r = NULL;
	int rc = store_req_get(db, in->reference, &r);

	if (rc == STATUS_NOT_FOUND)
		return call_fail(c, rc, "request %s not found", in->reference);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	if (!handle_requests_addressed(c, r)) {
		hoptac__v1__reporting_request__free_unpacked(r, NULL);
		return call_fail(c, STATUS_PERMISSION_DENIED,
		    "request %s is not addressed to %s", in->reference,
		    auth_office_unit(c));
	}
	if ((out = malloc(sizeof(*out))) == NULL) {
		hoptac__v1__reporting_request__free_unpacked(r, NULL);
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	}
	hoptac__v1__get_request_response__init(out);
	out->request = r;
	c->output = &out->base;
	return STATUS_OK;
}

int
handle_requests_list(struct call *c, struct store_conn *db)
{
	Hoptac__V1__ListRequestsRequest *in =
	    (Hoptac__V1__ListRequestsRequest *)c->input;
	Hoptac__V1__ListRequestsResponse *out = malloc(sizeof(*out));
	int rc;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__list_requests_response__init(out);
	c->output = &out->base;
	if (auth_scope_filter(c, db, &in->unit_code) != STATUS_OK)
		return c->status;
	rc = store_req_list(db, in->unit_code, in->open_only, out);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	return STATUS_OK;
}
