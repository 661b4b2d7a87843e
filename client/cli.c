#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pbjson.h"
#include "status.h"
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

void
cli_print_status(const struct rpc_client_status *st)
{
	fprintf(stderr, "hoptac: %s: %s\n", status_name(st->code), st->message);
	for (size_t i = 0; i < st->violations.count; i++)
		fprintf(stderr, "  %s: %s\n", st->violations.items[i].field,
		    st->violations.items[i].description);
	if (st->violations.dropped > 0)
		fprintf(stderr, "  (%zu more)\n", st->violations.dropped);
}

struct rpc_client *
cli_connect(struct cli *cli, const char *url, const char *token_var, char *err,
    size_t errlen)
{
	struct rpc_client_security sec = {
	    cli->ca_file, getenv("HOPTAC_SERVER_NAME"), 0};
	const char *allow = getenv("HOPTAC_ALLOW_PLAINTEXT");
	char token[TOKENFILE_MAX];
	struct rpc_client *c;

	if (sec.ca_file == NULL)
		sec.ca_file = getenv("HOPTAC_CA");
	sec.allow_plaintext = allow != NULL && strcmp(allow, "1") == 0;
	if (tokenfile_read(token_var, token, sizeof(token), err, errlen) != 0)
		return NULL;
	c = rpc_client_open_secure(url, token, &sec, err, errlen);
	memset(token, 0, sizeof(token));
	return c;
}

int
cli_call(struct cli *cli, enum method_id method, const ProtobufCMessage *req,
    ProtobufCMessage **resp, const char *request_id)
{
	struct rpc_client_options opt = {cli->timeout_ms, request_id, 0};
	struct rpc_client_status st;
	char err[256];

	*resp = NULL;
	if (cli->client == NULL &&
	    (cli->client = cli_connect(
	         cli, cli->server, TOKENFILE_ENV, err, sizeof(err))) == NULL)
		return cli_fail(CLI_ERROR, "%s", err);
	if (rpc_client_invoke(cli->client, method, req, resp, &opt, &st) ==
	    STATUS_OK)
		return CLI_OK;
	cli_print_status(&st);
	return cli_exit_for(st.code);
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

int
cli_print_json(const ProtobufCMessage *m)
{
	json_object *o = pbjson_from_message(m, 0);

	if (o == NULL)
		return cli_fail(CLI_ERROR, "out of memory");
	puts(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return CLI_OK;
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

int
cli_invalid(const struct violations *v, const char *what)
{
	for (size_t i = 0; i < v->count; i++)
		fprintf(stderr, "  %s: %s\n", v->items[i].field,
		    v->items[i].description);
	return cli_fail(CLI_INVALID, "INVALID_ARGUMENT: %s", what);
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
