/*
 * The readers: reads need no group and no transaction of the writer's,
 * so they run on threads of their own, each with a read-only connection,
 * one call at a time, and never wait for a commit.
 *
 * A call goes to the reader that became free last (a stack of idle
 * readers, each woken on its own condition): calls one after another
 * then meet the same connection, whose caches (sqlite's pages, a
 * PostgreSQL backend's catalogs and mapped buffers) the previous call
 * warmed. Waking the readers in turn, as one shared condition does,
 * met a cold connection at each of the first calls after a load: a
 * summary over a million records on PostgreSQL took 15 to 20 ms more
 * there. Under load every reader works, as before.
 */
#include "readers.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "callq.h"
#include "status.h"
#include "store.h"
#include "writer.h"

struct reader {
	struct readers *pool;
	pthread_t thread;
	struct store_conn *db; /* owned */
	int started;
	pthread_cond_t cv;   /* signalled when given a call, or closing */
	struct call *given;  /* handed over by readers_submit */
	struct reader *next; /* the next idle reader below this one */
	int idle;            /* on the pool's stack of idle readers */
};

struct readers {
	pthread_mutex_t mu;       /* guards all below and each reader's */
	struct call *head, *tail; /* calls no reader was free for */
	struct reader *idle;      /* the reader free last, on top */
	int closing;
	struct reader *threads; /* n of them */
	int n;
	struct writer *writer; /* whose acknowledged records reads must see */
};

/* The next call for r, waiting until there is one; NULL once the pool
 * is closing and nothing is left. */
static struct call *
readers_take(struct reader *r)
{
	struct readers *p = r->pool;
	struct call *c = NULL;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		if (r->given != NULL) {
			c = r->given;
			r->given = NULL;
			break;
		}
		/* Queued calls exist only while no reader is idle. */
		if (p->head != NULL && !r->idle) {
			c = p->head;
			if ((p->head = c->next) == NULL)
				p->tail = NULL;
			break;
		}
		if (p->closing)
			break;
		if (!r->idle) {
			r->next = p->idle;
			p->idle = r;
			r->idle = 1;
		}
		pthread_cond_wait(&r->cv, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return c;
}

/* A read of activities runs once every activity acknowledged before it
 * is settled where it reads; when they could not be, it fails rather
 * than answer without them. */
static int
readers_settled(struct reader *r, struct call *c)
{
	int rc;

	if (!(c->method->info->flags & METHOD_SETTLED) ||
	    (rc = writer_settled(r->pool->writer)) == STATUS_OK)
		return STATUS_OK;
	if (rc == STATUS_DATA_LOSS)
		return call_fail(c, rc,
		    "activities acknowledged before this call could not be "
		    "settled for reading: a record waiting is damaged (the "
		    "server's log says which: HOPTACD-SETTLE)");
	return call_fail(c, STATUS_UNAVAILABLE,
	    "activities acknowledged before this call could not be settled "
	    "for reading (the server's log says why: HOPTACD-SETTLE); retry");
}

static void *
readers_main(void *arg)
{
	struct reader *r = arg;
	struct call *c;

	callq_thread_name("hoptacd-reader");
	while ((c = readers_take(r)) != NULL) {
		if (!call_expired(c) && readers_settled(r, c) == STATUS_OK) {
			c->status = c->method->run(c, r->db);
			if (c->status == STATUS_OK)
				call_pack_output(c);
		}
		c->finish(c);
	}
	return NULL;
}

struct readers *
readers_create(
    const char *path, int n, struct writer *writer, char *err, size_t errlen)
{
	struct readers *p = calloc(1, sizeof(*p));

	if (p == NULL ||
	    (p->threads = calloc((size_t)n, sizeof(*p->threads))) == NULL) {
		free(p);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	p->n = n;
	p->writer = writer;
	for (int i = 0; i < n; i++)
		pthread_cond_init(&p->threads[i].cv, NULL);
	for (int i = 0; i < n; i++) {
		struct reader *r = &p->threads[i];

		r->pool = p;
		if (store_open(path, 1, &r->db, err, errlen) != STATUS_OK)
			goto fail;
		if (pthread_create(&r->thread, NULL, readers_main, r) != 0) {
			snprintf(err, errlen, "cannot start reader thread");
			goto fail;
		}
		r->started = 1;
	}
	return p;
fail:
	readers_destroy(p);
	return NULL;
}

void
readers_submit(struct readers *p, struct call *c)
{
	struct reader *r;

	c->next = NULL;
	pthread_mutex_lock(&p->mu);
	if ((r = p->idle) != NULL) {
		p->idle = r->next;
		r->idle = 0;
		r->given = c;
		pthread_cond_signal(&r->cv);
	} else if (p->tail != NULL) {
		p->tail->next = c;
		p->tail = c;
	} else {
		p->head = p->tail = c;
	}
	pthread_mutex_unlock(&p->mu);
}

int
readers_idle(struct readers *p)
{
	int n = 0;

	pthread_mutex_lock(&p->mu);
	for (const struct reader *r = p->idle; r != NULL; r = r->next)
		n++;
	pthread_mutex_unlock(&p->mu);
	return n;
}

void
readers_destroy(struct readers *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->closing = 1;
	for (int i = 0; i < p->n; i++)
		pthread_cond_signal(&p->threads[i].cv);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->n; i++) {
		if (p->threads[i].started)
			pthread_join(p->threads[i].thread, NULL);
		store_close(p->threads[i].db);
		pthread_cond_destroy(&p->threads[i].cv);
	}
	pthread_mutex_destroy(&p->mu);
	free(p->threads);
	free(p);
}
