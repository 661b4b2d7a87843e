/*
 * Timeliness that an office's clock cannot defeat. An office whose clock
 * runs days behind files after the due date: its claim counts only
 * within filing_tolerance before the server's receipt, so the report is
 * late, and the reviewer sees both times (request status, report show,
 * the consolidated report). A claim within the tolerance counts as it
 * is; the department (peer role) vouches for a paper report's day; a
 * bundle cannot carry a vouched day from an office.
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
#include <time.h>

#include "date.h"
#include "harness.h"
#include "harness_json.h"
#include "pbstr.h"
#include "report_file.h"
#include "rpc.h"
#include "status.h"

#define REF     "77/SNgV-BGHTQT"
#define HOUR_MS INT64_C(3600000)
#define DAY_MS  (24 * HOUR_MS)

static char out[256 * 1024];
static char err[16 * 1024];

#define CLI(...)                                                               \
	harness_cli(h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)

#define expect(got, want, what) harness_expect(got, want, what, out, err)

/* A report file for unit, answering REF. */
static void
write_report(const char *path, const char *unit)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f,
	    "request: %s\nunit: %s\nnumber: 12/BC-UBND\nplace: Kon Tum\n"
	    "signer: Nguyễn Văn A\ntitle: TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH\n\n"
	    "== situation\nKhông có hoạt động mới.\n",
	    REF, unit);
	fclose(f);
}

/* Submits unit's report as an office whose clock reads clock_ms (the
 * client library, as hoptac does, with that clock). */
static void
submit_with_clock(
    struct harness *h, const char *token, const char *unit, int64_t clock_ms)
{
	Hoptac__V1__SubmitReportRequest req =
	    HOPTAC__V1__SUBMIT_REPORT_REQUEST__INIT;
	ProtobufCMessage *resp = NULL;
	struct rpc_client_status st;
	struct rpc_client *c = harness_client_as(h, token);
	Hoptac__V1__Report *r = NULL;
	char path[4096], id[37];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.txt", h->dir, unit);
	write_report(path, unit);
	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(report_file_read(f, &r, NULL), 0);
	fclose(f);
	rpc_new_id(id);
	assert_int_equal(pbstr_set(&r->id, id), 0);
	r->submitted_at_ms = clock_ms;
	req.report = r;
	rpc_client_call(c, "/hoptac.v1.Reports/Submit", &req.base,
	    &hoptac__v1__submit_report_response__descriptor, &resp, NULL, &st);
	if (st.code != STATUS_OK)
		fail_msg("%s: %s", status_name(st.code), st.message);
	protobuf_c_message_free_unpacked(resp, NULL);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	rpc_client_close(c);
}

/* unit's entry in the JSON of request status (out), or fails. */
static json_object *
entry_of(json_object *o, const char *unit)
{
	json_object *entries;

	assert_true(json_object_object_get_ex(o, "entries", &entries));
	for (size_t i = 0; i < json_object_array_length(entries); i++) {
		json_object *e = json_object_array_get_idx(entries, i);

		if (strcmp(harness_json_str(e, "unit_code"), unit) == 0)
			return e;
	}
	fail_msg("no entry for %s in %s", unit, out);
	return NULL;
}

static void
assert_has(const char *text, const char *part)
{
	if (strstr(text, part) == NULL)
		fail_msg("\"%s\" is not in: %s", part, text);
}

