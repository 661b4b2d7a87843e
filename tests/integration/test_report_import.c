/*
 * From a document to the consolidated report through the real hoptac
 * and hoptacd: both seed documents taken in with report import, checked
 * and submitted as they come out; the activities import proposes are
 * not recorded until the clerk confirms them.
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

#define REF   "558/SNgV-BGHTQT"
#define SEEDS HOPTAC_SOURCE_DIR "/tests/data/seeds/"

static char out[512 * 1024];
static char err[64 * 1024];

#define CLI(...)                                                               \
	harness_cli(h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)

#define expect(got, want, what) harness_expect(got, want, what, out, err)

static int
setup(void **state)
{
	static struct harness hs;
	struct harness *h = &hs;
	char issued[16], due[16];

	harness_start(h, HARNESS_TCP, 0);
	expect(CLI("unit", "import", harness_data("units-2024.csv")), 0,
	    "unit import");
	expect(CLI("import", harness_data("dak-glei-2024.csv")), 0, "import");
	harness_day_text(-10, issued, sizeof(issued));
	harness_day_text(5, due, sizeof(due));
	expect(CLI("request", "create", REF, "--issuer", "KT-SNGV", "--issued",
	           issued, "--title",
	           "báo cáo tình hình hợp tác với tỉnh Sê Kông (Lào)", "--from",
	           "tháng 11/2022", "--due", due, "--partner", "Sê Kông",
	           "--unit", "KT-DAKGLEI"),
	    0, "request create");
	expect(CLI("request", "create", "720/SNgV-KTĐN", "--issuer", "DB-SNGV",
	           "--issued", "24/8/2021", "--title",
	           "báo cáo kết quả hợp tác với các tỉnh Bắc Lào", "--from",
	           "2017", "--due", "10/9/2021", "--unit", "DB-STNMT"),
	    0, "request create 720");
	*state = h;
	return 0;
}

/* The Đắk Glei document: imported, checked and submitted unchanged;
 * its figures are the document's, compared with the records. */
static void
test_dak_glei(void **state)
{
	struct harness *h = *state;
	char report[400], csv[400];

	snprintf(report, sizeof(report), "%s/dak-glei.report.txt", h->dir);
	snprintf(csv, sizeof(csv), "%s/dak-glei.csv", h->dir);
	expect(
	    CLI("report", "import", SEEDS "kon-tum-dak-glei-2024.txt", "--unit",
	        "KT-DAKGLEI", "--output", report, "--activities", csv),
	    0, "report import");
	assert_non_null(strstr(err, "4 result sections"));
	assert_non_null(strstr(err, "0 lines not placed"));
	expect(CLI("report", "check", report), 0, "report check");
	assert_non_null(
	    strstr(out, "check: the report is valid and was not sent"));
	assert_non_null(strstr(out,
	    "declared: đoàn ra 02 đoàn/10 người, "
	    "đoàn vào 02 đoàn/24 người, hội nghị 1, "
	    "thỏa thuận 1"));
	expect(CLI("report", "submit", report), 0, "report submit");
	assert_non_null(strstr(
	    out, "report of KT-DAKGLEI to " REF ": revision 1, submitted"));

	/* The proposed activities are refused until the clerk confirms
	 * each one, so nothing is recorded unconfirmed. */
	expect(CLI("activity", "list", "--unit", "KT-DAKGLEI"), 0, "before");
	{
		char *before = strdup(out);

		assert_non_null(before);
		expect(CLI("import", csv), 3, "import of proposed rows");
		assert_non_null(strstr(
		    err, "dak-glei.csv:2: confirmed: not confirmed yet"));
		assert_non_null(strstr(
		    err, "dak-glei.csv:3: confirmed: not confirmed yet"));
		expect(CLI("activity", "list", "--unit", "KT-DAKGLEI"), 0,
		    "after");
		assert_string_equal(out, before);
		free(before);
	}
}

/* The Điện Biên document: a nil report, taken as one. */
static void
test_dien_bien(void **state)
{
	struct harness *h = *state;
	char report[400];

	snprintf(report, sizeof(report), "%s/dien-bien.report.txt", h->dir);
	expect(CLI("report", "import", SEEDS "dien-bien-stnmt-2021.txt",
	           "--unit", "DB-STNMT", "--output", report),
	    0, "report import");
	assert_non_null(strstr(err, "a nil report"));
	expect(CLI("report", "check", report), 0, "report check");
	expect(CLI("report", "submit", report), 0, "report submit");
	assert_non_null(strstr(out, "revision 1"));
	expect(
	    CLI("--json", "report", "list", "--unit", "DB-STNMT"), 0, "list");
	assert_non_null(strstr(out, "\"nil\":true"));
}

/* What was imported is what the consolidated report is made of. */
static void
test_consolidate(void **state)
{
	struct harness *h = *state;

	expect(CLI("consolidate", "--request", REF), 0, "consolidate");
	assert_non_null(strstr(out, "đã nhận được báo cáo của 01/01 đơn vị"));
	assert_non_null(strstr(out, "Công tác thông tin, tuyên truyền"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dak_glei),
	    cmocka_unit_test(test_dien_bien),
	    cmocka_unit_test(test_consolidate),
	};

	return cmocka_run_group_tests(tests, setup, harness_teardown);
}
