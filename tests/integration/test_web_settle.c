/*
 * hoptac-web while hoptacd answers that it cannot read the activities
 * now (records acknowledged before could not be settled, here one that
 * cannot be placed): the page says the data server cannot do this now,
 * with its reason, not that it cannot be reached; once hoptacd can
 * again, the page shows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "harness.h"
#include "status.h"
#include "web_harness.h"

#define SETTLE_UNIT "KT-DAKGLEI"

static struct web_answer a;

static void
test_page_while_unsettled(void **state)
{
	static struct harness hs;
	struct harness *h = &hs;
	struct web_harness w;

	HARNESS_SQLITE_ONLY();
	*state = h;
	harness_one_record(h, SETTLE_UNIT, "settled-1");
	/* Every read of activities is then answered UNAVAILABLE. */
	harness_behind(h, HARNESS_SQL_UNPLACEABLE);

	web_start(&w, h, "--timeout", "1500", NULL);
	web_sign_in(&w, h->token);
	assert_int_equal(web_request(&w, "GET", "/hoat-dong", NULL, &a), 503);
	assert_non_null(strstr(a.body, "chưa làm được việc này"));
	assert_non_null(strstr(a.body, "could not be settled"));
	assert_null(strstr(a.body, "Không liên lạc được"));

	harness_behind(h, "DELETE FROM activity_inbox");
	assert_int_equal(web_request(&w, "GET", "/hoat-dong", NULL, &a), 200);
	assert_non_null(strstr(a.body, "Đoàn công tác thử nghiệm"));
	web_stop(&w);
}

static int
teardown(void **state)
{
	web_teardown(state);
	return harness_teardown(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_page_while_unsettled, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
