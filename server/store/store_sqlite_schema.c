/*
 * The sqlite store's schema: the migrations that build it, one version
 * at a time, and the reading of the version a file holds.
 */
#include <stdio.h>

#include <sqlite3.h>

#include "status.h"
#include "store.h"
#include "store_sqlite_int.h"

/* The first day of the month of a day, both as days since 1970-01-01. */
#define STORE_MONTH_DAY(day)                                                   \
	"(CAST(strftime('%s', " day " * 86400, 'unixepoch', 'start of month')" \
	" AS INTEGER) / 86400)"

/* The trigger statements that count row r ("new" or "old") in, or out of,
 * both tables of counts. */
#define STORE_COUNTS_ADD(r)                                                    \
	" INSERT INTO activity_day_counts VALUES (" r ".start_day, " r         \
	".unit_code, " r ".kind, 1, " r ".people) ON CONFLICT DO UPDATE SET"   \
	" n = n + 1, people = people + excluded.people;"                       \
	" INSERT INTO activity_month_counts VALUES (" STORE_MONTH_DAY(         \
	    r ".start_day") ", " r ".unit_code, " r ".kind, 1, " r ".people)"  \
	                    " ON CONFLICT DO UPDATE SET n = n + 1,"            \
	                    " people = people + excluded.people; "
#define STORE_COUNTS_SUB(r)                                                    \
	" UPDATE activity_day_counts SET n = n - 1, people = people - " r      \
	".people WHERE day = " r ".start_day AND unit_code = " r ".unit_code"  \
	" AND kind = " r ".kind;"                                              \
	" UPDATE activity_month_counts SET n = n - 1, people = people - " r    \
	".people WHERE month_day = " STORE_MONTH_DAY(                          \
	    r ".start_day") " AND unit_code = " r ".unit_code AND kind = " r   \
	                    ".kind; "

/* The triggers that keep the counts of activities by day and month. */
#define STORE_COUNTS_TRIGGERS                                                  \
	"CREATE TRIGGER activity_counts_insert AFTER INSERT ON activities"     \
	"  WHEN new.state = 1 BEGIN" STORE_COUNTS_ADD(                         \
	    "new") "END;"                                                      \
	           "CREATE TRIGGER activity_counts_update_old AFTER UPDATE "   \
	           "ON activities"                                             \
	           "  WHEN old.state = 1 BEGIN" STORE_COUNTS_SUB(              \
	               "old") "END;"                                           \
	                      "CREATE TRIGGER activity_counts_update_new "     \
	                      "AFTER UPDATE ON activities"                     \
	                      "  WHEN new.state = 1 BEGIN" STORE_COUNTS_ADD(   \
	                          "new") "END;"                                \
	                                 "CREATE TRIGGER "                     \
	                                 "activity_counts_delete AFTER "       \
	                                 "DELETE ON activities"                \
	                                 "  WHEN old.state = 1 "               \
	                                 "BEGIN" STORE_COUNTS_SUB(             \
	                                     "old") "END;"

/* Migration n takes the schema from version n-1 to n, with SQL and then,
 * where rows must be derived from stored records, a function. Never edit
 * one that has shipped: add the next. */
struct store_migration {
	const char *sql;
	int (*then)(struct store_sqlite *c);
};

/* clang-format off */
/* 6: counts of active activities by day and by month, unit and kind
 * (kept by triggers), and the same by partner province (kept by
 * store_sqlite_activities.c, which knows the provinces without reading
 * them back), so that a summary reads a few thousand rows instead of
 * every record of the period. */
