/*
 * What the pieces of the report file reader and writer share: the keys
 * and sections of the format, and the reader's state with the helpers
 * the header and section parsers call. Included by formats/report_file_*.c
 * only.
 */
#ifndef HOPTAC_REPORT_FILE_INT_H
#define HOPTAC_REPORT_FILE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report_file.h"

/* How much of a value an error message quotes. */
#define REPORT_FILE_QUOTE_MAX 60

enum report_file_key {
	KEY_REQUEST,
	KEY_UNIT,
	KEY_NUMBER,
	KEY_PLACE,
	KEY_DATE,
	KEY_NIL,
	KEY_SIGNER,
	KEY_TITLE,
	KEY_RECIPIENT,
	KEY_DELEGATIONS_OUT,
	KEY_PEOPLE_OUT,
	KEY_DELEGATIONS_IN,
	KEY_PEOPLE_IN,
	KEY_CONFERENCES,
	KEY_AGREEMENTS,
	KEY_ACTIVITIES,
	KEY_COUNT
};

struct report_file_key_name {
	const char *name;
	const char *folded;
};

/* Keys are matched on their text_key() form, so "Delegations out" and
 * "DELEGATIONS-OUT" are "delegations_out" too. Also the order the writer
 * uses. */
extern const struct report_file_key_name report_file_keys[KEY_COUNT];

enum report_file_section {
	SEC_NONE = -1,
	SEC_SITUATION,
	SEC_RESULT,
	SEC_LIMITATIONS,
	SEC_CAUSES,
	SEC_DIRECTIONS,
	SEC_PROPOSALS,
	SEC_COUNT
};

/* The English name of each section, as the writer writes it. */
extern const char *const report_file_sections[SEC_COUNT];

/* A growing byte buffer for the text of the section being read. */
struct report_file_buf {
	char *data;
	size_t len;
	size_t cap;
};

struct report_file_reader {
	FILE *f;
	Hoptac__V1__Report *r;
	struct report_file_error *err;

	char *line; /* the line being read, NUL-terminated */
	size_t len;
	size_t lineno;

	bool in_sections;               /* a "==" line has been seen */
	size_t first_section;           /* its line */
	size_t key_line[KEY_COUNT];     /* where each key was first given */
	size_t section_line[SEC_COUNT]; /* where each section first began */

	char **target; /* the field the current section's text goes to */
	struct report_file_buf text;
};

/* The key whose text_key() form is folded, or KEY_COUNT. */
enum report_file_key report_file_tables_find_key(const char *folded);

/* The section a heading in text_key() form names, or SEC_NONE. */
enum report_file_section report_file_tables_find_section(const char *folded);

/* Fills in the caller's error, if it gave one, for line (1-based, 0 for
 * none). */
void report_file_read_fail(struct report_file_reader *rd, size_t line,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Fails the current line for want of memory. */
void report_file_read_oom(struct report_file_reader *rd);

/* Copies at most REPORT_FILE_QUOTE_MAX bytes of s into dst for an error
 * message, cut at a character boundary so the message stays UTF-8. */
void report_file_read_quote(char *dst, size_t cap, const char *s);

/* Trims ASCII white space in place; returns the start. */
char *report_file_read_trim(char *s);

/* Ends the current section: its text, trimmed at both ends and in NFC,
 * goes to its field. Returns 0, or -1 with the error filled in. */
int report_file_read_flush(struct report_file_reader *rd);

/* Appends one line of section text (s, n bytes). Returns 0, or -1 with
 * the error filled in. */
int report_file_read_text_line(
    struct report_file_reader *rd, const char *s, size_t n);

/* Sets a one-line field to value in NFC. Returns 0, or -1 with the error
 * filled in. */
int report_file_read_set_text(
    struct report_file_reader *rd, char **field, const char *value);

/* One line of the header, s (the reader's line, which it may change).
 * Returns 0, or -1 with the error filled in. */
int report_file_header_line(struct report_file_reader *rd, char *s);

/* A section line; s follows its "==" and may be changed. Ends the section
 * before it. Returns 0, or -1 with the error filled in. */
int report_file_section_start(struct report_file_reader *rd, char *s);

#endif
