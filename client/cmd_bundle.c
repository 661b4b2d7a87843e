/*
 * Bundles carried by hand where there is no link (docs/bundle.md):
 *   hoptac export FILE            the office writes its queued calls
 *   hoptac bundle apply FILE      the department applies them to its server
 *                                 and writes a receipt
 *   hoptac import-receipt FILE    the office marks what was applied
 * Every call keeps its request id, so a bundle applied twice, or also
 * delivered by a sync, changes nothing the second time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "bundle.h"
#include "bundle_sign.h"
#include "cli.h"
#include "cli_i18n.h"
#include "deliver.h"
#include "hoptac/v1/bundle.pb-c.h"
#include "hoptac/v1/services.pb-c.h"
#include "outbox.h"
#include "pbstr.h"
#include "role.h"
#include "rpc.h"

#define CMD_BUNDLE_CHUNK 1000

/* Appends one outbox entry to the bundle, with its checksum. */
static int
cmd_bundle_add(Hoptac__V1__Bundle *b, const struct outbox_entry *e)
{
	Hoptac__V1__BundleEntry *x = malloc(sizeof(*x)), **grown;

	if (x == NULL)
		return -1;
	hoptac__v1__bundle_entry__init(x);
	grown = realloc(b->entries, (b->n_entries + 1) * sizeof(*grown));
	if (grown == NULL) {
		free(x);
		return -1;
	}
	b->entries = grown;
	b->entries[b->n_entries++] = x;
	if (pbstr_set(&x->method, e->method) != 0 ||
	    pbstr_set(&x->request_id, e->request_id) != 0 ||
	    pbstr_set(&x->label, e->label) != 0 ||
	    (x->payload.data = malloc(e->len ? e->len : 1)) == NULL ||
	    (x->sha256.data = malloc(32)) == NULL)
		return -1;
	memcpy(x->payload.data, e->payload, e->len);
	x->payload.len = e->len;
	bundle_entry_digest(
	    e->method, e->request_id, e->payload, e->len, x->sha256.data);
	x->sha256.len = 32;
	return 0;
}

/* Signs b with the office's key (cli_key_path). An exit code. */
static int
cmd_bundle_sign(struct cli *cli, Hoptac__V1__Bundle *b)
{
	char path[4096], pem[SIGKEY_PEM_MAX], err[512];
	int rc;

	cli_key_path(cli, path, sizeof(path));
	rc = bundle_key_load(path, pem, err, sizeof(err));
	if (rc == 1)
		return cli_fail(CLI_ERROR,
		    _("no key for signing bundles (%s): run hoptac key "
		      "register while the server can be reached, then export "
		      "the bundle again"),
		    path);
	if (rc == 0)
		rc = bundle_sign(b, pem, err, sizeof(err));
	mbedtls_platform_zeroize(pem, sizeof(pem));
	return rc == 0 ? CLI_OK : cli_fail(CLI_ERROR, "%s", err);
}

int
cmd_export(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    {"unit", CLI_OPT_STRING, 0, 0, 0}, CLI_OPTIONS_END};
	static const struct cli_args args = {opts, NULL, 1, 1, 0, 0};
	static struct outbox_entry e[CMD_BUNDLE_CHUNK];
	char *unit = getenv("HOPTAC_UNIT");
	Hoptac__V1__Bundle *b = malloc(sizeof(*b)); /* freed at out */
	struct outbox *o = NULL;
	char id[37], err[512], **file;
	int64_t after = 0;
	int n, rc = CLI_ERROR;

	if (b == NULL)
		return cli_fail(CLI_ERROR, _("out of memory"));
	hoptac__v1__bundle__init(b);
	if ((rc = cli_parse(cli, &args, &unit, argc, argv, &file)) != CLI_OK)
		goto out;
	rc = CLI_ERROR;
	if ((o = deliver_outbox(cli)) == NULL)
		goto out;
	/* With a unit, the receipt brings back what concerns it since the
	 * outbox's pull cursor, as sync --unit would. */
	if (unit != NULL && unit[0] != '\0' &&
	    (pbstr_set(&b->unit_code, unit) != 0 ||
	        outbox_cursor(o, &b->pull_since_ms) != 0))
		goto nomem;
	rpc_new_id(id);
	b->created_at_ms = rpc_wall_ms();
	if (pbstr_set(&b->bundle_id, id) != 0 ||
	    pbstr_set(&b->origin,
	        cli->outbox_path ? cli->outbox_path : outbox_default_path()) !=
	        0)
		goto nomem;
	while ((n = outbox_pending(o, after, e, CMD_BUNDLE_CHUNK)) > 0) {
		int bad = 0;

		for (int i = 0; i < n; i++) {
			bad |= cmd_bundle_add(b, &e[i]);
			outbox_entry_fini(&e[i]);
		}
		after = e[n - 1].seq;
		if (bad)
			goto nomem;
	}
	if (n < 0) {
		rc = cli_fail(CLI_ERROR, _("cannot read the outbox"));
		goto out;
	}
	if ((rc = cmd_bundle_sign(cli, b)) != CLI_OK)
		goto out;
	if (bundle_write_file(
	        file[0], BUNDLE_MAGIC, &b->base, err, sizeof(err)) != 0) {
		rc = cli_fail(CLI_ERROR, "%s", err);
		goto out;
	}
	printf(_("%zu queued calls written to %s (bundle %s)\n"), b->n_entries,
	    file[0], b->bundle_id);
	rc = CLI_OK;
	goto out;
