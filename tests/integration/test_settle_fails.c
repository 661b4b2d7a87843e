/*
 * A settling that fails: records acknowledged and waiting in the inbox
 * that cannot be moved where reads find them (here one whose bytes are
 * damaged). A read of activities or their counts then fails and says
 * why, instead of answering without them; reads of anything else, and
 * the server, go on; a new record is refused rather than acknowledged
 * into an inbox no read would show. Once the damaged row is gone, every
 * record acknowledged before reads as it should.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "harness.h"
#include "status.h"

#define SETTLE_UNIT "KT-DAKGLEI"

/* Activities/List of the unit through the client library, without
 * retries: its status, and the total in *total when OK. */
static int
settle_list(struct rpc_client *c, struct rpc_client_status *st, long *total)
{
	Hoptac__V1__ListActivitiesRequest req =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__ListActivitiesResponse *resp = NULL;

	req.unit_code = SETTLE_UNIT;
	rpc_client_call(c, "/hoptac.v1.Activities/List", &req.base,
	    &hoptac__v1__list_activities_response__descriptor,
	    (ProtobufCMessage **)&resp, NULL, st);
	if (resp != NULL) {
		*total = (long)resp->total;
		hoptac__v1__list_activities_response__free_unpacked(resp, NULL);
	}
	return st->code;
}

static void
test_damaged_waiting_record(void **state)
{
	static struct harness hs;
	struct harness *h = &hs;
	struct rpc_client_status st;
	struct rpc_client *c;
	Hoptac__V1__Activity *a;
	char out[4096], err[4096];
	long total = -1;
	int rc;

	HARNESS_SQLITE_ONLY();
	*state = h;
	harness_one_record(h, SETTLE_UNIT, "settled-1");
	/* A record acknowledged and waiting, its bytes damaged. */
	harness_behind(h,
	    "INSERT INTO activity_inbox(unit_code, id, body) "
	    "VALUES ('" SETTLE_UNIT "', 'waiting-1', x'ff')");

	c = harness_client(h);
	assert_int_equal(settle_list(c, &st, &total), STATUS_DATA_LOSS);
	assert_non_null(strstr(st.message, "could not be settled"));
	assert_non_null(strstr(st.message, "HOPTACD-SETTLE"));
	/* What a clerk sees, and a summary the same. */
	rc = harness_cli(h, out, sizeof(out), err, sizeof(err), "activity",
	    "list", "--unit", SETTLE_UNIT, NULL);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(err, "could not be settled"));
	rc = harness_cli(h, out, sizeof(out), err, sizeof(err), "summary",
	    "--from", "2024", "--to", "2024", NULL);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(err, "could not be settled"));
	/* Reads of anything else answer. */
	rc = harness_cli(
	    h, out, sizeof(out), err, sizeof(err), "unit", "list", NULL);
	harness_expect(rc, 0, "unit list", out, err);
	assert_non_null(strstr(out, SETTLE_UNIT));
	/* A new record is refused, not acknowledged. */
	a = harness_activity(SETTLE_UNIT, "new-1", 1, "2024-06-01", 2);
	assert_int_not_equal(harness_submit(c, a, NULL, 5000), STATUS_OK);
	hoptac__v1__activity__free_unpacked(a, NULL);
	rpc_client_close(c);

	/* The damaged row taken away: the rest reads, and records are
	 * taken again. */
	harness_behind(h, "DELETE FROM activity_inbox WHERE id = 'waiting-1'");
	c = harness_client(h);
	assert_int_equal(settle_list(c, &st, &total), STATUS_OK);
	assert_int_equal(total, 1);
	a = harness_activity(SETTLE_UNIT, "new-1", 1, "2024-06-01", 2);
	assert_int_equal(harness_submit(c, a, NULL, 5000), STATUS_OK);
	hoptac__v1__activity__free_unpacked(a, NULL);
	assert_int_equal(settle_list(c, &st, &total), STATUS_OK);
	assert_int_equal(total, 2);
	rpc_client_close(c);
}

/* A record waiting that cannot be placed for a reason of the store's
 * (here one already in the tables: the unique key refuses it) fails a
 * read with UNAVAILABLE, which the client retries until its deadline;
 * the server answered, so hoptac does not say it could not reach it. */
static void
test_unplaceable_waiting_record(void **state)
{
	static struct harness hs;
	struct harness *h = &hs;
	char out[4096], err[4096];
	int rc;

	HARNESS_SQLITE_ONLY();
	*state = h;
	harness_one_record(h, SETTLE_UNIT, "settled-1");
	harness_behind(h, HARNESS_SQL_UNPLACEABLE);

	rc = harness_cli(h, out, sizeof(out), err, sizeof(err), "--timeout",
	    "1500", "activity", "list", "--unit", SETTLE_UNIT, NULL);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(err, "could not be settled"));
	assert_non_null(strstr(err, "retry"));
	assert_null(strstr(err, "no answer from"));
	/* Reads of anything else answer. */
	rc = harness_cli(
	    h, out, sizeof(out), err, sizeof(err), "unit", "list", NULL);
	harness_expect(rc, 0, "unit list", out, err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(
	        test_damaged_waiting_record, harness_teardown),
	    cmocka_unit_test_teardown(
	        test_unplaceable_waiting_record, harness_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
