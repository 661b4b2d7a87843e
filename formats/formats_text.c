/*
 * Small text helpers the readers and writers in formats/ share.
 */
#include "formats_text.h"

#include <string.h>

bool
formats_text_is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

int
formats_text_quote_len(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	return (int)n;
}

int
formats_text_whole(const char *s, int32_t *out)
{
	int64_t v = 0;

	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > INT32_MAX)
			return -2;
	}
	*out = (int32_t)v;
	return 0;
}

bool
formats_text_csv_guarded(const char *s)
{
	return s != NULL && s[0] != '\0' && strchr("=+-@\t\r'", s[0]) != NULL;
}

void
formats_text_csv_unguard(char *s)
{
	if (s[0] == '\'' && formats_text_csv_guarded(s + 1))
		memmove(s, s + 1, strlen(s));
}
