/*
 * Word's numbering: w:num names an w:abstractNum, whose w:lvl (0 to 8)
 * give each level's format (w:numFmt: decimal, upperRoman, lowerLetter,
 * bullet ...), text ("%1.", "%1.%2.") and start. Counters run per w:num
 * in document order; a level counted resets the levels below it.
 */
#include "docx_numbering.h"

#include "docx_lib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOCX_NUM_W_NS                                                          \
	"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define DOCX_NUM_LEVELS 9
#define DOCX_NUM_MAX    256

struct docx_level {
	char fmt[24], text[32];
	int start;
};

struct docx_abstract {
	int id;
	struct docx_level lvl[DOCX_NUM_LEVELS];
};

struct docx_numbering {
	struct docx_abstract abstracts[DOCX_NUM_MAX];
	size_t n_abstracts;
	struct {
		int id, abstract; /* abstract: an index in abstracts, -1 none */
		int count[DOCX_NUM_LEVELS];
	} nums[DOCX_NUM_MAX];
	size_t n_nums;
};

static int
docx_num_is(const xmlNode *node, const char *name)
{
	return node != NULL && node->type == XML_ELEMENT_NODE &&
	    node->ns != NULL &&
	    strcmp((const char *)node->ns->href, DOCX_NUM_W_NS) == 0 &&
	    strcmp((const char *)node->name, name) == 0;
}

/* The first child named name, or NULL. */
static const xmlNode *
docx_num_child(const xmlNode *node, const char *name)
{
	for (const xmlNode *c = node ? node->children : NULL; c; c = c->next)
		if (docx_num_is(c, name))
			return c;
	return NULL;
}

/* The w:name attribute as a whole number, or dflt. */
static int
docx_num_int(const xmlNode *node, const char *name, int dflt)
{
	const struct docx_lib *x = docx_lib(NULL, 0);
	xmlChar *v = node != NULL && x != NULL
	    ? x->xmlGetNsProp(
	          node, (const xmlChar *)name, (const xmlChar *)DOCX_NUM_W_NS)
	    : NULL;
	int n = v != NULL ? atoi((const char *)v) : dflt;

	if (v != NULL)
		(*x->xml_free)(v);
	return n;
}

/* The w:val of the child named name into buf ("" when absent). */
static void
docx_num_val(const xmlNode *node, const char *name, char *buf, size_t len)
{
	const struct docx_lib *x = docx_lib(NULL, 0);
	const xmlNode *c = docx_num_child(node, name);
	xmlChar *v = c != NULL && x != NULL
	    ? x->xmlGetNsProp(
	          c, (const xmlChar *)"val", (const xmlChar *)DOCX_NUM_W_NS)
	    : NULL;

	snprintf(buf, len, "%s", v != NULL ? (const char *)v : "");
	if (v != NULL)
		(*x->xml_free)(v);
}

static void
docx_num_abstract(struct docx_numbering *n, const xmlNode *a)
{
	struct docx_abstract *abs = &n->abstracts[n->n_abstracts++];

	memset(abs, 0, sizeof(*abs));
	abs->id = docx_num_int(a, "abstractNumId", -1);
	for (const xmlNode *l = a->children; l != NULL; l = l->next) {
		int i = docx_num_int(l, "ilvl", -1);

		if (!docx_num_is(l, "lvl") || i < 0 || i >= DOCX_NUM_LEVELS)
			continue;
		docx_num_val(
		    l, "numFmt", abs->lvl[i].fmt, sizeof(abs->lvl[i].fmt));
		docx_num_val(
		    l, "lvlText", abs->lvl[i].text, sizeof(abs->lvl[i].text));
		abs->lvl[i].start =
		    docx_num_int(docx_num_child(l, "start"), "val", 1);
	}
}

