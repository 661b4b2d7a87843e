/*
 * Partial dates, day first as Vietnamese documents write them.
 * A date may lack its day, or its day and month: "tháng 11/2022", "2023".
 */
#ifndef HOPTAC_DATE_H
#define HOPTAC_DATE_H

#include <stdint.h>

struct date_partial {
	int year;  /* 1900..2200 */
	int month; /* 1..12, 0 when absent */
	int day;   /* 1..31, 0 when absent; never set without month */
};

/* Longest ISO form plus NUL: "2024-05-02". */
#define DATE_ISO_LEN 11

/*
 * Parses text into *out. Accepted, with any surrounding white space:
 *   ISO:        2024, 2024-05, 2024-05-02
 *   day first:  02/5/2024, 2/5/2024, 02-05-2024, 02.05.2024, 11/2022
 *   Vietnamese: ngày 24/8/2021, tháng 11/2022, năm 2023,
 *               tháng 8 năm 2021, ngày 02 tháng 5 năm 2024
 * The words may be in any case and in NFC or NFD. Returns 0, or -1 for
 * anything else, including impossible dates (2023-02-29, month 13).
 */
int date_parse(const char *text, struct date_partial *out);

/* Writes the ISO form ("2024", "2024-05" or "2024-05-02") into buf. */
void date_format(const struct date_partial *d, char buf[DATE_ISO_LEN]);

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

/* Today in UTC as days since 1970-01-01. */
int32_t date_today(void);

#endif
