#include "pbcheck.h"

#include <stdio.h>
#include <string.h>

#include "hoptac/v1/rpc.pb-c.h"
#include "rpc.h"
#include "text.h"

/* The fields whose bound is not PBCHECK_FIELD_MAX (docs/protocol.md,
 * "Limits"). */
static const struct pbcheck_bound {
	const ProtobufCMessageDescriptor *desc;
	uint32_t id;
	uint32_t max;
} pbcheck_bounds[] = {
    {&hoptac__v1__request__descriptor, 4 /* metadata */, RPC_METADATA_MAX},
};

/* Fields counted one by one, by their index in the descriptor; any after
 * these (no message of hoptac has that many) share one count. */
#define PBCHECK_FIELDS 64

struct pbcheck_ctx {
	char *where;
	size_t wherelen;
	char *why;
	size_t whylen;
	size_t total; /* elements so far in the whole message */
};

uint32_t
pbcheck_field_bound(const ProtobufCMessageDescriptor *desc, uint32_t id)
{
	for (size_t i = 0;
	     i < sizeof(pbcheck_bounds) / sizeof(pbcheck_bounds[0]); i++)
		if (pbcheck_bounds[i].desc == desc &&
		    pbcheck_bounds[i].id == id)
			return pbcheck_bounds[i].max;
	return PBCHECK_FIELD_MAX;
}

/* Reads a varint; returns bytes used or 0 when truncated or too long. */
static size_t
pbcheck_varint(const uint8_t *p, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	for (size_t i = 0; i < len && i < 10; i++) {
		v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if ((p[i] & 0x80) == 0) {
			*out = v;
			return i + 1;
		}
	}
	return 0;
}

/* The field of desc with this id, or NULL. Encoders write fields in
 * order and the elements of a repeated field one after the other, so
 * the field after the last one found (*next), or that one again, is
 * tried before a search. */
static const ProtobufCFieldDescriptor *
pbcheck_field(
    const ProtobufCMessageDescriptor *desc, uint32_t id, unsigned *next)
{
	unsigned i = *next;

	if (i < desc->n_fields && desc->fields[i].id == id) {
		*next = i + 1;
		return &desc->fields[i];
	}
	if (i > 0 && i <= desc->n_fields && desc->fields[i - 1].id == id)
		return &desc->fields[i - 1];
	for (i = 0; i < desc->n_fields; i++)
		if (desc->fields[i].id == id) {
			*next = i + 1;
			return &desc->fields[i];
		}
	return NULL;
}

/* How many values a packed repeated field of type holds in len bytes,
 * counted as protobuf-c counts them. */
static size_t
pbcheck_packed(ProtobufCType type, const uint8_t *p, size_t len)
{
	size_t n = 0;

	switch (type) {
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
		return len / 4;
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return len / 8;
	case PROTOBUF_C_TYPE_BOOL:
		return len;
	default: /* varints: one ends at each byte without the high bit */
		for (size_t i = 0; i < len; i++)
			n += (p[i] & 0x80) == 0;
		return n;
	}
}

/* Where the walk is: the nth occurrence of the field called name in the
 * message that up's field holds (up NULL and name NULL at the top);
 * indexed when the path shows nth ("activities[3]"). Written out as a
 * path only for a message refused, which is rare. */
struct pbcheck_frame {
	const struct pbcheck_frame *up;
	const char *name;
	int indexed;
	uint32_t nth;
};

/* Writes the path of fr into out, "activities[3].title", cut to len;
 * returns its length, more than len - 1 when it was cut. */
static size_t
pbcheck_path(char *out, size_t len, const struct pbcheck_frame *fr)
{
	size_t used = 0;
	int n;

	if (fr == NULL || fr->name == NULL)
		return 0;
	used = pbcheck_path(out, len, fr->up);
	if (used >= len)
		return used;
	if (fr->indexed)
		n = snprintf(out + used, len - used, "%s%s[%u]",
		    used > 0 ? "." : "", fr->name, fr->nth);
	else
		n = snprintf(out + used, len - used, "%s%s",
		    used > 0 ? "." : "", fr->name);
	return n < 0 ? used : used + (size_t)n;
}

