/*
 * hoptacd's configuration: "key = value" lines, "#" comments. Every key
 * is documented in deploy/hoptacd.conf.example.
 */
#include <errno.h>
#include <stdio.h>
#include <sysexits.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "conffile.h"
#include "filing.h"
#include "gazetteer.h"
#include "rpc_client.h"
#include "log.h"
#include "server.h"

void
server_config_defaults(struct server_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->contexts = 64;
	cfg->readers = 4;
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->drain_ms = 5000;
	cfg->max_connections = 1024;
	cfg->max_connections_per_address = 64;
	cfg->max_unread_per_address = 16;
	cfg->idle_timeout_ms = 10000;
	cfg->wal_checkpoint_size = 4LL << 20;
	cfg->wal_size_limit = 4LL << 20;
	cfg->filing_tolerance_ms = FILING_TOLERANCE_DEFAULT_MS;
}

void
server_config_free(struct server_config *cfg)
{
	for (size_t i = 0; i < cfg->n_listen; i++)
		free(cfg->listen[i]);
	free(cfg->database);
	free(cfg->tls_cert);
	free(cfg->tls_key);
	free(cfg->gazetteer);
	cfg->gazetteer = NULL;
	cfg->n_listen = 0;
	cfg->database = NULL;
	cfg->tls_cert = NULL;
	cfg->tls_key = NULL;
}

