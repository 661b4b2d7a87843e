/*
 * Who may do what, through the real hoptacd: every method called with
 * every role, no credential and a bad one; an office bound to its unit
 * (and to the units merged into it); revoked and expired credentials;
 * the audit trail of refusals, which nothing can change; the client's
 * rules for its credential.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dispatch.h"
#include "harness.h"
#include "rpc.h"
#include "status.h"

#define OFFICE   (1u << HOPTAC__V1__ROLE__ROLE_OFFICE)
#define REVIEWER (1u << HOPTAC__V1__ROLE__ROLE_REVIEWER)
#define ADMIN    (1u << HOPTAC__V1__ROLE__ROLE_ADMIN)
#define PEER     (1u << HOPTAC__V1__ROLE__ROLE_PEER)
#define ANYONE   (OFFICE | REVIEWER | ADMIN | PEER)
#define PUBLIC   0u

static char out[256 * 1024];
static char err[64 * 1024];

/* The rules as docs/SECURITY.md states them, written here again on
 * purpose: a change to the server's table must change this one too. */
static const struct {
	const char *method;
	unsigned roles;
} expected[] = {
    {"/hoptac.v1.Health/Check", PUBLIC},
    {"/hoptac.v1.Reflection/ListServices", ANYONE},
    {"/hoptac.v1.Units/Create", ADMIN | PEER},
    {"/hoptac.v1.Units/List", ANYONE},
    {"/hoptac.v1.Units/Amend", ADMIN},
    {"/hoptac.v1.Partners/List", ANYONE},
    {"/hoptac.v1.Activities/Submit", OFFICE | PEER},
    {"/hoptac.v1.Activities/Get", ANYONE},
    {"/hoptac.v1.Activities/List", ANYONE},
    {"/hoptac.v1.Activities/Amend", OFFICE | PEER},
    {"/hoptac.v1.Activities/Withdraw", OFFICE | PEER},
    {"/hoptac.v1.Requests/Create", REVIEWER | PEER},
    {"/hoptac.v1.Requests/Get", ANYONE},
    {"/hoptac.v1.Requests/List", ANYONE},
    {"/hoptac.v1.Reports/Submit", OFFICE | PEER},
    {"/hoptac.v1.Reports/Check", OFFICE | PEER},
    {"/hoptac.v1.Reports/Get", ANYONE},
    {"/hoptac.v1.Reports/List", ANYONE},
    {"/hoptac.v1.Reports/Review", REVIEWER},
    {"/hoptac.v1.Aggregates/Completeness", REVIEWER | ADMIN},
    {"/hoptac.v1.Aggregates/ReportingRate", REVIEWER | ADMIN},
    {"/hoptac.v1.Aggregates/Summary", ANYONE},
    {"/hoptac.v1.Aggregates/Consolidate", REVIEWER | ADMIN},
    {"/hoptac.v1.Sync/Pull", OFFICE | REVIEWER | PEER},
    {"/hoptac.v1.Conflicts/List", REVIEWER},
    {"/hoptac.v1.Conflicts/Resolve", REVIEWER},
    {"/hoptac.v1.Credentials/Issue", ADMIN},
    {"/hoptac.v1.Credentials/List", ADMIN},
    {"/hoptac.v1.Credentials/Revoke", ADMIN},
    {"/hoptac.v1.Credentials/WhoAmI", ANYONE},
    {"/hoptac.v1.Credentials/RegisterKey", OFFICE},
    {"/hoptac.v1.Credentials/GetKey", REVIEWER | ADMIN | PEER},
    {"/hoptac.v1.Audit/Search", REVIEWER | ADMIN},
    {"/hoptac.v1.Audit/Prune", ADMIN},
    {"/hoptac.v1.Partners/Add", ADMIN},
    {"/hoptac.v1.Partners/Alias", ADMIN},
    {"/hoptac.v1.Activities/Duplicates", REVIEWER | ADMIN},
    {"/hoptac.v1.Activities/Link", REVIEWER},
};

#define N_EXPECTED (sizeof(expected) / sizeof(expected[0]))

/* One token per role, issued at setup. */
struct fixture {
	struct harness h;
	char office[128];    /* KT-DAKGLEI's office */
	char successor[128]; /* QNG-XA-DAKGLEI's office, which took it over */
	char reviewer[128];
	char admin[128];
	char peer[128];
};

#define expect(got, want, what) harness_expect(got, want, what, out, err)

