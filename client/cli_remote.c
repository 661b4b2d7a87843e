/*
 * The server's messages in the person's language. The server speaks
 * English (its logs and scripts read it, and it does not know who reads
 * its answers); the client knows the forms its messages take, finds the
 * one a message was written in and writes the catalogue's translation of
 * that form with the message's variable parts. A message of no known
 * form is shown as it came.
 */
#include <stdio.h>
#include <string.h>

#include "cli_i18n.h"

/* The forms, as the server and the checks of common/validate.c write
 * them. A conversion matches any text up to what follows it. */
static const char *const cli_remote_forms[] = {
    /* server/dispatch.c, server/auth.c: credentials and roles */
    N_("%s needs a credential and the call carries none"),
    N_("the credential is malformed"),
    N_("credential %s is not known"),
    N_("credential %s: wrong secret"),
    N_("credential %s was revoked"),
    N_("credential %s has expired"),
    N_("credential %s (%s) may not call %s"),
    N_("the office of %s may not change records of %s"),
    N_("the office of %s may not read records of %s"),
    /* common/rpc_client.c, common/tokenfile.c: before any call */
    N_("cannot connect to %s: no connection within the deadline"),
    N_("cannot connect to %s: %s"),
    N_("cannot read the credential file %s: %s"),
    N_("%s holds no credential"),
    N_("%s is not a regular file (a pipe, device or directory cannot hold "
       "a credential)"),
    N_("%s needs a CA file to verify the server (--ca or HOPTAC_CA)"),
    N_("refusing to send a credential in clear to %s: use tls+tcp://, or "
       "allow it with HOPTAC_ALLOW_PLAINTEXT=1"),
    N_("server URL \"%s\" must start with tcp://, tls+tcp:// or ipc://"),
    N_("the file %s ($%s)"),
    N_("the file %s"),
    N_("none: $%s, $%s and %s are all unset"),
    /* server: what is not there, or not any more */
    N_("activity %s not found"),
    N_("activity %s of unit %s not found"),
    N_("activity %s is withdrawn"),
    N_("activity %s is at version %lld, not %lld: read it again and retry"),
    N_("request %s not found"),
    N_("request %s already exists"),
    N_("request %s is not addressed to %s"),
    N_("request %s does not ask unit %s to report"),
    N_("unit %s not found"),
    N_("unit %s already exists"),
    N_("unknown parent unit %s"),
    N_("unit is required"),
    N_("invalid request"),
    N_("no report of %s to %s"),
    N_("revision %d was accepted already"),
    N_("revision %d is not the latest (%d): review the latest"),
    N_("credential %s not found"),
    N_("credential %s was revoked already"),
    N_("conflict %lld not found"),
    N_("conflict %lld was resolved already"),
    N_("key %s is registered already"),
    N_("the server is shutting down"),
    N_("the store failed"),
    N_("out of memory"),
    N_("the period holds more than %d records: ask for a shorter one"),
    N_("the report of %s to %s was accepted (revision %d); it cannot be "
       "replaced"),
    N_("the reply would be %zu bytes, over the %zu-byte limit: ask for less "
       "(a smaller page, a narrower filter)"),
    N_("message of %zu bytes is over the %zu-byte limit"),
    N_("request_id %s was used for another method"),
    N_("the answers to %s changed since the first page was read: ask for "
       "the first page again"),
    N_("credential %s has key %s already; a new key needs a new credential"),
    N_("no key %s vouched for: unknown, or its credential is revoked or "
       "expired"),
    N_("activity %s could not be amended"),
    N_("the summary could not be computed"),
    N_("the deadline passed before the call could start"),
    N_("the write could not be committed; retry"),
    /* server/readers.c: a read of activities while a settling fails */
    N_("activities acknowledged before this call could not be settled for "
       "reading: a record waiting is damaged (the server's log says which: "
       "HOPTACD-SETTLE)"),
    N_("activities acknowledged before this call could not be settled for "
       "reading (the server's log says why: HOPTACD-SETTLE); retry"),
    N_("the database could not be reached; nothing of this call was "
       "stored; retry"),
    /* server/writer.c with the store's reason: storage is full */
    N_("storage is full: the database has reached its size limit "
       "(max_db_size = %lld bytes); nothing of this call was stored"),
    N_("storage is full: the disk holding the database is full; nothing "
       "of this call was stored"),
    N_("storage is full: the disk holding the PostgreSQL database is full "
       "(SQLSTATE 53100); nothing of this call was stored"),
    /* common/validate.c: the details of a refusal */
    N_("is required"),
    N_("is not well-formed UTF-8"),
    N_("is not well-formed text"),
    N_("contains a NUL byte"),
    N_("contains a control character"),
    N_("must be one line"),
    N_("could not be stored"),
    N_("may not contain spaces"),
    N_("may only contain letters, digits and . _ : -"),
    N_("must differ from code"),
    N_("must not be negative"),
    N_("is longer than %d bytes"),
    N_("is longer than %zu characters (%zu)"),
    N_("must be between 0 and %d"),
    N_("unknown partner \"%s\""),
    N_("unknown kind %d"),
    N_("at least one partner is required"),
    N_("at least one unit must be asked"),
    N_("end_date is before start_date"),
    N_("valid_to is before valid_from"),
    N_("is before issued_on"),
    N_("is before period_from"),
    N_("must be a year such as 2027"),
    N_("a nil report (nothing happened) has no results"),
    N_("must be empty when %s is a span such as 2023 – 2025"),
    N_("must be a date such as 2024-05-02, 02/05/2024, 05/2024, quý "
       "III/2025, Q3/2025 or 2024, or a span: 2023 – 2025, từ tháng "
       "11/2022 đến tháng 3/2023"),
    N_("must be a date such as 2024-05-02, 02/05/2024, 05/2024, quý "
       "III/2025, Q3/2025 or 2024"),
    /* formats/activity_csv.c: a CSV file's rows */
    N_("unknown column \"%s\""),
    N_("column \"%s\" appears twice"),
    N_("required column \"%s\" is missing"),
    N_("no kind"),
    N_("unknown kind \"%s\""),
    N_("not a whole number of people (0 or more): \"%s\""),
    N_("%zu cells, but the header has %zu columns"),
    N_("cell %zu has a value but its column has no name"),
    N_("malformed CSV: a quote inside an unquoted cell, or text after a "
       "closing quote"),
    N_("a quoted cell is not closed before the end of the file"),
    N_("no header row: the file is empty"),
    N_("cannot read: %s"),
    /* formats/report_file_*.c: a report file */
    N_("'%s' is too large: %s"),
    N_("'%s' must be a whole number of 0 or more, not '%s'"),
    N_("'nil' must be yes, no, có or không, not '%s'"),
    N_("bad date '%s': write it as 24/8/2021, tháng 8 năm 2021 or "
       "2021-08-24"),
    N_("text before the first section: the header has only 'key: value' "
       "lines, and text goes under a section line such as '== situation'"),
    N_("unknown header key '%s' (known: %s)"),
    N_("'%s' given twice (first on line %zu)"),
    N_("line is longer than %d bytes"),
    N_("cannot read the file: %s"),
    N_("a control character in the line"),
    N_("a NUL byte in the line"),
    N_("invalid UTF-8: save the file as UTF-8 text"),
    N_("'%s' is empty"),
    N_("no 'request' line: the header must give the reference of the "
       "request answered, as in 'request: 558/SNgV-BGHTQT'"),
    N_("no 'unit' line: the header must give the code of the reporting "
       "unit, as in 'unit: KT-DAKGLEI'"),
    N_("a section line needs a name, as in '== situation'"),
    N_("unknown section '%s' (known: %s)"),
    N_("only the directions section takes a year, as in '== directions "
       "2027'"),
    N_("'%s' is not a year: write it with 4 digits, as in '== directions "
       "2027'"),
    N_("section '%s' given twice (first on line %zu)"),
    N_("a nil report (nil: yes, line %zu) has no results: remove this "
       "section or set nil: no"),
};

