/*
 * JSON to messages: pbjson_to_message, with the checks that name the
 * field at fault.
 */
#include "pbjson_int.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pbjson_ctx {
	char *err;
	size_t errlen;
	char path[256]; /* "activities[2].people" */
	size_t pathlen;
};

static int pbjson_decode_fill(
    ProtobufCMessage *m, json_object *obj, struct pbjson_ctx *c, int depth);

static int pbjson_decode_fail(struct pbjson_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records the error at the current path. Always returns -1. */
static int
pbjson_decode_fail(struct pbjson_ctx *c, const char *fmt, ...)
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
pbjson_decode_nomem(struct pbjson_ctx *c)
{
	return pbjson_decode_fail(c, "out of memory");
}

/* Appends to the path; returns the length to restore it to. */
static size_t pbjson_decode_push(struct pbjson_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static size_t
pbjson_decode_push(struct pbjson_ctx *c, const char *fmt, ...)
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
pbjson_decode_pop(struct pbjson_ctx *c, size_t len)
{
	c->pathlen = len;
	c->path[len] = '\0';
}

static const char *
pbjson_decode_type_name(json_object *v)
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
pbjson_decode_integer(json_object *v, int allow_string, int *neg, uint64_t *mag,
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
			return pbjson_decode_fail(
			    c, "expected an integer, got %g", d);
		if (fabs(d) >= 18446744073709551616.0)
			return pbjson_decode_fail(c, "%g is out of range", d);
		*neg = d < 0;
		*mag = (uint64_t)fabs(d);
		return 0;
	case json_type_string:
		if (!allow_string)
			break;
		s = json_object_get_string(v);
		digits = s[0] == '-' ? s + 1 : s;
		if (*digits < '0' || *digits > '9')
			return pbjson_decode_fail(
			    c, "expected an integer, got \"%.40s\"", s);
		errno = 0;
		*mag = strtoull(digits, &end, 10);
		if (*end != '\0')
			return pbjson_decode_fail(
			    c, "expected an integer, got \"%.40s\"", s);
		if (errno == ERANGE)
			return pbjson_decode_fail(
			    c, "%.40s is out of range", s);
		*neg = s[0] == '-' && *mag != 0;
		return 0;
	default:
		break;
	}
	return pbjson_decode_fail(
	    c, "expected an integer, got %s", pbjson_decode_type_name(v));
}

/* Checks that an integer fits [min, max] and gives it as int64 or uint64. */
static int
pbjson_decode_int_in_range(json_object *v, int allow_string, int64_t min,
    uint64_t max, const char *type, int64_t *sv, uint64_t *uv,
    struct pbjson_ctx *c)
{
	uint64_t mag = 0;
	int neg = 0;

	if (pbjson_decode_integer(v, allow_string, &neg, &mag, c) != 0)
		return -1;
	if (neg ? mag > (uint64_t)0 - (uint64_t)min : mag > max)
		return pbjson_decode_fail(c,
		    "%s%" PRIu64 " is out of range for %s", neg ? "-" : "", mag,
		    type);
	*uv = mag;
	*sv = neg ? (int64_t)((uint64_t)0 - mag) : (int64_t)mag;
	return 0;
}

static int
pbjson_decode_float(
    json_object *v, int is_float, double *out, struct pbjson_ctx *c)
{
	const char *s;

	switch (json_object_get_type(v)) {
	case json_type_int:
	case json_type_double:
		*out = json_object_get_double(v);
		if (is_float && isfinite(*out) && fabs(*out) > FLT_MAX)
			return pbjson_decode_fail(
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
	return pbjson_decode_fail(
	    c, "expected a number, got %s", pbjson_decode_type_name(v));
}

/* Reads v into the value at dst. On success dst owns what was allocated;
 * on failure dst is left as it was. */
static int
pbjson_decode_value(const ProtobufCFieldDescriptor *fd, json_object *v,
    void *dst, int repeated, struct pbjson_ctx *c, int depth)
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
		if (pbjson_decode_int_in_range(
		        v, 0, INT32_MIN, INT32_MAX, "int32", &sv, &uv, c) != 0)
			return -1;
		*(int32_t *)dst = (int32_t)sv;
		return 0;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		if (pbjson_decode_int_in_range(
		        v, 0, 0, UINT32_MAX, "uint32", &sv, &uv, c) != 0)
			return -1;
		*(uint32_t *)dst = (uint32_t)uv;
		return 0;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		/* 64-bit values may come quoted: not every JSON reader keeps
		 * them exact as numbers. */
		if (pbjson_decode_int_in_range(
		        v, 1, INT64_MIN, INT64_MAX, "int64", &sv, &uv, c) != 0)
			return -1;
		*(int64_t *)dst = sv;
		return 0;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if (pbjson_decode_int_in_range(
		        v, 1, 0, UINT64_MAX, "uint64", &sv, &uv, c) != 0)
			return -1;
		*(uint64_t *)dst = uv;
		return 0;
	case PROTOBUF_C_TYPE_FLOAT:
		if (pbjson_decode_float(v, 1, &d, c) != 0)
			return -1;
		*(float *)dst = (float)d;
		return 0;
	case PROTOBUF_C_TYPE_DOUBLE:
		if (pbjson_decode_float(v, 0, &d, c) != 0)
			return -1;
		*(double *)dst = d;
		return 0;
	case PROTOBUF_C_TYPE_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return pbjson_decode_fail(c,
			    "expected true or false, got %s",
			    pbjson_decode_type_name(v));
		*(protobuf_c_boolean *)dst = json_object_get_boolean(v) ? 1 : 0;
		return 0;
	case PROTOBUF_C_TYPE_ENUM:
		ed = fd->descriptor;
		if (json_object_is_type(v, json_type_string)) {
			s = json_object_get_string(v);
			ev =
			    protobuf_c_enum_descriptor_get_value_by_name(ed, s);
			if (ev == NULL)
				return pbjson_decode_fail(c,
				    "unknown value \"%.60s\" for %s", s,
				    ed->name);
		} else if (json_object_is_type(v, json_type_int)) {
			if (pbjson_decode_int_in_range(v, 0, INT32_MIN,
			        INT32_MAX, "an enum", &sv, &uv, c) != 0)
				return -1;
			ev = protobuf_c_enum_descriptor_get_value(ed, (int)sv);
			if (ev == NULL)
				return pbjson_decode_fail(c,
				    "unknown value %d for %s", (int)sv,
				    ed->name);
		} else {
			return pbjson_decode_fail(c,
			    "expected an enum name or number, got %s",
			    pbjson_decode_type_name(v));
		}
		*(int *)dst = ev->value;
		return 0;
	case PROTOBUF_C_TYPE_STRING:
		if (!json_object_is_type(v, json_type_string))
			return pbjson_decode_fail(c,
			    "expected a string, got %s",
			    pbjson_decode_type_name(v));
		s = json_object_get_string(v);
		len = (size_t)json_object_get_string_len(v);
		if (strlen(s) != len)
			return pbjson_decode_fail(
			    c, "a string may not contain NUL");
		/* An empty proto3 string stays the shared empty string, as
		 * pbstr.h keeps it. */
		if (len == 0 && !repeated && fd->label == PROTOBUF_C_LABEL_NONE)
			return 0;
		copy = strdup(s);
		if (copy == NULL)
			return pbjson_decode_nomem(c);
		*(char **)dst = copy;
		return 0;
	case PROTOBUF_C_TYPE_BYTES:
		if (!json_object_is_type(v, json_type_string))
			return pbjson_decode_fail(c,
			    "expected a base64 string, got %s",
			    pbjson_decode_type_name(v));
		s = json_object_get_string(v);
		rc = pbjson_base64_decode(
		    s, (size_t)json_object_get_string_len(v), &bytes, &len);
		if (rc == -2)
			return pbjson_decode_nomem(c);
		if (rc != 0)
			return pbjson_decode_fail(c, "not valid base64");
		((ProtobufCBinaryData *)dst)->data = bytes;
		((ProtobufCBinaryData *)dst)->len = len;
		return 0;
	case PROTOBUF_C_TYPE_MESSAGE:
		md = fd->descriptor;
		if (!json_object_is_type(v, json_type_object))
			return pbjson_decode_fail(c,
			    "expected an object, got %s",
			    pbjson_decode_type_name(v));
		if (depth + 1 > PBJSON_MAX_DEPTH)
			return pbjson_decode_fail(c,
			    "nested deeper than %d levels", PBJSON_MAX_DEPTH);
		sub = calloc(1, md->sizeof_message);
		if (sub == NULL)
			return pbjson_decode_nomem(c);
		md->message_init(sub);
		if (pbjson_decode_fill(sub, v, c, depth + 1) != 0) {
			protobuf_c_message_free_unpacked(sub, NULL);
			return -1;
		}
		*(ProtobufCMessage **)dst = sub;
		return 0;
	}
	return pbjson_decode_fail(
	    c, "field type %d is not supported", (int)fd->type);
}

/* Fills a repeated field element by element; the count grows with each
 * element read, so that freeing the message on an error frees exactly
 * what was read. */
static int
pbjson_decode_repeated(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
    json_object *v, struct pbjson_ctx *c, int depth)
{
	size_t *n = PBJSON_MEMBER(m, fd->quantifier_offset);
	void **arr = PBJSON_MEMBER(m, fd->offset);
	size_t size = pbjson_elem_size(fd->type), count;

	if (!json_object_is_type(v, json_type_array))
		return pbjson_decode_fail(
		    c, "expected an array, got %s", pbjson_decode_type_name(v));
	count = json_object_array_length(v);
	if (count == 0)
		return 0;
	*arr = calloc(count, size);
	if (*arr == NULL)
		return pbjson_decode_nomem(c);
	*n = 0;
	for (size_t i = 0; i < count; i++) {
		json_object *e = json_object_array_get_idx(v, i);
		size_t mark = pbjson_decode_push(c, "[%zu]", i);

		if (e == NULL)
			return pbjson_decode_fail(
			    c, "null is not allowed in a list");
		if (pbjson_decode_value(
		        fd, e, (char *)*arr + i * size, 1, c, depth) != 0)
			return -1;
		(*n)++;
		pbjson_decode_pop(c, mark);
	}
	return 0;
}

static int
pbjson_decode_field(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
    json_object *v, struct pbjson_ctx *c, int depth)
{
	uint32_t *oneof_case = NULL;

	if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		oneof_case = PBJSON_MEMBER(m, fd->quantifier_offset);
		if (*oneof_case != 0 && *oneof_case != fd->id)
			return pbjson_decode_fail(c,
			    "another field of the same oneof is already set");
	}
	if (fd->label == PROTOBUF_C_LABEL_REPEATED)
		return pbjson_decode_repeated(m, fd, v, c, depth);
	if (pbjson_decode_value(
	        fd, v, PBJSON_MEMBER(m, fd->offset), 0, c, depth) != 0)
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
pbjson_decode_fill(
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

		mark = pbjson_decode_push(
		    c, "%s%s", c->pathlen > 0 ? "." : "", key);
		fd = protobuf_c_message_descriptor_get_field_by_name(desc, key);
		if (fd == NULL)
			return pbjson_decode_fail(c, "unknown field");
		/* null stands for the default, as proto3 JSON has it. */
		if (v != NULL && pbjson_decode_field(m, fd, v, c, depth) != 0)
			return -1;
		pbjson_decode_pop(c, mark);
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
		pbjson_decode_fail(&c, "no message type");
		goto out;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		pbjson_decode_fail(&c, "expected a JSON object for %s, got %s",
		    desc->name, pbjson_decode_type_name(obj));
		goto out;
	}
	m = calloc(1, desc->sizeof_message);
	if (m == NULL) {
		pbjson_decode_nomem(&c);
		goto out;
	}
	desc->message_init(m);
	if (pbjson_decode_fill(m, obj, &c, 0) != 0) {
		protobuf_c_message_free_unpacked(m, NULL);
		m = NULL;
	}
out:
	return m;
}
