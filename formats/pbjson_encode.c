/*
 * Messages to JSON: pbjson_from_message.
 */
#include "pbjson_int.h"

#include <math.h>
#include <stdlib.h>

static json_object *pbjson_encode_message(
    const ProtobufCMessage *m, int emit_defaults, int depth);

static json_object *
pbjson_encode_double(double d)
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
pbjson_encode_value(const ProtobufCFieldDescriptor *fd, const void *p,
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
		*out = pbjson_encode_double(*(const float *)p);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		*out = pbjson_encode_double(*(const double *)p);
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
		*out = pbjson_encode_message(
		    *(ProtobufCMessage *const *)p, emit_defaults, depth + 1);
		break;
	}
	return *out != NULL ? 0 : -1;
}

static int
pbjson_encode_is_zero(const ProtobufCFieldDescriptor *fd, const void *p)
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
pbjson_encode_present(const ProtobufCMessage *m,
    const ProtobufCFieldDescriptor *fd, int emit_defaults)
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
		return emit_defaults || !pbjson_encode_is_zero(fd, p);
	case PROTOBUF_C_LABEL_REPEATED:
		break;
	}
	return 0;
}

static int
pbjson_encode_field(const ProtobufCMessage *m,
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

			if (pbjson_encode_value(fd, arr + i * size,
			        emit_defaults, depth, &e) != 0 ||
			    json_object_array_add(v, e) != 0) {
				json_object_put(e);
				json_object_put(v);
				return -1;
			}
		}
	} else {
		if (!pbjson_encode_present(m, fd, emit_defaults))
			return 0;
		if (pbjson_encode_value(fd, PBJSON_CMEMBER(m, fd->offset),
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
pbjson_encode_message(const ProtobufCMessage *m, int emit_defaults, int depth)
{
	const ProtobufCMessageDescriptor *desc = m->descriptor;
	json_object *obj;

	if (depth > PBJSON_MAX_DEPTH)
		return NULL;
	obj = json_object_new_object();
	if (obj == NULL)
		return NULL;
	for (unsigned i = 0; i < desc->n_fields; i++) {
		if (pbjson_encode_field(
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
	return pbjson_encode_message(m, emit_defaults, 0);
}
