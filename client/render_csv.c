/*
 * CSV of the consolidated report: RFC 4180, UTF-8, CRLF line ends, a cell
 * quoted only when it holds a comma, a double quote, a line break or
 * spaces at either end. Three tables, each with its header row, separated
 * by one empty line:
 *
 *   1. unit_code, unit_name, delegations_out, people_out, delegations_in,
 *      people_in, conferences, agreements, activities, source: one row
 *      per unit (its figures and where they come from: declared,
 *      records, agree, differ), then the total row, whose unit_code is
 *      empty, whose unit_name is "Tổng cộng" and whose source counts the
 *      units of each ("declared=1; records=2");
 *   2. partner_code, partner_name, then the same seven figures: one row
 *      per partner, then the total row (empty partner_code, "Tổng cộng"),
 *      from the records alone.
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
 * With --annex, a last table of the activities (render_csv_annex.c).
 *
 * CSV of a summary: one column per dimension (unit, partner, kind, field,
 * year, quarter, month, in the order asked), then the seven figures; one
 * row per group and no total row, so that a script can add up any column.
 */
#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "formats_text.h"
#include "render_internal.h"

/* One cell, quoted only when it must be (RFC 4180), so that plain names
 * and numbers stay readable in a text editor. Text a spreadsheet would
 * run as a formula goes behind a "'" (docs/csv.md). */
void
render_csv_cell(FILE *f, int first, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	int quote = n > 0 &&
	    (strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || s[n - 1] == ' ');

	if (!first)
		putc(',', f);
	if (!quote) {
		if (formats_text_csv_guarded(s))
			putc('\'', f);
		if (n > 0)
			fwrite(s, 1, n, f);
		return;
	}
	putc('"', f);
	if (formats_text_csv_guarded(s))
		putc('\'', f);
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"')
			putc('"', f);
		putc(*p, f);
	}
	putc('"', f);
}

/* A number as a spreadsheet reads it: never quoted, never behind a "'"
 * (a negative figure stays a number). */
void
render_csv_int(FILE *f, int first, int64_t v)
{
	if (!first)
		putc(',', f);
	fprintf(f, "%lld", (long long)v);
}

void
render_csv_end(FILE *f)
{
	fputs("\r\n", f);
}

static void
render_csv_figures(FILE *f, const Figures *fig, const int32_t *sum)
{
	for (size_t i = 0; i < RENDER_N_FIGURES; i++)
		render_csv_int(f, 0,
		    fig != NULL || sum == NULL ? render_figure(fig, i)
		                               : sum[i]);
}

/* sources (the units' table of c): a last column, source, with each
 * row's code and the total row's count. */
static void
render_csv_figures_table(FILE *f, const char *code_col, const char *name_col,
    Row *const *rows, size_t n, const Figures *totals,
    const Consolidated *sources)
{
	int32_t sum[RENDER_N_FIGURES];
	char count[128];

	render_csv_cell(f, 1, code_col);
	render_csv_cell(f, 0, name_col);
	for (size_t i = 0; i < RENDER_N_FIGURES; i++)
		render_csv_cell(f, 0, render_figures[i].name);
	if (sources != NULL)
		render_csv_cell(f, 0, "source");
	render_csv_end(f);
	for (size_t i = 0; i < n; i++) {
		const Row *r = rows[i];

		render_csv_cell(f, 1, r->n_keys > 0 ? r->keys[0] : "");
		render_csv_cell(f, 0, r->n_keys > 1 ? r->keys[1] : "");
		render_csv_figures(f, r->figures, NULL);
		if (sources != NULL)
			render_csv_cell(f, 0, render_source_code(r->source));
		render_csv_end(f);
	}
	render_sum(rows, n, sum);
	render_csv_cell(f, 1, "");
	render_csv_cell(f, 0, RENDER_TOTAL);
	render_csv_figures(f, totals, sum);
	if (sources != NULL) {
		render_sources_total(count, sizeof(count), sources, 1);
		render_csv_cell(f, 0, count);
	}
	render_csv_end(f);
}

static const char *
render_csv_timeliness(Hoptac__V1__Timeliness t)
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
render_csv_mismatches(FILE *f, const Report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	if (r == NULL || r->n_mismatches == 0) {
		render_csv_cell(f, 0, "");
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
	render_csv_cell(f, 0, buf);
	free(buf);
	return 0;
}

int
render_csv_consolidated(FILE *f, const Consolidated *c)
{
	static const char *const cols[] = {"unit_code", "unit_name",
	    "timeliness", "nil", "revision", "status", "signed_on",
	    "submitted_at", "received_at", "mismatches"};
	char t1[RENDER_DATE_LEN], t2[RENDER_DATE_LEN];

	render_csv_figures_table(f, "unit_code", "unit_name", c->by_unit,
	    c->n_by_unit, c->totals, c);
	render_csv_end(f);
	render_csv_figures_table(f, "partner_code", "partner_name",
	    c->by_partner, c->n_by_partner,
	    c->partner_totals != NULL ? c->partner_totals : c->totals, NULL);
	render_csv_end(f);
	for (size_t i = 0; i < sizeof(cols) / sizeof(*cols); i++)
		render_csv_cell(f, i == 0, cols[i]);
	render_csv_end(f);
	for (size_t i = 0; i < render_n_entries(c); i++) {
		const Entry *e = c->completeness->entries[i];
		int answered = render_answered(e);

		render_csv_cell(f, 1, e->unit_code);
		render_csv_cell(f, 0, e->unit_name);
		render_csv_cell(f, 0, render_csv_timeliness(e->timeliness));
		render_csv_cell(f, 0,
		    !answered    ? ""
		        : e->nil ? "true"
		                 : "false");
		if (e->revision > 0)
			render_csv_int(f, 0, e->revision);
		else
			render_csv_cell(f, 0, "");
		render_csv_cell(f, 0, render_report_status_name(e->status));
		render_csv_cell(f, 0, e->signed_on);
		render_csv_cell(
		    f, 0, render_iso_time(t1, sizeof(t1), e->submitted_at_ms));
		render_csv_cell(
		    f, 0, render_iso_time(t2, sizeof(t2), e->received_at_ms));
		if (render_csv_mismatches(f,
		        answered ? render_report_of(c, e->unit_code) : NULL) !=
		    0)
			return -1;
		render_csv_end(f);
	}
	/* What the records hold beyond accepted reports, when anything. */
	if (c->n_after_acceptance > 0) {
		render_csv_end(f);
		render_csv_figures_table(f, "unit_code", "unit_name",
		    c->after_acceptance, c->n_after_acceptance, NULL, NULL);
	}
	return 0;
}

void
render_csv_summary(FILE *out, const Hoptac__V1__SummaryResponse *s,
    const char *const *heads, size_t n_dims)
{
	for (size_t i = 0; i < n_dims + RENDER_N_FIGURES; i++)
		render_csv_cell(out, i == 0, heads[i]);
	render_csv_end(out);
	for (size_t r = 0; r < s->n_rows; r++) {
		const Row *row = s->rows[r];

		for (size_t k = 0; k < n_dims; k++)
			render_csv_cell(
			    out, k == 0, k < row->n_keys ? row->keys[k] : "");
		for (size_t f = 0; f < RENDER_N_FIGURES; f++)
			render_csv_int(out, n_dims == 0 && f == 0,
			    render_figure(row->figures, f));
		render_csv_end(out);
	}
}
