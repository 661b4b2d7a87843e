/*
 * "Did you mean": the name nearest to what a person typed, among the
 * commands, options, kinds or units they could have meant. Compared on
 * folded text (text_fold), so "Doan ra" and "đoàn ra" are the same and a
 * missing diacritic costs nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "text.h"

/* Longest folded text compared; longer ones are never suggested. */
#define CLI_SUGGEST_MAX 64

/* The edit distance of a and b with adjacent transpositions ("activty",
 * "acitvity"), capped at CLI_SUGGEST_MAX. */
static size_t
cli_suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[CLI_SUGGEST_MAX + 1][CLI_SUGGEST_MAX + 1];

	if (la > CLI_SUGGEST_MAX || lb > CLI_SUGGEST_MAX)
		return CLI_SUGGEST_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t best = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *
cli_suggest(const char *typed, const char *const *names, size_t n)
{
	char *t = text_fold(typed); /* freed at the end */
	const char *best = NULL;
	size_t best_d = 0, allowed;

	if (t == NULL || t[0] == '\0') {
		free(t);
		return NULL;
	}
	/* One slip in a short word, about one in three in a longer one:
	 * "kind" is not "find", "activty" is "activity". */
	allowed = strlen(t) <= 4 ? 1 : strlen(t) / 3;
	for (size_t i = 0; i < n; i++) {
		char *c = names[i] != NULL ? text_fold(names[i]) : NULL;
		size_t d;

		if (c == NULL)
			continue;
		d = cli_suggest_distance(t, c);
		if (d > 0 && d <= allowed && (best == NULL || d < best_d)) {
			best = names[i];
			best_d = d;
		}
		free(c);
	}
	free(t);
	return best;
}
