/*
 * The room an sqlite store takes: the cap on the database's size
 * (max_db_size), the bound on its write-ahead log (wal_checkpoint_size,
 * wal_size_limit), and telling which of the limit and the disk made a
 * write fail for want of space.
 */
#include "store.h"
#include "store_sqlite_int.h"

#include <stdio.h>
#include <sys/statvfs.h>

#include <sqlite3.h>

#include "log.h"
#include "status.h"

/* sqlite counts in pages; the operator in bytes. */
static long long
store_pragma_int(struct store_sqlite *c, const char *sql)
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
store_sqlite_limit_size(struct store_conn *conn, long long max_bytes)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	long long page = store_pragma_int(c, "PRAGMA page_size");
	long long pages, now;
	char sql[64];

	if (page <= 0)
		return store_sqlite_fail(c, "PRAGMA page_size");
	/* sqlite's own ceiling, which is also what lifts a limit. */
	pages = max_bytes > 0 ? max_bytes / page : 4294967294LL;
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld",
	    pages > 0 ? pages : 1);
	if (store_pragma_int(c, sql) < 0)
		return store_sqlite_fail(c, sql);
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
store_sqlite_limit_wal(
    struct store_conn *conn, long long checkpoint_bytes, long long keep_bytes)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	long long page = store_pragma_int(c, "PRAGMA page_size");
	char sql[80];

	if (page <= 0)
		return store_sqlite_fail(c, "PRAGMA page_size");
	/* The interval counts frames, a page and its 24-byte header each:
	 * the commit that takes the log past checkpoint_bytes checkpoints
	 * it, so the log holds at most that plus one commit. */
	snprintf(sql, sizeof(sql), "PRAGMA wal_autocheckpoint = %lld",
	    checkpoint_bytes / (page + 24) > 0 ? checkpoint_bytes / (page + 24)
	                                       : 1);
	if (store_pragma_int(c, sql) < 0)
		return store_sqlite_fail(c, sql);
	/* sqlite truncates the log to this when it starts it over after a
	 * checkpoint; without it, the file keeps its largest size. */
	snprintf(
	    sql, sizeof(sql), "PRAGMA journal_size_limit = %lld", keep_bytes);
	if (store_pragma_int(c, sql) < 0)
		return store_sqlite_fail(c, sql);
	return STATUS_OK;
}

int
store_sqlite_full_take(struct store_conn *conn)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	int full = c->full;

	c->full = 0;
	return full;
}

void
store_sqlite_full_reason(struct store_conn *conn, char *buf, size_t len)
{
	struct store_sqlite *c = store_sqlite_of(conn);
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
