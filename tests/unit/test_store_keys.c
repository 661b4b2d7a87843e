/*
 * The store's signing keys (docs/bundle.md, "Signatures"): migration 11
 * from a schema 10 database with credentials in it, one key a
 * credential, and a key that vouches only while its credential is valid.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "status.h"
#include "store.h"
#include "store_fixture.h"

static void
insert_cred(struct store_conn *c, const char *id, const char *unit)
{
	Hoptac__V1__Credential cr = HOPTAC__V1__CREDENTIAL__INIT;
	Hoptac__V1__Role role = HOPTAC__V1__ROLE__ROLE_OFFICE;
	uint8_t salt[16] = {0}, hash[32] = {0};

	cr.id = (char *)id;
	cr.name = "Văn phòng";
	cr.unit_code = (char *)unit;
	cr.roles = &role;
	cr.n_roles = 1;
	cr.created_by = "admin";
	cr.created_at_ms = 1000;
	assert_int_equal(
	    store_cred_insert(c, &cr, salt, sizeof(salt), hash, sizeof(hash)),
	    STATUS_OK);
}

static int
insert_key(struct store_conn *c, const char *id, const char *cred,
    const char *unit, const char *der)
{
	Hoptac__V1__SigningKey k = HOPTAC__V1__SIGNING_KEY__INIT;

	k.id = (char *)id;
	k.credential_id = (char *)cred;
	k.unit_code = (char *)unit;
	k.public_key.data = (uint8_t *)der;
	k.public_key.len = strlen(der);
	k.created_at_ms = 2000;
	return store_key_insert(c, &k);
}

static void
test_keys_after_migration(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	Hoptac__V1__SigningKey *k = NULL;

	STORE_FIXTURE_SQLITE_ONLY();
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_unit(c, "KT-NGOCHOI", "Kon Tum", "");
	insert_cred(c, "00000000000000a1", "KT-DAKGLEI");
	insert_cred(c, "00000000000000b2", "KT-NGOCHOI");
	store_close(c);
	f->db = NULL;
	/* Back to schema 10, credentials kept. */
	store_fixture_exec(
	    f->path, "DROP TABLE signing_keys; PRAGMA user_version = 10;");
	c = store_fixture_writer(f);
	assert_int_equal(store_fixture_version(f->path), STORE_SCHEMA_VERSION);

	assert_int_equal(
	    insert_key(c, "k1", "00000000000000a1", "KT-DAKGLEI", "der-a"),
	    STATUS_OK);
	/* One key a credential; one credential a key. */
	assert_int_equal(
	    insert_key(c, "k2", "00000000000000a1", "KT-DAKGLEI", "der-c"),
	    STATUS_ALREADY_EXISTS);
	assert_int_equal(
	    insert_key(c, "k1", "00000000000000b2", "KT-NGOCHOI", "der-a"),
	    STATUS_ALREADY_EXISTS);
	/* A credential that does not exist has no key. */
	assert_int_equal(
	    insert_key(c, "k3", "00000000000000c3", "KT-NGOCHOI", "der-d"),
	    STATUS_FAILED_PRECONDITION);

	assert_int_equal(store_key_get(c, "k1", NULL, 5000, &k), STATUS_OK);
	assert_string_equal(k->credential_id, "00000000000000a1");
	assert_string_equal(k->unit_code, "KT-DAKGLEI");
	assert_int_equal(k->public_key.len, 5);
	assert_memory_equal(k->public_key.data, "der-a", 5);
	hoptac__v1__signing_key__free_unpacked(k, NULL);
	assert_int_equal(
	    store_key_get(c, NULL, "00000000000000a1", 5000, &k), STATUS_OK);
	assert_string_equal(k->id, "k1");
	hoptac__v1__signing_key__free_unpacked(k, NULL);
	assert_int_equal(store_key_get(c, NULL, "00000000000000b2", 5000, &k),
	    STATUS_NOT_FOUND);
	assert_null(k);

	/* Revoking the credential withdraws its key. */
	assert_int_equal(
	    store_cred_revoke(c, "00000000000000a1", 6000), STATUS_OK);
	assert_int_equal(
	    store_key_get(c, "k1", NULL, 7000, &k), STATUS_NOT_FOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_keys_after_migration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
