/*
 * The annex (Phụ lục) of the consolidated report: the activities behind
 * its figures, unit by unit in the order of the request, each in a row
 * of date, kind, partner, people and title, as the offices attach them
 * to their own reports ("Chi tiết tại phụ lục kèm theo").
 */
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "gazetteer.h"
#include "render.h"
#include "render_annex.h"
#include "render_frame.h"

#define RENDER_ANNEX_COLS 6
#define RENDER_ANNEX_LEN  512

typedef Hoptac__V1__Activity Activity;

static const char *const render_annex_headers[RENDER_ANNEX_COLS] = {
    "STT", "Thời gian", "Hình thức", "Đối tác", "Số người", "Nội dung"};

/* The alignment and width of the columns (render_doc.h): the title wide. */
static const char render_annex_align[] = "ccllcL";

const char *
render_annex_kind(int kind)
{
	static const char *const names[] = {
	    [HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT] =
	        "Đoàn ra",
	    [HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN] =
	        "Đoàn vào",
	    [HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE] =
	        "Hội nghị, hội thảo",
	    [HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_AGREEMENT] =
	        "Ký kết thỏa thuận",
	    [HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_BORDER_WORK] =
	        "Tuần tra, cột mốc",
	    [HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_INFORMATION] =
	        "Thông tin, tuyên truyền",
	    [HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_PROJECT_AID] =
	        "Dự án, viện trợ",
	    [HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_TRAINING] = "Đào tạo",
	    [HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER] = "Khác",
	};

	if (kind < 0 || (size_t)kind >= sizeof(names) / sizeof(*names) ||
	    names[kind] == NULL)
		return "Khác";
	return names[kind];
}

/* A partial date as a table cell: "15/3/2023", "03/2023", "2023"; text
 * that is no date as it is. */
static void
render_annex_day(char *buf, size_t len, const char *text)
{
	struct date_partial d;
	const char *zero;

	if (date_parse(text, &d) != 0) {
		snprintf(buf, len, "%s", text);
		return;
	}
	zero = d.month <= 2 ? "0" : "";
	if (d.day != 0)
		snprintf(
		    buf, len, "%02d/%s%d/%d", d.day, zero, d.month, d.year);
	else if (d.month != 0)
		snprintf(buf, len, "%s%d/%d", zero, d.month, d.year);
	else
		snprintf(buf, len, "%d", d.year);
}

/* When the activity took place: its first day, and its last when it
 * differs, "15/3/2023 - 17/3/2023". */
static void
render_annex_when(char *buf, size_t len, const Activity *a)
{
	char from[RENDER_DATE_LEN], to[RENDER_DATE_LEN];

	render_annex_day(from, sizeof(from), a->start_date);
	if (render_empty(a->end_date) ||
	    strcmp(a->end_date, a->start_date) == 0) {
		snprintf(buf, len, "%s", from);
		return;
	}
	render_annex_day(to, sizeof(to), a->end_date);
	snprintf(buf, len, "%s - %s", from, to);
}

/* The partners by their names in the gazetteer: "tỉnh Sê Kông, huyện
 * Đắk Chưng"; a code the gazetteer does not know as it is. */
