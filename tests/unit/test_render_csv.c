/* The consolidated report as CSV. */
#include "render_fixture.h"

static void
test_csv(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	char *csv = render(c, RENDER_CSV);
	const char *p = csv, *e;
	size_t rows[3];

	(void)state;
	/* Three tables, an empty line between them. */
	for (int i = 0; i < 3; i++) {
		e = strstr(p, "\r\n\r\n");
		assert_true(i < 2 ? e != NULL : e == NULL);
		if (e == NULL)
			e = p + strlen(p);
		else
			e += 2;
		rows[i] = csv_rows(p, (size_t)(e - p));
		p = *e != '\0' ? e + 2 : e;
	}
	assert_int_equal(rows[0], 4); /* header, 2 units, total */
	assert_int_equal(rows[1], 4); /* header, 2 partners, total */
	assert_int_equal(rows[2], 5); /* header, 4 units */
	assert_true(strncmp(csv,
	                "unit_code,unit_name,delegations_out,people_out,"
	                "delegations_in,people_in,conferences,agreements,"
	                "activities,source\r\n",
	                110) == 0);
	assert_has(
	    csv, "\r\nKT-DAKGLEI," DAKGLEI ",2,12,2,24,1,1,6,differ\r\n");
	assert_has(csv, "\r\nKT-BQLKKT," BQL ",1,5,0,0,0,0,1,records\r\n");
	assert_has(csv,
	    "\r\n,Tổng cộng,3,17,2,24,1,1,7,records=1; differ=1\r\n\r\n"
	    "partner_code,partner_name,delegations_out,");
	assert_has(csv, "\r\n,Tổng cộng,3,17,2,24,1,1,7\r\n\r\nunit_code,");
	assert_has(csv,
	    "\r\nLA-AT,\"Attapeu (Attapư, Át-tà-pư)\",0,0,0,0,1,0,"
	    "1\r\n");
	assert_has(csv,
	    "\r\nunit_code,unit_name,timeliness,nil,revision,"
	    "status,signed_on,submitted_at,received_at,"
	    "mismatches\r\n");
	assert_has(csv,
	    "\r\nKT-DAKGLEI," DAKGLEI ",on_time,false,1,submitted,"
	    "2024-05,2024-05-10T09:00:00+07:00,"
	    "2024-05-10T09:01:00+07:00,\"people_out: declared 12, "
	    "computed 10\"\r\n");
	assert_has(csv, "\r\nDB-STNMT," STNMT ",delivered_late,true,1,");
	assert_has(csv, "\r\nKT-NGOCHOI," NGOCHOI ",missing,,,,,,,\r\n");
	assert_has(csv,
	    "\r\nKT-BQLKKT," BQL ",late,false,1,submitted,2024-05,"
	    "2024-05-20T10:00:00+07:00,2024-05-20T10:05:00+07:00,"
	    "\r\n");
	free(csv);
	free_message(c);
}

/* A name a spreadsheet would run as a formula is written behind a "'";
 * figures, even negative ones, stay numbers. */
static void
test_formula_cells_guarded(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	char *csv;

	(void)state;
	set(&c->by_unit[0]->keys[1], "=HYPERLINK(\"http://x.example\",\"y\")");
	set(&c->by_unit[1]->keys[1], "@SUM(A1:A9)");
	set(&c->by_partner[0]->keys[1], "-Sê Kông");
	set(&c->by_partner[1]->keys[1], "+84 Attapeu");
	c->by_unit[1]->figures->people_out = -5;
	csv = render(c, RENDER_CSV);
	assert_has(csv,
	    "\r\nKT-DAKGLEI,\"'=HYPERLINK(\"\"http://"
	    "x.example\"\",\"\"y\"\")\","
	    "2,12,");
	assert_has(csv, "\r\nKT-BQLKKT,'@SUM(A1:A9),1,-5,0,");
	assert_has(csv, "\r\nLA-XE,'-Sê Kông,3,17,");
	assert_has(csv, "\r\nLA-AT,'+84 Attapeu,0,0,");
	free(csv);
	free_message(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_formula_cells_guarded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
