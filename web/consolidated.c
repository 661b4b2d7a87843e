/*
 * The consolidated report (báo cáo tổng hợp) of one request: viewed as
 * the client renders it in html (a whole document, printable on A4), or
 * downloaded in any format the client renders. The pages are gathered
 * and the document laid out by the client library's own code.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "page.h"
#include "pages.h"
#include "render.h"

#include "hoptac/v1/services.pb-c.h"
#include "web_i18n.h"

static const struct {
	const char *name; /* ?tai= */
	enum render_format fmt;
	const char *type;
	const char *ext;
} consolidated_formats[] = {
    {"html", RENDER_HTML, "text/html; charset=utf-8", "html"},
    {"md", RENDER_MARKDOWN, "text/markdown; charset=utf-8", "md"},
    {"csv", RENDER_CSV, "text/csv; charset=utf-8", "csv"},
    {"json", RENDER_JSON, "application/json", "json"},
    {"docx", RENDER_DOCX,
        "application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx"},
};

/* The HTTP status that tells a client exit code. */
static int
consolidated_http(int exit_code)
{
	switch (exit_code) {
	case CLI_INVALID:
		return 400;
	case CLI_DENIED:
		return 403;
	case CLI_REFUSED:
		return 404;
	case CLI_UNREACHABLE:
		return 503;
	default:
		return 502;
	}
}

/* A file name for ref's report: its letters and digits, the rest '-'. */
static void
consolidated_filename(char *out, size_t len, const char *ref, const char *ext)
{
	size_t n = (size_t)snprintf(out, len, "bao-cao-tong-hop-");

	for (; *ref != '\0' && n + 1 < len; ref++, n++) {
		unsigned char c = (unsigned char)*ref;

		out[n] =
		    (c < 0x80 &&
		        (c == '-' || (c >= '0' && c <= '9') ||
		            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
		    ? (char)c
		    : '-';
	}
	out[n] = '\0';
	snprintf(out + n, len - n, ".%s", ext);
}

int
consolidated_page(struct web_req *r, struct web_user *u)
{
	/* The renderer's document styles itself inline and runs no script. */
	static const char csp[] = "default-src 'none'; style-src "
	                          "'unsafe-inline'; img-src data:; "
	                          "frame-ancestors 'none'";
	Hoptac__V1__ConsolidateRequest req =
	    HOPTAC__V1__CONSOLIDATE_REQUEST__INIT;
	Hoptac__V1__ConsolidateResponse *resp = NULL;
	const char *ref = web_arg(r, "so"), *tai = web_arg(r, "tai");
	struct cli cli;
	size_t i = 0, len = 0;
	char *buf = NULL; /* the document; handed to the response */
	char disposition[400];
	const char *headers[] = {"Content-Security-Policy", csp,
	    "Content-Disposition", disposition, NULL};
	FILE *f;
	int rc;

	if (ref == NULL || ref[0] == '\0')
		return web_refuse(
		    r, 400, W_("The request's reference is missing."));
	if (tai != NULL) {
		while (i < sizeof(consolidated_formats) /
		            sizeof(*consolidated_formats) &&
		    strcmp(consolidated_formats[i].name, tai) != 0)
			i++;
		if (i ==
		    sizeof(consolidated_formats) /
		        sizeof(*consolidated_formats))
			return web_refuse(r, 400,
			    W_("There is no such download format: choose html, "
			       "md, csv, json or docx."));
	}
	memset(&cli, 0, sizeof(cli));
	cli.server = r->cfg->server;
	cli.timeout_ms = r->cfg->rpc_timeout_ms;
	cli.ca_file = r->cfg->ca_file;
	if ((cli.client = web_client(r, u)) == NULL)
		return web_refuse(
		    r, 503, W_("The data server cannot be reached."));
	req.request_reference = (char *)ref;
	rc = cmd_consolidate_fetch(&cli, &req, &resp);
	r->client_bad |= rc != CLI_OK;
	if (rc != CLI_OK)
		return web_refuse(r, consolidated_http(rc),
		    W_("The consolidated report of this request cannot be "
		       "made."));
	rc = -1;
	if ((f = open_memstream(&buf, &len)) != NULL) {
		rc = render_consolidated(f, resp, consolidated_formats[i].fmt);
		if (fclose(f) != 0)
			rc = -1;
	}
	hoptac__v1__consolidate_response__free_unpacked(resp, NULL);
	if (rc != 0) {
		free(buf);
		return web_refuse(
		    r, 500, W_("The consolidated report cannot be written."));
	}
	if (tai != NULL) {
		char name[200];

		consolidated_filename(
		    name, sizeof(name), ref, consolidated_formats[i].ext);
		snprintf(disposition, sizeof(disposition),
		    "attachment; filename=\"%s\"", name);
	} else {
		headers[2] = NULL;
	}
	return web_answer(
	    r, 200, consolidated_formats[i].type, buf, len, headers);
}
