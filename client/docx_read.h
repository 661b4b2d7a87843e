/*
 * The text of a .docx (Office Open XML) document, read with libzip and
 * libxml2: the paragraphs of word/document.xml in order, one line each,
 * and each table row as one line, its cells separated by tabs, so that
 * figures given in a table are read with their headings. A row whose
 * cells hold several paragraphs (the layout tables of a document's
 * heading and signing block) gives each paragraph as a line of its own.
 */
#ifndef HOPTAC_DOCX_READ_H
#define HOPTAC_DOCX_READ_H

#include <stddef.h>

/* The largest word/document.xml read, uncompressed: a bound on what a
 * crafted file can make the client inflate. */
#define DOCX_XML_MAX (64u << 20)

/* Reads the document at path into *lines (heap array of *n heap UTF-8
 * strings; free with docx_lines_free). 0, or -1 with a reason in err. */
int docx_read(
    const char *path, char ***lines, size_t *n, char *err, size_t errlen);

/* Whether the file at path starts as a zip archive does ("PK\3\4"). */
int docx_is_zip(const char *path);

/* Frees lines as docx_read made them. */
void docx_lines_free(char **lines, size_t n);

#endif
