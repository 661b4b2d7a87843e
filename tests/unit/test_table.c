#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

/* "Đắk Glei" in NFD: a, combining breve, combining acute. */
#define DAK_GLEI_NFD                                                           \
	"\xC4\x90"                                                             \
	"a\xCC\x86\xCC\x81"                                                    \
	"k Glei"

static char *
render(const struct table *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	table_print(t, f);
	fclose(f);
	return buf;
}

static void
test_alignment(void **state)
{
	const char *headers[] = {"Đơn vị", "Đối tác", "Số người"};
	const char *r1[] = {"Đắk Glei", "Sê Kông", "10"};
	const char *r2[] = {DAK_GLEI_NFD, "Xản Xay", "24"};
	const char *r3[] = {"Kon Tum", NULL, NULL};
	struct table *t = table_create(3, headers);
	char *out;

	(void)state;
	assert_non_null(t);
	assert_int_equal(table_add_row(t, r1), 0);
	assert_int_equal(table_add_row(t, r2), 0);
	assert_int_equal(table_add_row(t, r3), 0);
	out = render(t);
	assert_string_equal(out,
	    "Đơn vị    Đối tác  Số người\n"
	    "--------  -------  --------\n"
	    "Đắk Glei  Sê Kông  10\n" DAK_GLEI_NFD "  Xản Xay  24\n"
	    "Kon Tum\n");
	free(out);
	table_destroy(t);
}

static void
test_cutting(void **state)
{
	const char *headers[] = {"Tên", "Ghi chú"};
	const char *r1[] = {"Đắk Glei", "ngắn"};
	const char *r2[] = {DAK_GLEI_NFD, "a\tb\nc"};
	const char *r3[] = {"漢字漢字", ""};
	struct table *t = table_create(2, headers);
	char *out;

	(void)state;
	assert_non_null(t);
	assert_int_equal(table_add_row(t, r1), 0);
	assert_int_equal(table_add_row(t, r2), 0);
	assert_int_equal(table_add_row(t, r3), 0);
	table_set_max_width(t, 0, 6);
	out = render(t);
	/* The marks of the NFD "ắ" stay with their letter; a wide character
	 * that does not fit is left out whole. Control characters print as
	 * spaces. */
	assert_string_equal(out,
	    "Tên     Ghi chú\n"
	    "------  -------\n"
	    "Đắk G…  ngắn\n"
	    "\xC4\x90"
	    "a\xCC\x86\xCC\x81"
	    "k G…  a b c\n"
	    "漢字…\n");
	free(out);

	table_set_max_width(t, 0, 3);
	out = render(t);
	assert_string_equal(out,
	    "Tên  Ghi chú\n"
	    "---  -------\n"
	    "Đắ…  ngắn\n"
	    "\xC4\x90"
	    "a\xCC\x86\xCC\x81"
	    "…  a b c\n"
	    "漢…\n");
	free(out);

	table_set_max_width(t, 0, 1);
	out = render(t);
	assert_string_equal(out,
	    "…  Ghi chú\n"
	    "-  -------\n"
	    "…  ngắn\n"
	    "…  a b c\n"
	    "…\n");
	free(out);
	table_destroy(t);
}

static void
test_empty_table(void **state)
{
	const char *headers[] = {"ID", ""};
	struct table *t = table_create(2, headers);
	char *out;

	(void)state;
	assert_non_null(t);
	out = render(t);
	assert_string_equal(out, "ID\n--\n");
	free(out);
	table_destroy(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alignment),
	    cmocka_unit_test(test_cutting),
	    cmocka_unit_test(test_empty_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
