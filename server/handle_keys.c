/* hoptac.v1.Credentials' signing keys: an office registers the public
 * half of its key for bundles; the department fetches it to verify a
 * bundle before applying it. docs/bundle.md, "Signatures". */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "hoptac/v1/auth.pb-c.h"
#include "pbstr.h"
#include "server_impl.h"
#include "sigkey.h"
#include "status.h"
#include "store.h"

int
handle_keys_check_register(struct call *c)
{
	const Hoptac__V1__RegisterKeyRequest *in =
	    (const Hoptac__V1__RegisterKeyRequest *)c->input;
	char id[SIGKEY_ID_LEN + 1], why[128];

	if (sigkey_public_id(in->public_key.data, in->public_key.len, id, why,
	        sizeof(why)) != 0)
		violations_add(&c->violations, NULL, "public_key", "%s", why);
	return c->violations.count > 0 ? handle_invalid(c) : STATUS_OK;
}

/* Answers with a copy of k as the reply's key (field 1 of both replies);
 * k stays the caller's. */
static int
handle_keys_reply(struct call *c, const Hoptac__V1__SigningKey *k)
{
	const ProtobufCMessageDescriptor *desc = c->method->desc->output;
	ProtobufCMessage *out = malloc(desc->sizeof_message);
	Hoptac__V1__SigningKey *copy = malloc(sizeof(*copy));

	if (out == NULL || copy == NULL) {
		free(out);
		free(copy);
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	}
	protobuf_c_message_init(desc, out);
	*(Hoptac__V1__SigningKey **)((char *)out + desc->fields[0].offset) =
	    copy;
	c->output = out;
	hoptac__v1__signing_key__init(copy);
	copy->created_at_ms = k->created_at_ms;
	if (pbstr_set(&copy->id, k->id) != 0 ||
	    pbstr_set(&copy->credential_id, k->credential_id) != 0 ||
	    pbstr_set(&copy->unit_code, k->unit_code) != 0 ||
	    (copy->public_key.data = malloc(k->public_key.len + 1)) == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	memcpy(copy->public_key.data, k->public_key.data, k->public_key.len);
	copy->public_key.len = k->public_key.len;
	return STATUS_OK;
}

int
handle_keys_register(struct call *c, struct store_conn *db)
{
	Hoptac__V1__RegisterKeyRequest *in =
	    (Hoptac__V1__RegisterKeyRequest *)c->input;
	Hoptac__V1__SigningKey k = HOPTAC__V1__SIGNING_KEY__INIT;
	Hoptac__V1__SigningKey *old = NULL; /* the credential's key; owned */
	char id[SIGKEY_ID_LEN + 1], why[128];
	int rc;

	if (sigkey_public_id(in->public_key.data, in->public_key.len, id, why,
	        sizeof(why)) != 0)
		return call_fail(c, STATUS_INVALID_ARGUMENT, "%s", why);
	call_target(c, "key %s", id);
	/* One key a credential, for good: a key that could be replaced by
	 * whoever holds the token would let a stolen token sign too. */
	rc = store_key_get(db, NULL, c->who.id, call_wall_ms(), &old);
	if (rc == STATUS_OK) {
		if (strcmp(old->id, id) == 0)
			rc = handle_keys_reply(c, old);
		else
			rc = call_fail(c, STATUS_FAILED_PRECONDITION,
			    "credential %s has key %s already; a new key "
			    "needs a new credential",
			    c->who.id, old->id);
		hoptac__v1__signing_key__free_unpacked(old, NULL);
		return rc;
	}
	if (rc != STATUS_NOT_FOUND)
		return call_fail(c, rc, "the store failed");
	k.id = id;
	k.credential_id = (char *)c->who.id;
	k.unit_code = (char *)c->who.unit;
	k.public_key = in->public_key;
	k.created_at_ms = call_wall_ms();
	rc = store_key_insert(db, &k);
	if (rc == STATUS_ALREADY_EXISTS)
		return call_fail(c, rc, "key %s is registered already", id);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	return handle_keys_reply(c, &k);
}

int
handle_keys_check_get(struct call *c)
{
	const Hoptac__V1__GetKeyRequest *in =
	    (const Hoptac__V1__GetKeyRequest *)c->input;

	validate_id(in->id, NULL, "id", &c->violations);
	return c->violations.count > 0 ? handle_invalid(c) : STATUS_OK;
}

int
handle_keys_get(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__GetKeyRequest *in =
	    (const Hoptac__V1__GetKeyRequest *)c->input;
	Hoptac__V1__SigningKey *k = NULL; /* owned */
	int rc = store_key_get(db, in->id, NULL, call_wall_ms(), &k);

	if (rc == STATUS_NOT_FOUND)
		return call_fail(c, rc,
		    "no key %s vouched for: unknown, or its credential is "
		    "revoked or expired",
		    in->id);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	rc = handle_keys_reply(c, k);
	hoptac__v1__signing_key__free_unpacked(k, NULL);
	return rc;
}
