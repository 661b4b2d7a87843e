/* The gazetteer's tables: their memory, the current one, and changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gazetteer_int.h"
#include "text.h"

pthread_mutex_t gazetteer_lock = PTHREAD_MUTEX_INITIALIZER;

/* Every allocation of every table, newest first. */
struct gazetteer_block {
	struct gazetteer_block *next;
	max_align_t data[];
};

static struct gazetteer_block *gazetteer_pool;
/* Read without the lock by lookups, so loaded and stored atomically. */
static struct gazetteer_table *gazetteer_table_now;

void *
gazetteer_alloc(size_t size)
{
	struct gazetteer_block *b = calloc(1, sizeof(*b) + size);

	if (b == NULL)
		return NULL;
	b->next = gazetteer_pool;
	gazetteer_pool = b;
	return b->data;
}

char *
gazetteer_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = gazetteer_alloc(n);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

const struct gazetteer_table *
gazetteer_current_locked(void)
{
	struct gazetteer_table *t = gazetteer_table_now;
	char err[256];

	if (t == NULL &&
	    gazetteer_parse(
	        gazetteer_builtin_tsv, "built-in", &t, err, sizeof(err)) == 0)
		gazetteer_publish(t);
	return gazetteer_table_now;
}

const struct gazetteer_table *
gazetteer_current(void)
{
	const struct gazetteer_table *t =
	    __atomic_load_n(&gazetteer_table_now, __ATOMIC_ACQUIRE);

	if (t == NULL) {
		pthread_mutex_lock(&gazetteer_lock);
		t = gazetteer_current_locked();
		pthread_mutex_unlock(&gazetteer_lock);
	}
	return t;
}

void
gazetteer_publish(struct gazetteer_table *t)
{
	t->older = gazetteer_table_now;
	__atomic_store_n(&gazetteer_table_now, t, __ATOMIC_RELEASE);
}

void
gazetteer_reset(void)
{
	pthread_mutex_lock(&gazetteer_lock);
	__atomic_store_n(&gazetteer_table_now, NULL, __ATOMIC_RELEASE);
	while (gazetteer_pool != NULL) {
		struct gazetteer_block *next = gazetteer_pool->next;

		free(gazetteer_pool);
		gazetteer_pool = next;
	}
	pthread_mutex_unlock(&gazetteer_lock);
}

const struct gazetteer_partner *const *
gazetteer_list(size_t *n)
{
	const struct gazetteer_table *t = gazetteer_current();

	*n = t != NULL ? t->n : 0;
	return t != NULL ? t->list : NULL;
}

size_t
gazetteer_count(void)
{
	size_t n;

	(void)gazetteer_list(&n);
	return n;
}

const struct gazetteer_partner *
gazetteer_at(size_t i)
{
	size_t n;
	const struct gazetteer_partner *const *list = gazetteer_list(&n);

	return i < n ? list[i] : NULL;
}

const struct gazetteer_entry *
gazetteer_find_code(const struct gazetteer_table *t, const char *code)
{
	for (size_t i = 0; t != NULL && i < t->n; i++)
		if (strcmp(t->entries[i].p.code, code) == 0)
			return &t->entries[i];
	return NULL;
}

