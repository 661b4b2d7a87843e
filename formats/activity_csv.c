#include "activity_csv.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mbedtls/sha256.h>

#include "date.h"
#include "formats_text.h"
#include "pbstr.h"
#include "text.h"
#include "validate.h"

enum activity_csv_col {
	COL_ID,
	COL_UNIT,
	COL_PARTNERS,
	COL_KIND,
	COL_FIELDS,
	COL_START_DATE,
	COL_END_DATE,
	COL_PLACE,
	COL_TITLE,
	COL_SUMMARY,
	COL_PEOPLE,
	COL_LEADER,
	COL_RESULT,
	COL_DOCUMENT_REFS,
	COL_COUNT
};

/* Also the order activity_csv_write uses. */
static const struct {
	const char *name;
	int required;
} activity_csv_cols[COL_COUNT] = {
    [COL_ID] = {"id", 0},
    [COL_UNIT] = {"unit", 0},
    [COL_PARTNERS] = {"partners", 1},
    [COL_KIND] = {"kind", 1},
    [COL_FIELDS] = {"fields", 0},
    [COL_START_DATE] = {"start_date", 1},
    [COL_END_DATE] = {"end_date", 0},
    [COL_PLACE] = {"place", 0},
    [COL_TITLE] = {"title", 1},
    [COL_SUMMARY] = {"summary", 0},
    [COL_PEOPLE] = {"people", 0},
    [COL_LEADER] = {"leader", 0},
    [COL_RESULT] = {"result", 0},
    [COL_DOCUMENT_REFS] = {"document_refs", 0},
};

/* A header cell left empty maps to no column: spreadsheets export such
 * trailing columns, and their cells must then stay empty. */
#define COL_NONE (-1)
/* A row-number column ("STT"), which offices' spreadsheets begin with:
 * its cells are read past. */
#define COL_SKIP (-2)

/* The headers offices' own spreadsheets use, folded (text_fold), so that
 * "Ngày bắt đầu", "NGAY BAT DAU" and "ngày  bắt đầu" all name a column. */
static const struct {
	const char *folded;
	int col;
} activity_csv_vi_cols[] = {
    {"stt", COL_SKIP},
    {"tt", COL_SKIP},
    {"so tt", COL_SKIP},
    {"so thu tu", COL_SKIP},
    {"ma", COL_ID},
    {"ma hoat dong", COL_ID},
    {"don vi", COL_UNIT},
    {"ma don vi", COL_UNIT},
    {"doi tac", COL_PARTNERS},
    {"doi tac lao", COL_PARTNERS},
    {"dia phuong lao", COL_PARTNERS},
    {"dia phuong doi tac", COL_PARTNERS},
    {"tinh huyen lao", COL_PARTNERS},
    {"loai", COL_KIND},
    {"loai hoat dong", COL_KIND},
    {"hinh thuc", COL_KIND},
    {"linh vuc", COL_FIELDS},
    {"linh vuc hop tac", COL_FIELDS},
    {"ngay", COL_START_DATE},
    {"ngay bat dau", COL_START_DATE},
    {"tu ngay", COL_START_DATE},
    {"thoi gian", COL_START_DATE},
    {"ngay ket thuc", COL_END_DATE},
    {"den ngay", COL_END_DATE},
    {"dia diem", COL_PLACE},
    {"ten hoat dong", COL_TITLE},
    {"tieu de", COL_TITLE},
    {"noi dung", COL_TITLE},
    {"ten doan", COL_TITLE},
    {"tom tat", COL_SUMMARY},
    {"mo ta", COL_SUMMARY},
    {"so nguoi", COL_PEOPLE},
    {"so luong nguoi", COL_PEOPLE},
    {"truong doan", COL_LEADER},
    {"nguoi dan dau", COL_LEADER},
    {"ket qua", COL_RESULT},
    {"van ban", COL_DOCUMENT_REFS},
    {"so van ban", COL_DOCUMENT_REFS},
    {"so hieu van ban", COL_DOCUMENT_REFS},
};

#define LIST_SEP ';'

struct activity_csv_reader {
	activity_csv_row_fn on_row;
	activity_csv_error_fn on_error;
	void *arg;

	char **cells; /* of the row being read, trimmed */
	size_t ncells;
	size_t cells_cap;

	int *map; /* header cell -> enum activity_csv_col or COL_NONE */
	size_t nheader;
	int have_header;

