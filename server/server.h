/*
 * hoptacd as a whole: configuration, start, graceful stop.
 */
#ifndef HOPTAC_SERVER_H
#define HOPTAC_SERVER_H

#include <stdatomic.h>
#include <stddef.h>

#define SERVER_MAX_LISTEN 8

struct server_config {
	char *listen[SERVER_MAX_LISTEN]; /* owned */
	size_t n_listen;
	char *database;      /* owned */
	int contexts;        /* calls served at once */
	int readers;         /* reader threads */
	int log_level;       /* enum log_level */
	int drain_ms;        /* how long shutdown waits for calls */
	char *tls_cert;      /* owned; PEM certificate chain for tls+tcp:// */
	char *tls_key;       /* owned; its PEM private key */
	int allow_plaintext; /* tcp:// on an address beyond loopback */
	char *gazetteer;     /* owned; the gazetteer's file, NULL: default */

	/* Connections open at once; more are closed as they arrive. */
	int max_connections;

	/* Of those, how many one peer address may hold (IPv6 by its /64;
	 * every ipc connection counts as one local address). */
	int max_connections_per_address;

	/* Replies one address may leave unread on its connections (each
	 * holds a context); one more closes the connection it waits on. */
	int max_unread_per_address;

	/* A connection with no call for this long is closed; 0: never. */
	int idle_timeout_ms;

	/* Bytes the database may grow to; 0: no limit. */
	long long max_db_size;

	/* The WAL is copied into the database once it holds this many
	 * bytes, and cut back to wal_size_limit when it starts over. */
	long long wal_checkpoint_size;
	long long wal_size_limit;

	/* How far before the server's receipt an office's claimed filing
	 * time may count (filing.h). */
	long long filing_tolerance_ms;
};

/* Fills cfg with the defaults documented in hoptacd.conf.example. */
void server_config_defaults(struct server_config *cfg);

/* Reads "key = value" lines from path into cfg. Returns 0, or -1 with
 * "path:line: reason" in err. */
int server_config_load(
    struct server_config *cfg, const char *path, char *err, size_t errlen);

/* For the tools that open a database (hoptacd backup, check): loads
 * file (if any) into cfg and takes its database where *db is NULL.
 * 0, or the exit code, with the reason printed after prog. */
int server_config_database(struct server_config *cfg, const char *prog,
    const char *file, const char **db);

/* Sets one key as the file would. Returns 0, or -1 with a reason. */
int server_config_set(struct server_config *cfg, const char *key,
    const char *value, char *err, size_t errlen);

/* Checks that cfg is complete and consistent. */
int server_config_check(
    const struct server_config *cfg, char *err, size_t errlen);

void server_config_free(struct server_config *cfg);

/* Loads the gazetteer named by cfg, or the installed one
 * (SERVER_GAZETTEER_DEFAULT) if there is one, else keeps the built-in
 * copy. 0 with what was loaded in *source, or -1 with "path:line: why". */
int server_config_gazetteer(const struct server_config *cfg,
    const char **source, char *err, size_t errlen);

struct server;

/* Opens the store, starts the writer and readers, binds every listen URL
 * and starts serving. Takes no ownership of cfg (copies what it needs).
 * NULL with a reason in err. */
struct server *server_start(
    const struct server_config *cfg, char *err, size_t errlen);

/* Graceful stop: health turns NOT_SERVING, listeners close, calls in
 * flight finish (up to drain_ms), then everything is closed and freed. */
void server_stop(struct server *s);

/* Whether the server is shutting down (health answers NOT_SERVING). */
int server_stopping(const struct server *s);

#endif
