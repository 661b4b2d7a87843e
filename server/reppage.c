/* Pages of reports: see reppage.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbstr.h"
#include "reppage.h"
#include "rpc.h"
#include "status.h"

/* What a page holds at most: half the reply limit, the other half left
 * for what else the reply carries (a pull's requests, units, gazetteer),
 * and a count that keeps a page of nil reports small. */
#define REPPAGE_BYTES (RPC_MAX_MESSAGE / 2)
#define REPPAGE_ITEMS 1000
/* What an element of a repeated field adds to its own size at most: its
 * tag and its length. */
#define REPPAGE_ELEMENT_BYTES 6
#define REPPAGE_PREFIX        "p1."

/* The last report of the page before. */
struct reppage_place {
	int64_t stamp;
	char *reference; /* owned */
	char *unit;      /* owned */
	int64_t revision;
};

/* A decimal number of digits only, at *p, which it moves past it. */
static int
reppage_number(const char **p, int64_t *out)
{
	char *end;
	long long v;

	if (**p < '0' || **p > '9')
		return -1;
	errno = 0;
	v = strtoll(*p, &end, 10);
	if (errno != 0)
		return -1;
	*p = end;
	*out = (int64_t)v;
	return 0;
}

static const char reppage_digits[] = "0123456789abcdef";

static int
reppage_nibble(char c)
{
	const char *at = c != '\0' ? strchr(reppage_digits, c) : NULL;

	return at != NULL ? (int)(at - reppage_digits) : -1;
}

/* Lowercase hex up to the next '.', decoded into a heap string without
 * NUL bytes. */
static int
reppage_hex(const char **p, char **out)
{
	const char *s = *p, *end = strchr(s, '.');
	size_t len;
	char *d;

	if (end == NULL || (len = (size_t)(end - s)) % 2 != 0 ||
	    (d = malloc(len / 2 + 1)) == NULL)
		return -1;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = reppage_nibble(s[2 * i]),
		    lo = reppage_nibble(s[2 * i + 1]);

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(d);
			return -1;
		}
		d[i] = (char)(hi * 16 + lo);
	}
	d[len / 2] = '\0';
	*out = d;
	*p = end + 1;
	return 0;
}

/* "p1.stamp.hex(reference).hex(unit).revision". */
static int
reppage_parse(const char *s, struct reppage_place *pl)
{
	memset(pl, 0, sizeof(*pl));
	if (strncmp(s, REPPAGE_PREFIX, strlen(REPPAGE_PREFIX)) != 0)
		return -1;
	s += strlen(REPPAGE_PREFIX);
	if (reppage_number(&s, &pl->stamp) == 0 && *s++ == '.' &&
	    reppage_hex(&s, &pl->reference) == 0 &&
	    reppage_hex(&s, &pl->unit) == 0 &&
	    reppage_number(&s, &pl->revision) == 0 && *s == '\0')
		return 0;
	free(pl->reference);
	free(pl->unit);
	return -1;
}

static void
reppage_hex_put(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		fprintf(f, "%c%c", reppage_digits[(unsigned char)*s >> 4],
		    reppage_digits[(unsigned char)*s & 15]);
}

static int
reppage_format(char **field, int64_t stamp, const Hoptac__V1__Report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len); /* buf: ours once closed */
	int rc;

	if (f == NULL)
		return STATUS_INTERNAL;
	fprintf(f, REPPAGE_PREFIX "%" PRId64 ".", stamp);
	reppage_hex_put(f, r->request_reference);
	fputc('.', f);
	reppage_hex_put(f, r->unit_code);
	fprintf(f, ".%" PRId32, r->revision);
	rc = fclose(f) == 0 && pbstr_set(field, buf) == 0 ? STATUS_OK
	                                                  : STATUS_INTERNAL;
	free(buf);
	return rc;
}

int
reppage_check(const char *token, int64_t *stamp)
{
	struct reppage_place pl;

	*stamp = 0;
	if (token[0] == '\0')
		return 0;
	if (reppage_parse(token, &pl) != 0)
		return -1;
	*stamp = pl.stamp;
	free(pl.reference);
	free(pl.unit);
	return 0;
}

/* Whether r comes after the place in the store's order. */
static int
reppage_after(const Hoptac__V1__Report *r, const struct reppage_place *pl)
{
	int c = strcmp(r->request_reference, pl->reference);

	if (c == 0)
		c = strcmp(r->unit_code, pl->unit);
	return c > 0 || (c == 0 && r->revision > pl->revision);
}

int
reppage_cut(size_t *n, Hoptac__V1__Report **items, const char *token,
    int64_t stamp, char **next)
{
	struct reppage_place pl = {0, NULL, NULL, 0};
	size_t from = 0, kept = 0, bytes = 0;
	int rc = STATUS_OK;

	if (token[0] != '\0') {
		if (reppage_parse(token, &pl) != 0)
			return STATUS_INTERNAL;
		while (from < *n && !reppage_after(items[from], &pl))
			from++;
	}
	for (size_t i = from; i < *n; i++) {
		size_t add =
		    protobuf_c_message_get_packed_size(&items[i]->base) +
		    REPPAGE_ELEMENT_BYTES;

		if (kept > 0 &&
		    (bytes + add > REPPAGE_BYTES || kept == REPPAGE_ITEMS))
			break;
		bytes += add;
		kept++;
	}
	if (from + kept < *n)
		rc = reppage_format(next, stamp, items[from + kept - 1]);
	for (size_t i = 0; i < *n; i++)
		if (i < from || i >= from + kept)
			hoptac__v1__report__free_unpacked(items[i], NULL);
	if (kept > 0 && from > 0)
		memmove(items, items + from, kept * sizeof(*items));
	*n = kept;
	free(pl.reference);
	free(pl.unit);
	return rc;
}
