/*
 * Text: UTF-8 checks, NFC normalization and folding for search, on top of
 * libunistring. Every returned string is malloc'd and owned by the caller.
 */
#ifndef HOPTAC_TEXT_H
#define HOPTAC_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum text_check {
	TEXT_OK = 0,
	TEXT_BAD_UTF8 = -1,    /* not well-formed UTF-8 */
	TEXT_HAS_NUL = -2,     /* an embedded NUL byte */
	TEXT_HAS_CONTROL = -3, /* a C0/C1 control other than tab, LF, CR */
};

/* Checks len bytes of s: well-formed UTF-8, no NUL, no control characters
 * except tab, LF and CR. Returns a text_check value. */
int text_check(const char *s, size_t len);

/* The first invisible direction control in well-formed s (U+061C,
 * U+200E, U+200F, U+202A..U+202E, U+2066..U+2069), which can make a
 * line read in another order than it is stored ("Trojan Source"): its
 * position, counted in characters from 1, with the character in *cp;
 * 0 when there is none. */
size_t text_bidi_control(const char *s, uint32_t *cp);

/* Number of Unicode code points in NUL-terminated, well-formed s. */
size_t text_length(const char *s);

/* s in Unicode NFC, with leading and trailing white space removed.
 * NULL when out of memory or s is not well-formed UTF-8. */
char *text_nfc(const char *s);

/* What text_nfc_shape found: where the text begins and ends without its
 * white space (bytes, of the text or of its NFC when that differs), and
 * between them its characters, whether a line break (CR or LF) is among
 * them, and its first direction control (as text_bidi_control: counted
 * from 1, 0 when none); and whether a control character (as text_check
 * refuses) is anywhere in it. */
struct text_shape {
	size_t start, end;
	size_t chars;
	size_t bidi;
	uint32_t bidi_cp;
	bool line_break;
	bool control;
};

/* text_nfc of s, n bytes of well-formed UTF-8 without NUL, with its
 * shape in *sh, in one pass when s is NFC already. *out is NULL when s
 * is already all of that (nothing to copy), else malloc'd and owned by
 * the caller. Returns 0, or -1 when out of memory. */
int text_nfc_shape(const char *s, size_t n, char **out, struct text_shape *sh);

/* s folded for search: decomposed, combining marks and invisible format
 * characters (zero width space and joiners, U+FEFF, soft hyphen: Unicode
 * category Cf) removed, case folded,
 * "đ"/"Đ" mapped to "d", every run of white space, hyphens and other
 * punctuation turned into one space, trimmed. "Đắk  Glei" -> "dak glei".
 * NULL when out of memory or s is not well-formed UTF-8. */
char *text_fold(const char *s);

/* s folded as text_fold, then with every character that is not a letter
 * or digit removed: the key aliases are matched on.
 * "Xê - Kông" -> "xekong". NULL on error. */
char *text_key(const char *s);

/* A hash of the bytes of s (FNV-1a), for tables keyed by text. */
size_t text_hash(const char *s);

/* The n bytes of b as 2n lowercase hex digits into out, then a NUL: out
 * holds 2n + 1 bytes. */
void text_hex(const uint8_t *b, size_t n, char *out);

#endif
