/*
 * Bundles signed by their office (docs/bundle.md, "Signatures"), with the
 * real hoptacd and hoptac: a signed bundle applies; one changed after it
 * was signed (its checksums made right again), one signed by office A
 * with office B's records, one signed by a key the server does not
 * vouch for, one with no signature, and one whose office's credential
 * was revoked are refused whole, and nothing of them is stored; a
 * credential that may not make its calls sends nothing and writes no
 * receipt.
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

#include "bundle.h"
#include "harness.h"
#include "hoptac/v1/bundle.pb-c.h"
#include "status.h"

#define UNIT_A   "KT-DAKGLEI"
#define UNIT_B   "KT-NGOCHOI"
#define OFFICE   (1u << HOPTAC__V1__ROLE__ROLE_OFFICE)
#define REVIEWER (1u << HOPTAC__V1__ROLE__ROLE_REVIEWER)

static char out[64 * 1024];
static char err[64 * 1024];

struct fixture {
	struct harness h;
	char token_a[128], token_b[128];
	char outbox_a[400], outbox_b[400];
};

#define CLI(...)                                                               \
	harness_cli(                                                           \
	    &f->h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)
#define expect(got, want, what) harness_expect(got, want, what, out, err)

/* Runs a command as office A or B, with its own outbox (and so its own
 * key, beside it). */
#define AS(tok, box, ...)                                                      \
	({                                                                     \
		int as_rc_;                                                    \
		setenv("HOPTAC_TOKEN", (tok), 1);                              \
		as_rc_ = harness_cli(&f->h, out, sizeof(out), err,             \
		    sizeof(err), "--outbox", (box), __VA_ARGS__, NULL);        \
		unsetenv("HOPTAC_TOKEN");                                      \
		as_rc_;                                                        \
	})

