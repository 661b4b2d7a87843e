#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hoptac/v1/rpc.pb-c.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbjson.h"
#include "pbstr.h"

static Hoptac__V1__Activity *
make_activity(void)
{
	Hoptac__V1__Activity *a = malloc(sizeof(*a));

	assert_non_null(a);
	hoptac__v1__activity__init(a);
	assert_int_equal(pbstr_set(&a->id, "dakglei-2024-005"), 0);
	assert_int_equal(pbstr_set(&a->unit_code, "KT-DAKGLEI"), 0);
	assert_int_equal(pbstr_append(&a->n_partner_codes, &a->partner_codes,
	                     "LA-AT-SANXAY"),
	    0);
	assert_int_equal(pbstr_append(&a->n_partner_codes, &a->partner_codes,
	                     "LA-XE-DAKCHEUNG"),
	    0);
	a->kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE;
	assert_int_equal(
	    pbstr_append(&a->n_fields, &a->fields, "an ninh biên giới"), 0);
	assert_int_equal(pbstr_set(&a->start_date, "2023"), 0);
	assert_int_equal(
	    pbstr_set(&a->title, "Hội nghị lần thứ 18 \"hữu nghị\""), 0);
	a->people = 24;
	a->version = INT64_C(1099511627776);
	a->state = HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_ACTIVE;
	return a;
}

static void
assert_same_message(const ProtobufCMessage *x, const ProtobufCMessage *y)
{
	size_t n1 = protobuf_c_message_get_packed_size(x);
	size_t n2 = protobuf_c_message_get_packed_size(y);
	uint8_t *p1 = malloc(n1 + 1), *p2 = malloc(n2 + 1);

	assert_int_equal(n1, n2);
	protobuf_c_message_pack(x, p1);
	protobuf_c_message_pack(y, p2);
	assert_memory_equal(p1, p2, n1);
	free(p1);
	free(p2);
}

