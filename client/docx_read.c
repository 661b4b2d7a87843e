/*
 * .docx text with libzip (the archive) and libxml2 (word/document.xml).
 * Only w:t text is read: deleted revisions (w:del, w:delText) and field
 * codes (w:instrText) are not the document's text. A line break (w:br,
 * w:cr) ends a line, as "TM. ỦY BAN NHÂN DÂN" and "CHỦ TỊCH" are two
 * lines of the signing block. The XML is parsed without the network,
 * without substituting entities, and entity references are not read.
 */
#include "docx_read.h"

#include "cli_i18n.h"
#include "docx_lib.h"
#include "docx_numbering.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOCX_W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

/* Lines being gathered: heap array of heap strings. */
struct docx_lines {
	char **items;
	size_t n, cap;
	int failed;                 /* out of memory */
	struct docx_numbering *num; /* Word's numbering, or NULL; shared */
};

static void
docx_push(struct docx_lines *l, char *line)
{
	if (line == NULL) {
		l->failed = 1;
		return;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **items = realloc(l->items, cap * sizeof(*items));

		if (items == NULL) {
			free(line);
			l->failed = 1;
			return;
		}
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n++] = line;
}

/* Whether node is the WordprocessingML element name. */
static int
docx_is(const xmlNode *node, const char *name)
{
	return node->type == XML_ELEMENT_NODE && node->ns != NULL &&
	    strcmp((const char *)node->ns->href, DOCX_W_NS) == 0 &&
	    strcmp((const char *)node->name, name) == 0;
}

/* Appends text to the growing line *cur (heap). */
static void
docx_append(struct docx_lines *l, char **cur, const char *text)
{
	size_t a = *cur ? strlen(*cur) : 0, b = strlen(text);
	char *s = realloc(*cur, a + b + 1);

	if (s == NULL) {
		l->failed = 1;
		return;
	}
	memcpy(s + a, text, b + 1);
	*cur = s;
}

/* The text under node into *cur, lines ended by w:br into l. */
static void
docx_runs(const xmlNode *node, struct docx_lines *l, char **cur)
{
	for (const xmlNode *c = node->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (docx_is(c, "del") || docx_is(c, "instrText") ||
		    docx_is(c, "delText"))
			continue;
		if (docx_is(c, "t")) {
			/* Its text nodes only: an entity reference (which Word
			 * never writes) is not followed, so neither an
			 * external file nor an expanding entity is read. */
			for (const xmlNode *t = c->children; t; t = t->next)
				if (t->type == XML_TEXT_NODE ||
				    t->type == XML_CDATA_SECTION_NODE)
					docx_append(
					    l, cur, (const char *)t->content);
		} else if (docx_is(c, "tab"))
			docx_append(l, cur, " ");
		else if (docx_is(c, "br") || docx_is(c, "cr")) {
			docx_push(l, *cur != NULL ? *cur : strdup(""));
			*cur = NULL;
		} else
			docx_runs(c, l, cur);
	}
}

/* A paragraph: one line, or more where it has line breaks. */
static void
docx_paragraph(const xmlNode *p, struct docx_lines *l)
{
	char *cur = NULL, label[64];

	/* The number Word shows before the text ("II. "), counted here. */
	docx_numbering_label(l->num, p, label, sizeof(label));
	if (label[0] != '\0')
		docx_append(l, &cur, label);
	docx_runs(p, l, &cur);
	docx_push(l, cur != NULL ? cur : strdup(""));
}

static void docx_block(const xmlNode *parent, struct docx_lines *l);

/* The lines of a table cell that hold text. */
static void
docx_cell(const xmlNode *tc, struct docx_lines *cell)
{
	struct docx_lines all = {0};

	all.num = cell->num;
	docx_block(tc, &all);
	for (size_t i = 0; i < all.n; i++)
		if (all.items[i][strspn(all.items[i], " ")] != '\0')
			docx_push(cell, all.items[i]);
		else
			free(all.items[i]);
	cell->failed |= all.failed;
	free(all.items);
}

/* A table row: one line of cells separated by tabs, or, when a cell
 * holds several lines (a layout table), every line of every cell. */
static void
docx_row(const xmlNode *tr, struct docx_lines *l)
{
	struct docx_lines cells[64];
	size_t n = 0, width = 0;
	int layout = 0;
	char *row = NULL;

	for (const xmlNode *c = tr->children; c != NULL && n < 64; c = c->next)
		if (docx_is(c, "tc")) {
			memset(&cells[n], 0, sizeof(cells[n]));
			cells[n].num = l->num;
			docx_cell(c, &cells[n]);
			layout |= cells[n].n > 1;
			l->failed |= cells[n].failed;
			n++;
		}
	for (size_t i = 0; i < n; i++)
		width += cells[i].n;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < cells[i].n; k++) {
			if (layout) {
				docx_push(l, cells[i].items[k]);
				continue;
			}
			docx_append(l, &row, i > 0 ? "\t" : "");
			docx_append(l, &row, cells[i].items[k]);
			free(cells[i].items[k]);
		}
		if (!layout && cells[i].n == 0 && width > 0)
			docx_append(l, &row, i > 0 ? "\t" : "");
		free(cells[i].items);
	}
	if (row != NULL)
		docx_push(l, row);
}

