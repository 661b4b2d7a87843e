#include "pbcheck.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

struct pbcheck_ctx {
	char *where;
	size_t wherelen;
	char *why;
	size_t whylen;
};

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

static const ProtobufCFieldDescriptor *
pbcheck_field(const ProtobufCMessageDescriptor *desc, uint32_t id)
{
	for (unsigned i = 0; i < desc->n_fields; i++)
		if (desc->fields[i].id == id)
			return &desc->fields[i];
	return NULL;
}

/* Where the walk is: the nth occurrence of field f of the message that
 * up's field holds (up NULL and f NULL at the top). Written out as a
 * path only for a string found bad, which is rare. */
struct pbcheck_frame {
	const struct pbcheck_frame *up;
	const ProtobufCFieldDescriptor *f;
	uint32_t nth;
};

/* Writes the path of fr into out, "activities[3].title", cut to len;
 * returns its length, more than len - 1 when it was cut. */
static size_t
pbcheck_path(char *out, size_t len, const struct pbcheck_frame *fr)
{
	size_t used = 0;
	int n;

	if (fr == NULL || fr->f == NULL)
		return 0;
	used = pbcheck_path(out, len, fr->up);
	if (used >= len)
		return used;
	if (fr->f->label == PROTOBUF_C_LABEL_REPEATED)
		n = snprintf(out + used, len - used, "%s%s[%u]",
		    used > 0 ? "." : "", fr->f->name, fr->nth);
	else
		n = snprintf(out + used, len - used, "%s%s",
		    used > 0 ? "." : "", fr->f->name);
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

static int
pbcheck_walk(const ProtobufCMessageDescriptor *desc, const uint8_t *p,
    size_t len, const struct pbcheck_frame *up, int depth,
    struct pbcheck_ctx *cx)
{
	/* occurrences so far of each field, for the index in the path */
	uint32_t seen[64] = {0};
	struct pbcheck_frame here = {up, NULL, 0};

	if (depth > PBCHECK_MAX_DEPTH) {
		pbcheck_where(cx, up);
		snprintf(cx->why, cx->whylen, "messages nested too deeply");
		return -1;
	}
	while (len > 0) {
		uint64_t tag, v;
		size_t n = pbcheck_varint(p, len, &tag);

		if (n == 0)
			return 0; /* malformed: protobuf-c will refuse it */
		p += n;
		len -= n;
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
		case 2: {
			uint32_t id = (uint32_t)(tag >> 3);
			size_t hdr = pbcheck_varint(p, len, &v);

			if (hdr == 0 || v > len - hdr)
				return 0;
			n = hdr + (size_t)v;
			const ProtobufCFieldDescriptor *f =
			    pbcheck_field(desc, id);

			if (f == NULL ||
			    (f->type != PROTOBUF_C_TYPE_STRING &&
			        f->type != PROTOBUF_C_TYPE_MESSAGE))
				break;
			size_t fi = (size_t)(f - desc->fields);

			here.f = f;
			here.nth = fi < 64 ? seen[fi]++ : 0;
			if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
				if (pbcheck_walk(f->descriptor, p + hdr,
				        (size_t)v, &here, depth + 1, cx) != 0)
					return -1;
				break;
			}
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
			break;
		}
		default:
			return 0; /* groups or garbage: protobuf-c refuses */
		}
		if (n > len)
			return 0;
		p += n;
		len -= n;
	}
	return 0;
bad:
	pbcheck_where(cx, &here);
	return -1;
}

int
pbcheck_strings(const ProtobufCMessageDescriptor *desc, const uint8_t *data,
    size_t len, char *where, size_t wherelen, char *why, size_t whylen)
{
	struct pbcheck_ctx cx = {where, wherelen, why, whylen};

	return pbcheck_walk(desc, data, len, NULL, 0, &cx);
}
