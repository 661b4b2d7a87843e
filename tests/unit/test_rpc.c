#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nng/nng.h>

#include "hoptac/v1/records.pb-c.h"
#include "pbstr.h"
#include "rpc.h"
#include "rpc_client.h"
#include "status.h"

#define ID_LEN 36

static int
is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void
assert_uuid_v7(const char *id)
{
	if (strlen(id) != ID_LEN)
		fail_msg("\"%s\" is not %d characters", id, ID_LEN);
	for (int i = 0; i < ID_LEN; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? id[i] != '-' : !is_lower_hex(id[i]))
			fail_msg("\"%s\": bad character at %d", id, i);
	}
	/* version 7, and the RFC 9562 variant (10xx) */
	if (id[14] != '7')
		fail_msg("\"%s\" is not version 7", id);
	if (strchr("89ab", id[19]) == NULL)
		fail_msg("\"%s\" has the wrong variant", id);
}

static int
cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, ID_LEN + 1);
}

/* Ids made in a later millisecond sort after earlier ones, so the
 * server's indexes of ids grow at one end. */
static void
test_new_id_ordered(void **state)
{
	char first[ID_LEN + 1], second[ID_LEN + 1];
	int64_t t;

	(void)state;
	rpc_new_id(first);
	t = rpc_wall_ms();
	while (rpc_wall_ms() <= t + 1)
		;
	rpc_new_id(second);
	assert_true(strcmp(first, second) < 0);
}

