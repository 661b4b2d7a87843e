/*
 * The language of hoptac-web's pages (web_i18n.c): Vietnamese unless
 * configured otherwise, set per request and per thread, from the
 * catalogue of the text domain hoptac-web (po/web/).
 */
#ifndef HOPTAC_WEB_I18N_H
#define HOPTAC_WEB_I18N_H

#include <locale.h>

/* A text people read on a page: msgid is English, translated into the
 * language of the request the calling thread serves. */
#define W_(msgid) web_i18n_text(msgid)
/* Marks msgid for the catalogue where it cannot be translated yet (a
 * static initializer); translate it with W_ where it is used. */
#define WN_(msgid) msgid

/* Binds the text domain (HOPTAC_LOCALEDIR when set, for the tests, else
 * the installed locale directory) and prepares the two languages. Call
 * once before any thread serves requests. */
void web_i18n_init(void);

/* How pages choose their language (--language): "vi" (the default:
 * Vietnamese whatever the browser says, as most staff's browsers are
 * left in English), "en", or "browser" (the Accept-Language header).
 * Returns 0, or -1 for another word. Call before web_i18n_init. */
int web_i18n_choose(const char *mode);

/* Makes the calling thread render in its language: the one chosen, or
 * under "browser" the one accept_language (an Accept-Language header,
 * NULL: none) prefers. Returns the locale to give back to
 * web_i18n_leave. */
locale_t web_i18n_enter(const char *accept_language);

/* Gives the thread back the locale web_i18n_enter returned. */
void web_i18n_leave(locale_t old);

/* "vi" or "en": the language the calling thread renders in. */
const char *web_i18n_lang(void);

/* msgid translated as W_ does. */
const char *web_i18n_text(const char *msgid) __attribute__((format_arg(1)));

#endif
