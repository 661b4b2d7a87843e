/*
 * The .docx backend: the building blocks of render_doc.h as
 * WordprocessingML, and the package (a zip made with libzip) of the parts
 * Word needs: [Content_Types].xml, the relationships, word/document.xml
 * and word/styles.xml. Sizes are in half points (w:sz) and twentieths of
 * a point (twips).
 */
#include "render_docx.h"

#include <string.h>

#include "render_internal.h"

/* The width of the text between the margins. */
#define RENDER_DOCX_TEXT_W                                                     \
	(RENDER_DOCX_PAGE_W - RENDER_DOCX_MARGIN_L - RENDER_DOCX_MARGIN_R)
/* The left column of a block of two columns: 40 % of the text. */
#define RENDER_DOCX_LEFT_W   (RENDER_DOCX_TEXT_W * 2 / 5)
#define RENDER_DOCX_MAX_COLS 32

static void
render_docx_put(struct render_doc *d, const char *s)
{
	fputs(s, d->out);
}

/* Ends the open run, if any. */
static void
render_docx_run_end(struct render_doc *d)
{
	if (d->run)
		render_docx_put(d, "</w:t></w:r>");
	d->run = 0;
}

/* Starts a run with the formatting d holds, and extra run properties
 * (NULL for none). */
static void
render_docx_run_start(struct render_doc *d, const char *extra)
{
	render_docx_put(d, "<w:r>");
	if (d->bold || d->em || extra != NULL) {
		render_docx_put(d, "<w:rPr>");
		if (d->bold)
			render_docx_put(d, "<w:b/><w:bCs/>");
		if (d->em)
			render_docx_put(d, "<w:i/><w:iCs/>");
		if (extra != NULL)
			render_docx_put(d, extra);
		render_docx_put(d, "</w:rPr>");
	}
	render_docx_put(d, "<w:t xml:space=\"preserve\">");
	d->run = 1;
}

/* Writes n bytes escaped for XML; control characters and line breaks
 * become spaces, and U+FFFE and U+FFFF U+FFFD, since XML 1.0 allows none
 * of them and Word refuses a document that holds one. */
static void
render_docx_escape(struct render_doc *d, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == 0xEF && i + 2 < n &&
		    (unsigned char)s[i + 1] == 0xBF &&
		    ((unsigned char)s[i + 2] & 0xFE) == 0xBE) {
			fputs("\xEF\xBF\xBD", d->out);
			i += 2;
			continue;
		}
		if (ch < 0x20 || ch == 0x7F)
			ch = ' ';
		if (ch == '&')
			fputs("&amp;", d->out);
		else if (ch == '<')
			fputs("&lt;", d->out);
		else if (ch == '>')
			fputs("&gt;", d->out);
		else
			putc_unlocked(ch, d->out);
	}
}

void
render_docx_text_n(struct render_doc *d, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (!d->run)
		render_docx_run_start(d, NULL);
	render_docx_escape(d, s, n);
}

/* A paragraph of the style and properties given, holding text in one run
 * of the run properties rpr (NULL: none), then closed. */
static void
render_docx_para(
    struct render_doc *d, const char *ppr, const char *rpr, const char *text)
{
	render_docx_put(d, "<w:p>");
	if (ppr != NULL) {
		render_docx_put(d, "<w:pPr>");
		render_docx_put(d, ppr);
		render_docx_put(d, "</w:pPr>");
	}
	if (text != NULL && text[0] != '\0') {
		render_docx_run_start(d, rpr);
		render_docx_escape(d, text, strlen(text));
		render_docx_run_end(d);
	}
	render_docx_put(d, "</w:p>\n");
}

void
render_docx_heading(struct render_doc *d, int level, const char *text)
{
	static const char *const styles[] = {"<w:pStyle w:val=\"Heading1\"/>",
	    "<w:pStyle w:val=\"Heading2\"/>", "<w:pStyle w:val=\"Heading3\"/>"};

	render_docx_run_end(d);
	render_docx_para(d, styles[level - 1], NULL, text);
}

void
render_docx_p_open(struct render_doc *d, const char *cls)
{
	render_docx_run_end(d);
	render_docx_put(d, "<w:p>");
	if (cls != NULL && strcmp(cls, "subject") == 0)
		render_docx_put(
		    d, "<w:pPr><w:pStyle w:val=\"Subject\"/></w:pPr>");
	else if (cls != NULL && strcmp(cls, "annex-note") == 0)
		render_docx_put(d, "<w:pPr><w:pStyle w:val=\"Note\"/></w:pPr>");
}

