/*
 * The queue of calls between the listener and the threads that serve
 * them: dispatch pushes a routed call from an nng callback, which must
 * not block on the store, and the writer or a reader takes it. A FIFO
 * with its lock and condition, embedded in its consumer.
 */
#ifndef HOPTAC_CALLQ_H
#define HOPTAC_CALLQ_H

#include <pthread.h>
#include <time.h>

#include "call.h"

struct callq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct call *head, *tail; /* linked through call->next */
	int closing;
	int kicked; /* callq_kick since the last callq_take_timed */
};

/* An empty, open queue. */
void callq_init(struct callq *q);

/* Frees the lock and condition; the queue is closed and its consumers
 * are gone. */
void callq_fini(struct callq *q);

/* Appends c and wakes one consumer. */
void callq_push(struct callq *q, struct call *c);

/* Appends the calls linked from first, in order, and wakes one
 * consumer. */
void callq_push_all(struct callq *q, struct call *first);

/* Takes up to max calls, linked in order, waiting for one. NULL once
 * the queue is closing and empty: the consumer's cue to return. */
struct call *callq_take(struct callq *q, int max);

/* callq_take that waits at most timeout_ms (< 0: as long as it takes)
 * and returns NULL at once after callq_kick; *closing is set when the
 * queue is closing and empty. */
struct call *callq_take_timed(
    struct callq *q, int max, int timeout_ms, int *closing);

/* The time ms from now on the clock pthread_cond_timedwait reads. */
void callq_abstime(int ms, struct timespec *out);

/* Whether the queue is empty and open: a producer may then serve its
 * call itself (writer_submit). */
int callq_idle(struct callq *q);

/* Wakes the consumer waiting in callq_take_timed without a call. */
void callq_kick(struct callq *q);

/* Wakes every consumer; they take what is left, then NULL. */
void callq_close(struct callq *q);

/* Names the calling thread (a consumer, or the settling's helper), so
 * that top -H and /proc/PID/task show how busy the writer and the
 * readers are (bench/run.sh reads the writer's). */
void callq_thread_name(const char *name);

#endif
