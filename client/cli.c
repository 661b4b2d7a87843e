#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_i18n.h"
#include "date.h"
#include "hoptac/v1/auth.pb-c.h"
#include "pbjson.h"
#include "pbstr.h"
#include "rpc.h"
#include "status.h"
#include "table.h"
#include "tokenfile.h"

int
cli_fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("hoptac: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int
cli_exit_for(int status)
{
	switch (status) {
	case STATUS_OK:
		return CLI_OK;
	case STATUS_INVALID_ARGUMENT:
	case STATUS_OUT_OF_RANGE:
	case STATUS_RESOURCE_EXHAUSTED:
		return CLI_INVALID;
	case STATUS_UNAVAILABLE:
	case STATUS_DEADLINE_EXCEEDED:
		return CLI_UNREACHABLE;
	case STATUS_PERMISSION_DENIED:
	case STATUS_UNAUTHENTICATED:
		return CLI_DENIED;
	case STATUS_NOT_FOUND:
	case STATUS_ALREADY_EXISTS:
	case STATUS_FAILED_PRECONDITION:
	case STATUS_ABORTED:
	case STATUS_UNIMPLEMENTED:
		return CLI_REFUSED;
	default:
		return CLI_ERROR;
	}
}

struct rpc_client *
cli_connect(struct cli *cli, const char *url, const char *token_var, int *code,
    char *err, size_t errlen)
{
	struct rpc_client_security sec = {
	    cli->ca_file, getenv("HOPTAC_SERVER_NAME"), 0};
	const char *allow = getenv("HOPTAC_ALLOW_PLAINTEXT");
	char token[TOKENFILE_MAX];
	struct rpc_client *c;

	if (sec.ca_file == NULL)
		sec.ca_file = getenv("HOPTAC_CA");
	sec.allow_plaintext = allow != NULL && strcmp(allow, "1") == 0;
	if (tokenfile_read(token_var, token, sizeof(token), err, errlen) != 0) {
		*code = CLI_DENIED;
		return NULL;
	}
	c = rpc_client_open_secure(url, token, &sec, err, errlen);
	*code = c != NULL ? CLI_OK : errno == EINVAL ? CLI_CONFIG : CLI_ERROR;
	memset(token, 0, sizeof(token));
	return c;
}

int
cli_call(struct cli *cli, enum method_id method, const ProtobufCMessage *req,
    ProtobufCMessage **resp, const char *request_id)
{
	struct rpc_client_status st;
	int rc = cli_invoke(cli, method, req, resp, request_id, &st);

	if (rc != CLI_OK || st.code == STATUS_OK)
		return rc;
	cli_print_status(cli, &st);
	return cli_exit_for(st.code);
}

int
cli_invoke(struct cli *cli, enum method_id method, const ProtobufCMessage *req,
    ProtobufCMessage **resp, const char *request_id,
    struct rpc_client_status *st)
{
	struct rpc_client_options opt = {cli->timeout_ms, request_id, 0};
	char err[256], said[512];
	int code;

	*resp = NULL;
	if (cli->client == NULL &&
	    (cli->client = cli_connect(cli, cli->server, TOKENFILE_ENV, &code,
	         err, sizeof(err))) == NULL) {
		rpc_client_status_fail(st, STATUS_UNAVAILABLE, "%s", err);
		return cli_fail(
		    code, "%s", cli_remote_text(err, said, sizeof(said)));
	}
	rpc_client_invoke(cli->client, method, req, resp, &opt, st);
	return CLI_OK;
}

int
cli_fetch(struct cli *cli, enum method_id method, const ProtobufCMessage *req,
    ProtobufCMessage **resp)
{
	int rc = cli_call(cli, method, req, resp, NULL);

	if (rc != CLI_OK || !cli->json)
		return rc;
	rc = cli_print_json(*resp);
	protobuf_c_message_free_unpacked(*resp, NULL);
	*resp = NULL;
	return rc;
}

const struct cli_args cli_no_args = {NULL, NULL, 0, 0, 0, 0};
const struct cli_args cli_one_arg = {NULL, NULL, 1, 1, 0, 0};

int
cli_usage_error(struct cli *cli)
{
	cli_usage(cli->command->noun, cli->command->verb, 1);
	return CLI_USAGE;
}

/* Where the fields the options of a fill are. */
static char *
cli_fields(const struct cli_args *a, void *ctx)
{
	char *message;

	if (!a->indirect)
		return ctx;
	memcpy(&message, ctx, sizeof(message));
	return message;
}

/* Takes the i-th option of a into ctx; first says whether it is the
 * option's first use. */
static int
cli_take(const struct cli_args *a, size_t i, int first, void *ctx, char *arg)
{
	const struct cli_option *o = &a->options[i];
	char *field = cli_fields(a, ctx) + o->offset;
	size_t *count = (size_t *)(void *)(cli_fields(a, ctx) + o->count);
	protobuf_c_boolean yes = 1;
	int bad = 0;

	switch (o->kind) {
	case CLI_OPT_STRING:
		memcpy(field, &arg, sizeof(arg));
		break;
	case CLI_OPT_COPY:
		bad = pbstr_set((char **)(void *)field, arg);
		break;
	case CLI_OPT_LIST:
		if (first)
			pbstr_clear_all(count, (char ***)(void *)field);
		bad = pbstr_append(count, (char ***)(void *)field, arg);
		break;
	case CLI_OPT_FLAG:
		memcpy(field, &yes, sizeof(yes));
		break;
	default:
		return a->option(ctx, o->ch, arg);
	}
	return bad ? cli_fail(CLI_ERROR, _("out of memory")) : CLI_OK;
}

/* An option getopt_long did not take: arg is the word typed, missing
 * says it lacked its value. The headline, a suggestion, the usage. */
static int
cli_bad_option(
    struct cli *cli, const struct cli_args *a, const char *arg, int missing)
{
	const char *names[CLI_OPTIONS_MAX];
	const char *name = arg, *near;
	size_t n = 0, len;

	while (*name == '-')
		name++;
	len = strcspn(name, "=");
	if (missing) {
		cli_fail(0, _("%.*s needs a value"), (int)(len + 2), arg);
	} else {
		char typed[64];

		snprintf(typed, sizeof(typed), "%.*s", (int)len, name);
		for (; a->options != NULL && a->options[n].name != NULL; n++)
			names[n] = a->options[n].name;
		near = cli_suggest(typed, names, n);
		cli_fail(0, _("unknown option %s for hoptac %s%s%s"), arg,
		    cli->command->noun, cli->command->verb ? " " : "",
		    cli->command->verb ? cli->command->verb : "");
		if (near != NULL)
			fprintf(stderr, _("  did you mean --%s?\n"), near);
	}
	return cli_usage_error(cli);
}

int
cli_parse(struct cli *cli, const struct cli_args *a, void *ctx, int argc,
    char **argv, char ***args)
{
	/* Option i comes back from getopt_long as CLI_FIRST + i, clear of
	 * the '?' of an unknown option. */
	enum { CLI_FIRST = 256 };
	struct option opts[CLI_OPTIONS_MAX + 1];
	unsigned char seen[CLI_OPTIONS_MAX] = {0};
	char *arg;
	size_t i;
	int ch, rc, n;

	optind = 1;
	if (a->options != NULL) {
		for (i = 0; a->options[i].name != NULL; i++) {
			const struct cli_option *o = &a->options[i];

			if (i == CLI_OPTIONS_MAX)
				return cli_fail(CLI_ERROR,
				    _("%s takes more than %d options"),
				    cli->command->noun, CLI_OPTIONS_MAX);

			opts[i].name = o->name;
			opts[i].has_arg =
			    o->kind == CLI_OPT_FLAG || o->kind == CLI_OPT_SWITCH
			    ? no_argument
			    : required_argument;
			opts[i].flag = NULL;
			opts[i].val = CLI_FIRST + (int)i;
		}
		memset(&opts[i], 0, sizeof(opts[i]));
		optind = 0;
		opterr = 0; /* cli_bad_option says it, with a suggestion */
		cli->options = a->options;
		while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
			if (ch < CLI_FIRST)
				return cli_bad_option(
				    cli, a, argv[optind - 1], ch == ':');
			i = (size_t)(ch - CLI_FIRST);
			arg = optarg;
			/* Units are named as people know them. */
			if (strcmp(a->options[i].name, "unit") == 0 &&
			    (a->options[i].kind == CLI_OPT_STRING ||
			        a->options[i].kind == CLI_OPT_COPY ||
			        a->options[i].kind == CLI_OPT_LIST) &&
			    (rc = cli_unit_code(cli, optarg, &arg)) != CLI_OK)
				return rc;
			rc = cli_take(a, i, !seen[i], ctx, arg);
			seen[i] = 1;
			if (rc != CLI_OK)
				return rc == CLI_BAD_OPTION
				    ? cli_usage_error(cli)
				    : rc;
		}
	}
	n = argc - optind;
	if (n < a->min_args || (a->max_args >= 0 && n > a->max_args))
		return cli_usage_error(cli);
	if (a->arg_offset != 0 && n > 0)
		memcpy(cli_fields(a, ctx) + a->arg_offset, &argv[optind],
		    sizeof(argv[optind]));
	if (args != NULL)
		*args = argv + optind;
	return CLI_OK;
}

