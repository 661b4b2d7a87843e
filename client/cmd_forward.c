/*
 * hoptac forward --to URL: a provincial server's units, activities,
 * requests and reports sent on to a higher-level server (for the
 * ministry) with the same protocol. Everything is keyed by its own id on
 * both sides, so a forward interrupted at any point is resumed by running
 * it again, and nothing is stored twice. docs/sync.md, "Forwarding".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_i18n.h"
#include "tokenfile.h"
#include "hoptac/v1/services.pb-c.h"
#include "status.h"

#define FWD_PAGE 1000

struct fwd {
	struct cli *cli;       /* the source server, cli->client */
	struct rpc_client *to; /* the target server; owned */
	/* Counts: units and activities new on the target, activities
	 * amended or withdrawn there, requests new there, report revisions
	 * the target holds (new or already), calls refused. */
	long units, activities, amended, withdrawn, requests, reports, refused;
	int rc;
};

/* A call to the target; a refusal is counted and printed, a failure to
 * reach it stops the forward. Returns the status code. */
static int
fwd_call(struct fwd *f, enum method_id method, const ProtobufCMessage *req,
    ProtobufCMessage **resp, const char *what)
{
	struct rpc_client_status st;

	rpc_client_invoke(f->to, method, req, resp, NULL, &st);
	if (st.code == STATUS_OK || st.code == STATUS_ALREADY_EXISTS)
		return st.code;
	if (st.code == STATUS_UNAVAILABLE ||
	    st.code == STATUS_DEADLINE_EXCEEDED || st.code == STATUS_INTERNAL) {
		cli_print_status(f->cli, &st);
		f->rc = cli_exit_for(st.code);
		return st.code;
	}
	f->refused++;
	fprintf(stderr, _("hoptac: forward: %s refused: %s: %s\n"), what,
	    status_name(st.code), st.message);
	return st.code;
}

/* Reads a list from the source; failing to stops the forward. Returns
 * the exit code of the call. */
static int
fwd_fetch(struct fwd *f, enum method_id method, const ProtobufCMessage *req,
    void *resp)
{
	int rc = cli_call(f->cli, method, req, resp, NULL);

	if (rc != CLI_OK)
		f->rc = rc;
	return rc;
}

/* fwd_call for a record whose reply is of no use: *sent counts it when
 * the target took it. */
static void
fwd_send(struct fwd *f, enum method_id method, const ProtobufCMessage *req,
    const char *what, long *sent)
{
	ProtobufCMessage *resp = NULL;

	if (fwd_call(f, method, req, &resp, what) == STATUS_OK)
		(*sent)++;
	if (resp != NULL)
		protobuf_c_message_free_unpacked(resp, NULL);
}

/* Units first, parents before children: a unit whose parent is not there
 * yet waits for the next pass. */
static int
fwd_units(struct fwd *f)
{
	Hoptac__V1__ListUnitsRequest q = HOPTAC__V1__LIST_UNITS_REQUEST__INIT;
	Hoptac__V1__ListUnitsResponse *all = NULL;
	int *done;

	q.include_ended = 1;
	if (fwd_fetch(f, METHOD_UNITS_LIST, &q.base, &all) != CLI_OK)
		return f->rc;
	done = calloc(all->n_units + 1, sizeof(*done));
	for (int pass = 0; done != NULL && pass < 8 && f->rc == CLI_OK;
	     pass++) {
		int progress = 0, left = 0;

		for (size_t i = 0; i < all->n_units && f->rc == CLI_OK; i++) {
			Hoptac__V1__CreateUnitRequest req =
			    HOPTAC__V1__CREATE_UNIT_REQUEST__INIT;
			ProtobufCMessage *resp = NULL;
			struct rpc_client_status st;

			if (done[i])
				continue;
			req.unit = all->units[i];
			rpc_client_invoke(f->to, METHOD_UNITS_CREATE, &req.base,
			    &resp, NULL, &st);
			if (resp != NULL)
				protobuf_c_message_free_unpacked(resp, NULL);
			if (st.code == STATUS_OK ||
			    st.code == STATUS_ALREADY_EXISTS) {
				done[i] = 1;
				progress = 1;
				f->units += st.code == STATUS_OK;
			} else if (st.code == STATUS_INVALID_ARGUMENT) {
				left = 1; /* a parent not there yet */
			} else {
				cli_print_status(f->cli, &st);
				f->rc = cli_exit_for(st.code);
			}
		}
		if (!left || !progress)
			break;
	}
	for (size_t i = 0; done != NULL && i < all->n_units; i++)
		if (!done[i] && f->rc == CLI_OK) {
			fprintf(stderr, _("hoptac: forward: unit %s refused\n"),
			    all->units[i]->code);
			f->refused++;
		}
	free(done);
	hoptac__v1__list_units_response__free_unpacked(all, NULL);
	return f->rc;
}

