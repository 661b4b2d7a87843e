/*
 * hoptac.v1.Reflection: the services and methods this server answers,
 * read from the method table and the descriptors protoc-c generated.
 */
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "status.h"

static Hoptac__V1__ServiceInfo *
handle_reflection_service(
    Hoptac__V1__ListServicesResponse *out, const ProtobufCServiceDescriptor *sd)
{
	Hoptac__V1__ServiceInfo *si, **grown;

	for (size_t i = 0; i < out->n_services; i++)
		if (strcmp(out->services[i]->name, sd->name) == 0)
			return out->services[i];
	if ((si = malloc(sizeof(*si))) == NULL)
		return NULL;
	hoptac__v1__service_info__init(si);
	grown = realloc(out->services, (out->n_services + 1) * sizeof(*grown));
	if (grown == NULL) {
		hoptac__v1__service_info__free_unpacked(si, NULL);
		return NULL;
	}
	out->services = grown;
	out->services[out->n_services++] = si; /* owned by out from here */
	if (pbstr_set(&si->name, sd->name) != 0)
		return NULL;
	return si;
}

int
handle_reflection_list(struct call *c, struct store_conn *db)
{
	Hoptac__V1__ListServicesResponse *out = malloc(sizeof(*out));

	(void)db;
	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__list_services_response__init(out);
	c->output = &out->base; /* freed with the call on any path */
	if (pbstr_set(&out->server_version, HOPTAC_VERSION) != 0)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	for (size_t i = 0; i < dispatch_count(); i++) {
		const struct method *m = dispatch_at(i);
		Hoptac__V1__ServiceInfo *si =
		    handle_reflection_service(out, m->info->service);
		Hoptac__V1__MethodInfo *mi, **grown;

		if (si == NULL || (mi = malloc(sizeof(*mi))) == NULL)
			return call_fail(c, STATUS_INTERNAL, "out of memory");
		hoptac__v1__method_info__init(mi);
		grown =
		    realloc(si->methods, (si->n_methods + 1) * sizeof(*grown));
		if (grown == NULL) {
			free(mi);
			return call_fail(c, STATUS_INTERNAL, "out of memory");
		}
		si->methods = grown;
		si->methods[si->n_methods++] = mi;
		mi->mutating = m->info->exec == METHOD_WRITE;
		if (pbstr_set(&mi->name, m->info->path) != 0 ||
		    pbstr_set(&mi->input_type, m->desc->input->name) != 0 ||
		    pbstr_set(&mi->output_type, m->desc->output->name) != 0)
			return call_fail(c, STATUS_INTERNAL, "out of memory");
	}
	return STATUS_OK;
}
