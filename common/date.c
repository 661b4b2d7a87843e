#include "date.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unictype.h>
#include <unistr.h>

#include "text.h"

#define DATE_YEAR_MIN   1900
#define DATE_YEAR_MAX   2200
#define DATE_MAX_TOKENS 16

/* The province keeps one offset all year: no summer time since 1975. */
#define DATE_PROVINCE_OFFSET_S (7L * 3600)

enum date_token_kind {
	DATE_TOKEN_GROUP, /* digits and separators: "02/5/2024", "2024" */
	DATE_TOKEN_NGAY,  /* "ngày" */
	DATE_TOKEN_THANG, /* "tháng" */
	DATE_TOKEN_NAM,   /* "năm" */
	DATE_TOKEN_QUY,   /* "quý", or the "Q" of "Q3/2025" */
	DATE_TOKEN_ROMAN, /* I to IV after "quý": value[0] */
	DATE_TOKEN_TU,    /* "từ" */
	DATE_TOKEN_DEN,   /* "đến" */
	DATE_TOKEN_DASH,  /* "–", "—", or "-" on its own */
};

struct date_token {
	enum date_token_kind kind;
	int count; /* numbers in a group, 1..3 */
	int value[3];
	int digits[3]; /* written length of each number */
	char sep;      /* the one separator of a group, 0 for a lone number */
	char lead;     /* a separator before the first number: "/2025" */
};

static bool
date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
date_days_in_month(int y, int m)
{
	static const int days[12] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && date_is_leap(y))
		return 29;
	return days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), exact for any year the dates may hold. */
static int32_t
date_days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void
date_from_days(int32_t days, struct date_partial *out)
{
	/* 64 bits: a day number off the wire may be any int32, and the
	 * shift to 0000-03-01 would overflow 32 near the ends. */
	int64_t z = (int64_t)days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	out->year = (int)(yoe + era * 400 + (m <= 2));
	out->month = (int)m;
	out->day = (int)d;
	out->quarter = 0;
}

static bool
date_has_quarter(const struct date_partial *d)
{
	return (d->month < 1 || d->month > 12) && d->quarter >= 1 &&
	    d->quarter <= 4;
}

int32_t
date_first_day(const struct date_partial *d)
{
	int m = d->month >= 1 && d->month <= 12 ? d->month : 1;
	int day = d->month >= 1 && d->month <= 12 && d->day >= 1 ? d->day : 1;

	if (date_has_quarter(d))
		m = 3 * d->quarter - 2;
	return date_days_from_civil(d->year, m, day);
}

int32_t
date_last_day(const struct date_partial *d)
{
	int m, day;

	if (date_has_quarter(d)) {
		m = 3 * d->quarter;
		day = date_days_in_month(d->year, m);
	} else if (d->month < 1 || d->month > 12) {
		m = 12;
		day = 31;
	} else {
		m = d->month;
		day = d->day >= 1 ? d->day : date_days_in_month(d->year, m);
	}
	return date_days_from_civil(d->year, m, day);
}

int32_t
date_month_start(int32_t days)
{
	struct date_partial d;

	date_from_days(days, &d);
	d.day = 0;
	return date_first_day(&d);
}

int32_t
date_today_at(time_t now)
{
	int64_t s = (int64_t)now + DATE_PROVINCE_OFFSET_S;

	/* Floor division, should the clock ever read before 1970. */
	if (s < 0)
		return (int32_t)((s - 86399) / 86400);
	return (int32_t)(s / 86400);
}

int32_t
date_today(void)
{
	return date_today_at(time(NULL));
}

/* Writes n as exactly width digits (n is non-negative and fits). */
static char *
date_put(char *p, int n, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + n % 10);
		n /= 10;
	}
	return p + width;
}

void
date_format(const struct date_partial *d, char buf[DATE_ISO_LEN])
{
	char *p = buf;
	int y = d->year < 0 ? 0 : d->year > 9999 ? 9999 : d->year;

	p = date_put(p, y, 4);
	if (date_has_quarter(d)) {
		*p++ = '-';
		*p++ = 'Q';
		p = date_put(p, d->quarter, 1);
	} else if (d->month >= 1 && d->month <= 12) {
		*p++ = '-';
		p = date_put(p, d->month, 2);
		if (d->day >= 1 && d->day <= 31) {
			*p++ = '-';
			p = date_put(p, d->day, 2);
		}
	}
	*p = '\0';
}

