/*
 * The wire: one nng message is one packed hoptac.v1.Request or
 * hoptac.v1.Response (proto/hoptac/v1/rpc.proto). docs/protocol.md is the
 * reference; this is what the client and the server share of it.
 */
#ifndef HOPTAC_RPC_H
#define HOPTAC_RPC_H

#include <stddef.h>
#include <stdint.h>

#include <nng/nng.h>

#include "hoptac/v1/rpc.pb-c.h"
#include "status.h"

/* The logical limit on one message, as gRPC's default. */
#define RPC_MAX_MESSAGE ((size_t)4 * 1024 * 1024)
/* nng's own limit, above the logical one so that an oversized message
 * still reaches us and gets RESOURCE_EXHAUSTED instead of a closed pipe. */
#define RPC_NNG_RECVMAXSZ (RPC_MAX_MESSAGE + (size_t)64 * 1024)
/* Bytes of a request id; also the longest method name we accept. */
#define RPC_ID_MAX       64
#define RPC_METHOD_MAX   128
#define RPC_METADATA_MAX 16
/* Deadlines the server grants at most, and the client's default. */
#define RPC_TIMEOUT_MAX_MS     (10u * 60u * 1000u)
#define RPC_TIMEOUT_DEFAULT_MS 10000u

#define RPC_METADATA_AUTHORIZATION "authorization"

/* Writes a new id for a request or a record: a UUID of version 7 (the
 * wall time in milliseconds, then 74 random bits), 36 chars + NUL. */
void rpc_new_id(char out[37]);

/* Milliseconds of a monotonic clock, for deadlines and durations. */
int64_t rpc_now_ms(void);

/* Milliseconds since the epoch, for the times records carry. */
int64_t rpc_wall_ms(void);

/* Packs m into a new nng message (*out, caller owns it). Returns 0 or an
 * nng error code. */
int rpc_pack(const ProtobufCMessage *m, nng_msg **out);

/* The value of metadata key in req, or NULL. */
const char *rpc_metadata_get(const Hoptac__V1__Request *req, const char *key);

/* Checks what protobuf-c does not: method, request_id and metadata are
 * well-formed UTF-8 without NUL, within their limits. Returns 0, or -1
 * with a reason in why. */
int rpc_request_check(const Hoptac__V1__Request *req, char *why, size_t len);

#endif
