/* The canonical status codes of gRPC, with the same numbers and names. */
#ifndef HOPTAC_STATUS_H
#define HOPTAC_STATUS_H

#include <stddef.h>

enum status_code {
	STATUS_OK = 0,
	STATUS_CANCELLED = 1,
	STATUS_UNKNOWN = 2,
	STATUS_INVALID_ARGUMENT = 3,
	STATUS_DEADLINE_EXCEEDED = 4,
	STATUS_NOT_FOUND = 5,
	STATUS_ALREADY_EXISTS = 6,
	STATUS_PERMISSION_DENIED = 7,
	STATUS_RESOURCE_EXHAUSTED = 8,
	STATUS_FAILED_PRECONDITION = 9,
	STATUS_ABORTED = 10,
	STATUS_OUT_OF_RANGE = 11,
	STATUS_UNIMPLEMENTED = 12,
	STATUS_INTERNAL = 13,
	STATUS_UNAVAILABLE = 14,
	STATUS_DATA_LOSS = 15,
	STATUS_UNAUTHENTICATED = 16,
};

#define STATUS_COUNT 17

/* The upper-case name of a code ("INVALID_ARGUMENT"); "UNKNOWN" if out of
 * range. */
const char *status_name(int code);

/* What was wrong with a request, field by field, as google.rpc.BadRequest
 * carries it: the client's pre-checks and the server's checks fill it and
 * the reply carries it. At most STATUS_MAX_VIOLATIONS are kept. */
#define STATUS_MAX_VIOLATIONS 32

struct violation {
	char field[96]; /* "activities[3].start_date" */
	char description[192];
};

struct violations {
	size_t count;   /* kept, up to the max */
	size_t dropped; /* beyond the max */
	struct violation items[STATUS_MAX_VIOLATIONS];
};

/* Empties v. */
void violations_init(struct violations *v);

/* Adds one violation; field is prefix + "." + name when prefix is set
 * (prefix "activities[3]", name "title"), or name alone. */
void violations_add(struct violations *v, const char *prefix, const char *name,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
