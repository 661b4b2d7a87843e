/*
 * Configuration files of "key = value" lines, as hoptacd's and hoptac's
 * are written: "#" starts a comment that runs to the end of the line,
 * white space around keys and values is ignored, blank lines are
 * skipped.
 */
#ifndef HOPTAC_CONFFILE_H
#define HOPTAC_CONFFILE_H

#include <stddef.h>

/* Takes one key and its value into ctx: 0, or -1 with the reason in why. */
typedef int (*conffile_set_fn)(
    void *ctx, const char *key, const char *value, char *why, size_t whylen);

/* Reads path line by line, giving each key to set. Returns 0; or -1 with
 * "path: cause" in err when it cannot be opened (errno then says why:
 * ENOENT when there is no such file), or with "path:line: reason" and
 * errno 0 for the first line without "=" or that set refuses. */
int conffile_read(
    const char *path, conffile_set_fn set, void *ctx, char *err, size_t errlen);

#endif
