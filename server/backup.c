/*
 * hoptacd backup: a copy of the database taken with sqlite's online
 * backup API while the server goes on serving.
 *
 * The copy is one snapshot. The source connection opens a read
 * transaction before the first step and keeps it to the last: in WAL mode
 * that blocks neither the server's writer nor its readers, and it keeps
 * sqlite from restarting the copy each time the server commits (a backup
 * whose source changes under it between steps starts over, which under
 * steady writes would never end). The price is a WAL that cannot be
 * checkpointed past the snapshot until the copy is done.
 */
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "server.h"
#include "store.h"

#define BACKUP_BUSY_MS 10000

struct backup {
	const char *src, *dst;
	char tmp[1100]; /* the copy until it is renamed to dst */
	sqlite3 *from, *to;
	int tmp_made;
	int reading; /* the snapshot's read transaction is open */
	char *err;
	size_t errlen;
};

static int backup_fail(struct backup *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
backup_fail(struct backup *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->err, b->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* sqlite's words for a failure, with what they mean for a backup. */
static const char *
backup_cause(sqlite3 *db)
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

/* The source: it must exist (sqlite would take a missing file for an
 * empty database), be a database, and not be the destination. */
static int
backup_check_paths(struct backup *b)
{
	struct stat ss, ds;

	if (stat(b->src, &ss) != 0)
		return backup_fail(
		    b, "cannot read %s: %s", b->src, strerror(errno));
	if (!S_ISREG(ss.st_mode))
		return backup_fail(
		    b, "cannot read %s: not a regular file", b->src);
	if (stat(b->dst, &ds) == 0) {
		if (S_ISDIR(ds.st_mode))
			return backup_fail(b,
			    "%s is a directory: give the backup's file name",
			    b->dst);
		if (ds.st_dev == ss.st_dev && ds.st_ino == ss.st_ino)
			return backup_fail(
			    b, "%s is the database itself", b->dst);
	}
	return 0;
}

/* Opens the source read-only and takes the snapshot every step copies. */
static int
backup_open_source(struct backup *b, int *schema)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_open_v2(b->src, &b->from,
	        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return backup_fail(b, "cannot open %s: %s", b->src,
		    b->from ? sqlite3_errmsg(b->from) : "out of memory");
	sqlite3_busy_timeout(b->from, BACKUP_BUSY_MS);
	if (sqlite3_exec(b->from, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	b->reading = 1;
	/* The first read is what starts the transaction, and the schema
	 * version says whether this is a hoptac database at all. */
	if (sqlite3_prepare_v2(b->from, "PRAGMA user_version", -1, &st, NULL) !=
	        SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	*schema = sqlite3_column_int(st, 0);
	if (*schema <= 0 || *schema > STORE_SCHEMA_VERSION) {
		backup_fail(b,
		    "%s is not a hoptac database this version knows (schema "
		    "%d)",
		    b->src, *schema);
		goto out;
	}
	rc = 0;
	goto out;
fail:
	backup_fail(b, "cannot read %s: %s%s(%s)", b->src,
	    backup_cause(b->from), backup_cause(b->from)[0] ? " " : "",
	    sqlite3_errmsg(b->from));
out:
	sqlite3_finalize(st);
	return rc;
}

/* The temporary file beside dst, so the rename stays on one file
 * system; it gets the database's permissions, as a copy by cp would. */
static int
backup_open_copy(struct backup *b)
{
	struct stat ss;
	int fd;

	snprintf(b->tmp, sizeof(b->tmp), "%s.tmp-XXXXXX", b->dst);
	if ((fd = mkstemp(b->tmp)) < 0)
		return backup_fail(
		    b, "cannot create %s: %s", b->tmp, strerror(errno));
	b->tmp_made = 1;
	if (stat(b->src, &ss) == 0)
		fchmod(fd, ss.st_mode & 0666);
	close(fd);
	if (sqlite3_open_v2(b->tmp, &b->to,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return backup_fail(b, "cannot open %s: %s", b->tmp,
		    b->to ? sqlite3_errmsg(b->to) : "out of memory");
	return 0;
}

/* Copies in steps of opt->step_pages, pausing opt->wait_ms between
 * them. */
static int
backup_copy(struct backup *b, const struct backup_options *opt,
    struct backup_result *res)
{
	int step = opt->step_pages > 0 ? opt->step_pages : BACKUP_STEP_DEFAULT;
	int busy_ms = 0, rv, rc;
	sqlite3_backup *bk =
	    sqlite3_backup_init(b->to, "main", b->from, "main");

	if (bk == NULL)
		return backup_fail(
		    b, "cannot start the copy: %s", sqlite3_errmsg(b->to));
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
		    busy_ms < BACKUP_BUSY_MS) {
			busy_ms += sqlite3_sleep(10);
			continue;
		}
		break;
	}
	res->steps++;
	res->pages = sqlite3_backup_pagecount(bk);
	rc = sqlite3_backup_finish(bk);
	if (rv != SQLITE_DONE || rc != SQLITE_OK)
		return backup_fail(b, "the copy to %s failed: %s%s(%s)", b->tmp,
		    backup_cause(b->to), backup_cause(b->to)[0] ? " " : "",
		    sqlite3_errstr(rv != SQLITE_DONE ? rv : rc));
	return 0;
}

/* A copy is trusted only once sqlite has read all of it back. It is made
 * a self-contained file, with no WAL to travel beside it; the server
 * turns WAL on again when it opens it. */
static int
backup_verify(struct backup *b, struct backup_result *res)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_exec(b->to, "PRAGMA journal_mode=DELETE", NULL, NULL,
	        NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_prepare_v2(b->to, "PRAGMA page_size", -1, &st, NULL) !=
	        SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	res->page_size = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(b->to, "PRAGMA user_version", -1, &st, NULL) !=
	        SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	if (sqlite3_column_int(st, 0) != res->schema) {
		backup_fail(b, "the copy has schema %d, the database %d",
		    sqlite3_column_int(st, 0), res->schema);
		goto out;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(
	        b->to, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		backup_fail(b, "the copy failed its integrity check: %s",
		    (const char *)sqlite3_column_text(st, 0));
		goto out;
	}
	rc = 0;
	goto out;
fail:
	backup_fail(
	    b, "cannot check the copy %s: %s", b->tmp, sqlite3_errmsg(b->to));
out:
	sqlite3_finalize(st);
	return rc;
}

/* fsync of a file or directory by path. */
static int
backup_sync(const char *path, int flags)
{
	int fd = open(path, flags), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Makes the checked copy durable and puts it in place of dst. */
static int
backup_commit(struct backup *b)
{
	char dir[1100], *slash;

	if (sqlite3_close(b->to) != SQLITE_OK)
		return backup_fail(
		    b, "cannot close %s: %s", b->tmp, sqlite3_errmsg(b->to));
	b->to = NULL;
	if (backup_sync(b->tmp, O_RDWR) != 0)
		return backup_fail(
		    b, "cannot sync %s: %s", b->tmp, strerror(errno));
	if (rename(b->tmp, b->dst) != 0)
		return backup_fail(b, "cannot rename %s to %s: %s", b->tmp,
		    b->dst, strerror(errno));
	b->tmp_made = 0;
	snprintf(dir, sizeof(dir), "%s", b->dst);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	/* The rename itself is durable only once its directory is. */
	if (backup_sync(dir, O_RDONLY | O_DIRECTORY) != 0)
		return backup_fail(
		    b, "cannot sync directory %s: %s", dir, strerror(errno));
	return 0;
}

int
backup_run(const char *src, const char *dst, const struct backup_options *opt,
    struct backup_result *res, char *err, size_t errlen)
{
	static const char *const leftovers[] = {"", "-journal", "-wal", "-shm"};
	struct backup b;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	memset(res, 0, sizeof(*res));
	b.src = src;
	b.dst = dst;
	b.err = err;
	b.errlen = errlen;
	if (backup_check_paths(&b) != 0 ||
	    backup_open_source(&b, &res->schema) != 0 ||
	    backup_open_copy(&b) != 0 || backup_copy(&b, opt, res) != 0 ||
	    backup_verify(&b, res) != 0 || backup_commit(&b) != 0)
		goto out;
	rc = 0;
out:
	if (b.reading)
		sqlite3_exec(b.from, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(b.from);
	sqlite3_close(b.to);
	for (size_t i = 0; b.tmp_made && i < 4; i++) {
		char p[1200];

		snprintf(p, sizeof(p), "%s%s", b.tmp, leftovers[i]);
		unlink(p);
	}
	return rc;
}

static void
backup_usage(FILE *out)
{
	fprintf(out,
	    "usage: hoptacd backup [-f file] [-D database] [-s pages] "
	    "[-w ms] out\n"
	    "  -f file      take the database from this configuration file\n"
	    "  -D database  the database to copy\n"
	    "  -s pages     pages copied per step (default %d)\n"
	    "  -w ms        pause between steps, to spare a busy disk\n"
	    "  out          the copy; replaced only once it is complete and "
	    "checked\n",
	    BACKUP_STEP_DEFAULT);
}

static int
backup_number(const char *s, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int
backup_main(int argc, char **argv)
{
	struct server_config cfg;
	struct backup_options opt = {0, 0};
	struct backup_result res;
	const char *file = NULL, *db = NULL;
	char err[1400];
	int ch, rc = 2;

	server_config_defaults(&cfg);
	optind = 1;
	while ((ch = getopt(argc, argv, "D:f:hs:w:")) != -1) {
		switch (ch) {
		case 'D':
			db = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'h':
			backup_usage(stdout);
			rc = 0;
			goto out;
		case 's':
			if (backup_number(optarg, 1 << 20, &opt.step_pages) ==
			        0 &&
			    opt.step_pages > 0)
				break;
			fprintf(stderr,
			    "hoptacd backup: -s needs a number of pages\n");
			goto out;
		case 'w':
			if (backup_number(optarg, 60000, &opt.wait_ms) == 0)
				break;
			fprintf(stderr,
			    "hoptacd backup: -w needs milliseconds "
			    "from 0 to 60000\n");
			goto out;
		default:
			backup_usage(stderr);
			goto out;
		}
	}
	if (optind != argc - 1) {
		backup_usage(stderr);
		goto out;
	}
	rc = 1;
	if (file != NULL &&
	    server_config_load(&cfg, file, err, sizeof(err)) != 0) {
		fprintf(stderr, "hoptacd backup: %s\n", err);
		goto out;
	}
	if (db == NULL)
		db = cfg.database;
	if (db == NULL) {
		fprintf(stderr,
		    "hoptacd backup: no database (-D database, "
		    "or -f file with a database key)\n");
		rc = 2;
		goto out;
	}
	if (backup_run(db, argv[optind], &opt, &res, err, sizeof(err)) != 0) {
		fprintf(stderr, "hoptacd backup: %s\n", err);
		goto out;
	}
	printf("backup of %s written to %s: %ld pages of %ld bytes in %ld "
	       "steps, schema %d, integrity ok\n",
	    db, argv[optind], res.pages, res.page_size, res.steps, res.schema);
	rc = 0;
out:
	server_config_free(&cfg);
	return rc;
}
