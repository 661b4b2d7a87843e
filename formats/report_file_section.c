/*
 * The section lines of a report file ("== name ..."): which section
 * begins, its year or result heading, and where its text goes.
 */
#include "report_file_int.h"

#include <stdlib.h>
#include <string.h>

#include "formats_text.h"
#include "text.h"

/* Drops the numbering a heading copied from a document keeps: "IV. ",
 * "2) ". */
static char *
report_file_section_skip_numbering(char *s)
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
	return report_file_read_trim(p + 1);
}

static Hoptac__V1__ReportResult *
report_file_section_add_result(Hoptac__V1__Report *r)
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
int
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

	if (report_file_read_flush(rd) != 0)
		return -1;
	if (!rd->in_sections) {
		rd->in_sections = true;
		rd->first_section = rd->lineno;
	}
	colon = strchr(s, ':');
	if (colon != NULL) {
		*colon = '\0';
		arg = report_file_read_trim(colon + 1);
	}
	name = report_file_section_skip_numbering(report_file_read_trim(s));
	/* "== Phương hướng ... năm 2022." ends with a period. */
	n = strlen(name);
	while (
	    n > 0 && (name[n - 1] == '.' || formats_text_is_blank(name[n - 1])))
		name[--n] = '\0';
	/* A number ending the name is the year of directions. */
	digits = n;
	while (digits > 0 && name[digits - 1] >= '0' && name[digits - 1] <= '9')
		digits--;
	if (digits < n &&
	    (digits == 0 || formats_text_is_blank(name[digits - 1]))) {
		ylen = n - digits;
		snprintf(yearbuf, sizeof(yearbuf), "%s", name + digits);
		year = yearbuf;
		name[digits] = '\0';
		name = report_file_read_trim(name);
	}
	folded = text_key(name);
	if (folded == NULL) {
		report_file_read_oom(rd);
		goto out;
	}
	sec = report_file_tables_find_section(folded);
	if (sec == SEC_NONE) {
		if (name[0] == '\0' && year == NULL)
			report_file_read_fail(rd, rd->lineno,
			    "a section line needs a name, as in '== "
			    "situation'");
		else {
			report_file_read_quote(quoted, sizeof(quoted),
			    name[0] != '\0' ? name : year);
			report_file_read_fail(rd, rd->lineno,
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
		report_file_read_fail(rd, rd->lineno,
		    "only the directions section takes a year, as in '== "
		    "directions 2027'");
		goto out;
	}
	if (year != NULL && (ylen != 4 || year[0] == '0')) {
		report_file_read_quote(quoted, sizeof(quoted), year);
		report_file_read_fail(rd, rd->lineno,
		    "'%s' is not a year: write it with 4 digits, as in "
		    "'== directions 2027'",
		    quoted);
		goto out;
	}
	if (sec != SEC_RESULT && rd->section_line[sec] != 0) {
		report_file_read_fail(rd, rd->lineno,
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
			report_file_read_fail(rd, rd->lineno,
			    "a nil report (nil: yes, line %zu) has no "
			    "results: remove this section or set nil: no",
			    rd->key_line[KEY_NIL]);
			goto out;
		}
		res = report_file_section_add_result(r);
		if (res == NULL ||
		    report_file_read_set_text(
		        rd, &res->heading, arg != NULL ? arg : "") != 0) {
			report_file_read_oom(rd);
			goto out;
		}
		rd->target = &res->text;
		arg = NULL;
		break;
	}
	if (arg != NULL && arg[0] != '\0' &&
	    report_file_read_text_line(rd, arg, strlen(arg)) != 0)
		goto out;
	rc = 0;
out:
	free(folded);
	return rc;
}
