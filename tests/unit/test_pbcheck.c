/*
 * pbcheck_message on well-formed messages: which strings it accepts,
 * which it rejects, and how it names the field at fault. Malformed input
 * is test_pbcheck_wire.c's.
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

/*
 * A string field cannot carry a NUL byte through protobuf-c's packer
 * (it packs strlen() bytes), so the bad strings are written over a
 * placeholder of the same length in the packed bytes.
 */
#define MARK     "@@MARK@@"
#define MARK_LEN (sizeof(MARK) - 1)

/* The first MARK in p, or NULL. */
static uint8_t *
find_mark(const struct packed *p)
{
	for (size_t i = 0; i + MARK_LEN <= p->len; i++)
		if (memcmp(p->data + i, MARK, MARK_LEN) == 0)
			return p->data + i;
	return NULL;
}

/* Overwrites the only MARK in p with bad, which must be as long. */
static void
patch_n(struct packed *p, const char *bad, size_t len)
{
	uint8_t *at = find_mark(p);

	assert_int_equal(len, MARK_LEN);
	assert_non_null(at);
	memcpy(at, bad, MARK_LEN);
	assert_null(find_mark(p));
}

/* bad is a literal, so its length counts the NUL bytes inside it. */
#define patch(p, bad) patch_n((p), (bad), sizeof(bad) - 1)

static int
check(const ProtobufCMessageDescriptor *d, const struct packed *p,
    char where[128], char why[128])
{
	snprintf(where, 128, "(unset)");
	snprintf(why, 128, "(unset)");
	return pbcheck_message(d, p->data, p->len, where, 128, why, 128);
}

static void
test_accepts_vietnamese(void **state)
{
	Hoptac__V1__SubmitActivitiesRequest *r = submit_new(4);
	Hoptac__V1__SubmitActivitiesRequest *back;
	struct packed p;
	char where[128], why[128];

	(void)state;
	p = pack(&r->base);
	assert_int_equal(
	    check(&hoptac__v1__submit_activities_request__descriptor, &p, where,
	        why),
	    0);
	/* Nothing is written on success. */
	assert_string_equal(where, "(unset)");
	assert_string_equal(why, "(unset)");
	back =
	    hoptac__v1__submit_activities_request__unpack(NULL, p.len, p.data);
	assert_non_null(back);
	assert_int_equal(back->n_activities, 4);
	assert_string_equal(
	    back->activities[3]->title, r->activities[3]->title);
	hoptac__v1__submit_activities_request__free_unpacked(back, NULL);
	free(p.data);
	submit_free(r);
}

static void
test_empty_message(void **state)
{
	char where[8], why[8];

	(void)state;
	assert_int_equal(
	    pbcheck_message(&hoptac__v1__submit_activities_request__descriptor,
	        (const uint8_t *)"", 0, where, sizeof(where), why, sizeof(why)),
	    0);
}

/* Packs four activities with MARK in one field, writes bad over it, and
 * expects the rejection at want_where for want_why. */
static void
expect_rejected_n(size_t index, size_t offset, const char *bad, size_t badlen,
    const char *want_where, const char *want_why)
{
	Hoptac__V1__SubmitActivitiesRequest *r = submit_new(4);
	Hoptac__V1__Activity *a = r->activities[index];
	struct packed p;
	char where[128], why[128];

	assert_int_equal(pbstr_set((char **)((char *)a + offset), MARK), 0);
	p = pack(&r->base);
	patch_n(&p, bad, badlen);
	if (check(&hoptac__v1__submit_activities_request__descriptor, &p, where,
	        why) != -1)
		fail_msg("%s: accepted", want_where);
	assert_string_equal(where, want_where);
	assert_string_equal(why, want_why);
	free(p.data);
	submit_free(r);
}

#define FIELD(member) offsetof(Hoptac__V1__Activity, member)
#define expect_rejected(index, offset, bad, where, why)                        \
	expect_rejected_n(                                                     \
	    (index), (offset), (bad), sizeof(bad) - 1, (where), (why))