#define CLI_REMOTE_PARTS 4

struct cli_remote_part {
	const char *at;
	size_t len;
};

/* The end of the conversion at f (just after '%'), and its argument
 * number when written "%2$s" (0 otherwise). */
static const char *
cli_remote_conversion(const char *f, int *number)
{
	const char *p = f;
	int n = 0;

	while (*p >= '0' && *p <= '9')
		n = n * 10 + (*p++ - '0');
	if (*p == '$')
		p++;
	else {
		n = 0;
		p = f;
	}
	*number = n;
	p += strspn(p, "-+ #0123456789.*hlLqjzt");
	return *p != '\0' ? p + 1 : p;
}

/* Whether text is written in form; its variable parts into parts. */
static int
cli_remote_match(const char *form, const char *text,
    struct cli_remote_part *parts, size_t *n)
{
	const char *f = form, *t = text;

	*n = 0;
	while (*f != '\0') {
		const char *lit, *end, *at;
		size_t litlen;
		int number;

		if (*f != '%') {
			if (*f++ != *t++)
				return 0;
			continue;
		}
		if (f[1] == '%') {
			if (*t++ != '%')
				return 0;
			f += 2;
			continue;
		}
		if (*n == CLI_REMOTE_PARTS)
			return 0;
		f = cli_remote_conversion(f + 1, &number);
		lit = f;
		end = strchr(lit, '%');
		litlen = end != NULL ? (size_t)(end - lit) : strlen(lit);
		if (litlen == 0 && end == NULL)
			at = t + strlen(t);
		else if (litlen == 0) /* two parts in a row: no telling */
			return 0;
		else {
			char want[256];

			if (litlen >= sizeof(want))
				return 0;
			memcpy(want, lit, litlen);
			want[litlen] = '\0';
			/* The last literal ends the text: the part runs up to
			 * its last occurrence. */
			if (end == NULL) {
				size_t tl = strlen(t);

				if (tl < litlen ||
				    strcmp(t + tl - litlen, want) != 0)
					return 0;
				at = t + tl - litlen;
			} else if ((at = strstr(t, want)) == NULL)
				return 0;
		}
		if (at == t)
			return 0;
		parts[*n].at = t;
		parts[(*n)++].len = (size_t)(at - t);
		t = at;
	}
	return *t == '\0';
}

