/*
 * Report documents, as `hoptac report import` reads a text one:
 * docimport_text_lines over the bytes, docimport_parse over the lines,
 * and the report file written (docimport_write), which must read back
 * with report_file_read: whatever a document holds, the file import
 * writes is one that check and submit can read. Documents whose lines
 * are longer than a report file's line may hold are not tried (their
 * text would be refused by report_file_read, as the format says).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docimport.h"
#include "docx_read.h"
#include "fuzz.h"
#include "pbstr.h"
#include "report_file.h"

/* Long enough for any line of a real document, short enough that a
 * paragraph joined from lines, or a note, stays within a file's line. */
#define FUZZ_DOC_LINE_MAX 2000

static void
fuzz_docimport_check(const struct docimport *d)
{
	Hoptac__V1__Report *back = NULL;
	struct report_file_error err = {0, ""};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return;
	if (docimport_write(f, d, "fuzz") != 0) {
		fprintf(stderr, "fuzz_docimport: cannot be written\n");
		abort();
	}
	fclose(f);
	if ((f = fmemopen(text, len, "r")) == NULL)
		abort();
	if (report_file_read(f, &back, &err) != 0) {
		fprintf(stderr, "fuzz_docimport: line %zu: %s\n%s", err.line,
		    err.message, text);
		abort();
	}
	fclose(f);
	hoptac__v1__report__free_unpacked(back, NULL);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docimport d;
	char **lines;
	size_t n;

	if (docimport_text_lines((const char *)data, size, &lines, &n) != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strlen(lines[i]) > FUZZ_DOC_LINE_MAX) {
			docx_lines_free(lines, n);
			return 0;
		}
	if (docimport_parse((const char *const *)lines, n, &d) == 0) {
		/* The command gives the unit, and the request when the
		 * document names none. */
		if (pbstr_set(&d.report->unit_code, "KT-DAKGLEI") != 0 ||
		    (d.report->request_reference[0] == '\0' &&
		        pbstr_set(&d.report->request_reference,
		            "558/SNgV-BGHTQT") != 0))
			abort();
		fuzz_docimport_check(&d);
		docimport_free(&d);
	}
	docx_lines_free(lines, n);
	return 0;
}
