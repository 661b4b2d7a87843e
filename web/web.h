/*
 * hoptac-web: the department's and the offices' pages, served over HTTP
 * by libmicrohttpd. Every figure on a page comes from hoptacd, called
 * with the signed-in person's credential through the client library, so
 * that hoptacd's authorization, audit and single writer stay the only
 * ones. What each page shows: docs/web.md.
 */
#ifndef HOPTAC_WEB_H
#define HOPTAC_WEB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <protobuf-c/protobuf-c.h>

#include "method.h"
#include "rpc_client.h"

/* What hoptac-web is started with (web_options.c). */
struct web_config {
	const char *server;   /* hoptacd's URL */
	const char *ca_file;  /* CAs for a tls+tcp:// hoptacd; NULL: none */
	const char *listen;   /* "127.0.0.1:8080" */
	const char *tls_cert; /* PEM: serve HTTPS; NULL: plain HTTP */
	const char *tls_key;
	const char *access_log; /* file; "-": stderr; NULL: none */
	const char *chartjs;    /* Chart.js's UMD build, served as it is */
	unsigned max_connections;
	unsigned max_per_ip;
	size_t max_body;         /* bytes of a request's body */
	unsigned session_idle_s; /* a session ends after this long unused */
	unsigned session_max_s;  /* and this long after signing in */
	uint32_t rpc_timeout_ms; /* each call to hoptacd */
	const char *state_dir;   /* sessions saved there; NULL: none */
	unsigned pool;           /* idle connections to hoptacd kept */
	unsigned pool_limit;     /* connections to hoptacd open at once */
	int debug;               /* -d: log to stderr */
};

/* One HTTP request being answered. */
struct web_req {
	const struct web_config *cfg;
	const char *method; /* "GET", "POST", ... */
	const char *path;
	const char *version; /* "HTTP/1.1" */
	char ip[64];         /* the peer's address, for the log and limits */
	struct timespec start;
	char *body; /* the body received so far (owned); NUL-terminated */
	size_t body_len;
	int too_large; /* the body went over cfg->max_body */
	int status;    /* the HTTP status answered, for the access log */
	size_t sent;   /* bytes of the body answered */
	void *conn;    /* struct MHD_Connection */
	int secure;    /* served over TLS: cookies get Secure */
	struct rpc_client *client;    /* to hoptacd as the user; owned, then
	                               * given back to the pool (pool.h) */
	unsigned char client_key[32]; /* its credential's key in the pool */
	int client_bad; /* a call failed on the way: not to be kept */
};

/* A page being written: f writes into buf (open_memstream). */
struct web_page {
	FILE *f;
	char *buf; /* owned until handed to the response */
	size_t len;
};

/* A signed-in person, as a page sees them (a copy of the session). */
struct web_user {
	char sid[65];  /* the session's id */
	char csrf[65]; /* what every form of the session carries */
	char token[256];
	char name[160];
	unsigned roles; /* 1 << hoptac.v1.Role */
	char unit[64];  /* an office's unit */
};

#define WEB_ROLE(r) (1u << (r))

/* The value of query-string argument name, or NULL. */
const char *web_arg(const struct web_req *r, const char *name);

/* The value of request header name, or NULL. */
const char *web_header(const struct web_req *r, const char *name);

/* The value of form field name of a POST body (urlencoded), decoded into
 * out (cut to len); 0, or -1 when absent. */
int web_form(const struct web_req *r, const char *name, char *out, size_t len);

/* Answers with status and a buffer taken over (free()d by the response),
 * of content type type, with headers (NULL-ended name, value pairs; NULL:
 * none) beside the ones every answer carries. Returns MHD's result. */
int web_answer(struct web_req *r, int status, const char *type, char *buf,
    size_t len, const char *const *headers);

/* Answers a page of the frame (web_page_begin ... web_page_end). */
int web_answer_page(struct web_req *r, int status, struct web_page *p,
    const char *const *headers);

/* Answers a page saying why a request was refused (status 4xx/5xx), in
 * Vietnamese. */
int web_refuse(struct web_req *r, int status, const char *why);

/* Answers 303 See Other to location. */
int web_redirect(
    struct web_req *r, const char *location, const char *const *headers);

#endif
