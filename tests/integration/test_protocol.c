/*
 * The wire rules of docs/protocol.md, each with a hostile or careless
 * caller: every refusal has its precise status, and the server keeps
 * serving after each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>

#include "harness.h"
#include "pbstr.h"
#include "rpc.h"
#include "status.h"

static int
setup(void **state)
{
	static struct harness h;

	harness_start(&h, HARNESS_TCP, 0);
	struct rpc_client *c = harness_client(&h);
	harness_unit(c, "KT-DAKGLEI", "UBND huyện Đắk Glei");
	rpc_client_close(c);
	*state = &h;
	return 0;
}

static int
teardown(void **state)
{
	struct harness *h = *state;
	char wal[400];

	harness_stop(h);
	/* A clean stop checkpoints and removes the WAL. */
	snprintf(wal, sizeof(wal), "%s-wal", h->db);
	assert_int_not_equal(access(wal, F_OK), 0);
	harness_cleanup(h);
	return 0;
}

/* Sends raw bytes on a REQ socket and decodes the reply (NULL on none
 * within 5 s). */
static Hoptac__V1__Response *
raw_call(struct harness *h, const void *data, size_t len)
{
	Hoptac__V1__Response *r = NULL;
	nng_socket s;
	nng_msg *m;

	assert_int_equal(nng_req0_open(&s), 0);
	nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 5000);
	nng_socket_set_ms(s, NNG_OPT_SENDTIMEO, 5000);
	nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, 0);
	assert_int_equal(nng_dial(s, h->url, NULL, 0), 0);
	assert_int_equal(nng_msg_alloc(&m, len), 0);
	if (len > 0)
		memcpy(nng_msg_body(m), data, len);
	assert_int_equal(nng_sendmsg(s, m, 0), 0);
	if (nng_recvmsg(s, &m, 0) == 0) {
		r = hoptac__v1__response__unpack(
		    NULL, nng_msg_len(m), nng_msg_body(m));
		nng_msg_free(m);
	}
	nng_close(s);
	return r;
}

/* Packs an envelope around payload and sends it raw. */
static Hoptac__V1__Response *
raw_request(struct harness *h, const char *method, const char *id,
    uint32_t timeout_ms, const void *payload, size_t len)
{
	Hoptac__V1__Request req = HOPTAC__V1__REQUEST__INIT;
	Hoptac__V1__MetadataEntry auth = HOPTAC__V1__METADATA_ENTRY__INIT;
	Hoptac__V1__MetadataEntry *md[1] = {&auth};
	Hoptac__V1__Response *r;
	uint8_t *buf;
	size_t n;

	auth.key = (char *)RPC_METADATA_AUTHORIZATION;
	auth.value = h->token;
	req.metadata = md;
	req.n_metadata = 1;
	req.method = (char *)method;
	req.request_id = (char *)id;
	req.timeout_ms = timeout_ms;
	req.payload.data = (uint8_t *)payload;
	req.payload.len = len;
	n = protobuf_c_message_get_packed_size(&req.base);
	buf = malloc(n + 1);
	assert_non_null(buf);
	protobuf_c_message_pack(&req.base, buf);
	r = raw_call(h, buf, n);
	free(buf);
	return r;
}

static void
assert_serving(struct harness *h)
{
	Hoptac__V1__HealthCheckRequest req =
	    HOPTAC__V1__HEALTH_CHECK_REQUEST__INIT;
	Hoptac__V1__HealthCheckResponse *resp = NULL;
	struct rpc_client_status st;
	struct rpc_client *c = harness_client(h);

	rpc_client_call(c, "/hoptac.v1.Health/Check", &req.base,
	    &hoptac__v1__health_check_response__descriptor,
	    (ProtobufCMessage **)&resp, NULL, &st);
	assert_int_equal(st.code, STATUS_OK);
	assert_int_equal(
	    resp->status, HOPTAC__V1__SERVING_STATUS__SERVING_STATUS_SERVING);
	hoptac__v1__health_check_response__free_unpacked(resp, NULL);
	rpc_client_close(c);
}

