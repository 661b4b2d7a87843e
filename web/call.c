/* Calls to hoptacd as the signed-in person: see pages.h. */
#include <string.h>

#include "page.h"
#include "pages.h"
#include "pool.h"
#include "session.h"

#include "hoptac/v1/services.pb-c.h"
#include "web_i18n.h"

/* What web_call_open opens a client for. */
struct web_call_who {
	const struct web_req *r;
	const struct web_user *u;
};

static struct rpc_client *
web_call_open(void *arg)
{
	const struct web_call_who *who = arg;
	struct rpc_client_security sec = {who->r->cfg->ca_file, NULL, 0};
	struct rpc_client *c;
	char err[256];

	c = rpc_client_open_secure(
	    who->r->cfg->server, who->u->token, &sec, err, sizeof(err));
	if (c == NULL)
		fprintf(stderr, "hoptac-web: %s\n", err);
	return c;
}

struct rpc_client *
web_client(struct web_req *r, const struct web_user *u)
{
	struct web_call_who who = {r, u};

	if (r->client == NULL) {
		web_pool_key(u->token, r->client_key);
		r->client = web_pool_take(
		    r->client_key, web_call_open, &who, r->cfg->rpc_timeout_ms);
	}
	return r->client;
}

int
web_http_for(int status_code)
{
	switch (status_code) {
	case STATUS_OK:
		return 200;
	case STATUS_INVALID_ARGUMENT:
	case STATUS_OUT_OF_RANGE:
		return 400;
	case STATUS_UNAUTHENTICATED:
		return 401;
	case STATUS_PERMISSION_DENIED:
		return 403;
	case STATUS_NOT_FOUND:
		return 404;
	case STATUS_ALREADY_EXISTS:
	case STATUS_FAILED_PRECONDITION:
	case STATUS_ABORTED:
		return 409;
	case STATUS_RESOURCE_EXHAUSTED:
		return 429;
	case STATUS_UNAVAILABLE:
	case STATUS_DEADLINE_EXCEEDED:
		return 503;
	default:
		return 502;
	}
}

int
web_call(struct web_req *r, const struct web_user *u, enum method_id m,
    const ProtobufCMessage *req, ProtobufCMessage **resp,
    struct rpc_client_status *st)
{
	struct rpc_client_options opt = {r->cfg->rpc_timeout_ms, NULL, 0};
	struct rpc_client *c = web_client(r, u);

	*resp = NULL;
	if (c == NULL) {
		rpc_client_status_fail(st, STATUS_UNAVAILABLE,
		    "cannot reach hoptacd at %s", r->cfg->server);
		return 503;
	}
	rpc_client_invoke(c, m, req, resp, &opt, st);
	/* A connection that failed on the way is dialled anew next time:
	 * hoptacd may have restarted. An UNAVAILABLE hoptacd sent itself
	 * came over a connection that works. */
	if (((st->code == STATUS_UNAVAILABLE ||
	         st->code == STATUS_DEADLINE_EXCEEDED) &&
	        !st->answered) ||
	    st->code == STATUS_INTERNAL || st->code == STATUS_UNKNOWN)
		r->client_bad = 1;
	if (st->code == STATUS_UNAUTHENTICATED) {
		r->client_bad = 1;
		web_pool_drop(r->client_key);
		session_end(u->sid);
	}
	return st->code == STATUS_OK ? 0 : web_http_for(st->code);
}

int
web_call_refuse(struct web_req *r, int http, const struct rpc_client_status *st)
{
	char why[700];

	switch (http) {
	case 401:
		snprintf(why, sizeof(why),
		    W_("The server does not accept the user's access code "
		       "(revoked or expired). Please sign in again. (%s)"),
		    st->message);
		break;
	case 503:
		snprintf(why, sizeof(why),
		    st->answered
		        ? W_("The data server cannot do this now. Please try "
		             "again in a few minutes. (%s)")
		        : W_("The data server cannot be reached. Please try "
		             "again in a few minutes. (%s)"),
		    st->message);
		break;
	default:
		snprintf(why, sizeof(why), W_("The data server refused: %s"),
		    st->message);
	}
	return web_refuse(r, http, why);
}

int
web_reports_pages(struct web_req *r, const struct web_user *u,
    Hoptac__V1__ListReportsRequest *req,
    Hoptac__V1__ListReportsResponse **pages, size_t max, size_t *n,
    struct rpc_client_status *st)
{
	int http = 0;

	*n = 0;
	req->page_token = (char *)"";
	do {
		if ((http = web_call(r, u, METHOD_REPORTS_LIST, &req->base,
		         (ProtobufCMessage **)&pages[*n], st)) != 0)
			break;
		req->page_token = pages[(*n)++]->next_page_token;
	} while (req->page_token[0] != '\0' && *n < max);
	req->page_token = (char *)"";
	return http;
}
