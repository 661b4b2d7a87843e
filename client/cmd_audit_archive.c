/* hoptac audit archive: the administrator keeps the oldest rows of the
 * audit trail in a file, with its checksum beside it, and then removes
 * them from the server, which checks first that they are exactly what
 * the file holds (Audit/Prune). The newest row always stays. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/sha256.h>

#include "audit_digest.h"
#include "cli.h"
#include "hoptac/v1/auth.pb-c.h"
#include "pbjson.h"
#include "rpc.h"

/* The archive as it is written: a temporary file beside the final one,
 * the rows' digest for the server and the file's for the operator. */
struct archive {
	const char *path;
	char tmp[4096];
	FILE *f;
	struct audit_digest rows;
	mbedtls_sha256_context file;
	int64_t through_seq; /* the newest row written */
};

static int
archive_open(struct archive *a, const char *path)
{
	int fd;

	a->path = path;
	if ((size_t)snprintf(a->tmp, sizeof(a->tmp), "%s.XXXXXX", path) >=
	    sizeof(a->tmp))
		return cli_fail(CLI_USAGE, "%s: the name is too long", path);
	/* mkstemp makes the file 0600, and a new name: nothing planted at
	 * it is followed. */
	if ((fd = mkstemp(a->tmp)) < 0 || (a->f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return cli_fail(
		    CLI_ERROR, "cannot write %s: %s", a->tmp, strerror(errno));
	}
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
		return cli_fail(CLI_ERROR, "out of memory");
	}
	line = json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(line);
	mbedtls_sha256_update_ret(&a->file, (const unsigned char *)line, len);
	mbedtls_sha256_update_ret(&a->file, (const unsigned char *)"\n", 1);
	fprintf(a->f, "%s\n", line);
	json_object_put(o);
	if (a->through_seq == 0)
		a->through_seq = e->seq;
	return CLI_OK;
}

/* Writes out, syncs and renames the archive into place, then its
 * checksum beside it as sha256sum writes it; the file's hex in hex. */
static int
archive_close(struct archive *a, char hex[AUDIT_DIGEST_HEX])
{
	char sums[4200], tmp[4200], base[4096];
	uint8_t sum[32];
	FILE *f = a->f;
	int fd;

	a->f = NULL;
	mbedtls_sha256_finish_ret(&a->file, sum);
	mbedtls_sha256_free(&a->file);
	for (size_t i = 0; i < sizeof(sum); i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 ||
	    rename(a->tmp, a->path) != 0)
		return cli_fail(
		    CLI_ERROR, "cannot write %s: %s", a->path, strerror(errno));
	snprintf(base, sizeof(base), "%s", a->path);
	snprintf(sums, sizeof(sums), "%s.sha256", a->path);
	snprintf(tmp, sizeof(tmp), "%s.sha256.XXXXXX", a->path);
	if ((fd = mkstemp(tmp)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return cli_fail(
		    CLI_ERROR, "cannot write %s: %s", sums, strerror(errno));
	}
	fprintf(f, "%s  %s\n", hex, basename(base));
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 ||
	    rename(tmp, sums) != 0)
		return cli_fail(
		    CLI_ERROR, "cannot write %s: %s", sums, strerror(errno));
	return CLI_OK;
}

static void
archive_abandon(struct archive *a)
{
	if (a->f != NULL) {
		fclose(a->f);
		unlink(a->tmp);
	}
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
		printf("nothing to archive up to %s: the newest row is always "
		       "kept\n",
		    o.until);
		goto fail;
	}
	req.count = a.rows.count;
	req.through_seq = a.through_seq;
	audit_digest_finish(&a.rows, rows);
	if ((rc = archive_close(&a, file)) != CLI_OK)
		return rc;
	printf("%s: %" PRId64 " rows up to row %" PRId64 ", sha256 %s\n",
	    o.output, req.count, req.through_seq, file);
	req.sha256 = rows;
	rpc_new_id(id);
	rc = cli_call(
	    cli, METHOD_AUDIT_PRUNE, &req.base, (ProtobufCMessage **)&resp, id);
	if (rc != CLI_OK) {
		fprintf(stderr,
		    "hoptac: the archive is kept; nothing was removed from "
		    "the trail\n");
		return rc;
	}
	printf("removed %" PRId64 " rows from the audit trail\n", resp->pruned);
	hoptac__v1__prune_audit_response__free_unpacked(resp, NULL);
	return CLI_OK;
fail:
	if (a.f != NULL) {
		audit_digest_finish(&a.rows, rows);
		mbedtls_sha256_free(&a.file);
	}
	archive_abandon(&a);
	return rc;
}
