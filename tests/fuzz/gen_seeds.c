/*
 * Writes the seed corpora of the envelope, messages and handlers targets
 * from messages built here, so that they stay real messages of the
 * current protos and method table:
 *
 *   fuzz_seeds DIR        writes DIR/envelope/, DIR/messages/, DIR/handlers/
 *
 * tests/fuzz/corpus/ holds its output; run it again into that directory
 * after a change to the protos or the method table (docs/fuzzing.md).
 * Every method gets an empty request; the methods that take records get
 * valid ones and ones with mistakes in them too.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dispatch.h"
#include "hoptac/v1/services.pb-c.h"
#include "rpc.h"

/* The request id the envelope target's client side waits for. */
#define SEEDS_REQUEST_ID "8f0c2a6e-3b1d-4c55-9e7a-2d4f6b8a0c11"

static const char *seeds_dir;
static int seeds_failed;

static void
seeds_write(const char *target, const char *name, const uint8_t *prefix,
    size_t plen, const uint8_t *data, size_t len)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", seeds_dir, target, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(prefix, 1, plen, f) != plen ||
	    fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "fuzz_seeds: %s: %s\n", path, strerror(errno));
		seeds_failed = 1;
	}
}

/* m packed, malloc'd. */
static uint8_t *
seeds_pack(const ProtobufCMessage *m, size_t *len)
{
	uint8_t *buf;

	*len = protobuf_c_message_get_packed_size(m);
	if ((buf = malloc(*len != 0 ? *len : 1)) == NULL) {
		fprintf(stderr, "fuzz_seeds: out of memory\n");
		exit(1);
	}
	protobuf_c_message_pack(m, buf);
	return buf;
}

/* "Activities.Submit" from "/hoptac.v1.Activities/Submit". */
static void
seeds_short_name(const struct method *m, char *out, size_t len)
{
	const char *dot = strrchr(m->info->service->name, '.');

	snprintf(out, len, "%s.%s",
	    dot != NULL ? dot + 1 : m->info->service->name, m->info->name);
}

/* Writes one request to m: a messages seed (the method's index, then the
 * payload), two handlers seeds (the index, the caller: the first and the
 * second of those the method admits, then the payload) and, when
 * envelope is true, an envelope seed (a packed Request around it). */
static void
seeds_request(const struct method *m, const char *variant,
    const ProtobufCMessage *payload, bool envelope)
{
	Hoptac__V1__Request req = HOPTAC__V1__REQUEST__INIT;
	Hoptac__V1__MetadataEntry auth = HOPTAC__V1__METADATA_ENTRY__INIT;
	Hoptac__V1__MetadataEntry *md[1] = {&auth};
	uint8_t index = 0, *body, *env, prefix[2];
	size_t blen, elen;
	char name[160], base[96];

	for (size_t i = 0; i < dispatch_count(); i++)
		if (dispatch_at(i) == m)
			index = (uint8_t)i;
	seeds_short_name(m, base, sizeof(base));
	snprintf(name, sizeof(name), "%s.%s", base, variant);
	body = seeds_pack(payload, &blen);
	seeds_write("messages", name, &index, 1, body, blen);
	prefix[0] = index;
	prefix[1] = 0;
	seeds_write("handlers", name, prefix, 2, body, blen);
	prefix[1] = 1;
	snprintf(name, sizeof(name), "%s.%s.second", base, variant);
	seeds_write("handlers", name, prefix, 2, body, blen);
	snprintf(name, sizeof(name), "%s.%s", base, variant);
	if (!envelope) {
		free(body);
		return;
	}

	req.method = (char *)m->info->path;
	req.request_id = SEEDS_REQUEST_ID;
	req.timeout_ms = RPC_TIMEOUT_DEFAULT_MS;
	req.payload.data = body;
	req.payload.len = blen;
	auth.key = RPC_METADATA_AUTHORIZATION;
	auth.value = "Bearer 3q2-7Wd_fuzz-seed-token";
	req.metadata = md;
	req.n_metadata = 1;
	env = seeds_pack(&req.base, &elen);
	snprintf(name, sizeof(name), "request.%s.%s", base, variant);
	seeds_write("envelope", name, NULL, 0, env, elen);
	free(env);
	free(body);
}