static const char store_migration_6[] =
    "CREATE TABLE activity_day_counts ("
    "  day INTEGER NOT NULL,"
    "  unit_code TEXT NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  people INTEGER NOT NULL,"
    "  PRIMARY KEY (day, unit_code, kind)"
    ") WITHOUT ROWID;"
    "CREATE TABLE activity_month_counts ("
    "  month_day INTEGER NOT NULL," /* the month's first day */
    "  unit_code TEXT NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  people INTEGER NOT NULL,"
    "  PRIMARY KEY (month_day, unit_code, kind)"
    ") WITHOUT ROWID;"
    "CREATE TABLE activity_partner_day_counts ("
    "  day INTEGER NOT NULL,"
    "  unit_code TEXT NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  province TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  people INTEGER NOT NULL,"
    "  PRIMARY KEY (day, unit_code, kind, province)"
    ") WITHOUT ROWID;"
    "CREATE TABLE activity_partner_month_counts ("
    "  month_day INTEGER NOT NULL,"
    "  unit_code TEXT NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  province TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  people INTEGER NOT NULL,"
    "  PRIMARY KEY (month_day, unit_code, kind, province)"
    ") WITHOUT ROWID;"
    STORE_COUNTS_TRIGGERS
    "INSERT INTO activity_day_counts"
    "  SELECT start_day, unit_code, kind, count(*), sum(people)"
    "  FROM activities WHERE state = 1 GROUP BY 1, 2, 3;"
    "INSERT INTO activity_month_counts"
    "  SELECT " STORE_MONTH_DAY("start_day") ", unit_code, kind,"
    "  count(*), sum(people) FROM activities WHERE state = 1"
    "  GROUP BY 1, 2, 3;"
    "INSERT INTO activity_partner_day_counts"
    "  SELECT a.start_day, a.unit_code, a.kind, p.province, count(*),"
    "  sum(a.people) FROM activities a JOIN (SELECT DISTINCT activity_seq,"
    "  " STORE_PARTNER_PROVINCE " AS province FROM activity_partners)"
    " p"
    "  ON p.activity_seq = a.seq WHERE a.state = 1 GROUP BY 1, 2, 3, 4;"
    "INSERT INTO activity_partner_month_counts"
    "  SELECT " STORE_MONTH_DAY("a.start_day") ", a.unit_code, a.kind,"
    "  p.province, count(*), sum(a.people) FROM activities a JOIN"
    "  (SELECT DISTINCT activity_seq, " STORE_PARTNER_PROVINCE " AS"
    "  province FROM activity_partners) p ON p.activity_seq = a.seq"
    "  WHERE a.state = 1 GROUP BY 1, 2, 3, 4;";
/* clang-format on */

/* clang-format off */
/* 9: a record's identity is its unit's and its id, so that an id one
 * office chose never keeps another's record out or shows it; the log of
 * replies is keyed by the credential too. sqlite cannot drop a UNIQUE
 * constraint: the tables are built again, rows, rowids and all (the
 * partner and field rows point at activities.seq), and what hung on the
 * old ones (indexes, the triggers of the counts) is made again. The
 * columns are written out again, not shared with migration 1: a shipped
 * migration must never change with a later one. A reply
 * logged before this is kept under the credential the audit trail names
 * for its request id. */
