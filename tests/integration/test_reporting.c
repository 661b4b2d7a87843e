/*
 * A whole reporting round through the real hoptac and hoptacd: the
 * department asks four units, the two seed reports answer (one a nil
 * report), one unit answers late with figures the records contradict,
 * one does not answer; return, resubmission, acceptance, summaries
 * across the 2025 reorganization, and the consolidated report.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "harness.h"
#include "harness_json.h"

#define REF "558/SNgV-BGHTQT"

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
	assert_non_null(strstr(out, "14 units created"));
	/* Loading the registry again changes nothing. */
	expect(CLI("unit", "import", harness_data("units-2024.csv")), 0,
	    "unit import again");
	assert_non_null(strstr(out, "0 units created, 14 already there"));
	expect(CLI("import", harness_data("dak-glei-2024.csv")), 0, "import");
	harness_day_text(-10, issued, sizeof(issued));
	harness_day_text(-1, due, sizeof(due));
	expect(CLI("request", "create", REF, "--issuer", "KT-SNGV", "--issued",
	           issued, "--title",
	           "báo cáo tình hình hợp tác với tỉnh Sê Kông (Lào)", "--from",
	           "tháng 11/2022", "--due", due, "--partner", "Sê Kông",
	           "--unit", "KT-DAKGLEI", "--unit", "DB-STNMT", "--unit",
	           "KT-DAKTO", "--unit", "KT-NGOCHOI"),
	    0, "request create");
	*state = h;
	return 0;
}

static json_object *
json_out(void)
{
	json_object *o = json_tokener_parse(out);

	if (o == NULL)
		fail_msg("not JSON: %s", out);
	return o;
}

/* Writes a small report file for a unit, with a declared figure. */
static void
write_report(
    struct harness *h, const char *path, const char *unit, int delegations_out)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f,
	    "request: %s\nunit: %s\nnumber: 45/BC-UBND\nplace: Ngọc Hồi\n"
	    "signer: Nguyễn Văn A\ntitle: TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH\n"
	    "delegations_out: %d\n\n== situation\nHuyện có chung đường biên "
	    "giới với tỉnh Sê Kông.\n\n== proposals\nKhông.\n",
	    REF, unit, delegations_out);
	fclose(f);
	(void)h;
}

/* Copies the file at from to to, with each line equal to line replaced
 * by with (a whole line, without its line end). */
static void
copy_replacing(
    const char *from, const char *to, const char *line, const char *with)
{
	FILE *in = fopen(from, "r"), *o = fopen(to, "w");
	char buf[4096];

	assert_non_null(in);
	assert_non_null(o);
	while (fgets(buf, sizeof(buf), in) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		fprintf(o, "%s\n", strcmp(buf, line) == 0 ? with : buf);
	}
	fclose(in);
	fclose(o);
}

/* The offices answer: figures come from the records, a declared figure
 * the records contradict is flagged, a nil report is an answer. */
