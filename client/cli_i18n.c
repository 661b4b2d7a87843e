#include "cli_i18n.h"

#include <locale.h>
#include <stdlib.h>

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