/* Writes form with its conversions replaced by parts, in order or by
 * their numbers ("%2$s"). */
static void
cli_remote_fill(const char *form, const struct cli_remote_part *parts, size_t n,
    char *out, size_t len)
{
	size_t used = 0, next = 0;

	for (const char *f = form; *f != '\0' && used + 1 < len;) {
		const struct cli_remote_part *p = NULL;
		size_t w;
		int number;

		if (*f != '%' || f[1] == '%') {
			out[used++] = *f;
			f += *f == '%' ? 2 : 1;
			continue;
		}
		f = cli_remote_conversion(f + 1, &number);
		if (number > 0 && (size_t)number <= n)
			p = &parts[number - 1];
		else if (number == 0 && next < n)
			p = &parts[next++];
		if (p == NULL)
			continue;
		w = p->len < len - 1 - used ? p->len : len - 1 - used;
		memcpy(out + used, p->at, w);
		used += w;
	}
	out[used] = '\0';
}

const char *
cli_remote_text(const char *text, char *out, size_t len)
{
	struct cli_remote_part parts[CLI_REMOTE_PARTS];
	size_t n;

	if (text == NULL || len == 0 || !cli_i18n_translated())
		return text;
	for (size_t i = 0;
	     i < sizeof(cli_remote_forms) / sizeof(cli_remote_forms[0]); i++) {
		const char *form = cli_remote_forms[i];

		if (!cli_remote_match(form, text, parts, &n))
			continue;
		if (_(form) == form)
			return text;
		cli_remote_fill(_(form), parts, n, out, len);
		return out;
	}
	return text;
}
