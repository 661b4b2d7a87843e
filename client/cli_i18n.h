/*
 * The client's messages in the person's language (gettext, the "hoptac"
 * domain, catalogues from po/), chosen as Debian programs choose:
 * LANGUAGE, LC_ALL, LC_MESSAGES, LANG. The messages are written in
 * English in the sources and translated in po/vi.po.
 */
#ifndef HOPTAC_CLI_I18N_H
#define HOPTAC_CLI_I18N_H

#include <stddef.h>

#include <libintl.h>

#define _(s)  gettext(s)
#define N_(s) (s)

/* Sets the locale's character type and messages from the environment and
 * binds the domain to $HOPTAC_LOCALEDIR, else the installed locale
 * directory. Numbers and times stay in the C locale, so that CSV, JSON
 * and dates read the same everywhere. */
void cli_i18n_init(void);

/* Whether the messages are read from a catalogue (Vietnamese): tables
 * then name partners and kinds as people do rather than by code. */
int cli_i18n_translated(void);

/* How a table shows a code: the catalogue's label for it ("đoàn ra" for
 * "delegation_out") when it is one of the labelled codes, else code. */
const char *cli_label(const char *code);

/* cli_label of a kind of activity, of unit, and of a report's review
 * state. */
const char *cli_kind_label(int kind);
const char *cli_unit_kind_label(int kind);

/* How a table shows the partners codes[0..n), into out (len bytes, cut if
 * needed), sep between them: their Vietnamese names ("Sê Kông") when
 * translated, a code the gazetteer does not know as it is; the codes
 * otherwise. */
void cli_partner_labels(
    char *out, size_t len, char *const *codes, size_t n, const char *sep);

const char *cli_report_status_label(int status);

/* A message of the server (or of the checks the client shares with it)
 * in the person's language: the catalogue's translation of the first
 * known English form text is written in (cli_remote.c), its variable
 * parts carried over, into out (len bytes). text itself when no form
 * fits or nothing is translated. */
const char *cli_remote_text(const char *text, char *out, size_t len);

#endif
