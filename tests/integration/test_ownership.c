/*
 * Ids are their unit's, through the real hoptacd with two offices: an id
 * one office took first never keeps another's record out nor shows it,
 * for activities and for reports, and a request id another credential
 * used is never answered with that credential's reply.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pbstr.h"
#include "rpc.h"
#include "status.h"

#define OFFICE (1u << HOPTAC__V1__ROLE__ROLE_OFFICE)

/* Office A is Đắk Tô's, office B Đắk Glei's. */
#define UNIT_A "KT-DAKTO"
#define UNIT_B "KT-DAKGLEI"

#define TIMEOUT_MS 20000

static char out[64 * 1024];
static char err[16 * 1024];

struct fixture {
	struct harness h;
	struct rpc_client *a, *b, *dept;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char token[128];

	assert_non_null(f);
	harness_start(&f->h, HARNESS_TCP, 0);
	setenv("HOPTAC_TOKEN", f->h.token, 1);
	harness_expect(
	    harness_cli(&f->h, out, sizeof(out), err, sizeof(err), "unit",
	        "import", harness_data("units-2024.csv"), NULL),
	    0, "units", out, err);
	unsetenv("HOPTAC_TOKEN");
	harness_issue(&f->h, "Văn thư huyện Đắk Tô", OFFICE, UNIT_A, token,
	    sizeof(token));
	f->a = harness_client_as(&f->h, token);
	harness_issue(&f->h, "Văn thư huyện Đắk Glei", OFFICE, UNIT_B, token,
	    sizeof(token));
	f->b = harness_client_as(&f->h, token);
	f->dept = harness_client(&f->h);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	rpc_client_close(f->a);
	rpc_client_close(f->b);
	rpc_client_close(f->dept);
	harness_cleanup(&f->h);
	free(f);
	return 0;
}

/* Submits one activity of unit under request_id (NULL: a new one); the
 * status, and the reply's result in *r (caller frees, NULL unless OK). */
static int
submit(struct rpc_client *c, const char *unit, const char *id,
    const char *title, const char *request_id,
    Hoptac__V1__SubmitActivitiesResponse **r)
{
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__Activity *a = harness_activity(unit, id,
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE, "2024-06-01",
	    3);
	struct rpc_client_options opt = {TIMEOUT_MS, request_id, 0};
	struct rpc_client_status st;

	assert_int_equal(pbstr_set(&a->title, title), 0);
	req.n_activities = 1;
	req.activities = &a;
	*r = NULL;
	rpc_client_call(c, "/hoptac.v1.Activities/Submit", &req.base,
	    &hoptac__v1__submit_activities_response__descriptor,
	    (ProtobufCMessage **)r, &opt, &st);
	hoptac__v1__activity__free_unpacked(a, NULL);
	return st.code;
}

/* Gets activity id as c: the status, and its title into title. */
static int
get_title(struct rpc_client *c, const char *id, char *title, size_t len,
    struct rpc_client_status *st)
{
	Hoptac__V1__GetActivityRequest req =
	    HOPTAC__V1__GET_ACTIVITY_REQUEST__INIT;
	Hoptac__V1__GetActivityResponse *resp = NULL;
	struct rpc_client_options opt = {TIMEOUT_MS, NULL, 0};

	req.id = (char *)id;
	title[0] = '\0';
	rpc_client_call(c, "/hoptac.v1.Activities/Get", &req.base,
	    &hoptac__v1__get_activity_response__descriptor,
	    (ProtobufCMessage **)&resp, &opt, st);
	if (resp != NULL) {
		snprintf(title, len, "%s", resp->activity->title);
		hoptac__v1__get_activity_response__free_unpacked(resp, NULL);
	}
	return st->code;
}

/* A takes an id B uses: B's record is stored beside A's, and each office
 * reads, amends and withdraws its own; nothing of B's reaches A. */
