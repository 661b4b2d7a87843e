/*
 * The audit trail's retention: `hoptac audit archive` keeps the old rows
 * in a file with its checksum, and the server removes exactly those rows
 * and records that it did; every other removal is still refused, and a
 * prune that does not match what was archived removes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "method.h"

static char out[1024 * 1024];
static char err[64 * 1024];

#define CLI(...)                                                               \
	harness_cli(h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)
#define expect(got, want, what) harness_expect(got, want, what, out, err)

/* The rows `hoptac --json audit` shows (at most 1,000), and the newest
 * one's sequence number in *newest. */
static size_t
audit_rows(struct harness *h, int64_t *newest)
{
	json_object *o, *entries;
	size_t n;

	expect(CLI("--json", "audit", "--limit", "1000"), 0, "audit");
	assert_non_null(o = json_tokener_parse(out));
	if (!json_object_object_get_ex(o, "entries", &entries)) {
		json_object_put(o);
		return 0;
	}
	n = json_object_array_length(entries);
	if (newest != NULL && n > 0) {
		json_object *seq;

		assert_true(json_object_object_get_ex(
		    json_object_array_get_idx(entries, 0), "seq", &seq));
		*newest = json_object_get_int64(seq);
	}
	json_object_put(o);
	return n;
}

static size_t
lines_of(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	int ch;

	assert_non_null(f);
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

static void
test_archive_and_prune(void **state)
{
	struct harness *h = *state;
	char path[400], cmd[2600], del[1200], del2[1200];
	struct stat sb;
	size_t before, after;
	int64_t newest = 0;

	(void)state;
	expect(CLI("unit", "add", "KT-ARCH1", "UBND xã Một", "--kind",
	           "commune_committee"),
	    0, "unit add");
	expect(CLI("unit", "add", "KT-ARCH2", "UBND xã Hai", "--kind",
	           "commune_committee"),
	    0, "unit add");
	before = audit_rows(h, &newest);
	assert_true(before >= 3);

	snprintf(path, sizeof(path), "%s/audit-2099.jsonl", h->dir);
	expect(
	    CLI("audit", "archive", "--until", "2099-12-31", "--output", path),
	    0, "archive");
	assert_non_null(strstr(out, "removed"));
	/* Every row but the newest, one line each, private, with a
	 * checksum sha256sum accepts. */
	assert_int_equal(lines_of(path), before - 1);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(cmd, sizeof(cmd), "cd '%s' && sha256sum -c --quiet %s", h->dir,
	    "audit-2099.jsonl.sha256");
	assert_int_equal(system(cmd), 0);

	/* Left: the newest row, and the prune's own. */
	after = audit_rows(h, NULL);
	assert_int_equal(after, 2);
	/* Still append-only for everyone else. */
	harness_sql_command(h, "DELETE FROM audit", del, sizeof(del));
	harness_sql_command(
	    h, "DELETE FROM audit_archives", del2, sizeof(del2));
	snprintf(cmd, sizeof(cmd),
	    "%s 2>&1 | grep -q append-only && %s 2>&1 | grep -q append-only",
	    del, del2);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(audit_rows(h, NULL), 2);
}

/* A prune that is not what was archived (another digest, or the newest
 * row) removes nothing and says why. */
static void
test_prune_refused(void **state)
{
	struct harness *h = *state;
	struct rpc_client *c = harness_client(h);
	Hoptac__V1__PruneAuditRequest req =
	    HOPTAC__V1__PRUNE_AUDIT_REQUEST__INIT;
	ProtobufCMessage *resp = NULL;
	struct rpc_client_status st;
	char zeros[65];
	int64_t newest = 0;
	size_t before = audit_rows(h, &newest);

	memset(zeros, '0', 64);
	zeros[64] = '\0';
	req.through_seq = newest - 1;
	req.count = 1;
	req.sha256 = zeros;
	rpc_client_invoke(c, METHOD_AUDIT_PRUNE, &req.base, &resp, NULL, &st);
	assert_int_equal(st.code, STATUS_FAILED_PRECONDITION);
	assert_non_null(strstr(st.message, "not what was archived"));
	req.sha256 = (char *)"not hex";
	rpc_client_invoke(c, METHOD_AUDIT_PRUNE, &req.base, &resp, NULL, &st);
	assert_int_equal(st.code, STATUS_INVALID_ARGUMENT);
	assert_null(resp);
	rpc_client_close(c);
	/* The rows are all there, and each refusal is itself recorded. */
	assert_int_equal(audit_rows(h, NULL), before + 2);
}

static int
setup(void **state)
{
	static struct harness hs;

	harness_start(&hs, HARNESS_TCP, 0);
	*state = &hs;
	return 0;
}

static int
teardown(void **state)
{
	harness_cleanup(*state);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_archive_and_prune),
	    cmocka_unit_test(test_prune_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