static void
render_annex_partners(char *buf, size_t len, const Activity *a)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < a->n_partner_codes && used < len; i++) {
		const char *code = a->partner_codes[i];
		const struct gazetteer_partner *g = gazetteer_resolve(code);
		int n;

		if (g != NULL && strcmp(g->code, code) == 0)
			n = snprintf(buf + used, len - used, "%s%s %s",
			    i > 0 ? ", " : "",
			    g->level == GAZETTEER_PROVINCE ? "tỉnh" : "huyện",
			    g->name);
		else
			n = snprintf(buf + used, len - used, "%s%s",
			    i > 0 ? ", " : "", code);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* The row of one activity, numbered n within its unit. */
static void
render_annex_row(struct render_doc *d, const Activity *a, size_t n)
{
	char no[RENDER_COUNT_LEN], when[RENDER_DATE_LEN * 2 + 4];
	char partners[RENDER_ANNEX_LEN], people[RENDER_COUNT_LEN];
	char title[RENDER_ANNEX_LEN * 2];
	const char *cells[RENDER_ANNEX_COLS];

	snprintf(no, sizeof(no), "%zu", n);
	render_annex_when(when, sizeof(when), a);
	render_annex_partners(partners, sizeof(partners), a);
	if (a->people > 0)
		render_count(people, sizeof(people), a->people);
	else
		people[0] = '\0';
	snprintf(title, sizeof(title), "%s%s%s%s", a->title,
	    render_empty(a->place) ? "" : " (tại ",
	    render_empty(a->place) ? "" : a->place,
	    render_empty(a->place) ? "" : ")");
	cells[0] = no;
	cells[1] = when;
	cells[2] = render_annex_kind(a->kind);
	cells[3] = partners;
	cells[4] = people;
	cells[5] = title;
	render_doc_table_row(d, RENDER_ANNEX_COLS, cells, 0);
}

/* "(Kèm theo Báo cáo số 12/BC-SNgV ngày 10 tháng 5 năm 2024 của Sở Ngoại
 * vụ tỉnh Kon Tum)" */
static void
render_annex_note(struct render_doc *d)
{
	char number[RENDER_ANNEX_LEN], date[RENDER_DATE_LEN];

	render_frame_number(d, number, sizeof(number));
	render_frame_date(d, date, sizeof(date));
	render_doc_p_open(d, "annex-note");
	if (!d->html)
		render_doc_open(d, RENDER_DOC_EM);
	render_doc_text(d, "(Kèm theo Báo cáo số ");
	render_doc_text(d, number);
	render_doc_text(d, " ");
	render_doc_text(d, date);
	render_doc_text(d, " của ");
	render_doc_text(d, render_issuer(d->c));
	render_doc_text(d, ")");
	if (!d->html)
		render_doc_close(d, RENDER_DOC_EM);
	render_doc_p_close(d);
}

/* The activities of one unit under its name, numbered; 0 when it has
 * none, which then goes unsaid. */
static size_t
render_annex_unit(
    struct render_doc *d, const char *code, const char *name, size_t k)
{
	const struct render_layout *l = d->layout;
	char heading[RENDER_ANNEX_LEN];
	size_t n = 0;

	for (size_t i = 0; i < l->n_activities; i++) {
		const Activity *a = l->activities[i];

		if (strcmp(a->unit_code, code) != 0)
			continue;
		if (n++ == 0) {
			snprintf(heading, sizeof(heading), "%zu. %s", k,
			    render_empty(name) ? code : name);
			render_doc_heading(d, 3, heading);
			render_doc_table_open_aligned(d, RENDER_ANNEX_COLS,
			    render_annex_headers, render_annex_align);
		}
		render_annex_row(d, a, n);
	}
	if (n > 0)
		render_doc_table_close(d);
	return n;
}

void
render_annex(struct render_doc *d)
{
	const Consolidated *c = d->c;
	size_t k = 0, listed = 0;

	render_doc_page_break(d);
	render_doc_heading(d, 1, "PHỤ LỤC");
	render_doc_p_open(d, "subject");
	if (!d->html)
		render_doc_open(d, RENDER_DOC_STRONG);
	render_doc_text(d, "Các hoạt động hợp tác của các đơn vị");
	if (!d->html)
		render_doc_close(d, RENDER_DOC_STRONG);
	render_doc_p_close(d);
	render_annex_note(d);
	for (size_t i = 0; i < render_n_entries(c); i++) {
		const Entry *e = c->completeness->entries[i];
		size_t n =
		    render_annex_unit(d, e->unit_code, e->unit_name, k + 1);

		k += n > 0;
		listed += n;
	}
	if (listed == 0)
		render_doc_para(d,
		    "Không có hoạt động được ghi nhận trong "
		    "thời kỳ báo cáo.");
}
