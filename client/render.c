/*
 * What the outputs of render.h share: the figures and their names, counts
 * and dates as the offices write them, looking things up in a
 * consolidated report, and JSON.
 */
#include "render.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "pbjson.h"
#include "render_internal.h"

#define RENDER_DEPARTMENT  "Sở Ngoại vụ"
#define RENDER_VN_OFFSET_S 25200 /* Vietnam keeps UTC+7 all year */

const struct render_figure render_figures[RENDER_N_FIGURES] = {
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
	    {"docx", RENDER_DOCX},
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

int32_t
render_figure(const Figures *f, size_t i)
{
	int32_t v;

	if (f == NULL)
		return 0;
	memcpy(&v, (const char *)f + render_figures[i].offset, sizeof(v));
	return v;
}

const struct render_figure *
render_figure_named(const char *name)
{
	for (size_t i = 0; i < RENDER_N_FIGURES; i++)
		if (strcmp(render_figures[i].name, name) == 0)
			return &render_figures[i];
	return NULL;
}

const char *
render_dim_name(int dim)
{
	if (dim > 0 && (size_t)dim < sizeof(render_dims) / sizeof(*render_dims))
		return render_dims[dim];
	return "unknown";
}

int
render_empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* Counts as the offices write them ("02 đoàn", "01 Hội nghị"): two digits
 * below ten, so that a table reads like their reports; zero as "0". */
void
render_count(char *buf, size_t len, int32_t n)
{
	if (n > 0 && n < 10)
		snprintf(buf, len, "%02d", (int)n);
	else
		snprintf(buf, len, "%d", (int)n);
}

/* "02 đoàn/10 người"; "02 đoàn" when nobody was counted; "0" for none. */
void
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

static const char *const render_roman[5] = {"", "I", "II", "III", "IV"};

/* A date as administrative documents write it, day first, with the word
 * for its precision: "ngày 02/5/2024", "tháng 11/2022", "năm 2023". Days
 * below 10 and the months 1 and 2 take a leading zero, as the rules on
 * administrative documents (Nghị định 30/2020) ask, so that no digit can
 * be put in front later. */
void
render_date_words(char *buf, size_t len, const struct date_partial *d)
{
	const char *zero = d->month <= 2 ? "0" : "";

	if (d->day != 0)
		snprintf(buf, len, "ngày %02d/%s%d/%d", d->day, zero, d->month,
		    d->year);
	else if (d->month != 0)
		snprintf(buf, len, "tháng %s%d/%d", zero, d->month, d->year);
	else if (d->quarter >= 1 && d->quarter <= 4)
		snprintf(
		    buf, len, "quý %s/%d", render_roman[d->quarter], d->year);
	else
		snprintf(buf, len, "năm %d", d->year);
}

const char *
render_partial_dates(
    char *buf, size_t len, const Hoptac__V1__PartialDates *p, int buckets)
{
	static const char *const what[3] = {"năm", "quý", "tháng"};
	int32_t n[3];
	size_t used;
	int parts = 0;

	if (p == NULL || p->year + p->quarter + p->month <= 0)
		return NULL;
	n[0] = p->year, n[1] = p->quarter, n[2] = p->month;
	used = (size_t)snprintf(buf, len,
	    "Số liệu trên gồm %d hoạt động không rõ ngày bắt đầu (",
	    (int)(n[0] + n[1] + n[2]));
	for (int i = 0; i < 3 && used < len; i++)
		if (n[i] > 0)
			used += (size_t)snprintf(buf + used, len - used,
			    "%s%d hoạt động chỉ ghi %s",
			    parts++ > 0 ? ", " : "", (int)n[i], what[i]);
	if (used < len)
		snprintf(buf + used, len - used,
		    "); mỗi hoạt động này chỉ được tính khi toàn bộ thời gian "
		    "ghi nằm trong kỳ%s.",
		    buckets ? ", và được xếp vào mục \"chưa rõ tháng\" "
		              "(\"chưa rõ quý\") của năm hoặc quý ghi, không "
		              "tính vào tháng 1"
		            : "");
	return buf;
}

/* text (a partial date in any form date_parse takes) in the words of
 * render_date_words; text that is not a date is returned as it is. */
const char *
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

/* A timestamp in Vietnam time: in words ("ngày 10/5/2024"), with iso 1
 * as ISO 8601 for scripts, with iso 2 to the minute for tables ("2024-05-10
 * 09:00"); "" for none (0). */
static const char *
render_vn_time(char *buf, size_t len, int64_t ms, int iso)
{
	int64_t s = ms / 1000, days;
	struct date_partial d;
	int32_t sec;

	if (ms == 0)
		return "";
	if (ms % 1000 < 0)
		s--;
	s += RENDER_VN_OFFSET_S;
	days = s / 86400;
	if (s % 86400 < 0)
		days--;
	sec = (int32_t)(s - days * 86400);
	date_from_days((int32_t)days, &d);
	if (!iso)
		render_date_words(buf, len, &d);
	else if (iso == 2)
		snprintf(buf, len, "%04d-%02d-%02d %02d:%02d", d.year, d.month,
		    d.day, (int)(sec / 3600), (int)(sec / 60 % 60));
	else
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d+07:00",
		    d.year, d.month, d.day, (int)(sec / 3600),
		    (int)(sec / 60 % 60), (int)(sec % 60));
	return buf;
}

