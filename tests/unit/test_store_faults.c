/*
 * Faults a settling cannot be made to meet from outside, injected at
 * the linker's seams (tests/CMakeLists.txt wraps pthread_create, realloc
 * and sqlite3_step for this test alone): the helper's thread not
 * started, an allocation refused, a step of a statement failing. After
 * each, the caller hears of it, nothing of the settling is kept, every
 * record still waits in the inbox, and the next settling, the fault
 * gone, places them all with their counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "store.h"
#include "store_fixture.h"

int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
    void *(*start)(void *), void *arg);
void *__real_realloc(void *p, size_t n);
int __real_sqlite3_step(sqlite3_stmt *st);

int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
    void *(*start)(void *), void *arg);
void *__wrap_realloc(void *p, size_t n);
int __wrap_sqlite3_step(sqlite3_stmt *st);

/* Threads to refuse from now on. */
static atomic_int fault_threads;
/* The nth realloc from now fails (0: none); reallocs counted meanwhile. */
static atomic_long fault_realloc_at, reallocs;
/* The nth step from now of a statement whose SQL holds fault_sql (any,
 * when NULL) fails (0: none); such steps counted meanwhile. */
static const char *fault_sql;
static atomic_long fault_step_at, steps;

int
__wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
    void *(*start)(void *), void *arg)
{
	int left = atomic_load(&fault_threads);

	while (left > 0)
		if (atomic_compare_exchange_weak(
		        &fault_threads, &left, left - 1))
			return EAGAIN;
	return __real_pthread_create(thread, attr, start, arg);
}

/* Whether this is the call a countdown armed at: the settling's helper
 * counts down too, so the count is atomic. */
static int
fault_due(atomic_long *at, atomic_long *count)
{
	long left = atomic_load(at);

	atomic_fetch_add(count, 1);
	while (left > 0)
		if (atomic_compare_exchange_weak(at, &left, left - 1))
			return left == 1;
	return 0;
}

void *
__wrap_realloc(void *p, size_t n)
{
	if (fault_due(&fault_realloc_at, &reallocs))
		return NULL;
	return __real_realloc(p, n);
}

int
__wrap_sqlite3_step(sqlite3_stmt *st)
{
	const char *sql = sqlite3_sql(st);

	if ((fault_sql == NULL || (sql != NULL && strstr(sql, fault_sql))) &&
	    fault_due(&fault_step_at, &steps))
		return SQLITE_IOERR;
	return __real_sqlite3_step(st);
}

static void
fault_clear(void)
{
	atomic_store(&fault_threads, 0);
	atomic_store(&fault_realloc_at, 0);
	atomic_store(&fault_step_at, 0);
	atomic_store(&reallocs, 0);
	atomic_store(&steps, 0);
	fault_sql = NULL;
}

/* A settling of more than a few chunks: its records are made ready on
 * the helper's thread (STORE_INBOX_APART). */
#define FAULT_RECORDS 1000

/* What store_unsettled says of the records waiting (it weighs their
 * bytes too). */
static int64_t fault_weight;

static struct store_conn *
fault_waiting(struct store_fixture *f)
{
	struct store_conn *c = store_fixture_writer(f);

	fault_clear();
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_unit(c, "KT-DAKTO", "Kon Tum", "");
	store_fixture_insert_spread(c, 0, FAULT_RECORDS);
	fault_weight = store_unsettled(c);
	assert_true(fault_weight >= FAULT_RECORDS);
	return c;
}

/* A settling that failed kept nothing: every record waits. */
static void
fault_nothing_kept(struct store_fixture *f, struct store_conn *c, int rc,
    int64_t moved, long placed)
{
	assert_int_equal(rc, STATUS_INTERNAL);
	assert_int_equal(moved, 0);
	assert_int_equal(store_unsettled(c), fault_weight);
	assert_int_equal(
	    store_fixture_int(f->path, "SELECT count(*) FROM activities"),
	    placed);
	assert_int_equal(
	    store_fixture_int(f->path, "SELECT count(*) FROM activity_inbox"),
	    FAULT_RECORDS);
}

/* The fault gone, the next settling places every record waiting. */
static void
fault_settle(struct store_conn *c)
{
	int64_t moved = 0;

	fault_clear();
	assert_int_equal(store_settle(c, &moved), STATUS_OK);
	assert_int_equal(moved, FAULT_RECORDS);
}

/* Every record placed (placed in all), none waiting, and the kept
 * counts answering as the records do. */
