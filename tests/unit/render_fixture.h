/*
 * What the render tests share: a consolidated report and summaries built
 * as the server sends them, rendering into a string, and checks of the
 * markup, CSV and JSON. Each test binary includes this once and uses
 * what it needs.
 */
#ifndef HOPTAC_RENDER_FIXTURE_H
#define HOPTAC_RENDER_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <csv.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoptac/v1/services.pb-c.h"
#include "pbjson.h"
#include "pbstr.h"
#include "render.h"

/* A helper of the fixture: a test binary may leave some unused. */
#define FIXTURE static __attribute__((unused))

/* Times of the answers, in milliseconds since the epoch (Vietnam time
 * given beside each). */
#define DAKGLEI_SUBMITTED INT64_C(1715306400000) /* 10/5/2024 09:00 */
#define DAKGLEI_RECEIVED  INT64_C(1715306460000) /* 10/5/2024 09:01 */
#define STNMT_SUBMITTED   INT64_C(1715763600000) /* 15/5/2024 16:00 */
#define STNMT_RECEIVED    INT64_C(1715821200000) /* 16/5/2024 08:00 */
#define BQL_SUBMITTED     INT64_C(1716174000000) /* 20/5/2024 10:00 */
#define BQL_RECEIVED      INT64_C(1716174300000) /* 20/5/2024 10:05 */

#define DAKGLEI "UBND huyện Đắk Glei"
#define STNMT   "Sở Tài nguyên và Môi trường tỉnh Điện Biên"
#define NGOCHOI "UBND huyện Ngọc Hồi"
/* A name with a table separator in it, to see it escaped. */
#define BQL "Ban Quản lý Khu kinh tế | Bờ Y"

/* Appends item to a repeated message field. */
#define PUSH(n, arr, item)                                                     \
	do {                                                                   \
		void *grown_ = realloc((arr), ((n) + 1) * sizeof(*(arr)));     \
		assert_non_null(grown_);                                       \
		(arr) = grown_;                                                \
		(arr)[(n)++] = (item);                                         \
	} while (0)

FIXTURE void *
xcalloc(size_t size)
{
	void *p = calloc(1, size);

	assert_non_null(p);
	return p;
}

FIXTURE void
set(char **field, const char *value)
{
	assert_int_equal(pbstr_set(field, value), 0);
}

FIXTURE Hoptac__V1__Figures *
figures(int32_t dout, int32_t pout, int32_t din, int32_t pin, int32_t conf,
    int32_t agr, int32_t act)
{
	Hoptac__V1__Figures *f = xcalloc(sizeof(*f));

	hoptac__v1__figures__init(f);
	f->delegations_out = dout;
	f->people_out = pout;
	f->delegations_in = din;
	f->people_in = pin;
	f->conferences = conf;
	f->agreements = agr;
	f->activities = act;
	return f;
}

FIXTURE Hoptac__V1__SummaryRow *
row(const char *code, const char *name, Hoptac__V1__Figures *f)
{
	Hoptac__V1__SummaryRow *r = xcalloc(sizeof(*r));

	hoptac__v1__summary_row__init(r);
	assert_int_equal(pbstr_append(&r->n_keys, &r->keys, code), 0);
	if (name != NULL)
		assert_int_equal(pbstr_append(&r->n_keys, &r->keys, name), 0);
	r->figures = f;
	return r;
}

FIXTURE Hoptac__V1__CompletenessEntry *
entry(const char *code, const char *name, Hoptac__V1__Timeliness t, int nil,
    int64_t submitted, int64_t received)
{
	Hoptac__V1__CompletenessEntry *e = xcalloc(sizeof(*e));

	hoptac__v1__completeness_entry__init(e);
	set(&e->unit_code, code);
	set(&e->unit_name, name);
	e->timeliness = t;
	e->nil = nil;
	if (t != HOPTAC__V1__TIMELINESS__TIMELINESS_MISSING) {
		e->revision = 1;
		e->status = HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_SUBMITTED;
		set(&e->signed_on, "2024-05");
	}
	e->submitted_at_ms = submitted;
	e->received_at_ms = received;
	return e;
}

