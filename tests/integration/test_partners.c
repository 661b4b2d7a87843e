/*
 * The gazetteer as hoptacd serves it: names as documents write them in
 * every place a partner is named, groups in a request's scope and a
 * summary's filter, the file it loads and what it refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char out[65536], err[8192];

static int
setup(void **state)
{
	static struct harness h;

	harness_start(&h, HARNESS_TCP, 0);
	*state = &h;
	return 0;
}

static int
teardown(void **state)
{
	harness_cleanup(*state);
	return 0;
}

#define cli(h, ...)                                                            \
	harness_cli((h), out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)

/* partner list with a province named as documents name it lists it and
 * its districts; a district by any form, itself. */
static void
test_partner_list_forms(void **state)
{
	struct harness *h = *state;
	static const char *const districts[][2] = {
	    {"huyện Noọng Hẹt", "LA-XI-NONGHET"},
	    {"huyen noong het", "LA-XI-NONGHET"},
	    {"Mường Pẹc", "LA-XI-PEK"},
	    {"Phu Cut", "LA-XI-PHOUKOUT"},
	    {"Ka Lưm", "LA-XE-KALEUM"},
	    {"huyện Kaleum (Lào)", "LA-XE-KALEUM"},
	    {"Dac Chung", "LA-XE-DAKCHEUNG"},
	};

	harness_expect(cli(h, "partner", "list", "tỉnh Xiêng Khoảng"), 0,
	    "list", out, err);
	assert_non_null(strstr(out, "LA-XI "));
	assert_non_null(strstr(out, "LA-XI-NONGHET"));
	assert_non_null(strstr(out, "LA-XI-PHAXAY"));
	assert_null(strstr(out, "LA-XE"));
	harness_expect(
	    cli(h, "partner", "list", "tinh se kong"), 0, "list", out, err);
	assert_non_null(strstr(out, "LA-XE-KALEUM"));
	assert_non_null(strstr(out, "LA-XE-THATENG"));
	for (size_t i = 0; i < sizeof(districts) / sizeof(districts[0]); i++) {
		harness_expect(cli(h, "partner", "list", districts[i][0]), 0,
		    districts[i][0], out, err);
		assert_non_null(strstr(out, districts[i][1]));
	}
	harness_expect(cli(h, "partner", "list", "các tỉnh Nam Lào"), 0,
	    "group", out, err);
	assert_non_null(strstr(out, "G-LA-NAM"));
	assert_non_null(strstr(out, "LA-AT-SANXAY"));
	assert_null(strstr(out, "LA-XI"));
	harness_expect(
	    cli(h, "partner", "list", "Quảng Ninh"), 4, "none", out, err);
}

/* Every district of Xiêng Khoảng and Sê Kông, by its Vietnamese name
 * with and without diacritics, bare and with the words documents add. */
static void
test_partner_list_every_district(void **state)
{
	struct harness *h = *state;
	static const char *const districts[][3] = {
	    {"Pẹc", "Pec", "LA-XI-PEK"},
	    {"Khăm", "Kham", "LA-XI-KHAM"},
	    {"Noọng Hẹt", "Noong Het", "LA-XI-NONGHET"},
	    {"Khun", "Khun", "LA-XI-KHOUNE"},
	    {"Mọc May", "Moc May", "LA-XI-MOKMAY"},
	    {"Phu Cút", "Phu Cut", "LA-XI-PHOUKOUT"},
	    {"Pha Xay", "Pha Xay", "LA-XI-PHAXAY"},
	    {"La Mam", "La Mam", "LA-XE-LAMAM"},
	    {"Ka Lưm", "Ka Lum", "LA-XE-KALEUM"},
	    {"Đắc Chưng", "Dac Chung", "LA-XE-DAKCHEUNG"},
	    {"Thà Teng", "Tha Teng", "LA-XE-THATENG"},
	};
	static const char *const forms[][2] = {
	    {"", ""}, {"huyện ", ""}, {"huyen ", ""}, {"Mường ", " (Lào)"}};
	char text[128];

	for (size_t i = 0; i < sizeof(districts) / sizeof(districts[0]); i++)
		for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++)
			for (int plain = 0; plain < 2; plain++) {
				snprintf(text, sizeof(text), "%s%s%s",
				    forms[f][0], districts[i][plain],
				    forms[f][1]);
				harness_expect(cli(h, "partner", "list", text),
				    0, text, out, err);
				if (strstr(out, districts[i][2]) == NULL)
					fail_msg("\"%s\" lists no %s", text,
					    districts[i][2]);
			}
}

