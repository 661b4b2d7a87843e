/*
 * What the parts of the document import share: folded lines that keep
 * their punctuation, with the way back to the original text, matched
 * with POSIX extended regular expressions.
 */
#ifndef HOPTAC_DOCIMPORT_INT_H
#define HOPTAC_DOCIMPORT_INT_H

#include <regex.h>
#include <stddef.h>

#include "docimport.h"

/* A line folded for matching: lower case, Vietnamese marks removed, "đ"
 * as "d", punctuation and spacing kept, so that "Số: 12/BC-UBND" reads
 * "so: 12/bc-ubnd". at[i] is the byte in the original where the
 * character that gave folded byte i starts; at[len] its length. */
struct docimport_fold {
	char *s;    /* heap */
	size_t *at; /* heap, len + 1 entries */
	size_t len;
};

/* Folds text into *f. Returns 0, or -1 (out of memory, not UTF-8). */
int docimport_fold(const char *text, struct docimport_fold *f);
void docimport_fold_free(struct docimport_fold *f);

/* Matches the extended regular expression re (cached, compiled once)
 * against s from its start; m gets nm sub-matches. 1 on a match. */
int docimport_match(const char *re, const char *s, regmatch_t *m, size_t nm);

/* The original text behind folded bytes [a, b) of f, trimmed: heap. */
char *docimport_orig(
    const char *orig, const struct docimport_fold *f, size_t a, size_t b);

/* Whether text has letters and none of them is lower case. */
int docimport_is_upper(const char *text);

/* Appends a note "text" (printf format) for line. 0 or -1. */
int docimport_note(struct docimport_notes *n, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A number written with digits or as a word ("hai", "ba"); -1 else. */
long docimport_number(const char *folded, size_t len);

/* The figures found so far, each with the line it was read from. */
enum docimport_figure {
	DOCIMPORT_DELEGATIONS_OUT,
	DOCIMPORT_PEOPLE_OUT,
	DOCIMPORT_DELEGATIONS_IN,
	DOCIMPORT_PEOPLE_IN,
	DOCIMPORT_CONFERENCES,
	DOCIMPORT_AGREEMENTS,
	DOCIMPORT_FIGURES
};

struct docimport_scan {
	long value[DOCIMPORT_FIGURES]; /* -1: not stated */
	size_t line[DOCIMPORT_FIGURES];
	int nil_line;  /* the first nil answer's line, 0: none */
	int bare_line; /* the first result that is only "Không.", 0: none */
	char **table_header;    /* the last table's header cells, folded */
	size_t n_table_header;  /* heap, owned */
	char *partners_default; /* heap: codes of the first partners named */
};

/* Reads the figures a body line (or table row, cells separated by tabs)
 * states into s, noting each with its line in d. 0 or -1. */
int docimport_figures(struct docimport *d, struct docimport_scan *s,
    size_t line, const char *text, const struct docimport_fold *f);

/* Proposes an activity for a line that describes a single one (a date
 * and what happened). request is the reference it answers. 0 or -1. */
int docimport_activity(struct docimport *d, struct docimport_scan *s,
    size_t line, const char *text, const struct docimport_fold *f);

/* Notes the partners (gazetteer) and dates a line names. 0 or -1. */
int docimport_mentions(struct docimport *d, struct docimport_scan *s,
    size_t line, const struct docimport_fold *f);

/* The nil answers, folded: "không phát sinh", "chưa đón tiếp", ... */
extern const char docimport_nil_re[];

/* Notes a nil answer ("không phát sinh", "không đón tiếp …") on a
 * line of the situation or results. */
void docimport_nil(
    struct docimport_scan *s, size_t line, const struct docimport_fold *f);

/* Sets the report's nil flag and declared figures from s once the whole
 * document is read. 0 or -1. */
int docimport_conclude(struct docimport *d, struct docimport_scan *s);

void docimport_scan_free(struct docimport_scan *s);

/* The name of a figure as in the report file: "delegations_out". */
const char *docimport_figure_key(enum docimport_figure k);

#endif