static void
test_answers(void **state)
{
	struct harness *h = *state;
	char filed[16], path[400];
	json_object *o;

	expect(CLI("request", "list", "--unit", "KT-DAKGLEI", "--open"), 0,
	    "open requests");
	assert_non_null(strstr(out, REF));
	harness_day_text(-3, filed, sizeof(filed));
	expect(CLI("--json", "report", "submit",
	           harness_data("dak-glei-2024.report.txt"), "--filed", filed),
	    0, "submit Đắk Glei");
	o = json_out();
	{
		json_object *c;

		assert_true(json_object_object_get_ex(o, "computed", &c));
		assert_int_equal(harness_json_int(c, "delegations_out"), 2);
		assert_int_equal(harness_json_int(c, "people_out"), 10);
		assert_int_equal(harness_json_int(c, "delegations_in"), 2);
		assert_int_equal(harness_json_int(c, "people_in"), 24);
		assert_int_equal(harness_json_int(c, "conferences"), 1);
		assert_true(harness_json_int(c, "agreements") >= 1);
		assert_int_equal(harness_json_int(o, "revision"), 1);
	}
	json_object_put(o);
	expect(CLI("request", "list", "--unit", "KT-DAKGLEI", "--open"), 0,
	    "open requests after answering");
	assert_null(strstr(out, REF));
	/* For the department, open anywhere: the other units it asks have
	 * not answered yet. */
	expect(CLI("request", "list", "--open"), 0, "open requests anywhere");
	assert_non_null(strstr(out, REF));

	/* The seed is signed in 2021, before this request was issued:
	 * refused as it is, taken when signed on the day it was filed. */
	expect(CLI("report", "submit",
	           harness_data("dien-bien-stnmt-2021.report.txt"), "--request",
	           REF, "--filed", filed),
	    3, "submit Điện Biên signed before the request");
	assert_non_null(strstr(err, "trước ngày ban hành Công văn số " REF));
	snprintf(path, sizeof(path), "%s/dienbien.txt", h->dir);
	{
		char line[64];

		snprintf(line, sizeof(line), "date: %s", filed);
		copy_replacing(harness_data("dien-bien-stnmt-2021.report.txt"),
		    path, "date: tháng 8 năm 2021", line);
	}
	expect(
	    CLI("report", "submit", path, "--request", REF, "--filed", filed),
	    0, "submit Điện Biên");
	assert_non_null(strstr(out, "revision 1"));

	snprintf(path, sizeof(path), "%s/ngochoi.txt", h->dir);
	write_report(h, path, "KT-NGOCHOI", 3);
	expect(CLI("report", "submit", path), 0, "submit Ngọc Hồi");
	assert_non_null(strstr(
	    out, "MISMATCH delegations_out: declared 3, the records give 0"));

	/* A report file that cannot be read is refused with its line. */
	snprintf(path, sizeof(path), "%s/broken.txt", h->dir);
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs("request: " REF "\nunit: KT-NGOCHOI\ncolour: blue\n", f);
		fclose(f);
	}
	expect(CLI("report", "submit", path), 3, "broken report file");
	assert_non_null(strstr(err, "broken.txt:3"));

	/* A unit the request did not ask is refused. */
	write_report(h, path, "DB-SNGV", 0);
	expect(CLI("report", "submit", path), 4, "submit by a unit not asked");
	assert_non_null(strstr(err, "does not ask"));
}

/* Who answered: on time at the office but received late (the two paper
 * reports the department entered with --filed: its peer role vouches
 * for the day), late, not answered; nil counted. */
static void
test_completeness(void **state)
{
	struct harness *h = *state;
	json_object *o, *entries;

	expect(CLI("--json", "request", "status", REF), 0, "status");
	o = json_out();
	assert_int_equal(harness_json_int(o, "expected"), 4);
	assert_int_equal(harness_json_int(o, "delivered_late"), 2);
	assert_int_equal(harness_json_int(o, "late"), 1);
	assert_int_equal(harness_json_int(o, "missing"), 1);
	assert_int_equal(harness_json_int(o, "nil_reports"), 1);
	assert_true(json_object_object_get_ex(o, "entries", &entries));
	for (size_t i = 0; i < json_object_array_length(entries); i++) {
		json_object *e = json_object_array_get_idx(entries, i);
		const char *unit = harness_json_str(e, "unit_code");
		const char *t = harness_json_str(e, "timeliness");

		if (strcmp(unit, "KT-DAKTO") == 0)
			assert_string_equal(t, "TIMELINESS_MISSING");
		else if (strcmp(unit, "KT-NGOCHOI") == 0)
			assert_string_equal(t, "TIMELINESS_LATE");
		else
			assert_string_equal(t, "TIMELINESS_DELIVERED_LATE");
	}
	json_object_put(o);
	expect(CLI("request", "status", REF), 0, "status table");
	assert_non_null(strstr(out, "UBND huyện Đắk Tô"));
	assert_non_null(strstr(out, "not answered"));
}

/* Returned with a reason, seen by the office, answered again as a new
 * revision; the old one kept; an accepted report cannot be replaced. */
