/*
 * hoptacd migrate, from a sqlite database a real hoptacd filled to a new
 * PostgreSQL database, which a real hoptacd then serves: every record,
 * credential, audit row and logged reply is there, the counts summaries
 * read are made from the records, a retried request is not applied
 * twice, and new calls go on. A target with rows, or a
 * source a server is running on, is refused with nothing written.
 * Runs on PostgreSQL only (HOPTAC_TEST_PG); on sqlite it says so and
 * skips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "pgtest.h"
#include "status.h"

#define UNIT    "KT-DAKGLEI"
#define RECORDS 250

static void
assert_contains(const char *text, const char *part)
{
	if (strstr(text, part) == NULL)
		fail_msg("\"%s\" is not in: %s", part, text);
}

/* A server on a sqlite file, whichever backend the tests run on. */
static void
start_sqlite(struct harness *h)
{
	harness_prepare(h, HARNESS_TCP, 0);
	if (h->pg_db[0] != '\0') {
		pgtest_drop(h->pg_db);
		h->pg_db[0] = '\0';
	}
	snprintf(h->db, sizeof(h->db), "%s/hoptac.db", h->dir);
	harness_restart(h);
}

/* RECORDS activities, one a call with request ids "mig-N", of every
 * kind; and a refused call, for the audit trail. */
static void
fill(struct harness *h)
{
	struct rpc_client *c = harness_client(h);
	char id[32], rid[32];

	harness_unit(c, UNIT, "UBND huyện Đắk Glei");
	for (int i = 0; i < RECORDS; i++) {
		Hoptac__V1__Activity *a;

		snprintf(id, sizeof(id), "dg-%04d", i);
		snprintf(rid, sizeof(rid), "mig-%d", i);
		a = harness_activity(UNIT, id, 1 + i % 4, "2024-06-12", i % 9);
		assert_int_equal(harness_submit(c, a, rid, 10000), STATUS_OK);
		hoptac__v1__activity__free_unpacked(a, NULL);
	}
	rpc_client_close(c);
}

/* The number sql reads from h's PostgreSQL database. */
static long
sql_long(struct harness *h, const char *sql)
{
	char cmd[1024];
	FILE *p;
	long n = -1;

	harness_sql_command(h, sql, cmd, sizeof(cmd));
	assert_non_null(p = popen(cmd, "r"));
	assert_int_equal(fscanf(p, "%ld", &n), 1);
	pclose(p);
	return n;
}

static int
migrate(struct harness *h, const char *from, const char *to, char *out,
    size_t outlen, char *err, size_t errlen)
{
	return harness_hoptacd(h, out, outlen, err, errlen, "migrate", "--from",
	    from, "--to", to, NULL);
}

static void
test_migrate(void **state)
{
	struct harness src, dst;
	struct rpc_client *c;
	Hoptac__V1__Activity *a;
	static char out[16384], err[4096];

	(void)state;
	if (!harness_pg()) {
		print_message("test_migrate: skipped: it needs PostgreSQL "
		              "(HOPTAC_TEST_PG); it runs as "
		              "integration-pg/test_migrate\n");
		skip();
	}
	start_sqlite(&src);
	fill(&src);
	harness_prepare(&dst, HARNESS_TCP, 0);
	assert_true(dst.pg_db[0] != '\0');

	/* While a server runs on the source: refused, nothing written. */
	assert_int_equal(
	    migrate(&src, src.db, dst.db, out, sizeof(out), err, sizeof(err)),
	    1);
	assert_contains(err, "hoptacd migrate: ");
	harness_stop(&src);

	assert_int_equal(
	    migrate(&src, src.db, dst.db, out, sizeof(out), err, sizeof(err)),
	    0);
	assert_contains(out, "copied and checked");
	assert_contains(out, "activities");
	assert_true(strstr(out, "DIFFERENT") == NULL);
	/* The counts summaries read were computed from the copied records
	 * (the copy fires no trigger): every record, dated to the day. */
	assert_contains(out, "activity_day_counts");
	assert_contains(out, "computed from the records");
	assert_int_equal(
	    sql_long(&dst, "SELECT sum(n) FROM activity_day_counts"), RECORDS);
	assert_int_equal(
	    sql_long(&dst, "SELECT sum(n) FROM activity_month_counts"),
	    RECORDS);

	/* Twice: the target has rows now. */
	assert_int_equal(
	    migrate(&src, src.db, dst.db, out, sizeof(out), err, sizeof(err)),
	    1);
	assert_contains(err, "not empty");

	/* The copy serves, with the source's credentials. */
	memcpy(dst.admin_token, src.admin_token, sizeof(dst.admin_token));
	memcpy(dst.token, src.token, sizeof(dst.token));
	harness_restart(&dst);
	c = harness_client(&dst);
	assert_int_equal(harness_count(c, UNIT), RECORDS);
	/* A retry of a call the source applied gets its reply again and
	 * stores nothing twice. */
	a = harness_activity(UNIT, "dg-0007", 2, "2024-06-12", 1);
	assert_int_equal(harness_submit(c, a, "mig-7", 10000), STATUS_OK);
	hoptac__v1__activity__free_unpacked(a, NULL);
	/* New calls take new keys. */
	a = harness_activity(UNIT, "dg-new", 2, "2024-07-01", 4);
	assert_int_equal(harness_submit(c, a, NULL, 10000), STATUS_OK);
	hoptac__v1__activity__free_unpacked(a, NULL);
	assert_int_equal(harness_count(c, UNIT), RECORDS + 1);
	rpc_client_close(c);
	/* And the target's triggers count what comes after. */
	assert_int_equal(
	    sql_long(&dst, "SELECT sum(n) FROM activity_day_counts"),
	    RECORDS + 1);

	/* The audit trail came along: the source's calls and the new one. */
	assert_true(sql_long(&dst,
	                "SELECT count(*) FROM audit WHERE method LIKE "
	                "$$%Activities/Submit$$") >= RECORDS + 1);

	harness_stop(&dst);
	harness_cleanup(&dst);
	harness_cleanup(&src);
}

/* Usage errors, before anything is opened: a target that is not
 * PostgreSQL, a missing --to, a stray argument. */
static void
test_migrate_usage(void **state)
{
	struct harness h = {0};
	static char out[4096], err[4096];

	(void)state;
	assert_int_equal(migrate(&h, "/nonexistent/a.db", "/tmp/b.db", out,
	                     sizeof(out), err, sizeof(err)),
	    2);
	assert_contains(err, "--to must name a PostgreSQL database");
	assert_int_equal(harness_hoptacd(&h, out, sizeof(out), err, sizeof(err),
	                     "migrate", "--from", "a.db", NULL),
	    2);
	assert_contains(err, "usage: hoptacd migrate");
	assert_int_equal(
	    harness_hoptacd(&h, out, sizeof(out), err, sizeof(err), "migrate",
	        "--from", "a.db", "--to", "postgresql:dbname=x", "extra", NULL),
	    2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_migrate_usage),
	    cmocka_unit_test(test_migrate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