static const char store_migration_9[] =
    "CREATE TABLE activities_9 ("
    "  seq INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL,"
    "  unit_code TEXT NOT NULL REFERENCES units(code),"
    "  kind INTEGER NOT NULL,"
    "  start_day INTEGER NOT NULL,"
    "  end_day INTEGER NOT NULL,"
    "  people INTEGER NOT NULL,"
    "  state INTEGER NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  fields_folded TEXT NOT NULL,"
    "  search TEXT NOT NULL,"
    "  body BLOB NOT NULL,"
    "  UNIQUE (unit_code, id)"
    ");"
    "INSERT INTO activities_9(seq, id, unit_code, kind, start_day, end_day,"
    "  people, state, version, fields_folded, search, body)"
    "  SELECT seq, id, unit_code, kind, start_day, end_day, people, state,"
    "  version, fields_folded, search, body FROM activities;"
    "DROP TABLE activities;"
    "ALTER TABLE activities_9 RENAME TO activities;"
    "CREATE INDEX activities_by_start ON activities(start_day, seq);"
    "CREATE INDEX activities_by_unit ON activities(unit_code, start_day);"
    "CREATE INDEX activities_by_id ON activities(id);"
    "CREATE INDEX activities_summary ON activities"
    "  (start_day, state, unit_code, kind, people);"
    STORE_COUNTS_TRIGGERS
    "CREATE TABLE reports_9 ("
    "  reference TEXT NOT NULL REFERENCES requests(reference),"
    "  unit_code TEXT NOT NULL REFERENCES units(code),"
    "  revision INTEGER NOT NULL,"
    "  id TEXT NOT NULL,"
    "  status INTEGER NOT NULL,"
    "  body BLOB NOT NULL,"
    "  PRIMARY KEY (reference, unit_code, revision),"
    "  UNIQUE (unit_code, id)"
    ");"
    "INSERT INTO reports_9 SELECT reference, unit_code, revision, id,"
    "  status, body FROM reports;"
    "DROP TABLE reports;"
    "ALTER TABLE reports_9 RENAME TO reports;"
    "CREATE TABLE request_log_9 ("
    "  credential_id TEXT NOT NULL,"
    "  request_id TEXT NOT NULL,"
    "  method TEXT NOT NULL,"
    "  payload BLOB NOT NULL,"
    "  created_at_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (credential_id, request_id)"
    ");"
    "INSERT INTO request_log_9 SELECT coalesce(a.credential_id, ''),"
    "  l.request_id, l.method, l.payload, l.created_at_ms"
    "  FROM request_log l LEFT JOIN (SELECT request_id,"
    "  min(credential_id) AS credential_id FROM audit"
    "  GROUP BY request_id) a ON a.request_id = l.request_id;"
    "DROP TABLE request_log;"
    "ALTER TABLE request_log_9 RENAME TO request_log;";
/* clang-format on */