static void
test_review(void **state)
{
	struct harness *h = *state;
	char path[400];

	expect(CLI("report", "return", REF, "--unit", "KT-NGOCHOI", "--reason",
	           "Số liệu đoàn ra không khớp với hồ sơ"),
	    0, "return");
	assert_non_null(strstr(out, "returned"));
	expect(CLI("report", "list", "--unit", "KT-NGOCHOI"), 0, "office list");
	assert_non_null(strstr(out, "Số liệu đoàn ra không khớp"));
	expect(CLI("request", "list", "--unit", "KT-NGOCHOI", "--open"), 0,
	    "open again");
	assert_non_null(strstr(out, REF));

	snprintf(path, sizeof(path), "%s/ngochoi.txt", h->dir);
	write_report(h, path, "KT-NGOCHOI", 0);
	expect(CLI("report", "submit", path), 0, "resubmit");
	assert_non_null(strstr(out, "revision 2"));
	assert_null(strstr(out, "MISMATCH"));
	expect(CLI("--json", "report", "list", "--unit", "KT-NGOCHOI",
	           "--all-revisions"),
	    0, "revisions");
	{
		json_object *o = json_out(), *reps;

		assert_true(json_object_object_get_ex(o, "reports", &reps));
		assert_int_equal(json_object_array_length(reps), 2);
		assert_string_equal(
		    harness_json_str(
		        json_object_array_get_idx(reps, 0), "status"),
		    "REPORT_STATUS_RETURNED");
		json_object_put(o);
	}
	/* Reviewing a revision that is no longer the latest: ABORTED. */
	expect(CLI("report", "accept", REF, "--unit", "KT-NGOCHOI",
	           "--revision", "1"),
	    4, "stale review");
	assert_non_null(strstr(err, "revision 1 is not the latest"));

	/* accept takes a note as return does (the server keeps none). */
	expect(CLI("report", "accept", REF, "--unit", "KT-DAKGLEI", "--reason",
	           "đủ số liệu"),
	    0, "accept");
	expect(
	    CLI("report", "submit", harness_data("dak-glei-2024.report.txt")),
	    4, "replace an accepted report");
	assert_non_null(strstr(err, "accepted"));
	/* The same refusal as a clerk reads it. */
	unsetenv("LC_ALL");
	setenv("LANG", "vi_VN.UTF-8", 1);
	expect(
	    CLI("report", "submit", harness_data("dak-glei-2024.report.txt")),
	    4, "replace an accepted report, in Vietnamese");
	unsetenv("LANG");
	setenv("LC_ALL", "C.UTF-8", 1);
	assert_non_null(strstr(err,
	    "gửi 558/SNgV-BGHTQT đã được chấp nhận "
	    "(lần 1); không thể thay thế"));
	expect(CLI("report", "return", REF, "--unit", "KT-DAKGLEI"), 2,
	    "return without a reason");
	expect(CLI("report", "show", REF, "--unit", "KT-DAKGLEI"), 0, "show");
	assert_non_null(strstr(out, "accepted"));
	assert_non_null(strstr(out, "Y Thanh"));
	/* What show prints is a report file: it can be sent again. */
	expect(CLI("report", "show", REF, "--unit", "KT-NGOCHOI"), 0, "show");
	{
		FILE *f;

		snprintf(path, sizeof(path), "%s/shown.txt", h->dir);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(out, f);
		fclose(f);
	}
	expect(CLI("report", "submit", path), 0, "resubmit what show printed");
	assert_non_null(strstr(out, "revision 3"));
}

/* Summaries by dimension; a query across the 2025 reorganization keeps
 * Đắk Glei district under its name, or rolls it up when asked. */
static void
test_summaries(void **state)
{
	struct harness *h = *state;
	json_object *o, *rows, *row, *keys, *fig;

	expect(CLI("--json", "summary", "--request", REF, "--by", "unit"), 0,
	    "summary by unit");
	o = json_out();
	assert_true(json_object_object_get_ex(o, "rows", &rows));
	assert_int_equal(json_object_array_length(rows), 1);
	row = json_object_array_get_idx(rows, 0);
	assert_true(json_object_object_get_ex(row, "keys", &keys));
	assert_string_equal(
	    json_object_get_string(json_object_array_get_idx(keys, 0)),
	    "KT-DAKGLEI");
	assert_true(json_object_object_get_ex(row, "figures", &fig));
	assert_int_equal(harness_json_int(fig, "people_out"), 10);
	assert_int_equal(harness_json_int(fig, "people_in"), 24);
	json_object_put(o);

	expect(CLI("summary", "--from", "2022", "--to", "2024", "--by",
	           "kind,year", "--csv"),
	    0, "summary csv");
	assert_non_null(strstr(out, "delegation_out,2023,1,6"));
	assert_non_null(strstr(out, "delegation_in,2024,0,0,1,12"));

	expect(CLI("--json", "summary", "--by", "unit", "--rollup"), 0,
	    "rolled up");
	assert_non_null(strstr(out, "QNG-XA-DAKGLEI"));
	assert_null(strstr(out, "\"KT-DAKGLEI\""));
	expect(CLI("--json", "summary", "--unit", "QNG-XA-DAKGLEI"), 0,
	    "successor alone");
	o = json_out();
	if (json_object_object_get_ex(o, "totals", &fig))
		assert_int_equal(harness_json_int(fig, "activities"), 0);
	json_object_put(o);
	expect(CLI("--json", "summary", "--unit", "QNG-XA-DAKGLEI", "--rollup"),
	    0, "successor rolled up");
	o = json_out();
	assert_true(json_object_object_get_ex(o, "totals", &fig));
	assert_int_equal(harness_json_int(fig, "activities"), 8);
	json_object_put(o);
}