	size_t line;     /* physical line being fed to the parser */
	size_t row_line; /* line the current row started on */
	int in_row;

	int stop; /* non-zero: the value activity_csv_read returns */
};

/* Trims ASCII white space and no-break spaces (U+00A0), which
 * spreadsheets leave around pasted text. Returns a malloc'd copy. */
static char *
activity_csv_trim_dup(const char *s, size_t len)
{
	const unsigned char *b = (const unsigned char *)s;
	size_t start = 0, end = len;
	char *out;

	for (;;) {
		if (start < end && formats_text_is_blank(b[start]))
			start++;
		else if (start + 1 < end && b[start] == 0xC2 &&
		    b[start + 1] == 0xA0)
			start += 2;
		else
			break;
	}
	for (;;) {
		if (end > start && formats_text_is_blank(b[end - 1]))
			end--;
		else if (end >= start + 2 && b[end - 2] == 0xC2 &&
		    b[end - 1] == 0xA0)
			end -= 2;
		else
			break;
	}
	out = malloc(end - start + 1);
	if (out == NULL)
		return NULL;
	if (end > start)
		memcpy(out, s + start, end - start);
	out[end - start] = '\0';
	return out;
}

static int activity_csv_error(struct activity_csv_reader *r, size_t line,
    const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reports an error; returns the callback's value, which stops the
 * reading when non-zero. */
static int
activity_csv_error(struct activity_csv_reader *r, size_t line,
    const char *field, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->on_error == NULL)
		return 0;
	return r->on_error(r->arg, line, field, msg);
}

static void
activity_csv_clear_cells(struct activity_csv_reader *r)
{
	for (size_t i = 0; i < r->ncells; i++)
		free(r->cells[i]);
	r->ncells = 0;
}

/* The column a header cell names: a code ("start_date") or one of the
 * Vietnamese headers; COL_NONE when it names none. */
static int
activity_csv_find_col(const char *name)
{
	char *folded;
	int col = COL_NONE;

	for (int c = 0; c < COL_COUNT; c++)
		if (strcasecmp(name, activity_csv_cols[c].name) == 0)
			return c;
	if ((folded = text_fold(name)) == NULL)
		return COL_NONE;
	for (size_t i = 0; i < sizeof(activity_csv_vi_cols) /
	             sizeof(activity_csv_vi_cols[0]) &&
	     col == COL_NONE;
	     i++)
		if (strcmp(folded, activity_csv_vi_cols[i].folded) == 0)
			col = activity_csv_vi_cols[i].col;
	free(folded);
	return col;
}

/* Maps the header row to columns. Every problem is reported, so a user
 * fixes the header in one go; any of them makes the file unreadable. */
static int
activity_csv_header(struct activity_csv_reader *r)
{
	int seen[COL_COUNT] = {0};
	int bad = 0, rc;

	r->map = malloc((r->ncells ? r->ncells : 1) * sizeof(*r->map));
	if (r->map == NULL) {
		activity_csv_error(r, r->row_line, "", "out of memory");
		return -1;
	}
	r->nheader = r->ncells;
	for (size_t i = 0; i < r->ncells; i++) {
		const char *name = r->cells[i];
		int col;

		r->map[i] = COL_NONE;
		if (name[0] == '\0')
			continue;
		col = activity_csv_find_col(name);
		if (col == COL_SKIP) {
			r->map[i] = COL_SKIP;
			continue;
		}
		if (col == COL_NONE) {
			bad = 1;
			rc = activity_csv_error(r, r->row_line, name,
			    "unknown column \"%.*s\"",
			    formats_text_quote_len(name, 64), name);
		} else if (seen[col]) {
			bad = 1;
			rc = activity_csv_error(r, r->row_line, name,
			    "column \"%s\" appears twice",
			    activity_csv_cols[col].name);
		} else {
			seen[col] = 1;
			r->map[i] = col;
			rc = 0;
		}
		if (rc != 0)
			return rc;
	}
	for (int c = 0; c < COL_COUNT; c++) {
		if (seen[c] || !activity_csv_cols[c].required)
			continue;
		bad = 1;
		rc = activity_csv_error(r, r->row_line,
		    activity_csv_cols[c].name,
		    "required column \"%s\" is missing",
		    activity_csv_cols[c].name);
		if (rc != 0)
			return rc;
	}
	r->have_header = 1;
	return bad ? -1 : 0;
}

