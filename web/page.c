/* The frame of every page, refusals and escaping: see page.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "page.h"
#include "web_i18n.h"
#include "validate.h"

#include "hoptac/v1/services.pb-c.h"

int
page_begin(struct web_page *p, const char *title, const struct web_user *u)
{
	p->buf = NULL;
	p->len = 0;
	if ((p->f = open_memstream(&p->buf, &p->len)) == NULL)
		return -1;
	fprintf(p->f,
	    "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\">"
	    "<link rel=\"stylesheet\" href=\"/static/hoptac.css\"><title>",
	    web_i18n_lang());
	page_text(p->f, title);
	fprintf(p->f,
	    " – %s</title></head><body>\n<header><nav><strong>%s</strong>",
	    W_("Cooperation"), W_("Cooperation with the provinces of Laos"));
	if (u != NULL) {
		fprintf(p->f,
		    " <a href=\"/\">%s</a> <a href=\"/hoat-dong\">%s</a>"
		    " <a href=\"/tong-hop\">%s</a> <span class=\"who\">",
		    W_("Home"), W_("Activities"), W_("Summary figures"));
		page_text(p->f, u->name);
		fputs("</span> <form method=\"post\" action=\"/dang-xuat\" "
		      "class=\"inline\">",
		    p->f);
		page_csrf(p->f, u);
		fprintf(p->f, "<button type=\"submit\">%s</button></form>",
		    W_("Sign out"));
	}
	fputs("</nav></header>\n<main>\n<h1>", p->f);
	page_text(p->f, title);
	fputs("</h1>\n", p->f);
	return ferror(p->f) ? -1 : 0;
}

int
page_end(struct web_page *p)
{
	int bad;

	fputs("</main>\n</body></html>\n", p->f);
	bad = ferror(p->f);
	if (fclose(p->f) != 0 || bad) {
		free(p->buf);
		p->buf = NULL;
		p->f = NULL;
		return -1;
	}
	p->f = NULL;
	return 0;
}

int
page_answer(struct web_req *r, const char *title, const struct web_user *u,
    void (*body)(FILE *f, const void *arg), const void *arg)
{
	struct web_page p;

	if (page_begin(&p, title, u) != 0) {
		page_drop(&p);
		return web_refuse(r, 500, W_("Out of memory."));
	}
	body(p.f, arg);
	if (page_end(&p) != 0)
		return web_refuse(r, 500, W_("Out of memory."));
	return web_answer_page(r, 200, &p, NULL);
}

void
page_drop(struct web_page *p)
{
	if (p->f != NULL)
		fclose(p->f);
	free(p->buf);
	p->f = NULL;
	p->buf = NULL;
}

void
page_text(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

void
page_url(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-_.~", c) != NULL)
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

void
page_csrf(FILE *f, const struct web_user *u)
{
	fprintf(
	    f, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", u->csrf);
}

const char *
page_date(char *buf, size_t len, const char *iso)
{
	int y, m, d;
	char rest;

	if (iso != NULL && sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &rest) == 3)
		snprintf(buf, len, "%d/%d/%d", d, m, y);
	else
		snprintf(buf, len, "%s", iso != NULL ? iso : "");
	return buf;
}

int
web_answer_page(struct web_req *r, int status, struct web_page *p,
    const char *const *headers)
{
	char *buf = p->buf;

	p->buf = NULL;
	return web_answer(
	    r, status, "text/html; charset=utf-8", buf, p->len, headers);
}

/* What a refusal's page is titled. */
static const char *
page_refusal_title(int status)
{
	switch (status) {
	case 400:
		return W_("Bad request");
	case 401:
		return W_("Not signed in");
	case 403:
		return W_("Forbidden");
	case 404:
		return W_("Not found");
	case 405:
		return W_("Method not allowed");
	case 409:
		return W_("Cannot be done");
	case 413:
		return W_("Content too large");
	case 429:
		return W_("Too many attempts");
	case 503:
		return W_("Server temporarily unavailable");
	default:
		return W_("Server error");
	}
}

