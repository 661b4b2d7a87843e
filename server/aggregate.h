/*
 * Aggregation over the store, shared by the report, completeness,
 * summary and consolidation handlers.
 */
#ifndef HOPTAC_AGGREGATE_H
#define HOPTAC_AGGREGATE_H

#include <stddef.h>
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

/* Frees rep's computed figures and mismatches, leaving none. */
void aggregate_clear_figures(Hoptac__V1__Report *rep);

/* Calls fn with the latest answer of each unit out's request asked, in
 * the request's order (units without one skipped); stops at the first
 * status fn returns that is not STATUS_OK and returns it. */
int aggregate_each_answer(struct store_conn *db,
    Hoptac__V1__ConsolidateResponse *out,
    int (*fn)(struct store_conn *, Hoptac__V1__ConsolidateResponse *,
        const Hoptac__V1__Report *));

/* The same partner by partner (an activity with several partners counts
 * for each), appended to *out and *n (the caller's to free). A status. */
int aggregate_partner_figures(struct store_conn *db,
    const Hoptac__V1__ReportingRequest *r, const char *unit, size_t *n,
    Hoptac__V1__PartnerFigures ***out);

/* Sorts summary rows by their first key. */
void aggregate_sort_rows(Hoptac__V1__SummaryRow **rows, size_t n);

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

/* The figures a row and the totals count, in Figures' order. */
#define AGGREGATE_N_FIGURES 7

/* The i-th figure of f (i < AGGREGATE_N_FIGURES), to read or write. */
int32_t *aggregate_figure_slot(Hoptac__V1__Figures *f, size_t i);

/* A heap Figures, all 0, into *f when it is NULL. A status. */
int aggregate_figures_alloc(Hoptac__V1__Figures **f);

/* The unit's row of a consolidated report's by_unit, or a new one with
 * zero figures, named from completeness (the reply owns it); NULL when
 * out of memory. */
Hoptac__V1__SummaryRow *aggregate_unit_row(
    Hoptac__V1__ConsolidateResponse *out, const char *unit);

/* Adds sign times f to the row of a consolidated report's by_partner
 * keyed code, made (named from the gazetteer) when there is none. A
 * status. */
int aggregate_partner_add(Hoptac__V1__ConsolidateResponse *out,
    const char *code, Hoptac__V1__Figures *f, int sign);

/* In a consolidated report whose request, by_unit, totals, by_partner,
 * partner_totals and completeness are filled: each unit whose latest
 * answer is accepted with accepted figures counts them in its row, in
 * the totals and (when frozen partner by partner) in by_partner, and
 * what the records hold beyond them goes to after_acceptance. A
 * status. */
int aggregate_freeze_accepted(
    struct store_conn *db, Hoptac__V1__ConsolidateResponse *out);

/* In a consolidated report whose by_unit and totals are final for the
 * records (after aggregate_freeze_accepted): each unit whose latest
 * answer declares figures gets its row from the declaration when it has
 * no records or they differ; every row says its source, and sources
 * counts them. by_unit ends sorted by unit code. A status. */
int aggregate_declared_rows(
    struct store_conn *db, Hoptac__V1__ConsolidateResponse *out);

/* rep's computed figures as the consolidated report counts the records
 * for it (the accepted ones for an accepted answer, else the records
 * now) and its mismatches against them; none when there are no records.
 * A status. */
int aggregate_declared_refresh(struct store_conn *db,
    const Hoptac__V1__ReportingRequest *r, Hoptac__V1__Report *rep);

/* In a consolidated report whose by_unit and totals are filled: each
 * group of counted records linked as one event (Activities/Link) counts
 * once in the totals, by its record with the most people; the others
 * are taken out and counted in duplicates_counted_once. Each unit's row
 * stays its own. A status. */
int aggregate_count_once(
    struct store_conn *db, Hoptac__V1__ConsolidateResponse *out);

#endif
