/*
 * The envelope: what hoptacd does with the bytes of one nng message
 * before a handler sees them (dispatch_start: the strings and counts of
 * hoptac.v1.Request checked on the wire, then the envelope unpacked (also
 * without its payload, as dispatch_start does) and its limits checked, the
 * method found, the payload checked and unpacked as the method's input), and
 * what the client does with the bytes of a reply (rpc_client_decode_reply, then
 * the payload unpacked as the method's output). The same bytes go through both:
 * the fuzzer keeps whatever reaches new code on either side.
 */
#include <stdlib.h>
#include <string.h>

#include "rpc_client.h"
#include "dispatch.h"
#include "fuzz.h"
#include "pbcheck.h"
#include "rpc.h"

/* The id the client waits for; the seeds' replies carry it. */
#define FUZZ_REQUEST_ID "8f0c2a6e-3b1d-4c55-9e7a-2d4f6b8a0c11"

/* dispatch_start unpacks an envelope whose payload is its last field
 * without it, and the input from the bytes in place: that must be the
 * same as unpacking it whole (req, NULL when that failed). */
static void
fuzz_envelope_split(
    const uint8_t *data, size_t size, const Hoptac__V1__Request *req)
{
	const ProtobufCFieldDescriptor *pf =
	    protobuf_c_message_descriptor_get_field_by_name(
	        &hoptac__v1__request__descriptor, "payload");
	Hoptac__V1__Request *head_req;
	const uint8_t *payload;
	size_t head, len;

	if (pbcheck_split_last(data, size, pf->id, &head, &payload, &len) != 0)
		return;
	head_req = hoptac__v1__request__unpack(NULL, head, data);
	if ((head_req == NULL) != (req == NULL))
		abort();
	if (req == NULL)
		return;
	if (head_req->payload.len != 0 || req->payload.len != len ||
	    (len > 0 && memcmp(req->payload.data, payload, len) != 0) ||
	    strcmp(head_req->method, req->method) != 0 ||
	    head_req->n_metadata != req->n_metadata)
		abort();
	hoptac__v1__request__free_unpacked(head_req, NULL);
}

static void
fuzz_envelope_server(const uint8_t *data, size_t size)
{
	Hoptac__V1__Request *req;
	const struct method *m;
	ProtobufCMessage *input;
	char where[160], why[96];

	if (size > RPC_MAX_MESSAGE)
		return;
	if (pbcheck_message(&hoptac__v1__request__descriptor, data, size, where,
	        sizeof(where), why, sizeof(why)) != 0)
		return;
	req = hoptac__v1__request__unpack(NULL, size, data);
	fuzz_envelope_split(data, size, req);
	if (req == NULL)
		return;
	if (rpc_request_check(req, why, sizeof(why)) != 0 ||
	    req->method[0] == '\0')
		goto out;
	(void)rpc_metadata_get(req, RPC_METADATA_AUTHORIZATION);
	if ((m = dispatch_find(req->method)) == NULL)
		goto out;
	if (pbcheck_message(m->desc->input, req->payload.data, req->payload.len,
	        where, sizeof(where), why, sizeof(why)) != 0)
		goto out;
	input = protobuf_c_message_unpack(
	    m->desc->input, NULL, req->payload.len, req->payload.data);
	if (input != NULL)
		protobuf_c_message_free_unpacked(input, NULL);
out:
	hoptac__v1__request__free_unpacked(req, NULL);
}

static void
fuzz_envelope_client(const uint8_t *data, size_t size)
{
	struct rpc_client_status st = {0};
	Hoptac__V1__Response *r;

	r = rpc_client_decode_reply(data, size, FUZZ_REQUEST_ID, &st);
	if (r == NULL)
		return;
	/* The client knows which method it called; here any may have been,
	 * so the payload is tried as the output of each. */
	if (st.code == STATUS_OK) {
		for (size_t i = 0; i < dispatch_count(); i++) {
			ProtobufCMessage *out = protobuf_c_message_unpack(
			    dispatch_at(i)->desc->output, NULL, r->payload.len,
			    r->payload.data);

			if (out != NULL)
				protobuf_c_message_free_unpacked(out, NULL);
		}
	}
	hoptac__v1__response__free_unpacked(r, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;

	if (!ready) {
		if (dispatch_init() != 0)
			abort();
		ready = 1;
	}
	fuzz_envelope_server(data, size);
	fuzz_envelope_client(data, size);
	return 0;
}