static void
test_rejects_bad_utf8(void **state)
{
	(void)state;
	/* A lone continuation byte. */
	expect_rejected(2, FIELD(title), "Đ\x80k Gle", "activities[2].title",
	    "is not valid UTF-8");
	/* An overlong "/". */
	expect_rejected(2, FIELD(title),
	    "ab\xc0\xaf"
	    "cdef",
	    "activities[2].title", "is not valid UTF-8");
	/* A UTF-16 surrogate, U+D800. */
	expect_rejected(1, FIELD(place),
	    "ab\xed\xa0\x80"
	    "def",
	    "activities[1].place", "is not valid UTF-8");
	/* A sequence cut short by the end of the string. */
	expect_rejected(3, FIELD(leader), "abcdef\xe1\xba",
	    "activities[3].leader", "is not valid UTF-8");
	/* Latin-1 as sent by an old Windows tool. */
	expect_rejected(0, FIELD(title), "\xd0\xe9k Glei",
	    "activities[0].title", "is not valid UTF-8");
}

static void
test_rejects_nul(void **state)
{
	(void)state;
	expect_rejected(2, FIELD(title), "Glei\0abc", "activities[2].title",
	    "contains a NUL byte");
	expect_rejected(1, FIELD(summary), "\0bcdefgh", "activities[1].summary",
	    "contains a NUL byte");
	expect_rejected(3, FIELD(id), "abcdefg\0", "activities[3].id",
	    "contains a NUL byte");
}

static void
test_rejects_control(void **state)
{
	(void)state;
	expect_rejected(2, FIELD(title), "ab\x1b[31mx", "activities[2].title",
	    "contains a control character");
	expect_rejected(2, FIELD(result),
	    "abc\x7f"
	    "defg",
	    "activities[2].result", "contains a control character");
	/* U+0085, a C1 control, is well-formed UTF-8 but still refused. */
	expect_rejected(1, FIELD(unit_code),
	    "abc\xc2\x85"
	    "def",
	    "activities[1].unit_code", "contains a control character");
	expect_rejected(3, FIELD(start_date), "2023\x0c-04",
	    "activities[3].start_date", "contains a control character");
}

/* A bad element of a repeated string field inside a repeated message. */
static void
test_rejects_in_repeated_string(void **state)
{
	Hoptac__V1__SubmitActivitiesRequest *r = submit_new(5);
	Hoptac__V1__Activity *a = r->activities[3];
	struct packed p;
	char where[128], why[128];

	(void)state;
	assert_int_equal(pbstr_append(&a->n_fields, &a->fields, MARK), 0);
	p = pack(&r->base);
	patch(&p,
	    "gi\xe1o d\xe1"
	    "c");
	assert_int_equal(
	    check(&hoptac__v1__submit_activities_request__descriptor, &p, where,
	        why),
	    -1);
	assert_string_equal(where, "activities[3].fields[2]");
	assert_string_equal(why, "is not valid UTF-8");
	free(p.data);
	submit_free(r);

	r = submit_new(3);
	a = r->activities[2];
	assert_int_equal(
	    pbstr_append(&a->n_document_refs, &a->document_refs, MARK), 0);
	p = pack(&r->base);
	patch(&p, "12/UB\0ND");
	assert_int_equal(
	    check(&hoptac__v1__submit_activities_request__descriptor, &p, where,
	        why),
	    -1);
	assert_string_equal(where, "activities[2].document_refs[1]");
	assert_string_equal(why, "contains a NUL byte");
	free(p.data);
	submit_free(r);
}

/* The first bad string is the one reported. */
static void
test_reports_first(void **state)
{
	Hoptac__V1__SubmitActivitiesRequest *r = submit_new(4);
	struct packed p;
	char where[128], why[128];
	uint8_t *at;

	(void)state;
	assert_int_equal(pbstr_set(&r->activities[1]->leader, MARK), 0);
	assert_int_equal(pbstr_set(&r->activities[3]->title, MARK), 0);
	p = pack(&r->base);
	/* Patch both: the earlier one is a control, the later bad UTF-8. */
	at = find_mark(&p);
	assert_non_null(at);
	memcpy(at,
	    "abc\x01"
	    "defg",
	    MARK_LEN);
	patch(&p, "\xff\xff\xff\xff\xff\xff\xff\xff");
	assert_int_equal(
	    check(&hoptac__v1__submit_activities_request__descriptor, &p, where,
	        why),
	    -1);
	assert_string_equal(where, "activities[1].leader");
	assert_string_equal(why, "contains a control character");
	free(p.data);
	submit_free(r);
}

