#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "text.h"

/* "Sê Kông" decomposed: e + U+0302, o + U+0302. */
#define SEKONG_NFD "Se\xcc\x82 Ko\xcc\x82ng"
#define SEKONG_NFC "S\xc3\xaa K\xc3\xb4ng"

static void
assert_fold(const char *in, const char *want)
{
	char *got = text_fold(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
assert_key(const char *in, const char *want)
{
	char *got = text_key(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
assert_nfc(const char *in, const char *want)
{
	char *got = text_nfc(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_check_ok(void **state)
{
	const char *s = "Ủy ban nhân dân huyện Đắk Glei\n\tdòng 2\r\n";

	(void)state;
	assert_int_equal(text_check(s, strlen(s)), TEXT_OK);
	assert_int_equal(text_check("", 0), TEXT_OK);
	assert_int_equal(text_check(NULL, 0), TEXT_OK);
	assert_int_equal(text_check(SEKONG_NFD, strlen(SEKONG_NFD)), TEXT_OK);
	/* Four-byte characters are fine. */
	assert_int_equal(text_check("\xf0\x9f\x98\x80", 4), TEXT_OK);
}

static void
test_check_bad_utf8(void **state)
{
	(void)state;
	/* Lone continuation byte, truncated sequence, overlong, surrogate,
	 * beyond U+10FFFF, bytes that never occur. */
	assert_int_equal(text_check("a\x80"
	                            "b",
	                     3),
	    TEXT_BAD_UTF8);
	assert_int_equal(text_check("\xc3", 1), TEXT_BAD_UTF8);
	assert_int_equal(text_check("\xc0\xaf", 2), TEXT_BAD_UTF8);
	assert_int_equal(text_check("\xed\xa0\x80", 3), TEXT_BAD_UTF8);
	assert_int_equal(text_check("\xf4\x90\x80\x80", 4), TEXT_BAD_UTF8);
	assert_int_equal(text_check("\xff", 1), TEXT_BAD_UTF8);
	/* A valid string cut in the middle of "ê". */
	assert_int_equal(text_check(SEKONG_NFC, 2), TEXT_BAD_UTF8);
	assert_int_equal(text_check(NULL, 3), TEXT_BAD_UTF8);
}

static void
test_check_nul_and_control(void **state)
{
	(void)state;
	assert_int_equal(text_check("ab\0cd", 5), TEXT_HAS_NUL);
	assert_int_equal(text_check("\0", 1), TEXT_HAS_NUL);
	assert_int_equal(text_check("a\x01", 2), TEXT_HAS_CONTROL);
	assert_int_equal(text_check("a\x1b[0m", 5), TEXT_HAS_CONTROL);
	assert_int_equal(text_check("a\x7f", 2), TEXT_HAS_CONTROL);
	/* U+0085 (NEL), a C1 control, and the first and last of them. */
	assert_int_equal(text_check("a\xc2\x85", 3), TEXT_HAS_CONTROL);
	assert_int_equal(text_check("\xc2\x80", 2), TEXT_HAS_CONTROL);
	assert_int_equal(text_check("\xc2\x9f", 2), TEXT_HAS_CONTROL);
	/* Bytes 80..9F continuing other characters are not controls:
	 * U+00C2 (C3 82), U+1E9F (E1 BA 9F), U+10080 (F0 90 82 80). */
	assert_int_equal(
	    text_check("\xc3\x82\xe1\xba\x9f\xf0\x90\x82\x80", 9), TEXT_OK);
	/* U+00A0 is a space, not a control. */
	assert_int_equal(text_check("a\xc2\xa0"
	                            "b",
	                     4),
	    TEXT_OK);
	/* Only the given length is looked at. */
	assert_int_equal(text_check("ab\x01", 2), TEXT_OK);
}

static void
test_length(void **state)
{
	(void)state;
	assert_int_equal(text_length(""), 0);
	assert_int_equal(text_length("abc"), 3);
	assert_int_equal(text_length(SEKONG_NFC), 7);
	assert_int_equal(text_length(SEKONG_NFD), 9);
	assert_int_equal(text_length("Đắk Glei"), 8);
	assert_int_equal(text_length(NULL), 0);
}

static void
test_nfc(void **state)
{
	(void)state;
	assert_nfc(SEKONG_NFD, SEKONG_NFC);
	assert_nfc(SEKONG_NFC, SEKONG_NFC);
	assert_nfc("  \t" SEKONG_NFD " \n", SEKONG_NFC);
	/* No-break and ideographic spaces are trimmed too; inner ones stay. */
	assert_nfc("\xc2\xa0Hủa  Phăn\xe3\x80\x80", "Hủa  Phăn");
	assert_nfc("   ", "");
	assert_nfc("", "");
	assert_null(text_nfc("\xc3"));
	assert_null(text_nfc(NULL));
}

static void
test_fold(void **state)
{
	(void)state;
	assert_fold("Đắk  Glei", "dak glei");
	assert_fold("Đắk Glei", "dak glei");
	assert_fold("ĐẮK GLEI", "dak glei");
	assert_fold(SEKONG_NFD, "se kong");
	assert_fold(SEKONG_NFC, "se kong");
	assert_fold("Phong - Sa - Ly", "phong sa ly");
	assert_fold("  Bo- Kẹo  ", "bo keo");
	assert_fold("U - Đôm - Xay", "u dom xay");
	assert_fold("Luông - Pha - Bang", "luong pha bang");
	assert_fold("558/SNgV-BGHTQT", "558 sngv bghtqt");
	assert_fold("Sở TN&MT", "so tn mt");
	assert_fold("Thừa Thiên Huế", "thua thien hue");
	assert_fold("Quảng Ngãi, (Kon Tum)", "quang ngai kon tum");
	assert_fold("đoàn ra", "doan ra");
	assert_fold("-- ... --", "");
	assert_fold("", "");
	assert_null(text_fold("ab\xff"));
	assert_null(text_fold(NULL));
}

static void
test_key(void **state)
{
	(void)state;
	assert_key("Xê - Kông", "xekong");
	assert_key(SEKONG_NFD, "sekong");
	assert_key("SEKONG", "sekong");
	assert_key("se-kong", "sekong");
	assert_key("Đắk Glei", "dakglei");
	assert_key("Attapư", "attapu");
	assert_key("LA-XE", "laxe");
	assert_key("Xa-vẳn-na-khệt", "xavannakhet");
	assert_key("", "");
	assert_null(text_key("\xed\xa0\x80"));
}

/* Appends the UTF-8 of uc to buf at *len. */
static void
put_utf8(char *buf, size_t *len, uint32_t uc)
{
	if (uc < 0x80) {
		buf[(*len)++] = (char)uc;
	} else if (uc < 0x800) {
		buf[(*len)++] = (char)(0xC0 | uc >> 6);
		buf[(*len)++] = (char)(0x80 | (uc & 0x3F));
	} else {
		buf[(*len)++] = (char)(0xE0 | uc >> 12);
		buf[(*len)++] = (char)(0x80 | ((uc >> 6) & 0x3F));
		buf[(*len)++] = (char)(0x80 | (uc & 0x3F));
	}
	buf[*len] = '\0';
}

#define NEXTRA(a) (sizeof(a) / sizeof((a)[0]))

/* n random characters into s (at least 4 * n + 1 bytes), drawn evenly
 * from printable ASCII from lo, Latin-1 and Latin Extended from
 * lo + 0x80, Latin Extended Additional, and extra. */
static void
random_latin(uint32_t *seed, int n, uint32_t lo, const uint32_t *extra,
    size_t n_extra, char *s)
{
	size_t len = 0;

	s[0] = '\0';
	for (int i = 0; i < n; i++) {
		uint32_t r, uc;

		*seed = *seed * 1103515245u + 12345u;
		r = *seed >> 8;
		switch (r % 4) {
		case 0:
			uc = lo + r / 4 % (0x7F - lo);
			break;
		case 1:
			uc = lo + 0x80 + r / 4 % (0x370 - lo - 0x80);
			break;
		case 2:
			uc = 0x1E00 + r / 4 % 0x100;
			break;
		default:
			uc = extra[r / 4 % n_extra];
		}
		put_utf8(s, &len, uc);
	}
}

/*
 * Text of Latin-script characters folds through a table, other text the
 * full way: both must agree. A CJK letter after a space sends the whole
 * text the full way, and folds to itself after a separator, so
 * fold(s + " 一") must be fold(s) + " 一" for any s. Random strings of
 * every character the table covers (and a few it does not), with a fixed
 * seed.
 */
static void
test_fold_table_agrees(void **state)
{
	static const uint32_t extra[] = {' ', ',', '-', 0x0111, 0x0110, 0x00DF,
	    0x0149, 0x017F, 0x1E9E, 0x0300, 0x0301, 0x0323, 0x2019, 0x00A0};
	uint32_t seed = 12345;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		char s[128], forced[140], *a, *b, *ka, *kb;
		int n = 1 + round % 12;

		random_latin(&seed, n, 0x20, extra, NEXTRA(extra), s);
		snprintf(forced, sizeof(forced), "%s \xe4\xb8\x80", s);
		a = text_fold(s);
		b = text_fold(forced);
		assert_non_null(a);
		assert_non_null(b);
		if (a[0] == '\0')
			assert_string_equal(b, "\xe4\xb8\x80");
		else {
			assert_int_equal(strlen(b), strlen(a) + 4);
			assert_memory_equal(b, a, strlen(a));
			assert_string_equal(b + strlen(a), " \xe4\xb8\x80");
		}
		ka = text_key(s);
		kb = text_key(forced);
		assert_non_null(ka);
		assert_non_null(kb);
		assert_int_equal(strlen(kb), strlen(ka) + 3);
		assert_memory_equal(kb, ka, strlen(ka));
		free(a);
		free(b);
		free(ka);
		free(kb);
	}
}

/*
 * NFC of text made only of characters NFC keeps skips libunistring; it
 * must agree with it. A CJK letter on each side sends the text through
 * libunistring (and keeps the ends from being trimmed): NFC("一" s "一")
 * must be "一" NFC(s) "一". The random text has no white space, which
 * text_nfc trims, and marks to compose and reorder.
 */
static void
test_nfc_table_agrees(void **state)
{
	static const uint32_t extra[] = {0x0300, 0x0301, 0x0302, 0x0303, 0x0309,
	    0x0323, 0x0306, 0x031B, 0x0340, 0x0344, 0x0374, 0x037E};
	uint32_t seed = 777;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		char s[128], forced[140], *a, *b;
		int n = 1 + round % 12;

		random_latin(&seed, n, 0x21, extra, NEXTRA(extra), s);
		snprintf(
		    forced, sizeof(forced), "\xe4\xb8\x80%s\xe4\xb8\x80", s);
		a = text_nfc(s);
		b = text_nfc(forced);
		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(strlen(b), strlen(a) + 6);
		assert_memory_equal(b + 3, a, strlen(a));
		free(a);
		free(b);
	}
}

/*
 * text_nfc_shape answers in one pass what validation asked of text_nfc's
 * result in four: it must agree with libunistring's NFC, trimmed of
 * White_Space by libunistring's property, with line breaks looked for
 * by strpbrk and the rest by text_length and text_bidi_control. The
 * random text mixes ASCII, Vietnamese letters precomposed and not, the
 * white space of other scripts, direction controls and controls, which
 * it must find as text_check does.
 */
static void
test_nfc_shape_agrees(void **state)
{
	static const uint32_t pool[] = {'a', 'e', 'Z', '1', ' ', ' ', '\t',
	    '\n', '\r', 0x00A0, 0x3000, 0x2028, 0x202F, 0x0301, 0x0302, 0x0323,
	    0x1EBF, 0x0111, 0x00EA, 0x200E, 0x202E, 0x2066, 0x061C, 0x4E00,
	    0x0E81, 0x01, 0x0B, 0x7F, 0x85, 0x9F};
	uint32_t seed = 4242;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		char s[128], *got = NULL;
		uint8_t *norm;
		size_t len = 0, n, start = 0, end = 0, i = 0;
		struct text_shape sh;
		uint32_t cp = 0;
		char want[160];

		s[0] = '\0';
		for (int k = 0; k < 1 + round % 14; k++) {
			seed = seed * 1103515245u + 12345u;
			put_utf8(s, &len, pool[(seed >> 8) % NEXTRA(pool)]);
		}
		n = strlen(s);
		norm = u8_normalize(
		    UNINORM_NFC, (const uint8_t *)s, n, NULL, &len);
		assert_non_null(norm);
		while (i < len) {
			ucs4_t uc;
			int k = u8_mbtouc(&uc, norm + i, len - i);

			if (!uc_is_property_white_space(uc)) {
				if (end == 0)
					start = i;
				end = i + (size_t)k;
			}
			i += (size_t)k;
		}
		memcpy(want, norm + start, end - start);
		want[end - start] = '\0';
		free(norm);

		assert_int_equal(text_nfc_shape(s, n, &got, &sh), 0);
		assert_string_equal(got != NULL ? got : s, want);
		if (got == NULL)
			assert_int_equal(end - start, n);
		assert_int_equal(sh.chars, text_length(want));
		assert_int_equal(sh.line_break, strpbrk(want, "\r\n") != NULL);
		assert_int_equal(sh.bidi, text_bidi_control(want, &cp));
		if (sh.bidi != 0)
			assert_int_equal(sh.bidi_cp, cp);
		assert_int_equal(
		    sh.control, text_check(s, n) == TEXT_HAS_CONTROL);
		free(got);
	}
}

/* Invisible format characters fold away, by the table's way (soft
 * hyphen, U+00AD) and by the full way (the rest) alike, so a search for
 * "abc" finds "a<ZWSP>b<BOM>c"; a word gap stays a gap. */
static void
test_fold_format_characters(void **state)
{
	(void)state;
	assert_fold("a\xe2\x80\x8b"
	            "b\xef\xbb\xbf"
	            "c",
	    "abc");
	assert_fold("\xc4\x90\xe1\xba\xaf\xc2\xad"
	            "k Gl\xe2\x81\xa0"
	            "ei",
	    "dak glei");
	assert_fold("h\xe1\xbb\x99i\xe2\x80\x8c"
	            "ngh\xe1\xbb\x8b\xe2\x80\x8d",
	    "hoinghi");
	assert_fold("a\xe2\x80\x8b b", "a b");
	assert_key("X\xc3\xaa\xe2\x80\x8b - K\xc3\xb4ng\xef\xbb\xbf", "xekong");
}

static void
test_bidi_control(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(text_bidi_control("", &cp), 0);
	assert_int_equal(text_bidi_control("Đắk Glei a\xe2\x80\x8b"
	                                   "b",
	                     &cp),
	    0);
	assert_int_equal(text_bidi_control("Đắk\xe2\x80\xae"
	                                   "cod",
	                     &cp),
	    4);
	assert_int_equal(cp, 0x202E);
	assert_int_equal(text_bidi_control("ab\xd8\x9c", &cp), 3);
	assert_int_equal(cp, 0x061C);
	assert_int_equal(text_bidi_control("\xe2\x81\xa9", &cp), 1);
	assert_int_equal(cp, 0x2069);
	/* Neighbours of the ranges are not controls. */
	assert_int_equal(text_bidi_control("\xe2\x80\xa9\xe2\x80\xaf"
	                                   "\xe2\x81\xa5\xe2\x81\xaa",
	                     &cp),
	    0);
}

/* Bytes as lowercase hex, two digits each, every value, then a NUL. */
static void
test_hex(void **state)
{
	const uint8_t b[] = {0x00, 0x0f, 0x10, 0xa5, 0xff};
	uint8_t all[256];
	char out[2 * sizeof(all) + 2];

	(void)state;
	memset(out, 'Z', sizeof(out));
	text_hex(b, sizeof(b), out);
	assert_string_equal(out, "000f10a5ff");
	text_hex(b, 0, out);
	assert_string_equal(out, "");
	for (size_t i = 0; i < sizeof(all); i++)
		all[i] = (uint8_t)i;
	memset(out, 'Z', sizeof(out));
	text_hex(all, sizeof(all), out);
	for (size_t i = 0; i < sizeof(all); i++) {
		char want[3];

		snprintf(want, sizeof(want), "%02x", all[i]);
		assert_memory_equal(out + 2 * i, want, 2);
	}
	assert_int_equal(out[2 * sizeof(all)], '\0');
	assert_int_equal(out[2 * sizeof(all) + 1], 'Z');
}

/* FNV-1a's published values, and equal text hashing alike. */
static void
test_hash(void **state)
{
	(void)state;
	assert_true(text_hash("") == (size_t)14695981039346656037ull);
	assert_true(text_hash("a") == (size_t)0xaf63dc4c8601ec8cull);
	assert_true(text_hash("dak glei") == text_hash("dak glei"));
	assert_true(text_hash("dak glei") != text_hash("dak gleI"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_ok),
	    cmocka_unit_test(test_check_bad_utf8),
	    cmocka_unit_test(test_check_nul_and_control),
	    cmocka_unit_test(test_length),
	    cmocka_unit_test(test_nfc),
	    cmocka_unit_test(test_fold),
	    cmocka_unit_test(test_key),
	    cmocka_unit_test(test_fold_table_agrees),
	    cmocka_unit_test(test_nfc_table_agrees),
	    cmocka_unit_test(test_nfc_shape_agrees),
	    cmocka_unit_test(test_fold_format_characters),
	    cmocka_unit_test(test_bidi_control),
	    cmocka_unit_test(test_hex),
	    cmocka_unit_test(test_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
