/*
 * libmicrohttpd's side of hoptac-web: one thread per connection (a page
 * waits on hoptacd's answers), limits on connections, per address, on
 * headers and bodies, the access log, and the headers every answer
 * carries.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "http.h"
#include "pool.h"
#include "route.h"
#include "web_i18n.h"

static FILE *http_log;
static pthread_mutex_t http_log_lock = PTHREAD_MUTEX_INITIALIZER;

/* What every answer carries: no framing, no sniffing, no referrer, and
 * scripts, styles and images from hoptac-web only. */
static const char http_csp[] =
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'";
static const char *const http_default_headers[] = {"Content-Security-Policy",
    http_csp, "X-Content-Type-Options", "nosniff", "Referrer-Policy",
    "no-referrer", "X-Frame-Options", "DENY", NULL};

int
web_answer(struct web_req *r, int status, const char *type, char *buf,
    size_t len, const char *const *headers)
{
	struct MHD_Response *resp;
	enum MHD_Result rc;
	int has_csp = 0, has_cache = 0;

	resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(buf);
		return MHD_NO;
	}
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i += 2) {
		MHD_add_response_header(resp, headers[i], headers[i + 1]);
		has_csp |= strcmp(headers[i], "Content-Security-Policy") == 0;
		has_cache |= strcmp(headers[i], "Cache-Control") == 0;
	}
	for (size_t i = 0; http_default_headers[i] != NULL; i += 2)
		if (!has_csp || i != 0)
			MHD_add_response_header(resp, http_default_headers[i],
			    http_default_headers[i + 1]);
	if (!has_cache)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Content-Type", type);
	r->status = status;
	r->sent = len;
	rc = MHD_queue_response(r->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return rc;
}

const char *
web_arg(const struct web_req *r, const char *name)
{
	return MHD_lookup_connection_value(
	    r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
web_header(const struct web_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int
web_form(const struct web_req *r, const char *name, char *out, size_t len)
{
	size_t nlen = strlen(name);
	const char *p = r->body;

	while (p != NULL && *p != '\0') {
		size_t flen = strcspn(p, "&");

		if (flen > nlen && strncmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			size_t vlen = flen - nlen - 1;

			if (vlen >= len)
				return -1;
			memcpy(out, p + nlen + 1, vlen);
			out[vlen] = '\0';
			for (char *c = out; *c != '\0'; c++)
				if (*c == '+')
					*c = ' ';
			MHD_http_unescape(out);
			return 0;
		}
		if (flen == strlen(name) && strncmp(p, name, nlen) == 0) {
			if (len == 0)
				return -1;
			out[0] = '\0';
			return 0;
		}
		p = p[flen] == '&' ? p + flen + 1 : NULL;
	}
	return -1;
}

/* Writes s to the log with control characters and quotes escaped, so
 * that a request cannot end a line or forge a field. */
static void
http_log_text(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			fprintf(http_log, "\\x%02x", c);
		else
			fputc(c, http_log);
	}
}

/* The access log: one line per request, in the common log format with
 * the time taken in milliseconds at the end. Never a body, a cookie or a
 * credential. */
static void
http_completed(void *cls, struct MHD_Connection *conn, void **ctx,
    enum MHD_RequestTerminationCode why)
{
	struct web_req *r = *ctx;
	struct timespec end;
	char when[64];
	time_t now = time(NULL);
	struct tm tm;

	(void)cls, (void)conn;
	if (r == NULL)
		return;
	if (http_log != NULL) {
		clock_gettime(CLOCK_MONOTONIC, &end);
		gmtime_r(&now, &tm);
		strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S +0000", &tm);
		pthread_mutex_lock(&http_log_lock);
		fprintf(http_log, "%s - - [%s] \"", r->ip, when);
		http_log_text(r->method);
		fputc(' ', http_log);
		http_log_text(r->path);
		fputc(' ', http_log);
		http_log_text(r->version);
		fprintf(http_log, "\" %d %zu %ld%s\n", r->status, r->sent,
		    (long)((end.tv_sec - r->start.tv_sec) * 1000 +
		        (end.tv_nsec - r->start.tv_nsec) / 1000000),
		    why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? ""
		                                               : " aborted");
		fflush(http_log);
		pthread_mutex_unlock(&http_log_lock);
	}
	web_pool_give(r->client, r->client_key, !r->client_bad);
	free(r->body);
	free(r);
	*ctx = NULL;
}

static void
http_peer(struct MHD_Connection *conn, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

	snprintf(out, len, "-");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    out, (socklen_t)len);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
		    (socklen_t)len);
}

