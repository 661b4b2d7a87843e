/* hoptac.v1.Units. */
#include <stdlib.h>

#include "date.h"
#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "status.h"
#include "store.h"

int
handle_units_check_create(struct call *c)
{
	Hoptac__V1__CreateUnitRequest *in =
	    (Hoptac__V1__CreateUnitRequest *)c->input;

	if (in->unit == NULL) {
		violations_add(&c->violations, NULL, "unit", "is required");
		return call_fail(
		    c, STATUS_INVALID_ARGUMENT, "unit is required");
	}
	if (validate_unit(in->unit, "unit", &c->violations) > 0)
		return call_fail(c, STATUS_INVALID_ARGUMENT, "invalid unit");
	return STATUS_OK;
}

int
handle_units_create(struct call *c, struct store_conn *db)
{
	Hoptac__V1__CreateUnitRequest *in =
	    (Hoptac__V1__CreateUnitRequest *)c->input;
	Hoptac__V1__CreateUnitResponse *out;
	Hoptac__V1__Unit *u = in->unit;
	int rc;

	if (u->parent_code[0] != '\0') {
		rc = store_unit_get(db, u->parent_code, NULL);
		if (rc == STATUS_NOT_FOUND) {
			violations_add(&c->violations, "unit", "parent_code",
			    "unknown unit \"%s\"", u->parent_code);
			return call_fail(c, STATUS_INVALID_ARGUMENT,
			    "unknown parent unit %s", u->parent_code);
		}
		if (rc != STATUS_OK)
			return call_fail(c, rc, "the store failed");
	}
	u->created_at_ms = call_wall_ms();
	call_target(c, "unit %s", u->code);
	rc = store_unit_insert(db, u);
	if (rc == STATUS_ALREADY_EXISTS)
		return call_fail(c, rc, "unit %s already exists", u->code);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	if ((out = malloc(sizeof(*out))) == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__create_unit_response__init(out);
	out->unit = u; /* moved from the request */
	in->unit = NULL;
	c->output = &out->base;
	return STATUS_OK;
}

int
handle_units_list(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__ListUnitsRequest *in =
	    (const Hoptac__V1__ListUnitsRequest *)c->input;
	Hoptac__V1__ListUnitsResponse *out = malloc(sizeof(*out));
	int rc;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__list_units_response__init(out);
	c->output = &out->base;
	rc = store_unit_list(db, in, date_today(), out);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	return STATUS_OK;
}
