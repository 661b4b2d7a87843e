/*
 * A set of pairs of strings, kept by the sqlite writer for the rows that
 * wait in its inboxes: (unit, id) of new activities, (credential, request
 * id) of replies kept. Open addressing over malloc'd "a" SEP "b".
 */
#ifndef HOPTAC_STORE_KEYSET_H
#define HOPTAC_STORE_KEYSET_H

#include <stddef.h>

struct store_keyset {
	char **slots;  /* cap of them, NULL where free; owned */
	size_t cap, n; /* cap a power of two, n < cap / 2 */
};

/* Whether the set holds (a, b). */
int store_keyset_has(
    const struct store_keyset *s, const char *a, const char *b);

/* Adds (a, b): 1 when added, 0 when it was there, -1 out of memory. */
int store_keyset_put(struct store_keyset *s, const char *a, const char *b);

/* Empties the set, keeping its slots. */
void store_keyset_clear(struct store_keyset *s);

/* Empties the set and frees its slots. */
void store_keyset_free(struct store_keyset *s);

#endif