static int
config_int(
    const char *value, int min, int max, int *out, char *err, size_t errlen)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || v < min || v > max) {
		snprintf(err, errlen, "\"%s\" is not a number from %d to %d",
		    value, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* A size in bytes, with an optional K, M or G (powers of 1024): what
 * operators write for disk quotas. */
static int
config_size(const char *value, long long *out, char *err, size_t errlen)
{
	char *end;
	long long v;
	int shift = 0;

	errno = 0;
	v = strtoll(value, &end, 10);
	if (end == value)
		errno = EINVAL;
	else if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift != 0)
		end++;
	if (errno != 0 || *end != '\0' || v < 0 || v > (1LL << 50) >> shift) {
		snprintf(err, errlen,
		    "\"%s\" is not a size in bytes (such as 500M or 2G)",
		    value);
		return -1;
	}
	*out = v << shift;
	return 0;
}

/* filing_tolerance: a span of time with its unit, "6h", "90m" or "30s"
 * (0 needs none), up to a week, in milliseconds. */
static int
config_duration(const char *value, long long *out, char *err, size_t errlen)
{
	char *end;
	long long v, unit = 0;

	errno = 0;
	v = strtoll(value, &end, 10);
	if (end != value && end[0] != '\0' && end[1] == '\0')
		unit = end[0] == 'h' ? 3600000
		    : end[0] == 'm'  ? 60000
		    : end[0] == 's'  ? 1000
		                     : 0;
	else if (end != value && end[0] == '\0' && v == 0)
		unit = 1;
	if (errno != 0 || unit == 0 || v < 0 || v > 7LL * 24 * 3600000 / unit) {
		snprintf(err, errlen,
		    "filing_tolerance: \"%s\" is not a time from 0 to 168h "
		    "(such as 6h or 90m)",
		    value);
		return -1;
	}
	*out = v * unit;
	return 0;
}

/* A size from min to max bytes. */
static int
config_size_range(const char *value, long long min, long long max,
    long long *out, char *err, size_t errlen)
{
	long long v;

	if (config_size(value, &v, err, errlen) != 0)
		return -1;
	if (v < min || v > max) {
		snprintf(err, errlen,
		    "\"%s\" is not a size from %lldK to %lldM", value,
		    min >> 10, max >> 20);
		return -1;
	}
	*out = v;
	return 0;
}

int
server_config_set(struct server_config *cfg, const char *key, const char *value,
    char *err, size_t errlen)
{
	if (strcmp(key, "listen") == 0) {
		if (cfg->n_listen == SERVER_MAX_LISTEN) {
			snprintf(err, errlen, "at most %d listen URLs",
			    SERVER_MAX_LISTEN);
			return -1;
		}
		if (!rpc_client_url_known(value)) {
			snprintf(err, errlen,
			    "listen URL \"%s\" must start with tcp://, "
			    "tls+tcp:// or ipc://",
			    value);
			return -1;
		}
		if ((cfg->listen[cfg->n_listen] = strdup(value)) == NULL)
			goto nomem;
		cfg->n_listen++;
		return 0;
	}
	if (strcmp(key, "database") == 0 || strcmp(key, "tls_cert") == 0 ||
	    strcmp(key, "tls_key") == 0 || strcmp(key, "gazetteer") == 0) {
		char **field = key[0] == 'd' ? &cfg->database
		    : key[0] == 'g'          ? &cfg->gazetteer
		    : key[4] == 'c'          ? &cfg->tls_cert
		                             : &cfg->tls_key;

		free(*field);
		if ((*field = strdup(value)) == NULL)
			goto nomem;
		return 0;
	}
	if (strcmp(key, "allow_plaintext") == 0) {
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0) {
			snprintf(
			    err, errlen, "allow_plaintext must be yes or no");
			return -1;
		}
		cfg->allow_plaintext = value[0] == 'y';
		return 0;
	}
	if (strcmp(key, "contexts") == 0)
		return config_int(value, 1, 4096, &cfg->contexts, err, errlen);
	if (strcmp(key, "readers") == 0)
		return config_int(value, 1, 64, &cfg->readers, err, errlen);
	if (strcmp(key, "drain_ms") == 0)
		return config_int(
		    value, 0, 600000, &cfg->drain_ms, err, errlen);
	if (strcmp(key, "max_connections") == 0)
		return config_int(
		    value, 1, 65536, &cfg->max_connections, err, errlen);
	if (strcmp(key, "max_connections_per_address") == 0)
		return config_int(value, 1, 65536,
		    &cfg->max_connections_per_address, err, errlen);
	if (strcmp(key, "max_unread_per_address") == 0)
		return config_int(
		    value, 1, 4096, &cfg->max_unread_per_address, err, errlen);
	if (strcmp(key, "idle_timeout_ms") == 0)
		return config_int(
		    value, 0, 3600000, &cfg->idle_timeout_ms, err, errlen);
	if (strcmp(key, "max_db_size") == 0)
		return config_size(value, &cfg->max_db_size, err, errlen);
	if (strcmp(key, "wal_checkpoint_size") == 0)
		return config_size_range(value, 64LL << 10, 1LL << 30,
		    &cfg->wal_checkpoint_size, err, errlen);
	if (strcmp(key, "wal_size_limit") == 0)
		return config_size_range(
		    value, 0, 1LL << 30, &cfg->wal_size_limit, err, errlen);
	if (strcmp(key, "filing_tolerance") == 0)
		return config_duration(
		    value, &cfg->filing_tolerance_ms, err, errlen);
	if (strcmp(key, "log_level") == 0) {
		int level = log_level_parse(value);

		if (level < 0) {
			snprintf(err, errlen,
			    "log_level must be error, warn, info or debug");
			return -1;
		}
		cfg->log_level = level;
		return 0;
	}
	snprintf(err, errlen, "unknown key \"%s\"", key);
	return -1;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static int
config_set(
    void *cfg, const char *key, const char *value, char *why, size_t whylen)
{
	return server_config_set(cfg, key, value, why, whylen);
}

int
server_config_load(
    struct server_config *cfg, const char *path, char *err, size_t errlen)
{
	return conffile_read(path, config_set, cfg, err, errlen);
}

int
server_config_check(const struct server_config *cfg, char *err, size_t errlen)
{
	if (cfg->n_listen == 0) {
		snprintf(err, errlen, "no listen URL (listen = tcp://...)");
		return -1;
	}
	if (cfg->database == NULL || cfg->database[0] == '\0') {
		snprintf(err, errlen, "no database file (database = ...)");
		return -1;
	}
	for (size_t i = 0; i < cfg->n_listen; i++) {
		const char *url = cfg->listen[i];

		if (strncmp(url, "tls+tcp://", 10) == 0 &&
		    (cfg->tls_cert == NULL || cfg->tls_key == NULL)) {
			snprintf(
			    err, errlen, "%s needs tls_cert and tls_key", url);
			return -1;
		}
		/* Offices' credentials would cross the network in clear. */
		if (strncmp(url, "tcp://", 6) == 0 &&
		    !rpc_client_url_loopback(url) && !cfg->allow_plaintext) {
			snprintf(err, errlen,
			    "%s is not a loopback address: listen on "
			    "tls+tcp://, or set allow_plaintext = yes",
			    url);
			return -1;
		}
	}
	return 0;
}

int
server_config_database(struct server_config *cfg, const char *prog,
    const char *file, const char **db)
{
	char err[1200];

	if (file != NULL &&
	    server_config_load(cfg, file, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return EX_CONFIG;
	}
	if (*db == NULL)
		*db = cfg->database;
	if (*db == NULL) {
		fprintf(stderr,
		    "%s: no database (-D database, or -f file with a "
		    "database key)\n",
		    prog);
		return file != NULL ? EX_CONFIG : 2;
	}
	return 0;
}

int
server_config_gazetteer(const struct server_config *cfg, const char **source,
    char *err, size_t errlen)
{
	char why[1024];
	const char *path = cfg->gazetteer;

	/* Without a file of its own, a server not installed (tests, a
	 * build tree) serves the copy it was built with. */
	if (path == NULL && access(SERVER_GAZETTEER_DEFAULT, F_OK) == 0)
		path = SERVER_GAZETTEER_DEFAULT;
	*source = path != NULL ? path : "built-in";
	if (path == NULL)
		return 0;
	if (gazetteer_load_file(path, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "gazetteer: %s", why);
		return -1;
	}
	return 0;
}
