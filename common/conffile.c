#include "conffile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
conffile_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int
conffile_read(
    const char *path, conffile_set_fn set, void *ctx, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	/* getline, not a fixed buffer: the rest of a long line (a long
	 * comment, say) must not be read as a line of its own. */
	char *line = NULL, why[512];
	size_t cap = 0;
	int lineno = 0, rc = 0, saved;

	if (f == NULL) {
		saved = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		errno = saved;
		return -1;
	}
	while (getline(&line, &cap, f) != -1) {
		char *key, *value, *eq, *hash;

		lineno++;
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		key = conffile_trim(line);
		if (*key == '\0')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value",
			    path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		key = conffile_trim(key);
		value = conffile_trim(eq + 1);
		if (set(ctx, key, value, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
			rc = -1;
			break;
		}
	}
	free(line);
	fclose(f);
	if (rc != 0)
		errno = 0; /* the file was there: a line is at fault */
	return rc;
}
