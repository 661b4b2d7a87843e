/* hoptac.v1.Credentials: the administrator issues, lists and revokes
 * credentials; anyone asks who they are. docs/SECURITY.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "auth.h"
#include "date.h"
#include "handlers.h"
#include "hoptac/v1/auth.pb-c.h"
#include "log.h"
#include "pbstr.h"
#include "server_impl.h"
#include "status.h"
#include "store.h"
#include "validity.h"

int
handle_credentials_check_issue(struct call *c)
{
	Hoptac__V1__IssueCredentialRequest *in =
	    (Hoptac__V1__IssueCredentialRequest *)c->input;
	unsigned roles = 0;

	validate_text(
	    &in->name, NULL, "name", VALIDATE_SHORT_MAX, 1, &c->violations);
	for (size_t i = 0; i < in->n_roles; i++) {
		if (in->roles[i] < HOPTAC__V1__ROLE__ROLE_OFFICE ||
		    in->roles[i] > HOPTAC__V1__ROLE__ROLE_PEER)
			violations_add(&c->violations, NULL, "roles",
			    "unknown role %d", (int)in->roles[i]);
		else
			roles |= ROLE_BIT(in->roles[i]);
	}
	if (in->n_roles == 0)
		violations_add(
		    &c->violations, NULL, "roles", "at least one is required");
	if ((roles & ROLES_OFFICE) && roles != ROLES_OFFICE)
		violations_add(&c->violations, NULL, "roles",
		    "office is bound to one unit and cannot be combined");
	if (roles == ROLES_OFFICE)
		validate_id(in->unit_code, NULL, "unit_code", &c->violations);
	else if (in->unit_code[0] != '\0')
		violations_add(&c->violations, NULL, "unit_code",
		    "only an office credential is bound to a unit");
	validate_date(&in->expires, NULL, "expires", 0, NULL, &c->violations);
	return c->violations.count > 0 ? handle_invalid(c) : STATUS_OK;
}

/* The log of replies keeps the answer without its token: a lost reply
 * means a new credential, never a secret at rest. */
static int
handle_credentials_log_copy(
    struct call *c, Hoptac__V1__IssueCredentialResponse *out)
{
	char *token = out->token;

	out->token = (char *)protobuf_c_empty_string;
	c->log_payload_len = protobuf_c_message_get_packed_size(&out->base);
	c->log_payload = malloc(c->log_payload_len + 1);
	if (c->log_payload != NULL)
		protobuf_c_message_pack(&out->base, c->log_payload);
	out->token = token;
	return c->log_payload != NULL
	    ? STATUS_OK
	    : call_fail(c, STATUS_INTERNAL, "out of memory");
}

/* A new reply of the method's output type, set as c->output, with a new
 * empty Credential as its field 1 (Issue and WhoAmI both answer with
 * one first). NULL when out of memory, the call failed. */
static Hoptac__V1__Credential *
handle_credentials_reply(struct call *c)
{
	const ProtobufCMessageDescriptor *desc = c->method->desc->output;
	ProtobufCMessage *out = malloc(desc->sizeof_message);
	Hoptac__V1__Credential *cr = malloc(sizeof(*cr));

	if (out == NULL || cr == NULL) {
		free(out);
		free(cr);
		call_fail(c, STATUS_INTERNAL, "out of memory");
		return NULL;
	}
	protobuf_c_message_init(desc, out);
	hoptac__v1__credential__init(cr);
	*(Hoptac__V1__Credential **)((char *)out + desc->fields[0].offset) = cr;
	c->output = out;
	return cr;
}

