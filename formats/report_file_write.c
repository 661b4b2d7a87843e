/*
 * Writing a report back out as a report file, in the order and with the
 * escapes the reader expects.
 */
#include "report_file_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "date.h"

/* Writes "key: value", or nothing for an empty value. A line break cannot
 * be written in a header line. */
static int
report_file_write_value(FILE *f, const char *key, const char *value)
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
report_file_write_text(FILE *f, const char *text)
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
report_file_write_section(FILE *f, const char *name, const char *sep,
    const char *arg, const char *text, bool always)
{
	if (!always && (text == NULL || text[0] == '\0'))
		return 0;
	if (arg == NULL || arg[0] == '\0')
		sep = arg = "";
	if (fprintf(f, "\n== %s%s%s\n", name, sep, arg) < 0)
		return -1;
	return report_file_write_text(f, text);
}

static int
report_file_write_figure(FILE *f, enum report_file_key key, int32_t v)
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
	if (report_file_write_value(f, "request", r->request_reference) != 0 ||
	    report_file_write_value(f, "unit", r->unit_code) != 0 ||
	    report_file_write_value(f, "number", r->document_number) != 0 ||
	    report_file_write_value(f, "place", r->place) != 0 ||
	    report_file_write_value(f, "date", date) != 0 ||
	    report_file_write_value(f, "nil", r->nil ? "yes" : "") != 0 ||
	    report_file_write_value(f, "signer", r->signer) != 0 ||
	    report_file_write_value(f, "title", r->signer_title) != 0)
		goto out;
	for (size_t i = 0; i < r->n_recipients; i++)
		if (report_file_write_value(f, "recipient", r->recipients[i]) !=
		    0)
			goto out;
	d = r->declared;
	/* The total of activities is seldom stated: 0 means not declared,
	 * so it is left out like an empty value. */
	if (d != NULL &&
	    (report_file_write_figure(
	         f, KEY_DELEGATIONS_OUT, d->delegations_out) != 0 ||
	        report_file_write_figure(f, KEY_PEOPLE_OUT, d->people_out) !=
	            0 ||
	        report_file_write_figure(
	            f, KEY_DELEGATIONS_IN, d->delegations_in) != 0 ||
	        report_file_write_figure(f, KEY_PEOPLE_IN, d->people_in) != 0 ||
	        report_file_write_figure(f, KEY_CONFERENCES, d->conferences) !=
	            0 ||
	        report_file_write_figure(f, KEY_AGREEMENTS, d->agreements) !=
	            0 ||
	        (d->activities != 0 &&
	            report_file_write_figure(
	                f, KEY_ACTIVITIES, d->activities) != 0)))
		goto out;
	if (report_file_write_section(
	        f, "situation", NULL, NULL, r->situation, false) != 0)
		goto out;
	for (size_t i = 0; i < r->n_results; i++) {
		const Hoptac__V1__ReportResult *res = r->results[i];

		if (res->heading != NULL &&
		    strpbrk(res->heading, "\r\n") != NULL) {
			errno = EINVAL;
			goto out;
		}
		if (report_file_write_section(
		        f, "result", ": ", res->heading, res->text, true) != 0)
			goto out;
	}
	if (r->directions_until != 0)
		snprintf(year, sizeof(year), "%" PRId32, r->directions_until);
	if (report_file_write_section(
	        f, "limitations", NULL, NULL, r->limitations, false) != 0 ||
	    report_file_write_section(
	        f, "causes", NULL, NULL, r->causes, false) != 0 ||
	    report_file_write_section(f, "directions", " ", year, r->directions,
	        r->directions_until != 0) != 0 ||
	    report_file_write_section(
	        f, "proposals", NULL, NULL, r->proposals, false) != 0)
		goto out;
	if (fflush(f) != 0 || ferror(f))
		goto out;
	rc = 0;
out:
	return rc;
}
