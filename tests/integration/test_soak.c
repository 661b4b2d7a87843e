/*
 * Load and soak: 16 clients, each on its own connection, for a bounded
 * time (HOPTAC_SOAK_SECONDS, default 20), doing what offices and the
 * department do: submits of one activity and of batches, lists,
 * summaries, completeness and consolidated reports, report revisions.
 * No call may fail, every acknowledged record must be stored, and the
 * server's resident memory at the end must not have grown much beyond
 * what it was after warm-up.
 *
 * For a long run, call the binary itself (ctest stops a test after
 * 600 s):
 *   HOPTAC_SOAK_SECONDS=3600 HOPTACD=build/server/hoptacd \
 *   HOPTAC=build/client/hoptac HOPTAC_TEST_DATA=tests/data \
 *   build/tests/test_soak
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
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "harness.h"
#include "pbstr.h"
#include "rpc.h"
#include "status.h"

#define CLIENTS   16
#define REF       "7/SOAK-SNGV"
#define ISSUER    "KT-SNGV"
#define WARM_UP_S 3

enum op {
	OP_SUBMIT,
	OP_BATCH,
	OP_LIST,
	OP_SUMMARY_MONTH,
	OP_SUMMARY_REQUEST,
	OP_COMPLETENESS,
	OP_CONSOLIDATE,
	OP_REPORT,
	OP_COUNT
};

static const char *const op_names[OP_COUNT] = {"submit", "submit batch", "list",
    "summary by month", "summary of the request", "completeness", "consolidate",
    "report submit"};

/* Out of 100 calls. */
static const int op_weights[OP_COUNT] = {42, 10, 15, 10, 5, 6, 4, 8};

struct soaker {
	struct harness *h;
	int index;
	char unit[16];
	atomic_int *stop;
	unsigned seed;
	long acked; /* activities; ids s00-0000000.. */
	long calls[OP_COUNT];
	int64_t ms[OP_COUNT]; /* time spent in each kind of call */
	long errors;
	int64_t worst_ms;
	char first_error[400];
};

static enum op
soak_pick(struct soaker *s)
{
	int r = rand_r(&s->seed) % 100;

	for (int i = 0; i < OP_COUNT; i++) {
		if (r < op_weights[i])
			return (enum op)i;
		r -= op_weights[i];
	}
	return OP_SUBMIT;
}

/* Activities spread over ten years of months, so a month's summary and
 * the request (one month) read a tenth of a percent of them however
 * long the soak runs. */
static void
soak_date(struct soaker *s, char *buf, size_t len)
{
	snprintf(buf, len, "%d-%02d-%02d", 2015 + rand_r(&s->seed) % 10,
	    1 + rand_r(&s->seed) % 12, 1 + rand_r(&s->seed) % 28);
}

static int
soak_submit(
    struct soaker *s, struct rpc_client *c, int n, struct rpc_client_status *st)
{
	static const int kinds[] = {
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT,
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN,
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE,
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_AGREEMENT,
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_INFORMATION,
	};
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__Activity *acts[10];
	ProtobufCMessage *resp = NULL;

	for (int i = 0; i < n; i++) {
		char id[40], day[16];

		snprintf(id, sizeof(id), "s%02d-%07ld", s->index, s->acked + i);
		soak_date(s, day, sizeof(day));
		acts[i] = harness_activity(s->unit, id,
		    kinds[rand_r(&s->seed) % 5], day, rand_r(&s->seed) % 12);
	}
	req.n_activities = (size_t)n;
	req.activities = acts;
	rpc_client_call(c, "/hoptac.v1.Activities/Submit", &req.base,
	    &hoptac__v1__submit_activities_response__descriptor, &resp, NULL,
	    st);
	if (st->code == STATUS_OK)
		s->acked += n;
	if (resp != NULL)
		protobuf_c_message_free_unpacked(resp, NULL);
	for (int i = 0; i < n; i++)
		hoptac__v1__activity__free_unpacked(acts[i], NULL);
	return st->code;
}

/* Sends req to method and drops the reply. */
static int
soak_call(struct rpc_client *c, const char *method, const ProtobufCMessage *req,
    const ProtobufCMessageDescriptor *out, struct rpc_client_status *st)
{
	ProtobufCMessage *resp = NULL;

	rpc_client_call(c, method, req, out, &resp, NULL, st);
	if (resp != NULL)
		protobuf_c_message_free_unpacked(resp, NULL);
	return st->code;
}