static void
seeds_named(
    const char *full_name, const char *variant, const ProtobufCMessage *payload)
{
	const struct method *m = dispatch_find(full_name);

	if (m != NULL)
		seeds_request(m, variant, payload, true);
}

/* An activity of the Đắk Glei report (tests/data/dak-glei-2024.csv). */
static void
seeds_activity(Hoptac__V1__Activity *a)
{
	static char *partners[] = {"Sê Kông", "LA-XE"};
	static char *fields[] = {"an ninh biên giới", "kinh tế"};
	static char *refs[] = {"558/SNgV-BGHTQT"};

	hoptac__v1__activity__init(a);
	a->id = "dakglei-2024-001";
	a->unit_code = "KT-DAKGLEI";
	a->n_partner_codes = 2;
	a->partner_codes = partners;
	a->kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT;
	a->n_fields = 2;
	a->fields = fields;
	a->start_date = "02/5/2024";
	a->end_date = "tháng 5 năm 2024";
	a->place = "huyện Đắk Chung, tỉnh Sê Kông";
	a->title = "Đoàn công tác thăm huyện Đắk Chung";
	a->summary = "Trao đổi về công tác quản lý biên giới.";
	a->people = 6;
	a->leader = "Y Thanh";
	a->result = "Thống nhất kế hoạch năm 2024.";
	a->n_document_refs = 1;
	a->document_refs = refs;
}

/* An activity with a mistake in most fields. */
static void
seeds_bad_activity(Hoptac__V1__Activity *a)
{
	static char *partners[] = {"Atlantis", "", "LA-XE", "LA-XE"};
	static char *fields[] = {"\xC3\x28", ""};

	hoptac__v1__activity__init(a);
	a->id = "bad id with spaces";
	a->unit_code = "";
	a->n_partner_codes = 4;
	a->partner_codes = partners;
	a->kind = 42;
	a->n_fields = 2;
	a->fields = fields;
	a->start_date = "31/2/2024";
	a->end_date = "2023";
	a->title = "  \xE2\x80\x83 ";
	a->people = -3;
}

/* One event reported twice: the listing and the verdict. */
static void
seeds_duplicates(void)
{
	Hoptac__V1__ListDuplicatesRequest dup =
	    HOPTAC__V1__LIST_DUPLICATES_REQUEST__INIT;
	Hoptac__V1__LinkActivitiesRequest link =
	    HOPTAC__V1__LINK_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__ActivityRef a = HOPTAC__V1__ACTIVITY_REF__INIT;
	Hoptac__V1__ActivityRef b = HOPTAC__V1__ACTIVITY_REF__INIT;

	dup.from_date = "2023";
	dup.to_date = "tháng 3/2024";
	dup.page_size = 50;
	seeds_named("/hoptac.v1.Activities/Duplicates", "valid", &dup.base);
	dup.page_token = "100";
	seeds_named("/hoptac.v1.Activities/Duplicates", "page", &dup.base);
	dup.to_date = "";
	dup.page_token = "-1";
	dup.page_size = 5000;
	seeds_named("/hoptac.v1.Activities/Duplicates", "bad", &dup.base);
	a.unit_code = "KT-DAKGLEI";
	a.id = "dakglei-2024-003";
	b.unit_code = "KT-NGOCHOI";
	b.id = "ngochoi-2024-011";
	link.a = &a;
	link.b = &b;
	link.verdict = HOPTAC__V1__LINK_VERDICT__LINK_VERDICT_SAME_EVENT;
	link.note = "Cùng một đoàn";
	seeds_named("/hoptac.v1.Activities/Link", "valid", &link.base);
	link.b = &a;
	link.verdict = 7;
	seeds_named("/hoptac.v1.Activities/Link", "bad", &link.base);
}

