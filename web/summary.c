/*
 * Summaries: the figures of the activities recorded, filtered by period,
 * unit and partner and grouped by month, partner, unit, kind or year
 * (Aggregates/Summary), as a table that is always there and a Chart.js
 * chart drawn from that table by /static/hoptac-chart.js when scripts run.
 */
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "render.h"
#include "pages.h"
#include "validate.h"

#include "hoptac/v1/records.pb-c.h"
#include "hoptac/v1/services.pb-c.h"
#include "web_i18n.h"

static const struct {
	const char *name; /* ?theo= */
	const char *label;
	Hoptac__V1__Dimension dim;
} summary_groups[] = {
    {"thang", WN_("By month"), HOPTAC__V1__DIMENSION__DIMENSION_MONTH},
    {"doi-tac", WN_("By partner province"),
        HOPTAC__V1__DIMENSION__DIMENSION_PARTNER},
    {"don-vi", WN_("By unit"), HOPTAC__V1__DIMENSION__DIMENSION_UNIT},
    {"loai", WN_("By kind of activity"), HOPTAC__V1__DIMENSION__DIMENSION_KIND},
    {"nam", WN_("By year"), HOPTAC__V1__DIMENSION__DIMENSION_YEAR},
};
#define SUMMARY_GROUPS (sizeof(summary_groups) / sizeof(*summary_groups))

/* A query argument, "" when absent. */
static const char *
summary_arg(struct web_req *r, const char *name)
{
	const char *v = web_arg(r, name);

	return v != NULL ? v : "";
}

static void
summary_input(FILE *f, const char *name, const char *label, const char *value,
    const char *hint)
{
	fprintf(f, "<label>%s <input type=\"text\" name=\"%s\" value=\"", label,
	    name);
	page_text(f, value);
	fprintf(f, "\" placeholder=\"%s\" size=\"14\"></label> ", hint);
}

static void
summary_form(FILE *f, struct web_req *r, size_t group)
{
	int kind = validate_activity_kind(summary_arg(r, "loai"));

	fputs(
	    "<form method=\"get\" action=\"/tong-hop\" class=\"filters\">", f);
	summary_input(f, "tu", W_("From"), summary_arg(r, "tu"), "1/1/2024");
	summary_input(f, "den", W_("to"), summary_arg(r, "den"), "31/12/2024");
	summary_input(
	    f, "don-vi", W_("Unit"), summary_arg(r, "don-vi"), W_("unit code"));
	summary_input(f, "doi-tac", W_("Partner province"),
	    summary_arg(r, "doi-tac"), "LA-XE");
	page_kind_select(f, "loai", kind > 0 ? kind : 0);
	fprintf(f, " <label>%s <select name=\"theo\">", W_("Group"));
	for (size_t i = 0; i < SUMMARY_GROUPS; i++)
		fprintf(f, "<option value=\"%s\"%s>%s</option>",
		    summary_groups[i].name, i == group ? " selected" : "",
		    W_(summary_groups[i].label));
	fprintf(f,
	    "</select></label> <button type=\"submit\">%s</button></form>\n",
	    W_("View"));
}

/* The name a row's key is shown by: a partner's Vietnamese name. */
static const char *
summary_key_name(const Hoptac__V1__ListPartnersResponse *partners,
    Hoptac__V1__Dimension dim, const char *key, char *buf, size_t len)
{
	if (dim == HOPTAC__V1__DIMENSION__DIMENSION_MONTH)
		return render_period_key((int)dim, key, buf, len);
	if (dim == HOPTAC__V1__DIMENSION__DIMENSION_KIND &&
	    validate_activity_kind(key) > 0)
		return page_kind(validate_activity_kind(key));
	if (dim != HOPTAC__V1__DIMENSION__DIMENSION_PARTNER || partners == NULL)
		return key;
	for (size_t i = 0; i < partners->n_partners; i++)
		if (strcmp(partners->partners[i]->code, key) == 0)
			return partners->partners[i]->name;
	return key;
}

static void
summary_figures(FILE *f, const Hoptac__V1__Figures *x, const char *cell)
{
	if (x == NULL)
		return;
	fprintf(f,
	    "<%s class=\"n\">%d</%s><%s class=\"n\">%d</%s><%s class=\"n\">"
	    "%d</%s><%s class=\"n\">%d</%s><%s class=\"n\">%d</%s><%s "
	    "class=\"n\">%d</%s><%s class=\"n\">%d</%s>",
	    cell, x->activities, cell, cell, x->delegations_out, cell, cell,
	    x->people_out, cell, cell, x->delegations_in, cell, cell,
	    x->people_in, cell, cell, x->conferences, cell, cell, x->agreements,
	    cell);
}

