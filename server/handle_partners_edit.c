/*
 * hoptac.v1.Partners Add and Alias: an administrator's additions to the
 * gazetteer. The writer checks a change against the gazetteer as it
 * stands, stores it, and applies it once the transaction is committed;
 * at start the stored additions are applied over the file.
 */
#include <stdlib.h>
#include <string.h>

#include "gazetteer.h"
#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "log.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "validate.h"

/* A required text field, trimmed to NFC by validation. */
static void
handle_partners_required(char **field, const char *name, struct violations *v)
{
	validate_text(field, NULL, name, VALIDATE_SHORT_MAX, 1, v);
}

int
handle_partners_check_add(struct call *c)
{
	Hoptac__V1__AddPartnerRequest *in =
	    (Hoptac__V1__AddPartnerRequest *)c->input;
	struct violations *v = &c->violations;

	handle_partners_required(&in->code, "code", v);
	handle_partners_required(&in->name, "name", v);
	handle_partners_required(&in->name_latin, "name_latin", v);
	if (in->parent_code[0] != '\0') {
		/* The province may be named as documents name it. */
		const struct gazetteer_partner *p =
		    gazetteer_resolve(in->parent_code);

		if (p == NULL || p->level != GAZETTEER_PROVINCE)
			violations_add(v, NULL, "parent_code",
			    "\"%s\" is not a province", in->parent_code);
		else if (pbstr_set(&in->parent_code, p->code) != 0)
			return call_fail(c, STATUS_INTERNAL, "out of memory");
	}
	return v->count > 0 ? handle_invalid(c) : STATUS_OK;
}

int
handle_partners_check_alias(struct call *c)
{
	Hoptac__V1__AliasPartnerRequest *in =
	    (Hoptac__V1__AliasPartnerRequest *)c->input;
	struct violations *v = &c->violations;
	const struct gazetteer_partner *p;

	handle_partners_required(&in->partner, "partner", v);
	handle_partners_required(&in->alias, "alias", v);
	if (v->count > 0)
		return handle_invalid(c);
	if ((p = gazetteer_resolve(in->partner)) == NULL)
		violations_add(
		    v, NULL, "partner", "unknown partner \"%s\"", in->partner);
	else if (pbstr_set(&in->partner, p->code) != 0)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	return v->count > 0 ? handle_invalid(c) : STATUS_OK;
}

/* The reply's partner: the entry of code as it will be after the change
 * (extra: a new alias, or NULL), from the gazetteer or, for an entry not
 * yet in it, from in. */
static Hoptac__V1__Partner *
handle_partners_reply(const char *code, const Hoptac__V1__AddPartnerRequest *in,
    const char *extra)
{
	const struct gazetteer_partner *g = gazetteer_resolve(code);
	struct gazetteer_partner made = {0};
	Hoptac__V1__Partner *p;

	if (g == NULL && in != NULL) {
		static const char *const none[] = {NULL};

		made.code = in->code;
		made.name = in->name;
		made.name_latin = in->name_latin;
		made.level = in->parent_code[0] != '\0' ? GAZETTEER_DISTRICT
		                                        : GAZETTEER_PROVINCE;
		made.parent_code =
		    in->parent_code[0] != '\0' ? in->parent_code : NULL;
		made.aliases = none;
		g = &made;
	}
	if (g == NULL || (p = handle_partners_message(g)) == NULL)
		return NULL;
	if (extra != NULL &&
	    pbstr_append(&p->n_aliases, &p->aliases, extra) != 0) {
		hoptac__v1__partner__free_unpacked(p, NULL);
		return NULL;
	}
	return p;
}

