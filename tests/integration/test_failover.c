/*
 * hoptacd on a PostgreSQL primary with a synchronous standby, the
 * primary killed (-m immediate) under the load of 8 clients and the
 * standby promoted: hoptacd finds the new primary through its
 * multi-host name and carries on; the calls in flight were answered
 * UNAVAILABLE and their retries, with the same request ids, stored each
 * record once; every acknowledged record is on the new primary. Skipped
 * on sqlite (run as integration-pg/test_failover); the two clusters are
 * its own (tests/pg/cluster.sh), not the suite's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "pgtest.h"
#include "rpc.h"
#include "status.h"

#define CLIENTS    8
#define PER_CLIENT 150
/* Records acknowledged before the primary is killed. */
#define BEFORE_KILL (CLIENTS * PER_CLIENT / 4)
#define UNIT        "KT-DAKGLEI"

struct worker {
	struct harness *h;
	int index;
	int ok;           /* acknowledged */
	int failed;       /* calls that ended in neither OK nor a retry */
	int retried;      /* records that met a retryable status */
	char last[512];   /* the last retryable status's message */
	char fault[600];  /* what the first failed call said */
	atomic_int *done; /* acknowledged by all workers */
};

static char dir[64]; /* the two clusters' folder, or "" */
static char cluster[400];
static struct harness h;

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* tests/pg/cluster.sh with args; what it prints into out. */
static void
cluster_sh(char *out, size_t len, const char *args)
{
	char cmd[1200];
	FILE *p;
	size_t n = 0;

	snprintf(cmd, sizeof(cmd), "sh '%s' %s", cluster, args);
	assert_non_null(p = popen(cmd, "r"));
	if (out != NULL && len > 0) {
		n = fread(out, 1, len - 1, p);
		out[n] = '\0';
		out[strcspn(out, "\n")] = '\0';
	}
	if (pclose(p) != 0)
		fail_msg("%s failed", cmd);
}

/* One value that sql returns on the cluster named by conninfo. */
static long
sql_long(const char *conninfo, const char *sql)
{
	char cmd[1200], line[64] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "psql -XAtq '%s dbname=hoptac' -c '%s'",
	    conninfo, sql);
	assert_non_null(p = popen(cmd, "r"));
	if (fgets(line, sizeof(line), p) == NULL)
		line[0] = '\0';
	assert_int_equal(pclose(p), 0);
	return strtol(line, NULL, 10);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct rpc_client *c = harness_client(w->h);

	for (int i = 0; i < PER_CLIENT && w->failed == 0; i++) {
		Hoptac__V1__SubmitActivitiesRequest req =
		    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
		struct rpc_client_options opt = {5000, NULL, 0};
		struct rpc_client_status st;
		ProtobufCMessage *resp = NULL;
		char id[32], rid[37];
		Hoptac__V1__Activity *a;
		double until = now_s() + 60;
		int met = 0;

		snprintf(id, sizeof(id), "fo%02d-%05d", w->index, i);
		a = harness_activity(UNIT, id,
		    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT,
		    "2024-05-02", 1 + i % 7);
		req.n_activities = 1;
		req.activities = &a;
		/* One request id for the record, whatever it takes: what
		 * hoptac's outbox does with a call it could not deliver. */
		rpc_new_id(rid);
		opt.request_id = rid;
		for (;;) {
			rpc_client_call(c, "/hoptac.v1.Activities/Submit",
			    &req.base,
			    &hoptac__v1__submit_activities_response__descriptor,
			    &resp, &opt, &st);
			if (resp != NULL)
				protobuf_c_message_free_unpacked(resp, NULL);
			resp = NULL;
			if (st.attempts > 1 || st.code == STATUS_UNAVAILABLE)
				met = 1;
			if (st.code == STATUS_UNAVAILABLE)
				snprintf(
				    w->last, sizeof(w->last), "%s", st.message);
			if ((st.code != STATUS_UNAVAILABLE &&
			        st.code != STATUS_DEADLINE_EXCEEDED) ||
			    now_s() > until)
				break;
		}
		hoptac__v1__activity__free_unpacked(a, NULL);
		w->retried += met;
		if (st.code == STATUS_OK) {
			w->ok++;
			atomic_fetch_add(w->done, 1);
		} else {
			w->failed++;
			snprintf(w->fault, sizeof(w->fault), "%s: %s %s", id,
			    status_name(st.code), st.message);
		}
	}
	rpc_client_close(c);
	return NULL;
}

