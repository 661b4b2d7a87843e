/*
 * Heap strings inside protobuf-c messages.
 *
 * A message built or changed by our code is freed the same way as an
 * unpacked one, with protobuf_c_message_free_unpacked(msg, NULL), so every
 * string field holds either protobuf_c_empty_string or a malloc'd string,
 * and every repeated field a malloc'd array.
 */
#ifndef HOPTAC_PBSTR_H
#define HOPTAC_PBSTR_H

#include <stddef.h>

/* Replaces *field with a copy of value (NULL or "" gives the empty string).
 * Returns 0, or -1 when out of memory (the field is then unchanged). */
int pbstr_set(char **field, const char *value);

/* Replaces *field with value, taking ownership of it (malloc'd or NULL). */
void pbstr_take(char **field, char *value);

/* Appends a copy of value to a repeated string field. Returns 0 or -1. */
int pbstr_append(size_t *n, char ***items, const char *value);

/* Appends item, taken, to a repeated field of pointers (a repeated
 * message field). Returns 0, or -1 when out of memory (item not taken). */
int pbstr_append_ptr(size_t *n, void ***items, void *item);

/* Frees a repeated string field and leaves it empty. */
void pbstr_clear_all(size_t *n, char ***items);

#endif
