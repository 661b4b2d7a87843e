/*
 * Dispatch: decoding and checking the envelope, routing by full method
 * name, building the reply. Every refusal here names what was wrong.
 */
#include "dispatch.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "hoptac/v1/auth.pb-c.h"
#include "hoptac/v1/services.pb-c.h"
#include "log.h"
#include "pbcheck.h"
#include "readers.h"
#include "rpc.h"
#include "server_impl.h"
#include "status.h"
#include "writer.h"

/* One row per method: where it runs, its check and its handler, and who
 * may call it (docs/SECURITY.md has the same table for readers). An
 * office's calls are further bound to its unit by the handlers. */
#define READERS (AUTH_ANY)
#define WRITERS (AUTH_OFFICE | AUTH_PEER)
#define M(svc, name, exec, check, run, roles)                                  \
	MA(svc, name, exec, check, run, roles, NULL)
#define MA(svc, name, exec, check, run, roles, after)                          \
	{                                                                      \
		&hoptac__v1__##svc##__descriptor, name, exec, check, run,      \
		    roles, after, NULL, ""                                     \
	}

static struct method dispatch_methods[] = {
    M(health, "Check", METHOD_INLINE, NULL, handle_health_check, AUTH_PUBLIC),
    M(reflection, "ListServices", METHOD_INLINE, NULL, handle_reflection_list,
        READERS),
    M(units, "Create", METHOD_WRITE, handle_units_check_create,
        handle_units_create, AUTH_ADMIN | AUTH_PEER),
    M(units, "List", METHOD_READ, NULL, handle_units_list, READERS),
    M(partners, "List", METHOD_INLINE, NULL, handle_partners_list, READERS),
    M(activities, "Submit", METHOD_WRITE, handle_activities_check_submit,
        handle_activities_submit, WRITERS),
    M(activities, "Get", METHOD_READ, handle_activities_check_get,
        handle_activities_get, READERS),
    M(activities, "List", METHOD_READ, handle_activities_check_list,
        handle_activities_list, READERS),
    M(activities, "Amend", METHOD_WRITE, handle_activities_check_amend,
        handle_activities_amend, WRITERS),
    M(activities, "Withdraw", METHOD_WRITE, handle_activities_check_withdraw,
        handle_activities_withdraw, WRITERS),
    M(requests, "Create", METHOD_WRITE, handle_requests_check_create,
        handle_requests_create, AUTH_REVIEWER | AUTH_PEER),
    M(requests, "Get", METHOD_READ, NULL, handle_requests_get, READERS),
    M(requests, "List", METHOD_READ, NULL, handle_requests_list, READERS),
    M(reports, "Submit", METHOD_WRITE, handle_reports_check_submit,
        handle_reports_submit, WRITERS),
    M(reports, "Get", METHOD_READ, NULL, handle_reports_get, READERS),
    M(reports, "List", METHOD_READ, NULL, handle_reports_list, READERS),
    M(reports, "Review", METHOD_WRITE, handle_reports_check_review,
        handle_reports_review, AUTH_REVIEWER),
    M(aggregates, "Completeness", METHOD_READ, NULL,
        handle_aggregates_completeness, AUTH_REVIEWER | AUTH_ADMIN),
    M(aggregates, "ReportingRate", METHOD_READ, NULL, handle_aggregates_rate,
        AUTH_REVIEWER | AUTH_ADMIN),
    M(aggregates, "Summary", METHOD_READ, handle_aggregates_check_summary,
        handle_aggregates_summary, READERS),
    M(aggregates, "Consolidate", METHOD_READ, NULL,
        handle_aggregates_consolidate, AUTH_REVIEWER | AUTH_ADMIN),
    M(sync, "Pull", METHOD_READ, handle_sync_check_pull, handle_sync_pull,
        AUTH_OFFICE | AUTH_REVIEWER | AUTH_PEER),
    M(conflicts, "List", METHOD_READ, NULL, handle_conflicts_list,
        AUTH_REVIEWER),
    M(conflicts, "Resolve", METHOD_WRITE, handle_conflicts_check_resolve,
        handle_conflicts_resolve, AUTH_REVIEWER),
    MA(credentials, "Issue", METHOD_WRITE, handle_credentials_check_issue,
        handle_credentials_issue, AUTH_ADMIN, handle_credentials_reload),
    M(credentials, "List", METHOD_READ, NULL, handle_credentials_list,
        AUTH_ADMIN),
    MA(credentials, "Revoke", METHOD_WRITE, handle_credentials_check_revoke,
        handle_credentials_revoke, AUTH_ADMIN, handle_credentials_reload),
    M(credentials, "WhoAmI", METHOD_INLINE, NULL, handle_credentials_whoami,
        READERS),
    M(audit, "Search", METHOD_READ, handle_audit_check_search,
        handle_audit_search, AUTH_REVIEWER | AUTH_ADMIN),
};

#define DISPATCH_N (sizeof(dispatch_methods) / sizeof(dispatch_methods[0]))

