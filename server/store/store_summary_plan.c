/*
 * What both backends decide the same way about a summary: whether the
 * counts they keep by day and month can answer it, and how its period
 * splits into whole months and the days around them.
 */
#include "date.h"
#include "gazetteer.h"
#include "store_backend.h"

enum store_source
store_summary_source(const struct store_summary_query *q, size_t n_dims)
{
	int by_partner = 0;

	if (q->from_records)
		return STORE_FROM_RECORDS;
	for (size_t i = 0; i < n_dims; i++) {
		if (q->dims[i] == HOPTAC__V1__DIMENSION__DIMENSION_FIELD)
			return STORE_FROM_RECORDS;
		by_partner |=
		    q->dims[i] == HOPTAC__V1__DIMENSION__DIMENSION_PARTNER;
	}
	if (!by_partner && q->n_partners == 0)
		return STORE_FROM_COUNTS;
	for (size_t i = 0; i < q->n_partners; i++)
		if (!gazetteer_is_province(q->partners[i]))
			return STORE_FROM_RECORDS;
	if (!by_partner && q->n_partners > 1)
		return STORE_FROM_RECORDS;
	return STORE_FROM_PARTNER_COUNTS;
}

void
store_summary_split(int32_t from, int32_t to, int32_t m[2], int32_t d[4])
{
	struct date_partial lo = {1900, 1, 1, 0}, hi = {2200, 12, 31, 0};
	int32_t first, last_end;

	/* Records are dated 1900 to 2200 (validate.c). */
	if (from < date_first_day(&lo))
		from = date_first_day(&lo);
	if (to > date_last_day(&hi))
		to = date_last_day(&hi);
	first = date_month_start(from) == from
	    ? from
	    : date_month_start(date_month_start(from) + 31);
	last_end =
	    date_month_start(to + 1) == to + 1 ? to : date_month_start(to) - 1;
	if (from > to || first > last_end) {
		m[0] = 1, m[1] = 0;
		d[0] = from, d[1] = to, d[2] = 1, d[3] = 0;
		return;
	}
	m[0] = first, m[1] = date_month_start(last_end);
	d[0] = from, d[1] = first - 1, d[2] = last_end + 1, d[3] = to;
}

int
store_dim_is_time(int dim)
{
	return dim == HOPTAC__V1__DIMENSION__DIMENSION_YEAR ||
	    dim == HOPTAC__V1__DIMENSION__DIMENSION_QUARTER ||
	    dim == HOPTAC__V1__DIMENSION__DIMENSION_MONTH;
}