void
render_docx_p_close(struct render_doc *d)
{
	render_docx_run_end(d);
	render_docx_put(d, "</w:p>\n");
}

void
render_docx_tag(struct render_doc *d, enum render_doc_tag tag, int open)
{
	switch (tag) {
	case RENDER_DOC_STRONG:
		render_docx_run_end(d);
		d->bold = open;
		break;
	case RENDER_DOC_EM:
		render_docx_run_end(d);
		d->em = open;
		break;
	case RENDER_DOC_LIST:
		break;
	case RENDER_DOC_ITEM:
		if (open) {
			render_docx_p_open(d, NULL);
			render_docx_text_n(d, "- ", 2);
		} else {
			render_docx_p_close(d);
		}
		break;
	}
}

/* The widths of n table columns: a wide column ('L', 'C', or the first
 * when the table says nothing) takes three shares of the text's width,
 * another one. */
static void
render_docx_widths(const struct render_doc *d, size_t n, int *w)
{
	int shares = 0, used = 0;

	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		char a = d->align != NULL ? d->align[i] : (i == 0 ? 'L' : 'c');

		w[i] = a == 'L' || a == 'C' ? 3 : 1;
		shares += w[i];
	}
	for (size_t i = 0; i < n; i++) {
		w[i] = RENDER_DOCX_TEXT_W * w[i] / shares;
		used += w[i];
	}
	w[0] += RENDER_DOCX_TEXT_W - used;
}

/* A cell of a bordered table: its width, alignment and text. */
static void
render_docx_cell(
    struct render_doc *d, int width, int centred, int bold, const char *text)
{
	fprintf(d->out,
	    "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/></w:tcPr>", width);
	render_docx_put(d, "<w:p><w:pPr><w:pStyle w:val=\"Cell\"/>");
	if (centred)
		render_docx_put(d, "<w:jc w:val=\"center\"/>");
	render_docx_put(d, "</w:pPr>");
	if (text != NULL && text[0] != '\0') {
		d->bold = bold;
		render_docx_text_n(d, text, strlen(text));
		render_docx_run_end(d);
		d->bold = 0;
	}
	render_docx_put(d, "</w:p></w:tc>");
}

static int
render_docx_centred(const struct render_doc *d, size_t i)
{
	if (d->align == NULL)
		return i > 0;
	return d->align[i] == 'c' || d->align[i] == 'C';
}

/* A row of the table: header (repeated on each page) or total in bold;
 * a row is never split across pages. */
