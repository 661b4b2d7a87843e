/*
 * The building blocks of a document in markdown or html: the same calls
 * write either, differing only in markup and escaping. A .docx body is
 * written by render_docx.c, to which each call hands over.
 */
#include "render_doc.h"

#include "render_docx.h"

#include <string.h>

void
render_doc_raw(struct render_doc *d, const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return;
	fwrite(s, 1, n, d->out);
	d->bol = s[n - 1] == '\n';
}

/* Writes n bytes of data-borne text, escaped. Control characters and line
 * breaks become spaces. In markdown every character with a meaning inline
 * is escaped, and so is what would start a block at the start of a line
 * (a heading, a list, a quote, a rule, an indented code block). A byte at
 * a time, unlocked: a document is written from one thread, and a
 * consolidated report runs to tens of megabytes. */
void
render_doc_text_n(struct render_doc *d, const char *s, size_t n)
{
	/* What html escapes, and as what. */
	static const char specials[] = "&<>\"'";
	static const char *const entities[] = {
	    "&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + n;

	if (d->docx) {
		render_docx_text_n(d, s, n);
		return;
	}
	for (; p < end; p++) {
		unsigned char ch = *p;

		if (ch < 0x20 || ch == 0x7F)
			ch = ' ';
		if (d->html) {
			/* ch is never NUL here: control characters are
			 * spaces by now. */
			const char *hit = strchr(specials, ch);

			if (hit != NULL)
				fputs(entities[hit - specials], d->out);
			else
				putc_unlocked(ch, d->out);
			continue;
		}
		if (d->bol) {
			const unsigned char *q = p;

			if (ch == ' ')
				continue;
			d->bol = 0;
			while (q < end && *q >= '0' && *q <= '9')
				q++;
			if (q > p && q < end && (*q == '.' || *q == ')')) {
				fwrite(p, 1, (size_t)(q - p), d->out);
				putc_unlocked('\\', d->out);
				putc_unlocked(*q, d->out);
				p = q;
				continue;
			}
			if (strchr("#-+=", ch) != NULL)
				putc_unlocked('\\', d->out);
		}
		if (strchr("\\`*_[]<>|~&", ch) != NULL)
			putc_unlocked('\\', d->out);
		putc_unlocked(ch, d->out);
	}
}

void
render_doc_text(struct render_doc *d, const char *s)
{
	render_doc_text_n(d, s, strlen(s));
}

void
render_doc_heading(struct render_doc *d, int level, const char *text)
{
	static const char *const md[] = {"# ", "## ", "### "};
	static const char *const open[] = {"<h1>", "<h2>", "<h3>"};
	static const char *const close[] = {"</h1>\n", "</h2>\n", "</h3>\n"};

	if (d->docx) {
		render_docx_heading(d, level, text);
		return;
	}
	render_doc_raw(d, d->html ? open[level - 1] : md[level - 1]);
	render_doc_text(d, text);
	render_doc_raw(d, d->html ? close[level - 1] : "\n\n");
}

void
render_doc_p_open(struct render_doc *d, const char *cls)
{
	if (d->docx) {
		render_docx_p_open(d, cls);
		return;
	}
	if (!d->html)
		return;
	if (cls == NULL) {
		render_doc_raw(d, "<p>");
		return;
	}
	render_doc_raw(d, "<p class=\"");
	render_doc_raw(d, cls);
	render_doc_raw(d, "\">");
}

void
render_doc_p_close(struct render_doc *d)
{
	if (d->docx) {
		render_docx_p_close(d);
		return;
	}
	render_doc_raw(d, d->html ? "</p>\n" : "\n\n");
}

/* The markup of each tag: html, then markdown. A markdown list is its
 * items, each on a line, and a blank line after. */
static const struct {
	const char *html_open, *html_close, *md_open, *md_close;
} render_doc_tags[] = {
    [RENDER_DOC_STRONG] = {"<strong>", "</strong>", "**", "**"},
    [RENDER_DOC_EM] = {"<em>", "</em>", "*", "*"},
    [RENDER_DOC_LIST] = {"<ul>\n", "</ul>\n", "", "\n"},
    [RENDER_DOC_ITEM] = {"<li>", "</li>\n", "- ", "\n"},
};

void
render_doc_open(struct render_doc *d, enum render_doc_tag tag)
{
	if (d->docx) {
		render_docx_tag(d, tag, 1);
		return;
	}
	render_doc_raw(d,
	    d->html ? render_doc_tags[tag].html_open
	            : render_doc_tags[tag].md_open);
}

void
render_doc_close(struct render_doc *d, enum render_doc_tag tag)
{
	if (d->docx) {
		render_docx_tag(d, tag, 0);
		return;
	}
	render_doc_raw(d,
	    d->html ? render_doc_tags[tag].html_close
	            : render_doc_tags[tag].md_close);
}

/* A paragraph of one piece of text. */
void
render_doc_para(struct render_doc *d, const char *text)
{
	render_doc_p_open(d, NULL);
	render_doc_text(d, text);
	render_doc_p_close(d);
}

/* A bordered table: the first column holds names, the others figures. */
void
render_doc_table_open(
    struct render_doc *d, size_t n, const char *const *headers)
{
	render_doc_table_open_aligned(d, n, headers, NULL);
}

/* Whether column i of the open table is centred. */
static int
render_doc_centred(const struct render_doc *d, size_t i)
{
	if (d->align == NULL)
		return i > 0;
	return d->align[i] == 'c' || d->align[i] == 'C';
}

void
render_doc_table_open_aligned(struct render_doc *d, size_t n,
    const char *const *headers, const char *align)
{
	d->align = align;
	if (d->docx) {
		render_docx_table_open(d, n, headers);
		return;
	}
	render_doc_raw(
	    d, d->html ? "<table class=\"figures\">\n<thead>\n<tr>" : "|");
	for (size_t i = 0; i < n; i++) {
		render_doc_raw(d, d->html ? "<th>" : " ");
		render_doc_text(d, headers[i]);
		render_doc_raw(d, d->html ? "</th>" : " |");
	}
	render_doc_raw(d, d->html ? "</tr>\n</thead>\n<tbody>\n" : "\n|");
	if (!d->html) {
		for (size_t i = 0; i < n; i++)
			render_doc_raw(d,
			    render_doc_centred(d, i) ? " :---: |" : " :--- |");
		render_doc_raw(d, "\n");
	}
}

void
render_doc_table_row(
    struct render_doc *d, size_t n, const char *const *cells, int total)
{
	if (d->docx) {
		render_docx_table_row(d, n, cells, total);
		return;
	}
	render_doc_raw(
	    d, d->html ? (total ? "<tr class=\"total\">" : "<tr>") : "|");
	for (size_t i = 0; i < n; i++) {
		int bold = total && !d->html && cells[i] != NULL &&
		    cells[i][0] != '\0';

		if (d->html)
			render_doc_raw(d,
			    render_doc_centred(d, i) ? "<td class=\"num\">"
			                             : "<td>");
		else
			render_doc_raw(d, " ");
		if (bold)
			render_doc_open(d, RENDER_DOC_STRONG);
		render_doc_text(d, cells[i] != NULL ? cells[i] : "");
		if (bold)
			render_doc_close(d, RENDER_DOC_STRONG);
		render_doc_raw(d, d->html ? "</td>" : " |");
	}
	render_doc_raw(d, d->html ? "</tr>\n" : "\n");
}

void
render_doc_table_close(struct render_doc *d)
{
	d->align = NULL;
	if (d->docx)
		render_docx_table_close(d);
	else
		render_doc_raw(d, d->html ? "</tbody>\n</table>\n" : "\n");
}

/* Writes text line by line: the first line into the paragraph the caller
 * opened, each further line as a paragraph of its own; closes the last.
 * Lines are trimmed and empty lines dropped, so the text's own blank
 * lines and indentation cannot change the markup around it. */
void
render_doc_lines(struct render_doc *d, const char *text)
{
	const char *p = text;
	int first = 1;

	while (*p != '\0') {
		const char *e = strchr(p, '\n'), *s = p;

		if (e == NULL)
			e = p + strlen(p);
		while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		while (
		    e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (e > s) {
			if (!first) {
				render_doc_p_close(d);
				render_doc_p_open(d, NULL);
			}
			render_doc_text_n(d, s, (size_t)(e - s));
			first = 0;
		}
		p = e;
		while (*p != '\0' && *p != '\n')
			p++;
		if (*p == '\n')
			p++;
	}
	render_doc_p_close(d);
}

/* A line of a block of two columns as a markdown table cell. */
static void
render_doc_cell_md(struct render_doc *d, const struct render_doc_line *l)
{
	unsigned st = l != NULL ? l->style : 0;
	const char *mark = (st & RENDER_LINE_BOLD) && (st & RENDER_LINE_ITALIC)
	    ? "***"
	    : (st & RENDER_LINE_BOLD)   ? "**"
	    : (st & RENDER_LINE_ITALIC) ? "*"
	                                : "";

	render_doc_raw(d, " ");
	if (l != NULL && l->text != NULL && l->text[0] != '\0') {
		render_doc_raw(d, mark);
		render_doc_text(d, l->text);
		render_doc_raw(d, mark);
	}
	render_doc_raw(d, " |");
}

/* A column of a block of two columns as an html table cell. */
static void
render_doc_cell_html(struct render_doc *d, const char *td,
    const struct render_doc_line *lines, size_t n)
{
	static const struct {
		unsigned style;
		const char *cls;
	} classes[] = {{RENDER_LINE_BOLD, " b"}, {RENDER_LINE_ITALIC, " i"},
	    {RENDER_LINE_LEFT, " l"}, {RENDER_LINE_SMALL, " s"},
	    {RENDER_LINE_SIGN, " sign"}};

	render_doc_raw(d, td);
	for (size_t i = 0; i < n; i++) {
		render_doc_raw(d, "<div class=\"line");
		for (size_t k = 0; k < sizeof(classes) / sizeof(*classes); k++)
			if (lines[i].style & classes[k].style)
				render_doc_raw(d, classes[k].cls);
		render_doc_raw(d, "\">");
		if (lines[i].text != NULL)
			render_doc_text(d, lines[i].text);
		render_doc_raw(d, "</div>");
		if (lines[i].style & RENDER_LINE_RULE)
			render_doc_raw(d, "<div class=\"rule\"></div>");
		render_doc_raw(d, "\n");
	}
	render_doc_raw(d, "</td>\n");
}

void
render_doc_columns(struct render_doc *d, const char *cls,
    const struct render_doc_line *left, size_t n_left,
    const struct render_doc_line *right, size_t n_right)
{
	size_t rows = n_left > n_right ? n_left : n_right;

	if (d->docx) {
		render_docx_columns(d, left, n_left, right, n_right);
		return;
	}
	if (d->html) {
		render_doc_raw(d, "<table class=\"");
		render_doc_raw(d, cls);
		render_doc_raw(d, "\">\n<tr>\n");
		render_doc_cell_html(d, "<td class=\"left\">", left, n_left);
		render_doc_cell_html(d, "<td>", right, n_right);
		render_doc_raw(d, "</tr>\n</table>\n");
		return;
	}
	for (size_t i = 0; i < rows; i++) {
		render_doc_raw(d, "|");
		render_doc_cell_md(d, i < n_left ? &left[i] : NULL);
		render_doc_cell_md(d, i < n_right ? &right[i] : NULL);
		render_doc_raw(d, "\n");
		if (i == 0)
			render_doc_raw(d,
			    n_left > 0 && (left[0].style & RENDER_LINE_LEFT)
			        ? "| :--- | :---: |\n"
			        : "| :---: | :---: |\n");
	}
	render_doc_raw(d, "\n");
}

void
render_doc_page_break(struct render_doc *d)
{
	if (d->docx)
		render_docx_page_break(d);
	else
		render_doc_raw(d,
		    d->html ? "<div class=\"page-break\"></div>\n"
		            : "\n---\n\n");
}
