#include "text.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

/* The ASCII bytes that are controls in text: C0 but tab, LF and CR, and
 * DEL (NUL too, told apart by text_check). A table: one lookup a byte
 * on the path of every string a call carries. */
/* clang-format off */
static const bool text_control_byte[0x80] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    [0x7f] = 1};
/* clang-format on */

int
text_check(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;

	if (len == 0)
		return TEXT_OK;
	if (s == NULL || u8_check(p, len) != NULL)
		return TEXT_BAD_UTF8;
	/* Valid UTF-8 from here, so the bytes tell without decoding: a
	 * control is one of the table's, or U+0080..U+009F, which UTF-8
	 * writes C2 80..C2 9F. */
	for (size_t i = 0; i < len; i++) {
		uint8_t b = p[i];

		if (b < 0x80 ? !text_control_byte[b] : b != 0xc2)
			continue;
		if (b == 0)
			return TEXT_HAS_NUL;
		if (b != 0xc2 || p[i + 1] <= 0x9f)
			return TEXT_HAS_CONTROL;
	}
	return TEXT_OK;
}

/* The invisible direction controls text_bidi_control looks for. */
static bool
text_is_bidi_control(ucs4_t uc)
{
	return uc == 0x061C || uc == 0x200E || uc == 0x200F ||
	    (uc >= 0x202A && uc <= 0x202E) || (uc >= 0x2066 && uc <= 0x2069);
}

size_t
text_bidi_control(const char *s, uint32_t *cp)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = s != NULL ? strlen(s) : 0, i = 0, pos = 0;

	while (i < n) {
		ucs4_t uc = p[i];
		int k = 1;

		if (uc >= 0x80 &&
		    (k = u8_mbtouc_unsafe(&uc, p + i, n - i)) <= 0)
			k = 1;
		i += (size_t)k;
		pos++;
		if (text_is_bidi_control(uc)) {
			*cp = uc;
			return pos;
		}
	}
	return 0;
}

size_t
text_length(const char *s)
{
	if (s == NULL)
		return 0;
	return u8_mbsnlen((const uint8_t *)s, strlen(s));
}

/* Appends the NUL that libunistring results lack, taking over buf. */
static char *
text_terminate(uint8_t *buf, size_t len)
{
	char *out = realloc(buf, len + 1);

	if (out == NULL) {
		free(buf);
		return NULL;
	}
	out[len] = '\0';
	return out;
}

/*
 * Most text the server stores is NFC already: Vietnamese typed with a
 * precomposed keyboard, or normalized by the client. Text made only of
 * characters that are NFC on their own and are not marks cannot change
 * under NFC (in these scripts only marks compose with what precedes
 * them), so it skips libunistring's normalization. Which characters those
 * are is asked of libunistring itself, once per character met.
 */
#define TEXT_NFC_END      0x0370 /* ASCII, Latin-1, Latin Extended, marks */
#define TEXT_NFC_HIGH     0x1E00
#define TEXT_NFC_HIGH_END 0x1F00 /* Latin Extended Additional */

/* Per character: 0 not asked yet, else TEXT_NFC_INERT or TEXT_NFC_NOT.
 * Filled on first sight, so a process pays for the characters it meets
 * (a few dozen), not for the table's 1,136; a filled entry never
 * changes. */
enum { TEXT_NFC_INERT = 1, TEXT_NFC_NOT = 2 };
static _Atomic uint8_t text_nfc_low[TEXT_NFC_END];
static _Atomic uint8_t text_nfc_high[TEXT_NFC_HIGH_END - TEXT_NFC_HIGH];

static bool
text_nfc_is_inert(ucs4_t uc)
{
	uint8_t in[8], *out;
	size_t len = 0;
	int n = u8_uctomb(in, uc, sizeof(in));
	bool inert;

	if (n <= 0 || uc_is_general_category(uc, UC_CATEGORY_M))
		return false;
	if ((out = u8_normalize(UNINORM_NFC, in, (size_t)n, NULL, &len)) ==
	    NULL)
		return false;
	inert = len == (size_t)n && memcmp(in, out, len) == 0;
	free(out);
	return inert;
}

