/* hoptac unit add|list|import|rate: the reporting units. */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_i18n.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "safefile.h"
#include "status.h"
#include "table.h"
#include "tokenfile.h"
#include "validate.h"

static int
cmd_unit_add_kind(void *ctx, int ch, char *arg)
{
	Hoptac__V1__Unit *u = ctx;

	(void)ch;
	if ((u->kind = validate_unit_kind(arg)) == 0)
		return cli_fail(CLI_USAGE,
		    _("unknown unit kind \"%s\" (provincial_committee, "
		      "department, district_committee, commune_committee, "
		      "other)"),
		    arg);
	return CLI_OK;
}

static int
cmd_unit_added(const ProtobufCMessage *req, const ProtobufCMessage *m)
{
	const Hoptac__V1__CreateUnitResponse *resp = (const void *)m;

	(void)req;
	printf(_("unit %s created\n"), resp->unit->code);
	return CLI_OK;
}

int
cmd_unit_add(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_VALUE("kind", 'k'),
	    CLI_COPY("province", Hoptac__V1__Unit, province),
	    CLI_COPY("parent", Hoptac__V1__Unit, parent_code),
	    CLI_COPY("from", Hoptac__V1__Unit, valid_from),
	    CLI_COPY("to", Hoptac__V1__Unit, valid_to),
	    CLI_LIST("successor", Hoptac__V1__Unit, successor_codes),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {
	    opts, cmd_unit_add_kind, 2, 2, 0, 0};
	static const struct cli_show show = {
	    NULL, METHOD_UNITS_CREATE, NULL, cmd_unit_added};
	Hoptac__V1__CreateUnitRequest req =
	    HOPTAC__V1__CREATE_UNIT_REQUEST__INIT;
	Hoptac__V1__Unit *u = malloc(sizeof(*u)); /* freed with free_unpacked */
	struct violations v;
	char **names;
	int rc;

	if (u == NULL)
		return cli_fail(CLI_ERROR, _("out of memory"));
	hoptac__v1__unit__init(u);
	if ((rc = cli_parse(cli, &args, u, argc, argv, &names)) != CLI_OK)
		goto out;
	if (pbstr_set(&u->code, names[0]) != 0 ||
	    pbstr_set(&u->name, names[1]) != 0) {
		rc = cli_fail(CLI_ERROR, _("out of memory"));
		goto out;
	}
	violations_init(&v);
	if (validate_unit(u, "unit", &v) > 0) {
		rc = cli_invalid(cli, &v, _("the unit is not valid"));
		goto out;
	}
	req.unit = u;
	rc = cli_show(cli, &show, &req.base);
out:
	hoptac__v1__unit__free_unpacked(u, NULL);
	return rc;
}

static int
cmd_unit_amended(const ProtobufCMessage *req, const ProtobufCMessage *m)
{
	const Hoptac__V1__AmendUnitResponse *resp = (const void *)m;
	const Hoptac__V1__Unit *u = resp->unit;

	(void)req;
	printf(_("unit %s amended: %s, from %s to %s\n"), u->code, u->name,
	    u->valid_from[0] != '\0' ? u->valid_from : "-",
	    u->valid_to[0] != '\0' ? u->valid_to : "-");
	return CLI_OK;
}

int
cmd_unit_amend(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_COPY("name", Hoptac__V1__AmendUnitRequest, name),
	    CLI_COPY("parent", Hoptac__V1__AmendUnitRequest, parent_code),
	    CLI_COPY("from", Hoptac__V1__AmendUnitRequest, valid_from),
	    CLI_COPY("to", Hoptac__V1__AmendUnitRequest, valid_to),
	    CLI_LIST(
	        "successor", Hoptac__V1__AmendUnitRequest, successor_codes),
	    CLI_LIST("clear", Hoptac__V1__AmendUnitRequest, clear),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {opts, NULL, 1, 1, 0, 0};
	static const struct cli_show show = {
	    NULL, METHOD_UNITS_AMEND, NULL, cmd_unit_amended};
	/* freed with free_unpacked */
	Hoptac__V1__AmendUnitRequest *req = malloc(sizeof(*req));
	char **names;
	int rc;

	if (req == NULL)
		return cli_fail(CLI_ERROR, _("out of memory"));
	hoptac__v1__amend_unit_request__init(req);
	if ((rc = cli_parse(cli, &args, req, argc, argv, &names)) != CLI_OK)
		goto out;
	if (pbstr_set(&req->code, names[0]) != 0) {
		rc = cli_fail(CLI_ERROR, _("out of memory"));
		goto out;
	}
	rc = cli_show(cli, &show, &req->base);
out:
	hoptac__v1__amend_unit_request__free_unpacked(req, NULL);
	return rc;
}

