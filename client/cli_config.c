#include "cli_config.h"
#include "cli_i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conffile.h"
#include "rpc_client.h"

/* Each key of the file and the variable it stands in for. */
static const struct {
	const char *key;
	const char *env;
	int path; /* 1: must be an absolute path */
} cli_config_keys[] = {
    {"server", "HOPTAC_SERVER", 0},
    {"ca", "HOPTAC_CA", 1},
    {"token_file", "HOPTAC_TOKEN_FILE", 1},
    {"unit", "HOPTAC_UNIT", 0},
};

#define CLI_CONFIG_NKEYS (sizeof(cli_config_keys) / sizeof(cli_config_keys[0]))

static int
cli_config_set(
    void *ctx, const char *key, const char *value, char *why, size_t whylen)
{
	const char *now;
	size_t i;

	(void)ctx;
	for (i = 0; i < CLI_CONFIG_NKEYS; i++)
		if (strcmp(key, cli_config_keys[i].key) == 0)
			break;
	if (i == CLI_CONFIG_NKEYS) {
		snprintf(why, whylen,
		    _("unknown key \"%s\" (server, ca, token_file, unit)"),
		    key);
		return -1;
	}
	if (value[0] == '\0') {
		snprintf(why, whylen, _("%s has no value"), key);
		return -1;
	}
	if (cli_config_keys[i].path && value[0] != '/') {
		snprintf(why, whylen,
		    _("%s must be an absolute path, not \"%s\""), key, value);
		return -1;
	}
	if (strcmp(key, "server") == 0 && !rpc_client_url_known(value)) {
		snprintf(why, whylen,
		    _("server \"%s\" must start with tcp://, tls+tcp:// or "
		      "ipc://"),
		    value);
		return -1;
	}
	now = getenv(cli_config_keys[i].env);
	if ((now == NULL || now[0] == '\0') &&
	    setenv(cli_config_keys[i].env, value, 1) != 0) {
		snprintf(why, whylen, _("out of memory"));
		return -1;
	}
	return 0;
}

/* Reads path if it exists. */
static int
cli_config_file(const char *path, char *err, size_t errlen)
{
	if (conffile_read(path, cli_config_set, NULL, err, errlen) == 0 ||
	    errno == ENOENT)
		return 0;
	return -1;
}

int
cli_config_load(char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char path[4096];

	path[0] = '\0';
	if (xdg != NULL && xdg[0] == '/')
		snprintf(path, sizeof(path), "%s/hoptac/hoptac.conf", xdg);
	else if (home != NULL && home[0] == '/')
		snprintf(
		    path, sizeof(path), "%s/.config/hoptac/hoptac.conf", home);
	/* The user's first: what it sets, the system's then leaves. */
	if (path[0] != '\0' && cli_config_file(path, err, errlen) != 0)
		return -1;
	return cli_config_file(CLI_CONFIG_SYSTEM, err, errlen);
}
