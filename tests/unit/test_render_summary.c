/* Summaries as tables, markdown, CSV and JSON. */
#include "render_fixture.h"

static Hoptac__V1__SummaryResponse *
make_summary(void)
{
	Hoptac__V1__SummaryResponse *s = xcalloc(sizeof(*s));
	Hoptac__V1__SummaryRow *r;

	hoptac__v1__summary_response__init(s);
	r = row("KT-DAKGLEI", "LA-XE", figures(2, 10, 2, 24, 1, 1, 6));
	PUSH(s->n_rows, s->rows, r);
	r = row("KT-DAKGLEI", "LA-AT", figures(0, 0, 0, 0, 1, 0, 1));
	PUSH(s->n_rows, s->rows, r);
	r = row("KT-BQLKKT", "LA-XE, LA-AT", figures(1, 5, 0, 0, 0, 0, 1));
	PUSH(s->n_rows, s->rows, r);
	s->totals = figures(3, 15, 2, 24, 1, 1, 7);
	return s;
}

static void
test_summary(void **state)
{
	static const int dims[] = {HOPTAC__V1__DIMENSION__DIMENSION_UNIT,
	    HOPTAC__V1__DIMENSION__DIMENSION_PARTNER};
	Hoptac__V1__SummaryResponse *s = make_summary();
	char *out;

	(void)state;
	out = render_summary_text(s, dims, 2, RENDER_TABLE);
	assert_has(out,
	    "UNIT        PARTNER       DELEGATIONS_OUT  PEOPLE_OUT  "
	    "DELEGATIONS_IN  PEOPLE_IN  CONFERENCES  AGREEMENTS  "
	    "ACTIVITIES\n");
	assert_has(out,
	    "KT-DAKGLEI  LA-XE         2                10          "
	    "2               24         1            1           "
	    "6\n");
	assert_has(out, "TOTAL                     3                15");
	free(out);

	out = render_summary_text(s, dims, 2, RENDER_CSV);
	assert_string_equal(out,
	    "unit,partner,delegations_out,people_out,delegations_in,"
	    "people_in,conferences,agreements,activities\r\n"
	    "KT-DAKGLEI,LA-XE,2,10,2,24,1,1,6\r\n"
	    "KT-DAKGLEI,LA-AT,0,0,0,0,1,0,1\r\n"
	    "KT-BQLKKT,\"LA-XE, LA-AT\",1,5,0,0,0,0,1\r\n");
	assert_int_equal(csv_rows(out, strlen(out)), 4);
	free(out);

	/* A document people read is Vietnamese, headers included. */
	out = render_summary_text(s, dims, 2, RENDER_MARKDOWN);
	assert_has(out,
	    "| Đơn vị | Đối tác | Số đoàn ra | Số người đoàn ra | Số đoàn vào "
	    "| Số người đoàn vào | Hội nghị, hội thảo | Thỏa thuận, bản ghi "
	    "nhớ "
	    "| Tổng hoạt động |\n");
	assert_lacks(out, "delegations");
	assert_has(out, "| **Tổng cộng** |  | **3** | **15** |");
	free(out);

	out = render_summary_lang(s, dims, 2, RENDER_CSV, RENDER_LANG_VI);
	assert_has(out,
	    "Đơn vị,Đối tác,Số đoàn ra,Số người đoàn ra,Số đoàn vào,Số người "
	    "đoàn vào,\"Hội nghị, hội thảo\",\"Thỏa thuận, bản ghi nhớ\","
	    "Tổng hoạt động\r\nKT-DAKGLEI,LA-XE,2,10,");
	free(out);
	out = render_summary_lang(s, dims, 2, RENDER_MARKDOWN, RENDER_LANG_EN);
	assert_has(out, "| unit | partner | delegations\\_out |");
	free(out);

	out = render_summary_text(s, dims, 2, RENDER_JSON);
	assert_json_round_trip(out, &s->base);
	free(out);

	/* No dimension: the totals alone. */
	out = render_summary_text(s, NULL, 0, RENDER_TABLE);
	assert_has(out, "DELEGATIONS_OUT  PEOPLE_OUT");
	assert_has(out, "\n3                15 ");
	free(out);
	free_message(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