/* A rolled-up summary by unit over a period without records: no rows
 * to merge. It once reached qsort(NULL, 0, ...), undefined behaviour
 * that the sanitizer build turns fatal. */
static void
test_summary_empty_period(void **state)
{
	struct harness *h = *state;
	json_object *o, *rows, *fig;

	expect(CLI("--json", "summary", "--from", "1990", "--to", "1990",
	           "--by", "unit", "--rollup"),
	    0, "empty period rolled up");
	o = json_out();
	if (json_object_object_get_ex(o, "rows", &rows))
		assert_int_equal(json_object_array_length(rows), 0);
	if (json_object_object_get_ex(o, "totals", &fig))
		assert_int_equal(harness_json_int(fig, "activities"), 0);
	json_object_put(o);
	expect(CLI("summary", "--from", "1990", "--to", "1990", "--by",
	           "unit,kind", "--rollup", "--csv"),
	    0, "empty period by two dimensions");
	expect(CLI("--json", "summary", "--unit", "QNG-XA-DAKGLEI", "--from",
	           "1990", "--to", "1990", "--by", "unit", "--rollup"),
	    0, "empty period of a successor");
}

static void
test_consolidate(void **state)
{
	struct harness *h = *state;
	char path[400], victim[400];
	struct stat sb;
	FILE *f;
	long len;

	umask(022);
	expect(CLI("consolidate", "--request", REF, "--format", "md"), 0,
	    "consolidate md");
	assert_non_null(strstr(out, "02 đoàn/10 người"));
	assert_non_null(strstr(out, "02 đoàn/24 người"));
	assert_non_null(strstr(out, "UBND huyện Đắk Glei"));
	assert_non_null(
	    strstr(out, "Sở Tài nguyên và Môi trường tỉnh Điện Biên"));
	assert_non_null(strstr(out, "UBND huyện Đắk Tô"));
	assert_non_null(strstr(out, "Công tác thông tin, tuyên truyền"));
	snprintf(path, sizeof(path), "%s/tonghop.html", h->dir);
	expect(CLI("consolidate", "--request", REF, "--format", "html",
	           "--output", path),
	    0, "consolidate html");
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fclose(f);
	assert_true(len > 2000);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	/* A link planted at the name is replaced, its target untouched. */
	snprintf(victim, sizeof(victim), "%s/victim", h->dir);
	assert_non_null(f = fopen(victim, "w"));
	fclose(f);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink(victim, path), 0);
	expect(CLI("consolidate", "--request", REF, "--format", "html",
	           "--output", path),
	    0, "consolidate through a link");
	assert_int_equal(stat(victim, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode) && sb.st_size > 2000);
	expect(CLI("consolidate", "--request", REF, "--format", "csv"), 0,
	    "consolidate csv");
	assert_non_null(strstr(out, "KT-DAKGLEI"));
	expect(CLI("--json", "consolidate", "--request", REF), 0,
	    "consolidate json");
	json_object_put(json_out());
	expect(CLI("consolidate", "--request", "1/NONE"), 4, "unknown request");
	expect(CLI("consolidate", "--request", REF, "--format", "html",
	           "--output", "/nonexistent-dir/x.html"),
	    1, "unwritable output");
	assert_non_null(strstr(err, "/nonexistent-dir/x.html"));
	expect(CLI("consolidate", "--request", REF, "--format", "pdf"), 2,
	    "unknown format");
	expect(CLI("summary", "--by", "colour"), 2, "unknown dimension");
	expect(CLI("summary", "--partner", "Paris"), 3, "unknown partner");
	assert_non_null(strstr(err, "partner"));
}