/* Whether NFC keeps uc as it is and it composes with nothing before it;
 * false for characters outside the table. */
static bool
text_nfc_inert(ucs4_t uc)
{
	_Atomic uint8_t *e = uc < TEXT_NFC_END ? &text_nfc_low[uc]
	    : uc >= TEXT_NFC_HIGH && uc < TEXT_NFC_HIGH_END
	    ? &text_nfc_high[uc - TEXT_NFC_HIGH]
	    : NULL;
	uint8_t v;

	if (e == NULL)
		return false;
	/* Two threads may ask at once: both store the same answer. */
	if ((v = atomic_load_explicit(e, memory_order_relaxed)) == 0) {
		v = text_nfc_is_inert(uc) ? TEXT_NFC_INERT : TEXT_NFC_NOT;
		atomic_store_explicit(e, v, memory_order_relaxed);
	}
	return v == TEXT_NFC_INERT;
}

/*
 * One pass over p (n bytes of valid UTF-8) for what text_nfc_shape
 * tells: where the text starts and ends without white space, its
 * characters, line breaks and direction controls in between. With
 * check_nfc, gives up (false) at the first character NFC might change,
 * by the table above. ASCII, nearly all of what offices type, is told
 * by its byte, without decoding or asking libunistring.
 */
static bool
text_shape_scan(
    const uint8_t *p, size_t n, bool check_nfc, struct text_shape *sh)
{
	size_t i = 0, chars = 0, before = 0, through = 0;
	bool seen = false, broken = false;

	memset(sh, 0, sizeof(*sh));
	while (i < n) {
		ucs4_t uc = p[i];
		int k = 1;
		bool space;

		if (uc < 0x80) {
			space = uc == ' ' || (uc >= '\t' && uc <= '\r');
			sh->control = sh->control || text_control_byte[uc];
		} else {
			if ((k = u8_mbtouc_unsafe(&uc, p + i, n - i)) <= 0)
				k = 1;
			if (check_nfc && !text_nfc_inert(uc))
				return false;
			space = uc_is_property_white_space(uc);
			sh->control = sh->control || uc <= 0x9f;
		}
		chars++;
		if (space) {
			broken = broken || (seen && (uc == '\n' || uc == '\r'));
		} else {
			if (!seen) {
				seen = true;
				sh->start = i;
				before = chars - 1;
			}
			sh->end = i + (size_t)k;
			through = chars;
			sh->line_break = sh->line_break || broken;
			if (sh->bidi == 0 && text_is_bidi_control(uc)) {
				sh->bidi = chars - before;
				sh->bidi_cp = uc;
			}
		}
		i += (size_t)k;
	}
	sh->chars = through - before;
	return true;
}

int
text_nfc_shape(const char *s, size_t n, char **out, struct text_shape *sh)
{
	const uint8_t *p = (const uint8_t *)s;
	uint8_t *norm = NULL;
	size_t len = 0;

	*out = NULL;
	if (text_shape_scan(p, n, true, sh)) {
		/* NFC already: a copy only when there is white space to cut. */
		if (sh->start == 0 && sh->end == n)
			return 0;
		if ((*out = malloc(sh->end - sh->start + 1)) == NULL)
			return -1;
		memcpy(*out, p + sh->start, sh->end - sh->start);
		(*out)[sh->end - sh->start] = '\0';
		return 0;
	}
	if ((norm = u8_normalize(UNINORM_NFC, p, n, NULL, &len)) == NULL)
		return -1;
	/* Trimmed after composing, since a mark may follow a space. */
	text_shape_scan(norm, len, false, sh);
	if (sh->start > 0)
		memmove(norm, norm + sh->start, sh->end - sh->start);
	*out = text_terminate(norm, sh->end - sh->start);
	return *out != NULL ? 0 : -1;
}

char *
text_nfc(const char *s)
{
	struct text_shape sh;
	char *out;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	if (u8_check((const uint8_t *)s, n) != NULL ||
	    text_nfc_shape(s, n, &out, &sh) != 0)
		return NULL;
	return out != NULL ? out : strdup(s);
}