nomem:
	rc = cli_fail(CLI_ERROR, _("out of memory"));
out:
	outbox_close(o);
	hoptac__v1__bundle__free_unpacked(b, NULL);
	return rc;
}

/* Appends the outcomes of the entries in one state to the receipt. */
static int
cmd_bundle_receipt(struct outbox *o, int state, Hoptac__V1__Receipt *r)
{
	static struct outbox_entry e[CMD_BUNDLE_CHUNK];
	int64_t after = 0;
	int n, bad = 0;

	while ((n = outbox_scan(o, state, after, e, CMD_BUNDLE_CHUNK)) > 0) {
		Hoptac__V1__ReceiptEntry **grown = realloc(
		    r->entries, (r->n_entries + (size_t)n) * sizeof(*grown));

		if (grown == NULL)
			bad = 1;
		else
			r->entries = grown;
		for (int i = 0; i < n; i++) {
			Hoptac__V1__ReceiptEntry *x =
			    bad ? NULL : malloc(sizeof(*x));

			if (x == NULL) {
				bad = 1;
			} else {
				hoptac__v1__receipt_entry__init(x);
				r->entries[r->n_entries++] = x;
				x->status = state == OUTBOX_DELIVERED
				    ? 0
				    : (e[i].status ? e[i].status : 2);
				bad |=
				    pbstr_set(&x->request_id, e[i].request_id);
				bad |= pbstr_set(&x->message, e[i].message);
			}
			outbox_entry_fini(&e[i]);
		}
		after = e[n - 1].seq;
		if (bad)
			return -1;
	}
	return n < 0 ? -1 : 0;
}

/* What concerns the bundle's office since its cursor, packed into the
 * receipt so that it travels back by hand too. */
static int
cmd_bundle_pull(
    struct cli *cli, const Hoptac__V1__Bundle *b, Hoptac__V1__Receipt *r)
{
	Hoptac__V1__PullRequest req = HOPTAC__V1__PULL_REQUEST__INIT;
	Hoptac__V1__PullResponse *resp = NULL;
	int rc;

	req.unit_code = b->unit_code;
	req.since_ms = b->pull_since_ms;
	rc = cli_call_pages(cli, METHOD_SYNC_PULL, &req.base, "reports",
	    "cursor_ms", (ProtobufCMessage **)&resp);
	if (rc != CLI_OK)
		return rc;
	r->pull.len = protobuf_c_message_get_packed_size(&resp->base);
	if ((r->pull.data = malloc(r->pull.len ? r->pull.len : 1)) == NULL)
		rc = cli_fail(CLI_ERROR, _("out of memory"));
	else
		protobuf_c_message_pack(&resp->base, r->pull.data);
	hoptac__v1__pull_response__free_unpacked(resp, NULL);
	return rc;
}

/* Whether b is its office's work: signed by a key the server vouches
 * for, with records of that key's unit only. Checked with the server's
 * copy of the key, never one the bundle could carry. An exit code. */
