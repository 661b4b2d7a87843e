/*
 * The reorganization of 1 July 2025 enforced, through the real hoptacd
 * and hoptac: a unit records activities only within its validity, and
 * a refusal names the unit that records them instead; a successor's
 * office enters its predecessor's history under the predecessor.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "harness_json.h"

#define OFFICE (1u << HOPTAC__V1__ROLE__ROLE_OFFICE)

static char out[64 * 1024];
static char err[64 * 1024];

struct fixture {
	struct harness h;
	char commune[128]; /* QNG-XA-DAKGLEI's, formed 1/7/2025 */
	char other[128];   /* QNG-XA-DAKTO's, another district's successor */
};

#define expect(got, want, what) harness_expect(got, want, what, out, err)

/* hoptac activity add for unit with token, dated start. */
static int
add_as(struct fixture *f, const char *token, const char *unit, const char *id,
    const char *start)
{
	int rc;

	setenv("HOPTAC_TOKEN", token, 1);
	rc = harness_cli(&f->h, out, sizeof(out), err, sizeof(err), "activity",
	    "add", "--unit", unit, "--id", id, "--partner", "LA-XE", "--kind",
	    "delegation_in", "--start", start, "--title",
	    "Đoàn công tác tỉnh Sê Kông", NULL);
	unsetenv("HOPTAC_TOKEN");
	return rc;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	harness_start(&f->h, HARNESS_TCP, 0);
	expect(harness_cli(&f->h, out, sizeof(out), err, sizeof(err), "unit",
	           "import", harness_data("../../deploy/registry/units.csv"),
	           NULL),
	    0, "units");
	harness_issue(&f->h, "Văn thư xã Đắk Glei", OFFICE, "QNG-XA-DAKGLEI",
	    f->commune, sizeof(f->commune));
	harness_issue(&f->h, "Văn thư xã Đắk Tô", OFFICE, "QNG-XA-DAKTO",
	    f->other, sizeof(f->other));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	harness_cleanup(&f->h);
	free(f);
	return 0;
}

/* A district that ended on 30/6/2025 records nothing after it. */
static void
test_ended_district_refused(void **state)
{
	struct fixture *f = *state;
	struct rpc_client *c;

	expect(add_as(f, f->h.token, "KT-DAKGLEI", "dg-2025-08", "15/8/2025"),
	    3, "after the district ended");
	assert_non_null(strstr(err, "30/6/2025"));
	assert_non_null(strstr(err, "QNG-XA-DAKGLEI"));
	assert_non_null(strstr(err, "đơn vị kế tiếp"));
	expect(add_as(f, f->h.token, "KT-DAKGLEI", "dg-2025-06", "20/6/2025"),
	    0, "before it ended");
	c = harness_client(&f->h);
	assert_int_equal(harness_count(c, "KT-DAKGLEI"), 1);
	rpc_client_close(c);
}

/* A commune formed on 1/7/2025 records nothing before it. */
static void
test_new_commune_refused_before(void **state)
{
	struct fixture *f = *state;

	expect(add_as(f, f->commune, "QNG-XA-DAKGLEI", "xa-2025-03", "3/2025"),
	    3, "before the commune was formed");
	assert_non_null(strstr(err, "1/7/2025"));
	assert_non_null(strstr(err, "KT-DAKGLEI"));
	assert_non_null(strstr(err, "tiền thân"));
	expect(add_as(f, f->commune, "QNG-XA-DAKGLEI", "xa-2025-09", "9/2025"),
	    0, "after it was formed");
}

/* The commune's office enters its predecessor's history, under the
 * predecessor, dated before the change; not after it, and not another
 * district's. */
static void
test_successor_records_history(void **state)
{
	struct fixture *f = *state;
	struct rpc_client *c;

	expect(add_as(f, f->commune, "KT-DAKGLEI", "dg-2025-03", "12/3/2025"),
	    0, "the predecessor's March activity");
	expect(add_as(f, f->commune, "KT-DAKGLEI", "dg-2025-10", "2/10/2025"),
	    3, "the predecessor's, after it ended");
	assert_non_null(strstr(err, "QNG-XA-DAKGLEI"));
	expect(add_as(f, f->other, "KT-DAKGLEI", "dg-2025-04", "12/4/2025"), 77,
	    "another district's successor");
	c = harness_client(&f->h);
	assert_int_equal(harness_count(c, "KT-DAKGLEI"), 2);
	rpc_client_close(c);
}

/* An amendment moving an activity outside its unit's validity is
 * refused, and the stored one stays. */
