/*
 * The listener: one REP socket, a pool of contexts each with its own aio
 * (the pattern of nng's demo/async), and the server's start and stop.
 * Callbacks never block: work that touches the store goes to a queue.
 */
#include "server_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nng/protocol/reqrep0/rep.h>
#include <nng/supplemental/util/platform.h>

#include "dispatch.h"
#include "log.h"
#include "queue.h"
#include "rpc.h"
#include "store.h"

enum slot_state {
	SLOT_RECV,
	SLOT_WORK,
	SLOT_SEND,
};

struct server_slot {
	struct server *srv;
	nng_aio *aio;
	nng_ctx ctx;
	enum slot_state state;
	struct call call;
};

static void
server_slot_recv(struct server_slot *s)
{
	s->state = SLOT_RECV;
	nng_ctx_recv(s->ctx, s->aio);
}

/* Called from any thread when a call has its outcome. */
static void
server_slot_finish(struct call *c)
{
	struct server_slot *s = (struct server_slot *)((char *)c -
	    offsetof(struct server_slot, call));
	nng_msg *reply = dispatch_reply(c);

	if (reply == NULL) {
		/* Out of memory: the client retries on its deadline. */
		atomic_fetch_sub(&s->srv->busy, 1);
		server_slot_recv(s);
		return;
	}
	s->state = SLOT_SEND;
	nng_aio_set_msg(s->aio, reply);
	nng_ctx_send(s->ctx, s->aio);
}

static void
server_slot_cb(void *arg)
{
	struct server_slot *s = arg;
	int rv = nng_aio_result(s->aio);

	switch (s->state) {
	case SLOT_RECV:
		if (rv == NNG_ECLOSED || rv == NNG_ECANCELED)
			return; /* shutting down */
		if (rv != 0) {
			log_warnx("HOPTACD-RECV: %s", nng_strerror(rv));
			server_slot_recv(s);
			return;
		}
		atomic_fetch_add(&s->srv->busy, 1);
		s->state = SLOT_WORK;
		dispatch_start(&s->call, nng_aio_get_msg(s->aio));
		return;
	case SLOT_SEND:
		if (rv != 0)
			nng_msg_free(nng_aio_get_msg(s->aio));
		atomic_fetch_sub(&s->srv->busy, 1);
		if (rv == NNG_ECLOSED || rv == NNG_ECANCELED)
			return;
		server_slot_recv(s);
		return;
	case SLOT_WORK:
		return; /* no aio is pending while a call works */
	}
}

int
server_stopping(const struct server *s)
{
	return atomic_load(&s->stopping);
}

/* The queues go first: what they still hold is answered while the
 * socket is open. Then the aios stop, so no callback runs past here. */
static void
server_free(struct server *s)
{
	if (s == NULL)
		return;
	readpool_destroy(s->readers);
	writer_destroy(s->writer);
	if (s->slots != NULL)
		for (int i = 0; i < s->cfg.contexts; i++)
			if (s->slots[i].aio != NULL)
				nng_aio_stop(s->slots[i].aio);
	nng_close(s->sock);
	if (s->slots != NULL) {
		for (int i = 0; i < s->cfg.contexts; i++)
			nng_aio_free(s->slots[i].aio);
		free(s->slots);
	}
	server_config_free(&s->cfg);
	free(s);
}

static int
server_copy_config(struct server_config *dst, const struct server_config *src)
{
	*dst = *src;
	dst->database = strdup(src->database);
	for (size_t i = 0; i < src->n_listen; i++)
		dst->listen[i] = strdup(src->listen[i]);
	if (dst->database == NULL)
		return -1;
	for (size_t i = 0; i < src->n_listen; i++)
		if (dst->listen[i] == NULL)
			return -1;
	return 0;
}

struct server *
server_start(const struct server_config *cfg, char *err, size_t errlen)
{
	struct server *s = calloc(1, sizeof(*s));
	struct store_conn *db = NULL;
	int rv;

	if (s == NULL || server_copy_config(&s->cfg, cfg) != 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (dispatch_init() != 0) {
		snprintf(err, errlen, "method table does not match the protocol");
		goto fail;
	}
	if (store_open(cfg->database, 0, &db, err, errlen) != 0)
		goto fail;
	if ((s->writer = writer_create(db)) == NULL) {
		store_close(db);
		snprintf(err, errlen, "cannot start the writer thread");
		goto fail;
	}
	s->readers = readpool_create(cfg->database, cfg->readers, err, errlen);
	if (s->readers == NULL)
		goto fail;
	if ((rv = nng_rep0_open(&s->sock)) != 0) {
		snprintf(err, errlen, "cannot open socket: %s", nng_strerror(rv));
		goto fail;
	}
	/* Above the logical limit, so an oversized request still arrives
	 * and is answered RESOURCE_EXHAUSTED instead of closing the pipe
	 * (after which REQ would resend it for ever). */
	nng_socket_set_size(s->sock, NNG_OPT_RECVMAXSZ, RPC_NNG_RECVMAXSZ);
	s->slots = calloc((size_t)cfg->contexts, sizeof(*s->slots));
	if (s->slots == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (int i = 0; i < cfg->contexts; i++) {
		struct server_slot *sl = &s->slots[i];

		sl->srv = s;
		sl->call.srv = s;
		sl->call.finish = server_slot_finish;
		if ((rv = nng_aio_alloc(&sl->aio, server_slot_cb, sl)) != 0 ||
		    (rv = nng_ctx_open(&sl->ctx, s->sock)) != 0) {
			snprintf(err, errlen, "cannot open context: %s",
			    nng_strerror(rv));
			goto fail;
		}
	}
	for (size_t i = 0; i < cfg->n_listen; i++) {
		rv = nng_listen(s->sock, cfg->listen[i], &s->listeners[i], 0);
		if (rv != 0) {
			snprintf(err, errlen, "cannot listen on %s: %s",
			    cfg->listen[i], nng_strerror(rv));
			goto fail;
		}
		s->n_listeners++;
		log_info("HOPTACD-LISTEN: listening on %s", cfg->listen[i]);
	}
	for (int i = 0; i < cfg->contexts; i++)
		server_slot_recv(&s->slots[i]);
	return s;
fail:
	server_free(s);
	return NULL;
}

void
server_stop(struct server *s)
{
	int64_t until;

	if (s == NULL)
		return;
	atomic_store(&s->stopping, 1);
	/* New connections are refused from here; calls on open ones get
	 * UNAVAILABLE while the ones in flight finish. */
	for (size_t i = 0; i < s->n_listeners; i++)
		nng_listener_close(s->listeners[i]);
	until = rpc_now_ms() + s->cfg.drain_ms;
	while (atomic_load(&s->busy) > 0 && rpc_now_ms() < until)
		nng_msleep(10);
	if (atomic_load(&s->busy) > 0)
		log_warnx("HOPTACD-DRAIN: %d calls still running after %d ms",
		    atomic_load(&s->busy), s->cfg.drain_ms);
	server_free(s);
	log_info("HOPTACD-STOP: stopped");
}