/* Splits a cell at LIST_SEP into a repeated field, dropping empty items
 * ("a; ;b" and "a;b;" both give two). */
static int
activity_csv_split(const char *cell, size_t *n, char ***items)
{
	const char *p = cell;

	while (*p != '\0') {
		const char *sep = strchr(p, LIST_SEP);
		size_t len = sep ? (size_t)(sep - p) : strlen(p);
		char *item = activity_csv_trim_dup(p, len);
		int rc;

		if (item == NULL)
			return -1;
		rc = item[0] != '\0' ? pbstr_append(n, items, item) : 0;
		free(item);
		if (rc != 0)
			return -1;
		p += len;
		if (*p == LIST_SEP)
			p++;
	}
	return 0;
}

/* Where a column's text goes in an activity: one string, or a list of
 * them (a count and its strings). */
struct activity_csv_field {
	char **text;
	size_t *n;
	char ***items;
};

/* The field of column col in a; all NULL for kind and people, which are
 * not text. The one mapping of columns to fields, for reading and
 * writing both. */
static struct activity_csv_field
activity_csv_field(Hoptac__V1__Activity *a, int col)
{
	struct activity_csv_field f = {NULL, NULL, NULL};

	switch (col) {
	case COL_ID:
		f.text = &a->id;
		break;
	case COL_UNIT:
		f.text = &a->unit_code;
		break;
	case COL_PARTNERS:
		f.n = &a->n_partner_codes;
		f.items = &a->partner_codes;
		break;
	case COL_FIELDS:
		f.n = &a->n_fields;
		f.items = &a->fields;
		break;
	case COL_START_DATE:
		f.text = &a->start_date;
		break;
	case COL_END_DATE:
		f.text = &a->end_date;
		break;
	case COL_PLACE:
		f.text = &a->place;
		break;
	case COL_TITLE:
		f.text = &a->title;
		break;
	case COL_SUMMARY:
		f.text = &a->summary;
		break;
	case COL_LEADER:
		f.text = &a->leader;
		break;
	case COL_RESULT:
		f.text = &a->result;
		break;
	case COL_DOCUMENT_REFS:
		f.n = &a->n_document_refs;
		f.items = &a->document_refs;
		break;
	default:
		break;
	}
	return f;
}

/* Sets one field from one cell. Returns 0, 1 when the cell is bad (the
 * error is reported, *stop set if the callback asked to stop), or -1 when
 * out of memory. */
