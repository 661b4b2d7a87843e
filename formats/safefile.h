/*
 * Files the client writes for people to keep (bundles, receipts,
 * reports): private whatever the umask, and never written through a
 * link planted at the name. The contents go to a temporary file made
 * in the target's directory and are renamed over the name when whole:
 * rename replaces a link at the name instead of following it, and a
 * reader never sees half a file.
 */
#ifndef HOPTAC_SAFEFILE_H
#define HOPTAC_SAFEFILE_H

#include <stddef.h>
#include <stdio.h>

struct safefile {
	FILE *f;    /* where the contents go */
	char *path; /* the final name */
	char *tmp;  /* the temporary, renamed to path by safefile_commit */
};

/* Opens a new mode 0600 temporary file next to path for writing. 0, or
 * -1 with a reason in err. */
int safefile_open(
    struct safefile *sf, const char *path, char *err, size_t errlen);

/* Flushes and syncs the temporary and renames it to the final name;
 * removes it on failure. 0, or -1 with a reason in err. sf is closed
 * either way. */
int safefile_commit(struct safefile *sf, char *err, size_t errlen);

/* Removes the temporary and closes sf (after a failed write). */
void safefile_abort(struct safefile *sf);

/* Opens path for reading (mode "r" or "rb"), refusing at once anything
 * but a regular file: a named pipe would otherwise hold the command for
 * ever, waiting for a writer. NULL with "path: why" in err. */
FILE *safefile_read(
    const char *path, const char *mode, char *err, size_t errlen);

#endif
