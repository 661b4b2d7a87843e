/*
 * The consolidated report of a reporting request in markdown and html,
 * and render_consolidated, which also hands it to CSV and JSON.
 * docs/consolidated-report.md shows the result.
 *
 * Markdown and html share one layout, written once against the
 * render_doc primitives, which differ only in markup and escaping. The
 * layout follows the offices' own reports (Đắk Glei 2024, Điện Biên 2021):
 * the heading block of an administrative document (render_heading.c), the
 * title, "Thực hiện Công văn số ...", then I. TÌNH HÌNH CHUNG, II. KẾT QUẢ,
 * III. ĐÁNH GIÁ, IV. PHƯƠNG HƯỚNG, V. ĐỀ XUẤT, KIẾN NGHỊ, the units that did
 * not answer, and the closing.
 */
#include "render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gazetteer.h"
#include "render_annex.h"
#include "render_docx.h"
#include "render_frame.h"
#include "render_internal.h"

#define RENDER_NONE       "Không."
#define RENDER_MARK       "(*)"
#define RENDER_PAIR_LEN   64
#define RENDER_TABLE_COLS 6

static const char *const render_consolidated_cols[RENDER_TABLE_COLS] = {
    "Đơn vị",
    "Đoàn ra (đoàn/người)",
    "Đoàn vào (đoàn/người)",
    "Hội nghị, hội thảo",
    "Thỏa thuận, bản ghi nhớ",
    "Tổng hoạt động",
};

/* A unit's name, wherever the response gives it; its code otherwise. */
static const char *
render_consolidated_unit_name(const Consolidated *c, const char *code)
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
render_consolidated_entry_name(const Entry *e)
{
	return render_empty(e->unit_name) ? e->unit_code : e->unit_name;
}

/* A partner of the request's scope by its name in the gazetteer
 * ("tỉnh Sê Kông"), in the response, or by its code. */
static void
render_consolidated_partner(struct render_doc *d, const char *code)
{
	const struct gazetteer_partner *g = gazetteer_resolve(code);

	if (g != NULL && strcmp(g->code, code) == 0) {
		render_doc_text(
		    d, g->level == GAZETTEER_PROVINCE ? "tỉnh " : "huyện ");
		render_doc_text(d, g->name);
		return;
	}
	for (size_t i = 0; i < d->c->n_by_partner; i++) {
		const Row *r = d->c->by_partner[i];

		if (r->n_keys >= 2 && strcmp(r->keys[0], code) == 0 &&
		    !render_empty(r->keys[1])) {
			render_doc_text(d, r->keys[1]);
			return;
		}
	}
	render_doc_text(d, code);
}

/* "Thời kỳ báo cáo: từ tháng 11/2022 đến nay; đối tác: tỉnh Sê Kông; hạn
 * gửi báo cáo: ngày 15/5/2024." */
static void
render_consolidated_period(struct render_doc *d)
{
	const Hoptac__V1__ReportingRequest *rq = d->c->request;
	char date[RENDER_DATE_LEN], period[RENDER_PERIOD_LEN];

	if (rq == NULL)
		return;
	render_doc_p_open(d, NULL);
	render_doc_text(d, "Thời kỳ báo cáo: ");
	render_doc_text(d,
	    render_period(
	        period, sizeof(period), rq->period_from, rq->period_to));
	render_doc_text(d, "; đối tác: ");
	if (rq->n_partner_scope == 0)
		render_doc_text(d, "các tỉnh của Lào");
	for (size_t i = 0; i < rq->n_partner_scope; i++) {
		if (i > 0)
			render_doc_text(d, ", ");
		render_consolidated_partner(d, rq->partner_scope[i]);
	}
	if (!render_empty(rq->due_on)) {
		render_doc_text(d, "; hạn gửi báo cáo: ");
		render_doc_text(d, render_date(date, sizeof(date), rq->due_on));
	}
	render_doc_text(d, ".");
	render_doc_p_close(d);
}

enum render_consolidated_group {
	GROUP_ON_TIME,
	GROUP_DELIVERED_LATE,
	GROUP_LATE,
	GROUP_NIL,
	GROUP_MISSING,
};

