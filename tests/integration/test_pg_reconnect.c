/*
 * hoptacd on PostgreSQL when its connections are cut while it idles (the
 * database server restarted between calls): the next calls, writes and
 * reads, are served on new connections and nothing fails. Skipped on
 * sqlite (run as integration-pg/test_pg_reconnect).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char out[64 * 1024];
static char err[64 * 1024];

static void
add_unit(struct harness *h, const char *code)
{
	int rc = harness_cli(h, out, sizeof(out), err, sizeof(err), "unit",
	    "add", code, code, "--kind", "district_committee", "--province",
	    "Kon Tum", NULL);

	if (rc != 0)
		fail_msg("unit add %s: %d %s", code, rc, err);
}

/* Whether the server's log holds what; NULL if not. */
static const char *
logged(const struct harness *h, const char *what)
{
	static char log[256 * 1024];
	FILE *fp = fopen(h->log, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(log, 1, sizeof(log) - 1, fp);
	fclose(fp);
	log[n] = '\0';
	return strstr(log, what);
}

static void
test_idle_connections_cut(void **state)
{
	struct harness h;
	char sql[256], cmd[1200];

	(void)state;
	if (!harness_pg())
		skip();
	harness_start(&h, HARNESS_TCP, 0);
	add_unit(&h, "KT-DAKGLEI");
	snprintf(sql, sizeof(sql),
	    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
	    " WHERE datname = current_database() AND pid <> pg_backend_pid()");
	harness_sql_command(&h, sql, cmd, sizeof(cmd) - 16);
	snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), " > /dev/null");
	assert_int_equal(system(cmd), 0);
	add_unit(&h, "KT-KONPLONG");
	assert_int_equal(harness_cli(&h, out, sizeof(out), err, sizeof(err),
	                     "unit", "list", NULL),
	    0);
	assert_non_null(strstr(out, "KT-DAKGLEI"));
	assert_non_null(strstr(out, "KT-KONPLONG"));
	/* Served at the first try: no call answered UNAVAILABLE (for the
	 * client to retry), none failed. */
	assert_null(logged(&h, "Units/Create UNAVAILABLE"));
	assert_null(logged(&h, "Units/List UNAVAILABLE"));
	assert_non_null(logged(&h, "HOPTACD-STORE-RECONNECTED"));
	harness_stop(&h);
	harness_cleanup(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_idle_connections_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
