/*
 * Activities known only by their year, quarter or month, through the
 * real hoptac and hoptacd: summaries keep them out of January, period
 * filters count them only when their whole span lies in the period, and
 * the clerks' forms of quarters and ranges are read as spans.
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

#define UNIT "KT-DAKGLEI"

static char out[256 * 1024];
static char err[64 * 1024];

#define CLI(...)                                                               \
	harness_cli(h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)

#define expect(got, want, what) harness_expect(got, want, what, out, err)

/* Adds one delegation out of the unit, of 2 people, starting on start. */
static void
add(struct harness *h, const char *id, const char *start)
{
	char what[64];

	snprintf(what, sizeof(what), "activity add %s", id);
	expect(CLI("activity", "add", "--id", id, "--unit", UNIT, "--partner",
	           "Sê Kông", "--kind", "đoàn ra", "--start", start, "--title",
	           "Đoàn công tác", "--people", "2"),
	    0, what);
}

static int
setup(void **state)
{
	static struct harness hs;
	struct harness *h = &hs;

	harness_start(h, HARNESS_TCP, 0);
	expect(CLI("unit", "import", harness_data("units-2024.csv")), 0,
	    "unit import");
	add(h, "day", "2025-01-15");
	add(h, "year", "2025");
	add(h, "month", "tháng 8/2025");
	add(h, "quarter", "quý III/2025");
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	struct harness *h = *state;

	if (h == NULL)
		return 0;
	harness_stop(h);
	harness_cleanup(h);
	return 0;
}

/* The activities of the row whose one key is key, or -1 without one;
 * of the totals (0 without them) when key is NULL. */
static long
activities_of(const char *key)
{
	json_object *o = json_tokener_parse(out), *rows, *row, *keys, *fig;
	long n = key != NULL ? -1 : 0;

	assert_non_null(o);
	if (key == NULL && json_object_object_get_ex(o, "totals", &fig))
		n = harness_json_int(fig, "activities");
	if (key != NULL && json_object_object_get_ex(o, "rows", &rows))
		for (size_t i = 0; i < json_object_array_length(rows); i++) {
			row = json_object_array_get_idx(rows, i);
			assert_true(
			    json_object_object_get_ex(row, "keys", &keys));
			if (strcmp(json_object_get_string(
			               json_object_array_get_idx(keys, 0)),
			        key) != 0)
				continue;
			assert_true(
			    json_object_object_get_ex(row, "figures", &fig));
			n = harness_json_int(fig, "activities");
		}
	json_object_put(o);
	return n;
}

/* By month, only the activity of 15 January is January's; the one of
 * 2025 has no month, the one of the third quarter none in its quarter. */
static void
test_by_month(void **state)
{
	struct harness *h = *state;

	expect(CLI("--json", "summary", "--by", "month", "--from", "2025",
	           "--to", "2025"),
	    0, "summary by month");
	assert_int_equal(activities_of("2025-01"), 1);
	assert_int_equal(activities_of("2025-08"), 1);
	assert_int_equal(activities_of("2025-Q3"), 1);
	assert_int_equal(activities_of("2025"), 1);
	assert_int_equal(activities_of(NULL), 4);
	/* The records answer as the counts do. */
	expect(CLI("--json", "summary", "--by", "month,unit", "--from", "2025",
	           "--to", "2025"),
	    0, "summary by month and unit");
	assert_int_equal(activities_of("2025-01"), 1);
	assert_int_equal(activities_of("2025"), 1);
	expect(
	    CLI("summary", "--by", "month", "--from", "2025", "--to", "2025"),
	    0, "summary by month, as a table");
	assert_non_null(strstr(out, "chưa rõ tháng"));
}

static void
test_by_quarter(void **state)
{
	struct harness *h = *state;

	expect(CLI("--json", "summary", "--by", "quarter", "--from", "2025",
	           "--to", "2025"),
	    0, "summary by quarter");
	assert_int_equal(activities_of("2025-Q1"), 1);
	assert_int_equal(activities_of("2025-Q3"), 2);
	assert_int_equal(activities_of("2025"), 1);
	expect(
	    CLI("summary", "--by", "quarter", "--from", "2025", "--to", "2025"),
	    0, "summary by quarter, as a table");
	assert_non_null(strstr(out, "chưa rõ quý"));
}

/* A period counts an activity when its whole span lies within it. */
static void
test_period(void **state)
{
	struct harness *h = *state;

	expect(CLI("--json", "summary", "--from", "2025-01", "--to", "2025-01"),
	    0, "January");
	assert_int_equal(activities_of(NULL), 1);
	expect(CLI("--json", "summary", "--from", "Q3/2025", "--to", "Q3/2025"),
	    0, "third quarter");
	assert_int_equal(activities_of(NULL), 2);
	expect(CLI("--json", "summary", "--from", "quý 3/2025", "--to",
	           "tháng 8/2025", "--by", "unit"),
	    0, "July and August");
	assert_int_equal(activities_of(NULL), 1);
	expect(CLI("--json", "summary", "--from", "2024 – 2025"), 0, "a range");
	assert_int_equal(activities_of(NULL), 4);
}

