/*
 * The frame of every page hoptac-web serves (page.c): Vietnamese, one
 * style sheet, a navigation bar with the sign-out form, printable; and
 * the escaping of what goes into HTML and into links.
 */
#ifndef HOPTAC_WEB_PAGE_H
#define HOPTAC_WEB_PAGE_H

#include <stdio.h>

#include "web.h"

/* Opens p and writes the top of a page titled title (plain text) for u
 * (NULL: nobody signed in). 0, or -1 when out of memory. */
int page_begin(struct web_page *p, const char *title, const struct web_user *u);

/* Writes the bottom of the page and closes p->f: p->buf holds the page.
 * 0, or -1 when writing failed (p->buf then freed). */
int page_end(struct web_page *p);

/* Answers r with a whole page (200) titled title for u, whose body
 * body(f, arg) writes; 500 when out of memory. Returns MHD's result. */
int page_answer(struct web_req *r, const char *title, const struct web_user *u,
    void (*body)(FILE *f, const void *arg), const void *arg);

/* Drops a page being written. */
void page_drop(struct web_page *p);

/* Writes s escaped for HTML text and attribute values. */
void page_text(FILE *f, const char *s);

/* Writes one <th> for each of heads (msgids marked WN_, NULL-ended),
 * in the request's language. */
void page_heads(FILE *f, const char *const heads[]);

/* Opens a table: "<table ATTRS>" (attrs "" for none), its caption (none
 * when NULL), a head row of heads as page_heads writes them, and the
 * body, left open for the rows. */
void page_table_open(
    FILE *f, const char *attrs, const char *caption, const char *const heads[]);

/* Writes s percent-encoded, for a query-string value. */
void page_url(FILE *f, const char *s);

/* The hidden field carrying u's CSRF token, for a form. */
void page_csrf(FILE *f, const struct web_user *u);

/* A date as officials write it, "31/5/2024", from "2024-05-31" (a
 * partial date is written as it is) into buf. Returns buf. */
const char *page_date(char *buf, size_t len, const char *iso);

/* A report's timeliness and status (hoptac.v1 enums) in words. */
const char *page_timeliness(int timeliness);
const char *page_status(int status);

/* An activity kind (hoptac.v1.ActivityKind) as officials name it. */
const char *page_kind(int kind);

/* A select of the kinds of activity named name, "Tất cả" first, with
 * kind (0: none) selected. */
void page_kind_select(FILE *f, const char *name, int kind);

/* Today in Vietnam, "2024-05-31". */
void page_today(char buf[16]);

#endif