int
handle_credentials_issue(struct call *c, struct store_conn *db)
{
	Hoptac__V1__IssueCredentialRequest *in =
	    (Hoptac__V1__IssueCredentialRequest *)c->input;
	Hoptac__V1__IssueCredentialResponse *out;
	Hoptac__V1__Credential *cr = handle_credentials_reply(c);
	char token[AUTH_TOKEN_LEN + 1], id[AUTH_ID_LEN + 1];
	uint8_t salt[AUTH_SALT_LEN], hash[AUTH_HASH_LEN];
	struct date_partial d;
	int rc;

	if (cr == NULL)
		return c->status;
	out = (Hoptac__V1__IssueCredentialResponse *)c->output;
	if (in->unit_code[0] != '\0') {
		rc = validity_check_unit(c, db, in->unit_code,
		    validity_today(call_wall_ms()), NULL, "unit_code",
		    "cấp tài khoản cho văn thư đơn vị kế tiếp");
		if (rc != STATUS_OK)
			return call_fail(c, rc, "the store failed");
		if (c->violations.count > 0)
			return handle_invalid(c);
	}
	if (auth_token_new(token, id, salt, hash) != STATUS_OK)
		return call_fail(c, STATUS_INTERNAL, "no random bytes");
	cr->roles = malloc(in->n_roles * sizeof(*cr->roles));
	if (cr->roles == NULL || pbstr_set(&cr->id, id) != 0 ||
	    pbstr_set(&cr->name, in->name) != 0 ||
	    pbstr_set(&cr->unit_code, in->unit_code) != 0 ||
	    pbstr_set(&cr->created_by, c->who.id) != 0 ||
	    pbstr_set(&out->token, token) != 0) {
		memset(token, 0, sizeof(token));
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	}
	memset(token, 0, sizeof(token));
	memcpy(cr->roles, in->roles, in->n_roles * sizeof(*cr->roles));
	cr->n_roles = in->n_roles;
	cr->created_at_ms = call_wall_ms();
	if (in->expires[0] != '\0' && date_parse(in->expires, &d) == 0)
		cr->expires_at_ms =
		    aggregate_vn_day_start_ms(date_last_day(&d) + 1);
	call_target(c, "credential %s", id);
	rc = store_cred_insert(db, cr, salt, sizeof(salt), hash, sizeof(hash));
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	return handle_credentials_log_copy(c, out);
}

int
handle_credentials_list(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__ListCredentialsRequest *in =
	    (const Hoptac__V1__ListCredentialsRequest *)c->input;
	Hoptac__V1__ListCredentialsResponse *out = malloc(sizeof(*out));
	int rc;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__list_credentials_response__init(out);
	c->output = &out->base;
	rc = store_cred_list(
	    db, in->unit_code, in->include_revoked, call_wall_ms(), out);
	return rc == STATUS_OK ? STATUS_OK
	                       : call_fail(c, rc, "the store failed");
}

int
handle_credentials_check_revoke(struct call *c)
{
	const Hoptac__V1__RevokeCredentialRequest *in =
	    (const Hoptac__V1__RevokeCredentialRequest *)c->input;

	validate_id(in->id, NULL, "id", &c->violations);
	return c->violations.count > 0 ? handle_invalid(c) : STATUS_OK;
}

int
handle_credentials_revoke(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__RevokeCredentialRequest *in =
	    (const Hoptac__V1__RevokeCredentialRequest *)c->input;
	Hoptac__V1__RevokeCredentialResponse *out;
	Hoptac__V1__Credential *cr = NULL;
	int64_t now = call_wall_ms();
	int rc;

	call_target(c, "credential %s", in->id);
	rc = store_cred_revoke(db, in->id, now);
	if (rc == STATUS_FAILED_PRECONDITION) {
		if (store_cred_get(db, in->id, &cr) == STATUS_NOT_FOUND)
			return call_fail(c, STATUS_NOT_FOUND,
			    "credential %s not found", in->id);
		hoptac__v1__credential__free_unpacked(cr, NULL);
		return call_fail(
		    c, rc, "credential %s was revoked already", in->id);
	}
	if (rc != STATUS_OK || (rc = store_cred_get(db, in->id, &cr)) != 0)
		return call_fail(c, rc, "the store failed");
	if ((out = malloc(sizeof(*out))) == NULL) {
		hoptac__v1__credential__free_unpacked(cr, NULL);
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	}
	hoptac__v1__revoke_credential_response__init(out);
	out->credential = cr;
	c->output = &out->base;
	return STATUS_OK;
}

void
handle_credentials_reload(struct call *c, struct store_conn *db)
{
	if (auth_reload(c->srv->auth, db) != STATUS_OK)
		log_warnx("HOPTACD-AUTH: the credentials could not be "
		          "reloaded; changes apply after a restart");
}

int
handle_credentials_whoami(struct call *c, struct store_conn *db)
{
	Hoptac__V1__Credential *cr = handle_credentials_reply(c);
	size_t n = 0;

	(void)db;
	if (cr == NULL)
		return c->status;
	if ((cr->roles = calloc(8, sizeof(*cr->roles))) == NULL ||
	    pbstr_set(&cr->id, c->who.id) != 0 ||
	    pbstr_set(&cr->name, c->who.name) != 0 ||
	    pbstr_set(&cr->unit_code, c->who.unit) != 0)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	for (int r = 1; r < 8; r++)
		if (c->who.roles & ROLE_BIT(r))
			cr->roles[n++] = (Hoptac__V1__Role)r;
	cr->n_roles = n;
	return STATUS_OK;
}
