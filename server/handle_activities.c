/* hoptac.v1.Activities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "gazetteer.h"
#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "validity.h"

/* Activities in one Submit. */
#define HANDLE_SUBMIT_MAX 1000
#define HANDLE_PAGE_MAX   1000

int
handle_activities_check_submit(struct call *c)
{
	Hoptac__V1__SubmitActivitiesRequest *in =
	    (Hoptac__V1__SubmitActivitiesRequest *)c->input;
	char prefix[40];

	if (in->n_activities == 0) {
		violations_add(&c->violations, NULL, "activities",
		    "at least one activity is required");
		return handle_invalid(c);
	}
	if (in->n_activities > HANDLE_SUBMIT_MAX) {
		violations_add(&c->violations, NULL, "activities",
		    "at most %d activities per call, got %zu",
		    HANDLE_SUBMIT_MAX, in->n_activities);
		return handle_invalid(c);
	}
	call_target(c, "%zu activities: %s%s", in->n_activities,
	    in->activities[0]->id, in->n_activities > 1 ? " ..." : "");
	/* Which units an office may write is decided in the writer, with
	 * the store: its own, and those its unit succeeded. */
	for (size_t i = 0; i < in->n_activities; i++) {
		snprintf(prefix, sizeof(prefix), "activities[%zu]", i);
		validate_activity(in->activities[i], prefix, &c->violations);
	}
	return c->violations.count > 0 ? handle_invalid(c) : STATUS_OK;
}

/* Whether a submitted activity says the same as the stored one, the
 * fields the server sets aside. */
static int
handle_same_content(Hoptac__V1__Activity *a, const Hoptac__V1__Activity *s)
{
	Hoptac__V1__Activity copy = *a;
	size_t la, ls;
	uint8_t *pa = NULL, *ps = NULL;
	int same = 0;

	copy.version = s->version;
	copy.state = s->state;
	copy.withdraw_reason = s->withdraw_reason;
	copy.created_at_ms = s->created_at_ms;
	copy.updated_at_ms = s->updated_at_ms;
	la = protobuf_c_message_get_packed_size(&copy.base);
	ls = protobuf_c_message_get_packed_size(&s->base);
	if (la == ls && (pa = malloc(la + 1)) != NULL &&
	    (ps = malloc(ls + 1)) != NULL) {
		protobuf_c_message_pack(&copy.base, pa);
		protobuf_c_message_pack(&s->base, ps);
		same = memcmp(pa, ps, la) == 0;
	}
	free(pa);
	free(ps);
	return same;
}

/* The unit an activity names, checked against the caller's reach and
 * the unit's validity. *known is the last unit found (owned by the
 * batch): a batch is mostly one unit's. NOT_FOUND for an unknown unit
 * (reported as a violation), PERMISSION_DENIED with the message set, or
 * OK with the violations of validity added. */
static int
handle_unit_of(struct call *c, struct store_conn *db, const char *prefix,
    const Hoptac__V1__Activity *a, Hoptac__V1__Unit **known)
{
	int rc = STATUS_OK;

	if (*known == NULL || strcmp((*known)->code, a->unit_code) != 0) {
		if (*known != NULL)
			hoptac__v1__unit__free_unpacked(*known, NULL);
		*known = NULL;
		rc = store_unit_get(db, a->unit_code, known);
	}
	if (rc == STATUS_NOT_FOUND) {
		/* An office learns nothing of units beyond its reach. */
		if (auth_may_write(c, a->unit_code) != STATUS_OK)
			return c->status;
		violations_add(&c->violations, prefix, "unit_code",
		    "unknown unit \"%s\"", a->unit_code);
		return rc;
	}
	if (rc != STATUS_OK)
		return rc;
	if (validity_may_record(c, *known) != STATUS_OK)
		return c->status;
	return validity_check_activity(c, db, *known, a, prefix);
}