static void
fault_placed(struct store_fixture *f, struct store_conn *c, long placed)
{
	static const int dims[] = {HOPTAC__V1__DIMENSION__DIMENSION_MONTH,
	    HOPTAC__V1__DIMENSION__DIMENSION_PARTNER,
	    HOPTAC__V1__DIMENSION__DIMENSION_UNIT};

	assert_int_equal(store_unsettled(c), 0);
	assert_int_equal(
	    store_fixture_int(f->path, "SELECT count(*) FROM activities"),
	    placed);
	assert_int_equal(
	    store_fixture_int(f->path, "SELECT count(*) FROM activity_inbox"),
	    0);
	for (size_t i = 0; i < sizeof(dims) / sizeof(dims[0]); i++) {
		Hoptac__V1__SummaryResponse *kept =
		    store_fixture_summary_by(c, dims[i], 0);
		Hoptac__V1__SummaryResponse *counted =
		    store_fixture_summary_by(c, dims[i], 1);

		assert_true(kept->n_rows > 0);
		store_fixture_assert_same(&kept->base, &counted->base);
		hoptac__v1__summary_response__free_unpacked(kept, NULL);
		hoptac__v1__summary_response__free_unpacked(counted, NULL);
	}
}

/* Without its helper's thread, the settling makes its records ready
 * itself, as a small one does. */
static void
test_fault_helper_not_started(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c;
	int64_t moved = 0;

	STORE_FIXTURE_SQLITE_ONLY();
	c = fault_waiting(f);
	atomic_store(&fault_threads, 1);
	assert_int_equal(store_settle(c, &moved), STATUS_OK);
	/* It was asked for, and refused. */
	assert_int_equal(atomic_load(&fault_threads), 0);
	assert_int_equal(moved, FAULT_RECORDS);
	fault_placed(f, c, FAULT_RECORDS);
}

/* Fails the settling of a batch at points spread over it, from its
 * first call of the kind *at counts down (a realloc, a step) to its
 * last but spared, as counted by *count in the settling of a batch like
 * it: each of the first three, then every sixteenth of the way. The
 * batch settled before stays as it was. */
static void
fault_spread(struct store_fixture *f, struct store_conn *c, atomic_long *at,
    atomic_long *count, long spared)
{
	int64_t moved = 0;
	long total, points[3 + 15 + 1];
	size_t n = 0;

	/* Counted in the batch before, settled whole: the first batch's
	 * settling differs (its counts' keys are new), the next ones not. */
	atomic_store(at, 1L << 40);
	atomic_store(count, 0);
	assert_int_equal(store_settle(c, &moved), STATUS_OK);
	assert_int_equal(moved, FAULT_RECORDS);
	total = atomic_load(count);
	assert_true(total > 3);
	fault_clear();
	store_fixture_insert_spread(c, FAULT_RECORDS, FAULT_RECORDS);
	fault_weight = store_unsettled(c);
	for (long i = 1; i <= 3; i++)
		points[n++] = i;
	for (long part = 1; part < 16; part++)
		points[n++] = total * part / 16;
	points[n++] = total - spared;
	for (size_t i = 0; i < n; i++) {
		atomic_store(at, points[i]);
		moved = 0;
		fault_nothing_kept(
		    f, c, store_settle(c, &moved), moved, FAULT_RECORDS);
		/* The fault was met: the settling got that far. */
		assert_int_equal(atomic_load(at), 0);
		fault_clear();
	}
	fault_settle(c);
	fault_placed(f, c, 2L * FAULT_RECORDS);
}

/* A realloc of a settling refused: the rows' bytes read ahead (the
 * writer's), the counts (the helper's), the records' folded texts. */
static void
test_fault_realloc(void **state)
{
	struct store_fixture *f = *state;

	STORE_FIXTURE_SQLITE_ONLY();
	fault_spread(f, fault_waiting(f), &fault_realloc_at, &reallocs, 0);
}

/* The inbox's statement fails at its first row, halfway (the helper
 * busy with the chunks before), and where it would have ended. */
static void
test_fault_inbox_step(void **state)
{
	static const long at[] = {1, FAULT_RECORDS / 2, FAULT_RECORDS + 1};
	struct store_fixture *f = *state;
	struct store_conn *c;

	STORE_FIXTURE_SQLITE_ONLY();
	c = fault_waiting(f);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		int64_t moved = 0;

		fault_sql = "FROM activity_inbox ORDER BY seq";
		atomic_store(&fault_step_at, at[i]);
		fault_nothing_kept(f, c, store_settle(c, &moved), moved, 0);
		assert_int_equal(atomic_load(&fault_step_at), 0);
		fault_clear();
	}
	fault_settle(c);
	fault_placed(f, c, FAULT_RECORDS);
}

/* A step of any statement failing, over the whole settling: the
 * records' rows, their partner and field rows, the counts. Its last two
 * steps are spared: two lookups a failure of which the settling goes
 * past on purpose, the connection's secure_delete (put back as ON,
 * store_sqlite_clear_table) and how many audit rows wait (all settled
 * then, store_sqlite_audit_pending). */
static void
test_fault_any_step(void **state)
{
	struct store_fixture *f = *state;

	STORE_FIXTURE_SQLITE_ONLY();
	fault_spread(f, fault_waiting(f), &fault_step_at, &steps, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_fault_helper_not_started),
	    STORE_FIXTURE_TEST(test_fault_realloc),
	    STORE_FIXTURE_TEST(test_fault_inbox_step),
	    STORE_FIXTURE_TEST(test_fault_any_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
