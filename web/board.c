/*
 * The requests board: every reporting request with how many units were
 * asked, answered, answered nil, late and missing, the overdue ones
 * (past their due day with units missing) first, and the units to chase.
 * One Requests/List, then one Aggregates/Completeness per request.
 */
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "pages.h"

#include "hoptac/v1/services.pb-c.h"
#include "web_i18n.h"

struct board_row {
	const Hoptac__V1__ReportingRequest *req;
	Hoptac__V1__CompletenessResponse *c; /* owned */
	int overdue;
};

/* Overdue first, then by due day, then by reference. */
static int
board_order(const void *a, const void *b)
{
	const struct board_row *x = a, *y = b;
	int d;

	if (x->overdue != y->overdue)
		return y->overdue - x->overdue;
	if ((d = strcmp(x->req->due_on, y->req->due_on)) != 0)
		return d;
	return strcmp(x->req->reference, y->req->reference);
}

/* The units of c that have not answered, linked to nothing: names. */
static void
board_chase(FILE *f, const Hoptac__V1__CompletenessResponse *c)
{
	int first = 1;

	for (size_t i = 0; i < c->n_entries; i++) {
		const Hoptac__V1__CompletenessEntry *e = c->entries[i];

		if (e->timeliness != HOPTAC__V1__TIMELINESS__TIMELINESS_MISSING)
			continue;
		fputs(first ? "" : "; ", f);
		page_text(
		    f, e->unit_name[0] != '\0' ? e->unit_name : e->unit_code);
		first = 0;
	}
}

static void
board_row_html(FILE *f, const struct board_row *b)
{
	const Hoptac__V1__CompletenessResponse *c = b->c;
	char due[32];

	fprintf(f, "<tr%s><td><a href=\"/yeu-cau?so=",
	    b->overdue ? " class=\"overdue\"" : "");
	page_url(f, b->req->reference);
	fputs("\">", f);
	page_text(f, b->req->reference);
	fputs("</a></td><td>", f);
	page_text(f, b->req->title);
	fputs("</td><td>", f);
	page_text(f, page_date(due, sizeof(due), b->req->due_on));
	if (b->overdue)
		fprintf(f, " <strong>(%s)</strong>", W_("overdue"));
	fprintf(f,
	    "</td><td class=\"n\">%d</td><td class=\"n\">%d</td>"
	    "<td class=\"n\">%d</td><td class=\"n\">%d</td>"
	    "<td class=\"n\">%d</td><td>",
	    c->expected, c->expected - c->missing, c->nil_reports,
	    c->late + c->delivered_late, c->missing);
	board_chase(f, c);
	fputs("</td><td><a href=\"/bao-cao-tong-hop?so=", f);
	page_url(f, b->req->reference);
	fprintf(f, "\">%s</a></td></tr>\n", W_("View"));
}

struct board {
	struct board_row *rows;
	size_t n;
};

static void
board_table(FILE *f, const void *arg)
{
	const struct board *b = arg;
	const struct board_row *rows = b->rows;
	size_t n = b->n;

	if (n == 0) {
		fprintf(
		    f, "<p>%s</p>\n", W_("There are no report requests yet."));
		return;
	}
	static const char *const heads[] = {WN_("Reference"), WN_("Subject"),
	    WN_("Due"), WN_("Asked"), WN_("Answered"), WN_("Nil reports"),
	    WN_("Answered late"), WN_("Not reported"), WN_("To chase"),
	    WN_("Consolidated report"), NULL};

	page_table_open(f, " class=\"board\"",
	    W_("Report requests: overdue ones with answers missing first"),
	    heads);
	for (size_t i = 0; i < n; i++)
		board_row_html(f, &rows[i]);
	fputs("</tbody></table>\n", f);
}

int
board_page(struct web_req *r, struct web_user *u)
{
	Hoptac__V1__ListRequestsRequest lreq =
	    HOPTAC__V1__LIST_REQUESTS_REQUEST__INIT;
	Hoptac__V1__ListRequestsResponse *list = NULL;
	struct board_row *rows = NULL; /* owned, with each row's c */
	struct rpc_client_status st;
	char today[16];
	size_t n = 0;
	int http, rc;

	if ((http = web_call(r, u, METHOD_REQUESTS_LIST, &lreq.base,
	         (ProtobufCMessage **)&list, &st)) != 0)
		return web_call_refuse(r, http, &st);
	page_today(today);
	if (list->n_requests > 0 &&
	    (rows = calloc(list->n_requests, sizeof(*rows))) == NULL) {
		rc = web_refuse(r, 500, W_("Out of memory."));
		goto out;
	}
	for (; n < list->n_requests; n++) {
		Hoptac__V1__CompletenessRequest creq =
		    HOPTAC__V1__COMPLETENESS_REQUEST__INIT;

		creq.request_reference = list->requests[n]->reference;
		rows[n].req = list->requests[n];
		if ((http = web_call(r, u, METHOD_AGGREGATES_COMPLETENESS,
		         &creq.base, (ProtobufCMessage **)&rows[n].c, &st)) !=
		    0) {
			rc = web_call_refuse(r, http, &st);
			goto out;
		}
		rows[n].overdue = rows[n].c->missing > 0 &&
		    rows[n].req->due_on[0] != '\0' &&
		    strcmp(rows[n].req->due_on, today) < 0;
	}
	if (n > 1) /* rows is NULL without requests */
		qsort(rows, n, sizeof(*rows), board_order);
	rc = page_answer(
	    r, W_("Requests board"), u, board_table, &(struct board) {rows, n});
out:
	for (size_t i = 0; i < n; i++)
		hoptac__v1__completeness_response__free_unpacked(
		    rows[i].c, NULL);
	free(rows);
	hoptac__v1__list_requests_response__free_unpacked(list, NULL);
	return rc;
}
