#include "report_file.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "pbstr.h"
#include "text.h"

/* A header key longer than this is taken for a line of text, not a key. */
#define REPORT_FILE_KEY_MAX 40

/* How much of a value an error message quotes. */
#define REPORT_FILE_QUOTE_MAX 60

enum report_file_key {
	KEY_REQUEST,
	KEY_UNIT,
	KEY_NUMBER,
	KEY_PLACE,
	KEY_DATE,
	KEY_NIL,
	KEY_SIGNER,
	KEY_TITLE,
	KEY_RECIPIENT,
	KEY_DELEGATIONS_OUT,
	KEY_PEOPLE_OUT,
	KEY_DELEGATIONS_IN,
	KEY_PEOPLE_IN,
	KEY_CONFERENCES,
	KEY_AGREEMENTS,
	KEY_ACTIVITIES,
	KEY_COUNT
};

/* Keys are matched on their text_key() form, so "Delegations out" and
 * "DELEGATIONS-OUT" are "delegations_out" too. Also the order the writer
 * uses. */
static const struct {
	const char *name;
	const char *folded;
} report_file_keys[KEY_COUNT] = {
    [KEY_REQUEST] = {"request", "request"},
    [KEY_UNIT] = {"unit", "unit"},
    [KEY_NUMBER] = {"number", "number"},
    [KEY_PLACE] = {"place", "place"},
    [KEY_DATE] = {"date", "date"},
    [KEY_NIL] = {"nil", "nil"},
    [KEY_SIGNER] = {"signer", "signer"},
    [KEY_TITLE] = {"title", "title"},
    [KEY_RECIPIENT] = {"recipient", "recipient"},
    [KEY_DELEGATIONS_OUT] = {"delegations_out", "delegationsout"},
    [KEY_PEOPLE_OUT] = {"people_out", "peopleout"},
    [KEY_DELEGATIONS_IN] = {"delegations_in", "delegationsin"},
    [KEY_PEOPLE_IN] = {"people_in", "peoplein"},
    [KEY_CONFERENCES] = {"conferences", "conferences"},
    [KEY_AGREEMENTS] = {"agreements", "agreements"},
    [KEY_ACTIVITIES] = {"activities", "activities"},
};

enum report_file_section {
	SEC_NONE = -1,
	SEC_SITUATION,
	SEC_RESULT,
	SEC_LIMITATIONS,
	SEC_CAUSES,
	SEC_DIRECTIONS,
	SEC_PROPOSALS,
	SEC_COUNT
};

static const char *const report_file_sections[SEC_COUNT] = {
    [SEC_SITUATION] = "situation",
    [SEC_RESULT] = "result",
    [SEC_LIMITATIONS] = "limitations",
    [SEC_CAUSES] = "causes",
    [SEC_DIRECTIONS] = "directions",
    [SEC_PROPOSALS] = "proposals",
};

/*
 * Section names in text_key() form. English names must match whole. The
 * Vietnamese ones need only begin the name, because offices copy the
 * headings of their documents, which run on: "KẾT QUẢ TRIỂN KHAI",
 * "PHƯƠNG HƯỚNG HỢP TÁC TỪ NAY ĐẾN NĂM 2027".
 */
static const struct {
	const char *folded;
	int prefix;
	enum report_file_section section;
} report_file_section_names[] = {
    {"situation", 0, SEC_SITUATION}, {"result", 0, SEC_RESULT},
    {"results", 0, SEC_RESULT}, {"limitations", 0, SEC_LIMITATIONS},
    {"causes", 0, SEC_CAUSES}, {"directions", 0, SEC_DIRECTIONS},
    {"proposals", 0, SEC_PROPOSALS},
    {"dacdiemtinhhinh", 1, SEC_SITUATION}, /* đặc điểm tình hình */
    {"ketqua", 1, SEC_RESULT},             /* kết quả */
    {"tontai", 1, SEC_LIMITATIONS},        /* tồn tại, hạn chế */
    {"hanche", 1, SEC_LIMITATIONS},        /* hạn chế */
    {"nguyennhan", 1, SEC_CAUSES},         /* nguyên nhân */
    {"phuonghuong", 1, SEC_DIRECTIONS},    /* phương hướng */
    {"dexuat", 1, SEC_PROPOSALS},          /* đề xuất, kiến nghị */
    {"kiennghi", 1, SEC_PROPOSALS},        /* kiến nghị */
};

#define REPORT_FILE_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A growing byte buffer for the text of the section being read. */
struct report_file_buf {
	char *data;
	size_t len;
	size_t cap;
};

struct report_file_reader {
	FILE *f;
	Hoptac__V1__Report *r;
	struct report_file_error *err;

	char *line; /* the line being read, NUL-terminated */
	size_t len;
	size_t lineno;

