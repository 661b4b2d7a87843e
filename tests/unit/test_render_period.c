/*
 * Reporting periods in the words of the offices' reports: a period that
 * is one year, half year, quarter or month is named so, an open period
 * runs "đến nay", and no period repeats itself ("từ năm 2025 đến năm
 * 2025").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "render_internal.h"

static void
assert_period(const char *from, const char *to, const char *want)
{
	char buf[RENDER_PERIOD_LEN];
	const char *got = render_period(buf, sizeof(buf), from, to);

	if (strcmp(got, want) != 0)
		fail_msg(
		    "period %s..%s: \"%s\", want \"%s\"", from, to, got, want);
}

static void
test_open(void **state)
{
	(void)state;
	assert_period("tháng 11/2022", "", "từ tháng 11/2022 đến nay");
	assert_period("2017", NULL, "từ năm 2017 đến nay");
	assert_period("", "", "đến nay");
	assert_period("", "2024-05-15", "đến ngày 15/5/2024");
}

static void
test_one_span(void **state)
{
	(void)state;
	assert_period("2025", "2025", "năm 2025");
	assert_period("2024-01-01", "2024-12-31", "năm 2024");
	assert_period("2024-01", "2024-12", "năm 2024");
	assert_period("2024-01", "2024-06", "6 tháng đầu năm 2024");
	assert_period("2024-07-01", "2024-12-31", "6 tháng cuối năm 2024");
	assert_period("2024-04", "2024-06-30", "quý II năm 2024");
	assert_period("2024-10-01", "2024-12", "quý IV năm 2024");
	assert_period("2024-05", "2024-05", "tháng 5/2024");
	assert_period("2024-02-01", "2024-02-29", "tháng 02/2024");
	assert_period("2024-05-02", "2024-05-02", "ngày 02/5/2024");
}

static void
test_spans(void **state)
{
	(void)state;
	assert_period("2017", "2021", "từ năm 2017 đến năm 2021");
	assert_period("2017", "2021-08-24", "từ năm 2017 đến ngày 24/8/2021");
	assert_period(
	    "tháng 11/2022", "2024-05", "từ tháng 11/2022 đến tháng 5/2024");
	/* Not a whole quarter or half: both ends as written. */
	assert_period(
	    "2024-02", "2024-04", "từ tháng 02/2024 đến tháng 4/2024");
	assert_period("2024-01-02", "2024-12-31",
	    "từ ngày 02/01/2024 đến ngày 31/12/2024");
	assert_period("2024-01-01", "2024-12-30",
	    "từ ngày 01/01/2024 đến ngày 30/12/2024");
	/* Text that is no date is kept as it is. */
	assert_period("đầu nhiệm kỳ", "", "từ đầu nhiệm kỳ đến nay");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open),
	    cmocka_unit_test(test_one_span),
	    cmocka_unit_test(test_spans),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
