/*
 * Partial dates, day first as Vietnamese documents write them.
 * A date may lack its day, or its day and month: "tháng 11/2022", "2023";
 * it may be known by its quarter only: "quý III/2025". A span runs from
 * one such date to another: "2023 – 2025".
 */
#ifndef HOPTAC_DATE_H
#define HOPTAC_DATE_H

#include <stdint.h>
#include <time.h>

struct date_partial {
	int year;    /* 1900..2200 */
	int month;   /* 1..12, 0 when absent */
	int day;     /* 1..31, 0 when absent; never set without month */
	int quarter; /* 1..4 for a date known by its quarter only, else 0 */
};

/* From the first day of one date to the last day of another, which is
 * not before it; a single date is a span from itself to itself. */
struct date_span {
	struct date_partial from, to;
};

/* Longest ISO form plus NUL: "2024-05-02". */
#define DATE_ISO_LEN 11

/* Longest form of a span plus NUL: "2024-05-02/2024-06-30". */
#define DATE_SPAN_LEN (2 * DATE_ISO_LEN)

/* The forms people may write, for messages that refuse a date. */
#define DATE_FORMS                                                             \
	"2024-05-02, 02/05/2024, 05/2024, quý III/2025, Q3/2025 or 2024"
#define DATE_SPAN_FORMS                                                             \
	DATE_FORMS ", or a span: 2023 – 2025, từ tháng 11/2022 đến tháng " \
	           "3/2023"

/*
 * Parses text into *out. Accepted, with any surrounding white space:
 *   ISO:        2024, 2024-05, 2024-05-02, and 2025-Q3 for a quarter
 *   day first:  02/5/2024, 2/5/2024, 02-05-2024, 02.05.2024, 11/2022
 *   Vietnamese: ngày 24/8/2021, tháng 11/2022, năm 2023,
 *               tháng 8 năm 2021, ngày 02 tháng 5 năm 2024
 *   quarters:   quý III/2025, quý 3/2025, quý III năm 2025, Q3/2025,
 *               Q3 2025
 * The words may be in any case and in NFC or NFD. Returns 0, or -1 for
 * anything else, including impossible dates (2023-02-29, month 13).
 */
int date_parse(const char *text, struct date_partial *out);

/*
 * Parses a date (date_parse) or a span of two into *out: "2023 – 2025",
 * "2023 - 2025", "2023-2025", "tháng 11/2022 đến tháng 3/2023", "từ
 * tháng 11/2022 đến tháng 3/2023", and the form date_span_format writes
 * ("2022-11/2023-03"). Returns 0, or -1 for anything else, including a
 * span that ends before it begins.
 */
int date_parse_span(const char *text, struct date_span *out);

/* Writes the ISO form ("2024", "2024-05", "2024-05-02" or "2025-Q3")
 * into buf. */
void date_format(const struct date_partial *d, char buf[DATE_ISO_LEN]);

/* Writes a span as its one date, or as "from/to" (ISO 8601's interval). */
void date_span_format(const struct date_span *s, char buf[DATE_SPAN_LEN]);

/* The first day of the span text begins with, and the last day of the
 * one it ends with, as days since 1970-01-01: the bounds of a period
 * written as a date or a span. 0, or -1 when text is no span. */
int date_span_first_day(const char *text, int32_t *day);
int date_span_last_day(const char *text, int32_t *day);

/* Whether the span is one date. */
int date_span_single(const struct date_span *s);

/* Days since 1970-01-01 of the first day the date covers
 * (2024-05 -> 2024-05-01, 2024 -> 2024-01-01). */
int32_t date_first_day(const struct date_partial *d);

/* Days since 1970-01-01 of the last day the date covers
 * (2024-02 -> 2024-02-29, 2023 -> 2023-12-31). */
int32_t date_last_day(const struct date_partial *d);

/* Days since 1970-01-01 to a full date. */
void date_from_days(int32_t days, struct date_partial *out);

/* The first day of the month of a day, both as days since 1970-01-01. */
int32_t date_month_start(int32_t days);

/* Today in the province (Asia/Ho_Chi_Minh, UTC+07:00 all year) as days
 * since 1970-01-01. */
int32_t date_today(void);

/* The province's day at the time now, as days since 1970-01-01. */
int32_t date_today_at(time_t now);

#endif
