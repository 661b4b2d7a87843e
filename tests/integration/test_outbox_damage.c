/*
 * An outbox that cannot be used says so: which file, what is wrong and
 * what to do, and it is never silently replaced. A file cut to nothing
 * is not taken for a new outbox, and a damaged page met by sync is
 * named (it printed "hoptac: OK:" and exited 1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static char out[256 * 1024];
static char err[256 * 1024];

#define CLI(...)                                                               \
	harness_cli(h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)

static int
setup(void **state)
{
	static struct harness hs;
	struct rpc_client *c;

	harness_start(&hs, HARNESS_TCP, 0);
	c = harness_client(&hs);
	harness_unit(c, "KT-OUTBOX", "UBND xã Hộp Thư");
	rpc_client_close(c);
	*state = &hs;
	return 0;
}

static int
teardown(void **state)
{
	harness_cleanup(*state);
	return 0;
}

static void
outbox_path(struct harness *h, char *path, size_t len)
{
	snprintf(path, len, "%s/outbox.db", h->dir);
}

static off_t
file_size(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_size;
}

/* A zero-byte outbox is refused by every command that opens it, and
 * stays as it is. */
static void
test_empty_outbox(void **state)
{
	struct harness *h = *state;
	char path[400];
	int fd;

	outbox_path(h, path, sizeof(path));
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	close(fd);
	harness_expect(CLI("status"), 1, "status", out, err);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "empty file, not an outbox"));
	assert_non_null(strstr(err, "move it aside"));
	harness_expect(CLI("activity", "add", "--id", "empty-1", "--unit",
	                   "KT-OUTBOX", "--partner", "LA-XE", "--kind", "other",
	                   "--start", "2024-06-01", "--title", "x"),
	    1, "activity add", out, err);
	assert_non_null(strstr(err, "empty file, not an outbox"));
	assert_int_equal(file_size(path), 0);
	unlink(path);
}

/* Queued work, then every page of the outbox but its first (the
 * schema) overwritten: sync names the file and the fault, exits 1, and
 * never says OK. */
static void
test_damaged_outbox(void **state)
{
	struct harness *h = *state;
	struct harness down = *h;
	char path[400], csv[400], junk[4096];
	off_t size;
	FILE *f;
	int fd;

	outbox_path(h, path, sizeof(path));
	unlink(path);
	snprintf(csv, sizeof(csv), "%s/damage.csv", h->dir);
	assert_non_null(f = fopen(csv, "w"));
	fputs("id,unit,partners,kind,start_date,title,people\n", f);
	for (int i = 0; i < 300; i++)
		fprintf(f,
		    "dmg-%d,KT-OUTBOX,LA-XE,other,2024-06-%02d,Đoàn "
		    "làm việc số %d về hợp tác biên giới,%d\n",
		    i, 1 + i % 28, i, 1 + i % 9);
	fclose(f);
	/* Nothing listens there: every row stays queued. */
	snprintf(down.url, sizeof(down.url), "tcp://127.0.0.1:%d",
	    harness_free_port());
	harness_expect(harness_cli(&down, out, sizeof(out), err, sizeof(err),
	                   "--timeout", "300", "import", csv, NULL),
	    0, "import offline", out, err);
	assert_non_null(strstr(err, "the queued rows are saved"));
	size = file_size(path);
	assert_true(size > 3L * 4096);
	memset(junk, 0xA5, sizeof(junk));
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	for (off_t at = 4096; at < size; at += (off_t)sizeof(junk))
		assert_int_equal(
		    pwrite(fd, junk, sizeof(junk), at), (ssize_t)sizeof(junk));
	close(fd);
	harness_expect(CLI("sync"), 1, "sync", out, err);
	assert_null(strstr(err, "OK:"));
	assert_non_null(strstr(err, "cannot be read ("));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "cannot be read"));
	assert_non_null(strstr(err, "move it aside"));
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_outbox),
	    cmocka_unit_test(test_damaged_outbox),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
