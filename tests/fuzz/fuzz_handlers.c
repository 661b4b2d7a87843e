/*
 * Every method's handler after its check, against a real store: the
 * request goes through what fuzz_messages runs (the payload checked on
 * the wire, unpacked, the method's check), and when the check passes the
 * method's handler runs as the server would run it, on a sqlite database
 * of this process, and its reply is packed as the server packs it.
 *
 * An input is a byte choosing the method (dispatch_at, modulo the
 * table's size), a byte choosing the caller among those the method
 * admits (a department, two offices, a reviewer, an administrator), then
 * the payload.
 *
 * The database is made once per process in a temporary directory and
 * holds a small reporting round (units, a request, activities, a report,
 * a credential), put there through the handlers themselves; it is removed
 * at exit. Each input runs in a transaction rolled back after it, so
 * every input meets the same database and thousands run each second. The
 * server is a zeroed struct server with a credential table: what Health
 * and the credentials' after_commit read of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dispatch.h"
#include "fuzz.h"
#include "hoptac/v1/services.pb-c.h"
#include "role.h"
#include "rpc.h"
#include "server_impl.h"
#include "store.h"

#define FUZZ_UNIT      "KT-DAKGLEI"
#define FUZZ_OTHER     "KT-DAKTO"
#define FUZZ_REFERENCE "558/SNgV-BGHTQT"

/* The callers an input may be, by its second byte. */
static const struct auth_principal fuzz_callers[] = {
    {"fz-dept", "Sở Ngoại vụ", ROLES_REVIEWER | ROLES_ADMIN | ROLES_PEER, ""},
    {"fz-office", "UBND huyện Đắk Glei", ROLES_OFFICE, FUZZ_UNIT},
    {"fz-other", "UBND huyện Đắk Tô", ROLES_OFFICE, FUZZ_OTHER},
    {"fz-reviewer", "Phòng Hợp tác", ROLES_REVIEWER, ""},
    {"fz-admin", "Quản trị", ROLES_ADMIN, ""},
};
#define FUZZ_N_CALLERS (sizeof(fuzz_callers) / sizeof(fuzz_callers[0]))

static struct server fuzz_server;
static struct store_conn *fuzz_db;
static char fuzz_dir[256];

/* Removes the database, its WAL files and their directory. */
static void
fuzz_cleanup(void)
{
	static const char *const files[] = {
	    "hoptac.db", "hoptac.db-wal", "hoptac.db-shm"};
	char path[320];

	store_close(fuzz_db);
	fuzz_db = NULL;
	auth_destroy(fuzz_server.auth);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir, files[i]);
		unlink(path);
	}
	rmdir(fuzz_dir);
}

/* Runs one call of m with input as caller who, as the server would: the
 * check, then the handler on the store (none for INLINE), the reply
 * packed, after_commit. The caller rolls the store back. Returns the
 * call's status. */
static int
fuzz_call(const struct method *m, ProtobufCMessage *input,
    const struct auth_principal *who)
{
	Hoptac__V1__Request env = HOPTAC__V1__REQUEST__INIT;
	struct call c;
	int rc = STATUS_OK;

	memset(&c, 0, sizeof(c));
	env.method = (char *)m->info->path;
	env.request_id = "fuzz-00000000-0000-4000-8000-000000000002";
	env.timeout_ms = RPC_TIMEOUT_DEFAULT_MS;
	c.srv = &fuzz_server;
	c.method = m;
	c.req = &env;
	c.input = input;
	c.who = *who;
	c.received_ms = rpc_now_ms();
	c.deadline_ms = c.received_ms + RPC_TIMEOUT_DEFAULT_MS;
	violations_init(&c.violations);
	if (m->check != NULL)
		rc = m->check(&c);
	if (rc == STATUS_OK) {
		c.status = STATUS_OK;
		rc =
		    m->run(&c, m->info->exec == METHOD_INLINE ? NULL : fuzz_db);
		if (rc == STATUS_OK)
			rc = call_pack_output(&c);
		if (m->after_commit != NULL)
			m->after_commit(&c, fuzz_db);
	}
	call_clear_outcome(&c);
	return rc;
}

