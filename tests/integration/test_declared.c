/*
 * Declared totals are an answer. Four units answer one request: Đắk Glei
 * with records and a declaration that agrees, Đắk Tô with records and a
 * declaration that differs, Ngọc Hồi with a declaration and no records,
 * Điện Biên with records and no declaration. The consolidated report
 * takes each row from where its figures are, says so per unit in every
 * format, counts the sources in the totals, and keeps the table by
 * partner to what the records can split. Then, accepted means frozen,
 * partner by partner too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "harness_json.h"
#include "pbstr.h"
#include "report_file.h"
#include "rpc.h"
#include "status.h"

#define REF  "61/SNgV-BGHTQT"
#define REF2 "62/SNgV-BGHTQT"

static char out[256 * 1024];
static char err[16 * 1024];

#define CLI(...)                                                               \
	harness_cli(h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)

#define expect(got, want, what) harness_expect(got, want, what, out, err)

static void
assert_has(const char *text, const char *part)
{
	if (strstr(text, part) == NULL)
		fail_msg("\"%s\" is not in: %s", part, text);
}

/* A report of unit answering ref, with the header lines figures
 * ("people_out: 7\n...", or "" for none); REF's at DIR/UNIT.txt. */
static void
submit_to(
    struct harness *h, const char *ref, const char *unit, const char *figures)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s%s.txt", h->dir, unit,
	    strcmp(ref, REF) == 0 ? "" : "-2");
	assert_non_null(f = fopen(path, "w"));
	fprintf(f,
	    "request: %s\nunit: %s\nnumber: 9/BC-UBND\nplace: Kon Tum\n"
	    "signer: Nguyễn Văn A\ntitle: CHỦ TỊCH\n%s\n== situation\n"
	    "Tình hình ổn định.\n",
	    ref, unit, figures);
	fclose(f);
	expect(CLI("report", "submit", path), 0, unit);
}

static void
submit_report(struct harness *h, const char *unit, const char *figures)
{
	submit_to(h, REF, unit, figures);
}

/* One delegation of unit with Sê Kông in 2023. */
static void
add_delegation(struct harness *h, const char *unit, const char *id,
    const char *kind, const char *people)
{
	expect(CLI("activity", "add", "--unit", unit, "--partner", "Sê Kông",
	           "--kind", kind, "--start", "15/3/2023", "--people", people,
	           "--title", id, "--id", id),
	    0, id);
}

static int
setup(void **state)
{
	static struct harness hs;
	struct harness *h = &hs;
	char issued[16], due[16];

	harness_start(h, HARNESS_TCP, 0);
	expect(CLI("unit", "import", harness_data("units-2024.csv")), 0,
	    "unit import");
	harness_day_text(-10, issued, sizeof(issued));
	harness_day_text(30, due, sizeof(due));
	expect(CLI("request", "create", REF, "--issuer", "KT-SNGV", "--issued",
	           issued, "--title", "báo cáo hợp tác với tỉnh Sê Kông",
	           "--from", "2023", "--due", due, "--partner", "Sê Kông",
	           "--partner", "Attapeu", "--unit", "KT-DAKGLEI", "--unit",
	           "KT-DAKTO", "--unit", "KT-NGOCHOI", "--unit", "DB-STNMT"),
	    0, "request create");
	add_delegation(h, "KT-DAKGLEI", "dg-1", "delegation_out", "5");
	add_delegation(h, "KT-DAKTO", "dt-1", "delegation_out", "3");
	add_delegation(h, "DB-STNMT", "db-1", "delegation_in", "4");
	submit_report(h, "KT-DAKGLEI",
	    "delegations_out: 1\npeople_out: 5\nactivities: 1\n");
	submit_report(h, "KT-DAKTO", "delegations_out: 1\npeople_out: 7\n");
	submit_report(h, "KT-NGOCHOI",
	    "delegations_in: 2\npeople_in: 20\nconferences: 1\n");
	submit_report(h, "DB-STNMT", "");
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	struct harness *h = *state;

	harness_stop(h);
	harness_cleanup(h);
	return 0;
}

