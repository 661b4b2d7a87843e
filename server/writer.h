/*
 * The writer: the one thread that writes to the database, through the
 * only read-write connection, committing calls in groups. dispatch hands
 * it every METHOD_WRITE call and every call that needs an audit row; it
 * ends each with c->finish(c) once its transaction is durable.
 */
#ifndef HOPTAC_WRITER_H
#define HOPTAC_WRITER_H

#include "call.h"

struct writer;

/* The writer thread, owning the only read-write connection (opened by
 * the caller, handed over on success). NULL on failure. */
struct writer *writer_create(struct store_conn *db);

/* Queues c for the next group; never blocks on the store. */
void writer_submit(struct writer *w, struct call *c);

/* Returns once every new record acknowledged so far is settled where
 * readers find it (store.h, store_settle), asking the writer to settle
 * now if need be; at once when nothing waits. For reader threads.
 * STATUS_OK, or the status of the attempt that failed: the records then
 * still wait, and a read would miss them. */
int writer_settled(struct writer *w);

/* Finishes queued calls, stops the thread, closes the connection. */
void writer_destroy(struct writer *w);

#endif
