/*
 * The real hoptac against the real hoptacd: the Đắk Glei seed imported,
 * listed, searched, amended and withdrawn, and every kind of failure
 * ending with its documented exit code.
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

#define OUT_MAX (256 * 1024)

static char out[OUT_MAX];
static char err[16 * 1024];

static int
setup(void **state)
{
	static struct harness h;
	int rc;

	harness_start(&h, HARNESS_TCP, 0);
	rc = harness_cli(&h, out, sizeof(out), err, sizeof(err), "unit", "add",
	    "KT-DAKGLEI", "UBND huyện Đắk Glei", "--kind", "district_committee",
	    "--province", "Kon Tum", "--to", "2025-06-30", NULL);
	assert_int_equal(rc, 0);
	rc = harness_cli(&h, out, sizeof(out), err, sizeof(err), "import",
	    harness_data("dak-glei-2024.csv"), NULL);
	if (rc != 0)
		fail_msg("import: %s", err);
	assert_non_null(strstr(out, "8 rows read: 8 stored"));
	*state = &h;
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

/* Runs "hoptac --json activity list args..." and returns the parsed list. */
static json_object *
list_json(struct harness *h, const char *a1, const char *a2, const char *a3)
{
	json_object *o;
	int rc = harness_cli(h, out, sizeof(out), err, sizeof(err), "--json",
	    "activity", "list", a1, a2, a3, NULL);

	if (rc != 0)
		fail_msg("activity list: %d %s", rc, err);
	o = json_tokener_parse(out);
	assert_non_null(o);
	return o;
}

static size_t
list_len(json_object *o)
{
	json_object *a;

	if (!json_object_object_get_ex(o, "activities", &a))
		return 0;
	return json_object_array_length(a);
}

/* The seed's figures come back from the records: out 02 đoàn/10 người,
 * in 02 đoàn/24 người, one conference, agreements signed. */
static void
test_seed_counts(void **state)
{
	struct harness *h = *state;
	json_object *o = list_json(h, NULL, NULL, NULL), *arr;
	int out_n = 0, out_p = 0, in_n = 0, in_p = 0, conf = 0, agree = 0;

	assert_true(json_object_object_get_ex(o, "activities", &arr));
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *a = json_object_array_get_idx(arr, i), *k, *p;
		const char *kind;
		int people = 0;

		assert_true(json_object_object_get_ex(a, "kind", &k));
		kind = json_object_get_string(k);
		if (json_object_object_get_ex(a, "people", &p))
			people = json_object_get_int(p);
		if (strcmp(kind, "ACTIVITY_KIND_DELEGATION_OUT") == 0) {
			out_n++;
			out_p += people;
		} else if (strcmp(kind, "ACTIVITY_KIND_DELEGATION_IN") == 0) {
			in_n++;
			in_p += people;
		} else if (strcmp(kind, "ACTIVITY_KIND_CONFERENCE") == 0) {
			conf++;
		} else if (strcmp(kind, "ACTIVITY_KIND_AGREEMENT") == 0) {
			agree++;
		}
	}
	assert_int_equal(out_n, 2);
	assert_int_equal(out_p, 10);
	assert_int_equal(in_n, 2);
	assert_int_equal(in_p, 24);
	assert_int_equal(conf, 1);
	assert_int_equal(agree, 2);
	json_object_put(o);
}

static void
test_reimport_stores_nothing(void **state)
{
	struct harness *h = *state;
	int rc = harness_cli(h, out, sizeof(out), err, sizeof(err), "import",
	    harness_data("dak-glei-2024.csv"), NULL);

	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "0 stored, 8 already stored"));
	json_object *o = list_json(h, NULL, NULL, NULL);
	assert_int_equal(list_len(o), 8);
	json_object_put(o);
}

/* Search ignores case and diacritics, "đ" matches "d"; partner filters
 * take any spelling, and a province takes in its districts. */
static void
test_search_and_filters(void **state)
{
	struct harness *h = *state;
	json_object *o;

	o = list_json(h, "--text", "DAK glei dak chung", NULL);
	assert_true(list_len(o) >= 2);
	json_object_put(o);
	o = list_json(h, "--text", "không có từ này", NULL);
	assert_int_equal(list_len(o), 0);
	json_object_put(o);

	o = list_json(h, "--partner", "xe kong", NULL);
	assert_int_equal(list_len(o), 8);
	json_object_put(o);
	o = list_json(h, "--partner", "Attapur", NULL);
	assert_int_equal(list_len(o), 2);
	json_object_put(o);
	o = list_json(h, "--kind", "đoàn vào", NULL);
	assert_int_equal(list_len(o), 2);
	json_object_put(o);
	o = list_json(h, "--from", "2024", NULL);
	assert_int_equal(list_len(o), 2);
	json_object_put(o);
	o = list_json(h, "--to", "tháng 11/2022", NULL);
	assert_int_equal(list_len(o), 2);
	json_object_put(o);
	o = list_json(h, "--limit", "3", NULL);
	assert_int_equal(list_len(o), 3);
	json_object_put(o);

	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "activity", "list", "--partner", "Paris", NULL),
	    3);
	assert_non_null(strstr(err, "partner"));
}

