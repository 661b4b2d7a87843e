#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gazetteer.h"
#include "text.h"

static void
assert_resolves(const char *text, const char *code)
{
	const struct gazetteer_partner *p = gazetteer_resolve(text);

	if (p == NULL)
		fail_msg("\"%s\" does not resolve (want %s)", text, code);
	else if (strcmp(p->code, code) != 0)
		fail_msg("\"%s\" resolves to %s, want %s", text, p->code, code);
}

static void
test_table(void **state)
{
	size_t provinces = 0, districts = 0, groups = 0;
	const char *prev = "";

	(void)state;
	assert_null(gazetteer_at(gazetteer_count()));
	for (size_t i = 0; i < gazetteer_count(); i++) {
		const struct gazetteer_partner *p = gazetteer_at(i);

		assert_non_null(p);
		assert_non_null(p->code);
		assert_non_null(p->name);
		assert_non_null(p->name_latin);
		assert_non_null(p->aliases);
		/* Provinces, then districts, then groups, each by code. */
		if (i > 0 && p->level == gazetteer_at(i - 1)->level)
			assert_true(strcmp(prev, p->code) < 0);
		else if (i > 0)
			assert_true(p->level > gazetteer_at(i - 1)->level);
		prev = p->code;
		if (p->level == GAZETTEER_PROVINCE) {
			assert_int_equal(strncmp(p->code, "LA-", 3), 0);
			assert_int_equal(strlen(p->code), 5);
			assert_null(p->parent_code);
			assert_null(p->members);
			provinces++;
		} else if (p->level == GAZETTEER_DISTRICT) {
			const struct gazetteer_partner *parent;

			assert_non_null(p->parent_code);
			parent = gazetteer_resolve(p->parent_code);
			assert_non_null(parent);
			assert_int_equal(parent->level, GAZETTEER_PROVINCE);
			assert_int_equal(
			    strncmp(p->code, p->parent_code, 5), 0);
			assert_int_equal(p->code[5], '-');
			districts++;
		} else {
			assert_int_equal(p->level, GAZETTEER_GROUP);
			assert_int_equal(strncmp(p->code, "G-", 2), 0);
			assert_non_null(p->members);
			assert_non_null(p->members[0]);
			for (size_t k = 0; p->members[k] != NULL; k++) {
				const struct gazetteer_partner *m =
				    gazetteer_resolve(p->members[k]);

				assert_non_null(m);
				assert_int_equal(m->level, GAZETTEER_PROVINCE);
			}
			groups++;
		}
	}
	/* ISO 3166-2:LA: 17 provinces and the prefecture; the census's
	 * 148 districts; 3 regions and 10 Vietnamese border provinces. */
	assert_int_equal(provinces, 18);
	assert_int_equal(districts, 148);
	assert_int_equal(groups, 13);
}

/* Every province has districts, and the counts are the census's. */
static void
test_districts_per_province(void **state)
{
	static const struct {
		const char *code;
		size_t districts;
	} want[] = {
	    {"LA-VT", 9},
	    {"LA-PH", 7},
	    {"LA-LM", 5},
	    {"LA-OU", 7},
	    {"LA-BK", 5},
	    {"LA-LP", 12},
	    {"LA-HO", 10},
	    {"LA-XA", 11},
	    {"LA-XI", 7},
	    {"LA-VI", 11},
	    {"LA-BL", 7},
	    {"LA-KH", 10},
	    {"LA-SV", 15},
	    {"LA-SL", 8},
	    {"LA-XE", 4},
	    {"LA-CH", 10},
	    {"LA-AT", 5},
	    {"LA-XS", 5},
	};

	(void)state;
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		size_t n = 0;

		for (size_t i = 0; i < gazetteer_count(); i++) {
			const struct gazetteer_partner *p = gazetteer_at(i);

			n += p->parent_code != NULL &&
			    strcmp(p->parent_code, want[w].code) == 0;
		}
		if (n != want[w].districts)
			fail_msg("%s has %zu districts, want %zu", want[w].code,
			    n, want[w].districts);
	}
}

/* The province rule agrees with the table: a province's code is its own
 * province, a district's lies in its parent's. */