static void
summary_table(FILE *f, const Hoptac__V1__SummaryResponse *s,
    const Hoptac__V1__ListPartnersResponse *partners, size_t group)
{
	Hoptac__V1__Dimension dim = summary_groups[group].dim;

	if (s->n_rows == 0) {
		fprintf(
		    f, "<p>%s</p>\n", W_("No activity matches the filters."));
		return;
	}
	/* The chart reads the table: labels from the first column, the
	 * delegations out and in from the third and fifth. */
	fputs("<canvas id=\"bieu-do\" width=\"800\" height=\"320\" hidden "
	      "data-table=\"so-lieu\" data-columns=\"2,4\"></canvas>\n",
	    f);
	fputs("<table id=\"so-lieu\"><caption>", f);
	fprintf(f, W_("Activity figures, %s"), W_(summary_groups[group].label));
	fprintf(f, "</caption><thead><tr><th>%s</th>",
	    dim == HOPTAC__V1__DIMENSION__DIMENSION_MONTH ? W_("Month")
	        : dim == HOPTAC__V1__DIMENSION__DIMENSION_PARTNER
	        ? W_("Partner province")
	        : dim == HOPTAC__V1__DIMENSION__DIMENSION_UNIT ? W_("Unit")
	        : dim == HOPTAC__V1__DIMENSION__DIMENSION_KIND ? W_("Kind")
	                                                       : W_("Year"));
	{
		static const char *const heads[] = {WN_("Activities"),
		    WN_("Delegations out"), WN_("People out"),
		    WN_("Delegations in"), WN_("People in"),
		    WN_("Conference, workshop"), WN_("Agreements"), NULL};

		page_heads(f, heads);
	}
	fputs("</tr></thead><tbody>\n", f);
	for (size_t i = 0; i < s->n_rows; i++) {
		const Hoptac__V1__SummaryRow *row = s->rows[i];
		char key[64];

		fputs("<tr><td>", f);
		page_text(f,
		    row->n_keys > 0 ? summary_key_name(partners, dim,
		                          row->keys[0], key, sizeof(key))
		                    : "");
		fputs("</td>", f);
		summary_figures(f, row->figures, "td");
		fputs("</tr>\n", f);
	}
	fprintf(f, "</tbody><tfoot><tr><th>%s</th>", W_("Total"));
	summary_figures(f, s->totals, "th");
	fputs("</tr></tfoot></table>\n", f);
	fputs("<script src=\"/static/chart.min.js\" defer></script>"
	      "<script src=\"/static/hoptac-chart.js\" defer></script>\n",
	    f);
}

struct summary_view {
	struct web_req *r;
	size_t group;
	const Hoptac__V1__SummaryResponse *s;
	const Hoptac__V1__ListPartnersResponse *partners;
};

static void
summary_view_html(FILE *f, const void *arg)
{
	const struct summary_view *v = arg;

	summary_form(f, v->r, v->group);
	if (summary_groups[v->group].dim ==
	    HOPTAC__V1__DIMENSION__DIMENSION_PARTNER)
		map_svg(f, v->s, v->partners);
	summary_table(f, v->s, v->partners, v->group);
}

int
summary_page(struct web_req *r, struct web_user *u)
{
	Hoptac__V1__SummaryRequest req = HOPTAC__V1__SUMMARY_REQUEST__INIT;
	Hoptac__V1__SummaryResponse *s = NULL;
	Hoptac__V1__ListPartnersRequest preq =
	    HOPTAC__V1__LIST_PARTNERS_REQUEST__INIT;
	Hoptac__V1__ListPartnersResponse *partners = NULL;
	Hoptac__V1__Dimension dim;
	struct rpc_client_status st;
	const char *theo = summary_arg(r, "theo");
	const char *loai = summary_arg(r, "loai");
	size_t group = 0;
	int http, rc, kind = 0;

	while (group < SUMMARY_GROUPS && theo[0] != '\0' &&
	    strcmp(summary_groups[group].name, theo) != 0)
		group++;
	if (group == SUMMARY_GROUPS)
		return web_refuse(
		    r, 400, W_("There is no such grouping of the figures."));
	if (loai[0] != '\0' && (kind = validate_activity_kind(loai)) <= 0)
		return web_refuse(
		    r, 400, W_("There is no such kind of activity."));
	dim = summary_groups[group].dim;
	req.kind = (Hoptac__V1__ActivityKind)kind;
	req.from_date = (char *)summary_arg(r, "tu");
	req.to_date = (char *)summary_arg(r, "den");
	req.unit_code = (char *)summary_arg(r, "don-vi");
	req.partner = (char *)summary_arg(r, "doi-tac");
	req.n_group_by = 1;
	req.group_by = &dim;
	if ((http = web_call(r, u, METHOD_AGGREGATES_SUMMARY, &req.base,
	         (ProtobufCMessage **)&s, &st)) != 0)
		return web_call_refuse(r, http, &st);
	/* Without the gazetteer, partners are shown by their codes. */
	if (dim == HOPTAC__V1__DIMENSION__DIMENSION_PARTNER)
		web_call(r, u, METHOD_PARTNERS_LIST, &preq.base,
		    (ProtobufCMessage **)&partners, &st);
	rc = page_answer(r, W_("Summary figures"), u, summary_view_html,
	    &(struct summary_view) {r, group, s, partners});
	if (partners != NULL)
		hoptac__v1__list_partners_response__free_unpacked(
		    partners, NULL);
	hoptac__v1__summary_response__free_unpacked(s, NULL);
	return rc;
}