/* Stores one activity of a batch, or finds it already there. */
static int
handle_submit_one(struct call *c, struct store_conn *db, size_t i,
    Hoptac__V1__Activity *a, int64_t now, Hoptac__V1__SubmitResult *r,
    Hoptac__V1__Unit **known)
{
	Hoptac__V1__Activity *stored = NULL;
	char prefix[40];
	int rc;

	snprintf(prefix, sizeof(prefix), "activities[%zu]", i);
	rc = handle_unit_of(c, db, prefix, a, known);
	if (rc == STATUS_NOT_FOUND)
		return STATUS_OK; /* reported with the others */
	if (rc != STATUS_OK)
		return rc;
	if (c->violations.count > 0)
		return STATUS_OK; /* nothing of the batch is stored */
	if (pbstr_set(&r->id, a->id) != 0)
		return STATUS_INTERNAL;
	a->version = 1;
	a->state = HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_ACTIVE;
	a->created_at_ms = now;
	a->updated_at_ms = now;
	pbstr_set(&a->withdraw_reason, NULL);
	/* The store looks the id up as it inserts: a new record, the common
	 * case, costs one lookup. The fields set above are the server's,
	 * which the comparison below leaves out. */
	rc = store_activity_insert(db, a);
	if (rc == STATUS_OK) {
		r->version = 1;
		r->created = 1;
		return STATUS_OK;
	}
	if (rc != STATUS_ALREADY_EXISTS)
		return rc;
	/* Only the unit's own records: what another unit stores under the
	 * same id is another record, and says nothing here. */
	rc = store_activity_get(db, a->unit_code, a->id, &stored);
	if (rc != STATUS_OK)
		return rc == STATUS_NOT_FOUND ? STATUS_INTERNAL : rc;
	r->version = stored->version;
	r->differs = !handle_same_content(a, stored);
	hoptac__v1__activity__free_unpacked(stored, NULL);
	return STATUS_OK;
}

