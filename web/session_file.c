/*
 * The sessions' state file: see session_file.h. Its text:
 *
 *   hoptac-web sessions 1
 *   <id: 64 hex> <begun> <last> <sealed record: hex>   (one a session)
 *   end <count>
 *
 * times in seconds since 1970. Only whole lines of that form are read;
 * the count closes the file so that a cut one is known.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session.h"
#include "session_file.h"

#define SESSION_FILE_HEADER "hoptac-web sessions 1"
#define SESSION_FILE_LINE   (2 * (SESSION_ID_LEN + SESSION_SEALED_MAX) + 64)

static char session_file_dir[4096];
static pthread_mutex_t session_file_lock = PTHREAD_MUTEX_INITIALIZER;

/* Hex digits into len bytes; 0, or -1 when they are not exactly that. */
static int
session_file_unhex(const char *hex, size_t digits, unsigned char *out)
{
	for (size_t i = 0; i < digits; i++) {
		const char c = hex[i];
		int v = c >= '0' && c <= '9' ? c - '0'
		    : c >= 'a' && c <= 'f'   ? c - 'a' + 10
		                             : -1;

		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] |= (unsigned char)v;
	}
	return digits % 2 == 0 ? 0 : -1;
}

/* One session's line into saved; NULL, or why it does not read. */
static const char *
session_file_parse(char *line, struct session_saved *saved, time_t now)
{
	char *f[4], *save = NULL, *end;
	long long t[2];
	size_t n = 0;

	for (char *p = strtok_r(line, " ", &save); p != NULL;
	     p = strtok_r(NULL, " ", &save))
		if (n++ < 4)
			f[n - 1] = p;
	if (n != 4)
		return "not four fields";
	if (strlen(f[0]) != (size_t)2 * SESSION_ID_LEN ||
	    session_file_unhex(f[0], strlen(f[0]), saved->id) != 0)
		return "no session id";
	for (int i = 0; i < 2; i++) {
		errno = 0;
		t[i] = strtoll(f[1 + i], &end, 10);
		if (errno != 0 || *end != '\0' || end == f[1 + i] || t[i] <= 0)
			return "no time";
	}
	/* A session begun or used in the future was not written here. */
	if (t[0] > t[1] || t[1] > (long long)now + 60)
		return "times out of order";
	saved->begun = (time_t)t[0];
	saved->last = (time_t)t[1];
	saved->len = strlen(f[3]) / 2;
	if (saved->len == 0 || saved->len > SESSION_SEALED_MAX ||
	    session_file_unhex(f[3], strlen(f[3]), saved->sealed) != 0)
		return "no sealed record";
	return NULL;
}

/* Reads the open file f into the table; NULL, or why it is refused (at
 * line *lineno). Sessions restored before a refusal are taken out again
 * by the caller's restart of the table. */
static const char *
session_file_read(FILE *f, int *lineno, int *restored)
{
	static char line[SESSION_FILE_LINE]; /* under session_file_lock */
	static struct session_saved saved;
	const char *why = NULL;
	unsigned long count = 0, said;
	time_t now = time(NULL);
	int ended = 0;

	*lineno = 0;
	while (why == NULL && fgets(line, sizeof(line), f) != NULL) {
		size_t len = strlen(line);
		char *end;

		++*lineno;
		if (len == 0 || line[len - 1] != '\n' || ended) {
			why = ended ? "lines after the end"
			            : "line cut or too long";
			break;
		}
		line[len - 1] = '\0';
		if (*lineno == 1) {
			if (strcmp(line, SESSION_FILE_HEADER) != 0)
				why = "not a sessions file of this version";
			continue;
		}
		if (strncmp(line, "end ", 4) == 0) {
			said = strtoul(line + 4, &end, 10);
			if (*end != '\0' || said != count)
				why = "the count does not match";
			ended = 1;
			continue;
		}
		if ((why = session_file_parse(line, &saved, now)) != NULL)
			break;
		count++;
		if (session_import(&saved) == 0)
			++*restored;
	}
	memset(&saved, 0, sizeof(saved));
	if (why == NULL && ferror(f))
		why = strerror(errno);
	if (why == NULL && !ended)
		why = "cut before its end";
	return why;
}

