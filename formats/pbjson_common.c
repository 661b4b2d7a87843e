/*
 * What both directions of the JSON mapping use: the size of a value in a
 * repeated field, and base64 for bytes fields.
 */
#include "pbjson_int.h"

#include <stdlib.h>
#include <string.h>

static const char pbjson_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Size of one value of a field, as a repeated field lays them out. */
size_t
pbjson_elem_size(ProtobufCType type)
{
	switch (type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return sizeof(int32_t);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return sizeof(uint32_t);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return sizeof(int64_t);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return sizeof(uint64_t);
	case PROTOBUF_C_TYPE_FLOAT:
		return sizeof(float);
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_ENUM:
		return sizeof(int);
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(ProtobufCMessage *);
	}
	return 0;
}

char *
pbjson_base64_encode(const uint8_t *data, size_t len)
{
	char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)data[i + 1] << 8;
		if (i + 2 < len)
			v |= data[i + 2];
		*o++ = pbjson_b64[(v >> 18) & 63];
		*o++ = pbjson_b64[(v >> 12) & 63];
		*o++ = i + 1 < len ? pbjson_b64[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? pbjson_b64[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

static int
pbjson_b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	/* The URL-safe alphabet is accepted too, as proto3 JSON asks. */
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Decodes standard or URL-safe base64, padded or not. Returns 0 with
 * *out malloc'd (NULL for no bytes), -1 when s is not base64, -2 when out
 * of memory. */
int
pbjson_base64_decode(const char *s, size_t len, uint8_t **out, size_t *outlen)
{
	uint8_t *buf, *o;
	uint32_t acc = 0;
	size_t bits = 0;

	*out = NULL;
	*outlen = 0;
	while (len > 0 && s[len - 1] == '=')
		len--;
	if (len % 4 == 1 || strlen(s) - len > 2)
		return -1;
	if (len == 0)
		return 0;
	buf = malloc(len / 4 * 3 + 3);
	if (buf == NULL)
		return -2;
	o = buf;
	for (size_t i = 0; i < len; i++) {
		int v = pbjson_b64_value((unsigned char)s[i]);

		if (v < 0) {
			free(buf);
			return -1;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*o++ = (uint8_t)(acc >> bits);
		}
	}
	*out = buf;
	*outlen = (size_t)(o - buf);
	return 0;
}