/* "2024-05-10 09:00" for a time, as the tables write it (Vietnam). */
static void
minute_text(int64_t ms, char *buf, size_t len)
{
	time_t s = (time_t)(ms / 1000) + 7L * 3600;
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

/* Registers the registry's units on the running server and issues the
 * request REF, due due_offset days from today, to four of them. */
static void
open_round(struct harness *h, int due_offset)
{
	char issued[16], due[16];

	expect(CLI("unit", "import", harness_data("units-2024.csv")), 0,
	    "unit import");
	harness_day_text(-10, issued, sizeof(issued));
	harness_day_text(due_offset, due, sizeof(due));
	expect(CLI("request", "create", REF, "--issuer", "KT-SNGV", "--issued",
	           issued, "--title", "báo cáo tháng", "--from", "2024",
	           "--due", due, "--unit", "KT-DAKGLEI", "--unit", "KT-DAKTO",
	           "--unit", "KT-NGOCHOI", "--unit", "DB-STNMT"),
	    0, "request create");
}

/* An office credential for unit; its token into out (128 bytes). */
static void
office_of(struct harness *h, const char *unit, char *token)
{
	harness_issue(
	    h, unit, 1u << HOPTAC__V1__ROLE__ROLE_OFFICE, unit, token, 128);
}

/* request status --json: the parsed output (the caller puts it). */
static json_object *
status_json(struct harness *h)
{
	json_object *o;

	expect(CLI("--json", "request", "status", REF), 0, "status");
	if ((o = json_tokener_parse(out)) == NULL)
		fail_msg("not JSON: %s", out);
	return o;
}

/* unit's entry is timeliness t and counted the receipt less lag_ms. */
static void
assert_counted(json_object *o, const char *unit, const char *t, int64_t lag_ms)
{
	json_object *e = entry_of(o, unit);

	assert_string_equal(harness_json_str(e, "timeliness"), t);
	if (harness_json_int(e, "filed_at_ms") !=
	    harness_json_int(e, "received_at_ms") - lag_ms)
		fail_msg("%s: filed_at_ms is not received_at_ms - %lld: %s",
		    unit, (long long)lag_ms, json_object_to_json_string(e));
}

static void
test_clock_behind(void **state)
{
	struct harness hs, *h = &hs;
	char office[128], office2[128], office3[128], filed[16];
	char claimed[32], received[32], counted[32], want[256], path[4096];
	int64_t before, claim, got;
	json_object *o, *e;

	(void)state;
	harness_start(h, HARNESS_TCP, 0);
	open_round(h, -3);
	office_of(h, "KT-DAKGLEI", office);
	office_of(h, "KT-DAKTO", office2);
	office_of(h, "KT-NGOCHOI", office3);

	/* Đắk Glei's clock runs four days behind: it files today, after
	 * the due date, and its clock says a day before the due date. */
	before = rpc_wall_ms();
	claim = before - 4 * DAY_MS;
	submit_with_clock(h, office, "KT-DAKGLEI", claim);
	/* Đắk Tô's runs an hour behind: within the tolerance, counted. */
	submit_with_clock(h, office2, "KT-DAKTO", before - HOUR_MS);
	/* Ngọc Hồi's office says --filed, the day before the due date:
	 * from an office that is a claim like its clock. */
	harness_day_text(-4, filed, sizeof(filed));
	snprintf(path, sizeof(path), "%s/ngochoi.txt", h->dir);
	write_report(path, "KT-NGOCHOI");
	setenv("HOPTAC_TOKEN", office3, 1);
	expect(CLI("report", "submit", path, "--filed", filed), 0,
	    "office --filed");
	unsetenv("HOPTAC_TOKEN");
	/* The department enters Điện Biên's paper report with the day it
	 * was handed over: vouched for, it counts. */
	snprintf(path, sizeof(path), "%s/stnmt.txt", h->dir);
	write_report(path, "DB-STNMT");
	expect(CLI("report", "submit", path, "--filed", filed), 0,
	    "department --filed");

	o = status_json(h);
	/* Six hours, the default tolerance, before the receipt. */
	assert_counted(o, "KT-DAKGLEI", "TIMELINESS_LATE", 6 * HOUR_MS);
	assert_counted(o, "KT-NGOCHOI", "TIMELINESS_LATE", 6 * HOUR_MS);
	e = entry_of(o, "KT-DAKGLEI");
	assert_true(harness_json_int(e, "submitted_at_ms") == claim);
	got = harness_json_int(e, "received_at_ms");
	assert_true(got >= before && got <= rpc_wall_ms());
	e = entry_of(o, "KT-DAKTO");
	assert_string_equal(
	    harness_json_str(e, "timeliness"), "TIMELINESS_LATE");
	assert_true(harness_json_int(e, "filed_at_ms") == before - HOUR_MS);
	e = entry_of(o, "DB-STNMT");
	assert_string_equal(
	    harness_json_str(e, "timeliness"), "TIMELINESS_DELIVERED_LATE");
	assert_true(harness_json_int(e, "filed_at_ms") ==
	    harness_json_int(e, "submitted_at_ms"));
	assert_int_equal(harness_json_int(o, "late"), 3);
	assert_int_equal(harness_json_int(o, "delivered_late"), 1);

	/* The reviewer sees both times, and what counted. */
	e = entry_of(o, "KT-DAKGLEI");
	minute_text(claim, claimed, sizeof(claimed));
	minute_text(got, received, sizeof(received));
	minute_text(
	    harness_json_int(e, "filed_at_ms"), counted, sizeof(counted));
	json_object_put(o);
	expect(CLI("request", "status", REF), 0, "status table");
	assert_has(out, "FILED");
	assert_has(out, "RECEIVED");
	snprintf(want, sizeof(want), "%s (counted %s)", claimed, counted);
	assert_has(out, want);
	assert_has(out, received);
	expect(CLI("report", "show", REF, "--unit", "KT-DAKGLEI"), 0, "show");
	snprintf(want, sizeof(want),
	    "# filed %s (counted %s) by the office's clock, received %s",
	    claimed, counted, received);
	assert_has(out, want);
	expect(CLI("consolidate", "--request", REF), 0, "consolidate");
	assert_has(out, "Gửi sau hạn: 03 đơn vị");
	assert_has(out, "UBND huyện Đắk Glei (đơn vị ghi gửi ngày");
	harness_stop(h);
	harness_cleanup(h);
}

/* filing_tolerance = 0: an office's claim never counts before the
 * receipt; a value without its unit is refused at start. */
static void
test_tolerance_configured(void **state)
{
	struct harness hs, *h = &hs;
	char office[128], log[4096];
	json_object *o;

	(void)state;
	harness_prepare(h, HARNESS_TCP, 0);
	harness_args(h, "-o", "filing_tolerance=6 hours", NULL);
	assert_int_equal(harness_start_fails(h, log, sizeof(log)), 78);
	assert_has(log, "filing_tolerance");
	harness_args(h, "-o", "filing_tolerance=0", NULL);
	harness_restart(h);
	open_round(h, 3);
	office_of(h, "KT-DAKGLEI", office);
	submit_with_clock(h, office, "KT-DAKGLEI", rpc_wall_ms() - HOUR_MS);
	o = status_json(h);
	assert_counted(o, "KT-DAKGLEI", "TIMELINESS_ON_TIME", 0);
	json_object_put(o);
	harness_stop(h);
	harness_cleanup(h);
}

/* An office with no link queues a report with --filed and carries the
 * bundle; the department applies it with its peer credential. The day
 * in the office's queued call is a claim, not the department's word:
 * it counts only within the tolerance of the receipt. The department's
 * word is --handed-over: the day it was given the bundle counts. */
static void
test_bundle_vouches_nothing(void **state)
{
	struct harness hs, *h = &hs;
	char filed[16], office[128], office2[128], path[4096], bundle[4096];
	char key2[4096], outbox2[4096];
	json_object *o, *e;

	(void)state;
	harness_start(h, HARNESS_TCP, 0);
	open_round(h, -3);
	office_of(h, "KT-DAKGLEI", office);
	office_of(h, "KT-DAKTO", office2);
	/* Each office signs its bundle with a key of its own. */
	snprintf(key2, sizeof(key2), "%s/dakto.key", h->dir);
	snprintf(outbox2, sizeof(outbox2), "%s/dakto.outbox", h->dir);
	setenv("HOPTAC_TOKEN", office, 1);
	expect(CLI("key", "register"), 0, "Đắk Glei's signing key");
	setenv("HOPTAC_TOKEN", office2, 1);
	setenv("HOPTAC_KEY", key2, 1);
	expect(CLI("key", "register"), 0, "Đắk Tô's signing key");
	unsetenv("HOPTAC_KEY");
	unsetenv("HOPTAC_TOKEN");
	harness_stop(h);
	harness_day_text(-4, filed, sizeof(filed));
	snprintf(path, sizeof(path), "%s/dakglei.txt", h->dir);
	write_report(path, "KT-DAKGLEI");
	setenv("HOPTAC_TOKEN", office, 1);
	expect(
	    CLI("--timeout", "300", "report", "submit", path, "--filed", filed),
	    0, "queued");
	assert_has(out, "queued");
	snprintf(bundle, sizeof(bundle), "%s/office.bundle", h->dir);
	expect(CLI("export", bundle, "--unit", "KT-DAKGLEI"), 0, "export");
	unsetenv("HOPTAC_TOKEN");
	harness_restart(h);
	expect(CLI("bundle", "apply", bundle), 0, "apply");
	o = status_json(h);
	assert_counted(o, "KT-DAKGLEI", "TIMELINESS_LATE", 6 * HOUR_MS);
	json_object_put(o);

	/* Đắk Tô's bundle, handed over the day before the due date. */
	harness_stop(h);
	snprintf(path, sizeof(path), "%s/dakto.txt", h->dir);
	write_report(path, "KT-DAKTO");
	/* Đắk Tô's own machine: its outbox and its key. */
	setenv("HOPTAC_TOKEN", office2, 1);
	setenv("HOPTAC_KEY", key2, 1);
	expect(CLI("--outbox", outbox2, "--timeout", "300", "report", "submit",
	           path),
	    0, "queued");
	expect(CLI("--outbox", outbox2, "export", bundle, "--unit", "KT-DAKTO"),
	    0, "export");
	unsetenv("HOPTAC_KEY");
	unsetenv("HOPTAC_TOKEN");
	harness_restart(h);
	expect(CLI("bundle", "apply", bundle, "--handed-over", "32/1/2024"), 2,
	    "not a date");
	expect(CLI("bundle", "apply", bundle, "--handed-over", filed), 0,
	    "apply handed over");
	o = status_json(h);
	e = entry_of(o, "KT-DAKTO");
	assert_string_equal(
	    harness_json_str(e, "timeliness"), "TIMELINESS_DELIVERED_LATE");
	/* Noon of the day it was handed over, Vietnam time. */
	assert_int_equal(
	    (harness_json_int(e, "filed_at_ms") / 1000 + 7L * 3600) % 86400,
	    12 * 3600);
	assert_true(harness_json_int(e, "filed_at_ms") <
	    harness_json_int(e, "received_at_ms") - 2 * DAY_MS);
	/* Đắk Glei's first answer stands. */
	assert_counted(o, "KT-DAKGLEI", "TIMELINESS_LATE", 6 * HOUR_MS);
	json_object_put(o);
	harness_stop(h);
	harness_cleanup(h);
}

/* unit's entry is on time, received the day its paper arrived (noon). */
static void
assert_paper_day(json_object *o, const char *unit, int64_t noon)
{
	json_object *e = entry_of(o, unit);

	assert_string_equal(
	    harness_json_str(e, "timeliness"), "TIMELINESS_ON_TIME");
	assert_true(harness_json_int(e, "paper_received_at_ms") == noon);
	assert_true(harness_json_int(e, "received_at_ms") == noon);
}

/* The audit trail holds a call of method whose target is want. */
static void
assert_audited(struct harness *h, const char *method, const char *want)
{
	json_object *a, *entries;
	int found = 0;

	expect(CLI("--json", "audit", "--method", method), 0, "audit");
	assert_non_null(a = json_tokener_parse(out));
	assert_true(json_object_object_get_ex(a, "entries", &entries));
	for (size_t i = 0; i < json_object_array_length(entries); i++)
		found |=
		    strcmp(harness_json_str(
		               json_object_array_get_idx(entries, i), "target"),
		        want) == 0;
	json_object_put(a);
	if (!found)
		fail_msg("no audit entry \"%s\": %s", want, out);
}

/* "2024-05-10" for noon of the day offset days from today (Vietnam). */
static int64_t
noon_of(int offset, char *iso, size_t len)
{
	int64_t day = (rpc_wall_ms() / 1000 + 7L * 3600) / 86400 + offset;
	int64_t ms = (day * 86400 - 7L * 3600 + 12L * 3600) * 1000;

	minute_text(ms, iso, len);
	iso[10] = '\0';
	return ms;
}

/* Paper reports arrive late and are entered days later: the department
 * records the day each arrived (--received, its word as a peer), and
 * timeliness counts that day, not the day of typing. An office cannot. */
static void
test_paper_received(void **state)
{
	struct harness hs, *h = &hs;
	char office[128], filed[16], recv[16], recv2[16], path[4096], iso[32];
	char want[256], day[32];
	int64_t noon;
	json_object *o, *e;

	(void)state;
	harness_start(h, HARNESS_TCP, 0);
	open_round(h, -3);
	office_of(h, "KT-NGOCHOI", office);
	harness_day_text(-5, filed, sizeof(filed));
	harness_day_text(-4, recv, sizeof(recv));
	harness_day_text(-2, recv2, sizeof(recv2));

	/* Điện Biên's paper arrived the day before the due date; entered
	 * today, it is on time. */
	snprintf(path, sizeof(path), "%s/stnmt.txt", h->dir);
	write_report(path, "DB-STNMT");
	expect(
	    CLI("report", "submit", path, "--filed", filed, "--received", recv),
	    0, "paper received before the due date");
	noon = noon_of(-4, iso, sizeof(iso));
	minute_text(noon, day, sizeof(day));
	snprintf(want, sizeof(want),
	    "paper report received %s (recorded by the department)", day);
	assert_has(out, want);
	/* Đắk Tô's, filed in time, arrived after the due date. */
	snprintf(path, sizeof(path), "%s/dakto.txt", h->dir);
	write_report(path, "KT-DAKTO");
	expect(CLI("report", "submit", path, "--filed", filed, "--received",
	           recv2),
	    0, "paper received after the due date");
	/* A filing after the paper's arrival cannot be. */
	snprintf(path, sizeof(path), "%s/dakglei.txt", h->dir);
	write_report(path, "KT-DAKGLEI");
	expect(
	    CLI("report", "check", path, "--filed", recv2, "--received", recv),
	    3, "filed after received");
	assert_has(err, "ngày gửi sau ngày nhận");

	/* An office cannot say when its paper arrived. */
	snprintf(path, sizeof(path), "%s/ngochoi.txt", h->dir);
	write_report(path, "KT-NGOCHOI");
	setenv("HOPTAC_TOKEN", office, 1);
	expect(CLI("report", "submit", path, "--received", recv), 77,
	    "office --received");
	unsetenv("HOPTAC_TOKEN");
	assert_has(err, "hint: your credential's role or unit does not allow");
	assert_has(err, "--received");

	o = status_json(h);
	assert_paper_day(o, "DB-STNMT", noon);
	e = entry_of(o, "KT-DAKTO");
	assert_string_equal(
	    harness_json_str(e, "timeliness"), "TIMELINESS_DELIVERED_LATE");
	e = entry_of(o, "KT-NGOCHOI");
	assert_string_equal(
	    harness_json_str(e, "timeliness"), "TIMELINESS_MISSING");
	json_object_put(o);
	expect(CLI("request", "status", REF), 0, "status table");
	snprintf(want, sizeof(want), "%s (giấy)", day);
	assert_has(out, want);
	/* The audit trail keeps the day with the call. */
	snprintf(want, sizeof(want),
	    "report of DB-STNMT to %s, paper received %s", REF, iso);
	assert_audited(h, "Reports/Submit", want);
	harness_stop(h);
	harness_cleanup(h);
}

/* The paper of a report entered without its day arrives on the
 * reviewer's desk: accept or return records the day it arrived
 * (--received), audited, and timeliness counts it. Not a day to come,
 * nor one before the request was issued. */
static void
test_received_at_review(void **state)
{
	struct harness hs, *h = &hs;
	char filed[16], recv[16], later[16], early[16], path[4096], iso[32];
	char want[256];
	int64_t noon;
	json_object *o, *e;

	(void)state;
	harness_start(h, HARNESS_TCP, 0);
	open_round(h, -3);
	harness_day_text(-5, filed, sizeof(filed));
	harness_day_text(-4, recv, sizeof(recv));
	harness_day_text(1, later, sizeof(later));
	harness_day_text(-11, early, sizeof(early));
	noon = noon_of(-4, iso, sizeof(iso));
	/* Filed before the due date, entered today: received late. */
	snprintf(path, sizeof(path), "%s/stnmt.txt", h->dir);
	write_report(path, "DB-STNMT");
	expect(CLI("report", "submit", path, "--filed", filed), 0,
	    "entered without the paper's day");
	snprintf(path, sizeof(path), "%s/dakto.txt", h->dir);
	write_report(path, "KT-DAKTO");
	expect(CLI("report", "submit", path, "--filed", filed), 0,
	    "another entered without the paper's day");
	o = status_json(h);
	assert_string_equal(
	    harness_json_str(entry_of(o, "DB-STNMT"), "timeliness"),
	    "TIMELINESS_DELIVERED_LATE");
	json_object_put(o);

	expect(CLI("report", "accept", REF, "--unit", "DB-STNMT", "--received",
	           later),
	    3, "a paper received tomorrow");
	assert_has(err, "tương lai");
	expect(CLI("report", "accept", REF, "--unit", "DB-STNMT", "--received",
	           early),
	    3, "a paper received before the request");
	assert_has(err, "trước ngày ban hành");
	expect(CLI("report", "accept", REF, "--unit", "DB-STNMT", "--received",
	           "32/1/2024"),
	    2, "not a date");
	expect(CLI("report", "show", REF, "--unit", "DB-STNMT", "--received",
	           recv),
	    2, "show takes no --received");
	expect(CLI("report", "accept", REF, "--unit", "DB-STNMT", "--received",
	           recv),
	    0, "accepted with the paper's day");
	assert_has(out, "paper report received");
	expect(CLI("report", "return", REF, "--unit", "KT-DAKTO", "--reason",
	           "thiếu số liệu", "--received", recv),
	    0, "returned with the paper's day");

	o = status_json(h);
	assert_paper_day(o, "DB-STNMT", noon);
	e = entry_of(o, "KT-DAKTO");
	assert_string_equal(
	    harness_json_str(e, "timeliness"), "TIMELINESS_ON_TIME");
	json_object_put(o);
	snprintf(want, sizeof(want),
	    "report of DB-STNMT to %s revision 1, paper received %s", REF, iso);
	assert_audited(h, "Reports/Review", want);
	harness_stop(h);
	harness_cleanup(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clock_behind),
	    cmocka_unit_test(test_tolerance_configured),
	    cmocka_unit_test(test_bundle_vouches_nothing),
	    cmocka_unit_test(test_paper_received),
	    cmocka_unit_test(test_received_at_review),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