static void
seeds_activities(void)
{
	Hoptac__V1__Activity a, bad, *list[2] = {&a, &bad};
	Hoptac__V1__SubmitActivitiesRequest submit =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__GetActivityRequest get =
	    HOPTAC__V1__GET_ACTIVITY_REQUEST__INIT;
	Hoptac__V1__ListActivitiesRequest ls =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__AmendActivityRequest amend =
	    HOPTAC__V1__AMEND_ACTIVITY_REQUEST__INIT;
	Hoptac__V1__WithdrawActivityRequest wd =
	    HOPTAC__V1__WITHDRAW_ACTIVITY_REQUEST__INIT;

	seeds_activity(&a);
	seeds_bad_activity(&bad);
	submit.n_activities = 1;
	submit.activities = list;
	seeds_named("/hoptac.v1.Activities/Submit", "valid", &submit.base);
	submit.n_activities = 2;
	seeds_named("/hoptac.v1.Activities/Submit", "mixed", &submit.base);

	get.id = "dakglei-2024-001";
	seeds_named("/hoptac.v1.Activities/Get", "valid", &get.base);

	ls.unit_code = "KT-DAKGLEI";
	ls.partner = "Xê Kông";
	ls.kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE;
	ls.field = "biên giới";
	ls.from_date = "tháng 11/2022";
	ls.to_date = "2024";
	ls.text = "dak glei";
	ls.page_size = 50;
	seeds_named("/hoptac.v1.Activities/List", "valid", &ls.base);
	ls.partner = "Atlantis";
	ls.from_date = "2024-13";
	ls.page_size = 5000;
	seeds_named("/hoptac.v1.Activities/List", "bad", &ls.base);

	amend.activity = &a;
	amend.expected_version = 1;
	amend.keep_on_conflict = 1;
	seeds_named("/hoptac.v1.Activities/Amend", "valid", &amend.base);
	amend.activity = &bad;
	amend.expected_version = 0;
	seeds_named("/hoptac.v1.Activities/Amend", "bad", &amend.base);

	wd.id = "dakglei-2024-002";
	wd.expected_version = 2;
	wd.reason = "nhập trùng";
	seeds_named("/hoptac.v1.Activities/Withdraw", "valid", &wd.base);
	seeds_duplicates();
}

static void
seeds_units(void)
{
	static char *successors[] = {"KT-DAKGLEI-MOI", "KT-DAKGLEI"};
	Hoptac__V1__Unit u = HOPTAC__V1__UNIT__INIT;
	Hoptac__V1__CreateUnitRequest create =
	    HOPTAC__V1__CREATE_UNIT_REQUEST__INIT;
	Hoptac__V1__ListUnitsRequest ls = HOPTAC__V1__LIST_UNITS_REQUEST__INIT;

	u.code = "KT-DAKGLEI";
	u.name = "UBND huyện Đắk Glei";
	u.kind = HOPTAC__V1__UNIT_KIND__UNIT_KIND_DISTRICT_COMMITTEE;
	u.province = "Kon Tum";
	u.parent_code = "KT-UBND";
	u.valid_from = "1991";
	u.valid_to = "30/6/2025";
	u.n_successor_codes = 1;
	u.successor_codes = successors;
	create.unit = &u;
	seeds_named("/hoptac.v1.Units/Create", "valid", &create.base);
	u.parent_code = "KT-DAKGLEI";
	u.valid_to = "1990";
	u.n_successor_codes = 2;
	u.kind = 17;
	seeds_named("/hoptac.v1.Units/Create", "bad", &create.base);
	ls.province = "Kon Tum";
	ls.include_ended = 1;
	seeds_named("/hoptac.v1.Units/List", "valid", &ls.base);
}

static void
seeds_requests(void)
{
	static char *scope[] = {"Sê Kông", "Attapư", "LA-XE"};
	static char *units[] = {"KT-DAKGLEI", "DB-STNMT", "KT-DAKTO"};
	Hoptac__V1__ReportingRequest r = HOPTAC__V1__REPORTING_REQUEST__INIT;
	Hoptac__V1__CreateRequestRequest create =
	    HOPTAC__V1__CREATE_REQUEST_REQUEST__INIT;
	Hoptac__V1__GetRequestRequest get =
	    HOPTAC__V1__GET_REQUEST_REQUEST__INIT;
	Hoptac__V1__ListRequestsRequest ls =
	    HOPTAC__V1__LIST_REQUESTS_REQUEST__INIT;

	r.reference = "558/SNgV-BGHTQT";
	r.issuer_unit = "KT-SNGV";
	r.issued_on = "02/5/2024";
	r.title = "báo cáo tình hình hợp tác với tỉnh Sê Kông (Lào)";
	r.n_partner_scope = 3;
	r.partner_scope = scope;
	r.period_from = "tháng 11/2022";
	r.due_on = "20/5/2024";
	r.n_unit_codes = 3;
	r.unit_codes = units;
	create.request = &r;
	seeds_named("/hoptac.v1.Requests/Create", "valid", &create.base);
	r.reference = "558 SNgV";
	r.due_on = "01/5/2024";
	r.period_to = "2021";
	r.n_unit_codes = 0;
	seeds_named("/hoptac.v1.Requests/Create", "bad", &create.base);
	get.reference = "558/SNgV-BGHTQT";
	seeds_named("/hoptac.v1.Requests/Get", "valid", &get.base);
	ls.unit_code = "KT-DAKGLEI";
	ls.open_only = 1;
	seeds_named("/hoptac.v1.Requests/List", "valid", &ls.base);
}