/* The row of code under list in a consolidate --json; fails if none. */
static json_object *
row_of(json_object *o, const char *list, const char *code)
{
	json_object *rows, *keys;

	assert_true(json_object_object_get_ex(o, list, &rows));
	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		json_object *row = json_object_array_get_idx(rows, i);

		if (json_object_object_get_ex(row, "keys", &keys) &&
		    strcmp(json_object_get_string(
		               json_object_array_get_idx(keys, 0)),
		        code) == 0)
			return row;
	}
	fail_msg("no row %s in %s: %s", code, list, out);
	return NULL;
}

static int64_t
figure(json_object *row, const char *name)
{
	json_object *f;

	assert_true(json_object_object_get_ex(row, "figures", &f));
	return harness_json_int(f, name);
}

static int64_t
sub_int(json_object *o, const char *obj, const char *name)
{
	json_object *f;

	if (!json_object_object_get_ex(o, obj, &f))
		fail_msg("no %s: %s", obj, out);
	return harness_json_int(f, name);
}

/* Each unit's row comes from where its figures are, and says so. */
static void
test_sources_json(void **state)
{
	struct harness *h = *state;
	json_object *o, *r;

	expect(CLI("--json", "consolidate", "--request", REF), 0,
	    "consolidate json");
	o = harness_json_parse(out);
	r = row_of(o, "by_unit", "KT-DAKGLEI");
	assert_string_equal(
	    harness_json_str(r, "source"), "FIGURE_SOURCE_AGREE");
	assert_int_equal(figure(r, "people_out"), 5);
	r = row_of(o, "by_unit", "KT-DAKTO");
	assert_string_equal(
	    harness_json_str(r, "source"), "FIGURE_SOURCE_DIFFER");
	assert_int_equal(figure(r, "people_out"), 7);
	assert_int_equal(figure(r, "activities"), 1);
	/* No records: the declaration is the row, its activities those it
	 * names (two delegations and a conference). */
	r = row_of(o, "by_unit", "KT-NGOCHOI");
	assert_string_equal(
	    harness_json_str(r, "source"), "FIGURE_SOURCE_DECLARED");
	assert_int_equal(figure(r, "delegations_in"), 2);
	assert_int_equal(figure(r, "people_in"), 20);
	assert_int_equal(figure(r, "conferences"), 1);
	assert_int_equal(figure(r, "activities"), 3);
	r = row_of(o, "by_unit", "DB-STNMT");
	assert_string_equal(
	    harness_json_str(r, "source"), "FIGURE_SOURCE_RECORDS");
	assert_int_equal(figure(r, "people_in"), 4);
	/* The totals count the rows, the declarations where they differ. */
	assert_int_equal(sub_int(o, "totals", "delegations_out"), 2);
	assert_int_equal(sub_int(o, "totals", "people_out"), 12);
	assert_int_equal(sub_int(o, "totals", "delegations_in"), 3);
	assert_int_equal(sub_int(o, "totals", "people_in"), 24);
	assert_int_equal(sub_int(o, "totals", "activities"), 6);
	assert_int_equal(sub_int(o, "sources", "records"), 1);
	assert_int_equal(sub_int(o, "sources", "declared"), 1);
	assert_int_equal(sub_int(o, "sources", "agree"), 1);
	assert_int_equal(sub_int(o, "sources", "differ"), 1);
	/* By partner, the records alone: a declaration has no partners. */
	assert_int_equal(sub_int(o, "partner_totals", "people_out"), 8);
	assert_int_equal(sub_int(o, "partner_totals", "people_in"), 4);
	assert_int_equal(sub_int(o, "partner_totals", "activities"), 3);
	r = row_of(o, "by_partner", "LA-XE");
	assert_int_equal(figure(r, "people_in"), 4);
	json_object_put(o);
}