/* A group names its members in a request's scope and a summary's filter;
 * an activity takes a province or a district only. */
static void
test_groups(void **state)
{
	struct harness *h = *state;

	harness_expect(cli(h, "unit", "add", "NA-SNGV", "Sở Ngoại vụ Nghệ An",
	                   "--kind", "other", "--province", "Nghệ An"),
	    0, "unit", out, err);
	harness_expect(cli(h, "activity", "add", "--id", "gz-1", "--unit",
	                   "NA-SNGV", "--partner",
	                   "huyện Noọng Hẹt, tỉnh "
	                   "Xiêng Khoảng (Lào)",
	                   "--kind", "training", "--start", "2/3/2024",
	                   "--title", "Tập huấn"),
	    0, "add Noọng Hẹt", out, err);
	harness_expect(cli(h, "activity", "add", "--id", "gz-2", "--unit",
	                   "NA-SNGV", "--partner", "Ka Lum", "--kind",
	                   "training", "--start", "3/3/2024", "--title", "Họp"),
	    0, "add Ka Lưm", out, err);
	harness_expect(cli(h, "activity", "add", "--id", "gz-3", "--unit",
	                   "NA-SNGV", "--partner", "các tỉnh Bắc Lào", "--kind",
	                   "training", "--start", "3/3/2024", "--title", "Họp"),
	    3, "add a group", out, err);
	assert_non_null(strstr(err, "is a group"));

	harness_expect(cli(h, "activity", "list", "--unit", "NA-SNGV",
	                   "--partner", "tỉnh Xiêng Khoảng"),
	    0, "list by province", out, err);
	assert_non_null(strstr(out, "gz-1"));
	assert_null(strstr(out, "gz-2"));

	harness_expect(cli(h, "summary", "--from", "2024", "--to", "2024",
	                   "--partner", "Bắc Lào", "--by", "partner"),
	    0, "summary north", out, err);
	assert_non_null(strstr(out, "LA-XI"));
	assert_null(strstr(out, "LA-XE"));
	harness_expect(
	    cli(h, "summary", "--from", "2024", "--to", "2024", "--partner",
	        "các tỉnh Lào giáp Thừa Thiên Huế", "--by", "partner"),
	    0, "summary Huế", out, err);
	assert_non_null(strstr(out, "LA-XE"));
	assert_null(strstr(out, "LA-XI"));

	harness_expect(
	    cli(h, "request", "create", "R-GZ-1", "--issuer", "NA-SNGV",
	        "--issued", "2024-05-02", "--title", "báo cáo", "--from",
	        "2024", "--due", "2024-06-01", "--unit", "NA-SNGV", "--partner",
	        "các tỉnh Lào giáp Nghệ An"),
	    0, "request", out, err);
	harness_expect(
	    cli(h, "request", "show", "R-GZ-1"), 0, "show", out, err);
	assert_non_null(strstr(out, "LA-HO"));
	assert_non_null(strstr(out, "LA-XI"));
	assert_non_null(strstr(out, "LA-BL"));
	assert_null(strstr(out, "G-VN"));
}

/* hoptacd serves the file it is given, and refuses a bad one with its
 * line and EX_CONFIG. */
