/*
 * Online backup of an sqlite store, with sqlite's backup API, while the
 * server goes on serving.
 *
 * The copy is one snapshot. The source connection opens a read
 * transaction before the first step and keeps it to the last: in WAL mode
 * that blocks neither the server's writer nor its readers, and it keeps
 * sqlite from restarting the copy each time the server commits (a backup
 * whose source changes under it between steps starts over, which under
 * steady writes would never end). The price is a WAL that cannot be
 * checkpointed past the snapshot until the copy is done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "status.h"
#include "store.h"
#include "store_sqlite_int.h"

#define STORE_SQLITE_BUSY_MS 10000

/* A source opened for backups, in its snapshot. */
struct store_sqlite_backup {
	struct store_backup base;
	sqlite3 *from;
	int reading; /* the snapshot's read transaction is open */
	int schema;
};

/* sqlite's words for a failure, with what they mean for a backup. */
static const char *
store_sqlite_backup_cause(sqlite3 *db)
{
	switch (sqlite3_errcode(db) & 0xff) {
	case SQLITE_NOTADB:
		return "not an sqlite database";
	case SQLITE_CORRUPT:
		return "truncated or damaged";
	case SQLITE_FULL:
		return "the disk is full";
	default:
		return "";
	}
}

/* An integer read by a statement of one row, such as a pragma. */
static int
store_sqlite_backup_int(sqlite3 *db, const char *sql, int *v)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_int(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Opens the source read-only and takes the snapshot every step copies. */
int
store_sqlite_backup_open(
    const char *path, struct store_backup **out, char *err, size_t errlen)
{
	struct store_sqlite_backup *b = calloc(1, sizeof(*b));
	int rc = STATUS_UNAVAILABLE;

	*out = NULL;
	if (b == NULL) {
		snprintf(err, errlen, "out of memory");
		return STATUS_INTERNAL;
	}
	b->base.ops = &store_sqlite_ops;
	if (sqlite3_open_v2(path, &b->from,
	        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    b->from ? sqlite3_errmsg(b->from) : "out of memory");
		goto out;
	}
	/* Read-only, it could not checkpoint anyway: a backup of a
	 * damaged database must leave it as it was. */
	sqlite3_db_config(b->from, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_busy_timeout(b->from, STORE_SQLITE_BUSY_MS);
	if (sqlite3_exec(b->from, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	b->reading = 1;
	/* The first read is what starts the transaction, and the schema
	 * version says whether this is a hoptac database at all. */
	if (store_sqlite_backup_int(
	        b->from, "PRAGMA user_version", &b->schema) != 0)
		goto fail;
	if (b->schema <= 0 || b->schema > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
		    "%s is not a hoptac database this version knows (schema "
		    "%d)",
		    path, b->schema);
		rc = STATUS_FAILED_PRECONDITION;
		goto out;
	}
	rc = STATUS_OK;
	goto out;
fail:
	snprintf(err, errlen, "cannot read %s: %s%s(%s)", path,
	    store_sqlite_backup_cause(b->from),
	    store_sqlite_backup_cause(b->from)[0] ? " " : "",
	    sqlite3_errmsg(b->from));
out:
	if (rc == STATUS_OK)
		*out = &b->base;
	else
		store_sqlite_backup_close(&b->base);
	return rc;
}

/* Copies in steps of opt->step_pages, pausing opt->wait_ms between
 * them. */
static int
store_sqlite_backup_steps(struct store_sqlite_backup *b, sqlite3 *to,
    const char *path, const struct store_backup_options *opt,
    struct store_backup_result *res, char *err, size_t errlen)
{
	int step =
	    opt->step_pages > 0 ? opt->step_pages : STORE_BACKUP_STEP_DEFAULT;
	int busy_ms = 0, rv, rc;
	sqlite3_backup *bk = sqlite3_backup_init(to, "main", b->from, "main");

	if (bk == NULL) {
		snprintf(err, errlen, "cannot start the copy: %s",
		    sqlite3_errmsg(to));
		return -1;
	}
	for (;;) {
		rv = sqlite3_backup_step(bk, step);
		if (rv == SQLITE_DONE)
			break;
		if (rv == SQLITE_OK) {
			res->steps++;
			if (opt->wait_ms > 0)
				sqlite3_sleep(opt->wait_ms);
			continue;
		}
		if ((rv == SQLITE_BUSY || rv == SQLITE_LOCKED) &&
		    busy_ms < STORE_SQLITE_BUSY_MS) {
			busy_ms += sqlite3_sleep(10);
			continue;
		}
		break;
	}
	res->steps++;
	res->pages = sqlite3_backup_pagecount(bk);
	rc = sqlite3_backup_finish(bk);
	if (rv != SQLITE_DONE || rc != SQLITE_OK) {
		snprintf(err, errlen, "the copy to %s failed: %s%s(%s)", path,
		    store_sqlite_backup_cause(to),
		    store_sqlite_backup_cause(to)[0] ? " " : "",
		    sqlite3_errstr(rv != SQLITE_DONE ? rv : rc));
		return -1;
	}
	return 0;
}

/* A copy is trusted only once sqlite has read all of it back. It is made
 * a self-contained file, with no WAL to travel beside it; the server
 * turns WAL on again when it opens it. */
static int
store_sqlite_backup_verify(sqlite3 *to, const char *path,
    struct store_backup_result *res, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int page_size, schema, rc = -1;

	if (sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) !=
	        SQLITE_OK ||
	    store_sqlite_backup_int(to, "PRAGMA page_size", &page_size) != 0)
		goto fail;
	res->page_size = page_size;
	if (store_sqlite_backup_int(to, "PRAGMA user_version", &schema) != 0)
		goto fail;
	if (schema != res->schema) {
		snprintf(err, errlen, "the copy has schema %d, the database %d",
		    schema, res->schema);
		goto out;
	}
	if (sqlite3_prepare_v2(to, "PRAGMA integrity_check", -1, &st, NULL) !=
	        SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		snprintf(err, errlen, "the copy failed its integrity check: %s",
		    (const char *)sqlite3_column_text(st, 0));
		goto out;
	}
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "cannot check the copy %s: %s", path,
	    sqlite3_errmsg(to));
out:
	sqlite3_finalize(st);
	return rc;
}

int
store_sqlite_backup_copy(struct store_backup *base, const char *path,
    const struct store_backup_options *opt, struct store_backup_result *res,
    char *err, size_t errlen)
{
	static const char *const side[] = {"-journal", "-wal", "-shm"};
	struct store_sqlite_backup *b = (struct store_sqlite_backup *)base;
	sqlite3 *to = NULL;
	int rc = STATUS_UNAVAILABLE;

	res->schema = b->schema;
	if (sqlite3_open_v2(path, &to,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    to ? sqlite3_errmsg(to) : "out of memory");
		goto out;
	}
	if (store_sqlite_backup_steps(b, to, path, opt, res, err, errlen) !=
	        0 ||
	    store_sqlite_backup_verify(to, path, res, err, errlen) != 0)
		goto out;
	if (sqlite3_close(to) != SQLITE_OK) {
		snprintf(err, errlen, "cannot close %s: %s", path,
		    sqlite3_errmsg(to));
		goto out;
	}
	to = NULL;
	rc = STATUS_OK;
out:
	sqlite3_close(to);
	for (size_t i = 0; rc != STATUS_OK && i < 3; i++) {
		char p[1200];

		snprintf(p, sizeof(p), "%s%s", path, side[i]);
		unlink(p);
	}
	return rc;
}

void
store_sqlite_backup_close(struct store_backup *base)
{
	struct store_sqlite_backup *b = (struct store_sqlite_backup *)base;

	if (b == NULL)
		return;
	if (b->reading)
		sqlite3_exec(b->from, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(b->from);
	free(b);
}
