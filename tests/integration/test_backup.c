/*
 * hoptacd backup while the server takes writes: the copy holds every
 * record acknowledged before it started, each client's records as a
 * prefix of what it sent with no batch cut in two, passes sqlite's
 * integrity check, and a server serves it. And its failures: clear
 * messages, the previous copy kept, nothing left behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "harness.h"
#include "pbstr.h"
#include "status.h"

#define WRITERS 6
#define BATCH   5
#define FILL    10000

struct writer {
	struct harness *h;
	int index;
	char unit[16];
	atomic_long acked; /* activities acknowledged, in whole batches */
	atomic_int *stop;
	int failed;
	char why[256];
};

/* One batch of n activities of unit, ids prefix-000123 from first on. */
static int
submit_batch(struct rpc_client *c, const char *unit, const char *prefix,
    long first, int n, char *why, size_t whylen)
{
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__Activity *acts[1000];
	ProtobufCMessage *resp = NULL;
	struct rpc_client_options opt = {20000, NULL, 0};
	struct rpc_client_status st;

	for (int i = 0; i < n; i++) {
		char id[40];

		snprintf(id, sizeof(id), "%s-%06ld", prefix, first + i);
		acts[i] = harness_activity(unit, id,
		    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN,
		    "2024-06", 1 + i % 4);
	}
	req.n_activities = (size_t)n;
	req.activities = acts;
	rpc_client_call(c, "/hoptac.v1.Activities/Submit", &req.base,
	    &hoptac__v1__submit_activities_response__descriptor, &resp, &opt,
	    &st);
	if (resp != NULL)
		protobuf_c_message_free_unpacked(resp, NULL);
	for (int i = 0; i < n; i++)
		hoptac__v1__activity__free_unpacked(acts[i], NULL);
	if (st.code != STATUS_OK && why != NULL)
		snprintf(why, whylen, "%s: %.200s", status_name(st.code),
		    st.message);
	return st.code;
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct rpc_client *c = harness_client(w->h);
	char prefix[16];

	snprintf(prefix, sizeof(prefix), "b%02d", w->index);
	while (!atomic_load(w->stop)) {
		long next = atomic_load(&w->acked);

		if (submit_batch(c, w->unit, prefix, next, BATCH, w->why,
		        sizeof(w->why)) != STATUS_OK) {
			w->failed = 1;
			break;
		}
		atomic_store(&w->acked, next + BATCH);
	}
	rpc_client_close(c);
	return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every id the server lists for unit, sorted; *n of them. */
static char **
list_ids(struct rpc_client *c, const char *unit, size_t *n)
{
	char **ids = NULL;
	char *token = NULL;

	*n = 0;
	do {
		Hoptac__V1__ListActivitiesRequest req =
		    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
		Hoptac__V1__ListActivitiesResponse *resp = NULL;
		struct rpc_client_status st;

		req.unit_code = (char *)unit;
		req.page_size = 1000;
		req.page_token = token != NULL ? token : (char *)"";
		rpc_client_call(c, "/hoptac.v1.Activities/List", &req.base,
		    &hoptac__v1__list_activities_response__descriptor,
		    (ProtobufCMessage **)&resp, NULL, &st);
		if (st.code != STATUS_OK)
			fail_msg("List: %s", st.message);
		ids = realloc(ids, (*n + resp->n_activities) * sizeof(*ids));
		assert_non_null(ids);
		for (size_t i = 0; i < resp->n_activities; i++)
			assert_non_null(
			    ids[(*n)++] = strdup(resp->activities[i]->id));
		free(token);
		token = resp->next_page_token[0] != '\0'
		    ? strdup(resp->next_page_token)
		    : NULL;
		hoptac__v1__list_activities_response__free_unpacked(resp, NULL);
	} while (token != NULL);
	qsort(ids, *n, sizeof(*ids), cmp_str);
	return ids;
}

static int
integrity_ok(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int ok = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	        SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) ==
	        SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ok =
		    strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ok;
}

/* Whether dir holds a name starting with prefix. */
static int
has_entry(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			found = 1;
	closedir(d);
	return found;
}

/* The activities the writers have had acknowledged so far, in all and
 * each into each[]. */
static long
writers_acked(struct writer *w, long each[WRITERS])
{
	long n = 0;

	for (int i = 0; i < WRITERS; i++)
		n += each[i] = atomic_load(&w[i].acked);
	return n;
}

