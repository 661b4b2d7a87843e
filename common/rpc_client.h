/*
 * The client side of the RPC layer: one connection to a server, unary
 * calls with a deadline, retries and an idempotency key.
 * A struct rpc_client is used by one thread at a time.
 */
#ifndef HOPTAC_RPC_CLIENT_H
#define HOPTAC_RPC_CLIENT_H

#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "hoptac/v1/rpc.pb-c.h"
#include "method.h"
#include "status.h"

#define RPC_CLIENT_MAX_ATTEMPTS 5

struct rpc_client;

struct rpc_client_options {
	uint32_t timeout_ms;    /* whole call, retries included; 0: default */
	const char *request_id; /* NULL: a new one, kept across retries */
	int max_attempts;       /* 0: RPC_CLIENT_MAX_ATTEMPTS */
};

/* What a call ended with. */
struct rpc_client_status {
	int code; /* enum status_code */
	char message[512];
	struct violations violations;
	int attempts; /* sends made */
	int answered; /* code and message are the server's, not the link's */
};

/* A client for url ("tcp://127.0.0.1:7420", "ipc:///run/hoptac.sock").
 * token, when not NULL, is sent as the authorization metadata. Nothing
 * is connected before the first call. NULL with a reason in err. */
struct rpc_client *rpc_client_open(
    const char *url, const char *token, char *err, size_t errlen);

/* How a client protects its credential. */
struct rpc_client_security {
	const char *ca_file;     /* PEM CAs that sign tls+tcp:// servers */
	const char *server_name; /* the name the server must carry; NULL:
	                          * the URL's host */
	int allow_plaintext;     /* send a credential over tcp:// to a host
	                          * that is not loopback */
};

/* rpc_client_open with TLS settings (sec may be NULL). Refuses, with the
 * reason in err and errno EINVAL, settings that cannot work: a URL that
 * is not tcp://, tls+tcp:// or ipc://, a tls+tcp:// URL without a usable
 * CA file, a credential over plaintext tcp:// to a non-loopback host
 * unless allowed. Other failures leave errno ENOMEM or EIO. */
struct rpc_client *rpc_client_open_secure(const char *url, const char *token,
    const struct rpc_client_security *sec, char *err, size_t errlen);

/* Whether a tcp:// URL's host is the loopback. */
int rpc_client_url_loopback(const char *url);

/* Whether url has a scheme hoptac speaks: tcp://, tls+tcp:// or ipc://. */
int rpc_client_url_known(const char *url);

void rpc_client_close(struct rpc_client *c);

/* Fills st for a call that failed before anything was sent: code, and the
 * message printed from fmt, with no violations. */
void rpc_client_status_fail(struct rpc_client_status *st, int code,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Calls method (its full path: method_path(), or any for tests) with req and,
 * on OK, unpacks the reply payload into *resp as a resp_desc message (caller
 * frees it with protobuf_c_message_free_unpacked(*resp, NULL)).
 * Retries UNAVAILABLE and DEADLINE_EXCEEDED with exponential back-off and
 * jitter, all within the deadline, resending the same request id so the
 * server applies a mutation once. Returns st->code.
 */
int rpc_client_call(struct rpc_client *c, const char *method,
    const ProtobufCMessage *req, const ProtobufCMessageDescriptor *resp_desc,
    ProtobufCMessage **resp, const struct rpc_client_options *opt,
    struct rpc_client_status *st);

/* rpc_client_call of a method of the table (method.h): its path, and its
 * reply type for *resp. */
int rpc_client_invoke(struct rpc_client *c, enum method_id method,
    const ProtobufCMessage *req, ProtobufCMessage **resp,
    const struct rpc_client_options *opt, struct rpc_client_status *st);

/* rpc_client_call for a request already packed (payload of len bytes): what
 * a queued call resends. */
int rpc_client_call_packed(struct rpc_client *c, const char *method,
    const uint8_t *payload, size_t len,
    const ProtobufCMessageDescriptor *resp_desc, ProtobufCMessage **resp,
    const struct rpc_client_options *opt, struct rpc_client_status *st);

/* Decodes len bytes off the wire as the reply to request id: fills st
 * from its status, message and violations and returns it (caller frees it
 * with hoptac__v1__response__free_unpacked). NULL, with st saying why,
 * when the bytes are no Response or the reply is to another request. */
Hoptac__V1__Response *rpc_client_decode_reply(const uint8_t *data, size_t len,
    const char *id, struct rpc_client_status *st);

#endif
