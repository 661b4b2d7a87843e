/* hoptac.v1.Conflicts: the department resolves amendments made offline
 * against versions that changed since (docs/sync.md, "Conflicts"). */
#include <stdlib.h>

#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"

int
handle_conflicts_list(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__ListConflictsRequest *in =
	    (const Hoptac__V1__ListConflictsRequest *)c->input;
	Hoptac__V1__ListConflictsResponse *out = malloc(sizeof(*out));
	int rc;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__list_conflicts_response__init(out);
	c->output = &out->base;
	rc = store_conflict_list(db, in->open_only, out);
	return rc == STATUS_OK ? STATUS_OK
	                       : call_fail(c, rc, "the store failed");
}

int
handle_conflicts_check_resolve(struct call *c)
{
	Hoptac__V1__ResolveConflictRequest *in =
	    (Hoptac__V1__ResolveConflictRequest *)c->input;

	if (in->id <= 0)
		violations_add(&c->violations, NULL, "id", "is required");
	validate_text(
	    &in->note, NULL, "note", VALIDATE_SHORT_MAX, 0, &c->violations);
	return c->violations.count > 0 ? handle_invalid(c) : STATUS_OK;
}

/* Applying makes the kept amendment the next version of the record, on
 * top of whatever it is now; discarding leaves the record as it is. */
int
handle_conflicts_resolve(struct call *c, struct store_conn *db)
{
	Hoptac__V1__ResolveConflictRequest *in =
	    (Hoptac__V1__ResolveConflictRequest *)c->input;
	Hoptac__V1__ActivityConflict *x = NULL;
	Hoptac__V1__Activity *cur = NULL;
	Hoptac__V1__ResolveConflictResponse *out;
	int rc = store_conflict_get(db, in->id, &x);

	call_target(c, "conflict %lld", (long long)in->id);
	if (rc == STATUS_NOT_FOUND)
		return call_fail(
		    c, rc, "conflict %lld not found", (long long)in->id);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	if (x->state != HOPTAC__V1__CONFLICT_STATE__CONFLICT_STATE_OPEN) {
		rc = call_fail(c, STATUS_FAILED_PRECONDITION,
		    "conflict %lld was resolved already", (long long)in->id);
		goto out;
	}
	/* The amendment names the record's unit, as the record does. */
	if ((rc = store_activity_get(db, x->proposed->unit_code, x->activity_id,
	         &cur)) != STATUS_OK) {
		rc = call_fail(
		    c, rc, "activity %s could not be read", x->activity_id);
		goto out;
	}
	if (in->apply) {
		Hoptac__V1__Activity *a = x->proposed;
		int64_t was = cur->version;

		a->version = was + 1;
		a->state = cur->state;
		a->created_at_ms = cur->created_at_ms;
		a->updated_at_ms = call_wall_ms();
		if (pbstr_set(&a->unit_code, cur->unit_code) != 0 ||
		    pbstr_set(&a->withdraw_reason, cur->withdraw_reason) != 0 ||
		    (rc = store_activity_update(db, a, was)) != STATUS_OK) {
			rc = call_fail(c, rc ? rc : STATUS_INTERNAL,
			    "the amendment could not be applied");
			goto out;
		}
		hoptac__v1__activity__free_unpacked(cur, NULL);
		if ((rc = store_activity_get(db, a->unit_code, x->activity_id,
		         &cur)) != STATUS_OK) {
			rc = call_fail(c, rc, "the store failed");
			goto out;
		}
	}
	x->state = in->apply
	    ? HOPTAC__V1__CONFLICT_STATE__CONFLICT_STATE_APPLIED
	    : HOPTAC__V1__CONFLICT_STATE__CONFLICT_STATE_DISCARDED;
	x->resolved_at_ms = call_wall_ms();
	if (pbstr_set(&x->resolution, in->note) != 0 ||
	    (rc = store_conflict_update(db, x)) != STATUS_OK) {
		rc =
		    call_fail(c, rc ? rc : STATUS_INTERNAL, "the store failed");
		goto out;
	}
	if ((out = malloc(sizeof(*out))) == NULL) {
		rc = call_fail(c, STATUS_INTERNAL, "out of memory");
		goto out;
	}
	hoptac__v1__resolve_conflict_response__init(out);
	out->conflict = x;
	out->activity = cur;
	x = NULL;
	cur = NULL;
	c->output = &out->base;
	rc = STATUS_OK;
out:
	if (x != NULL)
		hoptac__v1__activity_conflict__free_unpacked(x, NULL);
	if (cur != NULL)
		hoptac__v1__activity__free_unpacked(cur, NULL);
	return rc;
}
