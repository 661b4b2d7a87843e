/* hoptac activity add|list|show|amend|withdraw. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity_csv.h"
#include "cli.h"
#include "cli_i18n.h"
#include "tokenfile.h"
#include "deliver.h"
#include "outbox.h"
#include "status.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "rpc.h"
#include "table.h"
#include "validate.h"

/* The options that set an activity's fields, shared by add and amend. A
 * list given on the command line replaces the stored one when amending. */
/* clang-format off */
#define CMD_ACTIVITY_FIELD_OPTIONS \
	CLI_COPY("unit", Hoptac__V1__Activity, unit_code), \
	CLI_LIST("partner", Hoptac__V1__Activity, partner_codes), \
	CLI_VALUE("kind", 'k'), \
	CLI_LIST("field", Hoptac__V1__Activity, fields), \
	CLI_COPY("start", Hoptac__V1__Activity, start_date), \
	CLI_COPY("end", Hoptac__V1__Activity, end_date), \
	CLI_COPY("place", Hoptac__V1__Activity, place), \
	CLI_COPY("title", Hoptac__V1__Activity, title), \
	CLI_COPY("summary", Hoptac__V1__Activity, summary), \
	CLI_VALUE("people", 'n'), \
	CLI_COPY("leader", Hoptac__V1__Activity, leader), \
	CLI_COPY("result", Hoptac__V1__Activity, result), \
	CLI_LIST("ref", Hoptac__V1__Activity, document_refs)
/* clang-format on */

/* An activity the options change (cli_args.indirect), and amend's
 * --version. */
struct cmd_activity_edit {
	Hoptac__V1__Activity *a;
	long version;
};

/* The field options that check their value: --kind and --people. */
static int
cmd_activity_value(void *ctx, int ch, char *arg)
{
	Hoptac__V1__Activity *a = ((struct cmd_activity_edit *)ctx)->a;
	long n;

	if (ch == 'k' && (a->kind = validate_activity_kind(arg)) == 0)
		return cli_bad_kind(arg);
	if (ch == 'n') {
		if ((n = cli_number(arg)) < 0 || n > VALIDATE_PEOPLE_MAX)
			return cli_fail(CLI_USAGE,
			    _("--people takes a number from 0 to %d"),
			    VALIDATE_PEOPLE_MAX);
		a->people = (int32_t)n;
	}
	return CLI_OK;
}

/* Validates before sending, so that a mistake costs no round trip. */
static int
cmd_activity_check(struct cli *cli, Hoptac__V1__Activity *a)
{
	struct violations v;

	violations_init(&v);
	if (validate_activity(a, NULL, &v) == 0)
		return CLI_OK;
	return cli_invalid(cli, &v, _("the activity is not valid"));
}

/* An activity added without --unit is the office's own: the configured
 * unit, or the credential's. */
static int
cmd_activity_own_unit(struct cli *cli, Hoptac__V1__Activity *a)
{
	char own[VALIDATE_ID_MAX + 1];
	const char *unit;

	if (a->unit_code[0] != '\0')
		return CLI_OK;
	if ((unit = cli_default_unit(cli, NULL, own, sizeof(own))) == NULL)
		return cli_fail(CLI_USAGE, "%s", cli_name_the_unit());
	if (pbstr_set(&a->unit_code, unit) != 0)
		return cli_fail(CLI_ERROR, _("out of memory"));
	return CLI_OK;
}