int
web_refuse(struct web_req *r, int status, const char *why)
{
	static const char *const retry[] = {"Retry-After", "30", NULL};
	static const char *const allow[] = {"Allow", "GET, POST", NULL};
	struct web_page p;

	if (page_begin(&p, page_refusal_title(status), NULL) != 0) {
		page_drop(&p);
		return 0; /* MHD_NO: the connection is closed */
	}
	fputs("<p class=\"refusal\">", p.f);
	page_text(p.f, why);
	fprintf(p.f, "</p>\n<p><a href=\"/\">%s</a></p>\n",
	    W_("Back to the home page"));
	if (page_end(&p) != 0)
		return 0;
	return web_answer_page(r, status, &p,
	    status == 503 || status == 429 ? retry
	        : status == 405            ? allow
	                                   : NULL);
}

int
web_redirect(
    struct web_req *r, const char *location, const char *const *headers)
{
	const char *h[8];
	size_t n = 0;
	char *empty = strdup("");

	if (empty == NULL)
		return 0;
	h[n++] = "Location";
	h[n++] = location;
	for (size_t i = 0; headers != NULL && headers[i] != NULL && n < 6;
	     i += 2) {
		h[n++] = headers[i];
		h[n++] = headers[i + 1];
	}
	h[n] = NULL;
	return web_answer(r, 303, "text/plain; charset=utf-8", empty, 0, h);
}

void
page_heads(FILE *f, const char *const heads[])
{
	for (size_t i = 0; heads[i] != NULL; i++) {
		fputs("<th>", f);
		page_text(f, W_(heads[i]));
		fputs("</th>", f);
	}
}

void
page_table_open(
    FILE *f, const char *attrs, const char *caption, const char *const heads[])
{
	fprintf(f, "<table%s>", attrs);
	if (caption != NULL)
		fprintf(f, "<caption>%s</caption>", caption);
	fputs("<thead><tr>", f);
	page_heads(f, heads);
	fputs("</tr></thead><tbody>\n", f);
}

const char *
page_timeliness(int t)
{
	switch (t) {
	case HOPTAC__V1__TIMELINESS__TIMELINESS_ON_TIME:
		return W_("On time");
	case HOPTAC__V1__TIMELINESS__TIMELINESS_DELIVERED_LATE:
		return W_("Sent on time, arrived late");
	case HOPTAC__V1__TIMELINESS__TIMELINESS_LATE:
		return W_("Late");
	case HOPTAC__V1__TIMELINESS__TIMELINESS_MISSING:
		return W_("Not reported");
	default:
		return "";
	}
}

const char *
page_status(int s)
{
	switch (s) {
	case HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_SUBMITTED:
		return W_("Awaiting review");
	case HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_RETURNED:
		return W_("Returned");
	case HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_ACCEPTED:
		return W_("Accepted");
	default:
		return "";
	}
}

const char *
page_kind(int kind)
{
	switch (kind) {
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT:
		return W_("Delegation abroad");
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN:
		return W_("Incoming delegation");
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE:
		return W_("Conference, workshop");
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_AGREEMENT:
		return W_("Signing of an agreement");
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_BORDER_WORK:
		return W_("Border work");
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_INFORMATION:
		return W_("Information, publicity");
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_PROJECT_AID:
		return W_("Project, aid");
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_TRAINING:
		return W_("Training");
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER:
		return W_("Other");
	default:
		return "";
	}
}

void
page_today(char buf[16])
{
	/* Due dates are days in Vietnam (UTC+7). */
	time_t now = time(NULL) + 7L * 3600;
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, 16, "%Y-%m-%d", &tm);
}

void
page_kind_select(FILE *f, const char *name, int kind)
{
	fprintf(f,
	    "<label>%s <select name=\"%s\"><option value=\"\">%s</option>",
	    W_("Kind"), name, W_("All"));
	for (int k = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT;
	     k <= HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER; k++)
		fprintf(f, "<option value=\"%s\"%s>%s</option>",
		    validate_activity_kind_name(k),
		    k == kind ? " selected" : "", page_kind(k));
	fputs("</select></label>", f);
}
