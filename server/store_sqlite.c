/*
 * The store on sqlite3. Records are kept whole as packed protobuf in a
 * body column, next to the columns that queries filter and sort on; the
 * columns are derived from the message here and nowhere else.
 */
#include "store.h"
#include "store_sqlite_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <sqlite3.h>

#include "date.h"
#include "log.h"
#include "pbstr.h"
#include "status.h"
#include "text.h"

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

/* Migration n takes the schema from version n-1 to n, with SQL and then,
 * where rows must be derived from stored records, a function. Never edit
 * one that has shipped: add the next. */
struct store_migration {
	const char *sql;
	int (*then)(struct store_conn *c);
};

/* clang-format off */
/* 6: counts of active activities by day and by month, unit and kind
 * (kept by triggers), and the same by partner province (kept by
 * store_activities.c, which knows the provinces without reading them
 * back), so that a summary reads a few thousand rows instead of every
 * record of the period. */
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
    "CREATE TRIGGER activity_counts_insert AFTER INSERT ON activities"
    "  WHEN new.state = 1 BEGIN"
    STORE_COUNTS_ADD("new")
    "END;"
    "CREATE TRIGGER activity_counts_update_old AFTER UPDATE ON activities"
    "  WHEN old.state = 1 BEGIN"
    STORE_COUNTS_SUB("old")
    "END;"
    "CREATE TRIGGER activity_counts_update_new AFTER UPDATE ON activities"
    "  WHEN new.state = 1 BEGIN"
    STORE_COUNTS_ADD("new")
    "END;"
    "CREATE TRIGGER activity_counts_delete AFTER DELETE ON activities"
    "  WHEN old.state = 1 BEGIN"
    STORE_COUNTS_SUB("old")
    "END;"
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
        store_activity_fields_backfill,
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
};

/* Logs a failed statement; the caller answers INTERNAL, never the SQL. */
int
store_fail(struct store_conn *c, const char *what)
{
	/* Not a fault of the store: the writer answers it and logs it. */
	if ((sqlite3_errcode(c->db) & 0xff) == SQLITE_FULL) {
		c->full = 1;
		return STATUS_RESOURCE_EXHAUSTED;
	}
	log_warnx("HOPTACD-STORE: %s: %s", sqlite3_errmsg(c->db), what);
	return STATUS_INTERNAL;
}

int
store_exec(struct store_conn *c, const char *sql)
{
	return sqlite3_exec(c->db, sql, NULL, NULL, NULL) == SQLITE_OK
	    ? STATUS_OK
	    : store_fail(c, sql);
}

const char *
store_errmsg(struct store_conn *c)
{
	return sqlite3_errmsg(c->db);
}

/* Reads the schema version; it is also the first read of the file, so
 * this is where a file that is not a database is found out. */
static int
store_schema_version(
    struct store_conn *c, int *version, char *err, size_t errlen)
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

static int
store_migrate(struct store_conn *c, char *err, size_t errlen)
{
	int version = 0;
	int rc;
	char sql[64];

	if ((rc = store_schema_version(c, &version, err, errlen)) != STATUS_OK)
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
	if (store_exec(c, "BEGIN IMMEDIATE") != STATUS_OK)
		goto fail;
	for (int v = version; v < STORE_SCHEMA_VERSION; v++) {
		const struct store_migration *m = &store_migrations[v];

		if (store_exec(c, m->sql) != STATUS_OK ||
		    (m->then != NULL && m->then(c) != STATUS_OK))
			goto fail_rollback;
	}
	snprintf(
	    sql, sizeof(sql), "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	if (store_exec(c, sql) != STATUS_OK ||
	    store_exec(c, "COMMIT") != STATUS_OK)
		goto fail_rollback;
	rc = STATUS_OK;
	goto out;
fail_rollback:
	snprintf(err, errlen, "migration failed: %s", sqlite3_errmsg(c->db));
	store_exec(c, "ROLLBACK");
	goto out;
fail:
	snprintf(err, errlen, "migration failed: %s", sqlite3_errmsg(c->db));
out:
	return rc;
}

/* One writing process per database: two would be two writers and
 * checkpointers on one WAL file (ARCHITECTURE.md). The lock is an flock
 * on the file, which sqlite's own POSIX locks do not touch, held until
 * store_close; the kernel drops it when the process dies. */