/* One seed call, committed; aborts when it fails, since every input
 * would then meet a database other than the one documented above. */
static void
fuzz_seed(const char *path, ProtobufCMessage *input)
{
	const struct method *m = dispatch_find(path);
	uint8_t *buf;
	size_t len = protobuf_c_message_get_packed_size(input);
	ProtobufCMessage *copy;
	int rc;

	/* A heap copy, as the server unpacks it: checks normalize in
	 * place. */
	if (m == NULL || (buf = malloc(len + 1)) == NULL)
		abort();
	protobuf_c_message_pack(input, buf);
	copy = protobuf_c_message_unpack(m->desc->input, NULL, len, buf);
	free(buf);
	if (copy == NULL || store_begin(fuzz_db) != STATUS_OK)
		abort();
	rc = fuzz_call(m, copy, &fuzz_callers[0]);
	protobuf_c_message_free_unpacked(copy, NULL);
	if (rc != STATUS_OK || store_commit(fuzz_db) != STATUS_OK) {
		fprintf(stderr, "fuzz_handlers: seeding %s: %s\n", path,
		    status_name(rc));
		abort();
	}
}

static void
fuzz_seed_units(void)
{
	static const char *const units[][2] = {
	    {"KT-SNGV", "Sở Ngoại vụ tỉnh Kon Tum"},
	    {FUZZ_UNIT, "UBND huyện Đắk Glei"},
	    {FUZZ_OTHER, "UBND huyện Đắk Tô"},
	};
	Hoptac__V1__CreateUnitRequest req =
	    HOPTAC__V1__CREATE_UNIT_REQUEST__INIT;
	Hoptac__V1__Unit u = HOPTAC__V1__UNIT__INIT;

	req.unit = &u;
	u.kind = HOPTAC__V1__UNIT_KIND__UNIT_KIND_DISTRICT_COMMITTEE;
	u.province = "Kon Tum";
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		u.code = (char *)units[i][0];
		u.name = (char *)units[i][1];
		fuzz_seed("/hoptac.v1.Units/Create", &req.base);
	}
}

