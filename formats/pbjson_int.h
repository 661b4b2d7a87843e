/*
 * What the two directions of the JSON mapping share: the depth cap, field
 * access by descriptor offset, value sizes and base64. Included by
 * formats/pbjson_*.c only.
 */
#ifndef HOPTAC_PBJSON_INT_H
#define HOPTAC_PBJSON_INT_H

#include <stddef.h>
#include <stdint.h>

#include "pbjson.h"

/* Our messages do not nest this deep; the cap keeps a hostile document
 * or a recursive message type from exhausting the stack. */
#define PBJSON_MAX_DEPTH 32

#define PBJSON_MEMBER(m, off)  ((void *)((char *)(m) + (off)))
#define PBJSON_CMEMBER(m, off) ((const void *)((const char *)(m) + (off)))

/* Size of one value of a field, as a repeated field lays them out. */
size_t pbjson_elem_size(ProtobufCType type);

/* data as standard padded base64, malloc'd; NULL when out of memory. */
char *pbjson_base64_encode(const uint8_t *data, size_t len);

/* Decodes standard or URL-safe base64, padded or not. Returns 0 with
 * *out malloc'd (NULL for no bytes), -1 when s is not base64, -2 when out
 * of memory. */
int pbjson_base64_decode(
    const char *s, size_t len, uint8_t **out, size_t *outlen);

#endif