int
cmd_activity_add(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_COPY("id", Hoptac__V1__Activity, id),
	    CMD_ACTIVITY_FIELD_OPTIONS, CLI_OPTIONS_END};
	static const struct cli_args args = {
	    opts, cmd_activity_value, 0, 0, 0, 1};
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__SubmitActivitiesResponse *resp = NULL;
	Hoptac__V1__Activity *a = malloc(sizeof(*a)); /* freed at out */
	struct cmd_activity_edit edit = {a, 0};
	char id[37], label[96];
	int rc;

	if (a == NULL)
		return cli_fail(CLI_ERROR, _("out of memory"));
	hoptac__v1__activity__init(a);
	if ((rc = cli_parse(cli, &args, &edit, argc, argv, NULL)) != CLI_OK)
		goto out;
	if ((rc = cmd_activity_own_unit(cli, a)) != CLI_OK)
		goto out;
	/* The record's id is made here, once: resending it can never make
	 * a second record. */
	if (a->id[0] == '\0') {
		rpc_new_id(id);
		if (pbstr_set(&a->id, id) != 0) {
			rc = cli_fail(CLI_ERROR, _("out of memory"));
			goto out;
		}
	}
	if ((rc = cmd_activity_check(cli, a)) != CLI_OK)
		goto out;
	req.n_activities = 1;
	req.activities = &a;
	snprintf(label, sizeof(label), _("activity %s"), a->id);
	rc = deliver_now(cli, METHOD_ACTIVITIES_SUBMIT, &req.base, label,
	    (ProtobufCMessage **)&resp);
	if (rc != CLI_OK)
		goto out;
	if (resp == NULL) {
		/* Saved in the outbox; the server will have it at the next
		 * sync. */
		if (cli->json)
			printf("{\"queued\":\"%s\"}\n", a->id);
		else
			printf(_("%s queued\n"), a->id);
	} else if (cli->json) {
		rc = cli_print_json(&resp->base);
	} else if (resp->n_results == 1) {
		const Hoptac__V1__SubmitResult *r = resp->results[0];

		printf(_("%s %s (version %lld)\n"), r->id,
		    r->created
		        ? _("stored")
		        : (r->differs ? _("already stored, with other content")
		                      : _("already stored")),
		    (long long)r->version);
	}
out:
	if (resp != NULL)
		hoptac__v1__submit_activities_response__free_unpacked(
		    resp, NULL);
	hoptac__v1__activity__free_unpacked(a, NULL);
	return rc;
}

static void
cmd_activity_row(struct table *t, const Hoptac__V1__Activity *a)
{
	char partners[256], people[16];
	const char *cells[8];

	cli_partner_labels(partners, sizeof(partners), a->partner_codes,
	    a->n_partner_codes, ",");
	snprintf(people, sizeof(people), "%d", a->people);
	cells[0] = a->id;
	cells[1] = a->start_date;
	cells[2] = cli_kind_label(a->kind);
	cells[3] = a->unit_code;
	cells[4] = partners;
	cells[5] = a->people ? people : "";
	cells[6] =
	    a->state == HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_WITHDRAWN
	    ? _("withdrawn")
	    : "";
	cells[7] = a->title;
	table_add_row(t, cells);
}

/* What activity list takes: the request, and how many at most. */
struct cmd_activity_list {
	Hoptac__V1__ListActivitiesRequest req;
	long limit;
	int csv;
};

static int
cmd_activity_list_option(void *ctx, int ch, char *arg)
{
	struct cmd_activity_list *o = ctx;

	if (ch == 'k' && (o->req.kind = validate_activity_kind(arg)) == 0)
		return cli_bad_kind(arg);
	if (ch == 'L' && (o->limit = cli_number(arg)) < 0)
		return cli_fail(CLI_USAGE, _("--limit takes a number"));
	return CLI_OK;
}