int
handle_activities_submit(struct call *c, struct store_conn *db)
{
	Hoptac__V1__SubmitActivitiesRequest *in =
	    (Hoptac__V1__SubmitActivitiesRequest *)c->input;
	Hoptac__V1__SubmitActivitiesResponse *out = malloc(sizeof(*out));
	int64_t now = call_wall_ms();
	Hoptac__V1__Unit *known = NULL; /* owned; the last unit found */
	int rc = STATUS_OK;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__submit_activities_response__init(out);
	c->output = &out->base;
	out->results = calloc(in->n_activities, sizeof(*out->results));
	if (out->results == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	for (size_t i = 0; i < in->n_activities && rc == STATUS_OK; i++) {
		Hoptac__V1__SubmitResult *r = malloc(sizeof(*r));

		if (r == NULL) {
			rc = call_fail(c, STATUS_INTERNAL, "out of memory");
			break;
		}
		hoptac__v1__submit_result__init(r);
		out->results[out->n_results++] = r;
		rc = handle_submit_one(
		    c, db, i, in->activities[i], now, r, &known);
		if (rc != STATUS_OK && c->status == STATUS_OK)
			rc = call_fail(c, rc, "the store failed");
	}
	if (known != NULL)
		hoptac__v1__unit__free_unpacked(known, NULL);
	if (rc != STATUS_OK)
		return rc;
	/* All or nothing: the savepoint undoes what was inserted. */
	if (c->violations.count > 0)
		return handle_invalid(c);
	return STATUS_OK;
}

int
handle_activities_check_get(struct call *c)
{
	const Hoptac__V1__GetActivityRequest *in =
	    (const Hoptac__V1__GetActivityRequest *)c->input;

	if (validate_id(in->id, NULL, "id", &c->violations) != 0)
		return handle_invalid(c);
	return STATUS_OK;
}

int
handle_activities_get(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__GetActivityRequest *in =
	    (const Hoptac__V1__GetActivityRequest *)c->input;
	const char *own = auth_office_unit(c);
	Hoptac__V1__Activity *a = NULL;
	int rc;

	call_target(c, "activity %s", in->id);
	/* An office's own record first, then one of a unit merged into
	 * it. Another unit's record under the id is not found, as if it
	 * were not there: saying it is refused would say it exists. */
	rc = own != NULL ? store_activity_get(db, own, in->id, &a)
	                 : STATUS_NOT_FOUND;
	if (rc == STATUS_NOT_FOUND)
		rc = store_activity_get(db, NULL, in->id, &a);
	if (rc == STATUS_OK &&
	    auth_may_read(c, db, a->unit_code) != STATUS_OK) {
		hoptac__v1__activity__free_unpacked(a, NULL);
		rc = STATUS_NOT_FOUND;
	}
	if (rc == STATUS_NOT_FOUND)
		return call_fail(c, rc, "activity %s not found", in->id);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	Hoptac__V1__GetActivityResponse *out = malloc(sizeof(*out));

	if (out == NULL) {
		hoptac__v1__activity__free_unpacked(a, NULL);
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	}
	hoptac__v1__get_activity_response__init(out);
	out->activity = a;
	c->output = &out->base;
	return STATUS_OK;
}

int
handle_activities_check_list(struct call *c)
{
	Hoptac__V1__ListActivitiesRequest *in =
	    (Hoptac__V1__ListActivitiesRequest *)c->input;
	struct violations *v = &c->violations;

	if (in->unit_code[0] != '\0')
		validate_id(in->unit_code, NULL, "unit_code", v);
	if (in->partner[0] != '\0') {
		const struct gazetteer_partner *p =
		    gazetteer_resolve(in->partner);

		if (p == NULL)
			violations_add(v, NULL, "partner",
			    "unknown partner \"%s\"", in->partner);
		else if (p->level == GAZETTEER_GROUP)
			violations_add(v, NULL, "partner",
			    "\"%s\" is a group of provinces; name one of them",
			    in->partner);
		else if (pbstr_set(&in->partner, p->code) != 0)
			return call_fail(c, STATUS_INTERNAL, "out of memory");
	}
	if (in->kind != 0 && validate_activity_kind_name(in->kind) != NULL &&
	    strcmp(validate_activity_kind_name(in->kind), "unspecified") == 0)
		violations_add(v, NULL, "kind", "unknown kind %d", in->kind);
	validate_period(&in->from_date, NULL, "from_date", v);
	validate_period(&in->to_date, NULL, "to_date", v);
	validate_text(&in->field, NULL, "field", VALIDATE_SHORT_MAX, 0, v);
	validate_text(&in->text, NULL, "text", VALIDATE_SHORT_MAX, 0, v);
	if (in->page_size > HANDLE_PAGE_MAX)
		violations_add(v, NULL, "page_size", "at most %d, got %u",
		    HANDLE_PAGE_MAX, in->page_size);
	return v->count > 0 ? handle_invalid(c) : STATUS_OK;
}

int
handle_activities_list(struct call *c, struct store_conn *db)
{
	Hoptac__V1__ListActivitiesRequest *in =
	    (Hoptac__V1__ListActivitiesRequest *)c->input;
	Hoptac__V1__ListActivitiesResponse *out = malloc(sizeof(*out));
	int rc;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__list_activities_response__init(out);
	c->output = &out->base;
	if (auth_scope_filter(c, db, &in->unit_code) != STATUS_OK)
		return c->status;
	rc = store_activity_list(db, in, out);
	if (rc == STATUS_INVALID_ARGUMENT) {
		violations_add(&c->violations, NULL, "page_token",
		    "is not a token this server gave");
		return handle_invalid(c);
	}
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	return STATUS_OK;
}

int
handle_activities_check_amend(struct call *c)
{
	Hoptac__V1__AmendActivityRequest *in =
	    (Hoptac__V1__AmendActivityRequest *)c->input;

	if (in->activity == NULL) {
		violations_add(&c->violations, NULL, "activity", "is required");
	} else {
		call_target(c, "activity %s", in->activity->id);
		if (auth_may_write(c, in->activity->unit_code) != STATUS_OK)
			return c->status;
		validate_activity(in->activity, "activity", &c->violations);
	}
	if (in->expected_version <= 0)
		violations_add(&c->violations, NULL, "expected_version",
		    "must be the version the amendment was made against");
	return c->violations.count > 0 ? handle_invalid(c) : STATUS_OK;
}

/* The stored activity of unit (NULL: of any unit, the first stored) for
 * a change, or a failed call. */
static int
handle_load(struct call *c, struct store_conn *db, const char *unit,
    const char *id, int64_t expected, Hoptac__V1__Activity **out)
{
	int rc = store_activity_get(db, unit, id, out);

	call_target(c, "activity %s", id);
	if (rc == STATUS_NOT_FOUND)
		return call_fail(c, rc, "activity %s not found", id);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	if (auth_may_write(c, (*out)->unit_code) != STATUS_OK)
		return c->status;
	if (expected != 0 && (*out)->version != expected)
		return call_fail(c, STATUS_ABORTED,
		    "activity %s is at version %lld, not %lld: read it again "
		    "and "
		    "retry",
		    id, (long long)(*out)->version, (long long)expected);
	return STATUS_OK;
}

/* Records the amendment in c->input as a conflict with *stored and replies
 * OK with the stored activity, unchanged, and the conflict's id. */
static int
handle_keep_conflict(struct call *c, struct store_conn *db,
    Hoptac__V1__AmendActivityRequest *in, Hoptac__V1__Activity **stored)
{
	Hoptac__V1__ActivityConflict *x = malloc(sizeof(*x));
	Hoptac__V1__AmendActivityResponse *out;
	int rc;

	if (x == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__activity_conflict__init(x);
	x->expected_version = in->expected_version;
	x->stored_version = (*stored)->version;
	x->state = HOPTAC__V1__CONFLICT_STATE__CONFLICT_STATE_OPEN;
	x->created_at_ms = call_wall_ms();
	x->proposed = in->activity; /* moved from the request */
	in->activity = NULL;
	if (pbstr_set(&x->activity_id, x->proposed->id) != 0) {
		hoptac__v1__activity_conflict__free_unpacked(x, NULL);
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	}
	rc = store_conflict_insert(db, x);
	if (rc == STATUS_OK && (out = malloc(sizeof(*out))) != NULL) {
		hoptac__v1__amend_activity_response__init(out);
		out->activity = *stored;
		*stored = NULL;
		out->conflict_id = x->id;
		c->output = &out->base;
	} else if (rc == STATUS_OK) {
		rc = STATUS_INTERNAL;
	}
	hoptac__v1__activity_conflict__free_unpacked(x, NULL);
	return rc == STATUS_OK
	    ? STATUS_OK
	    : call_fail(c, rc, "the conflict could not be kept");
}

/* An amended activity stays within its unit's validity, as a new one. */
static int
handle_amend_validity(
    struct call *c, struct store_conn *db, const Hoptac__V1__Activity *a)
{
	Hoptac__V1__Unit *u = NULL;
	int rc = store_unit_get(db, a->unit_code, &u);

	if (rc == STATUS_OK)
		rc = validity_check_activity(c, db, u, a, "activity");
	if (u != NULL)
		hoptac__v1__unit__free_unpacked(u, NULL);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	return c->violations.count > 0 ? handle_invalid(c) : STATUS_OK;
}

int
handle_activities_amend(struct call *c, struct store_conn *db)
{
	Hoptac__V1__AmendActivityRequest *in =
	    (Hoptac__V1__AmendActivityRequest *)c->input;
	Hoptac__V1__Activity *a = in->activity, *stored = NULL;
	int rc;

	/* The record is the named unit's (which the check let the caller
	 * change): the id alone may be another unit's too. An offline
	 * amendment that meets a newer version is kept aside for the
	 * department, never dropped: see handle_keep_conflict. */
	rc = handle_load(c, db, a->unit_code, a->id,
	    in->keep_on_conflict ? 0 : in->expected_version, &stored);
	if (rc != STATUS_OK)
		goto out;
	rc = handle_amend_validity(c, db, a);
	if (rc != STATUS_OK)
		goto out;
	if (in->keep_on_conflict && stored->version != in->expected_version) {
		rc = handle_keep_conflict(c, db, in, &stored);
		goto out;
	}
	if (stored->state ==
	    HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_WITHDRAWN) {
		rc = call_fail(c, STATUS_FAILED_PRECONDITION,
		    "activity %s is withdrawn", a->id);
		goto out;
	}
	a->version = stored->version + 1;
	a->state = HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_ACTIVE;
	a->created_at_ms = stored->created_at_ms;
	a->updated_at_ms = call_wall_ms();
	pbstr_set(&a->withdraw_reason, NULL);
	rc = store_activity_update(db, a, stored->version);
	if (rc != STATUS_OK) {
		rc =
		    call_fail(c, rc, "activity %s could not be amended", a->id);
		goto out;
	}
	Hoptac__V1__AmendActivityResponse *out = malloc(sizeof(*out));

	if (out == NULL) {
		rc = call_fail(c, STATUS_INTERNAL, "out of memory");
		goto out;
	}
	hoptac__v1__amend_activity_response__init(out);
	out->activity = a; /* moved from the request */
	in->activity = NULL;
	c->output = &out->base;
out:
	if (stored != NULL)
		hoptac__v1__activity__free_unpacked(stored, NULL);
	return rc;
}

int
handle_activities_check_withdraw(struct call *c)
{
	Hoptac__V1__WithdrawActivityRequest *in =
	    (Hoptac__V1__WithdrawActivityRequest *)c->input;

	validate_id(in->id, NULL, "id", &c->violations);
	validate_text(
	    &in->reason, NULL, "reason", VALIDATE_SHORT_MAX, 0, &c->violations);
	return c->violations.count > 0 ? handle_invalid(c) : STATUS_OK;
}

int
handle_activities_withdraw(struct call *c, struct store_conn *db)
{
	Hoptac__V1__WithdrawActivityRequest *in =
	    (Hoptac__V1__WithdrawActivityRequest *)c->input;
	Hoptac__V1__Activity *a = NULL;
	int rc;

	/* An office withdraws its own unit's record under the id. */
	rc = handle_load(
	    c, db, auth_office_unit(c), in->id, in->expected_version, &a);
	if (rc != STATUS_OK)
		goto out;
	if (a->state != HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_WITHDRAWN) {
		int64_t was = a->version;

		a->state = HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_WITHDRAWN;
		a->version = was + 1;
		a->updated_at_ms = call_wall_ms();
		if (pbstr_set(&a->withdraw_reason, in->reason) != 0) {
			rc = call_fail(c, STATUS_INTERNAL, "out of memory");
			goto out;
		}
		rc = store_activity_update(db, a, was);
		if (rc != STATUS_OK) {
			rc = call_fail(c, rc, "the store failed");
			goto out;
		}
	}
	Hoptac__V1__WithdrawActivityResponse *out = malloc(sizeof(*out));

	if (out == NULL) {
		rc = call_fail(c, STATUS_INTERNAL, "out of memory");
		goto out;
	}
	hoptac__v1__withdraw_activity_response__init(out);
	out->activity = a;
	a = NULL;
	c->output = &out->base;
out:
	if (a != NULL)
		hoptac__v1__activity__free_unpacked(a, NULL);
	return rc;
}
