/* Finding a partner in the gazetteer by any of its spellings. */
#include <stdlib.h>
#include <string.h>

#include "gazetteer_int.h"
#include "text.h"

/* Folded text longer than this names no partner; it bounds the work. */
#define GAZETTEER_TEXT_MAX 200

/* Administrative words around a name, folded, and what they ask for. */
struct gazetteer_word {
	const char *text;
	enum gazetteer_level level;
};

static const struct gazetteer_word gazetteer_prefixes[] = {
    {"cac tinh ", GAZETTEER_ANY},
    {"tinh ", GAZETTEER_PROVINCE},
    {"thu do ", GAZETTEER_PROVINCE},
    {"thanh pho ", GAZETTEER_PROVINCE},
    {"huyen ", GAZETTEER_DISTRICT},
    {"muong ", GAZETTEER_DISTRICT},
    {"province ", GAZETTEER_PROVINCE},
    {"district ", GAZETTEER_DISTRICT},
};

/* "(Lào)", ", Lào" and " Lào" all fold to " lao". */
static const struct gazetteer_word gazetteer_suffixes[] = {
    {" lao", GAZETTEER_ANY},
    {" province", GAZETTEER_PROVINCE},
    {" district", GAZETTEER_DISTRICT},
};

#define GAZETTEER_N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The one entry with this key, of the province parent if given. Where
 * several share it, the level wanted decides, and failing a wish a
 * province wins over its own district ("Phông Xa Lỳ"); otherwise none
 * ("Viêng Khăm" is a district of two provinces).
 */
static const struct gazetteer_partner *
gazetteer_pick(const struct gazetteer_table *t, const char *key,
    enum gazetteer_level want, const char *parent)
{
	const struct gazetteer_partner *hit = NULL, *wanted = NULL,
	                               *province = NULL;
	size_t n = 0, n_wanted = 0, n_province = 0;

	for (size_t s = gazetteer_slot_of(t, key); t->index[s].key != NULL;
	     s = (s + 1) & (t->index_cap - 1)) {
		const struct gazetteer_entry *e =
		    &t->entries[t->index[s].entry];

		if (strcmp(t->index[s].key, key) != 0)
			continue;
		if (parent != NULL &&
		    (e->p.parent_code == NULL ||
		        strcmp(e->p.parent_code, parent) != 0))
			continue;
		n++;
		hit = &e->p;
		if (e->p.level == want)
			n_wanted++, wanted = hit;
		if (e->p.level == GAZETTEER_PROVINCE)
			n_province++, province = hit;
	}
	if (want != GAZETTEER_ANY && n_wanted > 0)
		return n_wanted == 1 ? wanted : NULL;
	if (n == 1)
		return hit;
	return n_province == 1 && want == GAZETTEER_ANY ? province : NULL;
}

static const struct gazetteer_partner *gazetteer_find(
    const struct gazetteer_table *t, const char *folded,
    enum gazetteer_level want, const char *parent, int qualify);

/* folded read as a district and, after it, its province. */
static const struct gazetteer_partner *
gazetteer_find_qualified(const struct gazetteer_table *t, const char *folded,
    enum gazetteer_level want)
{
	const struct gazetteer_partner *found = NULL;

	for (const char *sp = strchr(folded, ' '); found == NULL && sp != NULL;
	     sp = strchr(sp + 1, ' ')) {
		const struct gazetteer_partner *top =
		    gazetteer_find(t, sp + 1, GAZETTEER_PROVINCE, NULL, 0);
		char *head;

		if (top == NULL || top->level != GAZETTEER_PROVINCE)
			continue;
		if ((head = strndup(folded, (size_t)(sp - folded))) == NULL)
			break;
		found = gazetteer_find(t, head, want, top->code, 0);
		free(head);
	}
	return found;
}

/* The entry folded names, as gazetteer_resolve() describes. */
static const struct gazetteer_partner *
gazetteer_find(const struct gazetteer_table *t, const char *folded,
    enum gazetteer_level want, const char *parent, int qualify)
{
	const struct gazetteer_partner *found = NULL;
	char *key = text_key(folded), *shorter;
	size_t n = strlen(folded);