static int
cmd_bundle_verify(
    struct cli *cli, const Hoptac__V1__Bundle *b, const char *name)
{
	Hoptac__V1__GetKeyRequest req = HOPTAC__V1__GET_KEY_REQUEST__INIT;
	Hoptac__V1__GetKeyResponse *resp = NULL;
	char err[1024];
	int rc;

	if (bundle_sign_present(b, name, err, sizeof(err)) != 0)
		return cli_fail(CLI_INVALID, "%s", err);
	req.id = b->key_id;
	rc = cli_call(cli, METHOD_CREDENTIALS_GET_KEY, &req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc == CLI_REFUSED || rc == CLI_INVALID)
		return cli_fail(CLI_INVALID,
		    _("%s: signing key %s is not registered with the server, "
		      "or the credential that registered it was revoked or "
		      "has expired; the bundle is not applied"),
		    name, b->key_id);
	if (rc != CLI_OK)
		return rc;
	if (bundle_verify(b, resp->key, name, err, sizeof(err)) != 0)
		rc = cli_fail(CLI_INVALID, "%s", err);
	hoptac__v1__get_key_response__free_unpacked(resp, NULL);
	return rc;
}

/* Whether the credential in use may make every call of b: one that may
 * not would be refused call by call, and a receipt listing those
 * refusals would tell the office its records were refused when only the
 * credential was. An exit code; CLI_DENIED before anything is sent. */
static int
cmd_bundle_allowed(
    struct cli *cli, const Hoptac__V1__Bundle *b, const char *name)
{
	Hoptac__V1__WhoAmIRequest req = HOPTAC__V1__WHO_AM_IREQUEST__INIT;
	Hoptac__V1__WhoAmIResponse *resp = NULL;
	const Hoptac__V1__Credential *cr;
	char mine[64], needed[64];
	unsigned roles;
	int rc;

	rc = cli_call(cli, METHOD_CREDENTIALS_WHO_AM_I, &req.base,
	    (ProtobufCMessage **)&resp, NULL);
	if (rc != CLI_OK)
		return rc;
	cr = resp->credential;
	roles = cr != NULL ? role_set(cr->roles, cr->n_roles) : 0;
	for (size_t i = 0; i < b->n_entries && rc == CLI_OK; i++) {
		const struct method_info *m =
		    method_find(b->entries[i]->method);

		/* A method this server does not know is refused as such. */
		if (m == NULL || (m->roles & roles) != 0)
			continue;
		role_join(roles, mine, sizeof(mine));
		role_join(m->roles, needed, sizeof(needed));
		rc = cli_fail(CLI_DENIED,
		    _("%s: credential %s (role %s) may not call %s (it needs "
		      "role %s); the bundle is not applied and no receipt is "
		      "written. Ask the administrator for a credential with "
		      "the peer role: hoptac admin issue --role peer"),
		    name, cr != NULL ? cr->id : "-", mine[0] ? mine : "-",
		    m->path, needed);
	}
	hoptac__v1__who_am_iresponse__free_unpacked(resp, NULL);
	return rc;
}

/* A report in a bundle carries its office's claims only: a filed_at_ms
 * in it would go out under the department's peer credential, which the
 * server takes as vouched for (docs/protocol.md, "Timeliness"). So it is
 * replaced by what the department vouches for, the day the bundle was
 * handed over (handed_ms, noon), or dropped (handed_ms 0): the report
 * then counts as filed by the office's clock within the server's
 * tolerance of this receipt. *packed: the payload to send instead
 * (malloc'd, the caller's), or NULL to send it as it is. A status of
 * the CLI. */
static int
cmd_bundle_vouch(const Hoptac__V1__BundleEntry *x, int64_t handed_ms,
    uint8_t **packed, size_t *len)
{
	Hoptac__V1__SubmitReportRequest *s;
	int rc = CLI_OK;

	*packed = NULL;
	if (strcmp(x->method, method_path(METHOD_REPORTS_SUBMIT)) != 0)
		return CLI_OK;
	s = hoptac__v1__submit_report_request__unpack(
	    NULL, x->payload.len, x->payload.data);
	if (s == NULL || s->report == NULL ||
	    (s->report->filed_at_ms == handed_ms &&
	        s->report->paper_received_at_ms == 0))
		goto out; /* the server refuses what does not unpack */
	/* Nor does an office's bundle carry the day its paper arrived. */
	s->report->filed_at_ms = handed_ms;
	s->report->paper_received_at_ms = 0;
	*len = hoptac__v1__submit_report_request__get_packed_size(s);
	if ((*packed = malloc(*len > 0 ? *len : 1)) == NULL)
		rc = cli_fail(CLI_ERROR, _("out of memory"));
	else
		hoptac__v1__submit_report_request__pack(s, *packed);
out:
	if (s != NULL)
		hoptac__v1__submit_report_request__free_unpacked(s, NULL);
	return rc;
}

