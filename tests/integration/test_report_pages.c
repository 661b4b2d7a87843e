/*
 * Reports at the limit of one report's text, together many times the
 * limit of one reply: hoptac report list shows every report of a request
 * that twenty units answered, hoptac forward carries every report to a
 * second server, and an office's first hoptac sync pulls every report of
 * its unit, each exactly once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rpc.h"
#include "validate.h"

#define N        20 /* units answering request 0; requests unit 0 answers */
#define SECTIONS 5  /* situation, limitations, causes, directions, proposals */
#define TIMEOUT  60000

static char out[256 * 1024];
static char err[64 * 1024];

#define expect(got, want, what) harness_expect(got, want, what, out, err)

static void
code_of(char *buf, size_t len, int unit)
{
	snprintf(buf, len, "KT-TR%02d", unit);
}

static void
ref_of(char *buf, size_t len, int request)
{
	snprintf(buf, len, "%02d/SNgV-TRANG", request);
}

/* Text of bytes bytes of three-byte letters after a mark naming the
 * report: each section counts fewer code points than its own limit. */
static char *
filler(const char *mark, size_t bytes)
{
	char *s = malloc(bytes + 1);
	size_t pos = (size_t)snprintf(s, bytes + 1, "%s ", mark);

	assert_non_null(s);
	for (; pos + 3 <= bytes; pos += 3)
		memcpy(s + pos, "ệ", 3);
	for (; pos < bytes; pos++)
		s[pos] = 'x';
	s[pos] = '\0';
	return s;
}

/* unit's report to request, its sections at the limit together. */
static void
submit(struct rpc_client *c, int request, int unit)
{
	Hoptac__V1__SubmitReportRequest req =
	    HOPTAC__V1__SUBMIT_REPORT_REQUEST__INIT;
	Hoptac__V1__Report r = HOPTAC__V1__REPORT__INIT;
	struct rpc_client_options opt = {TIMEOUT, NULL, 0};
	struct rpc_client_status st;
	ProtobufCMessage *resp = NULL;
	char code[32], ref[32], id[64], *texts[SECTIONS];
	char **slot[SECTIONS] = {&r.situation, &r.limitations, &r.causes,
	    &r.directions, &r.proposals};

	code_of(code, sizeof(code), unit);
	ref_of(ref, sizeof(ref), request);
	snprintf(id, sizeof(id), "rep-%d-%d", request, unit);
	for (int i = 0; i < SECTIONS; i++) {
		size_t bytes = VALIDATE_REPORT_TEXT_MAX / SECTIONS;

		texts[i] = filler(id, bytes);
		*slot[i] = texts[i];
	}
	r.id = id;
	r.unit_code = code;
	r.request_reference = ref;
	r.signer = (char *)"Nguyễn Văn A";
	r.submitted_at_ms = rpc_wall_ms();
	req.report = &r;
	rpc_client_call(c, "/hoptac.v1.Reports/Submit", &req.base,
	    &hoptac__v1__submit_report_response__descriptor, &resp, &opt, &st);
	if (st.code != STATUS_OK)
		fail_msg("Reports/Submit %s: %s %s", id, status_name(st.code),
		    st.message);
	protobuf_c_message_free_unpacked(resp, NULL);
	for (int i = 0; i < SECTIONS; i++)
		free(texts[i]);
}

/* Request number request, asked of units [0, units). */
static void
create_request(struct rpc_client *c, int request, int units)
{
	char codes[N][32], *ptrs[N], ref[32];

	for (int i = 0; i < units; i++) {
		code_of(codes[i], sizeof(codes[i]), i);
		ptrs[i] = codes[i];
	}
	ref_of(ref, sizeof(ref), request);
	harness_request(c, ref, "KT-SNGV-TR", ptrs, (size_t)units);
}

