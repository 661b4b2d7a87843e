/* hoptac audit: the department searches the trail of mutating and refused
 * calls, newest first. CALLS is how many calls a row stands for: more
 * than one for refusals without a valid credential, counted a minute at
 * a time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_i18n.h"
#include "hoptac/v1/auth.pb-c.h"
#include "status.h"
#include "table.h"

static int
cmd_audit_limit(void *ctx, int ch, char *arg)
{
	Hoptac__V1__SearchAuditRequest *req = ctx;
	long limit = cli_number(arg);

	(void)ch;
	if (limit <= 0 || limit > 1000)
		return cli_fail(CLI_USAGE, _("--limit takes 1 to 1000"));
	req->page_size = (int32_t)limit;
	return CLI_OK;
}

static void
cmd_audit_row(struct table *t, const void *item)
{
	const Hoptac__V1__AuditEntry *e = item;
	char seq[24], when[32], count[24];

	snprintf(seq, sizeof(seq), "%lld", (long long)e->seq);
	snprintf(count, sizeof(count), "%lld",
	    (long long)(e->count > 0 ? e->count : 1));
	cli_when(e->at_ms, when, sizeof(when));
	table_add_row(t,
	    (const char *const[]) {seq, when,
	        e->credential_id[0] ? e->credential_id : "-", e->roles,
	        e->unit_code, e->method, e->target, status_name(e->status),
	        count, e->peer, e->message});
}

static int
cmd_audit_more(const ProtobufCMessage *req, const ProtobufCMessage *m)
{
	const Hoptac__V1__SearchAuditResponse *resp = (const void *)m;

	(void)req;
	if (resp->next_page_token[0] != '\0')
		printf(_("(more: narrow the search, or raise --limit)\n"));
	return CLI_OK;
}

int
cmd_audit(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING(
	        "credential", Hoptac__V1__SearchAuditRequest, credential_id),
	    CLI_STRING("unit", Hoptac__V1__SearchAuditRequest, unit_code),
	    CLI_STRING("method", Hoptac__V1__SearchAuditRequest, method),
	    CLI_FLAG("refused", Hoptac__V1__SearchAuditRequest, refused_only),
	    CLI_STRING("since", Hoptac__V1__SearchAuditRequest, since),
	    CLI_STRING("until", Hoptac__V1__SearchAuditRequest, until),
	    CLI_VALUE("limit", 'l'),
	    CLI_OPTIONS_END,
	};
	static const char *const headers[] = {N_("SEQ"), N_("TIME"), N_("WHO"),
	    N_("ROLES"), N_("UNIT"), N_("METHOD"), N_("TARGET"), N_("STATUS"),
	    N_("CALLS"), N_("PEER"), N_("MESSAGE")};
	static const struct cli_args args = {opts, cmd_audit_limit, 0, 0, 0, 0};
	static const size_t widths[] = {0, 0, 0, 0, 0, 0, 40, 0, 0, 0, 60};
	static const struct cli_list list = {&args, METHOD_AUDIT_SEARCH,
	    "entries", 11, headers, widths, cmd_audit_row, NULL,
	    cmd_audit_more};
	Hoptac__V1__SearchAuditRequest req =
	    HOPTAC__V1__SEARCH_AUDIT_REQUEST__INIT;

	return cli_list(cli, &list, argc, argv, &req.base);
}
