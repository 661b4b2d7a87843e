/*
 * The limit of one report's text: its sections together hold at most
 * VALIDATE_REPORT_TEXT_MAX bytes, counted in UTF-8 once normalized, and
 * the refusal names the limit and, as its field, the largest section.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbstr.h"
#include "validate.h"

/* A heap text of bytes bytes: "<name>" then unit, a character of
 * strlen(unit) bytes, repeated, then ASCII to make up the rest. */
static char *
filled(const char *name, const char *unit, size_t bytes)
{
	char *s = malloc(bytes + 1);
	size_t pos = strlen(name), u = strlen(unit);

	assert_non_null(s);
	memcpy(s, name, pos);
	for (; pos + u <= bytes; pos += u)
		memcpy(s + pos, unit, u);
	for (; pos < bytes; pos++)
		s[pos] = 'x';
	s[bytes] = '\0';
	return s;
}

/* A report whose situation, two results and proposals have the given
 * sizes in bytes, written in unit. */
static Hoptac__V1__Report *
report_new(const char *unit, const size_t sizes[4])
{
	Hoptac__V1__Report *r = malloc(sizeof(*r));

	assert_non_null(r);
	hoptac__v1__report__init(r);
	assert_int_equal(pbstr_set(&r->id, "bc-2024-01"), 0);
	assert_int_equal(pbstr_set(&r->request_reference, "558/SNgV"), 0);
	assert_int_equal(pbstr_set(&r->unit_code, "KT-DAKGLEI"), 0);
	pbstr_take(&r->situation, filled("situation ", unit, sizes[0]));
	r->results = calloc(2, sizeof(*r->results));
	assert_non_null(r->results);
	for (size_t i = 0; i < 2; i++) {
		Hoptac__V1__ReportResult *res = malloc(sizeof(*res));

		assert_non_null(res);
		hoptac__v1__report_result__init(res);
		pbstr_take(&res->text, filled("result ", unit, sizes[1 + i]));
		r->results[r->n_results++] = res;
	}
	pbstr_take(&r->proposals, filled("proposals ", unit, sizes[3]));
	return r;
}

static size_t
count(const char *unit, const size_t sizes[4], struct violations *v)
{
	Hoptac__V1__Report *r = report_new(unit, sizes);
	size_t n;

	violations_init(v);
	n = (size_t)validate_report(r, "report", v);
	hoptac__v1__report__free_unpacked(r, NULL);
	return n;
}

/* At the limit: taken. A byte over: refused, naming the limit and the
 * largest section. */
static void
test_report_text_limit(void **state)
{
	size_t at[4] = {VALIDATE_REPORT_TEXT_MAX / 4,
	    VALIDATE_REPORT_TEXT_MAX / 4, VALIDATE_REPORT_TEXT_MAX / 4 + 1,
	    VALIDATE_REPORT_TEXT_MAX / 4 - 1};
	struct violations v;
	char limit[32];

	(void)state;
	assert_int_equal(count("𠀀", at, &v), 0);
	at[3]++;
	assert_int_equal(count("𠀀", at, &v), 1);
	assert_string_equal(v.items[0].field, "report.results[1].text");
	snprintf(limit, sizeof(limit), "%d bytes", VALIDATE_REPORT_TEXT_MAX);
	assert_non_null(strstr(v.items[0].description, limit));
}

/* Bytes are counted, not characters: four sections within their
 * characters, of four-byte characters, are over the limit together. */
static void
test_report_text_bytes(void **state)
{
	const size_t sizes[4] = {VALIDATE_LONG_MAX * 4 - 40,
	    VALIDATE_LONG_MAX * 4 - 40, VALIDATE_LONG_MAX * 4 - 40,
	    VALIDATE_LONG_MAX * 4 - 40};
	struct violations v;

	(void)state;
	assert_int_equal(count("𠀀", sizes, &v), 1);
	assert_string_equal(v.items[0].field, "report.situation");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_text_limit),
	    cmocka_unit_test(test_report_text_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
