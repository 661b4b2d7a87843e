/*
 * The client's messages in the person's language (gettext, the "hoptac"
 * domain, catalogues from po/), chosen as Debian programs choose:
 * LANGUAGE, LC_ALL, LC_MESSAGES, LANG. The messages are written in
 * English in the sources and translated in po/vi.po.
 */
#ifndef HOPTAC_CLI_I18N_H
#define HOPTAC_CLI_I18N_H

#include <libintl.h>

#define _(s)  gettext(s)
#define N_(s) (s)

/* Sets the locale's character type and messages from the environment and
 * binds the domain to $HOPTAC_LOCALEDIR, else the installed locale
 * directory. Numbers and times stay in the C locale, so that CSV, JSON
 * and dates read the same everywhere. */
void cli_i18n_init(void);

#endif
