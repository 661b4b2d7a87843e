/* What the gazetteer's files share: its tables and their memory. */
#ifndef HOPTAC_GAZETTEER_INT_H
#define HOPTAC_GAZETTEER_INT_H

#include <pthread.h>

#include "gazetteer.h"

struct gazetteer_entry {
	struct gazetteer_partner p;
	const char *const *keys; /* text_key() of code, name, latin name and
	                            aliases, NULL-terminated */
	size_t line;             /* its line in the file; 0 if added later */
};

/* A spelling's key and an entry that has it, in a table's index. */
struct gazetteer_slot {
	const char *key; /* NULL where the slot is free */
	size_t entry;    /* in the table's entries */
};

/* One version of the gazetteer. Tables and everything in them come from
 * the pool and are never changed once published: a change makes a new
 * table sharing the old one's strings. */
struct gazetteer_table {
	struct gazetteer_entry *entries; /* n, provinces, districts, groups */
	size_t n;
	const struct gazetteer_partner **list; /* n pointers into entries */
	/* Every (key, entry) pair once, by the key's hash, open addressing;
	 * cap a power of two, at most half full. Each call that names a
	 * partner looks it up: scanning every spelling of every entry cost
	 * some 30,000 instructions a call. */
	struct gazetteer_slot *index;
	size_t index_cap;
	struct gazetteer_table *older; /* replaced by this one */
};

/* The index's first slot for key (then the next ones, wrapping). */
size_t gazetteer_slot_of(const struct gazetteer_table *t, const char *key);

/* Held while a table is made or published, and by the pool. */
extern pthread_mutex_t gazetteer_lock;

/* The built-in copy of data/gazetteer.tsv, NUL-terminated (generated). */
extern const char gazetteer_builtin_tsv[];

/* Pool memory, freed by gazetteer_reset() only; NULL when out of memory.
 * The caller holds gazetteer_lock. */
void *gazetteer_alloc(size_t size);
char *gazetteer_strdup(const char *s);

/* The current table, loading the built-in copy on first use; NULL only
 * when that failed (out of memory). */
const struct gazetteer_table *gazetteer_current(void);

/* The same with gazetteer_lock already held. */
const struct gazetteer_table *gazetteer_current_locked(void);

/* Parses text into a new table in *out, unpublished: 0, or -1 with
 * "name:line: why" in err. The caller holds gazetteer_lock. */
int gazetteer_parse(const char *text, const char *name,
    struct gazetteer_table **out, char *err, size_t errlen);

/* Fills e->keys from its spellings: 0, or -1 with why in err. */
int gazetteer_entry_keys(struct gazetteer_entry *e, char *err, size_t errlen);

/* Whether a spelling of e is one of the first n entries of t that may
 * not share it: 0, or -1 with why in err. */
int gazetteer_check_keys(const struct gazetteer_table *t, size_t n,
    const struct gazetteer_entry *e, char *err, size_t errlen);

/* Sorts t's entries and builds its list: 0, or -1 out of memory. */
int gazetteer_finish(struct gazetteer_table *t);

/* Makes t the current table, keeping the one it replaces. */
void gazetteer_publish(struct gazetteer_table *t);

/* The entry of t whose code is code, NULL if none. */
const struct gazetteer_entry *gazetteer_find_code(
    const struct gazetteer_table *t, const char *code);

/* Whether code is written as codes are: capitals, digits and hyphens. */
int gazetteer_code_ok(const char *code);

#endif
