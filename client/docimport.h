/*
 * A report document as offices write it (Nghị định 30/2020/NĐ-CP: the
 * issuing body, "Số: …/BC-…", "…, ngày … tháng … năm …", "BÁO CÁO" and
 * its title, "Thực hiện Công văn số …", sections I–V with numbered
 * sub-items, "Nơi nhận:", the signing block) read line by line into a
 * report (docs/report-format.md), with what it could not place. Pure
 * functions: no I/O but the writing of the result to a stream.
 */
#ifndef HOPTAC_DOCIMPORT_H
#define HOPTAC_DOCIMPORT_H

#include <stddef.h>
#include <stdio.h>

#include "hoptac/v1/records.pb-c.h"
#include "hoptac/v1/reports.pb-c.h"

/* A line of the document with where it came from: what the clerk reads
 * as a comment, or a line that nothing took. */
struct docimport_note {
	size_t line; /* 1-based line of the document */
	char *text;  /* heap, owned by the docimport */
};

struct docimport_notes {
	struct docimport_note *items; /* heap */
	size_t n, cap;
};

struct docimport {
	Hoptac__V1__Report *report; /* owned; unit_code left to the caller */
	/* What has no field of its own, for the clerk: the issuing body,
	 * the title, the opening and closing, the figures and where they
	 * were read, the partners and dates named. */
	struct docimport_notes notes;
	/* Lines that nothing took, kept word for word. */
	struct docimport_notes unplaced;
	/* Single activities the text describes, proposed as rows for the
	 * clerk to confirm (docimport_write_activities). Owned. */
	Hoptac__V1__Activity **activities;
	size_t n_activities;
	/* The line each proposed activity was read from. */
	size_t *activity_lines;
};

/*
 * Reads the n lines of a document (UTF-8; a line may hold table cells
 * separated by tabs) into *d, which the caller frees with
 * docimport_free. Returns 0, or -1 when memory runs out or a line is not
 * UTF-8 (d is then freed).
 */
int docimport_parse(const char *const *lines, size_t n, struct docimport *d);

/* Splits a text document of len bytes into lines (a heap array of *n
 * heap strings, freed as docx_lines_free does): LF, CRLF or CR ends a
 * line, a byte order mark is skipped. 0, or -1 when the text is not
 * UTF-8 or holds a NUL or control character (*lines NULL), or memory
 * runs out. */
int docimport_text_lines(const char *buf, size_t len, char ***lines, size_t *n);

/* Frees what d holds and zeroes it. */
void docimport_free(struct docimport *d);

/*
 * Writes d as a report file: the notes as comments, the report, then the
 * lines not placed as comments (nothing of the document is dropped) and
 * the proposed activities as commented CSV rows. source names the
 * document. Returns 0, or -1 with errno set (report_file_write's).
 */
int docimport_write(FILE *f, const struct docimport *d, const char *source);

/* Writes the proposed activities as CSV (docs/csv.md) with an empty
 * "confirmed" column, which activity import refuses until the clerk
 * marks the row. Returns 0 or -1. */
int docimport_write_activities(FILE *f, const struct docimport *d);

#endif