static int
store_lock(struct store_conn *c, const char *path, char *err, size_t errlen)
{
	c->lock_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->lock_fd < 0) {
		snprintf(
		    err, errlen, "cannot open %s: %s", path, strerror(errno));
		return STATUS_UNAVAILABLE;
	}
	if (flock(c->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(err, errlen,
		    "%s is in use by another process (a running hoptacd?)",
		    path);
		return STATUS_FAILED_PRECONDITION;
	}
	return STATUS_OK;
}

/* Why sqlite could not read a file, in words an operator can act on;
 * sqlite's own message follows in parentheses. */
static void
store_open_error(
    struct store_conn *c, const char *path, char *err, size_t errlen)
{
	int code = sqlite3_errcode(c->db) & 0xff;
	const char *cause = code == SQLITE_NOTADB ? "not an sqlite database "
	    : code == SQLITE_CORRUPT              ? "truncated or damaged "
	                                          : "";

	snprintf(err, errlen, "cannot open %s: %s(%s)", path, cause,
	    sqlite3_errmsg(c->db));
}

/* What sqlite would only call "unable to open database file": the path
 * is a directory, or its directory is missing. Checked before sqlite
 * opens anything, which also keeps it from creating a file there. */
static int
store_check_path(const char *path, char *err, size_t errlen)
{
	struct stat sb;
	char dir[1024];
	char *slash;

	if (stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen,
			    "cannot open %s: it is a directory, not a database "
			    "file",
			    path);
			return -1;
		}
		return 0;
	}
	if (errno != ENOENT) {
		snprintf(
		    err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		return 0; /* the working directory */
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen,
		    "cannot create %s: its directory %s does not exist", path,
		    dir);
		return -1;
	}
	return 0;
}

/* sqlite keeps statistics of its memory under a global mutex, taken
 * on every allocation by every thread; nothing here reads them. Only
 * possible before sqlite's first use, which store_open is. */
static void
store_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int
store_open(const char *path, int readonly, struct store_conn **out, char *err,
    size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct store_conn *c = calloc(1, sizeof(*c));
	int flags = readonly ? SQLITE_OPEN_READONLY
	                     : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc = STATUS_INTERNAL;

	*out = NULL;
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return STATUS_INTERNAL;
	}
	pthread_once(&once, store_configure);
	c->readonly = readonly;
	c->lock_fd = -1;
	if (!readonly && store_check_path(path, err, errlen) != 0) {
		rc = STATUS_UNAVAILABLE;
		goto fail;
	}
	flags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    c->db ? sqlite3_errmsg(c->db) : "out of memory");
		rc = STATUS_UNAVAILABLE;
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, 5000);
	if (!readonly && (rc = store_lock(c, path, err, errlen)) != STATUS_OK)
		goto fail;
	if (!readonly) {
		/* WAL so readers never block the writer; FULL so that a
		 * commit we acknowledge survives power loss; a 32 MiB page
		 * cache (grown only as used) so that the indexes of a large
		 * database are not read back from disk on every insert; a
		 * checkpoint every 10,000 pages of WAL (40 MB) rather than
		 * 1,000, so that a page written by many commits in between
		 * is copied into the database once (docs/PERFORMANCE.md:
		 * a sixth more activities a second in batches). */
		if (store_exec(c, "PRAGMA journal_mode=WAL") != STATUS_OK ||
		    store_exec(c, "PRAGMA synchronous=FULL") != STATUS_OK ||
		    store_exec(c, "PRAGMA cache_size=-32768") != STATUS_OK ||
		    store_exec(c, "PRAGMA wal_autocheckpoint=10000") !=
		        STATUS_OK ||
		    store_exec(c, "PRAGMA foreign_keys=ON") != STATUS_OK) {
			store_open_error(c, path, err, errlen);
			rc = STATUS_UNAVAILABLE;
			goto fail;
		}
		if ((rc = store_migrate(c, err, errlen)) != STATUS_OK)
			goto fail;
	} else {
		int version = 0;

		if (store_exec(c, "PRAGMA query_only=ON") != STATUS_OK) {
			snprintf(err, errlen, "cannot open %s: %s", path,
			    sqlite3_errmsg(c->db));
			goto fail;
		}
		/* Opening reads nothing: without this check, a reader
		 * would take an empty file or any other file and fail
		 * only on its first query. Only the writer migrates. */
		if ((rc = store_schema_version(c, &version, err, errlen)) !=
		    STATUS_OK)
			goto fail;
		if (version != STORE_SCHEMA_VERSION) {
			snprintf(err, errlen,
			    "database schema %d is not this server's %d",
			    version, STORE_SCHEMA_VERSION);
			rc = STATUS_FAILED_PRECONDITION;
			goto fail;
		}
	}
	*out = c;
	return STATUS_OK;