static void
test_amend_outside_refused(void **state)
{
	struct fixture *f = *state;

	expect(add_as(f, f->h.token, "KT-DAKGLEI", "dg-2025-05", "5/5/2025"), 0,
	    "a May activity");
	setenv("HOPTAC_TOKEN", f->h.token, 1);
	expect(
	    harness_cli(&f->h, out, sizeof(out), err, sizeof(err), "activity",
	        "amend", "dg-2025-05", "--start", "5/9/2025", NULL),
	    3, "moved past the end");
	unsetenv("HOPTAC_TOKEN");
	assert_non_null(strstr(err, "QNG-XA-DAKGLEI"));
}

/* A request issued after the reorganization cannot ask a district that
 * ended; one issued before it still can. */
static void
test_request_to_ended_unit_refused(void **state)
{
	struct fixture *f = *state;

	expect(harness_cli(&f->h, out, sizeof(out), err, sizeof(err), "request",
	           "create", "12/SNgV-2025", "--issuer", "QNG-SNGV", "--issued",
	           "1/9/2025", "--title", "báo cáo quý III", "--from", "7/2025",
	           "--due", "30/9/2025", "--unit", "KT-DAKGLEI", NULL),
	    3, "a request to an ended district");
	assert_non_null(strstr(err, "QNG-XA-DAKGLEI"));
	assert_non_null(strstr(err, "30/6/2025"));
	expect(harness_cli(&f->h, out, sizeof(out), err, sizeof(err), "request",
	           "create", "12/SNgV-2025", "--issuer", "QNG-SNGV", "--issued",
	           "1/9/2025", "--title", "báo cáo quý III", "--from", "7/2025",
	           "--due", "30/9/2025", "--unit", "QNG-XA-DAKGLEI", NULL),
	    0, "the same to its successor");
	expect(harness_cli(&f->h, out, sizeof(out), err, sizeof(err), "request",
	           "create", "5/SNgV-2025", "--issuer", "KT-SNGV", "--issued",
	           "2/5/2025", "--title", "báo cáo 6 tháng", "--from", "1/2025",
	           "--due", "20/6/2025", "--unit", "KT-DAKGLEI", NULL),
	    0, "one issued before the change");
}

/* The units of today leave out those that ended. */
static void
test_unit_list_of_today(void **state)
{
	struct fixture *f = *state;

	expect(harness_cli(&f->h, out, sizeof(out), err, sizeof(err), "unit",
	           "list", "--all", NULL),
	    0, "units of the past");
	assert_non_null(strstr(out, "UBND huyện Đắk Glei"));
	expect(harness_cli(&f->h, out, sizeof(out), err, sizeof(err), "unit",
	           "list", NULL),
	    0, "units of today");
	assert_null(strstr(out, "UBND huyện Đắk Glei"));
}

/* hoptac with the department's credential (reviewer, admin, peer). */
#define CLI(...)                                                               \
	harness_cli(                                                           \
	    &f->h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)

/* An administrator amends a unit's validity and successors, audited;
 * what is recorded from then on follows the new validity. */
static void
test_unit_amend(void **state)
{
	struct fixture *f = *state;

	expect(CLI("unit", "add", "T-XA", "UBND xã Thử", "--kind",
	           "commune_committee", "--province", "Quảng Ngãi"),
	    0, "unit add");
	expect(add_as(f, f->h.token, "T-XA", "t-2025-08a", "10/8/2025"), 0,
	    "before the amendment");
	setenv("HOPTAC_TOKEN", f->commune, 1);
	expect(CLI("unit", "amend", "T-XA", "--to", "31/7/2025"), 77,
	    "an office amends");
	unsetenv("HOPTAC_TOKEN");
	expect(CLI("unit", "amend", "T-XA", "--to", "31/7/2025", "--successor",
	           "QNG-XA-DAKTO", "--name", "UBND xã Thử (cũ)"),
	    0, "amend");
	assert_non_null(strstr(out, "2025-07-31"));
	expect(CLI("unit", "amend", "T-XA", "--successor", "KT-NOWHERE"), 3,
	    "an unknown successor");
	expect(add_as(f, f->h.token, "T-XA", "t-2025-08b", "15/8/2025"), 3,
	    "after the new end");
	assert_non_null(strstr(err, "QNG-XA-DAKTO"));
	assert_non_null(strstr(err, "31/7/2025"));
	expect(CLI("unit", "list", "--all"), 0, "list");
	assert_non_null(strstr(out, "UBND xã Thử (cũ)"));
	expect(CLI("audit", "--method", "Units/Amend"), 0, "audit");
	assert_non_null(strstr(out, "T-XA"));
	expect(CLI("unit", "amend", "T-XA", "--clear", "valid_to", "--clear",
	           "successor_codes"),
	    0, "amend back");
	expect(add_as(f, f->h.token, "T-XA", "t-2025-08b", "15/8/2025"), 0,
	    "after the end is cleared");
	expect(CLI("unit", "amend", "T-XA", "--clear", "name"), 3,
	    "the name cannot be emptied");
}

