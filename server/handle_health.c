/* hoptac.v1.Health, shaped like grpc.health.v1. */
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "server_impl.h"
#include "status.h"
#include "store.h"

/* Whether the server answers a service of that name: any service with
 * a method in the dispatch table. */
static int
handle_health_known(const char *service)
{
	for (size_t i = 0; i < dispatch_count(); i++)
		if (strcmp(dispatch_at(i)->info->service->name, service) == 0)
			return 1;
	return 0;
}

int
handle_health_check(struct call *c, struct store_conn *db)
{
	const Hoptac__V1__HealthCheckRequest *in =
	    (const Hoptac__V1__HealthCheckRequest *)c->input;
	Hoptac__V1__HealthCheckResponse *out;

	(void)db;
	if (in->service[0] != '\0' && !handle_health_known(in->service))
		return call_fail(
		    c, STATUS_NOT_FOUND, "unknown service \"%s\"", in->service);
	if ((out = malloc(sizeof(*out))) == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__health_check_response__init(out);
	/* A database found damaged serves no more than the calls that
	 * avoid the damage: a load balancer or a monitor should know. */
	out->status = server_stopping(c->srv) || store_damaged()
	    ? HOPTAC__V1__SERVING_STATUS__SERVING_STATUS_NOT_SERVING
	    : HOPTAC__V1__SERVING_STATUS__SERVING_STATUS_SERVING;
	c->output = &out->base;
	return STATUS_OK;
}
