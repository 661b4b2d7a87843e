/*
 * pbcheck_message on input that is not a well-formed message: unknown
 * fields, truncated and malformed bytes, random bytes, and nesting deeper
 * than the walker goes. It must neither crash nor read past the bytes.
 * And pbcheck_split_last, which splits an envelope's payload off only
 * where protobuf-c would read the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoptac/v1/rpc.pb-c.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbcheck.h"
#include "pbcheck_fixture.h"

/* Fields the descriptor does not know are skipped, as protobuf-c keeps
 * them as opaque unknown fields. */
static void
test_unknown_fields_skipped(void **state)
{
	/* field 99 (string-sized, wire type 2) holding "\0\xff", then a
	 * valid activity with id "x" */
	static const uint8_t data[] = {
	    0x9a, 0x06, 0x02, 0x00, 0xff, 0x0a, 0x03, 0x0a, 0x01, 'x'};
	char where[128], why[128];

	(void)state;
	assert_int_equal(
	    pbcheck_message(&hoptac__v1__submit_activities_request__descriptor,
	        data, sizeof(data), where, sizeof(where), why, sizeof(why)),
	    0);
}

/* Every prefix of a valid message and a set of malformed inputs: the
 * walker must neither crash nor reject, so that protobuf-c gives its own
 * answer. */
static void
test_truncated(void **state)
{
	Hoptac__V1__SubmitActivitiesRequest *r = submit_new(3);
	struct packed p = pack(&r->base);
	char where[128], why[128];

	(void)state;
	for (size_t n = 0; n < p.len; n++) {
		/* A copy of exactly n bytes, so ASan sees any overread. */
		uint8_t *cut = malloc(n ? n : 1);
		ProtobufCMessage *m;

		assert_non_null(cut);
		memcpy(cut, p.data, n);
		if (pbcheck_message(
		        &hoptac__v1__submit_activities_request__descriptor, cut,
		        n, where, sizeof(where), why, sizeof(why)) != 0)
			fail_msg("prefix of %zu bytes rejected: %s %s", n,
			    where, why);
		m = protobuf_c_message_unpack(
		    &hoptac__v1__submit_activities_request__descriptor, NULL, n,
		    cut);
		if (m != NULL)
			protobuf_c_message_free_unpacked(m, NULL);
		free(cut);
	}
	free(p.data);
	submit_free(r);
}

static void
expect_malformed(const uint8_t *bytes, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	char where[128], why[128];

	assert_non_null(copy);
	memcpy(copy, bytes, len);
	assert_int_equal(
	    pbcheck_message(&hoptac__v1__submit_activities_request__descriptor,
	        copy, len, where, sizeof(where), why, sizeof(why)),
	    0);
	assert_null(protobuf_c_message_unpack(
	    &hoptac__v1__submit_activities_request__descriptor, NULL, len,
	    copy));
	free(copy);
}

static void
test_malformed(void **state)
{
	/* a length far beyond the data */
	static const uint8_t too_long[] = {
	    0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a};
	/* a length of 2^64 - 1 must not wrap around */
	static const uint8_t huge[] = {0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0x01, 0x0a};
	/* a varint of 11 bytes */
	static const uint8_t long_varint[] = {0x08, 0x80, 0x80, 0x80, 0x80,
	    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
	/* a start-group and an end-group tag */
	static const uint8_t group[] = {0x0b, 0x0c};
	/* a fixed64 cut short, and a fixed32 */
	static const uint8_t fixed64[] = {0x09, 0x01, 0x02, 0x03};
	static const uint8_t fixed32[] = {0x0d, 0x01, 0x02};
	/* wire type 7 does not exist */
	static const uint8_t bad_type[] = {0x0f, 0x00};
	/* an activity whose inner length overruns the activity */
	static const uint8_t inner[] = {0x0a, 0x04, 0x4a, 0x10, 'a', 'b'};

	(void)state;
	expect_malformed(too_long, sizeof(too_long));
	expect_malformed(huge, sizeof(huge));
	expect_malformed(long_varint, sizeof(long_varint));
	expect_malformed(group, sizeof(group));
	expect_malformed(fixed64, sizeof(fixed64));
	expect_malformed(fixed32, sizeof(fixed32));
	expect_malformed(bad_type, sizeof(bad_type));
	expect_malformed(inner, sizeof(inner));
}

/* Random bytes: any answer is fine but a crash or an overread; a
 * rejection must say where and why. */
static void
test_garbage(void **state)
{
	uint32_t seed = 0x9e3779b9u;
	char where[128], why[128];

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t len;
		uint8_t *buf;

		seed = seed * 1664525u + 1013904223u;
		len = (seed >> 24) % 64;
		buf = malloc(len ? len : 1);
		assert_non_null(buf);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1664525u + 1013904223u;
			buf[i] = (uint8_t)(seed >> 24);
		}
		/* Start most rounds with an activity tag so the walker gets
		 * past the first field more often. */
		if (len > 0 && round % 2 == 0)
			buf[0] = 0x0a;
		where[0] = why[0] = '\0';
		if (pbcheck_message(
		        &hoptac__v1__submit_activities_request__descriptor, buf,
		        len, where, sizeof(where), why, sizeof(why)) != 0) {
			assert_true(where[0] != '\0');
			assert_true(why[0] != '\0');
		}
		free(buf);
	}
}

