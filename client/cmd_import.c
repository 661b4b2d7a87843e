/*
 * hoptac import FILE.csv: activities from a spreadsheet export. Every bad
 * row is reported with its line and field; the good rows are stored, in
 * batches. Ids come from the file, so running it again stores nothing
 * twice.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity_csv.h"
#include "cli.h"
#include "hoptac/v1/services.pb-c.h"
#include "validate.h"

#define IMPORT_BATCH_DEFAULT 500
#define IMPORT_BATCH_MAX     1000

struct import {
	struct cli *cli;
	const char *path;
	size_t batch_max;
	Hoptac__V1__Activity **batch; /* owned, batch_max slots */
	size_t *lines;                /* line of each batch entry */
	size_t n;
	size_t rows, bad, stored, existing, differ;
	int rc; /* worst exit code so far */
};

static void
import_bad(struct import *im, size_t line, const char *field, const char *msg)
{
	im->bad++;
	fprintf(stderr, "%s:%zu: %s%s%s\n", im->path, line, field,
	    field[0] ? ": " : "", msg);
	if (im->rc == CLI_OK)
		im->rc = CLI_INVALID;
}

static int
import_on_error(void *arg, size_t line, const char *field, const char *message)
{
	import_bad(arg, line, field, message);
	return 0;
}

/* Sends the batch. A row the server refuses is reported at its line:
 * field paths "activities[i].x" are mapped back to the file. */
static int
import_flush(struct import *im)
{
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__SubmitActivitiesResponse *resp = NULL;
	struct client_options opt = {im->cli->timeout_ms, NULL, 0};
	struct client_status st;
	char err[256];
	int rc;

	if (im->n == 0)
		return 0;
	if (im->cli->client == NULL &&
	    (im->cli->client = client_open(im->cli->server,
	         getenv("HOPTAC_TOKEN"), err, sizeof(err))) == NULL)
		return cli_fail(CLI_ERROR, "%s", err);
	req.activities = im->batch;
	req.n_activities = im->n;
	rc = client_call(im->cli->client, "/hoptac.v1.Activities/Submit",
	    &req.base, &hoptac__v1__submit_activities_response__descriptor,
	    (ProtobufCMessage **)&resp, &opt, &st);
	if (rc == STATUS_OK) {
		for (size_t i = 0; i < resp->n_results; i++) {
			const Hoptac__V1__SubmitResult *r = resp->results[i];

			if (r->created)
				im->stored++;
			else if (r->differs) {
				im->differ++;
				fprintf(stderr,
				    "%s:%zu: id: %s is already stored with "
				    "other "
				    "content (use activity amend)\n",
				    im->path, im->lines[i], r->id);
			} else
				im->existing++;
		}
		hoptac__v1__submit_activities_response__free_unpacked(
		    resp, NULL);
	} else if (rc == STATUS_INVALID_ARGUMENT && st.violations.count > 0) {
		for (size_t i = 0; i < st.violations.count; i++) {
			const struct violation *v = &st.violations.items[i];
			size_t idx;
			int used = 0;

			if (sscanf(v->field, "activities[%zu].%n", &idx,
			        &used) == 1 &&
			    used > 0 && idx < im->n)
				import_bad(im, im->lines[idx], v->field + used,
				    v->description);
			else
				import_bad(im, 0, v->field, v->description);
		}
		fprintf(stderr,
		    "%s: a batch of %zu rows was refused whole; fix the rows "
		    "above "
		    "and import again\n",
		    im->path, im->n);
	} else {
		cli_print_status(&st);
		im->rc = cli_exit_for(rc);
	}
	for (size_t i = 0; i < im->n; i++)
		hoptac__v1__activity__free_unpacked(im->batch[i], NULL);
	im->n = 0;
	/* Unreachable or broken server: stop rather than fail every batch. */
	return im->rc == CLI_UNREACHABLE || im->rc == CLI_ERROR ? im->rc : 0;
}

static int
import_on_row(void *arg, size_t line, Hoptac__V1__Activity *a)
{
	struct import *im = arg;
	struct violations v;

	im->rows++;
	violations_init(&v);
	if (validate_activity(a, NULL, &v) > 0) {
		for (size_t i = 0; i < v.count; i++)
			import_bad(
			    im, line, v.items[i].field, v.items[i].description);
		hoptac__v1__activity__free_unpacked(a, NULL);
		return 0;
	}
	im->batch[im->n] = a;
	im->lines[im->n] = line;
	im->n++;
	return im->n == im->batch_max ? import_flush(im) : 0;
}

/* The summary for scripts, documented in docs/json.md. */
static void
cmd_import_json(const struct import *im)
{
	json_object *o = json_object_new_object();

	if (o == NULL)
		return;
	json_object_object_add(o, "file", json_object_new_string(im->path));
	json_object_object_add(o, "rows", json_object_new_uint64(im->rows));
	json_object_object_add(o, "stored", json_object_new_uint64(im->stored));
	json_object_object_add(
	    o, "already_stored", json_object_new_uint64(im->existing));
	json_object_object_add(o, "differ", json_object_new_uint64(im->differ));
	json_object_object_add(o, "errors", json_object_new_uint64(im->bad));
	puts(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int
cmd_import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"batch", required_argument, NULL, 'b'},
	    {NULL, 0, NULL, 0},
	};
	struct import im = {cli, NULL, IMPORT_BATCH_DEFAULT, NULL, NULL, 0, 0,
	    0, 0, 0, 0, CLI_OK};
	FILE *f = NULL;
	long n;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'b' && (n = cli_number(optarg)) > 0 &&
		    n <= IMPORT_BATCH_MAX) {
			im.batch_max = (size_t)n;
		} else {
			cli_usage("import", NULL, 1);
			return CLI_USAGE;
		}
	}
	if (argc - optind != 1) {
		cli_usage("import", NULL, 1);
		return CLI_USAGE;
	}
	im.path = argv[optind];
	if ((f = fopen(im.path, "r")) == NULL) {
		perror(im.path);
		return CLI_INVALID;
	}
	im.batch = calloc(im.batch_max, sizeof(*im.batch));
	im.lines = calloc(im.batch_max, sizeof(*im.lines));
	if (im.batch == NULL || im.lines == NULL) {
		rc = cli_fail(CLI_ERROR, "out of memory");
		goto out;
	}
	rc = activity_csv_read(f, import_on_row, import_on_error, &im);
	if (rc == 0)
		rc = import_flush(&im);
	for (size_t i = 0; i < im.n; i++)
		hoptac__v1__activity__free_unpacked(im.batch[i], NULL);
	if (rc == -1)
		rc = CLI_INVALID;
	if (rc == 0)
		rc = im.rc;
	if (cli->json)
		cmd_import_json(&im);
	else
		printf("%s: %zu rows read: %zu stored, %zu already stored, "
		       "%zu stored with other content, %zu errors\n",
		    im.path, im.rows, im.stored, im.existing, im.differ,
		    im.bad);
out:
	free(im.batch);
	free(im.lines);
	fclose(f);
	return rc;
}