int
dispatch_init(void)
{
	for (size_t i = 0; i < DISPATCH_N; i++) {
		struct method *m = &dispatch_methods[i];

		m->desc = protobuf_c_service_descriptor_get_method_by_name(
		    m->service, m->name);
		if (m->desc == NULL) {
			log_error("HOPTACD-DISPATCH: no method %s in %s",
			    m->name, m->service->name);
			return -1;
		}
		snprintf(m->full_name, sizeof(m->full_name), "/%s/%s",
		    m->service->name, m->name);
	}
	return 0;
}

const struct method *
dispatch_find(const char *full_name)
{
	for (size_t i = 0; i < DISPATCH_N; i++)
		if (strcmp(dispatch_methods[i].full_name, full_name) == 0)
			return &dispatch_methods[i];
	return NULL;
}

size_t
dispatch_count(void)
{
	return DISPATCH_N;
}

const struct method *
dispatch_at(size_t i)
{
	return i < DISPATCH_N ? &dispatch_methods[i] : NULL;
}

/* Where a message came from, for the log: "tcp 127.0.0.1:5123". */
static void
dispatch_peer(nng_msg *msg, char *out, size_t len)
{
	nng_sockaddr sa;
	nng_pipe p = nng_msg_get_pipe(msg);
	char ip[64];

	snprintf(out, len, "-");
	if (nng_pipe_id(p) < 0 ||
	    nng_pipe_get_addr(p, NNG_OPT_REMADDR, &sa) != 0)
		return;
	switch (sa.s_family) {
	case NNG_AF_INET: {
		const uint8_t *a = (const uint8_t *)&sa.s_in.sa_addr;

		snprintf(out, len, "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3],
		    (unsigned)ntohs(sa.s_in.sa_port));
		break;
	}
	case NNG_AF_IPC:
		snprintf(out, len, "ipc");
		break;
	default:
		snprintf(ip, sizeof(ip), "family-%d", sa.s_family);
		snprintf(out, len, "%s", ip);
	}
}

/* Who is calling, and may they call this method. A credential that is
 * sent is always checked, even for a method open to anyone. */
static int
dispatch_authenticate(struct call *c)
{
	const struct method *m = c->method;
	const char *token = NULL;
	char why[128], roles[64];

	for (size_t i = 0; i < c->req->n_metadata; i++)
		if (strcmp(c->req->metadata[i]->key,
		        RPC_METADATA_AUTHORIZATION) == 0)
			token = c->req->metadata[i]->value;
	if (token == NULL || token[0] == '\0') {
		if (m->roles == AUTH_PUBLIC)
			return STATUS_OK;
		return call_fail(c, STATUS_UNAUTHENTICATED,
		    "%s needs a credential and the call carries none",
		    m->full_name);
	}
	if (auth_check(c->srv->auth, token, call_wall_ms(), &c->who, why,
	        sizeof(why)) != STATUS_OK)
		return call_fail(c, STATUS_UNAUTHENTICATED, "%s", why);
	if (m->roles != AUTH_PUBLIC && (c->who.roles & m->roles) == 0) {
		role_join(c->who.roles, roles, sizeof(roles));
		return call_fail(c, STATUS_PERMISSION_DENIED,
		    "credential %s (%s) may not call %s", c->who.id, roles,
		    m->full_name);
	}
	return STATUS_OK;
}

int
dispatch_audited(const struct call *c, int stopping)
{
	if (c->method == NULL || c->audited)
		return 0;
	/* While stopping, the writer may be gone; nothing that reaches
	 * here then has run (dispatch_start refuses it first). */
	if (c->status == STATUS_UNAVAILABLE && stopping)
		return 0;
	return c->method->exec == METHOD_WRITE ||
	    c->status == STATUS_UNAUTHENTICATED ||
	    c->status == STATUS_PERMISSION_DENIED;
}

/* Runs the call or hands it to a queue. Returns 1 when queued (the queue
 * finishes it), 0 when the outcome is already set. Mutating calls must
 * carry an id: it is what makes their retries safe. */
static int
dispatch_route(struct call *c)
{
	const struct method *m = c->method;

	if (m->exec == METHOD_WRITE && c->req->request_id[0] == '\0') {
		call_fail(c, STATUS_INVALID_ARGUMENT,
		    "%s changes data and needs a request_id", m->full_name);
		return 0;
	}
	if (m->check != NULL && m->check(c) != STATUS_OK)
		return 0;
	switch (m->exec) {
	case METHOD_INLINE:
		c->status = m->run(c, NULL);
		if (c->status == STATUS_OK)
			call_pack_output(c);
		return 0;
	case METHOD_READ:
		readers_submit(c->srv->readers, c);
		return 1;
	case METHOD_WRITE:
		writer_submit(c->srv->writer, c);
		return 1;
	}
	call_fail(c, STATUS_INTERNAL, "bad method table");
	return 0;
}

