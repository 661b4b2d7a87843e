#include "gazetteer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define GAZETTEER_ALIASES(...) ((const char *const[]) {__VA_ARGS__, NULL})

/*
 * Spellings are those met in Vietnamese documents and in the usual
 * romanizations. Aliases that only differ by accents, case, spacing or
 * hyphens from another spelling are kept when a document uses them, so the
 * table also reads as a record of what was seen.
 */
static const struct gazetteer_partner gazetteer_entries[] = {
    {"LA-AT", "Attapư", "Attapeu", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES(
            "Át-tà-pư", "Attapur", "Attapu", "Atapư", "Attopeu", "A-tô-pư")},
    {"LA-BK", "Bò Kẹo", "Bokeo", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES("Bo Kẹo", "Bo- Kẹo", "Bò-kẹo")},
    {"LA-BL", "Bô-ly-khăm-xay", "Bolikhamxay", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES("Bô Ly Khăm Xay", "Bô-li-khăm-xay", "Bolikhamsai",
            "Bolikhamxai", "Borikhamxay")},
    {"LA-CH", "Chăm-pa-xắc", "Champasak", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES("Chăm Pa Xắc", "Chăm-pa-sắc", "Champassak",
            "Champasack", "Champassack")},
    {"LA-HO", "Hủa Phăn", "Houaphanh", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES("Hủa-phăn", "Houaphan", "Hua Phan", "Huaphan")},
    {"LA-KH", "Khăm Muộn", "Khammouane", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES(
            "Khăm-muộn", "Khăm Muồn", "Khammouan", "Khammuan", "Khammouanne")},
    {"LA-LM", "Luổng Nậm Thà", "Luang Namtha", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES("Luổng-nậm-thà", "Luông Nậm Thà", "Luang Nam Tha",
            "Louang Namtha")},
    {"LA-LP", "Luông Pha Băng", "Luang Prabang", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES("Luông - Pha - Bang", "Luông-pha-băng",
            "Luang Phabang", "Louangphabang", "Luông Prabang")},
    {"LA-OU", "U Đôm Xay", "Oudomxay", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES(
            "U - Đôm - Xay", "U-đôm-xay", "Oudomxai", "Udomxay", "Oudomsay")},
    {"LA-PH", "Phông Xa Lỳ", "Phongsaly", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES("Phong Sa Ly", "Phong - Sa - Ly", "Phông-xa-lỳ",
            "Phongsali", "Phong Saly")},
    {"LA-SL", "Sa La Văn", "Salavan", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES(
            "Xa-la-van", "Xa La Văn", "Saravan", "Saravane", "Salavane")},
    {"LA-SV", "Xa-vẳn-na-khệt", "Savannakhet", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES(
            "Xa Vẳn Na Khệt", "Xavannakhet", "Savẳnnakhệt", "Sa-van-na-khet")},
    {"LA-VI", "tỉnh Viêng Chăn", "Vientiane Province", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES("Viêng Chăn (tỉnh)", "tỉnh Vientiane",
            "Vientiane (province)", "Viangchan Province")},
    /* Plain "Viêng Chăn" and "Vientiane" name the capital, as they do in
     * Vietnamese documents; the province is always qualified. */
    {"LA-VT", "Thủ đô Viêng Chăn", "Vientiane Capital", GAZETTEER_PROVINCE,
        NULL,
        GAZETTEER_ALIASES("Viêng Chăn", "Vientiane", "Viangchan",
            "Thủ đô Vientiane", "Vientiane Prefecture",
            "Nakhon Luang Viangchan")},
    {"LA-XA", "Xay-nha-bu-ly", "Xayaboury", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES("Xay Nha Bu Ly", "Xainhabuly", "Sainyabuli",
            "Xaignabouli", "Xayabouri", "Sayaboury", "Xayabury")},
    {"LA-XE", "Sê Kông", "Sekong", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES(
            "Xê Kông", "Sê-kông", "Xê-kông", "Xekong", "Xe Kong")},
    {"LA-XI", "Xiêng Khoảng", "Xiengkhouang", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES(
            "Xiêng-khoảng", "Xieng Khouang", "Xiangkhouang", "Xiangkhoang")},
    {"LA-XS", "Xay Xổm Bun", "Xaisomboun", GAZETTEER_PROVINCE, NULL,
        GAZETTEER_ALIASES(
            "Xay-xổm-bun", "Xaysomboun", "Saysomboun", "Xaisomboon")},
    {"LA-AT-SANXAY", "Xản Xay", "Sanxay", GAZETTEER_DISTRICT, "LA-AT",
        GAZETTEER_ALIASES("Sản Xay", "San Xay", "Xản-xay", "Sanxai")},
    {"LA-XE-DAKCHEUNG", "Đắk Chung", "Dakcheung", GAZETTEER_DISTRICT, "LA-XE",
        GAZETTEER_ALIASES(
            "Đăk Chung", "Đắc Chung", "Dak Chung", "Dak Cheung", "Đắk Chưng")},
};

#define GAZETTEER_COUNT                                                        \
	(sizeof(gazetteer_entries) / sizeof(gazetteer_entries[0]))
