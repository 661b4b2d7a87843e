/*
 * A database the server cannot read at start: it says which file and
 * why, exits non-zero, and leaves the file as it found it, with no new
 * empty database made in its place or beside it. Tests run as root, so
 * permissions deny nothing: these are the cases a root-run server meets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "status.h"

/* The whole of a file, malloc'd; *len its size. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	struct stat sb;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &sb), 0);
	*len = (size_t)sb.st_size;
	assert_non_null(buf = malloc(*len + 1));
	assert_int_equal(read(fd, buf, *len), (ssize_t)*len);
	close(fd);
	return buf;
}

static void
spit(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* How many entries dir holds. */
static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* No journal, WAL or shared-memory file was made beside path. */
static void
assert_nothing_beside(const char *path)
{
	static const char *const suffixes[] = {"-wal", "-shm", "-journal"};
	char p[400];

	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
		if (exists(p))
			fail_msg("%s was created", p);
	}
}

/* Starts the server expecting a refusal whose message names the file and
 * the cause. */
static void
assert_refused(struct harness *h, const char *cause)
{
	char log[4096];
	int rc = harness_start_fails(h, log, sizeof(log));

	print_message("%s", log);
	assert_int_not_equal(rc, 0);
	assert_int_not_equal(rc, -1);
	if (strstr(log, h->db) == NULL)
		fail_msg("the message does not name %s: %s", h->db, log);
	if (strstr(log, cause) == NULL)
		fail_msg("the message does not say \"%s\": %s", cause, log);
}

/* A database with a few records, made by the server itself, stopped
 * cleanly; its bytes in *len. */
static uint8_t *
make_database(struct harness *h, size_t *len)
{
	struct rpc_client *c;

	harness_restart(h);
	c = harness_client(h);
	harness_unit(c, "KT-DAKGLEI", "UBND huyện Đắk Glei");
	for (int i = 0; i < 200; i++) {
		char id[32];
		Hoptac__V1__Activity *a;

		snprintf(id, sizeof(id), "bad-%04d", i);
		a = harness_activity("KT-DAKGLEI", id,
		    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE,
		    "2024-03", 2);
		assert_int_equal(harness_submit(c, a, NULL, 10000), STATUS_OK);
		hoptac__v1__activity__free_unpacked(a, NULL);
	}
	rpc_client_close(c);
	harness_stop(h);
	assert_nothing_beside(h->db);
	return slurp(h->db, len);
}

static void
test_path_is_directory(void **state)
{
	struct harness h;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	assert_int_equal(mkdir(h.db, 0755), 0);
	assert_refused(&h, "is a directory");
	assert_int_equal(entries(h.db), 0);
	assert_nothing_beside(h.db);
	harness_cleanup(&h);
}

static void
test_directory_missing(void **state)
{
	struct harness h;
	char missing[280];

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	snprintf(missing, sizeof(missing), "%.256s/no-such-dir", h.dir);
	snprintf(h.db, sizeof(h.db), "%.280s/hoptac.db", missing);
	assert_refused(&h, "does not exist");
	assert_false(exists(missing));
	harness_cleanup(&h);
}

/* A database whose first page was overwritten: sqlite's magic string is
 * gone, so nothing of the file can be trusted. */
static void
test_garbage_header(void **state)
{
	struct harness h;
	uint8_t *before, *after;
	size_t len, len2;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	before = make_database(&h, &len);
	for (size_t i = 0; i < 100; i++)
		before[i] = (uint8_t)(0x5a ^ (i * 7));
	spit(h.db, before, len);
	assert_refused(&h, "not an sqlite database");
	after = slurp(h.db, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(after, before, len);
	assert_nothing_beside(h.db);
	free(before);
	free(after);
	harness_cleanup(&h);
}

/* A file that is not a database at all, such as a configuration file
 * given as the database by mistake. */
static void
test_not_a_database(void **state)
{
	static const char text[] = "listen = tcp://127.0.0.1:7420\n"
	                           "database = /var/lib/hoptac/hoptac.db\n";
	struct harness h;
	uint8_t *after;
	size_t len;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	spit(h.db, (const uint8_t *)text, sizeof(text) - 1);
	assert_refused(&h, "not an sqlite database");
	after = slurp(h.db, &len);
	assert_int_equal(len, sizeof(text) - 1);
	assert_memory_equal(after, text, len);
	assert_nothing_beside(h.db);
	free(after);
	harness_cleanup(&h);
}

/* A database cut short, as a copy interrupted by a full disk leaves it:
 * its header promises pages that are not there. */
static void
test_truncated(void **state)
{
	struct harness h;
	uint8_t *whole, *after;
	size_t len, cut, len2;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	whole = make_database(&h, &len);
	cut = len / 2 / 4096 * 4096;
	assert_true(cut >= 4096);
	spit(h.db, whole, cut);
	assert_refused(&h, "truncated or damaged");
	after = slurp(h.db, &len2);
	assert_int_equal(len2, cut);
	assert_memory_equal(after, whole, cut);
	assert_nothing_beside(h.db);
	/* Cut in the middle of a page, too. */
	spit(h.db, whole, cut + 1000);
	assert_refused(&h, "truncated or damaged");
	free(after);
	after = slurp(h.db, &len2);
	assert_int_equal(len2, cut + 1000);
	assert_memory_equal(after, whole, cut + 1000);
	assert_nothing_beside(h.db);
	free(whole);
	free(after);
	harness_cleanup(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_path_is_directory),
	    cmocka_unit_test(test_directory_missing),
	    cmocka_unit_test(test_garbage_header),
	    cmocka_unit_test(test_not_a_database),
	    cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