static void
test_file(void **state)
{
	struct harness *h = *state;
	char path[400], opt[420], log[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/gazetteer.tsv", h->dir);
	snprintf(opt, sizeof(opt), "gazetteer=%s", path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("code\tlevel\tparent\tname\tlatin\taliases\tmembers\n"
	      "LA-XE\tprovince\t\tSê Kông\tSekong\tXê Kông\t\n"
	      "LA-XE-MOILAP\tdistrict\tLA-XE\tMới Lập\tMoilap\t\t\n",
	    f);
	fclose(f);
	harness_stop(h);
	harness_args(h, "-o", opt, NULL);
	harness_restart(h);
	harness_expect(
	    cli(h, "partner", "list", "huyện Mới Lập"), 0, "new", out, err);
	assert_non_null(strstr(out, "LA-XE-MOILAP"));
	harness_expect(
	    cli(h, "partner", "list", "Attapeu"), 4, "gone", out, err);

	f = fopen(path, "a");
	assert_non_null(f);
	fputs("LA-XI\tprovince\t\tXê-kông\tX\t\t\n", f);
	fclose(f);
	harness_stop(h);
	assert_int_equal(harness_start_fails(h, log, sizeof(log)), 78);
	assert_non_null(strstr(log, "gazetteer.tsv:4: LA-XI: a spelling"));
	assert_int_equal(harness_hoptacd(h, out, sizeof(out), err, sizeof(err),
	                     "-n", "-o", opt, "-D", h->db, "-l", h->url, NULL),
	    78);
	harness_args(h, NULL);
	harness_restart(h);
}

/* An administrator adds a district and an alias: audited, idempotent,
 * refused to others, used at once and kept across a restart. */
static void
test_add_alias(void **state)
{
	struct harness *h = *state;
	char office[128];

	harness_issue(h, "office", 1u << HOPTAC__V1__ROLE__ROLE_OFFICE,
	    "NA-SNGV", office, sizeof(office));
	setenv("HOPTAC_TOKEN", office, 1);
	harness_expect(cli(h, "partner", "add", "LA-XE-MOILAP", "Mới Lập",
	                   "--latin", "Moilap", "--parent", "Sê Kông"),
	    77, "an office adds", out, err);
	harness_expect(cli(h, "partner", "alias", "Ka Lưm", "Ca Lơm"), 77,
	    "an office aliases", out, err);
	unsetenv("HOPTAC_TOKEN");

	harness_expect(
	    cli(h, "partner", "list", "Mới Lập"), 4, "before", out, err);
	harness_expect(cli(h, "partner", "add", "LA-XE-MOILAP", "Mới Lập",
	                   "--latin", "Moilap", "--parent", "tỉnh Sê Kông"),
	    0, "add", out, err);
	assert_non_null(strstr(out, "LA-XE-MOILAP added"));
	harness_expect(cli(h, "partner", "add", "LA-XE-MOILAP", "Mới Lập",
	                   "--latin", "Moilap", "--parent", "LA-XE"),
	    0, "add again", out, err);
	assert_non_null(strstr(out, "was there already"));
	harness_expect(cli(h, "partner", "add", "LA-XE-MOILAP", "Khác",
	                   "--latin", "Other", "--parent", "LA-XE"),
	    3, "another entry, same code", out, err);
	harness_expect(cli(h, "partner", "add", "LA-AT-X", "Pẹc", "--latin",
	                   "Pek", "--parent", "LA-XE"),
	    3, "a code of another province", out, err);
	harness_expect(
	    cli(h, "partner", "list", "huyện Mới Lập"), 0, "after", out, err);
	assert_non_null(strstr(out, "LA-XE-MOILAP"));

	harness_expect(cli(h, "partner", "alias", "Ka Lưm", "Ca Lơm"), 0,
	    "alias", out, err);
	assert_non_null(strstr(out, "added: LA-XE-KALEUM"));
	harness_expect(cli(h, "partner", "alias", "LA-XE-KALEUM", "Ca Lơm"), 0,
	    "alias again", out, err);
	assert_non_null(strstr(out, "was there already"));
	harness_expect(cli(h, "partner", "alias", "LA-XE", "Attapeu"), 3,
	    "another partner's spelling", out, err);
	assert_non_null(strstr(err, "LA-AT"));
	harness_expect(cli(h, "activity", "add", "--id", "gz-4", "--unit",
	                   "NA-SNGV", "--partner", "LA-XE-MOILAP", "--kind",
	                   "training", "--start", "4/3/2024", "--title", "Họp"),
	    0, "an activity with the new district", out, err);

	harness_expect(
	    cli(h, "audit", "--method", "Partners/Add"), 0, "audit", out, err);
	assert_non_null(strstr(out, "Partners/Add"));
	harness_expect(cli(h, "audit", "--method", "Partners/Alias"), 0,
	    "audit", out, err);
	assert_non_null(strstr(out, "Partners/Alias"));

	harness_stop(h);
	harness_restart(h);
	harness_expect(cli(h, "partner", "list", "huyen ca lom"), 0,
	    "after a restart", out, err);
	assert_non_null(strstr(out, "LA-XE-KALEUM"));
	harness_expect(cli(h, "activity", "list", "--partner", "Mới Lập"), 0,
	    "after a restart", out, err);
	assert_non_null(strstr(out, "gz-4"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_partner_list_forms),
	    cmocka_unit_test(test_partner_list_every_district),
	    cmocka_unit_test(test_groups),
	    cmocka_unit_test(test_file),
	    cmocka_unit_test(test_add_alias),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
