/*
 * Reading a report file: lines, errors, the text of sections, and the
 * dispatch of each line to the header or the section parser.
 */
#include "report_file_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "formats_text.h"
#include "pbstr.h"
#include "text.h"

void
report_file_read_fail(
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

void
report_file_read_oom(struct report_file_reader *rd)
{
	report_file_read_fail(rd, rd->lineno, "out of memory");
}

/* Copies at most REPORT_FILE_QUOTE_MAX bytes of s into dst for an error
 * message, cut at a character boundary so the message stays UTF-8. */
void
report_file_read_quote(char *dst, size_t cap, const char *s)
{
	size_t max = REPORT_FILE_QUOTE_MAX;
	int n;

	if (max > cap - 4)
		max = cap - 4;
	n = formats_text_quote_len(s, max);
	snprintf(dst, cap, "%.*s%s", n, s, s[n] != '\0' ? "..." : "");
}

/* Trims ASCII white space in place; returns the start. */
char *
report_file_read_trim(char *s)
{
	size_t n;

	while (formats_text_is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && formats_text_is_blank(s[n - 1]))
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
report_file_read_next_line(struct report_file_reader *rd)
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
			report_file_read_fail(rd, rd->lineno + 1,
			    "line is longer than %d bytes",
			    REPORT_FILE_LINE_MAX);
			return -1;
		}
		rd->line[len++] = (char)c;
	}
	if (ferror(rd->f)) {
		report_file_read_fail(rd, rd->lineno + 1,
		    "cannot read the file: %s", strerror(errno));
		return -1;
	}
	if (!any)
		return 0;
	rd->lineno++;
	if (len > 0 && rd->line[len - 1] == '\r')
		len--;
	if (len > REPORT_FILE_LINE_MAX) {
		report_file_read_fail(rd, rd->lineno,
		    "line is longer than %d bytes", REPORT_FILE_LINE_MAX);
		return -1;
	}
	rd->line[len] = '\0';
	rd->len = len;
	return 1;
}

static int
report_file_read_buf_add(struct report_file_buf *b, const char *s, size_t n)
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
int
report_file_read_flush(struct report_file_reader *rd)
{
	char *nfc;

	if (rd->target == NULL)
		return 0;
	nfc = text_nfc(rd->text.data != NULL ? rd->text.data : "");
	if (nfc == NULL) {
		report_file_read_oom(rd);
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
int
report_file_read_text_line(
    struct report_file_reader *rd, const char *s, size_t n)
{
	if (n > 0 && s[0] == '\\') {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (report_file_read_buf_add(&rd->text, s, n) != 0 ||
	    report_file_read_buf_add(&rd->text, "\n", 1) != 0) {
		report_file_read_oom(rd);
		return -1;
	}
	return 0;
}

/* Sets a one-line field to value in NFC. */
int
report_file_read_set_text(
    struct report_file_reader *rd, char **field, const char *value)
{
	char *nfc = text_nfc(value);

	if (nfc == NULL) {
		report_file_read_oom(rd);
		return -1;
	}
	pbstr_take(field, nfc);
	return 0;
}

static int
report_file_read_line(struct report_file_reader *rd)
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
		report_file_read_fail(
		    rd, rd->lineno, "a control character in the line");
		return -1;
	}
	switch (text_check(s, len)) {
	case TEXT_OK:
		break;
	case TEXT_HAS_NUL:
		report_file_read_fail(rd, rd->lineno, "a NUL byte in the line");
		return -1;
	case TEXT_HAS_CONTROL:
		report_file_read_fail(
		    rd, rd->lineno, "a control character in the line");
		return -1;
	default:
		report_file_read_fail(rd, rd->lineno,
		    "invalid UTF-8: save the file as UTF-8 text");
		return -1;
	}
	if (s[0] == '#')
		return 0;
	if (s[0] == '=' && s[1] == '=')
		return report_file_section_start(rd, s + 2);
	if (!rd->in_sections)
		return report_file_header_line(rd, s);
	return report_file_read_text_line(rd, s, len);
}

/* The header must say which request and which unit; the line to blame is
 * the key's own when it was left empty, or where the header ended. */
static int
report_file_read_check_required(
    struct report_file_reader *rd, enum report_file_key key, const char *v)
{
	size_t end = rd->in_sections ? rd->first_section : rd->lineno;

	if (v[0] != '\0')
		return 0;
	if (rd->key_line[key] != 0)
		report_file_read_fail(rd, rd->key_line[key], "'%s' is empty",
		    report_file_keys[key].name);
	else
		report_file_read_fail(rd, end > 0 ? end : 1,
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
		report_file_read_fail(&rd, 0, "no file to read");
		errno = EINVAL;
		return -1;
	}
	rd.line = malloc(REPORT_FILE_LINE_MAX + 2);
	rd.r = malloc(sizeof(*rd.r));
	if (rd.line == NULL || rd.r == NULL) {
		free(rd.r);
		rd.r = NULL;
		report_file_read_oom(&rd);
		goto out;
	}
	hoptac__v1__report__init(rd.r);
	while ((got = report_file_read_next_line(&rd)) == 1)
		if (report_file_read_line(&rd) != 0)
			goto out;
	if (got < 0 || report_file_read_flush(&rd) != 0)
		goto out;
	if (report_file_read_check_required(
	        &rd, KEY_REQUEST, rd.r->request_reference) != 0 ||
	    report_file_read_check_required(&rd, KEY_UNIT, rd.r->unit_code) !=
	        0)
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
