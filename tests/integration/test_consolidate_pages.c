/*
 * The consolidated report of a request that 200 units answer, each with
 * a report at the limit of one report's text: hoptac consolidate writes
 * the whole document, every unit's every section in it, although the
 * texts together are many times the limit of one reply. A report over the
 * limit is refused, its message naming the limit and the largest section.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "rpc.h"
#include "validate.h"

#define REF        "99/SNgV-TONGHOP"
#define ISSUER     "KT-SNGV-TH"
#define N_UNITS    200
#define SECTIONS   7 /* situation, two results, four sections after */
#define TIMEOUT    60000
#define MARK_LEN   32
#define MARK_CHARS 10 /* "MOCU017S3A" */

static char out[64 * 1024];
static char err[64 * 1024];

/* The marks that open and close a section's text ("MOCU017S3A"): each
 * must come out once in the document. */
static void
mark(char *buf, size_t len, int unit, int section, char end)
{
	snprintf(buf, len, "MOCU%03dS%d%c", unit, section, end);
}

/* A section's text of exactly bytes bytes: its marks around Vietnamese
 * letters (three bytes each in UTF-8), padded with ASCII. Heap. */
static char *
section_text(int unit, int section, size_t bytes)
{
	char a[MARK_LEN], z[MARK_LEN];
	char *s = malloc(bytes + 1);
	size_t n, pos;

	assert_non_null(s);
	mark(a, sizeof(a), unit, section, 'A');
	mark(z, sizeof(z), unit, section, 'Z');
	pos = (size_t)sprintf(s, "%s ", a);
	n = bytes - pos - strlen(z) - 1;
	for (; n >= 3; n -= 3, pos += 3) {
		static const char yee[3] = {'\xe1', '\xbb', '\x87'}; /* ệ */

		memcpy(s + pos, yee, sizeof(yee));
	}
	for (; n > 0; n--)
		s[pos++] = 'x';
	pos += (size_t)sprintf(s + pos, " %s", z);
	assert_int_equal(pos, bytes);
	return s;
}

/* The sections of a report whose texts together are total bytes. */
struct big_report {
	Hoptac__V1__Report rep;
	Hoptac__V1__ReportResult res[2], *resp[2];
	char *texts[SECTIONS];
};

static void
big_report_make(struct big_report *b, int unit, size_t total)
{
	char **slot[SECTIONS];

	hoptac__v1__report__init(&b->rep);
	for (int i = 0; i < 2; i++) {
		hoptac__v1__report_result__init(&b->res[i]);
		b->resp[i] = &b->res[i];
	}
	slot[0] = &b->rep.situation;
	slot[1] = &b->res[0].text;
	slot[2] = &b->res[1].text;
	slot[3] = &b->rep.limitations;
	slot[4] = &b->rep.causes;
	slot[5] = &b->rep.directions;
	slot[6] = &b->rep.proposals;
	for (int s = 0; s < SECTIONS; s++) {
		size_t bytes = total / SECTIONS +
		    (s == SECTIONS - 1 ? total % SECTIONS : 0);

		b->texts[s] = section_text(unit, s, bytes);
		*slot[s] = b->texts[s];
	}
	b->rep.n_results = 2;
	b->rep.results = b->resp;
	b->rep.request_reference = (char *)REF;
	b->rep.signer = (char *)"Nguyễn Văn A";
	b->rep.submitted_at_ms = rpc_wall_ms();
}

static void
big_report_free(struct big_report *b)
{
	for (int s = 0; s < SECTIONS; s++)
		free(b->texts[s]);
}

static void
unit_code(char *buf, size_t len, int unit)
{
	snprintf(buf, len, "KT-XA%03d", unit);
}

static int
submit(
    struct rpc_client *c, int unit, size_t total, struct rpc_client_status *st)
{
	Hoptac__V1__SubmitReportRequest req =
	    HOPTAC__V1__SUBMIT_REPORT_REQUEST__INIT;
	struct rpc_client_options opt = {TIMEOUT, NULL, 0};
	ProtobufCMessage *resp = NULL;
	struct big_report b;
	char code[32], id[48];

	big_report_make(&b, unit, total);
	unit_code(code, sizeof(code), unit);
	snprintf(id, sizeof(id), "rep-%s-%zu", code, total);
	b.rep.unit_code = code;
	b.rep.id = id;
	req.report = &b.rep;
	rpc_client_call(c, "/hoptac.v1.Reports/Submit", &req.base,
	    &hoptac__v1__submit_report_response__descriptor, &resp, &opt, st);
	if (resp != NULL)
		protobuf_c_message_free_unpacked(resp, NULL);
	big_report_free(&b);
	return st->code;
}