static int
render_consolidated_in_group(const Entry *e, enum render_consolidated_group g)
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
 * lý ... (gửi ngày 20/5/2024, nhận ngày 21/5/2024)." Dates say when a
 * late answer was filed by the office's clock and received by the
 * server's, in Vietnam time; "đơn vị ghi gửi" when the server did not
 * count the office's date (docs/protocol.md, "Timeliness"). */
static void
render_consolidated_group_item(
    struct render_doc *d, const char *label, enum render_consolidated_group g)
{
	const Consolidated *c = d->c;
	char count[RENDER_COUNT_LEN], date[RENDER_DATE_LEN];
	int32_t n = 0, k = 0;

	for (size_t i = 0; i < render_n_entries(c); i++)
		n += render_consolidated_in_group(
		    c->completeness->entries[i], g);
	render_doc_open(d, RENDER_DOC_ITEM);
	render_doc_text(d, label);
	if (n == 0) {
		render_doc_text(d, ": không có.");
		render_doc_close(d, RENDER_DOC_ITEM);
		return;
	}
	render_count(count, sizeof(count), n);
	render_doc_text(d, ": ");
	render_doc_text(d, count);
	render_doc_text(d, " đơn vị, gồm: ");
	for (size_t i = 0; i < render_n_entries(c); i++) {
		const Entry *e = c->completeness->entries[i];
		int late = g == GROUP_LATE || g == GROUP_DELIVERED_LATE;
		int returned = e->status ==
		    HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_RETURNED;

		if (!render_consolidated_in_group(e, g))
			continue;
		if (k++ > 0)
			render_doc_text(d, "; ");
		render_doc_text(d, render_consolidated_entry_name(e));
		if (!(late && e->submitted_at_ms != 0) && !returned)
			continue;
		render_doc_text(d, " (");
		if (late && e->submitted_at_ms != 0) {
			render_doc_text(d,
			    e->filed_at_ms == 0 ||
			            e->filed_at_ms == e->submitted_at_ms
			        ? "gửi "
			        : "đơn vị ghi gửi ");
			render_doc_text(d,
			    render_day_of(
			        date, sizeof(date), e->submitted_at_ms));
			if (e->received_at_ms != 0) {
				render_doc_text(d, ", nhận ");
				render_doc_text(d,
				    render_day_of(
				        date, sizeof(date), e->received_at_ms));
			}
			if (returned)
				render_doc_text(d, "; ");
		}
		if (returned)
			render_doc_text(d, "báo cáo đã bị trả lại");
		render_doc_text(d, ")");
	}
	render_doc_text(d, ".");
	render_doc_close(d, RENDER_DOC_ITEM);
}

static void
render_consolidated_completeness(struct render_doc *d)
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
		render_doc_para(d, "Không có đơn vị nào được đề nghị báo cáo.");
		return;
	}
	render_count(expected, sizeof(expected), n_expected);
	render_count(answered, sizeof(answered), n_answered);
	render_doc_p_open(d, NULL);
	render_doc_text(d, render_issuer(c));
	render_doc_text(d, " đề nghị ");
	render_doc_text(d, expected);
	render_doc_text(d, " đơn vị báo cáo; đã nhận được báo cáo của ");
	render_doc_text(d, answered);
	render_doc_text(d, "/");
	render_doc_text(d, expected);
	render_doc_text(d, " đơn vị, cụ thể:");
	render_doc_p_close(d);
	render_doc_open(d, RENDER_DOC_LIST);
	render_consolidated_group_item(d, "Gửi đúng hạn", GROUP_ON_TIME);
	render_consolidated_group_item(
	    d, "Gửi đúng hạn nhưng nhận được sau hạn", GROUP_DELIVERED_LATE);
	render_consolidated_group_item(d, "Gửi sau hạn", GROUP_LATE);
	render_consolidated_group_item(d, "Báo cáo không phát sinh", GROUP_NIL);
	render_consolidated_group_item(d, "Chưa báo cáo", GROUP_MISSING);
	render_doc_close(d, RENDER_DOC_LIST);
}

static const char *
render_consolidated_narrative_key(const Narrative *n)
{
	return render_empty(n->unit_code) ? n->unit_name : n->unit_code;
}

static int
render_consolidated_narrative_in(
    const Narrative *n, const char *section, const Narrative *of)
{
	return strcmp(n->section, section) == 0 &&
	    (of == NULL ||
	        strcmp(render_consolidated_narrative_key(n),
	            render_consolidated_narrative_key(of)) == 0);
}