const char *
render_day_of(char *buf, size_t len, int64_t ms)
{
	return render_vn_time(buf, len, ms, 0);
}

const char *
render_iso_time(char *buf, size_t len, int64_t ms)
{
	return render_vn_time(buf, len, ms, 1);
}

const char *
render_vn_minute(char *buf, size_t len, int64_t ms)
{
	return render_vn_time(buf, len, ms, 2);
}

const char *
render_filed(char *buf, size_t len, int64_t claimed, int64_t counted)
{
	char a[32], b[32];

	if (counted == 0 || counted == claimed)
		snprintf(
		    buf, len, "%s", render_vn_minute(a, sizeof(a), claimed));
	else
		snprintf(buf, len, "%s (counted %s)",
		    render_vn_minute(a, sizeof(a), claimed),
		    render_vn_minute(b, sizeof(b), counted));
	return buf;
}

const char *
render_received(char *buf, size_t len, int64_t received, int64_t paper)
{
	char a[32];

	snprintf(buf, len, "%s%s",
	    render_vn_minute(a, sizeof(a), paper != 0 ? paper : received),
	    paper != 0 ? " (giấy)" : "");
	return buf;
}

const char *
render_issuer(const Consolidated *c)
{
	if (!render_empty(c->issuer_name))
		return c->issuer_name;
	if (c->request != NULL && !render_empty(c->request->issuer_unit))
		return c->request->issuer_unit;
	return RENDER_DEPARTMENT;
}

size_t
render_n_entries(const Consolidated *c)
{
	return c->completeness != NULL ? c->completeness->n_entries : 0;
}

/* The unit's answer: the latest revision the response holds. */
const Report *
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

int
render_answered(const Entry *e)
{
	return e->timeliness == HOPTAC__V1__TIMELINESS__TIMELINESS_ON_TIME ||
	    e->timeliness ==
	    HOPTAC__V1__TIMELINESS__TIMELINESS_DELIVERED_LATE ||
	    e->timeliness == HOPTAC__V1__TIMELINESS__TIMELINESS_LATE;
}

/* Sums rows, for a response that carries no totals. */
void
render_sum(Row *const *rows, size_t n, int32_t sum[RENDER_N_FIGURES])
{
	for (size_t f = 0; f < RENDER_N_FIGURES; f++) {
		sum[f] = 0;
		for (size_t i = 0; i < n; i++)
			sum[f] += render_figure(rows[i]->figures, f);
	}
}

int
render_flushed(FILE *out, int rc)
{
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return rc;
}

int
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
