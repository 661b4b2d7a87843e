/*
 * hoptac import FILE.csv: activities from a spreadsheet export. Every bad
 * row is reported with its line and field. The good rows are saved in the
 * outbox in one commit, then delivered (in batches): with no link they
 * wait for hoptac sync. Ids come from the file, so running it again
 * stores nothing twice.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity_csv.h"
#include "cli.h"
#include "cli_i18n.h"
#include "deliver.h"
#include "hoptac/v1/services.pb-c.h"
#include "outbox.h"
#include "pbstr.h"
#include "safefile.h"
#include "validate.h"

struct import {
	struct cli *cli;
	struct outbox *outbox;
	const char *path;
	int64_t first;    /* outbox seq of the first row saved */
	const char *unit; /* for rows without one; NULL until asked */
	char own[VALIDATE_ID_MAX + 1];
	int unit_asked;
	size_t rows, bad, saved;
	struct deliver_stats sent;
	int rc; /* worst exit code so far */
};

static void
import_bad(struct import *im, size_t line, const char *field, const char *msg)
{
	char said[600];

	im->bad++;
	fprintf(stderr, "%s:%zu: %s%s%s\n", im->path, line, field,
	    field[0] ? ": " : "", cli_remote_text(msg, said, sizeof(said)));
	if (im->rc == CLI_OK)
		im->rc = CLI_INVALID;
}

static int
import_on_error(void *arg, size_t line, const char *field, const char *message)
{
	import_bad(arg, line, field, message);
	return 0;
}

/* Completes a row as docs/csv.md says: without a unit it is the office's
 * own (asked once), without an id it gets its stable one. Returns 0, 1
 * when the row is bad (reported), -1 when out of memory. */
static int
import_complete(struct import *im, size_t line, Hoptac__V1__Activity *a)
{
	char id[ACTIVITY_CSV_ID_LEN];

	if (a->unit_code[0] == '\0') {
		if (!im->unit_asked) {
			im->unit = cli_default_unit(
			    im->cli, NULL, im->own, sizeof(im->own));
			im->unit_asked = 1;
		}
		if (im->unit == NULL) {
			char why[300];

			snprintf(why, sizeof(why),
			    _("no unit: fill the column, or %s"),
			    cli_name_the_unit());
			import_bad(im, line, "unit", why);
			return 1;
		}
		if (pbstr_set(&a->unit_code, im->unit) != 0)
			return -1;
	}
	if (a->id[0] == '\0') {
		if (activity_csv_stable_id(a, id) != 0) {
			import_bad(im, line, "id",
			    _("no id, and none can be made: the row's text is "
			      "not UTF-8"));
			return 1;
		}
		if (pbstr_set(&a->id, id) != 0)
			return -1;
	}
	return 0;
}

/* Validates a row and saves it in the outbox as a Submit of its own,
 * labelled with its line, so that a refusal names the line. */
static int
import_on_row(void *arg, size_t line, Hoptac__V1__Activity *a)
{
	struct import *im = arg;
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	struct violations v;
	char label[300];
	uint8_t *buf = NULL;
	size_t len;
	int64_t seq;
	int rc = 0;

	im->rows++;
	violations_init(&v);
	if ((rc = import_complete(im, line, a)) != 0) {
		rc = rc < 0 ? (im->rc = cli_fail(CLI_ERROR, _("out of memory")))
		            : 0;
		goto out;
	}
	if (validate_activity(a, NULL, &v) > 0) {
		for (size_t i = 0; i < v.count; i++)
			import_bad(
			    im, line, v.items[i].field, v.items[i].description);
		goto out;
	}
	req.n_activities = 1;
	req.activities = &a;
	len = protobuf_c_message_get_packed_size(&req.base);
	if ((buf = malloc(len ? len : 1)) == NULL) {
		rc = im->rc = cli_fail(CLI_ERROR, _("out of memory"));
		goto out;
	}
	protobuf_c_message_pack(&req.base, buf);
	snprintf(label, sizeof(label), "%s:%zu", im->path, line);
	if (outbox_put(im->outbox, method_path(METHOD_ACTIVITIES_SUBMIT), buf,
	        len, label, &seq) != 0) {
		rc = im->rc = cli_fail(CLI_ERROR, _("cannot write the outbox"));
		goto out;
	}
	if (im->saved++ == 0)
		im->first = seq;
out:
	free(buf);
	hoptac__v1__activity__free_unpacked(a, NULL);
	return rc;
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
	json_object_object_add(
	    o, "stored", json_object_new_int64(im->sent.created));
	json_object_object_add(
	    o, "already_stored", json_object_new_int64(im->sent.existing));
	json_object_object_add(
	    o, "differ", json_object_new_int64(im->sent.differ));
	json_object_object_add(
	    o, "queued", json_object_new_int64(im->sent.left));
	json_object_object_add(o, "errors",
	    json_object_new_uint64(im->bad + (size_t)im->sent.refused));
	puts(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int
cmd_import(struct cli *cli, int argc, char **argv)
{
	struct import im;
	FILE *f = NULL;
	char err[512], said[1024];
	int rc;

	memset(&im, 0, sizeof(im));
	im.cli = cli;
	im.rc = CLI_OK;
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_error(cli);
	im.path = argv[1];
	if ((f = safefile_read(im.path, "r", err, sizeof(err))) == NULL)
		return cli_fail(CLI_INVALID, "%s", err);
	if ((im.outbox = deliver_outbox(cli)) == NULL) {
		fclose(f);
		return CLI_ERROR;
	}
	/* One commit for the file: a crash while reading saves nothing, and
	 * nothing was said to be saved. */
	if (outbox_begin(im.outbox) != 0) {
		rc = cli_fail(CLI_ERROR, _("cannot write the outbox"));
		goto out;
	}
	rc = activity_csv_read(f, import_on_row, import_on_error, &im);
	if (outbox_commit(im.outbox) != 0) {
		rc = cli_fail(CLI_ERROR, _("cannot write the outbox"));
		goto out;
	}
	if (rc == -1)
		rc = CLI_INVALID;
	if (rc == 0)
		rc = im.rc;
	if (im.saved > 0)
		deliver_pending(cli, im.outbox, im.first, 0, &im.sent);
	if (im.sent.refused > 0 && rc == CLI_OK)
		rc = CLI_INVALID;
	if (im.sent.failed && rc == CLI_OK)
		rc = deliver_exit(cli, &im.sent);
	if (cli->json)
		cmd_import_json(&im);
	else
		printf(_("%s: %zu rows read: %ld stored, %ld already stored, "
		         "%ld stored with other content, %ld queued, %zu "
		         "errors\n"),
		    im.path, im.rows, im.sent.created, im.sent.existing,
		    im.sent.differ, im.sent.left,
		    im.bad + (size_t)im.sent.refused);
	if (im.sent.unreachable)
		fprintf(stderr,
		    _("hoptac: the server did not answer (%s); the queued rows "
		      "are "
		      "saved and hoptac sync delivers them\n"),
		    cli_remote_text(im.sent.last.message, said, sizeof(said)));
	else if (im.sent.failed)
		fprintf(stderr,
		    _("hoptac: %s%s; the queued rows are saved for hoptac "
		      "sync\n"),
		    cli_status_tag(cli, im.sent.last.code),
		    cli_remote_text(im.sent.last.message, said, sizeof(said)));
out:
	outbox_close(im.outbox);
	fclose(f);
	return rc;
}