static void
test_sources_documents(void **state)
{
	struct harness *h = *state;

	expect(CLI("consolidate", "--request", REF, "--format", "md"), 0,
	    "consolidate md");
	assert_has(out, "| Nguồn số liệu |");
	assert_has(out,
	    "| UBND huyện Ngọc Hồi | 0 | 02 đoàn/20 người | 01 "
	    "| 0 | 03 | kê khai |");
	assert_has(out,
	    "| UBND huyện Đắk Tô | 01 đoàn/07 người (\\*) | 0 "
	    "| 0 | 0 | 01 | chênh lệch (\\*) |");
	assert_has(out, "| khớp |");
	assert_has(out, "| ghi nhận |");
	assert_has(
	    out, "01 kê khai, 01 ghi nhận, 01 khớp, 01 chênh lệch (\\*)");
	assert_has(out,
	    "UBND huyện Đắk Tô: số người đoàn ra kê khai 07 "
	    "người, theo số liệu 03 người.");
	/* A declaration without records contradicts nothing. */
	assert_null(strstr(out, "UBND huyện Ngọc Hồi: số"));
	assert_has(out,
	    "nên bảng không tính số liệu kê khai của: UBND huyện "
	    "Đắk Tô (chênh lệch, bảng tính số liệu ghi nhận); UBND "
	    "huyện Ngọc Hồi (kê khai).");
	assert_has(out, "tính theo số liệu đơn vị kê khai");
	expect(CLI("consolidate", "--request", REF, "--format", "csv"), 0,
	    "consolidate csv");
	assert_has(out,
	    "unit_code,unit_name,delegations_out,people_out,"
	    "delegations_in,people_in,conferences,agreements,"
	    "activities,source\r\n");
	assert_has(out,
	    "KT-NGOCHOI,UBND huyện Ngọc Hồi,0,0,2,20,1,0,3,"
	    "declared\r\n");
	assert_has(out, "KT-DAKTO,UBND huyện Đắk Tô,1,7,0,0,0,0,1,differ\r\n");
	assert_has(out,
	    ",Tổng cộng,2,12,3,24,1,0,6,declared=1; records=1; "
	    "agree=1; differ=1\r\n");
	/* The partners' total is the records'. */
	assert_has(out, ",Tổng cộng,2,8,1,4,0,0,3\r\n");
	expect(CLI("consolidate", "--request", REF, "--format", "html"), 0,
	    "consolidate html");
	assert_has(out, "<th>Nguồn số liệu</th>");
	assert_has(out, "kê khai</td>");
}

/* A request about one partner: what the offices declared is that
 * partner's, and the table by partner counts it as the units' does. */
static void
test_one_partner(void **state)
{
	struct harness *h = *state;
	char issued[16], due[16];
	json_object *o, *r;

	harness_day_text(-10, issued, sizeof(issued));
	harness_day_text(30, due, sizeof(due));
	expect(CLI("request", "create", REF2, "--issuer", "KT-SNGV", "--issued",
	           issued, "--title", "báo cáo về tỉnh Sê Kông", "--from",
	           "2023", "--due", due, "--partner", "Sê Kông", "--unit",
	           "KT-DAKTO", "--unit", "KT-NGOCHOI"),
	    0, "request about one partner");
	submit_to(h, REF2, "KT-DAKTO", "delegations_out: 1\npeople_out: 7\n");
	submit_to(h, REF2, "KT-NGOCHOI",
	    "delegations_in: 2\npeople_in: 20\nconferences: 1\n");
	expect(CLI("--json", "consolidate", "--request", REF2), 0,
	    "consolidate one partner");
	o = harness_json_parse(out);
	assert_int_equal(sub_int(o, "totals", "people_out"), 7);
	assert_int_equal(sub_int(o, "totals", "activities"), 4);
	r = row_of(o, "by_partner", "LA-XE");
	assert_int_equal(figure(r, "people_out"), 7);
	assert_int_equal(figure(r, "people_in"), 20);
	assert_int_equal(figure(r, "conferences"), 1);
	assert_int_equal(figure(r, "activities"), 4);
	assert_int_equal(sub_int(o, "partner_totals", "people_in"), 20);
	assert_int_equal(sub_int(o, "partner_totals", "activities"), 4);
	json_object_put(o);
	expect(CLI("consolidate", "--request", REF2, "--format", "md"), 0,
	    "consolidate md one partner");
	assert_has(out,
	    "| Sê Kông | 01 đoàn/07 người | 02 đoàn/20 người | 01 "
	    "| 0 | 04 |");
	assert_has(out,
	    "tính số liệu kê khai như bảng theo đơn vị, của: "
	    "UBND huyện Đắk Tô (chênh lệch); UBND huyện Ngọc "
	    "Hồi (kê khai).");
}

