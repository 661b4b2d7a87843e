/*
 * The pairs of strings waiting in the sqlite writer's inboxes.
 */
#include "store_keyset.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Between the two strings; the first never holds it (codes and
 * credential ids are checked: validate.c, auth.c), so the first one in a
 * key ends it. */
#define STORE_KEYSET_SEP '\037'

/* text_hash of each string, combined: (a, b) and (b, a) differ. */
static size_t
store_keyset_hash(const char *a, const char *b)
{
	return text_hash(a) * 1099511628211ull ^ text_hash(b);
}

static int
store_keyset_equal(const char *key, const char *a, size_t alen, const char *b)
{
	return strncmp(key, a, alen) == 0 && key[alen] == STORE_KEYSET_SEP &&
	    strcmp(key + alen + 1, b) == 0;
}

/* The slot of (a, b), or the free slot where it would go; s->cap > 0. */
static char **
store_keyset_slot(const struct store_keyset *s, const char *a, const char *b)
{
	size_t alen = strlen(a);
	size_t i = store_keyset_hash(a, b) & (s->cap - 1);

	while (
	    s->slots[i] != NULL && !store_keyset_equal(s->slots[i], a, alen, b))
		i = (i + 1) & (s->cap - 1);
	return &s->slots[i];
}

int
store_keyset_has(const struct store_keyset *s, const char *a, const char *b)
{
	return s->n > 0 && *store_keyset_slot(s, a, b) != NULL;
}

/* Twice the slots, the keys placed again; 0 or -1. */
static int
store_keyset_grow(struct store_keyset *s)
{
	size_t cap = s->cap == 0 ? 1024 : s->cap * 2;
	char **old = s->slots;
	size_t old_cap = s->cap;

	if ((s->slots = calloc(cap, sizeof(*s->slots))) == NULL) {
		s->slots = old;
		return -1;
	}
	s->cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		char *key = old[i], *sep;
		size_t j;

		if (key == NULL)
			continue;
		sep = strchr(key, STORE_KEYSET_SEP);
		*sep = '\0';
		j = store_keyset_hash(key, sep + 1) & (cap - 1);
		*sep = STORE_KEYSET_SEP;
		while (s->slots[j] != NULL)
			j = (j + 1) & (cap - 1);
		s->slots[j] = key;
	}
	free(old);
	return 0;
}

int
store_keyset_put(struct store_keyset *s, const char *a, const char *b)
{
	size_t alen = strlen(a), blen = strlen(b);
	char **slot;

	if (2 * (s->n + 1) >= s->cap && store_keyset_grow(s) != 0)
		return -1;
	slot = store_keyset_slot(s, a, b);
	if (*slot != NULL)
		return 0;
	if ((*slot = malloc(alen + blen + 2)) == NULL)
		return -1;
	memcpy(*slot, a, alen);
	(*slot)[alen] = STORE_KEYSET_SEP;
	memcpy(*slot + alen + 1, b, blen + 1);
	s->n++;
	return 1;
}

void
store_keyset_clear(struct store_keyset *s)
{
	for (size_t i = 0; i < s->cap && s->n > 0; i++)
		if (s->slots[i] != NULL) {
			free(s->slots[i]);
			s->slots[i] = NULL;
			s->n--;
		}
	s->n = 0;
}

void
store_keyset_free(struct store_keyset *s)
{
	store_keyset_clear(s);
	free(s->slots);
	s->slots = NULL;
	s->cap = 0;
}
