/*
 * hoptac report import: a report document as offices write it (plain
 * text or .docx) read into a report file for the clerk to check and
 * submit, with every line that could not be placed listed, and the
 * single activities it describes proposed as CSV rows to confirm.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_i18n.h"
#include "docimport.h"
#include "docx_read.h"
#include "pbstr.h"
#include "safefile.h"
#include "text.h"

/* The largest text document read: far above any report (docs/report-
 * format.md bounds a report's sections at 256 KiB). */
#define CMD_IMPORT_TEXT_MAX (16u << 20)

struct cmd_report_import {
	char *unit, *request, *output, *activities;
	protobuf_c_boolean text;
};

/* Reads a text document into lines (docimport_text_lines). */
static int
cmd_import_text(
    const char *path, char ***lines, size_t *n, char *err, size_t errlen)
{
	FILE *f = safefile_read(path, "rb", err, errlen);
	char *buf = NULL;
	size_t len = 0, cap = 0, got = 1;
	int rc = -1;

	*lines = NULL;
	*n = 0;
	if (f == NULL)
		return -1;
	while (got > 0) {
		if (cap - len < 65536) {
			char *b = cap >= CMD_IMPORT_TEXT_MAX
			    ? NULL
			    : realloc(buf, cap + 65536);

			if (b == NULL) {
				snprintf(err, errlen,
				    _("%s: larger than %u bytes"), path,
				    CMD_IMPORT_TEXT_MAX);
				goto out;
			}
			buf = b;
			cap += 65536;
		}
		len += got = fread(buf + len, 1, cap - len, f);
	}
	if (ferror(f))
		snprintf(err, errlen, _("%s: cannot be read"), path);
	else if (docimport_text_lines(buf, len, lines, n) != 0)
		snprintf(err, errlen,
		    _("%s: not UTF-8 text, or it holds a NUL or a control "
		      "character: save it as UTF-8 text, or send the .docx"),
		    path);
	else
		rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}

/* Writes what write does to path through a safe file, or to stdout. */
static int
cmd_import_output(const char *path, const struct docimport *d,
    const char *source, int activities)
{
	struct safefile sf;
	char err[512];
	FILE *f = stdout;
	int rc;

	if (path != NULL && safefile_open(&sf, path, err, sizeof(err)) != 0)
		return cli_fail(CLI_ERROR, "%s", err);
	if (path != NULL)
		f = sf.f;
	rc = activities ? docimport_write_activities(f, d)
	                : docimport_write(f, d, source);
	if (path == NULL)
		return rc == 0 ? CLI_OK
		               : cli_fail(CLI_ERROR, _("cannot write"));
	if (rc != 0) {
		safefile_abort(&sf);
		return cli_fail(CLI_ERROR, _("%s: cannot be written"), path);
	}
	if (safefile_commit(&sf, err, sizeof(err)) != 0)
		return cli_fail(CLI_ERROR, "%s", err);
	return CLI_OK;
}

int
cmd_report_import(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING("unit", struct cmd_report_import, unit),
	    CLI_STRING("request", struct cmd_report_import, request),
	    CLI_STRING("output", struct cmd_report_import, output),
	    CLI_STRING("activities", struct cmd_report_import, activities),
	    CLI_FLAG("text", struct cmd_report_import, text),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {opts, NULL, 1, 1, 0, 0};
	struct cmd_report_import o = {NULL, NULL, NULL, NULL, 0};
	struct docimport d;
	char **lines = NULL, **file, err[512];
	size_t n = 0;
	int rc;

	memset(&d, 0, sizeof(d));
	if ((rc = cli_parse(cli, &args, &o, argc, argv, &file)) != CLI_OK)
		return rc;
	if (o.unit == NULL || o.unit[0] == '\0')
		o.unit = getenv("HOPTAC_UNIT");
	if ((docx_is_zip(file[0])
	            ? docx_read(file[0], &lines, &n, err, sizeof(err))
	            : cmd_import_text(file[0], &lines, &n, err, sizeof(err))) !=
	    0)
		return cli_fail(CLI_INVALID, "%s", err);
	if (o.text) {
		/* The lines as numbered in what import says. */
		for (size_t i = 0; i < n; i++)
			printf("%zu\t%s\n", i + 1, lines[i]);
		rc = CLI_OK;
		goto out;
	}
	if (docimport_parse((const char *const *)lines, n, &d) != 0) {
		rc = cli_fail(CLI_ERROR, _("out of memory"));
		goto out;
	}
	if ((o.unit != NULL && pbstr_set(&d.report->unit_code, o.unit) != 0) ||
	    (o.request != NULL &&
	        pbstr_set(&d.report->request_reference, o.request) != 0)) {
		rc = cli_fail(CLI_ERROR, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < d.unplaced.n; i++)
		fprintf(stderr, _("hoptac: %s:%zu: not placed: %s\n"), file[0],
		    d.unplaced.items[i].line, d.unplaced.items[i].text);
	if ((rc = cmd_import_output(o.output, &d, file[0], 0)) != CLI_OK)
		goto out;
	if (o.activities != NULL &&
	    (rc = cmd_import_output(o.activities, &d, file[0], 1)) != CLI_OK)
		goto out;
	fprintf(stderr,
	    _("hoptac: %s: %zu result sections, %s, %zu activities proposed, "
	      "%zu lines not placed%s\n"),
	    file[0], d.report->n_results,
	    d.report->nil            ? _("a nil report")
	        : d.report->declared ? _("with figures")
	                             : _("no figures stated"),
	    d.n_activities, d.unplaced.n,
	    d.report->unit_code[0] ? "" : _("; no unit code yet (--unit)"));
out:
	docimport_free(&d);
	docx_lines_free(lines, n);
	return rc;
}
