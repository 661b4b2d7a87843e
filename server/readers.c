/*
 * The readers: reads need no group and no transaction of the writer's,
 * so they run on threads of their own, each with a read-only connection,
 * one call at a time, and never wait for a commit.
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
};

struct readers {
	struct callq q;
	struct reader *threads; /* n of them */
	int n;
	struct writer *writer; /* whose acknowledged records reads must see */
};

static void *
readers_main(void *arg)
{
	struct reader *r = arg;
	struct call *c;

	callq_thread_name("hoptacd-reader");
	while ((c = callq_take(&r->pool->q, 1)) != NULL) {
		if (!call_expired(c)) {
			writer_settled(r->pool->writer);
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
	callq_init(&p->q);
	p->n = n;
	p->writer = writer;
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
	callq_push(&p->q, c);
}

void
readers_destroy(struct readers *p)
{
	if (p == NULL)
		return;
	callq_close(&p->q);
	for (int i = 0; i < p->n; i++) {
		if (p->threads[i].started)
			pthread_join(p->threads[i].thread, NULL);
		store_close(p->threads[i].db);
	}
	callq_fini(&p->q);
	free(p->threads);
	free(p);
}
