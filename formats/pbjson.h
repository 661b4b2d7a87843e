/*
 * Protobuf messages to and from JSON (json-c), driven by the descriptors
 * protoc-c generates, so every message has one JSON form. The mapping is
 * proto3's JSON mapping with the proto field names kept (snake_case):
 * enums as their value names, int64/uint64 as JSON numbers, bytes as
 * base64, repeated fields as arrays, fields at their default omitted
 * unless emit_defaults is set. docs/json.md describes it for scripts.
 */
#ifndef HOPTAC_PBJSON_H
#define HOPTAC_PBJSON_H

#include <json-c/json.h>
#include <protobuf-c/protobuf-c.h>

/* A new JSON object for m (caller owns it: json_object_put), or NULL when
 * out of memory. */
json_object *pbjson_from_message(const ProtobufCMessage *m, int emit_defaults);

/* A new message of type desc from obj (caller frees it with
 * protobuf_c_message_free_unpacked(msg, NULL)). Unknown keys, wrong types
 * and unknown enum names are errors: returns NULL and writes a message
 * naming the field into err (errlen bytes). */
ProtobufCMessage *pbjson_to_message(const ProtobufCMessageDescriptor *desc,
    json_object *obj, char *err, size_t errlen);

#endif
