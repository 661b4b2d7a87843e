/*
 * Small text helpers the readers and writers of formats/ (and the
 * client's CSV) share: white space, quoting a value in an error message,
 * whole numbers, cells a spreadsheet would take for a formula.
 */
#ifndef HOPTAC_FORMATS_TEXT_H
#define HOPTAC_FORMATS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether c is ASCII white space: space, tab, CR, LF, VT or FF. */
bool formats_text_is_blank(int c);

/* How many bytes of s an error message quotes: at most max, never half a
 * character, so the message stays UTF-8. An int, as "%.*s" takes it. */
int formats_text_quote_len(const char *s, size_t max);

/* s, digits only ("02" as documents write it), as a whole number of at
 * most INT32_MAX in *out; "" is 0. Returns 0, or -1 when s holds
 * something else than a digit, -2 when the number is too large: which of
 * the two comes first in s. */
int formats_text_whole(const char *s, int32_t *out);

/* Whether a CSV cell holding s is written behind a "'": s begins with
 * =, +, -, @, tab or CR, which a spreadsheet takes for the start of a
 * formula (=HYPERLINK(...) run on opening), or with "'" itself, so that
 * formats_text_csv_unguard gives every s back exactly. */
bool formats_text_csv_guarded(const char *s);

/* Removes, in place, the "'" a writer put before a cell of s's kind. */
void formats_text_csv_unguard(char *s);

#endif
