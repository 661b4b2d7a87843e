#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "call.h"
#include "readers.h"
#include "rpc.h"
#include "status.h"
#include "store.h"
#include "writer.h"

#define READERS     4
#define PROBE_CALLS 16

#include "probe_fixture.h"

struct pool {
	char dir[64], path[96];
	struct writer *writer;
	struct readers *readers;
};

static int
pool_setup(void **state)
{
	struct pool *p = calloc(1, sizeof(*p));
	char err[256] = "";

	if (p == NULL)
		return -1;
	p->writer = probe_writer_open("/tmp/hoptac-readers-XXXXXX", p->dir,
	    sizeof(p->dir), p->path, sizeof(p->path));
	if (p->writer != NULL &&
	    (p->readers = readers_create(
	         p->path, READERS, p->writer, err, sizeof(err))) == NULL) {
		fprintf(stderr, "pool_setup: no readers: %s\n", err);
		writer_destroy(p->writer); /* closes the store */
		probe_files_remove(p->dir, p->path);
		p->writer = NULL;
	}
	if (p->writer == NULL) {
		free(p);
		return -1;
	}
	probe_reset();
	*state = p;
	return 0;
}

static int
pool_teardown(void **state)
{
	struct pool *p = *state;

	readers_destroy(p->readers);
	writer_destroy(p->writer);
	probe_files_remove(p->dir, p->path);
	free(p);
	return 0;
}

/* Calls one after another meet the reader that served the last: its
 * connection's caches are the warm ones. */
static void
test_sequential_calls_keep_one_reader(void **state)
{
	struct pool *p = *state;

	for (int i = 0; i < 12; i++) {
		/* As between two calls of a client: the reader is back. */
		while (readers_idle(p->readers) < READERS)
			usleep(1000);
		readers_submit(p->readers, &calls[i]);
		probe_wait(&probe.finished, i + 1);
	}
	for (int i = 1; i < 12; i++)
		assert_ptr_equal(probe.seen[i], probe.seen[0]);
}

/* Calls at once take every reader, each on its own connection; those
 * beyond wait their turn, and all end. */
static void
test_concurrent_calls_use_every_reader(void **state)
{
	struct pool *p = *state;

	probe_hold(1);
	for (int i = 0; i < READERS + 3; i++)
		readers_submit(p->readers, &calls[i]);
	probe_wait(&probe.started, READERS);
	for (int i = 0; i < READERS; i++)
		for (int j = i + 1; j < READERS; j++)
			assert_ptr_not_equal(probe.seen[i], probe.seen[j]);
	assert_int_equal(readers_idle(p->readers), 0);
	pthread_mutex_lock(&probe.mu);
	assert_int_equal(probe.started, READERS); /* the rest queued */
	pthread_mutex_unlock(&probe.mu);
	probe_hold(0);
	probe_wait(&probe.finished, READERS + 3);
}

/* Closing lets the readers finish what is queued: no call is left
 * without its end. */
static void
test_close_drains_the_queue(void **state)
{
	struct pool *p = *state;

	probe_hold(1);
	for (int i = 0; i < READERS + 5; i++)
		readers_submit(p->readers, &calls[i]);
	probe_wait(&probe.started, READERS);
	probe_hold(0);
	readers_destroy(p->readers);
	p->readers = NULL;
	assert_int_equal(probe.finished, READERS + 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_sequential_calls_keep_one_reader, pool_setup,
	        pool_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_concurrent_calls_use_every_reader, pool_setup,
	        pool_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_close_drains_the_queue, pool_setup, pool_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