static void
seeds_reports(void)
{
	static char *recipients[] = {"Sở Ngoại vụ (b/c)", "Lưu: VT"};
	Hoptac__V1__ReportResult res1 = HOPTAC__V1__REPORT_RESULT__INIT,
	                         res2 = HOPTAC__V1__REPORT_RESULT__INIT;
	Hoptac__V1__ReportResult *results[2] = {&res1, &res2};
	Hoptac__V1__Figures fig = HOPTAC__V1__FIGURES__INIT;
	Hoptac__V1__Report r = HOPTAC__V1__REPORT__INIT;
	Hoptac__V1__SubmitReportRequest submit =
	    HOPTAC__V1__SUBMIT_REPORT_REQUEST__INIT;
	Hoptac__V1__GetReportRequest get = HOPTAC__V1__GET_REPORT_REQUEST__INIT;
	Hoptac__V1__ListReportsRequest ls =
	    HOPTAC__V1__LIST_REPORTS_REQUEST__INIT;
	Hoptac__V1__ReviewReportRequest review =
	    HOPTAC__V1__REVIEW_REPORT_REQUEST__INIT;

	res1.heading = "Công tác thông tin, tuyên truyền";
	res1.text = "Từ tháng 11 năm 2022 đến nay, ...";
	res2.heading = "Công tác trao đổi đoàn";
	res2.text = "02 đoàn/10 người";
	fig.delegations_out = 2;
	fig.people_out = 10;
	fig.delegations_in = 2;
	fig.people_in = 24;
	fig.conferences = 1;
	fig.agreements = 1;
	r.id = "0b5e7d1c-2f4a-4c8e-9a3b-6d1e2f3a4b5c";
	r.request_reference = "558/SNgV-BGHTQT";
	r.unit_code = "KT-DAKGLEI";
	r.document_number = "123/BC-UBND";
	r.place = "Đắk Glei";
	r.signed_on = "ngày 15 tháng 5 năm 2024";
	r.situation = "Huyện Đắk Glei, tỉnh Kon Tum và huyện Đắk Chung ...";
	r.n_results = 2;
	r.results = results;
	r.directions = "Tiếp tục duy trì quan hệ hữu nghị.";
	r.directions_until = 2027;
	r.proposals = "Không.";
	r.signer = "Y Thanh";
	r.signer_title = "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH";
	r.n_recipients = 2;
	r.recipients = recipients;
	r.declared = &fig;
	r.submitted_at_ms = 1715731200000;
	submit.report = &r;
	seeds_named("/hoptac.v1.Reports/Submit", "valid", &submit.base);
	r.nil = 1;
	r.directions_until = 27;
	fig.people_in = -1;
	r.signed_on = "ngày 30 tháng 2 năm 2024";
	seeds_named("/hoptac.v1.Reports/Submit", "bad", &submit.base);

	get.request_reference = "558/SNgV-BGHTQT";
	get.unit_code = "KT-DAKGLEI";
	seeds_named("/hoptac.v1.Reports/Get", "valid", &get.base);
	ls.request_reference = "558/SNgV-BGHTQT";
	ls.all_revisions = 1;
	seeds_named("/hoptac.v1.Reports/List", "valid", &ls.base);
	ls.page_token = "p1.0.35.4b542d44414b474c4549.1";
	seeds_named("/hoptac.v1.Reports/List", "page", &ls.base);
	ls.page_token = "p1.0.0.zz.1";
	seeds_named("/hoptac.v1.Reports/List", "bad", &ls.base);
	review.request_reference = "558/SNgV-BGHTQT";
	review.unit_code = "KT-DAKGLEI";
	review.revision = 1;
	review.reason = "Thiếu phụ lục";
	seeds_named("/hoptac.v1.Reports/Review", "return", &review.base);
	review.accept = 1;
	review.reason = "";
	review.revision = 0;
	seeds_named("/hoptac.v1.Reports/Review", "bad", &review.base);
}

