/* render.h: format names, JSON, and what is refused. */
#include "render_fixture.h"

static void
test_format_parse(void **state)
{
	(void)state;
	assert_int_equal(render_format_parse("md"), RENDER_MARKDOWN);
	assert_int_equal(render_format_parse("markdown"), RENDER_MARKDOWN);
	assert_int_equal(render_format_parse("html"), RENDER_HTML);
	assert_int_equal(render_format_parse("csv"), RENDER_CSV);
	assert_int_equal(render_format_parse("json"), RENDER_JSON);
	assert_int_equal(render_format_parse("table"), RENDER_TABLE);
	assert_int_equal(render_format_parse("pdf"), -1);
	assert_int_equal(render_format_parse("MD"), -1);
	assert_int_equal(render_format_parse(""), -1);
	assert_int_equal(render_format_parse(NULL), -1);
}

static void
test_json(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	char *json = render(c, RENDER_JSON);

	(void)state;
	assert_has(json, "\"issuer_name\":\"Sở Ngoại vụ tỉnh Kon Tum\"");
	assert_has(json, "\"558/SNgV-BGHTQT\"");
	assert_has(json, "\"TIMELINESS_DELIVERED_LATE\"");
	assert_json_round_trip(json, &c->base);
	free(json);
	free_message(c);
}

static void
test_errors(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	Hoptac__V1__SummaryResponse s = HOPTAC__V1__SUMMARY_RESPONSE__INIT;
	FILE *ro = fopen("/dev/null", "r");

	(void)state;
	assert_non_null(ro);
	assert_int_equal(render_consolidated(ro, c, RENDER_MARKDOWN), -1);
	assert_int_equal(render_consolidated(ro, c, RENDER_CSV), -1);
	fclose(ro);
	assert_int_equal(render_consolidated(stdout, c, RENDER_TABLE), -1);
	assert_int_equal(render_summary(stdout, &s, NULL, 0, RENDER_HTML), -1);
	free_message(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_parse),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
