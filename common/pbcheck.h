/*
 * Checks on packed protobuf bytes, before protobuf-c unpacks them.
 *
 * protobuf-c accepts invalid UTF-8 and embedded NUL bytes in string
 * fields, and after unpacking a NUL just shortens the C string, so the
 * only place to see them is the wire.
 *
 * protobuf-c also allocates for every field it meets before anything can
 * look at the count: an empty sub-message costs 2 bytes on the wire and a
 * few hundred once unpacked, so 4 MiB of them took half a gigabyte. The
 * walk therefore counts the elements of every field as it goes and
 * refuses a message that holds more than the bounds below, without
 * allocating anything itself.
 */
#ifndef HOPTAC_PBCHECK_H
#define HOPTAC_PBCHECK_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

/* Messages nested deeper than this are refused. */
#define PBCHECK_MAX_DEPTH 16

/* The most elements one repeated field may hold in one message, and the
 * most times a field that is not repeated may appear in it (unknown
 * fields count together, as one). The largest legitimate need is 1,000:
 * activities per Submit, units a request asks (VALIDATE_UNITS_MAX).
 * Exceptions, smaller, are listed in pbcheck.c (pbcheck_bounds):
 * hoptac.v1.Request.metadata holds at most RPC_METADATA_MAX entries. */
#define PBCHECK_FIELD_MAX 1000

/* The most elements in a whole message, nested messages included (each
 * field met, each element of a repeated field, each value of a packed
 * one). The largest legitimate message is a Submit of 1,000 activities
 * of 113 elements each at most: the activity, its 16 other fields and
 * three lists of VALIDATE_LIST_MAX; 128 each leaves room. Without this bound,
 * 1,000 activities of 1,000 empty strings each fit in 4 MiB. */
#define PBCHECK_TOTAL_MAX ((size_t)PBCHECK_FIELD_MAX * 128)

/* The bound on field id of message desc: PBCHECK_FIELD_MAX or the
 * exception listed for it. */
uint32_t pbcheck_field_bound(
    const ProtobufCMessageDescriptor *desc, uint32_t id);

/* Walks data as a message of type desc, into nested messages: checks
 * every string field with text_check(), the depth against
 * PBCHECK_MAX_DEPTH and the counts of elements against the bounds above.
 * Returns 0 when all is well; otherwise -1 with the field path
 * ("activities[2].title", "activities[3].partner_codes") and the reason
 * ("is not valid UTF-8", "has more than 1000 elements") in where/why.
 * Malformed wire data is left to protobuf-c to reject: the walk stops
 * there and returns 0, but only at what protobuf-c refuses, so that a
 * message it unpacks has been counted in full. */
int pbcheck_message(const ProtobufCMessageDescriptor *desc, const uint8_t *data,
    size_t len, char *where, size_t wherelen, char *why, size_t whylen);

/* When the last field of the message in data is a length-delimited field
 * id that appears nowhere else in it, as an encoder writes a message's
 * last field: sets *value and *valuelen to that field's bytes and *head
 * to the offset of its tag, so that the first head bytes are the message
 * without it. Lets the server unpack an envelope without copying its
 * payload. Returns 0, or -1 when the message is not so or malformed. */
int pbcheck_split_last(const uint8_t *data, size_t len, uint32_t id,
    size_t *head, const uint8_t **value, size_t *valuelen);

#endif