static void
seeds_others(void)
{
	static Hoptac__V1__Dimension dims[] = {
	    HOPTAC__V1__DIMENSION__DIMENSION_UNIT,
	    HOPTAC__V1__DIMENSION__DIMENSION_KIND,
	    HOPTAC__V1__DIMENSION__DIMENSION_QUARTER};
	static Hoptac__V1__Dimension bad_dims[] = {
	    HOPTAC__V1__DIMENSION__DIMENSION_PARTNER, 99,
	    HOPTAC__V1__DIMENSION__DIMENSION_PARTNER};
	Hoptac__V1__SummaryRequest sum = HOPTAC__V1__SUMMARY_REQUEST__INIT;
	Hoptac__V1__PullRequest pull = HOPTAC__V1__PULL_REQUEST__INIT;
	Hoptac__V1__ResolveConflictRequest res =
	    HOPTAC__V1__RESOLVE_CONFLICT_REQUEST__INIT;
	Hoptac__V1__ListPartnersRequest partners =
	    HOPTAC__V1__LIST_PARTNERS_REQUEST__INIT;
	Hoptac__V1__HealthCheckRequest health =
	    HOPTAC__V1__HEALTH_CHECK_REQUEST__INIT;
	Hoptac__V1__ConsolidateRequest cons =
	    HOPTAC__V1__CONSOLIDATE_REQUEST__INIT;

	sum.request_reference = "558/SNgV-BGHTQT";
	sum.from_date = "2023";
	sum.to_date = "2024-12";
	sum.partner = "tỉnh Xê Kông";
	sum.n_group_by = 3;
	sum.group_by = dims;
	sum.rollup = 1;
	seeds_named("/hoptac.v1.Aggregates/Summary", "valid", &sum.base);
	sum.n_group_by = 3;
	sum.group_by = bad_dims;
	sum.unit_code = "KT DAKGLEI";
	seeds_named("/hoptac.v1.Aggregates/Summary", "bad", &sum.base);
	pull.unit_code = "KT-DAKGLEI";
	pull.since_ms = 1715731200000;
	seeds_named("/hoptac.v1.Sync/Pull", "valid", &pull.base);
	pull.page_token = "p1.1715731200000.35.4b542d44414b474c4549.1";
	seeds_named("/hoptac.v1.Sync/Pull", "page", &pull.base);
	pull.since_ms = -1;
	pull.page_token = "p1.1.2";
	seeds_named("/hoptac.v1.Sync/Pull", "bad", &pull.base);
	res.id = 7;
	res.apply = 1;
	res.note = "Theo văn bản của đơn vị";
	seeds_named("/hoptac.v1.Conflicts/Resolve", "valid", &res.base);
	partners.query = "sekong";
	seeds_named("/hoptac.v1.Partners/List", "valid", &partners.base);
	health.service = "hoptac.v1.Activities";
	seeds_named("/hoptac.v1.Health/Check", "valid", &health.base);
	cons.request_reference = "558/SNgV-BGHTQT";
	seeds_named("/hoptac.v1.Aggregates/Consolidate", "valid", &cons.base);
	cons.page_token = "0.1.1";
	seeds_named("/hoptac.v1.Aggregates/Consolidate", "page", &cons.base);
	cons.page_token = "0.1.x";
	seeds_named("/hoptac.v1.Aggregates/Consolidate", "bad", &cons.base);
}

