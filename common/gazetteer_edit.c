/* Adding to the gazetteer while it is in use: a new table each time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gazetteer_int.h"
#include "text.h"

/* A copy of t with room for one more entry, from the pool. */
static struct gazetteer_table *
gazetteer_copy(const struct gazetteer_table *t)
{
	struct gazetteer_table *c = gazetteer_alloc(sizeof(*c));

	if (c == NULL ||
	    (c->entries = gazetteer_alloc((t->n + 1) * sizeof(*c->entries))) ==
	        NULL)
		return NULL;
	memcpy(c->entries, t->entries, t->n * sizeof(*c->entries));
	c->n = t->n;
	return c;
}

/*
 * Checks e, a new entry or a changed copy of the i-th of t (i == t->n:
 * new), and with apply makes the table with it the current one: 0, or -1
 * with why in err when a spelling of e is another entry's. Only a change
 * applied copies the table; a check keeps just e's keys.
 */
static int
gazetteer_commit(const struct gazetteer_table *t, size_t i,
    struct gazetteer_entry *e, int apply, char *err, size_t errlen)
{
	struct gazetteer_table *c;

	if (gazetteer_entry_keys(e, err, errlen) != 0 ||
	    gazetteer_check_keys(t, t->n, e, err, errlen) != 0)
		return -1;
	if (!apply)
		return 0;
	if ((c = gazetteer_copy(t)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->entries[i] = *e;
	c->n += i == t->n;
	if (gazetteer_finish(c) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	gazetteer_publish(c);
	return 0;
}

/* s in NFC from the pool, spaces trimmed; NULL with why in err. */
static const char *
gazetteer_text(const char *what, const char *s, char *err, size_t errlen)
{
	char *nfc, *out = NULL;
	size_t n;

	if (s == NULL || text_check(s, strlen(s)) != TEXT_OK) {
		snprintf(err, errlen, "%s is not well-formed text", what);
		return NULL;
	}
	if ((nfc = text_nfc(s)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s = nfc;
	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n == 0 || n > 200)
		snprintf(err, errlen, "%s must have 1 to 200 bytes", what);
	else if ((out = gazetteer_alloc(n + 1)) != NULL)
		memcpy(out, s, n);
	else
		snprintf(err, errlen, "out of memory");
	free(nfc);
	return out;
}

/* Why an entry of this code and parent may not be added, or 0. */
static int
gazetteer_code_check(const struct gazetteer_table *t, const char *code,
    const char *parent, char *err, size_t errlen)
{
	const struct gazetteer_entry *top;
	size_t plen = strlen(parent);

	if (!gazetteer_code_ok(code)) {
		snprintf(err, errlen,
		    "code \"%s\" is not capitals, digits and hyphens", code);
		return -1;
	}
	if (plen == 0 &&
	    (strncmp(code, "LA-", 3) != 0 || !gazetteer_is_province(code))) {
		snprintf(err, errlen,
		    "a province's code is LA- and two capitals, not \"%s\"",
		    code);
		return -1;
	}
	if (plen == 0)
		return 0;
	top = gazetteer_find_code(t, parent);
	if (top == NULL || top->p.level != GAZETTEER_PROVINCE) {
		snprintf(err, errlen, "parent %s is not a province", parent);
		return -1;
	}
	if (strncmp(code, parent, plen) != 0 || code[plen] != '-' ||
	    code[plen + 1] == '\0') {
		snprintf(err, errlen,
		    "a district's code is its province's, a hyphen and a "
		    "name: %s-...",
		    parent);
		return -1;
	}
	return 0;
}

static int
gazetteer_add_impl(const char *code, const char *parent, const char *name,
    const char *name_latin, int apply, char *err, size_t errlen)
{
	static const char *const none[] = {NULL};
	const struct gazetteer_table *t;
	const struct gazetteer_entry *old;
	struct gazetteer_entry added = {0}, *e = &added;
	int rc = -1;

	parent = parent != NULL ? parent : "";
	pthread_mutex_lock(&gazetteer_lock);
	if ((t = gazetteer_current_locked()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (gazetteer_code_check(t, code, parent, err, errlen) != 0)
		goto out;
	e->p.level = parent[0] ? GAZETTEER_DISTRICT : GAZETTEER_PROVINCE;
	e->p.aliases = none;
	if ((e->p.code = gazetteer_strdup(code)) == NULL ||
	    (parent[0] &&
	        (e->p.parent_code = gazetteer_strdup(parent)) == NULL) ||
	    (e->p.name = gazetteer_text("name", name, err, errlen)) == NULL ||
	    (e->p.name_latin = gazetteer_text(
	         "latin name", name_latin, err, errlen)) == NULL)
		goto out;
	if ((old = gazetteer_find_code(t, code)) != NULL) {
		int same = old->p.level == e->p.level &&
		    strcmp(old->p.name, e->p.name) == 0 &&
		    strcmp(old->p.name_latin, e->p.name_latin) == 0;

		if (!same)
			snprintf(
			    err, errlen, "%s is already %s", code, old->p.name);
		rc = same ? 1 : -1;
		goto out;
	}
	rc = gazetteer_commit(t, t->n, e, apply, err, errlen);
out:
	pthread_mutex_unlock(&gazetteer_lock);
	return rc;
}

static int
gazetteer_alias_impl(
    const char *code, const char *alias, int apply, char *err, size_t errlen)
{
	const struct gazetteer_table *t;
	const struct gazetteer_entry *old;
	struct gazetteer_entry changed;
	const char **aliases;
	const char *text;
	size_t n = 0;
	int rc = -1;

	pthread_mutex_lock(&gazetteer_lock);
	if ((t = gazetteer_current_locked()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if ((old = gazetteer_find_code(t, code)) == NULL) {
		snprintf(err, errlen, "no partner has the code %s", code);
		goto out;
	}
	if ((text = gazetteer_text("alias", alias, err, errlen)) == NULL)
		goto out;
	for (n = 0; old->p.aliases[n] != NULL; n++)
		if (strcmp(old->p.aliases[n], text) == 0) {
			rc = 1;
			goto out;
		}
	if ((aliases = gazetteer_alloc((n + 2) * sizeof(*aliases))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	memcpy(aliases, old->p.aliases, n * sizeof(*aliases));
	aliases[n] = text;
	changed = *old;
	changed.p.aliases = aliases;
	rc = gazetteer_commit(
	    t, (size_t)(old - t->entries), &changed, apply, err, errlen);
out:
	pthread_mutex_unlock(&gazetteer_lock);
	return rc;
}

int
gazetteer_add(const char *code, const char *parent, const char *name,
    const char *name_latin, char *err, size_t errlen)
{
	return gazetteer_add_impl(
	    code, parent, name, name_latin, 1, err, errlen);
}

int
gazetteer_add_check(const char *code, const char *parent, const char *name,
    const char *name_latin, char *err, size_t errlen)
{
	return gazetteer_add_impl(
	    code, parent, name, name_latin, 0, err, errlen);
}

int
gazetteer_alias(const char *code, const char *alias, char *err, size_t errlen)
{
	return gazetteer_alias_impl(code, alias, 1, err, errlen);
}

int
gazetteer_alias_check(
    const char *code, const char *alias, char *err, size_t errlen)
{
	return gazetteer_alias_impl(code, alias, 0, err, errlen);
}
