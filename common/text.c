#include "text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

int
text_check(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;

	if (len == 0)
		return TEXT_OK;
	if (s == NULL || u8_check(p, len) != NULL)
		return TEXT_BAD_UTF8;
	while (i < len) {
		ucs4_t uc;
		int n = u8_mbtouc_unsafe(&uc, p + i, len - i);

		if (n <= 0)
			return TEXT_BAD_UTF8;
		if (uc == 0)
			return TEXT_HAS_NUL;
		/* DEL is counted with the controls: it never belongs in text.
		 */
		if ((uc < 0x20 && uc != '\t' && uc != '\n' && uc != '\r') ||
		    (uc >= 0x7f && uc <= 0x9f))
			return TEXT_HAS_CONTROL;
		i += (size_t)n;
	}
	return TEXT_OK;
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

char *
text_nfc(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n, len = 0, start = 0, end = 0, i = 0;
	uint8_t *norm;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	if (u8_check(p, n) != NULL)
		return NULL;
	if (n == 0)
		return strdup("");
	norm = u8_normalize(UNINORM_NFC, p, n, NULL, &len);
	if (norm == NULL)
		return NULL;

	/* Trimmed after composing, since a mark may follow a space. */
	while (i < len) {
		ucs4_t uc;
		int k = u8_mbtouc_unsafe(&uc, norm + i, len - i);

		if (k <= 0)
			k = 1;
		if (!uc_is_property_white_space(uc)) {
			if (end == 0)
				start = i;
			end = i + (size_t)k;
		}
		i += (size_t)k;
	}
	if (end == 0) {
		free(norm);
		return strdup("");
	}
	if (start > 0)
		memmove(norm, norm + start, end - start);
	return text_terminate(norm, end - start);
}

/*
 * The folding shared by text_fold and text_key: keep letters and digits,
 * drop marks, turn everything else into a single separator (a space when
 * spaces is true, nothing otherwise).
 */
static char *
text_fold_impl(const char *s, bool spaces)
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
		if (uc_is_general_category(uc, UC_CATEGORY_M))
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
