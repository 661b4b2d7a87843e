/* hoptac.v1.Units. */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
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

/* OK when the parent unit exists; else a failed call. */
static int
handle_units_parent(struct call *c, struct store_conn *db, const char *code)
{
	int rc = store_unit_get(db, code, NULL);

	if (rc == STATUS_NOT_FOUND) {
		violations_add(&c->violations, "unit", "parent_code",
		    "unknown unit \"%s\"", code);
		return call_fail(
		    c, STATUS_INVALID_ARGUMENT, "unknown parent unit %s", code);
	}
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
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

	if (u->parent_code[0] != '\0' &&
	    (rc = handle_units_parent(c, db, u->parent_code)) != STATUS_OK)
		return rc;
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

/* Whether name is among the fields req asks to empty. */
static int
handle_units_clears(const Hoptac__V1__AmendUnitRequest *in, const char *name)
{
	for (size_t i = 0; i < in->n_clear; i++)
		if (strcmp(in->clear[i], name) == 0)
			return 1;
	return 0;
}

int
handle_units_check_amend(struct call *c)
{
	Hoptac__V1__AmendUnitRequest *in =
	    (Hoptac__V1__AmendUnitRequest *)c->input;
	static const char *const clearable[] = {
	    "parent_code", "valid_from", "valid_to", "successor_codes"};

	call_target(c, "unit %s", in->code);
	validate_id(in->code, NULL, "code", &c->violations);
	for (size_t i = 0; i < in->n_clear; i++) {
		size_t k = 0;

		while (k < 4 && strcmp(in->clear[i], clearable[k]) != 0)
			k++;
		if (k == 4)
			violations_add(&c->violations, NULL, "clear",
			    "\"%s\" cannot be emptied (parent_code, "
			    "valid_from, valid_to, successor_codes)",
			    in->clear[i]);
	}
	return c->violations.count > 0 ? handle_invalid(c) : STATUS_OK;
}

/* Replaces *field with value when value is set, empties it when clear
 * names it. Returns a status. */
static int
handle_units_merge(const Hoptac__V1__AmendUnitRequest *in, const char *name,
    const char *value, char **field)
{
	if (handle_units_clears(in, name))
		value = "";
	else if (value[0] == '\0')
		return STATUS_OK;
	return pbstr_set(field, value) == 0 ? STATUS_OK : STATUS_INTERNAL;
}

/* The stored unit with the request's changes, validated as a new one. */
static int
handle_units_amended(
    struct call *c, Hoptac__V1__AmendUnitRequest *in, Hoptac__V1__Unit *u)
{
	int rc = handle_units_merge(in, "name", in->name, &u->name);

	if (rc == STATUS_OK)
		rc = handle_units_merge(
		    in, "parent_code", in->parent_code, &u->parent_code);
	if (rc == STATUS_OK)
		rc = handle_units_merge(
		    in, "valid_from", in->valid_from, &u->valid_from);
	if (rc == STATUS_OK)
		rc = handle_units_merge(
		    in, "valid_to", in->valid_to, &u->valid_to);
	if (rc == STATUS_OK &&
	    (in->n_successor_codes > 0 ||
	        handle_units_clears(in, "successor_codes"))) {
		char **old = u->successor_codes;
		size_t n_old = u->n_successor_codes;

		/* Swapped, so that the request frees the old list. */
		u->successor_codes = in->successor_codes;
		u->n_successor_codes = in->n_successor_codes;
		in->successor_codes = old;
		in->n_successor_codes = n_old;
	}
	if (rc != STATUS_OK)
		return call_fail(c, rc, "out of memory");
	if (validate_unit(u, "unit", &c->violations) > 0)
		return handle_invalid(c);
	return STATUS_OK;
}

int
handle_units_amend(struct call *c, struct store_conn *db)
{
	Hoptac__V1__AmendUnitRequest *in =
	    (Hoptac__V1__AmendUnitRequest *)c->input;
	Hoptac__V1__AmendUnitResponse *out;
	Hoptac__V1__Unit *u = NULL; /* owned until moved to out */
	int rc = store_unit_get(db, in->code, &u);

	if (rc == STATUS_NOT_FOUND)
		return call_fail(c, rc, "unit %s not found", in->code);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	rc = handle_units_amended(c, in, u);
	if (rc == STATUS_OK && u->parent_code[0] != '\0')
		rc = handle_units_parent(c, db, u->parent_code);
	for (size_t i = 0; rc == STATUS_OK && i < u->n_successor_codes; i++)
		if ((rc = store_unit_get(db, u->successor_codes[i], NULL)) ==
		    STATUS_NOT_FOUND) {
			violations_add(&c->violations, "unit",
			    "successor_codes", "unknown unit \"%s\"",
			    u->successor_codes[i]);
			rc = handle_invalid(c);
		} else if (rc != STATUS_OK) {
			rc = call_fail(c, rc, "the store failed");
		}
	if (rc == STATUS_OK && (rc = store_unit_update(db, u)) != STATUS_OK)
		rc = call_fail(c, rc, "the store failed");
	if (rc == STATUS_OK && (out = malloc(sizeof(*out))) == NULL)
		rc = call_fail(c, STATUS_INTERNAL, "out of memory");
	if (rc != STATUS_OK || out == NULL) {
		hoptac__v1__unit__free_unpacked(u, NULL);
		return rc;
	}
	hoptac__v1__amend_unit_response__init(out);
	out->unit = u;
	c->output = &out->base;
	return STATUS_OK;
}
