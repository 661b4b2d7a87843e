#include "status.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <unistr.h>

static const char *const status_names[STATUS_COUNT] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

const char *
status_name(int code)
{
	if (code < 0 || code >= STATUS_COUNT)
		return "UNKNOWN";
	return status_names[code];
}

void
violations_init(struct violations *v)
{
	/* Only the counts: items past count are never read, and clearing
	 * the 9 KB of them cost every call more than its checks. */
	v->count = 0;
	v->dropped = 0;
}

/* Cuts a truncated buffer back to whole UTF-8 characters, so that
 * descriptions stay valid text whatever was quoted in them. */
static void
violations_trim_utf8(char *buf)
{
	uint8_t *bad = (uint8_t *)u8_check((const uint8_t *)buf, strlen(buf));

	if (bad != NULL)
		*bad = '\0';
}

void
violations_add(struct violations *v, const char *prefix, const char *name,
    const char *fmt, ...)
{
	struct violation *item;
	bool has_prefix = prefix != NULL && prefix[0] != '\0';
	bool has_name = name != NULL && name[0] != '\0';
	va_list ap;

	if (v == NULL)
		return;
	if (v->count >= STATUS_MAX_VIOLATIONS) {
		v->dropped++;
		return;
	}
	item = &v->items[v->count++];
	snprintf(item->field, sizeof(item->field), "%s%s%s",
	    has_prefix ? prefix : "", has_prefix && has_name ? "." : "",
	    has_name ? name : "");
	violations_trim_utf8(item->field);
	va_start(ap, fmt);
	vsnprintf(item->description, sizeof(item->description), fmt, ap);
	va_end(ap);
	violations_trim_utf8(item->description);
}