/* Code, name, latin name, then aliases. */
#define GAZETTEER_MAX_NAMES 16

static pthread_once_t gazetteer_once = PTHREAD_ONCE_INIT;
/* Keys of every spelling, by entry then by name index; a NULL slot (out
 * of memory at first use) is computed again on each lookup. */
static char *gazetteer_keys[GAZETTEER_COUNT][GAZETTEER_MAX_NAMES];

/* The i-th spelling of p, NULL past the last. */
static const char *
gazetteer_name_at(const struct gazetteer_partner *p, size_t i)
{
	size_t k;

	switch (i) {
	case 0:
		return p->code;
	case 1:
		return p->name;
	case 2:
		return p->name_latin;
	default:
		break;
	}
	for (k = 0; p->aliases != NULL && p->aliases[k] != NULL; k++)
		if (k == i - 3)
			return p->aliases[k];
	return NULL;
}

static void
gazetteer_init(void)
{
	for (size_t e = 0; e < GAZETTEER_COUNT; e++) {
		for (size_t i = 0; i < GAZETTEER_MAX_NAMES; i++) {
			const char *name =
			    gazetteer_name_at(&gazetteer_entries[e], i);

			if (name == NULL)
				break;
			gazetteer_keys[e][i] = text_key(name);
		}
	}
}

/*
 * The key of name, the i-th spelling of entry e: from the cache or,
 * failing that, freshly made into *tmp, which the caller frees.
 */
static const char *
gazetteer_key_at(size_t e, size_t i, const char *name, char **tmp)
{
	*tmp = NULL;
	if (i < GAZETTEER_MAX_NAMES && gazetteer_keys[e][i] != NULL)
		return gazetteer_keys[e][i];
	*tmp = text_key(name);
	return *tmp;
}

size_t
gazetteer_count(void)
{
	return GAZETTEER_COUNT;
}

const struct gazetteer_partner *
gazetteer_at(size_t i)
{
	return i < GAZETTEER_COUNT ? &gazetteer_entries[i] : NULL;
}

/* The entry one of whose spellings has exactly this key. */
static const struct gazetteer_partner *
gazetteer_find_key(const char *key)
{
	const struct gazetteer_partner *found = NULL;

	if (key[0] == '\0')
		return NULL;
	for (size_t e = 0; e < GAZETTEER_COUNT && found == NULL; e++) {
		const char *name;

		for (size_t i = 0; found == NULL &&
		     (name = gazetteer_name_at(&gazetteer_entries[e], i)) !=
		         NULL;
		     i++) {
			char *tmp;
			const char *k = gazetteer_key_at(e, i, name, &tmp);

			if (k != NULL && strcmp(k, key) == 0)
				found = &gazetteer_entries[e];
			free(tmp);
		}
	}
	return found;
}

/*
 * The key of folded text without a leading administrative word, or NULL
 * when there is none. Done on the folded form so that the word must stand
 * on its own: "tinh sekong" loses it, "tinhxa" does not.
 */
static char *
gazetteer_strip_prefix(const char *folded)
{
	static const char *const prefixes[] = {
	    "tinh ", "huyen ", "province ", "district "};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(folded, prefixes[i], n) == 0)
			return text_key(folded + n);
	}
	return NULL;
}

const struct gazetteer_partner *
gazetteer_resolve(const char *text)
{
	const struct gazetteer_partner *found = NULL;
	char *folded = NULL, *key = NULL, *stripped = NULL;

	if (text == NULL)
		goto out;
	pthread_once(&gazetteer_once, gazetteer_init);
	folded = text_fold(text);
	if (folded == NULL)
		goto out;
	key = text_key(folded);
	if (key == NULL)
		goto out;
	/* Whole text first: "tỉnh Viêng Chăn" is itself a spelling. */
	found = gazetteer_find_key(key);
	if (found != NULL)
		goto out;
	stripped = gazetteer_strip_prefix(folded);
	if (stripped != NULL)
		found = gazetteer_find_key(stripped);
out:
	free(folded);
	free(key);
	free(stripped);
	return found;
}

bool
gazetteer_matches(const struct gazetteer_partner *p, const char *query)
{
	bool match = false;
	char *key = NULL;
	const char *name;
	size_t e = 0;

	/* Only entries of the table have cached keys. */
	while (e < GAZETTEER_COUNT && p != &gazetteer_entries[e])
		e++;
	if (e == GAZETTEER_COUNT)
		return false;
	pthread_once(&gazetteer_once, gazetteer_init);
	/* Keys rather than folded forms, so "sekong" finds "Sê Kông": a
	 * substring of the folded text is always one of the key too. */
	key = text_key(query != NULL ? query : "");
	if (key == NULL)
		goto out;
	for (size_t i = 0; !match && (name = gazetteer_name_at(p, i)) != NULL;
	     i++) {
		char *tmp;
		const char *k = gazetteer_key_at(e, i, name, &tmp);

		if (k != NULL && strstr(k, key) != NULL)
			match = true;
		free(tmp);
	}
out:
	free(key);
	return match;
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
