/*
 * The activity search: words (folded, as hoptac activity list --text
 * searches them), unit, partner, kind and period (Activities/List), a
 * page of results at a time. hoptacd answers an office with its own
 * unit's records only.
 */
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "pages.h"
#include "validate.h"

#include "hoptac/v1/records.pb-c.h"
#include "hoptac/v1/services.pb-c.h"
#include "web_i18n.h"

#define ACTIVITIES_PAGE 50

/* A query argument, "" when absent. */
static const char *
activities_arg(struct web_req *r, const char *name)
{
	const char *v = web_arg(r, name);

	return v != NULL ? v : "";
}

static void
activities_input(FILE *f, struct web_req *r, const char *name,
    const char *label, const char *hint, int size)
{
	fprintf(f, "<label>%s <input type=\"text\" name=\"%s\" value=\"", label,
	    name);
	page_text(f, activities_arg(r, name));
	fprintf(f, "\" placeholder=\"%s\" size=\"%d\"></label> ", hint, size);
}

struct activities_view {
	struct web_req *r;
	int kind;
	const Hoptac__V1__ListActivitiesResponse *list;
};

static void
activities_form(FILE *f, struct web_req *r, int kind)
{
	fputs(
	    "<form method=\"get\" action=\"/hoat-dong\" class=\"filters\">", f);
	activities_input(
	    f, r, "q", W_("Search"), W_("name, place, subject"), 24);
	activities_input(f, r, "don-vi", W_("Unit"), W_("unit code"), 12);
	activities_input(
	    f, r, "doi-tac", W_("Partner province"), "Sê Kông", 12);
	activities_input(f, r, "tu", W_("From"), "1/1/2024", 10);
	activities_input(f, r, "den", W_("to"), "31/12/2024", 10);
	page_kind_select(f, "loai", kind);
	fprintf(
	    f, " <button type=\"submit\">%s</button></form>\n", W_("Search"));
}

static void
activities_row(FILE *f, const Hoptac__V1__Activity *a)
{
	char from[32], to[32];

	fputs("<tr><td>", f);
	page_text(f, page_date(from, sizeof(from), a->start_date));
	if (a->end_date[0] != '\0' && strcmp(a->end_date, a->start_date) != 0) {
		fputs(" – ", f);
		page_text(f, page_date(to, sizeof(to), a->end_date));
	}
	fputs("</td><td>", f);
	page_text(f, a->unit_code);
	fprintf(f, "</td><td>%s</td><td>", page_kind(a->kind));
	for (size_t i = 0; i < a->n_partner_codes; i++) {
		fputs(i > 0 ? ", " : "", f);
		page_text(f, a->partner_codes[i]);
	}
	fputs("</td><td>", f);
	page_text(f, a->title);
	fputs("</td><td>", f);
	page_text(f, a->place);
	fputs("</td><td class=\"n\">", f);
	if (a->people > 0)
		fprintf(f, "%d", a->people);
	fputs("</td></tr>\n", f);
}

/* The link to the next page: this search with its token. */
static void
activities_next(FILE *f, struct web_req *r, const char *token)
{
	static const char *const keep[] = {
	    "q", "don-vi", "doi-tac", "tu", "den", "loai", NULL};

	fputs("<p><a href=\"/hoat-dong?trang=", f);
	page_url(f, token);
	for (size_t i = 0; keep[i] != NULL; i++) {
		fprintf(f, "&amp;%s=", keep[i]);
		page_url(f, activities_arg(r, keep[i]));
	}
	fputs("\">Trang sau</a></p>\n", f);
}

static const char *const activities_heads[] = {WN_("When"), WN_("Unit"),
    WN_("Kind"), WN_("Partner province"), WN_("Subject"), WN_("Place"),
    WN_("People"), NULL};

static void
activities_html(FILE *f, const void *arg)
{
	const struct activities_view *v = arg;
	const Hoptac__V1__ListActivitiesResponse *l = v->list;

	activities_form(f, v->r, v->kind);
	fputs("<p>", f);
	fprintf(f, W_("Activities matching the search: %llu."),
	    (unsigned long long)l->total);
	fputs("</p>\n", f);
	if (l->n_activities == 0)
		return;
	page_table_open(f, " id=\"hoat-dong\"", NULL, activities_heads);
	for (size_t i = 0; i < l->n_activities; i++)
		activities_row(f, l->activities[i]);
	fputs("</tbody></table>\n", f);
	if (l->next_page_token[0] != '\0')
		activities_next(f, v->r, l->next_page_token);
}

int
activities_page(struct web_req *r, struct web_user *u)
{
	Hoptac__V1__ListActivitiesRequest req =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__ListActivitiesResponse *list = NULL;
	const char *loai = activities_arg(r, "loai");
	struct rpc_client_status st;
	int http, rc, kind = 0;

	if (loai[0] != '\0' && (kind = validate_activity_kind(loai)) <= 0)
		return web_refuse(
		    r, 400, W_("There is no such kind of activity."));
	req.text = (char *)activities_arg(r, "q");
	req.unit_code = (char *)activities_arg(r, "don-vi");
	req.partner = (char *)activities_arg(r, "doi-tac");
	req.from_date = (char *)activities_arg(r, "tu");
	req.to_date = (char *)activities_arg(r, "den");
	req.page_token = (char *)activities_arg(r, "trang");
	req.kind = (Hoptac__V1__ActivityKind)kind;
	req.page_size = ACTIVITIES_PAGE;
	if ((http = web_call(r, u, METHOD_ACTIVITIES_LIST, &req.base,
	         (ProtobufCMessage **)&list, &st)) != 0)
		return web_call_refuse(r, http, &st);
	rc = page_answer(r, W_("Activity search"), u, activities_html,
	    &(struct activities_view) {r, kind, list});
	hoptac__v1__list_activities_response__free_unpacked(list, NULL);
	return rc;
}