fail:
	sqlite3_close(c->db);
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	free(c);
	return rc;
}

void
store_close(struct store_conn *c)
{
	sqlite3_stmt *st;

	if (c == NULL)
		return;
	/* Cached statements would keep the connection open as a zombie,
	 * and the last close is what checkpoints and removes the WAL. */
	while ((st = sqlite3_next_stmt(c->db, NULL)) != NULL)
		sqlite3_finalize(st);
	if (sqlite3_close(c->db) != SQLITE_OK)
		log_warnx("HOPTACD-STORE-CLOSE: %s", sqlite3_errmsg(c->db));
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	free(c);
}

/* sqlite counts in pages; the operator in bytes. */
static long long
store_pragma_int(struct store_conn *c, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int
store_limit_size(struct store_conn *c, long long max_bytes)
{
	long long page = store_pragma_int(c, "PRAGMA page_size");
	long long pages, now;
	char sql[64];

	if (page <= 0)
		return store_fail(c, "PRAGMA page_size");
	/* sqlite's own ceiling, which is also what lifts a limit. */
	pages = max_bytes > 0 ? max_bytes / page : 4294967294LL;
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld",
	    pages > 0 ? pages : 1);
	if (store_pragma_int(c, sql) < 0)
		return store_fail(c, sql);
	c->limit_bytes = max_bytes;
	now = store_pragma_int(c, "PRAGMA page_count") * page;
	if (max_bytes > 0 && now >= max_bytes)
		log_warnx("HOPTACD-FULL: the database is already %lld bytes, "
		          "max_db_size is %lld: writes that need more space "
		          "will fail",
		    now, max_bytes);
	return STATUS_OK;
}

int
store_full_take(struct store_conn *c)
{
	int full = c->full;

	c->full = 0;
	return full;
}

void
store_full_reason(struct store_conn *c, char *buf, size_t len)
{
	const char *path = sqlite3_db_filename(c->db, "main");
	struct statvfs vfs;

	/* With a limit set, the limit is the likelier cause, unless the
	 * disk has no room left. */
	if (c->limit_bytes > 0 &&
	    (path == NULL || statvfs(path, &vfs) != 0 ||
	        (unsigned long long)vfs.f_bavail * vfs.f_frsize >= 1 << 20))
		snprintf(buf, len,
		    "the database has reached its size limit (max_db_size = "
		    "%lld bytes)",
		    c->limit_bytes);
	else
		snprintf(buf, len, "the disk holding the database is full");
}

int
store_in_transaction(struct store_conn *c)
{
	return !sqlite3_get_autocommit(c->db);
}

/* Runs a statement of transaction control, prepared once: the writer
 * runs five of them for every call, and parsing them each time cost more
 * than running them. */
static int
store_control(struct store_conn *c, const char *sql)
{
	sqlite3_stmt *st = store_stmt(c, sql);
	int rv;

	if (st == NULL)
		return store_fail(c, sql);
	rv = sqlite3_step(st);
	sqlite3_reset(st);
	return rv == SQLITE_DONE ? STATUS_OK : store_fail(c, sql);
}

int
store_begin(struct store_conn *c)
{
	return store_control(c, "BEGIN IMMEDIATE");
}

int
store_commit(struct store_conn *c)
{
	return store_control(c, "COMMIT");
}

int
store_rollback(struct store_conn *c)
{
	return store_control(c, "ROLLBACK");
}

int
store_savepoint(struct store_conn *c)
{
	return store_control(c, "SAVEPOINT call");
}

int
store_release(struct store_conn *c)
{
	return store_control(c, "RELEASE call");
}

int
store_rollback_savepoint(struct store_conn *c)
{
	int rc = store_control(c, "ROLLBACK TO call");

	return rc == STATUS_OK ? store_release(c) : rc;
}

/* Prepares sql once per connection and keeps it. Callers pass string
 * literals, whose address finds the statement; the text is compared too,
 * so a buffer reused for another statement is never taken for it. A
 * statement still running (a caller reading rows that calls back here)
 * gets a second one. */
