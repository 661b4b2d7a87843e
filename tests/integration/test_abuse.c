/*
 * Peers that misbehave on the wire, through raw TCP sockets, while
 * normal clients go on working: many connections that never send, or
 * send half a handshake, half a length, or a length that promises 4 MiB
 * that never comes; a flood of messages over the 4 MiB limit; calls
 * sent one after another without waiting for replies. The server
 * answers everyone else within normal time, answers a message just over
 * the limit RESOURCE_EXHAUSTED, drops the pipe of one far over it,
 * answers every call sent ahead once, stays up, and its resident memory
 * stays bounded.
 *
 * nng's TCP framing: the SP handshake is 8 bytes ("\0SP\0", the 16-bit
 * protocol, 2 reserved), then each message is an 8-byte big-endian
 * length and the body; to a REP socket the body starts with the REQ
 * peer's 4-byte request id, high bit set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "harness.h"
#include "rpc.h"
#include "status.h"

#define PEERS       200
#define CALL_MAX_MS 5000
#define MIB         (1024L * 1024L)

static const uint8_t sp_req[8] = {0, 'S', 'P', 0, 0x00, 0x30, 0, 0};

/* A TCP connection to url's port on 127.0.0.1, from the address from
 * (NULL: the loopback's own). Another 127.0.0.0/8 address is another
 * peer to the server. Not inherited by the commands the test runs. */