int
cmd_activity_list(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING("unit", struct cmd_activity_list, req.unit_code),
	    CLI_STRING("partner", struct cmd_activity_list, req.partner),
	    CLI_VALUE("kind", 'k'),
	    CLI_STRING("field", struct cmd_activity_list, req.field),
	    CLI_STRING("from", struct cmd_activity_list, req.from_date),
	    CLI_STRING("to", struct cmd_activity_list, req.to_date),
	    CLI_STRING("text", struct cmd_activity_list, req.text),
	    CLI_FLAG(
	        "withdrawn", struct cmd_activity_list, req.include_withdrawn),
	    CLI_VALUE("limit", 'L'),
	    CLI_FLAG("csv", struct cmd_activity_list, csv),
	    CLI_OPTIONS_END,
	};
	static const char *const headers[] = {N_("ID"), N_("START"), N_("KIND"),
	    N_("UNIT"), N_("PARTNERS"), N_("PEOPLE"), N_("STATE"), N_("TITLE")};
	static const struct cli_args args = {
	    opts, cmd_activity_list_option, 0, 0, 0, 0};
	struct cmd_activity_list o = {
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT, -1, 0};
	Hoptac__V1__ListActivitiesRequest *req = &o.req;
	Hoptac__V1__ListActivitiesResponse *resp = NULL;
	Hoptac__V1__ListActivitiesResponse all =
	    HOPTAC__V1__LIST_ACTIVITIES_RESPONSE__INIT;
	struct table *t = NULL;
	char *token = NULL; /* owned copy of the next page token */
	long limit;
	int rc;

	if ((rc = cli_parse(cli, &args, &o, argc, argv, NULL)) != CLI_OK)
		return rc;
	limit = o.limit;
	if (o.csv && cli->json)
		return cli_fail(CLI_USAGE, _("--csv and --json: choose one"));
	/* The BOM makes a spreadsheet read the file as UTF-8 (docs/csv.md);
	 * hoptac import skips it. */
	if (o.csv &&
	    (fputs("\xEF\xBB\xBF", stdout) == EOF ||
	        activity_csv_write_header(stdout) != 0))
		return cli_fail(CLI_ERROR, _("cannot write the output"));
	if (!cli->json && !o.csv && (t = table_create(8, headers)) == NULL)
		return cli_fail(CLI_ERROR, _("out of memory"));
	if (t != NULL)
		table_set_max_width(t, 7, 60);
	/* Pages are followed to the end (or the limit); JSON output gathers
	 * them into one object so scripts read one document. */
	for (;;) {
		uint32_t want = 1000;

		if (limit >= 0 && (long)all.n_activities + (long)want > limit)
			want = (uint32_t)(limit - (long)all.n_activities);
		if (want == 0)
			break;
		req->page_size = want;
		req->page_token = token != NULL ? token : (char *)"";
		rc = cli_call(cli, METHOD_ACTIVITIES_LIST, &req->base,
		    (ProtobufCMessage **)&resp, NULL);
		if (rc != CLI_OK)
			goto out;
		all.total = resp->total;
		for (size_t i = 0; i < resp->n_activities; i++) {
			if (t != NULL)
				cmd_activity_row(t, resp->activities[i]);
			if (o.csv &&
			    activity_csv_write(stdout, resp->activities[i]) !=
			        0) {
				rc = cli_fail(
				    CLI_ERROR, _("cannot write the output"));
				goto out;
			}
			if (cli->json) {
				Hoptac__V1__Activity **grown = realloc(
				    all.activities,
				    (all.n_activities + 1) * sizeof(*grown));

				if (grown == NULL) {
					rc = cli_fail(
					    CLI_ERROR, _("out of memory"));
					goto out;
				}
				all.activities = grown;
				all.activities[all.n_activities] =
				    resp->activities[i];
				resp->activities[i] = NULL;
			}
			all.n_activities++;
		}
		if (cli->json) {
			/* moved out above */
			resp->n_activities = 0;
		}
		free(token);
		token = resp->next_page_token[0] != '\0'
		    ? strdup(resp->next_page_token)
		    : NULL;
		hoptac__v1__list_activities_response__free_unpacked(resp, NULL);
		resp = NULL;
		if (token == NULL)
			break;
	}
	if (cli->json) {
		rc = cli_print_json(&all.base);
	} else if (t != NULL) {
		table_print(t, stdout);
		printf(_("%zu of %llu activities\n"), all.n_activities,
		    (unsigned long long)all.total);
	}
