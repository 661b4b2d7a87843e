/*
 * The consolidated report of a reporting request and summaries of
 * figures, for people (markdown, html, aligned tables) and for scripts
 * (csv, json). docs/consolidated-report.md shows the result.
 *
 * Markdown and html share one layout, written once against the doc_*
 * primitives below, which differ only in markup and escaping. The layout
 * follows the offices' own reports (Đắk Glei 2024, Điện Biên 2021): the
 * heading block of an administrative document, the title, "Thực hiện Công
 * văn số ...", then I. TÌNH HÌNH CHUNG, II. KẾT QUẢ, III. ĐÁNH GIÁ,
 * IV. PHƯƠNG HƯỚNG, V. ĐỀ XUẤT, KIẾN NGHỊ, the units that did not answer,
 * and the closing.
 *
 * CSV of the consolidated report: RFC 4180, UTF-8, CRLF line ends, a cell
 * quoted only when it holds a comma, a double quote, a line break or
 * spaces at either end. Three tables, each with its header row, separated
 * by one empty line:
 *
 *   1. unit_code, unit_name, delegations_out, people_out, delegations_in,
 *      people_in, conferences, agreements, activities: one row per unit
 *      (the computed figures), then the total row, whose unit_code is
 *      empty and whose unit_name is "Tổng cộng";
 *   2. partner_code, partner_name, then the same seven figures: one row
 *      per partner, then the total row (empty partner_code, "Tổng cộng").
 *      An activity with several partners counts for each of them, so the
 *      rows may add up to more than the total, which counts it once;
 *   3. unit_code, unit_name, timeliness (on_time, delivered_late, late,
 *      missing), nil (true or false; empty for a unit that did not
 *      answer), revision, status (submitted, returned, accepted),
 *      signed_on (as the report gives it), submitted_at and received_at
 *      (ISO 8601 in Vietnam time, "2024-05-10T09:30:00+07:00"; empty when
 *      unknown), mismatches (declared figures the records do not bear
 *      out: "people_out: declared 12, computed 10", several joined by
 *      "; ").
 *
 * CSV of a summary: one column per dimension (unit, partner, kind, field,
 * year, quarter, month, in the order asked), then the seven figures; one
 * row per group and no total row, so that a script can add up any column.
 */
#include "render.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "date.h"
#include "gazetteer.h"
#include "pbjson.h"
#include "table.h"
#include "text.h"

#define RENDER_TOTAL       "Tổng cộng"
#define RENDER_NONE        "Không."
#define RENDER_MARK        "(*)"
#define RENDER_DEPARTMENT  "Sở Ngoại vụ"
#define RENDER_COUNT_LEN   16
#define RENDER_PAIR_LEN    64
#define RENDER_DATE_LEN    48
#define RENDER_N_FIGURES   7
#define RENDER_TABLE_COLS  6
#define RENDER_VN_OFFSET_S 25200 /* Vietnam keeps UTC+7 all year */

typedef Hoptac__V1__ConsolidateResponse Consolidated;
typedef Hoptac__V1__CompletenessEntry Entry;
typedef Hoptac__V1__Figures Figures;
typedef Hoptac__V1__Narrative Narrative;
typedef Hoptac__V1__Report Report;
typedef Hoptac__V1__SummaryRow Row;

/* The figures in the order of every table and CSV file, with the words
 * a note on a mismatch uses and the column of the figures tables
 * (1: Đoàn ra ... 5: Tổng hoạt động) that shows them. */
static const struct render_figure {
	const char *name;
	size_t offset;
	const char *label;
	const char *noun;
	int column;
} render_figures[RENDER_N_FIGURES] = {
    {"delegations_out", offsetof(Figures, delegations_out), "số đoàn ra",
        "đoàn", 1},
    {"people_out", offsetof(Figures, people_out), "số người đoàn ra", "người",
        1},
    {"delegations_in", offsetof(Figures, delegations_in), "số đoàn vào", "đoàn",
        2},
    {"people_in", offsetof(Figures, people_in), "số người đoàn vào", "người",
        2},
    {"conferences", offsetof(Figures, conferences), "số hội nghị, hội thảo",
        "hội nghị, hội thảo", 3},
    {"agreements", offsetof(Figures, agreements), "số thỏa thuận, bản ghi nhớ",
        "văn bản", 4},
    {"activities", offsetof(Figures, activities), "tổng số hoạt động",
        "hoạt động", 5},
};

static const char *const render_table_headers[RENDER_TABLE_COLS] = {
    "Đơn vị",
    "Đoàn ra (đoàn/người)",
    "Đoàn vào (đoàn/người)",
    "Hội nghị, hội thảo",
    "Thỏa thuận, bản ghi nhớ",
    "Tổng hoạt động",
};

/* Hoptac__V1__Dimension values to column names. */
static const char *const render_dims[] = {
    NULL,
    "unit",
    "partner",
    "kind",
    "field",
    "year",
    "quarter",
    "month",
};

int
render_format_parse(const char *name)
{
	static const struct {
		const char *name;
		enum render_format fmt;
	} names[] = {
	    {"md", RENDER_MARKDOWN},
	    {"markdown", RENDER_MARKDOWN},
	    {"html", RENDER_HTML},
	    {"csv", RENDER_CSV},
	    {"json", RENDER_JSON},
	    {"table", RENDER_TABLE},
	};

	if (name == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0)
			return (int)names[i].fmt;
	return -1;
}

const char *
render_report_status_name(int status)
{
	switch (status) {
	case HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_SUBMITTED:
		return "submitted";
	case HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_RETURNED:
		return "returned";
	case HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_ACCEPTED:
		return "accepted";
	default:
		return "";
	}
}

static int32_t
render_figure(const Figures *f, size_t i)
{
	int32_t v;

	if (f == NULL)
		return 0;
	memcpy(&v, (const char *)f + render_figures[i].offset, sizeof(v));
	return v;
}

static const struct render_figure *
render_figure_named(const char *name)
{
	for (size_t i = 0; i < RENDER_N_FIGURES; i++)
		if (strcmp(render_figures[i].name, name) == 0)
			return &render_figures[i];
	return NULL;
}

static const char *
render_dim_name(int dim)
{
	if (dim > 0 && (size_t)dim < sizeof(render_dims) / sizeof(*render_dims))
		return render_dims[dim];
	return "unknown";
}

static int
render_empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* Counts as the offices write them ("02 đoàn", "01 Hội nghị"): two digits
 * below ten, so that a table reads like their reports; zero as "0". */
static void
render_count(char *buf, size_t len, int32_t n)
{
	if (n > 0 && n < 10)
		snprintf(buf, len, "%02d", (int)n);
	else
		snprintf(buf, len, "%d", (int)n);
}

/* "02 đoàn/10 người"; "02 đoàn" when nobody was counted; "0" for none. */
static void
render_pair(char *buf, size_t len, int32_t groups, int32_t people)
{
	char g[RENDER_COUNT_LEN], p[RENDER_COUNT_LEN];

	render_count(g, sizeof(g), groups);
	render_count(p, sizeof(p), people);
	if (groups == 0 && people == 0)
		snprintf(buf, len, "0");
	else if (people == 0)
		snprintf(buf, len, "%s đoàn", g);
	else
		snprintf(buf, len, "%s đoàn/%s người", g, p);
}

