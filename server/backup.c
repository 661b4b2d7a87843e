/*
 * hoptacd backup: a copy of the database taken while the server goes on
 * serving. The store takes the snapshot and writes and checks the copy
 * (store_backup_*); this is the command and the files around it: the
 * checks of the paths, the temporary file beside the destination, and
 * putting the copy in place durably.
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

#include "server.h"
#include "status.h"
#include "store.h"

struct backup {
	const char *src, *dst;
	char tmp[1100]; /* the copy until it is renamed to dst */
	struct store_backup *from;
	int tmp_made;
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

/* The temporary file beside dst, so the rename stays on one file
 * system. It holds every record, so it is private to its owner (mode
 * 0600 from mkstemp, whatever the umask), and so is what sqlite makes
 * beside it while copying. */
static int
backup_make_tmp(struct backup *b)
{
	int fd;

	snprintf(b->tmp, sizeof(b->tmp), "%s.tmp-XXXXXX", b->dst);
	if ((fd = mkstemp(b->tmp)) < 0)
		return backup_fail(
		    b, "cannot create %s: %s", b->tmp, strerror(errno));
	b->tmp_made = 1;
	if (fchmod(fd, 0600) != 0) {
		close(fd);
		return backup_fail(
		    b, "cannot chmod %s: %s", b->tmp, strerror(errno));
	}
	close(fd);
	return 0;
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
backup_run(const char *src, const char *dst,
    const struct store_backup_options *opt, struct store_backup_result *res,
    char *err, size_t errlen)
{
	struct backup b;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	memset(res, 0, sizeof(*res));
	b.src = src;
	b.dst = dst;
	b.err = err;
	b.errlen = errlen;
	/* A database on a server: its backend says how to back it up. */
	if ((store_names_file(src) && backup_check_paths(&b) != 0) ||
	    store_backup_open(src, &b.from, err, errlen) != STATUS_OK ||
	    backup_make_tmp(&b) != 0 ||
	    store_backup_copy(b.from, b.tmp, opt, res, err, errlen) !=
	        STATUS_OK ||
	    backup_commit(&b) != 0)
		goto out;
	rc = 0;
out:
	store_backup_close(b.from);
	if (b.tmp_made)
		unlink(b.tmp);
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
	    STORE_BACKUP_STEP_DEFAULT);
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
	struct store_backup_options opt = {0, 0};
	struct store_backup_result res;
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
	if ((rc = server_config_database(&cfg, "hoptacd backup", file, &db)) !=
	    0)
		goto out;
	rc = 1;
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
