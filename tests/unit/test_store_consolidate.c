/*
 * Aggregates/Consolidate's pages, its handlers run against a real store:
 * the pages together carry every narrative once and in order, each page
 * fits a reply, a unit's texts may run over two pages, and a revision
 * stored between two pages makes the next one ABORTED.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "rpc.h"
#include "status.h"
#include "store_fixture.h"
#include "validate.h"

#define REF     "7/SNgV-TRANG"
#define N_UNITS 12
#define ANSWERS 10 /* the last two units do not answer */
#define RESULTS 3
#define PIECES  (5 + RESULTS)

static void
unit_code(char *buf, size_t len, int unit)
{
	snprintf(buf, len, "U%02d", unit);
}

/* The text of piece k of a unit's answer: its name, then letters to
 * make the answer's sections VALIDATE_REPORT_TEXT_MAX bytes together. */
static char *
piece_text(int unit, int k, int revision)
{
	size_t bytes = VALIDATE_REPORT_TEXT_MAX / PIECES;
	char *s = malloc(bytes + 1);
	int n;

	assert_non_null(s);
	n = snprintf(
	    s, bytes + 1, "U%02d piece %d revision %d ", unit, k, revision);
	memset(s + n, 'a', bytes - (size_t)n);
	s[bytes] = '\0';
	return s;
}

/* The section piece k of an answer belongs to. */
static const char *
section_of(int k)
{
	static const char *const after[] = {
	    "limitations", "causes", "directions", "proposals"};

	if (k == 0)
		return "situation";
	return k <= RESULTS ? "results" : after[k - 1 - RESULTS];
}

static void
insert_report(struct store_conn *db, int unit, int revision)
{
	Hoptac__V1__Report *r = malloc(sizeof(*r));
	char code[16], id[32];
	char **after[4];

	assert_non_null(r);
	hoptac__v1__report__init(r);
	unit_code(code, sizeof(code), unit);
	snprintf(id, sizeof(id), "r-%s-%d", code, revision);
	assert_int_equal(pbstr_set(&r->id, id), 0);
	assert_int_equal(pbstr_set(&r->request_reference, REF), 0);
	assert_int_equal(pbstr_set(&r->unit_code, code), 0);
	assert_int_equal(pbstr_set(&r->signer, "Người ký"), 0);
	pbstr_take(&r->situation, piece_text(unit, 0, revision));
	r->results = calloc(RESULTS, sizeof(*r->results));
	assert_non_null(r->results);
	for (int i = 0; i < RESULTS; i++) {
		Hoptac__V1__ReportResult *res = malloc(sizeof(*res));

		assert_non_null(res);
		hoptac__v1__report_result__init(res);
		assert_int_equal(pbstr_set(&res->heading, "Kết quả"), 0);
		pbstr_take(&res->text, piece_text(unit, 1 + i, revision));
		r->results[r->n_results++] = res;
	}
	after[0] = &r->limitations;
	after[1] = &r->causes;
	after[2] = &r->directions;
	after[3] = &r->proposals;
	for (int i = 0; i < 4; i++)
		pbstr_take(
		    after[i], piece_text(unit, 1 + RESULTS + i, revision));
	r->revision = revision;
	r->status = HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_SUBMITTED;
	r->received_at_ms = 1714608000000;
	assert_int_equal(store_report_insert(db, r), STATUS_OK);
	hoptac__v1__report__free_unpacked(r, NULL);
}

static struct store_conn *
seed(struct store_fixture *f)
{
	struct store_conn *db = store_fixture_writer(f);
	Hoptac__V1__ReportingRequest r = HOPTAC__V1__REPORTING_REQUEST__INIT;
	char codes[N_UNITS][16], *ptrs[N_UNITS];

	store_fixture_insert_unit(db, "SNGV", "Kon Tum", NULL);
	for (int i = 0; i < N_UNITS; i++) {
		unit_code(codes[i], sizeof(codes[i]), i);
		ptrs[i] = codes[i];
		store_fixture_insert_unit(db, codes[i], "Kon Tum", NULL);
	}
	r.reference = (char *)REF;
	r.issuer_unit = (char *)"SNGV";
	r.issued_on = (char *)"2024-05-02";
	r.title = (char *)"báo cáo";
	r.period_from = (char *)"2024";
	r.due_on = (char *)"2024-06-01";
	r.n_unit_codes = N_UNITS;
	r.unit_codes = ptrs;
	assert_int_equal(store_req_insert(db, &r), STATUS_OK);
	for (int i = 0; i < ANSWERS; i++)
		insert_report(db, i, 1);
	return db;
}

/* One call of the method, checked then run as dispatch would: the page,
 * or NULL with *status saying why. */
