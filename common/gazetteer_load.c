/* Reading the gazetteer's file (docs/gazetteer.md). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gazetteer_int.h"
#include "text.h"

#define GAZETTEER_HEADER "code\tlevel\tparent\tname\tlatin\taliases\tmembers"
#define GAZETTEER_FIELDS 7
/* Larger than any real file by far; a bigger one is not a gazetteer. */
#define GAZETTEER_FILE_MAX (4 << 20)

/* Where the parse stands, for messages. */
struct gazetteer_parse {
	const char *name;
	size_t line;
	char *err;
	size_t errlen;
};

static int gazetteer_fail(struct gazetteer_parse *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
gazetteer_fail(struct gazetteer_parse *ps, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "%s:%zu: %s", ps->name, ps->line, why);
	return -1;
}

/* A field's text from the pool: well-formed, NFC, spaces trimmed. */
static int
gazetteer_field(struct gazetteer_parse *ps, const char *what, const char *s,
    size_t len, const char **out)
{
	char *copy, *nfc = NULL;
	int rc = -1;

	while (len > 0 && s[0] == ' ')
		s++, len--;
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (text_check(s, len) != TEXT_OK)
		return gazetteer_fail(ps, "%s is not well-formed text", what);
	if ((copy = gazetteer_alloc(len + 1)) == NULL)
		return gazetteer_fail(ps, "out of memory");
	memcpy(copy, s, len);
	if ((nfc = text_nfc(copy)) == NULL)
		return gazetteer_fail(ps, "out of memory");
	if (strcmp(nfc, copy) != 0)
		gazetteer_fail(ps, "%s \"%s\" is not in NFC", what, copy);
	else
		rc = 0;
	free(nfc);
	*out = copy;
	return rc;
}

/* The items of a list field separated by sep, NULL-terminated. */
static int
gazetteer_items(struct gazetteer_parse *ps, const char *what, const char *s,
    size_t len, char sep, const char *const **out)
{
	const char **items;
	size_t n = 1, k = 0;

	*out = NULL;
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		n += s[i] == sep;
	if ((items = gazetteer_alloc((n + 1) * sizeof(*items))) == NULL)
		return gazetteer_fail(ps, "out of memory");
	while (k < n) {
		const char *end = memchr(s, sep, len);
		size_t m = end != NULL ? (size_t)(end - s) : len;

		if (gazetteer_field(ps, what, s, m, &items[k]) != 0)
			return -1;
		if (items[k][0] == '\0')
			return gazetteer_fail(ps, "an empty item in %s", what);
		k++;
		s += m + (end != NULL);
		len -= m + (end != NULL);
	}
	*out = items;
	return 0;
}

/* Checks what one line says of itself. */
static int
gazetteer_check_line(
    struct gazetteer_parse *ps, struct gazetteer_entry *e, const char *level)
{
	const struct gazetteer_partner *p = &e->p;
	size_t plen = p->parent_code != NULL ? strlen(p->parent_code) : 0;

	if (!gazetteer_code_ok(p->code))
		return gazetteer_fail(ps,
		    "code \"%s\" is not capitals, digits and hyphens", p->code);
	if (strcmp(level, "province") == 0)
		e->p.level = GAZETTEER_PROVINCE;
	else if (strcmp(level, "district") == 0)
		e->p.level = GAZETTEER_DISTRICT;
	else if (strcmp(level, "group") == 0)
		e->p.level = GAZETTEER_GROUP;
	else
		return gazetteer_fail(ps,
		    "level \"%s\" is not province, district or group", level);
	if (p->name[0] == '\0' || p->name_latin[0] == '\0')
		return gazetteer_fail(
		    ps, "%s has no name or no latin name", p->code);
	if (p->level != GAZETTEER_GROUP && p->members != NULL)
		return gazetteer_fail(
		    ps, "%s has members but is not a group", p->code);
	if (p->level == GAZETTEER_PROVINCE &&
	    (strncmp(p->code, "LA-", 3) != 0 ||
	        !gazetteer_is_province(p->code)))
		return gazetteer_fail(ps,
		    "a province's code is LA- and two capitals, not \"%s\"",
		    p->code);
	if (p->level == GAZETTEER_DISTRICT &&
	    (plen == 0 || strncmp(p->code, p->parent_code, plen) != 0 ||
	        p->code[plen] != '-' || p->code[plen + 1] == '\0'))
		return gazetteer_fail(ps,
		    "a district's code is its province's, a hyphen and a "
		    "name, not \"%s\"",
		    p->code);
	if (p->level != GAZETTEER_DISTRICT && plen != 0)
		return gazetteer_fail(
		    ps, "%s has a parent but is not a district", p->code);
	if (p->level == GAZETTEER_GROUP &&
	    (strncmp(p->code, "G-", 2) != 0 || p->members == NULL))
		return gazetteer_fail(ps,
		    "a group's code starts with G- and it has members: %s",
		    p->code);
	return 0;
}

/* One line of fields into e. */
static int
gazetteer_line(struct gazetteer_parse *ps, const char *s, size_t len,
    struct gazetteer_entry *e)
{
	const char *f[GAZETTEER_FIELDS], *level = NULL;
	size_t flen[GAZETTEER_FIELDS], n = 0;