static const struct store_migration store_migrations[STORE_SCHEMA_VERSION] = {
    {
        /* 1: units, activities, the idempotency log */
        "CREATE TABLE units ("
        "  code TEXT PRIMARY KEY,"
        "  name TEXT NOT NULL,"
        "  kind INTEGER NOT NULL,"
        "  province TEXT NOT NULL,"
        "  parent_code TEXT,"
        "  valid_from_day INTEGER,"
        "  valid_to_day INTEGER,"
        "  body BLOB NOT NULL"
        ");"
        "CREATE TABLE activities ("
        "  seq INTEGER PRIMARY KEY,"
        "  id TEXT NOT NULL UNIQUE,"
        "  unit_code TEXT NOT NULL REFERENCES units(code),"
        "  kind INTEGER NOT NULL,"
        "  start_day INTEGER NOT NULL,"
        "  end_day INTEGER NOT NULL,"
        "  people INTEGER NOT NULL,"
        "  state INTEGER NOT NULL,"
        "  version INTEGER NOT NULL,"
        "  fields_folded TEXT NOT NULL,"
        "  search TEXT NOT NULL,"
        "  body BLOB NOT NULL"
        ");"
        "CREATE INDEX activities_by_start ON activities(start_day, seq);"
        "CREATE INDEX activities_by_unit ON activities(unit_code, start_day);"
        "CREATE TABLE activity_partners ("
        "  partner_code TEXT NOT NULL,"
        "  activity_seq INTEGER NOT NULL REFERENCES activities(seq),"
        "  PRIMARY KEY (partner_code, activity_seq)"
        ") WITHOUT ROWID;"
        "CREATE INDEX activity_partners_by_activity"
        "  ON activity_partners(activity_seq);"
        "CREATE TABLE request_log ("
        "  request_id TEXT PRIMARY KEY,"
        "  method TEXT NOT NULL,"
        "  payload BLOB NOT NULL,"
        "  created_at_ms INTEGER NOT NULL"
        ");",
        NULL,
    },
    {
        /* 2: the reporting cycle; activity fields as rows to group by */
        "CREATE TABLE activity_fields ("
        "  field TEXT NOT NULL,"
        "  activity_seq INTEGER NOT NULL REFERENCES activities(seq),"
        "  PRIMARY KEY (field, activity_seq)"
        ") WITHOUT ROWID;"
        "CREATE INDEX activity_fields_by_activity"
        "  ON activity_fields(activity_seq);"
        "CREATE TABLE requests ("
        "  reference TEXT PRIMARY KEY,"
        "  issued_day INTEGER NOT NULL,"
        "  due_day INTEGER NOT NULL,"
        "  body BLOB NOT NULL"
        ");"
        "CREATE TABLE request_units ("
        "  reference TEXT NOT NULL REFERENCES requests(reference),"
        "  unit_code TEXT NOT NULL REFERENCES units(code),"
        "  PRIMARY KEY (reference, unit_code)"
        ") WITHOUT ROWID;"
        "CREATE INDEX request_units_by_unit ON request_units(unit_code);"
        "CREATE TABLE reports ("
        "  reference TEXT NOT NULL REFERENCES requests(reference),"
        "  unit_code TEXT NOT NULL REFERENCES units(code),"
        "  revision INTEGER NOT NULL,"
        "  id TEXT NOT NULL UNIQUE,"
        "  status INTEGER NOT NULL,"
        "  body BLOB NOT NULL,"
        "  PRIMARY KEY (reference, unit_code, revision)"
        ");",
        store_sqlite_activity_fields_backfill,
    },
    {
        /* 3: summaries read this index alone, never the records' bodies */
        "CREATE INDEX activities_summary ON activities"
        "  (start_day, state, unit_code, kind, people);",
        NULL,
    },
    {
        /* 4: amendments made offline that met a newer version */
        "CREATE TABLE conflicts ("
        "  id INTEGER PRIMARY KEY,"
        "  activity_id TEXT NOT NULL,"
        "  state INTEGER NOT NULL,"
        "  body BLOB NOT NULL"
        ");"
        "CREATE INDEX conflicts_by_state ON conflicts(state, id);",
        NULL,
    },
    {
        /* 5: who may call (only salted hashes of secrets), and the
         * audit trail, which no statement may change or shorten */
        "CREATE TABLE credentials ("
        "  id TEXT PRIMARY KEY,"
        "  name TEXT NOT NULL,"
        "  roles INTEGER NOT NULL,"
        "  unit_code TEXT NOT NULL,"
        "  salt BLOB NOT NULL,"
        "  hash BLOB NOT NULL,"
        "  created_at_ms INTEGER NOT NULL,"
        "  expires_at_ms INTEGER NOT NULL,"
        "  revoked_at_ms INTEGER NOT NULL,"
        "  created_by TEXT NOT NULL"
        ");"
        "CREATE TABLE audit ("
        "  seq INTEGER PRIMARY KEY,"
        "  at_ms INTEGER NOT NULL,"
        "  credential_id TEXT NOT NULL,"
        "  name TEXT NOT NULL,"
        "  roles TEXT NOT NULL,"
        "  unit_code TEXT NOT NULL,"
        "  method TEXT NOT NULL,"
        "  target TEXT NOT NULL,"
        "  status INTEGER NOT NULL,"
        "  message TEXT NOT NULL,"
        "  peer TEXT NOT NULL,"
        "  request_id TEXT NOT NULL"
        ");"
        "CREATE INDEX audit_by_time ON audit(at_ms);"
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN"
        "  SELECT RAISE(ABORT, 'the audit trail is append-only');"
        "END;"
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN"
        "  SELECT RAISE(ABORT, 'the audit trail is append-only');"
        "END;",
        NULL,
    },
    {
        /* 6: counts kept for summaries (store_migration_6) */
        store_migration_6,
        NULL,
    },
    {
        /* 7: a row of the audit trail may stand for many refusals
         * without a valid credential (counted a minute at a time), so a
         * flood of them cannot fill the database */
        "ALTER TABLE audit ADD COLUMN count INTEGER NOT NULL DEFAULT 1;",
        NULL,
    },
    {
        /* 8: archives of the audit trail. The rows up to an archive's
         * through_seq may be removed (Audit/Prune), no others; the
         * record of archives is itself append-only. */
        "CREATE TABLE audit_archives ("
        "  through_seq INTEGER PRIMARY KEY,"
        "  count INTEGER NOT NULL,"
        "  sha256 TEXT NOT NULL,"
        "  credential_id TEXT NOT NULL,"
        "  at_ms INTEGER NOT NULL"
        ");"
        "CREATE TRIGGER audit_archives_no_update BEFORE UPDATE ON"
        "  audit_archives BEGIN"
        "  SELECT RAISE(ABORT, 'the record of archives is append-only');"
        "END;"
        "CREATE TRIGGER audit_archives_no_delete BEFORE DELETE ON"
        "  audit_archives BEGIN"
        "  SELECT RAISE(ABORT, 'the record of archives is append-only');"
        "END;"
        "DROP TRIGGER audit_no_delete;"
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
        "  WHEN old.seq > (SELECT coalesce(max(through_seq), 0)"
        "  FROM audit_archives) BEGIN"
        "  SELECT RAISE(ABORT, 'the audit trail is append-only');"
        "END;",
        NULL,
    },
    {
        /* 9: ids owned by their unit (store_migration_9) */
        store_migration_9,
        NULL,
    },
    {
        /* 10: format characters (zero width space, U+FEFF, soft hyphen)
         * fold away instead of splitting words: the search keys are
         * computed again from the stored records */
        "",
        store_sqlite_activity_refold,
    },
    {
        /* 11: offices' keys for signing bundles, one a credential at
         * most, bound to it and to its unit */
        "CREATE TABLE signing_keys ("
        "  id TEXT PRIMARY KEY,"
        "  credential_id TEXT NOT NULL UNIQUE REFERENCES credentials(id),"
        "  unit_code TEXT NOT NULL,"
        "  public_key BLOB NOT NULL,"
        "  created_at_ms INTEGER NOT NULL"
        ");",
        NULL,
    },
    {
        /* 12: the inbox (store_sqlite_inbox.c). New activities are
         * acknowledged once appended here, and settled into the indexed
         * tables many at a time; the settling counts them too, once per
         * key, so the counts' trigger on insert goes. */
        "CREATE TABLE IF NOT EXISTS activity_inbox ("
        "  seq INTEGER PRIMARY KEY,"
        "  unit_code TEXT NOT NULL,"
        "  id TEXT NOT NULL,"
        "  body BLOB NOT NULL"
        ");"
        "DROP TRIGGER IF EXISTS activity_counts_insert;",
        NULL,
    },
    {
        /* 13: the span of a partial start (store_sqlite_spans.c) */
        store_sqlite_migration_13,
        store_sqlite_spans_backfill,
    },
    {
        /* 14: partners and aliases added to the gazetteer by an
         * administrator (store_sqlite_partners.c), merged over the
         * gazetteer's file at every start. */
        "CREATE TABLE IF NOT EXISTS partner_additions ("
        "  seq INTEGER PRIMARY KEY,"
        "  code TEXT NOT NULL,"
        "  parent_code TEXT,"
        "  name TEXT,"
        "  name_latin TEXT,"
        "  alias TEXT,"
        "  added_at_ms INTEGER NOT NULL,"
        "  CHECK ((alias IS NULL) = (name IS NOT NULL))"
        ");",
        NULL,
    },
    {
        /* 15: a reviewer's verdict on two records that looked like one
         * event (docs/duplicates.md): the pair by its units and ids,
         * the smaller first, so that a pair has one row */
        "CREATE TABLE IF NOT EXISTS activity_links ("
        "  a_unit TEXT NOT NULL,"
        "  a_id TEXT NOT NULL,"
        "  b_unit TEXT NOT NULL,"
        "  b_id TEXT NOT NULL,"
        "  verdict INTEGER NOT NULL,"
        "  body BLOB NOT NULL,"
        "  PRIMARY KEY (a_unit, a_id, b_unit, b_id)"
        ") WITHOUT ROWID;"
        "CREATE INDEX IF NOT EXISTS activity_links_by_b"
        "  ON activity_links(b_unit, b_id);",
        NULL,
    },
    {
        /* 16: fewer B-trees to write. The log of replies keyed by its
         * primary key alone: a rowid table kept the rows in one B-tree
         * and the key in another, two pages written by every call's
         * commit where one does; the rows are copied over as they are.
         * And no index of activities by id alone, which only a lookup
         * without the unit read (it goes through units now) and every
         * settling wrote a leaf of per record, ids being random. */
        "CREATE TABLE request_log_16 ("
        "  credential_id TEXT NOT NULL,"
        "  request_id TEXT NOT NULL,"
        "  method TEXT NOT NULL,"
        "  payload BLOB NOT NULL,"
        "  created_at_ms INTEGER NOT NULL,"
        "  PRIMARY KEY (credential_id, request_id)"
        ") WITHOUT ROWID;"
        "INSERT INTO request_log_16 SELECT credential_id, request_id,"
        "  method, payload, created_at_ms FROM request_log;"
        "DROP TABLE request_log;"
        "ALTER TABLE request_log_16 RENAME TO request_log;"
        "DROP INDEX IF EXISTS activities_by_id;",
        NULL,
    },
    {
        /* 17: PostgreSQL came to keep the counts sqlite has kept since
         * migration 6 (store_pg_schema.c); nothing changes here but the
         * version. */
        "",
        NULL,
    },
    {
        /* 18: PostgreSQL's functions reading partial starts were made
         * faster (store_pg_schema.c); nothing changes here. */
        "",
        NULL,
    },
    {
        /* 19: the calls' audit rows and replies wait beside the inbox,
         * in audit_pending and request_pending, and are settled with it
         * into audit and request_log (store_sqlite_auth.c,
         * store_sqlite_replies.c). A commit appended to audit and to its
         * index by time, and to request_log in key order, the last pages
         * of each written again by every group and request_log's split
         * every few calls; now to two tables at their ends, and the
         * others get their rows many at once. audit_pending is
         * append-only as audit is: a row may go only once it is in
         * audit. */
        "CREATE TABLE IF NOT EXISTS audit_pending ("
        "  seq INTEGER PRIMARY KEY,"
        "  at_ms INTEGER NOT NULL,"
        "  credential_id TEXT NOT NULL,"
        "  name TEXT NOT NULL,"
        "  roles TEXT NOT NULL,"
        "  unit_code TEXT NOT NULL,"
        "  method TEXT NOT NULL,"
        "  target TEXT NOT NULL,"
        "  status INTEGER NOT NULL,"
        "  message TEXT NOT NULL,"
        "  peer TEXT NOT NULL,"
        "  request_id TEXT NOT NULL,"
        "  count INTEGER NOT NULL DEFAULT 1"
        ");"
        "CREATE TRIGGER IF NOT EXISTS audit_pending_no_update BEFORE"
        "  UPDATE ON audit_pending BEGIN"
        "  SELECT RAISE(ABORT, 'the audit trail is append-only');"
        "END;"
        "CREATE TRIGGER IF NOT EXISTS audit_pending_no_delete BEFORE"
        "  DELETE ON audit_pending WHEN NOT EXISTS (SELECT 1 FROM audit"
        "  WHERE seq = old.seq) BEGIN"
        "  SELECT RAISE(ABORT, 'the audit trail is append-only');"
        "END;"
        "CREATE TABLE IF NOT EXISTS request_pending ("
        "  seq INTEGER PRIMARY KEY,"
        "  credential_id TEXT NOT NULL,"
        "  request_id TEXT NOT NULL,"
        "  method TEXT NOT NULL,"
        "  payload BLOB NOT NULL,"
        "  created_at_ms INTEGER NOT NULL"
        ");",
        NULL,
    },
    {
        /* 20: one index of records by day where there were two, both
         * leading with start_day: the list's (start_day, seq) and the
         * summaries' covering one. Ordered by (start_day, seq), it still
         * serves the list's pages, and holding the columns the
         * summaries read, it still covers them; a settling inserts
         * every record into four B-trees instead of five. */
        "DROP INDEX IF EXISTS activities_summary;"
        "DROP INDEX IF EXISTS activities_by_start;"
        "CREATE INDEX IF NOT EXISTS activities_by_day ON activities"
        "  (start_day, seq, state, unit_code, kind, people, start_last);",
        NULL,
    },
};

