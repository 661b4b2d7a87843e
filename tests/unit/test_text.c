#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

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
	/* U+0085 (NEL), a C1 control. */
	assert_int_equal(text_check("a\xc2\x85", 3), TEXT_HAS_CONTROL);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
