/*
 * What the method targets share: a request's payload taken as the server
 * takes it once the envelope is through.
 */
#include "dispatch.h"
#include "fuzz.h"
#include "pbcheck.h"

ProtobufCMessage *
fuzz_request_unpack(const struct method *m, const uint8_t *data, size_t size)
{
	char where[160], why[96];

	if (pbcheck_message(m->desc->input, data, size, where, sizeof(where),
	        why, sizeof(why)) != 0)
		return NULL;
	return protobuf_c_message_unpack(m->desc->input, NULL, size, data);
}