/* A date as administrative documents write it, day first, with the word
 * for its precision: "ngày 02/5/2024", "tháng 11/2022", "năm 2023". Days
 * below 10 and the months 1 and 2 take a leading zero, as the rules on
 * administrative documents (Nghị định 30/2020) ask, so that no digit can
 * be put in front later. */
static void
render_date_words(char *buf, size_t len, const struct date_partial *d)
{
	const char *zero = d->month <= 2 ? "0" : "";

	if (d->day != 0)
		snprintf(buf, len, "ngày %02d/%s%d/%d", d->day, zero, d->month,
		    d->year);
	else if (d->month != 0)
		snprintf(buf, len, "tháng %s%d/%d", zero, d->month, d->year);
	else
		snprintf(buf, len, "năm %d", d->year);
}

/* text (a partial date in any form date_parse takes) in the words of
 * render_date_words; text that is not a date is returned as it is. */
static const char *
render_date(char *buf, size_t len, const char *text)
{
	struct date_partial d;

	if (render_empty(text))
		return "";
	if (date_parse(text, &d) != 0)
		return text;
	render_date_words(buf, len, &d);
	return buf;
}

/* Milliseconds since the epoch to the day and second of day in Vietnam. */
static void
render_vn_time(int64_t ms, struct date_partial *d, int32_t *sec)
{
	int64_t s = ms / 1000, days;

	if (ms % 1000 < 0)
		s--;
	s += RENDER_VN_OFFSET_S;
	days = s / 86400;
	if (s % 86400 < 0)
		days--;
	*sec = (int32_t)(s - days * 86400);
	date_from_days((int32_t)days, d);
}

/* "ngày 10/5/2024" in Vietnam for a timestamp; "" for none (0). */
static const char *
render_day_of(char *buf, size_t len, int64_t ms)
{
	struct date_partial d;
	int32_t sec;

	if (ms == 0)
		return "";
	render_vn_time(ms, &d, &sec);
	render_date_words(buf, len, &d);
	return buf;
}

/* ISO 8601 in Vietnam time, for scripts; "" for none (0). */
static const char *
render_iso_time(char *buf, size_t len, int64_t ms)
{
	struct date_partial d;
	int32_t sec;

	if (ms == 0)
		return "";
	render_vn_time(ms, &d, &sec);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", d.year,
	    d.month, d.day, (int)(sec / 3600), (int)(sec / 60 % 60),
	    (int)(sec % 60));
	return buf;
}

/* ---- Looking things up in the response ---- */

static const char *
render_issuer(const Consolidated *c)
{
	if (!render_empty(c->issuer_name))
		return c->issuer_name;
	if (c->request != NULL && !render_empty(c->request->issuer_unit))
		return c->request->issuer_unit;
	return RENDER_DEPARTMENT;
}

static size_t
render_n_entries(const Consolidated *c)
{
	return c->completeness != NULL ? c->completeness->n_entries : 0;
}

/* A unit's name, wherever the response gives it; its code otherwise. */
static const char *
render_unit_name(const Consolidated *c, const char *code)
{
	for (size_t i = 0; i < render_n_entries(c); i++) {
		const Entry *e = c->completeness->entries[i];

		if (strcmp(e->unit_code, code) == 0 &&
		    !render_empty(e->unit_name))
			return e->unit_name;
	}
	for (size_t i = 0; i < c->n_by_unit; i++) {
		const Row *r = c->by_unit[i];

		if (r->n_keys >= 2 && strcmp(r->keys[0], code) == 0 &&
		    !render_empty(r->keys[1]))
			return r->keys[1];
	}
	for (size_t i = 0; i < c->n_narratives; i++) {
		const Narrative *n = c->narratives[i];

		if (strcmp(n->unit_code, code) == 0 &&
		    !render_empty(n->unit_name))
			return n->unit_name;
	}
	return code;
}

static const char *
render_entry_name(const Entry *e)
{
	return render_empty(e->unit_name) ? e->unit_code : e->unit_name;
}

/* The unit's answer: the latest revision the response holds. */
static const Report *
render_report_of(const Consolidated *c, const char *code)
{
	const Report *best = NULL;

	for (size_t i = 0; i < c->n_reports; i++) {
		const Report *r = c->reports[i];

		if (strcmp(r->unit_code, code) == 0 &&
		    (best == NULL || r->revision > best->revision))
			best = r;
	}
	return best;
}

static int
render_answered(const Entry *e)
{
	return e->timeliness == HOPTAC__V1__TIMELINESS__TIMELINESS_ON_TIME ||
	    e->timeliness ==
	    HOPTAC__V1__TIMELINESS__TIMELINESS_DELIVERED_LATE ||
	    e->timeliness == HOPTAC__V1__TIMELINESS__TIMELINESS_LATE;
}

/* Sums rows, for a response that carries no totals. */
static void
render_sum(Row *const *rows, size_t n, int32_t sum[RENDER_N_FIGURES])
{
	for (size_t f = 0; f < RENDER_N_FIGURES; f++) {
		sum[f] = 0;
		for (size_t i = 0; i < n; i++)
			sum[f] += render_figure(rows[i]->figures, f);
	}
}

/* The place of the heading block ("Kon Tum, ngày ... "): what follows the
 * last "tỉnh" or "thành phố" in the department's name. NULL when the name
 * says no place. */
static const char *
render_place(const char *issuer)
{
	static const char *const words[] = {" tỉnh ", " thành phố "};
	const char *place = NULL;

	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		const char *p = issuer, *hit;

		while ((hit = strstr(p, words[w])) != NULL) {
			p = hit + strlen(words[w]);
			if (place == NULL || p > place)
				place = p;
		}
	}
	return place != NULL && *place != '\0' ? place : NULL;
}

/* The department's sign in the request's reference, for the number of
 * the report: "558/SNgV-BGHTQT" gives "SNgV" (*len bytes). */
static const char *
render_sign(const Consolidated *c, size_t *len)
{
	const char *ref = c->request != NULL ? c->request->reference : "";
	const char *slash = strchr(ref, '/');

	*len = 0;
	if (slash == NULL)
		return NULL;
	slash++;
	*len = strcspn(slash, "-/ ");
	return *len > 0 ? slash : NULL;
}

/* s in capitals, as the heading block writes a department's name.
 * malloc'd; NULL when out of memory. */
static char *
render_upper(const char *s)
{
	size_t len = 0;
	uint8_t *u;
	char *out;

	if (render_empty(s))
		return strdup("");
	u = u8_toupper(
	    (const uint8_t *)s, strlen(s), NULL, UNINORM_NFC, NULL, &len);
	if (u == NULL)
		return errno == ENOMEM ? NULL : strdup(s);
	out = realloc(u, len + 1);
	if (out == NULL) {
		free(u);
		return NULL;
	}
	out[len] = '\0';
	return out;
}

/* The subject under the title: the request's title without the "đề nghị"
 * and "báo cáo" a công văn puts before it, capitalised, as the offices'
 * reports write it: "báo cáo tình hình hợp tác với tỉnh Sê Kông (Lào)"
 * becomes "Tình hình hợp tác với tỉnh Sê Kông (Lào)". malloc'd; NULL when
 * out of memory. */