int
session_file_open(const char *dir)
{
	char path[4200];
	struct stat st;
	const char *why = NULL;
	int fd, lineno = 0, restored = 0;
	FILE *f;

	if (strlen(dir) >= sizeof(session_file_dir) || stat(dir, &st) != 0 ||
	    !S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr,
		    "hoptac-web: %s is no directory hoptac-web may write\n",
		    dir);
		return -1;
	}
	pthread_mutex_lock(&session_file_lock);
	snprintf(session_file_dir, sizeof(session_file_dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/sessions", dir);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		if (errno != ENOENT)
			fprintf(stderr,
			    "hoptac-web: %s: %s: no session restored\n", path,
			    strerror(errno));
		goto out;
	}
	/* Sealed or not, the records are no one else's to read. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		fprintf(stderr,
		    "hoptac-web: %s: not a file of mode 0600 owned by "
		    "hoptac-web: no session restored\n",
		    path);
		close(fd);
		goto out;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		goto out;
	}
	why = session_file_read(f, &lineno, &restored);
	fclose(f);
	if (why != NULL) {
		/* Half a file is no file: what was read goes again. */
		session_fini();
		fprintf(stderr,
		    "hoptac-web: %s:%d: %s: refused, no session restored\n",
		    path, lineno, why);
	} else
		fprintf(stderr, "hoptac-web: %d session(s) restored from %s\n",
		    restored, path);
out:
	pthread_mutex_unlock(&session_file_lock);
	return 0;
}

/* Writes one session's line to the FILE in arg. */
static int
session_file_line(void *arg, const struct session_saved *saved)
{
	FILE *f = arg;

	for (size_t i = 0; i < SESSION_ID_LEN; i++)
		fprintf(f, "%02x", saved->id[i]);
	fprintf(
	    f, " %lld %lld ", (long long)saved->begun, (long long)saved->last);
	for (size_t i = 0; i < saved->len; i++)
		fprintf(f, "%02x", saved->sealed[i]);
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}

/* Counts the lines written, for the last one. */
struct session_file_out {
	FILE *f;
	unsigned long count;
};

static int
session_file_count(void *arg, const struct session_saved *saved)
{
	struct session_file_out *o = arg;

	o->count++;
	return session_file_line(o->f, saved);
}

int
session_file_save(void)
{
	char path[4200], tmp[4200];
	struct session_file_out o = {NULL, 0};
	int fd = -1, dfd, rc = -1;

	pthread_mutex_lock(&session_file_lock);
	if (session_file_dir[0] == '\0') {
		rc = 0;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/sessions", session_file_dir);
	snprintf(tmp, sizeof(tmp), "%s/.sessions.XXXXXX", session_file_dir);
	/* mkstemp makes it 0600, and new: nothing else has it open. */
	if ((fd = mkstemp(tmp)) < 0 || (o.f = fdopen(fd, "w")) == NULL)
		goto fail;
	fd = -1;
	fprintf(o.f, "%s\n", SESSION_FILE_HEADER);
	if (session_export(session_file_count, &o) != 0)
		goto fail;
	fprintf(o.f, "end %lu\n", o.count);
	if (fflush(o.f) != 0 || fsync(fileno(o.f)) != 0)
		goto fail;
	if (fclose(o.f) != 0) {
		o.f = NULL;
		goto fail;
	}
	o.f = NULL;
	if (rename(tmp, path) != 0)
		goto fail;
	if ((dfd = open(session_file_dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "hoptac-web: cannot save the sessions to %s: %s\n",
	    path, strerror(errno));
	if (o.f != NULL)
		fclose(o.f);
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	pthread_mutex_unlock(&session_file_lock);
	return rc;
}
