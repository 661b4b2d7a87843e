/*
 * hoptac sync, hoptac status: delivering the outbox from scripts (cron,
 * systemd timers), and what it holds. docs/sync.md.
 */
#include <stdlib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_i18n.h"
#include "deliver.h"
#include "hoptac/v1/auth.pb-c.h"
#include "hoptac/v1/services.pb-c.h"
#include "outbox.h"
#include "render.h"
#include "rpc.h"
#include "status.h"
#include "table.h"
#include "tokenfile.h"
#include "validate.h"

/* What one pull brought. */
struct cmd_pull {
	size_t requests, reports, units;
	int done;
};

/* Pulls what concerns the office since the outbox's cursor and keeps it,
 * with the new cursor, in one commit. Returns an exit code. */
static int
cmd_sync_pull(
    struct cli *cli, struct outbox *o, const char *unit, struct cmd_pull *p)
{
	Hoptac__V1__PullRequest req = HOPTAC__V1__PULL_REQUEST__INIT;
	Hoptac__V1__PullResponse *resp = NULL;
	int rc;

	if (outbox_cursor(o, &req.since_ms) != 0)
		return cli_fail(CLI_ERROR, _("cannot read the outbox"));
	req.unit_code = (char *)unit;
	rc = cli_call_pages(cli, METHOD_SYNC_PULL, &req.base, "reports",
	    "cursor_ms", (ProtobufCMessage **)&resp);
	if (rc != CLI_OK)
		return rc;
	if (deliver_keep_pull(o, resp) != 0)
		rc = cli_fail(CLI_ERROR, _("cannot keep what was pulled"));
	p->requests = resp->n_requests;
	p->reports = resp->n_reports;
	p->units = resp->n_units;
	p->done = rc == CLI_OK;
	hoptac__v1__pull_response__free_unpacked(resp, NULL);
	return rc;
}

