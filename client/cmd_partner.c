/* hoptac partner list: the Lao provinces and districts the server knows. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hoptac/v1/services.pb-c.h"
#include "table.h"

static void
cmd_partner_row(struct table *t, const void *item)
{
	const Hoptac__V1__Partner *p = item;
	char aliases[1024];

	cli_join(aliases, sizeof(aliases), p->aliases, p->n_aliases, ", ");
	table_add_row(t,
	    (const char *const[]) {p->code, p->name, p->name_latin, aliases});
}

/* A search that finds nothing is refused, so that scripts can tell. */
static int
cmd_partner_list_found(const ProtobufCMessage *q, const ProtobufCMessage *m)
{
	const Hoptac__V1__ListPartnersRequest *req = (const void *)q;
	const Hoptac__V1__ListPartnersResponse *resp = (const void *)m;

	if (resp->n_partners == 0)
		return cli_fail(
		    CLI_REFUSED, "no partner matches \"%s\"", req->query);
	return CLI_OK;
}

int
cmd_partner_list(struct cli *cli, int argc, char **argv)
{
	static const struct cli_args args = {NULL, NULL, 0, 1,
	    offsetof(Hoptac__V1__ListPartnersRequest, query), 0};
	static const char *const headers[] = {
	    "CODE", "NAME", "LATIN", "ALIASES"};
	static const size_t widths[] = {0, 0, 0, 60};
	static const struct cli_list list = {&args, METHOD_PARTNERS_LIST,
	    "partners", 4, headers, widths, cmd_partner_row, NULL,
	    cmd_partner_list_found};
	Hoptac__V1__ListPartnersRequest req =
	    HOPTAC__V1__LIST_PARTNERS_REQUEST__INIT;

	return cli_list(cli, &list, argc, argv, &req.base);
}
