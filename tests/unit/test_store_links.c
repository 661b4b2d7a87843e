/* The store's part of one event reported twice: the records of a period,
 * the reviewers' verdicts on pairs, and migration 13 that keeps them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"
#include "status.h"
#include "store.h"
#include "store_fixture.h"

#define IN HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN

static const struct store_fixture_spec store_a = {"a-1", "KT-DAKGLEI",
    {"LA-XE", NULL, NULL}, IN, {NULL}, "2025-03-12", "2025-03-14",
    "Đoàn Công an tỉnh Sê Kông", "", "", "", 0};
static const struct store_fixture_spec store_b = {"b-1", "KT-CA",
    {"LA-XE-DAKCHEUNG", NULL, NULL}, IN, {NULL}, "2025-03-12", "",
    "Đoàn CA tỉnh Sê Kông", "", "", "", 0};
static const struct store_fixture_spec store_gone = {"c-1", "KT-CA",
    {"LA-XE", NULL, NULL}, IN, {NULL}, "2025-03-13", "", "Rút", "", "", "", 1};
static const struct store_fixture_spec store_later = {"d-1", "KT-CA",
    {"LA-XE", NULL, NULL}, IN, {NULL}, "2025-05", "", "Tháng 5", "", "", "", 0};

static int32_t
day(const char *iso)
{
	struct date_partial d;

	assert_int_equal(date_parse(iso, &d), 0);
	return date_first_day(&d);
}

static void
fill(struct store_conn *c)
{
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_unit(c, "KT-CA", "Kon Tum", "");
	store_fixture_insert_activity(c, &store_a);
	store_fixture_insert_activity(c, &store_b);
	store_fixture_insert_activity(c, &store_gone);
	store_fixture_insert_activity(c, &store_later);
}

static Hoptac__V1__ActivityLink *
link_new(
    const char *au, const char *ai, const char *bu, const char *bi, int verdict)
{
	Hoptac__V1__ActivityLink *l = calloc(1, sizeof(*l));
	Hoptac__V1__ActivityRef *a = calloc(1, sizeof(*a));
	Hoptac__V1__ActivityRef *b = calloc(1, sizeof(*b));

	assert_non_null(l);
	assert_non_null(a);
	assert_non_null(b);
	hoptac__v1__activity_link__init(l);
	hoptac__v1__activity_ref__init(a);
	hoptac__v1__activity_ref__init(b);
	a->unit_code = strdup(au);
	a->id = strdup(ai);
	b->unit_code = strdup(bu);
	b->id = strdup(bi);
	l->a = a;
	l->b = b;
	l->verdict = verdict;
	l->note = strdup("");
	l->credential_id = strdup("rev");
	return l;
}

static void
links_free(Hoptac__V1__ActivityLink **links, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hoptac__v1__activity_link__free_unpacked(links[i], NULL);
	free(links);
}

/* Active records whose days meet the period, in start order; past max,
 * nothing. */
static void
test_window(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	Hoptac__V1__ListActivitiesResponse out =
	    HOPTAC__V1__LIST_ACTIVITIES_RESPONSE__INIT;

	fill(c);
	assert_int_equal(store_activity_window(
	                     c, day("2025-03-14"), day("2025-03-31"), 10, &out),
	    STATUS_OK);
	assert_int_equal(out.n_activities, 1);
	assert_string_equal(out.activities[0]->id, "a-1");
	hoptac__v1__activity__free_unpacked(out.activities[0], NULL);
	free(out.activities);
	memset(&out, 0, sizeof(out));
	hoptac__v1__list_activities_response__init(&out);
	assert_int_equal(store_activity_window(
	                     c, day("2025-03-01"), day("2025-12-31"), 2, &out),
	    STATUS_RESOURCE_EXHAUSTED);
	assert_int_equal(out.n_activities, 0);
	assert_int_equal(store_activity_window(
	                     c, day("2025-03-01"), day("2025-12-31"), 3, &out),
	    STATUS_OK);
	assert_int_equal(out.n_activities, 3);
	assert_string_equal(out.activities[2]->id, "d-1");
	for (size_t i = 0; i < out.n_activities; i++)
		hoptac__v1__activity__free_unpacked(out.activities[i], NULL);
	free(out.activities);
}

/* A verdict replaces the pair's earlier one; a pair is listed in the
 * periods its records meet. */
static void
test_links(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	Hoptac__V1__ActivityLink *l;
	Hoptac__V1__ActivityLink **links = NULL;
	size_t n = 0;

	fill(c);
	l = link_new("KT-CA", "b-1", "KT-DAKGLEI", "a-1",
	    HOPTAC__V1__LINK_VERDICT__LINK_VERDICT_DISTINCT);
	assert_int_equal(store_link_put(c, l), STATUS_OK);
	l->verdict = HOPTAC__V1__LINK_VERDICT__LINK_VERDICT_SAME_EVENT;
	assert_int_equal(store_link_put(c, l), STATUS_OK);
	hoptac__v1__activity_link__free_unpacked(l, NULL);
	assert_int_equal(store_link_list(c, day("2025-03-01"),
	                     day("2025-03-31"), &n, &links),
	    STATUS_OK);
	assert_int_equal(n, 1);
	assert_int_equal(links[0]->verdict,
	    HOPTAC__V1__LINK_VERDICT__LINK_VERDICT_SAME_EVENT);
	assert_string_equal(links[0]->b->unit_code, "KT-DAKGLEI");
	links_free(links, n);
	links = NULL;
	n = 0;
	assert_int_equal(store_link_list(c, day("2025-04-01"),
	                     day("2025-04-30"), &n, &links),
	    STATUS_OK);
	assert_int_equal(n, 0);
	free(links);
}

/* Migration 15 from a schema 14 database with records in it: they stay,
 * and verdicts can be kept. */
static void
test_migration_15(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	Hoptac__V1__Activity *a = NULL;
	Hoptac__V1__ActivityLink *l;

	STORE_FIXTURE_SQLITE_ONLY();
	fill(c);
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	store_close(c);
	f->db = NULL;
	store_fixture_exec(f->path,
	    "DROP TABLE activity_links;"
	    "PRAGMA user_version = 14;");
	c = store_fixture_writer(f);
	assert_int_equal(store_fixture_version(f->path), STORE_SCHEMA_VERSION);
	assert_int_equal(store_activity_get(c, "KT-CA", "b-1", &a), STATUS_OK);
	assert_string_equal(a->title, "Đoàn CA tỉnh Sê Kông");
	hoptac__v1__activity__free_unpacked(a, NULL);
	l = link_new("KT-CA", "b-1", "KT-DAKGLEI", "a-1",
	    HOPTAC__V1__LINK_VERDICT__LINK_VERDICT_SAME_EVENT);
	assert_int_equal(store_link_put(c, l), STATUS_OK);
	hoptac__v1__activity_link__free_unpacked(l, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_window),
	    STORE_FIXTURE_TEST(test_links),
	    STORE_FIXTURE_TEST(test_migration_15),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
