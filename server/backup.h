/*
 * Online backup of the database: "hoptacd backup", run as a command
 * beside a serving hoptacd. The copying is the store's (store_backup_*).
 */
#ifndef HOPTAC_BACKUP_H
#define HOPTAC_BACKUP_H

#include <stddef.h>

#include "store.h"

/* Copies the database src into dst while a server may be writing to it:
 * one consistent snapshot, as of the moment the copy starts, written to a
 * temporary file beside dst, read back whole and checked, made
 * durable, then renamed over dst. On failure dst is left as it was and
 * nothing else is left behind. Returns 0, or -1 with a reason in err. */
int backup_run(const char *src, const char *dst,
    const struct store_backup_options *opt, struct store_backup_result *res,
    char *err, size_t errlen);

/* "hoptacd backup [-f file] [-D database] [-s pages] [-w ms] out", with
 * argv[0] "backup". Prints the outcome; returns the exit status: 0 done,
 * 1 failed, 2 usage. */
int backup_main(int argc, char **argv);

#endif