static void
cmd_sync_json(const struct deliver_stats *s, const struct cmd_pull *p, int rc,
    double secs)
{
	json_object *o = json_object_new_object();

	if (o == NULL)
		return;
	json_object_object_add(
	    o, "delivered", json_object_new_int64(s->delivered));
	json_object_object_add(o, "created", json_object_new_int64(s->created));
	json_object_object_add(o, "already_stored",
	    json_object_new_int64(s->existing + s->differ));
	json_object_object_add(o, "refused", json_object_new_int64(s->refused));
	json_object_object_add(
	    o, "conflicts", json_object_new_int64(s->conflicts));
	json_object_object_add(o, "pending", json_object_new_int64(s->left));
	json_object_object_add(
	    o, "unreachable", json_object_new_boolean(s->unreachable));
	if (p->done) {
		json_object_object_add(o, "pulled_requests",
		    json_object_new_int64((int64_t)p->requests));
		json_object_object_add(o, "pulled_reports",
		    json_object_new_int64((int64_t)p->reports));
		json_object_object_add(o, "pulled_units",
		    json_object_new_int64((int64_t)p->units));
	}
	json_object_object_add(o, "exit", json_object_new_int(rc));
	json_object_object_add(o, "seconds", json_object_new_double(secs));
	if (s->unreachable || s->failed)
		json_object_object_add(
		    o, "error", json_object_new_string(s->last.message));
	puts(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* What sync takes: --quiet, and the unit to pull for. */
struct cmd_sync {
	protobuf_c_boolean quiet;
	char *unit;
};

int
cmd_sync(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_FLAG("quiet", struct cmd_sync, quiet),
	    CLI_STRING("unit", struct cmd_sync, unit),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {opts, NULL, 0, 0, 0, 0};
	struct cmd_sync opt = {0, NULL};
	struct deliver_stats s;
	struct cmd_pull pull = {0, 0, 0, 0};
	struct outbox *o;
	const char *unit = NULL;
	char own[VALIDATE_ID_MAX + 1], said[1024];
	int64_t start = rpc_now_ms();
	int quiet, rc;

	if ((rc = cli_parse(cli, &args, &opt, argc, argv, NULL)) != CLI_OK)
		return rc;
	quiet = opt.quiet;
	if ((o = deliver_outbox(cli)) == NULL)
		return CLI_ERROR;
	if (outbox_lock(o) != 0) {
		outbox_close(o);
		if (!quiet)
			cli_fail(0,
			    _("another hoptac sync is running on this outbox"));
		return CLI_UNREACHABLE;
	}
	deliver_pending(cli, o, 0, quiet || cli->json, &s);
	rc = deliver_exit(cli, &s);
	/* Then what concerns the office, when the server is there. */
	if (!s.unreachable && !s.failed)
		unit = cli_default_unit(cli, opt.unit, own, sizeof(own));
	if (unit != NULL) {
		int prc = cmd_sync_pull(cli, o, unit, &pull);

		if (prc != CLI_OK)
			rc = prc;
	}
	outbox_close(o);
	if (cli->json) {
		cmd_sync_json(
		    &s, &pull, rc, (double)(rpc_now_ms() - start) / 1000.0);
		return rc;
	}
	if (!quiet || rc != CLI_OK) {
		printf(
		    _("sync: %ld delivered (%ld activities stored, %ld already "
		      "there), %ld refused, %ld still queued\n"),
		    s.delivered, s.created, s.existing + s.differ, s.refused,
		    s.left);
		if (pull.done)
			printf(
			    _("pulled for %s: %zu requests, %zu reports, %zu "
			      "units\n"),
			    unit, pull.requests, pull.reports, pull.units);
		if (s.unreachable)
			fprintf(stderr,
			    _("hoptac: %s%s; the queued work is kept for the "
			      "next sync\n"),
			    cli_status_tag(cli, s.last.code),
			    cli_remote_text(
			        s.last.message, said, sizeof(said)));
		else if (s.failed)
			fprintf(stderr, _("hoptac: %s%s\n"),
			    cli_status_tag(cli, s.last.code),
			    cli_remote_text(
			        s.last.message, said, sizeof(said)));
	}
	return rc;
}

/* A refusal kept as "STATUS_NAME: message" for people reading their
 * language: the message alone, translated; as kept otherwise. */
static const char *
cmd_status_outcome(int verbose, const char *kept, char *buf, size_t len)
{
	size_t name = strspn(kept, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");

	if (verbose || !cli_i18n_translated() || name == 0 ||
	    kept[name] != ':' || kept[name + 1] != ' ')
		return kept;
	return cli_remote_text(kept + name + 2, buf, len);
}

/* Lists the entries in one state, at most max of the newest. */
static int
cmd_status_table(
    struct outbox *o, int state, const char *title, int max, int verbose)
{
	static struct outbox_entry e[200];
	static const char *const headers[] = {
	    N_("QUEUED"), N_("WHAT"), N_("METHOD"), N_("OUTCOME")};
	struct table *t;
	int n = outbox_list(o, state, e, max < 200 ? max : 200);

	if (n <= 0)
		return n;
	if ((t = table_create(4, headers)) == NULL)
		return -1;
	table_set_max_width(t, 3, 70);
	printf("\n%s:\n", cli_label(title));
	for (int i = 0; i < n; i++) {
		char when[32], said[600];

		cli_when(e[i].created_at_ms, when, sizeof(when));
		table_add_row(t,
		    (const char *const[]) {when, e[i].label, e[i].method,
		        cmd_status_outcome(
		            verbose, e[i].message, said, sizeof(said))});
		outbox_entry_fini(&e[i]);
	}
	table_print(t, stdout);
	table_destroy(t);
	return n;
}

/* The outbox, for a command that reads it and takes no arguments; NULL
 * with *rc the exit code when it cannot. */
static struct outbox *
cmd_sync_outbox(struct cli *cli, int argc, char **argv, int *rc)
{
	struct outbox *o = NULL;

	*rc = cli_parse(cli, &cli_no_args, NULL, argc, argv, NULL);
	if (*rc == CLI_OK && (o = deliver_outbox(cli)) == NULL)
		*rc = CLI_ERROR;
	return o;
}

int
cmd_status(struct cli *cli, int argc, char **argv)
{
	struct outbox *o;
	long counts[3];
	int rc = CLI_OK;

	if ((o = cmd_sync_outbox(cli, argc, argv, &rc)) == NULL)
		return rc;
	if (outbox_counts(o, counts) != 0) {
		outbox_close(o);
		return cli_fail(CLI_ERROR, _("cannot read the outbox"));
	}
	if (cli->json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "outbox",
		    json_object_new_string(cli->outbox_path
		            ? cli->outbox_path
		            : outbox_default_path()));
		json_object_object_add(j, "pending",
		    json_object_new_int64(counts[OUTBOX_PENDING]));
		json_object_object_add(j, "delivered",
		    json_object_new_int64(counts[OUTBOX_DELIVERED]));
		json_object_object_add(j, "refused",
		    json_object_new_int64(counts[OUTBOX_REFUSED]));
		puts(json_object_to_json_string_ext(j,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	} else {
		printf(_("outbox %s: %ld queued, %ld delivered, %ld refused\n"),
		    cli->outbox_path ? cli->outbox_path : outbox_default_path(),
		    counts[OUTBOX_PENDING], counts[OUTBOX_DELIVERED],
		    counts[OUTBOX_REFUSED]);
		if (cmd_status_table(
		        o, OUTBOX_PENDING, "queued", 50, cli->verbose) < 0 ||
		    cmd_status_table(
		        o, OUTBOX_REFUSED, "refused", 50, cli->verbose) < 0)
			rc = cli_fail(CLI_ERROR, _("cannot read the outbox"));
	}
	outbox_close(o);
	return rc;
}

/* The office's kept reports, unpacked, for hoptac inbox. */
struct cmd_inbox {
	Hoptac__V1__Report **reports; /* owned */
	size_t n;
	struct table *t;
};

static int
cmd_inbox_report(void *arg, const uint8_t *body, size_t len)
{
	struct cmd_inbox *ib = arg;
	Hoptac__V1__Report *r = hoptac__v1__report__unpack(NULL, len, body);
	Hoptac__V1__Report **grown;

	if (r == NULL)
		return 0;
	grown = realloc(ib->reports, (ib->n + 1) * sizeof(*grown));
	if (grown == NULL) {
		hoptac__v1__report__free_unpacked(r, NULL);
		return -1;
	}
	ib->reports = grown;
	ib->reports[ib->n++] = r;
	return 0;
}

static int
cmd_inbox_request(void *arg, const uint8_t *body, size_t len)
{
	struct cmd_inbox *ib = arg;
	Hoptac__V1__ReportingRequest *q =
	    hoptac__v1__reporting_request__unpack(NULL, len, body);
	const Hoptac__V1__Report *r = NULL;
	char answer[600];

	if (q == NULL)
		return 0;
	snprintf(answer, sizeof(answer), "%s", _("not answered"));
	for (size_t i = 0; i < ib->n; i++)
		if (strcmp(ib->reports[i]->request_reference, q->reference) ==
		    0)
			r = ib->reports[i];
	if (r != NULL)
		snprintf(answer, sizeof(answer), _("revision %d %s%s%s"),
		    r->revision, cli_report_status_label(r->status),
		    r->review_reason[0] ? ": " : "", r->review_reason);
	table_add_row(ib->t,
	    (const char *const[]) {q->reference, q->due_on, answer, q->title});
	hoptac__v1__reporting_request__free_unpacked(q, NULL);
	return 0;
}

/* What the last syncs pulled for the office, read with no link: the
 * requests addressed to it and the state of its answers. */
int
cmd_inbox(struct cli *cli, int argc, char **argv)
{
	static const char *const headers[] = {
	    N_("REQUEST"), N_("DUE"), N_("ANSWER"), N_("TITLE")};
	struct cmd_inbox ib = {NULL, 0, NULL};
	struct outbox *o;
	int64_t cursor = 0;
	int rc = CLI_OK;

	if ((o = cmd_sync_outbox(cli, argc, argv, &rc)) == NULL)
		return rc;
	if ((ib.t = table_create(4, headers)) == NULL) {
		outbox_close(o);
		return cli_fail(CLI_ERROR, _("out of memory"));
	}
	table_set_max_width(ib.t, 2, 50);
	table_set_max_width(ib.t, 3, 60);
	if (outbox_cursor(o, &cursor) != 0 ||
	    outbox_kept(o, "report", cmd_inbox_report, &ib) != 0 ||
	    outbox_kept(o, "request", cmd_inbox_request, &ib) != 0) {
		rc = cli_fail(CLI_ERROR, _("cannot read the outbox"));
	} else {
		table_print(ib.t, stdout);
		if (cursor == 0)
			printf(
			    _("nothing pulled yet: hoptac sync --unit CODE\n"));
	}
	table_destroy(ib.t);
	for (size_t i = 0; i < ib.n; i++)
		hoptac__v1__report__free_unpacked(ib.reports[i], NULL);
	free(ib.reports);
	outbox_close(o);
	(void)cli;
	return rc;
}