static void
cmd_unit_row(struct table *t, const void *item)
{
	const Hoptac__V1__Unit *u = item;
	char succ[512];

	cli_join(
	    succ, sizeof(succ), u->successor_codes, u->n_successor_codes, ",");
	table_add_row(t,
	    (const char *const[]) {u->code, u->name,
	        cli_unit_kind_label(u->kind), u->province, u->parent_code,
	        u->valid_from, u->valid_to, succ});
}

int
cmd_unit_list(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING("province", Hoptac__V1__ListUnitsRequest, province),
	    CLI_FLAG("all", Hoptac__V1__ListUnitsRequest, include_ended),
	    CLI_OPTIONS_END,
	};
	static const char *const headers[] = {N_("CODE"), N_("NAME"),
	    N_("KIND"), N_("PROVINCE"), N_("PARENT"), N_("FROM"), N_("TO"),
	    N_("SUCCESSORS")};
	static const struct cli_args args = {opts, NULL, 0, 0, 0, 0};
	static const struct cli_list list = {&args, METHOD_UNITS_LIST, "units",
	    8, headers, NULL, cmd_unit_row, NULL, NULL};
	Hoptac__V1__ListUnitsRequest req = HOPTAC__V1__LIST_UNITS_REQUEST__INIT;

	return cli_list(cli, &list, argc, argv, &req.base);
}

static int
cmd_unit_rate_option(void *ctx, int ch, char *arg)
{
	Hoptac__V1__ReportingRateRequest *req = ctx;
	long year = cli_number(arg);

	(void)ch;
	if (year < 1900 || year > 2200)
		return CLI_BAD_OPTION;
	req->year = (int32_t)year;
	return CLI_OK;
}

static int
cmd_unit_rate_print(const ProtobufCMessage *q, const ProtobufCMessage *m)
{
	const Hoptac__V1__ReportingRateRequest *req = (const void *)q;
	const Hoptac__V1__ReportingRateResponse *resp = (const void *)m;

	printf(_("%s%s%.0d: asked %d times, answered %d (%d%%), on time %d\n"),
	    req->unit_code, req->year ? _(" in ") : "", req->year,
	    resp->expected, resp->answered,
	    resp->expected ? 100 * resp->answered / resp->expected : 0,
	    resp->on_time);
	return CLI_OK;
}

int
cmd_unit_rate(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_VALUE("year", 'y'), CLI_OPTIONS_END};
	static const struct cli_args args = {opts, cmd_unit_rate_option, 1, 1,
	    offsetof(Hoptac__V1__ReportingRateRequest, unit_code), 0};
	static const struct cli_show show = {
	    &args, METHOD_AGGREGATES_REPORTING_RATE, NULL, cmd_unit_rate_print};
	Hoptac__V1__ReportingRateRequest req =
	    HOPTAC__V1__REPORTING_RATE_REQUEST__INIT;

	return cli_run(cli, &show, argc, argv, &req.base);
}

/* One row of a unit registry file, as libcsv hands it over. */
struct unit_import {
	struct cli *cli;
	const char *path;
	char *cells[8]; /* owned copies of the row's cells */
	size_t n;
	size_t line, row_line;
	size_t created, existing, bad;
	int rc;
};

static void
unit_import_cell(void *s, size_t len, void *arg)
{
	struct unit_import *im = arg;
	char *cell;

	if (im->n == 0)
		im->row_line = im->line;
	if (im->n >= 8 || (cell = strndup(s != NULL ? s : "", len)) == NULL) {
		im->n++;
		return;
	}
	im->cells[im->n++] = cell;
}

/* Creates the unit of one row; ALREADY_EXISTS counts as there already,
 * so a registry can be loaded again. */
