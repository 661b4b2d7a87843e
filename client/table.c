#include "table.h"

#include <stdint.h>
#include <libintl.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>
#include <uniwidth.h>

#define TABLE_GAP 2

/* U+2026 HORIZONTAL ELLIPSIS, one column wide. */
#define TABLE_ELLIPSIS       "\xE2\x80\xA6"
#define TABLE_ELLIPSIS_WIDTH 1

struct table {
	size_t ncols;
	char **headers;
	size_t *max_width; /* per column, 0 for no cap */
	char **cells;      /* nrows * ncols, row-major */
	size_t nrows;
	size_t rows_cap;
};

/* A copy in which control characters (tab, line breaks) become spaces:
 * they would break the alignment. */
static char *
table_copy_cell(const char *s)
{
	char *copy = strdup(s != NULL ? s : "");

	if (copy == NULL)
		return NULL;
	for (char *p = copy; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = ' ';
	return copy;
}

static size_t
table_width(const char *s)
{
	return (size_t)u8_strwidth((const uint8_t *)s, "UTF-8");
}

/* How a cell is shown under a cap: *len bytes of it, then the ellipsis
 * when *cut. Characters are never split, and combining marks stay with
 * the letter they follow since they take no column. Returns the width
 * shown. */
static size_t
table_fit(const char *s, size_t cap, size_t *len, int *cut)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t width = table_width(s), used = 0, total = strlen(s);

	*len = total;
	*cut = 0;
	if (cap == 0 || width <= cap)
		return width;
	*cut = 1;
	*len = 0;
	while (*len < total) {
		ucs4_t uc;
		int n = u8_mbtouc(&uc, p + *len, total - *len);
		int w = uc_width(uc, "UTF-8");

		if (w < 0)
			w = 0;
		if (used + (size_t)w + TABLE_ELLIPSIS_WIDTH > cap)
			break;
		used += (size_t)w;
		*len += (size_t)n;
	}
	return used + TABLE_ELLIPSIS_WIDTH;
}

struct table *
table_create(size_t ncols, const char *const *headers)
{
	struct table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->ncols = ncols;
	t->headers = calloc(ncols ? ncols : 1, sizeof(*t->headers));
	t->max_width = calloc(ncols ? ncols : 1, sizeof(*t->max_width));
	if (t->headers == NULL || t->max_width == NULL)
		goto fail;
	for (size_t i = 0; i < ncols; i++) {
		/* Headers are msgids of po/vi.po: shown in the language
		 * chosen (cli_i18n.h). */
		t->headers[i] =
		    table_copy_cell(headers ? gettext(headers[i]) : NULL);
		if (t->headers[i] == NULL)
			goto fail;
	}
	return t;
fail:
	table_destroy(t);
	return NULL;
}

int
table_add_row(struct table *t, const char *const *cells)
{
	char **row;

	if (t->nrows == t->rows_cap) {
		size_t cap = t->rows_cap ? t->rows_cap * 2 : 16;
		char **grown;

		if (t->ncols > 0 && cap > SIZE_MAX / t->ncols / sizeof(*grown))
			return -1;
		grown = realloc(
		    t->cells, cap * (t->ncols ? t->ncols : 1) * sizeof(*grown));
		if (grown == NULL)
			return -1;
		t->cells = grown;
		t->rows_cap = cap;
	}
	row = t->cells + t->nrows * t->ncols;
	for (size_t i = 0; i < t->ncols; i++) {
		row[i] = table_copy_cell(cells[i]);
		if (row[i] == NULL) {
			while (i-- > 0)
				free(row[i]);
			return -1;
		}
	}
	t->nrows++;
	return 0;
}

void
table_set_max_width(struct table *t, size_t col, size_t width)
{
	if (col < t->ncols)
		t->max_width[col] = width;
}

/* Output in which spaces are held back until something follows them, so
 * that no line ends in spaces whatever the cells hold. */
struct table_out {
	FILE *f;
	size_t pending;
};

static void
table_put(struct table_out *o, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == ' ') {
			o->pending++;
			continue;
		}
		for (; o->pending > 0; o->pending--)
			putc(' ', o->f);
		putc(s[i], o->f);
	}
}

static void
table_end_line(struct table_out *o)
{
	o->pending = 0;
	putc('\n', o->f);
}

static void
table_print_line(const struct table *t, const size_t *widths,
    char *const *cells, struct table_out *o)
{
	for (size_t i = 0; i < t->ncols; i++) {
		size_t len, shown;
		int cut;

		if (i > 0)
			o->pending += TABLE_GAP;
		shown = table_fit(cells[i], t->max_width[i], &len, &cut);
		table_put(o, cells[i], len);
		if (cut)
			table_put(o, TABLE_ELLIPSIS, strlen(TABLE_ELLIPSIS));
		o->pending += widths[i] > shown ? widths[i] - shown : 0;
	}
	table_end_line(o);
}

void
table_print(const struct table *t, FILE *out)
{
	struct table_out o = {.f = out};
	size_t *widths = calloc(t->ncols ? t->ncols : 1, sizeof(*widths));
	size_t len;
	int cut;

	if (widths == NULL)
		return;
	for (size_t i = 0; i < t->ncols; i++) {
		widths[i] =
		    table_fit(t->headers[i], t->max_width[i], &len, &cut);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = table_fit(t->cells[r * t->ncols + i],
			    t->max_width[i], &len, &cut);

			if (w > widths[i])
				widths[i] = w;
		}
	}
	table_print_line(t, widths, t->headers, &o);
	for (size_t i = 0; i < t->ncols; i++) {
		if (i > 0)
			o.pending += TABLE_GAP;
		for (size_t d = 0; d < widths[i]; d++)
			table_put(&o, "-", 1);
	}
	table_end_line(&o);
	for (size_t r = 0; r < t->nrows; r++)
		table_print_line(t, widths, t->cells + r * t->ncols, &o);
	free(widths);
}

void
table_destroy(struct table *t)
{
	if (t == NULL)
		return;
	if (t->headers != NULL)
		for (size_t i = 0; i < t->ncols; i++)
			free(t->headers[i]);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->headers);
	free(t->max_width);
	free(t->cells);
	free(t);
}