/* Creates request ref over the period from..to (to may be ""), asking
 * the unit. */
static void
request(struct harness *h, const char *ref, const char *from, const char *to)
{
	char issued[16], due[16];

	harness_day_text(-10, issued, sizeof(issued));
	harness_day_text(-1, due, sizeof(due));
	expect(CLI("request", "create", ref, "--issuer", "KT-SNGV", "--issued",
	           issued, "--title", "báo cáo hợp tác", "--from", from, "--to",
	           to, "--due", due, "--unit", UNIT),
	    0, "request create");
}

/* The consolidated report counts partial dates as the summaries do and
 * says so under its table; a request's period may be a span. */
static void
test_consolidate(void **state)
{
	struct harness *h = *state;

	request(h, "1/SNgV", "2024 – 2025", "");
	expect(CLI("--json", "request", "show", "1/SNgV"), 0, "request show");
	assert_non_null(strstr(out, "\"period_to\":\"2025\""));
	expect(CLI("consolidate", "--request", "1/SNgV", "--format", "md"), 0,
	    "consolidate a span");
	assert_non_null(strstr(out,
	    "Số liệu trên gồm 3 hoạt động không rõ ngày bắt đầu (1 hoạt động "
	    "chỉ ghi năm, 1 hoạt động chỉ ghi quý, 1 hoạt động chỉ ghi "
	    "tháng); mỗi hoạt động này chỉ được tính khi toàn bộ thời gian "
	    "ghi nằm trong kỳ."));
	request(h, "2/SNgV", "Q3/2025", "quý III/2025");
	expect(CLI("--json", "consolidate", "--request", "2/SNgV", "--format",
	           "json"),
	    0, "consolidate a quarter");
	assert_int_equal(activities_of(NULL), 2);
	assert_non_null(strstr(out, "\"partial_dates\""));
	assert_null(strstr(out, "\"year\""));
	/* A span where one date is asked for, and the end besides one. */
	expect(CLI("request", "create", "3/SNgV", "--issuer", "KT-SNGV",
	           "--issued", "2023 – 2025", "--title", "x", "--from", "2025",
	           "--due", "2025-12-31", "--unit", UNIT),
	    3, "a span as the issue date");
	assert_non_null(strstr(err, "quý III/2025"));
	expect(CLI("activity", "add", "--id", "both", "--unit", UNIT,
	           "--partner", "Sê Kông", "--kind", "đoàn ra", "--start",
	           "2023 – 2025", "--end", "2025", "--title", "x"),
	    3, "a span and an end");
	assert_non_null(strstr(err, "must be empty"));
}

/* An import reads quarters and spans in start_date as the clerks write
 * them: a span is the start and the end. */
static void
test_import(void **state)
{
	struct harness *h = *state;
	char path[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/spans.csv", h->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("id,unit,partners,kind,start_date,end_date,title,people\n"
	      "csv-1," UNIT ",Sê Kông,đoàn ra,2022 – 2023,,Đoàn,2\n"
	      "csv-2," UNIT ",Sê Kông,đoàn ra,quý IV/2022,,Đoàn,2\n"
	      "csv-3," UNIT ",Sê Kông,đoàn ra,"
	      "từ tháng 11/2022 đến tháng 3/2023,,Đoàn,2\n",
	    f);
	assert_int_equal(fclose(f), 0);
	expect(CLI("import", path), 0, "import spans");
	expect(CLI("--json", "activity", "show", "csv-1"), 0, "show csv-1");
	assert_non_null(strstr(out, "\"start_date\":\"2022\""));
	assert_non_null(strstr(out, "\"end_date\":\"2023\""));
	expect(CLI("--json", "activity", "show", "csv-3"), 0, "show csv-3");
	assert_non_null(strstr(out, "\"start_date\":\"2022-11\""));
	assert_non_null(strstr(out, "\"end_date\":\"2023-03\""));
	expect(CLI("--json", "summary", "--by", "quarter", "--from", "2022",
	           "--to", "2022"),
	    0, "summary of 2022");
	assert_int_equal(activities_of("2022-Q4"), 2);
	assert_int_equal(activities_of("2022"), 1);
	assert_int_equal(activities_of(NULL), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_by_month),
	    cmocka_unit_test(test_by_quarter),
	    cmocka_unit_test(test_period),
	    cmocka_unit_test(test_consolidate),
	    cmocka_unit_test(test_import),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
