/*
 * Checking an sqlite store without changing it: store_check, and the
 * check a writer's open makes before it opens anything for writing.
 *
 * An sqlite connection changes files even when it only reads: the last
 * one to close checkpoints the write-ahead log into the database and
 * removes it, whatever the log holds (another database's log copied beside
 * this one is copied into it, and the database is ruined), and a reader of
 * a database in WAL mode that has no log makes one, and its index.
 * So the check reads through a connection that cannot write: the file is
 * opened read-only (SQLITE_OPEN_READONLY: sqlite cannot take the lock a
 * checkpoint needs on it), the connection is told not to checkpoint when
 * it closes (SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE), and a database without a
 * log beside it is opened immutable, which reads the file alone and makes
 * nothing beside it. The caller holds the database's flock then (the
 * writer's open), or this takes a shared one (hoptacd check), so that no
 * server starts writing meanwhile. A log beside the database is read as
 * sqlite reads it, which needs its index (path-shm): sqlite makes one when
 * it is missing, from the log, and that is the only file a check can make.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "status.h"
#include "store.h"
#include "store_sqlite_int.h"

/* How long a check waits for a server's lock (WAL recovery, say). */
#define STORE_CHECK_BUSY_MS 10000

/* Findings quoted in a message, at most, and the bytes of each. */
#define STORE_CHECK_FINDINGS 5
#define STORE_CHECK_FINDING  100

void
store_sqlite_files(const char *path, struct store_sqlite_files *f)
{
	static const char *const suffix[] = {"-wal", "-shm", "-journal"};
	struct stat sb;
	char p[STORE_SQLITE_PATH_MAX];

	memset(f, 0, sizeof(*f));
	if (stat(path, &sb) == 0) {
		f->db = 1;
		f->db_size = (long long)sb.st_size;
		f->db_mode = sb.st_mode;
	}
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		if (stat(p, &sb) != 0)
			continue;
		if (i == 0) {
			f->wal = 1;
			f->wal_size = (long long)sb.st_size;
		} else if (i == 1) {
			f->shm = 1;
		} else {
			f->journal = 1;
		}
	}
}

/* "file:" and path as a URI, with the query q: sqlite takes '?' and '#'
 * in a URI's path for its query, and '%' for an escape. */
static int
store_check_uri(char *buf, size_t len, const char *path, const char *q)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	if (len < 6)
		return -1;
	n = (size_t)snprintf(buf, len, "file:");
	for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
		if (n + 4 >= len)
			return -1;
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("/._-~", *s) != NULL) {
			buf[n++] = (char)*s;
		} else {
			buf[n++] = '%';
			buf[n++] = hex[*s >> 4];
			buf[n++] = hex[*s & 15];
		}
	}
	if (n + strlen(q) + 1 > len)
		return -1;
	memcpy(buf + n, q, strlen(q) + 1);
	return 0;
}

/* What sqlite's error on db means, for a message: a cause and sqlite's
 * own words, and the status to answer. */
static int
store_check_cause(const char *path, sqlite3 *db, int rv, const char *what,
    char *err, size_t errlen)
{
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rv);

	/* A write cut short in rollback-journal mode (hoptac's databases are
	 * in WAL mode, but a copy may have been written with sqlite3): only
	 * a writer can roll the journal back, and that is a change the
	 * operator makes, knowingly. */
	if (rv == SQLITE_READONLY_ROLLBACK) {
		snprintf(err, errlen,
		    "a rollback journal, %s-journal, is beside it, left by a "
		    "write cut short, and must be rolled back before the "
		    "database can be read: keep a copy of both, run `sqlite3 "
		    "%s 'PRAGMA quick_check'` once, which rolls it back, and "
		    "start again",
		    path, path);
		return STATUS_FAILED_PRECONDITION;
	}
	switch (rv & 0xff) {
	case SQLITE_NOTADB:
		snprintf(err, errlen, "not an sqlite database (%s%s%s)", what,
		    what[0] ? ": " : "", msg);
		return STATUS_DATA_LOSS;
	case SQLITE_CORRUPT:
		snprintf(err, errlen, "truncated or damaged (%s%s%s)", what,
		    what[0] ? ": " : "", msg);
		return STATUS_DATA_LOSS;
	default:
		snprintf(err, errlen, "cannot be read (%s%s%s)", what,
		    what[0] ? ": " : "", msg);
		return STATUS_UNAVAILABLE;
	}
}

/* An integer read by a statement of one row, such as a pragma: an sqlite
 * result code. */
