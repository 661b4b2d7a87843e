#include "pbstr.h"

#include <protobuf-c/protobuf-c.h>
#include <stdlib.h>
#include <string.h>

static void
pbstr_free(char *s)
{
	if (s != NULL && s != protobuf_c_empty_string)
		free(s);
}

int
pbstr_set(char **field, const char *value)
{
	char *copy = NULL;

	if (value != NULL && value[0] != '\0') {
		copy = strdup(value);
		if (copy == NULL)
			return -1;
	}
	pbstr_take(field, copy);
	return 0;
}

void
pbstr_take(char **field, char *value)
{
	pbstr_free(*field);
	if (value == NULL || value[0] == '\0') {
		free(value);
		*field = (char *)protobuf_c_empty_string;
	} else {
		*field = value;
	}
}

int
pbstr_append(size_t *n, char ***items, const char *value)
{
	char **grown;
	char *copy = strdup(value != NULL ? value : "");

	if (copy == NULL)
		return -1;
	grown = realloc(*items, (*n + 1) * sizeof(*grown));
	if (grown == NULL) {
		free(copy);
		return -1;
	}
	grown[*n] = copy;
	*items = grown;
	(*n)++;
	return 0;
}

int
pbstr_append_ptr(size_t *n, void ***items, void *item)
{
	void **grown = realloc(*items, (*n + 1) * sizeof(*grown));

	if (grown == NULL)
		return -1;
	grown[(*n)++] = item;
	*items = grown;
	return 0;
}

void
pbstr_clear_all(size_t *n, char ***items)
{
	for (size_t i = 0; i < *n; i++)
		pbstr_free((*items)[i]);
	free(*items);
	*items = NULL;
	*n = 0;
}
