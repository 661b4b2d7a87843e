/*
 * One event reported twice: two districts record the same delegation of
 * Sê Kông's police; hoptac activity duplicates lists the pair with its
 * reason, a reviewer links it, and the consolidated report counts it
 * once while each district's row keeps its own. A pair marked distinct
 * is no longer listed. Offices can do neither.
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
#include "pbstr.h"
#include "status.h"

#define OFFICE  (1u << HOPTAC__V1__ROLE__ROLE_OFFICE)
#define UNIT_A  "KT-DAKGLEI"
#define UNIT_B  "KT-NGOCHOI"
#define REF     "12/SNgV-TRUNG"
#define IN      HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN
#define TIMEOUT 20000

static char out[64 * 1024];
static char err[16 * 1024];

#define CLI(...)                                                               \
	harness_cli(                                                           \
	    &f->h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)
#define expect(got, want, what) harness_expect(got, want, what, out, err)

struct fixture {
	struct harness h;
	char office[128]; /* UNIT_A's office's token */
};

static void
submit(struct rpc_client *c, const char *unit, const char *id,
    const char *start, const char *end, int people, const char *title)
{
	Hoptac__V1__Activity *a = harness_activity(unit, id, IN, start, people);

	/* nh-8 is Attapư's; the others Sê Kông's. */
	if (strcmp(id, "nh-8") == 0)
		assert_int_equal(pbstr_set(&a->partner_codes[0], "Attapư"), 0);
	assert_int_equal(pbstr_set(&a->end_date, end), 0);
	assert_int_equal(pbstr_set(&a->title, title), 0);
	assert_int_equal(harness_submit(c, a, NULL, TIMEOUT), STATUS_OK);
	hoptac__v1__activity__free_unpacked(a, NULL);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rpc_client *a, *b, *dept;
	char token[128];
	char *units[] = {(char *)UNIT_A, (char *)UNIT_B};

	assert_non_null(f);
	harness_start(&f->h, HARNESS_TCP, 0);
	setenv("HOPTAC_TOKEN", f->h.token, 1);
	harness_expect(
	    harness_cli(&f->h, out, sizeof(out), err, sizeof(err), "unit",
	        "import", harness_data("units-2024.csv"), NULL),
	    0, "units", out, err);
	unsetenv("HOPTAC_TOKEN");
	harness_issue(&f->h, "Văn thư huyện Đắk Glei", OFFICE, UNIT_A,
	    f->office, sizeof(f->office));
	harness_issue(&f->h, "Văn thư huyện Ngọc Hồi", OFFICE, UNIT_B, token,
	    sizeof(token));
	a = harness_client_as(&f->h, f->office);
	b = harness_client_as(&f->h, token);
	dept = harness_client(&f->h);
	/* The same delegation, as each district wrote it. */
	submit(a, UNIT_A, "dg-1", "2024-03-12", "2024-03-14", 12,
	    "Đoàn công tác Công an tỉnh Sê Kông thăm và làm việc tại huyện "
	    "Đắk Glei");
	submit(b, UNIT_B, "nh-7", "2024-03-12", "2024-03-14", 12,
	    "Tiep doan Cong an tinh Se Kong den tham va lam viec");
	/* Alike, but two visits the reviewer knows apart. */
	submit(a, UNIT_A, "dg-2", "2024-04-02", "", 8,
	    "Đoàn Sở Y tế tỉnh Sê Kông thăm và làm việc");
	submit(b, UNIT_B, "nh-9", "2024-04-02", "", 8,
	    "Đoàn công tác Sở Y tế tỉnh Sê Kông thăm, làm việc");
	/* Another partner's, the same days: no pair. */
	submit(b, UNIT_B, "nh-8", "2024-03-12", "2024-03-14", 12,
	    "Đoàn Công an tỉnh Attapư thăm");
	harness_request(dept, REF, "KT-SNGV", units, 2);
	rpc_client_close(a);
	rpc_client_close(b);
	rpc_client_close(dept);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	harness_cleanup(&f->h);
	free(f);
	return 0;
}

/* The consolidated report's totals of delegations in and people, and how
 * many records it counted once; with the rows of both units. */