static char *
render_subject(const char *title)
{
	static const char *const prefixes[] = {"đề nghị ", "Đề nghị ",
	    "ĐỀ NGHỊ ", "báo cáo ", "Báo cáo ", "BÁO CÁO "};
	char *nfc = text_nfc(title), *out = NULL;
	const char *p;
	uint8_t up[8];
	ucs4_t uc;
	size_t rest;
	int in, outn, again = 1;

	if (nfc == NULL)
		return strdup(title);
	p = nfc;
	while (again) {
		again = 0;
		for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes);
		     i++) {
			size_t n = strlen(prefixes[i]);

			if (strncmp(p, prefixes[i], n) == 0 && p[n] != '\0') {
				p += n;
				again = 1;
			}
		}
	}
	if (*p == '\0') {
		out = nfc;
		nfc = NULL;
		goto out;
	}
	in = u8_mbtouc(&uc, (const uint8_t *)p, strlen(p));
	outn = u8_uctomb(up, uc_toupper(uc), (int)sizeof(up));
	if (outn <= 0) {
		out = strdup(p);
		goto out;
	}
	rest = strlen(p + in);
	out = malloc((size_t)outn + rest + 1);
	if (out == NULL)
		goto out;
	memcpy(out, up, (size_t)outn);
	memcpy(out + outn, p + in, rest + 1);
out:
	free(nfc);
	return out;
}

/* ---- Markdown and html primitives ---- */

struct render_doc {
	FILE *out;
	const Consolidated *c;
	int html;
	int bol; /* markdown: at the start of a line */
};

static void
doc_raw(struct render_doc *d, const char *s)
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
 * (a heading, a list, a quote, a rule, an indented code block). */
static void
doc_text_n(struct render_doc *d, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + n;

	for (; p < end; p++) {
		unsigned char ch = *p;

		if (ch < 0x20 || ch == 0x7F)
			ch = ' ';
		if (d->html) {
			switch (ch) {
			case '&':
				fputs("&amp;", d->out);
				break;
			case '<':
				fputs("&lt;", d->out);
				break;
			case '>':
				fputs("&gt;", d->out);
				break;
			case '"':
				fputs("&quot;", d->out);
				break;
			case '\'':
				fputs("&#39;", d->out);
				break;
			default:
				putc(ch, d->out);
			}
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
				putc('\\', d->out);
				putc(*q, d->out);
				p = q;
				continue;
			}
			if (strchr("#-+=", ch) != NULL)
				putc('\\', d->out);
		}
		if (strchr("\\`*_[]<>|~&", ch) != NULL)
			putc('\\', d->out);
		putc(ch, d->out);
	}
}

static void
doc_text(struct render_doc *d, const char *s)
{
	doc_text_n(d, s, strlen(s));
}

static void
doc_heading(struct render_doc *d, int level, const char *text)
{
	static const char *const md[] = {"# ", "## ", "### "};
	static const char *const open[] = {"<h1>", "<h2>", "<h3>"};
	static const char *const close[] = {"</h1>\n", "</h2>\n", "</h3>\n"};

	doc_raw(d, d->html ? open[level - 1] : md[level - 1]);
	doc_text(d, text);
	doc_raw(d, d->html ? close[level - 1] : "\n\n");
}

static void
doc_p_open(struct render_doc *d, const char *cls)
{
	if (!d->html)
		return;
	if (cls == NULL) {
		doc_raw(d, "<p>");
		return;
	}
	doc_raw(d, "<p class=\"");
	doc_raw(d, cls);
	doc_raw(d, "\">");
}

static void
doc_p_close(struct render_doc *d)
{
	doc_raw(d, d->html ? "</p>\n" : "\n\n");
}

static void
doc_strong_open(struct render_doc *d)
{
	doc_raw(d, d->html ? "<strong>" : "**");
}

static void
doc_strong_close(struct render_doc *d)
{
	doc_raw(d, d->html ? "</strong>" : "**");
}

static void
doc_em_open(struct render_doc *d)
{
	doc_raw(d, d->html ? "<em>" : "*");
}

static void
doc_em_close(struct render_doc *d)
{
	doc_raw(d, d->html ? "</em>" : "*");
}

/* A paragraph of one piece of text. */
static void
doc_para(struct render_doc *d, const char *text)
{
	doc_p_open(d, NULL);
	doc_text(d, text);
	doc_p_close(d);
}

static void
doc_list_open(struct render_doc *d)
{
	if (d->html)
		doc_raw(d, "<ul>\n");
}

static void
doc_list_close(struct render_doc *d)
{
	doc_raw(d, d->html ? "</ul>\n" : "\n");
}

static void
doc_item_open(struct render_doc *d)
{
	doc_raw(d, d->html ? "<li>" : "- ");
}

static void
doc_item_close(struct render_doc *d)
{
	doc_raw(d, d->html ? "</li>\n" : "\n");
}

/* A bordered table: the first column holds names, the others figures. */
static void
doc_table_open(struct render_doc *d, size_t n, const char *const *headers)
{
	doc_raw(d, d->html ? "<table class=\"figures\">\n<thead>\n<tr>" : "|");
	for (size_t i = 0; i < n; i++) {
		doc_raw(d, d->html ? "<th>" : " ");
		doc_text(d, headers[i]);
		doc_raw(d, d->html ? "</th>" : " |");
	}
	doc_raw(d, d->html ? "</tr>\n</thead>\n<tbody>\n" : "\n|");
	if (!d->html) {
		for (size_t i = 0; i < n; i++)
			doc_raw(d, i == 0 ? " :--- |" : " :---: |");
		doc_raw(d, "\n");
	}
}

static void
doc_table_row(
    struct render_doc *d, size_t n, const char *const *cells, int total)
{
	doc_raw(d, d->html ? (total ? "<tr class=\"total\">" : "<tr>") : "|");
	for (size_t i = 0; i < n; i++) {
		int bold = total && !d->html && !render_empty(cells[i]);

		if (d->html)
			doc_raw(d, i == 0 ? "<td>" : "<td class=\"num\">");
		else
			doc_raw(d, " ");
		if (bold)
			doc_strong_open(d);
		doc_text(d, cells[i] != NULL ? cells[i] : "");
		if (bold)
			doc_strong_close(d);
		doc_raw(d, d->html ? "</td>" : " |");
	}
	doc_raw(d, d->html ? "</tr>\n" : "\n");
}

static void
doc_table_close(struct render_doc *d)
{
	doc_raw(d, d->html ? "</tbody>\n</table>\n" : "\n");
}

/* Writes text line by line: the first line into the paragraph the caller
 * opened, each further line as a paragraph of its own; closes the last.
 * Lines are trimmed and empty lines dropped, so the text's own blank
 * lines and indentation cannot change the markup around it. */
static void
doc_lines(struct render_doc *d, const char *text)
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
				doc_p_close(d);
				doc_p_open(d, NULL);
			}
			doc_text_n(d, s, (size_t)(e - s));
			first = 0;
		}
		p = e;
		while (*p != '\0' && *p != '\n')
			p++;
		if (*p == '\n')
			p++;
	}
	doc_p_close(d);
}

/* ---- The consolidated report, markdown and html ---- */

