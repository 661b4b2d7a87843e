/*
 * Server to server: a provincial hoptacd's records forwarded to a
 * higher-level one with hoptac forward, again (nothing doubled), after
 * changes (amended, withdrawn), and after being killed midway.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static char out[256 * 1024];
static char err[64 * 1024];

#define expect(got, want, what) harness_expect(got, want, what, out, err)

static long
count(struct harness *h, int withdrawn)
{
	Hoptac__V1__ListActivitiesRequest req =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__ListActivitiesResponse *resp = NULL;
	struct rpc_client_status st;
	struct rpc_client *c = harness_client(h);
	long n;

	req.include_withdrawn = withdrawn;
	req.page_size = 1;
	rpc_client_call(c, "/hoptac.v1.Activities/List", &req.base,
	    &hoptac__v1__list_activities_response__descriptor,
	    (ProtobufCMessage **)&resp, NULL, &st);
	assert_int_equal(st.code, 0);
	n = (long)resp->total;
	hoptac__v1__list_activities_response__free_unpacked(resp, NULL);
	rpc_client_close(c);
	return n;
}

static void
write_csv(const char *path, int n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("id,unit,partners,kind,start_date,title,people\n", f);
	for (int i = 0; i < n; i++)
		fprintf(f,
		    "fw-%d,KT-DAKTO,Sê Kông,đoàn vào,%d/5/2024,Đoàn %d,3\n", i,
		    1 + i % 28, i);
	fclose(f);
}

static void
test_forward(void **state)
{
	struct harness a, b;
	char csv[400];
	int status;

	(void)state;
	harness_start(&a, HARNESS_TCP, 0);
	harness_start(&b, HARNESS_TCP, 0);
	/* The target knows the source as its peer by b's own credential. */
	setenv("HOPTAC_FORWARD_TOKEN", b.token, 1);
#define A(...)                                                                 \
	harness_cli(&a, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)
	expect(A("unit", "import",
	           harness_data("../../deploy/registry/units.csv")),
	    0, "units");
	expect(A("import", harness_data("dak-glei-2024.csv")), 0, "activities");
	expect(A("activity", "amend", "dakglei-2024-001", "--people", "7"), 0,
	    "amend");
	expect(
	    A("activity", "withdraw", "dakglei-2024-002", "--reason", "trùng"),
	    0, "withdraw");
	expect(A("request", "create", "558/SNgV-BGHTQT", "--issuer", "KT-SNGV",
	           "--issued", "2024-05-02", "--title", "báo cáo", "--from",
	           "2022-11", "--due", "2024-05-20", "--unit", "KT-DAKGLEI"),
	    0, "request");
	expect(A("report", "submit", harness_data("dak-glei-2024.report.txt"),
	           "--filed", "10/5/2024"),
	    0, "report");

	expect(A("forward", "--to", b.url), 0, "forward");
	assert_non_null(strstr(out,
	    "14 units, 8 activities (0 amended, 1 withdrawn), 1 requests, 1 "
	    "report revisions"));
	assert_int_equal(count(&b, 1), 8);
	assert_int_equal(count(&b, 0), 7);
#define B(...)                                                                 \
	harness_cli(&b, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)
	expect(B("activity", "show", "dakglei-2024-001"), 0, "show on B");
	assert_non_null(strstr(out, "people:    7"));
	expect(
	    B("--json", "request", "status", "558/SNgV-BGHTQT"), 0, "status");
	/* Filed on time at the office; received by this server only now.
	 * The day the department entered counted on the source (peer), and
	 * the source's counted time comes along: 10/5/2024 at noon. */
	assert_non_null(strstr(out, "TIMELINESS_DELIVERED_LATE"));
	assert_non_null(strstr(out, "\"filed_at_ms\":1715317200000"));

	/* Again: nothing new, nothing doubled. */
	expect(A("forward", "--to", b.url), 0, "forward again");
	assert_non_null(strstr(
	    out, "0 units, 0 activities (0 amended, 0 withdrawn), 0 requests"));
	assert_int_equal(count(&b, 1), 8);
	expect(B("--json", "report", "list", "--all-revisions"), 0, "reports");
	assert_null(
	    strstr(strstr(out, "\"revision\":1") + 1, "\"revision\":2"));

	/* A change on the source reaches the target as an amendment. */
	expect(A("activity", "amend", "dakglei-2024-003", "--people", "13"), 0,
	    "amend again");
	expect(A("forward", "--to", b.url), 0, "forward the change");
	assert_non_null(strstr(out, "0 activities (1 amended, 0 withdrawn)"));
	expect(B("activity", "show", "dakglei-2024-003"), 0, "show on B");
	assert_non_null(strstr(out, "people:    13"));

	/* Killed midway through a larger forward, then resumed. */
	snprintf(csv, sizeof(csv), "%s/more.csv", a.dir);
	write_csv(csv, 4000);
	/* A deadline long enough for a slow run (under valgrind a batch of
	 * a thousand takes seconds): an import that times out queues the
	 * rest and still exits 0, and the counts below would be short. */
	expect(A("--timeout", "60000", "import", csv), 0, "more activities");
	for (int delay = 5; delay <= 80; delay *= 2) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			char outbox[400];

			snprintf(outbox, sizeof(outbox), "%s/outbox.db", a.dir);
			setenv("HOPTAC_OUTBOX", outbox, 1);
			setenv("HOPTAC_TOKEN", a.token, 1);
			freopen("/dev/null", "w", stdout);
			freopen("/dev/null", "w", stderr);
			execl(getenv("HOPTAC"), "hoptac", "--server", a.url,
			    "forward", "--to", b.url, (char *)NULL);
			_exit(127);
		}
		usleep((useconds_t)delay * 1000);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	expect(A("forward", "--to", b.url), 0, "resumed");
	assert_int_equal(count(&b, 1), 4008);
	assert_int_equal(count(&b, 0), 4007);

	/* Unreachable target: a distinct exit, nothing lost on the source. */
	harness_stop(&b);
	expect(
	    A("--timeout", "500", "forward", "--to", b.url), 75, "target down");
	harness_stop(&a);
	harness_cleanup(&a);
	harness_cleanup(&b);
#undef A
#undef B
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forward),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