static void
test_province_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < gazetteer_count(); i++) {
		const struct gazetteer_partner *p = gazetteer_at(i);

		assert_int_equal(
		    gazetteer_province_len(p->code), GAZETTEER_PROVINCE_LEN);
		assert_int_equal(gazetteer_is_province(p->code),
		    p->level == GAZETTEER_PROVINCE);
		assert_true(gazetteer_same_province(p->code,
		    p->parent_code != NULL ? p->parent_code : p->code));
	}
	assert_true(gazetteer_same_province("LA-XE-KAL", "LA-XE"));
	assert_false(gazetteer_same_province("LA-XE-KAL", "LA-XI"));
	assert_false(gazetteer_is_province("LA-XE-KAL"));
	assert_false(gazetteer_is_province("LA-X"));
	assert_int_equal(gazetteer_province_len("LA-X"), 4);
	assert_int_equal(gazetteer_province_len(""), 0);
}

/* Every spelling is NFC and leads back to its own entry, so no two
 * entries share a key. */
/* spelling, bare, names p; a district's may instead name its own
 * province or, shared with another province's district, nothing, but
 * with its province after it names p. */
static void
assert_spelling_home(const struct gazetteer_partner *p, const char *spelling)
{
	const struct gazetteer_partner *bare = gazetteer_resolve(spelling);
	char *nfc = text_nfc(spelling);
	char qualified[512];

	assert_non_null(nfc);
	assert_string_equal(nfc, spelling);
	free(nfc);
	if (p->level != GAZETTEER_DISTRICT) {
		assert_resolves(spelling, p->code);
		return;
	}
	if (bare != NULL && strcmp(bare->code, p->code) != 0 &&
	    strcmp(bare->code, p->parent_code) != 0)
		fail_msg(
		    "\"%s\" of %s names %s", spelling, p->code, bare->code);
	snprintf(qualified, sizeof(qualified), "huyện %s, tỉnh %s", spelling,
	    gazetteer_resolve(p->parent_code)->name);
	assert_resolves(qualified, p->code);
}

/* Every spelling is NFC and leads back to its own entry: no two entries
 * share one but as gazetteer_resolve() says they may. */
static void
test_every_spelling_resolves_home(void **state)
{
	(void)state;
	for (size_t i = 0; i < gazetteer_count(); i++) {
		const struct gazetteer_partner *p = gazetteer_at(i);

		assert_resolves(p->code, p->code);
		assert_spelling_home(p, p->name);
		assert_spelling_home(p, p->name_latin);
		for (size_t k = 0; p->aliases[k] != NULL; k++)
			assert_spelling_home(p, p->aliases[k]);
	}
}