static const char render_css[] =
    "@page { size: A4; margin: 20mm 15mm 20mm 30mm; }\n"
    "body { font-family: \"Times New Roman\", Times, serif; "
    "font-size: 14pt; line-height: 1.35; color: #000; background: #fff; "
    "margin: 0; }\n"
    "@media screen { body { max-width: 165mm; margin: 10mm auto; "
    "padding: 0 5mm; } }\n"
    "table.heading, table.signature { width: 100%; "
    "border-collapse: collapse; }\n"
    "table.heading td, table.signature td { border: none; "
    "vertical-align: top; text-align: center; padding: 0 2pt; }\n"
    "table.heading td.left, table.signature td.left { width: 40%; }\n"
    ".org { font-weight: bold; font-size: 13pt; }\n"
    ".motto { font-weight: bold; }\n"
    ".motto span { border-bottom: 1px solid #000; padding-bottom: 1pt; }\n"
    ".rule { width: 35%; margin: 2pt auto 6pt; "
    "border-top: 1px solid #000; }\n"
    ".place { font-style: italic; margin-top: 8pt; }\n"
    "h1 { font-size: 14pt; text-align: center; margin: 18pt 0 0; }\n"
    "h2 { font-size: 14pt; margin: 12pt 0 6pt; }\n"
    "h3 { font-size: 14pt; margin: 8pt 0 4pt; }\n"
    "h1, h2, h3 { page-break-after: avoid; break-after: avoid; }\n"
    "p { text-align: justify; text-indent: 10mm; margin: 0 0 6pt; }\n"
    "p.subject { text-align: center; text-indent: 0; font-weight: bold; "
    "margin-bottom: 12pt; }\n"
    "ul { margin: 0 0 6pt; padding-left: 15mm; }\n"
    "li { text-align: justify; }\n"
    "table.figures { width: 100%; border-collapse: collapse; "
    "font-size: 13pt; margin: 6pt 0 8pt; }\n"
    "table.figures th, table.figures td { border: 1px solid #000; "
    "padding: 2pt 4pt; vertical-align: top; }\n"
    "table.figures th, table.figures td.num { text-align: center; }\n"
    "table.figures tr.total td { font-weight: bold; }\n"
    "thead { display: table-header-group; }\n"
    "tr, th, td { page-break-inside: avoid; break-inside: avoid; }\n"
    ".mismatch { font-weight: bold; }\n"
    "table.signature { margin-top: 12pt; page-break-inside: avoid; "
    "break-inside: avoid; }\n"
    "table.signature td.left { text-align: left; font-size: 12pt; }\n"
    ".recipients { font-weight: bold; font-style: italic; }\n"
    ".signer { font-weight: bold; }\n"
    ".signer-name { font-weight: bold; margin-top: 60pt; }\n";

static void
render_html_head(struct render_doc *d)
{
	const Consolidated *c = d->c;

	doc_raw(d,
	    "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>Báo cáo tổng hợp");
	if (c->request != NULL && !render_empty(c->request->reference)) {
		doc_text(d, " - ");
		doc_text(d, c->request->reference);
	}
	doc_raw(d, "</title>\n<style>\n");
	doc_raw(d, render_css);
	doc_raw(d, "</style>\n</head>\n<body>\n");
}

/* The heading block of an administrative document: the department and
 * the report's number on the left, the national motto and the place and
 * date on the right. The number and the date are left blank, to be filled
 * in when the report is signed, as the offices' reports show them. */
static int
render_heading_block(struct render_doc *d)
{
	const char *issuer = render_issuer(d->c), *place;
	char *upper = render_upper(issuer);
	size_t sign_len;
	const char *sign = render_sign(d->c, &sign_len);

	if (upper == NULL)
		return -1;
	place = render_place(issuer);
	if (d->html) {
		doc_raw(d,
		    "<table class=\"heading\">\n<tr>\n<td class=\"left\">"
		    "<div class=\"org\">");
		doc_text(d, upper);
		doc_raw(d,
		    "</div><div class=\"rule\"></div>"
		    "<div>Số: &nbsp; &nbsp; &nbsp; &nbsp;/BC");
	} else {
		doc_raw(d, "| ");
		doc_text(d, upper);
		doc_raw(d,
		    " | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
		    "| :---: | :---: |\n"
		    "| Số: /BC");
	}
	if (sign != NULL) {
		doc_text(d, "-");
		doc_text_n(d, sign, sign_len);
	}
	if (d->html)
		doc_raw(d,
		    "</div></td>\n<td><div class=\"org\">CỘNG HÒA XÃ HỘI CHỦ "
		    "NGHĨA VIỆT NAM</div>\n<div class=\"motto\"><span>Độc lập "
		    "- "
		    "Tự do - Hạnh phúc</span></div>\n<div class=\"place\">");
	else
		doc_raw(d, " | **Độc lập - Tự do - Hạnh phúc** |\n|  | *");
	doc_text(d, place != NULL ? place : "……");
	doc_text(d, ", ngày … tháng … năm …");
	doc_raw(d, d->html ? "</div></td>\n</tr>\n</table>\n" : "* |\n\n");
	free(upper);
	return 0;
}

/* The title, the subject, and the paragraph that says which request the
 * report answers ("Thực hiện Công văn số ..."). */
static int
render_opening(struct render_doc *d)
{
	const Hoptac__V1__ReportingRequest *rq = d->c->request;
	const char *issuer = render_issuer(d->c);
	char date[RENDER_DATE_LEN];
	char *subject = NULL;

	doc_heading(d, 1, "BÁO CÁO TỔNG HỢP");
	if (rq != NULL && !render_empty(rq->title)) {
		if ((subject = render_subject(rq->title)) == NULL)
			return -1;
		doc_p_open(d, "subject");
		if (!d->html)
			doc_strong_open(d);
		doc_text(d, subject);
		if (!d->html)
			doc_strong_close(d);
		doc_p_close(d);
		free(subject);
	}
	doc_p_open(d, NULL);
	doc_text(d, "Thực hiện Công văn số ");
	doc_text(d,
	    rq != NULL && !render_empty(rq->reference) ? rq->reference : "…");
	if (rq != NULL && !render_empty(rq->issued_on)) {
		doc_text(d, " ");
		doc_text(d, render_date(date, sizeof(date), rq->issued_on));
	}
	doc_text(d, " của ");
	doc_text(d, issuer);
	if (rq != NULL && !render_empty(rq->title)) {
		doc_text(d, " về việc ");
		doc_text(d, rq->title);
	}
	doc_text(d, ";");
	doc_p_close(d);
	doc_p_open(d, NULL);
	doc_text(d, "Trên cơ sở báo cáo của các đơn vị, ");
	doc_text(d, issuer);
	doc_text(d, " tổng hợp báo cáo cụ thể như sau:");
	doc_p_close(d);
	return 0;
}

/* A partner of the request's scope by its name in the gazetteer
 * ("tỉnh Sê Kông"), in the response, or by its code. */
static void
render_partner(struct render_doc *d, const char *code)
{
	const struct gazetteer_partner *g = gazetteer_resolve(code);

	if (g != NULL && strcmp(g->code, code) == 0) {
		doc_text(
		    d, g->level == GAZETTEER_PROVINCE ? "tỉnh " : "huyện ");
		doc_text(d, g->name);
		return;
	}
	for (size_t i = 0; i < d->c->n_by_partner; i++) {
		const Row *r = d->c->by_partner[i];

		if (r->n_keys >= 2 && strcmp(r->keys[0], code) == 0 &&
		    !render_empty(r->keys[1])) {
			doc_text(d, r->keys[1]);
			return;
		}
	}
	doc_text(d, code);
}