/* "UBND huyện Đắk Glei (đến năm 2027):" in bold, in the open paragraph. */
static void
render_consolidated_unit_label(
    struct render_doc *d, const Narrative *n, const char *section)
{
	const char *name = n->unit_name;
	const Report *r;

	if (render_empty(name))
		name = render_consolidated_unit_name(d->c, n->unit_code);
	render_doc_open(d, RENDER_DOC_STRONG);
	render_doc_text(d, render_empty(name) ? "(đơn vị không rõ)" : name);
	if (strcmp(section, "directions") == 0 &&
	    (r = render_report_of(d->c, n->unit_code)) != NULL &&
	    r->directions_until > 0) {
		char until[RENDER_DATE_LEN];

		snprintf(until, sizeof(until), " (đến năm %d)",
		    (int)r->directions_until);
		render_doc_text(d, until);
	}
	render_doc_text(d, ":");
	render_doc_close(d, RENDER_DOC_STRONG);
}

/* Whether text has at most one line that is not blank: such a text
 * follows its unit's name in one paragraph, as "1. Tồn tại, hạn chế: ..."
 * does in the offices' reports; a longer one (a list of directions) starts
 * below. */
static int
render_consolidated_one_line(const char *text)
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
render_consolidated_narratives(struct render_doc *d, const char *section)
{
	const Consolidated *c = d->c;
	/* The pieces written already, with their unit's first: a look back
	 * for each piece would take time in the square of their number
	 * (tens of thousands in a large request). Without it (out of
	 * memory), the look back. */
	unsigned char *done = calloc(c->n_narratives + 1, 1);
	int any = 0;

	for (size_t i = 0; i < c->n_narratives; i++) {
		const Narrative *n = c->narratives[i];
		size_t j, count = 0;

		if (!render_consolidated_narrative_in(n, section, NULL))
			continue;
		for (j = 0; done == NULL && j < i; j++)
			if (render_consolidated_narrative_in(
			        c->narratives[j], section, n))
				break;
		if (done != NULL ? done[i] : j < i)
			continue; /* written with its unit's first piece */
		any = 1;
		for (j = i; j < c->n_narratives; j++)
			if (render_consolidated_narrative_in(
			        c->narratives[j], section, n)) {
				count++;
				if (done != NULL)
					done[j] = 1;
			}
		render_doc_p_open(d, NULL);
		render_consolidated_unit_label(d, n, section);
		if (count == 1 && render_empty(n->heading) &&
		    render_consolidated_one_line(n->text)) {
			render_doc_text(d, " ");
			render_doc_lines(d, n->text);
			continue;
		}
		render_doc_p_close(d);
		for (j = i; j < c->n_narratives; j++) {
			const Narrative *m = c->narratives[j];
			size_t hl;

			if (!render_consolidated_narrative_in(m, section, n))
				continue;
			render_doc_p_open(d, NULL);
			if (!render_empty(m->heading)) {
				hl = strlen(m->heading);
				render_doc_open(d, RENDER_DOC_EM);
				render_doc_text(d, m->heading);
				if (m->heading[hl - 1] != ':')
					render_doc_text(d, ":");
				render_doc_close(d, RENDER_DOC_EM);
				render_doc_text(d, " ");
			}
			render_doc_lines(d, m->text);
		}
	}
	free(done);
	if (!any)
		render_doc_para(d, RENDER_NONE);
}

/* Whether the unit's answer declared a figure of this table column that
 * the records do not bear out. */
static int
render_consolidated_mismatch_in(const Report *r, int column)
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
render_consolidated_row_cells(char cells[RENDER_TABLE_COLS][RENDER_PAIR_LEN],
    const int32_t v[RENDER_N_FIGURES], const Report *r)
{
	render_pair(cells[1], RENDER_PAIR_LEN, v[0], v[1]);
	render_pair(cells[2], RENDER_PAIR_LEN, v[2], v[3]);
	render_count(cells[3], RENDER_PAIR_LEN, v[4]);
	render_count(cells[4], RENDER_PAIR_LEN, v[5]);
	render_count(cells[5], RENDER_PAIR_LEN, v[6]);
	for (int col = 1; col < RENDER_TABLE_COLS; col++)
		if (render_consolidated_mismatch_in(r, col)) {
			size_t len = strlen(cells[col]);

			snprintf(cells[col] + len, RENDER_PAIR_LEN - len,
			    " " RENDER_MARK);
		}
}