/* Whether every row's foreign keys point at a row: OK, or INTERNAL. */
static int
store_sqlite_keys_check(struct store_sqlite *c)
{
	sqlite3_stmt *st = NULL;
	int rc = STATUS_INTERNAL, rv;

	if (sqlite3_prepare_v2(
	        c->db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
		return STATUS_INTERNAL;
	rv = sqlite3_step(st);
	if (rv == SQLITE_DONE)
		rc = STATUS_OK;
	sqlite3_finalize(st);
	return rc;
}

/* Reads the schema version; it is also the first read of the file, so
 * this is where a file that is not a database is found out. */
int
store_sqlite_schema_version(
    struct store_sqlite *c, int *version, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc = STATUS_OK;

	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) !=
	        SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "cannot read the schema version: %s",
		    sqlite3_errmsg(c->db));
		rc = STATUS_UNAVAILABLE;
	} else {
		*version = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return rc;
}

int
store_sqlite_migrate(struct store_sqlite *c, char *err, size_t errlen)
{
	int version = 0;
	int rc;
	char sql[64];

	if ((rc = store_sqlite_schema_version(c, &version, err, errlen)) !=
	    STATUS_OK)
		goto out;
	rc = STATUS_INTERNAL;
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
		    "database schema %d is newer than this server's %d",
		    version, STORE_SCHEMA_VERSION);
		rc = STATUS_FAILED_PRECONDITION;
		goto out;
	}
	if (version == STORE_SCHEMA_VERSION) {
		rc = STATUS_OK;
		goto out;
	}
	/* A migration that builds a table again drops the one other tables
	 * point at: the keys are checked once, whole, before the commit
	 * (foreign_keys cannot change inside a transaction). */
	if (store_sqlite_exec(c, "PRAGMA foreign_keys=OFF") != STATUS_OK ||
	    store_sqlite_exec(c, "BEGIN IMMEDIATE") != STATUS_OK)
		goto fail;
	for (int v = version; v < STORE_SCHEMA_VERSION; v++) {
		const struct store_migration *m = &store_migrations[v];

		if (store_sqlite_exec(c, m->sql) != STATUS_OK ||
		    (m->then != NULL && m->then(c) != STATUS_OK))
			goto fail_rollback;
	}
	if (store_sqlite_keys_check(c) != STATUS_OK)
		goto fail_rollback;
	snprintf(
	    sql, sizeof(sql), "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	if (store_sqlite_exec(c, sql) != STATUS_OK ||
	    store_sqlite_exec(c, "COMMIT") != STATUS_OK)
		goto fail_rollback;
	rc = STATUS_OK;
	goto out;
fail_rollback:
	snprintf(err, errlen, "migration failed: %s", sqlite3_errmsg(c->db));
	store_sqlite_exec(c, "ROLLBACK");
	goto out;
fail:
	snprintf(err, errlen, "migration failed: %s", sqlite3_errmsg(c->db));
out:
	if (store_sqlite_exec(c, "PRAGMA foreign_keys=ON") != STATUS_OK &&
	    rc == STATUS_OK) {
		snprintf(err, errlen, "cannot check foreign keys: %s",
		    sqlite3_errmsg(c->db));
		rc = STATUS_INTERNAL;
	}
	return rc;
}
