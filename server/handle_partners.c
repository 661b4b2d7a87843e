/* hoptac.v1.Partners: the gazetteer (gazetteer.h). */
#include <stdlib.h>

#include "gazetteer.h"
#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "status.h"

Hoptac__V1__Partner *
handle_partners_message(const struct gazetteer_partner *g)
{
	Hoptac__V1__Partner *p = malloc(sizeof(*p));

	if (p == NULL)
		return NULL;
	hoptac__v1__partner__init(p);
	p->level = g->level == GAZETTEER_DISTRICT
	    ? HOPTAC__V1__PARTNER_LEVEL__PARTNER_LEVEL_DISTRICT
	    : g->level == GAZETTEER_GROUP
	    ? HOPTAC__V1__PARTNER_LEVEL__PARTNER_LEVEL_GROUP
	    : HOPTAC__V1__PARTNER_LEVEL__PARTNER_LEVEL_PROVINCE;
	if (pbstr_set(&p->code, g->code) != 0 ||
	    pbstr_set(&p->name, g->name) != 0 ||
	    pbstr_set(&p->name_latin, g->name_latin) != 0 ||
	    pbstr_set(&p->parent_code, g->parent_code) != 0)
		goto fail;
	for (size_t i = 0; g->aliases != NULL && g->aliases[i] != NULL; i++)
		if (pbstr_append(&p->n_aliases, &p->aliases, g->aliases[i]) !=
		    0)
			goto fail;
	for (size_t i = 0; g->members != NULL && g->members[i] != NULL; i++)
		if (pbstr_append(&p->n_members, &p->members, g->members[i]) !=
		    0)
			goto fail;
	return p;
fail:
	hoptac__v1__partner__free_unpacked(p, NULL);
	return NULL;
}

/*
 * A query that names a partner the way documents do ("tỉnh Xiêng Khoảng",
 * "huyện Noọng Hẹt") lists that partner and what lies under it; any other
 * is searched for in every spelling.
 */
int
handle_partners_list(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__ListPartnersRequest *in =
	    (const Hoptac__V1__ListPartnersRequest *)c->input;
	Hoptac__V1__ListPartnersResponse *out = malloc(sizeof(*out));
	size_t n;
	const struct gazetteer_partner *const *all = gazetteer_list(&n);
	const struct gazetteer_partner *top =
	    in->query[0] != '\0' ? gazetteer_resolve(in->query) : NULL;

	(void)db;
	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__list_partners_response__init(out);
	c->output = &out->base;
	if ((out->partners = calloc(n + 1, sizeof(*out->partners))) == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct gazetteer_partner *g = all[i];
		Hoptac__V1__Partner *p;

		if (top != NULL ? !gazetteer_within(g, top)
		                : !gazetteer_matches(g, in->query))
			continue;
		if ((p = handle_partners_message(g)) == NULL)
			return call_fail(c, STATUS_INTERNAL, "out of memory");
		out->partners[out->n_partners++] = p;
	}
	return STATUS_OK;
}