static void
unit_import_row(int c, void *arg)
{
	static const char *const header[] = {"code", "name", "kind", "province",
	    "parent", "valid_from", "valid_to", "successors"};
	struct unit_import *im = arg;
	Hoptac__V1__CreateUnitRequest req =
	    HOPTAC__V1__CREATE_UNIT_REQUEST__INIT;
	Hoptac__V1__Unit *u = NULL;
	struct rpc_client_options opt = {im->cli->timeout_ms, NULL, 0};
	struct rpc_client_status st;
	ProtobufCMessage *resp = NULL;
	struct violations v;
	char err[256];
	int bad = 0, code;

	(void)c;
	if (im->n == 0 || im->rc != CLI_OK)
		goto out;
	if (im->n != 8 || im->cells[0] == NULL) {
		fprintf(stderr,
		    _("%s:%zu: expected 8 cells (%s, ...), got %zu\n"),
		    im->path, im->row_line, header[0], im->n);
		im->bad++;
		goto out;
	}
	if (strcmp(im->cells[0], header[0]) == 0)
		goto out;
	if ((u = malloc(sizeof(*u))) == NULL) {
		im->rc = CLI_ERROR;
		goto out;
	}
	hoptac__v1__unit__init(u);
	bad |= pbstr_set(&u->code, im->cells[0]);
	bad |= pbstr_set(&u->name, im->cells[1]);
	u->kind = validate_unit_kind(im->cells[2]);
	bad |= pbstr_set(&u->province, im->cells[3]);
	bad |= pbstr_set(&u->parent_code, im->cells[4]);
	bad |= pbstr_set(&u->valid_from, im->cells[5]);
	bad |= pbstr_set(&u->valid_to, im->cells[6]);
	for (char *save = NULL, *w = strtok_r(im->cells[7], ";", &save);
	     w != NULL; w = strtok_r(NULL, ";", &save))
		bad |=
		    pbstr_append(&u->n_successor_codes, &u->successor_codes, w);
	violations_init(&v);
	if (bad || validate_unit(u, NULL, &v) > 0) {
		for (size_t i = 0; i < v.count; i++)
			fprintf(stderr, "%s:%zu: %s: %s\n", im->path,
			    im->row_line, v.items[i].field,
			    v.items[i].description);
		im->bad++;
		goto out;
	}
	if (im->cli->client == NULL &&
	    (im->cli->client = cli_connect(im->cli, im->cli->server,
	         TOKENFILE_ENV, &code, err, sizeof(err))) == NULL) {
		im->rc = cli_fail(code, "%s", err);
		goto out;
	}
	req.unit = u;
	rpc_client_invoke(
	    im->cli->client, METHOD_UNITS_CREATE, &req.base, &resp, &opt, &st);
	if (st.code == STATUS_OK) {
		im->created++;
	} else if (st.code == STATUS_ALREADY_EXISTS) {
		im->existing++;
	} else if (st.code == STATUS_INVALID_ARGUMENT) {
		fprintf(
		    stderr, "%s:%zu: %s\n", im->path, im->row_line, st.message);
		im->bad++;
	} else {
		cli_print_status(im->cli, &st);
		im->rc = cli_exit_for(st.code);
	}
out:
	if (resp != NULL)
		protobuf_c_message_free_unpacked(resp, NULL);
	if (u != NULL)
		hoptac__v1__unit__free_unpacked(u, NULL);
	for (size_t i = 0; i < im->n && i < 8; i++)
		free(im->cells[i]);
	im->n = 0;
}

int
cmd_unit_import(struct cli *cli, int argc, char **argv)
{
	struct unit_import im;
	struct csv_parser p;
	char buf[4096], err[512], **file;
	size_t n;
	FILE *f;
	int rc;

	if ((rc = cli_parse(cli, &cli_one_arg, NULL, argc, argv, &file)) !=
	    CLI_OK)
		return rc;
	memset(&im, 0, sizeof(im));
	im.cli = cli;
	im.path = file[0];
	im.line = 1;
	if ((f = safefile_read(im.path, "r", err, sizeof(err))) == NULL)
		return cli_fail(CLI_INVALID, "%s", err);
	if (csv_init(&p, CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0) {
		fclose(f);
		return cli_fail(CLI_ERROR, _("out of memory"));
	}
	/* Whole lines at a time, so that line numbers stay right for the
	 * rows that lie on one line, which a registry's do. */
	while (fgets(buf, sizeof(buf), f) != NULL && im.rc == CLI_OK) {
		n = strlen(buf);
		/* "#" at the start of a line is a comment (never inside a
		 * quoted cell: registry cells hold no line breaks). */
		if (buf[0] == '#') {
			im.line += n > 0 && buf[n - 1] == '\n';
			continue;
		}
		if (csv_parse(&p, buf, n, unit_import_cell, unit_import_row,
		        &im) != n) {
			fprintf(stderr, "%s:%zu: %s\n", im.path, im.line,
			    csv_strerror(csv_error(&p)));
			im.rc = CLI_INVALID;
		}
		if (n > 0 && buf[n - 1] == '\n')
			im.line++;
	}
	csv_fini(&p, unit_import_cell, unit_import_row, &im);
	csv_free(&p);
	fclose(f);
	if (im.rc == CLI_OK && im.bad > 0)
		im.rc = CLI_INVALID;
	if (cli->json)
		printf(
		    "{\"created\":%zu,\"already_there\":%zu,\"errors\":%zu}\n",
		    im.created, im.existing, im.bad);
	else
		printf(
		    _("%s: %zu units created, %zu already there, %zu errors\n"),
		    im.path, im.created, im.existing, im.bad);
	return im.rc;
}
