/* hoptac partner list: the Lao provinces and districts the server knows. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_i18n.h"
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
		    CLI_REFUSED, _("no partner matches \"%s\""), req->query);
	return CLI_OK;
}

int
cmd_partner_list(struct cli *cli, int argc, char **argv)
{
	static const struct cli_args args = {NULL, NULL, 0, 1,
	    offsetof(Hoptac__V1__ListPartnersRequest, query), 0};
	static const char *const headers[] = {
	    N_("CODE"), N_("NAME"), N_("LATIN"), N_("ALIASES")};
	static const size_t widths[] = {0, 0, 0, 60};
	static const struct cli_list list = {&args, METHOD_PARTNERS_LIST,
	    "partners", 4, headers, widths, cmd_partner_row, NULL,
	    cmd_partner_list_found};
	Hoptac__V1__ListPartnersRequest req =
	    HOPTAC__V1__LIST_PARTNERS_REQUEST__INIT;

	return cli_list(cli, &list, argc, argv, &req.base);
}

static int
cmd_partner_added(const ProtobufCMessage *req, const ProtobufCMessage *m)
{
	const Hoptac__V1__AddPartnerResponse *resp = (const void *)m;

	(void)req;
	printf(_("partner %s %s: %s\n"), resp->partner->code,
	    resp->created ? _("added") : _("was there already"),
	    resp->partner->name);
	return CLI_OK;
}

/* hoptac partner add CODE NAME --latin NAME [--parent PROVINCE] */
int
cmd_partner_add(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING("latin", Hoptac__V1__AddPartnerRequest, name_latin),
	    CLI_STRING("parent", Hoptac__V1__AddPartnerRequest, parent_code),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {opts, NULL, 2, 2, 0, 0};
	static const struct cli_show show = {
	    NULL, METHOD_PARTNERS_ADD, NULL, cmd_partner_added};
	Hoptac__V1__AddPartnerRequest req =
	    HOPTAC__V1__ADD_PARTNER_REQUEST__INIT;
	char **names;
	int rc;

	if ((rc = cli_parse(cli, &args, &req, argc, argv, &names)) != CLI_OK)
		return rc;
	if (req.name_latin[0] == '\0')
		return cli_fail(CLI_USAGE, _("--latin NAME is required"));
	req.code = names[0];
	req.name = names[1];
	return cli_show(cli, &show, &req.base);
}

static int
cmd_partner_aliased(const ProtobufCMessage *req, const ProtobufCMessage *m)
{
	const Hoptac__V1__AliasPartnerRequest *in = (const void *)req;
	const Hoptac__V1__AliasPartnerResponse *resp = (const void *)m;

	printf(_("alias \"%s\" %s: %s %s\n"), in->alias,
	    resp->created ? _("added") : _("was there already"),
	    resp->partner->code, resp->partner->name);
	return CLI_OK;
}

/* hoptac partner alias PARTNER ALIAS */
int
cmd_partner_alias(struct cli *cli, int argc, char **argv)
{
	static const struct cli_args args = {NULL, NULL, 2, 2, 0, 0};
	static const struct cli_show show = {
	    NULL, METHOD_PARTNERS_ALIAS, NULL, cmd_partner_aliased};
	Hoptac__V1__AliasPartnerRequest req =
	    HOPTAC__V1__ALIAS_PARTNER_REQUEST__INIT;
	char **names;
	int rc;

	if ((rc = cli_parse(cli, &args, &req, argc, argv, &names)) != CLI_OK)
		return rc;
	req.partner = names[0];
	req.alias = names[1];
	return cli_show(cli, &show, &req.base);
}
