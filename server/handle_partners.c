/* hoptac.v1.Partners: the built-in gazetteer. */
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
	return p;
fail:
	hoptac__v1__partner__free_unpacked(p, NULL);
	return NULL;
}

int
handle_partners_list(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__ListPartnersRequest *in =
	    (const Hoptac__V1__ListPartnersRequest *)c->input;
	Hoptac__V1__ListPartnersResponse *out = malloc(sizeof(*out));
	size_t n = gazetteer_count();

	(void)db;
	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__list_partners_response__init(out);
	c->output = &out->base;
	if ((out->partners = calloc(n, sizeof(*out->partners))) == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct gazetteer_partner *g = gazetteer_at(i);
		Hoptac__V1__Partner *p;

		if (!gazetteer_matches(g, in->query))
			continue;
		if ((p = handle_partners_message(g)) == NULL)
			return call_fail(c, STATUS_INTERNAL, "out of memory");
		out->partners[out->n_partners++] = p;
	}
	return STATUS_OK;
}