/*
 * None of our messages nests more than three deep (the protocol keeps
 * them non-recursive), so the depth limit is tested with a recursive
 * message described here by hand: message Nest { Nest child = 1;
 * string note = 2; }.
 */
struct nest {
	ProtobufCMessage base;
	struct nest *child;
	char *note;
};

static const ProtobufCMessageDescriptor nest_descriptor;

static const ProtobufCFieldDescriptor nest_fields[] = {
    {
        .name = "child",
        .id = 1,
        .label = PROTOBUF_C_LABEL_NONE,
        .type = PROTOBUF_C_TYPE_MESSAGE,
        .offset = offsetof(struct nest, child),
        .descriptor = &nest_descriptor,
    },
    {
        .name = "note",
        .id = 2,
        .label = PROTOBUF_C_LABEL_NONE,
        .type = PROTOBUF_C_TYPE_STRING,
        .offset = offsetof(struct nest, note),
        .default_value = &protobuf_c_empty_string,
    },
};
static const unsigned nest_by_name[] = {0, 1};
static const ProtobufCIntRange nest_ranges[] = {{1, 0}, {0, 2}};

static const ProtobufCMessageDescriptor nest_descriptor = {
    .magic = PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
    .name = "test.Nest",
    .short_name = "Nest",
    .c_name = "Nest",
    .package_name = "test",
    .sizeof_message = sizeof(struct nest),
    .n_fields = 2,
    .fields = nest_fields,
    .fields_sorted_by_name = nest_by_name,
    .n_field_ranges = 1,
    .field_ranges = nest_ranges,
};

/* Bytes of depth nested Nest messages whose innermost holds note. */
static struct packed
nest_bytes(int depth, const char *note)
{
	size_t cap = strlen(note) + 2 + (size_t)depth * 6;
	uint8_t *buf = malloc(cap);
	size_t start = cap, len;

	assert_non_null(buf);
	/* Built back to front: each level prefixes a tag and a length. */
	len = strlen(note);
	start -= len;
	memcpy(buf + start, note, len);
	buf[--start] = (uint8_t)len;
	buf[--start] = 0x12;
	for (int i = 0; i < depth; i++) {
		uint8_t v[5];
		size_t n = 0, body = cap - start;

		do {
			v[n++] =
			    (uint8_t)((body & 0x7f) | (body > 0x7f ? 0x80 : 0));
			body >>= 7;
		} while (body != 0);
		start -= n;
		memcpy(buf + start, v, n);
		buf[--start] = 0x0a;
	}
	memmove(buf, buf + start, cap - start);
	return (struct packed) {buf, cap - start};
}

/* Appends s to want, a string in len bytes. */
static void
want_add(char *want, size_t len, const char *s)
{
	size_t at = strlen(want);

	snprintf(want + at, len - at, "%s", s);
}

static void
test_depth_limit(void **state)
{
	char where[512], why[128], want[512] = "";
	struct packed p;
	struct nest *m;

	(void)state;
	/* At the limit: walked all the way, so the bad note is found. */
	p = nest_bytes(PBCHECK_MAX_DEPTH, "a\x01");
	assert_int_equal(pbcheck_message(&nest_descriptor, p.data, p.len, where,
	                     sizeof(where), why, sizeof(why)),
	    -1);
	for (int i = 0; i < PBCHECK_MAX_DEPTH; i++)
		want_add(want, sizeof(want), "child.");
	want_add(want, sizeof(want), "note");
	assert_string_equal(where, want);
	assert_string_equal(why, "contains a control character");
	free(p.data);

	p = nest_bytes(PBCHECK_MAX_DEPTH, "ok");
	assert_int_equal(pbcheck_message(&nest_descriptor, p.data, p.len, where,
	                     sizeof(where), why, sizeof(why)),
	    0);
	free(p.data);

	/* One deeper is refused, naming the message that is too deep. */
	p = nest_bytes(PBCHECK_MAX_DEPTH + 1, "ok");
	assert_int_equal(pbcheck_message(&nest_descriptor, p.data, p.len, where,
	                     sizeof(where), why, sizeof(why)),
	    -1);
	want[0] = '\0';
	for (int i = 0; i < PBCHECK_MAX_DEPTH + 1; i++)
		want_add(want, sizeof(want), i ? ".child" : "child");
	assert_string_equal(where, want);
	assert_string_equal(why, "messages nested too deeply");
	/* protobuf-c itself takes it: the limit is ours to enforce. */
	m = (struct nest *)protobuf_c_message_unpack(
	    &nest_descriptor, NULL, p.len, p.data);
	assert_non_null(m);
	protobuf_c_message_free_unpacked(&m->base, NULL);
	free(p.data);
}