static int
raw_connect_from(const char *url, const char *from)
{
	struct sockaddr_in sa;
	const char *colon = strrchr(url, ':');
	struct timeval tv = {10, 0};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	if (from != NULL) {
		assert_int_equal(inet_pton(AF_INET, from, &sa.sin_addr), 1);
		assert_int_equal(
		    bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	}
	sa.sin_port = htons((uint16_t)atoi(colon + 1));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	/* A test that waits on the server waits 10 s at most. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

static int
raw_connect(const char *url)
{
	return raw_connect_from(url, NULL);
}

/* Writes all len bytes; 0, or -1 when the connection fails. */
static int
send_try(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
send_all(int fd, const void *buf, size_t len)
{
	if (send_try(fd, buf, len) != 0)
		fail_msg("write: %s", strerror(errno));
}

/* Reads exactly len bytes; 0, or -1 at EOF, reset or time-out. */
static int
recv_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* The frame header of a message of len bytes (request id included). */
static void
send_length(int fd, uint64_t len)
{
	uint8_t b[8];

	put64(b, len);
	send_all(fd, b, sizeof(b));
}

/* Whether the server closed the connection within 10 s. The 8 bytes of
 * its handshake may come first. */
static int
closed_by_server(int fd)
{
	uint8_t buf[256];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	return n == 0 || (n < 0 && errno == ECONNRESET);
}

struct normal {
	struct harness *h;
	atomic_int *stop;
	int index, calls, failed;
	int64_t worst_ms;
	char why[256];
};

/* What an office does meanwhile: a submit and a list, over and over. */
static void *
normal_main(void *arg)
{
	struct normal *n = arg;
	struct rpc_client *c = harness_client(n->h);

	while (!atomic_load(n->stop) && n->failed == 0) {
		char id[40];
		Hoptac__V1__Activity *a;
		int64_t t0 = rpc_now_ms(), ms;
		int rc;

		snprintf(id, sizeof(id), "normal-%d-%06d", n->index, n->calls);
		a = harness_activity("KT-DAKGLEI", id,
		    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_INFORMATION,
		    "2024-04", 0);
		rc = harness_submit(c, a, NULL, 20000);
		hoptac__v1__activity__free_unpacked(a, NULL);
		if (rc == STATUS_OK)
			harness_count(c, "KT-DAKGLEI");
		ms = rpc_now_ms() - t0;
		if (ms > n->worst_ms)
			n->worst_ms = ms;
		if (rc != STATUS_OK) {
			n->failed = 1;
			snprintf(n->why, sizeof(n->why), "%s", status_name(rc));
		}
		n->calls++;
	}
	rpc_client_close(c);
	return NULL;
}

#define NORMALS 4

struct office {
	struct normal n[NORMALS];
	pthread_t t[NORMALS];
	atomic_int stop;
};

static void
office_start(struct office *o, struct harness *h)
{
	atomic_store(&o->stop, 0);
	for (int i = 0; i < NORMALS; i++) {
		memset(&o->n[i], 0, sizeof(o->n[i]));
		o->n[i].h = h;
		o->n[i].stop = &o->stop;
		o->n[i].index = i;
		assert_int_equal(
		    pthread_create(&o->t[i], NULL, normal_main, &o->n[i]), 0);
	}
}

/* Every normal call succeeded, each within CALL_MAX_MS (a generous
 * bound: this is not a timing test). */
static void
office_stop(struct office *o)
{
	int calls = 0;
	int64_t worst = 0;

	atomic_store(&o->stop, 1);
	for (int i = 0; i < NORMALS; i++) {
		pthread_join(o->t[i], NULL);
		if (o->n[i].failed)
			fail_msg("a normal client failed: %s", o->n[i].why);
		calls += o->n[i].calls;
		if (o->n[i].worst_ms > worst)
			worst = o->n[i].worst_ms;
	}
	print_message("normal clients: %d calls, the slowest %lld ms\n", calls,
	    (long long)worst);
	assert_true(calls > 0);
	if (!harness_valgrind())
		assert_true(worst < CALL_MAX_MS);
}

static void
assert_rss_growth(struct harness *h, long before_kb, long bound_kb)
{
	long now = harness_rss_kb(h);

	print_message("server RSS: %ld KiB before, %ld KiB now (bound +%ld "
	              "KiB)\n",
	    before_kb, now, bound_kb);
	if (!harness_valgrind())
		assert_true(now - before_kb < bound_kb);
}

static long
warm_up(struct harness *h)
{
	struct rpc_client *c = harness_client(h);

	harness_unit(c, "KT-DAKGLEI", "UBND huyện Đắk Glei");
	for (int i = 0; i < 200; i++) {
		char id[40];
		Hoptac__V1__Activity *a;

		snprintf(id, sizeof(id), "warm-%04d", i);
		a = harness_activity("KT-DAKGLEI", id,
		    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_INFORMATION,
		    "2024-04", 0);
		assert_int_equal(harness_submit(c, a, NULL, 10000), STATUS_OK);
		hoptac__v1__activity__free_unpacked(a, NULL);
		harness_count(c, "KT-DAKGLEI");
	}
	rpc_client_close(c);
	return harness_rss_kb(h);
}

/* 200 connections that each stop somewhere: before the handshake, in
 * it, in a length, or after a length of 4 MiB with a few bytes of it. */
static void
test_stalled_peers(void **state)
{
	struct harness h;
	struct office o;
	int fds[PEERS];
	long rss0;
	uint8_t some[100] = {0x80, 0, 0, 1};

	(void)state;
	harness_bound_memory();
	harness_prepare(&h, HARNESS_TCP, 0);
	/* All of them, admitted: it is memory that is measured here, and
	 * the office comes from the same address. */
	harness_args(&h, "-o", "max_connections_per_address=1024", NULL);
	harness_restart(&h);
	rss0 = warm_up(&h);
	office_start(&o, &h);
	for (int i = 0; i < PEERS; i++) {
		fds[i] = raw_connect(h.url);
		switch (i % 8) {
		case 0: /* connects, never speaks */
			break;
		case 1: /* half a handshake */
			send_all(fds[i], sp_req, 4);
			break;
		case 2: /* a handshake, then nothing */
			send_all(fds[i], sp_req, 8);
			break;
		case 3: /* half a length */
			send_all(fds[i], sp_req, 8);
			send_all(fds[i], "\0\0\0", 3);
			break;
		default: /* 4 MiB promised, 100 bytes sent */
			send_all(fds[i], sp_req, 8);
			send_length(fds[i], (uint64_t)RPC_MAX_MESSAGE);
			send_all(fds[i], some, sizeof(some));
		}
	}
	/* They sit there while the office works. */
	usleep(2000 * 1000);
	office_stop(&o);
	/* Half the peers hold a 4 MiB message each that nng has allocated
	 * for: 400 MiB, were the memory touched. */
	assert_rss_growth(&h, rss0, 64L * 1024);
	for (int i = 0; i < PEERS; i++)
		close(fds[i]);
	office_start(&o, &h);
	usleep(500 * 1000);
	office_stop(&o);
	harness_stop(&h);
	harness_cleanup(&h);
}

/* Sends a message of len bytes to REP: the request id, then zeros. */
static void
oversized_send(int fd, size_t len)
{
	static uint8_t body[5 * 1024 * 1024] = {0x80, 0, 0, 1};

	assert_true(len <= sizeof(body));
	send_length(fd, len);
	send_all(fd, body, len);
}

/* The request id of the next reply on fd, its status in *status; 0 when
 * the server closed the connection. */
static uint32_t
raw_reply_any(int fd, int *status)
{
	uint8_t hdr[8], *reply;
	uint64_t rlen = 0;
	Hoptac__V1__Response *r;
	uint32_t rid;

	if (recv_all(fd, hdr, 8) != 0)
		return 0;
	for (int i = 0; i < 8; i++)
		rlen = rlen << 8 | hdr[i];
	assert_true(rlen >= 4 && rlen < 65536);
	assert_non_null(reply = malloc(rlen));
	if (recv_all(fd, reply, rlen) != 0) {
		free(reply);
		return 0;
	}
	rid = (uint32_t)reply[0] << 24 | (uint32_t)reply[1] << 16 |
	    (uint32_t)reply[2] << 8 | reply[3];
	assert_non_null(
	    r = hoptac__v1__response__unpack(NULL, rlen - 4, reply + 4));
	*status = r->status;
	if (r->status != STATUS_RESOURCE_EXHAUSTED && r->status != STATUS_OK)
		print_message("%s: %s\n", status_name(r->status), r->message);
	hoptac__v1__response__free_unpacked(r, NULL);
	free(reply);
	return rid;
}

/* The status of the reply to the request rid sent on fd, or -1 when the
 * server closed the connection. */
static int
raw_reply(int fd, uint32_t rid)
{
	int status;
	uint32_t got = raw_reply_any(fd, &status);

	if (got == 0)
		return -1;
	/* The request id comes back first. */
	assert_int_equal(got, rid);
	return status;
}

#define FLOOD_CONNS  8
#define FLOOD_ROUNDS 8

/* Messages over the limit, a flood of them: just over it are answered
 * RESOURCE_EXHAUSTED, far over it lose their connection before any
 * memory is taken for them. */
static void
test_oversized_flood(void **state)
{
	static const uint64_t huge[] = {
	    RPC_NNG_RECVMAXSZ + 1,
	    64 * MIB,
	    (uint64_t)1 << 40,
	    UINT64_MAX,
	};
	struct harness h;
	struct office o;
	uint8_t theirs[8];
	long rss0;
	int fd, fds[FLOOD_CONNS];

	(void)state;
	harness_bound_memory();
	harness_start(&h, HARNESS_TCP, 0);
	rss0 = warm_up(&h);
	office_start(&o, &h);

	/* Just over the logical limit, within nng's: a clear answer, and
	 * the connection stays usable for the next. Eight at a time. */
	for (int conn = 0; conn < FLOOD_CONNS; conn++) {
		fds[conn] = raw_connect(h.url);
		send_all(fds[conn], sp_req, 8);
		assert_int_equal(recv_all(fds[conn], theirs, 8), 0);
		assert_int_equal(theirs[5], 0x31); /* REP */
	}
	for (int round = 0; round < FLOOD_ROUNDS; round++) {
		for (int conn = 0; conn < FLOOD_CONNS; conn++)
			oversized_send(fds[conn],
			    4 + RPC_MAX_MESSAGE + 1 + (size_t)round * 4096);
		for (int conn = 0; conn < FLOOD_CONNS; conn++)
			assert_int_equal(raw_reply(fds[conn], 0x80000001),
			    STATUS_RESOURCE_EXHAUSTED);
	}
	for (int conn = 0; conn < FLOOD_CONNS; conn++)
		close(fds[conn]);
	/* 64 of them, 256 MiB in all, went through the server. */
	assert_rss_growth(&h, rss0, 96L * 1024);

	/* Far over it: dropped at the length, with nothing read. */
	for (int i = 0; i < 100; i++) {
		fd = raw_connect(h.url);
		send_all(fd, sp_req, 8);
		send_length(fd, huge[i % 4]);
		assert_true(closed_by_server(fd));
		close(fd);
	}
	office_stop(&o);
	assert_rss_growth(&h, rss0, 96L * 1024);
	harness_stop(&h);
	harness_cleanup(&h);
}

/* One Health/Check through c; its status. */
static int
ping_status(struct rpc_client *c, uint32_t timeout_ms)
{
	Hoptac__V1__HealthCheckRequest req =
	    HOPTAC__V1__HEALTH_CHECK_REQUEST__INIT;
	struct rpc_client_options opt = {timeout_ms, NULL, 0};
	ProtobufCMessage *resp = NULL;
	struct rpc_client_status st;

	rpc_client_call(c, "/hoptac.v1.Health/Check", &req.base,
	    &hoptac__v1__health_check_response__descriptor, &resp, &opt, &st);
	if (resp != NULL)
		protobuf_c_message_free_unpacked(resp, NULL);
	return st.code;
}

/* What the server logged, cut to len (NUL-terminated). */
static void
read_log(struct harness *h, char *buf, size_t len)
{
	FILE *f = fopen(h->log, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* With max_connections open, the next connection is closed as it comes,
 * the ones open go on working, and a place freed is taken again. */
static void
test_max_connections(void **state)
{
	struct harness h;
	struct rpc_client *open[4], *extra;
	char log[4096];

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	harness_args(&h, "-o", "max_connections=4", NULL);
	harness_restart(&h);
	for (int i = 0; i < 4; i++) {
		open[i] = harness_client(&h);
		assert_int_equal(ping_status(open[i], 5000), STATUS_OK);
	}
	extra = harness_client(&h);
	assert_int_not_equal(ping_status(extra, 1500), STATUS_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(ping_status(open[i], 5000), STATUS_OK);
	rpc_client_close(open[0]);
	assert_int_equal(ping_status(extra, 10000), STATUS_OK);
	rpc_client_close(extra);
	for (int i = 1; i < 4; i++)
		rpc_client_close(open[i]);
	harness_stop(&h);
	read_log(&h, log, sizeof(log));
	assert_non_null(strstr(log, "HOPTACD-CONNECTIONS"));
	harness_cleanup(&h);
}

/* A peer over IPv6 (::1, on a second listener) is named in the log by
 * its address and port, and counted by its /64, "::/64": with one
 * connection allowed an address, a second client from it is refused
 * while the first is answered. */
static void
test_ipv6_peer(void **state)
{
	struct harness h;
	struct rpc_client *first, *second;
	char url6[64], err[256], log[65536];

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	snprintf(url6, sizeof(url6), "tcp://[::1]:%d", harness_free_port());
	harness_args(
	    &h, "-l", url6, "-o", "max_connections_per_address=1", NULL);
	harness_restart(&h);
	first = rpc_client_open(url6, h.token, err, sizeof(err));
	assert_non_null(first);
	assert_int_equal(ping_status(first, 5000), STATUS_OK);
	second = rpc_client_open(url6, h.token, err, sizeof(err));
	assert_non_null(second);
	assert_int_not_equal(ping_status(second, 3000), STATUS_OK);
	assert_int_equal(ping_status(first, 5000), STATUS_OK);
	/* The refusal is logged as a connection of second's arrives, which a
	 * loaded machine may delay (its socket goes on dialling): looked for
	 * until it is there, 10 s at most. */
	for (int waited = 0; waited < 10000; waited += 100) {
		read_log(&h, log, sizeof(log));
		if (strstr(log, "HOPTACD-CONNECTIONS-ADDRESS: ::/64 holds"))
			break;
		poll(NULL, 0, 100);
	}
	rpc_client_close(second);
	rpc_client_close(first);
	harness_stop(&h);
	read_log(&h, log, sizeof(log));
	assert_non_null(strstr(log, "peer=[::1]:"));
	assert_non_null(
	    strstr(log, "HOPTACD-CONNECTIONS-ADDRESS: ::/64 holds"));
	harness_cleanup(&h);
}

/* Sends a call of method with request id rid on fd, with token as its
 * credential (NULL: none), not waiting for the reply; 0, or -1 when the
 * connection fails. */
static int
raw_call_try(int fd, uint32_t rid, const char *method, const char *token)
{
	Hoptac__V1__Request req = HOPTAC__V1__REQUEST__INIT;
	Hoptac__V1__MetadataEntry auth = HOPTAC__V1__METADATA_ENTRY__INIT;
	Hoptac__V1__MetadataEntry *md[1] = {&auth};
	char id[37];
	uint8_t *buf;
	size_t n;
	int rv;

	rpc_new_id(id);
	req.method = (char *)method;
	req.request_id = id;
	req.timeout_ms = 5000;
	if (token != NULL) {
		auth.key = (char *)RPC_METADATA_AUTHORIZATION;
		auth.value = (char *)token;
		req.metadata = md;
		req.n_metadata = 1;
	}
	n = protobuf_c_message_get_packed_size(&req.base);
	assert_non_null(buf = malloc(12 + n));
	put64(buf, 4 + n);
	buf[8] = (uint8_t)(rid >> 24);
	buf[9] = (uint8_t)(rid >> 16);
	buf[10] = (uint8_t)(rid >> 8);
	buf[11] = (uint8_t)rid;
	protobuf_c_message_pack(&req.base, buf + 12);
	rv = send_try(fd, buf, 12 + n);
	free(buf);
	return rv;
}

static void
raw_call_send(int fd, uint32_t rid, const char *method, const char *token)
{
	if (raw_call_try(fd, rid, method, token) != 0)
		fail_msg("write: %s", strerror(errno));
}

/* Sends a Health/Check with request id rid on fd, not waiting for the
 * reply. */
static void
raw_ping_send(int fd, uint32_t rid)
{
	raw_call_send(fd, rid, "/hoptac.v1.Health/Check", NULL);
}

/* A Health/Check sent raw on fd, with request id rid; its status, or -1
 * when the server closed the connection. */
static int
raw_ping(int fd, uint32_t rid)
{
	raw_ping_send(fd, rid);
	return raw_reply(fd, rid);
}

#define PIPELINED_ROUNDS 4
#define PIPELINED_CALLS  64

/* Calls sent one after another on one connection without waiting for
 * their replies (what REQ contexts do): replies go out one at a time, so
 * most wait behind another one's; each is answered once, and each context
 * (four here) takes calls again once its reply has left, so the server
 * goes on answering past many times its number of contexts. */
static void
test_pipelined(void **state)
{
	struct harness h;
	struct rpc_client *c;
	uint8_t theirs[8];
	int seen[PIPELINED_CALLS], status, fd;
	uint32_t base = 0x80000100, rid;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	harness_args(&h, "-o", "contexts=4", NULL);
	harness_restart(&h);
	fd = raw_connect(h.url);
	send_all(fd, sp_req, 8);
	assert_int_equal(recv_all(fd, theirs, 8), 0);
	for (int round = 0; round < PIPELINED_ROUNDS; round++) {
		memset(seen, 0, sizeof(seen));
		for (int i = 0; i < PIPELINED_CALLS; i++)
			raw_ping_send(fd, base + (uint32_t)i);
		for (int i = 0; i < PIPELINED_CALLS; i++) {
			rid = raw_reply_any(fd, &status);
			assert_true(
			    rid >= base && rid < base + PIPELINED_CALLS);
			assert_int_equal(status, STATUS_OK);
			assert_int_equal(seen[rid - base]++, 0);
		}
		base += PIPELINED_CALLS;
	}
	c = harness_client(&h);
	for (int i = 0; i < 16; i++)
		assert_int_equal(ping_status(c, 5000), STATUS_OK);
	rpc_client_close(c);
	close(fd);
	harness_stop(&h);
	harness_cleanup(&h);
}

#define UNREAD_CALLS 100000

/* Starts h's server with the options given ("contexts=4" and the like),
 * then connects with 4 KB buffers and sends calls ahead, reading none of
 * their replies (of some kilobytes each, so that the buffers fill), until
 * there is no room to send for 500 ms or the connection fails (TCP
 * probes a closed window at growing intervals, so this may take
 * seconds); the connection returned. */
static int
unread_flood(struct harness *h, const char *contexts, const char *unread,
    const char *idle)
{
	uint8_t theirs[8];
	int small = 4096, sent = 0, fd;
	struct pollfd pfd;

	harness_prepare(h, HARNESS_TCP, 0);
	harness_args(h, "-o", contexts, "-o", unread, "-o", idle, "-o",
	    "drain_ms=500", NULL);
	harness_restart(h);
	fd = raw_connect(h->url);
	assert_int_equal(
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	assert_int_equal(
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	send_all(fd, sp_req, 8);
	assert_int_equal(recv_all(fd, theirs, 8), 0);
	pfd.fd = fd;
	pfd.events = POLLOUT;
	while (sent < UNREAD_CALLS && poll(&pfd, 1, 500) == 1 &&
	    (pfd.revents & (POLLERR | POLLHUP)) == 0 &&
	    raw_call_try(fd, 0x80000000u + (uint32_t)sent,
	        "/hoptac.v1.Reflection/ListServices", h->token) == 0)
		sent++;
	assert_true(sent < UNREAD_CALLS);
	print_message("%d calls sent\n", sent);
	return fd;
}

/* Whether another client's Health/Check is answered within timeout_ms. */
static int
unread_others_served(struct harness *h, uint32_t timeout_ms)
{
	struct rpc_client *c = harness_client(h);
	int ok = ping_status(c, timeout_ms) == STATUS_OK;

	rpc_client_close(c);
	return ok;
}

/* Whether the server logged want, after a line for each of the
 * thousands of calls. */
static int
unread_logged(struct harness *h, const char *want)
{
	size_t len = 16 << 20;
	char *log = malloc(len);
	int found;

	assert_non_null(log);
	read_log(h, log, len);
	found = strstr(log, want) != NULL;
	free(log);
	return found;
}

/* A peer that sends calls ahead and reads none of their replies, to a
 * server with 4 contexts and the limits on unread replies off: once the
 * connection's buffers are full, its replies wait in nng's queue and hold
 * every context, so another client is not answered; the server still
 * stops at SIGTERM, on time and with exit status 0: closing its listener
 * drops that connection and the replies queued on it. A limit not below
 * the contexts is warned of at start. */
static void
test_unread_at_stop(void **state)
{
	struct harness h;
	int fd;

	(void)state;
	fd = unread_flood(
	    &h, "contexts=4", "max_unread_per_address=4", "idle_timeout_ms=0");
	assert_false(unread_others_served(&h, 1500));
	harness_stop(&h);
	close(fd);
	assert_true(unread_logged(&h,
	    "HOPTACD-UNREAD: max_unread_per_address "
	    "4 is not below contexts 4"));
	harness_cleanup(&h);
}

/* The same peer, to a server with 8 contexts of which one address may
 * hold 2 with replies unread (the idle limit off, so that only this
 * limit acts): its third unread reply closes its connection, which
 * frees the contexts, and another client is answered at once. */
static void
test_unread_closed(void **state)
{
	struct harness h;
	int fd;

	(void)state;
	fd = unread_flood(
	    &h, "contexts=8", "max_unread_per_address=2", "idle_timeout_ms=0");
	assert_true(closed_by_server(fd));
	close(fd);
	assert_true(unread_others_served(&h, 1500));
	assert_true(unread_logged(&h,
	    "HOPTACD-UNREAD: 127.0.0.1 leaves 3 replies unread "
	    "(max_unread_per_address 2)"));
	harness_stop(&h);
	harness_cleanup(&h);
}

/* The same peer, with every context its to hold (max_unread_per_address
 * at contexts): a reply left unread for idle_timeout_ms (1 s here)
 * closes its connection, and another client is answered within its 4 s
 * deadline. */
static void
test_unread_stale(void **state)
{
	struct harness h;
	int fd;

	(void)state;
	fd = unread_flood(&h, "contexts=4", "max_unread_per_address=4",
	    "idle_timeout_ms=1000");
	assert_true(unread_others_served(&h, 4000));
	assert_true(closed_by_server(fd));
	close(fd);
	assert_true(unread_logged(&h, "left a reply unread for"));
	assert_true(unread_logged(&h, "(idle_timeout_ms): closed"));
	harness_stop(&h);
	harness_cleanup(&h);
}

/* At least want descriptors for this process and the servers it starts
 * (which raise theirs to the hard limit themselves). */
static void
raise_fd_limit(rlim_t want)
{
	struct rlimit rl;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur >= want)
		return;
	if (rl.rlim_max < want) {
		print_message("open files limited to %llu, %llu needed\n",
		    (unsigned long long)rl.rlim_max, (unsigned long long)want);
		skip();
	}
	rl.rlim_cur = want;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

#define SILENT      1100
#define PER_ADDRESS 64 /* max_connections_per_address's default */
#define PING_MAX_MS "1000"
#define SETTLE_MS   2000

/* More connections than max_connections, all from one address, each
 * sending the SP handshake and then nothing: the server keeps
 * max_connections_per_address of them and closes the rest, and a ping
 * from another address is answered within its 1 s deadline. Without the
 * per-address limit the first 1024 took every place and held them. The
 * idle limit is off here: it is the per-address limit that must keep the
 * place. */
static void
test_silent_crowd(void **state)
{
	struct harness h;
	int *fds = calloc(SILENT, sizeof(*fds));
	uint8_t theirs[8];
	char out[1024], err[1024], log[65536];
	int closed = 0, rc;
	int64_t t0, until;

	(void)state;
	assert_non_null(fds);
	raise_fd_limit(SILENT + 256);
	harness_prepare(&h, HARNESS_TCP, 0);
	harness_args(&h, "-o", "idle_timeout_ms=0", NULL);
	harness_restart(&h);
	for (int i = 0; i < SILENT; i++) {
		fds[i] = raw_connect_from(h.url, "127.0.0.2");
		send_all(fds[i], sp_req, 8);
	}
	/* The server's half of every handshake: each pipe has reached the
	 * socket, or is about to. */
	for (int i = 0; i < SILENT; i++)
		assert_int_equal(recv_all(fds[i], theirs, 8), 0);
	usleep(300 * 1000);

	t0 = rpc_now_ms();
	rc = harness_cli(&h, out, sizeof(out), err, sizeof(err), "--timeout",
	    PING_MAX_MS, "ping", NULL);
	print_message("ping with %d silent connections held: exit %d in "
	              "%lld ms\n",
	    SILENT, rc, (long long)(rpc_now_ms() - t0));
	harness_expect(rc, 0, "ping from 127.0.0.1", out, err);

	/* The attacker's connections beyond its share were closed. */
	until = rpc_now_ms() + SETTLE_MS;
	for (int i = 0; i < SILENT; i++) {
		struct pollfd pfd = {.fd = fds[i], .events = POLLIN};
		int64_t left = until - rpc_now_ms();

		if (poll(&pfd, 1, left > 0 ? (int)left : 0) == 1 &&
		    read(fds[i], theirs, 1) <= 0)
			closed++;
		close(fds[i]);
	}
	print_message("%d of %d kept\n", SILENT - closed, SILENT);
	assert_int_equal(SILENT - closed, PER_ADDRESS);
	free(fds);
	harness_stop(&h);
	read_log(&h, log, sizeof(log));
	assert_non_null(
	    strstr(log, "HOPTACD-CONNECTIONS-ADDRESS: 127.0.0.2 holds 64"));
	harness_cleanup(&h);
}

#define IDLE_MS    "1000"
#define CALLING_MS 4000

/* A connection that asks nothing is closed after idle_timeout_ms; one
 * that makes a call every 100 ms is kept, and answered, all along. */
static void
test_idle_closed(void **state)
{
	struct harness h;
	uint8_t theirs[8];
	int idle, busy;
	int64_t t0, closed_ms = -1;
	uint32_t rid = 0x80000001;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	harness_args(&h, "-o", "idle_timeout_ms=" IDLE_MS, NULL);
	harness_restart(&h);
	idle = raw_connect(h.url);
	busy = raw_connect(h.url);
	send_all(idle, sp_req, 8);
	send_all(busy, sp_req, 8);
	assert_int_equal(recv_all(busy, theirs, 8), 0);
	assert_int_equal(recv_all(idle, theirs, 8), 0);
	t0 = rpc_now_ms();
	while (rpc_now_ms() - t0 < CALLING_MS) {
		struct pollfd pfd = {.fd = idle, .events = POLLIN};

		assert_int_equal(raw_ping(busy, rid++), STATUS_OK);
		if (closed_ms < 0 && poll(&pfd, 1, 0) == 1)
			closed_ms = rpc_now_ms() - t0;
		usleep(100 * 1000);
	}
	assert_true(closed_by_server(idle));
	if (closed_ms < 0)
		closed_ms = rpc_now_ms() - t0;
	print_message("idle connection closed after %lld ms; %u calls on "
	              "the other\n",
	    (long long)closed_ms, rid - 0x80000001);
	/* Not before its time (less the moments of its handshake). */
	assert_true(closed_ms >= atoi(IDLE_MS) - 100);
	assert_int_equal(raw_ping(busy, rid), STATUS_OK);
	close(idle);
	close(busy);
	harness_stop(&h);
	harness_cleanup(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stalled_peers),
	    cmocka_unit_test(test_oversized_flood),
	    cmocka_unit_test(test_max_connections),
	    cmocka_unit_test(test_ipv6_peer),
	    cmocka_unit_test(test_silent_crowd),
	    cmocka_unit_test(test_idle_closed),
	    cmocka_unit_test(test_pipelined),
	    cmocka_unit_test(test_unread_at_stop),
	    cmocka_unit_test(test_unread_closed),
	    cmocka_unit_test(test_unread_stale),
	};

	/* A peer the server drops must not kill the test with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
