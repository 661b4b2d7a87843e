#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "date.h"

static void
assert_parses(const char *text, int year, int month, int day)
{
	struct date_partial d = {-1, -1, -1};

	if (date_parse(text, &d) != 0)
		fail_msg("\"%s\" does not parse", text);
	if (d.year != year || d.month != month || d.day != day)
		fail_msg("\"%s\" parses as %d-%d-%d, want %d-%d-%d", text,
		    d.year, d.month, d.day, year, month, day);
}

static void
assert_rejects(const char *text)
{
	struct date_partial d = {7, 7, 7};

	if (date_parse(text, &d) == 0)
		fail_msg(
		    "\"%s\" parses as %d-%d-%d", text, d.year, d.month, d.day);
	/* A failed parse leaves the output alone. */
	assert_int_equal(d.year, 7);
	assert_int_equal(d.month, 7);
	assert_int_equal(d.day, 7);
}

static void
assert_format(int year, int month, int day, const char *want)
{
	struct date_partial d = {year, month, day};
	char buf[DATE_ISO_LEN];

	date_format(&d, buf);
	assert_string_equal(buf, want);
}

static int32_t
first_day(int year, int month, int day)
{
	struct date_partial d = {year, month, day};

	return date_first_day(&d);
}

static int32_t
last_day(int year, int month, int day)
{
	struct date_partial d = {year, month, day};

	return date_last_day(&d);
}

static void
assert_days_are(int32_t days, int year, int month, int day)
{
	struct date_partial d;

	date_from_days(days, &d);
	assert_int_equal(d.year, year);
	assert_int_equal(d.month, month);
	assert_int_equal(d.day, day);
}

static void
test_parse_iso(void **state)
{
	(void)state;
	assert_parses("2024", 2024, 0, 0);
	assert_parses("2024-05", 2024, 5, 0);
	assert_parses("2024-05-02", 2024, 5, 2);
	assert_parses("2024-5-2", 2024, 5, 2);
	assert_parses("  2024-05-02\n", 2024, 5, 2);
	assert_parses("1900", 1900, 0, 0);
	assert_parses("2200-12-31", 2200, 12, 31);
}

static void
test_parse_day_first(void **state)
{
	(void)state;
	assert_parses("02/5/2024", 2024, 5, 2);
	assert_parses("2/5/2024", 2024, 5, 2);
	assert_parses("02/05/2024", 2024, 5, 2);
	assert_parses("02-05-2024", 2024, 5, 2);
	assert_parses("02.05.2024", 2024, 5, 2);
	assert_parses("11/2022", 2022, 11, 0);
	assert_parses("05/2024", 2024, 5, 0);
	assert_parses("5.2024", 2024, 5, 0);
	/* Dates written in the Đắk Glei seed. */
	assert_parses("05/9/1962", 1962, 9, 5);
	assert_parses("18/7/1977", 1977, 7, 18);
}

static void
test_parse_vietnamese(void **state)
{
	(void)state;
	assert_parses("ngày 24/8/2021", 2021, 8, 24);
	assert_parses("tháng 11/2022", 2022, 11, 0);
	assert_parses("năm 2023", 2023, 0, 0);
	assert_parses("tháng 8 năm 2021", 2021, 8, 0);
	assert_parses("tháng 11 năm 2022", 2022, 11, 0);
	assert_parses("ngày 02 tháng 5 năm 2024", 2024, 5, 2);
	assert_parses("Ngày 02 Tháng 05 Năm 2024", 2024, 5, 2);
	assert_parses("NGÀY 24/8/2021", 2021, 8, 24);
	assert_parses("ngày  24/8/2021 ", 2021, 8, 24);
	assert_parses("ngày24/8/2021", 2021, 8, 24);
	assert_parses("tháng 2024-05", 2024, 5, 0);
	/* A document dated with its day left blank: "ngày tháng 8 năm 2021". */
	assert_parses("ngày tháng 8 năm 2021", 2021, 8, 0);
	/* NFD words: a + U+0300 etc. */
	assert_parses("nga\xcc\x80y 24/8/2021", 2021, 8, 24);
	assert_parses("tha\xcc\x81ng 8 na\xcc\x86m 2021", 2021, 8, 0);
	/* No-break space between words. */
	assert_parses("th\xc3\xa1ng\xc2\xa0"
	              "11/2022",
	    2022, 11, 0);
}

static void
test_leap_years(void **state)
{
	(void)state;
	assert_parses("2024-02-29", 2024, 2, 29);
	assert_parses("29/2/2000", 2000, 2, 29);
	assert_rejects("2023-02-29");
	assert_rejects("29/02/2023");
	assert_rejects("29/2/1900");
	assert_rejects("2100-02-29");
	assert_rejects("ngày 29 tháng 2 năm 2023");
}