/* How often needle occurs in hay. */
static int
occurrences(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* Request 0 answered by N units; requests 1..N-1 by unit 0 alone. */
static void
fill(struct harness *h)
{
	struct rpc_client *c = harness_client(h);

	harness_unit(c, "KT-SNGV-TR", "Sở Ngoại vụ");
	for (int i = 0; i < N; i++) {
		char code[32], name[64];

		code_of(code, sizeof(code), i);
		snprintf(name, sizeof(name), "UBND xã Trang %d", i);
		harness_unit(c, code, name);
	}
	create_request(c, 0, N);
	for (int i = 1; i < N; i++)
		create_request(c, i, 1);
	for (int i = 0; i < N; i++)
		submit(c, 0, i);
	for (int i = 1; i < N; i++)
		submit(c, i, 0);
	rpc_client_close(c);
}

/* Every report on b once: request 0's twenty, unit 0's twenty, and no
 * second revision of any. */
static void
on_b(struct harness *b)
{
	char ref[32];

	expect(harness_cli(b, out, sizeof(out), err, sizeof(err), "--timeout",
	           "60000", "report", "list", "--all-revisions", NULL),
	    0, "report list on the second server");
	for (int i = 0; i < N; i++) {
		ref_of(ref, sizeof(ref), i);
		assert_int_equal(occurrences(out, ref), i == 0 ? N : 1);
	}
	assert_int_equal(occurrences(out, "KT-TR00 "), N);
}

/* What the office sees with tokens of its own making and as a client
 * that ignores next_page_token. Reports/List: a bad token is refused;
 * one naming another unit's place shows its own reports only, from the
 * first after that place. Sync/Pull: the first page holds some of its
 * reports, and the cursor it sent (0), so that its next pull does not
 * skip the others. */
static void
office_view(struct harness *h, const char *office)
{
	Hoptac__V1__ListReportsRequest req =
	    HOPTAC__V1__LIST_REPORTS_REQUEST__INIT;
	Hoptac__V1__ListReportsResponse *resp = NULL;
	Hoptac__V1__PullRequest pq = HOPTAC__V1__PULL_REQUEST__INIT;
	Hoptac__V1__PullResponse *pulled = NULL;
	struct rpc_client_options opt = {TIMEOUT, NULL, 0};
	struct rpc_client_status st;
	struct rpc_client *c = harness_client_as(h, office);

	req.page_token = (char *)"p1.0.zz.00.1";
	rpc_client_call(c, "/hoptac.v1.Reports/List", &req.base,
	    &hoptac__v1__list_reports_response__descriptor,
	    (ProtobufCMessage **)&resp, &opt, &st);
	assert_int_equal(st.code, STATUS_INVALID_ARGUMENT);
	assert_non_null(strstr(st.message, "page_token"));
	/* After "00/SNgV-TRANG", "KT-TR05", revision 0. */
	req.page_token = (char *)"p1.0.30302f534e67562d5452414e47."
	                         "4b542d54523035.0";
	rpc_client_call(c, "/hoptac.v1.Reports/List", &req.base,
	    &hoptac__v1__list_reports_response__descriptor,
	    (ProtobufCMessage **)&resp, &opt, &st);
	assert_int_equal(st.code, STATUS_OK);
	assert_true(resp->n_reports > 0);
	assert_string_equal(
	    resp->reports[0]->request_reference, "01/SNgV-TRANG");
	for (size_t i = 0; i < resp->n_reports; i++)
		assert_string_equal(resp->reports[i]->unit_code, "KT-TR00");
	hoptac__v1__list_reports_response__free_unpacked(resp, NULL);

	pq.unit_code = (char *)"KT-TR00";
	rpc_client_call(c, "/hoptac.v1.Sync/Pull", &pq.base,
	    &hoptac__v1__pull_response__descriptor,
	    (ProtobufCMessage **)&pulled, &opt, &st);
	assert_int_equal(st.code, STATUS_OK);
	assert_true(pulled->n_reports > 0 && pulled->n_reports < N);
	assert_int_equal(pulled->n_requests, N);
	assert_string_not_equal(pulled->next_page_token, "");
	assert_int_equal(pulled->cursor_ms, 0);
	hoptac__v1__pull_response__free_unpacked(pulled, NULL);
	rpc_client_close(c);
}

static void
test_report_pages(void **state)
{
	struct harness a, b;
	char office[128], ref[32];

	(void)state;
	harness_start(&a, HARNESS_TCP, 0);
	harness_start(&b, HARNESS_TCP, 0);
	fill(&a);
#define A(...)                                                                 \
	harness_cli(&a, out, sizeof(out), err, sizeof(err), "--timeout",       \
	    "60000", __VA_ARGS__, NULL)

	/* The table of request 0: each of its twenty units once. */
	ref_of(ref, sizeof(ref), 0);
	expect(A("report", "list", "--request", ref), 0, "report list");
	for (int i = 0; i < N; i++) {
		char code[32];

		code_of(code, sizeof(code), i);
		assert_int_equal(occurrences(out, code), 1);
	}

	/* Every report to the second server, once. */
	setenv("HOPTAC_FORWARD_TOKEN", b.token, 1);
	expect(A("forward", "--to", b.url), 0, "forward");
	assert_non_null(strstr(out, "20 requests, 39 report revisions; 0"));
	on_b(&b);

	/* The office of unit 0 pulls its twenty reports on its first sync. */
	harness_issue(&a, "Văn thư xã Trang 0",
	    1u << HOPTAC__V1__ROLE__ROLE_OFFICE, "KT-TR00", office,
	    sizeof(office));
	setenv("HOPTAC_TOKEN", office, 1);
	expect(A("--json", "sync"), 0, "first sync");
	assert_non_null(strstr(out, "\"pulled_reports\":20,"));
	expect(A("--json", "sync"), 0, "sync again");
	assert_non_null(strstr(out, "\"exit\":0"));
	unsetenv("HOPTAC_TOKEN");
	office_view(&a, office);

	harness_stop(&a);
	harness_stop(&b);
	harness_cleanup(&a);
	harness_cleanup(&b);
#undef A
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