/* Brings one activity the target stores with other content, or not
 * withdrawn, in line with the source, which is authoritative for its
 * units. */
static void
fwd_align(struct fwd *f, Hoptac__V1__Activity *a, int differs)
{
	Hoptac__V1__GetActivityRequest g =
	    HOPTAC__V1__GET_ACTIVITY_REQUEST__INIT;
	Hoptac__V1__GetActivityResponse *cur = NULL;
	int withdrawn =
	    a->state == HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_WITHDRAWN;

	g.id = a->id;
	if (fwd_call(f, METHOD_ACTIVITIES_GET, &g.base,
	        (ProtobufCMessage **)&cur, a->id) != STATUS_OK)
		return;
	if (differs) {
		Hoptac__V1__AmendActivityRequest am =
		    HOPTAC__V1__AMEND_ACTIVITY_REQUEST__INIT;

		am.activity = a;
		am.expected_version = cur->activity->version;
		fwd_send(
		    f, METHOD_ACTIVITIES_AMEND, &am.base, a->id, &f->amended);
	}
	if (withdrawn && cur->activity->state != a->state) {
		Hoptac__V1__WithdrawActivityRequest w =
		    HOPTAC__V1__WITHDRAW_ACTIVITY_REQUEST__INIT;

		w.id = a->id;
		w.reason = a->withdraw_reason;
		fwd_send(f, METHOD_ACTIVITIES_WITHDRAW, &w.base, a->id,
		    &f->withdrawn);
	}
	hoptac__v1__get_activity_response__free_unpacked(cur, NULL);
}

/* Activities page by page, withdrawn ones included; each page goes on as
 * one Submit, then whatever differs is aligned. */
static int
fwd_activities(struct fwd *f)
{
	Hoptac__V1__ListActivitiesRequest q =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
	char *token = NULL; /* owned copy of the next page token */
	int rc;

	q.include_withdrawn = 1;
	q.page_size = FWD_PAGE;
	do {
		Hoptac__V1__ListActivitiesResponse *page = NULL;
		Hoptac__V1__SubmitActivitiesRequest sub =
		    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
		Hoptac__V1__SubmitActivitiesResponse *res = NULL;

		q.page_token = token != NULL ? token : (char *)"";
		rc = cli_call(f->cli, METHOD_ACTIVITIES_LIST, &q.base,
		    (ProtobufCMessage **)&page, NULL);
		free(token);
		token = NULL;
		if (rc != CLI_OK)
			return f->rc = rc;
		if (page->n_activities > 0) {
			sub.activities = page->activities;
			sub.n_activities = page->n_activities;
			if (fwd_call(f, METHOD_ACTIVITIES_SUBMIT, &sub.base,
			        (ProtobufCMessage **)&res,
			        "a page of activities") == STATUS_OK &&
			    res->n_results == page->n_activities) {
				for (size_t i = 0; i < res->n_results; i++) {
					Hoptac__V1__Activity *a =
					    page->activities[i];

					f->activities +=
					    res->results[i]->created;
					if (res->results[i]->differs ||
					    a->state ==
					        HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_WITHDRAWN)
						fwd_align(f, a,
						    res->results[i]->differs);
				}
			}
			if (res != NULL)
				hoptac__v1__submit_activities_response__free_unpacked(
				    res, NULL);
		}
		if (page->next_page_token[0] != '\0')
			token = strdup(page->next_page_token);
		hoptac__v1__list_activities_response__free_unpacked(page, NULL);
	} while (token != NULL && f->rc == CLI_OK);
	free(token);
	return f->rc;
}