static int
activity_csv_set(struct activity_csv_reader *r, Hoptac__V1__Activity *a,
    int col, const char *cell, int *stop)
{
	struct activity_csv_field f = activity_csv_field(a, col);
	int kind;

	if (f.text != NULL)
		return pbstr_set(f.text, cell);
	if (f.items != NULL)
		return activity_csv_split(cell, f.n, f.items);
	switch (col) {
	case COL_KIND:
		kind = validate_activity_kind(cell);
		if (kind == 0 && cell[0] == '\0') {
			*stop = activity_csv_error(
			    r, r->row_line, "kind", "no kind");
			return 1;
		}
		if (kind == 0) {
			*stop = activity_csv_error(r, r->row_line, "kind",
			    "unknown kind \"%.*s\"",
			    formats_text_quote_len(cell, 64), cell);
			return 1;
		}
		a->kind = (Hoptac__V1__ActivityKind)kind;
		return 0;
	case COL_PEOPLE:
		/* A head count: empty means "not stated". */
		if (formats_text_whole(cell, &a->people) != 0) {
			*stop = activity_csv_error(r, r->row_line, "people",
			    "not a whole number of people (0 or more): "
			    "\"%.*s\"",
			    formats_text_quote_len(cell, 64), cell);
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

/* Turns the cells of a data row into an activity and hands it over. A
 * row with a bad cell is reported and skipped; the next rows are read. */
static int
activity_csv_row(struct activity_csv_reader *r)
{
	Hoptac__V1__Activity *a = NULL;
	int bad = 0, stop = 0, rc = 0;

	if (r->ncells > r->nheader) {
		rc = activity_csv_error(r, r->row_line, "",
		    "%zu cells, but the header has %zu columns", r->ncells,
		    r->nheader);
		goto out;
	}
	a = malloc(sizeof(*a));
	if (a == NULL)
		goto enomem;
	hoptac__v1__activity__init(a);
	for (size_t i = 0; i < r->ncells && stop == 0; i++) {
		const char *cell = r->cells[i];
		int set;

		if (r->map[i] == COL_SKIP)
			continue;
		if (r->map[i] == COL_NONE) {
			if (cell[0] != '\0') {
				bad = 1;
				stop = activity_csv_error(r, r->row_line, "",
				    "cell %zu has a value but its column has "
				    "no name",
				    i + 1);
			}
			continue;
		}
		set = activity_csv_set(r, a, r->map[i], cell, &stop);
		if (set < 0)
			goto enomem;
		if (set > 0)
			bad = 1;
	}
	/* Cells missing at the end of a row are empty, but kind cannot be. */
	for (size_t i = r->ncells; i < r->nheader && stop == 0 && !bad; i++) {
		if (r->map[i] == COL_KIND) {
			bad = 1;
			stop = activity_csv_error(
			    r, r->row_line, "kind", "no kind");
		}
	}
	if (stop != 0) {
		rc = stop;
		goto out;
	}
	if (!bad) {
		rc = r->on_row != NULL ? r->on_row(r->arg, r->row_line, a) : 0;
		if (r->on_row != NULL)
			a = NULL;
	}
	goto out;
enomem:
	activity_csv_error(r, r->row_line, "", "out of memory");
	rc = -1;
out:
	if (a != NULL)
		protobuf_c_message_free_unpacked(&a->base, NULL);
	return rc;
}

static void
activity_csv_on_cell(void *s, size_t len, void *data)
{
	struct activity_csv_reader *r = data;
	char *cell;

	if (r->stop != 0)
		return;
	if (r->ncells == r->cells_cap) {
		size_t cap = r->cells_cap ? r->cells_cap * 2 : 16;
		char **grown = realloc(r->cells, cap * sizeof(*grown));

		if (grown == NULL)
			goto enomem;
		r->cells = grown;
		r->cells_cap = cap;
	}
	cell = activity_csv_trim_dup(s != NULL ? s : "", s != NULL ? len : 0);
	if (cell == NULL)
		goto enomem;
	formats_text_csv_unguard(cell);
	r->cells[r->ncells++] = cell;
	return;
enomem:
	activity_csv_error(r, r->row_line, "", "out of memory");
	r->stop = -1;
}

static void
activity_csv_on_row(int c, void *data)
{
	struct activity_csv_reader *r = data;
	int blank = 1;

	(void)c;
	r->in_row = 0;
	if (r->stop != 0)
		goto out;
	/* Rows of empty cells are blank lines of a spreadsheet. */
	for (size_t i = 0; i < r->ncells && blank; i++)
		blank = r->cells[i][0] == '\0';
	if (blank)
		goto out;
	if (!r->have_header)
		r->stop = activity_csv_header(r);
	else
		r->stop = activity_csv_row(r);
out:
	activity_csv_clear_cells(r);
}

/* libcsv reports neither positions nor lines, so the input is fed one
 * physical line at a time: a row starts on the first line after the
 * previous row that holds anything but blanks, which is where libcsv
 * leaves its "row not begun" state too. */
static void
activity_csv_mark_row_start(
    struct activity_csv_reader *r, const char *buf, size_t len)
{
	if (r->in_row)
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			r->in_row = 1;
			r->row_line = r->line;
			return;
		}
	}
}

static int
activity_csv_lone_cr(const char *buf, size_t i, size_t len)
{
	return buf[i] == '\r' && (i + 1 == len || buf[i + 1] != '\n');
}

/* Feeds one line from getline to the parser. A CR not followed by LF also
 * ends a physical line (files saved with CR line ends), so the line is cut
 * there. Returns -1 when the text is not CSV. */
static int
activity_csv_feed(struct activity_csv_reader *r, struct csv_parser *p,
    const char *buf, size_t len)
{
	while (len > 0) {
		size_t n = 0;

		while (n < len && !activity_csv_lone_cr(buf, n, len))
			n++;
		if (n < len)
			n++;
		activity_csv_mark_row_start(r, buf, n);
		if (csv_parse(p, buf, n, activity_csv_on_cell,
		        activity_csv_on_row, r) != n &&
		    r->stop == 0) {
			activity_csv_error(r, r->line, "", "%s",
			    csv_error(p) == CSV_EPARSE
			        ? "malformed CSV: a quote inside an unquoted "
			          "cell, or text after a closing quote"
			        : "out of memory");
			return -1;
		}
		buf += n;
		len -= n;
		if (len > 0)
			r->line++;
	}
	return 0;
}

/* The separator of the file, told from its header line: ';' when it
 * holds more semicolons than commas outside quotes (what a spreadsheet
 * writes where the comma is the decimal sign, as in Vietnamese regional
 * settings), ',' otherwise. */
static unsigned char
activity_csv_sniff(const char *line, size_t len)
{
	size_t comma = 0, semi = 0;
	int quoted = 0;

	for (size_t i = 0; i < len; i++) {
		if (line[i] == '"')
			quoted = !quoted;
		else if (!quoted && line[i] == ',')
			comma++;
		else if (!quoted && line[i] == ';')
			semi++;
	}
	return semi > comma ? ';' : ',';
}

int
activity_csv_read(FILE *f, activity_csv_row_fn on_row,
    activity_csv_error_fn on_error, void *arg)
{
	struct activity_csv_reader r = {
	    .on_row = on_row,
	    .on_error = on_error,
	    .arg = arg,
	};
	struct csv_parser p;
	char *buf = NULL;
	size_t bufcap = 0;
	ssize_t n;
	int parser_ready = 0, rc = -1;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		activity_csv_error(&r, 1, "", "out of memory");
		goto out;
	}
	parser_ready = 1;
	while (r.stop == 0 && (n = getline(&buf, &bufcap, f)) > 0) {
		const char *chunk = buf;
		size_t len = (size_t)n;

		r.line++;
		if (r.line == 1 && len >= 3 &&
		    memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
			chunk += 3;
			len -= 3;
		}
		if (r.line == 1)
			csv_set_delim(&p, activity_csv_sniff(chunk, len));
		if (activity_csv_feed(&r, &p, chunk, len) != 0)
			goto out;
	}
	if (r.stop != 0) {
		rc = r.stop;
		goto out;
	}
	if (ferror(f)) {
		activity_csv_error(
		    &r, r.line + 1, "", "cannot read: %s", strerror(errno));
		goto out;
	}
	if (csv_fini(&p, activity_csv_on_cell, activity_csv_on_row, &r) != 0) {
		activity_csv_error(&r, r.row_line, "", "%s",
		    "a quoted cell is not closed before the end of the file");
		goto out;
	}
	if (r.stop != 0) {
		rc = r.stop;
		goto out;
	}
	if (!r.have_header) {
		activity_csv_error(&r, r.line ? r.line : 1, "",
		    "no header row: the file is empty");
		goto out;
	}
	rc = 0;
out:
	if (parser_ready)
		csv_free(&p);
	activity_csv_clear_cells(&r);
	free(r.cells);
	free(r.map);
	free(buf);
	return rc;
}

