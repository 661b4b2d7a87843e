/*
 * Units, the reporting cycle (requests and report revisions), partners
 * added to the gazetteer, the verdicts on pairs of records, and offices'
 * signing keys, in the PostgreSQL store.
 */
#include <stdlib.h>
#include <string.h>

#include "store_pg_lib.h"

#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "store_pg_int.h"

/* u's columns and body as $1 to $8 (code, name, kind, province,
 * parent_code, valid_from_day, valid_to_day, body). */
static int
store_pg_unit_write(struct store_conn *conn, const Hoptac__V1__Unit *u,
    const char *sql, int64_t *changed)
{
	struct store_pg_args a = {0};
	size_t len;
	uint8_t *body = store_pg_pack(&u->base, &len);

	if (body == NULL)
		return STATUS_INTERNAL;
	store_pg_text(&a, u->code);
	store_pg_text(&a, u->name);
	store_pg_int(&a, (int)u->kind);
	store_pg_text(&a, u->province);
	store_pg_text(&a, u->parent_code[0] != '\0' ? u->parent_code : NULL);
	store_pg_day(&a, u->valid_from, 0);
	store_pg_day(&a, u->valid_to, 1);
	store_pg_bytes_owned(&a, body, len);
	return store_pg_done(store_pg_of(conn), sql, &a, changed);
}

