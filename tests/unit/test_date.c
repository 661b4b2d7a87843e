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
	struct date_partial d = {-1, -1, -1, -1};

	if (date_parse(text, &d) != 0)
		fail_msg("\"%s\" does not parse", text);
	if (d.year != year || d.month != month || d.day != day)
		fail_msg("\"%s\" parses as %d-%d-%d, want %d-%d-%d", text,
		    d.year, d.month, d.day, year, month, day);
}

static void
assert_rejects(const char *text)
{
	struct date_partial d = {7, 7, 7, 7};

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
	struct date_partial d = {year, month, day, 0};
	char buf[DATE_ISO_LEN];

	date_format(&d, buf);
	assert_string_equal(buf, want);
}

static int32_t
first_day(int year, int month, int day)
{
	struct date_partial d = {year, month, day, 0};

	return date_first_day(&d);
}

static int32_t
last_day(int year, int month, int day)
{
	struct date_partial d = {year, month, day, 0};

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
	/* A day number off the wire may be any int32: the ends give a
	 * date far out, without overflow (UBSan watches it in CI). */
	assert_days_are(INT32_MAX, 5881580, 7, 11);
	assert_days_are(INT32_MIN, -5877641, 6, 23);
}

static void
assert_quarter(const char *text, int year, int quarter)
{
	struct date_partial d = {-1, -1, -1, -1};
	char buf[DATE_ISO_LEN];

	if (date_parse(text, &d) != 0)
		fail_msg("\"%s\" does not parse", text);
	if (d.year != year || d.month != 0 || d.day != 0 ||
	    d.quarter != quarter)
		fail_msg("\"%s\" parses as %d-%d-%d Q%d", text, d.year, d.month,
		    d.day, d.quarter);
	date_format(&d, buf);
	assert_int_equal(date_parse(buf, &d), 0);
	assert_int_equal(d.quarter, quarter);
}

static void
test_parse_quarter(void **state)
{
	struct date_partial q3 = {2025, 0, 0, 3}, q1 = {2024, 0, 0, 1};
	char buf[DATE_ISO_LEN];

	(void)state;
	assert_quarter("quý III/2025", 2025, 3);
	assert_quarter("Quý III/2025", 2025, 3);
	assert_quarter("QUÝ IV/2024", 2024, 4);
	assert_quarter("quy\xcc\x81 II/2024", 2024, 2); /* NFD */
	assert_quarter("quý 3/2025", 2025, 3);
	assert_quarter("quý I năm 2023", 2023, 1);
	assert_quarter("quý 2 năm 2023", 2023, 2);
	assert_quarter("Q3/2025", 2025, 3);
	assert_quarter("q1/2025", 2025, 1);
	assert_quarter("Q3 2025", 2025, 3);
	assert_quarter("Q4-2025", 2025, 4);
	assert_quarter(" 2025-Q3 ", 2025, 3);
	assert_rejects("quý V/2025");
	assert_rejects("quý 5/2025");
	assert_rejects("quý 0/2025");
	assert_rejects("Q3");
	assert_rejects("Q3/25");
	assert_rejects("quý III");
	assert_rejects("III/2025");
	assert_rejects("2025-Q5");
	assert_rejects("2025-Q3x");
	assert_rejects("tháng III/2025");
	assert_rejects("/2025");
	date_format(&q3, buf);
	assert_string_equal(buf, "2025-Q3");
	assert_int_equal(date_first_day(&q3), first_day(2025, 7, 1));
	assert_int_equal(date_last_day(&q3), first_day(2025, 9, 30));
	assert_int_equal(date_first_day(&q1), first_day(2024, 1, 1));
	assert_int_equal(date_last_day(&q1), first_day(2024, 3, 31));
}

static void
assert_span(const char *text, const char *want)
{
	struct date_span s;
	char buf[DATE_SPAN_LEN];

	if (date_parse_span(text, &s) != 0)
		fail_msg("\"%s\" is no span", text);
	date_span_format(&s, buf);
	if (strcmp(buf, want) != 0)
		fail_msg("\"%s\" is the span %s, want %s", text, buf, want);
	/* The written form reads back the same. */
	assert_int_equal(date_parse_span(buf, &s), 0);
	date_span_format(&s, buf);
	assert_string_equal(buf, want);
}

