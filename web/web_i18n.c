/* The language of a request's pages: see web_i18n.h. */
#include "web_i18n.h"

#include <ctype.h>
#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WEB_I18N_DOMAIN "hoptac-web"

/* Made once by web_i18n_init, then only read by the serving threads. */
static locale_t web_i18n_vi = (locale_t)0;
static locale_t web_i18n_en = (locale_t)0;
/* The English pages are the msgids: no catalogue is looked up. */
static __thread int web_i18n_english;
/* 'v', 'e' or 'b' (web_i18n_choose); set before any thread serves. */
static char web_i18n_mode = 'v';

int
web_i18n_choose(const char *mode)
{
	if (strcmp(mode, "vi") == 0 || strcmp(mode, "en") == 0 ||
	    strcmp(mode, "browser") == 0) {
		web_i18n_mode = mode[0];
		return 0;
	}
	return -1;
}

void
web_i18n_init(void)
{
	const char *dir = getenv("HOPTAC_LOCALEDIR");

	bindtextdomain(WEB_I18N_DOMAIN,
	    dir != NULL && dir[0] != '\0' ? dir : HOPTAC_LOCALEDIR);
	bind_textdomain_codeset(WEB_I18N_DOMAIN, "UTF-8");
	web_i18n_en = newlocale(LC_MESSAGES_MASK, "C.UTF-8", (locale_t)0);
	web_i18n_vi = newlocale(LC_MESSAGES_MASK, "vi_VN.UTF-8", (locale_t)0);
	if (web_i18n_vi != (locale_t)0) {
		/* The server's LANGUAGE must not turn the pages into
		 * another language; no thread runs yet. */
		unsetenv("LANGUAGE");
		return;
	}
	/* Without the vi_VN locale, gettext still reads the Vietnamese
	 * catalogue under C.UTF-8 (not "C") when LANGUAGE names it. */
	web_i18n_vi = web_i18n_en;
	setenv("LANGUAGE", "vi", 1);
	fprintf(stderr,
	    "hoptac-web: no vi_VN.UTF-8 locale on this machine: "
	    "the Vietnamese catalogue is read through "
	    "LANGUAGE=vi\n");
}

/* The q value of one Accept-Language item ("en-GB;q=0.8"), 1 by
 * default. */
static double
web_i18n_q(const char *item, size_t len)
{
	const char *q = memchr(item, ';', len);

	while (q != NULL && q < item + len) {
		q++;
		while (*q == ' ')
			q++;
		if (strncasecmp(q, "q=", 2) == 0)
			return strtod(q + 2, NULL);
		q = memchr(q, ';', (size_t)(item + len - q));
	}
	return 1.0;
}

/* Whether the language a header prefers most is English; ties go to the
 * first listed. */
static int
web_i18n_prefers_english(const char *header)
{
	double best = 0.0;
	int english = 0;

	while (header != NULL && *header != '\0') {
		const char *end = strchr(header, ',');
		size_t len =
		    end != NULL ? (size_t)(end - header) : strlen(header);
		const char *tag = header;
		double q;

		while (tag < header + len && isspace((unsigned char)*tag))
			tag++;
		q = web_i18n_q(tag, (size_t)(header + len - tag));
		if (q > best) {
			best = q;
			english = strncasecmp(tag, "en", 2) == 0 &&
			    (tag[2] == '-' || tag[2] == ';' || tag[2] == ',' ||
			        tag[2] == ' ' || tag[2] == '\0');
		}
		header = end != NULL ? end + 1 : NULL;
	}
	return english;
}

locale_t
web_i18n_enter(const char *accept_language)
{
	locale_t use;

	web_i18n_english = web_i18n_mode == 'e' ||
	    (web_i18n_mode == 'b' && web_i18n_prefers_english(accept_language));
	use = web_i18n_english ? web_i18n_en : web_i18n_vi;
	return use != (locale_t)0 ? uselocale(use) : uselocale((locale_t)0);
}

void
web_i18n_leave(locale_t old)
{
	uselocale(old);
	web_i18n_english = 0;
}

const char *
web_i18n_lang(void)
{
	return web_i18n_english ? "en" : "vi";
}

const char *
web_i18n_text(const char *msgid)
{
	return web_i18n_english ? msgid : dgettext(WEB_I18N_DOMAIN, msgid);
}