static void
test_domain_spellings(void **state)
{
	static const char *const cases[][2] = {
	    {"Attapeu", "LA-AT"},
	    {"Attapư", "LA-AT"},
	    {"Át-tà-pư", "LA-AT"},
	    {"Attapur", "LA-AT"},
	    {"Bokeo", "LA-BK"},
	    {"Bò Kẹo", "LA-BK"},
	    {"Bo Kẹo", "LA-BK"},
	    {"Bolikhamxay", "LA-BL"},
	    {"Bô-ly-khăm-xay", "LA-BL"},
	    {"Champasak", "LA-CH"},
	    {"Chăm-pa-xắc", "LA-CH"},
	    {"Houaphanh", "LA-HO"},
	    {"Hủa Phăn", "LA-HO"},
	    {"Khammouane", "LA-KH"},
	    {"Khăm Muộn", "LA-KH"},
	    {"Luang Namtha", "LA-LM"},
	    {"Luổng Nậm Thà", "LA-LM"},
	    {"Luang Prabang", "LA-LP"},
	    {"Luông Pha Băng", "LA-LP"},
	    {"Oudomxay", "LA-OU"},
	    {"U Đôm Xay", "LA-OU"},
	    {"Phongsaly", "LA-PH"},
	    {"Phông Xa Lỳ", "LA-PH"},
	    {"Phong Sa Ly", "LA-PH"},
	    {"Salavan", "LA-SL"},
	    {"Sa La Văn", "LA-SL"},
	    {"Xa-la-van", "LA-SL"},
	    {"Savannakhet", "LA-SV"},
	    {"Xa-vẳn-na-khệt", "LA-SV"},
	    {"tỉnh Viêng Chăn", "LA-VI"},
	    {"Thủ đô Viêng Chăn", "LA-VT"},
	    {"Xayaboury", "LA-XA"},
	    {"Xay-nha-bu-ly", "LA-XA"},
	    {"Sekong", "LA-XE"},
	    {"Sê Kông", "LA-XE"},
	    {"Xê Kông", "LA-XE"},
	    {"Xiengkhouang", "LA-XI"},
	    {"Xiêng Khoảng", "LA-XI"},
	    {"Xaisomboun", "LA-XS"},
	    {"Xay Xổm Bun", "LA-XS"},
	    {"Đắk Chung", "LA-XE-DAKCHEUNG"},
	    {"Đắc Chưng", "LA-XE-DAKCHEUNG"},
	    {"Dakcheung", "LA-XE-DAKCHEUNG"},
	    {"Xản Xay", "LA-AT-SANXAY"},
	    {"Sanxay", "LA-AT-SANXAY"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_resolves(cases[i][0], cases[i][1]);
}

static void
test_seed_spellings(void **state)
{
	(void)state;
	/* dien-bien-stnmt-2021.txt */
	assert_resolves("Phong - Sa - Ly", "LA-PH");
	assert_resolves("U - Đôm - Xay", "LA-OU");
	assert_resolves("Luông - Pha - Bang", "LA-LP");
	assert_resolves("Bo- Kẹo", "LA-BK");
	assert_resolves("các tỉnh Bắc Lào", "G-LA-BAC");
	/* kon-tum-dak-glei-2024.txt */
	assert_resolves("Sê Kông", "LA-XE");
	assert_resolves("tỉnh Sê Kông", "LA-XE");
	assert_resolves("tỉnh Xê Kông", "LA-XE");
	assert_resolves("tỉnh Attapur", "LA-AT");
	assert_resolves("huyện Xản Xay", "LA-AT-SANXAY");
	assert_resolves("huyện Đắk Chung", "LA-XE-DAKCHEUNG");
	assert_resolves("huyện Đăk Chung", "LA-XE-DAKCHEUNG");
}

static void
test_sekong_forms(void **state)
{
	(void)state;
	assert_resolves("Xê Kông", "LA-XE");
	assert_resolves("Sê Kông", "LA-XE");
	assert_resolves("SEKONG", "LA-XE");
	assert_resolves("se kong", "LA-XE");
	assert_resolves("se-kong", "LA-XE");
	assert_resolves("la-xe", "LA-XE");
	assert_resolves("LA-XE", "LA-XE");
	assert_resolves("  Xê - Kông  ", "LA-XE");
	assert_resolves("SÊ KÔNG", "LA-XE");
	/* NFD: e + U+0302, o + U+0302. */
	assert_resolves("Se\xcc\x82 Ko\xcc\x82ng", "LA-XE");
	assert_resolves("ti\xcc\x89nh Se\xcc\x82 Ko\xcc\x82ng", "LA-XE");
	assert_resolves("Province Sekong", "LA-XE");
	assert_resolves("la-xe-dakcheung", "LA-XE-DAKCHEUNG");
	assert_resolves("District Dakcheung", "LA-XE-DAKCHEUNG");
}

static void
test_vientiane(void **state)
{
	(void)state;
	/* Unqualified, the name is the capital's. */
	assert_resolves("Viêng Chăn", "LA-VT");
	assert_resolves("Vientiane", "LA-VT");
	assert_resolves("Thủ đô Viêng Chăn", "LA-VT");
	assert_resolves("tỉnh Viêng Chăn", "LA-VI");
	assert_resolves("TỈNH VIÊNG CHĂN", "LA-VI");
	assert_resolves("tỉnh Vientiane", "LA-VI");
	assert_resolves("Vientiane Province", "LA-VI");
}

static void
test_no_match(void **state)
{
	(void)state;
	assert_null(gazetteer_resolve(""));
	assert_null(gazetteer_resolve("   "));
	assert_null(gazetteer_resolve("tỉnh"));
	assert_null(gazetteer_resolve("huyện"));
	assert_null(gazetteer_resolve("Xyz"));
	assert_null(gazetteer_resolve("Kon Tum"));
	assert_null(gazetteer_resolve("Sê"));
	/* "La" is a district of U Đôm Xay; a code's start is nothing. */
	assert_resolves("LA", "LA-OU-LA");
	assert_null(gazetteer_resolve("LA-Q"));
	assert_null(gazetteer_resolve("tỉnhSê Kông"));
	assert_null(gazetteer_resolve("S\xc3"));
	assert_null(gazetteer_resolve(NULL));
}

static void
test_matches(void **state)
{
	const struct gazetteer_partner *xe = gazetteer_resolve("LA-XE");
	const struct gazetteer_partner *lp = gazetteer_resolve("LA-LP");
	const struct gazetteer_partner outside = {
	    "LA-ZZ", "Sê Kông", "Sekong", GAZETTEER_PROVINCE, NULL, NULL, NULL};

	(void)state;
	assert_non_null(xe);
	assert_non_null(lp);
	assert_true(gazetteer_matches(xe, ""));
	assert_true(gazetteer_matches(xe, NULL));
	assert_true(gazetteer_matches(xe, "kông"));
	assert_true(gazetteer_matches(xe, "SE KO"));
	assert_true(gazetteer_matches(xe, "xeko"));
	assert_true(gazetteer_matches(xe, "la-x"));
	assert_true(gazetteer_matches(xe, "Se\xcc\x82 Ko\xcc\x82"));
	assert_false(gazetteer_matches(xe, "luong"));
	assert_true(gazetteer_matches(lp, "luong"));
	assert_true(gazetteer_matches(lp, "Prabang"));
	assert_false(gazetteer_matches(lp, "kong"));
	assert_false(gazetteer_matches(xe, "\xff"));
	assert_false(gazetteer_matches(NULL, "kong"));
	/* Administrative words are not searched for. */
	assert_true(gazetteer_matches(xe, "tỉnh Sê"));
	assert_true(gazetteer_matches(xe, "kong (Lào)"));
	/* Only entries of the table are matched. */
	assert_false(gazetteer_matches(&outside, "kong"));
}

/* Resolves a name 50 times; the misses counted in *arg. */
static void *
resolve_many(void *arg)
{
	int *bad = arg;

	for (int i = 0; i < 50; i++) {
		const struct gazetteer_partner *p =
		    gazetteer_resolve("Xê Kông");

		if (p == NULL || strcmp(p->code, "LA-XE") != 0)
			(*bad)++;
	}
	return NULL;
}

/* The first lookups race to build the key cache. */
static void
test_threads(void **state)
{
	pthread_t threads[4];
	int bad[4] = {0, 0, 0, 0};

	(void)state;
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(
		    pthread_create(&threads[i], NULL, resolve_many, &bad[i]),
		    0);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(bad[i], 0);
	}
}

/* Prefixed, unaccented, with "Mường", with "(Lào)", with the province:
 * each way a document may write name resolves to code. */
static void
assert_every_form(const char *name, const char *province, const char *code)
{
	/* Before the name, between it and the province (NULL: none), after. */
	static const char *const forms[][3] = {{"", NULL, ""},
	    {"huyện ", NULL, ""}, {"Huyện ", NULL, ""}, {"mường ", NULL, ""},
	    {"", NULL, " (Lào)"}, {"", NULL, " District"},
	    {"huyện ", ", tỉnh ", ""}, {"", " - ", ""},
	    {"huyện ", " tỉnh ", " (Lào)"}};
	char text[512];

	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		for (int plain = 0; plain < 2; plain++) {
			char *n = plain ? text_fold(name) : strdup(name);
			char *p =
			    plain ? text_fold(province) : strdup(province);

			assert_non_null(n);
			assert_non_null(p);
			snprintf(text, sizeof(text), "%s%s%s%s%s", forms[f][0],
			    n, forms[f][1] != NULL ? forms[f][1] : "",
			    forms[f][1] != NULL ? p : "", forms[f][2]);
			free(n);
			free(p);
			assert_resolves(text, code);
		}
	}
}

