/*
 * One call in the server, from the request's arrival to its reply, and
 * the table of methods that dispatch routes calls through.
 */
#ifndef HOPTAC_CALL_H
#define HOPTAC_CALL_H

#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "auth.h"
#include "hoptac/v1/rpc.pb-c.h"
#include "method.h"
#include "validate.h"

struct server;
struct store_conn;
struct call;

/* What hoptacd adds to a method of common/method.def: its handlers. */
struct method {
	const struct method_info *info; /* the facts: path, exec, roles */
	/* Validates and normalizes c->input on arrival; may be NULL.
	 * Returns a status and fills c->message / c->violations. */
	int (*check)(struct call *c);
	/* Runs the call; returns a status and sets c->output on OK. The
	 * store connection is NULL for METHOD_INLINE. */
	int (*run)(struct call *c, struct store_conn *db);
	/* For METHOD_WRITE, may be NULL: runs on the writer after the
	 * group's transaction ended, committed or not. */
	void (*after_commit)(struct call *c, struct store_conn *db);
	/* The proto's, filled by dispatch_init. */
	const ProtobufCMethodDescriptor *desc;
};

struct call {
	struct server *srv;
	const struct method *method; /* NULL until routed */
	Hoptac__V1__Request *req;    /* owned; unpacked envelope */
	ProtobufCMessage *input;     /* owned; unpacked payload */
	int64_t received_ms;         /* monotonic */
	int64_t deadline_ms;         /* monotonic */
	char peer[80];
	struct auth_principal who; /* the caller, once authenticated */
	char target[256];          /* the ids the call names, for the audit */

	/* The outcome. */
	int status;
	char message[512];
	struct violations violations;
	ProtobufCMessage *output; /* owned; packed into payload at the end */
	uint8_t *payload;         /* owned; malloc'd */
	size_t payload_len;
	int replayed; /* answered from the idempotency log */
	/* What the idempotency log keeps instead of payload, when the reply
	 * holds a secret to be shown once (owned; malloc'd). */
	uint8_t *log_payload;
	size_t log_payload_len;
	int audited;    /* its audit row is written */
	int audit_only; /* queued to the writer only for its audit row */

	/* Hands the finished call back to its listener slot. */
	void (*finish)(struct call *c);
	struct call *next; /* queue link, owned by the queue */
};

/* Sets the outcome's status and message; returns status. */
int call_fail(struct call *c, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets the ids the audit trail records for the call. */
void call_target(struct call *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* INVALID_ARGUMENT, its message naming the first violation. */
int handle_invalid(struct call *c);

/* Packs c->output into c->payload (freeing output). Returns a status. */
int call_pack_output(struct call *c);

/* Wall-clock milliseconds since the epoch, for record timestamps. */
int64_t call_wall_ms(void);

/* Forgets the outcome (status back to OK, message, violations, output,
 * payloads, replayed) and keeps the request, input and caller: for a
 * call that is to run again. */
void call_clear_outcome(struct call *c);

/* Frees what the call owns (request, input, output, payloads) and
 * clears what the last call left (method, caller, target, outcome, audit
 * state), so that its listener slot can start the next call in it; srv,
 * finish and next are the slot's and stay. */
void call_reset(struct call *c);

/* Whether the call's deadline passed while it waited in a queue; if so
 * it fails DEADLINE_EXCEEDED and is not to be started. */
int call_expired(struct call *c);

#endif
