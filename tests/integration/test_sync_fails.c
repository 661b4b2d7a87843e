/*
 * A disk that stops making writes durable (fsync and fdatasync failing
 * with EIO, tests/integration/fault_sync.c loaded into hoptacd): a write
 * that could not be committed is refused with UNAVAILABLE and the reason,
 * never acknowledged; reads and the server go on; once the disk answers
 * again the same request goes through once; and after a kill every
 * record acknowledged, before the fault and after it, is there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "status.h"

#define SYNC_UNIT "KT-DAKGLEI"

struct sync_fixture {
	struct harness h;
	char dir[64];      /* holds the trigger */
	char trigger[128]; /* while it exists, syncs fail */
};

/* Submits the activity id through c with its own request id and a
 * deadline short enough for a test; the status, st filled. */
static int
sync_submit(struct rpc_client *c, const char *id, uint32_t timeout_ms,
    struct rpc_client_status *st)
{
	Hoptac__V1__Activity *a =
	    harness_activity(SYNC_UNIT, id, 1, "2024-05-02", 2);
	struct rpc_client_options opt = {timeout_ms, id, 0};
	int rc = harness_submit_with(c, a, &opt, st);

	hoptac__v1__activity__free_unpacked(a, NULL);
	return rc;
}

/* Starts hoptacd with fault_sync.c loaded: only the server, not the
 * tests' own processes. Under AddressSanitizer the preloaded library
 * comes before its runtime, which it must be told to allow. */
static void
sync_start(struct sync_fixture *f)
{
	const char *asan = getenv("ASAN_OPTIONS");
	char *kept = asan != NULL ? strdup(asan) : NULL;
	char opts[512];

	snprintf(opts, sizeof(opts), "%s%sverify_asan_link_order=0",
	    asan != NULL ? asan : "", asan != NULL && asan[0] ? ":" : "");
	assert_int_equal(setenv("HOPTAC_FAULT_SYNC", f->trigger, 1), 0);
	assert_int_equal(setenv("ASAN_OPTIONS", opts, 1), 0);
	assert_int_equal(setenv("LD_PRELOAD", HOPTAC_FAULT_SYNC_LIB, 1), 0);
	harness_start(&f->h, HARNESS_TCP, 0);
	unsetenv("LD_PRELOAD");
	if (kept != NULL)
		setenv("ASAN_OPTIONS", kept, 1);
	else
		unsetenv("ASAN_OPTIONS");
	free(kept);
}

static void
sync_arm(const struct sync_fixture *f, int on)
{
	if (on) {
		int fd = open(f->trigger, O_WRONLY | O_CREAT, 0644);

		assert_true(fd >= 0);
		close(fd);
	} else {
		assert_int_equal(unlink(f->trigger), 0);
	}
}

static void
test_commit_fails(void **state)
{
	struct sync_fixture *f = *state;
	struct rpc_client_status st;
	struct rpc_client *c;
	char log[65536] = "";
	FILE *lf;
	size_t n;

	if (f == NULL) {
		skip(); /* on PostgreSQL, or under valgrind (setup) */
		return;
	}
	c = harness_client(&f->h);
	harness_unit(c, SYNC_UNIT, "Huyện Đắk Glei");
	assert_int_equal(sync_submit(c, "before-1", 5000, &st), STATUS_OK);
	assert_int_equal(harness_count(c, SYNC_UNIT), 1); /* settled */

	sync_arm(f, 1);
	assert_int_equal(
	    sync_submit(c, "during-1", 1500, &st), STATUS_UNAVAILABLE);
	assert_non_null(strstr(st.message, "could not be committed"));
	assert_true(st.answered);
	/* Retried while the deadline lasted, each time refused. */
	assert_true(st.attempts >= 2);
	/* Reads and the server go on; nothing of the refused write. */
	assert_int_equal(harness_count(c, SYNC_UNIT), 1);

	sync_arm(f, 0);
	/* The same request again, now that the disk answers: stored once. */
	assert_int_equal(sync_submit(c, "during-1", 5000, &st), STATUS_OK);
	assert_int_equal(sync_submit(c, "during-1", 5000, &st), STATUS_OK);
	assert_int_equal(sync_submit(c, "after-1", 5000, &st), STATUS_OK);
	assert_int_equal(harness_count(c, SYNC_UNIT), 3);
	rpc_client_close(c);

	/* Every acknowledged record survives a kill. */
	harness_kill(&f->h);
	harness_restart(&f->h);
	c = harness_client(&f->h);
	assert_int_equal(harness_count(c, SYNC_UNIT), 3);
	rpc_client_close(c);
	assert_non_null(lf = fopen(f->h.log, "r"));
	n = fread(log, 1, sizeof(log) - 1, lf);
	log[n] = '\0';
	fclose(lf);
	assert_non_null(strstr(log, "HOPTACD-COMMIT"));
}

static int
setup(void **state)
{
	static struct sync_fixture fs;

	*state = NULL;
	if (harness_pg() || harness_valgrind())
		return 0; /* sqlite's files; valgrind brings its own preload */
	snprintf(fs.dir, sizeof(fs.dir), "/tmp/hoptac-fault-XXXXXX");
	if (mkdtemp(fs.dir) == NULL)
		return -1;
	snprintf(fs.trigger, sizeof(fs.trigger), "%s/fail-sync", fs.dir);
	sync_start(&fs);
	*state = &fs;
	return 0;
}

static int
teardown(void **state)
{
	struct sync_fixture *f = *state;

	if (f == NULL)
		return 0;
	harness_stop(&f->h);
	harness_cleanup(&f->h);
	unlink(f->trigger);
	rmdir(f->dir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_commit_fails),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
