#include "deliver.h"
#include "cli_i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoptac/v1/services.pb-c.h"
#include "status.h"
#include "tokenfile.h"

/* A queued call gets a short deadline: an office with no link must not
 * wait, its work is safe in the outbox. */
#define DELIVER_TIMEOUT_MS 3000

struct outbox *
deliver_outbox(struct cli *cli)
{
	char err[512];
	struct outbox *o = outbox_open(
	    cli->outbox_path ? cli->outbox_path : outbox_default_path(), err,
	    sizeof(err));

	if (o == NULL)
		cli_fail(CLI_ERROR, "%s", err);
	return o;
}

static int
deliver_connect(struct cli *cli, struct rpc_client_status *st)
{
	char err[256];

	if (cli->client != NULL)
		return 0;
	cli->client = cli_connect(cli, cli->server, TOKENFILE_ENV,
	    &cli->connect_code, err, sizeof(err));
	if (cli->client != NULL)
		return 0;
	/* Either way the entry waits for settings that work. */
	rpc_client_status_fail(st,
	    cli->connect_code == CLI_DENIED ? STATUS_UNAUTHENTICATED
	                                    : STATUS_INTERNAL,
	    "%s", err);
	return -1;
}

/* A RESOURCE_EXHAUSTED that the server sent says its storage is full,
 * which passes; the client's own size check, the other source of it,
 * sends nothing. */
static int
deliver_server_full(const struct rpc_client_status *st)
{
	return st->code == STATUS_RESOURCE_EXHAUSTED && st->attempts > 0;
}

/* Whether a status leaves the entry pending (retry later) rather than
 * refused for good. A credential refused says nothing of the record:
 * it waits for a good one. */
static int
deliver_transient(const struct rpc_client_status *st)
{
	int code = st->code;

	return code == STATUS_UNAVAILABLE || code == STATUS_DEADLINE_EXCEEDED ||
	    code == STATUS_UNAUTHENTICATED || code == STATUS_INTERNAL ||
	    code == STATUS_UNKNOWN || code == STATUS_DATA_LOSS ||
	    code == STATUS_CANCELLED || deliver_server_full(st);
}

/* A refusal for the person syncing: what was refused, the server's
 * message and its details, in their language (the status name stays in
 * the outbox, for hoptac status and scripts). */
static void
deliver_say_refused(const char *label, const struct rpc_client_status *st)
{
	char said[1024];

	fprintf(stderr, _("hoptac: refused: %s: %s\n"), label,
	    cli_remote_text(st->message, said, sizeof(said)));
	for (size_t v = 0; v < st->violations.count; v++)
		fprintf(stderr, "  %s: %s\n", st->violations.items[v].field,
		    cli_remote_text(st->violations.items[v].description, said,
		        sizeof(said)));
}

/* Records a refusal, with the first violations in its message. */
static void
deliver_refuse(struct outbox *o, const struct outbox_entry *e,
    const struct rpc_client_status *st, int quiet)
{
	char msg[1024];
	size_t len;

	len = (size_t)snprintf(
	    msg, sizeof(msg), "%s: %s", status_name(st->code), st->message);
	for (size_t i = 0; i < st->violations.count && len < sizeof(msg); i++)
		len += (size_t)snprintf(msg + len, sizeof(msg) - len,
		    "; %s: %s", st->violations.items[i].field,
		    st->violations.items[i].description);
	outbox_refused(o, e->seq, st->code, msg);
	if (!quiet)
		deliver_say_refused(e->label, st);
}

int
deliver_one(struct cli *cli, struct outbox *o, const struct outbox_entry *e,
    const ProtobufCMessageDescriptor *resp_desc, ProtobufCMessage **resp,
    struct rpc_client_status *st)
{
	struct rpc_client_options opt = {
	    cli->timeout_ms ? cli->timeout_ms : DELIVER_TIMEOUT_MS,
	    e->request_id, 0};

	*resp = NULL;
	if (deliver_connect(cli, st) != 0)
		return st->code;
	rpc_client_call_packed(cli->client, e->method, e->payload, e->len,
	    resp_desc, resp, &opt, st);
	if (st->code == STATUS_OK)
		outbox_delivered(o, e->seq);
	else if (!deliver_transient(st))
		deliver_refuse(o, e, st, 1);
	return st->code;
}