static int
soak_list(struct soaker *s, struct rpc_client *c, struct rpc_client_status *st)
{
	Hoptac__V1__ListActivitiesRequest req =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;

	req.page_size = 20;
	if (rand_r(&s->seed) % 2)
		req.unit_code = s->unit;
	else
		req.text = (char *)"đoàn công tác";
	return soak_call(c, "/hoptac.v1.Activities/List", &req.base,
	    &hoptac__v1__list_activities_response__descriptor, st);
}

static int
soak_summary(struct soaker *s, struct rpc_client *c, int of_request,
    struct rpc_client_status *st)
{
	Hoptac__V1__SummaryRequest req = HOPTAC__V1__SUMMARY_REQUEST__INIT;
	Hoptac__V1__Dimension by[2] = {HOPTAC__V1__DIMENSION__DIMENSION_UNIT,
	    HOPTAC__V1__DIMENSION__DIMENSION_KIND};
	char month[16];

	if (of_request) {
		req.request_reference = (char *)REF;
	} else {
		snprintf(month, sizeof(month), "%d-%02d",
		    2015 + rand_r(&s->seed) % 10, 1 + rand_r(&s->seed) % 12);
		req.from_date = month;
		req.to_date = month;
	}
	req.group_by = by;
	req.n_group_by = 2;
	return soak_call(c, "/hoptac.v1.Aggregates/Summary", &req.base,
	    &hoptac__v1__summary_response__descriptor, st);
}

static int
soak_completeness(struct rpc_client *c, struct rpc_client_status *st)
{
	Hoptac__V1__CompletenessRequest req =
	    HOPTAC__V1__COMPLETENESS_REQUEST__INIT;

	req.request_reference = (char *)REF;
	return soak_call(c, "/hoptac.v1.Aggregates/Completeness", &req.base,
	    &hoptac__v1__completeness_response__descriptor, st);
}

static int
soak_consolidate(struct rpc_client *c, struct rpc_client_status *st)
{
	Hoptac__V1__ConsolidateRequest req =
	    HOPTAC__V1__CONSOLIDATE_REQUEST__INIT;

	req.request_reference = (char *)REF;
	return soak_call(c, "/hoptac.v1.Aggregates/Consolidate", &req.base,
	    &hoptac__v1__consolidate_response__descriptor, st);
}

static void soak_day(int offset, char *buf, size_t len);

/* A new revision of the unit's report to the request, signed today:
 * never before the request was issued. */
static int
soak_report(
    struct soaker *s, struct rpc_client *c, struct rpc_client_status *st)
{
	Hoptac__V1__SubmitReportRequest req =
	    HOPTAC__V1__SUBMIT_REPORT_REQUEST__INIT;
	Hoptac__V1__Report rep = HOPTAC__V1__REPORT__INIT;
	Hoptac__V1__Figures declared = HOPTAC__V1__FIGURES__INIT;
	char id[37], today[16];

	rpc_new_id(id);
	soak_day(0, today, sizeof(today));
	rep.id = id;
	rep.request_reference = (char *)REF;
	rep.unit_code = s->unit;
	rep.document_number = (char *)"12/BC-UBND";
	rep.signed_on = today;
	rep.situation = (char *)"Tình hình hợp tác với tỉnh Sê Kông ổn định.";
	rep.signer = (char *)"Nguyễn Văn A";
	rep.signer_title = (char *)"CHỦ TỊCH";
	declared.delegations_out = rand_r(&s->seed) % 4;
	rep.declared = &declared;
	rep.submitted_at_ms = rpc_wall_ms();
	req.report = &rep;
	return soak_call(c, "/hoptac.v1.Reports/Submit", &req.base,
	    &hoptac__v1__submit_report_response__descriptor, st);
}