static void
test_activity_id_taken_first(void **state)
{
	struct fixture *f = *state;
	Hoptac__V1__SubmitActivitiesResponse *r = NULL;
	Hoptac__V1__AmendActivityRequest amend =
	    HOPTAC__V1__AMEND_ACTIVITY_REQUEST__INIT;
	Hoptac__V1__WithdrawActivityRequest wd =
	    HOPTAC__V1__WITHDRAW_ACTIVITY_REQUEST__INIT;
	struct rpc_client_options opt = {TIMEOUT_MS, NULL, 0};
	struct rpc_client_status st;
	ProtobufCMessage *resp = NULL;
	char title[256];

	assert_int_equal(
	    submit(f->a, UNIT_A, "dg-2024-007", "Đắk Tô's first", NULL, &r),
	    STATUS_OK);
	assert_true(r->results[0]->created);
	hoptac__v1__submit_activities_response__free_unpacked(r, NULL);

	/* B's import: its record is stored, as new. */
	assert_int_equal(submit(f->b, UNIT_B, "dg-2024-007",
	                     "Hội nghị giao ban Đắk Glei", NULL, &r),
	    STATUS_OK);
	assert_int_equal(r->n_results, 1);
	assert_true(r->results[0]->created);
	assert_false(r->results[0]->differs);
	assert_int_equal(r->results[0]->version, 1);
	hoptac__v1__submit_activities_response__free_unpacked(r, NULL);
	assert_int_equal(harness_count(f->dept, UNIT_B), 1);
	assert_int_equal(harness_count(f->dept, UNIT_A), 1);

	/* Each reads its own. */
	assert_int_equal(
	    get_title(f->b, "dg-2024-007", title, sizeof(title), &st),
	    STATUS_OK);
	assert_string_equal(title, "Hội nghị giao ban Đắk Glei");
	assert_int_equal(
	    get_title(f->a, "dg-2024-007", title, sizeof(title), &st),
	    STATUS_OK);
	assert_string_equal(title, "Đắk Tô's first");

	/* B amends its own; A's stays at version 1. */
	amend.activity = harness_activity(UNIT_B, "dg-2024-007",
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE, "2024-06-01",
	    9);
	amend.expected_version = 1;
	rpc_client_call(f->b, "/hoptac.v1.Activities/Amend", &amend.base,
	    &hoptac__v1__amend_activity_response__descriptor, &resp, &opt, &st);
	hoptac__v1__activity__free_unpacked(amend.activity, NULL);
	assert_int_equal(st.code, STATUS_OK);
	assert_int_equal(
	    ((Hoptac__V1__AmendActivityResponse *)resp)->activity->version, 2);
	protobuf_c_message_free_unpacked(resp, NULL);
	resp = NULL;
	assert_int_equal(
	    submit(f->a, UNIT_A, "dg-2024-007", "Đắk Tô's first", NULL, &r),
	    STATUS_OK);
	assert_false(r->results[0]->created);
	assert_false(r->results[0]->differs);
	assert_int_equal(r->results[0]->version, 1);
	hoptac__v1__submit_activities_response__free_unpacked(r, NULL);

	/* A withdraws: its own record, never B's. */
	wd.id = (char *)"dg-2024-007";
	rpc_client_call(f->a, "/hoptac.v1.Activities/Withdraw", &wd.base,
	    &hoptac__v1__withdraw_activity_response__descriptor, &resp, &opt,
	    &st);
	assert_int_equal(st.code, STATUS_OK);
	assert_string_equal(
	    ((Hoptac__V1__WithdrawActivityResponse *)resp)->activity->unit_code,
	    UNIT_A);
	protobuf_c_message_free_unpacked(resp, NULL);
	assert_int_equal(harness_count(f->dept, UNIT_B), 1);
	assert_int_equal(harness_count(f->dept, UNIT_A), 0);

	/* An id only B uses: to A it is not there, and not "refused",
	 * which would say it is. */
	assert_int_equal(
	    submit(f->b, UNIT_B, "dg-2024-008", "Đắk Glei only", NULL, &r),
	    STATUS_OK);
	hoptac__v1__submit_activities_response__free_unpacked(r, NULL);
	assert_int_equal(
	    get_title(f->a, "dg-2024-008", title, sizeof(title), &st),
	    STATUS_NOT_FOUND);
	assert_null(strstr(st.message, UNIT_B));
	assert_int_equal(
	    get_title(f->a, "dg-2024-404", title, sizeof(title), &st),
	    STATUS_NOT_FOUND);
	wd.id = (char *)"dg-2024-008";
	rpc_client_call(f->a, "/hoptac.v1.Activities/Withdraw", &wd.base,
	    &hoptac__v1__withdraw_activity_response__descriptor, &resp, &opt,
	    &st);
	assert_int_equal(st.code, STATUS_NOT_FOUND);
	assert_null(resp);
	assert_int_equal(harness_count(f->dept, UNIT_B), 2);
}