/* Stores a, or fails c; 0 when the check said there was nothing to do. */
static int
handle_partners_store(struct call *c, struct store_conn *db, int checked,
    const char *err, const char *field, struct store_partner_addition *a)
{
	int rc;

	if (checked < 0) {
		violations_add(&c->violations, NULL, field, "%s", err);
		return handle_invalid(c);
	}
	if (checked > 0)
		return STATUS_OK;
	a->added_at_ms = call_wall_ms();
	if ((rc = store_partner_add(db, a)) != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	return STATUS_OK;
}

int
handle_partners_add(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__AddPartnerRequest *in =
	    (const Hoptac__V1__AddPartnerRequest *)c->input;
	const char *parent =
	    in->parent_code[0] != '\0' ? in->parent_code : NULL;
	struct store_partner_addition a = {
	    in->code, parent, in->name, in->name_latin, NULL, 0};
	Hoptac__V1__AddPartnerResponse *out;
	char err[512] = "";
	int checked = gazetteer_add_check(
	    in->code, parent, in->name, in->name_latin, err, sizeof(err));
	int rc = handle_partners_store(c, db, checked, err, "code", &a);

	if (rc != STATUS_OK)
		return rc;
	if ((out = malloc(sizeof(*out))) == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__add_partner_response__init(out);
	c->output = &out->base;
	out->created = checked == 0;
	if ((out->partner = handle_partners_reply(in->code, in, NULL)) == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	return STATUS_OK;
}

int
handle_partners_alias(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__AliasPartnerRequest *in =
	    (const Hoptac__V1__AliasPartnerRequest *)c->input;
	struct store_partner_addition a = {
	    in->partner, NULL, NULL, NULL, in->alias, 0};
	Hoptac__V1__AliasPartnerResponse *out;
	char err[512] = "";
	int checked =
	    gazetteer_alias_check(in->partner, in->alias, err, sizeof(err));
	int rc = handle_partners_store(c, db, checked, err, "alias", &a);

	if (rc != STATUS_OK)
		return rc;
	if ((out = malloc(sizeof(*out))) == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__alias_partner_response__init(out);
	c->output = &out->base;
	out->created = checked == 0;
	out->partner = handle_partners_reply(
	    in->partner, NULL, checked == 0 ? in->alias : NULL);
	if (out->partner == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	return STATUS_OK;
}

/* Applies one stored addition; one the gazetteer refuses (a newer file
 * has its code or spelling) is logged and left out: the file wins. */
static int
handle_partners_apply(void *arg, const struct store_partner_addition *a)
{
	char err[512];
	int rc = a->alias != NULL
	    ? gazetteer_alias(a->code, a->alias, err, sizeof(err))
	    : gazetteer_add(a->code, a->parent_code, a->name, a->name_latin,
	          err, sizeof(err));

	(void)arg;
	if (rc < 0)
		log_warnx("HOPTACD-GAZETTEER: the addition of %s%s%s is left "
		          "out: %s",
		    a->alias != NULL ? "\"" : "",
		    a->alias != NULL ? a->alias : a->code,
		    a->alias != NULL ? "\"" : "", err);
	return STATUS_OK;
}

/* The reply is packed and gone by now; applying the change again is
 * harmless (the gazetteer answers that it is there), so the input says
 * enough. */
void
handle_partners_added(struct call *c, struct store_conn *db)
{
	struct store_partner_addition a = {0};

	(void)db;
	if (c->status != STATUS_OK)
		return;
	if (c->method->info->id == METHOD_PARTNERS_ADD) {
		const Hoptac__V1__AddPartnerRequest *in =
		    (const Hoptac__V1__AddPartnerRequest *)c->input;

		a.code = in->code;
		a.parent_code =
		    in->parent_code[0] != '\0' ? in->parent_code : NULL;
		a.name = in->name;
		a.name_latin = in->name_latin;
	} else {
		const Hoptac__V1__AliasPartnerRequest *in =
		    (const Hoptac__V1__AliasPartnerRequest *)c->input;

		a.code = in->partner;
		a.alias = in->alias;
	}
	handle_partners_apply(NULL, &a);
}

int
handle_partners_merge(struct store_conn *db)
{
	return store_partner_each(db, handle_partners_apply, NULL);
}
