/* Units' validity across reorganizations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "date.h"
#include "hoptac/v1/services.pb-c.h"
#include "status.h"
#include "store.h"
#include "validate.h"
#include "validity.h"

void
validity_days(const Hoptac__V1__Unit *u, int32_t *first, int32_t *last)
{
	struct date_partial d;

	*first = INT32_MIN;
	*last = INT32_MAX;
	if (u->valid_from[0] != '\0' && date_parse(u->valid_from, &d) == 0)
		*first = date_first_day(&d);
	if (u->valid_to[0] != '\0' && date_parse(u->valid_to, &d) == 0)
		*last = date_last_day(&d);
}

int32_t
validity_today(int64_t wall_ms)
{
	/* Floor division, should the clock ever read before 1970. */
	return date_today_at(
	    (time_t)(wall_ms >= 0 ? wall_ms / 1000 : (wall_ms - 999) / 1000));
}

void
validity_day_text(int32_t day, char *buf, size_t len)
{
	struct date_partial d;

	date_from_days(day, &d);
	snprintf(buf, len, "%d/%d/%d", d.day, d.month, d.year);
}

/* Appends "CODE (name)" to buf after a comma when it is not empty. */
static void
validity_append(char *buf, size_t len, const char *code, const char *name)
{
	size_t n = strlen(buf);

	if (n + 1 >= len)
		return;
	if (name != NULL)
		snprintf(buf + n, len - n, "%s%s (%s)", n > 0 ? ", " : "", code,
		    name);
	else
		snprintf(buf + n, len - n, "%s%s", n > 0 ? ", " : "", code);
}

int
validity_successors_text(
    struct store_conn *db, const Hoptac__V1__Unit *u, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < u->n_successor_codes; i++) {
		Hoptac__V1__Unit *s = NULL;
		int rc = store_unit_get(db, u->successor_codes[i], &s);

		if (rc != STATUS_OK && rc != STATUS_NOT_FOUND)
			return rc;
		validity_append(buf, len, u->successor_codes[i],
		    s != NULL ? s->name : NULL);
		if (s != NULL)
			hoptac__v1__unit__free_unpacked(s, NULL);
	}
	return STATUS_OK;
}

/* The units whose successor_codes name u, as validity_successors_text. */
static int
validity_predecessors_text(
    struct store_conn *db, const Hoptac__V1__Unit *u, char *buf, size_t len)
{
	Hoptac__V1__ListUnitsRequest q = HOPTAC__V1__LIST_UNITS_REQUEST__INIT;
	Hoptac__V1__ListUnitsResponse all =
	    HOPTAC__V1__LIST_UNITS_RESPONSE__INIT;
	int rc;

	buf[0] = '\0';
	q.include_ended = 1;
	rc = store_unit_list(db, &q, date_today(), &all);
	for (size_t i = 0; rc == STATUS_OK && i < all.n_units; i++) {
		const Hoptac__V1__Unit *p = all.units[i];

		for (size_t j = 0; j < p->n_successor_codes; j++)
			if (strcmp(p->successor_codes[j], u->code) == 0)
				validity_append(buf, len, p->code, p->name);
	}
	for (size_t i = 0; i < all.n_units; i++)
		hoptac__v1__unit__free_unpacked(all.units[i], NULL);
	free(all.units);
	return rc;
}

int
validity_check_activity(struct call *c, struct store_conn *db,
    const Hoptac__V1__Unit *u, const Hoptac__V1__Activity *a,
    const char *prefix)
{
	struct date_partial d;
	int32_t first, last, start, end;
	int after;
	char day[16], names[400];
	int rc;

	/* Malformed dates are the validator's to report. */
	if (date_parse(a->start_date, &d) != 0)
		return STATUS_OK;
	start = date_first_day(&d);
	end = date_last_day(&d);
	if (a->end_date[0] != '\0' && date_parse(a->end_date, &d) == 0)
		end = date_last_day(&d);
	validity_days(u, &first, &last);
	if (start <= last && end >= first)
		return STATUS_OK;
	after = start > last;
	rc = after ? validity_successors_text(db, u, names, sizeof(names))
	           : validity_predecessors_text(db, u, names, sizeof(names));
	if (rc != STATUS_OK)
		return rc;
	validity_day_text(after ? last : first, day, sizeof(day));
	violations_add(&c->violations, prefix, "start_date",
	    "đơn vị %s (%s) %s ngày %s; hoạt động %s ngày này %s: %s", u->code,
	    u->name, after ? "đã kết thúc hoạt động" : "được thành lập từ", day,
	    after ? "sau" : "trước",
	    after ? "do đơn vị kế tiếp ghi nhận" : "ghi cho đơn vị tiền thân",
	    names[0] != '\0' ? names : "(chưa có trong danh mục đơn vị)");
	return STATUS_OK;
}

int
validity_check_ended(struct call *c, struct store_conn *db,
    const Hoptac__V1__Unit *u, int32_t day, const char *prefix,
    const char *field, const char *instead)
{
	int32_t first, last;
	char when[16], names[400];
	int rc;

	validity_days(u, &first, &last);
	if (last >= day)
		return STATUS_OK;
	rc = validity_successors_text(db, u, names, sizeof(names));
	if (rc != STATUS_OK)
		return rc;
	validity_day_text(last, when, sizeof(when));
	violations_add(&c->violations, prefix, field,
	    "đơn vị %s (%s) đã kết thúc hoạt động ngày %s; %s: %s", u->code,
	    u->name, when, instead,
	    names[0] != '\0' ? names : "(chưa có trong danh mục đơn vị)");
	return STATUS_OK;
}

int
validity_check_unit(struct call *c, struct store_conn *db, const char *code,
    int32_t day, const char *prefix, const char *field, const char *instead)
{
	Hoptac__V1__Unit *u = NULL;
	int rc = store_unit_get(db, code, &u);

	if (rc == STATUS_NOT_FOUND) {
		violations_add(
		    &c->violations, prefix, field, "unknown unit \"%s\"", code);
		return STATUS_OK;
	}
	if (rc == STATUS_OK)
		rc =
		    validity_check_ended(c, db, u, day, prefix, field, instead);
	if (u != NULL)
		hoptac__v1__unit__free_unpacked(u, NULL);
	return rc;
}

int
validity_may_record(struct call *c, const Hoptac__V1__Unit *u)
{
	const char *own = auth_office_unit(c);

	if (own == NULL || strcmp(own, u->code) == 0)
		return STATUS_OK;
	for (size_t i = 0; i < u->n_successor_codes; i++)
		if (strcmp(u->successor_codes[i], own) == 0)
			return STATUS_OK;
	return auth_may_write(c, u->code);
}