/* RFC 4180: quote a cell when it holds a separator, a quote or a line
 * break; a quote inside is doubled. */
static int
activity_csv_needs_quotes(const char *s)
{
	return s != NULL && strpbrk(s, ",\"\r\n") != NULL;
}

static int
activity_csv_put_text(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '"' && putc('"', f) == EOF)
			return -1;
		if (putc(*s, f) == EOF)
			return -1;
	}
	return 0;
}

/* Writes n strings as one cell, joined with LIST_SEP; a single string is
 * the case n == 1. A cell a spreadsheet would run as a formula goes
 * behind a "'", which the reader takes away again. */
static int
activity_csv_put_cell(FILE *f, int first, size_t n, char *const *items)
{
	int quote = 0;

	if (!first && putc(',', f) == EOF)
		return -1;
	for (size_t i = 0; i < n; i++)
		quote |= activity_csv_needs_quotes(items[i]);
	if (quote && putc('"', f) == EOF)
		return -1;
	if (n > 0 && formats_text_csv_guarded(items[0]) && putc('\'', f) == EOF)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && putc(LIST_SEP, f) == EOF)
			return -1;
		if (activity_csv_put_text(f, items[i]) != 0)
			return -1;
	}
	if (quote && putc('"', f) == EOF)
		return -1;
	return 0;
}