static void
test_new_id(void **state)
{
	enum { N = 10000 };
	char(*ids)[ID_LEN + 1] = malloc(N * sizeof(*ids));
	/* how often each value of the last nibble was seen */
	int nibble[16] = {0};
	int64_t before = rpc_wall_ms(), after;

	(void)state;
	assert_non_null(ids);
	for (int i = 0; i < N; i++) {
		char last;

		memset(ids[i], 'Z', sizeof(ids[i]));
		rpc_new_id(ids[i]);
		assert_int_equal(ids[i][ID_LEN], '\0');
		assert_uuid_v7(ids[i]);
		last = ids[i][ID_LEN - 1];
		nibble[last <= '9' ? last - '0' : last - 'a' + 10]++;
	}
	after = rpc_wall_ms();
	/* The first 48 bits are the wall time in milliseconds. */
	for (int i = 0; i < N; i += N / 10) {
		char hex[13];
		long long ms;

		memcpy(hex, ids[i], 8);
		memcpy(hex + 8, ids[i] + 9, 4);
		hex[12] = '\0';
		ms = strtoll(hex, NULL, 16);
		assert_true(ms >= before && ms <= after);
	}
	qsort(ids, N, sizeof(*ids), cmp_id);
	for (int i = 1; i < N; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			fail_msg("%s generated twice", ids[i]);
	/* A gross failure of the random source (a constant or a counter
	 * in the last byte) would leave some nibble values unseen. */
	for (int v = 0; v < 16; v++)
		assert_true(nibble[v] > N / 16 / 2);
	free(ids);
}

static void
test_now_ms(void **state)
{
	int64_t a = rpc_now_ms(), b = rpc_now_ms();

	(void)state;
	assert_true(a > 0);
	assert_true(b >= a);
}

static Hoptac__V1__MetadataEntry *
entry_new(const char *key, const char *value)
{
	Hoptac__V1__MetadataEntry *e = malloc(sizeof(*e));

	assert_non_null(e);
	hoptac__v1__metadata_entry__init(e);
	assert_int_equal(pbstr_set(&e->key, key), 0);
	assert_int_equal(pbstr_set(&e->value, value), 0);
	return e;
}

static void
add_entry(Hoptac__V1__Request *q, const char *key, const char *value)
{
	Hoptac__V1__MetadataEntry **grown =
	    realloc(q->metadata, (q->n_metadata + 1) * sizeof(*grown));

	assert_non_null(grown);
	q->metadata = grown;
	q->metadata[q->n_metadata++] = entry_new(key, value);
}

/* A valid request, built the way the client builds one. */
static Hoptac__V1__Request *
request_new(void)
{
	Hoptac__V1__Request *q = malloc(sizeof(*q));
	char id[37];

	assert_non_null(q);
	hoptac__v1__request__init(q);
	rpc_new_id(id);
	assert_int_equal(
	    pbstr_set(&q->method, "/hoptac.v1.Activities/Submit"), 0);
	assert_int_equal(pbstr_set(&q->request_id, id), 0);
	q->timeout_ms = RPC_TIMEOUT_DEFAULT_MS;
	add_entry(q, RPC_METADATA_AUTHORIZATION, "Bearer s3cr3t");
	add_entry(q, "x-office", "Sở Ngoại vụ tỉnh Kon Tum");
	return q;
}

static void
request_free(Hoptac__V1__Request *q)
{
	protobuf_c_message_free_unpacked(&q->base, NULL);
}

static void
test_pack_round_trip(void **state)
{
	Hoptac__V1__Request *q = request_new();
	Hoptac__V1__Request *back;
	static const uint8_t payload[] = {0x0a, 0x00, 0xff, 0x00};
	nng_msg *msg = NULL;

	(void)state;
	q->payload.data = malloc(sizeof(payload));
	assert_non_null(q->payload.data);
	memcpy(q->payload.data, payload, sizeof(payload));
	q->payload.len = sizeof(payload);

	assert_int_equal(rpc_pack(&q->base, &msg), 0);
	assert_non_null(msg);
	assert_int_equal(
	    nng_msg_len(msg), protobuf_c_message_get_packed_size(&q->base));
	back = hoptac__v1__request__unpack(
	    NULL, nng_msg_len(msg), nng_msg_body(msg));
	assert_non_null(back);
	assert_string_equal(back->method, q->method);
	assert_string_equal(back->request_id, q->request_id);
	assert_int_equal(back->timeout_ms, RPC_TIMEOUT_DEFAULT_MS);
	assert_int_equal(back->n_metadata, 2);
	assert_string_equal(back->metadata[1]->key, "x-office");
	assert_string_equal(
	    back->metadata[1]->value, "Sở Ngoại vụ tỉnh Kon Tum");
	assert_int_equal(back->payload.len, sizeof(payload));
	assert_memory_equal(back->payload.data, payload, sizeof(payload));
	assert_string_equal(rpc_metadata_get(back, RPC_METADATA_AUTHORIZATION),
	    "Bearer s3cr3t");
	hoptac__v1__request__free_unpacked(back, NULL);
	nng_msg_free(msg);
	request_free(q);
}

/* A response with violations, and one with nothing set, which packs to
 * zero bytes and must still make a message. */
static void
test_pack_response(void **state)
{
	Hoptac__V1__Response r = HOPTAC__V1__RESPONSE__INIT;
	Hoptac__V1__FieldViolation v = HOPTAC__V1__FIELD_VIOLATION__INIT;
	Hoptac__V1__FieldViolation *vs[] = {&v};
	Hoptac__V1__Response *back;
	nng_msg *msg = NULL;

	(void)state;
	assert_int_equal(rpc_pack(&r.base, &msg), 0);
	assert_non_null(msg);
	assert_int_equal(nng_msg_len(msg), 0);
	back = hoptac__v1__response__unpack(NULL, 0, nng_msg_body(msg));
	assert_non_null(back);
	assert_int_equal(back->status, STATUS_OK);
	hoptac__v1__response__free_unpacked(back, NULL);
	nng_msg_free(msg);

	r.request_id = "3f1c0000-0000-4000-8000-000000000000";
	r.status = STATUS_INVALID_ARGUMENT;
	r.message = "1 trường không hợp lệ";
	v.field = "activities[0].start_date";
	v.description = "ngày 30/02/2023 không tồn tại";
	r.violations = vs;
	r.n_violations = 1;
	assert_int_equal(rpc_pack(&r.base, &msg), 0);
	back = hoptac__v1__response__unpack(
	    NULL, nng_msg_len(msg), nng_msg_body(msg));
	assert_non_null(back);
	assert_int_equal(back->status, STATUS_INVALID_ARGUMENT);
	assert_string_equal(back->request_id, r.request_id);
	assert_string_equal(back->message, r.message);
	assert_int_equal(back->n_violations, 1);
	assert_string_equal(back->violations[0]->field, v.field);
	assert_string_equal(back->violations[0]->description, v.description);
	hoptac__v1__response__free_unpacked(back, NULL);
	nng_msg_free(msg);
}

static void
test_metadata_get(void **state)
{
	Hoptac__V1__Request *q = request_new();
	Hoptac__V1__Request empty = HOPTAC__V1__REQUEST__INIT;

	(void)state;
	assert_string_equal(
	    rpc_metadata_get(q, "authorization"), "Bearer s3cr3t");
	assert_string_equal(
	    rpc_metadata_get(q, "x-office"), "Sở Ngoại vụ tỉnh Kon Tum");
	/* Keys match exactly. */
	assert_null(rpc_metadata_get(q, "Authorization"));
	assert_null(rpc_metadata_get(q, "authorizatio"));
	assert_null(rpc_metadata_get(q, ""));
	/* The first of repeated keys wins. */
	add_entry(q, "authorization", "Bearer other");
	assert_string_equal(
	    rpc_metadata_get(q, "authorization"), "Bearer s3cr3t");
	/* An empty value is found, and is not NULL. */
	add_entry(q, "x-empty", "");
	assert_string_equal(rpc_metadata_get(q, "x-empty"), "");
	assert_null(rpc_metadata_get(&empty, "authorization"));
	request_free(q);
}

/* A string of n copies of c, malloc'd. */
static char *
repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
check_request(const Hoptac__V1__Request *q, const char *want)
{
	char why[128] = "(unset)";
	int rc = rpc_request_check(q, why, sizeof(why));

	if (want == NULL) {
		if (rc != 0)
			fail_msg("refused: %s", why);
		assert_string_equal(why, "(unset)");
	} else {
		if (rc != -1)
			fail_msg("accepted, want \"%s\"", want);
		assert_string_equal(why, want);
	}
}

static void
test_request_check_ok(void **state)
{
	Hoptac__V1__Request *q = request_new();
	Hoptac__V1__Request empty = HOPTAC__V1__REQUEST__INIT;

	(void)state;
	check_request(q, NULL);
	/* What protobuf-c gives for a message with nothing set. */
	check_request(&empty, NULL);
	request_free(q);
}

static void
test_request_check_request_id(void **state)
{
	Hoptac__V1__Request *q = request_new();
	char want[64];

	(void)state;
	snprintf(want, sizeof(want),
	    "request_id must be at most %d bytes of text", RPC_ID_MAX);
	pbstr_take(&q->request_id, repeat('a', RPC_ID_MAX));
	check_request(q, NULL);
	pbstr_take(&q->request_id, repeat('a', RPC_ID_MAX + 1));
	check_request(q, want);
	/* The limit is in bytes: 22 "đ" are 44 bytes, 33 are 66. */
	assert_int_equal(
	    pbstr_set(&q->request_id, "đđđđđđđđđđđđđđđđđđđđđđ"), 0);
	check_request(q, NULL);
	assert_int_equal(
	    pbstr_set(&q->request_id, "đđđđđđđđđđđđđđđđđđđđđđđđđđđđđđđđđ"), 0);
	check_request(q, want);
	assert_int_equal(pbstr_set(&q->request_id,
	                     "abc\x1b"
	                     "def"),
	    0);
	check_request(q, want);
	assert_int_equal(pbstr_set(&q->request_id, "abc\xff"), 0);
	check_request(q, want);
	request_free(q);
}

static void
test_request_check_method(void **state)
{
	Hoptac__V1__Request *q = request_new();
	const char *want = "method name is not valid text";

	(void)state;
	pbstr_take(&q->method, repeat('m', RPC_METHOD_MAX));
	check_request(q, NULL);
	pbstr_take(&q->method, repeat('m', RPC_METHOD_MAX + 1));
	check_request(q, want);
	assert_int_equal(
	    pbstr_set(&q->method, "/hoptac.v1.Units/List\n\x01"), 0);
	check_request(q, want);
	assert_int_equal(pbstr_set(&q->method, "/hoptac.v1.\xc3(/List"), 0);
	check_request(q, want);
	/* The method is checked before the request id. */
	pbstr_take(&q->request_id, repeat('a', RPC_ID_MAX + 1));
	check_request(q, want);
	request_free(q);
}

static void
test_request_check_metadata(void **state)
{
	Hoptac__V1__Request *q = request_new();
	char want[64];

	(void)state;
	while (q->n_metadata < RPC_METADATA_MAX)
		add_entry(q, "x-k", "v");
	check_request(q, NULL);
	add_entry(q, "x-k", "v");
	snprintf(want, sizeof(want), "at most %d metadata entries",
	    RPC_METADATA_MAX);
	check_request(q, want);
	request_free(q);

	q = request_new();
	add_entry(q, "x-key", "v");
	pbstr_take(&q->metadata[2]->key, repeat('k', 64));
	check_request(q, NULL);
	pbstr_take(&q->metadata[2]->key, repeat('k', 65));
	check_request(q, "metadata[2] is not valid text");
	pbstr_take(&q->metadata[2]->key, repeat('k', 64));
	pbstr_take(&q->metadata[2]->value, repeat('v', 4096));
	check_request(q, NULL);
	pbstr_take(&q->metadata[2]->value, repeat('v', 4097));
	check_request(q, "metadata[2] is not valid text");
	assert_int_equal(pbstr_set(&q->metadata[2]->value, "ok"), 0);
	assert_int_equal(pbstr_set(&q->metadata[1]->value, "Kon\x7fTum"), 0);
	check_request(q, "metadata[1] is not valid text");
	assert_int_equal(pbstr_set(&q->metadata[1]->value, "Kon Tum"), 0);
	assert_int_equal(pbstr_set(&q->metadata[0]->key, "auth\xe0\x80"), 0);
	check_request(q, "metadata[0] is not valid text");
	request_free(q);
}

static void
test_status_names(void **state)
{
	static const char *const want[] = {"OK", "CANCELLED", "UNKNOWN",
	    "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
	    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
	    "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
	    "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};

	(void)state;
	assert_int_equal(sizeof(want) / sizeof(want[0]), STATUS_COUNT);
	for (int i = 0; i < STATUS_COUNT; i++)
		assert_string_equal(status_name(i), want[i]);
	/* A few by their enum names, against a shifted table. */
	assert_string_equal(status_name(STATUS_NOT_FOUND), "NOT_FOUND");
	assert_string_equal(status_name(STATUS_ABORTED), "ABORTED");
	assert_string_equal(
	    status_name(STATUS_UNAUTHENTICATED), "UNAUTHENTICATED");
	assert_string_equal(status_name(-1), "UNKNOWN");
	assert_string_equal(status_name(STATUS_COUNT), "UNKNOWN");
	assert_string_equal(status_name(INT_MAX), "UNKNOWN");
	assert_string_equal(status_name(INT_MIN), "UNKNOWN");
}

static void
test_pbstr_set(void **state)
{
	char *s = (char *)protobuf_c_empty_string;
	char value[] = "Đắk Glei";

	(void)state;
	assert_int_equal(pbstr_set(&s, value), 0);
	assert_string_equal(s, "Đắk Glei");
	/* a copy, not the caller's buffer */
	assert_ptr_not_equal(s, value);
	value[0] = 'X';
	assert_string_equal(s, "Đắk Glei");
	/* Replacing frees the old copy (ASan would see a leak). */
	assert_int_equal(pbstr_set(&s, "Sê Kông"), 0);
	assert_string_equal(s, "Sê Kông");
	assert_int_equal(pbstr_set(&s, ""), 0);
	assert_ptr_equal(s, protobuf_c_empty_string);
	assert_int_equal(pbstr_set(&s, "x"), 0);
	assert_int_equal(pbstr_set(&s, NULL), 0);
	assert_ptr_equal(s, protobuf_c_empty_string);
	/* Setting the empty string over itself frees nothing. */
	assert_int_equal(pbstr_set(&s, NULL), 0);
	assert_ptr_equal(s, protobuf_c_empty_string);

	/* A NULL field (a zeroed struct) is also a valid start. */
	s = NULL;
	assert_int_equal(pbstr_set(&s, "a"), 0);
	assert_string_equal(s, "a");
	assert_int_equal(pbstr_set(&s, NULL), 0);
	assert_ptr_equal(s, protobuf_c_empty_string);
}

static void
test_pbstr_take(void **state)
{
	char *s = (char *)protobuf_c_empty_string;
	char *owned = strdup("Attapeu");

	(void)state;
	assert_non_null(owned);
	pbstr_take(&s, owned);
	assert_ptr_equal(s, owned);
	/* Taking a new value frees the old. */
	owned = strdup("Salavan");
	assert_non_null(owned);
	pbstr_take(&s, owned);
	assert_ptr_equal(s, owned);
	/* An empty malloc'd string is freed and replaced by the shared
	 * empty string. */
	owned = strdup("");
	assert_non_null(owned);
	pbstr_take(&s, owned);
	assert_ptr_equal(s, protobuf_c_empty_string);
	pbstr_take(&s, NULL);
	assert_ptr_equal(s, protobuf_c_empty_string);
}

static void
test_pbstr_list(void **state)
{
	size_t n = 0;
	char **items = NULL;

	(void)state;
	assert_int_equal(pbstr_append(&n, &items, "an ninh"), 0);
	assert_int_equal(pbstr_append(&n, &items, ""), 0);
	assert_int_equal(pbstr_append(&n, &items, NULL), 0);
	assert_int_equal(pbstr_append(&n, &items, "giáo dục"), 0);
	assert_int_equal(n, 4);
	assert_string_equal(items[0], "an ninh");
	assert_string_equal(items[3], "giáo dục");
	/* Empty items are heap strings of their own: protobuf-c frees every
	 * item of a repeated string field. */
	assert_string_equal(items[1], "");
	assert_string_equal(items[2], "");
	assert_ptr_not_equal(items[1], protobuf_c_empty_string);
	assert_ptr_not_equal(items[2], protobuf_c_empty_string);
	assert_ptr_not_equal(items[1], items[2]);
	pbstr_clear_all(&n, &items);
	assert_int_equal(n, 0);
	assert_null(items);
	/* Clearing an empty list is harmless, and the list is reusable. */
	pbstr_clear_all(&n, &items);
	assert_int_equal(pbstr_append(&n, &items, "y tế"), 0);
	assert_int_equal(n, 1);
	pbstr_clear_all(&n, &items);
}

/* A message built with pbstr is freed by protobuf-c, as if unpacked;
 * a leak or a bad free shows under the address sanitizer. */
static void
test_pbstr_free_unpacked(void **state)
{
	Hoptac__V1__Activity *a = malloc(sizeof(*a));
	Hoptac__V1__Activity *back;
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_non_null(a);
	hoptac__v1__activity__init(a);
	assert_int_equal(pbstr_set(&a->id, "kt-2023-001"), 0);
	assert_int_equal(pbstr_set(&a->unit_code, "KT-DAKGLEI"), 0);
	assert_int_equal(
	    pbstr_append(&a->n_partner_codes, &a->partner_codes, "LA-XE"), 0);
	assert_int_equal(
	    pbstr_append(&a->n_fields, &a->fields, "biên giới"), 0);
	assert_int_equal(pbstr_append(&a->n_fields, &a->fields, ""), 0);
	assert_int_equal(pbstr_set(&a->start_date, "2023-04"), 0);
	assert_int_equal(pbstr_set(&a->title, "Hội đàm"), 0);
	/* set then cleared: back to the shared empty string */
	assert_int_equal(pbstr_set(&a->summary, "tạm"), 0);
	assert_int_equal(pbstr_set(&a->summary, ""), 0);
	pbstr_take(&a->leader, strdup("Chủ tịch UBND huyện"));
	/* a list filled, cleared and left empty */
	assert_int_equal(
	    pbstr_append(&a->n_document_refs, &a->document_refs, "1/QĐ"), 0);
	pbstr_clear_all(&a->n_document_refs, &a->document_refs);

	len = hoptac__v1__activity__get_packed_size(a);
	buf = malloc(len);
	assert_non_null(buf);
	hoptac__v1__activity__pack(a, buf);
	back = hoptac__v1__activity__unpack(NULL, len, buf);
	assert_non_null(back);
	assert_string_equal(back->id, "kt-2023-001");
	assert_string_equal(back->leader, "Chủ tịch UBND huyện");
	assert_string_equal(back->summary, "");
	assert_int_equal(back->n_fields, 2);
	assert_string_equal(back->fields[1], "");
	assert_int_equal(back->n_document_refs, 0);

	/* And the other way: pbstr on an unpacked message. */
	assert_int_equal(pbstr_set(&back->title, "Hội đàm cấp tỉnh"), 0);
	assert_int_equal(pbstr_set(&back->place, ""), 0);
	assert_int_equal(
	    pbstr_append(&back->n_fields, &back->fields, "y tế"), 0);
	pbstr_clear_all(&back->n_partner_codes, &back->partner_codes);
	hoptac__v1__activity__free_unpacked(back, NULL);
	free(buf);
	protobuf_c_message_free_unpacked(&a->base, NULL);
}

/* Only literal loopback addresses and localhost are loopback: a name
 * that merely starts like one may resolve anywhere, and a credential
 * must not go there in clear. */
/* A child after fork draws its own random bytes: the id it makes is
 * not the one its parent makes next from the same pool. */
static void
test_new_id_after_fork(void **state)
{
	char parent[ID_LEN + 1], child[ID_LEN + 1] = "";
	int fds[2], status = 0;
	pid_t pid;

	(void)state;
	rpc_new_id(parent); /* the pool drawn in the parent */
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char id[ID_LEN + 1];

		rpc_new_id(id);
		_exit(write(fds[1], id, ID_LEN) == ID_LEN ? 0 : 1);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], child, ID_LEN), ID_LEN);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	rpc_new_id(parent);
	/* Past the time (the first 13 characters, with the dash and
	 * version), the random part. */
	assert_memory_not_equal(parent + 14, child + 14, ID_LEN - 14);
}

