/*
 * The transport's own limit: a bare nng REQ/REP echo on loopback, with
 * the same message size and concurrency as the hoptac workload, so that
 * docs/PERFORMANCE.md can give hoptac's rate as a share of it.
 *
 *   bench_echo -c 16 -n 2000 -s 400 [-u tcp://127.0.0.1:7450]
 *
 * With -S it only serves, until it is killed; with -1 it is a client
 * process making one call to such a server and exiting: what a whole
 * `hoptac ping` process is measured against.
 *
 *   bench_echo -S -u tcp://127.0.0.1:7450 &  bench_echo -1 -u ...
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>

#define ECHO_CONTEXTS 64

struct echo_ctx {
	nng_aio *aio;
	nng_ctx ctx;
	int sending;
};

static void
echo_cb(void *arg)
{
	struct echo_ctx *e = arg;

	if (nng_aio_result(e->aio) != 0) {
		if (e->sending)
			nng_msg_free(nng_aio_get_msg(e->aio));
		return; /* closed */
	}
	if (e->sending) {
		e->sending = 0;
		nng_ctx_recv(e->ctx, e->aio);
		return;
	}
	/* The request goes back as the reply, as a server would answer. */
	e->sending = 1;
	nng_ctx_send(e->ctx, e->aio);
}

struct echo_client {
	const char *url;
	int calls;
	size_t size;
	int errors;
	pthread_t thread;
};

static void *
echo_client_main(void *arg)
{
	struct echo_client *c = arg;
	nng_socket s;

	if (nng_req0_open(&s) != 0 || nng_dial(s, c->url, NULL, 0) != 0) {
		c->errors = c->calls;
		nng_close(s);
		return NULL;
	}
	nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 10000);
	for (int i = 0; i < c->calls; i++) {
		nng_msg *m;

		if (nng_msg_alloc(&m, c->size) != 0) {
			c->errors++;
			continue;
		}
		memset(nng_msg_body(m), 'x', c->size);
		if (nng_sendmsg(s, m, 0) != 0) {
			nng_msg_free(m);
			c->errors++;
			continue;
		}
		if (nng_recvmsg(s, &m, 0) != 0) {
			c->errors++;
			continue;
		}
		nng_msg_free(m);
	}
	nng_close(s);
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *url = "tcp://127.0.0.1:7450";
	int clients = 1, calls = 2000, ch, errors = 0, serve = 0, once = 0;
	size_t size = 400;
	struct echo_ctx ctx[ECHO_CONTEXTS];
	struct echo_client *c;
	struct timespec t0, t1;
	nng_socket rep;
	double secs;

	while ((ch = getopt(argc, argv, "u:c:n:s:S1")) != -1) {
		switch (ch) {
		case 'S':
			serve = 1;
			break;
		case '1':
			once = 1;
			break;
		case 'u':
			url = optarg;
			break;
		case 'c':
			clients = atoi(optarg);
			break;
		case 'n':
			calls = atoi(optarg);
			break;
		case 's':
			size = (size_t)atol(optarg);
			break;
		default:
			fprintf(stderr,
			    "usage: bench_echo [-u url] [-c clients] "
			    "[-n calls each] [-s bytes] [-S | -1]\n");
			return 2;
		}
	}
	if (once) {
		struct echo_client one = {url, 1, size, 0, 0};

		echo_client_main(&one);
		return one.errors ? 1 : 0;
	}
	if (clients < 1 || calls < 1 || nng_rep0_open(&rep) != 0 ||
	    nng_listen(rep, url, NULL, 0) != 0) {
		fprintf(stderr, "bench_echo: cannot listen on %s\n", url);
		return 1;
	}
	for (int i = 0; i < ECHO_CONTEXTS; i++) {
		ctx[i].sending = 0;
		if (nng_aio_alloc(&ctx[i].aio, echo_cb, &ctx[i]) != 0 ||
		    nng_ctx_open(&ctx[i].ctx, rep) != 0)
			return 1;
		nng_ctx_recv(ctx[i].ctx, ctx[i].aio);
	}
	if (serve)
		for (;;)
			pause();
	if ((c = calloc((size_t)clients, sizeof(*c))) == NULL)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < clients; i++) {
		c[i].url = url;
		c[i].calls = calls;
		c[i].size = size;
		pthread_create(&c[i].thread, NULL, echo_client_main, &c[i]);
	}
	for (int i = 0; i < clients; i++) {
		pthread_join(c[i].thread, NULL);
		errors += c[i].errors;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("echo clients=%d calls=%d size=%zu errors=%d calls/s=%.0f\n",
	    clients, clients * calls, size, errors,
	    (double)clients * calls / secs);
	for (int i = 0; i < ECHO_CONTEXTS; i++)
		nng_aio_stop(ctx[i].aio);
	nng_close(rep);
	for (int i = 0; i < ECHO_CONTEXTS; i++)
		nng_aio_free(ctx[i].aio);
	free(c);
	return errors ? 1 : 0;
}