int
activity_csv_write_header(FILE *f)
{
	for (int c = 0; c < COL_COUNT; c++) {
		char *name = (char *)activity_csv_cols[c].name;

		if (activity_csv_put_cell(f, c == 0, 1, &name) != 0)
			return -1;
	}
	if (fputs("\r\n", f) == EOF)
		return -1;
	return 0;
}

int
activity_csv_write(FILE *f, const Hoptac__V1__Activity *a)
{
	char people[16] = "";
	char *kind;
	int rc = 0;

	kind = (char *)validate_activity_kind_name(a->kind);
	/* 0 means "not stated": an empty cell says so to a reader. */
	if (a->people != 0)
		snprintf(people, sizeof(people), "%d", (int)a->people);
	for (int c = 0; c < COL_COUNT && rc == 0; c++) {
		/* Only read through: the mapping serves the reader too. */
		struct activity_csv_field fd =
		    activity_csv_field((Hoptac__V1__Activity *)a, c);
		char *p = people;
		int first = c == 0;

		if (c == COL_KIND)
			rc = activity_csv_put_cell(f, first, 1, &kind);
		else if (c == COL_PEOPLE)
			rc = activity_csv_put_cell(f, first, 1, &p);
		else if (fd.text != NULL)
			rc = activity_csv_put_cell(f, first, 1, fd.text);
		else
			rc = activity_csv_put_cell(f, first, *fd.n, *fd.items);
	}
	if (rc == 0 && fputs("\r\n", f) == EOF)
		rc = -1;
	return rc;
}

/* Feeds one part of a row's identity to the hash, ended by a unit
 * separator so that ("ab", "c") and ("a", "bc") differ. */
static void
activity_csv_id_part(mbedtls_sha256_context *ctx, const char *s)
{
	static const unsigned char sep = 0x1f;

	mbedtls_sha256_update_ret(
	    ctx, (const unsigned char *)s, s != NULL ? strlen(s) : 0);
	mbedtls_sha256_update_ret(ctx, &sep, 1);
}

/* A date as the id sees it: its ISO form when it is one, so that
 * "02/05/2024" and "2024-05-02" are the same row; else folded. */
static char *
activity_csv_id_date(const char *text)
{
	struct date_partial d;
	char iso[DATE_ISO_LEN];

	if (text != NULL && date_parse(text, &d) == 0) {
		date_format(&d, iso);
		return strdup(iso);
	}
	return text_fold(text != NULL ? text : "");
}

int
activity_csv_stable_id(
    const Hoptac__V1__Activity *a, char out[ACTIVITY_CSV_ID_LEN])
{
	static const char hex[] = "0123456789abcdef";
	mbedtls_sha256_context ctx;
	unsigned char sum[32];
	char *parts[3] = {NULL, NULL, NULL}; /* folded texts, freed at out */
	int rc = -1;

	if ((parts[0] = text_fold(a->title != NULL ? a->title : "")) == NULL ||
	    (parts[1] = activity_csv_id_date(a->start_date)) == NULL ||
	    (parts[2] = activity_csv_id_date(a->end_date)) == NULL)
		goto out;
	mbedtls_sha256_init(&ctx);
	mbedtls_sha256_starts_ret(&ctx, 0);
	activity_csv_id_part(&ctx, a->unit_code);
	activity_csv_id_part(&ctx, validate_activity_kind_name(a->kind));
	activity_csv_id_part(&ctx, parts[1]);
	activity_csv_id_part(&ctx, parts[2]);
	activity_csv_id_part(&ctx, parts[0]);
	for (size_t i = 0; i < a->n_partner_codes; i++) {
		char *p = text_fold(a->partner_codes[i]);

		if (p == NULL) {
			mbedtls_sha256_free(&ctx);
			goto out;
		}
		activity_csv_id_part(&ctx, p);
		free(p);
	}
	mbedtls_sha256_finish_ret(&ctx, sum);
	mbedtls_sha256_free(&ctx);
	memcpy(out, "csv-", 4);
	for (size_t i = 0; i < (ACTIVITY_CSV_ID_LEN - 5) / 2; i++) {
		out[4 + 2 * i] = hex[sum[i] >> 4];
		out[5 + 2 * i] = hex[sum[i] & 0xf];
	}
	out[ACTIVITY_CSV_ID_LEN - 1] = '\0';
	rc = 0;
out:
	for (size_t i = 0; i < 3; i++)
		free(parts[i]);
	return rc;
}