static void
test_url_loopback(void **state)
{
	static const char *const yes[] = {"tcp://127.0.0.1:7420",
	    "tcp://127.1.2.3:1", "tcp://localhost:7420", "tcp://LocalHost:1",
	    "tcp://[::1]:7420", "tcp://[::ffff:127.0.0.1]:7420"};
	static const char *const no[] = {"tcp://127.evil.test:7420",
	    "tcp://127.0.0.1.evil.test:7420", "tcp://127.1:7420",
	    "tcp://localhost.evil.test:7420", "tcp://128.0.0.1:7420",
	    "tcp://192.0.2.10:7420", "tcp://[::2]:7420",
	    "tcp://[::ffff:10.0.0.1]:7420", "tcp://:7420", "nonsense"};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!rpc_client_url_loopback(yes[i]))
			fail_msg("%s is loopback", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (rpc_client_url_loopback(no[i]))
			fail_msg("%s is not loopback", no[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_id),
	    cmocka_unit_test(test_new_id_after_fork),
	    cmocka_unit_test(test_url_loopback),
	    cmocka_unit_test(test_new_id_ordered),
	    cmocka_unit_test(test_now_ms),
	    cmocka_unit_test(test_pack_round_trip),
	    cmocka_unit_test(test_pack_response),
	    cmocka_unit_test(test_metadata_get),
	    cmocka_unit_test(test_request_check_ok),
	    cmocka_unit_test(test_request_check_request_id),
	    cmocka_unit_test(test_request_check_method),
	    cmocka_unit_test(test_request_check_metadata),
	    cmocka_unit_test(test_status_names),
	    cmocka_unit_test(test_pbstr_set),
	    cmocka_unit_test(test_pbstr_take),
	    cmocka_unit_test(test_pbstr_list),
	    cmocka_unit_test(test_pbstr_free_unpacked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