static void
assert_no_span(const char *text)
{
	struct date_span s;

	if (date_parse_span(text, &s) == 0)
		fail_msg("\"%s\" is a span", text);
}

static void
test_parse_span(void **state)
{
	int32_t day;

	(void)state;
	assert_span("2024-05-02", "2024-05-02");
	assert_span("quý III/2025", "2025-Q3");
	assert_span("2023 – 2025", "2023/2025");
	assert_span("2023–2025", "2023/2025");
	assert_span("2023 — 2025", "2023/2025");
	assert_span("2023 - 2025", "2023/2025");
	assert_span("2023-2025", "2023/2025");
	assert_span("2023 đến 2025", "2023/2025");
	assert_span("từ tháng 11/2022 đến tháng 3/2023", "2022-11/2023-03");
	assert_span("Từ tháng 11/2022 Đến tháng 3/2023", "2022-11/2023-03");
	assert_span("tháng 11/2022 – tháng 3/2023", "2022-11/2023-03");
	assert_span("Q3/2025 - Q1/2026", "2025-Q3/2026-Q1");
	assert_span("02/05/2024 - 10/05/2024", "2024-05-02/2024-05-10");
	assert_span("2022-11/2023-03", "2022-11/2023-03");
	/* Ends before it begins, or is not two dates. */
	assert_no_span("2025 – 2023");
	assert_no_span("2025-2023");
	assert_no_span("tháng 3/2023 đến tháng 11/2022");
	assert_no_span("2023 –");
	assert_no_span("– 2023");
	assert_no_span("từ 2023");
	assert_no_span("2023 – 2024 – 2025");
	assert_no_span("2023 đến");
	assert_no_span("2023/2025/2027");
	assert_no_span("11/2022/2023");
	assert_no_span("1899-2025");
	assert_no_span("từ");
	assert_no_span("");
	assert_int_equal(date_parse_span(NULL, NULL), -1);
	/* A lone date is no span in date_parse's eyes. */
	assert_rejects("2023 – 2025");
	assert_rejects("2023-2025");
	assert_int_equal(date_span_first_day("2023 – 2025", &day), 0);
	assert_int_equal(day, first_day(2023, 1, 1));
	assert_int_equal(date_span_last_day("2023 – 2025", &day), 0);
	assert_int_equal(day, last_day(2025, 0, 0));
	assert_int_equal(date_span_last_day("Q3/2025", &day), 0);
	assert_int_equal(day, first_day(2025, 9, 30));
	assert_int_equal(date_span_first_day("soon", &day), -1);
}

/* The province's day: UTC+07:00, so 18:30 UTC is the next day there. */
static void
test_today(void **state)
{
	int32_t today = date_today();
	int32_t now = (int32_t)((time(NULL) + 7L * 3600) / 86400);
	int32_t mar10 = first_day(2025, 3, 10);
	time_t midnight = (time_t)mar10 * 86400; /* 00:00 UTC */

	(void)state;
	/* Allow for midnight passing between the two calls. */
	assert_true(today == now || today + 1 == now);
	assert_true(today > first_day(2024, 1, 1));
	assert_int_equal(date_today_at(midnight), mar10);
	assert_int_equal(
	    date_today_at(midnight + 16L * 3600 + 59L * 60), mar10);
	assert_int_equal(date_today_at(midnight + 17L * 3600), mar10 + 1);
	assert_int_equal(date_today_at(midnight - 7L * 3600), mar10);
	assert_int_equal(date_today_at(midnight - 7L * 3600 - 1), mar10 - 1);
	assert_int_equal(date_today_at(-7 * 3600 - 1), -1);
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
	    cmocka_unit_test(test_parse_quarter),
	    cmocka_unit_test(test_parse_span),
	    cmocka_unit_test(test_today),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