/* Parses a run of digits and '/', '-', '.' into t; -1 when malformed. */
static int
date_parse_group(const char *s, size_t len, struct date_token *t)
{
	size_t i = 0;

	memset(t, 0, sizeof(*t));
	t->kind = DATE_TOKEN_GROUP;
	if (len == 1 && s[0] == '-') {
		t->kind = DATE_TOKEN_DASH;
		return 0;
	}
	if (len > 1 && (s[0] < '0' || s[0] > '9'))
		t->lead = s[i++];
	for (;;) {
		int v = 0, n = 0;

		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (n == 4)
				return -1;
			v = v * 10 + (s[i] - '0');
			n++;
			i++;
		}
		if (n == 0 || t->count == 3)
			return -1;
		t->value[t->count] = v;
		t->digits[t->count] = n;
		t->count++;
		if (i == len)
			return 0;
		if (t->sep != 0 && s[i] != t->sep)
			return -1;
		t->sep = s[i];
		i++;
	}
}

/* A quarter's number in capitals, I to IV, folded to lower case. */
static int
date_roman(const char *key, struct date_token *t)
{
	static const char *const roman[4] = {"i", "ii", "iii", "iv"};

	for (int i = 0; i < 4; i++)
		if (strcmp(key, roman[i]) == 0) {
			t->kind = DATE_TOKEN_ROMAN;
			t->value[0] = i + 1;
			t->count = 1;
			return 0;
		}
	return -1;
}

/* The kind of key, a folded word, into t: 0, or -1 when it is no word
 * of a date. */
static int
date_word(const char *key, struct date_token *t)
{
	if (strcmp(key, "ngay") == 0)
		t->kind = DATE_TOKEN_NGAY;
	else if (strcmp(key, "thang") == 0)
		t->kind = DATE_TOKEN_THANG;
	else if (strcmp(key, "nam") == 0)
		t->kind = DATE_TOKEN_NAM;
	else if (strcmp(key, "quy") == 0 || strcmp(key, "q") == 0)
		t->kind = DATE_TOKEN_QUY;
	else if (strcmp(key, "tu") == 0)
		t->kind = DATE_TOKEN_TU;
	else if (strcmp(key, "den") == 0)
		t->kind = DATE_TOKEN_DEN;
	else
		return date_roman(key, t) != 0 ? -1 : 0;
	return 0;
}

/* Which word a run of letters is; -1 for any other word. */
static int
date_parse_word(const char *s, size_t len, struct date_token *t)
{
	const uint8_t *p = (const uint8_t *)s;
	char *copy = NULL, *key = NULL;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	/* Letters and marks only: "ngày," is not the word "ngày". */
	for (size_t i = 0; i < len;) {
		ucs4_t uc;
		int k = u8_mbtouc_unsafe(&uc, p + i, len - i);

		if (!uc_is_general_category(uc, UC_CATEGORY_L) &&
		    !uc_is_general_category(uc, UC_CATEGORY_M))
			return -1;
		i += (size_t)(k > 0 ? k : 1);
	}
	copy = strndup(s, len);
	key = copy != NULL ? text_key(copy) : NULL;
	/* Out of memory, or a word that is not a date's. */
	if (key == NULL || date_word(key, t) != 0)
		rc = -1;
	free(key);
	free(copy);
	return rc;
}

static bool
date_is_group_char(ucs4_t uc)
{
	return (uc >= '0' && uc <= '9') || uc == '/' || uc == '-' || uc == '.';
}

/* The dashes of a span, written without spaces too: "2023–2025". */
static bool
date_is_dash(ucs4_t uc)
{
	return uc == 0x2013 || uc == 0x2014;
}

