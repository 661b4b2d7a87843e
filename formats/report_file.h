/*
 * A report as a plain-text file that an office writes by hand in any text
 * editor: UTF-8, "key: value" header lines, then sections introduced by
 * "== name" lines. docs/report-format.md describes the format.
 */
#ifndef HOPTAC_REPORT_FILE_H
#define HOPTAC_REPORT_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "hoptac/v1/reports.pb-c.h"

/* Longest line of a report file, in bytes, without its line end. */
#define REPORT_FILE_LINE_MAX 20000

struct report_file_error {
	size_t line; /* 1-based; 0 when no line is to blame */
	char message[256];
};

/*
 * Reads the whole of f into a new report (heap strings, see pbstr.h): free
 * it with protobuf_c_message_free_unpacked(&r->base, NULL). Text comes out
 * in NFC, trimmed, and the date in ISO form. Only the fields an office
 * writes are set (no id, no submission time). Returns 0 and hands the
 * report over through *out, or -1 with *out NULL and err filled in (err
 * may be NULL). Only reads the file: the rules of validate.h are the
 * caller's to apply.
 */
int report_file_read(
    FILE *f, Hoptac__V1__Report **out, struct report_file_error *err);

/*
 * Writes r in the same format, so that reading it back gives the same
 * fields an office writes, provided r's text is trimmed NFC, as
 * validate_report leaves it. Returns 0, or -1 with errno set: EINVAL when a
 * one-line field (header value, result heading) holds a line break, or the
 * error of the failed write.
 */
int report_file_write(FILE *f, const Hoptac__V1__Report *r);

/* What a template is filled from: the request, the unit, its place, the
 * date (as a clerk writes it, "6/12/2025") and the unit's records. */
struct report_file_template_data {
	const char *request_reference, *unit_code, *place, *date;
	const Hoptac__V1__Figures *figures; /* from the records; NULL: none */
	const char *const *activities;      /* one line each, listed */
	size_t n_activities;
};

/*
 * Writes a template to fill in, commented in Vietnamese, filled from d:
 * nil when the records hold no activity (then no result sections),
 * otherwise the figures and the activities listed under the exchange of
 * delegations; number, signer and title blank, so that a template sent
 * unchanged is refused for its missing signer. Read back, it parses.
 * Returns 0, or -1 with errno set (EINVAL: a NULL or multi-line value).
 */
int report_file_template(FILE *f, const struct report_file_template_data *d);

#endif
