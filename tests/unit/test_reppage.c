/*
 * Pages of reports: which tokens pass, and where a page starts and ends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbstr.h"
#include "reppage.h"
#include "rpc.h"
#include "status.h"

static void
test_check(void **state)
{
	static const char *const bad[] = {"x", "p1.", "p1.0", "p1.0.41.42",
	    "p1.0.4.42.1", "p1.0.4A.42.1", "p1.0.00.42.1", "p1.-1.41.42.1",
	    "p1.0.41.42.-1", "p1.0.41.42.1.", "p1.0.41.42.1x",
	    "p1.99999999999999999999.41.42.1", "p2.0.41.42.1"};
	int64_t stamp = 7;

	(void)state;
	assert_int_equal(reppage_check("", &stamp), 0);
	assert_int_equal(stamp, 0);
	assert_int_equal(reppage_check("p1.1715.41.42.3", &stamp), 0);
	assert_int_equal(stamp, 1715);
	assert_int_equal(reppage_check("p1.0...1", &stamp), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(reppage_check(bad[i], &stamp), -1);
}

/* n heap reports of request "R", units "U00".., revision 1, each with a
 * situation of bytes bytes. */
static Hoptac__V1__Report **
reports(size_t n, size_t bytes)
{
	Hoptac__V1__Report **r = calloc(n, sizeof(*r));
	char *text = malloc(bytes + 1), unit[32];

	assert_non_null(r);
	assert_non_null(text);
	memset(text, 'x', bytes);
	text[bytes] = '\0';
	for (size_t i = 0; i < n; i++) {
		r[i] = malloc(sizeof(*r[i]));
		assert_non_null(r[i]);
		hoptac__v1__report__init(r[i]);
		snprintf(unit, sizeof(unit), "U%02zu", i);
		assert_int_equal(pbstr_set(&r[i]->request_reference, "R"), 0);
		assert_int_equal(pbstr_set(&r[i]->unit_code, unit), 0);
		assert_int_equal(pbstr_set(&r[i]->situation, text), 0);
		r[i]->revision = 1;
	}
	free(text);
	return r;
}

static void
drop(size_t n, Hoptac__V1__Report **r)
{
	for (size_t i = 0; i < n; i++)
		hoptac__v1__report__free_unpacked(r[i], NULL);
	free(r);
}

/* Pages of reports of a third of a page each, then one larger than a
 * page: every report on exactly one page, in order. */
static void
test_cut(void **state)
{
	size_t third = RPC_MAX_MESSAGE / 6, seen = 0;
	char *token = (char *)protobuf_c_empty_string; /* pbstr's */

	(void)state;
	for (int page = 0; page < 10 && (page == 0 || token[0] != '\0');
	     page++) {
		Hoptac__V1__Report **r = reports(7, third);
		size_t n = 7;
		char *next = (char *)protobuf_c_empty_string;

		assert_int_equal(
		    reppage_cut(&n, r, token, 42, &next), STATUS_OK);
		assert_true(n >= 1 && n <= 3);
		for (size_t i = 0; i < n; i++) {
			char unit[32];

			snprintf(unit, sizeof(unit), "U%02zu", seen + i);
			assert_string_equal(r[i]->unit_code, unit);
		}
		seen += n;
		drop(n, r);
		pbstr_set(&token, NULL);
		token = next;
	}
	assert_int_equal(seen, 7);
	pbstr_set(&token, NULL);

	/* A report over a page's bytes still comes, alone. */
	{
		Hoptac__V1__Report **r = reports(2, RPC_MAX_MESSAGE / 2 + 1);
		size_t n = 2;
		char *next = (char *)protobuf_c_empty_string;
		int64_t stamp;

		assert_int_equal(reppage_cut(&n, r, "", 42, &next), STATUS_OK);
		assert_int_equal(n, 1);
		assert_int_equal(reppage_check(next, &stamp), 0);
		assert_int_equal(stamp, 42);
		drop(n, r);
		pbstr_set(&next, NULL);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
