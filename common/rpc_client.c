#include "rpc_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/tls/tls.h>
#include <nng/supplemental/util/platform.h>

#include "pbstr.h"
#include "rpc.h"

struct rpc_client {
	nng_socket sock;
	/* Owned: the client's send and receive, one at a time. nng's
	 * synchronous calls made and freed an aio for each, with a
	 * getrandom each (the aio's expiry queue is drawn at random). */
	nng_aio *aio;
	int connected;
	char *url;           /* owned */
	char *token;         /* owned, NULL when none */
	nng_tls_config *tls; /* owned reference; NULL unless tls+tcp:// */
};

/* The host of a tcp:// or tls+tcp:// URL into host ("" otherwise). */
static void
rpc_client_url_host(const char *url, char *host, size_t len)
{
	const char *p = strstr(url, "://"), *end;

	host[0] = '\0';
	if (p == NULL)
		return;
	p += 3;
	if (*p == '[') {
		end = strchr(++p, ']');
	} else {
		end = strrchr(p, ':');
	}
	if (end == NULL)
		end = p + strlen(p);
	snprintf(host, len, "%.*s", (int)(end - p), p);
}

int
rpc_client_url_loopback(const char *url)
{
	char host[256];

	struct in_addr v4;
	struct in6_addr v6;

	/* Only an address that cannot lead elsewhere: a name such as
	 * "127.example" is a name, which a resolver may send anywhere. */
	rpc_client_url_host(url, host, sizeof(host));
	if (inet_pton(AF_INET, host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &v6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&v6) ||
		    (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
	return strcasecmp(host, "localhost") == 0;
}

int
rpc_client_url_known(const char *url)
{
	return strncmp(url, "tcp://", 6) == 0 ||
	    strncmp(url, "tls+tcp://", 10) == 0 ||
	    strncmp(url, "ipc://", 6) == 0;
}

/* The TLS side of a tls+tcp:// URL: the server is verified against the
 * CA and must carry the expected name. 0, or EINVAL when the CA file is
 * missing or cannot be used, EIO when TLS cannot be set up. */
static int
rpc_client_tls(struct rpc_client *c, const struct rpc_client_security *sec,
    char *err, size_t errlen)
{
	char host[256];
	int rv;

	if (sec == NULL || sec->ca_file == NULL || sec->ca_file[0] == '\0') {
		snprintf(err, errlen,
		    "%s needs a CA file to verify the server (--ca or "
		    "HOPTAC_CA)",
		    c->url);
		return EINVAL;
	}
	rpc_client_url_host(c->url, host, sizeof(host));
	if ((rv = nng_tls_config_alloc(&c->tls, NNG_TLS_MODE_CLIENT)) != 0 ||
	    (rv = nng_tls_config_auth_mode(
	         c->tls, NNG_TLS_AUTH_MODE_REQUIRED)) != 0 ||
	    (rv = nng_tls_config_server_name(c->tls,
	         sec->server_name && sec->server_name[0] ? sec->server_name
	                                                 : host)) != 0) {
		snprintf(err, errlen, "TLS: %s", nng_strerror(rv));
		return EIO;
	}
	if ((rv = nng_tls_config_ca_file(c->tls, sec->ca_file)) != 0) {
		snprintf(err, errlen, "TLS: cannot use CA file %s: %s",
		    sec->ca_file, nng_strerror(rv));
		return EINVAL;
	}
	return 0;
}

/* Opens c->sock, the REQ socket of the client. */
static int
rpc_client_socket(struct rpc_client *c)
{
	int rv;

	if ((rv = nng_req0_open(&c->sock)) != 0)
		return rv;
	/* Our retries carry the request id; nng's own resend would only
	 * duplicate them. Off, not merely long: a resend timer set at each
	 * request woke nng's timer thread every call. A connection lost
	 * under a request now fails it at once, and the call is retried
	 * (rpc_client_call_packed). */
	nng_socket_set_ms(
	    c->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
	nng_socket_set_size(c->sock, NNG_OPT_RECVMAXSZ, RPC_NNG_RECVMAXSZ);
	nng_socket_set_ms(c->sock, NNG_OPT_RECONNMINT, 50);
	nng_socket_set_ms(c->sock, NNG_OPT_RECONNMAXT, 1000);
	return 0;
}

struct rpc_client *
rpc_client_open(const char *url, const char *token, char *err, size_t errlen)
{
	return rpc_client_open_secure(url, token, NULL, err, errlen);
}

struct rpc_client *
rpc_client_open_secure(const char *url, const char *token,
    const struct rpc_client_security *sec, char *err, size_t errlen)
{
	struct rpc_client *c = calloc(1, sizeof(*c));
	int rv, why = EIO; /* errno of a failure */

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	if (token != NULL && token[0] == '\0')
		token = NULL;
	if (!rpc_client_url_known(url)) {
		snprintf(err, errlen,
		    "server URL \"%s\" must start with tcp://, tls+tcp:// or "
		    "ipc://",
		    url);
		free(c);
		errno = EINVAL;
		return NULL;
	}
	if (token != NULL && strncmp(url, "tcp://", 6) == 0 &&
	    !rpc_client_url_loopback(url) &&
	    (sec == NULL || !sec->allow_plaintext)) {
		snprintf(err, errlen,
		    "refusing to send a credential in clear to %s: use "
		    "tls+tcp://, or allow it with HOPTAC_ALLOW_PLAINTEXT=1",
		    url);
		free(c);
		errno = EINVAL;
		return NULL;
	}
	c->url = strdup(url);
	c->token = token != NULL ? strdup(token) : NULL;
	if (c->url == NULL || (token != NULL && c->token == NULL)) {
		snprintf(err, errlen, "out of memory");
		why = ENOMEM;
		goto fail;
	}
	if ((rv = nng_aio_alloc(&c->aio, NULL, NULL)) != 0 ||
	    (rv = rpc_client_socket(c)) != 0) {
		snprintf(
		    err, errlen, "cannot open socket: %s", nng_strerror(rv));
		goto fail;
	}
	if (strncmp(url, "tls+tcp://", 10) == 0 &&
	    (why = rpc_client_tls(c, sec, err, errlen)) != 0)
		goto fail_sock;
	return c;
fail_sock:
	nng_close(c->sock);
fail:
	if (c->tls != NULL)
		nng_tls_config_free(c->tls);
	nng_aio_free(c->aio);
	free(c->url);
	free(c->token);
	free(c);
	errno = why;
	return NULL;
}

/* A dial in progress on a thread of its own, so that the caller can
 * stop waiting for it at the deadline. */
struct rpc_client_dialing {
	struct rpc_client *c;
	nng_mtx *mtx;
	nng_cv *cv;
	int done; /* under mtx */
	int rv;
};

/* Dials c->url, with TLS when it says so: nng's synchronous dial, which
 * reports a refused connection at once. */
static void
rpc_client_dial_thread(void *arg)
{
	struct rpc_client_dialing *d = arg;
	struct rpc_client *c = d->c;
	nng_dialer dialer;
	int rv;

	if (c->tls == NULL) {
		rv = nng_dial(c->sock, c->url, NULL, 0);
	} else if ((rv = nng_dialer_create(&dialer, c->sock, c->url)) == 0) {
		if ((rv = nng_dialer_set_ptr(
		         dialer, NNG_OPT_TLS_CONFIG, c->tls)) != 0 ||
		    (rv = nng_dialer_start(dialer, 0)) != 0)
			nng_dialer_close(dialer);
	}
	nng_mtx_lock(d->mtx);
	d->rv = rv;
	d->done = 1;
	nng_cv_wake(d->cv);
	nng_mtx_unlock(d->mtx);
}

/* Dials c->url within left_ms. nng's dial has no time limit of its own:
 * a host that drops connection attempts holds it for minutes, and a
 * stopped server that accepts but never negotiates for seconds. At the
 * deadline the socket is closed, which ends the dial, and opened anew
 * for the next call. NNG_ETIMEDOUT then. */
static int
rpc_client_dial(struct rpc_client *c, int64_t left_ms)
{
	struct rpc_client_dialing d = {c, NULL, NULL, 0, 0};
	nng_time until = nng_clock() + (nng_time)left_ms;
	nng_thread *t = NULL;
	int rv;

	if ((rv = nng_mtx_alloc(&d.mtx)) != 0 ||
	    (rv = nng_cv_alloc(&d.cv, d.mtx)) != 0 ||
	    (rv = nng_thread_create(&t, rpc_client_dial_thread, &d)) != 0)
		goto out;
	nng_mtx_lock(d.mtx);
	while (!d.done && nng_cv_until(d.cv, until) != NNG_ETIMEDOUT)
		;
	rv = d.done ? d.rv : NNG_ETIMEDOUT;
	nng_mtx_unlock(d.mtx);
	if (rv == NNG_ETIMEDOUT && !d.done) {
		nng_close(c->sock);
		nng_thread_destroy(t); /* joins: the closed socket ends it */
		t = NULL;
		if (rpc_client_socket(c) != 0)
			rv = NNG_ENOMEM;
	}
out:
	if (t != NULL)
		nng_thread_destroy(t);
	if (d.cv != NULL)
		nng_cv_free(d.cv);
	if (d.mtx != NULL)
		nng_mtx_free(d.mtx);
	return rv;
}

void
rpc_client_close(struct rpc_client *c)
{
	if (c == NULL)
		return;
	nng_close(c->sock);
	nng_aio_free(c->aio);
	if (c->tls != NULL)
		nng_tls_config_free(c->tls);
	free(c->url);
	free(c->token);
	free(c);
}

static void
rpc_client_set(struct rpc_client_status *st, int code, const char *message)
{
	st->code = code;
	snprintf(st->message, sizeof(st->message), "%s", message);
}

/* Builds the packed envelope; RESOURCE_EXHAUSTED when over the limit, so
 * the server never sees (and never drops the pipe over) a message that
 * is too big. */
static int
rpc_client_envelope(struct rpc_client *c, const char *method, const char *id,
    const uint8_t *payload, size_t len, uint32_t timeout_ms, nng_msg **out,
    struct rpc_client_status *st)
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
		rpc_client_set(st, STATUS_INTERNAL, nng_strerror(rv));
		return -1;
	}
	return 0;
}

Hoptac__V1__Response *
rpc_client_decode_reply(const uint8_t *data, size_t len, const char *id,
    struct rpc_client_status *st)
{
	Hoptac__V1__Response *r = hoptac__v1__response__unpack(NULL, len, data);

	if (r == NULL) {
		rpc_client_set(st, STATUS_INTERNAL,
		    "the server's reply could not be decoded");
		return NULL;
	}
	if (strcmp(r->request_id, id) != 0 && r->request_id[0] != '\0') {
		rpc_client_set(
		    st, STATUS_INTERNAL, "the server answered another request");
		hoptac__v1__response__free_unpacked(r, NULL);
		return NULL;
	}
	st->code = r->status < 0 || r->status >= STATUS_COUNT ? STATUS_UNKNOWN
	                                                      : r->status;
	st->answered = 1;
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
rpc_client_attempt(struct rpc_client *c, nng_msg *msg, const char *id,
    int64_t deadline, Hoptac__V1__Response **reply,
    struct rpc_client_status *st)
{
	nng_msg *in = NULL;
	int64_t left = deadline - rpc_now_ms();
	int rv;

	*reply = NULL;
	st->answered = 0;
	if (left <= 0) {
		rpc_client_set(
		    st, STATUS_DEADLINE_EXCEEDED, "deadline exceeded");
		nng_msg_free(msg);
		return;
	}
	if (!c->connected) {
		rv = rpc_client_dial(c, left);
		if (rv != 0) {
			st->code = STATUS_UNAVAILABLE;
			if (rv == NNG_ETIMEDOUT)
				snprintf(st->message, sizeof(st->message),
				    "cannot connect to %s: no connection "
				    "within the deadline",
				    c->url);
			else if (rv == NNG_ECRYPTO || rv == NNG_EPEERAUTH)
				/* mbedTLS matches DNS names only, never
				 * an address: the usual cause. */
				snprintf(st->message, sizeof(st->message),
				    "TLS with %s failed (%s): the server's "
				    "certificate must be signed by the CA "
				    "file and name the host; for an IP "
				    "address in the URL, set "
				    "HOPTAC_SERVER_NAME to a name the "
				    "certificate carries",
				    c->url, nng_strerror(rv));
			else
				snprintf(st->message, sizeof(st->message),
				    "cannot connect to %s: %s", c->url,
				    nng_strerror(rv));
			nng_msg_free(msg);
			return;
		}
		c->connected = 1;
	}
	nng_aio_set_timeout(c->aio, (nng_duration)left);
	nng_aio_set_msg(c->aio, msg);
	nng_send_aio(c->sock, c->aio);
	nng_aio_wait(c->aio);
	if ((rv = nng_aio_result(c->aio)) != 0) {
		nng_msg_free(
		    nng_aio_get_msg(c->aio)); /* not sent: still ours */
		goto nng_fail;
	}
	st->attempts++;
	left = deadline - rpc_now_ms();
	nng_aio_set_timeout(c->aio, (nng_duration)(left > 0 ? left : 1));
	nng_recv_aio(c->sock, c->aio);
	nng_aio_wait(c->aio);
	if ((rv = nng_aio_result(c->aio)) != 0)
		goto nng_fail;
	in = nng_aio_get_msg(c->aio);
	*reply =
	    rpc_client_decode_reply(nng_msg_body(in), nng_msg_len(in), id, st);
	nng_msg_free(in);
	return;
nng_fail:
	if (rv == NNG_ETIMEDOUT)
		rpc_client_set(st, STATUS_DEADLINE_EXCEEDED,
		    "no reply before the deadline");
	else
		rpc_client_set(st, STATUS_UNAVAILABLE, nng_strerror(rv));
}

/* Exponential back-off with full jitter, capped by what is left. */
static void
rpc_client_backoff(int attempt, int64_t deadline)
{
	int64_t base = 50LL << (attempt < 6 ? attempt : 6);
	int64_t wait = (int64_t)(nng_random() % (uint32_t)base) + 10;
	int64_t left = deadline - rpc_now_ms() - 10;

	if (wait > left)
		wait = left;
	if (wait > 0)
		nng_msleep((nng_duration)wait);
}

/* Empties st: the counts of its violations, not the 9 KB of them, which
 * zeroing took some 9,800 instructions of each call (a fifth of the
 * client's). */
static void
rpc_client_status_reset(struct rpc_client_status *st)
{
	st->code = 0;
	st->message[0] = '\0';
	violations_init(&st->violations);
	st->attempts = 0;
	st->answered = 0;
}

void
rpc_client_status_fail(
    struct rpc_client_status *st, int code, const char *fmt, ...)
{
	va_list ap;

	rpc_client_status_reset(st);
	st->code = code;
	va_start(ap, fmt);
	vsnprintf(st->message, sizeof(st->message), fmt, ap);
	va_end(ap);
}

int
rpc_client_call_packed(struct rpc_client *c, const char *method,
    const uint8_t *payload, size_t len,
    const ProtobufCMessageDescriptor *resp_desc, ProtobufCMessage **resp,
    const struct rpc_client_options *opt, struct rpc_client_status *st)
{
	static const struct rpc_client_options defaults = {0, NULL, 0};
	char id[37];
	int64_t deadline;
	int max;

	if (opt == NULL)
		opt = &defaults;
	rpc_client_status_reset(st);
	*resp = NULL;
	deadline = rpc_now_ms() +
	    (opt->timeout_ms != 0 ? opt->timeout_ms : RPC_TIMEOUT_DEFAULT_MS);
	max =
	    opt->max_attempts > 0 ? opt->max_attempts : RPC_CLIENT_MAX_ATTEMPTS;
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
		if (rpc_client_envelope(c, method, id, payload, len,
		        left > 0 ? (uint32_t)left : 1, &msg, st) != 0)
			break;
		rpc_client_attempt(c, msg, id, deadline, &r, st);
		if (r != NULL && st->code == STATUS_OK) {
			*resp = protobuf_c_message_unpack(
			    resp_desc, NULL, r->payload.len, r->payload.data);
			if (*resp == NULL)
				rpc_client_set(st, STATUS_INTERNAL,
				    "the reply payload could not be decoded");
		}
		if (r != NULL)
			hoptac__v1__response__free_unpacked(r, NULL);
		if (st->code != STATUS_UNAVAILABLE &&
		    st->code != STATUS_DEADLINE_EXCEEDED)
			break;
		if (attempt + 1 < max)
			rpc_client_backoff(attempt, deadline);
	}
	return st->code;
}

int
rpc_client_call(struct rpc_client *c, const char *method,
    const ProtobufCMessage *req, const ProtobufCMessageDescriptor *resp_desc,
    ProtobufCMessage **resp, const struct rpc_client_options *opt,
    struct rpc_client_status *st)
{
	size_t len = protobuf_c_message_get_packed_size(req);
	uint8_t *payload = malloc(len ? len : 1);
	int rc;

	if (payload == NULL) {
		*resp = NULL;
		rpc_client_status_fail(st, STATUS_INTERNAL, "out of memory");
		return st->code;
	}
	protobuf_c_message_pack(req, payload);
	rc = rpc_client_call_packed(
	    c, method, payload, len, resp_desc, resp, opt, st);
	free(payload);
	return rc;
}

int
rpc_client_invoke(struct rpc_client *c, enum method_id method,
    const ProtobufCMessage *req, ProtobufCMessage **resp,
    const struct rpc_client_options *opt, struct rpc_client_status *st)
{
	return rpc_client_call(
	    c, method_path(method), req, method_output(method), resp, opt, st);
}