/* What bundle apply takes besides the file. */
struct cmd_bundle_apply_opts {
	char *receipt; /* where the receipt goes; default FILE.receipt */
	char *handed;  /* the day the bundle was handed over, or NULL */
};

int
cmd_bundle_apply(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING("receipt", struct cmd_bundle_apply_opts, receipt),
	    CLI_STRING("handed-over", struct cmd_bundle_apply_opts, handed),
	    CLI_OPTIONS_END};
	struct cmd_bundle_apply_opts opt = {NULL, NULL};
	int64_t handed_ms = 0;
	Hoptac__V1__Bundle *b = NULL;
	Hoptac__V1__Receipt *r = NULL;
	struct deliver_stats s;
	struct outbox *o = NULL;
	char dir[] = "/tmp/hoptac-apply-XXXXXX", path[64] = "", lock[80];
	static const struct cli_args args = {opts, NULL, 1, 1, 0, 0};
	char receipt[4096], err[512], **file;
	const char *saved_outbox = cli->outbox_path;
	int rc;

	if ((rc = cli_parse(cli, &args, &opt, argc, argv, &file)) != CLI_OK)
		return rc;
	if (opt.handed != NULL && (handed_ms = cli_day_ms(opt.handed)) < 0)
		return cli_fail(CLI_USAGE,
		    _("--handed-over takes a whole date, as 15/5/2024"));
	if (opt.receipt != NULL)
		snprintf(receipt, sizeof(receipt), "%s", opt.receipt);
	else
		snprintf(receipt, sizeof(receipt), "%s.receipt", file[0]);
	/* Verified whole before anything is sent. */
	b = (Hoptac__V1__Bundle *)bundle_read_file(file[0], BUNDLE_MAGIC,
	    &hoptac__v1__bundle__descriptor, err, sizeof(err));
	if (b == NULL)
		return cli_fail(CLI_INVALID, "%s", err);
	if ((rc = cmd_bundle_verify(cli, b, file[0])) != CLI_OK ||
	    (rc = cmd_bundle_allowed(cli, b, file[0])) != CLI_OK)
		goto out;
	rc = CLI_ERROR;
	/* The calls go through an outbox of their own, so that delivery
	 * (batches, refusals, stopping when the server is gone) is sync's. */
	if (mkdtemp(dir) == NULL) {
		rc =
		    cli_fail(CLI_ERROR, _("cannot make a temporary directory"));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/outbox.db", dir);
	cli->outbox_path = path;
	if ((o = deliver_outbox(cli)) == NULL)
		goto out;
	outbox_begin(o);
	for (size_t i = 0; i < b->n_entries; i++) {
		const Hoptac__V1__BundleEntry *x = b->entries[i];
		uint8_t *packed; /* owned; freed below */
		size_t len = x->payload.len;
		int64_t seq;
		int put;

		if (cmd_bundle_vouch(x, handed_ms, &packed, &len) != CLI_OK) {
			outbox_commit(o);
			goto out;
		}
		put = outbox_put_id(o, x->method, x->request_id,
		    packed != NULL ? packed : x->payload.data, len, x->label,
		    &seq);
		free(packed);
		if (put != 0) {
			outbox_commit(o);
			rc = cli_fail(CLI_INVALID,
			    _("entry %zu of the bundle repeats a request id"),
			    i + 1);
			goto out;
		}
	}
	if (outbox_commit(o) != 0) {
		rc = cli_fail(CLI_ERROR, _("cannot write a temporary outbox"));
		goto out;
	}
	deliver_pending(cli, o, 0, 0, &s);
	if ((r = malloc(sizeof(*r))) == NULL) {
		rc = cli_fail(CLI_ERROR, _("out of memory"));
		goto out;
	}
	hoptac__v1__receipt__init(r);
	r->created_at_ms = rpc_wall_ms();
	if (pbstr_set(&r->bundle_id, b->bundle_id) != 0 ||
	    cmd_bundle_receipt(o, OUTBOX_DELIVERED, r) != 0 ||
	    cmd_bundle_receipt(o, OUTBOX_REFUSED, r) != 0) {
		rc = cli_fail(CLI_ERROR, _("cannot build the receipt"));
		goto out;
	}
	if (b->unit_code[0] != '\0' && !s.unreachable && !s.failed &&
	    cmd_bundle_pull(cli, b, r) != CLI_OK)
		goto out;
	if (bundle_write_file(
	        receipt, RECEIPT_MAGIC, &r->base, err, sizeof(err)) != 0) {
		rc = cli_fail(CLI_ERROR, "%s", err);
		goto out;
	}
	printf(
	    _("bundle %s: %zu calls, %ld applied (%ld activities stored, %ld "
	      "already there), %ld refused, %ld not sent; receipt %s\n"),
	    b->bundle_id, b->n_entries, s.delivered, s.created,
	    s.existing + s.differ, s.refused, s.left, receipt);
	rc = deliver_exit(cli, &s);
out:
	cli->outbox_path = saved_outbox;
	outbox_close(o);
	if (path[0] != '\0') {
		unlink(path);
		snprintf(lock, sizeof(lock), "%s-wal", path);
		unlink(lock);
		snprintf(lock, sizeof(lock), "%s-shm", path);
		unlink(lock);
		rmdir(dir);
	}
	if (r != NULL)
		hoptac__v1__receipt__free_unpacked(r, NULL);
	hoptac__v1__bundle__free_unpacked(b, NULL);
	return rc;
}

