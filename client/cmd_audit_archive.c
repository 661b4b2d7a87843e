/* hoptac audit archive: the administrator keeps the oldest rows of the
 * audit trail in a file, with its checksum beside it, and then removes
 * them from the server, which checks first that they are exactly what
 * the file holds (Audit/Prune). The newest row always stays. */
#include <inttypes.h>
#include <json-c/json.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "audit_digest.h"
#include "cli.h"
#include "cli_i18n.h"
#include "hoptac/v1/auth.pb-c.h"
#include "pbjson.h"
#include "rpc.h"
#include "safefile.h"
#include "text.h"

/* The archive as it is written: a private temporary file beside the
 * final one (safefile.h), the rows' digest for the server and the
 * file's for the operator. */
struct archive {
	struct safefile out;
	struct audit_digest rows;
	mbedtls_sha256_context file;
	int64_t through_seq; /* the newest row written */
};

static int
archive_open(struct archive *a, const char *path)
{
	char err[512];

	if (safefile_open(&a->out, path, err, sizeof(err)) != 0)
		return cli_fail(CLI_ERROR, "%s", err);
	audit_digest_init(&a->rows);
	mbedtls_sha256_init(&a->file);
	mbedtls_sha256_starts_ret(&a->file, 0);
	return CLI_OK;
}

/* One row as a line of JSON. */
static int
archive_row(struct archive *a, const Hoptac__V1__AuditEntry *e)
{
	json_object *o = pbjson_from_message(&e->base, 0);
	const char *line;
	size_t len;

	if (o == NULL || audit_digest_add(&a->rows, e) != 0) {
		json_object_put(o);
		return cli_fail(CLI_ERROR, _("out of memory"));
	}
	line = json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(line);
	mbedtls_sha256_update_ret(&a->file, (const unsigned char *)line, len);
	mbedtls_sha256_update_ret(&a->file, (const unsigned char *)"\n", 1);
	fprintf(a->out.f, "%s\n", line);
	json_object_put(o);
	if (a->through_seq == 0)
		a->through_seq = e->seq;
	return CLI_OK;
}

/* Puts the archive in place, then its checksum beside it as sha256sum
 * writes it; the file's hex in hex. */
static int
archive_close(struct archive *a, const char *path, char hex[AUDIT_DIGEST_HEX])
{
	char sums[4200], base[4096], err[512];
	struct safefile sf;
	uint8_t sum[32];

	mbedtls_sha256_finish_ret(&a->file, sum);
	text_hex(sum, sizeof(sum), hex);
	if (safefile_commit(&a->out, err, sizeof(err)) != 0)
		return cli_fail(CLI_ERROR, "%s", err);
	snprintf(base, sizeof(base), "%s", path);
	snprintf(sums, sizeof(sums), "%s.sha256", path);
	if (safefile_open(&sf, sums, err, sizeof(err)) != 0)
		return cli_fail(CLI_ERROR, "%s", err);
	fprintf(sf.f, "%s  %s\n", hex, basename(base));
	if (safefile_commit(&sf, err, sizeof(err)) != 0)
		return cli_fail(CLI_ERROR, "%s", err);
	return CLI_OK;
}

/* The sequence number of the newest row of the whole trail, which is
 * kept; 0 when the trail is empty. */
static int
archive_newest(struct cli *cli, int64_t *seq)
{
	Hoptac__V1__SearchAuditRequest req =
	    HOPTAC__V1__SEARCH_AUDIT_REQUEST__INIT;
	Hoptac__V1__SearchAuditResponse *resp;
	int rc;

	req.page_size = 1;
	rc = cli_call(cli, METHOD_AUDIT_SEARCH, &req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	*seq = resp->n_entries > 0 ? resp->entries[0]->seq : 0;
	hoptac__v1__search_audit_response__free_unpacked(resp, NULL);
	return CLI_OK;
}

/* Every row up to the end of the day until but the newest of the trail,
 * newest first, into a. */
static int
archive_fetch(
    struct cli *cli, struct archive *a, const char *until, int64_t newest)
{
	Hoptac__V1__SearchAuditRequest req =
	    HOPTAC__V1__SEARCH_AUDIT_REQUEST__INIT;
	char token[32] = "";
	int rc = CLI_OK;

	req.until = (char *)until;
	req.page_size = 1000;
	req.page_token = token;
	do {
		Hoptac__V1__SearchAuditResponse *resp;

		rc = cli_call(cli, METHOD_AUDIT_SEARCH, &req.base,
		    (ProtobufCMessage **)&resp, NULL);
		if (rc != CLI_OK)
			return rc;
		for (size_t i = 0; i < resp->n_entries && rc == CLI_OK; i++)
			if (resp->entries[i]->seq < newest)
				rc = archive_row(a, resp->entries[i]);
		snprintf(token, sizeof(token), "%s", resp->next_page_token);
		hoptac__v1__search_audit_response__free_unpacked(resp, NULL);
	} while (rc == CLI_OK && token[0] != '\0');
	return rc;
}

struct archive_options {
	char *until;
	char *output;
};

int
cmd_audit_archive(struct cli *cli, int argc, char **argv)
{
	struct archive_options o = {NULL, NULL};
	static const struct cli_option opts[] = {
	    CLI_STRING("until", struct archive_options, until),
	    CLI_STRING("output", struct archive_options, output),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {opts, NULL, 0, 0, 0, 0};
	Hoptac__V1__PruneAuditRequest req =
	    HOPTAC__V1__PRUNE_AUDIT_REQUEST__INIT;
	Hoptac__V1__PruneAuditResponse *resp = NULL;
	struct archive a = {0};
	char rows[AUDIT_DIGEST_HEX], file[AUDIT_DIGEST_HEX], id[37];
	int64_t newest = 0;
	int rc;

	if ((rc = cli_parse(cli, &args, &o, argc, argv, NULL)) != CLI_OK)
		return rc;
	if (o.until == NULL || o.output == NULL)
		return cli_usage_error(cli);
	if ((rc = archive_newest(cli, &newest)) != CLI_OK ||
	    (rc = archive_open(&a, o.output)) != CLI_OK)
		return rc;
	if ((rc = archive_fetch(cli, &a, o.until, newest)) != CLI_OK)
		goto fail;
	if (a.rows.count == 0) {
		printf(
		    _("nothing to archive up to %s: the newest row is always "
		      "kept\n"),
		    o.until);
		goto fail;
	}
	req.count = a.rows.count;
	req.through_seq = a.through_seq;
	audit_digest_finish(&a.rows, rows);
	rc = archive_close(&a, o.output, file);
	mbedtls_sha256_free(&a.file);
	safefile_abort(&a.out); /* nothing left to remove once committed */
	if (rc != CLI_OK)
		return rc;
	printf(_("%s: %" PRId64 " rows up to row %" PRId64 ", sha256 %s\n"),
	    o.output, req.count, req.through_seq, file);
	req.sha256 = rows;
	rpc_new_id(id);
	rc = cli_call(
	    cli, METHOD_AUDIT_PRUNE, &req.base, (ProtobufCMessage **)&resp, id);
	if (rc != CLI_OK) {
		fprintf(stderr,
		    _("hoptac: the archive is kept; nothing was removed from "
		      "the trail\n"));
		return rc;
	}
	printf(
	    _("removed %" PRId64 " rows from the audit trail\n"), resp->pruned);
	hoptac__v1__prune_audit_response__free_unpacked(resp, NULL);
	return CLI_OK;
fail:
	audit_digest_finish(&a.rows, rows);
	mbedtls_sha256_free(&a.file);
	safefile_abort(&a.out);
	return rc;
}