/* No credential is issued for a unit that has ended; one issued while
 * its unit existed is refused from the day after it ended, naming the
 * successor whose office is to be used. */
static void
test_credential_of_ended_unit(void **state)
{
	struct fixture *f = *state;
	char yesterday[16];

	expect(CLI("admin", "issue", "--name", "Mới", "--role", "office",
	           "--unit", "KT-DAKTO"),
	    3, "issue for an ended district");
	assert_non_null(strstr(err, "QNG-XA-DAKTO"));
	harness_day_text(-1, yesterday, sizeof(yesterday));
	expect(CLI("unit", "amend", "QNG-XA-DAKGLEI", "--to", yesterday,
	           "--successor", "QNG-XA-DAKTO"),
	    0, "the commune ends yesterday");
	setenv("HOPTAC_TOKEN", f->commune, 1);
	expect(CLI("whoami"), 77, "the ended commune's office");
	unsetenv("HOPTAC_TOKEN");
	assert_non_null(strstr(err, "QNG-XA-DAKTO"));
	assert_non_null(strstr(err, "đơn vị kế tiếp"));
	setenv("HOPTAC_TOKEN", f->other, 1);
	expect(CLI("whoami"), 0, "its successor's office");
	unsetenv("HOPTAC_TOKEN");
}

/* Activities a rolled-up summary of unit counts (the totals of
 * hoptac --json summary args...). */
static int64_t
rolled_up(struct fixture *f, const char *a0, const char *a1, const char *a2,
    const char *a3, const char *a4, const char *a5)
{
	json_object *o, *fig;
	int64_t n = -1;

	expect(CLI("--json", "summary", a0, a1, a2, a3, a4, a5, "--rollup"), 0,
	    "summary");
	o = json_tokener_parse(out);
	assert_non_null(o);
	if (json_object_object_get_ex(o, "totals", &fig))
		n = harness_json_int(fig, "activities");
	json_object_put(o);
	return n;
}

/* A roll-up attributes over time: a request for a period after the
 * change never counts the predecessor's records, even one dated after
 * its end that was stored before the end was registered; a period
 * before the change counts the predecessor's under its successor. */
static void
test_rollup_over_time(void **state)
{
	struct fixture *f = *state;

	expect(CLI("unit", "add", "T-HUYEN", "UBND huyện Thử", "--kind",
	           "district_committee", "--province", "Quảng Ngãi"),
	    0, "district");
	expect(CLI("unit", "add", "T-XA2", "UBND xã Thử Hai", "--kind",
	           "commune_committee", "--province", "Quảng Ngãi", "--from",
	           "1/7/2025"),
	    0, "commune");
	expect(
	    add_as(f, f->h.token, "T-HUYEN", "th-03", "10/3/2025"), 0, "March");
	expect(add_as(f, f->h.token, "T-HUYEN", "th-08", "15/8/2025"), 0,
	    "August, before the end was registered");
	expect(add_as(f, f->h.token, "T-XA2", "tx-09", "20/9/2025"), 0,
	    "September");
	expect(CLI("unit", "amend", "T-HUYEN", "--to", "30/6/2025",
	           "--successor", "T-XA2"),
	    0, "the district ends");
	expect(CLI("request", "create", "9/SNgV-Q3", "--issuer", "QNG-SNGV",
	           "--issued", "1/10/2025", "--title", "báo cáo quý III",
	           "--from", "7/2025", "--to", "9/2025", "--due", "20/10/2025",
	           "--unit", "T-XA2"),
	    0, "a request for the third quarter");
	assert_int_equal(rolled_up(f, "--request", "9/SNgV-Q3", "--unit",
	                     "T-XA2", "--by", "unit"),
	    1);
	assert_int_equal(rolled_up(f, "--from", "1/2025", "--to", "6/2025",
	                     "--unit", "T-XA2"),
	    1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ended_district_refused),
	    cmocka_unit_test(test_new_commune_refused_before),
	    cmocka_unit_test(test_successor_records_history),
	    cmocka_unit_test(test_amend_outside_refused),
	    cmocka_unit_test(test_request_to_ended_unit_refused),
	    cmocka_unit_test(test_unit_list_of_today),
	    cmocka_unit_test(test_unit_amend),
	    cmocka_unit_test(test_credential_of_ended_unit),
	    cmocka_unit_test(test_rollup_over_time),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