/* A figures table of rows keyed [code, name], with the total row (the
 * figures of totals); says so in a word when there is nothing to show.
 * by_unit marks the figures a unit declared otherwise and adds the
 * column of sources. Returns whether the rows add up to totals. */
static int
render_consolidated_figures_table(struct render_doc *d, const char *first,
    Row *const *rows, size_t n, int by_unit, const Figures *totals)
{
	const char *headers[RENDER_TABLE_COLS + 1];
	char cells[RENDER_TABLE_COLS][RENDER_PAIR_LEN], source[128];
	const char *ptrs[RENDER_TABLE_COLS + 1];
	size_t ncols = RENDER_TABLE_COLS + (by_unit != 0);
	int32_t v[RENDER_N_FIGURES], sum[RENDER_N_FIGURES];
	int adds_up = 1;

	if (n == 0) {
		render_doc_para(d, "Không có số liệu.");
		return 1;
	}
	memcpy(headers, render_consolidated_cols,
	    sizeof(*headers) * RENDER_TABLE_COLS);
	headers[0] = first;
	headers[RENDER_TABLE_COLS] = RENDER_SOURCES_HEADER;
	for (int col = 0; col < RENDER_TABLE_COLS; col++)
		ptrs[col] = cells[col];
	ptrs[RENDER_TABLE_COLS] = source;
	render_doc_table_open(d, ncols, headers);
	for (size_t i = 0; i < n; i++) {
		const Row *row = rows[i];
		const char *code = row->n_keys > 0 ? row->keys[0] : "";
		const char *name =
		    row->n_keys > 1 && !render_empty(row->keys[1])
		    ? row->keys[1]
		    : code;

		for (size_t f = 0; f < RENDER_N_FIGURES; f++)
			v[f] = render_figure(row->figures, f);
		render_consolidated_row_cells(
		    cells, v, by_unit ? render_report_of(d->c, code) : NULL);
		ptrs[0] = name;
		snprintf(source, sizeof(source), "%s",
		    render_source_label(row->source));
		render_doc_table_row(d, ncols, ptrs, 0);
	}
	render_sum(rows, n, sum);
	for (size_t f = 0; f < RENDER_N_FIGURES; f++) {
		v[f] = totals != NULL ? render_figure(totals, f) : sum[f];
		adds_up &= v[f] == sum[f];
	}
	render_consolidated_row_cells(cells, v, NULL);
	ptrs[0] = RENDER_TOTAL;
	render_sources_total(source, sizeof(source), d->c, 0);
	render_doc_table_row(d, ncols, ptrs, 1);
	render_doc_table_close(d);
	return adds_up;
}

/* Under the units' table: each figure a unit declared that the records
 * do not bear out, with both numbers, so that nobody signs a figure the
 * records contradict without seeing it. */
static void
render_consolidated_mismatch_notes(struct render_doc *d)
{
	const Consolidated *c = d->c;
	int any = 0;

	for (size_t i = 0; i < c->n_reports; i++) {
		const Report *r = c->reports[i];

		if (r->n_mismatches == 0 ||
		    render_report_of(c, r->unit_code) != r)
			continue;
		if (!any) {
			render_doc_p_open(d, "mismatch");
			render_doc_text(d,
			    RENDER_MARK " Số liệu đơn vị kê khai trong báo cáo "
			                "khác với số liệu ghi nhận:");
			render_doc_p_close(d);
			render_doc_open(d, RENDER_DOC_LIST);
			any = 1;
		}
		render_doc_open(d, RENDER_DOC_ITEM);
		render_doc_text(
		    d, render_consolidated_unit_name(c, r->unit_code));
		render_doc_text(d, ": ");
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
				render_doc_text(d, "; ");
			render_doc_text(d, f != NULL ? f->label : m->figure);
			render_doc_text(d, " kê khai ");
			render_doc_text(d, declared);
			render_doc_text(d, *noun != '\0' ? " " : "");
			render_doc_text(d, noun);
			render_doc_text(d, ", theo số liệu ");
			render_doc_text(d, computed);
			render_doc_text(d, *noun != '\0' ? " " : "");
			render_doc_text(d, noun);
		}
		render_doc_text(d, ".");
		render_doc_close(d, RENDER_DOC_ITEM);
	}
	if (any)
		render_doc_close(d, RENDER_DOC_LIST);
}