static int
people_of(struct harness *h, const char *id)
{
	json_object *o, *p;
	int n;

	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "--json", "activity", "show", id, NULL),
	    0);
	o = json_tokener_parse(out);
	assert_non_null(o);
	n = json_object_object_get_ex(o, "people", &p) ? json_object_get_int(p)
	                                               : 0;
	json_object_put(o);
	return n;
}

/* An amend against a stale version is ABORTED (exit 4) and changes
 * nothing; a withdrawn activity leaves the counts. */
static void
test_amend_and_withdraw(void **state)
{
	struct harness *h = *state;
	json_object *o;

	assert_int_equal(
	    harness_cli(h, out, sizeof(out), err, sizeof(err), "activity",
	        "amend", "dakglei-2024-001", "--people", "7", NULL),
	    0);
	assert_non_null(strstr(out, "version 2"));
	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "activity", "amend", "dakglei-2024-001",
	                     "--version", "1", "--people", "9", NULL),
	    4);
	assert_non_null(strstr(err, "is at version 2, not 1: read it again"));
	assert_int_equal(people_of(h, "dakglei-2024-001"), 7);

	assert_int_equal(
	    harness_cli(h, out, sizeof(out), err, sizeof(err), "activity",
	        "withdraw", "dakglei-2024-002", "--reason", "nhập trùng", NULL),
	    0);
	o = list_json(h, "--kind", "delegation_out", NULL);
	assert_int_equal(list_len(o), 1);
	json_object_put(o);
	o = list_json(h, "--kind", "delegation_out", "--withdrawn");
	assert_int_equal(list_len(o), 2);
	json_object_put(o);
	/* Amending a withdrawn activity is refused. */
	assert_int_equal(
	    harness_cli(h, out, sizeof(out), err, sizeof(err), "activity",
	        "amend", "dakglei-2024-002", "--people", "5", NULL),
	    4);
	assert_non_null(strstr(err, "withdrawn"));
}

static void
test_add_and_show(void **state)
{
	struct harness *h = *state;

	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "activity", "add", "--id", "dg-extra-1", "--unit",
	                     "KT-DAKGLEI", "--partner", "Sekong", "--kind",
	                     "training", "--start", "ngày 24/8/2021", "--title",
	                     "Tập huấn  ", "--people", "3", NULL),
	    0);
	assert_non_null(strstr(out, "dg-extra-1 stored"));
	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "activity", "show", "dg-extra-1", NULL),
	    0);
	assert_non_null(strstr(out, "2021-08-24"));
	assert_non_null(strstr(out, "LA-XE"));
	assert_non_null(strstr(out, "title:     Tập huấn\n"));
	/* The same id again: nothing new. */
	assert_int_equal(
	    harness_cli(h, out, sizeof(out), err, sizeof(err), "activity",
	        "add", "--id", "dg-extra-1", "--unit", "KT-DAKGLEI",
	        "--partner", "Sekong", "--kind", "training", "--start",
	        "2021-08-24", "--title", "Tập huấn", "--people", "3", NULL),
	    0);
	assert_non_null(strstr(out, "already stored (version 1)"));
}

/* A title with zero width characters inside is found by the word a
 * reader sees; one with a direction override is refused, naming it. */
static int
add_titled(struct harness *h, const char *id, const char *title)
{
	return harness_cli(h, out, sizeof(out), err, sizeof(err), "activity",
	    "add", "--id", id, "--unit", "KT-DAKGLEI", "--partner", "Sekong",
	    "--kind", "training", "--start", "2021-09-01", "--title", title,
	    NULL);
}