int
store_pg_unit_insert(struct store_conn *conn, const Hoptac__V1__Unit *u)
{
	return store_pg_unit_write(conn, u,
	    "INSERT INTO units(code, name, kind, province, parent_code,"
	    " valid_from_day, valid_to_day, body)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	    NULL);
}

int
store_pg_unit_update(struct store_conn *conn, const Hoptac__V1__Unit *u)
{
	int64_t changed;
	int rc = store_pg_unit_write(conn, u,
	    "UPDATE units SET name = $2, kind = $3, province = $4,"
	    " parent_code = $5, valid_from_day = $6, valid_to_day = $7,"
	    " body = $8 WHERE code = $1",
	    &changed);

	if (rc == STATUS_OK && changed == 0)
		rc = STATUS_NOT_FOUND;
	return rc;
}

int
store_pg_unit_get(
    struct store_conn *conn, const char *code, Hoptac__V1__Unit **out)
{
	struct store_pg_args a = {0};
	Hoptac__V1__Unit *u = NULL;
	int rc;

	store_pg_text(&a, code);
	rc = store_pg_one(store_pg_of(conn),
	    "SELECT body FROM units WHERE code = $1", &a,
	    &hoptac__v1__unit__descriptor, (void **)&u);
	if (out != NULL)
		*out = u;
	else if (u != NULL)
		hoptac__v1__unit__free_unpacked(u, NULL);
	return rc;
}

int
store_pg_unit_list(struct store_conn *conn,
    const Hoptac__V1__ListUnitsRequest *q, int32_t today,
    Hoptac__V1__ListUnitsResponse *out)
{
	struct store_pg_args a = {0};

	store_pg_text(&a, q->province);
	store_pg_int(&a, q->include_ended);
	store_pg_int(&a, today);
	return store_pg_all(store_pg_of(conn),
	    "SELECT body FROM units WHERE ($1 = '' OR province = $1)"
	    " AND ($2::int <> 0 OR valid_to_day IS NULL OR valid_to_day >= $3)"
	    " ORDER BY province, code",
	    &a, &hoptac__v1__unit__descriptor, &out->n_units,
	    (void ***)&out->units);
}

int
store_pg_req_insert(
    struct store_conn *conn, const Hoptac__V1__ReportingRequest *r)
{
	struct store_pg *c = store_pg_of(conn);
	struct store_pg_args a = {0};
	size_t len;
	uint8_t *body;
	int rc;

	if ((body = store_pg_pack(&r->base, &len)) == NULL)
		return STATUS_INTERNAL;
	store_pg_text(&a, r->reference);
	store_pg_day(&a, r->issued_on, 0);
	store_pg_day(&a, r->due_on, 1);
	store_pg_bytes_owned(&a, body, len);
	if ((rc = store_pg_done(c,
	         "INSERT INTO requests(reference, issued_day, due_day, body)"
	         " VALUES ($1, $2, $3, $4)",
	         &a, NULL)) != STATUS_OK)
		return rc;
	for (size_t i = 0; i < r->n_unit_codes && rc == STATUS_OK; i++) {
		store_pg_text(&a, r->reference);
		store_pg_text(&a, r->unit_codes[i]);
		rc = store_pg_done(c,
		    "INSERT INTO request_units(reference, unit_code)"
		    " VALUES ($1, $2) ON CONFLICT DO NOTHING",
		    &a, NULL);
	}
	return rc;
}

int
store_pg_req_get(struct store_conn *conn, const char *reference,
    Hoptac__V1__ReportingRequest **out)
{
	struct store_pg_args a = {0};

	store_pg_text(&a, reference);
	return store_pg_one(store_pg_of(conn),
	    "SELECT body FROM requests WHERE reference = $1", &a,
	    &hoptac__v1__reporting_request__descriptor, (void **)out);
}

int
store_pg_req_list(struct store_conn *conn, const char *unit_code, int open_only,
    Hoptac__V1__ListRequestsResponse *out)
{
	struct store_pg_args a = {0};

	/* Open for a unit: no report yet, or the latest one returned;
	 * without a unit, open for any unit it asks. */
	store_pg_text(&a, unit_code);
	store_pg_int(&a, open_only);
	return store_pg_all(store_pg_of(conn),
	    "SELECT r.body FROM requests r"
	    " WHERE ($1 = '' OR r.reference IN (SELECT reference"
	    "   FROM request_units WHERE unit_code = $1))"
	    "  AND ($2::int = 0 OR EXISTS (SELECT 1 FROM request_units u"
	    "   WHERE u.reference = r.reference"
	    "   AND ($1 = '' OR u.unit_code = $1)"
	    "   AND NOT EXISTS (SELECT 1 FROM reports p"
	    "    WHERE p.reference = u.reference AND p.unit_code = u.unit_code"
	    "    AND p.status <> 2 AND p.revision = (SELECT max(revision)"
	    "     FROM reports q WHERE q.reference = p.reference"
	    "     AND q.unit_code = p.unit_code))))"
	    " ORDER BY r.issued_day, r.reference",
	    &a, &hoptac__v1__reporting_request__descriptor, &out->n_requests,
	    (void ***)&out->requests);
}

int
store_pg_report_get(struct store_conn *conn, const char *reference,
    const char *unit_code, int32_t revision, Hoptac__V1__Report **out)
{
	struct store_pg_args a = {0};

	store_pg_text(&a, reference);
	store_pg_text(&a, unit_code);
	store_pg_int(&a, revision);
	return store_pg_one(store_pg_of(conn),
	    "SELECT body FROM reports WHERE reference = $1 AND unit_code = $2"
	    " AND ($3::int = 0 OR revision = $3) ORDER BY revision DESC"
	    " LIMIT 1",
	    &a, &hoptac__v1__report__descriptor, (void **)out);
}

int
store_pg_report_by_id(struct store_conn *conn, const char *unit_code,
    const char *id, Hoptac__V1__Report **out)
{
	struct store_pg_args a = {0};

	store_pg_text(&a, unit_code);
	store_pg_text(&a, id);
	return store_pg_one(store_pg_of(conn),
	    "SELECT body FROM reports WHERE unit_code = $1 AND id = $2", &a,
	    &hoptac__v1__report__descriptor, (void **)out);
}

int
store_pg_report_insert(struct store_conn *conn, const Hoptac__V1__Report *r)
{
	struct store_pg_args a = {0};
	size_t len;
	uint8_t *body;

	if ((body = store_pg_pack(&r->base, &len)) == NULL)
		return STATUS_INTERNAL;
	store_pg_text(&a, r->request_reference);
	store_pg_text(&a, r->unit_code);
	store_pg_int(&a, r->revision);
	store_pg_text(&a, r->id);
	store_pg_int(&a, (int)r->status);
	store_pg_bytes_owned(&a, body, len);
	return store_pg_done(store_pg_of(conn),
	    "INSERT INTO reports(reference, unit_code, revision, id, status,"
	    " body) VALUES ($1, $2, $3, $4, $5, $6)",
	    &a, NULL);
}

int
store_pg_report_update(struct store_conn *conn, const Hoptac__V1__Report *r)
{
	struct store_pg_args a = {0};
	int64_t changed;
	size_t len;
	uint8_t *body;

	if ((body = store_pg_pack(&r->base, &len)) == NULL)
		return STATUS_INTERNAL;
	store_pg_int(&a, (int)r->status);
	store_pg_bytes_owned(&a, body, len);
	store_pg_text(&a, r->request_reference);
	store_pg_text(&a, r->unit_code);
	store_pg_int(&a, r->revision);
	if (store_pg_done(store_pg_of(conn),
	        "UPDATE reports SET status = $1, body = $2 WHERE reference = $3"
	        " AND unit_code = $4 AND revision = $5",
	        &a, &changed) != STATUS_OK)
		return STATUS_INTERNAL;
	return changed == 1 ? STATUS_OK : STATUS_NOT_FOUND;
}

int
store_pg_report_list(struct store_conn *conn, const char *reference,
    const char *unit_code, int all_revisions,
    Hoptac__V1__ListReportsResponse *out)
{
	struct store_pg_args a = {0};

	store_pg_text(&a, reference);
	store_pg_text(&a, unit_code);
	store_pg_int(&a, all_revisions);
	return store_pg_all(store_pg_of(conn),
	    "SELECT body FROM reports p WHERE ($1 = '' OR reference = $1)"
	    " AND ($2 = '' OR unit_code = $2)"
	    " AND ($3::int <> 0 OR revision = (SELECT max(revision)"
	    "  FROM reports q WHERE q.reference = p.reference"
	    "  AND q.unit_code = p.unit_code))"
	    " ORDER BY reference, unit_code, revision",
	    &a, &hoptac__v1__report__descriptor, &out->n_reports,
	    (void ***)&out->reports);
}

int
store_pg_report_count(
    struct store_conn *conn, const char *reference, int64_t *count)
{
	struct store_pg_args a = {0};
	PGresult *res;
	int rc;

	store_pg_text(&a, reference);
	res = store_pg_run(store_pg_of(conn),
	    "SELECT count(*) FROM reports WHERE reference = $1", &a, &rc);
	if (res == NULL)
		return rc;
	*count = store_pg_get_int(res, 0, 0);
	PQclear(res);
	return STATUS_OK;
}

int
store_pg_partner_add(
    struct store_conn *conn, const struct store_partner_addition *p)
{
	struct store_pg_args a = {0};

	store_pg_text(&a, p->code);
	store_pg_text(&a, p->parent_code);
	store_pg_text(&a, p->name);
	store_pg_text(&a, p->name_latin);
	store_pg_text(&a, p->alias);
	store_pg_int(&a, p->added_at_ms);
	return store_pg_done(store_pg_of(conn),
	    "INSERT INTO partner_additions(code, parent_code, name,"
	    " name_latin, alias, added_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
	    &a, NULL);
}

int
store_pg_partner_each(struct store_conn *conn, store_partner_fn fn, void *arg)
{
	PGresult *res;
	int rc;

	res = store_pg_run(store_pg_of(conn),
	    "SELECT code, parent_code, name, name_latin, alias, added_at_ms"
	    " FROM partner_additions ORDER BY seq",
	    NULL, &rc);
	if (res == NULL)
		return rc;
	for (int r = 0; r < PQntuples(res) && rc == STATUS_OK; r++) {
		struct store_partner_addition p = {store_pg_get_text(res, r, 0),
		    store_pg_get_text(res, r, 1), store_pg_get_text(res, r, 2),
		    store_pg_get_text(res, r, 3), store_pg_get_text(res, r, 4),
		    store_pg_get_int(res, r, 5)};

		rc = p.code != NULL ? fn(arg, &p) : STATUS_DATA_LOSS;
	}
	PQclear(res);
	return rc;
}

int
store_pg_activity_window(struct store_conn *conn, int32_t from_day,
    int32_t to_day, size_t max, Hoptac__V1__ListActivitiesResponse *out)
{
	struct store_pg_args a = {0};
	int rc;

	store_pg_int(&a, from_day);
	store_pg_int(&a, to_day);
	store_pg_int(&a, (int64_t)max + 1);
	store_pg_int(&a, HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_ACTIVE);
	if ((rc = store_pg_all(store_pg_of(conn),
	         "SELECT body FROM activities WHERE end_day >= $1 AND"
	         " start_day <= $2 AND state = $4 ORDER BY start_day, seq"
	         " LIMIT $3",
	         &a, &hoptac__v1__activity__descriptor, &out->n_activities,
	         (void ***)&out->activities)) != STATUS_OK)
		return rc;
	return store_window_over(out, max);
}

int
store_pg_link_put(struct store_conn *conn, const Hoptac__V1__ActivityLink *l)
{
	struct store_pg_args a = {0};
	size_t len;
	uint8_t *body;

	if (l->a == NULL || l->b == NULL)
		return STATUS_INVALID_ARGUMENT;
	if ((body = store_pg_pack(&l->base, &len)) == NULL)
		return STATUS_INTERNAL;
	store_pg_text(&a, l->a->unit_code);
	store_pg_text(&a, l->a->id);
	store_pg_text(&a, l->b->unit_code);
	store_pg_text(&a, l->b->id);
	store_pg_int(&a, (int)l->verdict);
	store_pg_bytes_owned(&a, body, len);
	return store_pg_done(store_pg_of(conn),
	    "INSERT INTO activity_links(a_unit, a_id, b_unit, b_id, verdict,"
	    " body) VALUES ($1, $2, $3, $4, $5, $6)"
	    " ON CONFLICT (a_unit, a_id, b_unit, b_id) DO UPDATE SET"
	    " verdict = excluded.verdict, body = excluded.body",
	    &a, NULL);
}

int
store_pg_link_list(struct store_conn *conn, int32_t from_day, int32_t to_day,
    size_t *n, Hoptac__V1__ActivityLink ***links)
{
	struct store_pg_args a = {0};

	store_pg_int(&a, from_day);
	store_pg_int(&a, to_day);
	return store_pg_all(store_pg_of(conn),
	    "SELECT l.body FROM activity_links l WHERE EXISTS (SELECT 1 FROM"
	    " activities x WHERE x.end_day >= $1 AND x.start_day <= $2 AND"
	    " ((x.unit_code = l.a_unit AND x.id = l.a_id) OR"
	    " (x.unit_code = l.b_unit AND x.id = l.b_id)))"
	    " ORDER BY l.a_unit, l.a_id, l.b_unit, l.b_id",
	    &a, &hoptac__v1__activity_link__descriptor, n, (void ***)links);
}

int
store_pg_key_insert(struct store_conn *conn, const Hoptac__V1__SigningKey *k)
{
	struct store_pg_args a = {0};

	store_pg_text(&a, k->id);
	store_pg_text(&a, k->credential_id);
	store_pg_text(&a, k->unit_code);
	store_pg_bytes(&a, k->public_key.data, k->public_key.len);
	store_pg_int(&a, k->created_at_ms);
	return store_pg_done(store_pg_of(conn),
	    "INSERT INTO signing_keys(id, credential_id, unit_code,"
	    " public_key, created_at_ms) VALUES ($1, $2, $3, $4, $5)",
	    &a, NULL);
}

int
store_pg_key_get(struct store_conn *conn, const char *id,
    const char *credential_id, int64_t now_ms, Hoptac__V1__SigningKey **out)
{
	struct store_pg_args a = {0};
	Hoptac__V1__SigningKey *k;
	PGresult *res;
	int rc;

	*out = NULL;
	store_pg_text(&a, id);
	store_pg_text(&a, credential_id);
	store_pg_int(&a, now_ms);
	res = store_pg_run(store_pg_of(conn),
	    "SELECT k.id, k.credential_id, k.unit_code, k.public_key,"
	    " k.created_at_ms FROM signing_keys k"
	    " JOIN credentials c ON c.id = k.credential_id"
	    " WHERE ($1::text IS NULL OR k.id = $1) AND ($2::text IS NULL OR"
	    " k.credential_id = $2) AND c.revoked_at_ms = 0"
	    " AND (c.expires_at_ms = 0 OR c.expires_at_ms > $3)",
	    &a, &rc);
	if (res == NULL)
		return rc;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return STATUS_NOT_FOUND;
	}
	if ((k = malloc(sizeof(*k))) == NULL) {
		PQclear(res);
		return STATUS_INTERNAL;
	}
	hoptac__v1__signing_key__init(k);
	if (pbstr_set(&k->id, store_pg_get_text(res, 0, 0)) != 0 ||
	    pbstr_set(&k->credential_id, store_pg_get_text(res, 0, 1)) != 0 ||
	    pbstr_set(&k->unit_code, store_pg_get_text(res, 0, 2)) != 0 ||
	    store_pg_bytes_dup(res, 0, 3, &k->public_key.data,
	        &k->public_key.len) != STATUS_OK) {
		hoptac__v1__signing_key__free_unpacked(k, NULL);
		rc = STATUS_INTERNAL;
	} else {
		k->created_at_ms = store_pg_get_int(res, 0, 4);
		*out = k;
	}
	PQclear(res);
	return rc;
}