/* Under the units' table: what the records gained (or lost) for a unit
 * after its report was accepted, which the table does not count. */
static void
render_consolidated_after_acceptance(struct render_doc *d)
{
	const Consolidated *c = d->c;

	if (c->n_after_acceptance == 0)
		return;
	render_doc_p_open(d, "after-acceptance");
	render_doc_text(d,
	    "Số liệu ghi nhận sau khi chấp nhận báo cáo (bảng trên giữ số "
	    "liệu đã chấp nhận, không tính phần này):");
	render_doc_p_close(d);
	render_doc_open(d, RENDER_DOC_LIST);
	for (size_t i = 0; i < c->n_after_acceptance; i++) {
		const Row *r = c->after_acceptance[i];
		int k = 0;

		render_doc_open(d, RENDER_DOC_ITEM);
		render_doc_text(d, r->n_keys > 1 ? r->keys[1] : r->keys[0]);
		render_doc_text(d, " (sau khi chấp nhận): ");
		for (size_t f = 0; f < RENDER_N_FIGURES; f++) {
			char n[RENDER_COUNT_LEN];
			int32_t v = render_figure(r->figures, f);

			if (v == 0)
				continue;
			snprintf(n, sizeof(n), "%+d", (int)v);
			render_doc_text(d, k++ > 0 ? "; " : "");
			render_doc_text(d, render_figures[f].label);
			render_doc_text(d, " ");
			render_doc_text(d, n);
		}
		render_doc_text(d, ".");
		render_doc_close(d, RENDER_DOC_ITEM);
	}
	render_doc_close(d, RENDER_DOC_LIST);
}

/* Under the units' table: why its total row is less than the rows' sum
 * when records were linked as one event reported by several units. */
static void
render_consolidated_counted_once(struct render_doc *d)
{
	char n[RENDER_COUNT_LEN];

	if (d->c->duplicates_counted_once <= 0)
		return;
	snprintf(n, sizeof(n), "%d", (int)d->c->duplicates_counted_once);
	render_doc_p_open(d, "counted-once");
	render_doc_text(d, "Dòng Tổng cộng không tính lại ");
	render_doc_text(d, n);
	render_doc_text(d,
	    " hoạt động do nhiều đơn vị cùng báo cáo (đã xác định là cùng "
	    "một sự kiện); số liệu của từng đơn vị vẫn tính đủ.");
	render_doc_p_close(d);
}

static void
render_consolidated_missing_line(struct render_doc *d)
{
	const Consolidated *c = d->c;
	int k = 0;

	render_doc_p_open(d, NULL);
	render_doc_open(d, RENDER_DOC_STRONG);
	render_doc_text(d, "Các đơn vị chưa báo cáo:");
	render_doc_close(d, RENDER_DOC_STRONG);
	render_doc_text(d, " ");
	for (size_t i = 0; i < render_n_entries(c); i++) {
		const Entry *e = c->completeness->entries[i];

		if (render_answered(e))
			continue;
		if (k++ > 0)
			render_doc_text(d, "; ");
		render_doc_text(d, render_consolidated_entry_name(e));
	}
	render_doc_text(d, k == 0 ? RENDER_NONE : ".");
	render_doc_p_close(d);
}

/* The closing sentence and the signature block (render_frame.c). */
static void
render_consolidated_closing(struct render_doc *d)
{
	const Consolidated *c = d->c;

	render_doc_p_open(d, NULL);
	render_doc_text(
	    d, "Trên đây là báo cáo tổng hợp kết quả thực hiện Công văn số ");
	render_doc_text(d,
	    c->request != NULL && !render_empty(c->request->reference)
	        ? c->request->reference
	        : "…");
	render_doc_text(d, " của ");
	render_doc_text(d, render_issuer(c));
	render_doc_text(d, "./.");
	render_doc_p_close(d);
	render_frame_signature(d);
}

static int
render_consolidated_document(FILE *out, const Consolidated *c,
    enum render_format fmt, const struct render_layout *layout)
{
	struct render_doc d = {.out = out,
	    .c = c,
	    .html = fmt == RENDER_HTML,
	    .bol = 1,
	    .docx = fmt == RENDER_DOCX,
	    .layout = layout};
	char partial[RENDER_PARTIAL_LEN];
	int adds_up;