/* The reply type of a queued call's method; NULL for a method this
 * client does not queue (only calls that are safe to repeat are). */
static const ProtobufCMessageDescriptor *
deliver_reply_desc(const char *method)
{
	const struct method_info *m = method_find(method);
	const ProtobufCMethodDescriptor *d;

	if (m == NULL || !(m->flags & METHOD_IDEMPOTENT))
		return NULL;
	d = method_desc(m);
	return d != NULL ? d->output : NULL;
}

static void
deliver_count(
    struct deliver_stats *s, const Hoptac__V1__SubmitActivitiesResponse *r)
{
	for (size_t i = 0; r != NULL && i < r->n_results; i++) {
		if (r->results[i]->created)
			s->created++;
		else if (r->results[i]->differs)
			s->differ++;
		else
			s->existing++;
	}
}

/* An amendment delivered that met a newer version was kept on the server
 * as a conflict: the office must hear of it. */
static void
deliver_conflict(struct deliver_stats *s, const struct outbox_entry *e,
    const ProtobufCMessageDescriptor *desc, const ProtobufCMessage *resp,
    int quiet)
{
	const Hoptac__V1__AmendActivityResponse *r;

	if (desc != &hoptac__v1__amend_activity_response__descriptor ||
	    resp == NULL)
		return;
	r = (const Hoptac__V1__AmendActivityResponse *)resp;
	if (r->conflict_id == 0)
		return;
	s->conflicts++;
	if (!quiet)
		fprintf(stderr,
		    _("hoptac: %s: the activity changed meanwhile; kept as "
		      "conflict %lld for the department\n"),
		    e->label, (long long)r->conflict_id);
}

/* Sends entries one by one: a refused one is recorded and the others go
 * on. Returns 0, or -1 when delivery must stop. */
/* A delivery stopped by a fault of this side (not a refusal by the
 * server): what is printed names it, never "OK". */
static void
deliver_fail(struct deliver_stats *s, int code)
{
	s->failed = 1;
	s->last.code = code;
	s->last.answered = 0;
	violations_init(&s->last.violations);
}

static int
deliver_each(struct cli *cli, struct outbox *o, struct outbox_entry *e, int n,
    int quiet, struct deliver_stats *s)
{
	for (int i = 0; i < n; i++) {
		ProtobufCMessage *resp = NULL;
		const ProtobufCMessageDescriptor *desc =
		    deliver_reply_desc(e[i].method);
		int code;

		if (desc == NULL) {
			/* Queued by a newer client: leave it for that one. */
			deliver_fail(s, STATUS_UNIMPLEMENTED);
			snprintf(s->last.message, sizeof(s->last.message),
			    _("queued call %s is not one this client knows"),
			    e[i].method);
			return -1;
		}
		code = deliver_one(cli, o, &e[i], desc, &resp, &s->last);

		if (code == STATUS_OK) {
			s->delivered++;
			if (desc ==
			    &hoptac__v1__submit_activities_response__descriptor)
				deliver_count(s,
				    (Hoptac__V1__SubmitActivitiesResponse *)
				        resp);
			deliver_conflict(s, &e[i], desc, resp, quiet);
		} else if (deliver_transient(&s->last)) {
			s->unreachable = code == STATUS_UNAVAILABLE ||
			    code == STATUS_DEADLINE_EXCEEDED;
			s->failed = !s->unreachable;
		} else {
			s->refused++;
			if (!quiet)
				deliver_say_refused(e[i].label, &s->last);
		}
		if (resp != NULL)
			protobuf_c_message_free_unpacked(resp, NULL);
		if (s->unreachable || s->failed)
			return -1;
	}
	return 0;
}

/* Sends consecutive Submit entries as one batch. On INVALID_ARGUMENT the
 * batch is sent again entry by entry, to find and record the bad ones. */
