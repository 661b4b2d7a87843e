/*
 * Partners and aliases added to the gazetteer, in the store, and the
 * migration that made their table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "status.h"
#include "store.h"
#include "store_fixture.h"

/* What store_partner_each gave, one line an addition. */
static int
collect(void *arg, const struct store_partner_addition *a)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 1024 - n, "%s|%s|%s|%s|%s|%lld\n", a->code,
	    a->parent_code ? a->parent_code : "-", a->name ? a->name : "-",
	    a->name_latin ? a->name_latin : "-", a->alias ? a->alias : "-",
	    (long long)a->added_at_ms);
	return STATUS_OK;
}

static void
add_two(struct store_conn *c)
{
	struct store_partner_addition district = {
	    "LA-XE-MOILAP", "LA-XE", "Mới Lập", "Moilap", NULL, 1000};
	struct store_partner_addition alias = {
	    "LA-XE-MOILAP", NULL, NULL, NULL, "Mơi Lạp", 2000};

	assert_int_equal(store_partner_add(c, &district), STATUS_OK);
	assert_int_equal(store_partner_add(c, &alias), STATUS_OK);
}

static void
test_additions(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	char out[1024] = "";

	assert_int_equal(store_partner_each(c, collect, out), STATUS_OK);
	assert_string_equal(out, "");
	add_two(c);
	assert_int_equal(store_partner_each(c, collect, out), STATUS_OK);
	assert_string_equal(out,
	    "LA-XE-MOILAP|LA-XE|Mới Lập|Moilap|-|1000\n"
	    "LA-XE-MOILAP|-|-|-|Mơi Lạp|2000\n");
}

/* Migration 14: a database of schema 13 with records in it gains the
 * table, empty, and keeps its records. */
static void
test_migration_14(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	Hoptac__V1__Unit *u = NULL;
	char out[1024] = "";

	STORE_FIXTURE_SQLITE_ONLY();
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	add_two(c);
	store_close(c);
	f->db = NULL;
	store_fixture_exec(
	    f->path, "DROP TABLE partner_additions; PRAGMA user_version = 13;");
	c = store_fixture_writer(f);
	assert_int_equal(store_fixture_version(f->path), STORE_SCHEMA_VERSION);
	assert_int_equal(store_unit_get(c, "KT-DAKGLEI", &u), STATUS_OK);
	hoptac__v1__unit__free_unpacked(u, NULL);
	assert_int_equal(store_partner_each(c, collect, out), STATUS_OK);
	assert_string_equal(out, "");
	add_two(c);
	assert_int_equal(store_partner_each(c, collect, out), STATUS_OK);
	assert_non_null(strstr(out, "Mơi Lạp"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_additions),
	    STORE_FIXTURE_TEST(test_migration_14),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
