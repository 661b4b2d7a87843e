#include "client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>

#include "pbstr.h"
#include "rpc.h"

struct client {
	nng_socket sock;
	int connected;
	char *url;   /* owned */
	char *token; /* owned, NULL when none */
};

struct client *
client_open(const char *url, const char *token, char *err, size_t errlen)
{
	struct client *c = calloc(1, sizeof(*c));
	int rv;

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->url = strdup(url);
	c->token = token != NULL ? strdup(token) : NULL;
	if (c->url == NULL || (token != NULL && c->token == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((rv = nng_req0_open(&c->sock)) != 0) {
		snprintf(
		    err, errlen, "cannot open socket: %s", nng_strerror(rv));
		goto fail;
	}
	/* Our retries carry the request id; nng's own resend would only
	 * duplicate them, so push it past any deadline we grant. */
	nng_socket_set_ms(c->sock, NNG_OPT_REQ_RESENDTIME,
	    (nng_duration)(2 * (uint64_t)RPC_TIMEOUT_MAX_MS));
	nng_socket_set_size(c->sock, NNG_OPT_RECVMAXSZ, RPC_NNG_RECVMAXSZ);
	nng_socket_set_ms(c->sock, NNG_OPT_RECONNMINT, 50);
	nng_socket_set_ms(c->sock, NNG_OPT_RECONNMAXT, 1000);
	return c;
fail:
	free(c->url);
	free(c->token);
	free(c);
	return NULL;
}

void
client_close(struct client *c)
{
	if (c == NULL)
		return;
	nng_close(c->sock);
	free(c->url);
	free(c->token);
	free(c);
}

static void
client_set(struct client_status *st, int code, const char *message)
{
	st->code = code;
	snprintf(st->message, sizeof(st->message), "%s", message);
}

/* Builds the packed envelope; RESOURCE_EXHAUSTED when over the limit, so
 * the server never sees (and never drops the pipe over) a message that
 * is too big. */
static int
client_envelope(struct client *c, const char *method, const char *id,
    const uint8_t *payload, size_t len, uint32_t timeout_ms, nng_msg **out,
    struct client_status *st)
{
	Hoptac__V1__Request req = HOPTAC__V1__REQUEST__INIT;
	Hoptac__V1__MetadataEntry auth = HOPTAC__V1__METADATA_ENTRY__INIT;
	Hoptac__V1__MetadataEntry *md[1] = {&auth};
	int rv;

	req.method = (char *)method;
	req.request_id = (char *)id;
	req.timeout_ms = timeout_ms;
	req.payload.data = (uint8_t *)payload;
	req.payload.len = len;
	if (c->token != NULL) {
		auth.key = (char *)RPC_METADATA_AUTHORIZATION;
		auth.value = c->token;
		req.metadata = md;
		req.n_metadata = 1;
	}
	if (protobuf_c_message_get_packed_size(&req.base) > RPC_MAX_MESSAGE) {
		st->code = STATUS_RESOURCE_EXHAUSTED;
		snprintf(st->message, sizeof(st->message),
		    "request is larger than the %zu-byte message limit",
		    RPC_MAX_MESSAGE);
		return -1;
	}
	if ((rv = rpc_pack(&req.base, out)) != 0) {
		client_set(st, STATUS_INTERNAL, nng_strerror(rv));
		return -1;
	}
	return 0;
}

Hoptac__V1__Response *
client_decode_reply(
    const uint8_t *data, size_t len, const char *id, struct client_status *st)
{
	Hoptac__V1__Response *r = hoptac__v1__response__unpack(NULL, len, data);

	if (r == NULL) {
		client_set(st, STATUS_INTERNAL,
		    "the server's reply could not be decoded");
		return NULL;
	}
	if (strcmp(r->request_id, id) != 0 && r->request_id[0] != '\0') {
		client_set(
		    st, STATUS_INTERNAL, "the server answered another request");
		hoptac__v1__response__free_unpacked(r, NULL);
		return NULL;
	}
	st->code = r->status < 0 || r->status >= STATUS_COUNT ? STATUS_UNKNOWN
	                                                      : r->status;
	snprintf(st->message, sizeof(st->message), "%s", r->message);
	violations_init(&st->violations);
	for (size_t i = 0; i < r->n_violations; i++)
		violations_add(&st->violations, NULL, r->violations[i]->field,
		    "%s", r->violations[i]->description);
	return r;
}

/* One send and receive. Fills st; on OK leaves the reply payload in
 * *reply (caller unpacks and frees it). */
static void
client_attempt(struct client *c, nng_msg *msg, const char *id, int64_t deadline,
    Hoptac__V1__Response **reply, struct client_status *st)
{
	nng_msg *in = NULL;
	int64_t left = deadline - rpc_now_ms();
	int rv;

	*reply = NULL;
	if (left <= 0) {
		client_set(st, STATUS_DEADLINE_EXCEEDED, "deadline exceeded");
		nng_msg_free(msg);
		return;
	}
	if (!c->connected) {
		rv = nng_dial(c->sock, c->url, NULL, 0);
		if (rv != 0) {
			st->code = STATUS_UNAVAILABLE;
			snprintf(st->message, sizeof(st->message),
			    "cannot connect to %s: %s", c->url,
			    nng_strerror(rv));
			nng_msg_free(msg);
			return;
		}
		c->connected = 1;
	}
	nng_socket_set_ms(c->sock, NNG_OPT_SENDTIMEO, (nng_duration)left);
	nng_socket_set_ms(c->sock, NNG_OPT_RECVTIMEO, (nng_duration)left);
	if ((rv = nng_sendmsg(c->sock, msg, 0)) != 0) {
		nng_msg_free(msg);
		goto nng_fail;
	}
	st->attempts++;
	if ((rv = nng_recvmsg(c->sock, &in, 0)) != 0)
		goto nng_fail;
	*reply = client_decode_reply(nng_msg_body(in), nng_msg_len(in), id, st);
	nng_msg_free(in);
	return;
nng_fail:
	if (rv == NNG_ETIMEDOUT)
		client_set(st, STATUS_DEADLINE_EXCEEDED,
		    "no reply before the deadline");
	else
		client_set(st, STATUS_UNAVAILABLE, nng_strerror(rv));
}

/* Exponential back-off with full jitter, capped by what is left. */
static void
client_backoff(int attempt, int64_t deadline)
{
	int64_t base = 50LL << (attempt < 6 ? attempt : 6);
	int64_t wait = (int64_t)(nng_random() % (uint32_t)base) + 10;
	int64_t left = deadline - rpc_now_ms() - 10;

	if (wait > left)
		wait = left;
	if (wait > 0)
		nng_msleep((nng_duration)wait);
}

int
client_call_packed(struct client *c, const char *method, const uint8_t *payload,
    size_t len, const ProtobufCMessageDescriptor *resp_desc,
    ProtobufCMessage **resp, const struct client_options *opt,
    struct client_status *st)
{
	static const struct client_options defaults = {0, NULL, 0};
	char id[37];
	int64_t deadline;
	int max;

	if (opt == NULL)
		opt = &defaults;
	memset(st, 0, sizeof(*st));
	*resp = NULL;
	deadline = rpc_now_ms() +
	    (opt->timeout_ms != 0 ? opt->timeout_ms : RPC_TIMEOUT_DEFAULT_MS);
	max = opt->max_attempts > 0 ? opt->max_attempts : CLIENT_MAX_ATTEMPTS;
	if (opt->request_id != NULL)
		snprintf(id, sizeof(id), "%s", opt->request_id);
	else
		rpc_new_id(id);

	for (int attempt = 0; attempt < max; attempt++) {
		Hoptac__V1__Response *r = NULL;
		nng_msg *msg;
		int64_t left = deadline - rpc_now_ms();

		if (attempt > 0 && left <= 0)
			break;
		if (client_envelope(c, method, id, payload, len,
		        left > 0 ? (uint32_t)left : 1, &msg, st) != 0)
			break;
		client_attempt(c, msg, id, deadline, &r, st);
		if (r != NULL && st->code == STATUS_OK) {
			*resp = protobuf_c_message_unpack(
			    resp_desc, NULL, r->payload.len, r->payload.data);
			if (*resp == NULL)
				client_set(st, STATUS_INTERNAL,
				    "the reply payload could not be decoded");
		}
		if (r != NULL)
			hoptac__v1__response__free_unpacked(r, NULL);
		if (st->code != STATUS_UNAVAILABLE &&
		    st->code != STATUS_DEADLINE_EXCEEDED)
			break;
		if (attempt + 1 < max)
			client_backoff(attempt, deadline);
	}
	return st->code;
}

int
client_call(struct client *c, const char *method, const ProtobufCMessage *req,
    const ProtobufCMessageDescriptor *resp_desc, ProtobufCMessage **resp,
    const struct client_options *opt, struct client_status *st)
{
	size_t len = protobuf_c_message_get_packed_size(req);
	uint8_t *payload = malloc(len ? len : 1);
	int rc;

	if (payload == NULL) {
		memset(st, 0, sizeof(*st));
		*resp = NULL;
		client_set(st, STATUS_INTERNAL, "out of memory");
		return st->code;
	}
	protobuf_c_message_pack(req, payload);
	rc = client_call_packed(
	    c, method, payload, len, resp_desc, resp, opt, st);
	free(payload);
	return rc;
}