/* The paragraphs and tables under parent, in order; content controls
 * (w:sdt) and the like are gone through. */
static void
docx_block(const xmlNode *parent, struct docx_lines *l)
{
	for (const xmlNode *c = parent->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (docx_is(c, "p"))
			docx_paragraph(c, l);
		else if (docx_is(c, "tbl")) {
			for (const xmlNode *r = c->children; r; r = r->next)
				if (docx_is(r, "tr"))
					docx_row(r, l);
		} else if (!docx_is(c, "del"))
			docx_block(c, l);
	}
}

/* Reads the member name of the archive into a heap buffer (NUL after
 * its len bytes): NULL when it is absent (err says so when required) or
 * cannot be read. */
static char *
docx_member(const struct docx_lib *x, zip_t *za, const char *path,
    const char *name, int required, size_t *len, char *err, size_t errlen)
{
	zip_stat_t st;
	zip_file_t *zf = NULL;
	char *buf = NULL;

	x->zip_stat_init(&st);
	if (x->zip_stat(za, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
		if (required)
			snprintf(err, errlen,
			    "%s: không phải tệp .docx (no %s)", path, name);
		return NULL;
	}
	if (st.size > DOCX_XML_MAX) {
		snprintf(err, errlen,
		    _("%s: %s holds %llu bytes, over the limit of %u"), path,
		    name, (unsigned long long)st.size, DOCX_XML_MAX);
		return NULL;
	}
	if ((buf = malloc(st.size + 1)) == NULL ||
	    (zf = x->zip_fopen(za, name, 0)) == NULL ||
	    x->zip_fread(zf, buf, st.size) != (zip_int64_t)st.size) {
		snprintf(err, errlen, _("%s: %s cannot be read"), path, name);
		free(buf);
		buf = NULL;
	} else {
		buf[st.size] = '\0';
		*len = st.size;
	}
	if (zf != NULL)
		x->zip_fclose(zf);
	return buf;
}

int
docx_read(const char *path, char ***lines, size_t *n, char *err, size_t errlen)
{
	struct docx_lines l = {0};
	size_t len = 0, nlen = 0;
	int code = 0;
	const struct docx_lib *x = docx_lib(err, errlen);
	zip_t *za;
	char *xml, *numbering;
	xmlDoc *doc;
	xmlNode *root;

	*lines = NULL;
	*n = 0;
	if (x == NULL)
		return -1;
	if ((za = x->zip_open(path, ZIP_RDONLY, &code)) == NULL) {
		snprintf(err, errlen,
		    _("%s: the .docx cannot be opened (not a readable zip "
		      "archive)"),
		    path);
		return -1;
	}
	xml =
	    docx_member(x, za, path, "word/document.xml", 1, &len, err, errlen);
	numbering = xml != NULL ? docx_member(x, za, path, "word/numbering.xml",
	                              0, &nlen, err, errlen)
	                        : NULL;
	x->zip_discard(za);
	if (xml == NULL) {
		free(numbering);
		return -1;
	}
	if (numbering != NULL)
		l.num = docx_numbering_read(numbering, nlen);
	free(numbering);
	doc = x->xmlReadMemory(xml, (int)len, "document.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(xml);
	if (doc == NULL || (root = x->xmlDocGetRootElement(doc)) == NULL ||
	    !docx_is(root, "document")) {
		snprintf(err, errlen,
		    _("%s: word/document.xml is not a WordprocessingML "
		      "document"),
		    path);
		if (doc != NULL)
			x->xmlFreeDoc(doc);
		docx_numbering_free(l.num);
		return -1;
	}
	for (xmlNode *c = root->children; c != NULL; c = c->next)
		if (docx_is(c, "body"))
			docx_block(c, &l);
	x->xmlFreeDoc(doc);
	docx_numbering_free(l.num);
	if (l.failed) {
		docx_lines_free(l.items, l.n);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*lines = l.items;
	*n = l.n;
	return 0;
}

int
docx_is_zip(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char magic[4] = {0};
	int zip;

	if (f == NULL)
		return 0;
	zip = fread(magic, 1, 4, f) == 4 && memcmp(magic, "PK\3\4", 4) == 0;
	fclose(f);
	return zip;
}

void
docx_lines_free(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}
