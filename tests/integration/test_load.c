/*
 * Many clients at once, and a crash in the middle: nothing lost, nothing
 * doubled, and every acknowledged record survives a kill -9.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "harness.h"
#include "status.h"

#define CLIENTS    16
#define PER_CLIENT 200
#define KILL_MAX   5000

struct worker {
	struct harness *h;
	int index;
	int count;         /* records to submit */
	int ok;            /* acknowledged */
	int failed;        /* calls that did not end OK */
	char (*acked)[32]; /* ids acknowledged, count of them; owned */
	atomic_int *stop;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct rpc_client *c = harness_client(w->h);

	for (int i = 0; i < w->count; i++) {
		char id[32];
		Hoptac__V1__Activity *a;
		int rc;

		if (w->stop != NULL && atomic_load(w->stop))
			break;
		snprintf(id, sizeof(id), "w%02d-%05d", w->index, i);
		a = harness_activity("KT-DAKGLEI", id,
		    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT,
		    "2024-05-02", 1 + i % 7);
		rc = harness_submit(c, a, NULL, w->stop != NULL ? 1000 : 20000);
		hoptac__v1__activity__free_unpacked(a, NULL);
		if (rc == STATUS_OK) {
			snprintf(
			    w->acked[w->ok], sizeof(w->acked[0]), "%s", id);
			w->ok++;
		} else {
			w->failed++;
			if (w->stop != NULL)
				break; /* the server is gone */
		}
	}
	rpc_client_close(c);
	return NULL;
}

