/*
 * hoptac's configuration files: the system's and the user's. Their keys
 * stand in for the environment variables a person has not set, so that
 * the command line wins over the environment, the environment over the
 * user's file, and the user's file over the system's.
 */
#ifndef HOPTAC_CLI_CONFIG_H
#define HOPTAC_CLI_CONFIG_H

#include <stddef.h>

/* The system's file, read before the user's. */
#define CLI_CONFIG_SYSTEM "/etc/hoptac/hoptac.conf"

/* Reads the user's file ($XDG_CONFIG_HOME/hoptac/hoptac.conf, else
 * ~/.config/hoptac/hoptac.conf), then the system's, each when it exists,
 * setting HOPTAC_SERVER, HOPTAC_CA, HOPTAC_TOKEN_FILE and HOPTAC_UNIT from
 * the keys server, ca, token_file and unit where they are unset or
 * empty. Returns 0, or -1 with "file:line: reason" (or "file: cause") in
 * err. */
int cli_config_load(char *err, size_t errlen);

#endif
