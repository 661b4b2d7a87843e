/*
 * Bundle and receipt files: a protobuf message (hoptac.v1.Bundle or
 * hoptac.v1.Receipt) behind a magic line and the SHA-256 of the message,
 * so that a truncated, corrupted or altered file is refused whole.
 * Bundle entries carry a SHA-256 each too. docs/bundle.md.
 */
#ifndef HOPTAC_BUNDLE_H
#define HOPTAC_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#define BUNDLE_MAGIC  "hoptac-bundle 1"
#define RECEIPT_MAGIC "hoptac-receipt 1"
/* Files larger than this are refused unread. */
#define BUNDLE_MAX_BYTES ((size_t)1 << 30)

/* The SHA-256 of an entry: method, NUL, request id, NUL, payload. */
void bundle_entry_digest(const char *method, const char *request_id,
    const uint8_t *payload, size_t len, uint8_t out[32]);

/* Writes m to path behind magic and its checksum: to a temporary file,
 * synced, then renamed, so a reader never sees half a file. 0, or -1
 * with a reason in err. The file is private (0600) and a link planted
 * at path is replaced, never followed (safefile.h). */
int bundle_write_file(const char *path, const char *magic,
    const ProtobufCMessage *m, char *err, size_t errlen);

/* Reads path, checks the magic and the checksum, unpacks a desc message
 * (caller frees it with protobuf_c_message_free_unpacked) and, for a
 * hoptac.v1.Bundle, checks every entry's checksum. NULL with a reason in
 * err: nothing of a bad file is returned. */
ProtobufCMessage *bundle_read_file(const char *path, const char *magic,
    const ProtobufCMessageDescriptor *desc, char *err, size_t errlen);

/* bundle_read_file for the len bytes of a file already in memory; name
 * stands for the file in err. */
ProtobufCMessage *bundle_read_mem(const uint8_t *buf, size_t len,
    const char *name, const char *magic, const ProtobufCMessageDescriptor *desc,
    char *err, size_t errlen);

#endif