static Hoptac__V1__ConsolidateResponse *
page(struct store_conn *db, const char *token, int *status)
{
	Hoptac__V1__ConsolidateRequest in =
	    HOPTAC__V1__CONSOLIDATE_REQUEST__INIT;
	Hoptac__V1__ConsolidateResponse *out = NULL;
	struct call c;
	uint8_t buf[256];
	size_t len;

	memset(&c, 0, sizeof(c));
	in.request_reference = (char *)REF;
	in.page_token = (char *)token;
	len = hoptac__v1__consolidate_request__pack(&in, buf);
	c.input = protobuf_c_message_unpack(
	    &hoptac__v1__consolidate_request__descriptor, NULL, len, buf);
	assert_non_null(c.input);
	*status = handle_aggregates_check_consolidate(&c);
	if (*status == STATUS_OK)
		*status = handle_aggregates_consolidate(&c, db);
	if (*status == STATUS_OK) {
		assert_true(protobuf_c_message_get_packed_size(c.output) <=
		    RPC_MAX_MESSAGE);
		out = (Hoptac__V1__ConsolidateResponse *)c.output;
		c.output = NULL;
	}
	call_reset(&c);
	return out;
}

/* The pages, each in its reply limit, carry every unit's answer without
 * its sections, and every section once, in the request's order of units
 * and the document's order of sections; one unit runs over two pages. */
static void
test_pages_carry_everything(void **state)
{
	struct store_conn *db = seed(*state);
	Hoptac__V1__ConsolidateResponse *p;
	char token[128] = "";
	size_t n_pages = 0, reports = 0, narratives = 0, split = 0;
	int status;

	do {
		p = page(db, token, &status);
		assert_int_equal(status, STATUS_OK);
		assert_true(n_pages == 0
		        ? p->request != NULL && p->completeness != NULL &&
		            p->completeness->n_entries == N_UNITS
		        : p->request == NULL);
		for (size_t i = 0; i < p->n_reports; i++, reports++) {
			char code[16];

			unit_code(code, sizeof(code), (int)reports);
			assert_string_equal(p->reports[i]->unit_code, code);
			assert_string_equal(p->reports[i]->signer, "Người ký");
			assert_string_equal(p->reports[i]->situation, "");
			assert_string_equal(p->reports[i]->proposals, "");
			assert_int_equal(p->reports[i]->n_results, 0);
		}
		for (size_t i = 0; i < p->n_narratives; i++, narratives++) {
			int unit = (int)(narratives / PIECES);
			int k = (int)(narratives % PIECES);
			char *want = piece_text(unit, k, 1);

			if (i == 0 && k != 0)
				split++;
			assert_string_equal(p->narratives[i]->text, want);
			assert_string_equal(
			    p->narratives[i]->section, section_of(k));
			free(want);
		}
		n_pages++;
		assert_true(strlen(p->next_page_token) < sizeof(token));
		snprintf(token, sizeof(token), "%s", p->next_page_token);
		hoptac__v1__consolidate_response__free_unpacked(p, NULL);
	} while (token[0] != '\0' && n_pages < 100);
	assert_int_equal(reports, ANSWERS);
	assert_int_equal(narratives, ANSWERS * PIECES);
	assert_true(n_pages > 1);
	assert_true(split > 0);
}

/* A revision stored after the first page: the next is ABORTED, and the
 * pages read again from the first carry it. */
static void
test_revision_between_pages(void **state)
{
	struct store_conn *db = seed(*state);
	Hoptac__V1__ConsolidateResponse *p;
	char token[128];
	char *want = piece_text(0, 0, 2);
	int status;

	p = page(db, "", &status);
	assert_int_equal(status, STATUS_OK);
	assert_true(p->next_page_token[0] != '\0');
	snprintf(token, sizeof(token), "%s", p->next_page_token);
	hoptac__v1__consolidate_response__free_unpacked(p, NULL);
	insert_report(db, 0, 2);
	assert_null(page(db, token, &status));
	assert_int_equal(status, STATUS_ABORTED);
	p = page(db, "", &status);
	assert_int_equal(status, STATUS_OK);
	assert_string_equal(p->narratives[0]->text, want);
	hoptac__v1__consolidate_response__free_unpacked(p, NULL);
	free(want);
}

/* Tokens the server did not give: refused, naming the field. */
static void
test_bad_tokens(void **state)
{
	static const char *const bad[] = {"x", "1.2", "1.2.3.4", "-1.0.10",
	    " 1.0.10", "1.0.10 ", "99999999999999999999.0.10", "1..10"};
	struct store_conn *db = seed(*state);
	int status;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(page(db, bad[i], &status));
		assert_int_equal(status, STATUS_INVALID_ARGUMENT);
	}
	/* Well formed, but past the last unit. */
	assert_null(page(db, "12.0.10", &status));
	assert_int_equal(status, STATUS_INVALID_ARGUMENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_pages_carry_everything),
	    STORE_FIXTURE_TEST(test_revision_between_pages),
	    STORE_FIXTURE_TEST(test_bad_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
