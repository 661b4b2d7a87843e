/*
 * Inputs as clerks have them, with the real hoptacd and hoptac: a CSV
 * file with Vietnamese headers, ';' separators, a row-number column and
 * neither ids nor units is read; its rows get stable ids, so importing it
 * twice stores each once; `activity list --csv` writes what import reads
 * back (with the BOM spreadsheets need); an office adds and imports
 * without --unit, the department is told to name the unit; --unit takes
 * a unit's name too.
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

#define OFFICE (1u << HOPTAC__V1__ROLE__ROLE_OFFICE)
#define UNIT   "KT-DAKGLEI"

static char out[64 * 1024];
static char err[16 * 1024];

#define RUN(...)                                                               \
	harness_cli(h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)
#define expect(got, want, what) harness_expect(got, want, what, out, err)
#define has(buf, text)          assert_non_null(strstr((buf), (text)))

struct fixture {
	struct harness h;
	char office[128]; /* Đắk Glei's token */
};

static int
setup(void **state)
{
	static struct fixture fs;
	struct fixture *f = &fs;
	struct harness *h = &f->h;

	harness_start(h, HARNESS_TCP, 0);
	unsetenv("HOPTAC_UNIT");
	setenv("HOPTAC_TOKEN", h->token, 1);
	expect(
	    RUN("unit", "import", harness_data("units-2024.csv")), 0, "units");
	harness_issue(h, "Văn thư huyện Đắk Glei", OFFICE, UNIT, f->office,
	    sizeof(f->office));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	unsetenv("HOPTAC_TOKEN");
	harness_cleanup(&f->h);
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE *o = fopen(path, "w");

	assert_non_null(o);
	fputs(text, o);
	fclose(o);
}

/* The spreadsheet of an office as Excel saves it with Vietnamese
 * regional settings: BOM, ';', Vietnamese headers, a row number, no id
 * and no unit. Stored once however often it is imported. */
static void
test_vietnamese_sheet(void **state)
{
	struct fixture *f = *state;
	struct harness *h = &f->h;
	char path[400];

	snprintf(path, sizeof(path), "%.300s/so-theo-doi.csv", h->dir);
	write_file(path,
	    "\xEF\xBB\xBF"
	    "STT;Đối tác;Loại hoạt động;Ngày bắt đầu;Tên hoạt động;Số người\r\n"
	    "1;Sê Kông;đoàn ra;02/05/2024;\"Thăm, làm việc tại huyện "
	    "Đắc Chưng\";10\r\n"
	    "2;\"Sê Kông; Attapư\";Đoàn vào;2024-06-12;Đón đoàn huyện "
	    "Đắc Chưng;8\r\n");
	setenv("HOPTAC_TOKEN", f->office, 1);
	expect(RUN("import", path), 0, "first import");
	has(out, "2 rows read: 2 stored, 0 already stored");
	expect(RUN("import", path), 0, "second import");
	has(out, "2 rows read: 0 stored, 2 already stored");
	setenv("HOPTAC_TOKEN", h->token, 1);
	expect(RUN("activity", "list", "--unit", UNIT, "--json"), 0, "list");
	has(out, "\"unit_code\":\"" UNIT "\"");
	has(out, "\"id\":\"csv-");
	has(out, "Thăm, làm việc tại huyện Đắc Chưng");
	has(out, "\"LA-AT\"");
}

/* activity list --csv writes the file import reads: the BOM, the
 * header, one row each; imported again, nothing is stored twice. */
