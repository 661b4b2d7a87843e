/*
 * Every method's request message, as hoptacd takes it once the envelope
 * is through: the payload's strings checked on the wire, the payload
 * unpacked as the method's input, then the method's own check (the
 * validation and normalization that runs on arrival). The first byte
 * picks the method from the server's table, so a method added to the
 * table is fuzzed with no change here; the rest is the payload.
 *
 * The check runs on a struct call set up the way dispatch_start leaves
 * it when it calls check: method, envelope, input, times and an empty
 * outcome. There is no server (c->srv is NULL): the checks validate the
 * message alone (validate.c, the gazetteer, dates) and never reach the
 * server or the store; a check that one day needs them will crash here
 * at once, and this harness then has to give it one. Calling the table's
 * check, rather than the validate.c function behind it, fuzzes exactly
 * what runs in the server, including the checks written in the handler
 * files (page sizes, group_by, revisions).
 *
 * After the check the message is packed again, as the handlers and the
 * store do with it: normalization must leave a message protobuf-c can
 * walk (counts matching arrays, heap strings).
 */
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "fuzz.h"
#include "rpc.h"

/* Runs m's check on input, which it may change in place. */
static void
fuzz_messages_check(const struct method *m, ProtobufCMessage *input)
{
	Hoptac__V1__Request env = HOPTAC__V1__REQUEST__INIT;
	struct call c;

	memset(&c, 0, sizeof(c));
	env.method = (char *)m->info->path;
	env.request_id = "fuzz-00000000-0000-4000-8000-000000000001";
	env.timeout_ms = RPC_TIMEOUT_DEFAULT_MS;
	c.method = m;
	c.req = &env;
	c.input = input;
	c.received_ms = rpc_now_ms();
	c.deadline_ms = c.received_ms + RPC_TIMEOUT_DEFAULT_MS;
	violations_init(&c.violations);
	(void)m->check(&c);
}

static void
fuzz_messages_repack(const ProtobufCMessage *input)
{
	size_t len = protobuf_c_message_get_packed_size(input);
	uint8_t *buf = malloc(len != 0 ? len : 1);

	if (buf == NULL)
		return;
	if (protobuf_c_message_pack(input, buf) != len)
		abort();
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const struct method *m;
	ProtobufCMessage *input;

	if (!ready) {
		if (dispatch_init() != 0)
			abort();
		ready = 1;
	}
	if (size == 0 || dispatch_count() == 0)
		return 0;
	m = dispatch_at(data[0] % dispatch_count());
	data++;
	size--;
	if ((input = fuzz_request_unpack(m, data, size)) == NULL)
		return 0;
	if (m->check != NULL)
		fuzz_messages_check(m, input);
	fuzz_messages_repack(input);
	protobuf_c_message_free_unpacked(input, NULL);
	return 0;
}
