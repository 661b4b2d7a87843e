/*
 * One request's page: who was asked and how each answered, each answer's
 * figures beside what the unit's records hold, the mismatches, and the
 * review (accept, or return with a reason) of answers awaiting it.
 */
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "pages.h"

#include "hoptac/v1/services.pb-c.h"
#include "web_i18n.h"

#define REQUEST_PAGES_MAX 64

/* The figures of a report, in the order the offices' reports give them. */
static const struct {
	const char *field;
	const char *label;
} request_figures[] = {
    {"delegations_out", WN_("Delegations out")},
    {"people_out", WN_("People out")},
    {"delegations_in", WN_("Delegations in")},
    {"people_in", WN_("People in")},
    {"conferences", WN_("Conference, workshop")},
    {"agreements", WN_("Agreements signed")},
    {"activities", WN_("Activities in all")},
};

static int32_t
request_figure(const Hoptac__V1__Figures *f, const char *field)
{
	const ProtobufCFieldDescriptor *d;

	if (f == NULL)
		return 0;
	d = protobuf_c_message_descriptor_get_field_by_name(
	    f->base.descriptor, field);
	return *(const int32_t *)(const void *)((const char *)f + d->offset);
}

static const Hoptac__V1__FigureMismatch *
request_mismatch(const Hoptac__V1__Report *rep, const char *field)
{
	for (size_t i = 0; i < rep->n_mismatches; i++)
		if (strcmp(rep->mismatches[i]->figure, field) == 0)
			return rep->mismatches[i];
	return NULL;
}

static void
request_figures_html(FILE *f, const Hoptac__V1__Report *rep)
{
	fputs("<table class=\"figures\"><thead><tr>", f);
	{
		static const char *const heads[] = {WN_("Figure"),
		    WN_("As reported"), WN_("From the activity records"), NULL};

		page_heads(f, heads);
	}
	if (rep->accepted != NULL)
		fprintf(f, "<th>%s</th>", W_("When accepted"));
	fputs("<th></th></tr></thead><tbody>\n", f);
	for (size_t i = 0;
	     i < sizeof(request_figures) / sizeof(*request_figures); i++) {
		const char *field = request_figures[i].field;
		const Hoptac__V1__FigureMismatch *m =
		    request_mismatch(rep, field);

		fprintf(f, "<tr%s><td>%s</td><td class=\"n\">",
		    m != NULL ? " class=\"mismatch\"" : "",
		    W_(request_figures[i].label));
		if (rep->declared != NULL)
			fprintf(f, "%d", request_figure(rep->declared, field));
		fprintf(f, "</td><td class=\"n\">%d</td>",
		    request_figure(rep->computed, field));
		if (rep->accepted != NULL)
			fprintf(f, "<td class=\"n\">%d</td>",
			    request_figure(rep->accepted, field));
		fprintf(
		    f, "<td>%s</td></tr>\n", m != NULL ? W_("Mismatch") : "");
	}
	fputs("</tbody></table>\n", f);
}

/* The review forms of a report awaiting review. */
static void
request_review_html(
    FILE *f, const struct web_user *u, const Hoptac__V1__Report *rep)
{
	for (int accept = 1; accept >= 0; accept--) {
		fputs("<form method=\"post\" action=\"/yeu-cau/duyet\" "
		      "class=\"review\">",
		    f);
		page_csrf(f, u);
		fputs("<input type=\"hidden\" name=\"so\" value=\"", f);
		page_text(f, rep->request_reference);
		fputs("\"><input type=\"hidden\" name=\"don-vi\" value=\"", f);
		page_text(f, rep->unit_code);
		fprintf(f,
		    "\"><input type=\"hidden\" name=\"lan\" value=\"%d\">"
		    "<input type=\"hidden\" name=\"quyet-dinh\" value=\"%s\">",
		    rep->revision, accept ? "chap-nhan" : "tra-lai");
		if (accept)
			fprintf(f, "<button type=\"submit\">%s</button>",
			    W_("Accept the report"));
		else
			fprintf(f,
			    "<label>%s <input type=\"text\" "
			    "name=\"ly-do\" size=\"50\" required></label> "
			    "<button type=\"submit\">%s</button>",
			    W_("Reason for return"), W_("Return the report"));
		fputs("</form>\n", f);
	}
}

