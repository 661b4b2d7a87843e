/* hoptac summary, hoptac consolidate: the department's figures and its
 * consolidated report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_i18n.h"
#include "cmd_annex.h"
#include "date.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "render.h"
#include "validate.h"
#include "safefile.h"

/* The dimension names of --by, in the order of the Dimension enum. */
static const char *const cmd_dims[] = {
    "", "unit", "partner", "kind", "field", "year", "quarter", "month"};

/* Parses "unit,partner,year" into dims; -1 on an unknown name. */
static int
cmd_summary_dims(char *list, Hoptac__V1__Dimension *dims, size_t *n, size_t max)
{
	char *save = NULL;

	for (char *w = strtok_r(list, ",", &save); w != NULL;
	     w = strtok_r(NULL, ",", &save)) {
		size_t d;

		for (d = 1; d < sizeof(cmd_dims) / sizeof(cmd_dims[0]); d++)
			if (strcmp(w, cmd_dims[d]) == 0)
				break;
		if (d == sizeof(cmd_dims) / sizeof(cmd_dims[0]) || *n == max)
			return -1;
		dims[(*n)++] = (Hoptac__V1__Dimension)d;
	}
	return 0;
}

/* What summary takes: the request, its dimensions, and the format. */
struct cmd_summary {
	Hoptac__V1__SummaryRequest req;
	Hoptac__V1__Dimension dims[8];
	int fmt;
	enum render_lang lang;
};

static int
cmd_summary_option(void *ctx, int ch, char *arg)
{
	struct cmd_summary *o = ctx;

	switch (ch) {
	case 'b':
		if (cmd_summary_dims(arg, o->dims, &o->req.n_group_by, 4) != 0)
			return cli_fail(CLI_USAGE,
			    _("--by takes up to 4 of unit, partner, kind, "
			      "field, year, quarter, month, comma-separated"));
		break;
	case 'c':
		o->fmt = RENDER_CSV;
		break;
	case 'F':
		o->fmt = render_format_parse(arg);
		if (o->fmt < 0 || o->fmt == RENDER_HTML)
			return cli_fail(CLI_USAGE,
			    _("--format takes table, csv, md or json"));
		break;
	case 'k':
		if ((o->req.kind = validate_activity_kind(arg)) == 0)
			return cli_bad_kind(arg);
		break;
	case 'l':
		if (strcmp(arg, "vi") == 0)
			o->lang = RENDER_LANG_VI;
		else if (strcmp(arg, "en") == 0)
			o->lang = RENDER_LANG_EN;
		else
			return cli_fail(CLI_USAGE, _("--lang takes vi or en"));
		break;
	}
	return CLI_OK;
}

