/*
 * dispatch_start and dispatch_audited without a listener: the server's
 * stopping state comes in as an argument, so a call is dispatched here
 * as the listener would, and its reply read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "dispatch.h"
#include "hoptac/v1/services.pb-c.h"
#include "rpc.h"
#include "server_impl.h"
#include "status.h"

static int finished;

static void
test_finish(struct call *c)
{
	(void)c;
	finished++;
}

static int
setup(void **state)
{
	(void)state;
	return dispatch_init();
}

/* A call slot of a server that is not listening: nothing of the
 * listener, the writer or the readers is needed by the calls below,
 * which all end inside dispatch_start. */
static void
slot_init(struct call *c, struct server *srv, int stopping)
{
	memset(srv, 0, sizeof(*srv));
	atomic_store(&srv->stopping, stopping);
	memset(c, 0, sizeof(*c));
	c->srv = srv;
	c->finish = test_finish;
	finished = 0;
}

/* Dispatches an envelope for method, without a credential, with an
 * empty payload (a valid message of any type). */
static void
start(struct call *c, const char *method, const char *request_id, int stopping)
{
	Hoptac__V1__Request req = HOPTAC__V1__REQUEST__INIT;
	nng_msg *msg;

	req.method = (char *)method;
	req.request_id = (char *)request_id;
	req.timeout_ms = 5000;
	assert_int_equal(rpc_pack(&req.base, &msg), 0);
	dispatch_start(c, msg, stopping);
	assert_int_equal(finished, 1);
}

/* The reply dispatch_reply builds, unpacked; the call is reset. */
static Hoptac__V1__Response *
reply(struct call *c)
{
	nng_msg *msg = dispatch_reply(c);
	Hoptac__V1__Response *r;

	assert_non_null(msg);
	call_reset(c);
	r = hoptac__v1__response__unpack(
	    NULL, nng_msg_len(msg), nng_msg_body(msg));
	nng_msg_free(msg);
	assert_non_null(r);
	return r;
}

/* The serving status a successful Health/Check answered. */
static int
health_status(struct call *c)
{
	Hoptac__V1__Response *r = reply(c);
	Hoptac__V1__HealthCheckResponse *h;
	int status;

	assert_int_equal(r->status, STATUS_OK);
	h = hoptac__v1__health_check_response__unpack(
	    NULL, r->payload.len, r->payload.data);
	assert_non_null(h);
	status = h->status;
	hoptac__v1__health_check_response__free_unpacked(h, NULL);
	hoptac__v1__response__free_unpacked(r, NULL);
	return status;
}

static void
test_stopping_refuses(void **state)
{
	struct server srv;
	struct call c;
	Hoptac__V1__Response *r;

	(void)state;
	/* The flag decides, not the server's own state. */
	slot_init(&c, &srv, 0);
	start(&c, "/hoptac.v1.Units/List", "", 1);
	assert_int_equal(c.status, STATUS_UNAVAILABLE);
	assert_int_equal(dispatch_audited(&c, 1), 0);
	r = reply(&c);
	assert_int_equal(r->status, STATUS_UNAVAILABLE);
	assert_string_equal(r->message, "the server is shutting down");
	hoptac__v1__response__free_unpacked(r, NULL);

	/* A write is refused before it is authenticated or queued, and
	 * needs no audit row then: the writer may be gone. */
	slot_init(&c, &srv, 1);
	start(&c, "/hoptac.v1.Units/Create", "0190a0b2-0000-7000-8000-1", 1);
	assert_int_equal(c.status, STATUS_UNAVAILABLE);
	assert_int_equal(dispatch_audited(&c, 1), 0);
	/* The same outcome while serving is a write that failed: its row
	 * is written. */
	assert_int_equal(dispatch_audited(&c, 0), 1);
	call_reset(&c);
}

static void
test_stopping_health_answers(void **state)
{
	struct server srv;
	struct call c;

	(void)state;
	slot_init(&c, &srv, 1);
	start(&c, "/hoptac.v1.Health/Check", "", 1);
	assert_int_equal(c.status, STATUS_OK);
	assert_int_equal(dispatch_audited(&c, 1), 0);
	assert_int_equal(health_status(&c),
	    HOPTAC__V1__SERVING_STATUS__SERVING_STATUS_NOT_SERVING);

	slot_init(&c, &srv, 0);
	start(&c, "/hoptac.v1.Health/Check", "", 0);
	assert_int_equal(health_status(&c),
	    HOPTAC__V1__SERVING_STATUS__SERVING_STATUS_SERVING);
}

/* Not stopping, the same call goes on to authentication, and a refusal
 * for who made it is audited whatever the server's state. */
static void
test_serving_authenticates(void **state)
{
	struct server srv;
	struct call c;

	(void)state;
	slot_init(&c, &srv, 0);
	start(&c, "/hoptac.v1.Units/List", "", 0);
	assert_int_equal(c.status, STATUS_UNAUTHENTICATED);
	assert_int_equal(dispatch_audited(&c, 0), 1);
	assert_int_equal(dispatch_audited(&c, 1), 1);
	c.audited = 1;
	assert_int_equal(dispatch_audited(&c, 0), 0);
	call_reset(&c);
}

/* The envelope's payload is checked and unpacked where it lies in the
 * message, but the call's envelope is whole afterwards: the writer
 * unpacks the input again from it when it runs a call again. */
static void
test_payload_kept(void **state)
{
	Hoptac__V1__Request req = HOPTAC__V1__REQUEST__INIT;
	Hoptac__V1__HealthCheckRequest hc =
	    HOPTAC__V1__HEALTH_CHECK_REQUEST__INIT;
	uint8_t payload[64];
	struct server srv;
	struct call c;
	nng_msg *msg;
	size_t len;

	(void)state;
	hc.service = (char *)"hoptac.v1.Activities";
	len = protobuf_c_message_get_packed_size(&hc.base);
	assert_true(len <= sizeof(payload));
	protobuf_c_message_pack(&hc.base, payload);
	req.method = (char *)"/hoptac.v1.Health/Check";
	req.timeout_ms = 5000;
	req.payload.data = payload;
	req.payload.len = len;
	slot_init(&c, &srv, 0);
	assert_int_equal(rpc_pack(&req.base, &msg), 0);
	dispatch_start(&c, msg, 0);
	assert_int_equal(finished, 1);
	assert_int_equal(c.status, STATUS_OK);
	assert_non_null(c.req);
	assert_int_equal(c.req->payload.len, len);
	assert_memory_equal(c.req->payload.data, payload, len);
	assert_non_null(c.input);
	assert_string_equal(
	    ((Hoptac__V1__HealthCheckRequest *)c.input)->service,
	    "hoptac.v1.Activities");
	call_reset(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stopping_refuses),
	    cmocka_unit_test(test_stopping_health_answers),
	    cmocka_unit_test(test_serving_authenticates),
	    cmocka_unit_test(test_payload_kept),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
