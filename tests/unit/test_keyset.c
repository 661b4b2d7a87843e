/*
 * The sqlite writer's set of pairs (server/store/store_keyset.h): pairs
 * told apart by where the first string ends, kept through growing, and
 * emptied.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>

#include "store/store_keyset.h"

static void
test_keyset_pairs(void **state)
{
	struct store_keyset s = {NULL, 0, 0};

	(void)state;
	assert_false(store_keyset_has(&s, "a", "b"));
	assert_int_equal(store_keyset_put(&s, "cred-a", "req-1"), 1);
	assert_int_equal(store_keyset_put(&s, "cred-a", "req-1"), 0);
	assert_int_equal(s.n, 1);
	assert_true(store_keyset_has(&s, "cred-a", "req-1"));
	/* The same characters split elsewhere are another pair. */
	assert_false(store_keyset_has(&s, "cred-", "areq-1"));
	assert_false(store_keyset_has(&s, "cred-a", "req-"));
	assert_false(store_keyset_has(&s, "cred-b", "req-1"));
	/* The second string may hold the separator; the first never does. */
	assert_int_equal(store_keyset_put(&s, "x", "y\037z"), 1);
	assert_true(store_keyset_has(&s, "x", "y\037z"));
	assert_false(store_keyset_has(&s, "x", "y"));
	store_keyset_free(&s);
	assert_int_equal(s.n, 0);
	assert_false(store_keyset_has(&s, "x", "y\037z"));
}

/* Past the first slots (1,024 for 511 keys), every key is still found. */
static void
test_keyset_grows(void **state)
{
	struct store_keyset s = {NULL, 0, 0};
	char id[32];

	(void)state;
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "id-%d", i);
		assert_int_equal(store_keyset_put(&s, "KT-DAKTO", id), 1);
	}
	assert_int_equal(s.n, 5000);
	assert_true(s.cap > 2 * s.n);
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "id-%d", i);
		assert_true(store_keyset_has(&s, "KT-DAKTO", id));
	}
	assert_false(store_keyset_has(&s, "KT-DAKTO", "id-5000"));
	store_keyset_clear(&s);
	assert_int_equal(s.n, 0);
	assert_false(store_keyset_has(&s, "KT-DAKTO", "id-1"));
	assert_int_equal(store_keyset_put(&s, "KT-DAKTO", "id-1"), 1);
	store_keyset_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keyset_pairs),
	    cmocka_unit_test(test_keyset_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