static int
store_check_int(sqlite3 *db, const char *sql, long *v)
{
	sqlite3_stmt *st = NULL;
	int rv = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rv == SQLITE_OK) {
		rv = sqlite3_step(st);
		if (rv == SQLITE_ROW) {
			*v = (long)sqlite3_column_int64(st, 0);
			rv = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rv;
}

/* Appends one finding of a check to err: what sqlite says of a page,
 * one line of it at most, cut to STORE_CHECK_FINDING bytes. */
static void
store_check_found(
    const char *line, size_t n, int *found, char *err, size_t errlen)
{
	size_t used = strlen(err);

	if (n == 0 || strncmp(line, "*** in database", 15) == 0)
		return;
	if (++*found > STORE_CHECK_FINDINGS || used + 8 >= errlen)
		return;
	snprintf(err + used, errlen - used, "%s%.*s", *found > 1 ? "; " : "",
	    (int)(n < STORE_CHECK_FINDING ? n : STORE_CHECK_FINDING), line);
}

/* Runs one of sqlite's checks, sql, named what: OK, or DATA_LOSS with
 * what it found, the first findings quoted. A row of quick_check or
 * integrity_check is text ("ok" when all is); one of foreign_key_check
 * names a row whose reference leads nowhere. */
static int
store_check_run(const char *path, sqlite3 *db, const char *sql,
    const char *what, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char line[STORE_CHECK_FINDING + 1];
	size_t n;
	int rv, found = 0, rc = STATUS_OK;

	if ((rv = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) != SQLITE_OK)
		return store_check_cause(path, db, rv, what, err, errlen);
	snprintf(err, errlen, "truncated or damaged (%s found: ", what);
	while ((rv = sqlite3_step(st)) == SQLITE_ROW) {
		const char *row = (const char *)sqlite3_column_text(st, 0);

		/* A row of a table WITHOUT ROWID has no number to give. */
		if (sqlite3_column_count(st) > 1) {
			const char *to =
			    (const char *)sqlite3_column_text(st, 2);

			if (sqlite3_column_type(st, 1) == SQLITE_NULL)
				snprintf(line, sizeof(line),
				    "%s has a row that refers to no %s", row,
				    to);
			else
				snprintf(line, sizeof(line),
				    "%s row %lld refers to no %s", row,
				    (long long)sqlite3_column_int64(st, 1), to);
			row = line;
		}
		if (row == NULL || strcmp(row, "ok") == 0)
			continue;
		/* A row may hold several lines. */
		for (const char *nl; (nl = strchr(row, '\n')) != NULL;
		     row = nl + 1)
			store_check_found(
			    row, (size_t)(nl - row), &found, err, errlen);
		store_check_found(row, strlen(row), &found, err, errlen);
		rc = STATUS_DATA_LOSS;
	}
	if (rv != SQLITE_DONE) {
		/* sqlite stops at a page it cannot read at all. */
		rc = store_check_cause(path, db, rv, what, err, errlen);
	} else if (rc == STATUS_OK) {
		err[0] = '\0';
	} else if ((n = strlen(err)) + 16 < errlen) {
		snprintf(err + n, errlen - n, "%s)",
		    found > STORE_CHECK_FINDINGS ? "; and more" : "");
	}
	sqlite3_finalize(st);
	return rc;
}

/* quick_check or integrity_check; then, when the database comes with a
 * log or the check is the full one, every reference between tables: a
 * log of another database may fit the file's pages well enough for
 * quick_check and still put one table's pages in place of another's
 * (its units where the file's records are). */
static int
store_check_pages(
    const char *path, sqlite3 *db, int depth, int wal, char *err, size_t errlen)
{
	const char *pragma =
	    depth == STORE_CHECK_FULL ? "integrity_check" : "quick_check";
	char sql[64];
	int rc;

	snprintf(sql, sizeof(sql), "PRAGMA %s(%d)", pragma,
	    STORE_CHECK_FINDINGS + 1);
	rc = store_check_run(path, db, sql, pragma, err, errlen);
	if (rc == STATUS_OK && (wal || depth == STORE_CHECK_FULL))
		rc = store_check_run(path, db, "PRAGMA foreign_key_check",
		    "foreign_key_check", err, errlen);
	return rc;
}

static uint32_t
store_check_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

/* How many pages past the end of the file, up to the database's pages,
 * the log beside it has no frame of (sqlite's WAL format: a 32-byte
 * header, then frames of a 24-byte header and a page, those of this log
 * carrying its salts); 0 when the log cannot be read. */
static long long
store_check_wal_gaps(
    const char *path, long long file_pages, long long pages, long page_size)
{
	char wal[STORE_SQLITE_PATH_MAX];
	uint8_t head[32], frame[24], *seen = NULL;
	long long range = pages - file_pages, missing = 0;
	off_t at;
	int fd;

	if (range <= 0)
		return 0;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if ((fd = open(wal, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if (pread(fd, head, sizeof(head), 0) != (ssize_t)sizeof(head) ||
	    (long)store_check_be32(head + 8) != page_size ||
	    (seen = calloc((size_t)range / 8 + 1, 1)) == NULL) {
		close(fd);
		return 0;
	}
	for (at = sizeof(head);
	     pread(fd, frame, sizeof(frame), at) == (ssize_t)sizeof(frame);
	     at += (off_t)sizeof(frame) + page_size) {
		long long p = store_check_be32(frame);

		if (memcmp(frame + 8, head + 16, 8) == 0 && p > file_pages &&
		    p <= pages)
			seen[(p - file_pages - 1) / 8] |=
			    (uint8_t)(1u << ((p - file_pages - 1) % 8));
	}
	close(fd);
	for (long long i = 0; i < range; i++)
		missing += !(seen[i / 8] & (1u << (i % 8)));
	free(seen);
	return missing;
}

int
store_sqlite_verify(const char *path, int depth, int min_schema, int locked,
    struct store_check_result *res, char *err, size_t errlen)
{
	struct store_sqlite_files f;
	char uri[3 * STORE_SQLITE_PATH_MAX + 64];
	sqlite3 *db = NULL;
	long schema = 0, pages = 0, page_size = 0;
	long long gaps;
	int lock_fd = -1, immutable, rv, rc;

	memset(res, 0, sizeof(*res));
	store_sqlite_files(path, &f);
	if (!f.db || f.db_size == 0) {
		if (f.wal)
			snprintf(err, errlen,
			    "%s, but a write-ahead log is there, %s-wal",
			    f.db ? "it is empty (0 bytes)"
			         : "it does not exist",
			    path);
		else
			snprintf(err, errlen, "%s",
			    f.db ? "it is empty (0 bytes), not a database"
			         : "it does not exist");
		return STATUS_NOT_FOUND;
	}
	/* No server may start on the file while it is read without locks:
	 * a shared flock keeps the writer's exclusive one away. */
	if (!locked && (lock_fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0 &&
	    flock(lock_fd, LOCK_SH | LOCK_NB) == 0)
		locked = 1;
	/* A server that has the database open has its log open too. */
	immutable = locked && !f.wal && !f.journal;
	if (store_check_uri(uri, sizeof(uri), path,
	        immutable ? "?mode=ro&immutable=1" : "?mode=ro") != 0) {
		snprintf(err, errlen, "its path is too long");
		rc = STATUS_INVALID_ARGUMENT;
		goto out;
	}
	rv = sqlite3_open_v2(uri, &db,
	    SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	if (rv != SQLITE_OK) {
		rc = store_check_cause(path, db, rv, "", err, errlen);
		goto out;
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, STORE_CHECK_BUSY_MS);
	/* One read transaction: every read sees the same database, while a
	 * server may go on writing. */
	if ((rv = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK ||
	    (rv = store_check_int(db, "PRAGMA user_version", &schema)) !=
	        SQLITE_OK ||
	    (rv = store_check_int(db, "PRAGMA page_count", &pages)) !=
	        SQLITE_OK ||
	    (rv = store_check_int(db, "PRAGMA page_size", &page_size)) !=
	        SQLITE_OK) {
		rc = store_check_cause(path, db, rv, "", err, errlen);
		goto out;
	}
	/* hoptac's databases never shrink (no VACUUM, no auto_vacuum), and
	 * sqlite's checkpoints extend the file only to what the log holds: a
	 * log that makes the database smaller than its file is not this
	 * database's. quick_check would find nothing wrong with the smaller
	 * database it makes, and a checkpoint would cut the file to it. */
	if (f.wal && page_size > 0 && pages < f.db_size / page_size) {
		snprintf(err, errlen,
		    "its write-ahead log %s-wal makes it a database of %ld "
		    "pages, fewer than the %lld of its file: the log is "
		    "another database's",
		    path, pages, f.db_size / page_size);
		rc = STATUS_DATA_LOSS;
		goto out;
	}
	/* Nor shorter than what the log makes: every page past the file's
	 * end was written to the log when it was first used, and the file
	 * is extended only by checkpoints copying them. A log without some
	 * of them is another database's (its frames may fit this file well
	 * enough for quick_check), or the file was cut. Sized again inside
	 * the read: a checkpoint since the first look may have extended it
	 * and started the log over. */
	store_sqlite_files(path, &f);
	if (f.wal && page_size > 0 &&
	    (gaps = store_check_wal_gaps(
	         path, f.db_size / page_size, pages, page_size)) > 0) {
		snprintf(err, errlen,
		    "truncated or damaged: its write-ahead log %s-wal makes it "
		    "a database of %ld pages, and has no copy of %lld of the "
		    "%lld past the end of its file: the file was cut, or the "
		    "log is another database's",
		    path, pages, gaps, pages - f.db_size / page_size);
		rc = STATUS_DATA_LOSS;
		goto out;
	}
	if (schema > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
		    "database schema %ld is newer than this server's %d",
		    schema, STORE_SCHEMA_VERSION);
		rc = STATUS_FAILED_PRECONDITION;
		goto out;
	}
	if ((rc = store_check_pages(path, db, depth, f.wal, err, errlen)) !=
	    STATUS_OK)
		goto out;
	if (schema < min_schema) {
		snprintf(err, errlen,
		    "an sqlite database, but not hoptac's (its schema version "
		    "is %ld)",
		    schema);
		rc = STATUS_FAILED_PRECONDITION;
		goto out;
	}
	res->schema = (int)schema;
	res->pages = pages;
	res->page_size = page_size;
	rc = STATUS_OK;
out:
	if (db != NULL) {
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	if (lock_fd >= 0)
		close(lock_fd);
	return rc;
}

int
store_sqlite_check(const char *path, int depth, struct store_check_result *res,
    char *err, size_t errlen)
{
	return store_sqlite_verify(path, depth, 1, 0, res, err, errlen);
}