/* Accepted means frozen, partner by partner too: a record added after
 * Đắk Glei's report was accepted changes neither its row nor the table
 * by partner, and shows after acceptance. */
static void
test_accepted_partners(void **state)
{
	struct harness *h = *state;
	int64_t partner, total;
	json_object *o, *r, *list;

	expect(CLI("report", "accept", REF, "--unit", "KT-DAKGLEI"), 0,
	    "accept Đắk Glei");
	expect(CLI("--json", "report", "show", REF, "--unit", "KT-DAKGLEI"), 0,
	    "show accepted");
	o = harness_json_parse(out);
	assert_true(json_object_object_get_ex(o, "accepted_by_partner", &list));
	assert_int_equal(json_object_array_length(list), 1);
	r = json_object_array_get_idx(list, 0);
	assert_string_equal(harness_json_str(r, "partner_code"), "LA-XE");
	assert_int_equal(sub_int(r, "figures", "people_out"), 5);
	json_object_put(o);

	expect(CLI("--json", "consolidate", "--request", REF), 0,
	    "consolidate before");
	o = harness_json_parse(out);
	partner = figure(row_of(o, "by_partner", "LA-XE"), "people_out");
	total = sub_int(o, "partner_totals", "people_out");
	json_object_put(o);
	add_delegation(h, "KT-DAKGLEI", "dg-late", "delegation_out", "6");
	expect(CLI("--json", "consolidate", "--request", REF), 0,
	    "consolidate after");
	o = harness_json_parse(out);
	assert_int_equal(
	    figure(row_of(o, "by_partner", "LA-XE"), "people_out"), partner);
	assert_int_equal(sub_int(o, "partner_totals", "people_out"), total);
	assert_int_equal(
	    figure(row_of(o, "by_unit", "KT-DAKGLEI"), "people_out"), 5);
	assert_int_equal(
	    figure(row_of(o, "after_acceptance", "KT-DAKGLEI"), "people_out"),
	    6);
	json_object_put(o);
}

/* Frozen figures are the review's: a report sent with its own is
 * accepted at the records' word, not at its own. */
static void
test_accepted_not_sent(void **state)
{
	struct harness *h = *state;
	Hoptac__V1__SubmitReportRequest req =
	    HOPTAC__V1__SUBMIT_REPORT_REQUEST__INIT;
	Hoptac__V1__Figures forged = HOPTAC__V1__FIGURES__INIT;
	ProtobufCMessage *resp = NULL;
	struct rpc_client_status st;
	struct rpc_client *c = harness_client(h);
	Hoptac__V1__Report *r = NULL;
	char path[4096], id[37];
	json_object *o, *a;
	FILE *f;

	snprintf(path, sizeof(path), "%s/KT-NGOCHOI.txt", h->dir);
	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(report_file_read(f, &r, NULL), 0);
	fclose(f);
	rpc_new_id(id);
	assert_int_equal(pbstr_set(&r->id, id), 0);
	forged.people_in = 99;
	r->accepted = &forged;
	req.report = r;
	rpc_client_call(c, "/hoptac.v1.Reports/Submit", &req.base,
	    &hoptac__v1__submit_report_response__descriptor, &resp, NULL, &st);
	r->accepted = NULL;
	if (st.code != STATUS_OK)
		fail_msg("%s: %s", status_name(st.code), st.message);
	protobuf_c_message_free_unpacked(resp, NULL);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	rpc_client_close(c);

	expect(CLI("report", "accept", REF, "--unit", "KT-NGOCHOI"), 0,
	    "accept Ngọc Hồi");
	expect(CLI("--json", "report", "show", REF, "--unit", "KT-NGOCHOI"), 0,
	    "show accepted");
	o = harness_json_parse(out);
	assert_true(json_object_object_get_ex(o, "accepted", &a));
	assert_int_equal(harness_json_int(a, "people_in"), 0);
	json_object_put(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sources_json),
	    cmocka_unit_test(test_sources_documents),
	    cmocka_unit_test(test_one_partner),
	    cmocka_unit_test(test_accepted_partners),
	    cmocka_unit_test(test_accepted_not_sent),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