static int
deliver_batch(struct cli *cli, struct outbox *o, struct outbox_entry *e, int n,
    int quiet, struct deliver_stats *s)
{
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__SubmitActivitiesRequest *parts[DELIVER_BATCH];
	Hoptac__V1__Activity *acts[DELIVER_BATCH];
	Hoptac__V1__SubmitActivitiesResponse *resp = NULL;
	struct rpc_client_options opt = {
	    cli->timeout_ms ? cli->timeout_ms : DELIVER_TIMEOUT_MS * 3, NULL,
	    0};
	int np = 0, rc = 0;

	if (n == 1)
		return deliver_each(cli, o, e, n, quiet, s);
	for (int i = 0; i < n; i++) {
		parts[np] = hoptac__v1__submit_activities_request__unpack(
		    NULL, e[i].len, e[i].payload);
		if (parts[np] == NULL || parts[np]->n_activities != 1) {
			/* Not a one-activity entry: leave it to deliver_each.
			 */
			if (parts[np] != NULL)
				hoptac__v1__submit_activities_request__free_unpacked(
				    parts[np], NULL);
			rc = deliver_each(cli, o, e, n, quiet, s);
			goto out;
		}
		acts[np] = parts[np]->activities[0];
		np++;
	}
	req.activities = acts;
	req.n_activities = (size_t)np;
	if (deliver_connect(cli, &s->last) != 0) {
		s->failed = 1;
		rc = -1;
		goto out;
	}
	rpc_client_invoke(cli->client, METHOD_ACTIVITIES_SUBMIT, &req.base,
	    (ProtobufCMessage **)&resp, &opt, &s->last);
	if (s->last.code == STATUS_OK) {
		/* One commit for the batch's marks, not one fsync each. If it
		 * is lost, the next sync resends and the ids dedupe it. */
		outbox_begin(o);
		for (int i = 0; i < n; i++)
			outbox_delivered(o, e[i].seq);
		outbox_commit(o);
		s->delivered += n;
		deliver_count(s, resp);
	} else if (s->last.code == STATUS_INVALID_ARGUMENT ||
	    (s->last.code == STATUS_RESOURCE_EXHAUSTED &&
	        !deliver_server_full(&s->last))) {
		rc = deliver_each(cli, o, e, n, quiet, s);
	} else {
		s->unreachable = s->last.code == STATUS_UNAVAILABLE ||
		    s->last.code == STATUS_DEADLINE_EXCEEDED;
		s->failed = !s->unreachable;
		rc = -1;
	}
out:
	if (resp != NULL)
		hoptac__v1__submit_activities_response__free_unpacked(
		    resp, NULL);
	for (int i = 0; i < np; i++)
		hoptac__v1__submit_activities_request__free_unpacked(
		    parts[i], NULL);
	return rc;
}

void
deliver_pending(struct cli *cli, struct outbox *o, int64_t from, int quiet,
    struct deliver_stats *s)
{
	static struct outbox_entry
	    e[DELIVER_BATCH]; /* one delivery at a time */
	int64_t after = from > 0 ? from - 1 : 0;
	long counts[3];
	int n;

	memset(s, 0, sizeof(*s));
	while ((n = outbox_pending(o, after, e, DELIVER_BATCH)) > 0) {
		int i = 0, stop = 0;

		while (i < n && !stop) {
			int j = i;

			/* A run of Submit entries, or one other entry. */
			while (j < n &&
			    strcmp(e[j].method,
			        method_path(METHOD_ACTIVITIES_SUBMIT)) == 0)
				j++;
			if (j == i)
				j = i + 1;
			if (strcmp(e[i].method,
			        method_path(METHOD_ACTIVITIES_SUBMIT)) == 0)
				stop = deliver_batch(
				    cli, o, e + i, j - i, quiet, s);
			else
				stop = deliver_each(
				    cli, o, e + i, j - i, quiet, s);
			i = j;
		}
		after = e[n - 1].seq;
		for (int k = 0; k < n; k++)
			outbox_entry_fini(&e[k]);
		if (stop)
			break;
	}
	if (n < 0) {
		deliver_fail(s, STATUS_DATA_LOSS);
		outbox_fault(o, s->last.message, sizeof(s->last.message));
	}
	if (outbox_counts(o, counts) == 0)
		s->left = counts[OUTBOX_PENDING];
}