static void *
soak_main(void *arg)
{
	struct soaker *s = arg;
	struct rpc_client *c = harness_client(s->h);

	while (!atomic_load(s->stop)) {
		struct rpc_client_status st;
		enum op op = soak_pick(s);
		int64_t t0 = rpc_now_ms(), ms;
		int rc = STATUS_OK;

		switch (op) {
		case OP_SUBMIT:
			rc = soak_submit(s, c, 1, &st);
			break;
		case OP_BATCH:
			rc = soak_submit(s, c, 10, &st);
			break;
		case OP_LIST:
			rc = soak_list(s, c, &st);
			break;
		case OP_SUMMARY_MONTH:
		case OP_SUMMARY_REQUEST:
			rc = soak_summary(s, c, op == OP_SUMMARY_REQUEST, &st);
			break;
		case OP_COMPLETENESS:
			rc = soak_completeness(c, &st);
			break;
		case OP_CONSOLIDATE:
			rc = soak_consolidate(c, &st);
			break;
		case OP_REPORT:
			rc = soak_report(s, c, &st);
			break;
		case OP_COUNT:
			break;
		}
		ms = rpc_now_ms() - t0;
		if (ms > s->worst_ms)
			s->worst_ms = ms;
		s->calls[op]++;
		s->ms[op] += ms;
		if (rc != STATUS_OK && s->errors++ == 0)
			snprintf(s->first_error, sizeof(s->first_error),
			    "%s: %s: %.300s", op_names[op], status_name(rc),
			    st.message);
	}
	rpc_client_close(c);
	return NULL;
}

/* Whether the server holds exactly ids s<index>-0000000 .. acked-1 for
 * the unit: listed page by page, each one checked in place. */
static void
soak_check_unit(struct rpc_client *c, const struct soaker *s)
{
	char *token = NULL, *seen = calloc((size_t)s->acked + 1, 1);
	long n = 0;

	assert_non_null(seen);
	do {
		Hoptac__V1__ListActivitiesRequest req =
		    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
		Hoptac__V1__ListActivitiesResponse *resp = NULL;
		struct rpc_client_status st;

		req.unit_code = (char *)s->unit;
		req.page_size = 1000;
		req.page_token = token != NULL ? token : (char *)"";
		rpc_client_call(c, "/hoptac.v1.Activities/List", &req.base,
		    &hoptac__v1__list_activities_response__descriptor,
		    (ProtobufCMessage **)&resp, NULL, &st);
		if (st.code != STATUS_OK)
			fail_msg("List: %s", st.message);
		for (size_t i = 0; i < resp->n_activities; i++) {
			int idx = -1;
			long j = -1;

			if (sscanf(resp->activities[i]->id, "s%d-%ld", &idx,
			        &j) != 2 ||
			    idx != s->index || j < 0 || j >= s->acked ||
			    seen[j])
				fail_msg("%s holds %s, which was not "
				         "acknowledged, or holds it twice",
				    s->unit, resp->activities[i]->id);
			seen[j] = 1;
			n++;
		}
		free(token);
		token = resp->next_page_token[0] != '\0'
		    ? strdup(resp->next_page_token)
		    : NULL;
		hoptac__v1__list_activities_response__free_unpacked(resp, NULL);
	} while (token != NULL);
	if (n != s->acked)
		fail_msg(
		    "%s: %ld acknowledged, %ld stored", s->unit, s->acked, n);
	free(seen);
}

static int
soak_seconds(void)
{
	const char *v = getenv("HOPTAC_SOAK_SECONDS");
	int n = v != NULL ? atoi(v) : 0;

	return n > 0 ? n : 20;
}

/* A date as the CLI takes it, offset days from today. */
static void
soak_day(int offset, char *buf, size_t len)
{
	struct date_partial d;

	date_from_days((int32_t)(time(NULL) / 86400) + offset, &d);
	snprintf(buf, len, "%04d-%02d-%02d", d.year, d.month, d.day);
}

/* The department asks every soak unit for a report on January 2024. */
static void
soak_request(struct rpc_client *c, const struct soaker *s)
{
	Hoptac__V1__CreateRequestRequest req =
	    HOPTAC__V1__CREATE_REQUEST_REQUEST__INIT;
	Hoptac__V1__ReportingRequest r = HOPTAC__V1__REPORTING_REQUEST__INIT;
	char *partners[1] = {(char *)"LA-XE"}, *units[CLIENTS];
	char issued[16], due[16];
	ProtobufCMessage *resp = NULL;
	struct rpc_client_status st;

	soak_day(-10, issued, sizeof(issued));
	soak_day(30, due, sizeof(due));
	for (int i = 0; i < CLIENTS; i++)
		units[i] = (char *)s[i].unit;
	r.reference = (char *)REF;
	r.issuer_unit = (char *)ISSUER;
	r.issued_on = issued;
	r.title = (char *)"báo cáo hợp tác tháng 01/2024";
	r.partner_scope = partners;
	r.n_partner_scope = 1;
	r.period_from = (char *)"2024-01";
	r.period_to = (char *)"2024-01";
	r.due_on = due;
	r.unit_codes = units;
	r.n_unit_codes = CLIENTS;
	req.request = &r;
	rpc_client_call(c, "/hoptac.v1.Requests/Create", &req.base,
	    &hoptac__v1__create_request_response__descriptor, &resp, NULL, &st);
	if (st.code != STATUS_OK)
		fail_msg(
		    "Requests/Create: %s %s", status_name(st.code), st.message);
	protobuf_c_message_free_unpacked(resp, NULL);
}

