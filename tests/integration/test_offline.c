/*
 * An office with no link: everything entered is saved in the outbox and
 * delivered once, by hoptac sync, whatever happens in between (the
 * server down, the client killed in the middle, two syncs at once, a
 * record the server refuses).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static char out[256 * 1024];
static char err[256 * 1024];

#define CLI(...)                                                               \
	harness_cli(h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)

static void
expect(int got, int want, const char *what)
{
	if (got != want)
		fail_msg("%s: exit %d, expected %d\nstdout: %s\nstderr: %s",
		    what, got, want, out, err);
}

static long
json_long(const char *key)
{
	json_object *o = json_tokener_parse(out), *v;
	long n = -1;

	if (o == NULL)
		fail_msg("not JSON: %s", out);
	if (json_object_object_get_ex(o, key, &v))
		n = json_object_get_int64(v);
	else
		n = 0;
	json_object_put(o);
	return n;
}

/* A CSV of n activities with ids prefix-0 .. prefix-(n-1). */
static void
write_csv(const char *path, const char *prefix, int n, const char *unit)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("id,unit,partners,kind,start_date,title,people\n", f);
	for (int i = 0; i < n; i++)
		fprintf(f,
		    "%s-%d,%s,Sê Kông,đoàn ra,%d/%d/2024,Đoàn số %d,%d\n",
		    prefix, i, unit, 1 + i % 28, 1 + i % 12, i, 1 + i % 9);
	fclose(f);
}

static long
server_count(struct harness *h)
{
	struct client *c = harness_client(h);
	long n = harness_count(c, "");

	client_close(c);
	return n;
}

static int
setup(void **state)
{
	static struct harness hs;
	struct harness *h = &hs;
	struct client *c;

	harness_start(h, HARNESS_TCP, 0);
	c = harness_client(h);
	harness_unit(c, "KT-DAKGLEI", "UBND huyện Đắk Glei");
	client_close(c);
	harness_stop(h);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	struct harness *h = *state;

	if (h == NULL)
		return 0;
	harness_cleanup(h);
	return 0;
}

/* The server is down while the office adds 1,000 activities and one
 * more by hand; back up, one sync delivers them all, once. */
static void
test_offline_then_sync(void **state)
{
	struct harness *h = *state;
	char path[400];

	snprintf(path, sizeof(path), "%s/week.csv", h->dir);
	write_csv(path, "off", 1000, "KT-DAKGLEI");
	expect(CLI("--timeout", "500", "import", path), 0, "import offline");
	assert_non_null(strstr(out, "1000 rows read: 0 stored"));
	assert_non_null(strstr(err, "hoptac sync delivers them"));
	expect(CLI("--timeout", "500", "activity", "add", "--id", "off-hand",
	           "--unit", "KT-DAKGLEI", "--partner", "Xê Kông", "--kind",
	           "đoàn vào", "--start", "2024-06-01", "--title", "Đoàn vào"),
	    0, "add offline");
	assert_non_null(strstr(out, "off-hand queued"));
	expect(CLI("--json", "status"), 0, "status");
	assert_int_equal(json_long("pending"), 1001);
	/* Unreachable: exit 75, the work kept. */
	expect(CLI("--timeout", "500", "sync", "--quiet"), 75, "sync offline");
	expect(CLI("--json", "status"), 0, "status");
	assert_int_equal(json_long("pending"), 1001);

	harness_restart(h);
	expect(CLI("--json", "sync"), 0, "sync");
	assert_int_equal(json_long("delivered"), 1001);
	assert_int_equal(json_long("created"), 1001);
	assert_int_equal(server_count(h), 1001);
	expect(CLI("--json", "sync"), 0, "sync again");
	assert_int_equal(json_long("delivered"), 0);
	assert_int_equal(server_count(h), 1001);
	expect(CLI("--json", "status"), 0, "status");
	assert_int_equal(json_long("pending"), 0);
	assert_int_equal(json_long("delivered"), 1001);
}

/* Starts hoptac sync in the background for this harness. */
static pid_t
spawn_sync(struct harness *h)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		char outbox[400];
		int null = open("/dev/null", O_WRONLY);

		snprintf(outbox, sizeof(outbox), "%s/outbox.db", h->dir);
		setenv("HOPTAC_OUTBOX", outbox, 1);
		dup2(null, 1);
		dup2(null, 2);
		execl(getenv("HOPTAC"), "hoptac", "--server", h->url, "sync",
		    (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The client killed with SIGKILL in the middle of a sync, then sync
 * again: every record there exactly once. */
static void
test_killed_mid_sync(void **state)
{
	struct harness *h = *state;
	char path[400];
	int status;
	long before = server_count(h);

	harness_stop(h);
	snprintf(path, sizeof(path), "%s/more.csv", h->dir);
	write_csv(path, "kill", 3000, "KT-DAKGLEI");
	expect(CLI("--timeout", "300", "import", path), 0, "import offline");
	harness_restart(h);
	for (int delay = 2; delay <= 64; delay *= 2) {
		pid_t pid = spawn_sync(h);

		usleep((useconds_t)delay * 1000);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	expect(CLI("--json", "sync"), 0, "sync after the kills");
	assert_int_equal(server_count(h), before + 3000);
	expect(CLI("--json", "status"), 0, "status");
	assert_int_equal(json_long("pending"), 0);
}

/* A second sync while one runs waits for the next time (75); a record
 * the server refuses is reported (65) and shown by status. */
static void
test_lock_and_refusal(void **state)
{
	struct harness *h = *state;
	char lock[400];
	int fd;

	expect(CLI("--timeout", "2000", "activity", "add", "--id", "bad-unit",
	           "--unit", "KT-NOWHERE", "--partner", "LA-XE", "--kind",
	           "other", "--start", "2024", "--title", "x"),
	    3, "refused at once");
	snprintf(lock, sizeof(lock), "%s/outbox.db.lock", h->dir);
	fd = open(lock, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	expect(CLI("sync"), 75, "sync while locked");
	assert_non_null(strstr(err, "another hoptac sync"));
	close(fd);
	expect(CLI("sync"), 0, "sync after");

	/* Queued while the server is down, refused when it is back. */
	harness_stop(h);
	expect(CLI("--timeout", "300", "activity", "add", "--id", "bad-2",
	           "--unit", "KT-NOWHERE", "--partner", "LA-XE", "--kind",
	           "other", "--start", "2024", "--title", "x"),
	    0, "queued");
	harness_restart(h);
	expect(CLI("sync"), 65, "sync with a refusal");
	assert_non_null(strstr(err, "unit_code"));
	expect(CLI("status"), 0, "status");
	assert_non_null(strstr(out, "activity bad-2"));
	assert_non_null(strstr(out, "unknown unit"));
	expect(CLI("sync"), 0, "nothing left");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_offline_then_sync),
	    cmocka_unit_test(test_killed_mid_sync),
	    cmocka_unit_test(test_lock_and_refusal),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