/* "Thời kỳ báo cáo: từ tháng 11/2022 đến nay; đối tác: tỉnh Sê Kông; hạn
 * gửi báo cáo: ngày 15/5/2024." */
static void
render_period(struct render_doc *d)
{
	const Hoptac__V1__ReportingRequest *rq = d->c->request;
	char date[RENDER_DATE_LEN];

	if (rq == NULL)
		return;
	doc_p_open(d, NULL);
	doc_text(d, "Thời kỳ báo cáo:");
	if (!render_empty(rq->period_from)) {
		doc_text(d, " từ ");
		doc_text(d, render_date(date, sizeof(date), rq->period_from));
	}
	doc_text(d, " đến ");
	doc_text(d,
	    render_empty(rq->period_to)
	        ? "nay"
	        : render_date(date, sizeof(date), rq->period_to));
	doc_text(d, "; đối tác: ");
	if (rq->n_partner_scope == 0)
		doc_text(d, "các tỉnh của Lào");
	for (size_t i = 0; i < rq->n_partner_scope; i++) {
		if (i > 0)
			doc_text(d, ", ");
		render_partner(d, rq->partner_scope[i]);
	}
	if (!render_empty(rq->due_on)) {
		doc_text(d, "; hạn gửi báo cáo: ");
		doc_text(d, render_date(date, sizeof(date), rq->due_on));
	}
	doc_text(d, ".");
	doc_p_close(d);
}

enum render_group {
	GROUP_ON_TIME,
	GROUP_DELIVERED_LATE,
	GROUP_LATE,
	GROUP_NIL,
	GROUP_MISSING,
};

static int
render_in_group(const Entry *e, enum render_group g)
{
	switch (g) {
	case GROUP_ON_TIME:
		return e->timeliness ==
		    HOPTAC__V1__TIMELINESS__TIMELINESS_ON_TIME;
	case GROUP_DELIVERED_LATE:
		return e->timeliness ==
		    HOPTAC__V1__TIMELINESS__TIMELINESS_DELIVERED_LATE;
	case GROUP_LATE:
		return e->timeliness == HOPTAC__V1__TIMELINESS__TIMELINESS_LATE;
	case GROUP_NIL:
		return render_answered(e) && e->nil;
	case GROUP_MISSING:
		return !render_answered(e);
	}
	return 0;
}

/* One line of who answered how: "Gửi sau hạn: 01 đơn vị, gồm: Ban Quản
 * lý ... (gửi ngày 20/5/2024)." Dates say when a late answer was filed
 * and received, in Vietnam time. */
static void
render_group_item(struct render_doc *d, const char *label, enum render_group g)
{
	const Consolidated *c = d->c;
	char count[RENDER_COUNT_LEN], date[RENDER_DATE_LEN];
	int32_t n = 0, k = 0;

	for (size_t i = 0; i < render_n_entries(c); i++)
		n += render_in_group(c->completeness->entries[i], g);
	doc_item_open(d);
	doc_text(d, label);
	if (n == 0) {
		doc_text(d, ": không có.");
		doc_item_close(d);
		return;
	}
	render_count(count, sizeof(count), n);
	doc_text(d, ": ");
	doc_text(d, count);
	doc_text(d, " đơn vị, gồm: ");
	for (size_t i = 0; i < render_n_entries(c); i++) {
		const Entry *e = c->completeness->entries[i];
		int late = g == GROUP_LATE || g == GROUP_DELIVERED_LATE;
		int returned = e->status ==
		    HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_RETURNED;

		if (!render_in_group(e, g))
			continue;
		if (k++ > 0)
			doc_text(d, "; ");
		doc_text(d, render_entry_name(e));
		if (!(late && e->submitted_at_ms != 0) && !returned)
			continue;
		doc_text(d, " (");
		if (late && e->submitted_at_ms != 0) {
			doc_text(d, "gửi ");
			doc_text(d,
			    render_day_of(
			        date, sizeof(date), e->submitted_at_ms));
			if (g == GROUP_DELIVERED_LATE &&
			    e->received_at_ms != 0) {
				doc_text(d, ", nhận ");
				doc_text(d,
				    render_day_of(
				        date, sizeof(date), e->received_at_ms));
			}
			if (returned)
				doc_text(d, "; ");
		}
		if (returned)
			doc_text(d, "báo cáo đã bị trả lại");
		doc_text(d, ")");
	}
	doc_text(d, ".");
	doc_item_close(d);
}

static void
render_completeness(struct render_doc *d)
{
	const Consolidated *c = d->c;
	char expected[RENDER_COUNT_LEN], answered[RENDER_COUNT_LEN];
	int32_t n_expected = 0, n_answered = 0;

	for (size_t i = 0; i < render_n_entries(c); i++)
		n_answered += render_answered(c->completeness->entries[i]);
	n_expected = (int32_t)render_n_entries(c);
	if (c->completeness != NULL && c->completeness->expected > n_expected)
		n_expected = c->completeness->expected;
	if (n_expected == 0) {
		doc_para(d, "Không có đơn vị nào được đề nghị báo cáo.");
		return;
	}
	render_count(expected, sizeof(expected), n_expected);
	render_count(answered, sizeof(answered), n_answered);
	doc_p_open(d, NULL);
	doc_text(d, render_issuer(c));
	doc_text(d, " đề nghị ");
	doc_text(d, expected);
	doc_text(d, " đơn vị báo cáo; đã nhận được báo cáo của ");
	doc_text(d, answered);
	doc_text(d, "/");
	doc_text(d, expected);
	doc_text(d, " đơn vị, cụ thể:");
	doc_p_close(d);
	doc_list_open(d);
	render_group_item(d, "Gửi đúng hạn", GROUP_ON_TIME);
	render_group_item(
	    d, "Gửi đúng hạn nhưng nhận được sau hạn", GROUP_DELIVERED_LATE);
	render_group_item(d, "Gửi sau hạn", GROUP_LATE);
	render_group_item(d, "Báo cáo không phát sinh", GROUP_NIL);
	render_group_item(d, "Chưa báo cáo", GROUP_MISSING);
	doc_list_close(d);
}

static const char *
render_narrative_key(const Narrative *n)
{
	return render_empty(n->unit_code) ? n->unit_name : n->unit_code;
}

static int
render_narrative_in(
    const Narrative *n, const char *section, const Narrative *of)
{
	return strcmp(n->section, section) == 0 &&
	    (of == NULL ||
	        strcmp(render_narrative_key(n), render_narrative_key(of)) == 0);
}

/* "UBND huyện Đắk Glei (đến năm 2027):" in bold, in the open paragraph. */
static void
render_unit_label(struct render_doc *d, const Narrative *n, const char *section)
{
	const char *name = n->unit_name;
	const Report *r;

	if (render_empty(name))
		name = render_unit_name(d->c, n->unit_code);
	doc_strong_open(d);
	doc_text(d, render_empty(name) ? "(đơn vị không rõ)" : name);
	if (strcmp(section, "directions") == 0 &&
	    (r = render_report_of(d->c, n->unit_code)) != NULL &&
	    r->directions_until > 0) {
		char until[RENDER_DATE_LEN];

		snprintf(until, sizeof(until), " (đến năm %d)",
		    (int)r->directions_until);
		doc_text(d, until);
	}
	doc_text(d, ":");
	doc_strong_close(d);
}