static void
pbcheck_where(struct pbcheck_ctx *cx, const struct pbcheck_frame *fr)
{
	if (cx->wherelen == 0)
		return;
	cx->where[0] = '\0';
	pbcheck_path(cx->where, cx->wherelen, fr);
}

/* Counts elements more of field f (NULL: an unknown field) whose count
 * so far in this message is *count, against its bound and the total.
 * Returns 0, or -1 with where and why set. */
static int
pbcheck_count(const ProtobufCMessageDescriptor *desc,
    const ProtobufCFieldDescriptor *f, uint32_t *count, size_t elements,
    const struct pbcheck_frame *up, struct pbcheck_ctx *cx)
{
	uint32_t max =
	    f != NULL ? pbcheck_field_bound(desc, f->id) : PBCHECK_FIELD_MAX;
	struct pbcheck_frame fr = {up, NULL, 0, *count};

	if (elements > max - *count) {
		if (f == NULL) {
			fr.name = "(unknown fields)";
			snprintf(cx->why, cx->whylen,
			    "appear more than %u times", max);
		} else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			fr.name = f->name;
			snprintf(cx->why, cx->whylen,
			    "has more than %u elements", max);
		} else {
			fr.name = f->name;
			snprintf(cx->why, cx->whylen,
			    "appears more than %u times", max);
		}
		pbcheck_where(cx, &fr);
		return -1;
	}
	*count += (uint32_t)elements;
	cx->total += elements;
	if (cx->total > PBCHECK_TOTAL_MAX) {
		fr.name = f != NULL ? f->name : "(unknown fields)";
		fr.indexed = f != NULL && f->label == PROTOBUF_C_LABEL_REPEATED;
		pbcheck_where(cx, &fr);
		snprintf(cx->why, cx->whylen,
		    "takes the message over %u elements in all",
		    (unsigned)PBCHECK_TOTAL_MAX);
		return -1;
	}
	return 0;
}

static int
pbcheck_walk(const ProtobufCMessageDescriptor *desc, const uint8_t *p,
    size_t len, const struct pbcheck_frame *up, int depth,
    struct pbcheck_ctx *cx)
{
	/* elements so far of each field, for the bounds and the path */
	uint32_t seen[PBCHECK_FIELDS + 1] = {0};
	uint32_t unknown = 0;
	unsigned next = 0;
	struct pbcheck_frame here = {up, NULL, 0, 0};

