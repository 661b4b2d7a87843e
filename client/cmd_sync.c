/*
 * hoptac sync, hoptac status: delivering the outbox from scripts (cron,
 * systemd timers), and what it holds. docs/sync.md.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "deliver.h"
#include "outbox.h"
#include "rpc.h"
#include "status.h"
#include "table.h"

static void
cmd_sync_json(const struct deliver_stats *s, int rc, double secs)
{
	json_object *o = json_object_new_object();

	if (o == NULL)
		return;
	json_object_object_add(
	    o, "delivered", json_object_new_int64(s->delivered));
	json_object_object_add(o, "created", json_object_new_int64(s->created));
	json_object_object_add(o, "already_stored",
	    json_object_new_int64(s->existing + s->differ));
	json_object_object_add(o, "refused", json_object_new_int64(s->refused));
	json_object_object_add(o, "pending", json_object_new_int64(s->left));
	json_object_object_add(
	    o, "unreachable", json_object_new_boolean(s->unreachable));
	json_object_object_add(o, "exit", json_object_new_int(rc));
	json_object_object_add(o, "seconds", json_object_new_double(secs));
	if (s->unreachable || s->failed)
		json_object_object_add(
		    o, "error", json_object_new_string(s->last.message));
	puts(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int
cmd_sync(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"quiet", no_argument, NULL, 'q'},
	    {NULL, 0, NULL, 0},
	};
	struct deliver_stats s;
	struct outbox *o;
	int64_t start = rpc_now_ms();
	int quiet = 0, ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'q') {
			cli_usage("sync", NULL, 1);
			return CLI_USAGE;
		}
		quiet = 1;
	}
	if (optind != argc) {
		cli_usage("sync", NULL, 1);
		return CLI_USAGE;
	}
	if ((o = deliver_outbox(cli)) == NULL)
		return CLI_ERROR;
	if (outbox_lock(o) != 0) {
		outbox_close(o);
		if (!quiet)
			cli_fail(
			    0, "another hoptac sync is running on this outbox");
		return CLI_UNREACHABLE;
	}
	deliver_pending(cli, o, 0, quiet || cli->json, &s);
	outbox_close(o);
	rc = deliver_exit(&s);
	if (cli->json) {
		cmd_sync_json(&s, rc, (double)(rpc_now_ms() - start) / 1000.0);
		return rc;
	}
	if (!quiet || rc != CLI_OK) {
		printf(
		    "sync: %ld delivered (%ld activities stored, %ld already "
		    "there), %ld refused, %ld still queued\n",
		    s.delivered, s.created, s.existing + s.differ, s.refused,
		    s.left);
		if (s.unreachable)
			fprintf(stderr,
			    "hoptac: %s: %s; the queued work is kept for the "
			    "next "
			    "sync\n",
			    status_name(s.last.code), s.last.message);
		else if (s.failed)
			fprintf(stderr, "hoptac: %s: %s\n",
			    status_name(s.last.code), s.last.message);
	}
	return rc;
}

static void
cmd_status_when(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

/* Lists the entries in one state, at most max of the newest. */
static int
cmd_status_table(struct outbox *o, int state, const char *title, int max)
{
	static struct outbox_entry e[200];
	static const char *const headers[] = {
	    "QUEUED", "WHAT", "METHOD", "OUTCOME"};
	struct table *t;
	int n = outbox_list(o, state, e, max < 200 ? max : 200);

	if (n <= 0)
		return n;
	if ((t = table_create(4, headers)) == NULL)
		return -1;
	table_set_max_width(t, 3, 70);
	printf("\n%s:\n", title);
	for (int i = 0; i < n; i++) {
		char when[32];

		cmd_status_when(e[i].created_at_ms, when, sizeof(when));
		table_add_row(t,
		    (const char *const[]) {
		        when, e[i].label, e[i].method, e[i].message});
		outbox_entry_fini(&e[i]);
	}
	table_print(t, stdout);
	table_destroy(t);
	return n;
}

int
cmd_status(struct cli *cli, int argc, char **argv)
{
	struct outbox *o;
	long counts[3];
	int rc = CLI_OK;

	(void)argv;
	if (argc != 1) {
		cli_usage("status", NULL, 1);
		return CLI_USAGE;
	}
	if ((o = deliver_outbox(cli)) == NULL)
		return CLI_ERROR;
	if (outbox_counts(o, counts) != 0) {
		outbox_close(o);
		return cli_fail(CLI_ERROR, "cannot read the outbox");
	}
	if (cli->json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "outbox",
		    json_object_new_string(cli->outbox_path
		            ? cli->outbox_path
		            : outbox_default_path()));
		json_object_object_add(j, "pending",
		    json_object_new_int64(counts[OUTBOX_PENDING]));
		json_object_object_add(j, "delivered",
		    json_object_new_int64(counts[OUTBOX_DELIVERED]));
		json_object_object_add(j, "refused",
		    json_object_new_int64(counts[OUTBOX_REFUSED]));
		puts(json_object_to_json_string_ext(j,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	} else {
		printf("outbox %s: %ld queued, %ld delivered, %ld refused\n",
		    cli->outbox_path ? cli->outbox_path : outbox_default_path(),
		    counts[OUTBOX_PENDING], counts[OUTBOX_DELIVERED],
		    counts[OUTBOX_REFUSED]);
		if (cmd_status_table(o, OUTBOX_PENDING, "queued", 50) < 0 ||
		    cmd_status_table(o, OUTBOX_REFUSED, "refused", 50) < 0)
			rc = cli_fail(CLI_ERROR, "cannot read the outbox");
	}
	outbox_close(o);
	return rc;
}