/* Whether text has at most one line that is not blank: such a text
 * follows its unit's name in one paragraph, as "1. Tồn tại, hạn chế: ..."
 * does in the offices' reports; a longer one (a list of directions) starts
 * below. */
static int
render_one_line(const char *text)
{
	int lines = 0, blank = 1;

	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\n') {
			lines += !blank;
			blank = 1;
		} else if (*p != ' ' && *p != '\t' && *p != '\r') {
			blank = 0;
		}
	}
	lines += !blank;
	return lines <= 1;
}

/* The narratives of one section, grouped by unit in the order the units
 * first appear, each group under its unit's name and each piece under its
 * heading when it has one. "Không." when no unit wrote anything, since an
 * empty section says so in the offices' reports rather than vanishing. */
static void
render_narratives(struct render_doc *d, const char *section)
{
	const Consolidated *c = d->c;
	int any = 0;

	for (size_t i = 0; i < c->n_narratives; i++) {
		const Narrative *n = c->narratives[i];
		size_t j, count = 0;

		if (!render_narrative_in(n, section, NULL))
			continue;
		for (j = 0; j < i; j++)
			if (render_narrative_in(c->narratives[j], section, n))
				break;
		if (j < i)
			continue; /* written with its unit's first piece */
		any = 1;
		for (j = i; j < c->n_narratives; j++)
			count +=
			    render_narrative_in(c->narratives[j], section, n);
		doc_p_open(d, NULL);
		render_unit_label(d, n, section);
		if (count == 1 && render_empty(n->heading) &&
		    render_one_line(n->text)) {
			doc_raw(d, " ");
			doc_lines(d, n->text);
			continue;
		}
		doc_p_close(d);
		for (j = i; j < c->n_narratives; j++) {
			const Narrative *m = c->narratives[j];
			size_t hl;

			if (!render_narrative_in(m, section, n))
				continue;
			doc_p_open(d, NULL);
			if (!render_empty(m->heading)) {
				hl = strlen(m->heading);
				doc_em_open(d);
				doc_text(d, m->heading);
				if (m->heading[hl - 1] != ':')
					doc_text(d, ":");
				doc_em_close(d);
				doc_raw(d, " ");
			}
			doc_lines(d, m->text);
		}
	}
	if (!any)
		doc_para(d, RENDER_NONE);
}

/* Whether the unit's answer declared a figure of this table column that
 * the records do not bear out. */
static int
render_mismatch_in(const Report *r, int column)
{
	for (size_t i = 0; r != NULL && i < r->n_mismatches; i++) {
		const struct render_figure *f =
		    render_figure_named(r->mismatches[i]->figure);

		if ((f != NULL ? f->column : 0) == column)
			return 1;
	}
	return 0;
}

/* The six cells of a figures table row; a cell whose figure the unit
 * declared otherwise carries the mark the note under the table explains. */
static void
render_row_cells(char cells[RENDER_TABLE_COLS][RENDER_PAIR_LEN],
    const int32_t v[RENDER_N_FIGURES], const Report *r)
{
	render_pair(cells[1], RENDER_PAIR_LEN, v[0], v[1]);
	render_pair(cells[2], RENDER_PAIR_LEN, v[2], v[3]);
	render_count(cells[3], RENDER_PAIR_LEN, v[4]);
	render_count(cells[4], RENDER_PAIR_LEN, v[5]);
	render_count(cells[5], RENDER_PAIR_LEN, v[6]);
	for (int col = 1; col < RENDER_TABLE_COLS; col++)
		if (render_mismatch_in(r, col)) {
			size_t len = strlen(cells[col]);

			snprintf(cells[col] + len, RENDER_PAIR_LEN - len,
			    " " RENDER_MARK);
		}
}

/* A figures table of rows keyed [code, name], with the total row; says
 * so in a word when there is nothing to show. by_unit marks the figures
 * a unit declared otherwise. Returns whether the rows add up to totals. */
static int
render_figures_table(struct render_doc *d, const char *first, Row *const *rows,
    size_t n, int by_unit)
{
	const char *headers[RENDER_TABLE_COLS];
	char cells[RENDER_TABLE_COLS][RENDER_PAIR_LEN];
	const char *ptrs[RENDER_TABLE_COLS];
	int32_t v[RENDER_N_FIGURES], sum[RENDER_N_FIGURES];
	int adds_up = 1;

	if (n == 0) {
		doc_para(d, "Không có số liệu.");
		return 1;
	}
	memcpy(headers, render_table_headers, sizeof(headers));
	headers[0] = first;
	for (int col = 0; col < RENDER_TABLE_COLS; col++)
		ptrs[col] = cells[col];
	doc_table_open(d, RENDER_TABLE_COLS, headers);
	for (size_t i = 0; i < n; i++) {
		const Row *row = rows[i];
		const char *code = row->n_keys > 0 ? row->keys[0] : "";
		const char *name =
		    row->n_keys > 1 && !render_empty(row->keys[1])
		    ? row->keys[1]
		    : code;

		for (size_t f = 0; f < RENDER_N_FIGURES; f++)
			v[f] = render_figure(row->figures, f);
		render_row_cells(
		    cells, v, by_unit ? render_report_of(d->c, code) : NULL);
		ptrs[0] = name;
		doc_table_row(d, RENDER_TABLE_COLS, ptrs, 0);
	}
	render_sum(rows, n, sum);
	for (size_t f = 0; f < RENDER_N_FIGURES; f++) {
		v[f] = d->c->totals != NULL ? render_figure(d->c->totals, f)
		                            : sum[f];
		adds_up &= v[f] == sum[f];
	}
	render_row_cells(cells, v, NULL);
	ptrs[0] = RENDER_TOTAL;
	doc_table_row(d, RENDER_TABLE_COLS, ptrs, 1);
	doc_table_close(d);
	return adds_up;
}

/* Under the units' table: each figure a unit declared that the records
 * do not bear out, with both numbers, so that nobody signs a figure the
 * records contradict without seeing it. */
static void
render_mismatch_notes(struct render_doc *d)
{
	const Consolidated *c = d->c;
	int any = 0;

	for (size_t i = 0; i < c->n_reports; i++) {
		const Report *r = c->reports[i];

		if (r->n_mismatches == 0 ||
		    render_report_of(c, r->unit_code) != r)
			continue;
		if (!any) {
			doc_p_open(d, "mismatch");
			doc_text(d,
			    RENDER_MARK " Số liệu đơn vị kê khai trong báo cáo "
			                "khác với số liệu ghi nhận:");
			doc_p_close(d);
			doc_list_open(d);
			any = 1;
		}
		doc_item_open(d);
		doc_text(d, render_unit_name(c, r->unit_code));
		doc_text(d, ": ");
		for (size_t k = 0; k < r->n_mismatches; k++) {
			const Hoptac__V1__FigureMismatch *m = r->mismatches[k];
			const struct render_figure *f =
			    render_figure_named(m->figure);
			char declared[RENDER_COUNT_LEN],
			    computed[RENDER_COUNT_LEN];
			const char *noun = f != NULL ? f->noun : "";

			render_count(declared, sizeof(declared), m->declared);
			render_count(computed, sizeof(computed), m->computed);
			if (k > 0)
				doc_text(d, "; ");
			doc_text(d, f != NULL ? f->label : m->figure);
			doc_text(d, " kê khai ");
			doc_text(d, declared);
			doc_text(d, *noun != '\0' ? " " : "");
			doc_text(d, noun);
			doc_text(d, ", theo số liệu ");
			doc_text(d, computed);
			doc_text(d, *noun != '\0' ? " " : "");
			doc_text(d, noun);
		}
		doc_text(d, ".");
		doc_item_close(d);
	}
	if (any)
		doc_list_close(d);
}

