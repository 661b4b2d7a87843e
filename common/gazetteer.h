/*
 * The gazetteer: the 18 first-level divisions of Laos (ISO 3166-2:LA),
 * their districts, and the groups documents name them by ("Bắc Lào",
 * the provinces bordering a Vietnamese province), with the spellings met
 * in Vietnamese documents. It is data (data/gazetteer.tsv, format in
 * docs/gazetteer.md): a copy is built into the programs and hoptacd loads
 * the installed file at start. An entry, once returned, stays valid until
 * gazetteer_reset(): additions make a new table and keep the old one.
 */
#ifndef HOPTAC_GAZETTEER_H
#define HOPTAC_GAZETTEER_H

#include <stdbool.h>
#include <stddef.h>

enum gazetteer_level {
	GAZETTEER_ANY = 0, /* only as a wish, never an entry's level */
	GAZETTEER_PROVINCE = 1,
	GAZETTEER_DISTRICT = 2,
	GAZETTEER_GROUP = 3,
};

struct gazetteer_partner {
	const char *code;       /* "LA-XE", "LA-XE-DAKCHEUNG", "G-LA-NAM" */
	const char *name;       /* Vietnamese name, NFC: "Sê Kông" */
	const char *name_latin; /* "Sekong" */
	enum gazetteer_level level;
	const char *parent_code;    /* province of a district, else NULL */
	const char *const *aliases; /* NULL-terminated, NFC */
	const char *const *members; /* a group's codes, NULL-terminated;
	                               NULL for others */
};

/* A partner's province is the first GAZETTEER_PROVINCE_LEN characters of
 * its code: "LA-XE" is a province, "LA-XE-DAKCHEUNG" one of its districts.
 * The store's SQL is built from the same constant. */
#define GAZETTEER_PROVINCE_LEN 5

/* How many leading characters of code name its province:
 * GAZETTEER_PROVINCE_LEN, or fewer for a shorter code. */
size_t gazetteer_province_len(const char *code);

/* Whether the codes a and b lie in the same province. */
bool gazetteer_same_province(const char *a, const char *b);

/* Whether code names a province itself rather than one of its districts. */
bool gazetteer_is_province(const char *code);

/* Replaces the table with the file at path (docs/gazetteer.md). 0, or -1
 * with "path:line: why" in err and the table unchanged. Not thread-safe
 * with gazetteer_reset(); safe with lookups. */
int gazetteer_load_file(const char *path, char *err, size_t errlen);

/* The same for text already read; name stands for the file in err. */
int gazetteer_load_text(
    const char *text, const char *name, char *err, size_t errlen);

/* Adds a province or a district (parent is its province's code, else
 * NULL or ""). 0 when added, 1 when the same entry is there already, -1
 * with why in err (bad code, spelling taken by another entry...). */
int gazetteer_add(const char *code, const char *parent, const char *name,
    const char *name_latin, char *err, size_t errlen);

/* Adds alias to the entry of code: 0 when added, 1 when it is already a
 * spelling of that entry, -1 with why in err. */
int gazetteer_alias(
    const char *code, const char *alias, char *err, size_t errlen);

/* What gazetteer_add() and gazetteer_alias() would answer, changing
 * nothing (a check before the change is stored). */
int gazetteer_add_check(const char *code, const char *parent, const char *name,
    const char *name_latin, char *err, size_t errlen);
int gazetteer_alias_check(
    const char *code, const char *alias, char *err, size_t errlen);

/* Frees every table; the next lookup loads the built-in copy. For tests
 * and exit, when no entry is held any more. */
void gazetteer_reset(void);

/* The entries of the current table (provinces, districts, groups, each by
 * code) and their number in *n. */
const struct gazetteer_partner *const *gazetteer_list(size_t *n);

/* Number of entries. */
size_t gazetteer_count(void);

/* The i-th entry of gazetteer_list(), NULL past the end. */
const struct gazetteer_partner *gazetteer_at(size_t i);

/* The entry whose code, name, latin name or alias has the same text_key()
 * as text: "Xê Kông", "SEKONG", "se-kong" and NFD "Sê Kông" all give
 * LA-XE. Administrative words ("tỉnh", "huyện", "mường", "thành phố",
 * "thủ đô", "các tỉnh", "province", "district") before it and "Lào" after
 * it are ignored, "huyện" preferring a district and "tỉnh" a province;
 * a district may be qualified by its province ("Xay Xệt Thà, Át Tạ Pư").
 * NULL when nothing or more than one entry matches, or text is not
 * well-formed UTF-8. */
const struct gazetteer_partner *gazetteer_resolve(const char *text);

/* Whether query (any text; folded here, its administrative words dropped)
 * is a substring of the folded code, name, latin name or an alias of p.
 * An empty query matches everything. */
bool gazetteer_matches(const struct gazetteer_partner *p, const char *query);

/* Whether p lies under top: p itself, a district of the province top, or
 * a member of the group top (or a district of such a member). */
bool gazetteer_within(
    const struct gazetteer_partner *p, const struct gazetteer_partner *top);

#endif
