/*
 * pbcheck_message counting elements on the wire: a repeated field at its
 * bound is accepted and one element over it refused, naming the field
 * and the bound; so for a field that is not repeated and for unknown
 * fields, for repeated fields inside repeated messages, for packed
 * values, for the envelope's metadata (RPC_METADATA_MAX) and for the
 * whole message (PBCHECK_TOTAL_MAX). The messages are written byte by
 * byte, as an attacker would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hoptac/v1/rpc.pb-c.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbcheck.h"
#include "pbcheck_fixture.h"
#include "rpc.h"
#include "validate.h"

/* Bytes being written, grown as needed. */
struct wire {
	uint8_t *data;
	size_t len, cap;
};

static void
put(struct wire *w, const void *p, size_t n)
{
	if (w->len + n > w->cap) {
		w->cap = (w->len + n) * 2 + 64;
		w->data = realloc(w->data, w->cap);
		assert_non_null(w->data);
	}
	memcpy(w->data + w->len, p, n);
	w->len += n;
}

static void
put_varint(struct wire *w, uint64_t v)
{
	uint8_t b[10];
	size_t n = 0;

	do {
		b[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v != 0);
	put(w, b, n);
}

/* A length-delimited field: tag, length, bytes. */
static void
put_field(struct wire *w, uint32_t id, const void *p, size_t n)
{
	put_varint(w, (uint64_t)id << 3 | 2);
	put_varint(w, n);
	put(w, p, n);
}

/* count empty length-delimited elements of field id: "0a 00" ... */
static void
put_empties(struct wire *w, uint32_t id, size_t count)
{
	for (size_t i = 0; i < count; i++)
		put_field(w, id, "", 0);
}

static void
wire_free(struct wire *w)
{
	free(w->data);
	memset(w, 0, sizeof(*w));
}

static int
check(const ProtobufCMessageDescriptor *d, const struct wire *w,
    char where[160], char why[96])
{
	snprintf(where, 160, "(unset)");
	snprintf(why, 96, "(unset)");
	return pbcheck_message(d, w->data, w->len, where, 160, why, 96);
}

/* protobuf-c takes what the walk accepted. */
static void
unpacks(const ProtobufCMessageDescriptor *d, const struct wire *w)
{
	ProtobufCMessage *m =
	    protobuf_c_message_unpack(d, NULL, w->len, w->data);

	assert_non_null(m);
	protobuf_c_message_free_unpacked(m, NULL);
}

#define SUBMIT  (&hoptac__v1__submit_activities_request__descriptor)
#define REQUEST (&hoptac__v1__request__descriptor)

static void
test_bounds(void **state)
{
	(void)state;
	/* pbcheck.c names the envelope's metadata by its number. */
	assert_string_equal(
	    protobuf_c_message_descriptor_get_field(REQUEST, 4)->name,
	    "metadata");
	assert_int_equal(pbcheck_field_bound(REQUEST, 4), RPC_METADATA_MAX);
	assert_int_equal(pbcheck_field_bound(REQUEST, 1), PBCHECK_FIELD_MAX);
	assert_int_equal(pbcheck_field_bound(SUBMIT, 1), PBCHECK_FIELD_MAX);
	/* The general bound holds the largest legitimate lists. */
	assert_true(PBCHECK_FIELD_MAX >= VALIDATE_UNITS_MAX);
	assert_true(PBCHECK_FIELD_MAX >= VALIDATE_LIST_MAX);
	assert_true(PBCHECK_FIELD_MAX >= VALIDATE_RESULTS_MAX);
}

/* Activities/Submit of empty activities: 1,000 pass, 1,001 do not. */
static void
test_repeated_at_bound(void **state)
{
	struct wire w = {0};
	char where[160], why[96];

	(void)state;
	put_empties(&w, 1, PBCHECK_FIELD_MAX);
	assert_int_equal(check(SUBMIT, &w, where, why), 0);
	unpacks(SUBMIT, &w);
	put_empties(&w, 1, 1);
	assert_int_equal(check(SUBMIT, &w, where, why), -1);
	assert_string_equal(where, "activities");
	assert_string_equal(why, "has more than 1000 elements");
	wire_free(&w);
}

/* The attack as it was sent: 4 MiB of empty activities. Refused at
 * once, after 1,001 of them. */
static void
test_submit_bomb(void **state)
{
	struct wire w = {0};
	char where[160], why[96];
	struct timespec t0, t1;
	double ms;

	(void)state;
	put_empties(&w, 1, 2097000);
	assert_true(w.len <= RPC_MAX_MESSAGE);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(check(SUBMIT, &w, where, why), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	print_message("refused in %.3f ms\n", ms);
	assert_string_equal(where, "activities");
	assert_string_equal(why, "has more than 1000 elements");
	wire_free(&w);
}

/* A repeated field inside each element of a repeated field is counted
 * per element: activities[1].partner_codes at 1,000, then one more. */
static void
test_nested_repeated(void **state)
{
	struct wire w = {0}, a = {0};
	char where[160], why[96];

	(void)state;
	put_field(&a, 1, "kt-1", 4);
	put_empties(&a, 3, PBCHECK_FIELD_MAX);
	put_field(&w, 1, a.data, a.len);
	put_field(&w, 1, a.data, a.len);
	put_field(&w, 1, a.data, a.len);
	assert_int_equal(check(SUBMIT, &w, where, why), 0);
	unpacks(SUBMIT, &w);

	wire_free(&w);
	put_field(&w, 1, a.data, a.len);
	put_empties(&a, 3, 1);
	put_field(&w, 1, a.data, a.len);
	assert_int_equal(check(SUBMIT, &w, where, why), -1);
	assert_string_equal(where, "activities[1].partner_codes");
	assert_string_equal(why, "has more than 1000 elements");
	wire_free(&w);
	wire_free(&a);
}

/* The envelope's metadata: RPC_METADATA_MAX entries pass, one more is
 * refused, on the wire, before unpacking. */
static void
test_metadata_bound(void **state)
{
	struct wire w = {0};
	char where[160], why[96], want[96];

	(void)state;
	put_field(&w, 1, "/hoptac.v1.Health/Check", 23);
	put_empties(&w, 4, RPC_METADATA_MAX);
	assert_int_equal(check(REQUEST, &w, where, why), 0);
	unpacks(REQUEST, &w);
	put_empties(&w, 4, 1);
	assert_int_equal(check(REQUEST, &w, where, why), -1);
	assert_string_equal(where, "metadata");
	snprintf(
	    want, sizeof(want), "has more than %d elements", RPC_METADATA_MAX);
	assert_string_equal(why, want);
	wire_free(&w);

	/* The attack as it was sent: 4 MiB of empty entries, no credential
	 * needed. */
	put_empties(&w, 4, 2097000);
	assert_int_equal(check(REQUEST, &w, where, why), -1);
	assert_string_equal(where, "metadata");
	wire_free(&w);
}

/* A field that is not repeated: protobuf-c keeps the last, but scans and
 * allocates for each. */
static void
test_singular_repeated(void **state)
{
	struct wire w = {0}, a = {0};
	char where[160], why[96];

	(void)state;
	put_empties(&a, 9 /* title */, PBCHECK_FIELD_MAX);
	put_field(&w, 1, a.data, a.len);
	assert_int_equal(check(SUBMIT, &w, where, why), 0);
	unpacks(SUBMIT, &w);
	wire_free(&w);
	put_empties(&a, 9, 1);
	put_field(&w, 1, a.data, a.len);
	assert_int_equal(check(SUBMIT, &w, where, why), -1);
	assert_string_equal(where, "activities[0].title");
	assert_string_equal(why, "appears more than 1000 times");
	wire_free(&w);
	wire_free(&a);

	/* A varint field of the envelope: timeout_ms. */
	for (int i = 0; i <= PBCHECK_FIELD_MAX; i++) {
		put_varint(&w, 3 << 3 | 0);
		put_varint(&w, 5000);
	}
	assert_int_equal(check(REQUEST, &w, where, why), -1);
	assert_string_equal(where, "timeout_ms");
	assert_string_equal(why, "appears more than 1000 times");
	wire_free(&w);
}

/* Fields the descriptor does not know count together: protobuf-c keeps
 * a copy of each. */
static void
test_unknown_fields(void **state)
{
	struct wire w = {0};
	char where[160], why[96];

	(void)state;
	for (int i = 0; i < PBCHECK_FIELD_MAX; i++)
		if (i % 2)
			put_field(&w, 99, "", 0);
		else {
			put_varint(&w, 98 << 3 | 0);
			put_varint(&w, 1);
		}
	assert_int_equal(check(SUBMIT, &w, where, why), 0);
	unpacks(SUBMIT, &w);
	put_varint(&w, 97 << 3 | 5);
	put(&w, "\0\0\0\0", 4);
	assert_int_equal(check(SUBMIT, &w, where, why), -1);
	assert_string_equal(where, "(unknown fields)");
	assert_string_equal(why, "appear more than 1000 times");
	wire_free(&w);
}

/* Packed values count one each, unpacked ones too, and together. */
static void
test_packed(void **state)
{
	const ProtobufCMessageDescriptor *d =
	    &hoptac__v1__summary_request__descriptor;
	struct wire w = {0}, vals = {0};
	char where[160], why[96];

	(void)state;
	/* group_by (6): 998 packed values, two of them two bytes long */
	for (int i = 0; i < 996; i++)
		put_varint(&vals, 1 + i % 7);
	put_varint(&vals, 300);
	put_varint(&vals, 1000);
	put_field(&w, 6, vals.data, vals.len);
	/* then two unpacked */
	put_varint(&w, 6 << 3 | 0);
	put_varint(&w, 2);
	put_varint(&w, 6 << 3 | 0);
	put_varint(&w, 3);
	assert_int_equal(check(d, &w, where, why), 0);
	unpacks(d, &w);
	put_field(&w, 6, "\x01", 1);
	assert_int_equal(check(d, &w, where, why), -1);
	assert_string_equal(where, "group_by");
	assert_string_equal(why, "has more than 1000 elements");
	wire_free(&w);

	/* One packed run of 4 MiB of values. */
	wire_free(&vals);
	for (int i = 0; i < 4000000; i++)
		put(&vals, "\x01", 1);
	put_field(&w, 6, vals.data, vals.len);
	assert_int_equal(check(d, &w, where, why), -1);
	assert_string_equal(where, "group_by");
	wire_free(&w);
	wire_free(&vals);
}

/* Bounded per field, 1,000 activities of 1,000 empty partner codes each
 * would fit in 4 MiB; the total bound stops them. */
static void
test_total_bound(void **state)
{
	struct wire w = {0}, a = {0};
	char where[160], why[96], want[96];
	/* Each activity is 1 element, and holds per - 1 partner codes. */
	const size_t per = PBCHECK_TOTAL_MAX / PBCHECK_FIELD_MAX;

	(void)state;
	put_empties(&a, 3, per - 1);
	for (int i = 0; i < PBCHECK_FIELD_MAX; i++)
		put_field(&w, 1, a.data, a.len);
	/* exactly PBCHECK_TOTAL_MAX */
	assert_int_equal(check(SUBMIT, &w, where, why), 0);
	unpacks(SUBMIT, &w);
	wire_free(&w);
	put_empties(&a, 3, 1);
	for (int i = 0; i < PBCHECK_FIELD_MAX; i++)
		put_field(&w, 1, a.data, a.len);
	assert_int_equal(check(SUBMIT, &w, where, why), -1);
	/* Activity k ends at (k + 1) * (per + 1) elements. */
	{
		size_t k = PBCHECK_TOTAL_MAX / (per + 1);
		size_t at = PBCHECK_TOTAL_MAX - k * (per + 1) - 1;
		char want_where[160];

		snprintf(want_where, sizeof(want_where),
		    "activities[%zu].partner_codes[%zu]", k, at);
		assert_string_equal(where, want_where);
	}
	snprintf(want, sizeof(want),
	    "takes the message over %zu elements in all", PBCHECK_TOTAL_MAX);
	assert_string_equal(why, want);
	wire_free(&w);
	wire_free(&a);
}

/* The largest legitimate Submit: 1,000 activities with every field set
 * and each list full (VALIDATE_LIST_MAX). */
static void
test_largest_submit(void **state)
{
	Hoptac__V1__SubmitActivitiesRequest *r = submit_new(1000);
	struct packed p;
	char where[160], why[96];

	(void)state;
	for (size_t i = 0; i < r->n_activities; i++) {
		Hoptac__V1__Activity *a = r->activities[i];

		while (a->n_partner_codes < VALIDATE_LIST_MAX)
			assert_int_equal(pbstr_append(&a->n_partner_codes,
			                     &a->partner_codes, "LA-XE"),
			    0);
		while (a->n_fields < VALIDATE_LIST_MAX)
			assert_int_equal(
			    pbstr_append(&a->n_fields, &a->fields, "y tế"), 0);
		while (a->n_document_refs < VALIDATE_LIST_MAX)
			assert_int_equal(pbstr_append(&a->n_document_refs,
			                     &a->document_refs, "1/UBND"),
			    0);
		assert_int_equal(pbstr_set(&a->end_date, "2023-04-12"), 0);
		assert_int_equal(pbstr_set(&a->result, "kết quả"), 0);
		assert_int_equal(pbstr_set(&a->withdraw_reason, "lý do"), 0);
		a->version = 1;
		a->state = HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_ACTIVE;
		a->created_at_ms = 1;
		a->updated_at_ms = 1;
	}
	p = pack(&r->base);
	assert_int_equal(pbcheck_message(SUBMIT, p.data, p.len, where,
	                     sizeof(where), why, sizeof(why)),
	    0);
	free(p.data);
	submit_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_repeated_at_bound),
	    cmocka_unit_test(test_submit_bomb),
	    cmocka_unit_test(test_nested_repeated),
	    cmocka_unit_test(test_metadata_bound),
	    cmocka_unit_test(test_singular_repeated),
	    cmocka_unit_test(test_unknown_fields),
	    cmocka_unit_test(test_packed),
	    cmocka_unit_test(test_total_bound),
	    cmocka_unit_test(test_largest_submit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
