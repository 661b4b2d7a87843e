/*
 * Online backup of the database: "hoptacd backup". Part of the store
 * layer (it speaks sqlite), run as a command beside a serving hoptacd.
 */
#ifndef HOPTAC_BACKUP_H
#define HOPTAC_BACKUP_H

#include <stddef.h>

struct backup_options {
	int step_pages; /* pages copied per step; 0: BACKUP_STEP_DEFAULT */
	int wait_ms;    /* pause between steps, to spare a busy disk */
};

#define BACKUP_STEP_DEFAULT 1024

/* What a finished backup copied. */
struct backup_result {
	long pages;
	long page_size;
	long steps;
	int schema; /* the copy's schema version */
};

/* Copies the database src into dst while a server may be writing to it:
 * one consistent snapshot, as of the moment the copy starts, written to a
 * temporary file beside dst, checked with PRAGMA integrity_check, made
 * durable, then renamed over dst. On failure dst is left as it was and
 * nothing else is left behind. Returns 0, or -1 with a reason in err. */
int backup_run(const char *src, const char *dst,
    const struct backup_options *opt, struct backup_result *res, char *err,
    size_t errlen);

/* "hoptacd backup [-f file] [-D database] [-s pages] [-w ms] out", with
 * argv[0] "backup". Prints the outcome; returns the exit status: 0 done,
 * 1 failed, 2 usage. */
int backup_main(int argc, char **argv);

#endif