sqlite3_stmt *
store_stmt(struct store_conn *c, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) & (STORE_STMT_SLOTS - 1);
	size_t slot = STORE_STMT_SLOTS;
	sqlite3_stmt *st = NULL;

	for (size_t i = 0; i < STORE_STMT_SLOTS; i++) {
		size_t k = (h + i) & (STORE_STMT_SLOTS - 1);

		if (c->stmts[k].sql == NULL) {
			slot = k;
			break;
		}
		if (c->stmts[k].sql != sql)
			continue;
		st = c->stmts[k].st;
		if (!sqlite3_stmt_busy(st) && strcmp(sqlite3_sql(st), sql) == 0)
			goto ready;
		st = NULL;
		break;
	}
	while ((st = sqlite3_next_stmt(c->db, st)) != NULL)
		if (!sqlite3_stmt_busy(st) && strcmp(sqlite3_sql(st), sql) == 0)
			break;
	if (st == NULL &&
	    sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	        NULL) != SQLITE_OK)
		return NULL;
	if (slot < STORE_STMT_SLOTS) {
		c->stmts[slot].sql = sql;
		c->stmts[slot].st = st;
	}
ready:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

int
store_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Runs a statement that returns no rows. */
int
store_step_done(struct store_conn *c, sqlite3_stmt *st)
{
	int rv = sqlite3_step(st);

	sqlite3_reset(st);
	if (rv == SQLITE_DONE)
		return STATUS_OK;
	if (rv == SQLITE_CONSTRAINT_FOREIGNKEY)
		return STATUS_FAILED_PRECONDITION;
	if (rv == SQLITE_CONSTRAINT_UNIQUE ||
	    rv == SQLITE_CONSTRAINT_PRIMARYKEY)
		return STATUS_ALREADY_EXISTS;
	if ((rv & 0xff) == SQLITE_FULL) {
		c->full = 1;
		return STATUS_RESOURCE_EXHAUSTED;
	}
	return store_fail(c, sqlite3_sql(st));
}

int
store_blob_dup(sqlite3_stmt *st, int col, uint8_t **data, size_t *len)
{
	const void *b = sqlite3_column_blob(st, col);
	int n = sqlite3_column_bytes(st, col);

	*len = (size_t)n;
	*data = malloc(n > 0 ? (size_t)n : 1);
	if (*data == NULL)
		return STATUS_INTERNAL;
	if (n > 0)
		memcpy(*data, b, (size_t)n);
	return STATUS_OK;
}

int
store_request_find(struct store_conn *c, const char *request_id,
    const char *method, uint8_t **payload, size_t *len)
{
	static const char sql[] =
	    "SELECT method, payload FROM request_log WHERE request_id = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	int rc, rv;

	if (st == NULL)
		return store_fail(c, sql);
	store_bind_text(st, 1, request_id);
	rv = sqlite3_step(st);
	if (rv == SQLITE_DONE)
		rc = STATUS_NOT_FOUND;
	else if (rv != SQLITE_ROW)
		rc = store_fail(c, sql);
	else if (strcmp((const char *)sqlite3_column_text(st, 0), method) != 0)
		rc = STATUS_FAILED_PRECONDITION;
	else
		rc = store_blob_dup(st, 1, payload, len);
	sqlite3_reset(st);
	return rc;
}

int
store_request_save(struct store_conn *c, const char *request_id,
    const char *method, const uint8_t *payload, size_t len, int64_t now_ms)
{
	static const char sql[] = "INSERT INTO request_log"
	                          "(request_id, method, payload, created_at_ms)"
	                          " VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(c, sql);

	if (st == NULL)
		return store_fail(c, sql);
	store_bind_text(st, 1, request_id);
	store_bind_text(st, 2, method);
	sqlite3_bind_blob(st, 3, payload, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now_ms);
	return store_step_done(c, st);
}

/* The body blob of a message, malloc'd. */
uint8_t *
store_pack(const ProtobufCMessage *m, size_t *len)
{
	uint8_t *buf;

	*len = protobuf_c_message_get_packed_size(m);
	buf = malloc(*len ? *len : 1);
	if (buf != NULL)
		protobuf_c_message_pack(m, buf);
	return buf;
}

int
store_bind_day(sqlite3_stmt *st, int i, const char *iso, int last)
{
	struct date_partial d;

	if (iso == NULL || iso[0] == '\0' || date_parse(iso, &d) != 0)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int(
	    st, i, last ? date_last_day(&d) : date_first_day(&d));
}

/* Unpacks column col of the current row as a message of desc. */
int
store_unpack(sqlite3_stmt *st, int col, const ProtobufCMessageDescriptor *desc,
    void **out)
{
	*out = protobuf_c_message_unpack(desc, NULL,
	    (size_t)sqlite3_column_bytes(st, col),
	    sqlite3_column_blob(st, col));
	return *out != NULL ? STATUS_OK : STATUS_DATA_LOSS;
}

