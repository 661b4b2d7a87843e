/*
 * The state of the document import while it reads a document line by
 * line, shared by the reading of its sections (docimport.c) and of its
 * frame (docimport_frame.c).
 */
#ifndef HOPTAC_DOCIMPORT_CTX_H
#define HOPTAC_DOCIMPORT_CTX_H

#include "docimport_int.h"

enum docimport_zone {
	ZONE_FRONT,      /* before the first section */
	ZONE_BODY,       /* the sections */
	ZONE_RECIPIENTS, /* after "Nơi nhận:" */
	ZONE_SIGNING,    /* the signing block */
	ZONE_AFTER,      /* after the signer's name */
};

enum docimport_section {
	SEC_NONE,
	SEC_SITUATION,
	SEC_RESULTS, /* a group: its sub-items are results */
	SEC_EVALUATION,
	SEC_LIMITATIONS,
	SEC_CAUSES,
	SEC_DIRECTIONS,
	SEC_PROPOSALS,
	SEC_APPENDIX, /* "PHỤ LỤC" after the signature: read, not kept */
};

struct docimport_ctx {
	struct docimport *d;
	struct docimport_scan scan;
	enum docimport_zone zone;
	enum docimport_section group; /* the Roman section */
	enum docimport_section sec;   /* where text goes */
	char **text;                  /* the field text goes to */
	int roman;                    /* the document numbers with I, II */
	int last_top, last_sub;       /* the last heading numbers */
	int title_lines;              /* after "BÁO CÁO": lines of title */
	int joins;                    /* the last text line runs on */
	int in_table;                 /* the last text line was a row */
	int seen_number, seen_title, seen_section;
	int front_runs;      /* the last opening line runs on to the next */
	int recipients_open; /* "Nơi nhận" was read */
	int request_score;   /* how likely the request kept is the answered */
	char *group_heading; /* the Roman section's heading, heap */
	char *signer_title;  /* the signing block's lines so far, heap */
	char *issuer;        /* the issuing body's lines so far, heap */
	size_t issuer_line;
};

/* A line before the first section (the heading of the document): into
 * the report's number, place, date and request, or a note. 0 or -1. */
int docimport_front(struct docimport_ctx *c, size_t line, const char *text,
    const struct docimport_fold *f);

/* A line after the closing: recipients, the signing block, the signer,
 * an appendix; anything else is noted as not placed. 0 or -1. */
int docimport_tail(struct docimport_ctx *c, size_t line, const char *text,
    const struct docimport_fold *f);

/* Appends part to *s (heap, owned by *s; NULL: empty) with sep between.
 * 0 or -1. */
int docimport_join(char **s, const char *sep, const char *part);

/* Whether a text line runs on into the next: it ends with no
 * punctuation that closes a sentence or an item. */
int docimport_runs_on(const char *line);

#endif
