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
	pthread_mutex_lock(&q->mu);
	if (q->tail != NULL)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

struct call *
callq_take(struct callq *q, int max)
{
	struct call *first, *last;

	pthread_mutex_lock(&q->mu);
	while (q->head == NULL && !q->closing)
		pthread_cond_wait(&q->cv, &q->mu);
	first = last = q->head;
	for (int n = 1; last != NULL && n < max && last->next != NULL; n++)
		last = last->next;
	if (last != NULL) {
		q->head = last->next;
		if (q->head == NULL)
			q->tail = NULL;
		last->next = NULL;
	}
	pthread_mutex_unlock(&q->mu);
	return first;
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
