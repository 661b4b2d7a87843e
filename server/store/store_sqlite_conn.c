/*
 * The store on sqlite3. Records are kept whole as packed protobuf in a
 * body column, next to the columns that queries filter and sort on; the
 * columns are derived from the message here and nowhere else.
 *
 * This file: opening and closing a connection, and transactions. The
 * statements are in store_sqlite_stmt.c, the log of applied requests in
 * store_sqlite_replies.c.
 */
#include "store.h"
#include "store_sqlite_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "log.h"
#include "status.h"

/* When HOPTACD-DAMAGED was last logged (CLOCK_MONOTONIC, ms), and how
 * many times damage was met since. */
static atomic_llong store_sqlite_damage_logged_ms;
static atomic_long store_sqlite_damage_unlogged;

/* A connection met a damaged page: the call fails with DATA_LOSS, the
 * process notes it (store_damaged: the writer then leaves its WAL beside
 * the database at close), and the log says so, once a minute at most. */
static void
store_sqlite_damage(struct store_sqlite *c, const char *what)
{
	const char *path = sqlite3_db_filename(c->db, "main");
	struct timespec ts;
	long long now, last;
	long more;

	store_note_damage();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	last = atomic_load(&store_sqlite_damage_logged_ms);
	if ((last != 0 && now - last < 60000) ||
	    !atomic_compare_exchange_strong(
	        &store_sqlite_damage_logged_ms, &last, now)) {
		atomic_fetch_add(&store_sqlite_damage_unlogged, 1);
		return;
	}
	more = atomic_exchange(&store_sqlite_damage_unlogged, 0);
	log_error("HOPTACD-DAMAGED: %s is damaged: %s (in %s)%s; calls that "
	          "read the damaged pages fail with DATA_LOSS, and the WAL "
	          "will not be checkpointed into the database: stop the "
	          "server, run `hoptacd check -D %s` and restore the last "
	          "backup (docs/operations.md)",
	    path ? path : "the database", sqlite3_errmsg(c->db), what,
	    more > 0 ? " (met again since the last message)" : "",
	    path ? path : "DATABASE");
}

/* Logs a failed statement; the caller answers INTERNAL (DATA_LOSS for a
 * damaged database), never the SQL. */
int
store_sqlite_fail(struct store_sqlite *c, const char *what)
{
	int code = sqlite3_errcode(c->db) & 0xff;

	/* Not a fault of the store: the writer answers it and logs it. */
	if (code == SQLITE_FULL) {
		c->full = 1;
		return STATUS_RESOURCE_EXHAUSTED;
	}
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
		store_sqlite_damage(c, what);
		return STATUS_DATA_LOSS;
	}
	log_warnx("HOPTACD-STORE: %s: %s", sqlite3_errmsg(c->db), what);
	return STATUS_INTERNAL;
}

int
store_sqlite_exec(struct store_sqlite *c, const char *sql)
{
	return sqlite3_exec(c->db, sql, NULL, NULL, NULL) == SQLITE_OK
	    ? STATUS_OK
	    : store_sqlite_fail(c, sql);
}

const char *
store_sqlite_errmsg(struct store_conn *conn)
{
	struct store_sqlite *c = store_sqlite_of(conn);

	return sqlite3_errmsg(c->db);
}

/* One writing process per database: two would be two writers and
 * checkpointers on one WAL file (ARCHITECTURE.md). The lock is an flock
 * on the file, which sqlite's own POSIX locks do not touch, held until
 * store_sqlite_close; the kernel drops it when the process dies. */
static int
store_lock(struct store_sqlite *c, const char *path, char *err, size_t errlen)
{
	c->lock_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->lock_fd < 0) {
		snprintf(
		    err, errlen, "cannot open %s: %s", path, strerror(errno));
		return STATUS_UNAVAILABLE;
	}
	if (flock(c->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(err, errlen,
		    "%s is in use by another process (a running hoptacd, or "
		    "hoptacd check?)",
		    path);
		return STATUS_FAILED_PRECONDITION;
	}
	return STATUS_OK;
}

/* Why sqlite could not read a file, in words an operator can act on;
 * sqlite's own message follows in parentheses. */
static void
store_open_error(
    struct store_sqlite *c, const char *path, char *err, size_t errlen)
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
store_check_path(const char *path, int mode, char *err, size_t errlen)
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
		    "cannot %s %s: its directory %s does not exist",
		    mode == STORE_OPEN_CREATE ? "create" : "open", path, dir);
		return -1;
	}
	return 0;
}

