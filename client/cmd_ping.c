/* hoptac ping, hoptac methods: is the server there, and what it offers. */
#include <stdio.h>

#include "cli.h"
#include "hoptac/v1/services.pb-c.h"
#include "rpc.h"
#include "table.h"

int
cmd_ping(struct cli *cli, int argc, char **argv)
{
	Hoptac__V1__HealthCheckRequest req =
	    HOPTAC__V1__HEALTH_CHECK_REQUEST__INIT;
	Hoptac__V1__HealthCheckResponse *resp;
	int64_t start = rpc_now_ms();
	int rc;

	(void)argv;
	if (argc != 1) {
		cli_usage("ping", NULL, 1);
		return CLI_USAGE;
	}
	rc = cli_call(cli, METHOD_HEALTH_CHECK, &req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	if (cli->json) {
		rc = cli_print_json(&resp->base);
	} else {
		const ProtobufCEnumValue *v =
		    protobuf_c_enum_descriptor_get_value(
		        &hoptac__v1__serving_status__descriptor,
		        (int)resp->status);

		printf("%s %s (%lld ms)\n", cli->server, v ? v->name : "?",
		    (long long)(rpc_now_ms() - start));
	}
	if (resp->status != HOPTAC__V1__SERVING_STATUS__SERVING_STATUS_SERVING)
		rc = CLI_UNREACHABLE;
	hoptac__v1__health_check_response__free_unpacked(resp, NULL);
	return rc;
}

int
cmd_methods(struct cli *cli, int argc, char **argv)
{
	Hoptac__V1__ListServicesRequest req =
	    HOPTAC__V1__LIST_SERVICES_REQUEST__INIT;
	Hoptac__V1__ListServicesResponse *resp;
	static const char *const headers[] = {
	    "METHOD", "INPUT", "OUTPUT", "MUTATING"};
	struct table *t;
	int rc;

	(void)argv;
	if (argc != 1) {
		cli_usage("methods", NULL, 1);
		return CLI_USAGE;
	}
	rc = cli_fetch(cli, METHOD_REFLECTION_LIST_SERVICES, &req.base,
	    (ProtobufCMessage **)&resp);
	if (rc != CLI_OK || resp == NULL)
		return rc;
	if ((t = table_create(4, headers)) == NULL) {
		rc = cli_fail(CLI_ERROR, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < resp->n_services; i++)
		for (size_t j = 0; j < resp->services[i]->n_methods; j++) {
			const Hoptac__V1__MethodInfo *m =
			    resp->services[i]->methods[j];
			const char *cells[] = {m->name, m->input_type,
			    m->output_type, m->mutating ? "yes" : "no"};

			table_add_row(t, cells);
		}
	printf("server %s\n", resp->server_version);
	table_print(t, stdout);
	table_destroy(t);
out:
	hoptac__v1__list_services_response__free_unpacked(resp, NULL);
	return rc;
}