static void
test_soak(void **state)
{
	struct harness h;
	struct soaker s[CLIENTS];
	pthread_t t[CLIENTS];
	atomic_int stop = 0;
	struct rpc_client *c;
	int seconds = soak_seconds();
	long calls = 0, errors = 0, by_op[OP_COUNT] = {0}, rss_start, rss_end;
	int64_t ms_op[OP_COUNT] = {0};
	int64_t worst = 0, t0, elapsed;

	(void)state;
	harness_bound_memory();
	harness_start(&h, HARNESS_TCP, 0);
	c = harness_client(&h);
	harness_unit(c, ISSUER, "Sở Ngoại vụ tỉnh Kon Tum");
	for (int i = 0; i < CLIENTS; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		s[i].h = &h;
		s[i].index = i;
		s[i].stop = &stop;
		s[i].seed = 7919u * (unsigned)(i + 1);
		snprintf(s[i].unit, sizeof(s[i].unit), "KT-SOAK%02d", i);
		harness_unit(c, s[i].unit, "UBND huyện Đắk Glei");
	}
	soak_request(c, s);
	rpc_client_close(c);

	t0 = rpc_now_ms();
	for (int i = 0; i < CLIENTS; i++)
		assert_int_equal(
		    pthread_create(&t[i], NULL, soak_main, &s[i]), 0);
	sleep(WARM_UP_S < seconds ? WARM_UP_S : 1);
	rss_start = harness_rss_kb(&h);
	while (rpc_now_ms() - t0 < (int64_t)seconds * 1000)
		usleep(100 * 1000);
	atomic_store(&stop, 1);
	for (int i = 0; i < CLIENTS; i++)
		pthread_join(t[i], NULL);
	elapsed = rpc_now_ms() - t0;
	rss_end = harness_rss_kb(&h);

	for (int i = 0; i < CLIENTS; i++) {
		for (int op = 0; op < OP_COUNT; op++) {
			calls += s[i].calls[op];
			by_op[op] += s[i].calls[op];
			ms_op[op] += s[i].ms[op];
		}
		errors += s[i].errors;
		if (s[i].worst_ms > worst)
			worst = s[i].worst_ms;
	}
	print_message("soak: %d clients, %.1f s: %ld calls, %.0f calls/s, "
	              "%ld errors, slowest call %lld ms\n",
	    CLIENTS, (double)elapsed / 1000, calls,
	    (double)calls * 1000 / (double)elapsed, errors, (long long)worst);
	for (int op = 0; op < OP_COUNT; op++)
		print_message("  %-24s %6ld calls, %6.1f ms each\n",
		    op_names[op], by_op[op],
		    by_op[op] > 0 ? (double)ms_op[op] / (double)by_op[op] : 0);
	print_message("server RSS: %ld KiB after %d s of warm-up, %ld KiB at "
	              "the end\n",
	    rss_start, WARM_UP_S, rss_end);
	for (int i = 0; i < CLIENTS; i++)
		if (s[i].errors > 0)
			fail_msg("client %d: %ld errors, the first: %s", i,
			    s[i].errors, s[i].first_error);
	assert_int_equal(errors, 0);
	for (int op = 0; op < OP_COUNT; op++)
		assert_true(by_op[op] > 0);

	/* Every acknowledged record, once, and nothing else. */
	c = harness_client(&h);
	for (int i = 0; i < CLIENTS; i++)
		soak_check_unit(c, &s[i]);
	rpc_client_close(c);

	/* The page cache and the WAL index grow with the data; anything
	 * that grows with the number of calls would show here. */
	if (!harness_valgrind())
		assert_true(rss_end <= 2 * rss_start + 32L * 1024);
	harness_stop(&h);
	harness_cleanup(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_soak),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
