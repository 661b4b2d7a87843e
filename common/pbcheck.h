/*
 * Checks on packed protobuf bytes, before protobuf-c unpacks them.
 * protobuf-c accepts invalid UTF-8 and embedded NUL bytes in string
 * fields, and after unpacking a NUL just shortens the C string, so the
 * only place to see them is the wire.
 */
#ifndef HOPTAC_PBCHECK_H
#define HOPTAC_PBCHECK_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#define PBCHECK_MAX_DEPTH 16

/* Walks data as a message of type desc, into nested messages, and checks
 * every string field with text_check(). Returns 0 when all are text;
 * otherwise -1 with the field path ("activities[2].title") and the reason
 * in where/why. Malformed wire data is left to protobuf-c to reject,
 * except nesting deeper than PBCHECK_MAX_DEPTH, which fails here. */
int pbcheck_strings(const ProtobufCMessageDescriptor *desc, const uint8_t *data,
    size_t len, char *where, size_t wherelen, char *why, size_t whylen);

#endif