static void
test_activity_round_trip(void **state)
{
	Hoptac__V1__Activity *a = make_activity();
	json_object *obj, *v;
	ProtobufCMessage *back;
	json_object *parsed;
	char err[256];

	(void)state;
	obj = pbjson_from_message(&a->base, 0);
	assert_non_null(obj);
	assert_true(json_object_object_get_ex(obj, "kind", &v));
	assert_string_equal(
	    json_object_get_string(v), "ACTIVITY_KIND_CONFERENCE");
	assert_true(json_object_object_get_ex(obj, "state", &v));
	assert_string_equal(json_object_get_string(v), "ACTIVITY_STATE_ACTIVE");
	assert_true(json_object_object_get_ex(obj, "version", &v));
	assert_true(json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int64(v), INT64_C(1099511627776));
	assert_true(json_object_object_get_ex(obj, "partner_codes", &v));
	assert_int_equal(json_object_array_length(v), 2);
	assert_string_equal(
	    json_object_get_string(json_object_array_get_idx(v, 1)),
	    "LA-XE-DAKCHEUNG");
	/* Defaults are left out. */
	assert_false(json_object_object_get_ex(obj, "end_date", NULL));
	assert_false(json_object_object_get_ex(obj, "document_refs", NULL));
	assert_false(json_object_object_get_ex(obj, "created_at_ms", NULL));

	/* Through text and back, as a script would send it. */
	parsed = json_tokener_parse(
	    json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
	assert_non_null(parsed);
	back = pbjson_to_message(
	    &hoptac__v1__activity__descriptor, parsed, err, sizeof(err));
	assert_non_null(back);
	assert_same_message(&a->base, back);
	protobuf_c_message_free_unpacked(back, NULL);
	json_object_put(parsed);
	json_object_put(obj);

	obj = pbjson_from_message(&a->base, 1);
	assert_true(json_object_object_get_ex(obj, "end_date", &v));
	assert_string_equal(json_object_get_string(v), "");
	assert_true(json_object_object_get_ex(obj, "document_refs", &v));
	assert_int_equal(json_object_array_length(v), 0);
	assert_true(json_object_object_get_ex(obj, "created_at_ms", &v));
	assert_int_equal(json_object_get_int64(v), 0);
	back = pbjson_to_message(
	    &hoptac__v1__activity__descriptor, obj, err, sizeof(err));
	assert_non_null(back);
	assert_same_message(&a->base, back);
	protobuf_c_message_free_unpacked(back, NULL);
	json_object_put(obj);

	protobuf_c_message_free_unpacked(&a->base, NULL);
}

static void
test_nested_repeated(void **state)
{
	Hoptac__V1__ListActivitiesResponse r =
	    HOPTAC__V1__LIST_ACTIVITIES_RESPONSE__INIT;
	Hoptac__V1__Activity *items[2];
	ProtobufCMessage *back;
	json_object *obj, *v;
	char err[256];

	(void)state;
	items[0] = make_activity();
	items[1] = make_activity();
	items[1]->kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_AGREEMENT;
	r.n_activities = 2;
	r.activities = items;
	r.total = UINT64_C(18446744073709551615);

	obj = pbjson_from_message(&r.base, 0);
	assert_non_null(obj);
	assert_true(json_object_object_get_ex(obj, "total", &v));
	assert_true(json_object_get_uint64(v) == UINT64_MAX);
	back =
	    pbjson_to_message(&hoptac__v1__list_activities_response__descriptor,
	        obj, err, sizeof(err));
	assert_non_null(back);
	assert_same_message(&r.base, back);
	protobuf_c_message_free_unpacked(back, NULL);
	json_object_put(obj);
	protobuf_c_message_free_unpacked(&items[0]->base, NULL);
	protobuf_c_message_free_unpacked(&items[1]->base, NULL);
}

/* Parses text as JSON and expects pbjson_to_message to refuse it with an
 * error that starts with want. */
static void
expect_error(
    const ProtobufCMessageDescriptor *desc, const char *text, const char *want)
{
	json_object *obj = json_tokener_parse(text);
	ProtobufCMessage *m;
	char err[256];

	assert_non_null(obj);
	m = pbjson_to_message(desc, obj, err, sizeof(err));
	if (m != NULL)
		fail_msg("accepted %s", text);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error \"%s\", wanted \"%s...\"", err, want);
	json_object_put(obj);
}

static void
test_strict_errors(void **state)
{
	const ProtobufCMessageDescriptor *submit =
	    &hoptac__v1__submit_activities_request__descriptor;

	(void)state;
	/* Each error comes after valid entries were read: those are freed
	 * (the leak checker of the sanitizer build watches this). */
	expect_error(submit,
	    "{\"activities\":[{\"id\":\"a\",\"fields\":[\"x\",\"y\"]},{},"
	    "{\"title\":\"t\",\"people\":\"ten\"}]}",
	    "activities[2].people: expected an integer, got a string");
	expect_error(submit,
	    "{\"activities\":[{\"id\":\"a\",\"colour\":\"red\"}]}",
	    "activities[0].colour: unknown field");
	expect_error(submit,
	    "{\"activities\":[{\"partner_codes\":[\"LA-XE\"],"
	    "\"kind\":\"ACTIVITY_KIND_PARTY\"}]}",
	    "activities[0].kind: unknown value \"ACTIVITY_KIND_PARTY\"");
	expect_error(submit, "{\"activities\":[{\"kind\":42}]}",
	    "activities[0].kind: unknown value 42");
	expect_error(submit, "{\"activities\":[{},{\"people\":3000000000}]}",
	    "activities[1].people: 3000000000 is out of range for int32");
	expect_error(submit, "{\"activities\":[{\"people\":1.5}]}",
	    "activities[0].people: expected an integer");
	expect_error(submit, "{\"activities\":[{\"title\":5}]}",
	    "activities[0].title: expected a string, got a number");
	expect_error(submit,
	    "{\"activities\":[{\"partner_codes\":[\"LA-XE\",7]}]}",
	    "activities[0].partner_codes[1]: expected a string");
	expect_error(submit, "{\"activities\":{}}",
	    "activities: expected an array, got an object");
	expect_error(submit, "{\"activities\":[null]}",
	    "activities[0]: null is not allowed");
	expect_error(&hoptac__v1__request__descriptor, "{\"timeout_ms\":-1}",
	    "timeout_ms: -1 is out of range for uint32");
	expect_error(&hoptac__v1__request__descriptor, "[1,2]",
	    "expected a JSON object");
}