static void
assert_status(Hoptac__V1__Response *r, int status, const char *needle)
{
	assert_non_null(r);
	if (r->status != status)
		fail_msg("expected %s, got %s: %s", status_name(status),
		    status_name(r->status), r->message);
	if (needle != NULL && strstr(r->message, needle) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", r->message, needle);
	hoptac__v1__response__free_unpacked(r, NULL);
}

static void
test_garbage_and_truncated(void **state)
{
	struct harness *h = *state;
	static const uint8_t garbage[] = {
	    0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02, 0x03};
	Hoptac__V1__HealthCheckRequest hc =
	    HOPTAC__V1__HEALTH_CHECK_REQUEST__INIT;
	Hoptac__V1__Request req = HOPTAC__V1__REQUEST__INIT;
	uint8_t buf[256], payload[64];
	size_t n;

	assert_status(raw_call(h, garbage, sizeof(garbage)),
	    STATUS_INVALID_ARGUMENT, "envelope");
	assert_serving(h);
	assert_status(raw_call(h, "", 0), STATUS_INVALID_ARGUMENT, NULL);
	assert_serving(h);

	hc.service = (char *)"hoptac.v1.Activities";
	req.method = (char *)"/hoptac.v1.Health/Check";
	req.request_id = (char *)"trunc-1";
	req.timeout_ms = 5000;
	req.payload.len = protobuf_c_message_pack(&hc.base, payload);
	req.payload.data = payload;
	n = protobuf_c_message_pack(&req.base, buf);
	/* Every truncation is refused or answered, never a hang or crash. */
	for (size_t cut = 1; cut < n; cut++) {
		Hoptac__V1__Response *r = raw_call(h, buf, cut);

		assert_non_null(r);
		hoptac__v1__response__free_unpacked(r, NULL);
	}
	assert_status(raw_call(h, buf, n), STATUS_OK, NULL);
	assert_serving(h);
}

static void
test_unknown_method(void **state)
{
	struct harness *h = *state;

	assert_status(raw_request(h, "/hoptac.v1.Activities/Frobnicate", "u1",
	                  5000, NULL, 0),
	    STATUS_UNIMPLEMENTED, "Frobnicate");
	assert_status(raw_request(h, "Activities.Submit", "u2", 5000, NULL, 0),
	    STATUS_UNIMPLEMENTED, NULL);
	assert_serving(h);
}

static void
test_expired_deadline(void **state)
{
	struct harness *h = *state;

	assert_status(
	    raw_request(h, "/hoptac.v1.Health/Check", "d1", 0, NULL, 0),
	    STATUS_DEADLINE_EXCEEDED, "deadline");
	assert_serving(h);
}

/* Over the limit: RESOURCE_EXHAUSTED from the server for a raw message,
 * and from the client before sending for a call. Never a hang. */
static void
test_oversized(void **state)
{
	struct harness *h = *state;
	size_t big = RPC_MAX_MESSAGE + 1000;
	uint8_t *junk = calloc(1, big);
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__Activity *a = harness_activity("KT-DAKGLEI", "huge-1",
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER, "2024", 0);
	ProtobufCMessage *resp = NULL;
	struct rpc_client_status st;
	struct rpc_client *c = harness_client(h);
	char *text = malloc(big);

	assert_non_null(junk);
	assert_non_null(text);
	assert_status(
	    raw_call(h, junk, big), STATUS_RESOURCE_EXHAUSTED, "limit");
	assert_serving(h);

	memset(text, 'a', big - 1);
	text[big - 1] = '\0';
	pbstr_take(&a->summary, text);
	req.n_activities = 1;
	req.activities = &a;
	rpc_client_call(c, "/hoptac.v1.Activities/Submit", &req.base,
	    &hoptac__v1__submit_activities_response__descriptor, &resp, NULL,
	    &st);
	assert_int_equal(st.code, STATUS_RESOURCE_EXHAUSTED);
	assert_int_equal(st.attempts, 0);
	assert_null(resp);
	hoptac__v1__activity__free_unpacked(a, NULL);
	rpc_client_close(c);
	free(junk);
	assert_serving(h);
}

/* A reply that would be over the limit is refused with what to do, not
 * sent for the client to drop; a smaller page of the same passes. */
static void
test_oversized_reply(void **state)
{
	struct harness *h = *state;
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__ListActivitiesRequest q =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__Activity *a[150];
	ProtobufCMessage *resp = NULL;
	struct rpc_client_status st;
	struct rpc_client *c = harness_client(h);
	char id[32];

	/* 300 activities of 19,000 bytes each: 5.7 MB in all. */
	for (int batch = 0; batch < 2; batch++) {
		for (int i = 0; i < 150; i++) {
			char *text = malloc(19001);

			assert_non_null(text);
			memset(text, 'x', 19000);
			text[19000] = '\0';
			snprintf(id, sizeof(id), "wide-%d-%d", batch, i);
			a[i] = harness_activity("KT-DAKGLEI", id,
			    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER,
			    "2019", 0);
			pbstr_take(&a[i]->summary, text);
		}
		req.n_activities = 150;
		req.activities = a;
		rpc_client_call(c, "/hoptac.v1.Activities/Submit", &req.base,
		    &hoptac__v1__submit_activities_response__descriptor, &resp,
		    NULL, &st);
		assert_int_equal(st.code, STATUS_OK);
		protobuf_c_message_free_unpacked(resp, NULL);
		for (int i = 0; i < 150; i++)
			hoptac__v1__activity__free_unpacked(a[i], NULL);
	}
	q.to_date = "2019";
	q.page_size = 300;
	rpc_client_call(c, "/hoptac.v1.Activities/List", &q.base,
	    &hoptac__v1__list_activities_response__descriptor, &resp, NULL,
	    &st);
	assert_int_equal(st.code, STATUS_RESOURCE_EXHAUSTED);
	assert_non_null(strstr(st.message, "ask for less"));
	assert_int_equal(st.attempts, 1);
	q.page_size = 100;
	rpc_client_call(c, "/hoptac.v1.Activities/List", &q.base,
	    &hoptac__v1__list_activities_response__descriptor, &resp, NULL,
	    &st);
	assert_int_equal(st.code, STATUS_OK);
	assert_int_equal(
	    ((Hoptac__V1__ListActivitiesResponse *)resp)->n_activities, 100);
	protobuf_c_message_free_unpacked(resp, NULL);
	rpc_client_close(c);
	assert_serving(h);
}

/* Strings protobuf-c would accept: invalid UTF-8 and an embedded NUL. */
static void
test_bad_strings(void **state)
{
	struct harness *h = *state;
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__Activity *a[2];
	Hoptac__V1__Response *r;
	uint8_t *buf;
	size_t n;
	char *nul;

	a[0] = harness_activity("KT-DAKGLEI", "s-0",
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER, "2024", 0);
	a[1] = harness_activity("KT-DAKGLEI", "s-1",
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER, "2024", 0);
	pbstr_set(&a[1]->title, "Hi\xc3\x28 there");
	req.n_activities = 2;
	req.activities = a;
	n = protobuf_c_message_get_packed_size(&req.base);
	buf = malloc(n);
	protobuf_c_message_pack(&req.base, buf);
	r = raw_request(
	    h, "/hoptac.v1.Activities/Submit", "bad-utf8", 5000, buf, n);
	assert_non_null(r);
	assert_int_equal(r->status, STATUS_INVALID_ARGUMENT);
	assert_int_equal(r->n_violations, 1);
	assert_string_equal(r->violations[0]->field, "activities[1].title");
	assert_non_null(strstr(r->violations[0]->description, "UTF-8"));
	hoptac__v1__response__free_unpacked(r, NULL);

	/* "ABCD" then turn its C into a NUL in the packed bytes. */
	pbstr_set(&a[1]->title, "ABCD");
	protobuf_c_message_pack(&req.base, buf);
	nul = NULL;
	for (size_t i = 0; i + 4 <= n && nul == NULL; i++)
		if (memcmp(buf + i, "ABCD", 4) == 0)
			nul = (char *)buf + i;
	assert_non_null(nul);
	nul[2] = '\0';
	r = raw_request(h, "/hoptac.v1.Activities/Submit", "nul", 5000, buf, n);
	assert_non_null(r);
	assert_int_equal(r->status, STATUS_INVALID_ARGUMENT);
	assert_string_equal(r->violations[0]->field, "activities[1].title");
	assert_non_null(strstr(r->violations[0]->description, "NUL"));
	hoptac__v1__response__free_unpacked(r, NULL);

	/* A payload that is not the method's message at all. */
	assert_status(raw_request(h, "/hoptac.v1.Activities/Submit", "junk",
	                  5000, "\xff\xff\xff", 3),
	    STATUS_INVALID_ARGUMENT, "payload");
	free(buf);
	hoptac__v1__activity__free_unpacked(a[0], NULL);
	hoptac__v1__activity__free_unpacked(a[1], NULL);
	struct rpc_client *c = harness_client(h);
	assert_int_equal(harness_count(c, "KT-DAKGLEI"), 0);
	rpc_client_close(c);
}

/* A retried mutation is applied once and answered with the same reply. */
static void
test_idempotent_retry(void **state)
{
	struct harness *h = *state;
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__Activity *a = harness_activity("KT-DAKGLEI", "retry-1",
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN,
	    "2024-03-26", 12);
	Hoptac__V1__Response *r1, *r2;
	uint8_t *buf;
	size_t n;
	struct rpc_client *c = harness_client(h);
	long before = harness_count(c, "");

	req.n_activities = 1;
	req.activities = &a;
	n = protobuf_c_message_get_packed_size(&req.base);
	buf = malloc(n);
	protobuf_c_message_pack(&req.base, buf);
	r1 = raw_request(
	    h, "/hoptac.v1.Activities/Submit", "req-42", 5000, buf, n);
	r2 = raw_request(
	    h, "/hoptac.v1.Activities/Submit", "req-42", 5000, buf, n);
	assert_non_null(r1);
	assert_non_null(r2);
	assert_int_equal(r1->status, STATUS_OK);
	assert_int_equal(r2->status, STATUS_OK);
	assert_int_equal(r1->payload.len, r2->payload.len);
	assert_memory_equal(
	    r1->payload.data, r2->payload.data, r1->payload.len);
	assert_int_equal(harness_count(c, ""), before + 1);
	hoptac__v1__response__free_unpacked(r1, NULL);
	hoptac__v1__response__free_unpacked(r2, NULL);

	/* The same record under a new request id: found, not doubled. */
	assert_int_equal(harness_submit(c, a, NULL, 5000), STATUS_OK);
	assert_int_equal(harness_count(c, ""), before + 1);

	/* A request id reused for another method is refused. */
	assert_status(raw_request(h, "/hoptac.v1.Activities/Withdraw", "req-42",
	                  5000, NULL, 0),
	    STATUS_INVALID_ARGUMENT, NULL);
	Hoptac__V1__WithdrawActivityRequest w =
	    HOPTAC__V1__WITHDRAW_ACTIVITY_REQUEST__INIT;
	w.id = (char *)"retry-1";
	n = protobuf_c_message_pack(&w.base, buf);
	assert_status(raw_request(h, "/hoptac.v1.Activities/Withdraw", "req-42",
	                  5000, buf, n),
	    STATUS_FAILED_PRECONDITION, "another method");
	/* A mutation without a request id is refused. */
	assert_status(
	    raw_request(h, "/hoptac.v1.Activities/Withdraw", "", 5000, buf, n),
	    STATUS_INVALID_ARGUMENT, "request_id");
	assert_int_equal(harness_count(c, ""), before + 1);
	free(buf);
	hoptac__v1__activity__free_unpacked(a, NULL);
	rpc_client_close(c);
}

static void
test_refusals(void **state)
{
	struct harness *h = *state;
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__GetActivityRequest get =
	    HOPTAC__V1__GET_ACTIVITY_REQUEST__INIT;
	Hoptac__V1__HealthCheckRequest hc =
	    HOPTAC__V1__HEALTH_CHECK_REQUEST__INIT;
	ProtobufCMessage *resp = NULL;
	struct rpc_client_status st;
	struct rpc_client *c = harness_client(h);
	Hoptac__V1__Activity **many = calloc(1001, sizeof(*many));

	/* unknown unit, named by field */
	Hoptac__V1__Activity *a = harness_activity("NO-SUCH-UNIT", "ref-1",
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER, "2024", 0);
	assert_int_equal(
	    harness_submit(c, a, NULL, 5000), STATUS_INVALID_ARGUMENT);
	hoptac__v1__activity__free_unpacked(a, NULL);

	/* a batch over the limit */
	for (int i = 0; i < 1001; i++) {
		char id[32];

		snprintf(id, sizeof(id), "many-%d", i);
		many[i] = harness_activity("KT-DAKGLEI", id,
		    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER, "2024", 0);
	}
	req.n_activities = 1001;
	req.activities = many;
	rpc_client_call(c, "/hoptac.v1.Activities/Submit", &req.base,
	    &hoptac__v1__submit_activities_response__descriptor, &resp, NULL,
	    &st);
	assert_int_equal(st.code, STATUS_INVALID_ARGUMENT);
	assert_string_equal(st.violations.items[0].field, "activities");
	for (int i = 0; i < 1001; i++)
		hoptac__v1__activity__free_unpacked(many[i], NULL);
	free(many);

	get.id = (char *)"nothing-here";
	rpc_client_call(c, "/hoptac.v1.Activities/Get", &get.base,
	    &hoptac__v1__get_activity_response__descriptor, &resp, NULL, &st);
	assert_int_equal(st.code, STATUS_NOT_FOUND);

	hc.service = (char *)"hoptac.v1.Nothing";
	rpc_client_call(c, "/hoptac.v1.Health/Check", &hc.base,
	    &hoptac__v1__health_check_response__descriptor, &resp, NULL, &st);
	assert_int_equal(st.code, STATUS_NOT_FOUND);
	rpc_client_close(c);
	assert_serving(h);
}

static void
test_reflection(void **state)
{
	struct harness *h = *state;
	Hoptac__V1__ListServicesRequest req =
	    HOPTAC__V1__LIST_SERVICES_REQUEST__INIT;
	Hoptac__V1__ListServicesResponse *resp = NULL;
	struct rpc_client_status st;
	struct rpc_client *c = harness_client(h);
	int found = 0, methods = 0;

	rpc_client_call(c, "/hoptac.v1.Reflection/ListServices", &req.base,
	    &hoptac__v1__list_services_response__descriptor,
	    (ProtobufCMessage **)&resp, NULL, &st);
	assert_int_equal(st.code, STATUS_OK);
	assert_int_equal(resp->n_services, 12);
	for (size_t i = 0; i < resp->n_services; i++)
		for (size_t j = 0; j < resp->services[i]->n_methods; j++) {
			const Hoptac__V1__MethodInfo *m =
			    resp->services[i]->methods[j];

			methods++;
			if (strcmp(m->name, "/hoptac.v1.Activities/Submit") ==
			    0) {
				found = 1;
				assert_true(m->mutating);
				assert_string_equal(m->input_type,
				    "hoptac.v1.SubmitActivitiesRequest");
			}
		}
	assert_true(found);
	assert_int_equal(methods, METHOD_COUNT); /* every method of the table */
	hoptac__v1__list_services_response__free_unpacked(resp, NULL);
	rpc_client_close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_garbage_and_truncated),
	    cmocka_unit_test(test_unknown_method),
	    cmocka_unit_test(test_expired_deadline),
	    cmocka_unit_test(test_oversized),
	    cmocka_unit_test(test_bad_strings),
	    cmocka_unit_test(test_idempotent_retry),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_reflection),
	    /* Last: it leaves 300 activities behind. */
	    cmocka_unit_test(test_oversized_reply),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
