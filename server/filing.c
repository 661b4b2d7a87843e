/*
 * When a report counts as filed. The office's clock says when it filed;
 * a clock running behind would make a late report "filed on time,
 * received late". So the claim counts only within filing_tolerance
 * before the server's receipt, which the server's clock stamps; beyond
 * it the receipt less the tolerance counts. A peer's filed_at_ms stands:
 * a forwarding server computed it under this rule, or the department
 * enters a paper report with the day it was handed over.
 */
#include "filing.h"

#include "aggregate.h"
#include "date.h"

/* Set once at start, before the threads that read it. */
static int64_t filing_tolerance_ms = FILING_TOLERANCE_DEFAULT_MS;

void
filing_set_tolerance(int64_t ms)
{
	filing_tolerance_ms = ms;
}

/* What the office claims: its clock, else a whole signing date (at noon
 * in Vietnam, as --filed counts a day), else nothing (0). */
static int64_t
filing_claim(const Hoptac__V1__Report *rep)
{
	struct date_partial d;

	if (rep->submitted_at_ms > 0)
		return rep->submitted_at_ms;
	if (date_parse(rep->signed_on, &d) == 0 && d.day != 0)
		return aggregate_vn_day_start_ms(date_first_day(&d)) +
		    (int64_t)12 * 3600 * 1000;
	return 0;
}

int64_t
filing_time(const Hoptac__V1__Report *rep, int vouched, int64_t received_ms)
{
	int64_t claim = filing_claim(rep);

	if (vouched && rep->filed_at_ms > 0)
		return rep->filed_at_ms;
	if (claim <= 0 || claim > received_ms)
		return received_ms;
	if (claim < received_ms - filing_tolerance_ms)
		return received_ms - filing_tolerance_ms;
	return claim;
}

int64_t
filing_received_ms(const Hoptac__V1__Report *rep)
{
	return rep->paper_received_at_ms > 0 ? rep->paper_received_at_ms
	                                     : rep->received_at_ms;
}

int32_t
filing_day(const Hoptac__V1__Report *rep)
{
	int64_t claim;

	if (rep->filed_at_ms > 0)
		return aggregate_vn_day(rep->filed_at_ms);
	claim = filing_claim(rep);
	return aggregate_vn_day(claim > 0 ? claim : rep->received_at_ms);
}
