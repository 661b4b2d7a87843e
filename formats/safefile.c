#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
safefile_open(struct safefile *sf, const char *path, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash != NULL ? (size_t)(slash - path) + 1 : 0;
	size_t len = strlen(path) + sizeof("/.XXXXXX.tmp");
	int fd = -1;

	memset(sf, 0, sizeof(*sf));
	if ((sf->path = strdup(path)) == NULL ||
	    (sf->tmp = malloc(len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* A dot name in the same directory, so that the rename stays on
	 * one file system and the temporary is not taken for a result. */
	snprintf(
	    sf->tmp, len, "%.*s.%s.XXXXXX", (int)dirlen, path, path + dirlen);
	if ((fd = mkstemp(sf->tmp)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(sf->tmp);
		sf->tmp = NULL;
		goto fail;
	}
	/* mkstemp makes 0600 on every libc we build with; fchmod says so
	 * whatever an older one did. */
	if (fchmod(fd, 0600) != 0 || (sf->f = fdopen(fd, "wb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		goto fail;
	}
	return 0;
fail:
	safefile_abort(sf);
	return -1;
}

int
safefile_commit(struct safefile *sf, char *err, size_t errlen)
{
	int rc = -1;

	if (fflush(sf->f) != 0 || fsync(fileno(sf->f)) != 0)
		goto fail;
	rc = fclose(sf->f);
	sf->f = NULL;
	if (rc != 0 || rename(sf->tmp, sf->path) != 0) {
		rc = -1;
		goto fail;
	}
	free(sf->tmp);
	sf->tmp = NULL;
	safefile_abort(sf);
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", sf->path, strerror(errno));
	safefile_abort(sf);
	return -1;
}

void
safefile_abort(struct safefile *sf)
{
	if (sf->f != NULL)
		fclose(sf->f);
	if (sf->tmp != NULL)
		unlink(sf->tmp);
	free(sf->tmp);
	free(sf->path);
	memset(sf, 0, sizeof(*sf));
}

FILE *
safefile_read(const char *path, const char *mode, char *err, size_t errlen)
{
	struct stat sb;
	FILE *f = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen,
		    "%s: not a regular file (a pipe, device or directory)",
		    path);
		goto out;
	}
	/* Reads of a regular file never block; the flag only served the
	 * open. */
	if (fcntl(fd, F_SETFL, 0) != 0 || (f = fdopen(fd, mode)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	return f;
}