	if (depth > PBCHECK_MAX_DEPTH) {
		pbcheck_where(cx, up);
		snprintf(cx->why, cx->whylen, "messages nested too deeply");
		return -1;
	}
	/* Every stop on malformed bytes below is at bytes protobuf-c
	 * refuses too, so that it never unpacks what was not counted. */
	while (len > 0) {
		uint64_t tag, v = 0;
		size_t n = pbcheck_varint(p, len, &tag), hdr = 0;

		if (n == 0)
			return 0; /* malformed: protobuf-c will refuse it */
		p += n;
		len -= n;

		uint32_t id = (uint32_t)(tag >> 3);
		const ProtobufCFieldDescriptor *f =
		    pbcheck_field(desc, id, &next);

		switch (tag & 7) {
		case 0:
			if ((n = pbcheck_varint(p, len, &v)) == 0)
				return 0;
			break;
		case 1:
			n = 8;
			break;
		case 5:
			n = 4;
			break;
		case 2:
			hdr = pbcheck_varint(p, len, &v);
			if (hdr == 0 || v > len - hdr)
				return 0;
			n = hdr + (size_t)v;
			break;
		default:
			return 0; /* groups or garbage: protobuf-c refuses */
		}
		if (n > len)
			return 0;

		size_t elements = 1;
		size_t fi = f != NULL ? (size_t)(f - desc->fields) : 0;
		uint32_t *count = f == NULL ? &unknown
		    : fi < PBCHECK_FIELDS   ? &seen[fi]
		                            : &seen[PBCHECK_FIELDS];

		if (f != NULL && (tag & 7) == 2 &&
		    f->label == PROTOBUF_C_LABEL_REPEATED &&
		    f->type != PROTOBUF_C_TYPE_STRING &&
		    f->type != PROTOBUF_C_TYPE_BYTES &&
		    f->type != PROTOBUF_C_TYPE_MESSAGE)
			elements = pbcheck_packed(f->type, p + hdr, (size_t)v);
		here.name = f != NULL ? f->name : NULL;
		here.indexed =
		    f != NULL && f->label == PROTOBUF_C_LABEL_REPEATED;
		here.nth = *count;
		if (pbcheck_count(desc, f, count, elements, up, cx) != 0)
			return -1;

		if ((tag & 7) == 2 && f != NULL &&
		    f->type == PROTOBUF_C_TYPE_MESSAGE) {
			if (pbcheck_walk(f->descriptor, p + hdr, (size_t)v,
			        &here, depth + 1, cx) != 0)
				return -1;
		} else if ((tag & 7) == 2 && f != NULL &&
		    f->type == PROTOBUF_C_TYPE_STRING) {
			switch (text_check((const char *)p + hdr, (size_t)v)) {
			case TEXT_OK:
				break;
			case TEXT_HAS_NUL:
				snprintf(
				    cx->why, cx->whylen, "contains a NUL byte");
				goto bad;
			case TEXT_HAS_CONTROL:
				snprintf(cx->why, cx->whylen,
				    "contains a control character");
				goto bad;
			default:
				snprintf(
				    cx->why, cx->whylen, "is not valid UTF-8");
				goto bad;
			}
		}
		p += n;
		len -= n;
	}
	return 0;
bad:
	pbcheck_where(cx, &here);
	return -1;
}

int
pbcheck_message(const ProtobufCMessageDescriptor *desc, const uint8_t *data,
    size_t len, char *where, size_t wherelen, char *why, size_t whylen)
{
	struct pbcheck_ctx cx = {where, wherelen, why, whylen, 0};

	return pbcheck_walk(desc, data, len, NULL, 0, &cx);
}

int
pbcheck_split_last(const uint8_t *data, size_t len, uint32_t id, size_t *head,
    const uint8_t **value, size_t *valuelen)
{
	size_t at = 0, found = 0, vat = 0, vlen = 0;
	int seen = 0;

	while (at < len) {
		uint64_t tag, v;
		size_t start = at,
		       n = pbcheck_varint(data + at, len - at, &tag);

		if (n == 0)
			return -1;
		at += n;
		switch (tag & 7) {
		case 0:
			if ((n = pbcheck_varint(data + at, len - at, &v)) == 0)
				return -1;
			break;
		case 1:
			n = 8;
			break;
		case 5:
			n = 4;
			break;
		case 2: {
			size_t hdr = pbcheck_varint(data + at, len - at, &v);

			if (hdr == 0 || v > len - at - hdr)
				return -1;
			n = hdr + (size_t)v;
			if ((uint32_t)(tag >> 3) == id) {
				/* As protobuf-c reads them: a tag and a
				 * length of 5 bytes at most. */
				if (seen++ || at - start > 5 || hdr > 5 ||
				    v > INT32_MAX)
					return -1;
				found = start;
				vat = at + hdr;
				vlen = (size_t)v;
			}
			break;
		}
		default:
			return -1;
		}
		if (n > len - at)
			return -1;
		if ((uint32_t)(tag >> 3) == id && (tag & 7) != 2)
			return -1;
		at += n;
	}
	if (!seen || vat + vlen != len)
		return -1;
	*head = found;
	*value = data + vat;
	*valuelen = vlen;
	return 0;
}