static int
setup(void **state)
{
	static struct fixture fs;
	struct fixture *f = &fs;
	struct rpc_client *c;

	harness_start(&f->h, HARNESS_TCP, 0);
	c = harness_client(&f->h);
	harness_unit(c, UNIT_A, "UBND huyện Đắk Glei");
	harness_unit(c, UNIT_B, "UBND huyện Ngọc Hồi");
	rpc_client_close(c);
	harness_issue(&f->h, "Văn thư huyện Đắk Glei", OFFICE, UNIT_A,
	    f->token_a, sizeof(f->token_a));
	harness_issue(&f->h, "Văn thư huyện Ngọc Hồi", OFFICE, UNIT_B,
	    f->token_b, sizeof(f->token_b));
	snprintf(f->outbox_a, sizeof(f->outbox_a), "%.255s/a.db", f->h.dir);
	snprintf(f->outbox_b, sizeof(f->outbox_b), "%.255s/b.db", f->h.dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (f != NULL)
		harness_cleanup(&f->h);
	return 0;
}

static long
count(struct fixture *f, const char *unit)
{
	struct rpc_client *c = harness_client(&f->h);
	long n = harness_count(c, unit);

	rpc_client_close(c);
	return n;
}

/* A CSV of n activities of unit, ids prefix-0 .. prefix-(n-1). */
static void
write_csv(struct fixture *f, const char *name, const char *prefix, int n,
    const char *unit, char *path, size_t len)
{
	FILE *o;

	snprintf(path, len, "%s/%s", f->h.dir, name);
	assert_non_null(o = fopen(path, "w"));
	fputs("id,unit,partners,kind,start_date,title,people\n", o);
	for (int i = 0; i < n; i++)
		fprintf(o, "%s-%d,%s,Sê Kông,đoàn ra,%d/5/2024,Đoàn số %d,3\n",
		    prefix, i, unit, 1 + i, i);
	fclose(o);
}

/* Queues the CSV in office tok's outbox with the server down, and
 * exports the outbox to bundle (under the test's directory). */
static void
queue_and_export(struct fixture *f, const char *tok, const char *box,
    const char *csv, const char *name, char *bundle, size_t len)
{
	snprintf(bundle, len, "%s/%s", f->h.dir, name);
	harness_stop(&f->h);
	expect(AS(tok, box, "--timeout", "300", "import", csv), 0,
	    "import offline");
	expect(AS(tok, box, "export", bundle), 0, "export");
	harness_restart(&f->h);
}

/* Rewrites a bundle as someone who has it in hand could: fn changes the
 * message, then every checksum is made right again. */
static void
rewrite(const char *from, const char *to, void (*fn)(Hoptac__V1__Bundle *))
{
	char why[512];
	Hoptac__V1__Bundle *b = (Hoptac__V1__Bundle *)bundle_read_file(from,
	    BUNDLE_MAGIC, &hoptac__v1__bundle__descriptor, why, sizeof(why));

	if (b == NULL)
		fail_msg("%s", why);
	fn(b);
	for (size_t i = 0; i < b->n_entries; i++) {
		Hoptac__V1__BundleEntry *e = b->entries[i];

		bundle_entry_digest(e->method, e->request_id, e->payload.data,
		    e->payload.len, e->sha256.data);
	}
	if (bundle_write_file(to, BUNDLE_MAGIC, &b->base, why, sizeof(why)) !=
	    0)
		fail_msg("%s", why);
	hoptac__v1__bundle__free_unpacked(b, NULL);
}

/* The first activity's number of people, changed. */
static void
change_people(Hoptac__V1__Bundle *b)
{
	Hoptac__V1__BundleEntry *e = b->entries[0];
	Hoptac__V1__SubmitActivitiesRequest *r =
	    hoptac__v1__submit_activities_request__unpack(
	        NULL, e->payload.len, e->payload.data);

	assert_non_null(r);
	r->activities[0]->people = 300;
	free(e->payload.data);
	e->payload.len = protobuf_c_message_get_packed_size(&r->base);
	assert_non_null(e->payload.data = malloc(e->payload.len));
	protobuf_c_message_pack(&r->base, e->payload.data);
	hoptac__v1__submit_activities_request__free_unpacked(r, NULL);
}

static void
drop_signature(Hoptac__V1__Bundle *b)
{
	b->signature.len = 0;
}

/* Office A signs and the department applies; the same bundle changed
 * after signing is refused, and so is one with no signature. */
static void
test_signed_applies_changed_refused(void **state)
{
	struct fixture *f = *state;
	char csv[400], bundle[400], bad[420];
	struct stat sb;
	long before = count(f, UNIT_A);

	expect(AS(f->token_a, f->outbox_a, "key", "register"), 0, "register");
	assert_non_null(strstr(out, "registered for unit " UNIT_A));
	/* The private key is the office's alone. */
	snprintf(bad, sizeof(bad), "%s.key", f->outbox_a);
	assert_int_equal(stat(bad, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	expect(AS(f->token_a, f->outbox_a, "key", "register"), 0,
	    "register again");

	write_csv(f, "a.csv", "sig", 5, UNIT_A, csv, sizeof(csv));
	queue_and_export(f, f->token_a, f->outbox_a, csv, "a.bundle", bundle,
	    sizeof(bundle));

	snprintf(bad, sizeof(bad), "%.255s/changed.bundle", f->h.dir);
	rewrite(bundle, bad, change_people);
	expect(CLI("bundle", "apply", bad), 3, "changed after signing");
	assert_non_null(strstr(err, "chữ ký số không khớp"));
	assert_int_equal(count(f, UNIT_A), before);

	rewrite(bundle, bad, drop_signature);
	expect(CLI("bundle", "apply", bad), 3, "unsigned");
	assert_non_null(strstr(err, "không có chữ ký số"));
	assert_int_equal(count(f, UNIT_A), before);

	expect(CLI("bundle", "apply", bundle), 0, "apply");
	assert_non_null(strstr(out, "5 activities stored"));
	assert_int_equal(count(f, UNIT_A), before + 5);
}

/* Office A's key signs a bundle of office B's records: refused, none of
 * them stored. */
static void
test_other_units_records_refused(void **state)
{
	struct fixture *f = *state;
	char csv[400], bundle[400], box[400];
	long before = count(f, UNIT_B);

	expect(AS(f->token_a, f->outbox_a, "key", "register"), 0, "register");
	snprintf(box, sizeof(box), "%.255s/a-for-b.db", f->h.dir);
	write_csv(f, "b.csv", "forged", 4, UNIT_B, csv, sizeof(csv));
	{
		char key[420];

		/* A's own key, with an outbox holding B's records. */
		snprintf(key, sizeof(key), "%s.key", f->outbox_a);
		setenv("HOPTAC_KEY", key, 1);
		queue_and_export(f, f->token_a, box, csv, "a-for-b.bundle",
		    bundle, sizeof(bundle));
	}
	unsetenv("HOPTAC_KEY");
	expect(CLI("bundle", "apply", bundle), 3, "B's records signed by A");
	assert_non_null(strstr(err, "hồ sơ của đơn vị \"" UNIT_B "\""));
	assert_non_null(strstr(err, "do đơn vị " UNIT_A " ký"));
	assert_int_equal(count(f, UNIT_B), before);
}

/* A key the server never registered, and the key of a credential since
 * revoked, vouch for nothing. */
static void
test_unknown_and_revoked_keys_refused(void **state)
{
	struct fixture *f = *state;
	char csv[400], bundle[400], id[32];
	long before;

	/* Office B makes its key while the server is down: never
	 * registered. */
	harness_stop(&f->h);
	expect(
	    AS(f->token_b, f->outbox_b, "--timeout", "300", "key", "register"),
	    75, "register offline");
	assert_non_null(strstr(out, "new signing key"));
	harness_restart(&f->h);
	before = count(f, UNIT_B);
	write_csv(f, "b2.csv", "nokey", 3, UNIT_B, csv, sizeof(csv));
	queue_and_export(f, f->token_b, f->outbox_b, csv, "b.bundle", bundle,
	    sizeof(bundle));
	expect(CLI("bundle", "apply", bundle), 3, "unregistered key");
	assert_non_null(strstr(err, "is not registered with the server"));
	assert_int_equal(count(f, UNIT_B), before);

	/* Registered now, it applies; a second key for the same credential
	 * is refused. */
	expect(AS(f->token_b, f->outbox_b, "key", "register"), 0, "register");
	expect(CLI("bundle", "apply", bundle), 0, "registered key");
	assert_int_equal(count(f, UNIT_B), before + 3);
	{
		char key[420];

		snprintf(key, sizeof(key), "%.255s/other.key", f->h.dir);
		setenv("HOPTAC_KEY", key, 1);
		expect(AS(f->token_b, f->outbox_b, "key", "register"), 4,
		    "a second key");
		assert_non_null(
		    strstr(err, "a new key needs a new credential"));
		unsetenv("HOPTAC_KEY");
	}

	/* Revoking B's credential withdraws its key. */
	before = count(f, UNIT_B);
	write_csv(f, "b3.csv", "revoked", 2, UNIT_B, csv, sizeof(csv));
	queue_and_export(f, f->token_b, f->outbox_b, csv, "b3.bundle", bundle,
	    sizeof(bundle));
	snprintf(id, sizeof(id), "%.16s", f->token_b + strlen("hoptac1_"));
	setenv("HOPTAC_TOKEN", f->h.admin_token, 1);
	expect(CLI("admin", "revoke", id), 0, "revoke");
	unsetenv("HOPTAC_TOKEN");
	expect(CLI("bundle", "apply", bundle), 3, "revoked credential's key");
	assert_non_null(strstr(err, "revoked"));
	assert_int_equal(count(f, UNIT_B), before);
}

/* RegisterKey refuses what is not a P-256 public key, and every
 * registration is in the audit trail. export refuses to write a bundle
 * it cannot sign, and a key others can read. */
static void
test_register_checks_and_audit(void **state)
{
	struct fixture *f = *state;
	struct rpc_client *c = harness_client_as(&f->h, f->token_a);
	Hoptac__V1__RegisterKeyRequest req =
	    HOPTAC__V1__REGISTER_KEY_REQUEST__INIT;
	Hoptac__V1__RegisterKeyResponse *resp = NULL;
	struct rpc_client_status st;
	uint8_t junk[91];

	memset(junk, 0x30, sizeof(junk));
	req.public_key.data = junk;
	req.public_key.len = sizeof(junk);
	rpc_client_invoke(c, METHOD_CREDENTIALS_REGISTER_KEY, &req.base,
	    (ProtobufCMessage **)&resp, NULL, &st);
	assert_int_equal(st.code, STATUS_INVALID_ARGUMENT);
	assert_null(resp);
	req.public_key.len = 0;
	rpc_client_invoke(c, METHOD_CREDENTIALS_REGISTER_KEY, &req.base,
	    (ProtobufCMessage **)&resp, NULL, &st);
	assert_int_equal(st.code, STATUS_INVALID_ARGUMENT);
	rpc_client_close(c);

	expect(AS(f->token_a, f->outbox_a, "key", "register"), 0, "register");
	expect(CLI("audit", "--method", "Credentials/RegisterKey"), 0, "audit");
	assert_non_null(strstr(out, "key "));
	assert_non_null(strstr(out, UNIT_A));

	{
		char box[400], bundle[400], key[420], cmd[1300];

		snprintf(box, sizeof(box), "%.255s/nokey.db", f->h.dir);
		snprintf(
		    bundle, sizeof(bundle), "%.255s/nokey.bundle", f->h.dir);
		expect(AS(f->token_a, box, "export", bundle), 1, "no key");
		assert_non_null(strstr(err, "no key for signing bundles"));
		snprintf(key, sizeof(key), "%.255s/open.key", f->h.dir);
		snprintf(cmd, sizeof(cmd), "cp %s.key %s && chmod 644 %s",
		    f->outbox_a, key, key);
		assert_int_equal(system(cmd), 0);
		setenv("HOPTAC_KEY", key, 1);
		expect(AS(f->token_a, box, "export", bundle), 1,
		    "a key others can read");
		unsetenv("HOPTAC_KEY");
		assert_non_null(strstr(err, "can be read by other users"));
	}
}

/* A credential that may not make the bundle's calls (a reviewer's) is
 * refused before anything is sent: exit 77, no receipt (which would tell
 * the office its records were refused), nothing stored. The department's
 * peer credential then applies the same bundle. */
static void
test_apply_needs_role(void **state)
{
	struct fixture *f = *state;
	char csv[400], bundle[400], receipt[420], box[400], reviewer[128];
	long before = count(f, UNIT_A);

	harness_issue(&f->h, "Phòng Hợp tác quốc tế", REVIEWER, NULL, reviewer,
	    sizeof(reviewer));
	expect(AS(f->token_a, f->outbox_a, "key", "register"), 0, "register");
	write_csv(f, "role.csv", "role", 2, UNIT_A, csv, sizeof(csv));
	queue_and_export(f, f->token_a, f->outbox_a, csv, "role.bundle", bundle,
	    sizeof(bundle));
	snprintf(receipt, sizeof(receipt), "%s.receipt", bundle);
	snprintf(box, sizeof(box), "%.255s/reviewer.db", f->h.dir);

	expect(AS(reviewer, box, "bundle", "apply", bundle), 77, "reviewer");
	assert_non_null(strstr(err, "peer"));
	assert_int_not_equal(access(receipt, F_OK), 0);
	assert_int_equal(count(f, UNIT_A), before);

	expect(CLI("bundle", "apply", bundle), 0, "department");
	assert_int_equal(access(receipt, F_OK), 0);
	assert_int_equal(count(f, UNIT_A), before + 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signed_applies_changed_refused),
	    cmocka_unit_test(test_other_units_records_refused),
	    cmocka_unit_test(test_unknown_and_revoked_keys_refused),
	    cmocka_unit_test(test_register_checks_and_audit),
	    cmocka_unit_test(test_apply_needs_role),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
