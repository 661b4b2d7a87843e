/*
 * The office's key for signing bundles (docs/bundle.md, "Signatures"):
 *   hoptac key register   makes the key if there is none (a private file
 *                         beside the outbox) and registers its public
 *                         half under the office's credential
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include "bundle_sign.h"
#include "cli.h"
#include "cli_i18n.h"
#include "hoptac/v1/auth.pb-c.h"
#include "outbox.h"

void
cli_key_path(const struct cli *cli, char *out, size_t len)
{
	const char *env = getenv("HOPTAC_KEY");

	if (env != NULL && env[0] != '\0')
		snprintf(out, len, "%s", env);
	else
		snprintf(out, len, "%s.key",
		    cli->outbox_path ? cli->outbox_path
		                     : outbox_default_path());
}

int
cmd_key_register(struct cli *cli, int argc, char **argv)
{
	Hoptac__V1__RegisterKeyRequest req =
	    HOPTAC__V1__REGISTER_KEY_REQUEST__INIT;
	Hoptac__V1__RegisterKeyResponse *resp = NULL;
	uint8_t der[SIGKEY_PUBLIC_MAX];
	char path[4096], pem[SIGKEY_PEM_MAX], err[512];
	size_t len = 0;
	int rc;

	if ((rc = cli_parse(cli, &cli_no_args, NULL, argc, argv, NULL)) !=
	    CLI_OK)
		return rc;
	cli_key_path(cli, path, sizeof(path));
	rc = bundle_key_load(path, pem, err, sizeof(err));
	if (rc == 1 && bundle_key_create(path, pem, err, sizeof(err)) == 0) {
		printf(_("new signing key in %s\n"), path);
		rc = 0;
	}
	if (rc != 0)
		return cli_fail(CLI_ERROR, "%s", err);
	rc = sigkey_public_of(pem, der, &len);
	mbedtls_platform_zeroize(pem, sizeof(pem));
	if (rc != 0)
		return cli_fail(CLI_ERROR, _("%s: not a signing key"), path);
	req.public_key.data = der;
	req.public_key.len = len;
	rc = cli_call(cli, METHOD_CREDENTIALS_REGISTER_KEY, &req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	if (cli->json)
		rc = cli_print_json(&resp->base);
	else
		printf(_("key %s registered for unit %s (credential %s)\n"),
		    resp->key->id, resp->key->unit_code,
		    resp->key->credential_id);
	hoptac__v1__register_key_response__free_unpacked(resp, NULL);
	return rc;
}
