/* hoptac admin issue|list|revoke and hoptac whoami: credentials
 * (docs/SECURITY.md). The token of a new credential is shown once. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
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
	role_join(role_set(cr->roles, cr->n_roles), buf, len);
}

int
cmd_admin_issue(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"name", required_argument, NULL, 'n'},
	    {"role", required_argument, NULL, 'r'},
	    {"unit", required_argument, NULL, 'u'},
	    {"expires", required_argument, NULL, 'e'},
	    {"output", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	Hoptac__V1__IssueCredentialRequest req =
	    HOPTAC__V1__ISSUE_CREDENTIAL_REQUEST__INIT;
	Hoptac__V1__IssueCredentialResponse *resp;
	Hoptac__V1__Role roles[ROLE_MAX];
	const char *output = NULL;
	int ch, rc;

	req.roles = roles;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			req.name = optarg;
			break;
		case 'r':
			if (cmd_admin_roles(optarg, roles, &req.n_roles) != 0)
				return cli_fail(CLI_USAGE,
				    "--role takes office, reviewer, admin or "
				    "peer, several joined by commas");
			break;
		case 'u':
			req.unit_code = optarg;
			break;
		case 'e':
			req.expires = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		default:
			cli_usage("admin", "issue", 1);
			return CLI_USAGE;
		}
	}
	if (optind != argc || req.n_roles == 0 || req.name[0] == '\0') {
		cli_usage("admin", "issue", 1);
		return cli_fail(CLI_USAGE, "give --name and --role");
	}
	/* Checked before the server makes a credential whose token would
	 * then have nowhere to go. */
	if (output != NULL && access(output, F_OK) == 0)
		return cli_fail(CLI_ERROR,
		    "%s exists; the token goes to a new file", output);
	rc = cli_call(cli, METHOD_CREDENTIALS_ISSUE, &req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	if (output != NULL && tokenfile_write(output, resp->token) != 0) {
		rc = cli_fail(CLI_ERROR,
		    "cannot create %s (it must not exist yet); revoke "
		    "credential %s and issue another",
		    output, resp->credential->id);
	} else if (cli->json) {
		rc = cli_print_json(&resp->base);
	} else {
		if (output == NULL)
			printf("%s\n", resp->token);
		fprintf(stderr,
		    "hoptac: credential %s issued to %s%s%s; the token is "
		    "shown this once\n",
		    resp->credential->id, resp->credential->name,
		    output ? ", saved in " : "", output ? output : "");
	}
	memset(resp->token, 0, strlen(resp->token));
	hoptac__v1__issue_credential_response__free_unpacked(resp, NULL);
	return rc;
}

/* One credential as a table row. */
static void
cmd_admin_row(struct table *t, const Hoptac__V1__Credential *cr)
{
	char roles[64], created[32], expires[32], revoked[32];

	cmd_admin_roles_text(cr, roles, sizeof(roles));
	cli_when(cr->created_at_ms, created, sizeof(created));
	cli_when(cr->expires_at_ms, expires, sizeof(expires));
	cli_when(cr->revoked_at_ms, revoked, sizeof(revoked));
	table_add_row(t,
	    (const char *const[]) {cr->id, roles, cr->unit_code, cr->name,
	        created, cr->expires_at_ms ? expires : "never",
	        cr->revoked_at_ms ? revoked : ""});
}

int
cmd_admin_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"unit", required_argument, NULL, 'u'},
	    {"all", no_argument, NULL, 'a'},
	    {NULL, 0, NULL, 0},
	};
	static const char *const headers[] = {
	    "ID", "ROLES", "UNIT", "NAME", "CREATED", "EXPIRES", "REVOKED"};
	Hoptac__V1__ListCredentialsRequest req =
	    HOPTAC__V1__LIST_CREDENTIALS_REQUEST__INIT;
	Hoptac__V1__ListCredentialsResponse *resp;
	struct table *t;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'u') {
			req.unit_code = optarg;
		} else if (ch == 'a') {
			req.include_revoked = 1;
		} else {
			cli_usage("admin", "list", 1);
			return CLI_USAGE;
		}
	}
	if (optind != argc) {
		cli_usage("admin", "list", 1);
		return CLI_USAGE;
	}
	rc = cli_fetch(cli, METHOD_CREDENTIALS_LIST, &req.base,
	    (ProtobufCMessage **)&resp);
	if (rc != CLI_OK || resp == NULL)
		return rc;
	if ((t = table_create(7, headers)) == NULL) {
		rc = cli_fail(CLI_ERROR, "out of memory");
		goto out;
	}
	table_set_max_width(t, 3, 40);
	for (size_t i = 0; i < resp->n_credentials; i++)
		cmd_admin_row(t, resp->credentials[i]);
	table_print(t, stdout);
	table_destroy(t);
out:
	hoptac__v1__list_credentials_response__free_unpacked(resp, NULL);
	return rc;
}

int
cmd_admin_revoke(struct cli *cli, int argc, char **argv)
{
	Hoptac__V1__RevokeCredentialRequest req =
	    HOPTAC__V1__REVOKE_CREDENTIAL_REQUEST__INIT;
	Hoptac__V1__RevokeCredentialResponse *resp;
	int rc;

	if (argc != 2) {
		cli_usage("admin", "revoke", 1);
		return CLI_USAGE;
	}
	req.id = argv[1];
	rc = cli_call(cli, METHOD_CREDENTIALS_REVOKE, &req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	if (cli->json)
		rc = cli_print_json(&resp->base);
	else
		printf("credential %s (%s) revoked\n", resp->credential->id,
		    resp->credential->name);
	hoptac__v1__revoke_credential_response__free_unpacked(resp, NULL);
	return rc;
}

int
cmd_whoami(struct cli *cli, int argc, char **argv)
{
	Hoptac__V1__WhoAmIRequest req = HOPTAC__V1__WHO_AM_IREQUEST__INIT;
	Hoptac__V1__WhoAmIResponse *resp;
	char roles[64];
	int rc;

	(void)argv;
	if (argc != 1) {
		cli_usage("whoami", NULL, 1);
		return CLI_USAGE;
	}
	rc = cli_fetch(cli, METHOD_CREDENTIALS_WHO_AM_I, &req.base,
	    (ProtobufCMessage **)&resp);
	if (rc != CLI_OK || resp == NULL)
		return rc;
	cmd_admin_roles_text(resp->credential, roles, sizeof(roles));
	printf("credential %s: %s, %s%s%s\n", resp->credential->id,
	    resp->credential->name, roles,
	    resp->credential->unit_code[0] ? " of " : "",
	    resp->credential->unit_code);
	hoptac__v1__who_am_iresponse__free_unpacked(resp, NULL);
	return rc;
}