static void
request_report_html(FILE *f, const struct web_user *u,
    const Hoptac__V1__Report *rep, const char *unit_name)
{
	char day[32];

	fputs("<section class=\"report\"><h3>", f);
	page_text(f, unit_name);
	fputs("</h3>\n<p>", f);
	fprintf(f, W_("Revision %d"), rep->revision);
	if (rep->document_number[0] != '\0') {
		fputs(W_(", number "), f);
		page_text(f, rep->document_number);
	}
	if (rep->signed_on[0] != '\0') {
		fputs(W_(", signed on "), f);
		page_text(f, page_date(day, sizeof(day), rep->signed_on));
	}
	fprintf(f, ". %s <strong>%s</strong>%s.</p>\n", W_("Status:"),
	    page_status(rep->status),
	    rep->nil ? W_(" (a nil report: no activity)") : "");
	if (rep->status == HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_RETURNED) {
		fprintf(f, "<p>%s: ", W_("Reason for return"));
		page_text(f, rep->review_reason);
		fputs("</p>\n", f);
	}
	request_figures_html(f, rep);
	if (rep->n_mismatches > 0) {
		fputs("<p class=\"refusal\">", f);
		fprintf(f,
		    W_("Figures of the report that do not match the unit's "
		       "activity records: %zu."),
		    rep->n_mismatches);
		fputs("</p>\n", f);
	}
	if (rep->status == HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_SUBMITTED &&
	    (u->roles & WEB_ROLE(HOPTAC__V1__ROLE__ROLE_REVIEWER)) != 0)
		request_review_html(f, u, rep);
	fputs("</section>\n", f);
}

