/*
 * hoptacd init: the first administrator credential, written straight
 * into the database on the server's host. Whoever can run this can read
 * the database anyway, so the host's file permissions are what guard it.
 */
#include "init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "auth.h"
#include "call.h"
#include "hoptac/v1/auth.pb-c.h"
#include "server.h"
#include "status.h"
#include "store.h"
#include "tokenfile.h"

static void
init_usage(FILE *out)
{
	fprintf(out,
	    "usage: hoptacd init [-F] [-f file] [-D database] [-n name] "
	    "[-o tokenfile]\n"
	    "  creates the database if needed and a first administrator\n"
	    "  credential, printed once (or written to tokenfile, mode 0600)\n"
	    "  -F          even if an administrator credential exists\n"
	    "  -n name     who holds it (default \"administrator\")\n");
}

/* Whether a valid administrator credential exists. */
static int
init_has_admin(struct store_conn *db, int *has)
{
	Hoptac__V1__ListCredentialsResponse l =
	    HOPTAC__V1__LIST_CREDENTIALS_RESPONSE__INIT;
	int rc = store_cred_list(db, "", 0, call_wall_ms(), &l);

	*has = 0;
	for (size_t i = 0; rc == STATUS_OK && i < l.n_credentials; i++)
		if (role_set(
		        l.credentials[i]->roles, l.credentials[i]->n_roles) &
		    ROLES_ADMIN)
			*has = 1;
	for (size_t i = 0; i < l.n_credentials; i++)
		hoptac__v1__credential__free_unpacked(l.credentials[i], NULL);
	free(l.credentials);
	return rc;
}

/* The token to path (a new private file), or to stdout. */
static int
init_write_token(const char *path, const char *token)
{
	if (path != NULL)
		return tokenfile_write(path, token);
	printf("%s\n", token);
	return fflush(stdout) == 0 ? 0 : -1;
}

int
init_main(int argc, char **argv)
{
	struct server_config cfg;
	struct store_conn *db = NULL;
	Hoptac__V1__Credential cr = HOPTAC__V1__CREDENTIAL__INIT;
	Hoptac__V1__Role role = HOPTAC__V1__ROLE__ROLE_ADMIN;
	char token[AUTH_TOKEN_LEN + 1], id[AUTH_ID_LEN + 1], err[2048];
	uint8_t salt[AUTH_SALT_LEN], hash[AUTH_HASH_LEN];
	const char *name = "administrator", *out = NULL;
	int force = 0, has = 0, ch, rc = 1;

	server_config_defaults(&cfg);
	optind = 1;
	while ((ch = getopt(argc, argv, "D:f:Fhn:o:")) != -1) {
		int bad = 0;

		switch (ch) {
		case 'D':
			bad = server_config_set(
			    &cfg, "database", optarg, err, sizeof(err));
			break;
		case 'f':
			bad =
			    server_config_load(&cfg, optarg, err, sizeof(err));
			break;
		case 'F':
			force = 1;
			break;
		case 'n':
			name = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			init_usage(stdout);
			rc = 0;
			goto out;
		default:
			init_usage(stderr);
			rc = 2;
			goto out;
		}
		if (bad) {
			fprintf(stderr, "hoptacd init: %s\n", err);
			rc = EX_CONFIG;
			goto out;
		}
	}
	if (optind != argc) {
		init_usage(stderr);
		rc = 2;
		goto out;
	}
	if (store_open(cfg.database, STORE_OPEN_CREATE, &db, err,
	        sizeof(err)) != STATUS_OK) {
		fprintf(stderr, "hoptacd init: %s\n", err);
		goto out;
	}
	if (init_has_admin(db, &has) != STATUS_OK) {
		fprintf(stderr, "hoptacd init: cannot read credentials: %s\n",
		    store_errmsg(db));
		goto out;
	}
	if (has && !force) {
		fprintf(stderr,
		    "hoptacd init: %s has an administrator credential "
		    "already; issue more with `hoptac admin issue`, or use "
		    "-F\n",
		    cfg.database);
		goto out;
	}
	/* Before the credential exists: a token with nowhere to go would
	 * leave an administrator nobody holds. */
	if (out != NULL && access(out, F_OK) == 0) {
		fprintf(stderr,
		    "hoptacd init: %s exists; the token goes to a new file\n",
		    out);
		goto out;
	}
	if (auth_token_new(token, id, salt, hash) != STATUS_OK) {
		fprintf(stderr, "hoptacd init: no random bytes\n");
		goto out;
	}
	cr.id = id;
	cr.name = (char *)name;
	cr.n_roles = 1;
	cr.roles = &role;
	cr.created_at_ms = call_wall_ms();
	if (store_begin(db) != STATUS_OK ||
	    store_cred_insert(
	        db, &cr, salt, sizeof(salt), hash, sizeof(hash)) != STATUS_OK ||
	    store_commit(db) != STATUS_OK) {
		fprintf(stderr,
		    "hoptacd init: cannot store the credential: %s\n",
		    store_errmsg(db));
		goto out;
	}
	if (init_write_token(out, token) != 0) {
		fprintf(stderr,
		    "hoptacd init: cannot write %s (it must not exist); "
		    "revoke credential %s\n",
		    out ? out : "stdout", id);
		goto out;
	}
	fprintf(stderr,
	    "hoptacd init: administrator credential %s created%s%s\n", id,
	    out ? " in " : "", out ? out : "");
	rc = 0;
out:
	memset(token, 0, sizeof(token));
	store_close(db);
	server_config_free(&cfg);
	return rc;
}
