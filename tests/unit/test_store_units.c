/*
 * Units in the store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "store_fixture.h"

static void
test_units(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	Hoptac__V1__Unit *u = store_fixture_unit(
	    "KT-DAKGLEI", "UBND huyện Đắk Glei", "Kon Tum", "");
	Hoptac__V1__Unit *got = NULL;

	assert_int_equal(pbstr_append(&u->n_successor_codes,
	                     &u->successor_codes, "KT-NGOCHOI"),
	    0);
	assert_int_equal(store_unit_insert(c, u), STATUS_OK);
	assert_int_equal(store_unit_get(c, "KT-DAKGLEI", &got), STATUS_OK);
	assert_non_null(got);
	assert_string_equal(got->name, "UBND huyện Đắk Glei");
	assert_string_equal(got->province, "Kon Tum");
	assert_int_equal(got->n_successor_codes, 1);
	store_fixture_assert_same(&u->base, &got->base);
	protobuf_c_message_free_unpacked(&got->base, NULL);

	/* Existence only. */
	assert_int_equal(store_unit_get(c, "KT-DAKGLEI", NULL), STATUS_OK);
	assert_int_equal(store_unit_get(c, "KT-DAKTO", NULL), STATUS_NOT_FOUND);
	/* Codes match exactly. */
	assert_int_equal(
	    store_unit_get(c, "kt-dakglei", NULL), STATUS_NOT_FOUND);

	/* The same code again, even with other content. */
	assert_int_equal(pbstr_set(&u->name, "Huyện ủy Đắk Glei"), 0);
	assert_int_equal(store_unit_insert(c, u), STATUS_ALREADY_EXISTS);
	assert_int_equal(store_unit_get(c, "KT-DAKGLEI", &got), STATUS_OK);
	assert_string_equal(got->name, "UBND huyện Đắk Glei");
	protobuf_c_message_free_unpacked(&got->base, NULL);
	protobuf_c_message_free_unpacked(&u->base, NULL);
}

/* Lists units with the request given, into a space-separated code list. */
static void
expect_units(struct store_conn *c, const char *province, int include_ended,
    int32_t today, const char *want)
{
	Hoptac__V1__ListUnitsRequest q = HOPTAC__V1__LIST_UNITS_REQUEST__INIT;
	Hoptac__V1__ListUnitsResponse *out = malloc(sizeof(*out));
	char got[256] = "";

	assert_non_null(out);
	hoptac__v1__list_units_response__init(out);
	q.province = (char *)province;
	q.include_ended = include_ended;
	assert_int_equal(store_unit_list(c, &q, today, out), STATUS_OK);
	for (size_t i = 0; i < out->n_units; i++) {
		size_t at = strlen(got);

		snprintf(got + at, sizeof(got) - at, "%s%s", i > 0 ? " " : "",
		    out->units[i]->code);
	}
	if (strcmp(got, want) != 0)
		fail_msg("units of \"%s\" (ended %d): \"%s\", want \"%s\"",
		    province, include_ended, got, want);
	protobuf_c_message_free_unpacked(&out->base, NULL);
}

static void
test_unit_list(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	struct date_partial d;
	char today_iso[DATE_ISO_LEN], yesterday_iso[DATE_ISO_LEN];
	int32_t today = date_today();

	date_from_days(today, &d);
	date_format(&d, today_iso);
	date_from_days(today - 1, &d);
	date_format(&d, yesterday_iso);

	/* Inserted out of order: the list sorts by province, then code. */
	store_fixture_insert_unit(c, "QNa-SNGV", "Quảng Nam", "");
	store_fixture_insert_unit(c, "KT-SNGV", "Kon Tum", "");
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_unit(c, "KT-OLD", "Kon Tum", "2019-12");
	store_fixture_insert_unit(c, "KT-ENDSTODAY", "Kon Tum", today_iso);
	store_fixture_insert_unit(
	    c, "KT-ENDEDYESTERDAY", "Kon Tum", yesterday_iso);
	store_fixture_insert_unit(c, "KT-ENDSLATER", "Kon Tum", "2199");

	expect_units(c, "Kon Tum", 0, today,
	    "KT-DAKGLEI KT-ENDSLATER KT-ENDSTODAY KT-SNGV");
	expect_units(c, "Kon Tum", 1, today,
	    "KT-DAKGLEI KT-ENDEDYESTERDAY KT-ENDSLATER KT-ENDSTODAY KT-OLD "
	    "KT-SNGV");
	expect_units(c, "", 0, today,
	    "KT-DAKGLEI KT-ENDSLATER KT-ENDSTODAY KT-SNGV QNa-SNGV");
	expect_units(c, "Quảng Nam", 1, today, "QNa-SNGV");
	/* The province matches exactly. */
	expect_units(c, "kon tum", 1, today, "");
	expect_units(c, "Sê Kông", 1, today, "");
	/* A unit whose valid_to is a month has ended after its last day. */
	{
		struct date_partial dec = {2019, 12, 31, 0};

		expect_units(c, "Kon Tum", 0, date_first_day(&dec),
		    "KT-DAKGLEI KT-ENDEDYESTERDAY KT-ENDSLATER KT-ENDSTODAY "
		    "KT-OLD KT-SNGV");
		expect_units(c, "Kon Tum", 0, date_first_day(&dec) + 1,
		    "KT-DAKGLEI KT-ENDEDYESTERDAY KT-ENDSLATER KT-ENDSTODAY "
		    "KT-SNGV");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_units),
	    STORE_FIXTURE_TEST(test_unit_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