/*
 * The folding shared by text_fold and text_key: keep letters and digits,
 * drop marks, turn everything else into a single separator (a space when
 * spaces is true, nothing otherwise). This is the general way, through
 * libunistring's case folding and decomposition of the whole text.
 */
static char *
text_fold_full(const char *s, bool spaces)
{
	const uint8_t *p = (const uint8_t *)s;
	uint8_t *folded = NULL, *out = NULL;
	size_t n, len = 0, o = 0, i = 0;
	bool gap = false;
	char *result = NULL;

	if (s == NULL)
		goto out;
	n = strlen(s);
	if (u8_check(p, n) != NULL)
		goto out;
	if (n == 0) {
		result = strdup("");
		goto out;
	}
	/* No language: folding must not depend on the locale. */
	folded = u8_casefold(p, n, NULL, UNINORM_NFD, NULL, &len);
	if (folded == NULL)
		goto out;
	/* Dropping marks and mapping to ASCII never makes the text longer,
	 * and a separator only ever replaces at least one byte. */
	out = malloc(len + 1);
	if (out == NULL)
		goto out;
	while (i < len) {
		ucs4_t uc;
		int k = u8_mbtouc_unsafe(&uc, folded + i, len - i);
		int w;

		if (k <= 0)
			k = 1;
		i += (size_t)k;
		/* Invisible format characters (zero width space, U+FEFF,
		 * soft hyphen) go like marks: "a<U+200B>bc" is found by
		 * "abc", not split into words. */
		if (uc_is_general_category(uc, UC_CATEGORY_M) ||
		    uc_is_general_category(uc, UC_CATEGORY_Cf))
			continue;
		/* đ is a letter of its own, not d with a mark. */
		if (uc == 0x0111 || uc == 0x0110)
			uc = 'd';
		if (!uc_is_general_category(uc, UC_CATEGORY_L) &&
		    !uc_is_general_category(uc, UC_CATEGORY_N)) {
			gap = true;
			continue;
		}
		if (gap && spaces && o > 0)
			out[o++] = ' ';
		gap = false;
		w = u8_uctomb(out + o, uc, (ptrdiff_t)(len - o));
		if (w > 0)
			o += (size_t)w;
	}
	out[o] = '\0';
	result = (char *)out;
	out = NULL;
out:
	free(folded);
	free(out);
	return result;
}

/*
 * The same folding, character by character from a table, for text made
 * only of the characters Vietnamese and other Latin-script text uses:
 * the general way costs some 200 instructions a character, which the
 * server pays for every record it stores. Each entry is filled once, when
 * its character is first met, by the general way itself, so both agree by
 * construction; characters whose folding is not one letter string, and
 * every character outside the table, take the general way.
 */
enum text_fold_kind {
	TEXT_FOLD_UNKNOWN = 0, /* not asked yet */
	TEXT_FOLD_FULL,        /* fold the text the full way */
	TEXT_FOLD_LETTERS,     /* folds to the letters in .out */
	TEXT_FOLD_SEPARATOR,
	TEXT_FOLD_MARK, /* dropped, no separator: a mark or a format char */
};

/* Filled on first sight under text_fold_mu, kind stored last (release),
 * so a reader that sees a kind (acquire) sees the rest; a process pays for
 * the characters it meets, not for the whole table. */
struct text_fold_entry {
	_Atomic uint8_t kind;
	uint8_t len;
	uint8_t out[6];
};

/* ASCII, Latin-1, Latin Extended-A and -B, the combining diacritics and
 * Latin Extended Additional (where Vietnamese's precomposed letters
 * lie). */
#define TEXT_FOLD_LOW_END  0x0370
#define TEXT_FOLD_HIGH     0x1E00
#define TEXT_FOLD_HIGH_END 0x1F00

static struct text_fold_entry text_fold_low[TEXT_FOLD_LOW_END];
static struct text_fold_entry
    text_fold_high[TEXT_FOLD_HIGH_END - TEXT_FOLD_HIGH];
static pthread_mutex_t text_fold_mu = PTHREAD_MUTEX_INITIALIZER;

