/*
 * Aggregation over the store, shared by the report, completeness,
 * summary and consolidation handlers.
 */
#ifndef HOPTAC_AGGREGATE_H
#define HOPTAC_AGGREGATE_H

#include <stdint.h>

#include "hoptac/v1/services.pb-c.h"

struct store_conn;

/* Offices and due dates live in Vietnam: a timestamp's day is UTC+7's. */
int32_t aggregate_vn_day(int64_t ms);

/* The first millisecond of a day (days since 1970-01-01) in UTC+7. */
int64_t aggregate_vn_day_start_ms(int32_t day);

/* The days a request's period covers: period_from's first day to the last
 * day of period_to, or of issued_on when period_to is empty. */
void aggregate_period(
    const Hoptac__V1__ReportingRequest *r, int32_t *from, int32_t *to);

/* The figures of unit's activities in the request's period and partner
 * scope (caller frees *out). A status. */
int aggregate_figures(struct store_conn *db,
    const Hoptac__V1__ReportingRequest *r, const char *unit,
    Hoptac__V1__Figures **out);

/* The figures the office declared that differ from the computed ones,
 * appended to rep->mismatches. A status. */
int aggregate_mismatches(Hoptac__V1__Report *rep);

/* Who was asked, who answered and when: fills out (request copied in).
 * The first revision decides timeliness; the latest gives the status. */
int aggregate_completeness(struct store_conn *db,
    const Hoptac__V1__ReportingRequest *r,
    Hoptac__V1__CompletenessResponse *out);

/* Replaces each unit code by the unit that finally succeeded it
 * (following successor_codes), for roll-ups across reorganizations. The
 * string is replaced in place (heap, pbstr). A status. */
int aggregate_rollup_unit(struct store_conn *db, char **code);

/* In a consolidated report whose request, by_unit, totals and
 * completeness are filled: each unit whose latest answer is accepted
 * with accepted figures counts them in its row and the totals, and what
 * the records hold beyond them goes to after_acceptance. A status. */
int aggregate_freeze_accepted(
    struct store_conn *db, Hoptac__V1__ConsolidateResponse *out);

/* In a consolidated report whose by_unit and totals are filled: each
 * group of counted records linked as one event (Activities/Link) counts
 * once in the totals, by its record with the most people; the others
 * are taken out and counted in duplicates_counted_once. Each unit's row
 * stays its own. A status. */
int aggregate_count_once(
    struct store_conn *db, Hoptac__V1__ConsolidateResponse *out);

#endif
