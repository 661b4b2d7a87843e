#include "pbjson.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Our messages do not nest this deep; the cap keeps a hostile document
 * or a recursive message type from exhausting the stack. */
#define PBJSON_MAX_DEPTH 32

#define PBJSON_MEMBER(m, off)  ((void *)((char *)(m) + (off)))
#define PBJSON_CMEMBER(m, off) ((const void *)((const char *)(m) + (off)))

static const char pbjson_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Size of one value of a field, as a repeated field lays them out. */
static size_t
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

static char *
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
static int
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

/* ---- message to JSON ---- */

static json_object *pbjson_message_to_json(
    const ProtobufCMessage *m, int emit_defaults, int depth);

static json_object *
pbjson_double_to_json(double d)
{
	if (isnan(d))
		return json_object_new_string("NaN");
	if (isinf(d))
		return json_object_new_string(d > 0 ? "Infinity" : "-Infinity");
	return json_object_new_double(d);
}

/* One value as JSON. Returns 0 with *out set (JSON null is NULL in
 * json-c, hence the out parameter) or -1 when out of memory. */
static int
pbjson_value_to_json(const ProtobufCFieldDescriptor *fd, const void *p,
    int emit_defaults, int depth, json_object **out)
{
	const ProtobufCEnumValue *ev;
	const ProtobufCBinaryData *bd;
	const char *s;
	char *b64;

	*out = NULL;
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		*out = json_object_new_int(*(const int32_t *)p);
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		*out = json_object_new_int64(*(const uint32_t *)p);
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		*out = json_object_new_int64(*(const int64_t *)p);
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		*out = json_object_new_uint64(*(const uint64_t *)p);
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		*out = pbjson_double_to_json(*(const float *)p);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		*out = pbjson_double_to_json(*(const double *)p);
		break;
	case PROTOBUF_C_TYPE_BOOL:
		*out = json_object_new_boolean(*(const protobuf_c_boolean *)p);
		break;
	case PROTOBUF_C_TYPE_ENUM:
		/* A value this build does not know keeps its number. */
		ev = protobuf_c_enum_descriptor_get_value(
		    fd->descriptor, *(const int *)p);
		*out = ev != NULL ? json_object_new_string(ev->name)
		                  : json_object_new_int(*(const int *)p);
		break;
	case PROTOBUF_C_TYPE_STRING:
		s = *(char *const *)p;
		*out = json_object_new_string(s != NULL ? s : "");
		break;
	case PROTOBUF_C_TYPE_BYTES:
		bd = p;
		b64 = pbjson_base64_encode(bd->data, bd->data ? bd->len : 0);
		if (b64 == NULL)
			return -1;
		*out = json_object_new_string(b64);
		free(b64);
		break;
	case PROTOBUF_C_TYPE_MESSAGE:
		if (*(ProtobufCMessage *const *)p == NULL)
			return 0;
		*out = pbjson_message_to_json(
		    *(ProtobufCMessage *const *)p, emit_defaults, depth + 1);
		break;
	}
	return *out != NULL ? 0 : -1;
}

static int
pbjson_is_zero(const ProtobufCFieldDescriptor *fd, const void *p)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return *(const uint32_t *)p == 0;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return *(const uint64_t *)p == 0;
	case PROTOBUF_C_TYPE_FLOAT:
		return *(const float *)p == 0;
	case PROTOBUF_C_TYPE_DOUBLE:
		return *(const double *)p == 0;
	case PROTOBUF_C_TYPE_BOOL:
		return !*(const protobuf_c_boolean *)p;
	case PROTOBUF_C_TYPE_ENUM:
		return *(const int *)p == 0;
	case PROTOBUF_C_TYPE_STRING:
		return *(char *const *)p == NULL || **(char *const *)p == '\0';
	case PROTOBUF_C_TYPE_BYTES:
		return ((const ProtobufCBinaryData *)p)->len == 0;
	case PROTOBUF_C_TYPE_MESSAGE:
		return *(ProtobufCMessage *const *)p == NULL;
	}
	return 1;
}