	if (key == NULL)
		return NULL;
	if (key[0] != '\0')
		found = gazetteer_pick(t, key, want, parent);
	free(key);
	if (found != NULL)
		return found;
	for (size_t i = 0; i < GAZETTEER_N(gazetteer_prefixes); i++) {
		const struct gazetteer_word *w = &gazetteer_prefixes[i];
		size_t m = strlen(w->text);

		if (strncmp(folded, w->text, m) == 0)
			return gazetteer_find(t, folded + m,
			    w->level != GAZETTEER_ANY ? w->level : want, parent,
			    qualify);
	}
	for (size_t i = 0; i < GAZETTEER_N(gazetteer_suffixes); i++) {
		const struct gazetteer_word *w = &gazetteer_suffixes[i];
		size_t m = strlen(w->text);

		if (n <= m || strcmp(folded + n - m, w->text) != 0)
			continue;
		if ((shorter = strndup(folded, n - m)) == NULL)
			return NULL;
		found = gazetteer_find(t, shorter,
		    w->level != GAZETTEER_ANY ? w->level : want, parent,
		    qualify);
		free(shorter);
		return found;
	}
	return qualify ? gazetteer_find_qualified(t, folded, want) : NULL;
}

const struct gazetteer_partner *
gazetteer_resolve(const char *text)
{
	const struct gazetteer_table *t = gazetteer_current();
	const struct gazetteer_partner *found = NULL;
	char *folded;

	if (text == NULL || t == NULL || (folded = text_fold(text)) == NULL)
		return NULL;
	if (strlen(folded) <= GAZETTEER_TEXT_MAX)
		found = gazetteer_find(t, folded, GAZETTEER_ANY, NULL, 1);
	free(folded);
	return found;
}

/* folded without its administrative words, in place. */
static void
gazetteer_strip_words(char *folded)
{
	int again = 1;

	while (again) {
		size_t n = strlen(folded);

		again = 0;
		for (size_t i = 0; i < GAZETTEER_N(gazetteer_prefixes); i++) {
			size_t m = strlen(gazetteer_prefixes[i].text);

			if (n > m &&
			    strncmp(folded, gazetteer_prefixes[i].text, m) ==
			        0) {
				memmove(folded, folded + m, n - m + 1);
				n -= m;
				again = 1;
			}
		}
		for (size_t i = 0; i < GAZETTEER_N(gazetteer_suffixes); i++) {
			size_t m = strlen(gazetteer_suffixes[i].text);

			if (n > m &&
			    strcmp(folded + n - m,
			        gazetteer_suffixes[i].text) == 0) {
				folded[n - m] = '\0';
				n -= m;
				again = 1;
			}
		}
	}
}

bool
gazetteer_matches(const struct gazetteer_partner *p, const char *query)
{
	const struct gazetteer_entry *e = p != NULL
	    ? gazetteer_find_code(gazetteer_current(), p->code)
	    : NULL;
	char *folded = NULL, *key = NULL;
	bool match = false;

	if (e == NULL)
		return false;
	if ((folded = text_fold(query != NULL ? query : "")) == NULL)
		goto out;
	gazetteer_strip_words(folded);
	/* Keys rather than folded forms, so "sekong" finds "Sê Kông": a
	 * substring of the folded text is always one of the key too. */
	if ((key = text_key(folded)) == NULL)
		goto out;
	for (size_t k = 0; !match && e->keys[k] != NULL; k++)
		match = strstr(e->keys[k], key) != NULL;
out:
	free(folded);
	free(key);
	return match;
}

bool
gazetteer_within(
    const struct gazetteer_partner *p, const struct gazetteer_partner *top)
{
	if (strcmp(p->code, top->code) == 0)
		return true;
	if (top->level == GAZETTEER_PROVINCE)
		return p->parent_code != NULL &&
		    strcmp(p->parent_code, top->code) == 0;
	for (size_t k = 0; top->members != NULL && top->members[k] != NULL; k++)
		if (strcmp(p->code, top->members[k]) == 0 ||
		    (p->parent_code != NULL &&
		        strcmp(p->parent_code, top->members[k]) == 0))
			return true;
	return false;
}