static void
test_parse_rejects(void **state)
{
	struct date_partial d;

	(void)state;
	assert_rejects("");
	assert_rejects("   ");
	assert_rejects("2024-13");
	assert_rejects("2024-00");
	assert_rejects("2024-05-00");
	assert_rejects("00/5/2024");
	assert_rejects("ngày 0 tháng 5 năm 2024");
	assert_rejects("tháng 00 năm 2024");
	assert_rejects("2024-04-31");
	assert_rejects("32/1/2024");
	assert_rejects("13/2024");
	assert_rejects("0/2024");
	assert_rejects("1899");
	assert_rejects("2201");
	assert_rejects("24");
	assert_rejects("20240");
	assert_rejects("02/5/24");
	assert_rejects("2024/05/02");
	assert_rejects("2024.05");
	assert_rejects("02/05-2024");
	assert_rejects("2024-05-02-01");
	assert_rejects("002/5/2024");
	assert_rejects("2024-005");
	assert_rejects("2024 05 02");
	assert_rejects("02 / 5 / 2024");
	assert_rejects("2024-");
	assert_rejects("-2024");
	assert_rejects("2024--05");
	assert_rejects("hôm qua");
	assert_rejects("ngày");
	assert_rejects("ngày 11/2022");
	assert_rejects("ngày 2024");
	assert_rejects("tháng 24/8/2021");
	assert_rejects("tháng 2021");
	assert_rejects("năm 8/2021");
	assert_rejects("năm 21");
	assert_rejects("tháng 8 năm 21");
	assert_rejects("ngày 02 tháng 5");
	assert_rejects("ngày, 24/8/2021");
	assert_rejects("ngày 24/8/2021 ngày");
	assert_rejects("2024 năm");
	assert_rejects("Điện Biên, ngày 24/8/2021");
	assert_rejects("2024\xff");
	assert_int_equal(date_parse(NULL, &d), -1);
	assert_int_equal(date_parse("2024", NULL), -1);
}

static void
test_format(void **state)
{
	(void)state;
	assert_format(2024, 0, 0, "2024");
	assert_format(2024, 5, 0, "2024-05");
	assert_format(2024, 5, 2, "2024-05-02");
	assert_format(1962, 9, 5, "1962-09-05");
	/* A day without a month is not written. */
	assert_format(2024, 0, 5, "2024");
}

static void
test_round_trip(void **state)
{
	static const char *const iso[] = {"2024", "2024-05", "2024-05-02",
	    "2023-12-31", "1900-01-01", "2200-12-31"};
	struct date_partial d;
	char buf[DATE_ISO_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(iso) / sizeof(iso[0]); i++) {
		assert_int_equal(date_parse(iso[i], &d), 0);
		date_format(&d, buf);
		assert_string_equal(buf, iso[i]);
	}
}

static void
test_first_last_day(void **state)
{
	(void)state;
	assert_int_equal(first_day(1970, 1, 1), 0);
	assert_int_equal(last_day(1970, 1, 1), 0);
	assert_int_equal(first_day(1970, 1, 2), 1);
	assert_int_equal(first_day(1969, 12, 31), -1);
	assert_int_equal(first_day(2000, 3, 1), 11017);
	assert_int_equal(first_day(2024, 5, 2), 19845);

	/* Partial dates cover a span. */
	assert_int_equal(first_day(2024, 5, 0), first_day(2024, 5, 1));
	assert_int_equal(last_day(2024, 5, 0), first_day(2024, 5, 31));
	assert_int_equal(first_day(2024, 0, 0), first_day(2024, 1, 1));
	assert_int_equal(last_day(2023, 0, 0), first_day(2023, 12, 31));
	assert_int_equal(last_day(2024, 2, 0), first_day(2024, 2, 29));
	assert_int_equal(last_day(2023, 2, 0), first_day(2023, 2, 28));
	assert_int_equal(last_day(1900, 2, 0), first_day(1900, 2, 28));
	assert_int_equal(last_day(2000, 2, 0), first_day(2000, 2, 29));
	assert_int_equal(last_day(2024, 4, 0), first_day(2024, 4, 30));
	assert_int_equal(last_day(2024, 0, 0) - first_day(2024, 0, 0), 365);
	assert_int_equal(last_day(2023, 0, 0) - first_day(2023, 0, 0), 364);
	/* A full date is its own first and last day. */
	assert_int_equal(first_day(2024, 5, 2), last_day(2024, 5, 2));
}

static void
test_from_days(void **state)
{
	struct date_partial d;

	(void)state;
	assert_days_are(0, 1970, 1, 1);
	assert_days_are(-1, 1969, 12, 31);
	assert_days_are(19845, 2024, 5, 2);
	assert_days_are(11016, 2000, 2, 29);
	/* Every day from 1900 to 2200 goes there and back. */
	for (int32_t days = first_day(1900, 1, 1); days <= last_day(2200, 0, 0);
	     days++) {
		date_from_days(days, &d);
		if (first_day(d.year, d.month, d.day) != days)
			fail_msg("day %d comes back as %d-%d-%d", (int)days,
			    d.year, d.month, d.day);
	}
}

static void
test_today(void **state)
{
	int32_t today = date_today();
	int32_t now = (int32_t)(time(NULL) / 86400);

	(void)state;
	/* Allow for midnight passing between the two calls. */
	assert_true(today == now || today + 1 == now);
	assert_true(today > first_day(2024, 1, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_iso),
	    cmocka_unit_test(test_parse_day_first),
	    cmocka_unit_test(test_parse_vietnamese),
	    cmocka_unit_test(test_leap_years),
	    cmocka_unit_test(test_parse_rejects),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_first_last_day),
	    cmocka_unit_test(test_from_days),
	    cmocka_unit_test(test_today),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