/* sqlite keeps statistics of its memory under a global mutex, taken
 * on every allocation by every thread; nothing here reads them. Only
 * possible before sqlite's first use, which store_sqlite_open is. */
static void
store_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* The writer's settings, in the order they are set (store_sqlite_open).
 * The server then bounds the WAL as configured (store_limit_wal); these
 * are its defaults' pages, about 4 MiB, for hoptacd init and backup. */
static const char *const store_sqlite_pragmas[] = {
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA cache_size=-8192",
    "PRAGMA wal_autocheckpoint=1018",
    "PRAGMA journal_size_limit=4194304",
    "PRAGMA foreign_keys=ON",
    "PRAGMA temp_store=MEMORY",
};

#define STORE_SQLITE_N_PRAGMAS                                                 \
	(sizeof(store_sqlite_pragmas) / sizeof(store_sqlite_pragmas[0]))

/* What an operator does about a database a writer refused. */
#define STORE_RESTORE                                                          \
	"nothing was changed: restore the last backup (docs/operations.md, "   \
	"\"Restoring\")"

/* Refuses what a writer must not take as a database: a log beside no
 * database (its writes would be lost, sqlite removing it), and for the
 * server, a missing or empty file, which only hoptacd init makes into a
 * database. */
static int
store_writer_files(const char *path, int mode,
    const struct store_sqlite_files *f, char *err, size_t errlen)
{
	if ((!f->db || f->db_size == 0) && f->wal &&
	    (mode == STORE_OPEN_WRITE || f->wal_size > 0)) {
		snprintf(err, errlen,
		    "cannot open %s: %s, but a write-ahead log is there, "
		    "%s-wal, which may hold its last writes: put the database "
		    "that goes with the log back beside it, or restore the "
		    "last backup and move %s-wal aside (docs/operations.md, "
		    "\"Restoring\"); nothing was changed",
		    path, f->db ? "it is empty (0 bytes)" : "it does not exist",
		    path, path);
		return STATUS_FAILED_PRECONDITION;
	}
	if (mode == STORE_OPEN_WRITE && !f->db) {
		snprintf(err, errlen,
		    "cannot open %s: it does not exist: make a new database "
		    "with `hoptacd init -D %s`, or restore the last backup "
		    "(docs/operations.md, \"Restoring\")",
		    path, path);
		return STATUS_NOT_FOUND;
	}
	if (mode == STORE_OPEN_WRITE && f->db_size == 0) {
		snprintf(err, errlen,
		    "cannot open %s: it is empty (0 bytes), not a database: "
		    "restore the last backup (docs/operations.md, "
		    "\"Restoring\"), or, for a new database, remove it and run "
		    "`hoptacd init -D %s`; nothing was changed",
		    path, path);
		return STATUS_FAILED_PRECONDITION;
	}
	return STATUS_OK;
}

/* A writer's way in, before sqlite opens anything for writing: the files
 * are as a writer may take them (store_writer_files), a missing one is
 * made (mode CREATE; *made then), the database is locked, and one that
 * is not empty passes the quick check. */
static int
store_writer_prepare(struct store_sqlite *c, const char *path, int mode,
    struct store_sqlite_files *before, int *made, char *err, size_t errlen)
{
	struct store_sqlite_files now;
	struct store_check_result res;
	char why[2048];
	int fd, rc;

	*made = 0;
	store_sqlite_files(path, before);
	if ((rc = store_writer_files(path, mode, before, err, errlen)) !=
	    STATUS_OK)
		return rc;
	if (!before->db) {
		/* Private whatever the umask: sqlite gives the files it
		 * makes beside it (-wal, -shm) the same mode. */
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			*made = 1;
			close(fd);
		} else if (errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", path,
			    strerror(errno));
			return STATUS_UNAVAILABLE;
		}
	}
	if ((rc = store_lock(c, path, err, errlen)) != STATUS_OK)
		return rc;
	/* Again, now that no other hoptacd can be writing. */
	store_sqlite_files(path, &now);
	if ((rc = store_writer_files(path, mode, &now, err, errlen)) !=
	    STATUS_OK)
		return rc;
	if (now.db_size == 0)
		return STATUS_OK; /* a new database */
	rc = store_sqlite_verify(path, STORE_CHECK_QUICK,
	    mode == STORE_OPEN_CREATE ? 0 : 1, 1, &res, why, sizeof(why));
	if (rc == STATUS_OK)
		return STATUS_OK;
	if (rc == STATUS_DATA_LOSS && now.wal && strstr(why, "-wal") != NULL)
		snprintf(err, errlen,
		    "cannot open %s: %s; %s, and move %s-wal and %s-shm aside "
		    "with the database",
		    path, why, STORE_RESTORE, path, path);
	else if (rc == STATUS_DATA_LOSS && now.wal)
		snprintf(err, errlen,
		    "cannot open %s with its write-ahead log %s-wal (the log "
		    "may be another database's, or the database may have been "
		    "cut or replaced without its log): %s; %s, and move %s-wal "
		    "and %s-shm aside with the database",
		    path, path, why, STORE_RESTORE, path, path);
	else if (rc == STATUS_DATA_LOSS || rc == STATUS_UNAVAILABLE)
		snprintf(err, errlen, "cannot open %s: %s; %s", path, why,
		    STORE_RESTORE);
	else
		snprintf(err, errlen, "cannot open %s: %s; nothing was changed",
		    path, why);
	return rc;
}