static Hoptac__V1__Request *
request_new(void)
{
	Hoptac__V1__Request *q = malloc(sizeof(*q));
	static const char *const keys[] = {"authorization", "x-unit", "x-note"};
	static const char *const values[] = {
	    "Bearer 0123456789abcdef", "KT-DAKGLEI", "Sở Ngoại vụ Kon Tum"};

	assert_non_null(q);
	hoptac__v1__request__init(q);
	assert_int_equal(
	    pbstr_set(&q->method, "/hoptac.v1.Activities/Submit"), 0);
	assert_int_equal(
	    pbstr_set(&q->request_id, "9b2f6a1e-1c2d-4e3f-8a9b-0c1d2e3f4a5b"),
	    0);
	q->timeout_ms = 5000;
	q->metadata = calloc(3, sizeof(*q->metadata));
	assert_non_null(q->metadata);
	for (size_t i = 0; i < 3; i++) {
		Hoptac__V1__MetadataEntry *e = malloc(sizeof(*e));

		assert_non_null(e);
		hoptac__v1__metadata_entry__init(e);
		assert_int_equal(pbstr_set(&e->key, keys[i]), 0);
		assert_int_equal(pbstr_set(&e->value, values[i]), 0);
		q->metadata[q->n_metadata++] = e;
	}
	return q;
}

/* The envelope's strings are checked; its payload is bytes and is not. */
static void
test_request_envelope(void **state)
{
	Hoptac__V1__Request *q = request_new();
	struct packed p;
	char where[128], why[128];
	uint8_t payload[] = {0xff, 0x00, 0x1b, 0xc0, 0xaf, 0x80, 0x00};

	(void)state;
	q->payload.data = malloc(sizeof(payload));
	assert_non_null(q->payload.data);
	memcpy(q->payload.data, payload, sizeof(payload));
	q->payload.len = sizeof(payload);
	p = pack(&q->base);
	assert_int_equal(
	    check(&hoptac__v1__request__descriptor, &p, where, why), 0);
	free(p.data);

	assert_int_equal(pbstr_set(&q->metadata[1]->value, MARK), 0);
	p = pack(&q->base);
	patch(&p, "KT\0DAKGL");
	assert_int_equal(
	    check(&hoptac__v1__request__descriptor, &p, where, why), -1);
	assert_string_equal(where, "metadata[1].value");
	assert_string_equal(why, "contains a NUL byte");
	free(p.data);

	assert_int_equal(pbstr_set(&q->metadata[1]->value, "KT-DAKGLEI"), 0);
	assert_int_equal(pbstr_set(&q->method, MARK), 0);
	p = pack(&q->base);
	patch(&p, "/a\xe2\x82/Doo");
	assert_int_equal(
	    check(&hoptac__v1__request__descriptor, &p, where, why), -1);
	assert_string_equal(where, "method");
	assert_string_equal(why, "is not valid UTF-8");
	free(p.data);
	protobuf_c_message_free_unpacked(&q->base, NULL);
}

static void
test_response_envelope(void **state)
{
	Hoptac__V1__Response *r = malloc(sizeof(*r));
	struct packed p;
	char where[128], why[128];

	(void)state;
	assert_non_null(r);
	hoptac__v1__response__init(r);
	r->status = 3;
	assert_int_equal(pbstr_set(&r->message, "dữ liệu không hợp lệ"), 0);
	r->violations = calloc(2, sizeof(*r->violations));
	assert_non_null(r->violations);
	for (size_t i = 0; i < 2; i++) {
		Hoptac__V1__FieldViolation *v = malloc(sizeof(*v));

		assert_non_null(v);
		hoptac__v1__field_violation__init(v);
		assert_int_equal(
		    pbstr_set(&v->field, i ? MARK : "activities[0].start_date"),
		    0);
		assert_int_equal(
		    pbstr_set(&v->description, "ngày không hợp lệ"), 0);
		r->violations[r->n_violations++] = v;
	}
	p = pack(&r->base);
	patch(&p,
	    "\tok\x08"
	    "abcd");
	assert_int_equal(
	    check(&hoptac__v1__response__descriptor, &p, where, why), -1);
	assert_string_equal(where, "violations[1].field");
	assert_string_equal(why, "contains a control character");
	free(p.data);
	protobuf_c_message_free_unpacked(&r->base, NULL);
}

