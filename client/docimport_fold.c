#define _GNU_SOURCE /* vasprintf */
/*
 * Folded lines for the document import: matching is done on text with
 * its Vietnamese marks and case removed, so that "ĐẶC ĐIỂM", "Đặc điểm"
 * and "Dac diem" read alike, but with its punctuation kept, since the
 * patterns of official documents ("Số: 12/BC-UBND", "02 đoàn/10 người")
 * are made of it. Text is taken back from the original.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "docimport_int.h"

/* The base letter of uc, lower case, without its marks: "Ế" -> "e". */
static ucs4_t
docimport_base(ucs4_t uc)
{
	ucs4_t dec[UC_DECOMPOSITION_MAX_LENGTH];

	while (uc_canonical_decomposition(uc, dec) > 0)
		uc = dec[0];
	if (uc == 0x0110 || uc == 0x0111) /* Đ đ */
		return 'd';
	return uc_tolower(uc);
}

int
docimport_fold(const char *text, struct docimport_fold *f)
{
	const uint8_t *p = (const uint8_t *)text;
	size_t n = strlen(text), i = 0, o = 0;

	memset(f, 0, sizeof(*f));
	if (u8_check(p, n) != NULL)
		return -1;
	/* A base letter is never longer in UTF-8 than what it came from. */
	f->s = malloc(n + 1);
	f->at = malloc((n + 1) * sizeof(*f->at));
	if (f->s == NULL || f->at == NULL) {
		docimport_fold_free(f);
		return -1;
	}
	while (i < n) {
		ucs4_t uc;
		int k = u8_mbtouc(&uc, p + i, n - i), w;
		uint8_t buf[6];

		if (uc_is_general_category(uc, UC_CATEGORY_M) ||
		    uc_is_general_category(uc, UC_CATEGORY_Cf)) {
			i += (size_t)k;
			continue;
		}
		uc = docimport_base(uc);
		if (uc == 0x201C || uc == 0x201D) /* curly quotes */
			uc = '"';
		else if (uc == 0x2013 || uc == 0x2014) /* dashes */
			uc = '-';
		else if (uc == 0xA0)
			uc = ' ';
		w = u8_uctomb(buf, uc, sizeof(buf));
		if (w <= 0 || (size_t)w > (size_t)k) {
			memcpy(buf, p + i, (size_t)k);
			w = k;
		}
		for (int j = 0; j < w; j++) {
			f->at[o] = i;
			f->s[o++] = (char)buf[j];
		}
		i += (size_t)k;
	}
	f->s[o] = '\0';
	f->at[o] = n;
	f->len = o;
	return 0;
}

void
docimport_fold_free(struct docimport_fold *f)
{
	free(f->s);
	free(f->at);
	memset(f, 0, sizeof(*f));
}

/* Patterns are string literals: their address is their key. */
#define DOCIMPORT_RE_MAX 96

int
docimport_match(const char *re, const char *s, regmatch_t *m, size_t nm)
{
	static struct {
		const char *re;
		regex_t rx;
	} cache[DOCIMPORT_RE_MAX];
	static size_t n_cache;
	size_t i;

	for (i = 0; i < n_cache && cache[i].re != re; i++)
		;
	if (i == n_cache) {
		if (n_cache == DOCIMPORT_RE_MAX ||
		    regcomp(&cache[i].rx, re, REG_EXTENDED) != 0)
			return 0;
		cache[i].re = re;
		n_cache++;
	}
	return regexec(&cache[i].rx, s, nm, m, 0) == 0;
}

char *
docimport_orig(
    const char *orig, const struct docimport_fold *f, size_t a, size_t b)
{
	size_t from = f->at[a], to = f->at[b];
	char *out;

	/* A folded byte inside a character maps to its start: go on to the
	 * end of the character that gave b - 1. */
	if (b > a && b < f->len)
		for (to = f->at[b - 1] + 1;
		     ((unsigned char)orig[to] & 0xc0) == 0x80; to++)
			;
	while (from < to && (orig[from] == ' ' || orig[from] == '\t'))
		from++;
	while (to > from && (orig[to - 1] == ' ' || orig[to - 1] == '\t'))
		to--;
	if ((out = malloc(to - from + 1)) == NULL)
		return NULL;
	memcpy(out, orig + from, to - from);
	out[to - from] = '\0';
	return out;
}

int
docimport_is_upper(const char *text)
{
	const uint8_t *p = (const uint8_t *)text;
	size_t n = strlen(text), i = 0;
	int letters = 0;

	while (i < n) {
		ucs4_t uc;
		int k = u8_mbtouc(&uc, p + i, n - i);

		if (uc_is_lower(uc))
			return 0;
		letters += uc_is_alpha(uc);
		i += (size_t)k;
	}
	return letters > 0;
}

int
docimport_note(struct docimport_notes *n, size_t line, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -1;
	if (n->n == n->cap) {
		size_t cap = n->cap ? n->cap * 2 : 16;
		struct docimport_note *items =
		    realloc(n->items, cap * sizeof(*items));

		if (items == NULL) {
			free(text);
			return -1;
		}
		n->items = items;
		n->cap = cap;
	}
	n->items[n->n].line = line;
	n->items[n->n++].text = text;
	return 0;
}

long
docimport_number(const char *folded, size_t len)
{
	static const char *const words[] = {"mot", "hai", "ba", "bon", NULL,
	    "sau", "bay", "tam", "chin", "muoi"};
	long v = 0;

	if (len > 0 && len <= 6 && folded[0] >= '0' && folded[0] <= '9') {
		for (size_t i = 0; i < len; i++) {
			if (folded[i] < '0' || folded[i] > '9')
				return -1;
			v = v * 10 + (folded[i] - '0');
		}
		return v;
	}
	for (size_t i = 0; i < 10; i++)
		if (words[i] != NULL && strlen(words[i]) == len &&
		    strncmp(folded, words[i], len) == 0)
			return (long)i + 1;
	return -1;
}