int
cmd_import_receipt(struct cli *cli, int argc, char **argv)
{
	Hoptac__V1__Receipt *r;
	struct outbox *o;
	long applied = 0, refused = 0, already = 0;
	char err[512], **file;
	int rc = cli_parse(cli, &cli_one_arg, NULL, argc, argv, &file);

	if (rc != CLI_OK)
		return rc;
	r = (Hoptac__V1__Receipt *)bundle_read_file(file[0], RECEIPT_MAGIC,
	    &hoptac__v1__receipt__descriptor, err, sizeof(err));
	if (r == NULL)
		return cli_fail(CLI_INVALID, "%s", err);
	if ((o = deliver_outbox(cli)) == NULL) {
		hoptac__v1__receipt__free_unpacked(r, NULL);
		return CLI_ERROR;
	}
	outbox_begin(o);
	for (size_t i = 0; i < r->n_entries && rc == CLI_OK; i++) {
		const Hoptac__V1__ReceiptEntry *x = r->entries[i];
		int changed =
		    outbox_settle(o, x->request_id, x->status, x->message);

		if (changed < 0)
			rc = cli_fail(CLI_ERROR, _("cannot write the outbox"));
		else if (changed == 0)
			already++;
		else if (x->status == 0)
			applied++;
		else
			refused++;
	}
	if (outbox_commit(o) != 0 && rc == CLI_OK)
		rc = cli_fail(CLI_ERROR, _("cannot write the outbox"));
	if (rc == CLI_OK && r->pull.len > 0) {
		Hoptac__V1__PullResponse *p = hoptac__v1__pull_response__unpack(
		    NULL, r->pull.len, r->pull.data);

		if (p == NULL || deliver_keep_pull(o, p) != 0)
			rc = cli_fail(CLI_ERROR,
			    _("cannot keep what the receipt brings"));
		else
			printf(_("received for the office: %zu requests, %zu "
			         "reports, "
			         "%zu units\n"),
			    p->n_requests, p->n_reports, p->n_units);
		if (p != NULL)
			hoptac__v1__pull_response__free_unpacked(p, NULL);
	}
	outbox_close(o);
	if (rc == CLI_OK)
		printf(
		    _("receipt of bundle %s: %ld delivered, %ld refused, %ld "
		      "already settled\n"),
		    r->bundle_id, applied, refused, already);
	hoptac__v1__receipt__free_unpacked(r, NULL);
	return rc == CLI_OK && refused > 0 ? CLI_REFUSED_SOME : rc;
}