static void
text_fold_entry_fill(ucs4_t uc, struct text_fold_entry *e)
{
	uint8_t in[8];
	int n = u8_uctomb(in, uc, sizeof(in) - 1);
	uint8_t kind = TEXT_FOLD_FULL;
	char *f = NULL;
	size_t len;

	if (n > 0 && uc != 0) {
		in[n] = '\0';
		f = text_fold_full((const char *)in, true);
	}
	if (f != NULL && (len = strlen(f)) == 0) {
		kind = uc_is_general_category(uc, UC_CATEGORY_M) ||
		        uc_is_general_category(uc, UC_CATEGORY_Cf)
		    ? TEXT_FOLD_MARK
		    : TEXT_FOLD_SEPARATOR;
	} else if (f != NULL && len <= sizeof(e->out) &&
	    strchr(f, ' ') == NULL) {
		kind = TEXT_FOLD_LETTERS;
		e->len = (uint8_t)len;
		memcpy(e->out, f, len);
	}
	free(f);
	atomic_store_explicit(&e->kind, kind, memory_order_release);
}

/* uc's entry, filled if need be, and its kind; NULL outside the table. */
static const struct text_fold_entry *
text_fold_lookup(ucs4_t uc, uint8_t *kind)
{
	struct text_fold_entry *e = uc < TEXT_FOLD_LOW_END ? &text_fold_low[uc]
	    : uc >= TEXT_FOLD_HIGH && uc < TEXT_FOLD_HIGH_END
	    ? &text_fold_high[uc - TEXT_FOLD_HIGH]
	    : NULL;

	if (e == NULL)
		return NULL;
	*kind = atomic_load_explicit(&e->kind, memory_order_acquire);
	if (*kind == TEXT_FOLD_UNKNOWN) {
		pthread_mutex_lock(&text_fold_mu);
		if (atomic_load_explicit(&e->kind, memory_order_relaxed) ==
		    TEXT_FOLD_UNKNOWN)
			text_fold_entry_fill(uc, e);
		pthread_mutex_unlock(&text_fold_mu);
		*kind = atomic_load_explicit(&e->kind, memory_order_acquire);
	}
	return e;
}

/* The table's way; NULL when a character needs the full way (or out of
 * memory, where the full way fails as well). s is valid UTF-8. */
static char *
text_fold_table(const uint8_t *p, size_t n, bool spaces)
{
	/* A letter folds to at most six bytes from a character of at least
	 * one, and a separator comes before a letter only. */
	uint8_t *out = malloc(n * 7 + 1);
	size_t i = 0, o = 0;
	bool gap = false;

	if (out == NULL)
		return NULL;
	while (i < n) {
		ucs4_t uc;
		int k = u8_mbtouc_unsafe(&uc, p + i, n - i);
		uint8_t kind = TEXT_FOLD_FULL;
		const struct text_fold_entry *e = text_fold_lookup(uc, &kind);

		if (e == NULL || kind == TEXT_FOLD_FULL) {
			free(out);
			return NULL;
		}
		i += (size_t)(k > 0 ? k : 1);
		if (kind == TEXT_FOLD_SEPARATOR) {
			gap = true;
		} else if (kind == TEXT_FOLD_LETTERS) {
			if (gap && spaces && o > 0)
				out[o++] = ' ';
			gap = false;
			memcpy(out + o, e->out, e->len);
			o += e->len;
		}
	}
	out[o] = '\0';
	return (char *)out;
}

static char *
text_fold_impl(const char *s, bool spaces)
{
	size_t n;
	char *r;

	if (s == NULL || u8_check((const uint8_t *)s, n = strlen(s)) != NULL)
		return NULL;
	if ((r = text_fold_table((const uint8_t *)s, n, spaces)) != NULL)
		return r;
	return text_fold_full(s, spaces);
}

char *
text_fold(const char *s)
{
	return text_fold_impl(s, true);
}

char *
text_key(const char *s)
{
	return text_fold_impl(s, false);
}

void
text_hex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

size_t
text_hash(const char *s)
{
	size_t h = 14695981039346656037ull;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}