	if (render_heading(&d) != 0)
		return -1;

	render_doc_heading(&d, 2, "I. TÌNH HÌNH CHUNG");
	render_doc_heading(&d, 3, "1. Tình hình gửi báo cáo");
	render_consolidated_period(&d);
	render_consolidated_completeness(&d);
	render_doc_heading(&d, 3, "2. Đặc điểm tình hình");
	render_consolidated_narratives(&d, "situation");

	render_doc_heading(&d, 2, "II. KẾT QUẢ");
	render_doc_heading(&d, 3, "1. Số liệu theo đơn vị");
	render_consolidated_figures_table(
	    &d, "Đơn vị", c->by_unit, c->n_by_unit, 1, c->totals);
	render_consolidated_mismatch_notes(&d);
	render_sources_note(&d);
	if (render_partial_dates(partial, sizeof(partial), c->partial_dates, 0))
		render_doc_para(&d, partial);
	render_consolidated_after_acceptance(&d);
	render_consolidated_counted_once(&d);
	render_doc_heading(&d, 3, "2. Số liệu theo đối tác");
	adds_up = render_consolidated_figures_table(&d, "Đối tác",
	    c->by_partner, c->n_by_partner, 0,
	    c->partner_totals != NULL ? c->partner_totals : c->totals);
	render_sources_partner_note(&d);
	if (!adds_up)
		render_doc_para(&d,
		    "Một hoạt động với nhiều đối tác được tính cho từng đối "
		    "tác; dòng Tổng cộng tính mỗi hoạt động một lần.");
	render_doc_heading(&d, 3, "3. Kết quả cụ thể của các đơn vị");
	render_consolidated_narratives(&d, "results");

	render_doc_heading(&d, 2, "III. ĐÁNH GIÁ");
	render_doc_heading(&d, 3, "1. Tồn tại, hạn chế");
	render_consolidated_narratives(&d, "limitations");
	render_doc_heading(&d, 3, "2. Nguyên nhân");
	render_consolidated_narratives(&d, "causes");

	render_doc_heading(&d, 2, "IV. PHƯƠNG HƯỚNG");
	render_consolidated_narratives(&d, "directions");

	render_doc_heading(&d, 2, "V. ĐỀ XUẤT, KIẾN NGHỊ");
	render_consolidated_narratives(&d, "proposals");

	render_consolidated_missing_line(&d);
	render_consolidated_closing(&d);
	if (layout != NULL && layout->annex)
		render_annex(&d);
	if (d.html)
		render_doc_raw(&d, "</body>\n</html>\n");
	return 0;
}

/* The report as a .docx: word/document.xml written in memory, then
 * packaged. */
static int
render_consolidated_docx(
    FILE *out, const Consolidated *c, const struct render_layout *layout)
{
	char *xml = NULL; /* ours, from open_memstream */
	size_t len = 0;
	FILE *m = open_memstream(&xml, &len);
	int rc;

	if (m == NULL)
		return -1;
	render_docx_begin(m);
	rc = render_consolidated_document(m, c, RENDER_DOCX, layout);
	render_docx_end(m);
	if (fclose(m) != 0)
		rc = -1;
	if (rc == 0)
		rc = render_docx_package(out, xml, len);
	free(xml);
	return rc;
}

int
render_consolidated(
    FILE *out, const Hoptac__V1__ConsolidateResponse *c, enum render_format fmt)
{
	return render_consolidated_laid_out(out, c, fmt, NULL);
}

int
render_consolidated_laid_out(FILE *out,
    const Hoptac__V1__ConsolidateResponse *c, enum render_format fmt,
    const struct render_layout *layout)
{
	int rc;

	/* JSON: the message as pbjson maps it, whatever it holds. */
	if (fmt == RENDER_JSON)
		return render_flushed(out, render_json(out, &c->base));
	switch (fmt) {
	case RENDER_MARKDOWN:
	case RENDER_HTML:
		rc = render_consolidated_document(out, c, fmt, layout);
		break;
	case RENDER_DOCX:
		rc = render_consolidated_docx(out, c, layout);
		break;
	case RENDER_CSV:
		rc = render_csv_consolidated(out, c);
		if (rc == 0 && layout != NULL && layout->annex)
			render_csv_annex(out, c, layout);
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	return render_flushed(out, rc);
}