/* The deepest chain of our own messages: response, service, method. */
static void
test_nested_reflection(void **state)
{
	Hoptac__V1__ListServicesResponse *r = malloc(sizeof(*r));
	struct packed p;
	char where[128], why[128];

	(void)state;
	assert_non_null(r);
	hoptac__v1__list_services_response__init(r);
	assert_int_equal(pbstr_set(&r->server_version, "0.1.0"), 0);
	r->services = calloc(2, sizeof(*r->services));
	assert_non_null(r->services);
	for (size_t s = 0; s < 2; s++) {
		Hoptac__V1__ServiceInfo *si = malloc(sizeof(*si));

		assert_non_null(si);
		hoptac__v1__service_info__init(si);
		assert_int_equal(
		    pbstr_set(&si->name, "hoptac.v1.Activities"), 0);
		si->methods = calloc(3, sizeof(*si->methods));
		assert_non_null(si->methods);
		for (size_t m = 0; m < 3; m++) {
			Hoptac__V1__MethodInfo *mi = malloc(sizeof(*mi));
			int bad = s == 1 && m == 2;

			assert_non_null(mi);
			hoptac__v1__method_info__init(mi);
			assert_int_equal(
			    pbstr_set(&mi->name, "/hoptac.v1.Activities/List"),
			    0);
			assert_int_equal(pbstr_set(&mi->input_type,
			                     bad ? MARK
			                         : "hoptac.v1."
			                           "ListActivitiesRequest"),
			    0);
			mi->mutating = m == 0;
			si->methods[si->n_methods++] = mi;
		}
		r->services[r->n_services++] = si;
	}
	p = pack(&r->base);
	assert_int_equal(check(&hoptac__v1__list_services_response__descriptor,
	                     &p, where, why),
	    0);
	patch(&p, "hoptac\xf8v");
	assert_int_equal(check(&hoptac__v1__list_services_response__descriptor,
	                     &p, where, why),
	    -1);
	assert_string_equal(where, "services[1].methods[2].input_type");
	assert_string_equal(why, "is not valid UTF-8");
	free(p.data);
	protobuf_c_message_free_unpacked(&r->base, NULL);
}

/* A small where/why buffer is truncated, not overrun. */
static void
test_small_buffers(void **state)
{
	Hoptac__V1__SubmitActivitiesRequest *r = submit_new(3);
	struct packed p;
	char where[8], why[6];

	(void)state;
	assert_int_equal(pbstr_set(&r->activities[2]->title, MARK), 0);
	p = pack(&r->base);
	patch(&p, "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8");
	assert_int_equal(
	    pbcheck_message(&hoptac__v1__submit_activities_request__descriptor,
	        p.data, p.len, where, sizeof(where), why, sizeof(why)),
	    -1);
	assert_string_equal(where, "activit");
	assert_string_equal(why, "is no");
	/* No room for the path at all: refused still, nothing written. */
	where[0] = 'x';
	assert_int_equal(
	    pbcheck_message(&hoptac__v1__submit_activities_request__descriptor,
	        p.data, p.len, where, 0, why, sizeof(why)),
	    -1);
	assert_int_equal(where[0], 'x');
	free(p.data);
	submit_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepts_vietnamese),
	    cmocka_unit_test(test_empty_message),
	    cmocka_unit_test(test_rejects_bad_utf8),
	    cmocka_unit_test(test_rejects_nul),
	    cmocka_unit_test(test_rejects_control),
	    cmocka_unit_test(test_rejects_in_repeated_string),
	    cmocka_unit_test(test_reports_first),
	    cmocka_unit_test(test_request_envelope),
	    cmocka_unit_test(test_response_envelope),
	    cmocka_unit_test(test_nested_reflection),
	    cmocka_unit_test(test_small_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