FIXTURE Hoptac__V1__Narrative *
narrative(const char *section, const char *code, const char *name,
    const char *heading, const char *text)
{
	Hoptac__V1__Narrative *n = xcalloc(sizeof(*n));

	hoptac__v1__narrative__init(n);
	set(&n->section, section);
	set(&n->unit_code, code);
	set(&n->unit_name, name);
	set(&n->heading, heading);
	set(&n->text, text);
	return n;
}

FIXTURE Hoptac__V1__Report *
report(const char *code, int nil)
{
	Hoptac__V1__Report *r = xcalloc(sizeof(*r));

	hoptac__v1__report__init(r);
	set(&r->request_reference, "558/SNgV-BGHTQT");
	set(&r->unit_code, code);
	r->nil = nil;
	r->revision = 1;
	r->status = HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_SUBMITTED;
	return r;
}

/*
 * The Đắk Glei request with four units: Đắk Glei on time, with the 2024
 * report's figures and a declared people_out the records do not bear out; the
 * Điện Biên department of natural resources and environment with a nil
 * report filed on the due date and received the day after; Ngọc Hồi
 * without an answer; the border economic zone late, with markup in its
 * name and its text.
 */
FIXTURE Hoptac__V1__ConsolidateResponse *
make_consolidated(void)
{
	Hoptac__V1__ConsolidateResponse *c = xcalloc(sizeof(*c));
	Hoptac__V1__ReportingRequest *rq = xcalloc(sizeof(*rq));
	Hoptac__V1__CompletenessResponse *cp = xcalloc(sizeof(*cp));
	Hoptac__V1__Report *r;
	Hoptac__V1__FigureMismatch *m = xcalloc(sizeof(*m));

	hoptac__v1__consolidate_response__init(c);
	hoptac__v1__reporting_request__init(rq);
	set(&rq->reference, "558/SNgV-BGHTQT");
	set(&rq->issuer_unit, "KT-SNGV");
	set(&rq->issued_on, "2024-05-02");
	set(&rq->title, "báo cáo tình hình hợp tác với tỉnh Sê Kông (Lào)");
	assert_int_equal(
	    pbstr_append(&rq->n_partner_scope, &rq->partner_scope, "LA-XE"), 0);
	set(&rq->period_from, "2022-11");
	set(&rq->due_on, "2024-05-15");
	assert_int_equal(
	    pbstr_append(&rq->n_unit_codes, &rq->unit_codes, "KT-DAKGLEI"), 0);
	assert_int_equal(
	    pbstr_append(&rq->n_unit_codes, &rq->unit_codes, "DB-STNMT"), 0);
	assert_int_equal(
	    pbstr_append(&rq->n_unit_codes, &rq->unit_codes, "KT-NGOCHOI"), 0);
	assert_int_equal(
	    pbstr_append(&rq->n_unit_codes, &rq->unit_codes, "KT-BQLKKT"), 0);
	c->request = rq;
	set(&c->issuer_name, "Sở Ngoại vụ tỉnh Kon Tum");

	hoptac__v1__completeness_response__init(cp);
	PUSH(cp->n_entries, cp->entries,
	    entry("KT-DAKGLEI", DAKGLEI,
	        HOPTAC__V1__TIMELINESS__TIMELINESS_ON_TIME, 0,
	        DAKGLEI_SUBMITTED, DAKGLEI_RECEIVED));
	PUSH(cp->n_entries, cp->entries,
	    entry("DB-STNMT", STNMT,
	        HOPTAC__V1__TIMELINESS__TIMELINESS_DELIVERED_LATE, 1,
	        STNMT_SUBMITTED, STNMT_RECEIVED));
	PUSH(cp->n_entries, cp->entries,
	    entry("KT-NGOCHOI", NGOCHOI,
	        HOPTAC__V1__TIMELINESS__TIMELINESS_MISSING, 0, 0, 0));
	PUSH(cp->n_entries, cp->entries,
	    entry("KT-BQLKKT", BQL, HOPTAC__V1__TIMELINESS__TIMELINESS_LATE, 0,
	        BQL_SUBMITTED, BQL_RECEIVED));
	cp->expected = 4;
	cp->on_time = 1;
	cp->delivered_late = 1;
	cp->late = 1;
	cp->missing = 1;
	cp->nil_reports = 1;
	c->completeness = cp;

	/* Đắk Glei's row is what it declared (12 people out, the records
	 * 10); the request is about Sê Kông alone, so its row counts the
	 * declaration too. */
	PUSH(c->n_by_unit, c->by_unit,
	    row("KT-DAKGLEI", DAKGLEI, figures(2, 12, 2, 24, 1, 1, 6)));
	c->by_unit[0]->source = HOPTAC__V1__FIGURE_SOURCE__FIGURE_SOURCE_DIFFER;
	PUSH(c->n_by_unit, c->by_unit,
	    row("KT-BQLKKT", BQL, figures(1, 5, 0, 0, 0, 0, 1)));
	c->by_unit[1]->source =
	    HOPTAC__V1__FIGURE_SOURCE__FIGURE_SOURCE_RECORDS;
	c->sources = xcalloc(sizeof(*c->sources));
	hoptac__v1__figure_sources__init(c->sources);
	c->sources->records = 1;
	c->sources->differ = 1;
	PUSH(c->n_by_partner, c->by_partner,
	    row("LA-XE", "Sê Kông", figures(3, 17, 2, 24, 1, 1, 7)));
	PUSH(c->n_by_partner, c->by_partner,
	    row("LA-AT", "Attapeu (Attapư, Át-tà-pư)",
	        figures(0, 0, 0, 0, 1, 0, 1)));
	c->totals = figures(3, 17, 2, 24, 1, 1, 7);
	c->partner_totals = figures(3, 17, 2, 24, 1, 1, 7);

	PUSH(c->n_narratives, c->narratives,
	    narrative("situation", "KT-DAKGLEI", DAKGLEI, NULL,
	        "Huyện Đắk Glei và huyện Đắk Chung là 02 huyện láng giềng."));
	PUSH(c->n_narratives, c->narratives,
	    narrative("situation", "DB-STNMT", STNMT, NULL,
	        "Sở Tài nguyên và Môi trường không đón tiếp, hợp tác với "
	        "các tỉnh Bắc Lào do dịch Covid-19."));
	PUSH(c->n_narratives, c->narratives,
	    narrative("results", "KT-DAKGLEI", DAKGLEI,
	        "1. Công tác thông tin, tuyên truyền",
	        "Đường biên giới được giữ ổn định.\n\n"
	        "- Các cột mốc được bảo vệ nguyên trạng."));
	PUSH(c->n_narratives, c->narratives,
	    narrative("results", "KT-BQLKKT", BQL, NULL,
	        "Khảo sát cửa khẩu | kho bãi <script>alert(1)</script>"));
	PUSH(c->n_narratives, c->narratives,
	    narrative("results", "KT-DAKGLEI", DAKGLEI,
	        "3. Công tác Hội nghị, hội thảo quốc tế:",
	        "Hội nghị lần thứ 18 tại huyện Đắk Glei."));
	PUSH(c->n_narratives, c->narratives,
	    narrative("limitations", "KT-DAKGLEI", DAKGLEI, NULL,
	        "Hạ tầng kinh tế - xã hội của huyện còn hạn chế."));
	PUSH(c->n_narratives, c->narratives,
	    narrative("limitations", "KT-BQLKKT", BQL, NULL,
	        "# Chưa có kho bãi\n2. Thiếu *kinh phí* & nhân lực\n"
	        "        > mặt bằng_chật [hẹp]"));
	PUSH(c->n_narratives, c->narratives,
	    narrative("causes", "KT-DAKGLEI", DAKGLEI, NULL,
	        "Nguồn vốn ngân sách địa phương còn hạn chế."));
	PUSH(c->n_narratives, c->narratives,
	    narrative("directions", "KT-DAKGLEI", DAKGLEI, NULL,
	        "- Tham dự Hội nghị phối hợp bảo vệ an ninh biên giới.\n"
	        "- Thường xuyên duy trì công tác thông tin hai chiều."));
	PUSH(c->n_narratives, c->narratives,
	    narrative("directions", "DB-STNMT", STNMT, NULL,
	        "Đón tiếp các đoàn công tác của các tỉnh Bắc Lào."));

	r = report("KT-DAKGLEI", 0);
	r->directions_until = 2027;
	r->declared = figures(2, 12, 2, 24, 1, 1, 0);
	r->computed = figures(2, 10, 2, 24, 1, 1, 6);
	hoptac__v1__figure_mismatch__init(m);
	set(&m->figure, "people_out");
	m->declared = 12;
	m->computed = 10;
	PUSH(r->n_mismatches, r->mismatches, m);
	r->submitted_at_ms = DAKGLEI_SUBMITTED;
	r->received_at_ms = DAKGLEI_RECEIVED;
	PUSH(c->n_reports, c->reports, r);
	r = report("DB-STNMT", 1);
	r->computed = figures(0, 0, 0, 0, 0, 0, 0);
	PUSH(c->n_reports, c->reports, r);
	r = report("KT-BQLKKT", 0);
	r->computed = figures(1, 5, 0, 0, 0, 0, 1);
	PUSH(c->n_reports, c->reports, r);
	return c;
}

