/*
 * A full store: the size limit (max_db_size) and a real full disk.
 * Writes fail with RESOURCE_EXHAUSTED and a message saying storage is
 * full, a batch is stored whole or not at all, what was acknowledged is
 * exactly what is stored, reads go on, and writes succeed again once
 * there is room. Calls that share a group commit with one that hits the
 * limit are neither lost nor failed for it. The WAL stays within its
 * bound, so room freed on a full disk is not taken again by it.
 */
#define _GNU_SOURCE /* unshare, for a mount namespace */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "status.h"

#define UNIT "KT-DAKGLEI"

/* Submits n activities ids prefix-000first.. in one call, with at most
 * attempts sends (1: a server's UNAVAILABLE reaches the test instead of
 * being retried). */
static int
submit(struct rpc_client *c, const char *prefix, long first, int n,
    int attempts, struct rpc_client_status *st)
{
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__Activity *acts[1000];
	ProtobufCMessage *resp = NULL;
	struct rpc_client_options opt = {20000, NULL, attempts};

	assert_true(n <= 1000);
	for (int i = 0; i < n; i++) {
		char id[40];

		snprintf(id, sizeof(id), "%s-%06ld", prefix, first + i);
		acts[i] = harness_activity(UNIT, id,
		    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE,
		    "2024-09", 3);
	}
	req.n_activities = (size_t)n;
	req.activities = acts;
	rpc_client_call(c, "/hoptac.v1.Activities/Submit", &req.base,
	    &hoptac__v1__submit_activities_response__descriptor, &resp, &opt,
	    st);
	if (resp != NULL)
		protobuf_c_message_free_unpacked(resp, NULL);
	for (int i = 0; i < n; i++)
		hoptac__v1__activity__free_unpacked(acts[i], NULL);
	return st->code;
}

static void
assert_contains(const char *text, const char *part)
{
	if (strstr(text, part) == NULL)
		fail_msg("\"%s\" is not in: %s", part, text);
}

/* Fills the store, which holds stored activities already: batches of
 * batch until one is refused, then single records until one is. Returns
 * the activities acknowledged; the last refusal in *st. */
static long
fill(struct rpc_client *c, const char *prefix, int batch, long stored,
    struct rpc_client_status *st)
{
	long acked = 0;

	while (submit(c, prefix, acked, batch, 0, st) == STATUS_OK)
		acked += batch;
	assert_int_equal(st->code, STATUS_RESOURCE_EXHAUSTED);
	/* The refused batch left nothing behind. */
	assert_int_equal(harness_count(c, UNIT), stored + acked);
	while (submit(c, prefix, acked, 1, 0, st) == STATUS_OK)
		acked++;
	assert_int_equal(st->code, STATUS_RESOURCE_EXHAUSTED);
	return acked;
}

/* Reads still answer on a full store: a list, a summary, the health. */
static void
assert_reads(struct harness *h, long expected)
{
	char out[8192], err[1024];

	assert_int_equal(
	    harness_cli(h, out, sizeof(out), err, sizeof(err), "ping", NULL),
	    0);
	assert_int_equal(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                     "activity", "list", "--unit", UNIT, NULL),
	    0);
	assert_int_equal(
	    harness_cli(h, out, sizeof(out), err, sizeof(err), "--json",
	        "summary", "--from", "2024", "--to", "2024", NULL),
	    0);
	{
		char want[64];

		snprintf(want, sizeof(want), "\"activities\": %ld", expected);
		if (strstr(out, want) == NULL) {
			snprintf(
			    want, sizeof(want), "\"activities\":%ld", expected);
			assert_contains(out, want);
		}
	}
}

/* Rows of an import sent to a full server: more than fit. */
#define FULL_IMPORT_ROWS 400