struct docx_numbering *
docx_numbering_read(const char *xml, size_t len)
{
	const struct docx_lib *x = docx_lib(NULL, 0);
	xmlDoc *doc = x != NULL
	    ? x->xmlReadMemory(xml, (int)len, "numbering.xml", NULL,
	          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
	    : NULL;
	xmlNode *root = doc != NULL ? x->xmlDocGetRootElement(doc) : NULL;
	struct docx_numbering *n = NULL;

	if (root == NULL || !docx_num_is(root, "numbering") ||
	    (n = calloc(1, sizeof(*n))) == NULL)
		goto out;
	for (const xmlNode *c = root->children; c != NULL; c = c->next)
		if (docx_num_is(c, "abstractNum") &&
		    n->n_abstracts < DOCX_NUM_MAX)
			docx_num_abstract(n, c);
	for (const xmlNode *c = root->children; c != NULL; c = c->next) {
		int abs_id;

		if (!docx_num_is(c, "num") || n->n_nums >= DOCX_NUM_MAX)
			continue;
		abs_id =
		    docx_num_int(docx_num_child(c, "abstractNumId"), "val", -1);
		n->nums[n->n_nums].id = docx_num_int(c, "numId", -1);
		n->nums[n->n_nums].abstract = -1;
		for (size_t i = 0; i < n->n_abstracts; i++)
			if (n->abstracts[i].id == abs_id)
				n->nums[n->n_nums].abstract = (int)i;
		n->n_nums++;
	}
out:
	if (doc != NULL)
		x->xmlFreeDoc(doc);
	return n;
}

/* count in the format fmt ("upperRoman" ...) into buf. */
static void
docx_num_format(int count, const char *fmt, char *buf, size_t len)
{
	static const char *const romans[] = {"", "I", "II", "III", "IV", "V",
	    "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
	    "XVI", "XVII", "XVIII", "XIX", "XX"};

	if (strcmp(fmt, "upperRoman") == 0 || strcmp(fmt, "lowerRoman") == 0) {
		if (count < 1 || count > 20) {
			snprintf(buf, len, "%d", count);
			return;
		}
		snprintf(buf, len, "%s", romans[count]);
		if (fmt[0] == 'l')
			for (char *p = buf; *p; p++)
				*p = (char)(*p - 'A' + 'a');
	} else if ((strcmp(fmt, "upperLetter") == 0 ||
	               strcmp(fmt, "lowerLetter") == 0) &&
	    count >= 1 && count <= 26)
		snprintf(
		    buf, len, "%c", (fmt[0] == 'u' ? 'A' : 'a') + count - 1);
	else if (strcmp(fmt, "decimalZero") == 0)
		snprintf(buf, len, "%02d", count);
	else
		snprintf(buf, len, "%d", count);
}

void
docx_numbering_label(
    struct docx_numbering *n, const xmlNode *p, char *buf, size_t len)
{
	const xmlNode *pr = docx_num_child(docx_num_child(p, "pPr"), "numPr");
	int id = docx_num_int(docx_num_child(pr, "numId"), "val", 0);
	int ilvl = docx_num_int(docx_num_child(pr, "ilvl"), "val", 0);
	const struct docx_abstract *abs;
	size_t k, used = 0;

	buf[0] = '\0';
	if (n == NULL || pr == NULL || id == 0 || ilvl < 0 ||
	    ilvl >= DOCX_NUM_LEVELS)
		return;
	for (k = 0; k < n->n_nums && n->nums[k].id != id; k++)
		;
	if (k == n->n_nums || n->nums[k].abstract < 0)
		return;
	abs = &n->abstracts[n->nums[k].abstract];
	if (strcmp(abs->lvl[ilvl].fmt, "bullet") == 0) {
		snprintf(buf, len, "- ");
		return;
	}
	if (strcmp(abs->lvl[ilvl].fmt, "none") == 0)
		return;
	n->nums[k].count[ilvl] = n->nums[k].count[ilvl] == 0
	    ? abs->lvl[ilvl].start
	    : n->nums[k].count[ilvl] + 1;
	for (int below = ilvl + 1; below < DOCX_NUM_LEVELS; below++)
		n->nums[k].count[below] = 0;
	/* "%1." with each %k the count of level k - 1 in its format */
	for (const char *t = abs->lvl[ilvl].text; *t && used + 1 < len; t++) {
		if (t[0] == '%' && t[1] >= '1' && t[1] <= '9') {
			int lv = t[1] - '1';
			char num[16];

			docx_num_format(n->nums[k].count[lv] != 0
			        ? n->nums[k].count[lv]
			        : abs->lvl[lv].start,
			    abs->lvl[lv].fmt, num, sizeof(num));
			used +=
			    (size_t)snprintf(buf + used, len - used, "%s", num);
			t++;
		} else
			buf[used++] = *t;
		buf[used < len ? used : len - 1] = '\0';
	}
	if (used > 0 && used + 1 < len) {
		buf[used++] = ' ';
		buf[used] = '\0';
	}
}

void
docx_numbering_free(struct docx_numbering *n)
{
	free(n);
}
