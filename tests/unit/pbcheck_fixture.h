/*
 * What the pbcheck tests share: packing a message, and a request of
 * activities whose strings use every kind of text an office writes.
 * Included by tests/unit/test_pbcheck*.c, after cmocka.h.
 */
#ifndef HOPTAC_TEST_PBCHECK_FIXTURE_H
#define HOPTAC_TEST_PBCHECK_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"

/* A message's packed bytes, malloc'd: the test frees data. */
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

#endif
