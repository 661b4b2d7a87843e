#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "hoptac/v1/services.pb-c.h"
#include "server_impl.h"
#include "status.h"

/* Gives c one of everything a call in flight owns or sets, as dispatch,
 * a handler and the writer would; the sanitizers' leak check tells
 * whether call_reset freed it all. */
static void
call_fill(struct call *c, const struct method *m)
{
	Hoptac__V1__Request req = HOPTAC__V1__REQUEST__INIT;
	Hoptac__V1__HealthCheckRequest in =
	    HOPTAC__V1__HEALTH_CHECK_REQUEST__INIT;
	Hoptac__V1__HealthCheckResponse *out = malloc(sizeof(*out));
	uint8_t buf[256];
	size_t len;

	req.method = "/hoptac.v1.Health/Check";
	req.request_id = "0190a0b2-0000-7000-8000-000000000001";
	req.timeout_ms = 1000;
	len = hoptac__v1__request__pack(&req, buf);
	c->req = hoptac__v1__request__unpack(NULL, len, buf);
	in.service = "hoptac.v1.Units";
	len = hoptac__v1__health_check_request__pack(&in, buf);
	c->input = protobuf_c_message_unpack(
	    &hoptac__v1__health_check_request__descriptor, NULL, len, buf);
	assert_non_null(out);
	hoptac__v1__health_check_response__init(out);
	c->output = &out->base;
	c->payload = malloc(16);
	c->payload_len = 16;
	c->log_payload = malloc(8);
	c->log_payload_len = 8;
	assert_non_null(c->req);
	assert_non_null(c->input);
	assert_non_null(c->payload);
	assert_non_null(c->log_payload);
	c->method = m;
	snprintf(c->who.id, sizeof(c->who.id), "cred1");
	snprintf(c->who.name, sizeof(c->who.name), "office of Điện Biên");
	c->who.roles = 1;
	snprintf(c->who.unit, sizeof(c->who.unit), "DB");
	call_target(c, "activity %s", "A-1");
	violations_add(&c->violations, NULL, "title", "is required");
	call_fail(c, STATUS_INVALID_ARGUMENT, "title is required");
	c->replayed = 1;
	c->audited = 1;
	c->audit_only = 1;
}

/* What call_reset leaves: nothing owned, nothing of the last call. */
static void
assert_clean(const struct call *c)
{
	assert_null(c->req);
	assert_null(c->input);
	assert_null(c->output);
	assert_null(c->payload);
	assert_int_equal(c->payload_len, 0);
	assert_null(c->log_payload);
	assert_int_equal(c->log_payload_len, 0);
	assert_null(c->method);
	assert_string_equal(c->who.id, "");
	assert_string_equal(c->who.name, "");
	assert_int_equal(c->who.roles, 0);
	assert_string_equal(c->who.unit, "");
	assert_string_equal(c->target, "");
	assert_string_equal(c->message, "");
	assert_int_equal(c->violations.count, 0);
	assert_int_equal(c->violations.dropped, 0);
	assert_int_equal(c->replayed, 0);
	assert_int_equal(c->audited, 0);
	assert_int_equal(c->audit_only, 0);
}

static void
finish_nothing(struct call *c)
{
	(void)c;
}

static void
test_reset_frees_and_clears(void **state)
{
	static const struct method m; /* any method: only its address */
	static struct server srv;
	struct call c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.srv = &srv;
	c.finish = finish_nothing;
	call_fill(&c, &m);
	call_reset(&c);
	assert_clean(&c);
	/* The slot's own fields stay: the next call starts in it. */
	assert_ptr_equal(c.srv, &srv);
	assert_ptr_equal(c.finish, finish_nothing);
}

static void
test_reset_reuse(void **state)
{
	static const struct method m; /* any method: only its address */
	struct call c;

	(void)state;
	memset(&c, 0, sizeof(c));
	/* A call that never got a request (out of memory, undecodable)
	 * and a call already reset are reset without harm. */
	call_reset(&c);
	assert_clean(&c);
	call_reset(&c);
	assert_clean(&c);
	for (int i = 0; i < 3; i++) {
		call_fill(&c, &m);
		call_reset(&c);
		assert_clean(&c);
	}
	/* A clean call takes a new outcome as a new one would. */
	violations_add(&c.violations, NULL, "unit_code", "is required");
	assert_int_equal(c.violations.count, 1);
	assert_int_equal(handle_invalid(&c), STATUS_INVALID_ARGUMENT);
	assert_string_equal(c.message, "unit_code is required");
	call_reset(&c);
	assert_clean(&c);
}

/* What the writer does before running a call again: the outcome goes,
 * what the call was asked and by whom stays. */
static void
test_clear_outcome(void **state)
{
	static const struct method m; /* any method: only its address */
	struct call c;

	(void)state;
	memset(&c, 0, sizeof(c));
	call_fill(&c, &m);
	call_clear_outcome(&c);
	assert_int_equal(c.status, STATUS_OK);
	assert_string_equal(c.message, "");
	assert_int_equal(c.violations.count, 0);
	assert_null(c.output);
	assert_null(c.payload);
	assert_int_equal(c.payload_len, 0);
	assert_null(c.log_payload);
	assert_int_equal(c.log_payload_len, 0);
	assert_int_equal(c.replayed, 0);
	assert_non_null(c.req);
	assert_string_equal(c.req->method, "/hoptac.v1.Health/Check");
	assert_non_null(c.input);
	assert_ptr_equal(c.method, &m);
	assert_string_equal(c.who.id, "cred1");
	assert_string_equal(c.target, "activity A-1");
	assert_int_equal(c.audit_only, 1);
	/* Run again: a second reply for the log replaces the first. */
	c.log_payload = malloc(4);
	c.log_payload_len = 4;
	call_clear_outcome(&c);
	assert_null(c.log_payload);
	call_reset(&c);
	assert_clean(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reset_frees_and_clears),
	    cmocka_unit_test(test_reset_reuse),
	    cmocka_unit_test(test_clear_outcome),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