static void
render_docx_row(struct render_doc *d, size_t n, const char *const *cells,
    int header, int total)
{
	int w[RENDER_DOCX_MAX_COLS] = {0};

	if (n > RENDER_DOCX_MAX_COLS)
		n = RENDER_DOCX_MAX_COLS;
	render_docx_widths(d, n, w);
	render_docx_put(d,
	    header ? "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/>"
	             "</w:trPr>"
	           : "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
	for (size_t i = 0; i < n; i++)
		render_docx_cell(d, w[i], header || render_docx_centred(d, i),
		    header || total, cells[i]);
	render_docx_put(d, "</w:tr>\n");
}

void
render_docx_table_open(
    struct render_doc *d, size_t n, const char *const *headers)
{
	static const char *const sides[] = {
	    "top", "left", "bottom", "right", "insideH", "insideV"};
	int w[RENDER_DOCX_MAX_COLS];

	render_docx_run_end(d);
	if (n > RENDER_DOCX_MAX_COLS)
		n = RENDER_DOCX_MAX_COLS;
	render_docx_widths(d, n, w);
	fprintf(d->out,
	    "<w:tbl><w:tblPr><w:tblW w:w=\"%d\" w:type=\"dxa\"/>"
	    "<w:tblBorders>",
	    RENDER_DOCX_TEXT_W);
	for (size_t i = 0; i < sizeof(sides) / sizeof(*sides); i++)
		fprintf(d->out,
		    "<w:%s w:val=\"single\" w:sz=\"4\" w:space=\"0\" "
		    "w:color=\"000000\"/>",
		    sides[i]);
	render_docx_put(d,
	    "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar>"
	    "<w:left w:w=\"80\" w:type=\"dxa\"/><w:right w:w=\"80\" "
	    "w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>");
	for (size_t i = 0; i < n; i++)
		fprintf(d->out, "<w:gridCol w:w=\"%d\"/>", w[i]);
	render_docx_put(d, "</w:tblGrid>\n");
	render_docx_row(d, n, headers, 1, 0);
}

void
render_docx_table_row(
    struct render_doc *d, size_t n, const char *const *cells, int total)
{
	render_docx_row(d, n, cells, 0, total);
}

void
render_docx_table_close(struct render_doc *d)
{
	/* Word wants a paragraph between two tables, and after the last. */
	render_docx_put(d, "</w:tbl>\n<w:p/>\n");
}

/* One column of a block of two columns, width twips wide: a paragraph a
 * line, and a short rule under a line that asks for one. */
static void
render_docx_column(struct render_doc *d, int width,
    const struct render_doc_line *lines, size_t n)
{
	fprintf(d->out,
	    "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/></w:tcPr>", width);
	for (size_t i = 0; i < n; i++) {
		unsigned st = lines[i].style;

		render_docx_put(d, "<w:p><w:pPr><w:pStyle w:val=\"Block\"/>");
		if (st & RENDER_LINE_SIGN)
			render_docx_put(d, "<w:spacing w:before=\"1440\"/>");
		render_docx_put(d,
		    (st & RENDER_LINE_LEFT)
		        ? "<w:jc w:val=\"left\"/></w:pPr>"
		        : "<w:jc w:val=\"center\"/></w:pPr>");
		if (lines[i].text != NULL && lines[i].text[0] != '\0') {
			d->bold = (st & RENDER_LINE_BOLD) != 0;
			d->em = (st & RENDER_LINE_ITALIC) != 0;
			render_docx_run_start(d,
			    (st & RENDER_LINE_SMALL)
			        ? "<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>"
			        : NULL);
			render_docx_escape(
			    d, lines[i].text, strlen(lines[i].text));
			render_docx_run_end(d);
			d->bold = d->em = 0;
		}
		render_docx_put(d, "</w:p>");
		/* The rule: an empty paragraph, its bottom border a third
		 * of the column wide. */
		if (st & RENDER_LINE_RULE)
			fprintf(d->out,
			    "<w:p><w:pPr><w:pStyle w:val=\"Block\"/>"
			    "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" "
			    "w:space=\"1\" w:color=\"000000\"/></w:pBdr>"
			    "<w:spacing w:after=\"120\" w:line=\"80\" "
			    "w:lineRule=\"exact\"/><w:ind w:left=\"%d\" "
			    "w:right=\"%d\"/></w:pPr></w:p>",
			    width / 3, width / 3);
	}
	if (n == 0)
		render_docx_put(d, "<w:p/>");
	render_docx_put(d, "</w:tc>");
}

void
render_docx_columns(struct render_doc *d, const struct render_doc_line *left,
    size_t n_left, const struct render_doc_line *right, size_t n_right)
{
	static const char *const sides[] = {
	    "top", "left", "bottom", "right", "insideH", "insideV"};

	render_docx_run_end(d);
	fprintf(d->out, "<w:tbl><w:tblPr><w:tblW w:w=\"%d\" w:type=\"dxa\"/>",
	    RENDER_DOCX_TEXT_W);
	render_docx_put(d, "<w:tblBorders>");
	for (size_t i = 0; i < sizeof(sides) / sizeof(*sides); i++)
		fprintf(d->out, "<w:%s w:val=\"nil\"/>", sides[i]);
	fprintf(d->out,
	    "</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
	    "</w:tblPr><w:tblGrid><w:gridCol w:w=\"%d\"/><w:gridCol "
	    "w:w=\"%d\"/></w:tblGrid>\n<w:tr><w:trPr><w:cantSplit/>"
	    "</w:trPr>",
	    RENDER_DOCX_LEFT_W, RENDER_DOCX_TEXT_W - RENDER_DOCX_LEFT_W);
	render_docx_column(d, RENDER_DOCX_LEFT_W, left, n_left);
	render_docx_column(
	    d, RENDER_DOCX_TEXT_W - RENDER_DOCX_LEFT_W, right, n_right);
	render_docx_put(d, "</w:tr></w:tbl>\n<w:p/>\n");
}

void
render_docx_page_break(struct render_doc *d)
{
	render_docx_run_end(d);
	render_docx_put(d, "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>\n");
}