FIXTURE void
free_message(void *m)
{
	protobuf_c_message_free_unpacked(m, NULL);
}

FIXTURE char *
render(const Hoptac__V1__ConsolidateResponse *c, enum render_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(render_consolidated(f, c, fmt), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	return buf;
}

FIXTURE char *
render_summary_lang(const Hoptac__V1__SummaryResponse *s, const int *dims,
    size_t n_dims, enum render_format fmt, enum render_lang lang)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(render_summary_in(f, s, dims, n_dims, fmt, lang), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	return buf;
}

FIXTURE char *
render_summary_text(const Hoptac__V1__SummaryResponse *s, const int *dims,
    size_t n_dims, enum render_format fmt)
{
	return render_summary_lang(s, dims, n_dims, fmt, RENDER_LANG_DEFAULT);
}

#define assert_has(hay, needle)                                                \
	do {                                                                   \
		if (strstr((hay), (needle)) == NULL)                           \
			fail_msg("missing: %s", (needle));                     \
	} while (0)

#define assert_lacks(hay, needle)                                              \
	do {                                                                   \
		if (strstr((hay), (needle)) != NULL)                           \
			fail_msg("unexpected: %s", (needle));                  \
	} while (0)

/* Whether needle comes after first in hay. */
FIXTURE int
in_order(const char *hay, const char *first, const char *needle)
{
	const char *a = strstr(hay, first), *b;

	if (a == NULL)
		return 0;
	b = strstr(a + strlen(first), needle);
	return b != NULL;
}

/* The number of '|' that separate cells of a markdown table line: those
 * not escaped with a backslash. */
FIXTURE size_t
md_pipes(const char *line, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (line[i] == '|' && (i == 0 || line[i - 1] != '\\'))
			n++;
	return n;
}

/* Every line of a markdown table has as many cells as the table's first
 * line: data with a '|' in it did not add a column. */
FIXTURE void
assert_md_tables(const char *md)
{
	size_t want = 0;
	int tables = 0;

	for (const char *p = md; *p != '\0';) {
		const char *e = strchr(p, '\n');
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);

		if (len > 0 && p[0] == '|') {
			size_t n = md_pipes(p, len);

			if (want == 0) {
				want = n;
				tables++;
			}
			if (n != want)
				fail_msg("table line with %zu separators, not "
				         "%zu: %.*s",
				    n, want, (int)len, p);
		} else {
			want = 0;
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	/* Heading block, units, partners, signature. */
	assert_int_equal(tables, 4);
}

FIXTURE int
html_void(const char *name, size_t len)
{
	static const char *const voids[] = {"meta", "br", "hr", "img", "link"};

	for (size_t i = 0; i < sizeof(voids) / sizeof(*voids); i++)
		if (strlen(voids[i]) == len && memcmp(voids[i], name, len) == 0)
			return 1;
	return 0;
}

/* Every tag opened is closed, in order: a stack over the tags. */
FIXTURE void
assert_html_balanced(const char *html)
{
	const char *names[64];
	size_t lens[64], depth = 0;

	for (const char *p = strchr(html, '<'); p != NULL;
	     p = strchr(p + 1, '<')) {
		int closing = p[1] == '/';
		const char *name = p + 1 + closing;
		size_t len =
		    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789");
		const char *end = strchr(name, '>');

		assert_non_null(end);
		if (p[1] == '!')
			continue;
		if (len == 0)
			fail_msg("not a tag: %.20s", p);
		if (closing) {
			if (depth == 0) {
				fail_msg("closes what is not open: %.20s", p);
				return;
			}
			depth--;
			if (lens[depth] != len ||
			    memcmp(names[depth], name, len) != 0)
				fail_msg("</%.*s> closes <%.*s>", (int)len,
				    name, (int)lens[depth], names[depth]);
		} else if (!html_void(name, len) && end[-1] != '/') {
			assert_true(depth < sizeof(names) / sizeof(*names));
			names[depth] = name;
			lens[depth++] = len;
		}
	}
	if (depth != 0)
		fail_msg(
		    "<%.*s> left open", (int)lens[depth - 1], names[depth - 1]);
}

struct csv_count {
	size_t cells;
	size_t rows;
	size_t want; /* cells of the header row */
};

FIXTURE void
csv_on_cell(void *s, size_t len, void *arg)
{
	(void)s;
	(void)len;
	((struct csv_count *)arg)->cells++;
}

FIXTURE void
csv_on_row(int c, void *arg)
{
	struct csv_count *n = arg;

	(void)c;
	if (n->rows++ == 0)
		n->want = n->cells;
	else if (n->cells != n->want)
		fail_msg("row %zu has %zu cells, the header %zu", n->rows,
		    n->cells, n->want);
	n->cells = 0;
}

/* Parses one table of CSV; every row has the header's number of cells.
 * Returns the number of rows, header included. */
FIXTURE size_t
csv_rows(const char *text, size_t len)
{
	struct csv_parser p;
	struct csv_count n = {0, 0, 0};

	assert_int_equal(csv_init(&p, CSV_STRICT), 0);
	assert_int_equal(
	    csv_parse(&p, text, len, csv_on_cell, csv_on_row, &n), len);
	assert_int_equal(csv_fini(&p, csv_on_cell, csv_on_row, &n), 0);
	csv_free(&p);
	return n.rows;
}

FIXTURE void
assert_same_message(const ProtobufCMessage *x, const ProtobufCMessage *y)
{
	size_t n1 = protobuf_c_message_get_packed_size(x);
	size_t n2 = protobuf_c_message_get_packed_size(y);
	uint8_t *p1 = malloc(n1 + 1), *p2 = malloc(n2 + 1);

	assert_non_null(p1);
	assert_non_null(p2);
	assert_int_equal(n1, n2);
	protobuf_c_message_pack(x, p1);
	protobuf_c_message_pack(y, p2);
	assert_memory_equal(p1, p2, n1);
	free(p1);
	free(p2);
}

/* The JSON is one document that reads back into the same message. */
FIXTURE void
assert_json_round_trip(const char *text, const ProtobufCMessage *m)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *obj;
	ProtobufCMessage *back;
	char err[256];
	size_t len = strlen(text);

	assert_non_null(tok);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	assert_non_null(obj);
	/* Nothing but white space after the one document. */
	assert_int_equal(strspn(text + json_tokener_get_parse_end(tok), " \n"),
	    len - json_tokener_get_parse_end(tok));
	back = pbjson_to_message(m->descriptor, obj, err, sizeof(err));
	if (back == NULL)
		fail_msg("%s", err);
	assert_same_message(m, back);
	protobuf_c_message_free_unpacked(back, NULL);
	json_object_put(obj);
	json_tokener_free(tok);
}

#endif
