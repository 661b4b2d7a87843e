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
#include "pbstr.h"

/*
 * A string field cannot carry a NUL byte through protobuf-c's packer
 * (it packs strlen() bytes), so the bad strings are written over a
 * placeholder of the same length in the packed bytes.
 */
#define MARK     "@@MARK@@"
#define MARK_LEN (sizeof(MARK) - 1)

struct packed {
	uint8_t *data;
	size_t len;
};

static struct packed
pack(const ProtobufCMessage *m)
{
	struct packed p;

	p.len = protobuf_c_message_get_packed_size(m);
	p.data = malloc(p.len ? p.len : 1);
	assert_non_null(p.data);
	assert_int_equal(protobuf_c_message_pack(m, p.data), p.len);
	return p;
}

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

static Hoptac__V1__Activity *
activity_new(int i)
{
	Hoptac__V1__Activity *a = malloc(sizeof(*a));
	char id[32];

	assert_non_null(a);
	hoptac__v1__activity__init(a);
	snprintf(id, sizeof(id), "kt-2023-%03d", i);
	assert_int_equal(pbstr_set(&a->id, id), 0);
	assert_int_equal(pbstr_set(&a->unit_code, "KT-DAKGLEI"), 0);
	assert_int_equal(
	    pbstr_append(&a->n_partner_codes, &a->partner_codes, "LA-XE"), 0);
	assert_int_equal(pbstr_append(&a->n_partner_codes, &a->partner_codes,
	                     "LA-XE-DAKCHEUNG"),
	    0);
	a->kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT;
	assert_int_equal(
	    pbstr_append(&a->n_fields, &a->fields, "an ninh biên giới"), 0);
	assert_int_equal(pbstr_append(&a->n_fields, &a->fields, "y tế"), 0);
	assert_int_equal(pbstr_set(&a->start_date, "2023-04-11"), 0);
	assert_int_equal(
	    pbstr_set(&a->place, "huyện Đắk Chưng, tỉnh Sê Kông"), 0);
	assert_int_equal(pbstr_set(&a->title,
	                     "Đoàn công tác huyện Đắk Glei thăm và làm việc"),
	    0);
	/* Tab, LF and CR are the controls text may hold. */
	assert_int_equal(pbstr_set(&a->summary,
	                     "Hai bên trao đổi:\n\t- tuần tra chung;\r\n\t- "
	                     "khám chữa bệnh."),
	    0);
	assert_int_equal(pbstr_set(&a->leader, "Phó Chủ tịch UBND huyện"), 0);
	a->people = 12;
	assert_int_equal(pbstr_append(&a->n_document_refs, &a->document_refs,
	                     "558/SNgV-BGHTQT"),
	    0);
	return a;
}

static Hoptac__V1__SubmitActivitiesRequest *
submit_new(size_t n)
{
	Hoptac__V1__SubmitActivitiesRequest *r = malloc(sizeof(*r));

	assert_non_null(r);
	hoptac__v1__submit_activities_request__init(r);
	r->activities = calloc(n, sizeof(*r->activities));
	assert_non_null(r->activities);
	for (size_t i = 0; i < n; i++)
		r->activities[r->n_activities++] = activity_new((int)i);
	return r;
}

static void
submit_free(Hoptac__V1__SubmitActivitiesRequest *r)
{
	protobuf_c_message_free_unpacked(&r->base, NULL);
}

static int
check(const ProtobufCMessageDescriptor *d, const struct packed *p,
    char where[128], char why[128])
{
	strcpy(where, "(unset)");
	strcpy(why, "(unset)");
	return pbcheck_strings(d, p->data, p->len, where, 128, why, 128);
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
	    pbcheck_strings(&hoptac__v1__submit_activities_request__descriptor,
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
	    pbcheck_strings(&hoptac__v1__submit_activities_request__descriptor,
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
		if (pbcheck_strings(
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
	    pbcheck_strings(&hoptac__v1__submit_activities_request__descriptor,
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
		if (pbcheck_strings(
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

static void
test_depth_limit(void **state)
{
	char where[512], why[128], want[512] = "";
	struct packed p;
	struct nest *m;

	(void)state;
	/* At the limit: walked all the way, so the bad note is found. */
	p = nest_bytes(PBCHECK_MAX_DEPTH, "a\x01");
	assert_int_equal(pbcheck_strings(&nest_descriptor, p.data, p.len, where,
	                     sizeof(where), why, sizeof(why)),
	    -1);
	for (int i = 0; i < PBCHECK_MAX_DEPTH; i++)
		strcat(want, "child.");
	strcat(want, "note");
	assert_string_equal(where, want);
	assert_string_equal(why, "contains a control character");
	free(p.data);

	p = nest_bytes(PBCHECK_MAX_DEPTH, "ok");
	assert_int_equal(pbcheck_strings(&nest_descriptor, p.data, p.len, where,
	                     sizeof(where), why, sizeof(why)),
	    0);
	free(p.data);

	/* One deeper is refused, naming the message that is too deep. */
	p = nest_bytes(PBCHECK_MAX_DEPTH + 1, "ok");
	assert_int_equal(pbcheck_strings(&nest_descriptor, p.data, p.len, where,
	                     sizeof(where), why, sizeof(why)),
	    -1);
	want[0] = '\0';
	for (int i = 0; i < PBCHECK_MAX_DEPTH + 1; i++)
		strcat(want, i ? ".child" : "child");
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
	assert_int_equal(pbcheck_strings(&nest_descriptor, p.data, p.len, where,
	                     sizeof(where), why, sizeof(why)),
	    -1);
	assert_string_equal(why, "messages nested too deeply");
	assert_true(strncmp(where, "child.child.child", 17) == 0);
	free(p.data);
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
	    pbcheck_strings(&hoptac__v1__submit_activities_request__descriptor,
	        p.data, p.len, where, sizeof(where), why, sizeof(why)),
	    -1);
	assert_string_equal(where, "activit");
	assert_string_equal(why, "is no");
	/* No room for the path at all: refused still, nothing written. */
	where[0] = 'x';
	assert_int_equal(
	    pbcheck_strings(&hoptac__v1__submit_activities_request__descriptor,
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
	    cmocka_unit_test(test_unknown_fields_skipped),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_depth_bomb),
	    cmocka_unit_test(test_small_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
