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

static void *
xcalloc(size_t size)
{
	void *p = calloc(1, size);

	assert_non_null(p);
	return p;
}

static void
set(char **field, const char *value)
{
	assert_int_equal(pbstr_set(field, value), 0);
}

static Hoptac__V1__Figures *
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

static Hoptac__V1__SummaryRow *
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

static Hoptac__V1__CompletenessEntry *
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

static Hoptac__V1__Narrative *
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

static Hoptac__V1__Report *
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
static Hoptac__V1__ConsolidateResponse *
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

	PUSH(c->n_by_unit, c->by_unit,
	    row("KT-DAKGLEI", DAKGLEI, figures(2, 10, 2, 24, 1, 1, 6)));
	PUSH(c->n_by_unit, c->by_unit,
	    row("KT-BQLKKT", BQL, figures(1, 5, 0, 0, 0, 0, 1)));
	PUSH(c->n_by_partner, c->by_partner,
	    row("LA-XE", "Sê Kông", figures(3, 15, 2, 24, 1, 1, 7)));
	PUSH(c->n_by_partner, c->by_partner,
	    row("LA-AT", "Attapeu (Attapư, Át-tà-pư)",
	        figures(0, 0, 0, 0, 1, 0, 1)));
	c->totals = figures(3, 15, 2, 24, 1, 1, 7);

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

static void
free_message(void *m)
{
	protobuf_c_message_free_unpacked(m, NULL);
}

static char *
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

