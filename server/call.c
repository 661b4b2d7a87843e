#include "call.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc.h"
#include "status.h"

int
call_fail(struct call *c, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->message, sizeof(c->message), fmt, ap);
	va_end(ap);
	c->status = status;
	return status;
}

void
call_target(struct call *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->target, sizeof(c->target), fmt, ap);
	va_end(ap);
}

int
call_pack_output(struct call *c)
{
	size_t len;

	if (c->output == NULL)
		return STATUS_OK;
	len = protobuf_c_message_get_packed_size(c->output);
	/* The client would drop a larger reply unread and retry it until
	 * its deadline: say so instead. */
	if (len > RPC_MAX_MESSAGE) {
		protobuf_c_message_free_unpacked(c->output, NULL);
		c->output = NULL;
		return call_fail(c, STATUS_RESOURCE_EXHAUSTED,
		    "the reply would be %zu bytes, over the %zu-byte limit: "
		    "ask for less (a smaller page, a narrower filter)",
		    len, RPC_MAX_MESSAGE);
	}
	free(c->payload);
	c->payload = malloc(len ? len : 1);
	if (c->payload == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	protobuf_c_message_pack(c->output, c->payload);
	c->payload_len = len;
	protobuf_c_message_free_unpacked(c->output, NULL);
	c->output = NULL;
	return STATUS_OK;
}

int64_t
call_wall_ms(void)
{
	return rpc_wall_ms();
}

void
call_clear_outcome(struct call *c)
{
	if (c->output != NULL)
		protobuf_c_message_free_unpacked(c->output, NULL);
	c->output = NULL;
	free(c->payload);
	c->payload = NULL;
	c->payload_len = 0;
	free(c->log_payload);
	c->log_payload = NULL;
	c->log_payload_len = 0;
	c->status = STATUS_OK;
	c->message[0] = '\0';
	c->replayed = 0;
	violations_init(&c->violations);
}

void
call_reset(struct call *c)
{
	if (c->req != NULL)
		hoptac__v1__request__free_unpacked(c->req, NULL);
	if (c->input != NULL)
		protobuf_c_message_free_unpacked(c->input, NULL);
	c->req = NULL;
	c->input = NULL;
	call_clear_outcome(c);
	c->method = NULL;
	memset(&c->who, 0, sizeof(c->who));
	c->target[0] = '\0';
	c->audited = 0;
	c->audit_only = 0;
}

int
call_expired(struct call *c)
{
	if (rpc_now_ms() < c->deadline_ms)
		return 0;
	call_fail(c, STATUS_DEADLINE_EXCEEDED,
	    "the deadline passed before the call could start");
	return 1;
}

/* INVALID_ARGUMENT, its message naming the first violation. */
int
handle_invalid(struct call *c)
{
	const struct violations *v = &c->violations;
	size_t more = v->count + v->dropped - 1;

	if (v->count == 0)
		return call_fail(c, STATUS_INVALID_ARGUMENT, "invalid request");
	if (more == 0)
		return call_fail(c, STATUS_INVALID_ARGUMENT, "%s %s",
		    v->items[0].field, v->items[0].description);
	return call_fail(c, STATUS_INVALID_ARGUMENT, "%s %s (and %zu more)",
	    v->items[0].field, v->items[0].description, more);
}