/* Splits text into number groups and the three date words. */
static int
date_tokenize(const char *text, struct date_token *tokens, int *count)
{
	const uint8_t *p = (const uint8_t *)text;
	size_t len = strlen(text), i = 0;

	*count = 0;
	if (u8_check(p, len) != NULL)
		return -1;
	while (i < len) {
		size_t start = i;
		ucs4_t uc;
		int k = u8_mbtouc_unsafe(&uc, p + i, len - i);
		bool group;

		if (uc_is_property_white_space(uc)) {
			i += (size_t)k;
			continue;
		}
		if (*count == DATE_MAX_TOKENS)
			return -1;
		if (date_is_dash(uc)) {
			memset(&tokens[*count], 0, sizeof(tokens[*count]));
			tokens[(*count)++].kind = DATE_TOKEN_DASH;
			i += (size_t)k;
			continue;
		}
		group = date_is_group_char(uc);
		/* A run ends at white space or where digits meet letters. */
		while (i < len) {
			k = u8_mbtouc_unsafe(&uc, p + i, len - i);
			if (uc_is_property_white_space(uc) ||
			    date_is_dash(uc) || date_is_group_char(uc) != group)
				break;
			i += (size_t)k;
		}
		if ((group ? date_parse_group(
		                 text + start, i - start, &tokens[*count])
		           : date_parse_word(text + start, i - start,
		                 &tokens[*count])) != 0)
			return -1;
		(*count)++;
	}
	return 0;
}

/* A lone day or month number. */
static bool
date_is_number(const struct date_token *t, int max_digits)
{
	return t->kind == DATE_TOKEN_GROUP && t->count == 1 && t->lead == 0 &&
	    t->digits[0] <= max_digits && t->value[0] != 0;
}

static bool
date_is_year(const struct date_token *t)
{
	return t->kind == DATE_TOKEN_GROUP && t->count == 1 && t->lead == 0 &&
	    t->digits[0] == 4;
}

/*
 * A group on its own: year-first with hyphens (ISO), or day first with
 * any one of the separators. min_parts/max_parts bound the precision the
 * surrounding words allow (day = 3 parts, month = 2, year = 1).
 */
static int
date_from_group(const struct date_token *t, int min_parts, int max_parts,
    struct date_partial *d)
{
	if (t->kind != DATE_TOKEN_GROUP || t->lead != 0 ||
	    t->count < min_parts || t->count > max_parts)
		return -1;
	/* 0 means "absent" in a date_partial, so a written 0 is an error
	 * here rather than a shorter date. */
	for (int i = 0; i < t->count; i++)
		if (t->value[i] == 0)
			return -1;
	memset(d, 0, sizeof(*d));
	if (t->digits[0] == 4) {
		if (t->count > 1 && t->sep != '-')
			return -1;
		d->year = t->value[0];
		if (t->count > 1) {
			if (t->digits[1] > 2)
				return -1;
			d->month = t->value[1];
		}
		if (t->count > 2) {
			if (t->digits[2] > 2)
				return -1;
			d->day = t->value[2];
		}
		return 0;
	}
	if (t->count == 1 || t->digits[t->count - 1] != 4)
		return -1;
	for (int i = 0; i < t->count - 1; i++)
		if (t->digits[i] > 2)
			return -1;
	d->year = t->value[t->count - 1];
	d->month = t->value[t->count - 2];
	if (t->count == 3)
		d->day = t->value[0];
	return 0;
}

static int
date_check(const struct date_partial *d)
{
	if (d->year < DATE_YEAR_MIN || d->year > DATE_YEAR_MAX)
		return -1;
	if (d->quarter != 0)
		return d->quarter >= 1 && d->quarter <= 4 && d->month == 0 &&
		        d->day == 0
		    ? 0
		    : -1;
	if (d->month == 0)
		return d->day == 0 ? 0 : -1;
	if (d->month < 1 || d->month > 12)
		return -1;
	if (d->day == 0)
		return 0;
	if (d->day < 1 || d->day > date_days_in_month(d->year, d->month))
		return -1;
	return 0;
}

/* "tháng 11/2022" or "tháng 8 năm 2021", from t (the word "tháng"). */
static int
date_from_thang(const struct date_token *t, int n, struct date_partial *d)
{
	if (n == 2)
		return date_from_group(&t[1], 2, 2, d);
	if (n == 4 && date_is_number(&t[1], 2) && t[2].kind == DATE_TOKEN_NAM &&
	    date_is_year(&t[3])) {
		memset(d, 0, sizeof(*d));
		d->month = t[1].value[0];
		d->year = t[3].value[0];
		return 0;
	}
	return -1;
}