out:
	if (resp != NULL)
		hoptac__v1__list_activities_response__free_unpacked(resp, NULL);
	for (size_t i = 0; cli->json && i < all.n_activities; i++)
		hoptac__v1__activity__free_unpacked(all.activities[i], NULL);
	free(all.activities);
	free(token);
	table_destroy(t);
	return rc;
}

/* Fetches one activity; *out is the reply (caller frees it). */
static int
cmd_activity_fetch(
    struct cli *cli, const char *id, Hoptac__V1__GetActivityResponse **out)
{
	Hoptac__V1__GetActivityRequest req =
	    HOPTAC__V1__GET_ACTIVITY_REQUEST__INIT;

	req.id = (char *)id;
	return cli_call(cli, METHOD_ACTIVITIES_GET, &req.base,
	    (ProtobufCMessage **)out, NULL);
}

static int
cmd_activity_print(const ProtobufCMessage *req, const ProtobufCMessage *m)
{
	const Hoptac__V1__Activity *a =
	    ((const Hoptac__V1__GetActivityResponse *)(const void *)m)
	        ->activity;
	char buf[2048];

	(void)req;
	printf(_("id:        %s\n"), a->id);
	printf(_("version:   %lld%s\n"), (long long)a->version,
	    a->state == HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_WITHDRAWN
	        ? _(" (withdrawn)")
	        : "");
	if (a->withdraw_reason[0] != '\0')
		printf(_("withdrawn: %s\n"), a->withdraw_reason);
	printf(_("unit:      %s\n"), a->unit_code);
	cli_partner_labels(
	    buf, sizeof(buf), a->partner_codes, a->n_partner_codes, ", ");
	printf(_("partners:  %s\n"), buf);
	printf(_("kind:      %s\n"), cli_kind_label(a->kind));
	cli_join(buf, sizeof(buf), a->fields, a->n_fields, "; ");
	printf(_("fields:    %s\n"), buf);
	printf(_("dates:     %s%s%s\n"), a->start_date,
	    a->end_date[0] ? " – " : "", a->end_date);
	printf(_("place:     %s\n"), a->place);
	printf(_("title:     %s\n"), a->title);
	printf(_("people:    %d\n"), a->people);
	printf(_("leader:    %s\n"), a->leader);
	cli_join(buf, sizeof(buf), a->document_refs, a->n_document_refs, "; ");
	printf(_("documents: %s\n"), buf);
	printf(_("summary:   %s\n"), a->summary);
	printf(_("result:    %s\n"), a->result);
	return CLI_OK;
}

int
cmd_activity_show(struct cli *cli, int argc, char **argv)
{
	static const struct cli_args args = {
	    NULL, NULL, 1, 1, offsetof(Hoptac__V1__GetActivityRequest, id), 0};
	static const struct cli_show show = {
	    &args, METHOD_ACTIVITIES_GET, "activity", cmd_activity_print};
	Hoptac__V1__GetActivityRequest req =
	    HOPTAC__V1__GET_ACTIVITY_REQUEST__INIT;

	return cli_run(cli, &show, argc, argv, &req.base);
}

/* The activity id as the outbox last saw it sent (a Submit queued or
 * delivered from here): the base of an amendment made with no link. */
static int
cmd_activity_from_outbox(
    struct cli *cli, const char *id, Hoptac__V1__GetActivityResponse **out)
{
	static struct outbox_entry e[500];
	struct outbox *o = deliver_outbox(cli);
	int64_t after = 0;
	int n, found = 0;