/* Requests, then every revision of every report, in order: the target
 * numbers revisions itself, and a report id it has is not stored twice. */
static int
fwd_reporting(struct fwd *f)
{
	Hoptac__V1__ListRequestsRequest rq =
	    HOPTAC__V1__LIST_REQUESTS_REQUEST__INIT;
	Hoptac__V1__ListRequestsResponse *reqs = NULL;
	Hoptac__V1__ListReportsRequest pq =
	    HOPTAC__V1__LIST_REPORTS_REQUEST__INIT;
	Hoptac__V1__ListReportsResponse *reps = NULL;

	if (fwd_fetch(f, METHOD_REQUESTS_LIST, &rq.base, &reqs) != CLI_OK)
		return f->rc;
	for (size_t i = 0; i < reqs->n_requests && f->rc == CLI_OK; i++) {
		Hoptac__V1__CreateRequestRequest c =
		    HOPTAC__V1__CREATE_REQUEST_REQUEST__INIT;

		c.request = reqs->requests[i];
		fwd_send(f, METHOD_REQUESTS_CREATE, &c.base,
		    reqs->requests[i]->reference, &f->requests);
	}
	hoptac__v1__list_requests_response__free_unpacked(reqs, NULL);
	if (f->rc != CLI_OK)
		return f->rc;
	pq.all_revisions = 1;
	if ((f->rc = cli_call_pages(f->cli, METHOD_REPORTS_LIST, &pq.base,
	         "reports", NULL, (ProtobufCMessage **)&reps)) != CLI_OK)
		return f->rc;
	for (size_t i = 0; i < reps->n_reports && f->rc == CLI_OK; i++) {
		Hoptac__V1__SubmitReportRequest s =
		    HOPTAC__V1__SUBMIT_REPORT_REQUEST__INIT;
		Hoptac__V1__Report *r = reps->reports[i];
		char what[200];

		snprintf(what, sizeof(what),
		    _("report of %s to %s (revision %d)"), r->unit_code,
		    r->request_reference, r->revision);
		s.report = r;
		fwd_send(f, METHOD_REPORTS_SUBMIT, &s.base, what, &f->reports);
	}
	hoptac__v1__list_reports_response__free_unpacked(reps, NULL);
	return f->rc;
}

int
cmd_forward(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    {"to", CLI_OPT_STRING, 0, 0, 0}, CLI_OPTIONS_END};
	static const struct cli_args args = {opts, NULL, 0, 0, 0, 0};
	struct fwd f;
	char *to = NULL, err[256];
	int rc = cli_parse(cli, &args, &to, argc, argv, NULL);

	if (rc != CLI_OK)
		return rc;
	if (to == NULL)
		return cli_usage_error(cli);
	memset(&f, 0, sizeof(f));
	f.cli = cli;
	f.rc = CLI_OK;
	if ((f.to = cli_connect(cli, to, "HOPTAC_FORWARD_TOKEN", &rc, err,
	         sizeof(err))) == NULL)
		return cli_fail(rc, "%s", err);
	if (fwd_units(&f) == CLI_OK && fwd_activities(&f) == CLI_OK)
		fwd_reporting(&f);
	rpc_client_close(f.to);
	if (cli->json)
		printf("{\"units\":%ld,\"activities\":%ld,\"amended\":%ld,"
		       "\"withdrawn\":%ld,\"requests\":%ld,\"reports\":%ld,"
		       "\"refused\":%ld,\"exit\":%d}\n",
		    f.units, f.activities, f.amended, f.withdrawn, f.requests,
		    f.reports, f.refused,
		    f.rc == CLI_OK && f.refused ? CLI_REFUSED_SOME : f.rc);
	else
		printf(
		    _("forwarded to %s: %ld units, %ld activities (%ld "
		      "amended, "
		      "%ld withdrawn), %ld requests, %ld report revisions; %ld "
		      "refused\n"),
		    to, f.units, f.activities, f.amended, f.withdrawn,
		    f.requests, f.reports, f.refused);
	return f.rc == CLI_OK && f.refused ? CLI_REFUSED_SOME : f.rc;
}