static void
test_invisible_characters(void **state)
{
	struct harness *h = *state;
	json_object *o, *a, *id;

	assert_int_equal(
	    add_titled(h, "dg-invisible-1", "Tập huấn qu\u200bxy\ufeffzw"), 0);
	o = list_json(h, "--text", "quxyzw", NULL);
	assert_int_equal(list_len(o), 1);
	assert_true(json_object_object_get_ex(o, "activities", &a));
	assert_true(json_object_object_get_ex(
	    json_object_array_get_idx(a, 0), "id", &id));
	assert_string_equal(json_object_get_string(id), "dg-invisible-1");
	json_object_put(o);

	assert_int_equal(
	    add_titled(h, "dg-invisible-2", "Tập huấn \u202egnp.exe"), 3);
	assert_non_null(strstr(err, "U+202E at character 10"));
}

/* Each failure has its own exit code and a message naming the cause. */
static void
test_exit_codes(void **state)
{
	struct harness *h = *state;
	struct harness none = *h;

	/* invalid input: 3, with the field named */
	assert_int_equal(
	    harness_cli(h, out, sizeof(out), err, sizeof(err), "activity",
	        "add", "--unit", "KT-DAKGLEI", "--partner", "Xyz", "--kind",
	        "conference", "--start", "2023-02-29", "--title", "x", NULL),
	    3);
	/* Headline first, then the details by the options typed. */
	assert_memory_equal(err, "hoptac: the activity is not valid\n", 34);
	assert_non_null(strstr(err, "  --partner: unknown partner \"Xyz\""));
	assert_non_null(strstr(err, "  --start: "));
	assert_non_null(strstr(err, "hint: dates are written"));
	assert_null(strstr(err, "partner_codes"));
	assert_null(strstr(err, "INVALID_ARGUMENT"));
	/* unknown unit: refused by the server as invalid input */
	assert_int_equal(
	    harness_cli(h, out, sizeof(out), err, sizeof(err), "activity",
	        "add", "--unit", "NOPE", "--partner", "LA-XE", "--kind",
	        "conference", "--start", "2023", "--title", "x", NULL),
	    3);
	assert_memory_equal(
	    err, "hoptac: the values given are not valid\n", 39);
	assert_non_null(strstr(err, "\n  --unit: "));
	/* usage: 2 */
	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "activity", "add", "--bogus", NULL),
	    2);
	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "frobnicate", NULL),
	    2);
	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "activity", NULL),
	    2);
	/* refused: 4 */
	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "activity", "show", "no-such-id", NULL),
	    4);
	assert_null(strstr(err, "NOT_FOUND"));
	assert_non_null(strstr(err, "hoptac: "));
	/* The status names are for -v (and --json). */
	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "-v", "activity", "show", "no-such-id", NULL),
	    4);
	assert_non_null(strstr(err, "hoptac: NOT_FOUND: "));
	assert_int_equal(
	    harness_cli(h, out, sizeof(out), err, sizeof(err), "unit", "add",
	        "KT-DAKGLEI", "again", "--kind", "other", NULL),
	    4);
	assert_non_null(strstr(err, "hoptac: unit KT-DAKGLEI already exists"));
	/* unreachable: 75 */
	snprintf(none.url, sizeof(none.url), "ipc://%s/nobody.sock", h->dir);
	assert_int_equal(harness_cli(&none, out, sizeof(out), err, sizeof(err),
	                     "--timeout", "1000", "ping", NULL),
	    75);
	assert_null(strstr(err, "UNAVAILABLE"));
	/* Which address was tried, and how to name another. */
	assert_non_null(strstr(err, "hint: no answer from ipc://"));
	assert_non_null(strstr(err, "--server URL, $HOPTAC_SERVER"));
	/* help */
	assert_int_equal(
	    harness_cli(h, out, sizeof(out), err, sizeof(err), "help", NULL),
	    0);
	assert_non_null(strstr(out, "activity add"));
	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "activity", "add", "--help", NULL),
	    0);
	assert_non_null(strstr(out, "usage: hoptac activity add"));
}

/* Bad rows are reported by line and field; good rows are stored. */
static void
test_import_bad_rows(void **state)
{
	struct harness *h = *state;
	char path[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/bad.csv", h->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("id,unit,partners,kind,start_date,title,people\n"
	      "imp-1,KT-DAKGLEI,Sê Kông,đoàn ra,02/5/2024,Tốt,5\n"
	      "imp-2,KT-DAKGLEI,Sê Kông,đoàn ra,31/2/2024,Ngày sai,5\n"
	      "imp-3,KT-DAKGLEI,Atlantis,đoàn ra,2024,Đối tác lạ,5\n"
	      "imp-4,KT-DAKGLEI,Sê Kông,đoàn ra,2024,Người âm,-2\n"
	      "imp-5,KT-DAKGLEI,Xê Kông,hội nghị,tháng 8 năm 2021,Cũng tốt,\n",
	    f);
	fclose(f);
	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "import", path, NULL),
	    3);
	assert_non_null(strstr(err, "bad.csv:3: start_date"));
	assert_non_null(strstr(err, "bad.csv:4: partner_codes[0]"));
	assert_non_null(strstr(err, "bad.csv:5: people"));
	assert_non_null(strstr(out, "2 stored"));
	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "activity", "show", "imp-5", NULL),
	    0);
	assert_non_null(strstr(out, "2021-08"));
	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "activity", "show", "imp-2", NULL),
	    4);
}

