/*
 * An office's first page: the requests it has not answered yet (the
 * overdue ones marked), the state of the reports it sent and of their
 * review, and how many activities it has recorded. hoptacd answers each
 * call for the office's own unit only.
 */
#include <string.h>

#include "page.h"
#include "pages.h"

#include "hoptac/v1/services.pb-c.h"
#include "web_i18n.h"

#define OFFICE_REPORT_PAGES 16

struct office_view {
	const struct web_user *u;
	const Hoptac__V1__ListRequestsResponse *open;
	Hoptac__V1__ListReportsResponse *const *reports;
	size_t n_reports;
	unsigned long long activities;
};

static const char *const office_open_heads[] = {
    WN_("Reference"), WN_("Subject"), WN_("Due"), NULL};

static void
office_open_html(FILE *f, const Hoptac__V1__ListRequestsResponse *open)
{
	char today[16], due[32];

	page_today(today);
	if (open->n_requests == 0) {
		fprintf(f, "<p>%s</p>\n",
		    W_("No report request awaits the unit's answer."));
		return;
	}
	page_table_open(f, " id=\"yeu-cau-mo\"",
	    W_("Report requests not answered"), office_open_heads);
	for (size_t i = 0; i < open->n_requests; i++) {
		const Hoptac__V1__ReportingRequest *q = open->requests[i];
		int overdue =
		    q->due_on[0] != '\0' && strcmp(q->due_on, today) < 0;

		fprintf(f, "<tr%s><td>", overdue ? " class=\"overdue\"" : "");
		page_text(f, q->reference);
		fputs("</td><td>", f);
		page_text(f, q->title);
		fputs("</td><td>", f);
		page_text(f, page_date(due, sizeof(due), q->due_on));
		if (overdue)
			fprintf(f, " <strong>(%s)</strong>", W_("overdue"));
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void
office_reports_head(FILE *f)
{
	static const char *const heads[] = {WN_("Request's reference"),
	    WN_("Revision"), WN_("Signed on"), WN_("Status"),
	    WN_("Reason for return"), NULL};

	page_table_open(f, " id=\"bao-cao\"", W_("Reports sent"), heads);
}

static void
office_reports_html(FILE *f, const struct office_view *v)
{
	char day[32];
	int any = 0;

	for (size_t i = 0; i < v->n_reports; i++)
		for (size_t j = 0; j < v->reports[i]->n_reports; j++) {
			const Hoptac__V1__Report *rep =
			    v->reports[i]->reports[j];

			if (!any)
				office_reports_head(f);
			any = 1;
			fputs("<tr><td>", f);
			page_text(f, rep->request_reference);
			fprintf(f, "</td><td class=\"n\">%d</td><td>",
			    rep->revision);
			page_text(
			    f, page_date(day, sizeof(day), rep->signed_on));
			fprintf(f, "</td><td>%s</td><td>",
			    page_status(rep->status));
			page_text(f, rep->review_reason);
			fputs("</td></tr>\n", f);
		}
	if (any)
		fputs("</tbody></table>\n", f);
	else
		fprintf(
		    f, "<p>%s</p>\n", W_("The unit has sent no report yet."));
}

static void
office_html(FILE *f, const void *arg)
{
	const struct office_view *v = arg;

	office_open_html(f, v->open);
	office_reports_html(f, v);
	fputs("<p>", f);
	fprintf(
	    f, W_("Activities recorded by the unit (%llu):"), v->activities);
	fprintf(f,
	    " <a href=\"/hoat-dong\">%s</a>, <a "
	    "href=\"/tong-hop\">%s</a>.</p>\n",
	    W_("view and search"), W_("summary figures"));
}

int
office_page(struct web_req *r, struct web_user *u)
{
	Hoptac__V1__ListRequestsRequest oreq =
	    HOPTAC__V1__LIST_REQUESTS_REQUEST__INIT;
	Hoptac__V1__ListRequestsResponse *open = NULL;
	Hoptac__V1__ListReportsRequest lreq =
	    HOPTAC__V1__LIST_REPORTS_REQUEST__INIT;
	Hoptac__V1__ListReportsResponse *reports[OFFICE_REPORT_PAGES];
	Hoptac__V1__ListActivitiesRequest areq =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__ListActivitiesResponse *acts = NULL;
	struct rpc_client_status st;
	size_t n = 0;
	int http, rc;

	oreq.unit_code = u->unit;
	oreq.open_only = 1;
	lreq.unit_code = u->unit;
	areq.unit_code = u->unit;
	areq.page_size = 1;
	if ((http = web_call(r, u, METHOD_REQUESTS_LIST, &oreq.base,
	         (ProtobufCMessage **)&open, &st)) != 0)
		return web_call_refuse(r, http, &st);
	/* Up to OFFICE_REPORT_PAGES pages: an office sends a few a year. */
	if ((http = web_reports_pages(
	         r, u, &lreq, reports, OFFICE_REPORT_PAGES, &n, &st)) != 0) {
		rc = web_call_refuse(r, http, &st);
		goto out;
	}
	if ((http = web_call(r, u, METHOD_ACTIVITIES_LIST, &areq.base,
	         (ProtobufCMessage **)&acts, &st)) != 0) {
		rc = web_call_refuse(r, http, &st);
		goto out;
	}
	rc = page_answer(r, u->name, u, office_html,
	    &(struct office_view) {
	        u, open, reports, n, (unsigned long long)acts->total});
	hoptac__v1__list_activities_response__free_unpacked(acts, NULL);
out:
	for (size_t i = 0; i < n; i++)
		hoptac__v1__list_reports_response__free_unpacked(
		    reports[i], NULL);
	hoptac__v1__list_requests_response__free_unpacked(open, NULL);
	return rc;
}
