#include "rpc.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <nng/supplemental/util/platform.h>

#include "text.h"

/* Random bytes for ids, taken from the kernel 512 at a time: one
 * getrandom a call was six system calls for each request a client sent.
 * Per thread, and drawn again in a child after fork, so that no two
 * processes or threads ever hand out the same bytes: a fork handler
 * counts the forks, where asking getpid cost a system call an id. */
#define RPC_RANDOM_POOL 512

static unsigned rpc_forks; /* written only in a child, single-threaded */
static pthread_once_t rpc_forks_once = PTHREAD_ONCE_INIT;

static void
rpc_forked(void)
{
	rpc_forks++;
}

static void
rpc_count_forks(void)
{
	pthread_atfork(NULL, NULL, rpc_forked);
}

static void
rpc_random(uint8_t *out, size_t n)
{
	static _Thread_local uint8_t pool[RPC_RANDOM_POOL];
	static _Thread_local size_t left;
	static _Thread_local unsigned drawn_at; /* rpc_forks then */
	ssize_t got;

	pthread_once(&rpc_forks_once, rpc_count_forks);
	if (drawn_at != rpc_forks || left < n) {
		got = getrandom(pool, sizeof(pool), 0);
		if (got != (ssize_t)sizeof(pool)) {
			/* Never without randomness: nng's, a word at a time. */
			for (size_t i = 0; i < sizeof(pool); i += 4) {
				uint32_t r = nng_random();

				memcpy(pool + i, &r, 4);
			}
		}
		left = sizeof(pool);
		drawn_at = rpc_forks;
	}
	memcpy(out, pool + sizeof(pool) - left, n);
	memset(pool + sizeof(pool) - left, 0, n);
	left -= n;
}

void
rpc_new_id(char out[37])
{
	uint64_t ms = (uint64_t)rpc_wall_ms();
	uint8_t b[16];

	rpc_random(b, sizeof(b));
	/* The time first (RFC 9562 version 7): ids made later sort later,
	 * so the server's indexes of ids grow at one end, where their last
	 * pages are already being written, instead of at random places. */
	for (int i = 0; i < 6; i++)
		b[i] = (uint8_t)(ms >> (40 - 8 * i));
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x70);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	/* Groups of 4, 2, 2, 2 and 6 bytes between dashes, without snprintf:
	 * its 16 conversions were 6,400 instructions of each call of the
	 * client. */
	text_hex(b, 4, out);
	out[8] = '-';
	text_hex(b + 4, 2, out + 9);
	out[13] = '-';
	text_hex(b + 6, 2, out + 14);
	out[18] = '-';
	text_hex(b + 8, 2, out + 19);
	out[23] = '-';
	text_hex(b + 10, 6, out + 24);
}

int64_t
rpc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
rpc_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
rpc_pack(const ProtobufCMessage *m, nng_msg **out)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	nng_msg *msg;
	int rv;

	if ((rv = nng_msg_alloc(&msg, len)) != 0)
		return rv;
	protobuf_c_message_pack(m, nng_msg_body(msg));
	*out = msg;
	return 0;
}

const char *
rpc_metadata_get(const Hoptac__V1__Request *req, const char *key)
{
	for (size_t i = 0; i < req->n_metadata; i++)
		if (req->metadata[i]->key != NULL &&
		    strcmp(req->metadata[i]->key, key) == 0)
			return req->metadata[i]->value;
	return NULL;
}

static int
rpc_string_ok(const char *s, size_t max)
{
	size_t len = strlen(s);

	return len <= max && text_check(s, len) == TEXT_OK;
}

int
rpc_request_check(const Hoptac__V1__Request *req, char *why, size_t len)
{
	if (!rpc_string_ok(req->method, RPC_METHOD_MAX)) {
		snprintf(why, len, "method name is not valid text");
		return -1;
	}
	if (!rpc_string_ok(req->request_id, RPC_ID_MAX)) {
		snprintf(why, len,
		    "request_id must be at most %d bytes of text", RPC_ID_MAX);
		return -1;
	}
	if (req->n_metadata > RPC_METADATA_MAX) {
		snprintf(
		    why, len, "at most %d metadata entries", RPC_METADATA_MAX);
		return -1;
	}
	for (size_t i = 0; i < req->n_metadata; i++) {
		if (!rpc_string_ok(req->metadata[i]->key, 64) ||
		    !rpc_string_ok(req->metadata[i]->value, 4096)) {
			snprintf(
			    why, len, "metadata[%zu] is not valid text", i);
			return -1;
		}
	}
	return 0;
}
