/*
 * The queue of calls: what lets the nng callbacks hand store work to the
 * writer and the readers without blocking. The writer takes a whole
 * group at once (group commit); a reader takes one call.
 */
#include "callq.h"

#ifdef __linux__
#include <sys/prctl.h>
#endif

void
callq_init(struct callq *q)
{
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->head = q->tail = NULL;
	q->closing = 0;
	q->kicked = 0;
}

void
callq_fini(struct callq *q)
{
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
}

void
callq_push(struct callq *q, struct call *c)
{
	c->next = NULL;
	callq_push_all(q, c);
}

void
callq_push_all(struct callq *q, struct call *first)
{
	struct call *last = first;

	while (last->next != NULL)
		last = last->next;
	pthread_mutex_lock(&q->mu);
	if (q->tail != NULL)
		q->tail->next = first;
	else
		q->head = first;
	q->tail = last;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/* Unlinks up to max calls from the head; q->mu held. */
static struct call *
callq_unlink(struct callq *q, int max)
{
	struct call *first, *last;

	first = last = q->head;
	for (int n = 1; last != NULL && n < max && last->next != NULL; n++)
		last = last->next;
	if (last != NULL) {
		q->head = last->next;
		if (q->head == NULL)
			q->tail = NULL;
		last->next = NULL;
	}
	return first;
}

struct call *
callq_take(struct callq *q, int max)
{
	struct call *first;

	pthread_mutex_lock(&q->mu);
	while (q->head == NULL && !q->closing)
		pthread_cond_wait(&q->cv, &q->mu);
	first = callq_unlink(q, max);
	pthread_mutex_unlock(&q->mu);
	return first;
}

void
callq_abstime(int ms, struct timespec *out)
{
	clock_gettime(CLOCK_REALTIME, out);
	out->tv_sec += ms / 1000;
	out->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (out->tv_nsec >= 1000000000L) {
		out->tv_sec++;
		out->tv_nsec -= 1000000000L;
	}
}

struct call *
callq_take_timed(struct callq *q, int max, int timeout_ms, int *closing)
{
	struct timespec until;
	struct call *first;

	if (timeout_ms >= 0)
		callq_abstime(timeout_ms, &until);
	pthread_mutex_lock(&q->mu);
	while (q->head == NULL && !q->closing && !q->kicked) {
		if (timeout_ms < 0)
			pthread_cond_wait(&q->cv, &q->mu);
		else if (pthread_cond_timedwait(&q->cv, &q->mu, &until) != 0)
			break;
	}
	q->kicked = 0;
	*closing = q->head == NULL && q->closing;
	first = callq_unlink(q, max);
	pthread_mutex_unlock(&q->mu);
	return first;
}

int
callq_idle(struct callq *q)
{
	int idle;

	pthread_mutex_lock(&q->mu);
	idle = q->head == NULL && !q->closing;
	pthread_mutex_unlock(&q->mu);
	return idle;
}

void
callq_kick(struct callq *q)
{
	pthread_mutex_lock(&q->mu);
	q->kicked = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void
callq_close(struct callq *q)
{
	pthread_mutex_lock(&q->mu);
	q->closing = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void
callq_thread_name(const char *name)
{
#ifdef __linux__
	prctl(PR_SET_NAME, name, 0, 0, 0);
#else
	(void)name;
#endif
}