int
cli_show(struct cli *cli, const struct cli_show *s, const ProtobufCMessage *req)
{
	const ProtobufCFieldDescriptor *f = NULL;
	const ProtobufCMessage *part;
	ProtobufCMessage *resp;
	int rc = cli_call(cli, s->method, req, &resp, NULL);

	if (rc != CLI_OK)
		return rc;
	part = resp;
	if (s->json_part != NULL) {
		f = protobuf_c_message_descriptor_get_field_by_name(
		    resp->descriptor, s->json_part);
		if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE)
			part = NULL;
		else
			memcpy(&part, (const char *)resp + f->offset,
			    sizeof(part));
	}
	if (cli->json && part == NULL)
		rc =
		    cli_fail(CLI_ERROR, _("the reply has no %s"), s->json_part);
	else if (cli->json)
		rc = cli_print_json(part);
	else
		rc = s->print(req, resp);
	protobuf_c_message_free_unpacked(resp, NULL);
	return rc;
}

int
cli_run(struct cli *cli, const struct cli_show *s, int argc, char **argv,
    ProtobufCMessage *req)
{
	int rc = cli_parse(cli, s->args, req, argc, argv, NULL);

	return rc != CLI_OK ? rc : cli_show(cli, s, req);
}

/* The table of a list command's reply. */
static int
cli_list_table(const struct cli_list *l, const ProtobufCMessage *resp)
{
	const ProtobufCFieldDescriptor *f =
	    protobuf_c_message_descriptor_get_field_by_name(
	        resp->descriptor, l->items);
	const char *base = (const char *)resp;
	void *const *items;
	struct table *t;
	size_t n;

	if (f == NULL || f->label != PROTOBUF_C_LABEL_REPEATED)
		return cli_fail(
		    CLI_ERROR, _("the reply has no list %s"), l->items);
	if ((t = table_create(l->ncols, l->headers)) == NULL)
		return cli_fail(CLI_ERROR, _("out of memory"));
	memcpy(&n, base + f->quantifier_offset, sizeof(n));
	memcpy(&items, base + f->offset, sizeof(items));
	for (size_t c = 0; l->max_widths != NULL && c < l->ncols; c++)
		table_set_max_width(t, c, l->max_widths[c]);
	for (size_t i = 0; i < n; i++)
		l->row(t, items[i]);
	if (l->head != NULL)
		l->head(resp);
	table_print(t, stdout);
	table_destroy(t);
	return CLI_OK;
}