/* Removes what a failed writer's open made of a database that was not
 * there: the file, and the files sqlite made beside it. */
static void
store_writer_unmake(const char *path, const struct store_sqlite_files *before)
{
	char p[STORE_SQLITE_PATH_MAX];

	unlink(path);
	if (!before->wal) {
		snprintf(p, sizeof(p), "%s-wal", path);
		unlink(p);
	}
	if (!before->shm) {
		snprintf(p, sizeof(p), "%s-shm", path);
		unlink(p);
	}
	if (!before->journal) {
		snprintf(p, sizeof(p), "%s-journal", path);
		unlink(p);
	}
}

/* A file others may read or change: said once at each open. */
static void
store_writer_mode(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == 0 && (sb.st_mode & 077) != 0)
		log_warnx("HOPTACD-MODE: %s has mode %04o: others than its "
		          "owner may read it; chmod 600 it and its -wal and "
		          "-shm",
		    path, (unsigned)(sb.st_mode & 07777));
}

/* The reader's open: the writer made the file and its schema. */
static int
store_reader_open(
    struct store_sqlite *c, const char *path, char *err, size_t errlen)
{
	int version = 0, rc;

	if (sqlite3_open_v2(path, &c->db,
	        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    c->db ? sqlite3_errmsg(c->db) : "out of memory");
		return STATUS_UNAVAILABLE;
	}
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, 5000);
	if (store_sqlite_exec(c, "PRAGMA query_only=ON") != STATUS_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    sqlite3_errmsg(c->db));
		return STATUS_INTERNAL;
	}
	/* Opening reads nothing: without this check, a reader would take
	 * an empty file or any other file and fail only on its first
	 * query. Only the writer migrates. */
	if ((rc = store_sqlite_schema_version(c, &version, err, errlen)) !=
	    STATUS_OK)
		return rc;
	if (version != STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
		    "database schema %d is not this server's %d", version,
		    STORE_SCHEMA_VERSION);
		return STATUS_FAILED_PRECONDITION;
	}
	return STATUS_OK;
}

/* The writer's open, once store_writer_prepare has let it in. The
 * connection does not checkpoint when it closes until it is open: a
 * writer that fails here leaves the log as it found it. */
static int
store_writer_open(
    struct store_sqlite *c, const char *path, char *err, size_t errlen)
{
	int rc;

	if (sqlite3_open_v2(path, &c->db,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    c->db ? sqlite3_errmsg(c->db) : "out of memory");
		return STATUS_UNAVAILABLE;
	}
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, 5000);
	/* WAL so readers never block the writer; FULL so that a commit we
	 * acknowledge survives power loss; an 8 MiB page cache (grown only
	 * as used), four times sqlite's default, for the indexes the
	 * settling writes: 32 MiB loaded a large database a fifth faster
	 * but made the writer's memory twice the straightforward gRPC
	 * build's (docs/PERFORMANCE.md); a WAL bounded in bytes, so that
	 * room freed on a full disk is not taken again by it (a larger
	 * interval, set by the server, saves writes: docs/PERFORMANCE.md);
	 * temporary data in memory: the journals of a settling's savepoints
	 * and statements, which sqlite writes to a temporary file past
	 * 64 KiB, were 200 to 800 bytes a call written to disk, for 1 MiB
	 * more of peak memory. */
	for (size_t i = 0; i < STORE_SQLITE_N_PRAGMAS; i++)
		if (store_sqlite_exec(c, store_sqlite_pragmas[i]) !=
		    STATUS_OK) {
			store_open_error(c, path, err, errlen);
			return STATUS_UNAVAILABLE;
		}
	if ((rc = store_sqlite_migrate(c, err, errlen)) != STATUS_OK)
		return rc;
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
	return STATUS_OK;
}

