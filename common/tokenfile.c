/*
 * Credentials at rest. The client takes its own from the environment or
 * a private file, never from the command line: other users of the
 * machine can read a process's arguments in /proc, not its environment
 * or a private file.
 */
#include "tokenfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The first line of path, which must be a private regular file. */
static int
tokenfile_from(
    const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
	struct stat sb;
	FILE *f = NULL;
	int fd, rc = -1;

	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer
	 * for ever; it is refused below as not a regular file. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "cannot read the credential file %s: %s",
		    path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen,
		    "%s is not a regular file (a pipe, device or directory "
		    "cannot hold a credential)",
		    path);
		goto out;
	}
	if ((sb.st_mode & 077) != 0) {
		snprintf(err, errlen,
		    "%s can be read or changed by other users (mode %04o); "
		    "run chmod 600 %s",
		    path, (unsigned)(sb.st_mode & 07777), path);
		goto out;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		snprintf(err, errlen, "cannot read %s", path);
		goto out;
	}
	fd = -1;
	if (fgets(out, (int)outlen, f) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	if (out[0] == '\0') {
		snprintf(err, errlen, "%s holds no credential", path);
		goto out;
	}
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The user's own token file, for HOPTAC_TOKEN only: into path, and 0;
 * -1 when there is no home to hold it. */
static int
tokenfile_default(const char *var, char *path, size_t len)
{
	const char *v, *home;

	if (strcmp(var, TOKENFILE_ENV) != 0)
		return -1;
	if ((v = getenv("XDG_CONFIG_HOME")) != NULL && v[0] == '/')
		snprintf(path, len, "%s/hoptac/token", v);
	else if ((home = getenv("HOME")) != NULL && home[0] == '/')
		snprintf(path, len, "%s/.config/hoptac/token", home);
	else
		return -1;
	return 0;
}

int
tokenfile_read(
    const char *var, char *out, size_t outlen, char *err, size_t errlen)
{
	char name[64], path[1024];
	const char *v;

	out[0] = '\0';
	if ((v = getenv(var)) != NULL && v[0] != '\0') {
		snprintf(out, outlen, "%s", v);
		return 0;
	}
	snprintf(name, sizeof(name), "%s_FILE", var);
	if ((v = getenv(name)) != NULL && v[0] != '\0')
		return tokenfile_from(v, out, outlen, err, errlen);
	if (tokenfile_default(var, path, sizeof(path)) != 0 ||
	    access(path, F_OK) != 0)
		return 0; /* none: the server says which calls need one */
	return tokenfile_from(path, out, outlen, err, errlen);
}

void
tokenfile_source(const char *var, char *buf, size_t len)
{
	char name[64], path[1024];
	const char *v;

	snprintf(name, sizeof(name), "%s_FILE", var);
	if ((v = getenv(var)) != NULL && v[0] != '\0')
		snprintf(buf, len, "$%s", var);
	else if ((v = getenv(name)) != NULL && v[0] != '\0')
		snprintf(buf, len, "the file %s ($%s)", v, name);
	else if (tokenfile_default(var, path, sizeof(path)) == 0 &&
	    access(path, F_OK) == 0)
		snprintf(buf, len, "the file %s", path);
	else
		snprintf(buf, len, "none: $%s, $%s and %s are all unset", var,
		    name,
		    tokenfile_default(var, path, sizeof(path)) == 0
		        ? path
		        : "~/.config/hoptac/token");
}

int
tokenfile_write(const char *path, const char *token)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f;

	if (fd < 0)
		return -1;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	fprintf(f, "%s\n", token);
	return fclose(f) == 0 ? 0 : -1;
}