	bool in_sections;               /* a "==" line has been seen */
	size_t first_section;           /* its line */
	size_t key_line[KEY_COUNT];     /* where each key was first given */
	size_t section_line[SEC_COUNT]; /* where each section first began */

	char **target; /* the field the current section's text goes to */
	struct report_file_buf text;
};

static void report_file_fail(struct report_file_reader *rd, size_t line,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
report_file_fail(
    struct report_file_reader *rd, size_t line, const char *fmt, ...)
{
	va_list ap;

	if (rd->err == NULL)
		return;
	rd->err->line = line;
	va_start(ap, fmt);
	vsnprintf(rd->err->message, sizeof(rd->err->message), fmt, ap);
	va_end(ap);
}

static void
report_file_oom(struct report_file_reader *rd)
{
	report_file_fail(rd, rd->lineno, "out of memory");
}

/* Copies at most REPORT_FILE_QUOTE_MAX bytes of s into dst for an error
 * message, cut at a character boundary so the message stays UTF-8. */
static void
report_file_quote(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(s), max = REPORT_FILE_QUOTE_MAX;
	bool cut = false;

	if (max > cap - 4)
		max = cap - 4;
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		cut = true;
	}
	snprintf(dst, cap, "%.*s%s", (int)n, s, cut ? "..." : "");
}

static bool
report_file_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