/* Runs the CLI with token as its credential ("" for none). */
static int
cli_as(struct fixture *f, const char *token, ...)
{
	const char *argv[24];
	int n = 0, rc;
	va_list ap;

	va_start(ap, token);
	for (const char *a; n < 23 && (a = va_arg(ap, const char *)) != NULL;)
		argv[n++] = a;
	va_end(ap);
	while (n < 23)
		argv[n++] = NULL;
	setenv("HOPTAC_TOKEN", token, 1);
	rc = harness_cli(&f->h, out, sizeof(out), err, sizeof(err), argv[0],
	    argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], argv[7],
	    argv[8], argv[9], argv[10], argv[11], argv[12], argv[13], argv[14],
	    argv[15], argv[16], argv[17], argv[18], argv[19], argv[20],
	    argv[21], argv[22], NULL);
	unsetenv("HOPTAC_TOKEN");
	return rc;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	harness_start(&f->h, HARNESS_TCP, 0);
	expect(cli_as(f, f->h.token, "unit", "import",
	           harness_data("units-2024.csv"), NULL),
	    0, "units");
	expect(cli_as(f, f->h.token, "import",
	           harness_data("dak-glei-2024.csv"), NULL),
	    0, "activities");
	harness_issue(&f->h, "Văn thư huyện Đắk Glei", OFFICE, "KT-DAKGLEI",
	    f->office, sizeof(f->office));
	harness_issue(&f->h, "Văn thư xã Đắk Glei", OFFICE, "QNG-XA-DAKGLEI",
	    f->successor, sizeof(f->successor));
	harness_issue(&f->h, "Phòng Hợp tác quốc tế", REVIEWER, NULL,
	    f->reviewer, sizeof(f->reviewer));
	harness_issue(
	    &f->h, "Quản trị", ADMIN, NULL, f->admin, sizeof(f->admin));
	harness_issue(
	    &f->h, "Máy chủ tỉnh", PEER, NULL, f->peer, sizeof(f->peer));
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

/* Calls method with an empty request as token; the status. */
static int
call_empty(struct fixture *f, const char *method, const char *token)
{
	const struct method *m = dispatch_find(method);
	struct rpc_client_options opt = {5000, NULL, 1};
	struct rpc_client_status st;
	ProtobufCMessage *resp = NULL;
	struct rpc_client *c = harness_client_as(&f->h, token);

	assert_non_null(m);
	rpc_client_call_packed(c, method, (const uint8_t *)"", 0,
	    m->desc->output, &resp, &opt, &st);
	if (resp != NULL)
		protobuf_c_message_free_unpacked(resp, NULL);
	rpc_client_close(c);
	return st.code;
}

/* Every method, every role: refused with PERMISSION_DENIED when the
 * role may not call it, never refused for who called otherwise; with
 * no credential UNAUTHENTICATED (but Health), with a forged one always
 * UNAUTHENTICATED. */
static void
test_every_method_every_role(void **state)
{
	struct fixture *f = *state;
	const struct {
		unsigned role;
		const char *token;
	} who[] = {{OFFICE, f->office}, {REVIEWER, f->reviewer},
	    {ADMIN, f->admin}, {PEER, f->peer}};
	char forged[128];

	assert_int_equal(dispatch_init(), 0);
	/* A method the server has and this table lacks fails here. */
	assert_int_equal(dispatch_count(), N_EXPECTED);
	snprintf(forged, sizeof(forged), "%.24s%s", f->office,
	    "0000000000000000000000000000000000000000000000000000000000000000");
	for (size_t i = 0; i < N_EXPECTED; i++) {
		const char *m = expected[i].method;
		int code;

		for (size_t r = 0; r < 4; r++) {
			code = call_empty(f, m, who[r].token);
			if (expected[i].roles == PUBLIC ||
			    (expected[i].roles & who[r].role))
				assert_true(code != STATUS_PERMISSION_DENIED &&
				    code != STATUS_UNAUTHENTICATED);
			else if (code != STATUS_PERMISSION_DENIED)
				fail_msg("%s as role %u: %s, expected "
				         "PERMISSION_DENIED",
				    m, who[r].role, status_name(code));
		}
		code = call_empty(f, m, NULL);
		assert_int_equal(code,
		    expected[i].roles == PUBLIC ? STATUS_OK
		                                : STATUS_UNAUTHENTICATED);
		assert_int_equal(
		    call_empty(f, m, forged), STATUS_UNAUTHENTICATED);
		assert_int_equal(call_empty(f, m, "hoptac1_nonsense"),
		    STATUS_UNAUTHENTICATED);
	}
}