	for (;;) {
		const char *tab = memchr(s, '\t', len);
		size_t m = tab != NULL ? (size_t)(tab - s) : len;

		if (n < GAZETTEER_FIELDS) {
			f[n] = s;
			flen[n] = m;
		}
		n++;
		if (tab == NULL)
			break;
		s += m + 1;
		len -= m + 1;
	}
	if (n != GAZETTEER_FIELDS)
		return gazetteer_fail(ps,
		    "%zu fields, not %d separated by tabs", n,
		    GAZETTEER_FIELDS);
	memset(e, 0, sizeof(*e));
	e->line = ps->line;
	if (gazetteer_field(ps, "code", f[0], flen[0], &e->p.code) != 0 ||
	    gazetteer_field(ps, "level", f[1], flen[1], &level) != 0 ||
	    gazetteer_field(ps, "parent", f[2], flen[2], &e->p.parent_code) !=
	        0 ||
	    gazetteer_field(ps, "name", f[3], flen[3], &e->p.name) != 0 ||
	    gazetteer_field(ps, "latin", f[4], flen[4], &e->p.name_latin) !=
	        0 ||
	    gazetteer_items(ps, "aliases", f[5], flen[5], '|', &e->p.aliases) !=
	        0 ||
	    gazetteer_items(ps, "members", f[6], flen[6], ' ', &e->p.members) !=
	        0)
		return -1;
	if (e->p.parent_code[0] == '\0')
		e->p.parent_code = NULL;
	if (e->p.aliases == NULL) {
		static const char *const none[] = {NULL};

		e->p.aliases = none;
	}
	return gazetteer_check_line(ps, e, level);
}

/* What lines say of each other: codes, parents, members, spellings. */
static int
gazetteer_check_table(struct gazetteer_parse *ps, struct gazetteer_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct gazetteer_entry *e = &t->entries[i];
		const struct gazetteer_entry *o;
		char why[512];

		ps->line = e->line;
		for (size_t j = 0; j < i; j++)
			if (strcmp(t->entries[j].p.code, e->p.code) == 0)
				return gazetteer_fail(ps,
				    "%s is already on line %zu", e->p.code,
				    t->entries[j].line);
		if (e->p.parent_code != NULL &&
		    ((o = gazetteer_find_code(t, e->p.parent_code)) == NULL ||
		        o->p.level != GAZETTEER_PROVINCE))
			return gazetteer_fail(ps, "parent %s is not a province",
			    e->p.parent_code);
		for (size_t k = 0; e->p.members != NULL && e->p.members[k]; k++)
			if ((o = gazetteer_find_code(t, e->p.members[k])) ==
			        NULL ||
			    o->p.level == GAZETTEER_GROUP)
				return gazetteer_fail(ps,
				    "member %s is not a province or a "
				    "district",
				    e->p.members[k]);
		if (gazetteer_entry_keys(e, why, sizeof(why)) != 0 ||
		    gazetteer_check_keys(t, i, e, why, sizeof(why)) != 0)
			return gazetteer_fail(ps, "%s", why);
	}
	return 0;
}

int
gazetteer_parse(const char *text, const char *name,
    struct gazetteer_table **out, char *err, size_t errlen)
{
	struct gazetteer_parse ps = {name, 0, err, errlen};
	struct gazetteer_table *t = gazetteer_alloc(sizeof(*t));
	size_t cap = 1, header = 0;

	for (const char *s = text; *s != '\0'; s++)
		cap += *s == '\n';
	if (t == NULL ||
	    (t->entries = gazetteer_alloc(cap * sizeof(*t->entries))) == NULL)
		return gazetteer_fail(&ps, "out of memory");
	while (*text != '\0') {
		const char *nl = strchr(text, '\n');
		size_t len = nl != NULL ? (size_t)(nl - text) : strlen(text);

		ps.line++;
		if (len > 0 && text[len - 1] == '\r')
			len--;
		if (len == 0 || text[0] == '#') {
			/* a note or a blank line */
		} else if (header == 0) {
			if (len != strlen(GAZETTEER_HEADER) ||
			    memcmp(text, GAZETTEER_HEADER, len) != 0)
				return gazetteer_fail(&ps,
				    "the first line is not the header "
				    "\"%s\" (tabs between)",
				    "code level parent name latin aliases "
				    "members");
			header = ps.line;
		} else if (gazetteer_line(
		               &ps, text, len, &t->entries[t->n++]) != 0) {
			return -1;
		}
		if (nl == NULL)
			break;
		text = nl + 1;
	}
	if (header == 0)
		return gazetteer_fail(&ps, "no header line");
	if (gazetteer_check_table(&ps, t) != 0)
		return -1;
	if (gazetteer_finish(t) != 0)
		return gazetteer_fail(&ps, "out of memory");
	*out = t;
	return 0;
}

int
gazetteer_load_text(
    const char *text, const char *name, char *err, size_t errlen)
{
	struct gazetteer_table *t = NULL;
	int rc;

	pthread_mutex_lock(&gazetteer_lock);
	rc = gazetteer_parse(text, name, &t, err, errlen);
	if (rc == 0)
		gazetteer_publish(t);
	pthread_mutex_unlock(&gazetteer_lock);
	return rc;
}

int
gazetteer_load_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL; /* owned here */
	size_t n = 0;
	int rc = -1;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((text = malloc(GAZETTEER_FILE_MAX + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	n = fread(text, 1, GAZETTEER_FILE_MAX + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (n > GAZETTEER_FILE_MAX || memchr(text, '\0', n) != NULL) {
		snprintf(err, errlen, "%s: not a gazetteer (%s)", path,
		    n > GAZETTEER_FILE_MAX ? "too large" : "binary");
		goto out;
	}
	text[n] = '\0';
	rc = gazetteer_load_text(text, path, err, errlen);
out:
	free(text);
	fclose(f);
	return rc;
}
