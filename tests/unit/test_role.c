#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "role.h"

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(role_name(1), "office");
	assert_string_equal(role_name(ROLE_MAX), "peer");
	assert_null(role_name(0));
	assert_null(role_name(ROLE_MAX + 1));
	assert_null(role_name(-1));
	for (int r = 1; r <= ROLE_MAX; r++)
		assert_int_equal(role_parse(role_name(r)), r);
	assert_int_equal(role_parse("Admin"), 0);
	assert_int_equal(role_parse(""), 0);
	assert_int_equal(role_parse("root"), 0);
}

static void
test_set_and_join(void **state)
{
	Hoptac__V1__Role roles[] = {HOPTAC__V1__ROLE__ROLE_PEER,
	    (Hoptac__V1__Role)9, HOPTAC__V1__ROLE__ROLE_REVIEWER,
	    HOPTAC__V1__ROLE__ROLE_UNSPECIFIED, HOPTAC__V1__ROLE__ROLE_ADMIN};
	unsigned set = role_set(roles, 5);
	char buf[64], small[10];

	(void)state;
	assert_int_equal(set, ROLE_BIT(2) | ROLE_BIT(3) | ROLE_BIT(4));
	role_join(set, buf, sizeof(buf));
	assert_string_equal(buf, "reviewer,admin,peer");
	role_join(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	/* Cut to the buffer, always terminated. */
	role_join(set, small, sizeof(small));
	assert_string_equal(small, "reviewer,");
	memset(small, 'x', sizeof(small));
	role_join(set, small, 0);
	assert_int_equal(small[0], 'x');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_set_and_join),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
