/*
 * The reporting cycle in the sqlite store: requests and report revisions.
 */
#include <stdlib.h>

#include <sqlite3.h>

#include "status.h"
#include "store.h"
#include "store_sqlite_int.h"

int
store_sqlite_req_insert(
    struct store_conn *conn, const Hoptac__V1__ReportingRequest *r)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char ins[] = "INSERT INTO requests(reference, issued_day,"
	                          " due_day, body) VALUES (?, ?, ?, ?)";
	static const char unit[] = "INSERT OR IGNORE INTO request_units"
	                           "(reference, unit_code) VALUES (?, ?)";
	sqlite3_stmt *st = store_sqlite_stmt(c, ins);
	size_t len;
	uint8_t *body;
	int rc;

	if (st == NULL)
		return store_sqlite_fail(c, ins);
	if ((body = store_sqlite_pack(&r->base, &len)) == NULL)
		return STATUS_INTERNAL;
	store_sqlite_bind_text(st, 1, r->reference);
	store_sqlite_bind_day(st, 2, r->issued_on, 0);
	store_sqlite_bind_day(st, 3, r->due_on, 1);
	sqlite3_bind_blob(st, 4, body, (int)len, free);
	if ((rc = store_sqlite_step_done(c, st)) != STATUS_OK)
		return rc;
	for (size_t i = 0; i < r->n_unit_codes; i++) {
		if ((st = store_sqlite_stmt(c, unit)) == NULL)
			return store_sqlite_fail(c, unit);
		store_sqlite_bind_text(st, 1, r->reference);
		store_sqlite_bind_text(st, 2, r->unit_codes[i]);
		if ((rc = store_sqlite_step_done(c, st)) != STATUS_OK)
			return rc;
	}
	return STATUS_OK;
}

int
store_sqlite_req_get(struct store_conn *conn, const char *reference,
    Hoptac__V1__ReportingRequest **out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT body FROM requests WHERE reference = ?";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, reference);
	return store_sqlite_one(
	    c, st, &hoptac__v1__reporting_request__descriptor, (void **)out);
}

int
store_sqlite_req_list(struct store_conn *conn, const char *unit_code,
    int open_only, Hoptac__V1__ListRequestsResponse *out)
{
	struct store_sqlite *c = store_sqlite_of(conn);

	/* Open for a unit: no report yet, or the latest one returned;
	 * without a unit, open for any unit it asks. */
	static const char sql[] =
	    "SELECT r.body FROM requests r"
	    " WHERE (?1 = '' OR r.reference IN (SELECT reference"
	    "   FROM request_units WHERE unit_code = ?1))"
	    "  AND (?2 = 0 OR EXISTS (SELECT 1 FROM request_units u"
	    "   WHERE u.reference = r.reference"
	    "   AND (?1 = '' OR u.unit_code = ?1)"
	    "   AND NOT EXISTS (SELECT 1 FROM reports p"
	    "    WHERE p.reference = u.reference AND p.unit_code = u.unit_code"
	    "    AND p.status != 2 AND p.revision = (SELECT max(revision)"
	    "     FROM reports q WHERE q.reference = p.reference"
	    "     AND q.unit_code = p.unit_code))))"
	    " ORDER BY r.issued_day, r.reference";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, unit_code);
	sqlite3_bind_int(st, 2, open_only);
	return store_sqlite_all(c, st,
	    &hoptac__v1__reporting_request__descriptor, &out->n_requests,
	    (void ***)&out->requests);
}

int
store_sqlite_report_get(struct store_conn *conn, const char *reference,
    const char *unit_code, int32_t revision, Hoptac__V1__Report **out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT body FROM reports WHERE reference = ? AND unit_code = ?"
	    " AND (?3 = 0 OR revision = ?3) ORDER BY revision DESC LIMIT 1";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, reference);
	store_sqlite_bind_text(st, 2, unit_code);
	sqlite3_bind_int(st, 3, revision);
	return store_sqlite_one(
	    c, st, &hoptac__v1__report__descriptor, (void **)out);
}

int
store_sqlite_report_by_id(struct store_conn *conn, const char *unit_code,
    const char *id, Hoptac__V1__Report **out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT body FROM reports WHERE unit_code = ? AND id = ?";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, unit_code);
	store_sqlite_bind_text(st, 2, id);
	return store_sqlite_one(
	    c, st, &hoptac__v1__report__descriptor, (void **)out);
}

int
store_sqlite_report_insert(struct store_conn *conn, const Hoptac__V1__Report *r)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "INSERT INTO reports(reference, unit_code, revision, id, status,"
	    " body) VALUES (?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	size_t len;
	uint8_t *body;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	if ((body = store_sqlite_pack(&r->base, &len)) == NULL)
		return STATUS_INTERNAL;
	store_sqlite_bind_text(st, 1, r->request_reference);
	store_sqlite_bind_text(st, 2, r->unit_code);
	sqlite3_bind_int(st, 3, r->revision);
	store_sqlite_bind_text(st, 4, r->id);
	sqlite3_bind_int(st, 5, (int)r->status);
	sqlite3_bind_blob(st, 6, body, (int)len, free);
	return store_sqlite_step_done(c, st);
}

int
store_sqlite_report_update(struct store_conn *conn, const Hoptac__V1__Report *r)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "UPDATE reports SET status = ?, body = ? WHERE reference = ?"
	    " AND unit_code = ? AND revision = ?";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	size_t len;
	uint8_t *body;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	if ((body = store_sqlite_pack(&r->base, &len)) == NULL)
		return STATUS_INTERNAL;
	sqlite3_bind_int(st, 1, (int)r->status);
	sqlite3_bind_blob(st, 2, body, (int)len, free);
	store_sqlite_bind_text(st, 3, r->request_reference);
	store_sqlite_bind_text(st, 4, r->unit_code);
	sqlite3_bind_int(st, 5, r->revision);
	if (store_sqlite_step_done(c, st) != STATUS_OK)
		return STATUS_INTERNAL;
	return sqlite3_changes(c->db) == 1 ? STATUS_OK : STATUS_NOT_FOUND;
}

int
store_sqlite_report_list(struct store_conn *conn, const char *reference,
    const char *unit_code, int all_revisions,
    Hoptac__V1__ListReportsResponse *out)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT body FROM reports p WHERE (?1 = '' OR reference = ?1)"
	    " AND (?2 = '' OR unit_code = ?2)"
	    " AND (?3 OR revision = (SELECT max(revision) FROM reports q"
	    "  WHERE q.reference = p.reference AND q.unit_code = p.unit_code))"
	    " ORDER BY reference, unit_code, revision";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, reference);
	store_sqlite_bind_text(st, 2, unit_code);
	sqlite3_bind_int(st, 3, all_revisions);
	return store_sqlite_all(c, st, &hoptac__v1__report__descriptor,
	    &out->n_reports, (void ***)&out->reports);
}

int
store_sqlite_report_count(
    struct store_conn *conn, const char *reference, int64_t *count)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	static const char sql[] =
	    "SELECT count(*) FROM reports WHERE reference = ?";
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	int rc;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, reference);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_sqlite_fail(c, sql);
		sqlite3_reset(st);
		return rc;
	}
	*count = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return STATUS_OK;
}