static void
test_lenient_forms(void **state)
{
	const char *text = "{\"kind\":3,\"version\":\"9007199254740993\","
	                   "\"people\":12.0,\"title\":null,\"end_date\":\"\"}";
	json_object *obj = json_tokener_parse(text);
	Hoptac__V1__Activity *a;
	char err[256];

	(void)state;
	assert_non_null(obj);
	a = (Hoptac__V1__Activity *)pbjson_to_message(
	    &hoptac__v1__activity__descriptor, obj, err, sizeof(err));
	assert_non_null(a);
	assert_int_equal(
	    a->kind, HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE);
	assert_true(a->version == INT64_C(9007199254740993));
	assert_int_equal(a->people, 12);
	assert_string_equal(a->title, "");
	assert_ptr_equal(a->end_date, protobuf_c_empty_string);
	protobuf_c_message_free_unpacked(&a->base, NULL);
	json_object_put(obj);
}

static void
test_bytes_base64(void **state)
{
	static const uint8_t payload[] = {0x00, 0xFF, 'h', 'i', 0xFB, 0xEF};
	Hoptac__V1__Request req = HOPTAC__V1__REQUEST__INIT;
	Hoptac__V1__Request *back;
	json_object *obj, *v;
	char err[256];

	(void)state;
	req.method = "/hoptac.v1.Activities/Submit";
	req.timeout_ms = 5000;
	req.payload.data = (uint8_t *)payload;
	req.payload.len = sizeof(payload);
	obj = pbjson_from_message(&req.base, 0);
	assert_non_null(obj);
	assert_true(json_object_object_get_ex(obj, "payload", &v));
	assert_string_equal(json_object_get_string(v), "AP9oafvv");
	back = (Hoptac__V1__Request *)pbjson_to_message(
	    &hoptac__v1__request__descriptor, obj, err, sizeof(err));
	assert_non_null(back);
	assert_int_equal(back->payload.len, sizeof(payload));
	assert_memory_equal(back->payload.data, payload, sizeof(payload));
	assert_int_equal(back->timeout_ms, 5000);
	protobuf_c_message_free_unpacked(&back->base, NULL);
	json_object_put(obj);

	/* Padding is optional and the URL-safe alphabet is read too. */
	obj = json_tokener_parse("{\"payload\":\"AP9oafv-\"}");
	back = (Hoptac__V1__Request *)pbjson_to_message(
	    &hoptac__v1__request__descriptor, obj, err, sizeof(err));
	assert_non_null(back);
	assert_int_equal(back->payload.len, 6);
	assert_int_equal(back->payload.data[5], 0xFE);
	protobuf_c_message_free_unpacked(&back->base, NULL);
	json_object_put(obj);

	obj = json_tokener_parse("{\"payload\":\"aGk\"}");
	back = (Hoptac__V1__Request *)pbjson_to_message(
	    &hoptac__v1__request__descriptor, obj, err, sizeof(err));
	assert_non_null(back);
	assert_int_equal(back->payload.len, 2);
	assert_memory_equal(back->payload.data, "hi", 2);
	protobuf_c_message_free_unpacked(&back->base, NULL);
	json_object_put(obj);

	expect_error(&hoptac__v1__request__descriptor,
	    "{\"payload\":\"not base64!\"}", "payload: not valid base64");
	expect_error(&hoptac__v1__request__descriptor, "{\"payload\":\"A\"}",
	    "payload: not valid base64");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_activity_round_trip),
	    cmocka_unit_test(test_nested_repeated),
	    cmocka_unit_test(test_strict_errors),
	    cmocka_unit_test(test_lenient_forms),
	    cmocka_unit_test(test_bytes_base64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