int
cli_list(struct cli *cli, const struct cli_list *l, int argc, char **argv,
    ProtobufCMessage *req)
{
	ProtobufCMessage *resp;
	int rc = cli_parse(cli, l->args, req, argc, argv, NULL);

	if (rc != CLI_OK)
		return rc;
	/* A list the caller does not size comes whole, every page of it. */
	if (protobuf_c_message_descriptor_get_field_by_name(
	        req->descriptor, "page_token") != NULL &&
	    protobuf_c_message_descriptor_get_field_by_name(
	        req->descriptor, "page_size") == NULL)
		rc = cli_call_pages(cli, l->method, req, l->items, NULL, &resp);
	else
		rc = cli_call(cli, l->method, req, &resp, NULL);
	if (rc == CLI_OK && cli->json) {
		rc = cli_print_json(resp);
		protobuf_c_message_free_unpacked(resp, NULL);
		return rc;
	}
	if (rc != CLI_OK)
		return rc;
	rc = cli_list_table(l, resp);
	if (rc == CLI_OK && l->foot != NULL)
		rc = l->foot(req, resp);
	protobuf_c_message_free_unpacked(resp, NULL);
	return rc;
}

int
cli_print_json(const ProtobufCMessage *m)
{
	json_object *o = pbjson_from_message(m, 0);

	if (o == NULL)
		return cli_fail(CLI_ERROR, _("out of memory"));
	puts(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return CLI_OK;
}

int64_t
cli_day_ms(const char *text)
{
	struct date_partial d;

	if (date_parse(text, &d) != 0 || d.day == 0)
		return -1;
	return ((int64_t)date_first_day(&d) * 86400 + (int64_t)5 * 3600) * 1000;
}

long
cli_number(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0)
		return -1;
	return v;
}

void
cli_join(char *out, size_t len, char *const *items, size_t n, const char *sep)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(
		    out + used, len - used, "%s%s", i ? sep : "", items[i]);
}

void
cli_when(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

/* The unit an office's credential is bound to, or NULL (another role,
 * or no answer). */
const char *
cli_own_unit(struct cli *cli, char *buf, size_t len)
{
	Hoptac__V1__WhoAmIRequest req = HOPTAC__V1__WHO_AM_IREQUEST__INIT;
	Hoptac__V1__WhoAmIResponse *resp = NULL;
	struct rpc_client_options opt = {cli->timeout_ms, NULL, 1};
	struct rpc_client_status st;
	char err[256];
	int code;

	if (cli->client == NULL)
		cli->client = cli_connect(
		    cli, cli->server, TOKENFILE_ENV, &code, err, sizeof(err));
	if (cli->client == NULL ||
	    rpc_client_invoke(cli->client, METHOD_CREDENTIALS_WHO_AM_I,
	        &req.base, (ProtobufCMessage **)&resp, &opt, &st) != STATUS_OK)
		return NULL;
	snprintf(buf, len, "%s", resp->credential->unit_code);
	hoptac__v1__who_am_iresponse__free_unpacked(resp, NULL);
	return buf[0] != '\0' ? buf : NULL;
}

const char *
cli_name_the_unit(void)
{
	return _("name the unit with --unit CODE (the credential is not an "
	         "office's, and no unit is configured)");
}

const char *
cli_default_unit(struct cli *cli, const char *given, char *buf, size_t len)
{
	const char *env = getenv("HOPTAC_UNIT");

	if (given != NULL && given[0] != '\0')
		return given;
	if (env != NULL && env[0] != '\0')
		return env;
	return cli_own_unit(cli, buf, len);
}
