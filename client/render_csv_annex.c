/*
 * The annex of the consolidated report as CSV: a table after the others,
 * separated by an empty line, one row an activity in the order of the
 * annex (docs/consolidated-report.md, "CSV").
 */
#include "render.h"

#include <string.h>

#include "render_internal.h"
#include "validate.h"

/* The unit's name as the request's completeness gives it; "" else. */
static const char *
render_csv_annex_unit(const Consolidated *c, const char *code)
{
	for (size_t i = 0; i < render_n_entries(c); i++) {
		const Entry *e = c->completeness->entries[i];

		if (strcmp(e->unit_code, code) == 0)
			return e->unit_name;
	}
	return "";
}

void
render_csv_annex(FILE *f, const Consolidated *c, const struct render_layout *l)
{
	static const char *const heads[] = {"unit_code", "unit_name", "no",
	    "id", "start_date", "end_date", "kind", "partners", "people",
	    "title", "place"};
	const char *unit = NULL;
	int64_t no = 0;

	render_csv_end(f);
	for (size_t i = 0; i < sizeof(heads) / sizeof(*heads); i++)
		render_csv_cell(f, i == 0, heads[i]);
	render_csv_end(f);
	for (size_t i = 0; i < l->n_activities; i++) {
		const Hoptac__V1__Activity *a = l->activities[i];
		char partners[1024] = "";
		size_t used = 0;

		no = unit != NULL && strcmp(unit, a->unit_code) == 0 ? no + 1
		                                                     : 1;
		unit = a->unit_code;
		for (size_t k = 0;
		     k < a->n_partner_codes && used < sizeof(partners); k++) {
			int n =
			    snprintf(partners + used, sizeof(partners) - used,
			        "%s%s", k > 0 ? "; " : "", a->partner_codes[k]);

			if (n < 0)
				break;
			used += (size_t)n;
		}
		render_csv_cell(f, 1, a->unit_code);
		render_csv_cell(f, 0, render_csv_annex_unit(c, a->unit_code));
		render_csv_int(f, 0, no);
		render_csv_cell(f, 0, a->id);
		render_csv_cell(f, 0, a->start_date);
		render_csv_cell(f, 0, a->end_date);
		render_csv_cell(f, 0, validate_activity_kind_name(a->kind));
		render_csv_cell(f, 0, partners);
		if (a->people > 0)
			render_csv_int(f, 0, a->people);
		else
			render_csv_cell(f, 0, "");
		render_csv_cell(f, 0, a->title);
		render_csv_cell(f, 0, a->place);
		render_csv_end(f);
	}
}
