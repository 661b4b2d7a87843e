/*
 * What the tests of the server's threads share: a store with its writer
 * in a fresh directory, and a method whose calls note what they saw, and
 * can be held once started, so that a test decides what is running
 * while others are submitted. Included by
 * tests/unit/test_readers.c and test_writer.c, after cmocka.h; the test
 * defines PROBE_CALLS and the calls[] the probe indexes.
 */
#ifndef HOPTAC_TEST_PROBE_FIXTURE_H
#define HOPTAC_TEST_PROBE_FIXTURE_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "call.h"
#include "rpc.h"
#include "status.h"
#include "store.h"
#include "writer.h"

static struct call calls[PROBE_CALLS];

/* What the calls of a test saw: the connection each ran on, the names
 * of the threads that ran and finished it, how many started and
 * finished; while hold is set they wait once started. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct store_conn *seen[PROBE_CALLS];
	char ran[PROBE_CALLS][16], by[PROBE_CALLS][16];
	int started, finished, hold;
} probe = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static int
probe_run(struct call *c, struct store_conn *db)
{
	char name[16] = "";

	prctl(PR_GET_NAME, name, 0, 0, 0);
	pthread_mutex_lock(&probe.mu);
	probe.seen[c - calls] = db;
	memcpy(probe.ran[c - calls], name, sizeof(name));
	probe.started++;
	pthread_cond_broadcast(&probe.cv);
	while (probe.hold)
		pthread_cond_wait(&probe.cv, &probe.mu);
	pthread_mutex_unlock(&probe.mu);
	return STATUS_NOT_FOUND; /* nothing to pack, nothing kept */
}

static void
probe_finish(struct call *c)
{
	char name[16] = "";

	prctl(PR_GET_NAME, name, 0, 0, 0);
	pthread_mutex_lock(&probe.mu);
	memcpy(probe.by[c - calls], name, sizeof(name));
	probe.finished++;
	pthread_cond_broadcast(&probe.cv);
	pthread_mutex_unlock(&probe.mu);
}

static const struct method_info probe_info = {
    .path = "/hoptac.test.Probe/Run", .name = "Run"};
static const struct method probe_method = {
    &probe_info, NULL, probe_run, NULL, NULL};

/* Waits until *counter reaches n. */
static void
probe_wait(const int *counter, int n)
{
	pthread_mutex_lock(&probe.mu);
	while (*counter < n)
		pthread_cond_wait(&probe.cv, &probe.mu);
	pthread_mutex_unlock(&probe.mu);
}

/* Sets whether calls wait once started, waking those that wait. */
static void
probe_hold(int hold)
{
	pthread_mutex_lock(&probe.mu);
	probe.hold = hold;
	pthread_cond_broadcast(&probe.cv);
	pthread_mutex_unlock(&probe.mu);
}

/* Forgets what the last test's calls saw, and makes calls[] probe
 * calls with a deadline far away. */
static void
probe_reset(void)
{
	memset(calls, 0, sizeof(calls));
	for (size_t i = 0; i < PROBE_CALLS; i++) {
		calls[i].method = &probe_method;
		calls[i].deadline_ms = rpc_now_ms() + 600000;
		calls[i].finish = probe_finish;
	}
	pthread_mutex_lock(&probe.mu);
	memset(probe.seen, 0, sizeof(probe.seen));
	memset(probe.ran, 0, sizeof(probe.ran));
	memset(probe.by, 0, sizeof(probe.by));
	probe.started = probe.finished = probe.hold = 0;
	pthread_cond_broadcast(&probe.cv);
	pthread_mutex_unlock(&probe.mu);
}

/* A fresh directory from templ ("...XXXXXX", copied into dir, of dlen
 * bytes) with a store in it (its file's name in path, of plen bytes)
 * and the writer over it; NULL, with nothing left behind, when any of
 * them could not be made. */
static struct writer *
probe_writer_open(
    const char *templ, char *dir, size_t dlen, char *path, size_t plen)
{
	struct store_conn *db = NULL;
	struct writer *w = NULL;
	char err[256] = "";

	snprintf(dir, dlen, "%s", templ);
	if (mkdtemp(dir) == NULL)
		return NULL;
	snprintf(path, plen, "%s/hoptac.db", dir);
	if (store_open(path, 0, &db, err, sizeof(err)) == STATUS_OK &&
	    (w = writer_create(db)) != NULL)
		return w;
	fprintf(stderr, "cannot open %s: %s\n", path, err);
	store_close(db);
	unlink(path);
	rmdir(dir);
	return NULL;
}

/* Removes the store's files and the directory probe_writer_open made. */
static void
probe_files_remove(const char *dir, const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	char p[160];

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		unlink(p);
	}
	rmdir(dir);
}

#endif