int
deliver_now(struct cli *cli, enum method_id method, const ProtobufCMessage *req,
    const char *label, ProtobufCMessage **resp)
{
	struct outbox_entry e;
	struct rpc_client_status st;
	struct outbox *o;
	uint8_t *buf = NULL; /* the packed request; owned */
	char said[1024];
	size_t len;
	int64_t seq;
	int rc;

	*resp = NULL;
	memset(&e, 0, sizeof(e));
	if ((o = deliver_outbox(cli)) == NULL)
		return CLI_ERROR;
	len = protobuf_c_message_get_packed_size(req);
	if ((buf = malloc(len ? len : 1)) == NULL) {
		rc = cli_fail(CLI_ERROR, "out of memory");
		goto out;
	}
	protobuf_c_message_pack(req, buf);
	/* Saved before anything is sent: from here nothing is lost. The
	 * entry is read back as sync would send it. */
	if (outbox_put(o, method_path(method), buf, len, label, &seq) != 0 ||
	    outbox_pending(o, seq - 1, &e, 1) != 1) {
		rc = cli_fail(CLI_ERROR, "cannot write the outbox");
		goto out;
	}
	rc = deliver_one(cli, o, &e, method_output(method), resp, &st);
	if (rc == STATUS_OK) {
		rc = CLI_OK;
	} else if (rc == STATUS_UNAVAILABLE || rc == STATUS_DEADLINE_EXCEEDED) {
		fprintf(stderr,
		    _("hoptac: %s queued: the server did not answer (%s); "
		      "hoptac sync delivers it\n"),
		    label, cli_remote_text(st.message, said, sizeof(said)));
		rc = CLI_OK;
	} else if (deliver_server_full(&st)) {
		fprintf(stderr,
		    _("hoptac: %s queued: %s; hoptac sync delivers it once the "
		      "server has room\n"),
		    label, cli_remote_text(st.message, said, sizeof(said)));
		rc = CLI_OK;
	} else {
		cli_print_status(cli, &st);
		if (deliver_transient(&st))
			fprintf(stderr,
			    _("hoptac: %s stays queued; hoptac sync delivers "
			      "it\n"),
			    label);
		rc = cli->connect_code != CLI_OK ? cli->connect_code
		                                 : cli_exit_for(st.code);
	}
out:
	free(buf);
	outbox_entry_fini(&e);
	outbox_close(o);
	return rc;
}

int
deliver_exit(const struct cli *cli, const struct deliver_stats *s)
{
	if (s->failed && cli->connect_code != CLI_OK)
		return cli->connect_code;
	if (s->failed)
		return s->last.code == STATUS_UNAUTHENTICATED ? CLI_DENIED
		                                              : CLI_ERROR;
	if (s->unreachable)
		return CLI_UNREACHABLE;
	if (s->refused > 0)
		return CLI_REFUSED_SOME;
	return CLI_OK;
}

/* Keeps one pulled message under kind and key. */
static int
deliver_keep(struct outbox *o, const char *kind, const char *key,
    const ProtobufCMessage *m)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(len ? len : 1);
	int rc;

	if (buf == NULL)
		return -1;
	protobuf_c_message_pack(m, buf);
	rc = outbox_keep(o, kind, key, buf, len);
	free(buf);
	return rc;
}

int
deliver_keep_pull(struct outbox *o, const Hoptac__V1__PullResponse *resp)
{
	char key[256];
	int bad = outbox_begin(o);

	for (size_t i = 0; i < resp->n_requests; i++)
		bad |= deliver_keep(o, "request", resp->requests[i]->reference,
		    &resp->requests[i]->base);
	for (size_t i = 0; i < resp->n_reports; i++) {
		snprintf(key, sizeof(key), "%s|%s",
		    resp->reports[i]->request_reference,
		    resp->reports[i]->unit_code);
		bad |= deliver_keep(o, "report", key, &resp->reports[i]->base);
	}
	for (size_t i = 0; i < resp->n_units; i++)
		bad |= deliver_keep(
		    o, "unit", resp->units[i]->code, &resp->units[i]->base);
	for (size_t i = 0; i < resp->n_partners; i++)
		bad |= deliver_keep(o, "partner", resp->partners[i]->code,
		    &resp->partners[i]->base);
	bad |= outbox_set_cursor(o, resp->cursor_ms);
	if (outbox_commit(o) != 0)
		bad = -1;
	return bad ? -1 : 0;
}