static void
test_list_csv_round_trip(void **state)
{
	struct fixture *f = *state;
	struct harness *h = &f->h;
	char path[400];
	FILE *o;

	expect(RUN("activity", "add", "--unit", UNIT, "--id", "dg-rt-1",
	           "--partner", "Sê Kông", "--kind", "đoàn ra", "--start",
	           "2024-07-01", "--title", "Hội đàm, ký biên bản"),
	    0, "add");
	expect(RUN("activity", "list", "--unit", UNIT, "--csv"), 0, "csv");
	assert_memory_equal(out, "\xEF\xBB\xBFid,unit,partners,kind,", 25);
	has(out, "dg-rt-1," UNIT ",LA-XE,delegation_out,");
	has(out, "\"Hội đàm, ký biên bản\"");
	snprintf(path, sizeof(path), "%.300s/export.csv", h->dir);
	assert_non_null(o = fopen(path, "w"));
	fputs(out, o);
	fclose(o);
	expect(RUN("activity", "list", "--csv", "--json"), 2, "both");
	has(err, "choose one");
	expect(RUN("import", path), 0, "reimport");
	has(out, "0 stored");
	assert_null(strstr(out, " 0 already stored"));
}

/* An office leaves --unit out; the department cannot. */
static void
test_unit_from_credential(void **state)
{
	struct fixture *f = *state;
	struct harness *h = &f->h;
	char path[400];

	setenv("HOPTAC_TOKEN", f->office, 1);
	expect(RUN("activity", "add", "--id", "dg-own-1", "--partner",
	           "Sê Kông", "--kind", "đoàn vào", "--start", "2024-08-01",
	           "--title", "Đón đoàn"),
	    0, "office add");
	expect(RUN("activity", "show", "dg-own-1"), 0, "show");
	has(out, "unit:      " UNIT);
	setenv("HOPTAC_TOKEN", h->token, 1);
	expect(RUN("activity", "add", "--id", "dg-own-2", "--partner",
	           "Sê Kông", "--kind", "đoàn vào", "--start", "2024-08-01",
	           "--title", "Đón đoàn"),
	    2, "department add");
	has(err, "name the unit with --unit CODE");
	snprintf(path, sizeof(path), "%.300s/no-unit.csv", h->dir);
	write_file(path,
	    "partners,kind,start_date,title\n"
	    "Sê Kông,đoàn vào,2024-08-02,Đón đoàn\n");
	expect(RUN("import", path), 3, "department import");
	has(err, "no-unit.csv:2: unit: no unit");
}

/* --unit by name, as people know their units. */
static void
test_unit_by_name(void **state)
{
	struct fixture *f = *state;
	struct harness *h = &f->h;

	setenv("HOPTAC_TOKEN", h->token, 1);
	expect(RUN("activity", "list", "--unit", "huyen dak glei", "--json"), 0,
	    "by name");
	has(out, "\"unit_code\":\"" UNIT "\"");
	expect(RUN("activity", "list", "--unit", "UBND huyện Đắk Glei"), 0,
	    "by its whole name");
	expect(RUN("activity", "list", "--unit", "dak glei"), 2, "two");
	has(err, "matches 2 units");
	has(err, "QNG-XA-DAKGLEI  UBND xã Đắk Glei");
	has(err, "name one of them by its code");
	expect(RUN("activity", "list", "--unit", "muong xen"), 2, "none");
	has(err, "--unit \"muong xen\": no unit has that name");
}

/* summary --kind counts one kind only, named as people name it. */
static void
test_summary_by_kind(void **state)
{
	struct fixture *f = *state;
	struct harness *h = &f->h;

	setenv("HOPTAC_TOKEN", h->token, 1);
	expect(RUN("--json", "summary", "--unit", UNIT, "--from", "2024",
	           "--to", "2024"),
	    0, "all kinds");
	has(out, "\"delegations_out\":2");
	has(out, "\"delegations_in\":2");
	expect(RUN("--json", "summary", "--unit", UNIT, "--from", "2024",
	           "--to", "2024", "--kind", "đoàn vào"),
	    0, "one kind");
	has(out, "\"delegations_in\":2");
	assert_null(strstr(out, "\"delegations_out\":2"));
	expect(RUN("summary", "--kind", "doan vo"), 2, "a slip");
	has(err, "did you mean \"đoàn vào\"?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vietnamese_sheet),
	    cmocka_unit_test(test_list_csv_round_trip),
	    cmocka_unit_test(test_unit_from_credential),
	    cmocka_unit_test(test_unit_by_name),
	    cmocka_unit_test(test_summary_by_kind),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
