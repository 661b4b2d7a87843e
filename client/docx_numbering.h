/*
 * Word's automatic numbering (word/numbering.xml): the number a
 * paragraph shows but does not hold in its text ("II.", "1.", "a)"), so
 * that a heading numbered by Word reads as one typed by hand.
 */
#ifndef HOPTAC_DOCX_NUMBERING_H
#define HOPTAC_DOCX_NUMBERING_H

#include <libxml/tree.h>
#include <stddef.h>

struct docx_numbering;

/* The numbering definitions of len bytes of numbering.xml: heap, freed
 * with docx_numbering_free; NULL when there are none or they cannot be
 * read (paragraphs then show no number). */
struct docx_numbering *docx_numbering_read(const char *xml, size_t len);

/* The number paragraph p shows, with a space after ("II. "), counted
 * in document order, into buf; "" when it shows none or a bullet ("- "
 * for a bullet). n may be NULL. */
void docx_numbering_label(
    struct docx_numbering *n, const xmlNode *p, char *buf, size_t len);

void docx_numbering_free(struct docx_numbering *n);

#endif