/* hoptacd's own flags: -n checks a configuration, a bad one is named. */
static void
test_daemon_flags(void **state)
{
	struct harness *h = *state;
	char conf[400], cmd[1200];
	FILE *f;

	snprintf(conf, sizeof(conf), "%s/good.conf", h->dir);
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "# a test\nlisten = tcp://127.0.0.1:1\ndatabase = %s/x.db\n",
	    h->dir);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "\"%s\" -n -f %s >/dev/null 2>&1",
	    getenv("HOPTACD"), conf);
	assert_int_equal(system(cmd), 0);
	snprintf(conf, sizeof(conf), "%s/bad.conf", h->dir);
	f = fopen(conf, "w");
	assert_non_null(f);
	fputs("listen = tcp://127.0.0.1:1\ncolour = blue\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
	    "\"%s\" -n -f %s 2>&1 | grep -q 'bad.conf:2'", getenv("HOPTACD"),
	    conf);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "\"%s\" -n -f %s/none.conf >/dev/null 2>&1",
	    getenv("HOPTACD"), h->dir);
	assert_int_not_equal(system(cmd), 0);
	snprintf(
	    cmd, sizeof(cmd), "\"%s\" -Z >/dev/null 2>&1", getenv("HOPTACD"));
	assert_int_not_equal(system(cmd), 0);
}

/* --version and --help of both programs: the project's version (CMake's,
 * the one place it is written), on stdout, exit 0, whatever else the
 * command line holds. */
static void
test_versions(void **state)
{
	struct harness *h = *state;
	char none[400];

	snprintf(none, sizeof(none), "%s/none.conf", h->dir);
	assert_int_equal(harness_hoptacd(h, out, sizeof(out), err, sizeof(err),
	                     "--version", NULL),
	    0);
	assert_string_equal(out, "hoptacd " HOPTAC_VERSION "\n");
	assert_string_equal(err, "");
	assert_int_equal(harness_hoptacd(h, out, sizeof(out), err, sizeof(err),
	                     "-f", none, "--version", NULL),
	    0);
	assert_string_equal(out, "hoptacd " HOPTAC_VERSION "\n");
	assert_int_equal(harness_hoptacd(h, out, sizeof(out), err, sizeof(err),
	                     "--help", NULL),
	    0);
	assert_non_null(strstr(out, "usage: hoptacd"));
	assert_non_null(strstr(out, "hoptacd backup"));
	assert_string_equal(err, "");
	assert_int_equal(harness_hoptacd(h, out, sizeof(out), err, sizeof(err),
	                     "--bogus", NULL),
	    2);
	assert_non_null(strstr(err, "usage: hoptacd"));
	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "--version", NULL),
	    0);
	assert_string_equal(out, "hoptac " HOPTAC_VERSION "\n");
}

static void
test_ping_and_methods(void **state)
{
	struct harness *h = *state;

	assert_int_equal(
	    harness_cli(h, out, sizeof(out), err, sizeof(err), "ping", NULL),
	    0);
	assert_non_null(strstr(out, "SERVING"));
	assert_int_equal(
	    harness_cli(h, out, sizeof(out), err, sizeof(err), "methods", NULL),
	    0);
	assert_non_null(strstr(out, "/hoptac.v1.Activities/Submit"));
	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "partner", "list", "phong - sa - ly", NULL),
	    0);
	assert_non_null(strstr(out, "LA-PH"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seed_counts),
	    cmocka_unit_test(test_reimport_stores_nothing),
	    cmocka_unit_test(test_search_and_filters),
	    cmocka_unit_test(test_add_and_show),
	    cmocka_unit_test(test_invisible_characters),
	    cmocka_unit_test(test_amend_and_withdraw),
	    cmocka_unit_test(test_exit_codes),
	    cmocka_unit_test(test_import_bad_rows),
	    cmocka_unit_test(test_ping_and_methods),
	    cmocka_unit_test(test_daemon_flags),
	    cmocka_unit_test(test_versions),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
