/*
 * Load generator: N client threads, each submitting activities to a
 * running hoptacd, one per call or in batches. Prints calls and records
 * per second and the latency percentiles of the calls.
 *
 *   bench_submit -s tcp://127.0.0.1:7420 -u UNIT [-m N] -c 16 -n 200 [-b 1]
 *
 * The unit must exist (with -m N, the units UNIT-0 .. UNIT-(N-1)). Ids
 * are random per run, so every call stores.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/supplemental/util/platform.h>

#include "rpc_client.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "rpc.h"
#include "status.h"

struct bench_thread {
	const char *url;
	const char *unit;
	int units;
	int calls;
	int batch;
	int index;
	double *lat_ms; /* one per call; owned by main */
	int errors;
	pthread_t thread;
};

static char bench_run[16];

static const char *const bench_partners[] = {"LA-AT", "LA-BK", "LA-BL", "LA-CH",
    "LA-HO", "LA-KH", "LA-LM", "LA-LP", "LA-OU", "LA-PH", "LA-SL", "LA-SV",
    "LA-VI", "LA-VT", "LA-XA", "LA-XE", "LA-XI", "LA-XS"};

/* The n-th generated activity: kinds, partners, days of 2024, people
 * and units spread evenly, so summaries have something to group. */
static Hoptac__V1__Activity *
bench_activity(const char *unit, int units, const char *id, uint64_t n)
{
	char date[16], unit_code[64];
	Hoptac__V1__Activity *a = malloc(sizeof(*a));

	if (a == NULL)
		return NULL;
	hoptac__v1__activity__init(a);
	pbstr_set(&a->id, id);
	if (units > 0)
		snprintf(unit_code, sizeof(unit_code), "%s-%d", unit,
		    (int)(n % (uint64_t)units));
	else
		snprintf(unit_code, sizeof(unit_code), "%s", unit);
	pbstr_set(&a->unit_code, unit_code);
	pbstr_append(&a->n_partner_codes, &a->partner_codes,
	    bench_partners[(n / 7) % 18]);
	a->kind = (Hoptac__V1__ActivityKind)(1 + n % 9);
	snprintf(date, sizeof(date), "2024-%02d-%02d", (int)(1 + (n / 3) % 12),
	    (int)(1 + (n / 11) % 28));
	pbstr_set(&a->start_date, date);
	pbstr_set(
	    &a->title, "Đoàn công tác huyện Đắk Glei thăm huyện Đắk Chung");
	pbstr_set(&a->place, "huyện Đắk Chung, tỉnh Sê Kông");
	pbstr_append(&a->n_fields, &a->fields, "an ninh biên giới");
	a->people = 1 + (int32_t)(n % 10);
	return a;
}

static void *
bench_main(void *arg)
{
	struct bench_thread *t = arg;
	char err[256], id[64];
	struct rpc_client *c =
	    rpc_client_open(t->url, getenv("HOPTAC_TOKEN"), err, sizeof(err));
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;

	if (c == NULL) {
		fprintf(stderr, "bench: %s\n", err);
		t->errors = t->calls;
		return NULL;
	}
	req.activities = calloc((size_t)t->batch, sizeof(*req.activities));
	req.n_activities = (size_t)t->batch;
	for (int i = 0; i < t->calls; i++) {
		struct rpc_client_options opt = {30000, NULL, 0};
		struct rpc_client_status st;
		ProtobufCMessage *resp = NULL;
		int64_t start;

		for (int j = 0; j < t->batch; j++) {
			snprintf(id, sizeof(id), "b%s-%d-%d-%d", bench_run,
			    t->index, i, j);
			req.activities[j] =
			    bench_activity(t->unit, t->units, id,
			        ((uint64_t)t->index * (uint64_t)t->calls +
			            (uint64_t)i) *
			                (uint64_t)t->batch +
			            (uint64_t)j);
		}
		start = rpc_now_ms();
		struct timespec t0, t1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		rpc_client_call(c, "/hoptac.v1.Activities/Submit", &req.base,
		    &hoptac__v1__submit_activities_response__descriptor, &resp,
		    &opt, &st);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		(void)start;
		t->lat_ms[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		if (st.code != STATUS_OK) {
			if (t->errors++ == 0)
				fprintf(stderr, "bench: %s: %s\n",
				    status_name(st.code), st.message);
		}
		if (resp != NULL)
			protobuf_c_message_free_unpacked(resp, NULL);
		for (int j = 0; j < t->batch; j++)
			hoptac__v1__activity__free_unpacked(
			    req.activities[j], NULL);
	}
	free(req.activities);
	rpc_client_close(c);
	return NULL;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	const char *url = "tcp://127.0.0.1:7420", *unit = "BENCH";
	int clients = 1, calls = 1000, batch = 1, units = 0, ch, errors = 0;
	struct bench_thread *t;
	double *all, secs, sum_ms = 0;
	struct timespec t0, t1;
	size_t n;

	while ((ch = getopt(argc, argv, "s:u:m:c:n:b:")) != -1) {
		switch (ch) {
		case 's':
			url = optarg;
			break;
		case 'u':
			unit = optarg;
			break;
		case 'm':
			units = atoi(optarg);
			break;
		case 'c':
			clients = atoi(optarg);
			break;
		case 'n':
			calls = atoi(optarg);
			break;
		case 'b':
			batch = atoi(optarg);
			break;
		default:
			fprintf(stderr,
			    "usage: bench_submit [-s url] [-u unit] "
			    "[-m units] [-c clients] [-n calls each] [-b "
			    "batch]\n");
			return 2;
		}
	}
	if (clients < 1 || calls < 1 || batch < 1 || batch > 1000) {
		fprintf(stderr, "bench_submit: bad numbers\n");
		return 2;
	}
	snprintf(bench_run, sizeof(bench_run), "%08x", nng_random());
	t = calloc((size_t)clients, sizeof(*t));
	n = (size_t)clients * (size_t)calls;
	all = calloc(n, sizeof(*all));
	if (t == NULL || all == NULL) {
		free(t);
		free(all);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < clients; i++) {
		t[i] = (struct bench_thread) {.url = url,
		    .unit = unit,
		    .units = units,
		    .calls = calls,
		    .batch = batch,
		    .index = i,
		    .lat_ms = all + (size_t)i * (size_t)calls};
		pthread_create(&t[i].thread, NULL, bench_main, &t[i]);
	}
	for (int i = 0; i < clients; i++) {
		pthread_join(t[i].thread, NULL);
		errors += t[i].errors;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	qsort(all, n, sizeof(*all), bench_cmp);
	for (size_t i = 0; i < n; i++)
		sum_ms += all[i];
	/* The mean beside the median: one client's rate is the inverse of
	 * the mean, which the slow tail pulls away from the median. */
	printf("clients=%d calls=%zu batch=%d errors=%d seconds=%.3f "
	       "calls/s=%.0f records/s=%.0f p50_ms=%.3f p99_ms=%.3f "
	       "p90_ms=%.3f mean_ms=%.3f\n",
	    clients, n, batch, errors, secs, (double)n / secs,
	    (double)n * batch / secs, all[n / 2], all[(n * 99) / 100],
	    all[(n * 9) / 10], sum_ms / (double)n);
	free(all);
	free(t);
	return errors ? 1 : 0;
}
