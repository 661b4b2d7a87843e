/*
 * --unit by name: people know their units as "Đắk Glei" or "mường xén",
 * not as KT-DAKGLEI. A value written as a code is taken as it is; any
 * other is looked up among the server's units on folded text
 * (docs/csv.md's folding: case, diacritics, spacing and punctuation do
 * not count).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_i18n.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "text.h"

/* Candidates named in the refusal of a name that several units match. */
#define CLI_UNIT_SHOWN 6

/* Whether s is written as a code: only the characters codes have. */
static int
cli_unit_is_code(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		        (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		        *s == ':' || *s == '-'))
			return 0;
	return 1;
}

/* How well the folded name matches the folded query: 2 equal, 1 the
 * query's words appear in it in a row, 0 not at all. */
static int
cli_unit_match(const char *name, const char *query)
{
	size_t nl = strlen(name), ql = strlen(query);
	const char *p;

	if (strcmp(name, query) == 0)
		return 2;
	for (p = strstr(name, query); p != NULL; p = strstr(p + 1, query))
		if ((p == name || p[-1] == ' ') &&
		    (p + ql == name + nl || p[ql] == ' '))
			return 1;
	return 0;
}

/* The match of a unit: the better of its name and its code. */
static int
cli_unit_score(const Hoptac__V1__Unit *u, const char *query)
{
	char *name = text_fold(u->name), *code = text_fold(u->code);
	int a = name != NULL ? cli_unit_match(name, query) : 0;
	int b = code != NULL ? cli_unit_match(code, query) : 0;

	free(name);
	free(code);
	return a > b ? a : b;
}

/* No unit has the name: the nearest one, compared with as many of the
 * last words of each name as the query has ("dak gle" with "đắk glei"
 * of "UBND huyện Đắk Glei"). */
static int
cli_unit_none(const Hoptac__V1__ListUnitsResponse *resp, const char *text,
    const char *query)
{
	const char **tails = calloc(resp->n_units + 1, sizeof(*tails));
	const char *near = NULL;
	char **folded = calloc(resp->n_units + 1, sizeof(*folded));
	size_t words = 1;

	for (const char *p = query; *p != '\0'; p++)
		words += *p == ' ';
	for (size_t i = 0; tails != NULL && folded != NULL && i < resp->n_units;
	     i++) {
		const char *t;
		size_t w = 0;

		if ((folded[i] = text_fold(resp->units[i]->name)) == NULL)
			continue;
		t = folded[i] + strlen(folded[i]);
		while (t > folded[i] && w < words)
			if (*--t == ' ' && ++w == words)
				t++;
		tails[i] = t;
	}
	if (tails != NULL && folded != NULL) {
		near = cli_suggest(query, tails, resp->n_units);
		for (size_t i = 0; near != NULL && i < resp->n_units; i++)
			if (tails[i] == near)
				near = resp->units[i]->name;
	}
	cli_fail(0, _("--unit \"%s\": no unit has that name"), text);
	if (near != NULL)
		fprintf(stderr, _("  did you mean \"%s\"?\n"), near);
	fputs(_("  hoptac unit list shows the units, their codes and names\n"),
	    stderr);
	for (size_t i = 0; folded != NULL && i < resp->n_units; i++)
		free(folded[i]);
	free(folded);
	free(tails);
	return CLI_USAGE;
}

int
cli_unit_code(struct cli *cli, const char *text, char **code)
{
	Hoptac__V1__ListUnitsRequest req = HOPTAC__V1__LIST_UNITS_REQUEST__INIT;
	Hoptac__V1__ListUnitsResponse *resp = NULL; /* freed at out */
	char *query = NULL;                         /* freed at out */
	const Hoptac__V1__Unit *best[CLI_UNIT_SHOWN];
	size_t n = 0;
	int top = 0, rc;

	*code = (char *)text;
	if (cli_unit_is_code(text))
		return CLI_OK;
	if ((query = text_fold(text)) == NULL || query[0] == '\0') {
		rc =
		    cli_fail(CLI_USAGE, _("--unit \"%s\" names no unit"), text);
		goto out;
	}
	req.include_ended = 1;
	if ((rc = cli_call(cli, METHOD_UNITS_LIST, &req.base,
	         (ProtobufCMessage **)&resp, NULL)) != CLI_OK)
		goto out;
	/* The best matches only: a name equal to the query wins over the
	 * names that merely hold it. */
	for (size_t i = 0; i < resp->n_units; i++) {
		int s = cli_unit_score(resp->units[i], query);

		if (s == 0 || s < top)
			continue;
		if (s > top) {
			top = s;
			n = 0;
		}
		if (n < CLI_UNIT_SHOWN)
			best[n] = resp->units[i];
		n++;
	}
	if (n == 0) {
		rc = cli_unit_none(resp, text, query);
		goto out;
	}
	if (n > 1) {
		fprintf(stderr, _("hoptac: --unit \"%s\" matches %zu units:\n"),
		    text, n);
		for (size_t i = 0; i < n && i < CLI_UNIT_SHOWN; i++)
			fprintf(
			    stderr, "  %s  %s\n", best[i]->code, best[i]->name);
		rc = cli_fail(CLI_USAGE, _("name one of them by its code"));
		goto out;
	}
	if (pbstr_append(&cli->n_owned, &cli->owned, best[0]->code) != 0) {
		rc = cli_fail(CLI_ERROR, _("out of memory"));
		goto out;
	}
	*code = cli->owned[cli->n_owned - 1];
	rc = CLI_OK;
out:
	if (resp != NULL)
		hoptac__v1__list_units_response__free_unpacked(resp, NULL);
	free(query);
	return rc;
}