static void
test_rate(void **state)
{
	struct harness *h = *state;
	char year[8];
	struct date_partial d;

	date_from_days(
	    (int32_t)((time(NULL) + 7L * 3600 - 10L * 86400) / 86400), &d);
	snprintf(year, sizeof(year), "%d", d.year);
	expect(CLI("--json", "unit", "rate", "KT-DAKTO", "--year", year), 0,
	    "rate");
	{
		json_object *o = json_out();

		assert_int_equal(harness_json_int(o, "expected"), 1);
		assert_int_equal(harness_json_int(o, "answered"), 0);
		json_object_put(o);
	}
	expect(CLI("--json", "unit", "rate", "KT-DAKGLEI"), 0, "rate");
	{
		json_object *o = json_out();

		assert_int_equal(harness_json_int(o, "answered"), 1);
		assert_int_equal(harness_json_int(o, "on_time"), 1);
		json_object_put(o);
	}
}

/* Filed and received before the due date: on time. */
static void
test_on_time(void **state)
{
	struct harness *h = *state;
	char issued[16], due[16], path[400];
	json_object *o, *entries;

	harness_day_text(-1, issued, sizeof(issued));
	harness_day_text(5, due, sizeof(due));
	expect(CLI("request", "create", "12/SNgV-TEST", "--issuer", "KT-SNGV",
	           "--issued", issued, "--title", "báo cáo nhanh", "--from",
	           "2024", "--due", due, "--unit", "KT-DAKTO"),
	    0, "second request");
	snprintf(path, sizeof(path), "%s/dakto.txt", h->dir);
	write_report(h, path, "KT-DAKTO", 0);
	expect(CLI("report", "submit", path, "--request", "12/SNgV-TEST"), 0,
	    "answer on time");
	expect(CLI("--json", "request", "status", "12/SNgV-TEST"), 0, "status");
	o = json_out();
	assert_int_equal(harness_json_int(o, "on_time"), 1);
	assert_true(json_object_object_get_ex(o, "entries", &entries));
	assert_string_equal(
	    harness_json_str(
	        json_object_array_get_idx(entries, 0), "timeliness"),
	    "TIMELINESS_ON_TIME");
	json_object_put(o);
	/* A filing date beyond tomorrow is refused by the server. */
	harness_day_text(3, due, sizeof(due));
	expect(CLI("report", "submit", path, "--request", "12/SNgV-TEST",
	           "--filed", due),
	    3, "filed in the future");
	assert_non_null(strstr(err, "future"));
}

/* An office pulls what concerns it and reads it with no link. */
static void
test_pull(void **state)
{
	struct harness *h = *state;
	struct harness offline = *h;

	expect(CLI("--json", "sync", "--unit", "KT-NGOCHOI"), 0, "sync");
	{
		json_object *o = json_out();

		assert_int_equal(harness_json_int(o, "pulled_requests"), 1);
		assert_int_equal(harness_json_int(o, "pulled_reports"), 1);
		assert_true(harness_json_int(o, "pulled_units") >= 14);
		json_object_put(o);
	}
	/* Read with the server out of reach: nothing is asked of it. */
	snprintf(offline.url, sizeof(offline.url), "tcp://127.0.0.1:1");
	expect(harness_cli(
	           &offline, out, sizeof(out), err, sizeof(err), "inbox", NULL),
	    0, "inbox offline");
	assert_non_null(strstr(out, REF));
	assert_non_null(strstr(out, "submitted"));
	assert_null(strstr(out, "12/SNgV-TEST"));
}

#define REF_T "13/SNgV-MAU"

/* Writes a nil report of unit to REF_T, dated date ("" none), with
 * people_out declared when not 0. */
static void
write_nil(const char *path, const char *unit, const char *date, int people)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f,
	    "request: %s\nunit: %s\nnumber: 9/BC-UBND\nplace: Kon Tum\n"
	    "date: %s\nnil: có\nsigner: Nguyễn Văn B\ntitle: CHỦ TỊCH\n",
	    REF_T, unit, date);
	if (people != 0)
		fprintf(f, "people_out: %d\n", people);
	fputs("\n== situation\nKhông phát sinh hoạt động.\n", f);
	fclose(f);
}