/* Far deeper than the stack would allow a naive walker. */
static void
test_depth_bomb(void **state)
{
	char where[256], why[128];
	struct packed p = nest_bytes(100000, "x");

	(void)state;
	assert_int_equal(pbcheck_message(&nest_descriptor, p.data, p.len, where,
	                     sizeof(where), why, sizeof(why)),
	    -1);
	assert_string_equal(why, "messages nested too deeply");
	assert_true(strncmp(where, "child.child.child", 17) == 0);
	free(p.data);
}

/* pbcheck_split_last on envelopes: a payload written last, once, is
 * split off; anything else is left to a whole unpack. */
static void
expect_split(const uint8_t *data, size_t len, int want, size_t want_head,
    size_t want_at, size_t want_len)
{
	uint8_t *copy = malloc(len ? len : 1);
	const uint8_t *value = NULL;
	size_t head = 0, vlen = 0;

	assert_non_null(copy);
	memcpy(copy, data, len);
	assert_int_equal(
	    pbcheck_split_last(copy, len, 5, &head, &value, &vlen), want);
	if (want == 0) {
		Hoptac__V1__Request *whole, *part;

		assert_int_equal(head, want_head);
		assert_ptr_equal(value, copy + want_at);
		assert_int_equal(vlen, want_len);
		/* The head unpacks as the whole does, but for the payload. */
		whole = hoptac__v1__request__unpack(NULL, len, copy);
		part = hoptac__v1__request__unpack(NULL, head, copy);
		assert_non_null(whole);
		assert_non_null(part);
		assert_string_equal(whole->method, part->method);
		assert_int_equal(whole->payload.len, vlen);
		assert_memory_equal(whole->payload.data, value, vlen);
		assert_int_equal(part->payload.len, 0);
		hoptac__v1__request__free_unpacked(whole, NULL);
		hoptac__v1__request__free_unpacked(part, NULL);
	}
	free(copy);
}

static void
test_split_last(void **state)
{
	/* method "m", payload "\x0a\x00" */
	static const uint8_t last[] = {0x0a, 0x01, 'm', 0x2a, 0x02, 0x0a, 0x00};
	/* an empty payload */
	static const uint8_t empty[] = {0x0a, 0x01, 'm', 0x2a, 0x00};
	/* payload, then method */
	static const uint8_t middle[] = {0x2a, 0x01, 0x00, 0x0a, 0x01, 'm'};
	/* payload twice: protobuf-c keeps the last */
	static const uint8_t twice[] = {0x2a, 0x01, 0x01, 0x2a, 0x01, 0x02};
	/* no payload */
	static const uint8_t none[] = {0x0a, 0x01, 'm', 0x18, 0x05};
	/* field 5 as a varint: protobuf-c refuses the whole */
	static const uint8_t varint[] = {0x0a, 0x01, 'm', 0x28, 0x05};
	/* a payload's length in 6 bytes, which protobuf-c refuses */
	static const uint8_t long_len[] = {
	    0x2a, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00};
	/* the payload's length in 2 bytes, which it takes */
	static const uint8_t two_byte_len[] = {0x2a, 0x81, 0x00, 0x07};
	/* cut short */
	static const uint8_t cut[] = {0x0a, 0x01, 'm', 0x2a, 0x05, 0x00};
	/* an unknown field before the payload */
	static const uint8_t unknown[] = {
	    0x9a, 0x06, 0x01, 0xff, 0x2a, 0x01, 0x07};

	(void)state;
	expect_split(last, sizeof(last), 0, 3, 5, 2);
	expect_split(empty, sizeof(empty), 0, 3, 5, 0);
	expect_split(two_byte_len, sizeof(two_byte_len), 0, 0, 3, 1);
	expect_split(unknown, sizeof(unknown), 0, 4, 6, 1);
	expect_split(middle, sizeof(middle), -1, 0, 0, 0);
	expect_split(twice, sizeof(twice), -1, 0, 0, 0);
	expect_split(none, sizeof(none), -1, 0, 0, 0);
	expect_split(varint, sizeof(varint), -1, 0, 0, 0);
	expect_split(long_len, sizeof(long_len), -1, 0, 0, 0);
	expect_split(cut, sizeof(cut), -1, 0, 0, 0);
	expect_split((const uint8_t *)"", 0, -1, 0, 0, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unknown_fields_skipped),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_depth_bomb),
	    cmocka_unit_test(test_split_last),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
