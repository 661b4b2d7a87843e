/* hoptac summary, hoptac consolidate, hoptac unit rate: the department's
 * figures and its consolidated report. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hoptac/v1/services.pb-c.h"
#include "render.h"

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

int
cmd_summary(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"request", required_argument, NULL, 'q'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'},
	    {"unit", required_argument, NULL, 'u'},
	    {"partner", required_argument, NULL, 'p'},
	    {"by", required_argument, NULL, 'b'},
	    {"rollup", no_argument, NULL, 'r'},
	    {"csv", no_argument, NULL, 'c'},
	    {"format", required_argument, NULL, 'F'},
	    {NULL, 0, NULL, 0},
	};
	Hoptac__V1__SummaryRequest req = HOPTAC__V1__SUMMARY_REQUEST__INIT;
	Hoptac__V1__SummaryResponse *resp;
	Hoptac__V1__Dimension dims[8];
	int idims[8];
	int fmt = RENDER_TABLE, ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'q':
			req.request_reference = optarg;
			break;
		case 'f':
			req.from_date = optarg;
			break;
		case 't':
			req.to_date = optarg;
			break;
		case 'u':
			req.unit_code = optarg;
			break;
		case 'p':
			req.partner = optarg;
			break;
		case 'b':
			if (cmd_summary_dims(
			        optarg, dims, &req.n_group_by, 4) != 0)
				return cli_fail(CLI_USAGE,
				    "--by takes up to 4 of unit, partner, "
				    "kind, "
				    "field, year, quarter, month, "
				    "comma-separated");
			break;
		case 'r':
			req.rollup = 1;
			break;
		case 'c':
			fmt = RENDER_CSV;
			break;
		case 'F':
			fmt = render_format_parse(optarg);
			if (fmt < 0 || fmt == RENDER_HTML)
				return cli_fail(CLI_USAGE,
				    "--format takes table, csv, md or json");
			break;
		default:
			cli_usage("summary", NULL, 1);
			return CLI_USAGE;
		}
	}
	if (optind != argc) {
		cli_usage("summary", NULL, 1);
		return CLI_USAGE;
	}
	if (cli->json)
		fmt = RENDER_JSON;
	req.group_by = dims;
	rc = cli_call(cli, METHOD_AGGREGATES_SUMMARY, &req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	for (size_t i = 0; i < req.n_group_by; i++)
		idims[i] = (int)dims[i];
	if (render_summary(stdout, resp, idims, req.n_group_by,
	        (enum render_format)fmt) != 0)
		rc = cli_fail(CLI_ERROR, "could not print the summary");
	hoptac__v1__summary_response__free_unpacked(resp, NULL);
	return rc;
}

int
cmd_consolidate(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"request", required_argument, NULL, 'q'},
	    {"format", required_argument, NULL, 'F'},
	    {"output", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	Hoptac__V1__ConsolidateRequest req =
	    HOPTAC__V1__CONSOLIDATE_REQUEST__INIT;
	Hoptac__V1__ConsolidateResponse *resp;
	const char *output = NULL;
	FILE *out = stdout;
	int fmt = RENDER_MARKDOWN, ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'q') {
			req.request_reference = optarg;
		} else if (ch == 'F') {
			fmt = render_format_parse(optarg);
			if (fmt < 0 || fmt == RENDER_TABLE)
				return cli_fail(CLI_USAGE,
				    "--format takes md, html, csv or json");
		} else if (ch == 'o') {
			output = optarg;
		} else {
			cli_usage("consolidate", NULL, 1);
			return CLI_USAGE;
		}
	}
	if (optind != argc || req.request_reference[0] == '\0') {
		cli_usage("consolidate", NULL, 1);
		return CLI_USAGE;
	}
	if (cli->json)
		fmt = RENDER_JSON;
	rc = cli_call(cli, METHOD_AGGREGATES_CONSOLIDATE, &req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	if (output != NULL && (out = fopen(output, "w")) == NULL) {
		rc = cli_fail(CLI_ERROR, "%s: %s", output, strerror(errno));
		goto out;
	}
	if (render_consolidated(out, resp, (enum render_format)fmt) != 0 ||
	    (output != NULL && fclose(out) != 0))
		rc = cli_fail(CLI_ERROR, "could not write the report");
	else if (output != NULL)
		fprintf(stderr,
		    "hoptac: consolidated report of %s written to %s\n",
		    req.request_reference, output);
out:
	hoptac__v1__consolidate_response__free_unpacked(resp, NULL);
	return rc;
}

int
cmd_unit_rate(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"year", required_argument, NULL, 'y'},
	    {NULL, 0, NULL, 0},
	};
	Hoptac__V1__ReportingRateRequest req =
	    HOPTAC__V1__REPORTING_RATE_REQUEST__INIT;
	Hoptac__V1__ReportingRateResponse *resp;
	long year;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'y' && (year = cli_number(optarg)) >= 1900 &&
		    year <= 2200) {
			req.year = (int32_t)year;
		} else {
			cli_usage("unit", "rate", 1);
			return CLI_USAGE;
		}
	}
	if (argc - optind != 1) {
		cli_usage("unit", "rate", 1);
		return CLI_USAGE;
	}
	req.unit_code = argv[optind];
	rc = cli_call(cli, METHOD_AGGREGATES_REPORTING_RATE, &req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	if (cli->json)
		rc = cli_print_json(&resp->base);
	else
		printf("%s%s%.0d: asked %d times, answered %d (%d%%), on time "
		       "%d\n",
		    req.unit_code, req.year ? " in " : "", req.year,
		    resp->expected, resp->answered,
		    resp->expected ? 100 * resp->answered / resp->expected : 0,
		    resp->on_time);
	hoptac__v1__reporting_rate_response__free_unpacked(resp, NULL);
	return rc;
}