/* A template filled from the request, the unit and its records; sent
 * unchanged it is refused (no signer); report check answers as submit
 * would, storing nothing; a nil report that declares figures or whose
 * unit has records, and a report signed before the request, refused. */
static void
test_template(void **state)
{
	struct harness *h = *state;
	char issued[16], due[16], today[16], path[400], tok[128], line[64];
	char fig_lines[200], fig_text[100];
	FILE *f;

	harness_day_text(-2, issued, sizeof(issued));
	harness_day_text(5, due, sizeof(due));
	harness_day_text(0, today, sizeof(today));
	expect(
	    CLI("request", "create", REF_T, "--issuer", "KT-SNGV", "--issued",
	        issued, "--title", "báo cáo hợp tác", "--from", "2022", "--due",
	        due, "--unit", "KT-DAKGLEI", "--unit", "KT-DAKTO"),
	    0, "a request for the template");
	/* The figures the records give, for the template to carry. */
	expect(CLI("--json", "summary", "--request", REF_T, "--unit",
	           "KT-DAKGLEI"),
	    0, "the records' figures");
	{
		json_object *o = json_out(), *t;

		assert_true(json_object_object_get_ex(o, "totals", &t));
		assert_true(harness_json_int(t, "activities") > 0);
		snprintf(fig_lines, sizeof(fig_lines),
		    "\ndelegations_out: %d\npeople_out: %d\ndelegations_in: "
		    "%d\npeople_in: %d\n",
		    (int)harness_json_int(t, "delegations_out"),
		    (int)harness_json_int(t, "people_out"),
		    (int)harness_json_int(t, "delegations_in"),
		    (int)harness_json_int(t, "people_in"));
		snprintf(fig_text, sizeof(fig_text),
		    "đoàn ra %02d đoàn/%02d người",
		    (int)harness_json_int(t, "delegations_out"),
		    (int)harness_json_int(t, "people_out"));
		json_object_put(o);
	}
	expect(CLI("report", "template", "--request", REF_T, "--unit",
	           "KT-DAKGLEI"),
	    0, "template for Đắk Glei");
	assert_non_null(strstr(out, "\nrequest: " REF_T "\n"));
	assert_non_null(strstr(out, "\nunit: KT-DAKGLEI\n"));
	assert_non_null(strstr(out, "\nplace: Kon Tum\n"));
	snprintf(line, sizeof(line), "\ndate: %s\n", today);
	assert_non_null(strstr(out, line));
	assert_non_null(strstr(out, "\nnil: không\n"));
	assert_non_null(strstr(out, "\nsigner:\n"));
	assert_non_null(strstr(out, fig_lines));
	assert_non_null(strstr(out, "\n# - 2024-"));
	assert_null(strstr(out, "Điện Biên"));
	assert_null(strstr(out, "Vũ Ngọc Vương"));
	assert_null(strstr(out, "2021"));
	snprintf(path, sizeof(path), "%s/mau.txt", h->dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(out, f);
	fclose(f);

	/* The activities listed are those the figures count: over a
	 * request with a partner scope and a period from a month, as many
	 * as the records' total. */
	expect(
	    CLI("--json", "summary", "--request", REF, "--unit", "KT-DAKGLEI"),
	    0, "the figures of the scoped request");
	{
		json_object *o = json_out(), *t;
		long want, listed = 0;

		assert_true(json_object_object_get_ex(o, "totals", &t));
		want = (long)harness_json_int(t, "activities");
		json_object_put(o);
		expect(CLI("report", "template", "--request", REF, "--unit",
		           "KT-DAKGLEI"),
		    0, "template of the scoped request");
		/* The list follows its heading; the hints above use "# - "
		 * too. */
		for (const char *p = strstr(out, "đã ghi nhận trong kỳ:");
		     p != NULL && (p = strstr(p, "\n# - ")) != NULL; p++)
			listed++;
		assert_true(want > 0);
		assert_int_equal(listed, want);
	}

	/* Unchanged, it is refused, by check as by submit. */
	expect(CLI("report", "check", path), 3, "check the bare template");
	assert_non_null(strstr(err, "chưa ghi người ký"));
	expect(CLI("report", "submit", path), 3, "submit the bare template");
	assert_non_null(strstr(err, "chưa ghi người ký"));

	/* Signed, check answers as a submit would and stores nothing. */
	{
		char signed_path[420];

		snprintf(signed_path, sizeof(signed_path), "%s.signed", path);
		copy_replacing(
		    path, signed_path, "signer:", "signer: Nguyễn Văn B");
		expect(CLI("report", "check", signed_path), 0, "check signed");
		assert_non_null(strstr(out, "was not sent"));
		assert_non_null(strstr(out, "revision 1"));
		expect(CLI("report", "list", "--request", REF_T), 0,
		    "nothing stored by check");
		assert_null(strstr(out, "KT-DAKGLEI"));

		/* Nil while the unit has records: refused, and check says
		 * so first. */
		snprintf(path, sizeof(path), "%s/nil.txt", h->dir);
		write_nil(path, "KT-DAKGLEI", today, 0);
		expect(
		    CLI("report", "check", path), 4, "check nil with records");
		assert_non_null(
		    strstr(err, "không thể báo cáo không phát sinh"));
		expect(CLI("report", "submit", path), 4, "nil with records");
		assert_non_null(strstr(err, fig_text));
		expect(
		    CLI("report", "submit", signed_path), 0, "submit signed");
	}

	/* Nil declaring figures; signed before the request: refused. */
	write_nil(path, "KT-DAKTO", today, 6);
	expect(CLI("report", "submit", path), 3, "nil with figures");
	assert_non_null(strstr(err, "nhưng lại nêu số liệu"));
	write_nil(path, "KT-DAKTO", "2021-08-24", 0);
	expect(CLI("report", "check", path), 3, "signed before the request");
	assert_non_null(strstr(err, "trước ngày ban hành"));

	/* An office's own template: its unit from the credential; no
	 * records, so a nil report; signed, it is taken. */
	harness_issue(h, "Văn phòng Đắk Tô",
	    1u << HOPTAC__V1__ROLE__ROLE_OFFICE, "KT-DAKTO", tok, sizeof(tok));
	setenv("HOPTAC_TOKEN", tok, 1);
	expect(CLI("report", "template", REF_T), 0, "template as the office");
	unsetenv("HOPTAC_TOKEN");
	assert_non_null(strstr(out, "\nunit: KT-DAKTO\n"));
	assert_non_null(strstr(out, "\nnil: có\n"));
	assert_null(strstr(out, "== result"));
	write_nil(path, "KT-DAKTO", today, 0);
	expect(CLI("report", "submit", path), 0, "a true nil report");

	/* Đắk Tô's records for request REF (Sê Kông, from 11/2022): one
	 * before the period, one with another partner, one counted. The
	 * template lists the counted one alone, as its figures count it. */
	{
		static const char *const acts[][3] = {
		    {"dt-2021", "Sê Kông", "15/6/2021"},
		    {"dt-lp-2023", "Luang Prabang", "10/5/2023"},
		    {"dt-sk-2023", "Sê Kông", "12/6/2023"}};
		const char *p;
		long listed = 0;

		for (size_t i = 0; i < 3; i++)
			expect(CLI("activity", "add", "--unit", "KT-DAKTO",
			           "--partner", acts[i][1], "--kind",
			           "delegation_out", "--start", acts[i][2],
			           "--people", "3", "--title", acts[i][0],
			           "--id", acts[i][0]),
			    0, "a record of Đắk Tô");
		expect(CLI("report", "template", "--request", REF, "--unit",
		           "KT-DAKTO"),
		    0, "Đắk Tô's template to the scoped request");
		assert_non_null(strstr(out, "\nactivities: 1\n"));
		for (p = strstr(out, "đã ghi nhận trong kỳ:");
		     p != NULL && (p = strstr(p, "\n# - ")) != NULL; p++)
			listed++;
		assert_int_equal(listed, 1);
		assert_non_null(strstr(out, ": dt-sk-2023\n"));
	}
}

/* by_unit's row of unit in a consolidate --json, and its figure. */
static int64_t
row_figure(
    json_object *o, const char *list, const char *unit, const char *figure)
{
	json_object *rows, *keys, *fig;

	if (!json_object_object_get_ex(o, list, &rows))
		return INT64_MIN;
	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		json_object *row = json_object_array_get_idx(rows, i);

		if (json_object_object_get_ex(row, "keys", &keys) &&
		    strcmp(json_object_get_string(
		               json_object_array_get_idx(keys, 0)),
		        unit) == 0)
			return json_object_object_get_ex(row, "figures", &fig)
			    ? harness_json_int(fig, figure)
			    : 0;
	}
	return INT64_MIN;
}

