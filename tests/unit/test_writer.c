#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "rpc.h"
#include "store.h"
#include "writer.h"

#define CALLS       9
#define PROBE_CALLS CALLS

#include "probe_fixture.h"

struct fixture {
	char dir[64], path[96];
	struct writer *writer;
	Hoptac__V1__Request req[CALLS];
	char ids[CALLS][16];
};

static int
fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->writer = probe_writer_open("/tmp/hoptac-writer-XXXXXX", f->dir,
	    sizeof(f->dir), f->path, sizeof(f->path));
	if (f->writer == NULL) {
		free(f);
		return -1;
	}
	probe_reset();
	for (int i = 0; i < CALLS; i++) {
		hoptac__v1__request__init(&f->req[i]);
		snprintf(f->ids[i], sizeof(f->ids[i]), "probe-%d", i);
		f->req[i].request_id = f->ids[i];
		calls[i].req = &f->req[i];
	}
	*state = f;
	return 0;
}

static int
fixture_teardown(void **state)
{
	struct fixture *f = *state;

	writer_destroy(f->writer);
	probe_files_remove(f->dir, f->path);
	free(f);
	return 0;
}

/* Submits calls[0] from a thread of its own, named as nng's are not. */
static void *
submit_first(void *arg)
{
	prctl(PR_SET_NAME, "test-submitter", 0, 0, 0);
	writer_submit(arg, &calls[0]);
	return NULL;
}

/* Calls submitted while the writer is busy make the writer's thread's
 * next groups, and their replies are sent by the replier's thread, not
 * the writer's, which goes on to the next group; a call that found the
 * writer idle ran on, and is answered by, the thread that submitted
 * it. */
static void
test_group_replies_leave_the_writer(void **state)
{
	struct fixture *f = *state;
	pthread_t t;

	writer_settled(f->writer); /* the settling at start is over */
	probe_hold(1);
	assert_int_equal(pthread_create(&t, NULL, submit_first, f->writer), 0);
	probe_wait(&probe.started, 1); /* served by its submitter, held */
	for (int i = 1; i < CALLS; i++)
		writer_submit(f->writer, &calls[i]);
	probe_hold(0);
	probe_wait(&probe.finished, CALLS);
	pthread_join(t, NULL);
	/* The first found the writer idle, unless its thread was still
	 * ending the settling at start: then it made a group too. */
	if (strcmp(probe.ran[0], "test-submitter") == 0)
		assert_string_equal(probe.by[0], "test-submitter");
	else
		assert_string_equal(probe.by[0], "hoptacd-reply");
	for (int i = 1; i < CALLS; i++) {
		assert_string_equal(probe.ran[i], "hoptacd-writer");
		assert_string_equal(probe.by[i], "hoptacd-reply");
	}
	for (int i = 0; i < CALLS; i++)
		assert_int_equal(calls[i].audited, 1);
}

/* A stop answers every call queued before it, the groups' replies sent
 * before writer_destroy returns. */
static void
test_destroy_answers_every_group(void **state)
{
	struct fixture *f = *state;
	pthread_t t;

	probe_hold(1);
	assert_int_equal(pthread_create(&t, NULL, submit_first, f->writer), 0);
	probe_wait(&probe.started, 1);
	for (int i = 1; i < CALLS; i++)
		writer_submit(f->writer, &calls[i]);
	probe_hold(0);
	pthread_join(t, NULL);
	writer_destroy(f->writer);
	f->writer = NULL;
	assert_int_equal(probe.finished, CALLS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_group_replies_leave_the_writer,
	        fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_destroy_answers_every_group,
	        fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