/* Trims ASCII white space in place; returns the start. */
static char *
report_file_trim(char *s)
{
	size_t n;

	while (report_file_is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && report_file_is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/*
 * Reads one line into rd->line without its line end (LF or CRLF).
 * Returns 1 for a line, 0 at the end of the file, -1 on error. A line is
 * never read past the limit, so a file without line breaks cannot make us
 * hold it whole.
 */
static int
report_file_next_line(struct report_file_reader *rd)
{
	size_t len = 0;
	bool any = false;
	int c;

	while ((c = getc(rd->f)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		/* One byte more than the limit may be the CR of a CRLF. */
		if (len == REPORT_FILE_LINE_MAX + 1) {
			report_file_fail(rd, rd->lineno + 1,
			    "line is longer than %d bytes",
			    REPORT_FILE_LINE_MAX);
			return -1;
		}
		rd->line[len++] = (char)c;
	}
	if (ferror(rd->f)) {
		report_file_fail(rd, rd->lineno + 1, "cannot read the file: %s",
		    strerror(errno));
		return -1;
	}
	if (!any)
		return 0;
	rd->lineno++;
	if (len > 0 && rd->line[len - 1] == '\r')
		len--;
	if (len > REPORT_FILE_LINE_MAX) {
		report_file_fail(rd, rd->lineno, "line is longer than %d bytes",
		    REPORT_FILE_LINE_MAX);
		return -1;
	}
	rd->line[len] = '\0';
	rd->len = len;
	return 1;
}

static int
report_file_buf_add(struct report_file_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap != 0 ? b->cap : 1024;
		char *grown;

		while (cap < b->len + n + 1)
			cap *= 2;
		grown = realloc(b->data, cap);
		if (grown == NULL)
			return -1;
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/* Ends the current section: its text, trimmed at both ends and in NFC,
 * goes to its field. */
static int
report_file_flush(struct report_file_reader *rd)
{
	char *nfc;

	if (rd->target == NULL)
		return 0;
	nfc = text_nfc(rd->text.data != NULL ? rd->text.data : "");
	if (nfc == NULL) {
		report_file_oom(rd);
		return -1;
	}
	pbstr_take(rd->target, nfc);
	rd->target = NULL;
	rd->text.len = 0;
	if (rd->text.data != NULL)
		rd->text.data[0] = '\0';
	return 0;
}

/* Appends one line of section text. Trailing blanks go: editors leave
 * them and nobody can see them. A leading backslash escapes a line that
 * would otherwise be a comment or a section line. */
static int
report_file_text_line(struct report_file_reader *rd, const char *s, size_t n)
{
	if (n > 0 && s[0] == '\\') {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (report_file_buf_add(&rd->text, s, n) != 0 ||
	    report_file_buf_add(&rd->text, "\n", 1) != 0) {
		report_file_oom(rd);
		return -1;
	}
	return 0;
}

/* Sets a one-line field to value in NFC. */
static int
report_file_set_text(
    struct report_file_reader *rd, char **field, const char *value)
{
	char *nfc = text_nfc(value);

	if (nfc == NULL) {
		report_file_oom(rd);
		return -1;
	}
	pbstr_take(field, nfc);
	return 0;
}

/* A figure: a whole number of 0 or more ("02" as the documents write
 * it), within int32. */
static int
report_file_figure(
    struct report_file_reader *rd, enum report_file_key key, const char *value)
{
	Hoptac__V1__Report *r = rd->r;
	char quoted[REPORT_FILE_QUOTE_MAX + 4];
	int32_t *slot = NULL;
	long long v = 0;
	const char *p;

	if (value[0] == '\0')
		return 0;
	for (p = value; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > INT32_MAX)
			break;
	}
	if (*p != '\0') {
		report_file_quote(quoted, sizeof(quoted), value);
		if (*p >= '0' && *p <= '9')
			report_file_fail(rd, rd->lineno,
			    "'%s' is too large: %s", report_file_keys[key].name,
			    quoted);
		else
			report_file_fail(rd, rd->lineno,
			    "'%s' must be a whole number of 0 or more, not "
			    "'%s'",
			    report_file_keys[key].name, quoted);
		return -1;
	}
	if (r->declared == NULL) {
		r->declared = malloc(sizeof(*r->declared));
		if (r->declared == NULL) {
			report_file_oom(rd);
			return -1;
		}
		hoptac__v1__figures__init(r->declared);
	}
	switch (key) {
	case KEY_DELEGATIONS_OUT:
		slot = &r->declared->delegations_out;
		break;
	case KEY_PEOPLE_OUT:
		slot = &r->declared->people_out;
		break;
	case KEY_DELEGATIONS_IN:
		slot = &r->declared->delegations_in;
		break;
	case KEY_PEOPLE_IN:
		slot = &r->declared->people_in;
		break;
	case KEY_CONFERENCES:
		slot = &r->declared->conferences;
		break;
	case KEY_AGREEMENTS:
		slot = &r->declared->agreements;
		break;
	default:
		slot = &r->declared->activities;
		break;
	}
	*slot = (int32_t)v;
	return 0;
}

static int
report_file_nil(struct report_file_reader *rd, const char *value)
{
	char quoted[REPORT_FILE_QUOTE_MAX + 4];
	char *key;
	int rc = 0;

	if (value[0] == '\0') {
		rd->r->nil = 0;
		return 0;
	}
	key = text_key(value);
	if (key == NULL) {
		report_file_oom(rd);
		return -1;
	}
	if (strcmp(key, "yes") == 0 || strcmp(key, "co") == 0) {
		rd->r->nil = 1;
	} else if (strcmp(key, "no") == 0 || strcmp(key, "khong") == 0) {
		rd->r->nil = 0;
	} else {
		report_file_quote(quoted, sizeof(quoted), value);
		report_file_fail(rd, rd->lineno,
		    "'nil' must be yes, no, có or không, not '%s'", quoted);
		rc = -1;
	}
	free(key);
	return rc;
}

static int
report_file_date(struct report_file_reader *rd, const char *value)
{
	char quoted[REPORT_FILE_QUOTE_MAX + 4], iso[DATE_ISO_LEN];
	struct date_partial d;

	if (value[0] == '\0')
		return pbstr_set(&rd->r->signed_on, "");
	if (date_parse(value, &d) != 0) {
		report_file_quote(quoted, sizeof(quoted), value);
		report_file_fail(rd, rd->lineno,
		    "bad date '%s': write it as 24/8/2021, tháng 8 năm 2021 "
		    "or 2021-08-24",
		    quoted);
		return -1;
	}
	date_format(&d, iso);
	if (pbstr_set(&rd->r->signed_on, iso) != 0) {
		report_file_oom(rd);
		return -1;
	}
	return 0;
}

static enum report_file_key
report_file_find_key(const char *folded)
{
	for (int k = 0; k < KEY_COUNT; k++)
		if (strcmp(folded, report_file_keys[k].folded) == 0)
			return (enum report_file_key)k;
	return KEY_COUNT;
}

/* One "key: value" line of the header. */
static int
report_file_header(struct report_file_reader *rd, char *s)
{
	char quoted[REPORT_FILE_QUOTE_MAX + 4];
	char *colon, *name, *value, *folded = NULL, *nfc = NULL;
	enum report_file_key key;
	Hoptac__V1__Report *r = rd->r;
	int rc = -1;

	s = report_file_trim(s);
	if (*s == '\0')
		return 0;
	colon = strchr(s, ':');
	if (colon == NULL || colon == s ||
	    (size_t)(colon - s) > REPORT_FILE_KEY_MAX) {
		report_file_fail(rd, rd->lineno,
		    "text before the first section: the header has only "
		    "'key: value' lines, and text goes under a section line "
		    "such as '== situation'");
		return -1;
	}
	*colon = '\0';
	name = report_file_trim(s);
	value = report_file_trim(colon + 1);
	folded = text_key(name);
	if (folded == NULL) {
		report_file_oom(rd);
		goto out;
	}
	key = report_file_find_key(folded);
	if (key == KEY_COUNT) {
		report_file_quote(quoted, sizeof(quoted), name);
		report_file_fail(rd, rd->lineno,
		    "unknown header key '%s' (known: request, unit, number, "
		    "place, date, nil, signer, title, recipient, "
		    "delegations_out, people_out, delegations_in, people_in, "
		    "conferences, agreements, activities)",
		    quoted);
		goto out;
	}
	if (rd->key_line[key] != 0 && key != KEY_RECIPIENT) {
		report_file_fail(rd, rd->lineno,
		    "'%s' given twice (first on line %zu)",
		    report_file_keys[key].name, rd->key_line[key]);
		goto out;
	}
	if (rd->key_line[key] == 0)
		rd->key_line[key] = rd->lineno;
	switch (key) {
	case KEY_REQUEST:
		rc = report_file_set_text(rd, &r->request_reference, value);
		break;
	case KEY_UNIT:
		rc = report_file_set_text(rd, &r->unit_code, value);
		break;
	case KEY_NUMBER:
		rc = report_file_set_text(rd, &r->document_number, value);
		break;
	case KEY_PLACE:
		rc = report_file_set_text(rd, &r->place, value);
		break;
	case KEY_SIGNER:
		rc = report_file_set_text(rd, &r->signer, value);
		break;
	case KEY_TITLE:
		rc = report_file_set_text(rd, &r->signer_title, value);
		break;
	case KEY_DATE:
		rc = report_file_date(rd, value);
		break;
	case KEY_NIL:
		rc = report_file_nil(rd, value);
		break;
	case KEY_RECIPIENT:
		/* "recipient:" with nothing after it is a line not filled
		 * in, not a recipient without a name. */
		rc = 0;
		if (value[0] == '\0')
			break;
		nfc = text_nfc(value);
		if (nfc == NULL ||
		    pbstr_append(&r->n_recipients, &r->recipients, nfc) != 0) {
			report_file_oom(rd);
			rc = -1;
		}
		break;
	default:
		rc = report_file_figure(rd, key, value);
		break;
	}
out:
	free(nfc);
	free(folded);
	return rc;
}

static enum report_file_section
report_file_find_section(const char *folded)
{
	if (folded[0] == '\0')
		return SEC_NONE;
	for (size_t i = 0; i < REPORT_FILE_COUNT(report_file_section_names);
	     i++) {
		const char *n = report_file_section_names[i].folded;

		if (report_file_section_names[i].prefix
		        ? strncmp(folded, n, strlen(n)) == 0
		        : strcmp(folded, n) == 0)
			return report_file_section_names[i].section;
	}
	return SEC_NONE;
}

/* Drops the numbering a heading copied from a document keeps: "IV. ",
 * "2) ". */
static char *
report_file_skip_numbering(char *s)
{
	char *p = s;

	if (*p >= '0' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		while (*p != '\0' && strchr("IVXLivxl", *p) != NULL)
			p++;
	if (p == s || (*p != '.' && *p != ')'))
		return s;
	return report_file_trim(p + 1);
}

static Hoptac__V1__ReportResult *
report_file_add_result(Hoptac__V1__Report *r)
{
	Hoptac__V1__ReportResult *res, **grown;

	res = malloc(sizeof(*res));
	if (res == NULL)
		return NULL;
	hoptac__v1__report_result__init(res);
	grown = realloc(r->results, (r->n_results + 1) * sizeof(*grown));
	if (grown == NULL) {
		free(res);
		return NULL;
	}
	r->results = grown;
	r->results[r->n_results++] = res;
	return res;
}

/*
 * A section line: "== name", "== result: heading", "== directions 2027",
 * or "== name: text" where the text begins the section, as documents
 * write "V. ĐỀ XUẤT, KIẾN NGHỊ: Không.". s follows the "==".
 */
static int
report_file_section_start(struct report_file_reader *rd, char *s)
{
	char quoted[REPORT_FILE_QUOTE_MAX + 4];
	char *colon, *name, *arg = NULL, *year = NULL, *folded = NULL;
	char yearbuf[16];
	enum report_file_section sec;
	Hoptac__V1__Report *r = rd->r;
	Hoptac__V1__ReportResult *res;
	size_t n, digits, ylen = 0;
	int rc = -1;

	if (report_file_flush(rd) != 0)
		return -1;
	if (!rd->in_sections) {
		rd->in_sections = true;
		rd->first_section = rd->lineno;
	}
	colon = strchr(s, ':');
	if (colon != NULL) {
		*colon = '\0';
		arg = report_file_trim(colon + 1);
	}
	name = report_file_skip_numbering(report_file_trim(s));
	/* "== Phương hướng ... năm 2022." ends with a period. */
	n = strlen(name);
	while (
	    n > 0 && (name[n - 1] == '.' || report_file_is_blank(name[n - 1])))
		name[--n] = '\0';
	/* A number ending the name is the year of directions. */
	digits = n;
	while (digits > 0 && name[digits - 1] >= '0' && name[digits - 1] <= '9')
		digits--;
	if (digits < n &&
	    (digits == 0 || report_file_is_blank(name[digits - 1]))) {
		ylen = n - digits;
		snprintf(yearbuf, sizeof(yearbuf), "%s", name + digits);
		year = yearbuf;
		name[digits] = '\0';
		name = report_file_trim(name);
	}
	folded = text_key(name);
	if (folded == NULL) {
		report_file_oom(rd);
		goto out;
	}
	sec = report_file_find_section(folded);
	if (sec == SEC_NONE) {
		if (name[0] == '\0' && year == NULL)
			report_file_fail(rd, rd->lineno,
			    "a section line needs a name, as in '== "
			    "situation'");
		else {
			report_file_quote(quoted, sizeof(quoted),
			    name[0] != '\0' ? name : year);
			report_file_fail(rd, rd->lineno,
			    "unknown section '%s' (known: situation, result, "
			    "limitations, causes, directions, proposals, or "
			    "their Vietnamese names)",
			    quoted);
		}
		goto out;
	}
	/* "== directions: 2027" is taken as the year, not as the text. */
	if (sec == SEC_DIRECTIONS && year == NULL && arg != NULL &&
	    strlen(arg) == 4 && strspn(arg, "0123456789") == 4) {
		year = arg;
		ylen = 4;
		arg = NULL;
	}
	if (year != NULL && sec != SEC_DIRECTIONS) {
		report_file_fail(rd, rd->lineno,
		    "only the directions section takes a year, as in '== "
		    "directions 2027'");
		goto out;
	}
	if (year != NULL && (ylen != 4 || year[0] == '0')) {
		report_file_quote(quoted, sizeof(quoted), year);
		report_file_fail(rd, rd->lineno,
		    "'%s' is not a year: write it with 4 digits, as in "
		    "'== directions 2027'",
		    quoted);
		goto out;
	}
	if (sec != SEC_RESULT && rd->section_line[sec] != 0) {
		report_file_fail(rd, rd->lineno,
		    "section '%s' given twice (first on line %zu)",
		    report_file_sections[sec], rd->section_line[sec]);
		goto out;
	}
	if (rd->section_line[sec] == 0)
		rd->section_line[sec] = rd->lineno;
	switch (sec) {
	case SEC_SITUATION:
		rd->target = &r->situation;
		break;
	case SEC_LIMITATIONS:
		rd->target = &r->limitations;
		break;
	case SEC_CAUSES:
		rd->target = &r->causes;
		break;
	case SEC_DIRECTIONS:
		rd->target = &r->directions;
		if (year != NULL)
			r->directions_until = (int32_t)strtol(year, NULL, 10);
		break;
	case SEC_PROPOSALS:
		rd->target = &r->proposals;
		break;
	default:
		if (r->nil) {
			report_file_fail(rd, rd->lineno,
			    "a nil report (nil: yes, line %zu) has no "
			    "results: remove this section or set nil: no",
			    rd->key_line[KEY_NIL]);
			goto out;
		}
		res = report_file_add_result(r);
		if (res == NULL ||
		    report_file_set_text(
		        rd, &res->heading, arg != NULL ? arg : "") != 0) {
			report_file_oom(rd);
			goto out;
		}
		rd->target = &res->text;
		arg = NULL;
		break;
	}
	if (arg != NULL && arg[0] != '\0' &&
	    report_file_text_line(rd, arg, strlen(arg)) != 0)
		goto out;
	rc = 0;
out:
	free(folded);
	return rc;
}

static int
report_file_line(struct report_file_reader *rd)
{
	char *s = rd->line;
	size_t len = rd->len;

	/* Notepad saves UTF-8 with a byte order mark. */
	if (rd->lineno == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		len -= 3;
	}
	/* CRs left at the end belong to the line end (CR CR LF, from a file
	 * converted twice). Anywhere else a CR is a control character like
	 * the others: text_check lets it through, but a header value or a
	 * line of text holding one would not read back as it was. */
	while (len > 0 && s[len - 1] == '\r')
		s[--len] = '\0';
	if (memchr(s, '\r', len) != NULL) {
		report_file_fail(
		    rd, rd->lineno, "a control character in the line");
		return -1;
	}
	switch (text_check(s, len)) {
	case TEXT_OK:
		break;
	case TEXT_HAS_NUL:
		report_file_fail(rd, rd->lineno, "a NUL byte in the line");
		return -1;
	case TEXT_HAS_CONTROL:
		report_file_fail(
		    rd, rd->lineno, "a control character in the line");
		return -1;
	default:
		report_file_fail(rd, rd->lineno,
		    "invalid UTF-8: save the file as UTF-8 text");
		return -1;
	}
	if (s[0] == '#')
		return 0;
	if (s[0] == '=' && s[1] == '=')
		return report_file_section_start(rd, s + 2);
	if (!rd->in_sections)
		return report_file_header(rd, s);
	return report_file_text_line(rd, s, len);
}

/* The header must say which request and which unit; the line to blame is
 * the key's own when it was left empty, or where the header ended. */
static int
report_file_check_required(
    struct report_file_reader *rd, enum report_file_key key, const char *v)
{
	size_t end = rd->in_sections ? rd->first_section : rd->lineno;

	if (v[0] != '\0')
		return 0;
	if (rd->key_line[key] != 0)
		report_file_fail(rd, rd->key_line[key], "'%s' is empty",
		    report_file_keys[key].name);
	else
		report_file_fail(rd, end > 0 ? end : 1,
		    "no '%s' line: the header must give the %s",
		    report_file_keys[key].name,
		    key == KEY_REQUEST
		        ? "reference of the request answered, as in "
		          "'request: 558/SNgV-BGHTQT'"
		        : "code of the reporting unit, as in 'unit: "
		          "KT-DAKGLEI'");
	return -1;
}

int
report_file_read(
    FILE *f, Hoptac__V1__Report **out, struct report_file_error *err)
{
	struct report_file_reader rd;
	int rc = -1, got;

	memset(&rd, 0, sizeof(rd));
	rd.f = f;
	rd.err = err;
	if (err != NULL) {
		err->line = 0;
		err->message[0] = '\0';
	}
	if (out != NULL)
		*out = NULL;
	if (f == NULL || out == NULL) {
		report_file_fail(&rd, 0, "no file to read");
		errno = EINVAL;
		return -1;
	}
	rd.line = malloc(REPORT_FILE_LINE_MAX + 2);
	rd.r = malloc(sizeof(*rd.r));
	if (rd.line == NULL || rd.r == NULL) {
		free(rd.r);
		rd.r = NULL;
		report_file_oom(&rd);
		goto out;
	}
	hoptac__v1__report__init(rd.r);
	while ((got = report_file_next_line(&rd)) == 1)
		if (report_file_line(&rd) != 0)
			goto out;
	if (got < 0 || report_file_flush(&rd) != 0)
		goto out;
	if (report_file_check_required(
	        &rd, KEY_REQUEST, rd.r->request_reference) != 0 ||
	    report_file_check_required(&rd, KEY_UNIT, rd.r->unit_code) != 0)
		goto out;
	*out = rd.r;
	rd.r = NULL;
	rc = 0;
out:
	if (rd.r != NULL)
		protobuf_c_message_free_unpacked(&rd.r->base, NULL);
	free(rd.text.data);
	free(rd.line);
	return rc;
}

/* Writes "key: value", or nothing for an empty value. A line break cannot
 * be written in a header line. */
static int
report_file_put_value(FILE *f, const char *key, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return 0;
	if (strpbrk(value, "\r\n") != NULL) {
		errno = EINVAL;
		return -1;
	}
	return fprintf(f, "%s: %s\n", key, value) < 0 ? -1 : 0;
}

/* Writes section text line by line, escaping the lines a reader would
 * take for a comment or a section line, or whose backslash it would
 * eat. */
static int
report_file_put_text(FILE *f, const char *text)
{
	const char *p = text;

	if (text == NULL || text[0] == '\0')
		return 0;
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (p[0] == '#' || p[0] == '\\' || (p[0] == '=' && p[1] == '='))
			if (fputc('\\', f) == EOF)
				return -1;
		if (fwrite(p, 1, n, f) != n || fputc('\n', f) == EOF)
			return -1;
		p += n;
		if (*p == '\n')
			p++;
	}
	return 0;
}

/* Writes "== name", "== name<sep>arg" when arg is not empty, then the
 * text; nothing for an empty section unless always. */
static int
report_file_put_section(FILE *f, const char *name, const char *sep,
    const char *arg, const char *text, bool always)
{
	if (!always && (text == NULL || text[0] == '\0'))
		return 0;
	if (arg == NULL || arg[0] == '\0')
		sep = arg = "";
	if (fprintf(f, "\n== %s%s%s\n", name, sep, arg) < 0)
		return -1;
	return report_file_put_text(f, text);
}

static int
report_file_put_figure(FILE *f, enum report_file_key key, int32_t v)
{
	return fprintf(f, "%s: %" PRId32 "\n", report_file_keys[key].name, v) <
	        0
	    ? -1
	    : 0;
}

int
report_file_write(FILE *f, const Hoptac__V1__Report *r)
{
	const Hoptac__V1__Figures *d;
	char iso[DATE_ISO_LEN], year[16] = "";
	const char *date;
	struct date_partial dp;
	int rc = -1;

	if (f == NULL || r == NULL) {
		errno = EINVAL;
		return -1;
	}
	date = r->signed_on;
	if (date != NULL && date[0] != '\0' && date_parse(date, &dp) == 0) {
		date_format(&dp, iso);
		date = iso;
	}
	if (report_file_put_value(f, "request", r->request_reference) != 0 ||
	    report_file_put_value(f, "unit", r->unit_code) != 0 ||
	    report_file_put_value(f, "number", r->document_number) != 0 ||
	    report_file_put_value(f, "place", r->place) != 0 ||
	    report_file_put_value(f, "date", date) != 0 ||
	    report_file_put_value(f, "nil", r->nil ? "yes" : "") != 0 ||
	    report_file_put_value(f, "signer", r->signer) != 0 ||
	    report_file_put_value(f, "title", r->signer_title) != 0)
		goto out;
	for (size_t i = 0; i < r->n_recipients; i++)
		if (report_file_put_value(f, "recipient", r->recipients[i]) !=
		    0)
			goto out;
	d = r->declared;
	/* The total of activities is seldom stated: 0 means not declared,
	 * so it is left out like an empty value. */
	if (d != NULL &&
	    (report_file_put_figure(
	         f, KEY_DELEGATIONS_OUT, d->delegations_out) != 0 ||
	        report_file_put_figure(f, KEY_PEOPLE_OUT, d->people_out) != 0 ||
	        report_file_put_figure(
	            f, KEY_DELEGATIONS_IN, d->delegations_in) != 0 ||
	        report_file_put_figure(f, KEY_PEOPLE_IN, d->people_in) != 0 ||
	        report_file_put_figure(f, KEY_CONFERENCES, d->conferences) !=
	            0 ||
	        report_file_put_figure(f, KEY_AGREEMENTS, d->agreements) != 0 ||
	        (d->activities != 0 &&
	            report_file_put_figure(f, KEY_ACTIVITIES, d->activities) !=
	                0)))
		goto out;
	if (report_file_put_section(
	        f, "situation", NULL, NULL, r->situation, false) != 0)
		goto out;
	for (size_t i = 0; i < r->n_results; i++) {
		const Hoptac__V1__ReportResult *res = r->results[i];

		if (res->heading != NULL &&
		    strpbrk(res->heading, "\r\n") != NULL) {
			errno = EINVAL;
			goto out;
		}
		if (report_file_put_section(
		        f, "result", ": ", res->heading, res->text, true) != 0)
			goto out;
	}
	if (r->directions_until != 0)
		snprintf(year, sizeof(year), "%" PRId32, r->directions_until);
	if (report_file_put_section(
	        f, "limitations", NULL, NULL, r->limitations, false) != 0 ||
	    report_file_put_section(
	        f, "causes", NULL, NULL, r->causes, false) != 0 ||
	    report_file_put_section(f, "directions", " ", year, r->directions,
	        r->directions_until != 0) != 0 ||
	    report_file_put_section(
	        f, "proposals", NULL, NULL, r->proposals, false) != 0)
		goto out;
	if (fflush(f) != 0 || ferror(f))
		goto out;
	rc = 0;
out:
	return rc;
}

/* The template, around its request and unit lines. In Vietnamese: the
 * people who fill it in read it in their editor, not in our docs. */
static const char report_file_template_head[] =
    "# BÁO CÁO TÌNH HÌNH HỢP TÁC VỚI CÁC TỈNH CỦA LÀO\n"
    "#\n"
    "# Mẫu để điền bằng bất kỳ trình soạn thảo văn bản nào; lưu tệp dạng\n"
    "# văn bản UTF-8. Cách điền:\n"
    "# - Dòng bắt đầu bằng dấu # là chú thích, chương trình bỏ qua; có thể "
    "xóa.\n"
    "# - Phần đầu gồm các dòng \"khóa: giá trị\". Giữ nguyên khóa (tiếng "
    "Anh),\n"
    "#   thay giá trị mẫu bằng giá trị của đơn vị mình; dòng không dùng thì "
    "xóa.\n"
    "# - Tiếp theo là các mục, mỗi mục bắt đầu bằng một dòng \"== tên mục\",\n"
    "#   tên tiếng Anh như dưới đây hoặc tên tiếng Việt: \"== Đặc điểm tình\n"
    "#   hình\", \"== Kết quả: <đề mục>\", \"== Tồn tại, hạn chế\", \"== "
    "Nguyên\n"
    "#   nhân\", \"== Phương hướng 2027\", \"== Đề xuất, kiến nghị\".\n"
    "# - Nội dung của một mục là các dòng tiếp theo, đến dòng \"==\" kế tiếp;\n"
    "#   dòng trống giữa các đoạn được giữ nguyên. Mục không có nội dung thì\n"
    "#   để trống hoặc xóa.\n"
    "# - Dòng nội dung nào bắt đầu bằng \"#\" hoặc \"==\" thì thêm dấu \"\\\" "
    "vào\n"
    "#   đầu dòng đó.\n"
    "\n"
    "# Số, ký hiệu công văn yêu cầu báo cáo của Sở Ngoại vụ.\n";

static const char report_file_template_tail[] =
    "# Số, ký hiệu của báo cáo (dòng \"Số:\" trên văn bản); chưa cấp số thì\n"
    "# chỉ ghi ký hiệu, như mẫu.\n"
    "number: /BC-STNMT\n"
    "# Địa danh và ngày ký. Ngày viết như trên văn bản: \"24/8/2021\",\n"
    "# \"ngày 24 tháng 8 năm 2021\", \"tháng 8 năm 2021\" hoặc "
    "\"2021-08-24\".\n"
    "place: Điện Biên\n"
    "date: tháng 8 năm 2021\n"
    "# Báo cáo không (trong kỳ không có hoạt động hợp tác nào): ghi \"có\".\n"
    "# Báo cáo không vẫn có thể có các mục đặc điểm tình hình (nêu lý do),\n"
    "# phương hướng, đề xuất, nhưng không có mục kết quả: khi đó xóa các mục\n"
    "# \"== result\".\n"
    "nil: không\n"
    "# Người ký và chức vụ; chức vụ nhiều dòng thì nối bằng \" / \", như\n"
    "# \"TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH\".\n"
    "signer: Vũ Ngọc Vương\n"
    "title: GIÁM ĐỐC\n"
    "# Nơi nhận: mỗi nơi một dòng \"recipient:\", bỏ dấu \"-\" đầu dòng và "
    "dấu\n"
    "# \";\" cuối dòng.\n"
    "recipient: Sở Ngoại vụ (b/c)\n"
    "recipient: Lưu: VT\n"
    "# Số liệu báo cáo nêu, mỗi số là số nguyên từ 0 trở lên: số đoàn ra và\n"
    "# số người đi, số đoàn vào và số người đến, số hội nghị, hội thảo quốc\n"
    "# tế, số thỏa thuận quốc tế đã ký kết. Số liệu được đối chiếu với các\n"
    "# hoạt động đơn vị đã ghi nhận. Báo cáo không nêu số liệu thì xóa cả\n"
    "# nhóm này.\n"
    "delegations_out: 2\n"
    "people_out: 10\n"
    "delegations_in: 2\n"
    "people_in: 24\n"
    "conferences: 1\n"
    "agreements: 1\n"
    "# Tổng số hoạt động hợp tác; 0 là không nêu.\n"
    "activities: 0\n"
    "\n"
    "== situation\n"
    "# I. Đặc điểm tình hình: quan hệ của đơn vị với đối tác Lào; báo cáo\n"
    "# không thì nêu lý do không có hoạt động.\n"
    "\n"
    "== result: Công tác thông tin, tuyên truyền\n"
    "# II. Kết quả: mỗi đề mục một mục \"== result: <đề mục>\", không ghi số\n"
    "# thứ tự; xóa các đề mục không dùng.\n"
    "\n"
    "== result: Công tác trao đổi đoàn\n"
    "# Số đoàn ra, đoàn vào và số người (\"02 đoàn/10 người\"); chi tiết ở\n"
    "# phụ lục.\n"
    "\n"
    "== result: Công tác Hội nghị, hội thảo quốc tế và ký kết thỏa thuận quốc "
    "tế, văn kiện hợp tác quốc tế\n"
    "# Các hội nghị, hội thảo đã tham gia và các thỏa thuận đã ký kết, theo\n"
    "# năm.\n"
    "\n"
    "== result: Kết quả hợp tác trên lĩnh vực được phân công và theo chức "
    "năng, nhiệm vụ của ngành, cơ quan, tổ chức\n"
    "# Kết quả theo lĩnh vực của đơn vị; không có thì ghi \"Không.\".\n"
    "\n"
    "== limitations\n"
    "# III. Đánh giá. 1. Tồn tại, hạn chế.\n"
    "\n"
    "== causes\n"
    "# 2. Nguyên nhân của các tồn tại, hạn chế.\n"
    "\n"
    "== directions 2027\n"
    "# IV. Phương hướng hợp tác; số sau tên mục là năm cuối (\"từ nay đến năm\n"
    "# 2027\"), có thể bỏ.\n"
    "\n"
    "== proposals\n"
    "# V. Đề xuất, kiến nghị; không có thì ghi \"Không.\".\n";

int
report_file_template(
    FILE *f, const char *request_reference, const char *unit_code)
{
	if (request_reference == NULL || request_reference[0] == '\0')
		request_reference = "558/SNgV-BGHTQT";
	if (unit_code == NULL || unit_code[0] == '\0')
		unit_code = "KT-DAKGLEI";
	if (f == NULL || strpbrk(request_reference, "\r\n") != NULL ||
	    strpbrk(unit_code, "\r\n") != NULL) {
		errno = EINVAL;
		return -1;
	}
	if (fputs(report_file_template_head, f) == EOF ||
	    fprintf(f, "request: %s\n# Mã đơn vị báo cáo.\nunit: %s\n",
	        request_reference, unit_code) < 0 ||
	    fputs(report_file_template_tail, f) == EOF || fflush(f) != 0 ||
	    ferror(f))
		return -1;
	return 0;
}