/* Whether a singular field is written: the rules protobuf-c packs by. */
static int
pbjson_present(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
    int emit_defaults)
{
	const void *p = PBJSON_CMEMBER(m, fd->offset);

	if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		return *(const uint32_t *)PBJSON_CMEMBER(
		           m, fd->quantifier_offset) == fd->id;
	switch (fd->label) {
	case PROTOBUF_C_LABEL_REQUIRED:
		return 1;
	case PROTOBUF_C_LABEL_OPTIONAL:
		if (fd->type == PROTOBUF_C_TYPE_STRING ||
		    fd->type == PROTOBUF_C_TYPE_MESSAGE) {
			const void *ptr = *(const void *const *)p;

			return ptr != NULL && ptr != fd->default_value;
		}
		return *(const protobuf_c_boolean *)PBJSON_CMEMBER(
		    m, fd->quantifier_offset);
	case PROTOBUF_C_LABEL_NONE:
		if (fd->type == PROTOBUF_C_TYPE_MESSAGE)
			return *(ProtobufCMessage *const *)p != NULL;
		return emit_defaults || !pbjson_is_zero(fd, p);
	case PROTOBUF_C_LABEL_REPEATED:
		break;
	}
	return 0;
}

static int
pbjson_field_to_json(const ProtobufCMessage *m,
    const ProtobufCFieldDescriptor *fd, int emit_defaults, int depth,
    json_object *obj)
{
	json_object *v = NULL;

	if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
		size_t n =
		    *(const size_t *)PBJSON_CMEMBER(m, fd->quantifier_offset);
		const char *arr =
		    *(const char *const *)PBJSON_CMEMBER(m, fd->offset);
		size_t size = pbjson_elem_size(fd->type);

		if (n == 0 && !emit_defaults)
			return 0;
		v = json_object_new_array_ext((int)n);
		if (v == NULL)
			return -1;
		for (size_t i = 0; i < n; i++) {
			json_object *e;

			if (pbjson_value_to_json(fd, arr + i * size,
			        emit_defaults, depth, &e) != 0 ||
			    json_object_array_add(v, e) != 0) {
				json_object_put(e);
				json_object_put(v);
				return -1;
			}
		}
	} else {
		if (!pbjson_present(m, fd, emit_defaults))
			return 0;
		if (pbjson_value_to_json(fd, PBJSON_CMEMBER(m, fd->offset),
		        emit_defaults, depth, &v) != 0)
			return -1;
	}
	if (json_object_object_add(obj, fd->name, v) != 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

static json_object *
pbjson_message_to_json(const ProtobufCMessage *m, int emit_defaults, int depth)
{
	const ProtobufCMessageDescriptor *desc = m->descriptor;
	json_object *obj;

	if (depth > PBJSON_MAX_DEPTH)
		return NULL;
	obj = json_object_new_object();
	if (obj == NULL)
		return NULL;
	for (unsigned i = 0; i < desc->n_fields; i++) {
		if (pbjson_field_to_json(
		        m, &desc->fields[i], emit_defaults, depth, obj) != 0) {
			json_object_put(obj);
			return NULL;
		}
	}
	return obj;
}

json_object *
pbjson_from_message(const ProtobufCMessage *m, int emit_defaults)
{
	if (m == NULL || m->descriptor == NULL)
		return NULL;
	return pbjson_message_to_json(m, emit_defaults, 0);
}

/* ---- JSON to message ---- */

struct pbjson_ctx {
	char *err;
	size_t errlen;
	char path[256]; /* "activities[2].people" */
	size_t pathlen;
};

static int pbjson_fill(
    ProtobufCMessage *m, json_object *obj, struct pbjson_ctx *c, int depth);

static int pbjson_fail(struct pbjson_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records the error at the current path. Always returns -1. */
static int
pbjson_fail(struct pbjson_ctx *c, const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	if (c->err == NULL || c->errlen == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->pathlen > 0)
		snprintf(c->err, c->errlen, "%s: %s", c->path, msg);
	else
		snprintf(c->err, c->errlen, "%s", msg);
	return -1;
}

static int
pbjson_nomem(struct pbjson_ctx *c)
{
	return pbjson_fail(c, "out of memory");
}

/* Appends to the path; returns the length to restore it to. */
static size_t pbjson_push(struct pbjson_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static size_t
pbjson_push(struct pbjson_ctx *c, const char *fmt, ...)
{
	size_t old = c->pathlen;
	va_list ap;
	int n;

	if (old >= sizeof(c->path) - 1)
		return old;
	va_start(ap, fmt);
	n = vsnprintf(c->path + old, sizeof(c->path) - old, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->pathlen += (size_t)n < sizeof(c->path) - old
		    ? (size_t)n
		    : sizeof(c->path) - old - 1;
	return old;
}

static void
pbjson_pop(struct pbjson_ctx *c, size_t len)
{
	c->pathlen = len;
	c->path[len] = '\0';
}

static const char *
pbjson_type_name(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
	case json_type_int:
		return "a number";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "something else";
}

/* An integer as sign and magnitude, so one range check serves all the
 * widths. Numeric strings are taken only when allow_string is set. */
static int
pbjson_integer(json_object *v, int allow_string, int *neg, uint64_t *mag,
    struct pbjson_ctx *c)
{
	const char *s, *digits;
	char *end;
	double d;

	switch (json_object_get_type(v)) {
	case json_type_int: {
		int64_t i = json_object_get_int64(v);

		*neg = i < 0;
		/* json-c keeps values above INT64_MAX as unsigned. */
		*mag = i < 0 ? (uint64_t)0 - (uint64_t)i
		             : json_object_get_uint64(v);
		return 0;
	}
	case json_type_double:
		d = json_object_get_double(v);
		if (!isfinite(d) || floor(d) != d)
			return pbjson_fail(c, "expected an integer, got %g", d);
		if (fabs(d) >= 18446744073709551616.0)
			return pbjson_fail(c, "%g is out of range", d);
		*neg = d < 0;
		*mag = (uint64_t)fabs(d);
		return 0;
	case json_type_string:
		if (!allow_string)
			break;
		s = json_object_get_string(v);
		digits = s[0] == '-' ? s + 1 : s;
		if (*digits < '0' || *digits > '9')
			return pbjson_fail(
			    c, "expected an integer, got \"%.40s\"", s);
		errno = 0;
		*mag = strtoull(digits, &end, 10);
		if (*end != '\0')
			return pbjson_fail(
			    c, "expected an integer, got \"%.40s\"", s);
		if (errno == ERANGE)
			return pbjson_fail(c, "%.40s is out of range", s);
		*neg = s[0] == '-' && *mag != 0;
		return 0;
	default:
		break;
	}
	return pbjson_fail(
	    c, "expected an integer, got %s", pbjson_type_name(v));
}

/* Checks that an integer fits [min, max] and gives it as int64 or uint64. */
static int
pbjson_int_in_range(json_object *v, int allow_string, int64_t min, uint64_t max,
    const char *type, int64_t *sv, uint64_t *uv, struct pbjson_ctx *c)
{
	uint64_t mag = 0;
	int neg = 0;

	if (pbjson_integer(v, allow_string, &neg, &mag, c) != 0)
		return -1;
	if (neg ? mag > (uint64_t)0 - (uint64_t)min : mag > max)
		return pbjson_fail(c, "%s%" PRIu64 " is out of range for %s",
		    neg ? "-" : "", mag, type);
	*uv = mag;
	*sv = neg ? (int64_t)((uint64_t)0 - mag) : (int64_t)mag;
	return 0;
}

static int
pbjson_float(json_object *v, int is_float, double *out, struct pbjson_ctx *c)
{
	const char *s;

	switch (json_object_get_type(v)) {
	case json_type_int:
	case json_type_double:
		*out = json_object_get_double(v);
		if (is_float && isfinite(*out) && fabs(*out) > FLT_MAX)
			return pbjson_fail(
			    c, "%g is out of range for float", *out);
		return 0;
	case json_type_string:
		s = json_object_get_string(v);
		if (strcmp(s, "NaN") == 0)
			*out = NAN;
		else if (strcmp(s, "Infinity") == 0)
			*out = INFINITY;
		else if (strcmp(s, "-Infinity") == 0)
			*out = -INFINITY;
		else
			break;
		return 0;
	default:
		break;
	}
	return pbjson_fail(c, "expected a number, got %s", pbjson_type_name(v));
}

/* Reads v into the value at dst. On success dst owns what was allocated;
 * on failure dst is left as it was. */
static int
pbjson_value(const ProtobufCFieldDescriptor *fd, json_object *v, void *dst,
    int repeated, struct pbjson_ctx *c, int depth)
{
	const ProtobufCEnumDescriptor *ed;
	const ProtobufCEnumValue *ev;
	const ProtobufCMessageDescriptor *md;
	ProtobufCMessage *sub;
	const char *s;
	size_t len;
	int64_t sv;
	uint64_t uv;
	double d;
	char *copy;
	uint8_t *bytes;
	int rc;

	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		if (pbjson_int_in_range(
		        v, 0, INT32_MIN, INT32_MAX, "int32", &sv, &uv, c) != 0)
			return -1;
		*(int32_t *)dst = (int32_t)sv;
		return 0;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		if (pbjson_int_in_range(
		        v, 0, 0, UINT32_MAX, "uint32", &sv, &uv, c) != 0)
			return -1;
		*(uint32_t *)dst = (uint32_t)uv;
		return 0;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		/* 64-bit values may come quoted: not every JSON reader keeps
		 * them exact as numbers. */
		if (pbjson_int_in_range(
		        v, 1, INT64_MIN, INT64_MAX, "int64", &sv, &uv, c) != 0)
			return -1;
		*(int64_t *)dst = sv;
		return 0;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if (pbjson_int_in_range(
		        v, 1, 0, UINT64_MAX, "uint64", &sv, &uv, c) != 0)
			return -1;
		*(uint64_t *)dst = uv;
		return 0;
	case PROTOBUF_C_TYPE_FLOAT:
		if (pbjson_float(v, 1, &d, c) != 0)
			return -1;
		*(float *)dst = (float)d;
		return 0;
	case PROTOBUF_C_TYPE_DOUBLE:
		if (pbjson_float(v, 0, &d, c) != 0)
			return -1;
		*(double *)dst = d;
		return 0;
	case PROTOBUF_C_TYPE_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return pbjson_fail(c, "expected true or false, got %s",
			    pbjson_type_name(v));
		*(protobuf_c_boolean *)dst = json_object_get_boolean(v) ? 1 : 0;
		return 0;
	case PROTOBUF_C_TYPE_ENUM:
		ed = fd->descriptor;
		if (json_object_is_type(v, json_type_string)) {
			s = json_object_get_string(v);
			ev =
			    protobuf_c_enum_descriptor_get_value_by_name(ed, s);
			if (ev == NULL)
				return pbjson_fail(c,
				    "unknown value \"%.60s\" for %s", s,
				    ed->name);
		} else if (json_object_is_type(v, json_type_int)) {
			if (pbjson_int_in_range(v, 0, INT32_MIN, INT32_MAX,
			        "an enum", &sv, &uv, c) != 0)
				return -1;
			ev = protobuf_c_enum_descriptor_get_value(ed, (int)sv);
			if (ev == NULL)
				return pbjson_fail(c, "unknown value %d for %s",
				    (int)sv, ed->name);
		} else {
			return pbjson_fail(c,
			    "expected an enum name or number, got %s",
			    pbjson_type_name(v));
		}
		*(int *)dst = ev->value;
		return 0;
	case PROTOBUF_C_TYPE_STRING:
		if (!json_object_is_type(v, json_type_string))
			return pbjson_fail(c, "expected a string, got %s",
			    pbjson_type_name(v));
		s = json_object_get_string(v);
		len = (size_t)json_object_get_string_len(v);
		if (strlen(s) != len)
			return pbjson_fail(c, "a string may not contain NUL");
		/* An empty proto3 string stays the shared empty string, as
		 * pbstr.h keeps it. */
		if (len == 0 && !repeated && fd->label == PROTOBUF_C_LABEL_NONE)
			return 0;
		copy = strdup(s);
		if (copy == NULL)
			return pbjson_nomem(c);
		*(char **)dst = copy;
		return 0;
	case PROTOBUF_C_TYPE_BYTES:
		if (!json_object_is_type(v, json_type_string))
			return pbjson_fail(c,
			    "expected a base64 string, got %s",
			    pbjson_type_name(v));
		s = json_object_get_string(v);
		rc = pbjson_base64_decode(
		    s, (size_t)json_object_get_string_len(v), &bytes, &len);
		if (rc == -2)
			return pbjson_nomem(c);
		if (rc != 0)
			return pbjson_fail(c, "not valid base64");
		((ProtobufCBinaryData *)dst)->data = bytes;
		((ProtobufCBinaryData *)dst)->len = len;
		return 0;
	case PROTOBUF_C_TYPE_MESSAGE:
		md = fd->descriptor;
		if (!json_object_is_type(v, json_type_object))
			return pbjson_fail(c, "expected an object, got %s",
			    pbjson_type_name(v));
		if (depth + 1 > PBJSON_MAX_DEPTH)
			return pbjson_fail(c, "nested deeper than %d levels",
			    PBJSON_MAX_DEPTH);
		sub = calloc(1, md->sizeof_message);
		if (sub == NULL)
			return pbjson_nomem(c);
		md->message_init(sub);
		if (pbjson_fill(sub, v, c, depth + 1) != 0) {
			protobuf_c_message_free_unpacked(sub, NULL);
			return -1;
		}
		*(ProtobufCMessage **)dst = sub;
		return 0;
	}
	return pbjson_fail(c, "field type %d is not supported", (int)fd->type);
}

/* Fills a repeated field element by element; the count grows with each
 * element read, so that freeing the message on an error frees exactly
 * what was read. */
static int
pbjson_repeated(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
    json_object *v, struct pbjson_ctx *c, int depth)
{
	size_t *n = PBJSON_MEMBER(m, fd->quantifier_offset);
	void **arr = PBJSON_MEMBER(m, fd->offset);
	size_t size = pbjson_elem_size(fd->type), count;

	if (!json_object_is_type(v, json_type_array))
		return pbjson_fail(
		    c, "expected an array, got %s", pbjson_type_name(v));
	count = json_object_array_length(v);
	if (count == 0)
		return 0;
	*arr = calloc(count, size);
	if (*arr == NULL)
		return pbjson_nomem(c);
	*n = 0;
	for (size_t i = 0; i < count; i++) {
		json_object *e = json_object_array_get_idx(v, i);
		size_t mark = pbjson_push(c, "[%zu]", i);

		if (e == NULL)
			return pbjson_fail(c, "null is not allowed in a list");
		if (pbjson_value(fd, e, (char *)*arr + i * size, 1, c, depth) !=
		    0)
			return -1;
		(*n)++;
		pbjson_pop(c, mark);
	}
	return 0;
}

static int
pbjson_field(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
    json_object *v, struct pbjson_ctx *c, int depth)
{
	uint32_t *oneof_case = NULL;

	if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		oneof_case = PBJSON_MEMBER(m, fd->quantifier_offset);
		if (*oneof_case != 0 && *oneof_case != fd->id)
			return pbjson_fail(c,
			    "another field of the same oneof is already set");
	}
	if (fd->label == PROTOBUF_C_LABEL_REPEATED)
		return pbjson_repeated(m, fd, v, c, depth);
	if (pbjson_value(fd, v, PBJSON_MEMBER(m, fd->offset), 0, c, depth) != 0)
		return -1;
	if (oneof_case != NULL)
		*oneof_case = fd->id;
	else if (fd->label == PROTOBUF_C_LABEL_OPTIONAL &&
	    fd->type != PROTOBUF_C_TYPE_STRING &&
	    fd->type != PROTOBUF_C_TYPE_MESSAGE)
		*(protobuf_c_boolean *)PBJSON_MEMBER(m, fd->quantifier_offset) =
		    1;
	return 0;
}

static int
pbjson_fill(
    ProtobufCMessage *m, json_object *obj, struct pbjson_ctx *c, int depth)
{
	const ProtobufCMessageDescriptor *desc = m->descriptor;
	struct json_object_iterator it = json_object_iter_begin(obj);
	struct json_object_iterator end = json_object_iter_end(obj);

	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *key = json_object_iter_peek_name(&it);
		json_object *v = json_object_iter_peek_value(&it);
		const ProtobufCFieldDescriptor *fd;
		size_t mark;

		mark = pbjson_push(c, "%s%s", c->pathlen > 0 ? "." : "", key);
		fd = protobuf_c_message_descriptor_get_field_by_name(desc, key);
		if (fd == NULL)
			return pbjson_fail(c, "unknown field");
		/* null stands for the default, as proto3 JSON has it. */
		if (v != NULL && pbjson_field(m, fd, v, c, depth) != 0)
			return -1;
		pbjson_pop(c, mark);
	}
	return 0;
}

ProtobufCMessage *
pbjson_to_message(const ProtobufCMessageDescriptor *desc, json_object *obj,
    char *err, size_t errlen)
{
	struct pbjson_ctx c = {.err = err, .errlen = errlen};
	ProtobufCMessage *m = NULL;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (desc == NULL) {
		pbjson_fail(&c, "no message type");
		goto out;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		pbjson_fail(&c, "expected a JSON object for %s, got %s",
		    desc->name, pbjson_type_name(obj));
		goto out;
	}
	m = calloc(1, desc->sizeof_message);
	if (m == NULL) {
		pbjson_nomem(&c);
		goto out;
	}
	desc->message_init(m);
	if (pbjson_fill(m, obj, &c, 0) != 0) {
		protobuf_c_message_free_unpacked(m, NULL);
		m = NULL;
	}
out:
	return m;
}
