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

/* The codes tables show by a label in the person's language: kinds of
 * activity and of unit as the seed reports name them, review states,
 * roles.
 * Each is its own msgid; this list is where xgettext finds them. */
static const char *const cli_labels[] = {N_("delegation_out"),
    N_("delegation_in"), N_("conference"), N_("agreement"), N_("border_work"),
    N_("information"), N_("project_aid"), N_("training"), N_("other"),
    N_("provincial_committee"), N_("department"), N_("district_committee"),
    N_("commune_committee"), N_("submitted"), N_("returned"), N_("accepted"),
    N_("queued"), N_("refused"), N_("office"), N_("reviewer"), N_("admin"),
    N_("peer")};

const char *
cli_label(const char *code)
{
	for (size_t i = 0; i < sizeof(cli_labels) / sizeof(cli_labels[0]); i++)
		if (strcmp(cli_labels[i], code) == 0)
			return _(code);
	return code;
}

const char *
cli_kind_label(int kind)
{
	return cli_label(validate_activity_kind_name(kind));
}

const char *
cli_unit_kind_label(int kind)
{
	return cli_label(validate_unit_kind_name(kind));
}

const char *
cli_report_status_label(int status)
{
	return cli_label(render_report_status_name(status));
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