static void
render_missing_line(struct render_doc *d)
{
	const Consolidated *c = d->c;
	int k = 0;

	doc_p_open(d, NULL);
	doc_strong_open(d);
	doc_text(d, "Các đơn vị chưa báo cáo:");
	doc_strong_close(d);
	doc_raw(d, " ");
	for (size_t i = 0; i < render_n_entries(c); i++) {
		const Entry *e = c->completeness->entries[i];

		if (render_answered(e))
			continue;
		if (k++ > 0)
			doc_text(d, "; ");
		doc_text(d, render_entry_name(e));
	}
	doc_text(d, k == 0 ? RENDER_NONE : ".");
	doc_p_close(d);
}

/* The closing sentence and the signature block, left for the signer as
 * the model forms of administrative documents leave it. */
static void
render_closing(struct render_doc *d)
{
	const Consolidated *c = d->c;

	doc_p_open(d, NULL);
	doc_text(
	    d, "Trên đây là báo cáo tổng hợp kết quả thực hiện Công văn số ");
	doc_text(d,
	    c->request != NULL && !render_empty(c->request->reference)
	        ? c->request->reference
	        : "…");
	doc_text(d, " của ");
	doc_text(d, render_issuer(c));
	doc_text(d, "./.");
	doc_p_close(d);
	if (d->html)
		doc_raw(d,
		    "<table class=\"signature\">\n<tr>\n<td class=\"left\">"
		    "<div class=\"recipients\">Nơi nhận:</div>"
		    "<div>- ……;</div><div>- Lưu: VT.</div></td>\n"
		    "<td><div class=\"signer\">QUYỀN HẠN, CHỨC VỤ CỦA NGƯỜI "
		    "KÝ</div><div><em>(Chữ ký, dấu)</em></div>"
		    "<div class=\"signer-name\">Họ và tên</div></td>\n"
		    "</tr>\n</table>\n");
	else
		doc_raw(d,
		    "| **Nơi nhận:** | **QUYỀN HẠN, CHỨC VỤ CỦA NGƯỜI KÝ** |\n"
		    "| :--- | :---: |\n"
		    "| - ……; | *(Chữ ký, dấu)* |\n"
		    "| - Lưu: VT. | **Họ và tên** |\n");
}

static int
render_document(FILE *out, const Consolidated *c, int html)
{
	struct render_doc d = {out, c, html, 1};
	int adds_up;

	if (html)
		render_html_head(&d);
	if (render_heading_block(&d) != 0 || render_opening(&d) != 0)
		return -1;

	doc_heading(&d, 2, "I. TÌNH HÌNH CHUNG");
	doc_heading(&d, 3, "1. Tình hình gửi báo cáo");
	render_period(&d);
	render_completeness(&d);
	doc_heading(&d, 3, "2. Đặc điểm tình hình");
	render_narratives(&d, "situation");

	doc_heading(&d, 2, "II. KẾT QUẢ");
	doc_heading(&d, 3, "1. Số liệu theo đơn vị");
	render_figures_table(&d, "Đơn vị", c->by_unit, c->n_by_unit, 1);
	render_mismatch_notes(&d);
	doc_heading(&d, 3, "2. Số liệu theo đối tác");
	adds_up = render_figures_table(
	    &d, "Đối tác", c->by_partner, c->n_by_partner, 0);
	if (!adds_up)
		doc_para(&d,
		    "Một hoạt động với nhiều đối tác được tính cho từng đối "
		    "tác; dòng Tổng cộng tính mỗi hoạt động một lần.");
	doc_heading(&d, 3, "3. Kết quả cụ thể của các đơn vị");
	render_narratives(&d, "results");

	doc_heading(&d, 2, "III. ĐÁNH GIÁ");
	doc_heading(&d, 3, "1. Tồn tại, hạn chế");
	render_narratives(&d, "limitations");
	doc_heading(&d, 3, "2. Nguyên nhân");
	render_narratives(&d, "causes");

	doc_heading(&d, 2, "IV. PHƯƠNG HƯỚNG");
	render_narratives(&d, "directions");

	doc_heading(&d, 2, "V. ĐỀ XUẤT, KIẾN NGHỊ");
	render_narratives(&d, "proposals");

	render_missing_line(&d);
	render_closing(&d);
	if (html)
		doc_raw(&d, "</body>\n</html>\n");
	return 0;
}

/* ---- CSV ---- */

/* One cell, quoted only when it must be (RFC 4180), so that plain names
 * and numbers stay readable in a text editor. */
static void
csv_cell(FILE *f, int first, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	int quote = n > 0 &&
	    (strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || s[n - 1] == ' ');

	if (!first)
		putc(',', f);
	if (!quote) {
		if (n > 0)
			fwrite(s, 1, n, f);
		return;
	}
	putc('"', f);
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"')
			putc('"', f);
		putc(*p, f);
	}
	putc('"', f);
}

static void
csv_int(FILE *f, int first, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	csv_cell(f, first, buf);
}

static void
csv_end(FILE *f)
{
	fputs("\r\n", f);
}

static void
csv_figures(FILE *f, const Figures *fig, const int32_t *sum)
{
	for (size_t i = 0; i < RENDER_N_FIGURES; i++)
		csv_int(f, 0,
		    fig != NULL || sum == NULL ? render_figure(fig, i)
		                               : sum[i]);
}

static void
csv_figures_table(FILE *f, const char *code_col, const char *name_col,
    Row *const *rows, size_t n, const Figures *totals)
{
	int32_t sum[RENDER_N_FIGURES];

	csv_cell(f, 1, code_col);
	csv_cell(f, 0, name_col);
	for (size_t i = 0; i < RENDER_N_FIGURES; i++)
		csv_cell(f, 0, render_figures[i].name);
	csv_end(f);
	for (size_t i = 0; i < n; i++) {
		const Row *r = rows[i];

		csv_cell(f, 1, r->n_keys > 0 ? r->keys[0] : "");
		csv_cell(f, 0, r->n_keys > 1 ? r->keys[1] : "");
		csv_figures(f, r->figures, NULL);
		csv_end(f);
	}
	render_sum(rows, n, sum);
	csv_cell(f, 1, "");
	csv_cell(f, 0, RENDER_TOTAL);
	csv_figures(f, totals, sum);
	csv_end(f);
}

static const char *
csv_timeliness(Hoptac__V1__Timeliness t)
{
	switch (t) {
	case HOPTAC__V1__TIMELINESS__TIMELINESS_ON_TIME:
		return "on_time";
	case HOPTAC__V1__TIMELINESS__TIMELINESS_DELIVERED_LATE:
		return "delivered_late";
	case HOPTAC__V1__TIMELINESS__TIMELINESS_LATE:
		return "late";
	default:
		return "missing";
	}
}