/* Runs st (bound, cached) expecting at most one row: its column 0 as a
 * message, or NOT_FOUND. */
int
store_one(struct store_conn *c, sqlite3_stmt *st,
    const ProtobufCMessageDescriptor *desc, void **out)
{
	int rv = sqlite3_step(st), rc;

	*out = NULL;
	if (rv == SQLITE_DONE)
		rc = STATUS_NOT_FOUND;
	else if (rv != SQLITE_ROW)
		rc = store_fail(c, sqlite3_sql(st));
	else
		rc = store_unpack(st, 0, desc, out);
	sqlite3_reset(st);
	return rc;
}

/* Runs st (bound, cached) and appends column 0 of each row, unpacked as
 * desc, to the repeated field (n, items). */
int
store_all(struct store_conn *c, sqlite3_stmt *st,
    const ProtobufCMessageDescriptor *desc, size_t *n, void ***items)
{
	int rc = STATUS_OK, rv;

	while ((rv = sqlite3_step(st)) == SQLITE_ROW) {
		void *m;

		if ((rc = store_unpack(st, 0, desc, &m)) != STATUS_OK)
			break;
		if ((rc = store_append(n, items, m)) != STATUS_OK) {
			protobuf_c_message_free_unpacked(m, NULL);
			break;
		}
	}
	if (rc == STATUS_OK && rv != SQLITE_DONE)
		rc = store_fail(c, sqlite3_sql(st));
	sqlite3_reset(st);
	return rc;
}

int
store_unit_insert(struct store_conn *c, const Hoptac__V1__Unit *u)
{
	static const char sql[] =
	    "INSERT INTO units(code, name, kind, province, parent_code,"
	    " valid_from_day, valid_to_day, body) VALUES (?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = store_stmt(c, sql);
	size_t len;
	uint8_t *body;
	int rc;

	if (st == NULL)
		return store_fail(c, sql);
	if ((body = store_pack(&u->base, &len)) == NULL)
		return STATUS_INTERNAL;
	store_bind_text(st, 1, u->code);
	store_bind_text(st, 2, u->name);
	sqlite3_bind_int(st, 3, (int)u->kind);
	store_bind_text(st, 4, u->province);
	if (u->parent_code[0] != '\0')
		store_bind_text(st, 5, u->parent_code);
	store_bind_day(st, 6, u->valid_from, 0);
	store_bind_day(st, 7, u->valid_to, 1);
	sqlite3_bind_blob(st, 8, body, (int)len, free);
	rc = store_step_done(c, st);
	return rc;
}

int
store_unit_get(struct store_conn *c, const char *code, Hoptac__V1__Unit **out)
{
	static const char sql[] = "SELECT body FROM units WHERE code = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	int rc = STATUS_OK, rv;

	if (st == NULL)
		return store_fail(c, sql);
	store_bind_text(st, 1, code);
	rv = sqlite3_step(st);
	if (rv == SQLITE_DONE) {
		rc = STATUS_NOT_FOUND;
	} else if (rv != SQLITE_ROW) {
		rc = store_fail(c, sql);
	} else if (out != NULL) {
		*out = hoptac__v1__unit__unpack(NULL,
		    (size_t)sqlite3_column_bytes(st, 0),
		    sqlite3_column_blob(st, 0));
		if (*out == NULL)
			rc = STATUS_DATA_LOSS;
	}
	sqlite3_reset(st);
	return rc;
}

/* Appends an unpacked message to a repeated message field. */
int
store_append(size_t *n, void ***items, void *m)
{
	void **grown = realloc(*items, (*n + 1) * sizeof(*grown));

	if (grown == NULL)
		return STATUS_INTERNAL;
	grown[(*n)++] = m;
	*items = grown;
	return STATUS_OK;
}

int
store_unit_list(struct store_conn *c, const Hoptac__V1__ListUnitsRequest *q,
    int32_t today, Hoptac__V1__ListUnitsResponse *out)
{
	static const char sql[] =
	    "SELECT body FROM units WHERE (?1 = '' OR province = ?1)"
	    " AND (?2 OR valid_to_day IS NULL OR valid_to_day >= ?3)"
	    " ORDER BY province, code";
	sqlite3_stmt *st = store_stmt(c, sql);

	if (st == NULL)
		return store_fail(c, sql);
	store_bind_text(st, 1, q->province);
	sqlite3_bind_int(st, 2, q->include_ended);
	sqlite3_bind_int(st, 3, today);
	return store_all(c, st, &hoptac__v1__unit__descriptor, &out->n_units,
	    (void ***)&out->units);
}