static long
count_lines(const char *text, const char *needle)
{
	long n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* The office writes and reads its own unit only, and what it is refused
 * changes nothing. */
static void
test_office_bound_to_its_unit(void **state)
{
	struct fixture *f = *state;
	struct rpc_client *dept = harness_client(&f->h);
	long all = harness_count(dept, ""),
	     mine = harness_count(dept, "KT-DAKGLEI");

	/* Its own unit: yes. Another's: refused, nothing stored. */
	expect(cli_as(f, f->office, "activity", "add", "--unit", "KT-DAKGLEI",
	           "--partner", "Xê Kông", "--kind", "conference", "--start",
	           "2024-06-01", "--title", "Hội nghị giao ban", "--id",
	           "auth-own-1", NULL),
	    0, "own unit");
	expect(cli_as(f, f->office, "activity", "add", "--unit", "KT-DAKTO",
	           "--partner", "Xê Kông", "--kind", "conference", "--start",
	           "2024-06-01", "--title", "Not mine", "--id", "auth-other-1",
	           NULL),
	    77, "another unit");
	assert_non_null(
	    strstr(err, "hint: your credential's role or unit does not"));
	assert_non_null(strstr(err, "may not change records of KT-DAKTO"));
	assert_int_equal(harness_count(dept, ""), all + 1);
	assert_int_equal(harness_count(dept, "KT-DAKTO"), 0);

	/* A record of another unit: not visible, not changeable; to the
	 * office it is not there (a refusal would say that it is). */
	expect(cli_as(f, f->h.token, "activity", "add", "--unit", "KT-DAKTO",
	           "--partner", "Xê Kông", "--kind", "conference", "--start",
	           "2024-06-02", "--title", "Đắk Tô's", "--id", "auth-dakto-1",
	           NULL),
	    0, "peer writes for Đắk Tô");
	expect(cli_as(f, f->office, "activity", "show", "auth-dakto-1", NULL),
	    4, "show another unit's");
	assert_non_null(strstr(err, "activity auth-dakto-1 not found"));
	assert_null(strstr(err, "KT-DAKTO"));
	expect(cli_as(f, f->office, "activity", "amend", "auth-dakto-1",
	           "--people", "99", NULL),
	    4, "amend another unit's");
	assert_non_null(strstr(err, "activity auth-dakto-1 not found"));
	assert_null(strstr(err, "KT-DAKTO"));
	expect(
	    cli_as(f, f->office, "activity", "withdraw", "auth-dakto-1", NULL),
	    4, "withdraw another unit's");
	assert_non_null(strstr(err, "activity auth-dakto-1 not found"));
	assert_null(strstr(err, "KT-DAKTO"));
	expect(cli_as(f, f->h.token, "activity", "show", "auth-dakto-1",
	           "--json", NULL),
	    0, "show as the department");
	assert_non_null(strstr(out, "\"version\":1"));
	/* Not "99" alone: a time or an id in the record may hold it. */
	assert_null(strstr(out, "\"people\":99"));

	/* Lists default to its unit; another unit's list is refused. */
	expect(cli_as(f, f->office, "activity", "list", NULL), 0, "list");
	assert_non_null(strstr(out, "auth-own-1"));
	assert_null(strstr(out, "KT-DAKTO"));
	assert_int_equal(count_lines(out, "KT-DAKGLEI"), mine + 1);
	expect(cli_as(f, f->office, "activity", "list", "--unit", "KT-DAKTO",
	           NULL),
	    77, "list another unit");

	/* Its summary counts its own records only. */
	expect(cli_as(f, f->office, "summary", "--from", "2020", "--to", "2030",
	           "--by", "unit", NULL),
	    0, "summary");
	assert_non_null(strstr(out, "KT-DAKGLEI"));
	assert_null(strstr(out, "KT-DAKTO"));

	/* Administration: never. */
	expect(cli_as(f, f->office, "unit", "add", "KT-FAKE", "Giả", "--kind",
	           "other", "--province", "Kon Tum", NULL),
	    77, "unit add");
	expect(cli_as(f, f->office, "admin", "issue", "--name", "me", "--role",
	           "admin", NULL),
	    77, "issue itself an admin credential");
	expect(
	    cli_as(f, f->h.token, "unit", "list", "--all", NULL), 0, "units");
	assert_null(strstr(out, "KT-FAKE"));

	/* Pull: its own unit only. */
	expect(cli_as(f, f->office, "sync", "--unit", "KT-DAKTO", NULL), 77,
	    "pull another unit");
	/* Without --unit, sync pulls for the unit its credential names. */
	expect(cli_as(f, f->h.token, "request", "create", "R-AUTH-1",
	           "--issuer", "KT-SNGV", "--issued", "2024-05-02", "--title",
	           "báo cáo", "--from", "2024", "--due", "2024-06-01", "--unit",
	           "KT-DAKGLEI", NULL),
	    0, "a request to Đắk Glei");
	expect(cli_as(f, f->office, "sync", NULL), 0, "pull its own");
	expect(cli_as(f, f->office, "inbox", NULL), 0, "inbox");
	assert_non_null(strstr(out, "R-AUTH-1"));
	rpc_client_close(dept);
}

/* The office of the unit that took over Đắk Glei in 2025 reads its
 * history, but cannot change it. */
static void
test_successor_reads_history(void **state)
{
	struct fixture *f = *state;

	expect(cli_as(f, f->successor, "activity", "list", "--unit",
	           "KT-DAKGLEI", NULL),
	    0, "predecessor's list");
	assert_non_null(strstr(out, "dakglei-2024-001"));
	expect(cli_as(f, f->successor, "activity", "show", "dakglei-2024-001",
	           NULL),
	    0, "predecessor's record");
	expect(cli_as(f, f->successor, "activity", "amend", "dakglei-2024-001",
	           "--people", "1", NULL),
	    77, "amend the predecessor's");
	/* And the predecessor's office does not read its successor's. */
	expect(cli_as(f, f->office, "activity", "list", "--unit",
	           "QNG-XA-DAKGLEI", NULL),
	    77, "successor's list");
}

/* Revoked and expired credentials are refused from the next call; the
 * refusals are in the audit trail, which no statement can change. */
static void
test_revoke_expire_audit(void **state)
{
	struct fixture *f = *state;
	char tok[128], expired[128], id[24], sql[2600], del[1200], upd[1200];

	harness_issue(&f->h, "Tạm thời", REVIEWER, NULL, tok, sizeof(tok));
	expect(cli_as(f, tok, "whoami", NULL), 0, "whoami");
	assert_non_null(strstr(out, "Tạm thời, reviewer"));
	snprintf(id, sizeof(id), "%.16s", tok + 8);
	expect(cli_as(f, f->office, "admin", "revoke", id, NULL), 77,
	    "an office revokes");
	expect(cli_as(f, f->admin, "admin", "revoke", id, NULL), 0, "revoke");
	expect(cli_as(f, tok, "unit", "list", NULL), 77, "after revoke");
	assert_non_null(strstr(err, "was revoked"));
	expect(cli_as(f, f->admin, "admin", "revoke", id, NULL), 4,
	    "revoke again");
	expect(cli_as(f, f->admin, "admin", "list", NULL), 0, "list");
	assert_null(strstr(out, id));
	expect(
	    cli_as(f, f->admin, "admin", "list", "--all", NULL), 0, "list all");
	assert_non_null(strstr(out, id));

	expect(cli_as(f, f->admin, "admin", "issue", "--name", "Cũ", "--role",
	           "reviewer", "--expires", "2020-12-31", NULL),
	    0, "issue an expired one");
	snprintf(expired, sizeof(expired), "%.127s", out);
	expired[strcspn(expired, "\n")] = '\0';
	expect(cli_as(f, expired, "unit", "list", NULL), 77, "expired");
	assert_non_null(strstr(err, "has expired"));

	/* Office bound to nothing, mixed roles, an unknown unit: refused. */
	expect(cli_as(f, f->admin, "admin", "issue", "--name", "x", "--role",
	           "office", NULL),
	    3, "office without unit");
	expect(cli_as(f, f->admin, "admin", "issue", "--name", "x", "--role",
	           "office,reviewer", "--unit", "KT-DAKGLEI", NULL),
	    3, "office mixed");
	expect(cli_as(f, f->admin, "admin", "issue", "--name", "x", "--role",
	           "office", "--unit", "KT-NOWHERE", NULL),
	    3, "unknown unit");

	/* The trail: the revoked token's refusal, with who and where. */
	expect(cli_as(f, f->reviewer, "audit", "--refused", "--credential", id,
	           "--json", NULL),
	    0, "audit");
	assert_non_null(strstr(out, "was revoked"));
	assert_non_null(strstr(out, "\"peer\":\"127.0.0.1:"));
	expect(cli_as(f, f->reviewer, "audit", "--method", "Credentials/Revoke",
	           "--json", NULL),
	    0, "audit of revocations");
	assert_non_null(strstr(out, "\"target\":\"credential "));
	assert_non_null(strstr(out, "\"roles\":\"admin\""));
	assert_non_null(strstr(out, "\"roles\":\"office\""));
	expect(cli_as(f, f->office, "audit", NULL), 77, "an office audits");

	/* Append-only, whoever opens the file. The rows are first settled
	 * into the trail's table (a stop settles what waits): a search
	 * reads the waiting ones too and no longer settles them, and a
	 * DELETE of no row would refuse nothing. */
	harness_stop(&f->h);
	harness_sql_command(&f->h, "DELETE FROM audit", del, sizeof(del));
	harness_sql_command(
	    &f->h, "UPDATE audit SET status = 0", upd, sizeof(upd));
	snprintf(sql, sizeof(sql),
	    "%s 2>&1 | grep -q append-only && %s 2>&1 | grep -q append-only",
	    del, upd);
	assert_int_equal(system(sql), 0);
	harness_restart(&f->h);
}

/* The client never takes a credential from a file others can read, and
 * never sends one in clear beyond the loopback. */
static void
test_client_credential_rules(void **state)
{
	struct fixture *f = *state;
	char path[400];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/office.token", f->h.dir);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "%s\n", f->office);
	fclose(fp);
	chmod(path, 0644);
	setenv("HOPTAC_TOKEN_FILE", path, 1);
	expect(cli_as(f, "", "whoami", NULL), 77, "a readable token file");
	assert_non_null(strstr(err, "chmod 600"));
	chmod(path, 0600);
	expect(cli_as(f, "", "whoami", NULL), 0, "a private token file");
	assert_non_null(strstr(out, "office of KT-DAKGLEI"));
	unsetenv("HOPTAC_TOKEN_FILE");
	/* Refused before anything is sent: the address is unroutable. */
	expect(cli_as(f, f->office, "--server", "tcp://192.0.2.1:7420",
	           "whoami", NULL),
	    78, "plaintext beyond loopback");
	assert_non_null(strstr(err, "refusing to send a credential in clear"));
}

/* The number of credentials in h's database, read with sqlite3. */
static long
credentials_stored(struct harness *h)
{
	char cmd[1200], buf[32] = "";
	FILE *p;

	harness_sql_command(
	    h, "SELECT count(*) FROM credentials", cmd, sizeof(cmd));
	assert_non_null(p = popen(cmd, "r"));
	assert_non_null(fgets(buf, sizeof(buf), p));
	pclose(p);
	return atol(buf);
}

/* hoptacd init refuses a database a server holds; it and hoptac admin
 * issue refuse a token file that exists, before any credential is made. */
static void
test_init_refusals(void **state)
{
	struct fixture *f = *state;
	char path[400];
	long before;

	snprintf(path, sizeof(path), "%s/admin.token", f->h.dir);
	expect(harness_hoptacd(&f->h, out, sizeof(out), err, sizeof(err),
	           "init", "-F", "-D", f->h.db, NULL),
	    1, "init while the server runs");
	assert_non_null(strstr(err, "in use by another process"));
	before = credentials_stored(&f->h);
	expect(cli_as(f, f->admin, "admin", "issue", "--name", "x", "--role",
	           "reviewer", "--output", path, NULL),
	    1, "issue to an existing token file");
	assert_non_null(strstr(err, "exists"));
	assert_int_equal(credentials_stored(&f->h), before);
	harness_stop(&f->h);
	expect(harness_hoptacd(&f->h, out, sizeof(out), err, sizeof(err),
	           "init", "-F", "-D", f->h.db, "-o", path, NULL),
	    1, "init to an existing token file");
	assert_non_null(strstr(err, "exists"));
	assert_int_equal(credentials_stored(&f->h), before);
	harness_restart(&f->h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    /* First: the refusals of every method with every kind of bad
	     * credential fill the minute's groups (writer.c), after which
	     * a refusal is counted with the others, not in its own row. */
	    cmocka_unit_test(test_revoke_expire_audit),
	    cmocka_unit_test(test_every_method_every_role),
	    cmocka_unit_test(test_office_bound_to_its_unit),
	    cmocka_unit_test(test_successor_reads_history),
	    cmocka_unit_test(test_client_credential_rules),
	    cmocka_unit_test(test_init_refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