static void
run_workers(struct harness *h, struct worker *w, int n, int count,
    atomic_int *stop, void (*during)(struct harness *, atomic_int *))
{
	pthread_t t[CLIENTS];

	for (int i = 0; i < n; i++) {
		w[i].h = h;
		w[i].index = i;
		w[i].count = count;
		w[i].ok = w[i].failed = 0;
		w[i].stop = stop;
		w[i].acked = calloc((size_t)count, sizeof(*w[i].acked));
		assert_non_null(w[i].acked);
		assert_int_equal(
		    pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	if (during != NULL)
		during(h, stop);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

static void
free_workers(struct worker *w, int n)
{
	for (int i = 0; i < n; i++)
		free(w[i].acked);
}

/* 16 clients, 200 records each: 3,200 stored, none lost or doubled. */
static void
test_concurrent_submitters(void **state)
{
	struct harness h;
	struct worker w[CLIENTS];
	struct rpc_client *c;
	int ok = 0;

	(void)state;
	harness_start(&h, HARNESS_TCP, 0);
	c = harness_client(&h);
	harness_unit(c, "KT-DAKGLEI", "UBND huyện Đắk Glei");
	run_workers(&h, w, CLIENTS, PER_CLIENT, NULL, NULL);
	for (int i = 0; i < CLIENTS; i++) {
		assert_int_equal(w[i].failed, 0);
		ok += w[i].ok;
	}
	assert_int_equal(ok, CLIENTS * PER_CLIENT);
	assert_int_equal(harness_count(c, "KT-DAKGLEI"), CLIENTS * PER_CLIENT);
	rpc_client_close(c);
	free_workers(w, CLIENTS);
	harness_stop(&h);
	harness_cleanup(&h);
}

static void
kill_midway(struct harness *h, atomic_int *stop)
{
	/* Let the load build up, then pull the plug. */
	usleep(400 * 1000);
	harness_kill(h);
	atomic_store(stop, 1);
}

/* The first column of sql's first row on the file behind the server's
 * back, as text in out ("" when there is none). */
static void
db_text(const char *path, const char *sql, char *out, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	out[0] = '\0';
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	        SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL)
		snprintf(
		    out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static int
integrity_ok(const char *path)
{
	char got[64];

	db_text(path, "PRAGMA integrity_check", got, sizeof(got));
	return strcmp(got, "ok") == 0;
}

/* kill -9 under load from n clients, restart: every acknowledged record
 * is there. */
static void
kill_during_load(int n)
{
	struct harness h;
	struct worker w[CLIENTS];
	atomic_int stop = 0;
	struct rpc_client *c;
	int acked = 0;

	harness_start(&h, HARNESS_TCP, 0);
	c = harness_client(&h);
	harness_unit(c, "KT-DAKGLEI", "UBND huyện Đắk Glei");
	rpc_client_close(c);
	run_workers(&h, w, n, KILL_MAX, &stop, kill_midway);
	harness_restart(&h);
	c = harness_client(&h);
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < w[i].ok; j++) {
			Hoptac__V1__GetActivityRequest req =
			    HOPTAC__V1__GET_ACTIVITY_REQUEST__INIT;
			ProtobufCMessage *resp = NULL;
			struct rpc_client_status st;

			req.id = w[i].acked[j];
			rpc_client_call(c, "/hoptac.v1.Activities/Get",
			    &req.base,
			    &hoptac__v1__get_activity_response__descriptor,
			    &resp, NULL, &st);
			if (st.code != STATUS_OK)
				fail_msg("acknowledged %s lost: %s", req.id,
				    st.message);
			protobuf_c_message_free_unpacked(resp, NULL);
		}
		acked += w[i].ok;
	}
	/* The load was real, and the crash came before its end. */
	assert_true(acked > 0);
	assert_true(acked < n * KILL_MAX);
	/* At most the calls in flight at the kill (one per client) may have
	 * committed without their reply reaching the client. */
	long stored = harness_count(c, "KT-DAKGLEI");
	print_message(
	    "acknowledged %d before the kill, %ld stored\n", acked, stored);
	assert_true(stored >= acked);
	assert_true(stored <= acked + n);
	rpc_client_close(c);
	harness_stop(&h);
	assert_true(integrity_ok(h.db));
	free_workers(w, n);
	harness_cleanup(&h);
}

static void
test_kill_during_load(void **state)
{
	(void)state;
	kill_during_load(CLIENTS);
}

/* One client's calls find the writer idle and are served by the thread
 * that received them (server/writer.c, writer_submit): the same holds. */
static void
test_kill_one_client(void **state)
{
	(void)state;
	kill_during_load(1);
}

/* Rows in table, read behind the server's back; -1 when unread. */
static long
table_rows(const char *path, const char *table)
{
	char sql[96], got[32];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	db_text(path, sql, got, sizeof(got));
	return got[0] != '\0' ? atol(got) : -1;
}

/* Records that one client's calls left waiting in the inbox are settled
 * once no call has come for a while, with no reader asking: the writer's
 * thread, which served none of those calls, keeps the time. */
static void
test_settled_when_idle(void **state)
{
	struct harness h;
	struct worker w[1];
	struct rpc_client *c;
	long waiting = -1;

	(void)state;
	HARNESS_SQLITE_ONLY();
	harness_start(&h, HARNESS_TCP, 0);
	c = harness_client(&h);
	harness_unit(c, "KT-DAKGLEI", "UBND huyện Đắk Glei");
	rpc_client_close(c);
	run_workers(&h, w, 1, 300, NULL, NULL);
	assert_int_equal(w[0].ok, 300);
	/* 20 ms after the last call; a slow machine gets 10 s. */
	for (int i = 0; i < 200 && waiting != 0; i++) {
		usleep(50 * 1000);
		waiting = table_rows(h.db, "activity_inbox");
	}
	assert_int_equal(waiting, 0);
	assert_int_equal(table_rows(h.db, "activities"), 300);
	free_workers(w, 1);
	harness_stop(&h);
	harness_cleanup(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_concurrent_submitters),
	    cmocka_unit_test(test_kill_during_load),
	    cmocka_unit_test(test_kill_one_client),
	    cmocka_unit_test(test_settled_when_idle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
