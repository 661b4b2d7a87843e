/*
 * The building blocks of a document written as markdown or as html: the
 * layouts (render_heading.c, render_consolidated.c, render_summary.c)
 * call these and never write markup themselves. Text from the data is
 * escaped for the format; markup is written as it is.
 */
#ifndef HOPTAC_RENDER_DOC_H
#define HOPTAC_RENDER_DOC_H

#include <stddef.h>
#include <stdio.h>

#include "hoptac/v1/services.pb-c.h"

struct render_layout;

struct render_doc {
	FILE *out;
	/* the report the layout writes from; NULL for a summary table */
	const Hoptac__V1__ConsolidateResponse *c;
	int html;
	int bol; /* markdown: at the start of a line */
	/* WordprocessingML, the body of a .docx (render_docx.c) */
	int docx;
	/* what the department fills in, and the annex; NULL: none */
	const struct render_layout *layout;
	/* the alignment of the open table's columns, a letter each ('l'
	 * left, 'c' centred); NULL: the first left, the others centred */
	const char *align;
	/* docx: a run is open, and the formatting of the text */
	int run, bold, em;
};

/* Writes markup as it is. */
void render_doc_raw(struct render_doc *d, const char *s);

/* Writes n bytes of text from the data, escaped; control characters and
 * line breaks become spaces. */
void render_doc_text_n(struct render_doc *d, const char *s, size_t n);

/* render_doc_text_n of all of s. */
void render_doc_text(struct render_doc *d, const char *s);

/* A heading of level 1 to 3. */
void render_doc_heading(struct render_doc *d, int level, const char *text);

/* Opens a paragraph, of the html class cls unless NULL. */
void render_doc_p_open(struct render_doc *d, const char *cls);

/* Closes the paragraph. */
void render_doc_p_close(struct render_doc *d);

/* Markup that opens and closes around what is written in between. */
enum render_doc_tag {
	RENDER_DOC_STRONG, /* bold */
	RENDER_DOC_EM,     /* italics */
	RENDER_DOC_LIST,   /* a bulleted list */
	RENDER_DOC_ITEM,   /* an item of the list */
};

/* Opens tag. */
void render_doc_open(struct render_doc *d, enum render_doc_tag tag);

/* Closes tag. */
void render_doc_close(struct render_doc *d, enum render_doc_tag tag);

/* A paragraph of one piece of text. */
void render_doc_para(struct render_doc *d, const char *text);

/* A bordered table of n columns under headers; the first column holds
 * names, the others figures. */
void render_doc_table_open(
    struct render_doc *d, size_t n, const char *const *headers);

/* A row of n cells (NULL as empty); total: the total row, in bold. */
void render_doc_table_row(
    struct render_doc *d, size_t n, const char *const *cells, int total);

/* Closes the table. */
void render_doc_table_close(struct render_doc *d);

/* render_doc_table_open with the alignment of each column: align holds a
 * letter a column, 'l' for left and 'c' for centred. */
void render_doc_table_open_aligned(struct render_doc *d, size_t n,
    const char *const *headers, const char *align);

/* A line of a block of two columns (render_doc_columns). */
struct render_doc_line {
	const char *text; /* NULL: an empty line */
	unsigned style;   /* RENDER_LINE_* */
};

#define RENDER_LINE_BOLD   1u  /* in bold */
#define RENDER_LINE_ITALIC 2u  /* in italics */
#define RENDER_LINE_RULE   4u  /* a short rule under it */
#define RENDER_LINE_LEFT   8u  /* aligned left, not centred */
#define RENDER_LINE_SMALL  16u /* 12 pt: agencies' names, the recipients */
#define RENDER_LINE_SIGN   32u /* room for the signature above it */

/* A block of two columns without borders, the left narrower, as the
 * heading block and the signature block of an administrative document
 * are laid out; cls names it in html ("heading", "signature"). */
void render_doc_columns(struct render_doc *d, const char *cls,
    const struct render_doc_line *left, size_t n_left,
    const struct render_doc_line *right, size_t n_right);

/* What follows starts on a new page (the annex). */
void render_doc_page_break(struct render_doc *d);

/* Writes text line by line: the first line into the paragraph the caller
 * opened, each further line as a paragraph of its own; closes the last. */
void render_doc_lines(struct render_doc *d, const char *text);

#endif
