/*
 * Aligned text tables for human output. Widths are measured in terminal
 * columns (libunistring u8_width), so Vietnamese text with combining
 * marks lines up.
 */
#ifndef HOPTAC_TABLE_H
#define HOPTAC_TABLE_H

#include <stdio.h>

struct table;

/* A table with ncols columns and these headers (copied). NULL on ENOMEM. */
struct table *table_create(size_t ncols, const char *const *headers);

/* Appends a row of ncols cells (copied; NULL prints as ""). Cells longer
 * than max_width columns (table_set_max_width) are cut with "…".
 * Returns 0 or -1 on ENOMEM. */
int table_add_row(struct table *t, const char *const *cells);

/* Caps the width of one column (0: no cap, the default). */
void table_set_max_width(struct table *t, size_t col, size_t width);

/* Prints headers, a rule of dashes and the rows, columns two spaces apart,
 * trailing spaces trimmed. */
void table_print(const struct table *t, FILE *out);

void table_destroy(struct table *t);

#endif