	if (o == NULL)
		return -1;
	while (!found && (n = outbox_scan(o, -1, after, e, 500)) > 0) {
		for (int i = 0; i < n; i++) {
			Hoptac__V1__SubmitActivitiesRequest *r = NULL;

			if (!found &&
			    strcmp(e[i].method,
			        method_path(METHOD_ACTIVITIES_SUBMIT)) == 0)
				r = hoptac__v1__submit_activities_request__unpack(
				    NULL, e[i].len, e[i].payload);
			for (size_t k = 0; r != NULL && k < r->n_activities;
			     k++) {
				if (found ||
				    strcmp(r->activities[k]->id, id) != 0)
					continue;
				*out = malloc(sizeof(**out));
				if (*out == NULL)
					break;
				hoptac__v1__get_activity_response__init(*out);
				(*out)->activity = r->activities[k];
				r->activities[k] =
				    r->activities[--r->n_activities];
				found = 1;
			}
			if (r != NULL)
				hoptac__v1__submit_activities_request__free_unpacked(
				    r, NULL);
			outbox_entry_fini(&e[i]);
		}
		after = e[n - 1].seq;
	}
	outbox_close(o);
	return found ? 0 : -1;
}

/* The record an amendment starts from: the server's; with --queue, the
 * outbox's copy when the server does not answer. */
static int
cmd_activity_base(struct cli *cli, const char *id, int queue,
    Hoptac__V1__GetActivityResponse **out)
{
	Hoptac__V1__GetActivityRequest req =
	    HOPTAC__V1__GET_ACTIVITY_REQUEST__INIT;
	struct rpc_client_options opt = {3000, NULL, 2};
	struct rpc_client_status st;
	char err[256];
	int code;

	*out = NULL;
	if (!queue)
		return cmd_activity_fetch(cli, id, out);
	if (cli->client == NULL &&
	    (cli->client = cli_connect(cli, cli->server, TOKENFILE_ENV, &code,
	         err, sizeof(err))) == NULL)
		return cli_fail(code, "%s", err);
	req.id = (char *)id;
	rpc_client_invoke(cli->client, METHOD_ACTIVITIES_GET, &req.base,
	    (ProtobufCMessage **)out, &opt, &st);
	if (st.code == STATUS_OK)
		return CLI_OK;
	if (st.code != STATUS_UNAVAILABLE &&
	    st.code != STATUS_DEADLINE_EXCEEDED) {
		cli_print_status(cli, &st);
		return cli_exit_for(st.code);
	}
	if (cmd_activity_from_outbox(cli, id, out) != 0)
		return cli_fail(CLI_REFUSED,
		    _("activity %s: the server does not answer and the outbox "
		      "has no copy of it"),
		    id);
	return CLI_OK;
}

/* amend takes the field options and --version and --queue, but cannot
 * change the id. */
static int
cmd_activity_amend_option(void *ctx, int ch, char *arg)
{
	struct cmd_activity_edit *edit = ctx;

	switch (ch) {
	case 'Q':
		return CLI_OK; /* seen before the options are */
	case 'V':
		if ((edit->version = cli_number(arg)) <= 0)
			return cli_fail(
			    CLI_USAGE, _("--version takes a number"));
		return CLI_OK;
	case 'i':
		return cli_fail(CLI_USAGE, _("an activity's id cannot change"));
	default:
		return cmd_activity_value(ctx, ch, arg);
	}
}