static void
fuzz_seed_round(void)
{
	static char *units[] = {FUZZ_UNIT, FUZZ_OTHER};
	static char *partners[] = {"LA-XE"};
	Hoptac__V1__CreateRequestRequest creq =
	    HOPTAC__V1__CREATE_REQUEST_REQUEST__INIT;
	Hoptac__V1__ReportingRequest r = HOPTAC__V1__REPORTING_REQUEST__INIT;
	Hoptac__V1__SubmitActivitiesRequest sub =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__Activity a = HOPTAC__V1__ACTIVITY__INIT,
	                     b = HOPTAC__V1__ACTIVITY__INIT, *ap[2] = {&a, &b};
	Hoptac__V1__SubmitReportRequest srep =
	    HOPTAC__V1__SUBMIT_REPORT_REQUEST__INIT;
	Hoptac__V1__Report rep = HOPTAC__V1__REPORT__INIT;
	Hoptac__V1__IssueCredentialRequest iss =
	    HOPTAC__V1__ISSUE_CREDENTIAL_REQUEST__INIT;
	Hoptac__V1__Role office = HOPTAC__V1__ROLE__ROLE_OFFICE;

	r.reference = FUZZ_REFERENCE;
	r.issuer_unit = "KT-SNGV";
	r.issued_on = "2024-05-02";
	r.title = "báo cáo tình hình hợp tác với tỉnh Sê Kông (Lào)";
	r.period_from = "2022-11";
	r.due_on = "2024-05-20";
	r.n_unit_codes = 2;
	r.unit_codes = units;
	creq.request = &r;
	fuzz_seed("/hoptac.v1.Requests/Create", &creq.base);

	/* The ids gen_seeds.c's Get, Amend and Withdraw name. */
	a.id = "dakglei-2024-001";
	a.unit_code = FUZZ_UNIT;
	a.n_partner_codes = 1;
	a.partner_codes = partners;
	a.kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT;
	a.start_date = "2023-03";
	a.title = "Đoàn công tác sang tỉnh Sê Kông";
	a.people = 10;
	b = a;
	b.id = "dakglei-2024-002";
	b.kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE;
	b.start_date = "2024-02-14";
	sub.n_activities = 2;
	sub.activities = ap;
	fuzz_seed("/hoptac.v1.Activities/Submit", &sub.base);

	rep.id = "0b5e7d1c-2f4a-4c8e-9a3b-6d1e2f3a4b5c";
	rep.request_reference = FUZZ_REFERENCE;
	rep.unit_code = FUZZ_UNIT;
	rep.situation = "Huyện Đắk Glei có chung đường biên giới.";
	rep.proposals = "Không.";
	rep.signer = "Y Thanh";
	rep.submitted_at_ms = 1715731200000;
	srep.report = &rep;
	fuzz_seed("/hoptac.v1.Reports/Submit", &srep.base);

	iss.name = "Văn thư Đắk Glei";
	iss.n_roles = 1;
	iss.roles = &office;
	iss.unit_code = FUZZ_UNIT;
	fuzz_seed("/hoptac.v1.Credentials/Issue", &iss.base);
}

/* The database and the server of every input, once. */
static void
fuzz_init(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[320], err[256] = "";

	if (dispatch_init() != 0)
		abort();
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/hoptac-fuzz-handlers.XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(fuzz_dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/hoptac.db", fuzz_dir);
	if (store_open(path, STORE_OPEN_CREATE, &fuzz_db, err, sizeof(err)) !=
	        STATUS_OK ||
	    (fuzz_server.auth = auth_create()) == NULL) {
		fprintf(stderr, "fuzz_handlers: %s\n", err);
		abort();
	}
	atexit(fuzz_cleanup);
	/* An input may write much within its transaction; the bound keeps
	 * the file small all the same. */
	store_limit_size(fuzz_db, 64LL * 1024 * 1024);
	fuzz_seed_units();
	fuzz_seed_round();
}

/* The caller the byte b picks among those m admits. */
static const struct auth_principal *
fuzz_caller(const struct method *m, uint8_t b)
{
	const struct auth_principal *admitted[FUZZ_N_CALLERS];
	size_t n = 0;

	for (size_t i = 0; i < FUZZ_N_CALLERS; i++)
		if (m->info->roles == ROLES_PUBLIC ||
		    (m->info->roles & fuzz_callers[i].roles) != 0)
			admitted[n++] = &fuzz_callers[i];
	return n > 0 ? admitted[b % n] : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const struct method *m;
	const struct auth_principal *who;
	ProtobufCMessage *input;

	if (!ready) {
		fuzz_init();
		ready = 1;
	}
	if (size < 2 || dispatch_count() == 0)
		return 0;
	m = dispatch_at(data[0] % dispatch_count());
	if ((who = fuzz_caller(m, data[1])) == NULL)
		return 0;
	data += 2;
	size -= 2;
	if ((input = fuzz_request_unpack(m, data, size)) == NULL)
		return 0;
	if (store_begin(fuzz_db) != STATUS_OK)
		abort();
	(void)fuzz_call(m, input, who);
	/* sqlite may have rolled the transaction back by itself (a full
	 * database); otherwise nothing of the input stays. */
	if (store_in_transaction(fuzz_db) &&
	    store_rollback(fuzz_db) != STATUS_OK)
		abort();
	protobuf_c_message_free_unpacked(input, NULL);
	return 0;
}
