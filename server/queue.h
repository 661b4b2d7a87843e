/*
 * The work queues behind the listener: the single writer (group commit)
 * and the pool of readers. Both take calls that dispatch has routed and
 * end each with c->finish(c).
 */
#ifndef HOPTAC_QUEUE_H
#define HOPTAC_QUEUE_H

#include <stddef.h>

#include "call.h"

struct writer;
struct readpool;

/* The writer thread, owning the only read-write connection (opened by
 * the caller, handed over on success). NULL on failure. */
struct writer *writer_create(struct store_conn *db);
void writer_submit(struct writer *w, struct call *c);
/* Finishes queued calls, stops the thread, closes the connection. */
void writer_destroy(struct writer *w);

/* n reader threads, each with its own read-only connection to path.
 * NULL with a reason in err. */
struct readpool *readpool_create(
    const char *path, int n, char *err, size_t errlen);
void readpool_submit(struct readpool *p, struct call *c);
void readpool_destroy(struct readpool *p);

#endif