static void
consolidated(struct fixture *f, int *in, int *people, int *once, int *rows)
{
	Hoptac__V1__ConsolidateRequest req =
	    HOPTAC__V1__CONSOLIDATE_REQUEST__INIT;
	Hoptac__V1__ConsolidateResponse *resp = NULL;
	struct rpc_client_options opt = {TIMEOUT, NULL, 0};
	struct rpc_client_status st;
	struct rpc_client *c = harness_client(&f->h);

	req.request_reference = (char *)REF;
	rpc_client_call(c, "/hoptac.v1.Aggregates/Consolidate", &req.base,
	    &hoptac__v1__consolidate_response__descriptor,
	    (ProtobufCMessage **)&resp, &opt, &st);
	assert_int_equal(st.code, STATUS_OK);
	*in = resp->totals->delegations_in;
	*people = resp->totals->people_in;
	*once = resp->duplicates_counted_once;
	*rows = 0;
	for (size_t i = 0; i < resp->n_by_unit; i++)
		*rows += resp->by_unit[i]->figures->delegations_in;
	hoptac__v1__consolidate_response__free_unpacked(resp, NULL);
	rpc_client_close(c);
}

static void
test_duplicates(void **state)
{
	struct fixture *f = *state;
	int in, people, once, rows;

	/* An office may neither list nor link. */
	setenv("HOPTAC_TOKEN", f->office, 1);
	assert_int_not_equal(
	    CLI("activity", "duplicates", "--from", "2024", "--to", "2024"), 0);
	assert_non_null(strstr(err, "hint: your credential's role or unit"));
	assert_int_not_equal(
	    CLI("activity", "link", UNIT_A "/dg-1", UNIT_B "/nh-7", "--same"),
	    0);
	assert_non_null(strstr(err, "hint: your credential's role or unit"));
	unsetenv("HOPTAC_TOKEN");

	expect(CLI("activity", "duplicates", "--from", "2024", "--to", "2024"),
	    0, "duplicates");
	assert_non_null(strstr(out, UNIT_A "/dg-1"));
	assert_non_null(strstr(out, UNIT_B "/nh-7"));
	assert_non_null(strstr(out,
	    "cùng loại đoàn vào, trùng ngày "
	    "12–14/3/2024, cùng tỉnh Sê Kông"));
	assert_non_null(strstr(out, UNIT_B "/nh-9"));
	assert_null(strstr(out, UNIT_B "/nh-8"));
	assert_null(strstr(out, "đã gộp"));

	consolidated(f, &in, &people, &once, &rows);
	assert_int_equal(in, 5);
	assert_int_equal(people, 52);
	assert_int_equal(once, 0);

	expect(CLI("activity", "link", UNIT_B "/nh-7", UNIT_A "/dg-1", "--same",
	           "--note", "Cùng một đoàn, hai huyện cùng tiếp"),
	    0, "link");
	assert_non_null(strstr(out, "one event, counted once"));
	/* Again: the same verdict, nothing more. */
	expect(
	    CLI("activity", "link", UNIT_A "/dg-1", UNIT_B "/nh-7", "--same"),
	    0, "link again");

	consolidated(f, &in, &people, &once, &rows);
	assert_int_equal(in, 4);
	assert_int_equal(people, 40);
	assert_int_equal(once, 1);
	assert_int_equal(rows, 5);
	expect(CLI("consolidate", "--request", REF, "--format", "md"), 0,
	    "consolidate");
	assert_non_null(strstr(out, "không tính lại 1 hoạt động"));

	expect(CLI("activity", "link", UNIT_A "/dg-2", UNIT_B "/nh-9",
	           "--distinct"),
	    0, "distinct");
	assert_non_null(strstr(out, "two different events"));
	expect(CLI("activity", "duplicates", "--from", "2024", "--to", "2024"),
	    0, "duplicates after");
	assert_null(strstr(out, UNIT_B "/nh-9"));
	assert_non_null(strstr(out, "đã gộp"));

	/* A record that is not there. */
	assert_int_not_equal(
	    CLI("activity", "link", UNIT_A "/dg-404", UNIT_B "/nh-7", "--same"),
	    0);
	assert_non_null(
	    strstr(err, "activity dg-404 of unit " UNIT_A " not found"));
	expect(
	    CLI("audit", "--method", "/hoptac.v1.Activities/Link"), 0, "audit");
	assert_non_null(strstr(out, "dg-1"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