/* A report of A's under the id of B's report: A's is stored and comes
 * back, nothing of B's. */
static void
test_report_id_of_another(void **state)
{
	struct fixture *f = *state;
	Hoptac__V1__SubmitReportRequest req =
	    HOPTAC__V1__SUBMIT_REPORT_REQUEST__INIT;
	Hoptac__V1__Report rep = HOPTAC__V1__REPORT__INIT;
	Hoptac__V1__SubmitReportResponse *resp = NULL;
	struct rpc_client_options opt = {TIMEOUT_MS, NULL, 0};
	struct rpc_client_status st;

	setenv("HOPTAC_TOKEN", f->h.token, 1);
	harness_expect(
	    harness_cli(&f->h, out, sizeof(out), err, sizeof(err), "request",
	        "create", "R-OWN-1", "--issuer", "KT-SNGV", "--issued",
	        "2024-05-02", "--title", "báo cáo", "--from", "2024", "--due",
	        "2024-06-01", "--unit", UNIT_A, "--unit", UNIT_B, NULL),
	    0, "a request to both", out, err);
	unsetenv("HOPTAC_TOKEN");

	rep.id = (char *)"rep-dakglei-1";
	rep.request_reference = (char *)"R-OWN-1";
	rep.unit_code = (char *)UNIT_B;
	rep.situation = (char *)"Đắk Glei: tình hình riêng";
	rep.signer = (char *)"Người ký Đắk Glei";
	rep.submitted_at_ms = rpc_wall_ms();
	req.report = &rep;
	rpc_client_call(f->b, "/hoptac.v1.Reports/Submit", &req.base,
	    &hoptac__v1__submit_report_response__descriptor,
	    (ProtobufCMessage **)&resp, &opt, &st);
	assert_int_equal(st.code, STATUS_OK);
	hoptac__v1__submit_report_response__free_unpacked(resp, NULL);
	resp = NULL;

	rep.unit_code = (char *)UNIT_A;
	rep.situation = (char *)"Đắk Tô";
	rep.signer = (char *)"Người ký Đắk Tô";
	rpc_client_call(f->a, "/hoptac.v1.Reports/Submit", &req.base,
	    &hoptac__v1__submit_report_response__descriptor,
	    (ProtobufCMessage **)&resp, &opt, &st);
	assert_int_equal(st.code, STATUS_OK);
	assert_string_equal(resp->report->unit_code, UNIT_A);
	assert_string_equal(resp->report->situation, "Đắk Tô");
	assert_string_equal(resp->report->signer, "Người ký Đắk Tô");
	assert_int_equal(resp->report->revision, 1);
	hoptac__v1__submit_report_response__free_unpacked(resp, NULL);
}

/* A reuses B's request id: A's call is its own, applied as such, never
 * answered with B's reply. */
static void
test_request_id_of_another(void **state)
{
	struct fixture *f = *state;
	Hoptac__V1__SubmitActivitiesResponse *r = NULL;
	char rid[40];
	char title[256];
	struct rpc_client_status st;

	rpc_new_id(rid);
	assert_int_equal(submit(f->b, UNIT_B, "dg-2024-100",
	                     "Đắk Glei's, by request", rid, &r),
	    STATUS_OK);
	assert_true(r->results[0]->created);
	hoptac__v1__submit_activities_response__free_unpacked(r, NULL);

	assert_int_equal(
	    submit(f->a, UNIT_A, "dt-2024-100", "Đắk Tô's call", rid, &r),
	    STATUS_OK);
	assert_int_equal(r->n_results, 1);
	assert_string_equal(r->results[0]->id, "dt-2024-100");
	assert_true(r->results[0]->created);
	hoptac__v1__submit_activities_response__free_unpacked(r, NULL);
	assert_int_equal(
	    get_title(f->a, "dt-2024-100", title, sizeof(title), &st),
	    STATUS_OK);
	assert_string_equal(title, "Đắk Tô's call");

	/* B's retry of its own call still gets its own reply, applied
	 * once. */
	assert_int_equal(submit(f->b, UNIT_B, "dg-2024-100",
	                     "Đắk Glei's, by request", rid, &r),
	    STATUS_OK);
	assert_string_equal(r->results[0]->id, "dg-2024-100");
	assert_true(r->results[0]->created);
	hoptac__v1__submit_activities_response__free_unpacked(r, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_activity_id_taken_first, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_report_id_of_another, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_request_id_of_another, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
