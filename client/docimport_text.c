/*
 * A text document, as a clerk saves or pastes it, into the lines the
 * document import reads.
 */
#include <stdlib.h>
#include <string.h>

#include "docimport.h"
#include "text.h"

int
docimport_text_lines(const char *buf, size_t len, char ***lines, size_t *n)
{
	size_t i = 0;

	*lines = NULL;
	*n = 0;
	if (text_check(buf, len) != TEXT_OK)
		return -1;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		size_t k = i;
		char **grown;

		while (k < len && buf[k] != '\r' && buf[k] != '\n')
			k++;
		if ((grown = realloc(*lines, (*n + 1) * sizeof(**lines))) ==
		    NULL)
			goto fail;
		*lines = grown;
		if ((grown[*n] = strndup(buf + i, k - i)) == NULL)
			goto fail;
		(*n)++;
		i = k +
		    (k + 1 < len && buf[k] == '\r' && buf[k + 1] == '\n' ? 2
		                                                         : 1);
	}
	return 0;
fail:
	for (size_t j = 0; j < *n; j++)
		free((*lines)[j]);
	free(*lines);
	*lines = NULL;
	*n = 0;
	return -1;
}
