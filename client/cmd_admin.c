/* hoptac admin issue|list|revoke and hoptac whoami: credentials
 * (docs/SECURITY.md). The token of a new credential is shown once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_i18n.h"
#include "hoptac/v1/auth.pb-c.h"
#include "role.h"
#include "table.h"
#include "tokenfile.h"

/* Parses "reviewer,admin" into roles (at most 4). -1 for a bad name. */
static int
cmd_admin_roles(const char *text, Hoptac__V1__Role *roles, size_t *n)
{
	char buf[128], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", text);
	*n = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		int r = role_parse(tok);

		if (r == 0 || *n == ROLE_MAX)
			return -1;
		roles[(*n)++] = (Hoptac__V1__Role)r;
	}
	return *n > 0 ? 0 : -1;
}

static void
cmd_admin_roles_text(const Hoptac__V1__Credential *cr, char *buf, size_t len)
{
	/* The roles' labels for people reading Vietnamese; their names,
	 * which --role takes, otherwise. */
	role_join_as(role_set(cr->roles, cr->n_roles), cli_label, buf, len);
}

/* What admin issue takes: the request, and where the token goes. */
struct cmd_admin_issue {
	Hoptac__V1__IssueCredentialRequest req;
	char *output;
};

static int
cmd_admin_issue_roles(void *ctx, int ch, char *arg)
{
	struct cmd_admin_issue *is = ctx;

	(void)ch;
	if (cmd_admin_roles(arg, is->req.roles, &is->req.n_roles) != 0)
		return cli_fail(CLI_USAGE,
		    _("--role takes office, reviewer, admin or peer, several "
		      "joined by commas"));
	return CLI_OK;
}

int
cmd_admin_issue(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING("name", struct cmd_admin_issue, req.name),
	    CLI_VALUE("role", 'r'),
	    CLI_STRING("unit", struct cmd_admin_issue, req.unit_code),
	    CLI_STRING("expires", struct cmd_admin_issue, req.expires),
	    CLI_STRING("output", struct cmd_admin_issue, output),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {
	    opts, cmd_admin_issue_roles, 0, -1, 0, 0};
	struct cmd_admin_issue is = {
	    HOPTAC__V1__ISSUE_CREDENTIAL_REQUEST__INIT, NULL};
	Hoptac__V1__IssueCredentialResponse *resp;
	Hoptac__V1__Role roles[ROLE_MAX];
	const char *output;
	char **rest;
	int rc;

	is.req.roles = roles;
	if ((rc = cli_parse(cli, &args, &is, argc, argv, &rest)) != CLI_OK)
		return rc;
	output = is.output;
	if (rest[0] != NULL || is.req.n_roles == 0 || is.req.name[0] == '\0') {
		cli_usage_error(cli);
		return cli_fail(CLI_USAGE, _("give --name and --role"));
	}
	/* Checked before the server makes a credential whose token would
	 * then have nowhere to go. */
	if (output != NULL && access(output, F_OK) == 0)
		return cli_fail(CLI_ERROR,
		    _("%s exists; the token goes to a new file"), output);
	rc = cli_call(cli, METHOD_CREDENTIALS_ISSUE, &is.req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	if (output != NULL && tokenfile_write(output, resp->token) != 0) {
		rc = cli_fail(CLI_ERROR,
		    _("cannot create %s (it must not exist yet); revoke "
		      "credential %s and issue another"),
		    output, resp->credential->id);
	} else if (cli->json) {
		rc = cli_print_json(&resp->base);
	} else {
		if (output == NULL)
			printf("%s\n", resp->token);
		fprintf(stderr,
		    _("hoptac: credential %s issued to %s%s%s; the token is "
		      "shown this once\n"),
		    resp->credential->id, resp->credential->name,
		    output ? _(", saved in ") : "", output ? output : "");
	}
	memset(resp->token, 0, strlen(resp->token));
	hoptac__v1__issue_credential_response__free_unpacked(resp, NULL);
	return rc;
}

static void
cmd_admin_row(struct table *t, const void *item)
{
	const Hoptac__V1__Credential *cr = item;
	char roles[64], created[32], expires[32], revoked[32];

	cmd_admin_roles_text(cr, roles, sizeof(roles));
	cli_when(cr->created_at_ms, created, sizeof(created));
	cli_when(cr->expires_at_ms, expires, sizeof(expires));
	cli_when(cr->revoked_at_ms, revoked, sizeof(revoked));
	table_add_row(t,
	    (const char *const[]) {cr->id, roles, cr->unit_code, cr->name,
	        created, cr->expires_at_ms ? expires : _("never"),
	        cr->revoked_at_ms ? revoked : ""});
}

int
cmd_admin_list(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING("unit", Hoptac__V1__ListCredentialsRequest, unit_code),
	    CLI_FLAG(
	        "all", Hoptac__V1__ListCredentialsRequest, include_revoked),
	    CLI_OPTIONS_END,
	};
	static const char *const headers[] = {N_("ID"), N_("ROLES"), N_("UNIT"),
	    N_("NAME"), N_("CREATED"), N_("EXPIRES"), N_("REVOKED")};
	static const struct cli_args args = {opts, NULL, 0, 0, 0, 0};
	static const size_t widths[] = {0, 0, 0, 40, 0, 0, 0};
	static const struct cli_list list = {&args, METHOD_CREDENTIALS_LIST,
	    "credentials", 7, headers, widths, cmd_admin_row, NULL, NULL};
	Hoptac__V1__ListCredentialsRequest req =
	    HOPTAC__V1__LIST_CREDENTIALS_REQUEST__INIT;

	return cli_list(cli, &list, argc, argv, &req.base);
}

static int
cmd_admin_revoked(const ProtobufCMessage *req, const ProtobufCMessage *m)
{
	const Hoptac__V1__RevokeCredentialResponse *resp = (const void *)m;

	(void)req;
	printf(_("credential %s (%s) revoked\n"), resp->credential->id,
	    resp->credential->name);
	return CLI_OK;
}

int
cmd_admin_revoke(struct cli *cli, int argc, char **argv)
{
	static const struct cli_args args = {NULL, NULL, 1, 1,
	    offsetof(Hoptac__V1__RevokeCredentialRequest, id), 0};
	static const struct cli_show show = {
	    &args, METHOD_CREDENTIALS_REVOKE, NULL, cmd_admin_revoked};
	Hoptac__V1__RevokeCredentialRequest req =
	    HOPTAC__V1__REVOKE_CREDENTIAL_REQUEST__INIT;

	return cli_run(cli, &show, argc, argv, &req.base);
}

static int
cmd_whoami_print(const ProtobufCMessage *req, const ProtobufCMessage *m)
{
	const Hoptac__V1__Credential *cr =
	    ((const Hoptac__V1__WhoAmIResponse *)(const void *)m)->credential;
	char roles[64];

	(void)req;
	cmd_admin_roles_text(cr, roles, sizeof(roles));
	printf(_("credential %s: %s, %s%s%s\n"), cr->id, cr->name, roles,
	    cr->unit_code[0] ? _(" of ") : "", cr->unit_code);
	return CLI_OK;
}

int
cmd_whoami(struct cli *cli, int argc, char **argv)
{
	static const struct cli_show show = {
	    &cli_no_args, METHOD_CREDENTIALS_WHO_AM_I, NULL, cmd_whoami_print};
	Hoptac__V1__WhoAmIRequest req = HOPTAC__V1__WHO_AM_IREQUEST__INIT;

	return cli_run(cli, &show, argc, argv, &req.base);
}