static char *
render_sum(const Hoptac__V1__SummaryResponse *s, const int *dims, size_t n_dims,
    enum render_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(render_summary(f, s, dims, n_dims, fmt), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	return buf;
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
static int
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
static size_t
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
static void
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

static int
html_void(const char *name, size_t len)
{
	static const char *const voids[] = {"meta", "br", "hr", "img", "link"};

	for (size_t i = 0; i < sizeof(voids) / sizeof(*voids); i++)
		if (strlen(voids[i]) == len && memcmp(voids[i], name, len) == 0)
			return 1;
	return 0;
}

/* Every tag opened is closed, in order: a stack over the tags. */
static void
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

static void
csv_on_cell(void *s, size_t len, void *arg)
{
	(void)s;
	(void)len;
	((struct csv_count *)arg)->cells++;
}

static void
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
static size_t
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

static void
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
static void
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

static void
test_format_parse(void **state)
{
	(void)state;
	assert_int_equal(render_format_parse("md"), RENDER_MARKDOWN);
	assert_int_equal(render_format_parse("markdown"), RENDER_MARKDOWN);
	assert_int_equal(render_format_parse("html"), RENDER_HTML);
	assert_int_equal(render_format_parse("csv"), RENDER_CSV);
	assert_int_equal(render_format_parse("json"), RENDER_JSON);
	assert_int_equal(render_format_parse("table"), RENDER_TABLE);
	assert_int_equal(render_format_parse("pdf"), -1);
	assert_int_equal(render_format_parse("MD"), -1);
	assert_int_equal(render_format_parse(""), -1);
	assert_int_equal(render_format_parse(NULL), -1);
}

static void
test_markdown(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	char *md = render(c, RENDER_MARKDOWN);

	(void)state;
	/* Heading block, title, the request answered. */
	assert_has(md,
	    "| SỞ NGOẠI VỤ TỈNH KON TUM | CỘNG HÒA XÃ HỘI CHỦ "
	    "NGHĨA VIỆT NAM |");
	assert_has(md, "**Độc lập - Tự do - Hạnh phúc**");
	assert_has(md, "Số: /BC-SNgV");
	assert_has(md, "*Kon Tum, ngày … tháng … năm …*");
	assert_has(md, "# BÁO CÁO TỔNG HỢP\n");
	assert_has(md, "**Tình hình hợp tác với tỉnh Sê Kông (Lào)**");
	assert_has(md,
	    "Thực hiện Công văn số 558/SNgV-BGHTQT ngày 02/5/2024 "
	    "của Sở Ngoại vụ tỉnh Kon Tum về việc báo cáo tình "
	    "hình hợp tác với tỉnh Sê Kông (Lào);");

	/* I: who was asked, who answered, how. */
	assert_has(md, "## I. TÌNH HÌNH CHUNG");
	assert_has(md,
	    "Thời kỳ báo cáo: từ tháng 11/2022 đến nay; đối tác: "
	    "tỉnh Sê Kông; hạn gửi báo cáo: ngày 15/5/2024.");
	assert_has(md,
	    "đề nghị 04 đơn vị báo cáo; đã nhận được báo cáo của "
	    "03/04 đơn vị");
	assert_has(md, "- Gửi đúng hạn: 01 đơn vị, gồm: " DAKGLEI ".\n");
	assert_has(md,
	    "- Gửi đúng hạn nhưng nhận được sau hạn: 01 đơn vị, "
	    "gồm: " STNMT " (gửi ngày 15/5/2024, nhận ngày "
	    "16/5/2024).\n");
	assert_has(md,
	    "- Gửi sau hạn: 01 đơn vị, gồm: Ban Quản lý Khu kinh "
	    "tế \\| Bờ Y (gửi ngày 20/5/2024).\n");
	assert_has(
	    md, "- Báo cáo không phát sinh: 01 đơn vị, gồm: " STNMT ".\n");
	assert_has(md, "- Chưa báo cáo: 01 đơn vị, gồm: " NGOCHOI ".\n");
	assert_has(md, "**" STNMT ":** Sở Tài nguyên và Môi trường không");

	/* II: the figures tables, as the offices write them. */
	assert_has(md,
	    "| Đơn vị | Đoàn ra (đoàn/người) | Đoàn vào (đoàn/người) "
	    "| Hội nghị, hội thảo | Thỏa thuận, bản ghi nhớ | Tổng "
	    "hoạt động |");
	assert_has(md,
	    "| " DAKGLEI " | 02 đoàn/10 người (\\*) | 02 đoàn/24 "
	    "người | 01 | 01 | 06 |");
	assert_has(md,
	    "| Ban Quản lý Khu kinh tế \\| Bờ Y | 01 đoàn/05 người "
	    "| 0 | 0 | 0 | 01 |");
	assert_has(md,
	    "| **Tổng cộng** | **03 đoàn/15 người** | **02 "
	    "đoàn/24 người** | **01** | **01** | **07** |");
	assert_has(md,
	    "- " DAKGLEI ": số người đoàn ra kê khai 12 người, "
	    "theo số liệu 10 người.");
	assert_has(md, "| Sê Kông | 03 đoàn/15 người |");
	assert_has(md, "Một hoạt động với nhiều đối tác");
	assert_md_tables(md);

	/* The narratives, each under its unit, headings kept. */
	assert_has(md,
	    "**" DAKGLEI ":**\n\n*1. Công tác thông tin, tuyên "
	    "truyền:* Đường biên giới được giữ ổn định.\n\n\\- Các "
	    "cột mốc được bảo vệ nguyên trạng.\n\n*3. Công tác Hội "
	    "nghị, hội thảo quốc tế:* Hội nghị lần thứ 18");
	assert_has(md,
	    "**Ban Quản lý Khu kinh tế \\| Bờ Y:** Khảo sát cửa "
	    "khẩu \\| kho bãi \\<script\\>alert(1)\\</script\\>");
	assert_has(md,
	    "## III. ĐÁNH GIÁ\n\n### 1. Tồn tại, hạn chế\n\n**" DAKGLEI
	    ":** Hạ tầng kinh tế - xã hội");
	assert_has(md,
	    "**Ban Quản lý Khu kinh tế \\| Bờ Y:**\n\n\\# Chưa có "
	    "kho bãi\n\n2\\. Thiếu \\*kinh phí\\* \\& nhân "
	    "lực\n\n\\> mặt bằng\\_chật \\[hẹp\\]\n\n### 2. "
	    "Nguyên nhân");
	assert_has(md, "### 2. Nguyên nhân\n\n**" DAKGLEI ":** Nguồn vốn");
	assert_has(md,
	    "## IV. PHƯƠNG HƯỚNG\n\n**" DAKGLEI " (đến năm 2027):**\n\n"
	    "\\- Tham dự Hội nghị");
	assert_has(md, "\n\n\\- Thường xuyên duy trì");
	assert_has(md, "**" STNMT ":** Đón tiếp các đoàn");
	assert_has(md, "## V. ĐỀ XUẤT, KIẾN NGHỊ\n\nKhông.\n");
	assert_has(md, "**Các đơn vị chưa báo cáo:** " NGOCHOI ".\n");
	assert_true(in_order(md, "V. ĐỀ XUẤT", "Các đơn vị chưa báo cáo"));
	assert_true(in_order(md, "Các đơn vị chưa báo cáo", "Nơi nhận"));

	/* Nothing from the data gets through as markup. */
	assert_lacks(md, "<script>");
	assert_lacks(md, "tế | Bờ Y");
	assert_lacks(md, "khẩu | kho");
	free(md);
	free_message(c);
}

static void
test_html(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	char *html = render(c, RENDER_HTML);

	(void)state;
	assert_true(
	    strncmp(html, "<!DOCTYPE html>\n<html lang=\"vi\">", 31) == 0);
	assert_has(html, "<meta charset=\"utf-8\">");
	assert_has(html, "@page { size: A4; margin: 20mm 15mm 20mm 30mm; }");
	assert_has(html, "\"Times New Roman\"");
	assert_has(html, "page-break-inside: avoid");
	assert_has(html, "border: 1px solid #000");
	assert_html_balanced(html);
	/* Self-contained. */
	assert_lacks(html, "src=");
	assert_lacks(html, "href=");
	assert_lacks(html, "url(");
	assert_lacks(html, "@import");

	assert_has(html, "<div class=\"org\">SỞ NGOẠI VỤ TỈNH KON TUM</div>");
	assert_has(html, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
	assert_has(html, "<span>Độc lập - Tự do - Hạnh phúc</span>");
	assert_has(html, "<h1>BÁO CÁO TỔNG HỢP</h1>");
	assert_has(html,
	    "<p class=\"subject\">Tình hình hợp tác với tỉnh Sê "
	    "Kông (Lào)</p>");
	assert_has(
	    html, "Thực hiện Công văn số 558/SNgV-BGHTQT ngày 02/5/2024");
	assert_has(html,
	    "<td>" DAKGLEI "</td><td class=\"num\">02 đoàn/10 "
	    "người (*)</td>");
	assert_has(html,
	    "<tr class=\"total\"><td>Tổng cộng</td><td "
	    "class=\"num\">03 đoàn/15 người</td>");
	assert_has(html,
	    "số người đoàn ra kê khai 12 người, theo số liệu 10 "
	    "người");
	assert_has(html,
	    "<p><strong>" DAKGLEI ":</strong></p>\n<p><em>1. "
	    "Công tác thông tin, tuyên truyền:</em> Đường biên");
	assert_has(html, "<h2>V. ĐỀ XUẤT, KIẾN NGHỊ</h2>\n<p>Không.</p>");
	assert_has(
	    html, "<strong>Các đơn vị chưa báo cáo:</strong> " NGOCHOI ".</p>");
	assert_has(html,
	    "Khảo sát cửa khẩu | kho bãi "
	    "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_lacks(html, "<script");
	assert_true(
	    strcmp(html + strlen(html) - 16, "</body>\n</html>\n") == 0);
	free(html);
	free_message(c);
}

static void
test_csv(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	char *csv = render(c, RENDER_CSV);
	const char *p = csv, *e;
	size_t rows[3];

	(void)state;
	/* Three tables, an empty line between them. */
	for (int i = 0; i < 3; i++) {
		e = strstr(p, "\r\n\r\n");
		assert_true(i < 2 ? e != NULL : e == NULL);
		if (e == NULL)
			e = p + strlen(p);
		else
			e += 2;
		rows[i] = csv_rows(p, (size_t)(e - p));
		p = *e != '\0' ? e + 2 : e;
	}
	assert_int_equal(rows[0], 4); /* header, 2 units, total */
	assert_int_equal(rows[1], 4); /* header, 2 partners, total */
	assert_int_equal(rows[2], 5); /* header, 4 units */
	assert_true(strncmp(csv,
	                "unit_code,unit_name,delegations_out,people_out,"
	                "delegations_in,people_in,conferences,agreements,"
	                "activities\r\n",
	                103) == 0);
	assert_has(csv, "\r\nKT-DAKGLEI," DAKGLEI ",2,10,2,24,1,1,6\r\n");
	assert_has(csv, "\r\nKT-BQLKKT," BQL ",1,5,0,0,0,0,1\r\n");
	assert_has(csv,
	    "\r\n,Tổng cộng,3,15,2,24,1,1,7\r\n\r\npartner_code,"
	    "partner_name,delegations_out,");
	assert_has(csv,
	    "\r\nLA-AT,\"Attapeu (Attapư, Át-tà-pư)\",0,0,0,0,1,0,"
	    "1\r\n");
	assert_has(csv,
	    "\r\nunit_code,unit_name,timeliness,nil,revision,"
	    "status,signed_on,submitted_at,received_at,"
	    "mismatches\r\n");
	assert_has(csv,
	    "\r\nKT-DAKGLEI," DAKGLEI ",on_time,false,1,submitted,"
	    "2024-05,2024-05-10T09:00:00+07:00,"
	    "2024-05-10T09:01:00+07:00,\"people_out: declared 12, "
	    "computed 10\"\r\n");
	assert_has(csv, "\r\nDB-STNMT," STNMT ",delivered_late,true,1,");
	assert_has(csv, "\r\nKT-NGOCHOI," NGOCHOI ",missing,,,,,,,\r\n");
	assert_has(csv,
	    "\r\nKT-BQLKKT," BQL ",late,false,1,submitted,2024-05,"
	    "2024-05-20T10:00:00+07:00,2024-05-20T10:05:00+07:00,"
	    "\r\n");
	free(csv);
	free_message(c);
}

static void
test_json(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	char *json = render(c, RENDER_JSON);

	(void)state;
	assert_has(json, "\"issuer_name\":\"Sở Ngoại vụ tỉnh Kon Tum\"");
	assert_has(json, "\"558/SNgV-BGHTQT\"");
	assert_has(json, "\"TIMELINESS_DELIVERED_LATE\"");
	assert_json_round_trip(json, &c->base);
	free(json);
	free_message(c);
}

/* Dates written differently: a year alone, and the months 1 and
 * 2 with their leading zero. */
static void
test_dates(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	char *md;

	(void)state;
	set(&c->request->issued_on, "2024-02-03");
	set(&c->request->period_from, "2017");
	set(&c->request->period_to, "2021-08-24");
	set(&c->request->due_on, "2024-01-05");
	md = render(c, RENDER_MARKDOWN);
	assert_has(md, "Công văn số 558/SNgV-BGHTQT ngày 03/02/2024 của");
	assert_has(md, "Thời kỳ báo cáo: từ năm 2017 đến ngày 24/8/2021;");
	assert_has(md, "hạn gửi báo cáo: ngày 05/01/2024.");
	free(md);
	free_message(c);
}

/* A response with nothing in it still gives every section, each saying
 * there is nothing. */
static void
test_empty(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = xcalloc(sizeof(*c));
	char *md, *html, *csv;

	(void)state;
	hoptac__v1__consolidate_response__init(c);
	md = render(c, RENDER_MARKDOWN);
	assert_has(md, "| SỞ NGOẠI VỤ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |");
	assert_has(md, "*……, ngày … tháng … năm …*");
	assert_has(md, "Không có đơn vị nào được đề nghị báo cáo.");
	assert_has(md, "### 1. Số liệu theo đơn vị\n\nKhông có số liệu.\n");
	assert_has(md, "### 2. Số liệu theo đối tác\n\nKhông có số liệu.\n");
	assert_has(md, "### 2. Đặc điểm tình hình\n\nKhông.\n");
	assert_has(md, "### 3. Kết quả cụ thể của các đơn vị\n\nKhông.\n");
	assert_has(md, "### 1. Tồn tại, hạn chế\n\nKhông.\n");
	assert_has(md, "### 2. Nguyên nhân\n\nKhông.\n");
	assert_has(md, "## IV. PHƯƠNG HƯỚNG\n\nKhông.\n");
	assert_has(md, "## V. ĐỀ XUẤT, KIẾN NGHỊ\n\nKhông.\n");
	assert_has(md, "**Các đơn vị chưa báo cáo:** Không.\n");
	html = render(c, RENDER_HTML);
	assert_html_balanced(html);
	csv = render(c, RENDER_CSV);
	assert_string_equal(csv,
	    "unit_code,unit_name,delegations_out,people_out,delegations_in,"
	    "people_in,conferences,agreements,activities\r\n"
	    ",Tổng cộng,0,0,0,0,0,0,0\r\n\r\n"
	    "partner_code,partner_name,delegations_out,people_out,"
	    "delegations_in,people_in,conferences,agreements,activities\r\n"
	    ",Tổng cộng,0,0,0,0,0,0,0\r\n\r\n"
	    "unit_code,unit_name,timeliness,nil,revision,status,signed_on,"
	    "submitted_at,received_at,mismatches\r\n");
	free(md);
	free(html);
	free(csv);
	free_message(c);
}

static void
test_errors(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	Hoptac__V1__SummaryResponse s = HOPTAC__V1__SUMMARY_RESPONSE__INIT;
	FILE *ro = fopen("/dev/null", "r");

	(void)state;
	assert_non_null(ro);
	assert_int_equal(render_consolidated(ro, c, RENDER_MARKDOWN), -1);
	assert_int_equal(render_consolidated(ro, c, RENDER_CSV), -1);
	fclose(ro);
	assert_int_equal(render_consolidated(stdout, c, RENDER_TABLE), -1);
	assert_int_equal(render_summary(stdout, &s, NULL, 0, RENDER_HTML), -1);
	free_message(c);
}

static Hoptac__V1__SummaryResponse *
make_summary(void)
{
	Hoptac__V1__SummaryResponse *s = xcalloc(sizeof(*s));
	Hoptac__V1__SummaryRow *r;

	hoptac__v1__summary_response__init(s);
	r = row("KT-DAKGLEI", "LA-XE", figures(2, 10, 2, 24, 1, 1, 6));
	PUSH(s->n_rows, s->rows, r);
	r = row("KT-DAKGLEI", "LA-AT", figures(0, 0, 0, 0, 1, 0, 1));
	PUSH(s->n_rows, s->rows, r);
	r = row("KT-BQLKKT", "LA-XE, LA-AT", figures(1, 5, 0, 0, 0, 0, 1));
	PUSH(s->n_rows, s->rows, r);
	s->totals = figures(3, 15, 2, 24, 1, 1, 7);
	return s;
}

static void
test_summary(void **state)
{
	static const int dims[] = {HOPTAC__V1__DIMENSION__DIMENSION_UNIT,
	    HOPTAC__V1__DIMENSION__DIMENSION_PARTNER};
	Hoptac__V1__SummaryResponse *s = make_summary();
	char *out;

	(void)state;
	out = render_sum(s, dims, 2, RENDER_TABLE);
	assert_has(out,
	    "UNIT        PARTNER       DELEGATIONS_OUT  PEOPLE_OUT  "
	    "DELEGATIONS_IN  PEOPLE_IN  CONFERENCES  AGREEMENTS  "
	    "ACTIVITIES\n");
	assert_has(out,
	    "KT-DAKGLEI  LA-XE         2                10          "
	    "2               24         1            1           "
	    "6\n");
	assert_has(out, "TOTAL                     3                15");
	free(out);

	out = render_sum(s, dims, 2, RENDER_CSV);
	assert_string_equal(out,
	    "unit,partner,delegations_out,people_out,delegations_in,"
	    "people_in,conferences,agreements,activities\r\n"
	    "KT-DAKGLEI,LA-XE,2,10,2,24,1,1,6\r\n"
	    "KT-DAKGLEI,LA-AT,0,0,0,0,1,0,1\r\n"
	    "KT-BQLKKT,\"LA-XE, LA-AT\",1,5,0,0,0,0,1\r\n");
	assert_int_equal(csv_rows(out, strlen(out)), 4);
	free(out);

	out = render_sum(s, dims, 2, RENDER_MARKDOWN);
	assert_has(out, "| unit | partner | delegations\\_out |");
	assert_has(out, "| **Tổng cộng** |  | **3** | **15** |");
	free(out);

	out = render_sum(s, dims, 2, RENDER_JSON);
	assert_json_round_trip(out, &s->base);
	free(out);

	/* No dimension: the totals alone. */
	out = render_sum(s, NULL, 0, RENDER_TABLE);
	assert_has(out, "DELEGATIONS_OUT  PEOPLE_OUT");
	assert_has(out, "\n3                15 ");
	free(out);
	free_message(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_parse),
	    cmocka_unit_test(test_markdown),
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
