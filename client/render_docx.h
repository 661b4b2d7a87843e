/*
 * The .docx backend of render_doc.h: each building block as
 * WordprocessingML (ECMA-376), written into the body of word/document.xml,
 * and the package that wraps the body into a file Word opens: A4, the
 * margins of Nghị định 30/2020/NĐ-CP, Times New Roman 14 pt (13 pt in
 * tables), tables with borders.
 */
#ifndef HOPTAC_RENDER_DOCX_H
#define HOPTAC_RENDER_DOCX_H

#include <stddef.h>
#include <stdio.h>

#include "render_doc.h"

/* The page, in twentieths of a point: A4 and the margins (20 mm top and
 * bottom, 30 mm left for binding, 15 mm right). */
#define RENDER_DOCX_PAGE_W   11906
#define RENDER_DOCX_PAGE_H   16838
#define RENDER_DOCX_MARGIN_T 1134
#define RENDER_DOCX_MARGIN_B 1134
#define RENDER_DOCX_MARGIN_L 1701
#define RENDER_DOCX_MARGIN_R 851

/* Text from the data, escaped, in a run of the current formatting. */
void render_docx_text_n(struct render_doc *d, const char *s, size_t n);

/* A heading paragraph of level 1 to 3. */
void render_docx_heading(struct render_doc *d, int level, const char *text);

/* Opens a paragraph: "subject" centred, any other a body paragraph. */
void render_docx_p_open(struct render_doc *d, const char *cls);

/* Ends the run and the paragraph. */
void render_docx_p_close(struct render_doc *d);

/* Opens (open 1) or closes tag: bold and italics change the runs, an
 * item of a list is a paragraph that starts with a dash. */
void render_docx_tag(struct render_doc *d, enum render_doc_tag tag, int open);

/* A bordered table with its header row, repeated on each page. */
void render_docx_table_open(
    struct render_doc *d, size_t n, const char *const *headers);

/* A row of n cells (NULL as empty); total in bold. */
void render_docx_table_row(
    struct render_doc *d, size_t n, const char *const *cells, int total);

/* Closes the table. */
void render_docx_table_close(struct render_doc *d);

/* A block of two columns without borders (render_doc_columns). */
void render_docx_columns(struct render_doc *d,
    const struct render_doc_line *left, size_t n_left,
    const struct render_doc_line *right, size_t n_right);

/* A page break. */
void render_docx_page_break(struct render_doc *d);

/* Writes the start of word/document.xml, up to <w:body>, to m. */
void render_docx_begin(FILE *m);

/* Writes the end of word/document.xml to m: the section (the page, its
 * margins, the header with the page number) and the closing tags. */
void render_docx_end(FILE *m);

/* Writes to out the .docx file whose word/document.xml is the len bytes
 * of document (render_docx_begin, the body, render_docx_end). 0, or -1
 * when out of memory or the package cannot be made. */
int render_docx_package(FILE *out, const char *document, size_t len);

#endif