/* "ngày 24/8/2021", "ngày 02 tháng 5 năm 2024", or the "ngày tháng 8 năm
 * 2021" of a document whose day was left blank, from t (the word "ngày"). */
static int
date_from_ngay(const struct date_token *t, int n, struct date_partial *d)
{
	if (n >= 2 && t[1].kind == DATE_TOKEN_THANG)
		return date_from_thang(&t[1], n - 1, d);
	if (n == 2)
		return date_from_group(&t[1], 3, 3, d);
	if (n == 6 && date_is_number(&t[1], 2) &&
	    t[2].kind == DATE_TOKEN_THANG && date_is_number(&t[3], 2) &&
	    t[4].kind == DATE_TOKEN_NAM && date_is_year(&t[5])) {
		memset(d, 0, sizeof(*d));
		d->day = t[1].value[0];
		d->month = t[3].value[0];
		d->year = t[5].value[0];
		return 0;
	}
	return -1;
}

/* "quý III/2025", "quý 3/2025", "quý III năm 2025", "Q3/2025", "Q3 2025",
 * from t (the word "quý" or "Q"). */
static int
date_from_quy(const struct date_token *t, int n, struct date_partial *d)
{
	int q = 0, year = 0;

	if (n == 2 && t[1].kind == DATE_TOKEN_GROUP && t[1].lead == 0 &&
	    t[1].count == 2 && t[1].sep != '.' && t[1].digits[0] == 1 &&
	    t[1].digits[1] == 4) {
		q = t[1].value[0];
		year = t[1].value[1];
	} else if (n >= 3 &&
	    (t[1].kind == DATE_TOKEN_ROMAN || date_is_number(&t[1], 1))) {
		q = t[1].value[0];
		if (n == 3 && t[2].kind == DATE_TOKEN_GROUP &&
		    t[2].count == 1 && t[2].digits[0] == 4 &&
		    (t[2].lead == 0 || t[2].lead == '/' || t[2].lead == '-'))
			year = t[2].value[0];
		else if (n == 4 && t[2].kind == DATE_TOKEN_NAM &&
		    date_is_year(&t[3]))
			year = t[3].value[0];
	}
	if (year == 0 || q < 1 || q > 4)
		return -1;
	memset(d, 0, sizeof(*d));
	d->year = year;
	d->quarter = q;
	return 0;
}

/* The ISO form of a quarter, "2025-Q3", as date_format writes it. */
static int
date_from_iso_quarter(const char *text, struct date_partial *d)
{
	const char *p = text;

	while (*p == ' ' || *p == '\t')
		p++;
	for (int i = 0; i < 4; i++)
		if (p[i] < '0' || p[i] > '9')
			return -1;
	if (p[4] != '-' || (p[5] != 'Q' && p[5] != 'q') || p[6] < '1' ||
	    p[6] > '4')
		return -1;
	for (const char *r = p + 7; *r != '\0'; r++)
		if (*r != ' ' && *r != '\t')
			return -1;
	memset(d, 0, sizeof(*d));
	d->year = atoi(p);
	d->quarter = p[6] - '0';
	return 0;
}

/* One date from the n tokens t. */
static int
date_from_tokens(const struct date_token *t, int n, struct date_partial *out)
{
	struct date_partial d;
	int rc = -1;

	if (n == 0)
		return -1;
	switch (t[0].kind) {
	case DATE_TOKEN_GROUP:
		if (n == 1)
			rc = date_from_group(&t[0], 1, 3, &d);
		break;
	case DATE_TOKEN_NGAY:
		rc = date_from_ngay(t, n, &d);
		break;
	case DATE_TOKEN_THANG:
		rc = date_from_thang(t, n, &d);
		break;
	case DATE_TOKEN_NAM:
		if (n == 2 && date_is_year(&t[1])) {
			memset(&d, 0, sizeof(d));
			d.year = t[1].value[0];
			rc = 0;
		}
		break;
	case DATE_TOKEN_QUY:
		rc = date_from_quy(t, n, &d);
		break;
	default:
		break;
	}
	if (rc != 0 || date_check(&d) != 0)
		return -1;
	*out = d;
	return 0;
}