static void
request_units_html(FILE *f, const Hoptac__V1__CompletenessResponse *c)
{
	char day[32];

	static const char *const heads[] = {WN_("Unit"), WN_("Timeliness"),
	    WN_("Revision"), WN_("Status"), WN_("Signed on"), NULL};

	page_table_open(f, "", W_("The units asked"), heads);
	for (size_t i = 0; i < c->n_entries; i++) {
		const Hoptac__V1__CompletenessEntry *e = c->entries[i];

		fprintf(f, "<tr%s><td>",
		    e->timeliness == HOPTAC__V1__TIMELINESS__TIMELINESS_MISSING
		        ? " class=\"missing\""
		        : "");
		page_text(f, e->unit_name);
		fprintf(f, "</td><td>%s%s</td><td class=\"n\">",
		    page_timeliness(e->timeliness), e->nil ? W_(" (nil)") : "");
		if (e->revision > 0)
			fprintf(f, "%d", e->revision);
		fprintf(f, "</td><td>%s</td><td>", page_status(e->status));
		page_text(f, page_date(day, sizeof(day), e->signed_on));
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void
request_head_html(FILE *f, const Hoptac__V1__CompletenessResponse *c)
{
	const Hoptac__V1__ReportingRequest *q = c->request;
	char issued[32], due[32];

	fputs("<p class=\"lead\">", f);
	page_text(f, q->title);
	fprintf(f, "</p>\n<p>%s", W_("Issued on "));
	page_text(f, page_date(issued, sizeof(issued), q->issued_on));
	fputs(W_(", due "), f);
	page_text(f, page_date(due, sizeof(due), q->due_on));
	fputs(". ", f);
	fprintf(f,
	    W_("Asked: %d; on time: %d; sent on time but arrived late: %d; "
	       "late: %d; not reported: %d; nil: %d."),
	    c->expected, c->on_time, c->delivered_late, c->late, c->missing,
	    c->nil_reports);
	fprintf(f,
	    "</p>\n<p class=\"actions\">%s: <a href=\"/bao-cao-tong-hop?so=",
	    W_("Consolidated report"));
	page_url(f, q->reference);
	fprintf(f, "\">%s</a>", W_("view"));
	for (const char *const *fmt = (const char *const[]) {"html", "md",
	         "csv", "json", "docx", NULL};
	     *fmt != NULL; fmt++) {
		fputs(" · <a href=\"/bao-cao-tong-hop?so=", f);
		page_url(f, q->reference);
		fprintf(f, "&amp;tai=%s\">", *fmt);
		fprintf(f, W_("download %s"), *fmt);
		fputs("</a>", f);
	}
	fputs("</p>\n", f);
}

static const char *
request_unit_name(const Hoptac__V1__CompletenessResponse *c, const char *code)
{
	for (size_t i = 0; i < c->n_entries; i++)
		if (strcmp(c->entries[i]->unit_code, code) == 0)
			return c->entries[i]->unit_name;
	return code;
}

struct request_view {
	const struct web_user *u;
	const Hoptac__V1__CompletenessResponse *c;
	Hoptac__V1__ListReportsResponse *const *pages;
	size_t n_pages;
};

static void
request_view_html(FILE *f, const void *arg)
{
	const struct request_view *v = arg;

	request_head_html(f, v->c);
	request_units_html(f, v->c);
	fprintf(f, "<h2>%s</h2>\n", W_("The reports received"));
	for (size_t i = 0; i < v->n_pages; i++)
		for (size_t j = 0; j < v->pages[i]->n_reports; j++)
			request_report_html(f, v->u, v->pages[i]->reports[j],
			    request_unit_name(
			        v->c, v->pages[i]->reports[j]->unit_code));
}

int
request_page(struct web_req *r, struct web_user *u)
{
	Hoptac__V1__CompletenessRequest creq =
	    HOPTAC__V1__COMPLETENESS_REQUEST__INIT;
	Hoptac__V1__CompletenessResponse *c = NULL;
	Hoptac__V1__ListReportsRequest lreq =
	    HOPTAC__V1__LIST_REPORTS_REQUEST__INIT;
	Hoptac__V1__ListReportsResponse *pages[REQUEST_PAGES_MAX];
	const char *ref = web_arg(r, "so");
	struct rpc_client_status st;
	size_t n_pages = 0;
	int http, rc;

	if (ref == NULL || ref[0] == '\0')
		return web_refuse(
		    r, 400, W_("The request's reference is missing."));
	creq.request_reference = (char *)ref;
	if ((http = web_call(r, u, METHOD_AGGREGATES_COMPLETENESS, &creq.base,
	         (ProtobufCMessage **)&c, &st)) != 0)
		return web_call_refuse(r, http, &st);
	lreq.request_reference = (char *)ref;
	if ((http = web_reports_pages(
	         r, u, &lreq, pages, REQUEST_PAGES_MAX, &n_pages, &st)) != 0) {
		rc = web_call_refuse(r, http, &st);
		goto out;
	}
	if (c->request == NULL) {
		rc = web_refuse(
		    r, 502, W_("The data server answered incompletely."));
		goto out;
	}
	rc = page_answer(r, ref, u, request_view_html,
	    &(struct request_view) {u, c, pages, n_pages});
out:
	for (size_t i = 0; i < n_pages; i++)
		hoptac__v1__list_reports_response__free_unpacked(
		    pages[i], NULL);
	hoptac__v1__completeness_response__free_unpacked(c, NULL);
	return rc;
}

int
review_post(struct web_req *r, struct web_user *u)
{
	Hoptac__V1__ReviewReportRequest req =
	    HOPTAC__V1__REVIEW_REPORT_REQUEST__INIT;
	Hoptac__V1__ReviewReportResponse *resp = NULL;
	struct rpc_client_status st;
	char ref[256], unit[64], rev[16], decision[16], reason[1024];
	char back[800];
	FILE *f;
	int http;

	reason[0] = '\0';
	if (web_form(r, "so", ref, sizeof(ref)) != 0 ||
	    web_form(r, "don-vi", unit, sizeof(unit)) != 0 ||
	    web_form(r, "lan", rev, sizeof(rev)) != 0 ||
	    web_form(r, "quyet-dinh", decision, sizeof(decision)) != 0 ||
	    (strcmp(decision, "chap-nhan") != 0 &&
	        strcmp(decision, "tra-lai") != 0))
		return web_refuse(
		    r, 400, W_("The review form lacks information."));
	req.accept = strcmp(decision, "chap-nhan") == 0;
	if (!req.accept &&
	    (web_form(r, "ly-do", reason, sizeof(reason)) != 0 ||
	        reason[0] == '\0'))
		return web_refuse(
		    r, 400, W_("Returning a report needs a reason."));
	req.request_reference = ref;
	req.unit_code = unit;
	req.revision = atoi(rev);
	req.reason = reason;
	if ((http = web_call(r, u, METHOD_REPORTS_REVIEW, &req.base,
	         (ProtobufCMessage **)&resp, &st)) != 0)
		return web_call_refuse(r, http, &st);
	hoptac__v1__review_report_response__free_unpacked(resp, NULL);
	/* Back to the request's page, which now shows the decision. */
	if ((f = fmemopen(back, sizeof(back), "w")) == NULL)
		return web_redirect(r, "/", NULL);
	fputs("/yeu-cau?so=", f);
	page_url(f, ref);
	fputc('\0', f);
	fclose(f);
	back[sizeof(back) - 1] = '\0';
	return web_redirect(r, back, NULL);
}