int
store_sqlite_open(const char *path, int mode, struct store_conn **out,
    char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct store_sqlite *c;
	struct store_sqlite_files before;
	int made = 0, rc;

	*out = NULL;
	if (mode != STORE_OPEN_CREATE && mode != STORE_OPEN_READ &&
	    mode != STORE_OPEN_WRITE) {
		snprintf(err, errlen, "cannot open %s: no mode %d", path, mode);
		return STATUS_INVALID_ARGUMENT;
	}
	if (strlen(path) + 16 > STORE_SQLITE_PATH_MAX) {
		snprintf(err, errlen,
		    "cannot open %.64s...: the path is too long", path);
		return STATUS_INVALID_ARGUMENT;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return STATUS_INTERNAL;
	}
	pthread_once(&once, store_configure);
	c->readonly = mode == STORE_OPEN_READ;
	c->lock_fd = -1;
	c->audit_waiting = -1;
	if (c->readonly) {
		rc = store_reader_open(c, path, err, errlen);
	} else if (store_check_path(path, mode, err, errlen) != 0) {
		rc = STATUS_UNAVAILABLE;
	} else if ((rc = store_writer_prepare(c, path, mode, &before, &made,
	                err, errlen)) == STATUS_OK) {
		rc = store_writer_open(c, path, err, errlen);
	}
	if (rc == STATUS_OK && !c->readonly)
		rc = store_sqlite_inbox_init(c);
	if (rc == STATUS_OK && !c->readonly)
		rc = store_sqlite_replies_init(c);
	if (rc != STATUS_OK)
		goto fail;
	if (!c->readonly && !made)
		store_writer_mode(path);
	c->conn.ops = &store_sqlite_ops;
	*out = &c->conn;
	return STATUS_OK;
fail:
	store_sqlite_inbox_free(c);
	store_sqlite_replies_free(c);
	sqlite3_close(c->db);
	if (made)
		store_writer_unmake(path, &before);
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	free(c);
	return rc;
}

void
store_sqlite_close(struct store_conn *conn)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	sqlite3_stmt *st;

	if (c == NULL)
		return;
	/* Cached statements would keep the connection open as a zombie,
	 * and the last close is what checkpoints and removes the WAL. */
	while ((st = sqlite3_next_stmt(c->db, NULL)) != NULL)
		sqlite3_finalize(st);
	/* Not into a database found damaged: the WAL, with the writes
	 * acknowledged since, stays beside it for whoever repairs it. */
	if (!c->readonly && store_damaged()) {
		sqlite3_db_config(
		    c->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
		log_warnx("HOPTACD-DAMAGED: %s was found damaged: its WAL is "
		          "left beside it, not checkpointed into it",
		    sqlite3_db_filename(c->db, "main"));
	}
	store_sqlite_inbox_free(c);
	store_sqlite_replies_free(c);
	if (sqlite3_close(c->db) != SQLITE_OK)
		log_warnx("HOPTACD-STORE-CLOSE: %s", sqlite3_errmsg(c->db));
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	free(c);
}

int
store_sqlite_in_transaction(struct store_conn *conn)
{
	struct store_sqlite *c = store_sqlite_of(conn);

	return !sqlite3_get_autocommit(c->db);
}

/* Runs a statement of transaction control, prepared once: the writer
 * runs five of them for every call, and parsing them each time cost more
 * than running them. */
static int
store_control(struct store_sqlite *c, const char *sql)
{
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	int rv;

	if (st == NULL)
		return store_sqlite_fail(c, sql);
	rv = sqlite3_step(st);
	sqlite3_reset(st);
	return rv == SQLITE_DONE ? STATUS_OK : store_sqlite_fail(c, sql);
}

void
store_sqlite_kept_stale(struct store_sqlite *c)
{
	store_sqlite_inbox_stale(c);
	store_sqlite_replies_stale(c);
	c->audit_waiting = -1;
	c->audit_next_seq = 0;
}