static void
test_size_limit(void **state)
{
	struct harness h;
	struct rpc_client *c;
	struct rpc_client_status st;
	char out[4096], err[4096], csv[300];
	FILE *fp;
	long acked;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	harness_args(&h, "-o", "max_db_size=384K", NULL);
	harness_restart(&h);
	c = harness_client(&h);
	harness_unit(c, UNIT, "UBND huyện Đắk Glei");

	acked = fill(c, "fill", 20, 0, &st);
	print_message("%ld activities stored under a 384 KiB limit; then: "
	              "%s\n",
	    acked, st.message);
	assert_true(acked > 100);
	assert_contains(st.message, "storage is full");
	assert_contains(st.message, "max_db_size");
	assert_int_equal(harness_count(c, UNIT), acked);

	/* A large batch is refused whole. */
	assert_int_equal(
	    submit(c, "big", 0, 200, 0, &st), STATUS_RESOURCE_EXHAUSTED);
	assert_int_equal(harness_count(c, UNIT), acked);
	assert_reads(&h, acked);

	/* An office's record is kept in its outbox, not refused for
	 * good: the server being full is not the record's fault. It is
	 * the refused one's twin, its id after it: the limit counts
	 * pages, so a smaller record, or one bound for other pages, could
	 * still fit. */
	assert_int_equal(
	    harness_cli(&h, out, sizeof(out), err, sizeof(err), "activity",
	        "add", "--id", "fill-999999", "--unit", UNIT, "--partner",
	        "Sê Kông", "--kind", "hội nghị", "--start", "2024-09",
	        "--people", "3", "--title", "Đoàn công tác thử nghiệm", NULL),
	    0);
	assert_contains(err, "storage is full");
	assert_contains(err, "queued");
	assert_int_equal(harness_count(c, UNIT), acked);
	/* sync stops on it and keeps it. */
	assert_int_equal(
	    harness_cli(&h, out, sizeof(out), err, sizeof(err), "sync", NULL),
	    1);
	assert_contains(err, "storage is full");
	/* And a clerk reads why in Vietnamese, the limit named. */
	unsetenv("LC_ALL");
	setenv("LANG", "vi_VN.UTF-8", 1);
	assert_int_equal(
	    harness_cli(&h, out, sizeof(out), err, sizeof(err), "sync", NULL),
	    1);
	unsetenv("LANG");
	setenv("LC_ALL", "C.UTF-8", 1);
	assert_contains(err,
	    "bộ nhớ lưu trữ đã đầy: cơ sở dữ liệu đã đạt "
	    "giới hạn dung lượng (max_db_size = 393216 byte)");
	assert_int_equal(
	    harness_cli(&h, out, sizeof(out), err, sizeof(err), "status", NULL),
	    0);
	assert_contains(out, "1 queued");
	/* So does an import, and it says why; what it could not deliver
	 * stays queued. */
	snprintf(csv, sizeof(csv), "%s/full.csv", h.dir);
	assert_non_null(fp = fopen(csv, "w"));
	fprintf(fp, "id,unit,partners,kind,start_date,title,people\n");
	for (int i = 0; i < FULL_IMPORT_ROWS; i++)
		fprintf(fp,
		    "full-%d,%s,LA-XE,delegation_out,2024-05-02,Đoàn công tác "
		    "số %d của huyện Đắk Glei sang tỉnh Sê Kông trao đổi kinh "
		    "nghiệm quản lý đường biên và mốc quốc giới,5\n",
		    i, UNIT, i);
	fclose(fp);
	assert_int_equal(harness_cli(&h, out, sizeof(out), err, sizeof(err),
	                     "import", csv, NULL),
	    1);
	assert_contains(err, "storage is full");
	assert_contains(err, "saved for hoptac sync");
	assert_contains(out, "queued");
	rpc_client_close(c);

	/* The same limit after a restart: the server starts, and still
	 * refuses. */
	harness_stop(&h);
	harness_restart(&h);
	c = harness_client(&h);
	assert_int_equal(
	    submit(c, "more", 0, 1, 0, &st), STATUS_RESOURCE_EXHAUSTED);
	rpc_client_close(c);
	harness_stop(&h);

	/* A larger limit: writes go through again, the queued one too. */
	harness_args(&h, "-o", "max_db_size=16M", NULL);
	harness_restart(&h);
	c = harness_client(&h);
	assert_int_equal(submit(c, "after", 0, 20, 0, &st), STATUS_OK);
	assert_int_equal(harness_count(c, UNIT), acked + 20);
	assert_int_equal(
	    harness_cli(&h, out, sizeof(out), err, sizeof(err), "sync", NULL),
	    0);
	assert_int_equal(harness_count(c, UNIT), acked + 21 + FULL_IMPORT_ROWS);
	rpc_client_close(c);
	harness_stop(&h);
	harness_cleanup(&h);
}

#define SMALL_WRITERS 12
#define BATCH_WRITERS 2
#define WRITERS       (SMALL_WRITERS + BATCH_WRITERS)

struct writer {
	struct harness *h;
	int index, batch;
	long acked; /* activities; ids prefix-000000..acked-1 */
	int refused, errors;
	char why[512];
};

/* Writes until the store has refused it a few times in a row; with one
 * send per call, so a call failed for another's sake would show. */
static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct rpc_client *c = harness_client(w->h);
	char prefix[16];
	int in_a_row = 0;

	snprintf(prefix, sizeof(prefix), "w%02d", w->index);
	while (in_a_row < 5 && w->errors == 0) {
		struct rpc_client_status st;

		switch (submit(c, prefix, w->acked, w->batch, 1, &st)) {
		case STATUS_OK:
			w->acked += w->batch;
			in_a_row = 0;
			break;
		case STATUS_RESOURCE_EXHAUSTED:
			w->refused++;
			in_a_row++;
			break;
		default:
			w->errors++;
			snprintf(w->why, sizeof(w->why), "%s: %.400s",
			    status_name(st.code), st.message);
		}
	}
	rpc_client_close(c);
	return NULL;
}

