/*
 * The machine's own limit on hand-offs: what it costs one thread to wake
 * another, on the same CPU and on another. Two threads pass a byte back
 * and forth through two pipes, each blocking in read until the other
 * writes, so each round trip is two wakeups; the first thread is pinned
 * to CPU 0, the second to the CPU given. With -b a thread of the lowest
 * priority (SCHED_IDLE) keeps each CPU busy, so that a wakeup never
 * finds its CPU halted: what is left is the cost of the wakeup itself.
 *
 *   bench_wake [-n rounds] [-b]
 *
 * A call to hoptacd wakes threads in both processes some ten times
 * (nng's poller and task threads, the writer, the replier);
 * docs/PERFORMANCE.md sets these figures against a call's CPU.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct wake_pair {
	int ping[2], pong[2]; /* pipes: [0] read, [1] write */
	int rounds;
	int cpu; /* of the second thread */
	int failed;
};

static atomic_int wake_stop;
static int wake_cpus[2] = {0, 1};

static int
wake_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static double
wake_now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* The second thread: answers every byte. */
static void *
wake_echo(void *arg)
{
	struct wake_pair *p = arg;
	char c;

	if (wake_pin(p->cpu) != 0) {
		p->failed = 1;
		return NULL;
	}
	for (int i = 0; i < p->rounds; i++)
		if (read(p->ping[0], &c, 1) != 1 ||
		    write(p->pong[1], &c, 1) != 1) {
			p->failed = 1;
			break;
		}
	return NULL;
}

/* Keeps its CPU from idling, below every other thread. */
static void *
wake_busy(void *arg)
{
	struct sched_param none = {0};

	if (wake_pin(*(const int *)arg) != 0 ||
	    pthread_setschedparam(pthread_self(), SCHED_IDLE, &none) != 0)
		return NULL;
	while (!atomic_load_explicit(&wake_stop, memory_order_relaxed))
		;
	return NULL;
}

/* Microseconds a round trip to a thread on cpu, or -1. */
static double
wake_round_trip(int cpu, int rounds)
{
	struct wake_pair p = {{-1, -1}, {-1, -1}, rounds, cpu, 0};
	double t0, t1 = 0;
	pthread_t echo;
	char c = 'x';
	int ok = 0;

	if (pipe(p.ping) != 0 || pipe(p.pong) != 0 ||
	    pthread_create(&echo, NULL, wake_echo, &p) != 0)
		goto out;
	t0 = wake_now_us();
	for (int i = 0; i < rounds; i++)
		if (write(p.ping[1], &c, 1) != 1 || read(p.pong[0], &c, 1) != 1)
			break;
	t1 = wake_now_us() - t0;
	pthread_join(echo, NULL);
	ok = !p.failed;
out:
	for (int i = 0; i < 2; i++) {
		if (p.ping[i] >= 0)
			close(p.ping[i]);
		if (p.pong[i] >= 0)
			close(p.pong[i]);
	}
	return ok ? t1 / rounds : -1;
}

int
main(int argc, char **argv)
{
	int rounds = 100000, busy = 0, ch, ncpu;
	pthread_t busy_thr[2];
	double same, other;

	while ((ch = getopt(argc, argv, "n:b")) != -1) {
		switch (ch) {
		case 'n':
			rounds = atoi(argv[optind - 1]);
			break;
		case 'b':
			busy = 1;
			break;
		default:
			fprintf(stderr, "usage: bench_wake [-n rounds] [-b]\n");
			return 2;
		}
	}
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (rounds < 1 || ncpu < 2 || wake_pin(0) != 0) {
		fprintf(stderr, "bench_wake: needs 2 CPUs and rounds > 0\n");
		return 1;
	}
	if (busy)
		for (int i = 0; i < 2; i++)
			if (pthread_create(&busy_thr[i], NULL, wake_busy,
			        &wake_cpus[i]) != 0)
				return 1;
	same = wake_round_trip(0, rounds);
	other = wake_round_trip(1, rounds);
	if (busy) {
		atomic_store(&wake_stop, 1);
		for (int i = 0; i < 2; i++)
			pthread_join(busy_thr[i], NULL);
	}
	if (same < 0 || other < 0) {
		fprintf(stderr, "bench_wake: a pipe or a thread failed\n");
		return 1;
	}
	printf("wake cpus_busy=%d rounds=%d same_cpu_us=%.2f other_cpu_us=%.2f "
	       "(a round trip: two wakeups)\n",
	    busy, rounds, same, other);
	return 0;
}
