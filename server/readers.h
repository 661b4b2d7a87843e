/*
 * The readers: a pool of threads, each with its own read-only
 * connection, that run METHOD_READ calls side by side while the writer
 * commits (WAL lets readers and the writer proceed together). Each call
 * ends with c->finish(c).
 */
#ifndef HOPTAC_READERS_H
#define HOPTAC_READERS_H

#include <stddef.h>

#include "call.h"

struct readers;
struct writer;

/* n reader threads, each with its own read-only connection to path;
 * each call waits first for writer's acknowledged records to be settled
 * (writer_settled). NULL with a reason in err. */
struct readers *readers_create(
    const char *path, int n, struct writer *writer, char *err, size_t errlen);

/* Queues c for the first reader free; never blocks on the store. */
void readers_submit(struct readers *p, struct call *c);

/* How many readers wait for a call now. */
int readers_idle(struct readers *p);

/* Lets the readers finish what is queued, stops them, closes their
 * connections. */
void readers_destroy(struct readers *p);

#endif