int
store_sqlite_begin(struct store_conn *conn)
{
	struct store_sqlite *c = store_sqlite_of(conn);

	/* The last one ended without a commit or rollback of ours: sqlite
	 * rolled it back (a full disk), the inbox's rows with it. */
	if (c->txn_open)
		store_sqlite_kept_stale(c);
	c->txn_open = 1;
	return store_control(c, "BEGIN IMMEDIATE");
}

int
store_sqlite_commit(struct store_conn *conn)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	int rc = store_control(c, "COMMIT");

	if (rc == STATUS_OK)
		c->txn_open = 0;
	return rc;
}

int
store_sqlite_rollback(struct store_conn *conn)
{
	struct store_sqlite *c = store_sqlite_of(conn);

	c->txn_open = 0;
	store_sqlite_kept_stale(c);
	return store_control(c, "ROLLBACK");
}

int
store_sqlite_savepoint(struct store_conn *conn)
{
	struct store_sqlite *c = store_sqlite_of(conn);

	return store_control(c, "SAVEPOINT call");
}

int
store_sqlite_release(struct store_conn *conn)
{
	struct store_sqlite *c = store_sqlite_of(conn);

	return store_control(c, "RELEASE call");
}

int
store_sqlite_rollback_savepoint(struct store_conn *conn)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	int rc = store_control(c, "ROLLBACK TO call");

	store_sqlite_kept_stale(c);

	return rc == STATUS_OK ? store_sqlite_release(conn) : rc;
}

/* The table store.c calls through; every entry is set (test_store_open
 * checks). */
const struct store_ops store_sqlite_ops = {
    .name = "sqlite",
    .scheme = NULL,
    .open = store_sqlite_open,
    .close = store_sqlite_close,
    .check = store_sqlite_check,
    .begin = store_sqlite_begin,
    .commit = store_sqlite_commit,
    .rollback = store_sqlite_rollback,
    .savepoint = store_sqlite_savepoint,
    .release = store_sqlite_release,
    .rollback_savepoint = store_sqlite_rollback_savepoint,
    .errmsg = store_sqlite_errmsg,
    .limit_size = store_sqlite_limit_size,
    .limit_wal = store_sqlite_limit_wal,
    .full_take = store_sqlite_full_take,
    .full_reason = store_sqlite_full_reason,
    .in_transaction = store_sqlite_in_transaction,
    .request_find = store_sqlite_request_find,
    .request_save = store_sqlite_request_save,
    .unit_insert = store_sqlite_unit_insert,
    .unit_update = store_sqlite_unit_update,
    .unit_get = store_sqlite_unit_get,
    .unit_list = store_sqlite_unit_list,
    .activity_insert = store_sqlite_activity_insert,
    .settle = store_sqlite_settle,
    .unsettled = store_sqlite_unsettled,
    .backlog = store_sqlite_backlog,
    .activity_update = store_sqlite_activity_update,
    .activity_get = store_sqlite_activity_get,
    .activity_list = store_sqlite_activity_list,
    .req_insert = store_sqlite_req_insert,
    .req_get = store_sqlite_req_get,
    .req_list = store_sqlite_req_list,
    .report_get = store_sqlite_report_get,
    .report_by_id = store_sqlite_report_by_id,
    .report_insert = store_sqlite_report_insert,
    .report_update = store_sqlite_report_update,
    .report_list = store_sqlite_report_list,
    .report_count = store_sqlite_report_count,
    .summary = store_sqlite_summary,
    .activity_window = store_sqlite_activity_window,
    .link_put = store_sqlite_link_put,
    .link_list = store_sqlite_link_list,
    .conflict_insert = store_sqlite_conflict_insert,
    .conflict_get = store_sqlite_conflict_get,
    .conflict_update = store_sqlite_conflict_update,
    .conflict_list = store_sqlite_conflict_list,
    .cred_insert = store_sqlite_cred_insert,
    .cred_get = store_sqlite_cred_get,
    .cred_revoke = store_sqlite_cred_revoke,
    .cred_list = store_sqlite_cred_list,
    .cred_each = store_sqlite_cred_each,
    .partner_add = store_sqlite_partner_add,
    .partner_each = store_sqlite_partner_each,
    .key_insert = store_sqlite_key_insert,
    .key_get = store_sqlite_key_get,
    .audit_append = store_sqlite_audit_append,
    .audit_search = store_sqlite_audit_search,
    .audit_each = store_sqlite_audit_each,
    .audit_prune = store_sqlite_audit_prune,
    .backup_open = store_sqlite_backup_open,
    .backup_copy = store_sqlite_backup_copy,
    .backup_close = store_sqlite_backup_close,
};