static void
test_backup_under_writes(void **state)
{
	struct harness h, copy;
	struct writer w[WRITERS];
	pthread_t t[WRITERS];
	atomic_int stop = 0;
	long before[WRITERS], after[WRITERS], sum_before, sum_after;
	struct rpc_client *c;
	char out[1024], err[1024];
	int rc;

	(void)state;
	harness_start(&h, HARNESS_TCP, 0);
	harness_prepare(&copy, HARNESS_TCP, 0);
	c = harness_client(&h);
	/* Enough pages that the copy takes many steps while clients
	 * write. */
	harness_unit(c, "KT-FILL", "UBND huyện Đắk Glei");
	for (long i = 0; i < FILL; i += 1000)
		assert_int_equal(
		    submit_batch(c, "KT-FILL", "fill", i, 1000, NULL, 0),
		    STATUS_OK);
	for (int i = 0; i < WRITERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].h = &h;
		w[i].index = i;
		w[i].stop = &stop;
		snprintf(w[i].unit, sizeof(w[i].unit), "KT-B%02d", i);
		harness_unit(c, w[i].unit, "UBND huyện Đắk Tô");
	}
	rpc_client_close(c);
	for (int i = 0; i < WRITERS; i++)
		assert_int_equal(
		    pthread_create(&t[i], NULL, writer_main, &w[i]), 0);
	/* Until the clients are writing: a slow machine (sanitizers, a
	 * busy host) takes longer for the first acknowledgement. */
	for (int waited = 0;
	     (sum_before = writers_acked(w, before)) == 0 && waited < 60000;
	     waited += 10)
		usleep(10 * 1000);
	/* Small steps with a pause between them: the copy takes a while,
	 * and the clients go on writing all along. */
	rc = harness_hoptacd(&h, out, sizeof(out), err, sizeof(err), "backup",
	    "-D", h.db, "-s", "8", "-w", "2", copy.db, NULL);
	sum_after = writers_acked(w, after);
	usleep(200 * 1000);
	atomic_store(&stop, 1);
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(t[i], NULL);
		if (w[i].failed)
			fail_msg("writer %d: %s", i, w[i].why);
	}
	print_message("backup: %s%s", out, err);
	print_message("acknowledged: %ld before the backup, %ld when it "
	              "ended\n",
	    sum_before, sum_after);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "integrity ok"));
	assert_true(sum_before > 0);
	assert_true(sum_after > sum_before);
	harness_stop(&h);

	assert_true(integrity_ok(copy.db));
	assert_false(has_entry(copy.dir, "hoptac.db.tmp"));
	harness_restart(&copy);
	c = harness_client(&copy);
	assert_int_equal(harness_count(c, "KT-FILL"), FILL);
	for (int i = 0; i < WRITERS; i++) {
		size_t n;
		char **ids = list_ids(c, w[i].unit, &n);

		/* What was acknowledged before the backup is in it; what
		 * came after may be, but only whole batches, and each
		 * client's records form an unbroken prefix. */
		print_message("%s: %ld acknowledged before, %zu in the "
		              "copy, %ld when it ended\n",
		    w[i].unit, before[i], n, after[i]);
		assert_true((long)n >= before[i]);
		assert_true((long)n <= after[i] + BATCH);
		assert_int_equal(n % BATCH, 0);
		for (size_t j = 0; j < n; j++) {
			char id[40];

			snprintf(id, sizeof(id), "b%02d-%06zu", i, j);
			assert_string_equal(ids[j], id);
			free(ids[j]);
		}
		free(ids);
	}
	rpc_client_close(c);
	harness_stop(&copy);
	harness_cleanup(&copy);
	harness_cleanup(&h);
}

static void
spit(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
assert_contains(const char *text, const char *part)
{
	if (strstr(text, part) == NULL)
		fail_msg("\"%s\" is not in: %s", part, text);
}

/* Each failure says what and why, exits 1 (2 for usage), keeps the last
 * good copy, and leaves no temporary file. */
static void
test_backup_errors(void **state)
{
	struct harness h;
	char out[1024], err[1024], path[400], missing[400], kept[400];
	FILE *f;
	char buf[64];

	(void)state;
	harness_start(&h, HARNESS_TCP, 0);
	snprintf(missing, sizeof(missing), "%.300s/missing.db", h.dir);
	snprintf(kept, sizeof(kept), "%.300s/kept.db", h.dir);
	spit(kept, "last week's copy\n");

	assert_int_equal(harness_hoptacd(&h, out, sizeof(out), err, sizeof(err),
	                     "backup", "-D", missing, kept, NULL),
	    1);
	assert_contains(err, missing);
	assert_contains(err, "No such file or directory");

	snprintf(path, sizeof(path), "%.300s/no-dir/copy.db", h.dir);
	assert_int_equal(harness_hoptacd(&h, out, sizeof(out), err, sizeof(err),
	                     "backup", "-D", h.db, path, NULL),
	    1);
	assert_contains(err, "cannot create");
	assert_contains(err, "no-dir/copy.db");

	snprintf(path, sizeof(path), "%.300s/notes.txt", h.dir);
	spit(path,
	    "not a database, but long enough to have a header that "
	    "sqlite reads and refuses at once, whatever it is\n");
	assert_int_equal(harness_hoptacd(&h, out, sizeof(out), err, sizeof(err),
	                     "backup", "-D", path, kept, NULL),
	    1);
	assert_contains(err, "not an sqlite database");

	assert_int_equal(harness_hoptacd(&h, out, sizeof(out), err, sizeof(err),
	                     "backup", "-D", h.db, h.db, NULL),
	    1);
	assert_contains(err, "is the database itself");

	assert_int_equal(harness_hoptacd(&h, out, sizeof(out), err, sizeof(err),
	                     "backup", "-D", h.db, NULL),
	    2);
	assert_contains(err, "usage");

	/* The failed runs left the last good copy alone, and nothing
	 * beside it. */
	assert_non_null(f = fopen(kept, "r"));
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "last week's copy\n");
	assert_false(has_entry(h.dir, "kept.db.tmp"));
	assert_false(has_entry(h.dir, "copy.db"));

	/* And a good run replaces it. */
	assert_int_equal(harness_hoptacd(&h, out, sizeof(out), err, sizeof(err),
	                     "backup", "-D", h.db, kept, NULL),
	    0);
	assert_true(integrity_ok(kept));
	assert_false(has_entry(h.dir, "kept.db.tmp"));
	harness_stop(&h);
	harness_cleanup(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_backup_under_writes),
	    cmocka_unit_test(test_backup_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
