/*
 * A reporting period as the offices write it: "từ tháng 11/2022 đến nay",
 * "năm 2024", "quý I năm 2024", "6 tháng đầu năm 2024", "từ năm 2017 đến
 * năm 2021", never "từ năm 2025 đến năm 2025".
 */
#include <stdio.h>

#include "date.h"
#include "render_internal.h"

/* The period the days first..last cover when it is a whole year, half
 * year, quarter or month of one year, in words; 0 when it is none. */
static int
render_period_named(char *buf, size_t len, int32_t first, int32_t last)
{
	static const char *const quarters[] = {"I", "II", "III", "IV"};
	struct date_partial a, b, m;
	int months;

	date_from_days(first, &a);
	date_from_days(last, &b);
	if (a.year != b.year || a.day != 1)
		return 0;
	/* last must be the last day of its month */
	m = (struct date_partial) {b.year, b.month, 0, 0};
	if (date_last_day(&m) != last)
		return 0;
	months = b.month - a.month + 1;
	if (months == 12)
		snprintf(buf, len, "năm %d", a.year);
	else if (months == 6 && (a.month == 1 || a.month == 7))
		snprintf(buf, len, "6 tháng %s năm %d",
		    a.month == 1 ? "đầu" : "cuối", a.year);
	else if (months == 3 && a.month % 3 == 1)
		snprintf(
		    buf, len, "quý %s năm %d", quarters[a.month / 3], a.year);
	else if (months == 1)
		render_date_words(buf, len, &m);
	else
		return 0;
	return 1;
}

const char *
render_period(char *buf, size_t len, const char *from, const char *to)
{
	char a[RENDER_DATE_LEN], b[RENDER_DATE_LEN];
	struct date_partial f, t;
	int has_from = !render_empty(from), has_to = !render_empty(to);

	if (has_from && has_to && date_parse(from, &f) == 0 &&
	    date_parse(to, &t) == 0) {
		int32_t first = date_first_day(&f), last = date_last_day(&t);

		if (first == date_first_day(&t) && last == date_last_day(&f) &&
		    f.month == t.month && f.day == t.day) {
			render_date_words(buf, len, &f);
			return buf;
		}
		if (render_period_named(buf, len, first, last))
			return buf;
	}
	if (!has_from && !has_to)
		snprintf(buf, len, "đến nay");
	else if (!has_from)
		snprintf(buf, len, "đến %s", render_date(b, sizeof(b), to));
	else
		snprintf(buf, len, "từ %s đến %s",
		    render_date(a, sizeof(a), from),
		    has_to ? render_date(b, sizeof(b), to) : "nay");
	return buf;
}