/* Accepted means frozen: an activity recorded for the period after
 * Đắk Glei's report was accepted (test_review) leaves its accepted row
 * and the totals as they were, and shows apart, "sau khi chấp nhận". */
static void
test_accepted_frozen(void **state)
{
	struct harness *h = *state;
	int64_t out_d, out_p, total_p, acts;
	json_object *o, *t;

	expect(CLI("--json", "consolidate", "--request", REF), 0,
	    "consolidate before");
	o = json_out();
	out_d = row_figure(o, "by_unit", "KT-DAKGLEI", "delegations_out");
	out_p = row_figure(o, "by_unit", "KT-DAKGLEI", "people_out");
	acts = row_figure(o, "by_unit", "KT-DAKGLEI", "activities");
	assert_true(out_p > 0);
	assert_true(json_object_object_get_ex(o, "totals", &t));
	total_p = harness_json_int(t, "people_out");
	assert_true(row_figure(o, "after_acceptance", "KT-DAKGLEI",
	                "people_out") == INT64_MIN);
	json_object_put(o);

	expect(CLI("activity", "add", "--unit", "KT-DAKGLEI", "--partner",
	           "Sê Kông", "--kind", "delegation_out", "--start",
	           "15/3/2023", "--people", "4", "--title",
	           "Đoàn công tác sang huyện Đắk Chung", "--id",
	           "dg-after-acceptance"),
	    0, "an activity recorded after acceptance");
	/* The records do count it. */
	expect(
	    CLI("--json", "summary", "--request", REF, "--unit", "KT-DAKGLEI"),
	    0, "records after acceptance");
	o = json_out();
	assert_true(json_object_object_get_ex(o, "totals", &t));
	assert_int_equal(harness_json_int(t, "people_out"), out_p + 4);
	json_object_put(o);

	expect(CLI("--json", "consolidate", "--request", REF), 0,
	    "consolidate after");
	o = json_out();
	assert_int_equal(
	    row_figure(o, "by_unit", "KT-DAKGLEI", "delegations_out"), out_d);
	assert_int_equal(
	    row_figure(o, "by_unit", "KT-DAKGLEI", "people_out"), out_p);
	assert_int_equal(
	    row_figure(o, "by_unit", "KT-DAKGLEI", "activities"), acts);
	assert_true(json_object_object_get_ex(o, "totals", &t));
	assert_int_equal(harness_json_int(t, "people_out"), total_p);
	assert_int_equal(
	    row_figure(o, "after_acceptance", "KT-DAKGLEI", "delegations_out"),
	    1);
	assert_int_equal(
	    row_figure(o, "after_acceptance", "KT-DAKGLEI", "people_out"), 4);
	json_object_put(o);
	expect(CLI("consolidate", "--request", REF, "--format", "md"), 0,
	    "consolidate md after");
	assert_non_null(strstr(out,
	    "UBND huyện Đắk Glei (sau khi chấp nhận): "
	    "số đoàn ra +1; số người đoàn ra +4"));
	expect(CLI("consolidate", "--request", REF, "--format", "csv"), 0,
	    "consolidate csv after");
	assert_non_null(strstr(out, "KT-DAKGLEI,UBND huyện Đắk Glei,1,4,"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_answers),
	    cmocka_unit_test(test_completeness),
	    cmocka_unit_test(test_review),
	    cmocka_unit_test(test_summaries),
	    cmocka_unit_test(test_summary_empty_period),
	    cmocka_unit_test(test_consolidate),
	    cmocka_unit_test(test_rate),
	    cmocka_unit_test(test_on_time),
	    cmocka_unit_test(test_pull),
	    cmocka_unit_test(test_template),
	    cmocka_unit_test(test_accepted_frozen),
	};

	return cmocka_run_group_tests(tests, setup, harness_teardown);
}