static void
test_failover_under_load(void **state)
{
	struct worker w[CLIENTS];
	pthread_t t[CLIENTS];
	atomic_int done = 0;
	char primary[400], standby[400], args[300], dbname[600];
	struct rpc_client *c;
	int ok = 0, retried = 0;
	char cmd[400];
	double t0;

	(void)state;
	if (!harness_pg())
		skip();
	snprintf(cluster, sizeof(cluster), "%s/tests/pg/cluster.sh",
	    HOPTAC_SOURCE_DIR);
	/* The clusters belong to the postgres user, who must reach them. */
	snprintf(dir, sizeof(dir), "/tmp/hoptac-failover-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(args, sizeof(args), "start %s/primary", dir);
	cluster_sh(primary, sizeof(primary), args);
	snprintf(dbname, sizeof(dbname),
	    "psql -XAtq '%s dbname=postgres' -c 'CREATE DATABASE hoptac'",
	    primary);
	assert_int_equal(system(dbname), 0);
	snprintf(args, sizeof(args), "standby %s/primary %s/standby", dir, dir);
	cluster_sh(standby, sizeof(standby), args);

	/* The store's name lists both: "host=A,B port=PA,PB". */
	{
		char ha[64], hb[64];
		int pa, pb;

		assert_int_equal(
		    sscanf(primary, "host=%63s port=%d", ha, &pa), 2);
		assert_int_equal(
		    sscanf(standby, "host=%63s port=%d", hb, &pb), 2);
		harness_prepare(&h, HARNESS_TCP, 0);
		/* Not the suite's cluster: the pair above. */
		pgtest_drop(h.pg_db);
		h.pg_db[0] = '\0';
		snprintf(h.db, sizeof(h.db),
		    "postgresql:host=%s,%s port=%d,%d user=postgres "
		    "dbname=hoptac target_session_attrs=read-write",
		    ha, hb, pa, pb);
	}
	harness_restart(&h);
	c = harness_client(&h);
	harness_unit(c, UNIT, "UBND huyện Đắk Glei");

	for (int i = 0; i < CLIENTS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].h = &h;
		w[i].index = i;
		w[i].done = &done;
		assert_int_equal(
		    pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	/* Under load, the machine is lost; the operator promotes the
	 * standby a moment later. */
	t0 = now_s();
	while (atomic_load(&done) < BEFORE_KILL && now_s() < t0 + 120)
		usleep(5 * 1000);
	snprintf(args, sizeof(args), "kill %s/primary", dir);
	cluster_sh(NULL, 0, args);
	print_message(
	    "primary killed after %d acknowledged\n", atomic_load(&done));
	usleep(300 * 1000);
	snprintf(args, sizeof(args), "promote %s/standby", dir);
	cluster_sh(NULL, 0, args);
	for (int i = 0; i < CLIENTS; i++)
		pthread_join(t[i], NULL);

	for (int i = 0; i < CLIENTS; i++) {
		if (w[i].failed != 0)
			fail_msg("client %d: %s", i, w[i].fault);
		ok += w[i].ok;
		retried += w[i].retried;
	}
	assert_int_equal(ok, CLIENTS * PER_CLIENT);
	/* The failover was met: calls in flight were told to retry, in
	 * words that say nothing was stored. */
	print_message("%d records met UNAVAILABLE and were retried\n", retried);
	assert_true(retried > 0);
	for (int i = 0; i < CLIENTS; i++) {
		if (w[i].last[0] == '\0')
			continue;
		print_message("client %d was told: %s\n", i, w[i].last);
		assert_non_null(strstr(w[i].last, "retry"));
	}
	/* Every record on the new primary, once: through hoptacd's
	 * readers, and in its tables directly. */
	assert_int_equal(harness_count(c, UNIT), CLIENTS * PER_CLIENT);
	assert_int_equal(sql_long(standby, "SELECT count(*) FROM activities"),
	    CLIENTS * PER_CLIENT);
	assert_int_equal(
	    sql_long(standby, "SELECT count(DISTINCT id) FROM activities"),
	    CLIENTS * PER_CLIENT);
	assert_int_equal(sql_long(standby,
	                     "SELECT count(*) FROM activities"
	                     " WHERE id LIKE $$fo%$$"),
	    CLIENTS * PER_CLIENT);
	rpc_client_close(c);
	snprintf(
	    cmd, sizeof(cmd), "grep -q HOPTACD-STORE-RECONNECTED '%s'", h.log);
	assert_int_equal(system(cmd), 0);
	harness_stop(&h);
}

/* The server, then both clusters, gone whether the test passed or not. */
static int
failover_teardown(void **state)
{
	char args[200];

	(void)state;
	harness_cleanup(&h);
	if (dir[0] == '\0')
		return 0;
	snprintf(args, sizeof(args), "stop %s/standby", dir);
	cluster_sh(NULL, 0, args);
	snprintf(args, sizeof(args), "stop %s/primary", dir);
	cluster_sh(NULL, 0, args);
	rmdir(dir);
	dir[0] = '\0';
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(
	        test_failover_under_load, failover_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
