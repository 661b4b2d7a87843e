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

/* The handlers of each method of common/method.def, which holds the
 * rest of its facts (where it runs, who may call it). An office's calls
 * are further bound to its unit by the handlers. */
#define RUN(id, run_fn) [METHOD_##id] = {.run = (run_fn)}
#define CHECKED(id, check_fn, run_fn)                                          \
	[METHOD_##id] = {.check = (check_fn), .run = (run_fn)}

static struct method dispatch_methods[METHOD_COUNT] = {
    RUN(HEALTH_CHECK, handle_health_check),
    RUN(REFLECTION_LIST_SERVICES, handle_reflection_list),
    CHECKED(UNITS_CREATE, handle_units_check_create, handle_units_create),
    RUN(UNITS_LIST, handle_units_list),
    /* A unit's end date changes what its office's credential may do. */
    [METHOD_UNITS_AMEND] = {.check = handle_units_check_amend,
        .run = handle_units_amend,
        .after_commit = handle_credentials_reload},
    RUN(PARTNERS_LIST, handle_partners_list),
    /* The gazetteer changes once the addition is committed. */
    [METHOD_PARTNERS_ADD] = {.check = handle_partners_check_add,
        .run = handle_partners_add,
        .after_commit = handle_partners_added},
    [METHOD_PARTNERS_ALIAS] = {.check = handle_partners_check_alias,
        .run = handle_partners_alias,
        .after_commit = handle_partners_added},
    CHECKED(ACTIVITIES_SUBMIT, handle_activities_check_submit,
        handle_activities_submit),
    CHECKED(ACTIVITIES_GET, handle_activities_check_get, handle_activities_get),
    CHECKED(
        ACTIVITIES_LIST, handle_activities_check_list, handle_activities_list),
    CHECKED(ACTIVITIES_AMEND, handle_activities_check_amend,
        handle_activities_amend),
    CHECKED(ACTIVITIES_WITHDRAW, handle_activities_check_withdraw,
        handle_activities_withdraw),
    CHECKED(ACTIVITIES_DUPLICATES, handle_activities_check_duplicates,
        handle_activities_duplicates),
    CHECKED(
        ACTIVITIES_LINK, handle_activities_check_link, handle_activities_link),
    CHECKED(
        REQUESTS_CREATE, handle_requests_check_create, handle_requests_create),
    RUN(REQUESTS_GET, handle_requests_get),
    RUN(REQUESTS_LIST, handle_requests_list),
    CHECKED(REPORTS_SUBMIT, handle_reports_check_submit, handle_reports_submit),
    CHECKED(REPORTS_CHECK, handle_reports_check_submit, handle_reports_check),
    RUN(REPORTS_GET, handle_reports_get),
    CHECKED(REPORTS_LIST, handle_reports_check_list, handle_reports_list),
    CHECKED(REPORTS_REVIEW, handle_reports_check_review, handle_reports_review),
    RUN(AGGREGATES_COMPLETENESS, handle_aggregates_completeness),
    RUN(AGGREGATES_REPORTING_RATE, handle_aggregates_rate),
    CHECKED(AGGREGATES_SUMMARY, handle_aggregates_check_summary,
        handle_aggregates_summary),
    CHECKED(AGGREGATES_CONSOLIDATE, handle_aggregates_check_consolidate,
        handle_aggregates_consolidate),
    CHECKED(SYNC_PULL, handle_sync_check_pull, handle_sync_pull),
    RUN(CONFLICTS_LIST, handle_conflicts_list),
    CHECKED(CONFLICTS_RESOLVE, handle_conflicts_check_resolve,
        handle_conflicts_resolve),
    [METHOD_CREDENTIALS_ISSUE] = {.check = handle_credentials_check_issue,
        .run = handle_credentials_issue,
        .after_commit = handle_credentials_reload},
    RUN(CREDENTIALS_LIST, handle_credentials_list),
    [METHOD_CREDENTIALS_REVOKE] = {.check = handle_credentials_check_revoke,
        .run = handle_credentials_revoke,
        .after_commit = handle_credentials_reload},
    RUN(CREDENTIALS_WHO_AM_I, handle_credentials_whoami),
    CHECKED(CREDENTIALS_REGISTER_KEY, handle_keys_check_register,
        handle_keys_register),
    CHECKED(CREDENTIALS_GET_KEY, handle_keys_check_get, handle_keys_get),
    CHECKED(AUDIT_SEARCH, handle_audit_check_search, handle_audit_search),
    CHECKED(AUDIT_PRUNE, handle_audit_check_prune, handle_audit_prune),
};

/* The field number of hoptac.v1.Request's payload. */
static uint32_t dispatch_payload_id;

int
dispatch_init(void)
{
	const ProtobufCFieldDescriptor *pf =
	    protobuf_c_message_descriptor_get_field_by_name(
	        &hoptac__v1__request__descriptor, "payload");

	if (pf == NULL || pf->type != PROTOBUF_C_TYPE_BYTES) {
		log_error("HOPTACD-DISPATCH: hoptac.v1.Request has no payload");
		return -1;
	}
	dispatch_payload_id = pf->id;
	for (size_t i = 0; i < METHOD_COUNT; i++) {
		struct method *m = &dispatch_methods[i];

		m->info = method_get((enum method_id)i);
		m->desc = method_desc(m->info);
		if (m->desc == NULL || m->run == NULL) {
			log_error("HOPTACD-DISPATCH: %s %s", m->info->path,
			    m->desc == NULL ? "is not in the proto"
			                    : "has no handler");
			return -1;
		}
	}
	return 0;
}

const struct method *
dispatch_find(const char *full_name)
{
	const struct method_info *info = method_find(full_name);

	return info != NULL ? &dispatch_methods[info->id] : NULL;
}

size_t
dispatch_count(void)
{
	return METHOD_COUNT;
}

const struct method *
dispatch_at(size_t i)
{
	return i < METHOD_COUNT ? &dispatch_methods[i] : NULL;
}

/* Who is calling, and may they call this method. A credential that is
 * sent is always checked, even for a method open to anyone. */
static int
dispatch_authenticate(struct call *c)
{
	const struct method *m = c->method;
	const char *token = NULL;
	char why[480], roles[64];

	for (size_t i = 0; i < c->req->n_metadata; i++)
		if (strcmp(c->req->metadata[i]->key,
		        RPC_METADATA_AUTHORIZATION) == 0)
			token = c->req->metadata[i]->value;
	if (token == NULL || token[0] == '\0') {
		if (m->info->roles == ROLES_PUBLIC)
			return STATUS_OK;
		return call_fail(c, STATUS_UNAUTHENTICATED,
		    "%s needs a credential and the call carries none",
		    m->info->path);
	}
	if (auth_check(c->srv->auth, token, call_wall_ms(), &c->who, why,
	        sizeof(why)) != STATUS_OK)
		return call_fail(c, STATUS_UNAUTHENTICATED, "%s", why);
	if (m->info->roles != ROLES_PUBLIC &&
	    (c->who.roles & m->info->roles) == 0) {
		role_join(c->who.roles, roles, sizeof(roles));
		return call_fail(c, STATUS_PERMISSION_DENIED,
		    "credential %s (%s) may not call %s", c->who.id, roles,
		    m->info->path);
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
	return (c->method->info->flags & METHOD_AUDITED) ||
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

	if ((m->info->flags & METHOD_IDEMPOTENT) &&
	    c->req->request_id[0] == '\0') {
		call_fail(c, STATUS_INVALID_ARGUMENT,
		    "%s changes data and needs a request_id", m->info->path);
		return 0;
	}
	if (m->check != NULL && m->check(c) != STATUS_OK)
		return 0;
	switch (m->info->exec) {
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
	size_t len = nng_msg_len(msg), head, payload_len = 0;
	const uint8_t *body = nng_msg_body(msg), *payload;

	c->received_ms = rpc_now_ms();
	c->status = STATUS_OK;
	if (len > RPC_MAX_MESSAGE) {
		call_fail(c, STATUS_RESOURCE_EXHAUSTED,
		    "message of %zu bytes is over the %zu-byte limit", len,
		    RPC_MAX_MESSAGE);
		goto done;
	}
	/* The wire is checked before protobuf-c unpacks anything: it
	 * allocates for every element it meets, so counts are bounded
	 * first (pbcheck.h). */
	if (pbcheck_message(&hoptac__v1__request__descriptor, body, len, where,
	        sizeof(where), why, sizeof(why)) != 0) {
		call_fail(c, STATUS_INVALID_ARGUMENT, "bad envelope: %s%s%s",
		    where, where[0] != '\0' ? " " : "", why);
		goto done;
	}
	/* The payload is the envelope's last field: the envelope is
	 * unpacked without it, and the payload checked and unpacked where it
	 * lies in the message, so that a call refused on the way costs no
	 * copy of up to 4 MiB. Any other envelope is unpacked whole. */
	if (pbcheck_split_last(body, len, dispatch_payload_id, &head, &payload,
	        &payload_len) != 0) {
		head = len;
		payload = NULL;
	}
	c->req = hoptac__v1__request__unpack(NULL, head, body);
	if (c->req == NULL) {
		call_fail(c, STATUS_INVALID_ARGUMENT,
		    "the message is not a hoptac.v1.Request envelope");
		goto done;
	}
	if (payload == NULL) {
		payload = c->req->payload.data;
		payload_len = c->req->payload.len;
	}
	if (rpc_request_check(c->req, why, sizeof(why)) != 0) {
		call_fail(c, STATUS_INVALID_ARGUMENT, "bad envelope: %s", why);
		goto done;
	}
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
	if (stopping && c->method->info->id != METHOD_HEALTH_CHECK) {
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
	if (pbcheck_message(c->method->desc->input, payload, payload_len, where,
	        sizeof(where), why, sizeof(why)) != 0) {
		violations_add(&c->violations, NULL, where, "%s", why);
		call_fail(c, STATUS_INVALID_ARGUMENT, "%s %s", where, why);
		goto done;
	}
	c->input = protobuf_c_message_unpack(
	    c->method->desc->input, NULL, payload_len, payload);
	if (c->input == NULL) {
		call_fail(c, STATUS_INVALID_ARGUMENT,
		    "the payload is not a valid %s",
		    c->method->desc->input->name);
		goto done;
	}
	/* From here on the envelope is whole, payload included: the writer
	 * unpacks the input again from it when a transaction is run again
	 * (writer_reset). */
	if (c->req->payload.data == NULL && payload != NULL &&
	    payload_len > 0) {
		if ((c->req->payload.data = malloc(payload_len)) == NULL) {
			call_fail(c, STATUS_INTERNAL, "out of memory");
			goto done;
		}
		memcpy(c->req->payload.data, payload, payload_len);
		c->req->payload.len = payload_len;
	}
	/* The payload pointed into it: freed only now. */
	nng_msg_free(msg);
	msg = NULL;
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
		    c->method ? c->method->info->path : "-",
		    status_name(c->status), ms, c->peer,
		    c->replayed ? " replayed" : "");
	else
		log_warnx("call %s %s %" PRId64 "ms peer=%s: %s",
		    c->method ? c->method->info->path
		              : (c->req ? "(unknown)" : "(undecoded)"),
		    status_name(c->status), ms, c->peer, c->message);
}

nng_msg *
dispatch_reply(struct call *c)
{
	Hoptac__V1__Response r = HOPTAC__V1__RESPONSE__INIT;
	Hoptac__V1__FieldViolation fv[STATUS_MAX_VIOLATIONS];
	Hoptac__V1__FieldViolation *fvp[STATUS_MAX_VIOLATIONS];
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