static void
test_xiengkhouang_sekong_districts(void **state)
{
	static const char *const cases[][3] = {
	    {"Pẹc", "Xiêng Khoảng", "LA-XI-PEK"},
	    {"Khăm", "Xiêng Khoảng", "LA-XI-KHAM"},
	    {"Noọng Hẹt", "Xiêng Khoảng", "LA-XI-NONGHET"},
	    {"Nong Het", "Xiêng Khoảng", "LA-XI-NONGHET"},
	    {"Khun", "Xiêng Khoảng", "LA-XI-KHOUNE"},
	    {"Mọc May", "Xiêng Khoảng", "LA-XI-MOKMAY"},
	    {"Phu Cút", "Xiêng Khoảng", "LA-XI-PHOUKOUT"},
	    {"Pha Xay", "Xiêng Khoảng", "LA-XI-PHAXAY"},
	    {"La Mam", "Sê Kông", "LA-XE-LAMAM"},
	    {"Ka Lưm", "Sê Kông", "LA-XE-KALEUM"},
	    {"Kaleum", "Sekong", "LA-XE-KALEUM"},
	    {"Đắc Chưng", "Xê Kông", "LA-XE-DAKCHEUNG"},
	    {"Thà Teng", "Sê Kông", "LA-XE-THATENG"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_every_form(cases[i][0], cases[i][1], cases[i][2]);
	/* And every district the table has for the two. */
	for (size_t i = 0; i < gazetteer_count(); i++) {
		const struct gazetteer_partner *p = gazetteer_at(i);

		if (p->parent_code != NULL &&
		    (strcmp(p->parent_code, "LA-XI") == 0 ||
		        strcmp(p->parent_code, "LA-XE") == 0))
			assert_every_form(p->name,
			    gazetteer_resolve(p->parent_code)->name, p->code);
	}
}

static void
test_administrative_words(void **state)
{
	(void)state;
	assert_resolves("tỉnh Xiêng Khoảng", "LA-XI");
	assert_resolves("tinh xieng khoang", "LA-XI");
	assert_resolves("tỉnh Sê Kông (Lào)", "LA-XE");
	assert_resolves("Sê Kông, Lào", "LA-XE");
	assert_resolves("thành phố Viêng Chăn", "LA-VT");
	assert_resolves("thủ đô Viêng Chăn", "LA-VT");
	assert_resolves("Thủ đô Viêng Chăn (Lào)", "LA-VT");
	assert_resolves("thành phố Pắc Xế", "LA-CH-PAKSE");
	assert_resolves("Sekong Province", "LA-XE");
	/* A district named as its province: the word decides. */
	assert_resolves("Phông Xa Lỳ", "LA-PH");
	assert_resolves("tỉnh Phông Xa Lỳ", "LA-PH");
	assert_resolves("huyện Phông Xa Lỳ", "LA-PH-PHONGSALY");
	assert_resolves("huyện Sa La Văn", "LA-SL-SALAVAN");
	/* The styles the documents used, all to the same entries. */
	assert_resolves("Xa-vẳn-na-khệt", "LA-SV");
	assert_resolves("Xa Vẳn Na Khệt", "LA-SV");
	assert_resolves("Sa La Văn", "LA-SL");
	assert_resolves("tỉnh Phông Xa Lỳ", "LA-PH");
	assert_resolves("Phông-xa-lỳ", "LA-PH");
	assert_resolves("U-đôm-xay", "LA-OU");
	assert_resolves("Luông-pha-băng", "LA-LP");
	assert_resolves("Bò Kẹo", "LA-BK");
	assert_resolves("Xiêng-khoảng", "LA-XI");
}

/* Districts of one name in two provinces are told apart by theirs. */
static void
test_shared_district_names(void **state)
{
	(void)state;
	assert_null(gazetteer_resolve("Viêng Khăm"));
	assert_null(gazetteer_resolve("huyện Xay Xệt Thà"));
	assert_resolves("Viêng Khăm, Luông Pha Băng", "LA-LP-VIENGKHAM");
	assert_resolves("huyện Viêng Khăm tỉnh Viêng Chăn", "LA-VI-VIENGKHAM");
	assert_resolves("Xay Xệt Thà (Át Tạ Pư)", "LA-AT-XAYSETHA");
	assert_resolves("Xaysetha, Vientiane", "LA-VT-XAYSETHA");
	assert_resolves("Phôn Thong, Chăm Pa Xắc", "LA-CH-PHONTHONG");
	/* Not a province after it: still nothing. */
	assert_null(gazetteer_resolve("Viêng Khăm Pẹc"));
}

static void
test_groups(void **state)
{
	const struct gazetteer_partner *north, *nghean, *xi, *nonghet, *at;

	(void)state;
	assert_resolves("Bắc Lào", "G-LA-BAC");
	assert_resolves("các tỉnh Bắc Lào", "G-LA-BAC");
	assert_resolves("Các tỉnh Nam Lào", "G-LA-NAM");
	assert_resolves("nam lao", "G-LA-NAM");
	assert_resolves("Trung Lào", "G-LA-TRUNG");
	assert_resolves("các tỉnh Lào giáp Nghệ An", "G-VN-NGHEAN");
	assert_resolves("giáp Kon Tum", "G-VN-KONTUM");
	north = gazetteer_resolve("Bắc Lào");
	nghean = gazetteer_resolve("G-VN-NGHEAN");
	xi = gazetteer_resolve("LA-XI");
	nonghet = gazetteer_resolve("Noọng Hẹt");
	at = gazetteer_resolve("LA-AT");
	assert_true(gazetteer_within(xi, north));
	assert_true(gazetteer_within(nonghet, north));
	assert_true(gazetteer_within(nonghet, nghean));
	assert_true(gazetteer_within(nonghet, xi));
	assert_false(gazetteer_within(at, north));
	assert_false(gazetteer_within(xi, nonghet));
	/* The provinces bordering each Vietnamese border province. */
	assert_string_equal(
	    gazetteer_resolve("giáp Quảng Nam")->members[0], "LA-XE");
	assert_null(gazetteer_resolve("giáp Quảng Nam")->members[1]);
	assert_string_equal(
	    gazetteer_resolve("giáp Kon Tum")->members[0], "LA-AT");
}

/* What loading text gives: "" for success, else the error. */
static const char *
load(const char *text)
{
	static char err[512];

	err[0] = '\0';
	if (gazetteer_load_text(text, "g.tsv", err, sizeof(err)) != 0 &&
	    err[0] == '\0')
		return "failed without a reason";
	return err;
}

#define HEADER "code\tlevel\tparent\tname\tlatin\taliases\tmembers\n"
#define XE     "LA-XE\tprovince\t\tSê Kông\tSekong\tXê Kông\t\n"

static void
test_load(void **state)
{
	(void)state;
	assert_string_equal(load("# a note\n\n" HEADER XE
	                         "LA-XE-KALEUM\tdistrict\tLA-XE\tKa Lưm\t"
	                         "Kaleum\tKà Lưm|Kalum\t\r\n"),
	    "");
	assert_int_equal(gazetteer_count(), 2);
	assert_resolves("huyện Kà Lưm", "LA-XE-KALEUM");
	assert_null(gazetteer_resolve("Attapeu"));
	gazetteer_reset();
	assert_true(gazetteer_count() > 150);
	assert_resolves("Attapeu", "LA-AT");
}

static void
test_load_errors(void **state)
{
	static const char *const cases[][2] = {
	    {"", "g.tsv:0: no header line"},
	    {"code\tlevel\n", "g.tsv:1: the first line is not the header"},
	    {HEADER "LA-XE\tprovince\n", "g.tsv:2: 2 fields, not 7"},
	    {HEADER XE XE, "g.tsv:3: LA-XE is already on line 2"},
	    {HEADER "la-xe\tprovince\t\tA\tA\t\t\n",
	        "g.tsv:2: code \"la-xe\" is not capitals"},
	    {HEADER "LA-XE\tcity\t\tA\tA\t\t\n",
	        "g.tsv:2: level \"city\" is not province"},
	    {HEADER "LA-XEK\tprovince\t\tA\tA\t\t\n",
	        "g.tsv:2: a province's code is LA- and two capitals"},
	    {HEADER "LA-XE\tprovince\t\tSe\xcc\x82 Kông\tA\t\t\n",
	        "g.tsv:2: name \"Se\xcc\x82 Kông\" is not in NFC"},
	    {HEADER "LA-XE\tprovince\t\tS\xc3\tA\t\t\n",
	        "g.tsv:2: name is not well-formed text"},
	    {HEADER XE "LA-XE-A\tdistrict\tLA-XI\tA\tA\t\t\n",
	        "g.tsv:3: a district's code is its province's"},
	    {HEADER XE "LA-XI-A\tdistrict\tLA-XI\tA\tA\t\t\n",
	        "g.tsv:3: parent LA-XI is not a province"},
	    {HEADER XE "LA-XI\tprovince\t\tXê-kông\tB\t\t\n",
	        "g.tsv:3: LA-XI: a spelling (\"xekong\" once folded) is "
	        "one of LA-XE"},
	    {HEADER XE "LA-AT\tprovince\t\tA\tB\tC||D\t\n",
	        "g.tsv:3: an empty item in aliases"},
	    {HEADER XE "LA-AT\tprovince\t\tA\tB\t--\t\n",
	        "g.tsv:3: \"--\" has no letter or digit"},
	    {HEADER XE "G-A\tgroup\t\tA\tB\t\tLA-XE LA-ZZ\n",
	        "g.tsv:3: member LA-ZZ is not a province or a district"},
	    {HEADER XE "G-A\tgroup\t\tA\tB\t\t\n",
	        "g.tsv:3: a group's code starts with G- and it has members"},
	    {HEADER XE "LA-AT\tprovince\t\tA\tB\t\tLA-XE\n",
	        "g.tsv:3: LA-AT has members but is not a group"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *err = load(cases[i][0]);

		if (strncmp(err, cases[i][1], strlen(cases[i][1])) != 0)
			fail_msg("case %zu: \"%s\", want \"%s...\"", i, err,
			    cases[i][1]);
		/* A failed load leaves the table as it was. */
		assert_resolves("Attapeu", "LA-AT");
	}
}

static void
test_add_alias(void **state)
{
	char err[256];
	const struct gazetteer_partner *held = gazetteer_resolve("LA-XE");

	(void)state;
	/* A check changes nothing. */
	assert_int_equal(gazetteer_add_check("LA-XE-NEW", "LA-XE", "Mới Lập",
	                     "Mailap", err, sizeof(err)),
	    0);
	assert_int_equal(
	    gazetteer_alias_check("LA-XE", "Xế Công", err, sizeof(err)), 0);
	assert_null(gazetteer_resolve("Mới Lập"));
	assert_null(gazetteer_resolve("Xế Công"));
	assert_int_equal(
	    gazetteer_alias_check("LA-XE", "Attapeu", err, sizeof(err)), -1);
	assert_int_equal(gazetteer_add("LA-XE-NEW", "LA-XE", "Mới Lập",
	                     "Mailap", err, sizeof(err)),
	    0);
	assert_resolves("huyện Moi Lap", "LA-XE-NEW");
	assert_int_equal(gazetteer_add("LA-XE-NEW", "LA-XE", "Mới Lập",
	                     "Mailap", err, sizeof(err)),
	    1);
	assert_int_equal(gazetteer_add("LA-XE-NEW", "LA-XE", "Khác", "Other",
	                     err, sizeof(err)),
	    -1);
	assert_string_equal(err, "LA-XE-NEW is already Mới Lập");
	assert_int_equal(gazetteer_add("LA-XE-KHAM", "LA-XE", "Khăm", "Kham",
	                     err, sizeof(err)),
	    0); /* a name other provinces' districts have too */
	assert_int_equal(
	    gazetteer_add("LA-XX-A", "LA-XX", "A", "A", err, sizeof(err)), -1);
	assert_string_equal(err, "parent LA-XX is not a province");
	assert_int_equal(
	    gazetteer_add("LA-AT-X", "LA-XE", "A", "A", err, sizeof(err)), -1);
	assert_int_equal(
	    gazetteer_add("LA-QQ", NULL, "Sekong", "Q", err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, "LA-QQ: a spelling", 17), 0);

	assert_int_equal(
	    gazetteer_alias("LA-XE", "Xế Công", err, sizeof(err)), 0);
	assert_resolves("tỉnh Xe Cong", "LA-XE");
	assert_int_equal(
	    gazetteer_alias("LA-XE", "Xế Công", err, sizeof(err)), 1);
	assert_int_equal(
	    gazetteer_alias("LA-XE", "Attapeu", err, sizeof(err)), -1);
	assert_int_equal(gazetteer_alias("LA-ZZ", "Zed", err, sizeof(err)), -1);
	assert_string_equal(err, "no partner has the code LA-ZZ");
	assert_int_equal(gazetteer_alias("LA-XE", "  ", err, sizeof(err)), -1);
	/* What was held before the changes is still good. */
	assert_string_equal(held->name, "Sê Kông");
	gazetteer_reset();
	assert_null(gazetteer_resolve("Xế Công"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_province_rule),
	    cmocka_unit_test(test_every_spelling_resolves_home),
	    cmocka_unit_test(test_domain_spellings),
	    cmocka_unit_test(test_seed_spellings),
	    cmocka_unit_test(test_sekong_forms),
	    cmocka_unit_test(test_vientiane),
	    cmocka_unit_test(test_no_match),
	    cmocka_unit_test(test_matches),
	    cmocka_unit_test(test_districts_per_province),
	    cmocka_unit_test(test_xiengkhouang_sekong_districts),
	    cmocka_unit_test(test_administrative_words),
	    cmocka_unit_test(test_shared_district_names),
	    cmocka_unit_test(test_groups),
	    cmocka_unit_test(test_load),
	    cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_add_alias),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