/* Envelopes the server must refuse, and replies for the client side. */
static void
seeds_wire(void)
{
	static const uint8_t bad_utf8[] = {0x0a, 0x03, 0x2f, 0xc3, 0x28};
	static const uint8_t truncated[] = {0x0a, 0x1c, 0x2f, 0x68, 0x6f};
	Hoptac__V1__Request req = HOPTAC__V1__REQUEST__INIT;
	Hoptac__V1__MetadataEntry e = HOPTAC__V1__METADATA_ENTRY__INIT;
	Hoptac__V1__MetadataEntry *md[RPC_METADATA_MAX + 1];
	Hoptac__V1__Response resp = HOPTAC__V1__RESPONSE__INIT;
	Hoptac__V1__FieldViolation fv = HOPTAC__V1__FIELD_VIOLATION__INIT;
	Hoptac__V1__FieldViolation *fvp[1] = {&fv};
	Hoptac__V1__GetActivityResponse got =
	    HOPTAC__V1__GET_ACTIVITY_RESPONSE__INIT;
	Hoptac__V1__Activity a;
	uint8_t *buf, *payload;
	size_t len, plen;

	seeds_write("envelope", "request.bad-utf8", NULL, 0, bad_utf8,
	    sizeof(bad_utf8));
	seeds_write("envelope", "request.truncated", NULL, 0, truncated,
	    sizeof(truncated));

	req.method = "/hoptac.v1.Nothing/Here";
	req.request_id = SEEDS_REQUEST_ID;
	req.timeout_ms = 1;
	buf = seeds_pack(&req.base, &len);
	seeds_write("envelope", "request.unknown-method", NULL, 0, buf, len);
	free(buf);

	req.method = "/hoptac.v1.Health/Check";
	req.request_id = "an-id-that-is-much-longer-than-the-sixty-four-bytes-"
	                 "the-server-takes";
	req.timeout_ms = 0;
	e.key = "x-trace";
	e.value = "0";
	for (size_t i = 0; i < RPC_METADATA_MAX + 1; i++)
		md[i] = &e;
	req.metadata = md;
	req.n_metadata = RPC_METADATA_MAX + 1;
	buf = seeds_pack(&req.base, &len);
	seeds_write("envelope", "request.over-limits", NULL, 0, buf, len);
	free(buf);

	/* A reply carrying an activity, one refusing a call, one to
	 * another request. */
	seeds_activity(&a);
	got.activity = &a;
	payload = seeds_pack(&got.base, &plen);
	resp.request_id = SEEDS_REQUEST_ID;
	resp.payload.data = payload;
	resp.payload.len = plen;
	buf = seeds_pack(&resp.base, &len);
	seeds_write("envelope", "response.ok", NULL, 0, buf, len);
	free(buf);
	free(payload);

	resp.payload.data = NULL;
	resp.payload.len = 0;
	resp.status = 3;
	resp.message = "activities[0].start_date must be a date";
	fv.field = "activities[0].start_date";
	fv.description = "must be a date such as 2024-05-02, 05/2024 or 2024";
	resp.n_violations = 1;
	resp.violations = fvp;
	buf = seeds_pack(&resp.base, &len);
	seeds_write("envelope", "response.invalid", NULL, 0, buf, len);
	free(buf);

	resp.request_id = "another-request";
	resp.status = 99;
	buf = seeds_pack(&resp.base, &len);
	seeds_write("envelope", "response.other-id", NULL, 0, buf, len);
	free(buf);
}

static void
seeds_mkdir(const char *target)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", seeds_dir, target);
	if (mkdir(path, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "fuzz_seeds: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seeds DIR\n");
		return 2;
	}
	seeds_dir = argv[1];
	if (dispatch_init() != 0)
		return 1;
	seeds_mkdir("envelope");
	seeds_mkdir("messages");
	seeds_mkdir("handlers");
	/* An empty request to every method, those added later included;
	 * one of them in an envelope is enough for the envelope target. */
	for (size_t i = 0; i < dispatch_count(); i++) {
		const struct method *m = dispatch_at(i);
		ProtobufCMessage *empty =
		    malloc(m->desc->input->sizeof_message);

		if (empty == NULL)
			return 1;
		protobuf_c_message_init(m->desc->input, empty);
		seeds_request(m, "empty", empty, i == 0);
		free(empty);
	}
	seeds_activities();
	seeds_units();
	seeds_requests();
	seeds_reports();
	seeds_others();
	seeds_wire();
	return seeds_failed;
}
