/*
 * The built-in gazetteer: the 18 provinces of Laos (ISO 3166-2:LA) and the
 * districts the reports name, with the spellings met in Vietnamese
 * documents. Entries are static and never freed.
 */
#ifndef HOPTAC_GAZETTEER_H
#define HOPTAC_GAZETTEER_H

#include <stdbool.h>
#include <stddef.h>

enum gazetteer_level {
	GAZETTEER_PROVINCE = 1,
	GAZETTEER_DISTRICT = 2,
};

struct gazetteer_partner {
	const char *code;       /* "LA-XE", "LA-XE-DAKCHEUNG" */
	const char *name;       /* Vietnamese name, NFC: "Sê Kông" */
	const char *name_latin; /* "Sekong" */
	enum gazetteer_level level;
	const char *parent_code;    /* province of a district, else NULL */
	const char *const *aliases; /* NULL-terminated, NFC */
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

/* Number of entries. */
size_t gazetteer_count(void);

/* The i-th entry (provinces by code, then districts), NULL past the end. */
const struct gazetteer_partner *gazetteer_at(size_t i);

/* The entry whose code (any case), name, latin name or alias has the same
 * text_key() as text: "Xê Kông", "SEKONG", "se-kong" and NFD "Sê Kông" all
 * give LA-XE. A leading "tỉnh"/"huyện"/"province"/"district" is ignored.
 * NULL when nothing matches or text is not well-formed UTF-8. */
const struct gazetteer_partner *gazetteer_resolve(const char *text);

/* Whether query (any text; folded here) is a substring of the folded code,
 * name, latin name or an alias of p. An empty query matches everything. */
bool gazetteer_matches(const struct gazetteer_partner *p, const char *query);

#endif
