/*
 * What the render_*.c files share behind render.h: the figures, counts
 * and dates as the offices write them, lookups in a consolidated report,
 * and the parts one output hands to another. Not for the commands.
 */
#ifndef HOPTAC_RENDER_INTERNAL_H
#define HOPTAC_RENDER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hoptac/v1/services.pb-c.h"
#include "render_doc.h"

#define RENDER_TOTAL      "Tổng cộng"
#define RENDER_COUNT_LEN  16
#define RENDER_DATE_LEN   48
#define RENDER_PERIOD_LEN 128
#define RENDER_N_FIGURES  7

typedef Hoptac__V1__ConsolidateResponse Consolidated;
typedef Hoptac__V1__CompletenessEntry Entry;
typedef Hoptac__V1__Figures Figures;
typedef Hoptac__V1__Narrative Narrative;
typedef Hoptac__V1__Report Report;
typedef Hoptac__V1__SummaryRow Row;

/* A figure: its name in CSV and JSON, where it is in Figures, the words a
 * note on a mismatch uses, and the column of the figures tables
 * (1: Đoàn ra ... 5: Tổng hoạt động) that shows it. */
struct render_figure {
	const char *name;
	size_t offset;
	const char *label;
	const char *noun;
	int column;
};

/* The figures in the order of every table and CSV file. */
extern const struct render_figure render_figures[RENDER_N_FIGURES];

/* The i-th figure of f; 0 when f is NULL. */
int32_t render_figure(const Figures *f, size_t i);

/* The figure of that name; NULL for none. */
const struct render_figure *render_figure_named(const char *name);

/* A Hoptac__V1__Dimension's column name; "unknown" for another value. */
const char *render_dim_name(int dim);

/* Whether s is NULL or "". */
int render_empty(const char *s);

/* Counts as the offices write them ("02 đoàn"): two digits below ten. */
void render_count(char *buf, size_t len, int32_t n);

/* "02 đoàn/10 người"; "02 đoàn" when nobody was counted; "0" for none. */
void render_pair(char *buf, size_t len, int32_t groups, int32_t people);

/* text, a partial date, in words ("ngày 02/5/2024", "tháng 11/2022");
 * text that is not a date as it is. Returns buf, text or "". */
const char *render_date(char *buf, size_t len, const char *text);

struct date_partial;

/* d in words, at its precision: "ngày 02/5/2024", "tháng 11/2022",
 * "năm 2017". */
void render_date_words(char *buf, size_t len, const struct date_partial *d);

/* The period from..to (partial dates, either empty: "nay" for no end) as
 * the offices write it: "từ tháng 11/2022 đến nay", "năm 2024", "quý I
 * năm 2024", "từ năm 2017 đến năm 2021". Returns buf. */
const char *render_period(
    char *buf, size_t len, const char *from, const char *to);

/* The sentence that says how many activities counted have a partial
 * start and how they were counted, into buf; with buckets, where tables
 * by month or quarter put them. NULL when none has. */
#define RENDER_PARTIAL_LEN 512
const char *render_partial_dates(
    char *buf, size_t len, const Hoptac__V1__PartialDates *p, int buckets);

/* "ngày 10/5/2024" in Vietnam for a timestamp; "" for none (0). */
const char *render_day_of(char *buf, size_t len, int64_t ms);

/* ISO 8601 in Vietnam time, for scripts; "" for none (0). */
const char *render_iso_time(char *buf, size_t len, int64_t ms);

/* The department that issued the request, by name where known. */
const char *render_issuer(const Consolidated *c);

/* The number of units asked to answer. */
size_t render_n_entries(const Consolidated *c);

/* The unit's answer: the latest revision the response holds; NULL. */
const Report *render_report_of(const Consolidated *c, const char *code);

/* Whether the unit answered, on time or not. */
int render_answered(const Entry *e);

/* Sums rows, for a response that carries no totals. */
void render_sum(Row *const *rows, size_t n, int32_t sum[RENDER_N_FIGURES]);

/* rc, or -1 when out could not be written: what the render functions of
 * render.h return when done. */
int render_flushed(FILE *out, int rc);

/* m as one line of JSON. 0, or -1 when out of memory. */
int render_json(FILE *out, const ProtobufCMessage *m);

/* The html page's head (for html), the heading block, the title and the
 * opening paragraphs of the consolidated report d->c. 0, or -1 when out
 * of memory. */
int render_heading(struct render_doc *d);

/* The consolidated report c as CSV (the three tables of render_csv.c).
 * 0, or -1 when out of memory. */
int render_csv_consolidated(FILE *f, const Consolidated *c);

struct render_layout;

/* After the consolidated report's CSV, the annex of l: an empty line,
 * then a table of one row an activity. */
void render_csv_annex(
    FILE *f, const Consolidated *c, const struct render_layout *l);

/* A CSV cell (not first: after a comma), quoted only when it must be,
 * text a spreadsheet would run as a formula behind a "'". */
void render_csv_cell(FILE *f, int first, const char *s);

/* A number as a CSV cell, never quoted. */
void render_csv_int(FILE *f, int first, int64_t v);

/* Ends a CSV row (CRLF). */
void render_csv_end(FILE *f);

/* The summary s as CSV: the header row heads (n_dims dimensions, then
 * the figures), then one row a group. */
void render_csv_summary(FILE *out, const Hoptac__V1__SummaryResponse *s,
    const char *const *heads, size_t n_dims);

/* The heading of the units' table's column of sources. */
#define RENDER_SOURCES_HEADER "Nguồn số liệu"

/* A row's source (FigureSource) as the column says it: "kê khai", "ghi
 * nhận", "khớp", "chênh lệch (*)"; "" for none. */
const char *render_source_label(int source);

/* The same for CSV and scripts: declared, records, agree, differ; "". */
const char *render_source_code(int source);

/* The total row's cell of sources: how many units each ("01 kê khai, 02
 * ghi nhận"), or with codes for CSV ("declared=1; records=2"). */
void render_sources_total(
    char *buf, size_t len, const Consolidated *c, int codes);

/* Under the units' table, when a row is declared or differs: what each
 * source means and which figure the totals count. */
void render_sources_note(struct render_doc *d);

/* Under the partners' table: the units whose declared figures it does
 * not hold, declarations having no figures by partner; or, for a request
 * about one partner, those whose declarations it counts. */
void render_sources_partner_note(struct render_doc *d);

#endif