int
gazetteer_code_ok(const char *code)
{
	size_t n = strlen(code);

	if (n < 2 || n > 40 || code[0] == '-' || code[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((code[i] >= 'A' && code[i] <= 'Z') ||
		        (code[i] >= '0' && code[i] <= '9') || code[i] == '-'))
			return 0;
	return 1;
}

int
gazetteer_entry_keys(struct gazetteer_entry *e, char *err, size_t errlen)
{
	const char *fixed[] = {e->p.code, e->p.name, e->p.name_latin};
	size_t n = 3, k = 0;
	const char **keys;

	while (e->p.aliases != NULL && e->p.aliases[n - 3] != NULL)
		n++;
	if ((keys = gazetteer_alloc((n + 1) * sizeof(*keys))) == NULL)
		goto nomem;
	for (k = 0; k < n; k++) {
		const char *s = k < 3 ? fixed[k] : e->p.aliases[k - 3];
		char *key = text_key(s);
		int empty;

		if (key == NULL)
			goto nomem;
		empty = key[0] == '\0';
		keys[k] = gazetteer_strdup(key);
		free(key);
		if (empty) {
			snprintf(err, errlen,
			    "\"%s\" has no letter or digit to match on", s);
			return -1;
		}
		if (keys[k] == NULL)
			goto nomem;
	}
	e->keys = keys;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/*
 * Whether a and b may share a spelling: a district and its own province
 * ("Phông Xa Lỳ"), or districts of two provinces ("Viêng Khăm"), which a
 * document tells apart by the word "huyện" or by naming the province.
 */
static int
gazetteer_may_share(
    const struct gazetteer_partner *a, const struct gazetteer_partner *b)
{
	if (a->level == GAZETTEER_PROVINCE && b->level == GAZETTEER_DISTRICT)
		return strcmp(b->parent_code, a->code) == 0;
	if (a->level == GAZETTEER_DISTRICT && b->level == GAZETTEER_PROVINCE)
		return strcmp(a->parent_code, b->code) == 0;
	return a->level == GAZETTEER_DISTRICT &&
	    b->level == GAZETTEER_DISTRICT &&
	    strcmp(a->parent_code, b->parent_code) != 0;
}

int
gazetteer_check_keys(const struct gazetteer_table *t, size_t n,
    const struct gazetteer_entry *e, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		const struct gazetteer_entry *o = &t->entries[i];

		if (o == e || strcmp(o->p.code, e->p.code) == 0 ||
		    gazetteer_may_share(&o->p, &e->p))
			continue;
		for (size_t k = 0; e->keys[k] != NULL; k++)
			for (size_t j = 0; o->keys[j] != NULL; j++)
				if (strcmp(e->keys[k], o->keys[j]) == 0) {
					snprintf(err, errlen,
					    "%s: a spelling (\"%s\" once "
					    "folded) is one of %s",
					    e->p.code, e->keys[k], o->p.code);
					return -1;
				}
	}
	return 0;
}

static int
gazetteer_order(const void *x, const void *y)
{
	const struct gazetteer_entry *a = x, *b = y;

	if (a->p.level != b->p.level)
		return a->p.level < b->p.level ? -1 : 1;
	return strcmp(a->p.code, b->p.code);
}

size_t
gazetteer_slot_of(const struct gazetteer_table *t, const char *key)
{
	return text_hash(key) & (t->index_cap - 1);
}

/* Puts (key, entry i) in t's index, once. */
static void
gazetteer_index_put(struct gazetteer_table *t, const char *key, size_t i)
{
	size_t s = gazetteer_slot_of(t, key);

	for (; t->index[s].key != NULL; s = (s + 1) & (t->index_cap - 1))
		if (t->index[s].entry == i && strcmp(t->index[s].key, key) == 0)
			return;
	t->index[s].key = key;
	t->index[s].entry = i;
}

/* Indexes every spelling of every entry. */
static int
gazetteer_index(struct gazetteer_table *t)
{
	size_t keys = 0;

	for (size_t i = 0; i < t->n; i++)
		for (size_t k = 0; t->entries[i].keys[k] != NULL; k++)
			keys++;
	t->index_cap = 16;
	while (t->index_cap < 2 * keys + 1)
		t->index_cap *= 2;
	t->index = gazetteer_alloc(t->index_cap * sizeof(*t->index));
	if (t->index == NULL) /* zeroed: every slot free */
		return -1;
	for (size_t i = 0; i < t->n; i++)
		for (size_t k = 0; t->entries[i].keys[k] != NULL; k++)
			gazetteer_index_put(t, t->entries[i].keys[k], i);
	return 0;
}

int
gazetteer_finish(struct gazetteer_table *t)
{
	qsort(t->entries, t->n, sizeof(*t->entries), gazetteer_order);
	t->list = gazetteer_alloc((t->n + 1) * sizeof(*t->list));
	if (t->list == NULL)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		t->list[i] = &t->entries[i].p;
	return gazetteer_index(t);
}

size_t
gazetteer_province_len(const char *code)
{
	return strnlen(code, GAZETTEER_PROVINCE_LEN);
}

bool
gazetteer_same_province(const char *a, const char *b)
{
	return strncmp(a, b, GAZETTEER_PROVINCE_LEN) == 0;
}

bool
gazetteer_is_province(const char *code)
{
	return strlen(code) == GAZETTEER_PROVINCE_LEN;
}
