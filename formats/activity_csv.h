/*
 * Activities from a spreadsheet export (CSV, RFC 4180, UTF-8, with or
 * without a BOM), read with libcsv. The first row names the columns, in
 * any order; docs/csv.md lists them. Lists inside a cell (partners,
 * fields, document_refs) are separated by ";".
 */
#ifndef HOPTAC_ACTIVITY_CSV_H
#define HOPTAC_ACTIVITY_CSV_H

#include <stdio.h>

#include "hoptac/v1/records.pb-c.h"

/* Called for each data row that could be read into an activity. line is
 * the 1-based line the row starts on. The callee owns a (free it with
 * protobuf_c_message_free_unpacked(&a->base, NULL)). A non-zero return
 * stops the reading, and activity_csv_read returns it. */
typedef int (*activity_csv_row_fn)(
    void *arg, size_t line, Hoptac__V1__Activity *a);

/* Called for a row or header that cannot be read: a bad number in
 * "people", an unknown column, a wrong cell count. field is the column
 * name, or "" for the row as a whole. Non-zero stops the reading. */
typedef int (*activity_csv_error_fn)(
    void *arg, size_t line, const char *field, const char *message);

/* Reads every row of f. Returns 0 at the end of the file, -1 when the file
 * cannot be read or parsed as CSV at all (an error is reported through
 * on_error first), or the non-zero value a callback returned. Only reads
 * cells into fields: the rules of validate.h are the caller's to apply. */
int activity_csv_read(FILE *f, activity_csv_row_fn on_row,
    activity_csv_error_fn on_error, void *arg);

/* Size of the id activity_csv_stable_id writes, with its NUL: "csv-" and
 * 24 hex digits. */
#define ACTIVITY_CSV_ID_LEN 29

/* The id of a row read without one, a hash of what makes it this
 * activity: its unit, kind, dates, folded title and partners (in their
 * order). The same row imported twice gets the same id and is stored
 * once; docs/csv.md gives the rule. Returns -1 when out of memory or a
 * text is not UTF-8. */
int activity_csv_stable_id(
    const Hoptac__V1__Activity *a, char out[ACTIVITY_CSV_ID_LEN]);

/* Writes the header row, then one row per activity in the same columns. */
int activity_csv_write_header(FILE *f);
int activity_csv_write(FILE *f, const Hoptac__V1__Activity *a);

#endif