static void
assert_stored(struct rpc_client *c, const char *id)
{
	Hoptac__V1__GetActivityRequest req =
	    HOPTAC__V1__GET_ACTIVITY_REQUEST__INIT;
	ProtobufCMessage *resp = NULL;
	struct rpc_client_status st;

	req.id = (char *)id;
	rpc_client_call(c, "/hoptac.v1.Activities/Get", &req.base,
	    &hoptac__v1__get_activity_response__descriptor, &resp, NULL, &st);
	if (st.code != STATUS_OK)
		fail_msg("acknowledged %s is not stored: %s", id, st.message);
	protobuf_c_message_free_unpacked(resp, NULL);
}

/* Many writers reach the limit together, so group commits hold calls
 * that fit beside calls that do not. */
static void
test_size_limit_concurrent(void **state)
{
	struct harness h;
	struct writer w[WRITERS];
	pthread_t t[WRITERS];
	struct rpc_client *c;
	long acked = 0;
	int refused = 0;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	harness_args(&h, "-o", "max_db_size=512K", NULL);
	harness_restart(&h);
	c = harness_client(&h);
	harness_unit(c, UNIT, "UBND huyện Đắk Glei");
	for (int i = 0; i < WRITERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].h = &h;
		w[i].index = i;
		w[i].batch = i < SMALL_WRITERS ? 1 : 40;
		assert_int_equal(
		    pthread_create(&t[i], NULL, writer_main, &w[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < WRITERS; i++) {
		if (w[i].errors > 0)
			fail_msg("writer %d: %s", i, w[i].why);
		acked += w[i].acked;
		refused += w[i].refused;
	}
	print_message("%ld activities acknowledged, %d calls refused as "
	              "full\n",
	    acked, refused);
	assert_true(refused >= WRITERS * 5);
	assert_int_equal(harness_count(c, UNIT), acked);
	for (int i = 0; i < WRITERS; i++)
		for (long j = 0; j < w[i].acked; j++) {
			char id[40];

			snprintf(id, sizeof(id), "w%02d-%06ld", i, j);
			assert_stored(c, id);
		}
	rpc_client_close(c);
	harness_stop(&h);
	harness_cleanup(&h);
}

/* A small tmpfs in a mount namespace of this process's own, which the
 * server inherits and which goes away with them. Returns 0, or -1 when
 * mounting is not permitted here. */
static int
mount_small_fs(const char *dir, const char *size)
{
	char opts[64];

	if (unshare(CLONE_NEWNS) != 0)
		return -1;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	if (mkdir(dir, 0755) != 0)
		return -1;
	snprintf(opts, sizeof(opts), "size=%s", size);
	return mount("hoptac-test", dir, "tmpfs", 0, opts);
}

/* Takes all but keep bytes of the file system holding path. */
static void
ballast(const char *path, size_t keep)
{
	static char block[64 * 1024];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	off_t size = 0;
	ssize_t n;

	assert_true(fd >= 0);
	while ((n = write(fd, block, sizeof(block))) > 0)
		size += n;
	assert_int_equal(errno, ENOSPC);
	assert_true(size > (off_t)keep);
	assert_int_equal(ftruncate(fd, size - (off_t)keep), 0);
	close(fd);
}

/* Starts the server on a database in a small tmpfs of size, at fs
 * (300 bytes), with the unit registered; ball (320 bytes) is a path for
 * ballast there. Skips the test where mounting is not permitted. The
 * client is the caller's to close. */
static struct rpc_client *
start_small_fs(struct harness *h, const char *size, char *fs, char *ball)
{
	struct rpc_client *c;

	harness_prepare(h, HARNESS_TCP, 0);
	snprintf(fs, 300, "%.250s/fs", h->dir);
	if (mount_small_fs(fs, size) != 0) {
		print_message("cannot mount a tmpfs here (%s): skipped\n",
		    strerror(errno));
		harness_cleanup(h);
		skip();
	}
	snprintf(h->db, sizeof(h->db), "%.280s/hoptac.db", fs);
	snprintf(ball, 320, "%.300s/ballast", fs);
	harness_restart(h);
	c = harness_client(h);
	harness_unit(c, UNIT, "UBND huyện Đắk Glei");
	return c;
}

/* A real full disk: no limit configured, the file system runs out.
 * Writes resume without a restart once space is freed. */
static void
test_disk_full(void **state)
{
	struct harness h;
	struct rpc_client *c;
	struct rpc_client_status st;
	char fs[300], ball[320];
	long acked;

	(void)state;
	c = start_small_fs(&h, "4m", fs, ball);
	assert_int_equal(submit(c, "first", 0, 20, 0, &st), STATUS_OK);
	ballast(ball, (size_t)256 * 1024);

	acked = 20 + fill(c, "fill", 20, 20, &st);
	print_message("%ld activities stored on a full disk; then: %s\n", acked,
	    st.message);
	assert_contains(st.message, "storage is full");
	assert_contains(st.message, "disk");
	assert_int_equal(harness_count(c, UNIT), acked);
	assert_reads(&h, acked);

	/* Room again, and no restart needed. */
	assert_int_equal(unlink(ball), 0);
	assert_int_equal(submit(c, "after", 0, 20, 0, &st), STATUS_OK);
	assert_int_equal(harness_count(c, UNIT), acked + 20);
	rpc_client_close(c);
	harness_stop(&h);
	umount2(fs, MNT_DETACH);
	harness_cleanup(&h);
}

/* The WAL's size now (0 when there is none). */
static long long
wal_size(const struct harness *h)
{
	char path[320];
	struct stat sb;

	snprintf(path, sizeof(path), "%.300s-wal", h->db);
	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* The default bound (wal_checkpoint_size, 4 MiB) and one commit of one
 * activity beyond it, about 70 KB: the commit that crosses the bound is
 * the one that checkpoints. */
#define WAL_BOUND ((4LL << 20) + (256 << 10))

/* One activity a commit, n times, from id first on; asserts that each is
 * acknowledged and that the WAL stays within its bound. Returns the
 * largest size the WAL had. */
static long long
write_bounded(struct harness *h, struct rpc_client *c, const char *prefix,
    long first, int n)
{
	struct rpc_client_status st;
	long long most = 0;

	for (long i = first; i < first + n; i++) {
		long long wal;

		if (submit(c, prefix, i, 1, 0, &st) != STATUS_OK)
			fail_msg("%s-%06ld after %ld: %s: %s", prefix, i,
			    i - first, status_name(st.code), st.message);
		if ((wal = wal_size(h)) > WAL_BOUND)
			fail_msg("after %ld commits the WAL is %lld bytes, "
			         "over its bound of %lld",
			    i - first + 1, wal, WAL_BOUND);
		most = wal > most ? wal : most;
	}
	return most;
}

/* A full disk, then room made for a few MiB: with the WAL bounded in
 * bytes, the writes that follow do not eat that room again (a WAL
 * checkpointed every 10,000 pages took 40 MiB, about 65 KB a commit of
 * one activity, and filled the disk again within 100 records). Every
 * acknowledged record survives a restart. */
static void
test_wal_bounded_after_disk_full(void **state)
{
	struct harness h;
	struct rpc_client *c;
	struct rpc_client_status st;
	char fs[300], ball[320];
	long long before, most;
	long acked;
	int fd;

	(void)state;
	c = start_small_fs(&h, "32m", fs, ball);
	before = wal_size(&h);
	write_bounded(&h, c, "first", 0, 1);
	print_message("one commit of one activity: %lld bytes of WAL\n",
	    wal_size(&h) - before);
	most = write_bounded(&h, c, "first", 1, 199);
	print_message("200 such commits: the WAL at most %lld bytes\n", most);
	assert_true(most > (2LL << 20));

	ballast(ball, (size_t)256 * 1024);
	acked = 200 + fill(c, "fill", 20, 200, &st);
	assert_contains(st.message, "disk");
	assert_int_equal(harness_count(c, UNIT), acked);

	/* Room for 6 MiB: enough for the bounded WAL and the records, not
	 * for a WAL that grows with every commit. */
	assert_true((fd = open(ball, O_WRONLY)) >= 0);
	{
		struct stat sb;

		assert_int_equal(fstat(fd, &sb), 0);
		assert_int_equal(ftruncate(fd, sb.st_size - (6 << 20)), 0);
	}
	close(fd);
	most = write_bounded(&h, c, "after", 0, 300);
	print_message("300 commits after 6 MiB were freed: the WAL at most "
	              "%lld bytes\n",
	    most);
	acked += 300;
	assert_int_equal(harness_count(c, UNIT), acked);
	rpc_client_close(c);

	harness_stop(&h);
	harness_restart(&h);
	c = harness_client(&h);
	assert_int_equal(harness_count(c, UNIT), acked);
	assert_stored(c, "after-000299");
	rpc_client_close(c);
	harness_stop(&h);
	umount2(fs, MNT_DETACH);
	harness_cleanup(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_size_limit),
	    cmocka_unit_test(test_size_limit_concurrent),
	    cmocka_unit_test(test_disk_full),
	    cmocka_unit_test(test_wal_bounded_after_disk_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