/* A new request: its context, and a body announced over the limit
 * refused before it is read. */
static enum MHD_Result
http_begin(struct web_config *cfg, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, void **ctx)
{
	struct web_req *r = calloc(1, sizeof(*r));
	const char *cl;

	if (r == NULL)
		return MHD_NO;
	r->cfg = cfg;
	r->method = method;
	r->path = url;
	r->version = version;
	r->conn = conn;
	r->secure = cfg->tls_cert != NULL;
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	http_peer(conn, r->ip, sizeof(r->ip));
	*ctx = r;
	cl = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && strtoull(cl, NULL, 10) > cfg->max_body) {
		r->too_large = 1;
		return (enum MHD_Result)web_refuse(r,
		    MHD_HTTP_CONTENT_TOO_LARGE,
		    W_("The content sent is too large."));
	}
	return MHD_YES;
}

/* Keeps up to max_body bytes of the body; what goes over is dropped and
 * the request refused once it has all arrived. */
static void
http_body(struct web_req *r, const char *data, size_t n)
{
	char *grown;

	if (r->too_large || r->body_len + n > r->cfg->max_body) {
		r->too_large = 1;
		return;
	}
	if ((grown = realloc(r->body, r->body_len + n + 1)) == NULL) {
		r->too_large = 1;
		return;
	}
	memcpy(grown + r->body_len, data, n);
	r->body = grown;
	r->body_len += n;
	r->body[r->body_len] = '\0';
}

static enum MHD_Result
http_serve(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **ctx)
{
	struct web_req *r = *ctx;

	if (r == NULL)
		return http_begin(cls, conn, url, method, version, ctx);
	if (*upload_size != 0) {
		http_body(r, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->status != 0) /* answered already (a body over the limit) */
		return MHD_YES;
	if (r->too_large)
		return (enum MHD_Result)web_refuse(r,
		    MHD_HTTP_CONTENT_TOO_LARGE,
		    W_("The content sent is too large."));
	return (enum MHD_Result)route_request(r);
}

/* Serves in the language the request prefers, on this thread only. */
static enum MHD_Result
http_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **ctx)
{
	locale_t old = web_i18n_enter(MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
	enum MHD_Result rc = http_serve(
	    cls, conn, url, method, version, upload_data, upload_size, ctx);

	web_i18n_leave(old);
	return rc;
}

/* "host:port" or ":port" into a socket address. 0 or -1. */
static int
http_listen_addr(const char *listen, struct sockaddr_storage *ss)
{
	const char *colon = strrchr(listen, ':');
	char host[128];
	long port;
	char *end;

	if (colon == NULL || (size_t)(colon - listen) >= sizeof(host))
		return -1;
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port <= 0 || port > 65535)
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		host[strlen(host) - 1] = '\0';
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1 ? 0
		                                                          : -1;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (host[0] == '\0')
			return 0;
		return inet_pton(AF_INET, host, &s4->sin_addr) == 1 ? 0 : -1;
	}
}

struct MHD_Daemon *
http_start(struct web_config *cfg, const char *cert_pem, const char *key_pem,
    char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	struct MHD_Daemon *d;

	if (http_listen_addr(cfg->listen, &ss) != 0) {
		snprintf(err, errlen, "cannot listen on %s: want HOST:PORT",
		    cfg->listen);
		return NULL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (cert_pem != NULL)
		flags |= MHD_USE_TLS;
	if (cfg->access_log != NULL && strcmp(cfg->access_log, "-") == 0)
		http_log = stderr;
	else if (cfg->access_log != NULL &&
	    (http_log = fopen(cfg->access_log, "ae")) == NULL) {
		snprintf(err, errlen, "cannot open the access log %s: %s",
		    cfg->access_log, strerror(errno));
		return NULL;
	}
	d = MHD_start_daemon(flags, 0, NULL, NULL, http_access, cfg,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
	    cert_pem != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
	    cert_pem, MHD_OPTION_HTTPS_MEM_KEY, key_pem, MHD_OPTION_END);
	if (d == NULL)
		snprintf(err, errlen, "cannot serve HTTP on %s: %s",
		    cfg->listen, strerror(errno));
	return d;
}

void
http_stop(struct MHD_Daemon *d)
{
	MHD_stop_daemon(d);
	if (http_log != NULL && http_log != stderr)
		fclose(http_log);
	http_log = NULL;
}
