/* hoptac ping, hoptac methods: is the server there, and what it offers. */
#include <stdio.h>

#include "cli.h"
#include "cli_i18n.h"
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

	if ((rc = cli_parse(cli, &cli_no_args, NULL, argc, argv, NULL)) !=
	    CLI_OK)
		return rc;
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

		/* The states' names are msgids: people read "đang hoạt
		 * động", the C locale keeps the names scripts grep for. */
		static const char *const states[] = {
		    N_("SERVING_STATUS_UNKNOWN"), N_("SERVING_STATUS_SERVING"),
		    N_("SERVING_STATUS_NOT_SERVING"),
		    N_("SERVING_STATUS_SERVICE_UNKNOWN")};

		(void)states;
		printf("%s %s (%lld ms)\n", cli->server, v ? _(v->name) : "?",
		    (long long)(rpc_now_ms() - start));
	}
	if (resp->status != HOPTAC__V1__SERVING_STATUS__SERVING_STATUS_SERVING)
		rc = CLI_UNREACHABLE;
	hoptac__v1__health_check_response__free_unpacked(resp, NULL);
	return rc;
}

static void
cmd_methods_row(struct table *t, const void *item)
{
	const Hoptac__V1__ServiceInfo *service = item;

	for (size_t j = 0; j < service->n_methods; j++) {
		const Hoptac__V1__MethodInfo *m = service->methods[j];
		const char *cells[] = {m->name, m->input_type, m->output_type,
		    m->mutating ? _("yes") : _("no")};

		table_add_row(t, cells);
	}
}

static void
cmd_methods_server(const ProtobufCMessage *m)
{
	const Hoptac__V1__ListServicesResponse *resp = (const void *)m;

	printf(_("server %s\n"), resp->server_version);
}

int
cmd_methods(struct cli *cli, int argc, char **argv)
{
	static const char *const headers[] = {
	    N_("METHOD"), N_("INPUT"), N_("OUTPUT"), N_("MUTATING")};
	static const struct cli_list list = {&cli_no_args,
	    METHOD_REFLECTION_LIST_SERVICES, "services", 4, headers, NULL,
	    cmd_methods_row, cmd_methods_server, NULL};
	Hoptac__V1__ListServicesRequest req =
	    HOPTAC__V1__LIST_SERVICES_REQUEST__INIT;

	return cli_list(cli, &list, argc, argv, &req.base);
}