int
cmd_summary(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING("request", struct cmd_summary, req.request_reference),
	    CLI_STRING("from", struct cmd_summary, req.from_date),
	    CLI_STRING("to", struct cmd_summary, req.to_date),
	    CLI_STRING("unit", struct cmd_summary, req.unit_code),
	    CLI_STRING("partner", struct cmd_summary, req.partner),
	    CLI_VALUE("kind", 'k'),
	    CLI_VALUE("by", 'b'),
	    CLI_FLAG("rollup", struct cmd_summary, req.rollup),
	    CLI_SWITCH("csv", 'c'),
	    CLI_VALUE("format", 'F'),
	    CLI_VALUE("lang", 'l'),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {
	    opts, cmd_summary_option, 0, 0, 0, 0};
	struct cmd_summary o = {HOPTAC__V1__SUMMARY_REQUEST__INIT, {0},
	    RENDER_TABLE, RENDER_LANG_DEFAULT};
	Hoptac__V1__SummaryResponse *resp;
	int idims[8];
	int rc;

	if ((rc = cli_parse(cli, &args, &o, argc, argv, NULL)) != CLI_OK)
		return rc;
	if (cli->json)
		o.fmt = RENDER_JSON;
	/* A table is for people: in their language. CSV stays English
	 * unless --lang says otherwise, for the scripts that read it. */
	if (o.lang == RENDER_LANG_DEFAULT && o.fmt == RENDER_TABLE &&
	    cli_i18n_translated())
		o.lang = RENDER_LANG_VI;
	o.req.group_by = o.dims;
	rc = cli_call(cli, METHOD_AGGREGATES_SUMMARY, &o.req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	for (size_t i = 0; i < o.req.n_group_by; i++)
		idims[i] = (int)o.dims[i];
	if (render_summary_in(stdout, resp, idims, o.req.n_group_by,
	        (enum render_format)o.fmt, o.lang) != 0)
		rc = cli_fail(CLI_ERROR, _("could not print the summary"));
	hoptac__v1__summary_response__free_unpacked(resp, NULL);
	return rc;
}

/* What consolidate takes: the request, the format and the file, and
 * what the department fills in (render.h, struct render_layout). */
struct cmd_consolidate {
	Hoptac__V1__ConsolidateRequest req;
	int fmt;
	char *output;
	char *number, *date, *place, *superior, *signer;
	char **titles; /* CLI_LIST's, freed here */
	size_t n_titles;
	char **recipients; /* CLI_LIST's, freed here */
	size_t n_recipients;
	protobuf_c_boolean annex;
};

static int
cmd_consolidate_format(void *ctx, int ch, char *arg)
{
	struct cmd_consolidate *o = ctx;

	(void)ch;
	o->fmt = render_format_parse(arg);
	if (o->fmt < 0 || o->fmt == RENDER_TABLE)
		return cli_fail(
		    CLI_USAGE, _("--format takes md, html, docx, csv or json"));
	return CLI_OK;
}

/* How often the pages are read again from the first when the answers
 * change while they are read (ABORTED). */
#define CMD_CONSOLIDATE_TRIES 3

/* Appends the n elements of from to (n_to, to), leaving from empty. */
static int
cmd_consolidate_move(size_t *n_to, void ***to, size_t *n_from, void ***from)
{
	void **grown;

	if (*n_from == 0)
		return 0;
	grown = realloc(*to, (*n_to + *n_from) * sizeof(*grown));
	if (grown == NULL)
		return -1;
	memcpy(grown + *n_to, *from, *n_from * sizeof(*grown));
	*to = grown;
	*n_to += *n_from;
	*n_from = 0;
	return 0;
}

/* The pages of the consolidated report of req after first, their texts
 * moved into first. st says how the call that ended it went. */
static int
cmd_consolidate_rest(struct cli *cli, Hoptac__V1__ConsolidateRequest *req,
    Hoptac__V1__ConsolidateResponse *first, struct rpc_client_status *st)
{
	Hoptac__V1__ConsolidateResponse *page;
	char token[128];
	int rc = CLI_OK;

	snprintf(token, sizeof(token), "%s", first->next_page_token);
	while (token[0] != '\0') {
		req->page_token = token;
		rc = cli_invoke(cli, METHOD_AGGREGATES_CONSOLIDATE, &req->base,
		    (ProtobufCMessage **)&page, NULL, st);
		if (rc != CLI_OK || st->code != STATUS_OK)
			break;
		if (cmd_consolidate_move(&first->n_narratives,
		        (void ***)&first->narratives, &page->n_narratives,
		        (void ***)&page->narratives) != 0 ||
		    cmd_consolidate_move(&first->n_reports,
		        (void ***)&first->reports, &page->n_reports,
		        (void ***)&page->reports) != 0)
			rc = cli_fail(CLI_ERROR, _("out of memory"));
		else if (strlen(page->next_page_token) >= sizeof(token) ||
		    strcmp(page->next_page_token, token) == 0)
			rc = cli_fail(CLI_ERROR,
			    _("the server gave a page token that leads "
			      "nowhere"));
		else
			snprintf(
			    token, sizeof(token), "%s", page->next_page_token);
		hoptac__v1__consolidate_response__free_unpacked(page, NULL);
		if (rc != CLI_OK)
			break;
	}
	req->page_token = (char *)"";
	/* The gathered reply is the whole document: no page follows it. */
	if (rc == CLI_OK && pbstr_set(&first->next_page_token, NULL) != 0)
		rc = cli_fail(CLI_ERROR, _("out of memory"));
	return rc;
}

/* A revision received while the pages are read makes the server refuse
 * the next one (ABORTED): they are then read again from the first, so
 * that the document shows one state. */
int
cmd_consolidate_fetch(struct cli *cli, Hoptac__V1__ConsolidateRequest *req,
    Hoptac__V1__ConsolidateResponse **out)
{
	struct rpc_client_status st;
	int rc = CLI_OK;

	for (int tries = 0; tries < CMD_CONSOLIDATE_TRIES; tries++) {
		rc = cli_invoke(cli, METHOD_AGGREGATES_CONSOLIDATE, &req->base,
		    (ProtobufCMessage **)out, NULL, &st);
		if (rc == CLI_OK && st.code == STATUS_OK)
			rc = cmd_consolidate_rest(cli, req, *out, &st);
		if (rc == CLI_OK && st.code == STATUS_OK)
			return CLI_OK;
		if (*out != NULL)
			hoptac__v1__consolidate_response__free_unpacked(
			    *out, NULL);
		*out = NULL;
		if (rc != CLI_OK || st.code != STATUS_ABORTED)
			break;
	}
	if (rc != CLI_OK)
		return rc;
	cli_print_status(cli, &st);
	return cli_exit_for(st.code);
}

int
cmd_consolidate(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING(
	        "request", struct cmd_consolidate, req.request_reference),
	    CLI_VALUE("format", 'F'),
	    CLI_STRING("output", struct cmd_consolidate, output),
	    CLI_STRING("number", struct cmd_consolidate, number),
	    CLI_STRING("date", struct cmd_consolidate, date),
	    CLI_STRING("place", struct cmd_consolidate, place),
	    CLI_STRING("superior", struct cmd_consolidate, superior),
	    CLI_STRING("signer", struct cmd_consolidate, signer),
	    CLI_LIST("title", struct cmd_consolidate, titles),
	    CLI_LIST("recipient", struct cmd_consolidate, recipients),
	    CLI_FLAG("annex", struct cmd_consolidate, annex),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {
	    opts, cmd_consolidate_format, 0, 0, 0, 0};
	struct cmd_consolidate o = {
	    .req = HOPTAC__V1__CONSOLIDATE_REQUEST__INIT,
	    .fmt = RENDER_MARKDOWN};
	Hoptac__V1__ConsolidateResponse *resp = NULL;
	struct cmd_annex annex = {0};
	struct render_layout layout;
	struct date_partial day;
	struct safefile sf;
	FILE *out = stdout;
	char err[1200];
	int rc;

	if ((rc = cli_parse(cli, &args, &o, argc, argv, NULL)) != CLI_OK)
		goto out;
	if (o.req.request_reference[0] == '\0') {
		rc = cli_usage_error(cli);
		goto out;
	}
	if (o.date != NULL && (date_parse(o.date, &day) != 0 || day.day == 0)) {
		rc = cli_fail(CLI_USAGE,
		    _("--date takes the day of signing, such as 2024-05-20"));
		goto out;
	}
	if (cli->json)
		o.fmt = RENDER_JSON;
	if (o.fmt == RENDER_DOCX && o.output == NULL) {
		rc =
		    cli_fail(CLI_USAGE, _("--format docx needs --output FILE"));
		goto out;
	}
	rc = cmd_consolidate_fetch(cli, &o.req, &resp);
	if (rc == CLI_OK && o.annex && o.fmt != RENDER_JSON)
		rc = cmd_annex_fetch(cli, resp, &annex);
	if (rc != CLI_OK)
		goto out;
	layout = (struct render_layout) {.number = o.number,
	    .date = o.date,
	    .place = o.place,
	    .superior = o.superior,
	    .titles = (const char *const *)o.titles,
	    .n_titles = o.n_titles,
	    .signer = o.signer,
	    .recipients = (const char *const *)o.recipients,
	    .n_recipients = o.n_recipients,
	    .annex = o.annex,
	    .activities = annex.activities,
	    .n_activities = annex.n};
	if (o.output != NULL) {
		if (safefile_open(&sf, o.output, err, sizeof(err)) != 0) {
			rc = cli_fail(CLI_ERROR, "%s", err);
			goto out;
		}
		out = sf.f;
	}
	if (render_consolidated_laid_out(
	        out, resp, (enum render_format)o.fmt, &layout) != 0) {
		rc = cli_fail(CLI_ERROR, _("could not write the report"));
		if (o.output != NULL)
			safefile_abort(&sf);
	} else if (o.output != NULL) {
		if (safefile_commit(&sf, err, sizeof(err)) != 0)
			rc = cli_fail(CLI_ERROR,
			    _("could not write the report: %s"), err);
		else
			fprintf(stderr,
			    _("hoptac: consolidated report of %s written to "
			      "%s\n"),
			    o.req.request_reference, o.output);
	}
out:
	if (resp != NULL)
		hoptac__v1__consolidate_response__free_unpacked(resp, NULL);
	cmd_annex_free(&annex);
	pbstr_clear_all(&o.n_titles, &o.titles);
	pbstr_clear_all(&o.n_recipients, &o.recipients);
	return rc;
}