int
cmd_activity_amend(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {CLI_VALUE("id", 'i'),
	    CMD_ACTIVITY_FIELD_OPTIONS, CLI_VALUE("version", 'V'),
	    CLI_SWITCH("queue", 'Q'), CLI_OPTIONS_END};
	static const struct cli_args args = {
	    opts, cmd_activity_amend_option, 0, 0, 0, 1};
	Hoptac__V1__AmendActivityRequest req =
	    HOPTAC__V1__AMEND_ACTIVITY_REQUEST__INIT;
	Hoptac__V1__AmendActivityResponse *resp = NULL;
	Hoptac__V1__GetActivityResponse *cur = NULL;
	struct cmd_activity_edit edit = {NULL, 0};
	char label[96], *id;
	int rc, queue = 0;

	/* The id comes first so the current record can be fetched and the
	 * options applied on top of it. */
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage_error(cli);
	id = argv[1];
	for (int k = 2; k < argc; k++)
		queue |= strcmp(argv[k], "--queue") == 0;
	if ((rc = cmd_activity_base(cli, id, queue, &cur)) != CLI_OK)
		return rc;
	edit.a = cur->activity;
	/* The options follow the id: they are parsed with the command's name
	 * in the id's place, where getopt_long expects it. */
	argv[1] = argv[0];
	if ((rc = cli_parse(cli, &args, &edit, argc - 1, argv + 1, NULL)) !=
	    CLI_OK)
		goto out;
	req.expected_version =
	    edit.version > 0 ? edit.version : cur->activity->version;
	if (req.expected_version <= 0) {
		rc = cli_fail(CLI_USAGE,
		    _("the outbox's copy has no version: give --version, the "
		      "one "
		      "the office last saw (1 for a record never amended)"));
		goto out;
	}
	if ((rc = cmd_activity_check(cli, cur->activity)) != CLI_OK)
		goto out;
	req.activity = cur->activity;
	if (queue) {
		/* Saved first; if the record changed on the server meanwhile,
		 * the server keeps this amendment as a conflict. */
		req.keep_on_conflict = 1;
		snprintf(label, sizeof(label), _("amendment of %s"), id);
		rc = deliver_now(cli, METHOD_ACTIVITIES_AMEND, &req.base, label,
		    (ProtobufCMessage **)&resp);
		if (rc == CLI_OK && resp == NULL) {
			printf(_("%s queued\n"), label);
			goto out;
		}
	} else {
		rc = cli_call(cli, METHOD_ACTIVITIES_AMEND, &req.base,
		    (ProtobufCMessage **)&resp, NULL);
	}
	if (rc != CLI_OK)
		goto out;
	if (resp->conflict_id != 0) {
		rc = cli_fail(CLI_REFUSED,
		    _("%s changed since version %lld (now %lld): the amendment "
		      "is "
		      "kept as conflict %lld for the department to resolve"),
		    id, (long long)req.expected_version,
		    (long long)resp->activity->version,
		    (long long)resp->conflict_id);
	} else if (cli->json) {
		rc = cli_print_json(&resp->activity->base);
	} else {
		printf(_("%s amended (version %lld)\n"), resp->activity->id,
		    (long long)resp->activity->version);
	}
out:
	if (resp != NULL)
		hoptac__v1__amend_activity_response__free_unpacked(resp, NULL);
	if (cur != NULL)
		hoptac__v1__get_activity_response__free_unpacked(cur, NULL);
	return rc;
}

static int
cmd_activity_withdraw_option(void *ctx, int ch, char *arg)
{
	Hoptac__V1__WithdrawActivityRequest *req = ctx;
	long version;

	(void)ch;
	if ((version = cli_number(arg)) <= 0)
		return CLI_BAD_OPTION;
	req->expected_version = version;
	return CLI_OK;
}

static int
cmd_activity_withdrawn(const ProtobufCMessage *req, const ProtobufCMessage *m)
{
	const Hoptac__V1__Activity *a =
	    ((const Hoptac__V1__WithdrawActivityResponse *)(const void *)m)
	        ->activity;

	(void)req;
	printf(
	    _("%s withdrawn (version %lld)\n"), a->id, (long long)a->version);
	return CLI_OK;
}

int
cmd_activity_withdraw(struct cli *cli, int argc, char **argv)
{
	static const struct cli_option opts[] = {
	    CLI_STRING("reason", Hoptac__V1__WithdrawActivityRequest, reason),
	    CLI_VALUE("version", 'V'),
	    CLI_OPTIONS_END,
	};
	static const struct cli_args args = {opts, cmd_activity_withdraw_option,
	    1, 1, offsetof(Hoptac__V1__WithdrawActivityRequest, id), 0};
	static const struct cli_show show = {&args, METHOD_ACTIVITIES_WITHDRAW,
	    "activity", cmd_activity_withdrawn};
	Hoptac__V1__WithdrawActivityRequest req =
	    HOPTAC__V1__WITHDRAW_ACTIVITY_REQUEST__INIT;

	return cli_run(cli, &show, argc, argv, &req.base);
}
