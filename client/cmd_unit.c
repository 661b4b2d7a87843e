/* hoptac unit add|list: the reporting units. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "table.h"
#include "validate.h"

/* Prints violations found before sending, in the server's format. */
static int
cmd_unit_invalid(const struct violations *v)
{
	for (size_t i = 0; i < v->count; i++)
		fprintf(stderr, "  %s: %s\n", v->items[i].field,
		    v->items[i].description);
	return cli_fail(CLI_INVALID, "INVALID_ARGUMENT: the unit is not valid");
}

int
cmd_unit_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"kind", required_argument, NULL, 'k'},
	    {"province", required_argument, NULL, 'p'},
	    {"parent", required_argument, NULL, 'P'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'},
	    {"successor", required_argument, NULL, 's'},
	    {NULL, 0, NULL, 0},
	};
	Hoptac__V1__CreateUnitRequest req =
	    HOPTAC__V1__CREATE_UNIT_REQUEST__INIT;
	Hoptac__V1__CreateUnitResponse *resp = NULL;
	Hoptac__V1__Unit *u = malloc(sizeof(*u)); /* freed with free_unpacked */
	struct violations v;
	int ch, rc = CLI_USAGE, bad = 0;

	if (u == NULL)
		return cli_fail(CLI_ERROR, "out of memory");
	hoptac__v1__unit__init(u);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			u->kind = validate_unit_kind(optarg);
			if (u->kind == 0) {
				cli_fail(CLI_USAGE,
				    "unknown unit kind \"%s\" "
				    "(provincial_committee, "
				    "department, district_committee, "
				    "commune_committee, other)",
				    optarg);
				goto out;
			}
			break;
		case 'p':
			bad |= pbstr_set(&u->province, optarg);
			break;
		case 'P':
			bad |= pbstr_set(&u->parent_code, optarg);
			break;
		case 'f':
			bad |= pbstr_set(&u->valid_from, optarg);
			break;
		case 't':
			bad |= pbstr_set(&u->valid_to, optarg);
			break;
		case 's':
			bad |= pbstr_append(
			    &u->n_successor_codes, &u->successor_codes, optarg);
			break;
		default:
			cli_usage("unit", "add", 1);
			goto out;
		}
	}
	if (argc - optind != 2) {
		cli_usage("unit", "add", 1);
		goto out;
	}
	bad |= pbstr_set(&u->code, argv[optind]);
	bad |= pbstr_set(&u->name, argv[optind + 1]);
	if (bad) {
		rc = cli_fail(CLI_ERROR, "out of memory");
		goto out;
	}
	violations_init(&v);
	if (validate_unit(u, "unit", &v) > 0) {
		rc = cmd_unit_invalid(&v);
		goto out;
	}
	req.unit = u;
	rc = cli_call(cli, "/hoptac.v1.Units/Create", &req.base,
	    &hoptac__v1__create_unit_response__descriptor,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc == CLI_OK) {
		if (cli->json)
			rc = cli_print_json(&resp->base);
		else
			printf("unit %s created\n", resp->unit->code);
	}
out:
	if (resp != NULL)
		hoptac__v1__create_unit_response__free_unpacked(resp, NULL);
	hoptac__v1__unit__free_unpacked(u, NULL);
	return rc;
}

int
cmd_unit_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"province", required_argument, NULL, 'p'},
	    {"all", no_argument, NULL, 'a'},
	    {NULL, 0, NULL, 0},
	};
	static const char *const headers[] = {"CODE", "NAME", "KIND",
	    "PROVINCE", "PARENT", "FROM", "TO", "SUCCESSORS"};
	Hoptac__V1__ListUnitsRequest req = HOPTAC__V1__LIST_UNITS_REQUEST__INIT;
	Hoptac__V1__ListUnitsResponse *resp;
	struct table *t;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'p') {
			req.province = optarg;
		} else if (ch == 'a') {
			req.include_ended = 1;
		} else {
			cli_usage("unit", "list", 1);
			return CLI_USAGE;
		}
	}
	if (optind != argc) {
		cli_usage("unit", "list", 1);
		return CLI_USAGE;
	}
	rc = cli_call(cli, "/hoptac.v1.Units/List", &req.base,
	    &hoptac__v1__list_units_response__descriptor,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	if (cli->json) {
		rc = cli_print_json(&resp->base);
		goto out;
	}
	if ((t = table_create(8, headers)) == NULL) {
		rc = cli_fail(CLI_ERROR, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < resp->n_units; i++) {
		const Hoptac__V1__Unit *u = resp->units[i];
		char succ[512];

		cli_join(succ, sizeof(succ), u->successor_codes,
		    u->n_successor_codes, ",");
		table_add_row(t,
		    (const char *const[]) {u->code, u->name,
		        validate_unit_kind_name(u->kind), u->province,
		        u->parent_code, u->valid_from, u->valid_to, succ});
	}
	table_print(t, stdout);
	table_destroy(t);
out:
	hoptac__v1__list_units_response__free_unpacked(resp, NULL);
	return rc;
}
