#include "cli_i18n.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gazetteer.h"
#include "render.h"
#include "validate.h"

void
cli_i18n_init(void)
{
	const char *dir = getenv("HOPTAC_LOCALEDIR");

	setlocale(LC_CTYPE, "");
	setlocale(LC_MESSAGES, "");
	bindtextdomain(
	    "hoptac", dir != NULL && dir[0] != '\0' ? dir : HOPTAC_LOCALEDIR);
	bind_textdomain_codeset("hoptac", "UTF-8");
	textdomain("hoptac");
}

/* gettext("") is the header of the catalogue in use, "" without one. */
int
cli_i18n_translated(void)
{
	static const char empty[] = ""; /* a variable: not a msgid */
	const char *header = gettext(empty);

	return header != NULL && header[0] != '\0';
}

/* The labels of the kinds, as the seed reports write them. */
static const struct {
	const char *code, *label;
} cli_kind_labels[] = {
    {"delegation_out", N_("delegation_out")},
    {"delegation_in", N_("delegation_in")},
    {"conference", N_("conference")},
    {"agreement", N_("agreement")},
    {"border_work", N_("border_work")},
    {"information", N_("information")},
    {"project_aid", N_("project_aid")},
    {"training", N_("training")},
    {"other", N_("other")},
};

const char *
cli_kind_label(int kind)
{
	const char *code = validate_activity_kind_name(kind);

	for (size_t i = 0;
	     i < sizeof(cli_kind_labels) / sizeof(cli_kind_labels[0]); i++)
		if (strcmp(cli_kind_labels[i].code, code) == 0)
			return _(cli_kind_labels[i].label);
	return code;
}

void
cli_partner_labels(
    char *out, size_t len, char *const *codes, size_t n, const char *sep)
{
	int names = cli_i18n_translated();
	size_t used = 0;

	if (len == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		const struct gazetteer_partner *p =
		    names ? gazetteer_resolve(codes[i]) : NULL;
		int w = snprintf(out + used, len - used, "%s%s",
		    i > 0 ? sep : "", p != NULL ? p->name : codes[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* The review states, as render_report_status_name() writes them. */
static const char *const cli_report_states[] = {
    N_("submitted"), N_("returned"), N_("accepted")};

const char *
cli_report_status_label(int status)
{
	const char *name = render_report_status_name(status);

	for (size_t i = 0;
	     i < sizeof(cli_report_states) / sizeof(cli_report_states[0]); i++)
		if (strcmp(cli_report_states[i], name) == 0)
			return _(name);
	return name;
}
