/* hoptac partner list: the Lao provinces and districts the server knows. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hoptac/v1/services.pb-c.h"
#include "table.h"

int
cmd_partner_list(struct cli *cli, int argc, char **argv)
{
	Hoptac__V1__ListPartnersRequest req =
	    HOPTAC__V1__LIST_PARTNERS_REQUEST__INIT;
	Hoptac__V1__ListPartnersResponse *resp;
	static const char *const headers[] = {
	    "CODE", "NAME", "LATIN", "ALIASES"};
	struct table *t;
	int rc;

	if (argc > 2) {
		cli_usage("partner", "list", 1);
		return CLI_USAGE;
	}
	if (argc == 2)
		req.query = argv[1];
	rc = cli_fetch(
	    cli, METHOD_PARTNERS_LIST, &req.base, (ProtobufCMessage **)&resp);
	if (rc != CLI_OK || resp == NULL)
		return rc;
	if ((t = table_create(4, headers)) == NULL) {
		rc = cli_fail(CLI_ERROR, "out of memory");
		goto out;
	}
	table_set_max_width(t, 3, 60);
	for (size_t i = 0; i < resp->n_partners; i++) {
		const Hoptac__V1__Partner *p = resp->partners[i];
		char aliases[1024];

		cli_join(
		    aliases, sizeof(aliases), p->aliases, p->n_aliases, ", ");
		table_add_row(t,
		    (const char *const[]) {
		        p->code, p->name, p->name_latin, aliases});
	}
	table_print(t, stdout);
	table_destroy(t);
	if (resp->n_partners == 0)
		rc = cli_fail(
		    CLI_REFUSED, "no partner matches \"%s\"", req.query);
out:
	hoptac__v1__list_partners_response__free_unpacked(resp, NULL);
	return rc;
}