void
dispatch_start(struct call *c, nng_msg *msg, int stopping)
{
	char where[160], why[96];
	size_t len = nng_msg_len(msg);

	c->received_ms = rpc_now_ms();
	c->status = STATUS_OK;
	dispatch_peer(msg, c->peer, sizeof(c->peer));
	if (len > RPC_MAX_MESSAGE) {
		call_fail(c, STATUS_RESOURCE_EXHAUSTED,
		    "message of %zu bytes is over the %zu-byte limit", len,
		    RPC_MAX_MESSAGE);
		goto done;
	}
	c->req = hoptac__v1__request__unpack(NULL, len, nng_msg_body(msg));
	if (c->req == NULL) {
		call_fail(c, STATUS_INVALID_ARGUMENT,
		    "the message is not a hoptac.v1.Request envelope");
		goto done;
	}
	if (pbcheck_strings(&hoptac__v1__request__descriptor, nng_msg_body(msg),
	        len, where, sizeof(where), why, sizeof(why)) != 0 ||
	    rpc_request_check(c->req, why, sizeof(why)) != 0) {
		call_fail(c, STATUS_INVALID_ARGUMENT, "bad envelope: %s", why);
		goto done;
	}
	nng_msg_free(msg);
	msg = NULL;
	if (c->req->method[0] == '\0') {
		call_fail(
		    c, STATUS_INVALID_ARGUMENT, "bad envelope: no method");
		goto done;
	}
	c->method = dispatch_find(c->req->method);
	if (c->method == NULL) {
		call_fail(c, STATUS_UNIMPLEMENTED, "unknown method \"%s\"",
		    c->req->method);
		goto done;
	}
	if (stopping && c->method->service != &hoptac__v1__health__descriptor) {
		call_fail(c, STATUS_UNAVAILABLE, "the server is shutting down");
		goto done;
	}
	if (dispatch_authenticate(c) != STATUS_OK)
		goto done;
	if (c->req->timeout_ms == 0) {
		call_fail(c, STATUS_DEADLINE_EXCEEDED,
		    "the deadline has passed (timeout_ms is 0)");
		goto done;
	}
	c->deadline_ms = c->received_ms +
	    (c->req->timeout_ms < RPC_TIMEOUT_MAX_MS ? c->req->timeout_ms
	                                             : RPC_TIMEOUT_MAX_MS);
	if (pbcheck_strings(c->method->desc->input, c->req->payload.data,
	        c->req->payload.len, where, sizeof(where), why,
	        sizeof(why)) != 0) {
		violations_add(&c->violations, NULL, where, "%s", why);
		call_fail(c, STATUS_INVALID_ARGUMENT, "%s %s", where, why);
		goto done;
	}
	c->input = protobuf_c_message_unpack(c->method->desc->input, NULL,
	    c->req->payload.len, c->req->payload.data);
	if (c->input == NULL) {
		call_fail(c, STATUS_INVALID_ARGUMENT,
		    "the payload is not a valid %s",
		    c->method->desc->input->name);
		goto done;
	}
	if (dispatch_route(c))
		return;
done:
	if (msg != NULL)
		nng_msg_free(msg);
	c->finish(c);
}

static void
dispatch_log(const struct call *c)
{
	int64_t ms = rpc_now_ms() - c->received_ms;

	if (!log_enabled(
	        c->status == STATUS_OK ? LOG_LEVEL_INFO : LOG_LEVEL_WARN))
		return;
	if (c->status == STATUS_OK)
		log_info("call %s %s %" PRId64 "ms peer=%s%s",
		    c->method ? c->method->full_name : "-",
		    status_name(c->status), ms, c->peer,
		    c->replayed ? " replayed" : "");
	else
		log_warnx("call %s %s %" PRId64 "ms peer=%s: %s",
		    c->method ? c->method->full_name
		              : (c->req ? "(unknown)" : "(undecoded)"),
		    status_name(c->status), ms, c->peer, c->message);
}

nng_msg *
dispatch_reply(struct call *c)
{
	Hoptac__V1__Response r = HOPTAC__V1__RESPONSE__INIT;
	Hoptac__V1__FieldViolation fv[VALIDATE_MAX_VIOLATIONS];
	Hoptac__V1__FieldViolation *fvp[VALIDATE_MAX_VIOLATIONS];
	nng_msg *msg = NULL;

	dispatch_log(c);
	if (c->req != NULL)
		r.request_id = c->req->request_id;
	r.status = c->status;
	r.message = c->message;
	if (c->status != STATUS_OK) {
		for (size_t i = 0; i < c->violations.count; i++) {
			hoptac__v1__field_violation__init(&fv[i]);
			fv[i].field = c->violations.items[i].field;
			fv[i].description = c->violations.items[i].description;
			fvp[i] = &fv[i];
		}
		r.n_violations = c->violations.count;
		r.violations = fvp;
	} else {
		r.payload.data = c->payload;
		r.payload.len = c->payload_len;
	}
	if (rpc_pack(&r.base, &msg) != 0)
		msg = NULL;
	return msg;
}