int
date_parse(const char *text, struct date_partial *out)
{
	struct date_token t[DATE_MAX_TOKENS];
	struct date_partial d;
	int n;

	if (text == NULL || out == NULL)
		return -1;
	if (date_from_iso_quarter(text, &d) == 0) {
		if (date_check(&d) != 0)
			return -1;
		*out = d;
		return 0;
	}
	if (date_tokenize(text, t, &n) != 0)
		return -1;
	return date_from_tokens(t, n, out);
}

static int
date_span_check(struct date_span *s, struct date_span *out)
{
	if (date_last_day(&s->to) < date_first_day(&s->from))
		return -1;
	*out = *s;
	return 0;
}

/* "2022-11/2023-03", as date_span_format writes a span. */
static int
date_span_iso(const char *text, struct date_span *s)
{
	const char *slash = strchr(text, '/');
	char *left;
	int rc;

	while (*text == ' ' || *text == '\t')
		text++;
	if (slash == NULL || strchr(slash + 1, '/') != NULL)
		return -1;
	for (int i = 0; i < 4; i++)
		if (text[i] < '0' || text[i] > '9')
			return -1;
	if ((left = strndup(text, (size_t)(slash - text))) == NULL)
		return -1;
	rc = date_parse(left, &s->from) == 0 &&
	        date_parse(slash + 1, &s->to) == 0
	    ? 0
	    : -1;
	free(left);
	return rc;
}

int
date_parse_span(const char *text, struct date_span *out)
{
	struct date_token t[DATE_MAX_TOKENS];
	struct date_span s;
	int n, first = 0;

	if (text == NULL || out == NULL)
		return -1;
	if (date_parse(text, &s.from) == 0) {
		s.to = s.from;
		*out = s;
		return 0;
	}
	if (date_span_iso(text, &s) == 0)
		return date_span_check(&s, out);
	if (date_tokenize(text, t, &n) != 0)
		return -1;
	if (n > 0 && t[0].kind == DATE_TOKEN_TU)
		first = 1;
	/* "2023-2025": two years joined by a hyphen, which no date is. */
	if (n - first == 1 && t[first].kind == DATE_TOKEN_GROUP &&
	    t[first].lead == 0 && t[first].count == 2 && t[first].sep == '-' &&
	    t[first].digits[0] == 4 && t[first].digits[1] == 4) {
		memset(&s, 0, sizeof(s));
		s.from.year = t[first].value[0];
		s.to.year = t[first].value[1];
		if (date_check(&s.from) != 0 || date_check(&s.to) != 0)
			return -1;
		return date_span_check(&s, out);
	}
	for (int k = first + 1; k < n - 1; k++) {
		if (t[k].kind != DATE_TOKEN_DASH && t[k].kind != DATE_TOKEN_DEN)
			continue;
		if (date_from_tokens(t + first, k - first, &s.from) != 0 ||
		    date_from_tokens(t + k + 1, n - k - 1, &s.to) != 0)
			return -1;
		return date_span_check(&s, out);
	}
	return -1;
}

/* The first day of text's span, or with last its last day. */
static int
date_span_day(const char *text, int32_t *day, bool last)
{
	struct date_span s;

	if (date_parse_span(text, &s) != 0)
		return -1;
	*day = last ? date_last_day(&s.to) : date_first_day(&s.from);
	return 0;
}

int
date_span_first_day(const char *text, int32_t *day)
{
	return date_span_day(text, day, false);
}

int
date_span_last_day(const char *text, int32_t *day)
{
	return date_span_day(text, day, true);
}

int
date_span_single(const struct date_span *s)
{
	return s->from.year == s->to.year && s->from.month == s->to.month &&
	    s->from.day == s->to.day && s->from.quarter == s->to.quarter;
}

void
date_span_format(const struct date_span *s, char buf[DATE_SPAN_LEN])
{
	date_format(&s->from, buf);
	if (!date_span_single(s)) {
		size_t len = strlen(buf);

		buf[len] = '/';
		date_format(&s->to, buf + len + 1);
	}
}