/* "people_out: declared 12, computed 10; ..." written as one cell. */
static int
csv_mismatches(FILE *f, const Report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	if (r == NULL || r->n_mismatches == 0) {
		csv_cell(f, 0, "");
		return 0;
	}
	if ((m = open_memstream(&buf, &len)) == NULL)
		return -1;
	for (size_t i = 0; i < r->n_mismatches; i++)
		fprintf(m, "%s%s: declared %d, computed %d", i > 0 ? "; " : "",
		    r->mismatches[i]->figure, (int)r->mismatches[i]->declared,
		    (int)r->mismatches[i]->computed);
	if (fclose(m) != 0) {
		free(buf);
		return -1;
	}
	csv_cell(f, 0, buf);
	free(buf);
	return 0;
}

static int
render_csv(FILE *f, const Consolidated *c)
{
	static const char *const cols[] = {"unit_code", "unit_name",
	    "timeliness", "nil", "revision", "status", "signed_on",
	    "submitted_at", "received_at", "mismatches"};
	char t1[RENDER_DATE_LEN], t2[RENDER_DATE_LEN];

	csv_figures_table(
	    f, "unit_code", "unit_name", c->by_unit, c->n_by_unit, c->totals);
	csv_end(f);
	csv_figures_table(f, "partner_code", "partner_name", c->by_partner,
	    c->n_by_partner, c->totals);
	csv_end(f);
	for (size_t i = 0; i < sizeof(cols) / sizeof(*cols); i++)
		csv_cell(f, i == 0, cols[i]);
	csv_end(f);
	for (size_t i = 0; i < render_n_entries(c); i++) {
		const Entry *e = c->completeness->entries[i];
		int answered = render_answered(e);

		csv_cell(f, 1, e->unit_code);
		csv_cell(f, 0, e->unit_name);
		csv_cell(f, 0, csv_timeliness(e->timeliness));
		csv_cell(f, 0, !answered ? "" : e->nil ? "true" : "false");
		if (e->revision > 0)
			csv_int(f, 0, e->revision);
		else
			csv_cell(f, 0, "");
		csv_cell(f, 0, render_report_status_name(e->status));
		csv_cell(f, 0, e->signed_on);
		csv_cell(
		    f, 0, render_iso_time(t1, sizeof(t1), e->submitted_at_ms));
		csv_cell(
		    f, 0, render_iso_time(t2, sizeof(t2), e->received_at_ms));
		if (csv_mismatches(f,
		        answered ? render_report_of(c, e->unit_code) : NULL) !=
		    0)
			return -1;
		csv_end(f);
	}
	return 0;
}

/* ---- JSON ---- */

static int
render_json(FILE *out, const ProtobufCMessage *m)
{
	json_object *o = pbjson_from_message(m, 0);
	const char *s;
	int rc = -1;

	if (o == NULL)
		return -1;
	/* One line, as every --json output (docs/json.md). */
	s = json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s == NULL)
		goto out;
	fputs(s, out);
	putc('\n', out);
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

int
render_consolidated(
    FILE *out, const Hoptac__V1__ConsolidateResponse *c, enum render_format fmt)
{
	int rc;

	switch (fmt) {
	case RENDER_MARKDOWN:
	case RENDER_HTML:
		rc = render_document(out, c, fmt == RENDER_HTML);
		break;
	case RENDER_CSV:
		rc = render_csv(out, c);
		break;
	case RENDER_JSON:
		rc = render_json(out, &c->base);
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (fflush(out) != 0 || ferror(out))
		rc = -1;
	return rc;
}

/* ---- Summaries ---- */

/* Writes a summary through the aligned table or the markdown table:
 * the dimension columns, then the figures, then the total row. */
static int
render_summary_rows(FILE *out, const Hoptac__V1__SummaryResponse *s,
    const int *dims, size_t n_dims, enum render_format fmt)
{
	size_t ncols = n_dims + RENDER_N_FIGURES;
	char **heads = calloc(ncols, sizeof(*heads));
	const char **cells = calloc(ncols, sizeof(*cells));
	char(*nums)[RENDER_COUNT_LEN] = calloc(RENDER_N_FIGURES, sizeof(*nums));
	struct table *t = NULL;
	struct render_doc d = {out, NULL, 0, 1};
	int32_t sum[RENDER_N_FIGURES];
	int rc = -1;

	if (heads == NULL || cells == NULL || nums == NULL)
		goto out;
	for (size_t i = 0; i < ncols; i++) {
		heads[i] = strdup(i < n_dims ? render_dim_name(dims[i])
		                             : render_figures[i - n_dims].name);
		if (heads[i] == NULL)
			goto out;
		/* The client's other tables head their columns in capitals. */
		for (char *p = heads[i]; fmt == RENDER_TABLE && *p != '\0'; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		cells[i] = heads[i];
	}
	if (fmt == RENDER_TABLE) {
		if ((t = table_create(ncols, cells)) == NULL)
			goto out;
	} else {
		doc_table_open(&d, ncols, cells);
	}
	render_sum(s->rows, s->n_rows, sum);
	for (size_t f = 0; f < RENDER_N_FIGURES; f++)
		cells[n_dims + f] = nums[f];
	for (size_t r = 0; r <= s->n_rows; r++) {
		const Row *row = r < s->n_rows ? s->rows[r] : NULL;

		for (size_t k = 0; k < n_dims; k++)
			cells[k] =
			    row != NULL && k < row->n_keys ? row->keys[k] : "";
		if (row == NULL && n_dims > 0)
			cells[0] = fmt == RENDER_TABLE ? "TOTAL" : RENDER_TOTAL;
		for (size_t f = 0; f < RENDER_N_FIGURES; f++) {
			int32_t v = row != NULL ? render_figure(row->figures, f)
			    : s->totals != NULL ? render_figure(s->totals, f)
			                        : sum[f];

			snprintf(nums[f], RENDER_COUNT_LEN, "%d", (int)v);
		}
		if (fmt != RENDER_TABLE)
			doc_table_row(&d, ncols, cells, row == NULL);
		else if (table_add_row(t, cells) != 0)
			goto out;
	}
	if (fmt == RENDER_TABLE)
		table_print(t, out);
	else
		doc_table_close(&d);
	rc = 0;
out:
	if (t != NULL)
		table_destroy(t);
	for (size_t i = 0; heads != NULL && i < ncols; i++)
		free(heads[i]);
	free(heads);
	free(cells);
	free(nums);
	return rc;
}

int
render_summary(FILE *out, const Hoptac__V1__SummaryResponse *s, const int *dims,
    size_t n_dims, enum render_format fmt)
{
	int rc = 0;

	switch (fmt) {
	case RENDER_TABLE:
	case RENDER_MARKDOWN:
		rc = render_summary_rows(out, s, dims, n_dims, fmt);
		break;
	case RENDER_CSV:
		for (size_t i = 0; i < n_dims + RENDER_N_FIGURES; i++)
			csv_cell(out, i == 0,
			    i < n_dims ? render_dim_name(dims[i])
			               : render_figures[i - n_dims].name);
		csv_end(out);
		for (size_t r = 0; r < s->n_rows; r++) {
			const Row *row = s->rows[r];

			for (size_t k = 0; k < n_dims; k++)
				csv_cell(out, k == 0,
				    k < row->n_keys ? row->keys[k] : "");
			for (size_t f = 0; f < RENDER_N_FIGURES; f++)
				csv_int(out, n_dims == 0 && f == 0,
				    render_figure(row->figures, f));
			csv_end(out);
		}
		break;
	case RENDER_JSON:
		rc = render_json(out, &s->base);
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (fflush(out) != 0 || ferror(out))
		rc = -1;
	return rc;
}