static void
create_request(struct rpc_client *c)
{
	char codes[N_UNITS][32], *ptrs[N_UNITS];

	for (int i = 0; i < N_UNITS; i++) {
		unit_code(codes[i], sizeof(codes[i]), i);
		ptrs[i] = codes[i];
	}
	harness_request(c, REF, ISSUER, ptrs, N_UNITS);
}

static int
setup(void **state)
{
	static struct harness hs;
	struct rpc_client *c;

	harness_start(&hs, HARNESS_TCP, 0);
	c = harness_client(&hs);
	harness_unit(c, ISSUER, "Sở Ngoại vụ tỉnh Kon Tum");
	for (int i = 0; i < N_UNITS; i++) {
		char code[32], name[64];

		unit_code(code, sizeof(code), i);
		snprintf(name, sizeof(name), "UBND xã số %d", i);
		harness_unit(c, code, name);
	}
	create_request(c);
	rpc_client_close(c);
	*state = &hs;
	return 0;
}

/* One byte over the limit: refused, the message naming the limit and the
 * largest section, and nothing stored. */
static void
test_over_limit(void **state)
{
	struct harness *h = *state;
	struct rpc_client *c = harness_client(h);
	struct rpc_client_status st;
	char limit[32];

	assert_int_equal(submit(c, 0, VALIDATE_REPORT_TEXT_MAX + 1, &st),
	    STATUS_INVALID_ARGUMENT);
	snprintf(limit, sizeof(limit), "%d bytes", VALIDATE_REPORT_TEXT_MAX);
	if (strstr(st.message, limit) == NULL ||
	    strstr(st.message, "proposals") == NULL)
		fail_msg("the refusal does not name the limit (%s) and the "
		         "largest section (proposals): %s",
		    limit, st.message);
	assert_int_equal(
	    submit(c, 0, VALIDATE_REPORT_TEXT_MAX, &st), STATUS_OK);
	rpc_client_close(c);
}

/* Every unit at the limit: the document holds every section of every
 * unit, once. */
static void
test_every_unit_at_limit(void **state)
{
	struct harness *h = *state;
	struct rpc_client *c = harness_client(h);
	struct rpc_client_status st;
	static unsigned char seen[N_UNITS][SECTIONS][2];
	char path[512];
	struct stat sb;
	FILE *f;
	char *doc, *p;
	size_t len, missing = 0, twice = 0;

	/* Unit 0 answered in the test above, when run alone it does here. */
	for (int i = 0; i < N_UNITS; i++)
		if (submit(c, i, VALIDATE_REPORT_TEXT_MAX, &st) != STATUS_OK)
			fail_msg("unit %d: %s %s", i, status_name(st.code),
			    st.message);
	rpc_client_close(c);

	snprintf(path, sizeof(path), "%s/tonghop.md", h->dir);
	harness_expect(harness_cli(h, out, sizeof(out), err, sizeof(err),
	                   "--timeout", "60000", "consolidate", "--request",
	                   REF, "--output", path, NULL),
	    0, "consolidate", out, err);
	assert_int_equal(stat(path, &sb), 0);
	len = (size_t)sb.st_size;
	assert_true(len > (size_t)N_UNITS * VALIDATE_REPORT_TEXT_MAX);
	doc = malloc(len + 1);
	assert_non_null(doc);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(doc, 1, len, f), len);
	fclose(f);
	doc[len] = '\0';

	memset(seen, 0, sizeof(seen));
	/* One pass by hand: a search or scan function per mark would read
	 * the whole document each time under AddressSanitizer. */
	for (p = doc; p + MARK_CHARS <= doc + len; p++) {
		int u, s;

		if (p[0] != 'M' || memcmp(p, "MOCU", 4) != 0 ||
		    !isdigit((unsigned char)p[4]) ||
		    !isdigit((unsigned char)p[5]) ||
		    !isdigit((unsigned char)p[6]) || p[7] != 'S' ||
		    !isdigit((unsigned char)p[8]) ||
		    (p[9] != 'A' && p[9] != 'Z'))
			continue;
		u = (p[4] - '0') * 100 + (p[5] - '0') * 10 + (p[6] - '0');
		s = p[8] - '0';
		if (u < N_UNITS && s < SECTIONS)
			twice += seen[u][s][p[9] == 'Z']++ > 0;
	}
	for (int u = 0; u < N_UNITS; u++)
		for (int s = 0; s < SECTIONS; s++)
			missing += !seen[u][s][0] + !seen[u][s][1];
	free(doc);
	if (missing > 0 || twice > 0)
		fail_msg("%zu section marks missing, %zu written twice",
		    missing, twice);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_over_limit),
	    cmocka_unit_test(test_every_unit_at_limit),
	};

	return cmocka_run_group_tests(tests, setup, harness_teardown);
}
